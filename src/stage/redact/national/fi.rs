//! Finnish personal identity code (henkilötunnus) `DDMMYYCZZZQ`: birth date, a century sign
//! (`+` 1800s; `-`, `Y`-`U` 1900s; `A`-`F` 2000s), an individual number 002-999 (900-999
//! temporary codes), and a check
//! character `0123456789ABCDEFHJKLMNPRSTUVWXY` at the nine digits DDMMYYZZZ mod 31.

use super::{digits_of, shaped, valid_date, Year};

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
    let century = match text[at + 6] {
        b'+' => 1800,
        b'A'..=b'F' => 2000,
        _ => 1900,
    };
    let year = Year::Full(century + d[4] * 10 + d[5]);
    if !valid_date(year, d[2] * 10 + d[3], d[0] * 10 + d[1]) || !(2..=999).contains(&individual) {
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
        assert_eq!(hetu(b"010594Y9032", 0), Some(11), "a temporary code, new 1900s sign");
        assert_eq!(hetu(b"010594Y0012", 0), None, "individual number 001");
        assert_eq!(hetu(b"131352-308T", 0), None, "month 13");
        // Impossible days: a check character computed for each, so only the date refuses it.
        for (date, leap) in [("310452", false), ("300252", false), ("290223", false), ("290200", false), ("290224", true)] {
            let digits: u32 = format!("{date}308").parse().unwrap();
            let code = format!("{date}-308{}", CHECK[(digits % 31) as usize] as char);
            assert_eq!(hetu(code.as_bytes(), 0).is_some(), leap, "{code}");
        }
        // 1900 was no leap year: February 29 with `-` (1900s) is refused, with `A` (2000s) taken.
        let c = CHECK[(290200308u32 % 31) as usize] as char;
        assert_eq!(hetu(format!("290200-308{c}").as_bytes(), 0), None);
        assert_eq!(hetu(format!("290200A308{c}").as_bytes(), 0), Some(11));
    }
}
