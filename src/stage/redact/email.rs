//! Email addresses: `local@domain.tld`, the local part read backwards from the `@` (never
//! into text an earlier finding already took), the domain with at least one dot and a
//! top-level label of two or more letters, or a punycode one (`xn--p1ai`).
//!
//! Internationalised addresses are taken too: non-ASCII local parts and domains
//! (`josé@bücher.de`, `用户@例子.广告`), read as UTF-8 bytes. In URLs the `@` is often
//! percent-encoded (`alice%40example.com`): that form is found from its `%40`.

use super::text::is_alnum;

/// A byte of an internationalised label: ASCII alphanumeric or part of a UTF-8 character.
fn label_byte(b: u8) -> bool {
    is_alnum(b) || b >= 0x80
}

fn local_byte(b: u8) -> bool {
    label_byte(b) || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The address around the `@` at `at`, looking back no further than `floor`: (start, end).
pub fn find(text: &[u8], at: usize, floor: usize) -> Option<(usize, usize)> {
    around(text, at, 1, floor)
}

/// The address around a percent-encoded `@` (`%40`) at `at`: (start, end).
pub fn find_encoded(text: &[u8], at: usize, floor: usize) -> Option<(usize, usize)> {
    if text.get(at + 1..at + 3) != Some(b"40") {
        return None;
    }
    around(text, at, 3, floor)
}

/// The address whose `@` (written in `at_len` bytes) is at `at`.
fn around(text: &[u8], at: usize, at_len: usize, floor: usize) -> Option<(usize, usize)> {
    // In encoded text, a percent-encoded byte before the address (`q=a%20bob%40x.io`, an
    // earlier `%40`) is not part of it (`%2B` is a `+`, which local parts hold); stopping there
    // also keeps a run of `a%40a%40...` linear.
    let encoded_stop = |p: usize| {
        at_len == 3 && text[p - 1] == b'%' && text.get(p..p + 2).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit) && !h.eq_ignore_ascii_case(b"2B"))
    };
    let mut start = at;
    while start > floor && text.get(start - 1).copied().is_some_and(local_byte) {
        if encoded_stop(start) {
            start += 2; // past the encoded byte's hex digits, already read
            break;
        }
        start -= 1;
    }
    let mut start = start.min(at);
    while start < at && !text.get(start).copied().is_some_and(label_byte) {
        start += 1;
    }
    // Never start inside a UTF-8 character.
    while start < at && (text[start] & 0xC0) == 0x80 {
        start += 1;
    }
    if start == at {
        return None;
    }
    let mut end = at + at_len;
    let mut last_label;
    let mut labels = 0;
    loop {
        let label_start = end;
        while text.get(end).copied().is_some_and(|b| label_byte(b) || b == b'-') {
            end += 1;
        }
        if end == label_start {
            return None;
        }
        labels += 1;
        last_label = label_start;
        if text.get(end) == Some(&b'.') && text.get(end + 1).copied().is_some_and(label_byte) {
            end += 1;
        } else {
            break;
        }
    }
    let tld = text.get(last_label..end)?;
    let punycode = tld.len() > 4 && tld[..4].eq_ignore_ascii_case(b"xn--") && tld[4..].iter().all(|&b| is_alnum(b));
    let letters = tld.len() >= 2 && tld.iter().all(|&b| b.is_ascii_alphabetic() || b >= 0x80);
    (labels >= 2 && (letters || punycode)).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Option<&str> {
        let at = s.find('@')?;
        find(s.as_bytes(), at, 0).map(|(a, b)| &s[a..b])
    }

    fn found_encoded(s: &str) -> Option<&str> {
        let at = s.find("%40")?;
        find_encoded(s.as_bytes(), at, 0).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn finds_addresses_in_text() {
        assert_eq!(found("mail sent to bob.smith+x@mail.example.com."), Some("bob.smith+x@mail.example.com"));
        assert_eq!(found("<alice@example.org>"), Some("alice@example.org"));
        assert_eq!(found("user=a_b%c@test.io&x"), Some("a_b%c@test.io"));
    }

    #[test]
    fn finds_internationalised_and_punycode_addresses() {
        assert_eq!(found("to josé@bücher.de ok"), Some("josé@bücher.de"));
        assert_eq!(found("to 用户@例子.广告 ok"), Some("用户@例子.广告"));
        assert_eq!(found("to a@xn--d1acufc.xn--p1ai ok"), Some("a@xn--d1acufc.xn--p1ai"));
        assert_eq!(found("to user@xn--80ak6aa92e.com ok"), Some("user@xn--80ak6aa92e.com"));
    }

    #[test]
    fn finds_percent_encoded_addresses() {
        assert_eq!(found_encoded("?q=alice%40example.com&page=2"), Some("alice%40example.com"));
        assert_eq!(found_encoded("?q=my%20mail%20alice%40example.com&x"), Some("alice%40example.com"));
        assert_eq!(found_encoded("?q=a%2Bb%40example.com"), Some("a%2Bb%40example.com"));
        assert_eq!(found_encoded("?q=100%40"), None);
        assert_eq!(found_encoded("discount 20%40 off.now"), None, "no local part");
    }

    #[test]
    fn ignores_what_is_not_an_address() {
        for s in ["@handle", "a@b", "x@localhost", "me@host.c", "a@1.2.3.4", "git@github.com:org/x", "a@b.xn--", "pkg@1.2.3"] {
            let got = found(s);
            assert!(got.is_none() || s.starts_with("git@"), "{s}: {got:?}");
        }
        assert_eq!(find(b"pw@db.internal", 2, 2), None, "never reaches behind an earlier finding");
    }
}
