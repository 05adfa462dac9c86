//! The text printed after a diagnosis: what was sent, what came back, each finding with its fix,
//! the corrected replay, the verdict and where the bundle went. Rendered from the redacted bundle,
//! so it holds no secret either.

use std::fmt::Write;

use super::terminal::Look;
use upwork_diag_core::diagnosis::{Outcome, Severity};
use upwork_diag_core::request::status_line;
use upwork_diag_diagnose::bundle::{Bundle, BundleFiles};

pub fn render(bundle: &Bundle, written: Option<&BundleFiles>, look: Look) -> String {
    render_with(bundle, Output::Bundle(written), look)
}

/// One step of `flow`: as a diagnosis prints, but a step that succeeded gets no support routing
/// (four of them would bury the exchanges), and a flow writes no bundle to attach.
pub fn render_flow_step(bundle: &Bundle, look: Look) -> String {
    render_with(bundle, Output::FlowStep, look)
}

/// Where the printed diagnosis belongs.
#[derive(Clone, Copy)]
enum Output<'a> {
    /// `diagnose`: with the bundle written, if any.
    Bundle(Option<&'a BundleFiles>),
    /// A step of `flow`.
    FlowStep,
}

fn render_with(bundle: &Bundle, output: Output<'_>, look: Look) -> String {
    let written = match output {
        Output::Bundle(written) => written,
        Output::FlowStep => None,
    };
    let mut out = String::new();
    let r = &bundle.request;
    let _ = writeln!(out, "{} {}", r.method, r.url);
    for note in &r.notes {
        let _ = writeln!(out, "  note: {note}");
    }
    match (
        &bundle.response,
        &bundle.transport_error,
        &bundle.replay.sent_to,
    ) {
        (Some(resp), _, sent_to) => {
            let to = match (bundle.replay.destination, sent_to) {
                ("emulator", _) => format!(
                    " (from the upwork-diag emulator at {}, not Upwork)",
                    bundle.replay.sent_origin.as_deref().unwrap_or_default()
                ),
                (_, Some(u)) => format!(" (sent to {}, not {})", origin(u), origin(&r.url)),
                _ => String::new(),
            };
            // A call to a local emulator takes well under a millisecond: "0 ms" would read as
            // "not measured".
            let elapsed = match resp.elapsed_ms {
                0 => "under 1 ms".to_string(),
                ms => format!("{ms} ms"),
            };
            let status = status_line(resp.status, &resp.reason);
            let _ = writeln!(out, "  answer: {status}{to}, {elapsed}");
        }
        (None, Some(error), _) => {
            let _ = writeln!(out, "  no answer: {}", error.message);
        }
        (None, None, _) => {
            let _ = writeln!(out, "  not sent (offline)");
        }
    }
    for finding in &bundle.findings {
        let label = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let label = look.paint(
            Look::severity(finding.severity),
            &format!("{label}[{}]", finding.code),
        );
        let _ = writeln!(
            out,
            "\n{label} ({}): {}",
            finding.evidence_level.name(),
            finding.title
        );
        if !finding.detail.is_empty() {
            let _ = writeln!(out, "  {}", finding.detail);
        }
        if !finding.fix.is_empty() {
            let _ = writeln!(out, "  fix: {}", finding.fix);
        }
        if let Some(source) = finding.source {
            let _ = writeln!(out, "  source: {source}");
        }
    }
    if let Some(c) = &bundle.corrected {
        let answer = match (&c.response, &c.transport_error) {
            (Some(resp), _) => status_line(resp.status, &resp.reason),
            (None, Some(e)) => format!("no answer ({})", e.message),
            (None, None) => "not sent".into(),
        };
        let _ = writeln!(
            out,
            "\ncorrected request ({}): {answer}: {}",
            c.changes.join("; "),
            c.meaning
        );
    }
    if let Some(ask) = ask_for_environment(bundle) {
        let _ = writeln!(out, "\n{ask}");
    }
    let _ = write!(out, "\n{}", verdict_line(bundle, look));
    if let Some(escalation) = &bundle.verdict.escalation {
        // With --no-bundle there is nothing to attach: say how to get it rather than pretend.
        let attach = match output {
            Output::Bundle(Some(_)) => "with the bundle attached",
            Output::Bundle(None) => {
                "with a bundle attached (none written: run again without --no-bundle)"
            }
            Output::FlowStep => {
                "with a bundle of the failing call attached (`upwork-diag diagnose` writes one)"
            }
        };
        let _ = writeln!(
            out,
            "escalate: {} queue, macro \"{}\", {attach}",
            escalation.queue, escalation.r#macro
        );
    }
    let quiet_step = matches!(output, Output::FlowStep) && bundle.verdict.outcome == Outcome::Ok;
    if !quiet_step {
        out.push_str(&bundle.routing.desk.text());
    }
    if let Some(files) = written {
        let _ = writeln!(
            out,
            "bundle: {} ({})",
            files.path.display(),
            files.files.join(", ")
        );
    }
    out
}

/// The verdict in one line (all that `-q` prints).
pub fn verdict_line(bundle: &Bundle, look: Look) -> String {
    let outcome = bundle.verdict.outcome;
    let verdict = match outcome {
        Outcome::Ok => "ok",
        Outcome::Explained => "failed, explained",
        Outcome::Unexplained => "failed, unexplained",
        Outcome::NoResponse => "no response",
        Outcome::Inconclusive => "failed, inconclusive",
    };
    let verdict = look.paint(Look::outcome(outcome), &format!("verdict: {verdict}"));
    format!("{verdict}: {}\n", bundle.verdict.summary)
}

/// The line that asks for what the User-Agent did not tell: support needs the library and the
/// language that made the call, and only the developer knows them then.
fn ask_for_environment(bundle: &Bundle) -> Option<String> {
    let env = &bundle.environment;
    let missing = env.missing_flags();
    if missing.is_empty() {
        return None;
    }
    let what = match missing.as_slice() {
        [_, _] => "library and language",
        ["--library"] => "library",
        _ => "language",
    };
    let unknown = if missing.contains(&"--library") {
        &env.library
    } else {
        &env.language
    };
    let why = unknown
        .value
        .as_deref()
        .and_then(|v| v.strip_prefix("unknown "))
        .unwrap_or("");
    let examples: Vec<&str> = missing
        .iter()
        .map(|flag| match *flag {
            "--library" => "--library 'requests-oauthlib 2.0.0'",
            _ => "--language 'Python 3.12'",
        })
        .collect();
    Some(format!(
        "environment: {what} unknown {why}: give {} (e.g. {}) so that support knows what made the call",
        missing.join(" and "),
        examples.join(" ")
    ))
}

fn origin(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?'])
        .map_or(url.len(), |i| after_scheme + i);
    &url[..end]
}
