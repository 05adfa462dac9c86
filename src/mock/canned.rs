//! The data the emulated API answers with, once a call has passed every check. Small and fixed,
//! in Upwork's shapes, so a client's parsing can be tried too.

use axum::response::Response;
use serde_json::{Value, json};

use super::responses::{json, server_time};
use crate::request::CapturedRequest;
use crate::upwork::Endpoint;

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
    let body = match endpoint.name {
        "auth-info" => auth_info(username),
        "hr-companies" => json!({ "companies": [company()] }),
        "hr-teams" => json!({ "teams": [team()] }),
        "hr-jobs" => json!({ "jobs": [job("~01demo0001", "open")] }),
        "hr-job" => json!({ "job": job(&id, "open") }),
        "hr-job-create" => json!({ "job": job("~01demo0002", "open") }),
        "hr-job-update" => json!({ "job": job(&id, "updated") }),
        "hr-job-delete" => json!({ "job": job(&id, "cancelled") }),
        "search-jobs" => search_jobs(arg("q").unwrap_or_default().as_str()),
        "search-providers" => json!({ "providers": [provider("~01demoprovider")] }),
        "provider-profile" => json!({ "profile": provider(&id) }),
        "job-profile" => json!({ "profile": { "ciphertext": id, "op_title": "Demo job" } }),
        "gds-company-timereport" | "gds-team-timereport" => time_report(),
        _ => json!({ "status": "ok" }),
    };
    json(with_server_time(body))
}

fn with_server_time(mut body: Value) -> Value {
    if let Value::Object(map) = &mut body {
        map.insert("server_time".to_string(), json!(server_time()));
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
