//! `upwork-diag demo`: starts the emulator on a free loopback port and diagnoses the three classic
//! failures of Upwork's API FAQ, one good call, and a failure developers report on the official
//! bindings' trackers (a job whose profile is disabled, in Upwork's own words), writing a bundle
//! for each. No network, no key:
//! the calls are signed with the emulator's demo keys. Exit code 0 when each call ends as expected.

use std::path::{Path, PathBuf};
use upwork_diag_core::findings::Code;

use super::UsageError;
use crate::cli::DemoArgs;
use upwork_diag_core::credentials::{Credentials, Secret};
use upwork_diag_core::diagnosis::Outcome;
use upwork_diag_core::oauth::{self, Keys, MistakeKind, SignOptions};
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};
use upwork_diag_diagnose::bundle::{self, Context};
use upwork_diag_diagnose::environment::{self, Declared};
use upwork_diag_diagnose::exchange::{Diagnosis, Settings};
use upwork_diag_diagnose::pipeline;
use upwork_diag_mock::{self as mock, MockConfig, demo};

/// One call of the demo.
struct Scenario {
    /// The bundle's directory name.
    slug: &'static str,
    title: &'static str,
    request: CapturedRequest,
    credentials: Credentials,
    expected: Outcome,
    expected_code: Option<Code>,
}

fn credentials(consumer: (&str, &str), token: Option<(&str, &str)>) -> Credentials {
    Credentials {
        consumer_key: Some(consumer.0.to_string()),
        consumer_secret: Some(Secret::new(consumer.1)),
        token: token.map(|t| t.0.to_string()),
        token_secret: token.map(|t| Secret::new(t.1)),
        ..Credentials::default()
    }
}

fn request(method: &str, url: &str, headers: Vec<Header>) -> CapturedRequest {
    CapturedRequest {
        method: method.to_string(),
        url: RawUrl::parse(url).expect("the demo URLs are valid"),
        headers: [
            vec![Header::new("User-Agent", "python-requests/2.31.0")],
            headers,
        ]
        .concat(),
        body: Vec::new(),
        time: None,
        source: Source::Flags,
    }
}

fn keys(credentials: &Credentials) -> Result<Keys<'_>, UsageError> {
    Keys::from_credentials(credentials).map_err(|e| UsageError::new(format!("demo: {e}")))
}

fn scenarios() -> Result<Vec<Scenario>, UsageError> {
    let full = credentials(
        (demo::CONSUMER_KEY, demo::CONSUMER_SECRET),
        Some((demo::TOKEN, demo::TOKEN_SECRET)),
    );
    let consumer_only = credentials((demo::CONSUMER_KEY, demo::CONSUMER_SECRET), None);
    let limited = credentials(
        (demo::LIMITED_CONSUMER_KEY, demo::LIMITED_CONSUMER_SECRET),
        Some((demo::LIMITED_TOKEN, demo::LIMITED_TOKEN_SECRET)),
    );

    // 411: the token request with every OAuth parameter in the URL and no Content-Length.
    let token_url =
        RawUrl::parse("https://www.upwork.com/api/auth/v1/oauth/token/request").expect("valid");
    let signed_url = oauth::authorize(
        "POST",
        &token_url,
        &[],
        &keys(&consumer_only)?,
        &SignOptions::default(),
    )
    .signed_url;
    let length_required = request("POST", &signed_url, Vec::new());

    // 401: a search for "web design", the space sent as '+' and signed as '+'.
    let search = request(
        "GET",
        "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&paging=0%3B10",
        Vec::new(),
    );
    let space_as_plus = oauth::sign_with_mistake(
        &search,
        &keys(&full)?,
        &SignOptions::default(),
        MistakeKind::SpaceAsPlus,
    )
    .map_err(|e| UsageError::new(format!("demo: {e}")))?
    .request;

    // 403: a key without "View the structure of your companies/teams" asks for the teams.
    let teams = oauth::sign_request(
        &request(
            "GET",
            "https://www.upwork.com/api/hr/v2/teams.json",
            Vec::new(),
        ),
        &keys(&limited)?,
    );

    // 200: the user's own info, signed right.
    let info = oauth::sign_request(
        &request(
            "GET",
            "https://www.upwork.com/api/auth/v1/info.json",
            Vec::new(),
        ),
        &keys(&full)?,
    );

    // 403: a job whose profile is disabled, refused in Upwork's words (python-upwork#2): the
    // profile is named, and neither the caller nor a permission is blamed.
    let disabled_job = oauth::sign_request(
        &request(
            "GET",
            &format!(
                "https://www.upwork.com/api/profiles/v1/jobs/{}.json",
                demo::DISABLED_PROFILE_JOB
            ),
            Vec::new(),
        ),
        &keys(&full)?,
    );

    Ok(vec![
        Scenario {
            slug: "1-token-request-411",
            title: "Token request without Content-Length (411)",
            request: length_required,
            credentials: consumer_only,
            expected: Outcome::Explained,
            expected_code: Some(Code::ContentLengthMissing),
        },
        Scenario {
            slug: "2-search-with-spaces-401",
            title: "Search with a space signed as '+' (401)",
            request: space_as_plus,
            credentials: full.clone(),
            expected: Outcome::Explained,
            expected_code: Some(Code::SignatureMismatch),
        },
        Scenario {
            slug: "3-teams-without-permission-403",
            title: "Key without the teams permission (403 no access)",
            request: teams,
            credentials: limited,
            expected: Outcome::Explained,
            expected_code: Some(Code::ScopeMissing),
        },
        Scenario {
            slug: "4-good-call",
            title: "A good call: the user's info (200)",
            request: info,
            credentials: full.clone(),
            expected: Outcome::Ok,
            expected_code: None,
        },
        Scenario {
            slug: "5-disabled-job-profile-403",
            title: "A job whose profile is disabled (403, Upwork's own words)",
            request: disabled_job,
            credentials: full,
            expected: Outcome::Explained,
            expected_code: Some(Code::ProfileDisabled),
        },
    ])
}

pub fn run(args: DemoArgs) -> Result<u8, UsageError> {
    let scenarios = scenarios()?;
    let run_dir = args
        .out
        .join(chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string());
    let runtime = super::runtime()?;
    let mut all_as_expected = true;
    runtime.block_on(async {
        let emulator = mock::start(
            "127.0.0.1:0".parse().expect("loopback"),
            MockConfig::default(),
        )
        .await
        .map_err(|e| UsageError::new(format!("demo: cannot start the emulator: {e}")))?;
        super::print_stdout(&format!(
            "upwork-diag demo: the Upwork emulator listens on {}\n\n",
            emulator.base_url()
        ));
        let base = RawUrl::parse(&emulator.base_url()).expect("the emulator's URL is valid");
        for (index, scenario) in scenarios.into_iter().enumerate() {
            let settings = Settings {
                base_url: Some(base.clone()),
                ..Settings::default()
            };
            let diagnosis =
                pipeline::diagnose(scenario.request.clone(), &scenario.credentials, &settings)
                    .await;
            let out = run_dir.join(scenario.slug);
            let written = write(&diagnosis, &scenario.credentials, &settings, &out)?;
            let as_expected = diagnosis.verdict.outcome == scenario.expected
                && scenario
                    .expected_code
                    .is_none_or(|code| diagnosis.findings.iter().any(|f| f.code == code));
            all_as_expected &= as_expected;
            super::print_stdout(&summary(
                index + 1,
                &scenario,
                &diagnosis,
                &written,
                as_expected,
            ));
        }
        let _ = emulator.shutdown().await;
        Ok::<(), UsageError>(())
    })?;
    super::print_stdout(&format!("bundles: {}\n", run_dir.display()));
    if !all_as_expected {
        super::print_stdout("some calls did not end as expected (marked UNEXPECTED above)\n");
    }
    Ok(if all_as_expected { 0 } else { 1 })
}

fn write(
    diagnosis: &Diagnosis,
    credentials: &Credentials,
    settings: &Settings,
    out: &Path,
) -> Result<PathBuf, UsageError> {
    let environment = environment::describe(
        &Declared {
            platform: Some("command-line"),
            ..Declared::default()
        },
        diagnosis.captured.header("user-agent"),
    );
    let context = Context {
        credentials,
        settings,
        environment,
        username: Some(demo::USERNAME.to_string()),
        username_origin: "flag",
        notes: Vec::new(),
    };
    let (bundle, mut redactor) = bundle::build(diagnosis, &context);
    bundle::write_bundle(
        &bundle,
        &mut redactor,
        &bundle::Destination::Exact(out.to_path_buf()),
        false,
    )
    .map(|files| files.path)
    .map_err(|e| UsageError::new(format!("demo: {e}")))
}

fn summary(
    number: usize,
    scenario: &Scenario,
    diagnosis: &Diagnosis,
    bundle: &Path,
    as_expected: bool,
) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let r = &diagnosis.captured;
    let _ = writeln!(out, "{number}. {}", scenario.title);
    let response = diagnosis.exchange.as_ref().and_then(|e| e.response());
    let answer = match (
        response,
        diagnosis
            .exchange
            .as_ref()
            .and_then(|e| e.transport_error()),
    ) {
        (Some(resp), _) => {
            let message = diagnosis
                .classification
                .as_ref()
                .and_then(|c| c.message.clone());
            format!(
                "{} {}{}",
                resp.status,
                resp.reason,
                message.map(|m| format!(": {m}")).unwrap_or_default()
            )
        }
        (None, Some(e)) => format!("no answer: {}", e.message),
        (None, None) => "not sent".into(),
    };
    let _ = writeln!(out, "   {} {} -> {answer}", r.method, r.url.path());
    for finding in diagnosis
        .findings
        .iter()
        .filter(|f| f.severity == upwork_diag_core::diagnosis::Severity::Error)
    {
        let _ = writeln!(
            out,
            "   explained by {} ({}): {}",
            finding.code,
            finding.evidence_level.name(),
            finding.title
        );
        if !finding.fix.is_empty() {
            let _ = writeln!(out, "   fix: {}", finding.fix);
        }
    }
    if let Some(corrected) = &diagnosis.corrected {
        let status = corrected
            .exchange
            .response()
            .map_or("no answer".to_string(), |r| r.status_line());
        let _ = writeln!(
            out,
            "   corrected request: {status}: {}",
            corrected.meaning()
        );
    }
    if diagnosis.verdict.outcome == Outcome::Ok {
        let _ = writeln!(out, "   succeeded");
    }
    let _ = writeln!(out, "   bundle: {}", bundle.display());
    if !as_expected {
        let _ = writeln!(out, "   UNEXPECTED: {}", diagnosis.verdict.summary);
    }
    out.push('\n');
    out
}
