//! Where a POST carries the method Upwork acts on (`http_method`): the query, a urlencoded form,
//! a JSON object (the official Python bindings send `{"http_method": "delete", ...}`) or a
//! `multipart/form-data` part (the official Node OAuth 2 binding sends its fields that way).
//! Upwork routes on the override wherever it travels; the emulator and the checks both read it
//! here, so that they agree on the endpoint a call reaches.

use super::{CapturedRequest, form_urlencoded_pairs};

/// The name of the overloading parameter.
pub const OVERLOAD_PARAM: &str = "http_method";

/// The `http_method` value a POST carries, first found in the query, then in the body as its
/// `Content-Type` says it is laid out. `None` for any other method and for a POST without one.
pub fn http_method_override(request: &CapturedRequest) -> Option<String> {
    if !request.method.eq_ignore_ascii_case("POST") {
        return None;
    }
    let from_query = request.url.query_value(OVERLOAD_PARAM);
    from_query.or_else(|| from_body(request))
}

fn from_body(request: &CapturedRequest) -> Option<String> {
    let content_type = request.header("content-type")?;
    let media_type = content_type.split(';').next()?.trim().to_ascii_lowercase();
    let content = request.content();
    match media_type.as_str() {
        "application/x-www-form-urlencoded" => form_urlencoded_pairs(&content)
            .into_iter()
            .find(|(k, _)| k == OVERLOAD_PARAM)
            .map(|(_, v)| v),
        "application/json" => from_json(&content),
        "multipart/form-data" => from_multipart(&content, boundary(content_type)?),
        _ => None,
    }
}

/// A top-level string member of a JSON object body.
fn from_json(body: &[u8]) -> Option<String> {
    // A body that does not name the member, and cannot spell it with a `\u` escape, is not parsed
    // (a GraphQL call's query, on every POST that is read).
    let named = |text: &[u8]| memchr::memmem::find(body, text).is_some();
    if !named(format!("\"{OVERLOAD_PARAM}\"").as_bytes()) && !named(b"\\u") {
        return None;
    }
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    value.get(OVERLOAD_PARAM)?.as_str().map(str::to_string)
}

/// The `boundary` parameter of a multipart `Content-Type`, quotes removed.
fn boundary(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"'))
            .filter(|b| !b.is_empty())
    })
}

/// The value of the part named `http_method` (RFC 7578: parts between `--boundary` lines, each
/// with its headers, an empty line, then the value up to the CRLF before the next delimiter).
fn from_multipart(body: &[u8], boundary: &str) -> Option<String> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    text.split(delimiter.as_str()).find_map(|part| {
        let part = part.strip_prefix("\r\n")?;
        let (headers, value) = part.split_once("\r\n\r\n")?;
        let named = headers.lines().any(|line| {
            let Some((name, rest)) = line.split_once(':') else {
                return false;
            };
            name.trim().eq_ignore_ascii_case("content-disposition")
                && rest.split(';').skip(1).any(|param| {
                    param.split_once('=').is_some_and(|(k, v)| {
                        k.trim().eq_ignore_ascii_case("name")
                            && v.trim().trim_matches('"') == OVERLOAD_PARAM
                    })
                })
        });
        named.then(|| value.strip_suffix("\r\n").unwrap_or(value).to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::{Header, RawUrl, Source};

    fn post(content_type: &str, body: &str) -> CapturedRequest {
        CapturedRequest {
            method: "POST".to_string(),
            url: RawUrl::parse("https://www.upwork.com/api/hr/v2/jobs/1.json").unwrap(),
            headers: vec![Header::new("Content-Type", content_type)],
            body: body.as_bytes().to_vec(),
            time: None,
            source: Source::Flags,
        }
    }

    #[test]
    fn reads_the_override_from_a_json_object() {
        let request = post(
            "application/json",
            r#"{"reason_code": "41", "http_method": "delete"}"#,
        );
        assert_eq!(http_method_override(&request).as_deref(), Some("delete"));
        let nested = post("application/json", r#"{"job": {"http_method": "delete"}}"#);
        assert_eq!(http_method_override(&nested), None);
        // The name spelled with an escape is the same member (the body is parsed, not searched).
        let escaped = post("application/json", r#"{"\u0068ttp_method": "put"}"#);
        assert_eq!(http_method_override(&escaped).as_deref(), Some("put"));
    }

    #[test]
    fn reads_the_override_from_a_multipart_part() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nNew\r\n\
                    --XyZ\r\nContent-Disposition: form-data; name=\"http_method\"\r\n\r\nput\r\n\
                    --XyZ--\r\n";
        let request = post("multipart/form-data; boundary=XyZ", body);
        assert_eq!(http_method_override(&request).as_deref(), Some("put"));
        let quoted = post("multipart/form-data; boundary=\"XyZ\"", body);
        assert_eq!(http_method_override(&quoted).as_deref(), Some("put"));
        // A part whose *value* mentions the name is not the part.
        let decoy = "--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nname=\"http_method\"\r\n--XyZ--\r\n";
        assert_eq!(
            http_method_override(&post("multipart/form-data; boundary=XyZ", decoy)),
            None
        );
    }

    #[test]
    fn only_a_post_is_overloaded() {
        let mut request = post("application/json", r#"{"http_method": "delete"}"#);
        request.method = "PUT".to_string();
        assert_eq!(http_method_override(&request), None);
    }
}
