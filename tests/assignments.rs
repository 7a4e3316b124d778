//! Key names, assignment forms, auth schemes, URLs and command lines: each case checks that
//! the secret is gone and that what an investigator needs (and benign look-alikes) stays.

use logseal::{Context, Filter, Plan};
use messages::{check, filtered as msg, kept};
use serde_json::Value;

#[path = "support/messages.rs"]
mod messages;

fn filter(line: &str) -> (Value, String) {
    let mut out = Vec::new();
    Filter::new(Plan::default_policy()).process(line.as_bytes(), &Context::default(), &mut out);
    let text = String::from_utf8(out).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

#[test]
fn run_together_and_special_key_names_in_text_formats() {
    for name in [
        "userpassword", "PGPASSWORD", "newpassword", "accesstoken", "clientsecret", "secretkey", "password2",
        "password_confirmation", "connect.sid", "sessid", "private_key_id", "dsn", "connection_string", "AccountKey",
        "Ocp-Apim-Subscription-Key", "mfa_code", "recovery_code",
    ] {
        let secret = "Qx7vR2mK9pLw";
        for m in [format!("{name}={secret} next"), format!("{name}: {secret} next"), format!("{{\"{name}\":\"{secret}\"}} next"), format!("{name} := \"{secret}\"")] {
            check(&m, &[secret], &[name]);
        }
    }
    // A key may start with a digit when it holds a word (`1password_api_token`).
    check("1password_api_token = \"ops_eyJbeu9\"", &["ops_eyJbeu9"], &["1password_api_token"]);
}

#[test]
fn assignment_operators_and_declarations() {
    let s = "Zf3D0LXCM3EIMbgJ";
    for m in [
        format!("genericToken := \"{s}\""),
        format!("generic_TOKEN ::= \"{s}\""),
        format!("generic_TOKEN :::= \"{s}\""),
        format!("generic_TOKEN ?= \"{s}\""),
        format!("$genericToken .= \"{s}\""),
        format!("\"genericToken\" => \"{s}\""),
        format!(":api_token => '{s}'"),
        format!("$config->password -> \"{s}\""),
        format!("var genericToken string = \"{s}\""),
        format!("val apiToken: String = \"{s}\""),
        format!("const secret: &str = \"{s}\";"),
        format!("String password = \"{s}\";"),
        format!("genericToken := `{s}`"),
        format!("ENV['API_TOKEN'] = '{s}'"),
        format!("os.environ[\"DB_PASSWORD\"] = \"{s}\""),
        format!("[password] => {s}"),
        format!("password\t{s}"),
        format!("  db_password      {s}"),
        format!("password:        {s}"),
    ] {
        check(&m, &[s], &[]);
    }
}

#[test]
fn comparisons_and_ordinary_code_are_kept() {
    kept("if token == expected then retry");
    kept("assert password != previous");
    kept("tokens <= limit");
    kept("cache_key := \"user:42\"");
    kept("count := 3");
    kept("PASS  src/app.test.js");
    kept("ORDER BY created_at");
}

#[test]
fn escaped_and_backslashed_quotes_end_no_value_early() {
    check(r#"{"password":"ab\"cdSECRET","user":"bob"}"#, &["cdSECRET", "ab"], &["\"user\":\"bob\""]);
    check(r#"payload {\"token\":\"esc4ped9Tok\",\"n\":1}"#, &["esc4ped9Tok"], &["n"]);
    check(r#"\"pass\": \"lastpw9\" end"#, &["lastpw9"], &["end"]);
}

#[test]
fn quoted_pairs_calls_argv_and_name_value_objects_in_text() {
    check(r#"System.setProperty("GENERIC_TOKEN", "Zf3D0LXCM3EI") done"#, &["Zf3D0LXCM3EI"], &["GENERIC_TOKEN", "done"]);
    check("define('DB_PASSWORD', 'wpPass9');", &["wpPass9"], &["DB_PASSWORD"]);
    check(r#"utils.GetEnvOrDefault("api_token", "dafa7817-e246-48f3-91a7-e87653d587b8")"#, &["dafa7817-e246"], &["api_token"]);
    check(r#"exec ["--password","argvpw1","--port","3306"]"#, &["argvpw1"], &["3306", "--port"]);
    check(r#"env {"name":"DB_PASSWORD","value":"nvpw123"} ok"#, &["nvpw123"], &["DB_PASSWORD", "ok"]);
    check(r#"har {"name": "Authorization", "value": "Bearer abcDEF123"}"#, &["abcDEF123"], &["Authorization"]);
    check("env:\n- name: DB_PASSWORD\n  value: \"yamlpw1\"\n- name: DB_HOST\n  value: db.internal", &["yamlpw1"], &["db.internal"]);
    // Lists and schemas of field names stay.
    kept(r#"{"required":["password","email"],"hidden":["token","secret"]}"#);
    kept(r#"{"name":"password","type":"string","minLength":8}"#);
    kept(r#"get("user", "bob")"#);
}

#[test]
fn name_value_objects_and_argv_arrays_in_json_records() {
    let (v, _) = filter(r#"{"env":[{"name":"DB_PASSWORD","value":"nvpw123"},{"name":"DB_HOST","value":"db.internal"}]}"#);
    assert_eq!(v["env"][0]["value"], "[REDACTED:password]");
    assert_eq!(v["env"][1]["value"], "db.internal");
    let (v, _) = filter(r#"{"log":{"entries":[{"request":{"headers":[{"name":"Authorization","value":"Bearer abcDEF123"},{"name":"Accept","value":"*/*"}]}}]}}"#);
    let headers = &v["log"]["entries"][0]["request"]["headers"];
    assert_eq!(headers[0]["value"], "[REDACTED:authorization]");
    assert_eq!(headers[1]["value"], "*/*");
    let (v, _) = filter(r#"{"args":["mysqld","--password","argvpw1","--port","3306"],"n":1}"#);
    assert_eq!(v["args"][2], "[REDACTED:password]");
    assert_eq!(v["args"][4], "3306");
    assert_eq!(v["n"], 1);
    let (v, _) = filter(r#"{"name":"api_key","value":"k-1234567"}"#);
    assert_eq!(v["value"], "[REDACTED:token]");
    // Field-name lists, ordinary name/value data, and flags that name no secret stay.
    let line = r#"{"required":["password","email"],"tags":[{"name":"team","value":"core"}],"args":["--verbose","yes"]}"#;
    let (v, _) = filter(line);
    assert_eq!(v["required"][0], "password");
    assert_eq!(v["tags"][0]["value"], "core");
    assert_eq!(v["args"][1], "yes");
}

#[test]
fn yaml_block_scalars_and_lists_under_secret_keys() {
    check("password: |\n  blockpw1\n  blockpw2\nuser: bob", &["blockpw1", "blockpw2"], &["user: bob"]);
    check("private_key: >-\n    AAAAkeyline1\n    AAAAkeyline2\nhost: h", &["AAAAkeyline1", "AAAAkeyline2"], &["host: h"]);
    check("db:\n  passwords:\n    - listpw1\n    - listpw2\n  user: bob", &["listpw1", "listpw2"], &["user: bob"]);
    // A mapping under a secret-looking key is judged member by member.
    // (Line breaks come out escaped, so this one is checked for what it keeps.)
    let out = msg("credentials:\n  user: bob\n  dir: /etc/app");
    assert!(!out.contains("REDACTED") && out.contains("user: bob") && out.contains("dir: /etc/app"), "{out}");
}

#[test]
fn sql_and_protocol_lines() {
    check("CREATE USER app IDENTIFIED BY 'sqlpw1';", &["sqlpw1"], &["CREATE USER app IDENTIFIED BY"]);
    check("ALTER USER 'u'@'%' IDENTIFIED WITH mysql_native_password BY 'sqlpw2'", &["sqlpw2"], &["mysql_native_password"]);
    check("CREATE ROLE app WITH LOGIN PASSWORD 'sqlpw3' VALID UNTIL 'infinity'", &["sqlpw3"], &["VALID UNTIL"]);
    check("SET PASSWORD FOR bob = PASSWORD('sqlpw4')", &["sqlpw4"], &["SET PASSWORD FOR bob"]);
    check("CREATE USER x IDENTIFIED BY 'it''s9'", &["it''s9", "s9"], &["IDENTIFIED BY"]);
    check("redis> AUTH redispw2", &["redispw2"], &["AUTH"]);
    check("cmd: AUTH default redispw4\n", &["redispw4"], &["default"]);
    check("> PASS ftppw1\r\n< 230 Logged in", &["ftppw1"], &["230 Logged in"]);
    check("C: AUTH PLAIN AHVzZXIAcGFzc3dvcmQ=\r\nS: 235 ok", &["AHVzZXIAcGFzc3dvcmQ="], &["235 ok"]);
    // Prose and test summaries.
    kept("AUTH failed for user bob from 10.0.0.1");
    kept("PASS 3 tests");
    kept("AUTH LOGIN");
    kept("please reset password for bob");
    kept("SELECT * FROM t ORDER BY id");
}

#[test]
fn credentials_after_auth_schemes_keep_the_scheme_and_the_words_after() {
    check("X-Auth-Token: Bearer opaqueTok123 next", &["opaqueTok123"], &["X-Auth-Token: Bearer", "next"]);
    check("Authorization: Basic dXNlcjpwYXNz via edge", &["dXNlcjpwYXNz"], &["Authorization: Basic", "via edge"]);
    check("Authorization: Bearer eyJhbGciOi.abc-1_x\nHost: api", &["eyJhbGciOi.abc-1_x"], &["Host: api"]);
    check("Authorization: Digest username=\"bob\", response=\"6629fae49393a05397450978507c4ef1\"", &["6629fae49393a05397450978507c4ef1"], &["Digest"]);
    check("api_key: \"Token k-9f8e7d\" ok", &["k-9f8e7d"], &["ok"]);
    check("sent Basic YnJvd3Nlcjo= upstream", &["YnJvd3Nlcjo="], &["upstream"]);
    // Prose around the scheme words stays.
    kept("Basic configuration loaded successfully");
    kept("Bearer token-based auth is enabled");
    kept("auth: user bob logged in from 10.0.0.1");
    kept("Authorization: required for this endpoint");
}

#[test]
fn urls_and_command_lines() {
    check("redis://:redispw1@cache:6379/0", &["redispw1"], &["redis://:", "@cache:6379/0"]);
    check("jdbc:oracle:thin:scott/tiger9@db.example:1521/ORCL", &["tiger9"], &["scott/", "@db.example:1521/ORCL"]);
    check("HTTPS_PROXY=http://proxyuser:proxypw1@proxy:3128 next", &["proxypw1"], &["proxyuser", "proxy:3128", "next"]);
    check("GET /bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9/getMe", &["AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw9"], &["/getMe"]);
    check("curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", &["P@ssw0rd$1"], &["elastic:", "https://localhost:9200"]);
    check("curl -s --user 'api:d2LkV78zLx!t' https://api.example", &["d2LkV78zLx!t"], &["api:", "https://api.example"]);
    check("curl --user kevin:'pRf7vG2h1L8nQkW9' -X PATCH", &["pRf7vG2h1L8nQkW9"], &["kevin:", "-X PATCH"]);
    check("curl https://api.stripe.com/v1/charges -u sk9Xq2LmV7pR4tW8nZ: -d amount=1", &["sk9Xq2LmV7pR4tW8nZ"], &["amount=1"]);
    check("mysql -h db -uroot -pMyS3cret app", &["MyS3cret"], &["-uroot", "app"]);
    check("sshpass -p 'ssh pw9' ssh deploy@host", &["ssh pw9"], &["deploy@host"]);
    check("docker login -u bob -p dckrpw1 registry.example", &["dckrpw1"], &["registry.example"]);
    check("redis-cli -h cache -a r3dispw ping", &["r3dispw"], &["ping"]);
    check("/usr/bin/mysqldump -u app -p'dump pw' db", &["dump pw"], &["db"]);
    // The same flags elsewhere, and placeholders, stay.
    kept("ssh -p 22 deploy@host");
    kept("docker run -p 8080:80 -u 1000:1000 nginx");
    kept("mkdir -p /var/log/app");
    kept("curl -u \"$USER:$PASS\" https://x");
    kept("curl -u <user:password> https://x");
    kept("curl --user neo4j:[PASSWORD] http://db:7474/");
    kept("curl -u 'test:test' https://x");
}

#[test]
fn percent_encoded_pairs() {
    check("GET /cb?payload=%7B%22password%22%3A%22urlpw1%22%7D&x=1", &["urlpw1"], &["x=1"]);
    // The value holds a form (`bob&password=urlpw2&next=1`): read decoded, it goes whole.
    check("form: user=bob%26password%3Durlpw2%26next%3D1", &["urlpw2", "next%3D1"], &["form: user=[REDACTED:password]"]);
    kept("GET /t?at=10%3A30%3A00&tz=UTC");
    kept("GET /q?filter=status%3Dactive");
}

#[test]
fn short_values_of_secret_query_parameters() {
    check("GET /x?token=ab12&sig=ff9&page=2", &["ab12", "ff9"], &["page=2"]);
    check("GET /cb?code=abc&state=xyz", &["=abc"], &["state=xyz"]);
    kept("status code=200 ok");
}

#[test]
fn counts_modes_and_identifier_keys_stay() {
    kept("prompt_tokens=120 total_tokens=300 max_tokens=4096");
    kept("tests: pass=3 fail=0 skip=1");
    kept("cache_key=user:42 routing_key=orders.created partition_key=7 idempotency_key=req-9 public_key=ed25519");
    let (v, _) = filter(r#"{"auth":{"method":"oauth"},"x":{"auth":"ok"},"pass":3,"fail":0,"usage":{"prompt_tokens":12,"total_tokens":30}}"#);
    assert_eq!(v["auth"]["method"], "oauth");
    assert_eq!(v["x"]["auth"], "ok");
    assert_eq!(v["pass"], 3);
    assert_eq!(v["usage"]["total_tokens"], 30);
    let (v, _) = filter(r#"{"auth":"c2VjcmV0OnB3ZA==","pass":"hunter2","s3":{"Key":"uploads/2026/a.jpg"},"cache_key":"u:1"}"#);
    assert_eq!(v["auth"], "[REDACTED:authorization]");
    assert_eq!(v["pass"], "[REDACTED:password]");
    assert_eq!(v["s3"]["Key"], "uploads/2026/a.jpg");
    assert_eq!(v["cache_key"], "u:1");
}
