//! The diagnosis of one call, stage by stage: static checks, replay as captured, classification,
//! the corrected replay that confirms a fix, and the verdict.

use std::time::Duration;
use upwork_diag_core::findings::Code;

use chrono::Utc;

use crate::checks;
use crate::classify::{self, Classification, Kind};
use crate::correct::{self, Correction, Fix};
use crate::exchange::{CorrectedExchange, Diagnosis, Exchange, Settings};
use crate::refresh::{self, RefreshError};
use crate::replay::{self, TransportErrorKind};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::{Escalation, EvidenceLevel, Finding, Outcome, Severity, Verdict};
use upwork_diag_core::request::{CapturedRequest, Header};

/// Diagnoses one captured call.
pub async fn diagnose(
    captured: CapturedRequest,
    credentials: &Credentials,
    settings: &Settings,
) -> Diagnosis {
    let mut findings = checks::before_sending(&captured, credentials);
    findings.extend(not_upwork(&captured));
    // The capture's own answer is the first evidence about the call: what it says is Upwork's
    // word about the call as made, which no replay of ours can spoil (a spent nonce, an old
    // timestamp).
    let recorded = settings
        .recorded
        .as_ref()
        .filter(|r| r.status != 0)
        .map(classify::classify);
    if let Some(recorded) = &recorded {
        findings.extend(
            checks::after_response(&captured, recorded)
                .into_iter()
                .map(|f| f.evidence("answer", "the answer recorded in the capture")),
        );
        checks::weigh(&mut findings, recorded);
    }
    if settings.offline {
        let verdict = match &recorded {
            Some(recorded) => {
                let mut verdict = verdict(None, Some(recorded), &findings, None);
                verdict.summary = format!(
                    "Checked offline against the answer the capture recorded, nothing sent: {}",
                    verdict.summary
                );
                verdict
            }
            None => offline_verdict(&findings),
        };
        return Diagnosis {
            captured,
            exchange: None,
            classification: None,
            corrected: None,
            findings,
            verdict,
        };
    }

    let exchange = send_as_captured(&captured, settings).await;
    let classification = exchange
        .response()
        .map(|response| classify::classify_call(&captured, response));
    if let Some(classification) = &classification {
        let replayed: Vec<Finding> = checks::after_response(&captured, classification)
            .into_iter()
            .filter(|f| findings.iter().all(|known| known.code != f.code))
            .collect();
        findings.extend(replayed);
        checks::weigh(&mut findings, classification);
    }
    if let (Some(classification), Some(response)) = (&classification, exchange.response())
        && classification.kind == Kind::Redirect
    {
        let chain = crate::redirects::chain(
            &captured,
            response,
            settings.follow,
            credentials,
            settings.base_url.as_ref(),
            &settings.replay,
        )
        .await;
        let last = chain.last.as_ref().map(classify::classify);
        // The chain says more than the warning about plain http: it replaces it.
        findings.retain(|f| f.code != Code::Redirected);
        findings.push(checks::redirect::finding(&captured, &chain, last.as_ref()));
    }

    // A signature that is right for the secrets given, refused all the same: the secrets are wrong.
    if classification
        .as_ref()
        .is_some_and(|c| c.kind == Kind::SignatureRejected)
        && !has_error(&findings)
        && let Ok(Some(signed)) = upwork_diag_core::oauth::SignedRequest::from_request(&captured)
        && let Some(finding) = checks::signature::refused_though_right(&signed, credentials)
    {
        findings.push(finding);
    }
    let failed = classification
        .as_ref()
        .is_none_or(|c| c.kind != Kind::Success);
    let mut correction = correct::correct(&captured, &findings, credentials);
    if failed && findings.iter().any(|f| f.code == Code::TokenExpired) {
        correction = refreshed(&captured, correction, &mut findings, credentials, settings).await;
    }
    let corrected = match correction {
        Some(correction) if failed => Some(send_corrected(correction, settings).await),
        _ => None,
    };
    if let Some(corrected) = &corrected {
        findings.extend(revealed_by_the_fix(&findings, corrected));
        confirm(&mut findings, corrected);
    }
    // The verdict speaks of the call as made: a failure the capture recorded is its answer, the
    // replay's only when there is none.
    let answer = recorded
        .as_ref()
        .filter(|r| r.kind != Kind::Success)
        .or(classification.as_ref());
    let mut verdict = verdict(Some(&exchange), answer, &findings, corrected.as_ref());
    // Upwork accepted the call as the developer made it: a refusal of our replay (its spent nonce,
    // its age) says nothing against it.
    if let Some(recorded) = recorded.as_ref().filter(|r| r.kind == Kind::Success)
        && verdict.outcome != Outcome::Ok
    {
        // What the replay's answer made errors (a rate limit, a timestamp refused) speaks of the
        // replay: Upwork accepted the call itself.
        for finding in findings.iter_mut().filter(|f| f.explains()) {
            finding.set_level(EvidenceLevel::Risk);
            finding.detail.push_str(
                " The capture recorded a success for the call itself: this concerns the replay only.",
            );
        }
        verdict = Verdict {
            outcome: Outcome::Ok,
            summary: format!(
                "The answer recorded in the capture was a success ({}); the replay's own answer ({}) says nothing against the call as made.",
                recorded.status,
                classification
                    .as_ref()
                    .map_or_else(|| "none".to_string(), |c| c.status.to_string())
            ),
            escalation: None,
        };
    }
    Diagnosis {
        captured,
        exchange: Some(exchange),
        classification,
        corrected,
        findings,
        verdict,
    }
}

async fn send_as_captured(captured: &CapturedRequest, settings: &Settings) -> Exchange {
    let request = settings.aim(captured.clone());
    let started = Utc::now();
    let sent_headers = replay::wire::headers_on_wire(&request);
    let result = replay::wire::send(&request, &settings.replay).await;
    Exchange {
        request,
        sent_headers,
        started,
        result,
    }
}

async fn send_corrected(correction: Correction, settings: &Settings) -> CorrectedExchange {
    let request = settings.aim(correction.request);
    let started = Utc::now();
    let sent_headers = corrected_headers(&request);
    let result = replay::client::send(&request, &settings.replay).await;
    let classification = result
        .as_ref()
        .ok()
        .map(|response| classify::classify_call(&request, response));
    CorrectedExchange {
        changes: correction.changes,
        fixes: correction.fixes,
        exchange: Exchange {
            request,
            sent_headers,
            started,
            result,
        },
        classification,
    }
}

/// The correction of a call refused for an expired token: the same call (with any other fix) with
/// a new access token from the refresh token. A refused refresh is checked like any answer, so an
/// invalid refresh token is named; without a refresh token the correction stays as it was.
async fn refreshed(
    captured: &CapturedRequest,
    correction: Option<Correction>,
    findings: &mut Vec<Finding>,
    credentials: &Credentials,
    settings: &Settings,
) -> Option<Correction> {
    let expired = |findings: &mut Vec<Finding>, key: &str, value: String| {
        if let Some(f) = findings.iter_mut().find(|f| f.code == Code::TokenExpired) {
            *f = f.clone().evidence(key, value);
        }
    };
    match refresh::access_token(credentials, settings).await {
        Ok(refresh::Refreshed {
            access_token: token,
            sent_to,
        }) => {
            expired(findings, "refresh_sent_to", sent_to.clone());
            let mut correction = correction.unwrap_or_else(|| Correction {
                request: captured.clone(),
                changes: Vec::new(),
                fixes: Vec::new(),
            });
            correction.request = refresh::with_bearer(correction.request, &token);
            correction.applied(Fix::Token);
            correction.changes.push(format!(
                "a new access token from the refresh token (grant_type=refresh_token; the refresh \
                 token, client_id and client_secret were sent to {sent_to})"
            ));
            Some(correction)
        }
        Err(RefreshError::NotSent(why)) => {
            // Said in the finding's text too, so that report.md tells where the secrets did not go.
            if let Some(f) = findings.iter_mut().find(|f| f.code == Code::TokenExpired) {
                f.detail = format!("{} Not refreshed: {why}.", f.detail);
            }
            expired(findings, "refresh_not_sent", why);
            correction
        }
        Err(RefreshError::Refused(refusal)) => {
            expired(
                findings,
                "refresh_sent_to",
                refusal.request.url.as_str().to_string(),
            );
            let known: Vec<Code> = findings.iter().map(|f| f.code).collect();
            let refused: Vec<Finding> =
                checks::after_response(&refusal.request, &refusal.classification)
                    .into_iter()
                    .filter(|f| !known.contains(&f.code))
                    .map(|f| f.evidence("revealed_by", "the refresh of the access token"))
                    .collect();
            findings.extend(refused);
            correction
        }
        Err(RefreshError::Missing(_) | RefreshError::NoAnswer(_)) => correction,
    }
}

/// What the answer to the corrected request tells when it still failed: a fix of one fault often
/// uncovers the next (a 411 hides a missing permission). Codes already found are not repeated.
fn revealed_by_the_fix(findings: &[Finding], corrected: &CorrectedExchange) -> Vec<Finding> {
    let Some(classification) = corrected
        .classification
        .as_ref()
        .filter(|c| c.kind != Kind::Success)
    else {
        return Vec::new();
    };
    checks::after_response(&corrected.exchange.request, classification)
        .into_iter()
        .filter(|f| findings.iter().all(|known| known.code != f.code))
        .map(|mut f| {
            f.title = format!("once fixed, the call still fails: {}", f.title);
            f.evidence("revealed_by", "the corrected request")
        })
        .collect()
}

/// The minimal fix alone turned the failure into a success: the findings it answers are confirmed.
/// When several fixes were needed together, no single one is confirmed by the success. A call
/// signed again from scratch confirms nothing about the mistake named in the old signature (any
/// mistake would vanish): those keep the evidence of the mistake search; but a signature wrong for
/// no known reason is confirmed wrong when the same secrets, signing correctly, make the call
/// succeed, and shown to rest on wrong secrets when Upwork refuses that call's signature too. A
/// refusal the replay caused is never the call's fault, confirmed or not.
fn confirm(findings: &mut [Finding], corrected: &CorrectedExchange) {
    let signed_again_refused = corrected
        .classification
        .as_ref()
        .is_some_and(|c| c.kind == Kind::SignatureRejected);
    if signed_again_refused {
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == Code::SignatureMismatch && !f.explains())
        {
            finding.detail.push_str(
                " A call signed correctly with the same secrets was refused too: the secrets given are not this key's and token's.",
            );
        }
    }
    let [fix] = corrected.fixes[..] else {
        return;
    };
    if !corrected.succeeded() {
        return;
    }
    for finding in findings.iter_mut().filter(|f| Fix::wanted(f) == Some(fix)) {
        let unknown_signature_fault =
            finding.code == Code::SignatureMismatch && !finding.explains();
        let confirmable = match fix {
            Fix::Signature => unknown_signature_fault,
            Fix::Freshness => finding.code == Code::TimestampSkew && finding.explains(),
            Fix::Length | Fix::Token => finding.explains(),
        };
        if confirmable {
            finding.raise(EvidenceLevel::Confirmed);
        }
    }
}

/// The headers the corrected replay sends: the captured ones reqwest copies, with the `Host` and
/// body framing that reqwest writes itself.
fn corrected_headers(request: &CapturedRequest) -> Vec<Header> {
    let mut headers = vec![Header::new("Host", request.url.host_port())];
    headers.extend(
        request
            .headers
            .iter()
            .filter(|h| replay::client::is_copied(&h.name))
            .cloned(),
    );
    let needs_length = ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&request.method));
    if needs_length || !request.body.is_empty() {
        headers.push(Header::new(
            "Content-Length",
            request.body.len().to_string(),
        ));
    }
    headers
}

fn has_error(findings: &[Finding]) -> bool {
    findings.iter().any(Finding::explains)
}

/// What the tool lacked to decide, from the inconclusive findings: their fixes say what to give.
fn missing(findings: &[Finding]) -> Vec<&Finding> {
    findings
        .iter()
        .filter(|f| f.evidence_level == EvidenceLevel::Inconclusive)
        .collect()
}

/// The code of the note on a call to a host that is not Upwork's.
const HOST_NOT_UPWORK: Code = Code::HostNotUpwork;

/// A call to a host that is neither Upwork's nor a loopback address (an emulator) is outside what
/// this tool knows: Upwork's rules, texts and permissions say nothing about it, and Upwork support
/// cannot help with another server. Said, so that a clean offline check or a failure is not read
/// as Upwork's. Inconclusive: the tool lacks an Upwork call to check.
fn not_upwork(captured: &CapturedRequest) -> Option<Finding> {
    let host = captured.url.host();
    let bare = host.trim_matches(['[', ']']);
    let loopback = bare.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback || upwork_diag_core::upwork::hosts::is_upwork_host(host) {
        return None;
    }
    Some(
        Finding::new(
            HOST_NOT_UPWORK,
            Severity::Info,
            format!("{host} is not one of Upwork's API hosts"),
        )
        .detail(format!(
            "The call goes to {host}, not to {}: no Upwork check applies to it (Upwork's rules, error \
             texts and permissions), and a failure there is not one for Upwork support.",
            upwork_diag_core::upwork::hosts::ALL.join(" or ")
        ))
        .fix(
            "If the call is meant for Upwork, send it to https://www.upwork.com (REST) or \
             https://api.upwork.com/graphql (GraphQL); to try an Upwork call against the emulator, \
             keep Upwork's URL and add --base-url.",
        )
        .level(EvidenceLevel::Inconclusive)
        .evidence("host", host),
    )
}

/// The host named by a `host-not-upwork` finding, if there is one.
fn foreign_host(findings: &[Finding]) -> Option<String> {
    findings
        .iter()
        .find(|f| f.code == HOST_NOT_UPWORK)
        .map(|f| {
            f.evidence
                .get("host")
                .and_then(|h| h.as_str())
                .unwrap_or_default()
                .to_string()
        })
}

fn offline_verdict(findings: &[Finding]) -> Verdict {
    if has_error(findings) {
        let codes = explaining_codes(findings);
        Verdict {
            outcome: Outcome::Explained,
            summary: format!("Checked offline, nothing sent: this call will fail ({codes})."),
            escalation: None,
        }
    } else if let Some(suspect) = findings.iter().find(|f| is_suspect(f)) {
        // Something that would fail the call, and not what it takes to tell whether it does.
        let unchecked = missing(findings);
        let what: Vec<&str> = unchecked.iter().map(|f| f.fix.as_str()).collect();
        Verdict {
            outcome: Outcome::Inconclusive,
            summary: format!(
                "Checked offline, nothing sent: {} may make this call fail, and the tool lacks what it needs to tell ({}). {}",
                suspect.code,
                codes_of(unchecked.into_iter()),
                what.join(" ")
            ),
            escalation: None,
        }
    } else {
        let unchecked = missing(findings);
        let summary = if let Some(host) = foreign_host(findings) {
            format!(
                "Checked offline, nothing sent: {host} is not one of Upwork's hosts, so no Upwork check applies."
            )
        } else if unchecked.is_empty() {
            "Checked offline, nothing sent: no problem found in the request.".to_string()
        } else {
            format!(
                "Checked offline, nothing sent: no problem found, but not everything could be checked ({}).",
                codes_of(unchecked.into_iter())
            )
        };
        Verdict {
            outcome: Outcome::Ok,
            summary,
            escalation: None,
        }
    }
}

/// The codes of the findings that explain the failure, with the evidence of each.
fn explaining_codes(findings: &[Finding]) -> String {
    let mut codes: Vec<String> = findings
        .iter()
        .filter(|f| f.explains())
        .map(|f| format!("{}, {}", f.code, f.evidence_level.name()))
        .collect();
    codes.dedup();
    codes.join("; ")
}

fn codes_of<'a>(findings: impl Iterator<Item = &'a Finding>) -> String {
    let mut codes: Vec<&str> = findings.map(|f| f.code.as_str()).collect();
    codes.dedup();
    codes.join(", ")
}

/// An inconclusive finding that, decided one way, fails the call (a signature that differs for no
/// known reason, a `+` the secrets would tell about, credentials a HAR left out, an undecided
/// timestamp): a warning. Not a note about a check that merely could not run
/// (`signature-unverified`, `host-not-upwork`).
fn is_suspect(finding: &Finding) -> bool {
    finding.evidence_level == EvidenceLevel::Inconclusive && finding.severity == Severity::Warning
}

/// What the corrected request showed, in one sentence, honest about what it confirms.
fn confirmation_text(corrected: &CorrectedExchange) -> String {
    if corrected.succeeded() {
        return if corrected.fixes == [Fix::Signature] {
            format!(
                " The corrected request ({}) succeeded: the call works once signed correctly with the secrets given.",
                corrected.changes.join("; ")
            )
        } else if corrected.fixes == [Fix::Freshness] {
            format!(
                " The corrected request, signed again fresh and otherwise unchanged ({}), succeeded.",
                corrected.changes.join("; ")
            )
        } else if corrected.fixes.len() == 1 {
            format!(
                " The corrected request, changed only by that fix ({}), succeeded: confirmed.",
                corrected.changes.join("; ")
            )
        } else {
            format!(
                " The corrected request succeeded with {} changes made together ({}); no single one is confirmed by itself.",
                corrected.changes.len(),
                corrected.changes.join("; ")
            )
        };
    }
    match (
        &corrected.classification,
        corrected.exchange.transport_error(),
    ) {
        (Some(cl), _) => match &cl.message {
            Some(message) => format!(
                " The corrected request still failed ({}: {message}).",
                cl.status
            ),
            None => format!(" The corrected request still failed ({}).", cl.status),
        },
        (None, Some(e)) => format!(" The corrected request got no response ({}).", e.message),
        (None, None) => String::new(),
    }
}

/// A capture refused only for what its replay did (a spent nonce, an old timestamp) whose call,
/// signed again fresh and otherwise unchanged, succeeded: the call itself is fine. Not when the
/// client's clock is undecided (the fresh call used this machine's clock).
fn works_when_sent_fresh(
    classification: &Classification,
    findings: &[Finding],
    corrected: Option<&CorrectedExchange>,
) -> Option<String> {
    let corrected = corrected.filter(|c| c.succeeded() && c.fixes == [Fix::Freshness])?;
    let replay_only = classification.kind == Kind::TimestampOrNonceRejected
        && findings
            .iter()
            .any(crate::checks::freshness::is_replay_artifact)
        && !findings
            .iter()
            .any(|f| f.evidence.get("sent_at").is_some_and(|v| v == "unknown"));
    replay_only.then(|| {
        format!(
            "As captured, the call could not be replayed: Upwork refused the replay ({}) for its spent nonce or its age, the replay's own doing. Signed again fresh and otherwise unchanged ({}), it succeeded: nothing in the call itself is wrong.",
            classification.status,
            corrected.changes.join("; ")
        )
    })
}

/// True for the answers an inconclusive finding (an unchecked signature, an unknown send time) can
/// bear on: Upwork's refusals of the credentials.
fn bears_on_credentials(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::SignatureRejected | Kind::Unauthorized | Kind::TimestampOrNonceRejected
    )
}

fn verdict(
    exchange: Option<&Exchange>,
    classification: Option<&Classification>,
    findings: &[Finding],
    corrected: Option<&CorrectedExchange>,
) -> Verdict {
    let confirmation = corrected.map(confirmation_text).unwrap_or_default();
    let Some(classification) = classification else {
        let exchange = exchange.expect("an answer or an exchange");
        let error = exchange
            .transport_error()
            .expect("an exchange without a response has an error");
        // A body shorter than its Content-Length makes the server wait: the timeout is explained.
        let explained_hang = error.kind == TransportErrorKind::Timeout
            && findings
                .iter()
                .any(|f| f.code == Code::ContentLengthMismatch && f.explains());
        return if explained_hang {
            Verdict {
                outcome: Outcome::Explained,
                summary: format!(
                    "No response: the server waited for body bytes that were never sent (content-length-mismatch).{confirmation}"
                ),
                escalation: None,
            }
        } else {
            Verdict {
                outcome: Outcome::NoResponse,
                summary: format!(
                    "No response from {}: {}.",
                    exchange.request.url.host_port(),
                    error.message
                ),
                escalation: None,
            }
        };
    };
    if classification.kind == Kind::Success
        && let Some(cut) = exchange
            .and_then(Exchange::response)
            .filter(|r| r.truncated)
    {
        // Only the first part was read: an error after the cut (GraphQL puts `errors` last)
        // would go unseen, so this is no success; nor a failure to escalate: the tool lacks the
        // rest of the answer to decide.
        return Verdict {
            outcome: Outcome::Inconclusive,
            summary: format!(
                "The answer ({}) is truncated: it is longer than {}, the most this tool reads, \
                 and was cut there, so it could not be checked whole.",
                classification.status,
                upwork_diag_core::limits::describe(cut.body.len() as u64)
            ),
            escalation: None,
        };
    }
    if classification.kind == Kind::Success {
        let warnings = codes_of(findings.iter().filter(|f| f.severity == Severity::Warning));
        let summary = if warnings.is_empty() {
            format!("The call succeeded ({}).", classification.status)
        } else {
            format!(
                "The call succeeded ({}), with warnings: {warnings}.",
                classification.status
            )
        };
        return Verdict {
            outcome: Outcome::Ok,
            summary,
            escalation: None,
        };
    }
    let answer = match &classification.message {
        Some(m) => format!("{} {}", classification.status, m),
        None => classification.status.to_string(),
    };
    let unchecked = missing(findings);
    if !has_error(findings)
        && let Some(summary) = works_when_sent_fresh(classification, findings, corrected)
    {
        return Verdict {
            outcome: Outcome::Ok,
            summary,
            escalation: None,
        };
    }
    if has_error(findings) {
        Verdict {
            outcome: Outcome::Explained,
            summary: format!(
                "The call failed ({answer}): {}.{confirmation}",
                explaining_codes(findings)
            ),
            escalation: None,
        }
    } else if let Some(host) = foreign_host(findings) {
        // Not Upwork's failure: escalating it to Upwork's Tech Support would waste everyone's time.
        Verdict {
            outcome: Outcome::Inconclusive,
            summary: format!(
                "The call failed ({answer}); {host} is not one of Upwork's hosts, so no Upwork check applies and there is nothing to escalate to Upwork support.{confirmation}"
            ),
            escalation: None,
        }
    } else if !unchecked.is_empty() && bears_on_credentials(classification.kind) {
        let mut what: Vec<&str> = unchecked.iter().map(|f| f.fix.as_str()).collect();
        what.dedup(); // Two readings that lack the same evidence ask for it once.
        Verdict {
            outcome: Outcome::Inconclusive,
            summary: format!(
                "The call failed ({answer}) and the tool lacks what it needs to tell why ({}). {}{confirmation}",
                codes_of(unchecked.into_iter()),
                what.join(" ")
            ),
            escalation: None,
        }
    } else {
        let not_checked = if unchecked.is_empty() {
            String::new()
        } else {
            format!(" (not checked: {})", codes_of(unchecked.into_iter()))
        };
        Verdict {
            outcome: Outcome::Unexplained,
            summary: format!(
                "The call failed ({answer}) and no known cause explains it.{confirmation}"
            ),
            escalation: Some(Escalation::tech_support(format!(
                "Upwork answered {answer}; the request passed every check of this tool{not_checked}."
            ))),
        }
    }
}

/// The default replay timeout, for flags and help texts.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
