//! A HAR file, streamed entry by entry; every entry is looked at as `scan` does.
//! The logic lives in `upwork_diag_diagnose::fuzzing`, which `cargo test` replays the corpus through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| upwork_diag_diagnose::fuzzing::har_file(data));
