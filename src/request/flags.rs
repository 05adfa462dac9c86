//! The request from command-line flags.
