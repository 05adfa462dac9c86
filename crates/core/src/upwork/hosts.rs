//! Upwork's hosts: `www.upwork.com` serves the legacy REST API, the reports and the OAuth pages;
//! `api.upwork.com` serves GraphQL.

/// The host of the legacy REST API, the time reports and the OAuth 1.0 and 2.0 URLs.
pub const WWW: &str = "www.upwork.com";

/// The host of the GraphQL API.
pub const API: &str = "api.upwork.com";

/// Every host an Upwork API call goes to.
pub const ALL: [&str; 2] = [WWW, API];

/// True when `host` (a URL's host, any case, port already removed) is one of Upwork's API hosts.
pub fn is_upwork_host(host: &str) -> bool {
    let host = host.trim_end_matches('.');
    ALL.iter().any(|known| known.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hosts_in_any_case() {
        assert!(is_upwork_host("WWW.Upwork.com"));
        assert!(is_upwork_host("api.upwork.com."));
        assert!(!is_upwork_host("upwork.com.evil.example"));
    }
}
