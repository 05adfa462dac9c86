//! The fault matrix: every way a call can get no (complete) answer, through the real binary. Each
//! must end with exit code 3, a bundle that records the transport error, no panic, and within the
//! `--timeout` given.

use std::io::Read;
use std::net::TcpListener;
use std::time::{Duration, Instant};

use crate::common::{Emulator, self_signed_tls_server, upwork_diag};
use serde_json::Value;

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";
/// The `--timeout` every case runs with, in seconds.
const TIMEOUT: &str = "1";
/// Generous: the timeout, plus process start and the bundle, on a loaded machine.
const BOUND: Duration = Duration::from_secs(5);

/// Runs `diagnose` against `base_url` with these extra arguments and checks the common promises;
/// the bundle comes back.
fn diagnose_no_response(base_url: &str, extra: &[&str], kind: &str) -> Value {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("bundle");
    let started = Instant::now();
    let output = upwork_diag()
        .args([
            "diagnose",
            URL,
            "--base-url",
            base_url,
            "--timeout",
            TIMEOUT,
        ])
        .args(extra)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(3),
        "{kind}: exit code\n{stdout}\n{stderr}"
    );
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{kind}: a panic\n{stderr}"
    );
    assert!(
        elapsed < BOUND,
        "{kind}: took {elapsed:?} with --timeout {TIMEOUT}"
    );
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(dir.join("bundle.json")).unwrap()).unwrap();
    assert_eq!(
        bundle["transport_error"]["kind"], kind,
        "{:#}",
        bundle["transport_error"]
    );
    assert!(
        !bundle["transport_error"]["message"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    assert!(bundle["response"].is_null());
    assert_eq!(bundle["verdict"]["outcome"], "no-response");
    assert_eq!(bundle["routing"]["route"], "developer");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains(kind), "{kind}: report.md\n{report}");
    assert!(dir.join("exchange.har").exists());
    assert!(stdout.contains("verdict: no response"), "{stdout}");
    bundle
}

fn fault(mode: &str, kind: &str) {
    let emulator = Emulator::start();
    let header = format!("X-Mock-Fault: {mode}");
    diagnose_no_response(&emulator.base_url, &["-H", &header], kind);
}

#[test]
fn connection_refused() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    diagnose_no_response(&base, &[], "connection-refused");
}

#[test]
fn reset_mid_response() {
    fault("reset", "connection-reset");
}

#[test]
fn a_server_that_hangs_is_a_timeout() {
    fault("hang", "timeout");
}

#[test]
fn a_body_slower_than_the_timeout_is_a_timeout() {
    fault("slow-body", "timeout");
}

#[test]
fn a_truncated_body() {
    fault("truncated", "truncated-response");
}

#[test]
fn garbage_instead_of_http() {
    fault("garbage", "malformed-response");
}

#[test]
fn https_to_a_plain_http_port_is_a_tls_failure() {
    let emulator = Emulator::start();
    let https = emulator.base_url.replace("http://", "https://");
    let bundle = diagnose_no_response(&https, &[], "tls");
    assert!(
        bundle["transport_error"]["message"]
            .as_str()
            .unwrap()
            .contains("TLS handshake"),
        "{:#}",
        bundle["transport_error"]
    );
}

#[test]
fn an_untrusted_certificate_is_a_tls_failure() {
    let base = self_signed_tls_server();
    let bundle = diagnose_no_response(&base, &[], "tls");
    let message = bundle["transport_error"]["message"].as_str().unwrap();
    assert!(
        message.to_ascii_lowercase().contains("certificate"),
        "{message}"
    );
}

#[test]
fn a_name_that_does_not_resolve_is_dns() {
    diagnose_no_response("http://nonexistent.invalid", &[], "dns");
}

#[test]
fn a_server_that_never_answers_the_tls_handshake_is_a_connect_timeout() {
    // Accepts and reads, never writes: the handshake cannot finish.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            let mut reader = stream.try_clone().unwrap();
            std::thread::spawn(move || {
                let mut sink = [0u8; 4096];
                while matches!(reader.read(&mut sink), Ok(n) if n > 0) {}
            });
            held.push(stream);
        }
    });
    diagnose_no_response(&base, &[], "connect-timeout");
}

#[test]
fn the_json_output_carries_the_transport_error_too() {
    let emulator = Emulator::start();
    let started = Instant::now();
    let output = upwork_diag()
        .args(["diagnose", URL, "-H", "X-Mock-Fault: hang"])
        .args(["--base-url", &emulator.base_url, "--timeout", TIMEOUT])
        .args(["--no-bundle", "--format", "json"])
        .output()
        .unwrap();
    assert!(started.elapsed() < BOUND);
    assert_eq!(output.status.code(), Some(3));
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["transport_error"]["kind"], "timeout");
}

#[test]
fn a_hang_with_a_correction_to_confirm_still_ends_in_time() {
    // A POST without Content-Length: the as-captured call and the corrected one both meet the
    // hang, each bounded by the timeout.
    let emulator = Emulator::start();
    let bundle = diagnose_no_response(
        &emulator.base_url,
        &["-X", "POST", "-H", "X-Mock-Fault: hang"],
        "timeout",
    );
    assert_eq!(
        bundle["corrected"]["transport_error"]["kind"], "timeout",
        "{:#}",
        bundle["corrected"]
    );
}
