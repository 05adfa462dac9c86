//! Each Content-Length rule, per method and per framing, from both sides: the offline check's
//! verdict on a raw request (`diagnose --raw --offline`) and the emulator's answer to the same
//! bytes sent over a raw TCP socket. Upwork's front end wants the length of a POST, PUT or PATCH
//! before the body (the API FAQ's "HTML message with code 411"); a POST that carries
//! `http_method=put|delete` is a POST on the wire, so it needs one too; a GET or a real DELETE
//! does not. Chunks do not count as a length, a `Content-Length` beside them is ignored
//! (RFC 9112 section 6.3), and a wrong length leaves the server waiting for bytes that never come.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::common::{Emulator, upwork_diag};
use upwork_diag_mock::{Keys, MockConfig};

/// How the body's length is told: extra header lines and the bytes after the blank line.
struct Framing {
    name: &'static str,
    headers: &'static str,
    body: &'static str,
}

const FRAMINGS: &[Framing] = &[
    Framing {
        name: "no length",
        headers: "",
        body: "",
    },
    Framing {
        name: "Content-Length: 0",
        headers: "Content-Length: 0\r\n",
        body: "",
    },
    Framing {
        name: "the right length",
        headers: "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n",
        body: "a=1",
    },
    Framing {
        name: "a wrong length",
        headers: "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 10\r\n",
        body: "a=1",
    },
    Framing {
        name: "chunked",
        headers: "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n",
        body: "3\r\na=1\r\n0\r\n\r\n",
    },
    Framing {
        name: "chunked and a length",
        headers: "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n",
        body: "3\r\na=1\r\n0\r\n\r\n",
    },
];

/// A method as the request line writes it, and the query that may overload it.
struct Method {
    name: &'static str,
    verb: &'static str,
    query: &'static str,
    /// Whether the front end needs the length before the body.
    needs_length: bool,
}

const METHODS: &[Method] = &[
    Method {
        name: "POST",
        verb: "POST",
        query: "",
        needs_length: true,
    },
    Method {
        name: "PUT",
        verb: "PUT",
        query: "",
        needs_length: true,
    },
    Method {
        name: "PATCH",
        verb: "PATCH",
        query: "",
        needs_length: true,
    },
    Method {
        name: "POST carrying http_method=put",
        verb: "POST",
        query: "?http_method=put",
        needs_length: true,
    },
    Method {
        name: "POST carrying http_method=delete",
        verb: "POST",
        query: "?http_method=delete",
        needs_length: true,
    },
    Method {
        name: "DELETE",
        verb: "DELETE",
        query: "",
        needs_length: false,
    },
    Method {
        name: "GET",
        verb: "GET",
        query: "",
        needs_length: false,
    },
];

/// What the emulator answers on the wire.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Wire {
    /// 411 Length Required: refused at the front end, before any OAuth check.
    LengthRequired,
    /// Past the front end to the route: the OAuth check refuses the unsigned GET (401), and the
    /// path serves no other method (405).
    PastTheFrontEnd,
    /// The body never completes: 408 once the emulator's body timeout ends.
    WaitsForTheBody,
}

/// The length findings the offline check gives, and the emulator's answer, for one case.
fn expected(method: &Method, framing: &Framing) -> (&'static [&'static str], Wire) {
    const NONE: &[&str] = &[];
    match (framing.name, method.needs_length) {
        ("no length", true) => (&["content-length-missing"], Wire::LengthRequired),
        ("chunked" | "chunked and a length", true) => {
            (&["content-length-missing"], Wire::LengthRequired)
        }
        ("a wrong length", _) => (&["content-length-mismatch"], Wire::WaitsForTheBody),
        _ => (NONE, Wire::PastTheFrontEnd),
    }
}

const PATH: &str = "/api/hr/v2/teams.json";

fn request_bytes(method: &Method, framing: &Framing) -> String {
    format!(
        "{} {PATH}{} HTTP/1.1\r\nHost: www.upwork.com\r\nUser-Agent: length-rules/1\r\n{}\r\n{}",
        method.verb, method.query, framing.headers, framing.body
    )
}

/// The length findings of `diagnose --raw --offline` on the request.
fn offline_verdict(dir: &std::path::Path, request: &str) -> Vec<String> {
    let file = dir.join("request.http");
    std::fs::write(&file, request).unwrap();
    let output = upwork_diag()
        .args([
            "diagnose",
            "--offline",
            "--no-bundle",
            "--format",
            "json",
            "--raw",
        ])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        matches!(output.status.code(), Some(0 | 1 | 4 | 5)),
        "{request:?}: exit {:?}: {stderr}",
        output.status.code()
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{request:?}: {e}: {stderr}"));
    crate::common::finding_codes(&report)
        .into_iter()
        .filter(|c| c.starts_with("content-length") || c.starts_with("chunked"))
        .collect()
}

/// The emulator's status for the request, sent byte for byte on a fresh connection.
fn wire_status(base_url: &str, request: &str) -> u16 {
    let address = base_url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut byte = [0u8; 1];
    while !answer.ends_with(b"\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => answer.push(byte[0]),
            other => panic!("{request:?}: no status line ({other:?}): {answer:?}"),
        }
    }
    let line = String::from_utf8_lossy(&answer);
    line.split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("{request:?}: {line:?}"))
}

fn wire_kind(status: u16) -> Option<Wire> {
    match status {
        411 => Some(Wire::LengthRequired),
        401 | 405 => Some(Wire::PastTheFrontEnd),
        408 => Some(Wire::WaitsForTheBody),
        _ => None,
    }
}

#[test]
fn each_length_rule_holds_per_method_and_framing_offline_and_on_the_wire() {
    let mut config = MockConfig::new(Keys::demo());
    // A wrong length holds the call until the body timeout: a short one keeps the test quick.
    config.limits.body_timeout = Duration::from_millis(800);
    let emulator = Emulator::with_config(config);
    let dir = tempfile::tempdir().unwrap();
    let mut wrong = Vec::new();
    for method in METHODS {
        for framing in FRAMINGS {
            let request = request_bytes(method, framing);
            let (codes, wire) = expected(method, framing);
            let verdict = offline_verdict(dir.path(), &request);
            if verdict != codes {
                wrong.push(format!(
                    "{} with {}: offline {verdict:?}, expected {codes:?}",
                    method.name, framing.name
                ));
            }
            let status = wire_status(&emulator.base_url, &request);
            if wire_kind(status) != Some(wire) {
                wrong.push(format!(
                    "{} with {}: the emulator answered {status}, expected {wire:?}",
                    method.name, framing.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn accept_chunked_lets_chunks_through_and_nothing_else() {
    let mut config = MockConfig::new(Keys::demo());
    config.accept_chunked = true;
    let emulator = Emulator::with_config(config);
    for method in METHODS.iter().filter(|m| m.needs_length) {
        for framing in FRAMINGS.iter().filter(|f| f.name != "a wrong length") {
            let request = request_bytes(method, framing);
            let expected = if framing.name == "no length" {
                Wire::LengthRequired
            } else {
                Wire::PastTheFrontEnd
            };
            let status = wire_status(&emulator.base_url, &request);
            assert_eq!(
                wire_kind(status),
                Some(expected),
                "{} with {}: {status}",
                method.name,
                framing.name
            );
        }
    }
}
