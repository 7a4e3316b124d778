//! Philippine tax identification number (TIN) `NNN-NNN-NNN`, with a branch code
//! `NNN-NNN-NNN-NNN`: the ninth digit is Σ dᵢwᵢ mod 11 over the first eight (weights 9 8 7 6 5
//! 4 3 2; 10 is never issued). `NNN-NNN-NNN` is a common shape and one in eleven passes: taken
//! only with a label (`tin`, `tax`, `bir`, ...). Four dashed groups of three with the check
//! (`000-123-456-000`) are no phone, date or id shape logs carry: taken anywhere.

use super::{digits_of, first_shape, label, weighted};

pub fn tin(text: &[u8], at: usize) -> Option<usize> {
    let end = first_shape(text, at, &[b"ddd-ddd-ddd-ddd", b"ddd-ddd-ddd", b"ddd ddd ddd ddd"])?;
    let mut d = [0u32; 9];
    digits_of(&text[at..end], &mut d);
    let ok = weighted(&d, &[9, 8, 7, 6, 5, 4, 3, 2]) % 11 == d[8];
    let branch = end - at == 15 && text.get(at + 11) == Some(&b'-');
    (ok && (branch || label::near(text, at, end, &[b"bir", b"philippine"]))).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_digit_and_label() {
        // 0·9 + 0·8 + 0·7 + 1·6 + 2·5 + 3·4 + 4·3 + 5·2 = 50; 50 mod 11 = 6.
        assert_eq!(tin(b"My TIN is 000-123-456-000", 10), Some(25));
        assert_eq!(tin(b"Tax ID: 000-123-456-001.", 8), Some(23));
        assert_eq!(tin(b"TIN 000-123-457-000", 4), None, "check digit");
        assert_eq!(tin(b"part 000-123-456", 5), None, "no label");
        assert_eq!(tin(b"part 000 123 456 000", 5), None, "spaced, no label");
        assert_eq!(tin(b"tin 000-123-45", 4), None, "shape");
    }

    #[test]
    fn a_branch_code_needs_no_label() {
        assert_eq!(tin(b"part 000-123-456-000 ok", 5), Some(20));
        assert_eq!(tin(b"part 000-123-456-001 ok", 5), Some(20));
        assert_eq!(tin(b"part 000-123-457-000 ok", 5), None, "check digit");
    }
}
