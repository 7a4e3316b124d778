//! South African identity number `YYMMDDSSSSCAZ`: birth date, a sequence (0000-4999 female,
//! 5000-9999 male), citizenship C (0 citizen, 1 permanent resident, 2 refugee), a digit A (8,
//! or 9 in older numbers) and a Luhn check digit Z. Thirteen bare digits with that structure are taken anywhere except
//! where they read as a Unix time in milliseconds (then only with a label).

use super::{bare, digits, epoch_like, label, luhn, two, valid_date, Year};

pub fn id_number(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 13)?;
    let d = digits::<13>(text, at, end)?;
    (valid(&d) && (!epoch_like(text, at, end) || label::near(text, at, end, &[b"south", b"rsa"]))).then_some(end)
}

/// The date, the citizenship and race digits and the Luhn digit of the thirteen digits `d`.
pub fn valid(d: &[u32; 13]) -> bool {
    valid_date(Year::TwoDigit(two(d, 0)), two(d, 2), two(d, 4)) && d[10] <= 2 && d[11] >= 8 && luhn(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_citizenship_and_luhn() {
        assert_eq!(id_number(b"8001015009087", 0), Some(13));
        assert_eq!(id_number(b"0002294321191", 0), Some(13), "2000 was a leap year");
        assert_eq!(id_number(b"8001015009086", 0), None, "Luhn");
        assert_eq!(id_number(b"9913326789285", 0), None, "month 13");
        assert_eq!(id_number(b"8001015009587", 0), None, "citizenship 5");
        assert_eq!(id_number(b"8001015009004", 0), None, "A digit 0, Luhn-valid");
    }
}
