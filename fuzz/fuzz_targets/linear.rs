//! Slow inputs: the fuzz input is a seed (see `decode` in tests/support/linear.rs), repeated
//! into records of about 16 KiB and 32 KiB (a message, a raw JSON string body, a plain-text
//! line, a key name, or normalised fields; the default or a sealing policy), run through
//! `logseal.wasm` in wasmtime with fuel metering. Fails when the cost grows more than
//! `MAX_RATIO` as the record doubles, or passes the per-byte budget: quadratic work anywhere in
//! the pipeline. Fuel is deterministic, so every finding replays (tests/fuzz_corpus.rs).
//! Build the module first (`scripts/build-wasm.sh`); `LOGSEAL_WASM` names another copy.
#![no_main]

#[path = "../../tests/support/linear.rs"]
mod linear;

use libfuzzer_sys::fuzz_target;
use linear::{check_seed, Meter, Runner, DEFAULT_UNCUT, SEALING};
use std::cell::RefCell;
use std::sync::OnceLock;

fn meter() -> &'static Meter {
    static METER: OnceLock<Meter> = OnceLock::new();
    METER.get_or_init(|| {
        let path = std::env::var("LOGSEAL_WASM").unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../target/wasm-out/logseal.wasm").to_string());
        let wasm = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}; run scripts/build-wasm.sh first"));
        Meter::new(&wasm)
    })
}

thread_local! {
    static RUNNERS: RefCell<Option<[Runner; 2]>> = const { RefCell::new(None) };
}

fuzz_target!(|data: &[u8]| {
    RUNNERS.with(|cell| {
        let mut slot = cell.borrow_mut();
        let runners = slot.get_or_insert_with(|| [meter().instance(Some(DEFAULT_UNCUT)), meter().instance(Some(SEALING))]);
        if let Some((place, sealed, g)) = check_seed(meter(), runners, data) {
            assert!(g.ok(), "slow input ({place:?}, sealing {sealed}): {g:?}, ratio {:?}, {:?}/byte", g.ratio(), g.per_byte());
        }
    });
});
