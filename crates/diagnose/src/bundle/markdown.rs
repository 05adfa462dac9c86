//! `report.md`: the bundle as a ticket, ready to paste. Upwork support's checklist comes first, in its
//! order, then the diagnosis.

use std::fmt::Write;

use super::schema::{BodyRecord, Bundle, ResponseRecord};
use upwork_diag_core::request::Header;

pub fn render(bundle: &Bundle) -> String {
    let mut md = String::new();
    verdict(&mut md, bundle);
    checklist(&mut md, bundle);
    findings(&mut md, bundle);
    corrected(&mut md, bundle);
    routing_and_redactions(&mut md, bundle);
    md
}

/// The title, the verdict and the escalation, if any.
fn verdict(md: &mut String, bundle: &Bundle) {
    let _ = writeln!(md, "# Upwork API call report\n");
    if let Some(note) = bundle.public_note {
        let _ = writeln!(md, "> **{note}**\n");
    }
    let _ = writeln!(
        md,
        "**Verdict: {}** {}\n",
        outcome_label(bundle),
        bundle.verdict.summary
    );
    if let Some(escalation) = &bundle.verdict.escalation {
        let _ = writeln!(
            md,
            "> Escalation: **{}** queue, macro **\"{}\"**. {}\n",
            escalation.queue, escalation.r#macro, escalation.reason
        );
    }
}

/// The nine items Upwork support asks for, in its order, and the request body.
fn checklist(md: &mut String, bundle: &Bundle) {
    let r = &bundle.request;
    let _ = writeln!(md, "## Support checklist\n");
    let _ = writeln!(md, "1. **Time of the request:** {}", r.time);
    let method = if r.effective_method != r.method.to_ascii_uppercase() {
        format!(
            "`{}` (sent as `{}` with `http_method`)",
            r.effective_method, r.method
        )
    } else {
        format!("`{}`", r.method)
    };
    let _ = writeln!(md, "2. **Method:** {method}");
    let _ = writeln!(
        md,
        "3. **Full URL:** `{}` (as the developer called it)",
        r.url
    );
    let _ = writeln!(
        md,
        "   - **Sent to:** {}",
        super::destination_text(&bundle.replay)
    );
    if let Some(sent_to) = &bundle.replay.sent_to {
        let _ = writeln!(md, "   - **URL sent:** `{sent_to}`");
    }
    let headers_label = if bundle.replay.sent {
        "4. **Headers sent** (every line on the wire, in order, Host included):"
    } else {
        "4. **Headers** (not sent: offline; as they would go on the wire, Host included):"
    };
    let _ = writeln!(
        md,
        "{headers_label}\n{}",
        indented_block(&headers_text(&bundle.replay.headers_on_wire))
    );
    let username = match (&bundle.username.value, bundle.username.origin) {
        (Some(u), origin) => format!("{u} (from {origin})"),
        (None, _) => "not given (add `--username`)".to_string(),
    };
    let _ = writeln!(md, "5. **Username:** {username}");
    let env = &bundle.environment;
    let _ = writeln!(
        md,
        "6. **Environment:** OS {}; library {}; language {}",
        known(&env.os.value),
        known(&env.library.value),
        known(&env.language.value)
    );
    let _ = writeln!(md, "7. **Platform:** {}", known(&bundle.platform));
    match &bundle.response {
        Some(response) => {
            let from = match bundle.replay.destination {
                "emulator" => " from the upwork-diag emulator, not Upwork",
                "base-url" => " from the --base-url server, not Upwork",
                "not-sent" => " as the capture recorded them (nothing was sent)",
                _ => "",
            };
            let _ = writeln!(
                md,
                "8. **Response status and headers{from}:** `{} {} {}`\n{}",
                response.version,
                response.status,
                response.reason,
                indented_block(&headers_text(&response.headers))
            );
            let _ = writeln!(
                md,
                "9. **Response body:**\n{}",
                indented_block(&body_text(&response.body))
            );
        }
        None => {
            let why = match &bundle.transport_error {
                // The kind as in bundle.json, so the report and the JSON can be matched.
                Some(e) => format!(
                    "no response ({}): {}",
                    serde_json::to_value(e.kind)
                        .ok()
                        .and_then(|k| k.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    e.message
                ),
                None => "not sent (offline check)".to_string(),
            };
            let _ = writeln!(md, "8. **Response status and headers:** {why}");
            let _ = writeln!(md, "9. **Response body:** none");
        }
    }
    let body = body_text(&r.body);
    if r.body.size > 0 {
        let _ = writeln!(
            md,
            "\nRequest body ({} bytes):\n\n{}",
            r.body.size,
            fenced(&body)
        );
    }
}

/// Each finding with its evidence, fix and the source of its rule.
fn findings(md: &mut String, bundle: &Bundle) {
    let _ = writeln!(md, "\n## Findings\n");
    if bundle.findings.is_empty() {
        let _ = writeln!(md, "None.");
    }
    for finding in &bundle.findings {
        let _ = writeln!(md, "### `{}`: {}\n", finding.code, finding.title);
        let _ = writeln!(
            md,
            "Severity: {}. Evidence: {}.\n",
            severity_name(finding.severity),
            evidence_text(finding.evidence_level)
        );
        if !finding.detail.is_empty() {
            let _ = writeln!(md, "{}\n", finding.detail);
        }
        if !finding.fix.is_empty() {
            let _ = writeln!(md, "**Fix:** {}\n", finding.fix);
        }
        if let Some(source) = finding.source {
            let _ = writeln!(md, "**Source of the rule:** {source}\n");
        }
        let _ = writeln!(md, "More: `upwork-diag explain {}`\n", finding.code);
    }
}

/// The corrected request: what was changed and what its answer means.
fn corrected(md: &mut String, bundle: &Bundle) {
    if let Some(corrected) = &bundle.corrected {
        let _ = writeln!(md, "## Corrected request\n");
        for change in &corrected.changes {
            let _ = writeln!(md, "- {change}");
        }
        let outcome = match (&corrected.response, &corrected.transport_error) {
            (Some(resp), _) => status_line(resp),
            (None, Some(e)) => format!("no response: {}", e.message),
            (None, None) => "not sent".to_string(),
        };
        let _ = writeln!(
            md,
            "\nSent `{} {}`: {outcome}; {}.\n",
            corrected.method, corrected.url, corrected.meaning
        );
    }
}

/// Who handles it, what was redacted, and what made the report.
fn routing_and_redactions(md: &mut String, bundle: &Bundle) {
    let _ = writeln!(
        md,
        "## Routing\n\n{}\n\n{}",
        bundle.routing.note,
        bundle.routing.desk.markdown()
    );
    let _ = writeln!(md, "## Redactions\n");
    if bundle.redactions.is_empty() {
        let _ = writeln!(md, "No secret was found in the request or response.");
    }
    for redaction in &bundle.redactions {
        let _ = writeln!(
            md,
            "- {} in {} ({})",
            redaction.what, redaction.location, redaction.fingerprint
        );
    }
    let _ = writeln!(
        md,
        "\n---\n{} {}, bundle schema `{}`, made {}.",
        bundle.tool.name, bundle.tool.version, bundle.schema, bundle.created
    );
}

fn outcome_label(bundle: &Bundle) -> &'static str {
    match bundle.verdict.outcome {
        upwork_diag_core::diagnosis::Outcome::Ok => "succeeded",
        upwork_diag_core::diagnosis::Outcome::Explained => "failed, explained",
        upwork_diag_core::diagnosis::Outcome::Unexplained => "failed, unexplained: escalate",
        upwork_diag_core::diagnosis::Outcome::NoResponse => "no response",
        upwork_diag_core::diagnosis::Outcome::Inconclusive => {
            "failed, inconclusive: something is missing"
        }
    }
}

fn severity_name(severity: upwork_diag_core::diagnosis::Severity) -> &'static str {
    match severity {
        upwork_diag_core::diagnosis::Severity::Error => "error",
        upwork_diag_core::diagnosis::Severity::Warning => "warning",
        upwork_diag_core::diagnosis::Severity::Info => "info",
    }
}

/// The evidence level with what it means, for a reader who has not seen the levels before.
fn evidence_text(level: upwork_diag_core::diagnosis::EvidenceLevel) -> String {
    use upwork_diag_core::diagnosis::EvidenceLevel;
    let meaning = match level {
        EvidenceLevel::Confirmed => "the minimal fix alone turned the failure into a success",
        EvidenceLevel::Reproduced => {
            "this call's own evidence: the mistake reproduces the signature, or Upwork's answer names it"
        }
        EvidenceLevel::Documented => {
            "Upwork's documentation or a public report says such a call is refused"
        }
        EvidenceLevel::Risk => "a pattern that can break, with no evidence that Upwork refuses it",
        EvidenceLevel::Inconclusive => {
            "the tool lacks what it needs to decide; the fix says what to give"
        }
    };
    format!("{} ({meaning})", level.name())
}

fn known(value: &Option<String>) -> String {
    value.clone().unwrap_or_else(|| "unknown".to_string())
}

fn status_line(response: &ResponseRecord) -> String {
    upwork_diag_core::request::status_line(response.status, &response.reason)
}

fn headers_text(headers: &[Header]) -> String {
    headers
        .iter()
        .map(|h| format!("{}: {}", h.name, h.value))
        .collect::<Vec<_>>()
        .join("\n")
}

fn body_text(body: &BodyRecord) -> String {
    let mut text = match (&body.text, &body.base64) {
        (Some(t), _) => t.clone(),
        (None, Some(b)) => format!("(binary, base64) {b}"),
        (None, None) => String::new(),
    };
    if body.truncated {
        text.push_str(&format!(
            "\n... (cut; {} bytes in all, sha256 {})",
            body.size, body.sha256
        ));
    }
    text
}

/// A fenced block inside a list item; a fence longer than any backtick run inside keeps it closed.
fn indented_block(text: &str) -> String {
    fenced(text)
        .lines()
        .map(|l| format!("   {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn fenced(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run.max(2) + 1);
    format!(
        "{fence}\n{}\n{fence}",
        if text.is_empty() { "(empty)" } else { text }
    )
}
