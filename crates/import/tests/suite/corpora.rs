//! Conformance of the importers with third-party corpora.
//!
//! `UPWORK_DIAG_CORPORA` names a directory with `curlconverter/` (curl commands and the HTTP
//! requests they send) and `har-captures/` (HAR files exported by real tools). Without it the
//! tests say `skipped:` on the process's own stderr (a plain `cargo test` shows it) and pass, so
//! a plain `cargo test` needs nothing beside the checkout; `.ci/run` sets it, and a path that is
//! not a directory fails.
//!
//! Everything is compared: the full URL (scheme, host, port, path, query), every header (those
//! curl writes itself are listed in [`added_by_curl`] with why the importer leaves them out), the
//! body; the cases whose input files the corpus leaves out are counted apart, each checked to
//! fail with the error that names the file; the pass count is exact.
// Test and bench reports print directly: the redacting boundary is for the tool's own output.
#![allow(clippy::disallowed_macros)]

use std::collections::BTreeMap;
use std::io::Write;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use upwork_diag_core::request::RawUrl;
use upwork_diag_core::request::{CapturedRequest, Header};
use upwork_diag_import::curl::parse_curl;
use upwork_diag_import::har::{for_each_entry, read_har_entry};

#[allow(clippy::disallowed_methods)] // the skip is said on the process's own stderr
fn corpora() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("UPWORK_DIAG_CORPORA").map(PathBuf::from) else {
        // The harness keeps a passing test's prints to itself; the process's own stderr is shown
        // by a plain `cargo test` (and found by `.ci/run`).
        let _ = writeln!(
            std::io::stderr(),
            "skipped: UPWORK_DIAG_CORPORA is not set: the conformance checks over the third-party corpora"
        );
        return None;
    };
    assert!(
        dir.is_dir(),
        "UPWORK_DIAG_CORPORA={} is not a directory",
        dir.display()
    );
    Some(dir)
}

/// Where curlconverter sent every command to record the request (its test server, plain HTTP):
/// the URL of a command whose own `Host` header names another host still goes here.
const RECORDING_SERVER: (&str, &str, u16) = ("http", "localhost", 28139);

/// The headers curl writes by itself and the importer leaves out on purpose (the replay sends
/// the call as the developer's code does, not as curl would; the checks do not need them).
/// Each: the name, the value curl writes, and why the importer does not.
const ADDED_BY_CURL: &[(&str, &str, &str)] = &[
    (
        "host",
        "",
        "derived from the URL, compared with it in `compare` instead",
    ),
    (
        "user-agent",
        "curl/8.2.1",
        "curl's own User-Agent: not the developer's, and the version is the recorder's",
    ),
    (
        "accept",
        "*/*",
        "curl's default Accept, written when the command sets none",
    ),
];

/// Whether this header of the expected request is one curl wrote itself (see [`ADDED_BY_CURL`])
/// and the import has no such header: a header the command sets (`-H 'Accept: */*'`) is
/// compared like any other.
fn added_by_curl(h: &Header, ours: &[Header]) -> bool {
    let ours_has_it = ours
        .iter()
        .any(|o| o.name.eq_ignore_ascii_case(&h.name) && o.value == h.value);
    !ours_has_it
        && ADDED_BY_CURL.iter().any(|(name, value, _)| {
            h.name.eq_ignore_ascii_case(name) && (value.is_empty() || h.value == *value)
        })
}

/// Headers compared as a multiset: the expected files list curl's own body headers in an order
/// of their own, and some write every name in lower case. `Host` is compared with the URL.
fn header_set(
    headers: &[Header],
    keep: impl Fn(&Header) -> bool,
) -> BTreeMap<(String, &str), usize> {
    let mut set = BTreeMap::new();
    for h in headers
        .iter()
        .filter(|h| !h.name.eq_ignore_ascii_case("host") && keep(h))
    {
        *set.entry((h.name.to_ascii_lowercase(), h.value.as_str()))
            .or_default() += 1;
    }
    set
}

/// The request line and headers of an expected file, read as text on their own (not through
/// the project's raw parser, which is itself under test).
struct Expected {
    method: String,
    target: String,
    headers: Vec<Header>,
    body: Vec<u8>,
}

fn read_expected(raw: &[u8]) -> Expected {
    let split = raw
        .windows(2)
        .position(|w| w == b"\n\n")
        .map(|i| (i, i + 2))
        .or_else(|| {
            raw.windows(4)
                .position(|w| w == b"\r\n\r\n")
                .map(|i| (i, i + 4))
        })
        .unwrap_or((raw.len(), raw.len()));
    let head = String::from_utf8(raw[..split.0].to_vec()).expect("the head is text");
    let mut lines = head.lines();
    let mut request_line = lines.next().expect("a request line").split(' ');
    let method = request_line.next().unwrap().to_string();
    let target = request_line.next().unwrap();
    // curlconverter renders the target of a URL without a path as `?query`; curl sends
    // `/?query` (an origin-form target starts with `/`, RFC 9112 section 3.2.1). Two pairs.
    let target = match target.strip_prefix('?') {
        Some(query) => format!("/?{query}"),
        None => target.to_string(),
    };
    let headers: Vec<Header> = lines
        .map(|l| {
            let (name, value) = l.split_once(':').expect("a header line");
            Header::new(name, value.trim())
        })
        .collect();
    let mut body = raw[split.1..].to_vec();
    let length = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-length"))
        .and_then(|h| h.value.parse::<usize>().ok());
    match length {
        Some(len) if len <= body.len() => body.truncate(len),
        // The file ends with a line break of its own after a body without a length.
        _ => {
            if body.ends_with(b"\n") {
                body.pop();
            }
        }
    }
    Expected {
        method,
        target,
        headers,
        body,
    }
}

/// The URL the command's request went to: the recording server when the command sets a `Host`
/// header of its own, else the host the expected `Host` header names (curl writes it from the URL).
fn expected_url(expected: &Expected, command_sets_host: bool) -> (String, String, u16) {
    let (scheme, host, port) = RECORDING_SERVER;
    if command_sets_host {
        return (scheme.to_string(), host.to_string(), port);
    }
    let authority = expected
        .headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("host"))
        .map(|h| h.value.clone())
        .expect("curl always writes Host");
    match authority.rsplit_once(':') {
        Some((host, port)) => (scheme.to_string(), host.to_string(), port.parse().unwrap()),
        // No port in Host: the scheme's own.
        None => (scheme.to_string(), authority, 80),
    }
}

/// Where `ours` differs from what curl sent, or `Ok`.
fn compare(ours: &CapturedRequest, expected: &Expected) -> Result<(), String> {
    if ours.method != expected.method {
        return Err(format!("method {:?} != {:?}", ours.method, expected.method));
    }
    let command_sets_host = ours.header("host").is_some();
    let (scheme, host, port) = expected_url(expected, command_sets_host);
    let url = &ours.url;
    if (url.scheme(), url.host(), url.port()) != (scheme.as_str(), host.as_str(), port) {
        return Err(format!(
            "URL {:?}: scheme, host and port are not {scheme}://{host}:{port}",
            url.as_str()
        ));
    }
    if url.target() != expected.target {
        return Err(format!(
            "target {:?} != {:?}",
            url.target(),
            expected.target
        ));
    }
    // A Host the command sets is sent as it is; curl's own comes from the URL, checked above.
    if let Some(ours_host) = ours.header("host") {
        let theirs = expected
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case("host"))
            .map(|h| h.value.as_str());
        if theirs != Some(ours_host) {
            return Err(format!("Host {ours_host:?} != {theirs:?}"));
        }
    }
    let a = header_set(&ours.headers, |_| true);
    let b = header_set(&expected.headers, |h| !added_by_curl(h, &ours.headers));
    if a != b {
        let missing: Vec<_> = b.keys().filter(|k| !a.contains_key(*k)).collect();
        let extra: Vec<_> = a.keys().filter(|k| !b.contains_key(*k)).collect();
        return Err(format!("headers: missing {missing:?}, extra {extra:?}"));
    }
    if ours.body != expected.body {
        return Err(format!(
            "body {:?} != {:?}",
            String::from_utf8_lossy(&ours.body),
            String::from_utf8_lossy(&expected.body)
        ));
    }
    Ok(())
}

/// The curlconverter pairs, each imported: the name, the command's import (or its error) and
/// the expected request.
type Pair = (
    String,
    Result<CapturedRequest, upwork_diag_import::import_error::ImportError>,
    Expected,
);

fn curlconverter_pairs(dir: &Path) -> Vec<Pair> {
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
    names
        .into_iter()
        .map(|name| {
            let text = std::fs::read_to_string(commands.join(format!("{name}.sh"))).unwrap();
            let raw = std::fs::read(http.join(format!("{name}.txt"))).unwrap();
            let import = parse_curl(&text, &format!("{name}.sh"), &commands).map(|i| i.request);
            (name, import, read_expected(&raw))
        })
        .collect()
}

/// The commands that read a file or standard input the corpus leaves out (`@file`, `-T`, `@-`):
/// each must fail with the error that names what is missing, and none counts as a pass.
const MISSING_INPUT: &[&str] = &[
    "multiple_urls",
    "post_binary_file",
    "put_with_T_option",
    "put_with_file",
    "read_stdin",
    "redirect_command_data",
    "redirect_command_url_query",
    "redirect_variable_data",
    "upload_file",
    "url_query_reads_file",
];

/// The pairs reproduced whole (64 less the missing inputs): one fewer is a regression.
const PASSED: usize = 54;

/// The commands whose request the importer does not reproduce, each with why.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[];

#[test]
fn curlconverter_requests_are_reproduced_whole() {
    let Some(dir) = corpora() else { return };
    let pairs = curlconverter_pairs(&dir);
    let (mut passed, mut missing_input, mut failures) = (Vec::new(), Vec::new(), Vec::new());
    for (name, import, expected) in &pairs {
        match import {
            Err(e) => match e.missing_input() {
                Some(input) => {
                    let message = e.to_string();
                    // The clear error: the command's file and line, and the input by name.
                    if message.starts_with(&format!("{name}.sh:")) && message.contains(&input) {
                        missing_input.push(name.clone());
                    } else {
                        failures.push((name.clone(), format!("unclear error: {message}")));
                    }
                }
                None => failures.push((name.clone(), format!("error: {e}"))),
            },
            Ok(request) => match compare(request, expected) {
                Ok(()) => passed.push(name.clone()),
                Err(reason) => failures.push((name.clone(), reason)),
            },
        }
    }
    println!(
        "curlconverter: {} of {} reproduced whole, {} read a missing input, {} differ",
        passed.len(),
        pairs.len(),
        missing_input.len(),
        failures.len()
    );
    for name in &missing_input {
        println!("  missing input  {name}");
    }
    for (name, reason) in &failures {
        println!("  DIFFERS  {name}: {reason}");
    }
    assert_eq!(pairs.len(), 64, "the corpus holds 64 pairs");
    assert_eq!(missing_input, MISSING_INPUT);
    let differing: Vec<&str> = failures.iter().map(|(n, _)| n.as_str()).collect();
    let known: Vec<&str> = KNOWN_DIFFERENCES.iter().map(|(n, _)| *n).collect();
    assert_eq!(differing, known, "{failures:#?}");
    assert_eq!(passed.len(), PASSED);
}

/// The comparison itself can fail: every reproduced request sent to another host (the rewrite
/// `upwork.invalid:1`, which the old comparison of path and query let through) is caught.
#[test]
fn a_request_sent_to_another_host_is_caught() {
    let Some(dir) = corpora() else { return };
    let mut checked = 0;
    for (name, import, expected) in curlconverter_pairs(&dir) {
        let Ok(mut request) = import else { continue };
        if compare(&request, &expected).is_err() {
            continue;
        }
        let elsewhere = format!(
            "{}://upwork.invalid:1{}",
            request.url.scheme(),
            request.url.target()
        );
        request.url = RawUrl::parse(&elsewhere).unwrap();
        assert!(
            compare(&request, &expected).is_err(),
            "{name}: sent to {elsewhere} and still passes"
        );
        checked += 1;
    }
    assert_eq!(checked, PASSED);
}

/// A HAR file's entries as the file writes them, read with serde_json alone.
fn source_entries(path: &Path) -> Vec<serde_json::Value> {
    let bytes = std::fs::read(path).unwrap();
    let text = std::str::from_utf8(&bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let har: serde_json::Value = serde_json::from_str(text).unwrap();
    har["log"]["entries"].as_array().unwrap().clone()
}

/// Where the request read from entry `entry` differs from the entry's own fields, or `Ok`.
fn compare_entry(ours: &CapturedRequest, entry: &serde_json::Value) -> Result<(), String> {
    let source = &entry["request"];
    if ours.method != source["method"].as_str().unwrap() {
        return Err(format!("method {:?} != {}", ours.method, source["method"]));
    }
    if ours.url.as_str() != source["url"].as_str().unwrap() {
        return Err(format!("url {:?} != {}", ours.url.as_str(), source["url"]));
    }
    let all: Vec<(&str, &str)> = source["headers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["name"].as_str().unwrap(), h["value"].as_str().unwrap()))
        .collect();
    // HTTP/2's pseudo-headers are its request line: the importer leaves them out of the headers
    // (they are not sent as headers over HTTP/1.1), so each must match the method and the URL.
    let (pseudo, theirs): (Vec<_>, Vec<_>) = all.into_iter().partition(|(n, _)| n.starts_with(':'));
    for (name, value) in pseudo {
        let ours_value = match name {
            ":method" => ours.method.clone(),
            ":scheme" => ours.url.scheme().to_string(),
            ":authority" => ours.url.authority().to_string(),
            ":path" => ours.url.target(),
            _ => return Err(format!("an unknown pseudo-header {name}")),
        };
        if ours_value != value {
            return Err(format!("{name} {value:?} != {ours_value:?}"));
        }
    }
    let ours_headers: Vec<(&str, &str)> = ours
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    if ours_headers != theirs {
        return Err(format!("headers {ours_headers:?} != {theirs:?}"));
    }
    let body = source["postData"]["text"].as_str().unwrap_or("");
    if ours.body != body.as_bytes() {
        return Err(format!(
            "body {:?} != {body:?}",
            String::from_utf8_lossy(&ours.body)
        ));
    }
    Ok(())
}

#[test]
fn har_captures_are_read_field_by_field() {
    let Some(dir) = corpora() else { return };
    let dir = dir.join("har-captures");
    let (mut totals, mut differences) = (Vec::new(), Vec::new());
    for name in [
        "chrome.har",
        "firefox.har",
        "safari.har",
        "charles.har",
        "insomnia.har",
        "postdata.har",
        "head-content-length.har",
        "with-bom.har",
    ] {
        let path: &Path = &dir.join(name);
        let sources = source_entries(path);
        let mut is_request = Vec::new();
        let count = for_each_entry(std::fs::File::open(path).unwrap(), name, |_, entry| {
            is_request.push(entry.request.is_ok());
            ControlFlow::Continue(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count, sources.len(), "{name}: every entry is read");
        let mut compared = 0;
        for (index, source) in sources.iter().enumerate() {
            let url = source["request"]["url"].as_str().unwrap();
            if !is_request[index] {
                // Only a URL that is not http(s) (data:, ws:, blob:) may be passed over.
                assert!(
                    !url.starts_with("http://") && !url.starts_with("https://"),
                    "{name} entry {index}: {url} is not read as a request"
                );
                continue;
            }
            let file = std::fs::File::open(path).unwrap();
            let (i, request, _) =
                read_har_entry(file, name, Some(index)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(i, index);
            match compare_entry(&request, source) {
                Ok(()) => compared += 1,
                Err(difference) => differences.push(format!("{name} entry {index}: {difference}")),
            }
        }
        println!(
            "{name}: {} entries, {compared} requests compared field by field",
            sources.len()
        );
        totals.push((name, sources.len(), compared));
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    assert_eq!(totals, EXPECTED_TOTALS);
}

/// Per capture: its entries, and the requests among them (the others are not http(s)).
const EXPECTED_TOTALS: &[(&str, usize, usize)] = &[
    ("chrome.har", 3, 3),
    ("firefox.har", 14, 14),
    ("safari.har", 19, 19),
    ("charles.har", 1, 1),
    ("insomnia.har", 1, 1),
    ("postdata.har", 1, 1),
    ("head-content-length.har", 1, 1),
    ("with-bom.har", 1, 1),
];
