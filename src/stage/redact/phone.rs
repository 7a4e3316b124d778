//! Phone numbers: under phone-named keys (`phone`, `mobile`, `msisdn`, `e164`, ...) in JSON
//! and in `key=value` text, and, when the policy turns it on (`redact.phones_in_text`), in
//! free text in shapes only phone numbers are written in.
//!
//! Under a phone name the value is taken when it reads as a phone number: at least 7 digits,
//! otherwise only the bytes numbers are written with (`+`, spaces, `()`, `-`, `.`, `/`), a
//! `tel:` prefix, an extension (`ext. 12`, `x12`, `#12`), and the percent-encoded forms of
//! those bytes (`%2B63%20917...` in a query string). A JSON number under a phone name is
//! taken the same way; so are the strings and numbers of an array or object under one
//! (`"phones": [...]`, `"phone": {"number": ...}`).
//!
//! In free text (opt-in) only two shapes are taken: `+` and a country code followed by 8-15
//! digits in groups (`+44 20 7123 4567`, `+1-415-555-0132`, `+905321234567`), and the North
//! American `(415) 555-0132` / `415-555-0132`. Plain digit runs are never taken: in logs they
//! are ids, counters and times far more often than phones.

/// Bytes a phone number is written with, besides digits.
const PUNCT: &[u8] = b" +()-.";

/// The length of a percent-encoded phone byte at `i` (`%2B`, `%20`, `%28`, `%29`, `%2D`,
/// `%2E`), or 0.
fn encoded(text: &[u8], i: usize) -> usize {
    match text.get(i..i + 3) {
        Some([b'%', b'2', h]) if matches!(h.to_ascii_uppercase(), b'B' | b'0' | b'8' | b'9' | b'D' | b'E') => 3,
        _ => 0,
    }
}

/// The length of an extension marker at `i` that digits follow (`ext`, `ext.`, `x`, `#`,
/// `extension`, each optionally followed by one space), or 0.
fn extension(text: &[u8], i: usize) -> usize {
    let rest = text.get(i..).unwrap_or(&[]);
    let lower = |k: usize| rest.get(k).map(u8::to_ascii_lowercase);
    let mut n = if rest.len() >= 9 && rest[..9].eq_ignore_ascii_case(b"extension") {
        9
    } else if lower(0) == Some(b'e') && lower(1) == Some(b'x') && lower(2) == Some(b't') {
        3
    } else if matches!(lower(0), Some(b'x' | b'#')) {
        1
    } else {
        return 0;
    };
    if rest.get(n) == Some(&b'.') {
        n += 1;
    }
    if rest.get(n) == Some(&b' ') {
        n += 1;
    }
    if rest.get(n).is_some_and(u8::is_ascii_digit) {
        n
    } else {
        0
    }
}

/// Where a phone number written from `v` ends (digits, punctuation, percent-encoded
/// punctuation, an extension). `slash` also allows `/` (inside a value taken whole).
fn read(text: &[u8], v: usize, slash: bool) -> usize {
    let mut i = v;
    if super::text::starts_with_ci(text, i, b"tel:") {
        i += 4;
    }
    while let Some(&b) = text.get(i) {
        let n = if b.is_ascii_digit() || PUNCT.contains(&b) || (slash && b == b'/') {
            1
        } else {
            let e = encoded(text, i);
            if e > 0 {
                e
            } else {
                extension(text, i)
            }
        };
        if n == 0 {
            break;
        }
        i += n;
    }
    i
}

/// Where the phone number of an unquoted `phone=...` value starting at `v` ends: the
/// separators after its last digit (`+1 415 555 0132 dur=...`, `...0132.`) are not part of it.
pub fn value_end(text: &[u8], v: usize) -> usize {
    if !text.get(v).is_some_and(|&b| b.is_ascii_digit() || b == b'+' || b == b'(' || b == b'%' || b == b't' || b == b'T') {
        return v;
    }
    let mut end = read(text, v, false);
    while end > v && matches!(text[end - 1], b' ' | b'.' | b'-' | b'(') {
        end -= 1;
    }
    end
}

/// True when a whole value under a phone name reads as a phone number.
pub fn is_value(text: &[u8]) -> bool {
    digits(text) >= 7 && read(text, 0, true) == text.len()
}

/// The digits in `text`, percent-encoded bytes (`%20`) not counted.
pub fn digits(text: &[u8]) -> usize {
    let (mut n, mut i) = (0, 0);
    while let Some(&b) = text.get(i) {
        if b == b'%' && encoded(text, i) == 3 {
            i += 3;
            continue;
        }
        n += b.is_ascii_digit() as usize;
        i += 1;
    }
    n
}

/// The free-text phone number starting at `at` (a `+` or `(` or a digit starting a word), in
/// the shapes the module doc names; its end.
pub fn find_in_text(text: &[u8], at: usize) -> Option<usize> {
    let first = *text.get(at)?;
    if first == b'+' {
        return international(text, at);
    }
    north_american(text, at)
}

/// Appends the free-text phone numbers in `text` to `spans` (the opt-in detector). Linear:
/// each start reads a bounded window or up to the next `+`, and scanning resumes past what a
/// finding took.
pub fn find_all(text: &[u8], spans: &mut Vec<super::text::Span>) {
    let mut i = 0;
    while let Some(&b) = text.get(i) {
        let starts = b == b'+' || b == b'(' || (b.is_ascii_digit() && (i == 0 || !text[i - 1].is_ascii_alphanumeric()));
        if starts {
            if let Some(e) = find_in_text(text, i) {
                spans.push(super::text::Span { start: i, end: e, kind: super::kind::Kind::Phone, rule: super::text::NO_RULE });
                i = e;
                continue;
            }
        }
        i += 1;
    }
}

/// `+CC` and 8-15 digits, single spaces, dashes or dots between groups of 1-5 digits, the
/// first group (the country code) 1-3 digits when grouped; `(0)` and `(NNN)` groups allowed.
fn international(text: &[u8], at: usize) -> Option<usize> {
    if at > 0 && text[at - 1].is_ascii_alphanumeric() {
        return None;
    }
    let mut i = at + 1;
    let (mut n, mut group, mut groups) = (0, 0, 0);
    let mut first_group = 0;
    loop {
        match text.get(i) {
            Some(b) if b.is_ascii_digit() => {
                n += 1;
                group += 1;
                i += 1;
                if n > 16 {
                    return None; // too long for a phone number: stop reading
                }
            }
            Some(b' ' | b'-' | b'.') if group > 0 && text.get(i + 1).is_some_and(|&c| c.is_ascii_digit() || c == b'(') => {
                if groups == 0 {
                    first_group = group;
                }
                if group > 5 && groups > 0 {
                    return None;
                }
                groups += 1;
                group = 0;
                i += 1;
            }
            Some(b'(') if group == 0 && n > 0 => {
                let close = text.get(i + 1..i + 6)?.iter().position(|&c| c == b')')?;
                let inner = &text[i + 1..i + 1 + close];
                if inner.is_empty() || !inner.iter().all(u8::is_ascii_digit) {
                    return None;
                }
                n += inner.len();
                i += close + 2;
                if text.get(i) == Some(&b' ') && text.get(i + 1).is_some_and(u8::is_ascii_digit) {
                    i += 1;
                }
                groups += 1;
            }
            _ => break,
        }
    }
    if groups == 0 {
        first_group = group;
    }
    let grouped_ok = groups == 0 || (1..=3).contains(&first_group);
    (grouped_ok && (9..=16).contains(&n) && super::text::word_end(text, i)).then_some(i)
}

/// `(NXX) NXX-XXXX`, `NXX-NXX-XXXX` or `NXX.NXX.XXXX` (N is 2-9: area codes and exchanges
/// never start with 0 or 1).
fn north_american(text: &[u8], at: usize) -> Option<usize> {
    let s = text.get(at..)?;
    let n = |k: usize| s.get(k).is_some_and(|b| (b'2'..=b'9').contains(b));
    let d = |k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    let end = if s.first() == Some(&b'(') {
        let shape = n(1) && d(2) && d(3) && s.get(4) == Some(&b')') && s.get(5) == Some(&b' ') && n(6) && d(7) && d(8) && s.get(9) == Some(&b'-');
        (shape && (10..14).all(d)).then_some(14)?
    } else {
        let sep = *s.get(3)?;
        let shape = matches!(sep, b'-' | b'.') && n(0) && d(1) && d(2) && n(4) && d(5) && d(6) && s.get(7) == Some(&sep);
        (shape && (8..12).all(d)).then_some(12)?
    };
    let before_ok = at == 0 || !matches!(text[at - 1], b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'-' | b'.' | b'/' | b':');
    let after = text.get(at + end).copied();
    let after_ok = !after.is_some_and(|b| b.is_ascii_alphanumeric() || ((b == b'-' || b == b'.') && text.get(at + end + 1).is_some_and(u8::is_ascii_digit)));
    (before_ok && after_ok).then_some(at + end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_under_phone_names() {
        for v in ["+1 (415) 555-0132", "+14155550132", "415.555.0132", "tel:+1-415-555-0132", "+1 415 555 0132 ext. 42", "(415) 555-0132 x7", "%2B63%20917%20123%204567", "0%20%28917%29%20123%204567", "+44 (0)20 7123 4567"] {
            assert!(is_value(v.as_bytes()), "{v}");
        }
        for v in ["12345", "call me", "+1 415 555 0132 then", "n/a", "555-01"] {
            assert!(!is_value(v.as_bytes()), "{v}");
        }
    }

    #[test]
    fn unquoted_values_end_where_the_number_does() {
        let t = b"phone=%2B1%20415%20555%200132&page=2";
        assert_eq!(value_end(t, 6), t.len() - 7);
        let t = b"phone=+1 415 555 0132 ext 9 dur=1";
        assert_eq!(&t[6..value_end(t, 6)], b"+1 415 555 0132 ext 9");
        assert_eq!(value_end(b"phone=unknown", 6), 6);
    }

    #[test]
    fn free_text_shapes() {
        for (t, want) in [
            ("call +44 20 7123 4567 now", "+44 20 7123 4567"),
            ("call +1-415-555-0132.", "+1-415-555-0132"),
            ("sms +905321234567 ok", "+905321234567"),
            ("at (415) 555-0132 ok", "(415) 555-0132"),
            ("at 415-555-0132 ok", "415-555-0132"),
            ("at +44 (0)20 7123 4567", "+44 (0)20 7123 4567"),
        ] {
            let at = t.find(|c| c == '+' || c == '(' || c == '4').unwrap();
            let got = find_in_text(t.as_bytes(), at).map(|e| &t[at..e]);
            assert_eq!(got, Some(want), "{t}");
        }
        for t in ["v+1.2.3", "+1234", "2026-12-01", "415-555-01324", "115-555-0132", "+12345678901234567", "x=415-555-0132-7", "1.415.555.0132"] {
            let at = t.find(|c| c == '+' || c == '(' || char::is_ascii_digit(&c)).unwrap();
            assert_eq!(find_in_text(t.as_bytes(), at), None, "{t}");
        }
    }
}
