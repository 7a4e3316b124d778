//! The filter: a compiled plan plus the state and reusable buffers one record needs.
//! [`Filter::process`] reads as the pipeline it is.

use crate::edits::Edits;
use crate::json::Token;
use crate::stage::notes::{Labels, Notes, RecordError};
use crate::policy::Plan;
use crate::record::{Record, Scratch};
use crate::stage::redact::kind::Kind;
use crate::stage::redact::{self, allowlist};
use crate::stage::fields::Fields;
use crate::stage::sample::{self, Decision};
use crate::stage::encrypt::{Crypt, Place};
use crate::stage::seal::{self, Chain, SealError, CHAIN_RANDOM_BYTES};
use crate::stage::context::Pass;
use crate::stage::{parse, write};

pub use crate::stage::context::Context;

/// The host's randomness: fills the buffer, or returns false when it cannot.
pub type RandomFill = Box<dyn FnMut(&mut [u8]) -> bool>;

/// What became of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// `out` holds the record.
    Emitted,
    /// `out` holds the record, marked with an error under the reserved key.
    EmittedWithError,
    /// The record was dropped on purpose (sampling); `out` is empty.
    Dropped,
}

/// Counts since the filter was made. Hosts report them; they never hold record content.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub records: u64,
    pub emitted: u64,
    pub dropped: u64,
    /// Records that went out marked with an error.
    pub errors: u64,
    /// Records cut down by a limit (see `logseal.cut`).
    pub cut: u64,
    /// Records dropped by a sampling rate.
    pub sampled_out: u64,
    /// Records dropped by the rate limiter.
    pub rate_limited: u64,
    /// Repeats dropped by deduplication (counted on the next record out, too).
    pub duplicates: u64,
    /// Limiter and dedup keys evicted to keep state bounded.
    pub evictions: u64,
    /// Records that went out sealed.
    pub sealed: u64,
    /// What redaction removed, per kind ([`Kind::index`]), summed over the records out.
    pub redacted: [u64; Kind::COUNT],
}

impl Counters {
    /// The counters as one JSON object, as every host reports them (`--stats`, `logseal_stats`).
    ///
    /// ```
    /// let c = logseal::Counters { records: 2, emitted: 1, dropped: 1, ..Default::default() };
    /// assert!(c.to_json().starts_with(r#"{"records":2,"emitted":1,"dropped":1,"errors":0,"#));
    /// ```
    pub fn to_json(&self) -> String {
        self.to_json_with_rules(&[])
    }

    /// [`Counters::to_json`] with the custom rules' counts (name, count) beside the kinds in
    /// `redacted`, as [`Filter::stats_json`] gives them.
    pub fn to_json_with_rules(&self, rules: &[(&str, u64)]) -> String {
        let mut s = format!(
            r#"{{"records":{},"emitted":{},"dropped":{},"errors":{},"cut":{},"sampled_out":{},"rate_limited":{},"duplicates":{},"evictions":{},"sealed":{},"redacted":{{"#,
            self.records, self.emitted, self.dropped, self.errors, self.cut, self.sampled_out, self.rate_limited, self.duplicates, self.evictions, self.sealed
        );
        let kinds = Kind::ALL.iter().map(|k| (k.name(), self.redacted[k.index()]));
        let mut sep = "";
        for (name, n) in kinds.chain(rules.iter().copied()).filter(|(_, n)| *n > 0) {
            // Rule names are a-z, 0-9 and _ (the policy refuses others): no escaping needed.
            s.push_str(&format!("{sep}\"{name}\":{n}"));
            sep = ",";
        }
        s.push_str("}}");
        s
    }
}

/// A compiled plan with its per-record buffers. Buffers are reused: after warm-up the
/// per-record path allocates nothing.
///
/// ```
/// use logseal::{Context, Filter, Outcome, Plan};
/// let mut filter = Filter::new(Plan::default_policy());
/// let mut out = Vec::new();
/// let ctx = Context { time_ns: 1_764_237_600_000_000_000, ..Context::default() };
/// let outcome = filter.process(b"disk full", &ctx, &mut out);
/// assert_eq!(outcome, Outcome::Emitted);
/// assert_eq!(out, br#"{"message":"disk full","logseal":{"v":1,"ingest":"2025-11-27T10:00:00.000000000Z"}}"#);
/// ```
pub struct Filter {
    plan: Plan,
    tape: Vec<Token>,
    stack: Vec<u32>,
    edits: Edits,
    notes: Notes,
    scratch: Scratch,
    writer: write::Buffers,
    walk: allowlist::Walk,
    redact: redact::State,
    /// Scratch for text stages compose (timestamps).
    buf: Vec<u8>,
    /// The JSON object a text format made of a plain-text line (`parse.formats`).
    text: Vec<u8>,
    sample: sample::State,
    /// The hash chain, once the host gave randomness to start one (sealing policies only).
    chain: Option<Chain>,
    seal: seal::Buffers,
    /// The host's randomness, for encryption nonces (None: encrypted values are masked).
    random: Option<RandomFill>,
    counters: Counters,
    /// What each custom rule removed, summed (by the plan's rule order).
    rule_counts: Vec<u64>,
}

impl Filter {
    pub fn new(plan: Plan) -> Filter {
        let mut notes = Notes::default();
        let plan_rules = plan.redactor.rule_count();
        notes.rules.resize(plan_rules, 0);
        Filter {
            plan,
            tape: Vec::new(),
            stack: Vec::new(),
            edits: Edits::default(),
            notes,
            scratch: Scratch::default(),
            writer: write::Buffers::default(),
            walk: allowlist::Walk::default(),
            redact: redact::State::default(),
            buf: Vec::new(),
            text: Vec::new(),
            sample: sample::State::default(),
            chain: None,
            seal: seal::Buffers::default(),
            random: None,
            counters: Counters::default(),
            rule_counts: vec![0; plan_rules],
        }
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    pub fn counters(&self) -> Counters {
        self.counters
    }

    /// The counters as every host reports them: [`Counters::to_json`] with each custom rule's
    /// count beside the kinds under `redacted` (counts and names, never values).
    pub fn stats_json(&self) -> String {
        let rules: Vec<(&str, u64)> = self.plan.redactor.rules().iter().map(|r| r.name.as_str()).zip(self.rule_counts.iter().copied()).collect();
        self.counters.to_json_with_rules(&rules)
    }

    /// Values each custom rule redacted so far, in the order of the plan's rules
    /// (`plan().redactor.rules()`).
    pub fn rule_counts(&self) -> &[u64] {
        &self.rule_counts
    }

    /// What the last `process` said about its record (redactions per kind, tags, error), for
    /// a host that summarises a run.
    pub fn notes(&self) -> &Notes {
        &self.notes
    }

    /// Starts a new hash chain from randomness the host drew (getrandom, WASI `random_get`):
    /// a sealing policy seals nothing until this is called. No-op for policies without `seal`.
    pub fn start_chain(&mut self, random: &[u8; CHAIN_RANDOM_BYTES]) {
        // Once a forward-secure chain forgot the master key, no new chain can start: the
        // running one goes on.
        if let Some(chain) = self.plan.sealer.as_ref().and_then(|s| s.start(random)) {
            self.chain = Some(chain);
        }
        // Forward security: the master key would derive every epoch key of the chain.
        if self.chain.is_some() && self.plan.sealer.as_ref().is_some_and(|s| s.evolves()) {
            self.plan.forget_seal_master();
        }
    }

    /// Gives the filter the host's randomness (getrandom, WASI `random_get`), for encryption
    /// nonces. `fill` returns false when it cannot fill the buffer: those values are masked and
    /// the record is marked, never encrypted with a weak nonce.
    pub fn set_random(&mut self, fill: RandomFill) {
        self.random = Some(fill);
    }

    /// What the last record's redaction removed, per built-in kind (indexed as
    /// `stage::redact::kind::Kind::ALL`), for hosts that export per-kind counters.
    pub fn last_redacted(&self) -> &[u32] {
        &self.notes.redacted
    }

    /// The running hash chain, if any.
    pub fn chain(&self) -> Option<&Chain> {
        self.chain.as_ref()
    }

    /// Writes a sealed gap record saying the host dropped the `dropped` records sealed just
    /// before it (a full queue), so a verifier can tell a declared gap from a deletion.
    pub fn declare_gap(&mut self, dropped: u64, time_ns: i64, out: &mut Vec<u8>) -> Outcome {
        out.clear();
        self.notes.clear();
        self.notes.gap = Some(dropped);
        out.push(b'{');
        self.finish(false, time_ns, None, out)
    }

    /// Filters one record (one line, with or without its line end) into `out`, which is
    /// cleared first and holds exactly one JSON object without a line end, or nothing.
    pub fn process(&mut self, line: &[u8], ctx: &Context, out: &mut Vec<u8>) -> Outcome {
        out.clear();
        self.notes.clear();
        let input = parse::parse(line, ctx.declared_len, &self.plan.parser, &mut self.tape, &mut self.stack, &mut self.notes, &mut self.text);
        let rec = Record { input, tape: &self.tape };
        self.edits.reset(self.tape.len());

        let fields = Fields::find(&rec, &mut self.scratch);
        let mut cx = Pass { rec, fields: &fields, host: ctx, edits: &mut self.edits, notes: &mut self.notes, scratch: &mut self.scratch };
        self.plan.normaliser.apply(&mut cx, &mut self.buf);
        self.plan.classifier.apply(&mut cx);
        if self.plan.sampler.active() {
            let decision = self.plan.sampler.decide(&mut cx, &mut self.sample);
            self.counters.evictions = self.sample.evictions;
            if decision != Decision::Keep {
                self.counters.records += 1;
                self.counters.dropped += 1;
                match decision {
                    Decision::SampledOut => self.counters.sampled_out += 1,
                    Decision::RateLimited => self.counters.rate_limited += 1,
                    _ => self.counters.duplicates += 1,
                }
                return Outcome::Dropped;
            }
        }
        if let Some(list) = &self.plan.allowlist {
            list.apply(&mut cx, &mut self.walk);
        }
        let mut no_random = |_: &mut [u8]| false;
        let random: &mut dyn FnMut(&mut [u8]) -> bool = match &mut self.random {
            Some(fill) => fill.as_mut(),
            None => &mut no_random,
        };
        let place = Place { chain: self.chain.as_ref().map(|c| (c.id(), c.next_seq())) };
        self.plan.redactor.apply(&mut cx, &mut self.redact, &mut Crypt { random, place });

        let rules = write::Rules {
            max_string_bytes: self.plan.limits.max_string_bytes as usize,
            max_key_bytes: self.plan.limits.max_key_bytes as usize,
            multiline: &self.plan.multiline_fields,
        };
        let any = write::write_members(&mut cx, rules, &mut self.writer, out);
        self.finish(any, ctx.time_ns, Some(ctx.tag), out)
    }

    /// Emits an error-marked record for input the host could not hand over at all.
    pub fn host_error(&mut self, reason: &'static str, time_ns: i64, out: &mut Vec<u8>) -> Outcome {
        out.clear();
        self.notes.clear();
        self.notes.error = Some(RecordError::Host(reason));
        out.push(b'{');
        self.finish(false, time_ns, None, out)
    }

    /// Writes the reserved object and seals. `tag` is the host's tag for the record (None for
    /// records the host did not hand over).
    fn finish(&mut self, any_member: bool, time_ns: i64, tag: Option<&[u8]>, out: &mut Vec<u8>) -> Outcome {
        if any_member {
            out.push(b',');
        }
        if self.plan.sealer.is_some() && self.chain.is_none() && self.notes.error.is_none() {
            self.notes.error = Some(RecordError::Host(SealError::NoChain.message()));
        }
        let labels = Labels {
            policy_error: self.plan.policy_error.as_deref(),
            ingest_ns: self.plan.normaliser.ingest_time.then_some(time_ns),
            redact_rules: self.plan.redactor.rules(),
            custom_tags: &self.plan.classifier.tag_names,
            required: &self.plan.normaliser.require_names,
        };
        self.notes.write(labels, out);
        out.push(b'}');
        let mut seal_failed = false;
        if let (Some(sealer), Some(chain)) = (&self.plan.sealer, &mut self.chain) {
            match sealer.seal(chain, &mut self.seal, tag, time_ns, out) {
                Ok(()) => self.counters.sealed += 1,
                Err(_) => seal_failed = true,
            }
        }
        if self.notes.tags & crate::stage::notes::tag::SECRET_EXPOSED != 0 {
            for (total, &n) in self.counters.redacted.iter_mut().zip(&self.notes.redacted) {
                *total += u64::from(n);
            }
            for (total, &n) in self.rule_counts.iter_mut().zip(&self.notes.rules) {
                *total += u64::from(n);
            }
        }
        self.counters.records += 1;
        self.counters.emitted += 1;
        if self.notes.cut.any() {
            self.counters.cut += 1;
        }
        if self.notes.error.is_some() || self.plan.policy_error.is_some() || seal_failed {
            self.counters.errors += 1;
            Outcome::EmittedWithError
        } else {
            Outcome::Emitted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::NoEnvironment;

    #[test]
    fn stats_count_what_redaction_removed_per_kind_and_per_rule() {
        let plan = Plan::load(r#"{"version":1,"redact":{"rules":[{"name":"codename","keywords":["falcon"]}]}}"#, &NoEnvironment, None).unwrap();
        let mut f = Filter::new(plan);
        let mut out = Vec::new();
        let ctx = Context::default();
        for line in [
            r#"{"msg":"card 4111 1111 1111 1111 and 5500 0000 0000 0004","password":"x"}"#,
            r#"{"msg":"project falcon, mail a@example.com"}"#,
            r#"{"msg":"nothing here"}"#,
            r#"{"body":"raw"}"#,
        ] {
            f.process(line.as_bytes(), &ctx, &mut out);
        }
        let c = f.counters();
        assert_eq!(c.redacted[Kind::Card.index()], 2);
        assert_eq!(c.redacted[Kind::Password.index()], 1);
        assert_eq!(c.redacted[Kind::Email.index()], 1);
        assert_eq!(c.redacted[Kind::Body.index()], 1);
        let stats: serde_json::Value = serde_json::from_str(&f.stats_json()).unwrap();
        assert_eq!(stats["redacted"], serde_json::json!({"card": 2, "email": 1, "password": 1, "body": 1, "codename": 1}));
        assert_eq!(stats["records"], 4);
    }
}
