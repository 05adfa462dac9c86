//! The input parsers (curl, raw HTTP, HAR) and the transport's response parser against hostile
//! input: a seeded generator mutates the fixtures and known-tricky seeds, bounded in count and
//! time, and no input may panic. The same targets run under libFuzzer in `fuzz/` (see
//! docs/fuzzing.md) through the same entry points (`upwork_diag_diagnose::fuzzing`), and their committed
//! corpus and crash inputs are replayed here; inputs a parser once got wrong live in `regressions`
//! below, each pinned to its outcome.

use std::ops::ControlFlow;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use upwork_diag_diagnose::fuzzing::{self, curl_command, har_file, raw_request, response_bytes};
use upwork_diag_import::{curl, har, raw};

/// Per parser: at most this many inputs, and at most this long.
const ITERATIONS: usize = 4000;
const BUDGET: Duration = Duration::from_secs(4);

/// Pieces that steer mutations into the parsers' interesting corners.
const TOKENS: &[&[u8]] = &[
    b"\r\n",
    b"\r\n\r\n",
    b"\n",
    b"\\\n",
    b"'",
    b"\"",
    b"$'",
    b"\\x",
    b"\\u{",
    b"\\",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b",",
    b"null",
    b"\"entries\":",
    b"\"base64\"",
    b"-H",
    b" -d @",
    b" --data-binary ",
    b" -X ",
    b" --url ",
    b" -u a:b",
    b" -F a=@x",
    b"Transfer-Encoding: chunked\r\n",
    b"Content-Length: ",
    b"99999999999999999999",
    b"-1",
    b"0\r\n\r\n",
    b"ffffffffffffffff\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\n",
    b"HTTP/1.1 ",
    b" HTTP/1.1\r\n",
    b"\x00",
    b"\xff",
    b"\xc3",
    "é".as_bytes(),
    "🦀".as_bytes(),
    b"%",
    b"%zz",
    b"http://[::1]:0/",
    b"https://u:p@h:99999/",
];

fn fixtures(extension: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .filter_map(|p| std::fs::read(p).ok())
        .collect();
    seeds.sort();
    seeds
}

fn mutate(rng: &mut StdRng, seeds: &[Vec<u8>]) -> Vec<u8> {
    let mut data = if seeds.is_empty() || rng.gen_ratio(1, 20) {
        (0..rng.gen_range(0..256)).map(|_| rng.r#gen()).collect()
    } else {
        seeds[rng.gen_range(0..seeds.len())].clone()
    };
    for _ in 0..rng.gen_range(1..8) {
        let len = data.len();
        let at = if len == 0 { 0 } else { rng.gen_range(0..=len) };
        match rng.gen_range(0..8) {
            0 if len > 0 => {
                let i = rng.gen_range(0..len);
                data[i] ^= 1 << rng.gen_range(0..8);
            }
            1 => data.insert(at, rng.r#gen()),
            2 if len > 0 => {
                let end = (at + rng.gen_range(1..64)).min(len);
                data.drain(at.min(end)..end);
            }
            3 if len > 0 => {
                let start = rng.gen_range(0..len);
                let end = (start + rng.gen_range(1..128)).min(len);
                let piece = data[start..end].to_vec();
                data.splice(at..at, piece);
            }
            4 | 5 => {
                let token = TOKENS[rng.gen_range(0..TOKENS.len())];
                data.splice(at..at, token.iter().copied());
            }
            6 => data.truncate(at),
            _ if !seeds.is_empty() => {
                let other = &seeds[rng.gen_range(0..seeds.len())];
                let from = rng.gen_range(0..=other.len());
                data.truncate(at);
                data.extend_from_slice(&other[from..]);
            }
            _ => {}
        }
    }
    data
}

/// Runs `parse` on mutated inputs; a panic fails the test with the input that caused it, ready
/// to save under `fuzz/regressions/<target>/`.
fn stress(name: &str, seed: u64, seeds: &[Vec<u8>], parse: impl Fn(&[u8])) {
    let mut rng = StdRng::seed_from_u64(seed);
    let started = Instant::now();
    for seed_input in seeds {
        check(name, seed_input, &parse);
    }
    let mut runs = 0;
    while runs < ITERATIONS && started.elapsed() < BUDGET {
        let input = mutate(&mut rng, seeds);
        check(name, &input, &parse);
        runs += 1;
    }
    assert!(runs > 100, "{name}: only {runs} inputs in {BUDGET:?}");
}

fn check(name: &str, input: &[u8], parse: &impl Fn(&[u8])) {
    if catch_unwind(AssertUnwindSafe(|| parse(input))).is_err() {
        panic!("{name} panicked on the input b\"{}\"", input.escape_ascii());
    }
}

fn response_seeds() -> Vec<Vec<u8>> {
    [
        &b"\x05HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"[..],
        b"\x04HTTP/1.1 411 Length Required\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>411</html>",
        b"\x09HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: 1\r\n\r\n",
        b"\x06HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 401 Unauthorized\r\nX-Upwork-Error-Code: 401\r\n folded\r\nContent-Length: 2\r\n\r\n{}",
        b"\x07HTTP/1.0 204 No Content\r\n\r\n",
        b"\x03HTTP/1.1 304 Not Modified\r\nContent-Length: 100\r\n\r\n",
        b"\x02HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
    ]
    .iter()
    .map(|s| s.to_vec())
    .collect()
}

#[test]
fn the_curl_parser_survives_mutated_commands() {
    let mut seeds = fixtures("curl");
    seeds.push(
        br#"curl 'https://www.upwork.com/api/x.json?q=a%20b' -H $'X-A: \x41\n' --data-raw 'a=1' -X POST --compressed"#.to_vec(),
    );
    seeds.push(
        b"curl -sSL -u user:pass -F 'f=@/dev/null' -T - https://h/ \\\n  --url 'http://x/'"
            .to_vec(),
    );
    stress("parse_curl", 1, &seeds, curl_command);
}

#[test]
fn the_raw_http_parser_survives_mutated_requests() {
    let mut seeds = fixtures("http");
    seeds.push(b"POST /api/x HTTP/1.1\r\nHost: www.upwork.com\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n".to_vec());
    seeds.push(b"GET http://h:8080/p?q HTTP/1.0\nHost: h\n\n".to_vec());
    stress("parse_raw", 2, &seeds, raw_request);
}

#[test]
fn the_har_reader_survives_mutated_files() {
    let mut seeds = fixtures("har");
    seeds.push(
        br#"{"log":{"entries":[{"request":{"method":"POST","url":"https://www.upwork.com/api/a","headers":[{"name":"A","value":"b"}],"postData":{"mimeType":"x","text":"YQ==","encoding":"base64"}},"response":{"status":200,"statusText":"OK"}}]}}"#.to_vec(),
    );
    seeds.push(b"\xef\xbb\xbf{\"log\":{\"entries\":[]}}".to_vec());
    stress("for_each_entry", 3, &seeds, har_file);
}

#[test]
fn the_response_parser_survives_mutated_answers() {
    stress("parse_response", 4, &response_seeds(), response_bytes);
}

/// What a regression input must give: read, or refused with an error that says this.
enum Outcome {
    Read,
    Refused(&'static str),
}

/// Inputs that a parser once got wrong, from the fixes in the history (none of them was a panic:
/// the stress runs and the fuzz targets have found none so far; a crash found is added here
/// as `Read` or `Refused`). Each is pinned to its outcome, not only to "no panic".
fn regression_cases() -> Vec<(&'static str, &'static str, Vec<u8>, Outcome)> {
    vec![
        (
            "raw",
            "a Host that sends the call elsewhere (evil.example/@www.upwork.com, 8bfa4fe)",
            b"GET /api/auth/v1/info.json HTTP/1.1\r\nHost: evil.example/@www.upwork.com\r\n\r\n"
                .to_vec(),
            Outcome::Refused("it holds '/'"),
        ),
        (
            "raw",
            "a bare carriage return inside a header line (8bfa4fe)",
            b"GET /api/auth/v1/info.json HTTP/1.1\r\nHost: www.upwork.com\r\nX-Token: s3cr3t\rInjected: yes\r\n\r\n"
                .to_vec(),
            Outcome::Refused("a carriage return inside a header line"),
        ),
        (
            "raw",
            "an IPv6 host opened and never closed (06160b7)",
            b"GET http://[::1/x HTTP/1.1\r\nHost: [::1\r\n\r\n".to_vec(),
            Outcome::Refused("is not closed with ']'"),
        ),
        (
            "curl",
            "an IPv6 host opened and never closed (06160b7)",
            b"curl 'http://[::1/x'".to_vec(),
            Outcome::Refused("is not closed with ']'"),
        ),
        (
            "curl",
            "a URL without a scheme, read as https (2061055)",
            b"curl www.upwork.com/api/auth/v1/info.json".to_vec(),
            Outcome::Read,
        ),
        (
            "raw",
            "a chunked body whose last chunk never comes, kept for its own finding (1746962)",
            b"POST /api/x HTTP/1.1\r\nHost: www.upwork.com\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab"
                .to_vec(),
            Outcome::Read,
        ),
        (
            "har",
            "a capture that starts with a byte order mark (with-bom.har)",
            b"\xef\xbb\xbf{\"log\":{\"entries\":[{\"request\":{\"method\":\"GET\",\"url\":\"https://www.upwork.com/api/auth/v1/info.json\",\"headers\":[]},\"response\":{\"status\":401}}]}}"
                .to_vec(),
            Outcome::Read,
        ),
    ]
}

/// The error of a parser on the input, or `None` when it read it.
fn error_of(parser: &str, input: &[u8]) -> Option<String> {
    match parser {
        "curl" => curl::parse_curl(
            std::str::from_utf8(input).unwrap(),
            "regression",
            Path::new("/nonexistent/upwork-diag-stress"),
        )
        .err()
        .map(|e| e.to_string()),
        "raw" => raw::parse_raw(input, "regression", None)
            .err()
            .map(|e| e.to_string()),
        "har" => {
            let mut read = 0;
            match har::for_each_entry(input, "regression", |_, entry| {
                read += usize::from(entry.request.is_ok());
                ControlFlow::Continue(())
            }) {
                Err(e) => Some(e.to_string()),
                Ok(_) if read == 0 => Some("no request read".to_string()),
                Ok(_) => None,
            }
        }
        _ => unreachable!("no parser {parser}"),
    }
}

#[test]
fn regressions() {
    for (parser, what, input, outcome) in regression_cases() {
        match (error_of(parser, &input), outcome) {
            (None, Outcome::Read) => {}
            (Some(error), Outcome::Refused(why)) if error.contains(why) => {}
            (error, _) => panic!("{parser}: {what}: got {error:?}"),
        }
        // And none may panic under the stress harness's own check either.
        match parser {
            "curl" => check(parser, &input, &curl_command),
            "raw" => check(parser, &input, &raw_request),
            _ => check(parser, &input, &har_file),
        }
    }
}

/// The minimized libFuzzer corpus kept in `fuzz/corpus/<target>/`, and every input that once
/// crashed a target, kept in `fuzz/regressions/<target>/`, replayed through the very entry points
/// the fuzz targets call (`upwork_diag_diagnose::fuzzing`). An empty or missing corpus fails: a replay of
/// nothing would pass without testing anything.
#[test]
fn the_committed_fuzz_corpus_replays_without_a_panic() {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    for (target, entry_point) in fuzzing::TARGETS {
        let corpus = files_in(&fuzz.join("corpus").join(target));
        assert!(
            corpus.len() >= 10,
            "fuzz/corpus/{target}/ holds {} inputs: the minimized corpus must be committed \
             (docs/fuzzing.md)",
            corpus.len()
        );
        let regressions = files_in(&fuzz.join("regressions").join(target));
        for path in corpus.iter().chain(&regressions) {
            let input = std::fs::read(path).unwrap();
            if catch_unwind(AssertUnwindSafe(|| entry_point(&input))).is_err() {
                panic!("fuzz target {target} panicked on {}", path.display());
            }
        }
    }
}

/// The files of a directory, sorted; none when it does not exist.
fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}
