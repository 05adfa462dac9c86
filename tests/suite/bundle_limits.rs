//! What the bundle keeps of big, binary and odd answers, and that a killed run leaves nothing
//! half-written under the bundle's name.

use std::time::{Duration, Instant};

use crate::common::{Emulator, answering, upwork_diag};
use base64::Engine as _;
use serde_json::Value;
use sha2::{Digest, Sha256};
use upwork_diag_diagnose::bundle::{BODY_CAP, HEADER_VALUE_CAP};

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";

fn response(headers: &[(&str, &[u8])], body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    )
    .into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Diagnoses a GET against `base`; the bundle.json and its size on disk.
fn bundle_from(base: &str, extra: &[&str]) -> (Value, u64) {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let output = upwork_diag()
        .args(["diagnose", URL, "--base-url", base, "--timeout", "20"])
        .args(extra)
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1 | 4)),
        "{output:?}\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    let path = dir.join("bundle.json");
    let size = std::fs::metadata(&path).unwrap().len();
    (
        serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap(),
        size,
    )
}

#[test]
fn a_5_mb_body_is_capped_with_the_size_and_hash_of_the_whole() {
    let body: Vec<u8> = (0..5_000_000u32)
        .map(|i| b"{\"jobs\":[0123456789abcdef]}"[i as usize % 26])
        .collect();
    let base = answering(response(&[("Content-Type", b"application/json")], &body));
    let (bundle, size) = bundle_from(&base, &[]);
    let kept = &bundle["response"]["body"];
    assert_eq!(kept["size"], 5_000_000);
    assert_eq!(kept["truncated"], true);
    assert_eq!(kept["sha256"], sha256_hex(&body));
    let text = kept["text"].as_str().unwrap();
    assert!(
        text.len() <= BODY_CAP && text.len() > BODY_CAP / 2,
        "{}",
        text.len()
    );
    assert!(body.starts_with(text.as_bytes()));
    assert!(size < 1_000_000, "bundle.json is {size} bytes");
}

#[test]
fn a_binary_body_is_kept_as_base64() {
    let body: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let base = answering(response(
        &[("Content-Type", b"application/octet-stream")],
        &body,
    ));
    let (bundle, _) = bundle_from(&base, &[]);
    let kept = &bundle["response"]["body"];
    assert!(kept["text"].is_null(), "{kept:#}");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(kept["base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded, body);
    assert_eq!(kept["size"], 1000);
    assert_eq!(kept["truncated"], false);
    assert_eq!(kept["sha256"], sha256_hex(&body));
}

#[test]
fn a_big_binary_body_is_capped_base64() {
    let body: Vec<u8> = (0..=255u8).cycle().take(300_000).collect();
    let base = answering(response(&[("Content-Type", b"image/png")], &body));
    let (bundle, _) = bundle_from(&base, &[]);
    let kept = &bundle["response"]["body"];
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(kept["base64"].as_str().unwrap())
        .unwrap();
    assert_eq!(decoded.len(), BODY_CAP);
    assert_eq!(kept["truncated"], true);
    assert_eq!(kept["sha256"], sha256_hex(&body));
}

#[test]
fn long_and_non_utf8_header_values_are_capped_and_kept_readable() {
    let long = "x".repeat(40 * 1024);
    let base = answering(response(
        &[
            ("X-Long", long.as_bytes()),
            ("X-Latin1", b"caf\xe9 cr\xe8me"),
            ("Content-Type", b"text/plain"),
        ],
        b"ok",
    ));
    let request_long = format!("X-Request-Long: {}", "y".repeat(20 * 1024));
    let (bundle, _) = bundle_from(&base, &["-H", &request_long]);
    let header = |headers: &Value, name: &str| -> String {
        headers
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["name"] == name)
            .unwrap_or_else(|| panic!("{name} in {headers:#}"))["value"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let response_long = header(&bundle["response"]["headers"], "X-Long");
    assert!(
        response_long.len() < HEADER_VALUE_CAP + 200,
        "{}",
        response_long.len()
    );
    assert!(
        response_long.contains(&format!("{} bytes in all", long.len()))
            && response_long.contains(&sha256_hex(long.as_bytes())),
        "{}",
        &response_long[HEADER_VALUE_CAP - 10..]
    );
    let request_header = header(&bundle["request"]["headers"], "X-Request-Long");
    assert!(request_header.len() < HEADER_VALUE_CAP + 200);
    let latin1 = header(&bundle["response"]["headers"], "X-Latin1");
    assert!(latin1.starts_with("caf"), "{latin1}");
}

#[test]
fn a_killed_run_leaves_no_bundle_behind() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().unwrap();
    let target = out.path().join("bundle");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_upwork-diag"))
        .args(["diagnose", URL, "-H", "X-Mock-Fault: hang"])
        .args(["--base-url", &emulator.base_url, "--timeout", "60", "--out"])
        .arg(&target)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Killed once the emulator holds its request: the run is mid-way.
    let deadline = Instant::now() + Duration::from_secs(20);
    while emulator.received()["requests"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        assert!(Instant::now() < deadline, "the request never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!target.exists());
    let left: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// report.md says who answered a call sent elsewhere with --base-url, and shows the request body.
#[test]
fn the_report_names_a_base_url_server_as_the_answerer_and_shows_the_request_body() {
    let base = answering(response(&[("Content-Type", b"application/json")], b"{}"));
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let output = upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            URL,
            "-d",
            "a=1",
            "--base-url",
            &base,
        ])
        .args([
            "-H",
            "Content-Type: application/x-www-form-urlencoded",
            "--timeout",
            "20",
        ])
        .arg("--out")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1 | 4)),
        "{output:?}"
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("8. **Response status and headers from the --base-url server, not Upwork:** `HTTP/1.1 200 OK`"),
        "{report}"
    );
    assert!(report.contains("\nRequest body (3 bytes):\n\n"), "{report}");
}
