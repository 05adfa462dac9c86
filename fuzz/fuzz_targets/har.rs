//! A HAR file, streamed entry by entry; every entry is looked at as `scan` does.
#![no_main]

use std::ops::ControlFlow;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = upwork_diag::request::har::for_each_entry(data, "fuzz", |_, entry| {
        let _ = entry.is_upwork_api();
        ControlFlow::Continue(())
    });
});
