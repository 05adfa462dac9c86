//! `upwork-diag keycheck`: an API key request against the Special Projects checkpoints.

use super::UsageError;
use crate::cli::{Format, KeycheckArgs};
use crate::keycheck::{self, Report};

/// Exit 0 when every checkpoint passes, 1 when one rejects; a bad file is a usage error (2).
pub fn run(args: KeycheckArgs) -> Result<u8, UsageError> {
    let request = keycheck::request::read(&args.file)
        .map_err(|e| UsageError::new(format!("keycheck: {e}")))?;
    let report = Report::new(args.file.display().to_string(), &keycheck::check(&request));
    super::print_stdout(&match args.format {
        Format::Text => report.text(),
        Format::Json => report.json(),
    });
    Ok(if report.approved { 0 } else { 1 })
}
