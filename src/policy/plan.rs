//! Compiling a policy into the plan the per-record path runs: keys resolved, names normalised,
//! nothing left to parse per record.

use super::builtin;
use super::{Limits, Policy, PolicyError, Problem, Redact};
use crate::stage::redact::action::Action;
use crate::stage::redact::custom::{Matcher, Rule};
use crate::stage::redact::kind::Kind;
use crate::record::FieldPath;
use crate::stage::classify::Classifier;
use crate::stage::normalise::{Normaliser, PRESETS};
use crate::stage::redact::{Deny, Redactor};
use crate::stage::encrypt::Encryptor;
use crate::stage::parse::Parser;
use crate::stage::seal::Sealer;
use crate::stage::sample::{Dedup, Limit, Missing, Sampler};
use crate::json::ScanLimits;
use crate::keyring::parse_keyring;
use crate::keys::{select, Key, KeyError, KeyRef, KeySet, Purpose};
use crate::stage::redact::allowlist::Allowlist;
use crate::stage::redact::keyname::normalize;

/// What the host offers a policy while it is compiled: files, environment variables and a
/// place for warnings. Hosts without files or an environment answer with errors.
pub trait Environment {
    /// Reads a whole file. `path` is already resolved against the policy's directory.
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String>;
    /// Reads an environment variable.
    fn var(&self, name: &str) -> Option<String>;
    /// Reports a warning to the operator (stderr, the host's log).
    fn warn(&self, message: &str);
}

/// A compiled policy.
#[derive(Debug)]
pub struct Plan {
    pub limits: Limits,
    /// The parse stage: record limits and text formats.
    pub parser: Parser,
    pub allowlist: Option<Allowlist>,
    pub redactor: Redactor,
    pub normaliser: Normaliser,
    pub classifier: Classifier,
    pub sampler: Sampler,
    /// Present when the policy seals records.
    pub sealer: Option<Sealer>,
    /// Normalised names of fields whose values keep LF and TAB.
    pub multiline_fields: Vec<Vec<u8>>,
    keys: Vec<(Purpose, KeySet)>,
    /// Set when this is the lockdown plan a host fell back to; every record carries it.
    pub policy_error: Option<String>,
}

impl Plan {
    /// Compiles `policy`. Relative `file:` key paths resolve from `base_dir`.
    pub fn compile(policy: &Policy, env: &dyn Environment, base_dir: Option<&str>) -> Result<Plan, PolicyError> {
        let mut keys: Vec<(Purpose, KeySet)> = Vec::new();
        for (purpose, keyref, path) in &policy.keys {
            let found = resolve(keyref, *purpose, env, base_dir).map_err(|e| PolicyError::new(path, Problem::Key(e)))?;
            for k in found.iter().filter(|k| k.is_demo()) {
                env.warn(&format!(
                    "key {} at {path} is a demo key from the logseal repository: anyone can use it; generate your own",
                    k.id
                ));
            }
            if matches!(keyref, KeyRef::Inline(_)) {
                env.warn(&format!("{path}: inline key in the policy; keep keys in a keyring file or the environment"));
            }
            keys.push((*purpose, KeySet::new(found)));
        }
        let redactor = compile_redactor(&policy.redact, &keys)?;
        let sampler = compile_sampler(policy.sample.as_ref(), &keys, env)?;
        let sealer = compile_sealer(policy.seal.as_ref(), &keys)?;
        let limits = policy.limits;
        Ok(Plan {
            limits,
            parser: Parser {
                max_record_bytes: limits.max_record_bytes,
                scan_limits: ScanLimits { max_depth: limits.max_depth, max_fields: limits.max_fields },
                text_formats: compile_text_formats(&policy.text_formats)?,
            },
            allowlist: policy.redact.allowlist.as_deref().map(Allowlist::new),
            redactor,
            normaliser: compile_normaliser(&policy.normalise),
            classifier: Classifier::new(policy.classify.builtin, policy.classify.rules.clone()),
            sampler,
            sealer,
            multiline_fields: policy.escape.multiline_fields.iter().map(|n| normalize(n)).collect(),
            keys,
            policy_error: None,
        })
    }

    /// Parses and compiles policy text in one step.
    pub fn load(text: &str, env: &dyn Environment, base_dir: Option<&str>) -> Result<Plan, PolicyError> {
        Plan::compile(&Policy::parse(text)?, env, base_dir)
    }

    /// The built-in default policy.
    pub fn default_policy() -> Plan {
        // The built-in text is tested to parse; the fallback only keeps this free of panics.
        Plan::load(builtin::DEFAULT, &NoEnvironment, None).unwrap_or_else(|_| Plan::empty())
    }

    /// The lockdown policy, carrying the reason the host's own policy failed.
    pub fn lockdown(reason: &str) -> Plan {
        let mut plan = Plan::load(builtin::LOCKDOWN, &NoEnvironment, None).unwrap_or_else(|_| Plan::empty());
        plan.policy_error = Some(reason.to_string());
        plan
    }

    /// The keys for a purpose, if the policy named any.
    pub fn keys(&self, purpose: Purpose) -> Option<&KeySet> {
        self.keys.iter().find(|(p, _)| *p == purpose).map(|(_, k)| k)
    }

    /// Drops every copy of the seal master key this plan holds (wiped on drop), once a
    /// forward-secure chain has its own key: no further chain can start.
    pub fn forget_seal_master(&mut self) {
        self.keys.retain(|(p, _)| *p != Purpose::Seal);
        if let Some(s) = &mut self.sealer {
            s.forget_master();
        }
    }

    fn empty() -> Plan {
        let limits = Limits::default();
        Plan {
            limits,
            parser: Parser {
                max_record_bytes: limits.max_record_bytes,
                scan_limits: ScanLimits { max_depth: limits.max_depth, max_fields: limits.max_fields },
                text_formats: Default::default(),
            },
            // Fail closed: with nothing allowed, every value is masked.
            allowlist: Some(Allowlist::new::<&str>(&[])),
            redactor: Redactor::new([Action::Mask; Kind::COUNT], [true; Kind::COUNT], Vec::new(), Vec::new(), true, None),
            normaliser: Normaliser::default(),
            classifier: Classifier::default(),
            sampler: inactive_sampler(),
            sealer: None,
            multiline_fields: Vec::new(),
            keys: Vec::new(),
            policy_error: None,
        }
    }
}

fn compile_text_formats(specs: &[super::TextFormat]) -> Result<crate::stage::text::Formats, PolicyError> {
    use crate::stage::text::{pattern::Pattern, Format};
    let mut formats = Vec::with_capacity(specs.len());
    for spec in specs {
        formats.push(match spec {
            super::TextFormat::Logfmt => Format::Logfmt,
            super::TextFormat::Combined => Format::Combined,
            super::TextFormat::Syslog => Format::Syslog,
            super::TextFormat::Pattern(name, regex, path) => {
                let re = super::compile_regex(regex).map_err(|e| PolicyError::new(path, Problem::Invalid(super::describe_regex_error(&e))))?;
                Format::Pattern(Pattern::new(name.clone(), re))
            }
        });
    }
    Ok(crate::stage::text::Formats::new(formats))
}

fn inactive_sampler() -> Sampler {
    Sampler { by: Vec::new(), missing: Missing::Keep, default_rate: 1.0, levels: [None; 6], rules: Vec::new(), limit: None, dedup: None, max_keys: 10_000, seed: None }
}

fn compile_sampler(s: Option<&super::Sample>, keys: &[(Purpose, KeySet)], env: &dyn Environment) -> Result<Sampler, PolicyError> {
    let Some(s) = s else { return Ok(inactive_sampler()) };
    let seed = keys.iter().find(|(p, _)| *p == Purpose::Sample).and_then(|(_, k)| k.active()).map(|k| k.secret.clone());
    // Only a rate strictly between 0 and 1 draws by keyed hash: 0 drops every record it
    // applies to and 1 keeps them, neither needs a secret.
    let partial = |r: f64| r > 0.0 && r < 1.0;
    let by_rate = partial(s.default_rate) || s.levels.iter().flatten().any(|r| partial(*r)) || s.rules.iter().any(|(_, r)| partial(*r));
    // WARN and above are always kept, whatever their rate says: say so rather than let the
    // operator believe a noisy WARN is being thinned.
    for (name, rate) in crate::stage::normalise::level::LEVELS.iter().zip(s.levels).skip(3) {
        if rate.is_some_and(|r| r < 1.0) {
            env.warn(&format!("{}.levels.{name}: {name} records are always kept; this rate never applies", s.path));
        }
    }
    if by_rate && seed.is_none() {
        return Err(PolicyError::new(&s.path, Problem::Invalid("sampling by rate needs a secret seed: set keys.sample".into())));
    }
    let path = |f: &str| FieldPath::parse(f).ok_or_else(|| PolicyError::new(&s.path, Problem::Invalid(format!("bad field path {f}"))));
    Ok(Sampler {
        by: s.by.iter().map(|b| path(b)).collect::<Result<_, _>>()?,
        missing: [Missing::Keep, Missing::Content, Missing::Drop][s.missing.min(2)],
        default_rate: s.default_rate,
        levels: s.levels,
        rules: s.rules.clone(),
        limit: match &s.rate_limit {
            Some((by, records, secs)) => Some(Limit { by: path(by)?, records: *records as f64, per_ns: (*secs as i64) * 1_000_000_000 }),
            None => None,
        },
        dedup: match &s.dedup {
            Some((by, secs)) => Some(Dedup { by: by.iter().map(|b| path(b)).collect::<Result<_, _>>()?, window_ns: (*secs as i64) * 1_000_000_000 }),
            None => None,
        },
        max_keys: s.max_keys as usize,
        seed,
    })
}

fn compile_normaliser(n: &super::Normalise) -> Normaliser {
    let mut map: Vec<(Box<[u8]>, String)> = n.map.iter().map(|(s, t)| (s.as_bytes().into(), t.clone())).collect();
    if let Some(&(_, preset)) = n.preset.and_then(|i| PRESETS.get(i)) {
        map.extend(preset.iter().map(|(s, t)| (s.as_bytes().into(), t.to_string())));
    }
    Normaliser {
        map,
        levels: n.levels,
        timestamps: n.timestamps,
        enrich: n.enrich.iter().map(|(k, v)| (k.as_bytes().into(), v.clone())).collect(),
        require: n.require.iter().filter_map(|r| FieldPath::parse(r)).collect(),
        require_names: n.require.clone(),
        ingest_time: n.ingest_time,
        skew_ns: (n.clock_skew_seconds as i64).saturating_mul(1_000_000_000),
    }
}

fn compile_sealer(s: Option<&super::Seal>, keys: &[(Purpose, KeySet)]) -> Result<Option<Sealer>, PolicyError> {
    let sign = keys.iter().find(|(p, _)| *p == Purpose::Sign).and_then(|(_, k)| k.active());
    let Some(s) = s else {
        return match sign {
            Some(_) => Err(PolicyError::new("$.keys.sign", Problem::Invalid("the signing key signs seal checkpoints: add a seal section (and keys.seal)".into()))),
            None => Ok(None),
        };
    };
    let set = keys.iter().find(|(p, _)| *p == Purpose::Seal).map(|(_, k)| k);
    let evolve = crate::stage::seal::Evolve { every_records: s.evolve_records, every_ns: s.evolve_seconds.saturating_mul(1_000_000_000) };
    let sealer = match set.and_then(|k| Sealer::new(k, s.instance.clone(), s.checkpoint_every, s.cover_tag, s.version)).map(|x| x.with_evolve(evolve)) {
        Some(sealer) => sealer,
        None => return Err(PolicyError::new(&s.path, Problem::Invalid("sealing needs a key: set keys.seal".into()))),
    };
    let Some(key) = sign else { return Ok(Some(sealer)) };
    if s.checkpoint_every == 0 {
        return Err(PolicyError::new(&s.path, Problem::Invalid("keys.sign signs checkpoints: set checkpoint_every above 0".into())));
    }
    let key = crate::sign::SignKey::from_key(key).map_err(|e| PolicyError::new("$.keys.sign", Problem::Key(e)))?;
    Ok(Some(sealer.with_signer(key)))
}

fn compile_redactor(r: &Redact, keys: &[(Purpose, KeySet)]) -> Result<Redactor, PolicyError> {
    let hash_key = keys.iter().find(|(p, _)| *p == Purpose::Hash).and_then(|(_, k)| k.active()).map(|k| k.secret.clone());
    let encryptor = keys.iter().find(|(p, _)| *p == Purpose::Encrypt).and_then(|(_, k)| Encryptor::new(k));
    let needs_key = |action: Action, path: &str| -> Result<(), PolicyError> {
        if action == Action::Hash && hash_key.is_none() {
            return Err(PolicyError::new(path, Problem::Invalid("the hash action needs a key: set keys.hash".into())));
        }
        if action == Action::Encrypt && encryptor.is_none() {
            return Err(PolicyError::new(path, Problem::Invalid("the encrypt action needs a key: set keys.encrypt".into())));
        }
        Ok(())
    };
    if !r.encrypt.is_empty() {
        needs_key(Action::Encrypt, "$.redact.encrypt")?;
    }
    let default = Action::from_index(r.default_action);
    needs_key(default, "$.redact.actions.default")?;
    let mut actions = [default; Kind::COUNT];
    for (kind, a, path) in &r.actions {
        let action = Action::from_index(*a);
        needs_key(action, path)?;
        actions[kind.index()] = action;
    }
    let mut enabled = [true; Kind::COUNT];
    for kind in &r.disable {
        enabled[kind.index()] = false;
    }
    let mut rules = Vec::with_capacity(r.rules.len());
    for spec in &r.rules {
        let action = Action::from_index(spec.action);
        needs_key(action, &spec.path)?;
        let matcher = match &spec.regex {
            Some(re) => Matcher::Regex(
                super::compile_regex(re).map_err(|e| PolicyError::new(&spec.path, Problem::Invalid(super::describe_regex_error(&e))))?,
            ),
            None => Matcher::Keywords(spec.keywords.iter().map(|k| k.to_ascii_lowercase().into_bytes()).collect()),
        };
        rules.push(Rule { name: spec.name.clone(), mask: format!("[REDACTED:{}]", spec.name), matcher, action });
    }
    let deny = r.deny.iter().map(|d| Deny::new(d)).collect();
    let mut redactor = Redactor::new(actions, enabled, deny, rules, r.drop_bodies, hash_key);
    redactor.set_phones_in_text(r.phones_in_text);
    redactor.set_national_ids_in_text(r.national_ids_in_text);
    let encrypts = !r.encrypt.is_empty() || actions.contains(&Action::Encrypt) || redactor.rules().iter().any(|x| x.action == Action::Encrypt);
    if encrypts {
        redactor.encrypt_with(encryptor, r.encrypt.iter().map(|d| Deny::new(d)).collect(), r.encrypt_original);
        if let Some(kid) = keys.iter().find(|(p, _)| *p == Purpose::Encrypt).and_then(|(_, k)| k.active()).map(|k| k.id.as_str()) {
            if redactor.encrypts_spans() && !crate::stage::encrypt::inline_kid(kid) {
                return Err(PolicyError::new(
                    "$.keys.encrypt",
                    Problem::Invalid(format!("key id `{kid}` cannot name inline envelopes: use 1 to 64 letters, digits, `.`, `_` or `-`")),
                ));
            }
        }
    }
    Ok(redactor)
}

fn resolve(keyref: &KeyRef, purpose: Purpose, env: &dyn Environment, base_dir: Option<&str>) -> Result<Vec<Key>, KeyError> {
    match keyref {
        KeyRef::Inline(secret) => Ok(vec![Key { id: "inline".into(), purpose, secret: secret.clone(), active: true }]),
        KeyRef::Env(name) => {
            let value = env.var(name).ok_or_else(|| KeyError::EnvMissing(name.clone()))?;
            match KeyRef::parse(&format!("base64:{}", value.trim()))? {
                KeyRef::Inline(secret) => Ok(vec![Key { id: name.clone(), purpose, secret, active: true }]),
                _ => Err(KeyError::BadBase64),
            }
        }
        KeyRef::File { path, kid } => {
            let full = resolve_path(path, base_dir);
            let text = env
                .read_file(&full)
                .map_err(|reason| KeyError::FileUnreadable { path: full.clone(), reason })?;
            select(parse_keyring(&text, &full)?, kid.as_deref(), purpose, &full)
        }
    }
}

/// Resolves `path` against the policy's directory unless it is absolute, then removes `.`
/// and `dir/..` segments lexically: WASI hosts (Fluent Bit's accessible paths) match a path
/// against their pre-opened directories by text and refuse one that climbs out with `..`.
///
/// ```
/// use logseal::policy::resolve_path;
/// assert_eq!(resolve_path("../keys/ring.json", Some("/etc/fb/policy")), "/etc/fb/keys/ring.json");
/// assert_eq!(resolve_path("ring.json", Some(".")), "ring.json");
/// assert_eq!(resolve_path("../keys/r.json", Some(".")), "../keys/r.json");
/// assert_eq!(resolve_path("/abs/./r.json", Some("x")), "/abs/r.json");
/// ```
pub fn resolve_path(path: &str, base_dir: Option<&str>) -> String {
    let joined = match base_dir {
        Some(dir) if !path.starts_with('/') && !dir.is_empty() => format!("{}/{path}", dir.trim_end_matches('/')),
        _ => path.to_string(),
    };
    let absolute = joined.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            _ => parts.push(part),
        }
    }
    let body = parts.join("/");
    if absolute {
        format!("/{body}")
    } else if body.is_empty() {
        ".".to_string()
    } else {
        body
    }
}

/// An environment with no files, no variables and nowhere to warn: for built-in policies.
pub struct NoEnvironment;

impl Environment for NoEnvironment {
    fn read_file(&self, _path: &str) -> Result<Vec<u8>, String> {
        Err("this host offers no files".into())
    }
    fn var(&self, _name: &str) -> Option<String> {
        None
    }
    fn warn(&self, _message: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[derive(Default)]
    struct FakeEnv {
        warnings: RefCell<Vec<String>>,
        reads: RefCell<Vec<String>>,
    }

    impl Environment for FakeEnv {
        fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
            self.reads.borrow_mut().push(path.to_string());
            if path.ends_with("ring.json") {
                Ok(format!(r#"{{"version":1,"keys":[{{"id":"demo-s","purpose":"seal","secret":"{SECRET}"}}]}}"#).into_bytes())
            } else {
                Err("No such file or directory".into())
            }
        }
        fn var(&self, name: &str) -> Option<String> {
            (name == "SEAL_KEY").then(|| SECRET.to_string())
        }
        fn warn(&self, message: &str) {
            self.warnings.borrow_mut().push(message.to_string());
        }
    }

    #[test]
    fn builtin_policies_compile() {
        assert!(Plan::load(builtin::DEFAULT, &NoEnvironment, None).is_ok());
        let lock = Plan::lockdown("bad policy");
        assert!(lock.allowlist.is_some());
        assert_eq!(lock.policy_error.as_deref(), Some("bad policy"));
    }

    #[test]
    fn file_keys_resolve_from_the_policy_directory_and_demo_keys_warn() {
        let env = FakeEnv::default();
        let plan = Plan::load(r#"{"version":1,"keys":{"seal":"file:keys/ring.json"}}"#, &env, Some("/etc/logseal")).unwrap();
        assert_eq!(env.reads.borrow().as_slice(), ["/etc/logseal/keys/ring.json"]);
        assert_eq!(plan.keys(Purpose::Seal).unwrap().active().unwrap().id, "demo-s");
        assert!(env.warnings.borrow()[0].contains("demo key"));
        assert!(plan.keys(Purpose::Hash).is_none());
    }

    #[test]
    fn env_keys_resolve_and_missing_ones_name_the_path() {
        let env = FakeEnv::default();
        let plan = Plan::load(r#"{"version":1,"keys":{"hash":"env:SEAL_KEY"}}"#, &env, None).unwrap();
        assert_eq!(plan.keys(Purpose::Hash).unwrap().active().unwrap().id, "SEAL_KEY");
        let err = Plan::load(r#"{"version":1,"keys":{"hash":"env:NOPE"}}"#, &env, None).unwrap_err();
        assert_eq!(err.to_string(), "$.keys.hash: environment variable NOPE is not set");
        let err = Plan::load(r#"{"version":1,"keys":{"seal":"file:/x/missing.json#k"}}"#, &env, None).unwrap_err();
        assert_eq!(err.to_string(), "$.keys.seal: cannot read keyring /x/missing.json: No such file or directory");
    }

    #[test]
    fn inline_keys_work_with_a_warning_that_holds_no_secret() {
        let env = FakeEnv::default();
        Plan::load(&format!(r#"{{"version":1,"keys":{{"seal":"base64:{SECRET}"}}}}"#), &env, None).unwrap();
        let w = env.warnings.borrow();
        assert!(w[0].contains("inline key"));
        assert!(!w[0].contains(SECRET));
    }

    #[test]
    fn rates_of_zero_need_no_sample_key_and_rates_that_never_apply_are_warned_about() {
        let env = FakeEnv::default();
        // Dropping health checks outright draws nothing at random: no secret needed.
        let plan = Plan::load(
            r#"{"version":1,"sample":{"levels":{"debug":0},"rules":[{"when":{"field":"path","prefix":"/healthz"},"rate":0}]}}"#,
            &env,
            None,
        );
        assert!(plan.is_ok(), "{:?}", plan.err());
        assert!(env.warnings.borrow().is_empty());
        // A rate between 0 and 1 still needs the keyed hash.
        let err = Plan::load(r#"{"version":1,"sample":{"default_rate":0.5}}"#, &env, None).unwrap_err();
        assert_eq!(err.to_string(), "$.sample: sampling by rate needs a secret seed: set keys.sample");
        // WARN and above are always kept: a rate for them is accepted, and the operator told.
        Plan::load(r#"{"version":1,"sample":{"levels":{"info":1,"warn":0,"error":0.5,"fatal":1}}}"#, &env, None).unwrap_err();
        Plan::load(r#"{"version":1,"sample":{"levels":{"info":1,"warn":0,"fatal":1}}}"#, &env, None).unwrap();
        let w = env.warnings.borrow();
        assert!(w.iter().any(|m| m == "$.sample.levels.warn: warn records are always kept; this rate never applies"), "{w:?}");
        assert!(!w.iter().any(|m| m.contains("fatal") || m.contains("info")), "a rate of 1 changes nothing: {w:?}");
    }
}
