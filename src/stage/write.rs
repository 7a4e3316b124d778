//! The last stage: write the record as one line of JSON, applying the stages' edits, escaping
//! every key and string (see [`super::escape`]) and cutting what is over a limit.
//!
//! Unchanged strings that need no attention are copied as they came; everything else is decoded,
//! escaped and encoded again, so the output is always valid UTF-8 JSON. An incoming top-level
//! field named like the reserved key is renamed, so nobody can spoof logseal's own annotations.
//! A key repeated in one object is renamed `key#2`, `key#3`, ..., so every reader sees the same
//! fields. Numbers a consumer could not read exactly (beyond f64, integers beyond 2^53) are
//! written as strings holding their exact text.

use super::escape::encode_visible;
use super::redact::keyname::normalize_into;
use crate::edits::{Edit, Edits};
use crate::json::string::decode;
use crate::json::{Kind, Token};
use crate::notes::{tag, Notes, RENAMED_KEY, RESERVED_KEY};
use crate::record::{Record, Scratch};
use std::io::Write as _;

/// What a too-deep subtree is written as.
pub const CUT_DEPTH: &str = "[TRUNCATED:depth]";
const NO_KEY: u32 = u32::MAX;

/// The plan's settings the writer needs.
#[derive(Clone, Copy)]
pub struct Rules<'p> {
    pub max_string_bytes: usize,
    pub max_key_bytes: usize,
    /// Normalised names of multi-line fields.
    pub multiline: &'p [Vec<u8>],
}

/// Where the writer is inside a container.
#[derive(Clone, Copy)]
pub struct Frame {
    array: bool,
    end: u32,
    count: u32,
    /// Objects: the object's token. Arrays: the key token the array belongs to (or NO_KEY).
    owner: u32,
    /// Objects: a 64-bit filter of the keys seen, so duplicates cost a comparison only when
    /// two keys share a bit.
    seen: u64,
}

/// Writes `{` and the record's members to `out`, without the closing brace, so the reserved
/// key can follow. Returns true when at least one member was written.
pub fn write_members(
    rec: &Record,
    edits: &Edits,
    rules: Rules,
    notes: &mut Notes,
    scratch: &mut Scratch,
    frames: &mut Vec<Frame>,
    out: &mut Vec<u8>,
) -> bool {
    frames.clear();
    out.push(b'{');
    let Some(root) = rec.tape.first() else { return false };
    frames.push(Frame { array: false, end: root.next, count: 0, owner: 0, seen: 0 });
    let mut i = 1usize;
    loop {
        // Close every container that ends here; the root stays open for the reserved key.
        while let Some(top) = frames.last().copied() {
            if (i as u32) < top.end {
                break;
            }
            if frames.len() == 1 {
                // Members a stage added go last, escaped like everything else.
                let mut count = top.count;
                for (name, value) in edits.appended() {
                    if count > 0 {
                        out.push(b',');
                    }
                    count += 1;
                    write_text(name, false, rules.max_key_bytes, notes, out);
                    out.push(b':');
                    write_text(value, false, rules.max_string_bytes, notes, out);
                }
                return count > 0;
            }
            frames.pop();
            out.push(if top.array { b']' } else { b'}' });
        }
        let (Some(tok), Some(top)) = (rec.tape.get(i), frames.last_mut()) else {
            return false;
        };
        if top.count > 0 && edits.get(i) != Edit::DropMember {
            out.push(b',');
        }
        let value_key = if tok.kind == Kind::Key {
            if edits.get(i) == Edit::DropMember {
                i = rec.tape.get(i + 1).map_or(i + 2, |v| v.next as usize);
                continue;
            }
            top.count += 1;
            let ordinal = duplicate_ordinal(rec, top, i, scratch);
            if ordinal > 1 {
                notes.tags |= tag::DUPLICATE_KEYS;
            }
            let mut altered = false;
            if let Edit::RenameKey { at, len } = edits.get(i) {
                write_text(edits.text(at, len), false, rules.max_key_bytes, notes, out);
            } else if tok.depth == 1 && rec.key_is(tok, RESERVED_KEY.as_bytes(), scratch) {
                notes.renamed_reserved = true;
                out.push(b'"');
                out.extend_from_slice(RENAMED_KEY.as_bytes());
                out.push(b'"');
            } else if !write_key(rec, tok, ordinal, rules, notes, scratch, out) {
                // A name written differently from how it came (made visible, cut, numbered)
                // does not make its value a multi-line field: readers judge the name they see.
                altered = true;
            }
            out.push(b':');
            i += 1;
            if altered {
                NO_KEY
            } else {
                i as u32 - 1
            }
        } else {
            top.count += 1;
            top.owner // an array element belongs to its array's key
        };
        i = write_value(rec, i, value_key, edits, rules, notes, scratch, frames, out);
    }
}

/// Writes the value at `i`, whose governing key token is `key`; returns the next token to visit.
#[allow(clippy::too_many_arguments)]
#[inline(always)] // one call site, run for every value: no call overhead
fn write_value(
    rec: &Record,
    i: usize,
    key: u32,
    edits: &Edits,
    rules: Rules,
    notes: &mut Notes,
    scratch: &mut Scratch,
    frames: &mut Vec<Frame>,
    out: &mut Vec<u8>,
) -> usize {
    let Some(tok) = rec.tape.get(i) else { return i + 1 };
    match edits.get(i) {
        Edit::ReplaceStr { at, len } => {
            let text = edits.text(at, len);
            // Only LF and TAB are written differently in a multi-line field.
            let multiline = memchr::memchr2(b'\n', b'\t', text).is_some() && is_multiline(rec, key, rules, scratch);
            write_text(text, multiline, rules.max_string_bytes, notes, out);
            return tok.next as usize;
        }
        Edit::ReplaceJson { at, len } => {
            out.extend_from_slice(edits.text(at, len));
            return tok.next as usize;
        }
        _ => {}
    }
    match tok.kind {
        Kind::Object => {
            out.push(b'{');
            frames.push(Frame { array: false, end: tok.next, count: 0, owner: i as u32, seen: 0 });
        }
        Kind::Array => {
            out.push(b'[');
            frames.push(Frame { array: true, end: tok.next, count: 0, owner: key, seen: 0 });
        }
        Kind::Str | Kind::Key => {
            let raw = tok.raw(rec.input);
            if tok.is_plain() && raw.len() <= rules.max_string_bytes {
                write_quoted(rec, tok, raw, out);
            } else {
                // LF and TAB arrive raw or escaped (`\n`, `\u0009`).
                let multiline = memchr::memchr3(b'\n', b'\t', b'\\', raw).is_some() && is_multiline(rec, key, rules, scratch);
                scratch.text.clear();
                decode(raw, tok.flags, &mut scratch.text, &mut scratch.utf8);
                write_text(&scratch.text, multiline, rules.max_string_bytes, notes, out);
            }
        }
        Kind::Num if tok.flags & crate::json::flag::UNSAFE_NUMBER != 0 => {
            out.push(b'"');
            out.extend_from_slice(tok.raw(rec.input));
            out.push(b'"');
        }
        Kind::Num | Kind::True | Kind::False | Kind::Null => out.extend_from_slice(tok.raw(rec.input)),
        Kind::Cut => {
            out.push(b'"');
            out.extend_from_slice(CUT_DEPTH.as_bytes());
            out.push(b'"');
        }
    }
    i + 1
}

/// Writes a key, escaped and cut to the key limit, with `#N` when it repeats in its object.
/// Returns true when a reader sees the name as it came (nothing made visible, cut or numbered).
#[inline(always)] // one call site, run for every key
fn write_key(rec: &Record, tok: &Token, ordinal: u32, rules: Rules, notes: &mut Notes, scratch: &mut Scratch, out: &mut Vec<u8>) -> bool {
    let raw = tok.raw(rec.input);
    if tok.is_plain() && raw.len() <= rules.max_key_bytes && ordinal <= 1 {
        write_quoted(rec, tok, raw, out);
        return true;
    }
    scratch.text.clear();
    decode(raw, tok.flags, &mut scratch.text, &mut scratch.utf8);
    let text = &scratch.text;
    let keep = floor_char_boundary(text, rules.max_key_bytes);
    out.push(b'"');
    let escaped = encode_visible(&text[..keep], false, out);
    if escaped.hostile {
        notes.tags |= tag::INJECTION_ATTEMPT;
    }
    let as_it_came = !escaped.shown && keep == text.len() && ordinal <= 1;
    if keep < text.len() {
        notes.cut.keys += 1;
        let _ = write!(out, "…[TRUNCATED:{} bytes]", text.len());
    }
    if ordinal > 1 {
        let _ = write!(out, "#{ordinal}");
    }
    out.push(b'"');
    as_it_came
}

/// Writes a plain string or key token as it came, quotes included.
#[inline(always)]
fn write_quoted(rec: &Record, tok: &Token, raw: &[u8], out: &mut Vec<u8>) {
    match tok.quoted(rec.input) {
        Some(quoted) => out.extend_from_slice(quoted),
        None => {
            out.push(b'"');
            out.extend_from_slice(raw);
            out.push(b'"');
        }
    }
}

/// Writes decoded text as an escaped JSON string, cut to `limit` bytes with a marker that
/// states the original length.
fn write_text(text: &[u8], multiline: bool, limit: usize, notes: &mut Notes, out: &mut Vec<u8>) {
    let mut keep = floor_char_boundary(text, limit);
    if keep < text.len() {
        // A cut never falls inside an inline encryption envelope: it goes whole or not at all.
        keep = crate::stage::encrypt::cut_outside_inline(text, keep);
    }
    out.push(b'"');
    if encode_visible(&text[..keep], multiline, out).hostile {
        notes.tags |= tag::INJECTION_ATTEMPT;
    }
    if keep < text.len() {
        notes.cut.strings += 1;
        let _ = write!(out, "…[TRUNCATED:{} bytes]", text.len());
    }
    out.push(b'"');
}

/// The largest `n <= limit` that falls on a character boundary of UTF-8 `text`.
fn floor_char_boundary(text: &[u8], limit: usize) -> usize {
    if text.len() <= limit {
        return text.len();
    }
    let mut n = limit;
    while n > 0 && text.get(n).is_some_and(|&b| b & 0xC0 == 0x80) {
        n -= 1;
    }
    n
}

/// True when the key token `key` names a multi-line field.
fn is_multiline(rec: &Record, key: u32, rules: Rules, scratch: &mut Scratch) -> bool {
    let Some(tok) = rec.tape.get(key as usize).filter(|_| key != NO_KEY && !rules.multiline.is_empty()) else {
        return false;
    };
    scratch.key.clear();
    let mut name = std::mem::take(&mut scratch.key);
    normalize_into(rec.text(tok, scratch), &mut name);
    let hit = rules.multiline.contains(&name);
    scratch.key = name;
    hit
}

/// 1 for the first occurrence of key `i` in its object, 2 for the second, and so on.
#[inline(always)] // one call site, run for every key
fn duplicate_ordinal(rec: &Record, object: &mut Frame, i: usize, scratch: &mut Scratch) -> u32 {
    let Some(tok) = rec.tape.get(i) else { return 1 };
    let bit = {
        let text = rec.text(tok, scratch);
        let (first, last) = (text.first().copied().unwrap_or(0) as u64, text.last().copied().unwrap_or(0) as u64);
        1u64 << ((text.len() as u64 * 7 + first * 3 + last) & 63)
    };
    if object.seen & bit == 0 {
        object.seen |= bit;
        return 1;
    }
    // Two keys share a bit: compare this key with every earlier key of the object.
    let mut name = std::mem::take(&mut scratch.key);
    name.clear();
    name.extend_from_slice(rec.text(tok, scratch));
    let mut ordinal = 1;
    let mut k = object.owner as usize + 1;
    while k < i {
        let Some(earlier) = rec.tape.get(k) else { break };
        if rec.text(earlier, scratch) == name.as_slice() {
            ordinal += 1;
        }
        k = rec.tape.get(k + 1).map_or(i, |v| v.next as usize);
    }
    scratch.key = name;
    ordinal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    const MULTI: &[&[u8]] = &[b"stacktrace"];

    fn write(input: &str, max_string: usize) -> (String, Notes) {
        let mut tape = Vec::new();
        let report = scan(input.as_bytes(), ScanLimits { max_depth: 4, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let mut edits = Edits::default();
        edits.reset(tape.len());
        let multiline: Vec<Vec<u8>> = MULTI.iter().map(|m| m.to_vec()).collect();
        let rules = Rules { max_string_bytes: max_string, max_key_bytes: 16, multiline: &multiline };
        let mut notes = Notes::default();
        notes.cut.depth = report.cut_depth;
        let mut out = Vec::new();
        write_members(&rec, &edits, rules, &mut notes, &mut Scratch::default(), &mut Vec::new(), &mut out);
        out.push(b'}');
        (String::from_utf8(out).expect("UTF-8"), notes)
    }

    #[test]
    fn plain_records_are_copied_compactly() {
        let (out, notes) = write(r#"{ "a" : [1, true, null, {"b": "c"}], "d": -2.5e3 }"#, 100);
        assert_eq!(out, r#"{"a":[1,true,null,{"b":"c"}],"d":-2.5e3}"#);
        assert_eq!(notes.tags, 0);
    }

    #[test]
    fn hostile_strings_and_keys_are_escaped_and_tagged() {
        let (out, notes) = write(r#"{"msg":"a\nb","k\u001b[2J":"${jndi:x}","u":"x\u202ey"}"#, 100);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["msg"], r"a\nb");
        assert_eq!(v[r"k\x1b[2J"], r"$\{jndi:x}");
        assert_eq!(v["u"], r"x\u202ey");
        assert_eq!(notes.tags, tag::INJECTION_ATTEMPT);
    }

    #[test]
    fn multiline_fields_keep_line_breaks_also_in_arrays() {
        let (out, notes) = write(r#"{"stack_trace":"at a\n\tat b","StackTrace":["x\ny"],"other":"x\ny"}"#, 100);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["stack_trace"], "at a\n\tat b");
        assert_eq!(v["StackTrace"][0], "x\ny");
        assert_eq!(v["other"], r"x\ny");
        assert_eq!(notes.tags, tag::INJECTION_ATTEMPT);
    }

    #[test]
    fn only_names_written_as_they_came_make_a_field_multiline() {
        // Made visible (a NUL), cut by the key limit (16 here), numbered as a repeat: the
        // reader sees another name, so line breaks are made visible like anywhere else.
        let input = r#"{"stack\u0000trace":"a\nb","s_t_a_c_k_t_r_a_c_e":"a\nb","stacktrace":"a\nb","stacktrace":["a\nb"]}"#;
        let (out, _) = write(input, 100);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v[r"stack\x00trace"], r"a\nb");
        assert_eq!(v["s_t_a_c_k_t_r_a_…[TRUNCATED:19 bytes]"], r"a\nb");
        assert_eq!(v["stacktrace"], "a\nb");
        assert_eq!(v["stacktrace#2"][0], r"a\nb");
    }

    #[test]
    fn long_strings_and_keys_are_cut_on_character_boundaries_with_their_length() {
        let (out, notes) = write(r#"{"s":"ééééééééé","this_key_is_far_too_long":1}"#, 9);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["s"], "éééé…[TRUNCATED:18 bytes]");
        assert!(v.get("this_key_is_far_…[TRUNCATED:24 bytes]").is_some(), "{out}");
        assert_eq!((notes.cut.strings, notes.cut.keys), (1, 1));
    }

    #[test]
    fn too_deep_subtrees_are_written_as_a_marker() {
        let (out, notes) = write(r#"{"a":{"b":{"c":{"d":{"e":1}}}},"z":1}"#, 100);
        // Limit 4: the root, a, b and c's objects fit; d's object is level 5.
        assert_eq!(out, r#"{"a":{"b":{"c":{"d":"[TRUNCATED:depth]"}}},"z":1}"#);
        assert_eq!(notes.cut.depth, 1);
    }

    #[test]
    fn repeated_keys_are_renamed_in_order_even_when_escaped() {
        let (out, notes) = write(r#"{"user":"a","x":{"user":"n"},"user":"b","us\u0065r":"c"}"#, 100);
        assert_eq!(out, r##"{"user":"a","x":{"user":"n"},"user#2":"b","user#3":"c"}"##);
        assert_eq!(notes.tags, tag::DUPLICATE_KEYS);
        let many: String = (0..64).map(|i| format!("\"k{i}\":{i},")).collect();
        let (out, notes) = write(&format!("{{{many}\"z\":0}}"), 100);
        assert_eq!(notes.tags, 0, "distinct keys sharing filter bits are not duplicates: {out}");
    }

    #[test]
    fn unsafe_numbers_become_strings() {
        let (out, _) = write(r#"{"a":12345678901234567890,"b":1e999,"c":42}"#, 100);
        assert_eq!(out, r#"{"a":"12345678901234567890","b":"1e999","c":42}"#);
    }
}
