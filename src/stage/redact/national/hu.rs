//! Hungarian tax identification number (adóazonosító jel) `8NNNNNNNNC`: ten digits starting
//! with 8, the last Σ dᵢ·i mod 11 over the first nine (i = 1..9; 10 never issued). Ten bare
//! digits: taken only with a label (`adóazonosító`, `tax`, ...).

use super::{bare, digits, first_shape, label, weighted};

pub fn tax_number(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 10).or_else(|| first_shape(text, at, &[b"ddd-ddd-ddd-d", b"ddd ddd ddd d"]))?;
    let d = digits::<10>(text, at, end)?;
    (valid(&d) && label::near(text, at, end, &[b"ado", b"ad\xc3\xb3", b"hungarian"])).then_some(end)
}

/// The leading 8 and the check digit of the ten digits `d`.
pub fn valid(d: &[u32; 10]) -> bool {
    d[0] == 8 && weighted(d, &[1, 2, 3, 4, 5, 6, 7, 8, 9]) % 11 == d[9]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_eight_check_and_label() {
        assert_eq!(tax_number(b"tax number 8234567896", 11), Some(21));
        assert_eq!(tax_number(b"tax number 8234567897", 11), None);
        assert_eq!(tax_number(b"tax number 2234567890", 11), None, "not an individual's number");
        assert_eq!(tax_number(b"build 8234567896", 6), None);
    }
}
