//! The other commands of the binary: demo, explain, sign, mock.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use crate::common::{http_get, upwork_diag};

#[test]
fn the_demo_explains_four_failures_and_writes_five_bundles() {
    let out = tempfile::tempdir().unwrap();
    let output = upwork_diag()
        .args(["demo", "--out"])
        .arg(out.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for expected in [
        "411 Length Required",
        "explained by content-length-missing (confirmed)",
        "corrected request: 200 OK: that fix alone made it succeed: confirmed",
        "401 Unauthorized: Verification of signature failed.",
        "explained by signature-mismatch (reproduced)",
        "space-as-plus",
        "corrected request: 200 OK: the call works once signed correctly",
        "403 Forbidden: This APP has no access to the requested resource",
        "explained by scope-missing (reproduced)",
        "GET /api/auth/v1/info.json -> 200 OK",
        "403 Forbidden: Profile ~01d79d1f56f49fcea6 is disabled",
        "explained by profile-disabled (reproduced)",
    ] {
        assert!(
            stdout.contains(expected),
            "missing {expected:?} in:\n{stdout}"
        );
    }
    assert!(!stdout.contains("UNEXPECTED"), "{stdout}");
    let run = std::fs::read_dir(out.path())
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let mut bundles: Vec<String> = std::fs::read_dir(&run)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    bundles.sort();
    assert_eq!(
        bundles,
        [
            "1-token-request-411",
            "2-search-with-spaces-401",
            "3-teams-without-permission-403",
            "4-good-call",
            "5-disabled-job-profile-403"
        ]
    );
    for bundle in bundles {
        for file in ["bundle.json", "report.md", "exchange.har"] {
            assert!(run.join(&bundle).join(file).is_file(), "{bundle}/{file}");
        }
    }
}

#[test]
fn explain_prints_the_docs_page_of_each_code() {
    for doc in upwork_diag_core::findings::ALL {
        let page = std::fs::read_to_string(format!(
            "{}/docs/findings/{}.md",
            env!("CARGO_MANIFEST_DIR"),
            doc.code
        ))
        .unwrap();
        upwork_diag()
            .args(["explain", doc.code.as_str()])
            .assert()
            .success()
            .stdout(page);
    }
    upwork_diag()
        .args(["explain", "no-such-code"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "unknown finding code 'no-such-code'",
        ));
}

#[test]
fn sign_prints_each_step_and_compare_marks_the_first_difference() {
    let output = upwork_diag()
        .args([
            "sign",
            "-X",
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design",
        ])
        .args([
            "--nonce",
            "n0nce",
            "--timestamp",
            "1700000000",
            "--format",
            "json",
        ])
        .envs(crate::common::demo_env("ck", "cs", Some(("tk", "ts"))))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let base = json["base_string"].as_str().unwrap();
    assert_eq!(
        base,
        "GET&https%3A%2F%2Fwww.upwork.com%2Fapi%2Fprofiles%2Fv2%2Fsearch%2Fjobs.json&oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1700000000%26oauth_token%3Dtk%26q%3Dweb%2520design"
    );
    assert!(
        json["authorization"]
            .as_str()
            .unwrap()
            .starts_with("OAuth ")
    );
    assert!(
        json["signed_url"]
            .as_str()
            .unwrap()
            .contains("oauth_signature=")
    );
    assert!(!json["signature"].as_str().unwrap().is_empty());
    let only = upwork_diag()
        .args([
            "sign",
            "-X",
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design",
        ])
        .args([
            "--nonce",
            "n0nce",
            "--timestamp",
            "1700000000",
            "--only",
            "authorization",
        ])
        .envs(crate::common::demo_env("ck", "cs", Some(("tk", "ts"))))
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&only.stdout),
        format!("{}\n", json["authorization"].as_str().unwrap())
    );

    let dir = tempfile::tempdir().unwrap();
    let theirs = dir.path().join("mine.txt");
    std::fs::write(&theirs, base.replace("%2520", "%2B")).unwrap();
    upwork_diag()
        .args([
            "sign",
            "-X",
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design",
        ])
        .args(["--nonce", "n0nce", "--timestamp", "1700000000", "--compare"])
        .arg(&theirs)
        .envs(crate::common::demo_env("ck", "cs", Some(("tk", "ts"))))
        .assert()
        .code(1)
        .stdout(predicates::str::contains(format!(
            "differs from ours at byte {}",
            base.find("%2520").unwrap() + 2
        )))
        .stdout(predicates::str::contains("space-as-plus"));
}

#[test]
fn sign_never_prints_a_plaintext_signature() {
    let output = upwork_diag()
        .args([
            "sign",
            "https://www.upwork.com/api/auth/v1/info.json",
            "--plaintext",
            "--format",
            "json",
        ])
        .envs(crate::common::demo_env(
            "ck",
            "canary-consumer-secret",
            Some(("tk", "canary-token-secret")),
        ))
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !stdout.contains("canary-consumer-secret") && !stdout.contains("canary-token-secret"),
        "{stdout}"
    );
    assert!(stdout.contains("[redacted"), "{stdout}");
}

#[test]
fn the_mock_announces_its_address_answers_and_stops_on_sigterm() {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
        .args(["mock", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let base = first_line
        .trim()
        .strip_prefix("listening on ")
        .expect("the first line announces the address")
        .to_string();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let journal: serde_json::Value =
        serde_json::from_str(&http_get(&format!("{base}/__mock/requests"))).unwrap();
    assert!(journal.is_array() || journal.is_object(), "{journal}");
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));

    upwork_diag()
        .args(["mock", "--listen", "0.0.0.0:0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("loopback addresses only"));
}

#[test]
fn mock_accept_chunked_lets_a_chunked_body_through() {
    // The same chunked POST to `upwork-diag mock` with and without the flag: 411, then read.
    let chunked_post = |base: &str| {
        let host = base.strip_prefix("http://").unwrap();
        let mut stream = std::net::TcpStream::connect(host).unwrap();
        write!(
            stream,
            "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
        )
        .unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).unwrap();
        answer
    };
    for (flags, status) in [(&[][..], "411"), (&["--accept-chunked"][..], "401")] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
            .args(["mock", "--listen", "127.0.0.1:0"])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let base = first_line.trim().strip_prefix("listening on ").unwrap();
        let answer = chunked_post(base);
        child.kill().unwrap();
        child.wait().unwrap();
        // Accepted chunks reach the OAuth check, which refuses an unsigned call.
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "{flags:?}: {answer}"
        );
    }
}

#[test]
fn the_request_token_call_is_signed_without_a_token_left_in_the_environment() {
    let output = upwork_diag()
        .args(["sign", "-X", "POST"])
        .arg("https://www.upwork.com/api/auth/v1/oauth/token/request")
        .args(["--only", "signed-url"])
        .env("UPWORK_CONSUMER_KEY", "demo-consumer-key")
        .env("UPWORK_CONSUMER_SECRET", "demo-consumer-secret")
        .env("UPWORK_TOKEN", "demo-token")
        .env("UPWORK_TOKEN_SECRET", "demo-token-secret")
        .output()
        .unwrap();
    let url = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        url.contains("oauth_consumer_key=demo-consumer-key"),
        "{url}"
    );
    assert!(!url.contains("oauth_token"), "{url}");
}

/// `upwork-diag mock` with `--log` and the given log arguments, no rate limit; its address.
fn mock_with_log(log: &[&str], stderr: Stdio) -> (std::process::Child, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
        .args(["mock", "--listen", "127.0.0.1:0", "--no-rate-limit"])
        .args(log)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let mut first_line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first_line)
        .unwrap();
    let addr = first_line
        .trim()
        .strip_prefix("listening on http://")
        .expect("the first line announces the address")
        .to_string();
    (child, addr)
}

/// `count` calls pipelined on one connection, a canary token in each target; reads every answer.
fn pipelined_calls(addr: &str, count: usize, canary: &str) {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut requests = String::new();
    for i in 0..count {
        let close = if i + 1 == count {
            "Connection: close\r\n"
        } else {
            ""
        };
        requests.push_str(&format!(
            "GET /api/auth/v1/info.json?access_token={canary}&n={i} HTTP/1.1\r\nHost: {addr}\r\n{close}\r\n"
        ));
    }
    stream.write_all(requests.as_bytes()).unwrap();
    let mut answers = String::new();
    stream.read_to_string(&mut answers).unwrap();
    assert_eq!(answers.matches("HTTP/1.1 ").count(), count, "{answers}");
}

fn sigterm(child: &mut std::process::Child) -> Option<i32> {
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    child.wait().unwrap().code()
}

#[test]
fn the_mock_log_keeps_every_line_through_sigterm_and_hides_secrets() {
    use predicates::prelude::PredicateBooleanExt;
    const CANARY: &str = "log-canary-token-4f1d";
    const CALLS: usize = 300;
    let dir = tempfile::tempdir().unwrap();

    // To a file: every call logged, though SIGTERM comes right after the last answer.
    let file = dir.path().join("requests.log");
    let (mut child, addr) = mock_with_log(&["--log", file.to_str().unwrap()], Stdio::null());
    pipelined_calls(&addr, CALLS, CANARY);
    assert_eq!(sigterm(&mut child), Some(0));
    let logged = std::fs::read_to_string(&file).unwrap();
    let lines: Vec<&str> = logged.lines().filter(|l| l.contains("-> 401")).collect();
    assert_eq!(lines.len(), CALLS, "{logged}");
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.contains(&format!("&n={i} ")),
            "line {i} out of order: {line}"
        );
    }
    assert!(!logged.contains(CANARY), "{logged}");

    // To stderr, the default: the same.
    let err = dir.path().join("stderr");
    let (mut child, addr) = mock_with_log(&[], Stdio::from(std::fs::File::create(&err).unwrap()));
    pipelined_calls(&addr, CALLS, CANARY);
    assert_eq!(sigterm(&mut child), Some(0));
    let logged = std::fs::read_to_string(&err).unwrap();
    assert_eq!(
        logged.lines().filter(|l| l.contains("-> 401")).count(),
        CALLS,
        "{logged}"
    );
    assert!(!logged.contains(CANARY), "{logged}");

    // Off: nothing.
    let err = dir.path().join("stderr-off");
    let (mut child, addr) = mock_with_log(
        &["--log", "off"],
        Stdio::from(std::fs::File::create(&err).unwrap()),
    );
    pipelined_calls(&addr, 3, CANARY);
    assert_eq!(sigterm(&mut child), Some(0));
    assert_eq!(std::fs::read_to_string(&err).unwrap(), "");

    // A file that cannot be opened: bad input, named.
    let missing = dir.path().join("no-such-dir").join("requests.log");
    upwork_diag()
        .args(["mock", "--listen", "127.0.0.1:0", "--log"])
        .arg(&missing)
        .assert()
        .code(2)
        .stderr(
            predicates::str::contains("--log")
                .and(predicates::str::contains("cannot open it for writing")),
        );
}
