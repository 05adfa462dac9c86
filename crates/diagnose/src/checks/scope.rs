//! The key's permissions: a 403 "This APP has no access to the requested resource" (or a GraphQL
//! scope error) names the endpoint and the permission to add in the API Center.

use crate::classify::Classification;
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::{self, scopes};

/// Where permissions are changed.
pub const API_CENTER: &str = "https://www.upwork.com/developer/keys/";

/// The finding for a refusal the classifier read as "no access".
pub fn finding(request: &CapturedRequest, classification: &Classification) -> Finding {
    let method = request.effective_method();
    let path = request.url.path();
    let endpoint = upwork::endpoint_for(&method, path);
    let call = format!("{method} {path}");
    let mut finding = Finding::new(Code::ScopeMissing, Severity::Error, "")
        .evidence("endpoint", call.clone())
        .evidence("status", classification.status)
        .evidence("message", classification.message.clone());
    if !classification.fields.is_empty() {
        return graphql_finding(finding, classification);
    }
    match endpoint.and_then(|e| e.permission.map(|p| (e, p))) {
        Some((endpoint, permission)) => {
            finding.title =
                format!("The API key lacks the permission \"{permission}\" that {call} needs");
            finding
                .detail(format!(
                    "Upwork refused {call} ({}): {} This endpoint ({}) needs the key permission \"{permission}\".",
                    endpoint.summary.to_lowercase(),
                    sentence(classification.message.as_deref().unwrap_or("This APP has no access to the requested resource")),
                    endpoint.name,
                ))
                .fix(format!(
                    "In the API Center ({API_CENTER}), edit the key and add \"{permission}\"; then authorize \
                     again, because tokens issued before keep the old permissions."
                ))
                .evidence("permission", permission)
                .evidence("endpoint_name", endpoint.name)
        }
        None => {
            finding.title = format!("The API key has no access to {call}");
            finding
                .detail(format!(
                    "Upwork refused {call}: {} This endpoint is not in the catalogue of this tool, so \
                     the permission it needs is not known here.",
                    sentence(classification.message.as_deref().unwrap_or("no access"))
                ))
                .fix(format!(
                    "In the API Center ({API_CENTER}), compare the key's permissions with the ones the \
                     endpoint's documentation lists, add the missing one and authorize again."
                ))
        }
    }
}

/// A GraphQL refusal: the fields named, and the scope each needs from [`scopes::FIELD_SCOPES`].
fn graphql_finding(finding: Finding, classification: &Classification) -> Finding {
    let fields = classification.fields.join(", ");
    let (needed, unknown) = scopes::scopes_for_fields(&classification.fields);
    let quoted: Vec<String> = needed.iter().map(|s| format!("\"{s}\"")).collect();
    let mut finding = finding;
    finding.title = if needed.is_empty() {
        format!("The OAuth 2 token lacks the scopes for {fields}")
    } else {
        format!("The OAuth 2 token lacks {} for {fields}", quoted.join(", "))
    };
    let unknown_note = if unknown.is_empty() {
        String::new()
    } else {
        format!(
            " The scope of {} is not in this tool's table: look it up in the API reference of the field.",
            unknown.join(", ")
        )
    };
    let add = if needed.is_empty() {
        format!("the scopes that cover {fields}")
    } else {
        quoted.join(", ")
    };
    finding
        .detail(format!(
            "Upwork answered {} with GraphQL errors: the token may not read {fields}. The rest of the \
             query may have succeeded; these fields came back null.{unknown_note}",
            classification.status
        ))
        .fix(format!(
            "In the API Center ({API_CENTER}), edit the key and add {add}; \
             \"{}\" is needed by every call. Then authorize again: a change of scopes revokes the tokens \
             issued before, and new tokens carry the new scopes.",
            scopes::COMMON_ENTITIES
        ))
        .evidence("fields", classification.fields.clone())
        .evidence("scopes", needed)
        .evidence("fields_without_known_scope", unknown)
}

/// A message as a sentence: Upwork's texts come with and without a final period.
fn sentence(message: &str) -> String {
    let message = message.trim();
    if message.ends_with(['.', '!', '?']) {
        message.to_string()
    } else {
        format!("{message}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::Kind;
    use upwork_diag_core::request::flags::from_flags;

    fn classification(status: u16, message: &str, fields: &[&str]) -> Classification {
        Classification {
            message: Some(message.to_string()),
            fields: fields.iter().map(|f| f.to_string()).collect(),
            ..Classification::bare(Kind::NoAccess, status)
        }
    }

    #[test]
    fn graphql_fields_name_their_scopes() {
        let request = from_flags(
            Some("POST"),
            "https://api.upwork.com/graphql",
            &[],
            Some(b"{}".to_vec()),
        )
        .unwrap();
        let f = finding(
            &request,
            &classification(200, "...", &["User.email", "Query.roomList", "Odd.field"]),
        );
        assert!(f.title.contains(scopes::VIEW_USER_DETAILS), "{}", f.title);
        assert!(f.fix.contains(scopes::MESSAGING_READ), "{}", f.fix);
        assert_eq!(f.evidence["fields_without_known_scope"][0], "Odd.field");
    }

    #[test]
    fn upworks_words_are_quoted_as_one_sentence() {
        let call = |url: &str, message: &str| {
            let request = from_flags(Some("GET"), url, &[], None).unwrap();
            finding(&request, &classification(403, message, &[])).detail
        };
        let rooms = "https://www.upwork.com/api/messages/v3/acme/rooms.json";
        let detail = call(rooms, "This APP has no access to the requested resource");
        assert!(
            detail.contains(": This APP has no access to the requested resource. This endpoint"),
            "{detail}"
        );
        // A message that ends its own sentence keeps its one stop.
        let detail = call(rooms, "  Access denied!  ");
        assert!(
            detail.contains(": Access denied! This endpoint"),
            "{detail}"
        );
        let detail = call(
            "https://www.upwork.com/api/not/catalogued.json",
            "No access",
        );
        assert!(
            detail.contains("refused GET /api/not/catalogued.json: No access. This endpoint is not in the catalogue"),
            "{detail}"
        );
    }

    #[test]
    fn rest_names_the_permission() {
        let request = from_flags(
            Some("GET"),
            "https://www.upwork.com/api/messages/v3/acme/rooms.json",
            &[],
            None,
        )
        .unwrap();
        let f = finding(
            &request,
            &classification(403, upwork::errors::NO_ACCESS, &[]),
        );
        assert!(
            f.title.contains(upwork::permissions::MESSAGES),
            "{}",
            f.title
        );
        assert_eq!(f.evidence["endpoint_name"], "messages-rooms");
    }
}
