//! `upwork-diag scan`: offline checks over every Upwork API call of a HAR file (the engine is
//! [`upwork_diag_diagnose::scan`]).

use std::fs::File;

use super::UsageError;
use crate::cli::ScanArgs;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::redact::boundary;
use upwork_diag_diagnose::scan;

/// Exit code when some checked call has an error-severity finding.
const EXIT_FINDINGS: u8 = 1;

pub fn run(args: ScanArgs) -> Result<u8, UsageError> {
    let origin = args.file.display().to_string();
    let file = File::open(&args.file)
        .map_err(|e| UsageError::new(format!("{origin}: cannot read the file: {e}")))?;
    let entry_limit = upwork_diag_core::limits::har_entry_limit().map_err(UsageError::new)?;
    let credentials = Credentials::load(args.secrets_file.as_deref())
        .map_err(|e| UsageError::new(e.to_string()))?;
    boundary::register(&credentials);
    let options = scan::Options {
        origin: &origin,
        entry_limit,
        all: args.all,
        format: args.format,
        credentials: &credentials,
    };
    match scan::run(file, &options) {
        Ok(true) => Ok(EXIT_FINDINGS),
        Ok(false) => Ok(0),
        Err(error) => Err(UsageError::new(error.to_string())),
    }
}
