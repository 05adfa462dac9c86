//! What a person at a terminal sees and a pipe never does: colour (`--color`, NO_COLOR,
//! CLICOLOR_FORCE) and the spinner with the elapsed time while the call is on its way; and curl's
//! `-v`, `-i`, `-q`.

use crate::common::{Emulator, in_a_terminal, upwork_diag};

const INFO: &str = "https://www.upwork.com/api/auth/v1/info.json";
/// A call that hangs for `--timeout 1.5`: the spinner has time to turn and count a second.
const HANG: [&str; 2] = ["-H", "X-Mock-Fault: hang"];
/// The escape sequence that starts a coloured verdict (bold, then a colour).
const COLOURED_VERDICT: &str = "\x1b[1m\x1b[3";

fn hanging_call<'a>(emulator: &'a Emulator, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["diagnose", INFO];
    args.extend(HANG);
    args.extend([
        "--base-url",
        emulator.base_url.as_str(),
        "--no-bundle",
        "--timeout",
        "1.5",
    ]);
    args.extend(extra);
    args
}

#[test]
fn a_terminal_sees_the_request_line_a_spinner_with_elapsed_time_and_colour() {
    let emulator = Emulator::start();
    let Some(screen) = in_a_terminal(&hanging_call(&emulator, &[]), &[], b"") else {
        return;
    };
    // The spinner: the request line with where it goes, and the seconds counted while waiting.
    let spinning = format!("{INFO} (to {})", emulator.base_url);
    assert!(screen.contains(&format!("{spinning} (0s)")), "{screen:?}");
    assert!(screen.contains(&format!("{spinning} (1s)")), "{screen:?}");
    assert!(
        screen.contains("no complete response within 1500 ms"),
        "{screen:?}"
    );
    assert!(
        screen.contains(COLOURED_VERDICT),
        "colour on a terminal: {screen:?}"
    );
}

#[test]
fn no_color_and_color_never_keep_a_terminal_plain() {
    let emulator = Emulator::start();
    let plain = |extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec!["diagnose", INFO, "--offline", "--no-bundle"];
        args.extend(extra);
        in_a_terminal(&args, env, b"")
    };
    let Some(coloured) = plain(&[], &[]) else {
        return;
    };
    assert!(coloured.contains(COLOURED_VERDICT), "{coloured:?}");
    let no_color = plain(&[], &[("NO_COLOR", "1")]).unwrap();
    assert!(!no_color.contains('\x1b'), "NO_COLOR: {no_color:?}");
    let never = plain(&["--color", "never"], &[]).unwrap();
    assert!(!never.contains('\x1b'), "--color never: {never:?}");
    drop(emulator);
}

#[test]
fn a_pipe_gets_no_spinner_and_no_colour_unless_forced() {
    let emulator = Emulator::start();
    let output = upwork_diag()
        .args(hanging_call(&emulator, &[]))
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env("TERM", "xterm-256color")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    let (stdout, stderr) = (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    );
    assert!(
        !stdout.contains('\x1b') && !stderr.contains('\x1b'),
        "{stdout:?} {stderr:?}"
    );
    assert!(stderr.is_empty(), "no spinner on a pipe: {stderr:?}");

    let forced = |color: Option<&str>, env: &[(&str, &str)]| {
        let mut command = upwork_diag();
        command
            .args(["diagnose", INFO, "--offline", "--no-bundle"])
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE");
        if let Some(when) = color {
            command.args(["--color", when]);
        }
        let output = command.envs(env.iter().copied()).output().unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(forced(None, &[("CLICOLOR_FORCE", "1")]).contains(COLOURED_VERDICT));
    assert!(forced(Some("always"), &[]).contains(COLOURED_VERDICT));
    assert!(
        !forced(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]).contains('\x1b'),
        "NO_COLOR wins over CLICOLOR_FORCE"
    );
    assert!(!forced(Some("never"), &[("CLICOLOR_FORCE", "1")]).contains('\x1b'));
}

/// A good call to the emulator with these output flags: (stdout, stderr, exit code).
fn good_call(emulator: &Emulator, flags: &[&str]) -> (String, String, Option<i32>) {
    let output = upwork_diag()
        .args([
            "diagnose",
            INFO,
            "-H",
            "Authorization: Bearer demo-oauth2-token",
        ])
        .args(["--base-url", &emulator.base_url, "--no-bundle"])
        .args(["--library", "curl 8.5.0", "--language", "shell"])
        .args(flags)
        .output()
        .unwrap();
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code(),
    )
}

#[test]
fn verbose_shows_the_bytes_sent_and_received_redacted_on_stderr() {
    let emulator = Emulator::start();
    let (stdout, stderr, code) = good_call(&emulator, &["-v"]);
    assert_eq!(code, Some(0));
    let host = emulator.base_url.trim_start_matches("http://");
    let expected_head = format!(
        "> GET /api/auth/v1/info.json HTTP/1.1\n> Host: {host}\n> Authorization: Bearer [redacted OAuth-2-access-token sha256:"
    );
    assert!(stderr.contains(&expected_head), "{stderr}");
    assert!(stderr.contains("\n< HTTP/1.1 200 OK\n"), "{stderr}");
    assert!(
        stderr.contains("< {\"auth_user\""),
        "the body received: {stderr}"
    );
    assert!(!stderr.contains("demo-oauth2-token"), "{stderr}");
    assert!(stdout.starts_with("GET https://www.upwork.com/api/auth/v1/info.json\n"));
}

#[test]
fn include_shows_the_answer_head_and_body_before_the_summary() {
    let emulator = Emulator::start();
    let (stdout, stderr, code) = good_call(&emulator, &["-i"]);
    assert_eq!(code, Some(0));
    assert!(stderr.is_empty());
    assert!(stdout.starts_with("HTTP/1.1 200 OK\n"), "{stdout}");
    let (head, rest) = stdout.split_once("\n\n").unwrap();
    assert!(head.contains("\ncontent-type: application/json"), "{head}");
    assert!(rest.starts_with("{\"auth_user\""), "{rest}");
    assert!(rest.contains("\nGET https://www.upwork.com/api/auth/v1/info.json\n"));
}

#[test]
fn quiet_prints_only_the_verdict_line() {
    let emulator = Emulator::start();
    let (stdout, stderr, code) = good_call(&emulator, &["-q"]);
    assert_eq!(code, Some(0));
    assert_eq!(stdout, "verdict: ok: The call succeeded (200).\n");
    assert!(stderr.is_empty());
    let (_, stderr, code) = good_call(&emulator, &["-q", "-v"]);
    assert_eq!(code, Some(2), "-q and -v contradict each other: {stderr}");
}
