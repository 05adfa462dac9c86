//! The forms a secret takes once written by someone: a client, a server, our own outputs. A secret
//! hidden only as given leaks the moment it is percent-encoded with lowercase hex (.NET's
//! `HttpUtility.UrlEncode`), re-encoded by the corrected request, base64-encoded in a header or
//! JSON-escaped with `\/`; so every value is searched in all of them.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

/// Every form of `secret` worth searching for, longest first, without duplicates.
pub(crate) fn encoded_forms(secret: &str) -> Vec<String> {
    let mut readings = vec![secret.to_string()];
    // A `+` in a form-encoded value reads as a space: the corrected request re-encodes it `%20`.
    if secret.contains('+') {
        readings.push(secret.replace('+', " "));
    }
    // A value learned as it appeared (percent-encoded) is also hidden decoded, and the other way.
    if let Some(decoded) = percent_decode(secret).filter(|d| d != secret) {
        readings.push(decoded);
    }
    let mut forms: Vec<String> = Vec::new();
    for reading in &readings {
        // Letters and digits alone (hex session ids, most tokens) read the same in every
        // encoding but base64: the many forms below would all be the value itself.
        if reading.bytes().all(|b| b.is_ascii_alphanumeric()) {
            forms.push(reading.clone());
            forms.extend(base64_forms(reading));
            continue;
        }
        let once = percent_encode(reading, false);
        let twice = percent_encode(&once, false);
        // RFC 1738-era encoders (Java's URLEncoder, Python 2's quote) write `~` as `%7E`; stricter
        // ones encode every byte that is not a letter or digit (`-` as `%2D`).
        let tilde = once.replace('~', "%7E");
        let strict = strict_encode(reading);
        let form = form_encode(reading);
        let json = serde_json::to_string(reading)
            .unwrap_or_default()
            .trim_matches('"')
            .to_string();
        for form in [
            reading.clone(),
            lower_hex(&tilde),
            tilde,
            lower_hex(&strict),
            strict,
            lower_hex(&once),
            once,
            lower_hex(&twice),
            twice,
            lower_hex(&form),
            form,
            json.replace('/', "\\/"),
            json,
        ] {
            forms.push(form);
        }
        forms.extend(base64_forms(reading));
    }
    let mut unique: Vec<String> = Vec::new();
    for form in forms {
        if !form.is_empty() && !unique.contains(&form) {
            unique.push(form);
        }
    }
    unique.sort_by_key(|f| std::cmp::Reverse(f.len()));
    unique
}

/// True for a secret of letters and digits alone, at least six: its only forms are itself and its
/// base64 ([`encoded_forms`]), so [`may_occur`] tells from a few bytes whether any of them is in a
/// text, and the forms need not be made for a text that holds none (most session cookies never
/// show anywhere else).
pub(crate) fn is_deferrable(secret: &str) -> bool {
    secret.len() >= 6 && secret.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// False only when no form of `secret` (one [`is_deferrable`]) occurs in `haystack`: each form is
/// the secret itself, or base64 that starts with the encoding of the secret's bytes 0 to 2, 1 to 3
/// or 2 to 4 (see [`base64_forms`]), in the standard or the URL-safe alphabet.
pub(crate) fn may_occur(secret: &str, haystack: &[u8]) -> bool {
    let bytes = secret.as_bytes();
    if occurs(haystack, bytes) {
        return true;
    }
    (0..3).any(|start| {
        let group = &bytes[start..start + 3];
        [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD]
            .into_iter()
            .any(|engine| {
                let mut encoded = [0u8; 4];
                let written = engine
                    .encode_slice(group, &mut encoded)
                    .expect("three bytes fit four base64 characters");
                occurs(haystack, &encoded[..written])
            })
    })
}

/// True when `needle` is in `haystack`. Not `memchr::memmem::find`, which builds a searcher for
/// each call: worth it over long texts, but most texts redacted are a URL or a line, searched
/// here for each of a call's secrets seven times.
fn occurs(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, _)) = needle.split_first() else {
        return true;
    };
    memchr::memchr_iter(first, haystack).any(|at| haystack[at..].starts_with(needle))
}

/// RFC 3986 percent-encoding (everything but the unreserved characters), a space as `+` when
/// `plus_for_space` (a literal `+` is `%2B` either way).
fn percent_encode(value: &str, plus_for_space: bool) -> String {
    let encoded = crate::oauth::encode(value);
    if plus_for_space {
        encoded.replace("%20", "+")
    } else {
        encoded
    }
}

/// Every byte but letters and digits percent-encoded.
fn strict_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `application/x-www-form-urlencoded`: a space is `+`, `*` stays.
fn form_encode(value: &str) -> String {
    percent_encode(value, true).replace("%2A", "*")
}

/// The same encoding with the hex digits of each `%XX` in lowercase.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for hex in chars.by_ref().take(2) {
                out.push(hex.to_ascii_lowercase());
            }
        }
    }
    out
}

fn percent_decode(value: &str) -> Option<String> {
    if !value.contains('%') {
        return None;
    }
    percent_encoding::percent_decode_str(value)
        .decode_utf8()
        .ok()
        .map(|d| d.into_owned())
}

/// Base64 of the value alone, and the stretches of base64 that stay the same whatever precedes it
/// (`user:secret` in Basic credentials): for each of the three alignments, the groups made of the
/// value's bytes only.
fn base64_forms(value: &str) -> Vec<String> {
    let bytes = value.as_bytes();
    let mut forms = vec![
        STANDARD.encode(bytes),
        STANDARD_NO_PAD.encode(bytes),
        URL_SAFE_NO_PAD.encode(bytes),
    ];
    for offset in 0..3usize {
        // `offset` bytes of whatever precede the value fill the first group; the groups that
        // follow hold only the value's bytes, up to the last whole group.
        let skip = (3 - offset) % 3;
        if bytes.len() < skip + 6 {
            continue;
        }
        let whole = (bytes.len() - skip) / 3 * 3;
        let inner = &bytes[skip..skip + whole];
        forms.push(STANDARD_NO_PAD.encode(inner));
        forms.push(URL_SAFE_NO_PAD.encode(inner));
    }
    // Four base64 characters match innocent text too often to be worth hiding.
    forms.retain(|f| f.len() >= 8);
    forms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_is_searched() {
        let forms = encoded_forms("a b/c+d");
        for expected in [
            "a b/c+d",
            "a%20b%2Fc%2Bd",
            "a%20b%2fc%2bd",
            "a+b%2Fc%2Bd",
            "a%2520b%252Fc%252Bd",
            "a b\\/c+d",
            // `+` read as a space, as a form decoder does, then re-encoded.
            "a%20b%2Fc%20d",
        ] {
            assert!(forms.iter().any(|f| f == expected), "{expected}: {forms:?}");
        }
        // Unreserved characters encoded all the same, by older or stricter encoders.
        let forms = encoded_forms("abc~def-1");
        for expected in [
            "abc%7Edef-1",
            "abc%7edef-1",
            "abc%7Edef%2D1",
            "abc%7edef%2d1",
        ] {
            assert!(forms.iter().any(|f| f == expected), "{expected}: {forms:?}");
        }
    }

    /// A secret given percent-encoded (as it was pasted from a URL) is also hidden decoded, and in
    /// the encodings of its decoded form.
    #[test]
    fn a_percent_encoded_secret_is_hidden_decoded_too() {
        let forms = encoded_forms("s3cr%2Fet%20x");
        for expected in ["s3cr%2Fet%20x", "s3cr/et x", "s3cr%2Fet+x", "czNjci9ldCB4"] {
            assert!(forms.iter().any(|f| f == expected), "{expected}: {forms:?}");
        }
    }

    /// The shortcut may only say "absent" when no form is there: a secret missed here is a leak.
    #[test]
    fn a_deferred_secret_is_seen_in_each_of_its_forms_and_only_then() {
        let secret = "Sess10nCookie";
        assert!(is_deferrable(secret));
        for form in encoded_forms(secret) {
            let text = format!("GET /x?a=1&b={form}&c=2");
            assert!(may_occur(secret, text.as_bytes()), "{form}");
            assert!(may_occur(secret, form.as_bytes()), "{form} alone");
        }
        for prefix in ["", "u:", "us:", "use:"] {
            let encoded = URL_SAFE_NO_PAD.encode(format!("{prefix}{secret}"));
            assert!(may_occur(secret, encoded.as_bytes()), "{prefix}");
        }
        assert!(!may_occur(secret, b"GET /x?a=1&b=Sess10nCooki&c=S"));
        assert!(!may_occur(secret, b""));
    }

    #[test]
    fn base64_of_the_shortest_secret_is_found_after_any_prefix() {
        // At each alignment, the shortest secret that still fills two whole groups of its own:
        // 6 bytes after nothing (or a whole group), 8 after one byte, 7 after two.
        for (prefix, secret) in [
            ("", "s3cr3t"),
            ("abc", "s3cr3t"),
            ("u", "s3cr3tXY"),
            ("u:", "s3cr3tX"),
        ] {
            let encoded = STANDARD.encode(format!("{prefix}{secret}"));
            let found = encoded_forms(secret)
                .into_iter()
                .filter(|f| f.len() >= 8)
                .any(|f| encoded.contains(f.as_str()));
            assert!(found, "{prefix:?} {secret}: {encoded}");
        }
    }

    #[test]
    fn base64_is_found_after_any_prefix() {
        let secret = "CANARY-secret-value";
        let forms = encoded_forms(secret);
        for prefix in ["", "u:", "us:", "use:"] {
            let encoded = STANDARD.encode(format!("{prefix}{secret}"));
            assert!(
                forms
                    .iter()
                    .any(|f| f.len() >= 8 && encoded.contains(f.as_str())),
                "{prefix}: {encoded}"
            );
        }
    }
}
