//! A pasted curl command line: bash quoting, `$'..'`, continuations, every option curl has.
//! The logic lives in `upwork_diag_diagnose::fuzzing`, which `cargo test` replays the corpus through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| upwork_diag_diagnose::fuzzing::curl_command(data));
