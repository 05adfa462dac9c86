//! Parameters that are not RFC 3986 encoded as OAuth 1.0 requires (RFC 5849 section 3.6), spotted
//! from the captured text alone, without any secret.

use super::ParamLocation;
use super::encode::is_unreserved;
use super::params::{oauth_authorization, raw_authorization_params};
use crate::request::CapturedRequest;

/// The kind of encoding problem.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncodingIssue {
    /// `+` in a query or form: it decodes to a space, and RFC 3986 wants `%20` for a space
    /// (`%2B` for a plus).
    PlusForSpace,
    /// A space written raw.
    RawSpace,
    /// Reserved or unsafe characters (`:` `/` `@` `!` `*` `'` `(` `)` `=` `,` ...) written raw.
    ReservedRaw,
    /// Non-ASCII characters written raw instead of their UTF-8 bytes percent-encoded.
    NonAsciiRaw,
    /// Escapes with lowercase hex digits (`%2f`); RFC 5849 requires uppercase.
    LowercaseHex,
    /// An encoded `%` followed by hex digits (`%2520`, `%253D`): most likely encoded twice.
    DoubleEncoded,
    /// A `%` not followed by two hex digits.
    InvalidEscape,
}

impl EncodingIssue {
    /// A short phrase for reports.
    pub fn describe(self) -> &'static str {
        match self {
            EncodingIssue::PlusForSpace => {
                "'+' used for a space (RFC 3986 wants %20, and %2B for a plus)"
            }
            EncodingIssue::RawSpace => "raw space (must be %20)",
            EncodingIssue::ReservedRaw => "reserved characters not percent-encoded",
            EncodingIssue::NonAsciiRaw => "non-ASCII characters not percent-encoded as UTF-8",
            EncodingIssue::LowercaseHex => "lowercase hex in percent-encoding (must be uppercase)",
            EncodingIssue::DoubleEncoded => "percent-encoded twice",
            EncodingIssue::InvalidEscape => "'%' not followed by two hex digits",
        }
    }
}

/// Whether a problem is in a parameter's name or its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamPart {
    Name,
    Value,
}

/// One encoding problem of one parameter.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EncodingProblem {
    pub location: ParamLocation,
    /// The parameter name as written.
    pub name: String,
    pub part: ParamPart,
    pub issue: EncodingIssue,
    /// The offending characters or escapes, each once, in order of appearance (`+`, `:`, `%2f`).
    pub characters: Vec<String>,
    /// The value as written.
    pub raw_value: String,
}

/// Every parameter of the query, the form body and the `Authorization: OAuth` header that is not
/// RFC 3986 encoded. `realm` is skipped: it is a quoted string, never encoded.
pub fn encoding_problems(request: &CapturedRequest) -> Vec<EncodingProblem> {
    let mut problems = Vec::new();
    for (name, value) in request.url.raw_query_pairs() {
        check_pair(&mut problems, ParamLocation::Query, name, value);
    }
    if request.is_form_body() {
        let content = request.content();
        let body = String::from_utf8_lossy(&content);
        for piece in body.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = piece.split_once('=').unwrap_or((piece, ""));
            check_pair(&mut problems, ParamLocation::FormBody, name, value);
        }
    }
    if let Some(header) = oauth_authorization(request) {
        for (name, value) in raw_authorization_params(header) {
            if name != "realm" {
                check_pair(
                    &mut problems,
                    ParamLocation::AuthorizationHeader,
                    &name,
                    &value,
                );
            }
        }
    }
    problems
}

fn check_pair(
    problems: &mut Vec<EncodingProblem>,
    location: ParamLocation,
    name: &str,
    value: &str,
) {
    for (part, text) in [(ParamPart::Name, name), (ParamPart::Value, value)] {
        for (issue, characters) in scan(text, location) {
            problems.push(EncodingProblem {
                location,
                name: name.to_string(),
                part,
                issue,
                characters,
                raw_value: value.to_string(),
            });
        }
    }
}

/// The issues found in one written name or value, each with its offending pieces.
fn scan(text: &str, location: ParamLocation) -> Vec<(EncodingIssue, Vec<String>)> {
    let mut found: Vec<(EncodingIssue, Vec<String>)> = Vec::new();
    let mut add =
        |issue: EncodingIssue, piece: &str| match found.iter_mut().find(|(i, _)| *i == issue) {
            Some((_, pieces)) => {
                if !pieces.iter().any(|p| p == piece) {
                    pieces.push(piece.to_string());
                }
            }
            None => found.push((issue, vec![piece.to_string()])),
        };
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let pair = bytes
                .get(i + 1..i + 3)
                .filter(|p| p.iter().all(u8::is_ascii_hexdigit));
            match pair {
                Some(pair) => {
                    let escape = &text[i..i + 3];
                    if pair.iter().any(u8::is_ascii_lowercase) {
                        add(EncodingIssue::LowercaseHex, escape);
                    }
                    let next = bytes
                        .get(i + 3..i + 5)
                        .filter(|p| p.iter().all(u8::is_ascii_hexdigit));
                    if pair == b"25" && next.is_some() {
                        add(EncodingIssue::DoubleEncoded, &text[i..i + 5]);
                    }
                    i += 3;
                }
                None => {
                    add(EncodingIssue::InvalidEscape, "%");
                    i += 1;
                }
            }
            continue;
        }
        if !byte.is_ascii() {
            let ch = text[i..].chars().next().unwrap_or('\u{fffd}');
            add(EncodingIssue::NonAsciiRaw, &ch.to_string());
            i += ch.len_utf8();
            continue;
        }
        if !is_unreserved(byte) {
            let piece = &text[i..=i];
            match byte {
                b' ' => add(EncodingIssue::RawSpace, piece),
                b'+' if location != ParamLocation::AuthorizationHeader => {
                    add(EncodingIssue::PlusForSpace, piece)
                }
                _ => add(EncodingIssue::ReservedRaw, piece),
            }
        }
        i += 1;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each issue has its own phrase for the report, naming what the RFC wants where it can.
    #[test]
    fn each_issue_is_described_in_its_own_words() {
        let issues = [
            EncodingIssue::PlusForSpace,
            EncodingIssue::RawSpace,
            EncodingIssue::ReservedRaw,
            EncodingIssue::NonAsciiRaw,
            EncodingIssue::LowercaseHex,
            EncodingIssue::DoubleEncoded,
            EncodingIssue::InvalidEscape,
        ];
        let phrases: Vec<&str> = issues.iter().map(|i| i.describe()).collect();
        for (issue, phrase) in issues.iter().zip(&phrases) {
            assert!(phrase.len() > 10, "{issue:?}: {phrase}");
            assert_eq!(
                phrases.iter().filter(|p| *p == phrase).count(),
                1,
                "{phrase}"
            );
        }
        assert!(EncodingIssue::PlusForSpace.describe().contains("%20"));
        assert!(EncodingIssue::RawSpace.describe().contains("%20"));
    }
    use crate::oauth::fixtures;

    fn request(url: &str, headers: &[(&str, &str)], body: &str) -> CapturedRequest {
        fixtures::request("POST", url, headers, body)
    }

    fn summary(
        problems: &[EncodingProblem],
    ) -> Vec<(ParamLocation, &str, EncodingIssue, Vec<&str>)> {
        problems
            .iter()
            .map(|p| {
                (
                    p.location,
                    p.name.as_str(),
                    p.issue,
                    p.characters.iter().map(String::as_str).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_clean_request_has_no_problem() {
        let r = request(
            "https://www.upwork.com/api/x.json?q=web%20design&u=%7E01",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                (
                    "Authorization",
                    "OAuth realm=\"My Realm\", oauth_consumer_key=\"k\", oauth_signature=\"ab%2Bc%3D\"",
                ),
            ],
            "status=Hello%20Ladies%20%2B%20Gentlemen",
        );
        assert_eq!(encoding_problems(&r), vec![]);
    }

    #[test]
    fn names_each_problem_and_its_characters() {
        let r = request(
            "https://www.upwork.com/api/x.json?q=web+design&cb=http://x.com/a(b)&t=%2f%2F&d=%2520%253D&s=a b",
            &[
                ("Content-Type", "application/x-www-form-urlencoded"),
                (
                    "Authorization",
                    "OAuth oauth_consumer_key=\"k\", oauth_signature=\"ab+c/d=\"",
                ),
            ],
            "msg=caf\u{e9}!&bad=50%",
        );
        assert_eq!(
            summary(&encoding_problems(&r)),
            vec![
                (
                    ParamLocation::Query,
                    "q",
                    EncodingIssue::PlusForSpace,
                    vec!["+"]
                ),
                (
                    ParamLocation::Query,
                    "cb",
                    EncodingIssue::ReservedRaw,
                    vec![":", "/", "(", ")"]
                ),
                (
                    ParamLocation::Query,
                    "t",
                    EncodingIssue::LowercaseHex,
                    vec!["%2f"]
                ),
                (
                    ParamLocation::Query,
                    "d",
                    EncodingIssue::DoubleEncoded,
                    vec!["%2520", "%253D"]
                ),
                (
                    ParamLocation::Query,
                    "s",
                    EncodingIssue::RawSpace,
                    vec![" "]
                ),
                (
                    ParamLocation::FormBody,
                    "msg",
                    EncodingIssue::NonAsciiRaw,
                    vec!["\u{e9}"]
                ),
                (
                    ParamLocation::FormBody,
                    "msg",
                    EncodingIssue::ReservedRaw,
                    vec!["!"]
                ),
                (
                    ParamLocation::FormBody,
                    "bad",
                    EncodingIssue::InvalidEscape,
                    vec!["%"]
                ),
                (
                    ParamLocation::AuthorizationHeader,
                    "oauth_signature",
                    EncodingIssue::ReservedRaw,
                    vec!["+", "/", "="]
                ),
            ]
        );
        assert_eq!(encoding_problems(&r)[0].raw_value, "web+design");
    }
}
