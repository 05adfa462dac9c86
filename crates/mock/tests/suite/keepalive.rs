//! The emulator keeps a connection for the next request (HTTP/1.1 keep-alive, pipelining), over
//! raw sockets on 127.0.0.1, and still ends it where it must: `Connection: close`, HTTP/1.0
//! without keep-alive, a body it cannot frame (411, 413), a head too large (431), a second request
//! that trickles in past the head timeout.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use upwork_diag_mock::{self as mock, Limits, MockConfig, RunningMock, demo};

async fn start(config: MockConfig) -> RunningMock {
    mock::start("127.0.0.1:0".parse().unwrap(), config)
        .await
        .unwrap()
}

/// A good OAuth 2 call (200), with extra header lines.
fn info(addr: SocketAddr, extra: &str) -> String {
    format!(
        "GET /api/auth/v1/info.json HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n{extra}\r\n",
        demo::OAUTH2_TOKEN
    )
}

/// One answer as read off the socket: status, headers (names lowercased), body.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A client socket that reads answers one at a time, framed by their `content-length`.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).unwrap();
    }

    /// The next answer, or `None` when the connection ended before one came.
    fn answer(&mut self) -> Option<Answer> {
        loop {
            let mut slots = [httparse::EMPTY_HEADER; 64];
            let mut response = httparse::Response::new(&mut slots);
            if let httparse::Status::Complete(head_len) = response.parse(&self.buf).unwrap() {
                let headers: Vec<(String, String)> = response
                    .headers
                    .iter()
                    .map(|h| {
                        (
                            h.name.to_ascii_lowercase(),
                            String::from_utf8_lossy(h.value).into_owned(),
                        )
                    })
                    .collect();
                let status = response.code.unwrap();
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .map_or(0, |(_, v)| v.parse().unwrap());
                while self.buf.len() < head_len + length {
                    assert!(self.read_more() > 0, "the body was cut");
                }
                let body = self.buf[head_len..head_len + length].to_vec();
                self.buf.drain(..head_len + length);
                return Some(Answer {
                    status,
                    headers,
                    body,
                });
            }
            if self.read_more() == 0 {
                return None;
            }
        }
    }

    /// True when the emulator closed the connection (nothing more to read), within the read
    /// timeout.
    fn closed(&mut self) -> bool {
        self.buf.is_empty()
            && match self.stream.read(&mut [0u8; 1]) {
                Ok(n) => n == 0,
                Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
            }
    }

    fn read_more(&mut self) -> usize {
        let mut chunk = [0u8; 16 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                n
            }
            Err(_) => 0,
        }
    }
}

/// Runs blocking socket code off the test's runtime, where the emulator runs.
async fn blocking<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> T {
    tokio::task::spawn_blocking(work).await.unwrap()
}

#[tokio::test]
async fn two_requests_on_one_connection_are_both_answered() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    blocking(move || {
        let mut client = Client::connect(addr);
        client.send(info(addr, "").as_bytes());
        let first = client.answer().expect("the first answer");
        assert_eq!(first.status, 200, "{first:?}");
        assert_eq!(first.header("connection"), None, "{first:?}");
        client.send(info(addr, "").as_bytes());
        let second = client
            .answer()
            .expect("the second answer, on the same connection");
        assert_eq!(second.status, 200, "{second:?}");
        assert_eq!(first.body, second.body);
    })
    .await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    blocking(move || {
        let mut client = Client::connect(addr);
        // Three requests in one write, a body among them: 200, 404, 401, in that order.
        let body = "q=web";
        let pipelined = format!(
            "{}POST /api/nothing/here.json HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}GET /api/auth/v1/info.json HTTP/1.1\r\nHost: {addr}\r\n\r\n",
            info(addr, ""),
            body.len()
        );
        client.send(pipelined.as_bytes());
        let statuses: Vec<u16> = (0..3)
            .map(|i| client.answer().unwrap_or_else(|| panic!("answer {i}")).status)
            .collect();
        assert_eq!(statuses, [200, 404, 401]);
        // The journal saw each request once, in order, the body where it belongs.
        client.send(format!("GET /__mock/requests HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes());
        let journal: serde_json::Value = serde_json::from_slice(&client.answer().unwrap().body).unwrap();
        let requests = journal["requests"].as_array().unwrap();
        let seen: Vec<(String, String)> = requests
            .iter()
            .map(|r| (r["method"].as_str().unwrap().to_string(), r["body"].as_str().unwrap().to_string()))
            .collect();
        let seen: Vec<(&str, &str)> = seen.iter().map(|(m, b)| (m.as_str(), b.as_str())).collect();
        assert_eq!(seen, [("GET", ""), ("POST", "q=web"), ("GET", "")]);
    })
    .await;
}

#[tokio::test]
async fn connection_close_and_http_1_0_end_the_connection_after_the_answer() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    blocking(move || {
        let mut client = Client::connect(addr);
        client.send(info(addr, "Connection: close\r\n").as_bytes());
        let answer = client.answer().unwrap();
        assert_eq!(answer.status, 200);
        assert_eq!(answer.header("connection"), Some("close"));
        assert!(
            client.closed(),
            "the connection stayed open after Connection: close"
        );

        let mut client = Client::connect(addr);
        let http10 = info(addr, "").replace("HTTP/1.1", "HTTP/1.0");
        client.send(http10.as_bytes());
        assert_eq!(client.answer().unwrap().header("connection"), Some("close"));
        assert!(client.closed(), "an HTTP/1.0 connection stayed open");

        // HTTP/1.0 asking to keep it: kept, and said so.
        let mut client = Client::connect(addr);
        let kept = info(addr, "Connection: keep-alive\r\n").replace("HTTP/1.1", "HTTP/1.0");
        client.send(kept.as_bytes());
        let answer = client.answer().unwrap();
        assert_eq!(answer.header("connection"), Some("keep-alive"));
        client.send(kept.as_bytes());
        assert_eq!(client.answer().unwrap().status, 200);
    })
    .await;
}

#[tokio::test]
async fn a_body_without_a_length_gets_411_and_the_connection_ends() {
    let mock = start(MockConfig::default()).await;
    let addr = mock.addr();
    blocking(move || {
        let mut client = Client::connect(addr);
        client.send(info(addr, "").as_bytes());
        assert_eq!(client.answer().unwrap().status, 200);
        // The body of this POST cannot be framed: what follows it is not a request to answer.
        let unframed = format!(
            "POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {addr}\r\n\r\noauth_x=1{}",
            info(addr, "")
        );
        client.send(unframed.as_bytes());
        let refused = client.answer().unwrap();
        assert_eq!(refused.status, 411, "{refused:?}");
        assert_eq!(refused.header("connection"), Some("close"));
        assert!(String::from_utf8_lossy(&refused.body).contains("411"));
        assert!(
            client.answer().is_none(),
            "a request after the 411 was answered"
        );
    })
    .await;
}

#[tokio::test]
async fn the_limits_hold_on_a_kept_alive_connection() {
    let limits = Limits {
        head_timeout: Duration::from_secs(1),
        max_body_bytes: 1000,
        ..Limits::default()
    };
    let config = MockConfig {
        limits,
        ..MockConfig::default()
    };
    let mock = start(config).await;
    let addr = mock.addr();
    blocking(move || {
        // A second request that trickles in: closed at the head timeout, never answered.
        let mut client = Client::connect(addr);
        client.send(info(addr, "").as_bytes());
        assert_eq!(client.answer().unwrap().status, 200);
        let started = Instant::now();
        for byte in b"GET /api/auth/v1/info.json HTTP/1.1\r\nHost: x\r\n" {
            if client.stream.write_all(&[*byte]).is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(100));
            if started.elapsed() > Duration::from_secs(3) {
                break;
            }
        }
        assert!(client.answer().is_none(), "the slow request was answered");
        let waited = started.elapsed();
        assert!(waited < Duration::from_secs(4), "closed after {waited:?}");

        // A second request whose head is too large: 431, closed.
        let mut client = Client::connect(addr);
        client.send(info(addr, "").as_bytes());
        assert_eq!(client.answer().unwrap().status, 200);
        let big = info(addr, &format!("X-Big: {}\r\n", "a".repeat(70 * 1024)));
        let _ = client.stream.write_all(big.as_bytes());
        assert_eq!(client.answer().unwrap().status, 431);
        assert!(client.answer().is_none());

        // A second request whose body is too large: 413, closed.
        let mut client = Client::connect(addr);
        client.send(info(addr, "").as_bytes());
        assert_eq!(client.answer().unwrap().status, 200);
        client.send(
            format!("POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 5000\r\n\r\n")
                .as_bytes(),
        );
        let refused = client.answer().unwrap();
        assert_eq!(refused.status, 413);
        assert_eq!(refused.header("connection"), Some("close"));
        assert!(client.answer().is_none());
    })
    .await;
}
