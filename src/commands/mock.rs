//! `upwork-diag mock`: the Upwork emulator in the foreground until Ctrl-C or SIGTERM.

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
        mock::serve_until(listener, config, shutdown_signal())
            .await
            .map_err(|e| UsageError::new(format!("emulator: {e}")))
    })?;
    Ok(0)
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
