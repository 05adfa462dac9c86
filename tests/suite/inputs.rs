//! `diagnose --curl`, `--har` and `--raw`: the inputs as developers have them, end to end against
//! the emulator, and malformed inputs refused with exit code 2 and a message naming the place.

use crate::common::{Emulator, upwork_diag};

fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn findings_of(stdout: &[u8]) -> Vec<String> {
    crate::common::finding_codes(&serde_json::from_slice(stdout).unwrap())
}

#[test]
fn a_pasted_curl_command_reproduces_the_411() {
    let emulator = Emulator::start();
    let output = upwork_diag()
        .args([
            "diagnose",
            "--curl",
            &fixture("token-request-no-content-length.curl"),
        ])
        .args([
            "--base-url",
            &emulator.base_url,
            "--no-bundle",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The fixture was signed long ago and says nothing of when it was sent: a slow clock or an old
    // capture, both noted as undecided (as is the signature, without the secrets); the 411 comes
    // before any OAuth check.
    assert_eq!(
        findings_of(&output.stdout),
        [
            "content-length-missing",
            "signature-unverified",
            "timestamp-skew",
            "replay-stale"
        ]
    );
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bundle["response"]["status"], 411);
    assert_eq!(bundle["request"]["source"]["kind"], "curl");
    // `MyUpworkApp/1.0 python-requests/2.31.0`: the library, not the application naming itself.
    assert_eq!(
        bundle["environment"]["library"]["value"],
        "python-requests 2.31.0"
    );
}

#[test]
fn a_raw_request_from_a_file_or_standard_input_reproduces_the_411() {
    let emulator = Emulator::start();
    let path = fixture("token-request-no-content-length.http");
    for (input, stdin) in [
        (path.as_str(), None),
        ("-", Some(std::fs::read(&path).unwrap())),
    ] {
        let mut command = upwork_diag();
        command.args([
            "diagnose",
            "--raw",
            input,
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
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            findings_of(&output.stdout),
            [
                "content-length-missing",
                "signature-unverified",
                "timestamp-skew",
                "replay-stale"
            ]
        );
        let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            bundle["request"]["url"]
                .as_str()
                .unwrap()
                .split('?')
                .next()
                .unwrap(),
            "https://www.upwork.com/api/auth/v1/oauth/token/request"
        );
    }
}

#[test]
fn a_har_file_gives_its_first_failing_upwork_call_and_hides_its_cookies() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let output = upwork_diag()
        .args([
            "diagnose",
            "--har",
            &fixture("browser-session-with-failing-token-request.har"),
        ])
        .args(["--base-url", &emulator.base_url, "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("note: entry 1 of"), "{stdout}");
    assert!(stdout.contains("error[content-length-missing]"), "{stdout}");
    let bundle = std::fs::read_to_string(dir.join("bundle.json")).unwrap();
    assert!(!bundle.contains("har-cookie-canary"), "{bundle}");
    assert!(
        bundle.contains("2026-11-20T09:00:01"),
        "the capture's time is the request's time"
    );
}

#[test]
fn malformed_inputs_are_exit_2_with_the_place_named() {
    let dir = tempfile::tempdir().unwrap();
    let curl = dir.path().join("broken.curl");
    std::fs::write(&curl, "curl -X POST \\\n  'https://www.upwork.com/api/x\n").unwrap();
    upwork_diag()
        .args(["diagnose", "--curl"])
        .arg(&curl)
        .arg("--offline")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("broken.curl:2:"))
        .stderr(predicates::str::contains("quote"));

    let har = dir.path().join("broken.har");
    std::fs::write(&har, r#"{"log":{"entries":[{"request":{"method":"GET","url":"https://www.upwork.com/api/auth/v1/info.json","headers":"oops"}}]}}"#).unwrap();
    upwork_diag()
        .args(["diagnose", "--har"])
        .arg(&har)
        .arg("--offline")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("broken.har"))
        .stderr(predicates::str::contains("log.entries[0].request.headers"));

    let raw = dir.path().join("broken.http");
    std::fs::write(&raw, "not a request line\r\n\r\n").unwrap();
    upwork_diag()
        .args(["diagnose", "--raw"])
        .arg(&raw)
        .arg("--offline")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("broken.http:1"));

    upwork_diag()
        .args(["diagnose", "--curl", "/nonexistent/call.curl", "--offline"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/nonexistent/call.curl"));
}

/// A raw capture of a signed token request whose form body went chunked, in two chunks.
fn chunked_form_capture() -> Vec<u8> {
    use upwork_diag_core::oauth::{self, SignOptions};
    use upwork_diag_core::request::flags::from_flags;
    let unsigned = from_flags(
        Some("POST"),
        "https://www.upwork.com/api/auth/v1/oauth/token/request",
        &["Content-Type: application/x-www-form-urlencoded".to_string()],
        Some(b"note=web%20design&x=1".to_vec()),
    )
    .unwrap();
    let keys = oauth::Keys {
        consumer_key: upwork_diag_mock::demo::CONSUMER_KEY,
        consumer_secret: upwork_diag_mock::demo::CONSUMER_SECRET,
        token: None,
        token_secret: None,
    };
    let options = SignOptions {
        callback: Some("oob".into()),
        ..SignOptions::default()
    };
    let signed = oauth::sign_request_with(&unsigned, &keys, &options).request;
    format!(
        "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: www.upwork.com\r\n\
         Authorization: {}\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Transfer-Encoding: chunked\r\n\r\nb\r\nnote=web%20\r\na\r\ndesign&x=1\r\n0\r\n\r\n",
        signed.header("authorization").unwrap()
    )
    .into_bytes()
}

#[test]
fn a_chunked_raw_capture_is_checked_decoded_and_replayed_as_captured() {
    let emulator = Emulator::start();
    let relay = crate::common::RecordingRelay::start(&emulator.base_url);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chunked.http");
    let capture = chunked_form_capture();
    std::fs::write(&path, &capture).unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--raw"])
        .arg(&path)
        .args([
            "--base-url",
            &relay.base_url,
            "--no-bundle",
            "--format",
            "json",
        ])
        .envs(crate::common::demo_env(
            upwork_diag_mock::demo::CONSUMER_KEY,
            upwork_diag_mock::demo::CONSUMER_SECRET,
            None,
        ))
        .output()
        .unwrap();
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{bundle:#}");
    // The signature covers the decoded form (`note=web design`, `x=1`): verified, so the only
    // finding is the length. Read with its framing, the form would hold `b\r\nnote` and `0`.
    assert_eq!(
        crate::common::finding_codes(&bundle),
        ["content-length-missing"],
        "{bundle:#}"
    );
    assert_eq!(bundle["response"]["status"], 411);
    let length = crate::common::finding(&bundle, "content-length-missing");
    assert_eq!(length["evidence"]["framing"], "chunked");
    assert_eq!(length["evidence"]["body_bytes"], 21);
    // Declared (21 bytes, no chunks) and signed again, the call is accepted: confirmed.
    assert_eq!(length["evidence_level"], "confirmed", "{length:#}");
    let notes = bundle["request"]["notes"].to_string();
    assert!(
        notes.contains("the checks read its 21 decoded bytes"),
        "{notes}"
    );
    // The replay sent the chunks exactly as captured.
    let sent = relay.sent();
    let captured_body = &capture[capture.windows(4).position(|w| w == b"\r\n\r\n").unwrap()..];
    assert!(
        sent[0].as_bytes().ends_with(captured_body),
        "replayed: {:?}",
        sent[0]
    );
    assert!(sent[1].to_ascii_lowercase().contains("content-length: 21"));
    assert!(!sent[1].to_ascii_lowercase().contains("transfer-encoding"));
}

#[test]
fn chunks_that_cannot_be_read_are_named_not_read_as_parameters() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cut.http");
    // A form body under a chunked header, without any chunk framing.
    std::fs::write(
        &path,
        "POST /api/auth/v1/oauth/token/request?oauth_consumer_key=k HTTP/1.1\r\nHost: www.upwork.com\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nq=web+design",
    )
    .unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--raw"])
        .arg(&path)
        .args(["--offline", "--no-bundle", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes = crate::common::finding_codes(&bundle);
    assert!(
        codes.contains(&"chunked-body-malformed".to_string())
            && codes.contains(&"content-length-missing".to_string())
            && !codes.contains(&"param-encoding".to_string()),
        "{codes:?}"
    );
    let malformed = crate::common::finding(&bundle, "chunked-body-malformed");
    assert!(
        malformed["detail"]
            .as_str()
            .unwrap()
            .contains("before its last chunk"),
        "{malformed:#}"
    );
    upwork_diag()
        .args(["explain", "chunked-body-malformed"])
        .assert()
        .success()
        .stdout(predicates::str::contains("0\\r\\n\\r\\n"));
}

#[test]
fn curl_and_har_inputs_declared_chunked_are_framed_as_their_clients_send_them() {
    let emulator = Emulator::start();
    let relay = crate::common::RecordingRelay::start(&emulator.base_url);
    let dir = tempfile::tempdir().unwrap();
    let curl = dir.path().join("chunked.curl");
    std::fs::write(
        &curl,
        "curl -X POST 'https://www.upwork.com/api/auth/v1/oauth/token/request' -H 'Transfer-Encoding: chunked' -d 'a=1'",
    )
    .unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--curl"])
        .arg(&curl)
        .args([
            "--base-url",
            &relay.base_url,
            "--no-bundle",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(bundle["response"]["status"], 411, "{bundle:#}");
    let sent = &relay.sent()[0];
    // curl frames `-d` data as chunks and writes no Content-Length beside them.
    assert!(sent.ends_with("\r\n\r\n3\r\na=1\r\n0\r\n\r\n"), "{sent:?}");
    assert!(
        !sent.to_ascii_lowercase().contains("content-length"),
        "{sent:?}"
    );
    assert_eq!(
        crate::common::finding(&bundle, "content-length-missing")["evidence"]["framing"],
        "chunked"
    );

    // A HAR entry's postData is the content; chunked and empty, it is libcurl's `0\r\n\r\n`.
    let har = dir.path().join("chunked.har");
    std::fs::write(
        &har,
        r#"{"log": {"entries": [{"startedDateTime": "2026-11-30T04:35:00Z",
            "request": {"method": "POST", "url": "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=k",
              "headers": [{"name": "Transfer-Encoding", "value": "chunked"}, {"name": "Expect", "value": "100-continue"}],
              "postData": {"mimeType": "application/x-www-form-urlencoded", "text": ""}},
            "response": {"status": 411, "statusText": "Length Required", "headers": [], "content": {}}}]}}"#,
    )
    .unwrap();
    let output = upwork_diag()
        .args(["diagnose", "--har"])
        .arg(&har)
        .args(["--offline", "--no-bundle", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let length = crate::common::finding(&bundle, "content-length-missing");
    assert_eq!(length["evidence"]["framing"], "chunked");
    assert!(
        length["fix"]
            .as_str()
            .unwrap()
            .contains("CURLOPT_POSTFIELDS"),
        "{length:#}"
    );
}
