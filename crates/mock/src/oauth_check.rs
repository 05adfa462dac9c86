//! OAuth 1.0 verification of an incoming call, as Upwork does it: consumer key, token, signature
//! (through [`upwork_diag_core::oauth::verify`]), version, timestamp window, nonce reuse. Each failure is a
//! 401 with its own message, so that a client learns which rule it broke.

use super::keys::Consumer;
use super::responses::{Refusal, server_time};
use super::state::{Shared, lock};
use upwork_diag_core::oauth::{SignatureMethod, SignedRequest, verify};
use upwork_diag_core::request::{CapturedRequest, RawUrl};
use upwork_diag_core::upwork::EndpointKind;
use upwork_diag_core::upwork::{errors, hosts};

/// A call whose signature checked out.
pub(crate) struct Authenticated {
    pub consumer: Consumer,
    pub signed: SignedRequest,
    /// The user an access token acts for (API calls only).
    pub username: Option<String>,
    /// That user's profile is disabled.
    pub disabled: bool,
}

fn unauthorized(message: &str) -> Refusal {
    Refusal::unauthorized(message)
}

fn param<'a>(signed: &'a SignedRequest, name: &str) -> Option<&'a str> {
    signed
        .oauth_params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Checks the OAuth 1.0 signature of a call to an endpoint of this kind.
pub(crate) fn authenticate(
    shared: &Shared,
    request: &CapturedRequest,
    kind: EndpointKind,
) -> Result<Authenticated, Refusal> {
    let signed = match SignedRequest::from_request(request) {
        Ok(Some(signed)) => signed,
        Ok(None) => return Err(unauthorized(errors::AUTHORIZATION_REQUIRED)),
        Err(error) => {
            return Err(unauthorized(&format!(
                "{} {}",
                errors::BAD_OAUTH_PARAMETERS,
                error.0
            )));
        }
    };
    let Some(consumer) = shared.config.keys.consumer(&signed.consumer_key).cloned() else {
        // A key that misses Upwork's format is told apart from a well-formed unknown one.
        if errors::key_format_problem(&signed.consumer_key).is_some() {
            return Err(unauthorized(errors::KEY_WRONG_FORMAT));
        }
        return Err(unauthorized(errors::UNKNOWN_CONSUMER));
    };
    if let Some(version) = param(&signed, "oauth_version")
        && version != "1.0"
    {
        return Err(unauthorized(&format!(
            "{} oauth_version must be 1.0 when present.",
            errors::BAD_OAUTH_PARAMETERS
        )));
    }

    let token = signed.token.as_deref().filter(|t| !t.is_empty());
    let (token_secret, username) = token_secret(shared, &consumer, token, kind)?;

    if !signature_matches(
        &signed,
        consumer.consumer_secret.expose(),
        &token_secret,
        kind,
        shared.own_port,
    ) {
        return Err(unauthorized(errors::SIGNATURE_FAILED));
    }

    check_freshness(shared, &signed)?;
    let disabled = token
        .and_then(|t| consumer.access_token(t))
        .is_some_and(|t| t.disabled);
    Ok(Authenticated {
        consumer,
        signed,
        username,
        disabled,
    })
}

/// True when the signature is right for one of the origins Upwork would accept for this call.
fn signature_matches(
    signed: &SignedRequest,
    consumer_secret: &str,
    token_secret: &str,
    kind: EndpointKind,
    own_port: u16,
) -> bool {
    accepted_origins(&signed.url, kind, own_port)
        .into_iter()
        .any(|url| {
            let at_origin = SignedRequest {
                url,
                ..signed.clone()
            };
            verify(&at_origin, consumer_secret, token_secret).ok
        })
}

/// The URLs a signature may have been made for: the call's path and query at Upwork's public
/// https origin (a call signed for `https://www.upwork.com/...` and sent here with `--base-url`,
/// as the demo, the tests and CI do, is signed right), and the URL as it reached the emulator
/// only when it was addressed to the emulator itself (`Host` not Upwork's, the emulator's port).
/// Upwork is reached over https only, so a signature made for `http://www.upwork.com`, or for
/// whatever `Host` a relay or a proxy-style request names, is refused as Upwork refuses it.
fn accepted_origins(received: &RawUrl, kind: EndpointKind, own_port: u16) -> Vec<RawUrl> {
    let host = if kind == EndpointKind::GraphQl {
        hosts::API
    } else {
        hosts::WWW
    };
    let origin = RawUrl::parse(&format!("https://{host}")).expect("Upwork's origin is a valid URL");
    let mut accepted = vec![received.rebased(&origin)];
    let addressed_here = !hosts::is_upwork_host(received.host()) && received.port() == own_port;
    if addressed_here {
        accepted.push(received.clone());
    }
    accepted
}

/// The secret of the token the call carries, and the user it acts for, when the token is of the
/// kind this endpoint wants and belongs to the consumer.
fn token_secret(
    shared: &Shared,
    consumer: &Consumer,
    token: Option<&str>,
    kind: EndpointKind,
) -> Result<(String, Option<String>), Refusal> {
    let invalid = || unauthorized(errors::INVALID_TOKEN);
    match kind {
        EndpointKind::OAuth1RequestToken => match token {
            None => Ok((String::new(), None)),
            Some(_) => Err(invalid()),
        },
        EndpointKind::OAuth1AccessToken => {
            let tokens = lock(&shared.tokens);
            let issued = token
                .and_then(|t| tokens.request.get(t))
                .filter(|t| t.consumer_key == consumer.consumer_key)
                .ok_or_else(invalid)?;
            Ok((issued.secret.expose().to_string(), None))
        }
        _ => {
            let token = token.ok_or_else(invalid)?;
            if let Some(known) = consumer.access_token(token) {
                return Ok((
                    known.secret.expose().to_string(),
                    Some(known.username.clone()),
                ));
            }
            let tokens = lock(&shared.tokens);
            let issued = tokens
                .access
                .get(token)
                .filter(|t| t.consumer_key == consumer.consumer_key)
                .ok_or_else(invalid)?;
            Ok((
                issued.secret.expose().to_string(),
                Some(issued.username.clone()),
            ))
        }
    }
}

/// The timestamp window and the nonce, checked after the signature so that a forged request
/// cannot use up someone's nonces. PLAINTEXT may leave both out (RFC 5849, 3.1).
fn check_freshness(shared: &Shared, signed: &SignedRequest) -> Result<(), Refusal> {
    let plaintext = signed.signature_method == SignatureMethod::Plaintext;
    let window = shared.config.timestamp_window.as_secs() as i64;
    let now = server_time();
    match signed.timestamp.as_deref() {
        None if plaintext => {}
        None => {
            return Err(unauthorized(&format!(
                "{} oauth_timestamp is missing.",
                errors::BAD_OAUTH_PARAMETERS
            )));
        }
        Some(text) => {
            let Ok(timestamp) = text.trim().parse::<i64>() else {
                return Err(unauthorized(&format!(
                    "{} oauth_timestamp must be whole seconds since 1970.",
                    errors::BAD_OAUTH_PARAMETERS
                )));
            };
            if (now - timestamp).abs() > window {
                return Err(unauthorized(&format!(
                    "{} Server time: {now}; oauth_timestamp: {timestamp}; allowed difference: {window} s.",
                    errors::TIMESTAMP_REFUSED
                )));
            }
        }
    }
    match signed.nonce.as_deref().filter(|n| !n.is_empty()) {
        None if plaintext => Ok(()),
        None => Err(unauthorized(&format!(
            "{} oauth_nonce is missing.",
            errors::BAD_OAUTH_PARAMETERS
        ))),
        Some(nonce) => {
            if lock(&shared.nonces).remember(&signed.consumer_key, nonce, now, window) {
                Ok(())
            } else {
                Err(unauthorized(errors::DUPLICATE_NONCE))
            }
        }
    }
}
