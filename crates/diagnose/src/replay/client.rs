//! The corrected replay through reqwest.
//!
//! Where [`super::wire`] reproduces the developer's bytes, this sends the request the way a
//! well-behaved client does: reqwest frames the body itself (a correct Content-Length, even `0`
//! for an empty POST), so a success here confirms the fix.

use std::error::Error as _;
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::{ReplayOptions, TransportError, TransportErrorKind};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, Header};

pub use super::tls::install_crypto_provider;

/// Headers that are not copied from the capture: reqwest writes `Host` and the body framing
/// itself, and connection-specific headers are forbidden in HTTP/2, which reqwest may negotiate.
const NOT_COPIED: &[&str] = &[
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "proxy-connection",
    "upgrade",
    "te",
];

/// Whether a captured header is sent by [`send`]; the others are left to reqwest.
pub fn is_copied(name: &str) -> bool {
    !NOT_COPIED.iter().any(|n| name.eq_ignore_ascii_case(n))
}

/// Sends the request through reqwest: method, URL, the captured headers but `Host`, the body
/// framing and connection-specific ones ([`is_copied`]), and the body. Redirects are not followed
/// (a redirect is an answer to report); `options.proxy` is used when set and the environment's
/// proxy settings never are.
pub async fn send(
    request: &CapturedRequest,
    options: &ReplayOptions,
) -> Result<CapturedResponse, TransportError> {
    let client = options.clients.get(options)?;
    let invalid =
        |message: String| TransportError::new(TransportErrorKind::InvalidRequest, message);
    let method = reqwest::Method::from_bytes(request.method.as_bytes())
        .map_err(|_| invalid(format!("'{}' is not a valid HTTP method", request.method)))?;
    // The url crate normalises (percent-encoding, case of the host, default port); reqwest
    // accepts nothing else.
    let url = reqwest::Url::parse(request.url.as_str())
        .map_err(|e| invalid(format!("reqwest cannot send to '{}': {e}", request.url)))?;
    let mut headers = HeaderMap::new();
    for header in request.headers.iter().filter(|h| is_copied(&h.name)) {
        let name = HeaderName::from_bytes(header.name.as_bytes())
            .map_err(|_| invalid(format!("'{}' is not a valid header name", header.name)))?;
        let value = HeaderValue::from_bytes(header.value.as_bytes()).map_err(|_| {
            invalid(format!(
                "the value of header '{}' cannot be sent",
                header.name
            ))
        })?;
        headers.append(name, value);
    }
    // hyper sends no Content-Length for an empty body, and an empty POST without one is
    // exactly what a strict front end answers with 411.
    if request.body.is_empty()
        && ["POST", "PUT", "PATCH"]
            .iter()
            .any(|m| request.method.eq_ignore_ascii_case(m))
    {
        headers.insert(
            reqwest::header::CONTENT_LENGTH,
            HeaderValue::from_static("0"),
        );
    }
    let started = Instant::now();
    let mut response = client
        .request(method, url)
        .headers(headers)
        .body(request.body.clone())
        .send()
        .await
        .map_err(|e| map_error(&e, options))?;

    let version = match response.version() {
        reqwest::Version::HTTP_09 => "HTTP/0.9",
        reqwest::Version::HTTP_10 => "HTTP/1.0",
        reqwest::Version::HTTP_2 => "HTTP/2",
        reqwest::Version::HTTP_3 => "HTTP/3",
        _ => "HTTP/1.1",
    }
    .to_string();
    let status = response.status();
    let headers = response
        .headers()
        .iter()
        .map(|(name, value)| Header::new(name.as_str(), String::from_utf8_lossy(value.as_bytes())))
        .collect();
    let max_body = options.max_body_bytes;
    let mut body = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(|e| map_error(&e, options))? {
        let room = max_body - body.len();
        if chunk.len() > room {
            body.extend_from_slice(&chunk[..room]);
            truncated = true;
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(CapturedResponse {
        version,
        status: status.as_u16(),
        // hyper keeps only a non-standard reason phrase, out of reqwest's reach: the standard one.
        reason: status.canonical_reason().unwrap_or_default().to_string(),
        headers,
        body,
        truncated,
        elapsed: started.elapsed(),
    })
}

/// The reqwest client of a run: built by its first send, then shared by the corrected request,
/// the refresh, the username lookup and the redirects that use the same options. Clones share it.
///
/// A client costs its TLS configuration and its connection pool; one per run also lets a later
/// request reuse a connection that Upwork kept open.
#[derive(Clone, Default)]
pub struct SharedClient(Arc<Mutex<Option<(ClientKey, reqwest::Client)>>>);

/// What a client is built from: options that differ need a client of their own.
#[derive(Clone, PartialEq, Eq)]
struct ClientKey {
    timeout: Duration,
    insecure: bool,
    proxy: Option<String>,
}

impl ClientKey {
    fn of(options: &ReplayOptions) -> ClientKey {
        ClientKey {
            timeout: options.timeout,
            insecure: options.insecure,
            proxy: options.proxy.as_ref().map(|p| p.as_str().to_string()),
        }
    }
}

impl std::fmt::Debug for SharedClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let built = self
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some();
        f.debug_struct("SharedClient")
            .field("built", &built)
            .finish()
    }
}

impl SharedClient {
    /// The client for these options: the shared one when it was built from the same options,
    /// else a new one, kept for the next send.
    fn get(&self, options: &ReplayOptions) -> Result<reqwest::Client, TransportError> {
        let key = ClientKey::of(options);
        let mut slot = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((built_for, client)) = slot.as_ref()
            && *built_for == key
        {
            // A reqwest client is a handle: the clone shares its pool and configuration.
            return Ok(client.clone());
        }
        let client = build_client(options)?;
        *slot = Some((key, client.clone()));
        Ok(client)
    }
}

fn build_client(options: &ReplayOptions) -> Result<reqwest::Client, TransportError> {
    install_crypto_provider();
    let setup_error = |message: String| {
        TransportError::new(
            TransportErrorKind::Tls,
            format!("cannot set up the HTTP client: {message}"),
        )
    };
    // Our own TLS configuration, not reqwest's: reqwest would load the platform's certificate
    // store while building the client, for an `http://` call too (and fail it when the store is
    // empty); ours loads it at the first certificate to check.
    let tls = super::tls::reqwest_client_config(options.insecure).map_err(setup_error)?;
    let mut builder = reqwest::Client::builder()
        .timeout(options.timeout)
        .connect_timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .tls_backend_preconfigured(tls)
        .no_proxy();
    if let Some(proxy) = &options.proxy {
        let proxy = reqwest::Proxy::all(proxy.as_str()).map_err(|e| {
            TransportError::new(
                TransportErrorKind::Proxy,
                format!("the proxy '{}' cannot be used: {e}", proxy.host_port()),
            )
        })?;
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| setup_error(chain(&e)))
}

/// The error and all its sources, joined: reqwest's own message is often just "error sending
/// request", with the cause several levels down.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Notes the first I/O error kind and whether rustls failed, looking inside I/O errors too: an
/// `io::Error` hides the error it wraps from `source()`, and the TLS connector wraps twice.
fn inspect(
    error: &(dyn std::error::Error + 'static),
    io_kind: &mut Option<io::ErrorKind>,
    rustls_error: &mut bool,
) {
    if error.is::<rustls::Error>() {
        *rustls_error = true;
    }
    if let Some(io_error) = error.downcast_ref::<io::Error>() {
        if io_error.kind() != io::ErrorKind::Other {
            io_kind.get_or_insert(io_error.kind());
        }
        if let Some(inner) = io_error.get_ref() {
            inspect(inner, io_kind, rustls_error);
        }
    }
}

/// Maps a reqwest error to the kind the report names, as precisely as the error allows.
fn map_error(error: &reqwest::Error, options: &ReplayOptions) -> TransportError {
    use TransportErrorKind as Kind;
    let message = chain(error);
    let mut io_kind = None;
    let mut rustls_error = false;
    let mut source = error.source();
    while let Some(cause) = source {
        inspect(cause, &mut io_kind, &mut rustls_error);
        source = cause.source();
    }
    // hyper's own errors are out of reach by type (it is not a direct dependency), so they are
    // recognised by their fixed messages.
    let says = |text: &str| message.contains(text);
    let kind = if error.is_timeout() {
        if error.is_connect() {
            Kind::ConnectTimeout
        } else {
            Kind::Timeout
        }
    } else if rustls_error || (error.is_connect() && says("tls handshake eof")) {
        Kind::Tls
    } else if options.proxy.is_some() && (error.is_connect() || says("tunnel error")) {
        // Through a proxy every connection is to the proxy, and the proxy resolves the target.
        Kind::Proxy
    } else if error.is_dns() {
        Kind::Dns
    } else if io_kind == Some(io::ErrorKind::ConnectionRefused) {
        Kind::ConnectionRefused
    } else if says("end of file before message length reached") {
        Kind::TruncatedResponse
    } else if says("invalid HTTP") || says("invalid URI") || says("message head is too large") {
        Kind::MalformedResponse
    } else if matches!(
        io_kind,
        Some(
            io::ErrorKind::ConnectionReset
                | io::ErrorKind::ConnectionAborted
                | io::ErrorKind::BrokenPipe
        )
    ) || says("connection closed before message completed")
    {
        Kind::ConnectionReset
    } else if error.is_builder() {
        Kind::InvalidRequest
    } else {
        Kind::Io
    };
    TransportError::new(kind, message)
}
