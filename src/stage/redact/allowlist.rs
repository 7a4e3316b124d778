//! Allowlist mode: only named fields pass, every other value is masked. It fails closed: a
//! field nobody thought of is masked, not shipped. The lockdown policy runs on it.

use super::keyname::{normalize, normalize_into};
use super::kind::Kind;
use crate::json::Kind as Tok;
use crate::stage::notes::tag;

/// What a masked value becomes.
pub const MASK: &str = "[REDACTED:allowlist]"; // Kind::Allowlist.mask(), tested in kind.rs

/// Compiled allowlist: normalised dotted paths.
#[derive(Clone, Debug)]
pub struct Allowlist {
    entries: Vec<Vec<u8>>,
}

enum Verdict {
    /// The path or one of its ancestors is allowed: keep the whole value.
    Allowed,
    /// An allowed path lies below: descend into the container.
    Ancestor,
    Denied,
}

/// The normalised dotted path of where a walk over the tape is, for rules that match paths
/// (the allowlist, the redaction deny list). Reused across records.
#[derive(Default)]
pub struct Walk {
    pub path: Vec<u8>,
    /// (end of container, path length to restore when it ends)
    frames: Vec<(u32, usize)>,
}

impl Walk {
    /// Starts a walk over a record whose root object ends at token `root_end`.
    pub fn start(&mut self, root_end: u32) {
        self.path.clear();
        self.frames.clear();
        self.frames.push((root_end, 0));
    }

    /// Leaves every container that ends before token `i`, restoring the path.
    pub fn close_ended(&mut self, i: usize) {
        while let Some(&(end, restore)) = self.frames.last() {
            if (i as u32) < end {
                break;
            }
            self.frames.pop();
            self.path.truncate(restore);
        }
    }

    /// Enters a container ending at token `end`; its end restores the path to `restore`.
    pub fn enter(&mut self, end: u32, restore: usize) {
        self.frames.push((end, restore));
    }
}

impl Allowlist {
    pub fn new<S: AsRef<str>>(names: &[S]) -> Allowlist {
        Allowlist { entries: names.iter().map(|n| normalize(n.as_ref())).collect() }
    }

    fn verdict(&self, path: &[u8]) -> Verdict {
        let mut ancestor = false;
        for e in &self.entries {
            if below(path, e) {
                return Verdict::Allowed;
            }
            ancestor |= below(e, path);
        }
        if ancestor {
            Verdict::Ancestor
        } else {
            Verdict::Denied
        }
    }

    /// Masks every value of `rec` whose path is not allowed. Keys are kept; `null` stays `null`.
    /// Each mask is counted under `allowlist` and tags the record `secret_exposed`, as any
    /// redaction does: a count that left them out would under-report what was removed.
    pub fn apply(&self, cx: &mut crate::stage::context::Pass, walk: &mut Walk) {
        let crate::stage::context::Pass { rec, edits, notes, scratch, .. } = cx;
        let rec = &*rec;
        let Some(root) = rec.tape.first() else { return };
        walk.start(root.next);
        let mut i = 1usize;
        while i < root.next as usize {
            walk.close_ended(i);
            let Some(tok) = rec.tape.get(i) else { return };
            let base = walk.path.len();
            let value_idx = if tok.kind == Tok::Key {
                if !walk.path.is_empty() {
                    walk.path.push(b'.');
                }
                normalize_into(rec.text(tok, scratch), &mut walk.path);
                i + 1
            } else {
                i // an array element has its array's path
            };
            let Some(value) = rec.tape.get(value_idx) else { return };
            match self.verdict(&walk.path) {
                Verdict::Allowed => i = value.next as usize,
                Verdict::Ancestor if matches!(value.kind, Tok::Object | Tok::Array) => {
                    walk.enter(value.next, base);
                    i = value_idx + 1;
                    continue;
                }
                _ => {
                    if value.kind != Tok::Null {
                        edits.replace_str(value_idx, MASK);
                        notes.redacted[Kind::Allowlist.index()] += 1;
                        notes.tags |= tag::SECRET_EXPOSED;
                    }
                    i = value.next as usize;
                }
            }
            walk.path.truncate(base);
        }
    }
}

/// True when `path` is `ancestor` or lies below it.
fn below(path: &[u8], ancestor: &[u8]) -> bool {
    path.starts_with(ancestor) && (path.len() == ancestor.len() || path.get(ancestor.len()) == Some(&b'.'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edits::Edits;
    use crate::stage::notes::Notes;
    use crate::record::{Record, Scratch};
    use crate::json::{scan, ScanLimits};

    fn masked(allow: &[&str], input: &str) -> Vec<String> {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 16, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let mut edits = Edits::default();
        edits.reset(tape.len());
        let mut notes = Notes::default();
        let (fields, host, mut scratch) = (crate::stage::fields::Fields::default(), crate::stage::context::Context::default(), Scratch::default());
        let mut cx = crate::stage::context::Pass { rec, fields: &fields, host: &host, edits: &mut edits, notes: &mut notes, scratch: &mut scratch };
        Allowlist::new(allow).apply(&mut cx, &mut Walk::default());
        let masks = notes.redacted[Kind::Allowlist.index()] as usize;
        assert_eq!(masks > 0, notes.tags & tag::SECRET_EXPOSED != 0, "a mask tags the record, nothing else does");
        let out: Vec<String> = (0..tape.len())
            .filter(|&i| edits.get(i) != crate::edits::Edit::Keep)
            .map(|i| String::from_utf8_lossy(tape[i].raw(input.as_bytes())).into_owned())
            .collect();
        assert_eq!(masks, out.len(), "every mask is counted under `allowlist`");
        out
    }

    #[test]
    fn the_mask_is_the_allowlist_kind_s() {
        assert_eq!(MASK, Kind::Allowlist.mask());
    }

    #[test]
    fn only_allowed_fields_pass_in_any_key_style() {
        let m = masked(&["request_id", "status"], r#"{"requestId":"r1","Status":200,"password":"p","n":null}"#);
        assert_eq!(m, ["p"]);
    }

    #[test]
    fn dotted_paths_reach_into_objects_and_arrays() {
        let input = r#"{"http":{"status":500,"auth":"Basic x"},"items":[{"sku":"a","card":"4111"},"loose"],"meta":{"a":1}}"#;
        let m = masked(&["http.status", "items.sku"], input);
        assert_eq!(m, ["Basic x", "4111", "loose", r#"{"a":1}"#]);
    }

    #[test]
    fn an_allowed_object_passes_whole_and_flat_dotted_keys_match() {
        let m = masked(&["http"], r#"{"http":{"status":500,"x":{"y":1}},"http.other":"z","other":true}"#);
        assert_eq!(m, ["true"]);
        let m = masked(&["http.status_code"], r#"{"http.status_code":200,"http.url":"/a?token=1"}"#);
        assert_eq!(m, ["/a?token=1"]);
    }

    #[test]
    fn an_empty_allowlist_masks_everything() {
        let m = masked(&[], r#"{"a":"x","b":{"c":[1,2]}}"#);
        assert_eq!(m, ["x", r#"{"c":[1,2]}"#]);
    }
}
