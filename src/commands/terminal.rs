//! How output looks to a person at a terminal: colour (chosen as clap and ripgrep choose it) and
//! the spinner shown while the call is on its way. Neither ever reaches a pipe or a file: colour
//! only when chosen, the spinner only when stderr is a terminal.

use std::time::Duration;

use anstyle::{AnsiColor, Style};

use crate::cli::ColorWhen;
use upwork_diag_core::diagnosis::{Outcome, Severity};

/// The styles of the output: plain, or coloured.
#[derive(Debug, Clone, Copy)]
pub struct Look {
    colored: bool,
}

impl Look {
    /// Plain text, for pipes, files and tests.
    pub const PLAIN: Look = Look { colored: false };

    /// `--color`: `always` and `never` as said; `auto` colours when standard output is a terminal
    /// that takes colour, unless `NO_COLOR` is set, or when `CLICOLOR_FORCE` is (anstream's rules,
    /// the same as clap's own).
    pub fn choose(when: ColorWhen) -> Look {
        let colored = match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => stdout_takes_colour(),
        };
        Look { colored }
    }

    /// The text in this style, or as it is when plain.
    pub fn paint(self, style: Style, text: &str) -> String {
        if self.colored {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }

    /// The style of a finding's label (`error[...]`).
    pub fn severity(severity: Severity) -> Style {
        let color = match severity {
            Severity::Error => AnsiColor::Red,
            Severity::Warning => AnsiColor::Yellow,
            Severity::Info => AnsiColor::Cyan,
        };
        Style::new().fg_color(Some(color.into())).bold()
    }

    /// The style of the verdict: green for a success, red for a failure to escalate or no answer.
    pub fn outcome(outcome: Outcome) -> Style {
        let color = match outcome {
            Outcome::Ok => AnsiColor::Green,
            Outcome::Explained => AnsiColor::Yellow,
            Outcome::Unexplained | Outcome::NoResponse => AnsiColor::Red,
            Outcome::Inconclusive => AnsiColor::Magenta,
        };
        Style::new().fg_color(Some(color.into())).bold()
    }

    /// Bold, for codes and headings.
    pub fn strong() -> Style {
        Style::new().bold()
    }
}

/// Whether standard output is a terminal that should get colour. Reads the stream's kind only;
/// nothing is written here (writing stays in `redact::boundary`).
#[allow(clippy::disallowed_methods)]
fn stdout_takes_colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// A spinner with the elapsed time on stderr while the call is on its way, so that a slow answer
/// (a 30 s timeout) does not look like a hang. Drawn only when stderr is a terminal (indicatif
/// hides it otherwise); cleared when dropped. Its text is the request line, scrubbed by the
/// redaction boundary before indicatif sees it.
pub struct Waiting {
    bar: indicatif::ProgressBar,
}

impl Waiting {
    pub fn start(request_line: &str) -> Waiting {
        let bar =
            indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
        let style = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .expect("the template is valid");
        bar.set_style(style);
        bar.set_message(upwork_diag_core::redact::boundary::scrub(request_line));
        bar.enable_steady_tick(Duration::from_millis(100));
        Waiting { bar }
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
