//! What the unit tests share: the emulator's state without a socket, requests built as a client
//! sends them (signed for Upwork's origin and sent to the emulator's own address), and the answer
//! read whole.

use axum::http::HeaderMap;
use axum::response::Response;
use tokio::sync::watch;

use crate::MockConfig;
use crate::app;
use crate::body::Refused;
use crate::demo;
use crate::head::RawHead;
use crate::state::Shared;
use upwork_diag_core::oauth::{self, SignOptions};
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};

/// The port the emulator is taken to listen on.
pub(crate) const PORT: u16 = 8080;
/// The `Host` of a call to the emulator's own address.
pub(crate) const HOST: &str = "127.0.0.1:8080";

/// The state of an emulator with this configuration, listening on [`PORT`].
pub(crate) fn shared_with(config: MockConfig) -> Shared {
    let (_stop, stopped) = watch::channel(false);
    let (_tasks, tasks) = watch::channel(());
    Shared::new(config, PORT, stopped, tasks)
}

/// The state of an emulator with the demo keys.
pub(crate) fn shared() -> Shared {
    shared_with(MockConfig::default())
}

/// An answer read whole.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `X-Upwork-Error-Message`, empty when absent.
    pub fn message(&self) -> &str {
        self.header("x-upwork-error-message").unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The form-encoded body's value of `name`.
    pub fn form(&self, name: &str) -> Option<String> {
        url::form_urlencoded::parse(self.body.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// Reads a response whole.
pub(crate) fn read(response: Response) -> Answer {
    let (parts, body) = response.into_parts();
    let bytes = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(axum::body::to_bytes(body, usize::MAX))
        .unwrap();
    Answer {
        status: parts.status.as_u16(),
        headers: parts.headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(crate) fn head(method: &str, target: &str, headers: &[(&str, &str)]) -> RawHead {
    RawHead {
        method: method.into(),
        target: target.into(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        http10: false,
    }
}

/// The emulator's answer to this head and its body (or the status refusing the body), from
/// 127.0.0.1.
pub(crate) fn send_head(shared: &Shared, head: &RawHead, body: Result<&[u8], u16>) -> Answer {
    let peer = "127.0.0.1".parse().unwrap();
    read(app::handle(
        shared,
        peer,
        head,
        body.map(<[u8]>::to_vec).map_err(Refused),
    ))
}

/// A request as a client builds it.
pub(crate) fn captured(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> CapturedRequest {
    CapturedRequest {
        method: method.to_string(),
        url: RawUrl::parse(url).unwrap(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        body: body.as_bytes().to_vec(),
        time: None,
        source: Source::Flags,
    }
}

/// Sends `request` to the emulator with this `Host` (and the body's length on a POST, PUT or
/// PATCH, as a careful client does).
pub(crate) fn send_request(shared: &Shared, request: &CapturedRequest, host: &str) -> Answer {
    let mut headers = vec![Header::new("Host", host)];
    headers.extend(request.headers.iter().cloned());
    if ["POST", "PUT", "PATCH"].contains(&request.method.as_str()) {
        headers.push(Header::new(
            "Content-Length",
            request.body.len().to_string(),
        ));
    }
    let head = RawHead {
        method: request.method.clone(),
        target: request.url.target(),
        headers,
        http10: false,
    };
    send_head(shared, &head, Ok(&request.body))
}

/// An unsigned request to the emulator's own address.
pub(crate) fn send(
    shared: &Shared,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Answer {
    let request = captured(method, &format!("http://{HOST}{target}"), headers, body);
    send_request(shared, &request, HOST)
}

/// `request` signed with `keys` as `options` say.
pub(crate) fn sign(
    request: &CapturedRequest,
    keys: &oauth::Keys<'_>,
    options: &SignOptions,
) -> CapturedRequest {
    oauth::sign_request_with(request, keys, options).request
}

/// A request signed for Upwork's own origin (`https://www.upwork.com` and the target), sent to
/// the emulator's own address, as `--base-url` replays it.
pub(crate) fn send_signed(
    shared: &Shared,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &str,
    keys: &oauth::Keys<'_>,
    options: &SignOptions,
) -> Answer {
    let request = captured(
        method,
        &format!("https://www.upwork.com{target}"),
        headers,
        body,
    );
    send_request(shared, &sign(&request, keys, options), HOST)
}

/// `GET /api/auth/v1/info.json` signed with `keys` (fresh nonce and timestamp): who the keys act
/// for, or why they are refused.
pub(crate) fn signed_info(shared: &Shared, keys: &oauth::Keys<'_>) -> Answer {
    send_signed(
        shared,
        "GET",
        "/api/auth/v1/info.json",
        &[],
        "",
        keys,
        &SignOptions::default(),
    )
}

/// The full demo consumer and its access token.
pub(crate) fn full() -> oauth::Keys<'static> {
    oauth::Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    }
}

/// The limited demo consumer and its access token.
pub(crate) fn limited() -> oauth::Keys<'static> {
    oauth::Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    }
}

/// The full demo consumer without a token (the request token call).
pub(crate) fn consumer() -> oauth::Keys<'static> {
    oauth::Keys {
        token: None,
        token_secret: None,
        ..full()
    }
}

/// Now, in seconds since 1970, as `oauth_timestamp` is written.
pub(crate) fn now() -> u64 {
    chrono::Utc::now().timestamp() as u64
}

/// The text a page shows in its `<code>` element: the code or verifier given to a person.
pub(crate) fn code_on_page(body: &str) -> String {
    body.split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap()
        .to_string()
}
