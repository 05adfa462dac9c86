//! Canary values for every kind of secret, through the real binary and the emulator: none may
//! reach bundle.json, report.md, exchange.har, the zip, stdout, stderr, `--format json`, the
//! emulator's log or `/__mock/requests`. What support needs to correlate stays, and each hidden
//! value is listed in `redactions[]` with its fingerprint.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::Path;

use crate::common::{MockProcess, files_under, http_get, upwork_diag};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys, SignOptions, authorize};
use upwork_diag_core::redact::fingerprint;
use upwork_diag_core::request::RawUrl;

const CONSUMER_KEY: &str = "canary-consumer-key";
const TOKEN: &str = "canary-oauth-token";
const CONSUMER_SECRET: &str = "CANARY consumer/secret 1a";
const TOKEN_SECRET: &str = "CANARY-token-secret/2b";
const ACCESS_TOKEN: &str = "CANARY-oauth2-access-3c";
const REFRESH_TOKEN: &str = "CANARY-oauth2-refresh-4d";
const BEARER: &str = "CANARY-bearer-header-5e";
const COOKIE: &str = "CANARY-cookie-6f";
const URL_PASSWORD: &str = "CANARYpass7a";
/// What the server answers with: a token secret, OAuth 2 tokens and a cookie of its own.
const RESPONSE_TOKEN_SECRET: &str = "CANARY-issued-token-secret-8b";
const RESPONSE_ACCESS_TOKEN: &str = "CANARY-issued-access-9c";
const RESPONSE_REFRESH_TOKEN: &str = "CANARY-issued-refresh-0d";
const SET_COOKIE: &str = "CANARY-set-cookie-1e";

const ALL: &[&str] = &[
    CONSUMER_SECRET,
    TOKEN_SECRET,
    ACCESS_TOKEN,
    REFRESH_TOKEN,
    BEARER,
    COOKIE,
    URL_PASSWORD,
    RESPONSE_TOKEN_SECRET,
    RESPONSE_ACCESS_TOKEN,
    RESPONSE_REFRESH_TOKEN,
    SET_COOKIE,
];

fn secrets_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("UPWORK_CONSUMER_KEY", CONSUMER_KEY),
        ("UPWORK_CONSUMER_SECRET", CONSUMER_SECRET),
        ("UPWORK_TOKEN", TOKEN),
        ("UPWORK_TOKEN_SECRET", TOKEN_SECRET),
        ("UPWORK_ACCESS_TOKEN", ACCESS_TOKEN),
        ("UPWORK_REFRESH_TOKEN", REFRESH_TOKEN),
    ]
}

/// The forms a canary may take once written: raw, percent-encoded, form-encoded, JSON-escaped.
fn assert_clean(place: &str, text: &str) {
    for canary in ALL {
        for form in [
            canary.to_string(),
            canary.replace(' ', "%20").replace('/', "%2F"),
            canary.replace(' ', "+").replace('/', "%2F"),
            canary.replace('/', "\\/"),
        ] {
            assert!(
                !text.contains(&form),
                "{place}: a secret ({form}) leaked:\n{text}"
            );
        }
    }
}

fn unzip_text(bytes: &[u8]) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut all = String::new();
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        file.read_to_string(&mut all).unwrap();
    }
    all
}

fn assert_files_clean(dir: &Path) -> usize {
    let files = files_under(dir);
    for (path, bytes) in &files {
        let text = if path.extension().is_some_and(|e| e == "zip") {
            unzip_text(bytes)
        } else {
            String::from_utf8_lossy(bytes).into_owned()
        };
        assert_clean(&path.display().to_string(), &text);
    }
    files.len()
}

/// A server that plays Upwork handing out credentials: a form token answer (OAuth 1.0 access
/// token) on every path but `/json`, an OAuth 2 JSON token answer there, each with a Set-Cookie.
fn token_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    return;
                }
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':')
                        && name.eq_ignore_ascii_case("content-length")
                    {
                        length = value.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let (content_type, answer) = if request_line.contains(" /json") {
                    (
                        "application/json",
                        format!(
                            r#"{{"access_token":"{RESPONSE_ACCESS_TOKEN}","refresh_token":"{RESPONSE_REFRESH_TOKEN}","token_type":"bearer","expires_in":86400}}"#
                        ),
                    )
                } else {
                    (
                        "application/x-www-form-urlencoded",
                        format!(
                            "oauth_token=issued-token&oauth_token_secret={RESPONSE_TOKEN_SECRET}"
                        ),
                    )
                };
                let mut stream = stream;
                let _ = write!(
                    stream,
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
                     Set-Cookie: session_id={SET_COOKIE}; Path=/; HttpOnly; Secure\r\n\
                     Connection: close\r\n\r\n{answer}",
                    answer.len()
                );
            });
        }
    });
    base
}

/// The token request with every OAuth 1.0 parameter in the URL (consumer key, token, nonce,
/// timestamp, signature in the clear, as support needs them) and a password in the URL.
fn signed_url(path: &str) -> String {
    let keys = Keys {
        consumer_key: CONSUMER_KEY,
        consumer_secret: CONSUMER_SECRET,
        token: Some(TOKEN),
        token_secret: Some(TOKEN_SECRET),
    };
    let url = format!("https://www.upwork.com{path}?q={ACCESS_TOKEN}");
    let signed = authorize(
        "POST",
        &RawUrl::parse(&url).unwrap(),
        &[],
        &keys,
        &SignOptions::default(),
    )
    .signed_url;
    signed.replace("https://", &format!("https://someone:{URL_PASSWORD}@"))
}

#[test]
fn no_canary_reaches_any_output_and_support_keeps_what_it_needs() {
    let server = token_server();
    let out = tempfile::tempdir().unwrap();
    let runs: &[(&str, &str, &[&str])] = &[
        ("dir", "/api/auth/v1/oauth/token/access", &[]),
        (
            "json",
            "/api/auth/v1/oauth/token/access",
            &["--format", "json"],
        ),
        ("zip", "/api/auth/v1/oauth/token/access", &["--zip"]),
        ("oauth2", "/json", &[]),
    ];
    for (name, path, extra) in runs {
        let target = out.path().join(if *name == "zip" { "b.zip" } else { name });
        let url = signed_url(path);
        let output = upwork_diag()
            .args(["diagnose", "-X", "POST", &url])
            .args(["-H", &format!("Authorization: Bearer {BEARER}")])
            .args(["-H", &format!("Cookie: session_id={COOKIE}; theme=dark")])
            .args(["-H", "Content-Type: application/x-www-form-urlencoded"])
            .args([
                "-d",
                &format!("grant_type=refresh_token&refresh_token={REFRESH_TOKEN}"),
            ])
            .args(["--base-url", &server, "--timeout", "5", "--out"])
            .arg(&target)
            .args(*extra)
            .envs(secrets_env())
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            output.status.code().is_some_and(|c| c != 2 && c != 3),
            "{name}: {:?}\n{stdout}\n{stderr}",
            output.status
        );
        assert_clean(&format!("{name} stdout"), &stdout);
        assert_clean(&format!("{name} stderr"), &stderr);
        if *name == "json" {
            let printed: Value = serde_json::from_str(&stdout).unwrap();
            assert_eq!(printed["response"]["status"], 200, "{printed:#}");
        }
    }
    assert!(assert_files_clean(out.path()) >= 10, "four bundles");

    // What support needs to correlate is kept.
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("dir/bundle.json")).unwrap())
            .unwrap();
    let oauth = &bundle["request"]["oauth"];
    assert_eq!(oauth["consumer_key"], CONSUMER_KEY, "{oauth:#}");
    assert_eq!(oauth["token"], TOKEN);
    for field in ["signature", "nonce", "timestamp"] {
        let value = oauth[field].as_str().unwrap_or_default();
        assert!(
            !value.is_empty() && !value.contains("redacted"),
            "{field}: {oauth:#}"
        );
    }
    let url = bundle["request"]["url"].as_str().unwrap();
    for kept in [
        "oauth_consumer_key=canary-consumer-key",
        "oauth_token=canary-oauth-token",
        "oauth_signature=",
        "oauth_nonce=",
        "oauth_timestamp=",
        "someone:[redacted",
    ] {
        assert!(url.contains(kept), "{kept} in {url}");
    }
    // The token answer: its secret hidden, its public token kept.
    let body = bundle["response"]["body"]["text"].as_str().unwrap();
    assert!(
        body.contains("oauth_token=issued-token&oauth_token_secret=[redacted"),
        "{body}"
    );
    // Each hidden value is listed with its fingerprint.
    let fingerprints: Vec<&str> = bundle["redactions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            assert!(r["what"].is_string() && r["where"].is_string(), "{r:#}");
            r["fingerprint"].as_str().unwrap()
        })
        .collect();
    for canary in [
        ACCESS_TOKEN,
        REFRESH_TOKEN,
        BEARER,
        COOKIE,
        URL_PASSWORD,
        RESPONSE_TOKEN_SECRET,
        SET_COOKIE,
    ] {
        let expected = fingerprint(canary);
        assert!(expected.starts_with("sha256:") && expected.len() == 15);
        assert!(
            fingerprints.contains(&expected.as_str()),
            "{canary} ({expected}) not listed: {:#}",
            bundle["redactions"]
        );
    }
    let oauth2: Value =
        serde_json::from_slice(&std::fs::read(out.path().join("oauth2/bundle.json")).unwrap())
            .unwrap();
    let listed = oauth2["redactions"].to_string();
    for canary in [RESPONSE_ACCESS_TOKEN, RESPONSE_REFRESH_TOKEN] {
        assert!(listed.contains(&fingerprint(canary)), "{canary}: {listed}");
    }
}

#[test]
fn the_emulator_log_and_journal_hold_no_canary() {
    let dir = tempfile::tempdir().unwrap();
    let keys = dir.path().join("keys.json");
    std::fs::write(
        &keys,
        serde_json::json!({
            "consumers": [{
                "consumer_key": CONSUMER_KEY,
                "consumer_secret": CONSUMER_SECRET,
                "access_tokens": [{ "token": TOKEN, "secret": TOKEN_SECRET, "username": "canary-user" }]
            }]
        })
        .to_string(),
    )
    .unwrap();
    let mock = MockProcess::start(Some(&keys), &dir.path().join("mock.log"));

    // A request token through the real OAuth 1.0 flow, signed with the canary secrets: the
    // emulator answers with an oauth_token_secret of its own.
    let consumer_only = Keys {
        consumer_key: CONSUMER_KEY,
        consumer_secret: CONSUMER_SECRET,
        token: None,
        token_secret: None,
    };
    let token_request = authorize(
        "POST",
        &RawUrl::parse("https://www.upwork.com/api/auth/v1/oauth/token/request").unwrap(),
        &[],
        &consumer_only,
        &SignOptions::default(),
    )
    .signed_url;
    let bundle_dir = dir.path().join("flow");
    let output = upwork_diag()
        .args(["diagnose", "-X", "POST", &token_request])
        .args(["-H", "Content-Length: 0"])
        .args(["--base-url", &mock.base_url, "--format", "json", "--out"])
        .arg(&bundle_dir)
        .envs(secrets_env())
        .output()
        .unwrap();
    let printed: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(printed["response"]["status"], 200, "{printed:#}");
    let body = printed["response"]["body"]["text"].as_str().unwrap();
    assert!(body.contains("oauth_token_secret=[redacted"), "{body}");
    assert!(
        printed["redactions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["what"] == "oauth_token_secret"),
        "{:#}",
        printed["redactions"]
    );
    assert_clean("flow stderr", &String::from_utf8_lossy(&output.stderr));

    // Requests that carry secrets in every place a client puts them, straight to the emulator.
    let PlaintextHeader(plaintext) = PlaintextHeader::new();
    let sends: Vec<(String, Vec<String>)> = vec![
        (
            format!("/api/auth/v1/info.json?access_token={ACCESS_TOKEN}&q=1"),
            vec![format!("Authorization: Bearer {BEARER}")],
        ),
        (
            "/api/auth/v1/info.json".to_string(),
            vec![
                format!("Cookie: session_id={COOKIE}; other={COOKIE}"),
                format!("Authorization: {plaintext}"),
            ],
        ),
        (
            "/api/v3/oauth2/token".to_string(),
            vec!["Content-Type: application/x-www-form-urlencoded".to_string()],
        ),
        (
            "/api/auth/v1/info.json".to_string(),
            vec![
                "X-Mock-Fault: 500".to_string(),
                format!("Authorization: Bearer {BEARER}"),
            ],
        ),
    ];
    for (i, (path, headers)) in sends.iter().enumerate() {
        let mut request = upwork_diag();
        request.args([
            "diagnose",
            "-X",
            "POST",
            &format!("https://www.upwork.com{path}"),
        ]);
        for header in headers {
            request.args(["-H", header]);
        }
        if i == 2 {
            request.args([
                "-d",
                &format!(
                    "grant_type=refresh_token&refresh_token={REFRESH_TOKEN}&client_secret={CONSUMER_SECRET}"
                ),
            ]);
        } else {
            request.args(["-d", &format!(r#"{{"password":"{URL_PASSWORD}"}}"#)]);
        }
        let output = request
            .args([
                "--base-url",
                &mock.base_url,
                "--no-bundle",
                "--timeout",
                "5",
            ])
            .envs(secrets_env())
            .output()
            .unwrap();
        assert!(
            output.status.code().is_some_and(|c| c != 2 && c != 3),
            "{output:?}"
        );
        assert_clean("stdout", &String::from_utf8_lossy(&output.stdout));
        assert_clean("stderr", &String::from_utf8_lossy(&output.stderr));
    }
    assert_files_clean(&bundle_dir);

    let journal = http_get(&format!("{}/__mock/requests", mock.base_url));
    let entries: Value = serde_json::from_str(&journal).unwrap();
    assert!(
        entries["requests"].as_array().map_or(0, Vec::len) >= 5,
        "the journal has every request: {journal}"
    );
    assert_clean("/__mock/requests", &journal);
    assert!(
        journal.contains(CONSUMER_KEY),
        "the journal keeps the consumer key: {journal}"
    );

    let log = mock.stop();
    assert!(log.lines().count() >= 5, "one line per request: {log}");
    assert_clean("the emulator's log", &log);
}

/// A PLAINTEXT Authorization header: its signature is the two secrets themselves.
struct PlaintextHeader(String);

impl PlaintextHeader {
    fn new() -> PlaintextHeader {
        let signature = format!(
            "{}&{}",
            upwork_diag_core::oauth::encode(CONSUMER_SECRET),
            upwork_diag_core::oauth::encode(TOKEN_SECRET)
        );
        PlaintextHeader(format!(
            "OAuth oauth_consumer_key=\"{CONSUMER_KEY}\", oauth_token=\"{TOKEN}\", \
             oauth_signature_method=\"PLAINTEXT\", oauth_timestamp=\"{}\", oauth_nonce=\"n0nce\", \
             oauth_version=\"1.0\", oauth_signature=\"{}\"",
            chrono::Utc::now().timestamp(),
            upwork_diag_core::oauth::encode(&signature)
        ))
    }
}
