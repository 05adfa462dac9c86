//! API key requests, checked the way the Special Projects queue reviews them: seven fixed
//! checkpoints, each passed or rejected with a reason and the macro that answers it.
//!
//! [`request`] reads a request from JSON or TOML, [`checkpoints`] holds the rules, [`report`]
//! renders the result. The rules are explained, with examples, in docs/keycheck.md.

pub mod checkpoints;
pub mod report;
pub mod request;
mod words;

pub use checkpoints::{CHECKPOINTS, CheckResult, Checkpoint, check};
pub use report::Report;
pub use request::{Address, InputError, IntendedUse, KeyRequest};

/// The support queue that handles API key requests (and changes to a key's permissions).
pub const QUEUE: &str = "Special Projects";
