//! The leaks of issue 11, one test per kind, each through the real binary (and the emulator, and
//! raw servers on 127.0.0.1): a PLAINTEXT signature without the secrets, error messages quoting
//! their input, given secrets in other encodings, secrets nobody named, the emulator's journal and
//! log, and a refresh token sent where the call did not go.
//!
//! The encodings a leak would take are written out here, independently of the redactor's own list.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::common::canary::{assert_clean, files_text, percent};
use crate::common::{MockProcess, upwork_diag};
use base64::Engine;
use serde_json::Value;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// Runs the binary; returns (exit code, stdout, stderr).
fn run(command: &mut assert_cmd::Command) -> (i32, String, String) {
    let output = command.output().unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `diagnose --offline --format json` of flags, into a bundle under `dir`; everything it wrote
/// (stdout, stderr, the bundle's files) as one text.
fn offline(dir: &Path, name: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let out = dir.join(name);
    let (code, stdout, stderr) = run(upwork_diag()
        .arg("diagnose")
        .args(args)
        .args(["--offline", "--format", "json", "--out"])
        .arg(&out)
        .envs(env.iter().copied()));
    assert!(matches!(code, 0 | 1 | 5), "{name}: exit {code}\n{stderr}");
    format!("{stdout}\n{stderr}\n{}", files_text(&out))
}

#[test]
fn a_plaintext_signature_is_hidden_without_the_secrets() {
    // The support agent's case: a developer's HAR, no UPWORK_* at hand. The signature of a
    // lowercase `plaintext` call is `consumer_secret&token_secret` itself.
    let dir = tempfile::tempdir().unwrap();
    let signature = "CANARYcs4plain%26CANARYts4plain";
    let url = format!(
        "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=ck&\
         oauth_signature_method=plaintext&oauth_timestamp=1700000000&oauth_nonce=n&\
         oauth_signature={}",
        percent(signature, false)
    );
    let har = serde_json::json!({"log": {"version": "1.2", "entries": [{
        "startedDateTime": "2023-11-14T22:13:20Z",
        "request": {"method": "POST", "url": url, "httpVersion": "HTTP/1.1",
            "headers": [], "queryString": [], "cookies": [], "headersSize": -1, "bodySize": 0},
        "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
            "headers": [], "cookies": [], "content": {"size": 0, "mimeType": "text/plain"},
            "redirectURL": "", "headersSize": -1, "bodySize": 0}
    }]}});
    let har_path = dir.path().join("session.har");
    std::fs::write(&har_path, har.to_string()).unwrap();
    let written = offline(
        dir.path(),
        "har",
        &["--har", har_path.to_str().unwrap()],
        &[],
    );
    let secrets = ["CANARYcs4plain", "CANARYts4plain"];
    assert_clean("diagnose --har of a plaintext call", &written, &secrets);
    let bundle: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("har/bundle.json")).unwrap())
            .unwrap();
    let shown = bundle["request"]["oauth"]["signature"].as_str().unwrap();
    assert!(
        shown.starts_with("[redacted PLAINTEXT-signature sha256:"),
        "{shown}"
    );
    // The rest of what support needs stays.
    assert_eq!(bundle["request"]["oauth"]["consumer_key"], "ck");
}

#[test]
fn error_messages_name_the_problem_without_quoting_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let raw = dir.path().join("call.http");
    std::fs::write(
        &raw,
        "GET /api/x HTTP/1.1\r\nHost: www.upwork.com\r\nAuthorization CANARYrawtoken9\r\n\r\n",
    )
    .unwrap();
    let curl = dir.path().join("call.curl");
    std::fs::write(
        &curl,
        "curl --user=key:CANARYcurlpass9 https://www.upwork.com/api/x\n",
    )
    .unwrap();
    let secrets_file = dir.path().join("secrets.env");
    std::fs::write(&secrets_file, "UPWORK_CONSUMER_SECRET: CANARYfile9=x\n").unwrap();
    let url = "https://www.upwork.com/api/x";
    let cases: Vec<(Vec<String>, &str, &str)> = vec![
        (
            vec![
                url.into(),
                "-H".into(),
                "Authorization Bearer CANARYnocolon9".into(),
            ],
            "CANARYnocolon9",
            "-H",
        ),
        (
            vec!["https://me:CANARYport9@www.upwork.com:99999/x".into()],
            "CANARYport9",
            "port",
        ),
        (
            vec!["https://www.upwork.com/x?access_token=CANARYctl9\u{1}".into()],
            "CANARYctl9",
            "control character",
        ),
        (
            vec!["--raw".into(), raw.display().to_string()],
            "CANARYrawtoken9",
            "call.http:3",
        ),
        (
            vec!["--curl".into(), curl.display().to_string()],
            "CANARYcurlpass9",
            "--user",
        ),
        (
            vec![
                url.into(),
                "--secrets-file".into(),
                secrets_file.display().to_string(),
            ],
            "CANARYfile9",
            "line 1",
        ),
    ];
    for (args, secret, place) in cases {
        let (code, stdout, stderr) = run(upwork_diag()
            .arg("diagnose")
            .args(&args)
            .args(["--offline", "--no-bundle"]));
        assert_eq!(code, 2, "{args:?}: bad input\n{stderr}");
        assert!(stderr.contains(place), "{args:?}: names {place}: {stderr}");
        assert_clean(
            &format!("{args:?}"),
            &format!("{stdout}{stderr}"),
            &[secret],
        );
        // Not even masked: the message does not quote the value at all.
        assert!(!stderr.contains("[redacted"), "{args:?}: {stderr}");
    }
}

#[test]
fn given_secrets_are_hidden_in_every_encoding() {
    let dir = tempfile::tempdir().unwrap();
    let consumer_secret = "CANARY cs/5a";
    let token_secret = "CANARY+ts5b";
    let env = [
        ("UPWORK_CONSUMER_SECRET", consumer_secret),
        ("UPWORK_TOKEN_SECRET", token_secret),
    ];
    let secrets = [consumer_secret, token_secret];
    let url = "https://www.upwork.com/api/profiles/v2/search/jobs.json";
    let runs: Vec<(&str, Vec<String>)> = vec![
        // .NET's HttpUtility.UrlEncode writes lowercase hex.
        ("lowercase hex", vec![format!("{url}?q=CANARY%20cs%2f5a")]),
        // A `+` in a query read as a space: the corrected request re-encodes it as `%20`.
        ("plus", vec![format!("{url}?q=CANARY+ts5b&x=a b")]),
        (
            "base64 header",
            vec![
                url.to_string(),
                "-H".into(),
                format!("X-Debug: {}", B64.encode(consumer_secret)),
                "-H".into(),
                format!(
                    "Authorization: Basic {}",
                    B64.encode(format!("someone:{token_secret}"))
                ),
            ],
        ),
        (
            "json slash",
            vec![
                url.to_string(),
                "-H".into(),
                "Content-Type: application/json".into(),
                "-d".into(),
                r#"{"note":"CANARY cs\/5a"}"#.to_string(),
            ],
        ),
    ];
    for (name, args) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let written = offline(dir.path(), &name.replace(' ', "-"), &args, &env);
        assert_clean(name, &written, &secrets);
    }
    // The corrected request, sent: its re-encoding of the `+` is hidden too.
    let server = Server::start(|_| {
        (
            "400 Bad Request",
            vec![],
            "{\"error\":\"bad request\"}".to_string(),
        )
    });
    let out = dir.path().join("sent");
    // A call signed as requests-oauthlib signs it (the `+` read as a space): the corrected
    // request re-encodes the query and signs it again, which needs the secrets.
    let keys = upwork_diag_core::oauth::Keys {
        consumer_key: "canary-key",
        consumer_secret,
        token: Some("canary-token"),
        token_secret: Some(token_secret),
    };
    let meant = upwork_diag_core::request::flags::from_flags(
        Some("GET"),
        &format!("{url}?q=CANARY%20ts5b&x=a%20b"),
        &[],
        None,
    )
    .unwrap();
    let signed = upwork_diag_core::oauth::sign_request(&meant, &keys);
    let authorization = format!("Authorization: {}", signed.header("authorization").unwrap());
    let env = [
        env[0],
        env[1],
        ("UPWORK_CONSUMER_KEY", "canary-key"),
        ("UPWORK_TOKEN", "canary-token"),
    ];
    let (code, stdout, stderr) = run(upwork_diag()
        .args(["diagnose", &format!("{url}?q=CANARY+ts5b&x=a%20b")])
        .args(["-H", &authorization])
        .args([
            "--base-url",
            &server.base_url,
            "--timeout",
            "5",
            "--format",
            "json",
            "--out",
        ])
        .arg(&out)
        .envs(env));
    assert!(code != 2 && code != 3, "{code}: {stderr}");
    let bundle: Value = serde_json::from_str(&stdout).unwrap();
    assert!(
        !bundle["corrected"].is_null(),
        "a corrected request was sent: {bundle:#}"
    );
    assert_clean(
        "the corrected request",
        &format!("{stdout}{stderr}{}", files_text(&out)),
        &secrets,
    );
}

#[test]
fn secrets_nobody_named_are_found_by_name_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let url = "https://www.upwork.com/api/v3/oauth2/token";
    let curl = dir.path().join("multipart.curl");
    std::fs::write(
        &curl,
        format!("curl {url} -F grant_type=client_credentials -F client_secret=CANARYmulti6a\n"),
    )
    .unwrap();
    let mut secrets = vec![
        "CANARYmulti6a",
        "CANARYcamel6b",
        "CANARYcamel6c",
        "CANARYarray6d",
        "CANARYnoscheme6e",
        "CANARYtab6f",
        "CANARYspaced6g",
        "CANARYcrlf6h",
        "CANARYuser6i",
    ];
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("multipart", vec!["--curl".into(), curl.display().to_string()]),
        (
            "camelCase",
            vec![
                url.into(),
                "-H".into(),
                "Content-Type: application/json".into(),
                "-d".into(),
                r#"{"clientSecret":"CANARYcamel6b","refreshToken":"CANARYcamel6c"}"#.into(),
            ],
        ),
        (
            "array",
            vec![
                url.into(),
                "-H".into(),
                "Content-Type: application/json".into(),
                "-d".into(),
                r#"{"client_secret":["CANARYarray6d"]}"#.into(),
            ],
        ),
        (
            "no scheme",
            vec![url.into(), "-H".into(), "Authorization: CANARYnoscheme6e".into()],
        ),
        (
            "tab",
            vec![url.into(), "-H".into(), "Authorization: Bearer\tCANARYtab6f".into()],
        ),
        (
            "spaced",
            vec![
                "https://www.upwork.com/api/auth/v1/info.json".into(),
                "-H".into(),
                "Authorization: OAuth oauth_consumer_key=\"ck\", oauth_signature_method=\"PLAINTEXT\", \
                 oauth_signature = \"CANARYspaced6g%26\""
                    .into(),
            ],
        ),
        (
            "crlf form",
            vec![
                url.into(),
                "-d".into(),
                "grant_type=refresh_token&refresh_token=CANARYcrlf6h\r\n".into(),
            ],
        ),
        (
            "user name",
            vec!["https://CANARYuser6i@www.upwork.com/api/auth/v1/info.json".into()],
        ),
    ];
    for (name, args) in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let written = offline(dir.path(), &name.replace(' ', "-"), &args, &[]);
        assert_clean(name, &written, &secrets);
    }

    // Secrets in the answer: a token in a redirect's Location, a token secret served as
    // text/html, answered by a server on 127.0.0.1.
    let server = Server::start(|request| {
        if request.contains("/redirect") {
            (
                "302 Found",
                vec![(
                    "Location",
                    "https://app.example/cb#x?access_token=CANARYlocation6j&state=1".into(),
                )],
                String::new(),
            )
        } else {
            (
                "200 OK",
                vec![("Content-Type", "text/html".into())],
                "oauth_token=issued&oauth_token_secret=CANARYhtml6k\r\n".into(),
            )
        }
    });
    secrets.extend(["CANARYlocation6j", "CANARYhtml6k"]);
    for path in ["/api/auth/v1/redirect", "/api/auth/v1/oauth/token/access"] {
        let out = dir.path().join(path.replace('/', "_"));
        let (code, stdout, stderr) = run(upwork_diag()
            .args([
                "diagnose",
                "-X",
                "POST",
                &format!("https://www.upwork.com{path}"),
            ])
            .args(["-H", "Content-Length: 0"])
            .args([
                "--base-url",
                &server.base_url,
                "--timeout",
                "5",
                "--format",
                "json",
                "--out",
            ])
            .arg(&out));
        assert!(code != 2 && code != 3, "{path}: {code}: {stderr}");
        assert_clean(
            path,
            &format!("{stdout}{stderr}{}", files_text(&out)),
            &secrets,
        );
    }

    // A given secret with a trailing newline (read from a file by `$(cat ...)`), and a short one.
    let env = [
        ("UPWORK_ACCESS_TOKEN", "CANARYnewline6l\n"),
        ("UPWORK_CONSUMER_SECRET", "Zq9"),
    ];
    let written = offline(
        dir.path(),
        "given",
        &["https://www.upwork.com/api/auth/v1/info.json?q=CANARYnewline6l&z=Zq9"],
        &env,
    );
    assert_clean("given", &written, &["CANARYnewline6l", "Zq9"]);
}

/// A server on 127.0.0.1 that answers each request with `answer(request)` and records them.
struct Server {
    base_url: String,
    received: Arc<Mutex<Vec<String>>>,
}

type Answer = (&'static str, Vec<(&'static str, String)>, String);

impl Server {
    fn start(answer: impl Fn(&str) -> Answer + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let received: Arc<Mutex<Vec<String>>> = Arc::default();
        let log = Arc::clone(&received);
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || serve(stream, &log, answer.as_ref()));
            }
        });
        Server { base_url, received }
    }

    fn received(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

/// Reads one request (head and Content-Length body) off the stream.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<String> {
    let mut head = String::new();
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap_or(0);
        }
        head.push_str(&line);
        if line == "\r\n" || line == "\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(head + &String::from_utf8_lossy(&body))
}

/// Serves one connection; a CONNECT is answered as a proxy would, and the tunnelled request is
/// then served the same way (so this server is also the proxy in front of any host).
fn serve(
    stream: TcpStream,
    log: &Mutex<Vec<String>>,
    answer: &(dyn Fn(&str) -> Answer + Send + Sync),
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut stream = stream;
    let Some(mut request) = read_request(&mut reader) else {
        return;
    };
    if request.starts_with("CONNECT ") {
        log.lock().unwrap().push(request.clone());
        let _ = stream.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        let Some(tunnelled) = read_request(&mut reader) else {
            return;
        };
        request = tunnelled;
    }
    log.lock().unwrap().push(request.clone());
    let (status, headers, body) = answer(&request);
    let mut response = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        response.push_str(&format!("{name}: {value}\r\n"));
    }
    response.push_str("\r\n");
    response.push_str(&body);
    let _ = stream.write_all(response.as_bytes());
}

/// Upwork's answer to an expired OAuth 2 token, or a new token from the token endpoint.
fn expiring_upwork(request: &str) -> Answer {
    if request.contains("/api/v3/oauth2/token") {
        (
            "200 OK",
            vec![("Content-Type", "application/json".into())],
            r#"{"access_token":"new-access-token-7z","token_type":"bearer","expires_in":86400}"#
                .into(),
        )
    } else if request.contains("new-access-token-7z") {
        ("200 OK", vec![], "{}".into())
    } else {
        (
            "401 Unauthorized",
            vec![(
                "X-Upwork-Error-Message",
                "The access token has expired.".into(),
            )],
            "{\"error\":\"expired\"}".into(),
        )
    }
}

#[test]
fn the_refresh_token_goes_only_to_upwork_or_a_local_emulator() {
    let refresh_token = "CANARY-refresh-8a";
    let client_secret = "CANARY-client-secret-8b";
    let env = [
        ("UPWORK_CONSUMER_KEY", "client-id-8c"),
        ("UPWORK_CONSUMER_SECRET", client_secret),
        ("UPWORK_REFRESH_TOKEN", refresh_token),
    ];
    let call = "https://www.upwork.com/api/auth/v1/info.json";
    let bearer = "Authorization: Bearer expired-token-8d";

    // --base-url another origin over plain http (reached through a proxy on 127.0.0.1, which
    // records what it is given): the call goes there, the refresh must not.
    let proxy = Server::start(expiring_upwork);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("elsewhere");
    let (code, stdout, stderr) = run(upwork_diag()
        .args(["diagnose", call, "-H", bearer])
        .args(["--base-url", "http://upwork-diag-elsewhere.example:8080"])
        .args(["--timeout", "5", "--format", "json", "--out"])
        .arg(&out)
        .env("http_proxy", &proxy.base_url)
        .envs(env));
    let received = proxy.received();
    assert!(
        received.iter().any(|r| r.contains("expired-token-8d")),
        "the call went through the proxy: {code} {stderr} {received:#?}"
    );
    for request in &received {
        assert_clean(
            "what the other origin received",
            request,
            &[refresh_token, client_secret],
        );
    }
    let bundle: Value = serde_json::from_str(&stdout).unwrap_or_else(|_| panic!("{stderr}"));
    let expired = bundle["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "token-expired")
        .unwrap_or_else(|| panic!("{bundle:#}"));
    let why = expired["evidence"]["refresh_not_sent"].as_str().unwrap();
    assert!(
        why.contains("upwork-diag-elsewhere.example") && why.contains("https://www.upwork.com"),
        "the report says why nothing was sent: {why}"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        report.contains("Not refreshed") && report.contains("upwork-diag-elsewhere.example"),
        "{report}"
    );

    // An emulator named with a loopback --base-url gets the refresh, and the report says so.
    let local = Server::start(expiring_upwork);
    let (code, stdout, stderr) = run(upwork_diag()
        .args(["diagnose", call, "-H", bearer])
        .args(["--base-url", &local.base_url])
        .args(["--timeout", "5", "--no-bundle", "--format", "json"])
        .envs(env));
    assert_eq!(code, 1, "explained: {stderr}");
    let bundle: Value = serde_json::from_str(&stdout).unwrap();
    let token_url = format!("{}/api/v3/oauth2/token", local.base_url);
    assert!(
        local
            .received()
            .iter()
            .any(|r| r.contains("/api/v3/oauth2/token")),
        "the refresh reached the local emulator"
    );
    let changes = bundle["corrected"]["changes"].to_string();
    assert!(changes.contains(&token_url), "{changes}");
    assert_eq!(bundle["corrected"]["succeeded"], true, "{bundle:#}");
    assert_clean("stdout", &stdout, &[refresh_token, client_secret]);
}

/// Sends raw bytes and reads the answer to its end.
fn send_raw(base_url: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(base_url.trim_start_matches("http://")).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer
}

#[test]
fn the_emulator_journal_and_log_hide_what_it_was_sent() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("mock.log");
    let mock = MockProcess::start(None, &log);
    let post = |path: &str, headers: &[String], body: &str| {
        let mut request = format!(
            "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
            body.len()
        );
        for header in headers {
            request.push_str(header);
            request.push_str("\r\n");
        }
        request.push_str("\r\n");
        request.push_str(body);
        send_raw(&mock.base_url, &request);
    };
    let info = "/api/auth/v1/info.json";
    post(
        &format!(
            "{info}?oauth_consumer_key=ck&oauth_signature_method=plaintext&oauth_signature=CANARYquery9a%2526"
        ),
        &[],
        "",
    );
    post(
        info,
        &["Authorization: OAuth oauth_consumer_key=\"ck\", oauth_signature_method=\"plaintext\", \
           oauth_signature = \"CANARYspaced9b%26\""
            .into()],
        "",
    );
    post(
        "/api/v3/oauth2/token",
        &["Content-Type: application/x-www-form-urlencoded".into()],
        "grant_type=refresh_token&refresh_token=CANARYnewline9c\n",
    );
    post(info, &["X-Api-Key: CANARYapikey9d".into()], "");
    let boundary = "------------------------b0undary";
    post(
        "/api/v3/oauth2/token",
        &[format!(
            "Content-Type: multipart/form-data; boundary={boundary}"
        )],
        &format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\n\
             CANARYmulti9e\r\n--{boundary}--\r\n"
        ),
    );
    post(
        "/graphql",
        &["Content-Type: application/json".into()],
        r#"{"query":"{ user { id } }","clientSecret":"CANARYcamel9f"}"#,
    );
    let secrets = [
        "CANARYquery9a",
        "CANARYspaced9b",
        "CANARYnewline9c",
        "CANARYapikey9d",
        "CANARYmulti9e",
        "CANARYcamel9f",
    ];
    let journal = crate::common::http_get(&format!("{}/__mock/requests", mock.base_url));
    let entries: Value = serde_json::from_str(&journal).unwrap();
    assert!(
        entries["requests"].as_array().map_or(0, Vec::len) >= 6,
        "every request is in the journal: {journal}"
    );
    assert_clean("/__mock/requests", &journal, &secrets);
    drop(mock);
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() >= 6,
        "one line per request: {logged}"
    );
    assert_clean("the emulator's log", &logged, &secrets);
}

#[test]
fn a_secret_with_its_unreserved_characters_encoded_is_hidden() {
    // Java's URLEncoder and Python 2's quote write `~` as %7E; stricter encoders `-` as %2D.
    let dir = tempfile::tempdir().unwrap();
    let secret = "CANARY~cs-7";
    let url = "https://www.upwork.com/api/profiles/v2/search/jobs.json";
    for (name, sent) in [
        ("tilde", "CANARY%7Ecs-7"),
        ("tilde lowercase", "CANARY%7ecs-7"),
        ("strict", "CANARY%7Ecs%2D7"),
    ] {
        let written = offline(
            dir.path(),
            &name.replace(' ', "-"),
            &[&format!("{url}?q={sent}")],
            &[("UPWORK_CONSUMER_SECRET", secret)],
        );
        assert!(!written.contains(sent), "{name}: {sent} written");
        assert!(!written.contains("CANARY"), "{name}: {written}");
    }
}
