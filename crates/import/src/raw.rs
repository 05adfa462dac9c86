//! A raw HTTP/1.1 request as a proxy or a log shows it: request line, headers, blank line, body.
//!
//! Lines may end in CRLF or LF. The body is every byte after the blank line, untouched: a body
//! longer or shorter than its Content-Length is kept so the checks can name the difference.

use crate::import_error::{ImportError, ImportErrorKind};
use upwork_diag_core::request::{self, CapturedRequest, Header, RawUrl, Source};

/// Refuses a `Host` value that, joined to a target, would make a URL whose host is not the
/// value: `evil.example/@www.upwork.com` reads as Upwork but sends to `evil.example`.
fn authority_only(host: &str) -> Result<(), &'static str> {
    if host.is_empty() {
        return Err("it is empty");
    }
    match host
        .chars()
        .find(|c| "/?#@\\".contains(*c) || c.is_whitespace() || c.is_control())
    {
        Some('@') => Err("it holds '@'"),
        Some('/') => Err("it holds '/'"),
        Some('\\') => Err("it holds '\\'"),
        Some('?') | Some('#') => Err("it holds '?' or '#'"),
        Some(_) => Err("it holds a space or a control character"),
        None => Ok(()),
    }
}

/// Parses a raw request. An origin-form target (`/path?query`) is joined to the `Host` header as
/// an `https` URL; without a `Host` header, to `default_scheme_host` (`https://www.upwork.com`)
/// when given.
pub fn parse_raw(
    bytes: &[u8],
    origin: &str,
    default_scheme_host: Option<&str>,
) -> Result<CapturedRequest, ImportError> {
    let error = |line: usize, column: usize, message: String| {
        ImportError::syntax(origin, line, column, message)
    };
    let mut lines = Lines {
        bytes,
        pos: 0,
        number: 0,
    };
    let start = request_line(&mut lines, &error)?;
    let (headers, header_lines) = header_block(&mut lines, &error)?;
    let body = bytes[lines.pos.min(bytes.len())..].to_vec();
    let url_text = url_text(&start, &headers, &header_lines, default_scheme_host, &error)?;
    let url = RawUrl::parse(&url_text).map_err(|e| {
        ImportError::at(
            origin,
            crate::import_error::Location::at(start.line, start.target_column),
            ImportErrorKind::Url(e),
        )
    })?;
    Ok(CapturedRequest {
        method: start.method.to_string(),
        url,
        time: request::sent_at_from_date_header(&headers),
        headers,
        body,
        source: Source::Raw {
            file: origin.to_string(),
        },
    })
}

/// The input read line by line, each without its end (LF or CRLF), numbered from 1.
struct Lines<'a> {
    bytes: &'a [u8],
    /// Where the next line starts: after the head, where the body starts.
    pos: usize,
    number: usize,
}

impl<'a> Lines<'a> {
    /// The next line and its number; `None` at the end of the input.
    fn next_line(&mut self) -> Option<(&'a [u8], usize)> {
        if self.pos >= self.bytes.len() {
            return None;
        }
        self.number += 1;
        let rest = &self.bytes[self.pos..];
        let (line, advance) = match rest.iter().position(|b| *b == b'\n') {
            Some(i) => (&rest[..i], i + 1),
            None => (rest, rest.len()),
        };
        self.pos += advance;
        Some((line.strip_suffix(b"\r").unwrap_or(line), self.number))
    }
}

/// The request line, split.
struct RequestLine<'a> {
    method: &'a str,
    target: &'a str,
    line: usize,
    target_column: usize,
}

type SyntaxError<'e> = dyn Fn(usize, usize, String) -> ImportError + 'e;

/// The request line, after any blank lines (tolerated, as servers do: RFC 9112 section 2.2).
fn request_line<'a>(
    lines: &mut Lines<'a>,
    error: &SyntaxError<'_>,
) -> Result<RequestLine<'a>, ImportError> {
    let (request_line, request_line_no) = loop {
        match lines.next_line() {
            Some((line, _)) if line.iter().all(u8::is_ascii_whitespace) => continue,
            Some(found) => break found,
            None => {
                return Err(error(
                    1,
                    1,
                    "no request line: expected 'METHOD /path HTTP/1.1' (the input is empty)".into(),
                ));
            }
        }
    };
    let request_line = std::str::from_utf8(request_line).map_err(|_| {
        error(
            request_line_no,
            1,
            "the request line is not UTF-8 text".into(),
        )
    })?;
    let parts: Vec<&str> = request_line.split(' ').filter(|p| !p.is_empty()).collect();
    let (method, target) = match parts.as_slice() {
        [method, target] => (*method, *target),
        [method, target, version] if version.starts_with("HTTP/") => (*method, *target),
        [_, _, version] => {
            let column = request_line.rfind(version).unwrap_or(0) + 1;
            return Err(error(
                request_line_no,
                column,
                format!("'{version}' is not an HTTP version (expected HTTP/1.1)"),
            ));
        }
        _ => {
            return Err(error(
                request_line_no,
                1,
                format!(
                    "'{}' is not a request line: expected 'METHOD /path HTTP/1.1'",
                    request_line.escape_debug()
                ),
            ));
        }
    };
    if !method.bytes().all(|b| b.is_ascii_graphic()) || method.contains(':') {
        return Err(error(
            request_line_no,
            1,
            format!("'{method}' is not a method: expected a request line 'METHOD /path HTTP/1.1'"),
        ));
    }
    let target_column = request_line.find(target).unwrap_or(0) + 1;
    Ok(RequestLine {
        method,
        target,
        line: request_line_no,
        target_column,
    })
}

/// The header lines up to the blank line, folded lines joined, with the line of each header.
fn header_block(
    lines: &mut Lines<'_>,
    error: &SyntaxError<'_>,
) -> Result<(Vec<Header>, Vec<usize>), ImportError> {
    let mut headers: Vec<Header> = Vec::new();
    // The line of each header, for errors found once all are read.
    let mut header_lines: Vec<usize> = Vec::new();
    while let Some((line, no)) = lines.next_line() {
        if line.is_empty() {
            break;
        }
        let line = std::str::from_utf8(line)
            .map_err(|_| error(no, 1, "the header line is not UTF-8 text".into()))?;
        // A carriage return alone would end the line early on the wire (and some servers read a
        // header there that the capture does not show): refused, as for -H. The value is not
        // quoted: it may be a secret.
        if let Some(i) = line.find('\r') {
            return Err(error(
                no,
                i + 1,
                "a carriage return inside a header line, which cannot be sent".into(),
            ));
        }
        if line.starts_with([' ', '\t']) {
            // An obsolete folded line continues the header before it.
            let Some(last) = headers.last_mut() else {
                return Err(error(
                    no,
                    1,
                    "a continuation line with no header before it".into(),
                ));
            };
            last.value.push(' ');
            last.value.push_str(line.trim());
            continue;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Err(error(
                no,
                1,
                // The line is not shown: `Authorization <token>` without its colon is all secret.
                "not a header: expected 'Name: value' (the line is not shown: it may hold a secret)"
                    .to_string(),
            ));
        };
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(error(
                no,
                1,
                "not a header: its name is empty or has a space (the line is not shown: it may hold a secret)"
                    .to_string(),
            ));
        }
        headers.push(Header::new(name, value.trim_matches([' ', '\t'])));
        header_lines.push(no);
    }
    Ok((headers, header_lines))
}

/// The URL the request went to: an absolute target as written, else the Host header (or the
/// default given) before the path.
fn url_text(
    start: &RequestLine<'_>,
    headers: &[Header],
    header_lines: &[usize],
    default_scheme_host: Option<&str>,
    error: &SyntaxError<'_>,
) -> Result<String, ImportError> {
    let RequestLine {
        target,
        line: request_line_no,
        target_column,
        ..
    } = *start;
    let url_text = if crate::curl::has_scheme(target) {
        target.to_string()
    } else if target.starts_with('/') || target.starts_with('?') || target == "*" {
        let target = if target == "*" { "" } else { target };
        match (request::header_value(headers, "host"), default_scheme_host) {
            (Some(host), _) => {
                if let Err(why) = authority_only(host.trim()) {
                    let index = headers
                        .iter()
                        .position(|h| h.name.eq_ignore_ascii_case("host"))
                        .unwrap_or(0);
                    return Err(error(
                        header_lines.get(index).copied().unwrap_or(request_line_no),
                        1,
                        format!(
                            "the Host header is not a host[:port]: {why}, so the URL made from \
                             it would go to another host than the one it names last"
                        ),
                    ));
                }
                format!("https://{}{target}", host.trim())
            }
            (None, Some(base)) => format!("{}{target}", base.trim_end_matches('/')),
            (None, None) => {
                return Err(error(
                    request_line_no,
                    target_column,
                    format!("the target '{target}' needs a Host header to make a URL"),
                ));
            }
        }
    } else {
        return Err(error(
            request_line_no,
            target_column,
            format!("'{target}' is not a request target: expected /path or an absolute URL"),
        ));
    };
    Ok(url_text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import_error::Location;

    #[test]
    fn origin_form_with_host_and_crlf() {
        let raw = b"POST /api/auth/v1/oauth/token/request HTTP/1.1\r\nHost: www.upwork.com\r\nContent-Type:  application/x-www-form-urlencoded \r\nX-Empty:\r\n\r\na=1&b=2\r\n";
        let r = parse_raw(raw, "req.http", None).unwrap();
        assert_eq!(r.method, "POST");
        assert_eq!(
            r.url.as_str(),
            "https://www.upwork.com/api/auth/v1/oauth/token/request"
        );
        assert_eq!(
            r.headers,
            vec![
                Header::new("Host", "www.upwork.com"),
                Header::new("Content-Type", "application/x-www-form-urlencoded"),
                Header::new("X-Empty", ""),
            ]
        );
        assert_eq!(r.body, b"a=1&b=2\r\n");
        assert_eq!(
            r.source,
            Source::Raw {
                file: "req.http".into()
            }
        );
    }

    #[test]
    fn absolute_form_lf_and_default_origin() {
        let r = parse_raw(
            b"get https://api.upwork.com/graphql?x=a+b HTTP/1.1\nA: 1\n\n{}",
            "r",
            None,
        )
        .unwrap();
        assert_eq!(r.method, "get");
        assert_eq!(r.url.as_str(), "https://api.upwork.com/graphql?x=a+b");
        assert_eq!(r.body, b"{}");
        let r = parse_raw(
            b"GET /api/x.json HTTP/1.1\n",
            "r",
            Some("http://127.0.0.1:9/"),
        )
        .unwrap();
        assert_eq!(r.url.as_str(), "http://127.0.0.1:9/api/x.json");
        let r = parse_raw(b"\r\nGET ?a=1 HTTP/1.1\nHost: h\n", "r", None).unwrap();
        assert_eq!(r.url.target(), "/?a=1");
        assert!(r.body.is_empty());
    }

    #[test]
    fn body_bytes_kept_exactly() {
        let r = parse_raw(b"PUT /x HTTP/1.1\nHost: h\n\n\xff\x00\r\n\r\n", "r", None).unwrap();
        assert_eq!(r.body, b"\xff\x00\r\n\r\n");
    }

    #[test]
    fn malformed_input_names_the_line() {
        let e = parse_raw(b"", "r.txt", None).unwrap_err();
        assert_eq!(e.location, Location::at(1, 1));
        let e = parse_raw(b"Host: www.upwork.com\n\n", "r.txt", None).unwrap_err();
        assert_eq!(e.location, Location::at(1, 1));
        assert!(e.to_string().starts_with("r.txt:1:1: "), "{e}");
        let e = parse_raw(b"GET /x HTTP/1.1\nHost h\n", "r.txt", None).unwrap_err();
        assert_eq!(e.location, Location::at(2, 1));
        let e = parse_raw(b"GET /x HTTP/1.1\n\n", "r.txt", None).unwrap_err();
        assert!(e.to_string().contains("Host"), "{e}");
        let e = parse_raw(b"GET /x FOO/1\n\n", "r.txt", None).unwrap_err();
        assert_eq!(e.location, Location::at(1, 8));
    }

    /// A Host header that would make a URL going elsewhere than the host it names is refused,
    /// with what is wrong in it (never the value: a header line may hold a secret).
    #[test]
    fn a_host_with_more_than_a_host_and_port_is_refused_with_why() {
        let host = |value: &str| {
            let raw = format!("GET /x HTTP/1.1\nHost: {value}\n\n");
            parse_raw(raw.as_bytes(), "r", None)
        };
        for (value, why) in [
            ("evil.example/@www.upwork.com", "it holds '/'"),
            ("evil.example@www.upwork.com", "it holds '@'"),
            ("evil.example\\www.upwork.com", "it holds '\\'"),
            ("evil.example?www.upwork.com", "it holds '?' or '#'"),
            ("evil.example#www.upwork.com", "it holds '?' or '#'"),
            (
                "evil.example www.upwork.com",
                "it holds a space or a control character",
            ),
            (
                "evil.example\u{1}www",
                "it holds a space or a control character",
            ),
            ("", "it is empty"),
        ] {
            let e = host(value).unwrap_err();
            assert_eq!(e.location, Location::at(2, 1), "{value:?}");
            assert!(
                e.to_string()
                    .contains(&format!("the Host header is not a host[:port]: {why},")),
                "{value:?}: {e}"
            );
        }
        assert_eq!(
            host("www.upwork.com:443").unwrap().url.as_str(),
            "https://www.upwork.com:443/x"
        );
    }

    /// A request line without a version (HTTP/0.9's form) and the asterisk form are read; a
    /// target of neither form is placed at its column.
    #[test]
    fn a_line_without_version_the_asterisk_and_a_bad_target() {
        let r = parse_raw(b"GET /x\nHost: h\n\n", "r", None).unwrap();
        assert_eq!(r.url.as_str(), "https://h/x");
        let r = parse_raw(b"OPTIONS * HTTP/1.1\nHost: h\n\n", "r", None).unwrap();
        assert_eq!(r.url.as_str(), "https://h");
        let e = parse_raw(b"GET  x HTTP/1.1\nHost: h\n\n", "r", None).unwrap_err();
        assert_eq!(e.location, Location::at(1, 6));
        assert!(e.to_string().contains("'x' is not a request target"), "{e}");
    }

    /// Header lines that cannot be sent are placed at the fault: a carriage return inside a
    /// line at its column, a name that is empty or has a space at the line's start.
    #[test]
    fn a_header_line_that_cannot_be_sent_is_placed() {
        let e = parse_raw(b"GET /x HTTP/1.1\nHost: h\nX-A: a\rb\n\n", "r", None).unwrap_err();
        assert_eq!(e.location, Location::at(3, 7));
        assert!(
            e.to_string()
                .contains("a carriage return inside a header line")
        );
        for line in [": v", "Bad Name: v"] {
            let raw = format!("GET /x HTTP/1.1\nHost: h\n{line}\n\n");
            let e = parse_raw(raw.as_bytes(), "r", None).unwrap_err();
            assert_eq!(e.location, Location::at(3, 1), "{line}");
            assert!(
                e.to_string().contains("its name is empty or has a space"),
                "{line}: {e}"
            );
        }
    }
}
