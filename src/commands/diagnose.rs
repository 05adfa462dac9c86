//! `upwork-diag diagnose`: capture the call, run the pipeline, print the summary, write the bundle.

use std::path::Path;

use super::UsageError;
use super::terminal::{Look, Waiting};
use crate::cli::{DiagnoseArgs, Format};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::limits;
use upwork_diag_core::request::{self, CapturedRequest, RawUrl};
use upwork_diag_diagnose::bundle::{self, Context};
use upwork_diag_diagnose::environment::{self, Declared};
use upwork_diag_diagnose::exchange::Settings;
use upwork_diag_diagnose::pipeline;
use upwork_diag_diagnose::replay::{self, ReplayOptions};
use upwork_diag_diagnose::username;

use super::input::{Captured, capture};

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
    upwork_diag_core::redact::boundary::register(&credentials);
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
    upwork_diag_core::redact::boundary::adopt(&redactor);
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
        upwork_diag_core::redact::boundary::print_stderr(trace.trim_end_matches('\n'));
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
            proxy: replay::proxy_env::from_env(target, |name| std::env::var(name).ok()),
            ..ReplayOptions::default()
        },
        base_url,
        offline: args.offline,
        recorded: None,
        follow: args.follow,
    })
}
