//! The layer every other crate stands on: the call as the developer made it ([`request`]), its
//! credentials ([`credentials`]), the OAuth 1.0 engine ([`oauth`]), what Upwork documents
//! ([`upwork`]), the finding codes and the verdict ([`findings`], [`diagnosis`]), where a ticket
//! goes at Upwork support ([`routing`]), the input limits ([`limits`]) and the redaction boundary
//! every written byte passes ([`redact`]).
//!
//! Nothing here sends, listens or parses a paste: those are the crates above.

pub mod credentials;
pub mod diagnosis;
pub mod findings;
pub mod limits;
pub mod oauth;
pub mod redact;
pub mod request;
pub mod routing;
pub mod upwork;
