//! Signing with `oauth1-request` as the reference signer: the Authorization header for a request,
//! the base string it signed (recorded through a wrapping [`Sign`]), and a captured request re-signed
//! correctly for the replay that confirms a fix.
//!
//! `oauth1-request` 0.6 takes a URI without query and does not normalize it, writes parameter names
//! into the base string unencoded and expects the parameters sorted already; so the URI is
//! normalized here, names are passed encoded twice (the base string encodes once more what the
//! normalized parameters encode once) and values encoded once through
//! `serialize_parameter_encoded`, sorted by their encoded form.

use std::cell::RefCell;
use std::fmt::{Display, Write as _};
use std::num::NonZeroU64;
use std::rc::Rc;

use oauth::serializer::Serializer;
use oauth::signature_method::{Sign, SignatureMethod as OAuthMethod};
use oauth1_request as oauth;

use super::base_string::normalize_uri;
use super::encode::{decode, encode, form_decode};
use super::params::{
    decode_form_pairs, decode_query_pairs, oauth_authorization, parse_authorization,
    raw_authorization_params,
};
use super::{OAuthError, SignatureMethod};
use crate::credentials::Credentials;
use crate::request::{CapturedRequest, Header, RawUrl};

/// The OAuth 1.0 keys that sign a request. A missing token is a two-legged request (the token
/// secret is then ignored); a token without secret signs with an empty token secret.
#[derive(Clone, Copy)]
pub struct Keys<'a> {
    /// `oauth_consumer_key`.
    pub consumer_key: &'a str,
    /// The consumer secret, first half of the signing key.
    pub consumer_secret: &'a str,
    /// `oauth_token`: the temporary or access token, absent for the temporary-credentials request.
    pub token: Option<&'a str>,
    /// The token secret, second half of the signing key.
    pub token_secret: Option<&'a str>,
}

impl std::fmt::Debug for Keys<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keys")
            .field("consumer_key", &self.consumer_key)
            .field("consumer_secret", &"***")
            .field("token", &self.token)
            .field("token_secret", &self.token_secret.map(|_| "***"))
            .finish()
    }
}

impl<'a> Keys<'a> {
    /// The OAuth 1.0 part of the developer's credentials; an error names what is missing.
    pub fn from_credentials(credentials: &'a Credentials) -> Result<Self, OAuthError> {
        let consumer_key = credentials.consumer_key.as_deref().ok_or_else(|| {
            OAuthError("no consumer key (UPWORK_CONSUMER_KEY) to sign with".into())
        })?;
        let consumer_secret = credentials
            .consumer_secret
            .as_ref()
            .ok_or_else(|| {
                OAuthError("no consumer secret (UPWORK_CONSUMER_SECRET) to sign with".into())
            })?
            .expose();
        Ok(Keys {
            consumer_key,
            consumer_secret,
            token: credentials.token.as_deref(),
            token_secret: credentials.token_secret.as_ref().map(|s| s.expose()),
        })
    }

    /// The token secret that goes into the signing key (empty when there is none).
    pub fn token_secret_or_empty(&self) -> &'a str {
        if self.token.is_some() {
            self.token_secret.unwrap_or("")
        } else {
            ""
        }
    }
}

/// Choices for one signature. `Default` is HMAC-SHA1, fresh nonce and timestamp, no version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignOptions {
    /// The signature method, sent in `oauth_signature_method`.
    pub method: SignatureMethod,
    /// A fixed nonce (tests, `sign --nonce`); fresh when `None`.
    pub nonce: Option<String>,
    /// A fixed timestamp; now when `None` (or 0).
    pub timestamp: Option<u64>,
    /// Send and sign `oauth_version=1.0`.
    pub version: bool,
    /// `oauth_callback`, for the temporary-credentials request.
    pub callback: Option<String>,
    /// `oauth_verifier`, for the token request.
    pub verifier: Option<String>,
    /// `realm`, sent in the header and never signed.
    pub realm: Option<String>,
}

impl Default for SignOptions {
    fn default() -> Self {
        SignOptions {
            method: SignatureMethod::HmacSha1,
            nonce: None,
            timestamp: None,
            version: false,
            callback: None,
            verifier: None,
            realm: None,
        }
    }
}

impl SignOptions {
    /// The options a captured request already uses (method, version, callback, verifier, realm),
    /// with a fresh nonce and timestamp: what re-signing it must keep.
    pub fn from_request(request: &CapturedRequest) -> SignOptions {
        let mut options = SignOptions::default();
        let params: Vec<(String, String)> = if let Some(header) = oauth_authorization(request) {
            parse_authorization(header)
        } else {
            let mut params = decode_form_pairs(request.url.query().unwrap_or_default());
            if request.is_form_body() {
                params.extend(decode_form_pairs(&String::from_utf8_lossy(
                    &request.content(),
                )));
            }
            params
        };
        for (name, value) in params {
            match name.as_str() {
                "oauth_signature_method" if value.eq_ignore_ascii_case("PLAINTEXT") => {
                    options.method = SignatureMethod::Plaintext;
                }
                "oauth_version" => options.version = true,
                "oauth_callback" => options.callback = Some(value),
                "oauth_verifier" => options.verifier = Some(value),
                "realm" => options.realm = Some(value),
                _ => {}
            }
        }
        options
    }
}

/// A signature made by the reference signer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The `Authorization` header value (`OAuth realm="..", oauth_consumer_key="..", ...`).
    pub header: String,
    /// The base string that was signed.
    pub base_string: String,
    /// The signature, unencoded (base64 for HMAC-SHA1).
    pub signature: String,
    /// The OAuth parameters sent, decoded, `oauth_signature` last, `realm` left out.
    pub oauth_params: Vec<(String, String)>,
    /// The URL with the OAuth parameters appended to its query instead of a header.
    pub signed_url: String,
}

/// An `Authorization: OAuth` header value from decoded parameters: values encoded, `realm` first.
pub fn header_value(realm: Option<&str>, oauth_params: &[(String, String)]) -> String {
    let mut header = String::from("OAuth ");
    if let Some(realm) = realm {
        let _ = write!(
            header,
            "realm=\"{}\", ",
            realm.replace('\\', "\\\\").replace('"', "\\\"")
        );
    }
    let encoded: Vec<String> = oauth_params
        .iter()
        .map(|(k, v)| format!("{}=\"{}\"", encode(k), encode(v)))
        .collect();
    header.push_str(&encoded.join(", "));
    header
}

/// `url` with the OAuth parameters (decoded) appended to its query, encoded.
pub fn signed_url(url: &RawUrl, oauth_params: &[(String, String)]) -> String {
    let oauth_query: Vec<String> = oauth_params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let query = match url.query().filter(|q| !q.is_empty()) {
        Some(q) => format!("{q}&{}", oauth_query.join("&")),
        None => oauth_query.join("&"),
    };
    url.with_query(Some(&query)).to_string()
}

/// Signs a request to `url` (its query read from it) and the form parameters `form` (decoded),
/// neither with an `oauth_*` parameter ([`sign_request_with`] takes them out), with oauth1-request.
pub fn authorize(
    method: &str,
    url: &RawUrl,
    form: &[(String, String)],
    keys: &Keys<'_>,
    options: &SignOptions,
) -> Authorization {
    // The query is signed as Upwork reads it (a `+` is a plus), so what we sign is what it checks.
    let mut params: Vec<(String, String)> = decode_query_pairs(url.query().unwrap_or_default());
    params.extend(form.iter().cloned());
    let mut encoded: Vec<(String, String)> =
        params.iter().map(|(k, v)| (encode(k), encode(v))).collect();
    encoded.sort();
    let request = EncodedParams(encoded.into_iter().map(|(k, v)| (encode(&k), v)).collect());

    let client = oauth::Credentials::new(keys.consumer_key, keys.consumer_secret);
    let log = Rc::new(RefCell::new(String::new()));
    let method = method.to_ascii_uppercase();
    let uri = normalize_uri(url);
    let header = match options.method {
        SignatureMethod::HmacSha1 => run(
            oauth::HmacSha1::new(),
            client,
            keys,
            options,
            &log,
            &method,
            &uri,
            &request,
        ),
        SignatureMethod::Plaintext => run(
            oauth::Plaintext::new(),
            client,
            keys,
            options,
            &log,
            &method,
            &uri,
            &request,
        ),
    };
    let base_string = log.borrow().clone();

    let mut oauth_params: Vec<(String, String)> = Vec::new();
    let mut signature = String::new();
    for (name, raw) in raw_authorization_params(header.trim_start_matches("OAuth ")) {
        if name == "oauth_signature" {
            // oauth1-request writes a PLAINTEXT signature unencoded and HMAC-SHA1 encoded.
            signature = match options.method {
                SignatureMethod::HmacSha1 => decode(&raw),
                SignatureMethod::Plaintext => raw,
            };
        } else {
            oauth_params.push((name, decode(&raw)));
        }
    }
    oauth_params.push(("oauth_signature".into(), signature.clone()));

    let header = header_value(options.realm.as_deref(), &oauth_params);

    let signed_url = signed_url(url, &oauth_params);

    Authorization {
        header,
        base_string,
        signature,
        oauth_params,
        signed_url,
    }
}

#[allow(clippy::too_many_arguments)]
fn run<SM>(
    method_impl: SM,
    client: oauth::Credentials<&str>,
    keys: &Keys<'_>,
    options: &SignOptions,
    log: &Rc<RefCell<String>>,
    method: &str,
    uri: &str,
    request: &EncodedParams,
) -> String
where
    SM: OAuthMethod + Clone,
{
    let recording = Recording {
        inner: method_impl,
        log: Rc::clone(log),
    };
    let mut builder = oauth::Builder::<_, &str, &str>::new(client, recording);
    if let Some(token) = keys.token {
        builder.token(oauth::Credentials::new(
            token,
            keys.token_secret.unwrap_or(""),
        ));
    }
    builder
        .nonce(options.nonce.as_deref())
        .timestamp(options.timestamp.and_then(NonZeroU64::new))
        .version(options.version)
        .callback(options.callback.as_deref())
        .verifier(options.verifier.as_deref());
    builder.authorize(method, uri, request)
}

/// An OAuth parameter's name and the serializer call that writes it.
type OAuthParam<S> = (&'static str, fn(&mut S));

/// The non-OAuth parameters, already sorted by encoded name and value: names encoded twice,
/// values once (see the module documentation).
struct EncodedParams(Vec<(String, String)>);

impl oauth::Request for EncodedParams {
    fn serialize<S: Serializer>(&self, mut serializer: S) -> S::Output {
        // The OAuth parameters in their sorted order, to be interleaved with the others.
        let oauth_params: [OAuthParam<S>; 8] = [
            ("oauth_callback", S::serialize_oauth_callback),
            ("oauth_consumer_key", S::serialize_oauth_consumer_key),
            ("oauth_nonce", S::serialize_oauth_nonce),
            (
                "oauth_signature_method",
                S::serialize_oauth_signature_method,
            ),
            ("oauth_timestamp", S::serialize_oauth_timestamp),
            ("oauth_token", S::serialize_oauth_token),
            ("oauth_verifier", S::serialize_oauth_verifier),
            ("oauth_version", S::serialize_oauth_version),
        ];
        let mut next = 0;
        for (key, value) in &self.0 {
            while next < oauth_params.len() && oauth_params[next].0 < key.as_str() {
                (oauth_params[next].1)(&mut serializer);
                next += 1;
            }
            serializer.serialize_parameter_encoded(key, value);
        }
        for (_, serialize) in &oauth_params[next..] {
            serialize(&mut serializer);
        }
        serializer.end()
    }
}

/// A signature method that writes down the base string its `Sign` is fed.
#[derive(Clone)]
struct Recording<SM> {
    inner: SM,
    log: Rc<RefCell<String>>,
}

struct RecordingSign<S> {
    inner: S,
    log: Rc<RefCell<String>>,
}

impl<SM: OAuthMethod> OAuthMethod for Recording<SM> {
    type Sign = RecordingSign<SM::Sign>;

    fn sign_with(self, client_secret: &str, token_secret: Option<&str>) -> Self::Sign {
        RecordingSign {
            inner: self.inner.sign_with(client_secret, token_secret),
            log: self.log,
        }
    }
}

impl<S: Sign> RecordingSign<S> {
    fn record(&self, args: std::fmt::Arguments<'_>) {
        let _ = self.log.borrow_mut().write_fmt(args);
    }
}

impl<S: Sign> Sign for RecordingSign<S> {
    type Signature = S::Signature;

    fn get_signature_method_name(&self) -> &'static str {
        self.inner.get_signature_method_name()
    }
    fn request_method(&mut self, method: &str) {
        self.record(format_args!("{method}&"));
        self.inner.request_method(method);
    }
    fn uri<T: Display>(&mut self, uri: T) {
        self.record(format_args!("{uri}&"));
        self.inner.uri(uri);
    }
    fn parameter<V: Display>(&mut self, key: &str, value: V) {
        self.record(format_args!("{key}%3D{value}"));
        self.inner.parameter(key, value);
    }
    fn delimiter(&mut self) {
        self.record(format_args!("%26"));
        self.inner.delimiter();
    }
    fn end(self) -> S::Signature {
        self.inner.end()
    }
    fn callback<V: Display>(&mut self, value: V) {
        self.record(format_args!("oauth_callback%3D{value}"));
        self.inner.callback(value);
    }
    fn consumer_key<V: Display>(&mut self, value: V) {
        self.record(format_args!("oauth_consumer_key%3D{value}"));
        self.inner.consumer_key(value);
    }
    fn nonce<V: Display>(&mut self, value: V) {
        self.record(format_args!("oauth_nonce%3D{value}"));
        self.inner.nonce(value);
    }
    fn use_nonce(&self) -> bool {
        self.inner.use_nonce()
    }
    fn signature_method(&mut self) {
        let name = self.inner.get_signature_method_name();
        self.record(format_args!("oauth_signature_method%3D{name}"));
        self.inner.signature_method();
    }
    fn timestamp(&mut self, value: u64) {
        self.record(format_args!("oauth_timestamp%3D{value}"));
        self.inner.timestamp(value);
    }
    fn use_timestamp(&self) -> bool {
        self.inner.use_timestamp()
    }
    fn token<V: Display>(&mut self, value: V) {
        self.record(format_args!("oauth_token%3D{value}"));
        self.inner.token(value);
    }
    fn verifier<V: Display>(&mut self, value: V) {
        self.record(format_args!("oauth_verifier%3D{value}"));
        self.inner.verifier(value);
    }
    fn version(&mut self) {
        self.record(format_args!("oauth_version%3D1.0"));
        self.inner.version();
    }
}

/// A captured request signed again by the reference signer, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resigned {
    /// The request as it will be sent.
    pub request: CapturedRequest,
    /// How it was signed.
    pub authorization: Authorization,
}

/// The request signed correctly, fresh nonce and timestamp, keeping its signature method, version,
/// callback, verifier and realm: the Authorization header replaced (or added), OAuth parameters
/// that travelled in the query or form body moved to the header.
pub fn sign_request(request: &CapturedRequest, keys: &Keys<'_>) -> CapturedRequest {
    sign_request_with(request, keys, &SignOptions::from_request(request)).request
}

/// [`sign_request`] with a fixed nonce and timestamp, for tests and reproducible examples.
pub fn sign_request_at(
    request: &CapturedRequest,
    keys: &Keys<'_>,
    nonce: &str,
    timestamp: u64,
) -> CapturedRequest {
    let options = SignOptions {
        nonce: Some(nonce.to_string()),
        timestamp: Some(timestamp),
        ..SignOptions::from_request(request)
    };
    sign_request_with(request, keys, &options).request
}

/// The request signed with explicit options, with the signature's details.
pub fn sign_request_with(
    request: &CapturedRequest,
    keys: &Keys<'_>,
    options: &SignOptions,
) -> Resigned {
    let mut signed = request.clone();
    let query = request.url.query().map(without_oauth_params);
    signed.url = request
        .url
        .with_query(query.as_deref().filter(|q| !q.is_empty()));
    let form = if request.is_form_body() {
        let body = without_oauth_pairs(&request.body);
        if body.len() != request.body.len() {
            signed.body = body;
            for header in signed
                .headers
                .iter_mut()
                .filter(|h| h.name.eq_ignore_ascii_case("content-length"))
            {
                header.value = signed.body.len().to_string();
            }
        }
        decode_form_pairs(&String::from_utf8_lossy(&signed.body))
    } else {
        Vec::new()
    };
    let authorization = authorize(&request.method, &signed.url, &form, keys, options);
    set_authorization(&mut signed.headers, &authorization.header);
    Resigned {
        request: signed,
        authorization,
    }
}

/// Replaces the first Authorization header (keeping its place and spelling) and drops the others;
/// adds one when there is none.
pub(crate) fn set_authorization(headers: &mut Vec<Header>, value: &str) {
    match headers
        .iter()
        .position(|h| h.name.eq_ignore_ascii_case("authorization"))
    {
        Some(first) => {
            headers[first].value = value.to_string();
            let mut index = 0;
            headers.retain(|h| {
                index += 1;
                index - 1 == first || !h.name.eq_ignore_ascii_case("authorization")
            });
        }
        None => headers.push(Header::new("Authorization", value)),
    }
}

/// `a=1&oauth_nonce=x&b=2` without its oauth_* pieces, the others kept byte for byte.
fn without_oauth_params(text: &str) -> String {
    String::from_utf8_lossy(&without_oauth_pairs(text.as_bytes())).into_owned()
}

/// [`without_oauth_params`] on bytes, for a body: a byte that is no UTF-8 is kept as it is, and
/// the result is shorter exactly when something was taken out.
fn without_oauth_pairs(bytes: &[u8]) -> Vec<u8> {
    bytes
        .split(|b| *b == b'&')
        .filter(|piece| {
            let name = piece.split(|b| *b == b'=').next().unwrap_or_default();
            !form_decode(&String::from_utf8_lossy(name)).starts_with("oauth_")
        })
        .collect::<Vec<_>>()
        .join(&b'&')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::fixtures::{FORM, request};
    use crate::oauth::{SignedRequest, base_string, verify};

    const KEYS: Keys<'static> = Keys {
        consumer_key: "ck key",
        consumer_secret: "cs&secret/1",
        token: Some("tok~1"),
        token_secret: Some("ts %secret"),
    };

    fn options(nonce: &str) -> SignOptions {
        SignOptions {
            nonce: Some(nonce.into()),
            timestamp: Some(1_700_000_000),
            ..SignOptions::default()
        }
    }

    /// Our base string builder and oauth1-request agree, including where encoding changes the order.
    #[test]
    fn our_base_string_equals_oauth1_request() {
        let cases = [
            request(
                "GET",
                "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&skills=rust,go&paging=0;20",
                &[],
                "",
            ),
            request(
                "get",
                "HTTP://WWW.Upwork.COM:80/api/x.json?v=:&v=0&v=%7E&c%40=&a%20b=%E2%98%83&oauth=1&p=",
                &[],
                "",
            ),
            request(
                "POST",
                "https://www.upwork.com:443/api/hr/v2/~01abc/messages.json?z=last",
                &[FORM],
                "subject=Hello%20Ladies+%2B+Gentlemen&body=a/b:c@d!*'()&empty=&b=2&b=10",
            ),
            request(
                "PUT",
                "https://example.com:8443/r%20v/X",
                &[("Content-Type", "application/json")],
                r#"{"a":"b"}"#,
            ),
        ];
        for (i, r) in cases.iter().enumerate() {
            for (method, version) in [
                (SignatureMethod::HmacSha1, false),
                (SignatureMethod::HmacSha1, true),
                (SignatureMethod::Plaintext, false),
            ] {
                let opts = SignOptions {
                    method,
                    version,
                    callback: (i == 1).then(|| "oob".into()),
                    verifier: (i == 2).then(|| "v/1".into()),
                    ..options("n0nce+/=")
                };
                let resigned = sign_request_with(r, &KEYS, &opts);
                let signed = SignedRequest::from_request(&resigned.request)
                    .unwrap()
                    .unwrap();
                assert_eq!(
                    base_string(&signed),
                    resigned.authorization.base_string,
                    "case {i}"
                );
                let v = verify(&signed, KEYS.consumer_secret, KEYS.token_secret.unwrap());
                assert!(v.ok, "case {i} {method:?}: {v:?}");
                assert_eq!(v.expected_signature, resigned.authorization.signature);
                assert_eq!(signed.nonce.as_deref(), Some("n0nce+/="));
                assert_eq!(signed.timestamp.as_deref(), Some("1700000000"));
            }
        }
    }

    #[test]
    fn reproduces_the_twitter_example_through_oauth1_request() {
        let r = request(
            "POST",
            "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            &[FORM],
            "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21",
        );
        let keys = Keys {
            consumer_key: "xvz1evFS4wEEPTGEFPHBog",
            consumer_secret: "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            token: Some("370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb"),
            token_secret: Some("LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"),
        };
        let opts = SignOptions {
            nonce: Some("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg".into()),
            timestamp: Some(1318622958),
            version: true,
            ..SignOptions::default()
        };
        let resigned = sign_request_with(&r, &keys, &opts);
        assert_eq!(
            resigned.authorization.signature,
            "hCtSmYh+iHYCEqBWrE7C7hYmtUk="
        );
        assert!(
            resigned
                .authorization
                .header
                .contains("oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\"")
        );
        assert_eq!(
            resigned.request.header("authorization"),
            Some(resigned.authorization.header.as_str())
        );
        assert!(resigned.authorization.signed_url.starts_with(
            "https://api.twitter.com/1.1/statuses/update.json?include_entities=true&oauth_consumer_key=xvz1evFS4wEEPTGEFPHBog&"
        ));
    }

    #[test]
    fn resigning_replaces_the_header_and_moves_query_oauth_to_it() {
        let r = request(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/request?oauth_consumer_key=old&oauth_signature=bad&keep=1",
            &[
                ("Authorization", "OAuth realm=\"x\""),
                ("authorization", "Bearer stale"),
                FORM,
                ("Content-Length", "40"),
            ],
            "oauth_callback=oob&oauth_nonce=1&x=a%20b",
        );
        let fresh = sign_request(&r, &KEYS);
        assert_eq!(
            fresh.url.as_str(),
            "https://www.upwork.com/api/auth/v1/oauth/token/request?keep=1"
        );
        assert_eq!(fresh.body, b"x=a%20b");
        assert_eq!(fresh.header("content-length"), Some("7"));
        assert_eq!(fresh.headers_named("authorization").count(), 1);
        assert_eq!(fresh.headers[0].name, "Authorization");
        let signed = SignedRequest::from_request(&fresh).unwrap().unwrap();
        assert!(verify(&signed, KEYS.consumer_secret, KEYS.token_secret.unwrap()).ok);
        // The realm of the captured header is kept, nonces are fresh and differ between calls.
        assert!(
            fresh.headers[0]
                .value
                .starts_with("OAuth realm=\"x\", oauth_consumer_key=\"ck%20key\"")
        );
        let again = sign_request(&r, &KEYS);
        let nonce = |r: &CapturedRequest| SignedRequest::from_request(r).unwrap().unwrap().nonce;
        assert_ne!(nonce(&fresh), nonce(&again));

        let pinned = sign_request_at(&r, &KEYS, "abc", 1_700_000_000);
        assert_eq!(pinned, sign_request_at(&r, &KEYS, "abc", 1_700_000_000));
    }

    #[test]
    fn adds_a_header_and_keeps_callback_and_plaintext() {
        let r = request(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/request",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", oauth_callback=\"https%3A%2F%2Fa.example%2Fcb\", oauth_signature=\"x\"",
            )],
            "",
        );
        let keys = Keys {
            token: None,
            token_secret: None,
            ..KEYS
        };
        let fresh = sign_request(&r, &keys);
        let signed = SignedRequest::from_request(&fresh).unwrap().unwrap();
        assert_eq!(signed.signature_method, SignatureMethod::Plaintext);
        assert_eq!(signed.signature, "cs%26secret%2F1&");
        assert!(
            signed
                .oauth_params
                .contains(&("oauth_callback".into(), "https://a.example/cb".into()))
        );
        assert!(verify(&signed, keys.consumer_secret, "").ok);

        let bare = request(
            "GET",
            "https://www.upwork.com/api/auth/v1/info.json",
            &[],
            "",
        );
        let fresh = sign_request(&bare, &keys);
        assert!(
            fresh
                .header("Authorization")
                .unwrap()
                .starts_with("OAuth oauth_consumer_key=")
        );
    }

    /// Re-signing keeps what the captured request chose: its method (PLAINTEXT in any case, else
    /// HMAC-SHA1), its version, callback, verifier and realm, wherever its OAuth parameters were.
    #[test]
    fn the_options_of_a_captured_request_are_kept() {
        let in_header = request(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/access",
            &[(
                "Authorization",
                "OAuth realm=\"api\", oauth_consumer_key=\"k\", oauth_signature_method=\"plaintext\", oauth_version=\"1.0\", oauth_verifier=\"v%201\", oauth_callback=\"oob\", oauth_signature=\"x\"",
            )],
            "",
        );
        assert_eq!(
            SignOptions::from_request(&in_header),
            SignOptions {
                method: SignatureMethod::Plaintext,
                version: true,
                callback: Some("oob".into()),
                verifier: Some("v 1".into()),
                realm: Some("api".into()),
                ..SignOptions::default()
            }
        );
        let in_form = request(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/access?oauth_signature_method=HMAC-SHA1",
            &[FORM],
            "oauth_consumer_key=k&oauth_signature=x&a=1",
        );
        assert_eq!(SignOptions::from_request(&in_form), SignOptions::default());
    }

    /// `sign_request_at` signs with the nonce and timestamp it is given, not the clock's.
    #[test]
    fn a_pinned_nonce_and_timestamp_are_the_ones_signed() {
        let r = request(
            "GET",
            "https://www.upwork.com/api/auth/v1/info.json",
            &[],
            "",
        );
        let signed = SignedRequest::from_request(&sign_request_at(&r, &KEYS, "abc", 1_000))
            .unwrap()
            .unwrap();
        assert_eq!(signed.nonce.as_deref(), Some("abc"));
        assert_eq!(signed.timestamp.as_deref(), Some("1000"));
    }

    /// A form body's OAuth parameters are taken out whatever else it holds: bytes that are no
    /// UTF-8 are kept as they are (read as text, seven `0xFF` would have grown by exactly the
    /// length of the `&oauth_nonce=x` taken out, and the removal gone unseen).
    #[test]
    fn oauth_parameters_leave_a_form_body_with_bytes_that_are_no_utf8() {
        let mut body = b"a=".to_vec();
        body.extend([0xFF; 7]);
        body.extend(b"&oauth_nonce=x");
        let mut r = request("POST", "https://www.upwork.com/api/x", &[FORM], "");
        r.body = body;
        let fresh = sign_request_at(&r, &KEYS, "n1", 1_000);
        let mut kept = b"a=".to_vec();
        kept.extend([0xFF; 7]);
        assert_eq!(fresh.body, kept);
        let signed = SignedRequest::from_request(&fresh).unwrap().unwrap();
        assert_eq!(signed.nonce.as_deref(), Some("n1"));
        assert!(verify(&signed, KEYS.consumer_secret, KEYS.token_secret.unwrap()).ok);
    }

    /// Keys print for debugging with the key and token shown and each secret as `***`.
    #[test]
    fn keys_print_without_their_secrets() {
        assert_eq!(
            format!("{KEYS:?}"),
            r#"Keys { consumer_key: "ck key", consumer_secret: "***", token: Some("tok~1"), token_secret: Some("***") }"#
        );
    }

    #[test]
    fn keys_come_from_credentials_and_hide_secrets() {
        let creds = Credentials::from_lookup(|n| match n {
            "UPWORK_CONSUMER_KEY" => Some("ck".into()),
            "UPWORK_CONSUMER_SECRET" => Some("canary".into()),
            _ => None,
        });
        let keys = Keys::from_credentials(&creds).unwrap();
        assert_eq!(keys.consumer_secret, "canary");
        assert!(!format!("{keys:?}").contains("canary"));
        assert!(Keys::from_credentials(&Credentials::default()).is_err());
    }
}
