//! The usual shape of a HAR entry, read from a buffer without copying: strings borrow from the
//! file's bytes, the fields no check reads are skipped, and a response body is decoded only when
//! something reads it (a call to Upwork's API, an entry whose answer comes before its request or
//! whose URL is no request's), and then only if its reader wants it (`into_parts`).
//!
//! This reading is strict where [`super::convert_entry`] is lenient (a header value written as a
//! number, a status written as a string, `postData.params` without `text`, a duplicate field):
//! whatever it does not take as it is, it refuses, and the entry is read again the thorough way,
//! which accepts it or names the fault exactly as before. So the two readings never disagree.

use std::borrow::Cow;
use std::fmt;

use base64::Engine;
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{HarResponseSummary, VALUE_COST};
use upwork_diag_core::request::{Header, RawUrl, UrlError};

/// A JSON string, borrowed from the buffer unless it holds escapes.
pub(super) struct Text<'a>(pub(super) Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TextVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for TextVisitor<'a> {
            type Value = Text<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'a>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(TextVisitor(std::marker::PhantomData))
    }
}

#[derive(Deserialize)]
pub(super) struct HeaderItem<'a> {
    #[serde(borrow)]
    name: Text<'a>,
    #[serde(borrow, default)]
    value: Option<Text<'a>>,
}

#[derive(Deserialize)]
struct Request<'a> {
    #[serde(borrow, default)]
    method: Option<Text<'a>>,
    #[serde(borrow, default)]
    url: Option<Text<'a>>,
    #[serde(borrow, default)]
    headers: Option<Vec<HeaderItem<'a>>>,
    #[serde(borrow, default, rename = "postData")]
    post_data: Option<PostData<'a>>,
}

#[derive(Deserialize)]
struct PostData<'a> {
    #[serde(borrow, default)]
    text: Option<Text<'a>>,
    #[serde(borrow, default)]
    encoding: Option<Text<'a>>,
    #[serde(borrow, default)]
    params: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Response<'a> {
    #[serde(default)]
    status: Option<Status>,
    #[serde(borrow, default, rename = "statusText")]
    status_text: Option<Text<'a>>,
    #[serde(borrow, default, rename = "httpVersion")]
    http_version: Option<Text<'a>>,
    #[serde(borrow, default)]
    headers: Option<Vec<HeaderItem<'a>>>,
    #[serde(borrow, default)]
    content: Option<Content<'a>>,
}

#[derive(Deserialize)]
struct Content<'a> {
    #[serde(borrow, default, rename = "mimeType")]
    mime_type: Option<Text<'a>>,
    /// Kept raw: decoded only when the body is read.
    #[serde(borrow, default)]
    text: Option<&'a RawValue>,
    #[serde(borrow, default)]
    encoding: Option<&'a RawValue>,
}

/// A status written as an integer.
struct Status(i64);

impl<'de> Deserialize<'de> for Status {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StatusVisitor;
        impl Visitor<'_> for StatusVisitor {
            type Value = Status;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Status, E> {
                Ok(Status(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Status, E> {
                i64::try_from(v)
                    .map(Status)
                    .map_err(|_| E::custom("out of range"))
            }
        }
        d.deserialize_i64(StatusVisitor)
    }
}

/// One entry as read from the buffer.
pub(super) struct Entry<'a> {
    started: Option<Text<'a>>,
    request: Option<Request<'a>>,
    response: Option<Response<'a>>,
    /// The response came before the request (its body is then read, as before).
    response_first: bool,
    /// Bytes of the entry's fields that are not read (`timings`, `_initiator` ...).
    skipped: usize,
}

impl<'de> Deserialize<'de> for Entry<'de> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EntryVisitor)
    }
}

struct EntryVisitor;

impl<'de> Visitor<'de> for EntryVisitor {
    type Value = Entry<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR entry")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entry<'de>, A::Error> {
        let mut entry = Entry {
            started: None,
            request: None,
            response: None,
            response_first: false,
            skipped: 0,
        };
        // A field given twice is left to the thorough reading, which knows which one counts.
        let (mut started, mut request, mut response) = (false, false, false);
        let twice = || de::Error::custom("a field given twice");
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "startedDateTime" => {
                    if std::mem::replace(&mut started, true) {
                        return Err(twice());
                    }
                    entry.started = map.next_value()?;
                }
                "request" => {
                    if std::mem::replace(&mut request, true) {
                        return Err(twice());
                    }
                    entry.request = map.next_value()?;
                }
                "response" => {
                    if std::mem::replace(&mut response, true) {
                        return Err(twice());
                    }
                    entry.response_first = !request;
                    entry.response = map.next_value()?;
                }
                _ => {
                    let raw: &RawValue = map.next_value()?;
                    entry.skipped += raw.get().len();
                }
            }
        }
        Ok(entry)
    }
}

/// An entry checked to be of the usual shape, ready to become a [`super::HarEntry`] with no
/// further fault possible.
pub(super) struct Ready<'a> {
    pub(super) started: Option<Cow<'a, str>>,
    pub(super) method: Cow<'a, str>,
    pub(super) url_text: Cow<'a, str>,
    pub(super) url: Result<RawUrl, UrlError>,
    /// A call to Upwork's API.
    pub(super) api: bool,
    request_headers: Vec<HeaderItem<'a>>,
    request_body: Body<'a>,
    response: Option<ReadyResponse<'a>>,
}

enum Body<'a> {
    Text(Cow<'a, str>),
    Decoded(Vec<u8>),
}

struct ReadyResponse<'a> {
    status: u16,
    status_text: Option<Cow<'a, str>>,
    http_version: Option<Cow<'a, str>>,
    headers: Vec<HeaderItem<'a>>,
    mime_type: Option<Cow<'a, str>>,
    body: ResponseBody<'a>,
}

/// A response body as the fast reading leaves it.
enum ResponseBody<'a> {
    /// Decoded (empty when the entry has none, or when it is not read).
    Decoded(Vec<u8>),
    /// A JSON string as written in the file, quotes included, that decodes without fault.
    Escaped(&'a str),
}

/// The length of the text a JSON string without `\u` escapes decodes to: each escape is two
/// bytes that become one.
fn unescaped_len(json_string: &str) -> usize {
    let inner = &json_string.as_bytes()[1..json_string.len() - 1];
    let mut escapes = 0;
    let mut at = 0;
    while let Some(found) = memchr::memchr(b'\\', &inner[at..]) {
        escapes += 1;
        at += found + 2;
        if at >= inner.len() {
            break;
        }
    }
    inner.len() - escapes
}

fn is_base64(encoding: &str) -> bool {
    encoding.eq_ignore_ascii_case("base64")
}

/// `text` decoded as the thorough reading decodes it; `None` when it is not valid base64.
fn base64_decoded(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}

/// A raw JSON value that must be a string (or absent); `Err` when it is another type.
fn raw_string(raw: Option<&RawValue>) -> Result<Option<Cow<'_, str>>, ()> {
    match raw {
        None => Ok(None),
        Some(raw) if raw.get().starts_with('"') => serde_json::from_str::<Text>(raw.get())
            .map(|t| Some(t.0))
            .map_err(|_| ()),
        Some(_) => Err(()),
    }
}

impl<'a> Entry<'a> {
    /// The entry, checked; `None` when it is not of the usual shape, or may hold more than
    /// `limit` as the thorough reading counts (`span` is the entry's length in the file): the
    /// thorough reading then decides.
    pub(super) fn ready(self, span: usize, limit: u64) -> Option<Ready<'a>> {
        let request = self.request?;
        let method = request.method?.0;
        let url_text = request.url?.0;
        let url = RawUrl::parse(&url_text);
        let api = url.as_ref().is_ok_and(super::is_upwork_api);
        // What the thorough reading skips of the response: the body of a call that is not to
        // Upwork's API, when the request came first.
        let body_read = api || self.response_first || url.is_err();

        let mut big = 0;
        let request_body = match request.post_data {
            None => Body::Text(Cow::Borrowed("")),
            Some(post) => match post.text {
                // The form rebuilt from `params` is left to the thorough reading.
                None if post.params.is_some() => return None,
                None => Body::Text(Cow::Borrowed("")),
                Some(text) => {
                    big += text.0.len();
                    if post.encoding.is_some_and(|e| is_base64(&e.0)) {
                        Body::Decoded(base64_decoded(&text.0)?)
                    } else {
                        Body::Text(text.0)
                    }
                }
            },
        };

        let mut unread = 0;
        let response = match self.response {
            None => None,
            Some(response) => {
                let status = match response.status {
                    None => 0,
                    Some(Status(n)) if n <= 0 => 0,
                    Some(Status(n)) => u16::try_from(n).ok()?,
                };
                let mut ready = ReadyResponse {
                    status,
                    status_text: response.status_text.map(|t| t.0),
                    http_version: response.http_version.map(|t| t.0),
                    headers: response.headers.unwrap_or_default(),
                    mime_type: None,
                    body: ResponseBody::Decoded(Vec::new()),
                };
                if let Some(content) = response.content {
                    ready.mime_type = content.mime_type.map(|t| t.0);
                    if body_read {
                        let encoding = raw_string(content.encoding).ok()?;
                        let base64 = encoding.is_some_and(|e| is_base64(&e));
                        match content.text {
                            None => {}
                            Some(raw) if !raw.get().starts_with('"') => return None,
                            // A string without a `\u` escape decodes without fault (the parse
                            // checked its other escapes): it is left as written until someone
                            // reads it.
                            Some(raw) if !base64 && !raw.get().contains("\\u") => {
                                big += unescaped_len(raw.get());
                                ready.body = ResponseBody::Escaped(raw.get());
                            }
                            Some(raw) => {
                                let text = raw_string(Some(raw)).ok()?.unwrap_or_default();
                                big += text.len();
                                ready.body = ResponseBody::Decoded(if base64 {
                                    base64_decoded(&text)?
                                } else {
                                    text.into_owned().into_bytes()
                                });
                            }
                        }
                    } else {
                        unread += content.text.map_or(0, |t| t.get().len());
                        unread += content.encoding.map_or(0, |e| e.get().len());
                    }
                }
                Some(ready)
            }
        };

        // What the thorough reading would count against the limit, at most: the bytes it holds,
        // and a cost for each value, of which there is at most one per two bytes (a delimiter and
        // a character) besides the bodies.
        let held = span.saturating_sub(self.skipped + unread) as u64;
        let values = held.saturating_sub(big as u64) / 2 + 8;
        if held + values * VALUE_COST > limit {
            return None;
        }

        Some(Ready {
            started: self.started.map(|t| t.0),
            method,
            url_text,
            url,
            api,
            request_headers: request.headers.unwrap_or_default(),
            request_body,
            response,
        })
    }
}

/// Headers as the thorough reading gives them: HTTP/2 pseudo headers left out, a missing value
/// empty.
fn headers(items: Vec<HeaderItem<'_>>) -> Vec<Header> {
    items
        .into_iter()
        .filter(|h| !h.name.0.starts_with(':'))
        .map(|h| Header {
            name: h.name.0.into_owned(),
            value: h.value.map(|v| v.0.into_owned()).unwrap_or_default(),
        })
        .collect()
}

impl<'a> Ready<'a> {
    /// What both readings take of an entry, owned but for the method and URL; a response body
    /// still as written is decoded only when `read_body` wants it (see
    /// [`super::LazyEntry::into_entry_reading`]).
    pub(super) fn into_parts(self, read_body: super::BodyWanted) -> super::Parts<'a> {
        let body = match self.request_body {
            Body::Text(text) => text.into_owned().into_bytes(),
            Body::Decoded(bytes) => bytes,
        };
        let response = self.response.map(|r| HarResponseSummary {
            status: r.status,
            status_text: r.status_text.map(Cow::into_owned).unwrap_or_default(),
            http_version: r.http_version.map(Cow::into_owned).unwrap_or_default(),
            headers: headers(r.headers),
            mime_type: r.mime_type.map(Cow::into_owned),
            body: match r.body {
                ResponseBody::Decoded(bytes) => bytes,
                ResponseBody::Escaped(json) if read_body(r.status, json) => {
                    // Cannot fail (see `ResponseBody::Escaped`).
                    serde_json::from_str::<String>(json)
                        .map(String::into_bytes)
                        .unwrap_or_default()
                }
                ResponseBody::Escaped(_) => Vec::new(),
            },
        });
        super::Parts {
            started: self.started.as_deref().and_then(super::started_at),
            method: self.method,
            url_text: self.url_text,
            url: self.url,
            request_headers: headers(self.request_headers),
            body,
            response,
        }
    }
}
