//! The model of a captured request, kept exactly as the developer sent it, and its importers.
//!
//! Nothing here normalises: the method keeps its case, the URL its encoding, the headers their order
//! and case, the body its bytes. The checks need the mistakes intact to name them.

pub mod curl;
pub mod flags;
pub mod har;
pub mod import_error;
pub mod overload;
pub mod raw;
mod raw_url;

pub use raw_url::{RawUrl, UrlError};

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

/// A request as the developer made it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedRequest {
    /// The method as written, case kept (`post` is a mistake worth naming, not fixing).
    pub method: String,
    /// The absolute URL as written, encoding kept.
    pub url: RawUrl,
    /// Headers in their order and case. `Host` is only here when the developer set it.
    pub headers: Vec<Header>,
    /// The body bytes. Empty and absent are the same on the wire; Content-Length tells them apart.
    pub body: Vec<u8>,
    /// When the developer sent it, when the capture says so (HAR). Otherwise the replay time is used.
    pub time: Option<DateTime<Utc>>,
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
        overload::http_method_override(self)
            .unwrap_or_else(|| self.method.clone())
            .to_ascii_uppercase()
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
        form_urlencoded_pairs(&self.body)
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
