//! What a diagnosis sends and what it learns: the settings of the sending, each exchange (the
//! request as sent and its answer), the corrected exchange, and the diagnosis that holds them.
//! The orchestrator (`pipeline`) fills them; the bundle, the username lookup and the token refresh
//! read them, without depending on the orchestrator.

use chrono::{DateTime, Utc};

use crate::classify::{Classification, Kind};
use crate::correct::Fix;
use crate::replay::{ReplayOptions, TransportError};
use upwork_diag_core::diagnosis::{Finding, Verdict};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl};

/// How the call is replayed.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Send to this origin instead (e.g. the emulator), keeping path and query.
    pub base_url: Option<RawUrl>,
    /// Checks only; nothing is sent.
    pub offline: bool,
    /// Follow a redirect (Upwork's hosts only), each hop of an OAuth 1.0 call signed anew when
    /// the secrets are given; by default a redirect is reported, not followed.
    pub follow: bool,
    pub replay: ReplayOptions,
    /// The answer the capture itself recorded (a HAR entry's response): Upwork's words about the
    /// call as the developer made it, before any replay of ours.
    pub recorded: Option<CapturedResponse>,
}

impl Settings {
    /// The request as it is sent: at the `--base-url` origin when one is given, path and query
    /// kept.
    pub fn aim(&self, mut request: CapturedRequest) -> CapturedRequest {
        if let Some(base) = &self.base_url {
            request.url = request.url.rebased(base);
        }
        request
    }
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
    /// The kinds of fix applied: a success confirms a finding only when its fix was the only one.
    pub fixes: Vec<Fix>,
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

    /// What its answer shows, in a few words, honest about what a success confirms.
    pub fn meaning(&self) -> &'static str {
        if !self.succeeded() {
            "it still failed: the fix is not confirmed"
        } else if self.fixes == [Fix::Signature] {
            "the call works once signed correctly with the secrets given"
        } else if self.fixes == [Fix::Freshness] {
            "signed again fresh and otherwise unchanged, it succeeded"
        } else if self.fixes.len() == 1 {
            "that fix alone made it succeed: confirmed"
        } else {
            "it succeeded with several fixes together: none is confirmed by itself"
        }
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
