//! The full URLs of the calls the tool tells a developer to make or makes itself (the OAuth 1.0 and
//! 2.0 flows, the username lookups), written once: the findings' advice, the refresh and `flow`
//! read them from here. Their paths are in the endpoint catalogue, which a test checks.

/// OAuth 1.0: the request token call.
pub const OAUTH1_REQUEST_TOKEN: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";

/// OAuth 1.0: the page where the user authorizes the request token.
pub const OAUTH1_AUTHORIZE: &str = "https://www.upwork.com/services/api/auth";

/// OAuth 1.0: the access token call.
pub const OAUTH1_ACCESS_TOKEN: &str = "https://www.upwork.com/api/auth/v1/oauth/token/access";

/// OAuth 2.0: the page where the user authorizes the app.
pub const OAUTH2_AUTHORIZE: &str = "https://www.upwork.com/ab/account-security/oauth2/authorize";

/// OAuth 2.0: the token endpoint (authorization code, refresh token, client credentials).
pub const OAUTH2_TOKEN: &str = "https://www.upwork.com/api/v3/oauth2/token";

/// The legacy REST call that names the authenticated user.
pub const INFO: &str = "https://www.upwork.com/api/auth/v1/info.json";

/// The GraphQL API.
pub const GRAPHQL: &str = "https://api.upwork.com/graphql";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::upwork::{endpoints_at, hosts};

    #[test]
    fn every_url_is_on_an_upwork_host_at_a_catalogued_path() {
        for url in [
            OAUTH1_REQUEST_TOKEN,
            OAUTH1_AUTHORIZE,
            OAUTH1_ACCESS_TOKEN,
            OAUTH2_AUTHORIZE,
            OAUTH2_TOKEN,
            INFO,
            GRAPHQL,
        ] {
            let parsed = url::Url::parse(url).unwrap();
            assert!(hosts::is_upwork_host(parsed.host_str().unwrap()), "{url}");
            assert!(endpoints_at(parsed.path()).next().is_some(), "{url}");
        }
    }
}
