//! Help a user can paste from: examples that fit 80 columns (never wrapped mid-command), the exit
//! codes one per line, the values of `--mistake` listed, `--version` the tool's own everywhere,
//! and `explain` that suggests the code meant and speaks JSON.

use crate::common::upwork_diag;

/// `upwork-diag ARGS --help` as an 80-column terminal shows it.
fn help(args: &[&str]) -> String {
    let output = upwork_diag()
        .args(args)
        .arg("--help")
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

const COMMANDS: [&str; 10] = [
    "diagnose",
    "sign",
    "mock",
    "proxy",
    "demo",
    "scan",
    "keycheck",
    "explain",
    "completions",
    "man",
];

/// Every subcommand, `serve` and `flow` included (their help is pinned, though their examples
/// are not held to the shape checked below).
const ALL_COMMANDS: [&str; 12] = [
    "diagnose",
    "sign",
    "mock",
    "proxy",
    "demo",
    "scan",
    "keycheck",
    "serve",
    "flow",
    "explain",
    "completions",
    "man",
];

#[test]
fn help_texts_are_pinned() {
    insta::assert_snapshot!("help_top", help(&[]));
    for command in ALL_COMMANDS {
        insta::assert_snapshot!(format!("help_{command}"), help(&[command]));
    }
}

#[test]
fn every_subcommand_has_its_help_pinned() {
    // A command added to the CLI and not to ALL_COMMANDS would ship with no snapshot of its help.
    let top = help(&[]);
    let listed: Vec<&str> = top
        .split_once("Commands:\n")
        .expect("the top help lists the commands")
        .1
        .lines()
        .take_while(|l| !l.is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert_eq!(listed, ALL_COMMANDS, "{top}");
}

#[test]
fn every_help_fits_80_columns_and_examples_are_not_wrapped() {
    for command in COMMANDS {
        let text = help(&[command]);
        for line in text.lines() {
            assert!(
                line.chars().count() <= 80,
                "{command} --help: {} columns: {line}",
                line.chars().count()
            );
        }
        // An example cut by clap would leave a line of the Examples section that neither starts
        // a command nor continues one after a backslash.
        let examples = text
            .split_once("Examples:\n")
            .or_else(|| text.split_once("Example:\n"))
            .unwrap_or_else(|| panic!("{command} --help has examples"))
            .1;
        let mut continued = false;
        for line in examples.lines().take_while(|l| !l.is_empty()) {
            let fresh = line.starts_with("  upwork-diag ")
                || line.starts_with("  export ")
                || line.starts_with("  source ")
                || line.starts_with("  # ");
            assert!(
                fresh || (continued && line.starts_with("      ")),
                "{command} --help: a wrapped example line: {line:?}"
            );
            continued = line.ends_with(" \\");
        }
    }
}

#[test]
fn diagnose_help_lists_every_exit_code_on_its_own_line() {
    let text = help(&["diagnose"]);
    for code in 0..=5 {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("  {code}  "))),
            "exit code {code} missing in:\n{text}"
        );
    }
}

#[test]
fn sign_help_lists_the_mistakes_and_a_wrong_one_is_refused_before_signing() {
    let text = help(&["sign"]);
    for mistake in upwork_diag_core::oauth::MistakeKind::ALL {
        assert!(
            text.contains(&format!("- {}: ", mistake.name())),
            "{} not listed in sign --help",
            mistake.name()
        );
    }
    upwork_diag()
        .args(["sign", "https://www.upwork.com/api/auth/v1/info.json"])
        .args(["--mistake", "space-as-pluss"])
        .assert()
        .code(2)
        .stderr(predicates::str::starts_with(
            "error: invalid value 'space-as-pluss' for '--mistake <MISTAKE>'",
        ));
}

#[test]
fn version_is_the_tools_own_and_oauth_version_adds_the_parameter() {
    let expected = format!("upwork-diag {}\n", env!("CARGO_PKG_VERSION"));
    upwork_diag()
        .arg("--version")
        .assert()
        .success()
        .stdout(expected.clone());
    upwork_diag()
        .args(["sign", "--version"])
        .assert()
        .success()
        .stdout(expected);

    let sign = |extra: &[&str]| {
        let output = upwork_diag()
            .args(["sign", "https://www.upwork.com/api/auth/v1/info.json"])
            .args(["--only", "base-string", "--nonce", "n", "--timestamp", "1"])
            .args(extra)
            .envs(crate::common::demo_env("ck", "cs", None))
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(!sign(&[]).contains("oauth_version"));
    assert!(sign(&["--oauth-version"]).contains("oauth_version%3D1.0"));
}

#[test]
fn explain_suggests_the_code_meant() {
    let output = upwork_diag()
        .args(["explain", "content-lenght-missing"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    insta::assert_snapshot!("explain_typo", String::from_utf8(output.stderr).unwrap());
    let output = upwork_diag().args(["explain", "xyzzy"]).output().unwrap();
    assert_eq!(
        String::from_utf8(output.stderr).unwrap(),
        "error: explain: unknown finding code 'xyzzy'; `upwork-diag explain --list` lists them all\n"
    );
}

#[test]
fn explain_speaks_json() {
    let output = upwork_diag()
        .args(["explain", "scope-missing", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let page: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let doc = upwork_diag_core::findings::lookup("scope-missing").unwrap();
    assert_eq!(
        page,
        serde_json::json!({"code": "scope-missing", "title": doc.title(), "text": doc.text})
    );

    let output = upwork_diag()
        .args(["explain", "--list", "--format", "json"])
        .output()
        .unwrap();
    let list: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list.len(), upwork_diag_core::findings::ALL.len());
    assert_eq!(
        list[0]["code"],
        upwork_diag_core::findings::ALL[0].code.as_str()
    );
    assert!(list.iter().all(|entry| entry["title"].is_string()));
}
