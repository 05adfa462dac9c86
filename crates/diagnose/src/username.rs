//! The username for the bundle, when the developer did not give it: read from the answer of the
//! call diagnosed when that call was `info.json` or the GraphQL `user` query, or asked from Upwork
//! with the same credentials (`--ask-username`): `GET /api/auth/v1/info.json` signed with OAuth 1.0,
//! or the GraphQL `{ user { nid } }` with the OAuth 2 bearer token, at the same origin the call went
//! to. Nothing of the answer but the username is kept.

use serde_json::Value;

use crate::exchange::{Diagnosis, Settings};
use crate::replay;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::oauth;
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{self, CapturedRequest, RawUrl};
use upwork_diag_core::upwork::{self, hosts};

/// The legacy call that tells the user: `auth_user.uid` of its answer.
pub const INFO_PATH: &str = "/api/auth/v1/info.json";
/// The GraphQL query that tells the user: `data.user.nid`.
pub const USER_QUERY: &str = "{ user { nid } }";

/// The username in an answer of `info.json` or of a GraphQL query that selected `user { nid }`.
pub fn from_answer(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    value
        .pointer("/auth_user/uid")
        .or_else(|| value.pointer("/data/user/nid"))
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .map(str::to_string)
}

/// The username the diagnosed call's own answer gives, when it succeeded and tells it.
pub fn from_diagnosis(diagnosis: &Diagnosis) -> Option<String> {
    let exchange = diagnosis.exchange.as_ref()?;
    let classification = diagnosis.classification.as_ref()?;
    if classification.kind != crate::classify::Kind::Success {
        return None;
    }
    let endpoint = upwork::endpoint_for(
        &diagnosis.captured.effective_method(),
        diagnosis.captured.url.path(),
    )?;
    if !matches!(endpoint.name, "auth-info" | "graphql") {
        return None;
    }
    from_answer(&exchange.response()?.body_text())
}

/// The origin to ask at: the `--base-url`, else Upwork's host for the call, else the origin the
/// diagnosed call went to.
fn origin(captured: &CapturedRequest, settings: &Settings, upwork_host: &str) -> String {
    if let Some(base) = &settings.base_url {
        return base.as_str().trim_end_matches('/').to_string();
    }
    if hosts::is_upwork_host(captured.url.host()) {
        return format!("https://{upwork_host}");
    }
    let url = captured.url.as_str();
    let path_start = url
        .find("://")
        .and_then(|i| url[i + 3..].find('/').map(|j| i + 3 + j))
        .unwrap_or(url.len());
    url[..path_start].to_string()
}

/// Asks Upwork who the credentials act for: with the OAuth 2 access token when there is one, else
/// with the OAuth 1.0 keys and access token. The error says why no username came back.
pub async fn ask(
    captured: &CapturedRequest,
    credentials: &Credentials,
    settings: &Settings,
) -> Result<String, String> {
    let request = if let Some(access_token) = &credentials.access_token {
        let url = format!("{}/graphql", origin(captured, settings, hosts::API));
        let body = serde_json::json!({ "query": USER_QUERY }).to_string();
        request::flags::from_flags(
            Some("POST"),
            &url,
            &[
                format!("Authorization: Bearer {}", access_token.expose()),
                "Content-Type: application/json".to_string(),
            ],
            Some(body.into_bytes()),
        )
        .map_err(|e| e.to_string())?
    } else {
        let keys = oauth::Keys::from_credentials(credentials).map_err(|e| e.0)?;
        if keys.token.is_none() {
            return Err("no access token (UPWORK_TOKEN or UPWORK_ACCESS_TOKEN) to ask with".into());
        }
        // Signed for Upwork's own URL, sent to the origin in use: the same call the emulator and
        // Upwork both accept.
        let at_upwork = format!("https://{}{INFO_PATH}", hosts::WWW);
        let unsigned = request::flags::from_flags(Some("GET"), &at_upwork, &[], None)
            .map_err(|e| e.to_string())?;
        let signed = oauth::sign_request(&unsigned, &keys);
        let base =
            RawUrl::parse(&origin(captured, settings, hosts::WWW)).map_err(|e| e.to_string())?;
        CapturedRequest {
            url: signed.url.rebased(&base),
            ..signed
        }
    };
    let response = replay::client::send(&request, &settings.replay)
        .await
        .map_err(|e| e.message)?;
    username_of(&response)
}

fn username_of(response: &CapturedResponse) -> Result<String, String> {
    if !(200..300).contains(&response.status) {
        return Err(format!("Upwork answered {}", response.status));
    }
    from_answer(&response.body_text()).ok_or_else(|| "the answer names no user".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_answers() {
        assert_eq!(
            from_answer(r#"{"auth_user":{"uid":"jdoe","first_name":"J"}}"#).as_deref(),
            Some("jdoe")
        );
        assert_eq!(
            from_answer(r#"{"data":{"user":{"nid":"jdoe"}}}"#).as_deref(),
            Some("jdoe")
        );
        assert!(from_answer(r#"{"data":{"user":null}}"#).is_none());
        assert!(from_answer("not json").is_none());
    }
}
