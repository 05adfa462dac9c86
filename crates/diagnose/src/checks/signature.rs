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
    let mut fixes: Vec<String> = kinds.iter().map(|k| mistake_fix(k.name())).collect();
    fixes.dedup();
    fixes.join(" ")
}

/// What to change for a named mistake.
fn mistake_fix(name: &str) -> String {
    match name {
        "query-plus-as-space" => "Send spaces in the query as %20, never `+`: Upwork reads a `+` in the query as a plus. Build the query with an RFC 3986 encoder (`urllib.parse.quote` in Python 3, `rawurlencode` in PHP, `encodeURIComponent` in JavaScript); with requests or the official Python binding, pre-quote the value (python-upwork#49) so no `+` reaches the URL. requests-oauthlib with `signature_type='query'` writes `+` itself when it adds the OAuth parameters to the query: keep them in the Authorization header (its default).".into(),
        "space-as-plus" => "Encode spaces as %20 (RFC 3986: `rawurlencode`, `urllib.parse.quote`), never as `+`, both in the URL and in the base string.".into(),
        "double-encoded" => "Encode each parameter exactly once when building the base string: decode values taken from a URL first.".into(),
        "unencoded" => "Percent-encode every parameter name and value (RFC 3986) before joining them into the base string.".into(),
        "query-params-omitted" => "Include the query parameters in the base string, not only the oauth_* ones.".into(),
        "body-params-omitted" => "Include the parameters of a form body (application/x-www-form-urlencoded) in the base string.".into(),
        "body-params-added" => "Sign only form bodies: a JSON or other body is not part of the OAuth 1.0 base string.".into(),
        "default-port-kept" => "Drop :443 (https) and :80 (http) from the base URL.".into(),
        "wrong-scheme" => "Sign the URL with the scheme it is sent with (https).".into(),
        "unsorted-params" => "Sort the encoded parameters by name, then by value, before joining them.".into(),
        "lowercase-method" => "Use the uppercase method (POST, GET) in the base string.".into(),
        "secret-not-encoded" => "Percent-encode the consumer secret and token secret before joining them with & into the key.".into(),
        "path-re-encoded" => "Sign the path exactly as it is sent (do not decode or re-encode it, e.g. ~ stays ~).".into(),
        _ => "Correct that step of the signing code, or sign with a maintained OAuth 1.0 library.".into(),
    }
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
