//! Indian Permanent Account Number (PAN) `AAAPL1234C`: three letters, a holder-type letter
//! (`P` person, `C` company, `H` Hindu undivided family, `F` firm, `A` association, `T` trust,
//! `B` body of individuals, `L` local authority, `J` artificial juridical person, `G`
//! government), the initial of the holder's name, a four-digit serial (0001-9999) and a check
//! letter whose algorithm is not published. Ten capitals and digits in that exact order with a
//! holder-type letter from ten of twenty-six: taken anywhere. Without a valid holder type
//! (`ABCND1234Z`) the shape is a product code as often as a PAN: taken only with a label
//! (`PAN`, `permanent account`, `income tax`).

use super::{label, shaped};

const HOLDER_TYPES: &[u8] = b"PCHFATBLJG";
const LABELS: &[&[u8]] = &[b"pan", b"permanent account", b"income tax"];

/// A PAN from the capital at `at`: its end.
pub fn pan(text: &[u8], at: usize) -> Option<usize> {
    let end = shaped(text, at, b"LLLLLddddL")?;
    let s = &text[at..end];
    if &s[5..9] == b"0000" {
        return None;
    }
    (HOLDER_TYPES.contains(&s[3]) || label::near_own(text, at, end, LABELS)).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_type_letter_or_a_label() {
        assert_eq!(pan(b"ABCPD1234Z", 0), Some(10));
        assert_eq!(pan(b"pan AAACB1234F.", 4), Some(14));
        assert_eq!(pan(b"ABCND1234Z", 0), None, "N is no holder type");
        assert_eq!(pan(b"PAN: ABCND1234Z", 5), Some(15), "labelled");
        assert_eq!(pan(b"ABCPD0000Z", 0), None, "serial 0000");
        assert_eq!(pan(b"ABCPD1234ZX", 0), None, "a longer word");
        assert_eq!(pan(b"XABCPD1234Z", 1), None, "inside a word");
        assert_eq!(pan(b"abcpd1234z", 0), None, "capitals only");
    }
}
