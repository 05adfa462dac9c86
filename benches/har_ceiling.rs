//! The ceiling of benches/har_scan.sh: how fast serde_json reads the fields `upwork-diag scan`
//! reads of a HAR file, with nothing else done. The whole file is read into memory first, and
//! parsed with typed entries whose strings borrow from it; the bodies are skipped, unescaped
//! nowhere. Prints the number of entries and how many are to an `upwork.com` host.
//!
//! Usage: har_ceiling FILE.har      (built with `cargo build --release --example har_ceiling`)
#![allow(clippy::disallowed_macros)] // a benchmark's figures: no secret passes here

use std::borrow::Cow;
use std::fmt;
use std::process::ExitCode;

use serde::Deserialize;
use serde::de::{self, SeqAccess, Visitor};
use serde_json::value::RawValue;

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Entries,
}

#[derive(Deserialize)]
#[allow(dead_code)] // read to be parsed, not used
struct Entry<'a> {
    #[serde(borrow, rename = "startedDateTime")]
    started: Option<&'a RawValue>,
    #[serde(borrow)]
    request: Request<'a>,
    #[serde(borrow)]
    response: Option<Response<'a>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Request<'a> {
    #[serde(borrow)]
    method: Cow<'a, str>,
    #[serde(borrow)]
    url: Cow<'a, str>,
    #[serde(borrow, default)]
    headers: Vec<Header<'a>>,
    #[serde(borrow, rename = "postData")]
    post_data: Option<&'a RawValue>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Header<'a> {
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    value: Cow<'a, str>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Response<'a> {
    status: i64,
    #[serde(borrow, default)]
    headers: Vec<Header<'a>>,
    #[serde(borrow)]
    content: Option<&'a RawValue>,
}

/// The entries, counted as they are parsed, none kept.
struct Entries {
    count: usize,
    upwork: usize,
}

impl<'de> Deserialize<'de> for Entries {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Counter;
        impl<'de> Visitor<'de> for Counter {
            type Value = Entries;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an array of entries")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Entries, A::Error> {
                let mut entries = Entries {
                    count: 0,
                    upwork: 0,
                };
                while let Some(entry) = seq.next_element::<Entry<'de>>()? {
                    entries.count += 1;
                    let host = entry.request.url.split('/').nth(2).unwrap_or_default();
                    entries.upwork += usize::from(host.ends_with("upwork.com"));
                }
                Ok(entries)
            }
        }
        d.deserialize_seq(Counter)
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1) else {
        eprintln!("usage: har_ceiling FILE");
        return ExitCode::from(2);
    };
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot read {}: {e}", path.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    match serde_json::from_slice::<Har>(&bytes) {
        Ok(har) => {
            let entries = har.log.entries;
            println!(
                "{} entries, {} to upwork.com",
                entries.count, entries.upwork
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("not a HAR file: {e}");
            ExitCode::from(2)
        }
    }
}
