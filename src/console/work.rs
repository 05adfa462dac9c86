//! What the console computes, in memory: a diagnosis from a pasted call or an uploaded HAR, the
//! two versions of a bundle as zips, an uploaded bundle read back, a key request from the form.
//! Nothing here touches the disk or sends anything unless the agent named an emulator.

use std::io::{Cursor, Read, Write};
use std::time::Duration;

use serde_json::Value;

use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::Outcome;
use upwork_diag_core::redact::{Redactor, boundary};
use upwork_diag_core::request::{CapturedRequest, RawUrl};
use upwork_diag_core::routing::{DeskRoute, Ticket};
use upwork_diag_diagnose::bundle::{self, Context};
use upwork_diag_diagnose::environment::{self, Declared};
use upwork_diag_diagnose::exchange::Settings;
use upwork_diag_diagnose::pipeline;
use upwork_diag_diagnose::replay::ReplayOptions;
use upwork_diag_keycheck::{Address, IntendedUse, KeyRequest};

use super::html::Downloads;

/// A call made ready to diagnose, and where it came from.
pub struct Call {
    pub request: CapturedRequest,
    pub notes: Vec<String>,
    /// What the page says of the input ("pasted curl command", "entry 3 of the HAR").
    pub source: String,
    /// The answer the capture recorded (a HAR entry's), read before any replay.
    pub recorded: Option<upwork_diag_core::request::CapturedResponse>,
}

/// A pasted curl command (it starts with `curl`) or raw HTTP request. Files named in a curl
/// command are not read.
pub fn pasted(text: &str) -> Result<Call, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("the call is empty: paste a curl command or a raw HTTP request".to_string());
    }
    if text.starts_with("curl") {
        let import = upwork_diag_import::curl::parse_curl_pasted(text, "the pasted curl command")
            .map_err(|e| e.to_string())?;
        return Ok(Call {
            request: import.request,
            notes: import.notes,
            source: "A pasted curl command.".to_string(),
            recorded: None,
        });
    }
    let request = upwork_diag_import::raw::parse_raw(
        text.as_bytes(),
        "the pasted request",
        Some("https://www.upwork.com"),
    )
    .map_err(|e| e.to_string())?;
    Ok(Call {
        request,
        notes: Vec::new(),
        source: "A pasted raw HTTP request.".to_string(),
        recorded: None,
    })
}

/// The first failing Upwork API call of an uploaded HAR (as `diagnose --har` picks it).
pub fn har(bytes: &[u8], name: &str) -> Result<Call, String> {
    let (index, request, response) =
        upwork_diag_import::har::read_har_entry(Cursor::new(bytes), name, None)
            .map_err(|e| e.to_string())?;
    let mut notes = vec![format!("entry {index} of {name}")];
    if let Some(response) = &response {
        notes.push(format!(
            "the capture's own answer was {} {}",
            response.status, response.status_text
        ));
    }
    Ok(Call {
        request,
        notes,
        source: format!(
            "Entry {index} of the uploaded HAR file (the first failing Upwork API call)."
        ),
        recorded: response.map(|r| r.into_response()),
    })
}

/// The emulator the agent named, when they asked to send: a URL on this machine, nothing else.
pub fn emulator(send: bool, url: &str) -> Result<Option<RawUrl>, String> {
    if !send {
        return Ok(None);
    }
    let url = url.trim();
    if url.is_empty() {
        return Err(
            "to send the call, name the emulator's base URL (http://127.0.0.1:PORT)".to_string(),
        );
    }
    let parsed = RawUrl::parse(url).map_err(|e| format!("the emulator URL: {e}"))?;
    let host = parsed.host().trim_start_matches('[').trim_end_matches(']');
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if !loopback {
        return Err(
            "the console sends a call only to an emulator on this machine (http://127.0.0.1:PORT)"
                .to_string(),
        );
    }
    Ok(Some(parsed))
}

/// A diagnosis shown on a page: the bundle as JSON, its route, the two zips.
pub struct Shown {
    pub bundle: Value,
    pub route: DeskRoute,
    pub downloads: Downloads,
    pub source: String,
    /// The redactor that built the bundle, to scrub the page with what it learned.
    pub redactor: Redactor,
}

/// Diagnoses a call with no secrets (the console is given none): offline unless `emulator`.
pub async fn diagnose(call: Call, emulator: Option<RawUrl>, username: Option<String>) -> Shown {
    let credentials = Credentials::default();
    let settings = Settings {
        offline: emulator.is_none(),
        base_url: emulator,
        replay: ReplayOptions {
            timeout: Duration::from_secs(10),
            ..ReplayOptions::default()
        },
        recorded: call.recorded,
        ..Settings::default()
    };
    let declared = Declared {
        library: None,
        language: None,
        platform: None,
        // The console's machine is not the developer's.
        os: Some("unknown (given to the support console)"),
    };
    let environment = environment::describe(&declared, call.request.header("user-agent"));
    let diagnosis = pipeline::diagnose(call.request, &credentials, &settings).await;
    let username_origin = if username.is_some() {
        "flag"
    } else {
        "unknown"
    };
    let context = Context {
        credentials: &credentials,
        settings: &settings,
        environment,
        username_origin,
        username,
        notes: call.notes,
    };
    let (support, mut redactor) = bundle::build(&diagnosis, &context);
    let support_files = bundle::render_support(&support, &mut redactor);
    let public_files = bundle::render_public(&support, &mut redactor);
    let json = support_files
        .iter()
        .find(|(name, _)| *name == "bundle.json")
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .unwrap_or(Value::Null);
    Shown {
        bundle: json,
        route: DeskRoute::of(Ticket::ApiIssue(diagnosis.verdict.outcome)),
        downloads: Downloads {
            support_zip: zip(&support_files),
            public_zip: zip(&public_files),
        },
        source: call.source,
        redactor,
    }
}

/// The three files in a zip, in memory.
pub fn zip(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        // Writing to memory cannot fail but for a bug: an empty archive then says so.
        if archive.start_file(*name, options).is_err() || archive.write_all(bytes).is_err() {
            break;
        }
    }
    archive.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// The largest file read out of an uploaded zip.
const ZIP_ENTRY_CAP: u64 = 8 * 1024 * 1024;

/// An uploaded bundle zip read back: its bundle.json must be one of ours.
pub fn uploaded_bundle(bytes: &[u8]) -> Result<Shown, String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "the upload is not a zip archive".to_string())?;
    let mut files: Vec<(&'static str, Vec<u8>)> = Vec::new();
    for name in ["bundle.json", "report.md", "exchange.har"] {
        let Ok(file) = archive.by_name(name) else {
            continue;
        };
        let mut content = Vec::new();
        file.take(ZIP_ENTRY_CAP + 1)
            .read_to_end(&mut content)
            .map_err(|_| format!("{name} in the zip cannot be read"))?;
        if content.len() as u64 > ZIP_ENTRY_CAP {
            return Err(format!("{name} in the zip is larger than 8 MiB"));
        }
        files.push((name, boundary::scrub_bytes(&content)));
    }
    let json: Value = files
        .iter()
        .find(|(name, _)| *name == "bundle.json")
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .filter(|v: &Value| v["schema"] == bundle::schema::SCHEMA)
        .ok_or_else(|| {
            format!(
                "the zip holds no bundle.json of schema {}: upload a bundle written by \
                 upwork-diag diagnose --zip",
                bundle::schema::SCHEMA
            )
        })?;
    let outcome = match json["verdict"]["outcome"].as_str() {
        Some("ok") => Outcome::Ok,
        Some("explained") => Outcome::Explained,
        Some("no-response") => Outcome::NoResponse,
        Some("inconclusive") => Outcome::Inconclusive,
        _ => Outcome::Unexplained,
    };
    let public_files = bundle::public::public_files(&json, &files);
    Ok(Shown {
        route: DeskRoute::of(Ticket::ApiIssue(outcome)),
        downloads: Downloads {
            support_zip: zip(&files),
            public_zip: zip(&public_files),
        },
        bundle: json,
        source: "An uploaded support bundle.".to_string(),
        redactor: Redactor::default(),
    })
}

/// The key request the form describes; a bad amount of earnings is named, not guessed.
pub fn key_request(form: &std::collections::HashMap<String, String>) -> Result<KeyRequest, String> {
    let text = |name: &str| {
        form.get(name)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let address = |prefix: &str| {
        let field = |name: &str| text(&format!("{prefix}_{name}"));
        let address = Address {
            street: field("street"),
            unit: field("unit"),
            building_type: field("building_type"),
            city: field("city"),
            region: field("region"),
            postal_code: field("postal_code"),
            country: field("country"),
        };
        (address != Address::default()).then_some(address)
    };
    let intended_use = match text("intended_use").as_deref() {
        None => None,
        Some("internal") => Some(IntendedUse::Internal),
        Some("public") => Some(IntendedUse::Public),
        Some(_) => return Err("Intended use: choose internal, public or not said".to_string()),
    };
    let earnings = text("earnings")
        .ok_or("Total earnings: give the account's total earnings in US dollars")?
        .replace(',', "")
        .parse::<f64>()
        .map_err(|_| "Total earnings: not a number".to_string())?;
    if !earnings.is_finite() || earnings < 0.0 {
        return Err("Total earnings: give a finite amount of US dollars, 0 or more".to_string());
    }
    Ok(KeyRequest {
        app_title: text("app_title"),
        description: text("description"),
        intended_use,
        username: text("username"),
        profile_address: address("profile"),
        company_address: address("company"),
        portrait: form.contains_key("portrait"),
        suspended: form.contains_key("suspended"),
        earnings,
    })
}
