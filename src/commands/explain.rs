//! `upwork-diag explain CODE`: the long text of a finding code, the same as its docs page.

use super::UsageError;
use crate::cli::ExplainArgs;
use crate::findings;

pub fn run(args: ExplainArgs) -> Result<u8, UsageError> {
    if args.list {
        for doc in findings::ALL {
            super::print_stdout(&format!("{:<26} {}\n", doc.code, doc.title()));
        }
        return Ok(0);
    }
    let code = args.code.unwrap_or_default();
    match findings::lookup(&code) {
        Some(doc) => {
            super::print_stdout(doc.text);
            Ok(0)
        }
        None => Err(UsageError::new(format!(
            "explain: unknown finding code '{code}'; known codes: {}",
            findings::ALL
                .iter()
                .map(|d| d.code)
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}
