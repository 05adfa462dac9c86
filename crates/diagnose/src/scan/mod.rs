//! The scan of a HAR file: offline checks over every Upwork API call it holds (or every entry).
//!
//! The file is streamed entry by entry and each result is printed as soon as it is known, in text
//! and in JSON alike, so memory stays bounded by the largest entries, not by the file. Reading
//! runs on its own thread: it parses each entry in place and keeps only the calls to check,
//! without building the others ([`har::for_each_lazy_entry`]); the printing runs on the calling
//! thread. The two are joined by a short queue of batches, and share the checks: the calling
//! thread checks the batches it receives, and when it falls behind (the queue is full) the
//! reading thread checks the next batch itself instead of waiting, and queues its results. One
//! thread queues everything, in the file's order, so the output keeps that order.

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

use check::{FindingLine, ScanResult, ToCheck, check};
use print::{JsonPrinter, Out, Printer, TextPrinter};

/// Entries go to the checking thread in batches (one hand-over between the threads per entry
/// costs more than some checks): a batch is sent at this many entries, or at this many bytes of
/// requests.
const BATCH_ENTRIES: usize = 64;
const BATCH_BYTES: usize = 1 << 20;
/// Batches read ahead of the checks, at most: enough to keep both threads busy, few enough that
/// memory does not depend on the file.
const QUEUE: usize = 4;

/// A batch handed from the reading thread to the printing one.
enum Batch {
    /// Entries still to check.
    ToCheck(Vec<ToCheck>),
    /// Entries the reading thread checked itself, the queue being full.
    Checked(Vec<ScanResult>),
}

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
    let credentials = options.credentials;
    // Learning the credentials in every encoding costs more than some checks: once, and a copy
    // for the reading thread.
    let redactor = Redactor::new(credentials);
    let reader_redactor = redactor.clone();
    let (sender, receiver) = mpsc::sync_channel::<Batch>(QUEUE);
    let read = thread::scope(|scope| {
        let reader = scope.spawn(move || {
            // The batch goes to the queue; when the queue is full, this thread checks it rather
            // than wait. The receiver lives until the queue is closed: sending cannot fail.
            let hand_over = |batch: Vec<ToCheck>| {
                if let Err(mpsc::TrySendError::Full(Batch::ToCheck(batch))) =
                    sender.try_send(Batch::ToCheck(batch))
                {
                    let checked = batch
                        .into_iter()
                        .map(|item| check(item, credentials, &reader_redactor))
                        .collect();
                    let _ = sender.send(Batch::Checked(checked));
                }
            };
            // How far the reading got, for the summary of a file that breaks partway.
            let mut seen = 0;
            let mut batch = Vec::with_capacity(BATCH_ENTRIES);
            let mut batch_bytes = 0;
            let read = har::for_each_lazy_entry(file, origin, entry_limit, |index, entry| {
                seen = index + 1;
                // The filter before anything is built: most entries of a browser capture are
                // not Upwork's API, and are only counted.
                if (all || entry.is_upwork_api())
                    && let Some(item) =
                        ToCheck::new(index, entry.into_entry_reading(crate::classify::reads_body))
                {
                    batch_bytes += item.size();
                    batch.push(item);
                    if batch.len() == BATCH_ENTRIES || batch_bytes >= BATCH_BYTES {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ENTRIES));
                        hand_over(full);
                        batch_bytes = 0;
                    }
                }
                ControlFlow::Continue(())
            });
            if !batch.is_empty() {
                hand_over(batch);
            }
            (read, seen)
        });
        let mut print = |result: ScanResult| {
            tally.add(&result.findings);
            printer.result(&mut out, &result);
        };
        for batch in receiver.iter() {
            match batch {
                Batch::ToCheck(items) => items
                    .into_iter()
                    .for_each(|item| print(check(item, credentials, &redactor))),
                Batch::Checked(results) => results.into_iter().for_each(&mut print),
            }
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
