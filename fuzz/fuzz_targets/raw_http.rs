//! A raw HTTP request: request line, headers, blank line, body, any bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = upwork_diag::request::raw::parse_raw(data, "fuzz", Some("https://www.upwork.com"));
    let _ = upwork_diag::request::raw::parse_raw(data, "fuzz", None);
});
