//! Secrets a JSON record states as data rather than as member names: name/value objects
//! (`{"name":"DB_PASSWORD","value":"x"}`, HAR headers `{"name":"Authorization","value":"..."}`,
//! Kubernetes `env` entries) and argv arrays (`["--password","x"]`). The name is judged like a
//! field name ([`super::keyname`]); the value it names is marked for the walk to redact whole.
//!
//! Only a container's direct members are read, once, when the walk meets it: linear in the
//! record.

use super::keyname::{ClassCache, KeyClass};
use super::kind::Kind;
use crate::json::Kind as Tok;
use crate::record::Record;

/// Member names that hold the name of a pair, and those that hold its value.
const NAME_KEYS: &[&[u8]] = &[b"name", b"Name", b"key", b"Key", b"header", b"variable", b"param", b"field"];
const VALUE_KEYS: &[&[u8]] = &[b"value", b"Value", b"val", b"values"];

/// A name/value object reads at most this many members (pairs are small).
const MEMBERS: usize = 16;

fn secret(names: &mut ClassCache, name: &[u8]) -> Option<Kind> {
    match names.classify(name) {
        KeyClass::Secret(kind) => Some(kind),
        _ => None,
    }
}

/// For the container at `at` (an object or an array), appends to `out` the tokens whose
/// values are secrets named inside it: (token index, kind). For an object, the index is that
/// of its value member's key; for an array, of the element.
pub fn find(rec: &Record, at: usize, names: &mut ClassCache, out: &mut Vec<(u32, Kind)>) {
    let Some(tok) = rec.tape.get(at) else { return };
    let end = tok.next as usize;
    match tok.kind {
        Tok::Object => {
            let (mut kind, mut value) = (None, None);
            let mut j = at + 1;
            for _ in 0..MEMBERS {
                let (Some(k), Some(v)) = (rec.tape.get(j), rec.tape.get(j + 1)) else { break };
                if j >= end || k.kind != Tok::Key {
                    break;
                }
                let key = k.raw(rec.input);
                if kind.is_none() && v.kind == Tok::Str && NAME_KEYS.contains(&key) {
                    kind = secret(names, v.raw(rec.input));
                } else if VALUE_KEYS.contains(&key) {
                    value = Some(j);
                }
                j = v.next as usize;
            }
            if let (Some(kind), Some(value)) = (kind, value) {
                out.push((value as u32, kind));
            }
        }
        Tok::Array => {
            let mut j = at + 1;
            let mut flag: Option<Kind> = None;
            while let Some(e) = rec.tape.get(j) {
                if j >= end {
                    break;
                }
                if let Some(kind) = flag.take() {
                    if matches!(e.kind, Tok::Str | Tok::Num) {
                        out.push((j as u32, kind));
                    }
                } else if e.kind == Tok::Str {
                    let raw = e.raw(rec.input);
                    // `--password` alone; `--password=x` is read by the detectors.
                    if raw.first() == Some(&b'-') && !raw.contains(&b'=') {
                        flag = secret(names, raw);
                    }
                }
                j = (e.next as usize).max(j + 1);
            }
        }
        _ => {}
    }
}

/// Takes the kind marked for token `at` out of `marks`, if any.
pub fn take(marks: &mut Vec<(u32, Kind)>, at: usize) -> Option<Kind> {
    if marks.is_empty() {
        return None;
    }
    let p = marks.iter().position(|&(i, _)| i as usize == at)?;
    Some(marks.swap_remove(p).1)
}
