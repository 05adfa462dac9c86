//! The corrected request: the captured one with the fixes of the findings that explain the failure
//! applied, and nothing else that could hide the cause, sent to confirm the fix. Only fixes that
//! can be made without guessing are made; each change is listed.

use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::Finding;
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::{self, SignedRequest};
use upwork_diag_core::request::chunked::Framing;
use upwork_diag_core::request::{CapturedRequest, Header};

/// The kinds of fix a corrected request can apply; a success confirms a finding only when its fix
/// was the one applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// The body length declared.
    Length,
    /// The query re-encoded per RFC 3986 and the call signed correctly.
    Signature,
    /// A fresh nonce and timestamp.
    Freshness,
    /// A new OAuth 2 access token.
    Token,
}

impl Fix {
    /// The fix that answers a finding of this code, if the tool can apply one.
    pub fn for_code(code: Code) -> Option<Fix> {
        match code {
            Code::ContentLengthMissing | Code::ContentLengthMismatch => Some(Fix::Length),
            Code::ParamEncoding | Code::SignatureMismatch => Some(Fix::Signature),
            Code::ReplayStale | Code::NonceReused | Code::TimestampSkew => Some(Fix::Freshness),
            Code::TokenExpired => Some(Fix::Token),
            _ => None,
        }
    }
}

impl Fix {
    /// The fix the corrected request applies for this finding: the fix of a finding that explains
    /// the failure, and the call signed again (fresh, correctly) where only sending that tells
    /// what the tool could not decide: a signature wrong for no known reason (a wrong secret given,
    /// or an unknown mistake), a refusal the replay caused (a spent nonce, an old capture), a
    /// timestamp read without its send time.
    pub fn wanted(finding: &Finding) -> Option<Fix> {
        let decided_by_sending = finding.evidence_level
            == upwork_diag_core::diagnosis::EvidenceLevel::Inconclusive
            && matches!(
                finding.code,
                Code::SignatureMismatch
                    | Code::NonceReused
                    | Code::ReplayStale
                    | Code::TimestampSkew
            );
        if finding.explains() || decided_by_sending {
            Fix::for_code(finding.code)
        } else {
            None
        }
    }
}

/// A corrected request and what was changed, one line each.
#[derive(Debug, Clone)]
pub struct Correction {
    pub request: CapturedRequest,
    pub changes: Vec<String>,
    /// The fixes applied, each once.
    pub fixes: Vec<Fix>,
}

impl Correction {
    pub(crate) fn applied(&mut self, fix: Fix) {
        if !self.fixes.contains(&fix) {
            self.fixes.push(fix);
        }
    }
}

/// The corrected request, or `None` when no finding that explains the failure has a fix this tool
/// can apply.
pub fn correct(
    captured: &CapturedRequest,
    findings: &[Finding],
    credentials: &Credentials,
) -> Option<Correction> {
    let needs = |fix: Fix| findings.iter().any(|f| Fix::wanted(f) == Some(fix));
    let mut correction = Correction {
        request: captured.clone(),
        changes: Vec::new(),
        fixes: Vec::new(),
    };
    // The corrected request declares its length: a chunked body is sent as its content. Chunks
    // that cannot be read have no content to send without a guess.
    let framing = captured.framing();
    if let Framing::Malformed(_) = framing {
        return None;
    }
    if let Framing::Chunked(decoded) = framing {
        correction.request.body = decoded.content;
        correction
            .request
            .headers
            .retain(|h| !h.name.eq_ignore_ascii_case("transfer-encoding"));
        correction.changes.push(
            "Transfer-Encoding: chunked removed, the chunks' content sent as the body".to_string(),
        );
    }
    let signed = SignedRequest::from_request(captured).ok().flatten();
    // Signed again only under the call's own key and token, with their secrets: the secrets of
    // another key in the environment would send another call (and a key's secret given without
    // UPWORK_CONSUMER_KEY still serves the call that names that key).
    let secrets = signed
        .as_ref()
        .and_then(|signed| crate::checks::signature::secrets_for(signed, credentials).ok());
    let keys = match (&signed, secrets) {
        (Some(signed), Some((consumer_secret, token_secret))) => Some(oauth::Keys {
            consumer_key: &signed.consumer_key,
            consumer_secret,
            token: signed.token.as_deref().filter(|t| !t.is_empty()),
            token_secret: Some(token_secret),
        }),
        _ => None,
    };
    // A signed request whose parameters change needs a new signature, which needs the secrets.
    let can_sign_again = keys.is_some();

    if needs(Fix::Signature) && can_sign_again {
        // Only the query: a `+` in a form body is read as a space by Upwork too.
        if let Some(query) = correction.request.url.query() {
            let encoded = reencode(query);
            if encoded != query {
                correction
                    .changes
                    .push(format!("query encoded per RFC 3986: {encoded}"));
                correction.request.url = correction.request.url.with_query(Some(&encoded));
            }
        }
        correction.applied(Fix::Signature);
    }
    if needs(Fix::Length) {
        correction
            .changes
            .push(format!("Content-Length: {}", correction.request.body.len()));
        correction.applied(Fix::Length);
    }
    // A call refused for its age or nonce alone is corrected by a fresh nonce and timestamp.
    if needs(Fix::Freshness) && can_sign_again {
        correction.applied(Fix::Freshness);
    }
    if correction.fixes.is_empty() {
        return None;
    }
    let Correction {
        mut request,
        mut changes,
        fixes,
    } = correction;
    // A replay must carry a fresh nonce and timestamp, or the server refuses it as a replay.
    if let Some(keys) = keys {
        request = sign_in_place(&request, &keys, &mut changes);
        changes.push(if fixes.contains(&Fix::Signature) {
            "signed again, correctly, with the secrets given (fresh nonce and timestamp)"
                .to_string()
        } else {
            "signed again with the secrets given, for a fresh nonce and timestamp".to_string()
        });
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
    Some(Correction {
        request,
        changes,
        fixes,
    })
}

/// The request signed again with fresh parameters, which go where the developer's call carried
/// them: in the query when it carried them there (the FAQ's token calls do), else in the
/// `Authorization` header. Parameters that were in a form body move to the header; that move is
/// listed among the changes, as it is not part of any fix.
fn sign_in_place(
    request: &CapturedRequest,
    keys: &oauth::Keys<'_>,
    changes: &mut Vec<String>,
) -> CapturedRequest {
    let in_header = oauth::oauth_authorization(request).is_some();
    let in_query = request.url.query().is_some_and(carries_oauth_params);
    let in_body =
        request.is_form_body() && carries_oauth_params(&String::from_utf8_lossy(&request.body));
    let resigned =
        oauth::sign_request_with(request, keys, &oauth::SignOptions::from_request(request));
    if in_query
        && !in_header
        && let Ok(url) =
            upwork_diag_core::request::RawUrl::parse(&resigned.authorization.signed_url)
    {
        let mut signed = resigned.request;
        signed
            .headers
            .retain(|h| !h.name.eq_ignore_ascii_case("authorization"));
        signed.url = url;
        return signed;
    }
    if in_body {
        changes.push(if in_header {
            "the OAuth parameters of the form body left out (the call had them in its \
             Authorization header too; the new signature is sent there alone)"
                .to_string()
        } else {
            "the OAuth parameters sent in the Authorization header (the call had them in its form \
             body; Upwork reads either)"
                .to_string()
        });
    }
    resigned.request
}

/// True when a query or form body holds an `oauth_` parameter.
fn carries_oauth_params(pairs: &str) -> bool {
    pairs.split('&').any(|pair| {
        pair.split('=')
            .next()
            .is_some_and(|name| name.starts_with("oauth_"))
    })
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
    use upwork_diag_core::diagnosis::{EvidenceLevel, Severity};

    fn raw(text: &str) -> CapturedRequest {
        upwork_diag_import::raw::parse_raw(text.as_bytes(), "test", None).unwrap()
    }

    fn finding(code: Code) -> Finding {
        Finding::new(code, Severity::Error, "t")
    }

    fn corrected(request: &CapturedRequest, code: Code) -> CapturedRequest {
        correct(request, &[finding(code)], &Credentials::default())
            .expect("a length fix needs no secret")
            .request
    }

    /// The keys a call is signed with, and the same given to the tool as its credentials.
    fn keys() -> oauth::Keys<'static> {
        oauth::Keys {
            consumer_key: "key",
            consumer_secret: "consumer secret",
            token: Some("token"),
            token_secret: Some("token secret"),
        }
    }

    fn credentials() -> Credentials {
        Credentials {
            consumer_key: Some("key".into()),
            consumer_secret: Some(upwork_diag_core::credentials::Secret::new(
                "consumer secret",
            )),
            token: Some("token".into()),
            token_secret: Some(upwork_diag_core::credentials::Secret::new("token secret")),
            ..Credentials::default()
        }
    }

    fn values<'r>(request: &'r CapturedRequest, name: &str) -> Vec<&'r str> {
        request
            .headers
            .iter()
            .filter(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
            .collect()
    }

    #[test]
    fn only_a_finding_that_explains_or_that_sending_decides_gets_a_fix() {
        // A pattern that merely can break (risk) never sends a corrected request.
        let risk = Finding::new(Code::SignatureMismatch, Severity::Warning, "t");
        assert_eq!(Fix::wanted(&risk), None);
        // Undecided, but not of a kind that a fresh signed call decides.
        let undecided = finding(Code::ContentLengthMissing).level(EvidenceLevel::Inconclusive);
        assert_eq!(Fix::wanted(&undecided), None);
        let decided_by_sending =
            finding(Code::SignatureMismatch).level(EvidenceLevel::Inconclusive);
        assert_eq!(Fix::wanted(&decided_by_sending), Some(Fix::Signature));
        assert_eq!(Fix::wanted(&finding(Code::TokenExpired)), Some(Fix::Token));
    }

    #[test]
    fn a_chunked_body_is_sent_as_its_content_with_every_other_header_kept() {
        let request = raw(
            "POST https://www.upwork.com/api/x HTTP/1.1\r\nAuthorization: Bearer t\r\n\
             Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        );
        let fixed = corrected(&request, Code::ContentLengthMissing);
        assert_eq!(fixed.body, b"hello");
        assert_eq!(values(&fixed, "authorization"), ["Bearer t"]);
        assert_eq!(values(&fixed, "content-length"), ["5"]);
        assert!(values(&fixed, "transfer-encoding").is_empty());
    }

    #[test]
    fn signed_again_the_oauth_parameters_stay_in_the_header_and_no_move_is_listed() {
        let keys = keys();
        let form = raw("POST https://www.upwork.com/api/x HTTP/1.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=1");
        let signed = oauth::sign_request_at(&form, &keys, "n1", 1_700_000_000);
        let credentials = credentials();
        let fixed = correct(&signed, &[finding(Code::NonceReused)], &credentials).unwrap();
        assert_eq!(fixed.request.body, b"a=1");
        assert!(
            values(&fixed.request, "authorization")[0].starts_with("OAuth "),
            "{:?}",
            fixed.request.headers
        );
        assert_eq!(
            fixed.changes,
            ["signed again with the secrets given, for a fresh nonce and timestamp"]
        );

        // A GET signed again declares no length it has no body for.
        let get = raw("GET https://www.upwork.com/api/x?q=1 HTTP/1.1\r\n\r\n");
        let get = oauth::sign_request_at(&get, &keys, "n2", 1_700_000_000);
        let fixed = correct(&get, &[finding(Code::NonceReused)], &credentials).unwrap();
        assert!(values(&fixed.request, "content-length").is_empty());
    }

    #[test]
    fn oauth_parameters_of_a_form_body_move_to_the_header_and_the_move_is_listed() {
        let keys = keys();
        // Signed in the header, then its parameters moved into the body, as some clients send
        // them; the query holds a parameter of the call's own.
        let form = raw("POST https://www.upwork.com/api/x?x=1 HTTP/1.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\r\na=1");
        let mut signed = oauth::sign_request_at(&form, &keys, "n1", 1_700_000_000);
        let header = signed.header("authorization").unwrap().to_string();
        signed
            .headers
            .retain(|h| !h.name.eq_ignore_ascii_case("authorization"));
        for (name, value) in oauth::parse_authorization(header.strip_prefix("OAuth ").unwrap()) {
            let pair = format!("&{}={}", oauth::encode(&name), oauth::encode(&value));
            signed.body.extend_from_slice(pair.as_bytes());
        }
        let credentials = credentials();
        let fixed = correct(&signed, &[finding(Code::NonceReused)], &credentials).unwrap();
        assert_eq!(fixed.request.url.query(), Some("x=1"));
        assert_eq!(fixed.request.body, b"a=1");
        assert!(values(&fixed.request, "authorization")[0].starts_with("OAuth "));
        assert!(
            fixed.changes[0].contains("the call had them in its form body"),
            "{:?}",
            fixed.changes
        );
    }

    #[test]
    fn oauth_parameters_in_both_header_and_form_body_are_sent_once_and_the_drop_is_listed() {
        let keys = keys();
        let form = raw("POST https://www.upwork.com/api/x HTTP/1.1\r\n\
             Content-Type: application/x-www-form-urlencoded\r\n\r\na=1");
        let mut signed = oauth::sign_request_at(&form, &keys, "n1", 1_700_000_000);
        let header = signed.header("authorization").unwrap().to_string();
        for (name, value) in oauth::parse_authorization(header.strip_prefix("OAuth ").unwrap()) {
            let pair = format!("&{}={}", oauth::encode(&name), oauth::encode(&value));
            signed.body.extend_from_slice(pair.as_bytes());
        }
        let fixed = correct(&signed, &[finding(Code::NonceReused)], &credentials()).unwrap();
        assert_eq!(fixed.request.body, b"a=1");
        assert!(values(&fixed.request, "authorization")[0].starts_with("OAuth "));
        assert!(
            fixed.changes[0].starts_with("the OAuth parameters of the form body left out"),
            "{:?}",
            fixed.changes
        );
        // Signed in the header alone, a form body has nothing to leave out.
        let signed = oauth::sign_request_at(&form, &keys, "n1", 1_700_000_000);
        let fixed = correct(&signed, &[finding(Code::NonceReused)], &credentials()).unwrap();
        assert_eq!(fixed.request.body, b"a=1");
        assert!(
            fixed
                .changes
                .iter()
                .all(|c| !c.contains("OAuth parameters")),
            "{:?}",
            fixed.changes
        );
    }

    #[test]
    fn the_length_declared_is_the_bodys_once_and_zero_for_an_empty_post() {
        let wrong =
            raw("POST https://www.upwork.com/api/x HTTP/1.1\r\nContent-Length: 99\r\n\r\nhello");
        assert_eq!(
            values(
                &corrected(&wrong, Code::ContentLengthMismatch),
                "content-length"
            ),
            ["5"]
        );
        let empty = raw("POST https://www.upwork.com/api/x HTTP/1.1\r\n\r\n");
        assert_eq!(
            values(
                &corrected(&empty, Code::ContentLengthMissing),
                "content-length"
            ),
            ["0"]
        );
    }

    #[test]
    fn reencodes_spaces_and_reserved_characters() {
        assert_eq!(
            reencode("q=web+design&x=a b&y=%7e&z=1:2"),
            "q=web%20design&x=a%20b&y=~&z=1%3A2"
        );
        assert_eq!(reencode("flag&a="), "flag&a=");
    }
}
