//! The state every connection shares.

use std::sync::{Mutex, MutexGuard};

use tokio::sync::watch;

use super::MockConfig;
use super::head::RawHead;
use super::journal::{Entry, Journal};
use super::store::{Nonces, RateWindow, Tokens};
use upwork_diag_core::redact::Redactor;

pub(crate) struct Shared {
    pub config: MockConfig,
    /// The port the emulator listens on: a call whose `Host` names it was addressed to the emulator.
    pub own_port: u16,
    /// Knows the secrets of the keys: each journal entry starts from a copy of it.
    pub known_secrets: Redactor,
    pub nonces: Mutex<Nonces>,
    pub tokens: Mutex<Tokens>,
    pub journal: Mutex<Journal>,
    pub rate: Mutex<RateWindow>,
    /// Turns true when the server shuts down; long waits watch it.
    pub stop: watch::Receiver<bool>,
    /// One clone per raw-stage task; shutdown waits until all are dropped.
    tasks: watch::Receiver<()>,
}

impl Shared {
    pub fn new(
        config: MockConfig,
        own_port: u16,
        stop: watch::Receiver<bool>,
        tasks: watch::Receiver<()>,
    ) -> Shared {
        let mut known_secrets = Redactor::default();
        for (label, secret) in config.keys.secrets() {
            known_secrets.learn_given(label, secret);
        }
        Shared {
            known_secrets,
            own_port,
            nonces: Mutex::new(Nonces::new(config.limits.nonces)),
            tokens: Mutex::default(),
            journal: Mutex::new(Journal::new(
                config.limits.journal_entries,
                config.limits.journal_bytes,
            )),
            config,
            rate: Mutex::default(),
            stop,
            tasks,
        }
    }

    /// Held by a task for as long as shutdown should wait for it.
    pub fn task_guard(&self) -> watch::Receiver<()> {
        self.tasks.clone()
    }

    /// A line to the caller's logger, if it gave one.
    pub fn log(&self, line: &str) {
        if let Some(logger) = &self.config.logger {
            logger(line);
        }
    }

    pub fn record(&self, entry: Entry) {
        let line = format!(
            "{} {} -> {}",
            entry.method,
            entry.target,
            match (entry.status, entry.fault) {
                (_, Some(fault)) => format!("fault {fault}"),
                (Some(status), None) => status.to_string(),
                (None, None) => "no answer".to_string(),
            }
        );
        lock(&self.journal).push(entry);
        self.log(&line);
    }

    /// Records a request answered on the raw socket, before its body was read.
    pub fn record_raw(&self, head: &RawHead, status: Option<u16>, fault: Option<&'static str>) {
        let mut entry = Entry::new(
            &self.known_secrets,
            &head.method,
            &head.target,
            &head.headers,
            &[],
        );
        entry.status = status;
        entry.fault = fault;
        self.record(entry);
    }
}

/// Locks a mutex, going on after a panic elsewhere: the data stays usable for an emulator.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use crate::MockConfig;
    use crate::testing::{head, send, shared_with};

    #[test]
    fn each_request_is_logged_in_one_line_with_what_was_answered() {
        let lines = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = Arc::clone(&lines);
        let shared = shared_with(
            MockConfig::default()
                .with_logger(move |line| seen.lock().unwrap().push(line.to_string())),
        );
        send(&shared, "GET", "/nowhere", &[], "");
        let raw = head("GET", "/__fault/hang/x", &[]);
        shared.record_raw(&raw, None, Some("hang"));
        shared.record_raw(&raw, Some(400), None);
        shared.record_raw(&raw, None, None);
        assert_eq!(
            *lines.lock().unwrap(),
            [
                "GET /nowhere -> 404",
                "GET /__fault/hang/x -> fault hang",
                "GET /__fault/hang/x -> 400",
                "GET /__fault/hang/x -> no answer",
            ]
        );
        let journal = send(&shared, "GET", crate::REQUESTS_PATH, &[], "").json();
        assert_eq!(journal["total"], 4);
        assert_eq!(journal["requests"][1]["fault"], "hang");
        assert_eq!(journal["requests"][2]["status"], 400);
    }
}
