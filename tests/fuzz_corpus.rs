//! Replays the fuzz corpora and every crash artifact as ordinary stable tests, so what the
//! fuzzers found stays fixed. Run the fuzzers themselves by hand (docs/development.md, "Fuzzing").

mod common;
#[path = "support/invariants.rs"]
mod invariants;
#[path = "support/linear.rs"]
mod linear;

use logseal::{Context, Filter, Plan};
use std::path::PathBuf;

fn files(target: &str) -> Vec<PathBuf> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fuzz");
    let mut out = Vec::new();
    for dir in [root.join("corpus").join(target), root.join("artifacts").join(target)] {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            out.extend(entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_file()));
        }
    }
    out.sort();
    out
}

const TIGHT: &str = r#"{"version":1,"limits":{"max_record_bytes":512,"max_depth":4,"max_fields":8,"max_string_bytes":64,"max_key_bytes":16}}"#;

#[test]
fn filter_corpus_keeps_every_promise() {
    let inputs = files("filter");
    assert!(inputs.len() >= 20, "the filter corpus is committed under fuzz/corpus/filter");
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let tight = Plan::load(TIGHT, &logseal::policy::NoEnvironment, None).unwrap();
        for plan in [Plan::default_policy(), tight] {
            let mut out = Vec::new();
            Filter::new(plan).process(&data, &Context::default(), &mut out);
            invariants::check_output(&out);
        }
    }
}

#[test]
fn abi_corpus_keeps_every_promise() {
    let inputs = files("abi");
    assert!(inputs.len() >= 10, "the abi corpus is committed under fuzz/corpus/abi");
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let (policy, record) = match data.split_first_chunk::<2>() {
            Some((len, rest)) => rest.split_at((u16::from_le_bytes(*len) as usize).min(rest.len())),
            None => (&[][..], &data[..]),
        };
        // What the module does: a policy that does not load means lockdown.
        let plan = match std::str::from_utf8(policy).map(|p| Plan::load(p, &logseal::policy::NoEnvironment, None)) {
            Ok(Ok(plan)) => plan,
            Ok(Err(e)) => Plan::lockdown(&e.to_string()),
            Err(_) => Plan::lockdown("not UTF-8"),
        };
        let mut out = Vec::new();
        Filter::new(plan).process(record, &Context::default(), &mut out);
        invariants::check_output(&out);
    }
}

#[test]
fn verify_corpus_is_reported_never_a_panic() {
    let inputs = files("verify");
    assert!(inputs.len() >= 10, "the verify corpus is committed under fuzz/corpus/verify");
    assert!(inputs.iter().any(|p| p.ends_with("seed00")), "seed00, a genuine chain start, stays in the corpus");
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        let findings = invariants::verify_lines(&data);
        invariants::check_findings(&data, &findings);
        let public = invariants::public_verify_lines(&data);
        invariants::check_findings(&data, &public);
        invariants::check_seal_verifies(&data);
        // The first seed is the start of a genuine chain: it verifies clean.
        if path.file_name().is_some_and(|n| n == "seed00") {
            assert!(findings.iter().all(|f| !f.kind.is_problem()), "{findings:?}");
        }
        // seed-signed is a genuine signed chain: clean under the seal key and the public key.
        if path.file_name().is_some_and(|n| n == "seed-signed") {
            assert!(findings.iter().all(|f| !f.kind.is_problem()), "{findings:?}");
            assert!(public.iter().all(|f| !f.kind.is_problem()) && public.iter().any(|f| f.kind.name() == "not_yet_covered"), "{public:?}");
        }
    }
}

#[test]
fn linear_corpus_costs_linear_time() {
    // Seeds the `linear` target kept, and any slow input it found: each replays with the same
    // deterministic fuel measure, in the generic module.
    let inputs = files("linear");
    assert!(inputs.len() >= 10, "the linear corpus is committed under fuzz/corpus/linear");
    let meter = linear::Meter::new(&common::wasm_module("logseal.wasm"));
    let mut runners = [meter.instance(Some(linear::DEFAULT_UNCUT)), meter.instance(Some(linear::SEALING))];
    let mut bad = Vec::new();
    for path in inputs {
        let data = std::fs::read(&path).unwrap();
        if let Some((place, sealed, g)) = linear::check_seed(&meter, &mut runners, &data) {
            if !g.ok() {
                bad.push(format!("{}: {place:?}, sealing {sealed}: {g:?}", path.display()));
            }
        }
    }
    assert!(bad.is_empty(), "slow inputs:\n{}", bad.join("\n"));
}
