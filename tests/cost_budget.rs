//! The per-record path's cost, guarded: the fuel `logseal.wasm` burns per record on the public
//! corpora (wasmtime fuel counts wasm operators executed: the same on every machine and every
//! run, unlike time) must stay within 10% of the committed budget. A change that makes the
//! path dearer fails here and must either be made cheaper or raise the budget on purpose, in
//! the same commit, with the reason in its message. A budget far above the measured cost is
//! stale and fails too, so the guard stays tight.
//!
//! `LOGSEAL_COST_PRINT=1 cargo test --test cost_budget -- --nocapture` prints the measured
//! fuel per record (the numbers to commit).

mod common;
#[path = "support/linear.rs"]
mod linear;

use linear::Meter;

/// The default policy, fuel per record on average over `pii-public.ndjson`'s 2,000 records.
const DEFAULT_PII: u64 = 58_326;
/// The default policy over the sample app log (`host-examples/logs/app.ndjson`, 120 lines: JSON
/// and plain text).
const DEFAULT_APP: u64 = 53_685;
/// A seal on every record (the canonical form and HMAC-SHA256 in wasm), over the PII corpus.
const SEALED_PII: u64 = 138_482;

/// Regressions beyond this fail.
const OVER: f64 = 1.10;
/// A budget this far above the measured cost is stale.
const UNDER: f64 = 0.75;

const SEALED: &str = r#"{"version":1,"keys":{"seal":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"seal":{}}"#;

fn mean_fuel(meter: &Meter, policy: Option<&str>, records: &[Vec<u8>]) -> u64 {
    let mut runner = meter.instance(policy);
    let total: u64 = records.iter().map(|r| runner.cost(r, u64::MAX / 2).expect("the record is filtered")).sum();
    total / records.len() as u64
}

fn check(name: &str, measured: u64, budget: u64, failures: &mut Vec<String>) {
    if std::env::var_os("LOGSEAL_COST_PRINT").is_some() {
        eprintln!("{name}: {measured} fuel per record (budget {budget})");
    }
    if measured as f64 > budget as f64 * OVER {
        failures.push(format!("{name}: {measured} fuel per record, over the budget {budget} by more than 10%"));
    } else if (measured as f64) < budget as f64 * UNDER {
        failures.push(format!("{name}: {measured} fuel per record, far under the budget {budget}: lower the budget to keep the guard tight"));
    }
}

#[test]
fn the_per_record_cost_stays_within_its_budget() {
    let meter = Meter::new(&common::wasm_module("logseal.wasm"));
    let pii = common::corpus_records("pii-public.ndjson");
    let app: Vec<Vec<u8>> = std::fs::read_to_string(common::root().join("host-examples/logs/app.ndjson"))
        .unwrap()
        .lines()
        .map(|l| l.as_bytes().to_vec())
        .collect();
    let mut failures = Vec::new();
    check("default policy, PII corpus", mean_fuel(&meter, None, &pii), DEFAULT_PII, &mut failures);
    check("default policy, sample app log", mean_fuel(&meter, None, &app), DEFAULT_APP, &mut failures);
    check("sealed, PII corpus", mean_fuel(&meter, Some(SEALED), &pii), SEALED_PII, &mut failures);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
