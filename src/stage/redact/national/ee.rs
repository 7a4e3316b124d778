//! Estonian personal identification code (isikukood) `GYYMMDDSSSC`: sex and century G (1/2
//! 1800s, 3/4 1900s, 5/6 2000s), birth date, a sequence, and a check digit: Σ dᵢwᵢ mod 11 over
//! weights 1 2 3 4 5 6 7 8 9 1, or if that is 10 over weights 3 4 5 6 7 8 9 1 2 3, and 0 if
//! that is 10 too. Lithuania uses the same code (`lt`). Eleven bare digits: taken only with a
//! label (`isikukood`, `personal`, ...).

use super::{bare, digits, label, two, valid_date, weighted, Year};

pub fn isikukood(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11)?;
    (valid(&digits::<11>(text, at, end)?) && label::near(text, at, end, &[b"isikukood", b"estonian"])).then_some(end)
}

/// The century digit, the date and the check digit of the eleven digits `d`.
pub fn valid(d: &[u32; 11]) -> bool {
    let century = match d[0] {
        1 | 2 => 1800,
        3 | 4 => 1900,
        5 | 6 => 2000,
        _ => return false,
    };
    if !valid_date(Year::Full(century + two(d, 1)), two(d, 3), two(d, 5)) {
        return false;
    }
    let mut c = weighted(d, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 1]) % 11;
    if c == 10 {
        c = weighted(d, &[3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 11 % 10;
    }
    c == d[10]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn century_date_check_and_label() {
        assert_eq!(isikukood(b"isikukood 38507300337", 10), Some(21));
        assert_eq!(isikukood(b"isikukood 49305050799", 10), Some(21));
        assert_eq!(isikukood(b"isikukood 38507300338", 10), None, "check digit");
        assert_eq!(isikukood(b"isikukood 38502300337", 10), None, "February 30");
        assert_eq!(isikukood(b"order 38507300337", 6), None, "no label");
    }
}
