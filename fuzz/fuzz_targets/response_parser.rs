//! The response parser of the byte-exact transport, fed the way the socket feeds it: in pieces,
//! then at end of input, as a GET and as a HEAD.
#![no_main]

use libfuzzer_sys::fuzz_target;
use upwork_diag::replay::response_parser::{ParseState, parse_response};

fuzz_target!(|data: &[u8]| {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let is_head = first & 1 == 1;
    // A small limit too, so that the cut of an over-long body is exercised.
    let max_body = if first & 2 == 2 { 64 } else { 1 << 20 };
    let step = usize::from(first >> 2).max(1);
    let mut end = 0;
    while end < data.len() {
        end = (end + step).min(data.len());
        match parse_response(&data[..end], is_head, false, max_body) {
            Ok(ParseState::Incomplete) => {}
            Ok(ParseState::Complete(response)) => {
                assert!(response.body.len() <= max_body);
                return;
            }
            Err(_) => return,
        }
    }
    if let Ok(ParseState::Complete(response)) = parse_response(data, is_head, true, max_body) {
        assert!(response.body.len() <= max_body);
    }
});
