//! The data the emulated API answers with, once a call has passed every check. Small and fixed,
//! in Upwork's shapes, so a client's parsing can be tried too.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};

use super::responses::server_time;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::Endpoint;

/// The answer of an API endpoint for the user `username`.
pub(crate) fn answer(endpoint: &Endpoint, request: &CapturedRequest, username: &str) -> Response {
    let query = request.url.query_pairs();
    let arg = |name: &str| {
        query
            .iter()
            .chain(request.form_pairs().iter())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let id = last_segment(request.url.path());
    // Everything the body depends on besides the clock's second.
    let key = CacheKey {
        endpoint: endpoint.name,
        username: username.to_string(),
        q: (endpoint.name == "search-jobs").then(|| arg("q").unwrap_or_default()),
        id,
    };
    let now = server_time();
    if let Some(bytes) = cached(&key, now) {
        return json_bytes(bytes);
    }
    let body = match endpoint.name {
        "auth-info" => auth_info(username),
        "hr-companies" => json!({ "companies": [company()] }),
        "hr-teams" => json!({ "teams": [team()] }),
        "hr-jobs" => json!({ "jobs": [job("~01demo0001", "open")] }),
        "hr-job" => json!({ "job": job(&key.id, "open") }),
        "hr-job-create" => json!({ "job": job("~01demo0002", "open") }),
        "hr-job-update" => json!({ "job": job(&key.id, "updated") }),
        "hr-job-delete" => json!({ "job": job(&key.id, "cancelled") }),
        "search-jobs" => search_jobs(key.q.as_deref().unwrap_or_default()),
        "search-providers" => json!({ "providers": [provider("~01demoprovider")] }),
        "provider-profile" => json!({ "profile": provider(&key.id) }),
        "job-profile" => json!({ "profile": { "ciphertext": key.id, "op_title": "Demo job" } }),
        "gds-company-timereport" | "gds-team-timereport" => time_report(),
        _ => json!({ "status": "ok" }),
    };
    let bytes = Bytes::from(with_server_time(body, now).to_string());
    remember(key, now, bytes.clone());
    json_bytes(bytes)
}

/// What a canned body depends on, besides the second it is made in (`server_time`).
#[derive(PartialEq, Eq, Hash)]
struct CacheKey {
    endpoint: &'static str,
    username: String,
    id: String,
    /// The search's `q`, for the job search only.
    q: Option<String>,
}

/// The most bodies kept for one second: a flood of distinct ids costs no more.
const CACHE_ENTRIES: usize = 256;

/// The bodies made within the current second: building the JSON again for each call was a fifth
/// of the emulator's time under load. Each body is a function of its key and the second alone.
static CACHE: Mutex<Option<(i64, HashMap<CacheKey, Bytes>)>> = Mutex::new(None);

fn cached(key: &CacheKey, now: i64) -> Option<Bytes> {
    let cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    match &*cache {
        Some((second, bodies)) if *second == now => bodies.get(key).cloned(),
        _ => None,
    }
}

fn remember(key: CacheKey, now: i64, bytes: Bytes) {
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    let (second, bodies) = cache.get_or_insert_with(|| (now, HashMap::new()));
    if *second != now {
        *second = now;
        bodies.clear();
    }
    if bodies.len() < CACHE_ENTRIES {
        bodies.insert(key, bytes);
    }
}

fn json_bytes(bytes: Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], bytes).into_response()
}

fn with_server_time(mut body: Value, now: i64) -> Value {
    if let Value::Object(map) = &mut body {
        map.insert("server_time".to_string(), json!(now));
    }
    body
}

/// The last path segment without its `.json`: the `{id}` of the patterns that end in one.
fn last_segment(path: &str) -> String {
    let last = path.rsplit('/').next().unwrap_or_default();
    last.strip_suffix(".json").unwrap_or(last).to_string()
}

/// `demo-user` -> ("Demo", "User"): names that look like a person's, from the username.
fn names(username: &str) -> (String, String) {
    let mut parts = username
        .split(['-', '_', '.'])
        .filter(|p| !p.is_empty())
        .map(capitalise);
    let first = parts.next().unwrap_or_else(|| username.to_string());
    let last = parts.collect::<Vec<_>>().join(" ");
    (first, last)
}

fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

fn auth_info(username: &str) -> Value {
    let (first_name, last_name) = names(username);
    json!({
        "auth_user": {
            "first_name": first_name,
            "last_name": last_name,
            "uid": username,
            "mail": format!("{username}@example.com"),
            "messenger_id": "",
            "messenger_type": "",
            "timezone": "UTC",
            "timezone_offset": "0",
        },
        "info": {
            "ref": "100000001",
            "company_url": "",
            "has_agency": "0",
            "portrait_32_img": "",
            "portrait_50_img": "",
            "portrait_100_img": "",
            "capacity": { "provider": "yes", "buyer": "yes", "affiliate_manager": "no" },
            "location": { "city": "Demo City", "state": "", "country": "Demoland" },
            "profile_url": format!("https://www.upwork.com/freelancers/~01{username}"),
        },
    })
}

fn company() -> Value {
    json!({ "name": "Demo Company", "reference": "200000001", "owner_user_id": "demo-user" })
}

fn team() -> Value {
    json!({
        "name": "Demo Team",
        "id": "demo-company:demo-team",
        "reference": "300000001",
        "parent_team__id": "demo-company",
        "parent_team__name": "Demo Company",
        "parent_team__reference": "200000001",
        "company__reference": "200000001",
        "company_name": "Demo Company",
    })
}

fn job(reference: &str, status: &str) -> Value {
    json!({ "reference": reference, "title": "Demo job post", "status": status, "buyer_team__reference": "300000001" })
}

fn provider(id: &str) -> Value {
    json!({ "id": id, "name": "Demo Freelancer", "title": "Web developer", "country": "Demoland", "rate": "40.00" })
}

fn search_jobs(q: &str) -> Value {
    let topic = if q.trim().is_empty() {
        "Web development"
    } else {
        q.trim()
    };
    let jobs: Vec<Value> = ["landing page", "online shop", "maintenance"]
        .iter()
        .enumerate()
        .map(|(i, what)| {
            json!({
                "id": format!("~01demojob{:04}", i + 1),
                "title": format!("{topic}: {what}"),
                "snippet": format!("Demo job about {topic}."),
                "category2": "Web, Mobile & Software Dev",
                "job_type": if i % 2 == 0 { "Fixed" } else { "Hourly" },
                "budget": 500 * (i + 1),
                "date_created": "2024-01-01T00:00:00+0000",
                "url": format!("https://www.upwork.com/jobs/~01demojob{:04}", i + 1),
            })
        })
        .collect();
    let count = jobs.len();
    json!({
        "profile_access": "public,odesk",
        "jobs": jobs,
        "paging": { "offset": 0, "count": count, "total": count },
    })
}

fn time_report() -> Value {
    json!({
        "status": "ok",
        "table": {
            "cols": [
                { "label": "worked_on", "type": "date" },
                { "label": "hours", "type": "number" },
            ],
            "rows": [
                { "c": [{ "v": "20240101" }, { "v": "2.50" }] },
                { "c": [{ "v": "20240102" }, { "v": "4.00" }] },
            ],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_username() {
        assert_eq!(names("demo-user"), ("Demo".to_string(), "User".to_string()));
        assert_eq!(names("jdoe"), ("Jdoe".to_string(), String::new()));
        assert_eq!(last_segment("/api/hr/v2/jobs/~01ab.json"), "~01ab");
    }

    #[test]
    fn job_search_echoes_the_decoded_query() {
        let body = search_jobs("web design");
        assert_eq!(body["jobs"][0]["title"], "web design: landing page");
    }
}
