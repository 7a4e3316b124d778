//! Any lines through the verifier: it reports, it never panics. Inputs are NDJSON; seeds are
//! sealed records, so mutations reach deep into seals, canonical forms and chain tracking.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    invariants::verify_lines(data);
});
