//! The compact seal (v2): its size bound on typical records, and the tampering that only a
//! compact seal could let through if it were built carelessly (a shortened MAC, a stripped key
//! id, a changed sequence number, a field named like a transport field).

mod common;

use common::corpus_records;
use logseal::keys::{Key, KeySet, Purpose, Secret};
use logseal::verify::Verifier;
use logseal::{Context, Filter, Plan};

const SECRET: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn filter(seal: Option<&str>) -> Filter {
    filter_seeded(seal, 7)
}

fn filter_seeded(seal: Option<&str>, seed: u8) -> Filter {
    let policy = match seal {
        Some(s) => format!(r#"{{"version":1,"keys":{{"seal":"base64:{SECRET}"}},"seal":{s}}}"#),
        None => r#"{"version":1}"#.to_string(),
    };
    let mut f = Filter::new(Plan::load(&policy, &logseal::policy::NoEnvironment, None).expect("policy"));
    f.start_chain(&[seed; 16]);
    f
}

fn run(f: &mut Filter, records: &[Vec<u8>]) -> Vec<String> {
    let ctx = Context { time_ns: 1_764_237_600_000_000_000, ..Context::default() };
    records
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            f.process(r, &ctx, &mut out);
            String::from_utf8(out).expect("UTF-8")
        })
        .collect()
}

fn keys() -> KeySet {
    use base64::Engine;
    let secret = base64::engine::general_purpose::STANDARD.decode(SECRET).expect("base64");
    KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new(secret), active: true }])
}

/// (problem kind, line) of every problem.
fn problems(lines: &[String]) -> Vec<(&'static str, u64)> {
    let mut v = Verifier::new(keys());
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        v.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    v.finish(&mut found);
    found.iter().filter(|f| f.kind.is_problem()).map(|f| (f.kind.name(), f.line)).collect()
}

fn records(n: usize) -> Vec<Vec<u8>> {
    corpus_records("pii-public.ndjson").into_iter().take(n).collect()
}

#[test]
fn a_compact_seal_adds_at_most_100_bytes_a_record() {
    let recs = records(2000);
    let plain: usize = run(&mut filter(None), &recs).iter().map(String::len).sum();
    let per_record = |seal: &str| (run(&mut filter(Some(seal)), &recs).iter().map(String::len).sum::<usize>() - plain) as f64 / recs.len() as f64;
    let v2 = per_record(r#"{"instance":"example","checkpoint_every":1000}"#);
    let v1 = per_record(r#"{"instance":"example","checkpoint_every":1000,"version":1}"#);
    assert!(v2 <= 100.0, "v2 adds {v2} bytes a record");
    assert!(v1 > 250.0, "v1 adds {v1} bytes a record");
}

#[test]
fn compact_and_original_seals_verify_in_one_stream() {
    let recs = records(20);
    let mut lines = run(&mut filter(Some(r#"{"version":1}"#)), &recs[..10]);
    lines.extend(run(&mut filter_seeded(Some(r#"{"instance":"b"}"#), 8), &recs[10..]));
    assert!(lines[0].contains(r#""seal":{"#) && lines[10].contains(r#""s":{"#));
    assert_eq!(problems(&lines), []);
    // One chain id in both formats (a reused seed) is not one chain.
    let mut lines = run(&mut filter(Some(r#"{"version":1}"#)), &recs[..2]);
    lines.extend(run(&mut filter(Some("{}")), &recs[2..3]));
    assert_eq!(problems(&lines), [("malformed", 3)]);
}

#[test]
fn a_shortened_mac_never_verifies() {
    let mut lines = run(&mut filter(Some("{}")), &records(5));
    // The MAC's first 8 bytes (11 base64url characters) are a prefix of the true MAC.
    let m = lines[2].rfind(r#""m":""#).expect("mac") + 5;
    lines[2].replace_range(m + 11..m + 22, "");
    assert_eq!(problems(&lines), [("modified", 3)]);
    let mut lines = run(&mut filter(Some("{}")), &records(5));
    let m = lines[2].rfind(r#""m":""#).expect("mac") + 5;
    lines[2].replace_range(m..m + 22, "");
    assert_eq!(problems(&lines), [("modified", 3)]);
}

#[test]
fn the_sequence_number_key_id_and_instance_are_sealed() {
    let genuine = run(&mut filter(Some(r#"{"instance":"web-1","checkpoint_every":3}"#)), &records(8));
    assert_eq!(problems(&genuine), []);
    assert!(genuine[0].contains(r#""i":"web-1","k":"inline","n":1,"#), "{}", genuine[0]);
    assert!(genuine[2].contains(r#""i":"web-1","k":"inline","n":3,"p":3,"#), "{}", genuine[2]);
    assert!(genuine[1].contains(r#","n":2,"m":""#) && !genuine[1].contains(r#""k":"#), "{}", genuine[1]);

    let mut lines = genuine.clone();
    lines[4] = lines[4].replace(r#""n":5,"#, r#""n":6,"#);
    // Record 5 now claims the number record 6 holds: a forgery there, and 5 is gone.
    assert_eq!(problems(&lines), [("inserted", 5), ("deleted", 6)]);
    let mut lines = genuine.clone();
    lines[0] = lines[0].replace(r#""i":"web-1","#, r#""i":"web-2","#);
    assert_eq!(problems(&lines), [("modified", 1)]);
    // A checkpoint stripped: the record claims less than it was sealed with.
    let mut lines = genuine.clone();
    lines[2] = lines[2].replace(r#","p":3"#, "");
    assert_eq!(problems(&lines), [("modified", 3)]);
    // The key id removed from record 1: no key verifies it, and the number is not deleted.
    let mut lines = genuine.clone();
    lines[0] = lines[0].replace(r#""k":"inline","#, "");
    assert_eq!(problems(&lines), [("unknown_key", 1)]);
}

#[test]
fn a_chain_read_from_its_middle_finds_its_key_without_a_key_id() {
    let genuine = run(&mut filter(Some(r#"{"checkpoint_every":0}"#)), &records(6));
    // Rotated away: the first records (the ones naming the key) are not in this input.
    let tail = genuine[3..].to_vec();
    assert_eq!(problems(&tail), [("deleted", 1)]);
    // Under a keyring without the chain's key, such records are tied to no trusted key.
    let other = KeySet::new(vec![Key { id: "other".into(), purpose: Purpose::Seal, secret: Secret::new(vec![1; 32]), active: true }]);
    let mut v = Verifier::new(other);
    let mut found = Vec::new();
    for (i, l) in tail.iter().enumerate() {
        v.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    v.finish(&mut found);
    let kinds: Vec<&str> = found.iter().map(|f| f.kind.name()).collect();
    assert_eq!(kinds, ["unknown_key", "unknown_key", "unknown_key", "deleted"]);
}

#[test]
fn a_root_field_named_like_a_transport_field_stays_covered() {
    let recs: Vec<Vec<u8>> = (0..3).map(|i| format!(r#"{{"time":"10:0{i}","date":"today","msg":"m{i}"}}"#).into_bytes()).collect();
    let genuine = run(&mut filter(Some("{}")), &recs);
    assert!(genuine[1].contains(r#""cv":["time","date","msg"]"#), "{}", genuine[1]);
    assert_eq!(problems(&genuine), []);
    let mut lines = genuine.clone();
    lines[1] = lines[1].replace(r#""time":"10:01""#, r#""time":"23:59""#);
    assert_eq!(problems(&lines), [("modified", 2)]);
    // A name spelt with escapes is the same name: still listed, still covered.
    let escaped = vec![br#"{"d\u0061te":"today","msg":"m"}"#.to_vec()];
    let genuine = run(&mut filter(Some("{}")), &escaped);
    assert!(genuine[0].contains(r#""cv":["date","msg"]"#), "{}", genuine[0]);
    let changed = vec![genuine[0].replace("today", "yesterday")];
    assert_eq!(problems(&changed), [("modified", 1)]);
    // Without such a field the coverage is implicit and a shipper's `date` is only noted.
    let plain = run(&mut filter(Some("{}")), &[br#"{"msg":"m"}"#.to_vec()]);
    assert!(!plain[0].contains(r#""cv""#), "{}", plain[0]);
    let shipped = vec![plain[0].replacen('{', r#"{"date":1764237600.5,"#, 1)];
    assert_eq!(problems(&shipped), []);
}
