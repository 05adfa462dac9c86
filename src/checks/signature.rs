//! The OAuth 1.0 signature, recomputed with the developer's secrets; when it differs, the known
//! mistake that reproduces the captured one is named.

use crate::credentials::Credentials;
use crate::diagnosis::{Finding, Severity};
use crate::oauth::{self, SignedRequest};

/// Recomputes the signature. Nothing is said when no secret is at hand (the check cannot run) or
/// the signature is right.
pub fn check(signed: &SignedRequest, credentials: &Credentials) -> Vec<Finding> {
    let Some(consumer_secret) = credentials.consumer_secret.as_ref() else {
        return Vec::new();
    };
    let token_secret = credentials.token_secret.as_ref().map_or("", |s| s.expose());
    let verification = oauth::verify(signed, consumer_secret.expose(), token_secret);
    if verification.ok {
        return Vec::new();
    }
    let mistake = oauth::find_mistake(signed, consumer_secret.expose(), token_secret);
    let mut finding = Finding::new(
        "signature-mismatch",
        Severity::Error,
        match &mistake {
            Some(m) => format!("oauth_signature is wrong: {} ({})", m.description, m.name),
            None => "oauth_signature is wrong and no known mistake reproduces it".to_string(),
        },
    )
    .evidence(
        "captured_signature",
        verification.captured_signature.clone(),
    )
    .evidence(
        "expected_signature",
        verification.expected_signature.clone(),
    )
    .evidence("expected_base_string", verification.base_string.clone());
    match mistake {
        Some(m) => {
            let diff = oauth::first_difference(&m.client_base_string, &verification.base_string);
            finding = finding
                .detail(format!(
                    "Signing the request again as a client that made the mistake `{}` reproduces the \
                     captured signature exactly, so that is what the signing code does.{}",
                    m.name,
                    diff.map_or(String::new(), |at| format!(
                        " The base strings first differ at byte {at}."
                    ))
                ))
                .fix(mistake_fix(m.name))
                .evidence("mistake", m.name)
                .evidence("client_base_string", m.client_base_string)
                .evidence("first_difference_at", diff);
        }
        None => {
            finding = finding
                .detail(
                    "The signature was computed again with the secrets given and differs. None of the \
                     known client mistakes reproduces it: the likeliest cause is a different consumer \
                     or token secret than the one given here.",
                )
                .fix(
                    "Check that the consumer secret and token secret are the ones of this key and token, \
                     then compare your base string with the expected one (`upwork-diag sign --compare`).",
                );
        }
    }
    vec![finding]
}

/// What to change for a named mistake.
fn mistake_fix(name: &str) -> String {
    match name {
        "space-as-plus" => "Encode spaces as %20 (RFC 3986: `rawurlencode`, `urllib.parse.quote`), never as `+`, both in the URL and in the base string.".into(),
        "double-encoded" => "Encode each parameter exactly once when building the base string: decode values taken from a URL first.".into(),
        "unencoded" => "Percent-encode every parameter name and value (RFC 3986) before joining them into the base string.".into(),
        "query-params-omitted" => "Include the query parameters in the base string, not only the oauth_* ones.".into(),
        "body-params-omitted" => "Include the parameters of a form body (application/x-www-form-urlencoded) in the base string.".into(),
        "body-params-added" => "Sign only form bodies: a JSON or other body is not part of the OAuth 1.0 base string.".into(),
        "default-port-kept" => "Drop :443 (https) and :80 (http) from the base URL.".into(),
        "wrong-scheme" => "Sign the URL with the scheme it is sent with (https).".into(),
        "unsorted-params" => "Sort the encoded parameters by name, then by value, before joining them.".into(),
        "lowercase-method" => "Use the uppercase method (POST, GET) in the base string.".into(),
        "secret-not-encoded" => "Percent-encode the consumer secret and token secret before joining them with & into the key.".into(),
        "path-re-encoded" => "Sign the path exactly as it is sent (do not decode or re-encode it, e.g. ~ stays ~).".into(),
        _ => "Correct that step of the signing code, or sign with a maintained OAuth 1.0 library.".into(),
    }
}
