//! Lithuanian personal code (asmens kodas): the Estonian structure and check (`ee::valid`).
//! Eleven bare digits: taken only with a label (`asmens`, `personal`, ...).

use super::{bare, digits, ee, label};

pub fn asmens_kodas(text: &[u8], at: usize) -> Option<usize> {
    let end = bare(text, at, 11)?;
    (ee::valid(&digits::<11>(text, at, end)?) && label::near(text, at, end, &[b"asmens", b"lithuanian"])).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labelled_codes_are_found() {
        assert_eq!(asmens_kodas(b"asmens kodas 39001010000", 13), Some(24));
        assert_eq!(asmens_kodas(b"asmens kodas 39001010001", 13), None);
        assert_eq!(asmens_kodas(b"ticket 39001010000", 7), None);
    }
}
