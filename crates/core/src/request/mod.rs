//! The model of a captured request, kept exactly as the developer sent it, and of its response.
//! The importers that build it from a paste are in `upwork-diag-import`.
//!
//! Nothing here normalises: the method keeps its case, the URL its encoding, the headers their order
//! and case, the body its bytes. The checks need the mistakes intact to name them.

pub mod chunked;
pub mod flags;
pub mod overload;
mod raw_url;
mod response;

pub use raw_url::{RawUrl, UrlError};
pub use response::{CapturedResponse, status_line};

use chrono::{DateTime, Utc};

/// One header line as sent: name and value with their original case.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

/// Where a captured request came from, for the report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Source {
    Flags,
    Curl { file: String },
    Har { file: String, entry: usize },
    Raw { file: String },
}

/// When a captured call was sent, and which part of the evidence says so.
///
/// The send time is what tells a client clock that was off (the timestamp far from the send time)
/// from a capture that is merely old (the timestamp close to the send time, far from now).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentAt {
    pub at: DateTime<Utc>,
    pub from: TimeEvidence,
}

/// Where a send time was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeEvidence {
    /// The HAR entry's `startedDateTime`.
    HarStartedDateTime,
    /// The `Date` header the client sent with the request.
    RequestDateHeader,
    /// The `Date` header of the captured response (the server's clock, within the exchange).
    ResponseDateHeader,
    /// The developer's `--sent-at`.
    Flag,
    /// The moment a server (the emulator) received it.
    Received,
}

impl TimeEvidence {
    /// The evidence in the words of a report: "the HAR entry's startedDateTime".
    pub fn describe(self) -> &'static str {
        match self {
            TimeEvidence::HarStartedDateTime => "the HAR entry's startedDateTime",
            TimeEvidence::RequestDateHeader => "the Date header of the request",
            TimeEvidence::ResponseDateHeader => "the Date header of the captured response",
            TimeEvidence::Flag => "--sent-at",
            TimeEvidence::Received => "the time it was received",
        }
    }
}

/// The time of an HTTP `Date` header (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 section 5.6.7),
/// or `None` when there is none or it cannot be read: a header that cannot be read is no evidence.
pub fn date_header_time(headers: &[Header]) -> Option<DateTime<Utc>> {
    let value = header_value(headers, "date")?;
    DateTime::parse_from_rfc2822(value.trim())
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The send time a request's own `Date` header gives.
pub fn sent_at_from_date_header(headers: &[Header]) -> Option<SentAt> {
    date_header_time(headers).map(|at| SentAt {
        at,
        from: TimeEvidence::RequestDateHeader,
    })
}

/// A `--sent-at` value: RFC 3339 (`2026-11-30T04:35:00Z`) or Unix seconds (`1796013300`).
pub fn parse_sent_at(text: &str) -> Result<DateTime<Utc>, String> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        // Ten digits are seconds until 2286; more are milliseconds, a common slip.
        if text.len() > 11 {
            return Err(format!(
                "'{text}' looks like milliseconds: give Unix seconds (10 digits) or an RFC 3339 time"
            ));
        }
        if let Some(t) = text
            .parse::<i64>()
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
        {
            return Ok(t);
        }
    }
    Err(format!(
        "'{text}' is not a time: give an RFC 3339 time (2026-11-30T04:35:00Z) or Unix seconds (1796013300)"
    ))
}

/// A request as the developer made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedRequest {
    /// The method as written, case kept (`post` is a mistake worth naming, not fixing).
    pub method: String,
    /// The absolute URL as written, encoding kept.
    pub url: RawUrl,
    /// Headers in their order and case. `Host` is only here when the developer set it.
    pub headers: Vec<Header>,
    /// The body bytes on the wire, framing included (a chunked body keeps its chunk lines): what
    /// the replay sends. Empty and absent are the same on the wire; Content-Length tells them
    /// apart. The checks read [`CapturedRequest::content`].
    pub body: Vec<u8>,
    /// When the developer sent it, when the capture says so (a HAR entry's `startedDateTime`, a
    /// `Date` header, `--sent-at`). Otherwise the replay time is used.
    pub time: Option<SentAt>,
    pub source: Source,
}

impl CapturedRequest {
    /// The first header of this name, compared without case.
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// Every header of this name, compared without case.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The method that the server will act on: the `http_method` override of a POST when present
    /// (Upwork lets PUT and DELETE travel as POST + `http_method=put`, in the query or the body:
    /// see [`overload`]), else the method itself.
    pub fn effective_method(&self) -> String {
        match overload::http_method_override(self) {
            Some(method) => method.to_ascii_uppercase(),
            None => self.method.to_ascii_uppercase(),
        }
    }

    /// How the body is framed: plain, chunked (decoded), or declared chunked and unreadable.
    pub fn framing(&self) -> chunked::Framing {
        if !chunked::declares_chunked(&self.headers) {
            return chunked::Framing::Plain;
        }
        match chunked::decode(&self.body) {
            Ok(decoded) => chunked::Framing::Chunked(decoded),
            Err(error) => chunked::Framing::Malformed(error),
        }
    }

    /// The body's content, what the server's application reads: the body itself, or a chunked
    /// body's decoded data. A chunked body that cannot be read has no content: its framing is
    /// never taken for parameters.
    pub fn content(&self) -> std::borrow::Cow<'_, [u8]> {
        match self.framing() {
            chunked::Framing::Plain => std::borrow::Cow::Borrowed(&self.body),
            chunked::Framing::Chunked(decoded) => std::borrow::Cow::Owned(decoded.content),
            chunked::Framing::Malformed(_) => std::borrow::Cow::Borrowed(&[]),
        }
    }

    /// True when the body is `application/x-www-form-urlencoded`, the only kind OAuth 1.0 signs.
    pub fn is_form_body(&self) -> bool {
        self.header("content-type").is_some_and(|ct| {
            ct.split(';').next().is_some_and(|m| {
                m.trim()
                    .eq_ignore_ascii_case("application/x-www-form-urlencoded")
            })
        })
    }

    /// The form body decoded into pairs (`+` as a space, as forms say), or nothing when the
    /// body is not a form.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        if !self.is_form_body() {
            return Vec::new();
        }
        form_urlencoded_pairs(&self.content())
    }
}

/// The first header of this name in a list, compared without case.
pub fn header_value<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// `a=1&b=x+y` decoded the way HTML forms encode: `+` is a space.
pub fn form_urlencoded_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn post(headers: &[&str], body: &[u8]) -> CapturedRequest {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        flags::from_flags(
            Some("post"),
            "https://www.upwork.com/api/x?a=1",
            &headers,
            Some(body.to_vec()),
        )
        .unwrap()
    }

    #[test]
    fn the_method_acted_on_is_the_override_of_a_post_in_capitals() {
        assert_eq!(post(&[], b"").effective_method(), "POST");
        let form = post(
            &["Content-Type: application/x-www-form-urlencoded"],
            b"http_method=delete",
        );
        assert_eq!(form.effective_method(), "DELETE");
    }

    #[test]
    fn a_form_body_is_read_as_pairs_and_any_other_body_as_none() {
        let form = post(
            &["Content-Type: Application/X-WWW-Form-Urlencoded; charset=utf-8"],
            b"a=x+y&b=%26",
        );
        assert!(form.is_form_body());
        assert_eq!(
            form.form_pairs(),
            [("a".into(), "x y".into()), ("b".into(), "&".into())]
        );
        // Chunked: the pairs of its content, not of its framing.
        let chunked = post(
            &[
                "Content-Type: application/x-www-form-urlencoded",
                "Transfer-Encoding: chunked",
            ],
            b"3\r\na=1\r\n0\r\n\r\n",
        );
        assert_eq!(chunked.form_pairs(), [("a".into(), "1".into())]);
        let json = post(&["Content-Type: application/json"], b"a=1");
        assert!(!json.is_form_body() && json.form_pairs().is_empty());
        assert!(post(&[], b"a=1").form_pairs().is_empty());
    }

    #[test]
    fn eleven_digits_are_still_seconds_and_twelve_are_milliseconds() {
        assert_eq!(
            parse_sent_at("10000000000").unwrap().timestamp(),
            10_000_000_000
        );
        assert!(
            parse_sent_at("100000000000")
                .unwrap_err()
                .contains("looks like milliseconds")
        );
    }

    #[test]
    fn each_evidence_of_the_send_time_is_named_as_a_report_says_it() {
        let named: Vec<&str> = [
            TimeEvidence::HarStartedDateTime,
            TimeEvidence::RequestDateHeader,
            TimeEvidence::ResponseDateHeader,
            TimeEvidence::Flag,
            TimeEvidence::Received,
        ]
        .into_iter()
        .map(TimeEvidence::describe)
        .collect();
        assert_eq!(
            named,
            [
                "the HAR entry's startedDateTime",
                "the Date header of the request",
                "the Date header of the captured response",
                "--sent-at",
                "the time it was received"
            ]
        );
    }

    #[test]
    fn a_send_time_is_rfc_3339_or_unix_seconds() {
        let expected = 1_796_013_300;
        for text in [
            "2026-11-30T04:35:00Z",
            "2026-11-30T05:35:00+01:00",
            "1796013300",
        ] {
            assert_eq!(parse_sent_at(text).unwrap().timestamp(), expected, "{text}");
        }
        for text in [
            "",
            "yesterday",
            "2026-11-30",
            "-5",
            "1796013300000",
            "30/11/2026",
        ] {
            assert!(parse_sent_at(text).is_err(), "{text}");
        }
        assert!(
            parse_sent_at("1796013300000")
                .unwrap_err()
                .contains("milliseconds")
        );
    }

    #[test]
    fn a_date_header_is_read_as_http_writes_it() {
        let headers = [Header::new("date", "Mon, 30 Nov 2026 04:35:00 GMT")];
        let sent = sent_at_from_date_header(&headers).unwrap();
        assert_eq!(sent.at.timestamp(), 1_796_013_300);
        assert_eq!(sent.from, TimeEvidence::RequestDateHeader);
        assert_eq!(
            sent_at_from_date_header(&[Header::new("Date", "soon")]),
            None
        );
    }
}
