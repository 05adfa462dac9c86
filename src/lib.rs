//! upwork-diag: diagnoses failing Upwork API calls.
//!
//! A call as the developer made it is captured ([`request`]), checked offline ([`checks`]), replayed
//! byte for byte ([`replay`]), its answer classified ([`classify`]), explained ([`diagnosis`]) and
//! written to a support bundle that holds no secret ([`bundle`]); every byte written passes
//! [`redact`]. [`mock`] is an Upwork emulator
//! that reproduces the known failures, for the demo, the tests and CI.

pub mod bundle;
pub mod checks;
pub mod classify;
pub mod cli;
pub mod commands;
pub mod console;
pub mod correct;
pub mod credentials;
pub mod diagnosis;
pub mod environment;
pub mod exchange;
pub mod findings;
pub mod front_end;
pub mod fuzzing;
pub mod keycheck;
pub mod limits;
pub mod mock;
pub mod oauth;
pub mod pipeline;
pub mod proxy;
pub mod redact;
pub mod redirects;
pub mod refresh;
pub mod replay;
pub mod request;
pub mod routing;
pub mod scan;
pub mod upwork;
pub mod username;
