//! The known client mistakes, each as a change to the way a base string and key are built, and the
//! search for the one (or the pair) that reproduces a captured signature.

use std::collections::HashSet;

use super::base_string::{
    HexCase, MethodCase, Order, PathMode, QueryPlus, Recipe, Repeated, Scheme, ValueEncoding,
    Version,
};
use super::encode::encode;
use super::signature::{KeyMode, sign_with_key};
use super::{Mistake, SignatureMethod, SignedRequest};

/// A mistake a client makes while signing. The names are stable: they appear in findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum MistakeKind {
    SpaceAsPlus,
    DoubleEncoded,
    Unencoded,
    QueryParamsOmitted,
    BodyParamsOmitted,
    BodyParamsAdded,
    DefaultPortKept,
    WrongScheme,
    UnsortedParams,
    LowercaseMethod,
    SecretNotEncoded,
    PathReEncoded,
    VersionAdded,
    VersionDropped,
    PlaintextVsHmac,
    LowercaseHex,
    TokenSecretOmitted,
    /// A space sent as `+` in the URL query and signed as a space: Upwork reads the `+` as a plus.
    QueryPlusAsSpace,
    /// Values encoded by an RFC 1738-era encoder: `~` as `%7E`, or `/` left raw (Python 2's
    /// `urllib.quote`).
    Rfc1738Encoder,
    /// Repeated parameters signed under array names (`a[0]`, `a[]`) but sent under their own.
    RepeatedParamsRenamed,
    /// Parameters sent with an empty value but left out of the signature.
    EmptyParamsUnsigned,
    /// The signature was right but sent unencoded in a query or form, so its `+` arrived as a
    /// space (or sent encoded twice). Not a way of building the base string: checked apart.
    SignatureNotEncoded,
}

/// What a mistake changes; two mistakes of the same dimension cannot be made together.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dimension {
    Values,
    Hex,
    Query,
    Form,
    Body,
    Port,
    Scheme,
    Order,
    Method,
    Key,
    Path,
    Version,
    SignatureMethod,
    Transport,
    QueryReading,
    Repeated,
    Empty,
}

/// How a client signs: how it builds the base string and the key, and which method it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct Client {
    recipe: Recipe,
    key: KeyMode,
    /// Signs with the other method than the one it declares.
    swaps_method: bool,
}

impl MistakeKind {
    /// Every mistake, in the order the search tries them.
    pub const ALL: [MistakeKind; 22] = [
        MistakeKind::SpaceAsPlus,
        MistakeKind::DoubleEncoded,
        MistakeKind::Unencoded,
        MistakeKind::QueryParamsOmitted,
        MistakeKind::BodyParamsOmitted,
        MistakeKind::BodyParamsAdded,
        MistakeKind::DefaultPortKept,
        MistakeKind::WrongScheme,
        MistakeKind::UnsortedParams,
        MistakeKind::LowercaseMethod,
        MistakeKind::SecretNotEncoded,
        MistakeKind::PathReEncoded,
        MistakeKind::VersionAdded,
        MistakeKind::VersionDropped,
        MistakeKind::PlaintextVsHmac,
        MistakeKind::LowercaseHex,
        MistakeKind::TokenSecretOmitted,
        MistakeKind::QueryPlusAsSpace,
        MistakeKind::Rfc1738Encoder,
        MistakeKind::RepeatedParamsRenamed,
        MistakeKind::EmptyParamsUnsigned,
        MistakeKind::SignatureNotEncoded,
    ];

    /// The stable name, e.g. `space-as-plus`.
    pub fn name(self) -> &'static str {
        match self {
            MistakeKind::SpaceAsPlus => "space-as-plus",
            MistakeKind::DoubleEncoded => "double-encoded",
            MistakeKind::Unencoded => "unencoded",
            MistakeKind::QueryParamsOmitted => "query-params-omitted",
            MistakeKind::BodyParamsOmitted => "body-params-omitted",
            MistakeKind::BodyParamsAdded => "body-params-added",
            MistakeKind::DefaultPortKept => "default-port-kept",
            MistakeKind::WrongScheme => "wrong-scheme",
            MistakeKind::UnsortedParams => "unsorted-params",
            MistakeKind::LowercaseMethod => "lowercase-method",
            MistakeKind::SecretNotEncoded => "secret-not-encoded",
            MistakeKind::PathReEncoded => "path-re-encoded",
            MistakeKind::VersionAdded => "version-added",
            MistakeKind::VersionDropped => "version-dropped",
            MistakeKind::PlaintextVsHmac => "plaintext-vs-hmac",
            MistakeKind::LowercaseHex => "lowercase-hex",
            MistakeKind::TokenSecretOmitted => "token-secret-omitted",
            MistakeKind::QueryPlusAsSpace => "query-plus-as-space",
            MistakeKind::Rfc1738Encoder => "rfc1738-encoder",
            MistakeKind::RepeatedParamsRenamed => "repeated-params-renamed",
            MistakeKind::EmptyParamsUnsigned => "empty-params-unsigned",
            MistakeKind::SignatureNotEncoded => "signature-not-encoded",
        }
    }

    /// The mistake of this name.
    pub fn from_name(name: &str) -> Option<MistakeKind> {
        MistakeKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// One sentence: what the client did.
    pub fn description(self) -> &'static str {
        match self {
            MistakeKind::SpaceAsPlus => {
                "The client encoded spaces as '+' (HTML form style) in the signature base string instead of %20."
            }
            MistakeKind::DoubleEncoded => {
                "The client percent-encoded parameter values twice before signing (%20 became %2520)."
            }
            MistakeKind::Unencoded => {
                "The client put parameter names and values into the base string without percent-encoding them first."
            }
            MistakeKind::QueryParamsOmitted => {
                "The client left the query parameters out of the signature base string."
            }
            MistakeKind::BodyParamsOmitted => {
                "The client left the form body parameters out of the signature base string."
            }
            MistakeKind::BodyParamsAdded => {
                "The client signed the parameters of a body that is not application/x-www-form-urlencoded (e.g. JSON), which OAuth 1.0 never signs."
            }
            MistakeKind::DefaultPortKept => {
                "The client kept the default port (:443 or :80) in the base string URI."
            }
            MistakeKind::WrongScheme => {
                "The client signed the URL with the other scheme (http instead of https or the reverse)."
            }
            MistakeKind::UnsortedParams => {
                "The client did not sort the parameters by encoded name and value before joining them."
            }
            MistakeKind::LowercaseMethod => {
                "The client wrote the HTTP method in lowercase in the base string."
            }
            MistakeKind::SecretNotEncoded => {
                "The client built the signing key from the secrets without percent-encoding them."
            }
            MistakeKind::PathReEncoded => {
                "The client changed the encoding of the URL path before signing (e.g. '~' as %7E, or escapes decoded or encoded again)."
            }
            MistakeKind::VersionAdded => "The client signed oauth_version=1.0 but did not send it.",
            MistakeKind::VersionDropped => "The client sent oauth_version but did not sign it.",
            MistakeKind::PlaintextVsHmac => {
                "The client signed with one signature method (PLAINTEXT or HMAC-SHA1) but declared the other."
            }
            MistakeKind::LowercaseHex => {
                "The client wrote lowercase hex digits in percent-encodings (%2f instead of %2F)."
            }
            MistakeKind::TokenSecretOmitted => {
                "The client left the token secret out of the signing key."
            }
            MistakeKind::QueryPlusAsSpace => {
                "The client sent a space as '+' in the URL query and signed it as a space; Upwork reads a '+' in the query as a literal plus, so its base string differs."
            }
            MistakeKind::Rfc1738Encoder => {
                "The client encoded the parameters with an RFC 1738-era encoder (Python 2's urllib.quote: '~' as %7E, '/' left raw) instead of RFC 3986."
            }
            MistakeKind::RepeatedParamsRenamed => {
                "The client signed repeated parameters under array names (a[0], a[1] or a[]) but sent them under their own name (a=1&a=2)."
            }
            MistakeKind::EmptyParamsUnsigned => {
                "The client sent parameters with an empty value (title=) but left them out of the signature."
            }
            MistakeKind::SignatureNotEncoded => {
                "The signature was right but was not percent-encoded where it travels (a '+' in the query or form arrives as a space), or was encoded twice."
            }
        }
    }

    /// What to change in the signing code: one step each, in the developer's terms.
    pub fn fix(self) -> &'static str {
        match self {
            MistakeKind::QueryPlusAsSpace => {
                "Send spaces in the query as %20, never `+`: Upwork reads a `+` in the query as a plus. Build the query with an RFC 3986 encoder (`urllib.parse.quote` in Python 3, `rawurlencode` in PHP, `encodeURIComponent` in JavaScript); with requests or the official Python binding, pre-quote the value (python-upwork#49) so no `+` reaches the URL. requests-oauthlib with `signature_type='query'` writes `+` itself when it adds the OAuth parameters to the query: keep them in the Authorization header (its default)."
            }
            MistakeKind::SpaceAsPlus => {
                "Encode spaces as %20 (RFC 3986: `rawurlencode`, `urllib.parse.quote`), never as `+`, both in the URL and in the base string."
            }
            MistakeKind::DoubleEncoded => {
                "Encode each parameter exactly once when building the base string: decode values taken from a URL first."
            }
            MistakeKind::Unencoded => {
                "Percent-encode every parameter name and value (RFC 3986) before joining them into the base string."
            }
            MistakeKind::QueryParamsOmitted => {
                "Include the query parameters in the base string, not only the oauth_* ones."
            }
            MistakeKind::BodyParamsOmitted => {
                "Include the parameters of a form body (application/x-www-form-urlencoded) in the base string."
            }
            MistakeKind::BodyParamsAdded => {
                "Sign only form bodies: a JSON or other body is not part of the OAuth 1.0 base string."
            }
            MistakeKind::DefaultPortKept => "Drop :443 (https) and :80 (http) from the base URL.",
            MistakeKind::WrongScheme => "Sign the URL with the scheme it is sent with (https).",
            MistakeKind::UnsortedParams => {
                "Sort the encoded parameters by name, then by value, before joining them."
            }
            MistakeKind::LowercaseMethod => {
                "Use the uppercase method (POST, GET) in the base string."
            }
            MistakeKind::SecretNotEncoded => {
                "Percent-encode the consumer secret and token secret before joining them with & into the key."
            }
            MistakeKind::PathReEncoded => {
                "Sign the path exactly as it is sent (do not decode or re-encode it, e.g. ~ stays ~)."
            }
            MistakeKind::VersionAdded => {
                "Sign the oauth_* parameters that are sent and no others: send oauth_version=1.0 with the call, or leave it out of the base string too."
            }
            MistakeKind::VersionDropped => {
                "Sign every oauth_* parameter that is sent: put oauth_version in the base string, or stop sending it."
            }
            MistakeKind::PlaintextVsHmac => {
                "Declare the method the signature is made with: oauth_signature_method=HMAC-SHA1 for an HMAC-SHA1 signature, PLAINTEXT only for a PLAINTEXT one."
            }
            MistakeKind::LowercaseHex => {
                "Write percent-escapes in the base string with uppercase hex digits (%2F, not %2f), as RFC 3986 asks."
            }
            MistakeKind::TokenSecretOmitted => {
                "Build the signing key as consumer_secret&token_secret: with a token, its secret goes after the &."
            }
            MistakeKind::Rfc1738Encoder => {
                "Encode the parameters by RFC 3986 (`urllib.parse.quote(v, safe='~')` in Python 3, `rawurlencode` in PHP): `~` stays `~` and `/` becomes %2F."
            }
            MistakeKind::RepeatedParamsRenamed => {
                "Sign repeated parameters under the name they are sent with (a=1&a=2, sorted by value), not as a[0], a[1] or a[]."
            }
            MistakeKind::EmptyParamsUnsigned => {
                "Sign every parameter that is sent, an empty one included (`title=` in the base string), or do not send it."
            }
            MistakeKind::SignatureNotEncoded => {
                "Percent-encode the signature once where it travels (`+` as %2B, `/` as %2F, `=` as %3D), in the Authorization header, the query or the form body alike."
            }
        }
    }

    fn dimension(self) -> Dimension {
        match self {
            MistakeKind::SpaceAsPlus | MistakeKind::DoubleEncoded | MistakeKind::Unencoded => {
                Dimension::Values
            }
            MistakeKind::LowercaseHex => Dimension::Hex,
            MistakeKind::QueryParamsOmitted => Dimension::Query,
            MistakeKind::BodyParamsOmitted => Dimension::Form,
            MistakeKind::BodyParamsAdded => Dimension::Body,
            MistakeKind::DefaultPortKept => Dimension::Port,
            MistakeKind::WrongScheme => Dimension::Scheme,
            MistakeKind::UnsortedParams => Dimension::Order,
            MistakeKind::LowercaseMethod => Dimension::Method,
            MistakeKind::SecretNotEncoded | MistakeKind::TokenSecretOmitted => Dimension::Key,
            MistakeKind::PathReEncoded => Dimension::Path,
            MistakeKind::VersionAdded | MistakeKind::VersionDropped => Dimension::Version,
            MistakeKind::PlaintextVsHmac => Dimension::SignatureMethod,
            MistakeKind::SignatureNotEncoded => Dimension::Transport,
            MistakeKind::QueryPlusAsSpace => Dimension::QueryReading,
            MistakeKind::Rfc1738Encoder => Dimension::Values,
            MistakeKind::RepeatedParamsRenamed => Dimension::Repeated,
            MistakeKind::EmptyParamsUnsigned => Dimension::Empty,
        }
    }

    /// How many ways a client makes this mistake.
    fn variant_count(self) -> usize {
        match self {
            MistakeKind::UnsortedParams
            | MistakeKind::PathReEncoded
            | MistakeKind::Rfc1738Encoder => 3,
            MistakeKind::RepeatedParamsRenamed => 2,
            MistakeKind::LowercaseHex | MistakeKind::TokenSecretOmitted => 2,
            MistakeKind::SignatureNotEncoded => 0,
            _ => 1,
        }
    }

    /// Makes `client` commit the `variant`th way of this mistake.
    fn apply(self, variant: usize, client: &mut Client) {
        let recipe = &mut client.recipe;
        match self {
            MistakeKind::SpaceAsPlus => recipe.values = ValueEncoding::SpaceAsPlus,
            MistakeKind::DoubleEncoded => recipe.values = ValueEncoding::Double,
            MistakeKind::Unencoded => recipe.values = ValueEncoding::Raw,
            MistakeKind::QueryParamsOmitted => recipe.query = false,
            MistakeKind::BodyParamsOmitted => recipe.form = false,
            MistakeKind::BodyParamsAdded => recipe.unsigned_body = true,
            MistakeKind::DefaultPortKept => recipe.keep_default_port = true,
            MistakeKind::WrongScheme => recipe.scheme = Scheme::Flipped,
            MistakeKind::UnsortedParams => {
                recipe.order = [Order::Wire, Order::OAuthFirst, Order::Decoded][variant];
            }
            MistakeKind::LowercaseMethod => recipe.method = MethodCase::Lower,
            MistakeKind::SecretNotEncoded => client.key = KeyMode::RawSecrets,
            MistakeKind::PathReEncoded => {
                recipe.path = [
                    PathMode::TildeEncoded,
                    PathMode::ReEncoded,
                    PathMode::Decoded,
                ][variant];
            }
            MistakeKind::VersionAdded => recipe.version = Version::Added,
            MistakeKind::VersionDropped => recipe.version = Version::Dropped,
            MistakeKind::PlaintextVsHmac => client.swaps_method = true,
            MistakeKind::LowercaseHex => recipe.hex = [HexCase::All, HexCase::Params][variant],
            MistakeKind::TokenSecretOmitted => {
                client.key = [KeyMode::NoTokenSecret, KeyMode::ConsumerSecretOnly][variant];
            }
            MistakeKind::QueryPlusAsSpace => recipe.query_plus = QueryPlus::Space,
            MistakeKind::Rfc1738Encoder => {
                recipe.values = [
                    ValueEncoding::TildeEncoded,
                    ValueEncoding::SlashRaw,
                    ValueEncoding::Python2Quote,
                ][variant];
            }
            MistakeKind::RepeatedParamsRenamed => {
                recipe.repeated = [Repeated::Indexed, Repeated::Brackets][variant];
            }
            MistakeKind::EmptyParamsUnsigned => recipe.drop_empty = true,
            MistakeKind::SignatureNotEncoded => {}
        }
    }

    /// The clients that make this mistake whose signature differs from the correct one. A client
    /// that wrote `+` for a space in its query also signed it as a space: those come second.
    fn clients<'r>(self, signing: &'r Signing<'r>) -> impl Iterator<Item = Client> + 'r {
        let correct = signing.fingerprint(&Client::default());
        let readings = readings(signing.request);
        readings
            .into_iter()
            .flat_map(move |reading| {
                (0..self.variant_count()).map(move |variant| {
                    let mut client = Client::default();
                    self.apply(variant, &mut client);
                    if reading == QueryPlus::Space {
                        MistakeKind::QueryPlusAsSpace.apply(0, &mut client);
                    }
                    client
                })
            })
            .filter(move |client| signing.fingerprint(client) != correct)
    }

    /// The base string a client making this mistake signs: the first way of making it that changes
    /// the signature, else the correct base string.
    pub fn base_string(self, request: &SignedRequest) -> String {
        let signing = Signing {
            request,
            consumer_secret: "",
            token_secret: "",
        };
        let client = self.clients(&signing).next().unwrap_or_default();
        client.recipe.build(request)
    }

    /// The signature a client making this mistake sends (unencoded); `None` when the mistake makes
    /// no difference for this request (`space-as-plus` without a space).
    pub fn signature(
        self,
        request: &SignedRequest,
        consumer_secret: &str,
        token_secret: &str,
    ) -> Option<String> {
        let signing = Signing {
            request,
            consumer_secret,
            token_secret,
        };
        if self == MistakeKind::SignatureNotEncoded {
            let correct = signing.signature(&Client::default()).1;
            return correct.contains('+').then(|| correct.replace('+', " "));
        }
        let client = self.clients(&signing).next()?;
        Some(signing.signature(&client).1)
    }
}

/// The readings of a `+` in the query a client may have signed with: Upwork's, and the form
/// reading when the query has a `+` that it changes.
fn readings(request: &SignedRequest) -> Vec<QueryPlus> {
    if request.query_params_as_form.is_some() {
        vec![QueryPlus::Literal, QueryPlus::Space]
    } else {
        vec![QueryPlus::Literal]
    }
}

/// A request and the secrets to sign it with.
struct Signing<'a> {
    request: &'a SignedRequest,
    consumer_secret: &'a str,
    token_secret: &'a str,
}

/// What determines a signature: the base string (empty for PLAINTEXT, which ignores it), key, method.
type Fingerprint = (String, String, SignatureMethod);

impl Signing<'_> {
    fn method(&self, client: &Client) -> SignatureMethod {
        if client.swaps_method {
            self.request.signature_method.other()
        } else {
            self.request.signature_method
        }
    }

    /// What decides the client's signature; its base string is built at most once.
    fn fingerprint(&self, client: &Client) -> Fingerprint {
        let method = self.method(client);
        let base = match method {
            SignatureMethod::HmacSha1 => client.recipe.build(self.request),
            SignatureMethod::Plaintext => String::new(),
        };
        (
            base,
            client.key.key(self.consumer_secret, self.token_secret),
            method,
        )
    }

    /// The client's base string and signature.
    fn signature(&self, client: &Client) -> (String, String) {
        let (base, key, method) = self.fingerprint(client);
        let base = if base.is_empty() {
            client.recipe.build(self.request)
        } else {
            base
        };
        let signature = sign_with_key(method, &key, &base);
        (base, signature)
    }
}

/// Implements [`super::find_mistake`].
pub(crate) fn find_mistake(
    request: &SignedRequest,
    consumer_secret: &str,
    token_secret: &str,
) -> Option<Mistake> {
    let signing = Signing {
        request,
        consumer_secret,
        token_secret,
    };
    let captured = request.signature.as_str();
    let (correct_base, correct_signature) = signing.signature(&Client::default());
    if captured == correct_signature {
        return None;
    }
    if captured == correct_signature.replace('+', " ") || captured == encode(&correct_signature) {
        return Some(mistake(
            &[MistakeKind::SignatureNotEncoded],
            correct_base,
            correct_signature,
        ));
    }

    let mut seen: HashSet<Fingerprint> = HashSet::new();
    seen.insert(signing.fingerprint(&Client::default()));
    let mut try_client = |client: &Client, kinds: &[MistakeKind]| {
        let fingerprint = signing.fingerprint(client);
        if seen.contains(&fingerprint) {
            return None;
        }
        let signature = sign_with_key(fingerprint.2, &fingerprint.1, &fingerprint.0);
        if signature == captured {
            let base = if fingerprint.0.is_empty() {
                client.recipe.build(request)
            } else {
                fingerprint.0
            };
            return Some(mistake(kinds, base, signature));
        }
        seen.insert(fingerprint);
        None
    };

    let kinds: Vec<MistakeKind> = MistakeKind::ALL
        .into_iter()
        .filter(|k| k.variant_count() > 0)
        .collect();
    // A client that sent `+` for a space read its query as a form: first that reading alone, then
    // each mistake made with it, named by the mistake (the reading is reported with it). Tried
    // before the mistakes made with Upwork's reading, which can build the same base string (a `+`
    // left unencoded) but are the less likely story for a query that carries `+`.
    if readings(request).contains(&QueryPlus::Space) {
        let mut alone = Client::default();
        MistakeKind::QueryPlusAsSpace.apply(0, &mut alone);
        if let Some(found) = try_client(&alone, &[MistakeKind::QueryPlusAsSpace]) {
            return Some(found);
        }
        for &kind in &kinds {
            if kind == MistakeKind::QueryPlusAsSpace {
                continue;
            }
            for variant in 0..kind.variant_count() {
                let mut client = Client::default();
                kind.apply(variant, &mut client);
                MistakeKind::QueryPlusAsSpace.apply(0, &mut client);
                if let Some(found) = try_client(&client, &[kind, MistakeKind::QueryPlusAsSpace]) {
                    return Some(found);
                }
            }
        }
    }
    for &kind in &kinds {
        for variant in 0..kind.variant_count() {
            let mut client = Client::default();
            kind.apply(variant, &mut client);
            if let Some(found) = try_client(&client, &[kind]) {
                return Some(found);
            }
        }
    }
    // Pairs: a client that gets one thing wrong often gets a second wrong too.
    for (i, &first) in kinds.iter().enumerate() {
        for &second in &kinds[i + 1..] {
            if first.dimension() == second.dimension() {
                continue;
            }
            for v1 in 0..first.variant_count() {
                for v2 in 0..second.variant_count() {
                    let mut client = Client::default();
                    first.apply(v1, &mut client);
                    second.apply(v2, &mut client);
                    if let Some(found) = try_client(&client, &[first, second]) {
                        return Some(found);
                    }
                }
            }
        }
    }
    None
}

fn mistake(kinds: &[MistakeKind], client_base_string: String, client_signature: String) -> Mistake {
    // Beside another mistake, reading the query as a form is how the client saw its own `+`, not
    // a second thing it did: said as such, not as a contradicting sentence.
    let description = kinds
        .iter()
        .map(|&k| match k {
            MistakeKind::QueryPlusAsSpace if kinds.len() > 1 => {
                "(The client read its query's '+' as a space, as HTML forms do; Upwork reads it as a plus.)"
            }
            _ => k.description(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    Mistake {
        name: kinds[0].name(),
        description,
        client_base_string,
        client_signature,
        kinds: kinds.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::fixtures::{FORM, request};
    use crate::oauth::{Keys, SignOptions, sign_request_with, sign_with_mistake};
    use crate::request::CapturedRequest;

    const KEYS: Keys<'static> = Keys {
        consumer_key: "upwork-demo-key",
        consumer_secret: "cs&secret/1",
        token: Some("tok-1"),
        token_secret: Some("ts %secret"),
    };

    /// A form POST with a query, spaces, reserved characters and `~` in the path, signed with
    /// oauth_version.
    fn form_post() -> CapturedRequest {
        request(
            "POST",
            "https://www.upwork.com/api/hr/v2/~01abc/messages.json?tags=a%2Cb&q=web%20design",
            &[FORM],
            "subject=Hello%20Ladies%20%2B%20Gentlemen&body=see%20https%3A%2F%2Fx.example%2Fa",
        )
    }

    /// A search whose query carries a space as `+`, as `quote_plus` and requests write it.
    fn plus_query() -> CapturedRequest {
        request(
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design&skills=a%20b",
            &[],
            "",
        )
    }

    /// A search with a repeated parameter and an empty one, as array serializers and forms make.
    fn repeats_and_empty() -> CapturedRequest {
        request(
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?skills=rust&skills=go&title=&q=a%20b",
            &[],
            "",
        )
    }

    /// A JSON POST, signed without oauth_version.
    fn json_post() -> CapturedRequest {
        request(
            "POST",
            "https://www.upwork.com/api/v3/jobs.json?q=a%20b",
            &[("Content-Type", "application/json")],
            r#"{"title":"Rust developer","budget":100}"#,
        )
    }

    fn options(version: bool) -> SignOptions {
        SignOptions {
            nonce: Some("fixed-nonce".into()),
            timestamp: Some(1_700_000_000),
            version,
            ..SignOptions::default()
        }
    }

    fn captured(request: &CapturedRequest) -> SignedRequest {
        SignedRequest::from_request(request).unwrap().unwrap()
    }

    #[test]
    fn each_mistake_is_named_from_the_request_it_breaks() {
        for kind in MistakeKind::ALL {
            if kind == MistakeKind::SignatureNotEncoded {
                continue;
            }
            let (request, version) = match kind {
                MistakeKind::BodyParamsAdded | MistakeKind::VersionAdded => (json_post(), false),
                MistakeKind::QueryPlusAsSpace => (plus_query(), false),
                MistakeKind::RepeatedParamsRenamed | MistakeKind::EmptyParamsUnsigned => {
                    (repeats_and_empty(), false)
                }
                _ => (form_post(), true),
            };
            let broken = sign_with_mistake(&request, &KEYS, &options(version), kind)
                .unwrap_or_else(|e| panic!("{}: {e}", kind.name()));
            let signed = captured(&broken.request);
            // Through the public entry point, the one the checks call.
            let found = crate::oauth::find_mistake(
                &signed,
                KEYS.consumer_secret,
                KEYS.token_secret.unwrap(),
            );
            let found = found.unwrap_or_else(|| panic!("{} not found", kind.name()));
            assert_eq!(found.name, kind.name());
            assert_eq!(found.kinds, vec![kind]);
            assert_eq!(found.client_signature, signed.signature);
            assert_eq!(
                found.client_base_string,
                broken.authorization.base_string,
                "{}",
                kind.name()
            );
        }
    }

    /// Every way a client makes a mistake is searched, not only the first: each variant's signature
    /// (the repeated names as `a[0]` and as `a[]`, the hex lowercase everywhere or in the
    /// parameters only, the token secret left out or the consumer secret alone) is named.
    #[test]
    fn every_way_of_a_mistake_is_named() {
        for kind in [
            MistakeKind::RepeatedParamsRenamed,
            MistakeKind::LowercaseHex,
            MistakeKind::TokenSecretOmitted,
        ] {
            let request = match kind {
                MistakeKind::RepeatedParamsRenamed => repeats_and_empty(),
                _ => form_post(),
            };
            let signed = sign_request_with(&request, &KEYS, &options(true));
            let mut captured = captured(&signed.request);
            let signing = Signing {
                request: &captured.clone(),
                consumer_secret: KEYS.consumer_secret,
                token_secret: KEYS.token_secret.unwrap(),
            };
            assert_eq!(kind.variant_count(), 2, "{}", kind.name());
            for variant in 0..kind.variant_count() {
                let mut client = Client::default();
                kind.apply(variant, &mut client);
                captured.signature = signing.signature(&client).1;
                let found =
                    find_mistake(&captured, KEYS.consumer_secret, KEYS.token_secret.unwrap())
                        .unwrap_or_else(|| panic!("{} way {variant} not found", kind.name()));
                assert_eq!(found.kinds, vec![kind], "{} way {variant}", kind.name());
            }
        }
    }

    /// Each mistake is told in its own sentence, and reading the query's `+` as a space, beside
    /// another mistake, is said as how the client saw its `+`, not as a second thing it did.
    #[test]
    fn each_mistake_has_a_fix_of_its_own() {
        let mut seen = Vec::new();
        for kind in MistakeKind::ALL {
            let fix = kind.fix();
            assert!(
                fix.len() > 20 && fix.ends_with('.'),
                "{}: {fix}",
                kind.name()
            );
            assert!(!seen.contains(&fix), "{} repeats a fix", kind.name());
            seen.push(fix);
        }
        assert!(
            MistakeKind::TokenSecretOmitted
                .fix()
                .contains("consumer_secret&token_secret")
        );
    }

    #[test]
    fn each_mistake_is_told_and_a_query_plus_beside_another_as_an_aside() {
        let mut seen = Vec::new();
        for kind in MistakeKind::ALL {
            let text = kind.description();
            assert!(
                text.starts_with("The ") && text.ends_with('.'),
                "{}: {text}",
                kind.name()
            );
            assert!(
                !seen.contains(&text),
                "{} repeats a description",
                kind.name()
            );
            seen.push(text);
        }
        assert!(MistakeKind::SpaceAsPlus.description().contains("'+'"));
        let aside = "(The client read its query's '+' as a space, as HTML forms do; Upwork reads it as a plus.)";
        let alone = mistake(
            &[MistakeKind::QueryPlusAsSpace],
            String::new(),
            String::new(),
        );
        assert_eq!(
            alone.description,
            MistakeKind::QueryPlusAsSpace.description()
        );
        let both = mistake(
            &[MistakeKind::DoubleEncoded, MistakeKind::QueryPlusAsSpace],
            String::new(),
            String::new(),
        );
        assert_eq!(
            both.description,
            format!("{} {aside}", MistakeKind::DoubleEncoded.description())
        );
    }

    #[test]
    fn the_canonical_space_as_plus_base_string() {
        let broken = sign_with_mistake(
            &form_post(),
            &KEYS,
            &options(false),
            MistakeKind::SpaceAsPlus,
        )
        .unwrap();
        assert!(
            broken
                .authorization
                .base_string
                .contains("q%3Dweb%2Bdesign")
        );
        assert!(
            broken
                .authorization
                .base_string
                .contains("subject%3DHello%2BLadies%2B%252B%2BGentlemen")
        );
    }

    /// On a query whose `+` a client may have read as a space, a mistake's own base string is
    /// built first with Upwork's reading (the `+` a plus); the form reading comes second.
    #[test]
    fn a_mistake_is_built_first_with_upworks_reading_of_a_query_plus() {
        let sent = sign_request_with(&plus_query(), &KEYS, &options(false)).request;
        let base = MistakeKind::LowercaseMethod.base_string(&captured(&sent));
        assert!(
            base.starts_with(
                "get&https%3A%2F%2Fwww.upwork.com%2Fapi%2Fprofiles%2Fv2%2Fsearch%2Fjobs.json&"
            ),
            "{base}"
        );
        assert!(base.contains("q%3Dweb%252Bdesign"), "{base}");
    }

    /// A query's `+` signed as `%2B` once (`q%3Dweb%2Bdesign` in the base string) is two stories:
    /// the value left unencoded, or read as a form (a space) and its space encoded as `+`. For a
    /// query that carries `+`, the second is the likely one and is named. The signature is a
    /// literal computed outside the project, by Python's `hmac` over the base string written by
    /// hand:
    /// `base64(hmac.new(b"cs%26secret%2F1&ts%20%25secret", base, hashlib.sha1).digest())`.
    #[test]
    fn a_query_plus_signed_once_encoded_is_read_as_a_form_first() {
        let sent = request(
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web+design",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_token=\"t\", oauth_signature=\"jXu8CubYt6%2BAJEQRTONhqfnEktY%3D\"",
            )],
            "",
        );
        let found = find_mistake(&captured(&sent), "cs&secret/1", "ts %secret").unwrap();
        assert_eq!(
            found.kinds,
            [MistakeKind::SpaceAsPlus, MistakeKind::QueryPlusAsSpace]
        );
        assert_eq!(
            found.client_base_string,
            "GET&https%3A%2F%2Fwww.upwork.com%2Fapi%2Fprofiles%2Fv2%2Fsearch%2Fjobs.json&oauth_consumer_key%3Dk%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1%26oauth_token%3Dt%26q%3Dweb%2Bdesign"
        );
    }

    /// A signature sent unencoded is no way of building the base string: the base string said
    /// for it is the correct one, even on a query whose `+` a client may read as a space.
    #[test]
    fn a_signature_sent_unencoded_has_the_correct_base_string() {
        let sent = sign_request_with(&plus_query(), &KEYS, &options(false)).request;
        let signed = captured(&sent);
        assert_eq!(
            MistakeKind::SignatureNotEncoded.base_string(&signed),
            crate::oauth::base_string(&signed)
        );
        assert!(crate::oauth::base_string(&signed).contains("q%3Dweb%252Bdesign"));
    }

    #[test]
    fn a_mistake_that_changes_nothing_is_refused() {
        let plain = request(
            "GET",
            "https://www.upwork.com/api/auth/v1/info.json",
            &[],
            "",
        );
        assert!(
            sign_with_mistake(&plain, &KEYS, &options(false), MistakeKind::SpaceAsPlus).is_err()
        );
    }

    #[test]
    fn a_correct_signature_has_no_mistake() {
        let good = sign_request_with(&form_post(), &KEYS, &options(true)).request;
        assert_eq!(
            find_mistake(
                &captured(&good),
                KEYS.consumer_secret,
                KEYS.token_secret.unwrap()
            ),
            None
        );
    }

    #[test]
    fn two_mistakes_made_together() {
        let good = captured(&sign_request_with(&form_post(), &KEYS, &options(false)).request);
        let mut client = Client::default();
        MistakeKind::SpaceAsPlus.apply(0, &mut client);
        MistakeKind::WrongScheme.apply(0, &mut client);
        let signing = Signing {
            request: &good,
            consumer_secret: KEYS.consumer_secret,
            token_secret: "ts %secret",
        };
        let mut broken = good.clone();
        broken.signature = signing.signature(&client).1;
        let found = find_mistake(&broken, KEYS.consumer_secret, "ts %secret").unwrap();
        assert_eq!(
            found.kinds,
            vec![MistakeKind::SpaceAsPlus, MistakeKind::WrongScheme]
        );
        assert_eq!(found.name, "space-as-plus");
    }

    /// A signature sent unencoded: in a form body its `+` arrives as a space (named); in the query
    /// Upwork reads the `+` as a plus, so the same signature is right there.
    #[test]
    fn a_signature_sent_unencoded() {
        let keys = Keys {
            token: None,
            token_secret: None,
            ..KEYS
        };
        let post = request(
            "POST",
            "https://www.upwork.com/api/auth/v1/oauth/token/request",
            &[FORM],
            "",
        );
        let resigned = (0..200)
            .map(|i| {
                sign_request_with(
                    &post,
                    &keys,
                    &SignOptions {
                        nonce: Some(format!("n{i}")),
                        ..options(false)
                    },
                )
            })
            .find(|r| r.authorization.signature.contains('+'))
            .unwrap();
        let pairs: Vec<String> = resigned
            .authorization
            .oauth_params
            .iter()
            .map(|(k, v)| {
                if k == "oauth_signature" {
                    format!("{k}={v}")
                } else {
                    format!("{k}={}", crate::oauth::encode(v))
                }
            })
            .collect();
        let in_form = request("POST", &post.url.to_string(), &[FORM], &pairs.join("&"));
        let found = find_mistake(&captured(&in_form), keys.consumer_secret, "").unwrap();
        assert_eq!(found.kinds, vec![MistakeKind::SignatureNotEncoded]);

        let in_query = request(
            "POST",
            &format!("{}?{}", post.url, pairs.join("&")),
            &[],
            "",
        );
        let signed = captured(&in_query);
        assert!(crate::oauth::verify(&signed, keys.consumer_secret, "").ok);
        assert_eq!(find_mistake(&signed, keys.consumer_secret, ""), None);
    }

    /// python-upwork#49: a query `+` signed as a space is refused by Upwork, and named.
    #[test]
    fn a_query_plus_signed_as_a_space_is_named() {
        // What requests-oauthlib does: the URL carries `+`, the signature reads it as a space.
        let meant = request(
            "GET",
            "https://www.upwork.com/api/profiles/v2/search/jobs.json?q=web%20design",
            &[],
            "",
        );
        let signed_meant = sign_request_with(&meant, &KEYS, &options(false));
        let sent_url = signed_meant.request.url.to_string().replace("%20", "+");
        let mut sent = signed_meant.request.clone();
        sent.url = crate::request::RawUrl::parse(&sent_url).unwrap();
        let signed = captured(&sent);
        assert!(!crate::oauth::verify(&signed, KEYS.consumer_secret, "ts %secret").ok);
        let found = find_mistake(&signed, KEYS.consumer_secret, "ts %secret").unwrap();
        assert_eq!(found.kinds, vec![MistakeKind::QueryPlusAsSpace]);
    }

    #[test]
    #[allow(clippy::disallowed_macros)] // a test's timing note, not the tool's output
    fn an_unknown_signature_is_searched_quickly() {
        let mut signed = captured(&sign_request_with(&form_post(), &KEYS, &options(true)).request);
        signed.signature = "AAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
        let start = std::time::Instant::now();
        assert_eq!(
            find_mistake(&signed, KEYS.consumer_secret, "ts %secret"),
            None
        );
        let elapsed = start.elapsed();
        eprintln!("find_mistake, nothing found: {elapsed:?}");
        // Debug builds are several times slower than release; this bounds the search size.
        assert!(elapsed.as_millis() < 500, "{elapsed:?}");
    }

    #[test]
    fn names_round_trip() {
        for kind in MistakeKind::ALL {
            assert_eq!(MistakeKind::from_name(kind.name()), Some(kind));
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.name());
        }
    }
}
