//! What the detection tests share: one `{"msg": ...}` record through a filter, and the
//! assertions on its message (secrets gone with what surrounds them kept, or nothing changed).
#![allow(dead_code)]

use logseal::{Context, Filter, Plan};
use serde_json::Value;

/// `line` through `filter`, as the record written.
pub fn run(filter: &mut Filter, line: &str) -> Value {
    let mut out = Vec::new();
    filter.process(line.as_bytes(), &Context::default(), &mut out);
    serde_json::from_slice(&out).unwrap()
}

/// The record `{"msg": <text>}`.
pub fn record(text: &str) -> String {
    serde_json::json!({ "msg": text }).to_string()
}

/// `msg` after the default policy filtered `{"msg": <m>}`.
pub fn filtered(m: &str) -> String {
    let v = run(&mut Filter::new(Plan::default_policy()), &record(m));
    v["msg"].as_str().unwrap().to_string()
}

/// Asserts that each secret is gone from `m` and each kept part stays (default policy).
pub fn check(m: &str, secrets: &[&str], kept: &[&str]) {
    let out = filtered(m);
    for s in secrets {
        assert!(!out.contains(s), "secret {s:?} survived: {out}");
    }
    for k in kept {
        assert!(out.contains(k), "{k:?} was lost: {out}");
    }
}

/// Asserts the message goes through the default policy unchanged.
pub fn kept(m: &str) {
    assert_eq!(filtered(m), m);
}

/// Asserts `secret` is gone from `text` behind a `marker` (`[REDACTED:`, or one kind's) and
/// `kept` survives.
pub fn redacted_as(filter: &mut Filter, text: &str, secret: &str, kept: &str, marker: &str) {
    let v = run(filter, &record(text));
    let out = v["msg"].as_str().unwrap();
    assert!(!out.contains(secret), "{secret:?} survived: {out}");
    assert!(out.contains(kept), "{kept:?} lost: {out}");
    assert!(out.contains(marker), "{out}");
}
