//! Any lines through the verifier: it reports, it never panics, and text that is not Unicode
//! never passes; the same lines sealed verify, also after a JSON library or Fluent Bit
//! re-prints them, in every seal format (v1 `logseal.seal`, v2 `logseal.s`). Inputs are
//! NDJSON; seeds are sealed records of both formats, so mutations reach deep into seals,
//! canonical forms and chain tracking. The public-key verifier reads the same lines, and the
//! sealed lines are also signed (`keys.sign`) and checked with the public key; a seed holds a
//! signed chain (`seed-signed`).
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let findings = invariants::verify_lines(data);
    invariants::check_findings(data, &findings);
    // The public-key verifier (`verify --public-key`) keeps the same promises.
    let public = invariants::public_verify_lines(data);
    invariants::check_findings(data, &public);
    invariants::check_seal_verifies(data);
});
