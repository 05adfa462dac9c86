//! What a response says, in Upwork's terms: the status, the `X-Upwork-Error-*` headers (or their
//! oDesk-era twins `X-Odesk-Error-*`), the HTML 411 page, legacy JSON errors, GraphQL `errors[]`
//! (which come with HTTP 200) and the known texts.

use serde::Serialize;

use crate::front_end::{self, FrontEnd, Stopper};
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::upwork::{EndpointKind, endpoint_for, errors};

/// The kind of answer, as far as a diagnosis cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    /// 2xx without GraphQL errors.
    Success,
    /// 411: the body length was not declared.
    LengthRequired,
    /// 400: the server could not read the request.
    BadRequest,
    /// 401 whose message is the signature check.
    SignatureRejected,
    /// 401 for a timestamp outside the server's window or a nonce already used.
    TimestampOrNonceRejected,
    /// 401 "API Key has wrong format": the consumer key (client id) is not of Upwork's form.
    KeyWrongFormat,
    /// 401 for a token past its lifetime (an OAuth 2 access token expires; "expired" said).
    TokenExpired,
    /// Any other 401: unknown key, unknown or revoked token, no token.
    Unauthorized,
    /// The OAuth 2 token endpoint refused the grant or the client (RFC 6749 `error` in the body:
    /// `invalid_grant`, `invalid_client` ...).
    OAuth2GrantRefused,
    /// 403 "This APP has no access to the requested resource", or a GraphQL scope error.
    NoAccess,
    /// 403 because the user's profile is disabled.
    ProfileDisabled,
    /// Any other 403.
    Forbidden,
    /// 410: the endpoint was retired.
    Gone,
    NotFound,
    MethodNotAllowed,
    /// 429.
    RateLimited,
    /// 5xx.
    ServerError,
    /// A 3xx: the call was redirected (often http to https, or a moved endpoint).
    Redirect,
    /// 200 with GraphQL `errors[]` asking for the organization (`X-Upwork-API-TenantId`).
    TenantRequired,
    /// 200 with GraphQL `errors[]` that are not about scopes.
    GraphqlError,
    /// Another 4xx.
    OtherClientError,
    /// "Wrong URL requested": Upwork does not serve this URL (php-upwork#23, python-upwork#53).
    WrongUrl,
    /// A bot challenge or firewall in front of Upwork answered (Cloudflare's "Just a moment...",
    /// DataDome ...): the call never reached Upwork.
    BotChallenge,
    /// A proxy or captive portal answered, or an HTML page came where the API answers JSON: the
    /// call never reached Upwork's API.
    NotUpwork,
}

/// A response read for diagnosis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    pub kind: Kind,
    pub status: u16,
    /// `X-Upwork-Error-Code`, when sent.
    pub upwork_error_code: Option<String>,
    /// `X-Upwork-Error-Message`, or the message of a JSON error body.
    pub message: Option<String>,
    /// For GraphQL scope errors: the `Type.field`s named.
    pub fields: Vec<String>,
    /// The RFC 6749 / 6750 `error` code of an OAuth 2 error body (`invalid_grant`, `invalid_token`).
    pub oauth_error: Option<String>,
    /// `Retry-After`, when sent (429, 503).
    pub retry_after: Option<String>,
    /// What answered instead of Upwork, for [`Kind::BotChallenge`] and [`Kind::NotUpwork`].
    pub front_end: Option<FrontEnd>,
}

#[cfg(test)]
impl Classification {
    /// An answer of this kind and status that says nothing else: the checks' unit tests set the
    /// fields they read on top of it.
    pub(crate) fn bare(kind: Kind, status: u16) -> Classification {
        Classification {
            kind,
            status,
            upwork_error_code: None,
            message: None,
            fields: Vec::new(),
            oauth_error: None,
            retry_after: None,
            front_end: None,
        }
    }
}

/// The `error` codes of the OAuth 2 token endpoint (RFC 6749, 5.2).
const GRANT_ERRORS: [&str; 6] = [
    "invalid_request",
    "invalid_client",
    "invalid_grant",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
];

/// Reads the answer to this call: as [`classify`], and an HTML page with a 2xx status to a call of
/// Upwork's API (which answers JSON, a form or XML) is not a success but a page of what sits in
/// front of it.
pub fn classify_call(request: &CapturedRequest, response: &CapturedResponse) -> Classification {
    let mut classification = classify(response);
    // The authorization pages send the browser on to the callback: that redirect is their success.
    if classification.kind == Kind::Redirect && is_authorize_page(request) {
        classification.kind = Kind::Success;
        return classification;
    }
    if classification.kind == Kind::Success
        && expects_api_answer(request)
        && let Some(page) = front_end::html_where_api_expected(response)
    {
        classification.kind = Kind::NotUpwork;
        classification.front_end = Some(page);
    }
    classification
}

fn is_authorize_page(request: &CapturedRequest) -> bool {
    endpoint_for(&request.effective_method(), request.url.path()).is_some_and(|e| {
        matches!(
            e.kind,
            EndpointKind::OAuth1Authorize | EndpointKind::OAuth2Authorize
        )
    })
}

/// True for a call of Upwork's API: every endpoint but the authorization pages, which a browser
/// shows, and any path under the legacy API or GraphQL the catalogue lacks.
fn expects_api_answer(request: &CapturedRequest) -> bool {
    let path = request.url.path();
    // A report asked as HTML (the data source protocol's `tqx=out:html`) answers a page by design.
    let html_report = request
        .url
        .query_pairs()
        .iter()
        .any(|(k, v)| k == "tqx" && v.to_ascii_lowercase().contains("out:html"));
    if html_report {
        return false;
    }
    match endpoint_for(&request.effective_method(), path) {
        Some(endpoint) => !matches!(
            endpoint.kind,
            EndpointKind::OAuth1Authorize | EndpointKind::OAuth2Authorize
        ),
        None => path.starts_with("/api/") || path.starts_with("/gds/") || path == "/graphql",
    }
}

/// Reads a response.
pub fn classify(response: &CapturedResponse) -> Classification {
    let body = response.body_text();
    // Upwork sends the oDesk-era headers beside its own (python-upwork#2), and an answer may carry
    // them alone: each is read where the Upwork one is missing.
    let upwork_error_code = response
        .header("x-upwork-error-code")
        .or_else(|| response.header("x-odesk-error-code"))
        .map(str::to_string);
    // Parsed once for the three readings below, which read only an object's `error`, `errors`,
    // `error_description` and `message`: a body that names none of them, and cannot spell one
    // with a `\u` escape, gives them nothing whatever it holds, and is not parsed (most answers
    // that succeed).
    let json = may_name_a_reading(&body)
        .then(|| serde_json::from_str::<serde_json::Value>(&body).ok())
        .flatten();
    let message = response
        .header("x-upwork-error-message")
        .or_else(|| response.header("x-odesk-error-message"))
        .map(str::to_string)
        .or_else(|| json.as_ref().and_then(json_error_message));
    let graphql_errors = json
        .as_ref()
        .map(graphql_error_messages)
        .unwrap_or_default();
    let oauth_error = json.as_ref().and_then(oauth_error_code);
    let mentions = |phrase: &str| {
        let phrase = phrase.to_ascii_lowercase();
        message
            .as_deref()
            .is_some_and(|m| m.to_ascii_lowercase().contains(&phrase))
            || body.to_ascii_lowercase().contains(&phrase)
    };
    let mut fields = Vec::new();
    let front_end = front_end::read(response);
    let kind = match response.status {
        _ if front_end.is_some() => match front_end.as_ref().map(|f| f.stopper) {
            Some(Stopper::BotChallenge) => Kind::BotChallenge,
            _ => Kind::NotUpwork,
        },
        200..=299 if !graphql_errors.is_empty() => {
            fields = graphql_errors
                .iter()
                .flat_map(|m| scope_fields(m))
                .collect();
            if !fields.is_empty() || graphql_errors.iter().any(|m| is_scope_message(m)) {
                Kind::NoAccess
            } else if graphql_errors.iter().any(|m| is_tenant_message(m)) {
                Kind::TenantRequired
            } else {
                Kind::GraphqlError
            }
        }
        200..=299 => Kind::Success,
        300..=399 => Kind::Redirect,
        400..=499 if mentions(upwork_diag_core::upwork::entry_points::WRONG_URL) => Kind::WrongUrl,
        400 | 401
            if oauth_error
                .as_deref()
                .is_some_and(|e| GRANT_ERRORS.contains(&e)) =>
        {
            Kind::OAuth2GrantRefused
        }
        400 | 401 if mentions(KEY_WRONG_FORMAT_TEXT) => Kind::KeyWrongFormat,
        400 => Kind::BadRequest,
        401 if mentions("signature") => Kind::SignatureRejected,
        401 if mentions("timestamp") || mentions("nonce") => Kind::TimestampOrNonceRejected,
        401 if mentions("expired") => Kind::TokenExpired,
        401 => Kind::Unauthorized,
        403 if refuses_a_profile(message.as_deref().unwrap_or(&body)) => Kind::ProfileDisabled,
        403 if mentions(errors::NO_ACCESS) || mentions("no access") || mentions("scope") => {
            Kind::NoAccess
        }
        403 => Kind::Forbidden,
        410 => Kind::Gone,
        404 => Kind::NotFound,
        405 => Kind::MethodNotAllowed,
        411 => Kind::LengthRequired,
        429 => Kind::RateLimited,
        500..=599 => Kind::ServerError,
        _ => Kind::OtherClientError,
    };
    let message = message.or_else(|| graphql_errors.first().cloned());
    Classification {
        kind,
        status: response.status,
        upwork_error_code,
        message,
        fields,
        oauth_error,
        retry_after: response.header("retry-after").map(str::to_string),
        front_end,
    }
}

/// False when [`classify`] reads nothing in the body of an answer with this status, judged
/// from the body as a JSON string written in a file (escaped, its quotes included; see
/// [`upwork_diag_import::har::BodyWanted`]): below 400 only `may_name_a_reading` reads it, and a
/// member's key or a `\u` escape in the body is, escaped, still a `"error`, a `"message` or a
/// `\u`.
pub fn reads_body(status: u16, json_string: &str) -> bool {
    status >= 400
        || json_string.contains("\"error")
        || json_string.contains("\"message")
        || json_string.contains("\\u")
}

/// False when a JSON body cannot have a member read by `classify`: no key `"error..."` or
/// `"message"` as written, and no `\u` escape that could spell one.
fn may_name_a_reading(body: &str) -> bool {
    body.contains("\"error") || body.contains("\"message\"") || body.contains("\\u")
}

/// True for a refusal of a profile or account that is disabled or suspended, by meaning rather than
/// one string: Upwork's `Profile ~01d79d1f56f49fcea6 is disabled` (python-upwork#2), `Forbidden:
/// Freelancer profile is suspended` (node-upwork#53), and the emulator's stand-in for the user's
/// own account.
fn refuses_a_profile(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let whose = lower.contains("profile") || lower.contains("account");
    let state = ["disabled", "suspended", "deactivated"]
        .iter()
        .any(|s| lower.contains(s));
    whose && state
}

/// The phrase of Upwork's refusal of a malformed key.
pub const KEY_WRONG_FORMAT_TEXT: &str = "API Key has wrong format";

/// The `error` code of an OAuth 2 error body: `{"error": "invalid_grant", ...}`.
fn oauth_error_code(value: &serde_json::Value) -> Option<String> {
    value.get("error")?.as_str().map(str::to_string)
}

fn is_tenant_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("tenant")
}

/// The message of a legacy JSON error: `{"error":{"message":..}}` or `{"message":..}`.
fn json_error_message(value: &serde_json::Value) -> Option<String> {
    let message = value
        .pointer("/error/message")
        .or_else(|| value.get("message"))
        .or_else(|| value.get("error_description"))
        .or_else(|| value.get("error").filter(|e| e.is_string()))?;
    message.as_str().map(str::to_string)
}

/// The messages of a GraphQL `errors[]`, if the body is one.
fn graphql_error_messages(value: &serde_json::Value) -> Vec<String> {
    value
        .get("errors")
        .and_then(|e| e.as_array())
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| {
                    e.get("message")
                        .and_then(|m| m.as_str())
                        .map(str::to_string)
                })
                .collect()
        })
        .unwrap_or_default()
}

fn is_scope_message(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    lower.contains("scope") || lower.contains("permission")
}

/// The `Type.field`s of a scope error: "... doesn't have enough oauth2 permissions/scopes to access:
/// [Freelancer.profile, User.email]".
fn scope_fields(message: &str) -> Vec<String> {
    if !is_scope_message(message) {
        return Vec::new();
    }
    let Some(open) = message.rfind('[') else {
        return Vec::new();
    };
    let Some(close) = message[open..].find(']') else {
        return Vec::new();
    };
    message[open + 1..open + close]
        .split(',')
        .map(|f| f.trim().trim_matches(['"', '\'']).to_string())
        .filter(|f| !f.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> CapturedResponse {
        CapturedResponse::for_test(status, headers, body)
    }

    /// `reads_body` may leave a body out only where the classification is the same without it:
    /// each body below, at each status, is classified with and without it, and a body the
    /// classification reads must be wanted.
    #[test]
    fn a_body_left_unread_changes_no_classification() {
        let bodies = [
            r#"{"data": {"user": {"id": "1"}}}"#,
            r#"{"errors": [{"message": "Requested oAuth2 client does not have permission to see field 'Contract.id'"}]}"#,
            r#"{"data": null, "errors": [{"message": "Tenant id is required"}]}"#,
            r#"{"\u0065rrors": [{"message": "x"}]}"#,
            r#"{"message": "Moved"}"#,
            r#"{"error": {"code": "401", "message": "Signature is invalid"}}"#,
            r#"{"error": "invalid_grant", "error_description": "expired"}"#,
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
            "Profile ~01d79d1f56f49fcea6 is disabled",
            "This APP has no access to the requested resource",
            "",
        ];
        let headers: [&[(&str, &str)]; 2] = [&[], &[("content-type", "text/html")]];
        for status in [100, 200, 204, 302, 400, 401, 403, 404, 411, 429, 500, 503] {
            for body in bodies {
                for headers in headers {
                    let written = serde_json::to_string(body).unwrap();
                    let with = classify(&response(status, headers, body));
                    let without = classify(&response(status, headers, ""));
                    if !reads_body(status, &written) {
                        assert_eq!(with, without, "{status} {body}");
                    }
                }
            }
        }
        // The cases it is for: a GraphQL answer's errors come with 200.
        assert!(reads_body(200, &serde_json::to_string(bodies[1]).unwrap()));
        assert!(!reads_body(200, &serde_json::to_string(bodies[0]).unwrap()));
    }

    #[test]
    fn reads_a_message_whose_name_is_escaped() {
        // The body is parsed whenever it could name a member read, `\u` escapes included.
        let c = classify(&response(
            403,
            &[],
            r#"{"\u006dessage": "Scope is missing"}"#,
        ));
        assert_eq!(c.message.as_deref(), Some("Scope is missing"));
        let c = classify(&response(
            200,
            &[],
            r#"{"jobs": [], "note": "no error here"}"#,
        ));
        assert_eq!((c.kind, c.message), (Kind::Success, None));
    }

    #[test]
    fn reads_the_signature_refusal_from_upwork_headers() {
        let c = classify(&response(
            401,
            &[
                ("X-Upwork-Error-Code", "401"),
                (
                    "X-Upwork-Error-Message",
                    "Verification of signature failed.",
                ),
            ],
            "",
        ));
        assert_eq!(c.kind, Kind::SignatureRejected);
        assert_eq!(c.upwork_error_code.as_deref(), Some("401"));
        assert_eq!(
            c.message.as_deref(),
            Some("Verification of signature failed.")
        );
    }

    #[test]
    fn reads_the_no_access_body() {
        let c = classify(&response(
            403,
            &[],
            "This APP has no access to the requested resource",
        ));
        assert_eq!(c.kind, Kind::NoAccess);
        assert_eq!(
            classify(&response(403, &[], "Forbidden")).kind,
            Kind::Forbidden
        );
    }

    #[test]
    fn reads_the_odesk_headers_where_the_upwork_ones_are_missing() {
        let c = classify(&response(
            403,
            &[
                ("X-Odesk-Error-Code", "403"),
                (
                    "X-Odesk-Error-Message",
                    "Profile ~01d79d1f56f49fcea6 is disabled",
                ),
            ],
            "",
        ));
        assert_eq!(c.kind, Kind::ProfileDisabled);
        assert_eq!(c.upwork_error_code.as_deref(), Some("403"));
        assert_eq!(
            c.message.as_deref(),
            Some("Profile ~01d79d1f56f49fcea6 is disabled")
        );
    }

    #[test]
    fn an_html_page_is_no_api_answer_but_the_authorize_page_is_one() {
        let page = response(
            200,
            &[("Content-Type", "text/html")],
            "<html><head><title>Sign in</title></head></html>",
        );
        let call = |url: &str| {
            upwork_diag_core::request::flags::from_flags(Some("GET"), url, &[], None).unwrap()
        };
        let api = call("https://www.upwork.com/api/auth/v1/info.json");
        assert_eq!(classify_call(&api, &page).kind, Kind::NotUpwork);
        let authorize = call("https://www.upwork.com/services/api/auth?oauth_token=t");
        assert_eq!(classify_call(&authorize, &page).kind, Kind::Success);
        let json = response(200, &[("Content-Type", "application/json")], "{}");
        assert_eq!(classify_call(&api, &json).kind, Kind::Success);
        let report = call(
            "https://www.upwork.com/gds/timereports/v1/companies/acme?tq=SELECT%20hours&tqx=out:html",
        );
        assert_eq!(classify_call(&report, &page).kind, Kind::Success);
    }

    /// Which calls expect an API answer: an HTML page with 200 is no answer to them. A report is
    /// asked as a page only with `tqx=out:html`; a path the catalogue lacks under `/api/`, `/gds/`
    /// or at `/graphql` is the API's; any other path is not.
    #[test]
    fn an_html_page_is_no_api_answer_by_path_and_by_what_a_report_asked() {
        let page = response(200, &[("Content-Type", "text/html")], "<html></html>");
        let kind = |method: &str, url: &str| {
            let call =
                upwork_diag_core::request::flags::from_flags(Some(method), url, &[], None).unwrap();
            classify_call(&call, &page).kind
        };
        let report = "https://www.upwork.com/gds/timereports/v1/companies/acme?tq=SELECT%20hours";
        assert_eq!(
            kind("GET", &format!("{report}&tqx=out:json")),
            Kind::NotUpwork
        );
        assert_eq!(
            kind("GET", &format!("{report}&format=out:html")),
            Kind::NotUpwork
        );
        assert_eq!(
            kind("GET", &format!("{report}&tqx=OUT:HTML")),
            Kind::Success
        );
        for uncatalogued in [
            "https://www.upwork.com/api/nowhere/v9/thing.json",
            "https://www.upwork.com/gds/nowhere/v9/thing",
            "https://api.upwork.com/graphql",
        ] {
            assert_eq!(
                kind("DELETE", uncatalogued),
                Kind::NotUpwork,
                "{uncatalogued}"
            );
        }
        for page_path in [
            "https://www.upwork.com/graphql/explorer",
            "https://www.upwork.com/ab/account-security/login",
        ] {
            assert_eq!(kind("GET", page_path), Kind::Success, "{page_path}");
        }
    }

    #[test]
    fn each_refusal_by_its_status_and_words() {
        let kind = |status, body: &str| classify(&response(status, &[], body)).kind;
        assert_eq!(kind(404, ""), Kind::NotFound);
        assert_eq!(kind(405, ""), Kind::MethodNotAllowed);
        assert_eq!(kind(410, ""), Kind::Gone);
        assert_eq!(kind(418, ""), Kind::OtherClientError);
        // Each of the three wordings of a missing permission, alone.
        assert_eq!(
            kind(403, "This APP has no access to the requested resource"),
            Kind::NoAccess
        );
        assert_eq!(kind(403, "the key has no access here"), Kind::NoAccess);
        assert_eq!(kind(403, "insufficient scope"), Kind::NoAccess);
        assert_eq!(kind(403, "Forbidden"), Kind::Forbidden);
        // A profile refused: whose and what state, both; either alone is another refusal.
        assert_eq!(
            kind(403, "Profile ~01d79d1f56f49fcea6 is disabled"),
            Kind::ProfileDisabled
        );
        assert_eq!(kind(403, "This feature is disabled"), Kind::Forbidden);
        assert_eq!(kind(403, "Account settings are read-only"), Kind::Forbidden);
    }

    /// The answers to a call by status and words: a redirect; Upwork's wrong-URL wording at any
    /// 4xx; a 400 or 401 by what it says (a grant refused, a key of the wrong format, a signature,
    /// a timestamp, an expired token) and bare.
    #[test]
    fn each_answer_by_its_status_and_words() {
        let kind = |status, body: &str| classify(&response(status, &[], body)).kind;
        assert_eq!(kind(302, ""), Kind::Redirect);
        assert_eq!(kind(399, ""), Kind::Redirect);
        assert_eq!(kind(404, "Wrong URL requested"), Kind::WrongUrl);
        assert_eq!(kind(400, "Wrong URL requested"), Kind::WrongUrl);
        assert_eq!(kind(404, "Not found"), Kind::NotFound);
        assert_eq!(
            kind(401, r#"{"error": "invalid_grant"}"#),
            Kind::OAuth2GrantRefused
        );
        assert_eq!(kind(400, "API Key has wrong format"), Kind::KeyWrongFormat);
        assert_eq!(kind(400, ""), Kind::BadRequest);
        assert_eq!(kind(401, "Invalid signature"), Kind::SignatureRejected);
        assert_eq!(
            kind(401, "Timestamp is too old"),
            Kind::TimestampOrNonceRejected
        );
        assert_eq!(kind(401, "The token has expired"), Kind::TokenExpired);
        assert_eq!(kind(401, "Token is invalid"), Kind::Unauthorized);
        assert_eq!(kind(401, ""), Kind::Unauthorized);
    }

    /// A redirect is the success of an authorization page (it sends the browser on to the
    /// callback), and stays a redirect from a call of the API.
    #[test]
    fn a_redirect_is_the_success_of_an_authorization_page_only() {
        let redirect = response(302, &[("Location", "https://app.example/cb?code=c")], "");
        let call = |url: &str| {
            upwork_diag_core::request::flags::from_flags(Some("GET"), url, &[], None).unwrap()
        };
        let oauth1 = call("https://www.upwork.com/services/api/auth?oauth_token=t");
        assert_eq!(classify_call(&oauth1, &redirect).kind, Kind::Success);
        let oauth2 =
            call("https://www.upwork.com/ab/account-security/oauth2/authorize?client_id=k");
        assert_eq!(classify_call(&oauth2, &redirect).kind, Kind::Success);
        let api = call("https://www.upwork.com/api/auth/v1/info.json");
        assert_eq!(classify_call(&api, &redirect).kind, Kind::Redirect);
    }

    #[test]
    fn a_challenge_page_is_the_bot_check_and_a_proxy_page_is_not_upwork() {
        let challenge = classify(&response(
            403,
            &[("Content-Type", "text/html"), ("cf-mitigated", "challenge")],
            "<!DOCTYPE html><html><head><title>Just a moment...</title></head></html>",
        ));
        assert_eq!(challenge.kind, Kind::BotChallenge);
        let proxy = classify(&response(407, &[("Proxy-Authenticate", "Basic")], ""));
        assert_eq!(proxy.kind, Kind::NotUpwork);
    }

    #[test]
    fn a_graphql_error_naming_a_permission_or_a_scope_alone_is_a_missing_permission() {
        for message in [
            "Requested oAuth2 client does not have permission to see field 'Contract.id'",
            "Insufficient scope for this query",
        ] {
            let body = serde_json::json!({"errors": [{"message": message}]}).to_string();
            let c = classify(&response(200, &[], &body));
            assert_eq!(c.kind, Kind::NoAccess, "{message}");
            assert!(c.fields.is_empty(), "{message}");
        }
    }

    #[test]
    fn graphql_scope_errors_come_with_200() {
        let body = r#"{"data":null,"errors":[{"message":"The client or authentication token doesn't have enough oauth2 permissions/scopes to access: [Freelancer.profile, User.email]."}]}"#;
        let c = classify(&response(200, &[], body));
        assert_eq!(c.kind, Kind::NoAccess);
        assert_eq!(c.fields, vec!["Freelancer.profile", "User.email"]);
        let c = classify(&response(
            200,
            &[],
            r#"{"errors":[{"message":"Syntax error"}]}"#,
        ));
        assert_eq!(c.kind, Kind::GraphqlError);
        assert_eq!(
            classify(&response(200, &[], r#"{"data":{}}"#)).kind,
            Kind::Success
        );
    }

    #[test]
    fn legacy_json_errors_give_their_message() {
        let c = classify(&response(
            401,
            &[],
            r#"{"error":{"code":"401","message":"Timestamp is out of range"}}"#,
        ));
        assert_eq!(c.kind, Kind::TimestampOrNonceRejected);
        assert_eq!(c.message.as_deref(), Some("Timestamp is out of range"));
        assert_eq!(
            classify(&response(411, &[], "<html>411 Length Required</html>")).kind,
            Kind::LengthRequired
        );
        let limited = classify(&response(429, &[("Retry-After", "1")], ""));
        assert_eq!(limited.kind, Kind::RateLimited);
        assert_eq!(limited.retry_after.as_deref(), Some("1"));
        assert_eq!(classify(&response(502, &[], "")).kind, Kind::ServerError);
    }

    #[test]
    fn reads_oauth2_refusals() {
        let grant = classify(&response(
            400,
            &[],
            r#"{"error":"invalid_grant","error_description":"The refresh token is invalid."}"#,
        ));
        assert_eq!(grant.kind, Kind::OAuth2GrantRefused);
        assert_eq!(grant.oauth_error.as_deref(), Some("invalid_grant"));
        assert_eq!(
            grant.message.as_deref(),
            Some("The refresh token is invalid.")
        );
        let expired = classify(&response(
            401,
            &[("X-Upwork-Error-Message", "The access token has expired.")],
            r#"{"error":"invalid_token"}"#,
        ));
        assert_eq!(expired.kind, Kind::TokenExpired);
        assert_eq!(
            classify(&response(
                401,
                &[],
                r#"{"error":{"message":"API Key has wrong format"}}"#
            ))
            .kind,
            Kind::KeyWrongFormat
        );
        assert_eq!(
            classify(&response(
                403,
                &[],
                "The user's profile is disabled; the API cannot act for it."
            ))
            .kind,
            Kind::ProfileDisabled
        );
        assert_eq!(classify(&response(410, &[], "")).kind, Kind::Gone);
        // Upwork's own wording (python-upwork#2, node-upwork#53).
        assert_eq!(
            classify(&response(
                403,
                &[],
                r#"{"server_time":1,"error":{"status":403,"code":403,"message":"Forbidden: Freelancer profile is suspended"}}"#
            ))
            .kind,
            Kind::ProfileDisabled
        );
        assert_eq!(
            classify(&response(
                403,
                &[],
                r#"{"error":{"message":"Forbidden: Access for the job opening is forbidden."}}"#
            ))
            .kind,
            Kind::Forbidden
        );
        let tenant = r#"{"data":{"organization":null},"errors":[{"message":"The organization (tenant) is not specified: send the X-Upwork-API-TenantId header."}]}"#;
        assert_eq!(
            classify(&response(200, &[], tenant)).kind,
            Kind::TenantRequired
        );
    }
}
