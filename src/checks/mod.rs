//! The checks: one file each, from the request (and the answer, when there is one) to findings.

pub mod content_length;
pub mod freshness;
pub mod oauth2;
pub mod param_encoding;
pub mod scope;
pub mod signature;
pub mod upwork_errors;

use crate::classify::{Classification, Kind};
use crate::credentials::Credentials;
use crate::diagnosis::{Finding, Severity};
use crate::oauth::SignedRequest;
use crate::request::CapturedRequest;

/// The checks that need nothing but the request (and the secrets, when given).
pub fn before_sending(request: &CapturedRequest, credentials: &Credentials) -> Vec<Finding> {
    let mut findings = content_length::check(request);
    let signed = SignedRequest::from_request(request);
    findings.extend(param_encoding::check(
        request,
        signed.as_ref().ok().and_then(Option::as_ref),
    ));
    match signed {
        Ok(Some(signed)) => {
            findings.extend(signature::check(&signed, credentials));
            findings.extend(freshness::check(&signed, request.time, chrono::Utc::now()));
        }
        Ok(None) => {}
        Err(error) => findings.push(
            Finding::new("oauth-params-invalid", Severity::Error, "The OAuth parameters cannot be read")
                .detail(error.0.clone())
                .fix("Send every oauth_* parameter once, in the Authorization header (OAuth k=\"v\", ...), the query or a form body.")
                .evidence("error", error.0),
        ),
    }
    findings.extend(oauth2::before_sending(request));
    findings.extend(upwork_errors::before_sending(request));
    findings
}

/// The checks that read the answer: they turn what the server said into the finding that explains
/// it, and weigh the static findings by it.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let mut findings = Vec::new();
    if classification.kind == Kind::NoAccess {
        findings.push(scope::finding(request, classification));
    }
    findings.extend(oauth2::after_response(request, classification));
    findings.extend(upwork_errors::after_response(request, classification));
    findings
}

/// Weighs the static findings by the answer: a 401 for the signature makes the encoding warnings
/// its likely cause; a timestamp or nonce refusal is read with the call's age.
pub fn weigh(findings: &mut Vec<Finding>, classification: &Classification) {
    freshness::weigh(findings, classification);
    oauth2::weigh(findings, classification);
    upwork_errors::weigh(findings, classification);
    if classification.kind == Kind::SignatureRejected {
        for finding in findings.iter_mut().filter(|f| f.code == "param-encoding") {
            finding.severity = Severity::Error;
        }
    }
}
