//! Where an Upwork call goes on to: the built-in emulator, or Upwork itself (or the stand-in a test
//! names), the request's bytes unchanged either way.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::wire;
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_diagnose::replay::{TransportError, TransportErrorKind};

/// The upstream of Upwork's hosts.
#[derive(Clone)]
pub enum Upstream {
    /// The emulator listening here, over plain HTTP.
    Emulator(SocketAddr),
    /// Upwork over TLS: to the host the client asked for on port 443, or to `address` when set
    /// (then its name is the one the certificate is checked against).
    Upwork {
        address: Option<String>,
        tls: Arc<rustls::ClientConfig>,
    },
}

impl Upstream {
    /// A word for the report and the live lines.
    pub fn name(&self) -> &'static str {
        match self {
            Upstream::Emulator(_) => "emulator",
            Upstream::Upwork { .. } => "upwork",
        }
    }

    /// Sends `request` (bytes as the client sent them) for `host` and reads the whole answer,
    /// on the connection `kept` from the client's previous call when there is one (a fresh
    /// connection per call would cost more than the rest of the proxy), else on a new one, which
    /// is then kept unless the answer closes it.
    pub async fn send(
        &self,
        host: &str,
        method: &str,
        request: &[u8],
        timeout: Duration,
        kept: &mut Option<Box<dyn Connection>>,
    ) -> Result<(Vec<u8>, CapturedResponse), TransportError> {
        let started = std::time::Instant::now();
        let exchange = async {
            if let Some(mut connection) = kept.take() {
                match exchange(&mut connection, method, request).await {
                    Ok(answer) => return Ok((answer, connection)),
                    // The upstream closed the idle connection: a call it cannot have acted on
                    // (nothing came back) is sent again on a new one, as clients do, but only
                    // when sending it twice would change nothing.
                    Err(_) if idempotent(method) => {}
                    Err(e) => return Err(e),
                }
            }
            let mut connection = self.open(host).await?;
            exchange(&mut connection, method, request)
                .await
                .map(|answer| (answer, connection))
        };
        let ((bytes, mut response), connection) = tokio::time::timeout(timeout, exchange)
            .await
            .map_err(|_| {
            TransportError::new(
                TransportErrorKind::Timeout,
                format!(
                    "no whole answer within {} s (--upstream-timeout)",
                    timeout.as_secs_f64()
                ),
            )
        })??;
        let closes = response.version.eq_ignore_ascii_case("HTTP/1.0")
            || response
                .header("connection")
                .is_some_and(|v| v.to_ascii_lowercase().contains("close"));
        if !closes {
            *kept = Some(connection);
        }
        response.elapsed = started.elapsed();
        Ok((bytes, response))
    }

    /// A new connection to the upstream of `host`.
    async fn open(&self, host: &str) -> Result<Box<dyn Connection>, TransportError> {
        match self {
            Upstream::Emulator(addr) => Ok(Box::new(connect(&addr.to_string()).await?)),
            Upstream::Upwork { address, tls } => {
                let target = address.clone().unwrap_or_else(|| format!("{host}:443"));
                let name = address
                    .as_deref()
                    .map(|a| a.rsplit_once(':').map_or(a, |(h, _)| h))
                    .unwrap_or(host)
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_string();
                let server_name = ServerName::try_from(name.clone()).map_err(|_| {
                    TransportError::new(
                        TransportErrorKind::InvalidRequest,
                        format!("{name} is not a host name"),
                    )
                })?;
                let stream = connect(&target).await?;
                let stream = tokio_rustls::TlsConnector::from(Arc::clone(tls))
                    .connect(server_name, stream)
                    .await
                    .map_err(|e| {
                        TransportError::new(
                            TransportErrorKind::Tls,
                            format!("TLS with {target}: {e}"),
                        )
                    })?;
                Ok(Box::new(stream))
            }
        }
    }
}

/// A connection to the upstream, plain or TLS.
pub trait Connection: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}

impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Connection for T {}

/// Methods whose repetition changes nothing (RFC 9110 section 9.2.2).
fn idempotent(method: &str) -> bool {
    ["GET", "HEAD", "PUT", "DELETE", "OPTIONS", "TRACE"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

async fn connect(target: &str) -> Result<TcpStream, TransportError> {
    let stream = TcpStream::connect(target).await.map_err(|e| {
        let kind = if e.kind() == std::io::ErrorKind::ConnectionRefused {
            TransportErrorKind::ConnectionRefused
        } else {
            TransportErrorKind::Io
        };
        TransportError::new(kind, format!("cannot connect to {target}: {e}"))
    })?;
    let _ = stream.set_nodelay(true);
    Ok(stream)
}

async fn exchange<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: &mut S,
    method: &str,
    request: &[u8],
) -> Result<(Vec<u8>, CapturedResponse), TransportError> {
    stream.write_all(request).await.map_err(|e| {
        TransportError::new(TransportErrorKind::ConnectionReset, format!("sending: {e}"))
    })?;
    stream.flush().await.map_err(|e| {
        TransportError::new(TransportErrorKind::ConnectionReset, format!("sending: {e}"))
    })?;
    wire::read_response(stream, method).await
}

/// The TLS settings for Upwork: the platform's verifier, or only the CA in `ca_file` (PEM or DER)
/// when given (a test's stand-in for Upwork).
pub fn upwork_tls(ca_file: Option<&std::path::Path>) -> Result<Arc<rustls::ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?;
    let mut config = match ca_file {
        Some(path) => {
            use rustls::pki_types::CertificateDer;
            use rustls::pki_types::pem::PemObject;
            let bytes = std::fs::read(path)
                .map_err(|e| format!("--upstream-ca {}: {e}", path.display()))?;
            let certs: Vec<CertificateDer<'static>> = if bytes.starts_with(b"-----") {
                CertificateDer::pem_slice_iter(&bytes)
                    .collect::<Result<_, _>>()
                    .map_err(|e| format!("--upstream-ca {}: {e}", path.display()))?
            } else {
                vec![CertificateDer::from(bytes)]
            };
            let mut roots = rustls::RootCertStore::empty();
            for cert in certs {
                roots.add(cert).map_err(|e| {
                    format!(
                        "--upstream-ca {}: not a CA certificate ({e})",
                        path.display()
                    )
                })?;
            }
            if roots.is_empty() {
                return Err(format!(
                    "--upstream-ca {}: no certificate in it",
                    path.display()
                ));
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        None => {
            let verifier = rustls_platform_verifier::Verifier::new(provider)
                .map_err(|e| format!("cannot load the platform's certificate verifier: {e}"))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(verifier))
                .with_no_client_auth()
        }
    };
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
