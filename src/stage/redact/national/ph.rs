//! Philippine tax identification number (TIN) `NNN-NNN-NNN` or `NNN-NNN-NNN-NNN` (a branch
//! code). It has no check digit, and `NNN-NNN-NNN` is a common shape: taken only with a label
//! (`tin`, `tax`, `bir`, ...).

use super::{first_shape, label};

pub fn tin(text: &[u8], at: usize) -> Option<usize> {
    let end = first_shape(text, at, &[b"ddd-ddd-ddd-ddd", b"ddd-ddd-ddd", b"ddd ddd ddd ddd"])?;
    label::near(text, at, end, &[b"bir", b"philippine"]).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_with_a_label() {
        assert_eq!(tin(b"My TIN is 000-123-456-000", 10), Some(25));
        assert_eq!(tin(b"Tax ID: 000-123-456-001.", 8), Some(23));
        assert_eq!(tin(b"part 000-123-456-000", 5), None);
        assert_eq!(tin(b"tin 000-123-45", 4), None, "shape");
    }
}
