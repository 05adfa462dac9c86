//! The failures Upwork developers report on the official bindings' trackers (issue 13), each
//! reproduced by the emulator and named by the real binary from the call and the answer alone.

mod common;

use std::path::Path;

use common::{Emulator, demo_env, finding, finding_codes, upwork_diag};
use serde_json::Value;
use upwork_diag::mock::demo;
use upwork_diag::oauth::{Keys as SignKeys, sign_request};
use upwork_diag::request::flags::from_flags;

struct Run {
    code: Option<i32>,
    stdout: String,
    bundle: Value,
}

/// `diagnose ARGS --base-url EMULATOR --out DIR` with the demo consumer's secrets and token.
fn diagnose(base_url: &str, args: &[&str]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("bundle");
    let env = demo_env(
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET,
        Some((demo::TOKEN, demo::TOKEN_SECRET)),
    );
    let output = upwork_diag()
        .arg("diagnose")
        .args(args)
        .args(["--base-url", base_url, "--username", "demo-user", "--out"])
        .arg(&dir)
        .envs(env)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let bundle = read_bundle(&dir).unwrap_or_else(|| {
        panic!(
            "no bundle: {stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    Run {
        code: output.status.code(),
        stdout,
        bundle,
    }
}

fn read_bundle(dir: &Path) -> Option<Value> {
    serde_json::from_slice(&std::fs::read(dir.join("bundle.json")).ok()?).ok()
}

/// A GET signed with the demo consumer and its token, as an `-H` value.
fn signed_get(url: &str) -> String {
    let keys = SignKeys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    };
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    let signed = sign_request(&request, &keys);
    format!("Authorization: {}", signed.header("authorization").unwrap())
}

fn job_profile(key: &str) -> String {
    format!("https://www.upwork.com/api/profiles/v1/jobs/{key}.json")
}

#[test]
fn a_disabled_job_profile_is_named_and_not_blamed_on_the_caller() {
    let emulator = Emulator::start();
    let url = job_profile(demo::DISABLED_PROFILE_JOB);
    let run = diagnose(&emulator.base_url, &[&url, "-H", &signed_get(&url)]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    // Upwork's own wording, in both its header names (python-upwork#2).
    let headers = run.bundle["response"]["headers"].to_string();
    assert!(headers.contains("X-Odesk-Error-Message") || headers.contains("x-odesk-error-message"));
    let f = finding(&run.bundle, "profile-disabled");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(f["evidence"]["profiles"][0], demo::DISABLED_PROFILE_JOB);
    assert_eq!(f["evidence"]["named_by_upwork"], true);
    assert_eq!(f["evidence"]["whose"], "an item the call asked for");
    let title = f["title"].as_str().unwrap();
    assert!(title.contains(demo::DISABLED_PROFILE_JOB), "{title}");
    let detail = f["detail"].as_str().unwrap();
    assert!(detail.contains("not about the caller"), "{detail}");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.starts_with("Skip this item"), "{fix}");
    assert!(fix.contains("does not change it"), "{fix}");
    // Neither a permission problem nor an escalation.
    assert!(!finding_codes(&run.bundle).contains(&"scope-missing".to_string()));
    assert!(run.bundle["verdict"]["escalation"].is_null());
    assert!(run.stdout.contains("profile-disabled"), "{}", run.stdout);
}

#[test]
fn a_suspended_freelancer_names_the_jobs_asked_for() {
    let emulator = Emulator::start();
    // Several jobs in one call, as the Node binding's getSpecific sends them: the answer does not
    // say which one is refused (node-upwork#53).
    let url = job_profile(&format!("~01demo0001;{}", demo::SUSPENDED_FREELANCER_JOB));
    let run = diagnose(&emulator.base_url, &[&url, "-H", &signed_get(&url)]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 403);
    let f = finding(&run.bundle, "profile-disabled");
    assert_eq!(f["evidence"]["named_by_upwork"], false);
    assert_eq!(
        f["evidence"]["profiles"],
        serde_json::json!(["~01demo0001", demo::SUSPENDED_FREELANCER_JOB])
    );
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("Forbidden: Freelancer profile is suspended")
    );
    assert!(f["fix"].as_str().unwrap().contains("one at a time"));

    // The same call for an ordinary job succeeds: the caller is fine.
    let url = job_profile("~01demo0001");
    let run = diagnose(&emulator.base_url, &[&url, "-H", &signed_get(&url)]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}
