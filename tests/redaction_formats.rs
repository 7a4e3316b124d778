//! Redaction across the shapes real logs take, beyond the public corpus: each case checks that
//! the secret is gone and that what an investigator needs is still there.

use logseal::{Context, Filter, Plan};
use serde_json::Value;

fn filter_with(plan: Plan, line: &str) -> (Value, String) {
    let mut out = Vec::new();
    Filter::new(plan).process(line.as_bytes(), &Context::default(), &mut out);
    let text = String::from_utf8(out).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

fn filter(line: &str) -> (Value, String) {
    filter_with(Plan::default_policy(), line)
}

/// Asserts no secret survives and every kept item does.
fn check(line: &str, secrets: &[&str], kept: &[&str]) -> Value {
    let (v, text) = filter(line);
    for s in secrets {
        assert!(!text.contains(s), "secret {s:?} survived in {text}");
    }
    for k in kept {
        assert!(text.contains(k), "{k:?} was lost from {text}");
    }
    let tagged = v["logseal"]["tags"].as_array().is_some_and(|t| t.iter().any(|x| x == "secret_exposed"));
    assert!(tagged, "a record that lost a secret is tagged secret_exposed: {text}");
    v
}

#[test]
fn keys_in_camel_kebab_and_header_styles() {
    let v = check(
        r#"{"userPassword":"p4ssw0rd!","api-key":"k-123456","X-Auth-Token":"tok987654","clientSecret":"cs_abc","request_id":"r-1"}"#,
        &["p4ssw0rd!", "k-123456", "tok987654", "cs_abc"],
        &["r-1", "userPassword", "X-Auth-Token"],
    );
    assert_eq!(v["userPassword"], "[REDACTED:password]");
    assert_eq!(v["logseal"]["redacted"]["password"], 1);
}

#[test]
fn arrays_of_objects() {
    check(
        r#"{"users":[{"name":"ann","password":"pw-one-1"},{"name":"ben","password":"pw-two-2","card":"5555 5555 5555 4444"}]}"#,
        &["pw-one-1", "pw-two-2", "5555 5555 5555 4444"],
        &["ann", "ben"],
    );
}

#[test]
fn logfmt_lines() {
    check(
        r#"ts=2026-11-27T10:00:00Z level=info user=bob password=hunter2 token=abc123def456 msg="login ok" ip=203.0.113.9"#,
        &["hunter2", "abc123def456"],
        &["user=bob", "login ok", "203.0.113.9", "2026-11-27T10:00:00Z"],
    );
}

#[test]
fn form_bodies_and_query_strings_in_fields() {
    check(
        r#"{"form_data":"username=carol&password=hunter2&remember=1","url":"/cb?code=4/0AbCdEf&state=xyz","path":"/login"}"#,
        &["hunter2", "4/0AbCdEf"],
        &["username=carol", "remember=1", "state=xyz", "/login"],
    );
}

#[test]
fn json_embedded_in_a_string() {
    check(
        r#"{"message":"upstream said {\"password\":\"hunter2\",\"card\":\"4111111111111111\",\"user\":\"dora\"}"}"#,
        &["hunter2", "4111111111111111"],
        &["upstream said", "dora"],
    );
}

#[test]
fn header_maps_and_dumped_headers() {
    check(
        r#"{"headers":{"Authorization":"Basic dXNlcjpwYXNzd29yZA==","Cookie":"sid=s3ss10n; theme=dark","User-Agent":"curl/8.5.0","Host":"api.example.com"}}"#,
        &["dXNlcjpwYXNzd29yZA==", "s3ss10n"],
        &["curl/8.5.0", "api.example.com"],
    );
    check(
        "GET /me HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Bearer abcdef.ghijkl.mnopqr\r\nCookie: sid=xyz12345\r\nAccept: */*",
        &["abcdef.ghijkl.mnopqr", "xyz12345"],
        &["GET /me HTTP/1.1", "api.example.com", "Accept: */*"],
    );
}

#[test]
fn xml_cli_yaml_and_env_dumps() {
    check("<login><user>bob</user><password>hunter2</password></login>", &["hunter2"], &["<user>bob</user>"]);
    check("exec: mysql --user root --password hunter2 --host db", &["hunter2"], &["--user root", "--host db"]);
    check("config:\n  password: hunter2\n  host: db", &["hunter2"], &["host: db"]);
    check(
        "DB_PASSWORD=hunter2 AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY HOME=/root",
        &["hunter2", "wJalrXUtnFEMI/K7MDENG"],
        &["HOME=/root"],
    );
}

#[test]
fn stack_traces_and_investigator_fields_are_kept_whole() {
    let trace = "java.lang.IllegalStateException: order was null\n\tat com.acme.Checkout.total(Checkout.java:88)\n\tat com.acme.Api.handle(Api.java:41)";
    let line = serde_json::json!({
        "timestamp": "2026-11-27T10:00:00.123Z", "level": "ERROR", "request_id": "c196c5c2-ff2e-dc17-9d4c-712e801b43bf",
        "ip": "2001:db8::2f46", "user_agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "status": 500,
        "user_id": "user-25806", "path": "/api/v1/orders/9068985753113361", "stack_trace": trace,
        "commit": "754f90bc80d3a0f11c3a4d374013574da0819fa6", "epoch_ms": 1721625608312_u64,
    })
    .to_string();
    let (v, text) = filter(&line);
    assert_eq!(v["stack_trace"], trace);
    assert_eq!(v["path"], "/api/v1/orders/9068985753113361");
    assert_eq!(v["commit"], "754f90bc80d3a0f11c3a4d374013574da0819fa6");
    assert_eq!(v["epoch_ms"], 1721625608312_u64);
    assert!(v["logseal"].get("redacted").is_none(), "{text}");
}

#[test]
fn values_of_any_type_under_secret_keys_and_flags_that_stay() {
    let (v, _) = filter(r#"{"pin":1234,"cvv":123,"credentials":{"user":"u","pass":"p"},"password_reset":true,"password":null}"#);
    assert_eq!(v["pin"], "[REDACTED:password]");
    assert_eq!(v["cvv"], "[REDACTED:cvv]");
    assert_eq!(v["credentials"], "[REDACTED:secret]");
    assert_eq!(v["password_reset"], true);
    assert_eq!(v["password"], Value::Null);
}

#[test]
fn hash_pseudonyms_are_stable_across_records_and_filters() {
    let policy = r#"{"version":1,"keys":{"hash":"base64:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="},
        "redact":{"actions":{"email":"hash"}}}"#;
    let plan = || Plan::load(policy, &logseal::policy::NoEnvironment, None).unwrap();
    let (a, _) = filter_with(plan(), r#"{"m":"mail to ann@example.com"}"#);
    let (b, _) = filter_with(plan(), r#"{"n":"ann@example.com again"}"#);
    let pa = a["m"].as_str().unwrap().trim_start_matches("mail to ").to_string();
    assert!(pa.starts_with("[HASH:email:"), "{pa}");
    assert_eq!(b["n"].as_str().unwrap(), format!("{pa} again"));
    let err = Plan::load(r#"{"version":1,"redact":{"actions":{"email":"hash"}}}"#, &logseal::policy::NoEnvironment, None).unwrap_err();
    assert_eq!(err.to_string(), "$.redact.actions.email: the hash action needs a key: set keys.hash");
}

#[test]
fn custom_rules_deny_lists_and_disabled_detectors() {
    let policy = r#"{"version":1,"redact":{
        "rules":[{"name":"employee_id","regex":"EMP-\\d{6}"},{"name":"codename","keywords":["falcon"],"action":"drop"}],
        "deny":["internal_notes"], "disable":["email"]}}"#;
    let plan = Plan::load(policy, &logseal::policy::NoEnvironment, None).unwrap();
    let (v, _) = filter_with(plan, r#"{"m":"EMP-123456 on Project Falcon","internal_notes":"x","e":"a@b.io"}"#);
    assert_eq!(v["m"], "[REDACTED:employee_id] on Project ");
    assert_eq!(v["internal_notes"], "[REDACTED:denied]");
    assert_eq!(v["e"], "a@b.io");
    assert_eq!(v["logseal"]["redacted"]["employee_id"], 1);
    assert_eq!(v["logseal"]["redacted"]["codename"], 1);
}
