//! Verifying signed chains with a public key only: `logseal verify --public-key`.
//!
//! A [`PublicVerifier`] holds no MAC key, so it can neither check nor make a record's MAC.
//! It recomputes what each checkpoint signed ([`crate::sign`]): the digest of every record's
//! canonical form, hashed in sequence order into the segment since the previous checkpoint,
//! and checks the checkpoint's Ed25519 signature over that segment, the chain id, the sequence
//! number, the key id and the link to the previous checkpoint. So integrity, order and
//! completeness hold at checkpoint granularity: a record changed, removed, added or moved
//! before a signed checkpoint is found; records after a chain's last checkpoint are reported
//! as not yet covered (a note), since nothing signed speaks for them yet.
//!
//! Memory per chain: the open segment's hash state, the open sequence gaps and a window of
//! the last [`super::RECENT_WINDOW`] record fingerprints (to tell a redelivery from a replay).

use super::record::{ReadError, Reader, Sealed, Signed};
use super::{Finding, FindingKind, RECENT_WINDOW};
use crate::sign::{self, PublicKeys, Segment, SignatureError};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use std::collections::{BTreeMap, HashMap, VecDeque};

/// What one chain looked like to the public verifier.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublicSummary {
    pub chain: String,
    /// The signing key id of its last checkpoint that held.
    pub sign_kid: String,
    /// Records read, and records a valid signature covers (their segment hashed as signed).
    pub records: u64,
    pub covered: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// The last checkpoint whose signature and segment held.
    pub last_checkpoint: Option<u64>,
    /// Records after the last checkpoint, not covered yet.
    pub not_yet_covered: u64,
    /// Checkpoints without a signature.
    pub unsigned_checkpoints: u64,
    pub duplicates: u64,
}

impl PublicSummary {
    /// The summary as JSON, as `verify --public-key --json` reports it.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"chain": self.chain, "sign_kid": self.sign_kid, "records": self.records, "covered": self.covered,
            "first_seq": self.first_seq, "last_seq": self.last_seq, "last_checkpoint": self.last_checkpoint,
            "not_yet_covered": self.not_yet_covered, "unsigned_checkpoints": self.unsigned_checkpoints, "duplicates": self.duplicates})
    }
}

struct ChainState {
    version: u32,
    /// The sequence number expected next (highest seen + 1).
    next: u64,
    segment: Segment,
    /// The first sequence number of the open segment.
    segment_start: u64,
    /// A problem inside the open segment was already reported (a gap, a record out of
    /// order, a field readers disagree on): its hash is not compared again.
    broken: bool,
    /// A declared gap lies in the open segment.
    declared_gap: bool,
    /// The hash of the last checkpoint whose signature held (zeros before record 1).
    prev: Option<[u8; 32]>,
    /// Missing sequence ranges (start -> (end, line where the jump was seen)).
    missing: BTreeMap<u64, (u64, u64)>,
    /// Recent records: (seq, digest fingerprint).
    recent: VecDeque<(u64, u64)>,
    unsigned_reported: bool,
    summary: PublicSummary,
}

/// Checks signed chains with public keys only.
pub struct PublicVerifier {
    keys: PublicKeys,
    reader: Reader,
    chains: HashMap<String, ChainState>,
    order: Vec<String>,
    message: Vec<u8>,
    /// Lines read.
    pub records: u64,
}

impl PublicVerifier {
    pub fn new(keys: PublicKeys) -> PublicVerifier {
        PublicVerifier { keys, reader: Reader::default(), chains: HashMap::new(), order: Vec::new(), message: Vec::new(), records: 0 }
    }

    /// Checks one line (`line_no` counted by the caller across files); findings go to `out`.
    pub fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Finding>) {
        // Blank lines are no records (as with `--keys`).
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        self.records += 1;
        let at = |kind: FindingKind, chain: Option<&str>, seq: Option<u64>, detail: String| Finding { kind, line: line_no, chain: chain.map(str::to_string), seq, detail };
        let s = match self.reader.read(line) {
            Ok(s) => s,
            Err(ReadError::NotJson) => return out.push(at(FindingKind::Unreadable, None, None, "not a JSON object".into())),
            Err(ReadError::Unsealed) => return out.push(at(FindingKind::Unsealed, None, None, "no seal".into())),
            Err(e) => return out.push(at(FindingKind::Malformed, None, None, e.to_string())),
        };
        let digest = self.reader.sign_digest();
        let (id, seq) = (s.chain.as_str(), s.seq);
        if seq == 0 {
            return out.push(at(FindingKind::Malformed, Some(id), None, "sequence number 0".into()));
        }
        if !self.chains.contains_key(id) {
            self.order.push(id.to_string());
            let summary = PublicSummary { chain: id.to_string(), first_seq: seq, ..PublicSummary::default() };
            let state = ChainState {
                version: s.version,
                next: 1,
                segment: Segment::default(),
                segment_start: 1,
                broken: false,
                declared_gap: false,
                prev: Some([0; 32]),
                missing: BTreeMap::new(),
                recent: VecDeque::new(),
                unsigned_reported: false,
                summary,
            };
            self.chains.insert(id.to_string(), state);
        }
        let Some(chain) = self.chains.get_mut(id) else { return };
        if chain.version != s.version {
            return out.push(at(FindingKind::Malformed, Some(id), Some(seq), "a chain id used by both seal versions".into()));
        }
        chain.summary.records += 1;
        // Content a reader could take two ways is a problem whatever the signature says.
        let mut doubtful = Vec::new();
        if let Some(field) = &s.invalid_text {
            doubtful.push(at(FindingKind::InvalidText, Some(id), Some(seq), format!("text that is not Unicode in {}", if field.is_empty() { "the transport wrapper" } else { field })));
        }
        if s.duplicate_fields {
            doubtful.push(at(FindingKind::DuplicateField, Some(id), Some(seq), "a root field appears twice".into()));
        }
        for f in &s.uncovered {
            doubtful.push(at(FindingKind::UncoveredField, Some(id), Some(seq), format!("field {f} is outside the seal's coverage")));
        }
        for f in &s.missing {
            doubtful.push(at(FindingKind::CoveredFieldMissing, Some(id), Some(seq), format!("covered field {f} is gone")));
        }
        if !doubtful.is_empty() {
            chain.broken = true;
            out.append(&mut doubtful);
        }

        let fp = u64::from_le_bytes([digest[0], digest[1], digest[2], digest[3], digest[4], digest[5], digest[6], digest[7]]);
        if seq < chain.next {
            // Out of order: a record a gap was waiting for, a redelivery, or a second record
            // with a number already passed.
            if fill(&mut chain.missing, seq) {
                chain.broken = true;
                return out.push(at(FindingKind::Reordered, Some(id), Some(seq), "arrived after later records of its chain".into()));
            }
            // `recent` holds rising sequence numbers (only records taken in order enter it).
            let seen = chain.recent.binary_search_by_key(&seq, |(n, _)| *n).ok().and_then(|i| chain.recent.get(i));
            match seen {
                Some((_, f)) if *f == fp => {
                    chain.summary.duplicates += 1;
                    return out.push(at(FindingKind::Duplicate, Some(id), Some(seq), "an identical copy of an earlier record".into()));
                }
                _ => {
                    chain.broken = true;
                    return out.push(at(FindingKind::Replayed, Some(id), Some(seq), "a second record with a sequence number already passed, other content".into()));
                }
            }
        }
        if seq > chain.next {
            let dropped = s.gap.unwrap_or(0);
            if dropped > 0 && seq - chain.next <= dropped {
                // A gap record declares what the host dropped; the public key cannot check that
                // claim, and the dropped records' digests are in the segment.
                chain.declared_gap = true;
                out.push(at(FindingKind::DeclaredGap { dropped }, Some(id), Some(seq), format!("the host declared {dropped} records dropped")));
            } else {
                chain.missing.insert(chain.next, (seq - 1, line_no));
                if chain.next == 1 && chain.summary.records == 1 {
                    // A chain whose start is not in the input: nothing links its first segment.
                    chain.prev = None;
                }
            }
            chain.broken = true;
        }
        chain.next = seq + 1;
        chain.summary.last_seq = seq;
        if chain.recent.len() == RECENT_WINDOW {
            chain.recent.pop_front();
        }
        chain.recent.push_back((seq, fp));
        chain.segment.push(&digest);
        if s.checkpoint.is_some() {
            checkpoint(&self.keys, chain, &s, &mut self.message, &at, out);
        }
    }

    /// Ends the input: open gaps become deletions, tails not yet covered are noted, and each
    /// chain's summary is returned.
    pub fn finish(&mut self, out: &mut Vec<Finding>) -> Vec<PublicSummary> {
        let mut summaries = Vec::new();
        for id in &self.order {
            let Some(chain) = self.chains.get_mut(id) else { continue };
            for (&from, &(to, line)) in &chain.missing {
                let detail = if from == to { format!("record {from} is missing") } else { format!("records {from} to {to} are missing") };
                out.push(Finding { kind: FindingKind::Deleted { from, to }, line, chain: Some(id.clone()), seq: Some(from), detail });
            }
            let open = chain.segment.records();
            chain.summary.not_yet_covered = open;
            if open > 0 {
                let (from, to) = (chain.segment_start, chain.summary.last_seq);
                out.push(Finding {
                    kind: FindingKind::NotYetCovered { records: open },
                    line: 0,
                    chain: Some(id.clone()),
                    seq: Some(from),
                    detail: format!(
                        "{open} records ({from} to {to}) after the last checkpoint are not yet covered by a signature: \
                         they could be changed, removed or cut off and a public-key verifier would not know"
                    ),
                });
            }
            summaries.push(chain.summary.clone());
        }
        summaries
    }
}

/// A checkpoint record: checks its signature, its link to the previous checkpoint and the
/// segment it closes, then starts the next segment.
fn checkpoint(keys: &PublicKeys, chain: &mut ChainState, s: &Sealed, message: &mut Vec<u8>, at: &dyn Fn(FindingKind, Option<&str>, Option<u64>, String) -> Finding, out: &mut Vec<Finding>) {
    let (id, seq) = (Some(s.chain.as_str()), Some(s.seq));
    let computed = chain.segment.close();
    let (from, broken, gap) = (chain.segment_start, chain.broken, chain.declared_gap);
    let records = s.seq.saturating_sub(from) + 1;
    chain.segment_start = s.seq + 1;
    chain.broken = false;
    chain.declared_gap = false;
    let prev = chain.prev.take();
    let Some(signed) = &s.signed else {
        chain.summary.unsigned_checkpoints += 1;
        if !chain.unsigned_reported {
            chain.unsigned_reported = true;
            out.push(at(
                FindingKind::Unsigned,
                id,
                seq,
                "checkpoint without a signature: the chain was sealed without keys.sign (or its signatures were stripped); \
                 a public key checks none of it, verify --keys can"
                    .into(),
            ));
        }
        return;
    };
    let Some((link, segment, signature)) = decode(signed) else {
        return out.push(at(FindingKind::Malformed, id, seq, "a checkpoint signature field is not base64url of the right length".into()));
    };
    sign::message(&s.chain, s.seq, &signed.kid, &link, &segment, message);
    match keys.check(&signed.kid, message, &signature) {
        Err(SignatureError::UnknownKey) => {
            return out.push(at(FindingKind::UnknownKey, id, seq, format!("checkpoint signed with key {}, which the public key file does not hold", signed.kid)));
        }
        Err(SignatureError::Invalid) => {
            return out.push(at(
                FindingKind::BadSignature,
                id,
                seq,
                format!("the checkpoint's signature does not hold under public key {}: the checkpoint was changed or forged, or signed by another key", signed.kid),
            ));
        }
        Ok(()) => {}
    }
    // The signature holds: the next checkpoint links to this one.
    chain.prev = Some(sign::checkpoint_hash(message));
    if gap {
        return out.push(at(
            FindingKind::SegmentMismatch,
            id,
            seq,
            format!("records {from} to {} hold a declared gap: the dropped records were signed, so the public key cannot check this segment (verify --keys checks the gap record)", s.seq),
        ));
    }
    if broken {
        // A deletion, reordering or doubtful field inside was reported where it was seen (a
        // checkpoint among the missing records also leaves this one's link unmatched).
        return;
    }
    if let Some(p) = prev {
        if p != link {
            return out.push(at(
                FindingKind::ChainBreak,
                id,
                seq,
                "the checkpoint does not follow the previous checkpoint of its chain: a checkpoint between them is gone, or two histories meet".into(),
            ));
        }
    }
    if computed != segment {
        return out.push(at(
            FindingKind::SegmentMismatch,
            id,
            seq,
            format!("records {from} to {} do not hash to what this checkpoint signed: a record among them was changed, added or replaced", s.seq),
        ));
    }
    chain.summary.covered += records;
    chain.summary.last_checkpoint = Some(s.seq);
    chain.summary.sign_kid = signed.kid.clone();
}

/// The link, segment and signature of a checkpoint, each decoded to its exact length.
fn decode(signed: &Signed) -> Option<([u8; 32], [u8; 32], [u8; sign::SIGNATURE_BYTES])> {
    let link = URL_SAFE_NO_PAD.decode(&signed.prev).ok()?.try_into().ok()?;
    let segment = URL_SAFE_NO_PAD.decode(&signed.segment).ok()?.try_into().ok()?;
    let signature = URL_SAFE_NO_PAD.decode(&signed.signature).ok()?.try_into().ok()?;
    Some((link, segment, signature))
}

/// Removes `seq` from the missing ranges; true if it was missing.
fn fill(missing: &mut BTreeMap<u64, (u64, u64)>, seq: u64) -> bool {
    let Some((&start, &(end, line))) = missing.range(..=seq).next_back() else { return false };
    if seq > end {
        return false;
    }
    missing.remove(&start);
    if start < seq {
        missing.insert(start, (seq - 1, line));
    }
    if seq < end {
        missing.insert(seq + 1, (end, line));
    }
    true
}
