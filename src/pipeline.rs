//! The diagnosis of one call, stage by stage: static checks, replay as captured, classification,
//! the corrected replay that confirms a fix, and the verdict.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::checks;
use crate::classify::{self, Classification, Kind};
use crate::correct::{self, Correction};
use crate::credentials::Credentials;
use crate::diagnosis::{Escalation, Finding, Outcome, Severity, Verdict};
use crate::refresh::{self, RefreshError};
use crate::replay::{self, CapturedResponse, ReplayOptions, TransportError, TransportErrorKind};
use crate::request::{CapturedRequest, Header, RawUrl};

/// How the call is replayed.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Send to this origin instead (e.g. the emulator), keeping path and query.
    pub base_url: Option<RawUrl>,
    /// Checks only; nothing is sent.
    pub offline: bool,
    pub replay: ReplayOptions,
}

/// One request sent and what came of it.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The request as sent (with the base URL applied).
    pub request: CapturedRequest,
    /// The header lines exactly as they went on the wire.
    pub sent_headers: Vec<Header>,
    pub started: DateTime<Utc>,
    pub result: Result<CapturedResponse, TransportError>,
}

impl Exchange {
    pub fn response(&self) -> Option<&CapturedResponse> {
        self.result.as_ref().ok()
    }

    pub fn transport_error(&self) -> Option<&TransportError> {
        self.result.as_ref().err()
    }
}

/// The corrected request, sent, and whether it succeeded.
#[derive(Debug, Clone)]
pub struct CorrectedExchange {
    /// What was changed, one line each.
    pub changes: Vec<String>,
    pub exchange: Exchange,
    pub classification: Option<Classification>,
}

impl CorrectedExchange {
    /// True when the corrected call got a successful answer.
    pub fn succeeded(&self) -> bool {
        self.classification
            .as_ref()
            .is_some_and(|c| c.kind == Kind::Success)
    }
}

/// Everything learned about one call.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub captured: CapturedRequest,
    /// `None` when offline.
    pub exchange: Option<Exchange>,
    pub classification: Option<Classification>,
    pub corrected: Option<CorrectedExchange>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
}

/// Diagnoses one captured call.
pub async fn diagnose(
    captured: CapturedRequest,
    credentials: &Credentials,
    settings: &Settings,
) -> Diagnosis {
    let mut findings = checks::before_sending(&captured, credentials);
    if settings.offline {
        let verdict = offline_verdict(&findings);
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
    let classification = exchange.response().map(classify::classify);
    if let Some(classification) = &classification {
        findings.extend(checks::after_response(&captured, classification));
        checks::weigh(&mut findings, classification);
    }

    let failed = classification
        .as_ref()
        .is_none_or(|c| c.kind != Kind::Success);
    let mut correction = correct::correct(&captured, &findings, credentials);
    if failed && findings.iter().any(|f| f.code == "token-expired") {
        correction = refreshed(&captured, correction, &mut findings, credentials, settings).await;
    }
    let corrected = match correction {
        Some(correction) if failed => Some(send_corrected(correction, settings).await),
        _ => None,
    };
    if let Some(corrected) = &corrected {
        findings.extend(revealed_by_the_fix(&findings, corrected));
    }
    let verdict = verdict(
        &exchange,
        classification.as_ref(),
        &findings,
        corrected.as_ref(),
    );
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
    let request = match &settings.base_url {
        Some(base) => CapturedRequest {
            url: captured.url.rebased(base),
            ..captured.clone()
        },
        None => captured.clone(),
    };
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
    let request = match &settings.base_url {
        Some(base) => CapturedRequest {
            url: correction.request.url.rebased(base),
            ..correction.request
        },
        None => correction.request,
    };
    let started = Utc::now();
    let sent_headers = corrected_headers(&request);
    let result = replay::client::send(&request, &settings.replay).await;
    let classification = result.as_ref().ok().map(classify::classify);
    CorrectedExchange {
        changes: correction.changes,
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
    match refresh::access_token(credentials, settings).await {
        Ok(token) => {
            let mut correction = correction.unwrap_or_else(|| Correction {
                request: captured.clone(),
                changes: Vec::new(),
            });
            correction.request = refresh::with_bearer(correction.request, &token);
            correction.changes.push(
                "a new access token from the refresh token (grant_type=refresh_token)".to_string(),
            );
            Some(correction)
        }
        Err(RefreshError::Refused(refusal)) => {
            let known: Vec<&str> = findings.iter().map(|f| f.code).collect();
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
    findings.iter().any(|f| f.severity == Severity::Error)
}

fn offline_verdict(findings: &[Finding]) -> Verdict {
    if has_error(findings) {
        let codes = codes_of(findings, Severity::Error);
        Verdict {
            outcome: Outcome::Explained,
            summary: format!("Checked offline, nothing sent: this call will fail ({codes})."),
            escalation: None,
        }
    } else {
        Verdict {
            outcome: Outcome::Ok,
            summary: "Checked offline, nothing sent: no problem found in the request.".to_string(),
            escalation: None,
        }
    }
}

fn codes_of(findings: &[Finding], severity: Severity) -> String {
    let mut codes: Vec<&str> = findings
        .iter()
        .filter(|f| f.severity == severity)
        .map(|f| f.code)
        .collect();
    codes.dedup();
    codes.join(", ")
}

fn verdict(
    exchange: &Exchange,
    classification: Option<&Classification>,
    findings: &[Finding],
    corrected: Option<&CorrectedExchange>,
) -> Verdict {
    let confirmation = match corrected {
        Some(c) if c.succeeded() => {
            " The corrected request succeeded, which confirms the fix.".to_string()
        }
        Some(c) => match (&c.classification, c.exchange.transport_error()) {
            (Some(cl), _) => match &cl.message {
                Some(message) => format!(
                    " The corrected request still failed ({}: {message}).",
                    cl.status
                ),
                None => format!(" The corrected request still failed ({}).", cl.status),
            },
            (None, Some(e)) => format!(" The corrected request got no response ({}).", e.message),
            (None, None) => String::new(),
        },
        None => String::new(),
    };
    let Some(classification) = classification else {
        let error = exchange
            .transport_error()
            .expect("an exchange without a response has an error");
        // A body shorter than its Content-Length makes the server wait: the timeout is explained.
        let explained_hang = error.kind == TransportErrorKind::Timeout
            && findings.iter().any(|f| f.code == "content-length-mismatch");
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
        && let Some(cut) = exchange.response().filter(|r| r.truncated)
    {
        // Only the first part was read: an error after the cut (GraphQL puts `errors` last)
        // would go unseen, so this is no success.
        return Verdict {
            outcome: Outcome::Unexplained,
            summary: format!(
                "The answer ({}) is truncated: it is longer than {}, the most this tool reads, \
                 and was cut there, so it could not be checked whole.",
                classification.status,
                crate::limits::describe(cut.body.len() as u64)
            ),
            escalation: None,
        };
    }
    if classification.kind == Kind::Success {
        let warnings = codes_of(findings, Severity::Warning);
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
    if has_error(findings) {
        Verdict {
            outcome: Outcome::Explained,
            summary: format!(
                "The call failed ({answer}): {}.{confirmation}",
                codes_of(findings, Severity::Error)
            ),
            escalation: None,
        }
    } else {
        Verdict {
            outcome: Outcome::Unexplained,
            summary: format!(
                "The call failed ({answer}) and no known cause explains it.{confirmation}"
            ),
            escalation: Some(Escalation::tech_support(format!(
                "Upwork answered {answer}; the request passed every check of this tool."
            ))),
        }
    }
}

/// The default replay timeout, for flags and help texts.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
