//! Fault modes, served on the raw socket so that a client can be tested against a server that
//! misbehaves below HTTP: a reset, a hang, a trickling or truncated body, bytes that are not HTTP,
//! the error statuses a client must survive, and what can sit in front of Upwork and answer
//! instead of it: Cloudflare's bot challenge, a proxy, a captive portal.
//!
//! Selected per request by a path prefix, `/__fault/<mode>/...` (the rest of the path is ignored),
//! or by the header `X-Mock-Fault: <mode>` on any request. Nothing else (411, OAuth, routing) is
//! checked for such a request.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use super::head::RawHead;
use super::state::Shared;
use upwork_diag_core::upwork::errors::{self, ERROR_CODE_HEADER, ERROR_MESSAGE_HEADER};

/// The path prefix that selects a fault mode.
pub const PATH_PREFIX: &str = "/__fault/";
/// The header that selects a fault mode.
pub const HEADER: &str = "X-Mock-Fault";

/// How long between two bytes of a `slow-body` answer.
pub const SLOW_BODY_INTERVAL: Duration = Duration::from_millis(200);
/// The body a `slow-body` answer trickles, one byte per interval.
pub const SLOW_BODY: &[u8] = b"{\"slow\":true}";
/// The `Retry-After` of the 429 and 503 answers, in seconds.
pub const RETRY_AFTER_SECS: u32 = 30;

/// A fault mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `reset`: a status line, headers and part of the body, then the socket is reset (RST).
    Reset,
    /// `hang`: the request is read and never answered; the socket stays open.
    Hang,
    /// `slow-body`: headers at once, then the body one byte per 200 ms.
    SlowBody,
    /// `truncated`: a Content-Length larger than the body sent, then the socket is closed.
    Truncated,
    /// `garbage`: bytes that are not HTTP, then the socket is closed.
    Garbage,
    /// `429`: rate limited, with `Retry-After` and Upwork's error headers.
    TooManyRequests,
    /// `500`: an internal error in the legacy JSON error shape.
    InternalError,
    /// `503`: the front end's unavailable page, with `Retry-After`.
    Unavailable,
    /// `challenge`: Cloudflare's "Just a moment..." bot challenge, 403 with `cf-mitigated:
    /// challenge` and `cf-ray` (python-upwork-oauth2#12).
    Challenge,
    /// `challenge-503`: the same page as the older "I'm Under Attack" mode sends it, 503 without
    /// `cf-mitigated`.
    Challenge503,
    /// `proxy-auth`: a proxy asking for credentials, 407 with `Proxy-Authenticate`.
    ProxyAuth,
    /// `captive-portal`: a network's sign-in page, HTML with 200, where the API answers JSON.
    CaptivePortal,
    /// `redirect-https`: `301 Moved Permanently` to the same path on `https://www.upwork.com`, as
    /// Upwork's front end answers a call made over plain http. Selected by the path prefix, the
    /// rest of the path is the one redirected to, so following the redirect reaches the API.
    RedirectHttps,
    /// `sunset`: `410 Gone`, the REST endpoint retired, naming its GraphQL replacement from the
    /// catalogue (Upwork's REST sunset, python-upwork-oauth2#8).
    Sunset,
}

impl Fault {
    /// Every mode's name, as selected.
    pub const NAMES: [&'static str; 14] = [
        "reset",
        "hang",
        "slow-body",
        "truncated",
        "garbage",
        "429",
        "500",
        "503",
        "challenge",
        "challenge-503",
        "proxy-auth",
        "captive-portal",
        "redirect-https",
        "sunset",
    ];

    /// The mode of this name.
    pub fn from_name(name: &str) -> Option<Fault> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "reset" => Fault::Reset,
            "hang" => Fault::Hang,
            "slow-body" => Fault::SlowBody,
            "truncated" => Fault::Truncated,
            "garbage" => Fault::Garbage,
            "429" => Fault::TooManyRequests,
            "500" => Fault::InternalError,
            "503" => Fault::Unavailable,
            "challenge" => Fault::Challenge,
            "challenge-503" => Fault::Challenge503,
            "proxy-auth" => Fault::ProxyAuth,
            "captive-portal" => Fault::CaptivePortal,
            "redirect-https" => Fault::RedirectHttps,
            "sunset" => Fault::Sunset,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Fault::Reset => "reset",
            Fault::Hang => "hang",
            Fault::SlowBody => "slow-body",
            Fault::Truncated => "truncated",
            Fault::Garbage => "garbage",
            Fault::TooManyRequests => "429",
            Fault::InternalError => "500",
            Fault::Unavailable => "503",
            Fault::Challenge => "challenge",
            Fault::Challenge503 => "challenge-503",
            Fault::ProxyAuth => "proxy-auth",
            Fault::CaptivePortal => "captive-portal",
            Fault::RedirectHttps => "redirect-https",
            Fault::Sunset => "sunset",
        }
    }

    /// The status line's code, for the modes that send one the client can read whole.
    pub fn status(self) -> Option<u16> {
        match self {
            Fault::TooManyRequests => Some(429),
            Fault::InternalError => Some(500),
            Fault::Unavailable | Fault::Challenge503 => Some(503),
            Fault::Challenge => Some(403),
            Fault::ProxyAuth => Some(407),
            Fault::RedirectHttps => Some(301),
            Fault::Sunset => Some(410),
            Fault::SlowBody | Fault::CaptivePortal => Some(200),
            _ => None,
        }
    }

    /// The mode a request asks for: `None` when it asks for none, `Err(name)` for an unknown one.
    pub(crate) fn requested(head: &RawHead) -> Option<Result<Fault, String>> {
        let name = match head.path().strip_prefix(PATH_PREFIX) {
            Some(rest) => rest.split('/').next().unwrap_or_default().to_string(),
            None => head.header(HEADER)?.to_string(),
        };
        Some(Fault::from_name(&name).ok_or(name))
    }
}

/// A whole HTTP/1.1 response, closing the connection.
pub(crate) fn response(
    status: u16,
    reason: &str,
    headers: &[(&str, String)],
    content_type: &str,
    body: &str,
) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// A short plain-text answer, for what the raw stage refuses itself.
pub(crate) fn plain(status: u16, reason: &str) -> Vec<u8> {
    response(
        status,
        reason,
        &[],
        "text/plain; charset=utf-8",
        &format!("{status} {reason}\n"),
    )
}

/// Sends `bytes` and closes gracefully: the unread rest of the request is drained for a moment
/// so that the close does not turn into a reset that would destroy the answer in flight.
pub(crate) async fn answer_and_close(mut stream: TcpStream, bytes: &[u8]) {
    if stream.write_all(bytes).await.is_err() {
        return;
    }
    let _ = stream.shutdown().await;
    let drain = async {
        let mut sink = [0u8; 8192];
        let mut total = 0usize;
        while let Ok(n) = stream.read(&mut sink).await {
            total += n;
            if n == 0 || total > 1 << 20 {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
}

fn legacy_error(status: u16, reason: &str, message: &str, extra: &[(&str, String)]) -> Vec<u8> {
    let body =
        errors::legacy_error_body(chrono::Utc::now().timestamp(), status, message).to_string();
    let mut headers = vec![
        (ERROR_CODE_HEADER, status.to_string()),
        (ERROR_MESSAGE_HEADER, message.to_string()),
    ];
    headers.extend(extra.iter().cloned());
    response(status, reason, &headers, "application/json", &body)
}

/// Cloudflare's challenge page, shortened: its title, the sentence a client without JavaScript
/// sees, and the script path of the challenge platform (python-upwork-oauth2#12 quotes it whole).
pub const CHALLENGE_PAGE: &str = "<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title><meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"><meta name=\"robots\" content=\"noindex,nofollow\"></head><body><div class=\"main-wrapper\" role=\"main\"><div class=\"main-content\"><noscript><div class=\"h2\"><span id=\"challenge-error-text\">Enable JavaScript and cookies to continue</span></div></noscript></div></div><script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script></body></html>";

/// The `cf-ray` of the emulator's challenges: a ray id and a data centre, as Cloudflare writes it.
pub const CHALLENGE_RAY: &str = "8c6b1f2e3d4a5b6c-SJC";

/// The answer of what sits in front of Upwork, for the modes that stand for it.
fn in_front_of_upwork(fault: Fault) -> Vec<u8> {
    let cloudflare = |extra: Option<(&'static str, String)>| {
        let mut headers = vec![
            ("Server", "cloudflare".to_string()),
            ("cf-ray", CHALLENGE_RAY.to_string()),
            (
                "Cache-Control",
                "private, max-age=0, no-store, no-cache, must-revalidate".to_string(),
            ),
        ];
        headers.extend(extra);
        headers
    };
    match fault {
        Fault::Challenge => response(
            403,
            "Forbidden",
            &cloudflare(Some(("cf-mitigated", "challenge".to_string()))),
            "text/html; charset=UTF-8",
            CHALLENGE_PAGE,
        ),
        Fault::Challenge503 => response(
            503,
            "Service Unavailable",
            &cloudflare(None),
            "text/html; charset=UTF-8",
            CHALLENGE_PAGE,
        ),
        Fault::ProxyAuth => response(
            407,
            "Proxy Authentication Required",
            &[
                (
                    "Proxy-Authenticate",
                    "Basic realm=\"office proxy\"".to_string(),
                ),
                ("Via", "1.1 proxy.office.example (squid/5.7)".to_string()),
            ],
            "text/html",
            "<html><head><title>407 Proxy Authentication Required</title></head><body>Proxy Authentication Required</body></html>",
        ),
        _ => response(
            200,
            "OK",
            &[],
            "text/html; charset=utf-8",
            "<!DOCTYPE html><html><head><title>Guest Wi-Fi: sign in to continue</title></head><body><form method=\"post\" action=\"/login\"><input name=\"room\"><button>Connect</button></form></body></html>",
        ),
    }
}

/// The target a `redirect-https` answer sends the client to: the request's own, without the
/// fault's path prefix, on Upwork's https origin.
fn https_location(target: &str) -> String {
    let prefix = format!("{PATH_PREFIX}{}", Fault::RedirectHttps.name());
    let rest = target.strip_prefix(prefix.as_str()).unwrap_or(target);
    let rest = if rest.starts_with('/') {
        rest.to_string()
    } else {
        format!("/{rest}")
    };
    format!("https://{}{rest}", upwork_diag_core::upwork::hosts::WWW)
}

/// The 410 of a retired REST endpoint: Upwork's retirement text, and the GraphQL query that
/// replaces the endpoint when the catalogue has one.
fn sunset_message(method: &str, target: &str) -> String {
    let path = target.split('?').next().unwrap_or(target);
    let endpoint = upwork_diag_core::upwork::endpoint_for(method, path)
        .or_else(|| upwork_diag_core::upwork::endpoint_for(method, &format!("{path}.json")));
    match endpoint.and_then(upwork_diag_core::upwork::endpoints::graphql_replacement_text) {
        Some(instead) => format!("{} Use {instead} instead.", errors::ENDPOINT_RETIRED),
        None => errors::ENDPOINT_RETIRED.to_string(),
    }
}

/// Misbehaves as `fault` says, then drops the connection; `target` is the request's.
pub(crate) async fn serve(
    mut stream: TcpStream,
    fault: Fault,
    method: &str,
    target: &str,
    shared: &Shared,
) {
    if fault == Fault::Sunset {
        let bytes = legacy_error(410, "Gone", &sunset_message(method, target), &[]);
        answer_and_close(stream, &bytes).await;
        return;
    }
    if fault == Fault::RedirectHttps {
        let bytes = response(
            301,
            "Moved Permanently",
            &[
                ("Location", https_location(target)),
                ("Server", "cloudflare".to_string()),
            ],
            "text/html",
            "<html><head><title>301 Moved Permanently</title></head><body><center><h1>301 Moved Permanently</h1></center><hr><center>cloudflare</center></body></html>",
        );
        answer_and_close(stream, &bytes).await;
        return;
    }
    let mut stop = shared.stop.clone();
    let stopped = async move {
        let _ = stop.wait_for(|s| *s).await;
    };
    tokio::select! {
        _ = misbehave(&mut stream, fault) => {}
        _ = stopped => {}
    }
    if fault == Fault::Reset {
        // A zero linger turns the close into a reset (RST) instead of an orderly FIN.
        let _ = stream.set_zero_linger();
    }
}

async fn misbehave(stream: &mut TcpStream, fault: Fault) {
    let retry_after = ("Retry-After", RETRY_AFTER_SECS.to_string());
    match fault {
        Fault::Reset => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1024\r\nConnection: close\r\n\r\n{\"jobs\":[";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.flush().await;
            // Give the client time to take the head before the reset destroys what is in flight.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Fault::Hang => {
            // Read and discard until the client gives up; never answer.
            let mut sink = [0u8; 8192];
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        }
        Fault::SlowBody => {
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                SLOW_BODY.len()
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            for byte in SLOW_BODY {
                tokio::time::sleep(SLOW_BODY_INTERVAL).await;
                if stream.write_all(std::slice::from_ref(byte)).await.is_err() {
                    return;
                }
            }
            let _ = stream.shutdown().await;
        }
        Fault::Truncated => {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{\"truncated\":";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.shutdown().await;
        }
        Fault::Garbage => {
            let _ = stream
                .write_all(b"\x16\x03\x01\x00\xff\x00garbage, not HTTP\x13\x37\r\n\r\n")
                .await;
            let _ = stream.shutdown().await;
        }
        Fault::TooManyRequests => {
            let bytes = legacy_error(
                429,
                "Too Many Requests",
                errors::RATE_LIMITED,
                &[retry_after],
            );
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Fault::InternalError => {
            let bytes = legacy_error(500, "Internal Server Error", "Internal Server Error", &[]);
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Fault::Unavailable => {
            let page = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n";
            let bytes = response(
                503,
                "Service Temporarily Unavailable",
                &[retry_after],
                "text/html",
                page,
            );
            let _ = stream.write_all(&bytes).await;
            let _ = stream.shutdown().await;
        }
        Fault::RedirectHttps | Fault::Sunset => {}
        Fault::Challenge | Fault::Challenge503 | Fault::ProxyAuth | Fault::CaptivePortal => {
            let _ = stream.write_all(&in_front_of_upwork(fault)).await;
            let _ = stream.shutdown().await;
        }
    }
    if !matches!(fault, Fault::Hang | Fault::Reset) {
        // Linger briefly so the client reads the answer before the socket goes.
        let mut sink = [0u8; 8192];
        let drain = async {
            while let Ok(n) = stream.read(&mut sink).await {
                if n == 0 {
                    break;
                }
            }
        };
        let _ = tokio::time::timeout(Duration::from_secs(1), drain).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::head;

    #[test]
    fn each_mode_is_found_by_its_name_and_answers_its_status() {
        let statuses = [
            ("reset", None),
            ("hang", None),
            ("slow-body", Some(200)),
            ("truncated", None),
            ("garbage", None),
            ("429", Some(429)),
            ("500", Some(500)),
            ("503", Some(503)),
            ("challenge", Some(403)),
            ("challenge-503", Some(503)),
            ("proxy-auth", Some(407)),
            ("captive-portal", Some(200)),
            ("redirect-https", Some(301)),
            ("sunset", Some(410)),
        ];
        for (name, status) in statuses {
            let fault = Fault::from_name(name).unwrap();
            assert_eq!((fault.name(), fault.status()), (name, status));
        }
        assert_eq!(
            Fault::NAMES.map(|n| Fault::from_name(n).unwrap().name()),
            Fault::NAMES
        );
        assert_eq!(Fault::from_name(" Slow-Body "), Some(Fault::SlowBody));
        assert_eq!(Fault::from_name("slow"), None);
    }

    #[test]
    fn a_mode_is_asked_for_by_the_path_prefix_or_the_header() {
        let by_path = head("GET", "/__fault/503/api/x.json?q=1", &[]);
        assert_eq!(Fault::requested(&by_path), Some(Ok(Fault::Unavailable)));
        let by_header = head("GET", "/api/x.json", &[("x-mock-fault", "garbage")]);
        assert_eq!(Fault::requested(&by_header), Some(Ok(Fault::Garbage)));
        let unknown = head("GET", "/__fault/melt/x", &[]);
        assert_eq!(Fault::requested(&unknown), Some(Err("melt".to_string())));
        assert_eq!(Fault::requested(&head("GET", "/api/x.json", &[])), None);
    }

    #[test]
    fn a_whole_answer_announces_its_length_and_closes() {
        let bytes = response(
            407,
            "Proxy Authentication Required",
            &[("Via", "1.1 p".into())],
            "text/html",
            "<p>é</p>",
        );
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Type: text/html\r\nContent-Length: 9\r\nConnection: close\r\nVia: 1.1 p\r\n\r\n<p>é</p>"
        );
        assert_eq!(
            String::from_utf8(plain(431, "Request Header Fields Too Large")).unwrap(),
            "HTTP/1.1 431 Request Header Fields Too Large\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 36\r\nConnection: close\r\n\r\n431 Request Header Fields Too Large\n"
        );
    }

    #[test]
    fn a_legacy_error_on_the_raw_socket_carries_upwork_s_headers() {
        let bytes = legacy_error(
            429,
            "Too Many Requests",
            errors::RATE_LIMITED,
            &[("Retry-After", "30".to_string())],
        );
        let text = String::from_utf8(bytes).unwrap();
        assert!(
            text.starts_with(
                "HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\n"
            ),
            "{text}"
        );
        assert!(text.contains("\r\nX-Upwork-Error-Code: 429\r\n"), "{text}");
        assert!(
            text.contains("\r\nX-Upwork-Error-Message: Too many requests, please slow down and retry later.\r\n"),
            "{text}"
        );
        assert!(text.contains("\r\nRetry-After: 30\r\n"), "{text}");
        let body: serde_json::Value =
            serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body["error"]["status"], 429);
    }

    #[test]
    fn the_https_redirect_keeps_the_path_without_the_fault_prefix() {
        assert_eq!(
            https_location("/__fault/redirect-https/api/auth/v1/info.json?a=1"),
            "https://www.upwork.com/api/auth/v1/info.json?a=1"
        );
        assert_eq!(
            https_location("/__fault/redirect-https"),
            "https://www.upwork.com/"
        );
        assert_eq!(
            https_location("/api/x.json"),
            "https://www.upwork.com/api/x.json"
        );
    }

    #[test]
    fn the_sunset_names_the_graphql_query_that_replaces_the_endpoint() {
        let info = sunset_message("GET", "/api/auth/v1/info?x=1");
        assert!(
            info.starts_with("This API endpoint is deprecated and no longer available. Use "),
            "{info}"
        );
        assert!(
            info.contains("query { user { id nid rid name } }"),
            "{info}"
        );
        assert_eq!(
            sunset_message("GET", "/api/hr/v2/teams.json"),
            "This API endpoint is deprecated and no longer available."
        );
    }

    #[test]
    fn what_sits_in_front_of_upwork_answers_in_its_own_words() {
        let text = |fault| String::from_utf8(in_front_of_upwork(fault)).unwrap();
        let challenge = text(Fault::Challenge);
        assert!(
            challenge.starts_with("HTTP/1.1 403 Forbidden\r\n"),
            "{challenge}"
        );
        assert!(
            challenge.contains("\r\ncf-mitigated: challenge\r\n"),
            "{challenge}"
        );
        assert!(
            challenge.contains("\r\ncf-ray: 8c6b1f2e3d4a5b6c-SJC\r\n"),
            "{challenge}"
        );
        assert!(
            challenge.contains("<title>Just a moment...</title>"),
            "{challenge}"
        );
        let older = text(Fault::Challenge503);
        assert!(
            older.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
            "{older}"
        );
        assert!(
            !older.contains("cf-mitigated") && older.contains("Just a moment..."),
            "{older}"
        );
        let proxy = text(Fault::ProxyAuth);
        assert!(proxy.starts_with("HTTP/1.1 407 "), "{proxy}");
        assert!(
            proxy.contains("\r\nProxy-Authenticate: Basic realm=\"office proxy\"\r\n"),
            "{proxy}"
        );
        let portal = text(Fault::CaptivePortal);
        assert!(portal.starts_with("HTTP/1.1 200 OK\r\n"), "{portal}");
        assert!(
            portal.contains("Guest Wi-Fi: sign in to continue"),
            "{portal}"
        );
    }
}
