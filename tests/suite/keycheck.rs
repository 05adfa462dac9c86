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
fn an_approved_json_request_is_exit_0_with_seven_passes_in_the_runbooks_names() {
    let output = keycheck(&[], &fixture("keycheck-approved.json"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    for line in [
        "PASS 1. API Request - Title",
        "PASS 2. API Request - Description",
        "PASS 3. OBO - Username",
        "PASS 4. OBO - Address",
        "PASS 5. OBO - Profile Portrait",
        "PASS 6. OBO - Suspension",
        "PASS 7. OBO - Earnings",
        "verdict: approved: all 7 checkpoints pass",
        "route: handled by Special Projects",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    assert!(
        !text.contains("REJECT") && !text.contains("REVIEW"),
        "{text}"
    );
}

#[test]
fn an_approved_toml_request_passes_on_the_company_address() {
    let output = keycheck(&[], &fixture("keycheck-approved-company-address.toml"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("PASS 4. OBO - Address"), "{text}");
}

#[test]
fn a_rejection_quotes_the_runbooks_criterion_and_macro_title() {
    let output = keycheck(
        &[],
        &fixture("keycheck-rejected-upwork-title-scraping.json"),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for line in [
        "REJECT 1. API Request - Title — criterion \"Use \u{201c}Upwork\u{201d} in the title\": \
         the title has \"UpWork\" — ZD macro title \"In process\"",
        "REJECT 2. API Request - Description — criterion \"Commercial\": the description \
         mentions commercial use or resale (\"resell\"); the description mentions scraping \
         (\"scrape\") (criterion \"Scraping\") — ZD macro title \"In process\"",
        "PASS 3. OBO - Username",
        "verdict: rejected: 2 of 7 checkpoints reject",
        "note: the runbook's ZD Macro Title reads \"In process\" in every row: no macro is \
         assigned yet; give the desk's titles with --macros FILE",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    // The titles this tool once made up are gone.
    for invented in [
        "Description - Unclear use",
        "Username - Not personal",
        "Address - Incomplete",
        "Profile - No portrait",
        "Account - Suspended",
        "Earnings - Below threshold",
    ] {
        assert!(!text.contains(invented), "{invented} in\n{text}");
    }
}

#[test]
fn the_desks_macros_file_names_the_titles_it_gives_and_only_those() {
    let output = keycheck(
        &[
            "--macros",
            fixture("keycheck-desk-macros.toml").to_str().unwrap(),
        ],
        &fixture("keycheck-rejected-upwork-title-scraping.json"),
    );
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.lines().any(|l| l.starts_with("REJECT 1. ")
            && l.ends_with("— ZD macro title \"Title - No Upwork\"")),
        "{text}"
    );
    // Checkpoint 2 rejects first under "Commercial", which the file gives no title for.
    assert!(
        text.lines()
            .any(|l| l.starts_with("REJECT 2. ") && l.ends_with("— ZD macro title \"In process\"")),
        "{text}"
    );

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("macros.toml");
    std::fs::write(
        &bad,
        "[[macro]]\ncheckpoint = 9\ncriterion = 1\ntitle = \"x\"\n",
    )
    .unwrap();
    let output = keycheck(
        &["--macros", bad.to_str().unwrap()],
        &fixture("keycheck-approved.json"),
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("macros.toml: macro 1: `checkpoint` is not one of the runbook's"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty());
}

#[test]
fn a_rejected_toml_request_names_every_account_criterion() {
    let output = keycheck(&[], &fixture("keycheck-rejected-company-account.toml"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(1), "{text}");
    for line in [
        "PASS 1. API Request - Title",
        "PASS 2. API Request - Description",
        "REJECT 3. OBO - Username — criterion \"Without valid username (no company names \
         (company name PNV) or fake names are allowed)\": the username looks like a company \
         name (\"Solutions\") — ZD macro title \"In process\"",
        "REJECT 4. OBO - Address — criterion \"Users omit apartment, or specify only street - \
         those are not valid cases\": the profile address has only a street — ZD macro title \
         \"In process\"",
        "REJECT 5. OBO - Profile Portrait — criterion \"Without valid Portrait\": the profile \
         has no portrait — ZD macro title \"In process\"",
        "REJECT 6. OBO - Suspension — criterion \"Suspended\": the account is suspended — ZD \
         macro title \"In process\"",
        "REJECT 7. OBO - Earnings — criterion \"<30,000\": earnings are 29,999.50 USD — ZD \
         macro title \"In process\"",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
}

#[test]
fn judgment_calls_are_review_with_what_to_look_at_and_exit_5() {
    let output = keycheck(&[], &fixture("keycheck-review-judgment-calls.toml"));
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(5), "{text}");
    for line in [
        "REVIEW 1. API Request - Title — criterion \"Use \u{201c}Upwork\u{201d} in the title\": \
         the title has \"oDesk\", a former name of Upwork: decide whether it counts as \
         \"Upwork\" in the title",
        "REVIEW 4. OBO - Address — criterion \"Users omit apartment, or specify only street - \
         those are not valid cases\": the profile address is a post office box (\"P.O. Box\"): \
         decide whether it is a valid address",
        "REVIEW 7. OBO - Earnings — criterion \"<30,000\": earnings are exactly 30,000 USD: the \
         runbook passes \">30,000\" and rejects \"<30,000\", so this amount is neither; decide",
        "verdict: review: no checkpoint rejects, 3 of 7 need your judgment (what to look at is \
         on each REVIEW line)",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    // A judgment is the agent's to answer: no macro is offered for it.
    assert!(!text.contains("ZD macro title"), "{text}");
}

#[test]
fn the_route_gives_the_touch_response_then_the_macro_as_the_runbook_says() {
    let output = keycheck(&[], &fixture("keycheck-approved.json"));
    let text = stdout(&output);
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle:?} in\n{text}"))
    };
    assert!(
        at("route: handled by Special Projects")
            < at("touch response (this tool's template, not Upwork's words")
    );
    assert!(at("touch response (") < at("Hello, and thank you for your API key request."));
    assert!(text.contains(
        "1. any team other than Special Projects: send the public touch response first, then \
         apply the macro; no further action is needed — macro \"API to Special Projects\""
    ));
    assert!(text.contains(
        "runbook: \"API key requests or questions about APIs should always be routed to the \
         Special Projects queue. Any team other than Special Projects, when you receive these \
         requests, send a public touch response first, then please apply the macro API to \
         Special Projects. No further action is needed.\""
    ));
}

#[test]
fn json_output_has_the_documented_shape() {
    let file = fixture("keycheck-rejected-upwork-title-scraping.json");
    let output = keycheck(&["--format", "json"], &file);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["request"], file.display().to_string());
    assert_eq!(report["verdict"], "rejected");
    assert_eq!(report["approved"], false);
    assert_eq!(report["routing"]["handled_by"], "Special Projects");
    assert_eq!(
        report["routing"]["steps"][0]["macro"],
        "API to Special Projects"
    );
    assert!(
        report["routing"]["steps"][0]["touch_response"]
            .as_str()
            .unwrap()
            .starts_with("Hello")
    );
    let checkpoints = report["checkpoints"].as_array().unwrap();
    assert_eq!(checkpoints.len(), 7);
    let first = &checkpoints[0];
    assert_eq!(first["name"], "API Request - Title");
    assert_eq!(first["outcome"], "reject");
    assert_eq!(
        first["criterion"],
        "Use \u{201c}Upwork\u{201d} in the title"
    );
    assert_eq!(first["macro"], "In process");
    assert_eq!(first["reason"], "the title has \"UpWork\"");
    let last = &checkpoints[6];
    assert_eq!(last["name"], "OBO - Earnings");
    assert_eq!(last["outcome"], "pass");
    assert!(last["criterion"].is_null());
    assert!(last["reason"].is_null());
    assert!(last["macro"].is_null());

    let output = keycheck(&["--format", "json"], &fixture("keycheck-approved.json"));
    assert_eq!(output.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "approved");
}

#[test]
fn earnings_that_are_not_an_amount_are_exit_2_naming_the_field() {
    let output = keycheck(&[], &fixture("keycheck-earnings-infinite.toml"));
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    let message = stderr(&output);
    assert!(
        message.contains("keycheck-earnings-infinite.toml: line 7, field `earnings`: is infinite"),
        "{message}"
    );
    assert!(output.stdout.is_empty());
    let dir = tempfile::tempdir().unwrap();
    let negative = dir.path().join("negative.json");
    let text = std::fs::read_to_string(fixture("keycheck-approved.json"))
        .unwrap()
        .replace("48250.75", "-48250.75");
    std::fs::write(&negative, text).unwrap();
    let output = keycheck(&[], &negative);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("field `earnings`: is negative"),
        "{}",
        stderr(&output)
    );
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
