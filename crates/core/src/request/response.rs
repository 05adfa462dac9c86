//! A response as received: from the replay, or from the capture itself (a HAR entry's answer).

use std::time::Duration;

use super::Header;

/// A response as received.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CapturedResponse {
    /// `HTTP/1.1`, `HTTP/2` ...
    pub version: String,
    pub status: u16,
    /// The reason phrase as sent (may be empty).
    pub reason: String,
    pub headers: Vec<Header>,
    /// The body, de-chunked, not decompressed.
    pub body: Vec<u8>,
    /// True when the body was longer than the replay's body limit and `body` holds only
    /// its first part.
    pub truncated: bool,
    /// From the first byte sent to the last byte read.
    pub elapsed: Duration,
}

impl CapturedResponse {
    /// An answer for tests: this status, these headers and body, read whole at once in no time.
    pub fn for_test(status: u16, headers: &[(&str, &str)], body: &str) -> CapturedResponse {
        CapturedResponse {
            version: "HTTP/1.1".into(),
            status,
            reason: String::new(),
            headers: headers.iter().map(|(n, v)| Header::new(*n, *v)).collect(),
            body: body.as_bytes().to_vec(),
            truncated: false,
            elapsed: Duration::ZERO,
        }
    }
}

/// `404 Not Found`, or `404` alone when the answer gave no reason phrase (HTTP/2 never does, and
/// an HTTP/1.1 server may leave it out): the status as every output shows it.
pub fn status_line(status: u16, reason: &str) -> String {
    match reason {
        "" => status.to_string(),
        reason => format!("{status} {reason}"),
    }
}

impl CapturedResponse {
    /// See [`status_line`].
    pub fn status_line(&self) -> String {
        status_line(self.status, &self.reason)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        super::header_value(&self.headers, name)
    }

    /// The body as text, lossily: classification only looks for known phrases.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_header_is_found_in_any_case_and_the_body_read_as_text() {
        let response = CapturedResponse {
            version: "HTTP/1.1".into(),
            status: 401,
            reason: "Unauthorized".into(),
            headers: vec![super::super::Header::new("X-Upwork-Error-Code", "1001")],
            body: b"bad \xff token".to_vec(),
            truncated: false,
            elapsed: std::time::Duration::ZERO,
        };
        assert_eq!(response.header("x-upwork-error-code"), Some("1001"));
        assert_eq!(response.header("retry-after"), None);
        assert_eq!(response.body_text(), "bad \u{fffd} token");
    }

    #[test]
    fn a_status_is_shown_with_its_reason_or_alone() {
        assert_eq!(status_line(411, "Length Required"), "411 Length Required");
        assert_eq!(status_line(404, ""), "404");
        let mut answer = CapturedResponse::for_test(200, &[], "");
        assert_eq!(answer.status_line(), "200");
        answer.reason = "OK".into();
        assert_eq!(answer.status_line(), "200 OK");
    }
}
