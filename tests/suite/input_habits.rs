//! The input habits of curl and xh users: `--curl` given the command itself, a prompt when the
//! command is pasted into a terminal (and none in a pipe), a URL without a scheme read as https,
//! and `mock --listen localhost:PORT`.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::upwork_diag;

const TOKEN_REQUEST: &str = "curl -X POST https://www.upwork.com/api/auth/v1/oauth/token/request";

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn curl_takes_the_command_itself_as_it_takes_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.curl");
    std::fs::write(&file, TOKEN_REQUEST).unwrap();
    let from_file = upwork_diag()
        .args(["diagnose", "--offline", "--no-bundle", "--curl"])
        .arg(&file)
        .output()
        .unwrap();
    let from_argument = upwork_diag()
        .args([
            "diagnose",
            "--offline",
            "--no-bundle",
            "--curl",
            TOKEN_REQUEST,
        ])
        .output()
        .unwrap();
    assert_eq!(from_argument.status.code(), Some(1));
    assert!(
        stdout_of(&from_argument).contains("error[content-length-missing]"),
        "{}",
        stdout_of(&from_argument)
    );
    assert_eq!(stdout_of(&from_argument), stdout_of(&from_file));

    // A file whose name is not a command is still read as a file, and named when missing.
    upwork_diag()
        .args(["diagnose", "--offline", "--curl", "no-such-file.curl"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with("error: no-such-file.curl: "));
}

#[test]
fn a_url_without_scheme_is_read_as_https_and_said() {
    let output = upwork_diag()
        .args(["diagnose", "www.upwork.com/api/auth/v1/info.json"])
        .args(["-H", "Authorization: Bearer demo-oauth2-token"])
        .args(["--offline", "--no-bundle", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stdout_of(&output));
    let bundle: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        bundle["request"]["url"],
        "https://www.upwork.com/api/auth/v1/info.json"
    );
    assert!(
        bundle["request"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n.as_str().unwrap().contains("no scheme: read as https://")),
        "{}",
        bundle["request"]["notes"]
    );

    let signed = upwork_diag()
        .args([
            "sign",
            "www.upwork.com/api/auth/v1/info.json",
            "--only",
            "signed-url",
        ])
        .envs(crate::common::demo_env("ck", "cs", None))
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0));
    assert!(stdout_of(&signed).starts_with("https://www.upwork.com/api/auth/v1/info.json?"));
}

#[test]
fn the_emulator_listens_on_localhost_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("mock.addr");
    let mut mock = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
        .args(["mock", "--listen", "localhost:0", "--ready-file"])
        .arg(&ready)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready.exists() {
        assert!(Instant::now() < deadline, "the emulator did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let base = std::fs::read_to_string(&ready).unwrap();
    let _ = Command::new("kill").arg(mock.id().to_string()).status();
    mock.wait().unwrap();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");

    upwork_diag()
        .args(["mock", "--listen", "localhost"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "--listen localhost: expected HOST:PORT",
        ));
}

#[test]
fn a_terminal_is_told_how_to_end_the_paste_and_a_pipe_is_not() {
    let line = format!("{TOKEN_REQUEST}\n");
    if let Some(screen) = crate::common::in_a_terminal(
        &["diagnose", "--curl", "-", "--offline", "--no-bundle"],
        &[],
        line.as_bytes(),
    ) {
        assert!(
            screen.contains("paste the curl command, then Ctrl-D"),
            "{screen}"
        );
        assert!(screen.contains("error[content-length-missing]"), "{screen}");
    }

    let piped = upwork_diag()
        .args(["diagnose", "--curl", "-", "--offline", "--no-bundle"])
        .write_stdin(line)
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(1));
    assert!(
        piped.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
}
