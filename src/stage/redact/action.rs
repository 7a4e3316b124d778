//! What happens to a secret: `mask` (`[REDACTED:kind]`), `partial` (all but the last four
//! characters starred, separators kept: `****-****-****-1111`), `partial_first6` (first six and
//! last four kept, for card BINs), `hash` (a keyed HMAC-SHA256 pseudonym, stable across records
//! and hosts: `[HASH:kind:3f9a...]`, never unkeyed), `drop` (the field or text is removed),
//! `encrypt` (a span in text becomes an inline AES-256-GCM envelope, a value taken whole an
//! envelope object, after the rest was redacted: see [`crate::stage::encrypt`]).

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// An action on a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Mask,
    Partial,
    PartialFirst6,
    Hash,
    Drop,
    Encrypt,
}

impl Action {
    pub const NAMES: &'static [&'static str] = &["mask", "partial", "partial_first6", "hash", "drop", "encrypt"];
    const ALL: [Action; 6] = [Action::Mask, Action::Partial, Action::PartialFirst6, Action::Hash, Action::Drop, Action::Encrypt];

    pub fn from_index(i: usize) -> Action {
        Action::ALL.get(i).copied().unwrap_or(Action::Mask)
    }
}

/// Appends what `value` (a secret of `name`, masked as `mask`) becomes under `action` to `out`.
/// `hash_key` is required for `Hash`; without one the value is masked (the policy refuses
/// `hash` without a key, so this is only a guard).
pub fn render(action: Action, name: &str, mask: &str, value: &[u8], hash_key: Option<&[u8]>, out: &mut Vec<u8>) {
    match action {
        Action::Drop => {}
        // The redactor encrypts instead of rendering; reaching here means it could not.
        Action::Mask | Action::Encrypt => out.extend_from_slice(mask.as_bytes()),
        Action::Partial | Action::PartialFirst6 => {
            let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
            let head = if action == Action::PartialFirst6 { 6 } else { 0 };
            if alnum < head + 4 + 4 {
                out.extend_from_slice(mask.as_bytes());
                return;
            }
            let mut seen = 0;
            for &b in value {
                if b.is_ascii_alphanumeric() {
                    seen += 1;
                    out.push(if seen <= head || seen > alnum - 4 { b } else { b'*' });
                } else if b.is_ascii() {
                    out.push(b);
                }
            }
        }
        Action::Hash => match hash_key.and_then(|k| Hmac::<Sha256>::new_from_slice(k).ok()) {
            Some(mut mac) => {
                // The kind is part of the input: the same text under two kinds gives two pseudonyms.
                mac.update(name.as_bytes());
                mac.update(&[0]);
                mac.update(value);
                let tag = mac.finalize().into_bytes();
                out.extend_from_slice(b"[HASH:");
                out.extend_from_slice(name.as_bytes());
                out.push(b':');
                const HEX: &[u8; 16] = b"0123456789abcdef";
                for b in &tag[..8] {
                    out.push(HEX[(b >> 4) as usize]);
                    out.push(HEX[(b & 15) as usize]);
                }
                out.push(b']');
            }
            None => out.extend_from_slice(mask.as_bytes()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(action: Action, value: &str, key: Option<&[u8]>) -> String {
        let mut out = Vec::new();
        render(action, "card", "[REDACTED:card]", value.as_bytes(), key, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn mask_and_drop() {
        assert_eq!(r(Action::Mask, "4111111111111111", None), "[REDACTED:card]");
        assert_eq!(r(Action::Drop, "4111111111111111", None), "");
    }

    #[test]
    fn partial_keeps_the_last_four_and_separators() {
        assert_eq!(r(Action::Partial, "4111-1111-1111-1234", None), "****-****-****-1234");
        assert_eq!(r(Action::PartialFirst6, "4111111111111234", None), "411111******1234");
        assert_eq!(r(Action::Partial, "1234567", None), "[REDACTED:card]", "too short to show any part");
    }

    #[test]
    fn hash_is_keyed_stable_and_kind_specific() {
        let k1 = [7u8; 32];
        let k2 = [8u8; 32];
        let a = r(Action::Hash, "4111111111111111", Some(&k1));
        assert_eq!(a, r(Action::Hash, "4111111111111111", Some(&k1)));
        assert_ne!(a, r(Action::Hash, "4111111111111111", Some(&k2)));
        assert_ne!(a, r(Action::Hash, "4111111111111112", Some(&k1)));
        assert!(a.starts_with("[HASH:card:") && a.len() == "[HASH:card:]".len() + 16, "{a}");
        let mut other = Vec::new();
        render(Action::Hash, "email", "[REDACTED:email]", b"4111111111111111", Some(&k1), &mut other);
        assert_ne!(other[12..], a.as_bytes()[11..]);
        assert_eq!(r(Action::Hash, "4111111111111111", None), "[REDACTED:card]");
    }
}
