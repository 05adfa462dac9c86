//! The requests the emulator received, for `/__mock/requests`. Bearer tokens, Basic credentials
//! and cookie values are masked on the way in: the journal is meant to be read and shared.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::request::Header;

/// The most entries kept; the oldest go first.
const MAX_ENTRIES: usize = 1000;
/// The most body bytes kept per entry.
const MAX_BODY: usize = 64 * 1024;

/// One request received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    pub time: DateTime<Utc>,
    pub method: String,
    /// The request target as sent.
    pub target: String,
    /// Headers in order and case, secrets masked.
    pub headers: Vec<Header>,
    /// The body as text (lossy when not UTF-8), cut at 64 KiB.
    pub body: String,
    pub body_size: usize,
    pub body_truncated: bool,
    /// The status answered; `null` when the connection was broken on purpose.
    pub status: Option<u16>,
    /// The fault mode served, if any.
    pub fault: Option<&'static str>,
}

impl Entry {
    pub(crate) fn new(method: &str, target: &str, headers: &[Header], body: &[u8]) -> Entry {
        let kept = &body[..body.len().min(MAX_BODY)];
        Entry {
            time: Utc::now(),
            method: method.to_string(),
            target: target.to_string(),
            headers: headers.iter().map(mask).collect(),
            body: String::from_utf8_lossy(kept).into_owned(),
            body_size: body.len(),
            body_truncated: kept.len() < body.len(),
            status: None,
            fault: None,
        }
    }
}

/// The bounded list of entries.
#[derive(Default)]
pub(crate) struct Journal {
    entries: VecDeque<Entry>,
}

impl Journal {
    pub fn push(&mut self, entry: Entry) {
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.entries.push_back(entry);
    }

    pub fn entries(&self) -> Vec<Entry> {
        self.entries.iter().cloned().collect()
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

const MASK: &str = "***";

/// The header with its secret parts masked. OAuth 1.0 parameters stay: none of them is a secret
/// and they are what a signature diagnosis needs.
fn mask(header: &Header) -> Header {
    let name = header.name.as_str();
    let value = header.value.as_str();
    let masked = if name.eq_ignore_ascii_case("authorization")
        || name.eq_ignore_ascii_case("proxy-authorization")
    {
        match value.split_once(' ') {
            Some((scheme, _)) if scheme.eq_ignore_ascii_case("oauth") => value.to_string(),
            Some((scheme, _)) => format!("{scheme} {MASK}"),
            None => MASK.to_string(),
        }
    } else if name.eq_ignore_ascii_case("cookie") {
        value
            .split(';')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) => format!("{}={MASK}", key.trim()),
                None => MASK.to_string(),
            })
            .collect::<Vec<_>>()
            .join("; ")
    } else {
        value.to_string()
    };
    Header::new(name, masked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_bearer_basic_and_cookies_but_keeps_oauth() {
        let m = |n: &str, v: &str| mask(&Header::new(n, v)).value;
        assert_eq!(m("Authorization", "Bearer abc.def"), "Bearer ***");
        assert_eq!(m("authorization", "Basic dXNlcjpwdw=="), "Basic ***");
        assert_eq!(
            m("Cookie", "session=s3cr3t; theme=dark"),
            "session=***; theme=***"
        );
        assert_eq!(
            m("Authorization", "OAuth oauth_consumer_key=\"ck\""),
            "OAuth oauth_consumer_key=\"ck\""
        );
        assert_eq!(m("Accept", "*/*"), "*/*");
    }
}
