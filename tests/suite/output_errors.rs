//! Standard output that cannot be written. A reader that went away (`upwork-diag scan x.har |
//! head -1`) ends the run quietly with exit code 0, as command-line tools do; any other failure
//! (a full disk) is named on standard error with exit code 2. Both ways of writing are covered:
//! a whole text at once (`explain`) and rows as they are found (`scan`).

use std::process::{Output, Stdio};

use crate::common::upwork_diag_process;

const SESSION: &str = "scan-session-with-failing-token-request-and-plus-search.har";

fn scan_args() -> Vec<String> {
    let har = format!("{}/fixtures/{SESSION}", env!("CARGO_MANIFEST_DIR"));
    vec!["scan".into(), har, "--all".into()]
}

fn explain_args() -> Vec<String> {
    vec!["explain".into(), "content-length-missing".into()]
}

/// The binary run with its standard output sent to `stdout`, standard error captured.
fn run_into(args: &[String], stdout: impl Into<Stdio>) -> Output {
    upwork_diag_process()
        .args(args)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// A pipe whose reading end is closed before the binary starts: every write fails as
/// `head` makes it fail once it has read its lines.
fn closed_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

fn full_disk() -> std::fs::File {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap()
}

#[test]
fn a_reader_that_went_away_ends_the_run_quietly() {
    for args in [explain_args(), scan_args()] {
        let output = run_into(&args, closed_pipe());
        assert_eq!(output.status.code(), Some(0), "{args:?}");
        assert_eq!(String::from_utf8_lossy(&output.stderr), "", "{args:?}");
    }
}

#[test]
fn a_full_disk_is_named_with_exit_code_2() {
    for args in [explain_args(), scan_args()] {
        let output = run_into(&args, full_disk());
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("error: cannot write to standard output: No space left on device"),
            "{args:?}: {stderr}"
        );
    }
}
