//! Identifiers in a query string, where a space between digit groups is written `%20` or `+`
//! (`?q=876%20543%20210`, `ssn=078+05+1120`): the detectors read a small decoded copy of the
//! text around the number, and the finding maps back to the encoded bytes. Only spaces are
//! decoded; a window of [`label::BEFORE`] bytes before the number and [`AHEAD`] after it
//! holds every grouped shape and its labels, so one start costs a bounded copy. It runs only
//! where the digit word is followed by `%20` or `+` and a digit, or is the `20` of a `%20`
//! glued to the number's first digit (`tfn%20876%20...`, where the scan's word is `20876`).

use super::label;

/// How far after the number's start the copy reaches (the longest grouped shape, encoded,
/// and a label after it).
pub const AHEAD: usize = 72;
const CAP: usize = label::BEFORE + AHEAD;

/// Whether the digit word ending at `word_end` is followed by an encoded space and a digit.
pub fn follows(text: &[u8], word_end: usize) -> bool {
    match text.get(word_end) {
        Some(b'%') => text.get(word_end + 1..word_end + 3) == Some(b"20") && text.get(word_end + 3).is_some_and(u8::is_ascii_digit),
        Some(b'+') => text.get(word_end + 1).is_some_and(u8::is_ascii_digit),
        _ => false,
    }
}

/// Whether the digit word at `i` is `20` of an encoded space glued to a number's first digit
/// (`tfn%20876`): the number starts at `i + 2`. Not when a digit group comes before the `%`:
/// that number is a later group of a run whose first group was already read.
pub fn after_encoded_space(text: &[u8], i: usize) -> bool {
    i > 0
        && text[i - 1] == b'%'
        && (i < 2 || !text[i - 2].is_ascii_digit())
        && text.get(i..i + 2) == Some(b"20")
        && text.get(i + 2).is_some_and(u8::is_ascii_digit)
}

/// Whether the digit word at `i` is a later group of an encoded-space run (`...078+05`,
/// `...078%2005`): the copy around the run's first group already held it. Without this, every
/// group of a long run (`123+123+123+...`) would copy and re-read its own window.
pub fn continues_group(text: &[u8], i: usize) -> bool {
    (i >= 2 && text[i - 1] == b'+' && text[i - 2].is_ascii_digit())
        || (i >= 4 && &text[i - 3..i] == b"%20" && text[i - 4].is_ascii_digit())
}

/// Runs `find` (a detector taking text and a start, returning an end and a value) on the
/// decoded copy around `at`; its end maps back to `text`. A finding that reaches the end of a
/// copy cut short is refused (the number might continue past it).
pub fn decoded<T>(text: &[u8], at: usize, find: impl Fn(&[u8], usize) -> Option<(usize, T)>) -> Option<(usize, T)> {
    let from = at.saturating_sub(label::BEFORE);
    let to = (at + AHEAD).min(text.len());
    let mut buf = [0u8; CAP];
    let mut map = [0usize; CAP + 1];
    let (mut n, mut i, mut start) = (0, from, None);
    while i < to && n < CAP {
        if i == at {
            start = Some(n);
        }
        map[n] = i;
        if text[i] == b'%' && text.get(i + 1..i + 3) == Some(b"20") {
            buf[n] = b' ';
            i += 3;
        } else if text[i] == b'+' {
            buf[n] = b' ';
            i += 1;
        } else {
            buf[n] = text[i];
            i += 1;
        }
        n += 1;
    }
    map[n] = i;
    let (end, value) = find(&buf[..n], start?)?;
    if end == n && i < text.len() {
        return None;
    }
    Some((*map.get(end)?, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ssn_like(t: &[u8], at: usize) -> Option<(usize, ())> {
        super::super::shaped(t, at, b"ddd dd dddd").map(|e| (e, ()))
    }

    #[test]
    fn encoded_spaces_are_read_and_the_end_maps_back() {
        let t = b"GET /s?q=078%2005%201120&page=2";
        assert!(follows(t, 12));
        assert_eq!(decoded(t, 9, ssn_like).map(|(e, _)| e), Some(24));
        let t = b"q=078+05+1120";
        assert_eq!(decoded(t, 2, ssn_like).map(|(e, _)| e), Some(13));
        assert!(!follows(b"q=078%2Cx", 5));
        assert!(after_encoded_space(b"q=tfn%20876", 6));
        assert!(!after_encoded_space(b"q=tfn%2C876", 6));
        assert!(!after_encoded_space(b"q=876%20543", 6));
    }

    #[test]
    fn later_groups_of_a_run_are_not_read_again() {
        assert!(!continues_group(b"q=078+05+1120", 2));
        assert!(continues_group(b"q=078+05+1120", 6));
        assert!(continues_group(b"q=078%2005", 8));
        assert!(!continues_group(b"q=ab+05", 5));
        assert!(!continues_group(b"5", 0));
    }

    #[test]
    fn a_copy_cut_short_refuses_a_finding_at_its_end() {
        let mut t = vec![b'x'; 10];
        t.extend_from_slice(b" 078%2005%201120");
        t.extend(std::iter::repeat(b'1').take(200));
        assert_eq!(decoded(&t, 11, |b, at| Some((b.len(), at))), None);
        assert_eq!(decoded(b"a 078%2005%201120", 2, |b, at| Some((b.len(), at))).map(|(e, _)| e), Some(17));
    }
}
