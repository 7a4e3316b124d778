//! Hostile and broken input: every case has a defined outcome, the record always goes out as
//! one valid JSON object, marked, and no byte of it skips the stages (redaction included).

use logseal::{Context, Filter, Outcome, Plan};
use serde_json::Value;

fn run_with(plan: Plan, line: &[u8]) -> (Outcome, Value, String) {
    let mut f = Filter::new(plan);
    let mut out = Vec::new();
    let outcome = f.process(line, &Context::default(), &mut out);
    let text = String::from_utf8(out).expect("output is UTF-8");
    assert!(!text.contains('\n'), "one line: {text}");
    let v: Value = serde_json::from_str(&text).expect("output is one JSON object");
    assert!(v.is_object());
    (outcome, v, text)
}

fn run(line: &[u8]) -> (Outcome, Value, String) {
    run_with(Plan::default_policy(), line)
}

/// A plan that masks everything but `level`: proves a path runs redaction.
fn masking() -> Plan {
    Plan::load(r#"{"version":1,"redact":{"allowlist":["level"]}}"#, &logseal::policy::NoEnvironment, None).unwrap()
}

#[test]
fn invalid_and_truncated_json_is_wrapped_as_text_with_the_error() {
    for line in [&b"{\"a\":\"b"[..], b"{\"a\" 1}", b"{\"a\":1}}", b"{\"a\":tru}", b"{\"a\":\"\\q\"}", b"{\"a\":01}"] {
        let (outcome, v, _) = run(line);
        assert_eq!(outcome, Outcome::EmittedWithError);
        assert_eq!(v["message"], String::from_utf8_lossy(line).as_ref());
        assert_eq!(v["logseal"]["error"]["kind"], "invalid_json");
        assert!(v["logseal"]["error"]["detail"].as_str().unwrap().contains("offset") || line.len() < 9);
    }
}

#[test]
fn error_paths_still_run_every_stage() {
    let (_, v, text) = run_with(masking(), b"{\"password\":\"hunter2\",");
    assert_eq!(v["message"], "[REDACTED:allowlist]");
    assert!(!text.contains("hunter2"));
    let (_, v, text) = run_with(masking(), b"plain password=hunter2");
    assert_eq!(v["message"], "[REDACTED:allowlist]");
    assert!(!text.contains("hunter2"));
    let mut huge = b"{\"level\":\"info\",\"password\":\"".to_vec();
    huge.extend(std::iter::repeat_n(b'x', 2 << 20));
    let (_, v, text) = run_with(masking(), &huge);
    assert_eq!(v["logseal"]["error"]["kind"], "too_large");
    assert!(!text.contains("xxxxxxxx"), "the cut text is redacted too");
}

#[test]
fn a_non_object_root_is_text() {
    for line in ["[1,2]", "\"just a string\"", "42", "null"] {
        let (outcome, v, _) = run(line.as_bytes());
        assert_eq!(outcome, Outcome::Emitted);
        assert_eq!(v["message"], line);
    }
}

#[test]
fn duplicate_keys_are_renamed_so_every_reader_agrees() {
    let (_, v, text) = run(br#"{"user":"alice","user":"root","x":1}"#);
    assert_eq!(v["user"], "alice");
    assert_eq!(v["user#2"], "root");
    assert_eq!(v["logseal"]["tags"][0], "duplicate_keys");
    assert!(text.starts_with(r##"{"user":"alice","user#2":"root""##));
}

#[test]
fn extreme_nesting_is_cut_without_recursion() {
    let line = format!("{{\"level\":\"warn\",\"deep\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let (outcome, v, _) = run(line.as_bytes());
    assert_eq!(outcome, Outcome::Emitted);
    assert_eq!(v["level"], "warn");
    let mut at = &v["deep"];
    // The root is level 1; the arrays at levels 2..=64 are kept, the one at level 65 is cut.
    for _ in 0..63 {
        at = &at[0];
    }
    assert_eq!(*at, Value::from("[TRUNCATED:depth]"));
    assert_eq!(v["logseal"]["cut"]["depth"], 1);
    // Unclosed extreme nesting is invalid JSON: wrapped, never a stack overflow.
    let unclosed = format!("{{\"a\":{}", "[".repeat(200_000));
    let (_, v, _) = run(unclosed.as_bytes());
    assert_eq!(v["logseal"]["error"]["kind"], "invalid_json");
}

#[test]
fn a_ten_megabyte_record_is_cut_to_the_limit_and_marked() {
    let mut line = b"{\"msg\":\"".to_vec();
    line.extend(std::iter::repeat_n(b'y', 10 << 20));
    line.extend_from_slice(b"\"}");
    let (outcome, v, text) = run(&line);
    assert_eq!(outcome, Outcome::EmittedWithError);
    assert_eq!(v["logseal"]["error"]["kind"], "too_large");
    assert!(v["logseal"]["error"]["detail"].as_str().unwrap().contains("10485770 bytes"));
    assert!(text.len() < 40_000, "cut to the string limit too: {} bytes", text.len());
}

#[test]
fn nul_and_control_bytes_are_made_visible() {
    let (_, v, _) = run(b"{\"a\":\"x\\u0000y\",\"b\":\"raw\x00nul\x07bel\"}");
    assert_eq!(v["a"], r"x\x00y");
    assert_eq!(v["b"], r"raw\x00nul\x07bel");
    assert_eq!(v["logseal"]["tags"][0], "injection_attempt");
    let (_, v, _) = run(b"text with \x00 nul");
    assert_eq!(v["message"], r"text with \x00 nul");
}

#[test]
fn invisible_characters_are_made_visible_in_keys_and_values() {
    // Escaped and raw spellings alike: no two keys read `logseal`, no value hides text.
    for line in ["{\"log\\u00adseal\":1,\"user\":\"ad\\u2063min\"}", "{\"log\u{ad}seal\":1,\"user\":\"ad\u{2063}min\"}"] {
        let (_, v, text) = run(line.as_bytes());
        assert_eq!(v[r"log\u00adseal"], 1, "{text}");
        assert_eq!(v["user"], r"ad\u2063min");
        assert_eq!(v["logseal"]["tags"][0], "injection_attempt");
        assert!(!text.contains('\u{ad}') && !text.contains('\u{2063}'));
    }
    // Tag characters (ASCII smuggling), beyond the BMP, in a plain-text line.
    let (_, v, text) = run("hello\u{e0041}\u{e0042}".as_bytes());
    assert_eq!(v["message"], r"hello\U000e0041\U000e0042");
    assert!(!text.chars().any(|c| ('\u{e0000}'..='\u{e0fff}').contains(&c)));
}

#[test]
fn invalid_utf8_in_keys_and_values_becomes_replacement_characters() {
    let (_, v, _) = run(b"{\"k\xff\":\"v\xc3\x28\",\"ok\":\"\xe2\x82\xac\"}");
    assert_eq!(v["k\u{FFFD}"], "v\u{FFFD}(");
    assert_eq!(v["ok"], "€");
    let (_, v, _) = run(b"plain \xf0\x9f\x98 cut emoji");
    assert_eq!(v["message"], "plain \u{FFFD} cut emoji");
}

#[test]
fn numbers_beyond_f64_and_integers_beyond_2_53_become_exact_strings() {
    let (_, v, _) = run(br#"{"a":9007199254740993,"b":-1e400,"c":1.5,"d":9007199254740992}"#);
    assert_eq!(v["a"], "9007199254740993");
    assert_eq!(v["b"], "-1e400");
    assert_eq!(v["c"], 1.5);
    assert_eq!(v["d"], 9007199254740992u64);
}

#[test]
fn lone_surrogates_become_replacement_characters() {
    let (_, v, _) = run(br#"{"a":"\ud800x","b":"\udfff","c":"\ud83d\ude00"}"#);
    assert_eq!(v["a"], "\u{FFFD}x");
    assert_eq!(v["b"], "\u{FFFD}");
    assert_eq!(v["c"], "😀");
}

#[test]
fn too_many_fields_are_cut_and_counted() {
    let plan = Plan::load(r#"{"version":1,"limits":{"max_fields":3}}"#, &logseal::policy::NoEnvironment, None).unwrap();
    let (_, v, _) = run_with(plan, br#"{"a":1,"b":{"c":2},"d":3,"e":4}"#);
    assert_eq!(v["a"], 1);
    assert_eq!(v["b"]["c"], 2);
    assert!(v.get("d").is_none());
    assert_eq!(v["logseal"]["cut"]["fields"], 2);
}

#[test]
fn escaped_spellings_cannot_spoof_the_reserved_key_or_hide_a_lookup() {
    let (_, v, _) = run(br#"{"logs\u0065al":{"seal":"x"},"m":"\u0024{jndi:x}"}"#);
    assert_eq!(v["logseal_original"]["seal"], "x");
    assert_eq!(v["m"], r"$\{jndi:x}");
    assert_eq!(v["logseal"]["renamed"], "logseal_original");
}

#[test]
fn logseal_own_messages_are_escaped_like_content() {
    // A policy key name with a control byte ends up quoted in the lockdown error message.
    let err = Plan::load("{\"versi\u{7f}n\":1}", &logseal::policy::NoEnvironment, None).unwrap_err();
    let (_, v, _) = run_with(Plan::lockdown(&err.to_string()), b"{}");
    let msg = v["logseal"]["policy_error"].as_str().unwrap();
    assert!(!msg.contains('\u{7f}'), "{msg:?}");
    assert!(msg.contains(r"versi\x7fn"), "{msg:?}");
}

#[test]
fn a_truncation_never_leaves_part_of_a_secret() {
    // A card number straddling the 32 KiB string limit is redacted whole before anything is cut.
    for offset in [32_760usize, 32_764, 32_767] {
        let text = format!("{}4111 1111 1111 1111 tail", "a ".repeat(offset / 2));
        let line = serde_json::json!({ "message": text }).to_string();
        let (_, v, out) = run(line.as_bytes());
        assert!(!out.contains("4111") && !out.contains("1111"), "offset {offset}: {}", &out[out.len().saturating_sub(200)..]);
        assert_eq!(v["logseal"]["redacted"]["card"], 1);
        assert_eq!(v["logseal"]["cut"]["strings"], 1);
    }
}
