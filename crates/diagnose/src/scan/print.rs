//! The two output formats of a scan, each written as the entries are checked, to standard output
//! through the redacting boundary.

use std::collections::BTreeMap;

use serde::Serialize;

use super::check::ScanResult;
use super::{Tally, distinct_codes};
use upwork_diag_core::redact::boundary;

/// Widths of the text table's columns.
const INDEX_WIDTH: usize = 6;
const METHOD_WIDTH: usize = 7;
const URL_WIDTH: usize = 60;
const STATUS_WIDTH: usize = 6;

/// Standard output through the redacting boundary; a reader that went away (`| head`) ends the
/// process quietly.
pub(super) struct Out {
    writer: boundary::Stdout,
    flush_each_line: bool,
}

impl Out {
    pub(super) fn new() -> Self {
        Out {
            writer: boundary::Stdout::new(),
            // Rows appear as they are found when someone watches; a pipe gets them in blocks.
            flush_each_line: boundary::Stdout::is_terminal(),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let flush = self.flush_each_line && bytes.ends_with(b"\n");
        self.writer.write_or_exit(bytes, flush);
    }

    pub(super) fn flush(&mut self) {
        self.writer.write_or_exit(&[], true);
    }
}

/// The two output formats, each written as the entries are read.
pub(super) trait Printer {
    fn start(&mut self, out: &mut Out, origin: &str);
    fn result(&mut self, out: &mut Out, result: &ScanResult);
    /// The summary; `error` when the file could not be read to its end.
    fn finish(&mut self, out: &mut Out, tally: &Tally, all: bool, error: Option<&str>);
}

pub(super) struct TextPrinter;

impl Printer for TextPrinter {
    fn start(&mut self, out: &mut Out, _origin: &str) {
        let header = format!(
            "{:>INDEX_WIDTH$}  {:<METHOD_WIDTH$} {:<URL_WIDTH$} {:>STATUS_WIDTH$}  findings\n",
            "entry", "method", "url", "status"
        );
        out.write(header.as_bytes());
    }

    fn result(&mut self, out: &mut Out, result: &ScanResult) {
        let codes = distinct_codes(&result.findings);
        let codes = if codes.is_empty() {
            "ok".to_string()
        } else {
            codes.join(", ")
        };
        let status = result
            .status
            .map_or_else(|| "-".to_string(), |s| s.to_string());
        let line = format!(
            "{:>INDEX_WIDTH$}  {:<METHOD_WIDTH$} {:<URL_WIDTH$} {status:>STATUS_WIDTH$}  {codes}\n",
            result.entry,
            result.method,
            shorten(host_and_path(&result.url), URL_WIDTH),
        );
        out.write(line.as_bytes());
    }

    fn finish(&mut self, out: &mut Out, tally: &Tally, all: bool, error: Option<&str>) {
        let checked = if all {
            plural(tally.checked, "entry", "entries")
        } else {
            plural(tally.checked, "Upwork API call", "Upwork API calls")
        };
        let mut line = format!(
            "{} read, {checked} checked",
            plural(tally.entries, "entry", "entries"),
        );
        if tally.calls_per_code.is_empty() {
            line.push_str("; no findings");
        } else {
            let counts: Vec<String> = tally
                .calls_per_code
                .iter()
                .map(|(code, n)| format!("{code} {n}"))
                .collect();
            line.push_str("; calls with findings: ");
            line.push_str(&counts.join(", "));
        }
        if error.is_some() {
            line.push_str(" (stopped: the file could not be read to its end)");
        }
        line.push('\n');
        out.write(line.as_bytes());
    }
}

/// `{"file": ..., "results": [...], "entries": N, "checked": M, "summary": {...}}`, one result
/// per line. The counts come after the results because they are known only at the end.
pub(super) struct JsonPrinter {
    /// Reused for each result, so that writing allocates nothing per entry once warm.
    buffer: Vec<u8>,
    first: bool,
}

impl JsonPrinter {
    pub(super) fn new() -> Self {
        JsonPrinter {
            buffer: Vec::with_capacity(4096),
            first: true,
        }
    }
}

impl Printer for JsonPrinter {
    fn start(&mut self, out: &mut Out, origin: &str) {
        let file = serde_json::to_string(origin).expect("a string serializes");
        out.write(format!("{{\"file\":{file},\"results\":[").as_bytes());
    }

    fn result(&mut self, out: &mut Out, result: &ScanResult) {
        self.buffer.clear();
        self.buffer
            .extend_from_slice(if self.first { b"\n" } else { b",\n" });
        self.first = false;
        serde_json::to_writer(&mut self.buffer, result).expect("a result serializes");
        out.write(&self.buffer);
    }

    fn finish(&mut self, out: &mut Out, tally: &Tally, _all: bool, error: Option<&str>) {
        #[derive(Serialize)]
        struct Tail<'a> {
            entries: usize,
            checked: usize,
            summary: &'a BTreeMap<&'static str, usize>,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a str>,
        }
        let tail = serde_json::to_string(&Tail {
            entries: tally.entries,
            checked: tally.checked,
            summary: &tally.calls_per_code,
            error,
        })
        .expect("the summary serializes");
        // The tail object's fields continue the document's top-level object.
        let fields = tail
            .strip_prefix('{')
            .expect("an object starts with a brace");
        let close = if self.first { "]," } else { "\n]," };
        out.write(format!("{close}{fields}\n").as_bytes());
    }
}

/// `https://www.upwork.com/api/x.json?q=1` -> `www.upwork.com/api/x.json`: the query is left out of
/// the table (the JSON output has the whole URL).
fn host_and_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    let rest = &rest[..end];
    // Userinfo is not the host, and its password would be redacted noise in a table.
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => &rest[at + 1..],
        None => rest,
    }
}

/// Cuts the middle out of a text longer than `width` characters, keeping both ends readable.
fn shorten(text: &str, width: usize) -> String {
    let count = text.chars().count();
    if count <= width {
        return text.to_string();
    }
    let keep = width - 3;
    let head = keep / 2;
    let tail = keep - head;
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{start}...{end}")
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_path_leaves_out_scheme_userinfo_and_query() {
        assert_eq!(
            host_and_path("https://www.upwork.com/api/x.json?q=web+design"),
            "www.upwork.com/api/x.json"
        );
        assert_eq!(
            host_and_path("https://u:p@api.upwork.com/graphql#f"),
            "api.upwork.com/graphql"
        );
        assert_eq!(host_and_path("https://h"), "h");
    }

    #[test]
    fn shorten_keeps_both_ends() {
        assert_eq!(shorten("abcdef", 6), "abcdef");
        let short = shorten("www.upwork.com/api/profiles/v2/search/jobs.json", 20);
        assert_eq!(short.chars().count(), 20);
        assert_eq!(short, "www.upwo...jobs.json");
        assert_eq!(shorten("ééééééééé", 7).chars().count(), 7);
    }
}
