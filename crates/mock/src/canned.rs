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

    fn body_of(method: &str, path: &str, target: &str, username: &str) -> Value {
        let endpoint = upwork_diag_core::upwork::endpoint_for(method, path).unwrap();
        let request =
            crate::testing::captured(method, &format!("https://www.upwork.com{target}"), &[], "");
        crate::testing::read(answer(endpoint, &request, username)).json()
    }

    #[test]
    fn each_endpoint_answers_in_its_own_shape() {
        let get = |path: &str| body_of("GET", path, path, "demo-user");
        let info = get("/api/auth/v1/info.json");
        assert_eq!(info["auth_user"]["first_name"], "Demo");
        assert_eq!(info["auth_user"]["last_name"], "User");
        assert_eq!(info["auth_user"]["mail"], "demo-user@example.com");
        assert_eq!(
            info["info"]["profile_url"],
            "https://www.upwork.com/freelancers/~01demo-user"
        );
        assert!(info["server_time"].is_i64(), "{info}");
        assert_eq!(
            get("/api/hr/v2/companies.json")["companies"][0]["name"],
            "Demo Company"
        );
        assert_eq!(
            get("/api/hr/v2/teams.json")["teams"][0]["id"],
            "demo-company:demo-team"
        );
        assert_eq!(
            get("/api/hr/v2/jobs.json")["jobs"][0]["reference"],
            "~01demo0001"
        );
        let job = get("/api/hr/v2/jobs/~01abc.json");
        assert_eq!(
            (
                job["job"]["reference"].as_str(),
                job["job"]["status"].as_str()
            ),
            (Some("~01abc"), Some("open"))
        );
        let created = body_of(
            "POST",
            "/api/hr/v2/jobs.json",
            "/api/hr/v2/jobs.json",
            "demo-user",
        );
        assert_eq!(created["job"]["reference"], "~01demo0002");
        let path = "/api/hr/v2/jobs/~01abc.json";
        assert_eq!(
            body_of("PUT", path, path, "demo-user")["job"]["status"],
            "updated"
        );
        assert_eq!(
            body_of("DELETE", path, path, "demo-user")["job"]["status"],
            "cancelled"
        );
        let search = body_of(
            "GET",
            "/api/profiles/v2/search/jobs.json",
            "/api/profiles/v2/search/jobs.json?q=logo%20design",
            "demo-user",
        );
        assert_eq!(search["jobs"][1]["title"], "logo design: online shop");
        assert_eq!(
            get("/api/profiles/v2/search/providers.json")["providers"][0]["id"],
            "~01demoprovider"
        );
        assert_eq!(
            get("/api/profiles/v1/providers/~01p.json")["profile"]["id"],
            "~01p"
        );
        let job = get("/api/profiles/v1/jobs/~01j.json");
        assert_eq!(job["profile"]["ciphertext"], "~01j");
        assert_eq!(job["profile"]["op_title"], "Demo job");
        for path in [
            "/gds/timereports/v1/companies/acme",
            "/gds/timereports/v1/companies/acme/teams/t",
        ] {
            let report = get(path);
            assert_eq!(report["table"]["rows"][1]["c"][1]["v"], "4.00", "{path}");
        }
        assert_eq!(get("/api/hr/v2/engagements.json")["status"], "ok");
    }

    #[test]
    fn the_job_search_lists_three_demo_jobs_about_the_query() {
        let body = search_jobs("  ");
        let jobs = body["jobs"].as_array().unwrap();
        let seen: Vec<(&str, &str, &str, i64)> = jobs
            .iter()
            .map(|j| {
                (
                    j["id"].as_str().unwrap(),
                    j["title"].as_str().unwrap(),
                    j["job_type"].as_str().unwrap(),
                    j["budget"].as_i64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    "~01demojob0001",
                    "Web development: landing page",
                    "Fixed",
                    500
                ),
                (
                    "~01demojob0002",
                    "Web development: online shop",
                    "Hourly",
                    1000
                ),
                (
                    "~01demojob0003",
                    "Web development: maintenance",
                    "Fixed",
                    1500
                ),
            ]
        );
        assert_eq!(jobs[2]["url"], "https://www.upwork.com/jobs/~01demojob0003");
        assert_eq!(body["paging"]["count"], 3);
        assert_eq!(body["paging"]["total"], 3);
        assert_eq!(
            search_jobs(" php ")["jobs"][0]["snippet"],
            "Demo job about php."
        );
    }

    #[test]
    fn names_skip_empty_parts_and_keep_the_username_without_any() {
        assert_eq!(
            names("jane__doe.x"),
            ("Jane".to_string(), "Doe X".to_string())
        );
        assert_eq!(names("--"), ("--".to_string(), String::new()));
        assert_eq!(capitalise("émile"), "Émile");
        assert_eq!(capitalise(""), "");
    }

    #[test]
    fn a_body_of_another_second_or_another_key_is_not_served_from_the_cache() {
        let key = |id: &str| CacheKey {
            endpoint: "cache-test",
            username: "u".into(),
            id: id.into(),
            q: None,
        };
        // Seconds long past: no other test makes bodies then.
        remember(key("a"), 1, Bytes::from_static(b"first"));
        assert_eq!(cached(&key("b"), 1), None);
        assert_eq!(cached(&key("a"), 2), None);
    }
}
