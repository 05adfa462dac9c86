//! Shared pieces of the binary's tests: the emulator on a loopback port, a recording TCP relay in
//! front of it, requests signed with the demo keys, and the binary with a clean environment.
#![allow(dead_code)]

pub mod canary;
pub mod console;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

use upwork_diag_mock::{self as mock, Keys, MockConfig, RunningMock};

/// The emulator, running on its own runtime for as long as this value lives.
pub struct Emulator {
    mock: Option<RunningMock>,
    runtime: tokio::runtime::Runtime,
    pub base_url: String,
}

impl Emulator {
    pub fn start() -> Emulator {
        Self::with_keys(Keys::demo())
    }

    pub fn with_keys(keys: Keys) -> Emulator {
        Self::with_config(MockConfig::new(keys))
    }

    /// The emulator with a configuration of the test's own (shorter limits, say).
    pub fn with_config(config: MockConfig) -> Emulator {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let mock = runtime
            .block_on(mock::start("127.0.0.1:0".parse().unwrap(), config))
            .expect("the emulator starts");
        let base_url = mock.base_url();
        Emulator {
            mock: Some(mock),
            runtime,
            base_url,
        }
    }

    /// The requests the emulator received, from `/__mock/requests`.
    pub fn received(&self) -> serde_json::Value {
        let url = format!("{}/__mock/requests", self.base_url);
        let body = http_get(&url);
        serde_json::from_str(&body).expect("the journal is JSON")
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(mock) = self.mock.take() {
            let _ = self.runtime.block_on(mock.shutdown());
        }
    }
}

/// A plain HTTP/1.1 GET over a TCP socket; the body of the answer.
pub fn http_get(url: &str) -> String {
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (_, body) = answer.split_once("\r\n\r\n").unwrap();
    body.to_string()
}

/// The bytes one connection sent, shared with the thread that records them.
type Recorded = Arc<Mutex<Vec<u8>>>;

/// A TCP relay that records every byte each client sent before forwarding it upstream.
pub struct RecordingRelay {
    pub base_url: String,
    pub connections: Arc<Mutex<Vec<Recorded>>>,
}

impl RecordingRelay {
    pub fn start(upstream: &str) -> RecordingRelay {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        let connections: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let recorded = Arc::clone(&connections);
        thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(mut client) = client else { break };
                let Ok(mut server) = TcpStream::connect(&upstream) else {
                    break;
                };
                let bytes = Arc::new(Mutex::new(Vec::new()));
                recorded.lock().unwrap().push(Arc::clone(&bytes));
                let mut client_reader = client.try_clone().unwrap();
                let mut server_writer = server.try_clone().unwrap();
                thread::spawn(move || {
                    let mut buffer = [0u8; 8192];
                    while let Ok(n) = client_reader.read(&mut buffer) {
                        if n == 0 || server_writer.write_all(&buffer[..n]).is_err() {
                            break;
                        }
                        bytes.lock().unwrap().extend_from_slice(&buffer[..n]);
                    }
                    let _ = server_writer.shutdown(Shutdown::Write);
                });
                thread::spawn(move || {
                    let _ = std::io::copy(&mut server, &mut client);
                    let _ = client.shutdown(Shutdown::Write);
                });
            }
        });
        RecordingRelay {
            base_url,
            connections,
        }
    }

    /// The bytes each connection sent, as text, in the order the connections came.
    pub fn sent(&self) -> Vec<String> {
        self.connections
            .lock()
            .unwrap()
            .iter()
            .map(|c| String::from_utf8_lossy(&c.lock().unwrap()).into_owned())
            .collect()
    }
}

/// The binary, with no UPWORK_* variable or proxy inherited from the machine running the tests.
pub fn upwork_diag() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::from_std(upwork_diag_process());
    command.timeout(std::time::Duration::from_secs(60));
    command
}

/// [`upwork_diag`] as a plain process, for a test that gives it its own standard output.
pub fn upwork_diag_process() -> std::process::Command {
    let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin!("upwork-diag"));
    for name in [
        "UPWORK_CONSUMER_KEY",
        "UPWORK_CONSUMER_SECRET",
        "UPWORK_TOKEN",
        "UPWORK_TOKEN_SECRET",
        "UPWORK_ACCESS_TOKEN",
        "UPWORK_REFRESH_TOKEN",
        "http_proxy",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
    ] {
        command.env_remove(name);
    }
    command
}

/// The credentials of a demo consumer and its token, as environment variables.
pub fn demo_env(
    consumer_key: &str,
    consumer_secret: &str,
    token: Option<(&str, &str)>,
) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("UPWORK_CONSUMER_KEY", consumer_key.to_string()),
        ("UPWORK_CONSUMER_SECRET", consumer_secret.to_string()),
    ];
    if let Some((token, secret)) = token {
        env.push(("UPWORK_TOKEN", token.to_string()));
        env.push(("UPWORK_TOKEN_SECRET", secret.to_string()));
    }
    env
}

/// Every file under a directory, read as bytes, with its path.
pub fn files_under(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            files.push((path, bytes));
        }
    }
    files
}

/// The codes of a bundle's findings, in order.
pub fn finding_codes(bundle: &serde_json::Value) -> Vec<String> {
    bundle["findings"]
        .as_array()
        .expect("a bundle has a findings list")
        .iter()
        .map(|f| {
            f["code"]
                .as_str()
                .expect("a finding has a code")
                .to_string()
        })
        .collect()
}

/// The first finding of a bundle (or `--format json` output) with this code; panics naming the
/// codes present when there is none.
#[allow(dead_code)]
pub fn finding<'b>(bundle: &'b serde_json::Value, code: &str) -> &'b serde_json::Value {
    bundle["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["code"] == code))
        .unwrap_or_else(|| panic!("no {code} among {:?}", finding_codes(bundle)))
}

/// `upwork-diag ARGS` with a terminal as its standard input, output and error (util-linux
/// `script`), with `env` set and `input` typed into it (then Ctrl-D); what the terminal showed.
/// `None`, with a visible `skipped:` line, when `script` is absent, unless
/// `UPWORK_DIAG_REQUIRE_TOOLS` (set by `.ci/run`) makes that a failure.
#[allow(clippy::disallowed_methods)] // the skip is said on the process's own stderr
pub fn in_a_terminal(args: &[&str], env: &[(&str, &str)], input: &[u8]) -> Option<String> {
    use std::process::{Command, Stdio};
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_script {
        assert!(
            std::env::var_os("UPWORK_DIAG_REQUIRE_TOOLS").is_none(),
            "UPWORK_DIAG_REQUIRE_TOOLS is set but util-linux `script` is missing"
        );
        // The harness keeps a passing test's prints to itself; the process's own stderr is shown
        // by a plain `cargo test` (and found by `.ci/run`).
        let _ = writeln!(
            std::io::stderr(),
            "skipped: util-linux `script` (a terminal for the test) is not installed"
        );
        return None;
    }
    let binary = assert_cmd::cargo::cargo_bin("upwork-diag");
    let quoted: Vec<String> = std::iter::once(binary.display().to_string())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
        .collect();
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c"])
        .arg(quoted.join(" "))
        .arg("/dev/null")
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CLICOLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in [
        "UPWORK_CONSUMER_SECRET",
        "UPWORK_TOKEN_SECRET",
        "UPWORK_ACCESS_TOKEN",
    ] {
        command.env_remove(name);
    }
    command.envs(env.iter().copied());
    let mut child = command.spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    if !input.is_empty() {
        stdin.write_all(input).unwrap();
        // The end of input as a person types it: Ctrl-D at the start of a line, once read.
        std::thread::sleep(std::time::Duration::from_millis(500));
        stdin.write_all(b"\x04").unwrap();
    }
    let output = child.wait_with_output().unwrap();
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// `upwork-diag mock` as a child process (no rate limit; the demo keys, or `--keys`), its log
/// (stderr) going to a file: what the emulator writes there is an output like any other.
pub struct MockProcess {
    child: std::process::Child,
    pub base_url: String,
    log: std::path::PathBuf,
}

impl MockProcess {
    pub fn start(keys: Option<&std::path::Path>, log: &std::path::Path) -> MockProcess {
        use std::io::BufRead;
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_upwork-diag"));
        command.args(["mock", "--listen", "127.0.0.1:0", "--no-rate-limit"]);
        if let Some(keys) = keys {
            command.arg("--keys").arg(keys);
        }
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .stderr(std::fs::File::create(log).unwrap())
            .spawn()
            .unwrap();
        let mut first = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let base_url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        MockProcess {
            child,
            base_url,
            log: log.to_path_buf(),
        }
    }

    /// Stops it and returns everything it logged.
    pub fn stop(mut self) -> String {
        self.terminate();
        std::fs::read_to_string(&self.log).unwrap()
    }

    /// Stops it as a person would, with SIGTERM: its buffered log is written out on the way
    /// (a SIGKILL would lose the last 100 ms of lines). Killed if it has not ended in 10 s.
    fn terminate(&mut self) {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        // SAFETY: kill(2) on our own child's pid, which has not been waited for yet.
        unsafe {
            libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM);
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while matches!(self.child.try_wait(), Ok(None)) {
            if std::time::Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.wait();
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        self.terminate();
    }
}

/// A rustls server configuration for one certificate (DER) and its PKCS#8 key.
pub fn tls_server_config(cert: Vec<u8>, key: Vec<u8>) -> rustls::ServerConfig {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(cert)],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)),
        )
        .unwrap()
}

/// The fixtures' self-signed certificate for `localhost`, which no trust store knows.
pub fn self_signed_localhost_config() -> rustls::ServerConfig {
    tls_server_config(
        include_bytes!("../../../fixtures/tls/self-signed-localhost.cert.der").to_vec(),
        include_bytes!("../../../fixtures/tls/self-signed-localhost.key.der").to_vec(),
    )
}

/// A TLS server on `localhost` with a self-signed certificate no trust store knows; it answers
/// a request properly if one ever comes through.
pub fn self_signed_tls_server() -> String {
    let config = Arc::new(self_signed_localhost_config());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!(
        "https://localhost:{}",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = Arc::clone(&config);
            std::thread::spawn(move || {
                let connection = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(connection, stream);
                let mut buf = [0u8; 4096];
                if matches!(tls.read(&mut buf), Ok(n) if n > 0) {
                    let _ = tls.write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}",
                    );
                }
            });
        }
    });
    base
}

/// A raw server on 127.0.0.1 that reads each request head and answers with `answer` as it is, then
/// closes: for answers the emulator never gives. Returns its base URL.
pub fn answering(answer: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let answer = std::sync::Arc::clone(&answer);
            std::thread::spawn(move || {
                let mut head = Vec::new();
                let mut byte = [0u8; 1];
                while !head.ends_with(b"\r\n\r\n") && matches!(stream.read(&mut byte), Ok(1)) {
                    head.push(byte[0]);
                }
                let _ = stream.write_all(&answer);
            });
        }
    });
    base
}
