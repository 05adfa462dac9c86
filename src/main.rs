//! The `upwork-diag` binary: parses the command line, runs the command, sets the exit code.

use std::process::ExitCode;

use clap::Parser;
use upwork_diag::cli::Cli;
use upwork_diag::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            upwork_diag::redact::boundary::print_stderr(&format!("error: {error}"));
            ExitCode::from(commands::EXIT_USAGE)
        }
    }
}
