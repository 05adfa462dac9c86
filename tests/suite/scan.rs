//! `upwork-diag scan`: the real binary over HAR files, in text and JSON, with the exit codes that
//! tell findings (1) from a file that cannot be read (2).

use std::fmt::Write as _;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> String {
    format!("{}/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

const SESSION: &str = "scan-session-with-failing-token-request-and-plus-search.har";

/// The binary with no Upwork secrets from the developer's environment, so results do not depend
/// on who runs the tests.
fn scan(args: &[&str]) -> Output {
    let mut command = Command::cargo_bin("upwork-diag").unwrap();
    for name in [
        "UPWORK_CONSUMER_KEY",
        "UPWORK_CONSUMER_SECRET",
        "UPWORK_TOKEN",
        "UPWORK_TOKEN_SECRET",
        "UPWORK_ACCESS_TOKEN",
        "UPWORK_REFRESH_TOKEN",
    ] {
        command.env_remove(name);
    }
    command.arg("scan").args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(output)))
}

#[test]
fn a_session_with_a_failing_token_request_and_a_plus_search() {
    let output = scan(&[&fixture(SESSION)]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // Header, the three Upwork API calls (entries 1, 3, 4), the summary.
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].contains("method") && lines[0].contains("findings"));
    let row = |entry: &str| {
        lines
            .iter()
            .find(|l| l.split_whitespace().next() == Some(entry))
            .unwrap_or_else(|| panic!("no row for entry {entry}: {text}"))
    };
    let token = row("1");
    assert!(token.contains("POST"), "{token}");
    assert!(
        token.contains("www.upwork.com/api/auth/v1/oauth/token/request"),
        "{token}"
    );
    assert!(token.contains(" 411 "), "{token}");
    assert!(token.ends_with("content-length-missing"), "{token}");
    let search = row("3");
    assert!(search.contains(" 401 "), "{search}");
    assert!(search.ends_with("param-encoding"), "{search}");
    assert!(row("4").ends_with(" ok"));
    assert_eq!(
        lines[4],
        "6 entries read, 3 Upwork API calls checked; \
         calls with findings: content-length-missing 1, param-encoding 1"
    );
    // The table shows host and path only; header values and secrets never.
    assert!(!text.contains("q=web"), "{text}");
    for secret in ["scan-cookie-canary", "scan-bearer-canary"] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn all_checks_every_entry_with_a_request_url() {
    let output = scan(&[&fixture(SESSION), "--all"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    // Between the header and the summary, one row per checked entry, its index first.
    let entries: Vec<&str> = lines[1..lines.len() - 1]
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    // Entry 2 is a data: URL, which no request has.
    assert_eq!(entries, ["0", "1", "3", "4", "5"], "{text}");
    assert!(
        text.contains("assets.static-upwork.com/assets/app.js"),
        "{text}"
    );
    assert!(
        text.ends_with(
            "6 entries read, 5 entries checked; \
             calls with findings: content-length-missing 2, param-encoding 1\n"
        ),
        "{text}"
    );
}

#[test]
fn json_output_has_results_counts_and_redacted_urls() {
    let output = scan(&[&fixture(SESSION), "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert!(report["file"].as_str().unwrap().ends_with(SESSION));
    assert_eq!(report["entries"], 6);
    assert_eq!(report["checked"], 3);
    assert_eq!(
        report["summary"],
        serde_json::json!({"content-length-missing": 1, "param-encoding": 1})
    );
    let results = report["results"].as_array().unwrap();
    let indexes: Vec<u64> = results
        .iter()
        .map(|r| r["entry"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, [1, 3, 4]);

    let token = &results[0];
    assert_eq!(token["method"], "POST");
    assert_eq!(token["status"], 411);
    assert_eq!(token["findings"][0]["code"], "content-length-missing");
    assert_eq!(token["findings"][0]["severity"], "error");
    assert!(!token["findings"][0]["title"].as_str().unwrap().is_empty());

    let search = &results[1];
    assert_eq!(search["status"], 401);
    assert_eq!(search["findings"][0]["code"], "param-encoding");
    let url = search["url"].as_str().unwrap();
    assert!(
        url.starts_with("https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&access_token=[redacted"),
        "{url}"
    );
    assert_eq!(results[2]["findings"], serde_json::json!([]));
    assert!(report.get("error").is_none());

    let text = stdout(&output);
    for secret in ["scan-cookie-canary", "scan-bearer-canary"] {
        assert!(!text.contains(secret), "{text}");
    }
}

#[test]
fn a_malformed_har_exits_2_naming_the_file_and_json_path() {
    let name = "scan-malformed-headers-not-an-array.har";
    let output = scan(&[&fixture(name)]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(name), "{stderr}");
    assert!(
        stderr.contains("log.entries[2].request.headers: expected an array, found a string"),
        "{stderr}"
    );

    // The JSON written before the fault is closed, and says why it stops.
    let output = scan(&[&fixture(name), "--format", "json"]);
    assert_eq!(output.status.code(), Some(2));
    let report = json(&output);
    assert_eq!(report["checked"], 1);
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("log.entries[2].request.headers"),
        "{report}"
    );

    let output = scan(&[&fixture("no-such-file.har")]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("no-such-file.har"));
}

#[test]
fn an_empty_entries_array_is_not_an_error() {
    let output = scan(&[&fixture("scan-empty-entries.har")]);
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).ends_with("0 entries read, 0 Upwork API calls checked; no findings\n"),
        "{}",
        stdout(&output)
    );
    let output = scan(&[&fixture("scan-empty-entries.har"), "--format", "json"]);
    assert_eq!(output.status.code(), Some(0));
    let report = json(&output);
    assert_eq!(report["entries"], 0);
    assert_eq!(report["checked"], 0);
    assert_eq!(report["results"], serde_json::json!([]));
    assert_eq!(report["summary"], serde_json::json!({}));
}

/// A HAR of `count` entries cycling through four kinds: a search with `+` refused with 401 and no
/// credentials in the capture (param-encoding; auth-missing, as the HAR may have been stripped of
/// them), a token request without Content-Length (content-length-missing), a CDN asset, an API call
/// that succeeded (nothing to say, though the export left its credentials out).
fn generated_har(count: usize) -> String {
    let body = "x".repeat(512);
    let mut har = String::from(r#"{"log":{"version":"1.2","creator":{"name":"test"},"entries":["#);
    for i in 0..count {
        let (method, url, status) = match i % 4 {
            0 => (
                "GET",
                format!("https://www.upwork.com/api/profiles/v2/search/jobs.json?q=entry+{i}"),
                401,
            ),
            1 => (
                "POST",
                format!(
                    "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=k\
                     &oauth_nonce=n{i}&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000\
                     &oauth_signature=s%3D"
                ),
                411,
            ),
            2 => ("GET", format!("https://cdn.example.com/{i}.js"), 200),
            _ => (
                "GET",
                "https://www.upwork.com/api/auth/v1/info.json".to_string(),
                200,
            ),
        };
        if i > 0 {
            har.push(',');
        }
        write!(
            har,
            r#"{{"request":{{"method":"{method}","url":"{url}","headers":[{{"name":"Accept","value":"*/*"}}]}},"response":{{"status":{status},"content":{{"mimeType":"text/plain","text":"{body}"}}}}}}"#
        )
        .unwrap();
    }
    har.push_str("]}}");
    har
}

#[test]
fn a_generated_har_of_thousands_of_entries_gives_the_right_counts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("generated.har");
    std::fs::write(&path, generated_har(4000)).unwrap();
    let path = path.to_str().unwrap();

    let output = scan(&[path, "--format", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output);
    assert_eq!(report["entries"], 4000);
    assert_eq!(report["checked"], 3000);
    assert_eq!(report["results"].as_array().unwrap().len(), 3000);
    // In the file's order, whichever thread checked each batch (the reading thread checks some
    // when the other falls behind).
    let order: Vec<u64> = report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["entry"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (0..4000).filter(|i| i % 4 != 2).collect();
    assert_eq!(order, expected);
    assert_eq!(
        report["summary"],
        serde_json::json!({"auth-missing": 1000, "content-length-missing": 1000, "param-encoding": 1000})
    );

    let output = scan(&[path]);
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 1 + 3000 + 1);
    assert!(
        text.ends_with(
            "4000 entries read, 3000 Upwork API calls checked; \
             calls with findings: auth-missing 1000, content-length-missing 1000, param-encoding 1000\n"
        ),
        "{}",
        text.lines().last().unwrap()
    );

    let output = scan(&[path, "--all", "--format", "json"]);
    assert_eq!(json(&output)["checked"], 4000);
}

#[test]
fn a_failure_recorded_in_the_har_is_read_like_any_answer() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.har");
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [{
        "request": {"method": "GET", "url": "https://www.upwork.com/api/hr/v2/teams.json",
                    "headers": [{"name": "Authorization", "value": "Bearer a-token"}]},
        "response": {"status": 403, "headers": [
            {"name": "X-Upwork-Error-Message", "value": "This APP has no access to the requested resource"}
        ], "content": {"text": "{}"}}
    }]}});
    std::fs::write(&path, har.to_string()).unwrap();
    let output = scan(&[path.to_str().unwrap(), "--format", "json"]);
    let report = json(&output);
    assert_eq!(output.status.code(), Some(1), "{report:#}");
    assert_eq!(report["summary"], serde_json::json!({"scope-missing": 1}));
}

#[test]
fn a_signature_refusal_recorded_without_the_secrets_is_not_shown_as_ok() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("session.har");
    let har = serde_json::json!({"log": {"version": "1.2", "creator": {"name": "t"}, "entries": [{
        "request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json",
                    "headers": [{"name": "Authorization", "value": "OAuth oauth_consumer_key=\"k\", oauth_token=\"t\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_nonce=\"n\", oauth_signature=\"s%3D\""}]},
        "response": {"status": 401, "headers": [
            {"name": "X-Upwork-Error-Message", "value": "Verification of signature failed."}
        ], "content": {"text": "{}"}}
    }]}});
    std::fs::write(&path, har.to_string()).unwrap();
    let output = scan(&[path.to_str().unwrap(), "--format", "json"]);
    let report = json(&output);
    assert_eq!(
        report["summary"],
        serde_json::json!({"signature-unverified": 1}),
        "{report:#}"
    );
}

/// Entries of every shape the reader meets (lenient values, base64 bodies, an answer before its
/// request, a field given twice, pseudo headers, chunked bodies, data: and ws: URLs ...), twice
/// over so that each is read both first and after others: the output is pinned byte for byte, as
/// the scan wrote it before entries were parsed in place (the expected files come from that
/// build).
#[test]
fn the_output_over_entries_of_every_shape_is_unchanged() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (args, expected) in [
        (&[][..], "scan-mixed-shapes.expected.txt"),
        (
            &["--all", "--format", "json"][..],
            "scan-mixed-shapes.expected.all.json",
        ),
    ] {
        let mut command = Command::cargo_bin("upwork-diag").unwrap();
        for (name, _) in std::env::vars().filter(|(n, _)| n.starts_with("UPWORK_")) {
            command.env_remove(name);
        }
        let output = command
            .current_dir(root)
            .args(["scan", "fixtures/scan-mixed-shapes.har"])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let expected = std::fs::read_to_string(format!("{root}/fixtures/{expected}")).unwrap();
        let got = stdout(&output);
        if got != expected {
            let line = got
                .lines()
                .zip(expected.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(got.lines().count().min(expected.lines().count()));
            panic!(
                "{args:?}: the output differs from line {}:\n{got}",
                line + 1
            );
        }
    }
}

/// The entry a row names is the one `diagnose --har FILE --entry N` takes: both count from 0, as
/// `log.entries[N]` does.
#[test]
fn each_row_names_the_entry_diagnose_takes() {
    let file = fixture(SESSION);
    let results = json(&scan(&[&file, "--format", "json"]))["results"].clone();
    let rows = results.as_array().unwrap();
    assert!(rows.len() >= 2);
    for row in rows {
        let entry = row["entry"].as_u64().unwrap().to_string();
        let output = Command::cargo_bin("upwork-diag")
            .unwrap()
            .args(["diagnose", "--har", &file, "--entry", &entry])
            .args(["--offline", "--no-bundle"])
            .output()
            .unwrap();
        let text = stdout(&output);
        let method = row["method"].as_str().unwrap();
        let path = row["url"].as_str().unwrap().split('?').next().unwrap();
        assert!(
            text.starts_with(&format!("{method} {path}")),
            "entry {entry}: {text}"
        );
        assert!(text.contains(&format!("entry {entry} of ")), "{text}");
    }
}
