//! Secrets percent-encoded in query strings and form bodies. A value travelling in a URL or an
//! `application/x-www-form-urlencoded` body has its `|`, `:`, `/`, `+`, `=`, `@`, `!`, `'` ...
//! written as `%7C`, `%3A`, `%2F`, `%2B`, `%3D`, `%40`, `%21`, `%27`, where every detector
//! expects the byte itself: `q=1308742762612587%7Crho...` is a Facebook app token, and
//! `redirect_uri=https%3A%2F%2Fx%2Fcb%3Ftoken%3Dabc` a secret query parameter inside a URL.
//!
//! After the one pass ([`super::scan::find_all`]), each segment of the text that holds an
//! escape is decoded (`%XX`, and `+` as a space) into a reused buffer and read by the same
//! pass again. A segment is one `name=value` pair (or a bare run) between URL and form
//! delimiters (`?`, `&`, `;`, `#`, blanks and quotes). When the decoded text holds a finding,
//! the whole encoded value goes (fail closed: the decoded finding cannot be cut back to
//! encoded bytes that surely end the secret); the parameter name and the rest of the line stay.
//! A segment without `=` goes from the finding's first byte to the segment's end. A piece of
//! a credential in an encoded value that the pass found alone grows to the whole value the
//! same way (not a card, an ID or an address: their detectors check where they end).
//!
//! A value encoded twice (`%253D`) is decoded a second time, and no more: each segment costs
//! at most two decodes and two passes over it, and segments do not overlap, so the whole step
//! stays linear. Texts without a `%` cost nothing: the one pass notes the first `%` it steps
//! on, and this step starts there (a `%` the pass stepped over inside a finding starts
//! nothing: looking into every finding for one cost the common record more than it found).

use super::keyname::ClassCache;
use super::kind::Kind;
use super::memo::Memo;
use super::text::{Span, NO_RULE};

/// Reusable buffers: no allocation per record after warm-up.
#[derive(Default)]
pub struct Scratch {
    /// A segment decoded once, and the same decoded again (double encoding).
    once: Vec<u8>,
    twice: Vec<u8>,
    /// The pass's findings in decoded text.
    inner: Vec<Span>,
    /// Findings from decoded segments, as spans of the encoded text.
    found: Vec<Span>,
    /// Where the union of the pass's spans and `found` is built.
    merged: Vec<Span>,
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// The byte escaped as `%XX` at `i`, if an escape starts there.
pub fn escape_at(text: &[u8], i: usize) -> Option<u8> {
    match text.get(i..i + 3)? {
        [b'%', a, b] => Some(hex(*a)? << 4 | hex(*b)?),
        _ => None,
    }
}

/// Bytes that end a query or form value: pair and URL delimiters, blanks, quotes and angle
/// brackets (which no encoded value holds raw).
fn bound(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'&' | b'?' | b';' | b'#' | b'"' | b'\'' | b'<' | b'>' | b'`')
}

/// Decodes `raw` into `out`: escapes, and `+` as a space when `plus`. Returns whether the
/// result holds an escape again (`%25` written before two hex digits).
fn decode(raw: &[u8], plus: bool, out: &mut Vec<u8>) -> bool {
    out.clear();
    let mut again = false;
    let mut i = 0;
    while let Some(&b) = raw.get(i) {
        match (b, escape_at(raw, i)) {
            (b'%', Some(d)) => {
                again |= d == b'%' && raw.get(i + 3).copied().and_then(hex).is_some() && raw.get(i + 4).copied().and_then(hex).is_some();
                out.push(d);
                i += 3;
            }
            (b'+', _) if plus => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    again
}

/// The index in `raw` of the byte that decodes to `decoded[d]` ([`decode`] of `raw`).
fn raw_pos(raw: &[u8], d: usize) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < raw.len() && n < d {
        i += if escape_at(raw, i).is_some() { 3 } else { 1 };
        n += 1;
    }
    i.min(raw.len())
}

/// Reads every segment of `text` holding an escape, at or after `from`, through the one pass
/// decoded, and adds what it finds to `spans` (sorted, without overlaps; findings that overlap
/// are joined). `keep` says which kinds the policy redacts: a segment's finding is its first
/// kept one. `memo` is reset by each pass: the caller is done with it.
#[inline(never)]
pub fn find_all(text: &[u8], from: usize, spans: &mut Vec<Span>, names: &mut ClassCache, memo: &mut Memo, scratch: &mut Scratch, keep: &dyn Fn(Kind) -> bool) {
    let Scratch { once, twice, inner, found, merged } = scratch;
    found.clear();
    let mut i = from;
    // The end of the last segment read: segments never overlap, so each byte is read a
    // bounded number of times.
    let mut floor = 0;
    // The first of `spans` that may reach into the segment (spans are sorted).
    let mut c = 0;
    while let Some(p) = text.get(i..).and_then(|t| memchr::memchr(b'%', t)).map(|p| i + p) {
        if escape_at(text, p).is_none() {
            i = p + 1;
            continue;
        }
        let mut s = p;
        while s > floor && !bound(text[s - 1]) {
            s -= 1;
        }
        let mut e = super::text::run(text, p, |b| !bound(b));
        // Closing punctuation after a value belongs to the sentence around it.
        while e > p + 3 && matches!(text[e - 1], b',' | b')' | b']' | b'}') {
            e -= 1;
        }
        floor = e;
        i = e;
        let eq = text[s..e].iter().position(|&b| b == b'=').map(|k| s + k);
        let value = eq.map_or(s, |q| q + 1);
        while spans.get(c).is_some_and(|sp| sp.end <= value) {
            c += 1;
        }
        // The pass already took the whole value; or the value is a reference that only looks
        // encoded (`password=%DB_PASS%`: `%DB` is no escape there).
        if spans.get(c).is_some_and(|sp| sp.start <= value && sp.end >= e) || super::assign::template_end(text, value).is_some_and(|t| t >= e) {
            continue;
        }
        let raw = &text[s..e];
        let again = decode(raw, true, once);
        let mut at = first_kept(once, inner, names, memo, keep).map(|(d, kind)| (raw_pos(raw, d), kind));
        if at.is_none() && again {
            // Encoded twice: `+` was a space the first time, a `%2B` now means a plus.
            decode(once, false, twice);
            at = first_kept(twice, inner, names, memo, keep).map(|(d, kind)| (raw_pos(raw, raw_pos(once, d)), kind));
        }
        // Nothing decoded, but the pass found a piece of a credential in the value: the rest
        // goes too (the piece may be the tail of a secret that an escape cut).
        let at = at.or_else(|| spans.get(c).filter(|sp| sp.start < e && keep(sp.kind) && !checked(sp.kind)).map(|sp| (sp.start.max(s) - s, sp.kind)));
        if let Some((r, kind)) = at {
            let start = match eq {
                Some(q) if s + r > q => q + 1,
                _ => s + r,
            };
            if start < e {
                found.push(Span { start, end: e, kind, rule: NO_RULE });
            }
        }
    }
    if found.is_empty() {
        return;
    }
    join(spans, found, merged);
    std::mem::swap(spans, merged);
}

/// Kinds whose detectors check a whole shape (digits and their check rule, an address): a
/// finding of one ends where the number or address ends, so it never grows to the value
/// (`%B4111...^DOE/JOHN^...` is card track data, whose `%B4` is no escape).
fn checked(kind: Kind) -> bool {
    matches!(kind, Kind::Card | Kind::Cvv | Kind::Ssn | Kind::NationalId | Kind::Iban | Kind::BankAccount | Kind::Email | Kind::Phone)
}

/// The start in `decoded` and the kind of the pass's first finding there that `keep` keeps.
fn first_kept(decoded: &[u8], inner: &mut Vec<Span>, names: &mut ClassCache, memo: &mut Memo, keep: &dyn Fn(Kind) -> bool) -> Option<(usize, Kind)> {
    inner.clear();
    super::scan::find_all(decoded, inner, names, memo);
    inner.iter().find(|s| keep(s.kind)).map(|s| (s.start, s.kind))
}

/// The union of two sorted lists of disjoint spans into `out`: spans that overlap become one,
/// of the kind of the first (of `b`'s, read decoded, when both start at one byte).
fn join(a: &[Span], b: &[Span], out: &mut Vec<Span>) {
    out.clear();
    let (mut x, mut y) = (0, 0);
    loop {
        let next = match (a.get(x), b.get(y)) {
            (Some(p), Some(q)) if p.start < q.start => {
                x += 1;
                *p
            }
            (_, Some(q)) => {
                y += 1;
                *q
            }
            (Some(p), None) => {
                x += 1;
                *p
            }
            (None, None) => break,
        };
        match out.last_mut() {
            Some(last) if next.start < last.end => last.end = last.end.max(next.end),
            _ => out.push(next),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pass, then this step, as the redactor runs them: (text found, kind).
    fn found(text: &str) -> Vec<(&str, &'static str)> {
        let (mut spans, mut names, mut memo, mut scratch) = (Vec::new(), ClassCache::default(), Memo::default(), Scratch::default());
        super::super::scan::find_all(text.as_bytes(), &mut spans, &mut names, &mut memo);
        if memo.pct != usize::MAX {
            find_all(text.as_bytes(), memo.pct, &mut spans, &mut names, &mut memo, &mut scratch, &|_| true);
        }
        spans.iter().map(|s| (&text[s.start..s.end], s.kind.name())).collect()
    }

    #[test]
    fn decodes_escapes_and_plus() {
        let mut out = Vec::new();
        assert!(!decode(b"a%7Cb+c%2Bd%zz%4", true, &mut out));
        assert_eq!(out, b"a|b c+d%zz%4");
        assert!(decode(b"x%253Dy", true, &mut out));
        assert_eq!(out, b"x%3Dy");
        assert!(!decode(b"100%25", true, &mut out), "a lone `%` is no escape");
        assert_eq!(raw_pos(b"a%7Cb", 2), 4);
        assert_eq!(raw_pos(b"a%7Cb", 9), 5, "past the end");
    }

    #[test]
    fn vendor_tokens_in_an_encoded_value_mask_the_value() {
        assert_eq!(found("GET /search?q=1308742762612587%7CrhoK1cbv0DOU_RTX_87O4MkX7AI&page=2 HTTP/1.1"), [("1308742762612587%7CrhoK1cbv0DOU_RTX_87O4MkX7AI", "vendor_token")]);
        assert_eq!(
            found("GET /s?q=http%3A%2F%2Fhooks.slack.com%2Fservices%2FT024TTTTT%2FBBB72BBL%2FAZAAA9u0pA4ad666eMgbi555&page=2"),
            [("http%3A%2F%2Fhooks.slack.com%2Fservices%2FT024TTTTT%2FBBB72BBL%2FAZAAA9u0pA4ad666eMgbi555", "vendor_token")]
        );
    }

    #[test]
    fn a_secret_parameter_inside_an_encoded_url_masks_the_outer_value() {
        assert_eq!(found("GET /login?redirect_uri=https%3A%2F%2Fx.io%2Fcb%3Ftoken%3Dabc123&s=1"), [("https%3A%2F%2Fx.io%2Fcb%3Ftoken%3Dabc123", "token")]);
        // Encoded twice.
        assert_eq!(found("next=https%253A%252F%252Fx.io%252Fcb%253Ftoken%253Dabc123 ok"), [("https%253A%252F%252Fx.io%252Fcb%253Ftoken%253Dabc123", "token")]);
    }

    #[test]
    fn a_segment_without_a_name_goes_from_its_finding() {
        assert_eq!(found("GET /go/https%3A%2F%2Fbob%3As3cr3t9%40db.example%2Fx HTTP/1.1"), [("s3cr3t9%40db.example%2Fx", "password")]);
    }

    #[test]
    fn a_partial_finding_grows_to_the_whole_value() {
        // The pass alone takes only what follows the `%3D` (a random-looking run).
        let text = "GET /s?q=pscale_pw_cx4mtfk-lgt_l%3D4_l4aaarxjjwpkwai0&page=2";
        let mut spans = Vec::new();
        super::super::scan::find_all(text.as_bytes(), &mut spans, &mut ClassCache::default(), &mut Memo::default());
        assert_eq!(spans.iter().map(|s| &text[s.start..s.end]).collect::<Vec<_>>(), ["3D4_l4aaarxjjwpkwai0"]);
        // Decoded, the whole value is a PlanetScale token (its grammar holds `=`).
        assert_eq!(found(text), [("pscale_pw_cx4mtfk-lgt_l%3D4_l4aaarxjjwpkwai0", "vendor_token")]);
        // A piece the decoded value does not explain still takes the value with it.
        let text = "GET /s?q=%22%7Bacd3c08b%7D%22%3A%22%7BZqL5kVrX1n8tA2pLm9%7D%22&page=2";
        let mut spans = Vec::new();
        super::super::scan::find_all(text.as_bytes(), &mut spans, &mut ClassCache::default(), &mut Memo::default());
        assert!(!spans.is_empty(), "the pass finds a piece");
        assert_eq!(found(text).iter().map(|f| f.0).collect::<Vec<_>>(), ["%22%7Bacd3c08b%7D%22%3A%22%7BZqL5kVrX1n8tA2pLm9%7D%22"]);
    }

    #[test]
    fn checked_numbers_do_not_grow() {
        // Card track data: `%B4` is no escape, and the card ends where its digits do.
        assert_eq!(found("%B4111111111111111^DOE/JOHN^2512101?"), [("4111111111111111", "card")]);
        assert_eq!(found("GET /s?q=tfn%20876%20543%20210&page=2").len(), 1);
    }

    #[test]
    fn benign_encoded_values_stay() {
        for s in [
            "GET /search?q=hello%20world&page=2",
            "q=caf%C3%A9 path=%2Fvar%2Flog%2Fapp.log next=%2Fhome",
            "redirect_uri=https%3A%2F%2Fexample.com%2Fcallback&state=af0ifjsldkj",
            "ts=2024-01-02T03%3A04%3A05Z&sort=name%3Aasc",
            "100% done, 50%% left, %zz",
            "password=%DB_PASS% set",
        ] {
            assert_eq!(found(s), [], "{s}");
        }
    }

    #[test]
    fn joins_overlapping_spans() {
        let sp = |start, end| Span { start, end, kind: Kind::Token, rule: NO_RULE };
        let mut out = Vec::new();
        join(&[sp(0, 2), sp(5, 8), sp(20, 22)], &[sp(4, 10), sp(12, 14)], &mut out);
        assert_eq!(out.iter().map(|s| (s.start, s.end)).collect::<Vec<_>>(), [(0, 2), (4, 10), (12, 14), (20, 22)]);
    }
}
