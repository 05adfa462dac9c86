//! The OAuth 2 refresh behind the corrected replay of a call refused for an expired token: with the
//! refresh token and the client's key and secret, a new access token is asked from the token
//! endpoint, and the corrected request carries it.
//!
//! The refresh token and the client secret are the most valuable secrets the tool holds, so they
//! go only to Upwork's own token endpoint (https), or to an emulator the developer named with a
//! loopback `--base-url`: never to another `--base-url` origin, never over plain http off this
//! machine. The bundle says where they went, or why they were not sent.

use crate::classify::{self, Classification};
use crate::exchange::Settings;
use crate::replay;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::oauth::encode;
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};
use upwork_diag_core::upwork::urls::OAUTH2_TOKEN;

/// Why no new access token came.
#[derive(Debug)]
pub enum RefreshError {
    /// The credentials lack a part the refresh needs.
    Missing(&'static str),
    /// The refresh was not sent: the call went to an origin that is not Upwork's nor a local
    /// emulator (the reason, for the report).
    NotSent(String),
    /// The token endpoint gave no answer.
    NoAnswer(String),
    /// It answered without an access token: its request and answer, for the checks to read.
    Refused(Box<Refusal>),
}

/// The refresh request and how its refusal reads.
#[derive(Debug)]
pub struct Refusal {
    pub request: CapturedRequest,
    pub classification: Classification,
}

/// The `grant_type=refresh_token` request for these credentials.
pub fn refresh_request(credentials: &Credentials) -> Result<CapturedRequest, RefreshError> {
    let refresh_token = credentials
        .refresh_token
        .as_ref()
        .ok_or(RefreshError::Missing(
            "no refresh token (UPWORK_REFRESH_TOKEN)",
        ))?;
    let client_id = credentials
        .consumer_key
        .as_deref()
        .ok_or(RefreshError::Missing("no client id (UPWORK_CONSUMER_KEY)"))?;
    let client_secret = credentials
        .consumer_secret
        .as_ref()
        .ok_or(RefreshError::Missing(
            "no client secret (UPWORK_CONSUMER_SECRET)",
        ))?;
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id={}&client_secret={}",
        encode(refresh_token.expose()),
        encode(client_id),
        encode(client_secret.expose())
    );
    Ok(CapturedRequest {
        method: "POST".to_string(),
        url: RawUrl::parse(OAUTH2_TOKEN).expect("the token URL is valid"),
        headers: vec![
            Header::new("Content-Type", "application/x-www-form-urlencoded"),
            Header::new("Accept", "application/json"),
            Header::new("Content-Length", body.len().to_string()),
        ],
        body: body.into_bytes(),
        time: None,
        source: Source::Flags,
    })
}

/// A new access token, and where the refresh token and client secret were sent for it.
#[derive(Debug)]
pub struct Refreshed {
    pub access_token: String,
    pub sent_to: String,
}

/// Where the refresh may be sent: Upwork's token endpoint, or the same path at a `--base-url` on
/// a loopback address (the emulator). Any other `--base-url` gets nothing: the secrets would go to
/// a server that is not Upwork, maybe in clear.
pub fn refresh_url(settings: &Settings) -> Result<RawUrl, RefreshError> {
    let upwork = RawUrl::parse(OAUTH2_TOKEN).expect("the token URL is valid");
    let Some(base) = &settings.base_url else {
        return Ok(upwork);
    };
    let host = base.host().trim_matches(['[', ']']).to_ascii_lowercase();
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback {
        return Ok(upwork.rebased(base));
    }
    Err(RefreshError::NotSent(format!(
        "the refresh token and client secret are sent only to Upwork's token endpoint \
         ({OAUTH2_TOKEN}) or an emulator on this machine; --base-url {}://{} is neither, so no new \
         access token was asked",
        base.scheme(),
        base.host_port()
    )))
}

/// Asks the token endpoint for a new access token.
pub async fn access_token(
    credentials: &Credentials,
    settings: &Settings,
) -> Result<Refreshed, RefreshError> {
    let mut request = refresh_request(credentials)?;
    request.url = refresh_url(settings)?;
    let response = replay::client::send(&request, &settings.replay)
        .await
        .map_err(|e| RefreshError::NoAnswer(e.message))?;
    match access_token_of(&response) {
        Some(access_token) => Ok(Refreshed {
            access_token,
            sent_to: request.url.as_str().to_string(),
        }),
        None => Err(RefreshError::Refused(Box::new(Refusal {
            classification: classify::classify(&response),
            request,
        }))),
    }
}

fn access_token_of(response: &CapturedResponse) -> Option<String> {
    if !(200..300).contains(&response.status) {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(&response.body).ok()?;
    value
        .get("access_token")?
        .as_str()
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The request with its bearer token replaced.
pub fn with_bearer(mut request: CapturedRequest, access_token: &str) -> CapturedRequest {
    let value = format!("Bearer {access_token}");
    match request
        .headers
        .iter_mut()
        .find(|h| h.name.eq_ignore_ascii_case("authorization"))
    {
        Some(header) => header.value = value,
        None => request.headers.push(Header::new("Authorization", value)),
    }
    request
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::credentials::Secret;

    #[test]
    fn the_refresh_request_encodes_every_part_and_declares_its_length() {
        let credentials = Credentials {
            consumer_key: Some("client id".into()),
            consumer_secret: Some(Secret::new("s&cret")),
            refresh_token: Some(Secret::new("r+t")),
            ..Credentials::default()
        };
        let request = refresh_request(&credentials).unwrap();
        let body = String::from_utf8(request.body.clone()).unwrap();
        assert_eq!(
            body,
            "grant_type=refresh_token&refresh_token=r%2Bt&client_id=client%20id&client_secret=s%26cret"
        );
        assert_eq!(
            request.header("content-length"),
            Some(body.len().to_string().as_str())
        );
        assert!(matches!(
            refresh_request(&Credentials::default()),
            Err(RefreshError::Missing(_))
        ));
    }

    #[test]
    fn the_bearer_is_replaced_in_place() {
        let request = upwork_diag_core::request::flags::from_flags(
            Some("GET"),
            "https://api.upwork.com/graphql",
            &[
                "Authorization: Bearer old".to_string(),
                "Accept: */*".to_string(),
            ],
            None,
        )
        .unwrap();
        let request = with_bearer(request, "new");
        assert_eq!(
            request.headers[0],
            Header::new("Authorization", "Bearer new")
        );
        assert_eq!(request.headers.len(), 2);
    }
}
