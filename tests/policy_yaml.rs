//! YAML policies on the command line: read as their JSON form, faults with JSON paths, duplicate
//! keys refused (in JSON too), and `policy json` writing what the hosts load.

mod common;

use common::{logseal, root};
use std::path::PathBuf;

const YAML: &str = "host-examples/policies/checkout.yaml";
const TIME: &str = "1795773600000000000";

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-yaml-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn filter(policy: &str, input: &[u8]) -> Vec<u8> {
    let (code, out, err) = logseal(&["filter", "--policy", policy, "--time-ns", TIME], input);
    assert_eq!(code, 0, "{policy}: {err}");
    out
}

/// Records that exercise the example's settings: a card, a denied note, a coupon, an Apache
/// health check (dropped) and one that failed (kept).
fn records() -> Vec<u8> {
    let mut input = std::fs::read(root().join("host-examples/logs/app.ndjson")).unwrap();
    input.extend_from_slice(b"{\"msg\":\"charged 4111 1111 1111 1111\",\"customer_note\":\"ring twice\",\"email\":\"alice@example.com\"}\n");
    input.extend_from_slice(b"{\"msg\":\"applied CPN-7Q2K9XWA\"}\n");
    input.extend_from_slice(b"10.0.6.17 - - [27/Nov/2026:10:03:03 +0000] \"GET /healthz HTTP/1.1\" 200 2 \"-\" \"kube-probe/1.31\"\n");
    input.extend_from_slice(b"10.0.6.17 - - [27/Nov/2026:10:03:04 +0000] \"GET /healthz HTTP/1.1\" 503 2 \"-\" \"kube-probe/1.31\"\n");
    input
}

#[test]
fn a_yaml_policy_filters_exactly_as_its_json_form() {
    // The JSON form made by another YAML parser, so the two readings check each other.
    let doc: serde_json::Value = serde_yaml::from_str(&std::fs::read_to_string(root().join(YAML)).unwrap()).unwrap();
    let dir = scratch("same");
    let json = dir.join("checkout.json");
    std::fs::write(&json, serde_json::to_vec(&doc).unwrap()).unwrap();
    let input = records();
    let from_yaml = filter(YAML, &input);
    let from_json = filter(json.to_str().unwrap(), &input);
    assert_eq!(String::from_utf8_lossy(&from_yaml), String::from_utf8_lossy(&from_json));
    let out = String::from_utf8(from_yaml).unwrap();
    assert!(out.contains("1111\"") && !out.contains("4111 1111 1111 1111"), "the card keeps its last four: {out}");
    assert!(!out.contains("ring twice") && !out.contains("CPN-7Q2K9XWA"), "deny list and custom rule apply: {out}");
    assert!(out.contains("\"status\":503") && !out.contains("[27/Nov/2026:10:03:03"), "the 200 health check is dropped, the 503 kept: {out}");
}

#[test]
fn policy_json_writes_the_json_the_hosts_load() {
    let (code, out, err) = logseal(&["policy", "json", YAML], b"");
    assert_eq!(code, 0, "{err}");
    let dir = scratch("json");
    let json = dir.join("checkout.json");
    std::fs::write(&json, &out).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&out).unwrap().is_object());
    let input = records();
    assert_eq!(filter(json.to_str().unwrap(), &input), filter(YAML, &input));
    let (code, _, _) = logseal(&["check", json.to_str().unwrap()], b"");
    assert_eq!(code, 0);
}

#[test]
fn check_lists_every_fault_of_a_yaml_policy_by_json_path() {
    let yaml = "# three mistakes\nversion: 1\nlimits:\n  max_depth: 0\nredact:\n  actions:\n    card: shred\nseal:\n  checkpoint_every: often\n";
    let (code, out, _) = logseal(&["check", "-"], yaml.as_bytes());
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("(stdin): invalid (3 faults)"), "{out}");
    for path in ["$.limits.max_depth: ", "$.redact.actions.card: ", "$.seal.checkpoint_every: "] {
        assert!(out.contains(path), "{path} missing: {out}");
    }
    let (code, out, _) = logseal(&["check", "-"], b"version: 1 # fine\nredact: {disable: [phone]}\n");
    assert_eq!(code, 0, "{}", String::from_utf8_lossy(&out));
}

#[test]
fn a_key_given_twice_is_refused_in_yaml_and_in_json() {
    let dir = scratch("dup");
    let yaml = dir.join("p.yaml");
    std::fs::write(&yaml, "version: 1\nredact:\n  deny: [a]\n  deny: [b]\n").unwrap();
    let json = dir.join("p.json");
    std::fs::write(&json, r#"{"version":1,"redact":{"deny":["a"]},"redact":{}}"#).unwrap();
    for (policy, path) in [(&yaml, "$.redact.deny"), (&json, "$.redact")] {
        let (code, _, err) = logseal(&["filter", "--policy", policy.to_str().unwrap()], b"{}\n");
        assert_eq!(code, 1, "{err}");
        assert!(err.contains(&format!("{path}: key given twice in one object")), "{err}");
    }
}

#[test]
fn yaml_faults_never_quote_the_policy_text() {
    // Values only: keys are part of JSON paths, as in JSON policies.
    let dir = scratch("quote");
    let cases = [
        "version: 1\nkeys:\n  seal: \"base64:aHVudGVyMi1zdXBlci1zZWNyZXQ=\n",
        "version: 1\nkeys:\n  seal: !b64 aHVudGVyMi1zdXBlci1zZWNyZXQ=\n",
        "version: 1\nredact:\n  deny:\n    aHVudGVyMi1zdXBlci1zZWNyZXQ=: [x]\n    - y\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        let p = dir.join(format!("p{i}.yml"));
        std::fs::write(&p, text).unwrap();
        for cmd in [&["check", p.to_str().unwrap()][..], &["filter", "--policy", p.to_str().unwrap()][..]] {
            let (code, out, err) = logseal(cmd, b"{}\n");
            assert_eq!(code, 1, "{text}");
            let all = format!("{}{err}", String::from_utf8_lossy(&out));
            assert!(!all.contains("aHVudGVy"), "{cmd:?} quoted the policy: {all}");
            assert!(all.contains("$"), "{all}");
        }
    }
}
