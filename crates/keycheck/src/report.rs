//! The answer to a key request: one line per checkpoint, a verdict and the route, as text for the
//! agent or JSON for other tools. Rendering only; the rules live in `rules`.

use std::fmt::Write;

use serde::Serialize;

use super::checkpoints::{CheckResult, CheckpointOutcome, RUNBOOK_MACRO_TITLE};
use super::macros::Macros;
use upwork_diag_core::routing::{DeskRoute, Ticket};

/// The outcome of every checkpoint for one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The request file as given on the command line.
    pub request: String,
    pub checkpoints: Vec<CheckpointLine>,
    /// `approved` (every checkpoint passes), `rejected` (one rejects) or `review` (none rejects,
    /// one needs the agent's judgment).
    pub verdict: &'static str,
    /// True when every checkpoint passed.
    pub approved: bool,
    /// Who handles key requests and how a ticket gets there.
    pub routing: DeskRoute,
}

/// One checkpoint's result. `criterion` is the runbook's words (null when it passed), `reason`
/// this tool's, `macro` the title to answer a rejection with (null unless it rejects).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckpointLine {
    pub number: u8,
    pub name: &'static str,
    pub outcome: CheckpointOutcome,
    pub criterion: Option<&'static str>,
    #[serde(rename = "macro")]
    pub macro_title: Option<String>,
    pub reason: Option<String>,
}

impl Report {
    pub fn new(request: impl Into<String>, results: &[CheckResult], macros: &Macros) -> Self {
        let checkpoints: Vec<CheckpointLine> = results
            .iter()
            .map(|r| CheckpointLine {
                number: r.checkpoint.number,
                name: r.checkpoint.name,
                outcome: r.outcome(),
                criterion: r.criterion(),
                macro_title: r.macro_title(macros),
                reason: r.reason(),
            })
            .collect();
        let count = |o: CheckpointOutcome| checkpoints.iter().filter(|c| c.outcome == o).count();
        let verdict = if count(CheckpointOutcome::Reject) > 0 {
            "rejected"
        } else if count(CheckpointOutcome::Review) > 0 {
            "review"
        } else {
            "approved"
        };
        Report {
            request: request.into(),
            approved: verdict == "approved",
            verdict,
            checkpoints,
            routing: DeskRoute::of(Ticket::KeyRequest),
        }
    }

    fn count(&self, outcome: CheckpointOutcome) -> usize {
        self.checkpoints
            .iter()
            .filter(|c| c.outcome == outcome)
            .count()
    }

    /// The exit code: 0 approved, 1 rejected, 5 the agent must judge (as an inconclusive
    /// diagnosis).
    pub fn exit_code(&self) -> u8 {
        match self.verdict {
            "approved" => 0,
            "rejected" => 1,
            _ => 5,
        }
    }

    /// `PASS 1. API Request - Title`, `REJECT ... — criterion "..." — ZD macro title "..."`,
    /// `REVIEW ... — criterion "...": what to look at`, then the verdict and the route.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "key request: {}", self.request);
        for c in &self.checkpoints {
            let head = format!(
                "{} {}. {}",
                c.outcome.as_str().to_uppercase(),
                c.number,
                c.name
            );
            let criterion = c
                .criterion
                .map(|cr| format!(" — criterion \"{cr}\""))
                .unwrap_or_default();
            let reason = c
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let macro_part = c
                .macro_title
                .as_deref()
                .map(|m| format!(" — ZD macro title \"{m}\""))
                .unwrap_or_default();
            let _ = writeln!(out, "{head}{criterion}{reason}{macro_part}");
        }
        let total = self.checkpoints.len();
        let (rejected, review) = (
            self.count(CheckpointOutcome::Reject),
            self.count(CheckpointOutcome::Review),
        );
        let _ = match self.verdict {
            "approved" => writeln!(out, "verdict: approved: all {total} checkpoints pass"),
            "rejected" => writeln!(
                out,
                "verdict: rejected: {rejected} of {total} checkpoints reject{}",
                if review > 0 {
                    format!(", {review} {} your judgment", needs(review))
                } else {
                    String::new()
                }
            ),
            _ => writeln!(
                out,
                "verdict: review: no checkpoint rejects, {review} of {total} {} your judgment \
                 (what to look at is on each REVIEW line)",
                needs(review)
            ),
        };
        if self
            .checkpoints
            .iter()
            .any(|c| c.macro_title.as_deref() == Some(RUNBOOK_MACRO_TITLE))
        {
            let _ = writeln!(
                out,
                "note: the runbook's ZD Macro Title reads \"{RUNBOOK_MACRO_TITLE}\" in every row: \
                 no macro is assigned yet; give the desk's titles with --macros FILE"
            );
        }
        out.push_str(&self.routing.text());
        out
    }

    pub fn json(&self) -> String {
        let mut json = serde_json::to_string_pretty(self).expect("a report always serializes");
        json.push('\n');
        json
    }
}

fn needs(count: usize) -> &'static str {
    if count == 1 { "needs" } else { "need" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkpoints::CHECKPOINTS;
    use crate::rules::Mark;

    fn results(marks: &[(usize, Mark)]) -> Vec<CheckResult> {
        CHECKPOINTS
            .iter()
            .enumerate()
            .map(|(i, checkpoint)| CheckResult {
                checkpoint: *checkpoint,
                marks: marks
                    .iter()
                    .filter(|(n, _)| *n == i + 1)
                    .map(|(_, m)| m.clone())
                    .collect(),
            })
            .collect()
    }

    fn scraping() -> (usize, Mark) {
        (
            2,
            Mark::Reject {
                criterion: 4,
                why: "the description mentions scraping (\"scrape\")".into(),
            },
        )
    }

    #[test]
    fn text_has_a_line_per_checkpoint_a_verdict_and_the_route() {
        let report = Report::new("req.json", &results(&[scraping()]), &Macros::default());
        let text = report.text();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "key request: req.json");
        assert_eq!(lines[1], "PASS 1. API Request - Title");
        assert_eq!(
            lines[2],
            "REJECT 2. API Request - Description — criterion \"Scraping\": the description \
             mentions scraping (\"scrape\") — ZD macro title \"In process\""
        );
        assert_eq!(lines[8], "verdict: rejected: 1 of 7 checkpoints reject");
        assert!(lines[9].starts_with("note: the runbook's ZD Macro Title reads \"In process\""));
        assert_eq!(lines[10], "route: handled by Special Projects");
        assert!(
            text.contains("— macro \"API to Special Projects\""),
            "{text}"
        );
        assert!(text.contains("touch response (this tool's template, not Upwork's words"));
        assert_eq!(report.exit_code(), 1);
    }

    #[test]
    fn the_desks_macro_title_replaces_the_runbooks() {
        let macros = Macros::parse(
            "[[macro]]\ncheckpoint = 2\ncriterion = \"Scraping\"\ntitle = \"Description - Scraping\"\n",
        )
        .unwrap();
        let report = Report::new("req.json", &results(&[scraping()]), &macros);
        assert_eq!(
            report.checkpoints[1].macro_title.as_deref(),
            Some("Description - Scraping")
        );
        assert!(!report.text().contains("In process"));
    }

    #[test]
    fn json_has_the_documented_fields() {
        let review = (
            7,
            Mark::Review {
                criterion: 0,
                why: "earnings are exactly 30,000 USD".into(),
            },
        );
        let report = Report::new("req.toml", &results(&[review]), &Macros::default());
        assert_eq!(report.verdict, "review");
        assert_eq!(report.exit_code(), 5);
        let value: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(value["request"], "req.toml");
        assert_eq!(value["verdict"], "review");
        assert_eq!(value["approved"], false);
        assert_eq!(value["routing"]["handled_by"], "Special Projects");
        let first = &value["checkpoints"][0];
        assert_eq!(first["name"], "API Request - Title");
        assert_eq!(first["outcome"], "pass");
        assert!(first["criterion"].is_null());
        assert!(first["macro"].is_null());
        assert!(first["reason"].is_null());
        let last = &value["checkpoints"][6];
        assert_eq!(last["name"], "OBO - Earnings");
        assert_eq!(last["outcome"], "review");
        assert_eq!(last["criterion"], "<30,000");
        assert!(last["macro"].is_null());
        assert_eq!(last["reason"], "earnings are exactly 30,000 USD");
        assert!(
            report
                .text()
                .contains("verdict: review: no checkpoint rejects, 1 of 7 needs your judgment")
        );
    }
}
