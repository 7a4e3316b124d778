//! Verifying sealed streams offline: `logseal verify`.
//!
//! A [`Verifier`] reads records one at a time (memory does not grow with the input: per chain
//! it keeps its head, a window of recent MACs and the open sequence gaps) and reports
//! [`Finding`]s: problems (modified, deleted, reordered, inserted, replayed, unknown key,
//! unsealed, ...) and notes (identical redeliveries, declared gaps, transport fields, the tail
//! after the last checkpoint).
//!
//! ```
//! use logseal::keys::{Key, KeySet, Purpose, Secret};
//! use logseal::verify::Verifier;
//! let keys = KeySet::new(vec![Key { id: "k1".into(), purpose: Purpose::Seal, secret: Secret::new(vec![7; 32]), active: true }]);
//! let mut v = Verifier::new(keys);
//! let mut findings = Vec::new();
//! v.line(1, br#"{"msg":"hi"}"#, &mut findings);
//! assert_eq!(findings[0].kind.name(), "unsealed");
//! ```

pub mod public;
pub mod ahead;
pub mod compare;
#[cfg(feature = "cli")]
pub mod parallel;
pub mod record;
pub mod state;

pub use ahead::{Ahead, Prepared, Verdicts};

use crate::keys::KeySet;
use crate::stage::seal::{chain_mac_v, epoch_key, HmacSha256};
use record::{ReadError, Reader, Sealed};
use std::collections::{BTreeMap, HashMap, VecDeque};

/// How many recent MACs per chain are remembered to tell redeliveries from replays.
pub const RECENT_WINDOW: usize = 65_536;

/// The most key-evolution steps one record may ask the verifier to take from the nearest key
/// it holds: a bound on the work a hostile line can cause (a legitimate chain moves one epoch
/// at a time, and the verifier keeps the latest verified epoch's key).
pub const MAX_EPOCH_STEPS: u64 = 1 << 20;

/// Key-evolution steps the verifier spends, in a whole run, on records whose MAC then fails;
/// once spent, a failing record may cost at most [`CHEAP_STEPS`] more. Genuine records never
/// draw on it, so hostile lines cannot make a run slow beyond about this many steps.
pub const WASTED_STEPS_BUDGET: u64 = 1 << 24;
/// Steps a record may always cost.
pub const CHEAP_STEPS: u64 = 1024;

/// What a finding says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingKind {
    // Problems: `logseal verify` exits 1.
    /// Bad MAC at a position the chain expected: the record was changed.
    Modified,
    /// Bad MAC on a record whose sequence number a genuine record also holds: inserted or forged.
    Inserted,
    /// Sequence numbers missing and not declared by a gap record.
    Deleted { from: u64, to: u64 },
    /// A record arrived after later ones of its chain.
    Reordered,
    /// A validly sealed record with a sequence number already seen, with different content.
    Replayed,
    /// The previous-MAC link does not match the record before it: two histories of one chain.
    ChainBreak,
    /// The seal names a key id the keyring does not hold.
    UnknownKey,
    /// A record without a seal.
    Unsealed,
    /// A line that is not a JSON object.
    Unreadable,
    /// A seal that lacks a field or has one of the wrong type.
    Malformed,
    /// A covered field is gone.
    CoveredFieldMissing,
    /// A root field outside the seal's coverage that is not a known transport field.
    UncoveredField,
    /// A root field appears twice.
    DuplicateField,
    /// The chain's highest sequence number is below the head remembered in `--state`.
    Truncated,
    /// The record at the remembered head differs from the one verified before.
    Rollback,
    /// A string or name that is not Unicode (invalid UTF-8, a lone surrogate escape):
    /// logseal never writes one, so it was put there after sealing.
    InvalidText,
    /// Records of a chain that already ended reappear: copies of records verified in an
    /// earlier file or run, after this file moved on; or the chain's first record again after
    /// a later chain started (see [`Verifier`] for the rule).
    ReplayedChain,
    /// The transport wrapper's tag differs from the tag sealed in `logseal.tag`.
    TagMismatch,
    /// A record's key epoch does not follow the record before it (the same epoch, or the
    /// next after a record marked last of its epoch): re-sealed with a later key.
    EpochBreak,
    /// `--public-key`: a checkpoint's Ed25519 signature does not hold under the public key it
    /// names: the checkpoint was changed or forged, or signed by another key.
    BadSignature,
    /// `--public-key`: the records since the previous checkpoint do not hash to what the
    /// checkpoint signed (one was changed, added or replaced), or a declared gap among them
    /// leaves them uncheckable without the seal key.
    SegmentMismatch,
    /// `--public-key`: a checkpoint without a signature (sealed without `keys.sign`, or its
    /// signature stripped): nothing of the chain can be checked with a public key.
    Unsigned,
    // Notes: reported, not problems.
    /// An identical copy of a record already verified (a shipper's retry).
    Duplicate,
    /// A gap record declares records the host dropped after sealing.
    DeclaredGap { dropped: u64 },
    /// Records after the chain's last checkpoint: a cut-off tail there would go unnoticed
    /// without `--state`.
    AfterCheckpoint { records: u64 },
    /// A chain remembered in `--state` that this input does not hold.
    ChainNotSeen,
    /// `--public-key`: records after the chain's last signed checkpoint, which no signature
    /// covers yet (journald's unprotected tail).
    NotYetCovered { records: u64 },
}

impl FindingKind {
    pub fn name(&self) -> &'static str {
        match self {
            FindingKind::Modified => "modified",
            FindingKind::Inserted => "inserted",
            FindingKind::Deleted { .. } => "deleted",
            FindingKind::Reordered => "reordered",
            FindingKind::Replayed => "replayed",
            FindingKind::ChainBreak => "chain_break",
            FindingKind::UnknownKey => "unknown_key",
            FindingKind::Unsealed => "unsealed",
            FindingKind::Unreadable => "unreadable",
            FindingKind::Malformed => "malformed",
            FindingKind::CoveredFieldMissing => "covered_field_missing",
            FindingKind::UncoveredField => "uncovered_field",
            FindingKind::DuplicateField => "duplicate_field",
            FindingKind::Truncated => "truncated",
            FindingKind::Rollback => "rollback",
            FindingKind::InvalidText => "invalid_text",
            FindingKind::ReplayedChain => "replayed_chain",
            FindingKind::TagMismatch => "tag_mismatch",
            FindingKind::EpochBreak => "epoch_break",
            FindingKind::BadSignature => "bad_signature",
            FindingKind::SegmentMismatch => "segment_mismatch",
            FindingKind::Unsigned => "unsigned",
            FindingKind::Duplicate => "duplicate",
            FindingKind::DeclaredGap { .. } => "declared_gap",
            FindingKind::AfterCheckpoint { .. } => "after_checkpoint",
            FindingKind::ChainNotSeen => "chain_not_seen",
            FindingKind::NotYetCovered { .. } => "not_yet_covered",
        }
    }

    /// Problems make `verify` fail; notes do not.
    pub fn is_problem(&self) -> bool {
        !matches!(
            self,
            FindingKind::Duplicate | FindingKind::DeclaredGap { .. } | FindingKind::AfterCheckpoint { .. } | FindingKind::ChainNotSeen | FindingKind::NotYetCovered { .. }
        )
    }
}

/// One finding, with where it was seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    /// The input line (1-based, counted by the caller across files); 0 when not tied to a line.
    pub line: u64,
    pub chain: Option<String>,
    pub seq: Option<u64>,
    /// A human sentence; never holds key material or record content beyond field names.
    pub detail: String,
}

/// What one chain looked like, for the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainSummary {
    pub chain: String,
    pub kid: String,
    pub verified: u64,
    pub first_seq: u64,
    pub last_seq: u64,
    /// The MAC of the record at `last_seq`, for `--state`.
    pub head_mac: String,
    pub duplicates: u64,
    pub declared_dropped: u64,
    pub last_checkpoint: Option<u64>,
    /// The instance label a v2 chain declares (`i`, on record 1 and checkpoints); v1 chains
    /// carry it in their id.
    pub instance: Option<String>,
}

impl ChainSummary {
    /// The summary as JSON, as `verify --json` and the Node package report it (no MAC).
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({"chain": self.chain, "kid": self.kid, "verified": self.verified, "first_seq": self.first_seq,
            "last_seq": self.last_seq, "duplicates": self.duplicates, "declared_dropped": self.declared_dropped,
            "last_checkpoint": self.last_checkpoint, "instance": self.instance})
    }

    /// The chain for people: its id, with the declared instance label of a v2 chain.
    pub fn label(&self) -> String {
        match &self.instance {
            Some(i) => format!("{}.{i}", self.chain),
            None => self.chain.clone(),
        }
    }
}

/// A head remembered from an earlier run (`--state`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    pub seq: u64,
    pub mac: String,
}

struct ChainState {
    kid: String,
    key: HmacSha256,
    /// The seal format of the chain's records.
    version: u32,
    /// The key of the latest epoch a record verified in (forward-secure evolution).
    epoch_cache: Option<(u64, HmacSha256)>,
    /// The last record taken in order: (seq, epoch, last of its epoch).
    prev_epoch: Option<(u64, Option<u64>, bool)>,
    /// Whether `kid` was read from a seal or proved by a MAC (a v2 record names its key only
    /// on record 1 and checkpoints; before one is seen every key of the keyring is tried).
    kid_known: bool,
    /// The sequence number expected next (highest seen + 1).
    next: u64,
    /// The MAC at `next - 1`, when the record there was verified.
    last_mac: Option<String>,
    /// Missing sequence ranges (start -> (end, line where the jump was seen)).
    missing: BTreeMap<u64, (u64, u64)>,
    /// Recent verified records: (seq, MAC fingerprint, input number it was seen in).
    recent: VecDeque<(u64, u64, u32)>,
    /// A bad-MAC record waiting for the next record to tell modified from inserted.
    pending: Option<(u64, u64)>,
    /// The head remembered in `--state`, if any.
    remembered: Option<Head>,
    summary: ChainSummary,
    after_checkpoint: u64,
    /// Where the chain last took a new record: the input, and the chain starts seen in it
    /// then (counting its own).
    last_new: (u32, u64),
    /// The input in which a replay of this chain was reported (once per input).
    replay_reported: Option<u32>,
}

/// Where the verifier is in its input, for telling a replayed chain from a live one.
#[derive(Clone, Copy, Debug, Default)]
struct Place {
    /// The input (file) number, from [`Verifier::next_input`].
    input: u32,
    /// This input has held a record new to the verifier (not a copy of one verified before).
    moved_on: bool,
    /// Chains that started (their record 1, new) in this input so far.
    starts: u64,
}

/// Verifies records against a keyring of seal keys.
pub struct Verifier {
    keys: KeySet,
    chains: HashMap<String, ChainState>,
    /// Chain ids in the order they were first seen, for a stable report.
    order: Vec<String>,
    remembered: HashMap<String, Head>,
    reader: Reader,
    place: Place,
    /// Transport fields seen outside coverage, with counts.
    pub transport: BTreeMap<String, u64>,
    pub records: u64,
    /// Key-evolution steps spent on records whose MAC failed (see [`WASTED_STEPS_BUDGET`]).
    wasted_steps: u64,
}

impl Verifier {
    pub fn new(keys: KeySet) -> Verifier {
        Verifier {
            keys,
            chains: HashMap::new(),
            order: Vec::new(),
            remembered: HashMap::new(),
            reader: Reader::default(),
            place: Place::default(),
            transport: BTreeMap::new(),
            records: 0,
            wasted_steps: 0,
        }
    }

    /// The keyring the verifier checks against ([`Ahead`] readers need the same one).
    pub fn keys(&self) -> &KeySet {
        &self.keys
    }

    /// Heads from an earlier run, so truncation and rollback are found.
    pub fn remember(&mut self, heads: impl IntoIterator<Item = (String, Head)>) {
        self.remembered.extend(heads);
    }

    /// Starts the next input (file). Chains seen in earlier inputs must not reappear in it
    /// as copies once it has moved on (`replayed_chain`).
    pub fn next_input(&mut self) {
        self.place = Place { input: self.place.input + 1, moved_on: false, starts: 0 };
    }

    /// Verifies one line; findings are appended to `out`.
    pub fn line(&mut self, line_no: u64, line: &[u8], out: &mut Vec<Finding>) {
        if is_blank(line) {
            return;
        }
        let read = self.reader.read(line);
        self.take(line_no, read, MacCheck { verdicts: &Verdicts::default(), line, read_here: true }, out);
    }

    /// Verifies one line that [`Ahead::prepare`] read (on another thread, with the same
    /// keyring): the same findings as [`Verifier::line`] on `line`, in the same order; lines
    /// must come in input order. `prepared` is None for a blank line.
    pub fn line_prepared(&mut self, line_no: u64, line: &[u8], prepared: Option<Prepared>, out: &mut Vec<Finding>) {
        let Some(p) = prepared else { return };
        self.take(line_no, p.read, MacCheck { verdicts: &p.verdicts, line, read_here: false }, out);
    }

    /// The ordered part of verifying a line: everything but reading it and checking its MAC.
    fn take(&mut self, line_no: u64, read: Result<Sealed, ReadError>, mut macs: MacCheck<'_>, out: &mut Vec<Finding>) {
        self.records += 1;
        let finding = |kind, detail: String| Finding { kind, line: line_no, chain: None, seq: None, detail };
        let s = match read {
            Ok(s) => s,
            Err(ReadError::NotJson) => return out.push(finding(FindingKind::Unreadable, "not a JSON object".into())),
            Err(ReadError::Unsealed) => return out.push(finding(FindingKind::Unsealed, "the record has no logseal.seal".into())),
            Err(e) => return out.push(finding(FindingKind::Malformed, e.to_string())),
        };
        let at = |kind, detail: String| Finding { kind, line: line_no, chain: Some(s.chain.clone()), seq: Some(s.seq), detail };
        for name in &s.transport {
            *self.transport.entry(name.clone()).or_insert(0) += 1;
        }
        for name in &s.uncovered {
            out.push(at(FindingKind::UncoveredField, format!("field `{}` is not covered by the seal", visible(name))));
        }
        for name in &s.missing {
            out.push(at(FindingKind::CoveredFieldMissing, format!("covered field `{}` is gone", visible(name))));
        }
        if s.duplicate_fields {
            out.push(at(FindingKind::DuplicateField, "a root field appears twice".into()));
        }
        if let Some(field) = &s.invalid_text {
            let place = if field.is_empty() { "the transport wrapper".to_string() } else { format!("field `{}`", visible(field)) };
            out.push(at(FindingKind::InvalidText, format!("{place} holds invalid UTF-8 or a lone surrogate escape; logseal writes neither")));
        }
        if let (Some(sealed), Some(wrapper)) = (&s.tag, &s.wrapper_tag) {
            if sealed != wrapper {
                out.push(at(FindingKind::TagMismatch, format!("the wrapper's tag `{}` is not the sealed tag `{}`", visible(wrapper), visible(sealed))));
            }
        }
        let epoch = s.epoch.unwrap_or(0);
        if epoch >= s.seq {
            return out.push(at(FindingKind::Malformed, "key epoch beyond its sequence number".into()));
        }
        let spent = self.wasted_steps >= WASTED_STEPS_BUDGET;
        let known = self.chains.get(&s.chain).filter(|c| c.kid_known).map(|c| c.kid.clone());
        // A v2 record that names no key and that no key of the keyring verifies, on a chain
        // whose key is unknown: reported as such, its sequence number taken as present.
        let mut unproved = false;
        let (key, kid_known) = if !s.kid.is_empty() || s.version == 1 {
            match self.keys.by_id(&s.kid) {
                Some(key) => (key, true),
                None => return out.push(at(FindingKind::UnknownKey, format!("key id `{}` is not in the keyring", visible(&s.kid)))),
            }
        } else if let Some(key) = known.as_deref().and_then(|kid| self.keys.by_id(kid)) {
            (key, true)
        } else {
            // A v2 record without `k` of a chain whose key is not known yet: the key under
            // which its MAC holds (keyrings are small). When none does and the chain is new,
            // the record is not tied to any trusted key.
            if epoch > MAX_EPOCH_STEPS || (spent && epoch > CHEAP_STEPS) {
                return out.push(at(FindingKind::Malformed, "key epoch too far ahead to derive".into()));
            }
            let reader = &mut self.reader;
            let proved = self.keys.iter().enumerate().find(|(i, k)| {
                macs.holds(reader, *i, || epoch_key(&chain_mac_v(2, k.secret.expose(), &s.chain), 0, epoch), &s.mac)
            });
            let proved = proved.map(|(_, k)| k);
            if proved.is_none() {
                self.wasted_steps = self.wasted_steps.saturating_add(epoch.saturating_mul(self.keys.iter().count() as u64));
            }
            match (proved, self.keys.active()) {
                (Some(key), _) => (key, proved.is_some()),
                (None, Some(active)) => {
                    unproved = true;
                    (active, false)
                }
                (None, None) => return out.push(at(FindingKind::UnknownKey, "the keyring holds no key".into())),
            }
        };
        if !self.chains.contains_key(&s.chain) {
            let remembered = self.remembered.get(&s.chain).cloned();
            let state = ChainState {
                kid: key.id.clone(),
                key: chain_mac_v(s.version, key.secret.expose(), &s.chain),
                version: s.version,
                epoch_cache: None,
                prev_epoch: None,
                kid_known,
                next: remembered.as_ref().map_or(1, |h| h.seq + 1),
                last_mac: remembered.as_ref().map(|h| h.mac.clone()),
                missing: BTreeMap::new(),
                recent: VecDeque::new(),
                pending: None,
                remembered,
                summary: ChainSummary { chain: s.chain.clone(), kid: s.kid.clone(), ..ChainSummary::default() },
                after_checkpoint: 0,
                last_new: (self.place.input, 0),
                replay_reported: None,
            };
            self.chains.insert(s.chain.clone(), state);
            self.order.push(s.chain.clone());
        }
        let Some(chain) = self.chains.get_mut(&s.chain) else { return };
        if chain.version != s.version {
            return out.push(at(FindingKind::Malformed, format!("a v{} seal in a chain of v{} seals", s.version, chain.version)));
        }
        if chain.kid != key.id {
            // A chain is signed with one key; a record naming another was re-keyed or forged.
            chain.kid = key.id.clone();
            chain.key = chain_mac_v(s.version, key.secret.expose(), &s.chain);
            chain.epoch_cache = None;
        }
        chain.kid_known |= kid_known;
        if unproved {
            let detail = "no key of the keyring verifies it (a v2 seal names its key on record 1 and checkpoints): sealed with an unknown key, or changed";
            out.push(at(FindingKind::UnknownKey, detail.into()));
            chain.take_position(s.seq, line_no);
            return;
        }
        let Some((key, steps)) = chain.key_for(epoch, if spent { CHEAP_STEPS } else { MAX_EPOCH_STEPS }) else {
            return out.push(at(FindingKind::Malformed, "key epoch too far ahead of the chain to derive".into()));
        };
        let index = self.keys.iter().position(|k| k.id == chain.kid).unwrap_or(usize::MAX);
        let valid = macs.holds(&mut self.reader, index, || key.clone(), &s.mac);
        if !valid {
            self.wasted_steps = self.wasted_steps.saturating_add(steps);
        }
        if valid && epoch > 0 && chain.epoch_cache.as_ref().is_none_or(|(e, _)| *e < epoch) {
            chain.epoch_cache = Some((epoch, key));
        }
        if !valid {
            settle_pending(chain, None, out);
            if s.seq < chain.next && !chain.missing_contains(s.seq) {
                out.push(at(FindingKind::Inserted, "bad MAC on a sequence number already verified: inserted or forged".into()));
            } else {
                chain.pending = Some((line_no, s.seq));
            }
            return;
        }
        settle_pending(chain, Some(s.seq), out);
        chain.accept(&s, line_no, &mut self.place, out);
    }

    /// Ends the input: open gaps become deletions, and each chain's summary is returned.
    pub fn finish(&mut self, out: &mut Vec<Finding>) -> Vec<ChainSummary> {
        let mut summaries = Vec::new();
        for id in &self.order {
            let Some(chain) = self.chains.get_mut(id) else { continue };
            settle_pending(chain, None, out);
            for (&from, &(to, line)) in &chain.missing {
                out.push(Finding {
                    kind: FindingKind::Deleted { from, to },
                    line,
                    chain: Some(id.clone()),
                    seq: Some(from),
                    detail: if from == to { format!("record {from} is missing") } else { format!("records {from} to {to} are missing") },
                });
            }
            if let Some(head) = &chain.remembered {
                if chain.summary.verified > 0 && chain.summary.last_seq < head.seq {
                    out.push(Finding {
                        kind: FindingKind::Truncated,
                        line: 0,
                        chain: Some(id.clone()),
                        seq: Some(chain.summary.last_seq),
                        detail: format!("the chain ends at {} but an earlier run verified up to {}", chain.summary.last_seq, head.seq),
                    });
                }
            }
            if chain.after_checkpoint > 0 && chain.summary.last_checkpoint.is_some() {
                out.push(Finding {
                    kind: FindingKind::AfterCheckpoint { records: chain.after_checkpoint },
                    line: 0,
                    chain: Some(id.clone()),
                    seq: chain.summary.last_checkpoint,
                    detail: format!("{} records after the last checkpoint", chain.after_checkpoint),
                });
            }
            summaries.push(chain.summary.clone());
        }
        for (id, head) in &self.remembered {
            if !self.chains.contains_key(id) {
                out.push(Finding {
                    kind: FindingKind::ChainNotSeen,
                    line: 0,
                    chain: Some(id.clone()),
                    seq: Some(head.seq),
                    detail: "remembered in the state file, not in this input".into(),
                });
            }
        }
        summaries
    }
}

impl ChainState {
    /// The key of `epoch` and the steps it took: stepped forward from the latest verified
    /// epoch's key or from the chain key; None when that takes more than `max` steps.
    fn key_for(&self, epoch: u64, max: u64) -> Option<(HmacSha256, u64)> {
        let (from, base) = match &self.epoch_cache {
            Some((e, k)) if *e <= epoch => (*e, k),
            _ => (0, &self.key),
        };
        let steps = epoch - from;
        if steps > max {
            return None;
        }
        Some((epoch_key(base, from, epoch), steps))
    }

    /// A record whose MAC failed holds `seq`: the number counts as present, not deleted.
    fn take_position(&mut self, seq: u64, line: u64) {
        if seq >= self.next {
            if seq > self.next {
                self.missing.insert(self.next, (seq - 1, line));
            }
            self.next = seq + 1;
            // The link to the next record cannot be checked against a changed record.
            self.last_mac = None;
        } else {
            self.fill(seq);
        }
    }

    fn missing_contains(&self, seq: u64) -> bool {
        self.missing.range(..=seq).next_back().is_some_and(|(_, &(end, _))| seq <= end)
    }

    /// Removes `seq` from the missing ranges; true if it was missing.
    fn fill(&mut self, seq: u64) -> bool {
        let Some((&start, &(end, line))) = self.missing.range(..=seq).next_back() else { return false };
        if seq > end {
            return false;
        }
        self.missing.remove(&start);
        if start < seq {
            self.missing.insert(start, (seq - 1, line));
        }
        if seq < end {
            self.missing.insert(seq + 1, (end, line));
        }
        true
    }

    fn remember_recent(&mut self, seq: u64, mac: &str, input: u32) {
        if self.recent.len() == RECENT_WINDOW {
            self.recent.pop_front();
        }
        self.recent.push_back((seq, fingerprint(mac), input));
    }

    /// Reports a replay of this chain, once per input.
    fn replay(&mut self, at: impl Fn(FindingKind, String) -> Finding, place: &Place, detail: &str, out: &mut Vec<Finding>) {
        if self.replay_reported != Some(place.input) {
            self.replay_reported = Some(place.input);
            out.push(at(FindingKind::ReplayedChain, format!("{detail}: a replayed chain (further copies in this file are not listed)")));
        }
    }

    /// Takes a record whose MAC holds.
    ///
    /// A copy of a record verified before is a shipper's redelivery (`duplicate`) unless the
    /// chain already ended where the verifier saw it: the copy's original was verified in an
    /// earlier input (file) or an earlier run (`--state`), and this input has moved on (held a
    /// record new to the verifier) before the copy; or the copy is the chain's record 1, in the
    /// input where the chain last advanced (beyond record 1), after another chain started there
    /// since: the chain starting again after its end. Copies at
    /// the top of an input (a re-read of an appended file, a redelivery across a rotation) and
    /// interleaved live chains are not replays.
    fn accept(&mut self, s: &Sealed, line: u64, place: &mut Place, out: &mut Vec<Finding>) {
        let at = |kind, detail: String| Finding { kind, line, chain: Some(s.chain.clone()), seq: Some(s.seq), detail };
        let fp = fingerprint(&s.mac);
        if s.seq < self.next && !self.missing_contains(s.seq) {
            // Seen before (or before the remembered head).
            if let Some(&(_, seen, input)) = self.recent.iter().rev().find(|(q, _, _)| *q == s.seq) {
                if seen != fp {
                    return out.push(at(FindingKind::Replayed, "another validly sealed record holds this sequence number".into()));
                }
                if input < place.input && place.moved_on {
                    return self.replay(at, place, "a copy of a record verified in an earlier file, after this file moved on", out);
                }
                if s.seq == 1 && self.next > 2 && self.last_new.0 == place.input && place.starts > self.last_new.1 {
                    return self.replay(at, place, "the chain starts again after a later chain started", out);
                }
                self.summary.duplicates += 1;
                return out.push(at(FindingKind::Duplicate, "identical copy of a record already verified".into()));
            }
            if let Some(head) = &self.remembered {
                if s.seq == head.seq && s.mac != head.mac {
                    return out.push(at(FindingKind::Rollback, "differs from the record an earlier run verified here".into()));
                }
                if s.seq <= head.seq {
                    if place.moved_on {
                        return self.replay(at, place, "a copy of a record an earlier run verified, after this file moved on", out);
                    }
                    // Verified by an earlier run (a re-read of the file); its MAC still holds.
                    self.count(s, place.input);
                    return;
                }
            }
            return out.push(at(FindingKind::Replayed, "sequence number seen before, outside the duplicate window".into()));
        }
        // A record new to the verifier.
        if s.seq == 1 {
            place.starts += 1;
        }
        place.moved_on = true;
        self.last_new = (place.input, place.starts);
        if s.seq < self.next {
            self.fill(s.seq);
            out.push(at(FindingKind::Reordered, "arrived after later records of its chain".into()));
        } else {
            if s.seq > self.next {
                self.missing.insert(self.next, (s.seq - 1, line));
            } else {
                let expected = self.last_mac.as_deref().unwrap_or("");
                // v2 writes no link: its MAC binds the chain and the sequence number alone.
                let linked = s.version != 1 || if self.next == 1 { s.prev.is_empty() } else { self.last_mac.is_none() || s.prev == expected };
                if !linked {
                    out.push(at(FindingKind::ChainBreak, "its previous-MAC link does not match the record before it".into()));
                }
                if let Some((seq, epoch, last)) = self.prev_epoch {
                    if seq.checked_add(1) == Some(s.seq) && epoch.map(|e| e.saturating_add(last as u64)) != s.epoch {
                        out.push(at(FindingKind::EpochBreak, "its key epoch does not follow the record before it: re-sealed with a later key".into()));
                    }
                }
            }
            self.next = s.seq + 1;
            self.last_mac = Some(s.mac.clone());
            self.prev_epoch = Some((s.seq, s.epoch, s.last_of_epoch));
        }
        if let Some(dropped) = s.gap {
            let from = s.seq.saturating_sub(dropped).max(1);
            for q in from..s.seq {
                self.fill(q);
            }
            self.summary.declared_dropped += dropped;
            out.push(at(FindingKind::DeclaredGap { dropped }, format!("the host declared {dropped} sealed records dropped before this one")));
        }
        if let Some(count) = s.checkpoint {
            if count != s.seq {
                out.push(at(FindingKind::Malformed, format!("checkpoint count {count} does not match sequence {}", s.seq)));
            }
            self.summary.last_checkpoint = Some(s.seq);
            self.after_checkpoint = 0;
        } else if self.summary.last_checkpoint.is_some_and(|c| s.seq > c) {
            self.after_checkpoint += 1;
        }
        self.count(s, place.input);
    }

    /// Counts a verified record and remembers it for redelivery checks.
    fn count(&mut self, s: &Sealed, input: u32) {
        self.remember_recent(s.seq, &s.mac, input);
        if s.instance.is_some() && self.summary.instance != s.instance {
            self.summary.instance = s.instance.clone();
        }
        if self.summary.verified == 0 || s.seq < self.summary.first_seq {
            self.summary.first_seq = s.seq;
        }
        if s.seq >= self.summary.last_seq {
            self.summary.last_seq = s.seq;
            self.summary.head_mac = s.mac.clone();
        }
        self.summary.verified += 1;
    }
}

/// Resolves a waiting bad-MAC record: inserted when a genuine record holds its sequence
/// number, modified otherwise (its sequence number counts as present, not deleted).
fn settle_pending(chain: &mut ChainState, next_seq: Option<u64>, out: &mut Vec<Finding>) {
    let Some((line, seq)) = chain.pending.take() else { return };
    let finding = |kind, detail: &str| Finding { kind, line, chain: Some(chain.summary.chain.clone()), seq: Some(seq), detail: detail.into() };
    if next_seq == Some(seq) {
        out.push(finding(FindingKind::Inserted, "bad MAC, and a genuine record holds its sequence number: inserted or forged"));
        return;
    }
    out.push(finding(FindingKind::Modified, "bad MAC: the record was changed after sealing"));
    chain.take_position(seq, line);
}

/// A blank or white-space-only line: not a record.
pub fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

/// How the verifier checks the MAC of the line it takes: with its own reader, or from the
/// verdicts [`Ahead`] computed, reading the line itself only for a check it lacks.
struct MacCheck<'a> {
    verdicts: &'a Verdicts,
    line: &'a [u8],
    /// The verifier's reader holds this line.
    read_here: bool,
}

impl MacCheck<'_> {
    /// Whether the line's MAC holds under `key` (the key at `index` in the keyring, at the
    /// record's epoch); `key` is derived only when no verdict answers.
    fn holds(&mut self, reader: &mut Reader, index: usize, key: impl FnOnce() -> HmacSha256, mac: &str) -> bool {
        if let Some(v) = self.verdicts.get(index) {
            return v;
        }
        if !self.read_here {
            // The same line reads the same; its result was already taken from the worker.
            let _ = reader.read(self.line);
            self.read_here = true;
        }
        reader.mac_holds(&key(), mac)
    }
}

fn fingerprint(mac: &str) -> u64 {
    // Not a security check (the MAC itself was verified): tells identical copies apart cheaply.
    mac.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x100_0000_01b3))
}

/// Names from records, made safe to print: controls and quotes escaped, length bounded.
fn visible(text: &str) -> String {
    let mut out = Vec::new();
    let cut = text.char_indices().nth(64).map_or(text.len(), |(i, _)| i);
    crate::stage::escape::encode_visible(&text.as_bytes()[..cut], false, &mut out);
    String::from_utf8_lossy(&out).into_owned()
}
