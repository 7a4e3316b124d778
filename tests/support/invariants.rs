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
    let mut v = logseal::verify::Verifier::new(keys.clone());
    let mut findings = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        v.line(i as u64 + 1, line, &mut findings);
    }
    let chains = v.finish(&mut findings);
    // Read ahead (as `verify --jobs N` workers do), then taken in order: the same report.
    let mut ahead = logseal::verify::Ahead::new(keys.clone());
    let mut w = logseal::verify::Verifier::new(keys);
    let mut found = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        let prepared = ahead.prepare(line);
        w.line_prepared(i as u64 + 1, line, prepared, &mut found);
    }
    assert_eq!(w.finish(&mut found), chains, "read ahead: other chain summaries");
    assert_eq!(found, findings, "read ahead: other findings");
    findings
}

/// The Ed25519 seed the invariants sign checkpoints with (`keys.sign`): bytes 32 to 63.
pub fn sign_seed() -> Vec<u8> {
    (32..64).collect()
}

/// Runs `data`'s lines through the public-key verifier (`verify --public-key`), holding the
/// public half of [`sign_seed`] under the id `inline`.
pub fn public_verify_lines(data: &[u8]) -> Vec<logseal::verify::Finding> {
    use logseal::keys::{Key, Purpose, Secret};
    let key = Key { id: "inline".into(), purpose: Purpose::Sign, secret: Secret::new(sign_seed()), active: true };
    let Ok(signer) = logseal::sign::SignKey::from_key(&key) else { panic!("a 32-byte seed") };
    let Some(keys) = logseal::sign::PublicKeys::new(&[("inline".into(), signer.public())]) else { panic!("a valid public key") };
    let mut v = logseal::verify::public::PublicVerifier::new(keys);
    let mut findings = Vec::new();
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        v.line(i as u64 + 1, line, &mut findings);
    }
    v.finish(&mut findings);
    findings
}

/// True when a JSON text holds a lone surrogate escape (`\ud800` without its pair); written
/// apart from logseal's own check, as the oracle.
fn lone_surrogate(text: &[u8]) -> bool {
    let hex = |at: usize| text.get(at..at + 4).and_then(|h| std::str::from_utf8(h).ok()).and_then(|h| u32::from_str_radix(h, 16).ok());
    let mut i = 0;
    while i < text.len() {
        if text[i] != b'\\' {
            i += 1;
            continue;
        }
        match (text.get(i + 1), hex(i + 2)) {
            (Some(b'u'), Some(u)) if (0xDC00..0xE000).contains(&u) => return true,
            (Some(b'u'), Some(u)) if (0xD800..0xDC00).contains(&u) => {
                let low = text.get(i + 6) == Some(&b'\\') && text.get(i + 7) == Some(&b'u') && hex(i + 8).is_some_and(|l| (0xDC00..0xE000).contains(&l));
                if !low {
                    return true;
                }
                i += 12;
            }
            _ => i += 2,
        }
    }
    false
}

/// The verifier's promises over any input: every finding says why, and no line holding text
/// that is not Unicode (invalid UTF-8, a lone surrogate escape) passes without a problem.
pub fn check_findings(data: &[u8], findings: &[logseal::verify::Finding]) {
    assert!(findings.iter().all(|f| !f.detail.is_empty()), "a finding without a reason");
    for (i, line) in data.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if std::str::from_utf8(line).is_err() || lone_surrogate(line) {
            let n = i as u64 + 1;
            assert!(findings.iter().any(|f| f.line == n && f.kind.is_problem()), "line {n} holds invalid text and passed: {findings:?}");
        }
    }
}

/// Re-prints a JSON value as Fluent Bit's JSON outputs do: integers as integers, integral
/// doubles with `%.1f`, other doubles with 16 significant digits (`%.16g`, here in the
/// equal-valued `{:.15e}` spelling).
fn fluent_bit_print(v: &Value, out: &mut String) {
    match v {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            if f.fract() == 0.0 && f.abs() < 9.2e18 {
                out.push_str(&format!("{f:.1}"));
            } else {
                out.push_str(&format!("{f:.15e}"));
            }
        }
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                fluent_bit_print(x, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, x)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                fluent_bit_print(x, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

/// Seals every line of `data` with a sealing policy (the test key of [`verify_lines`], the
/// host's tag covered) and checks the seal-verifies promise: the stream verifies without a
/// problem as written, re-serialised by a JSON library (serde_json: shortest round-trip
/// numbers, keys reordered), re-printed as Fluent Bit prints (`%.16g`), and inside Fluent
/// Bit's `tag: [time, {...}]` wrapper; and a forged wrapper tag is reported. Every seal
/// format ([`logseal::stage::seal::SEAL_VERSIONS`]) is checked.
pub fn check_seal_verifies(data: &[u8]) {
    for version in logseal::stage::seal::SEAL_VERSIONS {
        check_seal_verifies_v(data, version, false);
        check_seal_verifies_v(data, version, true);
    }
}

/// With `signed`, checkpoints carry Ed25519 signatures (`keys.sign`), and the public-key
/// verifier finds no problem either, however the stream was re-printed.
fn check_seal_verifies_v(data: &[u8], version: u32, signed: bool) {
    use logseal::{Context, Filter, Plan};
    let secret: Vec<u8> = (0..32).collect();
    let b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(&secret)
    };
    let sign = if signed {
        use base64::Engine;
        format!(r#","sign":"base64:{}""#, base64::engine::general_purpose::STANDARD.encode(sign_seed()))
    } else {
        String::new()
    };
    let policy = format!(r#"{{"version":1,"keys":{{"seal":"base64:{b64}"{sign}}},"seal":{{"cover_tag":true,"checkpoint_every":3,"version":{version}}}}}"#);
    let Ok(plan) = Plan::load(&policy, &logseal::policy::NoEnvironment, None) else { panic!("the test policy loads") };
    let mut filter = Filter::new(plan);
    filter.start_chain(&[7; 16]);
    let ctx = Context { time_ns: 1_764_237_600_000_000_000, tag: b"app.log", ..Context::default() };
    let mut sealed = Vec::new();
    for line in data.split(|&b| b == b'\n').filter(|l| !l.iter().all(u8::is_ascii_whitespace)).take(64) {
        let mut out = Vec::new();
        filter.process(line, &ctx, &mut out);
        check_output(&out);
        sealed.push(out);
    }
    // Any problem breaks the promise: logseal's output names every key once.
    let problems = |stream: &[Vec<u8>], what: &str| {
        let joined = stream.join(&b'\n');
        let found: Vec<_> = verify_lines(&joined).into_iter().filter(|f| f.kind.is_problem()).collect();
        assert!(found.is_empty(), "{what}: {found:?}\n{}", String::from_utf8_lossy(&joined));
        if signed {
            let found: Vec<_> = public_verify_lines(&joined).into_iter().filter(|f| f.kind.is_problem()).collect();
            assert!(found.is_empty(), "{what}, public key: {found:?}\n{}", String::from_utf8_lossy(&joined));
        }
    };
    problems(&sealed, "as sealed");
    let values: Vec<Value> = sealed.iter().map(|l| serde_json::from_slice(l).expect("sealed output is JSON")).collect();
    let library: Vec<Vec<u8>> = values.iter().map(|v| v.to_string().into_bytes()).collect();
    problems(&library, "re-serialised by serde_json");
    let fluent: Vec<Vec<u8>> = values
        .iter()
        .map(|v| {
            let mut s = String::new();
            fluent_bit_print(v, &mut s);
            s.into_bytes()
        })
        .collect();
    problems(&fluent, "re-printed as Fluent Bit does");
    let wrapped: Vec<Vec<u8>> = fluent.iter().map(|l| [b"app.log: [1764237600.0, ".as_slice(), l, b"]"].concat()).collect();
    problems(&wrapped, "in Fluent Bit's file wrapper");
    if let Some(first) = fluent.first() {
        let forged = [b"audit.admin: [1764237600.0, ".as_slice(), first, b"]"].concat();
        assert!(verify_lines(&forged).iter().any(|f| f.kind.name() == "tag_mismatch"), "a forged wrapper tag passed");
    }
}
