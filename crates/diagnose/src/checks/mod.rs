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
        // A `+` in the query predicts a 401 too, but only the recomputed signature ties it to one
        // (`weigh_query_spaces`): it comes here reproduced, or not explaining, and is left alone.
        _ => None,
    }
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
            finding.raise(EvidenceLevel::Reproduced);
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

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    fn answer(kind: Kind, status: u16) -> Classification {
        Classification::bare(kind, status)
    }

    /// The `+` of a signed call's query, as the encoding check finds it.
    fn query_space() -> Finding {
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design",
            &[r#"Authorization: OAuth oauth_consumer_key="k", oauth_token="t", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1700000000", oauth_version="1.0", oauth_signature="s""#.to_string()],
            None,
        )
        .unwrap();
        let signed = SignedRequest::from_request(&request).unwrap().unwrap();
        let found = param_encoding::check(&request, Some(&signed));
        let finding = found
            .into_iter()
            .find(param_encoding::is_query_space)
            .unwrap();
        assert_eq!(finding.evidence_level, EvidenceLevel::Inconclusive);
        finding
    }

    fn length_missing() -> Finding {
        Finding::new(Code::ContentLengthMissing, Severity::Error, "no length")
    }

    fn weighed(finding: Finding, kind: Kind, status: u16) -> Vec<Finding> {
        let mut findings = vec![finding];
        weigh(&mut findings, &answer(kind, status));
        findings
    }

    #[test]
    fn the_signature_check_decides_what_a_query_plus_did() {
        let weighed = |outcome: signature::Outcome| {
            let mut findings = vec![query_space()];
            weigh_query_spaces(&mut findings, &outcome);
            findings.remove(0)
        };
        for undecided in [
            signature::Outcome::Unverified,
            signature::Outcome::Wrong(Vec::new()),
        ] {
            let f = weighed(undecided);
            assert_eq!(f.evidence_level, EvidenceLevel::Inconclusive);
            assert_eq!(f.detail, query_space().detail);
        }
        let f = weighed(signature::Outcome::Wrong(vec![
            MistakeKind::QueryPlusAsSpace,
        ]));
        assert_eq!(f.evidence_level, EvidenceLevel::Reproduced);
        assert!(
            f.detail.ends_with("that is how this client signed it."),
            "{}",
            f.detail
        );
        let f = weighed(signature::Outcome::Wrong(vec![MistakeKind::DoubleEncoded]));
        assert_eq!(
            (f.evidence_level, f.severity),
            (EvidenceLevel::Risk, Severity::Warning)
        );
        assert!(
            f.detail.contains("It is not what broke this signature"),
            "{}",
            f.detail
        );
        let f = weighed(signature::Outcome::Verified);
        assert_eq!(f.evidence_level, EvidenceLevel::Risk);
        assert!(
            f.detail
                .contains("The signature is right as Upwork reads the query"),
            "{}",
            f.detail
        );
    }

    #[test]
    fn the_refusal_a_finding_predicts_ties_it_to_the_call() {
        let level = |findings: &[Finding]| findings[0].evidence_level;
        assert_eq!(
            level(&weighed(length_missing(), Kind::LengthRequired, 411)),
            EvidenceLevel::Reproduced
        );
        let auth = Finding::new(Code::AuthMissing, Severity::Error, "no credentials");
        assert_eq!(
            level(&weighed(auth.clone(), Kind::Unauthorized, 401)),
            EvidenceLevel::Reproduced
        );
        assert_eq!(
            level(&weighed(auth, Kind::SignatureRejected, 401)),
            EvidenceLevel::Reproduced
        );
        // A query's `+` is weighed by the signature alone: a 401 without the secrets leaves it
        // undecided, and one the signature reproduced stays so whatever the answer.
        assert_eq!(
            level(&weighed(query_space(), Kind::SignatureRejected, 401)),
            EvidenceLevel::Inconclusive
        );
        let mut reproduced = query_space();
        reproduced.raise(EvidenceLevel::Reproduced);
        assert_eq!(
            level(&weighed(reproduced, Kind::LengthRequired, 411)),
            EvidenceLevel::Reproduced
        );
        // Another refusal than the predicted one: not what failed this time.
        let other = weighed(length_missing(), Kind::NoAccess, 403);
        assert_eq!(
            (other[0].evidence_level, other[0].severity),
            (EvidenceLevel::Risk, Severity::Warning)
        );
        assert!(other[0].detail.ends_with("Upwork answered 403 instead of the refusal this leads to, so it is not what failed this time."), "{}", other[0].detail);
        // Evidence already stronger than the answer is kept; a finding that predicts nothing too.
        let mut reproduced = length_missing();
        reproduced.raise(EvidenceLevel::Reproduced);
        assert_eq!(
            level(&weighed(reproduced, Kind::NoAccess, 403)),
            EvidenceLevel::Reproduced
        );
        let timestamp = Finding::new(Code::ScopeMissing, Severity::Error, "no permission");
        assert_eq!(
            level(&weighed(timestamp, Kind::LengthRequired, 411)),
            EvidenceLevel::Documented
        );
    }

    #[test]
    fn a_success_takes_away_what_it_contradicts_and_a_front_end_page_decides_nothing() {
        let success = weighed(length_missing(), Kind::Success, 200);
        assert_eq!(
            (success[0].evidence_level, success[0].severity),
            (EvidenceLevel::Risk, Severity::Warning)
        );
        assert!(
            success[0]
                .detail
                .ends_with("Upwork accepted the call all the same, so this did not make it fail.")
        );
        let mut undecided = length_missing();
        undecided.set_level(EvidenceLevel::Inconclusive);
        assert!(weighed(undecided.clone(), Kind::Success, 200).is_empty());
        assert_eq!(weighed(undecided, Kind::NoAccess, 403).len(), 1);
        let warning = Finding::new(Code::ParamEncoding, Severity::Warning, "a pattern");
        assert_eq!(
            weighed(warning.clone(), Kind::Success, 200)[0].detail,
            warning.detail
        );
        for front_end in [Kind::BotChallenge, Kind::NotUpwork] {
            let kept = weighed(length_missing(), front_end, 403);
            assert_eq!(
                (kept[0].evidence_level, kept[0].severity),
                (EvidenceLevel::Documented, Severity::Error)
            );
        }
    }

    #[test]
    fn upworks_answer_naming_the_cause_is_reproduced() {
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/messages/v3/acme/rooms.json",
            &[],
            None,
        )
        .unwrap();
        let findings = after_response(&request, &answer(Kind::NoAccess, 403));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, Code::ScopeMissing);
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Reproduced);
        assert!(after_response(&request, &answer(Kind::LengthRequired, 411)).is_empty());
    }
}
