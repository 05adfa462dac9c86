//! OAuth 1.0 (RFC 5849): encoding, the signature base string, signing, verification and the search
//! for the mistake that reproduces a wrong signature; and the parameter-encoding problems that need
//! no secret to spot.

mod base_string;
mod encode;
#[cfg(test)]
mod fixtures;
mod mistakes;
mod param_encoding;
mod params;
mod sign;
mod signature;
mod verify;

pub use base_string::{base_string, normalize_uri, normalized_parameters};
pub use encode::{decode, encode, encode_bytes, form_decode, is_unreserved};
pub use mistakes::MistakeKind;
pub use param_encoding::{EncodingIssue, EncodingProblem, ParamPart, encoding_problems};
pub use params::{
    decode_query_pairs, oauth_authorization, parse_authorization, raw_authorization_params,
};
pub use sign::{
    Authorization, Keys, Resigned, SignOptions, authorize, header_value, sign_request,
    sign_request_at, sign_request_with, signed_url,
};
pub use signature::{sign, sign_with_key, signing_key};
pub use verify::first_difference;

use crate::request::{CapturedRequest, RawUrl};

/// The signature methods Upwork accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum SignatureMethod {
    HmacSha1,
    Plaintext,
}

/// Why a request's OAuth parameters could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct OAuthError(pub String);

/// The parts of an OAuth 1.0 signed request that signing needs, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// Method as captured (case kept).
    pub method: String,
    pub url: RawUrl,
    /// Where the oauth_* parameters were found.
    pub location: ParamLocation,
    /// oauth_* parameters (decoded), without oauth_signature and realm.
    pub oauth_params: Vec<(String, String)>,
    /// Query parameters decoded as Upwork reads them: percent-escapes decoded, a `+` a literal plus.
    pub query_params: Vec<(String, String)>,
    /// The query decoded as a form (`+` as a space, as RFC 5849 3.4.1.3.1 and most OAuth libraries
    /// read it), when that differs from Upwork's reading: what a client that sent `+` for a space
    /// signed.
    pub query_params_as_form: Option<Vec<(String, String)>>,
    /// Form body parameters decoded, when the body is a form.
    pub form_params: Vec<(String, String)>,
    /// Parameters of a body that is not a form (JSON fields, or the body read as a form): never
    /// signed, but some clients sign them.
    pub unsigned_body_params: Vec<(String, String)>,
    /// The captured oauth_signature, decoded.
    pub signature: String,
    pub signature_method: SignatureMethod,
    pub consumer_key: String,
    pub token: Option<String>,
    pub timestamp: Option<String>,
    pub nonce: Option<String>,
}

/// Where a request carries its oauth_* parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ParamLocation {
    AuthorizationHeader,
    Query,
    FormBody,
}

impl SignedRequest {
    /// `Ok(None)` when the request carries no OAuth 1.0 signature at all.
    pub fn from_request(request: &CapturedRequest) -> Result<Option<SignedRequest>, OAuthError> {
        params::signed_request(request)
    }
}

/// The result of recomputing a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    pub ok: bool,
    pub expected_signature: String,
    pub captured_signature: String,
    /// The correct base string.
    pub base_string: String,
}

/// Recomputes the signature of a captured request.
pub fn verify(request: &SignedRequest, consumer_secret: &str, token_secret: &str) -> Verification {
    verify::verify(request, consumer_secret, token_secret)
}

/// A known client mistake that reproduces a captured signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mistake {
    /// Stable name, e.g. `space-as-plus`; for two mistakes made together, the first one's.
    pub name: &'static str,
    /// Every mistake made: one, or two made together.
    pub kinds: Vec<MistakeKind>,
    /// One sentence: what the client did.
    pub description: String,
    /// The base string the client must have signed.
    pub client_base_string: String,
    /// The signature the client computed (unencoded): equal to the captured one.
    pub client_signature: String,
}

/// Tries the known mistakes, alone and then two together; the first whose signature equals the
/// captured one, if any. `None` too when the captured signature is correct.
pub fn find_mistake(
    request: &SignedRequest,
    consumer_secret: &str,
    token_secret: &str,
) -> Option<Mistake> {
    mistakes::find_mistake(request, consumer_secret, token_secret)
}

/// The request signed as a client making `mistake` would sign it (nonce, timestamp and the other
/// options as in `options`): what the demo sends to get the canonical 401. An error when the
/// mistake makes no difference for this request (`space-as-plus` where no value has a space).
pub fn sign_with_mistake(
    request: &CapturedRequest,
    keys: &Keys<'_>,
    options: &SignOptions,
    mistake: MistakeKind,
) -> Result<Resigned, OAuthError> {
    let mut resigned = sign_request_with(request, keys, options);
    let signed = SignedRequest::from_request(&resigned.request)?
        .ok_or_else(|| OAuthError("the signed request carries no signature".into()))?;
    let token_secret = keys.token_secret_or_empty();
    let signature = mistake
        .signature(&signed, keys.consumer_secret, token_secret)
        .ok_or_else(|| {
            OAuthError(format!(
                "the mistake {} makes no difference for this request",
                mistake.name()
            ))
        })?;
    let authorization = &mut resigned.authorization;
    if let Some(last) = authorization
        .oauth_params
        .iter_mut()
        .find(|(k, _)| k == "oauth_signature")
    {
        last.1 = signature.clone();
    }
    authorization.header = header_value(options.realm.as_deref(), &authorization.oauth_params);
    authorization.signed_url = signed_url(&resigned.request.url, &authorization.oauth_params);
    authorization.base_string = mistake.base_string(&signed);
    authorization.signature = signature;
    sign::set_authorization(&mut resigned.request.headers, &authorization.header);
    Ok(resigned)
}
