//! `upwork-diag diagnose` end to end: the real binary against the emulator on 127.0.0.1.

use crate::common::{
    Emulator, RecordingRelay, demo_env, files_under, finding, finding_codes, upwork_diag,
};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys, SignOptions, authorize, sign_request};
use upwork_diag_core::request::{RawUrl, flags::from_flags};
use upwork_diag_mock::demo;

const TOKEN_REQUEST: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";

fn full_keys() -> Keys<'static> {
    Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    }
}

/// The token request as the Upwork FAQ's developers send it: every OAuth parameter in the URL.
fn token_request_url() -> String {
    let keys = Keys {
        token: None,
        token_secret: None,
        ..full_keys()
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

/// The Authorization header of a GET signed correctly with these keys.
fn signed_get_header(url: &str, keys: &Keys<'_>) -> String {
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    let signed = sign_request(&request, keys);
    format!("Authorization: {}", signed.header("authorization").unwrap())
}

fn read_bundle(dir: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(dir.join("bundle.json")).unwrap()).unwrap()
}

#[test]
fn the_411_leaves_without_content_length_and_the_fix_is_confirmed_on_the_wire() {
    let emulator = Emulator::start();
    let relay = RecordingRelay::start(&emulator.base_url);
    let out = tempfile::tempdir().unwrap();
    let bundle_dir = out.path().join("bundle");

    let output = upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            &token_request_url(),
            "--base-url",
            &relay.base_url,
        ])
        .args(["--username", "demo-user", "--platform", "server", "--out"])
        .arg(&bundle_dir)
        .envs(demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("error[content-length-missing]"), "{stdout}");
    assert!(stdout.contains("411"), "{stdout}");

    let sent = relay.sent();
    assert_eq!(
        sent.len(),
        2,
        "the call as captured, then the corrected one: {sent:?}"
    );
    let (as_captured, corrected) = (sent[0].to_ascii_lowercase(), sent[1].to_ascii_lowercase());
    assert!(
        as_captured.starts_with("post /api/auth/v1/oauth/token/request?oauth_"),
        "{as_captured}"
    );
    assert!(
        !as_captured.contains("content-length"),
        "the captured POST must leave without Content-Length:\n{as_captured}"
    );
    assert!(
        corrected.contains("\r\ncontent-length: 0\r\n"),
        "{corrected}"
    );
    // Signed again where the developer had the parameters, in the query, so that the length is
    // the only difference a reader must weigh.
    assert!(
        corrected.starts_with("post /api/auth/v1/oauth/token/request?oauth_"),
        "{corrected}"
    );
    assert!(
        !corrected.contains("\r\nauthorization:"),
        "the parameters moved into a header:\n{corrected}"
    );

    let bundle = read_bundle(&bundle_dir);
    assert_eq!(bundle["response"]["status"], 411);
    assert_eq!(
        bundle["corrected"]["response"]["status"], 200,
        "{:#}",
        bundle["corrected"]
    );
    assert_eq!(bundle["corrected"]["succeeded"], true);
    assert_eq!(bundle["verdict"]["outcome"], "explained");
    assert!(bundle["verdict"]["escalation"].is_null());
    // Only the length was added (and a fresh nonce): the success confirms that one fix.
    assert_eq!(
        finding(&bundle, "content-length-missing")["evidence_level"],
        "confirmed"
    );
    let summary = bundle["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("changed only by that fix"), "{summary}");
    let report = std::fs::read_to_string(bundle_dir.join("report.md")).unwrap();
    assert!(
        report.contains("Severity: error. Evidence: confirmed (the minimal fix alone"),
        "{report}"
    );
}

#[test]
fn the_bundle_holds_every_item_of_the_support_checklist() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let url = token_request_url();
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            &url,
            "--base-url",
            &emulator.base_url,
        ])
        .args([
            "-H",
            "User-Agent: python-requests/2.31.0",
            "--username",
            "demo-user",
            "--platform",
            "server",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(1);
    let b = read_bundle(&dir);
    assert_eq!(b["schema"], "upwork-diag.bundle/1");
    // 1. time, 2. method, 3. the full URL with keys, signature and parameters, 4. headers sent.
    assert!(
        b["request"]["time"].as_str().unwrap().starts_with("20"),
        "{}",
        b["request"]["time"]
    );
    assert_eq!(b["request"]["method"], "POST");
    assert_eq!(b["request"]["url"], url.as_str());
    assert!(
        b["request"]["url"]
            .as_str()
            .unwrap()
            .contains("oauth_signature=")
    );
    assert_eq!(
        b["request"]["headers"][0]["value"],
        "python-requests/2.31.0"
    );
    assert!(
        b["replay"]["headers_on_wire"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["name"] == "Host")
    );
    // 5. username, 6. environment, 7. platform.
    assert_eq!(b["username"]["value"], "demo-user");
    assert_eq!(b["username"]["origin"], "flag");
    assert_eq!(
        b["environment"]["library"]["value"],
        "python-requests 2.31.0"
    );
    assert_eq!(b["environment"]["language"]["value"], "Python");
    assert!(b["environment"]["os"]["value"].is_string());
    assert_eq!(b["platform"], "server");
    // 8. response status and headers, 9. response body.
    assert_eq!(b["response"]["status"], 411);
    assert!(!b["response"]["headers"].as_array().unwrap().is_empty());
    assert!(
        b["response"]["body"]["text"]
            .as_str()
            .unwrap()
            .contains("411 Length Required")
    );
    assert_eq!(b["findings"][0]["code"], "content-length-missing");

    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    for item in [
        "Time of the request",
        "Method",
        "Full URL",
        "Headers sent",
        "Username",
        "Environment",
        "Platform",
        "Response status and headers",
        "Response body",
    ] {
        assert!(report.contains(item), "report.md lacks {item}");
    }
    let har: Value =
        serde_json::from_slice(&std::fs::read(dir.join("exchange.har")).unwrap()).unwrap();
    assert_eq!(har["log"]["version"], "1.2");
    assert_eq!(har["log"]["entries"][0]["response"]["status"], 411);
    assert_eq!(
        har["log"]["entries"][0]["_findings"][0]["code"],
        "content-length-missing"
    );
}

#[test]
fn a_key_without_the_permission_is_named_with_the_permission_to_add() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let limited = Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    };
    let output = upwork_diag()
        .args([
            "diagnose",
            "-X",
            "GET",
            url,
            "-H",
            &signed_get_header(url, &limited),
            "--base-url",
            &emulator.base_url,
        ])
        .args(["--no-bundle"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("error[scope-missing]"), "{stdout}");
    assert!(
        stdout.contains(&format!("\"{}\"", demo::LIMITED_LACKS)),
        "{stdout}"
    );
    assert!(stdout.contains("GET /api/hr/v2/teams.json"), "{stdout}");
    assert!(stdout.contains("API Center"), "{stdout}");
}

#[test]
fn a_good_call_succeeds_with_exit_code_0() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("ok");
    upwork_diag()
        .args([
            "diagnose",
            url,
            "-H",
            &signed_get_header(url, &full_keys()),
            "--base-url",
            &emulator.base_url,
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(0)
        .stdout(predicates::str::contains("verdict: ok"));
    let b = read_bundle(&dir);
    assert_eq!(b["response"]["status"], 200);
    assert!(
        b["findings"].as_array().unwrap().is_empty(),
        "{:#}",
        b["findings"]
    );
    assert!(b["corrected"].is_null());
}

#[test]
fn no_answer_is_exit_3_with_the_transport_error_in_the_bundle() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    upwork_diag()
        .args([
            "diagnose",
            "https://www.upwork.com/api/auth/v1/info.json",
            "--base-url",
            &base,
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(3);
    let b = read_bundle(&dir);
    assert!(b["response"].is_null());
    assert_eq!(b["transport_error"]["kind"], "connection-refused");
    assert_eq!(b["verdict"]["outcome"], "no-response");
}

/// A call the emulator answers 500 (its fault mode), diagnosed into a bundle at `dir`: nothing
/// explains it.
fn unexplained_500(dir: &std::path::Path) -> std::process::Output {
    let emulator = Emulator::start();
    upwork_diag()
        .args([
            "diagnose",
            "https://www.upwork.com/api/auth/v1/info.json",
            "-H",
            "X-Mock-Fault: 500",
        ])
        .args(["--base-url", &emulator.base_url, "--out"])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn an_unexplained_failure_is_exit_4_with_the_escalation_block() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let output = unexplained_500(&dir);
    assert_eq!(
        output.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let b = read_bundle(&dir);
    assert_eq!(b["verdict"]["outcome"], "unexplained");
    assert_eq!(b["verdict"]["escalation"]["queue"], "Tech Support");
    assert_eq!(b["verdict"]["escalation"]["macro"], "API to Tech Support");
    assert_eq!(b["routing"]["route"], "tech-support");
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("API to Tech Support"), "{report}");
}

#[test]
fn explained_failures_carry_no_escalation_block() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            TOKEN_REQUEST,
            "--offline",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(1);
    let b = read_bundle(&dir);
    assert!(b["verdict"]["escalation"].is_null());
    assert_eq!(b["routing"]["route"], "developer");
    assert_eq!(b["replay"]["sent"], false);
}

#[test]
fn bad_input_is_exit_2_and_names_the_input() {
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            "ftp://www.upwork.com/api/x",
            "--offline",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "'ftp://www.upwork.com/api/x' is not an absolute",
        ));
    upwork_diag()
        .args([
            "diagnose",
            "https://www.upwork.com/",
            "-H",
            "no colon",
            "--offline",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("-H: expected 'Name: value'"))
        // Not quoted: without its colon, `Authorization Bearer <token>` is all value.
        .stderr(predicates::prelude::PredicateBooleanExt::not(
            predicates::str::contains("no colon"),
        ));
    upwork_diag().args(["diagnose"]).assert().code(2);
    upwork_diag()
        .args([
            "diagnose",
            "https://www.upwork.com/",
            "--secrets-file",
            "/nonexistent/secrets.env",
            "--offline",
        ])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("/nonexistent/secrets.env"));
}

#[test]
fn an_existing_bundle_is_never_overwritten() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("taken");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("bundle.json"), "precious").unwrap();
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            TOKEN_REQUEST,
            "--offline",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("never overwritten"));
    assert_eq!(
        std::fs::read_to_string(dir.join("bundle.json")).unwrap(),
        "precious"
    );
    let leftovers: Vec<_> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        leftovers.len(),
        1,
        "no temporary file left behind: {leftovers:?}"
    );
}

#[test]
fn no_secret_reaches_any_file_or_stream() {
    const CONSUMER_SECRET: &str = "CANARY-consumer-secret 7f3a";
    const TOKEN_SECRET: &str = "CANARY-token-secret/9b1e";
    const COOKIE: &str = "CANARYcookie0c4d";
    let keys_json = serde_json::json!({
        "consumers": [{
            "consumer_key": "canary-key",
            "consumer_secret": CONSUMER_SECRET,
            "access_tokens": [{ "token": "canary-token", "secret": TOKEN_SECRET, "username": "canary-user" }]
        }]
    });
    let emulator =
        Emulator::with_keys(upwork_diag_mock::Keys::from_json(&keys_json.to_string()).unwrap());
    let keys = Keys {
        consumer_key: "canary-key",
        consumer_secret: CONSUMER_SECRET,
        token: Some("canary-token"),
        token_secret: Some(TOKEN_SECRET),
    };
    // The token request without Content-Length: the corrected replay is signed again with the
    // secrets, so they are used in every stage.
    let consumer_only = Keys {
        token: None,
        token_secret: None,
        ..keys
    };
    let url = authorize(
        "POST",
        &RawUrl::parse(TOKEN_REQUEST).unwrap(),
        &[],
        &consumer_only,
        &SignOptions::default(),
    )
    .signed_url;
    let out = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("dir", vec![]),
        ("json", vec!["--format", "json"]),
        ("zip", vec!["--zip"]),
    ] {
        let target = out.path().join(if name == "zip" { "b.zip" } else { name });
        let output = upwork_diag()
            .args(["diagnose", "-X", "POST", &url])
            .args([
                "-H",
                &format!("Cookie: session={COOKIE}"),
                "--base-url",
                &emulator.base_url,
                "--out",
            ])
            .arg(&target)
            .args(extra)
            .envs(demo_env(
                "canary-key",
                CONSUMER_SECRET,
                Some(("canary-token", TOKEN_SECRET)),
            ))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{output:?}");
        if name == "json" {
            let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(
                printed["corrected"]["succeeded"], true,
                "the secrets were used: {printed:#}"
            );
        }
        for stream in [&output.stdout, &output.stderr] {
            assert_clean(
                &String::from_utf8_lossy(stream),
                &[CONSUMER_SECRET, TOKEN_SECRET, COOKIE],
            );
        }
    }
    let files = files_under(out.path());
    assert!(files.len() >= 7, "three bundles were written: {files:?}");
    for (path, bytes) in files {
        let text = if path.extension().is_some_and(|e| e == "zip") {
            unzip_text(&bytes)
        } else {
            String::from_utf8_lossy(&bytes).into_owned()
        };
        assert_clean(&text, &[CONSUMER_SECRET, TOKEN_SECRET, COOKIE]);
    }
}

fn assert_clean(text: &str, canaries: &[&str]) {
    for canary in canaries {
        for form in [
            canary.to_string(),
            canary.replace(' ', "%20").replace('/', "%2F"),
            canary.replace(' ', "+"),
        ] {
            assert!(
                !text.contains(&form),
                "a secret ({form}) leaked into:\n{text}"
            );
        }
    }
}

fn unzip_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut file, &mut all).unwrap();
    }
    assert_eq!(archive.len(), 3);
    all
}

/// The search of the FAQ: `q=web design` sent as `web+design` and signed the way form encoders
/// (`quote_plus`, PHP's `urlencode`) do.
fn space_as_plus_search() -> upwork_diag_core::request::CapturedRequest {
    let search = from_flags(
        Some("GET"),
        "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design",
        &[],
        None,
    )
    .unwrap();
    upwork_diag_core::oauth::sign_with_mistake(
        &search,
        &full_keys(),
        &SignOptions::default(),
        upwork_diag_core::oauth::MistakeKind::SpaceAsPlus,
    )
    .unwrap()
    .request
}

#[test]
fn a_401_with_spaces_names_the_mistake_and_the_fix_is_confirmed() {
    let emulator = Emulator::start();
    let request = space_as_plus_search();
    let output = upwork_diag()
        .args(["diagnose", request.url.as_str(), "-H"])
        .arg(format!(
            "Authorization: {}",
            request.header("authorization").unwrap()
        ))
        .args([
            "--base-url",
            &emulator.base_url,
            "--format",
            "json",
            "--no-bundle",
        ])
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
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(b["response"]["status"], 401);
    let codes = finding_codes(&b);
    assert_eq!(codes, ["param-encoding", "signature-mismatch"]);
    assert_eq!(b["findings"][0]["evidence"]["parameter"], "q");
    assert_eq!(b["findings"][0]["evidence"]["characters"][0], "+");
    let signature = &b["findings"][1];
    assert_eq!(signature["evidence"]["mistake"], "space-as-plus");
    assert!(
        signature["evidence"]["client_base_string"]
            .as_str()
            .unwrap()
            .contains("q%3Dweb%2Bdesign")
    );
    assert!(
        signature["evidence"]["expected_base_string"]
            .as_str()
            .unwrap()
            .contains("q%3Dweb%252Bdesign"),
        "Upwork reads the query's `+` as a plus"
    );
    assert_eq!(
        signature["evidence"]["mistakes"],
        serde_json::json!(["space-as-plus", "query-plus-as-space"])
    );
    assert_eq!(signature["evidence_level"], "reproduced");
    assert_eq!(b["corrected"]["succeeded"], true, "{:#}", b["corrected"]);
    assert!(
        b["corrected"]["url"]
            .as_str()
            .unwrap()
            .contains("q=web%20design")
    );
}

#[test]
fn without_secrets_the_plus_is_named_and_the_verdict_is_inconclusive() {
    let emulator = Emulator::start();
    let request = space_as_plus_search();
    let output = upwork_diag()
        .args(["diagnose", request.url.as_str(), "-H"])
        .arg(format!(
            "Authorization: {}",
            request.header("authorization").unwrap()
        ))
        .args(["--base-url", &emulator.base_url, "--no-bundle"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // Whether the client signed its `+` as a space (refused) or a plus (accepted) only the
    // secrets tell: the `+` is named as the FAQ's cause, and what to give to decide is said.
    assert_eq!(output.status.code(), Some(5), "{stdout}");
    assert!(
        stdout.contains("warning[param-encoding] (inconclusive): The query parameter q"),
        "{stdout}"
    );
    assert!(stdout.contains("UPWORK_CONSUMER_SECRET"), "{stdout}");
    assert!(!stdout.contains("API to Tech Support"), "{stdout}");
    assert!(
        !stdout.contains("signature-mismatch"),
        "no secret, no signature check: {stdout}"
    );
    assert!(
        !stdout.contains("corrected request"),
        "a signed call cannot be corrected without the secrets: {stdout}"
    );
}

#[test]
fn an_old_capture_refused_for_its_age_is_judged_by_the_call_signed_again_fresh() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let hour_ago = chrono::Utc::now().timestamp() as u64 - 3600;
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    let signed =
        upwork_diag_core::oauth::sign_request_at(&request, &full_keys(), "an-old-nonce", hour_ago);
    let header = format!("Authorization: {}", signed.header("authorization").unwrap());
    // Sent when it was signed: an old capture, not a slow clock (tests/suite/freshness.rs has the rest).
    let sent_at = hour_ago.to_string();
    let args = [
        url,
        "-H",
        &header,
        "--sent-at",
        &sent_at,
        "--base-url",
        &emulator.base_url,
    ];

    // The replay's refusal is its own doing: it says nothing of the call, and that is said.
    let (code, b) = diagnose_json(&args, Secrets::None);
    assert_eq!(code, Some(5), "{b:#}");
    assert_eq!(b["response"]["status"], 401);
    let stale = finding(&b, "replay-stale");
    assert_eq!(stale["evidence_level"], "inconclusive", "{stale:#}");
    assert!(b["corrected"].is_null(), "nothing to sign again with");
    assert!(b["verdict"]["escalation"].is_null());

    // Signed again fresh with the secrets, the call works: nothing is wrong with it.
    let (code, b) = diagnose_json(&args, Secrets::All);
    assert_eq!(b["corrected"]["succeeded"], true, "{:#}", b["corrected"]);
    assert_eq!(code, Some(0), "{b:#}");
    assert_eq!(b["verdict"]["outcome"], "ok");
    let summary = b["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.contains("nothing in the call itself is wrong"),
        "{summary}"
    );
}

#[test]
fn a_call_already_sent_is_not_blamed_for_the_nonce_its_replay_reuses() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    // The developer's own call, sent once (and refused for the key's permission), then diagnosed.
    let limited = Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    };
    let header = signed_get_header(url, &limited);
    let first = upwork_diag()
        .args(["diagnose", url, "-H", &header])
        .args(["--base-url", &emulator.base_url, "--no-bundle"])
        .output()
        .unwrap();
    assert_eq!(
        first.status.code(),
        Some(1),
        "the first sending: scope-missing"
    );

    // Replayed again without the secrets: the spent nonce is the replay's doing, not the call's.
    let args = [url, "-H", &header, "--base-url", &emulator.base_url];
    let (code, b) = diagnose_json(&args, Secrets::None);
    assert_eq!(code, Some(5), "{b:#}");
    let nonce = finding(&b, "nonce-reused");
    assert_eq!(nonce["evidence_level"], "inconclusive", "{nonce:#}");
    assert!(b["verdict"]["escalation"].is_null());

    // With the key's secrets, the call is sent again fresh and its own fault comes back.
    let output = upwork_diag()
        .args(["diagnose", url, "-H", &header])
        .args([
            "--base-url",
            &emulator.base_url,
            "--no-bundle",
            "--format",
            "json",
        ])
        .envs(demo_env(
            demo::LIMITED_CONSUMER_KEY,
            demo::LIMITED_CONSUMER_SECRET,
            Some((demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)),
        ))
        .output()
        .unwrap();
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{b:#}");
    assert_eq!(finding(&b, "scope-missing")["severity"], "error");
    assert_eq!(
        finding(&b, "nonce-reused")["evidence_level"],
        "inconclusive"
    );
}

#[test]
fn the_fault_that_a_fix_uncovers_is_named_too() {
    let emulator = Emulator::start();
    // A GraphQL POST without Content-Length (411) whose token also lacks a scope: the corrected
    // request gets past the 411 and meets the scope error, which is reported as well.
    let query = r#"{"query":"{ user { id } freelancerProfileByProfileKey(profileKey: \"~01\") { personalData { firstName } } }"}"#;
    let output = upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            "https://api.upwork.com/graphql",
            "-d",
            query,
        ])
        .args([
            "-H",
            &format!("Authorization: Bearer {}", demo::OAUTH2_LIMITED_TOKEN),
        ])
        .args([
            "-H",
            "Content-Type: application/json",
            "-H",
            &format!("X-Upwork-API-TenantId: {}", demo::TENANT_ID),
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
        String::from_utf8_lossy(&output.stdout)
    );
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(b["response"]["status"], 411);
    let codes = finding_codes(&b);
    assert_eq!(
        codes,
        ["content-length-missing", "scope-missing"],
        "{:#}",
        b["findings"]
    );
    let revealed = &b["findings"][1];
    assert_eq!(revealed["evidence"]["revealed_by"], "the corrected request");
    assert!(
        revealed["title"]
            .as_str()
            .unwrap()
            .contains("freelancerProfileByProfileKey"),
        "{revealed:#}"
    );
    assert_eq!(b["corrected"]["succeeded"], false);
}

#[test]
fn an_expired_token_is_refreshed_for_the_corrected_request_and_a_bad_refresh_token_is_named() {
    let emulator = Emulator::start();
    let query = r#"{"query":"{ user { id } }"}"#;
    let run = |refresh_token: &str| -> Value {
        let output = upwork_diag()
            .args([
                "diagnose",
                "-X",
                "POST",
                "https://api.upwork.com/graphql",
                "-d",
                query,
            ])
            .args([
                "-H",
                &format!("Content-Length: {}", query.len()),
                "-H",
                "Content-Type: application/json",
            ])
            .args([
                "-H",
                &format!("Authorization: Bearer {}", demo::OAUTH2_EXPIRED_TOKEN),
            ])
            .args([
                "--base-url",
                &emulator.base_url,
                "--format",
                "json",
                "--no-bundle",
            ])
            .envs(demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None))
            .env("UPWORK_REFRESH_TOKEN", refresh_token)
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    };

    let refreshed = run(demo::OAUTH2_EXPIRED_REFRESH_TOKEN);
    assert_eq!(finding_codes(&refreshed), ["token-expired"]);
    assert_eq!(
        refreshed["corrected"]["succeeded"], true,
        "{:#}",
        refreshed["corrected"]
    );
    // The new token was the only change and the call then worked: the finding is confirmed.
    assert_eq!(
        finding(&refreshed, "token-expired")["evidence_level"],
        "confirmed"
    );
    let bearer = refreshed["corrected"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"] == "Authorization")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        bearer.starts_with("Bearer [redacted"),
        "the new access token is a secret too: {bearer}"
    );

    let refused = run("not-a-refresh-token");
    assert_eq!(
        finding_codes(&refused),
        ["token-expired", "refresh-token-invalid"]
    );
    assert_eq!(
        refused["findings"][1]["evidence"]["revealed_by"],
        "the refresh of the access token"
    );
    assert!(refused["corrected"].is_null());
}

// Verdicts from evidence: what the tool cannot decide it says, and a pattern it cannot tie to the
// failure never fails a call.

/// Which demo secrets a run of [`diagnose_json`] gets in its environment.
#[derive(Clone, Copy)]
enum Secrets {
    None,
    ConsumerOnly,
    All,
}

/// `diagnose ARGS --no-bundle --format json` with these secrets: the exit code and the JSON.
fn diagnose_json(args: &[&str], secrets: Secrets) -> (Option<i32>, Value) {
    let mut command = upwork_diag();
    command
        .arg("diagnose")
        .args(args)
        .args(["--no-bundle", "--format", "json"]);
    match secrets {
        Secrets::None => {}
        Secrets::ConsumerOnly => {
            command.envs(demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None));
        }
        Secrets::All => {
            command.envs(demo_env(
                demo::CONSUMER_KEY,
                demo::CONSUMER_SECRET,
                Some((demo::TOKEN, demo::TOKEN_SECRET)),
            ));
        }
    }
    let output = command.output().unwrap();
    let json = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), json)
}

/// A GET of `url` signed with a consumer secret that is not the key's.
fn signed_with_a_wrong_secret(url: &str) -> String {
    signed_get_header(
        url,
        &Keys {
            consumer_secret: "not-the-consumer-secret",
            ..full_keys()
        },
    )
}

#[test]
fn a_refused_signature_without_the_secrets_is_inconclusive_not_escalated() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let header = signed_with_a_wrong_secret(url);
    let args = [url, "-H", &header, "--base-url", &emulator.base_url];
    let (code, b) = diagnose_json(&args, Secrets::None);
    assert_eq!(code, Some(5), "{b:#}");
    assert_eq!(b["response"]["status"], 401);
    assert_eq!(b["verdict"]["outcome"], "inconclusive");
    assert!(
        b["verdict"]["escalation"].is_null(),
        "nothing to escalate: {b:#}"
    );
    let unverified = finding(&b, "signature-unverified");
    assert_eq!(unverified["evidence_level"], "inconclusive");
    assert_eq!(
        unverified["evidence"]["missing"],
        serde_json::json!(["UPWORK_CONSUMER_SECRET", "UPWORK_TOKEN_SECRET"])
    );
    let summary = b["verdict"]["summary"].as_str().unwrap();
    assert!(summary.contains("UPWORK_CONSUMER_SECRET"), "{summary}");

    // Given the secrets, the same capture is explained: the call signed correctly with them
    // succeeds, so the captured signature was wrong (no known mistake names how).
    let (code, b) = diagnose_json(&args, Secrets::All);
    assert_eq!(code, Some(1), "{b:#}");
    assert_eq!(
        finding(&b, "signature-mismatch")["evidence_level"],
        "confirmed"
    );

    // A wrong secret given to the tool is not blamed on the call: the call signed correctly
    // with it is refused too, so the verdict says the secrets do not fit, and escalates nothing.
    let output = upwork_diag()
        .arg("diagnose")
        .args(args)
        .args(["--no-bundle", "--format", "json"])
        .envs(demo_env(
            demo::CONSUMER_KEY,
            "a-typo-in-the-secret",
            Some((demo::TOKEN, demo::TOKEN_SECRET)),
        ))
        .output()
        .unwrap();
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(5), "{b:#}");
    assert_eq!(b["corrected"]["succeeded"], false, "{b:#}");
    let mismatch = finding(&b, "signature-mismatch");
    assert_eq!(mismatch["evidence_level"], "inconclusive", "{mismatch:#}");
    assert!(
        mismatch["detail"]
            .as_str()
            .unwrap()
            .contains("the secrets given are not this key's"),
        "{mismatch:#}"
    );
    assert!(b["verdict"]["escalation"].is_null());
}

#[test]
fn a_call_with_no_credentials_at_all_is_auth_missing() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let (code, b) = diagnose_json(&[url, "--base-url", &emulator.base_url], Secrets::None);
    assert_eq!(code, Some(1), "{b:#}");
    assert_eq!(b["response"]["status"], 401);
    let missing = finding(&b, "auth-missing");
    assert_eq!(missing["severity"], "error");
    assert_eq!(missing["evidence_level"], "reproduced");
    assert!(b["verdict"]["escalation"].is_null());
}

#[test]
fn with_only_the_consumer_secret_a_correct_token_call_is_not_accused() {
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let header = signed_get_header(url, &full_keys());
    let (code, b) = diagnose_json(&[url, "-H", &header, "--offline"], Secrets::ConsumerOnly);
    assert_eq!(code, Some(0), "{b:#}");
    assert!(
        !finding_codes(&b).contains(&"signature-mismatch".to_string()),
        "checked with an empty token secret: {b:#}"
    );
    assert_eq!(
        finding(&b, "signature-unverified")["evidence"]["missing"],
        serde_json::json!(["UPWORK_TOKEN_SECRET"])
    );
}

#[test]
fn a_plus_in_a_form_body_is_a_risk_not_an_error() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/jobs/~01demo0001.json";
    let body = "http_method=put&title=New+title+~+%2A";
    let form = "Content-Type: application/x-www-form-urlencoded";
    let request = from_flags(
        Some("POST"),
        url,
        &[form.to_string()],
        Some(body.as_bytes().to_vec()),
    )
    .unwrap();
    let signed = sign_request(&request, &full_keys());
    let header = format!("Authorization: {}", signed.header("authorization").unwrap());
    let length = format!("Content-Length: {}", body.len());
    let mut args = vec!["-X", "POST", url, "-H", &header, "-H", form, "-H", &length];
    args.extend(["-d", body]);

    // Without the secrets, offline: a warning at most, and the check passes.
    let offline: Vec<&str> = args.iter().copied().chain(["--offline"]).collect();
    let (code, b) = diagnose_json(&offline, Secrets::None);
    assert_eq!(code, Some(0), "{b:#}");
    let plus = finding(&b, "param-encoding");
    assert_eq!(plus["severity"], "warning", "{plus:#}");
    assert_eq!(plus["evidence_level"], "risk");

    // With the secrets the signature checks out (the client signed what it sent): not a word
    // about the `+`, and Upwork's stand-in accepts the call.
    for target in [&["--offline"][..], &["--base-url", &emulator.base_url][..]] {
        let with: Vec<&str> = args.iter().copied().chain(target.iter().copied()).collect();
        let (code, b) = diagnose_json(&with, Secrets::All);
        assert_eq!(code, Some(0), "{target:?}: {b:#}");
        assert!(
            !finding_codes(&b).contains(&"param-encoding".to_string()),
            "{target:?}: {b:#}"
        );
    }
}

#[test]
fn a_wrong_secret_is_not_blamed_on_the_plus_in_the_query() {
    let emulator = Emulator::start();
    // Signed as requests-oauthlib signs it (the `+` read as a space), but with a wrong secret.
    let meant = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design";
    let sent = meant.replace("%20", "+");
    let header = signed_with_a_wrong_secret(meant);
    let args = [
        sent.as_str(),
        "-H",
        &header,
        "--base-url",
        &emulator.base_url,
    ];
    let (code, b) = diagnose_json(&args, Secrets::All);
    assert_eq!(code, Some(1), "{b:#}");
    let mismatch = finding(&b, "signature-mismatch");
    assert!(mismatch["evidence"]["mistake"].is_null(), "{mismatch:#}");
    assert_eq!(
        finding(&b, "param-encoding")["severity"],
        "warning",
        "the `+` does not reproduce this signature: {b:#}"
    );

    // With the right secret, the same `+` is the named cause, reproduced.
    let header = signed_get_header(meant, &full_keys());
    let args = [
        sent.as_str(),
        "-H",
        &header,
        "--base-url",
        &emulator.base_url,
    ];
    let (_, b) = diagnose_json(&args, Secrets::All);
    assert_eq!(
        b["response"]["status"], 401,
        "Upwork reads the `+` as a plus"
    );
    assert_eq!(
        finding(&b, "signature-mismatch")["evidence"]["mistake"],
        "query-plus-as-space"
    );
    let plus = finding(&b, "param-encoding");
    assert_eq!(
        (&plus["severity"], &plus["evidence_level"]),
        (&"error".into(), &"reproduced".into())
    );
    assert_eq!(b["corrected"]["succeeded"], true);
}

/// A HAR of one call to the teams endpoint, signed with the limited key (which lacks the teams
/// permission), with the answer Upwork gave it recorded.
fn har_with_recorded_no_access(dir: &std::path::Path) -> (std::path::PathBuf, String) {
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let limited = Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    };
    let header = signed_get_header(url, &limited);
    let authorization = header.trim_start_matches("Authorization: ").to_string();
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [{
        "startedDateTime": chrono::Utc::now().to_rfc3339(),
        "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1", "headers": [
            {"name": "Authorization", "value": authorization}
        ]},
        "response": {"status": 403, "statusText": "Forbidden", "httpVersion": "HTTP/1.1", "headers": [
            {"name": "X-Upwork-Error-Code", "value": "1013"},
            {"name": "X-Upwork-Error-Message", "value": "This APP has no access to the requested resource"}
        ], "content": {"mimeType": "application/json", "text": "{}"}}
    }]}});
    let path = dir.join("session.har");
    std::fs::write(&path, har.to_string()).unwrap();
    (path, header)
}

#[test]
fn the_answer_recorded_in_a_har_is_upworks_word_about_the_call() {
    let dir = tempfile::tempdir().unwrap();
    let (har, header) = har_with_recorded_no_access(dir.path());
    let har = har.to_str().unwrap();

    // Offline: the recorded 403 names the missing permission.
    let (code, b) = diagnose_json(&["--har", har, "--offline"], Secrets::None);
    assert_eq!(code, Some(1), "{b:#}");
    let scope = finding(&b, "scope-missing");
    assert_eq!(scope["evidence_level"], "reproduced");
    assert_eq!(
        scope["evidence"]["answer"],
        "the answer recorded in the capture"
    );

    // Replayed after the developer's own sending spent its nonce: the replay's refusal is its
    // own, and the recorded answer still explains the failure.
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let first = upwork_diag()
        .args([
            "diagnose",
            url,
            "-H",
            &header,
            "--base-url",
            &emulator.base_url,
        ])
        .arg("--no-bundle")
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1));
    let (code, b) = diagnose_json(
        &["--har", har, "--base-url", &emulator.base_url],
        Secrets::None,
    );
    assert_eq!(b["response"]["status"], 401, "{b:#}");
    assert_eq!(code, Some(1), "{b:#}");
    assert_eq!(finding(&b, "scope-missing")["severity"], "error");
    let summary = b["verdict"]["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("The call failed (403"),
        "the verdict quotes the call's own answer, not the replay's: {summary}"
    );
    assert_eq!(
        finding(&b, "nonce-reused")["evidence_level"],
        "inconclusive"
    );
}

#[test]
fn the_report_shows_the_url_as_called_and_the_emulator_that_answered_side_by_side() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let url = token_request_url();
    let output = upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            &url,
            "--base-url",
            &emulator.base_url,
        ])
        .args(["-H", "User-Agent: python-requests/2.31.0", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(&format!(
            "answer: 411 Length Required (from the upwork-diag emulator at {}, not Upwork)",
            emulator.base_url
        )),
        "{stdout}"
    );

    let b = read_bundle(&dir);
    assert_eq!(b["request"]["url"], url.as_str());
    assert_eq!(b["replay"]["called_origin"], "https://www.upwork.com");
    assert_eq!(b["replay"]["sent_origin"], emulator.base_url.as_str());
    assert_eq!(b["replay"]["destination"], "emulator");

    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let host = emulator.base_url.trim_start_matches("http://");
    for line in [
        format!("3. **Full URL:** `{url}` (as the developer called it)"),
        format!(
            "   - **Sent to:** `{}`: the upwork-diag emulator (--base-url), not Upwork; the \
             answer below is the emulator's",
            emulator.base_url
        ),
        "4. **Headers sent** (every line on the wire, in order, Host included):".to_string(),
        format!("   Host: {host}"),
        "   User-Agent: python-requests/2.31.0".to_string(),
    ] {
        assert!(report.lines().any(|l| l == line), "{line:?} in\n{report}");
    }
    assert!(
        report.contains("8. **Response status and headers from the upwork-diag emulator, not Upwork:** `HTTP/1.1 411 Length Required`"),
        "{report}"
    );

    let har: Value =
        serde_json::from_slice(&std::fs::read(dir.join("exchange.har")).unwrap()).unwrap();
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["request"]["url"], url.as_str());
    assert_eq!(entry["_sentTo"]["destination"], "emulator");
    assert_eq!(entry["_sentTo"]["sentOrigin"], emulator.base_url.as_str());
    assert!(
        entry["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["name"] == "Host" && h["value"] == host),
        "{entry:#}"
    );
}

#[test]
fn offline_the_report_lists_the_host_the_call_would_carry() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            TOKEN_REQUEST,
            "--offline",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(1);
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(
        report.contains("   - **Sent to:** nothing was sent (offline check)"),
        "{report}"
    );
    assert!(
        report.contains(
            "4. **Headers** (not sent: offline; as they would go on the wire, Host included):\n   ```\n   Host: www.upwork.com\n"
        ),
        "{report}"
    );
    assert!(!report.contains("(empty)"), "{report}");
}

#[test]
fn every_bundle_routes_as_the_runbook_says() {
    // Unexplained: Special Projects sends a touch response, then "API to Tech Support".
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("b");
    let output = unexplained_500(&dir);
    assert_eq!(output.status.code(), Some(4));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("route: handled by Tech Support"),
        "{stdout}"
    );
    assert!(
        stdout.contains("— macro \"API to Tech Support\""),
        "{stdout}"
    );
    let b = read_bundle(&dir);
    let routing = &b["routing"];
    assert_eq!(routing["handled_by"], "Tech Support");
    assert_eq!(routing["steps"][0]["macro"], "API to Special Projects");
    assert_eq!(routing["steps"][1]["team"], "Special Projects");
    assert_eq!(routing["steps"][1]["macro"], "API to Tech Support");
    assert!(routing["steps"][1]["touch_response"].is_string());
    assert_eq!(
        routing["runbook"][1],
        "If you are unable to solve the API issue after using the tools, please send a public \
         touch response first, then escalate using the API to Tech Support macro."
    );
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let touch = report
        .find("Public touch response to send first (this tool's template, not Upwork's words")
        .expect("a touch response in report.md");
    let tech_support = report.find("Macro: `API to Tech Support`").unwrap();
    assert!(report[..tech_support].contains("Handled by: **Tech Support**"));
    assert!(touch < report.rfind("> Hello").unwrap());

    // Explained: to Special Projects, who answer with the fix; nothing to Tech Support.
    let dir = out.path().join("explained");
    upwork_diag()
        .args([
            "diagnose",
            "-X",
            "POST",
            TOKEN_REQUEST,
            "--offline",
            "--out",
        ])
        .arg(&dir)
        .assert()
        .code(1);
    let b = read_bundle(&dir);
    assert_eq!(b["routing"]["handled_by"], "Special Projects");
    assert_eq!(b["routing"]["steps"][0]["macro"], "API to Special Projects");
    assert!(b["routing"]["steps"][1]["macro"].is_null());
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(!report.contains("API to Tech Support"), "{report}");
    assert!(
        report.contains("Macro: `API to Special Projects`"),
        "{report}"
    );
}

#[test]
fn the_public_version_masks_key_tokens_signatures_nonces_and_username_with_a_banner() {
    const CONSUMER_KEY: &str = "CANARYpublickey4e2a";
    const TOKEN: &str = "CANARYpublictoken81c0";
    const USERNAME: &str = "canarypublicuser";
    let keys_json = serde_json::json!({
        "consumers": [{
            "consumer_key": CONSUMER_KEY,
            "consumer_secret": "consumer-secret-1",
            "access_tokens": [{ "token": TOKEN, "secret": "token-secret-1", "username": USERNAME }]
        }]
    });
    let emulator =
        Emulator::with_keys(upwork_diag_mock::Keys::from_json(&keys_json.to_string()).unwrap());
    let keys = Keys {
        consumer_key: CONSUMER_KEY,
        consumer_secret: "consumer-secret-1",
        token: Some(TOKEN),
        token_secret: Some("token-secret-1"),
    };
    let url = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design";
    let out = tempfile::tempdir().unwrap();
    // Each run is signed afresh (the emulator refuses a nonce used twice); the nonce and the
    // signature are read from the header passed.
    let run = |name: &str, public: bool| {
        let header = signed_get_header(url, &keys);
        let read = |field: &str| {
            let start = header.find(&format!("{field}=\"")).unwrap() + field.len() + 2;
            header[start..start + header[start..].find('"').unwrap()].to_string()
        };
        let (nonce, signature) = (read("oauth_nonce"), read("oauth_signature"));
        let dir = out.path().join(name);
        let mut command = upwork_diag();
        command
            .args(["diagnose", url, "-H", &header, "--username", USERNAME])
            .args(["--base-url", &emulator.base_url, "--out"])
            .arg(&dir);
        if public {
            command.arg("--public");
        }
        let output = command.output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{output:?}");
        let mut texts = vec![String::from_utf8_lossy(&output.stdout).into_owned()];
        for (_, bytes) in files_under(&dir) {
            texts.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        (texts, nonce, signature)
    };

    // The support version keeps them: support finds the call in its logs by them.
    let (support, nonce, _) = run("support", false);
    let support = support.join("\n");
    for kept in [CONSUMER_KEY, TOKEN, USERNAME, nonce.as_str()] {
        assert!(support.contains(kept), "{kept} kept for support");
    }

    let (public, nonce, signature) = run("public", true);
    let encoded_signature = signature.replace('%', "%25");
    let decoded_signature = signature
        .replace("%2B", "+")
        .replace("%2F", "/")
        .replace("%3D", "=");
    for text in &public {
        for masked in [
            CONSUMER_KEY,
            TOKEN,
            USERNAME,
            nonce.as_str(),
            signature.as_str(),
            encoded_signature.as_str(),
            decoded_signature.as_str(),
        ] {
            assert!(
                !text.contains(masked),
                "{masked} in the public version:\n{text}"
            );
        }
        assert!(
            text.contains("Public version: besides the secrets"),
            "a banner in every output:\n{text}"
        );
        assert!(text.contains("Please don"), "the FAQ's reason:\n{text}");
    }
    let bundle: Value = serde_json::from_slice(
        &std::fs::read(out.path().join("public").join("bundle.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(bundle["audience"], "public");
    assert_eq!(
        bundle["request"]["oauth"]["consumer_key"],
        "[redacted consumer-key]"
    );
    assert_eq!(bundle["username"]["value"], "[redacted username]");
}

#[test]
fn the_secrets_of_another_key_neither_judge_nor_sign_the_call() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let header = signed_get_header(url, &full_keys());
    // The developer's own call, sent once: it worked.
    let first = upwork_diag()
        .args([
            "diagnose",
            url,
            "-H",
            &header,
            "--base-url",
            &emulator.base_url,
        ])
        .arg("--no-bundle")
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0));
    // Diagnosed again with the limited key's secrets in the environment.
    let output = upwork_diag()
        .args([
            "diagnose",
            url,
            "-H",
            &header,
            "--base-url",
            &emulator.base_url,
        ])
        .args(["--no-bundle", "--format", "json"])
        .envs(demo_env(
            demo::LIMITED_CONSUMER_KEY,
            demo::LIMITED_CONSUMER_SECRET,
            Some((demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)),
        ))
        .output()
        .unwrap();
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(5), "{b:#}");
    assert!(
        b["corrected"].is_null(),
        "never sent under another key: {b:#}"
    );
    assert!(!finding_codes(&b).contains(&"scope-missing".to_string()));
    let unverified = finding(&b, "signature-unverified");
    assert!(
        unverified["title"]
            .as_str()
            .unwrap()
            .contains("belongs to UPWORK_CONSUMER_KEY"),
        "{unverified:#}"
    );
}

#[test]
fn a_signature_right_for_a_wrong_secret_is_named_secret_rejected() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let wrong = "a-secret-copied-wrong";
    let header = signed_get_header(
        url,
        &Keys {
            consumer_secret: wrong,
            ..full_keys()
        },
    );
    let output = upwork_diag()
        .args([
            "diagnose",
            url,
            "-H",
            &header,
            "--base-url",
            &emulator.base_url,
        ])
        .args(["--no-bundle", "--format", "json"])
        .envs(demo_env(
            demo::CONSUMER_KEY,
            wrong,
            Some((demo::TOKEN, demo::TOKEN_SECRET)),
        ))
        .output()
        .unwrap();
    let b: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(1), "{b:#}");
    let rejected = finding(&b, "secret-rejected");
    assert_eq!(rejected["evidence_level"], "reproduced");
    assert!(b["verdict"]["escalation"].is_null(), "{b:#}");
}

#[test]
fn a_success_recorded_in_the_har_outweighs_a_refusal_of_the_replay() {
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [{
        "startedDateTime": chrono::Utc::now().to_rfc3339(),
        "request": {"method": "GET", "url": url, "headers": [
            {"name": "Authorization", "value": format!("Bearer {}", demo::OAUTH2_TOKEN)},
            // The emulator answers this replay 429, as a busy Upwork would.
            {"name": "X-Mock-Fault", "value": "429"}
        ]},
        "response": {"status": 200, "headers": [], "content": {"text": "{}"}}
    }]}});
    let path = dir.path().join("session.har");
    std::fs::write(&path, har.to_string()).unwrap();
    let args = [
        "--har",
        path.to_str().unwrap(),
        "--base-url",
        &emulator.base_url,
    ];
    let (code, b) = diagnose_json(&args, Secrets::None);
    assert_eq!(b["response"]["status"], 429, "{b:#}");
    assert_eq!(code, Some(0), "{b:#}");
    assert_eq!(finding(&b, "rate-limited")["severity"], "warning");
}

#[test]
fn the_public_version_withholds_the_answer_which_holds_personal_data() {
    let emulator = Emulator::start();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("public");
    let output = upwork_diag()
        .args(["diagnose", "https://www.upwork.com/api/auth/v1/info.json"])
        .args([
            "-H",
            &format!("Authorization: Bearer {}", demo::OAUTH2_TOKEN),
        ])
        .args(["--base-url", &emulator.base_url, "--public", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let support = upwork_diag()
        .args(["diagnose", "https://www.upwork.com/api/auth/v1/info.json"])
        .args([
            "-H",
            &format!("Authorization: Bearer {}", demo::OAUTH2_TOKEN),
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
    let b: Value = serde_json::from_slice(&support.stdout).unwrap();
    assert!(
        b["response"]["body"]["text"]
            .as_str()
            .unwrap()
            .contains("first_name"),
        "the support version keeps the answer: {b:#}"
    );
    for (path, bytes) in files_under(&dir) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("first_name"), "{}: {text}", path.display());
    }
}

#[test]
fn offline_the_report_shows_the_answer_the_capture_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let (har, _) = har_with_recorded_no_access(dir.path());
    let out = dir.path().join("bundle");
    let output = upwork_diag()
        .args([
            "diagnose",
            "--har",
            har.to_str().unwrap(),
            "--offline",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains(
            "8. **Response status and headers as the capture recorded them (nothing was sent):**"
        ),
        "{report}"
    );
    assert!(
        report.contains("This APP has no access to the requested resource"),
        "{report}"
    );
}
