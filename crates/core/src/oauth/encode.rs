//! RFC 3986 percent-encoding as RFC 5849 section 3.6 requires it, and the decoders for the places
//! OAuth parameters travel in.

/// The characters RFC 3986 leaves unencoded: `ALPHA DIGIT - . _ ~`.
pub fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

/// Percent-encodes the UTF-8 bytes of `input`, uppercase hex, everything but the unreserved set.
pub fn encode(input: &str) -> String {
    encode_bytes(input.as_bytes())
}

/// [`encode`] for bytes that need not be UTF-8 (a file curl sends with `--data-urlencode`).
pub fn encode_bytes(input: &[u8]) -> String {
    encode_with_bytes(input, Hex::Upper)
}

/// Hex digit case of an encoder: RFC 5849 requires uppercase; some clients write lowercase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hex {
    Upper,
    Lower,
}

/// [`encode`] with a chosen hex case, to reproduce clients that write `%2f`.
pub(crate) fn encode_with(input: &str, hex: Hex) -> String {
    encode_with_bytes(input.as_bytes(), hex)
}

fn encode_with_bytes(input: &[u8], hex: Hex) -> String {
    let digits: &[u8; 16] = match hex {
        Hex::Upper => b"0123456789ABCDEF",
        Hex::Lower => b"0123456789abcdef",
    };
    let mut out = String::with_capacity(input.len() * 3 / 2);
    for &byte in input {
        if is_unreserved(byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(digits[usize::from(byte >> 4)] as char);
            out.push(digits[usize::from(byte & 0x0f)] as char);
        }
    }
    out
}

/// Decodes `%XX` escapes (either hex case); a `%` not followed by two hex digits is kept as is,
/// and invalid UTF-8 is replaced, so reading a sloppy capture never fails.
pub fn decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(byte) = hex_pair(bytes.get(i + 1..i + 3))
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Decodes the way HTML forms encode (RFC 5849 section 3.4.1.3.1): `+` is a space.
pub fn form_decode(input: &str) -> String {
    decode(&input.replace('+', " "))
}

fn hex_pair(pair: Option<&[u8]>) -> Option<u8> {
    let pair = pair?;
    let text = std::str::from_utf8(pair).ok()?;
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        u8::from_str_radix(text, 16).ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_rfc3986_unreserved_only() {
        assert_eq!(encode("abcXYZ019-._~"), "abcXYZ019-._~");
        assert_eq!(encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
        assert_eq!(encode("a/b:c@d!*'()"), "a%2Fb%3Ac%40d%21%2A%27%28%29");
        assert_eq!(encode("é☃"), "%C3%A9%E2%98%83");
        assert_eq!(encode_with("a/b", Hex::Lower), "a%2fb");
    }

    #[test]
    fn decodes_leniently() {
        assert_eq!(decode("a%20b%2fc%2F"), "a b/c/");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%2"), "%zz%2");
        assert_eq!(decode("a+b"), "a+b");
        assert_eq!(form_decode("a+b%2B"), "a b+");
        assert_eq!(decode("%C3%A9"), "é");
    }

    /// `u8::from_str_radix` takes a leading `+`: `%+1` is no escape and must stay as captured, or
    /// the base string is computed over a byte the client never sent.
    #[test]
    fn a_sign_is_not_a_hex_digit() {
        assert_eq!(decode("%+1%+f"), "%+1%+f");
    }
}
