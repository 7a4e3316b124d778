//! `logseal test`: the shipped policy unit tests pass, a failing case fails with its reason,
//! and bad tests files get their exit codes.

mod common;

use common::{logseal, root};

fn run(policy: &str, tests: &str) -> (i32, String, String) {
    let (code, out, err) = logseal(&["test", policy, tests], b"");
    (code, String::from_utf8(out).unwrap(), err)
}

#[test]
fn the_shipped_policy_tests_pass() {
    for (policy, tests) in [("default.json", "default.tests.json"), ("sampling.json", "sampling.tests.json"), ("checkout.yaml", "checkout.tests.json")] {
        let p = root().join("host-examples/policies").join(policy);
        let t = root().join("host-examples/policies/tests").join(tests);
        let (code, out, err) = run(p.to_str().unwrap(), t.to_str().unwrap());
        assert_eq!(code, 0, "{policy}: {out}{err}");
        assert!(out.lines().last().unwrap().ends_with("cases passed") && !out.contains("FAIL"), "{out}");
    }
}

#[test]
fn a_failing_case_names_its_path_and_never_the_input_value() {
    let dir = std::env::temp_dir().join(format!("logseal-policy-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tests = dir.join("t.json");
    std::fs::write(
        &tests,
        r#"{"version":1,"cases":[
          {"name":"passes","input":{"card":"4111111111111111"},"expect":{"masked":{"card":"card"}}},
          {"name":"wrongly expects a password to survive","input":{"password":"hunter2-secret"},"expect":{"kept":["password"]}}]}"#,
    )
    .unwrap();
    let policy = root().join("host-examples/policies/default.json");
    let (code, out, _) = run(policy.to_str().unwrap(), tests.to_str().unwrap());
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("ok    passes"), "{out}");
    assert!(out.contains("FAIL  wrongly expects a password to survive\n      password: expected kept, it became \"[REDACTED:password]\""), "{out}");
    assert!(out.ends_with("1 of 2 cases passed\n"), "{out}");
    assert!(!out.contains("hunter2"), "the input value is never printed");
    // --json: one object per case and a summary.
    let (code, out, _) = logseal(&["test", policy.to_str().unwrap(), tests.to_str().unwrap(), "--json"], b"");
    assert_eq!(code, 1);
    let lines: Vec<serde_json::Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[1]["passed"], false);
    assert_eq!(lines[2]["summary"]["failed"], 1);

    // An invalid tests file: 2, with the JSON path of the fault; a missing one: 3.
    std::fs::write(&tests, r#"{"version":1,"cases":[{"name":"x","input":{},"expect":{"masks":{}}}]}"#).unwrap();
    let (code, _, err) = run(policy.to_str().unwrap(), tests.to_str().unwrap());
    assert_eq!(code, 2);
    assert!(err.contains("$.cases[0].expect.masks: unknown key"), "{err}");
    let (code, _, err) = run(policy.to_str().unwrap(), dir.join("missing.json").to_str().unwrap());
    assert_eq!(code, 3, "{err}");
    let (code, _, _) = logseal(&["test", policy.to_str().unwrap()], b"");
    assert_eq!(code, 2, "usage");
    std::fs::remove_dir_all(&dir).ok();
}
