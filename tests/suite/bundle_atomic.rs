//! A bundle is published whole or not at all, and never over anything: not over another run's
//! bundle, not through a symlink planted at its temporary name or at `--out`. Bundles are private
//! (0600 files, 0700 directories), default names never collide, and leftovers of dead runs go.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant, SystemTime};

use crate::common::Emulator;

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";

/// The binary, offline: a run that takes milliseconds and ends with a bundle (exit 0).
fn offline_run(dir: &Path, out: Option<&str>, zip: bool) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
    command
        .current_dir(dir)
        .args([
            "diagnose",
            URL,
            "-H",
            "Authorization: Bearer a-token",
            "--offline",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(out) = out {
        command.args(["--out", out]);
    }
    if zip {
        command.arg("--zip");
    }
    command
}

/// Starts `count` runs at once and waits for all of them.
fn all_at_once(count: usize, make: impl Fn() -> Command) -> Vec<Output> {
    let children: Vec<_> = (0..count).map(|_| make().spawn().unwrap()).collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect()
}

fn is_zip(path: &Path) -> bool {
    let file = std::fs::File::open(path).unwrap();
    zip::ZipArchive::new(file).is_ok_and(|a| a.len() == 3)
}

#[test]
fn concurrent_zip_runs_to_one_out_keep_the_first_and_refuse_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let outputs = all_at_once(8, || offline_run(dir.path(), Some("bundle.zip"), true));
    let succeeded = outputs
        .iter()
        .filter(|o| o.status.code() == Some(0))
        .count();
    assert_eq!(succeeded, 1, "exactly one run may own bundle.zip");
    for refused in outputs.iter().filter(|o| o.status.code() != Some(0)) {
        assert_eq!(refused.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.contains("already exists"), "{stderr}");
    }
    assert!(is_zip(&dir.path().join("bundle.zip")));
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["bundle.zip"], "no temporary file is left");
}

#[test]
fn runs_without_out_started_together_each_get_their_own_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let outputs = all_at_once(6, || offline_run(dir.path(), None, false));
    for output in &outputs {
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 6, "{names:?}");
    for name in &names {
        assert!(name.starts_with("upwork-diag-"), "{name}");
        assert!(dir.path().join(name).join("bundle.json").is_file());
    }
}

/// A default name taken by anything is skipped for the next suffix, for a zip as for a
/// directory: here the names of the seconds the run may start in are all taken beforehand.
#[test]
fn a_taken_default_name_is_skipped_for_the_next_suffix() {
    for zip in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let extension = if zip { ".zip" } else { "" };
        let start = chrono::Utc::now();
        let mut taken = Vec::new();
        for second in 0..30 {
            let at = start + chrono::Duration::seconds(second);
            let name = format!("upwork-diag-{}{extension}", at.format("%Y%m%dT%H%M%SZ"));
            std::fs::write(dir.path().join(&name), "mine").unwrap();
            taken.push(name);
        }
        let output = offline_run(dir.path(), None, zip).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let published: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| !taken.contains(name))
            .collect();
        assert_eq!(published.len(), 1, "{published:?}");
        assert!(
            published[0].ends_with(&format!("-2{extension}")),
            "{published:?}"
        );
        let path = dir.path().join(&published[0]);
        if zip {
            assert!(is_zip(&path));
        } else {
            assert_eq!(crate::common::files_under(&path).len(), 3);
        }
        for name in &taken {
            assert_eq!(
                std::fs::read_to_string(dir.path().join(name)).unwrap(),
                "mine"
            );
        }
    }
}

#[test]
fn a_dangling_symlink_at_out_is_neither_followed_nor_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("bundle.zip");
    let target = dir.path().join("elsewhere.zip");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let output = offline_run(dir.path(), Some("bundle.zip"), true)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("already exists"), "{stderr}");
    assert!(std::fs::symlink_metadata(&link).unwrap().is_symlink());
    assert!(!target.exists(), "the link was followed");
}

#[test]
fn a_symlink_planted_at_the_temporary_name_is_never_followed() {
    let emulator = Emulator::start();
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_upwork-diag"))
        .current_dir(dir.path())
        .args(["diagnose", URL, "-H", "X-Mock-Fault: hang", "--zip"])
        .args(["--base-url", &emulator.base_url, "--timeout", "2"])
        .args(["--out", "bundle.zip"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // While the call hangs, a symlink is planted at every name derived from the process id, the
    // only part of a temporary name another user could predict.
    let deadline = Instant::now() + Duration::from_secs(20);
    while emulator.received()["requests"]
        .as_array()
        .is_none_or(Vec::is_empty)
    {
        assert!(Instant::now() < deadline, "the request never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    let planted = dir
        .path()
        .join(format!(".bundle.zip.partial-{}", child.id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    let out = dir.path().join("bundle.zip");
    assert!(!std::fs::symlink_metadata(&out).unwrap().is_symlink());
    assert!(is_zip(&out));
}

#[test]
fn bundles_are_readable_by_their_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let output = offline_run(dir.path(), Some("bundle"), false)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&dir.path().join("bundle")), 0o700);
    for file in ["bundle.json", "report.md", "exchange.har"] {
        assert_eq!(mode(&dir.path().join("bundle").join(file)), 0o600, "{file}");
    }
    let output = offline_run(dir.path(), Some("bundle.zip"), true)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(mode(&dir.path().join("bundle.zip")), 0o600);
}

/// The id of a process that has ended.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

fn age(path: &Path, by: Duration) {
    let file = std::fs::File::open(path).unwrap();
    file.set_modified(SystemTime::now() - by).unwrap();
}

#[test]
fn leftovers_of_dead_runs_are_removed_and_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let dead = dead_pid();
    let stale_dir = dir.path().join(format!(".bundle.partial-{dead}-a1B2c3"));
    std::fs::create_dir(&stale_dir).unwrap();
    std::fs::write(stale_dir.join("bundle.json"), "{").unwrap();
    age(&stale_dir, Duration::from_secs(600));
    let stale_zip = dir
        .path()
        .join(format!(".upwork-diag-x.zip.partial-{dead}-d4E5f6"));
    std::fs::write(&stale_zip, "PK").unwrap();
    age(&stale_zip, Duration::from_secs(600));
    // Kept: a fresh one (its run may be writing), one of a live process, a user's own file.
    let fresh = dir.path().join(format!(".bundle.partial-{dead}-g7H8i9"));
    std::fs::create_dir(&fresh).unwrap();
    let live = dir
        .path()
        .join(format!(".bundle.partial-{}-j1K2l3", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    age(&live, Duration::from_secs(600));
    let notes = dir.path().join(".notes.partial");
    std::fs::write(&notes, "mine").unwrap();
    age(&notes, Duration::from_secs(600));

    let output = offline_run(dir.path(), Some("bundle"), false)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(!stale_dir.exists());
    assert!(!stale_zip.exists());
    assert!(fresh.exists() && live.exists() && notes.exists());
}

/// The debug build's fault point (crates/diagnose/src/bundle/write.rs): a pause once the first
/// file of the bundle is written, before the others and before the publishing rename.
const PAUSE_MID_WRITE: &str = "UPWORK_DIAG_TEST_PAUSE_MID_WRITE";

/// Kills a run once it is halfway through writing its bundle, then checks that nothing is
/// published at the destination, and that the next run publishes a whole bundle there.
fn killed_halfway_through_writing_publishes_nothing(out: Option<&str>, zip: bool) {
    use std::io::BufRead;
    let dir = tempfile::tempdir().unwrap();
    let mut child = offline_run(dir.path(), out, zip)
        .env(PAUSE_MID_WRITE, "1")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    while !line.contains("paused halfway through writing the bundle") {
        line.clear();
        let read = stderr.read_line(&mut line).unwrap();
        assert!(read > 0, "the run ended before its fault point");
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    // Only the hidden temporary is left, for a later run to remove once it is stale.
    assert!(
        names
            .iter()
            .all(|n| n.starts_with('.') && n.contains(".partial-")),
        "a half-made bundle is published: {names:?}"
    );
    assert_eq!(names.len(), 1, "{names:?}");
    // Halfway: the first file of the bundle is written, and only it.
    let partial = dir.path().join(&names[0]);
    if zip {
        let bytes = std::fs::read(&partial).unwrap();
        let holds = |name: &str| bytes.windows(name.len()).any(|w| w == name.as_bytes());
        assert!(holds("bundle.json") && !holds("report.md") && !holds("exchange.har"));
    } else {
        let inside: Vec<String> = std::fs::read_dir(&partial)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(inside, ["bundle.json"]);
    }

    // The next run publishes a whole bundle where the killed one would have.
    let output = offline_run(dir.path(), out, zip).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let published: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
        .collect();
    assert_eq!(published.len(), 1, "{published:?}");
    if zip {
        assert!(is_zip(&published[0]));
    } else {
        assert_eq!(crate::common::files_under(&published[0]).len(), 3);
    }
}

#[test]
fn a_run_killed_halfway_through_writing_publishes_no_directory_at_out() {
    killed_halfway_through_writing_publishes_nothing(Some("bundle"), false);
}

#[test]
fn a_run_killed_halfway_through_writing_publishes_no_zip_at_out() {
    killed_halfway_through_writing_publishes_nothing(Some("bundle.zip"), true);
}

#[test]
fn a_run_killed_halfway_through_writing_publishes_no_directory_under_a_default_name() {
    killed_halfway_through_writing_publishes_nothing(None, false);
}

#[test]
fn a_run_killed_halfway_through_writing_publishes_no_zip_under_a_default_name() {
    killed_halfway_through_writing_publishes_nothing(None, true);
}
