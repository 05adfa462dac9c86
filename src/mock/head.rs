//! Reading a request head off the raw socket, byte for byte, before any HTTP library sees it: the
//! journal and the signature check need the target and the headers exactly as sent, and the fault
//! modes need the socket itself.

use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;

use crate::request::{Header, header_value};

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
}

impl RawHead {
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The path part of the target.
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }
}

/// What reading a head gave.
pub(crate) enum HeadRead {
    /// The head, and every byte read so far (the head and maybe part of the body).
    Complete(RawHead, Vec<u8>),
    /// No blank line within the size limit, or too many header lines.
    TooLarge,
    Malformed,
    /// The client closed or the timeout passed before a whole head arrived.
    Gone,
}

/// Reads until the blank line that ends the head, within `max` bytes and `timeout`.
pub(crate) async fn read_head(stream: &mut TcpStream, max: usize, timeout: Duration) -> HeadRead {
    match tokio::time::timeout(timeout, read_head_inner(stream, max)).await {
        Ok(read) => read,
        Err(_) => HeadRead::Gone,
    }
}

async fn read_head_inner(stream: &mut TcpStream, max: usize) -> HeadRead {
    let mut buf = Vec::with_capacity(4096);
    let mut chunk = [0u8; 8192];
    loop {
        let n = match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return HeadRead::Gone,
            Ok(n) => n,
        };
        let searched_from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = find_blank_line(&buf[searched_from..]) {
            let end = searched_from + i + 4;
            if end > max {
                return HeadRead::TooLarge;
            }
            return match parse(&buf[..end]) {
                Ok(head) => HeadRead::Complete(head, buf),
                Err(read) => read,
            };
        }
        if buf.len() > max {
            return HeadRead::TooLarge;
        }
        // Bytes that can never become a request (a TLS handshake sent to this plain port) are
        // refused at once rather than held until the head timeout.
        if is_not_http(&buf) {
            return HeadRead::Malformed;
        }
    }
}

/// True when these first bytes of a head cannot start a valid request, however it goes on.
fn is_not_http(partial: &[u8]) -> bool {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    matches!(
        httparse::Request::new(&mut headers).parse(partial),
        Err(e) if e != httparse::Error::TooManyHeaders
    )
}

fn find_blank_line(bytes: &[u8]) -> Option<usize> {
    bytes.windows(4).position(|w| w == b"\r\n\r\n")
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
    fn finds_the_blank_line_across_reads() {
        assert_eq!(find_blank_line(b"GET / HTTP/1.1\r\n\r\nbody"), Some(14));
        assert!(matches!(
            parse(b"NOT HTTP\r\n\r\n"),
            Err(HeadRead::Malformed)
        ));
        assert!(is_not_http(b"\x16\x03\x01\x02\x00\x01"));
        assert!(!is_not_http(b"GET /api/x HTTP/1.1\r\nHo"));
        assert!(!is_not_http(b"PO"));
    }
}
