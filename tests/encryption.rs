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
    assert_eq!(v["msg"], "[REDACTED:ssn]");
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
    let encrypted = out.iter().filter(|l| l.contains("\"enc\":\"A256GCM\"")).count();
    assert!(encrypted > 20, "SSNs and national IDs are encrypted: {encrypted}");
    let dir = tempdir("example");
    let file = dir.join("sealed.ndjson");
    std::fs::write(&file, out.join("\n") + "\n").unwrap();
    let (code, report, _) = logseal(&["verify", "--keys", KEYS, file.to_str().unwrap()], b"");
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&report));
    let (code, restored, err) = decrypt(&out, KEYS);
    assert_eq!(code, 0, "{err}");
    assert!(restored.iter().all(|l| !l.contains("\"enc\":\"A256GCM\"")));
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
