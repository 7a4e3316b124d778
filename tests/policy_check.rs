//! `logseal check`: every fault listed with its path, warnings for settings that never apply,
//! `--strict`, and a full explanation of the plan (keys by id only).

mod common;

use common::logseal;

fn check(policy: &str, strict: bool) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("logseal-check-{}-{}", std::process::id(), policy.len()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("policy.json");
    std::fs::write(&file, policy).unwrap();
    let mut args = vec!["check"];
    if strict {
        args.push("--strict");
    }
    args.push(file.to_str().unwrap());
    let (code, out, err) = logseal(&args, b"");
    std::fs::remove_dir_all(&dir).ok();
    (code, String::from_utf8(out).unwrap() + &err)
}

#[test]
fn every_fault_is_listed_with_its_path() {
    let (code, out) = check(r#"{"version":1,"limits":{"max_depth":0},"redact":{"rules":[{"name":"Bad","keywords":["x"]}]},"seal":{"checkpoint_every":"x"}}"#, false);
    assert_eq!(code, 1);
    assert!(out.contains("invalid (3 faults)"), "{out}");
    for fault in ["$.limits.max_depth: expected an integer from 1 to 1024", "$.redact.rules[0].name: expected a name", "$.seal.checkpoint_every: expected an integer"] {
        assert!(out.contains(fault), "{fault}: {out}");
    }
}

#[test]
fn settings_that_never_apply_are_warned_about_and_fail_only_when_strict() {
    let policy = r#"{"version":1,"sample":{"by":["request_id"],"levels":{"warn":0,"debug":0}},
        "redact":{"disable":["email"],"actions":{"email":"partial"}}}"#;
    let (code, out) = check(policy, false);
    assert_eq!(code, 0, "{out}");
    for w in [
        "$.sample.levels.warn: warn records are always kept; this rate never applies",
        "$.redact.actions.email: the email detector is disabled, so this action never applies",
        "$.sample.by: no rate between 0 and 1, so records are never sampled by these fields",
    ] {
        assert!(out.contains(w), "{w}: {out}");
    }
    let (code, _) = check(policy, true);
    assert_eq!(code, 1, "--strict fails on warnings");
    let (code, out) = check(r#"{"version":1}"#, true);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("warnings:"));
}

#[test]
fn the_plan_is_explained_in_full_with_keys_by_id_only() {
    let secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
    let policy = format!(
        r#"{{"version":1,"keys":{{"hash":"base64:{secret}"}},"parse":{{"formats":["syslog"]}},
        "redact":{{"actions":{{"email":"hash","card":"partial"}},"deny":["*internal*"],"disable":["phone"],
          "rules":[{{"name":"codename","keywords":["falcon","eagle"],"action":"drop"}}]}}}}"#
    );
    let (code, out) = check(&policy, false);
    assert_eq!(code, 0, "{out}");
    for line in [
        "parse: text lines read as syslog",
        "redact: key rules and detectors on for 17 kinds: card partial, cvv mask",
        "email hash",
        "redact: switched off: phone",
        "redact: deny list [*internal*] (mask)",
        "redact: custom rule codename (2 keywords), action drop",
        "sample: off (every record is kept)",
        "seal: off",
        "keys for hash: inline (active: inline)",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert!(!out.contains(secret) && !out.contains("falcon"), "no key material or rule text: {out}");
}
