//! Where an API ticket goes at Upwork support, step by step as the routing article says
//! (/work/shared/reference, "General Support" and "Special Projects"): every team other than
//! Special Projects sends a public touch response, then applies the macro "API to Special
//! Projects"; Special Projects, when its tools cannot solve an API issue, sends a public touch
//! response, then escalates with the macro "API to Tech Support".
//!
//! The runbook gives no words for the touch responses: the templates here are this tool's, and
//! every output says so.

use std::fmt::Write;

use serde::Serialize;

use crate::diagnosis::Outcome;

/// The queue for API key requests and API questions.
pub const SPECIAL_PROJECTS: &str = "Special Projects";
/// The queue an API issue is escalated to.
pub const TECH_SUPPORT: &str = "Tech Support";
/// The macro that moves a ticket to Special Projects.
pub const MACRO_TO_SPECIAL_PROJECTS: &str = "API to Special Projects";
/// The macro that escalates an API issue to Tech Support.
pub const MACRO_TO_TECH_SUPPORT: &str = "API to Tech Support";

/// The runbook's words for General Support, verbatim.
pub const RUNBOOK_GENERAL_SUPPORT: &str = "API key requests or questions about APIs should always be routed to the Special Projects queue. Any team other than Special Projects, when you receive these requests, send a public touch response first, then please apply the macro API to Special Projects. No further action is needed.";
/// The runbook's words for an API issue Special Projects cannot solve, verbatim.
pub const RUNBOOK_ESCALATION: &str = "If you are unable to solve the API issue after using the tools, please send a public touch response first, then escalate using the API to Tech Support macro.";

/// Where the touch response templates come from, said wherever one is shown.
pub const TEMPLATE_NOTE: &str =
    "this tool's template, not Upwork's words: the runbook gives none; edit it as you see fit";

const TOUCH_KEY_REQUEST: &str = "Hello, and thank you for your API key request. I have passed it to the team that reviews API key requests; they will reply to you on this ticket.";
const TOUCH_API_QUESTION: &str = "Hello, and thank you for contacting us about the Upwork API. I have passed your ticket to the team that handles API questions; they will reply to you on this ticket.";
const TOUCH_TECH_SUPPORT: &str = "Hello, and thank you for the details of your API call. We could not solve the problem with our tools, so I have passed your ticket, with a diagnostic report, to our technical team; they will reply to you on this ticket.";

/// What kind of API ticket it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ticket {
    /// A request for an API key (keycheck).
    KeyRequest,
    /// A failing call, with the diagnosis' outcome.
    ApiIssue(Outcome),
}

/// One step of the routing: who does it, the touch response to send first (when the runbook asks
/// for one), then what to do and the macro to apply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The team that takes this step.
    pub team: &'static str,
    /// The public touch response to send first; `None` when the step sends none.
    pub touch_response: Option<&'static str>,
    /// What the team does (after the touch response).
    pub action: String,
    /// The macro to apply, when the step applies one.
    #[serde(rename = "macro")]
    pub macro_title: Option<&'static str>,
}

/// The whole route of one ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskRoute {
    /// The queue that handles the ticket in the end.
    pub handled_by: &'static str,
    /// In order: what a team other than Special Projects does, then what Special Projects does.
    pub steps: Vec<Step>,
    /// Where the touch responses come from.
    pub touch_response_source: &'static str,
    /// The runbook's sentences the steps follow, verbatim.
    pub runbook: Vec<&'static str>,
}

impl DeskRoute {
    /// The route of a ticket.
    pub fn of(ticket: Ticket) -> DeskRoute {
        let first = Step {
            team: "any team other than Special Projects",
            touch_response: Some(match ticket {
                Ticket::KeyRequest => TOUCH_KEY_REQUEST,
                Ticket::ApiIssue(_) => TOUCH_API_QUESTION,
            }),
            action: "send the public touch response first, then apply the macro; no further \
                     action is needed"
                .to_string(),
            macro_title: Some(MACRO_TO_SPECIAL_PROJECTS),
        };
        let in_special_projects = |action: &str| Step {
            team: SPECIAL_PROJECTS,
            touch_response: None,
            action: action.to_string(),
            macro_title: None,
        };
        let mut runbook = vec![RUNBOOK_GENERAL_SUPPORT];
        let (handled_by, second) = match ticket {
            Ticket::KeyRequest => (
                SPECIAL_PROJECTS,
                in_special_projects(
                    "review the request against the seven checkpoints (keycheck's lines)",
                ),
            ),
            Ticket::ApiIssue(Outcome::Unexplained) => {
                runbook.push(RUNBOOK_ESCALATION);
                (
                    TECH_SUPPORT,
                    Step {
                        team: SPECIAL_PROJECTS,
                        touch_response: Some(TOUCH_TECH_SUPPORT),
                        action: "nothing this tool checks explains the failure: send the public \
                                 touch response first, then escalate with the macro, attaching \
                                 the support bundle"
                            .to_string(),
                        macro_title: Some(MACRO_TO_TECH_SUPPORT),
                    },
                )
            }
            Ticket::ApiIssue(Outcome::Explained) => (
                SPECIAL_PROJECTS,
                in_special_projects(
                    "answer with the findings' fix; the issue is solved with the tools, nothing \
                     is escalated",
                ),
            ),
            Ticket::ApiIssue(Outcome::Ok) => (
                SPECIAL_PROJECTS,
                in_special_projects(
                    "nothing wrong was found in the call (it succeeded, or its check found no fault): ask the developer what still fails; nothing is escalated",
                ),
            ),
            Ticket::ApiIssue(Outcome::NoResponse) => (
                SPECIAL_PROJECTS,
                in_special_projects(
                    "no response came back: the developer checks the network, proxy, DNS and \
                     TLS on their side; nothing is escalated",
                ),
            ),
            Ticket::ApiIssue(Outcome::Inconclusive) => (
                SPECIAL_PROJECTS,
                in_special_projects(
                    "ask the developer for what the findings name, then run the tool again; \
                     nothing is escalated yet",
                ),
            ),
        };
        DeskRoute {
            handled_by,
            steps: vec![first, second],
            touch_response_source: TEMPLATE_NOTE,
            runbook,
        }
    }

    /// The route as text lines for a terminal, each step's touch response indented to paste.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "route: handled by {}", self.handled_by);
        for (i, step) in self.steps.iter().enumerate() {
            let macro_part = step
                .macro_title
                .map(|m| format!(" — macro \"{m}\""))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  {}. {}: {}{macro_part}",
                i + 1,
                step.team,
                step.action
            );
            if let Some(touch) = step.touch_response {
                let _ = writeln!(out, "     touch response ({}):", self.touch_response_source);
                let _ = writeln!(out, "       {touch}");
            }
        }
        for quote in &self.runbook {
            let _ = writeln!(out, "  runbook: \"{quote}\"");
        }
        out
    }

    /// The route as a Markdown section body.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "Handled by: **{}**\n", self.handled_by);
        for (i, step) in self.steps.iter().enumerate() {
            let macro_part = step
                .macro_title
                .map(|m| format!(" Macro: `{m}`."))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "{}. **{}**: {}.{macro_part}",
                i + 1,
                step.team,
                step.action
            );
            if let Some(touch) = step.touch_response {
                let _ = writeln!(
                    out,
                    "\n   Public touch response to send first ({}):\n\n   > {touch}\n",
                    self.touch_response_source
                );
            }
        }
        let _ = writeln!(out);
        for quote in &self.runbook {
            let _ = writeln!(out, "> Runbook: \"{quote}\"\n");
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runbooks_sentences_are_quoted_word_for_word() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/reference/000_2222ee4e98255686.txt");
        let Ok(runbook) = std::fs::read_to_string(path) else {
            crate::redact::boundary::print_stderr(
                "note: the_runbooks_sentences_are_quoted_word_for_word: ../shared/reference is absent, not compared\n",
            );
            return;
        };
        for sentence in [RUNBOOK_GENERAL_SUPPORT, RUNBOOK_ESCALATION] {
            assert!(runbook.contains(sentence), "{sentence}");
        }
    }

    #[test]
    fn an_unexplained_issue_goes_to_special_projects_then_tech_support() {
        let route = DeskRoute::of(Ticket::ApiIssue(Outcome::Unexplained));
        assert_eq!(route.handled_by, "Tech Support");
        let macros: Vec<_> = route.steps.iter().map(|s| s.macro_title).collect();
        assert_eq!(
            macros,
            [Some("API to Special Projects"), Some("API to Tech Support")]
        );
        assert!(route.steps.iter().all(|s| s.touch_response.is_some()));
        assert_eq!(route.runbook.len(), 2);
    }

    #[test]
    fn nothing_else_is_escalated() {
        for ticket in [
            Ticket::KeyRequest,
            Ticket::ApiIssue(Outcome::Ok),
            Ticket::ApiIssue(Outcome::Explained),
            Ticket::ApiIssue(Outcome::NoResponse),
            Ticket::ApiIssue(Outcome::Inconclusive),
        ] {
            let route = DeskRoute::of(ticket);
            assert_eq!(route.handled_by, "Special Projects", "{ticket:?}");
            assert_eq!(route.steps[0].macro_title, Some("API to Special Projects"));
            assert_eq!(route.steps[1].macro_title, None, "{ticket:?}");
            assert!(!route.text().contains("API to Tech Support"), "{ticket:?}");
        }
    }
}
