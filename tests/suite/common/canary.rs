//! Canary checks shared by the redaction tests: the ways a secret can be written, computed here
//! independently of the redactor's own list, and the texts of everything a run wrote.

use std::io::Read;
use std::path::Path;

use base64::Engine;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Percent-encoding of everything but RFC 3986's unreserved characters, in a chosen hex case.
pub fn percent(value: &str, lower: bool) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else if lower {
                format!("%{b:02x}")
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The ways a secret can be written, each one a leak if found in an output: raw, percent-encoded
/// (upper and lower hex), form-encoded, encoded twice, JSON-escaped with `\/`, base64 alone and
/// as Basic `someone:secret`, and a `+` read as a space and re-encoded.
pub fn encodings(secret: &str) -> Vec<String> {
    let mut forms = vec![
        secret.to_string(),
        percent(secret, false),
        percent(secret, true),
        percent(secret, false).replace("%20", "+"),
        percent(&percent(secret, false), false),
        secret.replace('/', "\\/"),
        B64.encode(secret),
        B64.encode(format!("someone:{secret}")),
    ];
    if secret.contains('+') {
        forms.push(percent(&secret.replace('+', " "), false));
    }
    forms
}

/// Fails when any secret, in any of its [`encodings`], is in `text`.
pub fn assert_clean(place: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        for form in encodings(secret) {
            assert!(
                !text.contains(&form),
                "{place}: the secret {secret:?} leaked as {form:?}:\n{text}"
            );
        }
    }
}

/// Every file under `dir`, zips unzipped, as one text.
pub fn files_text(dir: &Path) -> String {
    let mut all = String::new();
    for (path, bytes) in super::files_under(dir) {
        if path.extension().is_some_and(|e| e == "zip") {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            for i in 0..archive.len() {
                archive
                    .by_index(i)
                    .unwrap()
                    .read_to_string(&mut all)
                    .unwrap();
            }
        } else {
            all.push_str(&String::from_utf8_lossy(&bytes));
        }
    }
    all
}
