//! OAuth 2: bearer tokens, their lifetime, the token endpoint's refusals and the organization
//! context of GraphQL calls (`X-Upwork-API-TenantId`).

use crate::classify::{Classification, Kind};
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::{self, EndpointKind, errors, graphql};

/// Where OAuth 2 tokens are issued and refreshed.
use upwork_diag_core::upwork::urls::OAUTH2_TOKEN;
/// The header that picks the organization a GraphQL call acts in.
pub const TENANT_HEADER: &str = "X-Upwork-API-TenantId";

/// True when the call carries `Authorization: Bearer ...`.
pub fn has_bearer(request: &CapturedRequest) -> bool {
    request.header("authorization").is_some_and(|v| {
        v.trim()
            .split_once(' ')
            .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
    })
}

fn endpoint_kind(request: &CapturedRequest) -> Option<EndpointKind> {
    upwork::endpoint_for(&request.effective_method(), request.url.path()).map(|e| e.kind)
}

fn is_graphql(request: &CapturedRequest) -> bool {
    endpoint_kind(request) == Some(EndpointKind::GraphQl) || request.url.path() == "/graphql"
}

/// A parameter of the token request, from its form body or its query.
fn token_param(request: &CapturedRequest, name: &str) -> Option<String> {
    request
        .form_pairs()
        .into_iter()
        .chain(request.url.query_pairs())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The checks the request alone allows.
pub fn before_sending(request: &CapturedRequest) -> Vec<Finding> {
    let mut findings = Vec::new();
    if endpoint_kind(request) == Some(EndpointKind::OAuth2Token) {
        findings.extend(client_credentials_misplaced(request));
    }
    if !is_graphql(request) {
        return findings;
    }
    if !has_bearer(request) {
        findings.push(no_bearer(request));
    }
    findings.extend(tenant_warning(request));
    findings
}

/// True when the call carries `Authorization: Basic ...`.
fn has_basic(request: &CapturedRequest) -> bool {
    request.header("authorization").is_some_and(|v| {
        v.trim()
            .split_once(' ')
            .is_some_and(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
    })
}

/// A token request whose body (or query) lacks `client_id` or `client_secret`: Upwork reads them
/// there only, and answers "Missing parameters: client_id" when they come in `Authorization:
/// Basic` or not at all (node-upwork-oauth2#29).
fn client_credentials_misplaced(request: &CapturedRequest) -> Option<Finding> {
    let missing: Vec<&str> = ["client_id", "client_secret"]
        .into_iter()
        .filter(|name| token_param(request, name).is_none())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let grant = token_param(request, "grant_type").unwrap_or_default();
    let basic = has_basic(request);
    let missing_text = missing.join(" and ");
    let (title, how) = if basic {
        (
            "The token request sends the client credentials in Authorization: Basic, where Upwork does not read them".to_string(),
            format!(
                "The client id and secret came in `Authorization: Basic` (RFC 6749 allows it, and simple-oauth2, the library of Upwork's Node binding, sends them so by default); Upwork reads them from the form body only, so {missing_text} count as missing."
            ),
        )
    } else {
        (
            format!("The token request has no {missing_text}"),
            format!("The {grant} request carries no {missing_text}."),
        )
    };
    Some(
        Finding::new(Code::ClientCredentialsMisplaced, Severity::Error, title)
            .detail(format!(
                "{how} Upwork's token endpoint needs client_id and client_secret as form parameters for every grant, a refresh included, and answers 400 invalid_request \"{}\" without them.",
                errors::MISSING_CLIENT_ID
            ))
            .fix(format!(
                "Send client_id and client_secret in the form body of the POST to {OAUTH2_TOKEN}, beside grant_type and the code or refresh_token (simple-oauth2: `options: {{ authorizationMethod: 'body' }}`)."
            ))
            .source(errors::CLIENT_ID_SOURCES)
            .evidence("missing", missing)
            .evidence("basic_credentials", basic)
            .evidence("grant_type", grant),
    )
}

fn no_bearer(request: &CapturedRequest) -> Finding {
    let oauth1 = request
        .header("authorization")
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("oauth "));
    let sent = if oauth1 {
        "an OAuth 1.0 signature, which GraphQL does not accept"
    } else {
        "no Authorization header"
    };
    Finding::new(
        Code::TokenInvalid,
        Severity::Error,
        "The GraphQL call carries no OAuth 2 bearer token",
    )
    .detail(format!(
        "Upwork's GraphQL API authenticates with OAuth 2 bearer tokens only; this call carries {sent}."
    ))
    .fix(format!(
        "Get an access token from {OAUTH2_TOKEN} (an OAuth 2 key from the API Center, grant_type=authorization_code) and send it as `Authorization: Bearer <access_token>`."
    ))
    .evidence("authorization", if oauth1 { "oauth1" } else { "none" })
}

/// A GraphQL query that acts inside an organization and does not name one: a warning, since it
/// works for a user of a single organization.
fn tenant_warning(request: &CapturedRequest) -> Option<Finding> {
    if request.header(TENANT_HEADER).is_some() {
        return None;
    }
    let query = graphql::query_of_body(&request.content())?;
    let operation = graphql::parse(&query).ok()?;
    let fields = graphql::tenant_fields(&operation);
    if fields.is_empty() {
        return None;
    }
    let names = fields.join(", ");
    Some(
        Finding::new(
            Code::TenantIdMissing,
            Severity::Warning,
            format!("The query reads {names} without {TENANT_HEADER}"),
        )
        .detail(format!(
            "{names} act inside an organization. Without {TENANT_HEADER}, Upwork picks the user's only \
             organization, and refuses (or answers for another one) when the user belongs to several."
        ))
        .fix(tenant_fix())
        .evidence("fields", fields),
    )
}

fn tenant_fix() -> String {
    format!(
        "Ask `{{ companySelector {{ items {{ title organizationId }} }} }}` once, then send \
         `{TENANT_HEADER}: <organizationId>` with each call that acts for that organization."
    )
}

/// The checks that read the answer.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let mut findings = Vec::new();
    let bearer = has_bearer(request);
    let said = classification
        .message
        .clone()
        .unwrap_or_else(|| "(no error message)".to_string()); // the status is said already
    match classification.kind {
        Kind::TokenExpired if bearer => findings.push(
            Finding::new(Code::TokenExpired, Severity::Error, "The OAuth 2 access token has expired")
                .detail(format!(
                    "Upwork answered {}: {said} Access tokens live for the `expires_in` seconds the token endpoint \
                     gave (a day); after that every call is refused until the token is refreshed.",
                    classification.status
                ))
                .fix(format!(
                    "POST to {OAUTH2_TOKEN} with grant_type=refresh_token, the refresh_token, client_id and \
                     client_secret (Content-Length set), then send the new access token; keep the new refresh \
                     token too. Refresh before `expires_in` runs out rather than after a 401."
                ))
                .evidence("status", classification.status)
                .evidence("message", classification.message.clone()),
        ),
        Kind::TokenExpired | Kind::Unauthorized if bearer => findings.push(
            Finding::new(
                Code::TokenInvalid,
                Severity::Error,
                "Upwork does not accept the OAuth 2 access token",
            )
            .detail(format!(
                "Upwork answered {}: {said} The token is not one Upwork issued, was revoked (changing a key's \
                 scopes revokes its tokens), or was copied incompletely.",
                classification.status
            ))
            .fix(format!(
                "Get a new access token (authorize again, or refresh at {OAUTH2_TOKEN}) and send it whole as \
                 `Authorization: Bearer <access_token>`."
            ))
            .evidence("status", classification.status)
            .evidence("message", classification.message.clone()),
        ),
        // "Invalid or expired token." to an OAuth 1.0 call: its access tokens never expire, so the
        // token is unknown, revoked or of the wrong kind.
        // (The token of the flow's own calls is a request token: `oauth1_flow` reads those.)
        Kind::TokenExpired
            if !is_graphql(request)
                && has_oauth1_token(request)
                && !matches!(
                    endpoint_kind(request),
                    Some(EndpointKind::OAuth1RequestToken | EndpointKind::OAuth1AccessToken)
                ) =>
        {
            findings.push(
            Finding::new(
                Code::TokenInvalid,
                Severity::Error,
                "Upwork does not accept the OAuth 1.0 access token",
            )
            .detail(format!(
                "Upwork answered {}: {said} OAuth 1.0 access tokens do not expire; this one is unknown, \
                 revoked, belongs to another key, or is a request token used in its place.",
                classification.status
            ))
            .fix("Run the authorization flow again (request token, authorize, access token) with this key and sign with the access token and its secret.")
            .evidence("status", classification.status)
            .evidence("message", classification.message.clone()),
            )
        }
        Kind::OAuth2GrantRefused => {
            let finding = grant_refused(request, classification);
            // The static finding says it already; `weigh` makes it the cause.
            let said_before = finding.code == Code::ClientCredentialsMisplaced
                && client_credentials_misplaced(request).is_some();
            if !said_before {
                findings.push(finding);
            }
        }
        Kind::TenantRequired if tenant_warning(request).is_none() => findings.push(
            Finding::new(
                Code::TenantIdMissing,
                Severity::Error,
                format!("Upwork needs {TENANT_HEADER} to know which organization the call acts for"),
            )
            .detail(format!("Upwork answered {} with a GraphQL error: {said}", classification.status))
            .fix(tenant_fix())
            .evidence("message", classification.message.clone()),
        ),
        _ => {}
    }
    findings
}

fn has_oauth1_token(request: &CapturedRequest) -> bool {
    upwork_diag_core::oauth::SignedRequest::from_request(request)
        .ok()
        .flatten()
        .is_some_and(|s| s.token.is_some())
}

fn grant_refused(request: &CapturedRequest, classification: &Classification) -> Finding {
    let error = classification.oauth_error.as_deref().unwrap_or_default();
    let grant = token_param(request, "grant_type").unwrap_or_default();
    let said = classification
        .message
        .clone()
        .unwrap_or_else(|| error.to_string());
    let base = |code, title: String| {
        Finding::new(code, Severity::Error, title)
            .evidence("error", error)
            .evidence("grant_type", grant.clone())
            .evidence("message", classification.message.clone())
    };
    let mentions = |what: &str| said.to_ascii_lowercase().contains(what);
    match (error, grant.as_str()) {
        ("invalid_request", _) if mentions("client_id") || mentions("client_secret") => {
            client_credentials_misplaced(request).unwrap_or_else(|| {
                base(
                    Code::ClientCredentialsMisplaced,
                    "The token endpoint did not find the client credentials".to_string(),
                )
                .detail(format!(
                    "{OAUTH2_TOKEN} answered {} invalid_request: {said}",
                    classification.status
                ))
                .fix("Send client_id and client_secret as form parameters of the POST body.")
                .source(errors::CLIENT_ID_SOURCES)
            })
        }
        ("invalid_grant", "refresh_token") => base(
            Code::RefreshTokenInvalid,
            "The token endpoint refused the refresh token".to_string(),
        )
        .detail(format!(
            "{OAUTH2_TOKEN} answered {} invalid_grant: {said} Upwork rotates refresh tokens: each refresh \
             answers a new refresh token, good for 14 days, and the one just used expires 24 hours later. \
             A client that keeps refreshing with the first refresh token it got works for a day after its \
             first refresh, then gets this. Otherwise the refresh token is past its 14 days, revoked (a \
             change of the key's scopes revokes them), or was issued to another client id.",
            classification.status
        ))
        .fix("Store the refresh_token of every token answer, replacing the old one at once (and atomically, when several processes refresh), and refresh with the newest. When it is refused, send the user through the authorization again (grant_type=authorization_code) to get a new pair.")
        .source(errors::REFRESH_SOURCES),
        ("invalid_grant", "authorization_code") if mentions("redirect_uri") => base(
            Code::RedirectUriMismatch,
            "The token request's redirect_uri is not the authorization request's".to_string(),
        )
        .detail(format!(
            "{OAUTH2_TOKEN} answered {} invalid_grant: {said} The code exchange must repeat, byte for byte, \
             the redirect_uri the authorization page was opened with (RFC 6749, 4.1.3), which must be the \
             callback URL registered for the key in the API Center; sent here: {}.",
            classification.status,
            token_param(request, "redirect_uri").map_or_else(|| "none".to_string(), |r| format!("`{r}`"))
        ))
        .fix("Send the same redirect_uri in the authorization URL and in the token request (same scheme, host, path, trailing slash and encoding), the one registered for the key; then authorize again: the code is used up."),
        ("invalid_grant", "authorization_code") => base(
            Code::AuthorizationCodeInvalid,
            "The token endpoint refused the authorization code".to_string(),
        )
        .detail(format!(
            "{OAUTH2_TOKEN} answered {} invalid_grant: {said} An authorization code is good once, for a few \
             minutes, for the client it was issued to: this one was exchanged already (a retry, a page \
             reloaded, two workers), is past its lifetime, or was issued to another key.",
            classification.status
        ))
        .fix("Exchange the code at once and only once, with the key it was issued for; on failure send the user through the authorization again for a new code, and keep the tokens of the first exchange."),
        ("invalid_client", _) => base(
            Code::TokenInvalid,
            "The token endpoint refused the client id or secret".to_string(),
        )
        .detail(format!(
            "{OAUTH2_TOKEN} answered {} invalid_client: {said}",
            classification.status
        ))
        .fix("Send the key as client_id and its secret as client_secret (form body or HTTP Basic), exactly as the API Center shows them."),
        (_, "authorization_code") => base(
            Code::TokenInvalid,
            "The token endpoint refused the authorization code request".to_string(),
        )
        .detail(format!(
            "{OAUTH2_TOKEN} answered {} {error}: {said} A code is good once, for a few minutes, with the \
             redirect_uri it was issued for.",
            classification.status
        ))
        .fix("Exchange the code at once, only once, with the same redirect_uri; on failure start the authorization again."),
        _ => base(
            Code::TokenInvalid,
            format!("The token endpoint refused the request ({error})"),
        )
        .detail(format!("{OAUTH2_TOKEN} answered {} {error}: {said}", classification.status))
        .fix("Send grant_type (authorization_code, refresh_token or client_credentials) with the parameters it needs, as a form body with Content-Length."),
    }
}

/// A refusal that asks for the organization makes the static warning its cause; the token
/// endpoint's refusal of the client makes the missing credentials the cause.
pub fn weigh(findings: &mut [Finding], classification: &Classification) {
    if classification.kind == Kind::OAuth2GrantRefused
        && matches!(
            classification.oauth_error.as_deref(),
            Some("invalid_request" | "invalid_client")
        )
    {
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == Code::ClientCredentialsMisplaced)
        {
            finding.raise(upwork_diag_core::diagnosis::EvidenceLevel::Reproduced);
        }
    }
    if classification.kind == Kind::TenantRequired {
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == Code::TenantIdMissing)
        {
            finding.raise(upwork_diag_core::diagnosis::EvidenceLevel::Reproduced);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    fn graphql_call(headers: &[&str], query: &str) -> CapturedRequest {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        let body = serde_json::json!({ "query": query }).to_string();
        from_flags(
            Some("POST"),
            "https://api.upwork.com/graphql",
            &headers,
            Some(body.into_bytes()),
        )
        .unwrap()
    }

    use upwork_diag_core::diagnosis::EvidenceLevel;

    /// A POST to the token endpoint with this form body (and headers).
    fn token_call(body: &str, headers: &[&str]) -> CapturedRequest {
        let mut headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        headers.push("Content-Type: application/x-www-form-urlencoded".into());
        from_flags(
            Some("POST"),
            OAUTH2_TOKEN,
            &headers,
            Some(body.as_bytes().to_vec()),
        )
        .unwrap()
    }

    fn answer(
        kind: Kind,
        status: u16,
        error: Option<&str>,
        message: Option<&str>,
    ) -> Classification {
        Classification {
            message: message.map(str::to_string),
            oauth_error: error.map(str::to_string),
            ..Classification::bare(kind, status)
        }
    }

    fn titles(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.title.as_str()).collect()
    }

    #[test]
    fn the_token_request_carries_the_client_credentials_in_its_form() {
        let complete = token_call(
            "grant_type=refresh_token&refresh_token=r&client_id=k&client_secret=s",
            &[],
        );
        assert!(before_sending(&complete).is_empty());
        // Read from the query too.
        let split = from_flags(
            Some("POST"),
            &format!("{OAUTH2_TOKEN}?client_id=k"),
            &["Content-Type: application/x-www-form-urlencoded".to_string()],
            Some(b"grant_type=refresh_token&refresh_token=r&client_secret=s".to_vec()),
        )
        .unwrap();
        assert!(before_sending(&split).is_empty());
        let bare = &before_sending(&token_call("grant_type=refresh_token&refresh_token=r", &[]))[0];
        assert_eq!(
            bare.title,
            "The token request has no client_id and client_secret"
        );
        assert_eq!(
            bare.detail,
            "The refresh_token request carries no client_id and client_secret. Upwork's token endpoint \
             needs client_id and client_secret as form parameters for every grant, a refresh included, \
             and answers 400 invalid_request \"Missing parameters: client_id\" without them."
        );
        let basic = &before_sending(&token_call(
            "grant_type=authorization_code&code=c&client_id=k",
            &["Authorization: Basic a2V5OnNlY3JldA=="],
        ))[0];
        assert!(
            basic
                .title
                .contains("in Authorization: Basic, where Upwork does not read them")
        );
        assert!(
            basic.detail.starts_with(
                "The client id and secret came in `Authorization: Basic` (RFC 6749 allows it, and \
                 simple-oauth2, the library of Upwork's Node binding, sends them so by default); \
                 Upwork reads them from the form body only, so client_secret count as missing."
            ),
            "{}",
            basic.detail
        );
        assert!(!basic.fix.contains("  "), "{}", basic.fix);
    }

    #[test]
    fn graphql_is_told_by_its_path_whatever_the_method() {
        let get = from_flags(
            Some("GET"),
            "https://api.upwork.com/graphql?query=%7Buser%7Bid%7D%7D",
            &[],
            None,
        )
        .unwrap();
        assert_eq!(
            titles(&before_sending(&get)),
            ["The GraphQL call carries no OAuth 2 bearer token"]
        );
        let rest = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/auth/v1/info.json",
            &[],
            None,
        )
        .unwrap();
        assert!(before_sending(&rest).is_empty());
        let oauth1 = graphql_call(
            &[r#"Authorization: OAuth oauth_consumer_key="k""#],
            "{ user { id } }",
        );
        let f = &before_sending(&oauth1)[0];
        assert!(
            f.detail.ends_with(
                "this call carries an OAuth 1.0 signature, which GraphQL does not accept."
            )
        );
        assert_eq!(f.evidence["authorization"], "oauth1");
    }

    #[test]
    fn a_refused_token_is_named_by_its_kind() {
        let bearer = graphql_call(
            &["Authorization: Bearer t", "X-Upwork-API-TenantId: 1"],
            "{ user { id } }",
        );
        let expired = after_response(
            &bearer,
            &answer(Kind::TokenExpired, 401, None, Some("Token expired.")),
        );
        assert_eq!(expired[0].code, Code::TokenExpired);
        assert!(
            expired[0]
                .detail
                .starts_with("Upwork answered 401: Token expired. Access tokens live")
        );
        let unknown = after_response(&bearer, &answer(Kind::Unauthorized, 401, None, None));
        assert_eq!(
            titles(&unknown),
            ["Upwork does not accept the OAuth 2 access token"]
        );
        assert!(
            unknown[0]
                .detail
                .starts_with("Upwork answered 401: (no error message) The token")
        );
        // An OAuth 1.0 access token never expires: "expired" means unknown or revoked.
        let header = r#"Authorization: OAuth oauth_consumer_key="k", oauth_token="t", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_signature="s""#;
        let rest = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/auth/v1/info.json",
            &[header.to_string()],
            None,
        )
        .unwrap();
        let refused = answer(
            Kind::TokenExpired,
            401,
            None,
            Some("Invalid or expired token."),
        );
        assert_eq!(
            titles(&after_response(&rest, &refused)),
            ["Upwork does not accept the OAuth 1.0 access token"]
        );
        // The flow's own calls carry a request token (`oauth1_flow` reads those); no token, nothing.
        let flow = from_flags(
            Some("POST"),
            "https://www.upwork.com/api/auth/v1/oauth/token/access",
            &[header.to_string()],
            Some(Vec::new()),
        )
        .unwrap();
        assert!(after_response(&flow, &refused).is_empty());
        let tokenless = from_flags(Some("GET"), "https://www.upwork.com/api/auth/v1/info.json", &[r#"Authorization: OAuth oauth_consumer_key="k", oauth_nonce="n", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1", oauth_signature="s""#.to_string()], None).unwrap();
        assert!(after_response(&tokenless, &refused).is_empty());
        let graphql = graphql_call(&[header], "{ user { id } }");
        assert!(after_response(&graphql, &refused).is_empty());
    }

    #[test]
    fn each_refusal_of_the_token_endpoint_is_named() {
        let refused = |body: &str, error: &str, message: &str| {
            let call = token_call(body, &[]);
            let findings = after_response(
                &call,
                &answer(Kind::OAuth2GrantRefused, 400, Some(error), Some(message)),
            );
            findings
                .into_iter()
                .map(|f| (f.code, f.title, f.detail))
                .collect::<Vec<_>>()
        };
        let complete = "client_id=k&client_secret=s";
        // Said before sending already: `weigh` makes the static finding the cause.
        assert!(
            refused(
                "grant_type=refresh_token",
                "invalid_request",
                "Missing parameters: client_id"
            )
            .is_empty()
        );
        let found = refused(
            &format!("grant_type=refresh_token&{complete}"),
            "invalid_request",
            "Missing parameters: client_id",
        );
        assert_eq!(
            found[0].1,
            "The token endpoint did not find the client credentials"
        );
        let found = refused(
            &format!("grant_type=refresh_token&refresh_token=r&{complete}"),
            "invalid_grant",
            "Invalid refresh token",
        );
        assert_eq!(found[0].0, Code::RefreshTokenInvalid);
        let code = format!("grant_type=authorization_code&code=c&{complete}");
        let found = refused(
            &format!("{code}&redirect_uri=https%3A%2F%2Fa.example%2Fcb"),
            "invalid_grant",
            "redirect_uri mismatch",
        );
        assert_eq!(found[0].0, Code::RedirectUriMismatch);
        assert!(
            found[0].2.contains("sent here: `https://a.example/cb`."),
            "{}",
            found[0].2
        );
        let found = refused(&code, "invalid_grant", "Redirect_URI does not match");
        assert!(found[0].2.contains("sent here: none."), "{}", found[0].2);
        assert_eq!(
            refused(&code, "invalid_grant", "Code expired")[0].0,
            Code::AuthorizationCodeInvalid
        );
        assert_eq!(
            refused(&code, "invalid_client", "Bad client")[0].1,
            "The token endpoint refused the client id or secret"
        );
        assert_eq!(
            refused(&code, "invalid_scope", "No")[0].1,
            "The token endpoint refused the authorization code request"
        );
        // An invalid_request that names neither client credential is not about them.
        assert_eq!(
            refused(&code, "invalid_request", "Missing parameters: redirect_uri")[0].1,
            "The token endpoint refused the authorization code request"
        );
        assert_eq!(
            refused(
                &format!("grant_type=password&{complete}"),
                "unsupported_grant_type",
                "No"
            )[0]
            .1,
            "The token endpoint refused the request (unsupported_grant_type)"
        );
        // Without a message, the error is what was said.
        let call = token_call(&format!("grant_type=password&{complete}"), &[]);
        let bare = after_response(
            &call,
            &answer(Kind::OAuth2GrantRefused, 400, Some("invalid_scope"), None),
        );
        assert!(
            bare[0]
                .detail
                .ends_with(" answered 400 invalid_scope: invalid_scope"),
            "{}",
            bare[0].detail
        );
    }

    #[test]
    fn an_organization_asked_for_is_named_once_and_makes_the_warning_the_cause() {
        let asked = answer(Kind::TenantRequired, 200, None, Some("Tenant required"));
        let plain = graphql_call(&["Authorization: Bearer t"], "{ user { id } }");
        let found = after_response(&plain, &asked);
        assert_eq!(
            (found[0].code, found[0].severity),
            (Code::TenantIdMissing, Severity::Error)
        );
        assert_eq!(
            found[0].detail,
            "Upwork answered 200 with a GraphQL error: Tenant required"
        );
        assert!(
            found[0]
                .fix
                .starts_with("Ask `{ companySelector { items { title organizationId } } }` once"),
            "{}",
            found[0].fix
        );
        // The query itself showed the need: the warning made before sending is the one raised.
        let organization = graphql_call(&["Authorization: Bearer t"], "{ organization { id } }");
        assert!(after_response(&organization, &asked).is_empty());
        let mut findings = before_sending(&organization);
        weigh(&mut findings, &asked);
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Reproduced);
    }

    #[test]
    fn a_refusal_of_the_client_makes_the_missing_credentials_the_cause() {
        let bare = || before_sending(&token_call("grant_type=refresh_token&refresh_token=r", &[]));
        for (error, raised) in [
            ("invalid_request", true),
            ("invalid_client", true),
            ("invalid_grant", false),
        ] {
            let mut findings = bare();
            weigh(
                &mut findings,
                &answer(Kind::OAuth2GrantRefused, 400, Some(error), None),
            );
            assert_eq!(
                findings[0].evidence_level == EvidenceLevel::Reproduced,
                raised,
                "{error}"
            );
        }
        let mut findings = bare();
        weigh(
            &mut findings,
            &answer(Kind::BadRequest, 400, Some("invalid_request"), None),
        );
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Documented);
    }

    #[test]
    fn graphql_without_bearer_or_tenant() {
        let request = graphql_call(&[], "{ organization { id } }");
        let codes: Vec<_> = before_sending(&request).iter().map(|f| f.code).collect();
        assert_eq!(codes, [Code::TokenInvalid, Code::TenantIdMissing]);
        let request = graphql_call(
            &["Authorization: Bearer t", "X-Upwork-API-TenantId: 1"],
            "{ organization { id } }",
        );
        assert!(before_sending(&request).is_empty());
        let request = graphql_call(&["Authorization: Bearer t"], "{ user { id } }");
        assert!(before_sending(&request).is_empty());
    }
}
