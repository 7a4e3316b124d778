//! The seal stage end to end: records sealed by a filter verify, a change is found, a host's
//! declared gap is not a deletion, and a seal policy without a key is refused.

use base64::Engine;
use logseal::keys::{Key, KeySet, Purpose, Secret};
use logseal::policy::NoEnvironment;
use logseal::stage::seal::{CHAIN_RANDOM_BYTES, SEAL_VERSION};
use logseal::verify::{FindingKind, Verifier};
use logseal::{Context, Filter, Plan, Policy};

fn keys() -> KeySet {
    KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new(vec![9; 32]), active: true }])
}

fn sealing_filter(checkpoint_every: u64) -> Filter {
    sealing_filter_v(SEAL_VERSION, checkpoint_every)
}

fn sealing_filter_v(version: u32, checkpoint_every: u64) -> Filter {
    let secret = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{secret}"}},"seal":{{"instance":"t","checkpoint_every":{checkpoint_every},"version":{version}}}}}"#);
    let plan = Plan::load(&policy, &NoEnvironment, None).unwrap();
    let mut f = Filter::new(plan);
    f.start_chain(&[1; CHAIN_RANDOM_BYTES]);
    f
}

fn run(filter: &mut Filter, lines: &[&str]) -> Vec<Vec<u8>> {
    let ctx = Context { time_ns: 1_764_237_600_000_000_000, ..Context::default() };
    lines
        .iter()
        .map(|l| {
            let mut out = Vec::new();
            filter.process(l.as_bytes(), &ctx, &mut out);
            out
        })
        .collect()
}

fn verify(lines: &[Vec<u8>]) -> Vec<&'static str> {
    let mut v = Verifier::new(keys());
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        v.line(i as u64 + 1, l, &mut found);
    }
    v.finish(&mut found);
    found.iter().filter(|f| f.kind.is_problem()).map(|f| f.kind.name()).collect()
}

#[test]
fn sealed_records_verify_and_checkpoints_count() {
    let mut f = sealing_filter_v(1, 2);
    let out = run(&mut f, &[r#"{"a":1}"#, "plain text", r#"{"b":{"c":[1,2.5,"x"]}}"#]);
    assert_eq!(verify(&out), Vec::<&str>::new());
    let text = String::from_utf8(out[1].clone()).unwrap();
    assert!(text.contains(r#""ckpt":{"count":2}"#), "{text}");
    assert!(text.contains(r#""seq":2"#) && text.contains(r#""cov":["message"]"#), "{text}");
    assert_eq!(f.counters().sealed, 3);
    assert_eq!(f.chain().unwrap().next_seq(), 4);
    assert!(f.chain().unwrap().id().ends_with(".t"));
}

#[test]
fn compact_seals_name_key_and_instance_on_record_one_and_checkpoints_only() {
    let mut f = sealing_filter_v(2, 2);
    let out = run(&mut f, &[r#"{"a":1}"#, "plain text", r#"{"b":{"c":[1,2.5,"x"]}}"#]);
    assert_eq!(verify(&out), Vec::<&str>::new());
    let text: Vec<String> = out.iter().map(|l| String::from_utf8(l.clone()).unwrap()).collect();
    let seal = |t: &str| t.split(r#""s":"#).nth(1).unwrap().to_string();
    assert!(seal(&text[0]).starts_with(r#"{"c":"AQEBAQEBAQEBAQEBAQEBAQ","i":"t","k":"inline","n":1,"m":""#), "{}", text[0]);
    assert!(seal(&text[1]).contains(r#","i":"t","k":"inline","n":2,"p":2,"m":""#), "{}", text[1]);
    assert!(seal(&text[2]).starts_with(r#"{"c":"AQEBAQEBAQEBAQEBAQEBAQ","n":3,"m":""#), "{}", text[2]);
    // 16 bytes of MAC: 22 base64url characters, then the closing braces.
    assert_eq!(seal(&text[2]).len(), r#"{"c":"AQEBAQEBAQEBAQEBAQEBAQ","n":3,"m":""}}}"#.len() + 22);
    assert!(!text.iter().any(|t| t.contains("prev") || t.contains("cov")));
    assert_eq!(f.chain().unwrap().id(), "AQEBAQEBAQEBAQEBAQEBAQ");
    // A record with a root field named like a transport field lists its coverage.
    let out = run(&mut f, &[r#"{"time":"noon","msg":"x"}"#]);
    let text = String::from_utf8(out[0].clone()).unwrap();
    assert!(text.contains(r#""cv":["time","msg"]"#), "{text}");
    // Spelt with an escape, or not at all a transport name: decided on the decoded name.
    let out = run(&mut f, &[r#"{"ti\u006de":"noon","msg":"x"}"#, r#"{"timer":"noon","Time":"x"}"#]);
    let text: Vec<String> = out.iter().map(|l| String::from_utf8(l.clone()).unwrap()).collect();
    assert!(text[0].contains(r#""cv":["time","msg"]"#), "{}", text[0]);
    assert!(!text[1].contains(r#""cv":"#), "{}", text[1]);
}

#[test]
fn a_changed_value_fails_and_a_shipper_round_trip_does_not() {
    let mut f = sealing_filter(0);
    let out = run(&mut f, &[r#"{"user":"ann","n":5}"#, r#"{"user":"bob","n":6}"#]);
    let mut changed = out.clone();
    changed[0] = String::from_utf8(out[0].clone()).unwrap().replace("ann", "eve").into_bytes();
    assert_eq!(verify(&changed), vec!["modified"]);

    // Re-serialised by a JSON library: keys reordered, numbers re-spelt, a date added.
    let shipped: Vec<Vec<u8>> = out
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_slice(l).unwrap();
            v["date"] = serde_json::json!(1764237600.5);
            v["n"] = serde_json::json!(v["n"].as_f64().unwrap());
            let mut pairs: Vec<(String, serde_json::Value)> = v.as_object().unwrap().clone().into_iter().collect();
            pairs.reverse();
            let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap(), v)).collect();
            format!("{{ {} }}", body.join(" , ")).into_bytes()
        })
        .collect();
    assert_eq!(verify(&shipped), Vec::<&str>::new());
}

#[test]
fn cover_tag_seals_the_hosts_tag_and_a_forged_wrapper_is_reported() {
    let secret = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{secret}"}},"seal":{{"cover_tag":true}}}}"#);
    let mut f = Filter::new(Plan::load(&policy, &NoEnvironment, None).unwrap());
    f.start_chain(&[1; CHAIN_RANDOM_BYTES]);
    let ctx = Context { time_ns: 1_764_237_600_000_000_000, tag: b"app.log", ..Context::default() };
    let mut out = Vec::new();
    f.process(br#"{"msg":"login ok"}"#, &ctx, &mut out);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains(r#""tag":"app.log","s":{"#), "{text}");
    // Fluent Bit's `file` output wraps the record: `tag: [time, {...}]`.
    let wrapped = |tag: &str| vec![format!("{tag}: [1764237600.0, {text}]").into_bytes()];
    assert_eq!(verify(&wrapped("app.log")), Vec::<&str>::new());
    assert_eq!(verify(&wrapped("audit.admin")), vec!["tag_mismatch"]);
    // The sealed tag itself cannot be changed.
    let changed = vec![text.replace(r#""tag":"app.log""#, r#""tag":"audit.admin""#).into_bytes()];
    assert_eq!(verify(&changed), vec!["modified"]);
    // Without the option the wrapper is not covered: a forged tag is not noticed.
    let mut plain = sealing_filter(0);
    let out = run(&mut plain, &[r#"{"msg":"login ok"}"#]);
    let text = String::from_utf8(out[0].clone()).unwrap();
    assert!(!text.contains(r#""tag":"#), "{text}");
    assert_eq!(verify(&[format!("audit.admin: [1764237600.0, {text}]").into_bytes()]), Vec::<&str>::new());
    let err = Policy::parse(r#"{"version":1,"seal":{"cover_tag":"yes"}}"#).unwrap_err();
    assert!(err.to_string().starts_with("$.seal.cover_tag: "), "{err}");
}

#[test]
fn gap_records_declare_what_the_host_dropped() {
    let mut f = sealing_filter(0);
    let mut out = run(&mut f, &[r#"{"a":1}"#, r#"{"a":2}"#, r#"{"a":3}"#]);
    let mut gap = Vec::new();
    f.declare_gap(2, 0, &mut gap);
    // The host lost records 2 and 3 after sealing, and said so.
    out.truncate(1);
    out.push(gap);
    out.extend(run(&mut f, &[r#"{"a":4}"#]));
    assert_eq!(verify(&out), Vec::<&str>::new());
    let mut v = Verifier::new(keys());
    let mut found = Vec::new();
    for (i, l) in out.iter().enumerate() {
        v.line(i as u64 + 1, l, &mut found);
    }
    assert!(found.iter().any(|f| f.kind == FindingKind::DeclaredGap { dropped: 2 }));
    // Without the gap record the same loss is a deletion.
    out.remove(1);
    assert_eq!(verify(&out), vec!["deleted"]);
}

#[test]
fn without_a_chain_records_go_out_marked_not_sealed() {
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{}"}},"seal":{{}}}}"#, "A".repeat(44));
    let mut f = Filter::new(Plan::load(&policy, &NoEnvironment, None).unwrap());
    let out = run(&mut f, &[r#"{"a":1}"#]);
    let text = String::from_utf8(out[0].clone()).unwrap();
    assert!(text.contains("no randomness") && !text.contains("\"seal\""), "{text}");
    assert_eq!(f.counters().errors, 1);
}

#[test]
fn sealing_needs_a_key() {
    let err = Plan::load(r#"{"version":1,"seal":{"checkpoint_every":10}}"#, &NoEnvironment, None).unwrap_err();
    assert_eq!(err.to_string(), "$.seal: sealing needs a key: set keys.seal");
    let err = Policy::parse(r#"{"version":1,"seal":{"instance":"a b"}}"#).unwrap_err();
    assert!(err.to_string().starts_with("$.seal.instance: "), "{err}");
}
