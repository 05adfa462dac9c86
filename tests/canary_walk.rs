//! The canary walk: every command and every output, with canary secrets given in the environment
//! and planted in the calls. No canary, in any encoding (written out in `common::canary`, not
//! taken from the redactor), may reach stdout, stderr, a file written (a zip unzipped), the
//! emulator's log or `/__mock/requests`.

mod common;

use std::path::Path;

use common::canary::{assert_clean, files_text};
use common::{MockProcess, http_get, upwork_diag};

const CONSUMER_KEY: &str = "walk-consumer-key";
const TOKEN: &str = "walk-token";
const CONSUMER_SECRET: &str = "CANARY walk/cs+1";
const TOKEN_SECRET: &str = "CANARY-walk-ts/2";
const ACCESS_TOKEN: &str = "CANARY-walk-at-3";
const REFRESH_TOKEN: &str = "CANARY-walk-rt-4";
const BEARER: &str = "CANARY-walk-bearer-5";
const COOKIE: &str = "CANARY-walk-cookie-6";
const URL_PASSWORD: &str = "CANARYwalkpass7";

const ALL: &[&str] = &[
    CONSUMER_SECRET,
    TOKEN_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    BEARER,
    COOKIE,
    URL_PASSWORD,
];

fn secrets_env() -> [(&'static str, &'static str); 6] {
    [
        ("UPWORK_CONSUMER_KEY", CONSUMER_KEY),
        ("UPWORK_CONSUMER_SECRET", CONSUMER_SECRET),
        ("UPWORK_TOKEN", TOKEN),
        ("UPWORK_TOKEN_SECRET", TOKEN_SECRET),
        ("UPWORK_ACCESS_TOKEN", ACCESS_TOKEN),
        ("UPWORK_REFRESH_TOKEN", REFRESH_TOKEN),
    ]
}

/// Runs one command with the canary secrets and checks what it printed; returns stdout.
fn walk(name: &str, args: &[&str], expect: &[i32]) -> String {
    let output = upwork_diag()
        .args(args)
        .envs(secrets_env())
        .output()
        .unwrap();
    let code = output.status.code().unwrap_or(-1);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        expect.contains(&code),
        "{name}: exit {code}, expected {expect:?}\n{stdout}\n{stderr}"
    );
    assert_clean(&format!("{name} stdout"), &stdout, ALL);
    assert_clean(&format!("{name} stderr"), &stderr, ALL);
    stdout
}

#[test]
fn no_canary_leaves_any_command_by_any_output() {
    // The inputs hold the canaries; the outputs must not.
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let outputs = tempfile::tempdir().unwrap();
    let keys = path("keys.json");
    std::fs::write(
        &keys,
        serde_json::json!({
            "consumers": [{
                "consumer_key": CONSUMER_KEY,
                "consumer_secret": CONSUMER_SECRET,
                "access_tokens": [{ "token": TOKEN, "secret": TOKEN_SECRET, "username": "walk-user" }]
            }]
        })
        .to_string(),
    )
    .unwrap();
    let log = dir.path().join("mock.log");
    let mock = MockProcess::start(Some(Path::new(&keys)), &log);
    let base = mock.base_url.as_str();

    // sign, in every form it prints.
    let search = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design";
    walk("sign", &["sign", search], &[0]);
    walk("sign json", &["sign", search, "--format", "json"], &[0]);
    walk("sign plaintext", &["sign", search, "--plaintext"], &[0]);
    for field in ["base-string", "signature", "authorization"] {
        walk(
            &format!("sign --only {field}"),
            &["sign", search, "--only", field],
            &[0],
        );
    }
    let signed_url = walk(
        "sign --only signed-url",
        &["sign", "-X", "POST", search, "--only", "signed-url"],
        &[0],
    );
    let signed_url = signed_url.trim();
    let authorization = walk(
        "sign --only authorization",
        &["sign", search, "--only", "authorization"],
        &[0],
    );
    let authorization = authorization.trim();

    // diagnose, each input kind, text and JSON, a directory and a zip, against the emulator.
    let with_password = signed_url.replace("https://", &format!("https://someone:{URL_PASSWORD}@"));
    let cookie = format!("Cookie: session_id={COOKIE}; theme=dark");
    let bearer = format!("Authorization: Bearer {BEARER}");
    let form = format!("grant_type=refresh_token&refresh_token={REFRESH_TOKEN}");
    let curl = path("call.curl");
    std::fs::write(
        &curl,
        format!(
            "curl -X POST '{search}&access_token={ACCESS_TOKEN}' -H 'Authorization: {authorization}' \
             -H '{cookie}' -u 'someone:{URL_PASSWORD}' -F 'client_secret={CONSUMER_SECRET}'\n"
        ),
    )
    .unwrap();
    let raw = path("call.http");
    std::fs::write(
        &raw,
        format!(
            "POST /api/v3/oauth2/token HTTP/1.1\r\nHost: www.upwork.com\r\n{bearer}\r\n\
             Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    )
    .unwrap();
    let har = path("session.har");
    let entry = |url: &str, headers: serde_json::Value| {
        serde_json::json!({
            "startedDateTime": chrono::Utc::now().to_rfc3339(),
            "request": {"method": "GET", "url": url, "httpVersion": "HTTP/1.1",
                "headers": headers, "queryString": [], "cookies": [], "headersSize": -1,
                "bodySize": 0},
            "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
                "headers": [{"name": "Set-Cookie", "value": format!("session_id={COOKIE}")}],
                "cookies": [], "content": {"size": 0, "mimeType": "text/plain",
                "text": format!("oauth_token_secret={TOKEN_SECRET}")},
                "redirectURL": "", "headersSize": -1, "bodySize": 0}
        })
    };
    let entries = serde_json::json!({"log": {"version": "1.2", "entries": [
        entry(search, serde_json::json!([{"name": "Authorization", "value": authorization}])),
        entry(
            &format!("https://www.upwork.com/api/auth/v1/info.json?access_token={ACCESS_TOKEN}"),
            serde_json::json!([{"name": "Authorization", "value": format!("Bearer {BEARER}")},
                               {"name": "Cookie", "value": format!("session_id={COOKIE}")}]),
        ),
    ]}});
    std::fs::write(&har, entries.to_string()).unwrap();
    let inputs: Vec<(&str, Vec<String>)> = vec![
        (
            "flags",
            vec![
                "-X".into(),
                "POST".into(),
                with_password.clone(),
                "-H".into(),
                cookie.clone(),
                "-H".into(),
                "Content-Type: application/x-www-form-urlencoded".into(),
                "-d".into(),
                form.clone(),
            ],
        ),
        ("curl", vec!["--curl".into(), curl.clone()]),
        ("har", vec!["--har".into(), har.clone()]),
        (
            "har entry 1",
            vec!["--har".into(), har.clone(), "--entry".into(), "1".into()],
        ),
        ("raw", vec!["--raw".into(), raw.clone()]),
    ];
    let out = outputs.path().join("bundles");
    for (name, input) in &inputs {
        for (variant, extra) in [
            ("text", vec![]),
            ("json", vec!["--format", "json"]),
            ("zip", vec!["--zip"]),
            // curl's -v and -i: every byte sent and received, on stderr and stdout.
            ("verbose", vec!["-v", "-i", "--color", "always"]),
            ("public", vec!["--public", "--zip"]),
        ] {
            let target = out.join(format!("{}-{variant}", name.replace(' ', "-")));
            let target = if variant == "zip" || variant == "public" {
                format!("{}.zip", target.display())
            } else {
                target.display().to_string()
            };
            let mut args = vec!["diagnose"];
            args.extend(input.iter().map(String::as_str));
            args.extend(["--base-url", base, "--timeout", "5", "--out", &target]);
            args.extend(extra);
            walk(&format!("diagnose {name} {variant}"), &args, &[0, 1, 4, 5]);
        }
    }
    walk(
        "diagnose offline, no bundle",
        &[
            "diagnose",
            &with_password,
            "-H",
            &bearer,
            "--offline",
            "--no-bundle",
        ],
        &[0, 1, 5],
    );

    // scan, keycheck, explain, demo.
    walk("scan", &["scan", &har, "--all"], &[0, 1]);
    walk(
        "scan json",
        &["scan", &har, "--all", "--format", "json"],
        &[0, 1],
    );
    let keycheck = path("key-request.json");
    let request: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/keycheck-approved.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let mut request = request;
    request["description"] = format!(
        "{} Our token is {ACCESS_TOKEN}, secret {CONSUMER_SECRET}.",
        request["description"].as_str().unwrap()
    )
    .into();
    std::fs::write(&keycheck, request.to_string()).unwrap();
    walk("keycheck", &["keycheck", &keycheck], &[0, 1]);
    walk(
        "keycheck json",
        &["keycheck", &keycheck, "--format", "json"],
        &[0, 1],
    );
    walk("explain --list", &["explain", "--list"], &[0]);
    walk("explain", &["explain", "token-expired"], &[0]);
    walk(
        "explain json",
        &["explain", "token-expired", "--format", "json"],
        &[0],
    );
    walk("completions", &["completions", "zsh"], &[0]);
    walk("man", &["man", "diagnose"], &[0]);
    walk("help", &["diagnose", "--help"], &[0]);
    // flow, each generation: its tokens go to the --save file only, kept outside the outputs.
    let saved = path("flow-oauth1.env");
    walk(
        "flow oauth1",
        &["flow", "oauth1", "--base-url", base, "--save", &saved],
        &[0],
    );
    let saved = path("flow-oauth2.env");
    walk(
        "flow oauth2",
        &["flow", "oauth2", "--base-url", base, "--save", &saved],
        &[0, 1],
    );
    let demo = outputs.path().join("demo").display().to_string();
    walk("demo", &["demo", "--out", &demo], &[0]);

    // The error paths, on stderr.
    let broken_har = path("broken.har");
    std::fs::write(
        &broken_har,
        format!("{{\"log\": {{\"entries\": [{{\"request\": \"Bearer {BEARER} {ACCESS_TOKEN}\""),
    )
    .unwrap();
    for (name, args) in [
        (
            "bad port",
            vec![
                "diagnose".to_string(),
                format!("https://someone:{URL_PASSWORD}@www.upwork.com:port/x"),
            ],
        ),
        (
            "bad header",
            vec![
                "diagnose".into(),
                search.into(),
                "-H".into(),
                format!("Authorization Bearer {BEARER}"),
            ],
        ),
        (
            "broken HAR",
            vec!["diagnose".into(), "--har".into(), broken_har.clone()],
        ),
        ("broken HAR scan", vec!["scan".into(), broken_har.clone()]),
        ("bundle exists", {
            let taken = out.join("flags-text").display().to_string();
            vec![
                "diagnose".into(),
                with_password.clone(),
                "--offline".into(),
                "--out".into(),
                taken,
            ]
        }),
    ] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        walk(&format!("error: {name}"), &args, &[2]);
    }

    // Every file written, the emulator's journal and its log.
    let written = files_text(outputs.path());
    assert!(written.len() > 10_000, "the bundles were written");
    assert_clean("the files written", &written, ALL);
    let journal = http_get(&format!("{base}/__mock/requests"));
    assert!(
        journal.contains(CONSUMER_KEY),
        "the journal has the calls: {journal}"
    );
    assert_clean("/__mock/requests", &journal, ALL);
    drop(mock);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() >= 15,
        "one line per request: {logged}"
    );
    assert_clean("the emulator's log", &logged, ALL);
}
