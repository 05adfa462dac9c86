//! One entry checked: the static checks, the capture's own answer read like any answer, and what
//! will be printed of it redacted.

use serde::Serialize;

use crate::checks;
use crate::classify::Classification;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::redact::{self, Redactor};
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_import::har::HarEntry;

/// What the checks need of an entry, made on the reading thread: the capture's answer is read
/// there (like any answer) and dropped, body included, so the two threads share the work.
pub(super) struct ToCheck {
    index: usize,
    method: String,
    request: CapturedRequest,
    /// The capture's response status; `None` when the entry has no response.
    status: Option<u16>,
    /// The capture's answer as read; `None` without one (no response, or status 0).
    answer: Option<Classification>,
}

impl ToCheck {
    /// `None` for a URL that no request can have (`data:`, `blob:` ...): nothing to check.
    pub(super) fn new(index: usize, entry: HarEntry) -> Option<Self> {
        let request = entry.request.ok()?;
        let response = entry.response.map(|r| r.into_response());
        Some(ToCheck {
            index,
            method: entry.method,
            request,
            status: response.as_ref().map(|r| r.status),
            answer: response
                .as_ref()
                .filter(|r| r.status != 0)
                .map(crate::classify::classify),
        })
    }

    /// About how much memory the entry holds.
    pub(super) fn size(&self) -> usize {
        let headers: usize = self
            .request
            .headers
            .iter()
            .map(|h| h.name.len() + h.value.len())
            .sum();
        self.request.url.as_str().len() + self.request.body.len() + headers
    }
}

/// One checked entry, ready to print: URL and titles already redacted.
#[derive(Debug, Serialize)]
pub(super) struct ScanResult {
    pub(super) entry: usize,
    pub(super) method: String,
    pub(super) url: String,
    pub(super) status: Option<u16>,
    pub(super) findings: Vec<FindingLine>,
}

#[derive(Debug, Serialize)]
pub(super) struct FindingLine {
    pub(super) code: &'static str,
    pub(super) severity: Severity,
    pub(super) title: String,
}

/// Runs the static checks on one entry and redacts what will be printed of it; `base` is a
/// redactor that knows `credentials` and nothing else (made once per scan, cloned per entry).
pub(super) fn check(item: ToCheck, credentials: &Credentials, base: &Redactor) -> ScanResult {
    let request = &item.request;
    let mut findings = checks::before_sending(request, credentials);
    let answer = item.answer.as_ref();
    // A call Upwork refused for its credentials: an unchecked signature is then what is missing to
    // tell why, and the row says so rather than "ok".
    let refused_credentials = answer.is_some_and(|a| {
        matches!(
            a.kind,
            crate::classify::Kind::SignatureRejected | crate::classify::Kind::Unauthorized
        )
    });
    // That a captured signature is too old to replay matters to `diagnose`, which replays; a scan
    // sends nothing, and every capture older than five minutes would carry it; so would the
    // undecided clock-or-capture readings of an entry without a send time. An unchecked
    // signature (no secrets given) is the rule in a scan, not news about one call, unless the
    // call was refused for its credentials.
    findings.retain(|f| {
        f.code != Code::ReplayStale
            && (f.code != Code::SignatureUnverified || refused_credentials)
            && !checks::freshness::is_undecided(f)
    });
    // The capture's own answer is Upwork's word about the call: what it names is a finding, and a
    // call it accepted did not fail for what a check predicts.
    if let Some(answer) = answer {
        let named: Vec<Finding> = checks::after_response(request, answer)
            .into_iter()
            .filter(|f| findings.iter().all(|known| known.code != f.code))
            .collect();
        findings.extend(named);
        checks::weigh(&mut findings, answer);
    }
    // A redactor per entry, from the one that knows the credentials: what it learns from one
    // call's headers (a bearer token, a cookie) hides that value in the same call's URL, and
    // nothing accumulates over a file of any length. No header is printed: they are learned, not
    // written out.
    let mut redactor = base.clone();
    let location = format!("log.entries[{}]", item.index);
    redactor.learn_headers(
        &location,
        request
            .headers
            .iter()
            .filter(|h| redact::hides_by_name(&h.name)),
    );
    let url = redactor.url(&location, request.url.as_str());
    let findings = findings
        .iter()
        .map(|f: &Finding| FindingLine {
            code: f.code.as_str(),
            severity: f.severity,
            title: redactor.text(&location, &f.title),
        })
        .collect();
    ScanResult {
        entry: item.index,
        method: item.method,
        url,
        status: item.status,
        findings,
    }
}
