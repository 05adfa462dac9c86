//! OAuth 2, GraphQL and Upwork's other answers, end to end: the real binary against the emulator.
//! Each case: the emulator reproduces it, `diagnose` names it with its code and fix.

use std::path::Path;

use crate::common::{demo_env, upwork_diag};
use serde_json::Value;
use upwork_diag_core::oauth::{Keys as SignKeys, sign_request};
use upwork_diag_core::request::flags::from_flags;
use upwork_diag_core::upwork::{permissions, scopes};
use upwork_diag_mock::{self as mock, Keys, MockConfig, RunningMock, demo};

const GRAPHQL: &str = "https://api.upwork.com/graphql";
const TOKEN_URL: &str = "https://www.upwork.com/api/v3/oauth2/token";

/// The emulator with a configuration of the test's own, on its own runtime.
struct Emulator {
    mock: Option<RunningMock>,
    runtime: tokio::runtime::Runtime,
    base_url: String,
}

impl Emulator {
    fn start() -> Emulator {
        Self::with_config(MockConfig::new(Keys::demo()))
    }

    fn with_config(config: MockConfig) -> Emulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let mock = runtime
            .block_on(mock::start("127.0.0.1:0".parse().unwrap(), config))
            .unwrap();
        let base_url = mock.base_url();
        Emulator {
            mock: Some(mock),
            runtime,
            base_url,
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(mock) = self.mock.take() {
            let _ = self.runtime.block_on(mock.shutdown());
        }
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    bundle: Value,
}

/// `diagnose ARGS --base-url EMULATOR --out DIR` with these variables; the exit code, the summary
/// and the bundle.
fn diagnose(emulator: &Emulator, args: &[&str], env: &[(&str, String)]) -> Run {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("bundle");
    let output = upwork_diag()
        .arg("diagnose")
        .args(args)
        .args(["--base-url", &emulator.base_url, "--out"])
        .arg(&dir)
        .envs(env.iter().map(|(k, v)| (*k, v.clone())))
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

/// The arguments of a GraphQL call with this bearer token and extra headers.
fn graphql_args(token: &str, query: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        "-X".to_string(),
        "POST".to_string(),
        GRAPHQL.to_string(),
        "-H".to_string(),
        format!("Authorization: Bearer {token}"),
        "-H".to_string(),
        "Content-Type: application/json".to_string(),
    ];
    let body = serde_json::json!({ "query": query }).to_string();
    args.extend(["-H".to_string(), format!("Content-Length: {}", body.len())]);
    for header in extra {
        args.extend(["-H".to_string(), header.to_string()]);
    }
    args.extend(["-d".to_string(), body]);
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

/// The finding of this code in a bundle.
fn finding<'a>(bundle: &'a Value, code: &str) -> &'a Value {
    bundle["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {:#}", bundle["findings"]))
}

/// The Authorization header of a GET signed with these keys.
fn signed_get(url: &str, keys: &SignKeys<'_>) -> String {
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    let signed = sign_request(&request, keys);
    format!("Authorization: {}", signed.header("authorization").unwrap())
}

fn full_keys() -> SignKeys<'static> {
    SignKeys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    }
}

#[test]
fn a_graphql_scope_error_names_the_fields_and_the_scopes_to_add() {
    let emulator = Emulator::start();
    let args = graphql_args(
        demo::OAUTH2_LIMITED_TOKEN,
        "{ user { id email } roomList { totalCount } }",
        &[],
    );
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 200);
    let f = finding(&run.bundle, "scope-missing");
    assert_eq!(
        f["evidence"]["fields"],
        serde_json::json!(["User.email", "Query.roomList"])
    );
    assert_eq!(
        f["evidence"]["scopes"],
        serde_json::json!([scopes::MESSAGING_READ, scopes::VIEW_USER_DETAILS])
    );
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains(&format!("\"{}\"", scopes::VIEW_USER_DETAILS))
    );
    assert!(
        run.stdout.contains("error[scope-missing]"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains(demo::OAUTH2_LIMITED_TOKEN),
        "the bearer token must not be printed"
    );

    // The full token reads the same query.
    let args = graphql_args(
        demo::OAUTH2_TOKEN,
        "{ user { id email } roomList { totalCount } }",
        &[],
    );
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn a_rest_403_names_the_endpoint_and_the_permission() {
    let keys = Keys::from_json(&format!(
        r#"{{"consumers":[{{"consumer_key":"ck","consumer_secret":"cs",
            "permissions":["{}"],
            "access_tokens":[{{"token":"tk","secret":"ts","username":"jdoe"}}]}}]}}"#,
        permissions::BASIC_INFO
    ))
    .unwrap();
    let emulator = Emulator::with_config(MockConfig::new(keys));
    let url = "https://www.upwork.com/api/messages/v3/acme/rooms.json";
    let auth = signed_get(
        url,
        &SignKeys {
            consumer_key: "ck",
            consumer_secret: "cs",
            token: Some("tk"),
            token_secret: Some("ts"),
        },
    );
    let run = diagnose(&emulator, &[url, "-H", &auth], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 403);
    let f = finding(&run.bundle, "scope-missing");
    assert_eq!(f["evidence"]["permission"], permissions::MESSAGES);
    assert_eq!(f["evidence"]["endpoint_name"], "messages-rooms");
    assert!(f["fix"].as_str().unwrap().contains("API Center"));
}

#[test]
fn an_expired_token_is_named_with_the_refresh_as_fix() {
    let emulator = Emulator::start();
    let args = graphql_args(demo::OAUTH2_EXPIRED_TOKEN, "{ user { id } }", &[]);
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 401);
    let f = finding(&run.bundle, "token-expired");
    assert!(
        f["fix"]
            .as_str()
            .unwrap()
            .contains("grant_type=refresh_token")
    );

    // Its refresh token works at the token endpoint.
    let body = format!(
        "grant_type=refresh_token&refresh_token={}&client_id={}&client_secret={}",
        demo::OAUTH2_EXPIRED_REFRESH_TOKEN,
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET
    );
    let run = diagnose(&emulator, &token_request(&body), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn an_unknown_bearer_token_and_a_graphql_call_without_one() {
    let emulator = Emulator::start();
    let args = graphql_args("not-a-token", "{ user { id } }", &[]);
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 401);
    finding(&run.bundle, "token-invalid");

    let body = r#"{"query":"{ user { id } }"}"#;
    let length = format!("Content-Length: {}", body.len());
    let run = diagnose(
        &emulator,
        &["-X", "POST", GRAPHQL, "-H", &length, "-d", body],
        &[],
    );
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    let f = finding(&run.bundle, "token-invalid");
    assert!(
        f["title"]
            .as_str()
            .unwrap()
            .contains("no OAuth 2 bearer token")
    );
}

/// A token request with this form body, Content-Length given.
fn token_request(body: &str) -> Vec<&str> {
    let length = Box::leak(format!("Content-Length: {}", body.len()).into_boxed_str());
    let body = Box::leak(body.to_string().into_boxed_str());
    vec![
        "-X",
        "POST",
        TOKEN_URL,
        "-H",
        "Content-Type: application/x-www-form-urlencoded",
        "-H",
        length,
        "-d",
        body,
    ]
}

#[test]
fn a_refused_refresh_token_is_named() {
    let emulator = Emulator::start();
    let body = format!(
        "grant_type=refresh_token&refresh_token=revoked-long-ago&client_id={}&client_secret={}",
        demo::CONSUMER_KEY,
        demo::CONSUMER_SECRET
    );
    let run = diagnose(&emulator, &token_request(&body), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 400);
    let f = finding(&run.bundle, "refresh-token-invalid");
    assert_eq!(f["evidence"]["error"], "invalid_grant");
    assert!(
        !run.stdout.contains(demo::CONSUMER_SECRET),
        "the client secret must not be printed"
    );
}

#[test]
fn a_user_of_two_organizations_needs_the_tenant_id() {
    let emulator = Emulator::start();
    let args = graphql_args(
        demo::OAUTH2_AGENCY_TOKEN,
        "{ organization { id name } }",
        &[],
    );
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 200);
    let f = finding(&run.bundle, "tenant-id-missing");
    assert_eq!(f["severity"], "error");
    assert!(f["fix"].as_str().unwrap().contains("X-Upwork-API-TenantId"));

    let tenant = format!("X-Upwork-API-TenantId: {}", demo::AGENCY_TENANT_ID);
    let args = graphql_args(
        demo::OAUTH2_AGENCY_TOKEN,
        "{ organization { id name } }",
        &[&tenant],
    );
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
}

#[test]
fn past_the_rate_limit_upwork_answers_429() {
    let config = MockConfig {
        // No call is allowed: the 429 comes whatever the timing of the test.
        rate_limit: Some(0),
        ..MockConfig::new(Keys::demo())
    };
    let emulator = Emulator::with_config(config);
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &full_keys())], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 429);
    let f = finding(&run.bundle, "rate-limited");
    assert_eq!(f["evidence"]["retry_after"], "1");
    assert_eq!(f["evidence"]["limit_per_second"], 10);
}

#[test]
fn upworks_rate_limit_lets_ten_calls_a_second_through() {
    let emulator = Emulator::with_config(MockConfig::new(Keys::demo()).with_upwork_rate_limit());
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    for _ in 0..3 {
        let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &full_keys())], &[]);
        assert_eq!(run.code, Some(0), "{}", run.stdout);
    }
    // A burst: the calls past the tenth within a second are refused.
    let target = format!("{}/api/auth/v1/info.json", emulator.base_url);
    let bodies: Vec<String> = (0..25).map(|_| crate::common::http_get(&target)).collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.contains(upwork_diag_core::upwork::errors::RATE_LIMITED)),
        "{bodies:#?}"
    );
}

#[test]
fn a_5xx_is_upworks_side_and_goes_to_tech_support() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let run = diagnose(&emulator, &[url, "-H", "X-Mock-Fault: 503"], &[]);
    assert_eq!(run.code, Some(4), "{}", run.stdout);
    let f = finding(&run.bundle, "server-error");
    assert_eq!(f["severity"], "warning");
    assert!(f["fix"].as_str().unwrap().contains("backoff"));
    assert_eq!(run.bundle["verdict"]["escalation"]["queue"], "Tech Support");
}

#[test]
fn a_retired_endpoint_names_its_replacement() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/mc/v1/threads/demo-user.json";
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &full_keys())], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 410);
    let f = finding(&run.bundle, "endpoint-deprecated");
    assert_eq!(f["severity"], "error");
    assert!(
        f["evidence"]["replacement"]
            .as_str()
            .unwrap()
            .contains("/api/messages/v3/{company}/rooms.json")
    );
}

#[test]
fn a_key_of_the_wrong_format_is_named() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    // The 16 hex digits of a secret, sent as the key.
    let keys = SignKeys {
        consumer_key: "0123456789abcdef",
        ..full_keys()
    };
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &keys)], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 401);
    let f = finding(&run.bundle, "api-key-wrong-format");
    assert_eq!(f["evidence"]["key_length"], 16);
    assert!(
        f["evidence"]["problem"]
            .as_str()
            .unwrap()
            .contains("secret")
    );

    // A made-up key of no particular form stays an unknown key.
    let keys = SignKeys {
        consumer_key: "someone-else",
        ..full_keys()
    };
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &keys)], &[]);
    assert!(
        !run.stdout.contains("api-key-wrong-format"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_disabled_profile_is_named_for_oauth1_and_oauth2() {
    let emulator = Emulator::start();
    let args = graphql_args(demo::OAUTH2_DISABLED_TOKEN, "{ user { id } }", &[]);
    let run = diagnose(&emulator, &strs(&args), &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["response"]["status"], 403);
    finding(&run.bundle, "profile-disabled");

    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let keys = SignKeys {
        token: Some(demo::DISABLED_TOKEN),
        token_secret: Some(demo::DISABLED_TOKEN_SECRET),
        ..full_keys()
    };
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &keys)], &[]);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    finding(&run.bundle, "profile-disabled");
}

#[test]
fn ask_username_asks_upwork_with_the_same_credentials() {
    let emulator = Emulator::start();
    // OAuth 2: the GraphQL user query with the access token of the environment.
    let args = graphql_args(
        demo::OAUTH2_LIMITED_TOKEN,
        "{ roomList { totalCount } }",
        &[],
    );
    let mut args = strs(&args);
    args.push("--ask-username");
    let env = [(
        "UPWORK_ACCESS_TOKEN",
        demo::OAUTH2_LIMITED_TOKEN.to_string(),
    )];
    let run = diagnose(&emulator, &args, &env);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["username"]["value"], demo::USERNAME);
    assert_eq!(run.bundle["username"]["origin"], "api");

    // OAuth 1.0: info.json signed with the keys of the environment.
    let url = "https://www.upwork.com/api/hr/v2/teams.json";
    let limited = SignKeys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    };
    let env = demo_env(
        demo::LIMITED_CONSUMER_KEY,
        demo::LIMITED_CONSUMER_SECRET,
        Some((demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)),
    );
    let env: Vec<(&str, String)> = env.into_iter().collect();
    let header = signed_get(url, &limited);
    let run = diagnose(&emulator, &[url, "-H", &header, "--ask-username"], &env);
    assert_eq!(run.code, Some(1), "{}", run.stdout);
    assert_eq!(run.bundle["username"]["value"], demo::USERNAME);
    assert_eq!(run.bundle["username"]["origin"], "api");

    // Without the flag nothing more is sent, and the username stays unknown.
    let header = signed_get(url, &limited);
    let run = diagnose(&emulator, &[url, "-H", &header], &env);
    assert_eq!(run.bundle["username"]["origin"], "unknown");
}

#[test]
fn a_successful_info_call_tells_the_username() {
    let emulator = Emulator::start();
    let url = "https://www.upwork.com/api/auth/v1/info.json";
    let run = diagnose(&emulator, &[url, "-H", &signed_get(url, &full_keys())], &[]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.bundle["username"]["value"], demo::USERNAME);
    assert_eq!(run.bundle["username"]["origin"], "api");
}
