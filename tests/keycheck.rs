//! `upwork-diag keycheck` end to end: the real binary on the key request fixtures.

use std::path::PathBuf;

use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn keycheck(args: &[&str], file: &std::path::Path) -> std::process::Output {
    assert_cmd::Command::cargo_bin("upwork-diag")
        .unwrap()
        .arg("keycheck")
        .arg(file)
        .args(args)
        .output()
        .unwrap()
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn an_approved_json_request_is_exit_0_with_seven_passes() {
    let output = keycheck(&[], &fixture("keycheck-approved.json"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for line in [
        "PASS 1 Title",
        "PASS 2 Description",
        "PASS 3 Username",
        "PASS 4 Address",
        "PASS 5 Portrait",
        "PASS 6 Suspension",
        "PASS 7 Earnings",
        "verdict: approved: all 7 checkpoints pass",
        "route: API key requests are handled by the Special Projects queue",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    assert!(!text.contains("REJECT"), "{text}");
}

#[test]
fn an_approved_toml_request_passes_on_the_company_address() {
    let output = keycheck(&[], &fixture("keycheck-approved-company-address.toml"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("PASS 4 Address"), "{text}");
}

#[test]
fn a_rejected_request_is_exit_1_with_the_reasons_and_macros() {
    let output = keycheck(
        &[],
        &fixture("keycheck-rejected-upwork-title-scraping.json"),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(
            "REJECT 1 Title: uses \"Upwork\" in the title (\"UpWork\") — macro \"Title - No Upwork\""
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "REJECT 2 Description: mentions commercial use or resale (\"resell\"); mentions \
             scraping (\"scrape\") — macro \"Description - Unclear use\""
        ),
        "{text}"
    );
    assert!(text.contains("PASS 3 Username"), "{text}");
    assert!(
        text.contains("verdict: rejected: 2 of 7 checkpoints fail"),
        "{text}"
    );
    assert!(text.contains("Special Projects"), "{text}");
}

#[test]
fn a_rejected_toml_request_names_every_account_reason() {
    let output = keycheck(&[], &fixture("keycheck-rejected-company-account.toml"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for line in [
        "PASS 1 Title",
        "PASS 2 Description",
        "REJECT 3 Username: looks like a company name (\"Solutions\") — macro \"Username - Not personal\"",
        "REJECT 4 Address: profile address is missing city, postal code, country (street only) — macro \"Address - Incomplete\"",
        "REJECT 5 Portrait: the profile has no portrait photo — macro \"Profile - No portrait\"",
        "REJECT 6 Suspension: the account is suspended — macro \"Account - Suspended\"",
        "REJECT 7 Earnings: earnings of 30,000 USD are not above 30,000 USD — macro \"Earnings - Below threshold\"",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let file = fixture("keycheck-rejected-upwork-title-scraping.json");
    let output = keycheck(&["--format", "json"], &file);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["request"], file.display().to_string());
    assert_eq!(report["approved"], false);
    assert_eq!(report["queue"], "Special Projects");
    let checkpoints = report["checkpoints"].as_array().unwrap();
    assert_eq!(checkpoints.len(), 7);
    assert_eq!(checkpoints[0]["number"], 1);
    assert_eq!(checkpoints[0]["name"], "Title");
    assert_eq!(checkpoints[0]["passed"], false);
    assert_eq!(checkpoints[0]["macro"], "Title - No Upwork");
    assert_eq!(
        checkpoints[0]["reason"],
        "uses \"Upwork\" in the title (\"UpWork\")"
    );
    assert_eq!(checkpoints[6]["passed"], true);
    assert!(checkpoints[6]["reason"].is_null());
    assert!(checkpoints[6]["macro"].is_null());

    let output = keycheck(&["--format", "json"], &fixture("keycheck-approved.json"));
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["approved"], true);
}

#[test]
fn a_field_of_the_wrong_type_is_exit_2_naming_file_line_and_field() {
    let file = fixture("keycheck-wrong-type-earnings.json");
    let output = keycheck(&[], &file);
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains("keycheck-wrong-type-earnings.json: line 7, field `earnings`"),
        "{message}"
    );
    assert!(message.contains("invalid type"), "{message}");
    assert!(output.stdout.is_empty());
}

#[test]
fn invalid_toml_is_exit_2_naming_the_file_and_line() {
    let output = keycheck(&[], &fixture("keycheck-invalid-syntax.toml"));
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(
        message.contains("keycheck-invalid-syntax.toml: line 2"),
        "{message}"
    );
    assert!(message.contains("invalid TOML"), "{message}");
}

#[test]
fn an_unreadable_file_or_an_undetectable_format_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nowhere.json");
    let output = keycheck(&[], &missing);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("nowhere.json: cannot read the file"),
        "{}",
        stderr(&output)
    );

    let notes = dir.path().join("request.txt");
    std::fs::write(&notes, "Jane wants a key for her timesheet app.\n").unwrap();
    let output = keycheck(&[], &notes);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("request.txt: cannot tell whether this is JSON or TOML"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn an_unknown_extension_is_read_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("request.txt");
    std::fs::copy(fixture("keycheck-approved-company-address.toml"), &copy).unwrap();
    let output = keycheck(&[], &copy);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}
