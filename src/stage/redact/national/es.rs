//! Spanish DNI (`12345678Z`) and NIE (`X1234567L`, X/Y/Z standing for 0/1/2): the letter is
//! `TRWAGMYFPDXBNJZSQVHLCKE` at the number mod 23. A dash or space before the letter is taken,
//! and the letters in lower case (`12345678z`, `x1234567l`), except `a`-`f`: eight digits and
//! a lowercase hex letter are as often a hex digest's tail or a short commit id.
//! The social security number (NUSS) `PP NNNNNNNN CC`: a province, a number, and two check
//! digits, the first ten digits mod 97. Grouped it is taken anywhere; twelve bare digits only
//! with a label (`nuss`, `seguridad social`, ...).

use super::{bare, digits, first_shape, label, num, shaped};

const LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// A DNI from the digit at `at`.
pub fn dni(text: &[u8], at: usize) -> Option<usize> {
    let end = ["ddddddddL", "dddddddd-L", "dddddddd L", "ddddddddl", "dddddddd-l", "dddddddd l"].iter().find_map(|p| shaped(text, at, p.as_bytes()))?;
    let n = text[at..at + 8].iter().fold(0u32, |a, &c| a * 10 + (c - b'0') as u32);
    (LETTERS[(n % 23) as usize] == upper_not_hex(text[end - 1])?).then_some(end)
}

/// The check letter `c` in capitals; `None` for a lowercase hex letter (`a`-`f`).
fn upper_not_hex(c: u8) -> Option<u8> {
    (!matches!(c, b'a'..=b'f')).then(|| c.to_ascii_uppercase())
}

/// A NIE from the capital X, Y or Z at `at`.
pub fn nie(text: &[u8], at: usize) -> Option<usize> {
    let lead = match text.get(at)? {
        b'X' | b'x' => 0,
        b'Y' | b'y' => 1,
        b'Z' | b'z' => 2,
        _ => return None,
    };
    let shapes: [&[u8]; 3] = if text[at].is_ascii_uppercase() { [b"LdddddddL", b"L-ddddddd-L", b"Lddddddd-L"] } else { [b"ldddddddl", b"l-ddddddd-l", b"lddddddd-l"] };
    let end = first_shape(text, at, &shapes)?;
    let digits: Vec<u8> = text[at + 1..end - 1].iter().copied().filter(u8::is_ascii_digit).collect();
    if digits.len() != 7 {
        return None;
    }
    let n = digits.iter().fold(lead, |a, &c| a * 10 + (c - b'0') as u32);
    (LETTERS[(n % 23) as usize] == upper_not_hex(text[end - 1])?).then_some(end)
}

/// A NUSS from the digit at `at`.
pub fn nuss(text: &[u8], at: usize) -> Option<usize> {
    let grouped = first_shape(text, at, &[b"dd dddddddd dd", b"dd-dddddddd-dd", b"dd/dddddddd/dd", b"dd/dddddddd-dd"]);
    let (end, labelled) = match grouped {
        Some(end) => (end, true),
        None => (bare(text, at, 12)?, false),
    };
    let d = digits::<12>(text, at, end)?;
    (nuss_valid(&d) && (labelled || label::near(text, at, end, &[b"nuss", b"naf", b"seguridad", b"afiliaci"]))).then_some(end)
}

/// The province and the check digits of the twelve digits `d` (NUSS).
pub fn nuss_valid(d: &[u32; 12]) -> bool {
    (1..=53).contains(&(d[0] * 10 + d[1])) && num(&d[..10]) % 97 == num(&d[10..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dni_and_nie_letters_are_checked() {
        assert_eq!(dni(b"12345678Z", 0), Some(9));
        assert_eq!(dni(b"dni 12345678-Z.", 4), Some(14));
        assert_eq!(dni(b"12345678A", 0), None);
        assert_eq!(dni(b"123456789Z", 0), None);
        assert_eq!(dni(b"00:00:00.55011414Z", 9), None, "a timestamp's fraction");
        assert_eq!(nie(b"X1234567L", 0), Some(9));
        assert_eq!(nie(b"Y1234567X", 0), Some(9));
        assert_eq!(nie(b"X1234567A", 0), None);
        assert_eq!(nie(b"A1234567L", 0), None);
        assert_eq!(nie(b"extranjero Y8063915-Z.", 11), Some(21), "a dash before the letter");
        assert_eq!(dni(b"12345678z", 0), Some(9), "lower case");
        assert_eq!(nie(b"x1234567l", 0), Some(9), "lower case");
        assert_eq!(nie(b"X1234567l", 0), None, "mixed case");
        assert_eq!(dni(b"00000023t", 0), Some(9));
        assert_eq!(dni(b"00000009d", 0), None, "a hex letter in lower case");
        assert_eq!(dni(b"00000009D", 0), Some(9), "in capitals it counts");
    }

    #[test]
    fn nuss_check_digits_and_label() {
        assert_eq!(nuss(b"28 12345678 40", 0), Some(14));
        assert_eq!(nuss(b"nuss 281234567840", 5), Some(17));
        assert_eq!(nuss(b"28 12345678 41", 0), None);
        assert_eq!(nuss(b"order 281234567840", 6), None, "no label");
    }
}
