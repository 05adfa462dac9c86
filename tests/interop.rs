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
//!   `tests/interop/package-lock.json` (node_clients.js).
//!
//! `.ci/run` installs them all and sets UPWORK_DIAG_REQUIRE_INTEROP=1, which turns a missing one
//! into a failure. Without it, a test whose client is missing prints `skipped: ...` and passes, so
//! that a plain `cargo test` works on a machine with no network.
// A test's own notes about skipped clients go to the terminal as they are: they hold no secret.
#![allow(clippy::disallowed_macros, clippy::disallowed_methods)]

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Emulator, demo_env, upwork_diag};
use serde_json::Value;
use upwork_diag::mock::demo;

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
            return None;
        }
        let output = self
            .command()
            .args(&self.args)
            .args(extra_args)
            .arg(&emulator.base_url)
            .envs(demo_keys())
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

/// `diagnose` on the call as the client sent it, with the secrets of the key it was made with.
fn diagnose(call: &Value, emulator: Option<&Emulator>) -> (Option<i32>, Value) {
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
            demo::CONSUMER_KEY,
            demo::CONSUMER_SECRET,
            Some((demo::TOKEN, demo::TOKEN_SECRET)),
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
    // emulator. An OAuth 1.0 signature is checked offline, from the secrets.
    let bearer = call["headers"]
        .as_object()
        .unwrap()
        .values()
        .any(|v| v.as_str().is_some_and(|v| v.starts_with("Bearer ")));
    let (code, bundle) = diagnose(call, bearer.then_some(emulator));
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
