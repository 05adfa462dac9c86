//! The wrong entry point: a URL one mix-up away from a catalogue endpoint (`/api` for `/gds`, the
//! other host, a version segment missing, GraphQL at another path), with the right URL; and
//! Upwork's "Wrong URL requested" for a URL the catalogue cannot put right.
//!
//! Before the answer it is a risk (the catalogue may lack an endpoint Upwork serves); Upwork's
//! refusal of the URL makes it the cause, and a success takes it away.

use crate::classify::{Classification, Kind};
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::entry_points::{self, WRONG_URL_SOURCES};

/// The answers that refuse a URL: a wrong path, method or host is answered so.
const URL_REFUSALS: [Kind; 6] = [
    Kind::WrongUrl,
    Kind::NotFound,
    Kind::MethodNotAllowed,
    Kind::BadRequest,
    Kind::OtherClientError,
    Kind::NotUpwork,
];

/// The mix-up the URL shows, known from the request alone.
pub fn before_sending(request: &CapturedRequest) -> Vec<Finding> {
    let method = request.effective_method();
    let path = request.url.path();
    let Some(found) = entry_points::mixup(&method, request.url.host(), path) else {
        return Vec::new();
    };
    let written = format!("https://{}{path}", request.url.host());
    let query_note = if request.url.query().is_some() {
        ", with the same query"
    } else {
        ""
    };
    let resign = if request.header("authorization").is_some_and(|a| {
        a.trim_start()
            .get(..6)
            .is_some_and(|s| s.eq_ignore_ascii_case("oauth "))
    }) || request
        .url
        .query()
        .is_some_and(|q| q.contains("oauth_signature"))
    {
        " Sign the call again for that URL: an OAuth 1.0 signature covers the host and the path."
    } else {
        ""
    };
    vec![
        Finding::new(
            Code::WrongEntryPoint,
            Severity::Warning,
            format!(
                "{method} {written} is not an Upwork endpoint: {}",
                found.mixup.describe()
            ),
        )
        .detail(format!(
            "The catalogue has no {method} {written}; it has {} {} ({}: {}), which is this URL \
             with the mix-up put right.",
            found.endpoint.method,
            found.endpoint.url(),
            found.endpoint.name,
            found.endpoint.summary
        ))
        .fix(format!(
            "Call {method} {}{query_note}.{resign}",
            found.right_url
        ))
        .source(WRONG_URL_SOURCES)
        .evidence(
            "mixup",
            serde_json::to_value(found.mixup).unwrap_or_default(),
        )
        .evidence("right_url", found.right_url)
        .evidence("endpoint_name", found.endpoint.name),
    ]
}

/// Upwork's "Wrong URL requested" for a URL the catalogue cannot put right.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    // A URL on another host is no Upwork entry point, right or wrong (`host-not-upwork`).
    if classification.kind != Kind::WrongUrl
        || !before_sending(request).is_empty()
        || !upwork_diag_core::upwork::hosts::is_upwork_host(request.url.host())
    {
        return Vec::new();
    }
    let method = request.effective_method();
    let path = request.url.path();
    vec![
        Finding::new(
            Code::WrongEntryPoint,
            Severity::Error,
            format!("Upwork does not serve {method} {path}"),
        )
        .detail(format!(
            "Upwork answered {}: {}. No endpoint of this tool's catalogue is one mix-up away from \
             this URL, so the right one is not known here.",
            classification.status,
            classification
                .message
                .as_deref()
                .unwrap_or(entry_points::WRONG_URL)
        ))
        .fix("Check the URL against Upwork's API reference (https://www.upwork.com/developer/documentation/graphql/api/docs/index.html): the REST API is under https://www.upwork.com/api/ with a version segment (/api/hr/v2/...), the reports under https://www.upwork.com/gds/, GraphQL at https://api.upwork.com/graphql.")
        .source(WRONG_URL_SOURCES)
        .evidence("status", classification.status),
    ]
}

/// Upwork refused the URL the mix-up names: that is the cause.
pub fn weigh(findings: &mut [Finding], classification: &Classification) {
    if !URL_REFUSALS.contains(&classification.kind) {
        return;
    }
    for finding in findings
        .iter_mut()
        .filter(|f| f.code == Code::WrongEntryPoint)
    {
        finding.raise(EvidenceLevel::Reproduced);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::request::flags::from_flags;

    fn wrong_url_answer() -> Classification {
        Classification::bare(Kind::WrongUrl, 404)
    }

    fn get(url: &str) -> CapturedRequest {
        from_flags(Some("GET"), url, &[], None).unwrap()
    }

    #[test]
    fn upworks_wrong_url_is_the_cause_only_where_no_mixup_names_the_right_one() {
        let answer = wrong_url_answer();
        let unknown = after_response(
            &get("https://www.upwork.com/api/no/such/thing.json"),
            &answer,
        );
        assert_eq!(unknown.len(), 1);
        assert!(unknown[0].explains());
        assert_eq!(
            unknown[0].title,
            "Upwork does not serve GET /api/no/such/thing.json"
        );
        // A mix-up's finding, made before sending, already names the right URL.
        let mixup = get("https://www.upwork.com/gds/hr/v2/teams.json");
        assert_eq!(before_sending(&mixup).len(), 1);
        assert!(after_response(&mixup, &answer).is_empty());
        // Another host is no Upwork entry point at all.
        assert!(after_response(&get("https://example.com/api/no/such.json"), &answer).is_empty());
    }
}
