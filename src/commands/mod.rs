//! One file per subcommand. Each returns its exit code, or an error that `main` prints (exit 2).

pub mod completions;
pub mod demo;
pub mod diagnose;
pub mod explain;
pub mod flow;
mod input;
pub mod keycheck;
pub mod mock;
pub mod proxy;
pub mod scan;
pub mod serve;
pub mod sign;
mod summary;
pub mod terminal;
mod wire_view;

use crate::cli::{Cli, Command};

/// Bad input or usage: printed on stderr, exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

impl UsageError {
    pub fn new(message: impl Into<String>) -> Self {
        UsageError(message.into())
    }
}

/// The exit code for bad input or usage.
pub const EXIT_USAGE: u8 = 2;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<u8, UsageError> {
    match cli.command {
        Command::Diagnose(args) => diagnose::run(*args, terminal::Look::choose(cli.color)),
        Command::Sign(args) => sign::run(args),
        Command::Mock(args) => mock::run(args),
        Command::Proxy(args) => proxy::run(args),
        Command::Demo(args) => demo::run(args),
        Command::Explain(args) => explain::run(args),
        Command::Flow(args) => flow::run(args),
        Command::Scan(args) => scan::run(args),
        Command::Keycheck(args) => keycheck::run(args),
        Command::Completions(args) => completions::completions(args),
        Command::Man(args) => completions::man(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// A tokio runtime for one command; I/O errors here are the machine's, not the input's.
pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, UsageError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| UsageError::new(format!("cannot start the async runtime: {e}")))
}

/// The bound socket's address, announced as the first line on standard output: a contract,
/// scripts wait for `listening on http://ADDR` to learn the port (mock, serve, proxy).
pub(crate) fn announce(
    listener: &tokio::net::TcpListener,
) -> Result<std::net::SocketAddr, UsageError> {
    let addr = listener
        .local_addr()
        .map_err(|e| UsageError::new(e.to_string()))?;
    print_stdout(&format!("listening on http://{addr}\n"));
    Ok(addr)
}

/// Writes to standard output, through the redacting boundary.
pub(crate) fn print_stdout(text: &str) {
    upwork_diag_core::redact::boundary::print_stdout(text);
}
