//! `upwork-diag keycheck`: an API key request against the Special Projects checkpoints.

use super::UsageError;
use crate::cli::{Format, KeycheckArgs};
use upwork_diag_keycheck::{self as keycheck, Macros, Report};

/// Exit 0 when every checkpoint passes, 1 when one rejects, 5 when none rejects but one needs the
/// agent's judgment; a bad request or macros file is a usage error (2).
pub fn run(args: KeycheckArgs) -> Result<u8, UsageError> {
    let macros = match &args.macros {
        Some(path) => Macros::read(path).map_err(|e| UsageError::new(format!("keycheck: {e}")))?,
        None => Macros::default(),
    };
    let request = keycheck::request::read(&args.file)
        .map_err(|e| UsageError::new(format!("keycheck: {e}")))?;
    let report = Report::new(
        args.file.display().to_string(),
        &keycheck::check(&request),
        &macros,
    );
    super::print_stdout(&match args.format {
        Format::Text => report.text(),
        Format::Json => report.json(),
    });
    Ok(report.exit_code())
}
