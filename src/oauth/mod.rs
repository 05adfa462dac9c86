//! OAuth 1.0 (RFC 5849): encoding, the signature base string, signing, verification and the search
//! for the mistake that reproduces a wrong signature.
