//! The system's certificate store is read only when a call is made over TLS: a machine without
//! one (a slim container, an `SSL_CERT_FILE` that points nowhere) still diagnoses a plain `http`
//! call, its corrected replay included, and an `https` call there says what is missing.

use crate::common::{Emulator, demo_env, self_signed_tls_server, upwork_diag};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys, SignOptions, authorize};
use upwork_diag_core::request::RawUrl;
use upwork_diag_mock::demo;

const TOKEN_REQUEST: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";

/// The token request with its OAuth parameters in the URL, signed with the demo consumer.
fn token_request_url() -> String {
    let keys = Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: None,
        token_secret: None,
    };
    authorize(
        "POST",
        &RawUrl::parse(TOKEN_REQUEST).unwrap(),
        &[],
        &keys,
        &SignOptions::default(),
    )
    .signed_url
}

/// `diagnose` with a certificate store that holds nothing: rustls-native-certs reads only
/// `SSL_CERT_FILE` and `SSL_CERT_DIR` when either is set, and here neither has a certificate.
fn diagnose_without_certificates(args: &[&str]) -> (Option<i32>, Value) {
    let store = tempfile::tempdir().unwrap();
    let output = upwork_diag()
        .arg("diagnose")
        .args(args)
        .args(["--no-bundle", "--format", "json", "--timeout", "10"])
        .env("SSL_CERT_FILE", store.path().join("missing.pem"))
        .env("SSL_CERT_DIR", store.path())
        .envs(demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None))
        .output()
        .unwrap();
    let printed = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), printed)
}

#[test]
fn an_http_call_is_diagnosed_and_its_fix_confirmed_without_a_certificate_store() {
    // The corrected replay used to load the store while building its HTTP client, for http too:
    // with no certificate there it got no answer and the fix stayed unconfirmed.
    let emulator = Emulator::start();
    let url = token_request_url();
    let (code, printed) =
        diagnose_without_certificates(&["-X", "POST", &url, "--base-url", &emulator.base_url]);
    let corrected = &printed["corrected"];
    assert_eq!(corrected["transport_error"], Value::Null, "{corrected:#}");
    assert_eq!(corrected["response"]["status"], 200, "{corrected:#}");
    assert_eq!(corrected["succeeded"], true);
    let finding = &printed["findings"][0];
    assert_eq!(finding["code"], "content-length-missing");
    assert_eq!(finding["evidence_level"], "confirmed", "{finding:#}");
    assert_eq!(code, Some(1), "{printed:#}");
}

#[test]
fn an_https_call_without_a_certificate_store_is_a_tls_failure_that_says_so() {
    // The store is read at the first certificate to check, not before: its absence must still
    // fail the call, never let an unchecked certificate through.
    let base = self_signed_tls_server();
    let (code, printed) = diagnose_without_certificates(&[
        "https://www.upwork.com/api/auth/v1/info.json",
        "--base-url",
        &base,
    ]);
    assert_eq!(code, Some(3), "{printed:#}");
    let error = &printed["transport_error"];
    assert_eq!(error["kind"], "tls", "{error:#}");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("No CA certificates were loaded from the system"),
        "{message}"
    );
}
