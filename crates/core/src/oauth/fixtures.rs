//! Requests shared by the tests of the OAuth modules.

use crate::request::{CapturedRequest, Header, RawUrl, Source};

/// A captured request from its parts.
pub fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> CapturedRequest {
    CapturedRequest {
        method: method.into(),
        url: RawUrl::parse(url).unwrap(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        body: body.as_bytes().to_vec(),
        time: None,
        source: Source::Flags,
    }
}

pub const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");
