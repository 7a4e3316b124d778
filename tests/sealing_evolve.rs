//! Forward-secure key evolution (`seal.evolve`): each epoch's key is a one-way step from the
//! last, so whoever takes the filter's state in epoch n holds no key of an earlier epoch, and
//! records it forges for earlier epochs are caught.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use logseal::keys::{Key, KeySet, Purpose, Secret};
use logseal::stage::seal::{chain_mac_v, epoch_key, HmacSha256, MAC_V2_BYTES};
use logseal::verify::record::Reader;
use logseal::verify::Verifier;
use logseal::{Context, Filter, Plan};

const MASTER: [u8; 32] = [3; 32];

fn filter(evolve: &str) -> Filter {
    let secret = STANDARD.encode(MASTER);
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{secret}"}},"seal":{{"checkpoint_every":0,"evolve":{evolve}}}}}"#);
    let mut f = Filter::new(Plan::load(&policy, &logseal::policy::NoEnvironment, None).expect("policy"));
    f.start_chain(&[5; 16]);
    f
}

fn seal_at(f: &mut Filter, n: usize, time_ns: impl Fn(usize) -> i64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let ctx = Context { time_ns: time_ns(i), ..Context::default() };
            let mut out = Vec::new();
            f.process(format!(r#"{{"msg":"event {i}","user":"u{i}"}}"#).as_bytes(), &ctx, &mut out);
            String::from_utf8(out).expect("UTF-8")
        })
        .collect()
}

fn problems(lines: &[String]) -> Vec<(&'static str, u64)> {
    let keys = KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new(MASTER.to_vec()), active: true }]);
    let mut v = Verifier::new(keys);
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        v.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    v.finish(&mut found);
    found.iter().filter(|f| f.kind.is_problem()).map(|f| (f.kind.name(), f.line)).collect()
}

/// A forger holding `key` re-seals `line` after `change`: the MAC recomputed over the changed
/// record, as a holder of that key can.
fn reseal(line: &str, change: impl Fn(&str) -> String, key: &HmacSha256) -> String {
    let changed = change(line);
    let mut r = Reader::default();
    r.read(changed.as_bytes()).expect("a sealed record");
    let mac = URL_SAFE_NO_PAD.encode(&r.mac_under(key)[..MAC_V2_BYTES]);
    let at = changed.rfind(r#""m":""#).expect("mac") + 5;
    format!("{}{}{}", &changed[..at], mac, &changed[at + 22..])
}

const T0: i64 = 1_764_237_600_000_000_000;

#[test]
fn every_record_says_its_epoch_and_the_last_of_each_epoch_says_so() {
    let mut f = filter(r#"{"every_records":3}"#);
    let lines = seal_at(&mut f, 7, |_| T0);
    assert_eq!(problems(&lines), []);
    let epochs: Vec<&str> = lines.iter().map(|l| l.split(r#""e":"#).nth(1).and_then(|r| r.split(',').next()).unwrap_or("-")).collect();
    assert_eq!(epochs, ["0", "0", "0", "1", "1", "1", "2"]);
    let last: Vec<bool> = lines.iter().map(|l| l.contains(r#","x":1"#)).collect();
    assert_eq!(last, [false, false, true, false, false, true, false]);
    assert_eq!(f.chain().map(|c| c.epoch()), Some(2));
    // A policy asking for evolution with the version 1 seal is refused.
    let err = Plan::load(r#"{"version":1,"keys":{"seal":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"seal":{"version":1,"evolve":{"every_records":3}}}"#, &logseal::policy::NoEnvironment, None).unwrap_err();
    assert!(err.to_string().contains("needs seal version 2"), "{err}");
}

#[test]
fn epochs_move_on_by_time() {
    let mut f = filter(r#"{"every_seconds":60}"#);
    // Records 30 s apart: each epoch's first record starts its clock; the one 60 s on closes it.
    let lines = seal_at(&mut f, 6, |i| T0 + i as i64 * 30_000_000_000);
    assert_eq!(problems(&lines), []);
    let last: Vec<bool> = lines.iter().map(|l| l.contains(r#","x":1"#)).collect();
    assert_eq!(last, [false, false, true, false, false, true]);
    assert_eq!(f.chain().map(|c| c.epoch()), Some(2));
}

#[test]
fn a_compromise_in_epoch_n_cannot_reseal_earlier_epochs() {
    let mut f = filter(r#"{"every_records":4}"#);
    let mut lines = seal_at(&mut f, 12, |_| T0);
    assert_eq!(f.chain().map(|c| c.epoch()), Some(3));
    // The filter's state in epoch 3: the key of epoch 3, which is where the chain key stands
    // after three one-way steps (checked: the filter's next record verifies under it).
    let chain_key = chain_mac_v(2, &MASTER, f.chain().expect("chain").id());
    let stolen = epoch_key(&chain_key, 0, 3);
    lines.extend(seal_at(&mut f, 1, |_| T0));
    let next = lines[12].clone();
    assert_eq!(reseal(&next, |l| l.to_string(), &stolen), next, "the stolen key is the filter's key");
    assert_eq!(problems(&lines), []);

    // Record 6 (epoch 1) changed and re-sealed with the stolen key, keeping its epoch: the MAC
    // does not hold under epoch 1's key.
    let change = |l: &str| l.replace("event 5", "event 5 (nothing happened)");
    let mut forged = lines.clone();
    forged[5] = reseal(&lines[5], change, &stolen);
    assert_eq!(problems(&forged), [("modified", 6)]);
    // Re-sealed as epoch 3, where the stolen key holds: its epoch follows neither record 5's
    // nor does record 7's follow it.
    let mut forged = lines.clone();
    forged[5] = reseal(&lines[5], |l| change(l).replace(r#""e":1,"#, r#""e":3,"#), &stolen);
    assert_eq!(problems(&forged), [("epoch_break", 6), ("epoch_break", 7)]);
    // The whole tail from record 6 re-sealed as epoch 3: the break is at the first of them.
    let mut forged = lines.clone();
    for l in forged.iter_mut().skip(5).take(7) {
        *l = reseal(l, |l| change(l).replace(r#""e":1,"#, r#""e":3,"#).replace(r#""e":2,"#, r#""e":3,"#).replace(r#","x":1"#, ""), &stolen);
    }
    assert_eq!(problems(&forged)[0], ("epoch_break", 6));
    // Keys of later epochs are no help either: a step forward never leads back.
    let later = epoch_key(&stolen, 3, 5);
    let mut forged = lines.clone();
    forged[1] = reseal(&lines[1], change, &later);
    assert_eq!(problems(&forged), [("modified", 2)]);
    // The filter holds no master key once its chain started: asked to start another chain, it
    // cannot, and goes on sealing the running one.
    let id = f.chain().expect("chain").id().to_string();
    f.start_chain(&[6; 16]);
    assert_eq!(f.chain().expect("chain").id(), id);
    let more = seal_at(&mut f, 2, |_| T0);
    assert_eq!(problems(&[lines.clone(), more].concat()), []);
    // Records of the stolen epoch and after are the attacker's to seal: the limit, documented.
    let mut forged = lines.clone();
    forged[12] = reseal(&lines[12], |l| l.replace("event 0", "forged"), &stolen);
    assert_eq!(problems(&forged), []);
}

#[test]
fn hostile_epochs_are_bounded() {
    let lines = seal_at(&mut filter(r#"{"every_records":2}"#), 3, |_| T0);
    // An epoch the sequence number cannot have reached, and one too far to derive.
    let beyond = vec![lines[0].clone(), lines[1].replace(r#""e":0,"#, r#""e":7,"#)];
    assert_eq!(problems(&beyond), [("malformed", 2)]);
    let far = lines[2].replace(r#""n":3"#, r#""n":900000000000"#).replace(r#""e":1,"#, r#""e":800000000000,"#);
    let found = problems(&[lines[0].clone(), far]);
    assert_eq!(found[0], ("malformed", 2));
}
