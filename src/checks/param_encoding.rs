//! Parameter encoding: OAuth 1.0 wants every parameter RFC 3986 encoded (a space is `%20`, never
//! `+` or raw). Found from the captured text alone, without any secret.

use crate::diagnosis::{Finding, Severity};
use crate::oauth::{EncodingIssue, EncodingProblem, encoding_problems};
use crate::oauth::{ParamLocation, SignedRequest};
use crate::request::CapturedRequest;

/// One finding per parameter that is not RFC 3986 encoded. They are errors for a signed request
/// (the server signs the decoded values again and gets another signature) and warnings otherwise.
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
        let severity = if signed.is_some() && weighs_on_signature(problem.issue) {
            Severity::Error
        } else {
            severity
        };
        findings.push(
            Finding::new("param-encoding", severity, format!("The {key} is not RFC 3986 encoded: {}", problem.issue.describe()))
                .detail(format!(
                    "{}: `{}={}`. {}",
                    key,
                    problem.name,
                    problem.raw_value,
                    if signed.is_some() {
                        "Upwork decodes the parameters and signs them again the RFC 3986 way; a client that signed them another way gets 401 Verification of signature failed."
                    } else {
                        "Servers may read it differently from what was meant."
                    }
                ))
                .fix(fix(problem.issue))
                .evidence("parameter_at", key.clone())
                .evidence("location", serde_json::to_value(problem.location).unwrap_or_default())
                .evidence("parameter", problem.name.clone())
                .evidence("issue", serde_json::to_value(problem.issue).unwrap_or_default())
                .evidence("characters", problem.characters.clone())
                .evidence("raw_value", problem.raw_value.clone()),
        );
    }
    findings
}

/// The issues that break a signature on their own in practice: `+` and raw spaces are decoded
/// differently by the two sides. Others (lowercase hex) only break clients that sign the raw text.
fn weighs_on_signature(issue: EncodingIssue) -> bool {
    matches!(
        issue,
        EncodingIssue::PlusForSpace | EncodingIssue::RawSpace | EncodingIssue::DoubleEncoded
    )
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

fn fix(issue: EncodingIssue) -> String {
    match issue {
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
