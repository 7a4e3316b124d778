//! National identifiers in free text, each with its validity rule. More countries fit the same
//! shape: a finder from a word start that returns the end, with its rule in one comment.
//! Plain unseparated numbers are only taken under a matching key (`ssn`, `sin`, ...): in free
//! text nine digits are too often something else.

use super::text::{grouped_digits, luhn, word_end};

/// US SSN `AAA-GG-SSSS` (or with spaces or dots): area not 000, 666 or 900-999; group not 00;
/// serial not 0000. Both separators must be the same.
pub fn ssn(text: &[u8], at: usize) -> Option<usize> {
    let d = text.get(at..at + 11)?;
    let sep = d[3];
    let shape = matches!(sep, b'-' | b' ' | b'.')
        && d[6] == sep
        && d.iter().enumerate().all(|(i, &c)| i == 3 || i == 6 || c.is_ascii_digit());
    if !shape || !word_end(text, at + 11) {
        return None;
    }
    let num = |r: std::ops::Range<usize>| d[r].iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32);
    let (area, group, serial) = (num(0..3), num(4..6), num(7..11));
    (area != 0 && area != 666 && area < 900 && group != 0 && serial != 0).then_some(at + 11)
}

/// Canadian SIN `DDD-DDD-DDD` (or with spaces): Luhn-valid. Every first digit is taken (8 marks
/// business numbers, 0 the official examples): when in doubt, redact.
pub fn sin(text: &[u8], at: usize) -> Option<usize> {
    let d = text.get(at..at + 11)?;
    let sep = d[3];
    let shape = matches!(sep, b'-' | b' ')
        && d[7] == sep
        && d.iter().enumerate().all(|(i, &c)| i == 3 || i == 7 || c.is_ascii_digit());
    if !shape || !word_end(text, at + 11) {
        return None;
    }
    let (mut digits, mut ends) = ([0u8; 9], [0usize; 10]);
    grouped_digits(d, 0, &[sep], &mut digits, &mut ends);
    luhn(&digits).then_some(at + 11)
}

/// UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; the second not O;
/// not BG, GB, NK, KN, TN, NT, ZZ), six digits (optionally in pairs), suffix A-D; all in
/// capitals or all in lowercase (`tw987654a`), never mixed.
pub fn nino(text: &[u8], at: usize) -> Option<usize> {
    let (a, b) = (*text.get(at)?, *text.get(at + 1)?);
    let lower = a.is_ascii_lowercase() && b.is_ascii_lowercase();
    let case = |c: u8| if lower && c.is_ascii_lowercase() { c.to_ascii_uppercase() } else if lower { 0 } else { c };
    let (a, b) = (case(a), case(b));
    let bad_first = b"DFIQUV";
    let bad_second = b"DFIOQUV";
    if !a.is_ascii_uppercase() || !b.is_ascii_uppercase() || bad_first.contains(&a) || bad_second.contains(&b) {
        return None;
    }
    if [b"BG", b"GB", b"NK", b"KN", b"TN", b"NT", b"ZZ"].iter().any(|p| p[..] == [a, b]) {
        return None;
    }
    let mut i = at + 2;
    let spaced = text.get(i) == Some(&b' ');
    for pair in 0..3 {
        if spaced && text.get(i) == Some(&b' ') {
            i += 1;
        } else if spaced && pair > 0 {
            return None;
        }
        let two = text.get(i..i + 2)?;
        if !two.iter().all(u8::is_ascii_digit) {
            return None;
        }
        i += 2;
    }
    if spaced && text.get(i) == Some(&b' ') {
        i += 1;
    }
    let suffix = case(*text.get(i)?);
    (matches!(suffix, b'A'..=b'D') && word_end(text, i + 1)).then_some(i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssn_follows_the_ssa_rules() {
        assert_eq!(ssn(b"123-45-6789", 0), Some(11));
        assert_eq!(ssn(b"123 45 6789 x", 0), Some(11));
        assert_eq!(ssn(b"078.05.1123", 0), Some(11));
        for bad in ["000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000", "123-45 6789", "123-45-67890", "123456789", "123.45-6789"] {
            assert_eq!(ssn(bad.as_bytes(), 0), None, "{bad}");
        }
    }

    #[test]
    fn sin_needs_luhn_and_one_separator() {
        assert_eq!(sin(b"046 454 286", 0), Some(11));
        assert_eq!(sin(b"046-454-286", 0), Some(11));
        assert_eq!(sin(b"046-454-287", 0), None, "Luhn");
        assert_eq!(sin(b"046-454 286", 0), None, "mixed separators");
    }

    #[test]
    fn nino_follows_hmrc_prefix_rules() {
        assert_eq!(nino(b"AB123456C", 0), Some(9));
        assert_eq!(nino(b"AB 12 34 56 C", 0), Some(13));
        assert_eq!(nino(b"tw987654a", 0), Some(9));
        assert_eq!(nino(b"hh 01 02 03 d", 0), Some(13));
        for bad in ["DA123456C", "AO123456C", "GB123456A", "AB123456E", "AB12345C", "AB123456CX", "ab123456C", "Ab123456c", "da123456c"] {
            assert_eq!(nino(bad.as_bytes(), 0), None, "{bad}");
        }
    }
}
