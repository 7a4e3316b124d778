//! Values whose shape proves that no built-in detector can find anything in them: canonical
//! UUIDs, RFC 3339 timestamps and IP addresses. They are among the most common strings in
//! logs (request and trace ids, times, client addresses), and the detector pass spends
//! hundreds of instructions on each (digit groups, `:` separators, long token runs); checking
//! the shape costs tens. Custom rules still run on them: a policy's regex may look for
//! anything.
//!
//! Why each shape is safe, detector by detector:
//! - Digit detectors need 13 digits in a row for a card (separators ` `, `-`, `.` allowed
//!   between digits), or the exact `AAA-GG-SSSS` / `DDD-DDD-DDD` layouts, or 8-10 digits before
//!   a `:` (Telegram). A timestamp has at most 11 digits in a row (`SS.fffffffff`), an IPv4
//!   address 12, and a UUID is only taken when its longest run is below 13.
//! - `key: value` and `key=value` need a key starting with a letter before the separator;
//!   timestamps have digits there. IPv6 groups may start with a letter, but no hex group of
//!   one to four characters is a name logseal judges secret (a test tries all of them).
//! - Word detectors need 9+ letters in a token run, two capitals before digits, a space, `@`,
//!   `$`, `--` or a known vendor prefix; none of the vendor prefixes is made of hex digits.

/// True when `text` is a UUID, an RFC 3339 timestamp or an IP address in which no built-in
/// detector can find anything.
///
/// ```
/// use logseal::stage::redact::shape::harmless;
/// assert!(harmless(b"c196c5c2-ff2e-dc17-9d4c-712e801b43bf"));
/// assert!(harmless(b"2026-05-21T18:01:41.139Z"));
/// assert!(harmless(b"2001:db8:e756:613a::2f46"));
/// assert!(!harmless(b"41111111-1111-1111-1111-111111111111"), "a card fits in its digits");
/// ```
pub fn harmless(text: &[u8]) -> bool {
    // Each shape starts with a hex digit or a colon: most text fails at its first byte.
    if !text.first().is_some_and(|&b| b.is_ascii_hexdigit() || b == b':') {
        return false;
    }
    match text.len() {
        36 if text[8] == b'-' => uuid(text),
        20..=35 if matches!(text[10], b'T' | b't') => rfc3339(text),
        2..=45 => ip(text),
        _ => false,
    }
}

/// `8-4-4-4-12` hex digits, with no run of 13 digits (across dashes) a card could hide in.
/// Branch-free, eight bytes at a time: byte-by-byte, the digit-or-letter branches mispredicted
/// on every UUID.
fn uuid(t: &[u8]) -> bool {
    use crate::swar::{bits, digits, hex, HIGHS};
    if t.len() != 36 || t[8] != b'-' || t[13] != b'-' || t[18] != b'-' || t[23] != b'-' {
        return false;
    }
    // The 32 hex digits as four words: 8 | 4+4 | 4+4 | 8.
    let word = |parts: [&[u8]; 2]| {
        let mut b = [0u8; 8];
        b[..parts[0].len()].copy_from_slice(parts[0]);
        b[parts[0].len()..].copy_from_slice(parts[1]);
        u64::from_le_bytes(b)
    };
    let words = [word([&t[0..8], &[]]), word([&t[9..13], &t[14..18]]), word([&t[19..23], &t[24..28]]), word([&t[28..36], &[]])];
    let mut all_hex = HIGHS;
    let mut digit_bits = 0u64;
    for (k, &w) in words.iter().enumerate() {
        all_hex &= hex(w);
        digit_bits |= bits(digits(w)) << (8 * k);
    }
    // A run of 13 set bits: halve the runs' lengths until only runs of 13 or more remain.
    let mut run = digit_bits & (digit_bits >> 1); // runs of 2
    run &= run >> 2; // 4
    run &= run >> 4; // 8
    run &= run >> 5; // 13
    all_hex == HIGHS && run == 0
}

/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction of 1-9 digits, then `Z` or `+HH:MM`/`-HH:MM`.
fn rfc3339(t: &[u8]) -> bool {
    const DIGITS: [usize; 14] = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18];
    let head = t[4] == b'-' && t[7] == b'-' && t[13] == b':' && t[16] == b':' && DIGITS.iter().all(|&k| t[k].is_ascii_digit());
    if !head {
        return false;
    }
    let mut i = 19;
    if t.get(i) == Some(&b'.') {
        let n = t[i + 1..].iter().take_while(|b| b.is_ascii_digit()).count();
        if !(1..=9).contains(&n) {
            return false;
        }
        i += 1 + n;
    }
    match &t[i..] {
        [b'Z' | b'z'] => true,
        [b'+' | b'-', h1, h2, b':', m1, m2] => [h1, h2, m1, m2].iter().all(|b| b.is_ascii_digit()),
        _ => false,
    }
}

/// An IPv4 address (`d.d.d.d`, one to three digits each) or an IPv6 address (groups of up to
/// four hex digits between colons, at least two colons, optionally ending in an IPv4 address).
/// Read by hand, in one pass: the standard parser cost more than the detector pass it saves,
/// and the safety argument needs only the shape (short digit groups, hex groups that are not
/// field names).
fn ip(t: &[u8]) -> bool {
    let (mut colons, mut dots, mut group, mut dotted_digits) = (0, 0, 0, 0);
    for &b in t {
        match b {
            b'0'..=b'9' => {
                group += 1;
                dotted_digits += 1;
            }
            b'a'..=b'f' | b'A'..=b'F' if dots == 0 => group += 1,
            b':' if dots == 0 => {
                colons += 1;
                group = 0;
            }
            b'.' => {
                // Dots only in the IPv4 part (the whole address or its tail): digits only.
                if group > 3 || group != dotted_digits {
                    return false;
                }
                dots += 1;
                group = 0;
                dotted_digits = 0;
            }
            _ => return false,
        }
        if b != b'.' && b != b':' && group > 4 {
            return false;
        }
        if b == b':' {
            dotted_digits = 0;
        }
    }
    let last = group;
    match dots {
        0 => colons >= 2,
        3 => (1..=3).contains(&last) && last == dotted_digits && (colons == 0 || colons >= 2),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::keyname::ClassCache;
    use super::super::scan::find_all;
    use super::*;
    use proptest::prelude::*;

    fn found(text: &str) -> usize {
        let mut spans = Vec::new();
        find_all(text.as_bytes(), &mut spans, &mut ClassCache::default(), &mut super::super::memo::Memo::default());
        spans.len()
    }

    #[test]
    fn common_shapes_are_recognised() {
        for t in [
            "ec99108d-db5b-5fab-8f4d-3e27dda1494c",
            "EC99108D-DB5B-5FAB-8F4D-3E27DDA1494C",
            "2026-05-21T18:01:41Z",
            "2026-05-21T18:01:41.123456789+05:30",
            "2026-05-21t18:01:41.1-08:00",
            "200.72.24.252",
            "::1",
            "::ffff:192.168.1.1",
            "fe80::1ff:fe23:4567:890a",
        ] {
            assert!(harmless(t.as_bytes()), "{t}");
            assert_eq!(found(t), 0, "{t}");
        }
    }

    #[test]
    fn near_misses_take_the_detector_pass() {
        for t in [
            "ec99108d-db5b-5fab-8f4d-3e27dda1494",
            "ec99108d_db5b-5fab-8f4d-3e27dda1494c",
            "gc99108d-db5b-5fab-8f4d-3e27dda1494c",
            "2026-05-21T18:01:41.1234567891Z",
            "2026-05-21T18:01:41",
            "2026-05-21T18:01:41Z password=x",
            "fe80::1%eth0",
            "10.0.0.1:8080",
            "1.2.3",
            "1.2.3.4.5",
            "1234.1.1.1",
            "12345::1",
            "a:b",
            "user@10.0.0.1",
            "",
        ] {
            assert!(!harmless(t.as_bytes()), "{t}");
        }
    }

    #[test]
    fn no_hex_group_is_a_field_name() {
        // `key: value` looks at the group before each colon: none may name a secret.
        let alphabet = "0123456789abcdefABCDEF";
        let mut groups = vec![String::new()];
        for _ in 0..4 {
            groups = groups.iter().flat_map(|g| alphabet.chars().map(move |c| format!("{g}{c}"))).collect();
            for g in &groups {
                assert_eq!(super::super::keyname::classify(g.as_bytes()), super::super::keyname::KeyClass::Plain, "{g}");
            }
        }
    }

    #[test]
    fn uuids_with_digit_runs_of_13_are_left_to_the_detectors_at_any_offset() {
        for len in [12, 13] {
            for start in 0..=32 - len {
                let hex: String = (0..32).map(|k| if (start..start + len).contains(&k) { '7' } else { 'a' }).collect();
                let t = format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32]);
                assert_eq!(harmless(t.as_bytes()), len == 12, "{t}");
            }
        }
    }

    #[test]
    fn a_card_in_uuid_clothing_is_still_found() {
        let t = "41111111-1111-1111-1111-111111111111";
        assert!(!harmless(t.as_bytes()));
        assert!(found(t) > 0, "the detector pass finds the card");
        // Twelve digits in a row cannot be a card: the shape is taken.
        assert!(harmless(b"41111111-1111-a111-1111-a11111111111"));
    }

    proptest! {
        #[test]
        fn every_harmless_uuid_is_clean(groups in proptest::collection::vec(proptest::sample::select(b"0123456789abcdefABCDEF".to_vec()), 32)) {
            let mut t = String::new();
            for (i, b) in groups.iter().enumerate() {
                if matches!(i, 8 | 12 | 16 | 20) {
                    t.push('-');
                }
                t.push(*b as char);
            }
            if harmless(t.as_bytes()) {
                prop_assert_eq!(found(&t), 0, "{}", t);
            }
        }

        #[test]
        fn every_timestamp_is_clean(secs in 0i64..9_000_000_000, frac in 0u32..1_000_000_000, digits in 0usize..10, offset in proptest::option::of((0u8..24, 0u8..60, any::<bool>()))) {
            let mut t = Vec::new();
            crate::stage::normalise::time::write_rfc3339(secs * 1_000_000_000, &mut t);
            t.truncate(19);
            let mut t = String::from_utf8(t).unwrap();
            if digits > 0 {
                t.push_str(&format!(".{:09}", frac)[..digits + 1]);
            }
            match offset {
                None => t.push('Z'),
                Some((h, m, east)) => t.push_str(&format!("{}{h:02}:{m:02}", if east { '+' } else { '-' })),
            }
            prop_assert!(harmless(t.as_bytes()), "{}", t);
            prop_assert_eq!(found(&t), 0, "{}", t);
        }

        #[test]
        fn every_ip_address_is_clean(v4 in any::<[u8; 4]>(), v6 in any::<[u16; 8]>()) {
            for t in [std::net::Ipv4Addr::from(v4).to_string(), std::net::Ipv6Addr::from(v6).to_string()] {
                prop_assert!(harmless(t.as_bytes()), "{}", t);
                prop_assert_eq!(found(&t), 0, "{}", t);
            }
        }
    }
}
