//! Secrets nobody named, found by their shape in free text: `client_secret=...`,
//! `"refreshToken": "..."`, `Bearer <token>`, `Authorization: <token>`, the password of
//! `scheme://user:password@`. This is the layer that catches a value quoted in an error message or
//! a body no parser understood; the structured layers (headers, forms, JSON) come first.

use super::is_secret_name;

/// A stretch of text that holds a secret, and what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub start: usize,
    pub end: usize,
    pub what: String,
}

/// Every secret found by shape, in order, not overlapping.
pub(crate) fn find(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    named_values(text, &mut found);
    schemes(text, &mut found);
    url_passwords(text, &mut found);
    found.sort_by_key(|f| (f.start, std::cmp::Reverse(f.end)));
    let mut kept: Vec<Found> = Vec::new();
    for f in found {
        if kept.last().is_none_or(|last| f.start >= last.end) {
            kept.push(f);
        }
    }
    kept
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Values that are placeholders, already hidden, or not values at all.
fn is_placeholder(value: &str) -> bool {
    value.is_empty()
        || value.starts_with(['<', '$', '{', '*', '['])
        || value.starts_with("...")
        || matches!(value, "null" | "true" | "false")
}

/// Where a bare value ends.
fn bare_end(text: &[u8], start: usize) -> usize {
    let mut end = start;
    while end < text.len()
        && !matches!(
            text[end],
            b'&' | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'<'
                | b';'
                | b','
                | b')'
                | b'}'
                | b']'
        )
    {
        end += 1;
    }
    end
}

/// Where a quoted value ends (the index of its closing quote), honouring backslash escapes.
fn quoted_end(text: &[u8], start: usize, quote: u8) -> usize {
    let mut end = start;
    while end < text.len() && text[end] != quote {
        end += if text[end] == b'\\' { 2 } else { 1 };
    }
    end.min(text.len())
}

/// `name=value`, `name: value`, `"name": "value"` and `"name": ["value", ...]` for secret names.
fn named_values(text: &str, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    for at in memchr::memchr2_iter(b'=', b':', bytes) {
        // The name before, maybe quoted, maybe followed by spaces.
        let mut name_end = at;
        while name_end > 0 && matches!(bytes[name_end - 1], b' ' | b'\t') {
            name_end -= 1;
        }
        let quoted_name = name_end > 0 && matches!(bytes[name_end - 1], b'"' | b'\'');
        if quoted_name {
            name_end -= 1;
        }
        let mut name_start = name_end;
        while name_start > 0 && is_name_byte(bytes[name_start - 1]) {
            name_start -= 1;
        }
        let name = &text[name_start..name_end];
        let authorization = name.eq_ignore_ascii_case("authorization");
        if name.is_empty() || !(is_secret_name(name) || authorization) {
            continue;
        }
        let mut start = at + 1;
        while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
            start += 1;
        }
        let mut values = Vec::new();
        match bytes.get(start) {
            Some(&q @ (b'"' | b'\'')) => values.push((start + 1, quoted_end(bytes, start + 1, q))),
            Some(b'[') => {
                // A JSON array of strings: each one hidden (under `authorization`, by its rule).
                let mut i = start + 1;
                while i < bytes.len() && bytes[i] != b']' {
                    if bytes[i] == b'"' {
                        let end = quoted_end(bytes, i + 1, b'"');
                        values.push((i + 1, end));
                        i = end + 1;
                    } else {
                        i += 1;
                    }
                }
            }
            Some(_) => values.push((start, bare_end(bytes, start))),
            None => {}
        }
        for (start, end) in values {
            let value = &text[start..end];
            if is_placeholder(value) {
                continue;
            }
            if authorization {
                // `Authorization: <token>` with no scheme: the whole value is the credential. With
                // a scheme, the scheme's own rule below decides.
                let rest = &text[end..];
                let one_word = !value.contains([' ', '\t'])
                    && (rest.is_empty() || rest.starts_with(['\r', '\n', '"', '\'']));
                if !(one_word && value.len() >= 8) {
                    continue;
                }
            }
            let what = if authorization {
                "authorization credentials".to_string()
            } else {
                name.to_string()
            };
            found.push(Found { start, end, what });
        }
    }
}

/// `Bearer <token>` and `Basic <credentials>`, with a space or a tab.
fn schemes(text: &str, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    // Both schemes start with a `b`: the text is searched for that letter in either case, not
    // lowered whole (every text redacted passes here).
    for at in memchr::memchr2_iter(b'b', b'B', bytes) {
        let Some((scheme, what)) = [
            ("bearer", "OAuth 2 access token"),
            ("basic", "authorization credentials"),
        ]
        .into_iter()
        .find(|(scheme, _)| {
            bytes
                .get(at..at + scheme.len())
                .is_some_and(|word| word.eq_ignore_ascii_case(scheme.as_bytes()))
        }) else {
            continue;
        };
        if at > 0 && bytes[at - 1].is_ascii_alphanumeric() {
            continue;
        }
        let mut start = at + scheme.len();
        let gap = start;
        while start < bytes.len() && matches!(bytes[start], b' ' | b'\t') {
            start += 1;
        }
        if start == gap {
            continue;
        }
        let mut end = start;
        while end < bytes.len()
            && (bytes[end].is_ascii_alphanumeric()
                || matches!(
                    bytes[end],
                    b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'%'
                ))
        {
            end += 1;
        }
        if end - start >= 8
            && bytes[start].is_ascii_alphanumeric()
            && looks_like_token(&text[start..end])
        {
            found.push(Found {
                start,
                end,
                what: what.to_string(),
            });
        }
    }
}

/// A credential, not a word of prose ("Basic authentication"): it has a digit, an uppercase
/// letter past the first, or a character words do not have.
fn looks_like_token(value: &str) -> bool {
    value.chars().skip(1).any(|c| c.is_ascii_uppercase())
        || value
            .chars()
            .any(|c| c.is_ascii_digit() || "=._~+/%".contains(c))
}

/// `scheme://user:password@host`: the password.
fn url_passwords(text: &str, found: &mut Vec<Found>) {
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("://") {
        let start = at + 3;
        // The userinfo ends at the last `@` before the path.
        let mut stop = start;
        while stop < bytes.len() && !matches!(bytes[stop], b'/' | b'?' | b'#' | b' ' | b'\t') {
            stop += 1;
        }
        let Some(at_sign) = text[start..stop].rfind('@') else {
            continue;
        };
        let userinfo = &text[start..start + at_sign];
        if let Some(colon) = userinfo.find(':') {
            let password = &userinfo[colon + 1..];
            if !is_placeholder(password) {
                found.push(Found {
                    start: start + colon + 1,
                    end: start + at_sign,
                    what: "URL password".to_string(),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(text: &str) -> Vec<&str> {
        find(text).iter().map(|f| &text[f.start..f.end]).collect()
    }

    #[test]
    fn a_name_is_read_back_to_the_first_byte_no_name_has() {
        assert_eq!(hidden("[authorization: s3cretValue1\n"), ["s3cretValue1"]);
        assert_eq!(hidden("password = hunter22"), ["hunter22"]);
        assert_eq!(hidden("(client_secret=abc123)"), ["abc123"]);
    }

    #[test]
    fn a_text_cut_short_or_starting_with_a_separator_is_read_without_a_panic() {
        assert_eq!(hidden(r#"password="unterminated"#), ["unterminated"]);
        assert_eq!(hidden(r#""password": "a\"#), [r"a\"]);
        assert!(hidden("= value").is_empty());
        assert!(hidden(": value").is_empty());
        // A name and its separator at the very end, maybe with spaces or an array begun.
        assert!(hidden("password=  ").is_empty());
        assert!(hidden("password: [").is_empty());
        assert_eq!(hidden(r#""password": ["abc", "#), ["abc"]);
        assert_eq!(hidden("see https://u:pa55word@host"), ["pa55word"]);
    }

    /// A scheme's name inside a longer word is no scheme: `superbasic` is not `Basic`.
    #[test]
    fn a_scheme_is_a_word_of_its_own() {
        assert!(hidden("Superbasic QWxhZGRpbjpvcGVu").is_empty());
        assert_eq!(hidden("(Basic QWxhZGRpbjpvcGVu)"), ["QWxhZGRpbjpvcGVu"]);
    }

    /// Under `authorization`, an array's strings are read by the rule of its value: one word of
    /// eight characters or more is the credential; a scheme and its token are left to the
    /// scheme's rule.
    #[test]
    fn an_authorization_array_is_read_string_by_string() {
        assert_eq!(
            hidden(r#"{"authorization": ["tok3n-in-an-array", "short"]}"#),
            ["tok3n-in-an-array"]
        );
        assert_eq!(
            hidden(r#"{"Authorization": ["Bearer abcdefgh12"]}"#),
            ["abcdefgh12"]
        );
    }

    #[test]
    fn finds_secrets_by_name_and_shape() {
        assert_eq!(
            hidden("grant_type=refresh_token&refresh_token=r3f&client_secret=c5\r\n"),
            ["r3f", "c5"]
        );
        assert_eq!(
            hidden(r#"{"clientSecret": "a\"b", "refreshToken":["x1","x2"], "id": 3}"#),
            ["a\\\"b", "x1", "x2"]
        );
        assert_eq!(
            hidden("header 'Authorization Bearer\tabcdefgh12'"),
            ["abcdefgh12"]
        );
        assert_eq!(
            hidden("Authorization: tok3n-without-scheme"),
            ["tok3n-without-scheme"]
        );
        assert_eq!(hidden("https://me:pa55@host:99999/x"), ["pa55"]);
        assert_eq!(hidden("UPWORK_CONSUMER_SECRET: value"), ["value"]);
    }

    #[test]
    fn leaves_placeholders_and_hidden_values() {
        for text in [
            "refresh_token=<the refresh token>&client_secret=...",
            "access_token=[redacted access_token sha256:00000000]",
            "Authorization: Bearer <access_token>",
            "ask for basic info",
            "HTTP Basic authentication and bearer authorization",
            "oauth_token=public&oauth_consumer_key=ck",
            r#"{"authorization": "OAuth oauth_consumer_key=\"ck\", oauth_signature=\"abc\""}"#,
        ] {
            assert!(find(text).is_empty(), "{text}: {:?}", hidden(text));
        }
    }
}
