//! The built-in demo keys, public so that the demo, the tests and a developer trying the tool
//! without an Upwork key all use the same ones.

use upwork_diag_core::upwork::{permissions, scopes};

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

/// An OAuth 1.0 access token of the full consumer whose user's profile is disabled.
pub const DISABLED_TOKEN: &str = "demo-disabled-token";
pub const DISABLED_TOKEN_SECRET: &str = "demo-disabled-token-secret";
/// The user whose profile is disabled.
pub const DISABLED_USERNAME: &str = "demo-disabled-user";

/// A job whose profile is disabled: `GET /api/profiles/v1/jobs/{this}.json` is refused with
/// Upwork's wording, `Profile ~01d79d1f56f49fcea6 is disabled` (the key of python-upwork#2).
pub const DISABLED_PROFILE_JOB: &str = "~01d79d1f56f49fcea6";
/// A job whose client dealt with a freelancer since suspended: refused with `Forbidden: Freelancer
/// profile is suspended` (the key of node-upwork#53).
pub const SUSPENDED_FREELANCER_JOB: &str = "~0150d301760bfe02d0";

/// The OAuth 2 scopes of the limited consumer (and of its token): the one every call needs and the
/// public job search, not the user's private details nor messaging.
pub const LIMITED_SCOPES: [&str; 2] = [scopes::COMMON_ENTITIES, scopes::MARKETPLACE_JOB_POSTINGS];

/// The full consumer's OAuth 2 access token: every scope, one organization.
pub const OAUTH2_TOKEN: &str = "demo-oauth2-token";
/// Its refresh token.
pub const OAUTH2_REFRESH_TOKEN: &str = "demo-oauth2-refresh-token";
/// The limited consumer's OAuth 2 access token ([`LIMITED_SCOPES`]).
pub const OAUTH2_LIMITED_TOKEN: &str = "demo-oauth2-limited-token";
/// An OAuth 2 access token that expired; its refresh token still works.
pub const OAUTH2_EXPIRED_TOKEN: &str = "demo-oauth2-expired-token";
pub const OAUTH2_EXPIRED_REFRESH_TOKEN: &str = "demo-oauth2-expired-refresh-token";
/// An OAuth 2 access token of a user in two organizations: calls in an organization's context
/// must name one with `X-Upwork-API-TenantId`.
pub const OAUTH2_AGENCY_TOKEN: &str = "demo-oauth2-agency-token";
/// An OAuth 2 access token of the user whose profile is disabled.
pub const OAUTH2_DISABLED_TOKEN: &str = "demo-oauth2-disabled-token";
/// A refresh token the emulator treats as replaced by a newer one more than a day ago: Upwork
/// refuses it with `invalid_grant` (python-upwork-oauth2#11).
pub const OAUTH2_ROTATED_REFRESH_TOKEN: &str = "demo-oauth2-rotated-refresh-token";
/// An authorization code past its lifetime.
pub const OAUTH2_EXPIRED_CODE: &str = "demo-oauth2-expired-code";
/// The demo user's own organization.
pub const TENANT_ID: &str = "1000000000000000001";
/// The agency the agency token's user belongs to as well.
pub const AGENCY_TENANT_ID: &str = "1000000000000000002";
/// The authorization code the emulator accepts from any client (the user "authorizes" without a
/// browser), besides the codes its authorization page issues.
pub const OAUTH2_CODE: &str = "demo-oauth2-code";

/// The verifier the emulator accepts for any request token it issued (the user "authorizes" it
/// without a browser).
pub const VERIFIER: &str = "demo-verifier";
