//! What sits in front of Upwork, read from an answer: a bot challenge or firewall (Cloudflare's "Just
//! a moment..." page, DataDome, PerimeterX, Imperva, Akamai), a proxy, a captive portal. Such an
//! answer stopped the call before Upwork saw it, so it is never Upwork's failure to escalate.
//!
//! Upwork itself is served through Cloudflare: `cf-ray` and `Server: cloudflare` come with every
//! answer of Upwork's (python-upwork#2 shows both on a plain 403 of the API), so they alone prove
//! nothing. A challenge is told by `cf-mitigated: challenge` or by the page itself; an answer that
//! carries Upwork's `X-Upwork-Error-*` (or `X-Odesk-Error-*`) headers is Upwork's, whatever else.

use serde::Serialize;

use upwork_diag_core::request::CapturedResponse;

/// What stopped the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stopper {
    /// A bot challenge or web application firewall in front of Upwork.
    BotChallenge,
    /// A proxy between the client and Upwork (it asked for credentials, or refused the call).
    Proxy,
    /// A captive portal (hotel, office or public network sign-in page).
    CaptivePortal,
    /// An HTML page where Upwork's API answers JSON (or a form): not Upwork's API.
    HtmlPage,
}

/// The front end an answer came from, and the signs that show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FrontEnd {
    pub stopper: Stopper,
    /// Who: `Cloudflare`, `DataDome` ... or a description when nothing names it.
    pub who: String,
    /// The headers and page texts that show it, each as written in the answer (`cf-mitigated:
    /// challenge`, `cf-ray: 8c6b...-FRA`, `<title>Just a moment...</title>`).
    pub signs: Vec<String>,
}

/// Page texts of bot challenges, with whose each is. Lowercase.
const CHALLENGE_PAGES: &[(&str, &str)] = &[
    ("<title>just a moment...</title>", "Cloudflare"),
    ("enable javascript and cookies to continue", "Cloudflare"),
    ("/cdn-cgi/challenge-platform/", "Cloudflare"),
    (
        "<title>attention required! | cloudflare</title>",
        "Cloudflare",
    ),
    ("captcha-delivery.com", "DataDome"),
    ("px-captcha", "PerimeterX (HUMAN)"),
    ("_incapsula_resource", "Imperva (Incapsula)"),
];

/// Headers that name a bot-protection service on a refusal.
const CHALLENGE_HEADERS: &[(&str, &str)] = &[
    ("cf-mitigated", "Cloudflare"),
    ("x-datadome", "DataDome"),
    ("x-iinfo", "Imperva (Incapsula)"),
];

/// Headers worth showing beside a challenge, when present: they say which front end answered.
const WITNESS_HEADERS: &[&str] = &["cf-ray", "server"];

/// The front end that answered instead of Upwork, read from the answer alone.
pub fn read(response: &CapturedResponse) -> Option<FrontEnd> {
    if from_upwork(response) {
        return None;
    }
    challenge(response).or_else(|| proxy_or_portal(response))
}

/// The front end of an answer to a call of Upwork's API that came as an HTML page with a 2xx
/// status: Upwork's API answers JSON, a form or XML, so the page is a proxy's, a captive portal's
/// or a login page's. The caller decides the call expected an API answer.
pub fn html_where_api_expected(response: &CapturedResponse) -> Option<FrontEnd> {
    if !(200..300).contains(&response.status) || from_upwork(response) || !is_html(response) {
        return None;
    }
    let mut signs = vec![format!("{} with an HTML page", response.status)];
    if let Some(content_type) = response.header("content-type") {
        signs.push(format!("Content-Type: {content_type}"));
    }
    if let Some(title) = page_title(&response.body_text()) {
        signs.push(format!("<title>{title}</title>"));
    }
    signs.extend(witnesses(response, &["server", "via"]));
    Some(FrontEnd {
        stopper: Stopper::HtmlPage,
        who: "not Upwork's API (a proxy, a captive portal or a sign-in page)".to_string(),
        signs,
    })
}

/// True when Upwork's API wrote the answer: its error headers are there.
fn from_upwork(response: &CapturedResponse) -> bool {
    [
        "x-upwork-error-code",
        "x-upwork-error-message",
        "x-odesk-error-code",
        "x-odesk-error-message",
    ]
    .iter()
    .any(|name| response.header(name).is_some())
}

fn challenge(response: &CapturedResponse) -> Option<FrontEnd> {
    let mut signs = Vec::new();
    let mut who = None;
    for (name, service) in CHALLENGE_HEADERS {
        if let Some(value) = response.header(name) {
            signs.push(format!("{name}: {value}"));
            who.get_or_insert(*service);
        }
    }
    // A page is read only when it is one (a JSON body that quotes a marker is not a challenge),
    // and only on a refusal: Cloudflare also puts its challenge-platform script into ordinary
    // pages it serves with 200, Upwork's sign-in page among them.
    if is_html(response) && response.status >= 400 {
        let lower = response.body_text().to_ascii_lowercase();
        for (marker, service) in CHALLENGE_PAGES {
            if let Some(at) = lower.find(marker) {
                let body = response.body_text();
                signs.push(body[at..at + marker.len()].to_string());
                who.get_or_insert(*service);
            }
        }
    }
    let who = who?;
    signs.extend(witnesses(response, WITNESS_HEADERS));
    Some(FrontEnd {
        stopper: Stopper::BotChallenge,
        who: who.to_string(),
        signs,
    })
}

fn proxy_or_portal(response: &CapturedResponse) -> Option<FrontEnd> {
    let (stopper, who, mut signs) = match response.status {
        407 => (
            Stopper::Proxy,
            "a proxy that wants credentials",
            vec!["407 Proxy Authentication Required".to_string()],
        ),
        511 => (
            Stopper::CaptivePortal,
            "a captive portal (the network's sign-in page)",
            vec!["511 Network Authentication Required".to_string()],
        ),
        _ => {
            let value = response.header("x-squid-error")?;
            (
                Stopper::Proxy,
                "a Squid proxy",
                vec![format!("X-Squid-Error: {value}")],
            )
        }
    };
    signs.extend(witnesses(
        response,
        &["proxy-authenticate", "via", "server"],
    ));
    Some(FrontEnd {
        stopper,
        who: who.to_string(),
        signs,
    })
}

/// `name: value` of each of these headers present.
fn witnesses(response: &CapturedResponse, names: &[&str]) -> Vec<String> {
    names
        .iter()
        .filter_map(|name| {
            response
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(name))
                .map(|h| format!("{}: {}", h.name, h.value))
        })
        .collect()
}

/// True for an HTML answer: by its Content-Type, or by its first bytes when none is given.
fn is_html(response: &CapturedResponse) -> bool {
    if let Some(content_type) = response.header("content-type") {
        return content_type.to_ascii_lowercase().contains("text/html");
    }
    let start: String = response
        .body_text()
        .trim_start()
        .chars()
        .take(15)
        .collect::<String>()
        .to_ascii_lowercase();
    start.starts_with("<!doctype html") || start.starts_with("<html")
}

/// The page's `<title>`, trimmed, at most 80 characters.
fn page_title(page: &str) -> Option<String> {
    let lower = page.to_ascii_lowercase();
    let open = lower.find("<title>")? + "<title>".len();
    let close = open + lower[open..].find("</title>")?;
    let title: String = page.get(open..close)?.trim().chars().take(80).collect();
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> CapturedResponse {
        CapturedResponse::for_test(status, headers, body)
    }

    const JUST_A_MOMENT: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title></head><body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>";

    #[test]
    fn reads_cloudflare_s_challenge_by_its_header_and_its_page() {
        let challenge = read(&response(
            403,
            &[
                ("Content-Type", "text/html; charset=UTF-8"),
                ("cf-mitigated", "challenge"),
                ("Server", "cloudflare"),
                ("cf-ray", "8c6b1f2e3d4a5b6c-FRA"),
            ],
            JUST_A_MOMENT,
        ))
        .unwrap();
        assert_eq!(challenge.stopper, Stopper::BotChallenge);
        assert_eq!(challenge.who, "Cloudflare");
        assert!(
            challenge
                .signs
                .contains(&"cf-mitigated: challenge".to_string())
        );
        assert!(
            challenge
                .signs
                .contains(&"<title>Just a moment...</title>".to_string())
        );
        assert!(
            challenge
                .signs
                .contains(&"cf-ray: 8c6b1f2e3d4a5b6c-FRA".to_string())
        );
        // The page alone, without the header, as python-upwork-oauth2#12 quotes it (503 too).
        let page = read(&response(
            503,
            &[("Content-Type", "text/html")],
            JUST_A_MOMENT,
        ))
        .unwrap();
        assert_eq!(page.who, "Cloudflare");
    }

    #[test]
    fn upwork_s_own_answers_through_cloudflare_are_not_challenges() {
        // python-upwork#2: Upwork's 403 came with cf-ray and Server: cloudflare-nginx.
        let upwork = response(
            403,
            &[
                ("Server", "cloudflare-nginx"),
                ("cf-ray", "1fb03851ea1d1e83-SJC"),
                (
                    "X-Upwork-Error-Message",
                    "Profile ~01d79d1f56f49fcea6 is disabled",
                ),
                ("Content-Type", "application/json"),
            ],
            "",
        );
        assert!(read(&upwork).is_none());
        // A JSON body that happens to quote a marker is not a page.
        let json = response(
            200,
            &[("Content-Type", "application/json")],
            r#"{"title":"<title>Just a moment...</title>"}"#,
        );
        assert!(read(&json).is_none());
        assert!(html_where_api_expected(&json).is_none());
        // A page served with 200 that carries Cloudflare's script is an ordinary page.
        let page = response(
            200,
            &[("Content-Type", "text/html")],
            "<html><head><title>Log in</title><script src=\"/cdn-cgi/challenge-platform/scripts/jsd/main.js\"></script></head></html>",
        );
        assert!(read(&page).is_none());
        // The front end's own 411 and 503 pages are Upwork's front end, not a challenge.
        let length = response(
            411,
            &[("Content-Type", "text/html")],
            "<html><head><title>411 Length Required</title></head></html>",
        );
        assert!(read(&length).is_none());
    }

    #[test]
    fn reads_proxies_and_captive_portals() {
        let proxy = read(&response(
            407,
            &[("Proxy-Authenticate", "Basic realm=\"office\"")],
            "",
        ))
        .unwrap();
        assert_eq!(proxy.stopper, Stopper::Proxy);
        assert!(
            proxy
                .signs
                .iter()
                .any(|s| s.starts_with("Proxy-Authenticate"))
        );
        assert_eq!(
            read(&response(511, &[], "")).unwrap().stopper,
            Stopper::CaptivePortal
        );
        let squid = read(&response(
            403,
            &[("X-Squid-Error", "ERR_ACCESS_DENIED 0")],
            "",
        ))
        .unwrap();
        assert_eq!(squid.who, "a Squid proxy");
        let portal = html_where_api_expected(&response(
            200,
            &[("Content-Type", "text/html")],
            "<html><head><title>Guest Wi-Fi login</title></head></html>",
        ))
        .unwrap();
        assert_eq!(portal.stopper, Stopper::HtmlPage);
        assert!(
            portal
                .signs
                .contains(&"<title>Guest Wi-Fi login</title>".to_string())
        );
    }
}
