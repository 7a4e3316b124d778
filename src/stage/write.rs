//! The last stage: write the record as one line of JSON, applying the stages' edits, escaping
//! every key and string (see [`super::escape`]) and cutting what is over a limit.
//!
//! Unchanged strings that need no attention are copied as they came; everything else is decoded,
//! escaped and encoded again, so the output is always valid UTF-8 JSON. Numbers a consumer could
//! not read exactly (beyond f64, integers beyond 2^53) are written as strings holding their
//! exact text.
//!
//! Every object's keys come out unique as a reader sees them (decoded), whatever made two equal:
//! a repeat, escaping (`"a\n"` and `"a\\n"` both read `a\n`), cutting to the key limit, a
//! rename or an added member. Names are taken in the order they are written; a name already
//! taken is written `name#k` with the smallest k >= 2 whose name is not taken at that point
//! (so `{"a":1,"a":2,"a#2":3}` becomes `a`, `a#2`, `a#2#2`), and the record is tagged
//! `duplicate_keys`. At the root, a name that reads like the reserved key (`logseal`) is
//! written `logseal_original` first (numbered the same way when that is taken), so nobody can
//! spoof logseal's own annotations. See [`super::names`] for the cost.

use super::context::Pass;
use super::escape::encode_visible;
use super::names::{Claim, Loc, Names};
use super::redact::keyname::normalize_into;
use crate::edits::{Edit, Edits};
use crate::json::string::decode;
use crate::json::{Kind, Token};
use crate::stage::notes::{tag, Notes, RENAMED_KEY, RESERVED_KEY};
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
struct Frame {
    array: bool,
    end: u32,
    count: u32,
    /// Objects: the object's token. Arrays: the key token the array belongs to (or NO_KEY).
    owner: u32,
}

/// The writer's buffers, reused from record to record: the open containers and the names
/// taken in each open object.
#[derive(Default)]
pub struct Buffers {
    frames: Vec<Frame>,
    names: Names,
}

impl Buffers {
    /// Steps the name checks took in the records written so far (tests of the cost).
    #[cfg(test)]
    pub fn name_steps(&self) -> u64 {
        self.names.steps
    }
}

/// Writes `{` and the record's members to `out`, without the closing brace, so the reserved
/// key can follow. Returns true when at least one member was written.
pub fn write_members(cx: &mut Pass, rules: Rules, bufs: &mut Buffers, out: &mut Vec<u8>) -> bool {
    let (rec, edits, notes, scratch) = (&cx.rec, &*cx.edits, &mut *cx.notes, &mut *cx.scratch);
    let Buffers { frames, names } = bufs;
    frames.clear();
    names.reset();
    out.push(b'{');
    let Some(root) = rec.tape.first() else { return false };
    frames.push(Frame { array: false, end: root.next, count: 0, owner: 0 });
    names.open();
    let mut i = 1usize;
    loop {
        // Close every container that ends here; the root stays open for the reserved key.
        while let Some(top) = frames.last().copied() {
            if (i as u32) < top.end {
                break;
            }
            if frames.len() == 1 {
                // Members a stage added go last, escaped and claimed like everything else.
                let mut count = top.count;
                for (name, value) in edits.appended() {
                    if count > 0 {
                        out.push(b',');
                    }
                    count += 1;
                    let mark = out.len();
                    write_name(name, rules.max_key_bytes, notes, out);
                    claim_name(names, true, mark, true, notes, scratch, out);
                    out.push(b':');
                    write_text(value, false, rules.max_string_bytes, notes, out);
                }
                return count > 0;
            }
            frames.pop();
            if top.array {
                out.push(b']');
            } else {
                names.close();
                out.push(b'}');
            }
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
            let mark = out.len();
            let (as_it_came, plain) = if let Edit::RenameKey { at, len } = edits.get(i) {
                // A renamed field stays multi-line by its source name.
                write_name(edits.text(at, len), rules.max_key_bytes, notes, out);
                (true, false)
            } else {
                // A name written differently from how it came (made visible, cut) does not
                // make its value a multi-line field: readers judge the name they see.
                write_key(rec, tok, rules, notes, scratch, out)
            };
            let changed = claim_name(names, tok.depth == 1, mark, !plain, notes, scratch, out);
            out.push(b':');
            i += 1;
            if as_it_came && !changed {
                i as u32 - 1
            } else {
                NO_KEY
            }
        } else {
            top.count += 1;
            top.owner // an array element belongs to its array's key
        };
        i = write_value(rec, i, value_key, edits, rules, notes, scratch, frames, names, out);
    }
}

/// Takes the name whose opening quote is at `out[mark]` (the body follows, the closing quote
/// does not yet) in the innermost object and closes its quote. At the root a name that reads
/// like the reserved key becomes [`RENAMED_KEY`]; a name already taken gets the smallest free
/// `#k`. `may_escape` is false when the body is known to hold no backslash. Returns true when
/// the name was changed.
#[inline(always)] // run for every key
fn claim_name(names: &mut Names, root: bool, mark: usize, may_escape: bool, notes: &mut Notes, scratch: &mut Scratch, out: &mut Vec<u8>) -> bool {
    let body = mark + 1;
    let mut loc = if may_escape { names.locate(out, body, &mut scratch.utf8) } else { Loc::Out { at: body as u32, len: out.len().saturating_sub(body) as u32 } };
    let reserved = root && names.text(loc, out) == RESERVED_KEY.as_bytes();
    if reserved {
        out.truncate(body);
        out.extend_from_slice(RENAMED_KEY.as_bytes());
        loc = Loc::Out { at: body as u32, len: RENAMED_KEY.len() as u32 };
    }
    let mut k = 1;
    if let Claim::Taken(holder) = names.claim(loc, out) {
        notes.tags |= tag::DUPLICATE_KEYS;
        // Each try either succeeds or meets a name taken earlier; the count kept per name
        // means no `name#k` is tried twice, so numbering stays linear in the object's names.
        k = names.next_k(holder);
        loop {
            let mut buf = [0u8; 11];
            let suffix = ordinal_suffix(k, &mut buf);
            let candidate = names.extend(loc, suffix, out);
            if names.claim(candidate, out) == Claim::Free {
                names.set_next_k(holder, k);
                break;
            }
            names.shorten(candidate, suffix.len(), out);
            k = k.saturating_add(1);
        }
    }
    if reserved && notes.renamed_reserved == 0 {
        notes.renamed_reserved = k;
    }
    out.push(b'"');
    reserved || k > 1
}

/// `#k` in `buf`.
fn ordinal_suffix(k: u32, buf: &mut [u8; 11]) -> &[u8] {
    let mut n = buf.len();
    let mut v = k;
    loop {
        n -= 1;
        buf[n] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 || n == 1 {
            break;
        }
    }
    n -= 1;
    buf[n] = b'#';
    &buf[n..]
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
    names: &mut Names,
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
            frames.push(Frame { array: false, end: tok.next, count: 0, owner: i as u32 });
            names.open();
        }
        Kind::Array => {
            out.push(b'[');
            frames.push(Frame { array: true, end: tok.next, count: 0, owner: key });
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

/// Writes a key's opening quote and body, escaped and cut to the key limit (the caller claims
/// the name and closes the quote). Returns (whether a reader sees the name as it came, whether
/// it was copied as it came: then its body holds no backslash).
#[inline(always)] // one call site, run for every key
fn write_key(rec: &Record, tok: &Token, rules: Rules, notes: &mut Notes, scratch: &mut Scratch, out: &mut Vec<u8>) -> (bool, bool) {
    let raw = tok.raw(rec.input);
    if tok.is_plain() && raw.len() <= rules.max_key_bytes {
        match tok.quoted(rec.input).and_then(|q| q.split_last()) {
            Some((_, open)) => out.extend_from_slice(open),
            None => {
                out.push(b'"');
                out.extend_from_slice(raw);
            }
        }
        return (true, true);
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
    if keep < text.len() {
        notes.cut.keys += 1;
        let _ = write!(out, "…[TRUNCATED:{} bytes]", text.len());
    }
    (!escaped.shown && keep == text.len(), false)
}

/// Writes the opening quote and body of a name a stage chose (a rename, an added member),
/// escaped and cut like a key; the caller claims it and closes the quote.
fn write_name(text: &[u8], limit: usize, notes: &mut Notes, out: &mut Vec<u8>) {
    let keep = floor_char_boundary(text, limit);
    out.push(b'"');
    if encode_visible(&text[..keep], false, out).hostile {
        notes.tags |= tag::INJECTION_ATTEMPT;
    }
    if keep < text.len() {
        notes.cut.keys += 1;
        let _ = write!(out, "…[TRUNCATED:{} bytes]", text.len());
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};
    use crate::stage::context::Context;
    use crate::stage::fields::Fields;
    use crate::stage::names::SMALL;

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
        let (fields, host, mut scratch) = (Fields::default(), Context::default(), Scratch::default());
        let mut cx = Pass { rec, fields: &fields, host: &host, edits: &mut edits, notes: &mut notes, scratch: &mut scratch };
        write_members(&mut cx, rules, &mut Buffers::default(), &mut out);
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
    fn names_equal_as_written_are_numbered_past_later_originals() {
        let (out, notes) = write(r##"{"a":1,"a":2,"a#2":3,"b\n":4,"b\\n":5,"logseal_original":6,"logseal":7}"##, 100);
        assert_eq!(out, r##"{"a":1,"a#2":2,"a#2#2":3,"b\\n":4,"b\\n#2":5,"logseal_original":6,"logseal_original#2":7}"##);
        assert_eq!(notes.tags, tag::DUPLICATE_KEYS | tag::INJECTION_ATTEMPT);
        assert_eq!(notes.renamed_reserved, 2);
        // Cut to the same 16 bytes: the marker holds the same length, the second is numbered.
        let (out, _) = write(r#"{"aaaaaaaaaaaaaaaaaaax":{"aaaaaaaaaaaaaaaaaaay":1,"aaaaaaaaaaaaaaaaaaaz":2},"aaaaaaaaaaaaaaaaaaay":3}"#, 100);
        assert_eq!(out, r##"{"aaaaaaaaaaaaaaaa…[TRUNCATED:20 bytes]":{"aaaaaaaaaaaaaaaa…[TRUNCATED:20 bytes]":1,"aaaaaaaaaaaaaaaa…[TRUNCATED:20 bytes]#2":2},"aaaaaaaaaaaaaaaa…[TRUNCATED:20 bytes]#2":3}"##);
    }

    /// Name-check steps for one record of `n` members named by `key`.
    fn name_steps(n: usize, key: &dyn Fn(usize) -> String) -> u64 {
        let members: Vec<String> = (0..n).map(|i| format!("\"{}\":1", key(i))).collect();
        let input = format!("{{{}}}", members.join(","));
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 4, max_fields: 100_000 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let mut edits = Edits::default();
        edits.reset(tape.len());
        let rules = Rules { max_string_bytes: 100, max_key_bytes: 16, multiline: &[] };
        let (mut walk, mut out) = (Buffers::default(), Vec::new());
        let (fields, host, mut scratch, mut notes) = (Fields::default(), Context::default(), Scratch::default(), Notes::default());
        let mut cx = Pass { rec, fields: &fields, host: &host, edits: &mut edits, notes: &mut notes, scratch: &mut scratch };
        write_members(&mut cx, rules, &mut walk, &mut out);
        out.push(b'}');
        let text = String::from_utf8(out).unwrap();
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v.as_object().unwrap().len(), n, "every member kept under its own name");
        walk.name_steps()
    }

    #[test]
    fn numbering_costs_a_bounded_number_of_steps_per_key() {
        let shapes: [(&str, &dyn Fn(usize) -> String); 5] = [
            ("distinct", &|i| format!("k{i}")),
            ("one name", &|_| "a".to_string()),
            ("names numbering meets", &|i| if i % 2 == 0 { "a".to_string() } else { format!("a#{}", i / 2 + 2) }),
            ("equal once cut", &|i| format!("cccccccccccccccccc{i}")),
            ("equal once made visible", &|i| if i % 2 == 0 { r"a\n".to_string() } else { r"a\\n".to_string() }),
        ];
        // Per claim: the small object's comparisons, two walks of at most 64 tree levels; a
        // numbered key claims once more per try, and the tries of an object are at most its
        // keys. So at most 3 claims per key, whatever the keys (a quadratic check would take
        // millions of steps here).
        let per_key = 3 * (SMALL as u64 + 2 * 64 + 1);
        for (shape, key) in shapes {
            for n in [3000, 6000] {
                let steps = name_steps(n, key);
                assert!(steps <= per_key * n as u64, "{shape}: {steps} steps for {n} keys");
            }
        }
    }

    #[test]
    fn unsafe_numbers_become_strings() {
        let (out, _) = write(r#"{"a":12345678901234567890,"b":1e999,"c":42}"#, 100);
        assert_eq!(out, r#"{"a":"12345678901234567890","b":"1e999","c":42}"#);
    }
}
