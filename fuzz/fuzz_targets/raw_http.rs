//! A raw HTTP request: request line, headers, blank line, body, any bytes.
//! The logic lives in `upwork_diag_diagnose::fuzzing`, which `cargo test` replays the corpus through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| upwork_diag_diagnose::fuzzing::raw_request(data));
