//! Italian fiscal code (codice fiscale) `LLLLLL YY M DD LDDD C`: six letters of the name, the
//! birth year, a month letter (`ABCDEHLMPRST`), the day (+ 40 for women), a municipality
//! code, and a check letter: characters at odd positions take the values of the official odd
//! table, at even positions their digit or letter index, and the sum mod 26 is the check
//! letter. Digits may be replaced by `LMNPQRSTUV` (omocodia). Sixteen capitals and digits in
//! that pattern with a 1-in-26 check: taken anywhere. Writers also split it into its three
//! groups (name 6, birth 5, place and check 5) with a space, a dash or a slash
//! (`MRTMTT 91D08 F205J`, `LKJLDJ/00E20/D635F`, `MLLSNT82P65-Z404U`): one separator kind,
//! between either group or both, and the same checks on the sixteen characters.

use super::shaped;

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

/// The grouped shapes (see the module doc), tried only where a separator stands after the
/// first or the second group.
const GROUPED: [&[u8]; 9] = [
    b"LLLLLL **L** L***L",
    b"LLLLLL **L**L***L",
    b"LLLLLL**L** L***L",
    b"LLLLLL-**L**-L***L",
    b"LLLLLL-**L**L***L",
    b"LLLLLL**L**-L***L",
    b"LLLLLL/**L**/L***L",
    b"LLLLLL/**L**L***L",
    b"LLLLLL**L**/L***L",
];

pub fn codice_fiscale(text: &[u8], at: usize) -> Option<usize> {
    if let Some(end) = shaped(text, at, b"LLLLLL**L**L***L") {
        return valid(text.get(at..end)?).then_some(end);
    }
    let sep = |k: usize| text.get(at + k).is_some_and(|b| matches!(b, b' ' | b'-' | b'/'));
    if !sep(6) && !sep(11) {
        return None;
    }
    let end = super::first_shape(text, at, &GROUPED)?;
    let mut s = [0u8; 16];
    let mut n = 0;
    for &c in text.get(at..end)?.iter().filter(|c| c.is_ascii_alphanumeric()) {
        *s.get_mut(n)? = c;
        n += 1;
    }
    (n == 16 && valid(&s)).then_some(end)
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
    }
}
