//! What we know of Upwork, in one place: hosts, endpoints and the permission each needs, the OAuth 2
//! scopes and the GraphQL fields each opens, the error headers and the error texts its servers send. Plain tables; the checks, the classifier and the
//! emulator all read them from here so they cannot disagree.

pub mod endpoints;
pub mod entry_points;
pub mod errors;
pub mod graphql;
pub mod hosts;
pub mod permissions;
pub mod scopes;
pub mod urls;

/// On every answer of the emulator (`upwork-diag mock`), so that a report can say the emulator
/// answered, not Upwork. Here, not in the emulator, because the bundle reads it too.
pub const EMULATOR_HEADER: &str = "X-Upwork-Diag-Emulator";

pub use endpoints::{ENDPOINTS, Endpoint, EndpointKind, endpoint_for, endpoints_at};
pub use errors::{ERROR_CODE_HEADER, ERROR_MESSAGE_HEADER, KNOWN_ERRORS, KnownError};
