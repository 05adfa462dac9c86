//! The corrected request: the captured one with the fixes of the findings applied, sent to confirm
//! that the fix works. Only fixes that can be made without guessing are made.

use crate::credentials::Credentials;
use crate::diagnosis::Finding;
use crate::oauth::{self, SignedRequest};
use crate::request::{CapturedRequest, Header};

/// A corrected request and what was changed, one line each.
#[derive(Debug, Clone)]
pub struct Correction {
    pub request: CapturedRequest,
    pub changes: Vec<String>,
}

/// The corrected request, or `None` when no finding has a fix this tool can apply.
pub fn correct(
    captured: &CapturedRequest,
    findings: &[Finding],
    credentials: &Credentials,
) -> Option<Correction> {
    let has = |code: &str| findings.iter().any(|f| f.code == code);
    let mut request = captured.clone();
    let mut changes = Vec::new();
    let signed = SignedRequest::from_request(captured).ok().flatten();
    let keys = oauth::Keys::from_credentials(credentials).ok();

    let encoding_fault = has("param-encoding") || has("signature-mismatch");
    // A signed request whose parameters change needs a new signature, which needs the secrets.
    let can_resign = signed.is_none() || keys.is_some();
    if encoding_fault && can_resign {
        if let Some(query) = request.url.query() {
            let encoded = reencode(query);
            if encoded != query {
                changes.push(format!("query encoded per RFC 3986: {encoded}"));
                request.url = request.url.with_query(Some(&encoded));
            }
        }
        if request.is_form_body() {
            let body = String::from_utf8_lossy(&request.body).into_owned();
            let encoded = reencode(&body);
            if encoded != body {
                changes.push(format!("form body encoded per RFC 3986: {encoded}"));
                request.body = encoded.into_bytes();
            }
        }
    }
    let length_fault = has("content-length-missing") || has("content-length-mismatch");
    if length_fault {
        changes.push(format!("Content-Length: {}", request.body.len()));
    }
    // A replay must carry a fresh nonce and timestamp, or the server refuses it as a replay; a
    // call refused for its age or nonce alone is corrected by that.
    let freshness_fault = has("replay-stale") || has("nonce-reused") || has("timestamp-skew");
    let can_sign_again = signed.is_some() && keys.is_some();
    if changes.is_empty() && !(freshness_fault && can_sign_again) {
        return None;
    }
    if let (Some(signed), Some(mut keys)) = (&signed, keys) {
        if signed.token.is_none() {
            keys.token = None;
        }
        request = oauth::sign_request(&request, &keys);
        changes.push("signed again (fresh nonce and timestamp) with the secrets given".to_string());
    }
    let needs_length = ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(&request.method));
    request.headers.retain(|h| {
        !h.name.eq_ignore_ascii_case("content-length")
            && !h.name.eq_ignore_ascii_case("transfer-encoding")
    });
    if needs_length || !request.body.is_empty() {
        request.headers.push(Header::new(
            "Content-Length",
            request.body.len().to_string(),
        ));
    }
    Some(Correction { request, changes })
}

/// A query or form body with each name and value decoded (`+` as a space) and encoded again by
/// RFC 3986; the order of the pairs is kept.
fn reencode(query: &str) -> String {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair
                .split_once('=')
                .map_or((pair, None), |(n, v)| (n, Some(v)));
            let name = oauth::encode(&oauth::form_decode(name));
            match value {
                Some(v) => format!("{name}={}", oauth::encode(&oauth::form_decode(v))),
                None => name,
            }
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reencodes_spaces_and_reserved_characters() {
        assert_eq!(
            reencode("q=web+design&x=a b&y=%7e&z=1:2"),
            "q=web%20design&x=a%20b&y=~&z=1%3A2"
        );
        assert_eq!(reencode("flag&a="), "flag&a=");
    }
}
