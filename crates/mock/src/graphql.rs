//! `POST /graphql`: the query's root fields and their selected sub-fields are read (see
//! [`upwork_diag_core::upwork::graphql`]) and answered with canned data, field by field, as far as the token's
//! scopes reach. A field the token may not read comes back null, and one error lists every such
//! field as `Type.field`, with HTTP 200, as Upwork does.
//!
//! Organization context: a root field that acts inside an organization takes it from
//! `X-Upwork-API-TenantId`, or from the user's only organization. A user in several organizations
//! without the header gets a GraphQL error for that field. Upwork documents the header as needed
//! when the user belongs to several organizations but not the error it gives without it: the text
//! of that error is the emulator's own ([`errors::TENANT_REQUIRED`]).

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::oauth2::{Bearer, bearer_refusal};
use super::responses::json;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::graphql::{self, Operation, Selection};
use upwork_diag_core::upwork::{errors, scopes};

/// The header that picks the organization a call acts in.
pub const TENANT_HEADER: &str = "X-Upwork-API-TenantId";

fn error(message: String, classification: &str, path: Option<&str>) -> Value {
    let mut error = json!({
        "message": message,
        "locations": [],
        "extensions": { "classification": classification },
    });
    if let Some(path) = path {
        error["path"] = json!([path]);
    }
    error
}

/// The answer of `/graphql` for a call whose bearer token checked out (`None`: it carried none).
pub(crate) fn answer(request: &CapturedRequest, bearer: Option<Bearer>) -> Response {
    let Some(bearer) = bearer else {
        return bearer_refusal("invalid_request", errors::BEARER_REQUIRED);
    };
    let operation = match graphql::query_of_body(&request.body)
        .ok_or_else(|| "the body holds no query".to_string())
        .and_then(|q| graphql::parse(&q))
    {
        Ok(operation) => operation,
        Err(why) => {
            return json(json!({
                "errors": [error(format!("Invalid Syntax : {why}"), "InvalidSyntax", None)],
            }));
        }
    };
    let unknown: Vec<Value> = operation
        .selections
        .iter()
        .filter(|s| graphql::root_field(operation.kind, &s.name).is_none())
        .map(|s| {
            error(
                format!(
                    "Validation error (FieldUndefined@[{0}]) : Field '{0}' in type '{1}' is undefined",
                    s.name,
                    operation.kind.root_type()
                ),
                "ValidationError",
                None,
            )
        })
        .collect();
    if !unknown.is_empty() {
        return json(json!({ "errors": unknown }));
    }
    let tenant = request.header(TENANT_HEADER).map(|t| t.trim().to_string());
    json(execute(&operation, &bearer, tenant.as_deref()))
}

/// The `{data, errors}` of an operation for this token and organization header.
fn execute(operation: &Operation, bearer: &Bearer, tenant: Option<&str>) -> Value {
    let token = &bearer.token;
    let mut data = Map::new();
    let mut refused: Vec<String> = Vec::new();
    let mut errors_out = Vec::new();
    for selection in &operation.selections {
        let root = graphql::root_field(operation.kind, &selection.name)
            .expect("unknown root fields were refused before");
        let root_name = format!("{}.{}", operation.kind.root_type(), root.name);
        if let Some(scope) = scopes::scope_for(&root_name)
            && !token.has_scope(scope)
        {
            refused.push(root_name);
            data.insert(selection.key().to_string(), Value::Null);
            continue;
        }
        let organization = if root.needs_tenant {
            match (tenant, token.tenant_ids.as_slice()) {
                (Some(t), ids) if ids.iter().any(|id| id == t) => Some(t.to_string()),
                (Some(_), _) => {
                    errors_out.push(error(
                        errors::TENANT_UNKNOWN.to_string(),
                        "ExecutionAborted",
                        Some(selection.key()),
                    ));
                    data.insert(selection.key().to_string(), Value::Null);
                    continue;
                }
                (None, [only]) => Some(only.clone()),
                (None, _) => {
                    errors_out.push(error(
                        errors::TENANT_REQUIRED.to_string(),
                        "ExecutionAborted",
                        Some(selection.key()),
                    ));
                    data.insert(selection.key().to_string(), Value::Null);
                    continue;
                }
            }
        } else {
            token.tenant_ids.first().cloned()
        };
        let context = Context {
            username: &token.username,
            organization: organization.as_deref().unwrap_or_default(),
            organizations: &token.tenant_ids,
        };
        let value = object(root.type_name, selection, &context, token, &mut refused);
        data.insert(selection.key().to_string(), value);
    }
    if !refused.is_empty() {
        errors_out.insert(
            0,
            error(
                format!("{} [{}].", errors::SCOPE_REFUSAL, refused.join(", ")),
                "ExecutionAborted",
                None,
            ),
        );
    }
    let mut body = json!({ "data": data });
    if !errors_out.is_empty() {
        body["errors"] = Value::Array(errors_out);
    }
    body
}

struct Context<'a> {
    username: &'a str,
    organization: &'a str,
    organizations: &'a [String],
}

/// The object a field of type `type_name` answers: each selected sub-field, or null where the
/// token lacks its scope (and the field is added to `refused`).
fn object(
    type_name: &str,
    selection: &Selection,
    context: &Context<'_>,
    token: &super::keys::OAuth2Token,
    refused: &mut Vec<String>,
) -> Value {
    let mut out = Map::new();
    for child in &selection.children {
        let field = format!("{type_name}.{}", child.name);
        let value = match scopes::scope_for(&field) {
            Some(scope) if !token.has_scope(scope) => {
                refused.push(field);
                Value::Null
            }
            _ => canned(type_name, child, context),
        };
        out.insert(child.key().to_string(), value);
    }
    Value::Object(out)
}

/// A canned value for `Type.field`, in the shape the selection asks for.
fn canned(type_name: &str, selection: &Selection, context: &Context<'_>) -> Value {
    let name = selection.name.as_str();
    let known = match (type_name, name) {
        ("User", "id") => json!("100000000000000101"),
        ("User", "nid") => json!(context.username),
        ("User", "rid") => json!("6890346"),
        ("User", "name") => json!(display_name(context.username)),
        ("User", "email") => json!(format!("{}@example.com", context.username)),
        ("Organization", "id") => json!(context.organization),
        ("Organization", "rid") => json!("200000001"),
        ("Organization", "name") => json!("Demo Company"),
        ("Organization", "type") => json!("Client"),
        ("CompanySelector", "items") => {
            let items: Vec<Value> = context
                .organizations
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let mut item = Map::new();
                    for child in &selection.children {
                        let value = match child.name.as_str() {
                            "organizationId" => json!(id),
                            "title" => json!(if i == 0 {
                                "Demo Company"
                            } else {
                                "Demo Agency"
                            }),
                            _ => generic(child),
                        };
                        item.insert(child.key().to_string(), value);
                    }
                    Value::Object(item)
                })
                .collect();
            return Value::Array(items);
        }
        _ => Value::Null,
    };
    if known.is_null() {
        generic(selection)
    } else {
        known
    }
}

/// A placeholder of the selection's shape: an object of its sub-fields, or a string.
fn generic(selection: &Selection) -> Value {
    if selection.children.is_empty() {
        json!(format!("demo-{}", selection.name))
    } else {
        Value::Object(
            selection
                .children
                .iter()
                .map(|c| (c.key().to_string(), generic(c)))
                .collect(),
        )
    }
}

fn display_name(username: &str) -> String {
    username
        .split(['-', '_', '.'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut chars = p.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo;
    use crate::keys::{Keys, OAuth2Token};
    use upwork_diag_core::credentials::Secret;

    fn bearer(token: &str) -> Bearer {
        let (consumer, token) = Keys::demo()
            .oauth2_token(token)
            .map(|(c, t)| (c.clone(), t.clone()))
            .unwrap();
        Bearer { consumer, token }
    }

    fn run(query: &str, token: &str, tenant: Option<&str>) -> Value {
        execute(&graphql::parse(query).unwrap(), &bearer(token), tenant)
    }

    #[test]
    fn a_full_token_reads_everything() {
        let body = run(
            "{ user { id nid email } companySelector { items { organizationId } } }",
            demo::OAUTH2_TOKEN,
            None,
        );
        assert!(body.get("errors").is_none(), "{body}");
        assert_eq!(body["data"]["user"]["nid"], demo::USERNAME);
        assert_eq!(
            body["data"]["companySelector"]["items"][0]["organizationId"],
            demo::TENANT_ID
        );
    }

    #[test]
    fn a_limited_token_gets_nulls_and_one_error_naming_the_fields() {
        let body = run(
            "{ user { id email } roomList { totalCount } }",
            demo::OAUTH2_LIMITED_TOKEN,
            None,
        );
        assert_eq!(body["data"]["user"]["id"], "100000000000000101");
        assert!(body["data"]["user"]["email"].is_null());
        assert!(body["data"]["roomList"].is_null());
        let message = body["errors"][0]["message"].as_str().unwrap();
        assert!(message.starts_with(errors::SCOPE_REFUSAL), "{message}");
        assert!(
            message.ends_with("[User.email, Query.roomList]."),
            "{message}"
        );
    }

    #[test]
    fn two_organizations_need_the_tenant_header() {
        let query = "{ organization { id } }";
        let body = run(query, demo::OAUTH2_AGENCY_TOKEN, None);
        assert!(body["data"]["organization"].is_null());
        assert_eq!(body["errors"][0]["message"], errors::TENANT_REQUIRED);
        let body = run(
            query,
            demo::OAUTH2_AGENCY_TOKEN,
            Some(demo::AGENCY_TENANT_ID),
        );
        assert_eq!(body["data"]["organization"]["id"], demo::AGENCY_TENANT_ID);
        let body = run(query, demo::OAUTH2_AGENCY_TOKEN, Some("42"));
        assert_eq!(body["errors"][0]["message"], errors::TENANT_UNKNOWN);
        let body = run(query, demo::OAUTH2_TOKEN, None);
        assert_eq!(body["data"]["organization"]["id"], demo::TENANT_ID);
        let _ = OAuth2Token {
            access_token: Secret::new("x"),
            ..bearer(demo::OAUTH2_TOKEN).token
        };
    }

    fn post(body: &str, token: Option<&str>) -> Value {
        let mut headers = vec![("Content-Type", "application/json")];
        let bearer = token.map(|t| format!("Bearer {t}"));
        if let Some(bearer) = &bearer {
            headers.push(("Authorization", bearer));
        }
        let shared = crate::testing::shared();
        let request =
            crate::testing::captured("POST", "http://127.0.0.1:8080/graphql", &headers, body);
        let answer = crate::testing::send_request(&shared, &request, crate::testing::HOST);
        if token.is_some() {
            assert_eq!(answer.status, 200, "{}", answer.body);
        }
        answer.json()
    }

    #[test]
    fn over_http_a_call_needs_a_bearer_token_and_a_query_of_known_fields() {
        let query = r#"{"query":"{ user { id } }"}"#;
        let refused = post(query, None);
        assert_eq!(refused["error"], "invalid_request");
        assert_eq!(refused["error_description"], errors::BEARER_REQUIRED);
        let answer = post(query, Some(demo::OAUTH2_TOKEN));
        assert_eq!(answer["data"]["user"]["id"], "100000000000000101");
        let bad = post("{}", Some(demo::OAUTH2_TOKEN));
        assert_eq!(
            bad["errors"][0]["message"],
            "Invalid Syntax : the body holds no query"
        );
        assert_eq!(
            bad["errors"][0]["extensions"]["classification"],
            "InvalidSyntax"
        );
        let unknown = post(
            r#"{"query":"{ user { id } nothing { id } }"}"#,
            Some(demo::OAUTH2_TOKEN),
        );
        assert_eq!(
            unknown["errors"][0]["message"],
            "Validation error (FieldUndefined@[nothing]) : Field 'nothing' in type 'Query' is undefined"
        );
        assert_eq!(unknown["errors"].as_array().unwrap().len(), 1);
        assert!(unknown.get("data").is_none(), "{unknown}");
    }

    #[test]
    fn canned_values_follow_the_user_and_the_selection() {
        let body = run(
            "{ user { rid name email nid extra { a b } } organization { rid name type } companySelector { items { organizationId title other } } }",
            demo::OAUTH2_AGENCY_TOKEN,
            Some(demo::TENANT_ID),
        );
        assert!(body.get("errors").is_none(), "{body}");
        let user = &body["data"]["user"];
        assert_eq!(user["rid"], "6890346");
        assert_eq!(user["name"], "Demo User");
        assert_eq!(user["email"], "demo-user@example.com");
        assert_eq!(user["extra"], json!({ "a": "demo-a", "b": "demo-b" }));
        let organization = &body["data"]["organization"];
        assert_eq!(
            (
                organization["rid"].as_str(),
                organization["name"].as_str(),
                organization["type"].as_str()
            ),
            (Some("200000001"), Some("Demo Company"), Some("Client"))
        );
        let items = &body["data"]["companySelector"]["items"];
        assert_eq!(
            *items,
            json!([
                { "organizationId": demo::TENANT_ID, "title": "Demo Company", "other": "demo-other" },
                { "organizationId": demo::AGENCY_TENANT_ID, "title": "Demo Agency", "other": "demo-other" },
            ])
        );
        assert_eq!(display_name("jane__doe.x"), "Jane Doe X");
    }

    #[test]
    fn a_field_refused_for_its_scope_is_named_in_the_only_error() {
        let body = run(
            "{ roomList { totalCount } }",
            demo::OAUTH2_LIMITED_TOKEN,
            None,
        );
        assert!(body["data"]["roomList"].is_null());
        let errors = body["errors"].as_array().unwrap();
        assert_eq!(errors.len(), 1, "{body}");
        assert_eq!(
            errors[0]["extensions"]["classification"],
            "ExecutionAborted"
        );
        let body = run("{ user { id } }", demo::OAUTH2_LIMITED_TOKEN, None);
        assert!(body.get("errors").is_none(), "{body}");
        let body = run(
            "{ organization { id } }",
            demo::OAUTH2_AGENCY_TOKEN,
            Some("42"),
        );
        assert_eq!(body["errors"][0]["path"], json!(["organization"]));
    }
}
