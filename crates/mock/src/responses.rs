//! The shapes of the emulator's answers: Upwork's legacy JSON errors with their headers, the front
//! end's HTML pages, JSON and form bodies.

use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use upwork_diag_core::upwork::errors::{self, ERROR_CODE_HEADER, ERROR_MESSAGE_HEADER};

/// Seconds since the epoch, as the legacy API's `server_time`.
pub(crate) fn server_time() -> i64 {
    chrono::Utc::now().timestamp()
}

fn status(code: u16) -> StatusCode {
    StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A call refused with a legacy API error: its status and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    pub message: String,
}

impl Refusal {
    pub fn unauthorized(message: impl Into<String>) -> Refusal {
        Refusal {
            status: 401,
            message: message.into(),
        }
    }
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        legacy_error(self.status, &self.message)
    }
}

/// A legacy API error: JSON body and the two `X-Upwork-Error-*` headers.
pub(crate) fn legacy_error(code: u16, message: &str) -> Response {
    let body = errors::legacy_error_body(server_time(), code, message);
    let mut response = (status(code), axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-upwork-error-code"),
        HeaderValue::from(code),
    );
    // A message may quote what the client sent; a header carries visible ASCII only.
    let visible: String = message
        .chars()
        .map(|c| {
            if c == ' ' || c.is_ascii_graphic() {
                c
            } else {
                '?'
            }
        })
        .collect();
    if let Ok(value) = HeaderValue::from_str(&visible) {
        headers.insert(HeaderName::from_static("x-upwork-error-message"), value);
    }
    debug_assert!(ERROR_CODE_HEADER.eq_ignore_ascii_case("x-upwork-error-code"));
    debug_assert!(ERROR_MESSAGE_HEADER.eq_ignore_ascii_case("x-upwork-error-message"));
    response
}

/// A legacy API error with the oDesk-era `X-Odesk-Error-*` headers beside Upwork's, as Upwork
/// answered the disabled profile of python-upwork#2.
pub(crate) fn legacy_error_with_odesk_headers(code: u16, message: &str) -> Response {
    let mut response = legacy_error(code, message);
    let headers = response.headers_mut();
    let upwork_message = headers.get("x-upwork-error-message").cloned();
    headers.insert(
        HeaderName::from_static("x-odesk-error-code"),
        HeaderValue::from(code),
    );
    if let Some(value) = upwork_message {
        headers.insert(HeaderName::from_static("x-odesk-error-message"), value);
    }
    response
}

/// A front-end HTML page with a title and a heading of `code reason`.
pub(crate) fn html_page(code: u16, extra: &str) -> Response {
    let title = format!(
        "{} {}",
        code,
        status(code).canonical_reason().unwrap_or("Error")
    );
    let page = format!(
        "<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n{extra}</body>\r\n</html>\r\n"
    );
    (status(code), [(header::CONTENT_TYPE, "text/html")], page).into_response()
}

/// The front end's answer to a body without length.
pub(crate) fn length_required() -> Response {
    debug_assert_eq!(errors::LENGTH_REQUIRED_TITLE, "411 Length Required");
    html_page(411, "")
}

/// A JSON success body.
pub(crate) fn json(value: serde_json::Value) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// A form-encoded success body, as the OAuth 1.0 token endpoints answer.
pub(crate) fn form(pairs: &[(&str, &str)]) -> Response {
    let body = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-www-form-urlencoded")],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::read;

    #[test]
    fn a_legacy_error_puts_the_message_in_its_body_and_its_headers() {
        let answer = read(legacy_error(401, "Bad name 'é'\tgiven"));
        assert_eq!(answer.status, 401);
        assert_eq!(answer.header("x-upwork-error-code"), Some("401"));
        assert_eq!(
            answer.header("x-upwork-error-message"),
            Some("Bad name '?'?given")
        );
        let body = answer.json();
        assert_eq!(body["error"]["message"], "Bad name 'é'\tgiven");
        assert_eq!(body["error"]["code"], 401);
        assert!(body["server_time"].is_i64());
        let odesk = read(legacy_error_with_odesk_headers(
            403,
            "Profile ~01 is disabled",
        ));
        assert_eq!(odesk.header("x-odesk-error-code"), Some("403"));
        assert_eq!(
            odesk.header("x-odesk-error-message"),
            Some("Profile ~01 is disabled")
        );
        assert_eq!(
            read(Refusal::unauthorized("no").into_response()).status,
            401
        );
    }

    #[test]
    fn pages_and_forms_are_written_as_the_front_end_writes_them() {
        let page = read(html_page(404, "<p>x</p>\r\n"));
        assert_eq!(page.status, 404);
        assert_eq!(
            page.body,
            "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<p>x</p>\r\n</body>\r\n</html>\r\n"
        );
        assert_eq!(read(html_page(599, "")).status, 599);
        assert!(
            read(html_page(599, ""))
                .body
                .contains("<title>599 Error</title>")
        );
        assert!(
            read(length_required())
                .body
                .contains("<title>411 Length Required</title>")
        );
        let form = read(form(&[("oauth_token", "a b"), ("x", "1&2")]));
        assert_eq!(form.body, "oauth_token=a+b&x=1%262");
        assert_eq!(
            form.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(read(json(serde_json::json!({"a": 1}))).body, r#"{"a":1}"#);
    }
}
