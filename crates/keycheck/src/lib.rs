//! API key requests, checked the way the Special Projects queue reviews them: the runbook's seven
//! checkpoints, each passed, rejected under one of its criteria, or left to the agent's judgment.
//!
//! [`request`] reads a request from JSON or TOML, [`rules`] decides each checkpoint,
//! [`checkpoints`] holds the runbook's table, [`macros`] the desk's own macro titles, [`report`]
//! renders the result. docs/keycheck.md says where each rule comes from.

pub mod checkpoints;
pub mod macros;
pub mod report;
pub mod request;
pub mod rules;
mod words;

pub use checkpoints::{
    CHECKPOINTS, CheckResult, Checkpoint, CheckpointOutcome, RUNBOOK_MACRO_TITLE, check,
};
pub use macros::Macros;
pub use report::Report;
pub use request::{Address, InputError, IntendedUse, KeyRequest};
