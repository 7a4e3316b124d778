//! Dutch citizen service number (BSN, burgerservicenummer, formerly sofinummer): nine digits
//! passing the "eleven test", Σ dᵢ·(9 - i) over the first eight minus the last ≡ 0 mod 11.
//! One random nine-digit number in eleven passes, and nine-digit ids are everywhere: taken only
//! with a label of its own (`bsn`, `burgerservicenummer`, `sofinummer`; a generic `tax` or
//! `national` is not enough), bare or grouped
//! `NNNN.NN.NNN`, `NNN NNN NNN`.

use super::{bare, digits, first_shape, label};

const LABELS: &[&[u8]] = &[b"bsn", b"burgerservicenummer", b"sofinummer", b"sofi"];

/// A BSN from the digit at `at`: its end.
pub fn bsn(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 9).or_else(|| first_shape(text, at, &[b"dddd.dd.ddd", b"ddd ddd ddd", b"ddd.ddd.ddd", b"ddd-ddd-ddd"]))?;
    let d = digits::<9>(text, at, end)?;
    (valid(&d) && label::near_own(text, at, end, LABELS)).then_some(end)
}

/// The eleven test of the nine digits `d` (not starting 00).
pub fn valid(d: &[u32; 9]) -> bool {
    let sum = d[..8].iter().enumerate().map(|(i, &x)| x * (9 - i as u32)).sum::<u32>() as i64 - d[8] as i64;
    d[0] + d[1] > 0 && sum % 11 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eleven_test_and_label() {
        assert_eq!(bsn(b"BSN 123456782", 4), Some(13));
        assert_eq!(bsn(b"burgerservicenummer: 1234.56.782", 21), Some(32));
        assert_eq!(bsn(b"BSN 123456781", 4), None, "eleven test");
        assert_eq!(bsn(b"order 123456782", 6), None, "no label");
    }
}
