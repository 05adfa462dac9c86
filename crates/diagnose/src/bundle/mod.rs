//! The support bundle: what Upwork support asks for, and never a secret. Built from a
//! [`Diagnosis`], redacted once as it is built, checked clean again as each file is written.

pub mod har;
mod markdown;
pub mod public;
pub mod schema;
mod write;

pub use schema::Bundle;
pub use write::{
    BundleError, BundleFiles, Destination, render_public, render_support, write_bundle,
    write_public_bundle,
};

use base64::Engine;
use chrono::{DateTime, SecondsFormat, Utc};
use sha2::{Digest, Sha256};
use upwork_diag_core::findings::Code;
use upwork_diag_core::redact::Redactor;

use crate::environment::Environment;
use crate::exchange::{Diagnosis, Exchange, Settings};
use schema::*;
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::Outcome;
use upwork_diag_core::oauth::SignedRequest;
use upwork_diag_core::request::{CapturedRequest, CapturedResponse, header_value};

/// Bodies longer than this are cut in the bundle (size and hash of the whole are kept).
pub const BODY_CAP: usize = 64 * 1024;

/// Header values longer than this are cut in the bundle: a runaway cookie or a header stuffed with
/// a whole document would otherwise swamp the ticket. The cut says the size and hash of the whole.
pub const HEADER_VALUE_CAP: usize = 8 * 1024;

/// What the bundle needs besides the diagnosis.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub credentials: &'a Credentials,
    pub settings: &'a Settings,
    pub environment: Environment,
    pub username: Option<String>,
    pub username_origin: &'static str,
    /// What the importer noted about the input (ignored options, the HAR entry chosen).
    pub notes: Vec<String>,
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Builds the bundle, hiding every secret as it goes. The redactor comes back with every secret it
/// learned, for the last check of the bytes written.
pub fn build(diagnosis: &Diagnosis, context: &Context<'_>) -> (Bundle, Redactor) {
    let mut redactor = Redactor::new(context.credentials);
    // Headers first: they teach the redactor the bearer tokens and cookies to hide elsewhere.
    let request_headers = capped_headers(redactor.headers("request", &diagnosis.captured.headers));
    let mut request = request_record(
        &mut redactor,
        &diagnosis.captured,
        request_headers,
        diagnosis.exchange.as_ref(),
    );
    request.notes = context
        .notes
        .iter()
        .map(|n| redactor.text("import notes", n))
        .collect();
    let sent_to = context
        .settings
        .base_url
        .as_ref()
        .zip(diagnosis.exchange.as_ref())
        .map(|(_, e)| redactor.url("replay url", e.request.url.as_str()));
    let sent_origin = diagnosis
        .exchange
        .as_ref()
        .map(|e| origin_of(&redactor.url("replay url", e.request.url.as_str())));
    let answered_by_emulator = diagnosis
        .exchange
        .as_ref()
        .and_then(Exchange::response)
        .is_some_and(|r| {
            r.headers.iter().any(|h| {
                h.name
                    .eq_ignore_ascii_case(upwork_diag_core::upwork::EMULATOR_HEADER)
            })
        });
    let destination = match (&sent_origin, &sent_to, answered_by_emulator) {
        (None, _, _) => "not-sent",
        (Some(_), _, true) => "emulator",
        (Some(_), Some(_), false) => "base-url",
        (Some(_), None, false) => "as-called",
    };
    let wire_headers = match &diagnosis.exchange {
        Some(e) => e.sent_headers.clone(),
        None => crate::replay::wire::headers_on_wire(&diagnosis.captured),
    };
    let replay = ReplayRecord {
        sent: diagnosis.exchange.is_some(),
        called_origin: origin_of(&request.url),
        sent_to,
        sent_origin,
        destination,
        headers_on_wire: capped_headers(redactor.headers("request on wire", &wire_headers)),
        insecure: context.settings.replay.insecure,
        timeout_ms: context.settings.replay.timeout.as_millis() as u64,
    };
    // Offline, the answer a capture recorded (a HAR entry's) is the answer the verdict rests on.
    let response = match diagnosis.exchange.as_ref() {
        Some(exchange) => exchange.response(),
        None => context.settings.recorded.as_ref(),
    }
    .map(|r| response_record(&mut redactor, "response", r));
    let transport_error = diagnosis
        .exchange
        .as_ref()
        .and_then(|e| e.transport_error())
        .map(|e| redacted_error(&mut redactor, "transport error", e));
    let corrected = diagnosis.corrected.as_ref().map(|c| {
        let request = &c.exchange.request;
        CorrectedRecord {
            changes: c
                .changes
                .iter()
                .map(|line| redactor.text("corrected changes", line))
                .collect(),
            time: time(c.exchange.started),
            method: request.method.clone(),
            url: redactor.url("corrected url", request.url.as_str()),
            headers: capped_headers(
                redactor.headers("corrected request", &c.exchange.sent_headers),
            ),
            body: body_record(
                &mut redactor,
                "corrected request body",
                request.header("content-type"),
                &request.body,
            ),
            response: c
                .exchange
                .response()
                .map(|r| response_record(&mut redactor, "corrected response", r)),
            transport_error: c
                .exchange
                .transport_error()
                .map(|e| redacted_error(&mut redactor, "corrected transport error", e)),
            succeeded: c.succeeded(),
            meaning: c.meaning(),
        }
    });
    let findings = diagnosis
        .findings
        .iter()
        .map(|f| {
            let mut f = f.clone();
            let location = format!("finding {}", f.code);
            f.title = redactor.text(&location, &f.title);
            f.detail = redactor.text(&location, &f.detail);
            f.fix = redactor.text(&location, &f.fix);
            for value in f.evidence.values_mut() {
                redact_json_strings(&mut redactor, &location, value);
            }
            f
        })
        .collect();
    let mut verdict = diagnosis.verdict.clone();
    verdict.summary = redactor.text("verdict", &verdict.summary);
    let routing = routing(verdict.outcome, &diagnosis.findings);
    let platform = context.environment.platform.value.clone();
    let bundle = Bundle {
        schema: SCHEMA,
        tool: Tool {
            name: schema::TOOL_NAME,
            version: env!("CARGO_PKG_VERSION"),
        },
        created: time(Utc::now()),
        request,
        username: Username {
            value: context.username.clone(),
            origin: context.username_origin,
        },
        environment: context.environment.clone(),
        platform,
        replay,
        response,
        transport_error,
        corrected,
        findings,
        verdict,
        routing,
        redactions: redactor.redactions().to_vec(),
        audience: SUPPORT_AUDIENCE,
        public_note: None,
    };
    (bundle, redactor)
}

/// The error with known secrets hidden from its message: OS and TLS messages may quote a host,
/// a URL or the first bytes of an answer.
fn redacted_error(
    redactor: &mut Redactor,
    location: &str,
    error: &crate::replay::TransportError,
) -> crate::replay::TransportError {
    crate::replay::TransportError::new(error.kind, redactor.text(location, &error.message))
}

/// Headers with each value longer than [`HEADER_VALUE_CAP`] cut (on a character boundary) and
/// followed by the size and SHA-256 of the whole value.
fn capped_headers(
    headers: Vec<upwork_diag_core::request::Header>,
) -> Vec<upwork_diag_core::request::Header> {
    headers
        .into_iter()
        .map(|mut header| {
            if header.value.len() > HEADER_VALUE_CAP {
                let mut end = HEADER_VALUE_CAP;
                while !header.value.is_char_boundary(end) {
                    end -= 1;
                }
                let sha256 = hex::encode(Sha256::digest(header.value.as_bytes()));
                header.value = format!(
                    "{}[cut: {} bytes in all, sha256 {sha256}]",
                    &header.value[..end],
                    header.value.len()
                );
            }
            header
        })
        .collect()
}

fn redact_json_strings(redactor: &mut Redactor, location: &str, value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) => *s = redactor.text(location, s),
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|v| redact_json_strings(redactor, location, v)),
        serde_json::Value::Object(map) => map
            .values_mut()
            .for_each(|v| redact_json_strings(redactor, location, v)),
        _ => {}
    }
}

fn request_record(
    redactor: &mut Redactor,
    captured: &CapturedRequest,
    headers: Vec<upwork_diag_core::request::Header>,
    exchange: Option<&Exchange>,
) -> RequestRecord {
    let sent_at = captured
        .time
        .map(|t| t.at)
        .or(exchange.map(|e| e.started))
        .unwrap_or_else(Utc::now);
    let oauth = SignedRequest::from_request(captured)
        .ok()
        .flatten()
        .map(|s| OAuthRecord {
            location: s.location,
            consumer_key: s.consumer_key.clone(),
            token: s.token.clone(),
            signature_method: s.signature_method.name(),
            // A PLAINTEXT signature is `consumer_secret&token_secret`: hidden whether or not the
            // secrets were given (a support agent reading a developer's HAR has none).
            signature: if s.signature_method == upwork_diag_core::oauth::SignatureMethod::Plaintext
            {
                redactor.hide(
                    "PLAINTEXT signature",
                    "request oauth_signature",
                    &s.signature,
                )
            } else {
                redactor.text("request oauth_signature", &s.signature)
            },
            timestamp: s.timestamp.clone(),
            nonce: s.nonce.clone(),
        });
    RequestRecord {
        time: time(sent_at),
        method: captured.method.clone(),
        effective_method: captured.effective_method(),
        url: redactor.url("request url", captured.url.as_str()),
        body: body_record(
            redactor,
            "request body",
            header_value(&headers, "content-type"),
            &captured.body,
        ),
        headers,
        source: captured.source.clone(),
        oauth,
        notes: Vec::new(),
    }
}

fn response_record(
    redactor: &mut Redactor,
    location: &str,
    response: &CapturedResponse,
) -> ResponseRecord {
    let headers = capped_headers(redactor.headers(location, &response.headers));
    ResponseRecord {
        version: response.version.clone(),
        status: response.status,
        reason: response.reason.clone(),
        body: body_record(
            redactor,
            &format!("{location} body"),
            response.header("content-type"),
            &response.body,
        ),
        headers,
        elapsed_ms: response.elapsed.as_millis() as u64,
    }
}

/// The body, redacted, then capped; the hash and size are of the body as it was.
fn body_record(
    redactor: &mut Redactor,
    location: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> BodyRecord {
    let sha256 = hex::encode(Sha256::digest(body));
    let size = body.len();
    let redacted = redactor.body(location, content_type, body);
    let truncated = redacted.len() > BODY_CAP;
    let kept = &redacted[..redacted.len().min(BODY_CAP)];
    let (text, base64) = match std::str::from_utf8(kept) {
        Ok(text) => (Some(text.to_string()), None),
        // A cut in the middle of a UTF-8 sequence is still text.
        Err(e) if truncated && e.error_len().is_none() => (
            Some(String::from_utf8_lossy(&kept[..e.valid_up_to()]).into_owned()),
            None,
        ),
        Err(_) => (
            None,
            Some(base64::engine::general_purpose::STANDARD.encode(kept)),
        ),
    };
    BodyRecord {
        text,
        base64,
        size,
        truncated,
        sha256,
    }
}

/// The scheme, host and port of a URL: `https://www.upwork.com` of
/// `https://www.upwork.com/api/x.json?q=1`.
pub fn origin_of(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| after_scheme + i);
    url[..end].to_string()
}

/// Who answered, in words for a reader: the destination and the origin side by side with the URL
/// as called, so that nobody reads the emulator's answer as Upwork's.
pub fn destination_text(replay: &ReplayRecord) -> String {
    let origin = replay.sent_origin.as_deref().unwrap_or("");
    match replay.destination {
        "emulator" => format!(
            "`{origin}`: the upwork-diag emulator (--base-url), not Upwork; the answer below is \
             the emulator's"
        ),
        "base-url" => format!(
            "`{origin}`: a base URL given with --base-url, not `{}`; the answer below is that \
             server's",
            replay.called_origin
        ),
        "as-called" => format!("`{origin}`: the URL's own origin"),
        _ => "nothing was sent (offline check)".to_string(),
    }
}

/// Support has two queues for API tickets: Tech Support for failures nothing explains, Special
/// Projects for API key requests. A missing permission is an explained failure, but when the
/// developer cannot add it to the key themselves it becomes a key request.
fn routing(outcome: Outcome, findings: &[upwork_diag_core::diagnosis::Finding]) -> Routing {
    let (route, note) = route_and_note(outcome, findings);
    Routing {
        route,
        note,
        desk: upwork_diag_core::routing::DeskRoute::of(
            upwork_diag_core::routing::Ticket::ApiIssue(outcome),
        ),
    }
}

fn route_and_note(
    outcome: Outcome,
    findings: &[upwork_diag_core::diagnosis::Finding],
) -> (&'static str, String) {
    let key_question = findings.iter().any(|f| f.code == Code::ScopeMissing);
    match outcome {
        Outcome::Ok => ("none", "The call succeeded; nothing to escalate.".into()),
        Outcome::Explained => {
            let mut note =
                "A finding explains the failure: apply its fix. No escalation to Upwork support is needed.".to_string();
            if key_question {
                note.push_str(
                    " The key lacks a permission: add it to the key in the API Center. Requesting a new key, or a \
                     permission the API Center does not offer, is an API key request for the Special Projects \
                     queue, not Tech Support.",
                );
            }
            ("developer", note)
        }
        Outcome::NoResponse => ("developer", "No response came back: check the network, proxy, DNS and TLS on the developer's side before \
                   contacting Upwork support."
                .into()),
        Outcome::Inconclusive => ("developer", "The tool lacks what it needs to decide (the findings say what: a secret, the send time): \
                   run it again with that before contacting Upwork support. Nothing is escalated."
                .into()),
        Outcome::Unexplained => ("tech-support", "Nothing explains the failure: escalate to Tech Support with the \"API to Tech Support\" macro \
                   and attach this bundle. (Questions about API keys go to the Special Projects queue instead.)"
                .into()),
    }
}

#[cfg(test)]
mod routing_tests {
    use super::*;
    use upwork_diag_core::diagnosis::{Finding, Severity};

    #[test]
    fn only_unexplained_failures_go_to_tech_support() {
        for outcome in [Outcome::Ok, Outcome::Explained, Outcome::NoResponse] {
            let r = routing(outcome, &[]);
            assert_ne!(r.route, "tech-support", "{outcome:?}");
            assert!(!r.note.contains("API to Tech Support"), "{outcome:?}");
        }
        let r = routing(Outcome::Unexplained, &[]);
        assert_eq!(r.route, "tech-support");
        assert!(r.note.contains("\"API to Tech Support\" macro"));
        assert!(r.note.contains("Special Projects"));
    }

    #[test]
    fn a_missing_permission_points_key_requests_to_special_projects() {
        let scope = Finding::new(Code::ScopeMissing, Severity::Error, "no permission");
        let r = routing(Outcome::Explained, &[scope]);
        assert_eq!(r.route, "developer");
        assert!(r.note.contains("Special Projects queue"), "{}", r.note);
        let other = Finding::new(Code::ContentLengthMissing, Severity::Error, "no length");
        assert!(
            !routing(Outcome::Explained, &[other])
                .note
                .contains("Special Projects")
        );
    }
}

#[cfg(test)]
mod record_tests {
    use super::*;
    use upwork_diag_core::request::Header;

    fn capped(value: &str) -> String {
        capped_headers(vec![Header::new("X-Big", value)])
            .remove(0)
            .value
    }

    /// The limits as DESIGN.md states them, written out: the constants are what is tested.
    #[test]
    fn a_header_value_is_kept_whole_up_to_8_kib_and_cut_past_it() {
        let at_limit = "a".repeat(8192);
        assert_eq!(capped(&at_limit), at_limit);
        let past = "a".repeat(8193);
        let sha256 = hex::encode(Sha256::digest(past.as_bytes()));
        assert_eq!(
            capped(&past),
            format!(
                "{}[cut: 8193 bytes in all, sha256 {sha256}]",
                "a".repeat(8192)
            )
        );
        // Cut on a character boundary: a two-byte `é` across the limit goes whole.
        let straddling = format!("{}é{}", "a".repeat(8191), "b".repeat(10));
        assert!(capped(&straddling).starts_with(&format!("{}[cut: 8203 bytes", "a".repeat(8191))));
    }

    #[test]
    fn a_body_is_kept_whole_up_to_64_kib_and_cut_past_it() {
        let mut redactor = Redactor::default();
        let at_limit = vec![b'a'; 65_536];
        let kept = body_record(&mut redactor, "b", Some("text/plain"), &at_limit);
        assert!(!kept.truncated);
        assert_eq!(kept.text.as_deref().map(str::len), Some(65_536));
        let past = vec![b'a'; 65_537];
        let cut = body_record(&mut redactor, "b", Some("text/plain"), &past);
        assert!(cut.truncated);
        assert_eq!(
            (cut.size, cut.text.as_deref().map(str::len)),
            (65_537, Some(65_536))
        );
        assert_eq!(cut.sha256, hex::encode(Sha256::digest(&past)));
    }

    #[test]
    fn every_string_of_a_findings_evidence_is_redacted_wherever_it_nests() {
        let mut redactor = Redactor::default();
        let mut evidence = serde_json::json!({
            "header": "Authorization: Bearer evidenceCanary1",
            "list": ["x", {"url": "https://h/p?access_token=evidenceCanary2"}],
            "n": 3
        });
        redact_json_strings(&mut redactor, "finding", &mut evidence);
        let text = evidence.to_string();
        assert!(
            !text.contains("evidenceCanary1") && !text.contains("evidenceCanary2"),
            "{text}"
        );
        assert_eq!(evidence["list"][0], "x");
        assert_eq!(evidence["n"], 3);
    }

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://www.upwork.com:8443/api/x?a=1"),
            "https://www.upwork.com:8443"
        );
        assert_eq!(origin_of("http://127.0.0.1:9?x"), "http://127.0.0.1:9");
        assert_eq!(origin_of("https://h#frag"), "https://h");
        assert_eq!(origin_of("https://h"), "https://h");
        assert_eq!(origin_of("h/p"), "h");
    }

    #[test]
    fn who_answered_is_said_in_words() {
        let replay = |destination: &'static str| ReplayRecord {
            sent: destination != "not-sent",
            sent_to: None,
            called_origin: "https://www.upwork.com".into(),
            sent_origin: Some("http://127.0.0.1:9".into()),
            destination,
            headers_on_wire: Vec::new(),
            insecure: false,
            timeout_ms: 1,
        };
        assert_eq!(
            destination_text(&replay("emulator")),
            "`http://127.0.0.1:9`: the upwork-diag emulator (--base-url), not Upwork; the answer below is the emulator's"
        );
        assert_eq!(
            destination_text(&replay("base-url")),
            "`http://127.0.0.1:9`: a base URL given with --base-url, not `https://www.upwork.com`; the answer below is that server's"
        );
        assert_eq!(
            destination_text(&replay("as-called")),
            "`http://127.0.0.1:9`: the URL's own origin"
        );
        assert_eq!(
            destination_text(&replay("not-sent")),
            "nothing was sent (offline check)"
        );
    }

    #[test]
    fn a_body_cut_inside_a_character_stays_text_and_bytes_are_base64() {
        let mut redactor = Redactor::default();
        // `é` is two bytes: the 64 KiB cut falls between them.
        let mut cut = vec![b'a'; 65_535];
        cut.extend("é and more".as_bytes());
        let record = body_record(&mut redactor, "b", Some("text/plain"), &cut);
        assert_eq!(record.text.as_deref().map(str::len), Some(65_535));
        assert_eq!(record.base64, None);
        // Bytes that are not UTF-8 anywhere: base64, cut or not.
        let bytes = body_record(&mut redactor, "b", None, &[0xff, 0xfe, 0x00]);
        assert_eq!((bytes.text, bytes.base64.as_deref()), (None, Some("//4A")));
        let mut long = vec![0xffu8; 65_537];
        long[0] = b'a';
        let record = body_record(&mut redactor, "b", None, &long);
        assert!(record.truncated && record.text.is_none() && record.base64.is_some());
    }

    #[test]
    fn times_are_written_to_the_millisecond_in_utc() {
        let t = DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(time(t), "2023-11-14T22:13:20.123Z");
    }
}
