//! Polish PESEL `YYMMDDZZZXQ`: birth date (month + 80 for the 1800s, + 20 for the 2000s,
//! + 40, + 60 for the 2100s, 2200s), a sequence, a sex digit, and a check digit `(10 - Σ dᵢwᵢ
//! mod 10) mod 10` over weights 1 3 7 9 1 3 7 9 1 3. Eleven bare digits: taken only with a
//! label (`pesel`, `personal`, ...).

use super::{bare, digits, label, two, valid_date, weighted, Year};

pub fn pesel(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11)?;
    let d = digits::<11>(text, at, end)?;
    (valid(&d) && label::near(text, at, end, &[b"pesel", b"polish"])).then_some(end)
}

/// The birth date and the check digit of the eleven digits `d`.
pub fn valid(d: &[u32; 11]) -> bool {
    let (yy, m) = (two(d, 0), two(d, 2));
    let century = match m / 20 {
        0 => 1900,
        1 => 2000,
        2 => 2100,
        3 => 2200,
        _ => 1800,
    };
    valid_date(Year::Full(century + yy), m % 20, two(d, 4)) && (10 - weighted(d, &[1, 3, 7, 9, 1, 3, 7, 9, 1, 3]) % 10) % 10 == d[10]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_check_and_label() {
        assert_eq!(pesel(b"PESEL 44051401458", 6), Some(17));
        assert_eq!(pesel(b"pesel=02270803624", 6), Some(17), "born in 2002");
        assert_eq!(pesel(b"PESEL 44051401459", 6), None, "check digit");
        assert_eq!(pesel(b"PESEL 44023001450", 6), None, "February 30");
        assert_eq!(pesel(b"user 44051401458", 5), None, "no label");
    }
}
