//! `upwork-diag mock`: the Upwork emulator in the foreground until Ctrl-C or SIGTERM.

use std::path::Path;

use super::UsageError;
use crate::cli::MockArgs;
use crate::mock::{self, Keys, MockConfig};

pub fn run(args: MockArgs) -> Result<u8, UsageError> {
    if !args.listen.ip().is_loopback() {
        return Err(UsageError::new(format!(
            "--listen {}: the emulator listens on loopback addresses only (127.0.0.1, ::1)",
            args.listen
        )));
    }
    let keys = match &args.keys {
        Some(path) => Keys::from_file(path).map_err(|e| UsageError::new(e.to_string()))?,
        None => Keys::demo(),
    };
    let mut config = MockConfig::new(keys).with_logger(crate::redact::boundary::print_stderr);
    if !args.no_rate_limit {
        config = config.with_upwork_rate_limit();
    }
    super::runtime()?.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| UsageError::new(format!("--listen {}: {e}", args.listen)))?;
        let addr = listener
            .local_addr()
            .map_err(|e| UsageError::new(e.to_string()))?;
        // The first line is a contract: scripts wait for it to learn the port.
        super::print_stdout(&format!("listening on http://{addr}\n"));
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
    })?;
    Ok(0)
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
async fn shutdown_signal() {
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
