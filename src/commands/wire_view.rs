//! The exchange as curl shows it: `-v` writes the bytes sent (`> `) and received (`< `), `-i` the
//! answer's head and body. Rendered from the redacted bundle, so every secret is already hidden.

use std::fmt::Write;

use upwork_diag_core::request::RawUrl;
use upwork_diag_diagnose::bundle::Bundle;
use upwork_diag_diagnose::bundle::schema::{BodyRecord, ResponseRecord};

/// `-v`: the request as it went on the wire and the answer, each line marked by its direction;
/// then the corrected request, if one was sent.
pub fn verbose(bundle: &Bundle) -> String {
    let mut out = String::new();
    let request = &bundle.request;
    if bundle.replay.sent {
        if let Some(to) = &bundle.replay.sent_to {
            let _ = writeln!(out, "* sent to {to}");
        }
        let target =
            RawUrl::parse(&request.url).map_or_else(|_| request.url.clone(), |u| u.target());
        let _ = writeln!(out, "> {} {target} HTTP/1.1", request.method);
        for header in &bundle.replay.headers_on_wire {
            let _ = writeln!(out, "> {}: {}", header.name, header.value);
        }
        let _ = writeln!(out, ">");
        body_lines(&mut out, "> ", &request.body);
    }
    match (&bundle.response, &bundle.transport_error) {
        (Some(response), _) => response_lines(&mut out, "< ", response),
        (None, Some(error)) => {
            let _ = writeln!(out, "* no answer: {}", error.message);
        }
        (None, None) => {}
    }
    if let Some(corrected) = &bundle.corrected {
        let target =
            RawUrl::parse(&corrected.url).map_or_else(|_| corrected.url.clone(), |u| u.target());
        let _ = writeln!(
            out,
            "* the corrected request: {}",
            corrected.changes.join("; ")
        );
        let _ = writeln!(out, "> {} {target} HTTP/1.1", corrected.method);
        for header in &corrected.headers {
            let _ = writeln!(out, "> {}: {}", header.name, header.value);
        }
        let _ = writeln!(out, ">");
        body_lines(&mut out, "> ", &corrected.body);
        if let Some(response) = &corrected.response {
            response_lines(&mut out, "< ", response);
        }
    }
    out
}

/// `-i`: the answer's status line, headers and body, unmarked, as curl -i prints them.
pub fn include(bundle: &Bundle) -> String {
    let mut out = String::new();
    if let Some(response) = &bundle.response {
        response_lines(&mut out, "", response);
        out.push('\n');
    }
    out
}

fn response_lines(out: &mut String, mark: &str, response: &ResponseRecord) {
    let _ = writeln!(
        out,
        "{mark}{} {} {}",
        response.version, response.status, response.reason
    );
    for header in &response.headers {
        let _ = writeln!(out, "{mark}{}: {}", header.name, header.value);
    }
    let _ = writeln!(out, "{}", mark.trim_end());
    body_lines(out, mark, &response.body);
}

/// A body's lines (the part the bundle keeps), or what stands for a binary or cut one.
fn body_lines(out: &mut String, mark: &str, body: &BodyRecord) {
    if body.size == 0 {
        return;
    }
    match &body.text {
        Some(text) => {
            for line in text.lines() {
                let _ = writeln!(out, "{mark}{line}");
            }
        }
        None => {
            let _ = writeln!(out, "{mark}[{} bytes, not text]", body.size);
        }
    }
    if body.truncated {
        let _ = writeln!(out, "{mark}[... {} bytes in all]", body.size);
    }
}
