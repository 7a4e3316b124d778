//! Any lines through the verifier: it reports, it never panics. Inputs are NDJSON; seeds are
//! sealed records, so mutations reach deep into seals, canonical forms and chain tracking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use logseal::keys::{Key, KeySet, Purpose, Secret};
use logseal::verify::Verifier;

fuzz_target!(|data: &[u8]| {
    let keys = KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new((0..32).collect()), active: true }]);
    let mut v = Verifier::new(keys);
    let mut findings = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        v.line(i as u64 + 1, line, &mut findings);
    }
    v.finish(&mut findings);
});
