//! JSON Web Tokens anywhere: three base64url segments joined by dots, the first (the header)
//! starting `eyJ` (`{"` encoded). The signature may be empty (`alg: none`).

use super::memo::Memo;
use super::tokens::url_run;

/// The JWT starting at `at` (where `eyJ` starts a word); returns its end. Segments are read
/// through `memo`: every `eyJ` inside one base64url run shares the run's end (`eyJ...-eyJ...`).
pub fn find(text: &[u8], at: usize, memo: &mut Memo) -> Option<usize> {
    if text.get(at..at + 3)? != b"eyJ" {
        return None;
    }
    let header_end = url_run(text, at, memo);
    if header_end - at < 10 || text.get(header_end) != Some(&b'.') {
        return None;
    }
    let payload_end = url_run(text, header_end + 1, memo);
    if payload_end - header_end - 1 < 10 || text.get(payload_end) != Some(&b'.') {
        return None;
    }
    let sig_end = url_run(text, payload_end + 1, memo);
    // Base64 padding is not part of JWTs but sometimes appears.
    Some(super::text::run(text, sig_end, |b| b == b'='))
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLWhlcmU";

    #[test]
    fn finds_signed_and_unsigned_tokens() {
        assert_eq!(find(JWT.as_bytes(), 0, &mut Memo::default()), Some(JWT.len()));
        let unsigned = "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0x.";
        assert_eq!(find(unsigned.as_bytes(), 0, &mut Memo::default()), Some(unsigned.len()));
        assert_eq!(find(format!("{JWT}\" next").as_bytes(), 0, &mut Memo::default()), Some(JWT.len()));
    }

    #[test]
    fn ignores_look_alikes() {
        for s in ["eyJhbGciOiJIUzI1NiJ9", "eyJ.abc.def", "eyJhbGciOiJIUzI1NiJ9.short.sig", "eyeglasses.example.com"] {
            assert_eq!(find(s.as_bytes(), 0, &mut Memo::default()), None, "{s}");
        }
    }
}
