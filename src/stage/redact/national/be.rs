//! Belgian national register number (rijksregisternummer / numéro de registre national)
//! `YY.MM.DD-SSS.CC`: birth date (month + 20 or + 40 for bis numbers; month or day 00 when
//! unknown), a sequence number 001-997, and two check digits `97 - (YYMMDDSSS mod 97)`, or the
//! same with a leading 2 for people born since 2000. Taken in its dotted and grouped forms
//! anywhere; as 11 bare digits only with a label.

use super::{bare, digits, first_shape, label, num, two, valid_date, Year};

const LABELS: &[&[u8]] = &[b"rijksregister", b"registre", b"insz", b"niss", b"belgian", b"national"];

pub fn national_number(text: &[u8], at: usize) -> Option<usize> {
    let shapes: &[&[u8]] = &[b"dd.dd.dd-ddd.dd", b"dd dd dd ddd dd", b"dddddd-ddd.dd", b"dddddd-ddd-dd", b"dddddd ddd dd"];
    let (end, labelled) = match first_shape(text, at, shapes) {
        Some(end) => (end, true),
        None => (bare(text, at, 11)?, false),
    };
    let d = digits::<11>(text, at, end)?;
    (valid(&d) && (labelled || label::near(text, at, end, LABELS))).then_some(end)
}

/// The date, the sequence and the check digits of the eleven digits `d`.
pub fn valid(d: &[u32; 11]) -> bool {
    let (month, day) = (two(d, 2) % 20, two(d, 4));
    let seq = num(&d[6..9]);
    if !(1..=998).contains(&seq) || (month != 0 && day != 0 && !valid_date(Year::TwoDigit(two(d, 0)), month, day)) || day > 31 || two(d, 2) > 52 {
        return false;
    }
    let n = num(&d[..9]);
    let check = two(d, 9) as u64;
    97 - n % 97 == check || 97 - (2_000_000_000 + n) % 97 == check
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_forms_and_both_centuries() {
        assert_eq!(national_number(b"85.07.30-033.28", 0), Some(15));
        assert_eq!(national_number(b"85 07 30 033 28", 0), Some(15));
        assert_eq!(national_number(b"850730-033.28.", 0), Some(13));
        assert_eq!(national_number(b"15.01.01-005.25", 0), Some(15), "born in 2015");
    }

    #[test]
    fn check_digits_and_dates_are_checked() {
        assert_eq!(national_number(b"85.07.30-033.29", 0), None);
        assert_eq!(national_number(b"85.02.30-033.45", 0), None, "February 30");
    }

    #[test]
    fn bare_digits_need_a_label() {
        assert_eq!(national_number(b"rijksregisternummer 85073003328", 20), Some(31));
        assert_eq!(national_number(b"order 85073003328", 6), None);
    }
}
