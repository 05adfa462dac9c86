//! Interoperability with a real OAuth 1.0 client that this project did not write: Python's
//! oauthlib signs calls (spaces, `+`, `~`, unicode, reserved characters, a form body) and sends
//! them to the emulator, which must accept every correct one and refuse every broken one; then
//! `diagnose`, given the secrets, must name the mistake of each broken one.
//!
//! Needs `python3` with `oauthlib` (`.ci/run` installs it and sets UPWORK_DIAG_REQUIRE_OAUTHLIB=1,
//! which turns a missing oauthlib into a failure); elsewhere the test says it is skipped.
// Test and bench reports print directly: the redacting boundary is for the tool's own output.
#![allow(clippy::disallowed_macros)]

mod common;

use std::process::Command;

use common::{Emulator, demo_env, upwork_diag};
use serde_json::Value;
use upwork_diag::mock::demo;

fn oauthlib_available() -> bool {
    Command::new("python3")
        .args(["-c", "import oauthlib"])
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn oauthlib_calls_pass_or_fail_as_they_should_and_each_mistake_is_named() {
    if !oauthlib_available() {
        assert!(
            std::env::var_os("UPWORK_DIAG_REQUIRE_OAUTHLIB").is_none(),
            "UPWORK_DIAG_REQUIRE_OAUTHLIB is set but python3 cannot import oauthlib"
        );
        eprintln!("skipped: python3 with oauthlib is not available (pip install oauthlib)");
        return;
    }
    let emulator = Emulator::start();
    let script = format!(
        "{}/tests/interop/oauthlib_client.py",
        env!("CARGO_MANIFEST_DIR")
    );
    let output = Command::new("python3")
        .arg(&script)
        .args([
            &emulator.base_url,
            demo::CONSUMER_KEY,
            demo::CONSUMER_SECRET,
            demo::TOKEN,
            demo::TOKEN_SECRET,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let calls: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(calls.len() >= 12, "{calls:#?}");

    for call in &calls {
        let name = call["name"].as_str().unwrap();
        let status = call["status"].as_u64().unwrap();
        if call["expect"] == "accept" {
            assert_eq!(
                status, 200,
                "the emulator refused the correct call {name}: {call:#}"
            );
            continue;
        }
        assert_eq!(
            status, 401,
            "the emulator accepted the broken call {name}: {call:#}"
        );

        let mut diagnose = upwork_diag();
        diagnose.args([
            "diagnose",
            "-X",
            call["method"].as_str().unwrap(),
            call["url"].as_str().unwrap(),
        ]);
        for (header, value) in call["headers"].as_object().unwrap() {
            diagnose.args(["-H", &format!("{header}: {}", value.as_str().unwrap())]);
        }
        if let Some(body) = call["body"].as_str() {
            diagnose.args(["-H", &format!("Content-Length: {}", body.len()), "-d", body]);
        }
        let output = diagnose
            .args(["--offline", "--no-bundle", "--format", "json"])
            .envs(demo_env(
                demo::CONSUMER_KEY,
                demo::CONSUMER_SECRET,
                Some((demo::TOKEN, demo::TOKEN_SECRET)),
            ))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{name}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let bundle: Value = serde_json::from_slice(&output.stdout).unwrap();
        let finding = bundle["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "signature-mismatch")
            .unwrap_or_else(|| panic!("{name}: no signature-mismatch in {:#}", bundle["findings"]));
        assert_eq!(
            finding["evidence"]["mistake"], call["mistake"],
            "{name}: {finding:#}"
        );
    }
}
