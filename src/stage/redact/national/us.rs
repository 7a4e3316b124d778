//! US Individual Taxpayer Identification Number `9NN-GG-NNNN`: area 900-999 (which no SSN
//! uses) and a group in 50-65, 70-88, 90-92 or 94-99. Same separators as an SSN; nine bare
//! digits only with a label of its own (`itin`, `individual taxpayer`).

use super::{bare, label, shaped};

pub fn itin(text: &[u8], at: usize) -> Option<usize> {
    let (end, g) = match ["9dd-dd-dddd", "9dd dd dddd"].iter().find_map(|p| shaped(text, at, p.as_bytes())) {
        Some(end) => (end, at + 4),
        None => (bare(text, at, 9).filter(|&end| text[at] == b'9' && label::near_own(text, at, end, &[b"itin", b"individual taxpayer"]))?, at + 3),
    };
    let group = ((text[g] - b'0') * 10 + (text[g + 1] - b'0')) as u32;
    matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_itin_groups_are_taken() {
        assert_eq!(itin(b"912-70-1234", 0), Some(11));
        assert_eq!(itin(b"itin 999 99 9999.", 5), Some(16));
        assert_eq!(itin(b"912-45-1234", 0), None, "group 45 is not an ITIN group");
        assert_eq!(itin(b"812-70-1234", 0), None);
        assert_eq!(itin(b"ITIN 912701234", 5), Some(14), "bare with a label");
        assert_eq!(itin(b"size 912701234", 5), None, "bare without one");
    }
}
