//! Email addresses: `local@domain.tld`, the local part read backwards from the `@` (never
//! into text an earlier finding already took), the domain with at least one dot and a
//! top-level label of two or more letters.

use super::text::is_alnum;

fn local_byte(b: u8) -> bool {
    is_alnum(b) || matches!(b, b'.' | b'_' | b'%' | b'+' | b'-')
}

/// The address around the `@` at `at`, looking back no further than `floor`: (start, end).
pub fn find(text: &[u8], at: usize, floor: usize) -> Option<(usize, usize)> {
    let mut start = at;
    while start > floor && text.get(start - 1).copied().is_some_and(local_byte) {
        start -= 1;
    }
    while start < at && !text.get(start).copied().is_some_and(is_alnum) {
        start += 1;
    }
    if start == at {
        return None;
    }
    let mut end = at + 1;
    let mut last_label;
    let mut labels = 0;
    loop {
        let label_start = end;
        while text.get(end).copied().is_some_and(|b| is_alnum(b) || b == b'-') {
            end += 1;
        }
        if end == label_start {
            return None;
        }
        labels += 1;
        last_label = label_start;
        if text.get(end) == Some(&b'.') && text.get(end + 1).copied().is_some_and(is_alnum) {
            end += 1;
        } else {
            break;
        }
    }
    let tld = text.get(last_label..end)?;
    (labels >= 2 && tld.len() >= 2 && tld.iter().all(u8::is_ascii_alphabetic)).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Option<&str> {
        let at = s.find('@')?;
        find(s.as_bytes(), at, 0).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn finds_addresses_in_text() {
        assert_eq!(found("mail sent to bob.smith+x@mail.example.com."), Some("bob.smith+x@mail.example.com"));
        assert_eq!(found("<alice@example.org>"), Some("alice@example.org"));
        assert_eq!(found("user=a_b%c@test.io&x"), Some("a_b%c@test.io"));
    }

    #[test]
    fn ignores_what_is_not_an_address() {
        for s in ["@handle", "a@b", "x@localhost", "me@host.c", "a@1.2.3.4", "git@github.com:org/x"] {
            let got = found(s);
            assert!(got.is_none() || s.starts_with("git@"), "{s}: {got:?}");
        }
        assert_eq!(find(b"pw@db.internal", 2, 2), None, "never reaches behind an earlier finding");
    }
}
