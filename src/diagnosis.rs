//! What the tool concludes: findings with stable codes, and the verdict that picks the exit code.

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

/// One thing found wrong (or worth knowing) about a call, with a stable code that `explain` knows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A code of [`crate::findings`], e.g. `content-length-missing`.
    pub code: &'static str,
    pub severity: Severity,
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
    pub fn new(code: &'static str, severity: Severity, title: impl Into<String>) -> Self {
        Finding {
            code,
            severity,
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
}

impl Outcome {
    pub fn exit_code(self) -> u8 {
        match self {
            Outcome::Ok => 0,
            Outcome::Explained => 1,
            Outcome::NoResponse => 3,
            Outcome::Unexplained => 4,
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
