//! What the tool concludes: findings with stable codes, and the verdict that picks the exit code.

use crate::findings::Code;
use serde::Serialize;
use serde_json::{Map, Value};

/// How much a finding matters to the failure at hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; does not fail a call by itself.
    Info,
    /// Likely to fail some calls or to be refused later.
    Warning,
    /// Fails the call.
    Error,
}

/// What ties a finding to this call. Only the first three make a finding an error that explains a
/// failure; a finding without such evidence is at most a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceLevel {
    /// The tool lacks what it needs to decide (a secret, the send time); the finding says what.
    Inconclusive,
    /// A pattern that can break, with no evidence that Upwork refuses it.
    Risk,
    /// Upwork's own documentation or a public report says such a call is refused (offline).
    Documented,
    /// This call's own evidence: signing again as the named mistake yields the captured signature
    /// byte for byte, Upwork's reading of the call predicts the refusal it gave, or Upwork's answer
    /// names the cause.
    Reproduced,
    /// The minimal fix alone turned the failure into a success.
    Confirmed,
}

impl EvidenceLevel {
    /// True for the levels that may explain a failure.
    pub fn explains(self) -> bool {
        self >= EvidenceLevel::Documented
    }

    /// The level as the report writes it.
    pub fn name(self) -> &'static str {
        match self {
            EvidenceLevel::Inconclusive => "inconclusive",
            EvidenceLevel::Risk => "risk",
            EvidenceLevel::Documented => "documented",
            EvidenceLevel::Reproduced => "reproduced",
            EvidenceLevel::Confirmed => "confirmed",
        }
    }
}

/// One thing found wrong (or worth knowing) about a call, with a stable code that `explain` knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A code of [`crate::findings`], written as its stable name, e.g. `content-length-missing`.
    pub code: Code,
    pub severity: Severity,
    /// What ties it to this call; an error always has a level that [explains](EvidenceLevel::explains).
    pub evidence_level: EvidenceLevel,
    /// Where the rule about Upwork that it applies comes from (the API FAQ, a public report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<&'static str>,
    /// One line.
    pub title: String,
    /// What was seen, in this call's own terms.
    pub detail: String,
    /// What to change.
    pub fix: String,
    /// The facts behind it (header values, parameter names, base strings), for the bundle.
    pub evidence: Map<String, Value>,
}

impl Finding {
    /// A finding; an error starts as [`EvidenceLevel::Documented`], anything else as
    /// [`EvidenceLevel::Risk`], until [`Finding::level`] says what ties it to the call.
    pub fn new(code: Code, severity: Severity, title: impl Into<String>) -> Self {
        let evidence_level = if severity == Severity::Error {
            EvidenceLevel::Documented
        } else {
            EvidenceLevel::Risk
        };
        Finding {
            code,
            severity,
            evidence_level,
            source: None,
            title: title.into(),
            detail: String::new(),
            fix: String::new(),
            evidence: Map::new(),
        }
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = fix.into();
        self
    }

    /// Sets what ties the finding to the call. A level that cannot explain a failure makes an error
    /// a warning: without evidence a finding never fails a call.
    pub fn level(mut self, level: EvidenceLevel) -> Self {
        self.set_level(level);
        self
    }

    /// [`Finding::level`] on a finding in place.
    pub fn set_level(&mut self, level: EvidenceLevel) {
        self.evidence_level = level;
        if !level.explains() && self.severity == Severity::Error {
            self.severity = Severity::Warning;
        }
    }

    /// Makes the finding an error on this evidence (which must explain a failure).
    pub fn raise(&mut self, level: EvidenceLevel) {
        debug_assert!(level.explains(), "{} raised on {level:?}", self.code);
        self.evidence_level = level;
        self.severity = Severity::Error;
    }

    /// True when the finding explains a failure: an error on evidence.
    pub fn explains(&self) -> bool {
        self.severity == Severity::Error && self.evidence_level.explains()
    }

    /// The public source of the rule about Upwork that the finding applies.
    pub fn source(mut self, source: &'static str) -> Self {
        self.source = Some(source);
        self
    }

    pub fn evidence(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.evidence.insert(key.to_string(), value.into());
        self
    }
}

/// The outcome of a diagnosis; each maps to one exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// The call succeeded (exit 0).
    Ok,
    /// It failed, or would, and a finding explains why (exit 1).
    Explained,
    /// It failed and nothing explains it: escalate to Tech Support (exit 4).
    Unexplained,
    /// No response came back: network, TLS, timeout (exit 3).
    NoResponse,
    /// It failed, nothing found explains it, and the tool lacks what it needs to decide (a secret,
    /// the send time): the findings say what to give. Not escalated (exit 5).
    Inconclusive,
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Explained => 1,
            Outcome::NoResponse => 3,
            Outcome::Unexplained => 4,
            Outcome::Inconclusive => 5,
        }
    }
}

/// Where an unexplained failure goes: Upwork support's Tech Support queue, by its macro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    pub queue: &'static str,
    pub r#macro: &'static str,
    pub reason: String,
}

impl Escalation {
    pub fn tech_support(reason: impl Into<String>) -> Self {
        Escalation {
            queue: "Tech Support",
            r#macro: "API to Tech Support",
            reason: reason.into(),
        }
    }
}

/// The conclusion of a diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub outcome: Outcome,
    pub summary: String,
    /// Present exactly when the outcome is [`Outcome::Unexplained`].
    pub escalation: Option<Escalation>,
}
