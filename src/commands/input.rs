//! The call to diagnose, read from exactly one input (flags, a curl command, a HAR entry, a raw
//! request), and the reading of a file or standard input that `diagnose` and `sign` share.

use std::path::Path;

use super::UsageError;
use crate::cli::RequestInput;
use upwork_diag_core::limits;
use upwork_diag_core::request::{self, CapturedRequest};

/// The captured request and what its importer noted.
pub struct Captured {
    pub request: CapturedRequest,
    /// The developer's call skipped certificate checks (curl's `-k`).
    pub insecure: bool,
    pub notes: Vec<String>,
    /// The answer the capture recorded (a HAR entry's response).
    pub recorded: Option<upwork_diag_core::request::CapturedResponse>,
}

/// The captured request, from exactly one input.
pub fn capture(input: &RequestInput) -> Result<Captured, UsageError> {
    let bad = |e: &dyn std::fmt::Display| UsageError::new(e.to_string());
    let shown = |path: &Path| {
        if path == Path::new("-") {
            "standard input".to_string()
        } else {
            path.display().to_string()
        }
    };
    if let Some(url) = &input.url {
        let body = match (&input.data, &input.data_file) {
            (Some(text), _) => Some(text.clone().into_bytes()),
            (None, Some(path)) => Some(
                limits::read_file_capped(path, limits::REQUEST_BODY_LIMIT).map_err(|e| {
                    UsageError::new(format!(
                        "--data-file {}: {}",
                        path.display(),
                        e.for_what("a request body")
                    ))
                })?,
            ),
            (None, None) => None,
        };
        let mut notes = Vec::new();
        let with_scheme = request::flags::with_default_scheme(url);
        if with_scheme.is_some() {
            notes.push(
                "the URL has no scheme: read as https://, as Upwork serves only https".into(),
            );
        }
        let url = with_scheme.as_deref().unwrap_or(url);
        let request =
            request::flags::from_flags(input.method.as_deref(), url, &input.headers, body)
                .map_err(|e| bad(&e))?;
        return Ok(Captured {
            request,
            insecure: false,
            notes,
            recorded: None,
        });
    }
    if let Some(arg) = &input.curl {
        // The command itself (`--curl "curl -X POST ..."`), or a file holding it, or `-`.
        let (text, shown, base_dir) = if is_curl_command(arg) {
            (
                arg.clone(),
                "the --curl argument".to_string(),
                Path::new("."),
            )
        } else {
            let path = Path::new(arg);
            let bytes = read_input(path, "the curl command")?;
            let text = String::from_utf8(bytes).map_err(|_| {
                UsageError::new(format!(
                    "{}: a curl command must be UTF-8 text",
                    shown(path)
                ))
            })?;
            let base_dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            (text, shown(path), base_dir)
        };
        let import =
            upwork_diag_import::curl::parse_curl(&text, &shown, base_dir).map_err(|e| bad(&e))?;
        return Ok(Captured {
            request: import.request,
            insecure: import.insecure,
            notes: import.notes,
            recorded: None,
        });
    }
    if let Some(path) = &input.har {
        let file = std::fs::File::open(path)
            .map_err(|e| UsageError::new(format!("{}: {e}", path.display())))?;
        let reader = std::io::BufReader::with_capacity(256 * 1024, file);
        let limit = limits::har_entry_limit().map_err(UsageError::new)?;
        let (index, request, response) = upwork_diag_import::har::read_har_entry_within(
            reader,
            &shown(path),
            input.entry,
            limit,
        )
        .map_err(|e| bad(&e))?;
        let mut notes = vec![format!("entry {index} of {}", shown(path))];
        if let Some(response) = &response {
            notes.push(format!(
                "the capture's own answer was {} {}",
                response.status, response.status_text
            ));
        }
        return Ok(Captured {
            request,
            insecure: false,
            notes,
            recorded: response.map(|r| r.into_response()),
        });
    }
    if let Some(path) = &input.raw {
        let bytes = read_input(path, "the raw request")?;
        let request = upwork_diag_import::raw::parse_raw(
            &bytes,
            &shown(path),
            Some("https://www.upwork.com"),
        )
        .map_err(|e| bad(&e))?;
        return Ok(Captured {
            request,
            insecure: false,
            notes: Vec::new(),
            recorded: None,
        });
    }
    Err(UsageError::new(
        "give the call to diagnose: a URL (with -X, -H, -d), --curl, --har or --raw",
    ))
}

/// True when a `--curl` value is the command itself rather than the name of a file holding it.
fn is_curl_command(arg: &str) -> bool {
    let arg = arg.trim_start();
    arg.strip_prefix("curl")
        .is_some_and(|rest| rest.starts_with(char::is_whitespace))
}

/// Reads a file, or standard input for `-`, up to [`limits::INPUT_FILE_LIMIT`]. When standard
/// input is a terminal, a person is about to paste `what`: say how to end it, or the tool seems
/// to hang.
pub fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, UsageError> {
    let limit = limits::INPUT_FILE_LIMIT;
    if path == Path::new("-") {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            let end = if cfg!(windows) {
                "Ctrl-Z, Enter"
            } else {
                "Ctrl-D"
            };
            upwork_diag_core::redact::boundary::print_stderr(&format!("paste {what}, then {end}"));
        }
        return limits::read_capped(std::io::stdin().lock(), limit)
            .map_err(|e| UsageError::new(format!("standard input: {}", e.for_what("an input"))));
    }
    limits::read_file_capped(path, limit)
        .map_err(|e| UsageError::new(format!("{}: {}", path.display(), e.for_what("an input"))))
}
