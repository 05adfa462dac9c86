//! The interop suite: Upwork API calls made by real clients this project did not write, sent to
//! the emulator and then given to `diagnose`. Every correct call must be answered 2xx and
//! `diagnose --offline` must find nothing wrong with it (exit 0, no error finding); every call
//! carrying a mistake real users make with that client must be refused as Upwork refuses it, and
//! `diagnose` (the secrets in the environment) must name the cause: the finding code and, for a
//! signature, the named mistake.
//!
//! The clients (`tests/interop/`):
//! - Python: `oauthlib` (oauthlib_client.py); `requests` + `requests-oauthlib`; the official
//!   bindings `python-upwork` 2.1.0 (OAuth 1.0) and `python-upwork-oauth2` 3.2.0, each installed
//!   in its own directory under `tests/interop/pylib/` since both ship a package named `upwork`
//!   (python_clients.py);
//! - Node: `oauth-1.0a` and the official `@upwork/node-upwork-oauth2`, pinned by
//!   `tests/interop/package-lock.json` (node_clients.js);
//! - PHP: its own curl extension and streams, OAuth 1.0 signatures computed in PHP with
//!   `rawurlencode` and `urlencode` (php_clients.php); Debian's `php-cli` and `php-curl`. The
//!   token requests that PHP code sends without a declared length (a chunked one among them) are
//!   captured off the wire by a raw TCP listener here and given to `diagnose --raw`.
//!
//! Every mistake the signature search names is also made by one of these clients with a broken
//! part plugged in (tests/interop/oauthlib_mistakes.py, `node_clients.js oauth-1.0a-mistakes`,
//! `php_clients.php mistakes`) and must be named exactly (docs/interop.md).
//!
//! `.ci/run` installs them all, PHP included, and sets UPWORK_DIAG_REQUIRE_INTEROP=1, which turns
//! a missing one into a failure. Without it, a test whose client is missing prints `skipped: ...` and passes, so
//! that a plain `cargo test` works on a machine with no network.
// A test's own notes about skipped clients go to the terminal as they are: they hold no secret.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::common::{Emulator, demo_env, finding, finding_codes, upwork_diag};
use serde_json::Value;
use upwork_diag_mock::demo;

/// Set by `.ci/run`: a client that cannot run fails the test instead of skipping it.
const REQUIRE: &str = "UPWORK_DIAG_REQUIRE_INTEROP";

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// A real client, the command that drives it, and how to tell that it is installed.
struct Client {
    name: &'static str,
    program: &'static str,
    args: Vec<String>,
    /// A directory put on PYTHONPATH (the official Python bindings).
    pythonpath: Option<PathBuf>,
    /// A command that succeeds when the client can run, and how to install it when it cannot.
    probe: Vec<String>,
    install: &'static str,
}

impl Client {
    fn python(name: &'static str, script: &str, pylib: Option<&str>, import: &str) -> Client {
        let pythonpath = pylib.map(|dir| interop_dir().join("pylib").join(dir));
        Client {
            name,
            program: "python3",
            args: vec![interop_dir().join(script).display().to_string()],
            pythonpath,
            probe: vec!["-c".to_string(), format!("import {import}")],
            install: ".ci/run installs it (see the pip lines there)",
        }
    }

    fn node(name: &'static str, module: &str) -> Client {
        Client {
            name,
            program: "node",
            args: vec![interop_dir().join("node_clients.js").display().to_string()],
            pythonpath: None,
            probe: vec![
                "-e".to_string(),
                format!(
                    "require.resolve({module:?}, {{paths: [{:?}]}})",
                    interop_dir()
                ),
            ],
            install: "npm ci --prefix tests/interop",
        }
    }

    fn php(name: &'static str) -> Client {
        Client {
            name,
            program: "php",
            args: vec![interop_dir().join("php_clients.php").display().to_string()],
            pythonpath: None,
            probe: vec![
                "-r".to_string(),
                "exit(function_exists('curl_init') ? 0 : 1);".to_string(),
            ],
            install: "apt-get install php-cli php-curl; .ci/run installs them",
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(self.program);
        if let Some(path) = &self.pythonpath {
            command.env("PYTHONPATH", path);
        }
        command.current_dir(interop_dir());
        command
    }

    fn available(&self) -> bool {
        self.command()
            .args(&self.probe)
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// The calls the client made against the emulator, or `None` when it is not installed (and
    /// the suite is not required): then the skip is said on stderr.
    fn run(&self, emulator: &Emulator, extra_args: &[&str]) -> Option<Vec<Value>> {
        self.run_against(&emulator.base_url, extra_args)
    }

    /// True when the client can run; else the skip is said on stderr (a failure when required).
    fn ready(&self) -> bool {
        if !self.available() {
            assert!(
                std::env::var_os(REQUIRE).is_none(),
                "{REQUIRE} is set but the client {} cannot run ({})",
                self.name,
                self.install
            );
            let note = format!(
                "skipped: the interop client {} is not installed ({})",
                self.name, self.install
            );
            eprintln!("{note}");
            // The test harness keeps eprintln! to itself for a passing test; a write to the
            // process's stderr is shown by a plain `cargo test` (and found by `.ci/run`).
            let _ = writeln!(std::io::stderr(), "{note}");
            return false;
        }
        true
    }

    /// The calls the client made against the server at `base_url`, or `None` when it is not
    /// installed (see [`Client::ready`]).
    fn run_against(&self, base_url: &str, extra_args: &[&str]) -> Option<Vec<Value>> {
        self.run_with_keys(base_url, extra_args, &Secrets::DEMO)
    }

    /// The calls the client made against the server at `base_url` with `keys` (the other keys
    /// of the demo consumer unchanged), or `None` when it is not installed.
    fn run_with_keys(
        &self,
        base_url: &str,
        extra_args: &[&str],
        keys: &Secrets,
    ) -> Option<Vec<Value>> {
        if !self.ready() {
            return None;
        }
        let output = self
            .command()
            .args(&self.args)
            .args(extra_args)
            .arg(base_url)
            .envs(demo_keys())
            .envs(keys.client_env())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{} failed: {}",
            self.name,
            String::from_utf8_lossy(&output.stderr)
        );
        let calls: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
        assert!(!calls.is_empty(), "{} made no call", self.name);
        Some(calls)
    }
}

/// The emulator's demo keys, as the client scripts read them.
fn demo_keys() -> Vec<(&'static str, &'static str)> {
    vec![
        ("UPWORK_DIAG_DEMO_CONSUMER_KEY", demo::CONSUMER_KEY),
        ("UPWORK_DIAG_DEMO_CONSUMER_SECRET", demo::CONSUMER_SECRET),
        ("UPWORK_DIAG_DEMO_TOKEN", demo::TOKEN),
        ("UPWORK_DIAG_DEMO_TOKEN_SECRET", demo::TOKEN_SECRET),
        // The demo consumer's key and secret are its OAuth 2 client id and secret too.
        ("UPWORK_DIAG_DEMO_OAUTH2_CLIENT_ID", demo::CONSUMER_KEY),
        (
            "UPWORK_DIAG_DEMO_OAUTH2_CLIENT_SECRET",
            demo::CONSUMER_SECRET,
        ),
        ("UPWORK_DIAG_DEMO_OAUTH2_TOKEN", demo::OAUTH2_TOKEN),
        (
            "UPWORK_DIAG_DEMO_OAUTH2_LIMITED_TOKEN",
            demo::OAUTH2_LIMITED_TOKEN,
        ),
        ("UPWORK_DIAG_DEMO_TENANT_ID", demo::TENANT_ID),
    ]
}

fn label(call: &Value) -> String {
    format!(
        "{}/{}",
        call["client"].as_str().unwrap(),
        call["name"].as_str().unwrap()
    )
}

/// An OAuth 1.0 consumer key and access token with their secrets.
struct Secrets {
    consumer_key: &'static str,
    consumer_secret: &'static str,
    token: &'static str,
    token_secret: &'static str,
}

impl Secrets {
    const DEMO: Secrets = Secrets {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: demo::TOKEN,
        token_secret: demo::TOKEN_SECRET,
    };

    /// The variables the client scripts read them from.
    fn client_env(&self) -> [(&'static str, &'static str); 4] {
        [
            ("UPWORK_DIAG_DEMO_CONSUMER_KEY", self.consumer_key),
            ("UPWORK_DIAG_DEMO_CONSUMER_SECRET", self.consumer_secret),
            ("UPWORK_DIAG_DEMO_TOKEN", self.token),
            ("UPWORK_DIAG_DEMO_TOKEN_SECRET", self.token_secret),
        ]
    }
}

/// `diagnose` on the call as the client sent it, with the secrets of the key it was made with.
fn diagnose(call: &Value, emulator: Option<&Emulator>) -> (Option<i32>, Value) {
    diagnose_with(call, emulator, &Secrets::DEMO)
}

/// `diagnose` on the call as the client sent it, with `keys` in the environment.
fn diagnose_with(
    call: &Value,
    emulator: Option<&Emulator>,
    keys: &Secrets,
) -> (Option<i32>, Value) {
    let mut command = upwork_diag();
    command.args([
        "diagnose",
        "-X",
        call["method"].as_str().unwrap(),
        call["url"].as_str().unwrap(),
    ]);
    let headers = call["headers"].as_object().unwrap();
    for (header, value) in headers {
        command.args(["-H", &format!("{header}: {}", value.as_str().unwrap())]);
    }
    if let Some(body) = call["body"].as_str() {
        if !headers
            .keys()
            .any(|h| h.eq_ignore_ascii_case("content-length"))
        {
            command.args(["-H", &format!("Content-Length: {}", body.len())]);
        }
        // `--data=` keeps a body that starts with `-` (a multipart delimiter) a value.
        command.arg(format!("--data={body}"));
    }
    match emulator {
        Some(emulator) => command.args(["--base-url", &emulator.base_url]),
        None => command.arg("--offline"),
    };
    let output = command
        .args(["--no-bundle", "--format", "json"])
        .envs(demo_env(
            keys.consumer_key,
            keys.consumer_secret,
            Some((keys.token, keys.token_secret)),
        ))
        .output()
        .unwrap();
    let bundle = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "{}: diagnose printed no bundle: {}",
            label(call),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), bundle)
}

/// The emulator answered a correct call 2xx, and `diagnose --offline` finds no error in it.
fn check_correct(call: &Value) {
    let status = call["status"].as_u64().unwrap();
    assert!(
        (200..300).contains(&status),
        "the emulator refused the correct call {}: {call:#}",
        label(call)
    );
    let (code, bundle) = diagnose(call, None);
    let errors: Vec<&Value> = bundle["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(
        errors.is_empty() && code == Some(0),
        "false alarm on the correct call {} (exit {code:?}): {errors:#?}",
        label(call)
    );
}

/// The emulator refused the call as Upwork does, and `diagnose` names its cause.
fn check_mistake(call: &Value, emulator: &Emulator) {
    let status = call["status"].as_u64().unwrap();
    assert!(
        status == 401 || status == 403,
        "the emulator accepted the broken call {} (status {status}): {call:#}",
        label(call)
    );
    let expected = call["code"].as_str().unwrap_or("signature-mismatch");
    // A bearer token's scope is known only from the server's answer: that call is replayed to the
    // emulator. An OAuth 1.0 signature is checked offline, from the secrets, when a known mistake
    // reproduces it; one wrong for no known reason (signed with another secret) could as well be
    // a wrong secret given to the tool: offline that is inconclusive, and only the call signed
    // correctly with the secrets given, sent, confirms it.
    let bearer = call["headers"]
        .as_object()
        .unwrap()
        .values()
        .any(|v| v.as_str().is_some_and(|v| v.starts_with("Bearer ")));
    let unknown_signature_fault = expected == "signature-mismatch" && call["mistake"].is_null();
    if unknown_signature_fault {
        let (code, bundle) = diagnose(call, None);
        assert_eq!(code, Some(5), "{}: {bundle:#}", label(call));
        assert_eq!(
            crate::common::finding(&bundle, "signature-mismatch")["evidence_level"],
            "inconclusive",
            "{}",
            label(call)
        );
    }
    let (code, bundle) = diagnose(
        call,
        (bearer || unknown_signature_fault).then_some(emulator),
    );
    assert_eq!(code, Some(1), "{}: {bundle:#}", label(call));
    let finding = bundle["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == expected)
        .unwrap_or_else(|| panic!("{}: no {expected} in {:#}", label(call), bundle["findings"]));
    assert_eq!(finding["severity"], "error", "{}: {finding:#}", label(call));
    // A named mistake reproduces the captured signature, and a scope is named by the server's own
    // answer: both are "reproduced".
    if unknown_signature_fault {
        assert_eq!(
            finding["evidence_level"],
            "confirmed",
            "{}: {finding:#}",
            label(call)
        );
    }
    let reproduced = !call["mistake"].is_null() || expected == "scope-missing";
    if reproduced {
        assert_eq!(
            finding["evidence_level"],
            "reproduced",
            "{}: {finding:#}",
            label(call)
        );
    }
    // The mistake is named by the signature finding (its `mistake`), whichever finding leads.
    if expected == "signature-mismatch" || !call["mistake"].is_null() {
        let signature = bundle["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["code"] == "signature-mismatch")
            .unwrap_or_else(|| {
                panic!(
                    "{}: no signature-mismatch in {:#}",
                    label(call),
                    bundle["findings"]
                )
            });
        assert_eq!(
            signature["evidence"]["mistake"],
            call["mistake"],
            "{}: {signature:#}",
            label(call)
        );
    }
}

/// Runs a client against a fresh emulator and checks every call it made.
fn check_client(client: Client, extra_args: &[&str]) {
    let emulator = Emulator::start();
    let Some(calls) = client.run(&emulator, extra_args) else {
        return;
    };
    for call in &calls {
        if call["expect"] == "accept" {
            check_correct(call);
        } else {
            check_mistake(call, &emulator);
        }
    }
    assert!(
        calls.iter().any(|c| c["expect"] == "accept")
            && calls.iter().any(|c| c["expect"] == "reject"),
        "{}: the suite needs correct and broken calls",
        client.name
    );
}

fn oauthlib() -> Client {
    Client::python("oauthlib", "oauthlib_client.py", None, "oauthlib")
}

fn requests_oauthlib() -> Client {
    Client::python(
        "requests-oauthlib",
        "python_clients.py",
        None,
        "requests_oauthlib",
    )
}

fn python_upwork() -> Client {
    Client::python(
        "python-upwork 2.1.0",
        "python_clients.py",
        Some("oauth1"),
        "upwork.routers.jobs.search",
    )
}

fn python_upwork_oauth2() -> Client {
    Client::python(
        "python-upwork-oauth2 3.2.0",
        "python_clients.py",
        Some("oauth2"),
        "upwork.routers.graphql",
    )
}

fn oauth_1_0a() -> Client {
    Client::node("oauth-1.0a", "oauth-1.0a")
}

fn node_upwork_oauth2() -> Client {
    Client::node("@upwork/node-upwork-oauth2", "@upwork/node-upwork-oauth2")
}

#[test]
fn oauthlib_calls_pass_or_fail_as_they_should() {
    check_client(oauthlib(), &[]);
}

#[test]
fn requests_oauthlib_calls_pass_or_fail_as_they_should() {
    check_client(requests_oauthlib(), &["requests-oauthlib"]);
}

#[test]
fn python_upwork_official_oauth1_binding_calls_pass_or_fail_as_they_should() {
    check_client(python_upwork(), &["python-upwork"]);
}

#[test]
fn python_upwork_oauth2_official_binding_calls_pass_or_fail_as_they_should() {
    check_client(python_upwork_oauth2(), &["python-upwork-oauth2"]);
}

#[test]
fn oauth_1_0a_calls_pass_or_fail_as_they_should() {
    check_client(oauth_1_0a(), &["oauth-1.0a"]);
}

#[test]
fn node_upwork_oauth2_official_binding_calls_pass_or_fail_as_they_should() {
    check_client(node_upwork_oauth2(), &["node-upwork-oauth2"]);
}

fn php() -> Client {
    Client::php("php (curl extension and streams)")
}

#[test]
fn php_signed_calls_pass_or_fail_as_they_should() {
    // rawurlencode (RFC 3986) is accepted; urlencode is refused, and `diagnose` names how: a space
    // signed as `+` (space-as-plus), a `~` signed as `%7E` (rfc1738-encoder).
    check_client(php(), &["calls"]);
}

/// A raw TCP listener on 127.0.0.1 that records each request as it comes off the wire, head and
/// body (read to the end its framing gives), and answers it as Upwork's front end does: 411.
/// To `Expect: 100-continue` it first answers `100 Continue`, as a server that reads the body does,
/// so that libcurl sends its body at once.
struct WireCapture {
    base_url: String,
    captures: std::sync::mpsc::Receiver<Vec<u8>>,
}

impl WireCapture {
    fn start() -> WireCapture {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let (sender, captures) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { break };
                if sender.send(capture_one(stream)).is_err() {
                    break;
                }
            }
        });
        WireCapture { base_url, captures }
    }

    fn next(&self) -> Vec<u8> {
        self.captures
            .recv_timeout(Duration::from_secs(20))
            .expect("a request reached the listener")
    }
}

fn capture_one(mut stream: TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 8192];
    let mut read_more = |stream: &mut TcpStream, bytes: &mut Vec<u8>| match stream.read(&mut buffer)
    {
        Ok(0) | Err(_) => false,
        Ok(n) => {
            bytes.extend_from_slice(&buffer[..n]);
            true
        }
    };
    let head_end = loop {
        if let Some(i) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        if !read_more(&mut stream, &mut bytes) {
            return bytes;
        }
    };
    let head = String::from_utf8_lossy(&bytes[..head_end]).to_ascii_lowercase();
    let header = |name: &str| {
        head.lines().find_map(|l| {
            l.strip_prefix(&format!("{name}:"))
                .map(|v| v.trim().to_string())
        })
    };
    if header("expect").as_deref() == Some("100-continue") {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
    }
    if header("transfer-encoding").is_some_and(|te| te.ends_with("chunked")) {
        // The last chunk and the blank line after it end a chunked body (no trailers here).
        while !bytes[head_end..].ends_with(b"0\r\n\r\n") {
            if !read_more(&mut stream, &mut bytes) {
                break;
            }
        }
    } else if let Some(length) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        while bytes.len() < head_end + length {
            if !read_more(&mut stream, &mut bytes) {
                break;
            }
        }
    }
    let page = "<html>\r\n<head><title>411 Length Required</title></head>\r\n<body>\r\n<center><h1>411 Length Required</h1></center>\r\n</body>\r\n</html>\r\n";
    let _ = write!(
        stream,
        "HTTP/1.1 411 Length Required\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    bytes
}

/// The three ways PHP sends the token request that Upwork answers 411 (issue 18), and the fix.
const TOKEN_REQUESTS: [&str; 4] = [
    "curl-post-without-postfields",
    "curl-customrequest-post",
    "stream-post-without-content",
    "curl-post-with-empty-postfields",
];

#[test]
fn php_token_requests_without_a_length_are_refused_and_diagnosed_from_their_wire_capture() {
    let client = php();
    let emulator = Emulator::start();
    // What the emulator answers PHP itself: 411 to the three, 200 to the call with its length.
    let Some(answers) = client.run(&emulator, &["token-requests"]) else {
        return;
    };
    let statuses: Vec<(&str, u64)> = answers
        .iter()
        .map(|a| (a["name"].as_str().unwrap(), a["status"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        TOKEN_REQUESTS
            .iter()
            .zip([411, 411, 411, 200])
            .map(|(n, s)| (*n, s))
            .collect::<Vec<_>>()
    );

    // The same calls captured off the wire, then given to `diagnose --raw` and replayed to the
    // emulator with the consumer's secret (so that the corrected call can be signed again).
    let listener = WireCapture::start();
    let php_run = std::thread::spawn({
        let base = listener.base_url.clone();
        move || php().run_against(&base, &["token-requests"])
    });
    let captures: Vec<Vec<u8>> = TOKEN_REQUESTS.iter().map(|_| listener.next()).collect();
    php_run.join().unwrap().unwrap();
    let chunked = String::from_utf8_lossy(&captures[0]);
    assert!(
        chunked.contains("Transfer-Encoding: chunked")
            && chunked.contains("Expect: 100-continue")
            && chunked.ends_with("\r\n\r\n0\r\n\r\n"),
        "libcurl's chunked POST as issue 18 shows it: {chunked}"
    );
    let dir = tempfile::tempdir().unwrap();
    for (name, capture) in TOKEN_REQUESTS.iter().zip(&captures) {
        let path = dir.path().join(format!("{name}.http"));
        std::fs::write(&path, capture).unwrap();
        let output = upwork_diag()
            .args(["diagnose", "--raw"])
            .arg(&path)
            .args(["--base-url", &emulator.base_url])
            .args(["--no-bundle", "--format", "json"])
            .envs(demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None))
            .output()
            .unwrap();
        let bundle: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "{name}: no bundle: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let codes = finding_codes(&bundle);
        if *name == "curl-post-with-empty-postfields" {
            assert_eq!(output.status.code(), Some(0), "{name}: {codes:?}");
            assert_eq!(bundle["response"]["status"], 200, "{name}");
            continue;
        }
        assert_eq!(output.status.code(), Some(1), "{name}: {bundle:#}");
        assert_eq!(bundle["response"]["status"], 411, "{name}");
        assert!(
            !codes
                .iter()
                .any(|c| c == "param-encoding" || c == "chunked-body-malformed"),
            "{name}: the body's framing was read as parameters: {codes:?}"
        );
        let length = finding(&bundle, "content-length-missing");
        assert_eq!(length["severity"], "error", "{name}");
        // Its fix alone (the length declared, the call signed again for a fresh nonce) made the
        // emulator accept the call.
        assert_eq!(length["evidence_level"], "confirmed", "{name}: {length:#}");
        assert_eq!(bundle["corrected"]["succeeded"], true, "{name}");
        if *name == "curl-post-without-postfields" {
            assert_eq!(length["evidence"]["framing"], "chunked");
            assert_eq!(length["evidence"]["expect"], "100-continue");
            let fix = length["fix"].as_str().unwrap();
            assert!(fix.contains("CURLOPT_POSTFIELDS => ''"), "{fix}");
            let notes = bundle["request"]["notes"].to_string();
            assert!(notes.contains("chunked"), "{notes}");
        }
    }
}

/// The key the outside reproductions sign with: secrets holding `&`, which RFC 5849 encodes in
/// the signing key, so that a key built from them unencoded (`secret-not-encoded`) differs.
const OUTSIDE: Secrets = Secrets {
    consumer_key: "outside-consumer-key",
    consumer_secret: "outside&consumer-secret",
    token: "outside-token",
    token_secret: "outside&token-secret",
};

/// The emulator, knowing only [`OUTSIDE`]'s key and token.
fn outside_emulator() -> Emulator {
    let keys = serde_json::json!({"consumers": [{
        "consumer_key": OUTSIDE.consumer_key,
        "consumer_secret": OUTSIDE.consumer_secret,
        "access_tokens": [{"token": OUTSIDE.token, "secret": OUTSIDE.token_secret,
                           "username": "outside-user"}],
    }]});
    Emulator::with_keys(upwork_diag_mock::Keys::from_json(&keys.to_string()).unwrap())
}

/// The emulator refused a call carrying one known mistake, and `diagnose` names exactly that
/// mistake, offline (from the secrets alone) and with the call replayed to the emulator.
fn check_named_mistake(call: &Value, emulator: &Emulator) {
    let status = call["status"].as_u64().unwrap();
    assert_eq!(
        status,
        401,
        "the emulator did not refuse {} as Upwork does: {call:#}",
        label(call)
    );
    let mistake = call["mistake"].as_str().unwrap();
    for replayed_to in [None, Some(emulator)] {
        let how = if replayed_to.is_some() {
            "replayed"
        } else {
            "offline"
        };
        let (code, bundle) = diagnose_with(call, replayed_to, &OUTSIDE);
        assert_eq!(code, Some(1), "{} ({how}): {bundle:#}", label(call));
        let signature = finding(&bundle, "signature-mismatch");
        assert_eq!(
            (&signature["severity"], &signature["evidence_level"]),
            (&Value::from("error"), &Value::from("reproduced")),
            "{} ({how}): {signature:#}",
            label(call)
        );
        assert_eq!(
            signature["evidence"]["mistakes"],
            serde_json::json!([mistake]),
            "{} ({how}): {signature:#}",
            label(call)
        );
        if let Some(leading) = call["code"].as_str() {
            assert_eq!(
                bundle["findings"][0]["code"],
                leading,
                "{} ({how}): {:#}",
                label(call),
                bundle["findings"]
            );
        }
    }
}

/// Every mistake the signature search can name (`MistakeKind::ALL`) is made by a client this
/// project did not write — oauthlib with a broken encoder plugged in, PHP's own encoders, the
/// Node library oauth-1.0a given what real code gives it — and `diagnose` names exactly that one.
/// The signatures are computed by those libraries, never by the recipes the search replays, so a
/// recipe that drifts from what clients really do (double encoding made triple) fails here.
#[test]
fn every_named_signing_mistake_is_reproduced_by_an_outside_client() {
    let emulator = outside_emulator();
    let outside_clients = [
        (
            Client::python(
                "oauthlib (broken encoders)",
                "oauthlib_mistakes.py",
                None,
                "oauthlib",
            ),
            vec![],
        ),
        (
            Client::node("oauth-1.0a (mistakes)", "oauth-1.0a"),
            vec!["oauth-1.0a-mistakes"],
        ),
        (
            Client::php("php (urlencode, hand-ordered parameters)"),
            vec!["mistakes"],
        ),
    ];
    let mut named = std::collections::BTreeSet::new();
    let mut every_client_ran = true;
    for (client, args) in outside_clients {
        let Some(calls) = client.run_with_keys(&emulator.base_url, &args, &OUTSIDE) else {
            every_client_ran = false;
            continue;
        };
        for call in &calls {
            check_named_mistake(call, &emulator);
            named.insert(call["mistake"].as_str().unwrap().to_string());
        }
    }
    if every_client_ran {
        let all: std::collections::BTreeSet<String> = upwork_diag_core::oauth::MistakeKind::ALL
            .iter()
            .map(|k| k.name().to_string())
            .collect();
        assert_eq!(
            named, all,
            "each named mistake needs an outside reproduction"
        );
    }
}
