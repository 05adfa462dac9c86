//! The importers: what a developer pasted or saved, turned into the captured request of
//! [`upwork_diag_core::request`], kept exactly as it was sent. A pasted curl command ([`curl`]), a
//! HAR file read entry by entry within a memory budget ([`har`]), a raw HTTP request ([`raw`]); an
//! input that cannot be read is an [`import_error::ImportError`] that names where.
//!
//! The fuzz targets (fuzz/) feed these parsers arbitrary bytes.

pub mod curl;
pub mod har;
pub mod import_error;
pub mod raw;
