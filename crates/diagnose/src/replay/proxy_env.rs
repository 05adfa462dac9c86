//! The proxy the environment asks for, read as curl reads it, so that the replay goes where the
//! developer's own call went.

use upwork_diag_core::request::RawUrl;

/// The proxy the environment sets for this URL, as curl reads it: `https_proxy`/`HTTPS_PROXY` for
/// https, `http_proxy` for http (the upper-case form is ignored for http, as curl does, because CGI
/// sets it from a request header), then `ALL_PROXY`; `NO_PROXY` and loopback hosts bypass it.
pub fn from_env(url: &RawUrl, var: impl Fn(&str) -> Option<String>) -> Option<RawUrl> {
    let host = url.host().trim_matches(['[', ']']).to_ascii_lowercase();
    if host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    {
        return None;
    }
    let no_proxy = var("no_proxy")
        .or_else(|| var("NO_PROXY"))
        .unwrap_or_default();
    let bypass = no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            entry == "*" || {
                let entry = entry.trim_start_matches('.').to_ascii_lowercase();
                host == entry || host.ends_with(&format!(".{entry}"))
            }
        });
    if bypass {
        return None;
    }
    let names: &[&str] = if url.is_https() {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    let value = names
        .iter()
        .find_map(|n| var(n).filter(|v| !v.is_empty()))?;
    let value = if value.contains("://") {
        value
    } else {
        format!("http://{value}")
    };
    RawUrl::parse(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_as_curl_reads_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let upwork = RawUrl::parse("https://www.upwork.com/api/x").unwrap();
        let proxy = from_env(&upwork, env(&[("HTTPS_PROXY", "proxy.corp:3128")])).unwrap();
        assert_eq!(proxy.as_str(), "http://proxy.corp:3128");
        assert!(
            from_env(
                &upwork,
                env(&[("HTTPS_PROXY", "p:1"), ("NO_PROXY", ".upwork.com")])
            )
            .is_none()
        );
        let local = RawUrl::parse("http://127.0.0.1:8080/x").unwrap();
        assert!(from_env(&local, env(&[("http_proxy", "p:1")])).is_none());
        let plain = RawUrl::parse("http://example.com/").unwrap();
        assert!(
            from_env(&plain, env(&[("HTTP_PROXY", "p:1")])).is_none(),
            "upper-case HTTP_PROXY is ignored"
        );
    }
}
