//! Upwork's other answers, one finding each: the rate limit, its own server errors, retired legacy
//! endpoints, a key of the wrong format, a disabled profile.
//!
//! A 5xx is Upwork's side, not the call's: `server-error` is a warning, so the verdict stays
//! unexplained and the bundle carries the Tech Support escalation for when it persists; the finding
//! says to retry with backoff first. A 429 is the client's pace: `rate-limited` explains it.

use crate::classify::{Classification, Kind};
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::SignedRequest;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::{self, errors};

/// Upwork's rate limit: calls per second from one IP address.
pub const RATE_LIMIT_PER_SECOND: u32 = 10;

/// A call to a retired endpoint: known from the request alone.
pub fn before_sending(request: &CapturedRequest) -> Vec<Finding> {
    let method = request.effective_method();
    let Some(endpoint) = upwork::endpoint_for(&method, request.url.path()) else {
        return Vec::new();
    };
    let Some(replacement) = endpoint.deprecated else {
        return Vec::new();
    };
    let instead = upwork::endpoints::replacement_text(replacement);
    vec![
        Finding::new(
            Code::EndpointDeprecated,
            Severity::Warning,
            format!("{method} {} is a retired endpoint", endpoint.path),
        )
        .detail(format!(
            "{} ({}) was retired; Upwork no longer serves it. Its replacement is {instead}.",
            endpoint.name, endpoint.summary
        ))
        .fix(format!(
            "Call {instead} instead (or the GraphQL API, https://api.upwork.com/graphql, for new code)."
        ))
        .evidence("endpoint_name", endpoint.name)
        .evidence("replacement", instead),
    ]
}

/// The consumer key (or OAuth 2 client id) the call sent: not a secret, support needs it.
fn sent_key(request: &CapturedRequest) -> Option<String> {
    if let Ok(Some(signed)) = SignedRequest::from_request(request) {
        return Some(signed.consumer_key);
    }
    request
        .form_pairs()
        .into_iter()
        .chain(request.url.query_pairs())
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v)
}

/// The checks that read the answer.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let status = classification.status;
    let said = classification
        .message
        .clone()
        .unwrap_or_else(|| "(no error message)".to_string()); // the status is said already
    let finding = match classification.kind {
        Kind::RateLimited => {
            let wait = classification
                .retry_after
                .clone()
                .unwrap_or_else(|| "1".to_string());
            Finding::new(
                Code::RateLimited,
                Severity::Error,
                "Upwork refused the call for too many requests (429)",
            )
            .detail(format!(
                "Upwork answered 429: {said} It allows {RATE_LIMIT_PER_SECOND} requests per second from one IP \
                 address; this client went past it. Retry-After: {wait} s."
            ))
            .fix(format!(
                "Wait as long as Retry-After says ({wait} s) before the next call, keep under \
                 {RATE_LIMIT_PER_SECOND} calls per second per IP (a queue or token bucket), and retry 429s with \
                 exponential backoff."
            ))
            .evidence("status", status)
            .evidence("retry_after", classification.retry_after.clone())
            .evidence("limit_per_second", RATE_LIMIT_PER_SECOND)
        }
        Kind::ServerError => Finding::new(
            Code::ServerError,
            Severity::Warning,
            format!("Upwork failed on its side ({status})"),
        )
        .detail(format!(
            "Upwork answered {status}: {said} A 5xx is a failure of Upwork's servers, not of this call; it \
             is often brief."
        ))
        .fix("Retry with exponential backoff (e.g. 1, 2, 4, 8 s). If it persists for the same call, send this bundle to Upwork support's Tech Support queue (macro \"API to Tech Support\").")
        .evidence("status", status)
        .evidence("retry_after", classification.retry_after.clone()),
        Kind::Gone if before_sending(request).is_empty() => {
            if let Some(finding) = sunset(request, status, &said) {
                return vec![finding];
            }
            Finding::new(
            Code::EndpointDeprecated,
            Severity::Error,
            format!("Upwork retired {} ({status})", request.url.path()),
        )
        .detail(format!(
            "Upwork answered {status}: {said} This endpoint is not marked retired in this tool's catalogue, \
             so its replacement is not known here."
        ))
        .fix("Find the replacement in Upwork's API reference (most legacy calls now have a GraphQL query: https://www.upwork.com/developer/documentation/graphql/api/docs/index.html).")
        .evidence("status", status)
        }
        Kind::KeyWrongFormat => {
            let key = sent_key(request);
            let problem = key.as_deref().and_then(errors::key_format_problem);
            Finding::new(
                Code::ApiKeyWrongFormat,
                Severity::Error,
                "Upwork refused the API key as malformed",
            )
            .detail(format!(
                "Upwork answered {status}: {said} An Upwork key is {} lowercase hex digits{}.",
                errors::KEY_HEX_LEN,
                problem
                    .as_deref()
                    .map_or_else(String::new, |p| format!("; the key sent is not: {p}"))
            ))
            .fix("Copy the key again from the API Center (https://www.upwork.com/developer/keys/), without spaces, quotes or line breaks, and send it as oauth_consumer_key (OAuth 1.0) or client_id (OAuth 2); the secret goes only into the signature or client_secret.")
            .evidence("status", status)
            .evidence("key_length", key.as_ref().map(|k| k.len()))
            .evidence("problem", problem)
        }
        Kind::ProfileDisabled => profile_disabled(request, classification, &said),
        _ => return Vec::new(),
    };
    vec![finding]
}

/// A REST endpoint answered 410 whose GraphQL replacement the catalogue has: Upwork's sunset of its
/// REST API (python-upwork-oauth2#8).
fn sunset(request: &CapturedRequest, status: u16, said: &str) -> Option<Finding> {
    let method = request.effective_method();
    let path = request.url.path();
    let endpoint = upwork::endpoint_for(&method, path)
        .or_else(|| upwork::endpoint_for(&method, &format!("{path}.json")))?;
    let instead = upwork::endpoints::graphql_replacement_text(endpoint)?;
    Some(
        Finding::new(
            Code::EndpointDeprecated,
            Severity::Error,
            format!(
                "Upwork retired {method} {} in its REST API sunset",
                endpoint.path
            ),
        )
        .detail(format!(
            "Upwork answered {status}: {said} Upwork sunset its REST API in favour of GraphQL; {} \
             ({}) is done in GraphQL by {instead}.",
            endpoint.name, endpoint.summary
        ))
        .fix(format!(
            "Call {instead}, with an OAuth 2 bearer token (an OAuth 2 key from the API Center: \
             `upwork-diag flow oauth2` gets one). The arguments and the selection are an example: \
             check them against the GraphQL reference \
             (https://www.upwork.com/developer/documentation/graphql/api/docs/index.html)."
        ))
        .source(upwork::endpoints::SUNSET_SOURCE)
        .evidence("status", status)
        .evidence("endpoint_name", endpoint.name)
        .evidence("graphql", endpoint.graphql),
    )
}

/// Whose profile a refusal of a disabled profile is about.
#[derive(Debug, PartialEq, Eq)]
enum RefusedProfile {
    /// A profile the call asked about (a job's, a freelancer's), named by the answer or the URL:
    /// the call is right, that one item cannot be served.
    Item {
        /// The profile or job keys it may be; several when the call asked for several.
        keys: Vec<String>,
        /// True when Upwork's answer named the key itself.
        named_by_upwork: bool,
    },
    /// The user the token acts for: no call of this token can succeed.
    Caller,
}

/// The refusal of a profile: Upwork names it (`Profile ~01d79d1f56f49fcea6 is disabled`), or the
/// call asked for profiles (`/api/profiles/v1/jobs/{job_key}`, several joined by `;`) and the
/// answer says one is suspended without saying which; otherwise it is the caller's own account.
fn refused_profile(request: &CapturedRequest, message: &str) -> RefusedProfile {
    if let Some(key) = profile_key_in(message) {
        return RefusedProfile::Item {
            keys: vec![key],
            named_by_upwork: true,
        };
    }
    let path = request.url.path();
    let asked = [
        "/profiles/v1/jobs/",
        "/profiles/v1/providers/",
        "/hr/v2/jobs/",
    ]
    .iter()
    .find_map(|prefix| path.split_once(prefix).map(|(_, rest)| rest));
    if let Some(rest) = asked {
        let rest = rest.split('/').next().unwrap_or_default();
        let rest = rest
            .strip_suffix(".json")
            .or_else(|| rest.strip_suffix(".xml"))
            .unwrap_or(rest);
        let keys: Vec<String> = rest
            .split([';', ','])
            .map(upwork_diag_core::oauth::decode)
            .filter(|k| !k.is_empty())
            .collect();
        if !keys.is_empty() {
            return RefusedProfile::Item {
                keys,
                named_by_upwork: false,
            };
        }
    }
    RefusedProfile::Caller
}

/// A profile key in a message: `~` and hex digits, as Upwork's keys are written.
fn profile_key_in(message: &str) -> Option<String> {
    let start = message.find('~')?;
    let digits: String = message[start + 1..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (digits.len() >= 8).then(|| format!("~{digits}"))
}

fn profile_disabled(
    request: &CapturedRequest,
    classification: &Classification,
    said: &str,
) -> Finding {
    let status = classification.status;
    match refused_profile(request, said) {
        RefusedProfile::Item {
            keys,
            named_by_upwork,
        } => {
            let which = if keys.len() == 1 {
                format!("profile {}", keys[0])
            } else {
                format!("one of the {} asked for ({})", keys.len(), keys.join(", "))
            };
            let named = if named_by_upwork {
                "Upwork's answer names it"
            } else {
                "Upwork's answer does not say which: it is the call's"
            };
            Finding::new(
                Code::ProfileDisabled,
                Severity::Error,
                format!("Upwork will not serve {which}: that profile is disabled or suspended"),
            )
            .detail(format!(
                "Upwork answered {status}: {said} The refusal is about {which} ({named}), not about the \
                 caller: the key, the signature or token and the permissions are fine, and the same \
                 call succeeds for other items. A job is refused this way when its profile is \
                 disabled, or when its client dealt with a freelancer whose profile was since \
                 suspended (python-upwork#2, node-upwork#53)."
            ))
            .fix(
                "Skip this item and go on: treat this 403 as \"not available\" for that one profile or \
                 job. A new key, token or permission does not change it. When several keys were \
                 asked for in one call, ask for them one at a time to learn which one is refused.",
            )
            .source(errors::PROFILE_REFUSAL_SOURCES)
            .evidence("status", status)
            .evidence("whose", "an item the call asked for")
            .evidence("profiles", keys)
            .evidence("named_by_upwork", named_by_upwork)
        }
        RefusedProfile::Caller => Finding::new(
            Code::ProfileDisabled,
            Severity::Error,
            "The user's Upwork profile is disabled",
        )
        .detail(format!(
            "Upwork answered {status}: {said} The key and token are fine; the account they act for is \
             suspended or closed, so every call made for it is refused."
        ))
        .fix("Nothing in the code fixes this: the account holder contacts Upwork support (https://support.upwork.com) to have the profile restored, or the app authorizes with another, active account.")
        .evidence("status", status)
        .evidence("whose", "the user the token acts for"),
    }
}

/// A retired endpoint that failed: the static warning is its cause.
pub fn weigh(findings: &mut [Finding], classification: &Classification) {
    if classification.kind != Kind::Success {
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == Code::EndpointDeprecated)
        {
            finding.raise(upwork_diag_core::diagnosis::EvidenceLevel::Reproduced);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    #[test]
    fn a_retired_endpoint_is_known_before_sending() {
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/mc/v1/threads/jdoe.json",
            &[],
            None,
        )
        .unwrap();
        let findings = before_sending(&request);
        assert_eq!(findings[0].code, Code::EndpointDeprecated);
        assert!(
            findings[0]
                .fix
                .contains("/api/messages/v3/{company}/rooms.json")
        );
    }

    #[test]
    fn a_refused_profile_is_the_item_named_or_asked_for() {
        let job = |path: &str| {
            from_flags(
                Some("GET"),
                &format!("https://www.upwork.com{path}"),
                &[],
                None,
            )
            .unwrap()
        };
        assert_eq!(
            refused_profile(
                &job("/api/auth/v1/info.json"),
                "Profile ~01d79d1f56f49fcea6 is disabled"
            ),
            RefusedProfile::Item {
                keys: vec!["~01d79d1f56f49fcea6".into()],
                named_by_upwork: true
            }
        );
        assert_eq!(
            refused_profile(
                &job("/api/profiles/v1/jobs/~01a;~02b.json"),
                "Forbidden: Freelancer profile is suspended"
            ),
            RefusedProfile::Item {
                keys: vec!["~01a".into(), "~02b".into()],
                named_by_upwork: false
            }
        );
        assert_eq!(
            refused_profile(
                &job("/api/auth/v1/info.json"),
                "The user's profile is disabled; the API cannot act for it."
            ),
            RefusedProfile::Caller
        );
    }

    fn answer(
        kind: Kind,
        status: u16,
        message: Option<&str>,
        retry_after: Option<&str>,
    ) -> Classification {
        Classification {
            message: message.map(str::to_string),
            retry_after: retry_after.map(str::to_string),
            ..Classification::bare(kind, status)
        }
    }

    fn get(path: &str) -> CapturedRequest {
        from_flags(
            Some("GET"),
            &format!("https://www.upwork.com{path}"),
            &[],
            None,
        )
        .unwrap()
    }

    #[test]
    fn each_answer_of_upwork_is_named_with_what_to_do() {
        let info = get("/api/auth/v1/info.json");
        let said = |kind: Kind, status: u16, message: Option<&str>, retry: Option<&str>| {
            let found = after_response(&info, &answer(kind, status, message, retry));
            assert_eq!(found.len(), 1, "{kind:?}");
            found.into_iter().next().unwrap()
        };
        let limited = said(
            Kind::RateLimited,
            429,
            Some("Too many requests."),
            Some("7"),
        );
        assert_eq!(
            (limited.code, limited.severity),
            (Code::RateLimited, Severity::Error)
        );
        assert!(
            limited
                .detail
                .ends_with("this client went past it. Retry-After: 7 s."),
            "{}",
            limited.detail
        );
        assert!(
            limited
                .fix
                .starts_with("Wait as long as Retry-After says (7 s)"),
            "{}",
            limited.fix
        );
        let unsaid = said(Kind::RateLimited, 429, None, None);
        assert!(
            unsaid
                .detail
                .starts_with("Upwork answered 429: (no error message) It allows 10"),
            "{}",
            unsaid.detail
        );
        assert!(
            unsaid.detail.ends_with("Retry-After: 1 s."),
            "{}",
            unsaid.detail
        );
        let server = said(Kind::ServerError, 503, Some("Down."), None);
        assert_eq!(
            (server.code, server.severity),
            (Code::ServerError, Severity::Warning)
        );
        assert_eq!(server.title, "Upwork failed on its side (503)");
        // A 410 of a REST call with a GraphQL replacement is the REST API's sunset; of one the
        // catalogue does not know, a retirement whose replacement is not known here.
        let sunset = said(Kind::Gone, 410, Some("Gone."), None);
        assert_eq!(
            sunset.title,
            "Upwork retired GET /api/auth/v1/info.json in its REST API sunset"
        );
        let unknown = after_response(
            &get("/api/no/such.json"),
            &answer(Kind::Gone, 410, Some("Gone."), None),
        );
        assert_eq!(unknown[0].title, "Upwork retired /api/no/such.json (410)");
        let key = said(Kind::KeyWrongFormat, 401, Some("Wrong key format."), None);
        assert_eq!(key.code, Code::ApiKeyWrongFormat);
        assert!(
            key.detail.starts_with(
                "Upwork answered 401: Wrong key format. An Upwork key is 32 lowercase hex digits."
            ),
            "{}",
            key.detail
        );
        let profile = said(
            Kind::ProfileDisabled,
            403,
            Some("The user's profile is disabled."),
            None,
        );
        assert_eq!(profile.title, "The user's Upwork profile is disabled");
        assert!(after_response(&info, &answer(Kind::NoAccess, 403, None, None)).is_empty());
        // A retired endpoint the catalogue knows is said before sending; its 410 adds nothing.
        let retired = get("/api/mc/v1/threads/jdoe.json");
        assert!(after_response(&retired, &answer(Kind::Gone, 410, None, None)).is_empty());
    }

    #[test]
    fn a_malformed_key_is_measured_against_upworks_format() {
        let header = r#"Authorization: OAuth oauth_consumer_key="ABC123", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_signature="s""#;
        let call = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/auth/v1/info.json",
            &[header.to_string()],
            None,
        )
        .unwrap();
        let found = after_response(&call, &answer(Kind::KeyWrongFormat, 401, None, None));
        assert!(
            found[0].detail.contains("; the key sent is not: "),
            "{}",
            found[0].detail
        );
        assert_eq!(found[0].evidence["key_length"], 6);
    }

    #[test]
    fn a_profile_refused_is_told_as_an_item_or_as_the_caller() {
        let job = get("/api/profiles/v1/jobs/~01a;~02b.json");
        let found = &after_response(
            &job,
            &answer(Kind::ProfileDisabled, 403, Some("Suspended."), None),
        )[0];
        assert_eq!(
            found.title,
            "Upwork will not serve one of the 2 asked for (~01a, ~02b): that profile is disabled or suspended"
        );
        assert!(
            found
                .detail
                .contains("(Upwork's answer does not say which: it is the call's)"),
            "{}",
            found.detail
        );
        let named = &after_response(
            &job,
            &answer(
                Kind::ProfileDisabled,
                403,
                Some("Profile ~01d79d1f56f49fcea6 is disabled"),
                None,
            ),
        )[0];
        assert!(
            named
                .title
                .starts_with("Upwork will not serve profile ~01d79d1f56f49fcea6:"),
            "{}",
            named.title
        );
        assert!(
            named.detail.contains("(Upwork's answer names it)"),
            "{}",
            named.detail
        );
        // A key is `~` and at least 8 letters or digits; a path with `.xml` or several segments.
        assert_eq!(profile_key_in("~0123456 is short"), None);
        assert_eq!(
            profile_key_in("see ~01234567, now").as_deref(),
            Some("~01234567")
        );
        assert_eq!(
            refused_profile(&get("/api/hr/v2/jobs/~0a%7E1.xml"), "x"),
            RefusedProfile::Item {
                keys: vec!["~0a~1".into()],
                named_by_upwork: false
            }
        );
        assert_eq!(
            refused_profile(&get("/api/profiles/v1/providers/~0b/brief"), "x"),
            RefusedProfile::Item {
                keys: vec!["~0b".into()],
                named_by_upwork: false
            }
        );
        assert_eq!(
            refused_profile(&get("/api/profiles/v1/jobs/.json"), "x"),
            RefusedProfile::Caller
        );
    }

    #[test]
    fn a_failure_of_a_retired_endpoint_makes_the_warning_its_cause() {
        let retired = get("/api/mc/v1/threads/jdoe.json");
        let mut findings = before_sending(&retired);
        weigh(&mut findings, &answer(Kind::Success, 200, None, None));
        assert_eq!(findings[0].severity, Severity::Warning);
        weigh(&mut findings, &answer(Kind::NotFound, 404, None, None));
        assert_eq!(
            findings[0].evidence_level,
            upwork_diag_core::diagnosis::EvidenceLevel::Reproduced
        );
    }

    #[test]
    fn the_client_id_is_the_key_of_a_token_request() {
        let request = from_flags(
            Some("POST"),
            "https://www.upwork.com/api/v3/oauth2/token",
            &["Content-Type: application/x-www-form-urlencoded".to_string()],
            Some(b"grant_type=client_credentials&client_id=abc%20".to_vec()),
        )
        .unwrap();
        assert_eq!(sent_key(&request).as_deref(), Some("abc "));
    }
}
