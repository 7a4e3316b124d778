//! Payment cards: 13 to 19 digits, plain or grouped by single spaces or dashes (or dots, in
//! card-shaped groups only: 4-4-4-4, 4-6-5 or 4-4-4-4-3, so decimals stay), that pass the
//! Luhn checksum AND start with an issuer's range (Visa 4; Mastercard 51-55 and 2221-2720;
//! Amex 34, 37; Discover 6011, 622126-622925, 644-649, 65; JCB 3528-3589; Diners 300-305,
//! 3095, 36, 38, 39; UnionPay 62). Digit runs failing either check (order numbers, epoch
//! milliseconds, tracking numbers) are kept.

use super::text::{grouped_digits, luhn, word_end};

/// The separators card groups may use.
pub const SEPARATORS: &[u8] = b" -.";

/// The card number starting at `at` (a digit that starts a word); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    let (mut digits, mut ends) = ([0u8; 19], [0usize; 20]);
    let n = grouped_digits(text, at, SEPARATORS, &mut digits, &mut ends);
    find_in(text, at, &digits, &ends, n)
}

/// As [`find`], with the grouped digits at `at` already read (by [`grouped_digits`] with
/// [`SEPARATORS`]): `n` digits, `digits` and `ends` as it fills them.
pub fn find_in(text: &[u8], at: usize, digits: &[u8; 19], ends: &[usize; 20], n: usize) -> Option<usize> {
    if n < 13 {
        return None;
    }
    // The issuer prefixes are read once; the cheap tests go first (a run of digit groups asks
    // at every group).
    let prefixes = Prefixes::of(digits);
    // Longest first: a card followed by another group ("... 1111 2026") still counts.
    for len in (13..=n.min(19)).rev() {
        let end = ends[len];
        if prefixes.issuer(len) && word_end(text, end) && luhn(&digits[..len]) && dots_card_shaped(&text[at..end]) {
            return Some(end);
        }
    }
    None
}

/// True when a card number may start with digit `d` (every issuer's range starts with 2-6).
pub fn may_start(d: u8) -> bool {
    (b'2'..=b'6').contains(&d)
}

/// The first 1, 2, 3, 4 and 6 digits of a number, as numbers.
struct Prefixes {
    p1: u32,
    p2: u32,
    p3: u32,
    p4: u32,
    p6: u32,
}

impl Prefixes {
    fn of(d: &[u8]) -> Prefixes {
        let prefix = |k: usize| -> u32 { d.iter().take(k).fold(0, |a, &c| a * 10 + (c.wrapping_sub(b'0')) as u32) };
        Prefixes { p1: prefix(1), p2: prefix(2), p3: prefix(3), p4: prefix(4), p6: prefix(6) }
    }

    /// True when a number of `len` digits with these prefixes belongs to a card issuer.
    fn issuer(&self, len: usize) -> bool {
        let Prefixes { p1, p2, p3, p4, p6 } = *self;
        (p1 == 4 && matches!(len, 13 | 16 | 19))
            || (((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16)
            || ((p2 == 34 || p2 == 37) && len == 15)
            || ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6)) && (16..=19).contains(&len))
            || ((3528..=3589).contains(&p4) && (16..=19).contains(&len))
            || (((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&len))
            || (p2 == 62 && (16..=19).contains(&len))
    }
}

/// Dots separate card groups only in the shapes cards are printed in.
fn dots_card_shaped(span: &[u8]) -> bool {
    if !span.contains(&b'.') {
        return true;
    }
    let mut groups = [0usize; 6];
    let mut g = 0;
    for &b in span {
        if b.is_ascii_digit() {
            groups[g] += 1;
        } else if b == b'.' && g < 5 {
            g += 1;
        } else {
            return false;
        }
    }
    matches!(&groups[..=g], [4, 4, 4, 4] | [4, 6, 5] | [4, 4, 4, 4, 3])
}

/// True when the number's prefix and length belong to a card issuer.
pub fn issuer(d: &[u8]) -> bool {
    Prefixes::of(d).issuer(d.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Option<&str> {
        find(s.as_bytes(), 0).map(|e| &s[..e])
    }

    #[test]
    fn finds_cards_of_every_issuer_plain_and_grouped() {
        for card in [
            "4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "4222222222222",
            "5555555555554444", "2223003122003222", "378282246310005", "3782 822463 10005", "6011111111111117",
            "6011 0009 9013 9424", "3530111333300000", "36227206271667", "6200000000000005",
        ] {
            assert_eq!(found(card), Some(card), "{card}");
        }
        assert_eq!(found("4111 1111 1111 1111 2026"), Some("4111 1111 1111 1111"));
        assert_eq!(found("4111111111111111,"), Some("4111111111111111"));
        assert_eq!(found("4111.1111.1111.1111"), Some("4111.1111.1111.1111"));
    }

    #[test]
    fn keeps_numbers_that_fail_luhn_or_issuer() {
        for other in [
            "4111111111111112",    // Luhn
            "9068985753113361",    // no issuer starts with 9
            "1721625608312",       // epoch milliseconds
            "1234567812345670",    // Luhn-valid, no issuer
            "41111111111111111111", // too long
            "4111111111111111x",   // runs into a word
            "411111111111",        // too short
            "4111  1111 1111 1111", // double separator
            "4111111111111.111",   // a decimal, not a card grouping
        ] {
            assert_eq!(found(other), None, "{other}");
        }
    }

    #[test]
    fn every_issuer_starts_with_two_to_six() {
        // `may_start` lets the detector pass skip the card check: it must never skip a card.
        for first in b'0'..=b'9' {
            for rest in 0..100_000u32 {
                let d = format!("{}{rest:05}0000000000000", first as char);
                for len in 13..=19 {
                    if issuer(&d.as_bytes()[..len]) {
                        assert!(may_start(first), "{d} {len}");
                    }
                }
            }
        }
    }

    #[test]
    fn issuer_ranges_mind_lengths() {
        assert!(issuer(b"378282246310005"));
        assert!(!issuer(b"3782822463100055"), "Amex is 15 digits");
        assert!(!issuer(b"5555555555554"), "Mastercard is 16 digits");
    }
}
