//! OAuth 2: bearer tokens, their lifetime, the token endpoint's refusals and the organization
//! context of GraphQL calls (`X-Upwork-API-TenantId`).

use crate::classify::{Classification, Kind};
use crate::diagnosis::{Finding, Severity};
use crate::request::CapturedRequest;
use crate::upwork::{self, EndpointKind, graphql};

/// Where OAuth 2 tokens are issued and refreshed.
pub const TOKEN_URL: &str = "https://www.upwork.com/api/v3/oauth2/token";
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
    if !is_graphql(request) {
        return findings;
    }
    if !has_bearer(request) {
        findings.push(no_bearer(request));
    }
    findings.extend(tenant_warning(request));
    findings
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
        "token-invalid",
        Severity::Error,
        "The GraphQL call carries no OAuth 2 bearer token",
    )
    .detail(format!(
        "Upwork's GraphQL API authenticates with OAuth 2 bearer tokens only; this call carries {sent}."
    ))
    .fix(format!(
        "Get an access token from {TOKEN_URL} (an OAuth 2 key from the API Center, grant_type=authorization_code) and send it as `Authorization: Bearer <access_token>`."
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
            "tenant-id-missing",
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
            Finding::new("token-expired", Severity::Error, "The OAuth 2 access token has expired")
                .detail(format!(
                    "Upwork answered {}: {said} Access tokens live for the `expires_in` seconds the token endpoint \
                     gave (a day); after that every call is refused until the token is refreshed.",
                    classification.status
                ))
                .fix(format!(
                    "POST to {TOKEN_URL} with grant_type=refresh_token, the refresh_token, client_id and \
                     client_secret (Content-Length set), then send the new access token; keep the new refresh \
                     token too. Refresh before `expires_in` runs out rather than after a 401."
                ))
                .evidence("status", classification.status)
                .evidence("message", classification.message.clone()),
        ),
        Kind::TokenExpired | Kind::Unauthorized if bearer => findings.push(
            Finding::new(
                "token-invalid",
                Severity::Error,
                "Upwork does not accept the OAuth 2 access token",
            )
            .detail(format!(
                "Upwork answered {}: {said} The token is not one Upwork issued, was revoked (changing a key's \
                 scopes revokes its tokens), or was copied incompletely.",
                classification.status
            ))
            .fix(format!(
                "Get a new access token (authorize again, or refresh at {TOKEN_URL}) and send it whole as \
                 `Authorization: Bearer <access_token>`."
            ))
            .evidence("status", classification.status)
            .evidence("message", classification.message.clone()),
        ),
        // "Invalid or expired token." to an OAuth 1.0 call: its access tokens never expire, so the
        // token is unknown, revoked or of the wrong kind.
        Kind::TokenExpired if !is_graphql(request) && has_oauth1_token(request) => findings.push(
            Finding::new(
                "token-invalid",
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
        ),
        Kind::OAuth2GrantRefused => findings.push(grant_refused(request, classification)),
        Kind::TenantRequired if tenant_warning(request).is_none() => findings.push(
            Finding::new(
                "tenant-id-missing",
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
    crate::oauth::SignedRequest::from_request(request)
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
    match (error, grant.as_str()) {
        ("invalid_grant", "refresh_token") => base(
            "refresh-token-invalid",
            "The token endpoint refused the refresh token".to_string(),
        )
        .detail(format!(
            "{TOKEN_URL} answered {} invalid_grant: {said} The refresh token is unknown, expired (they last \
             about two weeks), revoked (a change of the key's scopes revokes them), already replaced by a newer \
             one, or was issued to another client id.",
            classification.status
        ))
        .fix("Keep the newest refresh_token of every token answer; when it is refused, send the user through the authorization again (grant_type=authorization_code) to get a new pair."),
        ("invalid_client", _) => base(
            "token-invalid",
            "The token endpoint refused the client id or secret".to_string(),
        )
        .detail(format!(
            "{TOKEN_URL} answered {} invalid_client: {said}",
            classification.status
        ))
        .fix("Send the key as client_id and its secret as client_secret (form body or HTTP Basic), exactly as the API Center shows them."),
        (_, "authorization_code") => base(
            "token-invalid",
            "The token endpoint refused the authorization code".to_string(),
        )
        .detail(format!(
            "{TOKEN_URL} answered {} {error}: {said} A code is good once, for a few minutes, with the \
             redirect_uri it was issued for.",
            classification.status
        ))
        .fix("Exchange the code at once, only once, with the same redirect_uri; on failure start the authorization again."),
        _ => base(
            "token-invalid",
            format!("The token endpoint refused the request ({error})"),
        )
        .detail(format!("{TOKEN_URL} answered {} {error}: {said}", classification.status))
        .fix("Send grant_type (authorization_code, refresh_token or client_credentials) with the parameters it needs, as a form body with Content-Length."),
    }
}

/// A refusal that asks for the organization makes the static warning its cause.
pub fn weigh(findings: &mut [Finding], classification: &Classification) {
    if classification.kind == Kind::TenantRequired {
        for finding in findings
            .iter_mut()
            .filter(|f| f.code == "tenant-id-missing")
        {
            finding.raise(crate::diagnosis::EvidenceLevel::Reproduced);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::flags::from_flags;

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

    #[test]
    fn graphql_without_bearer_or_tenant() {
        let request = graphql_call(&[], "{ organization { id } }");
        let codes: Vec<_> = before_sending(&request).iter().map(|f| f.code).collect();
        assert_eq!(codes, ["token-invalid", "tenant-id-missing"]);
        let request = graphql_call(
            &["Authorization: Bearer t", "X-Upwork-API-TenantId: 1"],
            "{ organization { id } }",
        );
        assert!(before_sending(&request).is_empty());
        let request = graphql_call(&["Authorization: Bearer t"], "{ user { id } }");
        assert!(before_sending(&request).is_empty());
    }
}
