//! Secrets as real logs write them, and the benign look-alikes beside them: templates and
//! placeholders under secret names, object ids in free text, short password names
//! (`pw`, `pwd`, `pass`), PHP dumps, IMAP `LOGIN`, base64-wrapped JSON and forms, curl's
//! user flags, vendor credential names (Bundler, SonarQube, Sumo Logic) and Facebook app
//! tokens. Each case checks that the secret is gone and what an investigator needs stays.

use logseal::{Context, Filter, Plan};
use messages::{check, filtered as msg, kept};
use serde_json::Value;

#[path = "support/messages.rs"]
mod messages;

fn filter(line: &str) -> Value {
    let mut out = Vec::new();
    Filter::new(Plan::default_policy()).process(line.as_bytes(), &Context::default(), &mut out);
    serde_json::from_slice(&out).unwrap()
}

/// Asserts nothing in the message is masked (the escaping stage may still neutralise `${`,
/// a template-injection sequence, as `$\{`).
fn unmasked(m: &str) {
    assert_eq!(msg(m).replace("$\\{", "${"), m);
}

fn b64(s: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(s)
}

#[test]
fn templates_and_references_under_secret_names_stay_whole() {
    for m in [
        "db password=${DB_PASSWORD} host=db",
        "token=<token> user=bob",
        "secret={{ .Values.secret }} ok",
        "api_key: $API_KEY retries=3",
        "PGPASSWORD=$PGPASSWORD psql -h db",
        "pw=%(pw)s then",
        "password=%DB_PASS% set",
        "client_secret={client_secret} next",
        "password: [PASSWORD] in the example",
        r#"{"cfg":"password=${DB_PASSWORD}"}"#,
    ] {
        unmasked(m);
    }
    // Quoted references too.
    unmasked(r#"env "password": "${DB_PASSWORD}" loaded"#);
}

#[test]
fn values_that_only_look_like_templates_are_still_secrets() {
    check("password=${DB_PASSWORD}x9 host=db", &["x9"], &["host=db"]);
    check("secret={Zq5kVrX1n8tA2pLm} ok", &["Zq5kVrX1n8tA2pLm"], &["ok"]);
    check("password=$ecr3tPw9 then", &["ecr3tPw9"], &["then"]);
    // Percent-encoding is no `%NAME%` reference.
    check("password=%41%42%43 done", &["%41%42%43"], &["done"]);
    check("token=<b>hunter2</b> x", &["hunter2"], &[" x"]);
}

#[test]
fn short_password_names_in_text() {
    check("login pw=hunter2 user=bob", &["hunter2"], &["user=bob"]);
    check("db_pw=hunter2 ok", &["hunter2"], &["ok"]);
    check("pwd=Xk2!pq9 next", &["Xk2!pq9"], &["next"]);
    check("passwd=hunter3 pass=swordfish end", &["hunter3", "swordfish"], &["end"]);
    // The working directory, a test summary.
    kept("cwd pwd=/home/app uid=1000");
    kept("tests pass=3 fail=0 skip=1");
    kept("shell pwd=~/src/app ok");
    let v = filter(r#"{"pwd":"/var/lib/app","pw":"hunter2","pass":3}"#);
    assert_eq!(v["pwd"], "/var/lib/app");
    assert_eq!(v["pass"], 3);
    assert_ne!(v["pw"], "hunter2");
}

#[test]
fn php_dumps_keep_the_structure_and_lose_the_value() {
    check(r#"var_dump: ["password"]=> string(6) "hunter" ["id"]=> int(5)"#, &["hunter"], &[r#"["password"]=> string(6) ""#, r#"["id"]=> int(5)"#]);
    check("array(2) {\n  [\"user\"]=>\n  string(3) \"bob\"\n  [\"password\"]=>\n  string(7) \"hunter2\"\n}", &["hunter2"], &["bob", "string(7)"]);
    check("Array ( [user] => bob [password] => hunter2 [id] => 5 )", &["hunter2"], &["[user] => bob", "[id] => 5"]);
    kept(r#"var_dump: ["name"]=> string(3) "bob""#);
}

#[test]
fn imap_login_after_a_tag() {
    check("a1 LOGIN bob hunter2secret", &["hunter2secret"], &["a1 LOGIN bob"]);
    check("C: A001 login alice s3cr3tpw", &["s3cr3tpw"], &["A001 login alice"]);
    kept("2 login attempts failed");
    kept("user a1 login bob ok");
    kept("a1 LOGIN completed");
}

#[test]
fn base64_wrapped_json_and_forms_with_secrets_are_masked_whole() {
    let json = b64(r#"{"password":"hunter2","user":"bob"}"#);
    check(&format!("payload {json} sent"), &[&json, "aHVudGVy"], &["payload ", " sent"]);
    let form = b64("user=bob&password=hunter2");
    check(&format!("form {form} sent"), &[&form], &["form ", " sent"]);
    let nested = b64(r#"{"auth":{"token":"tok-12345"}}"#);
    check(&format!("ctx={nested}"), &[&nested], &["ctx="]);
    // Base64 of plain JSON, of a sentence, of a form without secrets: kept.
    for s in [r#"{"user":"bob","page":2}"#, "just a sentence here", "page=2&sort=asc", r#"{"password":"${PW}"}"#] {
        kept(&format!("blob {} done", b64(s)));
    }
}

#[test]
fn curl_user_flags_in_their_written_forms() {
    check(r#"curl -u "d2LkV78zLx!t:" https://localhost:9200"#, &["d2LkV78zLx!t"], &["https://localhost:9200"]);
    check(r#"curl -X POST --user "{acd3c08b-74e8-4f44}":"{ZqL5kVrX1n8tA2}" --header "Accept: application/json""#, &["ZqL5kVrX1n8tA2"], &["--header"]);
    check("curl -u bob:hunter2 https://x", &["hunter2"], &["bob:"]);
    kept(r#"curl -u "admin:" https://x"#);
    kept(r#"curl -u "$ID":"$PW" https://x"#);
    kept("curl --user \"$USER:$PASS\" https://x");
}

#[test]
fn vendor_credential_names() {
    check("export BUNDLE_ENTERPRISE__CONTRIBSYS__COM=cafebabe:deadbeef", &["cafebabe:deadbeef"], &["BUNDLE_ENTERPRISE__CONTRIBSYS__COM="]);
    check(r#"BUNDLE_GEMS__CONTRIBSYS__COM: "cafebabe:deadbeef""#, &["cafebabe:deadbeef"], &["BUNDLE_GEMS"]);
    check(r#"const SONAR_LOGIN = "12345678ABCDEFH1234567890ABCDEFH12345678""#, &["12345678ABCDEFH"], &["SONAR_LOGIN"]);
    check("sonar.login=squ_abc ok", &["squ_abc"], &["ok"]);
    check(r#"SUMO_ACCESS_ID = "suGyI5imvADdvU""#, &["suGyI5imvADdvU"], &["SUMO_ACCESS_ID"]);
    check(r#"sumologic.accessId = "su9OL59biWiJu7""#, &["su9OL59biWiJu7"], &["accessId"]);
    // Bundler's settings and other logins and ids stay.
    kept("BUNDLE_PATH=vendor/bundle BUNDLE_JOBS=4");
    kept("login=bob access_id=42 user_login=alice");
}

#[test]
fn facebook_app_tokens() {
    check("facebook 1308742762612587|rhoK1cbv0DOU_RTX_87O4MkX7AI ok", &["rhoK1cbv0DOU_RTX_87O4MkX7AI"], &["facebook ", " ok"]);
    kept("ids 1308742762612587|1308742762612588 ok");
    kept("order 1308742762612587|shipped");
}

#[test]
fn object_ids_in_free_text_stay_and_random_secrets_go() {
    kept("stripe req_8fK2mQ9xLp3Rt7Zw1Vb4 for cus_NffrFeUfNV2Hib9xLp3Rt7Zw evt_1NqXy2Kz8LmPqRsTuVwXyZ done");
    kept("openai chatcmpl-8fK2mQ9xLp3Rt7Zw1Vb4Yq asst_8fK2mQ9xLp3Rt7Zw1Vb4 ok");
    kept("id 550e8400-e29b-41d4-a716-446655440000 sha d6cd1e2bd19e03a81132a23b2025920577f84e37");
    // Bare random material without a known id prefix is still masked.
    check("leaked 9fK2mQ9xLp3Rt7Zw1Vb4Yq here", &["9fK2mQ9xLp3Rt7Zw1Vb4Yq"], &["leaked ", " here"]);
    check("key_8fK2mQ9xLp3Rt7Zw1Vb4 here", &["8fK2mQ9xLp3Rt7Zw1Vb4"], &[" here"]);
}

#[test]
fn placeholders_after_an_operator_are_no_elements_and_repeats_no_secrets() {
    // `<token>` after `=` is a placeholder, not an XML element running to the end of the text.
    kept("token=<token> user=bob retries=3");
    kept("password: <password> then more words");
    kept("export SUMOLOGIC_ACCESSID=XXXXXXXXXXXXXX");
    kept("password=******** user=bob");
    // An aligned name followed by its operator: read at the operator (the empty value stays).
    kept("sumologic_access_id         = \"\"");
    check("db_password         = \"hunter2\"", &["hunter2"], &["db_password"]);
    // A real element still loses its value.
    check("<token>abc123XYZ</token> ok", &["abc123XYZ"], &["<token>", "</token> ok"]);
}

#[test]
fn ethereum_addresses_are_public_and_mixed_case_hex_is_still_judged() {
    // An EIP-55 checksummed address and a lowercase one: public, like Bitcoin's.
    kept("to 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed ok");
    kept("from 0xde0b295669a9fd93d5f28d9ec85e40f4cb697bae ok");
    // Without `0x`, mixed-case hex is random material (a token generator may mix cases).
    check("ref BcAeb6640ad7DAD46AD73687946Ce85047d5C9Bb ok", &["BcAeb6640ad7DAD46AD73687946Ce85047d5C9Bb"], &["ref ", " ok"]);
}
