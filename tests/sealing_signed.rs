//! Public verifiability (`keys.sign`): every checkpoint carries an Ed25519 signature over the
//! records since the previous one, and `logseal verify --public-key` checks chains with the
//! public key alone. The tamper suite runs against every seal format and mode ([`MODES`]) with
//! a verifier that holds no seal key; that verifier cannot make a seal either.

mod common;

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use common::{corpus_records, logseal, root};
use logseal::keys::{Key, Purpose, Secret};
use logseal::sign::{self, PublicKeys, SignKey};
use logseal::verify::public::PublicVerifier;
use logseal::verify::record::Reader;
use serde_json::Value;

const POLICY: &str = "host-examples/policies/sealed.json";
const KEYS: &str = "host-examples/keys/demo-keyring.json";
const PUBLIC: &str = "host-examples/keys/demo-sign.public.json";
const SEED: &str = "000102030405060708090a0b0c0d0e0f";
const EVERY: u64 = 10;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mode {
    version: u32,
    evolve_every: u64,
}

const MODES: &[Mode] = &[Mode { version: 1, evolve_every: 0 }, Mode { version: 2, evolve_every: 0 }, Mode { version: 2, evolve_every: 7 }];

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("logseal-signed-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The shipped example policy in `mode`, signing its checkpoints (every [`EVERY`] records)
/// with the demo signing key unless `signed` is false.
fn policy(mode: Mode, signed: bool) -> String {
    policy_with(mode, signed, true)
}

/// [`policy`], without the example's field encryption when `encrypt` is false (its nonces are
/// random, so two runs differ there).
fn policy_with(mode: Mode, signed: bool, encrypt: bool) -> String {
    let mut p: Value = serde_json::from_slice(&std::fs::read(root().join(POLICY)).expect("policy")).expect("policy JSON");
    let keys = root().join("host-examples/keys").display().to_string();
    for k in ["seal", "encrypt"] {
        let r = p["keys"][k].as_str().expect("key ref").replace("file:../keys", &format!("file:{keys}"));
        p["keys"][k] = Value::String(r);
    }
    if !encrypt {
        p["keys"].as_object_mut().expect("keys").remove("encrypt");
        p["redact"]["actions"] = serde_json::json!({"default": "mask"});
    }
    if signed {
        p["keys"]["sign"] = Value::String(format!("file:{keys}/demo-sign.json#demo-sign-1"));
    }
    p["seal"]["version"] = mode.version.into();
    p["seal"]["checkpoint_every"] = EVERY.into();
    if mode.evolve_every > 0 {
        p["seal"]["evolve"] = serde_json::json!({"every_records": mode.evolve_every});
    }
    let path = tempdir().join("policy.json");
    std::fs::write(&path, p.to_string()).expect("write policy");
    path.display().to_string()
}

fn seal_with(policy: &str, records: &[Vec<u8>], seed: &str) -> Vec<String> {
    let input: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let (code, out, err) = logseal(&["filter", "--policy", policy, "--time-ns", "1764237600000000000", "--chain-seed", seed], &input);
    assert_eq!(code, 0, "{err}");
    String::from_utf8(out).expect("UTF-8").lines().map(str::to_string).collect()
}

fn records(n: usize) -> Vec<Vec<u8>> {
    corpus_records("pii-public.ndjson").into_iter().take(n).collect()
}

/// 60 records sealed and signed in `mode`: checkpoints at 10, 20, ..., 60.
fn stream(mode: Mode) -> Vec<String> {
    seal_with(&policy(mode, true), &records(60), SEED)
}

struct Report {
    code: i32,
    problems: Vec<(String, u64)>,
    notes: Vec<(String, u64)>,
    summary: Value,
    text: String,
}

fn run_verify(lines: &[String], args: &[&str]) -> Report {
    let path = tempdir().join("sealed.ndjson");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    let mut all: Vec<&str> = args.to_vec();
    all.push("--json");
    let p = path.display().to_string();
    all.push(&p);
    let (code, out, err) = logseal(&all, b"");
    let text = String::from_utf8(out).expect("UTF-8") + &err;
    let mut report = Report { code, problems: Vec::new(), notes: Vec::new(), summary: Value::Null, text: text.clone() };
    for line in text.lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).expect("verify --json writes JSON lines");
        if let Some(s) = v.get("summary") {
            report.summary = s.clone();
            continue;
        }
        let entry = (v["finding"].as_str().unwrap_or("").to_string(), v["line"].as_u64().unwrap_or(0));
        if v["problem"].as_bool() == Some(true) {
            report.problems.push(entry);
        } else {
            report.notes.push(entry);
        }
    }
    report
}

/// `verify --public-key` with the demo signing key's public key file: no seal key at all.
fn verify_public(lines: &[String]) -> Report {
    run_verify(lines, &["verify", "--public-key", PUBLIC])
}

fn problems(r: &Report) -> Vec<(&str, u64)> {
    r.problems.iter().map(|(k, l)| (k.as_str(), *l)).collect()
}

fn edit(line: &str, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut v: Value = serde_json::from_str(line).expect("sealed record is JSON");
    f(v.as_object_mut().expect("object"));
    v.to_string()
}

#[test]
fn signed_chains_verify_with_the_public_key_alone_and_with_the_seal_key() {
    for &mode in MODES {
        let lines = stream(mode);
        let r = verify_public(&lines);
        assert_eq!((r.code, problems(&r)), (0, vec![]), "{mode:?}: {}", r.text);
        assert_eq!(r.summary["covered"], 60, "{mode:?}: {}", r.text);
        assert_eq!(r.summary["chains"][0]["last_checkpoint"], 60);
        assert_eq!(r.summary["chains"][0]["sign_kid"], "demo-sign-1");
        assert!(r.text.contains("demo key"), "the demo public key is warned about: {}", r.text);
        // Only checkpoints carry the signature.
        let signed: Vec<usize> = lines.iter().enumerate().filter(|(_, l)| l.contains(if mode.version == 1 { r#""sig":{"kid""# } else { r#""g":{"h""# })).map(|(i, _)| i + 1).collect();
        assert_eq!(signed, [10, 20, 30, 40, 50, 60], "{mode:?}");
        // The MAC verifier still verifies signed chains (the signature is under the MAC).
        let m = run_verify(&lines, &["verify", "--keys", KEYS]);
        assert_eq!((m.code, m.problems.len()), (0, 0), "{mode:?}: {}", m.text);
        // A stripped or changed signature is caught by the MAC verifier too.
        let mut changed = lines.clone();
        changed[19] = changed[19].replacen(r#""k":"demo-sign-1""#, r#""k":"demo-sign-2""#, 1).replacen(r#""kid":"demo-sign-1""#, r#""kid":"demo-sign-2""#, 1);
        let m = run_verify(&changed, &["verify", "--keys", KEYS]);
        assert_eq!(m.problems, vec![("modified".to_string(), 20)], "{mode:?}: {}", m.text);
    }
}

#[test]
fn records_after_the_last_checkpoint_are_noted_as_not_yet_covered() {
    for &mode in MODES {
        let lines = seal_with(&policy(mode, true), &records(65), SEED);
        let r = verify_public(&lines);
        assert_eq!(r.code, 0, "{mode:?}: {}", r.text);
        assert_eq!(r.notes, vec![("not_yet_covered".to_string(), 0)], "{mode:?}: {}", r.text);
        assert!(r.text.contains("5 records (61 to 65) after the last checkpoint are not yet covered"), "{}", r.text);
        assert_eq!((r.summary["covered"].as_u64(), r.summary["not_yet_covered"].as_u64()), (Some(60), Some(5)));
        // Tail truncation past the last checkpoint is a shorter valid chain: said, not hidden.
        let r = verify_public(&lines[..55]);
        assert_eq!(r.code, 0);
        assert_eq!(r.summary["not_yet_covered"], 5, "{}", r.text);
        assert_eq!(r.summary["chains"][0]["last_checkpoint"], 50);
    }
}

#[test]
fn the_tamper_suite_is_caught_with_only_the_public_key() {
    for &mode in MODES {
        let lines = stream(mode);
        // modified: a covered value of record 5; the checkpoint at 10 signed other content.
        let mut t = lines.clone();
        t[4] = edit(&t[4], |o| {
            o.insert("user_id".into(), "user-1".into());
        });
        assert_eq!(problems(&verify_public(&t)), [("segment_mismatch", 10)], "{mode:?} modify");
        // modified: logseal's own annotation (a stripped tag) is content too.
        let mut t = lines.clone();
        t[12] = t[12].replacen(r#""v":1"#, r#""v":1,"tags":["ok"]"#, 1);
        assert_eq!(problems(&verify_public(&t)), [("segment_mismatch", 20)], "{mode:?} annotation");
        // modified: the checkpoint record itself.
        let mut t = lines.clone();
        t[29] = edit(&t[29], |o| {
            o.insert("user_id".into(), "user-2".into());
        });
        assert_eq!(problems(&verify_public(&t)), [("segment_mismatch", 30)], "{mode:?} checkpoint");
        // deleted
        let mut t = lines.clone();
        t.remove(4);
        assert_eq!(problems(&verify_public(&t)), [("deleted", 5)], "{mode:?} delete");
        // reordered
        let mut t = lines.clone();
        t.swap(3, 4);
        assert_eq!(problems(&verify_public(&t)), [("reordered", 5)], "{mode:?} reorder");
        // inserted: a forged record 16 (another record's content with its number) before the
        // genuine one.
        let mut t = lines.clone();
        let forged = t[15].replacen("\"user_id\":\"", "\"user_id\":\"forged-", 1);
        assert_ne!(forged, t[15]);
        t.insert(15, forged);
        let r = verify_public(&t);
        assert_eq!(problems(&r), [("replayed", 17)], "{mode:?} insert: {}", r.text);
        // replayed: a record of another sealing with the same chain id and number.
        let other: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().skip(100).take(10).collect();
        let replay = seal_with(&policy(mode, true), &other, SEED);
        let mut t = lines.clone();
        t.push(replay[4].clone());
        assert_eq!(problems(&verify_public(&t)), [("replayed", 61)], "{mode:?} replay");
        // An identical redelivery is a note, not a problem.
        let mut t = lines.clone();
        t.insert(8, t[7].clone());
        let r = verify_public(&t);
        assert_eq!((r.code, r.notes.clone()), (0, vec![("duplicate".to_string(), 9)]), "{mode:?}: {}", r.text);
        // truncated before the last checkpoint: the records just before checkpoint 20 cut.
        let mut t = lines.clone();
        t.drain(16..19);
        assert_eq!(problems(&verify_public(&t)), [("deleted", 17)], "{mode:?} cut");
        // a whole segment cut, checkpoint and all: the next checkpoint's link breaks.
        let mut t = lines.clone();
        t.drain(20..30);
        let r = verify_public(&t);
        assert_eq!(problems(&r), [("deleted", 21)], "{mode:?} segment cut: {}", r.text);
        // a checkpoint swapped with the record after it.
        let mut t = lines.clone();
        t.swap(9, 10);
        assert_eq!(problems(&verify_public(&t)), [("reordered", 11)], "{mode:?} checkpoint reordered");
    }
}

#[test]
fn shipper_round_trips_still_verify_with_the_public_key() {
    for &mode in MODES {
        let lines = stream(mode);
        // Keys reordered, numbers re-spelt by an f64 reader, a transport field added.
        let shipped: Vec<String> = lines
            .iter()
            .map(|l| {
                let mut v: Value = serde_json::from_str(l).expect("JSON");
                let o = v.as_object_mut().expect("object");
                o.insert("date".into(), serde_json::json!(1764237600.5));
                let mut pairs: Vec<(String, Value)> = o.clone().into_iter().collect();
                pairs.reverse();
                let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{}: {}", serde_json::to_string(k).expect("key"), v)).collect();
                format!("{{ {} }}", body.join(" , "))
            })
            .collect();
        let r = verify_public(&shipped);
        assert_eq!((r.code, problems(&r)), (0, vec![]), "{mode:?}: {}", r.text);
        assert_eq!(r.summary["covered"], 60);
    }
}

/// Rewrites the segment hash a checkpoint signed (v2 `g.r`, v1 `sig.seg`) in a line.
fn with_segment(line: &str, segment: &[u8; 32]) -> String {
    let mut v: Value = serde_json::from_str(line).expect("JSON");
    let text = Value::String(URL_SAFE_NO_PAD.encode(segment));
    match v["logseal"].get_mut("s") {
        Some(s) => s["g"]["r"] = text,
        None => v["logseal"]["seal"]["sig"]["seg"] = text,
    }
    v.to_string()
}

/// The segment hash of `lines` as a public verifier computes it.
fn segment_of(lines: &[String]) -> [u8; 32] {
    let mut reader = Reader::default();
    let mut seg = sign::Segment::default();
    for l in lines {
        reader.read(l.as_bytes()).expect("sealed");
        seg.push(&reader.sign_digest());
    }
    seg.close()
}

#[test]
fn a_holder_of_the_public_key_cannot_make_a_valid_seal() {
    for &mode in MODES {
        let lines = stream(mode);
        // The forger changes record 5 and recomputes everything a public key allows: the
        // records' digests and the segment hash the checkpoint names. The signature, which
        // needs the private key, no longer holds.
        let mut t = lines.clone();
        t[4] = edit(&t[4], |o| {
            o.insert("user_id".into(), "user-1".into());
        });
        t[9] = with_segment(&t[9], &segment_of(&t[..10]));
        let r = verify_public(&t);
        assert_eq!(problems(&r), [("bad_signature", 10)], "{mode:?}: {}", r.text);
        // Signing with a key of the forger's own, under the trusted key's id, fails alike.
        let mine = SignKey::from_key(&Key { id: "demo-sign-1".into(), purpose: Purpose::Sign, secret: Secret::new(vec![7; 32]), active: true }).expect("key");
        let trusted = PublicKeys::parse(&std::fs::read(root().join(PUBLIC)).expect("public"), PUBLIC).expect("public keys");
        let mut msg = Vec::new();
        let mut reader = Reader::default();
        let s = reader.read(t[9].as_bytes()).expect("sealed");
        let signed = s.signed.expect("a signed checkpoint");
        let link: [u8; 32] = URL_SAFE_NO_PAD.decode(&signed.prev).expect("b64").try_into().expect("32");
        sign::message(&s.chain, 10, "demo-sign-1", &link, &segment_of(&t[..10]), &mut msg);
        assert!(trusted.check("demo-sign-1", &msg, &mine.sign(&msg)).is_err());
        // The record re-sealed without the seal key: the MAC verifier finds it too.
        let m = run_verify(&t, &["verify", "--keys", KEYS]);
        assert!(m.problems.iter().any(|(k, l)| k == "modified" && *l == 5), "{mode:?}: {}", m.text);
    }
}

#[test]
fn a_signature_by_another_key_is_refused() {
    let dir = tempdir();
    // The same key id with another key's public half; and a file without that id.
    let other = SignKey::from_key(&Key { id: "x".into(), purpose: Purpose::Sign, secret: Secret::new(vec![1; 32]), active: true }).expect("key");
    let same_id = dir.join("same-id.json");
    std::fs::write(&same_id, PublicKeys::file_text(&[("demo-sign-1".into(), other.public())])).expect("write");
    let other_id = dir.join("other-id.json");
    std::fs::write(&other_id, PublicKeys::file_text(&[("prod-sign-1".into(), other.public())])).expect("write");
    for &mode in MODES {
        let lines = stream(mode);
        let r = run_verify(&lines, &["verify", "--public-key", same_id.to_str().expect("path")]);
        assert_eq!(r.code, 1);
        assert_eq!(problems(&r), [10u64, 20, 30, 40, 50, 60].iter().map(|&l| ("bad_signature", l)).collect::<Vec<_>>(), "{mode:?}: {}", r.text);
        assert_eq!(r.summary["covered"], 0);
        assert!(r.text.contains("nothing was verified"), "{}", r.text);
        let r = run_verify(&lines, &["verify", "--public-key", other_id.to_str().expect("path")]);
        assert_eq!(r.problems.iter().filter(|(k, _)| k == "unknown_key").count(), 6, "{mode:?}: {}", r.text);
    }
}

#[test]
fn unsigned_chains_are_reported_plainly_under_public_key() {
    for &mode in MODES {
        let lines = seal_with(&policy(mode, false), &records(30), SEED);
        let r = verify_public(&lines);
        assert_eq!(r.code, 1, "{}", r.text);
        assert_eq!(problems(&r), [("unsigned", 10)], "once per chain: {}", r.text);
        assert!(r.text.contains("sealed without keys.sign"), "{}", r.text);
        assert!(r.text.contains("nothing was verified"), "{}", r.text);
        assert_eq!(r.summary["chains"][0]["unsigned_checkpoints"], 3);
    }
}

#[test]
fn signing_changes_nothing_but_the_checkpoints() {
    for &mode in MODES {
        let signed = seal_with(&policy_with(mode, true, false), &records(60), SEED);
        let plain = seal_with(&policy_with(mode, false, false), &records(60), SEED);
        for (i, (s, p)) in signed.iter().zip(&plain).enumerate() {
            let checkpoint = (i + 1) % EVERY as usize == 0;
            // The body before the MAC; v1's `prev` names the previous MAC, which a signed
            // checkpoint changes, so it is left out.
            let body = |l: &str| {
                let b = l.rsplit_once(if mode.version == 1 { r#""mac":""# } else { r#""m":""# }).map(|(b, _)| b.to_string()).expect("mac");
                match b.split_once(r#""prev":""#) {
                    Some((head, tail)) => format!("{head}{}", tail.split_once('"').map_or("", |(_, t)| t)),
                    None => b,
                }
            };
            if checkpoint {
                assert_ne!(s, p);
                // Compact: the signature field is all a checkpoint gains (~200 bytes per 10 here,
                // per 1000 by default).
                assert!(s.len() - p.len() < 250, "{mode:?}: {} bytes", s.len() - p.len());
            } else {
                assert_eq!(body(s), body(p), "{mode:?} record {}", i + 1);
            }
        }
    }
}

#[test]
fn the_public_verifier_library_reports_lines_and_never_needs_a_seal_key() {
    let lines = stream(Mode { version: 2, evolve_every: 0 });
    let keys = PublicKeys::parse(&std::fs::read(root().join(PUBLIC)).expect("public"), PUBLIC).expect("public keys");
    let mut v = PublicVerifier::new(keys);
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        let l = if i == 24 { l.replacen("\"n\":25", "\"n\":26", 1) } else { l.clone() };
        v.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    v.line(61, b"not json", &mut found);
    v.line(62, br#"{"msg":"no seal"}"#, &mut found);
    let summaries = v.finish(&mut found);
    let kinds: Vec<(&str, u64)> = found.iter().map(|f| (f.kind.name(), f.line)).collect();
    assert_eq!(kinds, [("replayed", 26), ("unreadable", 61), ("unsealed", 62), ("deleted", 25)]);
    assert_eq!(summaries[0].covered, 50);
}

#[test]
fn keygen_makes_a_signing_key_and_a_public_key_file_that_holds_no_secret() {
    let dir = tempdir();
    let ring = dir.join("sign.json");
    let ring_s = ring.to_str().expect("path");
    let (code, out, err) = logseal(&["keygen", "--purpose", "sign", "--id", "prod-sign-1", ring_s], b"");
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).expect("UTF-8");
    assert!(out.contains("safe to hand out"), "{out}");
    let public = dir.join("sign.public.json");
    let text = std::fs::read_to_string(&public).expect("public key file");
    let secret = serde_json::from_slice::<Value>(&std::fs::read(&ring).expect("ring")).expect("JSON")["keys"][0]["secret"].as_str().expect("secret").to_string();
    assert_eq!(STANDARD.decode(&secret).expect("b64").len(), 32);
    assert!(!text.contains(&secret) && !out.contains(&secret) && !err.contains(&secret));
    assert!(text.contains(sign::PUBLIC_NOTE));
    // The pair works end to end: a policy signing with it, verified with the public file.
    let seal_ring = dir.join("seal.json");
    assert_eq!(logseal(&["keygen", "--purpose", "seal", seal_ring.to_str().expect("path")], b"").0, 0);
    let policy = dir.join("p.json");
    std::fs::write(&policy, format!(r#"{{"version":1,"keys":{{"seal":"file:{}","sign":"file:{ring_s}"}},"seal":{{"checkpoint_every":5}}}}"#, seal_ring.display())).expect("write");
    let lines = seal_with(policy.to_str().expect("path"), &records(10), SEED);
    let r = run_verify(&lines, &["verify", "--public-key", public.to_str().expect("path")]);
    assert_eq!((r.code, r.summary["covered"].as_u64()), (0, Some(10)), "{}", r.text);
    // The keyring is not a public key file: refused, and never echoed.
    let (code, _, err) = logseal(&["verify", "--public-key", ring_s], b"");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holding secret keys") && !err.contains(&secret), "{err}");
    // --public belongs to sign keys only.
    assert_eq!(logseal(&["keygen", "--purpose", "seal", "--public", "x.json", seal_ring.to_str().expect("path")], b"").0, 2);
}

#[test]
fn policies_refuse_signing_they_cannot_do() {
    let env = logseal::policy::NoEnvironment;
    let seal = "base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let load = |p: &str| logseal::Plan::load(p, &env, None).err().map(|e| e.to_string());
    assert_eq!(load(&format!(r#"{{"version":1,"keys":{{"sign":"{seal}"}}}}"#)).as_deref(), Some("$.keys.sign: the signing key signs seal checkpoints: add a seal section (and keys.seal)"));
    assert_eq!(load(&format!(r#"{{"version":1,"keys":{{"seal":"{seal}","sign":"{seal}"}},"seal":{{"checkpoint_every":0}}}}"#)).as_deref(), Some("$.seal: keys.sign signs checkpoints: set checkpoint_every above 0"));
    let long = format!("base64:{}", STANDARD.encode([1u8; 48]));
    let err = load(&format!(r#"{{"version":1,"keys":{{"seal":"{seal}","sign":"{long}"}},"seal":{{}}}}"#)).unwrap_or_default();
    assert!(err.starts_with("$.keys.sign: the key has 48 bytes; an Ed25519 signing key is exactly 32"), "{err}");
    assert_eq!(load(&format!(r#"{{"version":1,"keys":{{"seal":"{seal}","sign":"{seal}"}},"seal":{{}}}}"#)), None);
}

#[test]
fn a_declared_gap_cannot_be_checked_with_the_public_key_and_says_so() {
    let sign_seed = [5u8; 32];
    let policy = format!(
        r#"{{"version":1,"keys":{{"seal":"base64:{}","sign":"base64:{}"}},"seal":{{"checkpoint_every":5}}}}"#,
        STANDARD.encode([3u8; 32]),
        STANDARD.encode(sign_seed)
    );
    let mut f = logseal::Filter::new(logseal::Plan::load(&policy, &logseal::policy::NoEnvironment, None).expect("policy"));
    f.start_chain(&[8; 16]);
    let ctx = logseal::Context { time_ns: 1_764_237_600_000_000_000, ..logseal::Context::default() };
    let mut lines: Vec<String> = Vec::new();
    for i in 0..12 {
        let mut out = Vec::new();
        f.process(format!(r#"{{"msg":"event {i}"}}"#).as_bytes(), &ctx, &mut out);
        lines.push(String::from_utf8(out).expect("UTF-8"));
    }
    // The host lost records 11 and 12 after sealing them and declared it (record 13); records
    // 14 and 15 (a checkpoint) follow.
    let mut gap = Vec::new();
    f.declare_gap(2, ctx.time_ns, &mut gap);
    lines.truncate(10);
    lines.push(String::from_utf8(gap).expect("UTF-8"));
    for i in 0..2 {
        let mut out = Vec::new();
        f.process(format!(r#"{{"msg":"after {i}"}}"#).as_bytes(), &ctx, &mut out);
        lines.push(String::from_utf8(out).expect("UTF-8"));
    }
    assert!(lines[12].contains(r#""n":15"#) && lines[12].contains(r#""g":{"#), "{}", lines[12]);
    let key = SignKey::from_key(&Key { id: "inline".into(), purpose: Purpose::Sign, secret: Secret::new(sign_seed.to_vec()), active: true }).expect("key");
    let mut v = PublicVerifier::new(PublicKeys::new(&[("inline".into(), key.public())]).expect("public"));
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        v.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    let summaries = v.finish(&mut found);
    let kinds: Vec<(&str, Option<u64>)> = found.iter().map(|f| (f.kind.name(), f.seq)).collect();
    // The segment holding the loss is not passed as checked; the gap itself is noted.
    assert_eq!(kinds, [("declared_gap", Some(13)), ("segment_mismatch", Some(15))]);
    assert!(found[1].detail.contains("declared gap"), "{}", found[1].detail);
    assert_eq!(summaries[0].covered, 10);
    // The seal key's verifier checks the gap record and passes the stream.
    let keys = logseal::keys::KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new(vec![3; 32]), active: true }]);
    let mut m = logseal::verify::Verifier::new(keys);
    let mut found = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        m.line(i as u64 + 1, l.as_bytes(), &mut found);
    }
    m.finish(&mut found);
    assert!(found.iter().all(|f| !f.kind.is_problem()), "{found:?}");
}
