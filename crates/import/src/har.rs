//! HAR 1.2 files (browser devtools, Charles, Insomnia ...), read one entry at a time.
//!
//! A HAR of a long session can be hundreds of megabytes, so `log.entries` is never built as a
//! whole: the file is read in chunks into one reusable buffer and each entry is handed on before
//! the next is read. Only the fields read are held: the others (timings, cookies, `_initiator`, a
//! video's base64 body ...) are skipped, however large, and what one entry holds is capped at
//! [`HAR_ENTRY_LIMIT`](upwork_diag_core::limits::HAR_ENTRY_LIMIT).
//!
//! Two readings share the buffer. The fast one (`har/typed.rs`) parses an entry of the usual shape in
//! place, its strings borrowed from the buffer, and says whether it is a call to Upwork's API
//! before anything is copied: [`LazyEntry::into_entry`] builds the request only for the entries
//! a caller keeps. Whatever it does not take as it is (an entry larger than the buffer may grow
//! to, a lenient or faulty value, the document around `log.entries`) the thorough one reads:
//! serde_json's streaming parser, fed byte by byte from the same buffer (`har/chunks.rs`). Reading is
//! lenient (byte order mark, missing optional fields, base64 bodies, HTTP/2 pseudo headers), but a
//! value of the wrong type is an error that names its JSON path.

mod chunks;
mod typed;

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::fmt;
use std::io::Read;
use std::ops::ControlFlow;

use base64::Engine;
use chrono::{DateTime, Utc};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use self::chunks::{Chunks, SharedRead};
use crate::import_error::{ImportError, ImportErrorKind, Location, TooLarge};
use upwork_diag_core::limits;
use upwork_diag_core::request::{
    self, CapturedRequest, Header, RawUrl, SentAt, Source, TimeEvidence, UrlError,
};

/// The most an entry may take of the buffer to be read in place; a larger one is streamed (the
/// thorough reading skips what it does not keep without holding it), so memory stays flat
/// whatever one entry holds.
const IN_PLACE_LIMIT: usize = 4 * 1024 * 1024;

/// One entry of a HAR file: the request and a summary of its response.
#[derive(Debug, Clone)]
pub struct HarEntry {
    /// The method as recorded.
    pub method: String,
    /// The URL as recorded.
    pub url: String,
    /// The request, or why its URL cannot be one (`data:`, `ws:`, `blob:` URLs are common in
    /// browser captures and are not errors of the file).
    pub request: Result<CapturedRequest, UrlError>,
    /// The response, when the entry has one.
    pub response: Option<HarResponseSummary>,
}

impl HarEntry {
    /// True for a call to Upwork's API: a host under `upwork.com` and a path under `/api/`,
    /// `/gds/` or `/graphql`.
    pub fn is_upwork_api(&self) -> bool {
        self.request.as_ref().is_ok_and(|r| is_upwork_api(&r.url))
    }

    /// True when the entry's response failed (see [`HarResponseSummary::failed`]).
    pub fn failed(&self) -> bool {
        self.response
            .as_ref()
            .is_some_and(HarResponseSummary::failed)
    }
}

/// What the HAR says of the response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarResponseSummary {
    /// The status; 0 when the request got no response (blocked, aborted, network error).
    pub status: u16,
    pub status_text: String,
    pub http_version: String,
    pub headers: Vec<Header>,
    /// `content.mimeType`, when given.
    pub mime_type: Option<String>,
    /// `content.text`, base64-decoded when the HAR says so; empty when the HAR left it out, for
    /// a call that is not to Upwork's API (whose body is skipped unread), and when the reader
    /// said it would not read it ([`LazyEntry::into_entry_reading`]).
    pub body: Vec<u8>,
}

impl HarResponseSummary {
    /// The recorded answer as a response, to be read like a replay's answer.
    pub fn into_response(self) -> upwork_diag_core::request::CapturedResponse {
        upwork_diag_core::request::CapturedResponse {
            version: self.http_version,
            status: self.status,
            reason: self.status_text,
            headers: self.headers,
            body: self.body,
            truncated: false,
            elapsed: std::time::Duration::ZERO,
        }
    }

    /// A status of 400 or more, no response at all, or a GraphQL answer with errors.
    pub fn failed(&self) -> bool {
        self.status >= 400 || self.status == 0 || !self.graphql_errors().is_empty()
    }

    /// The `message` of each GraphQL error in a JSON body's `errors[]` (GraphQL reports errors,
    /// scope errors included, with HTTP 200).
    pub fn graphql_errors(&self) -> Vec<String> {
        graphql_errors(&self.body)
    }
}

/// True for a URL of Upwork's API: a host under `upwork.com` and a path under `/api/`, `/gds/`
/// or `/graphql`.
pub fn is_upwork_api(url: &RawUrl) -> bool {
    let host = url.host().to_ascii_lowercase();
    let upwork = host == "upwork.com" || host.ends_with(".upwork.com");
    let path = url.path();
    upwork
        && (path.starts_with("/api/")
            || path.starts_with("/gds/")
            || path == "/graphql"
            || path.starts_with("/graphql/"))
}

/// Streams `log.entries`, calling `f` with each entry's index and content; `f` stops the reading
/// early with [`ControlFlow::Break`]. Returns the number of entries read.
pub fn for_each_entry(
    reader: impl Read,
    origin: &str,
    f: impl FnMut(usize, HarEntry) -> ControlFlow<()>,
) -> Result<usize, ImportError> {
    for_each_entry_within(reader, origin, limits::HAR_ENTRY_LIMIT, f)
}

/// [`for_each_entry`] with another limit for what one entry may hold.
pub fn for_each_entry_within(
    reader: impl Read,
    origin: &str,
    entry_limit: u64,
    mut f: impl FnMut(usize, HarEntry) -> ControlFlow<()>,
) -> Result<usize, ImportError> {
    for_each_lazy_entry(reader, origin, entry_limit, |index, entry| {
        f(index, entry.into_entry())
    })
}

/// An entry as read, its request not built yet: [`LazyEntry::is_upwork_api`] tells whether to
/// keep it, [`LazyEntry::into_entry`] builds it. Its strings may borrow from the reading buffer.
pub struct LazyEntry<'a> {
    index: usize,
    origin: &'a str,
    reading: Reading<'a>,
}

enum Reading<'a> {
    /// Read in place.
    Typed(typed::Ready<'a>),
    /// Read the thorough way.
    Built(HarEntry),
}

impl LazyEntry<'_> {
    /// True for a call to Upwork's API (see [`HarEntry::is_upwork_api`]).
    pub fn is_upwork_api(&self) -> bool {
        match &self.reading {
            Reading::Typed(ready) => ready.api,
            Reading::Built(entry) => entry.is_upwork_api(),
        }
    }

    /// The entry with its request and response built.
    pub fn into_entry(self) -> HarEntry {
        self.into_entry_reading(|_, _| true)
    }

    /// The entry built as [`LazyEntry::into_entry`] does, but a response body that `read_body`
    /// does not want may be left out (empty), never decoded: a caller that reads some answers'
    /// bodies only says which, from the status and the body as written in the file.
    pub fn into_entry_reading(self, read_body: BodyWanted) -> HarEntry {
        match self.reading {
            Reading::Built(entry) => entry,
            Reading::Typed(ready) => {
                finish_entry(self.index, self.origin, ready.into_parts(read_body))
            }
        }
    }
}

/// Whether a reader wants a response body, from the response's status and the body as a JSON
/// string written in the file (escaped, its quotes included): it may then contain anything
/// that the decoded text contains, escaped.
pub type BodyWanted = fn(status: u16, json_string: &str) -> bool;

/// Streams `log.entries` as [`for_each_entry_within`] does, without building the entries: `f`
/// builds those it keeps ([`LazyEntry::into_entry`]).
pub fn for_each_lazy_entry(
    reader: impl Read,
    origin: &str,
    entry_limit: u64,
    mut f: impl FnMut(usize, LazyEntry<'_>) -> ControlFlow<()>,
) -> Result<usize, ImportError> {
    let mut reader = reader;
    let chunks = RefCell::new(Chunks::new(&mut reader));
    chunks
        .borrow_mut()
        .skip_byte_order_mark()
        .map_err(|e| ImportError::new(origin, ImportErrorKind::Io(e)))?;
    let budget = Budget::new(entry_limit);
    let mut ctx = Ctx {
        budget: &budget,
        chunks: &chunks,
        origin,
        callback: &mut f,
        count: 0,
        stopped: false,
        error: None,
        path: String::new(),
        seen_log: false,
    };
    let mut de = serde_json::Deserializer::from_reader(SharedRead {
        chunks: &chunks,
        budget: &budget,
    });
    let result = RootSeed(&mut ctx)
        .deserialize(&mut de)
        .and_then(|()| de.end());
    match result {
        _ if ctx.stopped => Ok(ctx.count),
        Err(_) if budget.exceeded.get() => Err(ImportError::at(
            origin,
            Location::path(ctx.path.clone()),
            ImportErrorKind::TooLarge(Box::new(TooLarge {
                what: "the entry".into(),
                limit: entry_limit,
                for_what: "for one HAR entry (fields that are not read do not count)",
            })),
        )),
        Ok(()) if !ctx.seen_log => Err(ImportError::at(
            origin,
            Location::path("log"),
            ImportErrorKind::Json(
                "missing: a HAR file is an object {\"log\": {\"entries\": [...]}}".into(),
            ),
        )),
        Ok(()) => Ok(ctx.count),
        Err(e) => Err(ctx.error.take().unwrap_or_else(|| {
            let place = chunks.borrow().true_position(e.line(), e.column());
            json_error(origin, &ctx.path, &e, place)
        })),
    }
}

/// Picks one entry and returns its index, request and response.
///
/// With `entry`, that entry (numbered from 0, as in `log.entries[N]`). Without, the first Upwork
/// API call whose response failed; else the first Upwork API call; else an error that says which
/// hosts the file does hold.
pub fn read_har_entry(
    reader: impl Read,
    origin: &str,
    entry: Option<usize>,
) -> Result<(usize, CapturedRequest, Option<HarResponseSummary>), ImportError> {
    read_har_entry_within(reader, origin, entry, limits::HAR_ENTRY_LIMIT)
}

/// [`read_har_entry`] with another limit for what one entry may hold.
pub fn read_har_entry_within(
    reader: impl Read,
    origin: &str,
    entry: Option<usize>,
    entry_limit: u64,
) -> Result<(usize, CapturedRequest, Option<HarResponseSummary>), ImportError> {
    let mut chosen: Option<(usize, HarEntry)> = None;
    let mut hosts: Vec<String> = Vec::new();
    let count = for_each_entry_within(reader, origin, entry_limit, |index, e| {
        match entry {
            Some(wanted) => {
                if index == wanted {
                    chosen = Some((index, e));
                    return ControlFlow::Break(());
                }
            }
            None => {
                if e.is_upwork_api() {
                    if e.failed() {
                        chosen = Some((index, e));
                        return ControlFlow::Break(());
                    }
                    if chosen.is_none() {
                        chosen = Some((index, e));
                    }
                } else if let Ok(r) = &e.request {
                    let host = r.url.host().to_string();
                    if hosts.len() < 5 && !hosts.contains(&host) {
                        hosts.push(host);
                    }
                }
            }
        }
        ControlFlow::Continue(())
    })?;
    let Some((index, e)) = chosen else {
        let message = match entry {
            Some(wanted) => {
                format!("there is no entry {wanted}: the file has {count} entries, numbered from 0")
            }
            None if count == 0 => "the file has no entries".to_string(),
            None => format!(
                "none of the {count} entries is an Upwork API call (a host under upwork.com, \
                 a path under /api/, /gds/ or /graphql); hosts seen: {}",
                hosts.join(", ")
            ),
        };
        return Err(ImportError::new(origin, ImportErrorKind::NoEntry(message)));
    };
    match e.request {
        Ok(request) => Ok((index, request, e.response)),
        Err(url_error) => Err(ImportError::at(
            origin,
            Location::path(format!("log.entries[{index}].request.url")),
            ImportErrorKind::Url(url_error),
        )),
    }
}

/// `place` is the line and column of `e` in the file.
fn json_error(
    origin: &str,
    path: &str,
    e: &serde_json::Error,
    place: (usize, usize),
) -> ImportError {
    let message = e.to_string();
    // serde_json appends " at line L column C"; the place goes into the location instead.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(m, _)| m)
        .to_string();
    let location = Location {
        line_column: (e.line() > 0).then_some(place),
        json_path: (!path.is_empty()).then(|| path.to_string()),
    };
    let kind = if e.is_io() {
        ImportErrorKind::Syntax(format!("read error: {message}"))
    } else if e.is_eof() {
        ImportErrorKind::Syntax(format!(
            "the file ends too early ({message}): is it complete?"
        ))
    } else {
        ImportErrorKind::Syntax(message)
    };
    ImportError::at(origin, location, kind)
}

/// What the entry being read holds, against its limit. The bytes of skipped fields are not
/// counted: they stream by without being kept.
struct Budget {
    limit: u64,
    held: Cell<u64>,
    /// Greater than 0 while a field that is not read is being skipped.
    skipping: Cell<u32>,
    exceeded: Cell<bool>,
}

impl Budget {
    fn new(limit: u64) -> Self {
        Budget {
            limit,
            held: Cell::new(0),
            skipping: Cell::new(0),
            exceeded: Cell::new(false),
        }
    }

    /// Skips a value without holding it or counting its bytes.
    fn skip<'de, A: MapAccess<'de>>(&self, map: &mut A) -> Result<(), A::Error> {
        self.skipping.set(self.skipping.get() + 1);
        let skipped = map.next_value::<IgnoredAny>();
        self.skipping.set(self.skipping.get() - 1);
        skipped.map(|_| ())
    }
}

/// What one value held costs besides its bytes: about what a small JSON value, then the header
/// or parameter made from it, take in memory.
const VALUE_COST: u64 = 256;

/// Which fields of an object are read; the others are skipped.
#[derive(Clone, Copy)]
enum Keep {
    /// The whole value.
    All,
    /// These fields, each with what is read of it.
    Fields(&'static [(&'static str, Keep)]),
}

const POST_DATA: Keep = Keep::Fields(&[
    ("text", Keep::All),
    ("encoding", Keep::All),
    ("params", Keep::All),
]);
const CONTENT: Keep = Keep::Fields(&[
    ("mimeType", Keep::All),
    ("text", Keep::All),
    ("encoding", Keep::All),
]);
const RESPONSE: Keep = Keep::Fields(&[
    ("status", Keep::All),
    ("statusText", Keep::All),
    ("httpVersion", Keep::All),
    ("headers", Keep::All),
    ("content", CONTENT),
]);
/// The response of a call that is not to Upwork's API: its body is never looked at, and a browser
/// capture's video or script bundle must not count against the entry's limit.
const RESPONSE_WITHOUT_BODY: Keep = Keep::Fields(&[
    ("status", Keep::All),
    ("statusText", Keep::All),
    ("httpVersion", Keep::All),
    ("headers", Keep::All),
    ("content", Keep::Fields(&[("mimeType", Keep::All)])),
]);
/// What [`convert_entry`] reads of an entry.
const ENTRY: Keep = Keep::Fields(&[
    ("startedDateTime", Keep::All),
    (
        "request",
        Keep::Fields(&[
            ("method", Keep::All),
            ("url", Keep::All),
            ("headers", Keep::All),
            ("postData", POST_DATA),
        ]),
    ),
    ("response", RESPONSE),
]);

/// True when an entry's request, read so far, is not a call to Upwork's API (so its response
/// body is not needed). An entry whose response comes before its request keeps the body.
fn not_upwork_api(object: &serde_json::Map<String, Value>) -> bool {
    object
        .get("request")
        .and_then(|r| r.get("url"))
        .and_then(Value::as_str)
        .and_then(|url| RawUrl::parse(url).ok())
        .is_some_and(|url| !is_upwork_api(&url))
}

/// Reads a value, keeping only the fields `keep` names. A value of another type than expected is
/// kept whole, for [`convert_entry`] to name the fault.
struct Pruned<'b> {
    keep: Keep,
    budget: &'b Budget,
}

impl<'de> DeserializeSeed<'de> for Pruned<'_> {
    type Value = Value;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Pruned<'_> {
    /// Each value held costs its bytes (counted by the reader) and [`VALUE_COST`] more: a header
    /// list of ten million `{"name":"a","value":""}` is small as text but not in memory.
    fn charge<E: de::Error>(&self) -> Result<(), E> {
        let budget = self.budget;
        let held = budget.held.get().saturating_add(VALUE_COST);
        budget.held.set(held);
        if held > budget.limit {
            budget.exceeded.set(true);
            return Err(E::custom("the limit for one HAR entry"));
        }
        Ok(())
    }

    fn all(&self) -> Pruned<'_> {
        Pruned {
            keep: Keep::All,
            budget: self.budget,
        }
    }
}

impl<'de> Visitor<'de> for Pruned<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.charge()?;
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let wanted = match self.keep {
                Keep::All => Some(Keep::All),
                Keep::Fields(fields) => {
                    fields
                        .iter()
                        .find(|(name, _)| *name == key)
                        .map(|&(name, keep)| {
                            if name == "response" && not_upwork_api(&object) {
                                RESPONSE_WITHOUT_BODY
                            } else {
                                keep
                            }
                        })
                }
            };
            match wanted {
                Some(keep) => {
                    let value = map.next_value_seed(Pruned {
                        keep,
                        budget: self.budget,
                    })?;
                    object.insert(key, value);
                }
                None => self.budget.skip(&mut map)?,
            }
        }
        Ok(Value::Object(object))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.charge()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.all())? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::from(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::from(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::from(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::String(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.charge()?;
        Ok(Value::Null)
    }
}

/// The state shared by the streaming visitors.
struct Ctx<'a, 'r> {
    budget: &'a Budget,
    chunks: &'a RefCell<Chunks<'r>>,
    origin: &'a str,
    callback: &'a mut dyn FnMut(usize, LazyEntry<'_>) -> ControlFlow<()>,
    count: usize,
    /// The callback asked to stop; the error that unwinds the parser is not a failure.
    stopped: bool,
    /// An error of ours, carried past serde's error type.
    error: Option<ImportError>,
    /// Where the parser is, for syntax errors.
    path: String,
    seen_log: bool,
}

struct RootSeed<'c, 'a, 'r>(&'c mut Ctx<'a, 'r>);

impl<'de> DeserializeSeed<'de> for RootSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RootSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a HAR object {\"log\": {\"entries\": [...]}}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "log" {
                self.0.path = "log".into();
                self.0.seen_log = true;
                map.next_value_seed(LogSeed(&mut *self.0))?;
            } else {
                self.0.budget.skip(&mut map)?;
            }
        }
        Ok(())
    }
}

struct LogSeed<'c, 'a, 'r>(&'c mut Ctx<'a, 'r>);

impl<'de> DeserializeSeed<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for LogSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("the log object {\"entries\": [...]}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "entries" {
                self.0.path = "log.entries".into();
                map.next_value_seed(EntriesSeed(&mut *self.0))?;
            } else {
                self.0.path = format!("log.{key}");
                self.0.budget.skip(&mut map)?;
            }
            self.0.path = "log".into();
        }
        Ok(())
    }
}

struct EntriesSeed<'c, 'a, 'r>(&'c mut Ctx<'a, 'r>);

impl<'de> DeserializeSeed<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // `any`, not `seq`: a tool that captured nothing may write `"entries": null`.
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntriesSeed<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of entries")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        // `"entries": null` from a tool that captured nothing.
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let ctx = self.0;
        // The parser reads the first entry (it must see one to expect a comma before the next),
        // and each entry the fast reading leaves to it.
        while thorough_entry(ctx, &mut seq)? {
            if in_place_entries(ctx).is_break() {
                ctx.stopped = true;
                // Unwinds the parser without reading the rest of the file.
                return Err(de::Error::custom("stopped"));
            }
        }
        ctx.path = "log.entries".into();
        Ok(())
    }
}

/// Reads the next entry through the parser and hands it on; `false` at the end of the array.
fn thorough_entry<'de, A: SeqAccess<'de>>(ctx: &mut Ctx, seq: &mut A) -> Result<bool, A::Error> {
    let index = ctx.count;
    ctx.path = format!("log.entries[{index}]");
    // One entry at a time: only this entry's values are held in memory, and only those read.
    ctx.budget.held.set(0);
    let Some(value) = seq.next_element_seed(Pruned {
        keep: ENTRY,
        budget: ctx.budget,
    })?
    else {
        return Ok(false);
    };
    ctx.count += 1;
    let entry = match convert_entry(&value, index, ctx.origin) {
        Ok(entry) => entry,
        Err(e) => {
            ctx.error = Some(e);
            return Err(de::Error::custom("invalid entry"));
        }
    };
    drop(value);
    let lazy = LazyEntry {
        index,
        origin: ctx.origin,
        reading: Reading::Built(entry),
    };
    if (ctx.callback)(index, lazy).is_break() {
        ctx.stopped = true;
        return Err(de::Error::custom("stopped"));
    }
    Ok(true)
}

/// Reads the entries that follow, each parsed in place from the buffer, until one is not of the
/// usual shape, does not fit the buffer, or the array ends: the parser then goes on from there,
/// where a comma or the closing bracket is next.
fn in_place_entries(ctx: &mut Ctx) -> ControlFlow<()> {
    let max = usize::try_from(ctx.budget.limit)
        .unwrap_or(usize::MAX)
        .min(IN_PLACE_LIMIT);
    let mut chunks = ctx.chunks.borrow_mut();
    loop {
        // Between entries: white space (taken), then a comma (taken with the entry only).
        let comma = loop {
            let buffered = chunks.buffered();
            let blank = buffered
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let more = blank == buffered.len();
            let comma = !more && buffered[blank] == b',';
            chunks.consume(blank);
            if !more {
                break comma;
            }
            if !matches!(chunks.fill(max), Ok(true)) {
                break false;
            }
        };
        if !comma {
            break;
        }
        // The entry, parsed from the buffer, which grows until it holds the whole entry.
        let outcome = loop {
            let after_comma = &chunks.buffered()[1..];
            let blank = after_comma
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
            let mut stream = serde_json::Deserializer::from_slice(&after_comma[blank..])
                .into_iter::<typed::Entry>();
            match stream.next() {
                Some(Ok(entry)) => {
                    let span = stream.byte_offset();
                    let Some(ready) = entry.ready(span, ctx.budget.limit) else {
                        break None;
                    };
                    let index = ctx.count;
                    ctx.count += 1;
                    let lazy = LazyEntry {
                        index,
                        origin: ctx.origin,
                        reading: Reading::Typed(ready),
                    };
                    break Some(((ctx.callback)(index, lazy), 1 + blank + span));
                }
                // Cut by the end of the buffer: read on.
                Some(Err(e)) if e.is_eof() => {}
                None => {}
                Some(Err(_)) => break None,
            }
            if !matches!(chunks.fill(max), Ok(true)) {
                break None;
            }
        };
        let Some((flow, end)) = outcome else {
            break;
        };
        chunks.consume(end);
        if flow.is_break() {
            return ControlFlow::Break(());
        }
    }
    chunks.hand_over();
    ControlFlow::Continue(())
}

/// Typed access to a JSON value that knows its path, for errors that name it.
#[derive(Clone, Copy)]
struct At<'v, 'p> {
    value: &'v Value,
    path: &'p str,
    origin: &'p str,
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl<'v> At<'v, '_> {
    fn error(&self, message: String) -> ImportError {
        ImportError::at(
            self.origin,
            Location::path(self.path),
            ImportErrorKind::Json(message),
        )
    }

    fn wrong(&self, expected: &str) -> ImportError {
        self.error(format!(
            "expected {expected}, found {}",
            kind_of(self.value)
        ))
    }

    fn object(&self) -> Result<&'v serde_json::Map<String, Value>, ImportError> {
        self.value
            .as_object()
            .ok_or_else(|| self.wrong("an object"))
    }

    /// A field, `None` when absent or null (HAR writers disagree on which to use).
    fn get(&self, name: &str) -> Result<Option<&'v Value>, ImportError> {
        Ok(self.object()?.get(name).filter(|v| !v.is_null()))
    }

    fn string(&self) -> Result<&'v str, ImportError> {
        self.value.as_str().ok_or_else(|| self.wrong("a string"))
    }

    /// A string, or a number or boolean written as one (some tools write header values so).
    fn lenient_string(&self) -> Result<String, ImportError> {
        match self.value {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            _ => Err(self.wrong("a string")),
        }
    }

    fn array(&self) -> Result<&'v Vec<Value>, ImportError> {
        self.value.as_array().ok_or_else(|| self.wrong("an array"))
    }
}

fn child<'v, 'p>(at: &At<'_, 'p>, value: &'v Value, path: &'p str) -> At<'v, 'p> {
    At {
        value,
        path,
        origin: at.origin,
    }
}

fn required<'v>(at: &At<'v, '_>, name: &str) -> Result<&'v Value, ImportError> {
    at.get(name)?.ok_or_else(|| {
        ImportError::at(
            at.origin,
            Location::path(format!("{}.{name}", at.path)),
            ImportErrorKind::Json("missing".into()),
        )
    })
}

fn optional_string(at: &At<'_, '_>, name: &str) -> Result<Option<String>, ImportError> {
    let Some(v) = at.get(name)? else {
        return Ok(None);
    };
    let path = format!("{}.{name}", at.path);
    child(at, v, &path).lenient_string().map(Some)
}

fn headers(at: &At<'_, '_>) -> Result<Vec<Header>, ImportError> {
    let Some(list) = at.get("headers")? else {
        return Ok(Vec::new());
    };
    let path = format!("{}.headers", at.path);
    let list = child(at, list, &path).array()?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        // The usual header, read without building the JSON paths that only an error needs.
        if let Some(fast) = plain_header(item) {
            out.extend(fast);
            continue;
        }
        let item_path = format!("{path}[{i}]");
        let item = child(at, item, &item_path);
        let name_path = format!("{item_path}.name");
        let name = child(&item, required(&item, "name")?, &name_path).string()?;
        // HTTP/2 pseudo headers (`:authority`, `:path` ...) are not header lines of a request.
        if name.starts_with(':') {
            continue;
        }
        let value = optional_string(&item, "value")?.unwrap_or_default();
        out.push(Header::new(name, value));
    }
    Ok(out)
}

/// `{"name": "...", "value": "..."}` as a header (`None` inside for a pseudo header), or `None`
/// when the item is anything else: the slow path then reads it and names the fault.
fn plain_header(item: &Value) -> Option<Option<Header>> {
    let object = item.as_object()?;
    let Some(Value::String(name)) = object.get("name") else {
        return None;
    };
    if name.starts_with(':') {
        return Some(None);
    }
    let value = match object.get("value") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(v)) => v.clone(),
        Some(_) => return None,
    };
    Some(Some(Header::new(name.clone(), value)))
}

fn decoded_text(at: &At<'_, '_>) -> Result<Option<Vec<u8>>, ImportError> {
    let Some(text) = optional_string(at, "text")? else {
        return Ok(None);
    };
    let encoding = optional_string(at, "encoding")?;
    if encoding
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case("base64"))
    {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        return base64::engine::general_purpose::STANDARD
            .decode(compact)
            .map(Some)
            .map_err(|e| {
                ImportError::at(
                    at.origin,
                    Location::path(format!("{}.text", at.path)),
                    ImportErrorKind::Json(format!("not valid base64 ({e})")),
                )
            });
    }
    Ok(Some(text.into_bytes()))
}

fn convert_entry(value: &Value, index: usize, origin: &str) -> Result<HarEntry, ImportError> {
    let path = format!("log.entries[{index}]");
    let entry = At {
        value,
        path: &path,
        origin,
    };
    entry.object()?;
    let started = optional_string(&entry, "startedDateTime")?.and_then(|t| started_at(&t));

    let request_path = format!("{path}.request");
    let request = child(&entry, required(&entry, "request")?, &request_path);
    request.object()?;
    let method_path = format!("{request_path}.method");
    let method = child(&request, required(&request, "method")?, &method_path).string()?;
    let url_path = format!("{request_path}.url");
    let url = child(&request, required(&request, "url")?, &url_path).string()?;
    let request_headers = headers(&request)?;
    let mut body = Vec::new();
    if let Some(post) = request.get("postData")? {
        let post_path = format!("{request_path}.postData");
        let post = child(&request, post, &post_path);
        post.object()?;
        match decoded_text(&post)? {
            Some(text) => body = text,
            None => body = form_from_params(&post)?,
        }
    }

    let response = match entry.get("response")? {
        None => None,
        Some(v) => {
            let response_path = format!("{path}.response");
            Some(convert_response(&child(&entry, v, &response_path))?)
        }
    };
    Ok(finish_entry(
        index,
        origin,
        Parts {
            started,
            method: Cow::Borrowed(method),
            url_text: Cow::Borrowed(url),
            url: RawUrl::parse(url),
            request_headers,
            body,
            response,
        },
    ))
}

/// `startedDateTime` as the send time, when it is one.
fn started_at(text: &str) -> Option<SentAt> {
    DateTime::parse_from_rfc3339(text).ok().map(|t| SentAt {
        at: t.with_timezone(&Utc),
        from: TimeEvidence::HarStartedDateTime,
    })
}

/// What both readings take of an entry.
struct Parts<'a> {
    started: Option<SentAt>,
    method: Cow<'a, str>,
    url_text: Cow<'a, str>,
    url: Result<RawUrl, UrlError>,
    request_headers: Vec<Header>,
    body: Vec<u8>,
    response: Option<HarResponseSummary>,
}

fn finish_entry(index: usize, origin: &str, parts: Parts<'_>) -> HarEntry {
    let Parts {
        started,
        method,
        url_text,
        url,
        request_headers,
        body,
        response,
    } = parts;
    // A HAR written by hand or by a tool that drops startedDateTime may still carry a Date header,
    // the client's own or the server's answer to this very call, seconds after it was sent.
    let time = started
        .or_else(|| request::sent_at_from_date_header(&request_headers))
        .or_else(|| {
            let response = response.as_ref()?;
            request::date_header_time(&response.headers).map(|at| SentAt {
                at,
                from: TimeEvidence::ResponseDateHeader,
            })
        });
    let method = method.into_owned();
    let request = url.map(|url| {
        let mut request = CapturedRequest {
            method: method.clone(),
            url,
            headers: request_headers,
            body,
            time,
            source: Source::Har {
                file: origin.to_string(),
                entry: index,
            },
        };
        // `postData.text` is the content the client posted; a chunked one went framed.
        request::chunked::frame_if_declared(&mut request);
        request
    });
    HarEntry {
        method,
        url: url_text.into_owned(),
        request,
        response,
    }
}

/// `postData.params` without `postData.text`: the form rebuilt, encoded as browsers encode forms.
fn form_from_params(post: &At<'_, '_>) -> Result<Vec<u8>, ImportError> {
    let Some(params) = post.get("params")? else {
        return Ok(Vec::new());
    };
    let path = format!("{}.params", post.path);
    let params = child(post, params, &path).array()?;
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (i, param) in params.iter().enumerate() {
        let param_path = format!("{path}[{i}]");
        let param = child(post, param, &param_path);
        let name_path = format!("{param_path}.name");
        let name = child(&param, required(&param, "name")?, &name_path).string()?;
        let value = optional_string(&param, "value")?.unwrap_or_default();
        form.append_pair(name, &value);
    }
    Ok(form.finish().into_bytes())
}

fn convert_response(at: &At<'_, '_>) -> Result<HarResponseSummary, ImportError> {
    at.object()?;
    let status = match at.get("status")? {
        None => 0,
        Some(v) => {
            let path = format!("{}.status", at.path);
            let status = child(at, v, &path);
            let number = match v {
                Value::Number(n) => n.as_i64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            };
            match number {
                // Some tools write -1 for "no response".
                Some(n) if n <= 0 => 0,
                Some(n) => u16::try_from(n)
                    .map_err(|_| status.error(format!("{n} is not an HTTP status")))?,
                None => return Err(status.wrong("a number")),
            }
        }
    };
    let mut summary = HarResponseSummary {
        status,
        status_text: optional_string(at, "statusText")?.unwrap_or_default(),
        http_version: optional_string(at, "httpVersion")?.unwrap_or_default(),
        headers: headers(at)?,
        mime_type: None,
        body: Vec::new(),
    };
    if let Some(content) = at.get("content")? {
        let path = format!("{}.content", at.path);
        let content = child(at, content, &path);
        content.object()?;
        summary.mime_type = optional_string(&content, "mimeType")?;
        summary.body = decoded_text(&content)?.unwrap_or_default();
    }
    Ok(summary)
}

/// The messages of a JSON body's non-empty top-level `errors` array.
fn graphql_errors(body: &[u8]) -> Vec<String> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    if start.is_none_or(|s| body[s] != b'{') {
        return Vec::new();
    }
    // Only `errors` is kept: the rest of a large body is skipped, not built.
    #[derive(serde::Deserialize)]
    struct Errors {
        errors: Option<Vec<Value>>,
    }
    let Ok(Errors {
        errors: Some(errors),
    }) = serde_json::from_slice::<Errors>(body)
    else {
        return Vec::new();
    };
    errors
        .iter()
        .map(|e| match e.get("message") {
            Some(Value::String(m)) => m.clone(),
            _ => e.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::limits::HAR_ENTRY_LIMIT;

    #[test]
    fn upworks_api_is_a_host_under_upwork_com_and_an_api_path() {
        let api = |url: &str| is_upwork_api(&RawUrl::parse(url).unwrap());
        for url in [
            "https://www.upwork.com/api/auth/v1/info.json",
            "https://UPWORK.COM/gds/timereports/v1/companies/x",
            "https://api.upwork.com/graphql",
            "https://api.upwork.com/graphql/v2",
        ] {
            assert!(api(url), "{url}");
        }
        for url in [
            "https://www.upwork.com/ab/jobs/search",
            "https://api.upwork.com/graphqlx",
            "https://notupwork.com/api/x",
            "https://upwork.com.example/api/x",
        ] {
            assert!(!api(url), "{url}");
        }
    }

    #[test]
    fn a_recorded_answer_is_read_as_a_response() {
        let summary = HarResponseSummary {
            status: 401,
            status_text: "Unauthorized".into(),
            http_version: "HTTP/1.1".into(),
            headers: vec![Header::new("Content-Type", "application/json")],
            mime_type: Some("application/json".into()),
            body: b"{}".to_vec(),
        };
        let response = summary.into_response();
        assert_eq!(
            (
                response.status,
                response.reason.as_str(),
                response.version.as_str()
            ),
            (401, "Unauthorized", "HTTP/1.1")
        );
        assert_eq!(
            response.headers,
            [Header::new("Content-Type", "application/json")]
        );
        assert_eq!(response.body, b"{}");
    }

    fn har(entries: &str) -> String {
        format!(
            r#"{{"log": {{"version": "1.2", "creator": {{"name": "t"}}, "entries": [{entries}]}}}}"#
        )
    }

    const OTHER: &str = r#"{"request": {"method": "GET", "url": "https://cdn.example.com/a.js"}}"#;
    const OK_API: &str = r#"{"startedDateTime": "2024-05-01T10:00:00.123+02:00",
        "request": {"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json",
          "headers": [{"name": ":authority", "value": "www.upwork.com"}, {"name": "Authorization", "value": "OAuth x"}]},
        "response": {"status": 200, "content": {"mimeType": "application/json", "text": "{}"}}}"#;
    const FAILED_API: &str = r#"{"request": {"method": "POST", "url": "https://www.upwork.com/api/auth/v1/oauth/token/request",
          "headers": [], "postData": {"mimeType": "application/x-www-form-urlencoded", "params": [{"name": "a", "value": "x y"}]}},
        "response": {"status": 411, "statusText": "Length Required", "headers": [], "content": {}}}"#;
    const GRAPHQL_ERRORS: &str = r#"{"request": {"method": "POST", "url": "https://api.upwork.com/graphql",
          "postData": {"text": "eyJxdWVyeSI6IHt9fQ==", "encoding": "base64"}},
        "response": {"status": 200, "content": {"mimeType": "application/json",
          "text": "{\"errors\": [{\"message\": \"The client or authentication token doesn't have enough oauth2 permissions/scopes to access: [Contract.id]\"}]}"}}}"#;

    fn read(
        text: &str,
        entry: Option<usize>,
    ) -> Result<(usize, CapturedRequest, Option<HarResponseSummary>), ImportError> {
        read_har_entry(text.as_bytes(), "t.har", entry)
    }

    #[test]
    fn picks_the_first_failed_upwork_call() {
        let text = har(&[OTHER, OK_API, FAILED_API, GRAPHQL_ERRORS].join(","));
        let (index, request, response) = read(&text, None).unwrap();
        assert_eq!(index, 2);
        assert_eq!(request.method, "POST");
        assert_eq!(request.body, b"a=x+y");
        assert_eq!(response.unwrap().status, 411);
        assert_eq!(
            request.source,
            Source::Har {
                file: "t.har".into(),
                entry: 2
            }
        );

        let text = har(&[OTHER, OK_API, GRAPHQL_ERRORS].join(","));
        let (index, request, response) = read(&text, None).unwrap();
        assert_eq!(index, 2);
        assert_eq!(request.body, b"{\"query\": {}}");
        assert!(response.unwrap().graphql_errors()[0].contains("Contract.id"));

        let text = har(&[OTHER, OK_API].join(","));
        let (index, request, _) = read(&text, None).unwrap();
        assert_eq!(index, 1);
        assert_eq!(
            request.headers,
            vec![Header::new("Authorization", "OAuth x")]
        );
        let time = request.time.unwrap();
        assert_eq!(time.at.to_rfc3339(), "2024-05-01T08:00:00.123+00:00");
        assert_eq!(time.from, TimeEvidence::HarStartedDateTime);
    }

    #[test]
    fn without_started_date_time_a_date_header_gives_the_send_time() {
        let entry = |request_headers: &str, response_headers: &str| {
            har(&format!(
                r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/auth/v1/info.json",
                    "headers": [{request_headers}]}},
                  "response": {{"status": 401, "headers": [{response_headers}], "content": {{}}}}}}"#
            ))
        };
        let date = |value: &str| format!(r#"{{"name": "Date", "value": "{value}"}}"#);
        let text = entry(
            &date("Mon, 30 Nov 2026 04:35:00 GMT"),
            &date("Mon, 30 Nov 2026 04:35:01 GMT"),
        );
        let time = read(&text, None).unwrap().1.time.unwrap();
        assert_eq!(time.at.timestamp(), 1_796_013_300);
        assert_eq!(
            time.from,
            TimeEvidence::RequestDateHeader,
            "the client's own Date first"
        );

        let text = entry("", &date("Mon, 30 Nov 2026 04:35:01 GMT"));
        let time = read(&text, None).unwrap().1.time.unwrap();
        assert_eq!(time.at.timestamp(), 1_796_013_301);
        assert_eq!(time.from, TimeEvidence::ResponseDateHeader);

        let text = entry(&date("yesterday"), "");
        assert_eq!(
            read(&text, None).unwrap().1.time,
            None,
            "an unreadable Date is no evidence"
        );
    }

    #[test]
    fn explicit_entry_and_no_upwork_call() {
        let text = har(&[OTHER, OK_API].join(","));
        assert_eq!(
            read(&text, Some(0)).unwrap().1.url.as_str(),
            "https://cdn.example.com/a.js"
        );
        let e = read(&text, Some(5)).unwrap_err();
        assert!(e.to_string().contains("has 2 entries"), "{e}");
        let e = read(&har(OTHER), None).unwrap_err();
        assert!(e.to_string().contains("cdn.example.com"), "{e}");
        assert!(
            read(&har(""), None)
                .unwrap_err()
                .to_string()
                .contains("no entries")
        );
    }

    #[test]
    fn streams_and_stops_early() {
        // The garbage after the second entry is never read.
        let text = format!(r#"{{"log": {{"entries": [{OTHER}, {FAILED_API}, this is not json"#);
        let (index, ..) = read(&text, None).unwrap();
        assert_eq!(index, 1);
        let mut seen = Vec::new();
        let count = for_each_entry(
            har(&[OTHER, OK_API, OTHER].join(",")).as_bytes(),
            "t",
            |i, e| {
                seen.push((i, e.is_upwork_api()));
                ControlFlow::Continue(())
            },
        )
        .unwrap();
        assert_eq!(count, 3);
        assert_eq!(seen, [(0, false), (1, true), (2, false)]);
    }

    #[test]
    fn lenient_with_bom_missing_fields_and_odd_urls() {
        let text = format!(
            "\u{feff}{}",
            har(
                r#"{"request": {"method": "GET", "url": "data:image/png;base64,AA"}}, {"request": {"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{"name": "X-N", "value": 5}]}, "response": {"status": "0"}}"#
            )
        );
        let (index, request, response) = read(&text, None).unwrap();
        assert_eq!(index, 1);
        assert_eq!(request.headers, vec![Header::new("X-N", "5")]);
        assert!(response.unwrap().failed());
        let mut first_ok = None;
        for_each_entry(text.as_bytes(), "t", |_, e| {
            first_ok.get_or_insert(e.request.is_ok());
            ControlFlow::Continue(())
        })
        .unwrap();
        assert_eq!(first_ok, Some(false));
    }

    #[test]
    fn wrong_types_name_the_json_path() {
        let text = har(&[
            OTHER,
            OTHER,
            OTHER,
            r#"{"request": {"method": "GET", "url": "https://h/", "headers": "Accept: */*"}}"#,
        ]
        .join(","));
        let e = read(&text, None).unwrap_err();
        assert_eq!(
            e.location.json_path.as_deref(),
            Some("log.entries[3].request.headers")
        );
        assert_eq!(
            e.to_string(),
            "t.har: at log.entries[3].request.headers: expected an array, found a string"
        );
        let e = read(&har(r#"{"request": {"url": "https://h/"}}"#), None).unwrap_err();
        assert_eq!(
            e.location.json_path.as_deref(),
            Some("log.entries[0].request.method")
        );
        let e = read(r#"{"log": {"entries": {}}}"#, None).unwrap_err();
        assert_eq!(e.location.json_path.as_deref(), Some("log.entries"));
        assert!(e.to_string().contains("an array of entries"), "{e}");
        assert!(
            read(r#"{"log": {"entries": null}}"#, None)
                .unwrap_err()
                .to_string()
                .contains("no entries")
        );
        let e = read(r#"{"nolog": 1}"#, None).unwrap_err();
        assert_eq!(e.location.json_path.as_deref(), Some("log"));
        let e = read(
            &format!(r#"{{"log": {{"entries": [{OTHER}, {{"request": }}"#),
            None,
        )
        .unwrap_err();
        assert_eq!(e.location.json_path.as_deref(), Some("log.entries[1]"));
        assert!(e.location.line_column.is_some());
        let e = read(&format!(r#"{{"log": {{"entries": [{OTHER}"#), None).unwrap_err();
        assert!(e.to_string().contains("ends too early"), "{e}");
    }

    /// A response body kept as written is decoded only when its reader wants it, and then as
    /// `into_entry` decodes it; a base64 body or one with a `\u` escape is decoded whatever the
    /// reader says (its decoding could fail, and is checked at once).
    #[test]
    fn a_body_kept_as_written_is_decoded_only_when_wanted() {
        let entry = |content: &str| {
            format!(
                r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x"}}, "response": {{"status": 200, "content": {content}}}}}"#
            )
        };
        // The first entry is read the thorough way (see the module's comment): the others in place.
        let file = har(&[
            entry(r#"{"text": "first"}"#),
            entry(r#"{"text": "{\"data\": \"a\\\\b\\n\"}"}"#),
            entry(r#"{"text": "{\"data\": \"caf\u00e9\"}"}"#),
            entry(r#"{"text": "aGk=", "encoding": "base64"}"#),
        ]
        .join(", "));
        let bodies = |wanted: BodyWanted| {
            let mut bodies = Vec::new();
            for_each_lazy_entry(file.as_bytes(), "t.har", HAR_ENTRY_LIMIT, |index, entry| {
                if index == 0 {
                    return ControlFlow::Continue(());
                }
                assert!(matches!(entry.reading, Reading::Typed(_)));
                let entry = entry.into_entry_reading(wanted);
                bodies.push(String::from_utf8(entry.response.unwrap().body).unwrap());
                ControlFlow::Continue(())
            })
            .unwrap();
            bodies
        };
        let all = bodies(|_, _| true);
        assert_eq!(
            all,
            ["{\"data\": \"a\\\\b\\n\"}", "{\"data\": \"café\"}", "hi"]
        );
        let built: Vec<String> = read_all(&file, HAR_ENTRY_LIMIT)
            .unwrap()
            .into_iter()
            .skip(1)
            .map(|(_, e)| String::from_utf8(e.response.unwrap().body).unwrap())
            .collect();
        assert_eq!(all, built);
        assert_eq!(bodies(|_, _| false), ["", "{\"data\": \"café\"}", "hi"]);
        // What the reader is shown: the status, and the body as written, quotes included.
        assert_eq!(
            bodies(|status, written| status == 200 && written.starts_with("\"{")),
            all
        );
    }

    /// Every entry of `text` with whether it was read in place.
    fn read_all(text: &str, limit: u64) -> Result<Vec<(bool, HarEntry)>, ImportError> {
        let mut all = Vec::new();
        for_each_lazy_entry(text.as_bytes(), "t.har", limit, |_, entry| {
            let in_place = matches!(entry.reading, Reading::Typed(_));
            all.push((in_place, entry.into_entry()));
            ControlFlow::Continue(())
        })?;
        Ok(all)
    }

    /// The entry as text, its index left out.
    fn shown(mut entry: HarEntry) -> String {
        if let Ok(request) = &mut entry.request {
            request.source = Source::Har {
                file: String::new(),
                entry: 0,
            };
        }
        format!("{entry:?}")
    }

    #[test]
    fn the_entries_after_the_first_are_read_in_place_and_read_the_same() {
        // The first entry always goes through the streaming parser; the same entry after another
        // is read in place when it has the usual shape. Both readings must give the same entry.
        let lenient_or_unusual = [
            FAILED_API, // `postData.params` without `text`
            r#"{"request": {"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{"name": "X-N", "value": 5}]}, "response": {"status": "401"}}"#,
            r#"{"request": {"method": "GET", "url": "https://a.example/x"}, "request": {"method": "POST", "url": "https://www.upwork.com/api/y"}}"#,
            r#"{"request": {"method": "GET", "url": "https://www.upwork.com/api/x"}, "response": {"status": 200, "content": {"text": 7}}}"#,
        ];
        let usual = [
            OK_API,
            // The answer before the request: its body is read whatever the URL, as before.
            r#"{"response": {"status": 200, "content": {"text": "{\"errors\": [{\"message\": \"m\"}]}"}}, "request": {"method": "GET", "url": "https://cdn.example.com/a.js"}}"#,
            GRAPHQL_ERRORS,
            OTHER,
            r#"{"startedDateTime": "2024-05-01T10:00:00Z", "_initiator": {"stack": [1, 2]}, "request": {"method": "POST", "url": "https://www.upwork.com/api/hr/v2/jobs.json?q=a+b",
                "headers": [{"name": "Cookie", "value": "s=\u00e9t\u00e9"}, {"name": "Transfer-Encoding", "value": "chunked"}, {"name": "Accept", "value": null}],
                "postData": {"text": "a=1"}, "queryString": []},
              "response": {"status": -1, "statusText": "x", "httpVersion": "h2", "headers": [{"name": "Date", "value": "Mon, 30 Nov 2026 04:35:01 GMT"}],
                "content": {"mimeType": "application/json", "text": "e30=", "encoding": "base64"}}}"#,
            r#"{"request": {"method": "GET", "url": "https://cdn.example.com/v.mp4"}, "response": {"status": 200, "content": {"text": "not base64!", "encoding": "base64"}}}"#,
            r#"{"request": {"method": "GET", "url": "data:image/png;base64,AA"}, "response": {"status": 200, "content": {"text": "AAAA", "encoding": "base64"}}}"#,
            r#"{"request": {"method": "GET", "url": "https://www.upwork.com/api/x"}, "response": null}"#,
            // A body with a type and no text; an encoding that is not base64 leaves text as is.
            r#"{"request": {"method": "POST", "url": "https://www.upwork.com/api/x", "postData": {"mimeType": "text/plain"}}}"#,
            r#"{"request": {"method": "POST", "url": "https://www.upwork.com/api/x", "postData": {"text": "abcd", "encoding": "identity"}},
              "response": {"status": 200, "content": {"text": "abcd", "encoding": "utf-8"}}}"#,
        ];
        for (shape, in_place) in lenient_or_unusual
            .iter()
            .map(|s| (s, false))
            .chain(usual.iter().map(|s| (s, true)))
        {
            let alone = read_all(&har(shape), HAR_ENTRY_LIMIT).unwrap();
            let after = read_all(&har(&format!("{OTHER},\n {shape}")), HAR_ENTRY_LIMIT).unwrap();
            assert!(!alone[0].0, "the first entry is read by the parser");
            assert_eq!(after[1].0, in_place, "{shape}");
            assert_eq!(
                shown(alone.into_iter().next().unwrap().1),
                shown(after.into_iter().nth(1).unwrap().1),
                "{shape}"
            );
        }
    }

    #[test]
    fn a_fault_after_entries_read_in_place_is_placed_in_the_file() {
        let entry = r#"{"request": {"method": "GET", "url": "https://cdn.example.com/a.js", "headers": []}, "response": {"status": 200, "content": {"text": "x"}}}"#;
        let text = format!(
            "{{\"log\": {{\"version\": \"1.2\",\n  \"entries\": [\n    {entry},\n    {entry},\n    {{\"request\": {{\"method\": \"GET\", \"url\": \"https://h/\"}} \"response\": {{}}}}\n  ]}}}}\n"
        );
        let e = read_all(&text, HAR_ENTRY_LIMIT).unwrap_err();
        // As the streaming parser alone placed it (the reading before entries were read in place).
        assert_eq!(e.location.line_column, Some((5, 56)));
        assert_eq!(e.location.json_path.as_deref(), Some("log.entries[2]"));
        assert!(e.to_string().contains("expected `,` or `}`"), "{e}");
    }

    #[test]
    fn an_entry_larger_than_the_buffer_is_streamed_with_its_limit() {
        const MIB: usize = 1024 * 1024;
        let limit = MIB as u64;
        // Skipped fields do not count, however large: the entry is streamed past the buffer.
        let skipped = format!(
            r#"{{"_initiator": "{}", "request": {{"method": "GET", "url": "https://www.upwork.com/api/x"}}}}"#,
            "a".repeat(2 * MIB)
        );
        let all = read_all(&har(&[OTHER, &skipped, OTHER].join(",")), limit).unwrap();
        assert_eq!(all.len(), 3);
        assert!(!all[1].0 && all[2].0, "streamed, then read in place again");
        assert_eq!(all[1].1.url, "https://www.upwork.com/api/x");
        // What is read counts: past the limit, the error names the entry.
        let held = format!(
            r#"{{"request": {{"method": "POST", "url": "https://www.upwork.com/api/x", "postData": {{"text": "{}"}}}}}}"#,
            "a".repeat(2 * MIB)
        );
        let e = read_all(&har(&[OTHER, OTHER, &held].join(",")), limit).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.har: at log.entries[2]: the entry holds more than 1 MiB, the limit for one HAR entry \
             (fields that are not read do not count)"
        );
    }

    /// A value of the wrong type is named by its own type, whatever JSON type it is.
    #[test]
    fn a_wrong_value_is_named_by_its_type() {
        for (value, found) in [
            ("true", "a boolean"),
            ("-1", "a number"),
            ("1.5", "a number"),
            ("\"Accept: */*\"", "a string"),
        ] {
            let entry = format!(
                r#"{{"request": {{"method": "GET", "url": "https://h/", "headers": {value}}}}}"#
            );
            let e = read(&har(&entry), None).unwrap_err();
            assert_eq!(
                e.to_string(),
                format!(
                    "t.har: at log.entries[0].request.headers: expected an array, found {found}"
                ),
                "{value}"
            );
        }
    }

    /// With no Upwork call, the hosts the file does hold are named: five at most, each once.
    #[test]
    fn the_hosts_seen_are_named_once_each_and_five_at_most() {
        let entries: Vec<String> = ["a", "b", "a", "c", "d", "e", "f", "g"]
            .iter()
            .map(|host| {
                format!(r#"{{"request": {{"method": "GET", "url": "https://{host}.example/"}}}}"#)
            })
            .collect();
        let e = read(&har(&entries.join(",")), None).unwrap_err();
        assert!(
            e.to_string()
                .ends_with("hosts seen: a.example, b.example, c.example, d.example, e.example"),
            "{e}"
        );
    }

    /// A reader that gives `bytes`, then fails as a disk that went away.
    fn failing_after(bytes: &'static [u8]) -> impl std::io::Read {
        struct Failing;
        impl std::io::Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("the disk went away"))
            }
        }
        std::io::Read::chain(bytes, Failing)
    }

    /// A read that fails is said as a read error, placed where the reading stopped (here the
    /// 21st byte of line 1, the last one read).
    #[test]
    fn a_failing_read_is_a_read_error_placed_where_it_stopped() {
        let e =
            read_har_entry(failing_after(br#"{"log": {"entries": ["#), "t.har", None).unwrap_err();
        assert_eq!(e.location.line_column, Some((1, 21)));
        assert!(e.to_string().contains("read error: "), "{e}");
        assert!(e.to_string().contains("the disk went away"), "{e}");
    }

    /// What one entry holds is counted by value too: many small values past the limit are
    /// refused though their text is short.
    #[test]
    fn many_small_values_count_against_the_entry_limit() {
        let headers: Vec<&str> = vec![r#"{"name": "a", "value": ""}"#; 200];
        let entry = format!(
            r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{}]}}}}"#,
            headers.join(",")
        );
        let text = har(&entry);
        assert!(text.len() < 8_000);
        let e = read_har_entry_within(text.as_bytes(), "t.har", None, 20_000).unwrap_err();
        assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
        assert!(read_har_entry_within(text.as_bytes(), "t.har", None, 1_000_000).is_ok());
        // Nulls too: each is a value held.
        let nulls = format!(
            r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{}]}}}}"#,
            vec!["null"; 200].join(",")
        );
        let e = read_har_entry_within(har(&nulls).as_bytes(), "t.har", None, 20_000).unwrap_err();
        assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
    }

    /// A document whose top or `log` is not an object says what it should be.
    #[test]
    fn a_root_or_log_of_another_shape_says_what_is_expected() {
        let e = read("[]", None).unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"expected a HAR object {"log": {"entries": [...]}}"#),
            "{e}"
        );
        let e = read(r#"{"log": []}"#, None).unwrap_err();
        assert!(
            e.to_string()
                .contains(r#"expected the log object {"entries": [...]}"#),
            "{e}"
        );
    }

    /// The reading in place estimates what an entry holds as the streaming one counts it, from
    /// above: an entry past the limit is left to the streaming reading, which refuses it; an
    /// entry whose bytes are mostly one body is read in place under a limit its length fits.
    #[test]
    fn an_entry_after_the_first_is_held_to_the_limit_as_the_first_is() {
        let headers = vec![r#"{"name": "a", "value": ""}"#; 200].join(",");
        let small_values = format!(
            r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{headers}]}}}}"#
        );
        let e = read_all(&har(&format!("{OTHER}, {small_values}")), 20_000).unwrap_err();
        assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
        let body = "line\\n".repeat(2_000);
        let big_body = format!(
            r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x"}}, "response": {{"status": 200, "content": {{"text": "{body}"}}}}}}"#
        );
        let read = read_all(&har(&format!("{OTHER}, {big_body}")), 400_000).unwrap();
        assert!(read[1].0, "read in place");
        let response = read[1].1.response.as_ref().unwrap();
        assert_eq!(response.body, "line\n".repeat(2_000).as_bytes());
        // A body's escapes are two bytes of the file for one of the body, no more: an entry of
        // many escapes and many small values past the limit is still refused.
        let escapes = "\\n".repeat(20_000);
        let headers = vec![r#"{"name": "a", "value": ""}"#; 100].join(",");
        let both = format!(
            r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{headers}]}}, "response": {{"status": 200, "content": {{"text": "{escapes}"}}}}}}"#
        );
        let e = read_all(&har(&format!("{OTHER}, {both}")), 100_000).unwrap_err();
        assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
    }

    /// The entry limit holds to the byte: the longest entry within it is read (a string here,
    /// then refused for its type), one byte longer is refused as too large.
    #[test]
    fn the_entry_limit_is_exact_to_the_byte() {
        let entry_of = |n: usize| {
            let text = format!(r#"{{"log": {{"entries": ["{}"]}}}}"#, "a".repeat(n));
            read_har_entry_within(text.as_bytes(), "t.har", None, 10_000).unwrap_err()
        };
        assert!(
            entry_of(9_739)
                .to_string()
                .ends_with("expected an object, found a string")
        );
        assert!(matches!(entry_of(9_740).kind, ImportErrorKind::TooLarge(_)));
    }

    /// A read that fails once the document has ended (while looking for what follows it) has
    /// no place in the text to name.
    #[test]
    fn a_read_failing_after_the_document_has_no_place() {
        let e = read_har_entry(failing_after(br#"{"log": {"entries": []}}"#), "t.har", None)
            .unwrap_err();
        assert_eq!(e.location.line_column, None);
        assert_eq!(
            e.to_string(),
            "t.har: at log: read error: the disk went away"
        );
    }

    /// What the reading in place does not hold does not count against the limit, and a body
    /// counts by its length, not as values: each entry below holds about 100 KB, mostly one
    /// body or one skipped field, and is read in place under a limit of 400 KB (counted as
    /// values, its bytes would pass a million).
    #[test]
    fn bodies_and_skipped_fields_are_no_values_to_the_estimate() {
        let text = "a".repeat(100_000);
        let encoded = base64::engine::general_purpose::STANDARD.encode(&text);
        let cases = [
            // A request body.
            format!(
                r#"{{"request": {{"method": "POST", "url": "https://www.upwork.com/api/x", "postData": {{"text": "{text}"}}}}}}"#
            ),
            // A response body decoded from base64.
            format!(
                r#"{{"request": {{"method": "GET", "url": "https://www.upwork.com/api/x"}}, "response": {{"status": 200, "content": {{"text": "{encoded}", "encoding": "base64"}}}}}}"#
            ),
            // The unread body of a call that is not to Upwork's API.
            format!(
                r#"{{"request": {{"method": "GET", "url": "https://cdn.example.com/v.mp4"}}, "response": {{"status": 200, "content": {{"text": "{encoded}", "encoding": "base64"}}}}}}"#
            ),
            // A field no reading keeps.
            format!(
                r#"{{"_initiator": "{text}", "request": {{"method": "GET", "url": "https://www.upwork.com/api/x"}}}}"#
            ),
        ];
        for case in &cases {
            let read = read_all(&har(&format!("{OTHER}, {case}")), 400_000).unwrap();
            assert!(read[1].0, "not read in place: {}", &case[..120]);
        }
        // An unread body takes nothing off what the rest of the entry holds: many small values
        // beside it are still refused.
        let headers = vec![r#"{"name": "a", "value": ""}"#; 200].join(",");
        let beside = format!(
            r#"{{"request": {{"method": "GET", "url": "https://cdn.example.com/v.mp4", "headers": [{headers}]}}, "response": {{"status": 200, "content": {{"text": "{encoded}", "encoding": "base64"}}}}}}"#
        );
        let e = read_all(&har(&format!("{OTHER}, {beside}")), 20_000).unwrap_err();
        assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
    }

    /// A header value written as a number or a boolean is read as its text, as tools write them.
    #[test]
    fn a_header_value_written_as_a_number_or_boolean_is_its_text() {
        let entry = r#"{"request": {"method": "GET", "url": "https://www.upwork.com/api/x", "headers": [{"name": "X-N", "value": 5}, {"name": "X-B", "value": true}]}}"#;
        let (_, request, _) = read(&har(entry), None).unwrap();
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|h| (h.name.as_str(), h.value.as_str()))
            .collect();
        assert_eq!(headers, [("X-N", "5"), ("X-B", "true")]);
    }

    /// Each GraphQL error is its message; one without a message string is shown as written.
    #[test]
    fn each_graphql_error_is_its_message() {
        let body = br#"{"errors": [{"message": "Tenant id is required"}, {"code": 7}]}"#;
        assert_eq!(
            graphql_errors(body),
            [
                "Tenant id is required".to_string(),
                r#"{"code":7}"#.to_string()
            ]
        );
        assert!(graphql_errors(br#"{"data": {}}"#).is_empty());
    }
}
