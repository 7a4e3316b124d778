//! Field encryption end to end: `logseal filter` encrypts, `logseal decrypt` restores the
//! originals for key holders only, and a ciphertext moved to another field or record, a wrong
//! key or a missing one fails clearly per field.

mod common;

use common::{corpus_records, logseal, root, FsEnv};
use logseal::{Context, Filter, Plan};
use serde_json::Value;
use std::path::PathBuf;

const KEYS: &str = "host-examples/keys/demo-keyring.json";

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-enc-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A policy encrypting SSNs, national IDs and emails wherever found, and `user_id` fields.
fn policy(dir: &std::path::Path) -> PathBuf {
    let keys = root().join(KEYS);
    let p = dir.join("enc.json");
    std::fs::write(
        &p,
        format!(
            r#"{{"version":1,"keys":{{"encrypt":"file:{}#demo-encrypt-1"}},
              "redact":{{"encrypt":["user_id"],"actions":{{"ssn":"encrypt","national_id":"encrypt","email":"encrypt"}}}}}}"#,
            keys.display()
        ),
    )
    .unwrap();
    p
}

fn filter(records: &[Vec<u8>], policy: &std::path::Path) -> Vec<String> {
    let stdin: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let (code, out, err) = logseal(&["filter", "--policy", policy.to_str().unwrap()], &stdin);
    assert_eq!(code, 0, "{err}");
    String::from_utf8(out).unwrap().lines().map(str::to_string).collect()
}

fn decrypt(lines: &[String], keys: &str) -> (i32, Vec<String>, String) {
    let (code, out, err) = logseal(&["decrypt", "--keys", keys], (lines.join("\n") + "\n").as_bytes());
    (code, String::from_utf8(out).unwrap().lines().map(str::to_string).collect(), err)
}

/// Where `sealed` holds an envelope, `back` holds the input's value; elsewhere `back` is
/// `sealed` unchanged. Returns the envelopes seen.
fn compare(sealed: &Value, back: &Value, input: Option<&Value>) -> usize {
    if is_envelope(sealed) {
        assert_eq!(Some(back), input, "an encrypted value is restored to the original");
        return 1;
    }
    match (sealed, back) {
        (Value::Object(s), Value::Object(b)) => {
            assert_eq!(s.len(), b.len());
            s.iter().map(|(k, v)| compare(v, &b[k], input.and_then(|i| i.get(k)))).sum()
        }
        (Value::Array(s), Value::Array(b)) => {
            assert_eq!(s.len(), b.len());
            s.iter().zip(b).enumerate().map(|(i, (sv, bv))| compare(sv, bv, input.and_then(|x| x.get(i)))).sum()
        }
        (Value::String(s), Value::String(b)) if s.contains("[ENC:") => {
            // Inline envelopes: each is restored to the span of the input it replaced.
            let tokens = regex::Regex::new(r"\[ENC:[^\]]*\]").unwrap();
            let pieces: Vec<&str> = tokens.split(s).collect();
            let original = input.and_then(Value::as_str).unwrap_or("");
            assert!(b.starts_with(pieces[0]), "{b:?} vs {s:?}");
            let mut pos = pieces[0].len();
            for (k, piece) in pieces.iter().enumerate().skip(1) {
                let end = if k == pieces.len() - 1 { b.len() - piece.len() } else { pos + 1 + b[pos + 1..].find(piece).unwrap() };
                assert!(end > pos && original.contains(&b[pos..end]), "span {:?} of {original:?}", &b[pos..end]);
                pos = end + piece.len();
            }
            assert_eq!(pos, b.len(), "only envelopes change: {b:?} vs {s:?}");
            pieces.len() - 1
        }
        _ => {
            assert_eq!(sealed, back, "only envelopes change");
            0
        }
    }
}

fn is_envelope(v: &Value) -> bool {
    v.get("enc") == Some(&Value::String("A256GCM".into()))
}


#[test]
fn filter_then_decrypt_restores_the_encrypted_fields_of_the_corpus() {
    let dir = tempdir("roundtrip");
    let records = corpus_records("pii-public.ndjson");
    let out = filter(&records, &policy(&dir));
    let (code, restored, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
    let mut fields = 0;
    for ((input, sealed), back) in records.iter().zip(&out).zip(&restored) {
        let input: Value = serde_json::from_slice(input).unwrap();
        let back: Value = serde_json::from_str(back).unwrap();
        let sealed: Value = serde_json::from_str(sealed).unwrap();
        fields += compare(&sealed, &back, Some(&input));
    }
    assert!(fields > 500, "the corpus has many user ids, emails and SSNs: {fields}");
    // Without the key, nothing of an encrypted value is in the output.
    let text = out.join("\n");
    for r in &records {
        let v: Value = serde_json::from_slice(r).unwrap();
        if let Some(Value::String(id)) = v.get("user_id") {
            assert!(!text.contains(&format!("\"{id}\"")), "user_id {id} in clear");
        }
    }
}

#[test]
fn a_ciphertext_moved_to_another_field_or_record_does_not_decrypt() {
    let dir = tempdir("moved");
    let records: Vec<Vec<u8>> = vec![br#"{"user_id":"u-1","note":"a"}"#.to_vec(), br#"{"user_id":"u-2","note":"b"}"#.to_vec()];
    let out = filter(&records, &policy(&dir));
    let mut a: Value = serde_json::from_str(&out[0]).unwrap();
    let b: Value = serde_json::from_str(&out[1]).unwrap();
    // Into another field of the same record.
    let mut to_field = a.clone();
    to_field["note"] = a["user_id"].clone();
    // Into the same field of another record.
    a["user_id"] = b["user_id"].clone();
    let (code, _, err) = decrypt(&[to_field.to_string(), a.to_string()], KEYS);
    assert_eq!(code, 1);
    assert!(err.contains(":1: field `note`: authentication failed"), "{err}");
    assert!(err.contains(":2: field `userid`: authentication failed"), "{err}");
}

#[test]
fn wrong_or_missing_keys_fail_per_field_without_key_material() {
    let dir = tempdir("keys");
    let out = filter(&[br#"{"user_id":"u-1"}"#.to_vec()], &policy(&dir));
    let wrong = dir.join("wrong.json");
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    std::fs::write(&wrong, format!(r#"{{"version":1,"keys":[{{"id":"demo-encrypt-1","purpose":"encrypt","secret":"{secret}"}}]}}"#)).unwrap();
    let (code, restored, err) = decrypt(&out, wrong.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(err.contains("authentication failed"), "{err}");
    assert!(!err.contains(secret) && !err.contains(&secret[..10]));
    assert_eq!(restored[0], out[0], "the envelope stays when it cannot be opened");
    let other = dir.join("other.json");
    std::fs::write(&other, format!(r#"{{"version":1,"keys":[{{"id":"prod-enc-2","purpose":"encrypt","secret":"{secret}"}}]}}"#)).unwrap();
    let (code, _, err) = decrypt(&out, other.to_str().unwrap());
    assert_eq!(code, 1);
    assert!(err.contains("no key `demo-encrypt-1` in the keyring"), "{err}");
    // A keyring without encryption keys is a usage error.
    let seal_only = dir.join("seal.json");
    std::fs::write(&seal_only, format!(r#"{{"version":1,"keys":[{{"id":"s","purpose":"seal","secret":"{secret}"}}]}}"#)).unwrap();
    assert_eq!(decrypt(&out, seal_only.to_str().unwrap()).0, 2);
}

#[test]
fn without_randomness_values_are_masked_and_the_record_is_marked() {
    let keys = root().join(KEYS);
    let text = format!(r#"{{"version":1,"keys":{{"encrypt":"file:{}#demo-encrypt-1"}},"redact":{{"actions":{{"ssn":"encrypt"}}}}}}"#, keys.display());
    let plan = Plan::load(&text, &FsEnv, None).unwrap();
    let mut f = Filter::new(plan);
    f.set_random(Box::new(|_: &mut [u8]| false));
    let mut out = Vec::new();
    f.process(br#"{"msg":"ssn 219-09-9999 on file"}"#, &Context::default(), &mut out);
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["msg"], "ssn [REDACTED:ssn] on file", "only the span that could not be encrypted is masked");
    assert_eq!(v["logseal"]["error"]["kind"], "host");
    assert!(v["logseal"]["error"]["detail"].as_str().unwrap().contains("randomness"));
    assert_eq!(f.counters().errors, 1);
    // A host that never offers randomness (logseal.wasm) behaves the same.
    let mut g = Filter::new(Plan::load(&text, &FsEnv, None).unwrap());
    g.process(br#"{"msg":"ssn 219-09-9999 on file"}"#, &Context::default(), &mut out);
    assert!(String::from_utf8_lossy(&out).contains("[REDACTED:ssn]"));
}


#[test]
fn encrypting_needs_a_key() {
    let dir = tempdir("nokey");
    let p = dir.join("p.json");
    std::fs::write(&p, r#"{"version":1,"redact":{"actions":{"ssn":"encrypt"}}}"#).unwrap();
    let (code, _, err) = logseal(&["filter", "--policy", p.to_str().unwrap()], b"{}\n");
    assert_eq!(code, 1);
    assert!(err.contains("$.redact.actions.ssn: the encrypt action needs a key: set keys.encrypt"), "{err}");
    std::fs::write(&p, r#"{"version":1,"redact":{"encrypt":["email"]}}"#).unwrap();
    let (_, _, err) = logseal(&["filter", "--policy", p.to_str().unwrap()], b"{}\n");
    assert!(err.contains("$.redact.encrypt: the encrypt action needs a key"), "{err}");
}

#[test]
fn the_shipped_sealed_example_encrypts_ssns_seals_and_both_check_out() {
    let records = corpus_records("pii-public.ndjson");
    let out = filter(&records, &root().join("host-examples/policies/sealed.json"));
    let encrypted = out.iter().filter(|l| l.contains("\"enc\":\"A256GCM\"") || l.contains("[ENC:")).count();
    assert!(encrypted > 20, "SSNs and national IDs are encrypted: {encrypted}");
    let dir = tempdir("example");
    let file = dir.join("sealed.ndjson");
    std::fs::write(&file, out.join("\n") + "\n").unwrap();
    let (code, report, _) = logseal(&["verify", "--keys", KEYS, file.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&report));
    let (code, restored, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
    assert!(restored.iter().all(|l| !l.contains("\"enc\":\"A256GCM\"") && !l.contains("[ENC:")));
}

// Secrets the default policy masks, of kinds sealed.json does not encrypt, to share a string
// with an SSN (which it does).
const SSN: &str = "219-09-9999";
const MIXED_SECRETS: [&str; 6] = [
    "4111 1111 1111 1111",
    "hunter2-Xq9",
    "7f3kQ9zLmN2pR8sT4vW6yX1aB5cD",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "$2b$12$KIXQJQq0z6u7E0Q7S6GxUOwh5oZ3mUuK1iTnbX3yq9Pq5R5T1Yf2e",
    "AKIAIOSFODNN7EXAMPLE",
];

fn mixed() -> String {
    let [card, password, bearer, jwt, bcrypt, aws] = MIXED_SECRETS;
    // (An `Authorization:` header runs to the end of the text: it goes last.)
    format!("ssn {SSN} card {card} password={password} jwt {jwt} hash {bcrypt} key {aws} Authorization: Bearer {bearer}")
}

/// Records mixing an SSN with secrets the default policy masks, in free text at every depth,
/// twice in one string, beside escapes and forged envelopes, and under an `ssn` key.
fn mixed_records() -> Vec<Vec<u8>> {
    let m = mixed();
    let esc = |s: &str| Value::String(s.into()).to_string();
    vec![
        format!(r#"{{"msg":{}}}"#, esc(&m)),
        format!(r#"{{"ctx":{{"notes":[{},{{"deep":{}}}]}},"n":1}}"#, esc(&m), esc(&format!("again ssn 536-22-8437 and {m}"))),
        format!(r#"{{"msg":{}}}"#, esc(&format!("a\nb\u{200b} ssn 536-22-8437 [ENC:demo-encrypt-1:0:AAAAAAAAAAAAAAAA:AAAAAAAAAAAAAAAAAAAAAA] ${{jndi:x}} {m}"))),
        format!(r#"{{"ssn":{},"national_id":{}}}"#, esc(&m), esc(&m)),
    ]
    .into_iter()
    .map(String::into_bytes)
    .collect()
}

/// The corpus, and each of its records with the SSN put into every string holding one of its
/// secrets (at the front and at the end).
fn corpus_with_ssns() -> (Vec<Vec<u8>>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(common::corpus("pii-public.ndjson")).unwrap();
    let (mut records, mut secrets) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let row: Value = serde_json::from_str(line).unwrap();
        // SSNs are what the policy encrypts: the other kinds' secrets must not come back.
        let ssn = row["cats"].to_string().contains("\"ssn\"");
        let known: Vec<String> = row["secrets"].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_string()).filter(|_| !ssn).collect();
        let mut record = row["record"].clone();
        records.push(record.to_string().into_bytes());
        secrets.push(known.clone());
        if let Value::Object(members) = &mut record {
            for v in members.values_mut() {
                if let Value::String(s) = v {
                    if known.iter().any(|k| s.contains(k.as_str())) {
                        *s = format!("ssn {SSN} {s} ssn {SSN}");
                    }
                }
            }
        }
        records.push(record.to_string().into_bytes());
        secrets.push(known);
    }
    (records, secrets)
}

fn masks_an_encrypted_kind(mask: &str) -> bool {
    mask == "[REDACTED:ssn]" || mask == "[REDACTED:national_id]"
}

/// `restored` (decrypted after `filter` with the encrypting policy) against `masked` (`filter`
/// with the default policy) of `original`, leaf by leaf outside the reserved key: equal, except
/// that where the default masked an SSN or national ID, the restored text is that of the
/// original. So nothing the default policy masks comes back. Returns the spans compared.
fn same_but_encrypted(masked: &Value, restored: &Value, original: &Value, at: &str) -> usize {
    match (masked, restored) {
        (Value::Object(m), Value::Object(r)) => {
            let names = |o: &serde_json::Map<String, Value>| o.keys().filter(|k| k.as_str() != "logseal").cloned().collect::<Vec<_>>();
            assert_eq!(names(m), names(r), "{at}: members");
            m.iter()
                .filter(|(k, _)| k.as_str() != "logseal")
                .map(|(k, mv)| same_but_encrypted(mv, &r[k], original.get(k).unwrap_or(&Value::Null), &format!("{at}.{k}")))
                .sum()
        }
        (Value::Array(m), Value::Array(r)) => {
            assert_eq!(m.len(), r.len(), "{at}: elements");
            m.iter().zip(r).enumerate().map(|(i, (mv, rv))| same_but_encrypted(mv, rv, original.get(i).unwrap_or(&Value::Null), &format!("{at}[{i}]"))).sum()
        }
        (Value::String(m), Value::String(r)) => {
            // Text the record brought that opens like an envelope is made inert beside real ones.
            let r = &r.replace("[ENC\\:", "[ENC:");
            let re = regex::Regex::new(r"\[REDACTED:(ssn|national_id)\]").unwrap();
            let pieces: Vec<&str> = re.split(m).collect();
            if pieces.len() == 1 {
                assert_eq!(m, r, "{at}: a string without an encrypted span decrypts to what the default policy wrote");
                return 0;
            }
            let original = original.as_str().unwrap_or("");
            let whole = pieces.iter().all(|p| p.is_empty()) && pieces.len() == 2;
            assert!(r.starts_with(pieces[0]), "{at}: {r:?} does not start like {m:?}");
            let mut pos = pieces[0].len();
            for (k, piece) in pieces.iter().enumerate().skip(1) {
                let end = if k == pieces.len() - 1 {
                    assert!(r.ends_with(piece) && r.len() >= pos + piece.len(), "{at}: {r:?} does not end like {m:?}");
                    r.len() - piece.len()
                } else {
                    pos + 1 + r[pos + 1..].find(piece).unwrap_or_else(|| panic!("{at}: {r:?} lacks {piece:?} of {m:?}"))
                };
                let span = &r[pos..end];
                if whole {
                    // A value masked whole by its key (`ssn`): encrypted after the rest was redacted.
                    for s in MIXED_SECRETS {
                        assert!(!span.contains(s), "{at}: {s} in {span:?}");
                    }
                } else {
                    assert!(!span.is_empty() && original.contains(span), "{at}: span {span:?} is not the original's ({original:?})");
                }
                pos = end + piece.len();
            }
            pieces.len() - 1
        }
        (Value::String(m), _) if masks_an_encrypted_kind(m) => 1,
        _ => {
            assert_eq!(masked, restored, "{at}");
            0
        }
    }
}

/// Every string and number anywhere in `v`.
fn leaves(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => m.iter().for_each(|(k, v)| {
            out.push(k.clone());
            leaves(v, out)
        }),
        Value::Array(a) => a.iter().for_each(|v| leaves(v, out)),
        Value::String(s) => out.push(s.clone()),
        other => out.push(other.to_string()),
    }
}

fn never_yields_a_masked_secret(records: &[Vec<u8>], known: &[Vec<String>], policy: &std::path::Path) -> usize {
    let masked = filter(records, &root().join("host-examples/policies/default.json"));
    let sealed = filter(records, policy);
    let (code, restored, err) = decrypt(&sealed, KEYS);
    assert_eq!(code, 0, "{err}");
    let mut spans = 0;
    for (i, ((m, r), o)) in masked.iter().zip(&restored).zip(records).enumerate() {
        let (m, r, o): (Value, Value, Value) = (serde_json::from_str(m).unwrap(), serde_json::from_str(r).unwrap(), serde_json::from_slice(o).unwrap());
        spans += same_but_encrypted(&m, &r, &o, &format!("record {i}"));
        // The secrets known to be in the record that the default policy masks: none comes back.
        let (mut shown, mut back) = (Vec::new(), Vec::new());
        leaves(&m, &mut shown);
        leaves(&r, &mut back);
        for s in &known[i] {
            if s != SSN && !shown.iter().any(|l| l.contains(s.as_str())) {
                assert!(!back.iter().any(|l| l.contains(s.as_str())), "record {i}: {s} decrypted");
            }
        }
    }
    spans
}

#[test]
fn decrypt_never_yields_a_secret_the_default_policy_masks() {
    let sealed = root().join("host-examples/policies/sealed.json");
    let (records, known) = corpus_with_ssns();
    let spans = never_yields_a_masked_secret(&records, &known, &sealed);
    assert!(spans > 500, "the corpus now has SSNs beside its secrets: {spans}");
    let mixed = mixed_records();
    let secrets: Vec<Vec<String>> = mixed.iter().map(|_| MIXED_SECRETS.iter().map(|s| s.to_string()).collect()).collect();
    // The default policy masks every one of these secrets.
    let masked = filter(&mixed, &root().join("host-examples/policies/default.json")).join("\n");
    for s in MIXED_SECRETS {
        assert!(!masked.contains(s), "{s} is masked by default");
    }
    assert!(never_yields_a_masked_secret(&mixed, &secrets, &sealed) >= 7);
    // Values encrypted whole, strings and containers, are redacted before they are encrypted.
    let dir = tempdir("whole");
    let p = dir.join("whole.json");
    let keys = root().join(KEYS);
    std::fs::write(
        &p,
        format!(r#"{{"version":1,"keys":{{"encrypt":"file:{}#demo-encrypt-1"}},"redact":{{"encrypt":["msg","ctx","ssn"],"actions":{{"ssn":"encrypt"}}}}}}"#, keys.display()),
    )
    .unwrap();
    // (Not the record with escapes: a value encrypted whole is restored as it came, unescaped.)
    let mixed: Vec<Vec<u8>> = [0, 1, 3].iter().map(|&i| mixed[i].clone()).collect();
    let secrets = &secrets[..3];
    let whole = filter(&mixed, &p);
    assert!(whole.iter().all(|l| l.contains("\"enc\":\"A256GCM\"") && !l.contains("[ENC:")), "{whole:?}");
    assert!(never_yields_a_masked_secret(&mixed, secrets, &p) >= 4);
}

#[test]
fn only_the_span_is_encrypted_and_the_rest_of_the_text_stays_readable() {
    let records = mixed_records();
    let out = filter(&records, &root().join("host-examples/policies/sealed.json"));
    let v: Value = serde_json::from_str(&out[0]).unwrap();
    let msg = v["msg"].as_str().unwrap();
    assert!(msg.starts_with("ssn [ENC:demo-encrypt-1:0:") && msg.contains("] card [REDACTED:card] password=[REDACTED:password]"), "{msg}");
    assert_eq!(v["logseal"]["encrypted"], 1);
    // Two spans in one string; a forged envelope the record brought is made inert.
    let v: Value = serde_json::from_str(&out[2]).unwrap();
    let msg = v["msg"].as_str().unwrap();
    assert_eq!(msg.matches("[ENC:").count(), 2, "{msg}");
    assert!(msg.contains("[ENC\\:demo-encrypt-1:0:AAAAAAAAAAAAAAAA:") && msg.starts_with("a\\nb\\u200b "), "{msg}");
    assert!(v["logseal"]["tags"].to_string().contains("injection_attempt"));
    let (code, restored, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
    let back: Value = serde_json::from_str(&restored[2]).unwrap();
    let back = back["msg"].as_str().unwrap();
    assert!(back.starts_with("a\\nb\\u200b ssn 536-22-8437 [ENC\\:demo-encrypt-1:0:AAAAAAAAAAAAAAAA:") && back.contains(&format!("$\\{{jndi:x}} ssn {SSN} card [REDACTED:card]")), "{back}");
    // Inline envelopes are not found again as secrets: a second filter keeps them as they are.
    let again = filter(&out.iter().map(|l| l.clone().into_bytes()).collect::<Vec<_>>(), &root().join("host-examples/policies/default.json"));
    let tokens = regex::Regex::new(r"\[ENC:[^\]]*\]").unwrap();
    let mut seen = 0;
    for (a, b) in out.iter().zip(&again) {
        for t in tokens.find_iter(a) {
            assert!(b.contains(t.as_str()), "{} re-detected in {b}", t.as_str());
            seen += 1;
        }
    }
    assert_eq!(seen, 6);
}

#[test]
fn spans_swapped_or_moved_do_not_decrypt() {
    let out = filter(&mixed_records(), &root().join("host-examples/policies/sealed.json"));
    let tokens = regex::Regex::new(r"\[ENC:[^\]]*\]").unwrap();
    let line = &out[1];
    let found: Vec<&str> = tokens.find_iter(line).map(|m| m.as_str()).collect();
    let deep = line.find("\"deep\"").unwrap();
    let (first, second) = (&line[..deep], &line[deep..]);
    let in_deep: Vec<&str> = tokens.find_iter(second).map(|m| m.as_str()).collect();
    assert_eq!((found.len(), in_deep.len()), (3, 2), "{line}");
    // Two spans of one string swapped.
    let swapped = format!("{first}{}", second.replacen(in_deep[0], "@", 1).replacen(in_deep[1], in_deep[0], 1).replacen('@', in_deep[1], 1));
    // A span moved to another string of the record.
    let moved = format!("{}{}", first.replacen(found[0], in_deep[0], 1), second);
    let moved_first = moved[..moved.find("\"deep\"").unwrap()].to_string();
    let (code, restored, err) = decrypt(&[swapped.clone(), moved.clone()], KEYS);
    assert_eq!(code, 1);
    assert!(err.contains(":1: field `ctx.notes.deep`: authentication failed"), "{err}");
    assert!(err.contains(":2: field `ctx.notes`: authentication failed"), "{err}");
    // A string whose spans do not all open keeps them all; the record's other strings open.
    assert!(restored[0].ends_with(&swapped[deep..]) && restored[0].starts_with(&format!("{{\"ctx\":{{\"notes\":[\"ssn {SSN} card")), "{}", restored[0]);
    assert!(restored[1].starts_with(&moved_first) && restored[1].contains("\"again ssn 536-22-8437 and ssn 219-09-9999 card"), "{}", restored[1]);
}

#[test]
fn a_cut_never_falls_inside_an_inline_envelope() {
    let dir = tempdir("cut");
    let keys = root().join(KEYS);
    let p = dir.join("cut.json");
    std::fs::write(&p, format!(r#"{{"version":1,"keys":{{"encrypt":"file:{}#demo-encrypt-1"}},"limits":{{"max_string_bytes":96}},"redact":{{"actions":{{"ssn":"encrypt"}}}}}}"#, keys.display())).unwrap();
    let records: Vec<Vec<u8>> = (0..70).map(|n| format!(r#"{{"msg":"{} ssn {SSN} and ssn 536-22-8437 tail"}}"#, "x".repeat(n)).into_bytes()).collect();
    let out = filter(&records, &p);
    let tokens = regex::Regex::new(r"\[ENC:demo-encrypt-1:0:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22,}\]").unwrap();
    let (mut cut, mut whole, mut before) = (0, 0, 0);
    for line in &out {
        let v: Value = serde_json::from_str(line).unwrap();
        let msg = v["msg"].as_str().unwrap();
        let opened = msg.matches("[ENC:").count();
        assert_eq!(opened, tokens.find_iter(msg).count(), "an envelope was cut: {msg}");
        cut += msg.contains("[TRUNCATED:") as usize;
        whole += opened;
        before += msg.contains("ssn …[TRUNCATED:") as usize;
    }
    assert!(cut > 60 && whole > 10 && before > 10, "{cut} {whole} {before}");
    let (code, _, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn encrypt_original_opts_out_of_redacting_first_and_span_key_ids_are_checked() {
    let dir = tempdir("original");
    let keys = root().join(KEYS);
    let p = dir.join("orig.json");
    std::fs::write(&p, format!(r#"{{"version":1,"keys":{{"encrypt":"file:{}#demo-encrypt-1"}},"redact":{{"encrypt":["msg"],"encrypt_original":true}}}}"#, keys.display())).unwrap();
    let m = mixed();
    let input = format!(r#"{{"msg":{}}}"#, Value::String(m.clone()));
    let out = filter(&[input.into_bytes()], &p);
    let (code, restored, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
    let back: Value = serde_json::from_str(&restored[0]).unwrap();
    assert_eq!(back["msg"], m, "as it came, secrets inside included");
    // A key id an inline envelope could not carry is refused when spans may be encrypted.
    let ring = dir.join("ring.json");
    std::fs::write(&ring, r#"{"version":1,"keys":[{"id":"enc:1","purpose":"encrypt","secret":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=","active":true}]}"#).unwrap();
    std::fs::write(&p, format!(r#"{{"version":1,"keys":{{"encrypt":"file:{}"}},"redact":{{"actions":{{"ssn":"encrypt"}}}}}}"#, ring.display())).unwrap();
    let (code, _, err) = logseal(&["filter", "--policy", p.to_str().unwrap()], b"{}\n");
    assert_eq!(code, 1);
    assert!(err.contains("$.keys.encrypt: key id `enc:1` cannot name inline envelopes"), "{err}");
}

#[test]
fn keygen_writes_private_keyrings_and_rotates() {
    let dir = tempdir("keygen");
    let ring = dir.join("enc.json");
    let path = ring.to_str().unwrap();
    let (code, out, _) = logseal(&["keygen", "--purpose", "encrypt", "--id", "prod-enc-1", path], b"");
    assert_eq!(code, 0);
    let (code, _, _) = logseal(&["keygen", "--purpose", "encrypt", "--id", "prod-enc-2", path], b"");
    assert_eq!(code, 0);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&ring).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let v: Value = serde_json::from_slice(&std::fs::read(&ring).unwrap()).unwrap();
    let keys = v["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!((keys[0]["active"].as_bool(), keys[1]["active"].as_bool()), (Some(false), Some(true)));
    let secret = keys[0]["secret"].as_str().unwrap();
    assert!(!String::from_utf8_lossy(&out).contains(secret));
    assert_eq!(base64_len(secret), 32);
    assert_ne!(keys[0]["secret"], keys[1]["secret"]);
    // The keyring works: new records use the active key, the old one still decrypts.
    let p = dir.join("p.json");
    std::fs::write(&p, format!(r#"{{"version":1,"keys":{{"encrypt":"file:{path}"}},"redact":{{"encrypt":["user_id"]}}}}"#)).unwrap();
    let out = filter(&[br#"{"user_id":"u-9"}"#.to_vec()], &p);
    assert!(out[0].contains("\"kid\":\"prod-enc-2\""), "{}", out[0]);
    let (code, restored, err) = decrypt(&out, path);
    assert_eq!(code, 0, "{err}");
    assert!(restored[0].contains("\"user_id\":\"u-9\""));
    assert_eq!(logseal(&["keygen", "--purpose", "seal", "--id", "demo-x", path], b"").0, 2, "demo- ids are reserved");
    assert_eq!(logseal(&["keygen", "--purpose", "nope", path], b"").0, 2);
}

fn base64_len(s: &str) -> usize {
    s.trim_end_matches('=').len() * 3 / 4
}
