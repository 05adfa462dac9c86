//! `upwork-diag proxy` with real clients: a TLS client of our own that speaks CONNECT as apps do,
//! the official OAuth 2 bindings (Python and Node) run unmodified with only the proxy and CA
//! variables, and a local TLS server standing in for Upwork. Faults: a port in use, an unwritable
//! CA directory, a client that does not trust the CA, an upstream that refuses or hangs.

// A test's own note about a skipped peer goes to the terminal as it is: it holds no secret.
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::common::canary::{assert_clean, files_text};
use serde_json::Value;
use upwork_diag_mock::demo;

/// `upwork-diag proxy` as a child process: stdout read line by line, stderr to a file.
struct Proxy {
    child: Child,
    addr: String,
    lines: mpsc::Receiver<String>,
    stderr: PathBuf,
}

impl Proxy {
    fn start(dir: &Path, args: &[&str]) -> Proxy {
        let stderr = dir.join("proxy.stderr");
        let mut child = Command::new(env!("CARGO_BIN_EXE_upwork-diag"))
            .arg("proxy")
            .args(["--listen", "127.0.0.1:0"])
            .arg("--ca-dir")
            .arg(dir.join("ca"))
            .arg("--out")
            .arg(dir.join("bundles"))
            .args(args)
            .env_remove("HTTPS_PROXY")
            .env_remove("https_proxy")
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .to_string();
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proxy {
            child,
            addr,
            lines,
            stderr,
        }
    }

    fn ca_file(dir: &Path) -> PathBuf {
        dir.join("ca").join("ca.pem")
    }

    /// The next stdout line that contains `needle`, waiting up to 20 s.
    fn line_with(&self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        let mut seen = Vec::new();
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(line) => seen.push(line),
                Err(_) => break,
            }
        }
        panic!("no stdout line with {needle:?}; saw {seen:#?}");
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Ctrl-C, then everything else it printed on stdout, and its exit code.
    fn interrupt(mut self) -> (String, Option<i32>) {
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGINT);
        }
        let deadline = Instant::now() + Duration::from_secs(20);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "the proxy did not stop on Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        let mut rest = String::new();
        while let Ok(line) = self.lines.recv_timeout(Duration::from_secs(2)) {
            rest.push_str(&line);
            rest.push('\n');
        }
        (rest, status.code())
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The roots of a TLS client that trusts only the CA in `pem` (or nothing, when `None`).
fn roots(pem: Option<&Path>) -> rustls::RootCertStore {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    if let Some(pem) = pem {
        for cert in CertificateDer::pem_file_iter(pem).unwrap() {
            roots.add(cert.unwrap()).unwrap();
        }
    }
    roots
}

/// Reads a response head (up to the blank line) off a plain stream.
fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// What an app does through `HTTPS_PROXY`: CONNECT to `host`, TLS trusting `roots`, one request
/// (which should say `Connection: close`), the whole answer as bytes.
fn call_through(
    proxy: &str,
    host: &str,
    roots: rustls::RootCertStore,
    request: &[u8],
) -> Result<Vec<u8>, String> {
    let mut tcp = TcpStream::connect(proxy).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        tcp,
        "CONNECT {host}:443 HTTP/1.1\r\nHost: {host}:443\r\n\r\n"
    )
    .unwrap();
    let head = read_head(&mut tcp);
    if !head.starts_with("HTTP/1.1 200") {
        return Err(format!("CONNECT refused: {head}"));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connection =
        rustls::ClientConnection::new(Arc::new(config), host.to_string().try_into().unwrap())
            .unwrap();
    let mut tls = rustls::StreamOwned::new(connection, tcp);
    tls.write_all(request).map_err(|e| e.to_string())?;
    let mut answer = Vec::new();
    match tls.read_to_end(&mut answer) {
        Ok(_) => Ok(answer),
        // A server that closes without close_notify still sent its whole answer.
        Err(_) if !answer.is_empty() => Ok(answer),
        Err(e) => Err(e.to_string()),
    }
}

fn bearer_get(path: &str, token: &str) -> Vec<u8> {
    format!(
        "GET {path} HTTP/1.1\r\nHost: www.upwork.com\r\nAuthorization: Bearer {token}\r\nAccept: application/json\r\nUser-Agent: proxy-test/1.0\r\nConnection: close\r\n\r\n"
    )
    .into_bytes()
}

fn status_of(answer: &[u8]) -> u16 {
    String::from_utf8_lossy(answer)
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The bundle directories written under `dir/bundles`.
fn bundles(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("bundles")) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
    found.sort();
    found
}

fn bundle_json(bundle: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(bundle.join("bundle.json")).unwrap()).unwrap()
}

#[test]
fn emulator_upstream_serves_good_calls_and_writes_a_bundle_naming_the_missing_scope() {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("session.har");
    let proxy = Proxy::start(dir.path(), &["--har", har.to_str().unwrap()]);
    let ca = Proxy::ca_file(dir.path());

    let good = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(Some(&ca)),
        &bearer_get("/api/hr/v2/teams.json", demo::OAUTH2_TOKEN),
    )
    .unwrap();
    assert_eq!(status_of(&good), 200, "{}", String::from_utf8_lossy(&good));
    assert!(String::from_utf8_lossy(&good).contains("Demo Team"));

    let limited = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(Some(&ca)),
        &bearer_get("/api/hr/v2/teams.json", demo::OAUTH2_LIMITED_TOKEN),
    )
    .unwrap();
    assert_eq!(status_of(&limited), 403);
    let line = proxy.line_with("-> 403");
    assert!(
        line.starts_with("GET /api/hr/v2/teams.json -> 403: scope-missing"),
        "{line}"
    );

    // Only the failing call has a bundle, and it names the missing permission.
    let written = bundles(dir.path());
    assert_eq!(written.len(), 1, "{written:?}");
    let bundle = bundle_json(&written[0]);
    assert_eq!(crate::common::finding_codes(&bundle), ["scope-missing"]);
    assert_eq!(bundle["response"]["status"], 403);
    let report = std::fs::read_to_string(written[0].join("report.md")).unwrap();
    assert!(
        report.contains("View the structure of your companies/teams"),
        "{report}"
    );

    let (rest, code) = proxy.interrupt();
    assert_eq!(code, Some(0), "{rest}");
    assert!(
        rest.contains("proxy stopped: 2 Upwork call(s), 1 failing; findings: scope-missing (1)"),
        "{rest}"
    );
    // The session's HAR reads back with `scan` and `diagnose --har`.
    let scan = crate::common::upwork_diag()
        .arg("scan")
        .arg(&har)
        .output()
        .unwrap();
    let scanned = String::from_utf8_lossy(&scan.stdout);
    assert!(
        scanned.contains("2 Upwork API calls checked") && scanned.contains("scope-missing 1"),
        "{scanned}"
    );
    let diagnosed = crate::common::upwork_diag()
        .args(["diagnose", "--offline", "-q", "--no-bundle", "--har"])
        .arg(&har)
        .output()
        .unwrap();
    assert_eq!(diagnosed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&diagnosed.stdout).contains("scope-missing"));
}

#[test]
fn the_ca_is_made_once_with_a_private_key_only_the_user_reads() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let first = Proxy::start(dir.path(), &[]);
    let made = first.line_with("the proxy's CA");
    assert!(made.starts_with("made the proxy's CA: "), "{made}");
    let exports = first.line_with("NODE_EXTRA_CA_CERTS");
    let ca = Proxy::ca_file(dir.path());
    assert!(
        exports.contains(&format!("REQUESTS_CA_BUNDLE={}", ca.display())),
        "{exports}"
    );
    drop(first);
    let key = std::fs::metadata(dir.path().join("ca").join("ca-key.pem")).unwrap();
    assert_eq!(key.permissions().mode() & 0o777, 0o600);
    let pem = std::fs::read(&ca).unwrap();

    let second = Proxy::start(dir.path(), &[]);
    assert!(
        second
            .line_with("the proxy's CA")
            .starts_with("using the proxy's CA: ")
    );
    assert_eq!(std::fs::read(&ca).unwrap(), pem, "the CA was made again");
}

/// A stand-in for Upwork: TLS for `localhost` with a certificate of a CA made here (written to
/// `ca_file` for `--upstream-ca`); answers one request with `answer` and sends back the bytes it
/// received.
fn tls_stand_in(answer: &'static [u8], ca_file: &Path) -> (String, mpsc::Receiver<Vec<u8>>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::default();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    std::fs::write(ca_file, ca_cert.pem()).unwrap();
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_string()])
        .unwrap()
        .signed_by(&leaf_key, &Issuer::new(ca_params, &ca_key))
        .unwrap();
    let config = crate::common::tls_server_config(leaf.der().to_vec(), leaf_key.serialize_der());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("localhost:{}", listener.local_addr().unwrap().port());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        let connection = rustls::ServerConnection::new(Arc::new(config)).unwrap();
        let mut tls = rustls::StreamOwned::new(connection, tcp);
        let mut received = Vec::new();
        let mut chunk = [0u8; 4096];
        while !received.ends_with(b"\r\n\r\n") {
            match tls.read(&mut chunk) {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
        let _ = tls.write_all(answer);
        let _ = tls.flush();
        tls.conn.send_close_notify();
        let _ = tls.flush();
        let _ = tx.send(received);
    });
    (addr, rx)
}

#[test]
fn upwork_upstream_gets_the_call_byte_for_byte_and_the_app_its_answer_byte_for_byte() {
    const ANSWER: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Odd-Header:  kept as is \r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"teams\":[],\"x\":1}\n";
    let dir = tempfile::tempdir().unwrap();
    let stand_in_ca = dir.path().join("stand-in-ca.pem");
    let (addr, received) = tls_stand_in(ANSWER, &stand_in_ca);
    let upstream_ca = stand_in_ca.to_str().unwrap();
    let proxy = Proxy::start(
        dir.path(),
        &[
            "--upstream",
            "upwork",
            "--upstream-addr",
            &addr,
            "--upstream-ca",
            upstream_ca,
        ],
    );
    // Odd but legal bytes that a rewriting proxy would normalise: header case, spacing, order.
    let request = b"GET /api/hr/v2/teams.json?q=a%20b HTTP/1.1\r\nhost: www.upwork.com\r\nX-Custom:   spaced\r\nauthorization: Bearer some-token\r\nConnection: close\r\n\r\n";
    let answer = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(Some(&Proxy::ca_file(dir.path()))),
        request,
    )
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&received.recv_timeout(Duration::from_secs(10)).unwrap()),
        String::from_utf8_lossy(request),
        "the proxy answered: {}",
        String::from_utf8_lossy(&answer)
    );
    assert_eq!(answer, ANSWER.to_vec());
    let (rest, _) = proxy.interrupt();
    assert!(
        rest.contains("1 Upwork call(s), 0 failing; no findings"),
        "{rest}"
    );
    assert!(bundles(dir.path()).is_empty());
}

#[test]
fn a_port_in_use_is_named_and_nothing_is_left_behind() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let dir = tempfile::tempdir().unwrap();
    let output = crate::common::upwork_diag()
        .args(["proxy", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--ca-dir")
        .arg(dir.path().join("ca"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("--listen 127.0.0.1:{port}")) && stderr.contains("in use"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
    assert!(!dir.path().join("ca").exists());
}

#[test]
fn an_unwritable_ca_directory_is_named_and_no_half_ca_is_left() {
    let dir = tempfile::tempdir().unwrap();
    // A file where a directory should be: no one, root included, can make a directory inside it.
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, "x").unwrap();
    let ca_dir = blocker.join("ca");
    let output = crate::common::upwork_diag()
        .args(["proxy", "--listen", "127.0.0.1:0"])
        .arg("--ca-dir")
        .arg(&ca_dir)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&format!("CA directory {}", ca_dir.display()))
            && stderr.contains("--ca-dir"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&output.stdout).contains("listening on"));
    assert!(!ca_dir.exists());
}

#[test]
fn a_client_that_does_not_trust_the_ca_is_told_which_variable_to_set_and_others_are_served() {
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(dir.path(), &[]);
    let ca = Proxy::ca_file(dir.path());
    let refused = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(None),
        &bearer_get("/api/hr/v2/teams.json", demo::OAUTH2_TOKEN),
    );
    assert!(refused.is_err(), "{refused:?}");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !proxy.stderr_text().contains("does not trust") && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let stderr = proxy.stderr_text();
    assert!(
        stderr.contains("does not trust the proxy's CA")
            && stderr.contains(&format!("NODE_EXTRA_CA_CERTS={}", ca.display()))
            && stderr.contains(&format!("REQUESTS_CA_BUNDLE={}", ca.display())),
        "{stderr}"
    );
    let served = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(Some(&ca)),
        &bearer_get("/api/hr/v2/teams.json", demo::OAUTH2_TOKEN),
    )
    .unwrap();
    assert_eq!(status_of(&served), 200);
}

#[test]
fn an_upstream_that_refuses_gets_a_502_and_a_line_and_the_proxy_serves_on() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let dir = tempfile::tempdir().unwrap();
    let upstream_ca = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/tls/self-signed-localhost.cert.der"
    );
    let proxy = Proxy::start(
        dir.path(),
        &[
            "--upstream",
            "upwork",
            "--upstream-addr",
            &format!("localhost:{port}"),
            "--upstream-ca",
            upstream_ca,
        ],
    );
    let ca = Proxy::ca_file(dir.path());
    for _ in 0..2 {
        let answer = call_through(
            &proxy.addr,
            "www.upwork.com",
            roots(Some(&ca)),
            &bearer_get("/api/hr/v2/teams.json", "t"),
        )
        .unwrap();
        assert_eq!(status_of(&answer), 502);
        assert!(String::from_utf8_lossy(&answer).contains("cannot connect"));
        let line = proxy.line_with("no answer from the upstream");
        assert!(line.starts_with("GET /api/hr/v2/teams.json -> "), "{line}");
    }
    let (rest, _) = proxy.interrupt();
    assert!(
        rest.contains("2 without an answer from the upstream"),
        "{rest}"
    );
}

#[test]
fn an_upstream_that_hangs_gets_a_504_while_other_clients_are_served() {
    // Accepts and never answers.
    let hanging = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = hanging.local_addr().unwrap().port();
    let _held = std::thread::spawn(move || {
        let mut kept = Vec::new();
        for stream in hanging.incoming().take(2) {
            kept.push(stream);
            std::thread::sleep(Duration::from_secs(5));
        }
    });
    // Another host, reached through a plain tunnel while the Upwork call hangs.
    let other = TcpListener::bind("127.0.0.1:0").unwrap();
    let other_port = other.local_addr().unwrap().port();
    std::thread::spawn(move || {
        if let Ok((mut stream, _)) = other.accept() {
            let mut byte = [0u8; 5];
            let _ = stream.read_exact(&mut byte);
            let _ = stream.write_all(&byte);
        }
    });
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::start(
        dir.path(),
        &[
            "--upstream",
            "upwork",
            "--upstream-addr",
            &format!("localhost:{port}"),
            "--upstream-timeout",
            "2",
        ],
    );
    let ca = Proxy::ca_file(dir.path());
    let addr = proxy.addr.clone();
    let started = Instant::now();
    let hung = std::thread::spawn(move || {
        call_through(
            &addr,
            "www.upwork.com",
            roots(Some(&ca)),
            &bearer_get("/api/hr/v2/teams.json", "t"),
        )
    });
    std::thread::sleep(Duration::from_millis(300));
    let mut tunnel = TcpStream::connect(&proxy.addr).unwrap();
    tunnel
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        tunnel,
        "CONNECT 127.0.0.1:{other_port} HTTP/1.1\r\nHost: 127.0.0.1:{other_port}\r\n\r\n"
    )
    .unwrap();
    assert!(read_head(&mut tunnel).starts_with("HTTP/1.1 200"));
    tunnel.write_all(b"hello").unwrap();
    let mut echoed = [0u8; 5];
    tunnel.read_exact(&mut echoed).unwrap();
    assert_eq!(&echoed, b"hello");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the tunnel waited for the hung call"
    );

    let answer = hung.join().unwrap().unwrap();
    assert_eq!(
        status_of(&answer),
        504,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(String::from_utf8_lossy(&answer).contains("--upstream-timeout"));
    assert!(
        proxy
            .line_with("no answer from the upstream")
            .contains("no whole answer within 2 s")
    );
}

#[test]
fn no_canary_secret_reaches_the_proxy_outputs() {
    const BEARER: &str = "CANARY-proxy-bearer-1";
    const COOKIE: &str = "CANARY-proxy-cookie-2";
    const QUERY_TOKEN: &str = "CANARY-proxy-query-3";
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("session.har");
    let proxy = Proxy::start(dir.path(), &["--har", har.to_str().unwrap()]);
    let ca = Proxy::ca_file(dir.path());
    let request = format!(
        "GET /api/hr/v2/teams.json?access_token={QUERY_TOKEN} HTTP/1.1\r\nHost: www.upwork.com\r\nAuthorization: Bearer {BEARER}\r\nCookie: session={COOKIE}\r\nConnection: close\r\n\r\n"
    );
    let answer = call_through(
        &proxy.addr,
        "www.upwork.com",
        roots(Some(&ca)),
        request.as_bytes(),
    )
    .unwrap();
    assert_eq!(
        status_of(&answer),
        401,
        "{}",
        String::from_utf8_lossy(&answer)
    );
    let line = proxy.line_with("-> 401");
    let (rest, _) = proxy.interrupt();
    let written = bundles(dir.path());
    assert_eq!(written.len(), 1, "the failing call has a bundle");
    let secrets = [BEARER, COOKIE, QUERY_TOKEN];
    assert_clean("live line", &line, &secrets);
    assert_clean("stdout", &rest, &secrets);
    assert_clean(
        "stderr",
        &std::fs::read_to_string(dir.path().join("proxy.stderr")).unwrap(),
        &secrets,
    );
    assert_clean(
        "bundles",
        &files_text(&dir.path().join("bundles")),
        &secrets,
    );
    assert_clean("HAR", &std::fs::read_to_string(&har).unwrap(), &secrets);
}

/// The environment of a binding run through the proxy: the demo keys, the proxy, the CA file.
fn binding_env(proxy: &Proxy, ca: &Path) -> Vec<(&'static str, String)> {
    let ca = ca.display().to_string();
    let mut env = binding_env_demo();
    env.extend([
        ("HTTPS_PROXY", format!("http://{}", proxy.addr)),
        ("SSL_CERT_FILE", ca.clone()),
        ("REQUESTS_CA_BUNDLE", ca.clone()),
        ("NODE_EXTRA_CA_CERTS", ca),
    ]);
    env
}

const REQUIRE: &str = "UPWORK_DIAG_REQUIRE_INTEROP";

fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop")
}

/// True when `probe` runs; else says `skipped:` (a failure when the suite is required).
fn peer_ready(name: &str, probe: &mut Command, install: &str) -> bool {
    if probe.output().is_ok_and(|o| o.status.success()) {
        return true;
    }
    assert!(
        std::env::var_os(REQUIRE).is_none(),
        "{REQUIRE} is set but {name} cannot run ({install})"
    );
    // The harness keeps eprintln! to itself for a passing test; the process's stderr is shown.
    let _ = writeln!(
        std::io::stderr(),
        "skipped: {name} is not installed ({install})"
    );
    false
}

/// Runs a binding's script through a fresh proxy; checks the good calls, the limited one's
/// bundle and the HAR. `status` reads a call's status from the script's result.
fn binding_through_proxy(mut script: Command, status: fn(&Value) -> Option<u16>) {
    let dir = tempfile::tempdir().unwrap();
    let har = dir.path().join("session.har");
    let proxy = Proxy::start(dir.path(), &["--har", har.to_str().unwrap()]);
    let ca = Proxy::ca_file(dir.path());
    let output = script
        .current_dir(interop_dir())
        .envs(binding_env(&proxy, &ca))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "the binding failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    let by_name = |name: &str| {
        results
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no call {name} in {results:#?}"))
    };
    for good in ["teams", "job-delete", "graphql-user"] {
        let call = by_name(good);
        assert!(
            call["error"].is_null() && status(call).is_none_or(|s| s == 200),
            "{good} failed through the proxy: {call:#}"
        );
    }
    assert_eq!(status(by_name("limited-scope")).unwrap_or(403), 403);
    let line = proxy.line_with("scope-missing");
    assert!(line.contains("-> 403"), "{line}");
    let written = bundles(dir.path());
    assert_eq!(written.len(), 1, "only the limited call fails: {written:?}");
    let report = std::fs::read_to_string(written[0].join("report.md")).unwrap();
    assert!(
        report.contains("scope-missing")
            && report.contains("View the structure of your companies/teams")
    );
    let (rest, code) = proxy.interrupt();
    assert_eq!(code, Some(0));
    assert!(
        rest.contains("1 failing; findings: scope-missing (1)"),
        "{rest}"
    );
    let scan = crate::common::upwork_diag()
        .arg("scan")
        .arg(&har)
        .output()
        .unwrap();
    let scanned = String::from_utf8_lossy(&scan.stdout);
    assert!(
        scanned.contains("4 Upwork API calls checked") && scanned.contains("scope-missing 1"),
        "{scanned}"
    );
}

#[test]
fn the_official_python_oauth2_binding_runs_unmodified_through_the_proxy() {
    let pylib = interop_dir().join("pylib/oauth2");
    let python = || {
        let mut command = Command::new("python3");
        command.env("PYTHONPATH", &pylib);
        command
    };
    if !peer_ready(
        "python-upwork-oauth2",
        python().args(["-c", "import upwork.routers.graphql, requests"]),
        "pip install --target tests/interop/pylib/oauth2 python-upwork-oauth2==3.2.0",
    ) {
        return;
    }
    let mut script = python();
    script.arg("through_proxy.py");
    binding_through_proxy(script, |call| {
        // The binding returns Upwork's JSON; a refusal carries its status inside.
        call["returned"]["error"]["status"]
            .as_u64()
            .map(|s| s as u16)
    });
}

#[test]
fn the_official_node_oauth2_binding_runs_unmodified_through_the_proxy() {
    if !peer_ready(
        "@upwork/node-upwork-oauth2",
        Command::new("node")
            .current_dir(interop_dir())
            .args(["-e", "require('@upwork/node-upwork-oauth2')"]),
        "npm ci --prefix tests/interop",
    ) {
        return;
    }
    let mut script = Command::new("node");
    script.arg("through_proxy.js");
    binding_through_proxy(script, |call| call["status"].as_u64().map(|s| s as u16));
}

/// The README block under `heading`, as a reader copies it.
fn readme_block(heading: &str) -> String {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find(heading)
        .unwrap_or_else(|| panic!("README has no heading {heading:?}"));
    let rest = &readme[start..];
    let open = rest.find("```sh\n").unwrap() + "```sh\n".len();
    let close = rest[open..].find("```").unwrap();
    rest[open..open + close].to_string()
}

#[test]
fn the_readme_commands_for_python_and_node_run_as_written() {
    let pylib = interop_dir().join("pylib/oauth2");
    let python_ready = peer_ready(
        "python-upwork-oauth2",
        Command::new("python3")
            .env("PYTHONPATH", &pylib)
            .args(["-c", "import upwork.routers.graphql, requests"]),
        "pip install --target tests/interop/pylib/oauth2 python-upwork-oauth2==3.2.0",
    );
    let node_ready = peer_ready(
        "@upwork/node-upwork-oauth2",
        Command::new("node")
            .current_dir(interop_dir())
            .args(["-e", "require('@upwork/node-upwork-oauth2')"]),
        "npm ci --prefix tests/interop",
    );
    if !(python_ready && node_ready) {
        return;
    }
    let free = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port().to_string();
    drop(free);
    // Only the port and the app stand in for the reader's: the commands are the README's.
    let block = readme_block("## Run your app through upwork-diag")
        .replace("8089", &port)
        .replace("python3 app.py", "python3 \"$INTEROP/through_proxy.py\"")
        .replace("node app.js", "node \"$INTEROP/through_proxy.js\"");
    let home = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let binary = Path::new(env!("CARGO_BIN_EXE_upwork-diag"))
        .parent()
        .unwrap();
    let output = Command::new("bash")
        .args(["-e", "-c", &block])
        .current_dir(work.path())
        .env("HOME", home.path())
        .env_remove("XDG_CONFIG_HOME")
        .env_remove("UPWORK_DIAG_CA_DIR")
        .env(
            "PATH",
            format!(
                "{}:{}",
                binary.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("PYTHONPATH", &pylib)
        .env("INTEROP", interop_dir())
        .envs(binding_env_demo())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let log = std::fs::read_to_string(work.path().join("proxy.log")).unwrap_or_default();
    // `scan` ends the block: 1, as the limited-scope calls of both bindings are findings.
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout: {stdout}\nstderr: {}\nproxy.log: {log}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        home.path()
            .join(".config/upwork-diag/proxy-ca/ca.pem")
            .exists()
    );
    assert!(
        log.contains("8 Upwork call(s), 2 failing; findings: scope-missing (2)"),
        "{log}"
    );
    assert!(
        stdout.contains("8 Upwork API calls checked; calls with findings: scope-missing 2"),
        "{stdout}"
    );
}

/// The demo keys the binding scripts read.
fn binding_env_demo() -> Vec<(&'static str, String)> {
    vec![
        (
            "UPWORK_DIAG_DEMO_OAUTH2_CLIENT_ID",
            demo::CONSUMER_KEY.to_string(),
        ),
        (
            "UPWORK_DIAG_DEMO_OAUTH2_CLIENT_SECRET",
            demo::CONSUMER_SECRET.to_string(),
        ),
        (
            "UPWORK_DIAG_DEMO_OAUTH2_TOKEN",
            demo::OAUTH2_TOKEN.to_string(),
        ),
        (
            "UPWORK_DIAG_DEMO_OAUTH2_LIMITED_TOKEN",
            demo::OAUTH2_LIMITED_TOKEN.to_string(),
        ),
        ("UPWORK_DIAG_DEMO_TENANT_ID", demo::TENANT_ID.to_string()),
    ]
}
