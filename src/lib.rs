//! upwork-diag: diagnoses failing Upwork API calls.
//!
//! This crate is the command line on top of the workspace's layers (docs/DESIGN.md, "Crates"):
//! [`cli`] declares the commands and flags, [`commands`] runs them, [`console`] (`serve`) and
//! [`proxy`] capture calls and hand them to the diagnosis. The work itself is in the crates below:
//! `upwork-diag-core` (request model, OAuth 1.0, Upwork's rules, redaction), `upwork-diag-import`
//! (curl, HAR, raw HTTP), `upwork-diag-diagnose` (checks, replay, pipeline, bundle, scan),
//! `upwork-diag-mock` (the emulator) and `upwork-diag-keycheck`.

pub mod cli;
pub mod commands;
pub mod console;
pub mod proxy;
