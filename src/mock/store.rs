//! What the emulator remembers between requests: the nonces seen within the timestamp window and
//! the tokens it issued through the OAuth 1.0 flow.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::Rng;

use super::keys::OAuth2Token;
use crate::credentials::Secret;

/// Nonces per consumer, each remembered until its window has passed.
#[derive(Default)]
pub(crate) struct Nonces {
    expiry: HashMap<(String, String), i64>,
}

impl Nonces {
    /// Remembers the nonce; false when this consumer used it before within the window.
    pub fn remember(
        &mut self,
        consumer_key: &str,
        nonce: &str,
        now: i64,
        window_secs: i64,
    ) -> bool {
        self.expiry.retain(|_, expires| *expires > now);
        let key = (consumer_key.to_string(), nonce.to_string());
        if self.expiry.contains_key(&key) {
            return false;
        }
        self.expiry.insert(key, now + window_secs);
        true
    }
}

/// A request token the emulator issued, waiting to be exchanged.
pub(crate) struct RequestToken {
    pub consumer_key: String,
    pub secret: Secret,
    pub callback: String,
}

/// An access token the emulator issued at the end of the flow.
pub(crate) struct IssuedAccessToken {
    pub consumer_key: String,
    pub secret: Secret,
    pub username: String,
}

/// Tokens issued through the flow.
#[derive(Default)]
pub(crate) struct Tokens {
    pub request: HashMap<String, RequestToken>,
    pub access: HashMap<String, IssuedAccessToken>,
    /// OAuth 2 authorization codes issued, with the client id each was issued to.
    pub codes: HashMap<String, String>,
    /// OAuth 2 tokens issued at the token endpoint, with their client id.
    pub oauth2: Vec<(String, OAuth2Token)>,
}

/// The calls of each client address within the last second, for the rate limit.
#[derive(Default)]
pub(crate) struct RateWindow {
    calls: HashMap<IpAddr, VecDeque<Instant>>,
}

impl RateWindow {
    /// Counts a call from `ip` at `now`; false when `limit` calls came within the second before.
    pub fn allow(&mut self, ip: IpAddr, now: Instant, limit: u32) -> bool {
        let window = Duration::from_secs(1);
        let calls = self.calls.entry(ip).or_default();
        while calls
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            calls.pop_front();
        }
        if calls.len() >= limit as usize {
            return false;
        }
        calls.push_back(now);
        true
    }
}

/// A fresh random value, hex, with a prefix that tells what it is.
pub(crate) fn random_token(prefix: &str) -> String {
    let bytes: [u8; 16] = rand::thread_rng().r#gen();
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{prefix}{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_limit_counts_per_address_within_a_second() {
        let mut window = RateWindow::default();
        let start = Instant::now();
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(window.allow(a, start, 2));
        assert!(window.allow(a, start, 2));
        assert!(!window.allow(a, start + Duration::from_millis(500), 2));
        assert!(window.allow(b, start + Duration::from_millis(500), 2));
        assert!(window.allow(a, start + Duration::from_millis(1001), 2));
    }

    #[test]
    fn a_nonce_is_refused_within_its_window_only() {
        let mut nonces = Nonces::default();
        assert!(nonces.remember("ck", "n1", 1000, 300));
        assert!(!nonces.remember("ck", "n1", 1100, 300));
        assert!(nonces.remember("other", "n1", 1100, 300));
        assert!(nonces.remember("ck", "n1", 1301, 300));
    }
}
