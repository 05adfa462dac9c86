//! Redaction: no secret reaches any output. Two layers, because either alone leaks:
//! - by name, when records are built: `Authorization: Bearer`, cookies, `oauth_token_secret` in a
//!   token response, passwords in URLs, PLAINTEXT signatures (which *are* the secrets);
//! - by value, on every byte written: each secret the developer gave, and each found by name, in
//!   the forms it can take in a request (raw, percent-encoded, form-encoded, encoded twice).
//!
//! Each hidden value leaves a short fingerprint so support can still correlate two bundles.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::credentials::Credentials;
use crate::request::Header;

/// One hidden value: what it was, where, and a fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redaction {
    pub what: String,
    #[serde(rename = "where")]
    pub location: String,
    /// `sha256:` and the first 8 hex digits of the value's SHA-256.
    pub fingerprint: String,
}

/// Parameter and JSON field names whose values are secrets.
const SECRET_NAMES: &[&str] = &[
    "oauth_token_secret",
    "access_token",
    "refresh_token",
    "client_secret",
    "consumer_secret",
    "token_secret",
    "password",
    "passwd",
    "secret",
    "id_token",
];

/// Headers whose whole value is a credential.
const SECRET_HEADERS: &[&str] = &["proxy-authorization", "x-api-key", "x-upwork-api-token"];

/// True for a parameter or JSON field name whose value is a secret (`oauth_token_secret`,
/// `access_token`, `password` ...).
pub fn is_secret_name(name: &str) -> bool {
    SECRET_NAMES.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// True for the headers whose values the redactor hides by name, and learns so as to hide them
/// wherever else they appear: the only headers worth passing it when no header value is written.
pub fn hides_by_name(header: &str) -> bool {
    let lower = header.to_ascii_lowercase();
    matches!(lower.as_str(), "authorization" | "cookie" | "set-cookie")
        || SECRET_HEADERS.contains(&lower.as_str())
}

/// The short fingerprint of a value.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// Hides secrets and remembers what it hid.
#[derive(Debug, Default)]
pub struct Redactor {
    /// (label, value) of every secret known so far, longest first when scrubbing.
    secrets: Vec<(String, String)>,
    redactions: Vec<Redaction>,
}

impl Redactor {
    /// A redactor that knows the developer's secrets.
    pub fn new(credentials: &Credentials) -> Self {
        let mut redactor = Redactor::default();
        for (label, secret) in credentials.secrets() {
            redactor.learn(label, secret.expose());
        }
        redactor
    }

    /// Adds a secret found in the data (a bearer token in a captured header), so that it is also
    /// hidden wherever else it appears.
    pub fn learn(&mut self, label: &str, value: &str) {
        // Very short values would mask innocent text everywhere; they are hidden by name only.
        if value.len() < 4 || self.secrets.iter().any(|(_, v)| v == value) {
            return;
        }
        self.secrets.push((label.to_string(), value.to_string()));
        self.secrets
            .sort_by_key(|(_, v)| std::cmp::Reverse(v.len()));
    }

    /// What was hidden, in order.
    pub fn redactions(&self) -> &[Redaction] {
        &self.redactions
    }

    fn mask(&mut self, what: &str, location: &str, value: &str) -> String {
        let fingerprint = fingerprint(value);
        let redaction = Redaction {
            what: what.to_string(),
            location: location.to_string(),
            fingerprint: fingerprint.clone(),
        };
        if !self.redactions.contains(&redaction) {
            self.redactions.push(redaction);
        }
        format!("[redacted {} {fingerprint}]", what.replace(' ', "-"))
    }

    /// Headers with credentials hidden by name; then every known secret hidden by value.
    pub fn headers(&mut self, location: &str, headers: &[Header]) -> Vec<Header> {
        headers
            .iter()
            .map(|h| {
                let place = format!("{location} header {}", h.name);
                let value = self.header_value(&place, &h.name, &h.value);
                Header::new(h.name.clone(), self.text(&place, &value))
            })
            .collect()
    }

    fn header_value(&mut self, place: &str, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "authorization" => self.authorization(place, value),
            "cookie" => self.cookie_list(place, value, ';'),
            "set-cookie" => {
                let (pair, attributes) = value
                    .split_once(';')
                    .map_or((value, None), |(p, a)| (p, Some(a)));
                let pair = self.cookie_list(place, pair, ';');
                attributes.map_or(pair.clone(), |a| format!("{pair};{a}"))
            }
            _ if SECRET_HEADERS.contains(&lower.as_str()) => {
                self.learn(&format!("{name} header"), value);
                self.mask(&format!("{name} header"), place, value)
            }
            _ => value.to_string(),
        }
    }

    /// `Bearer` and `Basic` credentials are hidden whole; an OAuth 1.0 header keeps its parameters
    /// (support needs the key, token, nonce and signature) except a PLAINTEXT signature, which is
    /// the secrets themselves.
    fn authorization(&mut self, place: &str, value: &str) -> String {
        let (scheme, credentials) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
        if scheme.eq_ignore_ascii_case("oauth") {
            if value.to_ascii_uppercase().contains("PLAINTEXT") {
                return self.plaintext_signature_in_header(place, value);
            }
            return value.to_string();
        }
        let credentials = credentials.trim();
        if credentials.is_empty() {
            return value.to_string();
        }
        let what = if scheme.eq_ignore_ascii_case("bearer") {
            "OAuth 2 access token"
        } else {
            "authorization credentials"
        };
        self.learn(what, credentials);
        format!("{scheme} {}", self.mask(what, place, credentials))
    }

    fn plaintext_signature_in_header(&mut self, place: &str, value: &str) -> String {
        let Some(start) = value.find("oauth_signature=\"") else {
            return value.to_string();
        };
        let start = start + "oauth_signature=\"".len();
        let Some(len) = value[start..].find('"') else {
            return value.to_string();
        };
        let signature = value[start..start + len].to_string();
        self.learn("PLAINTEXT signature", &signature);
        let masked = self.mask("PLAINTEXT signature", place, &signature);
        format!("{}{masked}{}", &value[..start], &value[start + len..])
    }

    fn cookie_list(&mut self, place: &str, value: &str, separator: char) -> String {
        value
            .split(separator)
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) if !v.trim().is_empty() => {
                    self.learn("cookie", v.trim());
                    format!("{name}={}", self.mask("cookie", place, v.trim()))
                }
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join(&separator.to_string())
    }

    /// A URL with the password of its userinfo and secret query parameters hidden.
    pub fn url(&mut self, location: &str, url: &str) -> String {
        let mut url = url.to_string();
        if let Some(scheme_end) = url.find("://") {
            let authority_start = scheme_end + 3;
            let authority_end = url[authority_start..]
                .find(['/', '?'])
                .map_or(url.len(), |i| authority_start + i);
            if let Some(at) = url[authority_start..authority_end].rfind('@') {
                let userinfo = &url[authority_start..authority_start + at];
                if let Some((user, password)) = userinfo.split_once(':') {
                    // Learned, so that the password is hidden wherever else it shows (a rebased
                    // URL, an error message).
                    self.learn("URL password", password);
                    let masked = self.mask("URL password", location, password);
                    url = format!(
                        "{}{user}:{masked}{}",
                        &url[..authority_start],
                        &url[authority_start + at..]
                    );
                }
            }
        }
        if let Some((base, query)) = url.split_once('?') {
            let query = self.form_text(&format!("{location} query"), query);
            url = format!("{base}?{query}");
        }
        self.text(location, &url)
    }

    /// `a=1&access_token=x`: secret parameters hidden by name, then by value.
    pub fn form_text(&mut self, location: &str, form: &str) -> String {
        let plaintext = form.contains("PLAINTEXT");
        let hidden = form
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value))
                    if !value.is_empty()
                        && (is_secret_name(name) || (plaintext && name == "oauth_signature")) =>
                {
                    let what = if name == "oauth_signature" {
                        "PLAINTEXT signature"
                    } else {
                        name
                    };
                    self.learn(what, value);
                    format!(
                        "{name}={}",
                        self.mask(what, &format!("{location} parameter {name}"), value)
                    )
                }
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&");
        self.text(location, &hidden)
    }

    /// A body: form and JSON bodies have secret fields hidden by name; then every known secret is
    /// hidden by value, in the bytes (so a binary body written as base64 is clean too).
    pub fn body(&mut self, location: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
        let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
        if let Ok(text) = std::str::from_utf8(body) {
            let looks_like_form = content_type.contains("x-www-form-urlencoded")
                || (content_type.is_empty() || content_type.starts_with("text/plain"))
                    && text.contains('=')
                    && !text.contains(['{', '<', ' ', '\n']);
            if looks_like_form {
                return self.form_text(location, text).into_bytes();
            }
            if let Ok(mut json) = serde_json::from_str::<serde_json::Value>(text)
                && self.json(location, &mut json)
            {
                let rewritten = serde_json::to_string(&json).unwrap_or_default();
                return self.text(location, &rewritten).into_bytes();
            }
            return self.text(location, text).into_bytes();
        }
        self.bytes(location, body)
    }

    /// Hides secret fields of a JSON value in place; true when anything was hidden.
    fn json(&mut self, location: &str, value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(map) => {
                let mut changed = false;
                for (key, v) in map.iter_mut() {
                    if is_secret_name(key)
                        && let Some(s) = v.as_str().map(str::to_string)
                        && !s.is_empty()
                    {
                        self.learn(key, &s);
                        *v = serde_json::Value::String(self.mask(
                            key,
                            &format!("{location} field {key}"),
                            &s,
                        ));
                        changed = true;
                    } else {
                        changed |= self.json(location, v);
                    }
                }
                changed
            }
            serde_json::Value::Array(items) => {
                let mut changed = false;
                for item in items {
                    changed |= self.json(location, item);
                }
                changed
            }
            _ => false,
        }
    }

    /// Every known secret hidden by value in a text.
    pub fn text(&mut self, location: &str, text: &str) -> String {
        let mut out = text.to_string();
        for (label, secret) in self.secrets.clone() {
            for form in encoded_forms(&secret) {
                if out.contains(&form) {
                    let masked = self.mask(&label, location, &secret);
                    out = out.replace(&form, &masked);
                }
            }
        }
        out
    }

    /// Every known secret hidden by value in bytes.
    pub fn bytes(&mut self, location: &str, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        for (label, secret) in self.secrets.clone() {
            for form in encoded_forms(&secret) {
                let needle = form.as_bytes();
                if let Some(at) = find(&out, needle) {
                    let masked = self.mask(&label, location, &secret).into_bytes();
                    let mut rebuilt = out[..at].to_vec();
                    let mut rest = &out[at..];
                    while let Some(i) = find(rest, needle) {
                        rebuilt.extend_from_slice(&rest[..i]);
                        rebuilt.extend_from_slice(&masked);
                        rest = &rest[i + needle.len()..];
                    }
                    rebuilt.extend_from_slice(rest);
                    out = rebuilt;
                }
            }
        }
        out
    }

    /// True when no known secret, in any form, occurs in these bytes: the last check before
    /// anything is written.
    pub fn is_clean(&self, bytes: &[u8]) -> bool {
        self.secrets.iter().all(|(_, secret)| {
            encoded_forms(secret)
                .iter()
                .all(|f| find(bytes, f.as_bytes()).is_none())
        })
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || needle.len() > haystack.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The forms a secret takes in requests and in our own outputs: raw, RFC 3986-encoded,
/// form-encoded, encoded twice (inside a base string) and JSON-escaped.
fn encoded_forms(secret: &str) -> Vec<String> {
    let once = crate::oauth::encode(secret);
    let forms = [
        secret.to_string(),
        once.clone(),
        url::form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
        crate::oauth::encode(&once),
        serde_json::to_string(secret)
            .unwrap_or_default()
            .trim_matches('"')
            .to_string(),
    ];
    let mut unique: Vec<String> = Vec::new();
    for form in forms {
        if !form.is_empty() && !unique.contains(&form) {
            unique.push(form);
        }
    }
    unique
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;

    fn redactor() -> Redactor {
        Redactor::new(&Credentials {
            consumer_secret: Some(Secret::new("CANARY cs/1")),
            token_secret: Some(Secret::new("canary-ts")),
            ..Default::default()
        })
    }

    #[test]
    fn hides_known_secrets_in_every_encoding() {
        let mut r = redactor();
        let text =
            "a CANARY cs/1 b CANARY%20cs%2F1 c CANARY+cs%2F1 d CANARY%2520cs%252F1 e canary-ts";
        let out = r.text("t", text);
        assert!(r.is_clean(out.as_bytes()), "{out}");
        assert!(out.contains("[redacted consumer-secret sha256:"), "{out}");
        assert!(!r.is_clean(text.as_bytes()));
        let bytes = r.bytes("b", b"\x00\xffcanary-ts\x01");
        assert!(r.is_clean(&bytes));
    }

    #[test]
    fn hides_credentials_by_name() {
        let mut r = Redactor::default();
        let headers = r.headers(
            "request",
            &[
                Header::new("Authorization", "Bearer oauth2-canary-token"),
                Header::new("Cookie", "session_id=cookie-canary; theme=dark"),
                Header::new("Accept", "application/json"),
            ],
        );
        assert!(
            headers[0]
                .value
                .starts_with("Bearer [redacted OAuth-2-access-token sha256:")
        );
        assert!(!headers[1].value.contains("cookie-canary") && headers[1].value.contains("theme="));
        assert_eq!(headers[2].value, "application/json");
        // Learned by name, hidden by value elsewhere.
        let url = r.url(
            "request url",
            "https://api.upwork.com/x?token=oauth2-canary-token",
        );
        assert!(!url.contains("oauth2-canary-token"), "{url}");
        let body = r.body(
            "response body",
            None,
            b"oauth_token=t&oauth_token_secret=ts-canary&x=1",
        );
        assert!(!String::from_utf8_lossy(&body).contains("ts-canary"));
        let json = r.body(
            "response body",
            Some("application/json"),
            br#"{"access_token":"a-canary","token_type":"bearer"}"#,
        );
        assert!(!String::from_utf8_lossy(&json).contains("a-canary"));
        let url = r.url("u", "https://user:pa55word@host/p");
        assert!(
            !url.contains("pa55word") && url.contains("user:[redacted"),
            "{url}"
        );
        assert!(
            r.redactions()
                .iter()
                .all(|x| x.fingerprint.starts_with("sha256:"))
        );
    }

    #[test]
    fn keeps_what_support_needs_but_not_a_plaintext_signature() {
        let mut r = Redactor::default();
        let hmac = r#"OAuth oauth_consumer_key="ck", oauth_token="tk", oauth_signature_method="HMAC-SHA1", oauth_signature="abc%3D""#;
        assert_eq!(
            r.headers("request", &[Header::new("Authorization", hmac)])[0].value,
            hmac
        );
        let plain = r#"OAuth oauth_consumer_key="ck", oauth_signature_method="PLAINTEXT", oauth_signature="cs-canary%26ts-canary""#;
        let out = &r.headers("request", &[Header::new("Authorization", plain)])[0].value;
        assert!(
            !out.contains("cs-canary") && out.contains("oauth_consumer_key=\"ck\""),
            "{out}"
        );
    }
}
