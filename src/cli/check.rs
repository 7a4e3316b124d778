//! `logseal check FILE`: validate a policy, list every fault with its JSON path, warn about
//! settings that can never apply, and explain what the compiled plan does (keys by id only).

use super::env::StdEnvironment;
use super::exit;
use super::policy_source::SourceError;
use logseal::keys::Purpose;
use logseal::policy::{Environment, Plan, Policy};
use logseal::stage::normalise::level::LEVELS;
use logseal::stage::redact::action::Action;
use logseal::stage::redact::kind::Kind;
use std::cell::RefCell;

pub const ABOUT: &str = "\
Validates the policy in FILE (keys included), lists every fault with its JSON path, warns
about settings that can never apply, and explains what the policy does. `-` reads the policy
from stdin (key files named in it are then relative to the working directory).";

pub const EXIT: &str = "\
Exit: 0 valid; 1 refused, with the JSON path of each fault (or warned about, with --strict);
2 usage error; 3 FILE (or stdin) cannot be read.";

/// The arguments of `logseal check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// the policy file, or `-` for stdin
    #[arg(value_name = "FILE")]
    file: String,
    /// warnings (settings that never apply, demo or inline keys) fail the check too
    #[arg(long)]
    strict: bool,
}

/// The CLI's environment, with warnings kept to print under the explanation.
struct Collecting {
    warnings: RefCell<Vec<String>>,
}

impl Environment for Collecting {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        StdEnvironment.read_file(path)
    }
    fn var(&self, name: &str) -> Option<String> {
        StdEnvironment.var(name)
    }
    fn warn(&self, message: &str) {
        self.warnings.borrow_mut().push(message.to_string());
    }
}

pub fn run(args: CheckArgs) -> i32 {
    let source = args.file.as_str();
    let text = match super::policy_source::read(source) {
        Ok(s) => s,
        Err(SourceError::Io(msg)) => {
            eprintln!("logseal: {msg}");
            return exit::IO;
        }
        Err(SourceError::Policy(fault)) => {
            let path = if source == super::input::STDIN { "(stdin)" } else { source };
            println!("{path}: invalid (1 fault)\n  {fault}");
            return exit::POLICY;
        }
    };
    // `path` names the policy in the output; key files resolve from its directory.
    let path = if source == super::input::STDIN { "(stdin)" } else { source };
    check(path, &text.dir, &text.json, args.strict)
}

/// Checks policy `text` (named `path`, its key files resolved from `dir`) and prints the
/// report; returns the exit code.
pub fn check(path: &str, dir: &str, text: &str, strict: bool) -> i32 {
    let policy = match Policy::parse_all(text) {
        Ok(p) => p,
        Err(faults) => {
            println!("{path}: invalid ({} fault{})", faults.len(), if faults.len() == 1 { "" } else { "s" });
            for f in faults {
                println!("  {f}");
            }
            return exit::POLICY;
        }
    };
    let env = Collecting { warnings: RefCell::new(Vec::new()) };
    let plan = match Plan::compile(&policy, &env, Some(dir)) {
        Ok(plan) => plan,
        Err(err) => {
            println!("{path}: invalid (1 fault)\n  {err}");
            return exit::POLICY;
        }
    };
    let mut warnings = env.warnings.into_inner();
    warnings.extend(never_apply(&policy));
    println!("{path}: valid");
    for line in explain(&policy, &plan) {
        println!("  {line}");
    }
    if !warnings.is_empty() {
        println!("warnings:");
        for w in &warnings {
            println!("  {w}");
        }
    }
    if strict && !warnings.is_empty() {
        exit::POLICY
    } else {
        exit::OK
    }
}

/// Settings the reader accepts that can never change a record (the plan compiler warns about
/// sampling rates for WARN and above itself).
fn never_apply(p: &Policy) -> Vec<String> {
    let mut w = Vec::new();
    for (kind, action, path) in &p.redact.actions {
        if p.redact.disable.contains(kind) {
            w.push(format!("{path}: the {} detector is disabled, so this action never applies", kind.name()));
        } else if p.redact.allowlist.is_some() && *action != 0 {
            w.push(format!("{path}: allowlist mode masks every field not listed; the listed ones pass whole, so this action never applies"));
        }
    }
    if p.redact.encrypt_original && p.redact.encrypt.is_empty() && !p.redact.actions.iter().any(|(_, a, _)| Action::from_index(*a) == Action::Encrypt) {
        w.push("$.redact.encrypt_original: nothing is encrypted whole, so this never applies".into());
    }
    if let Some(s) = &p.sample {
        let any_partial = s.default_rate > 0.0 && s.default_rate < 1.0
            || s.levels.iter().flatten().any(|r| *r > 0.0 && *r < 1.0)
            || s.rules.iter().any(|(_, r)| *r > 0.0 && *r < 1.0);
        if !s.by.is_empty() && !any_partial {
            w.push(format!("{}.by: no rate between 0 and 1, so records are never sampled by these fields", s.path));
        }
    }
    w
}

/// The compiled plan in words, one line per concern.
fn explain(p: &Policy, plan: &Plan) -> Vec<String> {
    let mut out = Vec::new();
    let l = plan.limits;
    out.push(format!(
        "limits: records up to {} bytes, nesting up to {} levels, up to {} fields, strings up to {} bytes, keys up to {} bytes",
        l.max_record_bytes, l.max_depth, l.max_fields, l.max_string_bytes, l.max_key_bytes
    ));
    out.push(match plan.parser.text_formats.names() {
        n if n.is_empty() => "parse: text lines become {\"message\": ...}".to_string(),
        n => format!("parse: text lines read as {} (in that order; unread lines stay message)", n.join(", ")),
    });
    let n = &plan.normaliser;
    out.push(format!(
        "normalise: ingest time {}, clock skew tolerance {} s, {} field mappings, levels {}, timestamps {}, {} enrichment fields, essential fields [{}]",
        if n.ingest_time { "recorded" } else { "off" },
        n.skew_ns / 1_000_000_000,
        n.map.len(),
        if n.levels { "rewritten" } else { "kept" },
        if n.timestamps { "rewritten" } else { "kept" },
        n.enrich.len(),
        n.require_names.join(", ")
    ));
    let c = &plan.classifier;
    out.push(format!(
        "classify: built-in security tags {}, custom tags [{}]",
        if p.classify.builtin { "on (auth_failure, access_denied, server_error)" } else { "off" },
        c.tag_names.join(", ")
    ));
    let sm = &plan.sampler;
    if sm.active() {
        let levels: Vec<String> = LEVELS.iter().zip(sm.levels).filter_map(|(n, r)| r.map(|r| format!("{n} {r}"))).collect();
        let by = p.sample.as_ref().map(|s| s.by.join(", ")).unwrap_or_default();
        out.push(format!(
            "sample: by [{by}], default rate {}, levels [{}], {} rules (first match wins), rate limit {}, dedup {}, up to {} keys",
            sm.default_rate,
            levels.join(", "),
            sm.rules.len(),
            if sm.limit.is_some() { "on" } else { "off" },
            if sm.dedup.is_some() { "on" } else { "off" },
            sm.max_keys
        ));
        out.push("sample: always kept: WARN and above, status >= 400, every record classify tagged".into());
    } else {
        out.push("sample: off (every record is kept)".into());
    }
    let r = &p.redact;
    match &r.allowlist {
        Some(list) => out.push(format!("redact: allowlist mode: only [{}] pass, every other value is masked", list.join(", "))),
        None => {
            let action = |k: Kind| -> &str {
                let i = r.actions.iter().find(|(kind, _, _)| *kind == k).map_or(r.default_action, |(_, a, _)| *a);
                Action::NAMES.get(i).copied().unwrap_or("mask")
            };
            let builtin: Vec<Kind> = Kind::ALL.into_iter().filter(|k| !matches!(k, Kind::Body | Kind::Denied | Kind::Allowlist)).collect();
            let on: Vec<String> = builtin.iter().filter(|k| !r.disable.contains(k)).map(|k| format!("{} {}", k.name(), action(*k))).collect();
            out.push(format!("redact: key rules and detectors on for {} kinds: {}", on.len(), on.join(", ")));
            if !r.disable.is_empty() {
                let off: Vec<&str> = r.disable.iter().map(|k| k.name()).collect();
                out.push(format!("redact: switched off: {}", off.join(", ")));
            }
            out.push(format!("redact: deny list [{}] ({})", r.deny.join(", "), action(Kind::Denied)));
            out.push(format!("redact: raw bodies {}", if r.drop_bodies { "replaced by their size" } else { "scanned like any string" }));
        }
    }
    for rule in &r.rules {
        let how = match &rule.regex {
            Some(_) => "a regex".to_string(),
            None => format!("{} keywords", rule.keywords.len()),
        };
        out.push(format!("redact: custom rule {} ({how}), action {}", rule.name, Action::NAMES.get(rule.action).copied().unwrap_or("mask")));
    }
    out.push(match plan.redactor.encryption_summary() {
        Some(line) => format!("encrypt: {line}{}", if r.encrypt_original { ", values encrypted as they came" } else { ", values redacted before they are encrypted" }),
        None => "encrypt: off".into(),
    });
    out.push(match &plan.sealer {
        Some(s) => format!("seal: every record, {}", s.describe()),
        None => "seal: off".into(),
    });
    let multiline = &p.escape.multiline_fields;
    out.push(format!("escape: always on; fields keeping LF and TAB [{}]", multiline.join(", ")));
    for purpose in Purpose::ALL {
        if let Some(keys) = plan.keys(purpose) {
            let ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
            let active = keys.active().map_or("none", |k| k.id.as_str());
            out.push(format!("keys for {}: {} (active: {active})", purpose.name(), ids.join(", ")));
        }
    }
    out
}
