//! Conformance of the importers with third-party corpora, when they are present.
//!
//! `UPWORK_DIAG_CORPORA` names a directory with `curlconverter/` (curl commands and the HTTP
//! requests they send) and `har-captures/` (HAR files exported by real tools). Without it the
//! test says so and passes, so a plain `cargo test` needs nothing beside the checkout.
// Test and bench reports print directly: the redacting boundary is for the tool's own output.
#![allow(clippy::disallowed_macros)]

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use upwork_diag::request::curl::parse_curl;
use upwork_diag::request::har::{for_each_entry, read_har_entry};
use upwork_diag::request::raw::parse_raw;
use upwork_diag::request::{CapturedRequest, Header};

fn corpora() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("UPWORK_DIAG_CORPORA").map(PathBuf::from) else {
        eprintln!("UPWORK_DIAG_CORPORA is not set: the conformance checks are skipped");
        return None;
    };
    if !dir.is_dir() {
        eprintln!(
            "UPWORK_DIAG_CORPORA={} is not a directory: skipped",
            dir.display()
        );
        return None;
    }
    Some(dir)
}

/// The headers curl adds by itself, which the curl importer leaves out on purpose.
fn added_by_curl(h: &Header) -> bool {
    h.name.eq_ignore_ascii_case("host")
        || (h.name.eq_ignore_ascii_case("accept") && h.value == "*/*")
        || (h.name.eq_ignore_ascii_case("user-agent") && h.value.starts_with("curl/"))
}

/// Headers compared as a multiset: the expected files list curl's own body headers in an order
/// of their own, and some write every name in lower case.
fn header_set(headers: &[Header]) -> BTreeMap<(String, String), usize> {
    let mut set = BTreeMap::new();
    for h in headers.iter().filter(|h| !added_by_curl(h)) {
        *set.entry((h.name.to_ascii_lowercase(), h.value.clone()))
            .or_default() += 1;
    }
    set
}

/// The body the expected file shows: its Content-Length bytes (the file adds a line break).
fn expected_body(request: &CapturedRequest) -> Vec<u8> {
    let mut body = request.body.clone();
    match request
        .header("content-length")
        .and_then(|v| v.trim().parse::<usize>().ok())
    {
        Some(len) if len <= body.len() => body.truncate(len),
        _ => {
            if body.ends_with(b"\n") {
                body.pop();
            }
        }
    }
    body
}

fn compare(ours: &CapturedRequest, expected: &CapturedRequest) -> Result<(), String> {
    if ours.method != expected.method {
        return Err(format!("method {:?} != {:?}", ours.method, expected.method));
    }
    if ours.url.target() != expected.url.target() {
        return Err(format!(
            "target {:?} != {:?}",
            ours.url.target(),
            expected.url.target()
        ));
    }
    let (a, b) = (header_set(&ours.headers), header_set(&expected.headers));
    if a != b {
        let missing: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let extra: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        return Err(format!("headers: missing {missing:?}, extra {extra:?}"));
    }
    let body = expected_body(expected);
    if ours.body != body {
        return Err(format!(
            "body {:?} != {:?}",
            String::from_utf8_lossy(&ours.body),
            String::from_utf8_lossy(&body)
        ));
    }
    Ok(())
}

#[test]
fn curlconverter_pairs() {
    let Some(dir) = corpora() else { return };
    let commands = dir.join("curlconverter/curl_commands");
    let http = dir.join("curlconverter/http");
    let mut names: Vec<String> = std::fs::read_dir(&commands)
        .expect("curl_commands/")
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".sh")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    let mut failures = Vec::new();
    let mut missing_input = Vec::new();
    for name in &names {
        let text = std::fs::read_to_string(commands.join(format!("{name}.sh"))).unwrap();
        let raw_path = http.join(format!("{name}.txt"));
        let raw = std::fs::read(&raw_path).unwrap();
        let outcome = match parse_curl(&text, &format!("{name}.sh"), &commands) {
            Err(e) => match e.missing_input() {
                // The corpus leaves out the files and input that some commands read.
                Some(input) if e.to_string().contains(&input) => {
                    missing_input.push(format!("{name}: {e}"));
                    Ok(())
                }
                _ => Err(format!("error: {e}")),
            },
            Ok(import) => match parse_raw(&raw, &format!("{name}.txt"), None) {
                Err(e) => Err(format!("expected request unreadable: {e}")),
                Ok(expected) => compare(&import.request, &expected),
            },
        };
        if let Err(reason) = outcome {
            failures.push(format!("{name}: {reason}"));
        }
    }
    let total = names.len();
    let passed = total - failures.len();
    println!(
        "curlconverter: {passed}/{total} pass ({} by naming a missing input)",
        missing_input.len()
    );
    for line in &missing_input {
        println!("  missing input  {line}");
    }
    for line in &failures {
        println!("  FAIL  {line}");
    }
    assert_eq!(total, 64, "the corpus should hold 64 pairs");
    assert!(
        passed * 100 >= total * 95,
        "pass rate {passed}/{total} is under 95%"
    );
}

#[test]
fn har_captures_read_entirely() {
    let Some(dir) = corpora() else { return };
    let dir = dir.join("har-captures");
    let names = [
        "chrome.har",
        "firefox.har",
        "safari.har",
        "charles.har",
        "insomnia.har",
        "postdata.har",
        "head-content-length.har",
        "with-bom.har",
    ];
    for name in names {
        let path: &Path = &dir.join(name);
        let file = std::fs::File::open(path).unwrap();
        let (mut requests, mut skipped) = (0, 0);
        let count = for_each_entry(file, name, |_, entry| {
            match entry.request {
                Ok(_) => requests += 1,
                Err(_) => skipped += 1,
            }
            ControlFlow::Continue(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        println!("{name}: {count} entries, {requests} requests, {skipped} not http(s)");
        assert!(count > 0, "{name} has entries");
        for index in 0..count {
            let file = std::fs::File::open(path).unwrap();
            let (i, request, _) =
                read_har_entry(file, name, Some(index)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(i, index);
            assert!(!request.method.is_empty());
        }
    }
}
