//! The importers' integration tests: one test binary for the crate, a module per subject.

mod corpora;
