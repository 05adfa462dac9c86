//! `upwork-diag diagnose`: capture the call, run the pipeline, print the summary, write the bundle.

use std::path::Path;

use super::UsageError;
use super::terminal::{Look, Waiting};
use crate::bundle::{self, Context};
use crate::cli::{DiagnoseArgs, Format, RequestInput};
use crate::credentials::Credentials;
use crate::environment::{self, Declared};
use crate::limits;
use crate::pipeline::{self, Settings};
use crate::replay::ReplayOptions;
use crate::request::{self, CapturedRequest, RawUrl};
use crate::username;

pub fn run(args: DiagnoseArgs, look: Look) -> Result<u8, UsageError> {
    let Captured {
        request: mut captured,
        insecure,
        mut notes,
        recorded,
    } = capture(&args.input)?;
    notes.extend(request::chunked::note(&captured));
    if let Some(text) = &args.sent_at {
        let at =
            request::parse_sent_at(text).map_err(|e| UsageError::new(format!("--sent-at {e}")))?;
        captured.time = Some(request::SentAt {
            at,
            from: request::TimeEvidence::Flag,
        });
    }
    let credentials = Credentials::load(args.secrets_file.as_deref())
        .map_err(|e| UsageError::new(e.to_string()))?;
    crate::redact::boundary::register(&credentials);
    let mut settings = settings(&args, &captured)?;
    settings.replay.insecure |= insecure;
    settings.recorded = recorded;
    let declared = Declared {
        library: args.library.as_deref(),
        language: args.language.as_deref(),
        platform: args.platform.map(|p| p.as_str()),
        os: args.os.as_deref(),
    };
    let environment = environment::describe(&declared, captured.header("user-agent"));

    let runtime = super::runtime()?;
    // Only a person watching gets the spinner; JSON and -q are for scripts.
    let waiting = (!args.offline && args.format == Format::Text && !args.quiet).then(|| {
        let to = settings
            .base_url
            .as_ref()
            .map(|b| format!(" (to {})", b.as_str()));
        Waiting::start(&format!(
            "{} {}{}",
            captured.method,
            captured.url.as_str(),
            to.unwrap_or_default()
        ))
    });
    let diagnosis = runtime.block_on(pipeline::diagnose(captured, &credentials, &settings));
    drop(waiting);

    let (username, username_origin) = match &args.username {
        Some(name) => (Some(name.clone()), "flag"),
        None => match username::from_diagnosis(&diagnosis) {
            Some(name) => (Some(name), "api"),
            None if args.ask_username => {
                match runtime.block_on(username::ask(&diagnosis.captured, &credentials, &settings))
                {
                    Ok(name) => (Some(name), "api"),
                    Err(why) => {
                        notes.push(format!("--ask-username: no username from Upwork: {why}"));
                        (None, "unknown")
                    }
                }
            }
            None => (None, "unknown"),
        },
    };
    let context = Context {
        credentials: &credentials,
        settings: &settings,
        environment,
        username_origin,
        username,
        notes,
    };
    let (bundle, mut redactor) = bundle::build(&diagnosis, &context);
    // What the call taught (a bearer token, a token the server issued) is hidden from every
    // later output too, a bundle write error included.
    crate::redact::boundary::adopt(&redactor);
    let written = if args.no_bundle {
        None
    } else {
        let destination = match &args.out {
            Some(out) if args.zip => bundle::Destination::Exact(with_zip_extension(out)),
            Some(out) => bundle::Destination::Exact(out.clone()),
            None => bundle::Destination::Default(chrono::Utc::now()),
        };
        let written = if args.public {
            bundle::write_public_bundle(&bundle, &mut redactor, &destination, args.zip)
        } else {
            bundle::write_bundle(&bundle, &mut redactor, &destination, args.zip)
        };
        Some(written.map_err(|e| UsageError::new(e.to_string()))?)
    };
    let shown = if args.public {
        bundle.public()
    } else {
        bundle.clone()
    };
    if args.verbose {
        let mut trace = redactor.text("stderr", &super::wire_view::verbose(&shown));
        if args.public {
            let mut public = bundle::public::redactor(&bundle, &[trace.as_bytes()]);
            trace = public.text("stderr", &trace);
        }
        crate::redact::boundary::print_stderr(trace.trim_end_matches('\n'));
    }
    let mut printed = match args.format {
        Format::Text if args.quiet => super::summary::verdict_line(&shown, look),
        Format::Text => {
            let head = if args.include {
                super::wire_view::include(&shown)
            } else {
                String::new()
            };
            head + &super::summary::render(&shown, written.as_ref(), look)
        }
        Format::Json => json_output(&shown, written.as_ref()),
    };
    if args.public {
        let mut public = bundle::public::redactor(&bundle, &[printed.as_bytes()]);
        printed = public.text("stdout", &printed);
        if args.format == Format::Text {
            printed = format!("{}\n\n{printed}", bundle::public::BANNER);
        }
    }
    super::print_stdout(&redactor.text("stdout", &printed));
    Ok(diagnosis.verdict.outcome.exit_code())
}

/// `--out` of a `--zip` bundle, ending in `.zip`: an archive named `z1` would open in nothing.
fn with_zip_extension(out: &Path) -> std::path::PathBuf {
    let is_zip = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    if is_zip {
        out.to_path_buf()
    } else {
        let mut name = out.as_os_str().to_os_string();
        name.push(".zip");
        name.into()
    }
}

/// `--format json`: the bundle's JSON, and where the bundle was written (`written_to`: its path
/// and files, or null with `--no-bundle`), which the bundle itself cannot say.
fn json_output(bundle: &bundle::Bundle, written: Option<&bundle::BundleFiles>) -> String {
    let mut value = serde_json::to_value(bundle).expect("the bundle always serializes");
    let written_to = written.map(|files| {
        serde_json::json!({
            "path": files.path.display().to_string(),
            "files": files.files,
        })
    });
    if let serde_json::Value::Object(fields) = &mut value {
        fields.insert("written_to".into(), serde_json::json!(written_to));
    }
    serde_json::to_string_pretty(&value).expect("JSON values always serialize") + "\n"
}

/// The captured request and what its importer noted.
struct Captured {
    request: CapturedRequest,
    /// The developer's call skipped certificate checks (curl's `-k`).
    insecure: bool,
    notes: Vec<String>,
    /// The answer the capture recorded (a HAR entry's response).
    recorded: Option<crate::replay::CapturedResponse>,
}

/// The captured request, from exactly one input.
fn capture(input: &RequestInput) -> Result<Captured, UsageError> {
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
        let import = request::curl::parse_curl(&text, &shown, base_dir).map_err(|e| bad(&e))?;
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
        let (index, request, response) =
            request::har::read_har_entry_within(reader, &shown(path), input.entry, limit)
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
        let request = request::raw::parse_raw(&bytes, &shown(path), Some("https://www.upwork.com"))
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
pub(crate) fn read_input(path: &Path, what: &str) -> Result<Vec<u8>, UsageError> {
    let limit = limits::INPUT_FILE_LIMIT;
    if path == Path::new("-") {
        use std::io::IsTerminal;
        if std::io::stdin().is_terminal() {
            let end = if cfg!(windows) {
                "Ctrl-Z, Enter"
            } else {
                "Ctrl-D"
            };
            crate::redact::boundary::print_stderr(&format!("paste {what}, then {end}"));
        }
        return limits::read_capped(std::io::stdin().lock(), limit)
            .map_err(|e| UsageError::new(format!("standard input: {}", e.for_what("an input"))));
    }
    limits::read_file_capped(path, limit)
        .map_err(|e| UsageError::new(format!("{}: {}", path.display(), e.for_what("an input"))))
}

fn settings(args: &DiagnoseArgs, captured: &CapturedRequest) -> Result<Settings, UsageError> {
    let timeout = limits::timeout(args.timeout).map_err(UsageError::new)?;
    let base_url = args
        .base_url
        .as_deref()
        .map(|b| RawUrl::parse(b).map_err(|e| UsageError::new(format!("--base-url: {e}"))))
        .transpose()?;
    let target = base_url.as_ref().map_or(&captured.url, |b| b);
    Ok(Settings {
        replay: ReplayOptions {
            timeout,
            insecure: args.insecure,
            proxy: proxy_from_env(target, |name| std::env::var(name).ok()),
            ..ReplayOptions::default()
        },
        base_url,
        offline: args.offline,
        recorded: None,
        follow: args.follow,
    })
}

/// The proxy the environment sets for this URL, as curl reads it: `https_proxy`/`HTTPS_PROXY` for
/// https, `http_proxy` for http (the upper-case form is ignored for http, as curl does, because CGI
/// sets it from a request header), then `ALL_PROXY`; `NO_PROXY` and loopback hosts bypass it.
pub fn proxy_from_env(url: &RawUrl, var: impl Fn(&str) -> Option<String>) -> Option<RawUrl> {
    let host = url.host().trim_matches(['[', ']']).to_ascii_lowercase();
    if host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
    {
        return None;
    }
    let no_proxy = var("no_proxy")
        .or_else(|| var("NO_PROXY"))
        .unwrap_or_default();
    let bypass = no_proxy
        .split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            entry == "*" || {
                let entry = entry.trim_start_matches('.').to_ascii_lowercase();
                host == entry || host.ends_with(&format!(".{entry}"))
            }
        });
    if bypass {
        return None;
    }
    let names: &[&str] = if url.is_https() {
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
    } else {
        &["http_proxy", "all_proxy", "ALL_PROXY"]
    };
    let value = names
        .iter()
        .find_map(|n| var(n).filter(|v| !v.is_empty()))?;
    let value = if value.contains("://") {
        value
    } else {
        format!("http://{value}")
    };
    RawUrl::parse(&value).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxies_as_curl_reads_them() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let upwork = RawUrl::parse("https://www.upwork.com/api/x").unwrap();
        let proxy = proxy_from_env(&upwork, env(&[("HTTPS_PROXY", "proxy.corp:3128")])).unwrap();
        assert_eq!(proxy.as_str(), "http://proxy.corp:3128");
        assert!(
            proxy_from_env(
                &upwork,
                env(&[("HTTPS_PROXY", "p:1"), ("NO_PROXY", ".upwork.com")])
            )
            .is_none()
        );
        let local = RawUrl::parse("http://127.0.0.1:8080/x").unwrap();
        assert!(proxy_from_env(&local, env(&[("http_proxy", "p:1")])).is_none());
        let plain = RawUrl::parse("http://example.com/").unwrap();
        assert!(
            proxy_from_env(&plain, env(&[("HTTP_PROXY", "p:1")])).is_none(),
            "upper-case HTTP_PROXY is ignored"
        );
    }
}
