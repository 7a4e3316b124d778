//! US ABA routing transit numbers: nine digits whose first two are a Federal Reserve range
//! (00-12, 21-32, 61-72, 80) and whose weighted sum `3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9)`
//! is a multiple of 10.
//!
//! In free text they are taken in the check-digit shape `DDDD-DDDD-D` and after a label
//! (`routing`, `routing number`, `routing no.`, `RTN`, `ABA`, `ABA#`: see
//! [`super::bank_account`]); under their key names (`routing_number`, `aba`) any value is
//! taken. A plain nine-digit run elsewhere is kept: about one in 26 random nine-digit numbers
//! (ids, byte counts, nanoseconds) passes both checks.

use super::text::word_end;

/// True when the nine ASCII digits `d` are a valid routing number (all zeros is not one).
pub fn valid(d: &[u8]) -> bool {
    if d.len() != 9 || !d.iter().all(u8::is_ascii_digit) || d.iter().all(|&c| c == b'0') {
        return false;
    }
    let v = |k: usize| (d[k] - b'0') as u32;
    let prefix = v(0) * 10 + v(1);
    let range = matches!(prefix, 0..=12 | 21..=32 | 61..=72 | 80);
    let sum = 3 * (v(0) + v(3) + v(6)) + 7 * (v(1) + v(4) + v(7)) + v(2) + v(5) + v(8);
    range && sum % 10 == 0
}

/// The routing number in the shape `DDDD-DDDD-D` at `at` (a digit starting a word): its end.
pub fn find_shaped(text: &[u8], at: usize) -> Option<usize> {
    let s = text.get(at..at + 11)?;
    if s[4] != b'-' || s[9] != b'-' || (at > 0 && text[at - 1].is_ascii_alphanumeric()) || !word_end(text, at + 11) {
        return None;
    }
    let mut d = [0u8; 9];
    let mut n = 0;
    for (k, &c) in s.iter().enumerate() {
        if k == 4 || k == 9 {
            continue;
        }
        if !c.is_ascii_digit() {
            return None;
        }
        d[n] = c;
        n += 1;
    }
    // A dash or dot after it would make it part of a longer number (`1210-0035-8-1`).
    if matches!(text.get(at + 11), Some(b'-' | b'.')) && text.get(at + 12).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    valid(&d).then_some(at + 11)
}

/// The plain nine-digit routing number at `at` (after a label): its end.
pub fn find_plain(text: &[u8], at: usize) -> Option<usize> {
    let d = text.get(at..at + 9)?;
    (valid(d) && word_end(text, at + 9)).then_some(at + 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checksum_and_ranges_decide() {
        for ok in ["121000358", "011000015", "322271627", "071101307", "026009593"] {
            assert!(valid(ok.as_bytes()), "{ok}");
        }
        for bad in ["121000359", "000000000", "131000351", "991000350", "12100035", "12100035x"] {
            assert!(!valid(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn the_dashed_shape_is_found_in_text() {
        assert_eq!(find_shaped(b"3222-7162-7 ok", 0), Some(11));
        assert_eq!(find_shaped(b"3222-7162-8 ok", 0), None, "checksum");
        assert_eq!(find_shaped(b"3222-7162-7-1", 0), None, "part of a longer number");
        assert_eq!(find_plain(b"121000358.", 0), Some(9));
        assert_eq!(find_plain(b"1210003580", 0), None);
    }
}
