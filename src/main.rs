//! The `upwork-diag` binary: parses the command line, runs the command, sets the exit code.

use std::process::ExitCode;

use clap::Parser;
use upwork_diag::cli::Cli;
use upwork_diag::commands;
use upwork_diag_core::redact::boundary;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return clap_exit(&error),
    };
    match commands::run(cli) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            boundary::print_stderr(&format!("error: {error}"));
            ExitCode::from(commands::EXIT_USAGE)
        }
    }
}

/// Help, version and usage errors, written through the boundary like every other byte (a usage
/// error may quote an argument, and an argument may be a secret pasted in the wrong place).
fn clap_exit(error: &clap::Error) -> ExitCode {
    let text = error.render().to_string();
    if error.use_stderr() {
        boundary::print_stderr(text.trim_end_matches('\n'));
    } else {
        boundary::print_stdout(&text);
    }
    // clap's codes: 0 for help and version, 2 for a usage error.
    ExitCode::from(u8::try_from(error.exit_code()).unwrap_or(commands::EXIT_USAGE))
}
