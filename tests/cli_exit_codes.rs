//! Every exit code each command documents, reached on purpose, and the codes its `--help`
//! and docs/cli.md list are exactly those.

mod common;

use common::{logseal, root};
use std::collections::BTreeSet;
use std::path::PathBuf;

const KEYS: &str = "host-examples/keys/demo-keyring.json";
const SEALED: &str = "host-examples/policies/sealed.json";
const PUBLIC: &str = "host-examples/keys/demo-sign.public.json";

/// A scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-exit-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &std::path::Path) -> String {
    p.to_str().unwrap().to_string()
}

/// Sealed records of the sample log, as `filter` writes them with the sealing policy.
fn sealed_records(dir: &std::path::Path) -> PathBuf {
    let log = std::fs::read(root().join("host-examples/logs/app.ndjson")).unwrap();
    let (code, out, err) = logseal(&["filter", "--policy", SEALED, "--time-ns", "1764237600000000000"], &log);
    assert_eq!(code, 0, "{err}");
    let path = dir.join("sealed.ndjson");
    std::fs::write(&path, out).unwrap();
    path
}

/// One case: the command's arguments, its stdin, and the exit code it must give.
struct Case {
    args: Vec<String>,
    stdin: Vec<u8>,
    code: i32,
}

fn case(args: &[&str], stdin: &[u8], code: i32) -> Case {
    Case { args: args.iter().map(|a| a.to_string()).collect(), stdin: stdin.to_vec(), code }
}

/// Runs the cases of `command`; returns the codes they covered.
fn run(command: &str, cases: &[Case]) -> BTreeSet<i32> {
    for c in cases {
        let args: Vec<&str> = c.args.iter().map(String::as_str).collect();
        let (code, _, err) = logseal(&args, &c.stdin);
        assert_eq!(code, c.code, "logseal {args:?}: {err}");
        if code == 2 || code == 3 {
            assert!(err.contains("logseal: "), "a refusal says why on stderr: {args:?}: {err}");
        }
        if code == 2 && err.contains("usage:") {
            assert!(err.contains(&format!("usage: logseal {command}")), "a usage error shows the command's usage: {args:?}: {err}");
        }
    }
    cases.iter().map(|c| c.code).collect()
}

/// The exit codes a command's `--help` lists on its `Exit:` line(s).
fn help_codes(command: &str) -> BTreeSet<i32> {
    let (code, out, _) = logseal(&[command, "--help"], b"");
    assert_eq!(code, 0);
    let text = String::from_utf8(out).unwrap();
    let exit = text.split("Exit:").nth(1).unwrap_or_else(|| panic!("{command} --help has no Exit: line"));
    exit.split(';').filter_map(|part| part.split_whitespace().next()?.parse().ok()).collect()
}

/// The exit codes docs/cli.md's table for `command` lists (`| N | ... |` rows under its
/// `### logseal COMMAND` heading).
fn doc_codes(command: &str) -> BTreeSet<i32> {
    let doc = std::fs::read_to_string(root().join("docs/cli.md")).unwrap();
    let heading = format!("### `logseal {command}");
    let section = doc.split(&heading).nth(1).unwrap_or_else(|| panic!("docs/cli.md has no section {heading}"));
    let section = section.split("\n### ").next().unwrap_or_default();
    let table = section.split("| exit code |").nth(1).unwrap_or_else(|| panic!("docs/cli.md: {command} has no exit code table"));
    table
        .lines()
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_start_matches('|').split('|').next()?.trim().parse().ok())
        .collect()
}

fn agree(command: &str, tested: BTreeSet<i32>) {
    assert_eq!(help_codes(command), tested, "`logseal {command} --help` lists other exit codes than the command gives");
    assert_eq!(doc_codes(command), tested, "docs/cli.md lists other exit codes for {command} than it gives");
}

#[test]
fn filter_exit_codes() {
    let dir = scratch("filter");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version":1,"limits":{"max_depth":-1}}"#).unwrap();
    let out_in_missing_dir = s(&dir.join("no/such/dir/out.ndjson"));
    let tested = run(
        "filter",
        &[
            case(&["filter"], b"{\"a\":1}\n", 0),
            case(&["filter", "host-examples/logs/app.ndjson", "-"], b"{\"a\":1}\n", 0),
            case(&["filter", "--policy", &s(&bad)], b"{}\n", 1),
            case(&["filter", "--nope"], b"", 2),
            case(&["filter", "--time-ns", "soon"], b"", 2),
            case(&["filter", "--chain-seed", "xyz"], b"", 2),
            case(&["filter", "--policy", "-"], b"{}", 2),
            case(&["filter", "/nonexistent/app.log"], b"", 3),
            case(&["filter", "--policy", "/nonexistent/p.json"], b"", 3),
            case(&["filter", "--output", &out_in_missing_dir], b"{}\n", 3),
        ],
    );
    agree("filter", tested);
}

#[test]
fn check_exit_codes() {
    let dir = scratch("check");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version":1,"redact":{"mode":"x"}}"#).unwrap();
    let tested = run(
        "check",
        &[
            case(&["check", "host-examples/policies/default.json"], b"", 0),
            case(&["check", "-"], br#"{"version":1}"#, 0),
            case(&["check", &s(&bad)], b"", 1),
            case(&["check", "-"], br#"{"version":2}"#, 1),
            case(&["check"], b"", 2),
            case(&["check", "a.json", "b.json"], b"", 2),
            case(&["check", "/nonexistent/p.json"], b"", 3),
            case(&["check", "/tmp"], b"", 3),
        ],
    );
    agree("check", tested);
}

#[test]
fn policy_exit_codes() {
    let tested = run(
        "policy",
        &[
            case(&["policy", "default"], b"", 0),
            case(&["policy", "json", "host-examples/policies/checkout.yaml"], b"", 0),
            case(&["policy", "json", "host-examples/policies/default.json"], b"", 0),
            case(&["policy", "json", "-"], b"version: 1\nlimits: {max_depth: 0}\n", 1),
            case(&["policy", "x"], b"", 2),
            case(&["policy"], b"", 2),
            case(&["policy", "json"], b"", 2),
            case(&["policy", "schema", "extra.json"], b"", 2),
            case(&["policy", "json", "/nonexistent/p.yaml"], b"", 3),
        ],
    );
    agree("policy", tested);
}

#[test]
fn bench_exit_codes() {
    let dir = scratch("bench");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"version":1,"limits":{"max_depth":-1}}"#).unwrap();
    let tested = run(
        "bench",
        &[
            case(&["bench", "--runs", "1", "host-examples/logs/app.ndjson"], b"", 0),
            case(&["bench", "--runs", "1", "-"], b"{\"a\":1}\n", 0),
            case(&["bench", "--runs", "1", "--policy", &s(&bad), "host-examples/logs/app.ndjson"], b"", 1),
            case(&["bench", "--runs", "0", "host-examples/logs/app.ndjson"], b"", 2),
            case(&["bench", "--runs", "1", "/nonexistent/app.log"], b"", 3),
        ],
    );
    agree("bench", tested);
}

#[test]
fn verify_exit_codes() {
    let dir = scratch("verify");
    let sealed = s(&sealed_records(&dir));
    let no_seal_keys = dir.join("hash-only.json");
    std::fs::write(&no_seal_keys, r#"{"version":1,"keys":[{"id":"h1","purpose":"hash","secret":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}]}"#).unwrap();
    let bad_state = dir.join("state.json");
    std::fs::write(&bad_state, "[]").unwrap();
    let tested = run(
        "verify",
        &[
            case(&["verify", "--keys", KEYS, &sealed], b"", 0),
            case(&["verify", "--keys", KEYS, "-"], &std::fs::read(&sealed).unwrap(), 0),
            case(&["verify", "--compare", &sealed, &sealed], b"", 0),
            case(&["verify", "--keys", KEYS, &sealed, "-"], b"{\"not\":\"sealed\"}\n", 1),
            case(&["verify", "--compare", &sealed, "/dev/null"], b"", 1),
            case(&["verify", &sealed], b"", 2),
            case(&["verify", "--keys", "host-examples/policies/default.json", &sealed], b"", 2),
            case(&["verify", "--keys", &s(&no_seal_keys), &sealed], b"", 2),
            case(&["verify", "--keys", KEYS, "--state", &s(&bad_state), &sealed], b"", 2),
            case(&["verify", "--compare", &sealed], b"", 2),
            case(&["verify", "--bogus"], b"", 2),
            // A keyring that cannot be read is an input failure, as any other unreadable file.
            case(&["verify", "--keys", "/tmp", &sealed], b"", 3),
            case(&["verify", "--keys", "/nonexistent/keys.json", &sealed], b"", 3),
            case(&["verify", "--keys", KEYS, "/nonexistent/sealed.ndjson"], b"", 3),
            case(&["verify", "--keys", KEYS, "--state", "/tmp", &sealed], b"", 3),
            case(&["verify", "--keys", KEYS], b"{\n  \"a\": 1\n}\n", 3),
            // --public-key: nothing covered yet is not a failure (a warning says so); an
            // unsealed record is a problem.
            case(&["verify", "--public-key", PUBLIC, &sealed], b"", 0),
            case(&["verify", "--public-key", PUBLIC, "-"], b"{\"not\":\"sealed\"}\n", 1),
            case(&["verify", "--public-key", PUBLIC, "--keys", KEYS, &sealed], b"", 2),
            case(&["verify", "--public-key", KEYS, &sealed], b"", 2),
            case(&["verify", "--public-key", "/nonexistent/public.json", &sealed], b"", 3),
        ],
    );
    agree("verify", tested);
}

#[test]
fn decrypt_exit_codes() {
    let dir = scratch("decrypt");
    let unknown_key = br#"{"x":{"enc":"A256GCM","kid":"nope","g":1,"iv":"AAAAAAAAAAAAAAAA","ct":"AAAAAAAAAAAAAAAAAAAAAA"},"logseal":{"v":1,"rid":"r1"}}
"#;
    let tested = run(
        "decrypt",
        &[
            case(&["decrypt", "--keys", KEYS], b"{\"plain\":1}\n", 0),
            case(&["decrypt", "--keys", KEYS, "-", "host-examples/logs/app.ndjson"], b"{\"plain\":1}\n", 0),
            case(&["decrypt", "--keys", KEYS], unknown_key, 1),
            case(&["decrypt"], b"", 2),
            case(&["decrypt", "--keys", "host-examples/policies/default.json"], b"", 2),
            case(&["decrypt", "--keys", KEYS, "--output"], b"", 2),
            case(&["decrypt", "--keys", "/nonexistent"], b"", 3),
            case(&["decrypt", "--keys", "/tmp"], b"", 3),
            case(&["decrypt", "--keys", KEYS, "/nonexistent/sealed.ndjson"], b"", 3),
            case(&["decrypt", "--keys", KEYS, "--output", &s(&dir.join("no/dir/out"))], b"{}\n", 3),
        ],
    );
    agree("decrypt", tested);
}

#[test]
fn keygen_exit_codes() {
    let dir = scratch("keygen");
    let ring = s(&dir.join("ring.json"));
    let _ = std::fs::remove_file(&ring);
    let tested = run(
        "keygen",
        &[
            case(&["keygen", "--purpose", "seal", "--id", "k1", &ring], b"", 0),
            case(&["keygen", "--purpose", "seal", "--id", "k1", &ring], b"", 2),
            case(&["keygen", "--purpose", "nope", &ring], b"", 2),
            case(&["keygen", "--purpose", "seal", "host-examples/policies/default.json"], b"", 2),
            case(&["keygen", "--purpose", "seal"], b"", 2),
            case(&["keygen", "--purpose", "seal", &s(&dir.join("no/dir/ring.json"))], b"", 3),
            case(&["keygen", "--purpose", "sign", "--public", &s(&dir.join("s.pub.json")), &s(&dir.join("s.json"))], b"", 0),
            case(&["keygen", "--purpose", "seal", "--public", &s(&dir.join("p.json")), &ring], b"", 2),
            case(&["keygen", "--purpose", "sign", "--public", &s(&dir.join("no/dir/p.json")), &s(&dir.join("s2.json"))], b"", 3),
        ],
    );
    agree("keygen", tested);
}

#[test]
fn completions_and_man_exit_codes() {
    let tested = run("completions", &[case(&["completions", "bash"], b"", 0), case(&["completions", "tcsh"], b"", 2)]);
    assert!(tested.is_subset(&help_codes("completions")));
    let tested = run("man", &[case(&["man"], b"", 0), case(&["man", "verify"], b"", 0), case(&["man", "nope"], b"", 2)]);
    assert!(tested.is_subset(&help_codes("man")));
}

#[test]
fn usage_errors_name_the_problem() {
    let (code, _, err) = logseal(&["filter", "--policy"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("--policy"), "{err}");
    let (code, _, err) = logseal(&["frobnicate"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("frobnicate") && err.contains("usage: logseal <command>"), "{err}");
    let (code, _, err) = logseal(&["verify", "x.ndjson"], b"");
    assert_eq!(code, 2);
    assert!(err.contains("verify needs --keys KEYRING"), "{err}");
}
