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
