//! Sending a request and reading what comes back.
//!
//! Two transports: [`wire`] sends the captured bytes exactly (a missing or wrong Content-Length
//! must reach the server as the developer sent it, which hyper cannot do), and [`client`] sends a
//! corrected request through reqwest, the way a well-behaved client would, to confirm a fix.

pub mod client;
pub mod proxy_env;
pub mod response_parser;
mod tls;
pub mod wire;

pub use tls::install_crypto_provider;

use std::time::Duration;

/// Why no (complete) response came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TransportErrorKind {
    /// The host name did not resolve.
    Dns,
    /// Nothing listens, or the connection was refused.
    ConnectionRefused,
    /// Connecting took longer than the timeout.
    ConnectTimeout,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// The proxy refused the CONNECT tunnel.
    Proxy,
    /// The server reset or closed the connection before a complete response.
    ConnectionReset,
    /// No complete response within the timeout.
    Timeout,
    /// The server sent something that is not HTTP.
    MalformedResponse,
    /// The response ended before the length it announced.
    TruncatedResponse,
    /// The request cannot be expressed by this transport (a header name or value, method or URL
    /// that the HTTP library refuses); nothing was sent.
    InvalidRequest,
    /// Anything else from the operating system.
    Io,
}

/// A failure to get a response, with the OS or library message.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, thiserror::Error)]
#[error("{kind:?}: {message}")]
pub struct TransportError {
    pub kind: TransportErrorKind,
    pub message: String,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// How a replay is sent.
#[derive(Debug, Clone)]
pub struct ReplayOptions {
    /// The limit for the whole exchange, connect to last byte.
    pub timeout: Duration,
    /// Accept any certificate (recorded in the bundle).
    pub insecure: bool,
    /// An HTTP proxy to tunnel through with CONNECT (from `HTTPS_PROXY`/`HTTP_PROXY`), if any.
    pub proxy: Option<upwork_diag_core::request::RawUrl>,
    /// Responses bigger than this are cut (and the cut recorded); protects memory.
    pub max_body_bytes: usize,
    /// The HTTP client of the corrected replay, built by its first send and shared by every send
    /// made with these options (clones of them included).
    pub clients: client::SharedClient,
}

impl Default for ReplayOptions {
    fn default() -> Self {
        ReplayOptions {
            timeout: Duration::from_secs(30),
            insecure: false,
            proxy: None,
            max_body_bytes: 16 * 1024 * 1024,
            clients: client::SharedClient::default(),
        }
    }
}
