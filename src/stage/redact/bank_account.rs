//! Bank account numbers written after a label in free text: `account no. 12345678`,
//! `acct: 12345678`, `a/c 12345678`, `bank account 12345678`, `sort code 12-34-56`, and a
//! sort code's `account 12345678`; routing numbers after `routing`, `routing no.`, `RTN` or
//! `ABA` (checked by [`super::routing`]). Only the number is removed; the label stays.
//!
//! Account numbers have no check digit, so nothing but the label says what they are: the
//! plain word `account` takes a number only with a qualifier (`no`, `nr`, `num`, `number`,
//! `#`) or after `bank` or a sort code, since `account 123456789012` in cloud logs is an
//! account id, not a bank account. The number is 6 to 17 digits, dashes allowed between
//! groups. Under key names (`account_number`, `iban`, `sort_code`, `routing_number`) values
//! are taken whole by the key rules, not here.

use super::kind::Kind;
use super::text::{is_alnum, word_end};

/// When `text[i..]` is the word `w` (ASCII, case-insensitive) ending a word: its end.
fn word_ci(text: &[u8], i: usize, w: &[u8]) -> Option<usize> {
    let s = text.get(i..i + w.len())?;
    (s.eq_ignore_ascii_case(w) && word_end(text, i + w.len())).then_some(i + w.len())
}

/// Skips the punctuation and spaces between a label and its number (`no. `, `: `, ` # `,
/// `=`), at most four bytes.
fn gap(text: &[u8], mut i: usize) -> usize {
    let limit = i + 4;
    while i < limit && matches!(text.get(i), Some(b' ' | b'.' | b':' | b'#' | b'=')) {
        i += 1;
    }
    i
}

/// After a label ending at `i`, an optional qualifier word: (end, whether one was there).
fn qualifier(text: &[u8], i: usize) -> (usize, bool) {
    let j = gap(text, i);
    if text.get(i..j).is_some_and(|g| g.contains(&b'#')) {
        return (j, true);
    }
    for w in [&b"number"[..], b"num", b"nr", b"no"] {
        if let Some(e) = word_ci(text, j, w) {
            return (e, true);
        }
    }
    (i, false)
}

/// An account number at `i`: 6 to 17 digits, single dashes allowed between groups; its end.
fn account_number(text: &[u8], i: usize) -> Option<usize> {
    if !text.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (mut n, mut j) = (0, i);
    loop {
        match text.get(j) {
            Some(d) if d.is_ascii_digit() => {
                n += 1;
                j += 1;
            }
            Some(b'-') if text.get(j + 1).is_some_and(u8::is_ascii_digit) => j += 1,
            _ => break,
        }
        if n > 17 {
            return None;
        }
    }
    ((6..=17).contains(&n) && word_end(text, j) && !(text.get(j) == Some(&b'.') && text.get(j + 1).is_some_and(u8::is_ascii_digit))).then_some(j)
}

/// A UK sort code at `i`: `12-34-56` or `123456`; its end.
fn sort_code(text: &[u8], i: usize) -> Option<usize> {
    let s = text.get(i..)?;
    let d = |k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    let end = if s.get(2) == Some(&b'-') && s.get(5) == Some(&b'-') && [0, 1, 3, 4, 6, 7].iter().all(|&k| d(k)) {
        8
    } else if (0..6).all(d) {
        6
    } else {
        return None;
    };
    word_end(text, i + end).then_some(i + end)
}

/// Whether a sort code (`12-34-56`, then an optional `,`) ends just before the word at `at`.
fn after_sort_code(text: &[u8], at: usize) -> bool {
    let mut i = at;
    while i > 0 && matches!(text[i - 1], b' ' | b',') && at - i < 3 {
        i -= 1;
    }
    i >= 8 && i < at && sort_code(text, i - 8) == Some(i) && (i == 8 || !is_alnum(text[i - 9]))
}

/// The number a bank label starting at `at` (a letter starting a word) introduces:
/// (start, end, kind).
pub fn find(text: &[u8], at: usize) -> Option<(usize, usize, Kind)> {
    let lower = |k: usize| text.get(at + k).map(u8::to_ascii_lowercase).unwrap_or(0);
    let number = |label_end: usize, needs_qualifier: bool| {
        let (q_end, qualified) = qualifier(text, label_end);
        if needs_qualifier && !qualified {
            return None;
        }
        let start = gap(text, q_end);
        if start == q_end && start == label_end {
            return None; // the number must be apart from the label (`acct123` is a name)
        }
        account_number(text, start).map(|e| (start, e, Kind::BankAccount))
    };
    let routing = |label_end: usize| {
        let (q_end, _) = qualifier(text, label_end);
        let start = gap(text, q_end);
        if start == label_end {
            return None;
        }
        super::routing::find_plain(text, start).or_else(|| super::routing::find_shaped(text, start)).map(|e| (start, e, Kind::BankAccount))
    };
    match lower(0) {
        b'a' => {
            if let Some(e) = word_ci(text, at, b"account") {
                return number(e, !after_sort_code(text, at));
            }
            if let Some(e) = word_ci(text, at, b"acct").or_else(|| text.get(at..at + 3).is_some_and(|s| s.eq_ignore_ascii_case(b"a/c")).then_some(at + 3)) {
                return number(e, false);
            }
            if let Some(e) = word_ci(text, at, b"acc") {
                return number(e, true);
            }
            let e = word_ci(text, at, b"aba")?;
            let e = word_ci(text, gap(text, e), b"routing").unwrap_or(e);
            routing(e)
        }
        b'b' => {
            let e = word_ci(text, at, b"bank")?;
            let j = gap(text, e);
            let e = word_ci(text, j, b"account").or_else(|| word_ci(text, j, b"acct"))?;
            number(e, false)
        }
        b'r' => {
            let e = word_ci(text, at, b"routing").or_else(|| word_ci(text, at, b"rtn"))?;
            routing(e)
        }
        b's' => {
            let e = word_ci(text, at, b"sort")?;
            let e = word_ci(text, gap(text, e), b"code")?;
            let start = gap(text, e);
            sort_code(text, start).map(|end| (start, end, Kind::BankAccount))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(t: &str) -> Vec<&str> {
        let b = t.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_alphabetic() && (i == 0 || !is_alnum(b[i - 1])) {
                if let Some((s, e, _)) = find(b, i) {
                    out.push(&t[s..e]);
                    i = e;
                    continue;
                }
            }
            i += 1;
        }
        out
    }

    #[test]
    fn numbers_after_labels_are_taken() {
        for (t, want) in [
            ("paid to account no. 12345678 today", "12345678"),
            ("acct: 000123456789", "000123456789"),
            ("acct#99887766", "99887766"),
            ("a/c 12345678", "12345678"),
            ("Account Number 1234-5678-90", "1234-5678-90"),
            ("bank account 12345678", "12345678"),
            ("routing no. 121000358", "121000358"),
            ("ABA# 121000358", "121000358"),
            ("RTN: 3222-7162-7", "3222-7162-7"),
        ] {
            assert_eq!(found(t), [want], "{t}");
        }
        assert_eq!(found("sort code 12-34-56 account 12345678"), ["12-34-56", "12345678"]);
    }

    #[test]
    fn labels_without_a_number_or_a_qualifier_take_nothing() {
        for t in [
            "account 123456789012 assumed role", "account: 123456789012", "accounts 12345678", "acct123456789",
            "routing 121000359", "routing key 12345678", "account no. 12345", "acct: 12345678.5", "sort code pending",
            "aba 12345", "acc 12345678",
        ] {
            assert_eq!(found(t), Vec::<&str>::new(), "{t}");
        }
    }
}
