//! The diagnosis layer's integration tests: one test binary for the crate, a module per subject.
//! The parsers under stress (and the fuzz corpus replayed), the two transports against real
//! servers on 127.0.0.1.

mod common;

mod parsers_stress;
mod replay;
