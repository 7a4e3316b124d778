//! South Korean resident registration number `YYMMDD-GNNNNNC`: birth date, a sex and century
//! digit 1-8, and a check digit `(11 - Σ dᵢwᵢ mod 11) mod 10` with weights 2 3 4 5 6 7 8 9 2 3
//! 4 5. Numbers issued since October 2020 carry no check digit and are not found in free text.

use super::{digits_of, plausible_date, shaped};

const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];

pub fn rrn(text: &[u8], at: usize) -> Option<usize> {
    let end = shaped(text, at, b"dddddd-ddddddd")?;
    let mut d = [0u32; 13];
    digits_of(&text[at..end], &mut d);
    if !plausible_date(d[2] * 10 + d[3], d[4] * 10 + d[5]) || !(1..=8).contains(&d[6]) {
        return None;
    }
    let sum: u32 = d[..12].iter().zip(WEIGHTS).map(|(a, w)| a * w).sum();
    ((11 - sum % 11) % 10 == d[12]).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_sex_digit_and_check_digit() {
        assert_eq!(rrn(b"800101-1234560", 0), Some(14));
        assert_eq!(rrn(b"800101-1234564", 0), None, "check digit");
        assert_eq!(rrn(b"801301-1234560", 0), None, "month 13");
    }
}
