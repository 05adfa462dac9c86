//! The `upwork-diag` binary: parses the command line, runs the command, sets the exit code.

use std::process::ExitCode;

use clap::Parser;
use upwork_diag::cli::Cli;
use upwork_diag::commands;
use upwork_diag_core::redact::boundary;

/// mimalloc rather than the system's allocator: a scan makes and drops a few small strings for
/// every value of every entry it checks, and glibc's malloc and free took a sixth of its time.
/// Built without transparent huge pages, and set in `main` to give freed memory back at once:
/// otherwise a scan's peak memory grows by the buffers it outgrew (docs/DESIGN.md, "Scan").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // SAFETY: sets one of the allocator's options, which it reads when it next purges; no other
    // thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    run()
}

/// `mi_option_purge_delay` of mimalloc 3's `mimalloc.h` (the bindings do not name it): the
/// milliseconds before freed memory goes back to the system. Cargo.lock pins the version. Without
/// it, the scan over a 48 MiB ignored field of tests/suite/bounded_input.rs held 10 MiB more than
/// an empty scan instead of about 5 (that test allows 12, for a loaded machine).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn run() -> ExitCode {
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
