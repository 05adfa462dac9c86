//! Chunked request bodies (RFC 9112 section 7.1): the framing read off, for the checks, while the
//! captured bytes stay as they are for the replay.
//!
//! PHP's curl extension with `CURLOPT_POST` and no `CURLOPT_POSTFIELDS` sends
//! `Transfer-Encoding: chunked` and the empty body `0\r\n\r\n`. Read as a form, that framing is a
//! parameter named `0`; the checks read the decoded content instead.

use std::fmt;

use super::{CapturedRequest, Header, Source};

/// True when the headers declare a chunked body: `Transfer-Encoding` whose last coding is
/// `chunked` (the only way a request body can be chunked, RFC 9112 section 6.1).
pub fn declares_chunked(headers: &[Header]) -> bool {
    headers
        .iter()
        .rfind(|h| h.name.eq_ignore_ascii_case("transfer-encoding"))
        .and_then(|h| h.value.rsplit(',').next())
        .is_some_and(|last| last.trim().eq_ignore_ascii_case("chunked"))
}

/// How a request's body is framed, and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Framing {
    /// No `Transfer-Encoding: chunked`: the body is the content.
    Plain,
    /// A chunked body, read: the content and the size of the framing around it.
    Chunked(Decoded),
    /// A chunked body that cannot be read.
    Malformed(ChunkedError),
}

/// The content of a chunked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The content, the chunks' data joined.
    pub content: Vec<u8>,
    /// How many chunks carried data (the last, empty chunk not counted).
    pub chunks: usize,
    /// Trailer field lines after the last chunk (names only: their values may be secret).
    pub trailer_names: Vec<String>,
}

/// Why a chunked body cannot be read, and where (a byte offset into the body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkedError {
    /// The byte offset in the body where reading stopped.
    pub offset: usize,
    pub problem: ChunkedProblem,
}

/// What is wrong with a chunked body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChunkedProblem {
    /// The body is empty: not even the last chunk `0\r\n\r\n` was sent.
    Empty,
    /// A chunk size line that is not hexadecimal digits (the line is not shown: it may be content).
    BadSizeLine,
    /// The body ends inside a chunk or before the last chunk.
    Truncated,
    /// A chunk's data is not followed by CRLF: its size does not match its data.
    SizeMismatch { declared: usize },
    /// Bytes after the end of the chunked body.
    TrailingBytes { count: usize },
}

impl fmt::Display for ChunkedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.offset;
        match &self.problem {
            ChunkedProblem::Empty => write!(
                f,
                "the body is empty: a chunked body ends with the last chunk `0\\r\\n\\r\\n`, and not even that was sent"
            ),
            ChunkedProblem::BadSizeLine => write!(
                f,
                "at byte {at}, a chunk size line is not a hexadecimal number"
            ),
            ChunkedProblem::Truncated => write!(
                f,
                "the body ends at byte {at}, before its last chunk `0\\r\\n\\r\\n`"
            ),
            ChunkedProblem::SizeMismatch { declared } => write!(
                f,
                "at byte {at}, the chunk declared {declared} bytes but its data does not end there"
            ),
            ChunkedProblem::TrailingBytes { count } => write!(
                f,
                "{count} bytes follow the end of the chunked body at byte {at}"
            ),
        }
    }
}

/// The largest chunk size accepted: a size beyond any body the tool reads is an error, not an
/// allocation.
const MAX_CHUNK: usize = 1 << 30;

/// Reads a chunked body. Line ends may be CRLF or a bare LF (a capture saved with LF line ends);
/// chunk extensions (`;name=value`) are skipped, trailers are read to their blank line.
pub fn decode(body: &[u8]) -> Result<Decoded, ChunkedError> {
    let error = |offset: usize, problem| ChunkedError { offset, problem };
    if body.is_empty() {
        return Err(error(0, ChunkedProblem::Empty));
    }
    // A body whose first line ends in CRLF is held to CRLF throughout: a bare LF after a chunk's
    // data would otherwise let a chunk one byte too long (its data ending in CR) pass.
    let crlf = line_at(body, 0).is_some_and(|(_, next)| next >= 2 && body[next - 2] == b'\r');
    let mut pos = 0;
    let mut content = Vec::new();
    let mut chunks = 0;
    loop {
        let (line, next) =
            line_at(body, pos).ok_or(error(body.len(), ChunkedProblem::Truncated))?;
        let size_text = line.split(|b| *b == b';').next().unwrap_or_default();
        let size_text = trim_spaces(size_text);
        if size_text.is_empty()
            || size_text.len() > 8
            || !size_text.iter().all(u8::is_ascii_hexdigit)
        {
            return Err(error(pos, ChunkedProblem::BadSizeLine));
        }
        let size = usize::from_str_radix(std::str::from_utf8(size_text).unwrap_or("x"), 16)
            .ok()
            .filter(|s| *s <= MAX_CHUNK)
            .ok_or(error(pos, ChunkedProblem::BadSizeLine))?;
        pos = next;
        if size == 0 {
            break;
        }
        let end = pos + size;
        if end > body.len() {
            return Err(error(body.len(), ChunkedProblem::Truncated));
        }
        content.extend_from_slice(&body[pos..end]);
        chunks += 1;
        pos = match &body[end..] {
            [b'\r', b'\n', ..] => end + 2,
            [b'\n', ..] if !crlf => end + 1,
            [] | [b'\r'] => return Err(error(body.len(), ChunkedProblem::Truncated)),
            _ => return Err(error(end, ChunkedProblem::SizeMismatch { declared: size })),
        };
    }
    // Trailer fields, then the blank line that ends the body.
    let mut trailer_names = Vec::new();
    loop {
        let (line, next) =
            line_at(body, pos).ok_or(error(body.len(), ChunkedProblem::Truncated))?;
        pos = next;
        if line.is_empty() {
            break;
        }
        let name = line.split(|b| *b == b':').next().unwrap_or_default();
        trailer_names.push(String::from_utf8_lossy(trim_spaces(name)).into_owned());
    }
    if pos < body.len() {
        return Err(error(
            pos,
            ChunkedProblem::TrailingBytes {
                count: body.len() - pos,
            },
        ));
    }
    Ok(Decoded {
        content,
        chunks,
        trailer_names,
    })
}

/// The line that starts at `pos`, without its end, and where the next one starts; `None` when no
/// line end follows.
fn line_at(body: &[u8], pos: usize) -> Option<(&[u8], usize)> {
    let rest = body.get(pos..)?;
    let i = rest.iter().position(|b| *b == b'\n')?;
    let line = &rest[..i];
    Some((line.strip_suffix(b"\r").unwrap_or(line), pos + i + 1))
}

fn trim_spaces(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !matches!(b, b' ' | b'\t'));
    let Some(start) = start else {
        return &[];
    };
    let end = bytes
        .iter()
        .rposition(|b| !matches!(b, b' ' | b'\t'))
        .unwrap_or(start);
    &bytes[start..=end]
}

/// The content framed as one chunk and the last chunk, as curl and libcurl frame an upload they
/// were told to send chunked (`0\r\n\r\n` alone for no content).
pub fn encode(content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 16);
    if !content.is_empty() {
        out.extend_from_slice(format!("{:x}\r\n", content.len()).as_bytes());
        out.extend_from_slice(content);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n\r\n");
    out
}

/// For the importers whose input gives the content rather than the bytes on the wire (curl's
/// `-d`, a HAR entry's `postData`, `--data`): a body declared chunked that is not already a whole
/// chunked body is framed the way the client frames it, so that `body` is always the bytes on the
/// wire. Returns true when it framed the body.
pub fn frame_if_declared(request: &mut CapturedRequest) -> bool {
    if !declares_chunked(&request.headers) || decode(&request.body).is_ok() {
        return false;
    }
    request.body = encode(&request.body);
    true
}

/// The note an importer's caller shows for a chunked body: what the checks read and what the
/// replay sends. `None` when the body is not chunked.
pub fn note(request: &CapturedRequest) -> Option<String> {
    let wire = request.body.len();
    match request.framing() {
        Framing::Plain => None,
        Framing::Chunked(decoded) => {
            let origin = match &request.source {
                Source::Raw { .. } => "as captured",
                // curl's `-d`, a HAR entry's postData and `--data` give the content, which the
                // importer framed as the client does (unless it was chunks already).
                _ => "as the client frames them",
            };
            Some(format!(
                "the body is chunked (Transfer-Encoding: chunked): the checks read its {} decoded bytes; the replay sends the {wire} bytes {origin}",
                decoded.content.len()
            ))
        }
        Framing::Malformed(error) => Some(format!(
            "the body is declared chunked (Transfer-Encoding: chunked) but cannot be read as chunks: {error}; the checks read no body, the replay sends the {wire} bytes as captured"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chunks_extensions_and_trailers() {
        let d = decode(b"3\r\na=1\r\n4;ext=x\r\n&b=2\r\n0\r\nX-Trailer: v\r\n\r\n").unwrap();
        assert_eq!(d.content, b"a=1&b=2");
        assert_eq!(d.chunks, 2);
        assert_eq!(d.trailer_names, ["X-Trailer"]);
        let d = decode(b"0\r\n\r\n").unwrap();
        assert!(d.content.is_empty());
        assert_eq!(d.chunks, 0);
        // A capture saved with LF line ends.
        assert_eq!(
            decode(b"A\nabcdefghij\n0\n\n").unwrap().content,
            b"abcdefghij"
        );
    }

    #[test]
    fn a_size_line_is_up_to_8_hex_digits_and_nothing_else() {
        let problem = |body: &[u8]| decode(body).map(|d| d.content).map_err(|e| e.problem);
        assert_eq!(
            problem(b"00000003\r\nabc\r\n0\r\n\r\n"),
            Ok(b"abc".to_vec())
        );
        for bad in [
            &b"000000003\r\nabc\r\n0\r\n\r\n"[..],
            b"+3\r\nabc\r\n0\r\n\r\n",
            b"\r\nabc\r\n0\r\n\r\n",
        ] {
            assert_eq!(
                problem(bad),
                Err(ChunkedProblem::BadSizeLine),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        // A body that stops right after a chunk's data, or its CR, is cut short.
        assert_eq!(problem(b"3\r\nabc"), Err(ChunkedProblem::Truncated));
        assert_eq!(problem(b"3\r\nabc\r"), Err(ChunkedProblem::Truncated));
        // Held to CRLF from its first line: a bare LF after a chunk's data is a size mismatch.
        assert_eq!(
            problem(b"0003\r\nabc\n0\r\n\r\n"),
            Err(ChunkedProblem::SizeMismatch { declared: 3 })
        );
    }

    fn declared_chunked(body: &[u8]) -> CapturedRequest {
        let mut request = crate::request::flags::from_flags(
            Some("POST"),
            "https://www.upwork.com/api/x",
            &[],
            None,
        )
        .unwrap();
        request
            .headers
            .push(crate::request::Header::new("Transfer-Encoding", "chunked"));
        request.body = body.to_vec();
        request
    }

    #[test]
    fn content_given_under_a_chunked_header_is_framed_as_the_client_frames_it() {
        let mut content = declared_chunked(b"abc");
        assert!(frame_if_declared(&mut content));
        assert_eq!(content.body, b"3\r\nabc\r\n0\r\n\r\n");
        // Chunks already, or no chunked header: left as given.
        let mut chunks = declared_chunked(b"3\r\nabc\r\n0\r\n\r\n");
        assert!(!frame_if_declared(&mut chunks));
        assert_eq!(chunks.body, b"3\r\nabc\r\n0\r\n\r\n");
        let mut plain = declared_chunked(b"abc");
        plain.headers.clear();
        assert!(!frame_if_declared(&mut plain));
        assert_eq!(plain.body, b"abc");
    }

    #[test]
    fn the_note_says_what_the_checks_read_and_what_the_replay_sends() {
        let mut framed = declared_chunked(b"abc");
        frame_if_declared(&mut framed);
        assert_eq!(
            note(&framed).as_deref(),
            Some(
                "the body is chunked (Transfer-Encoding: chunked): the checks read its 3 decoded bytes; the replay sends the 13 bytes as the client frames them"
            )
        );
        let mut raw = declared_chunked(b"3\r\nabc\r\n0\r\n\r\n");
        raw.source = Source::Raw {
            file: "call.http".into(),
        };
        assert!(
            note(&raw)
                .unwrap()
                .ends_with("the replay sends the 13 bytes as captured")
        );
        let broken = declared_chunked(b"zz\r\n");
        assert!(note(&broken).unwrap().starts_with("the body is declared chunked (Transfer-Encoding: chunked) but cannot be read as chunks: at byte 0,"));
        let mut plain = declared_chunked(b"abc");
        plain.headers.clear();
        assert_eq!(note(&plain), None);
    }

    #[test]
    fn each_problem_is_told_with_where_it_is() {
        let told =
            |offset: usize, problem: ChunkedProblem| ChunkedError { offset, problem }.to_string();
        assert_eq!(
            told(0, ChunkedProblem::Empty),
            "the body is empty: a chunked body ends with the last chunk `0\\r\\n\\r\\n`, and not even that was sent"
        );
        assert_eq!(
            told(4, ChunkedProblem::BadSizeLine),
            "at byte 4, a chunk size line is not a hexadecimal number"
        );
        assert_eq!(
            told(9, ChunkedProblem::Truncated),
            "the body ends at byte 9, before its last chunk `0\\r\\n\\r\\n`"
        );
        assert_eq!(
            told(6, ChunkedProblem::SizeMismatch { declared: 3 }),
            "at byte 6, the chunk declared 3 bytes but its data does not end there"
        );
        assert_eq!(
            told(5, ChunkedProblem::TrailingBytes { count: 2 }),
            "2 bytes follow the end of the chunked body at byte 5"
        );
    }

    #[test]
    fn names_what_is_wrong_and_where() {
        let problem = |body: &[u8]| decode(body).unwrap_err();
        assert_eq!(problem(b"").problem, ChunkedProblem::Empty);
        assert_eq!(problem(b"a=1&b=2").problem, ChunkedProblem::Truncated);
        assert_eq!(problem(b"zz\r\n\r\n").problem, ChunkedProblem::BadSizeLine);
        assert_eq!(problem(b"5\r\nab").problem, ChunkedProblem::Truncated);
        // One byte too long a size: its data would end in the CR, and CRLF does not follow.
        assert_eq!(
            problem(b"3\r\nab\r\n0\r\n\r\n"),
            ChunkedError {
                offset: 6,
                problem: ChunkedProblem::SizeMismatch { declared: 3 }
            }
        );
        assert_eq!(
            problem(b"2\r\nabc\r\n0\r\n\r\n").problem,
            ChunkedProblem::SizeMismatch { declared: 2 }
        );
        assert_eq!(problem(b"0\r\n").problem, ChunkedProblem::Truncated);
        assert_eq!(
            problem(b"0\r\n\r\nGET / HTTP/1.1").problem,
            ChunkedProblem::TrailingBytes { count: 14 }
        );
        assert_eq!(
            problem(b"fffffffff\r\n").problem,
            ChunkedProblem::BadSizeLine
        );
        // The message never shows the body's bytes.
        let shown = problem(b"secret-value\r\n\r\n").to_string();
        assert!(!shown.contains("secret"), "{shown}");
    }

    #[test]
    fn encodes_as_curl_does() {
        assert_eq!(encode(b""), b"0\r\n\r\n");
        assert_eq!(encode(b"a=1&b=22"), b"8\r\na=1&b=22\r\n0\r\n\r\n");
        assert_eq!(decode(&encode(b"x y")).unwrap().content, b"x y");
    }

    #[test]
    fn only_the_last_coding_decides() {
        let te = |v: &str| vec![Header::new("Transfer-Encoding", v)];
        assert!(declares_chunked(&te("chunked")));
        assert!(declares_chunked(&te("gzip, Chunked")));
        assert!(!declares_chunked(&te("chunked, gzip")));
        assert!(!declares_chunked(&[]));
    }
}
