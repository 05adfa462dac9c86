//! Content-Length: Upwork's front end refuses a POST, PUT or PATCH without one (411), and a wrong one
//! either hangs the call or cuts the body.

use crate::diagnosis::{Finding, Severity};
use crate::request::CapturedRequest;

/// The methods that must declare their body length (a POST overloaded with `http_method` is a POST
/// on the wire, so the captured method decides).
fn needs_length(method: &str) -> bool {
    ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

pub fn check(request: &CapturedRequest) -> Vec<Finding> {
    let chunked = request
        .headers_named("transfer-encoding")
        .any(|v| v.to_ascii_lowercase().contains("chunked"));
    let declared: Vec<&str> = request.headers_named("content-length").collect();
    let body_len = request.body.len();

    if declared.is_empty() {
        if needs_length(&request.method) && !chunked {
            return vec![missing(request, body_len)];
        }
        return Vec::new();
    }
    let values: Vec<Option<u64>> = declared
        .iter()
        .map(|v| v.trim().parse::<u64>().ok())
        .collect();
    let consistent = values.windows(2).all(|w| w[0] == w[1]);
    match values[0] {
        Some(n) if consistent && n == body_len as u64 => Vec::new(),
        _ => vec![mismatch(&declared, body_len)],
    }
}

fn missing(request: &CapturedRequest, body_len: usize) -> Finding {
    let method = request.method.to_ascii_uppercase();
    let overloaded = request.effective_method() != method;
    let what = if overloaded {
        format!(
            "{method} (carrying http_method={})",
            request.effective_method().to_ascii_lowercase()
        )
    } else {
        method.clone()
    };
    let fix = if body_len == 0 {
        "Send `Content-Length: 0`: the body is empty, and an empty body must still be declared."
            .to_string()
    } else {
        format!("Send `Content-Length: {body_len}`, the body's length in bytes.")
    };
    Finding::new(
        "content-length-missing",
        Severity::Error,
        format!("{what} sent without Content-Length: Upwork answers 411 Length Required"),
    )
    .detail(format!(
        "The request is a {what} with a {body_len}-byte body, and it has neither a Content-Length \
         header nor Transfer-Encoding: chunked. Upwork refuses it with 411 before checking anything else."
    ))
    .fix(fix)
    .evidence("method", request.method.clone())
    .evidence("body_bytes", body_len)
    .evidence("expected_header", format!("Content-Length: {body_len}"))
}

fn mismatch(declared: &[&str], body_len: usize) -> Finding {
    let shown = declared.join(", ");
    let parsed = declared[0].trim().parse::<u64>().ok();
    let effect = match parsed {
        Some(n) if declared.len() == 1 && n > body_len as u64 => format!(
            "The server waits for {} more bytes that never come: the call hangs until a timeout.",
            n - body_len as u64
        ),
        Some(n) if declared.len() == 1 => format!(
            "The server reads only {n} of the {body_len} bytes: the body is cut, and the rest is read as a next request."
        ),
        _ => "The server cannot tell where the body ends and refuses the request.".to_string(),
    };
    Finding::new(
        "content-length-mismatch",
        Severity::Error,
        format!("Content-Length says {shown} but the body has {body_len} bytes"),
    )
    .detail(effect)
    .fix(format!(
        "Declare `Content-Length: {body_len}` once, computed from the final body bytes (not characters)."
    ))
    .evidence("declared", declared.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    .evidence("body_bytes", body_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::flags::from_flags;

    fn request(method: &str, headers: &[&str], body: &str) -> CapturedRequest {
        let headers: Vec<String> = headers.iter().map(|h| h.to_string()).collect();
        from_flags(
            Some(method),
            "https://www.upwork.com/api/auth/v1/oauth/token/request",
            &headers,
            Some(body.as_bytes().to_vec()),
        )
        .unwrap()
    }

    #[test]
    fn an_empty_post_needs_content_length_zero() {
        let findings = check(&request("POST", &[], ""));
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].code, "content-length-missing");
        assert!(
            findings[0].fix.contains("Content-Length: 0"),
            "{}",
            findings[0].fix
        );
        assert!(check(&request("POST", &["Content-Length: 0"], "")).is_empty());
        assert!(
            check(&request("GET", &[], "")).is_empty(),
            "a GET needs no length"
        );
        assert!(check(&request("PUT", &["Transfer-Encoding: chunked"], "")).is_empty());
    }

    #[test]
    fn an_overloaded_put_is_named() {
        let findings = check(&request(
            "POST",
            &["Content-Type: application/x-www-form-urlencoded"],
            "http_method=put&x=1",
        ));
        assert!(
            findings[0]
                .title
                .starts_with("POST (carrying http_method=put)"),
            "{}",
            findings[0].title
        );
        assert!(findings[0].fix.contains("Content-Length: 19"));
    }

    #[test]
    fn a_wrong_length_says_what_the_server_does() {
        let f = &check(&request("POST", &["Content-Length: 10"], "a=1"))[0];
        assert_eq!(f.code, "content-length-mismatch");
        assert!(f.detail.contains("waits for 7 more bytes"), "{}", f.detail);
        let f = &check(&request("POST", &["Content-Length: 2"], "a=1"))[0];
        assert!(
            f.detail.contains("reads only 2 of the 3 bytes"),
            "{}",
            f.detail
        );
        let f = &check(&request(
            "POST",
            &["Content-Length: 3", "Content-Length: 4"],
            "a=1",
        ))[0];
        assert!(f.detail.contains("cannot tell"), "{}", f.detail);
        assert_eq!(
            check(&request("POST", &["content-length: x"], "a=1"))[0].code,
            "content-length-mismatch"
        );
    }

    #[test]
    fn bytes_not_characters() {
        assert!(check(&request("POST", &["Content-Length: 2"], "é")).is_empty());
        assert_eq!(
            check(&request("POST", &["Content-Length: 1"], "é"))[0].code,
            "content-length-mismatch"
        );
    }
}
