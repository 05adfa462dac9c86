//! OAuth 2 as Upwork runs it: the authorization page, the token endpoint (authorization code,
//! refresh token and client credentials grants) and bearer tokens on API calls.
//!
//! The consumer key and secret of a keys file are the client id and secret. Token endpoint errors
//! are RFC 6749 JSON (`{"error": "invalid_grant", "error_description": ...}`); a refused bearer token
//! is a 401 with `WWW-Authenticate: Bearer error="invalid_token"` (RFC 6750), the same JSON shape
//! and Upwork's `X-Upwork-Error-*` headers. The exact texts of Upwork's refusals are not on record:
//! the emulator's stand-ins are in [`upwork_diag_core::upwork::errors`].

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde_json::json;

use super::demo;
use super::keys::{Consumer, OAuth2Token};
use super::responses::{html_page, legacy_error, server_time};
use super::state::{Shared, lock};
use super::store::{IssuedCode, random_token};
use upwork_diag_core::credentials::Secret;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::errors;

/// How long an access token the emulator issues lives, in seconds (Upwork: a day).
pub const ACCESS_TOKEN_LIFETIME_SECS: i64 = 86_400;
/// How long a refresh token stays good once a refresh replaced it (Upwork: 24 hours,
/// python-upwork-oauth2#11).
pub const ROTATED_REFRESH_GRACE_SECS: i64 = 86_400;
/// How long an authorization code is good for (Upwork's is not on record; RFC 6749 advises at most
/// ten minutes).
pub const CODE_LIFETIME_SECS: i64 = 600;

/// A call whose bearer token checked out.
pub(crate) struct Bearer {
    pub consumer: Consumer,
    pub token: OAuth2Token,
}

/// The bearer token of `Authorization: Bearer ...`, if the call carries one.
pub(crate) fn bearer_of(request: &CapturedRequest) -> Option<String> {
    let value = request.header("authorization")?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// A refused bearer token: 401, RFC 6750 challenge, JSON body and Upwork's error headers.
pub(crate) fn bearer_refusal(error: &str, message: &str) -> Response {
    let body =
        json!({ "error": error, "error_description": message, "server_time": server_time() });
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-upwork-error-code"),
        HeaderValue::from(401u16),
    );
    if let Ok(value) = HeaderValue::from_str(message) {
        headers.insert(HeaderName::from_static("x-upwork-error-message"), value);
    }
    let challenge = format!(
        "Bearer realm=\"api.upwork.com\", error=\"{error}\", error_description=\"{}\"",
        message.replace('"', "'")
    );
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        headers.insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// Checks the bearer token of a call: `Ok(None)` when it carries none, the refusal when it is
/// unknown, expired or its user is disabled (boxed: a response is large next to the token).
pub(crate) fn authenticate_bearer(
    shared: &Shared,
    request: &CapturedRequest,
) -> Result<Option<Bearer>, Box<Response>> {
    let Some(value) = bearer_of(request) else {
        return Ok(None);
    };
    let found = shared
        .config
        .keys
        .oauth2_token(&value)
        .map(|(c, t)| (c.clone(), t.clone()))
        .or_else(|| {
            let tokens = lock(&shared.tokens);
            let (client, token) = tokens
                .oauth2
                .iter()
                .find(|(_, t)| t.access_token.expose() == value)?;
            let consumer = shared.config.keys.consumer(client)?.clone();
            Some((consumer, token.clone()))
        });
    let Some((consumer, token)) = found else {
        return Err(Box::new(bearer_refusal(
            "invalid_token",
            errors::TOKEN_UNKNOWN,
        )));
    };
    if token.is_expired(server_time()) {
        return Err(Box::new(bearer_refusal(
            "invalid_token",
            errors::TOKEN_EXPIRED,
        )));
    }
    if token.disabled {
        return Err(Box::new(legacy_error(403, errors::PROFILE_DISABLED)));
    }
    Ok(Some(Bearer { consumer, token }))
}

/// `GET /ab/account-security/oauth2/authorize?client_id=..&redirect_uri=..&response_type=code`:
/// the user "authorizes" at once; the code goes to the redirect URI, else it is shown on the page.
pub(crate) fn authorize(shared: &Shared, request: &CapturedRequest) -> Response {
    let query = request.url.query_pairs();
    let get = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(client) = get("client_id").filter(|c| shared.config.keys.consumer(c).is_some()) else {
        return html_page(400, "<p>Unknown or missing client_id.</p>\r\n");
    };
    if get("response_type").as_deref() != Some("code") {
        return html_page(400, "<p>response_type must be code.</p>\r\n");
    }
    let code = random_token("code-");
    lock(&shared.tokens).codes.insert(
        code.clone(),
        IssuedCode {
            client_id: client,
            redirect_uri: get("redirect_uri"),
            issued_at: server_time(),
        },
    );
    if let Some(redirect) = get("redirect_uri").filter(|r| url::Url::parse(r).is_ok()) {
        let separator = if redirect.contains('?') { '&' } else { '?' };
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("code", &code);
        if let Some(state) = get("state") {
            query.append_pair("state", &state);
        }
        return Redirect::to(&format!("{redirect}{separator}{}", query.finish())).into_response();
    }
    let page = format!(
        "<html><head><title>Authorized</title></head><body><p>Code: <code>{code}</code></p></body></html>\r\n"
    );
    ([(header::CONTENT_TYPE, "text/html")], page).into_response()
}

fn grant_error(status: u16, error: &str, description: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_REQUEST);
    let mut response = (
        code,
        axum::Json(json!({ "error": error, "error_description": description })),
    )
        .into_response();
    response.headers_mut().insert(
        HeaderName::from_static("cache-control"),
        HeaderValue::from_static("no-store"),
    );
    response
}

/// `POST /api/v3/oauth2/token`.
pub(crate) fn token(shared: &Shared, request: &CapturedRequest) -> Response {
    let mut params = request.form_pairs();
    params.extend(request.url.query_pairs());
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // Upwork reads the client credentials from the parameters only: in `Authorization: Basic`
    // (RFC 6749 allows it, simple-oauth2 does it) they count as missing (node-upwork-oauth2#29).
    let Some(client_id) = param("client_id") else {
        return grant_error(400, "invalid_request", errors::MISSING_CLIENT_ID);
    };
    let Some(client_secret) = param("client_secret") else {
        return grant_error(400, "invalid_request", errors::MISSING_CLIENT_SECRET);
    };
    let Some(consumer) = shared.config.keys.consumer(&client_id).cloned() else {
        if errors::key_format_problem(&client_id).is_some() {
            return legacy_error(401, errors::KEY_WRONG_FORMAT);
        }
        return grant_error(
            401,
            "invalid_client",
            "Client authentication failed: unknown client_id.",
        );
    };
    if client_secret != consumer.consumer_secret.expose() {
        return grant_error(
            401,
            "invalid_client",
            "Client authentication failed: wrong client_secret.",
        );
    }
    let template = match param("grant_type").as_deref() {
        Some("authorization_code") => {
            if let Err(why) = redeem_code(shared, &client_id, &param) {
                return grant_error(400, "invalid_grant", why);
            }
            granted_to(&consumer)
        }
        Some("refresh_token") => match refreshed(shared, &consumer, &client_id, &param) {
            Ok(token) => token,
            Err(why) => return grant_error(400, "invalid_grant", why),
        },
        Some("client_credentials") => granted_to(&consumer),
        Some(other) => {
            return grant_error(
                400,
                "unsupported_grant_type",
                &format!("Unsupported grant_type '{other}'."),
            );
        }
        None => return grant_error(400, "invalid_request", "grant_type is missing."),
    };
    let with_refresh = param("grant_type").as_deref() != Some("client_credentials");
    let access = random_token("oa2-");
    let refresh = with_refresh.then(|| random_token("oa2r-"));
    let issued = OAuth2Token {
        access_token: Secret::new(access.clone()),
        refresh_token: refresh.clone().map(Secret::new),
        expires_at: Some(server_time() + ACCESS_TOKEN_LIFETIME_SECS),
        ..template
    };
    lock(&shared.tokens).oauth2.push((client_id, issued));
    let mut body = json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ACCESS_TOKEN_LIFETIME_SECS,
    });
    if let Some(refresh) = refresh {
        body["refresh_token"] = json!(refresh);
    }
    let mut response = (StatusCode::OK, axum::Json(body)).into_response();
    response.headers_mut().insert(
        HeaderName::from_static("cache-control"),
        HeaderValue::from_static("no-store"),
    );
    response
}

/// Takes the authorization code of a token request: good once, for [`CODE_LIFETIME_SECS`], for
/// the client it was issued to, with the `redirect_uri` of the authorization request (RFC 6749,
/// 4.1.3). The demo code is good for any client, any number of times. The refusal is the
/// `error_description` of an `invalid_grant`.
fn redeem_code(
    shared: &Shared,
    client_id: &str,
    param: &dyn Fn(&str) -> Option<String>,
) -> Result<(), &'static str> {
    let code = param("code").unwrap_or_default();
    if code == demo::OAUTH2_CODE {
        return Ok(());
    }
    // Removed at the first try: a code is used up even by a refused exchange.
    let Some(issued) = lock(&shared.tokens).codes.remove(&code) else {
        return Err(errors::CODE_REFUSED);
    };
    if issued.client_id != client_id || server_time() - issued.issued_at > CODE_LIFETIME_SECS {
        return Err(errors::CODE_REFUSED);
    }
    if issued.redirect_uri.is_some() && param("redirect_uri") != issued.redirect_uri {
        return Err(errors::REDIRECT_URI_MISMATCH);
    }
    Ok(())
}

/// The token a refresh token stands for. Each refresh replaces the refresh token; the replaced one
/// stays good for [`ROTATED_REFRESH_GRACE_SECS`] (Upwork: 24 hours), then is refused. The refusal
/// is the `error_description` of an `invalid_grant`.
fn refreshed(
    shared: &Shared,
    consumer: &Consumer,
    client_id: &str,
    param: &dyn Fn(&str) -> Option<String>,
) -> Result<OAuth2Token, &'static str> {
    let refused = || errors::REFRESH_TOKEN_REFUSED;
    let refresh = param("refresh_token").unwrap_or_default();
    if refresh.is_empty() || refresh == demo::OAUTH2_ROTATED_REFRESH_TOKEN {
        return Err(refused());
    }
    let now = server_time();
    let mut tokens = lock(&shared.tokens);
    if tokens
        .rotated_refresh
        .get(&refresh)
        .is_some_and(|replaced| now - replaced > ROTATED_REFRESH_GRACE_SECS)
    {
        return Err(refused());
    }
    let token = consumer.oauth2_by_refresh(&refresh).cloned().or_else(|| {
        tokens
            .oauth2
            .iter()
            .find(|(client, t)| {
                client == client_id
                    && t.refresh_token
                        .as_ref()
                        .is_some_and(|r| r.expose() == refresh)
            })
            .map(|(_, t)| t.clone())
    });
    let Some(token) = token else {
        return Err(refused());
    };
    tokens.rotated_refresh.entry(refresh).or_insert(now);
    Ok(token)
}

/// The template of a token granted to a client by code or by its own credentials: the key's
/// scopes, the demo organization, the key's default user. The token values are filled in later.
fn granted_to(consumer: &Consumer) -> OAuth2Token {
    OAuth2Token {
        access_token: Secret::new(String::new()),
        refresh_token: None,
        scopes: consumer.scopes.clone(),
        expires_at: None,
        tenant_ids: vec![demo::TENANT_ID.to_string()],
        username: consumer.default_username().to_string(),
        disabled: false,
    }
}
