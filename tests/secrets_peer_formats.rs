//! Secrets in the formats other scanners' rule sets know and the benign look-alikes beside
//! them: curl's header and user flags, Sidekiq's gem-server credentials, vendor-named
//! variables (the value is a UUID or hex key, the name says secret), vendor shapes (HubSpot,
//! Plaid, Heroku, Anthropic, Sonar, Bedrock, Facebook, Cloudflare), webhook URLs by name,
//! base64 of `user:password`, Redis `AUTH` in the middle of a line, FTP `PASS`, SMTP
//! `AUTH PLAIN`. Each case checks that the secret is gone and that what an investigator needs
//! stays; the benign cases must come through unchanged.

use logseal::{Context, Filter, Plan};
use messages::{check, filtered, kept};
use serde_json::Value;

#[path = "support/messages.rs"]
mod messages;

fn filter(line: &str) -> Value {
    let mut out = Vec::new();
    Filter::new(Plan::default_policy()).process(line.as_bytes(), &Context::default(), &mut out);
    serde_json::from_slice(&out).unwrap()
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn curl_headers_lose_the_credential_and_keep_the_url() {
    check(r#"curl -H "X-Api-Key: 5eb4223e-5008-46e5-be67-c7b8f2732305" https://api.example/v1"#, &["5eb4223e-5008"], &["X-Api-Key:", "https://api.example/v1"]);
    check("curl -H 'Authorization: Token 9f3kQ2vL8xR1' https://x.example/a", &["9f3kQ2vL8xR1"], &["Token", "https://x.example/a"]);
    check("curl -H \"Authorization: Bearer Zq5kVrX1n8tA2pLm\" -d x=1 https://x.example", &["Zq5kVrX1n8tA2pLm"], &["Bearer", "-d x=1 https://x.example"]);
    // A custom header name under an unknown scheme: the header's quote ends the value; before,
    // the rest of the line (the URL) was lost.
    check(r#"curl --header "X-Custom-Auth: abcDEF123456" https://x.example/p done"#, &["abcDEF123456"], &["X-Custom-Auth:", "https://x.example/p done"]);
    check(r#"curl -H "Cookie: sid=Zq5kVrX1n8tA2pLm" https://x.example/c next"#, &["Zq5kVrX1n8tA2pLm"], &["https://x.example/c next"]);
}

#[test]
fn curl_user_flags_in_every_spelling() {
    check("curl -u user:s3cretPw9 https://x", &["s3cretPw9"], &["curl -u user:", "https://x"]);
    check("curl --user bob:s3cretPw9 https://x", &["s3cretPw9"], &["https://x"]);
    check("curl --user=bob:s3cretPw9 https://x", &["s3cretPw9"], &["https://x"]);
    check("curl -u 'api:d2LkV78zLx!t' https://x", &["d2LkV78zLx!t"], &["https://x"]);
    check("curl -u\"bob:s3cretPw9\" https://x", &["s3cretPw9"], &["https://x"]);
}

#[test]
fn sidekiq_gem_server_credentials_go_whole() {
    // The user part of the userinfo is half of the licence credential on these hosts.
    check("bundle from https://cafeb4b3:d3adb33f@enterprise.contribsys.com/ ok", &["cafeb4b3", "d3adb33f"], &["@enterprise.contribsys.com/ ok"]);
    check("GEM http://cafebabe:deadbeef@gems.contribsys.com:80/path?x=1 done", &["cafebabe", "deadbeef"], &["gems.contribsys.com:80/path?x=1 done"]);
    check("BUNDLE_ENTERPRISE__CONTRIBSYS__COM=cafebabe:deadbeef bundle install", &["cafebabe:deadbeef"], &["bundle install"]);
    // Other hosts keep their user name.
    check("db postgres://app:Pw9xK2q@db.internal:5432/x up", &["Pw9xK2q"], &["postgres://app:", "@db.internal:5432/x up"]);
}

#[test]
fn vendor_named_variables_take_uuid_and_hex_values() {
    check("HEROKU_API_KEY=1ca7af91-feff-3e2d-6a57-468419e81601 deploy", &["1ca7af91-feff"], &["HEROKU_API_KEY=", "deploy"]);
    check("hubspot_key: 4d07e01b-ae49-da98-ba6a-11814a92728e next", &["4d07e01b-ae49"], &["hubspot_key:", "next"]);
    check("heroku: 1ca7af91-feff-3e2d-6a57-468419e81601 next", &["1ca7af91-feff"], &["heroku:", "next"]);
    check(r#"cloudflare: "0574b9f43978174cc2cb9a1068681225433c4" loaded"#, &["0574b9f43978174cc2cb9a1068681225433c4"], &["cloudflare:", "loaded"]);
    check("CLOUDFLARE_GLOBAL_KEY=0574b9f43978174cc2cb9a1068681225433c4 ok", &["0574b9f4397817"], &["ok"]);
    let v = filter(r#"{"heroku":"1ca7af91-feff-3e2d-6a57-468419e81601","cloudflare":"enabled","hubspot":"my-portal"}"#);
    assert_ne!(v["heroku"], "1ca7af91-feff-3e2d-6a57-468419e81601");
    // A vendor name over a plain word or a name is no credential.
    assert_eq!(v["cloudflare"], "enabled");
    assert_eq!(v["hubspot"], "my-portal");
    kept("cloudflare: enabled heroku: my-app-name");
}

#[test]
fn bare_uuids_and_hex_ids_without_a_name_stay() {
    // A UUID or a 32-hex id with no secret name around it is an id (requests, traces, orders).
    kept("req 1ca7af91-feff-3e2d-6a57-468419e81601 done in 12ms");
    kept("trace=5df02519fe7fd452af3c2dd9b3258c08 span=3fea6af1349166ea");
    kept("order_id=4d07e01b-ae49-da98-ba6a-11814a92728e status=paid");
}

#[test]
fn vendor_shapes_of_peers_rule_sets() {
    check("use pat-na1-4d07e01b-ae49-da98-ba6a-11814a92728e for hubspot", &["4d07e01b-ae49"], &["use ", " for hubspot"]);
    check("token pat-eu1-4d07e01b-ae49-da98-ba6a-11814a92728e ok", &["4d07e01b-ae49"], &[" ok"]);
    check("plaid access-sandbox-2f2ceb47-726c-eb07-49fe-9d05aad7370d linked", &["2f2ceb47-726c"], &["plaid ", " linked"]);
    check("plaid access-production-2f2ceb47-726c-eb07-49fe-9d05aad7370d linked", &["2f2ceb47-726c"], &[" linked"]);
    check("key HRKU-AAB3GY9Ir5uwHfg_r3zzSp35xC_QOP5eLwUAsYsxo5pFA7KH_r-AOB66AFoq set", &["HRKU-AAB3GY9Ir5uwHfg"], &["key ", " set"]);
    check("bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29tLz9BY3Rpb249Q2FsbFdpdGhCZWFyZXJUb2tlbg== sent", &["YmVkcm9jay5hbWF6b25hd3MuY29t"], &[" sent"]);
    check("sonar squ_a8f3b2c1d9e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3 ok", &["squ_a8f3b2c1d9e7"], &["sonar ", " ok"]);
    check("fb EAAM9GOnCB9kBO2frzOAWGN2zMnZClQshlWydZCrBNdodesbwimx1mfVJgqZBP5RSpMfUzWhtjTTXHG5I1UlvlwRZCgjm3ZBVGeTYiqAAoxyED6 ok", &["EAAM9GOnCB9kBO2"], &["fb ", " ok"]);
    // An Anthropic key whose body someone typed in part (a counting run inside 93 characters)
    // is still a key: its prefix, exact length and `AA` tail say so.
    check(
        "key sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzAA sent",
        &["klmnopqrstuvwx"],
        &["key ", " sent"],
    );
}

#[test]
fn placeholders_and_near_misses_of_vendor_shapes_stay() {
    for m in [
        // A mask, a walk through the alphabet or one repeated letter is a placeholder at any
        // length (counting digits are not: tests/secrets_token_grammar.rs).
        "AKIAXXXXXXXXXXXXXXXX in the docs",
        "npm_abcdefghijklmnopqrstuvwxyz0123456789 sample",
        "age AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ x",
        // Anthropic shapes without their `AA` tail or their length.
        "sk-ant-api03-abc123xyz-456def789ghij-klmnopqrstuvwx-3456yza789bcde-1234fghijklmnopby56aaaogaopaaaabc123xyzBB x",
        "sk-ant-api03-abc123xyz-456de-klMnopqrstuvwx-3456yza789bcde-1234fghijklmnopAA x",
        // HubSpot and Plaid prefixes need a UUID.
        "pat-na1-not-a-uuid-at-all ok",
        "access-sandbox-users-page ok",
        // Code identifiers, file names with hex, templates.
        "fetch getPagesInConfluenceSpace done",
        "wrote report-3fea6af1349166ea.csv ok",
        "key=<token> user=bob",
        "EXAMPLEKEY for the docs",
    ] {
        kept(m);
    }
    assert_eq!(filtered("token=${API_TOKEN} next").replace("$\\{", "${"), "token=${API_TOKEN} next");
}

#[test]
fn webhook_urls_are_credentials_by_name() {
    let v = filter(r#"{"webhook_url":"https://hooks.example.com/T123/B456/Zq5kVrX1n8tA2pLm","svc":"notify"}"#);
    assert_ne!(v["webhook_url"], "https://hooks.example.com/T123/B456/Zq5kVrX1n8tA2pLm");
    assert_eq!(v["svc"], "notify");
    check("webhookUrl=https://hooks.example.com/T123/abc9 sent", &["hooks.example.com/T123"], &["sent"]);
    // A webhook's other fields are not.
    let v = filter(r#"{"webhook_id":"wh_123","webhook_event":"order.created"}"#);
    assert_eq!(v["webhook_id"], "wh_123");
    assert_eq!(v["webhook_event"], "order.created");
}

#[test]
fn base64_of_user_and_password_is_masked_anywhere() {
    let cred = b64("api:key-a7c342w33a5d1-563e729p-6ab27c637346");
    check(&format!("auth blob {cred} sent"), &[&cred[..20]], &["auth blob ", " sent"]);
    let cred = b64("j.smith@corp.io:dB2yF6@qL9");
    check(&format!("config dump: OPTION_7={cred} RETRIES=3"), &[&cred[..16]], &["OPTION_7=", "RETRIES=3"]);
    // Encoded ids and plain pairs stay: GraphQL ids and cursors, a name, a word.
    for s in ["User:1234567", "arrayconnection:41", "Order:c196c5c2-ff2e-dc17-9d4c-712e801b43bf", "service:checkout", "browser:", "admin:password"] {
        let m = format!("cursor {} next", b64(s));
        kept(&m);
    }
}

#[test]
fn protocol_lines_in_the_middle_of_a_line() {
    check("client 10.1.2.3 sent AUTH s3cr3tPw", &["s3cr3tPw"], &["client 10.1.2.3 sent AUTH "]);
    check("redis cmd AUTH default s3cr3tPw", &["s3cr3tPw"], &["AUTH default "]);
    check("ftp> PASS s3cr3tPw", &["s3cr3tPw"], &["ftp> PASS "]);
    check("C: AUTH PLAIN AGJvYgBzM2NyZXRwdw==", &["AGJvYgBzM2NyZXRwdw"], &["AUTH PLAIN"]);
    // Prose and counts stay.
    kept("the server rejected AUTH for user bob at 10:00");
    kept("login uses AUTH tokens");
    kept("step AUTH 3");
}
