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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{Answer, consumer, send, send_signed, shared, signed_info};
    use upwork_diag_core::oauth::{self, SignOptions};

    const REQUEST: &str = "/api/auth/v1/oauth/token/request";
    const ACCESS: &str = "/api/auth/v1/oauth/token/access";

    fn request_token(shared: &Shared, callback: Option<&str>) -> (String, String) {
        let options = SignOptions {
            callback: callback.map(str::to_string),
            ..SignOptions::default()
        };
        let answer = send_signed(shared, "POST", REQUEST, &[], "", &consumer(), &options);
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(
            answer.form("oauth_callback_confirmed").as_deref(),
            Some("true")
        );
        let token = answer.form("oauth_token").unwrap();
        assert!(token.starts_with("rt-"), "{token}");
        (token, answer.form("oauth_token_secret").unwrap())
    }

    fn exchange(shared: &Shared, token: &str, secret: &str, verifier: Option<&str>) -> Answer {
        let keys = oauth::Keys {
            token: Some(token),
            token_secret: Some(secret),
            ..consumer()
        };
        let options = SignOptions {
            verifier: verifier.map(str::to_string),
            ..SignOptions::default()
        };
        send_signed(shared, "POST", ACCESS, &[], "", &keys, &options)
    }

    fn authorize(shared: &Shared, token: &str) -> Answer {
        send(
            shared,
            "GET",
            &format!("/services/api/auth?oauth_token={token}"),
            &[],
            "",
        )
    }

    #[test]
    fn the_demo_verifier_exchanges_a_request_token_once() {
        let shared = shared();
        let (token, secret) = request_token(&shared, None);
        let wrong = exchange(&shared, &token, &secret, Some("v-wrong"));
        assert_eq!(
            (wrong.status, wrong.message()),
            (401, errors::INVALID_VERIFIER)
        );
        let none = exchange(&shared, &token, &secret, None);
        assert_eq!(
            (none.status, none.message()),
            (401, errors::INVALID_VERIFIER)
        );
        let access = exchange(&shared, &token, &secret, Some(demo::VERIFIER));
        assert_eq!(access.status, 200, "{}", access.body);
        let (at, ats) = (
            access.form("oauth_token").unwrap(),
            access.form("oauth_token_secret").unwrap(),
        );
        assert!(
            at.starts_with("at-") && ats.starts_with("ats-"),
            "{}",
            access.body
        );
        let again = exchange(&shared, &token, &secret, Some(demo::VERIFIER));
        assert_eq!(
            (again.status, again.message()),
            (401, errors::INVALID_TOKEN)
        );
        // The access token acts for the consumer's user.
        let keys = oauth::Keys {
            token: Some(&at),
            token_secret: Some(&ats),
            ..consumer()
        };
        let info = signed_info(&shared, &keys);
        assert_eq!(info.status, 200, "{}", info.body);
        assert_eq!(info.json()["auth_user"]["uid"], "demo-user");
        // Not for another consumer.
        let borrowed = oauth::Keys {
            consumer_key: demo::LIMITED_CONSUMER_KEY,
            consumer_secret: demo::LIMITED_CONSUMER_SECRET,
            token: Some(&at),
            token_secret: Some(&ats),
        };
        let info = signed_info(&shared, &borrowed);
        assert_eq!((info.status, info.message()), (401, errors::INVALID_TOKEN));
    }

    #[test]
    fn the_authorization_page_gives_its_own_verifier() {
        let shared = shared();
        let unknown = authorize(&shared, "rt-nothing");
        assert_eq!(unknown.status, 400);
        assert!(
            unknown.body.contains("Unknown or missing oauth_token."),
            "{}",
            unknown.body
        );
        let (token, secret) = request_token(&shared, None);
        let page = authorize(&shared, &token);
        assert_eq!(page.status, 200);
        let verifier = crate::testing::code_on_page(&page.body);
        assert!(verifier.starts_with("v-"), "{}", page.body);
        // The page gives the same verifier each time it is opened.
        assert!(authorize(&shared, &token).body.contains(&verifier));
        let demo = exchange(&shared, &token, &secret, Some(demo::VERIFIER));
        assert_eq!(
            (demo.status, demo.message()),
            (401, errors::INVALID_VERIFIER)
        );
        assert_eq!(
            exchange(&shared, &token, &secret, Some(&verifier)).status,
            200
        );
    }

    #[test]
    fn the_verifier_goes_to_the_callback() {
        let shared = shared();
        let (token, _) = request_token(&shared, Some("https://app.example/cb?x=1"));
        let sent = authorize(&shared, &token);
        assert_eq!(sent.status, 303);
        let location = sent.header("location").unwrap();
        assert!(
            location.starts_with(&format!(
                "https://app.example/cb?x=1&oauth_token={token}&oauth_verifier=v-"
            )),
            "{location}"
        );
        let (token, _) = request_token(&shared, Some("https://app.example/cb"));
        let location = authorize(&shared, &token)
            .header("location")
            .unwrap()
            .to_string();
        assert!(
            location.starts_with(&format!("https://app.example/cb?oauth_token={token}&")),
            "{location}"
        );
    }

    #[test]
    fn a_callback_that_is_no_url_gets_the_verifier_on_the_page() {
        let shared = shared();
        for callback in ["oob", "not a url"] {
            let (token, _) = request_token(&shared, Some(callback));
            let page = authorize(&shared, &token);
            assert_eq!(page.status, 200, "{callback}");
            assert!(page.body.contains("Verifier: <code>v-"), "{}", page.body);
        }
    }

    #[test]
    fn a_request_token_past_its_lifetime_is_refused() {
        let shared = shared();
        let (token, secret) = request_token(&shared, None);
        lock(&shared.tokens)
            .request
            .get_mut(&token)
            .unwrap()
            .issued_at = server_time() - 2 * REQUEST_TOKEN_LIFETIME_SECS;
        let late = exchange(&shared, &token, &secret, Some(demo::VERIFIER));
        assert_eq!((late.status, late.message()), (401, errors::INVALID_TOKEN));
        let (token, secret) = request_token(&shared, None);
        lock(&shared.tokens)
            .request
            .get_mut(&token)
            .unwrap()
            .issued_at = server_time() - 60;
        assert_eq!(
            exchange(&shared, &token, &secret, Some(demo::VERIFIER)).status,
            200
        );
    }
}
