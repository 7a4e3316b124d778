#![allow(dead_code)] // Shared by several test binaries; not all use every check.
//! The promises every output record keeps, checked by the fuzz targets and by the tests that
//! replay their corpora (one copy, included by path in both).

use serde_json::Value;

/// True when `s` holds something escaping must have removed (the injection scorer's set).
pub fn forbidden(s: &str) -> bool {
    s.contains("${")
        || s.chars().any(|c| {
            let u = c as u32;
            (u < 0x20 && c != '\t')
                || u == 0x7f
                || (0x80..=0x9f).contains(&u)
                || matches!(u, 0x200b | 0x2028 | 0x2029 | 0x202a..=0x202e | 0x2066..=0x2069)
        })
}

/// True for the default multi-line fields (stack traces), whose values keep LF and TAB.
fn multiline(key: &str) -> bool {
    let norm: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    matches!(norm.as_str(), "stacktrace" | "exception" | "stack")
}

fn check_strings(v: &Value) {
    let mut stack = vec![(v, false)];
    while let Some((v, lines_ok)) = stack.pop() {
        match v {
            Value::String(s) => {
                let s = if lines_ok { s.replace('\n', "") } else { s.clone() };
                assert!(!forbidden(&s), "forbidden character in {s:?}");
            }
            Value::Array(a) => stack.extend(a.iter().map(|x| (x, lines_ok))),
            Value::Object(o) => {
                for (k, x) in o {
                    assert!(!forbidden(k), "forbidden character in key {k:?}");
                    stack.push((x, multiline(k)));
                }
            }
            _ => {}
        }
    }
}

/// Panics unless `out` is one JSON object on one line, valid UTF-8, carrying the reserved key,
/// with no forbidden character in any key or string. Empty output (a drop) is allowed.
pub fn check_output(out: &[u8]) {
    if out.is_empty() {
        return;
    }
    let text = std::str::from_utf8(out).expect("output is UTF-8");
    assert!(!text.contains('\n') && !text.contains('\r'), "output is one line");
    let v: Value = serde_json::from_str(text).expect("output is JSON");
    assert!(v.is_object(), "output is an object");
    assert_eq!(v["logseal"]["v"], 1, "output carries the reserved key");
    check_strings(&v);
    if let Some(key) = duplicate_key(text) {
        panic!("key {key:?} appears twice in one object: {text}");
    }
}

/// The first key that appears twice in one object of `json` (valid JSON), decoded, as a
/// reader that keeps duplicates sees it. Its own walk over the text (serde_json's `Value`
/// keeps one of each key and would hide the duplicate).
pub fn duplicate_key(json: &str) -> Option<String> {
    let b = json.as_bytes();
    let mut objects: Vec<std::collections::HashSet<String>> = Vec::new();
    let mut open: Vec<u8> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while let Some(&c) = b.get(i) {
        match c {
            b'{' => {
                objects.push(Default::default());
                open.push(c);
                expect_key = true;
            }
            b'[' => open.push(c),
            b'}' => {
                open.pop();
                objects.pop();
            }
            b']' => {
                open.pop();
            }
            b',' => expect_key = open.last() == Some(&b'{'),
            b'"' => {
                let mut end = i + 1;
                while b[end] != b'"' {
                    end += if b[end] == b'\\' { 2 } else { 1 };
                }
                if expect_key {
                    let key: String = serde_json::from_str(&json[i..=end]).expect("a JSON string");
                    if !objects.last_mut().expect("a key is inside an object").insert(key.clone()) {
                        return Some(key);
                    }
                    expect_key = false;
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Runs `data` (NDJSON) through a verifier holding the fixed test seal key (bytes 0..32), as
/// the verify fuzz target and its corpus replay both do; returns every finding.
pub fn verify_lines(data: &[u8]) -> Vec<logseal::verify::Finding> {
    use logseal::keys::{Key, KeySet, Purpose, Secret};
    let keys = KeySet::new(vec![Key { id: "inline".into(), purpose: Purpose::Seal, secret: Secret::new((0..32).collect()), active: true }]);
    let mut v = logseal::verify::Verifier::new(keys);
    let mut findings = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        v.line(i as u64 + 1, line, &mut findings);
    }
    v.finish(&mut findings);
    findings
}
