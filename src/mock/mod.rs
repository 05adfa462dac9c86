//! The Upwork emulator.
