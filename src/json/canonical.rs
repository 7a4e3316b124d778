//! The canonical form of a JSON record: what a seal's MAC covers.
//!
//! Two spellings of the same record have the same canonical form, so records still verify after
//! a shipper parses and re-serialises them:
//! - object members are sorted by the UTF-8 bytes of their decoded names; no white space;
//! - strings are decoded, then written with only `"`, `\` and control characters escaped
//!   (`\u00XX`, lower-case hex), everything else as raw UTF-8; invalid UTF-8 stays as it came
//!   and a lone surrogate escape becomes its generalised UTF-8 bytes, never U+FFFD, so text
//!   that is not Unicode cannot take the place of text that is (logseal writes neither);
//! - numbers are spelt by their exact decimal value ([`super::number::canonical`]): integers
//!   below 2^53 as integers (`1.0` -> `1`, `-0` stays `-0`), others in exponent form without
//!   leading or trailing zeros (`0.50` -> `5e-1`). Not via f64: `10` and
//!   `10.0000000000000000001` are one f64 but not one value for an exact reader, so they
//!   must not share a form. logseal writes as strings every number an f64 reader would write
//!   back with another value ([`super::number::needs_quotes`]), so a shipper that re-prints
//!   what logseal wrote (`0.10` as `0.1`, `5` as `5.0`) keeps the exact value and the seal.
//!
//! The walk is iterative (an explicit stack), so deep records cannot overflow the host's stack.

use super::string::decode_exact;
use super::tape::{flag, Kind, Token};

/// String flags under which the raw text differs from its canonical form.
const NOT_CANONICAL: u8 = flag::ESCAPED | flag::CONTROL | flag::BAD_UTF8 | flag::RAW_TEXT;

/// A member's name start saying the name is its key token's raw text (see [`Canon`]).
const RAW: u32 = u32::MAX;

/// The decoded name of member `m`: its raw text in `input`, or its decoded copy in `keys`.
fn member_name<'a>(m: &(u32, u32, u32, u64), keys: &'a [u8], input: &'a [u8], tape: &[Token]) -> &'a [u8] {
    if m.1 == RAW {
        tape.get(m.0 as usize).map_or(&[], |t| t.raw(input))
    } else {
        keys.get(m.1 as usize..m.2 as usize).unwrap_or(&[])
    }
}

/// Reusable buffers for [`write`]: after warm-up a canonical form allocates nothing.
#[derive(Default)]
pub struct Canon {
    /// Included members of the objects being written, innermost last:
    /// (key token, start and end of the decoded key in `keys` or [`RAW`] when the name is the
    /// key's raw text in the input (no escape: nothing to decode or copy), the key's first 8
    /// bytes big-endian, zero-padded: most names are ordered by it without a byte comparison).
    members: Vec<(u32, u32, u32, u64)>,
    /// Decoded key text of the objects being written.
    keys: Vec<u8>,
    frames: Vec<Frame>,
    text: Vec<u8>,
}

#[derive(Clone, Copy)]
enum Frame {
    /// Writing an object's members `members[at..end]`; `first` and `keys_len` restore the
    /// buffers when it closes.
    Object { first: usize, at: usize, end: usize, keys_len: usize },
    /// Writing an array's elements from token `at` up to token `end`.
    Array { at: u32, end: u32 },
}

/// Appends the canonical form of the object at `tape[0]` over `input` to `out`.
///
/// `include(key_token, name)` decides for each object member (by the index of its key token
/// and its decoded name) whether it is part of the form: the seal leaves out uncovered root
/// members and the MAC itself.
///
/// ```
/// use logseal::json::{scan, ScanLimits, canonical::{write, Canon}};
/// let limits = ScanLimits { max_depth: 64, max_fields: 1000 };
/// let (mut tape, mut stack, mut canon) = (Vec::new(), Vec::new(), Canon::default());
/// let record = br#"{"b": [1.0, -0, 2.5e1], "a": "\u00e9\/", "c": {"y": null, "x": true}}"#;
/// scan(record, limits, &mut tape, &mut stack).unwrap();
/// let mut out = Vec::new();
/// write(record, &tape, &mut canon, |_, _| true, &mut out);
/// assert_eq!(std::str::from_utf8(&out).unwrap(), r#"{"a":"é/","b":[1,-0,25],"c":{"x":true,"y":null}}"#);
/// ```
pub fn write(input: &[u8], tape: &[Token], canon: &mut Canon, include: impl FnMut(usize, &[u8]) -> bool, out: &mut Vec<u8>) {
    write_object(input, tape, 0, canon, include, out)
}

/// Like [`write`], for the object at `tape[at]` (a seal inside a record, say).
pub fn write_object(
    input: &[u8],
    tape: &[Token],
    at: usize,
    canon: &mut Canon,
    mut include: impl FnMut(usize, &[u8]) -> bool,
    out: &mut Vec<u8>,
) {
    canon.members.clear();
    canon.keys.clear();
    canon.frames.clear();
    match tape.get(at) {
        Some(root) if root.kind == Kind::Object => {}
        _ => return,
    }
    open_object(input, tape, at, canon, &mut include);
    out.push(b'{');
    let mut first = true;
    while let Some(frame) = canon.frames.last_mut() {
        let value = match frame {
            Frame::Object { first: f, at, end, keys_len } => {
                if *at == *end {
                    let (f, keys_len) = (*f, *keys_len);
                    canon.frames.pop();
                    canon.members.truncate(f);
                    canon.keys.truncate(keys_len);
                    out.push(b'}');
                    first = false;
                    continue;
                }
                let Some(member) = canon.members.get(*at) else { return };
                let key = member.0;
                *at += 1;
                if !first {
                    out.push(b',');
                }
                let name = member_name(member, &canon.keys, input, tape);
                match tape.get(key as usize) {
                    // As for values: a name without escapes or controls is canonical as it is.
                    Some(t) if t.flags & NOT_CANONICAL == 0 => {
                        out.push(b'"');
                        out.extend_from_slice(name);
                        out.push(b'"');
                    }
                    _ => string(name, out),
                }
                out.push(b':');
                key as usize + 1
            }
            Frame::Array { at, end } => {
                if *at >= *end {
                    canon.frames.pop();
                    out.push(b']');
                    first = false;
                    continue;
                }
                let i = *at as usize;
                *at = tape.get(i).map_or(*end, |t| t.next);
                if !first {
                    out.push(b',');
                }
                i
            }
        };
        first = false;
        let Some(tok) = tape.get(value) else { return };
        match tok.kind {
            Kind::Object => {
                open_object(input, tape, value, canon, &mut include);
                out.push(b'{');
                first = true;
            }
            Kind::Array => {
                canon.frames.push(Frame::Array { at: value as u32 + 1, end: tok.next });
                out.push(b'[');
                first = true;
            }
            Kind::Str => token_string(input, tok, &mut canon.text, out),
            Kind::Num => super::number::canonical(tok.raw(input), out),
            Kind::True => out.extend_from_slice(b"true"),
            Kind::False => out.extend_from_slice(b"false"),
            Kind::Null | Kind::Cut | Kind::Key => out.extend_from_slice(b"null"),
        }
    }
}

/// Pushes a frame for the object at `tape[obj]` holding its included members, sorted.
fn open_object(input: &[u8], tape: &[Token], obj: usize, canon: &mut Canon, include: &mut impl FnMut(usize, &[u8]) -> bool) {
    let Some(o) = tape.get(obj) else { return };
    let keys_len = canon.keys.len();
    let first = canon.members.len();
    let mut i = obj + 1;
    while i < o.next as usize {
        let Some(k) = tape.get(i) else { break };
        // A name without escapes decodes to its raw text: read it in place, uncopied.
        let raw = k.flags & flag::RAW_TEXT != 0 || k.flags & flag::ESCAPED == 0;
        let start = canon.keys.len();
        if !raw {
            decode_exact(k.raw(input), k.flags, &mut canon.keys);
        }
        let name = if raw { k.raw(input) } else { canon.keys.get(start..).unwrap_or(&[]) };
        if include(i, name) {
            let mut prefix = [0u8; 8];
            for (p, b) in prefix.iter_mut().zip(name) {
                *p = *b;
            }
            let (s, e) = if raw { (RAW, 0) } else { (start as u32, canon.keys.len() as u32) };
            canon.members.push((i as u32, s, e, u64::from_be_bytes(prefix)));
        } else {
            canon.keys.truncate(start);
        }
        i = tape.get(i + 1).map_or(o.next as usize, |v| v.next as usize);
    }
    let Canon { members, keys, .. } = canon;
    // Ties (duplicate names, which logseal never writes) fall back to input order.
    // Byte order of names: a differing zero-padded 8-byte prefix decides it (a shorter name
    // pads with zeros below any byte it lacks, or ties and the full names decide).
    members[first..].sort_unstable_by(|a, b| {
        a.3.cmp(&b.3).then_with(|| member_name(a, keys, input, tape).cmp(member_name(b, keys, input, tape))).then(a.0.cmp(&b.0))
    });
    canon.frames.push(Frame::Object { first, at: first, end: canon.members.len(), keys_len });
}

/// Appends the canonical form of string or key token `tok`. Without an escape, a control or
/// invalid UTF-8 the raw text is already canonical and is copied; otherwise it is decoded
/// into `text` and written. Invalid UTF-8 and lone surrogates are not repaired
/// ([`decode_exact`]): their form differs from that of every valid text, U+FFFD included.
pub fn token_string(input: &[u8], tok: &Token, text: &mut Vec<u8>, out: &mut Vec<u8>) {
    if tok.flags & NOT_CANONICAL == 0 {
        out.push(b'"');
        out.extend_from_slice(tok.raw(input));
        out.push(b'"');
    } else {
        text.clear();
        decode_exact(tok.raw(input), tok.flags, text);
        string(text, out);
    }
}

/// Appends decoded text as a canonical JSON string.
pub fn string(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    let mut run = 0;
    for (i, &b) in text.iter().enumerate() {
        if b >= 0x20 && b != b'"' && b != b'\\' {
            continue;
        }
        out.extend_from_slice(&text[run..i]);
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
            }
        }
        run = i + 1;
    }
    out.extend_from_slice(&text[run..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn canonical(record: &str) -> String {
        let limits = ScanLimits { max_depth: 64, max_fields: 10_000 };
        let (mut tape, mut stack) = (Vec::new(), Vec::new());
        scan(record.as_bytes(), limits, &mut tape, &mut stack).expect("valid JSON");
        let mut out = Vec::new();
        write(record.as_bytes(), &tape, &mut Canon::default(), |_, _| true, &mut out);
        String::from_utf8(out).expect("canonical form is UTF-8")
    }

    #[test]
    fn key_order_white_space_and_escapes_do_not_matter() {
        let a = canonical(r#"{"b":{"y":1,"x":[true,false,null]},"a":"caf\u00e9 \/ \"q\""}"#);
        let b = canonical("{ \"a\" : \"café / \\\"q\\\"\",\n \"b\" : { \"x\" : [ true , false , null ] , \"y\" : 1 } }");
        assert_eq!(a, b);
        assert_eq!(a, r#"{"a":"café / \"q\"","b":{"x":[true,false,null],"y":1}}"#);
    }

    #[test]
    fn names_read_in_place_and_decoded_names_sort_together() {
        assert_eq!(canonical(r#"{"\u0062":1,"a":2,"c\u0000":3,"c":4,"ab\/":5}"#), r#"{"a":2,"ab/":5,"b":1,"c":4,"c\u0000":3}"#);
    }

    #[test]
    fn numbers_are_spelt_by_their_exact_value() {
        assert_eq!(canonical(r#"{"n":[1,1.0,1e0,10E-1,0,0.0]}"#), r#"{"n":[1,1,1,1,0,0]}"#);
        assert_eq!(canonical(r#"{"n":[0.1,0.10,1.5,1e300,-2.5e-7]}"#), r#"{"n":[1e-1,1e-1,1.5e0,1e300,-2.5e-7]}"#);
        assert_eq!(canonical(r#"{"n":9007199254740991}"#), r#"{"n":9007199254740991}"#);
        // One f64, other exact values: an arbitrary-precision reader would see the change.
        assert_ne!(canonical(r#"{"amount":10.0000000000000000001}"#), canonical(r#"{"amount":10}"#));
        assert_ne!(canonical(r#"{"n":0.10000000000000001}"#), canonical(r#"{"n":0.1}"#));
        assert_ne!(canonical(r#"{"n":-0}"#), canonical(r#"{"n":0}"#));
    }

    #[test]
    fn strings_escape_only_what_json_requires() {
        assert_eq!(canonical(r#"{"s":"a\tb\u0001\\ \u2028"}"#), "{\"s\":\"a\\u0009b\\u0001\\\\ \u{2028}\"}");
    }

    /// Bytes through the same scan and form as a sealed record (raw bytes allowed).
    fn canonical_bytes(record: &[u8]) -> Vec<u8> {
        let limits = ScanLimits { max_depth: 64, max_fields: 10_000 };
        let (mut tape, mut stack) = (Vec::new(), Vec::new());
        scan(record, limits, &mut tape, &mut stack).expect("scans");
        let mut out = Vec::new();
        write(record, &tape, &mut Canon::default(), |_, _| true, &mut out);
        out
    }

    #[test]
    fn text_that_is_not_unicode_never_takes_the_form_of_text_that_is() {
        let genuine = canonical_bytes("{\"s\":\"\u{FFFD}\",\"\u{FFFD}\":1}".as_bytes());
        let escaped = canonical_bytes(br#"{"s":"\ufffd","\ufffd":1}"#);
        assert_eq!(genuine, escaped);
        for forged in [
            &br#"{"s":"\ud800","\ufffd":1}"#[..],
            br#"{"s":"\udfff","\ufffd":1}"#,
            b"{\"s\":\"\xff\",\"\xef\xbf\xbd\":1}",
            b"{\"s\":\"\xef\xbf\xbd\",\"\xff\":1}",
            b"{\"s\":\"\xed\xa0\x80\",\"\xef\xbf\xbd\":1}",
        ] {
            let form = canonical_bytes(forged);
            assert_ne!(form, genuine, "{}", String::from_utf8_lossy(forged));
            assert!(std::str::from_utf8(&form).is_err(), "the form of invalid text is not UTF-8");
        }
        // A paired surrogate escape is a character like any other.
        assert_eq!(canonical_bytes(br#"{"s":"\ud83d\ude00"}"#), canonical_bytes("{\"s\":\"😀\"}".as_bytes()));
    }

    #[test]
    fn a_changed_value_or_name_changes_the_form() {
        let base = canonical(r#"{"a":{"b":[1,2]}}"#);
        for other in [r#"{"a":{"b":[2,1]}}"#, r#"{"a":{"c":[1,2]}}"#, r#"{"a":{"b":[1,2,null]}}"#, r#"{"a":{"b":"[1,2]"}}"#] {
            assert_ne!(canonical(other), base, "{other}");
        }
    }

    #[test]
    fn include_leaves_members_out_and_buffers_are_reused() {
        let record = r#"{"z":1,"date":2,"o":{"mac":"x","k":[{"mac":1}]}}"#;
        let limits = ScanLimits { max_depth: 64, max_fields: 100 };
        let (mut tape, mut stack) = (Vec::new(), Vec::new());
        scan(record.as_bytes(), limits, &mut tape, &mut stack).unwrap();
        let mut canon = Canon::default();
        // Leave out the root member `date` and the first `mac` (key token 7) only.
        let mut out = Vec::new();
        write(record.as_bytes(), &tape, &mut canon, |i, name| name != b"date" && i != 7, &mut out);
        assert_eq!(String::from_utf8(out).unwrap(), r#"{"o":{"k":[{"mac":1}]},"z":1}"#);
        let mut again = Vec::new();
        write(record.as_bytes(), &tape, &mut canon, |_, _| true, &mut again);
        assert_eq!(String::from_utf8(again).unwrap(), r#"{"date":2,"o":{"k":[{"mac":1}],"mac":"x"},"z":1}"#);
    }
}
