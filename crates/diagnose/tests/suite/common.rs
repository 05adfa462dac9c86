//! What the diagnosis layer's tests share.

use std::sync::Arc;

/// A TLS server configuration with the fixtures' self-signed certificate for `localhost`, which
/// no trust store knows.
pub fn self_signed_localhost_config() -> rustls::ServerConfig {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let cert = include_bytes!("../../../../fixtures/tls/self-signed-localhost.cert.der");
    let key = include_bytes!("../../../../fixtures/tls/self-signed-localhost.key.der");
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert.to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.to_vec())),
        )
        .unwrap()
}
