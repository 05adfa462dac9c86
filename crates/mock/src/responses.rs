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
