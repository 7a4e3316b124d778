//! Italian identity card (carta d'identità) numbers: the paper card `AA1234567` (two letters,
//! seven digits) and the electronic card (CIE 3.0) `CA12345AB` (`C`, a series letter, five
//! digits, two letters). Neither has a check character, and both are the shapes of SKUs, order
//! and ticket codes (`AB1234567`): taken only with a label of their own nearby (`carta
//! d'identità`, `carta di identità`, `identity card`, `id card`, `CIE`), never bare. A field
//! named for an identity card (`identity_card`, `id_card`) is redacted whole by the key rules.

use super::{label, shaped};

/// `identit` also ends `carta d'identità` and `carta di identità` (the `à` is not ASCII).
const LABELS: &[&[u8]] = &[b"carta d'identit", b"carta di identit", b"carta identit", b"identity card", b"id card", b"cie"];

/// An Italian identity card number from the capital at `at`, with its label: its end.
pub fn identity_card(text: &[u8], at: usize) -> Option<usize> {
    let end = shaped(text, at, b"LLddddddd").or_else(|| shaped(text, at, b"CLdddddLL"))?;
    label::near_own(text, at, end, LABELS).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_with_a_label_of_its_own() {
        assert_eq!(identity_card(b"carta d'identita AA1234567 ok", 17), Some(26));
        let t = "carta d'identità: AA1234567".as_bytes();
        assert_eq!(identity_card(t, t.len() - 9), Some(t.len()), "a non-ASCII label");
        assert_eq!(identity_card(b"CIE CA12345AB ok", 4), Some(13));
        assert_eq!(identity_card(b"identity card no. CB00000AA", 18), Some(27));
        assert_eq!(identity_card(b"sku AA1234567 ok", 4), None, "no label");
        assert_eq!(identity_card(b"CA12345AB", 0), None, "no label");
        assert_eq!(identity_card(b"order ID AA1234567", 9), None, "a generic label says too little");
        assert_eq!(identity_card(b"cie AA12345678", 4), None, "a longer word");
        assert_eq!(identity_card(b"cie DA12345AB", 4), None, "the CIE starts with C");
    }
}
