//! Reading the OAuth parameters of a captured request: the `Authorization: OAuth ...` header, the
//! query and the form body (RFC 5849 sections 3.5 and 3.4.1.3.1).

use super::encode::{decode, form_decode};
use super::{OAuthError, ParamLocation, SignatureMethod, SignedRequest};
use crate::request::CapturedRequest;

/// The value of the first `Authorization` header whose scheme is `OAuth`, without the scheme.
pub fn oauth_authorization(request: &CapturedRequest) -> Option<&str> {
    request.headers_named("authorization").find_map(|value| {
        let value = value.trim_start();
        let (scheme, rest) = value.split_at(value.find(char::is_whitespace).unwrap_or(value.len()));
        scheme.eq_ignore_ascii_case("OAuth").then_some(rest)
    })
}

/// The `name="value"` pairs of an `Authorization: OAuth` header value (scheme already removed),
/// exactly as written: quotes removed, nothing decoded. Lenient: commas or spaces separate, values
/// may be unquoted, spaces around `=` are tolerated, `\"` inside quotes is an escaped quote.
pub fn raw_authorization_params(params: &str) -> Vec<(String, String)> {
    let is_separator = |c: char| c == ',' || c.is_whitespace();
    // A byte offset into `params`, always at a character boundary (every header of every call
    // checked is read here: slices, not a copy of the characters).
    let char_at = |i: usize| params[i..].chars().next();
    let skip_while = |mut i: usize, keep: &dyn Fn(char) -> bool| {
        while let Some(c) = char_at(i)
            && keep(c)
        {
            i += c.len_utf8();
        }
        i
    };
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < params.len() {
        i = skip_while(i, &is_separator);
        let name_start = i;
        i = skip_while(i, &|c| c != '=' && !is_separator(c));
        let name = &params[name_start..i];
        i = skip_while(i, &char::is_whitespace);
        if char_at(i) != Some('=') {
            if !name.is_empty() {
                pairs.push((name.to_string(), String::new()));
            }
            continue;
        }
        i = skip_while(i + 1, &char::is_whitespace);
        let value = if char_at(i) == Some('"') {
            let mut value = String::new();
            i += 1;
            while let Some(c) = char_at(i)
                && c != '"'
            {
                // A backslash takes the character after it as it is (`\"` is a quote).
                let escaped = if c == '\\' { char_at(i + 1) } else { None };
                let taken = match escaped {
                    Some(next) => {
                        i += 1;
                        next
                    }
                    None => c,
                };
                value.push(taken);
                i += taken.len_utf8();
            }
            // Past the closing quote, if there is one.
            i = (i + 1).min(params.len());
            value
        } else {
            let start = i;
            i = skip_while(i, &|c| !is_separator(c));
            params[start..i].to_string()
        };
        if !name.is_empty() {
            pairs.push((name.to_string(), value));
        }
    }
    pairs
}

/// The header's parameters percent-decoded (RFC 5849 section 3.5.1), `realm` included.
pub fn parse_authorization(params: &str) -> Vec<(String, String)> {
    raw_authorization_params(params)
        .into_iter()
        .map(|(k, v)| (decode(&k), decode(&v)))
        .collect()
}

/// The query of a request as Upwork reads it: percent-decoded, a `+` left a literal plus (the API
/// FAQ's 401 "if there are spaces", and python-upwork#49, where `q=a+b` signed as `a b` was refused
/// while `a%20b` passed).
pub(crate) fn query_params(request: &CapturedRequest) -> Vec<(String, String)> {
    decode_query_pairs(request.url.query().unwrap_or_default())
}

/// `a=1&b=x%20y` split and percent-decoded, `+` kept; empty pieces skipped, a piece without `=`
/// has an empty value. Upwork's reading of a URL query.
pub fn decode_query_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

/// The body decoded as a form when it is one.
pub(crate) fn form_params(request: &CapturedRequest) -> Vec<(String, String)> {
    if request.is_form_body() {
        decode_form_pairs(&String::from_utf8_lossy(&request.content()))
    } else {
        Vec::new()
    }
}

/// `a=1&b=x+y` split and decoded; empty pieces skipped, a piece without `=` has an empty value.
/// Written here rather than with `url::form_urlencoded` so that both decoders agree with [`decode`]
/// on malformed escapes.
pub(crate) fn decode_form_pairs(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (form_decode(k), form_decode(v))
        })
        .collect()
}

/// What a client that signs a non-form body would have added to its parameters: the top-level
/// fields of a JSON object, else the body read as a form.
pub(crate) fn unsigned_body_params(request: &CapturedRequest) -> Vec<(String, String)> {
    let content = request.content();
    if content.is_empty() || request.is_form_body() {
        return Vec::new();
    }
    if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&content) {
        return map
            .into_iter()
            .map(|(k, v)| {
                let v = match v {
                    serde_json::Value::String(s) => s,
                    serde_json::Value::Null => String::new(),
                    other => other.to_string(),
                };
                (k, v)
            })
            .collect();
    }
    decode_form_pairs(&String::from_utf8_lossy(&content))
}

fn is_oauth(name: &str) -> bool {
    name.starts_with("oauth_")
}

fn carries_oauth(pairs: &[(String, String)]) -> bool {
    pairs
        .iter()
        .any(|(k, _)| k == "oauth_signature" || k == "oauth_consumer_key")
}

/// Implements [`SignedRequest::from_request`].
pub(crate) fn signed_request(
    request: &CapturedRequest,
) -> Result<Option<SignedRequest>, OAuthError> {
    let mut query = query_params(request);
    // How a client that wrote `+` for a space reads its own query (RFC 5849 3.4.1.3.1 and HTML
    // forms): kept only where it differs from Upwork's reading, for the mistake search.
    let raw_query = request.url.query().unwrap_or_default();
    let mut query_as_form = raw_query
        .contains('+')
        .then(|| decode_form_pairs(raw_query));
    let mut form = form_params(request);
    let (location, mut oauth) = if let Some(header) = oauth_authorization(request) {
        let params: Vec<_> = parse_authorization(header)
            .into_iter()
            .filter(|(k, _)| k != "realm")
            .collect();
        (ParamLocation::AuthorizationHeader, params)
    } else if carries_oauth(&query) {
        let (oauth, rest) = query.into_iter().partition(|(k, _)| is_oauth(k));
        query = rest;
        if let Some(pairs) = &mut query_as_form {
            pairs.retain(|(k, _)| !is_oauth(k));
        }
        (ParamLocation::Query, oauth)
    } else if carries_oauth(&form) {
        let (oauth, rest) = form.into_iter().partition(|(k, _)| is_oauth(k));
        form = rest;
        (ParamLocation::FormBody, oauth)
    } else {
        return Ok(None);
    };
    // RFC 5849 section 3.4.1.3.1: the signature never signs itself, wherever it travels.
    let signature = take(&mut oauth, "oauth_signature");
    query.retain(|(k, _)| k != "oauth_signature");
    form.retain(|(k, _)| k != "oauth_signature");
    let query_as_form = query_as_form
        .map(|mut pairs| {
            pairs.retain(|(k, _)| k != "oauth_signature");
            pairs
        })
        .filter(|pairs| *pairs != query);
    let where_ = location_name(location);
    let Some(signature) = signature else {
        return Err(OAuthError(format!(
            "the OAuth parameters in the {where_} have no oauth_signature"
        )));
    };
    let get = |name: &str| {
        oauth
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let Some(consumer_key) = get("oauth_consumer_key") else {
        return Err(OAuthError(format!(
            "the OAuth parameters in the {where_} have no oauth_consumer_key"
        )));
    };
    let signature_method = match get("oauth_signature_method").as_deref() {
        Some(m) if m.eq_ignore_ascii_case("HMAC-SHA1") => SignatureMethod::HmacSha1,
        Some(m) if m.eq_ignore_ascii_case("PLAINTEXT") => SignatureMethod::Plaintext,
        Some(m) => {
            return Err(OAuthError(format!(
                "oauth_signature_method '{m}' is not supported (Upwork accepts HMAC-SHA1 and PLAINTEXT)"
            )));
        }
        None => {
            return Err(OAuthError(format!(
                "the OAuth parameters in the {where_} have no oauth_signature_method"
            )));
        }
    };
    Ok(Some(SignedRequest {
        method: request.method.clone(),
        url: request.url.clone(),
        location,
        token: get("oauth_token"),
        timestamp: get("oauth_timestamp"),
        nonce: get("oauth_nonce"),
        oauth_params: oauth,
        query_params: query,
        query_params_as_form: query_as_form,
        form_params: form,
        unsigned_body_params: unsigned_body_params(request),
        signature,
        signature_method,
        consumer_key,
    }))
}

fn take(pairs: &mut Vec<(String, String)>, name: &str) -> Option<String> {
    let index = pairs.iter().position(|(k, _)| k == name)?;
    let value = pairs.remove(index).1;
    pairs.retain(|(k, _)| k != name);
    Some(value)
}

fn location_name(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::AuthorizationHeader => "Authorization header",
        ParamLocation::Query => "query",
        ParamLocation::FormBody => "form body",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::fixtures::request;

    #[test]
    fn parses_a_sloppy_header() {
        let params = parse_authorization(
            r#" realm="Photos",oauth_consumer_key = "a%20b" , oauth_nonce=xyz oauth_signature="x\"y%3D""#,
        );
        assert_eq!(
            params,
            vec![
                ("realm".into(), "Photos".into()),
                ("oauth_consumer_key".into(), "a b".into()),
                ("oauth_nonce".into(), "xyz".into()),
                ("oauth_signature".into(), "x\"y=".into()),
            ]
        );
    }

    #[test]
    fn finds_oauth_in_header_query_or_form() {
        let r = request(
            "GET",
            "https://h/p?a=1+2",
            &[(
                "authorization",
                "oauth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"s%26\"",
            )],
            "",
        );
        let s = SignedRequest::from_request(&r).unwrap().unwrap();
        assert_eq!(s.location, ParamLocation::AuthorizationHeader);
        assert_eq!(s.signature, "s&");
        assert_eq!(s.signature_method, SignatureMethod::Plaintext);
        // Upwork reads the `+` as a plus; the form reading is kept beside it for the mistake search.
        assert_eq!(s.query_params, vec![("a".into(), "1+2".into())]);
        assert_eq!(
            s.query_params_as_form,
            Some(vec![("a".into(), "1 2".into())])
        );

        let r = request(
            "GET",
            "https://h/p?oauth_consumer_key=k&oauth_signature_method=HMAC-SHA1&oauth_signature=ab%2B%3D&x=1",
            &[],
            "",
        );
        let s = SignedRequest::from_request(&r).unwrap().unwrap();
        assert_eq!(s.location, ParamLocation::Query);
        assert_eq!(s.signature, "ab+=");
        assert_eq!(s.query_params, vec![("x".into(), "1".into())]);
        assert_eq!(s.oauth_params.len(), 2);

        let r = request(
            "POST",
            "https://h/p",
            &[(
                "Content-Type",
                "application/x-www-form-urlencoded; charset=utf-8",
            )],
            "oauth_consumer_key=k&oauth_signature_method=HMAC-SHA1&oauth_signature=z&b=2",
        );
        let s = SignedRequest::from_request(&r).unwrap().unwrap();
        assert_eq!(s.location, ParamLocation::FormBody);
        assert_eq!(s.form_params, vec![("b".into(), "2".into())]);
    }

    #[test]
    fn no_oauth_is_none_and_broken_oauth_is_an_error() {
        let r = request("GET", "https://h/p", &[("Authorization", "Bearer abc")], "");
        assert_eq!(SignedRequest::from_request(&r).unwrap(), None);
        let r = request(
            "GET",
            "https://h/p",
            &[("Authorization", "OAuth oauth_consumer_key=\"k\"")],
            "",
        );
        assert!(
            SignedRequest::from_request(&r)
                .unwrap_err()
                .0
                .contains("oauth_signature")
        );
        let r = request(
            "GET",
            "https://h/p",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"RSA-SHA1\", oauth_signature=\"x\"",
            )],
            "",
        );
        assert!(
            SignedRequest::from_request(&r)
                .unwrap_err()
                .0
                .contains("RSA-SHA1")
        );
    }

    #[test]
    fn a_json_body_is_what_a_client_might_wrongly_sign() {
        let r = request(
            "POST",
            "https://h/p",
            &[("Content-Type", "application/json")],
            r#"{"a":"x y","n":2}"#,
        );
        assert_eq!(
            unsigned_body_params(&r),
            vec![("a".into(), "x y".into()), ("n".into(), "2".into())]
        );
    }

    /// A bare name in a header (no `=`) is a parameter with an empty value; the separators
    /// around it are no parameter at all.
    #[test]
    fn a_bare_name_is_an_empty_parameter_and_separators_are_none() {
        assert_eq!(
            raw_authorization_params(" realm ,, oauth_nonce=\"n\" , "),
            vec![
                ("realm".to_string(), String::new()),
                ("oauth_nonce".to_string(), "n".to_string())
            ]
        );
    }

    /// A form body is signed as it is: no client would add it again as unsigned fields.
    #[test]
    fn a_form_body_or_no_body_adds_nothing_a_client_might_wrongly_sign() {
        let form = request(
            "POST",
            "https://h/p",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "a=1&b=2",
        );
        assert!(unsigned_body_params(&form).is_empty());
        let text = request(
            "POST",
            "https://h/p",
            &[("Content-Type", "text/plain")],
            "a=1",
        );
        assert_eq!(unsigned_body_params(&text), vec![("a".into(), "1".into())]);
        let empty = request("POST", "https://h/p", &[("Content-Type", "text/plain")], "");
        assert!(unsigned_body_params(&empty).is_empty());
    }

    /// A query or form carries OAuth when it has a signature or a consumer key (either alone);
    /// a token alone is an ordinary parameter. A missing part is named with where the others
    /// travel.
    #[test]
    fn oauth_is_carried_by_a_signature_or_a_consumer_key_and_a_missing_part_is_placed() {
        let get = |url: &str| request("GET", url, &[], "");
        let e =
            SignedRequest::from_request(&get("https://h/p?oauth_consumer_key=k&x=1")).unwrap_err();
        assert_eq!(
            e.0,
            "the OAuth parameters in the query have no oauth_signature"
        );
        let e = SignedRequest::from_request(&get("https://h/p?oauth_signature=s")).unwrap_err();
        assert_eq!(
            e.0,
            "the OAuth parameters in the query have no oauth_consumer_key"
        );
        assert_eq!(
            SignedRequest::from_request(&get("https://h/p?oauth_token=t")).unwrap(),
            None
        );
        let form = request(
            "POST",
            "https://h/p",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "oauth_consumer_key=k&oauth_signature=s",
        );
        assert_eq!(
            SignedRequest::from_request(&form).unwrap_err().0,
            "the OAuth parameters in the form body have no oauth_signature_method"
        );
        let header = request(
            "GET",
            "https://h/p",
            &[("Authorization", "OAuth oauth_signature=\"s\"")],
            "",
        );
        assert_eq!(
            SignedRequest::from_request(&header).unwrap_err().0,
            "the OAuth parameters in the Authorization header have no oauth_consumer_key"
        );
    }

    /// OAuth parameters in a query with `+` are left out of its form reading too.
    #[test]
    fn the_form_reading_of_a_query_leaves_its_oauth_parameters_out() {
        let r = request(
            "GET",
            "https://h/p?q=a+b&oauth_consumer_key=k&oauth_signature_method=HMAC-SHA1&oauth_signature=s",
            &[],
            "",
        );
        let s = SignedRequest::from_request(&r).unwrap().unwrap();
        assert_eq!(
            s.query_params_as_form,
            Some(vec![("q".into(), "a b".into())])
        );
    }
}
