//! Reading one HTTP/1.1 message off a stream, whole and byte for byte: the proxy forwards exactly
//! the bytes it read, so it only needs to know where a request or an answer ends.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};

use upwork_diag_core::request::CapturedResponse;
use upwork_diag_diagnose::replay::response_parser::{ParseState, parse_response};

/// The largest request head the proxy reads (as the emulator's limit).
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// The largest request body it reads.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;
/// The largest answer it relays whole.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Why a message could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the connection closed in the middle of a request")]
    Cut,
    #[error("a malformed request: {0}")]
    Malformed(String),
    #[error("the request is larger than the proxy relays ({0})")]
    TooLarge(&'static str),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("no whole request within {0:?}")]
    Timeout(Duration),
}

/// A request's first line and the headers the proxy needs to route it.
#[derive(Debug, Clone)]
pub struct RequestHead {
    pub method: String,
    pub target: String,
    /// `Connection: close` (or HTTP/1.0 without keep-alive): the client ends after this one.
    pub closes: bool,
    /// The bytes of the head, up to and including the blank line.
    pub len: usize,
}

/// A whole request as read.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub head: RequestHead,
    /// Head and body, exactly as received.
    pub bytes: Vec<u8>,
}

/// Reads one request from `stream`; `buf` keeps bytes read past it for the next call. `Ok(None)`
/// when the client closed (or stayed idle past `idle`) before sending a byte of a new request.
pub async fn read_request<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    idle: Duration,
) -> Result<Option<RawRequest>, ReadError> {
    let head = loop {
        if let Some(head) = parse_request_head(buf)? {
            break head;
        }
        if buf.len() > MAX_HEAD_BYTES {
            return Err(ReadError::TooLarge("head"));
        }
        let read = match tokio::time::timeout(idle, read_more(stream, buf)).await {
            Ok(read) => read?,
            Err(_) if buf.is_empty() => return Ok(None),
            Err(_) => return Err(ReadError::Timeout(idle)),
        };
        if read == 0 {
            return if buf.is_empty() {
                Ok(None)
            } else {
                Err(ReadError::Cut)
            };
        }
    };
    let headers = header_lines(&buf[..head.len]);
    let chunked = headers.iter().any(|(n, v)| {
        n.eq_ignore_ascii_case("transfer-encoding") && v.to_ascii_lowercase().contains("chunked")
    });
    let length = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .map(|(_, v)| {
            v.trim()
                .parse::<usize>()
                .map_err(|_| ReadError::Malformed("a Content-Length that is not a number".into()))
        })
        .transpose()?;
    let end = loop {
        let body = &buf[head.len..];
        let end = if chunked {
            chunked_end(body)?.map(|n| head.len + n)
        } else {
            let want = length.unwrap_or(0);
            if want > MAX_BODY_BYTES {
                return Err(ReadError::TooLarge("body"));
            }
            (body.len() >= want).then_some(head.len + want)
        };
        if let Some(end) = end {
            break end;
        }
        if buf.len() > head.len + MAX_BODY_BYTES {
            return Err(ReadError::TooLarge("body"));
        }
        match tokio::time::timeout(idle, read_more(stream, buf)).await {
            Ok(Ok(0)) => return Err(ReadError::Cut),
            Ok(read) => read?,
            Err(_) => return Err(ReadError::Timeout(idle)),
        };
    };
    let bytes: Vec<u8> = buf.drain(..end).collect();
    Ok(Some(RawRequest { head, bytes }))
}

async fn read_more<S: AsyncRead + Unpin>(
    stream: &mut S,
    buf: &mut Vec<u8>,
) -> std::io::Result<usize> {
    let mut chunk = [0u8; 16 * 1024];
    let n = stream.read(&mut chunk).await?;
    buf.extend_from_slice(&chunk[..n]);
    Ok(n)
}

/// The request head at the start of `buf`, once its blank line has arrived.
fn parse_request_head(buf: &[u8]) -> Result<Option<RequestHead>, ReadError> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut slots);
    match request.parse(buf) {
        Ok(httparse::Status::Partial) => Ok(None),
        Ok(httparse::Status::Complete(len)) => {
            let method = request.method.unwrap_or_default().to_string();
            let target = request.path.unwrap_or_default().to_string();
            let version = request.version.unwrap_or(1);
            let connection = request
                .headers
                .iter()
                .filter(|h| h.name.eq_ignore_ascii_case("connection"))
                .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
                .collect::<Vec<_>>()
                .join(",");
            let closes = connection.contains("close")
                || (version == 0 && !connection.contains("keep-alive"));
            Ok(Some(RequestHead {
                method,
                target,
                closes,
                len,
            }))
        }
        Err(e) => Err(ReadError::Malformed(e.to_string())),
    }
}

/// The head's header lines, as name and value.
fn header_lines(head: &[u8]) -> Vec<(String, String)> {
    let mut slots = [httparse::EMPTY_HEADER; 128];
    let mut request = httparse::Request::new(&mut slots);
    let _ = request.parse(head);
    request
        .headers
        .iter()
        .filter(|h| !h.name.is_empty())
        .map(|h| {
            (
                h.name.to_string(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect()
}

/// Where a chunked body ends (after its last chunk and trailers), once it has all arrived.
fn chunked_end(body: &[u8]) -> Result<Option<usize>, ReadError> {
    let mut pos = 0;
    loop {
        let Some(line_end) = find_crlf(&body[pos..]) else {
            return Ok(None);
        };
        let line = String::from_utf8_lossy(&body[pos..pos + line_end]).into_owned();
        let size_text = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16)
            .map_err(|_| ReadError::Malformed("a chunk size that is not hexadecimal".into()))?;
        pos += line_end + 2;
        if size == 0 {
            // Trailers, each a line, then the blank line.
            loop {
                let Some(end) = find_crlf(&body[pos..]) else {
                    return Ok(None);
                };
                pos += end + 2;
                if end == 0 {
                    return Ok(Some(pos));
                }
            }
        }
        if size > MAX_BODY_BYTES {
            return Err(ReadError::TooLarge("body"));
        }
        if body.len() < pos + size + 2 {
            return Ok(None);
        }
        pos += size + 2;
    }
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

/// Reads one whole answer to a request of `method`: the bytes as received, and the answer parsed.
pub async fn read_response<S: AsyncRead + Unpin>(
    stream: &mut S,
    method: &str,
) -> Result<(Vec<u8>, CapturedResponse), upwork_diag_diagnose::replay::TransportError> {
    use upwork_diag_diagnose::replay::{TransportError, TransportErrorKind};
    let is_head = method.eq_ignore_ascii_case("HEAD");
    let mut buf = Vec::new();
    let mut eof = false;
    loop {
        if let ParseState::Complete(response) =
            parse_response(&buf, is_head, eof, MAX_RESPONSE_BYTES)?
        {
            return Ok((buf, response));
        }
        if eof {
            return Err(TransportError::new(
                TransportErrorKind::ConnectionReset,
                "the upstream closed the connection before a whole answer",
            ));
        }
        let read = read_more(stream, &mut buf)
            .await
            .map_err(|e| TransportError::new(TransportErrorKind::ConnectionReset, e.to_string()))?;
        eof = read == 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chunked_body_ends_after_its_trailers() {
        assert_eq!(chunked_end(b"3\r\nabc\r\n0\r\n\r\nNEXT").unwrap(), Some(13));
        assert_eq!(
            chunked_end(b"3\r\nabc\r\n0\r\nX: 1\r\n\r\n").unwrap(),
            Some(19)
        );
        assert_eq!(chunked_end(b"3\r\nabc\r\n").unwrap(), None);
        assert!(chunked_end(b"zz\r\n").is_err());
    }
}
