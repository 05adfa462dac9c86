//! The requests the emulator received, for `/__mock/requests`. Bearer tokens, Basic credentials
//! and cookie values are masked on the way in: the journal is meant to be read and shared.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use crate::request::Header;

/// The most body bytes kept per entry.
const MAX_BODY: usize = 64 * 1024;

/// One request received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// Its number, from 0 in the order received (set when recorded); numbers go on when old
    /// entries are dropped, so a reader can tell what it missed.
    pub id: u64,
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
            id: 0,
            time: Utc::now(),
            method: method.to_string(),
            target: mask_target(target),
            headers: headers.iter().map(mask).collect(),
            body: mask_body(&String::from_utf8_lossy(kept)),
            body_size: body.len(),
            body_truncated: kept.len() < body.len(),
            status: None,
            fault: None,
        }
    }
}

/// The list of entries, bounded in count and in bytes: a flood of large requests costs the
/// oldest entries, never the emulator's memory or a huge `/__mock/requests` answer.
pub(crate) struct Journal {
    /// Each entry with its size as JSON.
    entries: VecDeque<(Entry, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    next_id: u64,
    /// The id of the first entry since the start or the last clear.
    first_id: u64,
}

/// One page of the journal, as `/__mock/requests?offset=N&limit=M` answers it.
#[derive(Debug, serde::Serialize)]
pub struct Page {
    pub requests: Vec<Entry>,
    /// Entries kept in all; `offset` counts from the oldest of them.
    pub total: usize,
    pub offset: usize,
    /// Entries dropped to stay within the limits, since the start or the last clear.
    pub dropped: u64,
}

impl Journal {
    pub fn new(max_entries: usize, max_bytes: usize) -> Journal {
        Journal {
            entries: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
            next_id: 0,
            first_id: 0,
        }
    }

    pub fn push(&mut self, mut entry: Entry) {
        entry.id = self.next_id;
        self.next_id += 1;
        // The size as `/__mock/requests` writes it: escaping can make a body six times longer.
        let size = serde_json::to_vec(&entry).map_or(0, |bytes| bytes.len());
        self.entries.push_back((entry, size));
        self.bytes += size;
        while self.entries.len() > self.max_entries
            || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            let (_, size) = self.entries.pop_front().expect("not empty");
            self.bytes -= size;
        }
        // A single entry larger than the whole budget is kept as its bare facts, body left out.
        if self.bytes > self.max_bytes
            && let Some((last, size)) = self.entries.back_mut()
        {
            last.body = String::new();
            last.headers.clear();
            last.body_truncated = true;
            let smaller = serde_json::to_vec(&*last).map_or(0, |bytes| bytes.len());
            self.bytes = self.bytes - *size + smaller;
            *size = smaller;
        }
    }

    /// Up to `limit` entries from the `offset`-th oldest kept.
    pub fn page(&self, offset: usize, limit: usize) -> Page {
        let oldest = self.entries.front().map_or(self.next_id, |(e, _)| e.id);
        Page {
            requests: self
                .entries
                .iter()
                .skip(offset)
                .take(limit)
                .map(|(e, _)| e.clone())
                .collect(),
            total: self.entries.len(),
            offset,
            dropped: oldest - self.first_id,
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.first_id = self.next_id;
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
            // A PLAINTEXT signature is the two secrets themselves.
            Some((scheme, _))
                if scheme.eq_ignore_ascii_case("oauth")
                    && value.to_ascii_uppercase().contains("PLAINTEXT") =>
            {
                mask_plaintext_signature(value)
            }
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

fn mask_plaintext_signature(value: &str) -> String {
    let key = "oauth_signature=\"";
    let Some(start) = value.find(key).map(|i| i + key.len()) else {
        return value.to_string();
    };
    let end = value[start..].find('"').map_or(value.len(), |i| start + i);
    format!("{}{MASK}{}", &value[..start], &value[end..])
}

/// `a=1&b=2` with the values of secret parameters masked (and a PLAINTEXT signature).
fn mask_form(form: &str) -> String {
    let plaintext = form.contains("PLAINTEXT");
    form.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _))
                if crate::bundle::redact::is_secret_name(name)
                    || (plaintext && name == "oauth_signature") =>
            {
                format!("{name}={MASK}")
            }
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The target with secret query parameters masked: `?access_token=` and the like are a leak in a
/// journal that is meant to be shared, and in the log line made from it.
fn mask_target(target: &str) -> String {
    match target.split_once('?') {
        Some((path, query)) => format!("{path}?{}", mask_form(query)),
        None => target.to_string(),
    }
}

/// A body with secret form parameters or JSON fields masked (a token request carries
/// `client_secret`, `refresh_token`, `password`).
fn mask_body(body: &str) -> String {
    if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(body) {
        if mask_json(&mut json) {
            return json.to_string();
        }
        return body.to_string();
    }
    if body.contains('=') && !body.contains(['{', '<', '\n']) {
        return mask_form(body);
    }
    body.to_string()
}

fn mask_json(value: &mut serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => {
            let mut changed = false;
            for (key, v) in map.iter_mut() {
                if crate::bundle::redact::is_secret_name(key) && v.is_string() {
                    *v = serde_json::Value::String(MASK.to_string());
                    changed = true;
                } else {
                    changed |= mask_json(v);
                }
            }
            changed
        }
        serde_json::Value::Array(items) => items.iter_mut().fold(false, |c, v| mask_json(v) | c),
        _ => false,
    }
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
        assert_eq!(
            m(
                "Authorization",
                "OAuth oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"cs%26ts\""
            ),
            "OAuth oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"***\""
        );
    }

    #[test]
    fn masks_secret_parameters_in_the_target_and_the_body() {
        assert_eq!(
            mask_target("/x?access_token=t0k&q=1"),
            "/x?access_token=***&q=1"
        );
        assert_eq!(
            mask_body("grant_type=refresh_token&refresh_token=r3f&client_secret=c5"),
            "grant_type=refresh_token&refresh_token=***&client_secret=***"
        );
        assert_eq!(
            mask_body(r#"{"password":"pw","user":"u"}"#),
            r#"{"password":"***","user":"u"}"#
        );
        assert_eq!(mask_body("plain text"), "plain text");
    }
}
