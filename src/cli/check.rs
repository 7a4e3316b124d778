//! `logseal check FILE`: validate a policy and explain what it does.

use super::env::{load_plan, LoadError};
use super::exit;
use logseal::keys::Purpose;

pub const ABOUT: &str = "\
Validates the policy in FILE (keys included) and explains what it does. `-` reads the
policy from stdin (key files named in it are then relative to the working directory).";

pub const EXIT: &str = "\
Exit: 0 valid; 1 refused, with the JSON path of the fault; 2 usage error; 3 FILE (or stdin)
cannot be read.";

/// The arguments of `logseal check`.
#[derive(clap::Args)]
pub struct CheckArgs {
    /// the policy file, or `-` for stdin
    #[arg(value_name = "FILE")]
    file: String,
}

pub fn run(args: CheckArgs) -> i32 {
    // `path` names the policy in the output; `-` is read from stdin.
    let source = args.file.as_str();
    let path = if source == super::input::STDIN { "(stdin)" } else { source };
    let plan = match load_plan(Some(source)) {
        Ok(plan) => plan,
        Err(LoadError::Io(msg)) => {
            eprintln!("logseal: {msg}");
            return exit::IO;
        }
        Err(LoadError::Policy(err)) => {
            println!("{path}: invalid\n  {err}");
            return exit::POLICY;
        }
    };
    println!("{path}: valid");
    let l = plan.limits;
    println!(
        "  limits: records up to {} bytes, nesting up to {} levels, up to {} fields",
        l.max_record_bytes, l.max_depth, l.max_fields
    );
    let n = &plan.normaliser;
    println!(
        "  normalise: ingest time {}, clock skew tolerance {} s, {} field mappings, levels {}, timestamps {}, {} enrichment fields, {} essential fields",
        if n.ingest_time { "recorded" } else { "off" },
        n.skew_ns / 1_000_000_000,
        n.map.len(),
        if n.levels { "rewritten" } else { "kept" },
        if n.timestamps { "rewritten" } else { "kept" },
        n.enrich.len(),
        n.require.len()
    );
    let c = &plan.classifier;
    println!("  classify: {} custom tags{}", c.tag_names.len(), if c.tag_names.is_empty() { String::new() } else { format!(" ({})", c.tag_names.join(", ")) });
    let sm = &plan.sampler;
    if sm.active() {
        let levels: Vec<String> = logseal::stage::normalise::level::LEVELS
            .iter()
            .zip(sm.levels)
            .filter_map(|(n, r)| r.map(|r| format!("{n} {r}")))
            .collect();
        println!(
            "  sample: default rate {}, levels [{}], {} rules, rate limit {}, dedup {}, up to {} keys; WARN+, status >= 400 and tagged records always kept",
            sm.default_rate,
            levels.join(", "),
            sm.rules.len(),
            if sm.limit.is_some() { "on" } else { "off" },
            if sm.dedup.is_some() { "on" } else { "off" },
            sm.max_keys
        );
    } else {
        println!("  sample: off (every record is kept)");
    }
    match &plan.allowlist {
        Some(_) => println!("  redact: allowlist mode; fields not listed are masked"),
        None => println!("  redact: key rules and detectors for {} kinds of secret, {} custom rules", logseal::stage::redact::kind::Kind::COUNT - 2, plan.redactor.rules().len()),
    }
    match plan.redactor.encryption_summary() {
        Some(line) => println!("  encrypt: {line}"),
        None => println!("  encrypt: off"),
    }
    match &plan.sealer {
        Some(s) => println!("  seal: every record, {}", s.describe()),
        None => println!("  seal: off"),
    }
    for purpose in Purpose::ALL {
        if let Some(keys) = plan.keys(purpose) {
            let ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
            let active = keys.active().map_or("none", |k| k.id.as_str());
            println!("  keys for {}: {} (active: {active})", purpose.name(), ids.join(", "));
        }
    }
    exit::OK
}
