//! Properties over arbitrary records: whatever comes in, one valid JSON object on one line goes
//! out, carrying the reserved key, with no forbidden character in any key or string and no
//! visible text lost.

use logseal::{Context, Filter, Plan};
use proptest::prelude::*;
use serde_json::{Map, Value};

#[path = "support/invariants.rs"]
mod invariants;

use invariants::forbidden;

fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            strings(x, out)
        }),
        _ => {}
    }
}

/// Text fragments mixing the ordinary with every kind of payload.
fn fragment() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 _./:-]{0,12}",
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("\u{1b}[31m".to_string()),
        Just("\u{1b}]0;title\u{7}".to_string()),
        Just("\u{0}".to_string()),
        Just("\u{8}\u{7f}".to_string()),
        Just("\u{85}\u{9b}".to_string()),
        Just("\u{202e}\u{2066}\u{200b}\u{2028}".to_string()),
        Just("${jndi:ldap://x/a}".to_string()),
        Just("${${lower:j}ndi:".to_string()),
        Just("\"\\".to_string()),
        Just("é€日本😀".to_string()),
        Just("\t".to_string()),
        any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..6).prop_map(|v| v.concat())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        text().prop_map(Value::String),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(Value::from),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
    ];
    leaf.prop_recursive(6, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((text(), inner), 0..5).prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn record() -> impl Strategy<Value = Value> {
    prop::collection::vec((text(), value()), 0..8).prop_map(|kv| Value::Object(kv.into_iter().collect()))
}

fn filter(line: &[u8]) -> (Value, String) {
    let mut f = Filter::new(Plan::default_policy());
    let mut out = Vec::new();
    f.process(line, &Context::default(), &mut out);
    let text = String::from_utf8(out).expect("UTF-8 output");
    assert!(!text.contains('\n') && !text.contains('\r'), "one line: {text}");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert!(v.is_object());
    assert_eq!(v["logseal"]["v"], 1);
    (v, text)
}

/// Secrets planted into records: (field or text, the secret that must not survive).
fn planted() -> impl Strategy<Value = (String, Value, String)> {
    prop_oneof![
        Just(("password".to_string(), Value::from("Hunter2-secret-pw"), "Hunter2-secret-pw".to_string())),
        Just(("msg".to_string(), Value::from("paid with 4111 1111 1111 1111 today"), "4111 1111 1111 1111".to_string())),
        Just(("msg".to_string(), Value::from("login user=bob password=Sup3rS3cretPw ok"), "Sup3rS3cretPw".to_string())),
        Just(("note".to_string(), Value::from("key AKIAIOSFODNN7EXAMPLE used"), "AKIAIOSFODNN7EXAMPLE".to_string())),
        Just(("apiKey".to_string(), Value::from(12345678), "12345678".to_string())),
        Just(("url".to_string(), Value::from("postgres://app:Pa55w0rdX@db/x"), "Pa55w0rdX".to_string())),
        Just(("m".to_string(), Value::from("ssn 219-09-9999 on file"), "219-09-9999".to_string())),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn any_record_comes_out_as_one_clean_object(rec in record()) {
        let line = serde_json::to_string(&rec).unwrap();
        let (v, _) = filter(line.as_bytes());
        let mut ss = Vec::new();
        strings(&v, &mut ss);
        for s in &ss {
            prop_assert!(!forbidden(s), "forbidden character survived in {s:?}");
        }
        // Visible text survives: every plain word of the input is still in the output.
        let mut ins = Vec::new();
        strings(&rec, &mut ins);
        let all = ss.join("\n");
        for s in ins {
            for word in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| w.len() >= 3) {
                prop_assert!(all.contains(word), "lost {word:?}");
            }
        }
    }

    #[test]
    fn any_bytes_come_out_as_one_clean_object(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let (v, _) = filter(&bytes);
        let mut ss = Vec::new();
        strings(&v, &mut ss);
        for s in &ss {
            prop_assert!(!forbidden(s), "forbidden character survived in {s:?}");
        }
    }

    #[test]
    fn broken_json_comes_out_as_one_clean_object(rec in record(), cut in any::<prop::sample::Index>(), junk in any::<u8>()) {
        let mut line = serde_json::to_vec(&rec).unwrap();
        let at = cut.index(line.len().max(1));
        line.truncate(at);
        line.push(junk);
        let (v, _) = filter(&line);
        let mut ss = Vec::new();
        strings(&v, &mut ss);
        for s in &ss {
            prop_assert!(!forbidden(s), "forbidden character survived in {s:?}");
        }
    }

    #[test]
    fn planted_secrets_never_survive_whatever_surrounds_them(rec in record(), (key, secret, needle) in planted(), payload in text()) {
        let mut rec = rec;
        if let Value::Object(map) = &mut rec {
            map.insert(format!("{payload}x"), Value::from(payload.clone()));
            map.insert(key, secret);
        }
        let line = serde_json::to_string(&rec).unwrap();
        let (v, text) = filter(line.as_bytes());
        prop_assert!(!text.contains(&needle), "planted secret survived: {text}");
        let mut ss = Vec::new();
        strings(&v, &mut ss);
        for s in &ss {
            prop_assert!(!forbidden(s), "forbidden character survived in {s:?}");
        }
    }

    #[test]
    fn filtering_is_deterministic(rec in record()) {
        let line = serde_json::to_string(&rec).unwrap();
        let (_, once) = filter(line.as_bytes());
        let (_, again) = filter(line.as_bytes());
        prop_assert_eq!(&once, &again);
    }
}

/// A filter sealing with a fixed inline key and chain seed, and a verifier with that key.
fn sealing() -> (Filter, logseal::verify::Verifier) {
    use logseal::keys::{Key, KeySet, Purpose, Secret};
    let policy = r#"{"version":1,"keys":{"seal":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},"seal":{}}"#;
    let mut f = Filter::new(Plan::load(policy, &logseal::policy::NoEnvironment, None).unwrap());
    f.start_chain(&[3; 16]);
    let secret: Vec<u8> = (0..32).collect();
    let keys = KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new(secret), active: true }]);
    (f, logseal::verify::Verifier::new(keys))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Any record logseal seals verifies, as written and after a JSON library re-writes it
    /// (keys reordered, numbers re-spelt, a transport field added).
    #[test]
    fn any_sealed_record_verifies_as_written_and_re_serialised(recs in prop::collection::vec(record(), 1..4)) {
        let (mut f, mut v) = sealing();
        let mut findings = Vec::new();
        for (i, rec) in recs.iter().enumerate() {
            let mut out = Vec::new();
            f.process(serde_json::to_string(rec).unwrap().as_bytes(), &Context::default(), &mut out);
            let mut parsed: Value = serde_json::from_slice(&out).unwrap();
            parsed["date"] = Value::from(1.5);
            let rewritten = serde_json::to_string_pretty(&parsed).unwrap().replace('\n', " ");
            let line = if i % 2 == 0 { out } else { rewritten.into_bytes() };
            v.line(i as u64 + 1, &line, &mut findings);
        }
        v.finish(&mut findings);
        let problems: Vec<_> = findings.iter().filter(|f| f.kind.is_problem()).collect();
        prop_assert!(problems.is_empty(), "{:?}", problems);
    }

    /// Whatever a line holds, the verifier reports and never panics; a flipped byte in a
    /// sealed record is never reported as clean.
    #[test]
    fn verify_takes_any_line_and_catches_any_flipped_byte(rec in record(), at in any::<prop::sample::Index>(), bit in 0u8..8, junk in prop::collection::vec(any::<u8>(), 0..200)) {
        let (mut f, mut v) = sealing();
        let mut findings = Vec::new();
        v.line(1, &junk, &mut findings);
        let mut out = Vec::new();
        f.process(serde_json::to_string(&rec).unwrap().as_bytes(), &Context::default(), &mut out);
        let i = at.index(out.len());
        out[i] ^= 1 << bit;
        let mut found = Vec::new();
        v.line(2, &out, &mut found);
        v.finish(&mut found);
        // A flip in white space or in a string's escape spelling can leave the value the
        // same; anything else must be a problem.
        let same_value = serde_json::from_slice::<Value>(&out).ok() == serde_json::from_slice::<Value>(&{
            let mut o = out.clone();
            o[i] ^= 1 << bit;
            o
        }).ok();
        if !same_value {
            prop_assert!(found.iter().any(|f| f.kind.is_problem()), "flip at {i} unnoticed: {}", String::from_utf8_lossy(&out));
        }
    }
}
