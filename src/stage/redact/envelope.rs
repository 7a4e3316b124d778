//! What goes into an envelope when a value is encrypted whole: the value as the detectors and
//! key rules left it (their edits on its strings and members applied), as compact JSON. So an
//! envelope never holds a secret the policy masks; only what the policy chose to encrypt.

use crate::edits::{Edit, Edits};
use crate::json::string::{decode, encode_body};
use crate::json::Kind;
use crate::record::Record;
use crate::stage::write::CUT_DEPTH;

/// Appends the value at token `v` of `rec`, with `edits` applied, to `out` as JSON text.
/// `text` and `scratch` are decoding buffers; `frames` holds (end, is array, members written)
/// of the containers open, reused across calls.
pub fn redacted_json(rec: &Record, edits: &Edits, v: usize, text: &mut Vec<u8>, scratch: &mut Vec<u8>, frames: &mut Vec<(u32, bool, u32)>, out: &mut Vec<u8>) {
    frames.clear();
    let Some(first) = rec.tape.get(v) else {
        out.extend_from_slice(b"null");
        return;
    };
    let end = first.next as usize;
    let mut i = v;
    loop {
        while let Some(&(e, array, _)) = frames.last() {
            if i < e as usize {
                break;
            }
            frames.pop();
            out.push(if array { b']' } else { b'}' });
        }
        if i >= end {
            break;
        }
        let Some(tok) = rec.tape.get(i) else { break };
        if tok.kind == Kind::Key && edits.get(i) == Edit::DropMember {
            i = rec.tape.get(i + 1).map_or(i + 2, |val| val.next as usize).max(i + 2);
            continue;
        }
        if let Some(top) = frames.last_mut() {
            if top.2 > 0 {
                out.push(b',');
            }
            top.2 += 1;
        }
        let at = if tok.kind == Kind::Key {
            match edits.get(i) {
                Edit::RenameKey { at, len } => quoted(edits.text(at, len), out),
                _ => string(rec, tok, text, scratch, out),
            }
            out.push(b':');
            i + 1
        } else {
            i
        };
        let Some(val) = rec.tape.get(at) else { break };
        let next = match edits.get(at) {
            Edit::ReplaceStr { at: a, len } => {
                quoted(edits.text(a, len), out);
                val.next as usize
            }
            Edit::ReplaceJson { at: a, len } => {
                out.extend_from_slice(edits.text(a, len));
                val.next as usize
            }
            _ => match val.kind {
                Kind::Object | Kind::Array => {
                    out.push(if val.kind == Kind::Array { b'[' } else { b'{' });
                    frames.push((val.next, val.kind == Kind::Array, 0));
                    at + 1
                }
                Kind::Str | Kind::Key => {
                    string(rec, val, text, scratch, out);
                    val.next as usize
                }
                Kind::Cut => {
                    quoted(CUT_DEPTH.as_bytes(), out);
                    val.next as usize
                }
                Kind::Num | Kind::True | Kind::False | Kind::Null => {
                    out.extend_from_slice(val.raw(rec.input));
                    val.next as usize
                }
            },
        };
        i = next.max(at + 1);
    }
}

/// Writes a string or key token as a JSON string: as it came when plain, else decoded and
/// encoded again (escapes normalised, invalid UTF-8 replaced), so the text is valid JSON.
fn string(rec: &Record, tok: &crate::json::Token, text: &mut Vec<u8>, scratch: &mut Vec<u8>, out: &mut Vec<u8>) {
    if tok.is_plain() {
        if let Some(q) = tok.quoted(rec.input) {
            out.extend_from_slice(q);
            return;
        }
    }
    text.clear();
    decode(tok.raw(rec.input), tok.flags, text, scratch);
    quoted(text, out);
}

fn quoted(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    encode_body(text, out);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn json(input: &str, edit: impl FnOnce(&[crate::json::Token], &mut Edits), v: usize) -> String {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 3, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let mut edits = Edits::default();
        edits.reset(tape.len());
        edit(&tape, &mut edits);
        let mut out = Vec::new();
        redacted_json(&rec, &edits, v, &mut Vec::new(), &mut Vec::new(), &mut Vec::new(), &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_subtree_is_written_with_its_edits_applied() {
        // Tokens: 0 root, 1 "a", 2 {, 3 "p", 4 "x", 5 "q", 6 [, 7 "s", 8 2, 9 "r", 10 true.
        let input = r#"{"a":{"p":"x","q":["s\n",2],"r":true,"d":{"e":{"f":1}}},"z":1}"#;
        let out = json(input, |_, e| {
            e.replace_str(4, "[REDACTED:password]");
            e.drop_member(9);
        }, 2);
        assert_eq!(out, r#"{"p":"[REDACTED:password]","q":["s\n",2],"d":{"e":"[TRUNCATED:depth]"}}"#);
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
        assert_eq!(json(input, |_, e| e.rename_key(3, "pw"), 2), r#"{"pw":"x","q":["s\n",2],"r":true,"d":{"e":"[TRUNCATED:depth]"}}"#);
        // A scalar, plain, replaced, or escaped.
        assert_eq!(json(r#"{"n":-1.5e3}"#, |_, _| {}, 2), "-1.5e3");
        assert_eq!(json(r#"{"s":"a\u0041"}"#, |_, _| {}, 2), r#""aA""#);
        assert_eq!(json(r#"{"s":"a"}"#, |_, e| e.replace_str(2, "b\"c"), 2), r#""b\"c""#);
    }
}
