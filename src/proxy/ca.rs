//! The proxy's local certificate authority: made on first use, kept in the user's config directory
//! (`ca.pem`, the certificate to trust; `ca-key.pem`, its private key, mode 0600), and used to sign
//! a certificate for each Upwork host a client opens a tunnel to.
//!
//! Both files are written under a temporary name and renamed into place, the key first and the
//! certificate last: a directory holding `ca.pem` holds a whole CA, and a run stopped halfway leaves
//! nothing that a later run would take for one.

use std::collections::HashMap;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The certificate file clients are told to trust.
pub const CERT_FILE: &str = "ca.pem";
/// The CA's private key (0600).
pub const KEY_FILE: &str = "ca-key.pem";

/// Why the CA could not be made or read.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
    #[error(
        "the proxy's CA directory {path}: {source} (choose a writable one with --ca-dir or UPWORK_DIAG_CA_DIR)"
    )]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the proxy's CA in {path} is unreadable ({why}): remove {path} to make a new one")]
    Damaged { path: PathBuf, why: String },
    #[error("cannot make a certificate: {0}")]
    Generate(String),
}

/// The default directory: `$XDG_CONFIG_HOME/upwork-diag/proxy-ca`, else
/// `$HOME/.config/upwork-diag/proxy-ca`.
pub fn default_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|home| PathBuf::from(home).join(".config"))
        })?;
    Some(base.join("upwork-diag").join("proxy-ca"))
}

/// The CA, loaded, with the host certificates it has signed so far.
pub struct LocalCa {
    /// Where `ca.pem` is: the path clients must trust.
    pub cert_path: PathBuf,
    /// True when this run made it.
    pub created: bool,
    key: KeyPair,
    leaves: Mutex<HashMap<String, Arc<rustls::sign::CertifiedKey>>>,
}

/// The CA's subject: fixed, so that the issuer rebuilt from the key alone matches `ca.pem`.
fn ca_params() -> CertificateParams {
    let mut params = CertificateParams::default();
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, "upwork-diag proxy local CA");
    name.push(DnType::OrganizationName, "upwork-diag (this machine only)");
    params.distinguished_name = name;
    params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.not_before = rcgen::date_time_ymd(2024, 1, 1);
    params.not_after = rcgen::date_time_ymd(2044, 1, 1);
    params.use_authority_key_identifier_extension = false;
    params
}

impl LocalCa {
    /// Loads the CA in `dir`, or makes one there when `ca.pem` is absent.
    pub fn load_or_create(dir: &Path) -> Result<LocalCa, CaError> {
        let cert_path = dir.join(CERT_FILE);
        let key_path = dir.join(KEY_FILE);
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| CaError::Io { path, source }
        };
        if cert_path.exists() {
            let pem = std::fs::read_to_string(&key_path).map_err(io(&key_path))?;
            let key = KeyPair::from_pem(&pem).map_err(|e| CaError::Damaged {
                path: key_path.clone(),
                why: e.to_string(),
            })?;
            return Ok(LocalCa {
                cert_path,
                created: false,
                key,
                leaves: Mutex::new(HashMap::new()),
            });
        }
        // The directory holds a private key: the user's alone.
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(io(dir))?;
        let key = KeyPair::generate().map_err(|e| CaError::Generate(e.to_string()))?;
        let cert = ca_params()
            .self_signed(&key)
            .map_err(|e| CaError::Generate(e.to_string()))?;
        publish(&key_path, key.serialize_pem().as_bytes(), 0o600).map_err(io(&key_path))?;
        publish(&cert_path, cert.pem().as_bytes(), 0o644).map_err(io(&cert_path))?;
        Ok(LocalCa {
            cert_path,
            created: true,
            key,
            leaves: Mutex::new(HashMap::new()),
        })
    }

    /// A certificate for `host`, signed by this CA (made once per host and kept).
    pub fn certified_key(&self, host: &str) -> Result<Arc<rustls::sign::CertifiedKey>, CaError> {
        let mut leaves = self.leaves.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(found) = leaves.get(host) {
            return Ok(Arc::clone(found));
        }
        let generate = |e: rcgen::Error| CaError::Generate(e.to_string());
        let mut params = CertificateParams::new(vec![host.to_string()]).map_err(generate)?;
        params.distinguished_name = DistinguishedName::new();
        params
            .distinguished_name
            .push(DnType::CommonName, host.to_string());
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        // Strict verifiers (Python 3.13, OpenSSL's X509_STRICT) require it on a CA-signed certificate.
        params.use_authority_key_identifier_extension = true;
        // Clients cap a server certificate's life (398 days); a day before now covers clock skew.
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(300);
        let leaf_key = KeyPair::generate().map_err(generate)?;
        let issuer = Issuer::new(ca_params(), &self.key);
        let cert = params.signed_by(&leaf_key, &issuer).map_err(generate)?;
        let der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let signing = rustls::crypto::ring::sign::any_supported_type(&der)
            .map_err(|e| CaError::Generate(e.to_string()))?;
        let certified = Arc::new(rustls::sign::CertifiedKey::new(
            vec![CertificateDer::from(cert.der().to_vec())],
            signing,
        ));
        leaves.insert(host.to_string(), Arc::clone(&certified));
        Ok(certified)
    }
}

/// Writes `bytes` to a new file beside `path` with `mode`, then renames it to `path`.
fn publish(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.partial-{}", std::process::id()));
    let _ = std::fs::remove_file(&temp);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(mode)
            .open(&temp)?;
        // The umask may have narrowed the mode; the key must be exactly 0600 whatever it is.
        file.set_permissions(std::fs::Permissions::from_mode(mode))?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
