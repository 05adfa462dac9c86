//! `upwork-diag flow oauth1|oauth2`: gets tokens step by step, against the emulator or Upwork.
//! Each step is sent through the diagnosis pipeline and printed as `diagnose` prints a call; the
//! walk stops at the first step that fails, with that step's diagnosis and exit code. The tokens
//! got go to the `--save` file only (the one file this tool writes secrets to, because it was
//! asked to: mode 0600, never over an existing file); every printed byte passes the redacting
//! boundary, which learns each secret as it comes.

use std::io::{BufRead, Write as _};
use std::path::Path;

use super::{UsageError, print_stdout, summary};
use crate::cli::{FlowArgs, FlowGeneration};
use upwork_diag_core::credentials::{Credentials, Secret};
use upwork_diag_core::diagnosis::Outcome;
use upwork_diag_core::limits;
use upwork_diag_core::oauth::{self, SignOptions};
use upwork_diag_core::request::CapturedResponse;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};
use upwork_diag_diagnose::bundle::{self, Context};
use upwork_diag_diagnose::environment::{self, Declared};
use upwork_diag_diagnose::exchange::{Diagnosis, Settings};
use upwork_diag_diagnose::pipeline;
use upwork_diag_diagnose::replay::ReplayOptions;

use upwork_diag_core::upwork::urls::{
    GRAPHQL, INFO, OAUTH1_ACCESS_TOKEN, OAUTH1_AUTHORIZE, OAUTH1_REQUEST_TOKEN, OAUTH2_AUTHORIZE,
    OAUTH2_TOKEN,
};

pub fn run(args: FlowArgs) -> Result<u8, UsageError> {
    let timeout = limits::timeout(args.timeout).map_err(UsageError::new)?;
    // Refused before anything is sent: the tokens would have nowhere to go.
    if std::fs::symlink_metadata(&args.save).is_ok() {
        return Err(UsageError::new(format!(
            "--save {}: the file exists; the tokens are never written over a file",
            args.save.display()
        )));
    }
    let credentials = Credentials::load(args.secrets_file.as_deref())
        .map_err(|e| UsageError::new(e.to_string()))?;
    upwork_diag_core::redact::boundary::register(&credentials);
    let (Some(key), Some(secret)) = (
        credentials.consumer_key.clone(),
        credentials.consumer_secret.clone(),
    ) else {
        return Err(UsageError::new(
            "flow needs the key: UPWORK_CONSUMER_KEY and UPWORK_CONSUMER_SECRET (the OAuth 2 client id and secret), in the environment or --secrets-file",
        ));
    };
    let base_url = args
        .base_url
        .as_deref()
        .map(|b| RawUrl::parse(b).map_err(|e| UsageError::new(format!("--base-url: {e}"))))
        .transpose()?;
    let settings = Settings {
        base_url,
        replay: ReplayOptions {
            timeout,
            ..ReplayOptions::default()
        },
        ..Settings::default()
    };
    let walk = Walk {
        args: &args,
        settings,
        key,
        secret,
        runtime: super::runtime()?,
        step: 0,
    };
    match args.generation {
        FlowGeneration::Oauth1 => walk.oauth1(),
        FlowGeneration::Oauth2 => walk.oauth2(),
    }
}

/// What a step ended with: its answer, or the exit code to stop with.
type Step = Result<CapturedResponse, u8>;

struct Walk<'a> {
    args: &'a FlowArgs,
    settings: Settings,
    key: String,
    secret: Secret,
    runtime: tokio::runtime::Runtime,
    step: usize,
}

impl Walk<'_> {
    fn consumer(&self) -> Credentials {
        Credentials {
            consumer_key: Some(self.key.clone()),
            consumer_secret: Some(self.secret.clone()),
            ..Credentials::default()
        }
    }

    fn oauth1(mut self) -> Result<u8, UsageError> {
        let callback = self
            .args
            .callback
            .clone()
            .unwrap_or_else(|| "oob".to_string());
        // Step 1: the request token, signed with the consumer key and secret alone.
        let call = post(OAUTH1_REQUEST_TOKEN, &[], Vec::new());
        let consumer = self.consumer();
        let keys = oauth::Keys::from_credentials(&consumer).map_err(|e| UsageError::new(e.0))?;
        let options = SignOptions {
            callback: Some(callback),
            ..SignOptions::from_request(&call)
        };
        let call = oauth::sign_request_with(&call, &keys, &options).request;
        let answer = match self.send("request token", call, &consumer) {
            Ok(answer) => answer,
            Err(code) => return Ok(code),
        };
        let pairs = form_pairs(&answer.body);
        let (Some(request_token), Some(request_secret)) = (
            value(&pairs, "oauth_token"),
            value(&pairs, "oauth_token_secret"),
        ) else {
            return Ok(self.unreadable("request token", "oauth_token and oauth_token_secret"));
        };
        let with_request_token = Credentials {
            token: Some(request_token.clone()),
            token_secret: Some(Secret::new(request_secret)),
            ..consumer.clone()
        };
        upwork_diag_core::redact::boundary::register(&with_request_token);

        // Step 2: the authorization, where the user gets the verifier.
        let authorize = format!(
            "{OAUTH1_AUTHORIZE}?oauth_token={}",
            oauth::encode(&request_token)
        );
        let verifier = match self.authorization(&authorize, "oauth_verifier", &consumer)? {
            Ok(verifier) => verifier,
            Err(code) => return Ok(code),
        };

        // Step 3: the access token, signed with the request token and its secret.
        let call = post(OAUTH1_ACCESS_TOKEN, &[], Vec::new());
        let keys =
            oauth::Keys::from_credentials(&with_request_token).map_err(|e| UsageError::new(e.0))?;
        let options = SignOptions {
            verifier: Some(verifier),
            ..SignOptions::from_request(&call)
        };
        let call = oauth::sign_request_with(&call, &keys, &options).request;
        let answer = match self.send("access token", call, &with_request_token) {
            Ok(answer) => answer,
            Err(code) => return Ok(code),
        };
        let pairs = form_pairs(&answer.body);
        let (Some(token), Some(token_secret)) = (
            value(&pairs, "oauth_token"),
            value(&pairs, "oauth_token_secret"),
        ) else {
            return Ok(self.unreadable("access token", "oauth_token and oauth_token_secret"));
        };
        let with_access_token = Credentials {
            token: Some(token),
            token_secret: Some(Secret::new(token_secret)),
            ..consumer
        };
        upwork_diag_core::redact::boundary::register(&with_access_token);

        // Step 4: a call with the access token, to show it works.
        let call = CapturedRequest {
            method: "GET".to_string(),
            url: RawUrl::parse(INFO).expect("a fixed URL"),
            headers: Vec::new(),
            body: Vec::new(),
            time: None,
            source: Source::Flags,
        };
        let keys =
            oauth::Keys::from_credentials(&with_access_token).map_err(|e| UsageError::new(e.0))?;
        let call = oauth::sign_request(&call, &keys);
        if let Err(code) = self.send("a call with the access token", call, &with_access_token) {
            return Ok(code);
        }
        self.save(&with_access_token)
    }

    fn oauth2(mut self) -> Result<u8, UsageError> {
        let consumer = self.consumer();
        // Step 1: the authorization, where the user gets the code.
        let mut authorize = format!(
            "{OAUTH2_AUTHORIZE}?client_id={}&response_type=code",
            oauth::encode(&self.key)
        );
        if let Some(redirect) = &self.args.callback {
            authorize.push_str(&format!("&redirect_uri={}", oauth::encode(redirect)));
        }
        let code = match self.authorization(&authorize, "code", &consumer)? {
            Ok(code) => code,
            Err(exit) => return Ok(exit),
        };

        // Step 2: the code exchanged, the client credentials in the form body.
        let mut form = format!(
            "grant_type=authorization_code&code={}&client_id={}&client_secret={}",
            oauth::encode(&code),
            oauth::encode(&self.key),
            oauth::encode(self.secret.expose())
        );
        if let Some(redirect) = &self.args.callback {
            form.push_str(&format!("&redirect_uri={}", oauth::encode(redirect)));
        }
        let call = post(
            OAUTH2_TOKEN,
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form.into_bytes(),
        );
        let answer = match self.send("token", call, &consumer) {
            Ok(answer) => answer,
            Err(exit) => return Ok(exit),
        };
        let json: serde_json::Value =
            serde_json::from_slice(&answer.body).unwrap_or(serde_json::Value::Null);
        let text = |name: &str| json.get(name).and_then(|v| v.as_str()).map(str::to_string);
        let Some(access) = text("access_token") else {
            return Ok(self.unreadable("token", "access_token"));
        };
        let with_tokens = Credentials {
            access_token: Some(Secret::new(access.clone())),
            refresh_token: text("refresh_token").map(Secret::new),
            ..consumer
        };
        upwork_diag_core::redact::boundary::register(&with_tokens);

        // Step 3: a GraphQL call with the access token, to show it works.
        let body = br#"{"query":"{ user { id nid } }"}"#.to_vec();
        let call = post(
            GRAPHQL,
            &[
                ("Authorization", &format!("Bearer {access}")),
                ("Content-Type", "application/json"),
            ],
            body,
        );
        if let Err(exit) = self.send("a call with the access token", call, &with_tokens) {
            return Ok(exit);
        }
        self.save(&with_tokens)
    }

    /// The authorization step: against the emulator (or with `--verifier`) the value comes by
    /// itself; against Upwork the user opens the URL and pastes it.
    fn authorization(
        &mut self,
        url: &str,
        name: &str,
        credentials: &Credentials,
    ) -> Result<Result<String, u8>, UsageError> {
        if let Some(given) = &self.args.verifier {
            self.heading("authorization");
            print_stdout(&format!("  {url}\n  {name} given with --verifier\n"));
            return Ok(Ok(given.clone()));
        }
        if self.settings.base_url.is_none() {
            self.heading("authorization");
            print_stdout(&format!(
                "  Open this URL in a browser, sign in and authorize the app:\n  {url}\n  Then paste the {name} it gives (the callback's query, or the page): "
            ));
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| UsageError::new(format!("standard input: {e}")))?;
            let line = line.trim().to_string();
            if line.is_empty() {
                return Err(UsageError::new(format!(
                    "standard input: no {name} given (or pass --verifier)"
                )));
            }
            return Ok(Ok(line));
        }
        let call = CapturedRequest {
            method: "GET".to_string(),
            url: RawUrl::parse(url).map_err(|e| UsageError::new(format!("{url}: {e}")))?,
            headers: Vec::new(),
            body: Vec::new(),
            time: None,
            source: Source::Flags,
        };
        let answer = match self.send("authorization", call, credentials) {
            Ok(answer) => answer,
            Err(code) => return Ok(Err(code)),
        };
        match given_value(&answer, name) {
            Some(value) => Ok(Ok(value)),
            None => Ok(Err(self.unreadable("authorization", name))),
        }
    }

    fn heading(&mut self, what: &str) {
        self.step += 1;
        print_stdout(&format!("step {}: {what}\n", self.step));
    }

    /// Sends one step through the pipeline and prints it; its answer when it succeeded, else the
    /// exit code of its diagnosis.
    fn send(&mut self, what: &str, call: CapturedRequest, credentials: &Credentials) -> Step {
        self.heading(what);
        let diagnosis =
            self.runtime
                .block_on(pipeline::diagnose(call, credentials, &self.settings));
        print_stdout(&self.render(&diagnosis, credentials));
        let answer = diagnosis
            .exchange
            .as_ref()
            .and_then(|e| e.response())
            .cloned();
        match (diagnosis.verdict.outcome, answer) {
            (Outcome::Ok, Some(answer)) => Ok(answer),
            (outcome, _) => {
                print_stdout(&format!(
                    "\nThe flow stopped at step {} ({what}).\n",
                    self.step
                ));
                Err(outcome.exit_code())
            }
        }
    }

    fn render(&self, diagnosis: &Diagnosis, credentials: &Credentials) -> String {
        let environment = environment::describe(
            &Declared {
                platform: Some("command-line"),
                library: Some(concat!("upwork-diag flow ", env!("CARGO_PKG_VERSION"))),
                language: Some("Rust"),
                ..Declared::default()
            },
            diagnosis.captured.header("user-agent"),
        );
        let context = Context {
            credentials,
            settings: &self.settings,
            environment,
            username: None,
            username_origin: "unknown",
            notes: Vec::new(),
        };
        let (bundle, redactor) = bundle::build(diagnosis, &context);
        upwork_diag_core::redact::boundary::adopt(&redactor);
        summary::render_flow_step(&bundle, super::terminal::Look::PLAIN)
    }

    /// A step that succeeded without the values the next one needs.
    fn unreadable(&self, what: &str, names: &str) -> u8 {
        print_stdout(&format!(
            "\nThe flow stopped at step {} ({what}): the answer succeeded but does not carry {names}.\n",
            self.step
        ));
        Outcome::Unexplained.exit_code()
    }

    fn save(&self, credentials: &Credentials) -> Result<u8, UsageError> {
        write_secrets(&self.args.save, credentials)?;
        print_stdout(&format!(
            "\nEvery step succeeded. The tokens are in {} (mode 0600); use it with --secrets-file.\n",
            self.args.save.display()
        ));
        Ok(0)
    }
}

/// A POST with an explicit `Content-Length`, as Upwork's front end wants one.
fn post(url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> CapturedRequest {
    let mut all: Vec<Header> = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
    all.push(Header::new("Content-Length", body.len().to_string()));
    CapturedRequest {
        method: "POST".to_string(),
        url: RawUrl::parse(url).expect("a fixed URL"),
        headers: all,
        body,
        time: None,
        source: Source::Flags,
    }
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(String::from_utf8_lossy(body).trim().as_bytes())
        .into_owned()
        .collect()
}

fn value(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, v)| k == name && !v.is_empty())
        .map(|(_, v)| v.clone())
}

/// The verifier or code an authorization answer gives: in the query of the redirect to the
/// callback, or (with no callback) on the page, in its `<code>` element, as the emulator shows it.
fn given_value(answer: &CapturedResponse, name: &str) -> Option<String> {
    if let Some(location) = answer.header("location")
        && let Some((_, query)) = location.split_once('?')
    {
        return value(&form_pairs(query.as_bytes()), name);
    }
    let page = answer.body_text();
    let start = page.find("<code>")? + "<code>".len();
    let end = start + page[start..].find("</code>")?;
    let found = page[start..end].trim();
    (!found.is_empty()).then(|| found.to_string())
}

/// The tokens, as `--secrets-file` reads them: created new (never over a file), mode 0600.
fn write_secrets(path: &Path, credentials: &Credentials) -> Result<(), UsageError> {
    let mut lines = String::new();
    let mut line = |name: &str, value: Option<&str>| {
        if let Some(value) = value {
            lines.push_str(&format!("{name}={value}\n"));
        }
    };
    line("UPWORK_CONSUMER_KEY", credentials.consumer_key.as_deref());
    line(
        "UPWORK_CONSUMER_SECRET",
        credentials.consumer_secret.as_ref().map(|s| s.expose()),
    );
    line("UPWORK_TOKEN", credentials.token.as_deref());
    line(
        "UPWORK_TOKEN_SECRET",
        credentials.token_secret.as_ref().map(|s| s.expose()),
    );
    line(
        "UPWORK_ACCESS_TOKEN",
        credentials.access_token.as_ref().map(|s| s.expose()),
    );
    line(
        "UPWORK_REFRESH_TOKEN",
        credentials.refresh_token.as_ref().map(|s| s.expose()),
    );
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // With `create_new` (O_EXCL), a symlink planted at the path is refused, not followed.
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| UsageError::new(format!("--save {}: {e}", path.display())))?;
    file.write_all(lines.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| UsageError::new(format!("--save {}: {e}", path.display())))
}
