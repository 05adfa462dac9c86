//! Parameter encoding: OAuth 1.0 wants every parameter RFC 3986 encoded (a space is `%20`, never
//! `+` or raw). Found from the captured text alone, without any secret.
//!
//! Only one pattern is known to be refused by Upwork: a space sent as `+` (or raw) in the URL query
//! of a signed call, which Upwork reads as a plus (the API FAQ, python-upwork#49). That is an error
//! on documented evidence until the signature check, given the secrets, decides (see
//! [`super::signature`]). Everything else (a `+` in a form body, lowercase hex, reserved characters
//! left raw) is a risk: a warning, never an error.

use super::signature::PLUS_SOURCE;
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::{EncodingIssue, EncodingProblem, encoding_problems};
use upwork_diag_core::oauth::{ParamLocation, SignedRequest};
use upwork_diag_core::request::CapturedRequest;

/// One finding per parameter that is not RFC 3986 encoded: an error (documented) for a space sent
/// as `+` or raw in the query of a signed call, a warning for other problems of a signed call, a note
/// otherwise.
pub fn check(request: &CapturedRequest, signed: Option<&SignedRequest>) -> Vec<Finding> {
    let severity = if signed.is_some() {
        Severity::Warning
    } else {
        Severity::Info
    };
    let mut findings: Vec<Finding> = Vec::new();
    for problem in encoding_problems(request) {
        let place = location_name(problem.location);
        let key = format!("{place} parameter {}", problem.name);
        if let Some(existing) = findings
            .iter_mut()
            .find(|f| f.evidence.get("parameter_at").and_then(|v| v.as_str()) == Some(key.as_str()))
        {
            existing
                .detail
                .push_str(&format!(" Also: {}.", describe(&problem)));
            continue;
        }
        let refused = signed.is_some() && is_refused_by_upwork(problem.location, problem.issue);
        let severity = if refused { Severity::Error } else { severity };
        let mut finding =
            Finding::new(Code::ParamEncoding, severity, format!("The {key} is not RFC 3986 encoded: {}", problem.issue.describe()))
                .detail(format!(
                    "{}: `{}={}`. {}",
                    key,
                    problem.name,
                    problem.raw_value,
                    if refused {
                        "Upwork reads a `+` in the query as a plus, not a space: a client that signed it as a space gets 401 Verification of signature failed (the API FAQ's 401 with spaces)."
                    } else if signed.is_some() {
                        "Upwork is not known to refuse this; it matters only to a client that signed the parameters in another form than it sent them."
                    } else {
                        "Servers may read it differently from what was meant."
                    }
                ));
        if refused {
            // Whether the client signed the `+` as a space (refused) or as a plus (accepted) only
            // the signature tells: inconclusive until the secrets decide (`weigh_query_spaces`).
            finding = finding
                .level(EvidenceLevel::Inconclusive)
                .source(PLUS_SOURCE)
                .evidence(QUERY_SPACE, true);
            finding.detail.push_str(
                " Most OAuth libraries sign it as a space; whether this client did needs the secrets to tell.",
            );
        }
        findings.push(
            finding
                .fix(fix(problem.issue, problem.location))
                .evidence("parameter_at", key.clone())
                .evidence(
                    "location",
                    serde_json::to_value(problem.location).unwrap_or_default(),
                )
                .evidence("parameter", problem.name.clone())
                .evidence(
                    "issue",
                    serde_json::to_value(problem.issue).unwrap_or_default(),
                )
                .evidence("characters", problem.characters.clone())
                .evidence("raw_value", problem.raw_value.clone()),
        );
    }
    findings
}

/// The one pattern Upwork is known to refuse: a space as `+` (or raw) in the URL query, which it
/// reads differently from the clients that write it. A `+` in a form body is read as a space by form
/// decoders on both sides; nothing shows Upwork refusing it.
fn is_refused_by_upwork(location: ParamLocation, issue: EncodingIssue) -> bool {
    location == ParamLocation::Query
        && matches!(issue, EncodingIssue::PlusForSpace | EncodingIssue::RawSpace)
}

/// The evidence key that marks a space sent as `+` or raw in the query of a signed call.
const QUERY_SPACE: &str = "query_space_read_as_plus_by_upwork";

/// True for a `param-encoding` finding about a `+` for a space in a form body: harmless to a client
/// whose signature checks out (it signed what it sent).
pub fn is_form_plus(finding: &Finding) -> bool {
    finding.code == Code::ParamEncoding
        && finding.evidence.get("location").and_then(|v| v.as_str()) == Some("form-body")
        && finding.evidence.get("issue").and_then(|v| v.as_str()) == Some("plus-for-space")
}

/// True for a `param-encoding` finding about a space in the query of a signed call (the FAQ's 401).
pub fn is_query_space(finding: &Finding) -> bool {
    finding.code == Code::ParamEncoding && finding.evidence.contains_key(QUERY_SPACE)
}

fn describe(problem: &EncodingProblem) -> String {
    format!(
        "{} ({})",
        problem.issue.describe(),
        problem.characters.join(" ")
    )
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::AuthorizationHeader => "Authorization header",
        ParamLocation::Query => "query",
        ParamLocation::FormBody => "form body",
    }
}

fn fix(issue: EncodingIssue, location: ParamLocation) -> String {
    match issue {
        EncodingIssue::PlusForSpace if location == ParamLocation::FormBody => {
            "Nothing to change if the OAuth library signed the body it sent (most do): a `+` in a form body is read as a space on both sides. Only a client that signs the values in another form than it sends them must encode spaces the same way in both (%20 with `rawurlencode`, `urllib.parse.quote(v, safe='~')`).".into()
        }
        EncodingIssue::PlusForSpace | EncodingIssue::RawSpace => {
            "Encode spaces as %20 with an RFC 3986 encoder (`rawurlencode` in PHP, `urllib.parse.quote(v, safe='~')` in Python), in the URL and in the signature base string alike.".into()
        }
        EncodingIssue::ReservedRaw | EncodingIssue::NonAsciiRaw => {
            "Percent-encode every character but letters, digits and - . _ ~ (RFC 3986), from the UTF-8 bytes.".into()
        }
        EncodingIssue::LowercaseHex => "Write percent-escapes with uppercase hex digits (%2F, not %2f).".into(),
        EncodingIssue::DoubleEncoded => "Encode each value once: decode values taken from a URL before encoding them again.".into(),
        EncodingIssue::InvalidEscape => "Encode a literal % as %25.".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    const OAUTH: &str = r#"Authorization: OAuth oauth_consumer_key="k", oauth_token="t", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_version="1.0", oauth_signature="s""#;

    /// The findings of a call to `query`, with a form `body` when given, signed or not.
    fn found(query: &str, body: Option<&str>, signed: bool) -> Vec<Finding> {
        let mut headers = Vec::new();
        if signed {
            headers.push(OAUTH.to_string());
        }
        if body.is_some() {
            headers.push("Content-Type: application/x-www-form-urlencoded".to_string());
        }
        let url = format!("https://www.upwork.com/api/profiles/v2/search/jobs.json{query}");
        let method = if body.is_some() { "POST" } else { "GET" };
        let request = from_flags(
            Some(method),
            &url,
            &headers,
            body.map(|b| b.as_bytes().to_vec()),
        )
        .unwrap();
        let signed = SignedRequest::from_request(&request).unwrap();
        check(&request, signed.as_ref())
    }

    #[test]
    fn only_a_query_space_of_a_signed_call_is_an_error() {
        let query = found("?q=web+design", None, true);
        assert_eq!(query.len(), 1);
        // Undecided until the signature check tells how the client signed it.
        assert_eq!(query[0].evidence_level, EvidenceLevel::Inconclusive);
        assert!(is_query_space(&query[0]) && !is_form_plus(&query[0]));
        assert!(
            query[0]
                .detail
                .ends_with("whether this client did needs the secrets to tell.")
        );
        assert_eq!(query[0].evidence["parameter_at"], "query parameter q");
        assert!(
            query[0].fix.starts_with("Encode spaces as %20"),
            "{}",
            query[0].fix
        );
        let raw = found("?q=web%20design&r=a b", None, true);
        assert!(raw.iter().any(is_query_space), "a raw space too");
        // Unsigned, the same `+` is a note: nothing is signed that Upwork could read otherwise.
        let unsigned = found("?q=web+design", None, false);
        assert_eq!(unsigned[0].severity, Severity::Info);
        assert!(!is_query_space(&unsigned[0]));
        // In a form body, a `+` is read as a space on both sides: a warning with nothing to change.
        let form = found("", Some("note=web+design"), true);
        assert_eq!(form[0].severity, Severity::Warning);
        assert!(is_form_plus(&form[0]) && !is_query_space(&form[0]));
        assert_eq!(form[0].evidence["parameter_at"], "form body parameter note");
        assert!(
            form[0]
                .fix
                .starts_with("Nothing to change if the OAuth library"),
            "{}",
            form[0].fix
        );
    }

    #[test]
    fn each_issue_gets_its_own_fix_and_a_parameter_one_finding() {
        let fix_of = |query: &str| found(query, None, true)[0].fix.clone();
        assert!(fix_of("?p=a%2fb").starts_with("Write percent-escapes with uppercase hex"));
        assert!(fix_of("?p=a%252Fb").starts_with("Encode each value once"));
        assert!(fix_of("?p=100%").starts_with("Encode a literal % as %25"));
        assert!(fix_of("?p=a[0]").starts_with("Percent-encode every character"));
        // Two problems of one parameter: one finding that tells both.
        let both = found("?q=a+b%2fc", None, true);
        assert_eq!(both.len(), 1);
        assert!(
            both[0]
                .detail
                .starts_with("query parameter q: `q=a+b%2fc`. ")
        );
        assert!(
            both[0]
                .detail
                .ends_with(" Also: lowercase hex in percent-encoding (must be uppercase) (%2f)."),
            "{}",
            both[0].detail
        );
    }
}
