//! Bulgarian uniform civil number (ЕГН, EGN) `YYMMDDSSSC`: birth date (month + 20 for the
//! 1800s, + 40 for the 2000s), a sequence (even for men, odd for women), and a check digit
//! Σ dᵢwᵢ mod 11 (weights 2 4 8 5 10 9 7 3 6; 10 read as 0). Ten bare digits, like a Unix
//! time in seconds: taken only with a label (`egn`, `ЕГН`, `civil`, ...).

use super::{bare, digits, label, two, valid_date, weighted, Year};

pub fn egn(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 10)?;
    let d = digits::<10>(text, at, end)?;
    (valid(&d) && label::near(text, at, end, &[b"egn", b"\xd0\x95\xd0\x93\xd0\x9d", b"civil", b"bulgarian"])).then_some(end)
}

/// The birth date and the check digit of the ten digits `d`.
pub fn valid(d: &[u32; 10]) -> bool {
    let (yy, m) = (two(d, 0), two(d, 2));
    let (year, month) = match m {
        1..=12 => (1900 + yy, m),
        21..=32 => (1800 + yy, m - 20),
        41..=52 => (2000 + yy, m - 40),
        _ => return false,
    };
    let check = weighted(d, &[2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10;
    valid_date(Year::Full(year), month, two(d, 4)) && check == d[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_check_and_label() {
        assert_eq!(egn(b"EGN 7523169263", 4), Some(14));
        assert_eq!(egn(b"egn: 8032056031", 5), Some(15));
        assert_eq!(egn(b"EGN 7523169264", 4), None, "check digit");
        assert_eq!(egn(b"EGN 7513319263", 4), None, "month 13");
        assert_eq!(egn(b"ts 7523169263", 3), None, "no label");
    }
}
