//! Singapore NRIC and FIN `PNNNNNNNC`: a prefix (S, T citizens born before / since 2000; F, G,
//! M foreigners), seven digits, and a check letter: Σ dᵢwᵢ over weights 2 7 6 5 4 3 2, plus 4
//! for T and G (3 for M), mod 11, read from `JZIHGFEDCBA` (S, T), `XWUTRQPNMLK` (F, G), or
//! `KLJNPQRTUWX` at 10 minus it (M). A letter at each end and a 1-in-11 check: taken anywhere,
//! in capitals or all in lower case (`g3970684p`), never mixed.

use super::{digits, shaped, weighted};

pub fn nric(text: &[u8], at: usize) -> Option<usize> {
    let end = shaped(text, at, b"LdddddddL").or_else(|| shaped(text, at, b"ldddddddl"))?;
    let prefix = text[at].to_ascii_uppercase();
    let offset = match prefix {
        b'S' | b'F' => 0,
        b'T' | b'G' => 4,
        b'M' => 3,
        _ => return None,
    };
    let d = digits::<7>(text, at + 1, at + 8)?;
    let r = ((weighted(&d, &[2, 7, 6, 5, 4, 3, 2]) + offset) % 11) as usize;
    let expected = match prefix {
        b'S' | b'T' => b"JZIHGFEDCBA"[r],
        b'F' | b'G' => b"XWUTRQPNMLK"[r],
        _ => b"KLJNPQRTUWX"[10 - r],
    };
    (text[at + 8].to_ascii_uppercase() == expected).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_and_check_letter() {
        assert_eq!(nric(b"S6859080I", 0), Some(9));
        assert_eq!(nric(b"nric T1680536F.", 5), Some(14));
        assert_eq!(nric(b"F5221211K", 0), Some(9));
        assert_eq!(nric(b"G8169811U", 0), Some(9));
        assert_eq!(nric(b"M9612050P", 0), Some(9));
        assert_eq!(nric(b"M9612050Q", 0), None, "check letter");
        assert_eq!(nric(b"A1234567Z", 0), None, "prefix");
        assert_eq!(nric(b"S6859080IX", 0), None, "a longer word");
        assert_eq!(nric(b"s6859080i", 0), Some(9), "lower case");
        assert_eq!(nric(b"s6859080I", 0), None, "mixed case");
    }
}
