//! The policy: one JSON document (`"version": 1`), read strictly, compiled once into a [`Plan`].
//!
//! Unknown keys, wrong types and bad values are refused with the JSON path of the fault.
//! `logseal policy default|lockdown|schema` print the built-in policies and the JSON Schema.

pub mod builtin;
mod plan;

// The reader, its errors and regex helpers live below the policy (keys and predicates use
// them too); re-exported so `policy::reader`, `policy::document` and `policy::PolicyError`
// keep naming them.
pub use crate::reader::pattern::{compile_regex, describe_regex_error};
pub use crate::reader::{self, document, PolicyError, Problem};
pub use plan::{resolve_path, Environment, NoEnvironment, Plan};

use crate::keys::{KeyRef, Purpose};
use crate::stage::redact::action::Action;
use crate::stage::redact::kind::Kind;
use crate::stage::redact::national::unlabelled::{self, IdSet};
use reader::{child_path, parse_json, Field};

/// Bounds on what one record may be; over a bound the record is cut down and marked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest record accepted whole, in bytes; a longer line is cut and goes out as text.
    pub max_record_bytes: u64,
    /// Deepest nesting of objects and arrays (the root object is level 1).
    pub max_depth: u16,
    /// Most object members in one record, counted at every depth.
    pub max_fields: u32,
    /// Longest string value, in bytes of decoded text; longer ones are cut with a marker.
    pub max_string_bytes: u32,
    /// Longest key, in bytes of decoded text; longer ones are cut with a marker.
    pub max_key_bytes: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_record_bytes: 1 << 20, max_depth: 64, max_fields: 10_000, max_string_bytes: 32_768, max_key_bytes: 256 }
    }
}

/// Escaping settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escape {
    /// Fields whose values keep LF and TAB (stack traces); names match ignoring case and style.
    pub multiline_fields: Vec<String>,
}

impl Default for Escape {
    fn default() -> Self {
        Escape { multiline_fields: ["stack_trace", "stacktrace", "exception", "stack"].map(String::from).to_vec() }
    }
}

/// Redaction settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redact {
    /// When set, only these fields pass and every other value is masked (fails closed).
    /// Names match ignoring case and style (`requestId` = `request_id`); dotted paths reach
    /// into objects.
    pub allowlist: Option<Vec<String>>,
    /// Field names (globs) or dotted paths (with `*` segments) whose values are always masked.
    pub deny: Vec<String>,
    /// Field names or dotted paths, as `deny`, whose values are encrypted whole.
    pub encrypt: Vec<String>,
    /// Values encrypted whole go in as they came, without redacting inside them first.
    pub encrypt_original: bool,
    /// The action for kinds without their own (`actions.default`).
    pub default_action: usize,
    /// Per-kind actions: (kind, index into `Action::NAMES`, JSON path).
    pub actions: Vec<(Kind, usize, String)>,
    /// Built-in detectors switched off.
    pub disable: Vec<Kind>,
    /// Custom rules.
    pub rules: Vec<RuleSpec>,
    /// Raw request/response bodies (`body`, `payload`, ... as strings) are dropped, replaced by
    /// their size.
    pub drop_bodies: bool,
    /// Phone numbers are also looked for in free text (`redact.phones_in_text`, off by
    /// default): see `stage::redact::phone`.
    pub phones_in_text: bool,
    /// The national IDs (and ABA routing numbers) also taken as unlabelled numbers anywhere
    /// (`redact.national_ids_in_text`: `true` for all, or a list of names; off by default):
    /// see `stage::redact::national::unlabelled`.
    pub national_ids_in_text: IdSet,
}

impl Default for Redact {
    fn default() -> Self {
        Redact { allowlist: None, deny: Vec::new(), encrypt: Vec::new(), encrypt_original: false, default_action: 0, actions: Vec::new(), disable: Vec::new(), rules: Vec::new(), drop_bodies: true, phones_in_text: false, national_ids_in_text: IdSet::NONE }
    }
}

/// A custom redaction rule as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSpec {
    pub name: String,
    /// A regex (regex crate syntax), or None with keywords.
    pub regex: Option<String>,
    pub keywords: Vec<String>,
    /// Index into `Action::NAMES`.
    pub action: usize,
    pub path: String,
}

/// Normalise settings as written (see [`crate::stage::normalise`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Normalise {
    /// A mapping preset: `ecs`, `otel` or `plain`.
    pub preset: Option<usize>,
    /// Custom mappings: (top-level source name, schema name).
    pub map: Vec<(String, String)>,
    pub levels: bool,
    pub timestamps: bool,
    pub enrich: Vec<(String, String)>,
    pub require: Vec<String>,
    pub ingest_time: bool,
    pub clock_skew_seconds: u64,
}

impl Default for Normalise {
    fn default() -> Self {
        Normalise { preset: None, map: Vec::new(), levels: false, timestamps: false, enrich: Vec::new(), require: Vec::new(), ingest_time: true, clock_skew_seconds: 300 }
    }
}

/// Classify settings (see [`crate::stage::classify`]).
#[derive(Clone, Debug)]
pub struct Classify {
    pub builtin: bool,
    pub rules: Vec<(crate::predicate::Predicate, String)>,
}

impl Default for Classify {
    fn default() -> Self {
        Classify { builtin: true, rules: Vec::new() }
    }
}

/// Sampling settings as written (see [`crate::stage::sample`]). Off unless present.
#[derive(Clone, Debug)]
pub struct Sample {
    pub by: Vec<String>,
    pub missing: usize,
    pub default_rate: f64,
    pub levels: [Option<f64>; 6],
    pub rules: Vec<(crate::predicate::Predicate, f64)>,
    /// (field, records, per seconds)
    pub rate_limit: Option<(String, u64, u64)>,
    /// (fields, window seconds)
    pub dedup: Option<(Vec<String>, u64)>,
    pub max_keys: u64,
    /// Where the section is, for errors found at compile time.
    pub path: String,
}

/// A policy as written, validated but not yet compiled.
#[derive(Clone, Debug)]
pub struct Policy {
    pub limits: Limits,
    /// Key references by purpose, with the JSON path each came from.
    pub keys: Vec<(Purpose, KeyRef, String)>,
    pub redact: Redact,
    pub escape: Escape,
    pub normalise: Normalise,
    pub classify: Classify,
    pub sample: Option<Sample>,
    pub seal: Option<Seal>,
    /// Text formats plain-text lines are read with (`parse.formats`), in order.
    pub text_formats: Vec<TextFormat>,
}

/// A text format as written in `parse.formats`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextFormat {
    Logfmt,
    Combined,
    Syslog,
    /// A named regex: (name, pattern, JSON path).
    Pattern(String, String, String),
}

/// Sealing settings as written (see [`crate::stage::seal`]). Off unless present.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seal {
    /// A label appended to each chain id (`<random>.<instance>`), naming the host or pod.
    pub instance: Option<String>,
    /// Every this many records a seal carries a checkpoint; 0 for none.
    pub checkpoint_every: u64,
    /// Write the host's tag (Fluent Bit's) into the reserved object as `tag`, so the seal
    /// covers it; the transport wrapper around a record is not sealed otherwise.
    pub cover_tag: bool,
    /// The seal format new chains get: 2 (compact, the default) or 1.
    pub version: u32,
    /// Forward-secure key evolution (`evolve`): a new key epoch every this many records, and
    /// every this many seconds; 0 for not.
    pub evolve_records: u64,
    pub evolve_seconds: u64,
    /// Where the section is, for errors found at compile time.
    pub path: String,
}

const TOP: &[&str] = &["$schema", "version", "limits", "keys", "parse", "normalise", "classify", "sample", "redact", "escape", "seal"];
const SEAL: &[&str] = &["instance", "checkpoint_every", "cover_tag", "version", "evolve"];
const EVOLVE: &[&str] = &["every_records", "every_seconds"];
const SAMPLE: &[&str] = &["by", "missing", "default_rate", "levels", "rules", "rate_limit", "dedup", "max_keys"];
const MISSING: &[&str] = &["keep", "content", "drop"];
const LEVEL_NAMES: &[&str] = &["trace", "debug", "info", "warn", "error", "fatal"];
const NORMALISE: &[&str] = &["preset", "map", "levels", "timestamps", "enrich", "require", "ingest_time", "clock_skew_seconds"];
const CLASSIFY: &[&str] = &["builtin", "rules"];
const CLASSIFY_RULE: &[&str] = &["when", "tag"];
const PRESET_NAMES: &[&str] = &["ecs", "otel", "plain"];
const LIMITS: &[&str] = &["max_record_bytes", "max_depth", "max_fields", "max_string_bytes", "max_key_bytes"];
const ESCAPE: &[&str] = &["multiline_fields"];
const REDACT: &[&str] = &["allowlist", "deny", "encrypt", "encrypt_original", "actions", "disable", "rules", "drop_bodies", "phones_in_text", "national_ids_in_text"];
const RULE: &[&str] = &["name", "regex", "keywords", "action"];

impl Policy {
    /// Reads and validates a policy document.
    ///
    /// ```
    /// let p = logseal::policy::Policy::parse(r#"{"version":1,"limits":{"max_depth":8}}"#).unwrap();
    /// assert_eq!(p.limits.max_depth, 8);
    /// let err = logseal::policy::Policy::parse(r#"{"version":1,"limits":{"max_depth":0}}"#).unwrap_err();
    /// assert_eq!(err.to_string(), "$.limits.max_depth: expected an integer from 1 to 1024");
    /// ```
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        Policy::parse_all(text).map_err(|mut faults| faults.swap_remove(0))
    }

    /// Reads a policy like [`Policy::parse`], but reports every fault it can: each top-level
    /// section, and each custom rule, is judged on its own, so one mistake does not hide the
    /// next (`logseal check` lists them all). The list is never empty on `Err`.
    ///
    /// ```
    /// let faults = logseal::policy::Policy::parse_all(
    ///     r#"{"version":1,"limits":{"max_depth":0},"seal":{"checkpoint_every":"often"},"extra":1}"#,
    /// ).unwrap_err();
    /// let faults: Vec<String> = faults.iter().map(|f| f.to_string()).collect();
    /// assert_eq!(faults.len(), 3);
    /// assert!(faults[0].starts_with("$.extra: unknown key"));
    /// assert_eq!(faults[1], "$.limits.max_depth: expected an integer from 1 to 1024");
    /// assert_eq!(faults[2], "$.seal.checkpoint_every: expected an integer, found a string");
    /// ```
    pub fn parse_all(text: &str) -> Result<Policy, Vec<PolicyError>> {
        let doc = parse_json(text).map_err(|e| vec![e])?;
        let Some(map) = doc.as_object() else {
            return Err(vec![PolicyError::new("$", Problem::WrongType { expected: "an object", found: reader::type_name(&doc) })]);
        };
        let mut faults = Vec::new();
        // `$schema` names the schema for editors (`logseal policy schema`); nothing reads it.
        for (k, v) in map {
            if k == "$schema" {
                if !v.is_string() {
                    faults.push(PolicyError::new(child_path("$", k), Problem::WrongType { expected: "a string", found: reader::type_name(v) }));
                }
            } else if !TOP.contains(&k.as_str()) {
                faults.push(PolicyError::new(child_path("$", k), Problem::UnknownKey { allowed: TOP }));
            }
        }
        let root = Field::new(&doc, "$").members().map_err(|e| vec![e])?;
        match root.require("version") {
            Ok((v, vp)) => {
                if let Err(e) = Field::new(v, &vp).uint(1, 1) {
                    faults.push(e);
                }
            }
            Err(e) => faults.push(e),
        }
        fn section<T>(root: &reader::Obj, name: &str, faults: &mut Vec<PolicyError>, read: impl FnOnce(&serde_json::Value, &str) -> Result<T, PolicyError>) -> Option<T> {
            let (v, p) = root.get(name)?;
            read(v, &p).map_err(|e| faults.push(e)).ok()
        }
        let limits = section(&root, "limits", &mut faults, limits_section).unwrap_or_default();
        let keys = section(&root, "keys", &mut faults, keys_section).unwrap_or_default();
        let mut rule_faults = Vec::new();
        let redact = section(&root, "redact", &mut faults, |v, p| redact_section(v, p, &mut rule_faults)).unwrap_or_default();
        faults.append(&mut rule_faults);
        let escape = section(&root, "escape", &mut faults, escape_section).unwrap_or_default();
        let normalise = section(&root, "normalise", &mut faults, normalise_section).unwrap_or_default();
        let classify = section(&root, "classify", &mut faults, |v, p| classify_section(v, p, &mut rule_faults)).unwrap_or_default();
        faults.append(&mut rule_faults);
        let sample = section(&root, "sample", &mut faults, sample);
        let seal = section(&root, "seal", &mut faults, seal);
        let text_formats = section(&root, "parse", &mut faults, parse_section).unwrap_or_default();
        if !faults.is_empty() {
            return Err(faults);
        }
        Ok(Policy { limits, keys, redact, escape, normalise, classify, sample, seal, text_formats })
    }
}

fn limits_section(v: &serde_json::Value, p: &str) -> Result<Limits, PolicyError> {
    let mut limits = Limits::default();
    let o = Field::new(v, &p).object(LIMITS)?;
    if let Some((v, p)) = o.get("max_record_bytes") {
        limits.max_record_bytes = Field::new(v, &p).uint(256, 1 << 30)?;
    }
    if let Some((v, p)) = o.get("max_depth") {
        limits.max_depth = Field::new(v, &p).uint(1, 1024)? as u16;
    }
    if let Some((v, p)) = o.get("max_fields") {
        limits.max_fields = Field::new(v, &p).uint(1, 1_000_000)? as u32;
    }
    if let Some((v, p)) = o.get("max_string_bytes") {
        limits.max_string_bytes = Field::new(v, &p).uint(64, 1 << 30)? as u32;
    }
    if let Some((v, p)) = o.get("max_key_bytes") {
        limits.max_key_bytes = Field::new(v, &p).uint(16, 65_536)? as u32;
    }
    Ok(limits)
}

fn keys_section(v: &serde_json::Value, p: &str) -> Result<Vec<(Purpose, KeyRef, String)>, PolicyError> {
    let mut keys = Vec::new();
    let o = Field::new(v, &p).object(Purpose::NAMES)?;
    for (name, value) in o.iter() {
        let kp = child_path(&p, name);
        let text = Field::new(value, &kp).str()?;
        let r = KeyRef::parse(text).map_err(|e| PolicyError::new(&kp, Problem::Key(e)))?;
        let purpose = Purpose::from_name(name)
            .ok_or_else(|| PolicyError::new(&kp, Problem::UnknownKey { allowed: Purpose::NAMES }))?;
        keys.push((purpose, r, kp));
    }
    Ok(keys)
}

/// The `redact` section; faults in single custom rules go to `rule_faults`, so each is reported.
fn redact_section(v: &serde_json::Value, p: &str, rule_faults: &mut Vec<PolicyError>) -> Result<Redact, PolicyError> {
    let mut redact = Redact::default();
    let o = Field::new(v, &p).object(REDACT)?;
    if let Some((v, p)) = o.get("allowlist") {
        redact.allowlist = Some(names(v, &p)?);
    }
    if let Some((v, p)) = o.get("deny") {
        redact.deny = names(v, &p)?;
    }
    if let Some((v, p)) = o.get("encrypt") {
        redact.encrypt = names(v, &p)?;
    }
    if let Some((v, p)) = o.get("encrypt_original") {
        redact.encrypt_original = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("actions") {
        let Some(map) = v.as_object() else {
            return Err(Field::new(v, &p).object(&[]).err().unwrap_or_else(|| PolicyError::new(&p, Problem::Missing)));
        };
        for (name, a) in map {
            let ap = child_path(&p, name);
            let action = Field::new(a, &ap).choice(Action::NAMES)?;
            if name == "default" {
                redact.default_action = action;
            } else {
                let kind = Kind::from_name(name).ok_or_else(|| PolicyError::new(&ap, Problem::UnknownKey { allowed: KIND_KEYS }))?;
                redact.actions.push((kind, action, ap));
            }
        }
    }
    if let Some((v, p)) = o.get("disable") {
        for (i, item) in Field::new(v, &p).array()?.iter().enumerate() {
            let ip = reader::index_path(&p, i);
            redact.disable.push(Kind::ALL[Field::new(item, &ip).choice(KIND_NAMES)?]);
        }
    }
    if let Some((v, p)) = o.get("drop_bodies") {
        redact.drop_bodies = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("phones_in_text") {
        redact.phones_in_text = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("national_ids_in_text") {
        redact.national_ids_in_text = national_ids(v, &p)?;
    }
    if let Some((v, p)) = o.get("rules") {
        for (i, item) in Field::new(v, &p).array()?.iter().enumerate() {
            match rule(item, &reader::index_path(&p, i)) {
                Ok(r) => redact.rules.push(r),
                Err(e) => rule_faults.push(e),
            }
        }
    }
    Ok(redact)
}

fn escape_section(v: &serde_json::Value, p: &str) -> Result<Escape, PolicyError> {
    let mut escape = Escape::default();
    let o = Field::new(v, &p).object(ESCAPE)?;
    if let Some((v, p)) = o.get("multiline_fields") {
        escape.multiline_fields = names(v, &p)?;
    }
    Ok(escape)
}

fn normalise_section(v: &serde_json::Value, p: &str) -> Result<Normalise, PolicyError> {
    let mut normalise = Normalise::default();
    let o = Field::new(v, &p).object(NORMALISE)?;
    if let Some((v, p)) = o.get("preset") {
        normalise.preset = Some(Field::new(v, &p).choice(PRESET_NAMES)?);
    }
    if let Some((v, p)) = o.get("map") {
        normalise.map = string_map(v, &p)?;
    }
    if let Some((v, p)) = o.get("enrich") {
        normalise.enrich = string_map(v, &p)?;
    }
    if let Some((v, p)) = o.get("levels") {
        normalise.levels = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("timestamps") {
        normalise.timestamps = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("require") {
        normalise.require = names(v, &p)?;
        if normalise.require.len() > 64 {
            return Err(PolicyError::new(p, Problem::Invalid("at most 64 essential fields".into())));
        }
    }
    if let Some((v, p)) = o.get("ingest_time") {
        normalise.ingest_time = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("clock_skew_seconds") {
        normalise.clock_skew_seconds = Field::new(v, &p).uint(1, 31_536_000)?;
    }
    Ok(normalise)
}

/// The `classify` section; faults in single rules go to `rule_faults`, so each is reported.
fn classify_section(v: &serde_json::Value, p: &str, rule_faults: &mut Vec<PolicyError>) -> Result<Classify, PolicyError> {
    let mut classify = Classify::default();
    let o = Field::new(v, &p).object(CLASSIFY)?;
    if let Some((v, p)) = o.get("builtin") {
        classify.builtin = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("rules") {
        for (i, item) in Field::new(v, &p).array()?.iter().enumerate() {
            let ip = reader::index_path(&p, i);
            match classify_rule(item, &ip) {
                Ok(r) => classify.rules.push(r),
                Err(e) => rule_faults.push(e),
            }
        }
        let distinct: std::collections::BTreeSet<&str> = classify.rules.iter().map(|(_, t)| t.as_str()).collect();
        if distinct.len() > 64 {
            return Err(PolicyError::new(p, Problem::Invalid("at most 64 distinct custom tags".into())));
        }
    }
    Ok(classify)
}

fn classify_rule(item: &serde_json::Value, ip: &str) -> Result<(crate::predicate::Predicate, String), PolicyError> {
    let r = Field::new(item, &ip).object(CLASSIFY_RULE)?;
    let (w, wp) = r.require("when")?;
    let when = crate::predicate::Predicate::compile(w, &wp)?;
    let (t, tp) = r.require("tag")?;
    let tag = Field::new(t, &tp).str()?;
    let ok = !tag.is_empty() && tag.len() <= 64 && tag.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b':' | b'.'));
    if !ok {
        return Err(PolicyError::new(tp, Problem::Invalid("expected a tag of letters, digits and _ - : . (at most 64)".into())));
    }
    Ok((when, tag.to_string()))
}

const FORMAT_NAMES: &[&str] = &["logfmt", "combined", "syslog"];

/// The `parse` section: `{"formats": ["logfmt", "combined", "syslog", {"name", "regex"}]}`.
fn parse_section(v: &serde_json::Value, p: &str) -> Result<Vec<TextFormat>, PolicyError> {
    let o = Field::new(v, p).object(&["formats"])?;
    let (f, fp) = o.require("formats")?;
    let list = Field::new(f, &fp).array()?;
    // Each format tried costs a pass over the line: keep the worst case small.
    if list.len() > 16 {
        return Err(PolicyError::new(fp, Problem::Invalid("at most 16 formats".into())));
    }
    let mut formats = Vec::new();
    for (i, item) in list.iter().enumerate() {
        let ip = reader::index_path(&fp, i);
        if item.is_string() {
            formats.push([TextFormat::Logfmt, TextFormat::Combined, TextFormat::Syslog][Field::new(item, &ip).choice(FORMAT_NAMES)?].clone());
            continue;
        }
        let Ok(r) = Field::new(item, &ip).object(&["name", "regex"]) else {
            return Err(PolicyError::new(ip, Problem::Invalid("expected one of: logfmt, combined, syslog, or {\"name\", \"regex\"}".into())));
        };
        let (n, np) = r.require("name")?;
        let name = Field::new(n, &np).str()?;
        if name.is_empty() || name.len() > 64 || !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(PolicyError::new(np, Problem::Invalid("expected a name of a-z, 0-9 and _ (at most 64)".into())));
        }
        let (x, xp) = r.require("regex")?;
        let text = Field::new(x, &xp).str()?;
        let re = compile_regex(text).map_err(|e| PolicyError::new(&xp, Problem::Invalid(describe_regex_error(&e))))?;
        if re.capture_names().flatten().next().is_none() {
            return Err(PolicyError::new(xp, Problem::Invalid("the regex names no group: fields come from named groups, (?P<level>...)".into())));
        }
        formats.push(TextFormat::Pattern(name.to_string(), text.to_string(), ip));
    }
    Ok(formats)
}

/// Kind names, for `disable`; `actions` also takes `default`.
const KIND_NAMES: &[&str] = &[
    "card", "cvv", "ssn", "national_id", "iban", "bank_account", "email", "phone", "password", "secret", "token",
    "authorization", "cookie", "session", "jwt", "private_key", "credential_hash", "vendor_token", "body", "denied",
];
const KIND_KEYS: &[&str] = &[
    "default", "card", "cvv", "ssn", "national_id", "iban", "bank_account", "email", "phone", "password", "secret",
    "token", "authorization", "cookie", "session", "jwt", "private_key", "credential_hash", "vendor_token", "body", "denied",
];

/// `redact.national_ids_in_text`: `true` (every ID), `false` (none), or a list of ID names.
fn national_ids(v: &serde_json::Value, p: &str) -> Result<IdSet, PolicyError> {
    match v {
        serde_json::Value::Bool(true) => Ok(IdSet::ALL),
        serde_json::Value::Bool(false) => Ok(IdSet::NONE),
        serde_json::Value::Array(items) => {
            let mut set = IdSet::NONE;
            for (i, item) in items.iter().enumerate() {
                set = set.with(Field::new(item, &reader::index_path(p, i)).choice(&unlabelled::NAMES)?);
            }
            Ok(set)
        }
        _ => Err(PolicyError::new(p, Problem::WrongType { expected: "a boolean or an array of national ID names", found: reader::type_name(v) })),
    }
}

fn rule(v: &serde_json::Value, p: &str) -> Result<RuleSpec, PolicyError> {
    let o = Field::new(v, &p).object(RULE)?;
    let (n, np) = o.require("name")?;
    let name = Field::new(n, &np).str()?;
    let ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !ok {
        return Err(PolicyError::new(np, Problem::Invalid("expected a name of a-z, 0-9 and _".into())));
    }
    if Kind::from_name(name).is_some() {
        return Err(PolicyError::new(np, Problem::Invalid("this name belongs to a built-in detector; choose another".into())));
    }
    let regex = match o.get("regex") {
        Some((r, rp)) => {
            let text = Field::new(r, &rp).str()?;
            compile_regex(text).map_err(|e| PolicyError::new(&rp, Problem::Invalid(describe_regex_error(&e))))?;
            Some(text.to_string())
        }
        None => None,
    };
    let keywords = match o.get("keywords") {
        Some((k, kp)) => {
            let list = Field::new(k, &kp).array()?;
            let mut words = Vec::with_capacity(list.len());
            for (i, w) in list.iter().enumerate() {
                let wp = reader::index_path(&kp, i);
                let w = Field::new(w, &wp).str()?;
                if w.is_empty() {
                    return Err(PolicyError::new(wp, Problem::Invalid("expected a non-empty keyword".into())));
                }
                words.push(w.to_string());
            }
            words
        }
        None => Vec::new(),
    };
    if regex.is_some() != keywords.is_empty() {
        return Err(PolicyError::new(p, Problem::Invalid("a rule has either regex or keywords".into())));
    }
    let action = match o.get("action") {
        Some((a, ap)) => Field::new(a, &ap).choice(Action::NAMES)?,
        None => 0,
    };
    Ok(RuleSpec { name: name.to_string(), regex, keywords, action, path: p.to_string() })
}

fn seal(v: &serde_json::Value, p: &str) -> Result<Seal, PolicyError> {
    let o = Field::new(v, &p).object(SEAL)?;
    let mut s = Seal { instance: None, checkpoint_every: 1000, cover_tag: false, version: 2, evolve_records: 0, evolve_seconds: 0, path: p.to_string() };
    if let Some((v, p)) = o.get("instance") {
        let label = Field::new(v, &p).str()?;
        let ok = !label.is_empty() && label.len() <= 64 && label.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
        if !ok {
            return Err(PolicyError::new(p, Problem::Invalid("expected a label of letters, digits and _ - . (at most 64)".into())));
        }
        s.instance = Some(label.to_string());
    }
    if let Some((v, p)) = o.get("checkpoint_every") {
        s.checkpoint_every = Field::new(v, &p).uint(0, 1 << 40)?;
    }
    if let Some((v, p)) = o.get("cover_tag") {
        s.cover_tag = Field::new(v, &p).bool()?;
    }
    if let Some((v, p)) = o.get("version") {
        s.version = Field::new(v, &p).uint(1, 2)? as u32;
    }
    if let Some((v, p)) = o.get("evolve") {
        let e = Field::new(v, &p).object(EVOLVE)?;
        if let Some((v, p)) = e.get("every_records") {
            s.evolve_records = Field::new(v, &p).uint(1, 1 << 40)?;
        }
        if let Some((v, p)) = e.get("every_seconds") {
            s.evolve_seconds = Field::new(v, &p).uint(1, 1 << 32)?;
        }
        if s.evolve_records == 0 && s.evolve_seconds == 0 {
            return Err(PolicyError::new(&p, Problem::Invalid("set every_records, every_seconds or both".into())));
        }
        if s.version == 1 {
            return Err(PolicyError::new(&p, Problem::Invalid("key evolution needs seal version 2".into())));
        }
    }
    Ok(s)
}

fn sample(v: &serde_json::Value, p: &str) -> Result<Sample, PolicyError> {
    let o = Field::new(v, &p).object(SAMPLE)?;
    let mut s = Sample {
        by: Vec::new(),
        missing: 0,
        default_rate: 1.0,
        levels: [None; 6],
        rules: Vec::new(),
        rate_limit: None,
        dedup: None,
        max_keys: 10_000,
        path: p.to_string(),
    };
    if let Some((v, p)) = o.get("by") {
        s.by = names(v, &p)?;
    }
    if let Some((v, p)) = o.get("missing") {
        s.missing = Field::new(v, &p).choice(MISSING)?;
    }
    if let Some((v, p)) = o.get("default_rate") {
        s.default_rate = Field::new(v, &p).rate()?;
    }
    if let Some((v, p)) = o.get("levels") {
        let lo = Field::new(v, &p).object(LEVEL_NAMES)?;
        for (i, name) in LEVEL_NAMES.iter().enumerate() {
            if let Some((r, rp)) = lo.get(name) {
                s.levels[i] = Some(Field::new(r, &rp).rate()?);
            }
        }
    }
    if let Some((v, p)) = o.get("rules") {
        for (i, item) in Field::new(v, &p).array()?.iter().enumerate() {
            let ip = reader::index_path(&p, i);
            let r = Field::new(item, &ip).object(&["when", "rate"])?;
            let (w, wp) = r.require("when")?;
            let (rate, rp) = r.require("rate")?;
            s.rules.push((crate::predicate::Predicate::compile(w, &wp)?, Field::new(rate, &rp).rate()?));
        }
    }
    if let Some((v, p)) = o.get("rate_limit") {
        let l = Field::new(v, &p).object(&["by", "records", "per_seconds"])?;
        let (b, bp) = l.require("by")?;
        let by = Field::new(b, &bp).str()?;
        if crate::record::FieldPath::parse(by).is_none() {
            return Err(PolicyError::new(bp, Problem::Invalid("expected a field name or dotted path".into())));
        }
        let (r, rp) = l.require("records")?;
        let (w, wp) = l.require("per_seconds")?;
        s.rate_limit = Some((by.to_string(), Field::new(r, &rp).uint(1, 1_000_000_000)?, Field::new(w, &wp).uint(1, 86_400)?));
    }
    if let Some((v, p)) = o.get("dedup") {
        let d = Field::new(v, &p).object(&["by", "window_seconds"])?;
        let (b, bp) = d.require("by")?;
        let by = names(b, &bp)?;
        if by.is_empty() {
            return Err(PolicyError::new(bp, Problem::Invalid("expected at least one field".into())));
        }
        let (w, wp) = d.require("window_seconds")?;
        s.dedup = Some((by, Field::new(w, &wp).uint(1, 86_400)?));
    }
    if let Some((v, p)) = o.get("max_keys") {
        s.max_keys = Field::new(v, &p).uint(1, 10_000_000)?;
    }
    Ok(s)
}

/// An object of string values, in document order: `{"name": "value", ...}`.
fn string_map(v: &serde_json::Value, p: &str) -> Result<Vec<(String, String)>, PolicyError> {
    let Some(map) = v.as_object() else {
        return Err(PolicyError::new(p, Problem::WrongType { expected: "an object", found: reader::type_name(v) }));
    };
    let mut out = Vec::with_capacity(map.len());
    for (k, x) in map {
        let xp = child_path(p, k);
        if k.is_empty() {
            return Err(PolicyError::new(xp, Problem::Invalid("expected a non-empty name".into())));
        }
        out.push((k.clone(), Field::new(x, &xp).str()?.to_string()));
    }
    Ok(out)
}

/// A list of field names or dotted paths.
fn names(v: &serde_json::Value, p: &str) -> Result<Vec<String>, PolicyError> {
    let items = Field::new(v, p).array()?;
    let mut names = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let ip = reader::index_path(p, i);
        let name = Field::new(item, &ip).str()?;
        if crate::record::FieldPath::parse(name).is_none() {
            return Err(PolicyError::new(ip, Problem::Invalid("expected a field name or dotted path".into())));
        }
        names.push(name.to_string());
    }
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Policy::parse(text).unwrap_err().to_string()
    }

    #[test]
    fn minimal_policy_takes_safe_defaults() {
        let p = Policy::parse(r#"{"version":1}"#).unwrap();
        assert_eq!(p.limits, Limits::default());
        assert!(p.keys.is_empty());
        assert_eq!(p.redact.allowlist, None);
        assert!(p.redact.drop_bodies);
    }

    #[test]
    fn every_fault_is_refused_with_its_json_path() {
        assert_eq!(err("{}"), "$.version: required but missing");
        assert_eq!(err(r#"{"version":2}"#), "$.version: expected an integer from 1 to 1");
        assert_eq!(err(r#"[]"#), "$: expected an object, found an array");
        assert_eq!(
            err(r#"{"version":1,"limts":{}}"#),
            "$.limts: unknown key; expected one of: $schema, version, limits, keys, parse, normalise, classify, sample, redact, escape, seal"
        );
        assert_eq!(err(r#"{"version":1,"limits":{"max_fields":"9"}}"#), "$.limits.max_fields: expected an integer, found a string");
        assert_eq!(err(r#"{"version":1,"limits":{"max_record_bytes":1}}"#), "$.limits.max_record_bytes: expected an integer from 256 to 1073741824");
        assert_eq!(err(r#"{"version":1,"keys":{"signing":"env:X"}}"#), "$.keys.signing: unknown key; expected one of: seal, hash, encrypt, sample, sign");
        assert_eq!(
            err(r#"{"version":1,"keys":{"seal":"hunter2hunter2"}}"#),
            "$.keys.seal: expected a key reference: env:NAME, file:PATH#KEY_ID or base64:SECRET"
        );
        assert_eq!(err(r#"{"version":1,"redact":{"allowlist":["ok",""]}}"#), "$.redact.allowlist[1]: expected a field name or dotted path");
        assert_eq!(err(r#"{"version":1,"redact":{"allowlist":"ts"}}"#), "$.redact.allowlist: expected an array, found a string");
        assert_eq!(err(r#"{"version":1,"redact":{"actions":{"card":"blur"}}}"#), "$.redact.actions.card: expected one of: mask, partial, partial_first6, hash, drop, encrypt");
        assert!(err(r#"{"version":1,"redact":{"actions":{"cards":"mask"}}}"#).starts_with("$.redact.actions.cards: unknown key; expected one of: default, card,"));
        assert!(err(r#"{"version":1,"redact":{"disable":["emails"]}}"#).starts_with("$.redact.disable[0]: expected one of: card,"));
        assert_eq!(err(r#"{"version":1,"redact":{"rules":[{"name":"x","regex":"("}]}}"#), "$.redact.rules[0].regex: invalid regex: unclosed group (at character 1)");
        // The pattern itself is never quoted: it may hold what the team wants hidden.
        let e = err(r#"{"version":1,"redact":{"rules":[{"name":"x","regex":"projectfalcon[z-a]"}]}}"#);
        assert_eq!(e, "$.redact.rules[0].regex: invalid regex: invalid character class range, the start must be <= the end (at character 15)");
        assert!(!e.contains("falcon"));
        let e = err(r#"{"version":1,"classify":{"rules":[{"when":{"field":"m","regex":"falcon(x"},"tag":"t"}]}}"#);
        assert!(e.starts_with("$.classify.rules[0].when.regex: invalid regex: unclosed group"), "{e}");
        assert!(!e.contains("falcon"));
        let e = err(r#"{"version":1,"redact":{"rules":[{"name":"x","regex":"(?:\\w{1000}){1000}"}]}}"#);
        assert!(e.ends_with("invalid regex: it compiles to more than 1048576 bytes; make it smaller"), "{e}");
        assert_eq!(err(r#"{"version":1,"redact":{"rules":[{"name":"Bad Name","keywords":["a"]}]}}"#), "$.redact.rules[0].name: expected a name of a-z, 0-9 and _");
        assert_eq!(err(r#"{"version":1,"redact":{"rules":[{"name":"card","keywords":["a"]}]}}"#), "$.redact.rules[0].name: this name belongs to a built-in detector; choose another");
        assert_eq!(err(r#"{"version":1,"redact":{"rules":[{"name":"x"}]}}"#), "$.redact.rules[0]: a rule has either regex or keywords");
        assert_eq!(err(r#"{"version":1,"normalise":{"preset":"gelf"}}"#), "$.normalise.preset: expected one of: ecs, otel, plain");
        assert_eq!(err(r#"{"version":1,"sample":{"levels":{"info":1.5}}}"#), "$.sample.levels.info: expected a rate from 0 to 1");
        assert_eq!(err(r#"{"version":1,"sample":{"levels":{"verbose":0}}}"#), "$.sample.levels.verbose: unknown key; expected one of: trace, debug, info, warn, error, fatal");
        assert_eq!(err(r#"{"version":1,"sample":{"rate_limit":{"by":"ip","records":0,"per_seconds":10}}}"#), "$.sample.rate_limit.records: expected an integer from 1 to 1000000000");
        assert_eq!(err(r#"{"version":1,"normalise":{"enrich":{"env":1}}}"#), "$.normalise.enrich.env: expected a string, found a number");
        assert_eq!(err(r#"{"version":1,"normalise":{"clock_skew_seconds":0}}"#), "$.normalise.clock_skew_seconds: expected an integer from 1 to 31536000");
        assert_eq!(err(r#"{"version":1,"classify":{"rules":[{"when":{"field":"a"},"tag":"x"}]}}"#), "$.classify.rules[0].when: expected exactly one operator of: equals, in, prefix, regex, range, exists");
        assert_eq!(err(r#"{"version":1,"classify":{"rules":[{"when":{"field":"a","exists":true},"tag":"no spaces"}]}}"#), "$.classify.rules[0].tag: expected a tag of letters, digits and _ - : . (at most 64)");
        assert_eq!(err(r#"{"version":1,"escape":{"multiline_fields":[1]}}"#), "$.escape.multiline_fields[0]: expected a string, found a number");
        assert_eq!(err(r#"{"version":1,"limits":{"max_string_bytes":10}}"#), "$.limits.max_string_bytes: expected an integer from 64 to 1073741824");
    }

    #[test]
    fn every_fault_of_a_policy_is_listed_in_document_order() {
        let text = r#"{"version":2,"limits":{"max_depth":0},"redact":{"rules":[
            {"name":"ok","keywords":["a"]},{"name":"Bad"},{"name":"x","regex":"("}]},
            "classify":{"rules":[{"when":{"field":"a"},"tag":"t"},{"when":{"field":"a","equals":1},"tag":""}]},
            "sample":{"default_rate":2},"colour":"blue"}"#;
        let faults: Vec<String> = Policy::parse_all(text).unwrap_err().iter().map(|f| f.to_string()).collect();
        assert_eq!(
            faults,
            [
                "$.colour: unknown key; expected one of: $schema, version, limits, keys, parse, normalise, classify, sample, redact, escape, seal",
                "$.version: expected an integer from 1 to 1",
                "$.limits.max_depth: expected an integer from 1 to 1024",
                "$.redact.rules[1].name: expected a name of a-z, 0-9 and _",
                "$.redact.rules[2].regex: invalid regex: unclosed group (at character 1)",
                "$.classify.rules[0].when: expected exactly one operator of: equals, in, prefix, regex, range, exists",
                "$.classify.rules[1].tag: expected a tag of letters, digits and _ - : . (at most 64)",
                "$.sample.default_rate: expected a rate from 0 to 1",
            ]
        );
        // `parse` gives the first of them.
        assert_eq!(err(text), faults[0]);
    }

    #[test]
    fn text_formats_are_read_strictly() {
        let p = Policy::parse(r#"{"version":1,"parse":{"formats":["syslog",{"name":"app","regex":"^(?P<level>[A-Z]+) (?P<message>.*)"},"logfmt"]}}"#).unwrap();
        assert_eq!(p.text_formats[0], TextFormat::Syslog);
        assert!(matches!(&p.text_formats[1], TextFormat::Pattern(n, _, path) if n == "app" && path == "$.parse.formats[1]"));
        assert_eq!(err(r#"{"version":1,"parse":{}}"#), "$.parse.formats: required but missing");
        assert_eq!(err(r#"{"version":1,"parse":{"formats":["csv"]}}"#), "$.parse.formats[0]: expected one of: logfmt, combined, syslog");
        assert_eq!(err(r#"{"version":1,"parse":{"formats":[{"name":"x","regex":"\\w+"}]}}"#), "$.parse.formats[0].regex: the regex names no group: fields come from named groups, (?P<level>...)");
        assert_eq!(err(r#"{"version":1,"parse":{"formats":[{"name":"X","regex":"(?P<a>.)"}]}}"#), "$.parse.formats[0].name: expected a name of a-z, 0-9 and _ (at most 64)");
        assert!(err(r#"{"version":1,"parse":{"formats":[7]}}"#).starts_with("$.parse.formats[0]: expected one of: logfmt, combined, syslog, or {"));
    }

    #[test]
    fn a_schema_reference_is_accepted_and_ignored() {
        let p = Policy::parse(r#"{"$schema":"https://logseal.dev/schema/policy-v1.json","version":1,"limits":{"max_depth":8}}"#).unwrap();
        assert_eq!(p.limits.max_depth, 8);
        assert_eq!(err(r#"{"$schema":1,"version":1}"#), "$[\"$schema\"]: expected a string, found a number");
    }

    #[test]
    fn errors_never_echo_string_values() {
        let msg = err(r#"{"version":1,"keys":{"seal":"base64:c2VjcmV0"}}"#);
        assert!(!msg.contains("c2VjcmV0"), "{msg}");
        assert_eq!(msg, "$.keys.seal: the key has 6 bytes; at least 32 are required");
    }
}
