//! Payment cards: 13 to 19 digits that pass the Luhn checksum AND start with an issuer's range
//! and length (see [`issuer`]). Digit runs failing either check (order numbers, epoch
//! milliseconds, tracking numbers) are kept.
//!
//! Written plain or grouped. Spaces of any kind (ASCII, tab, no-break, thin and the other
//! Unicode spaces, `%20` in a URL) and dashes may group the digits freely, one between two
//! groups; dots, slashes and underscores only in card-shaped groups (4-4-4-4, 4-6-5,
//! 4-4-4-4-3) with one kind throughout, so decimals, dates and paths stay. A card may follow
//! letters (`PAN4111...`, track data `%B4111...^`), never run into them.

use super::text::{luhn, word_end};

/// The byte length of a group separator at `i` (0 if none): ASCII space, tab, `-`, `.`,
/// `/`, `_`, `%20`, U+00A0 and U+2000-U+200A, U+202F, U+205F, U+3000.
pub fn sep_len(text: &[u8], i: usize) -> usize {
    match text.get(i) {
        Some(b' ' | b'\t' | b'-' | b'.' | b'/' | b'_') => 1,
        Some(b'%') if text.get(i + 1..i + 3) == Some(b"20") => 3,
        Some(0xC2) if text.get(i + 1) == Some(&0xA0) => 2,
        Some(0xE2) => match (text.get(i + 1), text.get(i + 2)) {
            (Some(0x80), Some(0x80..=0x8A | 0xAF)) | (Some(0x81), Some(0x9F)) => 3,
            _ => 0,
        },
        Some(0xE3) if text.get(i + 1..i + 3) == Some(&[0x80, 0x80]) => 3,
        _ => 0,
    }
}

/// True when the separator at `i` may group digits freely (a space of some kind or a dash).
fn loose(text: &[u8], i: usize) -> bool {
    !matches!(text.get(i), Some(b'.' | b'/' | b'_'))
}

/// Reads up to 20 digits from `at`, one separator ([`sep_len`]) allowed between two digits.
/// Fills `digits`, `ends[k]` (the position after the k-th digit) and returns the count (20
/// means "too many").
fn read(text: &[u8], at: usize, digits: &mut [u8; 19], ends: &mut [usize; 20]) -> usize {
    let (mut n, mut i) = (0, at);
    while n <= 19 {
        match text.get(i) {
            Some(&d) if d.is_ascii_digit() => {
                if n < 19 {
                    digits[n] = d;
                }
                n += 1;
                i += 1;
                if n < 20 {
                    ends[n] = i;
                }
            }
            _ if n > 0 => {
                let s = sep_len(text, i);
                if s == 0 || !text.get(i + s).is_some_and(u8::is_ascii_digit) {
                    break;
                }
                i += s;
            }
            _ => break,
        }
    }
    n
}

/// The card number starting at `at` (a digit that starts a number); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    let (mut digits, mut ends) = ([0u8; 19], [0usize; 20]);
    let n = read(text, at, &mut digits, &mut ends);
    if n < 13 {
        return None;
    }
    // The issuer prefixes are read once; the cheap tests go first (a run of digit groups asks
    // at every group).
    let prefixes = Prefixes::of(&digits);
    // Longest first: a card followed by another group ("... 1111 2026") still counts.
    for len in (13..=n.min(19)).rev() {
        let end = ends[len];
        if prefixes.issuer(len) && word_end(text, end) && luhn(&digits[..len]) && grouped_like_a_card(text, at, end) {
            return Some(end);
        }
    }
    None
}

/// The card glued after letters in the word `text[at..word_end]` (`PAN4111...`, `B4111...`
/// of track 1 data): the digits that end the word, when they are a card; (start, end).
pub fn glued(text: &[u8], at: usize, word_end: usize) -> Option<(usize, usize)> {
    let mut s = word_end;
    while s > at && text[s - 1].is_ascii_digit() {
        s -= 1;
    }
    let digits = word_end - s;
    if s == at || !(13..=19).contains(&digits) {
        return None;
    }
    let e = find(text, s)?;
    (e == word_end).then_some((s, e))
}

/// True when a card number may start with digit `d` (every issuer's range starts with 1-6,
/// 8 or 9).
pub fn may_start(d: u8) -> bool {
    matches!(d, b'1'..=b'6' | b'8' | b'9')
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
        let long = (16..=19).contains(&len);
        (p1 == 4 && matches!(len, 13 | 16 | 19))
            || (((51..=55).contains(&p2) || (2221..=2720).contains(&p4)) && len == 16)
            || ((p2 == 34 || p2 == 37) && len == 15)
            || ((p4 == 6011 || (644..=649).contains(&p3) || p2 == 65 || (622126..=622925).contains(&p6)) && long)
            || ((3528..=3589).contains(&p4) && long)
            || (((300..=305).contains(&p3) || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) && (14..=19).contains(&len))
            || (p2 == 62 && long)
            // Maestro (and the Laser, Switch and Solo ranges it absorbed), 13-19 digits.
            || (matches!(p4, 5018 | 5020 | 5038 | 5893 | 6304 | 6706 | 6709 | 6759 | 6761..=6763 | 6767 | 6771 | 6333 | 6334) || p6 == 633110 || p6 == 564182)
                && (13..=19).contains(&len)
            // Dankort 5019; Mir 2200-2204; BORICA 2205; Bankcard 5610 and 560221-560225; Verve
            // 506099-506198 and 507865-507964; RuPay 60, 508, 81, 82, 353, 356; Troy 9792;
            // Humo 9860; UzCard 8600; InterPayment 636, InstaPayment 637-639.
            || ((p4 == 5019 || (2200..=2205).contains(&p4) || p4 == 5610 || (560221..=560225).contains(&p6)) && len == 16)
            || (((506099..=506198).contains(&p6) || (507865..=507964).contains(&p6)) && matches!(len, 16 | 18 | 19))
            || ((p2 == 60 || p3 == 508 || p2 == 81 || p2 == 82 || p3 == 353 || p3 == 356) && len == 16)
            || ((p4 == 9792 || p4 == 9860 || p4 == 8600) && len == 16)
            || (p3 == 636 && long)
            || ((637..=639).contains(&p3) && len == 16)
            // UATP: 1 and 15 digits.
            || (p1 == 1 && len == 15)
    }
}

/// Punctuation separates card groups only in the shapes cards are printed in, one kind
/// throughout; spaces and dashes group freely.
fn grouped_like_a_card(text: &[u8], at: usize, end: usize) -> bool {
    let mut groups = [0usize; 6];
    let (mut g, mut i) = (0, at);
    let mut punct = 0u8;
    while i < end {
        let b = text[i];
        if b.is_ascii_digit() {
            groups[g] += 1;
            i += 1;
            continue;
        }
        if !loose(text, i) {
            if punct != 0 && punct != b {
                return false;
            }
            punct = b;
        }
        if g == 4 {
            return false;
        }
        g += 1;
        i += sep_len(text, i).max(1);
    }
    let groups = &groups[..=g];
    if punct != 0 {
        return matches!(groups, [4, 4, 4, 4] | [4, 6, 5] | [4, 4, 4, 4, 3]);
    }
    // Free grouping, but as cards are printed: at most five groups, each of three or more
    // digits but the last. Lists of small numbers (`4 1 1 1 ...`, `12 4111...`) are not cards.
    groups[..g].iter().all(|&n| n >= 3)
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
    fn finds_cards_grouped_by_any_space_or_card_shaped_punctuation() {
        for card in [
            "4111\u{a0}1111\u{a0}1111\u{a0}1111", "4111\u{2009}1111\u{2009}1111\u{2009}1111", "4111\t1111\t1111\t1111",
            "4111%201111%201111%201111", "3782%20822463%2010005", "4111/1111/1111/1111", "4111_1111_1111_1111",
            "4111\u{202f}1111 1111-1111", "4222 2222 2222 2", "35660020 20360505",
        ] {
            assert_eq!(found(card), Some(card), "{card:?}");
        }
    }

    #[test]
    fn knows_the_regional_ranges() {
        // Each made Luhn-valid here from its prefix and length.
        for (prefix, len) in [
            ("6759", 16), ("5018", 19), ("6304", 16), ("2200", 16), ("2204", 16), ("6521", 16), ("6070", 16), ("8171", 16),
            ("9792", 16), ("5019", 16), ("5610", 16), ("633110", 16), ("1220", 15), ("9860", 16), ("506099", 19),
        ] {
            let card = with_check(prefix, len);
            assert_eq!(found(&card), Some(card.as_str()), "{card}");
        }
    }

    fn with_check(prefix: &str, len: usize) -> String {
        let body: String = prefix.chars().chain((prefix.len()..len - 1).map(|k| char::from(b'0' + (k * 3 % 10) as u8))).collect();
        (0..10).map(|c| format!("{body}{c}")).find(|s| luhn(s.as_bytes())).unwrap()
    }

    #[test]
    fn cards_glued_after_letters_are_found() {
        let t = b"PAN4111111111111111 ok";
        assert_eq!(glued(t, 0, 19), Some((3, 19)));
        let t = b"%B4111111111111111^DOE/JOHN^2512101";
        assert_eq!(glued(t, 1, 18), Some((2, 18)));
        assert_eq!(glued(b"abc1234567812345670", 0, 19), None, "Luhn-valid, no issuer");
    }

    #[test]
    fn keeps_numbers_that_fail_luhn_or_issuer() {
        for other in [
            "4111111111111112",    // Luhn
            "9068985753113361",    // no issuer starts with 9068
            "1721625608312",       // epoch milliseconds
            "1721625608312000",    // epoch microseconds
            "1234567812345670",    // Luhn-valid, no issuer
            "41111111111111111111", // too long
            "4111111111111111x",   // runs into a word
            "411111111111",        // too short
            "4111  1111 1111 1111", // double separator
            "4111111111111.111",   // a decimal, not a card grouping
            "4111/1111.1111/1111", // mixed punctuation
            "41/11/1111/1111/1111", // a path, not a card grouping
            "4111%2F1111%2F1111%2F1111", // an encoded slash is not a space
            "4 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1", // a list of digits
            "12 411111111111111",  // a small number before a 15-digit one
            "4111 1111 1111 11 11", // short inner groups
        ] {
            assert_eq!(found(other), None, "{other}");
        }
    }

    #[test]
    fn every_issuer_starts_with_a_digit_may_start_allows() {
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
        assert!(!issuer(b"1220000000000003"), "UATP is 15 digits");
    }
}
