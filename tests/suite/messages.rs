//! What the tool says about its own work: where the bundle went, what to attach, which host it
//! checked, how an error starts. Each message is pinned whole (insta), its variable parts (the
//! emulator's port, elapsed times) replaced by names.

use crate::common::{Emulator, upwork_diag};

const INFO: &str = "https://www.upwork.com/api/auth/v1/info.json";
/// A call that passes every offline check.
const BEARER: [&str; 2] = ["-H", "Authorization: Bearer demo-oauth2-token"];
/// The environment given, so that the summaries below do not ask for it.
const ENVIRONMENT: [&str; 4] = ["--library", "curl 8.5.0", "--language", "shell"];

/// The text with the emulator's address and elapsed milliseconds replaced by fixed names.
fn normalized(text: &str, emulator: Option<&Emulator>) -> String {
    let mut text = text.to_string();
    if let Some(emulator) = emulator {
        text = text.replace(&emulator.base_url, "http://EMULATOR");
    }
    // "answer: 200 OK (sent to ...), 3 ms" -> "N ms"
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line
            .rfind(", ")
            .filter(|_| line.trim_end().ends_with(" ms"))
        {
            Some(at) => {
                out.push_str(&line[..at]);
                out.push_str(", N ms\n");
            }
            None => out.push_str(line),
        }
    }
    out
}

#[test]
fn a_zip_bundle_named_without_extension_gets_zip_and_the_summary_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let output = upwork_diag()
        .current_dir(dir.path())
        .args(["diagnose", INFO, "--offline", "--zip", "--out", "z1"])
        .args(BEARER)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(dir.path().join("z1.zip").is_file(), "z1.zip written");
    assert!(
        !dir.path().join("z1").exists(),
        "no archive without extension"
    );
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("bundle: z1.zip (bundle.json, report.md, exchange.har)"),
        "{stdout}"
    );

    // A name that already ends in .zip (any case) is kept as given.
    upwork_diag()
        .current_dir(dir.path())
        .args(["diagnose", INFO, "--offline", "--zip", "--out", "z2.ZIP"])
        .args(BEARER)
        .assert()
        .code(0);
    assert!(dir.path().join("z2.ZIP").is_file());
    assert!(!dir.path().join("z2.ZIP.zip").exists());
}

#[test]
fn json_output_says_where_the_bundle_went() {
    let dir = tempfile::tempdir().unwrap();
    let output = upwork_diag()
        .current_dir(dir.path())
        .args([
            "diagnose",
            INFO,
            "--offline",
            "--format",
            "json",
            "--out",
            "b1",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["written_to"],
        serde_json::json!({"path": "b1", "files": ["bundle.json", "report.md", "exchange.har"]})
    );
    assert!(dir.path().join("b1/bundle.json").is_file());

    let output = upwork_diag()
        .current_dir(dir.path())
        .args([
            "diagnose",
            INFO,
            "--offline",
            "--format",
            "json",
            "--no-bundle",
        ])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(
        json.get("written_to").is_some_and(|w| w.is_null()),
        "written_to is null with --no-bundle: {json}"
    );
}

#[test]
fn a_5xx_without_bundle_says_the_status_once_and_attaches_nothing() {
    let emulator = Emulator::start();
    let output = upwork_diag()
        .args(["diagnose", INFO])
        .args(["-H", "Authorization: Bearer demo-oauth2-token"])
        .args(["-H", "X-Mock-Fault: 503"])
        .args(ENVIRONMENT)
        .args(["--base-url", &emulator.base_url, "--no-bundle"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let stdout = normalized(&String::from_utf8(output.stdout).unwrap(), Some(&emulator));
    insta::assert_snapshot!("server_error_no_bundle", stdout);
}

#[test]
fn a_host_that_is_not_upworks_is_said_offline_and_its_failure_not_escalated() {
    let output = upwork_diag()
        .args([
            "diagnose",
            "https://example.com/api/foo",
            "--offline",
            "--no-bundle",
        ])
        .args(ENVIRONMENT)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    insta::assert_snapshot!("foreign_host_offline", stdout);

    // Sent (to the emulator, which knows no /api/foo): a 404 that Upwork support cannot help with.
    let emulator = Emulator::start();
    let output = upwork_diag()
        .args(["diagnose", "https://example.com/api/foo"])
        .args(ENVIRONMENT)
        .args(["--base-url", &emulator.base_url, "--no-bundle"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(5), "inconclusive, not escalated");
    let stdout = normalized(&String::from_utf8(output.stdout).unwrap(), Some(&emulator));
    assert!(!stdout.contains("\nescalate:"), "{stdout}");
    insta::assert_snapshot!("foreign_host_404", stdout);
}

#[test]
fn upworks_own_hosts_and_the_emulator_get_no_host_note() {
    for url in [
        INFO,
        "https://API.upwork.com/graphql",
        "http://127.0.0.1:9/api/auth/v1/info.json",
        "http://localhost:9/api/auth/v1/info.json",
    ] {
        let output = upwork_diag()
            .args(["diagnose", url, "--offline", "--no-bundle"])
            .args(["-H", "Authorization: Bearer demo-oauth2-token"])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(!stdout.contains("host-not-upwork"), "{url}: {stdout}");
    }
}

#[test]
fn every_error_starts_with_the_same_prefix() {
    // The tool's own (bad input it reads) and clap's (bad usage) look alike.
    let ours = upwork_diag()
        .args(["diagnose", INFO, "--timeout", "0"])
        .output()
        .unwrap();
    assert_eq!(ours.status.code(), Some(2));
    let stderr = String::from_utf8(ours.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: --timeout 0: expected a positive number of seconds, at most 86400\n"
    );

    let clap = upwork_diag()
        .args(["diagnose", "--no-such-flag"])
        .output()
        .unwrap();
    assert_eq!(clap.status.code(), Some(2));
    let stderr = String::from_utf8(clap.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");

    let explain = upwork_diag()
        .args(["explain", "no-such-code"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(explain.stderr)
            .unwrap()
            .starts_with("error: "),
    );
}

/// An answer without a reason phrase (HTTP/2 never has one, and an HTTP/1.1 server may leave it
/// out) is shown as its status alone, not followed by a stray space.
#[test]
fn an_answer_without_a_reason_phrase_is_shown_as_its_status() {
    let base = crate::common::answering(
        b"HTTP/1.1 404\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_vec(),
    );
    let output = upwork_diag()
        .args(["diagnose", INFO, "--base-url", &base, "--no-bundle"])
        .args(BEARER)
        .args(ENVIRONMENT)
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let answer = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("answer:"))
        .unwrap_or_else(|| panic!("no answer line: {stdout}"));
    let answer = normalized(answer, None);
    assert!(
        answer
            .trim_start()
            .starts_with("answer: 404 (sent to http://127.0.0.1:"),
        "{answer}"
    );
}
