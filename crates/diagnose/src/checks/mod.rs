//! The checks: one file each, from the request (and the answer, when there is one) to findings.

pub mod auth;
pub mod content_length;
pub mod entry_point;
pub mod freshness;
pub mod front_end;
pub mod oauth1_flow;
pub mod oauth2;
pub mod param_encoding;
pub mod redirect;
pub mod scope;
pub mod signature;
pub mod upwork_errors;

use crate::classify::{Classification, Kind};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::{MistakeKind, SignedRequest};
use upwork_diag_core::request::CapturedRequest;

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
            let (outcome, signature_findings) = signature::check(&signed, credentials);
            weigh_query_spaces(&mut findings, &outcome);
            findings.extend(signature_findings);
            findings.extend(freshness::check(&signed, request.time, chrono::Utc::now()));
        }
        Ok(None) => findings.extend(auth::before_sending(request)),
        Err(error) => findings.push(
            Finding::new(Code::OauthParamsInvalid, Severity::Error, "The OAuth parameters cannot be read")
                .detail(error.0.clone())
                .fix("Send every oauth_* parameter once, in the Authorization header (OAuth k=\"v\", ...), the query or a form body.")
                .evidence("error", error.0),
        ),
    }
    findings.extend(oauth2::before_sending(request));
    findings.extend(upwork_errors::before_sending(request));
    findings.extend(entry_point::before_sending(request));
    findings.extend(redirect::before_sending(request));
    findings.extend(oauth1_flow::before_sending(request, credentials));
    findings
}

/// With the secrets, the signature check is the authority on the FAQ's `+`: a space sent as `+` in
/// the query is the cause only when the mistake that reproduces the signature is reading it as a
/// space. A signature that is right as Upwork reads the query (the `+` signed as a plus), or wrong
/// for another known reason, leaves the `+` a warning; unchecked, or wrong for no known reason, it
/// stays inconclusive. The same verified signature takes the warning away from a form body's `+`:
/// the client signed what it sent.
fn weigh_query_spaces(findings: &mut Vec<Finding>, outcome: &signature::Outcome) {
    if *outcome == signature::Outcome::Verified {
        findings.retain(|f| !param_encoding::is_form_plus(f));
    }
    for finding in findings
        .iter_mut()
        .filter(|f| param_encoding::is_query_space(f))
    {
        match outcome {
            signature::Outcome::Unverified => {}
            signature::Outcome::Wrong(mistakes) if mistakes.is_empty() => {}
            signature::Outcome::Wrong(mistakes)
                if mistakes.contains(&MistakeKind::QueryPlusAsSpace) =>
            {
                finding.raise(EvidenceLevel::Reproduced);
                finding.detail.push_str(
                    " Signing the call again with the query read as a form (the `+` as a space) reproduces the captured signature: that is how this client signed it.",
                );
            }
            signature::Outcome::Wrong(_) => {
                finding.set_level(EvidenceLevel::Risk);
                finding.detail.push_str(
                    " It is not what broke this signature: reading the `+` as a space does not reproduce it (see signature-mismatch).",
                );
            }
            signature::Outcome::Verified => {
                finding.set_level(EvidenceLevel::Risk);
                finding.detail.push_str(
                    " The signature is right as Upwork reads the query, with the `+` as a plus: the call is accepted, and the value Upwork sees holds a `+`, not a space.",
                );
            }
        }
    }
}

/// The answers a finding made before sending predicts, for the findings that predict one.
fn predicted_refusals(finding: &Finding) -> Option<&'static [Kind]> {
    const LENGTH: &[Kind] = &[Kind::LengthRequired, Kind::BadRequest];
    const CREDENTIALS: &[Kind] = &[Kind::SignatureRejected, Kind::Unauthorized];
    match finding.code {
        Code::ContentLengthMissing | Code::ContentLengthMismatch | Code::ChunkedBodyMalformed => {
            Some(LENGTH)
        }
        Code::AuthMissing | Code::SignatureMismatch | Code::OauthParamsInvalid => Some(CREDENTIALS),
        _ if param_encoding::is_query_space(finding) => Some(CREDENTIALS),
        _ => None,
    }
}

/// True when the predicted refusal, once it came, ties the finding to the call. A `+` in the query
/// without the secrets stays documented: only recomputing the signature ties it to this 401.
fn reproduced_by_the_refusal(finding: &Finding) -> bool {
    !param_encoding::is_query_space(finding)
}

/// The checks that read the answer: they turn what the server said into the finding that explains
/// it, and weigh the static findings by it. Each is Upwork's own answer naming the cause.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let mut findings = Vec::new();
    if classification.kind == Kind::NoAccess {
        findings.push(scope::finding(request, classification));
    }
    findings.extend(front_end::after_response(request, classification));
    findings.extend(entry_point::after_response(request, classification));
    findings.extend(oauth1_flow::after_response(request, classification));
    findings.extend(oauth2::after_response(request, classification));
    findings.extend(upwork_errors::after_response(request, classification));
    for finding in &mut findings {
        if finding.severity == Severity::Error {
            finding.raise(EvidenceLevel::Reproduced);
        }
    }
    findings
}

/// Weighs the static findings by the answer: the refusal a finding predicted makes it reproduced;
/// a timestamp or nonce refusal is read with the call's age; an answer that contradicts a finding
/// takes its error away.
pub fn weigh(findings: &mut Vec<Finding>, classification: &Classification) {
    entry_point::weigh(findings, classification);
    // An answer from what sits in front of Upwork says nothing of what Upwork would answer: the
    // static findings keep the level they had.
    if matches!(classification.kind, Kind::BotChallenge | Kind::NotUpwork) {
        return;
    }
    freshness::weigh(findings, classification);
    oauth1_flow::weigh(findings, classification);
    oauth2::weigh(findings, classification);
    upwork_errors::weigh(findings, classification);
    for finding in findings.iter_mut() {
        if !finding.explains() || finding.evidence_level >= EvidenceLevel::Reproduced {
            continue;
        }
        let Some(refusals) = predicted_refusals(finding) else {
            continue;
        };
        if refusals.contains(&classification.kind) {
            // The refusal it predicted came: Upwork's answer agrees (for a signature, computed
            // with the secrets as Upwork reads the call).
            if reproduced_by_the_refusal(finding) {
                finding.raise(EvidenceLevel::Reproduced);
            }
        } else if classification.kind != Kind::Success {
            finding.set_level(EvidenceLevel::Risk);
            finding.detail.push_str(&format!(
                " Upwork answered {} instead of the refusal this leads to, so it is not what failed this time.",
                classification.status
            ));
        }
    }
    // What the tool could not decide (an unchecked signature, credentials a HAR export left out)
    // the success decided: Upwork accepted the call.
    if classification.kind == Kind::Success {
        findings.retain(|f| f.evidence_level != EvidenceLevel::Inconclusive);
    }
    // Upwork accepted what a finding said it would refuse: the finding was wrong for this call.
    if classification.kind == Kind::Success {
        for finding in findings.iter_mut().filter(|f| f.explains()) {
            finding.set_level(EvidenceLevel::Risk);
            finding
                .detail
                .push_str(" Upwork accepted the call all the same, so this did not make it fail.");
        }
    }
}
