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

#[cfg(test)]
mod tests {
    use crate::testing::{
        Answer, captured, consumer, full, now, send, send_request, send_signed, shared, sign,
    };
    use upwork_diag_core::oauth::{self, SignOptions, SignatureMethod};
    use upwork_diag_core::upwork::errors;

    const INFO: &str = "/api/auth/v1/info.json";

    fn refusal(answer: &Answer) -> (u16, &str) {
        (answer.status, answer.message())
    }

    fn at(timestamp: u64, nonce: &str) -> SignOptions {
        SignOptions {
            timestamp: Some(timestamp),
            nonce: Some(nonce.to_string()),
            ..SignOptions::default()
        }
    }

    #[test]
    fn each_broken_rule_gets_its_own_401() {
        let shared = shared();
        let get = |keys: &oauth::Keys<'_>, options: &SignOptions| {
            send_signed(&shared, "GET", INFO, &[], "", keys, options)
        };
        let fresh = SignOptions::default();
        assert_eq!(
            refusal(&send(&shared, "GET", INFO, &[], "")),
            (401, errors::AUTHORIZATION_REQUIRED)
        );
        let unknown = oauth::Keys {
            consumer_key: "0123456789abcdef0123456789abcdef",
            ..full()
        };
        assert_eq!(
            refusal(&get(&unknown, &fresh)),
            (401, errors::UNKNOWN_CONSUMER)
        );
        let malformed = oauth::Keys {
            consumer_key: "0123456789abcdef",
            ..full()
        };
        assert_eq!(
            refusal(&get(&malformed, &fresh)),
            (401, errors::KEY_WRONG_FORMAT)
        );
        let wrong_secret = oauth::Keys {
            token_secret: Some("not-the-token-secret"),
            ..full()
        };
        assert_eq!(
            refusal(&get(&wrong_secret, &fresh)),
            (401, errors::SIGNATURE_FAILED)
        );
        let unknown_token = oauth::Keys {
            token: Some("not-a-token"),
            ..full()
        };
        assert_eq!(
            refusal(&get(&unknown_token, &fresh)),
            (401, errors::INVALID_TOKEN)
        );
        // An API call needs an access token.
        assert_eq!(
            refusal(&get(&consumer(), &fresh)),
            (401, errors::INVALID_TOKEN)
        );
        // The limited consumer's token is not the full consumer's.
        let borrowed = oauth::Keys {
            token: Some(crate::demo::LIMITED_TOKEN),
            token_secret: Some(crate::demo::LIMITED_TOKEN_SECRET),
            ..full()
        };
        assert_eq!(
            refusal(&get(&borrowed, &fresh)),
            (401, errors::INVALID_TOKEN)
        );
        // A token on the request token call.
        let target = "/api/auth/v1/oauth/token/request";
        let answer = send_signed(&shared, "POST", target, &[], "", &full(), &fresh);
        assert_eq!(refusal(&answer), (401, errors::INVALID_TOKEN));
        // A version other than 1.0.
        let request = captured("GET", &format!("https://www.upwork.com{INFO}"), &[], "");
        let signed = sign(&request, &full(), &fresh);
        let mut two = signed.clone();
        for header in &mut two.headers {
            if header.name.eq_ignore_ascii_case("authorization") {
                header.value = format!("{}, oauth_version=\"2.0\"", header.value);
            }
        }
        let answer = send_request(&shared, &two, crate::testing::HOST);
        assert_eq!(
            refusal(&answer),
            (
                401,
                "Invalid OAuth parameters. oauth_version must be 1.0 when present."
            )
        );
        let version = SignOptions {
            version: true,
            ..SignOptions::default()
        };
        assert_eq!(get(&full(), &version).status, 200);
    }

    #[test]
    fn the_timestamp_window_and_the_nonce_are_checked_after_the_signature() {
        let shared = shared();
        let get =
            |options: &SignOptions| send_signed(&shared, "GET", INFO, &[], "", &full(), options);
        let now = now();
        for stale in [now - 3600, now + 3600] {
            let answer = get(&at(stale, &format!("n-{stale}")));
            assert_eq!(answer.status, 401);
            assert!(
                answer.message().starts_with(errors::TIMESTAMP_REFUSED)
                    && answer.message().ends_with(&format!(
                        "; oauth_timestamp: {stale}; allowed difference: 300 s."
                    )),
                "{}",
                answer.message()
            );
        }
        // Within the window, either way.
        assert_eq!(get(&at(now - 200, "early")).status, 200);
        assert_eq!(get(&at(now + 200, "late")).status, 200);
        assert_eq!(get(&at(now, "once")).status, 200);
        assert_eq!(
            refusal(&get(&at(now, "once"))),
            (401, errors::DUPLICATE_NONCE)
        );
        // A forged call does not use the nonce up.
        let forged = oauth::Keys {
            token_secret: Some("forged"),
            ..full()
        };
        let answer = send_signed(&shared, "GET", INFO, &[], "", &forged, &at(now, "kept"));
        assert_eq!(refusal(&answer), (401, errors::SIGNATURE_FAILED));
        assert_eq!(get(&at(now, "kept")).status, 200);
    }

    #[test]
    fn plaintext_may_leave_out_timestamp_and_nonce_but_hmac_may_not() {
        let shared = shared();
        let strip = |method: SignatureMethod, name: &str| {
            let request = captured("GET", &format!("https://www.upwork.com{INFO}"), &[], "");
            let options = SignOptions {
                method,
                ..SignOptions::default()
            };
            let mut signed = sign(&request, &full(), &options);
            for header in &mut signed.headers {
                if header.name.eq_ignore_ascii_case("authorization") {
                    header.value = header
                        .value
                        .split(", ")
                        .filter(|p| !p.contains(name))
                        .collect::<Vec<_>>()
                        .join(", ");
                }
            }
            send_request(&shared, &signed, crate::testing::HOST)
        };
        // PLAINTEXT signs neither: the call stands without them.
        assert_eq!(
            strip(SignatureMethod::Plaintext, "oauth_timestamp").status,
            200
        );
        assert_eq!(strip(SignatureMethod::Plaintext, "oauth_nonce").status, 200);
        // HMAC-SHA1 signs both: the signature fails without either.
        assert_eq!(strip(SignatureMethod::HmacSha1, "oauth_nonce").status, 401);
    }

    /// A call signed right with HMAC-SHA1 whose OAuth parameters are the consumer key, the token,
    /// the method and `extra`: a client that leaves out the timestamp or the nonce signs without it.
    fn hmac_signed_with(extra: &str) -> upwork_diag_core::request::CapturedRequest {
        let header = |signature: &str| {
            format!(
                "OAuth oauth_consumer_key=\"demo-consumer-key\", oauth_token=\"demo-token\", oauth_signature_method=\"HMAC-SHA1\"{extra}, oauth_signature=\"{signature}\""
            )
        };
        let url = format!("https://www.upwork.com{INFO}");
        let unsigned = captured("GET", &url, &[("Authorization", &header("x"))], "");
        let parsed = oauth::SignedRequest::from_request(&unsigned)
            .unwrap()
            .unwrap();
        let expected = oauth::verify(
            &parsed,
            crate::demo::CONSUMER_SECRET,
            crate::demo::TOKEN_SECRET,
        )
        .expected_signature;
        let authorization = header(&oauth::encode(&expected));
        captured("GET", &url, &[("Authorization", &authorization)], "")
    }

    #[test]
    fn hmac_needs_a_timestamp_of_whole_seconds_and_a_nonce() {
        let shared = shared();
        let send =
            |extra: &str| send_request(&shared, &hmac_signed_with(extra), crate::testing::HOST);
        let now = now();
        assert_eq!(
            send(&format!(", oauth_timestamp=\"{now}\", oauth_nonce=\"n1\"")).status,
            200
        );
        assert_eq!(
            refusal(&send(", oauth_nonce=\"n2\"")),
            (401, "Invalid OAuth parameters. oauth_timestamp is missing.")
        );
        assert_eq!(
            refusal(&send(&format!(", oauth_timestamp=\"{now}\""))),
            (401, "Invalid OAuth parameters. oauth_nonce is missing.")
        );
        assert_eq!(
            refusal(&send(&format!(
                ", oauth_timestamp=\"{now}\", oauth_nonce=\"\""
            ))),
            (401, "Invalid OAuth parameters. oauth_nonce is missing.")
        );
        assert_eq!(
            refusal(&send(", oauth_timestamp=\"soon\", oauth_nonce=\"n3\"")),
            (
                401,
                "Invalid OAuth parameters. oauth_timestamp must be whole seconds since 1970."
            )
        );
    }

    #[test]
    fn a_signature_is_good_for_upwork_s_https_origin_or_the_emulator_s_own_address() {
        let shared = shared();
        let fresh = SignOptions::default();
        let at_origin = |url: &str, host: &str| {
            let request = captured("GET", &format!("{url}{INFO}"), &[], "");
            send_request(&shared, &sign(&request, &full(), &fresh), host)
        };
        let host = crate::testing::HOST;
        assert_eq!(at_origin("https://www.upwork.com", host).status, 200);
        assert_eq!(at_origin("http://127.0.0.1:8080", host).status, 200);
        // Another port is not this emulator's address; plain http is not Upwork's origin.
        let other = at_origin("http://127.0.0.1:9090", "127.0.0.1:9090");
        assert_eq!(refusal(&other), (401, errors::SIGNATURE_FAILED));
        let http = at_origin("http://www.upwork.com", host);
        assert_eq!(refusal(&http), (401, errors::SIGNATURE_FAILED));
        // Signed for the address it names, when that is Upwork's: refused, Upwork is https only.
        let upwork_here = at_origin("http://www.upwork.com:8080", "www.upwork.com:8080");
        assert_eq!(refusal(&upwork_here), (401, errors::SIGNATURE_FAILED));
        // The API host is GraphQL's, not the REST API's.
        let api = at_origin("https://api.upwork.com", host);
        assert_eq!(refusal(&api), (401, errors::SIGNATURE_FAILED));
    }
}
