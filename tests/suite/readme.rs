//! The README's commands, run as written: a reader copies them, so they must work.
#![allow(clippy::disallowed_methods)] // a skip is said on the process's stderr, as in interop.rs

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The README, read from the checkout (not a copy: the test must see what a reader sees).
fn readme() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap()
}

/// The first fenced block of this language after the heading `heading`, without its fences.
fn block_after(readme: &str, heading: &str, language: &str) -> String {
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no heading {heading:?}"));
    let fence = format!("```{language}\n");
    let open = start
        + readme[start..]
            .find(&fence)
            .unwrap_or_else(|| panic!("no ```{language} block after {heading:?}"))
        + fence.len();
    let close = open + readme[open..].find("```").unwrap();
    readme[open..close].to_string()
}

/// The directory of the binary under test, to put first on PATH as an installed tool would be.
fn binary_dir() -> PathBuf {
    let binary = assert_cmd::cargo::cargo_bin("upwork-diag");
    binary.parent().unwrap().to_path_buf()
}

/// Bash running `script` in `dir` with the binary on PATH, as CI runners run a step (`bash -e`).
fn bash(script: &str, dir: &Path) -> std::process::Output {
    let path = format!(
        "{}:{}",
        binary_dir().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    Command::new("bash")
        .arg("-e")
        .arg("-c")
        .arg(script)
        .current_dir(dir)
        .env("PATH", path)
        .env_remove("UPWORK_CONSUMER_KEY")
        .env_remove("UPWORK_CONSUMER_SECRET")
        .env_remove("UPWORK_TOKEN")
        .env_remove("UPWORK_TOKEN_SECRET")
        .env_remove("UPWORK_ACCESS_TOKEN")
        .env_remove("UPWORK_REFRESH_TOKEN")
        .output()
        .unwrap()
}

/// Waits until `path` is gone (the emulator removes its ready file when it stops).
fn wait_gone(path: &Path) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while path.exists() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

#[test]
fn the_ci_snippet_runs_as_written_and_the_call_succeeds() {
    let snippet = block_after(
        &readme(),
        "## For CI: smoke checks against the emulator",
        "sh",
    );
    // Run several times: the snippet used to race the emulator's start and fail most runs.
    for run in 0..3 {
        let dir = tempfile::tempdir().unwrap();
        let output = bash(&snippet, dir.path());
        assert_eq!(
            output.status.code(),
            Some(0),
            "run {run}: the README's CI snippet failed\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        let json = std::fs::read_to_string(dir.path().join("diagnosis.json")).unwrap();
        let diagnosis: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(diagnosis["verdict"]["outcome"], "ok", "{json}");
        assert_eq!(diagnosis["response"]["status"], 200, "{json}");
        assert!(
            wait_gone(&dir.path().join("mock.addr")),
            "the emulator stopped by the snippet's trap removes its ready file"
        );
    }
}

#[test]
fn the_keys_file_of_the_readme_is_one_the_emulator_loads() {
    let keys = block_after(&readme(), "### Your own keys: `--keys`", "json");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keys.json"), keys).unwrap();
    let script = "\
upwork-diag mock --keys keys.json --ready-file mock.addr > mock.log 2>&1 &
mock_pid=$!
trap 'kill \"$mock_pid\"' EXIT
for _ in $(seq 100); do [ -s mock.addr ] && break; sleep 0.1; done
upwork-diag diagnose https://www.upwork.com/api/auth/v1/info.json -H 'Authorization: Bearer at' \\
    --base-url \"$(cat mock.addr)\" --no-bundle --format json > diagnosis.json
";
    let output = bash(script, dir.path());
    assert_eq!(
        output.status.code(),
        Some(0),
        "stderr: {}\nlog: {}",
        String::from_utf8_lossy(&output.stderr),
        std::fs::read_to_string(dir.path().join("mock.log")).unwrap_or_default()
    );
    let json = std::fs::read_to_string(dir.path().join("diagnosis.json")).unwrap();
    assert!(json.contains("\"outcome\": \"ok\""), "{json}");
}

#[test]
fn the_ready_file_holds_the_whole_address_and_no_partial_file_is_left() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("mock.addr");
    let mut mock = Command::new(assert_cmd::cargo::cargo_bin("upwork-diag"))
        .args(["mock", "--listen", "127.0.0.1:0", "--ready-file"])
        .arg(&ready)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready.exists() {
        assert!(Instant::now() < deadline, "no ready file after 10 s");
        std::thread::sleep(Duration::from_millis(20));
    }
    let address = std::fs::read_to_string(&ready).unwrap();
    let entries: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(entries, ["mock.addr"], "no temporary file left beside it");
    let base = address
        .strip_suffix('\n')
        .expect("one line, ended by a newline");
    assert!(base.starts_with("http://127.0.0.1:"), "{address:?}");
    // Listening already: the journal answers at once.
    let journal: serde_json::Value =
        serde_json::from_str(&crate::common::http_get(&format!("{base}/__mock/requests"))).unwrap();
    assert!(journal.is_array() || journal.is_object(), "{journal}");
    let _ = Command::new("kill")
        .arg(mock.id().to_string())
        .status()
        .unwrap();
    mock.wait().unwrap();
    assert!(!ready.exists(), "removed when the emulator stops");
}

#[test]
fn an_unwritable_ready_file_is_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let ready = dir.path().join("no-such-dir").join("mock.addr");
    let output = crate::common::upwork_diag()
        .args(["mock", "--listen", "127.0.0.1:0", "--ready-file"])
        .arg(&ready)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--ready-file"), "{stderr}");
    assert!(stderr.contains("no-such-dir"), "{stderr}");
}

/// Runs each line of a README block on its own (bash, in a directory where `fixtures/` is the
/// checkout's), returning the exit code of each.
fn each_line(block: &str) -> Vec<(String, Option<i32>)> {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        dir.path().join("fixtures"),
    )
    .unwrap();
    block
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let output = bash(line, dir.path());
            assert!(
                output.stderr.is_empty(),
                "{line}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            (line.to_string(), output.status.code())
        })
        .collect()
}

#[test]
fn the_readme_har_and_keycheck_examples_run_on_the_shipped_fixtures() {
    let readme = readme();
    let har = each_line(&block_after(&readme, "A HAR file from a developer", "sh"));
    let codes: Vec<Option<i32>> = har.iter().map(|(_, code)| *code).collect();
    // Two of the session's calls fail, and the offline diagnosis says why: exit 1 both.
    assert_eq!(codes, [Some(1), Some(1)], "{har:?}");
    let keycheck = each_line(&block_after(
        &readme,
        "### API key requests: `keycheck`",
        "sh",
    ));
    let codes: Vec<Option<i32>> = keycheck.iter().map(|(_, code)| *code).collect();
    assert_eq!(
        codes,
        [Some(0), Some(1), Some(1)],
        "approved, then rejected, then rejected with the desk's macro titles: {keycheck:?}"
    );
}

#[test]
fn the_readme_curl_examples_run_as_written() {
    let block = block_after(
        &readme(),
        "A curl command is taken as it is, from the command line",
        "sh",
    );
    let codes: Vec<Option<i32>> = each_line(&block).into_iter().map(|(_, c)| c).collect();
    // Both are the token request without Content-Length: explained offline, exit 1.
    assert_eq!(codes, [Some(1), Some(1)]);
}

#[test]
fn the_install_section_completions_and_man_run_as_written() {
    let block = block_after(
        &readme(),
        "Shell completions and the manual page come from the tool itself:",
        "sh",
    );
    let has_man = Command::new("man").arg("--version").output().is_ok();
    let block = if has_man {
        block
    } else {
        assert!(
            std::env::var_os("UPWORK_DIAG_REQUIRE_TOOLS").is_none(),
            "UPWORK_DIAG_REQUIRE_TOOLS is set but `man` is missing"
        );
        let _ = writeln!(
            std::io::stderr(),
            "skipped: `man` is not installed: the README's `upwork-diag man | man -l -` is not run"
        );
        block.replace("upwork-diag man | man -l -", "")
    };
    let home = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg("-e")
        .arg("-o")
        .arg("pipefail")
        .arg("-c")
        .arg(&block)
        .env("HOME", home.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary_dir().display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for (file, marker) in [
        (
            ".local/share/bash-completion/completions/upwork-diag",
            "complete -F",
        ),
        (".zfunc/_upwork-diag", "#compdef upwork-diag"),
        (
            ".config/fish/completions/upwork-diag.fish",
            "complete -c upwork-diag",
        ),
    ] {
        let script = std::fs::read_to_string(home.path().join(file)).unwrap();
        assert!(script.contains(marker), "{file}");
    }
    if has_man {
        let shown = String::from_utf8_lossy(&output.stdout);
        assert!(
            shown.contains("NAME") && shown.contains("diagnose"),
            "{shown}"
        );
    }
}

/// Lines of a README block with `; echo "== exit $?"` after each command that starts with
/// `prefix` (continuation lines kept): the commands run as written, and each one's exit code is
/// seen although `bash -e` is not used.
fn with_exit_codes(block: &str, prefix: &str) -> String {
    let mut out = String::new();
    let mut in_command = false;
    for line in block.lines() {
        if line.starts_with(prefix) {
            in_command = true;
        }
        // A trailing comment (`  # what it does`) stays after the added echo.
        let (command, comment) = match line.find(" # ") {
            Some(at) => line.split_at(at),
            None => (line, ""),
        };
        out.push_str(command);
        if in_command && !command.ends_with('\\') {
            out.push_str("; echo \"== exit $?\"");
            in_command = false;
        }
        out.push_str(comment);
        out.push('\n');
    }
    out
}

/// Runs a README block in `dir` (see [`with_exit_codes`]): the `== exit N` line of each command
/// starting with `prefix`, and its standard output.
fn exit_codes_of(block: &str, prefix: &str, dir: &Path) -> (Vec<String>, String) {
    let output = bash(&format!("set +e\n{}", with_exit_codes(block, prefix)), dir);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let exits = stdout
        .lines()
        .filter(|l| l.starts_with("== exit"))
        .map(str::to_string)
        .collect();
    (exits, stdout)
}

#[test]
fn the_walk_by_hand_and_the_flow_run_as_written_against_the_emulator() {
    let readme = readme();
    let start = block_after(
        &readme,
        "### Try the three failures by hand against the emulator",
        "sh",
    );
    let walk = block_after(
        &readme,
        "In another, with the emulator's built-in demo keys:",
        "sh",
    );
    let flow = block_after(&readme, "### Getting tokens step by step: `flow`", "sh");
    let mock_line = start
        .lines()
        .find(|l| l.contains(" mock --listen "))
        .expect("the walk starts the emulator");
    // The reader's checkout: the release binary where the README says, here the one under test.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("target/release")).unwrap();
    std::os::unix::fs::symlink(
        assert_cmd::cargo::cargo_bin("upwork-diag"),
        dir.path().join("target/release/upwork-diag"),
    )
    .unwrap();
    let mut mock = Stopped(
        Command::new("bash")
            .args(["-c", &format!("exec {mock_line}")])
            .current_dir(dir.path())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut first = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(mock.0.stdout.take().unwrap()),
        &mut first,
    )
    .unwrap();
    assert_eq!(
        first.trim(),
        "listening on http://127.0.0.1:8080",
        "the README's emulator (is port 8080 taken on this machine?)"
    );

    let (exits, stdout) = exit_codes_of(&walk, "upwork-diag diagnose", dir.path());
    assert_eq!(
        exits,
        ["== exit 1", "== exit 1", "== exit 1"],
        "each ends with exit code 1:\n{stdout}"
    );
    for explained in [
        "error[content-length-missing]",
        "space-as-plus",
        "error[scope-missing]",
    ] {
        assert!(stdout.contains(explained), "{explained}:\n{stdout}");
    }
    // The emulator allows ten calls a second, as Upwork does: the reader types more slowly.
    std::thread::sleep(Duration::from_millis(1100));
    let (exits, stdout) = exit_codes_of(&flow, "upwork-diag flow", dir.path());
    assert_eq!(exits, ["== exit 0", "== exit 0"], "{stdout}");
}

/// A child process stopped when dropped, a failing test's included: the README's emulator holds
/// a fixed port.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
