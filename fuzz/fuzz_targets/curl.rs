//! A pasted curl command line: bash quoting, `$'..'`, continuations, every option curl has.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // `@file` bodies resolve under a directory that does not exist: no file is ever read.
    let base = std::path::Path::new("/nonexistent/upwork-diag-fuzz");
    let _ = upwork_diag::request::curl::parse_curl(text, "fuzz", base);
});
