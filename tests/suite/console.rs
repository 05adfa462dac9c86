//! `upwork-diag serve` over real sockets: the binary on a loopback port, the emulator beside it.
//! (tests/suite/browser.rs drives the same pages in Chromium.)

use crate::common::canary::assert_clean;
use crate::common::console::{Console, downloads, post_file, post_form, request, unzip};
use crate::common::{Emulator, upwork_diag};

const TOKEN_REQUEST: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";

#[test]
fn it_starts_on_loopback_offline_and_says_so() {
    let console = Console::start(&[]);
    assert!(console.base_url.starts_with("http://127.0.0.1:"));
    assert_eq!(console.banner[0], "loopback only: no token asked");
    assert!(
        console.banner[1].starts_with("offline by default"),
        "{:?}",
        console.banner
    );
    let home = request(&console.base_url, "GET", "/", &[], b"");
    assert_eq!(home.status, 200);
    let page = home.text();
    assert!(page.contains("<label for=\"call\">curl command or raw HTTP request</label>"));
    assert!(!page.contains("<script"), "no JavaScript");
}

#[test]
fn a_non_loopback_address_needs_a_token_file_and_then_the_bearer_token() {
    let output = upwork_diag()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let message = String::from_utf8_lossy(&output.stderr);
    assert!(
        message.contains("--listen 0.0.0.0:0: not a loopback address")
            && message.contains("--token-file"),
        "{message}"
    );

    let dir = tempfile::tempdir().unwrap();
    let short = dir.path().join("short");
    std::fs::write(&short, "abc\n").unwrap();
    let output = upwork_diag()
        .args(["serve", "--token-file"])
        .arg(&short)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&output.stderr).contains("abc"));

    let token = "CANARYconsoletoken5f1e2d3c";
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{token}\n")).unwrap();
    let console = Console::start(&["--token-file", file.to_str().unwrap()]);
    assert!(
        console.banner[0].starts_with("every request must carry Authorization: Bearer"),
        "{:?}",
        console.banner
    );
    assert!(!console.banner.join("\n").contains(token));
    let refused = request(&console.base_url, "GET", "/", &[], b"");
    assert_eq!(refused.status, 401);
    assert!(
        refused
            .head
            .to_ascii_lowercase()
            .contains("www-authenticate: bearer")
    );
    let wrong = request(
        &console.base_url,
        "GET",
        "/",
        &[("Authorization", "Bearer nope")],
        b"",
    );
    assert_eq!(wrong.status, 401);
    let bearer = format!("Bearer {token}");
    let ok = request(
        &console.base_url,
        "GET",
        "/",
        &[("Authorization", &bearer)],
        b"",
    );
    assert_eq!(ok.status, 200);
}

#[test]
fn a_pasted_call_shows_findings_verdict_route_and_both_downloads_without_a_secret() {
    const BEARER: &str = "CANARYbearerToken7a9c1e";
    const COOKIE: &str = "CANARYsessionCookie42f0";
    const SECRET: &str = "CANARYtokenSecret/9b1e";
    let console = Console::start(&[]);
    let curl = format!(
        "curl -X POST '{TOKEN_REQUEST}?oauth_consumer_key=KEYPUBLICISH0001&oauth_token_secret={SECRET}' \
         -H 'Authorization: Bearer {BEARER}' -H 'Cookie: session={COOKIE}'"
    );
    let answer = post_form(&console.base_url, "/diagnose", &[("call", &curl)], &[]);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let page = answer.text();
    assert!(
        page.contains("<strong>Verdict: failed, explained</strong>"),
        "{page}"
    );
    assert!(
        page.contains("<code>content-length-missing</code>"),
        "{page}"
    );
    assert!(page.contains("nothing was sent (offline check)"), "{page}");
    assert!(
        page.contains("Handled by: <strong>Special Projects</strong>"),
        "{page}"
    );
    assert!(
        page.contains("<strong class=\"macro\">API to Special Projects</strong>"),
        "{page}"
    );
    assert!(page.contains(
        "Public touch response to send first (this tool&#39;s template, not Upwork&#39;s words"
    ));
    assert_clean("console page", &page, &[BEARER, COOKIE, SECRET]);

    let (support, public) = downloads(&page);
    let support = unzip(&support);
    let names: Vec<&str> = support.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["bundle.json", "report.md", "exchange.har"]);
    let public = unzip(&public);
    for (name, text) in support.iter().chain(&public) {
        assert_clean(name, text, &[BEARER, COOKIE, SECRET]);
    }
    // The support version keeps the consumer key; the public one masks it and says why.
    assert!(support[0].1.contains("KEYPUBLICISH0001"));
    for (name, text) in &public {
        assert!(!text.contains("KEYPUBLICISH0001"), "{name}:\n{text}");
        assert!(
            text.contains("Public version: besides the secrets"),
            "{name}"
        );
    }
}

#[test]
fn the_call_is_sent_only_when_the_agent_asks_and_names_an_emulator_on_this_machine() {
    let emulator = Emulator::start();
    let console = Console::start(&[]);
    let curl = format!("curl -X POST '{TOKEN_REQUEST}'");
    // The emulator named but not asked for: nothing is sent.
    let answer = post_form(
        &console.base_url,
        "/diagnose",
        &[("call", &curl), ("emulator", &emulator.base_url)],
        &[],
    );
    assert_eq!(answer.status, 200);
    assert!(answer.text().contains("nothing was sent (offline check)"));
    assert_eq!(emulator.received()["requests"].as_array().unwrap().len(), 0);

    let answer = post_form(
        &console.base_url,
        "/diagnose",
        &[
            ("call", &curl),
            ("send", "emulator"),
            ("emulator", &emulator.base_url),
        ],
        &[],
    );
    assert_eq!(answer.status, 200);
    let page = answer.text();
    assert!(
        page.contains(&format!(
            "{}: the upwork-diag emulator, not Upwork",
            emulator.base_url
        )),
        "{page}"
    );
    assert!(page.contains("<code>411 Length Required</code>"), "{page}");
    assert!(
        !emulator.received()["requests"]
            .as_array()
            .unwrap()
            .is_empty()
    );

    // Anywhere else is refused, and nothing is sent.
    let answer = post_form(
        &console.base_url,
        "/diagnose",
        &[
            ("call", &curl),
            ("send", "emulator"),
            ("emulator", "https://www.upwork.com"),
        ],
        &[],
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .text()
            .contains("only to an emulator on this machine")
    );
}

#[test]
fn bad_input_is_a_400_page_naming_the_problem_and_no_file_is_read() {
    let console = Console::start(&[]);
    let answer = post_form(
        &console.base_url,
        "/diagnose",
        &[(
            "call",
            "curl -d @/etc/hostname https://www.upwork.com/api/x.json",
        )],
        &[],
    );
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .text()
            .contains("the command reads a file; here no file is read")
    );
    let answer = post_form(&console.base_url, "/diagnose", &[("call", "  ")], &[]);
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("the call is empty"));
    let answer = post_file(&console.base_url, "notes.har", b"{\"log\": 12");
    assert_eq!(answer.status, 400, "{}", answer.text());
    let answer = post_file(&console.base_url, "bundle.zip", b"PK\x03\x04 not really");
    assert_eq!(answer.status, 400);
    assert!(answer.text().contains("not a zip archive"));
}

#[test]
fn an_upload_over_the_cap_is_refused_whole() {
    let console = Console::start(&[]);
    let big = vec![b' '; 11 * 1024 * 1024];
    let answer = post_file(&console.base_url, "big.har", &big);
    assert_eq!(answer.status, 413, "{}", answer.text());
}

#[test]
fn an_uploaded_har_and_bundle_zip_are_diagnosed_and_offered_in_both_versions() {
    let console = Console::start(&[]);
    let har = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/browser-session-with-failing-token-request.har"
    ))
    .unwrap();
    let answer = post_file(&console.base_url, "session.har", &har);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let page = answer.text();
    assert!(page.contains("of the uploaded HAR file"), "{page}");
    assert!(
        page.contains("<code>content-length-missing</code>"),
        "{page}"
    );

    // The support zip it offered, uploaded again, is read back as a bundle.
    let (support, _) = downloads(&page);
    let answer = post_file(&console.base_url, "bundle.zip", &support);
    assert_eq!(answer.status, 200, "{}", answer.text());
    let again = answer.text();
    assert!(again.contains("An uploaded support bundle."), "{again}");
    assert!(again.contains("<code>content-length-missing</code>"));
    let (_, public) = downloads(&again);
    let public = unzip(&public);
    assert!(
        public
            .iter()
            .all(|(_, t)| t.contains("Public version: besides the secrets"))
    );
}

#[test]
fn the_key_request_form_runs_the_checkpoints_in_the_runbooks_words() {
    let console = Console::start(&[]);
    let answer = post_form(
        &console.base_url,
        "/keycheck",
        &[
            ("app_title", "oDesk Time Sync"),
            (
                "description",
                "We copy the weekly time reports of our contracts into our payroll system so \
                 that nobody types hours by hand. Internal use only.",
            ),
            ("username", "janedoe"),
            ("profile_street", "12 Baker Street"),
            ("profile_building_type", "house"),
            ("profile_city", "London"),
            ("profile_postal_code", "NW1 6XE"),
            ("profile_country", "United Kingdom"),
            ("portrait", "yes"),
            ("earnings", "30000"),
        ],
        &[],
    );
    assert_eq!(answer.status, 200, "{}", answer.text());
    let page = answer.text();
    assert!(page.contains("<strong>Verdict: review</strong>"), "{page}");
    assert!(page.contains("<th scope=\"row\">1. API Request - Title</th><td class=\"review\">REVIEW</td><td>Use “Upwork” in the title</td>"), "{page}");
    assert!(page.contains("<th scope=\"row\">7. OBO - Earnings</th><td class=\"review\">REVIEW</td><td>&lt;30,000</td>"), "{page}");
    assert!(
        page.contains("<th scope=\"row\">6. OBO - Suspension</th><td class=\"pass\">PASS</td>")
    );

    let answer = post_form(&console.base_url, "/keycheck", &[("earnings", "-5")], &[]);
    assert_eq!(answer.status, 400);
    assert!(
        answer
            .text()
            .contains("Total earnings: give a finite amount")
    );
}
