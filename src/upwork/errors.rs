//! How Upwork reports errors: two response headers, a legacy JSON error body and a handful of
//! texts worth recognising.

/// The error code header of the legacy API (the HTTP status, repeated).
pub const ERROR_CODE_HEADER: &str = "X-Upwork-Error-Code";
/// The error message header of the legacy API.
pub const ERROR_MESSAGE_HEADER: &str = "X-Upwork-Error-Message";

/// The OAuth 1.0 signature did not match.
pub const SIGNATURE_FAILED: &str = "Verification of signature failed.";
/// The key lacks the permission of the endpoint (403).
pub const NO_ACCESS: &str = "This APP has no access to the requested resource";
/// A shorter form of the signature failure some front ends send.
pub const INVALID_SIGNATURE: &str = "Invalid signature";
/// The nonce was used before within the timestamp window.
pub const DUPLICATE_NONCE: &str =
    "Duplicate timestamp/nonce combination, possible replay attack.  Request rejected.";
/// The timestamp is outside the window the server accepts (the server time follows it).
pub const TIMESTAMP_REFUSED: &str = "Timestamp refused: it is too far from the server time.";
/// The consumer key is not one the server knows.
pub const UNKNOWN_CONSUMER: &str = "Invalid consumer key.";
/// The token is not one the server issued to this consumer, or not of the kind the call needs.
pub const INVALID_TOKEN: &str = "Invalid or expired token.";
/// The access token request carried no verifier or a wrong one.
pub const INVALID_VERIFIER: &str = "Invalid or missing oauth_verifier.";
/// The call carried no OAuth 1.0 signature at all.
pub const AUTHORIZATION_REQUIRED: &str =
    "Authorization required: the request carries no OAuth signature.";
/// The OAuth parameters could not be read (duplicated, malformed, unsupported method or version).
pub const BAD_OAUTH_PARAMETERS: &str = "Invalid OAuth parameters.";
/// Too many calls in a short time (429).
pub const RATE_LIMITED: &str = "Too many requests, please slow down and retry later.";
/// The title of the HTML page the front end answers a body without length with.
pub const LENGTH_REQUIRED_TITLE: &str = "411 Length Required";

/// A text Upwork (or the emulator standing in for it) sends, with what it means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct KnownError {
    pub text: &'static str,
    pub status: u16,
    /// One sentence: what the client did wrong.
    pub meaning: &'static str,
    /// True when the text is Upwork's own wording; false when it is the emulator's stand-in for a
    /// case whose exact Upwork wording is not on record.
    pub upwork_wording: bool,
}

/// The error texts worth recognising in a response, by header or body.
pub const KNOWN_ERRORS: &[KnownError] = &[
    KnownError {
        text: SIGNATURE_FAILED,
        status: 401,
        meaning: "The OAuth 1.0 signature does not match the request as the server sees it.",
        upwork_wording: true,
    },
    KnownError {
        text: INVALID_SIGNATURE,
        status: 401,
        meaning: "The OAuth 1.0 signature does not match the request as the server sees it.",
        upwork_wording: true,
    },
    KnownError {
        text: NO_ACCESS,
        status: 403,
        meaning: "The API key lacks the permission this endpoint needs.",
        upwork_wording: true,
    },
    KnownError {
        text: DUPLICATE_NONCE,
        status: 401,
        meaning: "The oauth_nonce was already used within the timestamp window.",
        upwork_wording: true,
    },
    KnownError {
        text: TIMESTAMP_REFUSED,
        status: 401,
        meaning: "The oauth_timestamp is too far from the server's clock.",
        upwork_wording: false,
    },
    KnownError {
        text: UNKNOWN_CONSUMER,
        status: 401,
        meaning: "The consumer key is unknown or disabled.",
        upwork_wording: false,
    },
    KnownError {
        text: INVALID_TOKEN,
        status: 401,
        meaning: "The token is unknown, revoked, or of the wrong kind for this call.",
        upwork_wording: false,
    },
    KnownError {
        text: INVALID_VERIFIER,
        status: 401,
        meaning: "The access token request lacks the verifier the user was given.",
        upwork_wording: false,
    },
    KnownError {
        text: AUTHORIZATION_REQUIRED,
        status: 401,
        meaning: "The call was sent without OAuth parameters.",
        upwork_wording: false,
    },
    KnownError {
        text: BAD_OAUTH_PARAMETERS,
        status: 401,
        meaning: "The OAuth parameters are malformed, duplicated or unsupported.",
        upwork_wording: false,
    },
    KnownError {
        text: RATE_LIMITED,
        status: 429,
        meaning: "Too many calls; wait as long as Retry-After says.",
        upwork_wording: false,
    },
    KnownError {
        text: LENGTH_REQUIRED_TITLE,
        status: 411,
        meaning: "A POST, PUT or PATCH was sent without Content-Length and not chunked.",
        upwork_wording: true,
    },
];

/// The known error whose text occurs in `text` (a header value or a body), if any.
pub fn recognise(text: &str) -> Option<&'static KnownError> {
    KNOWN_ERRORS.iter().find(|known| text.contains(known.text))
}

/// The legacy API's error body: `{"server_time":..,"error":{"status":..,"code":..,"message":..}}`.
pub fn legacy_error_body(server_time: i64, status: u16, message: &str) -> serde_json::Value {
    serde_json::json!({
        "server_time": server_time,
        "error": { "status": status, "code": status, "message": message },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_texts_inside_bodies() {
        let body = legacy_error_body(1, 403, NO_ACCESS).to_string();
        assert_eq!(recognise(&body).unwrap().status, 403);
        assert!(recognise("all good").is_none());
    }
}
