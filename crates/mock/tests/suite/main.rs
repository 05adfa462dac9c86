//! The emulator's integration tests: one test binary for the crate, a module per subject. Each
//! starts the emulator on 127.0.0.1 and talks to it as a client would, over real sockets.

mod common;

mod keepalive;
mod mock;
mod mock_abuse;
