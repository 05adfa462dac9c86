//! A call to a protected Upwork endpoint that carries no credentials at all: no OAuth 1.0
//! signature, no bearer token, no Authorization header of any kind. It cannot succeed, whatever
//! else is right, and without this finding it would pass every other check.

use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::{CapturedRequest, Source};
use upwork_diag_core::upwork::{self, EndpointKind, hosts};

/// `auth-missing` for a REST, report or OAuth 1.0 token call with no credentials. GraphQL has its
/// own finding (`token-invalid`: no bearer token), the browser pages and the OAuth 2 token endpoint
/// authenticate otherwise.
pub fn before_sending(request: &CapturedRequest) -> Vec<Finding> {
    if !hosts::is_upwork_host(request.url.host()) || carries_credentials(request) {
        return Vec::new();
    }
    let method = request.effective_method();
    let path = request.url.path();
    let kind = match upwork::endpoint_for(&method, path) {
        Some(endpoint) => endpoint.kind,
        None if path.starts_with("/api/") => EndpointKind::Rest,
        None if path.starts_with("/gds/") => EndpointKind::Report,
        None => return Vec::new(),
    };
    let needs = match kind {
        EndpointKind::Rest | EndpointKind::Report => {
            "an OAuth 1.0 signature made with an access token (or an OAuth 2 bearer token)"
        }
        EndpointKind::OAuth1RequestToken => "an OAuth 1.0 signature made with the consumer key",
        EndpointKind::OAuth1AccessToken => {
            "an OAuth 1.0 signature made with the request token and its oauth_verifier"
        }
        _ => return Vec::new(),
    };
    let finding = Finding::new(
        Code::AuthMissing,
        Severity::Error,
        "The call carries no credentials: no OAuth signature, no token",
    )
    .detail(match unread_scheme(request) {
        Some(scheme) => format!(
            "{method} {path} needs {needs}. The call's Authorization header is {scheme}, which Upwork \
             does not read, and it has no oauth_* or access_token parameter, so Upwork answers 401 \
             before anything else is looked at."
        ),
        None => format!(
            "{method} {path} needs {needs}. The call has no Authorization header, no cookie and no \
             oauth_* or access_token parameter, so Upwork answers 401 before anything else is looked at."
        ),
    });
    // Browsers strip credentials from the HAR files they export (Chrome's sanitized export drops
    // Authorization and Cookie): a HAR without them says nothing of the call that was made.
    let finding = if matches!(request.source, Source::Har { .. }) {
        finding.level(EvidenceLevel::Inconclusive).fix(
            "The HAR file holds no credentials for this call: browsers strip Authorization and Cookie \
             when they export a HAR (Chrome: \"Export HAR (sanitized)\"). Export it with its sensitive \
             data, or give the call as a curl command or raw request; upwork-diag never writes the \
             secrets out.",
        )
    } else {
        finding.level(EvidenceLevel::Documented).fix(
            "Sign the call: an OAuth 1.0 library (requests-oauthlib, the official bindings) with the \
             consumer key and secret and the access token and secret, or send `Authorization: Bearer \
             <access_token>` with an OAuth 2 token. `upwork-diag sign` shows a correct signature for \
             this call.",
        )
    };
    vec![finding.evidence(
        "endpoint_kind",
        serde_json::to_value(kind).unwrap_or_default(),
    )]
}

/// True when the call carries credentials of a kind Upwork reads, right or wrong: an OAuth 1.0
/// signature (header, query or form), a non-empty bearer token or `access_token`, or a session
/// cookie (Upwork's own pages call the API with one). `Authorization: Basic`, `Token`, an empty
/// `Bearer` or a bare value are none of them.
fn carries_credentials(request: &CapturedRequest) -> bool {
    let named = |name: &str| name.starts_with("oauth_") || name == "access_token";
    request.headers_named("authorization").any(is_upwork_scheme)
        || request.header("cookie").is_some()
        || request.url.query_pairs().iter().any(|(k, _)| named(k))
        || request.form_pairs().iter().any(|(k, _)| named(k))
}

/// `OAuth ...` with parameters, or `Bearer <token>`: the schemes Upwork authenticates.
fn is_upwork_scheme(value: &str) -> bool {
    let mut words = value.split_whitespace();
    let scheme = words.next().unwrap_or_default();
    let rest = words.next().is_some();
    (scheme.eq_ignore_ascii_case("oauth") || scheme.eq_ignore_ascii_case("bearer")) && rest
}

/// The scheme word of an Authorization header that Upwork does not read (never its value).
fn unread_scheme(request: &CapturedRequest) -> Option<String> {
    let value = request.header("authorization")?;
    let scheme = value.split_whitespace().next().unwrap_or_default();
    let known = ["basic", "token", "bearer", "oauth", "digest"];
    Some(if known.contains(&scheme.to_ascii_lowercase().as_str()) {
        let empty = value.split_whitespace().nth(1).is_none();
        if empty {
            format!("`{scheme}` with nothing after it")
        } else {
            format!("`{scheme}`")
        }
    } else {
        "a value with no scheme".to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    fn call(url: &str, headers: &[&str]) -> CapturedRequest {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        from_flags(Some("GET"), url, &headers, None).unwrap()
    }

    #[test]
    fn a_protected_call_without_credentials() {
        let findings = before_sending(&call("https://www.upwork.com/api/hr/v2/teams.json", &[]));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, Code::AuthMissing);
        assert!(findings[0].explains());
    }

    fn kind_found(method: &str, url: &str) -> Option<(String, String)> {
        let request = from_flags(Some(method), url, &[], None).unwrap();
        let findings = before_sending(&request);
        let finding = findings.first()?;
        let kind = finding.evidence["endpoint_kind"]
            .as_str()
            .unwrap()
            .to_string();
        Some((kind, finding.detail.clone()))
    }

    #[test]
    fn each_kind_of_call_is_told_the_credentials_it_needs() {
        let (kind, detail) = kind_found(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/request",
        )
        .unwrap();
        assert_eq!(kind, "o-auth1-request-token");
        assert!(detail.contains("made with the consumer key"), "{detail}");
        let (kind, detail) = kind_found(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/access",
        )
        .unwrap();
        assert_eq!(kind, "o-auth1-access-token");
        assert!(
            detail.contains("with the request token and its oauth_verifier"),
            "{detail}"
        );
        // Paths the catalogue does not list are read by where they sit.
        let (kind, detail) =
            kind_found("GET", "https://www.upwork.com/api/not/catalogued.json").unwrap();
        assert_eq!(kind, "rest");
        assert!(detail.contains("made with an access token"), "{detail}");
        let (kind, _) = kind_found("GET", "https://www.upwork.com/gds/not/catalogued").unwrap();
        assert_eq!(kind, "report");
        assert_eq!(
            kind_found("GET", "https://www.upwork.com/elsewhere/page"),
            None
        );
    }

    #[test]
    fn the_header_upwork_does_not_read_is_named_by_its_scheme_alone() {
        let detail = |headers: &[&str]| {
            before_sending(&call(
                "https://www.upwork.com/api/hr/v2/teams.json",
                headers,
            ))[0]
                .detail
                .clone()
        };
        let basic = detail(&["Authorization: Basic ZGVtbzpkZW1v"]);
        assert!(
            basic.contains("Authorization header is `Basic`, which Upwork does not read"),
            "{basic}"
        );
        let empty = detail(&["Authorization: Bearer"]);
        assert!(
            empty.contains("is `Bearer` with nothing after it"),
            "{empty}"
        );
        let bare = detail(&["Authorization: abc123"]);
        assert!(bare.contains("is a value with no scheme"), "{bare}");
        let none = detail(&[]);
        assert!(
            none.contains("has no Authorization header, no cookie"),
            "{none}"
        );
    }

    #[test]
    fn credentials_upwork_does_not_read_are_none() {
        for header in [
            "Authorization: Basic ZGVtbzpkZW1v",
            "Authorization: Token abc123",
            "Authorization: Bearer",
            "Authorization: abc123",
        ] {
            let findings = before_sending(&call(
                "https://www.upwork.com/api/hr/v2/teams.json",
                &[header],
            ));
            assert_eq!(findings.len(), 1, "{header}");
            assert!(
                !findings[0].detail.contains("abc123"),
                "the value is never quoted"
            );
            assert!(!findings[0].detail.contains("ZGVtbzpkZW1v"));
        }
    }

    #[test]
    fn any_credential_or_another_host_says_nothing() {
        for (url, headers) in [
            (
                "https://www.upwork.com/api/hr/v2/teams.json",
                &["Authorization: Bearer t"][..],
            ),
            (
                "https://www.upwork.com/api/hr/v2/teams.json?access_token=t",
                &[][..],
            ),
            (
                "https://www.upwork.com/api/hr/v2/teams.json?oauth_consumer_key=k",
                &[][..],
            ),
            ("https://example.com/api/hr/v2/teams.json", &[][..]),
            (
                "https://www.upwork.com/ab/account-security/oauth2/authorize",
                &[][..],
            ),
        ] {
            assert!(before_sending(&call(url, headers)).is_empty(), "{url}");
        }
    }
}
