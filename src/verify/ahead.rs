//! Reading records ahead of the verifier: the per-record work of verification (the JSON read,
//! the canonical form, the HMAC) that does not depend on the records before, so that worker
//! threads can do it for many lines at once while one [`Verifier`](super::Verifier) takes the
//! results in input order ([`Verifier::line_prepared`](super::Verifier::line_prepared)).
//!
//! What a record's MAC is checked under depends on the chain's state (the key a chain is known
//! by, for a v2 record that names none), which only the ordered verifier knows. The key itself
//! does not: the key of key `i` for chain `c`, seal version `v` and epoch `e` is one value
//! however it is derived. So [`Ahead`] checks the MAC under the key the record names, or the
//! key its chain verified under before (in this worker's lines), or each key of the keyring in
//! turn as the verifier would, and hands over the verdicts; the verifier uses a verdict where
//! one answers its question and checks the MAC itself otherwise. The findings are the same as
//! reading every line in one thread, whatever the worker guessed.

use super::record::{ReadError, Reader, Sealed};
use super::{is_blank, CHEAP_STEPS, MAX_EPOCH_STEPS, WASTED_STEPS_BUDGET};
use crate::keys::KeySet;
use crate::stage::seal::{chain_mac_v, epoch_key, HmacSha256};
use std::collections::HashMap;

/// How many MAC verdicts a record carries at most (one is the rule; more only while a worker
/// tries the keys of a keyring for a chain it has not seen verify).
const MAX_VERDICTS: usize = 4;

/// How many chains' derived keys a worker keeps before it forgets them all (a bound on memory
/// against inputs of endless distinct chain ids; forgetting costs speed, never a finding).
const MAX_CHAINS: usize = 4096;

/// MAC verdicts computed ahead for one record: (index of the key in the keyring, holds), each
/// under that key's chain key at the record's own epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Verdicts {
    len: u8,
    entries: [(u16, bool); MAX_VERDICTS],
}

impl Verdicts {
    /// The verdict for the key at `index`, if one was computed.
    pub fn get(&self, index: usize) -> Option<bool> {
        self.entries.iter().take(self.len as usize).find(|(i, _)| *i as usize == index).map(|&(_, holds)| holds)
    }

    fn push(&mut self, index: usize, holds: bool) {
        if let (Some(slot), Ok(index)) = (self.entries.get_mut(self.len as usize), u16::try_from(index)) {
            *slot = (index, holds);
            self.len += 1;
        }
    }

    /// How many verdicts are held.
    pub fn len(&self) -> usize {
        self.len as usize
    }

    /// True when no verdict was computed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// One line read ahead: its seal (or why it has none) and the MAC verdicts computed for it.
#[derive(Clone, Debug)]
pub struct Prepared {
    pub read: Result<Sealed, ReadError>,
    pub verdicts: Verdicts,
}

/// A chain's keys as one worker last derived them.
struct ChainKeys {
    index: usize,
    version: u32,
    key: HmacSha256,
    /// The key of the latest epoch a record verified in.
    epoch: Option<(u64, HmacSha256)>,
}

/// Reads lines and checks their MACs ahead of the verifier; one per worker thread.
pub struct Ahead {
    keys: KeySet,
    reader: Reader,
    chains: HashMap<String, ChainKeys>,
    /// Key-evolution steps spent on MACs that failed, bounded as the verifier bounds its own.
    wasted_steps: u64,
}

impl Ahead {
    /// A reader for the keyring the verifier holds (the same keys in the same order: verdicts
    /// name keys by their place in it).
    pub fn new(keys: KeySet) -> Ahead {
        Ahead { keys, reader: Reader::default(), chains: HashMap::new(), wasted_steps: 0 }
    }

    /// Reads `line`; None for a blank line (not a record).
    pub fn prepare(&mut self, line: &[u8]) -> Option<Prepared> {
        if is_blank(line) {
            return None;
        }
        let read = self.reader.read(line);
        let mut verdicts = Verdicts::default();
        if let Ok(s) = &read {
            self.check_ahead(s, &mut verdicts);
        }
        Some(Prepared { read, verdicts })
    }

    fn check_ahead(&mut self, s: &Sealed, verdicts: &mut Verdicts) {
        let epoch = s.epoch.unwrap_or(0);
        if epoch >= s.seq {
            return; // malformed: the verifier checks no MAC
        }
        if !s.kid.is_empty() || s.version == 1 {
            let named = self.keys.iter().position(|k| k.id == s.kid);
            if let Some(index) = named {
                self.check(index, s, epoch, verdicts);
            }
            return;
        }
        // A v2 record that names no key: the chain's key as this worker saw it verify, or
        // each key in keyring order up to the first that holds (as the verifier tries them).
        if let Some(index) = self.chains.get(&s.chain).map(|c| c.index) {
            self.check(index, s, epoch, verdicts);
            return;
        }
        for index in 0..self.keys.iter().count().min(MAX_VERDICTS) {
            if self.check(index, s, epoch, verdicts) == Some(true) {
                return;
            }
        }
    }

    /// Checks the record's MAC under key `index` at `epoch`, recording the verdict; None when
    /// deriving the epoch's key would take more steps than allowed (the verifier decides).
    fn check(&mut self, index: usize, s: &Sealed, epoch: u64, verdicts: &mut Verdicts) -> Option<bool> {
        let master = self.keys.iter().nth(index)?;
        let cached = self.chains.get(&s.chain).filter(|c| c.index == index && c.version == s.version);
        let fresh;
        let (from, base) = match cached {
            Some(ChainKeys { epoch: Some((e, k)), .. }) if *e <= epoch => (*e, k),
            Some(c) => (0, &c.key),
            None => {
                fresh = chain_mac_v(s.version, master.secret.expose(), &s.chain);
                (0, &fresh)
            }
        };
        let steps = epoch - from;
        let max = if self.wasted_steps >= WASTED_STEPS_BUDGET { CHEAP_STEPS } else { MAX_EPOCH_STEPS };
        if steps > max {
            return None;
        }
        let key = epoch_key(base, from, epoch);
        let holds = self.reader.mac_holds(&key, &s.mac);
        verdicts.push(index, holds);
        if !holds {
            self.wasted_steps = self.wasted_steps.saturating_add(steps);
            return Some(false);
        }
        if self.chains.get(&s.chain).is_none_or(|c| c.index != index || c.version != s.version) {
            if self.chains.len() >= MAX_CHAINS {
                self.chains.clear();
            }
            let chain_key = chain_mac_v(s.version, master.secret.expose(), &s.chain);
            self.chains.insert(s.chain.clone(), ChainKeys { index, version: s.version, key: chain_key, epoch: None });
        }
        if let Some(c) = self.chains.get_mut(&s.chain) {
            if epoch > 0 && c.epoch.as_ref().is_none_or(|(e, _)| *e < epoch) {
                c.epoch = Some((epoch, key));
            }
        }
        Some(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_hold_at_most_their_capacity_and_answer_by_key_index() {
        let mut v = Verdicts::default();
        assert!(v.is_empty() && v.get(0).is_none());
        for i in 0..MAX_VERDICTS + 2 {
            v.push(i, i % 2 == 0);
        }
        assert_eq!(v.len(), MAX_VERDICTS);
        assert_eq!((v.get(0), v.get(1), v.get(MAX_VERDICTS)), (Some(true), Some(false), None));
    }

    #[test]
    fn blank_lines_are_not_records_and_others_are_read() {
        let mut a = Ahead::new(KeySet::default());
        assert!(a.prepare(b" \t\r").is_none());
        let p = a.prepare(br#"{"msg":"hi"}"#).expect("a record");
        assert_eq!(p.read, Err(ReadError::Unsealed));
        assert!(p.verdicts.is_empty());
    }
}
