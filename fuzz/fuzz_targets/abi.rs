//! The generic module's ABI: an arbitrary policy, then an arbitrary record.
//! Input: two bytes of policy length (little-endian), the policy, the record.
#![no_main]

#[path = "../../tests/support/invariants.rs"]
mod invariants;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (policy, record) = split(data);
    let status = logseal_generic::configure(Some(policy));
    assert!((0..=1).contains(&status), "configure status {status}");
    for input in [Some(record), None] {
        let status = logseal_generic::filter(input, 0, |status, out| {
            invariants::check_output(out);
            status
        });
        assert!(matches!(status, Some(0..=2)), "filter status {status:?}");
    }
});

fn split(data: &[u8]) -> (&[u8], &[u8]) {
    let Some((len, rest)) = data.split_first_chunk::<2>() else { return (&[], data) };
    let n = (u16::from_le_bytes(*len) as usize).min(rest.len());
    rest.split_at(n)
}
