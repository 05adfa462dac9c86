//! The bundle's schema, `upwork-diag.bundle/1`: the serde types of `bundle.json`. Every string in
//! it has passed the redactor before it got here.

use serde::Serialize;

use crate::environment::Environment;
use crate::replay::TransportError;
use upwork_diag_core::diagnosis::{Finding, Verdict};
use upwork_diag_core::request::{Header, Source};

use upwork_diag_core::redact::Redaction;

pub const SCHEMA: &str = "upwork-diag.bundle/1";

/// The tool a bundle names as its writer: the binary, not this library crate (whose
/// `CARGO_PKG_NAME` is `upwork-diag-diagnose`). The version is the crate's, which every crate of
/// the workspace shares (`version.workspace`).
pub const TOOL_NAME: &str = "upwork-diag";

#[derive(Debug, Clone, Serialize)]
pub struct Bundle {
    pub schema: &'static str,
    pub tool: Tool,
    /// When the bundle was made (RFC 3339, UTC).
    pub created: String,
    pub request: RequestRecord,
    pub username: Username,
    pub environment: Environment,
    /// mobile, desktop, command-line, web-browser or server; null when unknown.
    pub platform: Option<String>,
    pub replay: ReplayRecord,
    /// Null when nothing came back (see `transport_error`) or nothing was sent (offline).
    pub response: Option<ResponseRecord>,
    pub transport_error: Option<TransportError>,
    /// The corrected request that was sent to confirm a fix, if one was.
    pub corrected: Option<CorrectedRecord>,
    pub findings: Vec<Finding>,
    pub verdict: Verdict,
    /// Where a support question goes: the developer's own fix, Tech Support, or Special Projects.
    pub routing: Routing,
    pub redactions: Vec<Redaction>,
    /// `support` (for Upwork support: the consumer key, token, signature and nonce kept, the
    /// secrets hidden) or `public` (those masked too, for posting where anyone can read).
    pub audience: &'static str,
    /// The public version's banner: what was masked and why; absent in the support version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_note: Option<&'static str>,
}

/// The audience of a bundle made for Upwork support.
pub const SUPPORT_AUDIENCE: &str = "support";
/// The audience of a bundle made for posting in public.
pub const PUBLIC_AUDIENCE: &str = "public";

impl Bundle {
    /// The public version: the same records with the consumer key, tokens, signature, nonce and
    /// username taken out of the fields that hold them, and the banner set. Their occurrences
    /// elsewhere (URLs, headers, bodies) are masked by value when the files are written
    /// (`public::redactor`).
    pub fn public(&self) -> Bundle {
        let mut bundle = self.clone();
        bundle.audience = PUBLIC_AUDIENCE;
        bundle.public_note = Some(super::public::BANNER);
        if let Some(oauth) = &mut bundle.request.oauth {
            oauth.consumer_key = "[redacted consumer-key]".to_string();
            oauth.signature = "[redacted signature]".to_string();
            if let Some(token) = &mut oauth.token {
                *token = "[redacted OAuth-token]".to_string();
            }
            if let Some(nonce) = &mut oauth.nonce {
                *nonce = "[redacted nonce]".to_string();
            }
        }
        if let Some(username) = &mut bundle.username.value {
            *username = "[redacted username]".to_string();
        }
        // An answer holds the user's own data (names, location, mail, the account's username
        // whatever --username says): in the public version only its size is left.
        if let Some(response) = &mut bundle.response {
            response.body.withhold();
        }
        if let Some(corrected) = &mut bundle.corrected
            && let Some(response) = &mut corrected.response
        {
            response.body.withhold();
        }
        bundle
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct RequestRecord {
    /// When the request was sent (the capture's time when it has one, else the replay's).
    pub time: String,
    /// The method on the wire.
    pub method: String,
    /// The method Upwork acts on: the `http_method` override of a POST, else the method.
    pub effective_method: String,
    /// The full URL with keys, signature, token and parameters, as the developer sent it.
    pub url: String,
    /// The headers the developer's request carried, in order and case.
    pub headers: Vec<Header>,
    pub body: BodyRecord,
    pub source: Source,
    /// The OAuth 1.0 parameters support correlates with its logs, when the request is signed.
    pub oauth: Option<OAuthRecord>,
    /// What the importer noted (options that do not change the request, the HAR entry chosen).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OAuthRecord {
    pub location: upwork_diag_core::oauth::ParamLocation,
    pub consumer_key: String,
    pub token: Option<String>,
    pub signature_method: &'static str,
    pub signature: String,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
}

/// A body: text when it is UTF-8, else base64; capped, with the size and hash of the whole.
#[derive(Debug, Clone, Serialize)]
pub struct BodyRecord {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base64: Option<String>,
    /// Bytes of the whole body.
    pub size: usize,
    /// True when `text`/`base64` hold only the first part.
    pub truncated: bool,
    /// SHA-256 of the whole body as sent or received (before redaction), hex.
    pub sha256: String,
}

impl BodyRecord {
    /// Keeps the size only: the text, and the hash that would confirm a guess of it, go.
    pub fn withhold(&mut self) {
        if self.size > 0 {
            self.text = Some(
                "(withheld in the public version: an answer may hold personal data)".to_string(),
            );
        }
        self.base64 = None;
        self.truncated = false;
        self.sha256 = "withheld".to_string();
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Username {
    pub value: Option<String>,
    /// `flag` (given with --username), `api` (asked from /api/auth/v1/info.json), or `unknown`.
    pub origin: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplayRecord {
    /// False with --offline: nothing was sent.
    pub sent: bool,
    /// The URL the replay went to, when --base-url sent it elsewhere.
    pub sent_to: Option<String>,
    /// The origin (scheme, host, port) of the URL as the developer called it.
    pub called_origin: String,
    /// The origin the replay actually went to; null when nothing was sent.
    pub sent_origin: Option<String>,
    /// Who the replay went to: `as-called` (the URL's own origin), `emulator` (a base URL that
    /// answered as upwork-diag's emulator), `base-url` (another base URL), `not-sent` (offline).
    pub destination: &'static str,
    /// The header lines exactly as they went on the wire (Host added when absent); offline, as
    /// they would go.
    pub headers_on_wire: Vec<Header>,
    pub insecure: bool,
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseRecord {
    pub version: String,
    pub status: u16,
    pub reason: String,
    pub headers: Vec<Header>,
    pub body: BodyRecord,
    pub elapsed_ms: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CorrectedRecord {
    pub changes: Vec<String>,
    pub time: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
    pub body: BodyRecord,
    pub response: Option<ResponseRecord>,
    pub transport_error: Option<TransportError>,
    /// True when the corrected call succeeded.
    pub succeeded: bool,
    /// What that shows: a fix confirmed alone, several fixes together, or a call signed again.
    pub meaning: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct Routing {
    /// `developer` (a finding explains it: apply the fix), `tech-support` (escalate with the
    /// macro), or `none` (the call succeeded).
    pub route: &'static str,
    pub note: String,
    /// The desk's route as the support runbook gives it: who handles the ticket, the public
    /// touch response to send first, then the macro.
    #[serde(flatten)]
    pub desk: upwork_diag_core::routing::DeskRoute,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: Option<&str>, base64: Option<&str>, size: usize) -> BodyRecord {
        BodyRecord {
            text: text.map(str::to_string),
            base64: base64.map(str::to_string),
            size,
            truncated: true,
            sha256: "ab12".into(),
        }
    }

    #[test]
    fn a_withheld_body_keeps_its_size_and_nothing_that_tells_its_content() {
        let mut answer = record(None, Some("AAE="), 2);
        answer.withhold();
        assert_eq!(
            answer.text.as_deref(),
            Some("(withheld in the public version: an answer may hold personal data)")
        );
        assert_eq!(
            (answer.base64, answer.size, answer.truncated),
            (None, 2, false)
        );
        assert_eq!(answer.sha256, "withheld");
        // An empty body has nothing to withhold: no text is made up for it.
        let mut empty = record(None, None, 0);
        empty.withhold();
        assert_eq!((empty.text, empty.sha256.as_str()), (None, "withheld"));
    }
}
