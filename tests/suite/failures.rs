//! The failures Upwork developers report on the official bindings' trackers (issue 13), each
//! reproduced by the emulator and named by the real binary from the call and the answer alone.

use std::path::Path;

use crate::common::{Emulator, demo_env, finding, finding_codes, upwork_diag};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys as SignKeys, sign_request};
use upwork_diag_core::request::flags::from_flags;
use upwork_diag_mock::demo;

struct Run {
    code: Option<i32>,
    stdout: String,
    bundle: Value,
}

/// `diagnose ARGS --base-url EMULATOR --out DIR` with the demo consumer's secrets and token.
fn diagnose(base_url: &str, args: &[&str]) -> Run {
    let env = demo_env(
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET,
        Some((demo::TOKEN, demo::TOKEN_SECRET)),
    );
    diagnose_with(base_url, args, env)
}

/// [`diagnose`] with these variables only.
fn diagnose_with(base_url: &str, args: &[&str], env: Vec<(&'static str, String)>) -> Run {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("bundle");
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

/// A GraphQL call with the demo OAuth 2 token, and `extra` headers.
fn graphql_args(extra: &[&str]) -> Vec<String> {
    let body = serde_json::json!({ "query": "{ user { id } }" }).to_string();
    let mut args = vec![
        "-X".to_string(),
        "POST".to_string(),
        "https://api.upwork.com/graphql".to_string(),
        "-H".to_string(),
        format!("Authorization: Bearer {}", demo::OAUTH2_TOKEN),
        "-H".to_string(),
        "Content-Type: application/json".to_string(),
        "-H".to_string(),
        format!("Content-Length: {}", body.len()),
    ];
    for header in extra {
        args.extend(["-H".to_string(), header.to_string()]);
    }
    args.extend(["-d".to_string(), body]);
    args
}

fn run_graphql(emulator: &Emulator, extra: &[&str]) -> Run {
    let args = graphql_args(extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    diagnose(&emulator.base_url, &args)
}

#[test]
fn cloudflare_s_challenge_is_named_and_never_escalated() {
    let emulator = Emulator::start();
    // The call itself is right: without the challenge it succeeds.
    assert_eq!(run_graphql(&emulator, &[]).code, Some(0));
    for (mode, status) in [("challenge", 403), ("challenge-503", 503)] {
        let run = run_graphql(&emulator, &[&format!("X-Mock-Fault: {mode}")]);
        assert_eq!(run.code, Some(1), "{mode}: {}", run.stdout);
        assert_eq!(run.bundle["response"]["status"], status);
        let f = finding(&run.bundle, "bot-challenge");
        assert_eq!(f["evidence_level"], "reproduced", "{mode}");
        assert_eq!(f["evidence"]["front_end"], "Cloudflare");
        let signs = f["evidence"]["signs"].to_string();
        assert!(signs.contains("<title>Just a moment...</title>"), "{signs}");
        assert!(signs.contains("cf-ray: 8c6b1f2e3d4a5b6c-SJC"), "{signs}");
        assert_eq!(
            signs.contains("cf-mitigated: challenge"),
            mode == "challenge",
            "{signs}"
        );
        let detail = f["detail"].as_str().unwrap();
        assert!(detail.contains("Upwork never saw the call"), "{detail}");
        assert!(detail.contains("User-Agent"), "{detail}");
        // Not Upwork's failure: no escalation to Tech Support.
        assert!(run.bundle["verdict"]["escalation"].is_null(), "{mode}");
        assert_ne!(run.bundle["routing"]["route"], "tech-support", "{mode}");
        assert!(!run.stdout.contains("Tech Support"), "{}", run.stdout);
    }
}

#[test]
fn proxies_and_captive_portals_are_named_not_taken_for_upwork() {
    let emulator = Emulator::start();
    // A sign-in page answered 200: without this check the call passed for a success.
    let run = run_graphql(&emulator, &["X-Mock-Fault: captive-portal"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 200);
    let f = finding(&run.bundle, "proxy-page");
    assert_eq!(f["evidence_level"], "reproduced");
    let signs = f["evidence"]["signs"].to_string();
    assert!(
        signs.contains("Guest Wi-Fi: sign in to continue"),
        "{signs}"
    );
    assert!(run.bundle["verdict"]["escalation"].is_null());

    let run = run_graphql(&emulator, &["X-Mock-Fault: proxy-auth"]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "proxy-page");
    assert_eq!(f["evidence"]["front_end"], "a proxy that wants credentials");
    assert!(f["fix"].as_str().unwrap().contains("Proxy-Authorization"));
    assert!(run.bundle["verdict"]["escalation"].is_null());
}

#[test]
fn a_wrong_entry_point_is_put_right_from_the_catalogue() {
    let emulator = Emulator::start();
    let cases = [
        (
            "https://www.upwork.com/api/timereports/v1/companies/acme?tq=SELECT%20hours",
            "api-for-gds",
            "https://www.upwork.com/gds/timereports/v1/companies/acme?tq=SELECT%20hours",
        ),
        (
            "https://www.upwork.com/api/hr/teams.json",
            "version-missing",
            "https://www.upwork.com/api/hr/v2/teams.json",
        ),
        (
            "https://www.upwork.com/gds/hr/v2/teams.json",
            "gds-for-api",
            "https://www.upwork.com/api/hr/v2/teams.json",
        ),
    ];
    for (url, mixup, right) in cases {
        let run = diagnose(&emulator.base_url, &[url, "-H", &signed_get(url)]);
        assert_eq!(run.code, Some(1), "{url}: {}", run.stdout);
        assert_eq!(run.bundle["response"]["status"], 404, "{url}");
        let f = finding(&run.bundle, "wrong-entry-point");
        assert_eq!(f["evidence_level"], "reproduced", "{url}");
        assert_eq!(f["evidence"]["mixup"], mixup, "{url}");
        // The right URL without the query, which may carry secrets; the fix says to keep it.
        let without_query = right.split('?').next().unwrap();
        assert_eq!(f["evidence"]["right_url"], without_query, "{url}");
        assert!(f["fix"].as_str().unwrap().contains("Sign the call again"));
        assert!(run.bundle["verdict"]["escalation"].is_null(), "{url}");
        // The right URL, signed for it, succeeds.
        let run = diagnose(&emulator.base_url, &[right, "-H", &signed_get(right)]);
        assert_eq!(run.code, Some(0), "{right}: {}", run.stdout);
    }
}

#[test]
fn graphql_on_the_rest_host_is_named_and_only_a_warning_offline() {
    let emulator = Emulator::start();
    let mut args = graphql_args(&["Host: www.upwork.com"]);
    args[2] = "https://www.upwork.com/graphql".to_string();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = diagnose(&emulator.base_url, &args);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "wrong-entry-point");
    assert_eq!(f["evidence"]["mixup"], "wrong-host");
    assert_eq!(f["evidence"]["right_url"], "https://api.upwork.com/graphql");
    assert_eq!(f["evidence_level"], "reproduced");

    // Offline, with no answer, the catalogue alone does not fail the call.
    let output = upwork_diag()
        .arg("diagnose")
        .args(&args)
        .args(["--offline", "--no-bundle"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("wrong-entry-point"), "{stdout}");
}

#[test]
fn upwork_s_wrong_url_answer_is_read_without_a_catalogue_match() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/nothing/v1/here.json";
    let run = diagnose(&emulator.base_url, &[url, "-H", &signed_get(url)]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "wrong-entry-point");
    assert_eq!(f["evidence_level"], "reproduced");
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("Wrong URL requested")
    );
}

/// A call over plain http that the emulator's front end redirects to https (the fault's path
/// prefix stands for the http origin; the rest of the path is the API's).
const HTTP_INFO: &str = "http://www.upwork.com/__fault/redirect-https/api/auth/v1/info.json";

#[test]
fn a_redirect_is_shown_not_followed_by_default() {
    let emulator = Emulator::start();
    let run = diagnose(
        &emulator.base_url,
        &[HTTP_INFO, "-H", &signed_get(HTTP_INFO)],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 301);
    let f = finding(&run.bundle, "redirected");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(f["evidence"]["followed"], false);
    let chain = f["evidence"]["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 1, "{chain:?}");
    assert_eq!(
        chain[0]["location"],
        "https://www.upwork.com/api/auth/v1/info.json"
    );
    assert!(f["title"].as_str().unwrap().contains("from http to https"));
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("Do not let the HTTP client follow redirects")
    );
    assert!(run.bundle["verdict"]["escalation"].is_null());
    // Nothing but the first call reached the emulator.
    let received = emulator.received();
    assert_eq!(
        received["requests"].as_array().unwrap().len(),
        1,
        "{received}"
    );
}

#[test]
fn follow_signs_each_hop_anew_with_the_secrets() {
    let emulator = Emulator::start();
    let run = diagnose(
        &emulator.base_url,
        &[HTTP_INFO, "-H", &signed_get(HTTP_INFO), "--follow"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "redirected");
    assert_eq!(f["evidence"]["followed"], true);
    let chain = f["evidence"]["chain"].as_array().unwrap();
    assert_eq!(chain.len(), 2, "{chain:?}");
    assert_eq!(
        chain[1]["url"],
        "https://www.upwork.com/api/auth/v1/info.json"
    );
    assert_eq!(chain[1]["signed_anew"], true);
    assert_eq!(chain[1]["status"], 200, "{chain:?}");
    assert_eq!(f["evidence"]["resent_same_nonce"], false);
}

#[test]
fn following_with_the_same_nonce_is_named_as_the_client_mistake() {
    let emulator = Emulator::start();
    // No secrets: the hop can only be re-sent as it was, as a client that follows redirects does.
    let auth = signed_get(HTTP_INFO);
    let run = diagnose_with(
        &emulator.base_url,
        &[HTTP_INFO, "-H", &auth, "--follow"],
        Vec::new(),
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "redirected");
    let chain = f["evidence"]["chain"].as_array().unwrap();
    assert_eq!(chain[1]["same_nonce"], true, "{chain:?}");
    assert_eq!(chain[1]["status"], 401, "{chain:?}");
    assert_eq!(
        f["evidence"]["mistake"],
        "followed-redirect-with-same-nonce"
    );
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("known failure of OAuth 1.0 clients that follow redirects")
    );
}

const TOKEN_URL: &str = "https://www.upwork.com/api/v3/oauth2/token";

/// `diagnose` of a POST of this form body to the token endpoint, with these extra headers; no
/// secret in the environment: the form carries them, as the client sent it.
fn token_call(emulator: &Emulator, form: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "-X".to_string(),
        "POST".to_string(),
        TOKEN_URL.to_string(),
        "-H".to_string(),
        "Content-Type: application/x-www-form-urlencoded".to_string(),
        "-H".to_string(),
        format!("Content-Length: {}", form.len()),
    ];
    for header in extra {
        args.extend(["-H".to_string(), header.to_string()]);
    }
    args.extend(["-d".to_string(), form.to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    diagnose_with(&emulator.base_url, &args, Vec::new())
}

fn client_params() -> String {
    format!(
        "client_id={}&client_secret={}",
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET
    )
}

/// The code the emulator's authorization page issues for this redirect URI (from its Location).
fn authorize(emulator: &Emulator, redirect_uri: &str) -> String {
    use std::io::{Read, Write};
    let host = emulator.base_url.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /ab/account-security/oauth2/authorize?client_id={}&response_type=code&redirect_uri={} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
        demo::CONSUMER_KEY,
        redirect_uri
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let location = answer
        .lines()
        .find_map(|l| {
            l.strip_prefix("location: ")
                .or_else(|| l.strip_prefix("Location: "))
        })
        .unwrap_or_else(|| panic!("no Location: {answer}"));
    location
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn a_refresh_token_replaced_a_day_ago_is_named_with_upwork_s_rotation() {
    let emulator = Emulator::start();
    // A refresh rotates the token; the replaced one still works for a day, as Upwork's does.
    let form = format!(
        "grant_type=refresh_token&refresh_token={}&{}",
        demo::OAUTH2_REFRESH_TOKEN,
        client_params()
    );
    assert_eq!(token_call(&emulator, &form, &[]).code, Some(0));
    assert_eq!(token_call(&emulator, &form, &[]).code, Some(0));

    let form = format!(
        "grant_type=refresh_token&refresh_token={}&{}",
        demo::OAUTH2_ROTATED_REFRESH_TOKEN,
        client_params()
    );
    let run = token_call(&emulator, &form, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 400);
    let f = finding(&run.bundle, "refresh-token-invalid");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(
        f["evidence"]["message"],
        "Refresh token is expired or revoked or not registered"
    );
    let detail = f["detail"].as_str().unwrap();
    assert!(detail.contains("expires 24 hours later"), "{detail}");
    assert!(
        f["source"]
            .as_str()
            .unwrap()
            .contains("python-upwork-oauth2#11")
    );
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("refresh with the newest")
    );
}

#[test]
fn client_credentials_in_basic_or_missing_are_named() {
    use base64::Engine;
    let emulator = Emulator::start();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!(
        "{}:{}",
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET
    ));
    let form = format!(
        "grant_type=refresh_token&refresh_token={}",
        demo::OAUTH2_REFRESH_TOKEN
    );
    let run = token_call(
        &emulator,
        &form,
        &[&format!("Authorization: Basic {basic}")],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 400);
    let body = run.bundle["response"]["body"].to_string();
    assert!(body.contains("Missing parameters: client_id"), "{body}");
    let f = finding(&run.bundle, "client-credentials-misplaced");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(f["evidence"]["basic_credentials"], true);
    assert!(
        f["title"]
            .as_str()
            .unwrap()
            .contains("Authorization: Basic")
    );
    assert!(f["fix"].as_str().unwrap().contains("form body"));
    assert_eq!(
        finding_codes(&run.bundle)
            .iter()
            .filter(|c| *c == "client-credentials-misplaced")
            .count(),
        1
    );

    // Without any client credentials.
    let run = token_call(&emulator, &form, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "client-credentials-misplaced");
    assert_eq!(f["evidence"]["basic_credentials"], false);
    assert_eq!(
        f["evidence"]["missing"],
        serde_json::json!(["client_id", "client_secret"])
    );
}

#[test]
fn an_authorization_code_used_twice_or_expired_is_named() {
    let emulator = Emulator::start();
    let redirect = "https://example.com/callback";
    let code = authorize(&emulator, redirect);
    let form = format!(
        "grant_type=authorization_code&code={code}&redirect_uri={redirect}&{}",
        client_params()
    );
    assert_eq!(token_call(&emulator, &form, &[]).code, Some(0));
    let run = token_call(&emulator, &form, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "authorization-code-invalid");
    assert_eq!(f["evidence_level"], "reproduced");
    assert!(f["detail"].as_str().unwrap().contains("exchanged already"));

    let form = format!(
        "grant_type=authorization_code&code={}&{}",
        demo::OAUTH2_EXPIRED_CODE,
        client_params()
    );
    let run = token_call(&emulator, &form, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    finding(&run.bundle, "authorization-code-invalid");
}

#[test]
fn a_redirect_uri_that_differs_is_named() {
    let emulator = Emulator::start();
    let code = authorize(&emulator, "https://example.com/callback");
    let form = format!(
        "grant_type=authorization_code&code={code}&redirect_uri=https://example.com/callback/&{}",
        client_params()
    );
    let run = token_call(&emulator, &form, &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "redirect-uri-mismatch");
    assert_eq!(f["evidence_level"], "reproduced");
    assert!(
        f["detail"]
            .as_str()
            .unwrap()
            .contains("`https://example.com/callback/`")
    );
}

const REQUEST_TOKEN_URL: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";
const ACCESS_TOKEN_URL: &str = "https://www.upwork.com/api/auth/v1/oauth/token/access";

/// Sends a request signed for Upwork to the emulator over a plain socket; status and body.
fn send_raw(
    emulator: &Emulator,
    request: &upwork_diag_core::request::CapturedRequest,
) -> (u16, String) {
    use std::io::{Read, Write};
    let host = emulator.base_url.strip_prefix("http://").unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\n",
        request.method,
        request.url.target()
    );
    for h in &request.headers {
        if !h.name.eq_ignore_ascii_case("content-length") && !h.name.eq_ignore_ascii_case("host") {
            head.push_str(&format!("{}: {}\r\n", h.name, h.value));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body.len()
    ));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&request.body).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let status = answer[9..12].parse().unwrap();
    let body = answer.split_once("\r\n\r\n").unwrap().1.to_string();
    (status, body)
}

fn consumer_keys() -> SignKeys<'static> {
    SignKeys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: None,
        token_secret: None,
    }
}

/// A request token of the emulator (oob): the token and its secret.
fn request_token(emulator: &Emulator) -> (String, String) {
    let request = from_flags(Some("POST"), REQUEST_TOKEN_URL, &[], None).unwrap();
    let options = upwork_diag_core::oauth::SignOptions {
        callback: Some("oob".into()),
        ..upwork_diag_core::oauth::SignOptions::from_request(&request)
    };
    let signed =
        upwork_diag_core::oauth::sign_request_with(&request, &consumer_keys(), &options).request;
    let (status, body) = send_raw(emulator, &signed);
    assert_eq!(status, 200, "{body}");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.trim().as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| pairs.iter().find(|(k, _)| k == name).unwrap().1.clone();
    (get("oauth_token"), get("oauth_token_secret"))
}

/// The verifier the emulator's authorization page shows for this request token (oob).
fn verifier(emulator: &Emulator, token: &str) -> String {
    let page = crate::common::http_get(&format!(
        "{}/services/api/auth?oauth_token={token}",
        emulator.base_url
    ));
    page.split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap_or_else(|| panic!("no verifier: {page}"))
        .to_string()
}

/// `diagnose` of the access token call for this request token, signed with `token_secret` and
/// carrying `verifier`; the secrets given are the consumer's and the request token's.
fn access_token_call(
    emulator: &Emulator,
    (token, secret): (&str, &str),
    signed_with: &str,
    verifier: Option<&str>,
) -> Run {
    let request = from_flags(
        Some("POST"),
        ACCESS_TOKEN_URL,
        &["Content-Length: 0".to_string()],
        None,
    )
    .unwrap();
    let keys = SignKeys {
        token: Some(token),
        token_secret: Some(signed_with),
        ..consumer_keys()
    };
    let options = upwork_diag_core::oauth::SignOptions {
        verifier: verifier.map(str::to_string),
        ..upwork_diag_core::oauth::SignOptions::from_request(&request)
    };
    let signed = upwork_diag_core::oauth::sign_request_with(&request, &keys, &options).request;
    let auth = format!("Authorization: {}", signed.header("authorization").unwrap());
    diagnose_with(
        &emulator.base_url,
        &[
            "-X",
            "POST",
            ACCESS_TOKEN_URL,
            "-H",
            &auth,
            "-H",
            "Content-Length: 0",
        ],
        demo_env(
            demo::CONSUMER_KEY,
            demo::CONSUMER_SECRET,
            Some((token, secret)),
        ),
    )
}

#[test]
fn an_authorize_url_without_a_request_token_is_named() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/services/api/auth?oauth_token=None";
    let run = diagnose_with(&emulator.base_url, &[url], Vec::new());
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-authorize");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(f["evidence"]["mistake"], "no-request-token");
    assert!(f["title"].as_str().unwrap().contains("oauth_token=None"));
    assert!(f["source"].as_str().unwrap().contains("python-upwork#32"));
}

#[test]
fn the_request_token_step_names_a_token_or_a_token_secret() {
    let emulator = Emulator::start();
    // An access token carried into the first step.
    let run = diagnose(
        &emulator.base_url,
        &[
            "-X",
            "POST",
            REQUEST_TOKEN_URL,
            "-H",
            &signed_post(REQUEST_TOKEN_URL),
            "-H",
            "Content-Length: 0",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-request-token-call");
    assert_eq!(f["evidence"]["mistake"], "token-on-request-token-call");
    assert_eq!(f["evidence_level"], "reproduced");

    // No token, but the token secret in the signing key.
    let request = from_flags(
        Some("POST"),
        REQUEST_TOKEN_URL,
        &["Content-Length: 0".to_string()],
        None,
    )
    .unwrap();
    let keys = SignKeys {
        token: None,
        token_secret: Some(demo::TOKEN_SECRET),
        ..consumer_keys()
    };
    // The signer leaves a token secret out when there is no token, as it must: the key is built
    // by hand, as the broken client does.
    let base = upwork_diag_core::oauth::sign_request_at(&request, &keys, "n0nce1", now());
    let signed = resign_with_key(
        &base,
        &format!("{}&{}", demo::CONSUMER_SECRET, demo::TOKEN_SECRET),
    );
    let auth = format!("Authorization: {}", signed.header("authorization").unwrap());
    let run = diagnose(
        &emulator.base_url,
        &[
            "-X",
            "POST",
            REQUEST_TOKEN_URL,
            "-H",
            &auth,
            "-H",
            "Content-Length: 0",
        ],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-request-token-call");
    assert_eq!(f["evidence"]["mistake"], "signed-with-token-secret");
    assert_eq!(f["evidence_level"], "reproduced");
}

#[test]
fn the_access_token_step_names_each_mistake() {
    let emulator = Emulator::start();
    let (token, secret) = request_token(&emulator);
    let (other, _) = request_token(&emulator);
    let mine = verifier(&emulator, &token);
    let theirs = verifier(&emulator, &other);

    // No verifier at all.
    let run = access_token_call(&emulator, (&token, &secret), &secret, None);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-access-token-call");
    assert_eq!(f["evidence"]["mistake"], "no-verifier");
    assert_eq!(f["evidence_level"], "reproduced");

    // The verifier of another request token.
    let run = access_token_call(&emulator, (&token, &secret), &secret, Some(&theirs));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-access-token-call");
    assert_eq!(f["evidence"]["mistake"], "verifier-refused");

    // Right: exchanged once; the second exchange of the same request token is refused.
    let run = access_token_call(&emulator, (&token, &secret), &secret, Some(&mine));
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let run = access_token_call(&emulator, (&token, &secret), &secret, Some(&mine));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-access-token-call");
    assert_eq!(f["evidence"]["mistake"], "request-token-used-or-expired");
    assert!(!finding_codes(&run.bundle).contains(&"token-invalid".to_string()));

    // Signed without the request token's secret: named, and the call signed again with it (the
    // corrected request) exchanges the token.
    let (token, secret) = request_token(&emulator);
    let mine = verifier(&emulator, &token);
    let run = access_token_call(&emulator, (&token, &secret), "", Some(&mine));
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "oauth1-access-token-call");
    assert_eq!(
        f["evidence"]["mistake"],
        "signed-without-request-token-secret"
    );
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(run.bundle["corrected"]["succeeded"], true, "{}", run.stdout);
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A POST signed with the demo consumer and its access token, as an `-H` value.
fn signed_post(url: &str) -> String {
    let keys = SignKeys {
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
        ..consumer_keys()
    };
    let request = from_flags(Some("POST"), url, &["Content-Length: 0".to_string()], None).unwrap();
    let signed = sign_request(&request, &keys);
    format!("Authorization: {}", signed.header("authorization").unwrap())
}

/// The same signed call with its HMAC-SHA1 signature made under another signing key, as a client
/// with that mistake makes it.
fn resign_with_key(
    signed: &upwork_diag_core::request::CapturedRequest,
    key: &str,
) -> upwork_diag_core::request::CapturedRequest {
    use upwork_diag_core::oauth::{self, SignatureMethod, SignedRequest};
    let parsed = SignedRequest::from_request(signed).unwrap().unwrap();
    let base = oauth::base_string(&parsed);
    let signature = oauth::sign_with_key(SignatureMethod::HmacSha1, key, &base);
    let mut out = signed.clone();
    for header in &mut out.headers {
        if header.name.eq_ignore_ascii_case("authorization") {
            header.value = header.value.replace(
                &oauth::encode(&parsed.signature),
                &oauth::encode(&signature),
            );
        }
    }
    out
}

/// `flow GENERATION --base-url EMULATOR --save FILE` with the demo key in the environment.
fn flow(
    emulator: &Emulator,
    generation: &str,
    key: &str,
    extra: &[&str],
) -> (Option<i32>, String, std::path::PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let save = dir.path().join("tokens.env");
    let output = upwork_diag()
        .args([
            "flow",
            generation,
            "--base-url",
            &emulator.base_url,
            "--save",
        ])
        .arg(&save)
        .args(extra)
        .env("UPWORK_CONSUMER_KEY", key)
        .env("UPWORK_CONSUMER_SECRET", demo::CONSUMER_SECRET)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    (output.status.code(), stdout, save, dir)
}

/// The `NAME=value` lines of a secrets file.
fn secrets_in(path: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn flow_oauth1_gets_working_tokens_end_to_end_without_printing_them() {
    let emulator = Emulator::start();
    let (code, stdout, save, _dir) = flow(&emulator, "oauth1", demo::CONSUMER_KEY, &[]);
    assert_eq!(code, Some(0), "{stdout}");
    for step in [
        "step 1: request token",
        "step 2: authorization",
        "step 3: access token",
        "step 4: a call with the access token",
    ] {
        assert!(stdout.contains(step), "{step}: {stdout}");
    }
    let secrets = secrets_in(&save);
    let names: Vec<&str> = secrets.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "UPWORK_CONSUMER_KEY",
            "UPWORK_CONSUMER_SECRET",
            "UPWORK_TOKEN",
            "UPWORK_TOKEN_SECRET"
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&save).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    for (name, value) in &secrets {
        if name.ends_with("SECRET") {
            assert!(!stdout.contains(value.as_str()), "{name} printed: {stdout}");
        }
    }
    // The tokens work: a call signed with them, the secrets read from the file.
    let token = &secrets.iter().find(|(k, _)| k == "UPWORK_TOKEN").unwrap().1;
    let token_secret = &secrets
        .iter()
        .find(|(k, _)| k == "UPWORK_TOKEN_SECRET")
        .unwrap()
        .1;
    let keys = SignKeys {
        token: Some(token),
        token_secret: Some(token_secret),
        ..consumer_keys()
    };
    let request = from_flags(
        Some("GET"),
        "https://www.upwork.com/api/auth/v1/info.json",
        &[],
        None,
    )
    .unwrap();
    let auth = format!(
        "Authorization: {}",
        sign_request(&request, &keys)
            .header("authorization")
            .unwrap()
    );
    let out = tempfile::tempdir().unwrap();
    let output = upwork_diag()
        .args([
            "diagnose",
            "https://www.upwork.com/api/auth/v1/info.json",
            "-H",
            &auth,
            "--no-bundle",
            "--base-url",
            &emulator.base_url,
            "--secrets-file",
        ])
        .arg(&save)
        .current_dir(out.path())
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );

    // Never over an existing file.
    let output = upwork_diag()
        .args(["flow", "oauth1", "--base-url", &emulator.base_url, "--save"])
        .arg(&save)
        .env("UPWORK_CONSUMER_KEY", demo::CONSUMER_KEY)
        .env("UPWORK_CONSUMER_SECRET", demo::CONSUMER_SECRET)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the file exists"));
    assert_eq!(secrets_in(&save), secrets);
}

#[test]
fn flow_oauth2_gets_working_tokens_end_to_end() {
    let emulator = Emulator::start();
    let (code, stdout, save, _dir) = flow(
        &emulator,
        "oauth2",
        demo::CONSUMER_KEY,
        &["--callback", "https://example.com/callback"],
    );
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("step 3: a call with the access token"),
        "{stdout}"
    );
    let secrets = secrets_in(&save);
    let access = &secrets
        .iter()
        .find(|(k, _)| k == "UPWORK_ACCESS_TOKEN")
        .unwrap()
        .1;
    let refresh = &secrets
        .iter()
        .find(|(k, _)| k == "UPWORK_REFRESH_TOKEN")
        .unwrap()
        .1;
    assert!(!stdout.contains(access.as_str()), "{stdout}");
    assert!(!stdout.contains(refresh.as_str()), "{stdout}");
    // The access token reads GraphQL.
    let mut args = graphql_args(&[]);
    args[4] = format!("Authorization: Bearer {access}");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_eq!(
        diagnose_with(&emulator.base_url, &args, Vec::new()).code,
        Some(0)
    );
}

#[test]
fn flow_stops_with_a_diagnosis_at_the_first_failing_step() {
    let emulator = Emulator::start();
    // The 16 hex digits of a secret, sent as the key.
    let (code, stdout, save, _dir) = flow(&emulator, "oauth1", "0123456789abcdef", &[]);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("error[api-key-wrong-format]"), "{stdout}");
    assert!(
        stdout.contains("The flow stopped at step 1 (request token)"),
        "{stdout}"
    );
    assert!(!stdout.contains("step 2"), "{stdout}");
    assert!(!save.exists());
}

#[test]
fn a_retired_rest_endpoint_names_the_graphql_query_that_replaces_it() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design";
    let run = diagnose(
        &emulator.base_url,
        &[url, "-H", &signed_get(url), "-H", "X-Mock-Fault: sunset"],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 410);
    let f = finding(&run.bundle, "endpoint-deprecated");
    assert_eq!(f["evidence_level"], "reproduced");
    assert_eq!(f["evidence"]["endpoint_name"], "search-jobs");
    let fix = f["fix"].as_str().unwrap();
    assert!(fix.contains("POST https://api.upwork.com/graphql"), "{fix}");
    assert!(fix.contains("marketplaceJobPostingsSearch"), "{fix}");
    assert!(fix.contains("Read marketplace Job Postings"), "{fix}");
    assert!(
        f["source"]
            .as_str()
            .unwrap()
            .contains("python-upwork-oauth2#8")
    );
    assert!(run.bundle["verdict"]["escalation"].is_null());
}
