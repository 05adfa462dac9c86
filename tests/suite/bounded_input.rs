//! Every input has a limit: a wrong path (`/dev/zero`), an endless pipe or a hostile HAR ends in a
//! clear error (exit 2) that names the limit, after reading no more than it, and `scan`'s memory
//! stays flat whatever one entry holds.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::common::upwork_diag;

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";

fn stderr_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_timeout_that_is_not_a_sane_number_of_seconds_is_bad_input() {
    for value in ["1e20", "NaN", "-1", "inf", "0", "86401"] {
        let output = upwork_diag()
            .args(["diagnose", URL, "--offline", "--no-bundle"])
            .arg(format!("--timeout={value}"))
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains("--timeout"), "{value}: {stderr}");
        assert!(stderr.contains("at most 86400"), "{value}: {stderr}");
        assert!(!stderr.contains("panicked"), "{value}: {stderr}");
    }
}

#[test]
fn a_body_file_that_never_ends_is_refused_at_the_limit() {
    let output = upwork_diag()
        .args(["diagnose", URL, "-X", "POST", "--data-file", "/dev/zero"])
        .args(["--offline", "--no-bundle"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim(),
        "error: --data-file /dev/zero: larger than 16 MiB, the limit for a request body"
    );
}

#[test]
fn curl_options_that_read_a_file_stop_at_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    for option in [
        "-d @/dev/zero",
        "--data-binary @/dev/zero",
        "--json @/dev/zero",
        "-T /dev/zero",
        "-F f=@/dev/zero",
        // Each file is within the limit, all of them together are not.
        "-d @big -d @big -d @big",
    ] {
        std::fs::write(dir.path().join("big"), vec![b'x'; 7 * 1024 * 1024]).unwrap();
        let command = dir.path().join("call.sh");
        std::fs::write(&command, format!("curl {URL} {option}\n")).unwrap();
        let output = upwork_diag()
            .args(["diagnose", "--offline", "--no-bundle", "--curl"])
            .arg(&command)
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{option}: {stderr}");
        assert!(
            stderr.contains("holds more than 16 MiB, the limit for a request body"),
            "{option}: {stderr}"
        );
        assert!(stderr.contains("call.sh:1:"), "{option}: {stderr}");
    }
}

#[test]
fn a_command_or_raw_request_that_never_ends_is_refused_at_the_limit() {
    for input in ["--curl", "--raw"] {
        let output = upwork_diag()
            .args(["diagnose", "--offline", "--no-bundle", input, "/dev/zero"])
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{input}: {stderr}");
        assert_eq!(
            stderr.trim(),
            "error: /dev/zero: larger than 16 MiB, the limit for an input",
            "{input}"
        );
        // The same from an endless standard input.
        let output = Command::new(env!("CARGO_BIN_EXE_upwork-diag"))
            .args(["diagnose", "--offline", "--no-bundle", input, "-"])
            .stdin(std::fs::File::open("/dev/zero").unwrap())
            .output()
            .unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{input} -: {stderr}");
        assert!(
            stderr.contains("standard input: larger than 16 MiB"),
            "{stderr}"
        );
    }
}

#[test]
fn an_unclosed_ipv6_address_is_bad_input_not_a_network_failure() {
    let output = upwork_diag()
        .args(["diagnose", "http://[::1/x", "--no-bundle", "--timeout", "2"])
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is not closed with ']'"), "{stderr}");
}

/// A named pipe fed by a thread: a file as large as the test likes, never written to disk. Counts
/// the bytes the reader took before it closed its end.
struct Stream {
    path: PathBuf,
    written: Arc<AtomicU64>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Stream {
    /// `head`, then `filler` bytes of `a`, then `tail`.
    fn new(dir: &Path, head: &str, filler: u64, tail: &str) -> Stream {
        Stream::with_filler(dir, head, b"a", filler, tail)
    }

    /// `head`, then `unit` `times` times, then `tail`.
    fn with_filler(dir: &Path, head: &str, unit: &[u8], times: u64, tail: &str) -> Stream {
        let path = dir.join("capture.har");
        let status = Command::new("mkfifo").arg(&path).status().unwrap();
        assert!(status.success(), "mkfifo");
        let written = Arc::new(AtomicU64::new(0));
        let (head, tail) = (head.to_string(), tail.to_string());
        // Whole units per write, about 64 KiB at a time.
        let per_chunk = (64 * 1024 / unit.len()).max(1);
        let chunk = unit.repeat(per_chunk);
        let filler = times * unit.len() as u64;
        let writer = {
            let (path, written) = (path.clone(), Arc::clone(&written));
            std::thread::spawn(move || {
                // Opening blocks until the reader opens its end.
                let Ok(mut pipe) = std::fs::OpenOptions::new().write(true).open(&path) else {
                    return;
                };
                let mut send = |bytes: &[u8]| -> bool {
                    let ok = pipe.write_all(bytes).is_ok();
                    if ok {
                        written.fetch_add(bytes.len() as u64, Ordering::Relaxed);
                    }
                    ok
                };
                if !send(head.as_bytes()) {
                    return;
                }
                let mut left = filler;
                while left > 0 {
                    let n = left.min(chunk.len() as u64) as usize;
                    if !send(&chunk[..n]) {
                        return;
                    }
                    left -= n as u64;
                }
                send(tail.as_bytes());
            })
        };
        Stream {
            path,
            written,
            writer: Some(writer),
        }
    }

    /// The bytes the reader took (the writer has stopped).
    fn finish(mut self) -> u64 {
        self.writer.take().unwrap().join().unwrap();
        self.written.load(Ordering::Relaxed)
    }
}

const MIB: u64 = 1024 * 1024;

const ENTRY_HEAD: &str = r#"{"log": {"entries": [{"request": {"method": "POST", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": [], "postData": {"text": ""#;
const ENTRY_TAIL: &str = r#""}}, "response": {"status": 401}}]}}"#;

#[test]
fn a_har_entry_holding_a_gigabyte_is_refused_at_the_limit_without_reading_on() {
    let dir = tempfile::tempdir().unwrap();
    for command in ["diagnose", "scan"] {
        let stream = Stream::new(dir.path(), ENTRY_HEAD, 1024 * MIB, ENTRY_TAIL);
        let mut run = upwork_diag();
        run.env("UPWORK_DIAG_HAR_ENTRY_LIMIT", (2 * MIB).to_string());
        if command == "diagnose" {
            run.args(["diagnose", "--offline", "--no-bundle", "--har"]);
        } else {
            run.arg("scan");
        }
        let output = run.arg(&stream.path).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{command}: {stderr}");
        assert!(
            stderr.contains(
                "at log.entries[0]: the entry holds more than 2 MiB, the limit for one HAR entry"
            ),
            "{command}: {stderr}"
        );
        let read = stream.finish();
        // The limit, the buffers between file and parser, and what the pipe held.
        assert!(read < 3 * MIB, "{command} read {read} bytes");
        std::fs::remove_file(dir.path().join("capture.har")).unwrap();
    }
}

/// Runs the command to its end: its exit code and its peak resident memory, read from the kernel's
/// high-water mark of the process's own memory (`VmHWM` in /proc) while it runs. Not `wait4`'s
/// `ru_maxrss`: a child started by vfork or posix_spawn inherits the test process's high-water
/// mark, which the other tests of this binary, running beside it, push up.
fn exit_code_and_peak_rss(mut command: Command) -> (i32, u64) {
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        // The last read before the process exits holds its peak: the mark only grows.
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(peak_kib > 0, "no memory reading of the child");
    (
        status.code().expect("the child exited normally"),
        peak_kib * 1024,
    )
}

#[test]
fn scan_memory_stays_flat_whatever_an_ignored_field_holds() {
    let dir = tempfile::tempdir().unwrap();
    // A browser capture's `_initiator` or `timings` are never read: 48 MiB of it must not be held.
    let head = r#"{"log": {"entries": [{"_initiator": {"stack": ""#;
    let tail = r#""}, "request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": []}, "response": {"status": 401, "content": {}}}]}}"#;
    let stream = Stream::new(dir.path(), head, 48 * MIB, tail);
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.arg("scan").arg(&stream.path);
    let (code, peak) = exit_code_and_peak_rss(scan);
    assert_eq!(stream.finish(), 48 * MIB + (head.len() + tail.len()) as u64);
    assert_eq!(code, 0);
    // Holding the field would take twice its size (the parser's buffer, then the value).
    assert!(peak < 40 * MIB, "peak resident memory {} MiB", peak / MIB);
}

/// `count` small entries, the Upwork API call of `scan_memory_stays_flat...` among them.
fn small_entries(count: usize) -> String {
    (0..count)
        .map(|i| {
            format!(
                r#"{{"request": {{"method": "GET", "url": "https://cdn.example.com/{i}.js", "headers": [{{"name": "Accept", "value": "*/*"}}]}}, "response": {{"status": 200, "content": {{"text": "{}"}}}}}},"#,
                "x".repeat(512)
            )
        })
        .collect()
}

#[test]
fn scan_memory_stays_within_16_mib_when_an_entry_amid_many_holds_a_huge_ignored_field() {
    // Entries after the first are parsed in place from a buffer: one that outgrows it (a 48 MiB
    // `_initiator` amid ten thousand small entries) must be streamed, not buffered whole.
    let dir = tempfile::tempdir().unwrap();
    let head = format!(
        r#"{{"log": {{"entries": [{}{{"_initiator": {{"stack": ""#,
        small_entries(10_000)
    );
    let tail = format!(
        r#""}}, "request": {{"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": []}}, "response": {{"status": 401, "content": {{}}}}}}, {}{{"request": {{"method": "GET", "url": "https://cdn.example.com/last.js"}}}}]}}}}"#,
        small_entries(10_000)
    );
    let stream = Stream::new(dir.path(), &head, 48 * MIB, &tail);
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.args(["scan", "--format", "json"]).arg(&stream.path);
    let output = scan.output().unwrap();
    assert_eq!(stream.finish(), 48 * MIB + (head.len() + tail.len()) as u64);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["entries"], 20_002);
    assert_eq!(report["checked"], 1);
    assert_eq!(report["results"][0]["entry"], 10_000);

    std::fs::remove_file(dir.path().join("capture.har")).unwrap();
    let stream = Stream::new(dir.path(), &head, 48 * MIB, &tail);
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.arg("scan").arg(&stream.path);
    let (code, peak) = exit_code_and_peak_rss(scan);
    stream.finish();
    assert_eq!(code, 0);
    // What the file costs, over what the same binary takes to scan an empty HAR: a test build
    // alone takes about 15 MiB (a release build 8, and 13 with this file: within the 16 MiB of
    // benches/har_scan.sh, which judges the release build). The file's own cost is about 5 MiB
    // (the buffer an entry may grow to, 4 MiB, and its last growth's copy), up to 8 on a loaded
    // machine as the allocator returns memory; buffering the field would take 48 MiB more.
    let mut empty = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    empty.arg("scan").arg(format!(
        "{}/fixtures/scan-empty-entries.har",
        env!("CARGO_MANIFEST_DIR")
    ));
    let (_, baseline) = exit_code_and_peak_rss(empty);
    let cost = peak.saturating_sub(baseline);
    assert!(
        cost < 12 * MIB,
        "the file took {} MiB beside the {} MiB of an empty scan",
        cost / MIB,
        baseline / MIB
    );
}

#[test]
fn a_gigabyte_entry_amid_others_is_refused_at_the_limit_without_reading_on() {
    // The same limit, and the same error, for an entry read after others (which are parsed in
    // place from a buffer that never grows past the limit).
    let dir = tempfile::tempdir().unwrap();
    let head = ENTRY_HEAD.replacen(
        r#""entries": ["#,
        &format!(r#""entries": [{}"#, small_entries(3)),
        1,
    );
    let stream = Stream::new(dir.path(), &head, 1024 * MIB, ENTRY_TAIL);
    let output = upwork_diag()
        .env("UPWORK_DIAG_HAR_ENTRY_LIMIT", (2 * MIB).to_string())
        .arg("scan")
        .arg(&stream.path)
        .output()
        .unwrap();
    let stderr = stderr_of(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "at log.entries[3]: the entry holds more than 2 MiB, the limit for one HAR entry"
        ),
        "{stderr}"
    );
    let read = stream.finish();
    assert!(read < 3 * MIB, "scan read {read} bytes");
}

#[test]
fn an_answer_cut_at_the_limit_is_reported_as_truncated_not_as_success() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while !head.ends_with(b"\r\n\r\n")
            && matches!(std::io::Read::read(&mut stream, &mut byte), Ok(1))
        {
            head.push(byte[0]);
        }
        let size = 17 * MIB;
        let _ = write!(
            stream,
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
        );
        let chunk = vec![b' '; 64 * 1024];
        for _ in 0..size / chunk.len() as u64 {
            if stream.write_all(&chunk).is_err() {
                return;
            }
        }
    });
    let output = upwork_diag()
        .args(["diagnose", URL, "--base-url", &base, "--no-bundle"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(
        stdout.contains("The answer (200) is truncated: it is longer than 16 MiB"),
        "{stdout}"
    );
}

#[test]
fn an_entry_small_as_text_but_huge_in_memory_is_refused_at_the_limit() {
    // Ten million empty headers: 240 MB of text, many times that as parsed values.
    let dir = tempfile::tempdir().unwrap();
    let header = r#"{"name":"a","value":""},"#;
    let head = r#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": ["#;
    let stream = Stream::with_filler(dir.path(), head, header.as_bytes(), 10_000_000, "");
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.arg("scan").arg(&stream.path);
    let (code, peak) = exit_code_and_peak_rss(scan);
    let read = stream.finish();
    assert_eq!(code, 2);
    assert!(read < 8 * MIB, "read {} MiB", read / MIB);
    assert!(peak < 150 * MIB, "peak resident memory {} MiB", peak / MIB);
}

#[test]
fn a_large_body_of_another_site_in_a_browser_capture_is_skipped_not_refused() {
    // A devtools capture keeps every response body: a video of another site must neither be held
    // nor count against the limit of its entry.
    let dir = tempfile::tempdir().unwrap();
    let head = r#"{"log": {"entries": [{"request": {"method": "GET", "url": "https://cdn.example.com/intro.mp4", "headers": []}, "response": {"status": 200, "content": {"mimeType": "video/mp4", "encoding": "base64", "text": ""#;
    let tail = r#""}}}, {"request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": [{"name": "Authorization", "value": "Bearer a-token"}]}, "response": {"status": 200, "content": {"text": "{}"}}}]}}"#;
    let stream = Stream::new(dir.path(), head, 8 * MIB, tail);
    let output = upwork_diag()
        .env("UPWORK_DIAG_HAR_ENTRY_LIMIT", (2 * MIB).to_string())
        .args(["diagnose", "--offline", "--no-bundle", "--har"])
        .arg(&stream.path)
        .output()
        .unwrap();
    assert_eq!(stream.finish(), 8 * MIB + (head.len() + tail.len()) as u64);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    assert!(stdout.contains("entry 1 of"), "{stdout}");
}

#[test]
fn secrets_keys_and_key_requests_that_never_end_are_refused_at_the_limit() {
    let runs: [&[&str]; 3] = [
        &[
            "diagnose",
            URL,
            "--offline",
            "--no-bundle",
            "--secrets-file",
            "/dev/zero",
        ],
        &["mock", "--listen", "127.0.0.1:0", "--keys", "/dev/zero"],
        &["keycheck", "/dev/zero"],
    ];
    for args in runs {
        let output = upwork_diag().args(args).output().unwrap();
        let stderr = stderr_of(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("/dev/zero")
                && stderr.contains("larger than 16 MiB, the limit for an input"),
            "{args:?}: {stderr}"
        );
    }
}

/// The bound on `scan`'s peak resident memory whatever the file holds: far below the files of
/// the tests below (hundreds of MiB), room for the binary, the runtime, one entry and the buffers.
const FLAT: u64 = 32 * MIB;

/// One entry of each kind a browser capture holds around Upwork's API: a search refused with 401,
/// a token request without Content-Length, an asset of another site with its body, a call that
/// succeeded with its answer. About 12 KB; the trailing comma joins it to the next.
fn four_ordinary_entries() -> String {
    let answer = "x".repeat(512);
    let asset = "A".repeat(10 * 1024);
    [
        format!(
            r#"{{"request":{{"method":"GET","url":"https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design","headers":[{{"name":"Accept","value":"*/*"}}]}},"response":{{"status":401,"content":{{"mimeType":"text/plain","text":"{answer}"}}}}}},"#
        ),
        format!(
            r#"{{"request":{{"method":"POST","url":"https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=k&oauth_nonce=n&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000&oauth_signature=s%3D","headers":[]}},"response":{{"status":411,"content":{{"mimeType":"text/html","text":"{answer}"}}}}}},"#
        ),
        format!(
            r#"{{"request":{{"method":"GET","url":"https://cdn.example.com/app.js","headers":[]}},"response":{{"status":200,"content":{{"mimeType":"application/javascript","text":"{asset}"}}}}}},"#
        ),
        format!(
            r#"{{"request":{{"method":"GET","url":"https://www.upwork.com/api/auth/v1/info.json","headers":[{{"name":"Accept","value":"*/*"}}]}},"response":{{"status":200,"content":{{"mimeType":"application/json","text":"{answer}"}}}}}},"#
        ),
    ]
    .concat()
}

#[test]
fn scan_memory_stays_flat_over_hundreds_of_megabytes_of_ordinary_entries() {
    let dir = tempfile::tempdir().unwrap();
    let unit = four_ordinary_entries();
    let times = 300 * MIB / unit.len() as u64;
    let head = r#"{"log": {"version": "1.2", "entries": ["#;
    let tail = r#"{"request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json", "headers": []}, "response": {"status": 200, "content": {}}}]}}"#;
    let stream = Stream::with_filler(dir.path(), head, unit.as_bytes(), times, tail);
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.arg("scan").arg(&stream.path);
    let (code, peak) = exit_code_and_peak_rss(scan);
    let read = stream.finish();
    assert_eq!(
        read,
        times * unit.len() as u64 + (head.len() + tail.len()) as u64
    );
    // The refused calls are findings: exit 1, every entry read.
    assert_eq!(code, 1);
    assert!(
        peak < FLAT,
        "peak resident memory {} MiB over {} MiB of entries",
        peak / MIB,
        read / MIB
    );
}

#[test]
fn scan_memory_stays_flat_over_one_huge_entry() {
    let dir = tempfile::tempdir().unwrap();
    // A token request without Content-Length (a finding: exit 1), then one entry of 256 MiB: a
    // recorded download of another site.
    let head = r#"{"log": {"entries": [{"request": {"method": "POST", "url": "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=k", "headers": []}, "response": {"status": 411, "content": {}}}, {"request": {"method": "GET", "url": "https://cdn.example.com/backup.tar", "headers": []}, "response": {"status": 200, "content": {"mimeType": "application/x-tar", "text": ""#;
    let tail = r#""}}}]}}"#;
    let stream = Stream::new(dir.path(), head, 256 * MIB, tail);
    let mut scan = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    scan.arg("scan").arg(&stream.path);
    let (code, peak) = exit_code_and_peak_rss(scan);
    assert_eq!(
        stream.finish(),
        256 * MIB + (head.len() + tail.len()) as u64
    );
    assert_eq!(code, 1);
    assert!(peak < FLAT, "peak resident memory {} MiB", peak / MIB);
}
