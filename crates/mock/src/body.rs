//! A request body read off the connection, framed by `Content-Length` or, when allowed, chunked:
//! where the body ends is where the next request on a kept-alive connection starts, so a body that
//! cannot be framed ends the connection after its refusal.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use super::head::RawHead;
use upwork_diag_core::request::chunked::{self, ChunkedProblem};

/// How the head says its body is framed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Length: N` (none on a GET, HEAD, DELETE: no body).
    Length(usize),
    /// `Transfer-Encoding: chunked`, accepted.
    Chunked,
}

/// Why no body was read: the status of the page that refuses the request. The connection cannot
/// carry another request after any of them: the end of the body is unknown or was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Refused(pub u16);

/// True when a request of this method must declare its body's length up front and did not:
/// Upwork's front end answers 411 to a POST, PUT or PATCH without Content-Length, a chunked one
/// included (its length is told only after the head); `accept_chunked` lets chunks through.
pub(crate) fn lacks_length(head: &RawHead, accept_chunked: bool) -> bool {
    let must = ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| head.method.eq_ignore_ascii_case(m));
    if chunked::declares_chunked(&head.headers) {
        return must && !accept_chunked;
    }
    must && head.header("content-length").is_none()
}

/// The framing of the body the head announces, or the refusal: 411 for a length Upwork wants and
/// did not get, 413 for one past `max`, 400 for a length that is not one number.
pub(crate) fn framing(
    head: &RawHead,
    accept_chunked: bool,
    max: usize,
) -> Result<Framing, Refused> {
    if lacks_length(head, accept_chunked) {
        return Err(Refused(411));
    }
    if chunked::declares_chunked(&head.headers) {
        return Ok(Framing::Chunked);
    }
    let mut declared = None;
    for header in head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
    {
        let value = header.value.trim();
        let Ok(n) = value.parse::<u64>() else {
            return Err(Refused(400));
        };
        // Two lengths that differ leave the end of the body in doubt (request smuggling).
        if declared.is_some_and(|d| d != n) {
            return Err(Refused(400));
        }
        declared = Some(n);
    }
    match declared {
        Some(n) if n > max as u64 => Err(Refused(413)),
        Some(n) => Ok(Framing::Length(n as usize)),
        None => Ok(Framing::Length(0)),
    }
}

/// Reads the body framed as `framing` from `buf` (the bytes past the head) and then the socket,
/// within `timeout` (408 past it) and `max` bytes (413); what follows the body stays in `buf`.
/// A client that sent `Expect: 100-continue` is told to go on first. Shutdown answers 503.
pub(crate) async fn read(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    head: &RawHead,
    framing: Framing,
    max: usize,
    timeout: Duration,
    stop: &mut watch::Receiver<bool>,
) -> Result<Vec<u8>, Refused> {
    if let Some(body) = framed(buf, framing, max)? {
        return Ok(body);
    }
    let expects = head
        .header("expect")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"));
    if expects && buf.is_empty() {
        stream
            .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
            .await
            .map_err(|_| Refused(400))?;
    }
    let read_all = async {
        loop {
            buf.reserve(8192);
            match stream.read_buf(buf).await {
                Ok(0) | Err(_) => return Err(Refused(400)),
                Ok(_) => {}
            }
            if let Some(body) = framed(buf, framing, max)? {
                return Ok(body);
            }
        }
    };
    tokio::select! {
        read = tokio::time::timeout(timeout, read_all) => read.unwrap_or(Err(Refused(408))),
        _ = stop.wait_for(|stopped| *stopped) => Err(Refused(503)),
    }
}

/// The body, taken off the front of `buf`, once all of it is there.
fn framed(buf: &mut Vec<u8>, framing: Framing, max: usize) -> Result<Option<Vec<u8>>, Refused> {
    match framing {
        Framing::Length(n) if buf.len() >= n => Ok(Some(buf.drain(..n).collect())),
        Framing::Length(_) => Ok(None),
        Framing::Chunked => {
            let (end, content) = match chunked::decode(buf) {
                Ok(decoded) => (buf.len(), decoded.content),
                // A pipelined request after the body: the body ends where it starts.
                Err(e) if matches!(e.problem, ChunkedProblem::TrailingBytes { .. }) => {
                    let content = chunked::decode(&buf[..e.offset])
                        .map_err(|_| Refused(400))?
                        .content;
                    (e.offset, content)
                }
                Err(e)
                    if matches!(e.problem, ChunkedProblem::Empty | ChunkedProblem::Truncated) =>
                {
                    return if buf.len() > max {
                        Err(Refused(413))
                    } else {
                        Ok(None)
                    };
                }
                Err(_) => return Err(Refused(400)),
            };
            if content.len() > max {
                return Err(Refused(413));
            }
            buf.drain(..end);
            Ok(Some(content))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::Header;

    fn head(method: &str, headers: &[(&str, &str)]) -> RawHead {
        RawHead {
            method: method.into(),
            target: "/".into(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            http10: false,
        }
    }

    #[test]
    fn framing_follows_the_head() {
        let max = 100;
        assert_eq!(
            framing(&head("GET", &[]), false, max),
            Ok(Framing::Length(0))
        );
        assert_eq!(framing(&head("POST", &[]), false, max), Err(Refused(411)));
        let chunked = [("Transfer-Encoding", "chunked")];
        assert_eq!(
            framing(&head("POST", &chunked), false, max),
            Err(Refused(411))
        );
        assert_eq!(
            framing(&head("POST", &chunked), true, max),
            Ok(Framing::Chunked)
        );
        let length = |v| framing(&head("POST", &[("Content-Length", v)]), false, max);
        assert_eq!(length("12"), Ok(Framing::Length(12)));
        assert_eq!(length("101"), Err(Refused(413)));
        assert_eq!(length("-1"), Err(Refused(400)));
        let twice = [("Content-Length", "1"), ("Content-Length", "2")];
        assert_eq!(
            framing(&head("POST", &twice), false, max),
            Err(Refused(400))
        );
    }

    #[test]
    fn a_body_is_taken_off_the_front_leaving_the_next_request() {
        let mut buf = b"abcGET / HTTP/1.1\r\n".to_vec();
        assert_eq!(
            framed(&mut buf, Framing::Length(3), 100),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(buf, b"GET / HTTP/1.1\r\n");

        let mut buf = b"3\r\nabc\r\n0\r\n\r\nGET /".to_vec();
        assert_eq!(
            framed(&mut buf, Framing::Chunked, 100),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(buf, b"GET /");

        let mut buf = b"3\r\nab".to_vec();
        assert_eq!(framed(&mut buf, Framing::Chunked, 100), Ok(None));
        let mut buf = b"zz\r\n".to_vec();
        assert_eq!(framed(&mut buf, Framing::Chunked, 100), Err(Refused(400)));
    }

    #[test]
    fn a_body_at_the_limit_is_read_and_one_past_it_refused() {
        let length = |v| framing(&head("PUT", &[("Content-Length", v)]), false, 100);
        assert_eq!(length("100"), Ok(Framing::Length(100)));
        assert_eq!(length(" 7 "), Ok(Framing::Length(7)));
        let same_twice = [("Content-Length", "4"), ("content-length", "4")];
        assert_eq!(
            framing(&head("POST", &same_twice), false, 100),
            Ok(Framing::Length(4))
        );
        // A body not all there yet is waited for.
        let mut buf = b"ab".to_vec();
        assert_eq!(framed(&mut buf, Framing::Length(3), 100), Ok(None));
        assert_eq!(buf, b"ab");
        // Chunks: what is held counts against the limit before the end is seen, the content after.
        let mut buf = b"3\r\nab".to_vec();
        assert_eq!(framed(&mut buf, Framing::Chunked, 5), Ok(None));
        assert_eq!(framed(&mut buf, Framing::Chunked, 4), Err(Refused(413)));
        let whole = b"3\r\nabc\r\n0\r\n\r\n";
        assert_eq!(
            framed(&mut whole.to_vec(), Framing::Chunked, 3),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(
            framed(&mut whole.to_vec(), Framing::Chunked, 2),
            Err(Refused(413))
        );
    }

    #[test]
    fn only_a_body_carrying_method_must_declare_its_length() {
        for method in ["POST", "put", "Patch"] {
            assert!(lacks_length(&head(method, &[]), false), "{method}");
            assert!(
                !lacks_length(&head(method, &[("Content-Length", "0")]), false),
                "{method}"
            );
        }
        for method in ["GET", "DELETE", "HEAD"] {
            assert!(!lacks_length(&head(method, &[]), false), "{method}");
            let chunked = [("Transfer-Encoding", "chunked")];
            assert!(!lacks_length(&head(method, &chunked), false), "{method}");
        }
    }

    /// What `read` sends the client while it takes a body of three bytes the client has sent,
    /// none of them read off the socket yet.
    async fn sent_while_reading(headers: &[(&str, &str)]) -> Vec<u8> {
        use tokio::io::AsyncReadExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(b"abc").await.unwrap();
        let (_running, mut stop) = watch::channel(false);
        let mut buf = Vec::new();
        let head = head("POST", headers);
        let body = read(
            &mut server,
            &mut buf,
            &head,
            Framing::Length(3),
            100,
            Duration::from_secs(30),
            &mut stop,
        )
        .await;
        assert_eq!(body, Ok(b"abc".to_vec()));
        drop(server);
        let mut sent = Vec::new();
        client.read_to_end(&mut sent).await.unwrap();
        sent
    }

    #[tokio::test]
    async fn a_client_is_told_to_continue_only_when_it_asked() {
        let length = ("Content-Length", "3");
        let asked = sent_while_reading(&[length, ("Expect", "100-continue")]).await;
        assert_eq!(asked, b"HTTP/1.1 100 Continue\r\n\r\n");
        assert_eq!(sent_while_reading(&[length]).await, b"");
    }
}
