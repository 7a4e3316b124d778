//! South Korean resident registration number (RRN) and foreign registration number (FRN)
//! `YYMMDD-GNNNNNC`: birth date, a sex and century digit G (1-4 citizens, 5-8 foreigners; 1,
//! 2, 5, 6 born in the 1900s, 3, 4, 7, 8 in the 2000s), and a check digit over Σ dᵢwᵢ with
//! weights 2 3 4 5 6 7 8 9 2 3 4 5: `(11 - Σ mod 11) mod 10` for an RRN, `(13 - Σ mod 11) mod
//! 10` for an FRN. Taken with its dash anywhere; as 13 bare digits only with a label (`rrn`,
//! `frn`, `resident`, ...) and never when it reads as a Unix time in milliseconds. Numbers
//! issued since October 2020 carry no check digit and are not found in free text.

use super::{digits, epoch_like, label, shaped, bare, valid_date, weighted, Year};

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
/// `등록번호` ("registration number") ends both `주민등록번호` and `외국인등록번호`.
const LABELS: &[&[u8]] = &[b"rrn", b"frn", b"jumin", b"registration", b"foreign", b"korea", "등록번호".as_bytes()];

pub fn rrn(text: &[u8], at: usize) -> Option<usize> {
    if let Some(end) = shaped(text, at, b"dddddd-ddddddd") {
        return valid(&digits::<13>(text, at, end)?).then_some(end);
    }
    let end = bare(text, at, 13)?;
    let ok = valid(&digits::<13>(text, at, end)?) && !epoch_like(text, at, end) && label::near(text, at, end, LABELS);
    ok.then_some(end)
}

/// The date, the sex digit and the check digit of the 13 digits `d`.
pub fn valid(d: &[u32; 13]) -> bool {
    let century = match d[6] {
        1 | 2 | 5 | 6 => 1900,
        3 | 4 | 7 | 8 => 2000,
        _ => return false,
    };
    if !valid_date(Year::Full(century + d[0] * 10 + d[1]), d[2] * 10 + d[3], d[4] * 10 + d[5]) {
        return false;
    }
    let sum = weighted(d, &WEIGHTS);
    let base = if d[6] >= 5 { 13 } else { 11 };
    (base - sum % 11) % 10 == d[12]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_sex_digit_and_check_digit() {
        assert_eq!(rrn(b"800101-1234560", 0), Some(14));
        assert_eq!(rrn(b"800101-1234564", 0), None, "check digit");
        assert_eq!(rrn(b"801301-1234560", 0), None, "month 13");
        assert_eq!(rrn(b"800230-1234560", 0), None, "February 30");
    }

    #[test]
    fn foreigners_numbers_have_their_own_check() {
        // Σ for 911124-567890 is 258; (13 - 258 mod 11) mod 10 = 6.
        assert_eq!(rrn(b"911124-5678906", 0), Some(14));
        assert_eq!(rrn(b"911124-5678901", 0), None);
    }

    #[test]
    fn bare_digits_need_a_label() {
        assert_eq!(rrn(b"frn 9111245678906", 4), Some(17));
        assert_eq!(rrn(b"ref 9111245678906", 4), None);
        let t = "주민등록번호: 8001011234560".as_bytes();
        assert_eq!(rrn(t, t.len() - 13), Some(t.len()), "a Korean label");
    }
}
