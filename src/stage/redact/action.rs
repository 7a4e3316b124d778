//! What happens to a secret: `mask` (`[REDACTED:kind]`), `partial` (what is shown depends on
//! the kind: cards, IBANs and identifiers keep their last four, separators kept,
//! `****-****-****-1111`; emails their first character and domain, `a****@example.com`; phones
//! their last two to four digits; tokens a short prefix, `ghp_****`; passwords, private keys,
//! credential hashes and CVVs nothing, they are masked), `partial_first6` (first six and last
//! four kept, for card BINs), `hash` (a keyed HMAC-SHA256 pseudonym, stable across records
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
            let shown = match (action, name) {
                // No part of these is safe to show: a password's last four are a quarter of it.
                (_, "password" | "private_key" | "credential_hash" | "cvv" | "body" | "denied") => false,
                (Action::Partial, "email") => partial_email(value, out),
                (Action::Partial, "phone") => partial_phone(value, out),
                (Action::Partial, "token" | "vendor_token" | "jwt" | "session" | "cookie" | "secret" | "authorization") => {
                    partial_token(value, out)
                }
                _ => partial_last4(value, if action == Action::PartialFirst6 { 6 } else { 0 }, out),
            };
            if !shown {
                out.extend_from_slice(mask.as_bytes());
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

/// All but the last four letters and digits starred (and the first `head` kept), separators
/// kept: `****-****-****-1111`. False, writing nothing, when too short to show any part.
fn partial_last4(value: &[u8], head: usize, out: &mut Vec<u8>) -> bool {
    let alnum = value.iter().filter(|b| b.is_ascii_alphanumeric()).count();
    if alnum < head + 4 + 4 {
        return false;
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
    true
}

/// The local part's first character, four stars (never its length) and the domain:
/// `alice@example.com` -> `a****@example.com`.
fn partial_email(value: &[u8], out: &mut Vec<u8>) -> bool {
    let Some(at) = value.iter().rposition(|&b| b == b'@') else { return false };
    let (local, domain) = (&value[..at], &value[at + 1..]);
    // The first character whole, even when it is not ASCII.
    let first = match local.first() {
        Some(&b) if b < 0x80 => 1,
        Some(&b) if b >= 0xC0 => 1 + local.iter().skip(1).take_while(|&&c| (0x80..0xC0).contains(&c)).count(),
        _ => return false,
    };
    if local.len() < 2 || domain.is_empty() || domain.contains(&b'@') {
        return false;
    }
    out.extend_from_slice(&local[..first]);
    out.extend_from_slice(b"****@");
    out.extend_from_slice(domain);
    true
}

/// Every digit starred but the last four (ten digits or more) or two (seven to nine),
/// everything else kept: `+1 (415) 555-0142` -> `+* (***) ***-0142`.
fn partial_phone(value: &[u8], out: &mut Vec<u8>) -> bool {
    let digits = value.iter().filter(|b| b.is_ascii_digit()).count();
    let keep = match digits {
        10.. => 4,
        7..=9 => 2,
        _ => return false,
    };
    let mut seen = 0;
    for &b in value {
        if b.is_ascii_digit() {
            seen += 1;
            out.push(if seen > digits - keep { b } else { b'*' });
        } else if b.is_ascii() {
            out.push(b);
        }
    }
    true
}

/// A short prefix that names what the token is, then four stars: the scheme of an
/// authorization value (`Bearer ****`), a vendor prefix up to its first `_`, `-` or `.`
/// within the first 12 bytes (`ghp_****`, `xoxb-****`), else the first four characters. Only
/// for values of 16 characters or more, so the prefix is a small part of the secret.
fn partial_token(value: &[u8], out: &mut Vec<u8>) -> bool {
    if value.len() < 16 || !value.is_ascii() {
        return false;
    }
    let window = &value[..12];
    let cut = match window.iter().position(|&b| b == b' ') {
        Some(i) if i > 0 => i + 1,
        _ => match window.iter().position(|&b| matches!(b, b'_' | b'-' | b'.')) {
            Some(i) if i >= 2 => i + 1,
            _ => 4,
        },
    };
    out.extend_from_slice(&value[..cut]);
    out.extend_from_slice(b"****");
    true
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

    fn p(kind: &str, value: &str) -> String {
        let mut out = Vec::new();
        render(Action::Partial, kind, &format!("[REDACTED:{kind}]"), value.as_bytes(), None, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn partial_is_defined_per_kind() {
        assert_eq!(p("email", "alice@example.com"), "a****@example.com");
        assert_eq!(p("email", "josé@bücher.de"), "j****@bücher.de");
        assert_eq!(p("email", "émile@example.fr"), "é****@example.fr", "the first character whole");
        assert_eq!(p("email", "a@example.com"), "[REDACTED:email]", "a one-character local part would be shown whole");
        assert_eq!(p("phone", "+1 (415) 555-0142"), "+* (***) ***-0142");
        assert_eq!(p("phone", "555-0142"), "***-**42");
        assert_eq!(p("phone", "0142"), "[REDACTED:phone]");
        assert_eq!(p("vendor_token", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"), "ghp_****");
        assert_eq!(p("token", "xoxb-1234567890-abcdefghij"), "xoxb-****");
        assert_eq!(p("authorization", "Bearer abcdefghijklmnopqrstuvwxyz"), "Bearer ****");
        assert_eq!(p("jwt", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"), "eyJh****");
        assert_eq!(p("token", "short-token"), "[REDACTED:token]");
        for kind in ["password", "private_key", "credential_hash", "cvv"] {
            assert_eq!(p(kind, "correct-horse-battery-staple"), format!("[REDACTED:{kind}]"), "{kind} is never shown in part");
        }
        // Cards, IBANs and identifiers keep their last four.
        assert_eq!(p("iban", "GB82 WEST 1234 5698 7654 32"), "**** **** **** **** **54 32");
        assert_eq!(p("ssn", "219-09-9999"), "***-**-9999");
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
