//! `upwork-diag serve`: the web console for support agents. Paste a curl command or a raw
//! request, upload a HAR or a bundle zip, see the findings, the verdict and the route with its
//! touch response and macro, download the support bundle or its public version; run a key request
//! through the checkpoints.
//!
//! Offline by default: a call is sent only when the agent asks and names an emulator on this
//! machine. Nothing is stored: uploads are read in memory, capped at [`BODY_CAP`], and nothing is
//! logged. Every page passes the redaction boundary. Bound to an address other than loopback, the
//! console answers only requests that carry the bearer token read from a file.

pub mod html;
pub mod work;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Form, Multipart, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use upwork_diag_core::redact::{Redactor, boundary};

/// The largest request the console reads: a HAR file of a few calls fits many times over.
pub const BODY_CAP: usize = 10 * 1024 * 1024;

/// How the console answers.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// When set, every request must carry `Authorization: Bearer <token>`.
    pub token: Option<String>,
}

/// The console's routes, for a listener or for `oneshot` tests.
pub fn app(config: Config) -> Router {
    let config = Arc::new(config);
    Router::new()
        .route("/", get(home))
        .route("/diagnose", axum::routing::post(diagnose))
        .route("/upload", axum::routing::post(upload))
        .route("/keycheck", get(keycheck_form).post(keycheck))
        .layer(DefaultBodyLimit::max(BODY_CAP))
        .layer(middleware::from_fn_with_state(Arc::clone(&config), bearer))
        .with_state(config)
}

/// Serves the console on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app(config))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Refuses a request without the bearer token, when one is set.
async fn bearer(State(config): State<Arc<Config>>, request: Request, next: Next) -> Response {
    if let Some(token) = &config.token {
        let given = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        if !given.is_some_and(|g| same(g.as_bytes(), token.as_bytes())) {
            let mut response = page(
                StatusCode::UNAUTHORIZED,
                html::problem(
                    "This console needs the bearer token it was started with (Authorization: Bearer ...).",
                ),
                None,
            );
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            return response;
        }
    }
    next.run(request).await
}

/// Compares without stopping at the first difference.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A page, through the redaction boundary (and the redactor of the bundle it shows, which knows
/// the tokens the call carried); never cached.
fn page(status: StatusCode, html: String, redactor: Option<&mut Redactor>) -> Response {
    let html = match redactor {
        Some(redactor) => redactor.text("console page", &html),
        None => html,
    };
    let mut response = (status, boundary::scrub(&html)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn bad_input(message: &str) -> Response {
    page(StatusCode::BAD_REQUEST, html::problem(message), None)
}

async fn home() -> Response {
    page(StatusCode::OK, html::home(), None)
}

async fn keycheck_form() -> Response {
    page(StatusCode::OK, html::keycheck_form(), None)
}

async fn diagnose(Form(form): Form<HashMap<String, String>>) -> Response {
    let call = match work::pasted(form.get("call").map_or("", String::as_str)) {
        Ok(call) => call,
        Err(message) => return bad_input(&message),
    };
    let emulator = match work::emulator(
        form.contains_key("send"),
        form.get("emulator").map_or("", String::as_str),
    ) {
        Ok(emulator) => emulator,
        Err(message) => return bad_input(&message),
    };
    let username = form
        .get("username")
        .map(|u| u.trim().to_string())
        .filter(|u| !u.is_empty());
    show(work::diagnose(call, emulator, username).await)
}

fn show(mut shown: work::Shown) -> Response {
    let html = html::diagnosis(&shown.bundle, &shown.route, &shown.downloads, &shown.source);
    page(StatusCode::OK, html, Some(&mut shown.redactor))
}

async fn upload(mut multipart: Multipart) -> Response {
    let mut upload = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("upload").to_string();
                match field.bytes().await {
                    Ok(bytes) => upload = Some((name, bytes)),
                    Err(e) => return unreadable(e.status()),
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(e) => return unreadable(e.status()),
        }
    }
    let Some((name, bytes)) = upload else {
        return bad_input("choose a HAR file or a bundle zip to upload");
    };
    if bytes.starts_with(b"PK") {
        return match work::uploaded_bundle(&bytes) {
            Ok(shown) => show(shown),
            Err(message) => bad_input(&message),
        };
    }
    // The name is the agent's file's, shown in messages; only its last part, escaped on the page.
    let name = name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("upload")
        .to_string();
    match work::har(&bytes, &name) {
        Ok(call) => show(work::diagnose(call, None, None).await),
        Err(message) => bad_input(&message),
    }
}

/// An upload that could not be read: too large (413) or not a form.
fn unreadable(status: StatusCode) -> Response {
    page(
        status,
        html::problem(&format!(
            "the upload could not be read: a HAR file or a bundle zip of at most {} MiB",
            BODY_CAP / 1024 / 1024
        )),
        None,
    )
}

async fn keycheck(Form(form): Form<HashMap<String, String>>) -> Response {
    let request = match work::key_request(&form) {
        Ok(request) => request,
        Err(message) => return bad_input(&message),
    };
    let results = upwork_diag_keycheck::check(&request);
    let report = upwork_diag_keycheck::Report::new(
        "the form",
        &results,
        &upwork_diag_keycheck::Macros::default(),
    );
    page(StatusCode::OK, html::keycheck_result(&report), None)
}
