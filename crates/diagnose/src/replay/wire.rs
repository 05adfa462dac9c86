//! Byte-exact HTTP/1.1 transport.
//!
//! Sends the captured request as it was made, with no header added but `Host` (only when the
//! capture lacks one) and none corrected: a POST without Content-Length or with a wrong one
//! reaches the server that way, which is how a `411 Length Required` is reproduced.

use std::io;
use std::net::SocketAddr;
use std::time::Duration;

use base64::Engine as _;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{Instant, timeout_at};

use super::response_parser::{ParseState, parse_head, parse_response};
use super::{ReplayOptions, TransportError, TransportErrorKind};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl};

/// The headers exactly as they go on the wire: `Host` first when the capture has none, then the
/// captured headers in their order and case.
pub fn headers_on_wire(request: &CapturedRequest) -> Vec<Header> {
    let mut headers = Vec::with_capacity(request.headers.len() + 1);
    if request.header("host").is_none() {
        headers.push(Header::new("Host", request.url.host_port()));
    }
    headers.extend(request.headers.iter().cloned());
    headers
}

/// The request as bytes: `METHOD target HTTP/1.1`, the [`headers_on_wire`], a blank line and
/// the body. Content-Length and Transfer-Encoding are left exactly as captured.
pub fn request_bytes(request: &CapturedRequest) -> Vec<u8> {
    let mut out = Vec::with_capacity(256 + request.body.len());
    out.extend_from_slice(request.method.as_bytes());
    out.push(b' ');
    out.extend_from_slice(request.url.target().as_bytes());
    out.extend_from_slice(b" HTTP/1.1\r\n");
    for header in headers_on_wire(request) {
        out.extend_from_slice(header.name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(header.value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(&request.body);
    out
}

/// Sends [`request_bytes`] to the captured URL's host (through `options.proxy` with CONNECT when
/// set, TLS for https) and reads the response.
///
/// The whole exchange, lookup to last byte, is bounded by `options.timeout`. A server that
/// answers before reading the body (a 411) is still heard: writing and reading run together,
/// and a failed write does not hide a response that arrived.
///
/// # Errors
///
/// - [`TransportErrorKind::Dns`]: the host did not resolve (or not in time).
/// - [`TransportErrorKind::ConnectionRefused`]: nothing listens on the port.
/// - [`TransportErrorKind::ConnectTimeout`]: the TCP connection, the proxy tunnel or the TLS
///   handshake did not complete in time.
/// - [`TransportErrorKind::Proxy`]: the proxy could not be reached or refused the tunnel.
/// - [`TransportErrorKind::Tls`]: the handshake failed; the message is rustls'.
/// - [`TransportErrorKind::Timeout`]: connected, but no complete response in time (a server
///   waiting for body bytes that a too-large Content-Length promised ends here).
/// - [`TransportErrorKind::ConnectionReset`]: reset, or closed before the response head ended.
/// - [`TransportErrorKind::TruncatedResponse`]: closed before the announced body length.
/// - [`TransportErrorKind::MalformedResponse`]: what came back is not HTTP/1.x.
/// - [`TransportErrorKind::Io`]: any other socket error.
pub async fn send(
    request: &CapturedRequest,
    options: &ReplayOptions,
) -> Result<CapturedResponse, TransportError> {
    let deadline = Instant::now() + options.timeout;
    let url = &request.url;
    let tcp = match &options.proxy {
        Some(proxy) => connect_via_proxy(proxy, url, deadline, options.timeout).await?,
        None => connect(url.host(), url.port(), deadline, options.timeout).await?,
    };
    let bytes = request_bytes(request);
    // Methods are case-sensitive: only `HEAD` gets a body-less answer.
    let is_head = request.method == "HEAD";
    if url.is_https() {
        let tls = handshake(tcp, url.host(), options, deadline).await?;
        exchange(tls, &bytes, is_head, options, deadline).await
    } else {
        exchange(tcp, &bytes, is_head, options, deadline).await
    }
}

/// The host as the resolver and TLS want it: an IPv6 literal without its brackets.
fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

fn millis(duration: Duration) -> String {
    format!("{} ms", duration.as_millis())
}

/// Resolves `host` and connects to its addresses in turn.
async fn connect(
    host: &str,
    port: u16,
    deadline: Instant,
    limit: Duration,
) -> Result<TcpStream, TransportError> {
    let name = bare_host(host);
    let addrs: Vec<SocketAddr> =
        match timeout_at(deadline, tokio::net::lookup_host((name, port))).await {
            Err(_) => {
                return Err(TransportError::new(
                    TransportErrorKind::Dns,
                    format!("looking up {name} did not finish within {}", millis(limit)),
                ));
            }
            Ok(Err(e)) => {
                return Err(TransportError::new(
                    TransportErrorKind::Dns,
                    format!("cannot resolve {name}: {e}"),
                ));
            }
            Ok(Ok(addrs)) => addrs.collect(),
        };
    if addrs.is_empty() {
        return Err(TransportError::new(
            TransportErrorKind::Dns,
            format!("{name} resolved to no address"),
        ));
    }
    let mut last_error = None;
    for addr in &addrs {
        match timeout_at(deadline, TcpStream::connect(addr)).await {
            Err(_) => {
                return Err(TransportError::new(
                    TransportErrorKind::ConnectTimeout,
                    format!(
                        "connecting to {addr} ({name}) did not finish within {}",
                        millis(limit)
                    ),
                ));
            }
            Ok(Ok(stream)) => {
                // The request is written in one go; waiting to coalesce would only add latency.
                let _ = stream.set_nodelay(true);
                return Ok(stream);
            }
            Ok(Err(e)) => last_error = Some((addr, e)),
        }
    }
    let (addr, error) = last_error.expect("at least one address was tried");
    let kind = match error.kind() {
        io::ErrorKind::ConnectionRefused => TransportErrorKind::ConnectionRefused,
        io::ErrorKind::TimedOut => TransportErrorKind::ConnectTimeout,
        _ => TransportErrorKind::Io,
    };
    Err(TransportError::new(
        kind,
        format!("cannot connect to {addr} ({name}): {error}"),
    ))
}

/// Connects to the proxy and opens a CONNECT tunnel to the target's host and port.
///
/// The tunnel is used for http targets too, so the request line stays as captured (origin-form)
/// instead of the absolute-form a forwarding proxy would need.
async fn connect_via_proxy(
    proxy: &RawUrl,
    target: &RawUrl,
    deadline: Instant,
    limit: Duration,
) -> Result<TcpStream, TransportError> {
    let mut stream = connect(proxy.host(), proxy.port(), deadline, limit)
        .await
        .map_err(|e| match e.kind {
            TransportErrorKind::ConnectTimeout => e,
            _ => TransportError::new(
                TransportErrorKind::Proxy,
                format!(
                    "cannot reach the proxy {}: {}",
                    proxy.host_port(),
                    e.message
                ),
            ),
        })?;
    let authority = format!("{}:{}", target.host(), target.port());
    let mut connect = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n");
    if let Some(userinfo) = proxy.userinfo() {
        let decoded: Vec<u8> = percent_encoding::percent_decode_str(userinfo).collect();
        let credentials = base64::engine::general_purpose::STANDARD.encode(decoded);
        connect.push_str(&format!("Proxy-Authorization: Basic {credentials}\r\n"));
    }
    connect.push_str("\r\n");

    let tunnel = async {
        stream.write_all(connect.as_bytes()).await?;
        // Byte by byte, so that nothing after the proxy's answer is taken from the tunnel.
        let mut head = Vec::with_capacity(256);
        loop {
            let mut byte = [0u8; 1];
            if stream.read(&mut byte).await? == 0 {
                return Ok::<_, io::Error>(Err(head));
            }
            head.push(byte[0]);
            if head.ends_with(b"\r\n\r\n") || head.len() > super::response_parser::MAX_HEAD_BYTES {
                return Ok(Ok(head));
            }
        }
    };
    let refused = |message: String| TransportError::new(TransportErrorKind::Proxy, message);
    let head = match timeout_at(deadline, tunnel).await {
        Err(_) => {
            return Err(TransportError::new(
                TransportErrorKind::ConnectTimeout,
                format!(
                    "the proxy {} did not open a tunnel to {authority} within {}",
                    proxy.host_port(),
                    millis(limit)
                ),
            ));
        }
        Ok(Err(e)) => {
            return Err(refused(format!(
                "the proxy {} failed during CONNECT {authority}: {e}",
                proxy.host_port()
            )));
        }
        Ok(Ok(Err(_))) => {
            return Err(refused(format!(
                "the proxy {} closed the connection during CONNECT {authority}",
                proxy.host_port()
            )));
        }
        Ok(Ok(Ok(head))) => head,
    };
    match parse_head(&head) {
        Ok(Some(answer)) if (200..300).contains(&answer.status) => Ok(stream),
        Ok(Some(answer)) => Err(refused(format!(
            "the proxy {} refused CONNECT {authority}: {} {}",
            proxy.host_port(),
            answer.status,
            answer.reason
        ))),
        Ok(None) | Err(_) => Err(refused(format!(
            "the proxy {} gave no valid answer to CONNECT {authority}",
            proxy.host_port()
        ))),
    }
}

/// The TLS handshake, with SNI from the URL's host (none for an IP literal, as TLS requires).
async fn handshake(
    tcp: TcpStream,
    host: &str,
    options: &ReplayOptions,
    deadline: Instant,
) -> Result<tokio_rustls::client::TlsStream<TcpStream>, TransportError> {
    let tls_error = |message: String| TransportError::new(TransportErrorKind::Tls, message);
    let config = super::tls::wire_client_config(options.insecure).map_err(tls_error)?;
    let name = bare_host(host);
    let server_name = rustls::pki_types::ServerName::try_from(name.to_string())
        .map_err(|e| tls_error(format!("'{name}' cannot be used as a TLS server name: {e}")))?;
    let connector = tokio_rustls::TlsConnector::from(config);
    match timeout_at(deadline, connector.connect(server_name, tcp)).await {
        Err(_) => Err(TransportError::new(
            TransportErrorKind::ConnectTimeout,
            format!(
                "the TLS handshake with {name} did not finish within {}",
                millis(options.timeout)
            ),
        )),
        Ok(Err(e)) => Err(tls_error(format!(
            "TLS handshake with {name} failed: {}",
            tls_message(&e)
        ))),
        Ok(Ok(stream)) => Ok(stream),
    }
}

/// The rustls error wrapped in an I/O error, however deep.
fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    let inner = error.get_ref()?;
    match inner.downcast_ref::<io::Error>() {
        Some(nested) => rustls_error(nested),
        None => inner.downcast_ref::<rustls::Error>(),
    }
}

/// The rustls error inside an I/O error when there is one, else the I/O error itself.
fn tls_message(error: &io::Error) -> String {
    match rustls_error(error) {
        Some(rustls_error) => rustls_error.to_string(),
        None if error.kind() == io::ErrorKind::UnexpectedEof => {
            "the server closed the connection during the handshake (is the URL really https?)"
                .to_string()
        }
        None => error.to_string(),
    }
}

/// Writes the request and reads the response at the same time, until the response is complete,
/// the connection fails or the deadline passes.
async fn exchange<S>(
    stream: S,
    bytes: &[u8],
    is_head: bool,
    options: &ReplayOptions,
    deadline: Instant,
) -> Result<CapturedResponse, TransportError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let started = Instant::now();
    let (mut reader, mut writer) = tokio::io::split(stream);
    let mut received = Vec::with_capacity(16 * 1024);
    let mut write_error: Option<io::Error> = None;
    let outcome = {
        let write = async {
            writer.write_all(bytes).await?;
            writer.flush().await
        };
        let read = read_response(&mut reader, &mut received, is_head, options.max_body_bytes);
        tokio::pin!(write, read);
        let both = async {
            let mut writing = true;
            loop {
                tokio::select! {
                    result = &mut write, if writing => {
                        writing = false;
                        // A server that answers early may close before taking the whole body;
                        // its answer is still to be read.
                        if let Err(e) = result {
                            write_error = Some(e);
                        }
                    }
                    result = &mut read => break result,
                }
            }
        };
        timeout_at(deadline, both).await
    };
    let elapsed = started.elapsed();
    let written = match &write_error {
        Some(e) => format!("; sending the request failed: {e}"),
        None => String::new(),
    };
    match outcome {
        Err(_) => Err(TransportError::new(
            TransportErrorKind::Timeout,
            format!(
                "no complete response within {} ({} bytes of response received{written})",
                millis(options.timeout),
                received.len()
            ),
        )),
        Ok(Err(mut error)) => {
            error.message.push_str(&written);
            Err(error)
        }
        Ok(Ok(response)) => Ok(CapturedResponse {
            elapsed,
            ..response
        }),
    }
}

/// Reads into `received` until [`parse_response`] has a whole response.
async fn read_response<R: AsyncRead + Unpin>(
    reader: &mut R,
    received: &mut Vec<u8>,
    is_head: bool,
    max_body: usize,
) -> Result<CapturedResponse, TransportError> {
    let mut chunk = vec![0u8; 16 * 1024];
    loop {
        let n = match reader.read(&mut chunk).await {
            Ok(n) => n,
            // rustls reports a close without close_notify this way; many servers do that, and
            // for a body that runs until close it is the normal end.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => 0,
            Err(e) => return Err(read_error(&e, received.len())),
        };
        received.extend_from_slice(&chunk[..n]);
        let eof = n == 0;
        match parse_response(received, is_head, eof, max_body)? {
            ParseState::Complete(response) => return Ok(response),
            ParseState::Incomplete if eof => {
                // The parser promises an answer at end of input; this guards the loop anyway.
                return Err(TransportError::new(
                    TransportErrorKind::ConnectionReset,
                    "the connection closed before the response was complete",
                ));
            }
            ParseState::Incomplete => {}
        }
    }
}

fn read_error(error: &io::Error, received: usize) -> TransportError {
    let after = format!("after {received} bytes of response");
    match error.kind() {
        io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::BrokenPipe => TransportError::new(
            TransportErrorKind::ConnectionReset,
            format!("the connection was reset {after}: {error}"),
        ),
        _ if rustls_error(error).is_some() => TransportError::new(
            TransportErrorKind::Tls,
            format!("TLS failed {after}: {}", tls_message(error)),
        ),
        _ => TransportError::new(
            TransportErrorKind::Io,
            format!("reading the response failed {after}: {error}"),
        ),
    }
}
