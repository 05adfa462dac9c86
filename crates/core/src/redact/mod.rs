//! Redaction: no secret reaches any output. This module owns what is secret; every byte the
//! process writes passes through it ([`boundary`] for stdout and stderr, the bundle's files, the
//! emulator's journal and log). Three layers, because any one alone leaks:
//! - by name, as records are built: `Authorization`, cookies, `X-Api-Key`, `oauth_token_secret`
//!   and the like in queries, forms, multipart and JSON bodies (camelCase too), passwords in URLs,
//!   PLAINTEXT signatures (which *are* the secrets);
//! - by shape, in free text: `name=value`, `"name": "value"`, `Bearer <token>` wherever they occur
//!   (an error message, a body no parser understood);
//! - by value, on every byte: each secret given and each one found by name or shape, in every form
//!   it takes once encoded (see `forms`).
//!
//! Each hidden value leaves a short fingerprint so support can still correlate two bundles. The
//! emulator uses the same core, so it does not depend on the client's bundle code.

pub mod boundary;
mod forms;
mod shape;

use std::sync::Arc;

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

/// Parameter and field names whose values are secrets, lowercase without `_` or `-`, so that
/// `client_secret`, `clientSecret` and `Client-Secret` are one name.
const SECRET_NAMES: &[&str] = &[
    "accesstoken",
    "refreshtoken",
    "idtoken",
    "password",
    "passwd",
    "apisecret",
];

/// Headers whose whole value is a credential.
const SECRET_HEADERS: &[&str] = &["proxy-authorization", "x-api-key", "x-upwork-api-token"];

/// The name lowercased, without the quotes and spaces around it and without `_` and `-`: in
/// `buffer` when it fits (names are read for every `=` and `:` of every text redacted, and for
/// every header: no allocation for the usual ones). Byte by byte: `_`, `-` and the ASCII letters
/// are whole characters in UTF-8.
fn flat<'b>(name: &str, buffer: &'b mut [u8; 64]) -> std::borrow::Cow<'b, [u8]> {
    let name = name.trim_matches(|c: char| c == '"' || c == '\'' || c.is_whitespace());
    let letters = name
        .bytes()
        .filter(|b| !matches!(b, b'_' | b'-'))
        .map(|b| b.to_ascii_lowercase());
    if name.len() > buffer.len() {
        return std::borrow::Cow::Owned(letters.collect());
    }
    let mut len = 0;
    for b in letters {
        buffer[len] = b;
        len += 1;
    }
    std::borrow::Cow::Borrowed(&buffer[..len])
}

/// True for a parameter or field name whose value is a secret: `oauth_token_secret`,
/// `access_token`, `refreshToken`, `client_secret`, `password` ... (any name ending in `secret`).
/// `oauth_token` and `oauth_consumer_key` are not: support needs them.
pub fn is_secret_name(name: &str) -> bool {
    let mut buffer = [0; 64];
    let name = flat(name, &mut buffer);
    name.ends_with(b"secret") || SECRET_NAMES.iter().any(|n| name.ends_with(n.as_bytes()))
}

/// True for a header whose whole value is a credential (`X-Api-Key`, `X-Auth-Token`, any name
/// with `secret` or `password`), beside `Authorization` and cookies.
fn is_secret_header(name: &str) -> bool {
    let mut buffer = [0; 64];
    let flat = flat(name, &mut buffer);
    let contains = |word: &[u8]| memchr::memmem::find(&flat, word).is_some();
    SECRET_HEADERS.iter().any(|h| name.eq_ignore_ascii_case(h))
        || flat.ends_with(b"token")
        || flat.ends_with(b"apikey")
        || contains(b"secret")
        || contains(b"password")
}

/// True for the headers whose values the redactor hides by name, and learns so as to hide them
/// wherever else they appear: the only headers worth passing it when no header value is written.
pub fn hides_by_name(header: &str) -> bool {
    ["authorization", "cookie", "set-cookie"]
        .iter()
        .any(|h| header.eq_ignore_ascii_case(h))
        || is_secret_header(header)
}

/// The short fingerprint of a value.
pub fn fingerprint(value: &str) -> String {
    let digest = Sha256::digest(value.as_bytes());
    format!("sha256:{}", hex::encode(&digest[..4]))
}

/// Authorization schemes: a value that is one of these alone carries no credential.
const SCHEMES: &[&str] = &["bearer", "basic", "oauth", "digest", "token", "negotiate"];

/// A form shorter than this is hidden only where it stands alone (no letter or digit touching it
/// on either side): a short secret such as `ts` is hidden in `q=ts&`, not inside `timestamp`.
const BOUNDED_BELOW: usize = 8;

/// What is already hidden starts with this; nothing inside a mask is searched again.
const MASK_START: &[u8] = b"[redacted ";

/// Adds the forms of the secret at `index` that are not there yet, and keeps the needles longest
/// first (a stable sort: of two forms as long, the one added first is tried first).
fn add_needles(needles: &mut Vec<(String, usize)>, value: &str, index: usize) {
    for form in forms::encoded_forms(value) {
        if !needles.iter().any(|(n, _)| *n == form) {
            needles.push((form, index));
        }
    }
    needles.sort_by_key(|(n, _)| std::cmp::Reverse(n.len()));
}

/// Hides secrets and remembers what it hid.
#[derive(Debug, Clone)]
pub struct Redactor {
    /// (label, value) of every secret known so far. Shared between clones until one learns
    /// more: the emulator clones a redactor that knows the keys for every request it records.
    secrets: Arc<Vec<(String, String)>>,
    /// Every form of every secret, longest first, with the index of its secret.
    needles: Arc<Vec<(String, usize)>>,
    /// The secrets whose forms are not among `needles` yet ([`forms::is_deferrable`]): made only
    /// for a text that may hold one of them.
    deferred: Vec<usize>,
    redactions: Vec<Redaction>,
    /// False for the process-wide scrubber, which must not grow with what it sees.
    keeps_record: bool,
    /// False for the public audience: a fingerprint of a guessable value (a username) would let
    /// anyone confirm a guess.
    fingerprints: bool,
}

impl Default for Redactor {
    fn default() -> Self {
        Redactor {
            secrets: Arc::default(),
            needles: Arc::default(),
            deferred: Vec::new(),
            redactions: Vec::new(),
            keeps_record: true,
            fingerprints: true,
        }
    }
}

impl Redactor {
    /// A redactor that knows the developer's secrets.
    pub fn new(credentials: &Credentials) -> Self {
        let mut redactor = Redactor::default();
        redactor.learn_credentials(credentials);
        redactor
    }

    /// Learns every secret of these credentials, whatever their length: a secret given is hidden
    /// even when it is short (it is the developer's own word that it is secret).
    pub fn learn_credentials(&mut self, credentials: &Credentials) {
        for (label, secret) in credentials.secrets() {
            self.learn_given(label, secret.expose());
        }
    }

    /// Learns a secret given as one (any length; surrounding whitespace, a trailing newline of a
    /// file, is not part of it).
    pub fn learn_given(&mut self, label: &str, value: &str) {
        self.remember(label, value.trim(), 1);
    }

    /// Adds a secret found in the data (a bearer token in a captured header), so that it is also
    /// hidden wherever else it appears.
    pub fn learn(&mut self, label: &str, value: &str) {
        // Very short values would mask innocent text everywhere; they are hidden by name only.
        self.remember(label, value.trim(), 4);
    }

    fn remember(&mut self, label: &str, value: &str, min_len: usize) {
        if value.len() < min_len
            || value.as_bytes().starts_with(MASK_START)
            || self.secrets.iter().any(|(_, v)| v == value)
        {
            return;
        }
        let index = self.secrets.len();
        Arc::make_mut(&mut self.secrets).push((label.to_string(), value.to_string()));
        if forms::is_deferrable(value) {
            self.deferred.push(index);
            return;
        }
        add_needles(Arc::make_mut(&mut self.needles), value, index);
    }

    /// Every secret learned, with its label.
    pub fn secrets(&self) -> impl Iterator<Item = (&str, &str)> {
        self.secrets.iter().map(|(l, v)| (l.as_str(), v.as_str()))
    }

    /// What was hidden, in order.
    pub fn redactions(&self) -> &[Redaction] {
        &self.redactions
    }

    fn mask(&mut self, what: &str, location: &str, value: &str) -> String {
        let fingerprint = fingerprint(value);
        if self.keeps_record {
            let redaction = Redaction {
                what: what.to_string(),
                location: location.to_string(),
                fingerprint: fingerprint.clone(),
            };
            if !self.redactions.contains(&redaction) {
                self.redactions.push(redaction);
            }
        }
        if self.fingerprints {
            format!("[redacted {} {fingerprint}]", what.replace(' ', "-"))
        } else {
            format!("[redacted {}]", what.replace(' ', "-"))
        }
    }

    /// The same redactor, masking without fingerprints.
    pub fn without_fingerprints(mut self) -> Self {
        self.fingerprints = false;
        self
    }

    /// Hides a value found by name: learned, so that it is hidden wherever else it shows.
    pub fn hide(&mut self, what: &str, location: &str, value: &str) -> String {
        self.learn(what, value);
        self.mask(what, location, value)
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

    /// Learns the credentials of these headers as [`Redactor::headers`] does (by name, then by
    /// shape in the value as it would be written), without writing the headers: for a caller that
    /// prints none of them (the scan) but must hide their values wherever else they show. Hiding
    /// the written values by value again, as `headers` does last, learns nothing, so it is left out.
    pub fn learn_headers<'h>(
        &mut self,
        location: &str,
        headers: impl IntoIterator<Item = &'h Header>,
    ) {
        for h in headers {
            let place = format!("{location} header {}", h.name);
            let value = self.header_value(&place, &h.name, &h.value);
            for found in shape::find(&value) {
                self.learn(&found.what, &value[found.start..found.end]);
            }
        }
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
            // A redirect or a referrer carries a URL, and its query the tokens of an OAuth flow.
            "location" | "content-location" | "referer" => self.url(place, value),
            _ if is_secret_header(name) && !value.trim().is_empty() => {
                self.hide(&format!("{name} header"), place, value)
            }
            _ => value.to_string(),
        }
    }

    /// `Bearer` and `Basic` credentials are hidden whole, and a value with no scheme at all; an
    /// OAuth 1.0 header keeps its parameters (support needs the key, token, nonce and signature)
    /// except a PLAINTEXT signature, which is the secrets themselves.
    fn authorization(&mut self, place: &str, value: &str) -> String {
        let trimmed = value.trim();
        let (scheme, credentials) = trimmed
            .split_once([' ', '\t'])
            .map_or((trimmed, ""), |(s, c)| (s, c.trim()));
        if scheme.eq_ignore_ascii_case("oauth") {
            if trimmed.to_ascii_lowercase().contains("plaintext") {
                return self.plaintext_signature_in_header(place, value);
            }
            return value.to_string();
        }
        if credentials.is_empty() {
            if scheme.is_empty() || SCHEMES.contains(&scheme.to_ascii_lowercase().as_str()) {
                return value.to_string();
            }
            // No scheme: the whole value is the credential.
            return self.hide("authorization credentials", place, scheme);
        }
        let what = if scheme.eq_ignore_ascii_case("bearer") {
            "OAuth 2 access token"
        } else {
            "authorization credentials"
        };
        let gap = &trimmed[scheme.len()..trimmed.len() - credentials.len()];
        format!("{scheme}{gap}{}", self.hide(what, place, credentials))
    }

    /// `oauth_signature="..."`, with or without spaces around `=` and quotes, hidden.
    fn plaintext_signature_in_header(&mut self, place: &str, value: &str) -> String {
        let mut out = String::new();
        let mut rest = value;
        while let Some(found) = rest.find("oauth_signature") {
            let after_name = found + "oauth_signature".len();
            let tail = &rest[after_name..];
            let spaces = tail.len() - tail.trim_start().len();
            if !tail.trim_start().starts_with('=') {
                out.push_str(&rest[..after_name]);
                rest = &rest[after_name..];
                continue;
            }
            let mut start = after_name + spaces + 1;
            start += rest[start..].len() - rest[start..].trim_start().len();
            let quoted = rest[start..].starts_with('"');
            if quoted {
                start += 1;
            }
            let len = if quoted {
                rest[start..].find('"')
            } else {
                rest[start..].find([',', ' ', '\t'])
            }
            .unwrap_or(rest.len() - start);
            let signature = rest[start..start + len].to_string();
            out.push_str(&rest[..start]);
            if !signature.is_empty() {
                out.push_str(&self.hide("PLAINTEXT signature", place, &signature));
            }
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        out
    }

    fn cookie_list(&mut self, place: &str, value: &str, separator: char) -> String {
        value
            .split(separator)
            .map(|pair| match pair.split_once('=') {
                Some((name, v)) if !v.trim().is_empty() => {
                    format!("{name}={}", self.hide("cookie", place, v.trim()))
                }
                _ => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join(&separator.to_string())
    }

    /// A URL with its userinfo's password (or a user name alone, which is a token) and its secret
    /// query parameters hidden.
    pub fn url(&mut self, location: &str, url: &str) -> String {
        let mut url = url.to_string();
        if let Some(scheme_end) = url.find("://") {
            let authority_start = scheme_end + 3;
            let authority_end = url[authority_start..]
                .find(['/', '?', '#'])
                .map_or(url.len(), |i| authority_start + i);
            if let Some(at) = url[authority_start..authority_end].rfind('@') {
                let userinfo = url[authority_start..authority_start + at].to_string();
                let hidden = match userinfo.split_once(':') {
                    Some((user, password)) if !password.is_empty() => {
                        format!("{user}:{}", self.hide("URL password", location, password))
                    }
                    Some(_) => userinfo.clone(),
                    // `https://TOKEN@host`: a user name alone is how tokens ride in URLs.
                    None if !userinfo.is_empty() => self.hide("URL user name", location, &userinfo),
                    None => userinfo.clone(),
                };
                url = format!(
                    "{}{hidden}{}",
                    &url[..authority_start],
                    &url[authority_start + at..]
                );
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
        // A form read off a socket often ends in CRLF; the line end is not part of the value.
        let body = form.trim_end_matches(['\r', '\n', ' ', '\t']);
        let line_end = &form[body.len()..];
        let plaintext = body.to_ascii_lowercase().contains("plaintext");
        let hidden = body
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) => {
                    let name_read = percent_encoding::percent_decode_str(name.trim())
                        .decode_utf8_lossy()
                        .into_owned();
                    let signature = plaintext && name_read == "oauth_signature";
                    if value.is_empty() || !(is_secret_name(&name_read) || signature) {
                        return pair.to_string();
                    }
                    let what = if signature {
                        "PLAINTEXT signature"
                    } else {
                        name_read.as_str()
                    };
                    let place = format!("{location} parameter {name_read}");
                    format!("{name}={}", self.hide(what, &place, value))
                }
                None => pair.to_string(),
            })
            .collect::<Vec<_>>()
            .join("&");
        self.text(location, &format!("{hidden}{line_end}"))
    }

    /// A body: form, multipart and JSON bodies have secret fields hidden by name (whatever the
    /// declared type: a token answer served as text/html is still a form); then every known
    /// secret is hidden by shape and by value, in the bytes (so a binary body is clean too).
    pub fn body(&mut self, location: &str, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
        let content_type = content_type.unwrap_or_default().to_ascii_lowercase();
        let Ok(text) = std::str::from_utf8(body) else {
            return self.bytes(location, body);
        };
        if content_type.starts_with("multipart/") || text.contains("Content-Disposition: form-data")
        {
            let hidden = self.multipart(location, text);
            return self.text(location, &hidden).into_bytes();
        }
        let trimmed = text.trim();
        if trimmed.starts_with(['{', '['])
            && let Ok(mut json) = serde_json::from_str::<serde_json::Value>(text)
        {
            if self.json(location, &mut json) {
                let rewritten = serde_json::to_string(&json).unwrap_or_default();
                return self.text(location, &rewritten).into_bytes();
            }
            return self.text(location, text).into_bytes();
        }
        // Read as a form whatever else it holds (a space typed into a value, a line end): reading
        // prose as a form only hides more, while a form read as prose would show a PLAINTEXT
        // signature, which only the form reading knows to hide.
        let looks_like_form = content_type.contains("x-www-form-urlencoded")
            || (trimmed.contains('=') && !trimmed.starts_with('<'));
        if looks_like_form {
            return self.form_text(location, text).into_bytes();
        }
        self.text(location, text).into_bytes()
    }

    /// `multipart/form-data`: the content of each part named after a secret hidden.
    fn multipart(&mut self, location: &str, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(found) = rest.find("name=\"") {
            let name_start = found + "name=\"".len();
            let Some(name_len) = rest[name_start..].find('"') else {
                break;
            };
            let name = rest[name_start..name_start + name_len].to_string();
            let after_name = name_start + name_len;
            let content = ["\r\n\r\n", "\n\n"]
                .iter()
                .filter_map(|sep| {
                    rest[after_name..]
                        .find(sep)
                        .map(|i| after_name + i + sep.len())
                })
                .min();
            match content {
                Some(start) if is_secret_name(&name) => {
                    let len = rest[start..]
                        .find("\r\n--")
                        .or_else(|| rest[start..].find("\n--"))
                        .unwrap_or(rest.len() - start);
                    let value = rest[start..start + len].to_string();
                    out.push_str(&rest[..start]);
                    if !value.is_empty() {
                        let place = format!("{location} part {name}");
                        out.push_str(&self.hide(&name, &place, &value));
                    }
                    rest = &rest[start + len..];
                }
                _ => {
                    out.push_str(&rest[..after_name]);
                    rest = &rest[after_name..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// Hides secret fields of a JSON value in place (a string, or every string of an array or
    /// object under a secret name); true when anything was hidden.
    fn json(&mut self, location: &str, value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::Object(map) => {
                let mut changed = false;
                for (key, v) in map.iter_mut() {
                    if is_secret_name(key) {
                        changed |= self.json_all(key, &format!("{location} field {key}"), v);
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

    fn json_all(&mut self, what: &str, place: &str, value: &mut serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) if !s.is_empty() => {
                *s = self.hide(what, place, &s.clone());
                true
            }
            serde_json::Value::Array(items) => items
                .iter_mut()
                .fold(false, |c, v| self.json_all(what, place, v) | c),
            serde_json::Value::Object(map) => map
                .values_mut()
                .fold(false, |c, v| self.json_all(what, place, v) | c),
            _ => false,
        }
    }

    /// Secrets found by shape hidden (and learned), then every known secret hidden by value.
    pub fn text(&mut self, location: &str, text: &str) -> String {
        let found = shape::find(text);
        let mut shaped = String::with_capacity(text.len());
        let mut last = 0;
        for f in found {
            shaped.push_str(&text[last..f.start]);
            let value = &text[f.start..f.end];
            let masked = if self.keeps_record {
                self.hide(&f.what, location, value)
            } else {
                self.mask(&f.what, location, value)
            };
            shaped.push_str(&masked);
            last = f.end;
        }
        shaped.push_str(&text[last..]);
        let bytes = self.bytes(location, shaped.as_bytes());
        // Only whole UTF-8 needles are replaced with ASCII, so the text stays UTF-8.
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// Every known secret hidden by value in bytes, in one pass (a mask is never searched again).
    pub fn bytes(&mut self, location: &str, bytes: &[u8]) -> Vec<u8> {
        let matches = self.matches(bytes);
        if matches.is_empty() {
            return bytes.to_vec();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut last = 0;
        for (at, len, index) in matches {
            out.extend_from_slice(&bytes[last..at]);
            let (label, secret) = self.secrets[index].clone();
            out.extend_from_slice(self.mask(&label, location, &secret).as_bytes());
            last = at + len;
        }
        out.extend_from_slice(&bytes[last..]);
        out
    }

    /// Where known secrets occur: (offset, length, index of the secret), not overlapping, masks
    /// skipped.
    fn matches(&self, bytes: &[u8]) -> Vec<(usize, usize, usize)> {
        // A deferred secret none of whose forms is in these bytes cannot change what is found;
        // when one may be, the needles of every secret are made as if each had been added when
        // learned (a form two secrets share belongs to the first), and not kept.
        let all;
        let needles = if self
            .deferred
            .iter()
            .any(|&i| forms::may_occur(&self.secrets[i].1, bytes))
        {
            let mut made = Vec::new();
            for (index, (_, value)) in self.secrets.iter().enumerate() {
                add_needles(&mut made, value, index);
            }
            all = made;
            &all
        } else {
            &*self.needles
        };
        let mut starts = [false; 256];
        for (needle, _) in needles.iter() {
            starts[usize::from(needle.as_bytes()[0])] = true;
        }
        let mut found = Vec::new();
        let mut i = 0;
        while i < bytes.len() {
            if bytes[i..].starts_with(MASK_START)
                && let Some(close) = bytes[i..].iter().position(|&b| b == b']')
            {
                i += close + 1;
                continue;
            }
            let alone = |end: usize| {
                (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
                    && bytes.get(end).is_none_or(|b| !b.is_ascii_alphanumeric())
            };
            if starts[usize::from(bytes[i])]
                && let Some((needle, index)) = needles.iter().find(|(n, _)| {
                    bytes[i..].starts_with(n.as_bytes())
                        && (n.len() >= BOUNDED_BELOW || alone(i + n.len()))
                })
            {
                found.push((i, needle.len(), *index));
                i += needle.len();
                continue;
            }
            i += 1;
        }
        found
    }

    /// True when no known secret, in any form, occurs in these bytes: the last check before
    /// anything is written.
    pub fn is_clean(&self, bytes: &[u8]) -> bool {
        self.matches(bytes).is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Secret;
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;

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
        // Each form written out, not taken from the redactor's own list (which `is_clean` uses):
        // raw, percent-encoded, form-encoded, encoded twice.
        let forms = [
            "CANARY cs/1",
            "CANARY%20cs%2F1",
            "CANARY+cs%2F1",
            "CANARY%2520cs%252F1",
            "canary-ts",
        ];
        let text =
            "a CANARY cs/1 b CANARY%20cs%2F1 c CANARY+cs%2F1 d CANARY%2520cs%252F1 e canary-ts";
        let out = r.text("t", text);
        for form in forms {
            assert!(!out.contains(form), "{form} left in {out}");
        }
        assert!(!out.contains("CANARY"), "{out}");
        assert_eq!(out.matches("[redacted ").count(), forms.len(), "{out}");
        assert!(r.is_clean(out.as_bytes()), "{out}");
        assert!(out.contains("[redacted consumer-secret sha256:"), "{out}");
        assert!(!r.is_clean(text.as_bytes()));
        let bytes = r.bytes("b", b"\x00\xffcanary-ts\x01");
        assert!(r.is_clean(&bytes));
    }

    #[test]
    fn a_learned_cookie_is_hidden_in_each_form_it_takes() {
        // Letters and digits alone: its forms are made only for a text that may hold one.
        let cookie = "0123456789abcdefCANARY";
        let mut r = Redactor::default();
        r.learn("cookie", cookie);
        assert_eq!(r.text("t", "q=web+design"), "q=web+design");
        let out = r.text("t", &format!("/x?sid={cookie}&b=1"));
        assert!(out.starts_with("/x?sid=[redacted cookie sha256:"), "{out}");
        assert!(out.ends_with("]&b=1"), "{out}");
        for prefix in ["", "u:", "us:", "use:"] {
            let text = format!("Basic {}", STANDARD.encode(format!("{prefix}{cookie}")));
            let out = r.bytes("t", text.as_bytes());
            assert!(
                r.is_clean(&out),
                "{prefix}: {}",
                String::from_utf8_lossy(&out)
            );
            assert_ne!(out, text.as_bytes(), "{prefix}");
        }
    }

    #[test]
    fn a_form_two_secrets_share_belongs_to_the_first_learned() {
        // The first is made only when needed, the second at once; the first still owns the form.
        let mut r = Redactor::default();
        r.learn("first", "abcdef12");
        r.learn("second", "%61bcdef12");
        let out = r.text("t", "x abcdef12 y");
        assert!(out.starts_with("x [redacted first sha256:"), "{out}");
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

    #[test]
    fn a_mask_already_in_the_text_is_skipped_whole() {
        // A text redacted before (a bundle read again) holds masks; the scan resumes after each
        // closing bracket, so a secret that would start at its end is not looked for inside it.
        let mut r = Redactor::default();
        r.learn_given("given", "]tail-of-a-mask");
        let text = "[redacted token sha256:0a1b2c3d]tail-of-a-mask and ]tail-of-a-mask";
        let out = r.text("t", text);
        assert!(
            out.starts_with("[redacted token sha256:0a1b2c3d]tail-of-a-mask and [redacted given "),
            "{out}"
        );
    }

    #[test]
    fn a_mask_is_never_masked_again() {
        // A secret that occurs inside another's mask (its label, its fingerprint) must not break
        // the mask: replacement is one pass over the original text.
        let mut r = Redactor::default();
        r.learn_given("consumer secret", "redacted");
        r.learn_given("token secret", "sha256");
        r.learn_given("short", "ab");
        let out = r.text("t", "redacted sha256 ab cab");
        // `ab` inside `cab` is not that short secret.
        assert_eq!(out.matches("[redacted ").count(), 3, "{out}");
        assert!(out.ends_with(" cab"), "{out}");
        assert!(
            out.starts_with("[redacted consumer-secret sha256:"),
            "{out}"
        );
        assert!(r.is_clean(out.as_bytes()), "{out}");
    }

    #[test]
    fn plaintext_in_any_case_and_spacing_is_hidden() {
        let mut r = Redactor::default();
        let form = r.form_text(
            "q",
            "oauth_signature_method=plaintext&oauth_signature=cs-canary%2526ts",
        );
        assert!(!form.contains("cs-canary"), "{form}");
        let header =
            r#"OAuth oauth_signature_method="plaintext", oauth_signature = "cs2-canary%26""#;
        let out = &r.headers("request", &[Header::new("Authorization", header)])[0].value;
        assert!(
            !out.contains("cs2-canary") && out.contains("oauth_signature_method"),
            "{out}"
        );
    }

    #[test]
    fn names_are_read_in_any_case_and_style() {
        for name in [
            "client_secret",
            "clientSecret",
            "Client-Secret",
            "refreshToken",
            "oauth_token_secret",
            "access_token",
            "password",
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in [
            "oauth_token",
            "oauth_consumer_key",
            "token_type",
            "grant_type",
        ] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn names_quoted_spaced_or_longer_than_the_buffer_are_read_alike() {
        // Names as they come out of JSON keys and headers pasted by hand: quoted, padded, and
        // now and then longer than the 64 bytes read without allocating.
        let long_secret = format!("{}_Client-Secret", "X".repeat(70));
        let long_plain = format!("{}_Client-Id", "X".repeat(70));
        for name in [
            "\"client_secret\"",
            "'password'",
            "  access_token\t",
            long_secret.as_str(),
            &format!("\"{long_secret}\" "),
        ] {
            assert!(is_secret_name(name), "{name}");
        }
        for name in ["\"oauth_token\"", " grant_type ", long_plain.as_str()] {
            assert!(!is_secret_name(name), "{name}");
        }
    }

    #[test]
    fn what_is_learned_and_what_is_too_short_a_mask_or_known_already() {
        let mut r = Redactor::default();
        r.learn("found", "abc");
        r.learn("found", "wxyz");
        r.learn("found", "wxyz");
        r.learn_given("given", "q");
        r.learn("found", "[redacted token sha256:0a1b2c3d]");
        let learned: Vec<&str> = r.secrets().map(|(_, v)| v).collect();
        // A value found in the data needs 4 bytes (shorter ones would mask innocent text); a
        // value given is kept whatever its length; a mask is no secret; each value once.
        assert_eq!(learned, ["wxyz", "q"]);
        let out = r.text("t", "abc wxyz [redacted token sha256:0a1b2c3d]");
        assert!(out.starts_with("abc [redacted found sha256:"), "{out}");
        assert!(out.ends_with("] [redacted token sha256:0a1b2c3d]"), "{out}");
    }

    #[test]
    fn credentials_of_headers_are_learned_without_writing_the_headers() {
        let mut r = Redactor::default();
        r.learn_headers(
            "request",
            &[
                Header::new("Authorization", "Bearer learnedBearerCanary1"),
                Header::new("X-Api-Key", "learnedApiKeyCanary2"),
                Header::new("Accept", "application/json"),
            ],
        );
        let out = r.text(
            "log",
            "token=learnedBearerCanary1 key=learnedApiKeyCanary2 accept=application/json",
        );
        assert!(!out.contains("learnedBearerCanary1"), "{out}");
        assert!(!out.contains("learnedApiKeyCanary2"), "{out}");
        assert!(out.ends_with(" accept=application/json"), "{out}");
    }

    #[test]
    fn a_plaintext_signature_is_replaced_exactly_where_it_stands() {
        let mask = format!("[redacted PLAINTEXT-signature {}]", fingerprint("cs%26ts"));
        for (header, expected) in [
            (
                r#"OAuth oauth_signature_method="PLAINTEXT", oauth_signature="cs%26ts""#,
                format!(r#"OAuth oauth_signature_method="PLAINTEXT", oauth_signature="{mask}""#),
            ),
            (
                r#"OAuth oauth_signature_method="PLAINTEXT", oauth_signature =  "cs%26ts", oauth_nonce="n""#,
                format!(
                    r#"OAuth oauth_signature_method="PLAINTEXT", oauth_signature =  "{mask}", oauth_nonce="n""#
                ),
            ),
            // Unquoted, last: the value runs to the end of the header.
            (
                "OAuth oauth_signature_method=PLAINTEXT,oauth_signature=cs%26ts",
                format!("OAuth oauth_signature_method=PLAINTEXT,oauth_signature={mask}"),
            ),
        ] {
            let mut r = Redactor::default();
            let out = &r.headers("request", &[Header::new("Authorization", header)])[0].value;
            assert_eq!(out, &expected);
        }
    }

    #[test]
    fn a_url_password_and_cookie_values_are_hidden_only_when_there_is_one() {
        let mut r = Redactor::default();
        let password = format!("[redacted URL-password {}]", fingerprint("pa55word"));
        assert_eq!(
            r.url("u", "https://user:pa55word@host/p"),
            format!("https://user:{password}@host/p")
        );
        assert_eq!(r.url("u", "https://user:@host/p"), "https://user:@host/p");
        assert_eq!(r.url("u", "https://@host/p"), "https://@host/p");
        // In a URL's user information, even what reads like a placeholder in prose is a password.
        let out = r.url("u", "https://user:$ecretPw9@host/p");
        assert!(
            out.starts_with("https://user:[redacted URL-password "),
            "{out}"
        );
        let out = &r.headers(
            "request",
            &[Header::new("Cookie", "theme=; sid=cookieCanary5")],
        )[0]
        .value;
        assert!(out.starts_with("theme=; sid=[redacted "), "{out}");
    }

    #[test]
    fn a_body_is_read_by_its_shape_when_its_type_is_missing_or_wrong() {
        let plaintext = "oauth_signature_method=PLAINTEXT&oauth_signature=cs%26ts&note=two words";
        let mask = format!("[redacted PLAINTEXT-signature {}]", fingerprint("cs%26ts"));
        let hidden =
            format!("oauth_signature_method=PLAINTEXT&oauth_signature={mask}&note=two words");
        for content_type in [
            Some("application/x-www-form-urlencoded"),
            None,
            Some("text/plain"),
        ] {
            // A redactor of its own each time: one that saw the signature hides it by value.
            let mut r = Redactor::default();
            let out = r.body("b", content_type, plaintext.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), hidden, "{content_type:?}");
        }
        // A multipart body pasted without its type.
        let mut r = Redactor::default();
        let multipart = "--b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nmultipartCanary6\r\n--b--";
        let out = String::from_utf8(r.body("b", None, multipart.as_bytes())).unwrap();
        assert!(!out.contains("multipartCanary6"), "{out}");
        assert!(out.contains("\r\n\r\n[redacted client_secret "), "{out}");
    }

    #[test]
    fn a_url_in_a_redirect_or_a_referrer_is_read_as_a_url() {
        let mut r = Redactor::default();
        for name in ["Location", "Content-Location", "Referer"] {
            // A token riding as the URL's user name is told only by where it sits in a URL.
            let url = "https://tok3nCanary@example.com/cb?access_token=redirectCanary3&state=s1";
            let out = &r.headers("response", &[Header::new(name, url)])[0].value;
            assert!(!out.contains("redirectCanary3"), "{name}: {out}");
            assert!(!out.contains("tok3nCanary"), "{name}: {out}");
            assert!(out.starts_with("https://[redacted URL-user-name "), "{out}");
            assert!(out.ends_with("&state=s1"), "{name}: {out}");
        }
    }

    #[test]
    fn a_scheme_alone_is_no_credential_and_a_bare_value_is_one() {
        let mut r = Redactor::default();
        let value = |r: &mut Redactor, v: &str| {
            r.headers("request", &[Header::new("Authorization", v)])[0]
                .value
                .clone()
        };
        assert_eq!(value(&mut r, "Bearer"), "Bearer");
        assert_eq!(value(&mut r, " Basic "), " Basic ");
        let bare = value(&mut r, "bareCredential7");
        assert!(
            bare.starts_with("[redacted authorization-credentials "),
            "{bare}"
        );
    }

    /// The mask of a value, as the redactor writes it.
    fn mask(what: &str, value: &str) -> String {
        format!("[redacted {what} {}]", fingerprint(value))
    }

    #[test]
    fn a_json_body_is_rewritten_with_each_secret_hidden_wherever_it_nests() {
        let mut r = Redactor::default();
        // Secrets in arrays and objects under a secret name, and a secret name inside an array of
        // objects: places no reading of the text by shape reaches.
        let body = r#"{"tokens": [{"refresh_token": ["r1Canary"]}], "client_secret": ["c1Canary", "", {"x": "c2Canary"}, 7], "api_secret": "", "n": 1}"#;
        let out = r.body("b", Some("application/json"), body.as_bytes());
        let out = String::from_utf8(out).unwrap();
        assert!(!out.contains(": "), "rewritten whole: {out}");
        let json: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            json["tokens"][0]["refresh_token"][0],
            mask("refresh_token", "r1Canary")
        );
        assert_eq!(json["client_secret"][0], mask("client_secret", "c1Canary"));
        assert_eq!(json["client_secret"][1], "");
        // (The reading by shape that follows takes the key `x` for a value of `client_secret`
        // too, and hides it: more than needed, never less.)
        let nested: Vec<&serde_json::Value> = json["client_secret"][2]
            .as_object()
            .unwrap()
            .values()
            .collect();
        assert_eq!(
            nested,
            [&serde_json::Value::from(mask("client_secret", "c2Canary"))]
        );
        assert_eq!(json["client_secret"][3], 7);
        assert_eq!(json["api_secret"], "");
        assert_eq!(json["n"], 1);
        // Two secrets side by side in one array: each hidden, whatever their number.
        let pair = r#"{"client_secret": ["a1Canary", "a2Canary"], "note": "x"}"#;
        let out =
            String::from_utf8(r.body("b", Some("application/json"), pair.as_bytes())).unwrap();
        assert!(
            !out.contains("a1Canary") && !out.contains("a2Canary"),
            "{out}"
        );
        assert!(!out.contains(": "), "rewritten whole: {out}");
        // Nestings the reading by shape does not reach: an object under a secret name, an object
        // inside an array, a secret only inside a top-level array.
        for (body, canary) in [
            (r#"{"client_secret": {"inner": "x1Canary"}}"#, "x1Canary"),
            (
                r#"{"client_secret": {"a": "o1Canary", "b": "o2Canary"}}"#,
                "o2Canary",
            ),
            (
                r#"{"tokens": [{"refresh_token": {"value": "r2Canary"}}]}"#,
                "r2Canary",
            ),
            (r#"[{"password": "p9Canary"}]"#, "p9Canary"),
        ] {
            let out =
                String::from_utf8(r.body("b", Some("application/json"), body.as_bytes())).unwrap();
            assert!(!out.contains(canary), "{out}");
            assert!(!out.contains(": "), "rewritten whole: {out}");
        }
        // Nothing to hide (no value under a secret name): the body as it came.
        for untouched in [r#"{"a": [1, {"b": "c"}]}"#, r#"{"password": null, "a": 1}"#] {
            let out = r.body("b", Some("application/json"), untouched.as_bytes());
            assert_eq!(String::from_utf8(out).unwrap(), untouched);
        }
    }

    #[test]
    fn a_page_is_read_as_text_not_as_a_form() {
        let mut r = Redactor::default();
        let out = r.body("b", Some("text/html"), b"<p>password=hunter22</p>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("<p>password={}</p>", mask("password", "hunter22"))
        );
    }

    #[test]
    fn what_was_hidden_is_recorded_once_and_masks_may_go_without_fingerprints() {
        let mut r = Redactor::default();
        r.learn_given("consumer secret", "recordCanary1");
        r.text("log", "recordCanary1 and recordCanary1");
        r.text("log", "recordCanary1");
        assert_eq!(
            r.redactions(),
            [Redaction {
                what: "consumer secret".into(),
                location: "log".into(),
                fingerprint: fingerprint("recordCanary1"),
            }]
        );
        let mut plain = Redactor::default().without_fingerprints();
        plain.learn_given("consumer secret", "recordCanary1");
        assert_eq!(
            plain.text("log", "a recordCanary1 b"),
            "a [redacted consumer-secret] b"
        );
    }

    #[test]
    fn a_cookie_set_by_the_server_is_hidden_and_its_attributes_kept() {
        let mut r = Redactor::default();
        let out = &r.headers(
            "response",
            &[Header::new(
                "Set-Cookie",
                "session=setCookieCanary4; Path=/; HttpOnly",
            )],
        )[0]
        .value;
        assert_eq!(
            out,
            &format!(
                "session={}; Path=/; HttpOnly",
                mask("cookie", "setCookieCanary4")
            )
        );
    }

    #[test]
    fn a_multipart_body_has_each_secret_part_hidden_to_its_boundary() {
        let mut r = Redactor::default();
        let body = "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nhello\r\n\
                    --b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nmp1Canary\r\n\
                    --b\nContent-Disposition: form-data; name=\"password\"\n\nmp2Canary\n\
                    --b\r\nContent-Disposition: form-data; name=\"api_secret\"\r\n\r\nmp3Canary";
        let out = r.body(
            "b",
            Some("multipart/form-data; boundary=b"),
            body.as_bytes(),
        );
        let expected = format!(
            "--b\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\nhello\r\n\
             --b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n{}\r\n\
             --b\nContent-Disposition: form-data; name=\"password\"\n\n{}\n\
             --b\r\nContent-Disposition: form-data; name=\"api_secret\"\r\n\r\n{}",
            mask("client_secret", "mp1Canary"),
            mask("password", "mp2Canary"),
            mask("api_secret", "mp3Canary"),
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);
    }

    #[test]
    fn headers_hidden_by_their_names() {
        for header in [
            "Authorization",
            "cookie",
            "Proxy-Authorization",
            "X-Upwork-API-Token",
            "X-Auth-Token",
            "X-Api-Key",
            "X-Client-Secret-Hash",
            "X-Password-Reset",
        ] {
            assert!(hides_by_name(header), "{header}");
        }
        for header in ["Accept", "Content-Type", "X-Upwork-Request-Id", "Tokenizer"] {
            assert!(!hides_by_name(header), "{header}");
        }
    }
}
