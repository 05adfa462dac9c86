//! The Upwork emulator: a local server that answers like Upwork's front end and legacy API, strictly,
//! so that a client that passes here is right, and that misbehaves on request to test clients.
//!
//! What it checks, in order: a fault mode asked for (see [`fault`]); a POST, PUT or PATCH without
//! Content-Length, chunked ones included unless [`MockConfig::accept_chunked`] (411, HTML page);
//! the route, with POST + `http_method=put|delete` routed as PUT or DELETE (404, 405); the OAuth
//! 1.0 signature (HMAC-SHA1 or PLAINTEXT, RFC 5849), consumer key, token, timestamp window and nonce reuse (401 with `X-Upwork-Error-Code` and
//! `X-Upwork-Error-Message`), or the OAuth 2 bearer token (see `oauth2.rs`); the key's permission for
//! the endpoint (403). Then it answers with canned data. Also: the OAuth 2 token endpoint and
//! authorization page, `/graphql` with scopes per token (see `graphql.rs`), the rate limit (more
//! than [`MockConfig::rate_limit`] calls per second from one address: 429), retired legacy
//! endpoints (410) and keys of the wrong format. `GET /__mock/requests` lists what it received (secrets masked), `DELETE` clears it.
//! A fault mode is asked for with the path prefix `/__fault/<mode>/` or the header
//! `X-Mock-Fault: <mode>`.
//!
//! It prints nothing: lines go to the [`Logger`] the caller gives, if any.

mod app;
mod body;
mod canned;
mod conn;
pub mod demo;
pub mod fault;
mod flow;
mod graphql;
mod head;
pub mod journal;
mod keys;
mod oauth2;
mod oauth_check;
mod responses;
mod state;
mod store;
#[cfg(test)]
mod testing;

pub use app::REQUESTS_PATH;
pub use fault::Fault;
pub use keys::{AccessToken, Consumer, Keys, KeysError, OAuth2Token};

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

/// Where the emulator's log lines go (one line per request, accept errors). The CLI prints them.
pub type Logger = Arc<dyn Fn(&str) + Send + Sync>;

/// Size and time limits, so that a broken client cannot hold the emulator.
#[derive(Debug, Clone)]
pub struct Limits {
    /// The most bytes of request line and headers (431 past it).
    pub max_head_bytes: usize,
    /// The most body bytes (413 past it).
    pub max_body_bytes: usize,
    /// How long a client may take to send the whole head; the connection is closed after it.
    pub head_timeout: Duration,
    /// How long a client may take to send the whole body (408 after it).
    pub body_timeout: Duration,
    /// The most requests the journal keeps; the oldest go first.
    pub journal_entries: usize,
    /// The most bytes the journal keeps, counted as `/__mock/requests` writes them (JSON); the
    /// oldest go first. This bounds the answer of `/__mock/requests` whatever clients send.
    pub journal_bytes: usize,
    /// The most nonces remembered; past it the oldest is forgotten first (nonces also expire with
    /// the timestamp window).
    pub nonces: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_head_bytes: 64 * 1024,
            max_body_bytes: 1024 * 1024,
            head_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            journal_entries: 1000,
            journal_bytes: 8 * 1024 * 1024,
            nonces: 100_000,
        }
    }
}

/// How to run the emulator.
#[derive(Clone)]
pub struct MockConfig {
    pub keys: Keys,
    /// Where log lines go; `None` keeps it silent.
    pub logger: Option<Logger>,
    pub limits: Limits,
    /// How far `oauth_timestamp` may be from the server clock, either way (Upwork: 300 s).
    pub timestamp_window: Duration,
    /// How long shutdown waits for requests in flight before dropping them.
    pub shutdown_grace: Duration,
    /// The most API calls one client address may make per second (429 past it); `None` for no
    /// limit. Upwork allows [`UPWORK_RATE_LIMIT`]; `upwork-diag mock` applies it, while an emulator
    /// embedded through [`MockConfig::new`] (tests, the demo) leaves it off unless asked, so that a
    /// test's burst of calls is not refused by chance.
    pub rate_limit: Option<u32>,
    /// Whether a POST, PUT or PATCH may declare its length with `Transfer-Encoding: chunked`
    /// instead of `Content-Length`. Off by default: Upwork's front end answers such a request with
    /// 411 (the API FAQ's "HTML message with code 411"), and an emulator that accepted it would
    /// pass the PHP calls that Upwork refuses. `upwork-diag mock --accept-chunked` turns it on for
    /// apps that need chunked bodies accepted while they test something else.
    pub accept_chunked: bool,
}

/// Upwork's rate limit: calls per second per client address.
pub const UPWORK_RATE_LIMIT: u32 = 10;

impl MockConfig {
    /// The given keys, default limits, no logger.
    pub fn new(keys: Keys) -> MockConfig {
        MockConfig {
            keys,
            logger: None,
            limits: Limits::default(),
            timestamp_window: Duration::from_secs(300),
            shutdown_grace: Duration::from_secs(5),
            rate_limit: None,
            accept_chunked: false,
        }
    }

    /// The same configuration, with Upwork's rate limit ([`UPWORK_RATE_LIMIT`] calls per second per
    /// client address).
    pub fn with_upwork_rate_limit(mut self) -> MockConfig {
        self.rate_limit = Some(UPWORK_RATE_LIMIT);
        self
    }

    /// The same configuration, logging each line through `logger`.
    pub fn with_logger(mut self, logger: impl Fn(&str) + Send + Sync + 'static) -> MockConfig {
        self.logger = Some(Arc::new(logger));
        self
    }
}

impl Default for MockConfig {
    /// The built-in demo keys ([`Keys::demo`]).
    fn default() -> Self {
        MockConfig::new(Keys::demo())
    }
}

impl fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockConfig")
            .field("keys", &self.keys)
            .field("logger", &self.logger.is_some())
            .field("limits", &self.limits)
            .field("timestamp_window", &self.timestamp_window)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("rate_limit", &self.rate_limit)
            .field("accept_chunked", &self.accept_chunked)
            .finish()
    }
}

/// An emulator running in the background. Dropping it stops it too, without waiting.
pub struct RunningMock {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl RunningMock {
    /// The address it listens on (the real port when 0 was asked for).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, to put before a path.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops accepting, lets requests in flight finish (within the grace period) and waits.
    pub async fn shutdown(mut self) -> io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        match self.task.take() {
            Some(task) => task.await.map_err(io::Error::other)?,
            None => Ok(()),
        }
    }
}

impl Drop for RunningMock {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Binds `addr` (use port 0 for a free one) and runs the emulator in the background.
pub async fn start(addr: SocketAddr, config: MockConfig) -> io::Result<RunningMock> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve_until(listener, config, async move {
        // A dropped sender stops it as well as a sent value.
        let _ = stopped.await;
    }));
    Ok(RunningMock {
        addr,
        stop: Some(stop),
        task: Some(task),
    })
}

/// Runs the emulator on `listener` until `shutdown` completes (the CLI passes Ctrl-C / SIGTERM),
/// then stops accepting, lets requests in flight finish within the grace period, and returns.
pub async fn serve_until<F>(
    listener: TcpListener,
    config: MockConfig,
    shutdown: F,
) -> io::Result<()>
where
    F: Future<Output = ()> + Send + 'static,
{
    let local = listener.local_addr()?;
    let grace = config.shutdown_grace;
    let (stop_tx, stop_rx) = watch::channel(false);
    let (tasks_tx, tasks_rx) = watch::channel(());
    let shared = Arc::new(state::Shared::new(config, local.port(), stop_rx, tasks_rx));
    let acceptor = tokio::spawn(conn::accept_loop(listener, Arc::clone(&shared)));
    shutdown.await;
    let _ = stop_tx.send(true);
    let _ = acceptor.await;
    drop(shared);
    // Idle connections end at once; a request in flight is answered (closing) within the grace.
    let _ = tokio::time::timeout(grace, tasks_tx.closed()).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limits_are_the_documented_ones() {
        let limits = Limits::default();
        assert_eq!(limits.max_head_bytes, 65_536);
        assert_eq!(limits.max_body_bytes, 1_048_576);
        assert_eq!(limits.head_timeout, Duration::from_secs(10));
        assert_eq!(limits.body_timeout, Duration::from_secs(30));
        assert_eq!(limits.journal_entries, 1000);
        assert_eq!(limits.journal_bytes, 8_388_608);
        assert_eq!(limits.nonces, 100_000);
    }

    #[test]
    fn an_embedded_emulator_has_no_rate_limit_unless_asked() {
        let config = MockConfig::default();
        assert_eq!(config.rate_limit, None);
        assert_eq!(config.timestamp_window, Duration::from_secs(300));
        assert_eq!(config.shutdown_grace, Duration::from_secs(5));
        assert!(!config.accept_chunked && config.logger.is_none());
        assert_eq!(config.with_upwork_rate_limit().rate_limit, Some(10));
        let shown = format!("{:?}", MockConfig::default().with_logger(|_| {}));
        assert!(shown.contains("logger: true"), "{shown}");
        assert!(shown.contains("accept_chunked: false"), "{shown}");
        assert!(!shown.contains(demo::CONSUMER_SECRET), "{shown}");
    }

    #[tokio::test]
    async fn a_started_emulator_says_where_it_listens_and_stops() {
        let mock = start("127.0.0.1:0".parse().unwrap(), MockConfig::default())
            .await
            .unwrap();
        assert_ne!(mock.addr().port(), 0);
        assert_eq!(
            mock.base_url(),
            format!("http://127.0.0.1:{}", mock.addr().port())
        );
        let addr = mock.addr();
        mock.shutdown().await.unwrap();
        // Stopped when `shutdown` returns: the address takes no connection any more.
        assert!(std::net::TcpStream::connect(addr).is_err());
    }
}
