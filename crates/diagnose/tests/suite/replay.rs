//! The two replay transports against a raw TCP listener that records the exact bytes it receives
//! and answers as scripted.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};
use upwork_diag_diagnose::replay::{ReplayOptions, TransportErrorKind, client, wire};

/// Accepts one connection and runs `script` on it; the handle yields what the script recorded.
async fn server<F, Fut>(script: F) -> (SocketAddr, JoinHandle<Vec<u8>>)
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = Vec<u8>> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let (stream, _) = listener.accept().await.unwrap();
        script(stream).await
    });
    (addr, handle)
}

/// Reads until the peer has been silent for a while or closed: everything the client sent.
async fn read_until_quiet(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut buf = [0u8; 8192];
    while let Ok(Ok(n)) =
        tokio::time::timeout(Duration::from_millis(150), stream.read(&mut buf)).await
    {
        if n == 0 {
            break;
        }
        received.extend_from_slice(&buf[..n]);
    }
    received
}

/// Reads until the end of a request head, the way a server that does not wait for a body does.
async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut received = Vec::new();
    let mut byte = [0u8; 1];
    while !received.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        received.push(byte[0]);
    }
    received
}

/// Records the request, then writes `answer` and closes.
async fn answering(answer: &'static [u8]) -> (SocketAddr, JoinHandle<Vec<u8>>) {
    server(move |mut stream| async move {
        let received = read_until_quiet(&mut stream).await;
        stream.write_all(answer).await.unwrap();
        stream.shutdown().await.ok();
        received
    })
    .await
}

fn request(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> CapturedRequest {
    CapturedRequest {
        method: method.to_string(),
        url: RawUrl::parse(url).unwrap(),
        headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
        body: body.to_vec(),
        time: None,
        source: Source::Flags,
    }
}

fn options(timeout_ms: u64) -> ReplayOptions {
    ReplayOptions {
        timeout: Duration::from_millis(timeout_ms),
        ..ReplayOptions::default()
    }
}

const TOKEN_PATH: &str = "/api/auth/v1/oauth/token/request";

const LENGTH_REQUIRED: &[u8] = b"HTTP/1.1 411 Length Required\r\nContent-Type: text/html\r\nContent-Length: 52\r\nConnection: close\r\n\r\n<html><body><h1>411 Length Required</h1></body></html>";

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn request_bytes_keep_the_capture_and_add_host_only_when_missing() {
    let req = request(
        "post",
        "https://www.upwork.com:443/api/x.json?q=a+b&x=%7e",
        &[("X-Custom", "1"), ("content-length", "3")],
        b"abc",
    );
    assert_eq!(
        wire::request_bytes(&req),
        b"post /api/x.json?q=a+b&x=%7e HTTP/1.1\r\nHost: www.upwork.com:443\r\nX-Custom: 1\r\ncontent-length: 3\r\n\r\nabc"
    );
    let req = request(
        "GET",
        "http://h/",
        &[("Accept", "*/*"), ("HOST", "other")],
        b"",
    );
    assert_eq!(
        wire::request_bytes(&req),
        b"GET / HTTP/1.1\r\nAccept: */*\r\nHOST: other\r\n\r\n"
    );
    assert_eq!(wire::headers_on_wire(&req), req.headers);
}

#[tokio::test]
async fn post_without_content_length_leaves_without_one_and_the_411_is_read() {
    let (addr, recorded) = answering(LENGTH_REQUIRED).await;
    let req = request(
        "POST",
        &format!("http://{addr}{TOKEN_PATH}"),
        &[
            ("Authorization", "OAuth oauth_consumer_key=\"k\""),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        b"a=1",
    );
    let response = wire::send(&req, &options(3000)).await.unwrap();
    let recorded = recorded.await.unwrap();
    assert_eq!(recorded, wire::request_bytes(&req));
    assert!(!contains(&recorded.to_ascii_lowercase(), b"content-length"));
    assert_eq!(response.status, 411);
    assert_eq!(response.reason, "Length Required");
    assert_eq!(response.version, "HTTP/1.1");
    assert!(response.body_text().contains("411 Length Required"));
    assert!(!response.truncated);
}

#[tokio::test]
async fn an_answer_sent_before_the_body_is_read_is_still_heard() {
    // The server answers after the head and closes with most of the body unread, which makes
    // its kernel reset the connection while the client may still be writing.
    let (addr, _) = server(|mut stream| async move {
        let head = read_head(&mut stream).await;
        stream.write_all(LENGTH_REQUIRED).await.unwrap();
        head
    })
    .await;
    let body = vec![b'x'; 4 * 1024 * 1024];
    let req = request("POST", &format!("http://{addr}{TOKEN_PATH}"), &[], &body);
    let response = wire::send(&req, &options(5000)).await.unwrap();
    assert_eq!(response.status, 411);
}

#[tokio::test]
async fn a_wrong_content_length_is_sent_as_declared() {
    let (addr, recorded) =
        answering(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .await;
    let req = request(
        "POST",
        &format!("http://{addr}/api/x"),
        &[("Content-Length", "2")],
        b"abcdef",
    );
    let response = wire::send(&req, &options(3000)).await.unwrap();
    let recorded = recorded.await.unwrap();
    assert_eq!(recorded, wire::request_bytes(&req));
    assert!(contains(&recorded, b"\r\nContent-Length: 2\r\n\r\nabcdef"));
    assert_eq!(response.status, 400);
}

#[tokio::test]
async fn a_body_shorter_than_declared_ends_in_a_timeout() {
    let (addr, _) = server(|mut stream| async move {
        // A server that waits for the rest of the body, which never comes.
        let mut sink = Vec::new();
        stream.read_to_end(&mut sink).await.ok();
        sink
    })
    .await;
    let req = request(
        "POST",
        &format!("http://{addr}/api/x"),
        &[("Content-Length", "100")],
        b"abc",
    );
    let started = Instant::now();
    let error = wire::send(&req, &options(300)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn the_corrected_replay_sends_content_length_zero_for_an_empty_post() {
    let (addr, recorded) =
        answering(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Upwork-Error-Code: none\r\nConnection: close\r\n\r\nok").await;
    let req = request(
        "POST",
        &format!("http://{addr}{TOKEN_PATH}"),
        &[
            ("Content-Length", "99"),
            ("Connection", "keep-alive"),
            ("X-Keep", "yes"),
        ],
        b"",
    );
    let response = client::send(&req, &options(3000)).await.unwrap();
    let recorded = String::from_utf8(recorded.await.unwrap())
        .unwrap()
        .to_ascii_lowercase();
    assert!(
        recorded.starts_with(&format!("post {TOKEN_PATH} http/1.1\r\n")),
        "{recorded}"
    );
    assert!(recorded.contains("\r\ncontent-length: 0\r\n"), "{recorded}");
    assert!(!recorded.contains("content-length: 99"), "{recorded}");
    assert!(recorded.contains("\r\nx-keep: yes\r\n"), "{recorded}");
    assert_eq!(response.status, 200);
    assert_eq!(response.body, b"ok");
    assert_eq!(response.header("x-upwork-error-code"), Some("none"));
}

#[tokio::test]
async fn the_corrected_replay_does_not_follow_redirects() {
    let (addr, _) =
        answering(b"HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n").await;
    let req = request("GET", &format!("http://{addr}/api/x"), &[], b"");
    let response = client::send(&req, &options(3000)).await.unwrap();
    assert_eq!(response.status, 302);
    assert_eq!(response.header("location"), Some("/elsewhere"));
}

#[tokio::test]
async fn chunked_responses_are_dechunked() {
    let (addr, _) = server(|mut stream| async move {
        let received = read_head(&mut stream).await;
        for piece in [
            &b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhel"[..],
            b"lo\r\n",
            b"7\r\n, world\r\n0\r\nX-Trailer: t\r\n",
            b"\r\n",
        ] {
            stream.write_all(piece).await.unwrap();
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Kept open: the chunked framing, not a close, ends the response.
        tokio::time::sleep(Duration::from_secs(3)).await;
        received
    })
    .await;
    let req = request("GET", &format!("http://{addr}/api/x"), &[], b"");
    let response = wire::send(&req, &options(2000)).await.unwrap();
    assert_eq!(response.body, b"hello, world");
    assert!(response.elapsed < Duration::from_secs(2));
}

#[tokio::test]
async fn interim_100_continue_is_skipped() {
    let (addr, _) = answering(
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 4\r\n\r\ndone",
    )
    .await;
    let req = request(
        "PUT",
        &format!("http://{addr}/api/x"),
        &[("Content-Length", "1"), ("Expect", "100-continue")],
        b"1",
    );
    let response = wire::send(&req, &options(3000)).await.unwrap();
    assert_eq!(response.status, 201);
    assert_eq!(response.body, b"done");
}

#[tokio::test]
async fn head_with_content_length_has_no_body() {
    let (addr, _) = server(|mut stream| async move {
        let received = read_head(&mut stream).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        received
    })
    .await;
    let req = request("HEAD", &format!("http://{addr}/api/x"), &[], b"");
    let response = wire::send(&req, &options(2000)).await.unwrap();
    assert_eq!(response.status, 200);
    assert!(response.body.is_empty());
    assert_eq!(response.header("content-length"), Some("1234"));
}

#[tokio::test]
async fn a_body_until_close_and_the_cap() {
    let (addr, _) =
        answering(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\n0123456789").await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let response = wire::send(&req, &options(3000)).await.unwrap();
    assert_eq!(
        (response.body.as_slice(), response.truncated),
        (&b"0123456789"[..], false)
    );

    let (addr, _) = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123456789").await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let capped = ReplayOptions {
        max_body_bytes: 4,
        ..options(3000)
    };
    let response = wire::send(&req, &capped).await.unwrap();
    assert_eq!(
        (response.body.as_slice(), response.truncated),
        (&b"0123"[..], true)
    );
}

/// A server that starts a response announcing 100 bytes, sends 10, then resets the connection.
async fn resetting_server() -> SocketAddr {
    let (addr, _) = server(|mut stream| async move {
        let received = read_until_quiet(&mut stream).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        stream.set_zero_linger().unwrap();
        drop(stream);
        received
    })
    .await;
    addr
}

#[tokio::test]
async fn a_reset_mid_response_is_connection_reset() {
    let addr = resetting_server().await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::ConnectionReset, "{error}");
}

#[tokio::test]
async fn the_corrected_replay_maps_broken_answers_too() {
    let addr = resetting_server().await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = client::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::ConnectionReset, "{error}");

    let cases: [(&'static [u8], TransportErrorKind); 3] = [
        (
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789",
            TransportErrorKind::TruncatedResponse,
        ),
        (
            b"SSH-2.0-OpenSSH_9.6\r\n",
            TransportErrorKind::MalformedResponse,
        ),
        (b"", TransportErrorKind::ConnectionReset),
    ];
    for (answer, kind) in cases {
        let (addr, _) = answering(answer).await;
        let req = request("GET", &format!("http://{addr}/"), &[], b"");
        let error = client::send(&req, &options(3000)).await.unwrap_err();
        assert_eq!(error.kind, kind, "{error}");
    }
}

#[tokio::test]
async fn a_close_before_the_announced_length_is_truncated() {
    let (addr, _) = answering(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789").await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::TruncatedResponse, "{error}");
}

#[tokio::test]
async fn a_close_without_an_answer_is_connection_reset() {
    let (addr, _) = answering(b"").await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::ConnectionReset, "{error}");
}

#[tokio::test]
async fn bytes_that_are_not_http_are_malformed() {
    let (addr, _) = answering(b"SSH-2.0-OpenSSH_9.6\r\n").await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::MalformedResponse, "{error}");
    assert!(error.message.contains("SSH-2.0"), "{error}");
}

/// A port with nothing listening on it.
async fn closed_port() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn no_listener_is_connection_refused() {
    let addr = closed_port().await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::ConnectionRefused, "{error}");
    let error = client::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::ConnectionRefused, "{error}");
}

/// A server that reads everything and never answers.
async fn silent() -> SocketAddr {
    let (addr, _) = server(|mut stream| async move {
        let mut sink = Vec::new();
        stream.read_to_end(&mut sink).await.ok();
        sink
    })
    .await;
    addr
}

#[tokio::test]
async fn a_server_that_never_answers_is_a_timeout() {
    let req = request("GET", &format!("http://{}/", silent().await), &[], b"");
    let started = Instant::now();
    let error = wire::send(&req, &options(300)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_millis(1500));

    let req = request("GET", &format!("http://{}/", silent().await), &[], b"");
    let started = Instant::now();
    let error = client::send(&req, &options(300)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Timeout, "{error}");
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn an_unresolvable_host_is_dns() {
    let req = request("GET", "http://nonexistent.invalid/api", &[], b"");
    let error = wire::send(&req, &options(10_000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Dns, "{error}");
    let error = client::send(&req, &options(10_000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Dns, "{error}");
}

#[tokio::test]
async fn tls_against_plain_tcp_is_tls() {
    let plain = b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let (addr, _) = answering(plain).await;
    let req = request("GET", &format!("https://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Tls, "{error}");

    let (addr, _) = answering(plain).await;
    let req = request("GET", &format!("https://{addr}/"), &[], b"");
    let error = client::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Tls, "{error}");
}

#[tokio::test]
async fn plain_http_to_a_tls_port_is_malformed_with_a_hint() {
    // A TLS server's alert to a plain request.
    let (addr, _) = answering(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x32]).await;
    let req = request("GET", &format!("http://{addr}/"), &[], b"");
    let error = wire::send(&req, &options(3000)).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::MalformedResponse, "{error}");
    assert!(error.message.contains("https"), "{error}");
}

#[tokio::test]
async fn the_request_goes_through_a_connect_tunnel() {
    // One listener plays the proxy and, once the tunnel is open, the origin.
    let (proxy, recorded) = server(|mut stream| async move {
        let connect = read_head(&mut stream).await;
        stream
            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
            .await
            .unwrap();
        let request = read_until_quiet(&mut stream).await;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            .await
            .unwrap();
        [connect, request].concat()
    })
    .await;
    let req = request("POST", "http://api.example:8080/api/x", &[], b"a=1");
    let via_proxy = ReplayOptions {
        proxy: Some(RawUrl::parse(&format!("http://user:p%40ss@{proxy}")).unwrap()),
        ..options(3000)
    };
    let response = wire::send(&req, &via_proxy).await.unwrap();
    assert_eq!(response.body, b"ok");
    let recorded = recorded.await.unwrap();
    let expected_connect = b"CONNECT api.example:8080 HTTP/1.1\r\nHost: api.example:8080\r\nProxy-Authorization: Basic dXNlcjpwQHNz\r\n\r\n";
    assert_eq!(
        recorded,
        [&expected_connect[..], &wire::request_bytes(&req)].concat()
    );
}

#[tokio::test]
async fn a_proxy_refusal_is_proxy() {
    let (proxy, _) =
        answering(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n").await;
    let req = request("GET", "https://www.upwork.com/api/x", &[], b"");
    let via_proxy = ReplayOptions {
        proxy: Some(RawUrl::parse(&format!("http://{proxy}")).unwrap()),
        ..options(3000)
    };
    let error = wire::send(&req, &via_proxy).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Proxy, "{error}");
    assert!(error.message.contains("407"), "{error}");

    let (proxy, _) = answering(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").await;
    let via_proxy = ReplayOptions {
        proxy: Some(RawUrl::parse(&format!("http://{proxy}")).unwrap()),
        ..options(3000)
    };
    let error = client::send(&req, &via_proxy).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Proxy, "{error}");

    let unreachable = ReplayOptions {
        proxy: Some(RawUrl::parse(&format!("http://{}", closed_port().await)).unwrap()),
        ..options(3000)
    };
    let error = wire::send(&req, &unreachable).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Proxy, "{error}");
    let error = client::send(&req, &unreachable).await.unwrap_err();
    assert_eq!(error.kind, TransportErrorKind::Proxy, "{error}");
}

/// A TLS server with a self-signed certificate for `localhost` that records the SNI it was
/// given and answers one request.
async fn tls_server() -> (SocketAddr, JoinHandle<Vec<u8>>) {
    let mut config = crate::common::self_signed_localhost_config();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    server(move |stream| async move {
        let Ok(mut tls) = acceptor.accept(stream).await else {
            return b"handshake failed".to_vec();
        };
        let sni = tls
            .get_ref()
            .1
            .server_name()
            .unwrap_or_default()
            .to_string();
        let mut received = Vec::new();
        let mut buf = [0u8; 4096];
        while !received.ends_with(b"\r\n\r\n") {
            match tls.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buf[..n]),
            }
        }
        tls.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\nConnection: close\r\n\r\nsecure")
            .await
            .ok();
        tls.shutdown().await.ok();
        sni.into_bytes()
    })
    .await
}

#[tokio::test]
async fn tls_with_sni_and_certificate_checks() {
    let insecure = ReplayOptions {
        insecure: true,
        ..options(3000)
    };
    for transport in ["wire", "client"] {
        let (addr, sni) = tls_server().await;
        let req = request(
            "GET",
            &format!("https://localhost:{}/api/x", addr.port()),
            &[],
            b"",
        );
        let response = match transport {
            "wire" => wire::send(&req, &insecure).await,
            _ => client::send(&req, &insecure).await,
        }
        .unwrap();
        assert_eq!(response.body, b"secure", "{transport}");
        assert_eq!(sni.await.unwrap(), b"localhost", "{transport}");

        let (addr, _) = tls_server().await;
        let req = request(
            "GET",
            &format!("https://localhost:{}/api/x", addr.port()),
            &[],
            b"",
        );
        let error = match transport {
            "wire" => wire::send(&req, &options(3000)).await,
            _ => client::send(&req, &options(3000)).await,
        }
        .unwrap_err();
        assert_eq!(error.kind, TransportErrorKind::Tls, "{transport}: {error}");
        assert!(
            error.message.contains("certificate"),
            "{transport}: {error}"
        );
    }
}
