//! Austrian social insurance number (Sozialversicherungsnummer, SVNR) `SSSC DDMMYY`: a serial
//! (the first digit not 0), a check digit C, and the holder's birth date. C is
//! `(3·s₁ + 7·s₂ + 9·s₃ + 5·D₁ + 8·D₂ + 4·M₁ + 2·M₂ + 1·Y₁ + 6·Y₂) mod 11`; a serial whose sum
//! gives 10 is not issued. Ten bare digits, like a Unix time in seconds, with no label of its
//! own in this module: it is found only by the opt-in unlabelled-number detector
//! ([`super::unlabelled`]). Numbers given to people of unknown birth date (a month past 12)
//! are not checked as dates and are refused.

use super::{two, valid_date, weighted, Year};

const WEIGHTS: [u32; 10] = [3, 7, 9, 0, 5, 8, 4, 2, 1, 6];

/// The serial, the check digit and the birth date of the ten digits `d`.
pub fn valid(d: &[u32; 10]) -> bool {
    let check = weighted(d, &WEIGHTS) % 11;
    d[0] != 0 && check != 10 && check == d[3] && valid_date(Year::TwoDigit(two(d, 8)), two(d, 6), two(d, 4))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ten(s: &str) -> [u32; 10] {
        let mut d = [0u32; 10];
        for (x, c) in d.iter_mut().zip(s.bytes()) {
            *x = (c - b'0') as u32;
        }
        d
    }

    #[test]
    fn check_digit_and_date() {
        assert!(valid(&ten("1237010180")), "serial 123, born 1 January 1980");
        assert!(valid(&ten("4568291064")));
        assert!(!valid(&ten("1238010180")), "check digit");
        assert!(!valid(&ten("1237320180")), "32 January");
        assert!(!valid(&ten("0237010180")), "serial starting 0");
    }

    #[test]
    fn only_ten_digits() {
        assert!(super::super::digits::<10>(b"123701018", 0, 9).is_none());
        assert!(super::super::digits::<10>(b"12370101801", 0, 11).is_none());
    }
}
