//! An HTTP/1.x response parser over a byte buffer, with no I/O, so it can be tested at every split
//! point and fuzzed.
//!
//! The transport reads, appends to one buffer and asks [`parse_response`] again until the answer is
//! complete. The parser is lenient where servers are sloppy (obs-fold, bare LF in chunk framing,
//! spaces after header names) and strict where a mistake would change the body (conflicting
//! Content-Length, a chunk size that is not hex).

use super::{TransportError, TransportErrorKind};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::Header;

/// The largest response head accepted (status line and headers), per response.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The most header lines accepted in one response head.
pub const MAX_HEADERS: usize = 256;

/// The longest chunk-size line accepted (size and extensions).
const MAX_CHUNK_LINE: usize = 4096;

/// What the buffer holds so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseState {
    /// A prefix of a valid response: read more.
    Incomplete,
    /// A whole final response (interim `1xx` answers skipped).
    /// `elapsed` is left at zero: the parser sees bytes, not time; the transport fills it in.
    Complete(CapturedResponse),
}

/// The head of one response: status line and headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHead {
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<Header>,
    /// Bytes the head takes in the buffer, blank line included.
    pub len: usize,
}

/// How the body of a response ends (RFC 9112 section 6.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    NoBody,
    Length(u64),
    Chunked,
    UntilClose,
}

/// Parses the response at the start of `buf`.
///
/// `is_head` says the request was `HEAD` (no body follows whatever the headers announce), `eof`
/// that the connection has ended and no byte will follow, `max_body` where the body is cut.
/// With `eof` set the answer is never [`ParseState::Incomplete`]: a short response is an error
/// ([`TransportErrorKind::ConnectionReset`] before the head is complete,
/// [`TransportErrorKind::TruncatedResponse`] inside a framed body).
pub fn parse_response(
    buf: &[u8],
    is_head: bool,
    eof: bool,
    max_body: usize,
) -> Result<ParseState, TransportError> {
    let mut offset = 0;
    loop {
        let rest = &buf[offset..];
        let Some(head) = parse_head(rest)? else {
            if !eof {
                return Ok(ParseState::Incomplete);
            }
            let message = if buf.is_empty() {
                "the server closed the connection without sending a response".to_string()
            } else if rest.is_empty() {
                "the server closed the connection after an interim (1xx) response".to_string()
            } else {
                format!(
                    "the server closed the connection in the middle of the response head, after {} bytes",
                    rest.len()
                )
            };
            return Err(TransportError::new(
                TransportErrorKind::ConnectionReset,
                message,
            ));
        };
        // Interim answers (100 Continue, 103 Early Hints) precede the real one; 101 is final.
        if (100..200).contains(&head.status) && head.status != 101 {
            offset += head.len;
            continue;
        }
        let framing = framing(&head, is_head)?;
        let body = &rest[head.len..];
        let parsed = match framing {
            Framing::NoBody => Some((Vec::new(), false)),
            Framing::Length(declared) => length_body(body, declared, eof, max_body)?,
            Framing::Chunked => chunked_body(body, eof, max_body)?,
            Framing::UntilClose => {
                if body.len() > max_body {
                    Some((body[..max_body].to_vec(), true))
                } else if eof {
                    Some((body.to_vec(), false))
                } else {
                    None
                }
            }
        };
        return Ok(match parsed {
            Some((body, truncated)) => ParseState::Complete(CapturedResponse {
                version: head.version,
                status: head.status,
                reason: head.reason,
                headers: head.headers,
                body,
                truncated,
                elapsed: std::time::Duration::ZERO,
            }),
            None => ParseState::Incomplete,
        });
    }
}

/// Parses one response head at the start of `buf`: `Ok(None)` while it is incomplete.
///
/// A head longer than [`MAX_HEAD_BYTES`] is refused whether or not its end has arrived, so the
/// answer does not depend on how the bytes were split into reads.
pub fn parse_head(buf: &[u8]) -> Result<Option<ResponseHead>, TransportError> {
    let mut slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut response = httparse::Response::new(&mut slots);
    let mut config = httparse::ParserConfig::default();
    config
        .allow_obsolete_multiline_headers_in_responses(true)
        .allow_spaces_after_header_name_in_responses(true)
        .allow_multiple_spaces_in_response_status_delimiters(true);
    let status = config
        .parse_response(&mut response, buf)
        .map_err(|e| not_http(buf, e))?;
    let len = match status {
        httparse::Status::Partial => {
            if buf.len() > MAX_HEAD_BYTES {
                return Err(head_too_large());
            }
            return Ok(None);
        }
        httparse::Status::Complete(len) => len,
    };
    if len > MAX_HEAD_BYTES {
        return Err(head_too_large());
    }
    let version = match response.version {
        Some(0) => "HTTP/1.0",
        _ => "HTTP/1.1",
    };
    let headers = response
        .headers
        .iter()
        .map(|h| Header::new(h.name, unfold(h.value)))
        .collect();
    Ok(Some(ResponseHead {
        version: version.to_string(),
        status: response.code.unwrap_or_default(),
        reason: response.reason.unwrap_or_default().to_string(),
        headers,
        len,
    }))
}

fn head_too_large() -> TransportError {
    TransportError::new(
        TransportErrorKind::MalformedResponse,
        format!(
            "the response head is larger than {} KiB",
            MAX_HEAD_BYTES / 1024
        ),
    )
}

/// The error for bytes that do not parse as an HTTP response, with a preview of them.
fn not_http(buf: &[u8], error: httparse::Error) -> TransportError {
    if error == httparse::Error::TooManyHeaders {
        return TransportError::new(
            TransportErrorKind::MalformedResponse,
            format!("the response has more than {MAX_HEADERS} header lines"),
        );
    }
    let preview: String = buf
        .iter()
        .take(48)
        .copied()
        .flat_map(std::ascii::escape_default)
        .map(char::from)
        .collect();
    // A TLS record (alert 0x15 or handshake 0x16, version 3.x) means plain HTTP reached a TLS port.
    let hint = if buf.len() >= 2 && matches!(buf[0], 0x15 | 0x16) && buf[1] == 0x03 {
        " (this looks like TLS: is the URL https?)"
    } else {
        ""
    };
    TransportError::new(
        TransportErrorKind::MalformedResponse,
        format!("the server did not answer with HTTP ({error}); first bytes: \"{preview}\"{hint}"),
    )
}

/// A header value with obs-fold line breaks replaced by one space each, as RFC 9112 section 5.2
/// lets a recipient do; bytes that are not UTF-8 become U+FFFD.
fn unfold(value: &[u8]) -> String {
    let text = String::from_utf8_lossy(value);
    if !text.contains(['\r', '\n']) {
        return text.into_owned();
    }
    text.split('\n')
        .map(|line| line.trim_end_matches('\r').trim_matches([' ', '\t']))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How the body of this response is delimited.
fn framing(head: &ResponseHead, is_head: bool) -> Result<Framing, TransportError> {
    if is_head || matches!(head.status, 100..=199 | 204 | 304) {
        return Ok(Framing::NoBody);
    }
    let mut codings = head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("transfer-encoding"))
        .flat_map(|h| h.value.split(','))
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .peekable();
    if codings.peek().is_some() {
        // Transfer-Encoding overrides Content-Length; only a final `chunked` frames the body.
        return Ok(
            if codings
                .last()
                .is_some_and(|c| c.eq_ignore_ascii_case("chunked"))
            {
                Framing::Chunked
            } else {
                Framing::UntilClose
            },
        );
    }
    let mut declared: Option<u64> = None;
    for value in head
        .headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
        .flat_map(|h| h.value.split(','))
    {
        let value = value.trim();
        let parsed = (!value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()))
            .then(|| value.parse::<u64>().ok())
            .flatten()
            .ok_or_else(|| {
                TransportError::new(
                    TransportErrorKind::MalformedResponse,
                    format!("the response has an invalid Content-Length: \"{value}\""),
                )
            })?;
        match declared {
            Some(previous) if previous != parsed => {
                return Err(TransportError::new(
                    TransportErrorKind::MalformedResponse,
                    format!(
                        "the response has conflicting Content-Length values {previous} and {parsed}"
                    ),
                ));
            }
            _ => declared = Some(parsed),
        }
    }
    Ok(declared.map_or(Framing::UntilClose, Framing::Length))
}

/// A body of a declared length: `None` while more bytes are needed.
fn length_body(
    body: &[u8],
    declared: u64,
    eof: bool,
    max_body: usize,
) -> Result<Option<(Vec<u8>, bool)>, TransportError> {
    let wanted = usize::try_from(declared).map_or(max_body, |d| d.min(max_body));
    if body.len() >= wanted {
        return Ok(Some((body[..wanted].to_vec(), declared > wanted as u64)));
    }
    if eof {
        return Err(TransportError::new(
            TransportErrorKind::TruncatedResponse,
            format!(
                "the response announced Content-Length: {declared} but the connection closed after {} bytes of body",
                body.len()
            ),
        ));
    }
    Ok(None)
}

/// A chunked body, de-chunked: `None` while more bytes are needed. Chunk extensions and trailers
/// are read and dropped.
fn chunked_body(
    body: &[u8],
    eof: bool,
    max_body: usize,
) -> Result<Option<(Vec<u8>, bool)>, TransportError> {
    let truncated_at = |received: usize| {
        TransportError::new(
            TransportErrorKind::TruncatedResponse,
            format!(
                "the chunked response ended after {received} bytes of body, before its last chunk"
            ),
        )
    };
    let mut pos = 0;
    // Where each chunk's data lies in `body`; only copied once the answer is known.
    let mut pieces: Vec<(usize, usize)> = Vec::new();
    let mut data_len = 0usize;
    let cut = |pieces: &[(usize, usize)], extra: Option<(usize, usize)>| {
        let mut out = Vec::with_capacity(max_body);
        for &(start, len) in pieces.iter().chain(extra.iter()) {
            let room = max_body - out.len();
            out.extend_from_slice(&body[start..start + len.min(room)]);
        }
        out
    };
    loop {
        let Some((line, next)) = take_line(&body[pos..], MAX_CHUNK_LINE)? else {
            return if eof {
                Err(truncated_at(data_len))
            } else {
                Ok(None)
            };
        };
        let size = chunk_size(line)?;
        pos += next;
        if size == 0 {
            return trailers_end(&body[pos..], eof)
                .map(|done| done.then(|| (cut(&pieces, None), false)));
        }
        let available = body.len() - pos;
        if (available as u64) < size {
            // A partial chunk still counts toward the cap: a huge chunk need not be awaited.
            if data_len + available > max_body {
                return Ok(Some((cut(&pieces, Some((pos, available))), true)));
            }
            return if eof {
                Err(truncated_at(data_len + available))
            } else {
                Ok(None)
            };
        }
        // `size` fits in usize: it is at most `available`.
        let size = size as usize;
        pieces.push((pos, size));
        data_len += size;
        pos += size;
        if data_len > max_body {
            return Ok(Some((cut(&pieces, None), true)));
        }
        match &body[pos..] {
            [b'\r', b'\n', ..] => pos += 2,
            [b'\n', ..] => pos += 1,
            [] | [b'\r'] => {
                return if eof {
                    Err(truncated_at(data_len))
                } else {
                    Ok(None)
                };
            }
            _ => {
                return Err(TransportError::new(
                    TransportErrorKind::MalformedResponse,
                    "a chunk of the response is longer than its announced size",
                ));
            }
        }
    }
}

/// The first line of `buf` without its line break, and where the next line starts; `None` while
/// the line break has not arrived.
fn take_line(buf: &[u8], max: usize) -> Result<Option<(&[u8], usize)>, TransportError> {
    match buf.iter().position(|&b| b == b'\n') {
        Some(end) if end <= max => {
            let line = &buf[..end];
            Ok(Some((line.strip_suffix(b"\r").unwrap_or(line), end + 1)))
        }
        None if buf.len() <= max => Ok(None),
        _ => Err(TransportError::new(
            TransportErrorKind::MalformedResponse,
            format!("a line in the chunked body is longer than {max} bytes"),
        )),
    }
}

/// The size on a chunk-size line, extensions ignored.
fn chunk_size(line: &[u8]) -> Result<u64, TransportError> {
    let digits = line.split(|&b| b == b';').next().unwrap_or_default();
    let digits = digits.trim_ascii();
    let invalid = || {
        TransportError::new(
            TransportErrorKind::MalformedResponse,
            format!(
                "invalid chunk size line \"{}\" in the chunked body",
                line.escape_ascii()
            ),
        )
    };
    if digits.is_empty() || digits.len() > 15 || !digits.iter().all(u8::is_ascii_hexdigit) {
        return Err(invalid());
    }
    let text = std::str::from_utf8(digits).map_err(|_| invalid())?;
    u64::from_str_radix(text, 16).map_err(|_| invalid())
}

/// Whether the trailer section (after the last chunk) is complete. A connection that closes
/// inside the trailers has still delivered the whole body, so that counts as complete.
fn trailers_end(buf: &[u8], eof: bool) -> Result<bool, TransportError> {
    let mut pos = 0;
    loop {
        if pos > MAX_HEAD_BYTES {
            return Err(TransportError::new(
                TransportErrorKind::MalformedResponse,
                format!(
                    "the trailers of the response are larger than {} KiB",
                    MAX_HEAD_BYTES / 1024
                ),
            ));
        }
        match take_line(&buf[pos..], MAX_HEAD_BYTES)? {
            Some((line, next)) => {
                if line.is_empty() {
                    return Ok(true);
                }
                pos += next;
            }
            None => return Ok(eof),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAX: usize = 1 << 20;

    fn complete(buf: &[u8], is_head: bool) -> CapturedResponse {
        match parse_response(buf, is_head, false, MAX) {
            Ok(ParseState::Complete(r)) => r,
            other => panic!("expected a complete response, got {other:?}"),
        }
    }

    fn error_kind(buf: &[u8], eof: bool) -> TransportErrorKind {
        match parse_response(buf, false, eof, MAX) {
            Err(e) => e.kind,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// Every strict prefix is incomplete and the whole is the expected response, whatever the
    /// split: the transport may receive any byte boundary.
    fn assert_every_split(raw: &[u8], is_head: bool, expected: &CapturedResponse) {
        for i in 0..raw.len() {
            assert_eq!(
                parse_response(&raw[..i], is_head, false, MAX),
                Ok(ParseState::Incomplete),
                "prefix of {i} bytes"
            );
        }
        assert_eq!(&complete(raw, is_head), expected);
    }

    #[test]
    fn content_length_body_at_every_split() {
        let raw = b"HTTP/1.1 411 Length Required\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\nhello";
        let expected = CapturedResponse {
            version: "HTTP/1.1".into(),
            status: 411,
            reason: "Length Required".into(),
            headers: vec![
                Header::new("Content-Type", "text/html"),
                Header::new("Content-Length", "5"),
            ],
            body: b"hello".to_vec(),
            truncated: false,
            elapsed: std::time::Duration::ZERO,
        };
        assert_every_split(raw, false, &expected);
    }

    #[test]
    fn chunked_with_extensions_and_trailers_at_every_split() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
            5;name=value;q=\"x\"\r\nhello\r\n1 ; ext\r\n \r\n6\r\nworld!\r\n0\r\nX-Trailer: yes\r\nY: z\r\n\r\n";
        let response = complete(raw, false);
        assert_eq!(response.body, b"hello world!");
        assert_every_split(raw, false, &response);
    }

    #[test]
    fn interim_responses_are_skipped_at_every_split() {
        let raw = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n\
            HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok";
        let response = complete(raw, false);
        assert_eq!(response.status, 201);
        assert_eq!(response.body, b"ok");
        assert_every_split(raw, false, &response);
    }

    #[test]
    fn obs_fold_is_joined_with_a_space() {
        let raw =
            b"HTTP/1.1 200 OK\r\nX-Long: first\r\n  second\r\n\tthird\r\nContent-Length: 0\r\n\r\n";
        let response = complete(raw, false);
        assert_eq!(
            response.headers[0],
            Header::new("X-Long", "first second third")
        );
        assert_every_split(raw, false, &response);
    }

    #[test]
    fn head_and_bodyless_statuses_have_no_body() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n";
        let response = complete(raw, true);
        assert!(response.body.is_empty());
        assert_every_split(raw, true, &response);
        for status in ["204 No Content", "304 Not Modified"] {
            let raw = format!("HTTP/1.1 {status}\r\nContent-Length: 10\r\n\r\n");
            assert!(complete(raw.as_bytes(), false).body.is_empty());
        }
    }

    #[test]
    fn until_close_body_needs_eof() {
        let raw = b"HTTP/1.0 200 OK\r\n\r\nall of it";
        assert_eq!(
            parse_response(raw, false, false, MAX),
            Ok(ParseState::Incomplete)
        );
        let Ok(ParseState::Complete(response)) = parse_response(raw, false, true, MAX) else {
            panic!("expected complete");
        };
        assert_eq!(response.version, "HTTP/1.0");
        assert_eq!(response.body, b"all of it");
    }

    #[test]
    fn bodies_are_cut_at_the_cap() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n0123";
        let Ok(ParseState::Complete(r)) = parse_response(raw, false, false, 4) else {
            panic!()
        };
        assert_eq!((r.body.as_slice(), r.truncated), (&b"0123"[..], true));

        let raw =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nfffffffffff\r\nde";
        let Ok(ParseState::Complete(r)) = parse_response(raw, false, false, 4) else {
            panic!()
        };
        assert_eq!((r.body.as_slice(), r.truncated), (&b"abcd"[..], true));

        let raw = b"HTTP/1.1 200 OK\r\n\r\nabcdef";
        let Ok(ParseState::Complete(r)) = parse_response(raw, false, false, 4) else {
            panic!()
        };
        assert_eq!((r.body.as_slice(), r.truncated), (&b"abcd"[..], true));

        // Exactly at the cap is not a cut.
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n";
        let Ok(ParseState::Complete(r)) = parse_response(raw, false, false, 4) else {
            panic!()
        };
        assert_eq!((r.body.as_slice(), r.truncated), (&b"abcd"[..], false));
    }

    #[test]
    fn short_responses_at_eof_are_errors() {
        use TransportErrorKind::*;
        assert_eq!(error_kind(b"", true), ConnectionReset);
        assert_eq!(
            error_kind(b"HTTP/1.1 200 OK\r\nContent-", true),
            ConnectionReset
        );
        assert_eq!(
            error_kind(b"HTTP/1.1 100 Continue\r\n\r\n", true),
            ConnectionReset
        );
        assert_eq!(
            error_kind(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", true),
            TruncatedResponse
        );
        assert_eq!(
            error_kind(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                true
            ),
            TruncatedResponse
        );
        assert_eq!(
            error_kind(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n",
                true
            ),
            TruncatedResponse
        );
    }

    #[test]
    fn eof_never_leaves_it_incomplete() {
        let raw =
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;x\r\nab\r\n0\r\nT: 1\r\n\r\n";
        for i in 0..=raw.len() {
            assert_ne!(
                parse_response(&raw[..i], false, true, MAX),
                Ok(ParseState::Incomplete)
            );
        }
    }

    #[test]
    fn garbage_is_malformed() {
        use TransportErrorKind::MalformedResponse;
        assert_eq!(
            error_kind(b"SSH-2.0-OpenSSH_9.6\r\n", false),
            MalformedResponse
        );
        assert_eq!(
            error_kind(b"HTTP/1.1 2x0 OK\r\n\r\n", false),
            MalformedResponse
        );
        let tls_alert = [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46];
        let error = parse_response(&tls_alert, false, false, MAX).unwrap_err();
        assert!(error.message.contains("TLS"), "{}", error.message);
        assert_eq!(
            error_kind(
                b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n",
                false
            ),
            MalformedResponse
        );
        assert_eq!(
            error_kind(b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false),
            MalformedResponse
        );
        assert_eq!(
            error_kind(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                false
            ),
            MalformedResponse
        );
        assert_eq!(
            error_kind(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc\r\n",
                false
            ),
            MalformedResponse
        );
    }

    #[test]
    fn repeated_equal_content_lengths_are_accepted() {
        let raw = b"HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nContent-Length: 2\r\n\r\nok";
        assert_eq!(complete(raw, false).body, b"ok");
    }

    #[test]
    fn huge_head_is_refused_complete_or_not() {
        let mut raw = b"HTTP/1.1 200 OK\r\nX-Big: ".to_vec();
        raw.extend(std::iter::repeat_n(b'a', MAX_HEAD_BYTES + 10));
        assert_eq!(
            error_kind(&raw, false),
            TransportErrorKind::MalformedResponse
        );
        raw.extend_from_slice(b"\r\nContent-Length: 0\r\n\r\n");
        assert_eq!(
            error_kind(&raw, false),
            TransportErrorKind::MalformedResponse
        );
    }

    #[test]
    fn too_many_headers_are_refused() {
        let mut raw = b"HTTP/1.1 200 OK\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            raw.extend_from_slice(format!("X-{i}: v\r\n").as_bytes());
        }
        raw.extend_from_slice(b"\r\n");
        assert_eq!(
            error_kind(&raw, false),
            TransportErrorKind::MalformedResponse
        );
    }

    #[test]
    fn bare_lf_chunk_framing_is_accepted() {
        let raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\n0\n\n";
        assert_eq!(complete(raw, false).body, b"abc");
    }

    #[test]
    fn arbitrary_bytes_never_panic() {
        // A cheap deterministic sweep; a fuzzer can take over from here.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let alphabet = b"HTTP/1.0 2\r\n:;ContentLength-Transfer-Encodingchunked0123456789abcdef \t";
        for _ in 0..2000 {
            let len = (state % 200) as usize;
            let mut buf = b"HTTP/1.1 200 OK\r\n".to_vec();
            for _ in 0..len {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                buf.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            for eof in [false, true] {
                let _ = parse_response(&buf, false, eof, 16);
                let _ = parse_response(&buf, true, eof, 16);
            }
        }
    }
}
