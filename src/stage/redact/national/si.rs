//! Slovenian identifiers.
//!
//! - EMŠO (unique master citizen number) `DDMMYYYRRBBBK`: birth date with a three-digit year
//!   (9xx 1900s, 0xx 2000s), a register region, a sequence, and a check digit `11 - Σ dᵢwᵢ mod
//!   11` (weights 7 6 5 4 3 2 7 6 5 4 3 2; 10 and 11 read as 0). Thirteen digits, bare or
//!   grouped `DD-MM-YYY-RR-BBB-K`: with a Slovenian region (50-59) taken anywhere except where
//!   they read as a Unix time in milliseconds; the other Yugoslav JMBG regions only with a
//!   label (`emšo`, `jmbg`, ...).
//! - Davčna številka (tax number): eight digits, the first not 0, check `11 - Σ dᵢwᵢ mod 11`
//!   over weights 8 7 6 5 4 3 2 (10 read as 0, 11 never issued). Bare digits only: taken with
//!   a label (`davčna`, `tax`, ...).

use super::{bare, digits, epoch_like, first_shape, label, two, valid_date, weighted, Year};

pub fn emso(text: &[u8], at: usize) -> Option<usize> {
    let end = first_shape(text, at, &[b"ddddddddddddd", b"dd-dd-ddd-dd-ddd-d", b"dd.dd.ddd.dd.ddd.d"])?;
    let d = digits::<13>(text, at, end)?;
    let ok = emso_valid(&d);
    let slovenian = (50..=59).contains(&two(&d, 7));
    let labelled = || label::near(text, at, end, &[b"emso", b"em\xc5\xa1o", b"jmbg"]);
    (ok && ((slovenian && !epoch_like(text, at, end)) || labelled())).then_some(end)
}

pub fn tax_number(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 8)?;
    let d = digits::<8>(text, at, end)?;
    (tax_number_valid(&d) && label::near(text, at, end, &[b"davcna", b"dav\xc4\x8dna", b"slovenian"])).then_some(end)
}

/// The date and the check digit of the thirteen digits `d` (EMŠO).
pub fn emso_valid(d: &[u32; 13]) -> bool {
    let year = match d[4] {
        9 => 1000 + d[4] * 100 + two(d, 5),
        0 => 2000 + two(d, 5),
        _ => return false,
    };
    if !valid_date(Year::Full(year), two(d, 2), two(d, 0)) {
        return false;
    }
    let m = 11 - weighted(d, &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
    d[12] == if m >= 10 { 0 } else { m }
}

/// The check digit of the eight digits `d` (davčna številka), the first not 0.
pub fn tax_number_valid(d: &[u32; 8]) -> bool {
    let m = 11 - weighted(d, &[8, 7, 6, 5, 4, 3, 2]) % 11;
    d[0] != 0 && match m {
        11 => false,
        10 => d[7] == 0,
        m => d[7] == m,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emso_date_and_check() {
        assert_eq!(emso(b"0101006500006", 0), Some(13));
        assert_eq!(emso(b"01-01-006-50-000-6", 0), Some(18));
        assert_eq!(emso(b"EMSO 1212995504350", 5), Some(18), "check 10 read as 0");
        assert_eq!(emso(b"1212995504350", 0), None, "reads as a Unix time in ms (2008)");
        assert_eq!(emso(b"0101006500007", 0), None, "check digit");
        assert_eq!(emso(b"3102995504350", 0), None, "February 31");
        assert_eq!(emso(b"2001939010010", 0), None, "region 01 needs a label");
        assert_eq!(emso(b"JMBG 2001939010010", 5), Some(18));
    }

    #[test]
    fn tax_number_needs_its_check_and_a_label() {
        assert_eq!(tax_number(b"davcna 95985352", 7), Some(15));
        assert_eq!(tax_number(b"davcna 95985353", 7), None);
        assert_eq!(tax_number(b"build 95985352", 6), None);
    }
}
