//! Recomputing the signature of a captured request and comparing it with the one it carries.

use super::base_string::base_string;
use super::signature::sign;
use super::{SignedRequest, Verification};

/// Implements [`super::verify`].
pub(crate) fn verify(
    request: &SignedRequest,
    consumer_secret: &str,
    token_secret: &str,
) -> Verification {
    let base_string = base_string(request);
    let expected_signature = sign(
        request.signature_method,
        &base_string,
        consumer_secret,
        token_secret,
    );
    Verification {
        ok: expected_signature == request.signature,
        expected_signature,
        captured_signature: request.signature.clone(),
        base_string,
    }
}

/// The byte offset where two strings first differ, `None` when they are equal.
pub fn first_difference(a: &str, b: &str) -> Option<usize> {
    if a == b {
        return None;
    }
    Some(a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oauth::fixtures::{FORM, request};
    use crate::oauth::{SignatureMethod, SignedRequest};

    fn check(r: &crate::request::CapturedRequest, cs: &str, ts: &str) -> Verification {
        let signed = SignedRequest::from_request(r).unwrap().unwrap();
        verify(&signed, cs, ts)
    }

    /// RFC 5849 section 1.2: the temporary credentials request.
    #[test]
    fn rfc5849_1_2_temporary_credentials() {
        let r = request(
            "POST",
            "https://photos.example.net/initiate",
            &[(
                "Authorization",
                "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
                 oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"137131200\", \
                 oauth_nonce=\"wIjqoS\", oauth_callback=\"http%3A%2F%2Fprinter.example.com%2Fready\", \
                 oauth_signature=\"74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D\"",
            )],
            "",
        );
        let v = check(&r, "kd94hf93k423kf44", "");
        assert!(v.ok, "{v:?}");
        assert_eq!(v.expected_signature, "74KNZJeDHnMBp0EMJ9ZHt/XKycU=");
    }

    /// RFC 5849 section 1.2: the token request.
    #[test]
    fn rfc5849_1_2_token() {
        let r = request(
            "POST",
            "https://photos.example.net/token",
            &[(
                "Authorization",
                "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
                 oauth_token=\"hh5s93j4hdidpola\", oauth_signature_method=\"HMAC-SHA1\", \
                 oauth_timestamp=\"137131201\", oauth_nonce=\"walatlh\", \
                 oauth_verifier=\"hfdp7dh39dks9884\", oauth_signature=\"gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D\"",
            )],
            "",
        );
        let v = check(&r, "kd94hf93k423kf44", "hdhd0244k9j7ao03");
        assert!(v.ok, "{v:?}");
    }

    /// RFC 5849 section 1.2: the protected resource request.
    #[test]
    fn rfc5849_1_2_resource() {
        let r = request(
            "GET",
            "http://photos.example.net/photos?file=vacation.jpg&size=original",
            &[(
                "Authorization",
                "OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\", \
                 oauth_token=\"nnch734d00sl2jdk\", oauth_signature_method=\"HMAC-SHA1\", \
                 oauth_timestamp=\"137131202\", oauth_nonce=\"chapoH\", \
                 oauth_signature=\"MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D\"",
            )],
            "",
        );
        let v = check(&r, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00");
        assert_eq!(
            v.base_string,
            "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26\
             oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3DchapoH%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131202%26\
             oauth_token%3Dnnch734d00sl2jdk%26size%3Doriginal"
        );
        assert!(v.ok, "{v:?}");
    }

    /// The X (Twitter) developer documentation, "Creating a signature".
    #[test]
    fn twitter_creating_a_signature() {
        let body = "status=Hello%20Ladies%20%2b%20Gentlemen%2c%20a%20signed%20OAuth%20request%21";
        assert_eq!(body.len(), 76);
        let r = request(
            "POST",
            "https://api.twitter.com/1.1/statuses/update.json?include_entities=true",
            &[
                FORM,
                (
                    "Authorization",
                    "OAuth oauth_consumer_key=\"xvz1evFS4wEEPTGEFPHBog\", \
                     oauth_nonce=\"kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg\", \
                     oauth_signature=\"hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D\", \
                     oauth_signature_method=\"HMAC-SHA1\", oauth_timestamp=\"1318622958\", \
                     oauth_token=\"370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb\", \
                     oauth_version=\"1.0\"",
                ),
            ],
            body,
        );
        let v = check(
            &r,
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        );
        assert_eq!(
            v.base_string,
            "POST&https%3A%2F%2Fapi.twitter.com%2F1.1%2Fstatuses%2Fupdate.json&include_entities%3Dtrue%26\
             oauth_consumer_key%3Dxvz1evFS4wEEPTGEFPHBog%26oauth_nonce%3DkYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg%26\
             oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1318622958%26\
             oauth_token%3D370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb%26oauth_version%3D1.0%26\
             status%3DHello%2520Ladies%2520%252B%2520Gentlemen%252C%2520a%2520signed%2520OAuth%2520request%2521"
        );
        assert_eq!(v.expected_signature, "hCtSmYh+iHYCEqBWrE7C7hYmtUk=");
        assert!(v.ok);
    }

    #[test]
    fn plaintext_and_a_wrong_signature() {
        let r = request(
            "GET",
            "https://www.upwork.com/api/auth/v1/info.json",
            &[(
                "Authorization",
                "OAuth oauth_consumer_key=\"k\", oauth_signature_method=\"PLAINTEXT\", oauth_signature=\"c%2520s%26t\"",
            )],
            "",
        );
        let signed = SignedRequest::from_request(&r).unwrap().unwrap();
        assert_eq!(signed.signature_method, SignatureMethod::Plaintext);
        assert!(verify(&signed, "c s", "t").ok);
        let v = verify(&signed, "cs", "t");
        assert!(!v.ok);
        assert_eq!(v.expected_signature, "cs&t");
        assert_eq!(v.captured_signature, "c%20s&t");
    }

    #[test]
    fn first_difference_points_at_the_byte() {
        assert_eq!(first_difference("abc", "abc"), None);
        assert_eq!(first_difference("abc", "abd"), Some(2));
        assert_eq!(first_difference("ab", "abc"), Some(2));
    }
}
