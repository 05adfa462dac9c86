//! The signature base string (RFC 5849 section 3.4.1), built the right way or the way a client
//! with a known mistake builds it: one [`Recipe`] describes both, its default is the RFC.

use super::SignedRequest;
use super::encode::{Hex, decode, encode_with};
use crate::request::RawUrl;

/// The base string RFC 5849 section 3.4.1 defines for a request.
pub fn base_string(request: &SignedRequest) -> String {
    Recipe::default().build(request)
}

/// The base string URI of RFC 5849 section 3.4.1.2: scheme and host lowercase, the default port
/// dropped, the path as written (`/` when empty), no query.
pub fn normalize_uri(url: &RawUrl) -> String {
    Recipe::default().base_uri(url)
}

/// The normalized parameters of RFC 5849 section 3.4.1.3.2: each name and value encoded, sorted by
/// encoded name then encoded value, joined with `=` and `&`.
pub fn normalized_parameters(params: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (encode_with(k, Hex::Upper), encode_with(v, Hex::Upper)))
        .collect();
    encoded.sort();
    join_pairs(&encoded)
}

fn join_pairs(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn join_base_string(method: &str, uri: &str, params: &str, hex: Hex) -> String {
    format!(
        "{method}&{}&{}",
        encode_with(uri, hex),
        encode_with(params, hex)
    )
}

/// How a client writes the method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum MethodCase {
    #[default]
    Upper,
    Lower,
}

/// How a client writes the scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum Scheme {
    #[default]
    AsRequested,
    /// `http` for `https` and the reverse.
    Flipped,
}

/// How a client treats the path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum PathMode {
    #[default]
    AsIs,
    /// `~` written `%7E`, as RFC 2396-era encoders do.
    TildeEncoded,
    /// Each segment encoded again: `%20` becomes `%2520`.
    ReEncoded,
    /// Escapes decoded: `%20` becomes a space.
    Decoded,
}

/// How a client treats `oauth_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum Version {
    #[default]
    AsSent,
    /// Signed `oauth_version=1.0` without sending it.
    Added,
    /// Sent it without signing it.
    Dropped,
}

/// How a client encodes each name and value before joining them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum ValueEncoding {
    #[default]
    Rfc3986,
    /// A space as `+` (HTML form style), the rest as RFC 3986.
    SpaceAsPlus,
    /// Encoded twice.
    Double,
    /// Not encoded at all.
    Raw,
    /// An RFC 1738-era encoder (Python 2's `urllib.quote`, old JavaScript `escape`): `~` as `%7E`.
    TildeEncoded,
    /// `/` left raw, as `urllib.quote` does with its default `safe='/'`.
    SlashRaw,
    /// Both: Python 2's `urllib.quote(value)` with its defaults.
    Python2Quote,
}

/// Where a client writes lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum HexCase {
    #[default]
    Upper,
    /// In the encoded names and values only.
    Params,
    /// Everywhere, the outer encoding of the base string too.
    All,
}

/// How a client reads a `+` in the URL query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum QueryPlus {
    /// As a literal plus, as Upwork does.
    #[default]
    Literal,
    /// As a space, as HTML forms and RFC 5849's decoding do.
    Space,
}

/// How a client names a parameter that appears more than once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum Repeated {
    /// As sent: `skills=a&skills=b`.
    #[default]
    AsSent,
    /// Signed as `skills[0]=a&skills[1]=b` (PHP-style arrays, qs-style serializers).
    Indexed,
    /// Signed as `skills[]=a&skills[]=b`.
    Brackets,
}

/// How a client orders the parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum Order {
    #[default]
    Sorted,
    /// As they travel: query, body, then the OAuth parameters as written.
    Wire,
    /// OAuth parameters first, then query and body.
    OAuthFirst,
    /// Sorted by the decoded names and values instead of the encoded ones.
    Decoded,
}

/// Every choice a client makes while building a base string. The default follows RFC 5849 as Upwork
/// applies it: a `+` in the query is a literal plus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Recipe {
    pub method: MethodCase,
    pub scheme: Scheme,
    pub keep_default_port: bool,
    pub path: PathMode,
    pub query: bool,
    pub query_plus: QueryPlus,
    pub form: bool,
    /// Leaves parameters with an empty value out of what it signs, though it sends them.
    pub drop_empty: bool,
    pub repeated: Repeated,
    pub unsigned_body: bool,
    pub version: Version,
    pub values: ValueEncoding,
    pub hex: HexCase,
    pub order: Order,
}

impl Default for Recipe {
    fn default() -> Self {
        Recipe {
            method: MethodCase::Upper,
            scheme: Scheme::AsRequested,
            keep_default_port: false,
            path: PathMode::AsIs,
            query: true,
            query_plus: QueryPlus::Literal,
            form: true,
            drop_empty: false,
            repeated: Repeated::AsSent,
            unsigned_body: false,
            version: Version::AsSent,
            values: ValueEncoding::Rfc3986,
            hex: HexCase::Upper,
            order: Order::Sorted,
        }
    }
}

impl Recipe {
    /// The base string this client builds for the request.
    pub fn build(&self, request: &SignedRequest) -> String {
        let method = match self.method {
            MethodCase::Upper => request.method.to_ascii_uppercase(),
            MethodCase::Lower => request.method.to_ascii_lowercase(),
        };
        let uri = self.base_uri(&request.url);
        let params = self.parameters(request);
        let outer = if self.hex == HexCase::All {
            Hex::Lower
        } else {
            Hex::Upper
        };
        join_base_string(&method, &uri, &params, outer)
    }

    fn base_uri(&self, url: &RawUrl) -> String {
        let https = url.is_https();
        let scheme = match (self.scheme, https) {
            (Scheme::AsRequested, true) | (Scheme::Flipped, false) => "https",
            (Scheme::AsRequested, false) | (Scheme::Flipped, true) => "http",
        };
        let default_port = if https { 443 } else { 80 };
        let host = url.host().to_ascii_lowercase();
        let port = url.port();
        let authority = if port == default_port && !self.keep_default_port {
            host
        } else {
            format!("{host}:{port}")
        };
        let path = if url.path().is_empty() {
            "/"
        } else {
            url.path()
        };
        let path = match self.path {
            PathMode::AsIs => path.to_string(),
            PathMode::TildeEncoded => path.replace('~', "%7E"),
            PathMode::ReEncoded => path
                .split('/')
                .map(|segment| encode_with(segment, Hex::Upper))
                .collect::<Vec<_>>()
                .join("/"),
            PathMode::Decoded => decode(path),
        };
        format!("{scheme}://{authority}{path}")
    }

    fn parameters(&self, request: &SignedRequest) -> String {
        let mut oauth = request.oauth_params.clone();
        match self.version {
            Version::AsSent => {}
            Version::Added => {
                if !oauth.iter().any(|(k, _)| k == "oauth_version") {
                    oauth.push(("oauth_version".into(), "1.0".into()));
                }
            }
            Version::Dropped => oauth.retain(|(k, _)| k != "oauth_version"),
        }
        let mut others: Vec<(String, String)> = Vec::new();
        if self.query {
            let query = match (self.query_plus, &request.query_params_as_form) {
                (QueryPlus::Space, Some(as_form)) => as_form,
                _ => &request.query_params,
            };
            others.extend(query.iter().cloned());
        }
        if self.form {
            others.extend(request.form_params.iter().cloned());
        }
        if self.unsigned_body {
            others.extend(request.unsigned_body_params.iter().cloned());
        }
        if self.drop_empty {
            others.retain(|(_, v)| !v.is_empty());
        }
        if self.repeated != Repeated::AsSent {
            rename_repeated(&mut others, self.repeated);
        }
        let mut params = match self.order {
            Order::OAuthFirst => {
                oauth.extend(others);
                oauth
            }
            _ => {
                others.extend(oauth);
                others
            }
        };
        if self.order == Order::Decoded {
            params.sort();
        }
        let mut encoded: Vec<(String, String)> = params
            .iter()
            .map(|(k, v)| (self.encode_param(k), self.encode_param(v)))
            .collect();
        if self.order == Order::Sorted {
            encoded.sort();
        }
        join_pairs(&encoded)
    }

    fn encode_param(&self, value: &str) -> String {
        let hex = if self.hex == HexCase::Upper {
            Hex::Upper
        } else {
            Hex::Lower
        };
        match self.values {
            ValueEncoding::Rfc3986 => encode_with(value, hex),
            ValueEncoding::SpaceAsPlus => encode_with(value, hex).replace("%20", "+"),
            ValueEncoding::Double => encode_with(&encode_with(value, hex), hex),
            ValueEncoding::Raw => value.to_string(),
            ValueEncoding::TildeEncoded => encode_with(value, hex).replace('~', "%7E"),
            ValueEncoding::SlashRaw => encode_with(value, hex)
                .replace("%2F", "/")
                .replace("%2f", "/"),
            ValueEncoding::Python2Quote => encode_with(value, hex)
                .replace('~', "%7E")
                .replace("%2F", "/")
                .replace("%2f", "/"),
        }
    }
}

/// Renames the parameters whose name appears more than once as array-style serializers do.
fn rename_repeated(params: &mut [(String, String)], style: Repeated) {
    let mut seen: Vec<(String, usize)> = Vec::new();
    let repeated: Vec<String> = params
        .iter()
        .filter(|(name, _)| params.iter().filter(|(other, _)| other == name).count() > 1)
        .map(|(name, _)| name.clone())
        .collect();
    for (name, _) in params.iter_mut() {
        if !repeated.contains(name) {
            continue;
        }
        let index = match seen.iter_mut().find(|(n, _)| n == name) {
            Some((_, count)) => {
                *count += 1;
                *count - 1
            }
            None => {
                seen.push((name.clone(), 1));
                0
            }
        };
        *name = match style {
            Repeated::Indexed => format!("{name}[{index}]"),
            Repeated::Brackets | Repeated::AsSent => format!("{name}[]"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::SignedRequest;
    use crate::request::{CapturedRequest, Header, Source};

    /// Repeated names renamed as array serializers write them, each kept in its place, with its
    /// own count: the expected pairs written out by hand.
    #[test]
    fn repeated_names_are_renamed_in_order_each_with_its_own_count() {
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let sent = pairs(&[
            ("a", "1"),
            ("b", "x"),
            ("a", "2"),
            ("c", ""),
            ("a", "3"),
            ("b", "y"),
        ]);
        let mut indexed = sent.clone();
        rename_repeated(&mut indexed, Repeated::Indexed);
        assert_eq!(
            indexed,
            pairs(&[
                ("a[0]", "1"),
                ("b[0]", "x"),
                ("a[1]", "2"),
                ("c", ""),
                ("a[2]", "3"),
                ("b[1]", "y")
            ])
        );
        let mut brackets = sent.clone();
        rename_repeated(&mut brackets, Repeated::Brackets);
        assert_eq!(
            brackets,
            pairs(&[
                ("a[]", "1"),
                ("b[]", "x"),
                ("a[]", "2"),
                ("c", ""),
                ("a[]", "3"),
                ("b[]", "y")
            ])
        );
    }

    /// The orders a client may sign its parameters in, on one request: the expected parameter
    /// strings written out by hand from the request below.
    #[test]
    fn each_order_of_the_parameters() {
        let request = crate::oauth::fixtures::request(
            "POST",
            "https://example.com/p?z=1&B=2",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", oauth_token=\"t\", oauth_signature=\"s\"",
            )],
            "",
        );
        let signed = SignedRequest::from_request(&request).unwrap().unwrap();
        let oauth = "oauth_consumer_key=k&oauth_nonce=n&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1&oauth_token=t";
        let order = |order: Order| {
            Recipe {
                order,
                ..Recipe::default()
            }
            .parameters(&signed)
        };
        assert_eq!(order(Order::Sorted), format!("B=2&{oauth}&z=1"));
        assert_eq!(order(Order::Wire), format!("z=1&B=2&{oauth}"));
        assert_eq!(order(Order::OAuthFirst), format!("{oauth}&z=1&B=2"));
        assert_eq!(order(Order::Decoded), format!("B=2&{oauth}&z=1"));
    }

    /// `oauth_version` added when missing (and only then) or dropped, and empty values left out,
    /// each leaving every other parameter as it was: the strings written out by hand.
    #[test]
    fn the_version_added_or_dropped_and_empty_values_left_out() {
        let signed_with = |version: &str| {
            let header = format!(
                "OAuth oauth_consumer_key=\"k\", oauth_nonce=\"n\", oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1\", {version}oauth_signature=\"s\""
            );
            let request = crate::oauth::fixtures::request(
                "GET",
                "https://example.com/p?e=&b=1",
                &[("Authorization", header.as_str())],
                "",
            );
            SignedRequest::from_request(&request).unwrap().unwrap()
        };
        let with_version = signed_with("oauth_version=\"1.0\", ");
        let without_version = signed_with("");
        let oauth =
            "oauth_consumer_key=k&oauth_nonce=n&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1";
        let recipe = |version: Version, drop_empty: bool| Recipe {
            version,
            drop_empty,
            ..Recipe::default()
        };
        assert_eq!(
            recipe(Version::Dropped, false).parameters(&with_version),
            format!("b=1&e=&{oauth}")
        );
        assert_eq!(
            recipe(Version::Added, false).parameters(&without_version),
            format!("b=1&e=&{oauth}&oauth_version=1.0")
        );
        assert_eq!(
            recipe(Version::Added, false).parameters(&with_version),
            format!("b=1&e=&{oauth}&oauth_version=1.0")
        );
        assert_eq!(
            recipe(Version::AsSent, true).parameters(&with_version),
            format!("b=1&{oauth}&oauth_version=1.0")
        );
    }

    #[test]
    fn rfc5849_3_4_1_2_uri_examples() {
        let uri = |u: &str| normalize_uri(&RawUrl::parse(u).unwrap());
        assert_eq!(
            uri("HTTP://EXAMPLE.COM:80/r%20v/X?id=123"),
            "http://example.com/r%20v/X"
        );
        assert_eq!(
            uri("https://www.example.net:8080/?q=1"),
            "https://www.example.net:8080/"
        );
        assert_eq!(
            uri("https://www.example.net:443"),
            "https://www.example.net/"
        );
        assert_eq!(uri("http://example.com:443/a"), "http://example.com:443/a");
        assert_eq!(
            uri("https://user:pw@Example.com/a~b"),
            "https://example.com/a~b"
        );
    }

    /// RFC 5849 section 3.4.1.1, byte for byte (the RFC wraps it over several lines).
    #[test]
    fn rfc5849_3_4_1_1_base_string_example() {
        let request = CapturedRequest {
            method: "POST".into(),
            url: RawUrl::parse("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
                .unwrap(),
            headers: vec![
                Header::new("Host", "example.com"),
                Header::new("Content-Type", "application/x-www-form-urlencoded"),
                Header::new(
                    "Authorization",
                    "OAuth realm=\"Example\", oauth_consumer_key=\"9djdj82h48djs9d2\", \
                     oauth_token=\"kkk9d7dh3k39sjv7\", oauth_signature_method=\"HMAC-SHA1\", \
                     oauth_timestamp=\"137131201\", oauth_nonce=\"7d8f3e4a\", \
                     oauth_signature=\"bYT5CMsGcbgUdFHObYMEfcx6bsw%3D\"",
                ),
            ],
            body: b"c2&a3=2+q".to_vec(),
            time: None,
            source: Source::Flags,
        };
        let signed = SignedRequest::from_request(&request).unwrap().unwrap();
        assert_eq!(
            base_string(&signed),
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q\
             %26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_\
             key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_m\
             ethod%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk\
             9d7dh3k39sjv7"
        );
        assert_eq!(
            normalized_parameters(&[
                ("b5".into(), "=%3D".into()),
                ("a3".into(), "a".into()),
                ("c@".into(), "".into()),
                ("a2".into(), "r b".into()),
                ("c2".into(), "".into()),
                ("a3".into(), "2 q".into()),
            ]),
            "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2="
        );
    }
}
