//! The integration tests: one test binary for the crate, linked once whatever the number of
//! subjects, with a module per subject. Each runs the real binary against real servers on
//! 127.0.0.1 (the emulator, raw TCP listeners, a browser, clients this project did not write).

mod common;

mod bounded_input;
mod browser;
mod bundle_atomic;
mod bundle_limits;
mod canary_walk;
mod cert_store;
mod cli;
mod console;
mod content_length_rules;
mod diagnose;
mod environment;
mod failures;
mod faults;
mod freshness;
mod golden;
mod help;
mod input_habits;
mod inputs;
mod install;
mod interop;
mod keycheck;
mod leaks;
mod messages;
mod oauth2;
mod output_errors;
mod proxy;
mod raw_host;
mod readme;
mod redaction;
mod scan;
mod terminal;
