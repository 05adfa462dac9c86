//! Turning a base string into a signature: the signing key (RFC 5849 section 3.4.2), HMAC-SHA1 and
//! PLAINTEXT (section 3.4.4).

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha1::Sha1;

use super::SignatureMethod;
use super::encode::encode;

/// `encode(consumer_secret)&encode(token_secret)`; an absent token secret is empty.
pub fn signing_key(consumer_secret: &str, token_secret: &str) -> String {
    format!("{}&{}", encode(consumer_secret), encode(token_secret))
}

/// The signature of a base string under a key, unencoded (base64 for HMAC-SHA1; the key itself for
/// PLAINTEXT, which signs no base string).
pub fn sign_with_key(method: SignatureMethod, key: &str, base_string: &str) -> String {
    match method {
        SignatureMethod::HmacSha1 => {
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes())
                .expect("HMAC takes keys of any length");
            mac.update(base_string.as_bytes());
            base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
        }
        SignatureMethod::Plaintext => key.to_string(),
    }
}

/// The signature of a base string with the secrets, per RFC 5849.
pub fn sign(
    method: SignatureMethod,
    base_string: &str,
    consumer_secret: &str,
    token_secret: &str,
) -> String {
    sign_with_key(
        method,
        &signing_key(consumer_secret, token_secret),
        base_string,
    )
}

impl SignatureMethod {
    /// The name sent in `oauth_signature_method`.
    pub fn name(self) -> &'static str {
        match self {
            SignatureMethod::HmacSha1 => "HMAC-SHA1",
            SignatureMethod::Plaintext => "PLAINTEXT",
        }
    }

    /// The other supported method.
    pub fn other(self) -> SignatureMethod {
        match self {
            SignatureMethod::HmacSha1 => SignatureMethod::Plaintext,
            SignatureMethod::Plaintext => SignatureMethod::HmacSha1,
        }
    }
}

/// How a client builds its signing key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub(crate) enum KeyMode {
    #[default]
    Encoded,
    /// The secrets joined without encoding.
    RawSecrets,
    /// `encode(consumer_secret)&`, the token secret left out.
    NoTokenSecret,
    /// `encode(consumer_secret)` alone, not even the `&`.
    ConsumerSecretOnly,
}

impl KeyMode {
    pub fn key(self, consumer_secret: &str, token_secret: &str) -> String {
        match self {
            KeyMode::Encoded => signing_key(consumer_secret, token_secret),
            KeyMode::RawSecrets => format!("{consumer_secret}&{token_secret}"),
            KeyMode::NoTokenSecret => signing_key(consumer_secret, ""),
            KeyMode::ConsumerSecretOnly => encode(consumer_secret),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_and_plaintext() {
        assert_eq!(signing_key("a b&", "c"), "a%20b%26&c");
        assert_eq!(
            sign(
                SignatureMethod::Plaintext,
                "ignored",
                "kd94hf93k423kf44",
                ""
            ),
            "kd94hf93k423kf44&"
        );
    }

    /// The names RFC 5849 section 3.4 gives the methods, as bundle.json reports them and as
    /// Upwork reads them in `oauth_signature_method`.
    #[test]
    fn methods_are_named_as_the_rfc_spells_them() {
        assert_eq!(SignatureMethod::HmacSha1.name(), "HMAC-SHA1");
        assert_eq!(SignatureMethod::Plaintext.name(), "PLAINTEXT");
    }

    /// RFC 2202 test case 2 for HMAC-SHA1.
    #[test]
    fn hmac_sha1_known_answer() {
        let sig = sign_with_key(
            SignatureMethod::HmacSha1,
            "Jefe",
            "what do ya want for nothing?",
        );
        assert_eq!(sig, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
    }
}
