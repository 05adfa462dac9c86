//! `upwork-diag scan`: offline checks over every Upwork API call of a HAR file.
//!
//! The file is streamed entry by entry and each result is written as soon as it is known, in text
//! and in JSON alike, so memory stays bounded by the largest entries, not by the file. Reading
//! (parsing the JSON) and checking run on two threads joined by a short queue.

use crate::findings::Code;
use std::collections::BTreeMap;
use std::fs::File;
use std::ops::ControlFlow;
use std::sync::mpsc;
use std::thread;

use serde::Serialize;

use super::UsageError;
use crate::checks;
use crate::cli::{Format, ScanArgs};
use crate::credentials::Credentials;
use crate::diagnosis::{Finding, Severity};
use crate::redact::{self, Redactor, boundary};
use crate::request::har::{self, HarEntry};
use crate::request::{CapturedRequest, Header};

/// Exit code when some checked call has an error-severity finding.
const EXIT_FINDINGS: u8 = 1;

/// Entries go to the checking thread in batches (one hand-over between the threads per entry
/// costs more than some checks): a batch is sent at this many entries, or at this many bytes of
/// requests.
const BATCH_ENTRIES: usize = 64;
const BATCH_BYTES: usize = 1 << 20;
/// Batches read ahead of the checks, at most: enough to keep both threads busy, few enough that
/// memory does not depend on the file.
const QUEUE: usize = 4;

/// Widths of the text table's columns.
const INDEX_WIDTH: usize = 6;
const METHOD_WIDTH: usize = 7;
const URL_WIDTH: usize = 60;
const STATUS_WIDTH: usize = 6;

pub fn run(args: ScanArgs) -> Result<u8, UsageError> {
    let origin = args.file.display().to_string();
    let file = File::open(&args.file)
        .map_err(|e| UsageError::new(format!("{origin}: cannot read the file: {e}")))?;
    let entry_limit = crate::limits::har_entry_limit().map_err(UsageError::new)?;
    let credentials = Credentials::load(args.secrets_file.as_deref())
        .map_err(|e| UsageError::new(e.to_string()))?;
    boundary::register(&credentials);
    let mut out = Out {
        writer: boundary::Stdout::new(),
        // Rows appear as they are found when someone watches; a pipe gets them in blocks.
        flush_each_line: boundary::Stdout::is_terminal(),
    };
    let mut printer: Box<dyn Printer> = match args.format {
        Format::Text => Box::new(TextPrinter),
        Format::Json => Box::new(JsonPrinter {
            buffer: Vec::with_capacity(4096),
            first: true,
        }),
    };
    printer.start(&mut out, &origin);

    let mut tally = Tally::default();
    let all = args.all;
    let (sender, receiver) = mpsc::sync_channel::<Vec<ToCheck>>(QUEUE);
    let read = thread::scope(|scope| {
        let origin = &origin;
        // Parsing takes the most time: the reading thread does only that and picks the entries
        // to check; the checks and the printing happen on this one.
        let reader = scope.spawn(move || {
            // How far the reading got, for the summary of a file that breaks partway.
            let mut seen = 0;
            let mut batch = Vec::with_capacity(BATCH_ENTRIES);
            let mut batch_bytes = 0;
            // The receiver lives until the queue is closed: sending cannot fail.
            let read = har::for_each_entry_within(file, origin, entry_limit, |index, entry| {
                seen = index + 1;
                if (all || entry.is_upwork_api())
                    && let Some(item) = ToCheck::new(index, entry)
                {
                    batch_bytes += item.size();
                    batch.push(item);
                    if batch.len() == BATCH_ENTRIES || batch_bytes >= BATCH_BYTES {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ENTRIES));
                        let _ = sender.send(full);
                        batch_bytes = 0;
                    }
                }
                ControlFlow::Continue(())
            });
            if !batch.is_empty() {
                let _ = sender.send(batch);
            }
            (read, seen)
        });
        for item in receiver.iter().flatten() {
            let result = check(&item, &credentials);
            tally.add(&result.findings);
            printer.result(&mut out, &result);
        }
        let (read, seen) = reader.join().expect("the reading thread does not panic");
        tally.entries = seen;
        read
    });
    match read {
        Ok(entries) => {
            tally.entries = entries;
            printer.finish(&mut out, &tally, args.all, None);
            out.flush();
            Ok(if tally.has_error { EXIT_FINDINGS } else { 0 })
        }
        Err(error) => {
            let message = error.to_string();
            printer.finish(&mut out, &tally, args.all, Some(&message));
            out.flush();
            Err(UsageError::new(message))
        }
    }
}

/// What the checks need of an entry; its response, body included, is dropped on the reading side.
struct ToCheck {
    index: usize,
    method: String,
    request: CapturedRequest,
    /// The capture's response status; `None` when the entry has no response.
    status: Option<u16>,
    /// The capture's response, read like any answer (its body is kept for Upwork's API calls only).
    response: Option<crate::replay::CapturedResponse>,
}

impl ToCheck {
    /// `None` for a URL that no request can have (`data:`, `blob:` ...): nothing to check.
    fn new(index: usize, entry: HarEntry) -> Option<Self> {
        Some(ToCheck {
            index,
            method: entry.method,
            request: entry.request.ok()?,
            status: entry.response.as_ref().map(|r| r.status),
            response: entry.response.map(|r| r.into_response()),
        })
    }

    /// About how much memory the entry holds.
    fn size(&self) -> usize {
        let headers: usize = self
            .request
            .headers
            .iter()
            .map(|h| h.name.len() + h.value.len())
            .sum();
        let answer = self.response.as_ref().map_or(0, |r| r.body.len());
        self.request.url.as_str().len() + self.request.body.len() + headers + answer
    }
}

/// One checked entry, ready to print: URL and titles already redacted.
#[derive(Debug, Serialize)]
struct ScanResult<'a> {
    entry: usize,
    method: &'a str,
    url: String,
    status: Option<u16>,
    findings: Vec<FindingLine>,
}

#[derive(Debug, Serialize)]
struct FindingLine {
    code: &'static str,
    severity: Severity,
    title: String,
}

/// Runs the static checks on one entry and redacts what will be printed of it.
fn check<'a>(item: &'a ToCheck, credentials: &Credentials) -> ScanResult<'a> {
    let request = &item.request;
    let mut findings = checks::before_sending(request, credentials);
    let answer = item
        .response
        .as_ref()
        .filter(|r| r.status != 0)
        .map(crate::classify::classify);
    // A call Upwork refused for its credentials: an unchecked signature is then what is missing to
    // tell why, and the row says so rather than "ok".
    let refused_credentials = answer.as_ref().is_some_and(|a| {
        matches!(
            a.kind,
            crate::classify::Kind::SignatureRejected | crate::classify::Kind::Unauthorized
        )
    });
    // That a captured signature is too old to replay matters to `diagnose`, which replays; a scan
    // sends nothing, and every capture older than five minutes would carry it; so would the
    // undecided clock-or-capture readings of an entry without a send time. An unchecked
    // signature (no secrets given) is the rule in a scan, not news about one call, unless the
    // call was refused for its credentials.
    findings.retain(|f| {
        f.code != Code::ReplayStale
            && (f.code != Code::SignatureUnverified || refused_credentials)
            && !checks::freshness::is_undecided(f)
    });
    // The capture's own answer is Upwork's word about the call: what it names is a finding, and a
    // call it accepted did not fail for what a check predicts.
    if let Some(answer) = answer {
        let named: Vec<Finding> = checks::after_response(request, &answer)
            .into_iter()
            .filter(|f| findings.iter().all(|known| known.code != f.code))
            .collect();
        findings.extend(named);
        checks::weigh(&mut findings, &answer);
    }
    // A redactor per entry: what it learns from one call's headers (a bearer token, a cookie)
    // hides that value in the same call's URL, and nothing accumulates over a file of any length.
    let mut redactor = Redactor::new(credentials);
    let location = format!("log.entries[{}]", item.index);
    let credential_headers: Vec<Header> = request
        .headers
        .iter()
        .filter(|h| redact::hides_by_name(&h.name))
        .cloned()
        .collect();
    redactor.headers(&location, &credential_headers);
    let url = redactor.url(&location, request.url.as_str());
    let findings = findings
        .iter()
        .map(|f: &Finding| FindingLine {
            code: f.code.as_str(),
            severity: f.severity,
            title: redactor.text(&location, &f.title),
        })
        .collect();
    ScanResult {
        entry: item.index,
        method: &item.method,
        url,
        status: item.status,
        findings,
    }
}

/// The counts of the summary: bounded by the number of finding codes, whatever the file's size.
#[derive(Debug, Default)]
struct Tally {
    entries: usize,
    checked: usize,
    /// For each code, the number of calls with at least one finding of it.
    calls_per_code: BTreeMap<&'static str, usize>,
    has_error: bool,
}

impl Tally {
    fn add(&mut self, findings: &[FindingLine]) {
        self.checked += 1;
        for code in distinct_codes(findings) {
            *self.calls_per_code.entry(code).or_default() += 1;
        }
        self.has_error |= findings.iter().any(|f| f.severity == Severity::Error);
    }
}

/// The codes of a call's findings, each once, in the order found.
fn distinct_codes(findings: &[FindingLine]) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = Vec::with_capacity(findings.len());
    for f in findings {
        if !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    codes
}

/// Standard output through the redacting boundary; a reader that went away (`| head`) ends the
/// process quietly.
struct Out {
    writer: boundary::Stdout,
    flush_each_line: bool,
}

impl Out {
    fn write(&mut self, bytes: &[u8]) {
        let flush = self.flush_each_line && bytes.ends_with(b"\n");
        self.writer.write_or_exit(bytes, flush);
    }

    fn flush(&mut self) {
        self.writer.write_or_exit(&[], true);
    }
}

/// The two output formats, each written as the entries are read.
trait Printer {
    fn start(&mut self, out: &mut Out, origin: &str);
    fn result(&mut self, out: &mut Out, result: &ScanResult);
    /// The summary; `error` when the file could not be read to its end.
    fn finish(&mut self, out: &mut Out, tally: &Tally, all: bool, error: Option<&str>);
}

struct TextPrinter;

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
struct JsonPrinter {
    /// Reused for each result, so that writing allocates nothing per entry once warm.
    buffer: Vec<u8>,
    first: bool,
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

    #[test]
    fn a_call_counts_once_per_code() {
        let line = |code, severity| FindingLine {
            code,
            severity,
            title: String::new(),
        };
        let mut tally = Tally::default();
        tally.add(&[
            line("param-encoding", Severity::Warning),
            line("param-encoding", Severity::Warning),
        ]);
        assert!(!tally.has_error);
        tally.add(&[
            line("content-length-missing", Severity::Error),
            line("param-encoding", Severity::Warning),
        ]);
        tally.add(&[]);
        assert_eq!(tally.checked, 3);
        assert!(tally.has_error);
        assert_eq!(tally.calls_per_code["param-encoding"], 2);
        assert_eq!(tally.calls_per_code["content-length-missing"], 1);
    }
}
