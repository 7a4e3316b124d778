//! Chinese resident identity card numbers (GB 11643): eighteen characters, seventeen digits
//! (region, birth date `YYYYMMDD`, sequence) and an ISO 7064 MOD 11-2 check character, `X`
//! for ten: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check `10X98765432` at sum mod 11.

use super::{digits_of, shaped, valid_date, Year};

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK: &[u8; 11] = b"10X98765432";

pub fn resident_id(text: &[u8], at: usize) -> Option<usize> {
    let end = shaped(text, at, b"ddddddddddddddddd*")?;
    let last = text[end - 1];
    if !(last.is_ascii_digit() || last == b'X' || last == b'x') {
        return None;
    }
    let mut d = [0u32; 17];
    digits_of(&text[at..end - 1], &mut d);
    let year = d[6] * 1000 + d[7] * 100 + d[8] * 10 + d[9];
    if !(1900..=2099).contains(&year) || !valid_date(Year::Full(year), d[10] * 10 + d[11], d[12] * 10 + d[13]) {
        return None;
    }
    let sum: u32 = d.iter().zip(WEIGHTS).map(|(a, w)| a * w).sum();
    (CHECK[(sum % 11) as usize] == last.to_ascii_uppercase()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_character_and_birth_date_are_checked() {
        assert_eq!(resident_id(b"11010519491231002X", 0), Some(18));
        assert_eq!(resident_id(b"id 440524198001010013.", 3), Some(21));
        assert_eq!(resident_id(b"110105194912310021", 0), None, "check character");
        assert_eq!(resident_id(b"110105194913310025", 0), None, "month 13");
    }
}
