//! Sampling and noise control: consistent, at the configured rates, bounded, and never
//! dropping a security event.

mod common;

use logseal::policy::NoEnvironment;
use logseal::{Context, Filter, Outcome, Plan};

const SEED: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

fn plan(sample: &str) -> Plan {
    let text = format!(r#"{{"version":1,"keys":{{"sample":"base64:{SEED}"}},"sample":{sample}}}"#);
    Plan::load(&text, &NoEnvironment, None).unwrap_or_else(|e| panic!("{e}"))
}

fn kept(f: &mut Filter, line: &str, t: i64) -> Option<serde_json::Value> {
    let mut out = Vec::new();
    match f.process(line.as_bytes(), &Context { time_ns: t, tag: b"", declared_len: None }, &mut out) {
        Outcome::Dropped => None,
        _ => Some(serde_json::from_slice(&out).unwrap()),
    }
}

fn share(f: &mut Filter, level: &str, n: usize) -> f64 {
    let mut k = 0;
    for i in 0..n {
        if kept(f, &format!(r#"{{"level":"{level}","request_id":"r-{i}"}}"#), 0).is_some() {
            k += 1;
        }
    }
    k as f64 / n as f64
}

#[test]
fn kept_shares_are_within_one_point_of_each_rate_over_100000_records() {
    let mut f = Filter::new(plan(r#"{"by":["request_id"],"levels":{"debug":0.0,"info":0.1,"trace":0.5}}"#));
    assert!((share(&mut f, "info", 100_000) - 0.1).abs() < 0.01);
    assert!((share(&mut f, "trace", 100_000) - 0.5).abs() < 0.01);
    assert_eq!(share(&mut f, "debug", 1000), 0.0);
    let c = f.counters();
    assert_eq!(c.dropped, c.sampled_out, "every drop here is a sampling drop, and counted");
    assert_eq!(c.records, 201_000);
}

#[test]
fn decisions_are_consistent_by_key_across_filters_and_orders() {
    let p = r#"{"by":["request_id","trace_id"],"default_rate":0.3}"#;
    let ids: Vec<String> = (0..2000).map(|i| format!("req-{i}")).collect();
    let kept_set = |order: &[&String]| -> std::collections::BTreeSet<String> {
        let mut f = Filter::new(plan(p));
        order.iter().filter(|id| kept(&mut f, &format!(r#"{{"request_id":"{id}"}}"#), 0).is_some()).map(|s| s.to_string()).collect()
    };
    let forward: Vec<&String> = ids.iter().collect();
    let backward: Vec<&String> = ids.iter().rev().collect();
    assert_eq!(kept_set(&forward), kept_set(&backward));
    // All records of one request share the decision, whatever else they say.
    let mut f = Filter::new(plan(p));
    for id in &ids[..200] {
        let a = kept(&mut f, &format!(r#"{{"request_id":"{id}","msg":"start"}}"#), 0).is_some();
        let b = kept(&mut f, &format!(r#"{{"msg":"end","request_id":"{id}","n":2}}"#), 0).is_some();
        assert_eq!(a, b, "{id}");
    }
    // The same input gives the same output twice.
    let run = || -> Vec<Option<serde_json::Value>> {
        let mut f = Filter::new(plan(p));
        ids.iter().map(|id| kept(&mut f, &format!(r#"{{"trace_id":"{id}"}}"#), 5)).collect()
    };
    assert_eq!(run(), run());
}

#[test]
fn kept_records_carry_their_sample_rate() {
    let mut f = Filter::new(plan(r#"{"by":["request_id"],"default_rate":0.5}"#));
    let v = (0..100).find_map(|i| kept(&mut f, &format!(r#"{{"request_id":"x{i}"}}"#), 0)).unwrap();
    assert_eq!(v["logseal"]["sample_rate"], 0.5);
}

#[test]
fn security_events_are_always_kept_in_any_spelling() {
    let mut f = Filter::new(plan(r#"{"by":["request_id"],"default_rate":0.0,"rate_limit":{"by":"ip","records":1,"per_seconds":60},"dedup":{"by":["msg"],"window_seconds":60}}"#));
    for line in [
        r#"{"level":"WARN","ip":"1.1.1.1","msg":"same"}"#,
        r#"{"severity":"error","ip":"1.1.1.1","msg":"same"}"#,
        r#"{"level":50,"ip":"1.1.1.1","msg":"same"}"#,
        r#"{"status":404,"ip":"1.1.1.1","msg":"same"}"#,
        r#"{"http":{"status_code":"500"},"ip":"1.1.1.1","msg":"same"}"#,
        r#"{"msg":"login failed for bob","ip":"1.1.1.1"}"#,
        r#"{"msg":"login failed for bob","ip":"1.1.1.1"}"#,
    ] {
        assert!(kept(&mut f, line, 0).is_some(), "{line}");
    }
    assert!(kept(&mut f, r#"{"level":"info","msg":"x","request_id":"q"}"#, 0).is_none(), "an ordinary record is sampled at rate 0");
}

#[test]
fn rate_limiting_uses_host_time_and_survives_clocks_going_back() {
    let s = 1_000_000_000i64;
    let mut f = Filter::new(plan(r#"{"rate_limit":{"by":"ip","records":3,"per_seconds":10}}"#));
    let line = r#"{"ip":"10.0.0.1","ts":"2099-01-01T00:00:00Z"}"#;
    let t0 = 1_000 * s;
    assert_eq!((0..5).filter(|_| kept(&mut f, line, t0).is_some()).count(), 3, "a burst of 3, then limited");
    assert!(kept(&mut f, r#"{"ip":"10.0.0.2"}"#, t0).is_some(), "other keys have their own bucket");
    assert!(kept(&mut f, line, t0 - 3600 * s).is_none(), "a clock jumping back refills nothing");
    assert!(kept(&mut f, line, t0 + 3 * s).is_none(), "0.9 tokens after 3 s");
    assert!(kept(&mut f, line, t0 + 4 * s).is_some(), "1.2 tokens after 4 s");
    assert_eq!(f.counters().rate_limited, 4);
}

#[test]
fn duplicates_are_counted_and_reported_on_the_next_record_out() {
    let s = 1_000_000_000i64;
    let mut f = Filter::new(plan(r#"{"dedup":{"by":["msg","service"],"window_seconds":60}}"#));
    let line = r#"{"msg":"disk almost full","service":"db"}"#;
    assert!(kept(&mut f, line, 0).is_some());
    for t in [1, 30, 59] {
        assert!(kept(&mut f, line, t * s).is_none());
    }
    assert!(kept(&mut f, r#"{"msg":"disk almost full","service":"web"}"#, 10 * s).is_some(), "another key");
    let v = kept(&mut f, line, 60 * s).expect("the window ended");
    assert_eq!(v["logseal"]["repeats"], 3);
    let v = kept(&mut f, line, 200 * s).expect("next window");
    assert!(v["logseal"].get("repeats").is_none());
    assert_eq!(f.counters().duplicates, 3);
}

#[test]
fn state_stays_bounded_under_a_million_distinct_keys() {
    let mut f = Filter::new(plan(r#"{"rate_limit":{"by":"k","records":5,"per_seconds":1},"max_keys":1000}"#));
    let mut out = Vec::new();
    let ctx = Context::default();
    for i in 0..1_000_000u32 {
        f.process(format!(r#"{{"k":{i}}}"#).as_bytes(), &ctx, &mut out);
    }
    assert_eq!(f.counters().evictions, 1_000_000 - 1000);
    assert_eq!(f.counters().dropped, 0);
}

#[test]
fn the_shipped_sampling_example_works_from_the_repository_root() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/host-examples/policies/sampling.json");
    let text = std::fs::read_to_string(path).unwrap();
    struct Files;
    impl logseal::policy::Environment for Files {
        fn read_file(&self, p: &str) -> Result<Vec<u8>, String> {
            std::fs::read(p).map_err(|e| e.to_string())
        }
        fn var(&self, _: &str) -> Option<String> {
            None
        }
        fn warn(&self, _: &str) {}
    }
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/host-examples/policies");
    let mut f = Filter::new(Plan::load(&text, &Files, Some(dir)).unwrap());
    assert!(kept(&mut f, r#"{"level":"debug","request_id":"a"}"#, 0).is_none());
    assert!(kept(&mut f, r#"{"level":"info","path":"/healthz","status":200,"request_id":"b"}"#, 0).is_none());
    assert!(kept(&mut f, r#"{"level":"info","path":"/healthz","status":503,"request_id":"c"}"#, 0).is_some());
    assert!(kept(&mut f, r#"{"level":"warn","request_id":"d"}"#, 0).is_some());
    assert!(kept(&mut f, r#"{"level":"error","path":"/healthz","status":200}"#, 0).is_some());
    let info = (0..10_000).filter(|i| kept(&mut f, &format!(r#"{{"level":"info","request_id":"r{i}"}}"#), 0).is_some()).count();
    assert!((900..=1100).contains(&info), "{info} of 10000 INFO kept");
}

/// The shipped sample log holds Apache, syslog and logfmt text beside JSON; the sampling
/// example reads them with its `parse` section, so its health checks and DEBUG lines go too.
#[test]
fn the_sampling_example_thins_the_sample_log_s_text_lines_too() {
    let root = env!("CARGO_MANIFEST_DIR");
    let text = std::fs::read_to_string(format!("{root}/host-examples/policies/sampling.json")).unwrap();
    let plan = Plan::load(&text, &common::FsEnv, Some(&format!("{root}/host-examples/policies"))).unwrap();
    assert_eq!(plan.parser.text_formats.names(), ["combined", "syslog", "logfmt"]);
    let log = std::fs::read_to_string(format!("{root}/host-examples/logs/app.ndjson")).unwrap();
    let mut f = Filter::new(plan);
    let (mut health_in, mut debug_in, mut sshd_in, mut kept_lines) = (0, 0, 0, Vec::new());
    for line in log.lines().filter(|l| !l.starts_with('{')) {
        health_in += usize::from(line.contains("GET /healthz") && line.contains("\" 200 "));
        debug_in += usize::from(line.contains("level=debug"));
        sshd_in += usize::from(line.contains("sshd["));
        if let Some(v) = kept(&mut f, line, 1_795_773_600_000_000_000) {
            kept_lines.push(v);
        }
    }
    assert!(health_in > 0 && debug_in > 0 && sshd_in > 0, "the sample log holds each kind of text line");
    // Health checks that answered 200 and DEBUG lines are gone; failed logins are kept, tagged.
    assert!(!kept_lines.iter().any(|v| v["path"] == "/healthz" && v["status"] == 200), "a 200 health check was kept");
    assert!(!kept_lines.iter().any(|v| v["level"] == "debug"));
    let sshd: Vec<_> = kept_lines.iter().filter(|v| v["app"] == "sshd").collect();
    assert_eq!(sshd.len(), sshd_in, "every failed login is kept");
    assert!(sshd.iter().all(|v| v["logseal"]["tags"].as_array().unwrap().contains(&"auth_failure".into())));
    // Nothing stayed a bare message: every text line of the sample was read by a format.
    assert!(kept_lines.iter().all(|v| v.get("message").is_none() || v.get("app").is_some()), "{kept_lines:?}");
}

#[test]
fn a_rate_of_zero_drops_every_record_it_applies_to_without_a_sample_key() {
    // No `keys.sample`: nothing is drawn at random, so none is needed.
    let text = r#"{"version":1,"sample":{"by":["request_id"],"missing":"keep","levels":{"debug":0},
        "rules":[{"when":{"field":"path","prefix":"/healthz"},"rate":0}]}}"#;
    let mut f = Filter::new(Plan::load(text, &NoEnvironment, None).unwrap_or_else(|e| panic!("{e}")));
    // With or without the `by` field: a rate of 0 is "none of these".
    assert!(kept(&mut f, r#"{"path":"/healthz","status":200}"#, 0).is_none());
    assert!(kept(&mut f, r#"{"path":"/healthz","status":200,"request_id":"r-1"}"#, 0).is_none());
    assert!(kept(&mut f, r#"{"level":"debug","msg":"cache miss"}"#, 0).is_none());
    // Always-keep still wins over the rule, and other records pass.
    assert!(kept(&mut f, r#"{"path":"/healthz","status":503}"#, 0).is_some());
    assert!(kept(&mut f, r#"{"path":"/api","level":"info"}"#, 0).is_some());
    assert_eq!(f.counters().sampled_out, 3);
}
