//! What the emulator remembers between requests: the nonces seen within the timestamp window and
//! the tokens it issued through the OAuth 1.0 flow.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::time::{Duration, Instant};

use rand::Rng;

use super::keys::OAuth2Token;
use upwork_diag_core::credentials::Secret;

/// Nonces per consumer, each remembered until its window has passed, at most `capacity` of them.
///
/// Kept in the order they expire (the window is the same for all), so forgetting the expired
/// ones looks only at the oldest: each request costs the same however many nonces are held.
pub(crate) struct Nonces {
    /// When each nonce remembered expires.
    expiry: HashMap<(String, String), i64>,
    /// The same nonces, oldest first.
    order: VecDeque<((String, String), i64)>,
    capacity: usize,
}

impl Nonces {
    pub fn new(capacity: usize) -> Nonces {
        Nonces {
            expiry: HashMap::new(),
            order: VecDeque::new(),
            capacity: capacity.max(1),
        }
    }

    /// Remembers the nonce; false when this consumer used it before within the window.
    pub fn remember(
        &mut self,
        consumer_key: &str,
        nonce: &str,
        now: i64,
        window_secs: i64,
    ) -> bool {
        while self
            .order
            .front()
            .is_some_and(|(_, expires)| *expires <= now)
        {
            self.forget_oldest();
        }
        let key = (consumer_key.to_string(), nonce.to_string());
        if self.expiry.contains_key(&key) {
            return false;
        }
        // Full: the oldest goes, so a flood costs the memory of `capacity` nonces, no more.
        while self.order.len() >= self.capacity {
            self.forget_oldest();
        }
        let expires = now + window_secs;
        self.expiry.insert(key.clone(), expires);
        self.order.push_back((key, expires));
        true
    }

    fn forget_oldest(&mut self) {
        if let Some((key, expires)) = self.order.pop_front()
            && self.expiry.get(&key) == Some(&expires)
        {
            self.expiry.remove(&key);
        }
    }

    /// How many nonces are remembered.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.expiry.len()
    }
}

/// A request token the emulator issued, waiting to be exchanged.
pub(crate) struct RequestToken {
    pub consumer_key: String,
    pub secret: Secret,
    pub callback: String,
    /// The verifier the authorization page gave for it; until then the demo verifier stands in.
    pub verifier: Option<String>,
    /// When it was issued (seconds since the epoch).
    pub issued_at: i64,
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
    /// OAuth 2 authorization codes issued, each with its client and redirect URI.
    pub codes: HashMap<String, IssuedCode>,
    /// OAuth 2 tokens issued at the token endpoint, with their client id.
    pub oauth2: Vec<(String, OAuth2Token)>,
    /// OAuth 2 refresh tokens replaced by a newer one, with when (seconds since the epoch): Upwork
    /// keeps one valid for a day after it was replaced (python-upwork-oauth2#11).
    pub rotated_refresh: HashMap<String, i64>,
}

/// An OAuth 2 authorization code the authorization page issued.
pub(crate) struct IssuedCode {
    pub client_id: String,
    /// The `redirect_uri` of the authorization request, which the token request must repeat.
    pub redirect_uri: Option<String>,
    /// When it was issued (seconds since the epoch).
    pub issued_at: i64,
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
    format!("{prefix}{}", hex::encode(bytes))
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
        let mut nonces = Nonces::new(100);
        assert!(nonces.remember("ck", "n1", 1000, 300));
        assert!(!nonces.remember("ck", "n1", 1100, 300));
        assert!(nonces.remember("other", "n1", 1100, 300));
        assert!(nonces.remember("ck", "n1", 1301, 300));
    }

    #[test]
    fn expired_nonces_are_forgotten_and_the_store_never_passes_its_capacity() {
        let mut nonces = Nonces::new(1000);
        // One nonce a second for an hour, a window of 300 s: about 300 held at any time.
        for second in 0..3600 {
            assert!(nonces.remember("ck", &format!("n{second}"), second, 300));
            assert!(nonces.len() <= 300, "{} held at {second}", nonces.len());
        }
        // A flood within one second: the oldest go first, the newest are still refused again.
        let mut nonces = Nonces::new(100);
        for i in 0..10_000 {
            assert!(nonces.remember("ck", &format!("f{i}"), 0, 300));
        }
        assert_eq!(nonces.len(), 100);
        assert!(!nonces.remember("ck", "f9999", 0, 300));
        assert!(nonces.remember("ck", "f0", 0, 300));
    }
}
