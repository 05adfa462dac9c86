//! The boundary: the one place where the process writes to stdout and stderr. Everything printed
//! passes the process-wide scrubber, which knows every secret given (the `UPWORK_*` variables from
//! the start, a secrets file once read) and every one the commands found, and hides by shape what
//! nobody named. Printing anywhere else is refused by clippy (`clippy.toml`: `println!`,
//! `eprintln!`, `std::io::stdout` and `std::io::stderr` are disallowed outside this module).
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use std::io::Write;
use std::sync::{Mutex, MutexGuard, OnceLock};

use super::Redactor;
use crate::credentials::Credentials;

/// The exit code when standard output cannot be written (as for bad usage).
const EXIT_OUTPUT: i32 = 2;

fn scrubber() -> MutexGuard<'static, Redactor> {
    static SCRUBBER: OnceLock<Mutex<Redactor>> = OnceLock::new();
    SCRUBBER
        .get_or_init(|| {
            let mut redactor = Redactor {
                keeps_record: false,
                ..Redactor::default()
            };
            redactor.learn_credentials(&Credentials::from_env());
            Mutex::new(redactor)
        })
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Makes the secrets of these credentials (a secrets file) known to every later output.
pub fn register(credentials: &Credentials) {
    scrubber().learn_credentials(credentials);
}

/// Makes every secret a redactor learned (from a call's headers, its answer) known to every
/// later output.
pub fn adopt(redactor: &Redactor) {
    let mut scrubber = scrubber();
    for (label, value) in redactor.secrets() {
        scrubber.learn(label, value);
    }
}

/// The text with every known secret hidden, and those found by shape.
pub fn scrub(text: &str) -> String {
    scrubber().text("output", text)
}

/// The bytes with every known secret hidden (for files: the bundle, the zip's members).
pub fn scrub_bytes(bytes: &[u8]) -> Vec<u8> {
    match std::str::from_utf8(bytes) {
        Ok(text) => scrub(text).into_bytes(),
        Err(_) => scrubber().bytes("output", bytes),
    }
}

/// Writes to standard output, scrubbed. A reader that went away (`| head`) ends the process
/// quietly, as command-line tools do, instead of a panic.
pub fn print_stdout(text: &str) {
    let text = scrub(text);
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        exit_on_write_error(&error);
    }
}

/// Writes one line (a newline is added) to standard error, scrubbed.
pub fn print_stderr(line: &str) {
    let mut text = scrub(line);
    text.push('\n');
    let _ = std::io::stderr().lock().write_all(text.as_bytes());
}

fn exit_on_write_error(error: &std::io::Error) -> ! {
    if error.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    print_stderr(&format!("error: cannot write to standard output: {error}"));
    std::process::exit(EXIT_OUTPUT);
}

/// Standard output as a writer for output written piece by piece (`scan`): whole lines are
/// scrubbed as they complete, so a secret is never split across two scrubbed pieces.
pub type Stdout = LineScrubber<std::io::BufWriter<std::io::StdoutLock<'static>>>;

/// A writer that passes on whole lines only, each batch scrubbed, and the unfinished last line at
/// [`Write::flush`]: a secret written in two pieces is scrubbed whole.
pub struct LineScrubber<W: Write> {
    pending: Vec<u8>,
    out: W,
}

impl Stdout {
    /// Standard output, buffered.
    pub fn new() -> Stdout {
        LineScrubber::to(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout().lock(),
        ))
    }

    /// True when a person watches the output (rows are then flushed one by one).
    pub fn is_terminal() -> bool {
        use std::io::IsTerminal;
        std::io::stdout().is_terminal()
    }
}

impl Default for Stdout {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: Write> LineScrubber<W> {
    /// Whole lines written to `out`, scrubbed.
    pub fn to(out: W) -> LineScrubber<W> {
        LineScrubber {
            pending: Vec::new(),
            out,
        }
    }

    fn write_lines(&mut self) -> std::io::Result<()> {
        if let Some(last) = self.pending.iter().rposition(|&b| b == b'\n') {
            let rest = self.pending.split_off(last + 1);
            let lines = std::mem::replace(&mut self.pending, rest);
            self.out.write_all(&scrub_bytes(&lines))?;
        }
        Ok(())
    }

    /// Writes, then flushes; a closed pipe ends the process quietly, another error with a message.
    pub fn write_or_exit(&mut self, bytes: &[u8], flush: bool) {
        let result = self
            .write_all(bytes)
            .and_then(|()| if flush { self.flush() } else { Ok(()) });
        if let Err(error) = result {
            exit_on_write_error(&error);
        }
    }
}

impl<W: Write> Write for LineScrubber<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(bytes);
        self.write_lines()?;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let rest = std::mem::take(&mut self.pending);
        self.out.write_all(&scrub_bytes(&rest))?;
        self.out.flush()
    }
}

/// Where a [`BufferedLog`] writes.
enum LogTarget {
    Stderr,
    File(std::fs::File),
}

/// A log written a line at a time from many threads (the emulator's line per request), off the
/// hot path: a line waits in memory and the waiting lines are scrubbed and written together, by
/// [`BufferedLog::flush_every`]'s thread, at once when [`BufferedLog::MAX_PENDING`] bytes wait (so
/// a slow terminal or disk slows the requests instead of filling memory), and at
/// [`BufferedLog::flush`], which the emulator calls on its way out: no line is lost on Ctrl-C or
/// SIGTERM. Lines are written in the order they were logged.
pub struct BufferedLog {
    pending: Mutex<Vec<u8>>,
    /// Held while a batch is taken and written, so that two flushes never reorder lines.
    target: Mutex<LogTarget>,
}

impl BufferedLog {
    /// The most bytes of lines that wait before the thread that logs writes them itself.
    pub const MAX_PENDING: usize = 64 * 1024;

    /// A log to standard error.
    pub fn stderr() -> std::sync::Arc<BufferedLog> {
        BufferedLog::to(LogTarget::Stderr)
    }

    /// A log appended to the file at `path` (created when missing).
    pub fn file(path: &std::path::Path) -> std::io::Result<std::sync::Arc<BufferedLog>> {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)?;
        Ok(BufferedLog::to(LogTarget::File(file)))
    }

    fn to(target: LogTarget) -> std::sync::Arc<BufferedLog> {
        std::sync::Arc::new(BufferedLog {
            pending: Mutex::new(Vec::with_capacity(Self::MAX_PENDING)),
            target: Mutex::new(target),
        })
    }

    /// Adds one line (a newline is added); written at the next flush.
    pub fn line(&self, line: &str) {
        let full = {
            let mut pending = lock(&self.pending);
            pending.extend_from_slice(line.as_bytes());
            pending.push(b'\n');
            pending.len() >= Self::MAX_PENDING
        };
        if full {
            self.flush();
        }
    }

    /// Scrubs and writes every line waiting.
    pub fn flush(&self) {
        let mut target = lock(&self.target);
        let batch = std::mem::take(&mut *lock(&self.pending));
        if batch.is_empty() {
            return;
        }
        // Whole lines only: a secret never straddles two batches.
        let text = scrub_bytes(&batch);
        let _ = match &mut *target {
            LogTarget::Stderr => std::io::stderr().lock().write_all(&text),
            LogTarget::File(file) => file.write_all(&text),
        };
    }

    /// Flushes every `period` on a thread of its own, for as long as the log is in use elsewhere.
    pub fn flush_every(log: &std::sync::Arc<BufferedLog>, period: std::time::Duration) {
        let log = std::sync::Arc::downgrade(log);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(period);
                match log.upgrade() {
                    Some(log) => log.flush(),
                    None => return,
                }
            }
        });
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;

    // The scrubber is the process's own: each test uses secrets of its own, so that the others,
    // run at the same time, neither add to nor depend on them.

    #[test]
    fn a_secrets_file_registered_is_hidden_in_every_later_output() {
        let secret = "CANARYregisteredFromAFile1";
        assert!(scrub(&format!("before {secret}")).contains(secret));
        register(&Credentials {
            consumer_secret: Some(Secret::new(secret)),
            ..Credentials::default()
        });
        let text = scrub(&format!("a line quoting {secret} by mistake"));
        assert!(!text.contains(secret), "{text}");
        assert!(text.starts_with("a line quoting [redacted "), "{text}");
    }

    #[test]
    fn what_a_command_found_is_hidden_in_every_later_output() {
        let secret = "CANARYadoptedFromACall2";
        let mut found = Redactor::default();
        found.learn("cookie", secret);
        assert!(scrub(secret).contains(secret));
        adopt(&found);
        assert!(!scrub(&format!("x {secret} y")).contains(secret));
    }

    /// The scrubber sees every byte the process writes: it keeps no record of what it hid, or
    /// its memory would grow with the output.
    #[test]
    fn the_scrubber_keeps_no_record() {
        let secret = "CANARYnoRecordKept3";
        register(&Credentials {
            consumer_secret: Some(Secret::new(secret)),
            ..Credentials::default()
        });
        for i in 0..100 {
            assert!(!scrub(&format!("{i} {secret}")).contains(secret));
        }
        assert!(scrubber().redactions().is_empty());
    }

    #[test]
    fn lines_are_passed_on_whole_and_scrubbed_and_the_last_at_flush() {
        let secret = "CANARYwrittenInPieces4";
        register(&Credentials {
            consumer_secret: Some(Secret::new(secret)),
            ..Credentials::default()
        });
        let mut writer = LineScrubber::to(Vec::new());
        // The secret is cut in two by the writes, as a row may be.
        writer.write_all(b"row 1 CANARYwritten").unwrap();
        assert!(writer.out.is_empty(), "nothing before a line is whole");
        writer.write_all(b"InPieces4 end\nrow 2 part").unwrap();
        let written = String::from_utf8(writer.out.clone()).unwrap();
        assert!(written.starts_with("row 1 [redacted "), "{written}");
        assert!(written.ends_with("] end\n"), "whole lines only: {written}");
        writer.flush().unwrap();
        let written = String::from_utf8(writer.out.clone()).unwrap();
        assert!(written.ends_with("] end\nrow 2 part"), "{written}");
        assert!(!written.contains(secret), "{written}");
    }

    /// A log file, read back as text.
    fn log_file() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log");
        (dir, path)
    }

    #[test]
    fn a_log_writes_when_flushed_or_full_not_at_each_line() {
        let (_dir, path) = log_file();
        let log = BufferedLog::file(&path).unwrap();
        log.line("first");
        // Lines wait (written together off the hot path), even 32 KiB of them.
        for _ in 0..32 {
            log.line(&"x".repeat(1023));
        }
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "");
        // Past 64 KiB, the thread that logs writes them itself, in order.
        for _ in 0..32 {
            log.line(&"y".repeat(1023));
        }
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.starts_with("first\nxxx"), "{}", &written[..20]);
        assert_eq!(written.len(), BufferedLog::MAX_PENDING + "first\n".len());
        log.line("last");
        log.flush();
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(written.ends_with("y\nlast\n"));
    }

    #[test]
    fn a_log_is_flushed_by_its_own_thread_without_being_asked() {
        let (_dir, path) = log_file();
        let log = BufferedLog::file(&path).unwrap();
        BufferedLog::flush_every(&log, std::time::Duration::from_millis(10));
        log.line("a line nobody flushes");
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::fs::read_to_string(&path).unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "never written");
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "a line nobody flushes\n"
        );
    }
}
