//! `upwork-diag sign`: signs a request with OAuth 1.0 and shows each step (base string, signature,
//! Authorization header, signed URL); `--compare` shows where a developer's own base string departs
//! from the right one; `--mistake` signs as a broken client would, to reproduce a failure.

use std::fmt::Write;

use super::UsageError;
use crate::cli::{Format, SignArgs, SignField};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::oauth::{
    self, Keys, MistakeKind, SignOptions, SignatureMethod, SignedRequest,
};
use upwork_diag_core::redact::Redactor;
use upwork_diag_core::request::{CapturedRequest, Header, RawUrl, Source};

pub fn run(args: SignArgs) -> Result<u8, UsageError> {
    let credentials = Credentials::load(args.secrets_file.as_deref())
        .map_err(|e| UsageError::new(e.to_string()))?;
    upwork_diag_core::redact::boundary::register(&credentials);
    let mut keys =
        Keys::from_credentials(&credentials).map_err(|e| UsageError::new(format!("sign: {e}")))?;
    let url = upwork_diag_core::request::flags::with_default_scheme(&args.url);
    let url = RawUrl::parse(url.as_deref().unwrap_or(&args.url))
        .map_err(|e| UsageError::new(format!("URL: {e}")))?;
    // The request token call is signed by the consumer alone: a token in the environment (left
    // from another step) would make Upwork refuse it.
    let request_token_call = upwork_diag_core::upwork::endpoint_for(&args.method, url.path())
        .is_some_and(|e| e.kind == upwork_diag_core::upwork::EndpointKind::OAuth1RequestToken);
    if request_token_call {
        keys.token = None;
        keys.token_secret = None;
    }
    let request = CapturedRequest {
        method: args.method.clone(),
        url,
        headers: match &args.data {
            Some(_) => vec![Header::new(
                "Content-Type",
                "application/x-www-form-urlencoded",
            )],
            None => Vec::new(),
        },
        body: args.data.clone().unwrap_or_default().into_bytes(),
        time: None,
        source: Source::Flags,
    };
    let options = SignOptions {
        method: if args.plaintext {
            SignatureMethod::Plaintext
        } else {
            SignatureMethod::HmacSha1
        },
        nonce: args.nonce.clone(),
        timestamp: args.timestamp,
        version: args.oauth_version,
        ..SignOptions::default()
    };
    let signed = match &args.mistake {
        None => oauth::sign_request_with(&request, &keys, &options),
        Some(name) => {
            let mistake = MistakeKind::from_name(name).ok_or_else(|| {
                UsageError::new(format!(
                    "--mistake '{name}': unknown mistake; known: {}",
                    MistakeKind::ALL
                        .iter()
                        .map(|k| k.name())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })?;
            oauth::sign_with_mistake(&request, &keys, &options, mistake)
                .map_err(|e| UsageError::new(format!("--mistake {name}: {e}")))?
        }
    };
    let authorization = &signed.authorization;
    // With --mistake, the base string shown is the one the broken client signed.
    let base_string = match args.mistake.as_deref().and_then(MistakeKind::from_name) {
        Some(mistake) => SignedRequest::from_request(&signed.request)
            .ok()
            .flatten()
            .map_or_else(
                || authorization.base_string.clone(),
                |s| mistake.base_string(&s),
            ),
        None => authorization.base_string.clone(),
    };

    let comparison = match &args.compare {
        Some(path) => {
            let theirs = super::input::read_input(path, "your base string")?;
            let theirs = String::from_utf8_lossy(&theirs)
                .trim_end_matches(['\r', '\n'])
                .to_string();
            Some(compare(&theirs, &base_string))
        }
        None => None,
    };

    // A PLAINTEXT signature is the secrets themselves: everything printed passes the redactor.
    let mut redactor = Redactor::new(&credentials);
    let printed = match (args.only, args.format) {
        (Some(field), _) => {
            let value = match field {
                SignField::BaseString => &base_string,
                SignField::Signature => &authorization.signature,
                SignField::Authorization => &authorization.header,
                SignField::SignedUrl => &authorization.signed_url,
            };
            format!("{value}\n")
        }
        (None, Format::Json) => {
            let mut value = serde_json::json!({
                "base_string": base_string,
                "signature": authorization.signature,
                "authorization": authorization.header,
                "signed_url": authorization.signed_url,
            });
            if let Some(c) = &comparison {
                value["compare"] =
                    serde_json::json!({ "equal": c.equal, "first_difference": c.at });
            }
            serde_json::to_string_pretty(&value).expect("JSON of strings") + "\n"
        }
        (None, Format::Text) => {
            let mut out = String::new();
            let _ = writeln!(out, "base string:\n  {base_string}\n");
            let _ = writeln!(out, "signature:\n  {}\n", authorization.signature);
            let _ = writeln!(
                out,
                "Authorization header:\n  Authorization: {}\n",
                authorization.header
            );
            let _ = writeln!(
                out,
                "signed URL (OAuth parameters in the query):\n  {}",
                authorization.signed_url
            );
            if let Some(c) = &comparison {
                let _ = writeln!(out, "\n{}", c.text);
            }
            out
        }
    };
    let printed = redactor.text("stdout", &printed);
    super::print_stdout(&printed);
    if args.plaintext {
        upwork_diag_core::redact::boundary::print_stderr(
            "note: a PLAINTEXT signature is the secrets themselves, so it is not shown",
        );
    }
    Ok(match comparison {
        Some(c) if !c.equal => 1,
        _ => 0,
    })
}

/// The developer's base string against ours.
struct Comparison {
    equal: bool,
    at: Option<usize>,
    text: String,
}

fn compare(theirs: &str, ours: &str) -> Comparison {
    let Some(at) = oauth::first_difference(theirs, ours) else {
        return Comparison {
            equal: true,
            at: None,
            text: "your base string is the same as ours".into(),
        };
    };
    // Show a window around the difference, with a caret under the first differing byte.
    let start = floor_char_boundary(theirs, at.saturating_sub(40))
        .min(floor_char_boundary(ours, at.saturating_sub(40)));
    let window = |s: &str| {
        let from = floor_char_boundary(s, start.min(s.len()));
        let to = floor_char_boundary(s, (at + 40).min(s.len()));
        s[from..to].to_string()
    };
    let caret = " ".repeat(
        theirs[start..floor_char_boundary(theirs, at.min(theirs.len()))]
            .chars()
            .count(),
    );
    let hint = hint(theirs, ours, at);
    let text = format!(
        "your base string differs from ours at byte {at}:\n  yours: {}\n  ours:  {}\n         {caret}^{hint}",
        window(theirs),
        window(ours)
    );
    Comparison {
        equal: false,
        at: Some(at),
        text,
    }
}

/// A reading of the most common differences, when one fits.
fn hint(theirs: &str, ours: &str, at: usize) -> String {
    // A difference inside a percent-escape is read from the escape's `%`.
    let escape_start = theirs[..floor_char_boundary(theirs, at)]
        .rfind('%')
        .filter(|&p| at - p <= 2)
        .unwrap_or(at);
    let t = &theirs[floor_char_boundary(theirs, escape_start)..];
    let o = &ours[floor_char_boundary(ours, escape_start.min(ours.len()))..];
    if t.starts_with("%2B") && o.starts_with("%2520") {
        "\n  a space encoded as '+' where %20 belongs (space-as-plus)".into()
    } else if t.starts_with("%2520") && o.starts_with("%20")
        || t.starts_with("%25") && !o.starts_with("%25")
    {
        "\n  a value encoded once more than it should be (double-encoded)".into()
    } else if t.starts_with("%3A443") || t.starts_with("%3A80") {
        "\n  the default port kept in the base URL (default-port-kept)".into()
    } else {
        String::new()
    }
}

fn floor_char_boundary(s: &str, mut index: usize) -> usize {
    index = index.min(s.len());
    while !s.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compare_marks_the_first_difference_and_reads_it() {
        let ours = "GET&https%3A%2F%2Fwww.upwork.com%2Fapi&q%3Dweb%2520design";
        let theirs = "GET&https%3A%2F%2Fwww.upwork.com%2Fapi&q%3Dweb%2Bdesign";
        let c = compare(theirs, ours);
        assert!(!c.equal);
        assert_eq!(
            c.at,
            Some(ours.find("%2520").unwrap() + 2),
            "after the common '%2'"
        );
        assert!(c.text.contains("space-as-plus"), "{}", c.text);
        assert!(compare(ours, ours).equal);
    }
}
