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
}
