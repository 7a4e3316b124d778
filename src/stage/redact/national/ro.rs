//! Romanian personal numeric code (CNP) `SYYMMDDJJNNNC`: sex and century S (1/2 1900s, 3/4
//! 1800s, 5/6 2000s, 7/8/9 residents), birth date, county JJ (01-48, 51, 52, or 70), a sequence number
//! 001-999, and a check digit: Σ dᵢwᵢ with weights 2 7 9 1 4 6 3 5 8 2 7 9, mod 11, 10 read
//! as 1. Thirteen bare digits with that structure are taken anywhere except where they read
//! as a Unix time in milliseconds, or belong to a resident (7-9, whose century the code does
//! not say): those only with a label (`cnp`, ...).

use super::{bare, digits, epoch_like, label, num, two, valid_date, weighted, Year};

const WEIGHTS: [u32; 12] = [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9];

pub fn cnp(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 13)?;
    let d = digits::<13>(text, at, end)?;
    let ok = valid(&d);
    let plain = d[0] <= 6 && !epoch_like(text, at, end);
    (ok && (plain || label::near(text, at, end, &[b"cnp", b"romanian"]))).then_some(end)
}

/// The sex and century digit, the date, the county, the sequence and the check digit of the
/// thirteen digits `d`.
pub fn valid(d: &[u32; 13]) -> bool {
    let yy = two(d, 1);
    let year = match d[0] {
        1 | 2 => Year::Full(1900 + yy),
        3 | 4 => Year::Full(1800 + yy),
        5 | 6 => Year::Full(2000 + yy),
        7..=9 => Year::TwoDigit(yy),
        _ => return false,
    };
    if !valid_date(year, two(d, 3), two(d, 5)) || !matches!(two(d, 7), 1..=48 | 51 | 52 | 70) || num(&d[9..12]) == 0 {
        return false;
    }
    let check = weighted(d, &WEIGHTS) % 11;
    (if check == 10 { 1 } else { check }) == d[12]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_and_check_digit() {
        assert_eq!(cnp(b"2800101221146", 0), Some(13));
        assert_eq!(cnp(b"1800101221144", 0), None, "reads as a Unix time in ms (January 2027)");
        assert_eq!(cnp(b"CNP 1800101221144", 4), Some(17), "unless labelled");
        assert_eq!(cnp(b"cnp 5031226529994.", 4), Some(17));
        assert_eq!(cnp(b"1800101221145", 0), None, "check digit");
        assert_eq!(cnp(b"1800230221144", 0), None, "February 30");
        assert_eq!(cnp(b"1960523456789", 0), None);
        assert_eq!(cnp(b"7800101221145", 0), None, "a resident's code needs a label");
        assert_eq!(cnp(b"cnp 7800101221145", 4), Some(17));
    }
}
