//! The `logseal` command line: commands, exit codes, streaming behaviour.

mod common;

use common::{logseal, root};

#[test]
fn filter_writes_one_object_per_line_and_never_stops_on_a_bad_line() {
    let input = b"{\"level\":\"info\",\"msg\":\"ok\"}\n{broken\nplain text\n{\"logseal\":\"spoof\"}\n";
    let (code, out, _) = logseal(&["filter"], input);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> =
        String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["msg"], "ok");
    assert_eq!(lines[1]["message"], "{broken");
    assert_eq!(lines[1]["logseal"]["error"]["kind"], "invalid_json");
    assert_eq!(lines[2]["message"], "plain text");
    assert_eq!(lines[3]["logseal_original"], "spoof");
    assert_eq!(lines[3]["logseal"]["renamed"], "logseal_original");
}

#[test]
fn filter_keeps_memory_bounded_on_an_endless_line() {
    let mut input = vec![b'a'; 5 << 20];
    input.extend_from_slice(b"\n{\"after\":true}\n");
    let (code, out, _) = logseal(&["filter"], &input);
    assert_eq!(code, 0);
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<serde_json::Value> = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    // The line is cut to max_record_bytes (1 MiB), then its text to max_string_bytes (32 KiB).
    assert_eq!(lines[0]["message"], format!("{}…[TRUNCATED:1048576 bytes]", "a".repeat(32768)));
    assert_eq!(lines[0]["logseal"]["error"]["kind"], "too_large");
    assert_eq!(lines[0]["logseal"]["cut"]["strings"], 1);
    assert!(lines[0]["logseal"]["error"]["detail"].as_str().unwrap().contains("5242880 bytes"));
    assert_eq!(lines[1]["after"], true);
}

#[test]
fn filter_reports_counters_with_stats() {
    let (code, _, err) = logseal(&["filter", "--stats"], b"{\"a\":1}\n\n{\n \t\r\n");
    assert_eq!(code, 0);
    // Blank and whitespace-only lines are not records: counted apart as `blank`.
    assert!(err.contains(r#"{"records":2,"emitted":2,"dropped":0,"errors":1,"cut":0,"sampled_out":0,"rate_limited":0,"duplicates":0,"evictions":0,"sealed":0,"redacted":{},"blank":2}"#), "{err}");
}

#[test]
fn filter_refuses_an_invalid_policy_with_its_path_and_exit_1() {
    let dir = std::env::temp_dir().join(format!("logseal-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version":1,"limits":{"max_depth":-1}}"#).unwrap();
    let (code, out, err) = logseal(&["filter", "--policy", bad.to_str().unwrap()], b"{}\n");
    assert_eq!(code, 1);
    assert!(out.is_empty(), "nothing is filtered with a refused policy");
    assert!(err.contains("$.limits.max_depth: expected an integer from 1 to 1024"), "{err}");
    let (code, _, err) = logseal(&["filter", "--policy", "/nonexistent/p.json"], b"");
    assert_eq!(code, 3);
    assert!(err.contains("cannot read policy /nonexistent/p.json"), "{err}");
}

#[test]
fn usage_errors_exit_2_with_help() {
    for args in [&["frobnicate"][..], &["filter", "--nope"], &["filter", "--policy"], &["check"], &["policy", "x"], &[]] {
        let (code, _, err) = logseal(args, b"");
        assert_eq!(code, 2, "{args:?}");
        assert!(err.contains("usage: logseal"), "{args:?}: {err}");
    }
    for args in [&["--help"][..], &["filter", "--help"], &["check", "-h"], &["bench", "--help"], &["policy", "--help"]] {
        let (code, out, _) = logseal(args, b"");
        assert_eq!(code, 0, "{args:?}");
        assert!(String::from_utf8_lossy(&out).contains("usage: logseal"));
    }
}

#[test]
fn policy_default_is_the_shipped_example_and_every_builtin_checks() {
    let (code, out, _) = logseal(&["policy", "default"], b"");
    assert_eq!(code, 0);
    let shipped = std::fs::read(root().join("host-examples/policies/default.json")).unwrap();
    assert_eq!(out, shipped, "host-examples/policies/default.json must be what `logseal policy default` prints");
    let (_, lockdown, _) = logseal(&["policy", "lockdown"], b"");
    let dir = std::env::temp_dir().join(format!("logseal-lock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("lockdown.json"), &lockdown).unwrap();
    let (code, out, _) = logseal(&["check", dir.join("lockdown.json").to_str().unwrap()], b"");
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains("allowlist mode"));
    let (code, schema, _) = logseal(&["policy", "schema"], b"");
    assert_eq!(code, 0);
    let schema: serde_json::Value = serde_json::from_slice(&schema).unwrap();
    assert_eq!(schema["additionalProperties"], false);
}

#[test]
fn schema_names_exactly_the_keys_the_parser_accepts() {
    let schema: serde_json::Value = serde_json::from_str(logseal::policy::builtin::SCHEMA).unwrap();
    let props = |v: &serde_json::Value| -> Vec<String> {
        let mut k: Vec<String> = v["properties"].as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    assert_eq!(props(&schema), ["$schema", "classify", "escape", "keys", "limits", "normalise", "parse", "redact", "sample", "seal", "version"]);
    assert_eq!(props(&schema["properties"]["seal"]), ["checkpoint_every", "cover_tag", "evolve", "instance", "version"]);
    assert_eq!(
        props(&schema["properties"]["sample"]),
        ["by", "dedup", "default_rate", "levels", "max_keys", "missing", "rate_limit", "rules"]
    );
    assert_eq!(
        props(&schema["properties"]["normalise"]),
        ["clock_skew_seconds", "enrich", "ingest_time", "levels", "map", "preset", "require", "timestamps"]
    );
    assert_eq!(props(&schema["properties"]["classify"]), ["builtin", "rules"]);
    assert_eq!(
        props(&schema["properties"]["limits"]),
        ["max_depth", "max_fields", "max_key_bytes", "max_record_bytes", "max_string_bytes"]
    );
    assert_eq!(props(&schema["properties"]["escape"]), ["multiline_fields"]);
    assert_eq!(props(&schema["properties"]["keys"]), ["encrypt", "hash", "sample", "seal", "sign"]);
    assert_eq!(props(&schema["properties"]["redact"]), ["actions", "allowlist", "deny", "disable", "drop_bodies", "encrypt", "encrypt_original", "national_ids_in_text", "phones_in_text", "rules"]);
    // Every documented key is accepted by the parser.
    let all = r#"{"version":1,"limits":{"max_record_bytes":4096,"max_depth":8,"max_fields":50,
        "max_string_bytes":100,"max_key_bytes":20},"keys":{},"redact":{"allowlist":["a"],"deny":["x"],
          "actions":{"default":"mask"},"disable":["email"],"rules":[{"name":"r","keywords":["k"]}],"drop_bodies":true},
        "escape":{"multiline_fields":["trace"]},
        "normalise":{"preset":"ecs","map":{"a":"b"},"levels":true,"timestamps":true,"enrich":{"env":"x"},
          "require":["service"],"ingest_time":true,"clock_skew_seconds":60},
        "classify":{"builtin":true,"rules":[{"when":{"field":"a","exists":true},"tag":"t"}]},
        "sample":{"by":["request_id"],"missing":"keep","default_rate":1,"levels":{"info":1},
          "rules":[{"when":{"field":"a","exists":true},"rate":1}],"rate_limit":{"by":"ip","records":10,"per_seconds":1},
          "dedup":{"by":["msg"],"window_seconds":5},"max_keys":100},
        "seal":{"instance":"web-1","checkpoint_every":5,"cover_tag":true}}"#;
    assert!(logseal::Policy::parse(all).is_ok());
}

#[test]
fn check_explains_a_valid_policy_and_names_the_fault_of_an_invalid_one() {
    let (code, out, _) = logseal(&["check", "host-examples/policies/default.json"], b"");
    assert_eq!(code, 0);
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("valid") && out.contains("nesting up to 64 levels"), "{out}");
    let dir = std::env::temp_dir().join(format!("logseal-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("p.json");
    std::fs::write(&p, r#"{"version":1,"redact":{"allowlist":["ok"],"mode":"x"}}"#).unwrap();
    let (code, out, _) = logseal(&["check", p.to_str().unwrap()], b"");
    assert_eq!(code, 1);
    assert!(String::from_utf8_lossy(&out).contains("$.redact.mode: unknown key; expected one of: allowlist"));
}

#[test]
fn check_never_prints_key_material() {
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let dir = std::env::temp_dir().join(format!("logseal-keys-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("keys")).unwrap();
    std::fs::write(
        dir.join("keys/ring.json"),
        format!(r#"{{"version":1,"keys":[{{"id":"k1","purpose":"hash","secret":"{secret}"}}]}}"#),
    )
    .unwrap();
    std::fs::write(dir.join("p.json"), r#"{"version":1,"keys":{"hash":"file:keys/ring.json#k1","seal":"file:keys/ring.json#k1"}}"#).unwrap();
    let (code, out, err) = logseal(&["check", dir.join("p.json").to_str().unwrap()], b"");
    assert_eq!(code, 1, "a hash key used to seal is refused");
    let all = format!("{}{err}", String::from_utf8_lossy(&out));
    assert!(all.contains("key k1 has purpose hash, not seal"), "{all}");
    assert!(!all.contains(secret));
}

#[test]
fn bench_reports_throughput() {
    let (code, out, err) = logseal(&["bench", "--runs", "1", "host-examples/logs/app.ndjson"], b"");
    assert_eq!(code, 0, "{err}");
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("records/s") && out.contains("MB/s"), "{out}");
}
