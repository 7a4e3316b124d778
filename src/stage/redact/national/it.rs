//! Italian fiscal code (codice fiscale) `LLLLLL YY M DD LDDD C`: six letters of the name, the
//! birth year, a month letter (`ABCDEHLMPRST`), the day (+ 40 for women), a municipality
//! code, and a check letter: characters at odd positions take the values of the official odd
//! table, at even positions their digit or letter index, and the sum mod 26 is the check
//! letter. Digits may be replaced by `LMNPQRSTUV` (omocodia). Sixteen capitals and digits in
//! that pattern with a 1-in-26 check: taken anywhere. Writers also split it into its three
//! groups (name 6, birth 5, place and check 5) with a space, a dash or a slash
//! (`MRTMTT 91D08 F205J`, `LKJLDJ/00E20/D635F`, `MLLSNT82P65-Z404U`): one separator kind,
//! between either group or both (in a query string also `%20`, `+`, `%2F`), and the same
//! checks on the sixteen characters.

use super::shaped;
use crate::stage::redact::text::word_end;

const ODD: [u32; 26] = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const MONTHS: &[u8; 12] = b"ABCDEHLMPRST";
const OMOCODE: &[u8; 10] = b"LMNPQRSTUV";

/// The digit a (possibly omocode) digit position holds.
fn digit(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some((c - b'0') as u32),
        _ => OMOCODE.iter().position(|&o| o == c).map(|p| p as u32),
    }
}

/// What may stand between the groups: a space, a dash, a slash, or in a query string their
/// encodings (`%20`, `+`, `%2F`).
const SEPARATORS: [&[u8]; 7] = [b" ", b"-", b"/", b"%20", b"+", b"%2F", b"%2f"];

/// The separator at `text[i..]`, if any.
fn separator(text: &[u8], i: usize) -> Option<&'static [u8]> {
    let rest = text.get(i..)?;
    SEPARATORS.iter().copied().find(|s| rest.starts_with(s))
}

pub fn codice_fiscale(text: &[u8], at: usize) -> Option<usize> {
    if let Some(end) = shaped(text, at, b"LLLLLL**L**L***L") {
        return valid(text.get(at..end)?).then_some(end);
    }
    grouped(text, at)
}

/// A codice fiscale in its three groups (6, 5, 5) with one kind of separator after the first,
/// the second or both: its end.
fn grouped(text: &[u8], at: usize) -> Option<usize> {
    // Most capital words end before six letters: no copy for them.
    if !text.get(at..at + 6)?.iter().all(u8::is_ascii_uppercase) {
        return None;
    }
    let mut s = [0u8; 16];
    let mut kind: Option<&[u8]> = None;
    let mut i = at;
    for (k, (from, len)) in [(0, 6), (6, 5), (11, 5)].into_iter().enumerate() {
        if k > 0 {
            if let Some(sep) = separator(text, i) {
                if kind.is_some_and(|seen| seen != sep) {
                    return None;
                }
                kind = Some(sep);
                i += sep.len();
            }
        }
        s.get_mut(from..from + len)?.copy_from_slice(text.get(i..i + len)?);
        i += len;
    }
    kind?;
    let fits = shaped(&s, 0, b"LLLLLL**L**L***L").is_some();
    (fits && word_end(text, i) && !super::continues_a_number(text, at) && valid(&s)).then_some(i)
}

/// The month letter, the date and the check letter of the sixteen characters `s`.
fn valid(s: &[u8]) -> bool {
    valid_fields(s).is_some()
}

fn valid_fields(s: &[u8]) -> Option<()> {
    if s.len() != 16 {
        return None;
    }
    let month = MONTHS.iter().position(|&m| m == s[8])? as u32 + 1;
    for &i in &[6, 7, 9, 10, 12, 13, 14] {
        digit(s[i])?;
    }
    let day = digit(s[9])? * 10 + digit(s[10])?;
    let day = if day > 40 { day - 40 } else { day };
    let yy = digit(s[6])? * 10 + digit(s[7])?;
    if !super::valid_date(super::Year::TwoDigit(yy), month, day) {
        return None;
    }
    let mut sum = 0;
    for (i, &c) in s[..15].iter().enumerate() {
        let v = if c.is_ascii_digit() { (c - b'0') as u32 } else { c.checked_sub(b'A')? as u32 };
        sum += if i % 2 == 0 { *ODD.get(v as usize)? } else { v };
    }
    (s[15] == b'A' + (sum % 26) as u8).then_some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pattern_date_and_check_letter() {
        assert_eq!(codice_fiscale(b"MRTMTT91D08F205J", 0), Some(16));
        assert_eq!(codice_fiscale(b"cf MLLSNT82P65Z404U.", 3), Some(19), "day + 40");
        assert_eq!(codice_fiscale(b"MRTMTT91D08F205V", 0), None, "check letter");
        assert_eq!(codice_fiscale(b"MRTMTT91D38F205J", 0), None, "day 38");
        assert_eq!(codice_fiscale(b"MRTMTT91F08F205J", 0), None, "F is no month");
        assert_eq!(codice_fiscale(b"MRTMTT91D08F2O5J", 0), None, "O is no digit");
    }

    #[test]
    fn three_groups_with_one_separator_kind() {
        assert_eq!(codice_fiscale(b"MRTMTT 91D08 F205J", 0), Some(18));
        assert_eq!(codice_fiscale(b"MRTMTT91D08 F205J,", 0), Some(17));
        assert_eq!(codice_fiscale(b"cf MLLSNT82P65-Z404U.", 3), Some(20));
        assert_eq!(codice_fiscale(b"LKJLDJ/00E20/D635F", 0), Some(18));
        assert_eq!(codice_fiscale(b"MRTMTT-91D08 F205J", 0), None, "two separator kinds");
        assert_eq!(codice_fiscale(b"MRTMTT 91D08 F205V", 0), None, "check letter");
        assert_eq!(codice_fiscale(b"MRTMTT  91D08F205J", 0), None, "two spaces");
        assert_eq!(codice_fiscale(b"MRTMTT 91D08 F205JX", 0), None, "a longer word");
        assert_eq!(codice_fiscale(b"XMRTMTT 91D08 F205J", 1), None, "inside a word");
        assert_eq!(codice_fiscale(b"q=MRTMTT91D08%20F205J&", 2), Some(21), "encoded space");
        assert_eq!(codice_fiscale(b"q=LKJLDJ%2F00E20%2FD635F&", 2), Some(24), "encoded slashes");
        assert_eq!(codice_fiscale(b"q=MRTMTT+91D08+F205J&", 2), Some(20), "plus signs");
        assert_eq!(codice_fiscale(b"MRTMTT 91D08 F205", 0), None, "cut short");
    }
}
