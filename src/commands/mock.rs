//! `upwork-diag mock`: the Upwork emulator in the foreground until Ctrl-C or SIGTERM.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::UsageError;
use crate::cli::MockArgs;
use upwork_diag_core::redact::boundary::BufferedLog;
use upwork_diag_mock::{self as mock, Keys, MockConfig};

/// How often the request log is written out: soon enough for a person watching it.
const LOG_FLUSH_PERIOD: Duration = Duration::from_millis(100);

pub fn run(args: MockArgs) -> Result<u8, UsageError> {
    let listen = loopback_address(&args.listen)?;
    let keys = match &args.keys {
        Some(path) => Keys::from_file(path).map_err(|e| UsageError::new(e.to_string()))?,
        None => Keys::demo(),
    };
    let log = request_log(&args.log)?;
    let mut config = MockConfig::new(keys);
    if let Some(log) = &log {
        let sink = Arc::clone(log);
        config = config.with_logger(move |line| sink.line(line));
        BufferedLog::flush_every(log, LOG_FLUSH_PERIOD);
    }
    if !args.no_rate_limit {
        config = config.with_upwork_rate_limit();
    }
    config.accept_chunked = args.accept_chunked;
    let served = super::runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| UsageError::new(format!("--listen {}: {e}", args.listen)))?;
        let addr = super::announce(&listener)?;
        if let Some(path) = &args.ready_file {
            write_ready_file(path, &format!("http://{addr}\n"))?;
        }
        let served = mock::serve_until(listener, config, shutdown_signal())
            .await
            .map_err(|e| UsageError::new(format!("emulator: {e}")));
        // A file left behind would tell the next script an address nobody listens on.
        if let Some(path) = &args.ready_file {
            let _ = std::fs::remove_file(path);
        }
        served
    });
    // Every line of every request answered, before the process ends.
    if let Some(log) = &log {
        log.flush();
    }
    served?;
    Ok(0)
}

/// The log that `--log` names: `None` for `off`.
fn request_log(choice: &str) -> Result<Option<Arc<BufferedLog>>, UsageError> {
    match choice {
        "off" => Ok(None),
        "stderr" | "-" => Ok(Some(BufferedLog::stderr())),
        "" => Err(UsageError::new(
            "--log: expected stderr, off or a file name, got nothing".to_string(),
        )),
        path => BufferedLog::file(Path::new(path))
            .map(Some)
            .map_err(|e| UsageError::new(format!("--log {path}: cannot open it for writing: {e}"))),
    }
}

/// The address of `--listen`: an IP and port, or a name and port (`localhost:8089`) resolved to
/// its loopback address, IPv4 first as clients try it first. Only loopback: the emulator accepts
/// made-up keys and must not be reachable from elsewhere.
pub(crate) fn loopback_address(listen: &str) -> Result<SocketAddr, UsageError> {
    let addresses: Vec<SocketAddr> = listen
        .to_socket_addrs()
        .map_err(|e| {
            UsageError::new(format!(
                "--listen {listen}: expected HOST:PORT, e.g. 127.0.0.1:8080 or localhost:8080 ({e})"
            ))
        })?
        .collect();
    let loopback = |v4: bool| {
        addresses
            .iter()
            .find(|a| a.ip().is_loopback() && a.is_ipv4() == v4)
            .copied()
    };
    loopback(true).or_else(|| loopback(false)).ok_or_else(|| {
        UsageError::new(format!(
            "--listen {listen}: the emulator listens on loopback addresses only (127.0.0.1, ::1, localhost)"
        ))
    })
}

/// Writes the address under a temporary name beside `path`, then renames it into place: a script
/// polling for the file never reads it half written (an empty or cut address).
fn write_ready_file(path: &Path, contents: &str) -> Result<(), UsageError> {
    let failed =
        |e: std::io::Error| UsageError::new(format!("--ready-file {}: {e}", path.display()));
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().ok_or_else(|| {
        UsageError::new(format!("--ready-file {}: not a file name", path.display()))
    })?;
    let temp = dir.join(format!(
        ".{}.partial-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    std::fs::write(&temp, contents).map_err(failed)?;
    std::fs::rename(&temp, path).map_err(|e| {
        let _ = std::fs::remove_file(&temp);
        failed(e)
    })
}

/// Completes on Ctrl-C or SIGTERM.
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
