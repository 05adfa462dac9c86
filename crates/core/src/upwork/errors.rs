//! How Upwork reports errors: two response headers, a legacy JSON error body and a handful of
//! texts worth recognising.

/// The error code header of the legacy API (the HTTP status, repeated).
pub const ERROR_CODE_HEADER: &str = "X-Upwork-Error-Code";
/// The error message header of the legacy API.
pub const ERROR_MESSAGE_HEADER: &str = "X-Upwork-Error-Message";
/// The oDesk-era name of [`ERROR_CODE_HEADER`], which Upwork still sends beside it (and which
/// some answers carry alone): read wherever the Upwork one is.
pub const LEGACY_ERROR_CODE_HEADER: &str = "X-Odesk-Error-Code";
/// The oDesk-era name of [`ERROR_MESSAGE_HEADER`].
pub const LEGACY_ERROR_MESSAGE_HEADER: &str = "X-Odesk-Error-Message";

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
/// How a GraphQL scope refusal begins; the refused `Type.field`s follow in brackets.
pub const SCOPE_REFUSAL: &str =
    "The client or authentication token doesn't have enough oauth2 permissions/scopes to access:";
/// The OAuth 2 access token is past its lifetime (401).
pub const TOKEN_EXPIRED: &str = "The access token has expired.";
/// The OAuth 2 access token is not one the server issued, or was revoked (401).
pub const TOKEN_UNKNOWN: &str = "The access token is invalid or was revoked.";
/// The call carried no OAuth 2 bearer token where one is needed (401).
pub const BEARER_REQUIRED: &str =
    "An OAuth 2 bearer token is required: Authorization: Bearer <token>.";
/// The call needs an organization context that `X-Upwork-API-TenantId` did not give.
pub const TENANT_REQUIRED: &str = "The organization (tenant) is not specified: send the X-Upwork-API-TenantId header with the id of the organization to act for.";
/// `X-Upwork-API-TenantId` names an organization the user does not belong to.
pub const TENANT_UNKNOWN: &str =
    "The X-Upwork-API-TenantId header names an organization this user does not belong to.";
/// The consumer key is not of the form of an Upwork key (Upwork's wording).
pub const KEY_WRONG_FORMAT: &str = "API Key has wrong format";
/// The user the token acts for has a disabled (suspended or closed) profile (403).
pub const PROFILE_DISABLED: &str = "The user's profile is disabled; the API cannot act for it.";
/// Upwork's refusal of a profile (a job's or a freelancer's) that is disabled, the profile's key
/// in place of `{profile}`: `Profile ~01d79d1f56f49fcea6 is disabled`, 403, in
/// `X-Upwork-Error-Message` and `X-Odesk-Error-Message` (python-upwork#2, from
/// `GET /api/profiles/v1/jobs/~01d79d1f56f49fcea6.json`).
pub const PROFILE_KEY_DISABLED: &str = "Profile {profile} is disabled";
/// Upwork's refusal of a job whose client dealt with a freelancer since suspended, 403, from
/// `GET /api/profiles/v1/jobs/{job_key}` (node-upwork#53). The answer does not say which profile.
pub const FREELANCER_SUSPENDED: &str = "Forbidden: Freelancer profile is suspended";
/// The public reports Upwork's wording of refused profiles is quoted from.
pub const PROFILE_REFUSAL_SOURCES: &str = "python-upwork#2 (https://github.com/upwork/python-upwork/issues/2): 403 `Profile ~01d79d1f56f49fcea6 is disabled` in X-Upwork-Error-Message and X-Odesk-Error-Message; node-upwork#53 (https://github.com/upwork/node-upwork/issues/53): `Forbidden: Freelancer profile is suspended` from /api/profiles/v1/jobs/{job_key}";

/// The text of Upwork's refusal of this disabled profile.
pub fn profile_key_disabled(profile: &str) -> String {
    PROFILE_KEY_DISABLED.replace("{profile}", profile)
}

/// Upwork's refusal of a refresh token it no longer honours (`invalid_grant`, 400): unknown,
/// revoked, past its 14 days, or replaced by a newer one more than 24 hours ago
/// (python-upwork-oauth2#11 quotes it, from the token endpoint).
pub const REFRESH_TOKEN_REFUSED: &str = "Refresh token is expired or revoked or not registered";
/// Upwork's refusal of a token request without `client_id` in its body (`invalid_request`, 400),
/// also when the client credentials came in `Authorization: Basic` (node-upwork-oauth2#29: the
/// issue's title; its 79-byte JSON body is this in RFC 6749's shape).
pub const MISSING_CLIENT_ID: &str = "Missing parameters: client_id";
/// The same for `client_secret` (the emulator's stand-in, by analogy: not on record).
pub const MISSING_CLIENT_SECRET: &str = "Missing parameters: client_secret";
/// An authorization code refused (the emulator's stand-in: Upwork's text is not on record).
pub const CODE_REFUSED: &str = "The authorization code is invalid, expired or was used already.";
/// A token request whose `redirect_uri` is not the authorization request's (the emulator's
/// stand-in: Upwork's text is not on record).
pub const REDIRECT_URI_MISMATCH: &str =
    "The redirect_uri does not match the one of the authorization request.";
/// Where Upwork's OAuth 2 refresh behaviour is described.
pub const REFRESH_SOURCES: &str = "python-upwork-oauth2#11 (https://github.com/upwork/python-upwork-oauth2/issues/11): \"(invalid_grant) Refresh token is expired or revoked or not registered\"; Upwork's maintainer: a new refresh token is valid for 14 days, and the old one's expiry is set to now + 24 hours; php-upwork-oauth2#21 (https://github.com/upwork/php-upwork-oauth2/issues/21): the old refresh token expires in 1-2 days";
/// Where Upwork's refusal of a token request without `client_id` in its body is reported.
pub const CLIENT_ID_SOURCES: &str = "node-upwork-oauth2#29 (https://github.com/upwork/node-upwork-oauth2/issues/29): 400 \"Missing parameters: client_id\" on a refresh made by simple-oauth2, which sends the client credentials in Authorization: Basic by default; node-upwork-oauth2#28: client_id and client_secret as parameters of the refresh";

/// A retired legacy endpoint (410); the replacement follows.
pub const ENDPOINT_RETIRED: &str = "This API endpoint is deprecated and no longer available.";
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
        text: SCOPE_REFUSAL,
        status: 200,
        meaning: "The OAuth 2 token lacks the scopes of the GraphQL fields named.",
        upwork_wording: true,
    },
    KnownError {
        text: TOKEN_EXPIRED,
        status: 401,
        meaning: "The OAuth 2 access token expired; refresh it.",
        upwork_wording: false,
    },
    KnownError {
        text: TOKEN_UNKNOWN,
        status: 401,
        meaning: "The OAuth 2 access token is unknown or revoked.",
        upwork_wording: false,
    },
    KnownError {
        text: BEARER_REQUIRED,
        status: 401,
        meaning: "The call needs an OAuth 2 bearer token.",
        upwork_wording: false,
    },
    KnownError {
        text: TENANT_REQUIRED,
        status: 200,
        meaning: "The query needs X-Upwork-API-TenantId to pick the organization.",
        upwork_wording: false,
    },
    KnownError {
        text: TENANT_UNKNOWN,
        status: 200,
        meaning: "X-Upwork-API-TenantId names an organization the user is not in.",
        upwork_wording: false,
    },
    KnownError {
        text: KEY_WRONG_FORMAT,
        status: 401,
        meaning: "The consumer key is not of the form of an Upwork API key (32 hex digits).",
        upwork_wording: true,
    },
    KnownError {
        text: PROFILE_DISABLED,
        status: 403,
        meaning: "The user's profile is disabled; only Upwork support can restore it.",
        upwork_wording: false,
    },
    KnownError {
        text: REFRESH_TOKEN_REFUSED,
        status: 400,
        meaning: "The refresh token is unknown, revoked, expired, or was replaced a day ago or more.",
        upwork_wording: true,
    },
    KnownError {
        text: MISSING_CLIENT_ID,
        status: 400,
        meaning: "The token request has no client_id in its body (Basic credentials are not read).",
        upwork_wording: true,
    },
    KnownError {
        text: CODE_REFUSED,
        status: 400,
        meaning: "The authorization code was used already, expired or is another client's.",
        upwork_wording: false,
    },
    KnownError {
        text: REDIRECT_URI_MISMATCH,
        status: 400,
        meaning: "The token request's redirect_uri differs from the authorization request's.",
        upwork_wording: false,
    },
    KnownError {
        text: FREELANCER_SUSPENDED,
        status: 403,
        meaning: "A job whose client dealt with a freelancer since suspended: skip the job.",
        upwork_wording: true,
    },
    KnownError {
        text: ENDPOINT_RETIRED,
        status: 410,
        meaning: "The legacy endpoint was retired; use its replacement.",
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

/// The length of an Upwork API key (consumer key, OAuth 2 client id), in lowercase hex digits.
///
/// Assumed from the keys Upwork issues (and the client libraries' examples): 32 hex digits, the
/// secret 16. Upwork does not publish the format.
pub const KEY_HEX_LEN: usize = 32;

/// What is wrong with a key that is an attempt at Upwork's format but misses it: spaces or quotes
/// around it, hex of the wrong length (a secret pasted as the key is 16), 32 characters not all
/// hex. `None` for a well-formed key, and for a value that is not an attempt at the format at all
/// (a made-up test key is unknown, not malformed).
pub fn key_format_problem(key: &str) -> Option<String> {
    let trimmed = key.trim_matches(|c: char| c.is_whitespace() || c == '"' || c == '\'');
    if trimmed.len() != key.len() && !trimmed.is_empty() {
        return Some("it has spaces or quotes around it".to_string());
    }
    let all_hex = !key.is_empty() && key.chars().all(|c| c.is_ascii_hexdigit());
    if all_hex && key.len() != KEY_HEX_LEN {
        return Some(format!(
            "it is {} hex digits long, not {KEY_HEX_LEN}{}",
            key.len(),
            if key.len() == 16 {
                " (16 is the length of a secret: the secret may have been sent as the key)"
            } else {
                ""
            }
        ));
    }
    if key.chars().count() == KEY_HEX_LEN && !all_hex {
        return Some(format!(
            "it is {KEY_HEX_LEN} characters long but not all hex digits"
        ));
    }
    None
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
    fn tells_a_malformed_key_from_an_unknown_one() {
        assert!(key_format_problem("0123456789abcdef0123456789abcdef").is_none());
        assert!(key_format_problem("demo-consumer-key").is_none());
        assert!(key_format_problem("nobody").is_none());
        assert!(key_format_problem(" 0123456789abcdef0123456789abcdef").is_some());
        assert!(
            key_format_problem("0123456789abcdef")
                .unwrap()
                .contains("secret")
        );
        assert!(key_format_problem("0123456789abcdef0123456789abcdeX").is_some());
    }

    #[test]
    fn recognises_texts_inside_bodies() {
        let body = legacy_error_body(1, 403, NO_ACCESS).to_string();
        assert_eq!(recognise(&body).unwrap().status, 403);
        assert!(recognise("all good").is_none());
    }
}
