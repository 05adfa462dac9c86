//! The HTTP side: one handler that takes every request through the checks in the order Upwork's
//! front end and API apply them, and records it.

use std::net::IpAddr;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::body::Refused;
use super::canned;
use super::demo;
use super::flow;
use super::graphql;
use super::head::RawHead;
use super::journal::Entry;
use super::oauth_check::authenticate;
use super::oauth2;
use super::responses::{
    html_page, json, legacy_error, legacy_error_with_odesk_headers, length_required,
};
use super::state::{Shared, lock};
use upwork_diag_core::request::{CapturedRequest, RawUrl, Source};
use upwork_diag_core::upwork::entry_points::WRONG_URL;
use upwork_diag_core::upwork::{Endpoint, EndpointKind, endpoint_for, endpoints_at, errors};

/// The path of the journal of requests received (GET lists, DELETE clears).
pub const REQUESTS_PATH: &str = "/__mock/requests";

/// The answer to one request whose body was read (or refused: 411, 413, 408, 400), recorded in
/// the journal.
pub(crate) fn handle(
    shared: &Shared,
    peer: IpAddr,
    head: &RawHead,
    body: Result<Vec<u8>, Refused>,
) -> Response {
    let mut response = if head.path() == REQUESTS_PATH {
        journal(shared, &head.method, &head.target)
    } else {
        let body = body.map_err(|Refused(code)| code);
        let response = answer(shared, head, peer, body.as_deref().map_err(|code| *code));
        let mut entry = Entry::new(
            &shared.known_secrets,
            &head.method,
            &head.target,
            &head.headers,
            body.as_deref().unwrap_or_default(),
        );
        entry.status = Some(response.status().as_u16());
        shared.record(entry);
        response
    };
    // `upwork_diag_core::upwork::EMULATOR_HEADER`, lowercased as `from_static` wants it.
    let mark = header::HeaderName::from_static("x-upwork-diag-emulator");
    response
        .headers_mut()
        .insert(mark, HeaderValue::from_static("1"));
    response
}

/// `GET /__mock/requests?offset=N&limit=M`: a page of the journal, from the `offset`-th oldest
/// entry kept (default 0), at most `limit` entries (default and most: all that are kept).
fn journal(shared: &Shared, method: &str, target: &str) -> Response {
    match method {
        "GET" => {
            let query = target.split_once('?').map_or("", |(_, q)| q);
            let mut offset = 0;
            let mut limit = usize::MAX;
            for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
                let slot = match name.as_ref() {
                    "offset" => &mut offset,
                    "limit" => &mut limit,
                    _ => continue,
                };
                match value.parse::<usize>() {
                    Ok(n) => *slot = n,
                    Err(_) => {
                        return html_page(
                            400,
                            &format!("{name} must be a whole number of entries"),
                        );
                    }
                }
            }
            let page = lock(&shared.journal).page(offset, limit);
            json(serde_json::to_value(page).expect("a page always serializes"))
        }
        "DELETE" => {
            lock(&shared.journal).clear();
            StatusCode::NO_CONTENT.into_response()
        }
        _ => {
            let mut response = html_page(405, "");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, DELETE"));
            response
        }
    }
}

/// The response to a request outside the journal: the body's refusal if any, then the rate limit,
/// then the route.
fn answer(shared: &Shared, head: &RawHead, peer: IpAddr, body: Result<&[u8], u16>) -> Response {
    let body = match body {
        Ok(body) => body,
        // The front end refuses a body of unknown length before anything else looks at it.
        Err(411) => return length_required(),
        Err(code) => return html_page(code, ""),
    };
    if let Some(limit) = shared.config.rate_limit
        && !lock(&shared.rate).allow(peer, std::time::Instant::now(), limit)
    {
        return rate_limited();
    }
    match captured(head, body) {
        Ok(captured) => route(shared, &captured),
        Err(code) => html_page(code, ""),
    }
}

/// The request as the client sent it, for the signature check: method and target as written,
/// the host from the `Host` header, headers in order and case. Else the status refusing it.
fn captured(head: &RawHead, body: &[u8]) -> Result<CapturedRequest, u16> {
    let target = head.target.as_str();
    let url_text = if target.starts_with("http://") || target.starts_with("https://") {
        target.to_string()
    } else {
        let Some(host) = head.header("host").filter(|h| !h.trim().is_empty()) else {
            return Err(400);
        };
        format!("http://{}{target}", host.trim())
    };
    let url = RawUrl::parse(&url_text).map_err(|_| 400u16)?;
    Ok(CapturedRequest {
        method: head.method.clone(),
        url,
        headers: head.headers.clone(),
        body: body.to_vec(),
        time: Some(upwork_diag_core::request::SentAt {
            at: chrono::Utc::now(),
            from: upwork_diag_core::request::TimeEvidence::Received,
        }),
        source: Source::Raw {
            file: "mock".to_string(),
        },
    })
}

/// Upwork's answer past the rate limit: 429, its error headers and `Retry-After`.
fn rate_limited() -> Response {
    let mut response = legacy_error(429, errors::RATE_LIMITED);
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// A retired legacy endpoint: 410 naming its replacement. Upwork's own answer for a retired
/// endpoint is not on record; 410 Gone is what HTTP gives for a resource removed for good.
fn retired(replacement: &str) -> Response {
    let instead = upwork_diag_core::upwork::endpoints::replacement_text(replacement);
    legacy_error(
        410,
        &format!("{} Use {instead} instead.", errors::ENDPOINT_RETIRED),
    )
}

/// A legacy REST or report call: a bearer token or an OAuth 1.0 signature, the user's profile, the
/// key's permission, then the canned answer.
fn rest(shared: &Shared, request: &CapturedRequest, endpoint: &Endpoint) -> Response {
    if let Some(replacement) = endpoint.deprecated {
        return retired(replacement);
    }
    let (consumer, username) = match oauth2::authenticate_bearer(shared, request) {
        Err(refusal) => return *refusal,
        Ok(Some(bearer)) => (bearer.consumer, bearer.token.username),
        Ok(None) => match authenticate(shared, request, endpoint.kind) {
            Err(refusal) => return refusal.into_response(),
            Ok(auth) if auth.disabled => return legacy_error(403, errors::PROFILE_DISABLED),
            Ok(auth) => (auth.consumer, auth.username.unwrap_or_default()),
        },
    };
    if let Some(permission) = endpoint.permission
        && !consumer.has_permission(permission)
    {
        return legacy_error(403, errors::NO_ACCESS);
    }
    if let Some(refusal) = refused_profile(endpoint, request) {
        return refusal;
    }
    canned::answer(endpoint, request, &username)
}

/// Upwork's refusals of a job whose profile cannot be served, in its own words, for the demo jobs:
/// a call asking for several jobs (`;`-joined) is refused whole, as Upwork does (node-upwork#53).
fn refused_profile(endpoint: &Endpoint, request: &CapturedRequest) -> Option<Response> {
    if endpoint.name != "job-profile" {
        return None;
    }
    let path = request.url.path();
    let keys = path
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .trim_end_matches(".json");
    let keys: Vec<String> = keys
        .split(';')
        .map(upwork_diag_core::oauth::decode)
        .collect();
    if keys.iter().any(|k| k == demo::DISABLED_PROFILE_JOB) {
        let message = errors::profile_key_disabled(demo::DISABLED_PROFILE_JOB);
        return Some(legacy_error_with_odesk_headers(403, &message));
    }
    if keys.iter().any(|k| k == demo::SUSPENDED_FREELANCER_JOB) {
        return Some(legacy_error(403, errors::FREELANCER_SUSPENDED));
    }
    None
}

fn route(shared: &Shared, request: &CapturedRequest) -> Response {
    let method = request.effective_method();
    let path = request.url.path();
    let known = known_path(path);
    if path.ends_with(".xml") && endpoint_for(&method, &known).is_some() {
        return xml_not_served();
    }
    let endpoint = endpoint_for(&method, &known);
    let Some(endpoint) = endpoint else {
        return no_route(&known);
    };
    if on_the_other_host(request, endpoint) {
        return legacy_error(404, WRONG_URL);
    }
    match endpoint.kind {
        EndpointKind::OAuth1Authorize => flow::authorize(shared, request),
        EndpointKind::OAuth1RequestToken => match authenticate(shared, request, endpoint.kind) {
            Ok(auth) => flow::request_token(shared, &auth),
            Err(refusal) => refusal.into_response(),
        },
        EndpointKind::OAuth1AccessToken => match authenticate(shared, request, endpoint.kind) {
            Ok(auth) => flow::access_token(shared, &auth),
            Err(refusal) => refusal.into_response(),
        },
        EndpointKind::Rest | EndpointKind::Report => rest(shared, request, endpoint),
        EndpointKind::OAuth2Authorize => oauth2::authorize(shared, request),
        EndpointKind::OAuth2Token => oauth2::token(shared, request),
        EndpointKind::GraphQl => match oauth2::authenticate_bearer(shared, request) {
            Err(refusal) => *refusal,
            Ok(bearer) => graphql::answer(request, bearer),
        },
    }
}

/// The path the endpoint table knows this one by. Upwork's legacy API takes the format from the
/// path's suffix and answers JSON without one (the official Node binding calls
/// `/api/auth/v1/info` with `Accept: application/json`): a path the table lacks whose last segment
/// has no dot is looked up with `.json`, and a `.xml` path as its `.json` twin.
fn known_path(path: &str) -> String {
    if let Some(stem) = path.strip_suffix(".xml") {
        return format!("{stem}.json");
    }
    let last = path.rsplit('/').next().unwrap_or_default();
    let legacy = path.starts_with("/api/") || path.starts_with("/gds/");
    let listed = endpoints_at(path).next().is_some();
    if legacy && !listed && !last.is_empty() && !last.contains('.') {
        format!("{path}.json")
    } else {
        path.to_string()
    }
}

/// True when the call's `Host` names one of Upwork's hosts, but not the endpoint's (GraphQL on
/// www.upwork.com, REST on api.upwork.com): Upwork serves each API on its own host. A call to the
/// emulator's own address is served whatever the path.
fn on_the_other_host(request: &CapturedRequest, endpoint: &Endpoint) -> bool {
    let host = request
        .url
        .host()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    (host == "upwork.com" || host.ends_with(".upwork.com")) && host != endpoint.host
}

/// A `.xml` call to an endpoint the emulator knows: Upwork answers it in XML, which the emulator
/// does not speak; it says so instead of pretending the resource does not exist.
fn xml_not_served() -> Response {
    legacy_error(
        406,
        "The emulator answers in JSON only: call the same path with .json or with no suffix.",
    )
}

/// 405 when the path exists under other methods, else 404 (JSON under the API, HTML elsewhere).
fn no_route(path: &str) -> Response {
    let mut allowed: Vec<&str> = endpoints_at(path).map(|e| e.method).collect();
    allowed.sort_unstable();
    allowed.dedup();
    if !allowed.is_empty() {
        let mut response = legacy_error(405, "Method Not Allowed");
        if let Ok(value) = HeaderValue::from_str(&allowed.join(", ")) {
            response.headers_mut().insert(header::ALLOW, value);
        }
        return response;
    }
    if path.starts_with("/api/") || path.starts_with("/gds/") {
        // Upwork's words for a URL it does not serve (php-upwork#23, python-upwork#53); the status
        // is not on record, 404 is HTTP's.
        legacy_error(404, WRONG_URL)
    } else {
        html_page(404, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MockConfig;
    use crate::testing::{
        captured, full, head, limited, send, send_head, send_signed, shared, shared_with,
        signed_info,
    };
    use upwork_diag_core::oauth::SignOptions;

    #[test]
    fn the_journal_pages_clears_and_takes_only_get_and_delete() {
        let shared = shared();
        for n in 0..3 {
            send(&shared, "GET", &format!("/nowhere/{n}"), &[], "");
        }
        let page = send(&shared, "GET", "/__mock/requests?offset=1&limit=1", &[], "");
        assert_eq!(page.status, 200);
        assert_eq!(page.header("x-upwork-diag-emulator"), Some("1"));
        let page = page.json();
        assert_eq!(
            (page["total"].as_u64(), page["offset"].as_u64()),
            (Some(3), Some(1))
        );
        assert_eq!(page["requests"].as_array().unwrap().len(), 1, "{page}");
        assert_eq!(page["requests"][0]["target"], "/nowhere/1");
        assert_eq!(page["requests"][0]["status"], 404);
        // The journal's own calls are not recorded.
        assert_eq!(
            send(&shared, "GET", REQUESTS_PATH, &[], "").json()["total"],
            3
        );

        let bad = send(&shared, "GET", "/__mock/requests?limit=all", &[], "");
        assert_eq!(bad.status, 400);
        assert!(
            bad.body.contains("limit must be a whole number of entries"),
            "{}",
            bad.body
        );
        let post = send(&shared, "POST", REQUESTS_PATH, &[], "");
        assert_eq!(post.status, 405);
        assert_eq!(post.header("allow"), Some("GET, DELETE"));
        let delete = send(&shared, "DELETE", REQUESTS_PATH, &[], "");
        assert_eq!(delete.status, 204);
        assert_eq!(delete.header("x-upwork-diag-emulator"), Some("1"));
        assert_eq!(
            send(&shared, "GET", REQUESTS_PATH, &[], "").json()["total"],
            0
        );
    }

    #[test]
    fn a_refused_body_is_answered_first_and_the_rate_limit_counts_the_rest() {
        let shared = shared_with(MockConfig {
            rate_limit: Some(1),
            ..MockConfig::default()
        });
        let post = head(
            "POST",
            "/api/auth/v1/oauth/token/request",
            &[("Host", crate::testing::HOST)],
        );
        let refused = send_head(&shared, &post, Err(411));
        assert_eq!(refused.status, 411);
        assert!(
            refused.body.contains("<title>411 Length Required</title>"),
            "{}",
            refused.body
        );
        let too_large = send_head(&shared, &post, Err(413));
        assert_eq!(too_large.status, 413);
        assert!(
            too_large
                .body
                .contains("<title>413 Payload Too Large</title>")
        );
        // The first call of the second is let through (refused for want of a signature), the next
        // one is past the limit.
        let first = send(&shared, "GET", "/api/auth/v1/info.json", &[], "");
        assert_eq!(first.status, 401);
        let second = send(&shared, "GET", "/api/auth/v1/info.json", &[], "");
        assert_eq!(second.status, 429);
        assert_eq!(second.header("retry-after"), Some("1"));
        assert_eq!(second.message(), errors::RATE_LIMITED);
        assert_eq!(second.header("x-upwork-error-code"), Some("429"));
    }

    #[test]
    fn the_host_comes_from_an_absolute_target_or_the_host_header() {
        let shared = shared();
        let info = "/api/auth/v1/info.json";
        assert_eq!(
            send_head(&shared, &head("GET", info, &[]), Ok(b"")).status,
            400
        );
        let blank = head("GET", info, &[("Host", "  ")]);
        assert_eq!(send_head(&shared, &blank, Ok(b"")).status, 400);
        for scheme in ["http", "https"] {
            let absolute = head("GET", &format!("{scheme}://127.0.0.1:8080{info}"), &[]);
            let answer = send_head(&shared, &absolute, Ok(b""));
            assert_eq!(answer.status, 401, "{scheme}");
            assert_eq!(answer.message(), errors::AUTHORIZATION_REQUIRED);
        }
    }

    #[test]
    fn a_signed_call_gets_the_canned_answer_within_its_key_s_permissions() {
        let shared = shared();
        let sign = SignOptions::default();
        let info = signed_info(&shared, &full());
        assert_eq!(info.status, 200, "{}", info.body);
        assert_eq!(info.json()["auth_user"]["uid"], "demo-user");
        let teams = "/api/hr/v2/teams.json";
        let answer = send_signed(&shared, "GET", teams, &[], "", &full(), &sign);
        assert_eq!(answer.status, 200, "{}", answer.body);
        assert_eq!(answer.json()["teams"][0]["name"], "Demo Team");
        let answer = send_signed(&shared, "GET", teams, &[], "", &limited(), &sign);
        assert_eq!(answer.status, 403);
        assert_eq!(answer.message(), errors::NO_ACCESS);
        let disabled = upwork_diag_core::oauth::Keys {
            token: Some(demo::DISABLED_TOKEN),
            token_secret: Some(demo::DISABLED_TOKEN_SECRET),
            ..full()
        };
        let answer = send_signed(
            &shared,
            "GET",
            "/api/auth/v1/info.json",
            &[],
            "",
            &disabled,
            &sign,
        );
        assert_eq!(answer.status, 403);
        assert_eq!(answer.message(), errors::PROFILE_DISABLED);
    }

    #[test]
    fn a_retired_endpoint_gets_410_naming_its_replacement() {
        let answer = send(
            &shared(),
            "GET",
            "/api/mc/v1/threads/demo-user.json",
            &[],
            "",
        );
        assert_eq!(answer.status, 410);
        assert_eq!(
            answer.message(),
            "This API endpoint is deprecated and no longer available. Use GET https://www.upwork.com/api/messages/v3/{company}/rooms.json instead."
        );
    }

    #[test]
    fn the_demo_jobs_are_refused_in_upwork_s_words() {
        let shared = shared();
        let sign = SignOptions::default();
        let job = |key: &str| {
            let target = format!("/api/profiles/v1/jobs/{key}.json");
            send_signed(&shared, "GET", &target, &[], "", &full(), &sign)
        };
        let disabled = job("~01d79d1f56f49fcea6");
        assert_eq!(disabled.status, 403);
        assert_eq!(
            disabled.message(),
            "Profile ~01d79d1f56f49fcea6 is disabled"
        );
        assert_eq!(disabled.header("x-odesk-error-code"), Some("403"));
        assert_eq!(
            disabled.header("x-odesk-error-message"),
            Some("Profile ~01d79d1f56f49fcea6 is disabled")
        );
        let suspended = job("~01aaaa;~0150d301760bfe02d0");
        assert_eq!(suspended.status, 403);
        assert_eq!(
            suspended.message(),
            "Forbidden: Freelancer profile is suspended"
        );
        assert_eq!(suspended.header("x-odesk-error-code"), None);
        let fine = job("~01aaaa");
        assert_eq!(fine.status, 200, "{}", fine.body);
        assert_eq!(fine.json()["profile"]["ciphertext"], "~01aaaa");
        // Only a job's profile is refused so: a freelancer's is served.
        let target = "/api/profiles/v1/providers/~01d79d1f56f49fcea6.json";
        let provider = send_signed(&shared, "GET", target, &[], "", &full(), &sign);
        assert_eq!(provider.status, 200, "{}", provider.body);
    }

    #[test]
    fn paths_are_routed_as_upwork_routes_them() {
        let shared = shared();
        let xml = send(&shared, "GET", "/api/auth/v1/info.xml", &[], "");
        assert_eq!(xml.status, 406);
        assert_eq!(
            xml.message(),
            "The emulator answers in JSON only: call the same path with .json or with no suffix."
        );
        let unknown_xml = send(&shared, "GET", "/api/nothing/here.xml", &[], "");
        assert_eq!(unknown_xml.status, 404);
        assert_eq!(unknown_xml.message(), WRONG_URL);
        // Without a suffix the resource is found: refused for want of a signature.
        let bare = send(&shared, "GET", "/api/auth/v1/info", &[], "");
        assert_eq!(bare.status, 401);
        let put = send(&shared, "PUT", "/api/auth/v1/info.json", &[], "");
        assert_eq!(put.status, 405);
        assert_eq!(put.header("allow"), Some("GET"));
        let delete = send(&shared, "DELETE", "/api/hr/v2/jobs.json", &[], "");
        assert_eq!(delete.header("allow"), Some("GET, POST"));
        let gds = send(&shared, "GET", "/gds/nothing", &[], "");
        assert_eq!(gds.status, 404);
        assert_eq!(gds.message(), WRONG_URL);
        let page = send(&shared, "GET", "/nothing", &[], "");
        assert_eq!(page.status, 404);
        assert_eq!(page.header("x-upwork-error-message"), None);
        assert_eq!(page.header("content-type"), Some("text/html"));
        // Each API on its own host.
        let rest_on_api = head(
            "GET",
            "/api/auth/v1/info.json",
            &[("Host", "api.upwork.com")],
        );
        let answer = send_head(&shared, &rest_on_api, Ok(b""));
        assert_eq!((answer.status, answer.message()), (404, WRONG_URL));
    }

    #[test]
    fn a_legacy_path_is_looked_up_with_json_when_its_last_segment_has_no_suffix() {
        assert_eq!(known_path("/api/auth/v1/info"), "/api/auth/v1/info.json");
        assert_eq!(
            known_path("/api/auth/v1/info.xml"),
            "/api/auth/v1/info.json"
        );
        assert_eq!(
            known_path("/api/auth/v1/info.json"),
            "/api/auth/v1/info.json"
        );
        assert_eq!(known_path("/gds/unknown"), "/gds/unknown.json");
        // Listed as it is (time reports have no suffix), a suffix of its own, nothing after the
        // last slash, not under the legacy API: left alone.
        assert_eq!(
            known_path("/gds/timereports/v1/companies/acme"),
            "/gds/timereports/v1/companies/acme"
        );
        assert_eq!(known_path("/api/x/v1/report.csv"), "/api/x/v1/report.csv");
        assert_eq!(known_path("/api/"), "/api/");
        assert_eq!(known_path("/v1/info"), "/v1/info");
        assert_eq!(known_path("/graphql"), "/graphql");
    }

    #[test]
    fn each_api_is_served_on_its_own_host_only() {
        let rest = endpoint_for("GET", "/api/auth/v1/info.json").unwrap();
        let graphql = endpoint_for("POST", "/graphql").unwrap();
        let at = |host: &str| captured("GET", &format!("http://{host}/x"), &[], "");
        assert!(!on_the_other_host(&at("www.upwork.com"), rest));
        assert!(!on_the_other_host(&at("WWW.Upwork.com."), rest));
        assert!(on_the_other_host(&at("api.upwork.com"), rest));
        assert!(on_the_other_host(&at("upwork.com"), rest));
        assert!(!on_the_other_host(&at("api.upwork.com"), graphql));
        assert!(on_the_other_host(&at("www.upwork.com"), graphql));
        assert!(!on_the_other_host(&at("127.0.0.1:8080"), rest));
        assert!(!on_the_other_host(&at("notupwork.com"), rest));
    }
}
