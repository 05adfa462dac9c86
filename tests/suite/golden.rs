//! Golden output: what a user reads, pinned as reviewed insta snapshots (tests/suite/snapshots/suite__golden__*).
//! The summary of `diagnose` for each demo case (text and JSON), the bundle files of a failing and
//! a passing call, `demo`, `scan`, `sign`, `explain` and `keycheck`. A change to any of them shows
//! as a diff to review; what changes from run to run (times, nonces, signatures, ports, temporary
//! paths, fingerprints, durations, the version) is replaced by a placeholder first, so the
//! snapshots hold no such value and pass twice in a row.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{Emulator, demo_env, upwork_diag};
use upwork_diag_core::oauth::{
    Keys, MistakeKind, SignOptions, authorize, sign_request, sign_with_mistake,
};
use upwork_diag_core::request::{RawUrl, flags::from_flags};
use upwork_diag_mock::demo;

/// A regular expression matching `text` literally.
fn literal(text: &str) -> String {
    let mut escaped = String::new();
    for c in text.chars() {
        if "\\.+*?()|[]{}^$".contains(c) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

/// The filters for paths: the test's temporary directory (`temp`) and the checkout's, neither of
/// which may reach a snapshot.
fn paths_only(temp: Option<&Path>) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    if let Some(temp) = temp {
        settings.add_filter(&literal(&temp.display().to_string()), "[TMP]");
    }
    settings.add_filter(&literal(env!("CARGO_MANIFEST_DIR")), "[REPO]");
    settings
}

/// [`paths_only`] and the filters for what differs from run to run when a call is signed and sent
/// now. Order matters: insta applies them in turn.
fn settings(temp: Option<&Path>) -> insta::Settings {
    let mut settings = paths_only(temp);
    // OAuth 1.0 values that change with each signing: in a header (`oauth_nonce="x"`), a URL
    // (`oauth_nonce=x`), a base string (`oauth_nonce%3Dx`, `%253D` once more encoded), JSON
    // (`oauth_nonce=\"x\"`) and a HAR's queryString (`"name": "oauth_nonce", "value": "x"`).
    for (name, value, placeholder) in [
        ("nonce", "[A-Za-z0-9_-]+", "[NONCE]"),
        ("timestamp", "[0-9]+", "[TIMESTAMP]"),
        ("signature", "[A-Za-z0-9%+/=_.-]+", "[SIGNATURE]"),
    ] {
        settings.add_filter(
            &format!(r#"(oauth_{name}(?:=|%3D|%253D)(?:\\?"|%22|%2522)?){value}"#),
            format!("${{1}}{placeholder}"),
        );
        settings.add_filter(
            &format!(r#"("name": "oauth_{name}",\s*"value": "){value}"#),
            format!("${{1}}{placeholder}"),
        );
        // The bundle's reading of the OAuth parameters: `"nonce": "x"`.
        settings.add_filter(
            &format!(r#"("(?:[a-z]+_)?{name}": "){value}""#),
            format!("${{1}}{placeholder}\""),
        );
    }
    // Times: RFC 3339 (the bundle, HAR), HTTP dates (Date headers), bundle directory names, the
    // emulator's clock in its answers.
    settings.add_filter(
        r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?",
        "[TIME]",
    );
    settings.add_filter(
        r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT",
        "[HTTP-DATE]",
    );
    settings.add_filter(r"\d{8}T\d{6}Z", "[TIME]");
    settings.add_filter(r#"(server_time\\?"?:)\d+"#, "${1}[TIMESTAMP]");
    // Durations: the summary's "N ms", the bundle's and the HAR's milliseconds.
    settings.add_filter(r"(?:under )?\b\d+ ms\b", "[DURATION]");
    settings.add_filter(
        r#"("(?:elapsed_ms|time|send|wait|receive)": )\d+"#,
        "${1}[MS]",
    );
    // Loopback ports the emulator and the tests' servers take.
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[PORT]");
    // Digests, and the fingerprints of redacted values (of a secret the emulator makes anew).
    settings.add_filter(r"\b[0-9a-f]{64}\b", "[SHA256]");
    settings.add_filter(r"sha256:[0-9a-f]{8}\b", "sha256:[FINGERPRINT]");
    // The request token the emulator hands out, fresh each time.
    settings.add_filter(r"\brt-[0-9a-f]{32}\b", "rt-[TOKEN]");
    // The machine the tests run on, and the tool's version.
    settings.add_filter(r#"("tool": \{[^}]*"os": ")[^"]*""#, "${1}[THIS MACHINE]\"");
    settings.add_filter(&literal(env!("CARGO_PKG_VERSION")), "[VERSION]");
    settings
}

/// The process's standard output, as text.
fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// A snapshot must never hold one of the demo secrets: the redaction's promise, checked on what
/// is pinned.
fn assert_no_secret(name: &str, text: &str) {
    for secret in [
        demo::CONSUMER_SECRET,
        demo::TOKEN_SECRET,
        demo::LIMITED_CONSUMER_SECRET,
        demo::LIMITED_TOKEN_SECRET,
    ] {
        assert!(!text.contains(secret), "{name} holds the secret {secret}");
    }
}

/// One call of the demo (src/commands/demo.rs), as a user would paste it into `diagnose`.
struct DemoCase {
    name: &'static str,
    method: &'static str,
    url: String,
    headers: Vec<String>,
    env: Vec<(&'static str, String)>,
    exit: i32,
}

fn full_keys() -> Keys<'static> {
    Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    }
}

const USER_AGENT: &str = "User-Agent: python-requests/2.31.0";

/// A GET signed with these keys (a fresh nonce each time: the emulator refuses one seen twice).
fn signed_get(name: &'static str, url: &str, keys: &Keys<'_>, exit: i32) -> DemoCase {
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    let signed = sign_request(&request, keys);
    DemoCase {
        name,
        method: "GET",
        url: url.to_string(),
        headers: vec![
            USER_AGENT.to_string(),
            format!("Authorization: {}", signed.header("authorization").unwrap()),
        ],
        env: demo_env(
            keys.consumer_key,
            keys.consumer_secret,
            keys.token.zip(keys.token_secret),
        ),
        exit,
    }
}

/// The demo's five calls, signed now.
fn demo_cases() -> Vec<DemoCase> {
    let consumer_only = Keys {
        token: None,
        token_secret: None,
        ..full_keys()
    };
    let token_url = authorize(
        "POST",
        &RawUrl::parse("https://www.upwork.com/api/auth/v1/oauth/token/request").unwrap(),
        &[],
        &consumer_only,
        &SignOptions::default(),
    )
    .signed_url;
    let length_required = DemoCase {
        name: "1_token_request_411",
        method: "POST",
        url: token_url,
        headers: vec![USER_AGENT.to_string()],
        env: demo_env(demo::CONSUMER_KEY, demo::CONSUMER_SECRET, None),
        exit: 1,
    };

    let search_url =
        "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&paging=0%3B10";
    let search = from_flags(Some("GET"), search_url, &[], None).unwrap();
    let space_as_plus = sign_with_mistake(
        &search,
        &full_keys(),
        &SignOptions::default(),
        MistakeKind::SpaceAsPlus,
    )
    .unwrap()
    .request;
    let space_as_plus = DemoCase {
        name: "2_search_with_spaces_401",
        method: "GET",
        url: space_as_plus.url.as_str().to_string(),
        headers: vec![
            USER_AGENT.to_string(),
            format!(
                "Authorization: {}",
                space_as_plus.header("authorization").unwrap()
            ),
        ],
        env: demo_env(
            demo::CONSUMER_KEY,
            demo::CONSUMER_SECRET,
            Some((demo::TOKEN, demo::TOKEN_SECRET)),
        ),
        exit: 1,
    };

    let limited = Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    };
    vec![
        length_required,
        space_as_plus,
        signed_get(
            "3_teams_without_permission_403",
            "https://www.upwork.com/api/hr/v2/teams.json",
            &limited,
            1,
        ),
        signed_get(
            "4_good_call",
            "https://www.upwork.com/api/auth/v1/info.json",
            &full_keys(),
            0,
        ),
        signed_get(
            "5_disabled_job_profile_403",
            &format!(
                "https://www.upwork.com/api/profiles/v1/jobs/{}.json",
                demo::DISABLED_PROFILE_JOB
            ),
            &full_keys(),
            1,
        ),
    ]
}

/// `diagnose` of one case against the emulator, with the context the demo gives (and a fixed OS,
/// which would otherwise be this machine's).
fn diagnose(case: &DemoCase, base_url: &str, extra: &[&str]) -> Output {
    let mut command = upwork_diag();
    command
        .args([
            "diagnose",
            "-X",
            case.method,
            &case.url,
            "--base-url",
            base_url,
        ])
        .args(["--username", demo::USERNAME, "--platform", "command-line"])
        .args(["--os", "Linux"])
        .envs(case.env.clone());
    for header in &case.headers {
        command.args(["-H", header]);
    }
    let output = command.args(extra).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(case.exit),
        "{}: {}\n{}",
        case.name,
        stdout(&output),
        stderr(&output)
    );
    output
}

#[test]
fn the_diagnose_summary_of_each_demo_case() {
    let emulator = Emulator::start();
    let temp = tempfile::tempdir().unwrap();
    let _filters = settings(Some(temp.path())).bind_to_scope();
    for case in demo_cases() {
        let out = temp.path().join(case.name);
        let text = stdout(&diagnose(
            &case,
            &emulator.base_url,
            &["--out", out.to_str().unwrap()],
        ));
        assert_no_secret(case.name, &text);
        insta::assert_snapshot!(format!("diagnose_{}_text", case.name), text);
    }
    // Signed again: the emulator refuses a nonce it has seen.
    for case in demo_cases() {
        let text = stdout(&diagnose(
            &case,
            &emulator.base_url,
            &["--format", "json", "--no-bundle"],
        ));
        assert_no_secret(case.name, &text);
        let json: serde_json::Value = serde_json::from_str(&text).expect("--format json is JSON");
        assert!(json.is_object());
        insta::assert_snapshot!(format!("diagnose_{}_json", case.name), text);
    }
}

/// The three files of a bundle, and report.md of its `--public` variant.
fn bundle_files(case_index: usize, prefix: &str) {
    let emulator = Emulator::start();
    let temp = tempfile::tempdir().unwrap();
    let _filters = settings(Some(temp.path())).bind_to_scope();
    let private = temp.path().join("bundle");
    let case = demo_cases().remove(case_index);
    diagnose(
        &case,
        &emulator.base_url,
        &["--out", private.to_str().unwrap()],
    );
    for file in ["report.md", "bundle.json", "exchange.har"] {
        let text = std::fs::read_to_string(private.join(file)).unwrap();
        assert_no_secret(file, &text);
        insta::assert_snapshot!(format!("{prefix}_{file}"), text);
    }
    let public = temp.path().join("public");
    let case = demo_cases().remove(case_index);
    diagnose(
        &case,
        &emulator.base_url,
        &["--public", "--out", public.to_str().unwrap()],
    );
    let text = std::fs::read_to_string(public.join("report.md")).unwrap();
    assert_no_secret("public report.md", &text);
    insta::assert_snapshot!(format!("{prefix}_public_report.md"), text);
}

#[test]
fn the_bundle_of_a_failing_call() {
    bundle_files(0, "bundle_failing");
}

#[test]
fn the_bundle_of_a_passing_call() {
    bundle_files(3, "bundle_passing");
}

#[test]
fn the_demo_prints_each_case() {
    let temp = tempfile::tempdir().unwrap();
    let _filters = settings(Some(temp.path())).bind_to_scope();
    let output = upwork_diag()
        .args(["demo", "--out"])
        .arg(temp.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("demo", stdout(&output));
}

#[test]
fn scan_text_and_json() {
    // The fixtures' nonces and signatures are fixed: only the path needs a filter.
    let _filters = paths_only(None).bind_to_scope();
    for (name, file) in [
        (
            "session",
            "scan-session-with-failing-token-request-and-plus-search.har",
        ),
        ("browser", "browser-session-with-failing-token-request.har"),
    ] {
        let text = upwork_diag()
            .arg("scan")
            .arg(fixture(file))
            .output()
            .unwrap();
        insta::assert_snapshot!(format!("scan_{name}_text"), stdout(&text));
        let json = upwork_diag()
            .arg("scan")
            .arg(fixture(file))
            .args(["--format", "json"])
            .output()
            .unwrap();
        assert_eq!(json.status.code(), text.status.code());
        insta::assert_snapshot!(format!("scan_{name}_json"), stdout(&json));
    }
}

/// `sign` with the demo keys, a fixed nonce and timestamp: the whole output is deterministic.
fn sign(args: &[&str]) -> Output {
    upwork_diag()
        .args(["sign", "-X", "GET"])
        .arg("https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&paging=0%3B10")
        .args(["--nonce", "golden-nonce", "--timestamp", "1764477000"])
        .args(args)
        .envs(demo_env(
            demo::CONSUMER_KEY,
            demo::CONSUMER_SECRET,
            Some((demo::TOKEN, demo::TOKEN_SECRET)),
        ))
        .output()
        .unwrap()
}

#[test]
fn sign_shows_each_step() {
    // No filter: with a fixed nonce and timestamp the signature itself is pinned.
    for (name, args) in [
        ("sign_text", &[][..]),
        ("sign_json", &["--format", "json"][..]),
        (
            "sign_mistake_space_as_plus",
            &["--mistake", "space-as-plus"][..],
        ),
    ] {
        let output = sign(args);
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        let text = stdout(&output);
        assert_no_secret(name, &text);
        insta::assert_snapshot!(name, text);
    }
}

#[test]
fn sign_compare_shows_the_first_difference() {
    let temp = tempfile::tempdir().unwrap();
    let ours = stdout(&sign(&["--only", "base-string"]));
    // The base string of a client that decoded the '+' as a space before signing.
    let theirs = ours
        .trim_end()
        .replacen("web%252Bdesign", "web%2520design", 1);
    assert_ne!(
        ours.trim_end(),
        theirs,
        "the search's space is in the base string"
    );
    let file = temp.path().join("theirs.txt");
    std::fs::write(&file, theirs).unwrap();
    let _filters = paths_only(Some(temp.path())).bind_to_scope();
    let output = sign(&["--compare", file.to_str().unwrap()]);
    let text = stdout(&output);
    insta::assert_snapshot!(
        "sign_compare",
        format!("exit: {:?}\n{text}", output.status.code())
    );
}

#[test]
fn explain_a_code_and_the_list() {
    for (name, args) in [
        (
            "explain_content_length_missing",
            &["content-length-missing"][..],
        ),
        (
            "explain_content_length_missing_json",
            &["content-length-missing", "--format", "json"][..],
        ),
        ("explain_list", &["--list"][..]),
        ("explain_list_json", &["--list", "--format", "json"][..]),
    ] {
        let output = upwork_diag().arg("explain").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(0), "{name}: {}", stderr(&output));
        insta::assert_snapshot!(name, stdout(&output));
    }
}

#[test]
fn keycheck_pass_reject_and_review() {
    let _filters = paths_only(None).bind_to_scope();
    for (name, file, exit) in [
        ("keycheck_approved", "keycheck-approved.json", 0),
        (
            "keycheck_rejected",
            "keycheck-rejected-upwork-title-scraping.json",
            1,
        ),
        ("keycheck_review", "keycheck-review-judgment-calls.toml", 5),
    ] {
        let output = upwork_diag()
            .arg("keycheck")
            .arg(fixture(file))
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(exit),
            "{name}: {}",
            stderr(&output)
        );
        insta::assert_snapshot!(name, stdout(&output));
    }
    let output = upwork_diag()
        .arg("keycheck")
        .arg(fixture("keycheck-review-judgment-calls.toml"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    insta::assert_snapshot!("keycheck_review_json", stdout(&output));
}
