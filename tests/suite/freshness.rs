//! An oauth_timestamp an hour old, replayed to the emulator, which refuses it for its age: the send
//! time (a Date header, a HAR entry's startedDateTime, `--sent-at`) tells the client's clock
//! (`timestamp-skew`) from an old capture (`replay-stale`); without it both readings stay undecided.

use crate::common::{Emulator, finding_codes, upwork_diag};
use chrono::{DateTime, Utc};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys, sign_request_at};
use upwork_diag_core::request::flags::from_flags;
use upwork_diag_mock::demo;

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";

/// The Authorization header of info.json signed with the demo keys at `timestamp`.
fn authorization_signed_at(timestamp: i64) -> String {
    let keys = Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    };
    let request = from_flags(Some("GET"), URL, &[], None).unwrap();
    let nonce = format!("nonce-{timestamp}");
    let signed = sign_request_at(&request, &keys, &nonce, timestamp as u64);
    signed.header("authorization").unwrap().to_string()
}

fn hour_ago() -> i64 {
    Utc::now().timestamp() - 3600
}

/// `Mon, 30 Nov 2026 04:35:00 GMT`.
fn http_date(seconds: i64) -> String {
    DateTime::from_timestamp(seconds, 0)
        .unwrap()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string()
}

/// The raw capture of info.json signed an hour ago, with the Date header the client sent, if any.
fn raw_capture(date: Option<i64>) -> Vec<u8> {
    let mut raw = format!(
        "GET /api/auth/v1/info.json HTTP/1.1\r\nHost: www.upwork.com\r\nAuthorization: {}\r\n",
        authorization_signed_at(hour_ago())
    );
    if let Some(date) = date {
        raw.push_str(&format!("Date: {}\r\n", http_date(date)));
    }
    raw.push_str("\r\n");
    raw.into_bytes()
}

/// `diagnose` with the given arguments against the emulator, no secrets: (exit code, bundle JSON).
fn diagnose(emulator: &Emulator, args: &[&str], stdin: Option<Vec<u8>>) -> (Option<i32>, Value) {
    let mut command = upwork_diag();
    command.arg("diagnose").args(args).args([
        "--base-url",
        &emulator.base_url,
        "--no-bundle",
        "--format",
        "json",
    ]);
    if let Some(bytes) = stdin {
        command.write_stdin(bytes);
    }
    let output = command.output().unwrap();
    let bundle = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "no JSON on stdout; stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), bundle)
}

/// The codes of the findings about time, in order (`signature-unverified`, for want of the secrets,
/// is beside the point here).
fn time_codes(bundle: &Value) -> Vec<String> {
    finding_codes(bundle)
        .into_iter()
        .filter(|c| c == "timestamp-skew" || c == "replay-stale")
        .collect()
}

fn finding<'a>(bundle: &'a Value, code: &str) -> &'a Value {
    bundle["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {:#}", bundle["findings"]))
}

#[test]
fn a_raw_capture_sent_right_after_signing_shows_a_slow_clock_not_an_old_capture() {
    let emulator = Emulator::start();
    let now = Utc::now().timestamp();
    let (code, bundle) = diagnose(&emulator, &["--raw", "-"], Some(raw_capture(Some(now))));
    assert_eq!(bundle["response"]["status"], 401);
    assert_eq!(code, Some(1), "{:#}", bundle["findings"]);
    assert_eq!(time_codes(&bundle), ["timestamp-skew"]);
    let skew = finding(&bundle, "timestamp-skew");
    assert_eq!(skew["severity"], "error");
    assert_eq!(
        skew["evidence_level"], "reproduced",
        "Upwork refused the timestamp"
    );
    let title = skew["title"].as_str().unwrap();
    assert!(
        title.contains("1 h 0 min behind") && title.contains("the Date header of the request"),
        "{title}"
    );
}

#[test]
fn a_raw_capture_sent_when_it_was_signed_is_an_old_capture() {
    let emulator = Emulator::start();
    let (code, bundle) = diagnose(
        &emulator,
        &["--raw", "-"],
        Some(raw_capture(Some(hour_ago()))),
    );
    // The replay of an old capture is refused for its own age: that says nothing of the call, so
    // without the secrets to sign it again fresh the verdict is inconclusive, not the client's fault.
    assert_eq!(code, Some(5), "{:#}", bundle["findings"]);
    assert_eq!(time_codes(&bundle), ["replay-stale"]);
    let stale = finding(&bundle, "replay-stale");
    assert_ne!(stale["severity"], "error", "{stale:#}");
    assert_eq!(stale["evidence_level"], "inconclusive");
    assert!(
        stale["detail"]
            .as_str()
            .unwrap()
            .contains("the client's clock was right"),
        "{stale:#}"
    );
}

#[test]
fn without_a_send_time_both_readings_are_reported_and_neither_is_guessed() {
    let emulator = Emulator::start();
    let (code, bundle) = diagnose(&emulator, &["--raw", "-"], Some(raw_capture(None)));
    assert_eq!(bundle["response"]["status"], 401);
    assert_eq!(time_codes(&bundle), ["timestamp-skew", "replay-stale"]);
    for code in ["timestamp-skew", "replay-stale"] {
        let f = finding(&bundle, code);
        assert_ne!(f["severity"], "error", "a guess: {f:#}");
        assert_eq!(f["evidence_level"], "inconclusive");
        let fix = f["fix"].as_str().unwrap();
        assert!(
            fix.contains("--sent-at") && fix.contains("HAR") && fix.contains("Date header"),
            "the fix says what to give: {fix}"
        );
    }
    assert_eq!(code, Some(5), "inconclusive: {:#}", bundle["verdict"]);
    assert!(
        bundle["verdict"]["escalation"].is_null(),
        "nothing to escalate: the developer can give the send time"
    );
    assert!(
        bundle["verdict"]["summary"]
            .as_str()
            .unwrap()
            .contains("--sent-at"),
        "{:#}",
        bundle["verdict"]
    );
}

#[test]
fn sent_at_decides_for_a_call_given_by_flags() {
    let emulator = Emulator::start();
    let header = format!("Authorization: {}", authorization_signed_at(hour_ago()));
    let just_now = Utc::now().to_rfc3339();
    let (code, bundle) = diagnose(
        &emulator,
        &[URL, "-H", &header, "--sent-at", &just_now],
        None,
    );
    assert_eq!(code, Some(1));
    assert_eq!(time_codes(&bundle), ["timestamp-skew"]);
    assert_eq!(
        finding(&bundle, "timestamp-skew")["evidence"]["sent_at_from"],
        "--sent-at"
    );

    let an_hour_ago = hour_ago().to_string();
    let (code, bundle) = diagnose(
        &emulator,
        &[URL, "-H", &header, "--sent-at", &an_hour_ago],
        None,
    );
    assert_eq!(code, Some(5), "an old capture: only its replay was refused");
    assert_eq!(time_codes(&bundle), ["replay-stale"]);
}

#[test]
fn a_har_entry_started_right_after_signing_shows_a_slow_clock() {
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("session.har");
    let entry = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [{
        "startedDateTime": Utc::now().to_rfc3339(),
        "request": {"method": "GET", "url": URL, "headers": [
            {"name": "Authorization", "value": authorization_signed_at(hour_ago())}
        ]},
        "response": {"status": 401, "headers": [], "content": {}}
    }]}});
    std::fs::write(&har, entry.to_string()).unwrap();
    let (code, bundle) = diagnose(&emulator, &["--har", har.to_str().unwrap()], None);
    assert_eq!(code, Some(1));
    assert_eq!(time_codes(&bundle), ["timestamp-skew"]);
    assert_eq!(
        finding(&bundle, "timestamp-skew")["evidence"]["sent_at_from"],
        "the HAR entry's startedDateTime"
    );
}

#[test]
fn a_bad_sent_at_is_refused_naming_the_flag_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    for bad in ["yesterday", "2026-11-30", "1796013300000"] {
        let output = upwork_diag()
            .args(["diagnose", URL, "--offline", "--sent-at", bad, "--out"])
            .arg(&out)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{bad}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("--sent-at"), "{stderr}");
        assert!(
            stderr.contains("RFC 3339") || stderr.contains("milliseconds"),
            "{stderr}"
        );
        assert!(!out.exists(), "no bundle for bad input");
    }
}
