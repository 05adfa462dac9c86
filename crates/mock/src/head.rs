//! Reading a request head off the raw socket, byte for byte: the journal and the signature check
//! need the target and the headers exactly as sent, and the fault modes need the socket itself.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use upwork_diag_core::request::{Header, header_value};

/// The most header lines a request may carry.
const MAX_HEADERS: usize = 128;

/// A request line and headers as sent.
#[derive(Clone, Default)]
pub(crate) struct RawHead {
    pub method: String,
    /// The request target as sent (origin form: path and query).
    pub target: String,
    /// Headers in their order and case; values decoded lossily when not UTF-8.
    pub headers: Vec<Header>,
    /// `HTTP/1.0` rather than `HTTP/1.1`: the connection then ends after the answer unless the
    /// client asked to keep it.
    pub http10: bool,
}

impl RawHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// True when the client asked to keep the connection for another request: HTTP/1.1 unless a
    /// `Connection` header says `close`, HTTP/1.0 only when one says `keep-alive` (RFC 9112, 9.3).
    pub fn keeps_alive(&self) -> bool {
        let has = |token: &str| {
            self.headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("connection"))
                .flat_map(|h| h.value.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        };
        if has("close") {
            return false;
        }
        !self.http10 || has("keep-alive")
    }
}

/// What reading a head gave.
pub(crate) enum HeadRead {
    /// The head, and its length in bytes at the start of the connection's buffer (what follows
    /// is the body, maybe the next requests).
    Complete(RawHead, usize),
    /// No blank line within the size limit, or too many header lines.
    TooLarge,
    Malformed,
    /// The client closed or the timeout passed before a whole head arrived.
    Gone,
}

/// Reads until the blank line that ends the head, within `max` bytes and `timeout`. `buf` holds
/// what the connection read past the previous request (a pipelined request starts there) and
/// keeps everything read; the time counts from the call, so a kept-alive connection left idle and
/// a client trickling its head are closed alike.
pub(crate) async fn read_head(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
    max: usize,
    timeout: Duration,
) -> HeadRead {
    match tokio::time::timeout(timeout, read_head_inner(stream, buf, max)).await {
        Ok(read) => read,
        Err(_) => HeadRead::Gone,
    }
}

async fn read_head_inner(stream: &mut TcpStream, buf: &mut Vec<u8>, max: usize) -> HeadRead {
    loop {
        if !buf.is_empty() {
            match head_end(buf) {
                Ok(Some(end)) if end > max => return HeadRead::TooLarge,
                Ok(Some(end)) => {
                    return match parse(&buf[..end]) {
                        Ok(head) => HeadRead::Complete(head, end),
                        Err(read) => read,
                    };
                }
                Ok(None) if buf.len() > max => return HeadRead::TooLarge,
                Ok(None) => {}
                Err(read) => return read,
            }
        }
        buf.reserve(8192);
        match stream.read_buf(buf).await {
            Ok(0) | Err(_) => return HeadRead::Gone,
            Ok(_) => {}
        }
    }
}

/// Where the head ends, as the parser sees it: the blank line may be `\r\n\r\n` or, from
/// clients that write bare line feeds, `\n\n` (accepted, as most servers do, rather than held
/// until the head timeout). `None` while it has not come. Bytes that can never become a request
/// (a TLS handshake sent to this plain port) are refused at once.
fn head_end(partial: &[u8]) -> Result<Option<usize>, HeadRead> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    match httparse::Request::new(&mut headers).parse(partial) {
        Ok(httparse::Status::Complete(end)) => Ok(Some(end)),
        Ok(httparse::Status::Partial) => Ok(None),
        Err(httparse::Error::TooManyHeaders) => Err(HeadRead::TooLarge),
        Err(_) => Err(HeadRead::Malformed),
    }
}

fn parse(bytes: &[u8]) -> Result<RawHead, HeadRead> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(bytes) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => return Err(HeadRead::TooLarge),
        Ok(httparse::Status::Partial) | Err(_) => return Err(HeadRead::Malformed),
    }
    Ok(RawHead {
        http10: request.version == Some(0),
        method: request.method.unwrap_or_default().to_string(),
        target: request.path.unwrap_or_default().to_string(),
        headers: request
            .headers
            .iter()
            .map(|h| Header::new(h.name, String::from_utf8_lossy(h.value)))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_head_keeping_case_and_target() {
        let head = parse(
            b"post /api/x.json?q=web%20design HTTP/1.1\r\nHOST: h\r\nX-Mock-Fault: hang\r\n\r\n",
        )
        .ok()
        .unwrap();
        assert_eq!(head.method, "post");
        assert_eq!(head.target, "/api/x.json?q=web%20design");
        assert_eq!(head.path(), "/api/x.json");
        assert_eq!(head.headers[0].name, "HOST");
        assert_eq!(head.header("x-mock-fault"), Some("hang"));
    }

    #[test]
    fn finds_the_end_of_the_head_with_either_line_ending() {
        assert_eq!(head_end(b"GET / HTTP/1.1\r\n\r\nbody").ok(), Some(Some(18)));
        assert_eq!(
            head_end(b"GET / HTTP/1.1\nHost: h\n\nbody").ok(),
            Some(Some(24))
        );
        assert_eq!(head_end(b"GET /api/x HTTP/1.1\r\nHo").ok(), Some(None));
        assert_eq!(head_end(b"PO").ok(), Some(None));
        assert!(matches!(
            parse(b"NOT HTTP\r\n\r\n"),
            Err(HeadRead::Malformed)
        ));
        assert!(matches!(
            head_end(b"\x16\x03\x01\x02\x00\x01"),
            Err(HeadRead::Malformed)
        ));
    }

    #[test]
    fn http_1_1_keeps_the_connection_unless_told_and_http_1_0_only_when_asked() {
        let with = |http10: bool, connection: Option<&str>| RawHead {
            method: "GET".into(),
            target: "/".into(),
            headers: connection
                .map(|v| vec![Header::new("Connection", v)])
                .unwrap_or_default(),
            http10,
        };
        assert!(with(false, None).keeps_alive());
        assert!(!with(false, Some("close")).keeps_alive());
        assert!(!with(false, Some("TE, Close")).keeps_alive());
        assert!(with(false, Some("upgrade")).keeps_alive());
        assert!(!with(true, None).keeps_alive());
        assert!(with(true, Some("Keep-Alive")).keeps_alive());
        assert!(!with(true, Some("keep-alive, close")).keeps_alive());
        let other = RawHead {
            headers: vec![Header::new("X-Connection", "close")],
            ..with(false, None)
        };
        assert!(other.keeps_alive());
        assert!(parse(b"GET / HTTP/1.0\r\n\r\n").ok().unwrap().http10);
        assert!(!parse(b"GET / HTTP/1.1\r\n\r\n").ok().unwrap().http10);
    }

    #[test]
    fn too_many_header_lines_are_too_large() {
        let mut head = b"GET / HTTP/1.1\r\n".to_vec();
        for n in 0..=MAX_HEADERS {
            head.extend_from_slice(format!("X-{n}: v\r\n").as_bytes());
        }
        head.extend_from_slice(b"\r\n");
        assert!(matches!(head_end(&head), Err(HeadRead::TooLarge)));
        assert!(matches!(parse(&head), Err(HeadRead::TooLarge)));
        assert!(matches!(
            parse(b"GET / HTTP/1.1\r\n"),
            Err(HeadRead::Malformed)
        ));
    }

    /// What `read_head` makes of `sent` (the client then closes its side), with `already` read
    /// before, within `max` bytes.
    async fn read_from(sent: &[u8], already: &[u8], max: usize) -> HeadRead {
        use tokio::io::AsyncWriteExt;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (mut server, _) = listener.accept().await.unwrap();
        client.write_all(sent).await.unwrap();
        client.shutdown().await.unwrap();
        let mut buf = already.to_vec();
        read_head(&mut server, &mut buf, max, Duration::from_secs(30)).await
    }

    #[tokio::test]
    async fn a_head_of_the_limit_is_read_and_one_byte_more_is_too_large() {
        let whole = b"GET / HTTP/1.1\r\n\r\n";
        assert!(matches!(
            read_from(whole, b"", 18).await,
            HeadRead::Complete(_, 18)
        ));
        assert!(matches!(
            read_from(whole, b"", 100).await,
            HeadRead::Complete(_, 18)
        ));
        assert!(matches!(
            read_from(whole, b"", 17).await,
            HeadRead::TooLarge
        ));
        // No end yet: waited for up to the limit, refused past it.
        let partial = b"GET / HTTP/1.1\r\nX-A: ";
        assert!(matches!(read_from(partial, b"", 21).await, HeadRead::Gone));
        assert!(matches!(
            read_from(partial, b"", 20).await,
            HeadRead::TooLarge
        ));
        // A head already read (pipelined) is taken without waiting for more.
        assert!(matches!(
            read_from(b"", whole, 100).await,
            HeadRead::Complete(_, 18)
        ));
        assert!(matches!(
            read_from(b"\x16\x03\x01", b"", 100).await,
            HeadRead::Malformed
        ));
    }
}
