//! The canary walk: every command and every output, with canary secrets given in the environment
//! and planted in the calls. No canary, in any encoding (computed in `crate::common::canary`, not taken
//! from the redactor; for the consumer and token secrets also written out literally here, as
//! Python's encoders write them), may reach stdout, stderr, a file written (a zip unzipped), the
//! emulator's log or `/__mock/requests`.

use std::path::Path;

use crate::common::canary::{assert_clean, files_text};
use crate::common::{MockProcess, http_get, upwork_diag};

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

/// The consumer secret as clients write it, each form written out here (not computed by this
/// suite or the redactor). Made once with Python 3.11's urllib.parse and base64:
/// `quote(s, safe='~')`, its hex in lowercase, `quote_plus(s, safe='~')` and lowercase,
/// `quote(quote(s, safe='~'), safe='~')`, `b64encode(s)`, `b64encode('someone:' + s)`, JSON's
/// `\/`, and `quote(s.replace('+', ' '), safe='~')` (a `+` read as a space, re-encoded).
const CONSUMER_SECRET_FORMS: &[&str] = &[
    "CANARY walk/cs+1",
    "CANARY%20walk%2Fcs%2B1",
    "CANARY%20walk%2fcs%2b1",
    "CANARY+walk%2Fcs%2B1",
    "CANARY+walk%2fcs%2b1",
    "CANARY%2520walk%252Fcs%252B1",
    "Q0FOQVJZIHdhbGsvY3MrMQ==",
    "c29tZW9uZTpDQU5BUlkgd2Fsay9jcysx",
    "CANARY walk\\/cs+1",
    "CANARY%20walk%2Fcs%201",
];

/// The token secret's forms, made the same way (its `quote_plus` is its `quote`).
const TOKEN_SECRET_FORMS: &[&str] = &[
    "CANARY-walk-ts/2",
    "CANARY-walk-ts%2F2",
    "CANARY-walk-ts%2f2",
    "CANARY-walk-ts%252F2",
    "Q0FOQVJZLXdhbGstdHMvMg==",
    "c29tZW9uZTpDQU5BUlktd2Fsay10cy8y",
    "CANARY-walk-ts\\/2",
];

/// Fails when `text` holds any written-out form of either secret, or the canary word at all
/// (what is left of a secret redacted only in part).
fn assert_no_written_out_form(place: &str, text: &str) {
    for form in CONSUMER_SECRET_FORMS.iter().chain(TOKEN_SECRET_FORMS) {
        assert!(
            !text.contains(form),
            "{place}: a secret leaked as {form:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("CANARY"),
        "{place}: part of a secret is left:\n{text}"
    );
}

/// The written-out forms are those Python's own encoders produce, checked again here when
/// python3 runs (`UPWORK_DIAG_REQUIRE_INTEROP`, set by `.ci/run`, makes its absence a failure).
#[test]
#[allow(clippy::disallowed_macros, clippy::disallowed_methods)] // the test's own skip note
fn the_written_out_secret_forms_are_what_python_writes() {
    let script = r#"
import base64, re, sys
from urllib.parse import quote, quote_plus
lower = lambda t: re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), t)
for s in sys.argv[1:]:
    for form in [s, quote(s, safe="~"), lower(quote(s, safe="~")), quote_plus(s, safe="~"),
                 lower(quote_plus(s, safe="~")), quote(quote(s, safe="~"), safe="~"),
                 base64.b64encode(s.encode()).decode(),
                 base64.b64encode(("someone:" + s).encode()).decode(),
                 quote(s.replace("+", " "), safe="~")]:
        print(form)
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script, CONSUMER_SECRET, TOKEN_SECRET])
        .output();
    let Some(output) = output.ok().filter(|o| o.status.success()) else {
        assert!(
            std::env::var_os("UPWORK_DIAG_REQUIRE_INTEROP").is_none(),
            "python3 is required and cannot run"
        );
        let note = "skipped: python3 is not installed: the written-out secret forms are not \
                    compared with Python's encoders";
        eprintln!("{note}");
        let _ = std::io::Write::write_all(&mut std::io::stderr(), format!("{note}\n").as_bytes());
        return;
    };
    let python = String::from_utf8(output.stdout).unwrap();
    for form in python.lines() {
        assert!(
            CONSUMER_SECRET_FORMS.contains(&form) || TOKEN_SECRET_FORMS.contains(&form),
            "Python writes {form:?}, not among the written-out forms"
        );
    }
}

/// The consumer secret and token secret given to `diagnose` in the call itself — in the query,
/// a form body, a PLAINTEXT Authorization header, `curl -u`, a header of no telling name, a HAR
/// entry, a raw request — each in one of the forms clients write, under names that say nothing:
/// no output (stdout, stderr, report.md, bundle.json, exchange.har, the zip) holds any of the
/// written-out forms above.
#[test]
fn secrets_given_in_the_call_itself_reach_no_output() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();
    let keys = path("keys.json");
    std::fs::write(
        &keys,
        serde_json::json!({"consumers": [{
            "consumer_key": CONSUMER_KEY,
            "consumer_secret": CONSUMER_SECRET,
            "access_tokens": [{"token": TOKEN, "secret": TOKEN_SECRET, "username": "walk-user"}]
        }]})
        .to_string(),
    )
    .unwrap();
    let mock = MockProcess::start(Some(Path::new(&keys)), &dir.path().join("mock.log"));

    let [cs, cs_pct, cs_lower, cs_form, cs_form_lower, cs_twice, ..] = CONSUMER_SECRET_FORMS else {
        unreachable!()
    };
    let [ts, ts_pct, ts_lower, ts_twice, ..] = TOKEN_SECRET_FORMS else {
        unreachable!()
    };
    // PLAINTEXT: the signature is the key (both secrets encoded, joined by `&`), and the header
    // encodes it once more.
    let plaintext = format!(
        "Authorization: OAuth oauth_consumer_key=\"{CONSUMER_KEY}\", oauth_token=\"{TOKEN}\", \
         oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"{}\", oauth_nonce=\"walk\", \
         oauth_signature=\"{cs_twice}%26{ts_twice}\"",
        chrono::Utc::now().timestamp(),
    );
    let jobs = "https://www.upwork.com/api/hr/v2/jobs.json";
    let search = "https://www.upwork.com/api/profiles/v2/search/jobs.json";
    let form = "Content-Type: application/x-www-form-urlencoded";

    let curl = path("call.curl");
    std::fs::write(
        &curl,
        format!(
            "curl '{search}?q={cs_pct}&t={ts_lower}' -u 'someone:{cs}' -H 'X-Note: {ts}' \
             --data 'memo={cs_form}&note={ts_pct}'\n"
        ),
    )
    .unwrap();
    let har = path("session.har");
    let entry = serde_json::json!({
        "startedDateTime": chrono::Utc::now().to_rfc3339(),
        "request": {"method": "POST", "url": format!("{jobs}?q={cs_form_lower}"),
            "httpVersion": "HTTP/1.1",
            "headers": [{"name": "Authorization", "value": &plaintext["Authorization: ".len()..]},
                        {"name": "Content-Type", "value": "application/x-www-form-urlencoded"}],
            "queryString": [{"name": "q", "value": cs}], "cookies": [], "headersSize": -1,
            "bodySize": -1,
            "postData": {"mimeType": "application/x-www-form-urlencoded",
                         "text": format!("memo={cs_form}&note={ts_pct}")}},
        "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
            "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/plain"},
            "redirectURL": "", "headersSize": -1, "bodySize": 0}
    });
    std::fs::write(
        &har,
        serde_json::json!({"log": {"version": "1.2", "entries": [entry]}}).to_string(),
    )
    .unwrap();
    let raw = path("call.http");
    let body = format!("memo={cs_lower}&note={ts_lower}&ref={cs_twice}");
    std::fs::write(
        &raw,
        format!(
            "POST /api/hr/v2/jobs.json?q={cs_form} HTTP/1.1\r\nHost: www.upwork.com\r\n\
             {plaintext}\r\n{form}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        ),
    )
    .unwrap();

    let inputs: Vec<(&str, Vec<String>)> = vec![
        (
            "flags",
            vec![
                "-X".into(),
                "POST".into(),
                format!("{jobs}?q={cs_form}&t={ts_pct}&ref={ts_twice}"),
                "-H".into(),
                plaintext.clone(),
                "-H".into(),
                form.into(),
                "-d".into(),
                format!("memo={cs_lower}&note={ts}"),
            ],
        ),
        ("curl", vec!["--curl".into(), curl]),
        ("har", vec!["--har".into(), har]),
        ("raw", vec!["--raw".into(), raw]),
    ];
    let outputs = tempfile::tempdir().unwrap();
    for (name, input) in &inputs {
        for (variant, zip) in [("dir", false), ("zip", true)] {
            let out = outputs.path().join(format!("{name}-{variant}"));
            let mut command = upwork_diag();
            command
                .arg("diagnose")
                .args(input)
                .args(["--base-url", &mock.base_url, "--timeout", "5"])
                .args(["--format", "json", "--out"]);
            if zip {
                command.arg(format!("{}.zip", out.display())).arg("--zip");
            } else {
                command.arg(&out);
            }
            let output = command.envs(secrets_env()).output().unwrap();
            let code = output.status.code();
            let place = format!("diagnose {name} {variant}");
            assert!(
                matches!(code, Some(0 | 1 | 4 | 5)),
                "{place}: exit {code:?}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            assert_no_written_out_form(
                &format!("{place} stdout"),
                &String::from_utf8_lossy(&output.stdout),
            );
            assert_no_written_out_form(
                &format!("{place} stderr"),
                &String::from_utf8_lossy(&output.stderr),
            );
            let written: Vec<String> = if zip {
                let bytes = std::fs::read(format!("{}.zip", out.display())).unwrap();
                let archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
                archive.file_names().map(str::to_string).collect()
            } else {
                std::fs::read_dir(&out)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            };
            for file in ["report.md", "bundle.json", "exchange.har"] {
                assert!(
                    written.iter().any(|w| w.ends_with(file)),
                    "{place}: no {file} in {written:?}"
                );
            }
        }
    }
    assert_no_written_out_form("the bundles written", &files_text(outputs.path()));
}
