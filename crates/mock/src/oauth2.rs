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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Answer, send, shared};

    const TOKEN_PATH: &str = "/api/v3/oauth2/token";
    const FORM: (&str, &str) = ("Content-Type", "application/x-www-form-urlencoded");

    fn token_call(shared: &Shared, body: &str) -> Answer {
        send(shared, "POST", TOKEN_PATH, &[FORM], body)
    }

    fn grant(error: &Answer) -> (u16, String, String) {
        let body = error.json();
        (
            error.status,
            body["error"].as_str().unwrap_or_default().to_string(),
            body["error_description"]
                .as_str()
                .unwrap_or_default()
                .to_string(),
        )
    }

    fn full_client(rest: &str) -> String {
        format!("client_id=demo-consumer-key&client_secret=demo-consumer-secret&{rest}")
    }

    fn api_call(shared: &Shared, token: &str) -> Answer {
        let bearer = format!("Bearer {token}");
        send(
            shared,
            "GET",
            "/api/auth/v1/info.json",
            &[("Authorization", &bearer)],
            "",
        )
    }

    #[test]
    fn the_token_endpoint_wants_the_client_in_the_parameters() {
        let shared = shared();
        let missing = token_call(&shared, "grant_type=client_credentials");
        assert_eq!(
            grant(&missing),
            (
                400,
                "invalid_request".into(),
                "Missing parameters: client_id".into()
            )
        );
        assert_eq!(missing.header("cache-control"), Some("no-store"));
        let no_secret = token_call(
            &shared,
            "client_id=demo-consumer-key&grant_type=client_credentials",
        );
        assert_eq!(
            grant(&no_secret),
            (
                400,
                "invalid_request".into(),
                "Missing parameters: client_secret".into()
            )
        );
        // The client in the query is read too.
        let target = format!(
            "{TOKEN_PATH}?{}",
            full_client("grant_type=client_credentials")
        );
        assert_eq!(send(&shared, "POST", &target, &[FORM], "").status, 200);
        let unknown = token_call(
            &shared,
            "client_id=0123456789abcdef0123456789abcdef&client_secret=x&grant_type=client_credentials",
        );
        assert_eq!(
            grant(&unknown),
            (
                401,
                "invalid_client".into(),
                "Client authentication failed: unknown client_id.".into()
            )
        );
        let malformed = token_call(
            &shared,
            "client_id=0123456789abcdef&client_secret=x&grant_type=client_credentials",
        );
        assert_eq!(malformed.status, 401);
        assert_eq!(malformed.message(), errors::KEY_WRONG_FORMAT);
        let wrong = token_call(
            &shared,
            "client_id=demo-consumer-key&client_secret=nope&grant_type=client_credentials",
        );
        assert_eq!(
            grant(&wrong),
            (
                401,
                "invalid_client".into(),
                "Client authentication failed: wrong client_secret.".into()
            )
        );
        let password = token_call(&shared, &full_client("grant_type=password"));
        assert_eq!(
            grant(&password),
            (
                400,
                "unsupported_grant_type".into(),
                "Unsupported grant_type 'password'.".into()
            )
        );
        let none = token_call(&shared, &full_client(""));
        assert_eq!(
            grant(&none),
            (
                400,
                "invalid_request".into(),
                "grant_type is missing.".into()
            )
        );
    }

    #[test]
    fn client_credentials_give_a_token_without_refresh_that_opens_the_api() {
        let shared = shared();
        let answer = token_call(&shared, &full_client("grant_type=client_credentials"));
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.header("cache-control"), Some("no-store"));
        let body = answer.json();
        assert_eq!(body["token_type"], "bearer");
        assert_eq!(body["expires_in"], 86_400);
        assert!(body.get("refresh_token").is_none(), "{body}");
        // The token it stands for expires in a day, as `expires_in` says.
        let expires_at = lock(&shared.tokens).oauth2[0].1.expires_at.unwrap();
        let left = expires_at - server_time();
        assert!((86_390..=86_400).contains(&left), "{left}");
        let token = body["access_token"].as_str().unwrap();
        let info = api_call(&shared, token);
        assert_eq!(info.status, 200, "{}", info.body);
        assert_eq!(info.json()["auth_user"]["uid"], "demo-user");
    }

    #[test]
    fn a_code_is_good_once_for_its_client_and_its_redirect_uri() {
        let shared = shared();
        let authorize = |query: &str| {
            send(
                &shared,
                "GET",
                &format!("/ab/account-security/oauth2/authorize?{query}"),
                &[],
                "",
            )
        };
        let unknown = authorize("client_id=nobody&response_type=code");
        assert_eq!(unknown.status, 400);
        assert!(
            unknown.body.contains("Unknown or missing client_id."),
            "{}",
            unknown.body
        );
        let token = authorize("client_id=demo-consumer-key&response_type=token");
        assert_eq!(token.status, 400);
        assert!(
            token.body.contains("response_type must be code."),
            "{}",
            token.body
        );
        // No redirect URI: the code is shown on the page.
        let page = authorize("client_id=demo-consumer-key&response_type=code");
        assert_eq!(page.status, 200);
        let code = crate::testing::code_on_page(&page.body);
        assert!(code.starts_with("code-"), "{}", page.body);
        let exchange = |client: &str, code: &str, redirect: &str| {
            let secret = if client == "demo-consumer-key" {
                "demo-consumer-secret"
            } else {
                "demo-limited-secret"
            };
            token_call(
                &shared,
                &format!(
                    "client_id={client}&client_secret={secret}&grant_type=authorization_code&code={code}{redirect}"
                ),
            )
        };
        let first = exchange("demo-consumer-key", &code, "");
        assert_eq!(first.status, 200, "{}", first.body);
        assert!(
            first.json()["refresh_token"]
                .as_str()
                .unwrap()
                .starts_with("oa2r-")
        );
        let again = exchange("demo-consumer-key", &code, "");
        assert_eq!(
            grant(&again),
            (400, "invalid_grant".into(), errors::CODE_REFUSED.into())
        );

        // With a redirect URI: the code goes there, with the state, after `&` when the URI has a
        // query already.
        let sent = authorize(
            "client_id=demo-consumer-key&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb%3Fx%3D1&state=s1",
        );
        assert_eq!(sent.status, 303);
        let location = sent.header("location").unwrap().to_string();
        assert!(
            location.starts_with("https://app.example/cb?x=1&code=code-"),
            "{location}"
        );
        assert!(location.ends_with("&state=s1"), "{location}");
        let code = location
            .split("code=")
            .nth(1)
            .and_then(|rest| rest.split('&').next())
            .unwrap()
            .to_string();
        let elsewhere = exchange(
            "demo-consumer-key",
            &code,
            "&redirect_uri=https%3A%2F%2Fother.example%2F",
        );
        assert_eq!(
            grant(&elsewhere),
            (
                400,
                "invalid_grant".into(),
                errors::REDIRECT_URI_MISMATCH.into()
            )
        );
        let plain = authorize(
            "client_id=demo-consumer-key&response_type=code&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
        );
        let location = plain.header("location").unwrap();
        assert!(
            location.starts_with("https://app.example/cb?code=code-"),
            "{location}"
        );
        assert!(!location.contains("state="), "{location}");
        let redirected = location.split("code=").nth(1).unwrap().to_string();
        // A code asked for without a redirect URI takes any.
        let page = authorize("client_id=demo-consumer-key&response_type=code");
        let code = crate::testing::code_on_page(&page.body);
        let any = exchange(
            "demo-consumer-key",
            &code,
            "&redirect_uri=https%3A%2F%2Fany.example%2F",
        );
        assert_eq!(any.status, 200, "{}", any.body);
        let right = exchange(
            "demo-consumer-key",
            &redirected,
            "&redirect_uri=https%3A%2F%2Fapp.example%2Fcb",
        );
        assert_eq!(right.status, 200, "{}", right.body);

        // Another client's code.
        let page = authorize("client_id=demo-consumer-key&response_type=code");
        let code = crate::testing::code_on_page(&page.body);
        let stolen = exchange("demo-limited-key", &code, "");
        assert_eq!(
            grant(&stolen),
            (400, "invalid_grant".into(), errors::CODE_REFUSED.into())
        );
        // A code past its ten minutes.
        lock(&shared.tokens).codes.insert(
            "code-old".into(),
            IssuedCode {
                client_id: "demo-consumer-key".into(),
                redirect_uri: None,
                issued_at: server_time() - 3600,
            },
        );
        let old = exchange("demo-consumer-key", "code-old", "");
        assert_eq!(
            grant(&old),
            (400, "invalid_grant".into(), errors::CODE_REFUSED.into())
        );
        // The demo code is good for any client, any number of times; the expired demo code never.
        for _ in 0..2 {
            assert_eq!(
                exchange("demo-limited-key", "demo-oauth2-code", "").status,
                200
            );
        }
        let expired = exchange("demo-consumer-key", "demo-oauth2-expired-code", "");
        assert_eq!(
            grant(&expired),
            (400, "invalid_grant".into(), errors::CODE_REFUSED.into())
        );
    }

    #[test]
    fn a_refresh_rotates_the_refresh_token_and_the_old_one_lasts_a_day() {
        let shared = shared();
        let refresh = |client: &str, token: &str| {
            let secret = if client == "demo-consumer-key" {
                "demo-consumer-secret"
            } else {
                "demo-limited-secret"
            };
            token_call(
                &shared,
                &format!(
                    "client_id={client}&client_secret={secret}&grant_type=refresh_token&refresh_token={token}"
                ),
            )
        };
        let first = refresh("demo-consumer-key", "demo-oauth2-refresh-token");
        assert_eq!(first.status, 200, "{}", first.body);
        let issued = first.json()["refresh_token"].as_str().unwrap().to_string();
        assert_ne!(issued, "demo-oauth2-refresh-token");
        // The replaced one still works within the day; the new one works for its client only.
        assert_eq!(
            refresh("demo-consumer-key", "demo-oauth2-refresh-token").status,
            200
        );
        assert_eq!(refresh("demo-consumer-key", &issued).status, 200);
        let refused = (
            400,
            "invalid_grant".to_string(),
            errors::REFRESH_TOKEN_REFUSED.to_string(),
        );
        assert_eq!(grant(&refresh("demo-limited-key", &issued)), refused);
        assert_eq!(grant(&refresh("demo-consumer-key", "unknown")), refused);
        assert_eq!(grant(&refresh("demo-consumer-key", "")), refused);
        assert_eq!(
            grant(&refresh(
                "demo-consumer-key",
                "demo-oauth2-rotated-refresh-token"
            )),
            refused
        );
        // The demo's rotated refresh token is refused even where a keys file lists it, and so is
        // an empty one.
        let listed = crate::testing::shared_with(crate::MockConfig::new(
            crate::Keys::from_json(
                r#"{"consumers":[{"consumer_key":"ck","consumer_secret":"cs","oauth2_tokens":[
                    {"access_token":"a1","refresh_token":"demo-oauth2-rotated-refresh-token","username":"u"},
                    {"access_token":"a2","refresh_token":"","username":"u"}]}]}"#,
            )
            .unwrap(),
        ));
        for token in ["demo-oauth2-rotated-refresh-token", ""] {
            let answer = token_call(
                &listed,
                &format!(
                    "client_id=ck&client_secret=cs&grant_type=refresh_token&refresh_token={token}"
                ),
            );
            assert_eq!(grant(&answer), refused, "{token}");
        }
        // Replaced more than a day ago: refused.
        lock(&shared.tokens).rotated_refresh.insert(
            "demo-oauth2-expired-refresh-token".into(),
            server_time() - 2 * 86_400,
        );
        assert_eq!(
            grant(&refresh(
                "demo-consumer-key",
                "demo-oauth2-expired-refresh-token"
            )),
            refused
        );
        // Replaced an hour ago: good.
        lock(&shared.tokens)
            .rotated_refresh
            .insert("demo-oauth2-refresh-token".into(), server_time() - 3600);
        assert_eq!(
            refresh("demo-consumer-key", "demo-oauth2-refresh-token").status,
            200
        );
    }

    #[test]
    fn bearer_tokens_are_refused_unknown_expired_or_for_a_disabled_user() {
        let shared = shared();
        let unknown = api_call(&shared, "no-such-token");
        assert_eq!(unknown.status, 401);
        assert_eq!(unknown.message(), errors::TOKEN_UNKNOWN);
        assert_eq!(unknown.header("x-upwork-error-code"), Some("401"));
        assert_eq!(
            unknown.header("www-authenticate"),
            Some(
                "Bearer realm=\"api.upwork.com\", error=\"invalid_token\", error_description=\"The access token is invalid or was revoked.\""
            )
        );
        assert_eq!(unknown.json()["error"], "invalid_token");
        let expired = api_call(&shared, "demo-oauth2-expired-token");
        assert_eq!(
            (expired.status, expired.message()),
            (401, errors::TOKEN_EXPIRED)
        );
        let disabled = api_call(&shared, "demo-oauth2-disabled-token");
        assert_eq!(
            (disabled.status, disabled.message()),
            (403, errors::PROFILE_DISABLED)
        );
        let good = api_call(&shared, "demo-oauth2-token");
        assert_eq!(good.status, 200, "{}", good.body);
        // The scheme is read without case; another scheme is not a bearer token.
        let lower = send(
            &shared,
            "GET",
            "/api/auth/v1/info.json",
            &[("Authorization", "bearer demo-oauth2-token")],
            "",
        );
        assert_eq!(lower.status, 200);
        let basic = send(
            &shared,
            "GET",
            "/api/auth/v1/info.json",
            &[("Authorization", "Basic demo-oauth2-token")],
            "",
        );
        assert_eq!(basic.status, 401);
        assert_eq!(basic.message(), errors::AUTHORIZATION_REQUIRED);
    }
}
