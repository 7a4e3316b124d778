//! Finnish personal identity code (henkilötunnus) `DDMMYYCZZZQ`: birth date, a century sign
//! (`+` 1800s; `-`, `Y`-`U` 1900s; `A`-`F` 2000s), an individual number 002-899, and a check
//! character `0123456789ABCDEFHJKLMNPRSTUVWXY` at the nine digits DDMMYYZZZ mod 31.

use super::{digits_of, plausible_date, shaped};

const CHECK: &[u8; 31] = b"0123456789ABCDEFHJKLMNPRSTUVWXY";

pub fn hetu(text: &[u8], at: usize) -> Option<usize> {
    // The century sign may be `+` or `-`, which `shaped` takes literally: try each.
    let end = [b'+', b'-', b'*'].iter().find_map(|&c| {
        let mut p = *b"dddddd_ddd*";
        p[6] = c;
        shaped(text, at, &p)
    })?;
    if !b"+-YXWVUABCDEF".contains(&text[at + 6]) {
        return None;
    }
    let mut d = [0u32; 9];
    let s = &text[at..end - 1];
    if digits_of(&s[..6], &mut d[..6]) != 6 || digits_of(&s[7..], &mut d[6..]) != 3 {
        return None;
    }
    let individual = d[6] * 100 + d[7] * 10 + d[8];
    if !plausible_date(d[2] * 10 + d[3], d[0] * 10 + d[1]) || !(2..=899).contains(&individual) {
        return None;
    }
    let n = d.iter().fold(0u32, |a, &x| a * 10 + x);
    (CHECK[(n % 31) as usize] == text[end - 1]).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn century_sign_individual_number_and_check_character() {
        assert_eq!(hetu(b"131052-308T", 0), Some(11));
        assert_eq!(hetu(b"hetu 131052A308T ok", 5), Some(16));
        assert_eq!(hetu(b"131052-308U", 0), None, "check character");
        assert_eq!(hetu(b"131052Q308T", 0), None, "century sign");
        assert_eq!(hetu(b"131352-308T", 0), None, "month 13");
    }
}
