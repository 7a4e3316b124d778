//! Australian tax file number (TFN): nine digits (eight for old ones) with Σ dᵢwᵢ ≡ 0 mod 11
//! over weights 1 4 3 7 5 8 6 9 10 (old: 10 7 8 4 6 3 5 1). Written `NNN NNN NNN`, like many
//! other numbers, and with no other structure: taken only with a label of its own (`tfn`,
//! `tax file`, `australian`; a generic `tax` or `TIN` says too little for a one-in-eleven check).

use super::{bare, digits, first_shape, label, weighted};

pub fn tfn(text: &[u8], at: usize) -> Option<usize> {
    let nine = bare(text, at, 9).or_else(|| first_shape(text, at, &[b"ddd ddd ddd", b"ddd-ddd-ddd", b"ddd.ddd.ddd"]));
    let ok = match nine {
        Some(end) => valid9(&digits::<9>(text, at, end)?),
        None => false,
    };
    let end = if ok {
        nine?
    } else {
        let end = bare(text, at, 8)?;
        if !valid8(&digits::<8>(text, at, end)?) {
            return None;
        }
        end
    };
    let nonzero = text[at..end].iter().any(|&c| c.is_ascii_digit() && c != b'0');
    (nonzero && label::near_own(text, at, end, &[b"tfn", b"tax file", b"australian"])).then_some(end)
}

/// The weighted sum of a nine-digit TFN (not all zeros).
pub fn valid9(d: &[u32; 9]) -> bool {
    d.iter().any(|&x| x != 0) && weighted(d, &[1, 4, 3, 7, 5, 8, 6, 9, 10]) % 11 == 0
}

/// The weighted sum of an old eight-digit TFN (not all zeros).
pub fn valid8(d: &[u32; 8]) -> bool {
    d.iter().any(|&x| x != 0) && weighted(d, &[10, 7, 8, 4, 6, 3, 5, 1]) % 11 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_sum_and_label() {
        assert_eq!(tfn(b"TFN 876 543 210", 4), Some(15));
        assert_eq!(tfn(b"tfn=430341373", 4), Some(13));
        assert_eq!(tfn(b"tfn: 81854402", 5), Some(13), "an old eight-digit number");
        assert_eq!(tfn(b"TFN 824 753 557", 4), None);
        assert_eq!(tfn(b"port 876543210", 5), None, "no label");
        assert_eq!(tfn(b"tax file number 876543210", 16), Some(25));
        assert_eq!(tfn(b"tax batch 876543210", 10), None, "a generic label");
    }
}
