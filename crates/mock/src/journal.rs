//! The requests the emulator received, for `/__mock/requests`. Every secret is hidden on the way
//! in by the same redaction core as the bundle's (`upwork_diag_core::redact`: credentials by name, shape and
//! value, PLAINTEXT signatures, multipart and camelCase fields): the journal, and the log line made
//! from it, are meant to be read and shared.

use std::collections::VecDeque;

use chrono::{DateTime, Utc};

use upwork_diag_core::redact::Redactor;
use upwork_diag_core::request::Header;

/// The most body bytes kept per entry.
const MAX_BODY: usize = 64 * 1024;

/// One request received.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// Its number, from 0 in the order received (set when recorded); numbers go on when old
    /// entries are dropped, so a reader can tell what it missed.
    pub id: u64,
    pub time: DateTime<Utc>,
    pub method: String,
    /// The request target as sent.
    pub target: String,
    /// Headers in order and case, secrets masked.
    pub headers: Vec<Header>,
    /// The body as text (lossy when not UTF-8), cut at 64 KiB.
    pub body: String,
    pub body_size: usize,
    pub body_truncated: bool,
    /// The status answered; `null` when the connection was broken on purpose.
    pub status: Option<u16>,
    /// The fault mode served, if any.
    pub fault: Option<&'static str>,
}

impl Entry {
    /// An entry for a request, hidden by `known` (which knows the keys' secrets) and by what the
    /// request itself shows to be secret.
    pub(crate) fn new(
        known: &Redactor,
        method: &str,
        target: &str,
        headers: &[Header],
        body: &[u8],
    ) -> Entry {
        let size = body.len();
        let kept = &body[..size.min(MAX_BODY)];
        // One redactor per request: what it learns from the headers (a bearer token) is hidden in
        // the target and body too, and nothing accumulates over the emulator's life.
        let mut redactor = known.clone();
        let headers = redactor.headers("request", headers);
        let content_type =
            upwork_diag_core::request::header_value(headers.as_slice(), "content-type");
        let body = redactor.body("request body", content_type, kept);
        let body = String::from_utf8_lossy(&body).into_owned();
        Entry {
            id: 0,
            time: Utc::now(),
            method: method.to_string(),
            target: redactor.url("request target", target),
            body: redactor.text("request body", &body),
            headers,
            body_size: size,
            body_truncated: kept.len() < size,
            status: None,
            fault: None,
        }
    }
}

/// The list of entries, bounded in count and in bytes: a flood of large requests costs the
/// oldest entries, never the emulator's memory or a huge `/__mock/requests` answer.
pub(crate) struct Journal {
    /// Each entry with its size as JSON.
    entries: VecDeque<(Entry, usize)>,
    bytes: usize,
    max_entries: usize,
    max_bytes: usize,
    next_id: u64,
    /// The id of the first entry since the start or the last clear.
    first_id: u64,
}

/// How many bytes `value` takes as JSON, counted without writing them anywhere.
fn json_size(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

/// One page of the journal, as `/__mock/requests?offset=N&limit=M` answers it.
#[derive(Debug, serde::Serialize)]
pub struct Page {
    pub requests: Vec<Entry>,
    /// Entries kept in all; `offset` counts from the oldest of them.
    pub total: usize,
    pub offset: usize,
    /// Entries dropped to stay within the limits, since the start or the last clear.
    pub dropped: u64,
}

impl Journal {
    pub fn new(max_entries: usize, max_bytes: usize) -> Journal {
        Journal {
            entries: VecDeque::new(),
            bytes: 0,
            max_entries,
            max_bytes,
            next_id: 0,
            first_id: 0,
        }
    }

    pub fn push(&mut self, mut entry: Entry) {
        entry.id = self.next_id;
        self.next_id += 1;
        // The size as `/__mock/requests` writes it: escaping can make a body six times longer.
        let size = json_size(&entry);
        self.entries.push_back((entry, size));
        self.bytes += size;
        while self.entries.len() > self.max_entries
            || (self.bytes > self.max_bytes && self.entries.len() > 1)
        {
            let (_, size) = self.entries.pop_front().expect("not empty");
            self.bytes -= size;
        }
        // A single entry larger than the whole budget is kept as its bare facts, body left out.
        if self.bytes > self.max_bytes
            && let Some((last, size)) = self.entries.back_mut()
        {
            last.body = String::new();
            last.headers.clear();
            last.body_truncated = true;
            let smaller = json_size(&*last);
            self.bytes = self.bytes - *size + smaller;
            *size = smaller;
        }
    }

    /// Up to `limit` entries from the `offset`-th oldest kept.
    pub fn page(&self, offset: usize, limit: usize) -> Page {
        let oldest = self.entries.front().map_or(self.next_id, |(e, _)| e.id);
        Page {
            requests: self
                .entries
                .iter()
                .skip(offset)
                .take(limit)
                .map(|(e, _)| e.clone())
                .collect(),
            total: self.entries.len(),
            offset,
            dropped: oldest - self.first_id,
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
        self.first_id = self.next_id;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(target: &str, headers: &[(&str, &str)], body: &str) -> String {
        let headers: Vec<Header> = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
        let mut known = Redactor::default();
        known.learn_given("consumer secret", "keys-secret-canary");
        serde_json::to_string(&Entry::new(
            &known,
            "POST",
            target,
            &headers,
            body.as_bytes(),
        ))
        .unwrap()
    }

    #[test]
    fn hides_credentials_but_keeps_oauth_parameters() {
        let json = entry(
            "/x?access_token=t0k3n-in-query&q=1",
            &[
                ("Authorization", "Bearer abc.def.canary"),
                ("Cookie", "session=s3cr3t-cookie; theme=dark"),
                ("X-Api-Key", "api-key-canary"),
            ],
            "grant_type=refresh_token&refresh_token=r3f-canary&client_secret=c5-canary\r\n\
             note=keys-secret-canary",
        );
        for canary in [
            "t0k3n-in-query",
            "abc.def.canary",
            "s3cr3t-cookie",
            "api-key-canary",
            "r3f-canary",
            "c5-canary",
            "keys-secret-canary",
        ] {
            assert!(!json.contains(canary), "{canary}: {json}");
        }
        assert!(json.contains("Bearer [redacted"), "{json}");
        let oauth = entry(
            "/x",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"ck\", oauth_signature=\"abc%3D\"",
            )],
            "",
        );
        assert!(
            oauth.contains(r#"oauth_consumer_key=\"ck\", oauth_signature=\"abc%3D\""#),
            "{oauth}"
        );
    }

    fn plain(target: &str, body: &[u8]) -> Entry {
        Entry::new(&Redactor::default(), "POST", target, &[], body)
    }

    #[test]
    fn a_body_past_64_kib_is_cut_and_says_so() {
        let big = vec![b'a'; 100 * 1024];
        let entry = plain("/x", &big);
        assert_eq!(entry.body.len(), 64 * 1024);
        assert_eq!(entry.body_size, 100 * 1024);
        assert!(entry.body_truncated);
        let small = plain("/x", b"abc");
        assert_eq!((small.body.as_str(), small.body_size), ("abc", 3));
        assert!(!small.body_truncated);
        let exact = plain("/x", &vec![b'a'; 64 * 1024]);
        assert!(!exact.body_truncated);
    }

    #[test]
    fn the_journal_keeps_the_newest_within_its_count_and_numbers_them() {
        let mut journal = Journal::new(2, usize::MAX);
        for n in 0..5 {
            journal.push(plain(&format!("/{n}"), b""));
        }
        let page = journal.page(0, usize::MAX);
        let kept: Vec<(u64, &str)> = page
            .requests
            .iter()
            .map(|e| (e.id, e.target.as_str()))
            .collect();
        assert_eq!(kept, [(3, "/3"), (4, "/4")]);
        assert_eq!((page.total, page.dropped), (2, 3));
        let page = journal.page(1, 5);
        assert_eq!((page.requests.len(), page.offset), (1, 1));
        assert_eq!(page.requests[0].id, 4);
        assert_eq!(journal.page(0, 1).requests[0].id, 3);
        journal.clear();
        let page = journal.page(0, usize::MAX);
        assert_eq!((page.total, page.dropped), (0, 0));
        journal.push(plain("/after", b""));
        journal.push(plain("/after", b""));
        journal.push(plain("/after", b""));
        let page = journal.page(0, usize::MAX);
        assert_eq!(page.requests[0].id, 6);
        assert_eq!((page.total, page.dropped), (2, 1));
    }

    #[test]
    fn the_journal_keeps_within_its_bytes_as_json_writes_them() {
        let one = json_size(&plain("/0", &[b'x'; 1000]));
        // Room for two such entries, not three.
        let mut journal = Journal::new(100, 2 * one + one / 2);
        for n in 0..4 {
            journal.push(plain(&format!("/{n}"), &[b'x'; 1000]));
        }
        let page = journal.page(0, usize::MAX);
        assert_eq!(page.total, 2);
        assert_eq!(page.dropped, 2);
        assert!(page.requests.iter().all(|e| e.body.len() == 1000));
        // Escaping counts: a body of quotes takes twice its length as JSON.
        let quotes = plain("/q", &[b'"'; 1000]);
        assert!(json_size(&quotes) > 2000, "{}", json_size(&quotes));
        journal.push(quotes);
        assert_eq!(journal.page(0, usize::MAX).total, 1);
    }

    #[test]
    fn an_entry_larger_than_the_whole_budget_is_kept_without_its_body() {
        let small = plain("/small", b"");
        let headers = [Header::new("X-Trace", "t")];
        let big = Entry::new(
            &Redactor::default(),
            "POST",
            "/big",
            &headers,
            &[b'x'; 5000],
        );
        let next = plain("/next", b"");
        // The budget: the big entry once bare, and the next one, to the byte.
        let bare = Entry {
            id: 1,
            body: String::new(),
            headers: Vec::new(),
            body_truncated: true,
            ..big.clone()
        };
        let budget = json_size(&bare)
            + json_size(&Entry {
                id: 2,
                ..next.clone()
            });
        let mut journal = Journal::new(100, budget);
        journal.push(small);
        journal.push(big);
        let page = journal.page(0, usize::MAX);
        assert_eq!(page.total, 1);
        let kept = &page.requests[0];
        assert_eq!(kept.target, "/big");
        assert!(kept.body.is_empty() && kept.headers.is_empty() && kept.body_truncated);
        assert_eq!(kept.body_size, 5000);
        // What it counts now is the entry without its body: the next one fits beside it exactly.
        journal.push(next);
        assert_eq!(journal.page(0, usize::MAX).total, 2);
        journal.push(plain("/t", b""));
        let page = journal.page(0, usize::MAX);
        let targets: Vec<&str> = page.requests.iter().map(|e| e.target.as_str()).collect();
        assert_eq!(targets, ["/next", "/t"]);
    }

    #[test]
    fn an_entry_of_exactly_the_budget_is_kept_whole() {
        let entry = plain("/0", &[b'x'; 100]);
        let size = json_size(&entry);
        assert_eq!(size, serde_json::to_string(&entry).unwrap().len());
        let mut journal = Journal::new(100, size);
        journal.push(entry.clone());
        assert_eq!(journal.page(0, 1).requests[0].body.len(), 100);
        let mut journal = Journal::new(100, 2 * size);
        journal.push(entry.clone());
        journal.push(entry);
        assert_eq!(journal.page(0, usize::MAX).total, 2);
    }
}
