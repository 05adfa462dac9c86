//! What an installed tool offers its shell: completion scripts and a manual page, generated from
//! the clap definitions.

use std::process::Command;

use crate::common::upwork_diag;

fn generated(args: &[&str]) -> String {
    let output = upwork_diag().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    assert!(output.stderr.is_empty(), "{args:?}");
    String::from_utf8(output.stdout).unwrap()
}

/// What bash completes for these words, with the script the tool generated loaded.
fn bash_completes(script: &str, words: &[&str]) -> Vec<String> {
    let words: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let driver = format!(
        r#"{script}
fn=$(complete -p upwork-diag | sed -E 's/.*-F ([^ ]+).*/\1/')
COMP_WORDS=({words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$fn" upwork-diag "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
        words = words.join(" ")
    );
    let output = Command::new("bash").arg("-c").arg(driver).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn bash_completes_commands_flags_and_values() {
    let script = generated(&["completions", "bash"]);
    assert_eq!(
        bash_completes(&script, &["upwork-diag", "di"]),
        ["diagnose"]
    );
    assert_eq!(
        bash_completes(&script, &["upwork-diag", "diagnose", "--base"]),
        ["--base-url"]
    );
    assert_eq!(
        bash_completes(&script, &["upwork-diag", "sign", "--mistake", "space-"]),
        ["space-as-plus"]
    );
    let shells = bash_completes(&script, &["upwork-diag", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.iter().any(|s| s == shell), "{shells:?}");
    }
}

#[test]
fn zsh_fish_and_powershell_scripts_name_the_commands_and_flags() {
    for (shell, marker) in [
        ("zsh", "#compdef upwork-diag"),
        ("fish", "complete -c upwork-diag"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let script = generated(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        for word in ["diagnose", "base-url", "ready-file", "space-as-plus"] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
        assert!(
            !script.contains("[redacted"),
            "{shell}: the boundary mangled it"
        );
    }
    upwork_diag()
        .args(["completions", "tcsh"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("invalid value 'tcsh'"));
}

#[test]
fn the_man_pages_hold_every_command_and_flag() {
    let page = generated(&["man"]);
    assert!(page.contains(".TH upwork-diag 1"), "{page}");
    for command in ["diagnose", "sign", "mock", "scan", "keycheck", "explain"] {
        assert!(page.contains(command), "the tool's page lists {command}");
    }
    let diagnose = generated(&["man", "diagnose"]);
    assert!(
        diagnose.contains(".TH upwork-diag-diagnose 1"),
        "{diagnose}"
    );
    assert!(diagnose.contains(r"\-\-base\-url"), "{diagnose}");
    assert!(!diagnose.contains("[redacted"));
    upwork_diag()
        .args(["man", "nope"])
        .assert()
        .code(2)
        .stderr("error: man: unknown command 'nope'; known: diagnose, sign, mock, proxy, demo, scan, keycheck, serve, flow, explain, completions, man\n");
}
