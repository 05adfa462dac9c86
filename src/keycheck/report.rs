//! The answer to a key request: one line per checkpoint and a verdict, as text for the agent or
//! JSON for other tools. Rendering only; the rules live in `checkpoints`.

use std::fmt::Write;

use serde::Serialize;

use super::QUEUE;
use super::checkpoints::CheckResult;

/// The outcome of every checkpoint for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The request file as given on the command line.
    pub request: String,
    pub checkpoints: Vec<CheckpointLine>,
    /// True when every checkpoint passed.
    pub approved: bool,
    /// The support queue that handles API key requests.
    pub queue: &'static str,
}

/// One checkpoint's result; `reason` and `macro` are null when it passed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckpointLine {
    pub number: u8,
    pub name: &'static str,
    pub passed: bool,
    pub reason: Option<String>,
    #[serde(rename = "macro")]
    pub macro_title: Option<&'static str>,
}

impl Report {
    pub fn new(request: impl Into<String>, results: &[CheckResult]) -> Self {
        let checkpoints: Vec<CheckpointLine> = results
            .iter()
            .map(|r| CheckpointLine {
                number: r.checkpoint.number,
                name: r.checkpoint.name,
                passed: r.passed(),
                reason: r.reason(),
                macro_title: r.macro_title(),
            })
            .collect();
        Report {
            request: request.into(),
            approved: checkpoints.iter().all(|c| c.passed),
            checkpoints,
            queue: QUEUE,
        }
    }

    /// `PASS 1 Title` or `REJECT 2 Description: <reason> — macro "<title>"`, then the verdict and
    /// where key requests go.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "key request: {}", self.request);
        for c in &self.checkpoints {
            match (&c.reason, c.macro_title) {
                (Some(reason), Some(title)) => {
                    let _ = writeln!(
                        out,
                        "REJECT {} {}: {reason} — macro \"{title}\"",
                        c.number, c.name
                    );
                }
                _ => {
                    let _ = writeln!(out, "PASS {} {}", c.number, c.name);
                }
            }
        }
        let total = self.checkpoints.len();
        let failed = self.checkpoints.iter().filter(|c| !c.passed).count();
        if self.approved {
            let _ = writeln!(out, "verdict: approved: all {total} checkpoints pass");
        } else {
            let _ = writeln!(
                out,
                "verdict: rejected: {failed} of {total} checkpoints fail; answer with the macros above"
            );
        }
        let _ = writeln!(
            out,
            "route: API key requests are handled by the {QUEUE} queue"
        );
        out
    }

    pub fn json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a report always serializes");
        json.push('\n');
        json
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keycheck::checkpoints::CHECKPOINTS;

    fn results(rejected: &[(usize, &str)]) -> Vec<CheckResult> {
        CHECKPOINTS
            .iter()
            .enumerate()
            .map(|(i, checkpoint)| CheckResult {
                checkpoint: *checkpoint,
                reasons: rejected
                    .iter()
                    .filter(|(n, _)| *n == i + 1)
                    .map(|(_, r)| r.to_string())
                    .collect(),
            })
            .collect()
    }

    #[test]
    fn text_has_a_line_per_checkpoint_a_verdict_and_the_queue() {
        let report = Report::new(
            "req.json",
            &results(&[(2, "mentions scraping (\"scrape\")")]),
        );
        let text = report.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "key request: req.json");
        assert_eq!(lines[1], "PASS 1 Title");
        assert_eq!(
            lines[2],
            "REJECT 2 Description: mentions scraping (\"scrape\") — macro \"Description - Unclear use\""
        );
        assert_eq!(
            lines[8],
            "verdict: rejected: 1 of 7 checkpoints fail; answer with the macros above"
        );
        assert_eq!(
            lines[9],
            "route: API key requests are handled by the Special Projects queue"
        );
        assert!(!report.approved);
    }

    #[test]
    fn json_has_the_documented_fields() {
        let report = Report::new("req.toml", &results(&[]));
        assert!(report.approved);
        let value: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(value["request"], "req.toml");
        assert_eq!(value["approved"], true);
        assert_eq!(value["queue"], "Special Projects");
        let first = &value["checkpoints"][0];
        assert_eq!(first["number"], 1);
        assert_eq!(first["name"], "Title");
        assert_eq!(first["passed"], true);
        assert!(first["reason"].is_null());
        assert!(first["macro"].is_null());
        assert!(
            report
                .text()
                .contains("verdict: approved: all 7 checkpoints pass")
        );
    }
}
