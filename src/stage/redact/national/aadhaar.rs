//! Indian Aadhaar numbers, written in groups `2345 6789 0124` (spaces or dashes): twelve
//! digits, the first 2-9, the last a Verhoeff check digit over the other eleven. Grouped they
//! are taken anywhere (never as part of a longer grouped number); twelve bare digits only with
//! a label (`aadhaar`, `uid`, ...).

use super::{bare, digits_of, label, shaped};

const D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// The Verhoeff check over digits whose last is the check digit.
pub fn verhoeff(d: &[u32]) -> bool {
    let mut c = 0u8;
    for (i, &x) in d.iter().rev().enumerate() {
        c = D[c as usize][P[i % 8][x as usize] as usize];
    }
    c == 0
}

pub fn find(text: &[u8], at: usize) -> Option<usize> {
    let grouped = ["dddd dddd dddd", "dddd-dddd-dddd"].iter().find_map(|p| shaped(text, at, p.as_bytes()));
    let (end, labelled) = match grouped {
        Some(end) => (end, true),
        None => (bare(text, at, 12)?, false),
    };
    let mut d = [0u32; 12];
    digits_of(&text[at..end], &mut d);
    (d[0] >= 2 && verhoeff(&d) && (labelled || label::near(text, at, end, &[b"aadhaar", b"aadhar", b"uid", b"uidai"]))).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verhoeff_valid_grouped_numbers_are_found() {
        assert_eq!(find(b"2345 6789 0124", 0), Some(14));
        assert_eq!(find(b"id 4991-1866-5246 ok", 3), Some(17));
        assert_eq!(find(b"2345 6789 0123", 0), None, "check digit");
        assert_eq!(find(b"1234 5678 9012", 0), None, "no number starts with 0 or 1");
        assert!(verhoeff(&[2, 3, 6, 3]) && !verhoeff(&[2, 3, 6, 4]));
    }

    #[test]
    fn a_part_of_a_longer_grouped_number_is_no_aadhaar() {
        // 2345 6789 0124 is Verhoeff-valid; inside an IBAN's or a card's groups it is a part.
        assert_eq!(find(b"2345 6789 0124 5", 0), None);
        assert_eq!(find(b"AL47 2345 6789 0124 0000", 5), None);
        assert_eq!(find(b"GB00 2345 6789 0124", 5), None, "after a digit group");
        assert_eq!(find(b"1111-2345-6789-0124", 5), None);
        assert_eq!(find(b"aadhaar 2345 6789 0124, ok", 8), Some(22));
    }

    #[test]
    fn bare_digits_need_a_label() {
        assert_eq!(find(b"aadhaar 234567890124", 8), Some(20));
        assert_eq!(find(b"order 234567890124", 6), None);
    }
}
