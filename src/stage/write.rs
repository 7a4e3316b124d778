//! The last stage: write the record as one line of JSON, applying the stages' edits.
//!
//! Unchanged strings that need no escaping are copied as they came; everything else is decoded
//! and encoded again, so the output is always valid UTF-8 JSON. An incoming top-level field
//! named like the reserved key is renamed, so nobody can spoof logseal's own annotations.
//! Numbers a consumer could not read exactly (beyond f64, integers beyond 2^53) are written as
//! strings holding their exact text.

use crate::edits::{Edit, Edits};
use crate::json::number::needs_quotes;
use crate::json::string::{decode, encode_body};
use crate::json::{flag, Kind, Token};
use crate::notes::{Notes, RENAMED_KEY, RESERVED_KEY};
use crate::record::{Record, Scratch};

/// Where the writer is inside a container.
#[derive(Clone, Copy)]
pub struct Frame {
    array: bool,
    end: u32,
    count: u32,
}

/// Writes `{` and the record's members to `out`, without the closing brace, so the reserved
/// key can follow. Returns true when at least one member was written.
pub fn write_members(
    rec: &Record,
    edits: &Edits,
    notes: &mut Notes,
    scratch: &mut Scratch,
    frames: &mut Vec<Frame>,
    out: &mut Vec<u8>,
) -> bool {
    frames.clear();
    out.push(b'{');
    let Some(root) = rec.tape.first() else { return false };
    frames.push(Frame { array: false, end: root.next, count: 0 });
    let mut i = 1usize;
    loop {
        // Close every container that ends here; the root stays open for the reserved key.
        while let Some(top) = frames.last().copied() {
            if (i as u32) < top.end {
                break;
            }
            if frames.len() == 1 {
                return top.count > 0;
            }
            frames.pop();
            out.push(if top.array { b']' } else { b'}' });
        }
        let (Some(tok), Some(top)) = (rec.tape.get(i), frames.last_mut()) else {
            return false;
        };
        if tok.kind == Kind::Key {
            if edits.get(i) == Edit::DropMember {
                i = rec.tape.get(i + 1).map_or(i + 2, |v| v.next as usize);
                continue;
            }
            if top.count > 0 {
                out.push(b',');
            }
            top.count += 1;
            if tok.depth == 1 && rec.key_is(tok, RESERVED_KEY.as_bytes(), scratch) {
                notes.renamed_reserved = true;
                out.push(b'"');
                out.extend_from_slice(RENAMED_KEY.as_bytes());
                out.push(b'"');
            } else {
                write_string(rec, tok, scratch, out);
            }
            out.push(b':');
            i += 1;
        } else {
            if top.count > 0 {
                out.push(b',');
            }
            top.count += 1;
        }
        i = write_value(rec, i, edits, scratch, frames, out);
    }
}

/// Writes the value at `i`; returns the index of the next token to visit.
fn write_value(rec: &Record, i: usize, edits: &Edits, scratch: &mut Scratch, frames: &mut Vec<Frame>, out: &mut Vec<u8>) -> usize {
    let Some(tok) = rec.tape.get(i) else { return i + 1 };
    if let Edit::ReplaceStr { at, len } = edits.get(i) {
        out.push(b'"');
        encode_body(edits.text(at, len), out);
        out.push(b'"');
        return tok.next as usize;
    }
    match tok.kind {
        Kind::Object | Kind::Array => {
            let array = tok.kind == Kind::Array;
            out.push(if array { b'[' } else { b'{' });
            frames.push(Frame { array, end: tok.next, count: 0 });
        }
        Kind::Str | Kind::Key => write_string(rec, tok, scratch, out),
        Kind::Num if needs_quotes(tok.raw(rec.input)) => {
            out.push(b'"');
            out.extend_from_slice(tok.raw(rec.input));
            out.push(b'"');
        }
        Kind::Num | Kind::True | Kind::False | Kind::Null => out.extend_from_slice(tok.raw(rec.input)),
    }
    i + 1
}

/// Strings the writer must decode and encode again rather than copy.
const SLOW: u8 = flag::ESCAPED | flag::CONTROL | flag::BAD_UTF8 | flag::RAW_TEXT;

fn write_string(rec: &Record, tok: &Token, scratch: &mut Scratch, out: &mut Vec<u8>) {
    out.push(b'"');
    let raw = tok.raw(rec.input);
    if tok.flags & SLOW == 0 {
        out.extend_from_slice(raw);
    } else {
        scratch.text.clear();
        decode(raw, tok.flags, &mut scratch.text, &mut scratch.utf8);
        encode_body(&scratch.text, out);
    }
    out.push(b'"');
}
