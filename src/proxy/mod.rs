//! `upwork-diag proxy`: an HTTP proxy an unmodified app is pointed at (`HTTPS_PROXY`), that opens
//! the tunnels to Upwork's hosts with a certificate of its local CA ([`ca`]), records and checks
//! every Upwork call as it passes ([`record`]), and passes every other host through untouched.
//!
//! A CONNECT to one of Upwork's hosts is answered `200`, then TLS with a certificate for that host;
//! the requests read inside go on, byte for byte, to the upstream ([`upstream`]: the built-in
//! emulator, or Upwork), and the answer comes back byte for byte before it is diagnosed. A CONNECT
//! to any other host is a plain tunnel. A request in absolute form (`GET http://host/...`, what
//! `HTTP_PROXY` makes) to another host is sent on as it came, in origin form.

pub mod ca;
pub mod record;
pub mod upstream;
pub mod wire;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use ca::LocalCa;
use record::Session;
use upstream::Upstream;
use upwork_diag_core::redact::boundary;
use upwork_diag_core::upwork::hosts::is_upwork_host;

/// How the proxy runs.
pub struct ProxyConfig {
    pub ca: Arc<LocalCa>,
    pub upstream: Upstream,
    pub session: Arc<Session>,
    /// The longest the upstream may take to answer one call.
    pub upstream_timeout: Duration,
    /// How long a client connection may stay idle between requests.
    pub idle: Duration,
}

/// Accepts clients on `listener` until `shutdown` completes; each client is served on its own
/// task, so one that stalls or fails holds no other.
pub async fn serve_until<F>(listener: TcpListener, config: ProxyConfig, shutdown: F)
where
    F: std::future::Future<Output = ()>,
{
    let config = Arc::new(config);
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        match accepted {
            Ok((stream, _)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(client(stream, Arc::clone(&config)));
            }
            Err(e) => {
                boundary::print_stderr(&format!("proxy: accept: {e}"));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

/// One client connection.
async fn client(mut stream: TcpStream, config: Arc<ProxyConfig>) {
    let mut buf = Vec::new();
    let request = match wire::read_request(&mut stream, &mut buf, config.idle).await {
        Ok(Some(request)) => request,
        Ok(None) => return,
        Err(e) => {
            let _ = reply(&mut stream, 400, &format!("upwork-diag proxy: {e}\n")).await;
            return;
        }
    };
    if request.head.method.eq_ignore_ascii_case("CONNECT") {
        let Some((host, port)) = split_authority(&request.head.target) else {
            let _ = reply(
                &mut stream,
                400,
                "upwork-diag proxy: CONNECT needs HOST:PORT\n",
            )
            .await;
            return;
        };
        if is_upwork_host(&host) {
            intercept(stream, host, config).await;
        } else {
            tunnel(stream, &host, port).await;
        }
        return;
    }
    passthrough(stream, request, buf).await;
}

/// `host:port` of a CONNECT, IPv6 brackets removed.
fn split_authority(target: &str) -> Option<(String, u16)> {
    let (host, port) = target.rsplit_once(':')?;
    let port = port.parse().ok()?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    (!host.is_empty()).then(|| (host.to_ascii_lowercase(), port))
}

/// The answer to a CONNECT that is taken: the client's bytes flow through from here on.
async fn established(stream: &mut TcpStream) -> std::io::Result<()> {
    stream
        .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
        .await
}

/// A short answer of the proxy's own.
async fn reply<S: AsyncWrite + Unpin>(
    stream: &mut S,
    status: u16,
    text: &str,
) -> std::io::Result<()> {
    let reason = match status {
        400 => "Bad Request",
        502 => "Bad Gateway",
        504 => "Gateway Timeout",
        _ => "Error",
    };
    let answer = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\nX-Upwork-Diag-Proxy: 1\r\n\r\n{text}",
        text.len()
    );
    stream.write_all(answer.as_bytes()).await?;
    stream.flush().await
}

/// A CONNECT to another host: a plain tunnel, nothing read or kept.
async fn tunnel(mut stream: TcpStream, host: &str, port: u16) {
    let connected =
        tokio::time::timeout(Duration::from_secs(10), TcpStream::connect((host, port))).await;
    let mut remote = match connected {
        Ok(Ok(remote)) => remote,
        Ok(Err(e)) => {
            let _ = reply(
                &mut stream,
                502,
                &format!("cannot reach {host}:{port}: {e}\n"),
            )
            .await;
            return;
        }
        Err(_) => {
            let _ = reply(&mut stream, 504, &format!("{host}:{port} did not answer\n")).await;
            return;
        }
    };
    if established(&mut stream).await.is_err() {
        return;
    }
    let _ = tokio::io::copy_bidirectional(&mut stream, &mut remote).await;
}

/// A plain-HTTP request in absolute form to another host: sent on in origin form, the answer
/// relayed, the connection then closed. Upwork is only reached over https, so a plain-HTTP call
/// to its hosts is refused here rather than sent in the clear.
async fn passthrough(mut stream: TcpStream, request: wire::RawRequest, rest: Vec<u8>) {
    let Ok(url) = url::Url::parse(&request.head.target) else {
        let _ = reply(
            &mut stream,
            400,
            "upwork-diag proxy: a proxy request needs an absolute URL (http://host/path)\n",
        )
        .await;
        return;
    };
    let host = url.host_str().unwrap_or_default().to_string();
    if url.scheme() != "http" || host.is_empty() {
        let _ = reply(
            &mut stream,
            400,
            "upwork-diag proxy: only http:// URLs are proxied without CONNECT\n",
        )
        .await;
        return;
    }
    if is_upwork_host(&host) {
        let _ = reply(&mut stream, 400, "upwork-diag proxy: Upwork is reached over https only; a plain-http call would be refused there too\n").await;
        return;
    }
    let port = url.port_or_known_default().unwrap_or(80);
    let mut target = url.path().to_string();
    if let Some(query) = url.query() {
        target = format!("{target}?{query}");
    }
    let line_end = request
        .bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .unwrap_or(0);
    let mut bytes = format!("{} {target} HTTP/1.1", request.head.method).into_bytes();
    bytes.extend_from_slice(&request.bytes[line_end..]);
    bytes.extend_from_slice(&rest);
    let mut remote = match TcpStream::connect((host.as_str(), port)).await {
        Ok(remote) => remote,
        Err(e) => {
            let _ = reply(
                &mut stream,
                502,
                &format!("cannot reach {host}:{port}: {e}\n"),
            )
            .await;
            return;
        }
    };
    if remote.write_all(&bytes).await.is_err() {
        return;
    }
    match wire::read_response(&mut remote, &request.head.method).await {
        Ok((answer, _)) => {
            let _ = stream.write_all(&answer).await;
        }
        Err(e) => {
            let _ = reply(&mut stream, 502, &format!("{host}:{port}: {}\n", e.message)).await;
        }
    }
}

/// A CONNECT to one of Upwork's hosts: TLS with the local CA's certificate for it, then each
/// request inside sent to the upstream and recorded.
async fn intercept(mut stream: TcpStream, host: String, config: Arc<ProxyConfig>) {
    let certified = match config.ca.certified_key(&host) {
        Ok(certified) => certified,
        Err(e) => {
            let _ = reply(&mut stream, 502, &format!("upwork-diag proxy: {e}\n")).await;
            return;
        }
    };
    if established(&mut stream).await.is_err() {
        return;
    }
    let mut tls_config = match rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    {
        Ok(builder) => builder
            .with_no_client_auth()
            .with_cert_resolver(Arc::new(OneCertificate(certified))),
        Err(_) => return,
    };
    tls_config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(tls_config));
    let mut tls = match acceptor.accept(stream).await {
        Ok(tls) => tls,
        Err(e) => {
            boundary::print_stderr(&handshake_failure(&host, &e, &config.ca));
            return;
        }
    };
    serve_calls(&mut tls, &host, &config).await;
}

/// The certificate of the host a tunnel was opened to, whatever name the client sends.
#[derive(Debug)]
struct OneCertificate(Arc<rustls::sign::CertifiedKey>);

impl rustls::server::ResolvesServerCert for OneCertificate {
    fn resolve(
        &self,
        _hello: rustls::server::ClientHello<'_>,
    ) -> Option<Arc<rustls::sign::CertifiedKey>> {
        Some(Arc::clone(&self.0))
    }
}

/// The line for a client whose TLS handshake failed: most often it does not trust the local CA.
fn handshake_failure(host: &str, error: &std::io::Error, ca: &LocalCa) -> String {
    let text = error.to_string();
    let distrust = [
        "UnknownCA",
        "BadCertificate",
        "CertificateUnknown",
        "DecryptError",
    ]
    .iter()
    .any(|alert| text.contains(alert));
    if distrust {
        let path = ca.cert_path.display();
        format!(
            "proxy: a client refused the certificate for {host} ({text}): it does not trust the proxy's CA; \
             give it the CA file: export SSL_CERT_FILE={path} REQUESTS_CA_BUNDLE={path} (Python), \
             NODE_EXTRA_CA_CERTS={path} (Node)"
        )
    } else {
        format!("proxy: TLS with a client for {host} failed: {text}")
    }
}

/// The requests a client sends inside its tunnel to `host`.
async fn serve_calls<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
    config: &ProxyConfig,
) {
    let mut buf = Vec::new();
    let mut upstream_connection = None;
    loop {
        let request = match wire::read_request(stream, &mut buf, config.idle).await {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(e) => {
                let _ = reply(stream, 400, &format!("upwork-diag proxy: {e}\n")).await;
                return;
            }
        };
        let method = request.head.method.clone();
        let answer = config
            .upstream
            .send(
                host,
                &method,
                &request.bytes,
                config.upstream_timeout,
                &mut upstream_connection,
            )
            .await;
        match answer {
            Ok((bytes, response)) => {
                if stream.write_all(&bytes).await.is_err() || stream.flush().await.is_err() {
                    return;
                }
                let closes = request.head.closes
                    || response
                        .header("connection")
                        .is_some_and(|v| v.to_ascii_lowercase().contains("close"));
                // Diagnosed on its own task: the app's next call on this connection does not
                // wait for the diagnosis of this one.
                let session = Arc::clone(&config.session);
                let host = host.to_string();
                tokio::spawn(async move { session.record(&host, &request.bytes, response).await });
                if closes {
                    break;
                }
            }
            Err(e) => {
                let path = request.head.target.clone();
                let (status, why) = match e.kind {
                    upwork_diag_diagnose::replay::TransportErrorKind::Timeout => {
                        (504, e.message.clone())
                    }
                    _ => (502, e.message.clone()),
                };
                config.session.unanswered(&method, &path, &why);
                let _ = reply(
                    stream,
                    status,
                    &format!(
                        "upwork-diag proxy: the upstream ({}) gave no answer: {why}\n",
                        config.upstream.name()
                    ),
                )
                .await;
                break;
            }
        }
    }
    let _ = stream.shutdown().await;
}

/// Binds the proxy's address: an error names it (a port in use).
pub async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    TcpListener::bind(addr).await
}
