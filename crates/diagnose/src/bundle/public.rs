//! The public version of a bundle, for posting where anyone can read (Stack Overflow, a GitHub
//! issue). The support version keeps the consumer key, the token, the signature and the nonce,
//! because support finds the call in its logs by them; Upwork's API FAQ says of Stack Overflow:
//! "Please don’t share your API key/secret or any other sensitive information there." So the
//! public version masks those too, and the username, by value wherever they occur (encoded forms
//! included), with no fingerprint, and says so at the top of every file.

use upwork_diag_core::redact::Redactor;

use super::schema::Bundle;

/// The API FAQ's words on Stack Overflow, verbatim.
pub const FAQ_QUOTE: &str =
    "Please don\u{2019}t share your API key/secret or any other sensitive information there.";

/// What the public version masks and why, said at the top of each of its files.
pub const BANNER: &str = "Public version: besides the secrets, which no bundle holds, the consumer key, the OAuth tokens, the signatures, the nonces and the username are masked, for posting where anyone can read (Stack Overflow, a GitHub issue). Upwork's API FAQ on Stack Overflow: \"Please don\u{2019}t share your API key/secret or any other sensitive information there.\" Send Upwork support the support version (without --public): support needs the key, token, signature and nonce to find the call in its logs.";

/// The OAuth 1.0 parameters the public version masks, with the label of each mask.
const PUBLIC_PARAMETERS: &[(&str, &str)] = &[
    ("oauth_consumer_key", "consumer key"),
    ("oauth_token", "OAuth token"),
    ("oauth_signature", "signature"),
    ("oauth_nonce", "nonce"),
];

/// A redactor that knows every value the public version masks: those the bundle's records hold,
/// and every `oauth_consumer_key`, `oauth_token`, `oauth_signature` and `oauth_nonce` written in
/// `texts` (a corrected request is signed again, with a nonce and a signature of its own).
pub fn redactor(support: &Bundle, texts: &[&[u8]]) -> Redactor {
    let mut known: Vec<(&str, &str)> = Vec::new();
    if let Some(oauth) = &support.request.oauth {
        known.push(("consumer key", &oauth.consumer_key));
        if let Some(token) = &oauth.token {
            known.push(("OAuth token", token));
        }
        known.push(("signature", &oauth.signature));
        if let Some(nonce) = &oauth.nonce {
            known.push(("nonce", nonce));
        }
    }
    if let Some(username) = &support.username.value {
        known.push(("username", username));
    }
    redactor_of(&known, texts)
}

fn redactor_of(known: &[(&str, &str)], texts: &[&[u8]]) -> Redactor {
    let mut redactor = Redactor::default().without_fingerprints();
    // Values shorter than 4 characters are masked in their fields only (`Bundle::public`): by
    // value they would mask innocent text everywhere.
    for (label, value) in known {
        if !value.starts_with("[redacted") {
            redactor.learn(label, value);
        }
    }
    for text in texts {
        let text = String::from_utf8_lossy(text);
        for (name, label) in PUBLIC_PARAMETERS {
            for value in parameter_values(&text, name) {
                redactor.learn(label, &value);
                let decoded = percent_encoding::percent_decode_str(&value)
                    .decode_utf8_lossy()
                    .into_owned();
                redactor.learn(label, &decoded);
            }
        }
    }
    redactor
}

/// The public version of a support bundle's files read back (an upload to the console):
/// bundle.json's fields masked and the banner set, report.md and exchange.har with the banner,
/// then every value masked by value and the bytes scrubbed.
pub fn public_files(
    bundle_json: &serde_json::Value,
    files: &[(&'static str, Vec<u8>)],
) -> Vec<(&'static str, Vec<u8>)> {
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let oauth = &bundle_json["request"]["oauth"];
    let values: Vec<(&str, Option<String>)> = vec![
        ("consumer key", text(&oauth["consumer_key"])),
        ("OAuth token", text(&oauth["token"])),
        ("signature", text(&oauth["signature"])),
        ("nonce", text(&oauth["nonce"])),
        ("username", text(&bundle_json["username"]["value"])),
    ];
    let known: Vec<(&str, &str)> = values
        .iter()
        .filter_map(|(label, v)| v.as_deref().map(|v| (*label, v)))
        .collect();
    let texts: Vec<&[u8]> = files.iter().map(|(_, b)| b.as_slice()).collect();
    let mut redactor = redactor_of(&known, &texts);
    files
        .iter()
        .map(|(name, bytes)| {
            let with_banner = match *name {
                "bundle.json" => {
                    let mut json = bundle_json.clone();
                    json["audience"] = "public".into();
                    json["public_note"] = BANNER.into();
                    for (field, mask) in [
                        ("consumer_key", "[redacted consumer-key]"),
                        ("token", "[redacted OAuth-token]"),
                        ("signature", "[redacted signature]"),
                        ("nonce", "[redacted nonce]"),
                    ] {
                        if json["request"]["oauth"][field].is_string() {
                            json["request"]["oauth"][field] = mask.into();
                        }
                    }
                    if json["username"]["value"].is_string() {
                        json["username"]["value"] = "[redacted username]".into();
                    }
                    serde_json::to_vec_pretty(&json).unwrap_or_default()
                }
                "exchange.har" => match serde_json::from_slice::<serde_json::Value>(bytes) {
                    Ok(mut har) => {
                        har["log"]["_audience"] = "public".into();
                        har["log"]["_publicNote"] = BANNER.into();
                        serde_json::to_vec_pretty(&har).unwrap_or_default()
                    }
                    Err(_) => bytes.clone(),
                },
                "report.md" => {
                    let report = String::from_utf8_lossy(bytes);
                    let (title, rest) = report.split_once('\n').unwrap_or((&report, ""));
                    format!("{title}\n\n> **{BANNER}**\n{rest}").into_bytes()
                }
                _ => bytes.clone(),
            };
            (
                *name,
                upwork_diag_core::redact::boundary::scrub_bytes(
                    &redactor.bytes(name, &with_banner),
                ),
            )
        })
        .collect()
}

/// The values of `name` written as `name=value` or `name="value"` (a query, a form, an OAuth
/// header, the same inside a JSON string): `oauth_token` does not match `oauth_token_secret`.
fn parameter_values(text: &str, name: &str) -> Vec<String> {
    let mut values = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(name) {
        let before_ok = rest[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !(c.is_ascii_alphanumeric() || c == '_'));
        let after = rest[at + name.len()..].trim_start();
        rest = &rest[at + name.len()..];
        let Some(value) = after.strip_prefix('=').filter(|_| before_ok) else {
            continue;
        };
        let value = value.trim_start();
        let value = value
            .strip_prefix("\\\"")
            .or_else(|| value.strip_prefix('"'))
            .unwrap_or(value);
        let end = value
            .find(['&', '"', '\\', ',', ' ', '\t', '\r', '\n', '<', '`', ']'])
            .unwrap_or(value.len());
        let value = &value[..end];
        if !value.is_empty() && !value.starts_with("[redacted") {
            values.push(value.to_string());
        }
    }
    values
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_read_from_queries_headers_and_json_strings() {
        let text = r#"GET /x?oauth_consumer_key=key1&oauth_token=tok1&oauth_token_secret=s
Authorization: OAuth oauth_nonce="n1", oauth_signature="sig%3D"
{"url": "https://h/x?oauth_nonce=n2&a=1", "h": "OAuth oauth_token=\"tok2\""}"#;
        assert_eq!(parameter_values(text, "oauth_consumer_key"), ["key1"]);
        assert_eq!(parameter_values(text, "oauth_token"), ["tok1", "tok2"]);
        assert_eq!(parameter_values(text, "oauth_nonce"), ["n1", "n2"]);
        assert_eq!(parameter_values(text, "oauth_signature"), ["sig%3D"]);
        assert!(parameter_values("xoauth_token=1 oauth_token_secret=2", "oauth_token").is_empty());
        // Masked already, or empty: nothing to learn.
        assert!(
            parameter_values(
                "oauth_token=[redacted OAuth-token]&oauth_token=&x",
                "oauth_token"
            )
            .is_empty()
        );
    }

    /// An uploaded support bundle made public: each file kept in its place, the banner set in
    /// each, and every value the public version masks gone by value from all three, the
    /// username too (it is no OAuth parameter, so only bundle.json's field names it).
    #[test]
    fn an_uploaded_bundle_is_made_public_file_by_file() {
        let bundle_json = serde_json::json!({
            "schema": "x",
            "request": {"oauth": {
                "consumer_key": "ck-public-1",
                "token": "tok-public-2",
                "signature": "sig-public-3",
                "nonce": "nonce-public-4",
            }},
            "username": {"value": "jane-dev-5"},
        });
        let report =
            "# Diagnosis\nThe call of jane-dev-5 with oauth_consumer_key=ck-public-1 failed.\n";
        let har = r#"{"log": {"entries": [{"request": {"url": "https://www.upwork.com/api/x?oauth_token=tok-public-2&oauth_nonce=nonce-public-4&oauth_signature=sig-public-3"}}]}}"#;
        let files = vec![
            ("bundle.json", serde_json::to_vec(&bundle_json).unwrap()),
            ("report.md", report.as_bytes().to_vec()),
            ("exchange.har", har.as_bytes().to_vec()),
        ];
        let public = public_files(&bundle_json, &files);
        let names: Vec<&str> = public.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["bundle.json", "report.md", "exchange.har"]);
        let text = |i: usize| String::from_utf8(public[i].1.clone()).unwrap();
        for (name, bytes) in &public {
            let text = String::from_utf8_lossy(bytes);
            for value in [
                "ck-public-1",
                "tok-public-2",
                "sig-public-3",
                "nonce-public-4",
                "jane-dev-5",
            ] {
                assert!(!text.contains(value), "{value} in {name}: {text}");
            }
        }
        let json: serde_json::Value = serde_json::from_slice(&public[0].1).unwrap();
        assert_eq!(json["audience"], "public");
        assert_eq!(json["public_note"], BANNER);
        assert_eq!(
            json["request"]["oauth"]["consumer_key"],
            "[redacted consumer-key]"
        );
        assert_eq!(json["username"]["value"], "[redacted username]");
        assert_eq!(
            text(1),
            format!(
                "# Diagnosis\n\n> **{BANNER}**\nThe call of [redacted username] with \
                 oauth_consumer_key=[redacted consumer-key] failed.\n"
            )
        );
        let har: serde_json::Value = serde_json::from_slice(&public[2].1).unwrap();
        assert_eq!(har["log"]["_audience"], "public");
        assert_eq!(
            har["log"]["entries"][0]["request"]["url"],
            "https://www.upwork.com/api/x?oauth_token=[redacted OAuth-token]&oauth_nonce=[redacted nonce]&oauth_signature=[redacted signature]"
        );
    }
}
