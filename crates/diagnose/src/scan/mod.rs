//! The scan of a HAR file: offline checks over every Upwork API call it holds (or every entry).
//!
//! The file is streamed entry by entry and each result is printed as soon as it is known, in text
//! and in JSON alike, so memory stays bounded by the largest entries, not by the file. Reading
//! runs on its own thread: it parses each entry in place and keeps only the calls to check,
//! without building the others ([`har::for_each_lazy_entry`]); the checks and the printing run on
//! the calling thread. The two are joined by a short queue of batches.

mod check;
mod print;

use std::collections::BTreeMap;
use std::io::Read;
use std::ops::ControlFlow;
use std::sync::mpsc;
use std::thread;

use crate::output::Format;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::Severity;
use upwork_diag_core::redact::Redactor;
use upwork_diag_import::har;
use upwork_diag_import::import_error::ImportError;

use check::{FindingLine, ToCheck, check};
use print::{JsonPrinter, Out, Printer, TextPrinter};

/// Entries go to the checking thread in batches (one hand-over between the threads per entry
/// costs more than some checks): a batch is sent at this many entries, or at this many bytes of
/// requests.
const BATCH_ENTRIES: usize = 64;
const BATCH_BYTES: usize = 1 << 20;
/// Batches read ahead of the checks, at most: enough to keep both threads busy, few enough that
/// memory does not depend on the file.
const QUEUE: usize = 4;

/// What to scan and how to print it.
pub struct Options<'a> {
    /// The file's name as the output shows it.
    pub origin: &'a str,
    /// The most one entry may hold (see [`upwork_diag_core::limits::har_entry_limit`]).
    pub entry_limit: u64,
    /// Check every entry with a request URL, not only the Upwork API calls.
    pub all: bool,
    pub format: Format,
    /// Secrets that make the signature checks possible; none is ever printed.
    pub credentials: &'a Credentials,
}

/// Scans `file`, printing each result and then the summary to standard output (through the
/// redacting boundary). `Ok(true)` when some checked call has an error-severity finding; the
/// error of a file that cannot be read to its end, after the summary of what was read.
pub fn run(file: impl Read + Send, options: &Options) -> Result<bool, ImportError> {
    let mut out = Out::new();
    let mut printer: Box<dyn Printer> = match options.format {
        Format::Text => Box::new(TextPrinter),
        Format::Json => Box::new(JsonPrinter::new()),
    };
    printer.start(&mut out, options.origin);

    let mut tally = Tally::default();
    let (all, origin, entry_limit) = (options.all, options.origin, options.entry_limit);
    let (sender, receiver) = mpsc::sync_channel::<Vec<ToCheck>>(QUEUE);
    let read = thread::scope(|scope| {
        // Parsing takes the most time: the reading thread does only that and picks the entries
        // to check; the checks and the printing happen on this one.
        let reader = scope.spawn(move || {
            // How far the reading got, for the summary of a file that breaks partway.
            let mut seen = 0;
            let mut batch = Vec::with_capacity(BATCH_ENTRIES);
            let mut batch_bytes = 0;
            // The receiver lives until the queue is closed: sending cannot fail.
            let read = har::for_each_lazy_entry(file, origin, entry_limit, |index, entry| {
                seen = index + 1;
                // The filter before anything is built: most entries of a browser capture are
                // not Upwork's API, and are only counted.
                if (all || entry.is_upwork_api())
                    && let Some(item) = ToCheck::new(index, entry.into_entry())
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
        // Learning the credentials in every encoding costs more than some checks: once.
        let redactor = Redactor::new(options.credentials);
        for item in receiver.iter().flatten() {
            let result = check(&item, options.credentials, &redactor);
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
            printer.finish(&mut out, &tally, all, None);
            out.flush();
            Ok(tally.has_error)
        }
        Err(error) => {
            let message = error.to_string();
            printer.finish(&mut out, &tally, all, Some(&message));
            out.flush();
            Err(error)
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
