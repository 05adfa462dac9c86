//! The seven checkpoints of the Special Projects review, in the runbook's order and in its words
//! (/work/shared/reference, the routing article's table: "Tool Checkpoint", the criteria to
//! reject, "ZD Macro Title"). Each checkpoint ends `pass`, `reject` under one of its criteria, or
//! `review` when the rules do not decide and the agent must judge.

use serde::Serialize;

use super::macros::Macros;
use super::request::KeyRequest;
use super::rules::{self, Mark};

/// One checkpoint as the runbook's table gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Checkpoint {
    pub number: u8,
    /// The "Tool Checkpoint" cell, verbatim.
    pub name: &'static str,
    /// The "Criteria to reject" cell's numbered items, verbatim, in order.
    pub criteria: &'static [&'static str],
}

/// The "ZD Macro Title" cell of every row of the runbook's table: no macro is assigned yet.
pub const RUNBOOK_MACRO_TITLE: &str = "In process";

/// Every checkpoint, in the runbook's order and words (its typographic quotes kept).
pub const CHECKPOINTS: [Checkpoint; 7] = [
    Checkpoint {
        number: 1,
        name: "API Request - Title",
        criteria: &[
            "Use \u{201c}Upwork\u{201d} in the title",
            "No Title",
            "Unclear / Confusion",
        ],
    },
    Checkpoint {
        number: 2,
        name: "API Request - Description",
        criteria: &[
            "Unclear",
            "Commercial",
            "Research",
            "Testing",
            "Scraping",
            "Unclear APP name / description",
        ],
    },
    Checkpoint {
        number: 3,
        name: "OBO - Username",
        criteria: &[
            "Without valid username (no company names (company name PNV) or fake names are allowed)",
        ],
    },
    Checkpoint {
        number: 4,
        name: "OBO - Address",
        criteria: &[
            "Without address in personal profile or company\u{2019}s address must be provided",
            "Users omit apartment, or specify only street - those are not valid cases",
        ],
    },
    Checkpoint {
        number: 5,
        name: "OBO - Profile Portrait",
        criteria: &["Without valid Portrait"],
    },
    Checkpoint {
        number: 6,
        name: "OBO - Suspension",
        criteria: &["Suspended"],
    },
    Checkpoint {
        number: 7,
        name: "OBO - Earnings",
        criteria: &["<30,000"],
    },
];

/// How a checkpoint ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckpointOutcome {
    Pass,
    /// A criterion of the runbook is met.
    Reject,
    /// The rules do not decide; the agent must judge.
    Review,
}

impl CheckpointOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckpointOutcome::Pass => "pass",
            CheckpointOutcome::Reject => "reject",
            CheckpointOutcome::Review => "review",
        }
    }
}

/// What one checkpoint found.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckResult {
    pub checkpoint: Checkpoint,
    pub marks: Vec<Mark>,
}

impl CheckResult {
    /// Reject when any mark rejects, review when one asks for judgment, else pass.
    pub fn outcome(&self) -> CheckpointOutcome {
        if self.marks.iter().any(Mark::is_reject) {
            CheckpointOutcome::Reject
        } else if self.marks.is_empty() {
            CheckpointOutcome::Pass
        } else {
            CheckpointOutcome::Review
        }
    }

    pub fn passed(&self) -> bool {
        self.outcome() == CheckpointOutcome::Pass
    }

    /// The mark that decides the outcome: the first rejection, else the first judgment.
    fn deciding(&self) -> Option<&Mark> {
        self.marks
            .iter()
            .find(|m| m.is_reject())
            .or_else(|| self.marks.first())
    }

    /// The runbook's criterion the outcome is about, verbatim; `None` when the checkpoint passed.
    pub fn criterion(&self) -> Option<&'static str> {
        self.deciding()
            .and_then(|m| self.checkpoint.criteria.get(m.criterion()).copied())
    }

    /// This tool's explanation: every rejection, each with its criterion when it is not the
    /// deciding one, then what else the agent should look at. `None` when the checkpoint passed.
    pub fn reason(&self) -> Option<String> {
        let deciding = self.deciding()?;
        let criterion_of = |mark: &Mark| self.checkpoint.criteria.get(mark.criterion()).copied();
        let mut parts = vec![deciding.why().to_string()];
        for mark in self.marks.iter().filter(|m| *m != deciding) {
            let part = match (mark.is_reject(), deciding.is_reject()) {
                (true, _) if mark.criterion() != deciding.criterion() => format!(
                    "{} (criterion \"{}\")",
                    mark.why(),
                    criterion_of(mark).unwrap_or_default()
                ),
                (false, true) => format!("also to review: {}", mark.why()),
                _ => mark.why().to_string(),
            };
            parts.push(part);
        }
        Some(parts.join("; "))
    }

    /// The macro that answers a rejection: the desk's title for this criterion when `macros`
    /// gives one, else the runbook's ("In process"). `None` unless the checkpoint rejects: a
    /// passed checkpoint needs no macro and a judgment is the agent's to answer.
    pub fn macro_title(&self, macros: &Macros) -> Option<String> {
        if self.outcome() != CheckpointOutcome::Reject {
            return None;
        }
        let criterion = self.deciding()?.criterion();
        Some(
            macros
                .title(self.checkpoint.number, criterion)
                .unwrap_or(RUNBOOK_MACRO_TITLE)
                .to_string(),
        )
    }
}

/// Runs every checkpoint on the request, in order.
pub fn check(request: &KeyRequest) -> Vec<CheckResult> {
    let marks = [
        rules::title(request.app_title.as_deref()),
        rules::description(request.description.as_deref(), request.intended_use),
        rules::username(request.username.as_deref()),
        rules::address(
            request.profile_address.as_ref(),
            request.company_address.as_ref(),
        ),
        rules::portrait(request.portrait),
        rules::suspension(request.suspended),
        rules::earnings(request.earnings),
    ];
    CHECKPOINTS
        .iter()
        .zip(marks)
        .map(|(checkpoint, marks)| CheckResult {
            checkpoint: *checkpoint,
            marks,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::Address;

    /// The runbook as stored in the repository's reference folder, when it is there: every name
    /// and criterion above must occur in it word for word.
    fn runbook() -> Option<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/000_2222ee4e98255686.txt");
        std::fs::read_to_string(path).ok()
    }

    #[test]
    fn names_and_criteria_are_the_runbooks_words() {
        let Some(runbook) = runbook() else {
            upwork_diag_core::redact::boundary::print_stderr(
                "note: names_and_criteria_are_the_runbooks_words: ../shared/reference is absent, not compared\n",
            );
            return;
        };
        for checkpoint in CHECKPOINTS {
            // The captured page has a no-break space after each row's number.
            let row = format!("{}.\u{a0}{}", checkpoint.number, checkpoint.name);
            assert!(runbook.contains(&row), "{row}");
            for (i, criterion) in checkpoint.criteria.iter().enumerate() {
                let item = format!("{}. {criterion}", i + 1);
                assert!(runbook.contains(&item), "{item}");
            }
        }
        assert!(runbook.contains(RUNBOOK_MACRO_TITLE));
    }

    fn approved() -> KeyRequest {
        KeyRequest {
            app_title: Some("Timesheet to Payroll Bridge".into()),
            description: Some(
                "We will read our team's contracts and time reports to build weekly invoices \
                 for our own accounting; internal use only."
                    .into(),
            ),
            intended_use: None,
            username: Some("janedoe".into()),
            profile_address: Some(Address {
                street: Some("12 Baker Street".into()),
                building_type: Some("house".into()),
                city: Some("London".into()),
                postal_code: Some("NW1 6XE".into()),
                country: Some("United Kingdom".into()),
                ..Address::default()
            }),
            company_address: None,
            portrait: true,
            suspended: false,
            earnings: 45_000.0,
        }
    }

    #[test]
    fn a_rejection_names_the_criterion_and_the_runbooks_macro() {
        let request = KeyRequest {
            app_title: Some("Upwork Helper".into()),
            ..approved()
        };
        let results = check(&request);
        let numbers: Vec<u8> = results.iter().map(|r| r.checkpoint.number).collect();
        assert_eq!(numbers, [1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(results[0].outcome(), CheckpointOutcome::Reject);
        assert_eq!(
            results[0].criterion(),
            Some("Use \u{201c}Upwork\u{201d} in the title")
        );
        assert_eq!(
            results[0].macro_title(&Macros::default()).as_deref(),
            Some("In process")
        );
        assert!(results[1..].iter().all(CheckResult::passed));
        assert_eq!(results[1].reason(), None);
        assert_eq!(results[1].macro_title(&Macros::default()), None);
    }

    #[test]
    fn a_review_has_a_criterion_and_a_reason_but_no_macro() {
        let request = KeyRequest {
            earnings: 30_000.0,
            ..approved()
        };
        let result = &check(&request)[6];
        assert_eq!(result.outcome(), CheckpointOutcome::Review);
        assert_eq!(result.criterion(), Some("<30,000"));
        assert!(result.reason().unwrap().contains("exactly 30,000 USD"));
        assert_eq!(result.macro_title(&Macros::default()), None);
    }

    #[test]
    fn several_rejections_name_each_criterion() {
        let request = KeyRequest {
            description: Some(
                "Internal tool that reads jobs and contracts to scrape them for my thesis.".into(),
            ),
            ..approved()
        };
        let result = &check(&request)[1];
        assert_eq!(result.outcome(), CheckpointOutcome::Reject);
        assert_eq!(result.criterion(), Some("Research"));
        assert_eq!(
            result.reason().unwrap(),
            "the description mentions research (\"thesis\"); the description mentions \
             scraping (\"scrape\") (criterion \"Scraping\")"
        );
    }
}
