//! The built-in demo keys, public so that the demo, the tests and a developer trying the tool
//! without an Upwork key all use the same ones.

use crate::upwork::permissions;

/// The consumer granted every permission.
pub const CONSUMER_KEY: &str = "demo-consumer-key";
pub const CONSUMER_SECRET: &str = "demo-consumer-secret";
/// The full consumer's access token.
pub const TOKEN: &str = "demo-token";
pub const TOKEN_SECRET: &str = "demo-token-secret";

/// The consumer that lacks [`LIMITED_LACKS`].
pub const LIMITED_CONSUMER_KEY: &str = "demo-limited-key";
pub const LIMITED_CONSUMER_SECRET: &str = "demo-limited-secret";
/// The limited consumer's access token.
pub const LIMITED_TOKEN: &str = "demo-limited-token";
pub const LIMITED_TOKEN_SECRET: &str = "demo-limited-token-secret";
/// The permission the limited consumer lacks: the one `/api/hr/v2/teams.json` needs.
pub const LIMITED_LACKS: &str = permissions::TEAMS;

/// The user both access tokens belong to.
pub const USERNAME: &str = "demo-user";

/// The verifier the emulator accepts for any request token it issued (the user "authorizes" it
/// without a browser).
pub const VERIFIER: &str = "demo-verifier";
