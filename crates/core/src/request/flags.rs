//! The request from command-line flags: `-X METHOD URL -H 'Name: value' -d BODY`.
//!
//! The request is taken exactly as given: nothing is added (no Content-Length, no Content-Type),
//! because a missing header is often the very fault under diagnosis. Only `Host` is added on the
//! wire, as every HTTP/1.1 client does.

use super::{CapturedRequest, Header, RawUrl, Source};

/// Why the flags do not make a request.
#[derive(Debug, thiserror::Error)]
pub enum FlagsError {
    #[error("URL: {0}")]
    Url(#[from] super::UrlError),
    /// The header is not shown: without its colon, `Authorization Bearer <token>` is all value.
    #[error("{}", header_problem(.0))]
    Header(String),
    #[error("{}", name_problem(.name))]
    HeaderName { header: String, name: String },
    #[error("-X '{0}': a method is a single word of letters (GET, POST, PUT, DELETE ...)")]
    Method(String),
}

fn header_problem(header: &str) -> String {
    let problem = if header.contains(':') {
        "its value has a line break, which would split the request"
    } else {
        "it has no ':'"
    };
    format!(
        "-H: expected 'Name: value', but {problem} (the header is not shown: it may hold a secret)"
    )
}

/// A name with a space in it is likely `Authorization Bearer <token>` before a `:` of the token:
/// only a name without one is shown.
fn name_problem(name: &str) -> String {
    if name.is_empty() || name.contains(char::is_whitespace) || name.len() > 64 {
        "-H: the text before ':' is not a valid header name (not shown: it may hold a secret)"
            .to_string()
    } else {
        format!("-H: '{}' is not a valid header name", name.escape_debug())
    }
}

/// A URL typed without a scheme (`www.upwork.com/api/...`), read as https as curl users expect
/// of an API that is served only over https; `None` when the URL has a scheme (or is a bare path,
/// which has no host to send to and is refused by the URL parser).
pub fn with_default_scheme(url: &str) -> Option<String> {
    let scheme_less = !url.contains("://") && !url.starts_with('/') && !url.is_empty();
    scheme_less.then(|| format!("https://{url}"))
}

/// Builds a request from `-X`, the URL, `-H` and the body (`-d` or `--data-file`).
/// The method defaults to GET, or POST when there is a body, as curl does.
pub fn from_flags(
    method: Option<&str>,
    url: &str,
    headers: &[String],
    body: Option<Vec<u8>>,
) -> Result<CapturedRequest, FlagsError> {
    let method = match method {
        Some(m) if !m.is_empty() && m.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-') => {
            m.to_string()
        }
        Some(m) => return Err(FlagsError::Method(m.to_string())),
        None if body.is_some() => "POST".to_string(),
        None => "GET".to_string(),
    };
    let headers = headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<Result<Vec<_>, _>>()?;
    let mut request = CapturedRequest {
        method,
        url: RawUrl::parse(url)?,
        time: super::sent_at_from_date_header(&headers),
        headers,
        body: body.unwrap_or_default(),
        source: Source::Flags,
    };
    // `--data` with `-H 'Transfer-Encoding: chunked'` is the content, unless it is already chunks.
    super::chunked::frame_if_declared(&mut request);
    Ok(request)
}

/// `Name: value`; the value is trimmed of the spaces after the colon and at the end.
fn parse_header(line: &str) -> Result<Header, FlagsError> {
    let Some((name, value)) = line.split_once(':') else {
        return Err(FlagsError::Header(line.to_string()));
    };
    let valid_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        return Err(FlagsError::HeaderName {
            header: line.to_string(),
            name: name.to_string(),
        });
    }
    if value.contains(['\r', '\n']) {
        return Err(FlagsError::Header(line.to_string()));
    }
    Ok(Header::new(name, value.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn takes_the_request_exactly_as_given() {
        let request = from_flags(
            Some("post"),
            "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=k",
            &[
                "Accept:application/json".to_string(),
                "X-Empty:".to_string(),
            ],
            None,
        )
        .unwrap();
        assert_eq!(request.method, "post");
        assert_eq!(
            request.headers,
            vec![
                Header::new("Accept", "application/json"),
                Header::new("X-Empty", "")
            ]
        );
        assert!(request.body.is_empty());
        assert_eq!(request.header("content-length"), None, "nothing is added");
    }

    #[test]
    fn a_header_that_cannot_be_sent_is_refused_without_showing_it() {
        let refused = |header: &str| {
            from_flags(
                None,
                "https://www.upwork.com/api/x",
                &[header.to_string()],
                None,
            )
            .unwrap_err()
            .to_string()
        };
        assert_eq!(
            refused("Authorization Bearer s3cret"),
            "-H: expected 'Name: value', but it has no ':' (the header is not shown: it may hold a secret)"
        );
        assert_eq!(
            refused("X-A: one\r\nX-B: two"),
            "-H: expected 'Name: value', but its value has a line break, which would split the request (the header is not shown: it may hold a secret)"
        );
        assert_eq!(
            refused("Authorization Bearer: s3cret"),
            "-H: the text before ':' is not a valid header name (not shown: it may hold a secret)"
        );
        assert_eq!(refused("X(A): v"), "-H: 'X(A)' is not a valid header name");
        // A name of 64 bytes is shown; a longer one may be pasted text, and is not.
        let long = format!("{}(: v", "X".repeat(63));
        assert!(refused(&long).starts_with(&format!("-H: '{}(' is", "X".repeat(63))));
        let longer = format!("{}(: v", "X".repeat(64));
        assert!(refused(&longer).starts_with("-H: the text before ':' is not a valid"));
    }

    #[test]
    fn a_url_typed_without_a_scheme_is_read_as_https() {
        assert_eq!(
            with_default_scheme("www.upwork.com/api/auth/v1/info.json").as_deref(),
            Some("https://www.upwork.com/api/auth/v1/info.json")
        );
        for kept in ["https://www.upwork.com/x", "/api/x", ""] {
            assert_eq!(with_default_scheme(kept), None, "{kept}");
        }
    }

    #[test]
    fn a_body_makes_a_post_by_default() {
        let request = from_flags(None, "http://h/x", &[], Some(b"a=1".to_vec())).unwrap();
        assert_eq!(request.method, "POST");
        assert_eq!(request.body, b"a=1");
        let bodiless = from_flags(None, "http://h/x", &[], None).unwrap();
        assert_eq!(bodiless.method, "GET");
    }

    #[test]
    fn bad_flags_are_named() {
        let err = from_flags(None, "http://h/", &["NoColon".to_string()], None).unwrap_err();
        assert!(!err.to_string().contains("NoColon"), "{err}");
        let err = from_flags(None, "http://h/", &["Bad(Name): v".to_string()], None).unwrap_err();
        assert!(
            err.to_string()
                .contains("'Bad(Name)' is not a valid header name"),
            "{err}"
        );
        // `Authorization Bearer <token>:...`: a name with a space is not quoted.
        let err = from_flags(
            None,
            "http://h/",
            &["Authorization Bearer t0k:x".to_string()],
            None,
        )
        .unwrap_err();
        assert!(
            !err.to_string().contains("t0k") && err.to_string().contains("not a valid header name"),
            "{err}"
        );
        let err = from_flags(Some("GE T"), "http://h/", &[], None).unwrap_err();
        assert!(err.to_string().starts_with("-X 'GE T'"));
        let err = from_flags(None, "upwork.com/api", &[], None).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("URL: 'upwork.com/api' is not an absolute")
        );
    }
}
