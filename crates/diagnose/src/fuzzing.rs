//! The four fuzz entry points, one function each: the libFuzzer targets in `fuzz/` call these,
//! and `cargo test` (crates/diagnose/tests/suite/parsers_stress.rs) replays the committed corpus
//! through the very same functions, so that an input which crashed the fuzzer crashes the test too.
//! Here, above the importers and the transport, because one target is the transport's response
//! parser.
//!
//! None of them may panic on any input; the only panics are the invariants asserted here (a
//! complete response's body within its limit), which a fuzzer must report as crashes.

use std::ops::ControlFlow;
use std::path::Path;

use crate::replay::response_parser::{ParseState, parse_response};
use upwork_diag_import::{curl, har, raw};

/// A fuzz target's entry point: any bytes, and no panic.
pub type EntryPoint = fn(&[u8]);

/// The fuzz targets by name (the names of `fuzz/fuzz_targets/*.rs` and of the corpus
/// directories `fuzz/corpus/<name>/`), each with its entry point.
pub const TARGETS: &[(&str, EntryPoint)] = &[
    ("curl", curl_command),
    ("raw_http", raw_request),
    ("har", har_file),
    ("response_parser", response_bytes),
];

/// A pasted curl command (any UTF-8; other bytes are skipped). `@file` bodies resolve under a
/// directory that does not exist, so no file is ever read.
pub fn curl_command(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = Path::new("/nonexistent/upwork-diag-fuzz");
    let _ = curl::parse_curl(text, "fuzz", base);
}

/// A raw HTTP request, with and without a default scheme and host.
pub fn raw_request(data: &[u8]) {
    let _ = raw::parse_raw(data, "fuzz", Some("https://www.upwork.com"));
    let _ = raw::parse_raw(data, "fuzz", None);
}

/// A HAR file, streamed entry by entry; every entry is looked at as `scan` does.
pub fn har_file(data: &[u8]) {
    let _ = har::for_each_entry(data, "fuzz", |_, entry| {
        let _ = entry.is_upwork_api();
        ControlFlow::Continue(())
    });
}

/// The transport's response parser, fed as the socket feeds it: growing prefixes, then the whole
/// at end of input. The first byte picks HEAD or not, a 64-byte or 1 MiB body limit (the small one
/// exercises the cut of an over-long body) and the step; a complete response's body must be
/// within the limit.
pub fn response_bytes(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let is_head = first & 1 == 1;
    let max_body = if first & 2 == 2 { 64 } else { 1 << 20 };
    let step = usize::from(first >> 2).max(1);
    let mut end = 0;
    while end < data.len() {
        end = (end + step).min(data.len());
        match parse_response(&data[..end], is_head, false, max_body) {
            Ok(ParseState::Incomplete) => {}
            Ok(ParseState::Complete(response)) => {
                assert!(response.body.len() <= max_body, "a body over its limit");
                return;
            }
            Err(_) => return,
        }
    }
    if let Ok(ParseState::Complete(response)) = parse_response(data, is_head, true, max_body) {
        assert!(response.body.len() <= max_body, "a body over its limit");
    }
}
