//! What stages decided to change in a record, applied by the writer.
//!
//! Stages never write output bytes themselves: they record an [`Edit`] per token, so each stage
//! is testable alone and the writer stays the one place that produces JSON.

/// The decision for one token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// Write the token as it came (escaped by the escape rules).
    Keep,
    /// On a key: leave the whole member out.
    DropMember,
    /// On a value: write this text (from the arena) as a JSON string instead.
    ReplaceStr { at: u32, len: u32 },
    /// On a key: write this name (from the arena) instead.
    RenameKey { at: u32, len: u32 },
    /// On a value: write this JSON text (from the arena, made by logseal: an encryption
    /// envelope) instead.
    ReplaceJson { at: u32, len: u32 },
}

/// Per-token edits for one record plus the arena their replacement text lives in.
/// Both are cleared, not freed, between records.
#[derive(Default)]
pub struct Edits {
    edits: Vec<Edit>,
    arena: Vec<u8>,
    changed: bool,
    /// Members added at the end of the record: (name, string value), both in the arena.
    appends: Vec<((u32, u32), (u32, u32))>,
}

impl Edits {
    /// Prepares for a record of `tokens` tokens.
    pub fn reset(&mut self, tokens: usize) {
        self.edits.clear();
        self.edits.resize(tokens, Edit::Keep);
        self.arena.clear();
        self.changed = false;
        self.appends.clear();
    }

    /// The edit for token `idx`.
    pub fn get(&self, idx: usize) -> Edit {
        self.edits.get(idx).copied().unwrap_or(Edit::Keep)
    }

    /// True when any edit other than Keep was made.
    pub fn any(&self) -> bool {
        self.changed
    }

    /// Leaves out the member whose key is token `key`.
    pub fn drop_member(&mut self, key: usize) {
        self.set(key, Edit::DropMember);
    }

    /// Replaces value token `idx` (a whole subtree, for containers) with a string.
    pub fn replace_str(&mut self, idx: usize, text: &str) {
        let at = self.stash(text);
        self.set(idx, Edit::ReplaceStr { at, len: text.len() as u32 });
    }

    /// Replaces value token `idx` (a whole subtree, for containers) with JSON text logseal
    /// made itself (it is written as it is, so it must be valid, escaped JSON).
    pub fn replace_json(&mut self, idx: usize, json: &[u8]) {
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(json);
        self.set(idx, Edit::ReplaceJson { at, len: json.len() as u32 });
    }

    /// Renames key token `idx` to `name`.
    pub fn rename_key(&mut self, idx: usize, name: &str) {
        let at = self.stash(name);
        self.set(idx, Edit::RenameKey { at, len: name.len() as u32 });
    }

    /// True when some key is already being renamed to `name`.
    pub fn renames_to(&self, name: &str) -> bool {
        self.edits.iter().any(|e| matches!(*e, Edit::RenameKey { at, len } if self.text(at, len) == name.as_bytes()))
    }

    /// Adds the member `"name": "value"` at the end of the record.
    pub fn append(&mut self, name: &str, value: &str) {
        let n = (self.stash(name), name.len() as u32);
        let v = (self.stash(value), value.len() as u32);
        self.appends.push((n, v));
        self.changed = true;
    }

    /// The members to add, as (name, value) texts.
    pub fn appended(&self) -> impl Iterator<Item = (&[u8], &[u8])> {
        self.appends.iter().map(|&((na, nl), (va, vl))| (self.text(na, nl), self.text(va, vl)))
    }

    fn stash(&mut self, text: &str) -> u32 {
        let at = self.arena.len() as u32;
        self.arena.extend_from_slice(text.as_bytes());
        at
    }

    /// The replacement text an edit refers to.
    pub fn text(&self, at: u32, len: u32) -> &[u8] {
        self.arena.get(at as usize..(at as usize + len as usize)).unwrap_or(&[])
    }

    fn set(&mut self, idx: usize, edit: Edit) {
        if let Some(slot) = self.edits.get_mut(idx) {
            *slot = edit;
            self.changed = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_reset_between_records_and_ignore_out_of_range_tokens() {
        let mut e = Edits::default();
        e.reset(3);
        e.replace_str(1, "[REDACTED]");
        e.drop_member(7);
        assert!(e.any());
        let Edit::ReplaceStr { at, len } = e.get(1) else { panic!("expected a replacement") };
        assert_eq!(e.text(at, len), b"[REDACTED]");
        assert_eq!(e.get(7), Edit::Keep);
        e.reset(2);
        assert!(!e.any());
        assert_eq!(e.get(1), Edit::Keep);
        e.rename_key(0, "level");
        e.append("env", "prod");
        assert!(e.renames_to("level") && !e.renames_to("env"));
        assert_eq!(e.appended().collect::<Vec<_>>(), [(&b"env"[..], &b"prod"[..])]);
    }
}
