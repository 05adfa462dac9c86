//! What the proxy keeps of the calls that pass: each Upwork exchange diagnosed from the answer that
//! passed (nothing is sent again), a bundle for each failing one, and the session's HAR.
//!
//! Everything written goes through the bundle's redaction and the process' boundary
//! (`redact::boundary`): the tokens a call carries are learned and hidden from every later output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};

use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::Outcome;
use upwork_diag_core::redact::boundary;
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_diagnose::bundle::{self, Context};
use upwork_diag_diagnose::environment::{self, Declared};
use upwork_diag_diagnose::exchange::{Exchange, Settings};
use upwork_diag_diagnose::pipeline;

/// The session so far.
pub struct Session {
    /// Where failing calls' bundles go, one directory each.
    out: PathBuf,
    upstream: &'static str,
    calls: AtomicUsize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    failing: usize,
    /// Finding code and how many calls had it.
    findings: BTreeMap<&'static str, usize>,
    /// The session's HAR entries, already redacted.
    entries: Vec<Value>,
    /// Calls whose answer never came (the upstream refused or hung).
    unanswered: usize,
}

impl Session {
    pub fn new(out: PathBuf, upstream: &'static str) -> Session {
        Session {
            out,
            upstream,
            calls: AtomicUsize::new(0),
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Counts a call whose upstream gave no answer; the live line says why.
    pub fn unanswered(&self, method: &str, path: &str, why: &str) {
        self.calls.fetch_add(1, Ordering::Relaxed);
        self.state().unanswered += 1;
        boundary::print_stdout(&format!(
            "{method} {} -> no answer from the upstream: {why}\n",
            shown_path(path)
        ));
    }

    /// Diagnoses one exchange that passed (`request` as the client sent it to `host`) and keeps
    /// what it needs: a live line and a bundle when it failed, its HAR entry always.
    pub async fn record(&self, host: &str, request: &[u8], response: CapturedResponse) {
        let number = self.calls.fetch_add(1, Ordering::Relaxed) + 1;
        let base = format!("https://{host}");
        let captured = match upwork_diag_import::raw::parse_raw(
            request,
            "a call through the proxy",
            Some(&base),
        ) {
            Ok(captured) => captured,
            Err(e) => {
                boundary::print_stderr(&format!("call {number}: not recorded: {e}"));
                return;
            }
        };
        let method = captured.method.clone();
        let path = captured.url.path().to_string();
        let status = response.status;
        let credentials = Credentials::default();
        let started =
            chrono::Utc::now() - chrono::Duration::from_std(response.elapsed).unwrap_or_default();
        let settings = Settings {
            offline: true,
            recorded: Some(response.clone()),
            ..Settings::default()
        };
        let environment = environment::describe(
            &Declared {
                library: None,
                language: None,
                platform: None,
                os: None,
            },
            captured.header("user-agent"),
        );
        let mut diagnosis = pipeline::diagnose(captured, &credentials, &settings).await;
        // The call was sent, by the app, through the proxy: the bundle shows what went and what
        // came back, as for a replay.
        diagnosis.exchange = Some(Exchange {
            request: diagnosis.captured.clone(),
            sent_headers: diagnosis.captured.headers.clone(),
            started,
            result: Ok(response),
        });
        let context = Context {
            credentials: &credentials,
            settings: &settings,
            environment,
            username_origin: "unknown",
            username: None,
            notes: vec![format!(
                "recorded by `upwork-diag proxy` as it passed (upstream: {}); the answer is the one the app got, nothing was sent again",
                self.upstream
            )],
        };
        let (bundle, mut redactor) = bundle::build(&diagnosis, &context);
        // A bearer token the call carried is hidden from every later line and file too.
        boundary::adopt(&redactor);
        let entry = bundle::har::render(&bundle)["log"]["entries"][0].take();
        let entry = serde_json::to_string(&entry).unwrap_or_default();
        let entry: Value =
            serde_json::from_str(&boundary::scrub(&redactor.text("exchange.har", &entry)))
                .unwrap_or(Value::Null);
        let failing = diagnosis.verdict.outcome != Outcome::Ok || status >= 400;
        let codes: Vec<&'static str> = diagnosis
            .findings
            .iter()
            .filter(|f| f.severity >= upwork_diag_core::diagnosis::Severity::Warning)
            .map(|f| f.code.as_str())
            .collect();
        {
            let mut state = self.state();
            state.entries.push(entry);
            if failing {
                state.failing += 1;
                for code in &codes {
                    *state.findings.entry(code).or_default() += 1;
                }
            }
        }
        if !failing {
            return;
        }
        let name = format!("{number:04}-{}", slug(&method, &path));
        let destination = bundle::Destination::Exact(self.out.join(&name));
        let written = std::fs::create_dir_all(&self.out)
            .map_err(|e| format!("cannot write the bundle {}: {e}", self.out.display()))
            .and_then(|_| {
                bundle::write_bundle(&bundle, &mut redactor, &destination, false)
                    .map_err(|e| e.to_string())
            });
        let codes = if codes.is_empty() {
            "no finding".to_string()
        } else {
            codes.join(", ")
        };
        let line = match written {
            Ok(files) => format!(
                "{method} {} -> {status}: {codes} (bundle {})\n",
                shown_path(&path),
                files.path.display()
            ),
            Err(e) => format!(
                "{method} {} -> {status}: {codes} (no bundle: {e})\n",
                shown_path(&path)
            ),
        };
        boundary::print_stdout(&redactor.text("stdout", &line));
    }

    /// The closing summary: calls, failing ones, findings.
    pub fn summary(&self) -> String {
        let calls = self.calls.load(Ordering::Relaxed);
        let state = self.state();
        let mut text = format!(
            "proxy stopped: {calls} Upwork call(s), {} failing",
            state.failing
        );
        if state.unanswered > 0 {
            text.push_str(&format!(
                ", {} without an answer from the upstream",
                state.unanswered
            ));
        }
        if state.findings.is_empty() {
            text.push_str("; no findings\n");
        } else {
            let findings: Vec<String> = state
                .findings
                .iter()
                .map(|(code, n)| format!("{code} ({n})"))
                .collect();
            text.push_str(&format!("; findings: {}\n", findings.join(", ")));
        }
        if state.failing > 0 {
            text.push_str(&format!("bundles in {}\n", self.out.display()));
        }
        text
    }

    /// Writes the session's HAR to `path`, whole or not at all (a temporary file renamed).
    pub fn write_har(&self, path: &Path) -> Result<(), String> {
        let entries = self.state().entries.clone();
        let har = json!({
            "log": {
                "version": "1.2",
                "creator": { "name": "upwork-diag proxy", "version": env!("CARGO_PKG_VERSION") },
                "entries": entries,
            }
        });
        let bytes = serde_json::to_vec_pretty(&har).expect("JSON values always serialize");
        let bytes = boundary::scrub_bytes(&bytes);
        let failed = |e: std::io::Error| format!("--har {}: {e}", path.display());
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| format!("--har {}: not a file name", path.display()))?;
        let temp = dir.join(format!(".{name}.partial-{}", std::process::id()));
        let written = (|| {
            use std::io::Write;
            use std::os::unix::fs::OpenOptionsExt;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(0o600)
                .open(&temp)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temp, path)
        })();
        if written.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        written.map_err(failed)
    }
}

/// The path without its query (which may hold a token), for a live line.
fn shown_path(path: &str) -> &str {
    path.split('?').next().unwrap_or(path)
}

/// `GET-hr-v2-teams`: a bundle name that says which call it is.
fn slug(method: &str, path: &str) -> String {
    let mut slug: String = format!("{method}-{}", shown_path(path))
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while slug.contains("--") {
        slug = slug.replace("--", "-");
    }
    slug.trim_matches('-').chars().take(60).collect()
}
