//! Sampling and noise control that never samples away security events. Off unless the policy
//! asks; runs after classify and before redaction, so a dropped record costs little.
//!
//! - Consistent sampling: a record is kept when a keyed hash (HMAC-SHA256 with the `sample` key
//!   from the keyring, so nobody can craft ids that are always dropped) of its chosen field
//!   (`request_id`, `trace_id`, ...) falls under the rate. All records of one request are kept or
//!   dropped together, on every host with the same seed.
//! - Rates per predicate (first match), per level, then a default.
//! - Always kept: level WARN and above, status 400 and above, and every record classify tagged,
//!   in any spelling. Never sampled, rate-limited or deduplicated away.
//! - Rate limiting per key (token bucket on host time; a clock that jumps back refills nothing).
//! - Deduplication: the first of a key goes out, repeats within the window are counted, and the
//!   next record out of that key carries the count.
//!
//! Per-key state is bounded (`max_keys`, oldest evicted first, evictions counted).

use crate::json::Kind;
use crate::stage::context::Pass;
use crate::keys::Secret;
use crate::stage::notes::{tag, Notes};
use crate::predicate::{Facts, Predicate};
use crate::record::{FieldPath, Record, Scratch};
use crate::stage::fields::Fields;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::{HashMap, VecDeque};

/// What the sampler decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Keep,
    /// Dropped by a rate (the rate is in `Notes::sample_rate`).
    SampledOut,
    RateLimited,
    Duplicate,
}

/// What to do with a record that lacks every consistent-sampling field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// Keep it (fail safe: nothing is lost).
    Keep,
    /// Sample it by a hash of its whole content.
    Content,
    /// Drop it.
    Drop,
}

/// The compiled sampling settings.
#[derive(Debug)]
pub struct Sampler {
    pub by: Vec<FieldPath>,
    pub missing: Missing,
    pub default_rate: f64,
    /// Rate per level index (see `level::LEVELS`), when set.
    pub levels: [Option<f64>; 6],
    pub rules: Vec<(Predicate, f64)>,
    pub limit: Option<Limit>,
    pub dedup: Option<Dedup>,
    pub max_keys: usize,
    pub seed: Option<Secret>,
}

/// Token bucket settings: `records` per `per_ns` for each value of `by`.
#[derive(Clone, Debug)]
pub struct Limit {
    pub by: FieldPath,
    pub records: f64,
    pub per_ns: i64,
}

/// Deduplication settings: records with equal `by` values within `window_ns` are repeats.
#[derive(Clone, Debug)]
pub struct Dedup {
    pub by: Vec<FieldPath>,
    pub window_ns: i64,
}

/// Per-key state, bounded.
#[derive(Default)]
pub struct State {
    buckets: Bounded<(f64, i64)>,
    windows: Bounded<(i64, u64)>,
    key: Vec<u8>,
    part: Vec<u8>,
    /// Keys evicted to stay within `max_keys`.
    pub evictions: u64,
}

/// A map with at most `max` entries; the oldest-inserted goes first.
struct Bounded<V> {
    map: HashMap<Box<[u8]>, V>,
    order: VecDeque<Box<[u8]>>,
}

impl<V> Default for Bounded<V> {
    fn default() -> Self {
        Bounded { map: HashMap::new(), order: VecDeque::new() }
    }
}

impl<V> Bounded<V> {
    /// The entry for `key`, inserted with `init` if absent; evicts the oldest when full.
    fn entry(&mut self, key: &[u8], max: usize, evictions: &mut u64, init: impl FnOnce() -> V) -> Option<&mut V> {
        if !self.map.contains_key(key) {
            while self.map.len() >= max.max(1) {
                match self.order.pop_front() {
                    Some(old) => {
                        self.map.remove(&old);
                        *evictions += 1;
                    }
                    None => break,
                }
            }
            let k: Box<[u8]> = key.into();
            self.order.push_back(k.clone());
            self.map.insert(k, init());
        }
        self.map.get_mut(key)
    }
}

impl Sampler {
    /// True when sampling does anything at all.
    pub fn active(&self) -> bool {
        self.default_rate < 1.0 || self.levels.iter().any(|l| l.is_some_and(|r| r < 1.0)) || !self.rules.is_empty() || self.limit.is_some() || self.dedup.is_some()
    }

    /// Decides the fate of the record: its bytes are hashed when content decides, the host's
    /// time drives the limiter and dedup windows.
    pub fn decide(&self, cx: &mut Pass, st: &mut State) -> Decision {
        let Pass { rec, fields, host, notes, scratch, .. } = cx;
        let (rec, fields, line, host_tag, host_ns) = (&*rec, &**fields, rec.input, host.tag, host.time_ns);
        if self.always_keep(rec, fields, notes, scratch) {
            return Decision::Keep;
        }
        let rate = self.rate(rec, fields, host_tag, scratch);
        // A rate of 0 drops every record it applies to, with or without a `by` field.
        if rate <= 0.0 {
            return Decision::SampledOut;
        }
        if rate < 1.0 {
            let keep = match self.key(rec, scratch, &mut st.key) {
                true => self.under(&st.key, rate),
                false => match self.missing {
                    Missing::Keep => true,
                    Missing::Drop => false,
                    Missing::Content => self.under(line, rate),
                },
            };
            if !keep {
                notes.sample_rate = Some(rate);
                return Decision::SampledOut;
            }
            notes.sample_rate = Some(rate);
        }
        if let Some(limit) = &self.limit {
            let refill = limit.records / limit.per_ns as f64;
            let found = value_bytes(rec, &limit.by, scratch, &mut st.key).is_some();
            let bucket = if found { st.buckets.entry(&st.key, self.max_keys, &mut st.evictions, || (limit.records, host_ns)) } else { None };
            if let Some(bucket) = bucket {
                // Host time only; a clock that jumps back refills nothing.
                let elapsed = host_ns.saturating_sub(bucket.1).max(0);
                bucket.0 = (bucket.0 + elapsed as f64 * refill).min(limit.records);
                bucket.1 = bucket.1.max(host_ns);
                if bucket.0 < 1.0 {
                    return Decision::RateLimited;
                }
                bucket.0 -= 1.0;
            }
        }
        if let Some(dedup) = &self.dedup {
            st.key.clear();
            let mut any = false;
            for p in &dedup.by {
                if let Some(one) = value_bytes(rec, p, scratch, &mut st.part) {
                    any = true;
                    // Length-prefixed, so ("ab","c") and ("a","bc") differ.
                    st.key.extend_from_slice(&(one.len() as u32).to_le_bytes());
                    st.key.extend_from_slice(one);
                }
            }
            let window = if any { st.windows.entry(&st.key, self.max_keys, &mut st.evictions, || (i64::MIN, 0)) } else { None };
            if let Some(window) = window {
                let within = window.0 != i64::MIN && host_ns >= window.0 && host_ns - window.0 < dedup.window_ns;
                if within {
                    window.1 += 1;
                    return Decision::Duplicate;
                }
                if window.1 > 0 {
                    notes.repeats = Some(window.1);
                }
                *window = (host_ns, 0);
            }
        }
        Decision::Keep
    }

    /// Level WARN and above, status 400 and above, or a classify tag.
    fn always_keep(&self, rec: &Record, fields: &Fields, notes: &Notes, scratch: &mut Scratch) -> bool {
        if notes.tags & (tag::AUTH_FAILURE | tag::ACCESS_DENIED | tag::SERVER_ERROR) != 0 || notes.custom_tags != 0 {
            return true;
        }
        fields.level(rec, scratch).is_some_and(|l| l >= 3) || fields.status(rec, scratch).is_some_and(|s| s >= 400.0)
    }

    fn rate(&self, rec: &Record, fields: &Fields, host_tag: &[u8], scratch: &mut Scratch) -> f64 {
        let facts = Facts { tag: host_tag };
        if let Some((_, r)) = self.rules.iter().find(|(p, _)| p.eval(rec, &facts, scratch)) {
            return *r;
        }
        if let Some(r) = fields.level(rec, scratch).and_then(|l| self.levels[l]) {
            return r;
        }
        self.default_rate
    }

    /// The consistent-sampling key of `rec` into `out`; false when no field is present.
    fn key(&self, rec: &Record, scratch: &mut Scratch, out: &mut Vec<u8>) -> bool {
        self.by.iter().any(|p| value_bytes(rec, p, scratch, out).is_some())
    }

    /// Keyed hash of `key` under `rate`.
    fn under(&self, key: &[u8], rate: f64) -> bool {
        if rate <= 0.0 {
            return false;
        }
        let Some(mut mac) = self.seed.as_ref().and_then(|s| Hmac::<Sha256>::new_from_slice(s.expose()).ok()) else {
            return true; // a plan without a seed never samples (the policy refuses it anyway)
        };
        mac.update(key);
        let tag = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&tag[..8]);
        let h = u64::from_be_bytes(first);
        (h as f64) < rate * 18_446_744_073_709_551_616.0
    }
}

/// The value at `path` as bytes (decoded text of strings, raw JSON of anything else) into `out`.
fn value_bytes<'o>(rec: &Record, path: &FieldPath, scratch: &mut Scratch, out: &'o mut Vec<u8>) -> Option<&'o [u8]> {
    let idx = rec.find(path, scratch)?;
    let tok = rec.token(idx)?;
    out.clear();
    match tok.kind {
        Kind::Str => out.extend_from_slice(rec.text(tok, scratch)),
        Kind::Null => return None,
        _ => out.extend_from_slice(rec.input.get(tok.start as usize..tok.end as usize)?),
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_state_evicts_the_oldest_and_counts() {
        let mut b: Bounded<u32> = Bounded::default();
        let mut evictions = 0;
        for i in 0..10u32 {
            *b.entry(&i.to_le_bytes(), 4, &mut evictions, || 0).unwrap() += 1;
        }
        assert_eq!(b.map.len(), 4);
        assert_eq!(evictions, 6);
        assert!(b.map.contains_key(&9u32.to_le_bytes()[..]) && !b.map.contains_key(&0u32.to_le_bytes()[..]));
        *b.entry(&9u32.to_le_bytes(), 4, &mut evictions, || 0).unwrap() += 1;
        assert_eq!(b.map[&9u32.to_le_bytes()[..]], 2, "an existing key is updated, nothing evicted");
        assert_eq!(evictions, 6);
    }

    #[test]
    fn rate_thresholds_cover_the_edges() {
        let s = Sampler {
            by: Vec::new(),
            missing: Missing::Keep,
            default_rate: 1.0,
            levels: [None; 6],
            rules: Vec::new(),
            limit: None,
            dedup: None,
            max_keys: 10,
            seed: Some(Secret::new(vec![7; 32])),
        };
        assert!((0..1000).all(|i: u32| s.under(&i.to_le_bytes(), 1.0)));
        assert!((0..1000).all(|i: u32| !s.under(&i.to_le_bytes(), 0.0)));
        let unseeded = Sampler { seed: None, ..s };
        assert!(unseeded.under(b"x", 0.5), "without a seed nothing is sampled away");
    }
}
