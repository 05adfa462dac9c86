//! The curl importer against the commands developers paste.
use super::*;

fn curl(text: &str) -> CurlImport {
    parse_curl(text, "t.curl", Path::new("/nonexistent")).unwrap()
}

fn err(text: &str) -> ImportError {
    parse_curl(text, "t.curl", Path::new("/nonexistent")).unwrap_err()
}

fn headers(import: &CurlImport) -> Vec<(String, String)> {
    import
        .request
        .headers
        .iter()
        .map(|h| (h.name.clone(), h.value.clone()))
        .collect()
}

fn h(name: &str, value: &str) -> (String, String) {
    (name.to_string(), value.to_string())
}

#[test]
fn get_by_default_and_scheme_added() {
    let c = curl("curl www.upwork.com/api/auth/v1/info.json");
    assert_eq!(c.request.method, "GET");
    assert_eq!(
        c.request.url.as_str(),
        "http://www.upwork.com/api/auth/v1/info.json"
    );
    assert!(c.request.headers.is_empty());
    assert_eq!(
        c.request.source,
        Source::Curl {
            file: "t.curl".into()
        }
    );
}

#[test]
fn data_makes_a_form_post_with_curl_body_headers() {
    let c = curl("curl https://www.upwork.com/api/x -d 'a=1' -d b=2");
    assert_eq!(c.request.method, "POST");
    assert_eq!(c.request.body, b"a=1&b=2");
    assert_eq!(
        headers(&c),
        [
            h("Content-Length", "7"),
            h("Content-Type", "application/x-www-form-urlencoded")
        ]
    );
    let c = curl("curl https://h/x -H 'content-type: application/json' --data-binary '{}'");
    assert_eq!(
        headers(&c),
        [
            h("content-type", "application/json"),
            h("Content-Length", "2")
        ]
    );
    let c = curl("curl https://h/x --data-raw @notafile");
    assert_eq!(c.request.body, b"@notafile");
    let c = curl("curl https://h/x --data-binary ''");
    assert_eq!(c.request.method, "POST");
    assert_eq!(headers(&c)[0], h("Content-Length", "0"));
}

#[test]
fn data_urlencode_rules() {
    let c = curl(
        "curl https://h/x --data-urlencode 'q=web design&more' --data-urlencode '=a b' \
         --data-urlencode 'plain text' --data-urlencode 'e='",
    );
    assert_eq!(
        c.request.body,
        b"q=web%20design%26more&a%20b&plain%20text&e="
    );
}

#[test]
fn get_moves_data_into_the_query() {
    let c = curl("curl -G 'https://h/x?a=1' -d b=2 --data-urlencode 'c=d e'");
    assert_eq!(c.request.method, "GET");
    assert_eq!(c.request.url.as_str(), "https://h/x?a=1&b=2&c=d%20e");
    assert!(c.request.body.is_empty());
    assert!(c.request.headers.is_empty());
    let c = curl("curl --url-query 'a=b c' --url-query '+x=%20' https://h/x");
    assert_eq!(c.request.url.as_str(), "https://h/x?a=b%20c&x=%20");
}

#[test]
fn methods() {
    assert_eq!(curl("curl -XPOST https://h/").request.method, "POST");
    assert_eq!(curl("curl -X post https://h/").request.method, "post");
    assert_eq!(curl("curl -I https://h/").request.method, "HEAD");
    assert_eq!(curl("curl --head https://h/").request.method, "HEAD");
    assert_eq!(curl("curl -X PUT -d a=1 https://h/").request.method, "PUT");
    assert_eq!(curl("curl -G -I -d a=1 https://h/").request.method, "HEAD");
}

#[test]
fn headers_as_curl_reads_them() {
    let c = curl("curl https://h/ -H 'X-A:1' -H 'X-Empty;' -H 'Accept:' -H'X-B:  two ' -H nocolon");
    assert_eq!(
        headers(&c),
        [h("X-A", "1"), h("X-Empty", ""), h("X-B", "two ")]
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("removes the Accept header"))
    );
    // Named by its place, not quoted: without its colon a header may be all secret.
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("is not a header") && !n.contains("nocolon"))
    );
    let e = err("curl https://h/ -H $'X-A: 1\\r\\nX-B: 2'");
    assert!(e.to_string().contains("line break"), "{e}");
}

#[test]
fn curl_own_headers_in_curl_order_and_overridden_by_h() {
    let c = curl(
        "curl https://h/ -H 'X-Custom: 1' -b 'a=1' -b 'b=2' -e 'https://ref/;auto' \
         -A 'my-agent/1' --compressed -u 'user:p@ss' -r 0-99",
    );
    assert_eq!(
        headers(&c),
        [
            h("Authorization", "Basic dXNlcjpwQHNz"),
            h("Range", "bytes=0-99"),
            h("User-Agent", "my-agent/1"),
            h("Accept-Encoding", "deflate, gzip"),
            h("Referer", "https://ref/"),
            h("Cookie", "a=1; b=2"),
            h("X-Custom", "1"),
        ]
    );
    let c = curl("curl https://h/ -A x -H 'User-Agent: y' -u a:b -H 'authorization: Bearer t'");
    assert_eq!(
        headers(&c),
        [h("User-Agent", "y"), h("authorization", "Bearer t")]
    );
    let c = curl("curl https://h/ --oauth2-bearer tok");
    assert_eq!(headers(&c), [h("Authorization", "Bearer tok")]);
    let c = curl("curl https://h/ -u a:b --digest");
    assert!(c.request.headers.is_empty());
    let c = curl("curl 'https://us%40r:pw@h/'");
    assert_eq!(headers(&c), [h("Authorization", "Basic dXNAcjpwdw==")]);
}

#[test]
fn cookie_file_is_noted_not_read() {
    let c = curl("curl https://h/ -b cookies.txt");
    assert!(c.request.headers.is_empty());
    assert!(c.notes.iter().any(|n| n.contains("cookies.txt")));
}

#[test]
fn json_option() {
    let c = curl("curl --json '{\"a\":' --json '1}' https://h/");
    assert_eq!(c.request.body, b"{\"a\":1}");
    assert_eq!(
        headers(&c),
        [
            h("Content-Type", "application/json"),
            h("Accept", "application/json"),
            h("Content-Length", "7")
        ]
    );
}

#[test]
fn files_and_stdin() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("body.txt"), b"a=1\r\nb=2\n").unwrap();
    let parse = |text: &str| parse_curl(text, "t.curl", dir.path());
    assert_eq!(
        parse("curl -d @body.txt https://h/").unwrap().request.body,
        b"a=1b=2"
    );
    assert_eq!(
        parse("curl --data-binary @body.txt https://h/")
            .unwrap()
            .request
            .body,
        b"a=1\r\nb=2\n"
    );
    assert_eq!(
        parse("curl --data-urlencode t@body.txt https://h/")
            .unwrap()
            .request
            .body,
        b"t=a%3D1%0D%0Ab%3D2%0A"
    );
    let put = parse("curl -T body.txt https://h/up/").unwrap();
    assert_eq!(put.request.method, "PUT");
    assert_eq!(put.request.url.as_str(), "https://h/up/body.txt");
    assert_eq!(
        put.request.headers,
        vec![Header::new("Content-Length", "9")]
    );
    let e = parse("curl -d @missing.json https://h/").unwrap_err();
    assert_eq!(e.missing_input().as_deref(), Some("missing.json"));
    assert!(e.to_string().contains("missing.json"), "{e}");
    let e = parse("curl -d @- https://h/").unwrap_err();
    assert_eq!(e.missing_input().as_deref(), Some("-"));
    let with_stdin =
        parse_curl_with_stdin("curl -d @- https://h/", "t", dir.path(), Some(b"x=\n1")).unwrap();
    assert_eq!(with_stdin.request.body, b"x=1");
    assert_eq!(
        parse("curl -d @- https://h/ < body.txt")
            .unwrap()
            .request
            .body,
        b"a=1b=2"
    );
}

#[test]
fn form_parts() {
    let c = curl("curl -F 'a=1' -F 'b=x;type=text/foo' --form-string 'c=@d' https://h/");
    let ct = c.request.header("content-type").unwrap().to_string();
    let boundary = ct.strip_prefix("multipart/form-data; boundary=").unwrap();
    assert!(boundary.starts_with("------------------------"));
    let body = String::from_utf8(c.request.body.clone()).unwrap();
    assert_eq!(
        body,
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"b\"\r\nContent-Type: text/foo\r\n\r\nx\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"c\"\r\n\r\n@d\r\n\
             --{boundary}--\r\n"
        )
    );
    assert_eq!(
        c.request.header("content-length"),
        Some(body.len().to_string().as_str())
    );
    assert_eq!(c.request.method, "POST");
    assert!(
        err("curl -F a=1 -d b=2 https://h/")
            .to_string()
            .contains("cannot be used together")
    );
}

#[test]
fn flags_recorded_and_insecure() {
    let c = curl(
        "curl -sSLk --compressed -o /dev/null -w '%{http_code}' --http1.1 https://h/ -x http://proxy:8080",
    );
    assert!(c.insecure);
    assert_eq!(c.proxy.as_deref(), Some("http://proxy:8080"));
    assert_eq!(
        c.options,
        [
            "-s",
            "-S",
            "-L",
            "-k",
            "--compressed",
            "-o",
            "-w",
            "--http1.1",
            "-x"
        ]
    );
    assert!(
        c.notes
            .iter()
            .any(|n| n.contains("recorded only: -s -S -L -o -w --http1.1"))
    );
    let c = curl("curl 'localhost/?next=http://x'");
    assert_eq!(c.request.url.as_str(), "http://localhost/?next=http://x");
    assert!(
        err("curl -X '' https://h/")
            .to_string()
            .contains("one word")
    );
    assert!(
        err("curl -I -d a https://h/")
            .to_string()
            .contains("cannot be used together")
    );
}

#[test]
fn unknown_options_and_malformed_input() {
    let e = err("curl --frobnicate https://h/");
    assert!(matches!(e.kind, ImportErrorKind::UnknownOption(ref o) if o == "--frobnicate"));
    assert_eq!(e.location, Location::at(1, 6));
    let e = err("curl -sZQ https://h/");
    assert!(
        matches!(e.kind, ImportErrorKind::UnknownOption(ref o) if o == "-Q"),
        "{e}"
    );
    assert!(
        err("curl --data=x https://h/")
            .to_string()
            .contains("--option value")
    );
    assert!(err("curl -d").to_string().contains("needs a value"));
    assert!(err("curl -d x").to_string().contains("no URL"));
    assert!(
        err("wget https://h/")
            .to_string()
            .contains("expected a curl command")
    );
    let e = err("curl 'https://h/\n -d x");
    assert_eq!(
        e.to_string(),
        "t.curl:1:6: unterminated single quote (') opened here"
    );
    assert!(matches!(
        err("curl --aws-sigv4 x https://h/").kind,
        ImportErrorKind::Unsupported(_)
    ));
}

#[test]
fn browser_copies() {
    // Chrome, "Copy as cURL (bash)".
    let c = curl(
        "curl 'https://www.upwork.com/api/x' \\\n  -H 'accept: application/json' \\\n  \
         --data-raw $'{\"q\":\"it\\'s\"}' \\\n  --compressed",
    );
    assert_eq!(c.request.body, b"{\"q\":\"it's\"}");
    assert_eq!(
        c.request.headers[0],
        Header::new("Accept-Encoding", "deflate, gzip")
    );
    // Chrome, "Copy as cURL (cmd)".
    let c = curl(
        "curl ^\"https://www.upwork.com/api/x?a=1^&b=2^\" ^\r\n  -H ^\"accept: */*^\" ^\r\n  --data-raw ^\"a=1^\"",
    );
    assert_eq!(
        c.request.url.as_str(),
        "https://www.upwork.com/api/x?a=1&b=2"
    );
    assert_eq!(c.request.body, b"a=1");
    // Postman.
    let c = curl(
        "curl --location --request POST 'https://h/x' \\\n--header 'A: b' \\\n--data-urlencode 'k=v w'",
    );
    assert_eq!(c.request.body, b"k=v%20w");
}

#[test]
fn a_negated_option_is_a_switch_turned_off() {
    let c = curl("curl --no-insecure --no-compressed https://h/");
    assert!(!c.insecure);
    assert!(!c.notes.iter().any(|n| n.contains("TLS")), "{:?}", c.notes);
    // Only a switch has a `--no-` form: an option that takes a value has none.
    let e = err("curl --no-data a=1 https://h/");
    assert!(
        matches!(e.kind, ImportErrorKind::UnknownOption(ref o) if o == "--no-data"),
        "{e}"
    );
    // `--no-basic` turns off the Basic header that -u otherwise makes; `--basic` keeps it.
    let basic = curl("curl -u a:b --basic https://h/");
    assert_eq!(headers(&basic), [h("Authorization", "Basic YTpi")]);
    let off = curl("curl -u a:b --no-basic https://h/");
    assert!(headers(&off).is_empty(), "{:?}", headers(&off));
}

#[test]
fn a_value_joined_to_its_short_option_is_placed_where_it_starts() {
    // `-d@nofile`: the file's name starts at column 8, two after the option's.
    let e = err("curl -d@nofile https://h/");
    assert!(matches!(e.kind, ImportErrorKind::MissingFile { .. }), "{e}");
    assert_eq!(e.location, Location::at(1, 8));
}

#[test]
fn a_lone_dash_is_a_url_and_a_lone_double_dash_an_unknown_option() {
    let c = curl("curl - https://h/");
    assert_eq!(c.request.url.as_str(), "http://-");
    let e = err("curl -- https://h/");
    assert!(
        matches!(e.kind, ImportErrorKind::UnknownOption(ref o) if o == "--"),
        "{e}"
    );
    assert_eq!(e.location, Location::at(1, 6));
}

#[test]
fn standard_input_is_read_up_to_the_body_limit_and_refused_past_it() {
    let limit = usize::try_from(limits::REQUEST_BODY_LIMIT).unwrap();
    assert_eq!(limit, 16 * 1024 * 1024, "the limit DESIGN.md states");
    let at_limit = vec![b'a'; limit];
    let c = parse_curl_with_stdin(
        "curl --data-binary @- https://h/",
        "t.curl",
        Path::new("/nonexistent"),
        Some(&at_limit),
    )
    .unwrap();
    assert_eq!(c.request.body.len(), limit);
    let past = vec![b'a'; limit + 1];
    let e = parse_curl_with_stdin(
        "curl --data-binary @- https://h/",
        "t.curl",
        Path::new("/nonexistent"),
        Some(&past),
    )
    .unwrap_err();
    assert!(matches!(e.kind, ImportErrorKind::TooLarge(_)), "{e}");
    // Placed at the `@-` that reads it.
    assert_eq!(e.location, Location::at(1, 20));
}

fn with_stdin(text: &str, stdin: &[u8]) -> Result<CurlImport, ImportError> {
    parse_curl_with_stdin(text, "t.curl", Path::new("/nonexistent"), Some(stdin))
}

#[test]
fn the_urls_after_the_first_are_noted() {
    let one = curl("curl https://h/a");
    assert!(
        !one.notes.iter().any(|n| n.contains("URLs")),
        "{:?}",
        one.notes
    );
    let two = curl("curl https://h/a https://h/b");
    assert_eq!(two.request.url.as_str(), "https://h/a");
    assert!(
        two.notes
            .iter()
            .any(|n| n == "the command names 2 URLs; only the first, https://h/a, is read"),
        "{:?}",
        two.notes
    );
}

#[test]
fn an_upload_takes_a_query_from_get_data_but_no_other_body() {
    let up = with_stdin("curl -T - -G -d q=1 https://h/up", b"payload").unwrap();
    assert_eq!(up.request.method, "PUT");
    assert_eq!(up.request.url.as_str(), "https://h/up?q=1");
    assert_eq!(up.request.body, b"payload");
    for command in [
        "curl -T - -d q=1 https://h/up",
        "curl -T - -F a=1 https://h/up",
    ] {
        let e = with_stdin(command, b"payload").unwrap_err();
        assert!(
            e.to_string().contains("cannot be used together"),
            "{command}: {e}"
        );
    }
}

#[test]
fn an_upload_to_a_directory_is_named_after_its_file_and_standard_input_is_not() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("report.txt"), b"hello").unwrap();
    let c = parse_curl("curl -T report.txt https://h/up/", "t.curl", dir.path()).unwrap();
    assert_eq!(c.request.url.as_str(), "https://h/up/report.txt");
    let c = with_stdin("curl -T - https://h/up/", b"hello").unwrap();
    assert_eq!(c.request.url.as_str(), "https://h/up/");
}

#[test]
fn head_asked_with_x_alone_is_noted() {
    let noted = |command: &str| {
        curl(command)
            .notes
            .iter()
            .any(|n| n == "-X HEAD without -I: curl waits for a body that never comes")
    };
    assert!(noted("curl -X HEAD https://h/"));
    assert!(!noted("curl -X HEAD -d a=1 https://h/"));
    assert!(!noted("curl -I -X HEAD https://h/"));
    assert!(!noted("curl https://h/"));
}

#[test]
fn headers_read_from_a_file_skip_its_blank_lines() {
    let c = with_stdin("curl -H @- https://h/", b"X-A: 1\n\n  \nX-B: 2\n").unwrap();
    assert_eq!(headers(&c), [h("X-A", "1"), h("X-B", "2")]);
}

/// The part of a multipart body named `name`: its head and content.
fn form_part<'a>(body: &'a str, name: &str) -> &'a str {
    let start = body
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no part {name} in {body}"));
    let end = body[start..]
        .find("\r\n--")
        .map_or(body.len(), |e| start + e);
    &body[start..end]
}

#[test]
fn a_file_part_is_named_and_typed_after_its_file_unless_the_command_says() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("pic.PNG"), b"png-bytes").unwrap();
    let c = parse_curl_with_stdin(
        "curl -F a=@pic.PNG -F 'b=@pic.PNG;filename=\"other.gif\";type=image/x-test;headers=X-Part: 1' -F c=@- https://h/",
        "t.curl",
        dir.path(),
        Some(b"from stdin"),
    )
    .unwrap();
    let body = String::from_utf8(c.request.body.clone()).unwrap();
    assert_eq!(
        form_part(&body, "a"),
        "name=\"a\"; filename=\"pic.PNG\"\r\nContent-Type: image/png\r\n\r\npng-bytes"
    );
    let b = form_part(&body, "b");
    assert!(
        b.starts_with("name=\"b\"; filename=\"other.gif\"\r\n"),
        "{b}"
    );
    assert!(b.contains("\r\nX-Part: 1\r\n"), "{b}");
    assert!(b.contains("Content-Type: image/x-test\r\n"), "{b}");
    // Standard input has no file name.
    assert_eq!(
        form_part(&body, "c"),
        "name=\"c\"\r\nContent-Type: application/octet-stream\r\n\r\nfrom stdin"
    );
}

/// curl's own table (lib/mime.c, `Curl_mime_contenttype`): the type of a file part by the
/// extension of its name, in any case; any other is `application/octet-stream`.
#[test]
fn a_file_part_is_typed_by_its_extension_as_curl_does() {
    for (file, content_type) in [
        ("a.gif", "image/gif"),
        ("a.jpg", "image/jpeg"),
        ("a.JPEG", "image/jpeg"),
        ("a.png", "image/png"),
        ("a.svg", "image/svg+xml"),
        ("a.txt", "text/plain"),
        ("a.htm", "text/html"),
        ("a.html", "text/html"),
        ("a.pdf", "application/pdf"),
        ("a.xml", "application/xml"),
        ("a.json", "application/octet-stream"),
        ("noextension", "application/octet-stream"),
    ] {
        assert_eq!(guess_content_type(file), content_type, "{file}");
    }
}

#[test]
fn a_query_is_appended_as_curl_appends_it() {
    for (url, expected) in [
        ("https://h/x", "https://h/x?a=1"),
        ("https://h/x?", "https://h/x?a=1"),
        ("https://h/x?b=2", "https://h/x?b=2&a=1"),
        ("https://h/x?b=2&", "https://h/x?b=2&a=1"),
        ("https://h/x?b=2#top", "https://h/x?b=2&a=1#top"),
    ] {
        let mut url = url.to_string();
        append_query(&mut url, b"a=1");
        assert_eq!(url, expected);
    }
}
