//! Turkish identity number (T.C. Kimlik No, TCKN): eleven digits, the first not 0; the tenth
//! is `(7·(d₁+d₃+d₅+d₇+d₉) - (d₂+d₄+d₆+d₈)) mod 10`, the eleventh the sum of the first ten
//! mod 10. No date: eleven bare digits are taken only with a label (`tckn`, `kimlik`, ...).

use super::{bare, digits, label};

pub fn tckn(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11)?;
    let d = digits::<11>(text, at, end)?;
    (valid(&d) && label::near(text, at, end, &[b"tckn", b"kimlik", b"tc", b"t.c", b"turkish", b"vatanda\xc5\x9f"])).then_some(end)
}

/// The two check digits of the eleven digits `d` (the first not 0).
pub fn valid(d: &[u32; 11]) -> bool {
    let odd = d[0] + d[2] + d[4] + d[6] + d[8];
    let even = d[1] + d[3] + d[5] + d[7];
    d[0] != 0 && (odd * 7 + 100 - even) % 10 == d[9] && d[..10].iter().sum::<u32>() % 10 == d[10]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_check_digits_and_label() {
        assert_eq!(tckn(b"TC kimlik no 10000000146", 13), Some(24));
        assert_eq!(tckn(b"tckn: 76543210794", 6), Some(17));
        assert_eq!(tckn(b"tckn: 10000000145", 6), None);
        assert_eq!(tckn(b"tckn: 02531814694", 6), None, "leading 0");
        assert_eq!(tckn(b"order 10000000146", 6), None, "no label");
    }
}
