//! The key request as the support agent copies it from the ticket, and its reading from JSON or
//! TOML. A bad file is reported with the file, the line and the field, never guessed around.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// An API key request: what the developer wrote and what their account shows.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyRequest {
    /// The application title as entered in the key request form.
    #[serde(default)]
    pub app_title: Option<String>,
    /// The description of the project and of what the API will be used for.
    #[serde(default)]
    pub description: Option<String>,
    /// Whether the app is for the requester's own use or offered to others, when the form says.
    #[serde(default)]
    pub intended_use: Option<IntendedUse>,
    /// The requester's Upwork username.
    #[serde(default)]
    pub username: Option<String>,
    /// The address in the requester's personal profile.
    #[serde(default)]
    pub profile_address: Option<Address>,
    /// The address of the requester's company, when they have one.
    #[serde(default)]
    pub company_address: Option<Address>,
    /// True when the profile has a portrait photo.
    pub portrait: bool,
    /// True when the account is suspended.
    pub suspended: bool,
    /// The account's total earnings, in US dollars.
    pub earnings: f64,
}

/// Who the app is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(try_from = "String", rename_all = "lowercase")]
pub enum IntendedUse {
    /// Used only by the requester or their own team.
    Internal,
    /// Offered to other people.
    Public,
}

impl TryFrom<String> for IntendedUse {
    type Error = String;

    // Agents type this by hand: "Internal" and " public " mean what they say.
    fn try_from(value: String) -> Result<Self, Self::Error> {
        match value.trim().to_ascii_lowercase().as_str() {
            "internal" => Ok(IntendedUse::Internal),
            "public" => Ok(IntendedUse::Public),
            _ => Err(format!(
                "\"{value}\" is not an intended use: expected \"internal\" or \"public\""
            )),
        }
    }
}

impl IntendedUse {
    pub fn as_str(self) -> &'static str {
        match self {
            IntendedUse::Internal => "internal",
            IntendedUse::Public => "public",
        }
    }
}

/// A postal address, in parts, so that a missing part can be named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Address {
    /// Street and house number, e.g. "12 Baker Street".
    #[serde(default)]
    pub street: Option<String>,
    /// Apartment, unit, suite or flat number.
    #[serde(default, alias = "apartment")]
    pub unit: Option<String>,
    /// What the building is, e.g. "house", "apartment", "office".
    #[serde(default)]
    pub building_type: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// State, province or region, where the country has them.
    #[serde(default, alias = "state")]
    pub region: Option<String>,
    #[serde(default, alias = "zip")]
    pub postal_code: Option<String>,
    #[serde(default)]
    pub country: Option<String>,
}

/// The two formats a key request can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
}

impl Format {
    /// The format a file's extension names, if it names one.
    pub fn from_extension(path: &Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "json" => Some(Format::Json),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }

    /// The format of a text without a telling extension: a JSON document is an object, so it
    /// starts with `{`; a TOML one has a `key = value` or `[table]` line. Anything else is not
    /// guessed at.
    pub fn sniff(text: &str) -> Option<Format> {
        let text = text.trim_start_matches('\u{feff}').trim_start();
        if text.starts_with('{') {
            return Some(Format::Json);
        }
        let looks_like_toml = text.lines().map(str::trim).any(|line| {
            let key = line.split_once('=').map(|(k, _)| k.trim());
            let is_key = key.is_some_and(|k| {
                !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_-.\"' ".contains(c))
            });
            is_key || (line.starts_with('[') && line.ends_with(']'))
        });
        looks_like_toml.then_some(Format::Toml)
    }

    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Toml => "TOML",
        }
    }
}

/// What is wrong with a key request file: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The file, or `-` for standard input.
    pub file: PathBuf,
    /// 1-based line of the problem, when there is one.
    pub line: Option<usize>,
    /// The field at fault, when the message does not already name it.
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ": line {line}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for InputError {}

/// A problem found in the text, before the file name is known to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: Option<usize>,
    pub field: Option<String>,
    pub message: String,
}

impl ParseError {
    fn in_file(self, file: &Path) -> InputError {
        InputError {
            file: file.to_path_buf(),
            line: self.line,
            field: self.field,
            message: self.message,
        }
    }
}

/// Reads a key request from a file (`-` for standard input), JSON or TOML by its extension, else
/// by its content.
pub fn read(path: &Path) -> Result<KeyRequest, InputError> {
    let failed = |message: String| InputError {
        file: path.to_path_buf(),
        line: None,
        field: None,
        message,
    };
    let bytes = if path.as_os_str() == "-" {
        upwork_diag_core::limits::read_capped(
            std::io::stdin().lock(),
            upwork_diag_core::limits::INPUT_FILE_LIMIT,
        )
        .map_err(|e| {
            failed(format!(
                "cannot read standard input: {}",
                e.for_what("an input")
            ))
        })?
    } else {
        upwork_diag_core::limits::read_file_capped(path, upwork_diag_core::limits::INPUT_FILE_LIMIT)
            .map_err(|e| failed(format!("cannot read the file: {}", e.for_what("an input"))))?
    };
    let text = String::from_utf8(bytes).map_err(|e| {
        failed(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let format = Format::from_extension(path)
        .or_else(|| Format::sniff(&text))
        .ok_or_else(|| {
            failed("cannot tell whether this is JSON or TOML: name it .json or .toml".to_string())
        })?;
    parse(&text, format).map_err(|e| e.in_file(path))
}

/// Parses a key request from text in the given format.
pub fn parse(text: &str, format: Format) -> Result<KeyRequest, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let request: KeyRequest = match format {
        Format::Json => serde_json::from_str(text).map_err(|e| json_error(text, &e))?,
        Format::Toml => toml::from_str(text).map_err(|e| toml_error(text, &e))?,
    };
    check_earnings(text, format, request.earnings)?;
    Ok(request)
}

/// Earnings are an amount of money: TOML's `inf` and `nan` and a negative number are not, and
/// would pass or reject checkpoint 7 by accident of comparison.
fn check_earnings(text: &str, format: Format, earnings: f64) -> Result<(), ParseError> {
    let problem = if earnings.is_nan() {
        "is not a number (nan)"
    } else if earnings.is_infinite() {
        "is infinite: give the account's total earnings in US dollars"
    } else if earnings < 0.0 {
        "is negative: give the account's total earnings in US dollars"
    } else {
        return Ok(());
    };
    let key = match format {
        Format::Json => "\"earnings\"",
        Format::Toml => "earnings",
    };
    let line = text
        .lines()
        .position(|l| l.trim_start().starts_with(key))
        .map(|i| i + 1);
    Err(ParseError {
        line,
        field: Some("earnings".to_string()),
        message: problem.to_string(),
    })
}

fn json_error(text: &str, error: &serde_json::Error) -> ParseError {
    let full = error.to_string();
    // serde_json appends the position to its message; it is reported apart, once.
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = plain(full.strip_suffix(&position).unwrap_or(&full));
    let line = (error.line() > 0).then_some(error.line());
    let message = match error.classify() {
        serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
            format!("invalid {}: {message}", Format::Json.name())
        }
        _ => message,
    };
    let field = line.and_then(|l| field_before(text, l, error.column(), Format::Json));
    ParseError {
        line,
        field: field.filter(|_| !names_a_field(&message)),
        message,
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> ParseError {
    let message = plain(error.message().trim());
    let position = error.span().map(|span| line_and_column(text, span.start));
    // The typed reading mixes syntax and type errors; the untyped one fails on syntax alone.
    let is_syntax = text.parse::<toml::Table>().is_err();
    let message = if is_syntax {
        format!("invalid {}: {message}", Format::Toml.name())
    } else {
        message
    };
    let field = position.and_then(|(l, c)| field_before(text, l, c + 1, Format::Toml));
    ParseError {
        line: position.map(|(l, _)| l),
        field: field.filter(|_| !names_a_field(&message)),
        message,
    }
}

/// serde's message in the agent's words: "expected f64" means a number.
fn plain(message: &str) -> String {
    message.replace("expected f64", "expected a number")
}

/// serde's own messages for a missing or unknown field already name it.
fn names_a_field(message: &str) -> bool {
    message.starts_with("missing field") || message.starts_with("unknown field")
}

/// 1-based line and 0-based column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rfind('\n')
        .map_or(before, |i| &before[i + 1..])
        .chars()
        .count();
    (line, column)
}

/// The last key written on `line` before `column` (1-based): the field whose value is at fault.
/// The line alone would not say which of two keys of an inline table is meant.
fn field_before(text: &str, line: usize, column: usize, format: Format) -> Option<String> {
    let line = text.lines().nth(line.checked_sub(1)?)?;
    let head: String = line.chars().take(column).collect();
    let mut found = None;
    match format {
        Format::Json => {
            // Every `"name" :` before the column; the last one is the field.
            let mut rest = head.as_str();
            while let Some(start) = rest.find('"') {
                let after = &rest[start + 1..];
                let Some(end) = after.find('"') else { break };
                let key = &after[..end];
                let tail = after[end + 1..].trim_start();
                if tail.starts_with(':') {
                    found = Some(key.to_string());
                }
                rest = &after[end + 1..];
            }
        }
        Format::Toml => {
            for (i, _) in head.match_indices('=') {
                let key: String = head[..i]
                    .trim_end()
                    .chars()
                    .rev()
                    .take_while(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(*c))
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let key = key.trim_matches('"').to_string();
                if !key.is_empty() {
                    found = Some(key);
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    const JSON: &str = r#"{
  "app_title": "Timesheet Sync",
  "description": "Syncs our contracts.",
  "intended_use": "Internal",
  "username": "janedoe",
  "profile_address": {"street": "12 Baker Street", "city": "London", "zip": "NW1 6XE", "country": "UK"},
  "portrait": true,
  "suspended": false,
  "earnings": 45000
}"#;

    const TOML: &str = r#"
app_title = "Timesheet Sync"
description = "Syncs our contracts."
intended_use = "internal"
username = "janedoe"
portrait = true
suspended = false
earnings = 45000.5

[profile_address]
street = "12 Baker Street"
apartment = "4B"
city = "London"
postal_code = "NW1 6XE"
country = "UK"
"#;

    #[test]
    fn reads_json_with_aliases_and_any_case_intended_use() {
        let request = parse(JSON, Format::Json).unwrap();
        assert_eq!(request.intended_use, Some(IntendedUse::Internal));
        let address = request.profile_address.unwrap();
        assert_eq!(address.postal_code.as_deref(), Some("NW1 6XE"));
        assert_eq!(request.company_address, None);
        assert_eq!(request.earnings, 45000.0);
    }

    #[test]
    fn reads_toml_with_tables() {
        let request = parse(TOML, Format::Toml).unwrap();
        assert_eq!(request.earnings, 45000.5);
        assert_eq!(request.profile_address.unwrap().unit.as_deref(), Some("4B"));
    }

    #[test]
    fn a_wrong_type_in_json_names_the_line_and_the_field() {
        let text = JSON.replace("\"earnings\": 45000", "\"earnings\": \"lots\"");
        let error = parse(&text, Format::Json).unwrap_err();
        assert_eq!(error.line, Some(9));
        assert_eq!(error.field.as_deref(), Some("earnings"));
        assert!(error.message.contains("invalid type"), "{error:?}");
    }

    #[test]
    fn a_wrong_type_inside_an_inline_object_names_that_field() {
        let text = JSON.replace("\"city\": \"London\"", "\"city\": 7");
        let error = parse(&text, Format::Json).unwrap_err();
        assert_eq!(error.line, Some(6));
        assert_eq!(error.field.as_deref(), Some("city"));
    }

    #[test]
    fn a_wrong_type_in_toml_names_the_line_and_the_field() {
        let text = TOML.replace("portrait = true", "portrait = \"yes\"");
        let error = parse(&text, Format::Toml).unwrap_err();
        assert_eq!(error.line, Some(6), "{error:?}");
        assert_eq!(error.field.as_deref(), Some("portrait"));
    }

    #[test]
    fn syntax_errors_say_which_format_and_where() {
        let error = parse("{\"app_title\": \"x\",,}", Format::Json).unwrap_err();
        assert!(error.message.starts_with("invalid JSON"), "{error:?}");
        assert_eq!(error.line, Some(1));
        let error = parse("app_title = \"x\"\nportrait = \n", Format::Toml).unwrap_err();
        assert!(error.message.starts_with("invalid TOML"), "{error:?}");
        assert_eq!(error.line, Some(2));
    }

    #[test]
    fn missing_required_and_unknown_fields_are_named() {
        let error = parse(&JSON.replace("\"suspended\": false,", ""), Format::Json).unwrap_err();
        assert!(
            error.message.contains("missing field `suspended`"),
            "{error:?}"
        );
        let error =
            parse(&JSON.replace("\"username\"", "\"user_name\""), Format::Json).unwrap_err();
        assert!(
            error.message.contains("unknown field `user_name`"),
            "{error:?}"
        );
        assert_eq!(error.line, Some(5));
    }

    #[test]
    fn earnings_that_are_not_an_amount_are_bad_input() {
        for (value, problem) in [
            ("inf", "is infinite"),
            ("+inf", "is infinite"),
            ("-inf", "is infinite"),
            ("nan", "is not a number"),
            ("-1", "is negative"),
        ] {
            let text = TOML.replace("earnings = 45000.5", &format!("earnings = {value}"));
            let error = parse(&text, Format::Toml).unwrap_err();
            assert_eq!(error.field.as_deref(), Some("earnings"), "{value}");
            assert!(
                error.message.starts_with(problem),
                "{value}: {}",
                error.message
            );
            assert!(error.line.is_some(), "{value}");
        }
        let text = JSON.replace("\"earnings\": 45000", "\"earnings\": -0.5");
        let error = parse(&text, Format::Json).unwrap_err();
        assert!(
            error.message.starts_with("is negative"),
            "{}",
            error.message
        );
        // Zero is an amount: checkpoint 7 rejects it, the file is fine.
        let text = TOML.replace("earnings = 45000.5", "earnings = 0");
        assert_eq!(parse(&text, Format::Toml).unwrap().earnings, 0.0);
    }

    #[test]
    fn an_unknown_intended_use_is_bad_input() {
        let error = parse(&TOML.replace("\"internal\"", "\"both\""), Format::Toml).unwrap_err();
        assert!(
            error
                .message
                .contains("expected \"internal\" or \"public\""),
            "{error:?}"
        );
        assert_eq!(error.line, Some(4));
    }

    #[test]
    fn the_format_is_sniffed_when_the_extension_does_not_tell() {
        assert_eq!(Format::sniff(JSON), Some(Format::Json));
        assert_eq!(Format::sniff(TOML), Some(Format::Toml));
        assert_eq!(Format::sniff("just some notes\nabout a key"), None);
        assert_eq!(
            Format::from_extension(Path::new("a/b.TOML")),
            Some(Format::Toml)
        );
        assert_eq!(Format::from_extension(Path::new("a/b.txt")), None);
    }
}
