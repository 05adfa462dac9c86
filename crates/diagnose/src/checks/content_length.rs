//! How a body's length is told: Upwork's front end refuses a POST, PUT or PATCH that does not
//! declare it up front with `Content-Length` (411), chunked bodies included; a wrong length either
//! hangs the call or cuts the body; a chunked body whose chunks cannot be read has no length at all.

use crate::environment;
use upwork_diag_core::diagnosis::{Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::request::chunked::{self, Framing};

/// The API FAQ's words for the refusal: the front end's HTML page, not an API error.
pub const FAQ_411_SOURCE: &str = "Upwork API FAQ: \"I'm making a POST request for getting a token and I get an HTML message with code 411\"";

/// The methods that must declare their body length (a POST overloaded with `http_method` is a POST
/// on the wire, so the captured method decides).
fn needs_length(method: &str) -> bool {
    ["POST", "PUT", "PATCH"]
        .iter()
        .any(|m| m.eq_ignore_ascii_case(method))
}

pub fn check(request: &CapturedRequest) -> Vec<Finding> {
    let framing = request.framing();
    if framing != Framing::Plain {
        let mut findings = Vec::new();
        if needs_length(&request.method) {
            findings.push(chunked_without_length(request, &framing));
        }
        if let Framing::Malformed(error) = framing {
            findings.push(malformed_chunks(request, &error));
        }
        return findings;
    }
    let declared: Vec<&str> = request.headers_named("content-length").collect();
    let body_len = request.body.len();

    if declared.is_empty() {
        if needs_length(&request.method) {
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

/// The method as the finding names it: `POST`, or `POST (carrying http_method=put)`.
fn method_shown(request: &CapturedRequest) -> String {
    let method = request.method.to_ascii_uppercase();
    let effective = request.effective_method();
    if effective != method {
        format!(
            "{method} (carrying http_method={})",
            effective.to_ascii_lowercase()
        )
    } else {
        method
    }
}

/// A POST, PUT or PATCH sent chunked: the front end needs the length before the body, and answers
/// 411 (the FAQ's "HTML message with code 411") however the chunks read. The same code as a
/// missing length: the same refusal, the same fix (declare `Content-Length`), the same corrected
/// request; what differs is how the caller's library came to send it, which the fix names.
fn chunked_without_length(request: &CapturedRequest, framing: &Framing) -> Finding {
    let what = method_shown(request);
    let content_len = match framing {
        Framing::Chunked(decoded) => Some(decoded.content.len()),
        _ => None,
    };
    let expect = request
        .header("expect")
        .filter(|v| v.trim().eq_ignore_ascii_case("100-continue"));
    let also_length = request.header("content-length").is_some();
    let library = library_named(request);
    let mut detail = format!(
        "The request is a {what} sent with `Transfer-Encoding: chunked`{} and no Content-Length{}: \
         its length is told only by the chunks that follow the headers. Upwork's front end needs \
         the length before the body and answers `411 Length Required` with an HTML page (the \
         API FAQ's \"HTML message with code 411\"), before any OAuth check.",
        if expect.is_some() {
            " and `Expect: 100-continue`"
        } else {
            ""
        },
        if also_length {
            " that counts (a Content-Length beside Transfer-Encoding is ignored, RFC 9112 section 6.3)"
        } else {
            ""
        },
    );
    if let Some(n) = content_len {
        detail.push_str(&format!(" The chunks hold {n} bytes of content."));
    }
    if looks_like_libcurl_post_without_fields(request, content_len) {
        detail.push_str(
            " An empty chunked body with `Expect: 100-continue` is how libcurl sends a POST given no \
             body: PHP's curl extension with `CURLOPT_POST => true` and no `CURLOPT_POSTFIELDS`.",
        );
    }
    let declared = content_len.unwrap_or(0);
    let mut finding = Finding::new(
        Code::ContentLengthMissing,
        Severity::Error,
        format!(
            "{what} sent chunked (Transfer-Encoding: chunked) without Content-Length: Upwork answers 411 Length Required"
        ),
    )
    .detail(detail)
    .fix(chunked_fix(request, library.as_deref(), declared))
    .source(FAQ_411_SOURCE)
    .evidence("method", request.method.clone())
    .evidence("framing", "chunked")
    .evidence("expected_header", format!("Content-Length: {declared}"));
    if let Some(n) = content_len {
        finding = finding.evidence("body_bytes", n);
    }
    if let Some(expect) = expect {
        finding = finding.evidence("expect", expect.to_string());
    }
    if let Some(library) = library {
        finding = finding.evidence("library", library);
    }
    finding
}

/// The library (or, failing that, the language) the User-Agent names, if it names one.
fn library_named(request: &CapturedRequest) -> Option<String> {
    let guess = environment::guess_from_user_agent(request.header("user-agent")?);
    guess.library.or(guess.language)
}

/// An empty chunked POST with `Expect: 100-continue` and no User-Agent: libcurl as PHP's curl
/// extension drives it by default (it sets no User-Agent unless asked).
fn looks_like_libcurl_post_without_fields(
    request: &CapturedRequest,
    content_len: Option<usize>,
) -> bool {
    content_len == Some(0)
        && request
            .header("expect")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
        && request.header("user-agent").is_none_or(|ua| {
            let ua = ua.to_ascii_lowercase();
            ua.contains("php") || ua.contains("curl")
        })
}

/// The fix in the caller's own terms: the library the User-Agent names first, else the stacks
/// that send chunked bodies by default.
fn chunked_fix(request: &CapturedRequest, library: Option<&str>, length: usize) -> String {
    let declare = format!(
        "Send the body with its length declared (`Content-Length: {length}`) and no `Transfer-Encoding: chunked`."
    );
    let php_curl = "PHP curl extension: set `CURLOPT_POSTFIELDS => ''` (or the form string) beside `CURLOPT_POST`, and libcurl sends `Content-Length: 0` instead of chunks";
    let php_stream = "PHP streams (`file_get_contents`, `fopen`): give the context `'content' => ''` (or the form string), or the header `Content-Length: 0`";
    let curl_cli =
        "curl: `-d ''` (or the form with `-d`), and no `-H 'Transfer-Encoding: chunked'`";
    let guzzle = "Guzzle: pass `'body' => ''` (or `'form_params'`), a body whose size is known, so it writes Content-Length";
    let python =
        "Python requests: pass `data=b''` or bytes, not a generator or a file of unknown size";
    let node =
        "Node.js: pass the body as a string or Buffer (or set `Content-Length`), not a stream";
    let java = "Java/OkHttp: a body built from bytes or a string (`RequestBody.create`), not a streaming one, and for HttpURLConnection `setFixedLengthStreamingMode(0)` instead of `setChunkedStreamingMode`";
    let go = "Go: a body of known length (`strings.NewReader`, `bytes.NewReader`, or `req.ContentLength` set), not an `io.Reader` of unknown size";
    let lower = library.map(str::to_ascii_lowercase).unwrap_or_default();
    let named: Option<Vec<&str>> = if lower.starts_with("guzzle") {
        Some(vec![guzzle])
    } else if lower.starts_with("curl") {
        Some(vec![curl_cli])
    } else if lower.starts_with("php") {
        Some(vec![php_curl, php_stream])
    } else if lower.starts_with("requests") || lower.starts_with("python") {
        Some(vec![python])
    } else if ["axios", "got", "node", "undici"]
        .iter()
        .any(|n| lower.starts_with(n))
    {
        Some(vec![node])
    } else if lower.starts_with("okhttp") || lower.starts_with("java") {
        Some(vec![java])
    } else if lower.starts_with("go") {
        Some(vec![go])
    } else {
        None
    };
    match (named, library) {
        (Some(ways), Some(library)) => {
            format!(
                "{declare} With {library} (from the User-Agent): {}.",
                ways.join("; ")
            )
        }
        _ if looks_like_libcurl_post_without_fields(request, Some(0))
            && request.framing() != Framing::Plain =>
        {
            format!("{declare} {php_curl}. Other stacks: {php_stream}; {curl_cli}.")
        }
        _ => format!("{declare} {php_curl}; {php_stream}; {curl_cli}; {python}; {node}; {java}."),
    }
}

/// A body declared chunked whose chunks cannot be read: what the server reads of it is unknown
/// (it waits for the rest, or refuses it), and its bytes are not parameters.
fn malformed_chunks(request: &CapturedRequest, error: &chunked::ChunkedError) -> Finding {
    Finding::new(
        Code::ChunkedBodyMalformed,
        Severity::Error,
        "The body is declared chunked (Transfer-Encoding: chunked) but its chunks cannot be read",
    )
    .detail(format!(
        "{}: {error}. A server reading it waits for chunks that never come or refuses the request \
         with 400; the checks read no body from it (its bytes are not taken for parameters). A \
         capture cut short or edited by hand can look like this too: capture the request again \
         from the wire to be sure.",
        method_shown(request)
    ))
    .fix(
        "Send the body with `Content-Length` and no `Transfer-Encoding`; if the chunks are written by \
         hand, each is its size in hexadecimal, CRLF, the data, CRLF, and the body ends with `0\\r\\n\\r\\n`.",
    )
    .source("RFC 9112 section 7.1 (chunked transfer coding)")
    .evidence("offset", error.offset)
    .evidence("problem", error.to_string())
    .evidence("wire_bytes", request.body.len())
}

fn missing(request: &CapturedRequest, body_len: usize) -> Finding {
    let what = method_shown(request);
    let fix = if body_len == 0 {
        "Send `Content-Length: 0`: the body is empty, and an empty body must still be declared."
            .to_string()
    } else {
        format!("Send `Content-Length: {body_len}`, the body's length in bytes.")
    };
    Finding::new(
        Code::ContentLengthMissing,
        Severity::Error,
        format!("{what} sent without Content-Length: Upwork answers 411 Length Required"),
    )
    .detail(format!(
        "The request is a {what} with a {body_len}-byte body, and it has no Content-Length header. \
         Upwork refuses it with 411 before checking anything else."
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
        Code::ContentLengthMismatch,
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
    use upwork_diag_core::request::flags::from_flags;

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
        assert_eq!(findings[0].code, Code::ContentLengthMissing);
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
    }

    fn codes(findings: &[Finding]) -> Vec<Code> {
        findings.iter().map(|f| f.code).collect()
    }

    /// An empty chunked POST, as a stack that streams its body sends one.
    fn empty_chunked(method: &str, extra: &[&str]) -> Finding {
        let mut headers = vec!["Transfer-Encoding: chunked"];
        headers.extend(extra);
        check(&request(method, &headers, "0\r\n\r\n")).remove(0)
    }

    #[test]
    fn the_method_is_named_as_sent_and_as_meant() {
        let plain = empty_chunked("POST", &[]);
        assert!(
            plain.title.starts_with("POST sent chunked"),
            "{}",
            plain.title
        );
        let overloaded = check(
            &from_flags(
                Some("POST"),
                "https://www.upwork.com/api/hr/v2/teams.json?http_method=put",
                &["Transfer-Encoding: chunked".to_string()],
                Some(b"0\r\n\r\n".to_vec()),
            )
            .unwrap(),
        )
        .remove(0);
        assert!(
            overloaded
                .title
                .starts_with("POST (carrying http_method=put) sent chunked"),
            "{}",
            overloaded.title
        );
        // Bytes given as captured, not framed by the flags importer.
        let mut r = request("POST", &["Transfer-Encoding: chunked"], "");
        r.body = b"zz\r\n".to_vec();
        let findings = check(&r);
        let malformed = &findings[1];
        assert_eq!(malformed.code, Code::ChunkedBodyMalformed);
        assert!(
            malformed.detail.starts_with("POST: "),
            "{}",
            malformed.detail
        );
    }

    #[test]
    fn libcurl_is_named_only_for_its_own_empty_post() {
        let libcurl = "An empty chunked body with `Expect: 100-continue` is how libcurl";
        for ua in [
            None,
            Some("User-Agent: curl/8.5.0"),
            Some("User-Agent: PHP/8.3"),
        ] {
            let mut headers = vec!["Expect: 100-continue"];
            headers.extend(ua);
            let f = empty_chunked("POST", &headers);
            assert!(f.detail.contains(libcurl), "{ua:?}: {}", f.detail);
        }
        // Content in the chunks, another client, or no Expect: not libcurl's empty POST.
        let with_content = &check(&request(
            "POST",
            &["Transfer-Encoding: chunked", "Expect: 100-continue"],
            "3\r\na=1\r\n0\r\n\r\n",
        ))[0];
        assert!(
            !with_content.detail.contains(libcurl),
            "{}",
            with_content.detail
        );
        let python = empty_chunked(
            "POST",
            &["Expect: 100-continue", "User-Agent: python-requests/2.31.0"],
        );
        assert!(!python.detail.contains(libcurl), "{}", python.detail);
        assert!(!empty_chunked("POST", &[]).detail.contains(libcurl));
    }

    #[test]
    fn the_fix_speaks_of_the_callers_stack() {
        // Named by the User-Agent: that library's way alone.
        let python = empty_chunked("POST", &["User-Agent: python-requests/2.31.0"]);
        assert!(
            python
                .fix
                .contains("(from the User-Agent): Python requests: pass `data=b''`"),
            "{}",
            python.fix
        );
        assert!(!python.fix.contains("Guzzle"), "{}", python.fix);
        let okhttp = empty_chunked("POST", &["User-Agent: okhttp/4.12.0"]);
        assert!(
            okhttp
                .fix
                .contains("(from the User-Agent): Java/OkHttp: a body built from bytes"),
            "{}",
            okhttp.fix
        );
        // Unnamed but shaped like libcurl's empty POST: PHP curl first, a few others after.
        let libcurl = empty_chunked("POST", &["Expect: 100-continue"]);
        assert!(
            libcurl
                .fix
                .contains("instead of chunks. Other stacks: PHP streams"),
            "{}",
            libcurl.fix
        );
        // Nothing to go on: every common stack's way.
        let unknown = empty_chunked("POST", &[]);
        assert!(!unknown.fix.contains("Other stacks"), "{}", unknown.fix);
        for way in [
            "PHP curl extension",
            "Python requests",
            "Node.js",
            "Java/OkHttp",
        ] {
            assert!(unknown.fix.contains(way), "{way}: {}", unknown.fix);
        }
    }

    #[test]
    fn a_chunked_post_is_refused_like_one_without_length() {
        // PHP curl with CURLOPT_POST and no CURLOPT_POSTFIELDS, as captured.
        let php = request(
            "POST",
            &[
                "Transfer-Encoding: chunked",
                "Content-Type: application/x-www-form-urlencoded",
                "Expect: 100-continue",
            ],
            "0\r\n\r\n",
        );
        let findings = check(&php);
        assert_eq!(codes(&findings), [Code::ContentLengthMissing]);
        let f = &findings[0];
        assert!(f.title.contains("chunked"), "{}", f.title);
        assert_eq!(f.evidence["framing"], "chunked");
        assert_eq!(f.evidence["expect"], "100-continue");
        assert!(f.detail.contains("libcurl"), "{}", f.detail);
        assert!(f.fix.contains("CURLOPT_POSTFIELDS => ''"), "{}", f.fix);
        assert!(f.fix.contains("Content-Length: 0"), "{}", f.fix);
        assert_eq!(f.source, Some(FAQ_411_SOURCE));

        // The length to declare is the content's, not the framing's.
        let put = request(
            "PUT",
            &["Transfer-Encoding: chunked"],
            "3\r\na=1\r\n0\r\n\r\n",
        );
        let f = &check(&put)[0];
        assert!(f.fix.contains("Content-Length: 3"), "{}", f.fix);
        assert!(!f.detail.contains("libcurl"), "{}", f.detail);
        // A GET needs no length, chunked or not.
        assert!(
            check(&request(
                "GET",
                &["Transfer-Encoding: chunked"],
                "0\r\n\r\n"
            ))
            .is_empty()
        );
    }

    #[test]
    fn the_fix_speaks_the_library_of_the_user_agent() {
        let with_agent = |ua: &str| {
            let r = request(
                "POST",
                &["Transfer-Encoding: chunked", &format!("User-Agent: {ua}")],
                "0\r\n\r\n",
            );
            check(&r).remove(0)
        };
        let f = with_agent("GuzzleHttp/6.5.5 curl/7.68.0 PHP/7.4.3");
        assert!(f.fix.contains("With Guzzle 6.5.5"), "{}", f.fix);
        assert!(f.fix.contains("'body' => ''"), "{}", f.fix);
        assert_eq!(f.evidence["library"], "Guzzle 6.5.5");
        let f = with_agent("python-requests/2.31.0");
        assert!(f.fix.contains("generator"), "{}", f.fix);
        assert!(!f.fix.contains("CURLOPT"), "{}", f.fix);
        // An application's own name says nothing of the stack: every common one is listed.
        let f = with_agent("MyUpworkApp/1.0");
        assert!(
            f.fix.contains("CURLOPT_POSTFIELDS") && f.fix.contains("'content' => ''"),
            "{}",
            f.fix
        );
    }

    #[test]
    fn unreadable_chunks_are_their_own_finding() {
        // A form body captured under a chunked header (as a raw capture would hold it; the flags
        // importer would frame it): never read as parameters.
        let mut r = request(
            "POST",
            &[
                "Transfer-Encoding: chunked",
                "Content-Type: application/x-www-form-urlencoded",
            ],
            "",
        );
        r.body = b"a=1&b=2".to_vec();
        let findings = check(&r);
        assert_eq!(
            codes(&findings),
            [Code::ContentLengthMissing, Code::ChunkedBodyMalformed]
        );
        let malformed = &findings[1];
        assert_eq!(malformed.severity, Severity::Error);
        assert!(
            malformed.detail.contains("before its last chunk"),
            "{}",
            malformed.detail
        );
        assert!(r.form_pairs().is_empty());
        let mut get = request("GET", &["Transfer-Encoding: chunked"], "");
        get.body = b"zz\r\n".to_vec();
        assert_eq!(codes(&check(&get)), [Code::ChunkedBodyMalformed]);
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
        assert_eq!(f.code, Code::ContentLengthMismatch);
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
            Code::ContentLengthMismatch
        );
    }

    #[test]
    fn bytes_not_characters() {
        assert!(check(&request("POST", &["Content-Length: 2"], "é")).is_empty());
        assert_eq!(
            check(&request("POST", &["Content-Length: 1"], "é"))[0].code,
            Code::ContentLengthMismatch
        );
    }
}
