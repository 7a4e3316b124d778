//! JSON Web Tokens anywhere: three base64url segments joined by dots, the first (the header)
//! starting `eyJ` (`{"` encoded). The signature may be empty (`alg: none`).

fn b64url(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-' || b == b'_'
}

/// The JWT starting at `at` (where `eyJ` starts a word); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    if text.get(at..at + 3)? != b"eyJ" {
        return None;
    }
    let header_end = super::text::run(text, at, b64url);
    if header_end - at < 10 || text.get(header_end) != Some(&b'.') {
        return None;
    }
    let payload_end = super::text::run(text, header_end + 1, b64url);
    if payload_end - header_end - 1 < 10 || text.get(payload_end) != Some(&b'.') {
        return None;
    }
    let sig_end = super::text::run(text, payload_end + 1, b64url);
    // Base64 padding is not part of JWTs but sometimes appears.
    Some(super::text::run(text, sig_end, |b| b == b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWhlcmU";

    #[test]
    fn finds_signed_and_unsigned_tokens() {
        assert_eq!(find(JWT.as_bytes(), 0), Some(JWT.len()));
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0x.";
        assert_eq!(find(unsigned.as_bytes(), 0), Some(unsigned.len()));
        assert_eq!(find(format!("{JWT}\" next").as_bytes(), 0), Some(JWT.len()));
    }

    #[test]
    fn ignores_look_alikes() {
        for s in ["eyJhbGciOiJIUzI1NiJ9", "eyJ.abc.def", "eyJhbGciOiJIUzI1NiJ9.short.sig", "eyeglasses.example.com"] {
            assert_eq!(find(s.as_bytes(), 0), None, "{s}");
        }
    }
}
