//! `user:password` pairs with no key name or command around them (basic-auth settings,
//! `.netrc`-like dumps, a curl `-u` value pasted into a note), and the colon pairs logs are
//! full of that must come through unchanged: times, ports, addresses, images, digests, URNs,
//! ARNs, paths, levels, emoji, casts, templates.

use messages::{check, filtered};

#[path = "support/messages.rs"]
mod messages;

/// Asserts nothing in the message is masked (the escaping stage may still neutralise `${`,
/// a template-injection sequence, as `$\{`).
fn kept(m: &str) {
    assert_eq!(filtered(m).replace("$\\{", "${"), m);
}

#[test]
fn password_halves_go_and_users_stay() {
    check("elastic:P@ssw0rd$1", &["P@ssw0rd$1"], &["elastic:[REDACTED:password]"]);
    check("config dump: OPTION_7=elastic:P@ssw0rd$1 RETRIES=3", &["P@ssw0rd$1"], &["OPTION_7=elastic:", "RETRIES=3"]);
    check("level=info x=elastic:P@ssw0rd$1 dur=12ms", &["P@ssw0rd$1"], &["x=elastic:", "dur=12ms"]);
    check("'johns:h0pk1ns~21s'", &["h0pk1ns~21s"], &["'johns:[REDACTED:password]'"]);
    check("auth 'api:d2LkV78zLx!t' sent", &["d2LkV78zLx!t"], &["'api:", "sent"]);
    check("creds \"j.smith:dB2yF6@qL9vZm1P#4J\" ok", &["dB2yF6@qL9vZm1P#4J", "qL9vZm1P"], &["j.smith:", "ok"]);
    check("netrc dump: deploy:Welcome123! (machine ci)", &["Welcome123!"], &["deploy:", "(machine ci)"]);
    check("DOMAIN\\svc_backup:Qx7!pL2mW9 mounted", &["Qx7!pL2mW9"], &["DOMAIN\\svc_backup:", "mounted"]);
}

#[test]
fn a_host_after_the_password_stays() {
    check("connecting to admin:S3cr3t!x@db.internal:5432/app", &["S3cr3t!x"], &["admin:[REDACTED:password]@db.internal:5432/app"]);
    check("CACHE=app:P@ssw0rd$1@cache:6379 up", &["P@ssw0rd$1", "ssw0rd"], &["app:[REDACTED:password]@cache:6379 up"]);
}

#[test]
fn a_key_alone_in_quotes_goes() {
    check("curl args \":d2LkV78zLx!t\" done", &["d2LkV78zLx!t"], &["\":[REDACTED:password]\"", "done"]);
    check("curl args \"d2LkV78zLx!t:\" done", &["d2LkV78zLx!t"], &["\"[REDACTED:password]:\"", "done"]);
    // logfmt quoting inside a value: `\"` around the pair.
    check(r#"level=info x="\":d2LkV78zLx!t\"" dur=1ms"#, &["d2LkV78zLx!t"], &["dur=1ms"]);
    check(r#"level=info x="\"d2LkV78zLx!t:\"" dur=1ms"#, &["d2LkV78zLx!t"], &["dur=1ms"]);
}

#[test]
fn the_password_after_an_email_goes() {
    // The email detector takes the user; the password after its `:` went out before.
    check("roger23@gmail.com:pQ9wTxu4Fg", &["roger23@gmail.com", "pQ9wTxu4Fg"], &[":"]);
    check("x=roger23@gmail.com:pQ9wTxu4Fg dur=12ms", &["pQ9wTxu4Fg"], &["x=", "dur=12ms"]);
}

#[test]
fn two_random_halves_go_whole() {
    // An app key and its secret: the key is secret-shaped too, so the pair goes.
    check("c28wlsosanujy2z:qgsnai0xokrw4j1", &["c28wlsosanujy2z", "qgsnai0xokrw4j1"], &[]);
    check("OPTION_7=c28wlsosanujy2z:qgsnai0xokrw4j1 RETRIES=3", &["c28wlsosanujy2z", "qgsnai0xokrw4j1"], &["OPTION_7=", "RETRIES=3"]);
    assert_eq!(filtered("x7Kp2QmZ9v:Lw4!RtY8zq"), "[REDACTED:password]");
}

#[test]
fn benign_colon_pairs_stay() {
    for m in [
        "at 12:34:56.789 took 3ms",
        "connect host:8080 ok",
        "listen [::1]:443",
        "peer 2001:db8::2f46 and fe80::1ff:fe23:4567:890a",
        "image nginx:1.25.3-alpine pulled",
        "image repo/image:v1.2@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "digest sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "id urn:uuid:c196c5c2-ff2e-dc17-9d4c-712e801b43bf",
        "assume arn:aws:iam::123456789012:role/x",
        "owner user:123",
        "path C:\\Windows\\System32\\drivers",
        "hr error:E_FAIL",
        "ref ns:name",
        "label k8s.io/app:web",
        "LEVEL:INFO started",
        "a:b:c",
        "key:value other:thing",
        "Error:Failed! retrying",
        "see http://x",
        "reacted :smile: and :+1:",
        "accept text/html;q=0.9",
        "status:200 retry:#3 price:$12.50 cpu:95% time:~3s TODO:fix! score:+5",
        "std::map<int> and std::vector",
        "ruby :symbol and :other_symbol",
        "SELECT id::int, name::text",
        "${VAR:-default} and ${HOME:-/root}",
        "dep npm:lodash@4.17.21 version:1.2.3+build45 range:^4.17.21-rc1",
        "color:#ff00aa42 channel:#ops2024 ref:PR#12345 total:USD$12.99",
        "q:a=1&b=2x path:my%20file2x placeholder <user:password>",
        "at main.rs:131:9 and app.js:12:5 line 1:editFile!0",
        "tz +00:00 -06:00 and offset 0:1]",
        "pods web:c196c5c2ff2e controller:7d9f8b6c4b5e",
        "cache:ConversionSyntax:InvalidOperation yourformatter:YourFormatter",
        "iam secretsmanager:GetSecretValue cloudwatch:PutMetricData",
    ] {
        kept(m);
    }
}

#[test]
fn emails_beside_a_colon_are_emails_only() {
    // The address is personal data (masked as an email); what the colon joins is no password.
    for (m, left) in [
        ("link mailto:a@b.example and mailto:bob42@example.com", "link mailto:[REDACTED:email] and mailto:[REDACTED:email]"),
        ("alice@example.com:8080 and bob@corp.example:ticket1234", "[REDACTED:email]:8080 and [REDACTED:email]:ticket1234"),
        ("bob@x.io:v1.2.3 from git@github.com:org/repo2.git", "[REDACTED:email]:v1.2.3 from [REDACTED:email]:org/repo2.git"),
    ] {
        assert_eq!(filtered(m), left);
    }
}

#[test]
fn placeholders_stay() {
    for m in ["auth x:${DB_PASS_2!}", "auth bob:{{pw_1!}}", "auth admin:[passw0rd!]", "auth admin:<passw0rd!>"] {
        kept(m);
    }
}
