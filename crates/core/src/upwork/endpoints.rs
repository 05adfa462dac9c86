//! The Upwork endpoints we know: method, path pattern, host, kind and the key permission each needs.
//!
//! A pattern is a path whose `{name}` pieces stand for one path segment, or part of one
//! (`/api/profiles/v1/providers/{id}.json`). Paths are compared as written, case kept: Upwork's
//! router is case-sensitive.

use super::hosts;
use super::permissions as p;

/// What an endpoint is for, which decides how it authenticates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    /// OAuth 1.0 temporary credentials: signed by the consumer alone.
    OAuth1RequestToken,
    /// The page where the user authorizes a request token (a browser page, not signed).
    OAuth1Authorize,
    /// OAuth 1.0 token credentials: signed with the request token and carries `oauth_verifier`.
    OAuth1AccessToken,
    /// The OAuth 2 authorization page (a browser page).
    OAuth2Authorize,
    /// The OAuth 2 token endpoint.
    OAuth2Token,
    /// A legacy REST call under `/api/`, signed with an access token.
    Rest,
    /// A time or financial report under `/gds/`, signed with an access token.
    Report,
    /// The GraphQL API: OAuth 2 bearer tokens, scope errors as HTTP 200 with `errors[]`.
    GraphQl,
}

impl EndpointKind {
    /// True for the calls made with an OAuth 1.0 access token (the API proper).
    pub fn needs_access_token(self) -> bool {
        matches!(self, EndpointKind::Rest | EndpointKind::Report)
    }
}

/// One endpoint of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Endpoint {
    /// A stable short name, e.g. `hr-teams`.
    pub name: &'static str,
    /// The method Upwork routes on (after the `http_method` override of a POST).
    pub method: &'static str,
    /// The path pattern, e.g. `/api/profiles/v1/providers/{id}.json`.
    pub path: &'static str,
    pub host: &'static str,
    pub kind: EndpointKind,
    /// The key permission the API Center grants for it; `None` when no key permission applies.
    pub permission: Option<&'static str>,
    /// One line: what it does.
    pub summary: &'static str,
    /// For an endpoint Upwork retired: the name of the endpoint that replaces it (or `graphql`).
    pub deprecated: Option<&'static str>,
    /// The GraphQL query that does what this REST endpoint did, for the endpoints the official
    /// bindings still expose: Upwork sunset its REST API in favour of GraphQL
    /// (python-upwork-oauth2#8). The root field is the replacement; the arguments and selection
    /// are an example to adapt.
    pub graphql: Option<&'static str>,
}

impl Endpoint {
    /// True when `path` (query ignored) fits this endpoint's pattern.
    pub fn matches_path(&self, path: &str) -> bool {
        let path = strip_query(path);
        path.starts_with(self.literal_prefix()) && path_matches(self.path, path)
    }

    /// The pattern's text before its first `{` (all of it when there is none): every path that
    /// matches starts with it, a comparison that rules out nearly every endpoint of the catalogue
    /// before the segments are split.
    fn literal_prefix(&self) -> &'static str {
        self.path.split_once('{').map_or(self.path, |(l, _)| l)
    }

    /// The documented URL, pattern pieces left in braces.
    pub fn url(&self) -> String {
        format!("https://{}{}", self.host, self.path)
    }

    /// The same endpoint, with the GraphQL query that replaces it.
    const fn graphql(self, query: &'static str) -> Endpoint {
        Endpoint {
            graphql: Some(query),
            ..self
        }
    }

    /// The GraphQL root field of the query that replaces this endpoint, as `Query.field`.
    pub fn graphql_root(&self) -> Option<String> {
        let query = self.graphql?;
        let inner = query.split_once('{')?.1.trim_start();
        let field: String = inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        (!field.is_empty()).then(|| format!("Query.{field}"))
    }

    /// The same endpoint, marked as retired in favour of `replacement` (an endpoint's name).
    const fn retired(self, replacement: &'static str) -> Endpoint {
        Endpoint {
            deprecated: Some(replacement),
            ..self
        }
    }
}

const fn endpoint(
    name: &'static str,
    method: &'static str,
    path: &'static str,
    kind: EndpointKind,
    permission: Option<&'static str>,
    summary: &'static str,
) -> Endpoint {
    let host = match kind {
        EndpointKind::GraphQl => hosts::API,
        _ => hosts::WWW,
    };
    Endpoint {
        name,
        method,
        path,
        host,
        kind,
        permission,
        summary,
        deprecated: None,
        graphql: None,
    }
}

use EndpointKind::*;

/// Every endpoint we know, one line each.
pub const ENDPOINTS: &[Endpoint] = &[
    endpoint(
        "oauth1-request-token-call",
        "POST",
        "/api/auth/v1/oauth/token/request",
        OAuth1RequestToken,
        None,
        "Get an OAuth 1.0 request token",
    ),
    endpoint(
        "oauth1-authorize",
        "GET",
        "/services/api/auth",
        OAuth1Authorize,
        None,
        "The user authorizes a request token",
    ),
    endpoint(
        "oauth1-access-token-call",
        "POST",
        "/api/auth/v1/oauth/token/access",
        OAuth1AccessToken,
        None,
        "Exchange an authorized request token for an access token",
    ),
    endpoint(
        "oauth2-authorize",
        "GET",
        "/ab/account-security/oauth2/authorize",
        OAuth2Authorize,
        None,
        "The user authorizes an OAuth 2 client",
    ),
    endpoint(
        "oauth2-token",
        "POST",
        "/api/v3/oauth2/token",
        OAuth2Token,
        None,
        "Get or refresh an OAuth 2 access token",
    ),
    endpoint(
        "auth-info",
        "GET",
        "/api/auth/v1/info.json",
        Rest,
        Some(p::BASIC_INFO),
        "The authenticated user's basic info",
    )
    .graphql("query { user { id nid rid name } }"),
    endpoint(
        "hr-companies",
        "GET",
        "/api/hr/v2/companies.json",
        Rest,
        Some(p::TEAMS),
        "The companies the user has access to",
    )
    .graphql("query { companySelector { items { title organizationId } } }"),
    endpoint(
        "hr-teams",
        "GET",
        "/api/hr/v2/teams.json",
        Rest,
        Some(p::TEAMS),
        "The teams the user has access to",
    ),
    endpoint(
        "hr-jobs",
        "GET",
        "/api/hr/v2/jobs.json",
        Rest,
        Some(p::VIEW_JOB_POSTS),
        "The client's job posts",
    ),
    endpoint(
        "hr-job-create",
        "POST",
        "/api/hr/v2/jobs.json",
        Rest,
        Some(p::MANAGE_JOB_POSTS),
        "Post a job",
    ),
    endpoint(
        "hr-job",
        "GET",
        "/api/hr/v2/jobs/{id}.json",
        Rest,
        Some(p::VIEW_JOB_POSTS),
        "One job post",
    ),
    endpoint(
        "hr-job-update",
        "PUT",
        "/api/hr/v2/jobs/{id}.json",
        Rest,
        Some(p::MANAGE_JOB_POSTS),
        "Update a job post (PUT, or POST with http_method=put)",
    ),
    endpoint(
        "hr-job-delete",
        "DELETE",
        "/api/hr/v2/jobs/{id}.json",
        Rest,
        Some(p::MANAGE_JOB_POSTS),
        "Close a job post (DELETE, or POST with http_method=delete)",
    ),
    endpoint(
        "search-jobs",
        "GET",
        "/api/profiles/v2/search/jobs.json",
        Rest,
        Some(p::SEARCH),
        "Search jobs (q, skills, paging ...)",
    )
    .graphql("query { marketplaceJobPostingsSearch(marketplaceJobFilter: { searchExpression_eq: \"web design\" }) { totalCount edges { node { id title ciphertext } } } }"),
    endpoint(
        "search-providers",
        "GET",
        "/api/profiles/v2/search/providers.json",
        Rest,
        Some(p::SEARCH),
        "Search freelancers",
    ),
    endpoint(
        "provider-profile",
        "GET",
        "/api/profiles/v1/providers/{id}.json",
        Rest,
        Some(p::SEARCH),
        "A freelancer's public profile",
    )
    .graphql("query { freelancerProfileByProfileKey(profileKey: \"<profile key>\") { personalData { firstName lastName title } } }"),
    endpoint(
        "job-profile",
        "GET",
        "/api/profiles/v1/jobs/{id}.json",
        Rest,
        Some(p::SEARCH),
        "A job's public profile",
    )
    .graphql("query { marketplaceJobPosting(id: \"<job id>\") { id content { title description } } }"),
    endpoint(
        "gds-company-timereport",
        "GET",
        "/gds/timereports/v1/companies/{company}",
        Report,
        Some(p::REPORTS),
        "Time report of a company (GDS query in tq)",
    ),
    endpoint(
        "gds-team-timereport",
        "GET",
        "/gds/timereports/v1/companies/{company}/teams/{team}",
        Report,
        Some(p::REPORTS),
        "Time report of a team (GDS query in tq)",
    ),
    endpoint(
        "hr-team-users",
        "GET",
        "/api/hr/v2/teams/{team}/users.json",
        Rest,
        Some(p::TEAMS),
        "The users of a team",
    ),
    endpoint(
        "hr-engagements",
        "GET",
        "/api/hr/v2/engagements.json",
        Rest,
        Some(p::VIEW_CONTRACTS),
        "The contracts (engagements) the user can see",
    ),
    endpoint(
        "hr-contract-end",
        "DELETE",
        "/api/hr/v2/contracts/{id}.json",
        Rest,
        Some(p::CLOSE_CONTRACTS),
        "End a contract (DELETE, or POST with http_method=delete)",
    ),
    endpoint(
        "hr-team-adjustment",
        "POST",
        "/api/hr/v2/teams/{team}/adjustments.json",
        Rest,
        Some(p::ONE_TIME_PAYMENTS),
        "A bonus or one-time payment to a contractor",
    ),
    endpoint(
        "milestone-active",
        "GET",
        "/api/hr/v3/fp/milestones/statuses/active/contracts/{contract}.json",
        Rest,
        Some(p::VIEW_CONTRACTS),
        "The active milestone of a fixed-price contract",
    ),
    // Not sure: the reference names no permission of its own for milestones; a milestone is a part
    // of a fixed-price offer, so the offer permission is assumed.
    endpoint(
        "milestone-create",
        "POST",
        "/api/hr/v3/fp/milestones.json",
        Rest,
        Some(p::MAKE_OFFER),
        "Create a milestone in a fixed-price contract",
    ),
    endpoint(
        "offers-client-list",
        "GET",
        "/api/offers/v1/clients/offers.json",
        Rest,
        Some(p::VIEW_OFFERS),
        "The client's offers",
    ),
    endpoint(
        "offers-client-make",
        "POST",
        "/api/offers/v1/clients/offers.json",
        Rest,
        Some(p::MAKE_OFFER),
        "Make an offer to a freelancer",
    ),
    endpoint(
        "offers-client-one",
        "GET",
        "/api/offers/v1/clients/offers/{id}.json",
        Rest,
        Some(p::VIEW_OFFERS),
        "One of the client's offers",
    ),
    // Not sure of the path segment: client libraries spell the freelancer side `contractors`.
    endpoint(
        "offers-freelancer-list",
        "GET",
        "/api/offers/v1/contractors/offers.json",
        Rest,
        Some(p::VIEW_OFFERS),
        "The offers a freelancer received",
    ),
    endpoint(
        "messages-rooms",
        "GET",
        "/api/messages/v3/{company}/rooms.json",
        Rest,
        Some(p::MESSAGES),
        "The message rooms of a company",
    )
    .graphql("query { roomList { totalCount edges { node { id roomName } } } }"),
    endpoint(
        "messages-room-create",
        "POST",
        "/api/messages/v3/{company}/rooms.json",
        Rest,
        Some(p::SEND_MESSAGES),
        "Create a message room",
    ),
    endpoint(
        "messages-room",
        "GET",
        "/api/messages/v3/{company}/rooms/{room}.json",
        Rest,
        Some(p::MESSAGES),
        "One message room",
    ),
    endpoint(
        "messages-send",
        "POST",
        "/api/messages/v3/{company}/rooms/{room}/stories.json",
        Rest,
        Some(p::SEND_MESSAGES),
        "Send a message to a room",
    ),
    endpoint(
        "mc-threads",
        "GET",
        "/api/mc/v1/threads/{username}.json",
        Rest,
        Some(p::MESSAGES),
        "Message Center threads (retired: Messages API v3 rooms)",
    )
    .retired("messages-rooms"),
    endpoint(
        "workdiary-company",
        "GET",
        "/api/team/v3/workdiaries/companies/{company}/{date}.json",
        Rest,
        Some(p::WORKDIARY),
        "The work diary of a company for a day (yyyymmdd)",
    ),
    endpoint(
        "workdiary-contract",
        "GET",
        "/api/team/v3/workdiaries/contracts/{contract}/{date}.json",
        Rest,
        Some(p::WORKDIARY),
        "The work diary of a contract for a day (yyyymmdd)",
    ),
    endpoint(
        "workdiary-team-v1",
        "GET",
        "/api/team/v1/workdiaries/{team}/{date}.json",
        Rest,
        Some(p::WORKDIARY),
        "The work diary of a team (retired: team/v3 work diaries)",
    )
    .retired("workdiary-company"),
    // Not sure of the path: task codes moved between versions; this is the last one documented.
    endpoint(
        "task-codes",
        "GET",
        "/api/otask/v1/tasks/companies/{company}/teams/{team}/tasks.json",
        Rest,
        Some(p::VIEW_TASK_CODES),
        "The task (activity) codes of a team",
    ),
    endpoint(
        "gds-provider-timereport",
        "GET",
        "/gds/timereports/v1/providers/{provider}",
        Report,
        Some(p::REPORTS),
        "Time report of a freelancer (GDS query in tq)",
    ),
    endpoint(
        "gds-provider-earnings",
        "GET",
        "/gds/finreports/v2/providers/{provider}/earnings",
        Report,
        Some(p::REPORTS),
        "Earnings report of a freelancer (GDS query in tq)",
    ),
    endpoint(
        "gds-buyer-company-billings",
        "GET",
        "/gds/finreports/v2/buyer_companies/{company}/billings",
        Report,
        Some(p::REPORTS),
        "Billing report of a client's company (GDS query in tq)",
    ),
    endpoint(
        "gds-financial-account",
        "GET",
        "/gds/finreports/v2/financial_accounts/{account}",
        Report,
        Some(p::PAYMENT_HISTORY),
        "Payment history of a financial account (GDS query in tq)",
    ),
    endpoint(
        "graphql",
        "POST",
        "/graphql",
        GraphQl,
        None,
        "The GraphQL API (OAuth 2 scopes)",
    ),
];

/// The endpoint that replaces a retired one, as `METHOD URL`; the bare name when it is not in
/// the table.
pub fn replacement_text(name: &str) -> String {
    ENDPOINTS
        .iter()
        .find(|e| e.name == name)
        .map_or_else(|| name.to_string(), |e| format!("{} {}", e.method, e.url()))
}

/// Where Upwork's sunset of its REST API in favour of GraphQL is on record.
pub const SUNSET_SOURCE: &str = "python-upwork-oauth2#8 (https://github.com/upwork/python-upwork-oauth2/issues/8), \"Rest API sunset\": Upwork's maintainer: \"Yes, you need to switch to GraphQL\" for the REST routers the bindings still expose (auth, organization companies, work diary ...)";

/// The GraphQL call that replaces an endpoint, with the OAuth 2 scope its root field needs.
pub fn graphql_replacement_text(endpoint: &Endpoint) -> Option<String> {
    let query = endpoint.graphql?;
    let scope = endpoint
        .graphql_root()
        .and_then(|root| super::scopes::scope_for(&root))
        .map(|scope| format!(" (OAuth 2 scope \"{scope}\")"))
        .unwrap_or_default();
    Some(format!(
        "POST https://{}/graphql with `{query}`{scope}",
        super::hosts::API
    ))
}

/// The endpoint for this method and path (query ignored; method compared without case).
pub fn endpoint_for(method: &str, path: &str) -> Option<&'static Endpoint> {
    let path = strip_query(path);
    BY_LITERAL
        .iter()
        .find(|(literal, e)| {
            path.starts_with(literal)
                && e.method.eq_ignore_ascii_case(method)
                && path_matches(e.path, path)
        })
        .map(|(_, e)| *e)
}

/// The catalogue in its order, each endpoint with its literal prefix
/// ([`Endpoint::matches_path`]'s first test), found once: every call checked looks its endpoint
/// up several times.
static BY_LITERAL: std::sync::LazyLock<Vec<(&'static str, &'static Endpoint)>> =
    std::sync::LazyLock::new(|| ENDPOINTS.iter().map(|e| (e.literal_prefix(), e)).collect());

/// Every endpoint at this path, whatever the method: what a 405 answer lists in `Allow`.
pub fn endpoints_at(path: &str) -> impl Iterator<Item = &'static Endpoint> + '_ {
    ENDPOINTS.iter().filter(move |e| e.matches_path(path))
}

fn strip_query(path: &str) -> &str {
    path.split_once('?').map_or(path, |(p, _)| p)
}

pub(crate) fn path_matches(pattern: &str, path: &str) -> bool {
    let mut wanted = pattern.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return true,
            (Some(w), Some(g)) if segment_matches(w, g) => {}
            _ => return false,
        }
    }
}

/// A segment with one `{name}` piece matches any non-empty text between its literal prefix and
/// suffix; a segment without one must be equal.
pub(crate) fn segment_matches(pattern: &str, segment: &str) -> bool {
    let Some((prefix, rest)) = pattern.split_once('{') else {
        return pattern == segment;
    };
    let Some((_, suffix)) = rest.split_once('}') else {
        return pattern == segment;
    };
    segment.len() > prefix.len() + suffix.len()
        && segment.starts_with(prefix)
        && segment.ends_with(suffix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_graphql_replacement_has_a_root_field_with_a_known_scope() {
        let replaced: Vec<&Endpoint> = ENDPOINTS.iter().filter(|e| e.graphql.is_some()).collect();
        assert!(replaced.len() >= 6);
        for endpoint in replaced {
            let root = endpoint.graphql_root().expect("a root field");
            assert!(
                super::super::scopes::scope_for(&root).is_some(),
                "{}: {root} has no scope",
                endpoint.name
            );
            assert!(
                graphql_replacement_text(endpoint)
                    .unwrap()
                    .contains("OAuth 2 scope")
            );
        }
    }

    #[test]
    fn finds_endpoints_by_method_and_pattern() {
        let teams = endpoint_for("get", "/api/hr/v2/teams.json").unwrap();
        assert_eq!(teams.permission, Some(p::TEAMS));
        let provider = endpoint_for("GET", "/api/profiles/v1/providers/~01abc.json").unwrap();
        assert_eq!(provider.name, "provider-profile");
        let report = endpoint_for(
            "GET",
            "/gds/timereports/v1/companies/acme?tq=SELECT%20hours",
        )
        .unwrap();
        assert_eq!(report.permission, Some(p::REPORTS));
        assert_eq!(
            endpoint_for("PUT", "/api/hr/v2/jobs/~123.json")
                .unwrap()
                .name,
            "hr-job-update"
        );
    }

    #[test]
    fn knows_every_family_of_the_legacy_api() {
        let find = |m: &str, path: &str| endpoint_for(m, path).map(|e| e.name);
        assert_eq!(
            find("POST", "/api/offers/v1/clients/offers.json"),
            Some("offers-client-make")
        );
        assert_eq!(
            find("POST", "/api/messages/v3/acme/rooms/r1/stories.json"),
            Some("messages-send")
        );
        assert_eq!(
            find(
                "GET",
                "/api/team/v3/workdiaries/companies/acme/20240101.json"
            ),
            Some("workdiary-company")
        );
        assert_eq!(
            find("GET", "/gds/finreports/v2/buyer_companies/acme/billings"),
            Some("gds-buyer-company-billings")
        );
        let mc = endpoint_for("GET", "/api/mc/v1/threads/jdoe.json").unwrap();
        assert_eq!(mc.deprecated, Some("messages-rooms"));
    }

    #[test]
    fn refuses_near_misses() {
        assert!(endpoint_for("GET", "/api/profiles/v1/providers/.json").is_none());
        assert!(endpoint_for("GET", "/api/hr/v2/teams.json/").is_none());
        assert!(endpoint_for("GET", "/API/hr/v2/teams.json").is_none());
        assert!(endpoint_for("POST", "/api/hr/v2/teams.json").is_none());
        assert!(endpoint_for("GET", "/gds/timereports/v1/companies/acme/extra").is_none());
    }

    #[test]
    fn lists_the_methods_at_a_path() {
        let mut methods: Vec<_> = endpoints_at("/api/hr/v2/jobs/7.json")
            .map(|e| e.method)
            .collect();
        methods.sort_unstable();
        assert_eq!(methods, ["DELETE", "GET", "PUT"]);
    }

    #[test]
    fn names_are_unique_and_permissions_known() {
        for (i, e) in ENDPOINTS.iter().enumerate() {
            assert!(
                ENDPOINTS[i + 1..].iter().all(|o| o.name != e.name),
                "{}",
                e.name
            );
            if let Some(perm) = e.permission {
                assert!(p::ALL.contains(&perm), "{perm}");
            }
            if let Some(replacement) = e.deprecated {
                assert!(
                    ENDPOINTS
                        .iter()
                        .any(|o| o.name == replacement && o.deprecated.is_none()),
                    "{} is replaced by {replacement}",
                    e.name
                );
            }
        }
    }
}
