//! Irish Personal Public Service number (PPSN) `NNNNNNNC` or `NNNNNNNCA`: seven digits, a
//! check letter, and since 2013 a second letter (A, B, H or W). The check letter is Σ dᵢwᵢ
//! mod 23 over weights 8 7 6 5 4 3 2 (plus 9 × the second letter's value, A = 1, W = 0),
//! read as a letter (0 = W, 1 = A, ...). Seven digits and capitals with a 1-in-23 check:
//! taken anywhere.

use super::{digits, label, weighted};
use super::super::text::word_end;

fn value(c: u8) -> Option<u32> {
    match c {
        b'W' => Some(0),
        b'A'..=b'V' => Some((c - b'A') as u32 + 1),
        _ => None,
    }
}

pub fn pps(text: &[u8], at: usize) -> Option<usize> {
    let s = text.get(at..at + 8)?;
    if super::continues_a_number(text, at) || !s[..7].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let (end, second) = match text.get(at + 8) {
        Some(&c) if c.is_ascii_uppercase() => (at + 9, Some(c)),
        _ => (at + 8, None),
    };
    if !word_end(text, end) {
        return None;
    }
    let d = digits::<7>(text, at, at + 7)?;
    let mut sum = weighted(&d, &[8, 7, 6, 5, 4, 3, 2]);
    if let Some(c) = second {
        if !matches!(c, b'A' | b'B' | b'H' | b'W') {
            return None;
        }
        sum += 9 * value(c)?;
    }
    let ok = value(s[7]) == Some(sum % 23);
    (ok && (second.is_some() || s[7] != b'W' || label::near(text, at, end, &[b"pps", b"ppsn", b"irish"]))).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_letter_and_second_letter() {
        assert_eq!(pps(b"1234567T", 0), Some(8));
        assert_eq!(pps(b"pps 1234567FA.", 4), Some(13));
        assert_eq!(pps(b"1234567A", 0), None, "check letter");
        assert_eq!(pps(b"1234567FC", 0), None, "second letter");
        assert_eq!(pps(b"1234567t", 0), None, "capitals only");
        assert_eq!(pps(b"x1234567T", 1), None, "inside a word");
    }
}
