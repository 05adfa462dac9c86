//! The emulator over real HTTP: the front end's 411, OAuth 1.0 verification and its failures, the
//! key permissions, the token flow, method overloading, the journal and every fault mode.

use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use upwork_diag_core::oauth::{self, SignOptions};
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};
use upwork_diag_core::upwork::errors;
use upwork_diag_mock::{self as mock, MockConfig, RunningMock, demo};

async fn start() -> RunningMock {
    mock::start("127.0.0.1:0".parse().unwrap(), MockConfig::default())
        .await
        .unwrap()
}

fn client(timeout: Duration) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .timeout(timeout)
        .build()
        .unwrap()
}

fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &str) -> CapturedRequest {
    CapturedRequest {
        method: method.to_string(),
        url: RawUrl::parse(url).unwrap(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        body: body.as_bytes().to_vec(),
        time: None,
        source: Source::Flags,
    }
}

fn full_keys() -> oauth::Keys<'static> {
    oauth::Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    }
}

fn limited_keys() -> oauth::Keys<'static> {
    oauth::Keys {
        consumer_key: demo::LIMITED_CONSUMER_KEY,
        consumer_secret: demo::LIMITED_CONSUMER_SECRET,
        token: Some(demo::LIMITED_TOKEN),
        token_secret: Some(demo::LIMITED_TOKEN_SECRET),
    }
}

fn sign(
    request: &CapturedRequest,
    keys: &oauth::Keys<'_>,
    options: SignOptions,
) -> CapturedRequest {
    oauth::sign_request_with(request, keys, &options).request
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Sends through reqwest, which writes Host itself.
async fn send(client: &reqwest::Client, request: &CapturedRequest) -> reqwest::Response {
    let mut builder = client.request(
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap(),
        request.url.as_str(),
    );
    for h in &request.headers {
        if !h.name.eq_ignore_ascii_case("host") && !h.name.eq_ignore_ascii_case("content-length") {
            builder = builder.header(&h.name, &h.value);
        }
    }
    // hyper sends no Content-Length for an empty body, and a POST without one is a 411: say it.
    if ["POST", "PUT", "PATCH"].contains(&request.method.as_str()) {
        builder = builder.header("Content-Length", request.body.len().to_string());
    }
    builder = builder.body(request.body.clone());
    builder.send().await.unwrap()
}

/// Sends bytes on a plain socket and reads one answer.
async fn raw(addr: SocketAddr, bytes: Vec<u8>) -> String {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(&bytes).unwrap();
        let answer = crate::common::read_answer(&mut stream);
        String::from_utf8_lossy(&answer).into_owned()
    })
    .await
    .unwrap()
}

async fn json(response: reqwest::Response) -> serde_json::Value {
    serde_json::from_str(&response.text().await.unwrap()).unwrap()
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn post_without_content_length_gets_the_411_page() {
    let mock = start().await;
    let head = format!(
        "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {}\r\nAccept: */*\r\n\r\n",
        mock.addr()
    );
    let answer = raw(mock.addr(), head.into_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 411"), "{answer}");
    assert!(
        answer.contains("<title>411 Length Required</title>"),
        "{answer}"
    );
}

#[tokio::test]
async fn signed_post_with_content_length_zero_gets_a_request_token() {
    let mock = start().await;
    let url = format!("{}/api/auth/v1/oauth/token/request", mock.base_url());
    let keys = oauth::Keys {
        token: None,
        token_secret: None,
        ..full_keys()
    };
    let options = SignOptions {
        callback: Some("oob".into()),
        ..SignOptions::default()
    };
    let signed = sign(&request("POST", &url, &[], ""), &keys, options);
    let authorization = signed.header("authorization").unwrap();
    let head = format!(
        "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {}\r\nAuthorization: {authorization}\r\nContent-Length: 0\r\n\r\n",
        mock.addr()
    );
    let answer = raw(mock.addr(), head.into_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("oauth_callback_confirmed=true"), "{answer}");
}

#[tokio::test]
async fn a_bad_signature_gets_401_with_upwork_headers() {
    let mock = start().await;
    let url = format!("{}/api/auth/v1/info.json", mock.base_url());
    let keys = oauth::Keys {
        consumer_secret: "not-the-secret",
        ..full_keys()
    };
    let signed = sign(
        &request("GET", &url, &[], ""),
        &keys,
        SignOptions::default(),
    );
    let response = send(&client(Duration::from_secs(10)), &signed).await;
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "X-Upwork-Error-Code"), Some("401"));
    assert_eq!(
        header(&response, "X-Upwork-Error-Message"),
        Some("Verification of signature failed.")
    );
    let body = json(response).await;
    assert_eq!(body["error"]["code"], 401);
    assert!(body["server_time"].is_i64());
}

#[tokio::test]
async fn the_limited_key_gets_403_on_teams() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let url = format!("{}/api/hr/v2/teams.json", mock.base_url());
    let signed = sign(
        &request("GET", &url, &[], ""),
        &limited_keys(),
        SignOptions::default(),
    );
    let response = send(&client, &signed).await;
    assert_eq!(response.status(), 403);
    assert_eq!(header(&response, "X-Upwork-Error-Code"), Some("403"));
    let body = response.text().await.unwrap();
    assert!(
        body.contains("This APP has no access to the requested resource"),
        "{body}"
    );

    let signed = sign(
        &request("GET", &url, &[], ""),
        &full_keys(),
        SignOptions::default(),
    );
    assert_eq!(send(&client, &signed).await.status(), 200);
}

#[tokio::test]
async fn a_good_job_search_with_an_encoded_space_succeeds() {
    let mock = start().await;
    let url = format!(
        "{}/api/profiles/v2/search/jobs.json?q=web%20design",
        mock.base_url()
    );
    let signed = sign(
        &request("GET", &url, &[], ""),
        &full_keys(),
        SignOptions::default(),
    );
    let response = send(&client(Duration::from_secs(10)), &signed).await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert!(
        body["jobs"][0]["title"]
            .as_str()
            .unwrap()
            .starts_with("web design"),
        "{body}"
    );
}

#[tokio::test]
async fn unknown_consumer_and_stale_timestamp_get_their_own_messages() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let url = format!("{}/api/auth/v1/info.json", mock.base_url());

    let keys = oauth::Keys {
        consumer_key: "nobody",
        ..full_keys()
    };
    let response = send(
        &client,
        &sign(
            &request("GET", &url, &[], ""),
            &keys,
            SignOptions::default(),
        ),
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        header(&response, "X-Upwork-Error-Message"),
        Some(errors::UNKNOWN_CONSUMER)
    );

    let stale = SignOptions {
        timestamp: Some(now() - 1000),
        ..SignOptions::default()
    };
    let response = send(
        &client,
        &sign(&request("GET", &url, &[], ""), &full_keys(), stale),
    )
    .await;
    assert_eq!(response.status(), 401);
    let message = header(&response, "X-Upwork-Error-Message")
        .unwrap()
        .to_string();
    assert!(
        message.starts_with(errors::TIMESTAMP_REFUSED) && message.contains("Server time"),
        "{message}"
    );
}

#[tokio::test]
async fn a_reused_nonce_is_refused() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let url = format!("{}/api/auth/v1/info.json", mock.base_url());
    let options = SignOptions {
        nonce: Some("same-nonce".into()),
        timestamp: Some(now()),
        ..SignOptions::default()
    };
    let signed = sign(&request("GET", &url, &[], ""), &full_keys(), options);
    assert_eq!(send(&client, &signed).await.status(), 200);
    let again = send(&client, &signed).await;
    assert_eq!(again.status(), 401);
    assert_eq!(
        header(&again, "X-Upwork-Error-Message"),
        Some(errors::DUPLICATE_NONCE)
    );
}

#[tokio::test]
async fn the_oauth1_flow_ends_with_a_working_access_token() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let form = |text: &str| -> Vec<(String, String)> {
        url::form_urlencoded::parse(text.as_bytes())
            .into_owned()
            .collect()
    };
    let get = |pairs: &[(String, String)], name: &str| {
        pairs.iter().find(|(k, _)| k == name).unwrap().1.clone()
    };

    let url = format!("{}/api/auth/v1/oauth/token/request", mock.base_url());
    let consumer_only = oauth::Keys {
        token: None,
        token_secret: None,
        ..full_keys()
    };
    let options = SignOptions {
        callback: Some("oob".into()),
        ..SignOptions::default()
    };
    let response = send(
        &client,
        &sign(&request("POST", &url, &[], ""), &consumer_only, options),
    )
    .await;
    assert_eq!(response.status(), 200);
    let pairs = form(&response.text().await.unwrap());
    let (request_token, request_secret) = (
        get(&pairs, "oauth_token"),
        get(&pairs, "oauth_token_secret"),
    );

    let page = client
        .get(format!(
            "{}/services/api/auth?oauth_token={request_token}",
            mock.base_url()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // The page gives this request token's own verifier; the demo one no longer stands in.
    let verifier = page
        .split("<code>")
        .nth(1)
        .and_then(|rest| rest.split("</code>").next())
        .unwrap_or_else(|| panic!("no verifier: {page}"))
        .to_string();
    assert_ne!(verifier, demo::VERIFIER);

    let url = format!("{}/api/auth/v1/oauth/token/access", mock.base_url());
    let keys = oauth::Keys {
        token: Some(&request_token),
        token_secret: Some(&request_secret),
        ..full_keys()
    };
    let wrong = SignOptions {
        verifier: Some("guess".into()),
        ..SignOptions::default()
    };
    let response = send(
        &client,
        &sign(&request("POST", &url, &[], ""), &keys, wrong),
    )
    .await;
    assert_eq!(response.status(), 401);
    let options = SignOptions {
        verifier: Some(verifier.clone()),
        ..SignOptions::default()
    };
    let response = send(
        &client,
        &sign(&request("POST", &url, &[], ""), &keys, options),
    )
    .await;
    assert_eq!(response.status(), 200);
    let pairs = form(&response.text().await.unwrap());
    let (access_token, access_secret) = (
        get(&pairs, "oauth_token"),
        get(&pairs, "oauth_token_secret"),
    );

    let url = format!("{}/api/auth/v1/info.json", mock.base_url());
    let keys = oauth::Keys {
        token: Some(&access_token),
        token_secret: Some(&access_secret),
        ..full_keys()
    };
    let response = send(
        &client,
        &sign(
            &request("GET", &url, &[], ""),
            &keys,
            SignOptions::default(),
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["auth_user"]["uid"], demo::USERNAME);
}

#[tokio::test]
async fn post_with_http_method_put_reaches_a_put_only_endpoint() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let url = format!("{}/api/hr/v2/jobs/~01abc.json", mock.base_url());
    let form = [("Content-Type", "application/x-www-form-urlencoded")];

    let plain = sign(
        &request("POST", &url, &form, "title=New%20title"),
        &full_keys(),
        SignOptions::default(),
    );
    let response = send(&client, &plain).await;
    assert_eq!(response.status(), 405);
    assert_eq!(header(&response, "allow"), Some("DELETE, GET, PUT"));

    let put = request("POST", &url, &form, "http_method=put&title=New%20title");
    let response = send(&client, &sign(&put, &full_keys(), SignOptions::default())).await;
    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["job"]["status"], "updated");
    assert_eq!(body["job"]["reference"], "~01abc");
}

#[tokio::test]
async fn unknown_paths_get_404_json() {
    let mock = start().await;
    let url = format!("{}/api/nothing/here.json", mock.base_url());
    let response = send(
        &client(Duration::from_secs(10)),
        &sign(
            &request("GET", &url, &[], ""),
            &full_keys(),
            SignOptions::default(),
        ),
    )
    .await;
    assert_eq!(response.status(), 404);
    let body = json(response).await;
    assert_eq!(body["error"]["status"], 404);
}

#[tokio::test]
async fn the_journal_lists_requests_with_secrets_masked_and_can_be_cleared() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let journal = format!("{}/__mock/requests", mock.base_url());
    client
        .get(format!("{}/api/auth/v1/info.json?x=1", mock.base_url()))
        .header("Authorization", "Bearer very-secret-token")
        .header("Cookie", "session=cookie-secret")
        .send()
        .await
        .unwrap();
    let listed = client
        .get(&journal)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !listed.contains("very-secret-token") && !listed.contains("cookie-secret"),
        "{listed}"
    );
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    let entry = &listed["requests"][0];
    assert_eq!(entry["method"], "GET");
    assert_eq!(entry["target"], "/api/auth/v1/info.json?x=1");
    assert_eq!(entry["status"], 401);
    assert!(entry["headers"].as_array().unwrap().iter().any(|h| {
        h["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("Bearer [redacted"))
    }));

    assert_eq!(client.delete(&journal).send().await.unwrap().status(), 204);
    let listed: serde_json::Value = client
        .get(&journal)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap())
        .unwrap();
    assert_eq!(listed["requests"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn status_faults_answer_by_header_and_by_path() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let response = client
        .get(format!("{}/api/auth/v1/info.json", mock.base_url()))
        .header("X-Mock-Fault", "429")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 429);
    assert!(header(&response, "retry-after").is_some());
    assert_eq!(header(&response, "X-Upwork-Error-Code"), Some("429"));

    let response = client
        .get(format!("{}/__fault/500/api/x.json", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    let response = client
        .post(format!("{}/__fault/503/", mock.base_url()))
        .body("a=1")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(header(&response, "retry-after").is_some());

    let response = client
        .get(format!("{}/__fault/nonsense", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[tokio::test]
async fn transport_faults_break_the_exchange_as_named() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let fault = |mode: &str| format!("{}/__fault/{mode}/api/auth/v1/info.json", mock.base_url());

    // reset and truncated: the head may arrive, the body never completes.
    for mode in ["reset", "truncated"] {
        let outcome = match client.get(fault(mode)).send().await {
            Ok(response) => response.bytes().await.map(|_| ()),
            Err(error) => Err(error),
        };
        assert!(outcome.is_err(), "{mode} completed");
    }

    let error = client.get(fault("garbage")).send().await.unwrap_err();
    assert!(!error.is_timeout(), "{error}");

    let short = self::client(Duration::from_millis(500));
    let error = short.get(fault("hang")).send().await.unwrap_err();
    assert!(error.is_timeout(), "{error}");

    let started = Instant::now();
    let response = client.get(fault("slow-body")).send().await.unwrap();
    let body = response.bytes().await.unwrap();
    assert_eq!(&body[..], mock::fault::SLOW_BODY);
    let least = mock::fault::SLOW_BODY_INTERVAL * (mock::fault::SLOW_BODY.len() as u32 - 1);
    assert!(started.elapsed() >= least, "{:?}", started.elapsed());

    let journal: serde_json::Value = client
        .get(format!("{}/__mock/requests", mock.base_url()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .map(|t| serde_json::from_str::<serde_json::Value>(&t).unwrap())
        .unwrap();
    let faults: Vec<_> = journal["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["fault"].clone())
        .collect();
    assert!(faults.contains(&serde_json::json!("hang")), "{faults:?}");
}

/// Reads until the emulator ends the connection: what arrived, and the error it ended with
/// (`None` for an orderly close).
async fn read_to_the_end(
    addr: SocketAddr,
    request: &'static [u8],
) -> (String, Option<std::io::ErrorKind>) {
    tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(request).unwrap();
        let mut got = Vec::new();
        let mut chunk = [0u8; 4096];
        let end = loop {
            match std::io::Read::read(&mut stream, &mut chunk) {
                Ok(0) => break None,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
                Err(error) => break Some(error.kind()),
            }
        };
        (String::from_utf8_lossy(&got).into_owned(), end)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn the_reset_fault_ends_in_a_reset_and_a_status_fault_in_an_orderly_close() {
    let mock = start().await;
    let (_, end) = read_to_the_end(
        mock.addr(),
        b"GET /__fault/reset/api/auth/v1/info.json HTTP/1.1\r\nHost: h\r\n\r\n",
    )
    .await;
    assert_eq!(end, Some(std::io::ErrorKind::ConnectionReset));
    let (answer, end) = read_to_the_end(
        mock.addr(),
        b"GET /__fault/500/api/auth/v1/info.json HTTP/1.1\r\nHost: h\r\n\r\n",
    )
    .await;
    assert!(
        answer.starts_with("HTTP/1.1 500 Internal Server Error\r\n"),
        "{answer}"
    );
    assert_eq!(end, None, "{answer}");
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_hanging_client() {
    let mock = start().await;
    let addr = mock.addr();
    let hanging = tokio::spawn(async move {
        let _ = client(Duration::from_secs(30))
            .get(format!("http://{addr}/__fault/hang"))
            .send()
            .await;
    });
    tokio::time::sleep(Duration::from_millis(200)).await;
    let started = Instant::now();
    mock.shutdown().await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    hanging.await.unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

/// What the official Python bindings send for a DELETE (a POST whose JSON body carries
/// `http_method`) and the official Node OAuth 2 binding for a PUT (a multipart part): Upwork
/// routes on the override wherever it travels, so the emulator must too.
#[tokio::test]
async fn http_method_in_a_json_body_or_a_multipart_part_reaches_its_endpoint() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    let url = format!("{}/api/hr/v2/jobs/~01demo0001.json", mock.base_url());

    let json_headers = [("Content-Type", "application/json")];
    let delete = request(
        "POST",
        &url,
        &json_headers,
        r#"{"reason_code": "41", "http_method": "delete"}"#,
    );
    let response = send(
        &client,
        &sign(&delete, &full_keys(), SignOptions::default()),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["job"]["status"], "cancelled");

    let multipart = [("Content-Type", "multipart/form-data; boundary=--b1")];
    let body = "----b1\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nNew title\r\n\
                ----b1\r\nContent-Disposition: form-data; name=\"http_method\"\r\n\r\nput\r\n\
                ----b1--\r\n";
    let put = request("POST", &url, &multipart, body);
    let response = send(&client, &sign(&put, &full_keys(), SignOptions::default())).await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["job"]["status"], "updated");
}

/// The official Node binding calls legacy resources with no format suffix; `.xml` asks for a
/// format the emulator does not speak, and it says so instead of answering 404.
#[tokio::test]
async fn legacy_paths_are_served_without_their_json_suffix() {
    let mock = start().await;
    let client = client(Duration::from_secs(10));
    for path in ["/api/auth/v1/info", "/api/hr/v2/teams", "/api/hr/v2/jobs"] {
        let url = format!("{}{path}", mock.base_url());
        let call = request("GET", &url, &[("Accept", "application/json")], "");
        let response = send(&client, &sign(&call, &full_keys(), SignOptions::default())).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(json(response).await["server_time"].is_number(), "{path}");
    }

    let url = format!("{}/api/auth/v1/info.xml", mock.base_url());
    let call = request("GET", &url, &[], "");
    let response = send(&client, &sign(&call, &full_keys(), SignOptions::default())).await;
    assert_eq!(response.status(), 406);
    let message = json(response).await["error"]["message"].to_string();
    assert!(message.contains("JSON only"), "{message}");

    // A path that is not a resource stays unknown, with or without a suffix.
    let url = format!("{}/api/nothing/here", mock.base_url());
    let call = request("GET", &url, &[], "");
    let response = send(&client, &sign(&call, &full_keys(), SignOptions::default())).await;
    assert_eq!(response.status(), 404);
}

/// Upwork is reached over https only: a signature made for `http://www.upwork.com` is refused
/// even when the request names that host; one for Upwork's https origin, or for the emulator's
/// own address when the call was addressed to it, is accepted.
#[tokio::test]
async fn a_signature_made_for_the_wrong_origin_is_refused() {
    let mock = start().await;
    let path = "/api/auth/v1/info.json";
    let own = format!("127.0.0.1:{}", mock.addr().port());
    let cases = [
        ("http://www.upwork.com", "www.upwork.com", "401"),
        ("http://www.upwork.com", own.as_str(), "401"),
        ("https://www.upwork.com", "www.upwork.com", "200"),
        ("https://www.upwork.com", own.as_str(), "200"),
        (&format!("http://{own}"), own.as_str(), "200"),
    ];
    for (signed_for, host, status) in cases {
        let signed = sign(
            &request("GET", &format!("{signed_for}{path}"), &[], ""),
            &full_keys(),
            SignOptions::default(),
        );
        let authorization = signed.header("authorization").unwrap();
        let answer = raw(
            mock.addr(),
            format!(
                "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: {authorization}\r\n\r\n"
            )
            .into_bytes(),
        )
        .await;
        assert!(
            answer.starts_with(&format!("HTTP/1.1 {status}")),
            "signed for {signed_for}, Host {host}: {answer}"
        );
        if status == "401" {
            assert!(answer.contains(errors::SIGNATURE_FAILED), "{answer}");
        }
    }
}

/// The token request as PHP's curl extension sends it with `CURLOPT_POST` and no
/// `CURLOPT_POSTFIELDS`: chunked, `Expect: 100-continue`, the empty body `0\r\n\r\n`; signed.
fn php_chunked_token_request(addr: SocketAddr) -> Vec<u8> {
    let url = format!("http://{addr}/api/auth/v1/oauth/token/request");
    let keys = oauth::Keys {
        token: None,
        token_secret: None,
        ..full_keys()
    };
    let options = SignOptions {
        callback: Some("oob".into()),
        ..SignOptions::default()
    };
    let signed = sign(&request("POST", &url, &[], ""), &keys, options);
    let authorization = signed.header("authorization").unwrap();
    format!(
        "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {addr}\r\nAuthorization: {authorization}\r\n\
         Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Expect: 100-continue\r\n\r\n0\r\n\r\n"
    )
    .into_bytes()
}

#[tokio::test]
async fn a_chunked_post_gets_the_411_page_as_upwork_answers_it() {
    let mock = start().await;
    let answer = raw(mock.addr(), php_chunked_token_request(mock.addr())).await;
    assert!(answer.starts_with("HTTP/1.1 411"), "{answer}");
    // The API FAQ's "HTML message with code 411".
    assert!(answer.contains("text/html"), "{answer}");
    assert!(
        answer.contains("<title>411 Length Required</title>"),
        "{answer}"
    );
}

#[tokio::test]
async fn with_accept_chunked_a_chunked_post_is_read_and_answered() {
    let config = MockConfig {
        accept_chunked: true,
        ..MockConfig::default()
    };
    let mock = mock::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap();
    let answer = raw(mock.addr(), php_chunked_token_request(mock.addr())).await;
    assert!(answer.contains(" 200 OK"), "{answer}");
    assert!(answer.contains("oauth_callback_confirmed=true"), "{answer}");
}
