//! Thai national identification number: thirteen digits, the first 1-8, the last
//! `(11 - Σ dᵢ·(13 - i) mod 11) mod 10` over the first twelve. No date: thirteen bare digits
//! are taken only with a label (`thai`, `national`, `citizen`, `ประชาชน` as in
//! `เลขประจำตัวประชาชน` or `บัตรประชาชน`, ...). The card prints it in five groups
//! `N-NNNN-NNNNN-NN-N` (dashes or spaces): no phone, date, version or id is grouped 1-4-5-2-1,
//! so that shape with its check is taken anywhere.

use super::{bare, digits, label, weighted};

pub fn citizen_id(text: &[u8], at: usize) -> Option<usize> {
    let grouped = super::first_shape(text, at, &[b"d-dddd-ddddd-dd-d", b"d dddd ddddd dd d"]);
    let end = grouped.or_else(|| bare(text, at, 13))?;
    let d = digits::<13>(text, at, end)?;
    (valid(&d) && (grouped.is_some() || label::near(text, at, end, &[b"thai", b"tnin", "ประชาชน".as_bytes()]))).then_some(end)
}

/// The leading 1-8 and the check digit of the thirteen digits `d`.
pub fn valid(d: &[u32; 13]) -> bool {
    (1..=8).contains(&d[0]) && (11 - weighted(d, &[13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2]) % 11) % 10 == d[12]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_and_label() {
        assert_eq!(citizen_id(b"thai id 1234567890121", 8), Some(21));
        let t = "เลขบัตรประชาชน 1234567890121".as_bytes();
        assert_eq!(citizen_id(t, t.len() - 13), Some(t.len()), "a Thai label");
        assert_eq!(citizen_id(b"national id 1-2345-67890-12-1", 12), Some(29));
        assert_eq!(citizen_id(b"thai id 1234567890122", 8), None);
        assert_eq!(citizen_id(b"thai id 0234567890124", 8), None, "leading 0");
        assert_eq!(citizen_id(b"order 1234567890121", 6), None, "no label");
    }

    #[test]
    fn the_cards_five_groups_need_no_label() {
        assert_eq!(citizen_id(b"job 1-2345-67890-12-1 done", 4), Some(21));
        assert_eq!(citizen_id(b"job 1 2345 67890 12 1 done", 4), Some(21));
        assert_eq!(citizen_id(b"job 1-2345-67890-12-2 done", 4), None, "check digit");
        assert_eq!(citizen_id(b"job 9-2345-67890-12-1 done", 4), None, "first digit 9");
        assert_eq!(citizen_id(b"job 1-2345-67890-12 1 done", 4), None, "mixed separators");
    }
}
