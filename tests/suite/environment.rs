//! The environment support asks for (library, language), read from the User-Agent of the call, and
//! asked of the developer when the User-Agent does not tell it.

use crate::common::upwork_diag;
use serde_json::Value;

const URL: &str = "https://www.upwork.com/api/auth/v1/info.json";

/// `diagnose --offline` of info.json with these extra arguments: (stdout, bundle.json, report.md).
fn diagnose(args: &[&str]) -> (String, Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("bundle");
    let output = upwork_diag()
        .args(["diagnose", URL, "--offline", "--out"])
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    // The call carries no credentials (auth-missing, exit 1): beside the point here.
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let bundle = serde_json::from_slice(&std::fs::read(out.join("bundle.json")).unwrap()).unwrap();
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    (stdout, bundle, report)
}

#[test]
fn a_call_without_user_agent_is_said_unknown_and_the_summary_asks_for_the_flags() {
    let (stdout, bundle, report) = diagnose(&[]);
    let env = &bundle["environment"];
    for field in ["library", "language"] {
        assert_eq!(
            env[field]["value"], "unknown (no User-Agent sent)",
            "{env:#}"
        );
        assert_eq!(env[field]["origin"], "unknown");
    }
    assert!(
        report.contains("library unknown (no User-Agent sent)"),
        "{report}"
    );
    assert!(
        stdout.contains("environment: library and language unknown (no User-Agent sent): give --library and --language"),
        "{stdout}"
    );
}

#[test]
fn the_official_node_binding_is_named_by_its_user_agent() {
    let (stdout, bundle, _) = diagnose(&["-H", "User-Agent: Github Upwork API NodeJS Client"]);
    let env = &bundle["environment"];
    assert_eq!(
        env["library"]["value"],
        "node-upwork-oauth2 (Upwork's Node.js binding)"
    );
    assert_eq!(env["language"]["value"], "JavaScript (Node.js)");
    assert_eq!(env["library"]["origin"], "user-agent");
    assert!(!stdout.contains("--library"), "nothing to ask: {stdout}");

    let (_, bundle, _) = diagnose(&["-H", "User-Agent: Python-httplib2/0.32.1 (gzip)"]);
    assert_eq!(bundle["environment"]["library"]["value"], "httplib2 0.32.1");
    assert_eq!(bundle["environment"]["language"]["value"], "Python");
}

#[test]
fn an_unrecognised_user_agent_is_quoted_and_the_flags_fill_the_gap() {
    let (stdout, bundle, _) = diagnose(&["-H", "User-Agent: MyUpworkApp/1.0"]);
    assert_eq!(
        bundle["environment"]["library"]["value"],
        "unknown (User-Agent not recognised: MyUpworkApp/1.0)"
    );
    assert!(
        stdout.contains(
            "(User-Agent not recognised: MyUpworkApp/1.0): give --library and --language"
        ),
        "{stdout}"
    );

    let (stdout, bundle, _) = diagnose(&[
        "-H",
        "User-Agent: MyUpworkApp/1.0",
        "--library",
        "requests-oauthlib 2.0.0",
        "--language",
        "Python 3.12",
    ]);
    assert_eq!(
        bundle["environment"]["library"]["value"],
        "requests-oauthlib 2.0.0"
    );
    assert_eq!(bundle["environment"]["library"]["origin"], "flag");
    assert!(!stdout.contains("environment:"), "nothing to ask: {stdout}");
}
