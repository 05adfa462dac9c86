//! The OAuth 1.0 signature, recomputed with the developer's secrets as Upwork computes it; when it
//! differs, the known mistake that reproduces the captured one is named. Without the secrets it
//! needs, the check says so instead of guessing.

use upwork_diag_core::credentials::{self, Credentials};
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::{self, MistakeKind, SignedRequest};

/// What the signature check concluded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Recomputed and equal to the captured one.
    Verified,
    /// Recomputed and different; the mistakes that reproduce it (empty when none does).
    Wrong(Vec<MistakeKind>),
    /// Not recomputed: a secret it needs was not given.
    Unverified,
}

/// What is missing to check a signature: the variables to give, and why each is needed.
type Missing = (Vec<&'static str>, Vec<String>);

/// The secrets that sign this call, taken from those given only when they are this call's: the
/// consumer secret of the call's own key, and the token secret of the call's own token (none for
/// a call without a token, whatever is given). Otherwise, what is missing and why, one line each,
/// with the variables that give it.
pub(crate) fn secrets_for<'c>(
    signed: &SignedRequest,
    credentials: &'c Credentials,
) -> Result<(&'c str, &'c str), Missing> {
    let mut variables = Vec::new();
    let mut why = Vec::new();
    if credentials.consumer_secret.is_none() {
        variables.push(credentials::CONSUMER_SECRET);
        why.push(format!("{} was not given", credentials::CONSUMER_SECRET));
    } else if let Some(key) = credentials
        .consumer_key
        .as_deref()
        .filter(|key| *key != signed.consumer_key)
    {
        variables.push(credentials::CONSUMER_SECRET);
        why.push(format!(
            "the consumer secret given belongs to {} `{key}`, and this call was signed for the key `{}`",
            credentials::CONSUMER_KEY,
            signed.consumer_key
        ));
    }
    let token = signed.token.as_deref().filter(|t| !t.is_empty());
    if let Some(token) = token {
        if credentials.token_secret.is_none() {
            variables.push(credentials::TOKEN_SECRET);
            why.push(format!(
                "{} was not given (the call carries oauth_token)",
                credentials::TOKEN_SECRET
            ));
        } else if let Some(given) = credentials.token.as_deref().filter(|t| *t != token) {
            variables.push(credentials::TOKEN_SECRET);
            why.push(format!(
                "the token secret given belongs to {} `{given}`, and this call carries the token `{token}` \
                 (in the access-token step of the OAuth 1.0 flow, the request token's secret is needed)",
                credentials::TOKEN
            ));
        }
    }
    if !why.is_empty() {
        return Err((variables, why));
    }
    let consumer_secret = credentials
        .consumer_secret
        .as_ref()
        .map_or("", |s| s.expose());
    // A call without a token is signed with an empty token secret, whatever the environment holds.
    let token_secret = match token {
        Some(_) => credentials.token_secret.as_ref().map_or("", |s| s.expose()),
        None => "",
    };
    Ok((consumer_secret, token_secret))
}

/// Recomputes the signature. Nothing is said when it is right; `signature-unverified` (inconclusive)
/// when the secrets that sign this call are not at hand (see `secrets_for`): signing with a
/// secret of another key or token, or an empty one, would accuse a correct call.
pub fn check(signed: &SignedRequest, credentials: &Credentials) -> (Outcome, Vec<Finding>) {
    let (consumer_secret, token_secret) = match secrets_for(signed, credentials) {
        Ok(secrets) => secrets,
        Err((variables, why)) => return (Outcome::Unverified, vec![unverified(&variables, &why)]),
    };
    let verification = oauth::verify(signed, consumer_secret, token_secret);
    if verification.ok {
        return (Outcome::Verified, Vec::new());
    }
    let mistake = oauth::find_mistake(signed, consumer_secret, token_secret);
    let outcome = Outcome::Wrong(
        mistake
            .as_ref()
            .map(|m| m.kinds.clone())
            .unwrap_or_default(),
    );
    let mut finding = Finding::new(
        Code::SignatureMismatch,
        Severity::Error,
        match &mistake {
            Some(m) => format!("oauth_signature is wrong: {} ({})", m.description, m.name),
            None => "oauth_signature is wrong and no known mistake reproduces it".to_string(),
        },
    )
    .evidence(
        "captured_signature",
        verification.captured_signature.clone(),
    )
    .evidence(
        "expected_signature",
        verification.expected_signature.clone(),
    )
    .evidence("expected_base_string", verification.base_string.clone());
    match mistake {
        Some(m) => {
            // Signing again as the named mistake yields the captured signature byte for byte.
            finding.set_level(EvidenceLevel::Reproduced);
            finding = finding.evidence(
                "mistakes",
                m.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
            );
            if m.kinds.contains(&MistakeKind::QueryPlusAsSpace) {
                finding = finding.source(PLUS_SOURCE);
            }
            let diff = oauth::first_difference(&m.client_base_string, &verification.base_string);
            finding = finding
                .detail(format!(
                    "Signing the request again as a client that made the mistake `{}` reproduces the \
                     captured signature exactly, so that is what the signing code does.{}",
                    m.name,
                    diff.map_or(String::new(), |at| format!(
                        " The base strings first differ at byte {at}."
                    ))
                ))
                .fix(mistakes_fix(&m.kinds))
                .evidence("mistake", m.name)
                .evidence("client_base_string", m.client_base_string)
                .evidence("first_difference_at", diff);
        }
        None => {
            // A wrong secret given here and a mistake this tool does not know look the same: only
            // a call signed correctly with these secrets, sent, tells them apart (the corrected
            // request does it).
            finding.set_level(EvidenceLevel::Inconclusive);
            finding = finding
                .detail(
                    "The signature was computed again with the secrets given, as Upwork computes it, and \
                     differs. None of the known client mistakes reproduces it, so either the secrets given \
                     are not this key's and token's, or the client makes a mistake this tool does not know. \
                     A call signed correctly with these secrets tells which: when it is sent (not offline), \
                     its answer decides.",
                )
                .fix(
                    "Check that the consumer secret and token secret given are the ones of this key and token, \
                     then compare your base string with the expected one (`upwork-diag sign --compare`): a \
                     parameter your library signed but left out of the request (an empty or null value \
                     dropped from the URL, as PHP's http_build_query drops nulls) shows there, though its \
                     name, absent from the call, cannot be searched for here.",
                );
        }
    }
    (outcome, vec![finding])
}

/// Where the rule that Upwork reads a `+` in the query as a plus comes from.
pub const PLUS_SOURCE: &str = "Upwork API FAQ (\"The call fails with status 401 if there are spaces in the parameter using OAuth\": encode per RFC 1738, urllib.quote, rawurlencode) and python-upwork#49 (a query sent with `+` for spaces refused with \"Verification of signature failed\", the same call with %20 accepted)";

fn unverified(variables: &[&str], why: &[String]) -> Finding {
    let mut names = variables.to_vec();
    names.dedup();
    let names = names.join(" and ");
    Finding::new(
        Code::SignatureUnverified,
        Severity::Info,
        format!("The OAuth 1.0 signature was not checked: {}", why.join("; ")),
    )
    .level(EvidenceLevel::Inconclusive)
    .detail(format!(
        "Checking the signature means computing it again, as Upwork does, with the secret of the call's \
         consumer key and (for a call carrying oauth_token) the secret of that token. {}, so whether the \
         signature is right is not known here.",
        capitalized(&why.join("; "))
    ))
    .fix(format!(
        "Give {names} for this call's key and token in the environment (or as NAME=value lines in a \
         file passed with --secrets-file), then run the same command again: the signature is then \
         recomputed and, when it is wrong, the mistake that produced it is named."
    ))
    .evidence("missing", variables.to_vec())
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

/// What to change for the mistakes found (one, or two made together).
fn mistakes_fix(kinds: &[MistakeKind]) -> String {
    let mut fixes: Vec<&str> = kinds.iter().map(|k| k.fix()).collect();
    fixes.dedup();
    fixes.join(" ")
}

/// `secret-rejected`: Upwork refused a signature that is right for the secrets given. The client
/// signed what it sent with those secrets, so they are not the ones Upwork holds for this key and
/// token. `None` unless the signature checks out with secrets that are this call's.
pub fn refused_though_right(signed: &SignedRequest, credentials: &Credentials) -> Option<Finding> {
    let (outcome, _) = check(signed, credentials);
    (outcome == Outcome::Verified).then(|| {
        Finding::new(
            Code::SecretRejected,
            Severity::Error,
            "Upwork refused a signature that is right for the secrets given: those secrets are not the ones Upwork holds",
        )
        .level(EvidenceLevel::Reproduced)
        .detail(format!(
            "The signature was computed again, as Upwork computes it, with the consumer secret and token \
             secret given for the key `{}`, and it is the one the call carries; Upwork refused it all \
             the same. The secrets are wrong at the source: copied wrong, another key's, regenerated, or \
             the secret of another token.",
            signed.consumer_key
        ))
        .fix(
            "Copy the key's secret again from the API Center (https://www.upwork.com/developer/keys/), without \
             spaces or line breaks, into the client and into UPWORK_CONSUMER_SECRET; for the token secret, \
             use the one issued with this access token (authorize again if unsure).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::credentials::Secret;
    use upwork_diag_core::request::CapturedRequest;
    use upwork_diag_core::request::flags::from_flags;

    const KEYS: oauth::Keys<'static> = oauth::Keys {
        consumer_key: "key",
        consumer_secret: "consumer secret",
        token: Some("token"),
        token_secret: Some("token secret"),
    };

    fn call() -> CapturedRequest {
        from_flags(
            Some("GET"),
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design",
            &[],
            None,
        )
        .unwrap()
    }

    fn options() -> oauth::SignOptions {
        oauth::SignOptions {
            nonce: Some("nonce1".into()),
            timestamp: Some(1_700_000_000),
            ..oauth::SignOptions::default()
        }
    }

    fn read(request: &CapturedRequest) -> SignedRequest {
        SignedRequest::from_request(request).unwrap().unwrap()
    }

    fn given(
        consumer_key: Option<&str>,
        token: Option<&str>,
        token_secret: Option<&str>,
    ) -> Credentials {
        Credentials {
            consumer_key: consumer_key.map(str::to_string),
            consumer_secret: Some(Secret::new("consumer secret")),
            token: token.map(str::to_string),
            token_secret: token_secret.map(Secret::new),
            ..Credentials::default()
        }
    }

    #[test]
    fn without_this_calls_own_secrets_the_signature_is_left_unchecked_and_why_is_said() {
        let signed = read(&oauth::sign_request_with(&call(), &KEYS, &options()).request);
        let (outcome, findings) = check(&signed, &Credentials::default());
        assert_eq!(outcome, Outcome::Unverified);
        assert_eq!(
            findings[0].title,
            "The OAuth 1.0 signature was not checked: UPWORK_CONSUMER_SECRET was not given; \
             UPWORK_TOKEN_SECRET was not given (the call carries oauth_token)"
        );
        assert!(
            findings[0]
                .fix
                .starts_with("Give UPWORK_CONSUMER_SECRET and UPWORK_TOKEN_SECRET for")
        );
        // Secrets of another key or token would accuse a correct call: not used, and said so.
        let (outcome, findings) = check(
            &signed,
            &given(Some("other-key"), Some("other-token"), Some("s")),
        );
        assert_eq!(outcome, Outcome::Unverified);
        assert!(
            findings[0].detail.contains(
                "The consumer secret given belongs to UPWORK_CONSUMER_KEY `other-key`, and this call was signed for the key `key`; the token secret given belongs to UPWORK_TOKEN `other-token`"
            ),
            "{}",
            findings[0].detail
        );
        assert_eq!(
            findings[0].fix.matches("UPWORK_CONSUMER_SECRET").count(),
            1,
            "{}",
            findings[0].fix
        );
    }

    #[test]
    fn a_signature_right_for_the_secrets_is_verified_and_a_refusal_of_it_blames_them() {
        let signed = read(&oauth::sign_request_with(&call(), &KEYS, &options()).request);
        let credentials = given(Some("key"), Some("token"), Some("token secret"));
        assert_eq!(
            check(&signed, &credentials),
            (Outcome::Verified, Vec::new())
        );
        let rejected = refused_though_right(&signed, &credentials).unwrap();
        assert_eq!(rejected.code, Code::SecretRejected);
        assert!(
            rejected.detail.contains("given for the key `key`"),
            "{}",
            rejected.detail
        );
        // A call without a token (or an empty one) is signed with an empty token secret,
        // whatever token secret is given.
        let tokenless = oauth::Keys {
            token: None,
            token_secret: None,
            ..KEYS
        };
        let signed = read(&oauth::sign_request_with(&call(), &tokenless, &options()).request);
        assert_eq!(
            check(&signed, &given(None, None, Some("token secret"))).0,
            Outcome::Verified
        );
        let empty = oauth::Keys {
            token: Some(""),
            token_secret: None,
            ..KEYS
        };
        let signed = read(&oauth::sign_request_with(&call(), &empty, &options()).request);
        assert_eq!(
            check(&signed, &given(None, None, None)).0,
            Outcome::Verified
        );
    }

    #[test]
    fn a_wrong_signature_names_the_mistake_that_reproduces_it_and_its_fix() {
        let credentials = given(None, None, Some("token secret"));
        let broken =
            oauth::sign_with_mistake(&call(), &KEYS, &options(), MistakeKind::DoubleEncoded)
                .unwrap();
        let (outcome, findings) = check(&read(&broken.request), &credentials);
        assert_eq!(outcome, Outcome::Wrong(vec![MistakeKind::DoubleEncoded]));
        let f = &findings[0];
        assert_eq!(f.evidence_level, EvidenceLevel::Reproduced);
        assert_eq!(f.fix, MistakeKind::DoubleEncoded.fix());
        assert!(
            f.detail.starts_with(
                "Signing the request again as a client that made the mistake `double-encoded` reproduces"
            ),
            "{}",
            f.detail
        );
        // Signed with other secrets: no known mistake, and the tool says it cannot tell.
        let other = oauth::Keys {
            consumer_secret: "another secret",
            ..KEYS
        };
        let signed = read(&oauth::sign_request_with(&call(), &other, &options()).request);
        let (outcome, findings) = check(&signed, &credentials);
        assert_eq!(outcome, Outcome::Wrong(Vec::new()));
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Inconclusive);
        assert_eq!(
            findings[0].title,
            "oauth_signature is wrong and no known mistake reproduces it"
        );
        assert!(refused_though_right(&signed, &credentials).is_none());
    }

    #[test]
    fn the_fixes_of_two_mistakes_are_told_once_each() {
        assert_eq!(
            mistakes_fix(&[MistakeKind::LowercaseHex, MistakeKind::LowercaseHex]),
            MistakeKind::LowercaseHex.fix()
        );
        assert_eq!(
            mistakes_fix(&[MistakeKind::WrongScheme, MistakeKind::LowercaseMethod]),
            format!(
                "{} {}",
                MistakeKind::WrongScheme.fix(),
                MistakeKind::LowercaseMethod.fix()
            )
        );
    }
}
