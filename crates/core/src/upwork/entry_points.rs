//! Entry-point mix-ups: a URL that is not in the catalogue but is one small change away from an
//! endpoint that is (`/api` for `/gds`, the other host, a version segment missing or different,
//! GraphQL at another path), and the right URL, from the catalogue.
//!
//! Upwork answers such a URL with "Wrong URL requested" (php-upwork#23, python-upwork#53); the
//! status that comes with it is not on record, so the answer is matched by that meaning, not by a
//! status.

use serde::Serialize;

use super::endpoints::{ENDPOINTS, Endpoint, EndpointKind, endpoint_for, segment_matches};

/// Upwork's answer to a URL it does not serve (php-upwork#23, python-upwork#53).
pub const WRONG_URL: &str = "Wrong URL requested";

/// Where Upwork's wording for a wrong URL is quoted from.
pub const WRONG_URL_SOURCES: &str = "php-upwork#23 (https://github.com/upwork/php-upwork/issues/23) and python-upwork#53 (https://github.com/upwork/python-upwork/issues/53): \"Wrong URL requested\" for a report called under /api instead of /gds; the status sent with it is not quoted";

/// What is mixed up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mixup {
    /// A report (`/gds/...`) called under `/api/`.
    ApiForGds,
    /// A REST call (`/api/...`) called under `/gds/`.
    GdsForApi,
    /// The right path on the other Upwork host (`www.upwork.com` for REST and OAuth,
    /// `api.upwork.com` for GraphQL).
    WrongHost,
    /// The path lacks the version segment (`/api/hr/teams.json` for `/api/hr/v2/teams.json`).
    VersionMissing,
    /// The path has another version than the endpoint's (`v1` for `v2`).
    VersionDifferent,
    /// GraphQL called at a path other than `/graphql`.
    GraphqlPath,
}

impl Mixup {
    /// One sentence: what is wrong.
    pub fn describe(self) -> &'static str {
        match self {
            Mixup::ApiForGds => {
                "the reports are served under /gds/, not /api/ (the Generic Data Service)"
            }
            Mixup::GdsForApi => "this call is served under /api/, not /gds/",
            Mixup::WrongHost => {
                "the path is right but the host is not: the REST API, the reports and OAuth are on www.upwork.com, GraphQL on api.upwork.com"
            }
            Mixup::VersionMissing => "the path lacks the endpoint's version segment",
            Mixup::VersionDifferent => "the path names another version than the endpoint's",
            Mixup::GraphqlPath => "Upwork's GraphQL API is at https://api.upwork.com/graphql only",
        }
    }
}

/// A URL one mix-up away from a catalogue endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPointMixup {
    pub mixup: Mixup,
    pub endpoint: &'static Endpoint,
    /// The URL the call meant: its own path and query, put right.
    pub right_url: String,
}

/// The mix-up of a call to `host` (without port) and `path` (with or without its query), if it is
/// one: `None` for a URL the catalogue knows as it is, and for one it cannot tell.
pub fn mixup(method: &str, host: &str, path_and_query: &str) -> Option<EntryPointMixup> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    // Only Upwork's own hosts: a proxy, the emulator or a test server is not mixed up.
    if !(host == "upwork.com" || host.ends_with(".upwork.com")) {
        return None;
    }
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, format!("?{query}")),
        None => (path_and_query, String::new()),
    };
    let found = |mixup: Mixup, endpoint: &'static Endpoint, path: &str| {
        Some(EntryPointMixup {
            mixup,
            endpoint,
            right_url: format!("https://{}{path}{query}", endpoint.host),
        })
    };
    if let Some(endpoint) = known(method, path) {
        if endpoint.host != host {
            return found(Mixup::WrongHost, endpoint, path);
        }
        return None;
    }
    let graphql = ENDPOINTS.iter().find(|e| e.kind == EndpointKind::GraphQl)?;
    if path.trim_end_matches('/').ends_with("/graphql") {
        return found(Mixup::GraphqlPath, graphql, graphql.path);
    }
    let swapped = if let Some(rest) = path.strip_prefix("/api/") {
        Some((Mixup::ApiForGds, format!("/gds/{rest}")))
    } else {
        path.strip_prefix("/gds/")
            .map(|rest| (Mixup::GdsForApi, format!("/api/{rest}")))
    };
    if let Some((mixup, swapped)) = swapped
        && let Some(endpoint) = known(method, &swapped)
    {
        return found(mixup, endpoint, &swapped);
    }
    ENDPOINTS
        .iter()
        .filter(|e| e.method.eq_ignore_ascii_case(method))
        .find_map(|e| {
            let (mixup, right) = with_versions_of(e.path, path)?;
            found(mixup, e, &right)
        })
}

/// The endpoint of a path as it is, or with `.json` when its last segment has no suffix (the
/// legacy API answers JSON without one).
fn known(method: &str, path: &str) -> Option<&'static Endpoint> {
    endpoint_for(method, path).or_else(|| {
        let last = path.rsplit('/').next().unwrap_or_default();
        (!last.is_empty() && !last.contains('.'))
            .then(|| endpoint_for(method, &format!("{path}.json")))
            .flatten()
    })
}

fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// The path with the version segments of `pattern` put in (or put right), when it is `pattern`
/// but for them; which of the two mix-ups it was.
fn with_versions_of(pattern: &str, path: &str) -> Option<(Mixup, String)> {
    let given: Vec<&str> = path.split('/').collect();
    let mut out = Vec::new();
    let mut at = 0;
    let mut mixup = None;
    for wanted in pattern.split('/') {
        let segment = given.get(at).copied();
        if is_version(wanted) {
            match segment {
                Some(s) if s == wanted => at += 1,
                Some(s) if is_version(s) => {
                    mixup = Some(Mixup::VersionDifferent);
                    at += 1;
                }
                _ => mixup = mixup.or(Some(Mixup::VersionMissing)),
            }
            out.push(wanted.to_string());
            continue;
        }
        let segment = segment?;
        let segment_or_json = if segment_matches(wanted, segment) {
            segment.to_string()
        } else if segment_matches(wanted, &format!("{segment}.json")) && at + 1 == given.len() {
            format!("{segment}.json")
        } else {
            return None;
        };
        out.push(segment_or_json);
        at += 1;
    }
    if at != given.len() {
        return None;
    }
    Some((mixup?, out.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn right(method: &str, host: &str, path: &str) -> Option<(Mixup, String)> {
        mixup(method, host, path).map(|m| (m.mixup, m.right_url))
    }

    #[test]
    fn names_the_right_url_of_each_mixup() {
        assert_eq!(
            right(
                "GET",
                "www.upwork.com",
                "/api/timereports/v1/companies/acme?tq=SELECT%20hours"
            ),
            Some((
                Mixup::ApiForGds,
                "https://www.upwork.com/gds/timereports/v1/companies/acme?tq=SELECT%20hours".into()
            ))
        );
        assert_eq!(
            right("GET", "www.upwork.com", "/gds/hr/v2/teams.json"),
            Some((
                Mixup::GdsForApi,
                "https://www.upwork.com/api/hr/v2/teams.json".into()
            ))
        );
        assert_eq!(
            right("POST", "www.upwork.com", "/graphql"),
            Some((Mixup::WrongHost, "https://api.upwork.com/graphql".into()))
        );
        assert_eq!(
            right("GET", "api.upwork.com", "/api/auth/v1/info.json"),
            Some((
                Mixup::WrongHost,
                "https://www.upwork.com/api/auth/v1/info.json".into()
            ))
        );
        assert_eq!(
            right("POST", "api.upwork.com", "/api/graphql"),
            Some((Mixup::GraphqlPath, "https://api.upwork.com/graphql".into()))
        );
        assert_eq!(
            right("GET", "www.upwork.com", "/api/hr/teams.json"),
            Some((
                Mixup::VersionMissing,
                "https://www.upwork.com/api/hr/v2/teams.json".into()
            ))
        );
        assert_eq!(
            right("GET", "www.upwork.com", "/api/hr/v1/teams"),
            Some((
                Mixup::VersionDifferent,
                "https://www.upwork.com/api/hr/v2/teams.json".into()
            ))
        );
    }

    #[test]
    fn a_right_or_unknown_url_is_no_mixup() {
        assert!(right("GET", "www.upwork.com", "/api/hr/v2/teams.json").is_none());
        assert!(right("GET", "www.upwork.com", "/api/auth/v1/info").is_none());
        assert!(right("POST", "api.upwork.com", "/graphql").is_none());
        assert!(right("GET", "www.upwork.com", "/api/nothing/like/this.json").is_none());
        // Not Upwork's host: the emulator, a proxy, a test server.
        assert!(right("POST", "127.0.0.1", "/api/graphql").is_none());
        assert!(right("GET", "upwork.com.evil.example", "/api/hr/teams.json").is_none());
    }
}
