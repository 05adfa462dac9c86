//! An absolute URL kept byte for byte as the developer wrote it.
//!
//! `url::Url` normalises (it re-encodes spaces, lowercases, drops default ports), which would erase
//! the very mistakes a diagnosis must name, so the request keeps the raw text and splits it here.

use std::fmt;

/// Why a URL was refused. The message shows the URL without its userinfo and query, which may
/// hold a password or a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("'{}' is not an absolute http or https URL (expected https://host/path)", shown(.0))]
    NotAbsolute(String),
    #[error("'{}' has no host", shown(.0))]
    NoHost(String),
    #[error("'{}' has a port that is not a number from 0 to 65535", shown(.url))]
    BadPort { url: String, port: String },
    /// A host that no address can be: an IPv6 literal not closed by `]` or not an IPv6 address,
    /// brackets inside a name. The URL is not repeated: its userinfo may hold a password.
    #[error("the URL's host is not valid: {0}")]
    BadHost(&'static str),
    #[error("'{}' contains a line break or control character, which cannot be sent", shown(.0))]
    ControlCharacter(String),
}

/// A refused URL as an error message may show it: scheme, host and path, with the userinfo and
/// the query (where passwords and tokens ride) left out and control characters escaped.
fn shown(url: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, false), |(base, _)| (base, true));
    let base = match base.split_once("://") {
        Some((scheme, rest)) => {
            let authority_end = rest.find('/').unwrap_or(rest.len());
            match rest[..authority_end].rfind('@') {
                Some(at) => format!("{scheme}://...@{}", &rest[at + 1..]),
                None => base.to_string(),
            }
        }
        None if base.contains('@') => "...".to_string(),
        None => base.to_string(),
    };
    let base = base.escape_debug().to_string();
    if query { format!("{base}?...") } else { base }
}

/// An absolute `http` or `https` URL, raw. The fragment, never sent, is dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct RawUrl {
    text: String,
    scheme_end: usize,
    authority: (usize, usize),
    path_end: usize,
}

impl RawUrl {
    pub fn parse(input: &str) -> Result<Self, UrlError> {
        let without_fragment = input.split('#').next().unwrap_or_default();
        // A raw space is kept (the checks name it); line breaks would split the request line.
        if without_fragment.chars().any(|c| c.is_control()) {
            return Err(UrlError::ControlCharacter(input.to_string()));
        }
        let Some(scheme_end) = without_fragment.find("://") else {
            return Err(UrlError::NotAbsolute(input.to_string()));
        };
        let scheme = &without_fragment[..scheme_end];
        if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
            return Err(UrlError::NotAbsolute(input.to_string()));
        }
        let authority_start = scheme_end + 3;
        let rest = &without_fragment[authority_start..];
        let authority_len = rest.find(['/', '?']).unwrap_or(rest.len());
        let authority_end = authority_start + authority_len;
        let path_end = without_fragment[authority_end..]
            .find('?')
            .map_or(without_fragment.len(), |i| authority_end + i);
        let url = RawUrl {
            text: without_fragment.to_string(),
            scheme_end,
            authority: (authority_start, authority_end),
            path_end,
        };
        if url.host().is_empty() {
            return Err(UrlError::NoHost(input.to_string()));
        }
        if let Err(why) = valid_host(url.host()) {
            return Err(UrlError::BadHost(why));
        }
        if let Some(port) = url.explicit_port_text()
            && port.parse::<u16>().is_err()
        {
            return Err(UrlError::BadPort {
                url: input.to_string(),
                port: port.to_string(),
            });
        }
        Ok(url)
    }

    /// The whole URL as written (without fragment).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The scheme as written (`HTTPS` stays `HTTPS`).
    pub fn scheme(&self) -> &str {
        &self.text[..self.scheme_end]
    }

    pub fn is_https(&self) -> bool {
        self.scheme().eq_ignore_ascii_case("https")
    }

    /// `user:pass@host:port` as written.
    pub fn authority(&self) -> &str {
        &self.text[self.authority.0..self.authority.1]
    }

    /// Credentials in the authority (`user:pass@`), if any.
    pub fn userinfo(&self) -> Option<&str> {
        self.authority()
            .rsplit_once('@')
            .map(|(userinfo, _)| userinfo)
    }

    /// `host:port` as written, without userinfo: what the `Host` header carries.
    pub fn host_port(&self) -> &str {
        let authority = self.authority();
        authority.rsplit_once('@').map_or(authority, |(_, hp)| hp)
    }

    /// The host as written, case kept; an IPv6 literal keeps its brackets.
    pub fn host(&self) -> &str {
        let hp = self.host_port();
        if hp.starts_with('[') {
            return hp.find(']').map_or(hp, |i| &hp[..=i]);
        }
        hp.rsplit_once(':').map_or(hp, |(host, _)| host)
    }

    fn explicit_port_text(&self) -> Option<&str> {
        let hp = self.host_port();
        let after_host = &hp[self.host().len()..];
        after_host.strip_prefix(':').filter(|p| !p.is_empty())
    }

    /// The port written in the URL, if any (`:443` written out is a signing mistake worth naming).
    pub fn explicit_port(&self) -> Option<u16> {
        self.explicit_port_text().and_then(|p| p.parse().ok())
    }

    /// The port to connect to: the written one or the scheme's default.
    pub fn port(&self) -> u16 {
        self.explicit_port()
            .unwrap_or(if self.is_https() { 443 } else { 80 })
    }

    /// The path as written; empty when the URL has none.
    pub fn path(&self) -> &str {
        &self.text[self.authority.1..self.path_end]
    }

    /// The query as written, without `?`; `None` when there is no `?`.
    pub fn query(&self) -> Option<&str> {
        (self.path_end < self.text.len()).then(|| &self.text[self.path_end + 1..])
    }

    /// The request target of the request line: path (at least `/`) and query, as written.
    pub fn target(&self) -> String {
        let path = if self.path().is_empty() {
            "/"
        } else {
            self.path()
        };
        match self.query() {
            Some(q) => format!("{path}?{q}"),
            None => path.to_string(),
        }
    }

    /// The query split into raw `name`, `value` pairs, nothing decoded. A pair without `=` has
    /// an empty value; empty pieces (`a=1&&b=2`) are skipped.
    pub fn raw_query_pairs(&self) -> Vec<(&str, &str)> {
        self.query()
            .unwrap_or_default()
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| p.split_once('=').unwrap_or((p, "")))
            .collect()
    }

    /// The query decoded as RFC 5849 section 3.4.1.3.1 says: as a form, so `+` is a space.
    pub fn query_pairs(&self) -> Vec<(String, String)> {
        super::form_urlencoded_pairs(self.query().unwrap_or_default().as_bytes())
    }

    /// The first value of the query parameter `name`, decoded as [`RawUrl::query_pairs`] decodes.
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The same path and query sent to another origin: `--base-url http://127.0.0.1:8080` sends a
    /// captured call to the emulator. A path in the base is put before the captured path.
    pub fn rebased(&self, base: &RawUrl) -> RawUrl {
        let prefix = base.path().trim_end_matches('/');
        let text = format!(
            "{}://{}{prefix}{}",
            base.scheme(),
            base.authority(),
            self.target()
        );
        RawUrl::parse(&text).expect("a valid origin joined to a valid target stays valid")
    }

    /// The same URL with another raw query (`None` drops the `?`).
    pub fn with_query(&self, query: Option<&str>) -> RawUrl {
        let base = &self.text[..self.path_end];
        let text = match query {
            Some(q) => format!("{base}?{q}"),
            None => base.to_string(),
        };
        RawUrl::parse(&text).expect("replacing the query of a valid URL keeps it valid")
    }
}

impl fmt::Display for RawUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for RawUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RawUrl({:?})", self.text)
    }
}

/// Refuses what would otherwise reach a name lookup and fail as a network error: `[::1` or `[x]`.
fn valid_host(host: &str) -> Result<(), &'static str> {
    match host.strip_prefix('[') {
        Some(literal) => {
            let Some(address) = literal.strip_suffix(']') else {
                return Err("an IPv6 address opened with '[' is not closed with ']'");
            };
            // A zone (`fe80::1%25eth0`) is kept as written.
            let address = address.split_once('%').map_or(address, |(a, _)| a);
            address
                .parse::<std::net::Ipv6Addr>()
                .map(|_| ())
                .map_err(|_| "the address between '[' and ']' is not an IPv6 address")
        }
        None if host.contains(['[', ']']) => Err("'[' and ']' may only enclose an IPv6 address"),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unclosed_ipv6_literal_is_not_a_host() {
        for bad in [
            "http://[::1/x",
            "http://[::1",
            "http://[nothost]/x",
            "http://a]b/x",
        ] {
            assert!(
                matches!(RawUrl::parse(bad), Err(UrlError::BadHost(_))),
                "{bad}"
            );
        }
        assert!(RawUrl::parse("http://[fe80::1%25eth0]:80/x").is_ok());
    }

    #[test]
    fn keeps_everything_as_written() {
        let url = RawUrl::parse("HTTPS://User:pw@WWW.Upwork.com:443/api/profiles/v2/search/jobs.json?q=web+design&x=%7e#frag").unwrap();
        assert_eq!(url.scheme(), "HTTPS");
        assert!(url.is_https());
        assert_eq!(url.userinfo(), Some("User:pw"));
        assert_eq!(url.host(), "WWW.Upwork.com");
        assert_eq!(url.explicit_port(), Some(443));
        assert_eq!(url.path(), "/api/profiles/v2/search/jobs.json");
        assert_eq!(url.query(), Some("q=web+design&x=%7e"));
        assert_eq!(
            url.raw_query_pairs(),
            vec![("q", "web+design"), ("x", "%7e")]
        );
        assert_eq!(
            url.query_pairs()[0],
            ("q".to_string(), "web design".to_string())
        );
        assert_eq!(
            url.as_str(),
            "HTTPS://User:pw@WWW.Upwork.com:443/api/profiles/v2/search/jobs.json?q=web+design&x=%7e"
        );
    }

    #[test]
    fn empty_path_targets_root_and_default_ports_apply() {
        let url = RawUrl::parse("http://example.com?a=1").unwrap();
        assert_eq!(url.target(), "/?a=1");
        assert_eq!(url.port(), 80);
        assert_eq!(
            RawUrl::parse("https://[::1]:8443/x").unwrap().host(),
            "[::1]"
        );
        assert_eq!(RawUrl::parse("https://[::1]:8443/x").unwrap().port(), 8443);
    }

    #[test]
    fn rebased_keeps_path_and_query() {
        let url =
            RawUrl::parse("https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_nonce=1")
                .unwrap();
        let base = RawUrl::parse("http://127.0.0.1:9000").unwrap();
        assert_eq!(
            url.rebased(&base).as_str(),
            "http://127.0.0.1:9000/api/auth/v1/oauth/token/request?oauth_nonce=1"
        );
    }

    #[test]
    fn a_refused_url_is_shown_without_its_user_information_or_query() {
        let refused = |url: &str| RawUrl::parse(url).unwrap_err().to_string();
        assert_eq!(
            refused("https://user:pa55@h/a\r\nb?token=t0k"),
            "'https://...@h/a\\r\\nb?...' contains a line break or control character, which cannot be sent"
        );
        assert_eq!(
            refused("https://h/a\tb"),
            "'https://h/a\\tb' contains a line break or control character, which cannot be sent"
        );
        let without_scheme = refused("user:pa55@www.upwork.com/api?token=t0k");
        assert!(without_scheme.starts_with("'...?...'"), "{without_scheme}");
        assert!(!without_scheme.contains("pa55") && !without_scheme.contains("t0k"));
        let plain = refused("www.upwork.com/api");
        assert!(plain.starts_with("'www.upwork.com/api'"), "{plain}");
    }

    #[test]
    fn a_query_value_is_read_decoded_and_the_url_shows_itself_whole_when_debugged() {
        let url = RawUrl::parse("https://h/p?a=1&b=x%20y&b=2").unwrap();
        assert_eq!(url.query_value("b").as_deref(), Some("x y"));
        assert_eq!(url.query_value("c"), None);
        assert_eq!(
            format!("{url:?}"),
            r#"RawUrl("https://h/p?a=1&b=x%20y&b=2")"#
        );
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        assert!(matches!(
            RawUrl::parse("www.upwork.com/api"),
            Err(UrlError::NotAbsolute(_))
        ));
        assert!(matches!(
            RawUrl::parse("ftp://x/y"),
            Err(UrlError::NotAbsolute(_))
        ));
        assert!(matches!(
            RawUrl::parse("https:///path"),
            Err(UrlError::NoHost(_))
        ));
        assert!(matches!(
            RawUrl::parse("https://h:99999/"),
            Err(UrlError::BadPort { .. })
        ));
        assert!(matches!(
            RawUrl::parse("https://h/a\r\nX: y"),
            Err(UrlError::ControlCharacter(_))
        ));
    }
}
