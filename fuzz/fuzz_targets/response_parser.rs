//! The response parser of the byte-exact transport, fed the way the socket feeds it: in pieces,
//! then at end of input, as a GET and as a HEAD.
//! The logic lives in `upwork_diag_diagnose::fuzzing`, which `cargo test` replays the corpus through.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| upwork_diag_diagnose::fuzzing::response_bytes(data));
