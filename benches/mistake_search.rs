//! The mistake search behind `signature-mismatch`: how long naming the mistake takes, for a typical
//! search call, when a mistake matches early and when none matches (every candidate tried).
//! Run with `cargo bench --bench mistake_search`. Goal: well under 10 ms; each line gives its
//! median's ratio to that goal. `BENCH_SHORT=1`: 20 samples instead of 300.
// Test and bench reports print directly: the redacting boundary is for the tool's own output.
#![allow(clippy::disallowed_macros)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use upwork_diag_core::oauth::{
    Keys, MistakeKind, SignOptions, SignedRequest, find_mistake, sign_with_mistake,
};
use upwork_diag_core::request::flags::from_flags;

/// The time the search may take, at most: a diagnosis names the mistake without a wait.
const GOAL: Duration = Duration::from_millis(10);

/// How many times each case is timed: a few in the short mode of benches/run.
fn samples() -> usize {
    if std::env::var_os("BENCH_SHORT").is_some_and(|v| !v.is_empty()) {
        20
    } else {
        300
    }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn measure(
    label: &str,
    signed: &SignedRequest,
    consumer_secret: &str,
    token_secret: &str,
    expect: Option<&str>,
) {
    let found = find_mistake(signed, consumer_secret, token_secret);
    assert_eq!(found.as_ref().map(|m| m.name), expect, "{label}");
    let samples: Vec<Duration> = (0..samples())
        .map(|_| {
            let start = Instant::now();
            black_box(find_mistake(
                black_box(signed),
                consumer_secret,
                token_secret,
            ));
            start.elapsed()
        })
        .collect();
    let worst = *samples.iter().max().unwrap();
    let median = median(samples);
    println!(
        "{label:<48} median {:>8.3} ms   max {:>8.3} ms   median/goal {:.3}",
        median.as_secs_f64() * 1e3,
        worst.as_secs_f64() * 1e3,
        median.as_secs_f64() / GOAL.as_secs_f64()
    );
}

fn main() {
    let keys = Keys {
        consumer_key: "bench-consumer-key",
        consumer_secret: "bench-consumer-secret",
        token: Some("bench-token"),
        token_secret: Some("bench-token-secret"),
    };
    let url = "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&skills=rust%2Cpython&paging=0%3B50&sort=create_time%20desc";
    let request = from_flags(Some("GET"), url, &[], None).unwrap();
    for (label, mistake, expect) in [
        (
            "space-as-plus (matches first)",
            MistakeKind::SpaceAsPlus,
            Some("space-as-plus"),
        ),
        (
            "token-secret-omitted (matches late)",
            MistakeKind::TokenSecretOmitted,
            Some("token-secret-omitted"),
        ),
    ] {
        let broken = sign_with_mistake(&request, &keys, &SignOptions::default(), mistake)
            .unwrap()
            .request;
        let signed = SignedRequest::from_request(&broken).unwrap().unwrap();
        measure(
            label,
            &signed,
            keys.consumer_secret,
            "bench-token-secret",
            expect,
        );
    }
    // A wrong secret: no mistake reproduces the signature, so every single and paired one is tried.
    let broken = sign_with_mistake(
        &request,
        &keys,
        &SignOptions::default(),
        MistakeKind::SpaceAsPlus,
    )
    .unwrap()
    .request;
    let signed = SignedRequest::from_request(&broken).unwrap().unwrap();
    measure(
        "no mistake matches (the whole search)",
        &signed,
        "another-secret",
        "bench-token-secret",
        None,
    );
}
