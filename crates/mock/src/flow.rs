//! The OAuth 1.0 flow: request token, the authorization page, access token. The demo user
//! authorizes without a browser: the verifier [`super::demo::VERIFIER`] is accepted for any
//! request token issued here whose authorization page was not opened; once it was, only the
//! verifier that page gave. A request token is exchanged once, within
//! [`REQUEST_TOKEN_LIFETIME_SECS`].

use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};

use super::demo;
use super::oauth_check::Authenticated;
use super::responses::{form, html_page, legacy_error, server_time};
use super::state::{Shared, lock};
use super::store::{IssuedAccessToken, RequestToken, random_token};
use upwork_diag_core::credentials::Secret;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::errors;

fn oauth_param<'a>(auth: &'a Authenticated, name: &str) -> Option<&'a str> {
    auth.signed
        .oauth_params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// How long a request token can be exchanged (Upwork's lifetime is not on record; a stand-in).
pub const REQUEST_TOKEN_LIFETIME_SECS: i64 = 600;

/// `POST /api/auth/v1/oauth/token/request`: issues a request token.
pub(crate) fn request_token(shared: &Shared, auth: &Authenticated) -> Response {
    let token = random_token("rt-");
    let secret = random_token("rts-");
    let callback = oauth_param(auth, "oauth_callback")
        .unwrap_or("oob")
        .to_string();
    lock(&shared.tokens).request.insert(
        token.clone(),
        RequestToken {
            consumer_key: auth.consumer.consumer_key.clone(),
            secret: Secret::new(secret.clone()),
            callback,
            verifier: None,
            issued_at: server_time(),
        },
    );
    form(&[
        ("oauth_token", &token),
        ("oauth_token_secret", &secret),
        ("oauth_callback_confirmed", "true"),
    ])
}

/// `GET /services/api/auth?oauth_token=...`: the user "authorizes" at once; the verifier goes to
/// the callback when there is one, else it is shown on the page.
pub(crate) fn authorize(shared: &Shared, request: &CapturedRequest) -> Response {
    let token = request.url.query_value("oauth_token");
    let mut tokens = lock(&shared.tokens);
    let Some((token, issued)) =
        token.and_then(|t| tokens.request.get_mut(&t).map(|issued| (t, issued)))
    else {
        return html_page(400, "<p>Unknown or missing oauth_token.</p>\r\n");
    };
    let verifier = issued
        .verifier
        .get_or_insert_with(|| random_token("v-"))
        .clone();
    if issued.callback != "oob" && url::Url::parse(&issued.callback).is_ok() {
        let separator = if issued.callback.contains('?') {
            '&'
        } else {
            '?'
        };
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("oauth_token", &token)
            .append_pair("oauth_verifier", &verifier)
            .finish();
        return Redirect::to(&format!("{}{separator}{query}", issued.callback)).into_response();
    }
    let page = format!(
        "<html><head><title>Authorized</title></head><body><p>Verifier: <code>{verifier}</code></p></body></html>\r\n"
    );
    ([(header::CONTENT_TYPE, "text/html")], page).into_response()
}

/// `POST /api/auth/v1/oauth/token/access`: exchanges an authorized request token, once.
pub(crate) fn access_token(shared: &Shared, auth: &Authenticated) -> Response {
    let mut tokens = lock(&shared.tokens);
    let request_token = auth.signed.token.clone().unwrap_or_default();
    let Some(issued) = tokens.request.get(&request_token) else {
        return legacy_error(401, errors::INVALID_TOKEN);
    };
    let expected = issued.verifier.as_deref().unwrap_or(demo::VERIFIER);
    if oauth_param(auth, "oauth_verifier") != Some(expected) {
        return legacy_error(401, errors::INVALID_VERIFIER);
    }
    // Used up by the exchange, or by its lifetime.
    let issued = tokens.request.remove(&request_token);
    if issued.is_none_or(|t| server_time() - t.issued_at > REQUEST_TOKEN_LIFETIME_SECS) {
        return legacy_error(401, errors::INVALID_TOKEN);
    }
    let token = random_token("at-");
    let secret = random_token("ats-");
    tokens.access.insert(
        token.clone(),
        IssuedAccessToken {
            consumer_key: auth.consumer.consumer_key.clone(),
            secret: Secret::new(secret.clone()),
            username: auth.consumer.default_username().to_string(),
        },
    );
    form(&[("oauth_token", &token), ("oauth_token_secret", &secret)])
}
