//! Comparing two copies of a sealed stream without keys: `logseal verify --compare` and Node's
//! `compare()`.
//!
//! Records are matched by `(chain, seq)` and their content digest (the digest
//! [`Reader::digest`] gives: the record as sealed). A copy read second (the remote) reports a
//! record as `different` when the first copy (the local) holds the same chain and sequence number
//! with other content, `only_in_remote` when the local copy lacks it; what the remote lacks is
//! `missing_from_remote`, in the local copy's line order. Lines that are not sealed records are
//! skipped: unsealed lines are `verify --keys`'s business, not a comparison's.
//!
//! ```
//! use logseal::verify::compare::{Comparison, Difference};
//! let mut c = Comparison::default();
//! c.local(1, b"not a sealed record");
//! assert_eq!(c.remote(1, b"{}"), None);
//! assert!(c.finish().is_empty());
//! assert_eq!(c.local_records(), 0);
//! ```

use super::record::Reader;
use std::collections::HashMap;

/// How a record differs between the two copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceKind {
    /// Both copies hold the chain and sequence number, with other content.
    Different,
    /// Only the remote copy holds it.
    OnlyInRemote,
    /// Only the local copy holds it.
    MissingFromRemote,
}

impl DifferenceKind {
    /// The name reports use (`different`, `only_in_remote`, `missing_from_remote`).
    pub fn name(self) -> &'static str {
        match self {
            DifferenceKind::Different => "different",
            DifferenceKind::OnlyInRemote => "only_in_remote",
            DifferenceKind::MissingFromRemote => "missing_from_remote",
        }
    }

    /// Whether the line named is in the remote copy (else the local one).
    pub fn in_remote(self) -> bool {
        !matches!(self, DifferenceKind::MissingFromRemote)
    }
}

/// One difference: what, and where (the line in the copy [`DifferenceKind::in_remote`] names).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub kind: DifferenceKind,
    pub line: u64,
    pub chain: String,
    pub seq: u64,
}

/// Two copies compared line by line: all of the local copy first, then the remote one.
#[derive(Default)]
pub struct Comparison {
    reader: Reader,
    /// (chain, seq) -> (content digest, line in the local copy, seen in the remote copy)
    seen: HashMap<(String, u64), ([u8; 32], u64, bool)>,
}

impl Comparison {
    /// One line of the local copy; the first record of a `(chain, seq)` counts.
    pub fn local(&mut self, line_no: u64, line: &[u8]) {
        let Ok(s) = self.reader.read(line) else { return };
        let digest = self.reader.digest();
        self.seen.entry((s.chain, s.seq)).or_insert((digest, line_no, false));
    }

    /// One line of the remote copy (after every local line): its difference, if any.
    pub fn remote(&mut self, line_no: u64, line: &[u8]) -> Option<Difference> {
        let s = self.reader.read(line).ok()?;
        let digest = self.reader.digest();
        let kind = match self.seen.get_mut(&(s.chain.clone(), s.seq)) {
            Some(entry) => {
                entry.2 = true;
                if entry.0 == digest {
                    return None;
                }
                DifferenceKind::Different
            }
            None => DifferenceKind::OnlyInRemote,
        };
        Some(Difference { kind, line: line_no, chain: s.chain, seq: s.seq })
    }

    /// The local records the remote copy lacks, in local line order.
    pub fn finish(&self) -> Vec<Difference> {
        let mut missing: Vec<Difference> = self
            .seen
            .iter()
            .filter(|(_, v)| !v.2)
            .map(|(k, v)| Difference { kind: DifferenceKind::MissingFromRemote, line: v.1, chain: k.0.clone(), seq: k.1 })
            .collect();
        missing.sort_by(|a, b| (a.line, &a.chain, a.seq).cmp(&(b.line, &b.chain, b.seq)));
        missing
    }

    /// How many distinct sealed records the local copy holds.
    pub fn local_records(&self) -> usize {
        self.seen.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::seal::CHAIN_RANDOM_BYTES;
    use crate::{Context, Filter, Plan};

    /// Three sealed records of one chain, as NDJSON lines.
    fn sealed_lines() -> Vec<Vec<u8>> {
        let policy = r#"{"version":1,"keys":{"seal":"base64:CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk="},"seal":{}}"#;
        let plan = Plan::load(policy, &crate::policy::NoEnvironment, None).unwrap();
        let mut filter = Filter::new(plan);
        filter.start_chain(&[1; CHAIN_RANDOM_BYTES]);
        let ctx = Context { time_ns: 1_764_237_600_000_000_000, ..Context::default() };
        (0..3)
            .map(|i| {
                let mut out = Vec::new();
                filter.process(format!(r#"{{"msg":"m{i}"}}"#).as_bytes(), &ctx, &mut out);
                while out.last() == Some(&b'\n') {
                    out.pop();
                }
                out
            })
            .collect()
    }

    #[test]
    fn a_changed_a_missing_and_an_extra_record_are_each_reported_once() {
        let lines = sealed_lines();
        let mut c = Comparison::default();
        c.local(1, &lines[0]);
        c.local(2, &lines[1]);
        assert_eq!(c.local_records(), 2);
        // Sequence numbers start at 1. The remote holds seq 1 unchanged and seq 3 extra; seq 2
        // is missing.
        assert_eq!(c.remote(1, &lines[0]), None);
        let extra = c.remote(2, &lines[2]).expect("extra record");
        assert_eq!((extra.kind, extra.line, extra.seq), (DifferenceKind::OnlyInRemote, 2, 3));
        let missing = c.finish();
        assert_eq!(missing.len(), 1);
        assert_eq!((missing[0].kind, missing[0].line, missing[0].seq), (DifferenceKind::MissingFromRemote, 2, 2));
        assert!(!missing[0].kind.in_remote());
    }

    #[test]
    fn same_chain_and_seq_with_other_content_is_different() {
        let lines = sealed_lines();
        let mut c = Comparison::default();
        c.local(7, &lines[0]);
        let text = String::from_utf8(lines[0].clone()).expect("utf-8");
        let tampered = text.replace("m0", "mX");
        assert_ne!(tampered, text);
        let d = c.remote(3, tampered.as_bytes()).expect("a difference");
        assert_eq!((d.kind.name(), d.line), ("different", 3));
        assert!(c.finish().is_empty(), "seen in the remote copy: not missing");
    }
}
