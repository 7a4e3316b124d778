//! Any bytes through the filter, with the default policy and with tight limits.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;
use logseal::{Context, Filter, Plan};

const TIGHT: &str = r#"{"version":1,"limits":{"max_record_bytes":512,"max_depth":4,"max_fields":8,"max_string_bytes":64,"max_key_bytes":16}}"#;

fuzz_target!(|data: &[u8]| {
    let tight = Plan::load(TIGHT, &logseal::policy::NoEnvironment, None).expect("tight policy loads");
    for plan in [Plan::default_policy(), tight] {
        let mut filter = Filter::new(plan);
        let mut out = Vec::new();
        filter.process(data, &Context::default(), &mut out);
        invariants::check_output(&out);
    }
});
