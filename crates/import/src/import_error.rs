//! Why an input (a curl command, a HAR file, a raw request) could not be imported.
//!
//! Every error names the input and the place at fault (line and column, or a JSON path such as
//! `log.entries[3].request.headers`) so the developer can fix the file without guessing.

use std::fmt;
use std::path::PathBuf;

/// Where in the input the fault is.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Location {
    /// 1-based line and column, when known.
    pub line_column: Option<(usize, usize)>,
    /// The JSON path of the value at fault (`log.entries[3].request.headers`), for JSON inputs.
    pub json_path: Option<String>,
}

impl Location {
    /// A place given by line and column, both 1-based.
    pub fn at(line: usize, column: usize) -> Self {
        Location {
            line_column: Some((line, column)),
            json_path: None,
        }
    }

    /// A place given by a JSON path.
    pub fn path(path: impl Into<String>) -> Self {
        Location {
            line_column: None,
            json_path: Some(path.into()),
        }
    }
}

/// What went wrong, without the place.
#[derive(Debug, thiserror::Error)]
pub enum ImportErrorKind {
    /// The input is malformed (an unterminated quote, a header line without a colon ...).
    #[error("{0}")]
    Syntax(String),
    /// A curl option this importer does not know; dropping it could change the request.
    #[error("unknown curl option '{0}'")]
    UnknownOption(String),
    /// A curl option that would change the request in a way that cannot be reproduced.
    #[error("{0}")]
    Unsupported(String),
    /// A file the input refers to (`-d @body.json`, `-T file`, `< file`) does not exist or
    /// cannot be read.
    #[error("cannot read '{}' (referred to by the input): {source}", path.display())]
    MissingFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The input, or a file it refers to, holds more than a limit allows (see [`upwork_diag_core::limits`]).
    #[error("{0}")]
    TooLarge(Box<TooLarge>),
    /// The input reads standard input (`@-`, `-T -`) and none was given.
    #[error("the command reads standard input ({0}) but no standard input was given")]
    NoStdin(String),
    /// The URL cannot be sent.
    #[error("URL: {0}")]
    Url(#[from] upwork_diag_core::request::UrlError),
    /// A HAR value has the wrong type or a required field is missing.
    #[error("{0}")]
    Json(String),
    /// No entry of a HAR file fits (none is an Upwork API call, or the index is out of range).
    #[error("{0}")]
    NoEntry(String),
    /// Reading the input failed.
    #[error("read error: {0}")]
    Io(#[source] std::io::Error),
}

/// What went past which limit.
#[derive(Debug, thiserror::Error)]
#[error("{what} holds more than {}, the limit {for_what}", upwork_diag_core::limits::describe(*limit))]
pub struct TooLarge {
    /// What was read: `'body.json' (referred to by the input)`, `the entry`.
    pub what: String,
    pub limit: u64,
    /// `for a request body (all files together)`, `for one HAR entry`.
    pub for_what: &'static str,
}

/// An input that could not be imported: which input, where, and why.
#[derive(Debug)]
pub struct ImportError {
    /// The input's name as the developer gave it (a file name, or `-` for standard input).
    pub origin: String,
    pub location: Location,
    pub kind: ImportErrorKind,
}

impl ImportError {
    /// An error in `origin` with no particular place.
    pub fn new(origin: &str, kind: ImportErrorKind) -> Self {
        ImportError {
            origin: origin.to_string(),
            location: Location::default(),
            kind,
        }
    }

    /// An error in `origin` at `location`.
    pub fn at(origin: &str, location: Location, kind: ImportErrorKind) -> Self {
        ImportError {
            origin: origin.to_string(),
            location,
            kind,
        }
    }

    /// A malformed input at line and column.
    pub fn syntax(origin: &str, line: usize, column: usize, message: impl Into<String>) -> Self {
        Self::at(
            origin,
            Location::at(line, column),
            ImportErrorKind::Syntax(message.into()),
        )
    }

    /// The file or stream (`-` for standard input) that the input needs and that is not there,
    /// when that is the error.
    pub fn missing_input(&self) -> Option<String> {
        match &self.kind {
            ImportErrorKind::MissingFile { path, .. } => Some(path.display().to_string()),
            ImportErrorKind::NoStdin(_) => Some("-".to_string()),
            _ => None,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `file:line:column: message`, the form editors and terminals turn into links.
        f.write_str(&self.origin)?;
        if let Some((line, column)) = self.location.line_column {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(path) = &self.location.json_path {
            write!(f, ": at {path}")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for ImportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        std::error::Error::source(&self.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_input_and_place() {
        let e = ImportError::syntax("call.curl", 3, 14, "unterminated single quote");
        assert_eq!(e.to_string(), "call.curl:3:14: unterminated single quote");
        let e = ImportError::at(
            "x.har",
            Location::path("log.entries[3].request.headers"),
            ImportErrorKind::Json("expected an array, found a string".into()),
        );
        assert_eq!(
            e.to_string(),
            "x.har: at log.entries[3].request.headers: expected an array, found a string"
        );
        let e = ImportError::new(
            "x.curl",
            ImportErrorKind::UnknownOption("--frobnicate".into()),
        );
        assert_eq!(e.to_string(), "x.curl: unknown curl option '--frobnicate'");
    }

    /// A file or standard input that is not there is named, so the caller can ask for it; the
    /// system's own error stays reachable as the cause.
    #[test]
    fn a_missing_file_or_standard_input_is_named_with_its_cause() {
        let missing = ImportError::new(
            "x.curl",
            ImportErrorKind::MissingFile {
                path: "body.json".into(),
                source: std::io::Error::from(std::io::ErrorKind::NotFound),
            },
        );
        assert_eq!(missing.missing_input().as_deref(), Some("body.json"));
        let cause = std::error::Error::source(&missing).map(ToString::to_string);
        assert_eq!(cause.as_deref(), Some("entity not found"));
        let stdin = ImportError::new("x.curl", ImportErrorKind::NoStdin("@-".into()));
        assert_eq!(stdin.missing_input().as_deref(), Some("-"));
        assert_eq!(
            stdin.to_string(),
            "x.curl: the command reads standard input (@-) but no standard input was given"
        );
        let syntax = ImportError::syntax("x.curl", 1, 1, "unterminated single quote");
        assert_eq!(syntax.missing_input(), None);
        assert!(std::error::Error::source(&syntax).is_none());
    }
}
