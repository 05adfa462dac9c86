//! TLS settings shared by both transports: the `ring` crypto provider, the platform's certificate
//! verification, and the verifier that `--insecure` swaps in.

use std::sync::{Arc, OnceLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, SignatureScheme};

/// Installs rustls' `ring` provider as the process default, once; later calls do nothing.
///
/// reqwest is built without a provider of its own and panics when it builds a client with none
/// installed, so anything that builds a reqwest client (the corrected replay, tests, the CLI)
/// calls this first. When another provider is already installed it is kept.
pub fn install_crypto_provider() {
    static INSTALLED: OnceLock<()> = OnceLock::new();
    INSTALLED.get_or_init(|| {
        // An error only means a provider is already installed, which is all we need.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

fn ring_provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The client configuration of the byte-exact transport: ring, HTTP/1.1 offered by ALPN (it
/// speaks nothing else), certificates checked by the platform verifier unless `insecure`.
///
/// Built once per kind and shared. Building it reads no certificate: the platform's roots are
/// loaded by the first handshake that needs them ([`LazyPlatformVerifier`]).
pub(crate) fn wire_client_config(insecure: bool) -> Result<Arc<ClientConfig>, String> {
    static VERIFIED: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    static INSECURE: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    let cell = if insecure { &INSECURE } else { &VERIFIED };
    cell.get_or_init(|| build_config(insecure, &[b"http/1.1"]).map(Arc::new))
        .clone()
}

/// The client configuration of the corrected replay (reqwest): the same provider and verifier as
/// [`wire_client_config`], HTTP/2 and HTTP/1.1 offered by ALPN as reqwest's own configuration
/// does. Cheap: an `http://` call never reads the certificate store.
pub(crate) fn reqwest_client_config(insecure: bool) -> Result<ClientConfig, String> {
    build_config(insecure, &[b"h2", b"http/1.1"])
}

fn build_config(insecure: bool, alpn: &[&[u8]]) -> Result<ClientConfig, String> {
    let provider = ring_provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous();
    let verifier: Arc<dyn ServerCertVerifier> = if insecure {
        Arc::new(AcceptAnyCertificate { provider })
    } else {
        Arc::new(LazyPlatformVerifier { provider })
    };
    let mut config = builder
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

/// The platform's verifier, built by the first certificate it is asked to check and then kept
/// for the process. Building it reads the whole system store (on Linux, every file of
/// `/etc/ssl/certs`, or `SSL_CERT_FILE`/`SSL_CERT_DIR`): a few milliseconds that a call to
/// `http://` must not pay, and a failure (an empty or unreadable store) that must not fail it.
#[derive(Debug)]
struct LazyPlatformVerifier {
    provider: Arc<CryptoProvider>,
}

impl LazyPlatformVerifier {
    fn platform(&self) -> Result<&'static rustls_platform_verifier::Verifier, rustls::Error> {
        static PLATFORM: OnceLock<Result<rustls_platform_verifier::Verifier, String>> =
            OnceLock::new();
        PLATFORM
            .get_or_init(|| {
                rustls_platform_verifier::Verifier::new(self.provider.clone())
                    .map_err(|e| format!("cannot load the platform's certificate verifier: {e}"))
            })
            .as_ref()
            .map_err(|message| rustls::Error::General(message.clone()))
    }
}

impl ServerCertVerifier for LazyPlatformVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.platform()?.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        )
    }

    // The handshake signatures are checked with the provider's algorithms, as the platform
    // verifier does on Linux, without its roots: they come after the certificate anyway.
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// Accepts any certificate and any handshake signature: `--insecure`, for intercepting proxies
/// and self-signed test servers. The bundle records that it was used.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
