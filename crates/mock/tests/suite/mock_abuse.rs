//! The emulator under abuse, over real sockets: a flood of large requests costs the oldest journal
//! entries, not memory or a huge `/__mock/requests`; the nonce store keeps to its size; a client
//! that writes bare line feeds gets an answer instead of a 10 s wait.

use std::io::Write;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use upwork_diag_core::oauth::{self, SignOptions};
use upwork_diag_core::request::{CapturedRequest, RawUrl, Source};
use upwork_diag_core::upwork::errors;
use upwork_diag_mock::{self as mock, MockConfig, RunningMock, demo};

async fn start(config: MockConfig) -> RunningMock {
    mock::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap()
}

/// Sends bytes on a plain socket and reads one answer, with the
/// time it took.
async fn raw(addr: SocketAddr, bytes: Vec<u8>) -> (Vec<u8>, Duration) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream.write_all(&bytes).unwrap();
        let answer = crate::common::read_answer(&mut stream);
        (answer, started.elapsed())
    })
    .await
    .unwrap()
}

/// The body of a `GET` of `target`.
async fn get(addr: SocketAddr, target: &str) -> (String, Vec<u8>) {
    let head = format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    let (answer, _) = raw(addr, head.into_bytes()).await;
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole answer");
    let status_line = String::from_utf8_lossy(&answer[..split])
        .lines()
        .next()
        .unwrap_or_default()
        .to_string();
    (status_line, answer[split + 4..].to_vec())
}

#[tokio::test]
async fn a_flood_of_large_requests_keeps_the_journal_within_its_bytes_and_pages_it() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    // 60 KiB of control bytes: six bytes each once escaped in JSON, 360 KB an entry.
    let body = vec![1u8; 60 * 1024];
    let sent = 150;
    for _ in 0..sent {
        let mut request = format!(
            "POST /api/hr/v2/teams.json HTTP/1.1\r\nHost: {addr}\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(&body);
        raw(addr, request).await;
    }

    let (status, whole) = get(addr, "/__mock/requests").await;
    assert!(status.contains(" 200 "), "{status}");
    assert!(
        whole.len() <= 8 * 1024 * 1024 + 64 * 1024,
        "the journal answered {} bytes",
        whole.len()
    );
    let journal: serde_json::Value = serde_json::from_slice(&whole).unwrap();
    let total = journal["total"].as_u64().unwrap();
    let requests = journal["requests"].as_array().unwrap();
    assert_eq!(requests.len() as u64, total);
    assert!(total < sent, "{total} of {sent} kept");
    assert_eq!(journal["dropped"].as_u64().unwrap(), sent - total);
    // The newest are kept, the oldest dropped.
    assert_eq!(requests.last().unwrap()["id"], sent - 1);
    assert_eq!(requests[0]["id"], sent - total);

    let (_, page) = get(addr, "/__mock/requests?offset=1&limit=2").await;
    let page: serde_json::Value = serde_json::from_slice(&page).unwrap();
    let ids: Vec<_> = page["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [sent - total + 1, sent - total + 2]);
    assert_eq!(page["total"], total);

    let (status, _) = get(addr, "/__mock/requests?limit=all").await;
    assert!(status.contains(" 400 "), "{status}");
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_nonce_store_keeps_to_its_size_forgetting_the_oldest_first() {
    let mut config = MockConfig::default();
    config.limits.nonces = 3;
    let mock = start(config).await;
    let url = format!("{}/api/auth/v1/info.json", mock.base_url());
    let keys = oauth::Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let signed = |nonce: &str| {
        let request = CapturedRequest {
            method: "GET".into(),
            url: RawUrl::parse(&url).unwrap(),
            headers: Vec::new(),
            body: Vec::new(),
            time: None,
            source: Source::Flags,
        };
        let options = SignOptions {
            nonce: Some(nonce.into()),
            timestamp: Some(now),
            ..SignOptions::default()
        };
        let signed = oauth::sign_request_with(&request, &keys, &options).request;
        let mut head = format!(
            "GET /api/auth/v1/info.json HTTP/1.1\r\nHost: {}\r\n",
            mock.addr()
        );
        for h in &signed.headers {
            head.push_str(&format!("{}: {}\r\n", h.name, h.value));
        }
        head.push_str("\r\n");
        head.into_bytes()
    };
    for nonce in ["n1", "n2", "n3", "n4"] {
        let (answer, _) = raw(mock.addr(), signed(nonce)).await;
        assert!(answer.starts_with(b"HTTP/1.1 200"), "{nonce}");
    }
    // n4 is held: a replay is refused.
    let (answer, _) = raw(mock.addr(), signed("n4")).await;
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains(errors::DUPLICATE_NONCE), "{answer}");
    // n1 was the oldest of four in a store of three: forgotten.
    let (answer, _) = raw(mock.addr(), signed("n1")).await;
    assert!(answer.starts_with(b"HTTP/1.1 200"));
    mock.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_request_with_bare_line_feeds_is_answered_at_once() {
    let mock = start(MockConfig::default()).await;
    let head = format!(
        "GET /api/auth/v1/info.json HTTP/1.1\nHost: {}\nAccept: */*\n\n",
        mock.addr()
    );
    let (answer, took) = raw(mock.addr(), head.into_bytes()).await;
    let answer = String::from_utf8_lossy(&answer);
    // Read leniently, as most servers do: the call is unsigned, so Upwork's 401.
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer:?}");
    assert!(took < Duration::from_secs(5), "answered after {took:?}");
    mock.shutdown().await.unwrap();
}
