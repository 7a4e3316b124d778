//! Portuguese tax number (NIF, número de contribuinte): nine digits, the first 1-3, 5, 6, 8 or
//! 9 (the kind of holder), the last `11 - Σ dᵢ·(9 - i) mod 11` over the first eight (0 when
//! that is 10 or 11). A one-in-eleven check on a plain nine-digit run: taken only with a
//! label of its own (`nif`, `contribuinte`, `nipc`; a generic `tax` or `TIN` is not enough), bare or grouped `NNN NNN NNN`.

use super::{bare, digits, first_shape, label};

const LABELS: &[&[u8]] = &[b"nif", b"contribuinte", b"nipc"];

/// A Portuguese NIF from the digit at `at`: its end.
pub fn nif(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 9).or_else(|| first_shape(text, at, &[b"ddd ddd ddd", b"ddd.ddd.ddd", b"ddd-ddd-ddd"]))?;
    let d = digits::<9>(text, at, end)?;
    (valid(&d) && label::near_own(text, at, end, LABELS)).then_some(end)
}

/// The holder digit and the check digit of the nine digits `d`.
pub fn valid(d: &[u32; 9]) -> bool {
    if !matches!(d[0], 1 | 2 | 3 | 5 | 6 | 8 | 9) {
        return false;
    }
    let sum: u32 = d[..8].iter().enumerate().map(|(i, &x)| x * (9 - i as u32)).sum();
    let check = match 11 - sum % 11 {
        10 | 11 => 0,
        c => c,
    };
    check == d[8]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_and_label() {
        assert_eq!(nif(b"NIF 581348915", 4), Some(13));
        assert_eq!(nif(b"contribuinte 581 348 915.", 13), Some(24));
        assert_eq!(nif(b"NIF 581348916", 4), None, "check digit");
        assert_eq!(nif(b"NIF 481348915", 4), None, "first digit 4");
        assert_eq!(nif(b"size 581348915", 5), None, "no label");
        assert_eq!(nif(b"Not a TIN 123456789", 10), None, "a generic label is not enough");
        assert_eq!(nif(b"NIF 123456789", 4), Some(13));
    }
}
