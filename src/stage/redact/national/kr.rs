//! South Korean resident registration number (RRN) and foreign registration number (FRN)
//! `YYMMDD-GNNNNNC`: birth date, a sex and century digit G (1-4 citizens, 5-8 foreigners; 1,
//! 2, 5, 6 born in the 1900s, 3, 4, 7, 8 in the 2000s), and a check digit over Σ dᵢwᵢ with
//! weights 2 3 4 5 6 7 8 9 2 3 4 5: `(11 - Σ mod 11) mod 10` for an RRN, `(13 - Σ mod 11) mod
//! 10` for an FRN. Taken with its dash anywhere; as 13 bare digits only with a label (`rrn`,
//! `frn`, `resident`, ...) and never when it reads as a Unix time in milliseconds. Numbers
//! issued since October 2020 carry no check digit (their last six digits are random): a dashed
//! number of someone born from October 2020 to 2039 (G 3, 4, 7, 8) is taken on its date and
//! sex digit alone. Earlier birth dates keep the check, whose failure marks a number no one
//! was issued.

use super::{digits, epoch_like, label, shaped, bare, valid_date, weighted, Year};

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
/// `등록번호` ("registration number") ends both `주민등록번호` and `외국인등록번호`.
const LABELS: &[&[u8]] = &[b"rrn", b"frn", b"jumin", b"registration", b"foreign", b"korea", "등록번호".as_bytes()];

pub fn rrn(text: &[u8], at: usize) -> Option<usize> {
    if let Some(end) = shaped(text, at, b"dddddd-ddddddd") {
        let d = digits::<13>(text, at, end)?;
        return (valid(&d) || unchecked(&d)).then_some(end);
    }
    let end = bare(text, at, 13)?;
    let ok = valid(&digits::<13>(text, at, end)?) && !epoch_like(text, at, end) && label::near(text, at, end, LABELS);
    ok.then_some(end)
}

/// Whether the 13 digits `d` are a number of the kind issued since October 2020, without a
/// check digit: a 2000s sex digit, a valid birth date from 2020-10-01 to 2039-12-31.
fn unchecked(d: &[u32; 13]) -> bool {
    let (yy, mm, dd) = (d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]);
    matches!(d[6], 3 | 4 | 7 | 8) && (20..40).contains(&yy) && (yy > 20 || mm >= 10) && valid_date(Year::Full(2000 + yy), mm, dd)
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
    fn numbers_since_october_2020_have_no_check_digit() {
        assert_eq!(rrn(b"201015-3123458", 0), Some(14), "born 2020-10-15, check digit 7 not 8");
        assert_eq!(rrn(b"230228-8123451", 0), Some(14), "a foreigner born 2023");
        assert_eq!(rrn(b"200915-3123457", 0), None, "before October 2020: the check holds");
        assert_eq!(rrn(b"201015-1123457", 0), None, "sex digit of the 1900s");
        assert_eq!(rrn(b"230229-4123451", 0), None, "2023 had no February 29");
        assert_eq!(rrn(b"450101-3123457", 0), None, "2045");
        assert_eq!(rrn(b"ref 2010153123457", 4), None, "bare, no label");
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
