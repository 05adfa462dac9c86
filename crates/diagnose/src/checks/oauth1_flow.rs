//! The OAuth 1.0 three-legged flow, one finding per step: the request token call
//! (`oauth1-request-token-call`), the authorization page (`oauth1-authorize`) and the access token call
//! (`oauth1-access-token-call`), from the call (and the secrets, when given) and the answer.
//!
//! The public reports: python-upwork#32 (an authorize URL with `oauth_token=None`: the request
//! token call had failed unnoticed), python-upwork#47 (`get_access_token` returning `None, None`),
//! ruby-upwork#10, php-upwork#7 and #12, node-upwork#6 (the flow's steps mixed up). Upwork's own
//! texts for the refusals of the flow are not public: the answers are read by their meaning.

use crate::classify::{Classification, Kind};
use upwork_diag_core::credentials::Credentials;
use upwork_diag_core::diagnosis::{EvidenceLevel, Finding, Severity};
use upwork_diag_core::findings::Code;
use upwork_diag_core::oauth::{self, SignedRequest};
use upwork_diag_core::request::CapturedRequest;
use upwork_diag_core::upwork::{EndpointKind, endpoint_for};

/// The public reports of the flow's failures.
pub const FLOW_SOURCES: &str = "python-upwork#32 (https://github.com/upwork/python-upwork/issues/32): an authorize URL with oauth_token=None; python-upwork#47: get_access_token returning None, None; ruby-upwork#10, php-upwork#7, php-upwork#12, node-upwork#6: the steps of the flow";

use upwork_diag_core::upwork::urls::{OAUTH1_AUTHORIZE, OAUTH1_REQUEST_TOKEN};

/// The step of the flow a call is, if it is one.
fn step(request: &CapturedRequest) -> Option<EndpointKind> {
    let kind = endpoint_for(&request.effective_method(), request.url.path())?.kind;
    matches!(
        kind,
        EndpointKind::OAuth1RequestToken
            | EndpointKind::OAuth1Authorize
            | EndpointKind::OAuth1AccessToken
    )
    .then_some(kind)
}

/// A value that stands for nothing: what a client writes when the value it meant was missing.
fn is_placeholder(value: &str) -> bool {
    let value = value.trim();
    value.is_empty()
        || ["none", "null", "undefined", "nil", "false"]
            .iter()
            .any(|p| value.eq_ignore_ascii_case(p))
}

fn oauth_param(signed: &SignedRequest, name: &str) -> Option<String> {
    signed
        .oauth_params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// The checks of the call itself, with the secrets when given.
pub fn before_sending(request: &CapturedRequest, credentials: &Credentials) -> Vec<Finding> {
    match step(request) {
        Some(EndpointKind::OAuth1Authorize) => authorize(request).into_iter().collect(),
        Some(EndpointKind::OAuth1RequestToken) => {
            request_token(request, credentials).into_iter().collect()
        }
        Some(EndpointKind::OAuth1AccessToken) => {
            access_token(request, credentials).into_iter().collect()
        }
        _ => Vec::new(),
    }
}

fn authorize(request: &CapturedRequest) -> Option<Finding> {
    let token = request.url.query_value("oauth_token");
    if token.as_deref().is_some_and(|t| !is_placeholder(t)) {
        return None;
    }
    let sent = match &token {
        None => "no oauth_token".to_string(),
        Some(t) if t.is_empty() => "an empty oauth_token".to_string(),
        Some(t) => format!("oauth_token={t}"),
    };
    Some(
        Finding::new(
            Code::Oauth1Authorize,
            Severity::Error,
            format!("The authorization URL carries {sent}: there is no request token to authorize"),
        )
        .detail(format!(
            "The user is sent to {OAUTH1_AUTHORIZE} to authorize a request token, named by oauth_token. \
             This URL carries {sent}: the request token call before it failed, or its answer was not \
             read (a library that returns None on a refused call, python-upwork#32), so the page \
             cannot work."
        ))
        .fix(format!(
            "Check the request token call first: POST {OAUTH1_REQUEST_TOKEN}, signed with the consumer key \
             and secret alone, with oauth_callback (your callback URL, or oob); its answer is \
             oauth_token=...&oauth_token_secret=.... Stop when it fails (upwork-diag diagnose it, or \
             upwork-diag flow oauth1), and build the authorization URL from the oauth_token it gives."
        ))
        .source(FLOW_SOURCES)
        .evidence("mistake", "no-request-token")
        .evidence("step", "authorize"),
    )
}

fn request_token(request: &CapturedRequest, credentials: &Credentials) -> Option<Finding> {
    let signed = SignedRequest::from_request(request).ok().flatten()?;
    let base = |title: &str, mistake: &str| {
        Finding::new(
            Code::Oauth1RequestTokenCall,
            Severity::Error,
            title.to_string(),
        )
        .source(FLOW_SOURCES)
        .evidence("mistake", mistake.to_string())
        .evidence("step", "request-token")
    };
    if signed
        .token
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty())
    {
        return Some(
            base(
                "The request token call carries an oauth_token",
                "token-on-request-token-call",
            )
            .detail(
                "The request token call is the first step: signed with the consumer key and secret \
                 alone, it has no token yet. This one carries oauth_token (an access token or an old \
                 request token kept from before), which Upwork refuses at this step.",
            )
            .fix(format!(
                "Send POST {OAUTH1_REQUEST_TOKEN} without oauth_token, signed with the signing key \
                 `consumer_secret&` (nothing after the &)."
            )),
        );
    }
    // Signed with a token secret (an old access token's, kept in the client): only the secrets
    // tell. The signature check verifies with an empty token secret, as the step needs.
    let consumer = credentials.consumer_secret.as_ref()?.expose();
    let token_secret = credentials.token_secret.as_ref()?.expose();
    if token_secret.is_empty()
        || oauth::verify(&signed, consumer, "").ok
        || !oauth::verify(&signed, consumer, token_secret).ok
    {
        return None;
    }
    Some(
        base(
            "The request token call is signed with a token secret",
            "signed-with-token-secret",
        )
        .detail(
            "Signed again with the signing key `consumer_secret&token_secret` (the token secret given \
             in UPWORK_TOKEN_SECRET) the signature is the captured one byte for byte: the client put a \
             token secret into the key of a call that has no token. Upwork verifies it with \
             `consumer_secret&` and refuses it.",
        )
        .fix("Sign the request token call with the consumer secret alone (`consumer_secret&`); clear any token and token secret the client kept from a previous authorization before starting the flow.")
        .level(EvidenceLevel::Reproduced),
    )
}

fn access_token(request: &CapturedRequest, credentials: &Credentials) -> Option<Finding> {
    let signed = SignedRequest::from_request(request).ok().flatten()?;
    let base = |title: String, mistake: &str| {
        Finding::new(Code::Oauth1AccessTokenCall, Severity::Error, title)
            .source(FLOW_SOURCES)
            .evidence("mistake", mistake.to_string())
            .evidence("step", "access-token")
    };
    let token = signed.token.clone().unwrap_or_default();
    if is_placeholder(&token) {
        let sent = if token.is_empty() {
            "no oauth_token".to_string()
        } else {
            format!("oauth_token={token}")
        };
        return Some(
            base(format!("The access token call carries {sent}"), "no-request-token")
                .detail(format!(
                    "The access token call exchanges the authorized request token: it must carry it as \
                     oauth_token and be signed with its secret. This one carries {sent}: the request \
                     token of the first step was lost (or never came)."
                ))
                .fix("Keep the oauth_token and oauth_token_secret of the request token answer until the exchange, and sign the access token call with them and the verifier."),
        );
    }
    let verifier = oauth_param(&signed, "oauth_verifier").unwrap_or_default();
    if is_placeholder(&verifier) {
        return Some(
            base(
                "The access token call carries no oauth_verifier".to_string(),
                "no-verifier",
            )
            .detail(
                "OAuth 1.0a: the access token call must carry the oauth_verifier the authorization \
                 gave (in the callback's query, or on the page with oob), inside the signed \
                 parameters. Without it the request token cannot be exchanged.",
            )
            .fix("Read oauth_verifier from the callback (or the page, for oob) and send it with the access token call, signed with the other oauth_* parameters."),
        );
    }
    // Signed without the request token's secret: only the secrets tell.
    let consumer = credentials.consumer_secret.as_ref()?.expose();
    let token_secret = credentials.token_secret.as_ref()?.expose();
    if token_secret.is_empty()
        || oauth::verify(&signed, consumer, token_secret).ok
        || !oauth::verify(&signed, consumer, "").ok
    {
        return None;
    }
    Some(
        base(
            "The access token call is signed without the request token's secret".to_string(),
            "signed-without-request-token-secret",
        )
        .detail(
            "Signed again with `consumer_secret&` (the request token's secret left out) the signature \
             is the captured one byte for byte. The access token call must be signed with \
             `consumer_secret&request_token_secret`, the secret of the request token answer.",
        )
        .fix("Keep the oauth_token_secret of the request token answer and sign the access token call with it.")
        .level(EvidenceLevel::Reproduced),
    )
}

/// The answers of the flow's steps that name their cause.
pub fn after_response(request: &CapturedRequest, classification: &Classification) -> Vec<Finding> {
    let refused = matches!(
        classification.kind,
        Kind::Unauthorized | Kind::TokenExpired | Kind::BadRequest
    );
    if !refused || !before_sending(request, &Credentials::default()).is_empty() {
        return Vec::new();
    }
    let said = classification
        .message
        .clone()
        .unwrap_or_else(|| classification.status.to_string());
    let lower = said.to_ascii_lowercase();
    let status = classification.status;
    let finding = match step(request) {
        Some(EndpointKind::OAuth1AccessToken) if lower.contains("verifier") => Finding::new(
            Code::Oauth1AccessTokenCall,
            Severity::Error,
            "Upwork refused the oauth_verifier of the access token call",
        )
        .detail(format!(
            "Upwork answered {status}: {said} The verifier is not the one the authorization gave for \
             this request token: a verifier of another request token (the flow started twice, two \
             tabs, a stored verifier), mistyped, or cut."
        ))
        .fix("Use the oauth_verifier of the same authorization as the oauth_token you exchange; when in doubt start the flow again from the request token.")
        .evidence("mistake", "verifier-refused"),
        Some(EndpointKind::OAuth1AccessToken) if lower.contains("token") => Finding::new(
            Code::Oauth1AccessTokenCall,
            Severity::Error,
            "Upwork refused the request token of the access token call",
        )
        .detail(format!(
            "Upwork answered {status}: {said} A request token is exchanged once, within minutes of \
             being issued, by the key that asked for it: this one was exchanged already (a retry, a \
             reloaded callback), expired while the user authorized, or is another key's."
        ))
        .fix("Start the flow again (request token, authorize, access token) and exchange the new request token once, at once; keep the access token it gives: it does not expire.")
        .evidence("mistake", "request-token-used-or-expired"),
        Some(EndpointKind::OAuth1RequestToken) if lower.contains("token") => Finding::new(
            Code::Oauth1RequestTokenCall,
            Severity::Error,
            "Upwork refused the request token call",
        )
        .detail(format!("Upwork answered {status}: {said}"))
        .fix(format!(
            "Send POST {OAUTH1_REQUEST_TOKEN} without oauth_token, signed with `consumer_secret&`."
        ))
        .evidence("mistake", "refused"),
        _ => return Vec::new(),
    };
    vec![
        finding
            .source(FLOW_SOURCES)
            .evidence("status", status)
            .evidence("message", said),
    ]
}

/// A refusal of the step a static finding blamed makes it the cause.
pub fn weigh(findings: &mut [Finding], classification: &Classification) {
    let refused = matches!(
        classification.kind,
        Kind::Unauthorized | Kind::TokenExpired | Kind::BadRequest | Kind::SignatureRejected
    );
    if !refused {
        return;
    }
    for finding in findings.iter_mut().filter(|f| {
        matches!(
            f.code,
            Code::Oauth1RequestTokenCall | Code::Oauth1Authorize | Code::Oauth1AccessTokenCall
        ) && f.evidence_level < EvidenceLevel::Reproduced
    }) {
        finding.raise(EvidenceLevel::Reproduced);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use upwork_diag_core::credentials::Secret;
    use upwork_diag_core::request::flags::from_flags;

    const REQUEST_TOKEN: &str = "https://www.upwork.com/api/auth/v1/oauth/token/request";
    const ACCESS_TOKEN: &str = "https://www.upwork.com/api/auth/v1/oauth/token/access";

    fn post(url: &str) -> CapturedRequest {
        from_flags(Some("POST"), url, &[], Some(Vec::new())).unwrap()
    }

    /// The call signed with these token and token secret (the consumer's are always given).
    fn signed(url: &str, token: Option<&str>, token_secret: Option<&str>) -> CapturedRequest {
        let keys = oauth::Keys {
            consumer_key: "key",
            consumer_secret: "consumer secret",
            token,
            token_secret,
        };
        oauth::sign_request_at(&post(url), &keys, "nonce1", 1_700_000_000)
    }

    /// The secrets given to the tool: the consumer's, and a token secret.
    fn given(token_secret: &str) -> Credentials {
        Credentials {
            consumer_secret: Some(Secret::new("consumer secret")),
            token_secret: Some(Secret::new(token_secret)),
            ..Credentials::default()
        }
    }

    fn mistakes(findings: &[Finding]) -> Vec<&str> {
        findings
            .iter()
            .map(|f| f.evidence["mistake"].as_str().unwrap())
            .collect()
    }

    fn answer(kind: Kind, status: u16, message: Option<&str>) -> Classification {
        Classification {
            message: message.map(str::to_string),
            ..Classification::bare(kind, status)
        }
    }

    #[test]
    fn an_authorization_url_without_a_real_request_token() {
        let page = |query: &str| {
            let url = format!("https://www.upwork.com/services/api/auth{query}");
            let request = from_flags(Some("GET"), &url, &[], None).unwrap();
            before_sending(&request, &Credentials::default())
        };
        for (query, sent) in [
            ("", "no oauth_token"),
            ("?oauth_token=", "an empty oauth_token"),
            ("?oauth_token=None", "oauth_token=None"),
            ("?oauth_token=undefined", "oauth_token=undefined"),
        ] {
            let findings = page(query);
            assert_eq!(mistakes(&findings), ["no-request-token"], "{query}");
            assert_eq!(
                findings[0].title,
                format!(
                    "The authorization URL carries {sent}: there is no request token to authorize"
                )
            );
        }
        assert!(page("?oauth_token=a1b2c3").is_empty());
    }

    #[test]
    fn the_request_token_call_has_no_token_and_no_token_secret_in_its_key() {
        let none = Credentials::default();
        let with_token = signed(REQUEST_TOKEN, Some("old-access-token"), Some("old secret"));
        assert_eq!(
            mistakes(&before_sending(&with_token, &none)),
            ["token-on-request-token-call"]
        );
        // A token secret in the signing key of a call without a token is told by the secrets
        // (tests/suite/failures.rs signs one as the broken client does); without them, nothing.
        let right = signed(REQUEST_TOKEN, None, None);
        assert!(before_sending(&right, &none).is_empty());
        // Signed as the step needs: nothing to say.
        let right = signed(REQUEST_TOKEN, None, None);
        assert!(before_sending(&right, &given("old secret")).is_empty());
        // Signed with another consumer secret than the one given: neither key reproduces it, so
        // nothing says a token secret was in it.
        let keys = oauth::Keys {
            consumer_key: "key",
            consumer_secret: "another consumer secret",
            token: None,
            token_secret: None,
        };
        let other = oauth::sign_request_at(&post(REQUEST_TOKEN), &keys, "nonce1", 1_700_000_000);
        assert!(before_sending(&other, &given("old secret")).is_empty());
    }

    #[test]
    fn the_access_token_call_carries_the_request_token_its_verifier_and_its_secret() {
        let none = Credentials::default();
        let verified = format!("{ACCESS_TOKEN}?oauth_verifier=v1");
        let lost = signed(&verified, Some("None"), Some("rts"));
        let findings = before_sending(&lost, &none);
        assert_eq!(mistakes(&findings), ["no-request-token"]);
        assert_eq!(
            findings[0].title,
            "The access token call carries oauth_token=None"
        );
        let without = signed(&verified, None, None);
        assert_eq!(
            before_sending(&without, &none)[0].title,
            "The access token call carries no oauth_token"
        );
        for query in ["", "?oauth_verifier=null"] {
            let unverified = signed(&format!("{ACCESS_TOKEN}{query}"), Some("rt"), Some("rts"));
            assert_eq!(
                mistakes(&before_sending(&unverified, &none)),
                ["no-verifier"],
                "{query}"
            );
        }
        // Signed with `consumer_secret&`: the request token's secret was left out.
        let unkeyed = signed(&verified, Some("rt"), None);
        let findings = before_sending(&unkeyed, &given("rts"));
        assert_eq!(mistakes(&findings), ["signed-without-request-token-secret"]);
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Reproduced);
        assert!(before_sending(&unkeyed, &none).is_empty());
        assert!(before_sending(&unkeyed, &given("")).is_empty());
        // Signed with another secret than either: not this mistake.
        let other = signed(&verified, Some("rt"), Some("other"));
        assert!(before_sending(&other, &given("rts")).is_empty());
        let right = signed(&verified, Some("rt"), Some("rts"));
        assert!(before_sending(&right, &given("rts")).is_empty());
    }

    #[test]
    fn upworks_refusal_of_a_step_is_read_by_what_it_names() {
        let exchange = signed(
            &format!("{ACCESS_TOKEN}?oauth_verifier=v1"),
            Some("rt"),
            Some("rts"),
        );
        let said = |call: &CapturedRequest, kind: Kind, message: &str| {
            mistakes(&after_response(call, &answer(kind, 401, Some(message))))
                .into_iter()
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            said(&exchange, Kind::Unauthorized, "Invalid verifier"),
            ["verifier-refused"]
        );
        assert_eq!(
            said(&exchange, Kind::TokenExpired, "Token expired"),
            ["request-token-used-or-expired"]
        );
        assert_eq!(
            said(&exchange, Kind::BadRequest, "Bad token"),
            ["request-token-used-or-expired"]
        );
        assert!(said(&exchange, Kind::Unauthorized, "Something else").is_empty());
        assert!(said(&exchange, Kind::SignatureRejected, "Invalid token").is_empty());
        let first = signed(REQUEST_TOKEN, None, None);
        let refused = after_response(
            &first,
            &answer(Kind::Unauthorized, 401, Some("Invalid token")),
        );
        assert_eq!(mistakes(&refused), ["refused"]);
        assert_eq!(refused[0].detail, "Upwork answered 401: Invalid token");
        // Without words, the status is what was said; a call the static checks already blame is
        // left to them.
        let bare = after_response(&first, &answer(Kind::Unauthorized, 401, None));
        assert!(bare.is_empty(), "a bare 401 names no token");
        let with_token = signed(REQUEST_TOKEN, Some("old"), Some("old secret"));
        assert!(
            after_response(
                &with_token,
                &answer(Kind::Unauthorized, 401, Some("Invalid token"))
            )
            .is_empty()
        );
    }

    #[test]
    fn a_refusal_of_the_step_makes_its_finding_the_cause() {
        let flow = Finding::new(Code::Oauth1Authorize, Severity::Error, "no request token");
        let other = Finding::new(Code::ContentLengthMissing, Severity::Error, "no length");
        for kind in [
            Kind::Unauthorized,
            Kind::TokenExpired,
            Kind::BadRequest,
            Kind::SignatureRejected,
        ] {
            let mut findings = vec![flow.clone(), other.clone()];
            weigh(&mut findings, &answer(kind, 401, None));
            assert_eq!(
                findings[0].evidence_level,
                EvidenceLevel::Reproduced,
                "{kind:?}"
            );
            assert_eq!(
                findings[1].evidence_level,
                EvidenceLevel::Documented,
                "{kind:?}"
            );
        }
        let mut findings = vec![flow];
        weigh(&mut findings, &answer(Kind::Success, 200, None));
        assert_eq!(findings[0].evidence_level, EvidenceLevel::Documented);
    }
}
