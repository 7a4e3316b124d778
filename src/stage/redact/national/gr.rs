//! Greek identifiers.
//!
//! - AMKA (social security number) `DDMMYYNNNNC`: birth date, a sequence, and a Luhn check
//!   digit. Eleven bare digits: taken only with a label (`amka`, `ΑΜΚΑ`, `social`, ...).
//! - AFM (tax number): nine digits, the last `(Σ dᵢ·2⁸⁻ⁱ mod 11) mod 10` over the first
//!   eight. Nine bare digits: taken only with a label of its own (`afm`, `ΑΦΜ`, `greek`): a
//!   generic `tax` says too little for a one-in-eleven check on a nine-digit run.

use super::{bare, digits, first_shape, label, luhn, two, valid_date, Year};

pub fn amka(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11)?;
    let d = digits::<11>(text, at, end)?;
    (amka_valid(&d) && label::near(text, at, end, &[b"amka", b"\xce\x91\xce\x9c\xce\x9a\xce\x91", b"greek"])).then_some(end)
}

pub fn afm(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 9).or_else(|| first_shape(text, at, &[b"ddd-ddd-ddd", b"ddd.ddd.ddd", b"ddd ddd ddd"]))?;
    let d = digits::<9>(text, at, end)?;
    (afm_valid(&d) && label::near_own(text, at, end, &[b"afm", b"\xce\x91\xce\xa6\xce\x9c", b"greek"])).then_some(end)
}

/// The birth date `DDMMYY` and the Luhn digit of the eleven digits `d` (AMKA).
pub fn amka_valid(d: &[u32; 11]) -> bool {
    valid_date(Year::TwoDigit(two(d, 4)), two(d, 2), two(d, 0)) && luhn(d)
}

/// The check digit of the nine digits `d` (AFM): Σ dᵢ·2⁸⁻ⁱ mod 11 mod 10, not all zeros.
pub fn afm_valid(d: &[u32; 9]) -> bool {
    let sum: u32 = d[..8].iter().enumerate().map(|(i, &x)| x << (8 - i)).sum();
    sum % 11 % 10 == d[8] && d[..8].iter().any(|&x| x != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amka_date_luhn_and_label() {
        assert_eq!(amka(b"AMKA 01039012347", 5), Some(16));
        assert_eq!(amka(b"AMKA 01039012348", 5), None, "Luhn");
        assert_eq!(amka(b"AMKA 31029012346", 5), None, "February 31, Luhn-valid");
        assert_eq!(amka(b"AMKA 29028512340", 5), None, "February 29 of a year ending 85, Luhn-valid");
        assert_eq!(amka(b"order 01039012347", 6), None, "no label");
    }

    #[test]
    fn afm_check_and_label() {
        assert_eq!(afm(b"afm 982603151", 4), Some(13));
        assert_eq!(afm("ΑΦΜ 982-603-151".as_bytes(), 7), Some(18), "the Greek label");
        assert_eq!(afm(b"tax 982-603-151", 4), None, "a generic label says too little");
        assert_eq!(afm(b"afm 982603152", 4), None);
        assert_eq!(afm(b"port 982603151", 5), None, "no label");
    }
}
