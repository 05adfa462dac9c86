//! A load client for the emulator's OAuth 1.0 calls: every request signed with a fresh nonce and
//! timestamp (wrk's Lua has no HMAC), each connection kept alive, for a given time. It prints the
//! requests per second of each window and the emulator's resident memory, then the last window
//! against the first: an emulator whose nonce store grows with every call slows down and swells.
//!
//!   cargo bench --bench oauth1_load -- URL [CONNECTIONS] [SECONDS] [WINDOW_SECONDS] [PID]
//!
//! URL is the emulator's base (`http://127.0.0.1:PORT`); PID, when given, is the emulator's process,
//! whose VmRSS is read from /proc at the end of each window. Defaults: 64 connections, 60 s,
//! windows of 10 s. Every answer must be 200 (a nonce refused as reused would be a 401): the run
//! fails otherwise. The last line, `oauth1-decay: ...`, is for scripts.
// Bench reports print directly: the redacting boundary is for the tool's own output.
#![allow(clippy::disallowed_macros)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use upwork_diag_core::oauth::{self, SignOptions};
use upwork_diag_core::request::{CapturedRequest, RawUrl, Source};
use upwork_diag_mock::demo;

const PATH: &str = "/api/auth/v1/info.json";

struct Counters {
    ok: AtomicU64,
    failed: AtomicU64,
    stop: AtomicBool,
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let Some(base) = args.first().cloned() else {
        eprintln!(
            "usage: cargo bench --bench oauth1_load -- URL [CONNECTIONS] [SECONDS] [WINDOW] [PID]"
        );
        std::process::exit(2);
    };
    let number = |i: usize, default: u64| {
        args.get(i).map_or(default, |a| {
            a.parse().unwrap_or_else(|_| {
                eprintln!("argument {i} ({a}) is not a whole number");
                std::process::exit(2)
            })
        })
    };
    let connections = number(1, 64);
    let seconds = number(2, 60);
    let window = number(3, 10).max(1);
    let pid = args.get(4).cloned();
    let addr = base
        .trim_start_matches("http://")
        .trim_end_matches('/')
        .to_string();

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime");
    let counters = Arc::new(Counters {
        ok: AtomicU64::new(0),
        failed: AtomicU64::new(0),
        stop: AtomicBool::new(false),
    });
    let windows = runtime.block_on(async {
        let mut clients = Vec::new();
        for _ in 0..connections {
            let counters = Arc::clone(&counters);
            let addr = addr.clone();
            clients.push(tokio::spawn(client(addr, counters)));
        }
        let mut windows = Vec::new();
        let started = Instant::now();
        let mut before = 0;
        for k in 1..=seconds.div_ceil(window) {
            let until = started + Duration::from_secs((k * window).min(seconds));
            tokio::time::sleep_until(until.into()).await;
            let now = counters.ok.load(Ordering::Relaxed);
            let span = (k * window).min(seconds) - (k - 1) * window;
            let rate = (now - before) as f64 / span as f64;
            before = now;
            let rss = pid.as_deref().and_then(rss_mib);
            let rss_text = rss.map_or(String::new(), |m| format!(", emulator RSS {m:.1} MiB"));
            println!(
                "window {k} ({}-{} s): {rate:.0} req/s{rss_text}",
                (k - 1) * window,
                (k * window).min(seconds)
            );
            windows.push((rate, rss));
        }
        counters.stop.store(true, Ordering::Relaxed);
        for client in clients {
            let _ = client.await;
        }
        windows
    });
    let failed = counters.failed.load(Ordering::Relaxed);
    let first = windows.first().map_or(0.0, |w| w.0);
    let last = windows.last().map_or(0.0, |w| w.0);
    let peak = windows.iter().filter_map(|w| w.1).fold(0.0, f64::max);
    println!(
        "oauth1-decay: first {first:.0} req/s, last {last:.0} req/s, last/first {:.2}, peak RSS {peak:.1} MiB, {} answered 200, {failed} failed",
        last / first.max(1.0),
        counters.ok.load(Ordering::Relaxed)
    );
    if failed > 0 {
        std::process::exit(1);
    }
}

/// One connection, calling until told to stop; a connection the emulator closed is opened again.
async fn client(addr: String, counters: Arc<Counters>) {
    let url = RawUrl::parse(&format!("http://{addr}{PATH}")).expect("a valid URL");
    let keys = oauth::Keys {
        consumer_key: demo::CONSUMER_KEY,
        consumer_secret: demo::CONSUMER_SECRET,
        token: Some(demo::TOKEN),
        token_secret: Some(demo::TOKEN_SECRET),
    };
    let unsigned = CapturedRequest {
        method: "GET".to_string(),
        url,
        headers: Vec::new(),
        body: Vec::new(),
        time: None,
        source: Source::Flags,
    };
    let mut buf = Vec::with_capacity(16 * 1024);
    while !counters.stop.load(Ordering::Relaxed) {
        let Ok(mut stream) = TcpStream::connect(&addr).await else {
            counters.failed.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        buf.clear();
        while !counters.stop.load(Ordering::Relaxed) {
            // A fresh nonce and timestamp each time, as a real client signs.
            let signed =
                oauth::sign_request_with(&unsigned, &keys, &SignOptions::default()).request;
            let mut bytes = format!("GET {PATH} HTTP/1.1\r\nHost: {addr}\r\n");
            for h in &signed.headers {
                bytes.push_str(&format!("{}: {}\r\n", h.name, h.value));
            }
            bytes.push_str("\r\n");
            if stream.write_all(bytes.as_bytes()).await.is_err() {
                break;
            }
            match read_answer(&mut stream, &mut buf).await {
                Some((status, closes)) => {
                    let counter = if status == 200 {
                        &counters.ok
                    } else {
                        &counters.failed
                    };
                    counter.fetch_add(1, Ordering::Relaxed);
                    if closes {
                        break;
                    }
                }
                None => break,
            }
        }
    }
}

/// Reads one answer (its head, then `content-length` bytes of body): its status, and whether it
/// closes the connection. `None` when the connection ended first.
async fn read_answer(stream: &mut TcpStream, buf: &mut Vec<u8>) -> Option<(u16, bool)> {
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 64];
        let mut response = httparse::Response::new(&mut headers);
        if let Ok(httparse::Status::Complete(head_len)) = response.parse(buf) {
            let header = |name: &str| {
                response
                    .headers
                    .iter()
                    .find(|h| h.name.eq_ignore_ascii_case(name))
                    .map(|h| String::from_utf8_lossy(h.value).to_ascii_lowercase())
            };
            let length: usize = header("content-length")?.trim().parse().ok()?;
            let closes = header("connection").is_some_and(|v| v.contains("close"));
            let status = response.code?;
            while buf.len() < head_len + length {
                buf.reserve(8192);
                if stream.read_buf(buf).await.ok()? == 0 {
                    return None;
                }
            }
            buf.drain(..head_len + length);
            return Some((status, closes));
        }
        buf.reserve(8192);
        if stream.read_buf(buf).await.ok()? == 0 {
            return None;
        }
    }
}

/// The resident memory of a process, from /proc (Linux).
fn rss_mib(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
