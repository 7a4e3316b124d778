//! Luxembourg national identification number (matricule) `YYYYMMDDNNNLV`: birth date, a
//! sequence number, a Luhn digit and a Verhoeff digit, each over the first eleven digits.
//! Thirteen bare digits with a full date and two check digits (one in a hundred passes both):
//! taken anywhere except where they read as a Unix time in milliseconds.

use super::aadhaar::verhoeff;
use super::{bare, digits, epoch_like, label, luhn, num, two, valid_date, Year};

pub fn matricule(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 13)?;
    let d = digits::<13>(text, at, end)?;
    let ok = valid(&d) && (!epoch_like(text, at, end) || label::near(text, at, end, &[b"matricule", b"luxembourg"]));
    ok.then_some(end)
}

/// The date `YYYYMMDD`, the Luhn digit and the Verhoeff digit of the thirteen digits `d`.
pub fn valid(d: &[u32; 13]) -> bool {
    let year = num(&d[..4]) as u32;
    if !(1900..=2099).contains(&year) || !valid_date(Year::Full(year), two(d, 4), two(d, 6)) {
        return false;
    }
    let mut with = [0u32; 12];
    with[..11].copy_from_slice(&d[..11]);
    with[11] = d[11];
    let luhn_ok = luhn(&with);
    with[11] = d[12];
    luhn_ok && verhoeff(&with)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_check_digits_and_the_date() {
        assert_eq!(matricule(b"1990093012358", 0), Some(13));
        assert_eq!(matricule(b"1993102814564", 0), Some(13));
        assert_eq!(matricule(b"1990093012359", 0), None, "Verhoeff digit");
        assert_eq!(matricule(b"1990093012368", 0), None, "Luhn digit");
        assert_eq!(matricule(b"1990023112358", 0), None, "February 31");
    }
}
