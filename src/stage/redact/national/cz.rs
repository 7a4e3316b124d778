//! Czech and Slovak birth number (rodné číslo) `YYMMDD/SSSC`: birth date (month + 50 for
//! women, + 20 or + 70 since 2004), and for numbers issued since 1954 a tenth digit making the
//! whole number divisible by 11 (or 0 where the first nine leave 10). Nine-digit numbers
//! (before 1954) have no check. Taken with its slash anywhere (ten digits), bare ten digits
//! only with a label; the Czech personal tax number is `CZ` and the birth number.

use super::{bare, digits, first_shape, label, num, shaped, two, valid_date, Year};

const LABELS: &[&[u8]] = &[b"rodne", b"rodn\xc3\xa9", b"rc", b"birth", b"czech"];

pub fn rodne_cislo(text: &[u8], at: usize) -> Option<usize> {
    // `/261201/1513/` is a path, not a birth number.
    let path = |end: usize| (at > 0 && text[at - 1] == b'/') || text.get(end) == Some(&b'/');
    let (end, labelled) = match shaped(text, at, b"dddddd/dddd") {
        Some(end) => (end, !path(end)),
        None => (bare(text, at, 10)?, false),
    };
    let d = digits::<10>(text, at, end)?;
    (valid(&d) && (labelled || label::near(text, at, end, LABELS))).then_some(end)
}

/// The date and the check digit of the ten digits `d` (a number issued since 1954).
pub fn valid(d: &[u32; 10]) -> bool {
    let yy = two(d, 0);
    let year = if yy < 54 { 2000 + yy } else { 1900 + yy };
    let month = match two(d, 2) {
        m @ 1..=12 => m,
        m @ 51..=62 => m - 50,
        m @ 21..=32 if year >= 2004 => m - 20,
        m @ 71..=82 if year >= 2004 => m - 70,
        _ => return false,
    };
    if !valid_date(Year::Full(year), month, two(d, 4)) {
        return false;
    }
    let n = num(&d[..9]);
    n % 11 == d[9] as u64 || (n % 11 == 10 && d[9] == 0)
}

/// A Czech personal tax number (DIČ): `CZ`, an optional space, and a birth number.
pub fn tax_number(text: &[u8], at: usize) -> Option<usize> {
    if text.get(at..at + 2) != Some(b"CZ") {
        return None;
    }
    let from = if text.get(at + 2) == Some(&b' ') { at + 3 } else { at + 2 };
    let end = first_shape(text, from, &[b"dddddd/dddd", b"dddddddddd"]).or_else(|| {
        // `continues_a_number` refuses a start right after `CZ`: check the shape by hand.
        let s = text.get(from..from + 10)?;
        (s.iter().all(u8::is_ascii_digit) && super::super::text::word_end(text, from + 10)).then_some(from + 10)
    })?;
    let d = digits::<10>(text, from, end)?;
    valid(&d).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_and_divisibility() {
        assert_eq!(rodne_cislo(b"680911/5566", 0), Some(11));
        assert_eq!(rodne_cislo(b"rodne cislo 9811150570", 12), Some(22));
        assert_eq!(rodne_cislo(b"680911/5567", 0), None, "not divisible by 11");
        assert_eq!(rodne_cislo(b"681311/5566", 0), None, "month 13");
        assert_eq!(rodne_cislo(b"ts 9811150570", 3), None, "bare digits need a label");
        assert_eq!(rodne_cislo(b"GET /files/680911/5566/x", 11), None, "path segments");
    }

    #[test]
    fn tax_number_is_cz_and_a_birth_number() {
        assert_eq!(tax_number(b"CZ 710319/2745", 0), Some(14));
        assert_eq!(tax_number(b"CZ6809115566", 0), Some(12));
        assert_eq!(tax_number(b"CZ 710319/2746", 0), None);
    }
}
