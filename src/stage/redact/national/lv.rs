//! Latvian personal code (personas kods) `DDMMYY-CNNNN`: birth date, a century digit C (0
//! 1800s, 1 1900s, 2 2000s), a sequence, and a check digit `(1101 - Σ dᵢwᵢ) mod 11 mod 10`
//! over weights 1 6 3 7 9 10 5 8 4 2. Codes issued since July 2017 start with 32 and carry
//! no date or check: taken only with a label. With its dash the dated code is taken anywhere;
//! eleven bare digits only with a label (`personas`, `personal`, ...).

use super::{bare, digits, label, shaped, two, valid_date, weighted, Year};

const LABELS: &[&[u8]] = &[b"personas", b"latvian"];

pub fn personas_kods(text: &[u8], at: usize) -> Option<usize> {
    let (end, dashed) = match shaped(text, at, b"dddddd-ddddd") {
        Some(end) => (end, true),
        None => (bare(text, at, 11)?, false),
    };
    let d = digits::<11>(text, at, end)?;
    if two(&d, 0) == 32 {
        return label::near(text, at, end, LABELS).then_some(end);
    }
    (valid(&d) && (dashed || label::near(text, at, end, LABELS))).then_some(end)
}

/// The date, the century digit and the check digit of the eleven digits `d` (a dated code).
pub fn valid(d: &[u32; 11]) -> bool {
    let century = match d[6] {
        0 => 1800,
        1 => 1900,
        2 => 2000,
        _ => return false,
    };
    valid_date(Year::Full(century + two(d, 4)), two(d, 2), two(d, 0)) && (1101 - weighted(d, &[1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11 % 10 == d[10]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_century_and_check() {
        assert_eq!(personas_kods(b"121282-11210", 0), Some(12));
        assert_eq!(personas_kods(b"280794-12344", 0), Some(12));
        assert_eq!(personas_kods(b"121282-11211", 0), None, "check digit");
        assert_eq!(personas_kods(b"301282-11210", 0), None, "check digit and date");
        assert_eq!(personas_kods(b"12128211210", 0), None, "bare digits need a label");
        assert_eq!(personas_kods(b"personas kods 320010-10002", 14), Some(26));
        assert_eq!(personas_kods(b"320010-10002", 0), None, "the new code has no check");
    }
}
