//! Normalise, enrich, keep time honest and tag security events, end to end.

use logseal::policy::NoEnvironment;
use logseal::{Context, Filter, Plan};
use serde_json::Value;

/// 2026-11-27T10:00:00Z, the host's time in these tests.
const HOST: i64 = 1_795_773_600_000_000_000;

fn run(policy: &str, line: &str) -> Value {
    let plan = Plan::load(policy, &NoEnvironment, None).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    Filter::new(plan).process(line.as_bytes(), &Context { time_ns: HOST, tag: b"app.web", declared_len: None }, &mut out);
    serde_json::from_slice(&out).unwrap()
}

fn tags(v: &Value) -> Vec<String> {
    v["logseal"]["tags"].as_array().map(|a| a.iter().map(|t| t.as_str().unwrap().to_string()).collect()).unwrap_or_default()
}

const DEFAULT: &str = r#"{"version":1}"#;

#[test]
fn ingest_time_is_recorded_by_default_and_nothing_is_renamed() {
    let v = run(DEFAULT, r#"{"msg":"hi","lvl":"W","time":"2026-11-27T10:00:00Z"}"#);
    assert_eq!(v["logseal"]["ingest"], "2026-11-27T10:00:00.000000000Z");
    assert_eq!(v["msg"], "hi");
    assert_eq!(v["lvl"], "W");
    assert!(tags(&v).is_empty());
    let v = run(r#"{"version":1,"normalise":{"ingest_time":false}}"#, "{}");
    assert!(v["logseal"].get("ingest").is_none());
}

#[test]
fn clock_skew_is_tagged_beyond_the_threshold_from_any_usual_field() {
    // Exactly 300 s off: within tolerance. One second more: skewed.
    let v = run(DEFAULT, r#"{"timestamp":"2026-11-27T10:05:00Z"}"#);
    assert!(!tags(&v).contains(&"clock_skew".to_string()));
    let v = run(DEFAULT, r#"{"@timestamp":"2026-11-27T10:05:01Z"}"#);
    assert!(tags(&v).contains(&"clock_skew".to_string()));
    assert_eq!(v["logseal"]["skew_s"], 301.0);
    let v = run(DEFAULT, r#"{"ts":1795773000}"#);
    assert_eq!(v["logseal"]["skew_s"], -600.0, "epoch seconds, 10 minutes behind");
    let v = run(r#"{"version":1,"normalise":{"clock_skew_seconds":3600}}"#, r#"{"time":"2026-11-27T09:30:00Z"}"#);
    assert!(tags(&v).is_empty());
}

#[test]
fn levels_are_rewritten_when_asked_and_unknown_ones_kept_and_tagged() {
    let p = r#"{"version":1,"normalise":{"levels":true}}"#;
    assert_eq!(run(p, r#"{"level":"WARNING"}"#)["level"], "warn");
    assert_eq!(run(p, r#"{"severity":"E"}"#)["severity"], "error");
    assert_eq!(run(p, r#"{"level":40}"#)["level"], "warn");
    assert_eq!(run(p, r#"{"level":"4"}"#)["level"], "warn", "syslog severity 4");
    let v = run(p, r#"{"level":"loud"}"#);
    assert_eq!(v["level"], "loud");
    assert_eq!(tags(&v), ["invalid:level"]);
}

#[test]
fn timestamps_are_rewritten_to_utc_nanoseconds_or_filled_from_the_host() {
    let p = r#"{"version":1,"normalise":{"timestamps":true}}"#;
    assert_eq!(run(p, r#"{"timestamp":"2026-11-27T11:00:00.5+01:00"}"#)["timestamp"], "2026-11-27T10:00:00.500000000Z");
    assert_eq!(run(p, r#"{"ts":1795773600123}"#)["ts"], "2026-11-27T10:00:00.123000000Z");
    assert_eq!(run(p, r#"{"time":"27/Nov/2026:10:00:00 +0000"}"#)["time"], "2026-11-27T10:00:00.000000000Z");
    assert_eq!(run(p, r#"{"time":"Nov 27 10:00:00"}"#)["time"], "2026-11-27T10:00:00.000000000Z");
    assert_eq!(run(p, r#"{"msg":"no time"}"#)["timestamp"], "2026-11-27T10:00:00.000000000Z");
    let v = run(p, r#"{"timestamp":"last tuesday"}"#);
    assert_eq!(v["timestamp"], "last tuesday");
    assert_eq!(tags(&v), ["invalid:timestamp"]);
}

#[test]
fn presets_and_custom_maps_rename_without_overwriting() {
    let ecs = run(r#"{"version":1,"normalise":{"preset":"ecs"}}"#, r#"{"@timestamp":"t","log.level":"info","service.name":"api","user.id":"u1"}"#);
    assert_eq!((ecs["timestamp"].as_str(), ecs["level"].as_str(), ecs["service"].as_str(), ecs["user_id"].as_str()), (Some("t"), Some("info"), Some("api"), Some("u1")));
    let otel = run(r#"{"version":1,"normalise":{"preset":"otel"}}"#, r#"{"SeverityText":"ERROR","Body":"boom","TraceId":"abc"}"#);
    assert_eq!((otel["level"].as_str(), otel["message"].as_str(), otel["trace_id"].as_str()), (Some("ERROR"), Some("boom"), Some("abc")));
    let plain = run(r#"{"version":1,"normalise":{"preset":"plain","map":{"who":"user_id"}}}"#, r#"{"msg":"m","who":"u2","message":"kept"}"#);
    assert_eq!(plain["msg"], "m", "message exists already: msg is not renamed over it");
    assert_eq!(plain["message"], "kept");
    assert_eq!(plain["user_id"], "u2");
}

#[test]
fn enrichment_never_overwrites_and_essential_fields_are_tagged() {
    let p = r#"{"version":1,"normalise":{"enrich":{"env":"prod","service":"default-svc"},"require":["service","request_id","http.status"]}}"#;
    let v = run(p, r#"{"service":"checkout","http":{"status":200}}"#);
    assert_eq!(v["service"], "checkout");
    assert_eq!(v["env"], "prod");
    assert_eq!(tags(&v), ["missing:request_id"]);
    let v = run(p, r#"{"request_id":"r1"}"#);
    assert_eq!(v["service"], "default-svc");
    assert_eq!(tags(&v), ["missing:http.status"]);
}

#[test]
fn builtin_classify_rules_tag_security_events() {
    assert_eq!(tags(&run(DEFAULT, r#"{"status":401}"#)), ["auth_failure"]);
    assert_eq!(tags(&run(DEFAULT, r#"{"status_code":"403"}"#)), ["access_denied"]);
    assert_eq!(tags(&run(DEFAULT, r#"{"http":{"status":502}}"#)), ["server_error"]);
    assert_eq!(tags(&run(DEFAULT, "Nov 27 10:00:00 host sshd[1]: Failed password for invalid user admin")), ["auth_failure"]);
    assert!(tags(&run(r#"{"version":1,"classify":{"builtin":false}}"#, r#"{"status":401}"#)).is_empty());
}

#[test]
fn custom_classify_rules_from_the_policy() {
    let p = r#"{"version":1,"classify":{"rules":[
        {"when":{"all":[{"field":"path","prefix":"/admin"},{"field":"method","in":["DELETE","PUT"]}]},"tag":"admin_change"},
        {"when":{"field":"latency_ms","range":{"gte":1000}},"tag":"slow"},
        {"when":{"tag":"app.*"},"tag":"from_app"}]}}"#;
    assert_eq!(tags(&run(p, r#"{"path":"/admin/users","method":"DELETE","latency_ms":1200}"#)), ["admin_change", "slow", "from_app"]);
    assert_eq!(tags(&run(p, r#"{"path":"/admin/users","method":"GET"}"#)), ["from_app"]);
}

#[test]
fn every_preset_mapping_renames_its_source() {
    for (preset, map) in logseal::stage::normalise::PRESETS {
        let policy = format!(r#"{{"version":1,"normalise":{{"preset":"{preset}"}},"redact":{{"drop_bodies":false}}}}"#);
        for (source, target) in *map {
            let v = run(&policy, &serde_json::json!({ *source: "value-1" }).to_string());
            assert_eq!(v[*target], "value-1", "{preset}: {source} -> {target}: {v}");
            assert!(v.get(*source).is_none() || source == target, "{preset}: {source} kept beside {target}");
        }
    }
}
