//! The key's permissions: a 403 "This APP has no access to the requested resource" (or a GraphQL
//! scope error) names the endpoint and the permission to add in the API Center.

use crate::classify::Classification;
use crate::diagnosis::{Finding, Severity};
use crate::request::CapturedRequest;
use crate::upwork;

/// Where permissions are changed.
pub const API_CENTER: &str = "https://www.upwork.com/developer/keys/";

/// The finding for a refusal the classifier read as "no access".
pub fn finding(request: &CapturedRequest, classification: &Classification) -> Finding {
    let method = request.effective_method();
    let path = request.url.path();
    let endpoint = upwork::endpoint_for(&method, path);
    let call = format!("{method} {path}");
    let mut finding = Finding::new("scope-missing", Severity::Error, "")
        .evidence("endpoint", call.clone())
        .evidence("status", classification.status)
        .evidence("message", classification.message.clone());
    if !classification.fields.is_empty() {
        let fields = classification.fields.join(", ");
        finding.title = format!("The OAuth 2 token lacks the scopes for {fields}");
        return finding
            .detail(format!(
                "Upwork answered {} with GraphQL errors: the token may not read {fields}. The rest of the \
                 query may have succeeded; these fields came back null.",
                classification.status
            ))
            .fix(format!(
                "In the API Center ({API_CENTER}), add to the key the scopes that cover {fields}, then \
                 authorize again so that a new access token carries them."
            ))
            .evidence("fields", classification.fields.clone());
    }
    match endpoint.and_then(|e| e.permission.map(|p| (e, p))) {
        Some((endpoint, permission)) => {
            finding.title =
                format!("The API key lacks the permission \"{permission}\" that {call} needs");
            finding
                .detail(format!(
                    "Upwork refused {call} ({}): {} This endpoint ({}) needs the key permission \"{permission}\".",
                    endpoint.summary.to_lowercase(),
                    classification.message.as_deref().unwrap_or("This APP has no access to the requested resource."),
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
                    classification.message.as_deref().unwrap_or("no access.")
                ))
                .fix(format!(
                    "In the API Center ({API_CENTER}), compare the key's permissions with the ones the \
                     endpoint's documentation lists, add the missing one and authorize again."
                ))
        }
    }
}
