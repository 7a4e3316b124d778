//! How the commands read their inputs (files, `-`, --output), blank lines, verify's edge
//! cases, feedback on a terminal only, and the generated completions and man page.

mod common;

use common::{logseal, root};
use std::path::PathBuf;
use std::process::Command;

const KEYS: &str = "host-examples/keys/demo-keyring.json";
const SEALED: &str = "host-examples/policies/sealed.json";
const TIME: &str = "1764237600000000000";
const SUBCOMMANDS: [&str; 10] = ["filter", "check", "policy", "bench", "verify", "decrypt", "keygen", "serve", "completions", "man"];

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-inputs-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn s(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

fn sample() -> Vec<u8> {
    std::fs::read(root().join("host-examples/logs/app.ndjson")).unwrap()
}

fn lines(out: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// stderr without the demo-key warnings the shipped keys draw.
fn beyond_demo_warnings(err: &str) -> Vec<&str> {
    err.lines().filter(|l| !l.contains("is a demo key from the logseal repository")).collect()
}

#[test]
fn filter_reads_files_and_stdin_in_order_and_writes_output_files() {
    let dir = scratch("filter");
    let a = dir.join("a.log");
    std::fs::write(&a, "first\n{\"n\":2}\n").unwrap();
    let (code, out, err) = logseal(&["filter", "--time-ns", TIME, s(&a), "-", s(&a)], b"from stdin\n");
    assert_eq!(code, 0, "{err}");
    let got: Vec<String> = lines(&out).iter().map(|v| v.get("message").unwrap_or(&v["n"]).to_string()).collect();
    assert_eq!(got, [r#""first""#, "2", r#""from stdin""#, r#""first""#, "2"]);
    // --output FILE holds exactly what stdout would have.
    let o = dir.join("out.ndjson");
    let (code, to_stdout, _) = logseal(&["filter", "--time-ns", TIME, s(&a)], b"");
    assert_eq!(code, 0);
    let (code, nothing, err) = logseal(&["filter", "--time-ns", TIME, "--output", s(&o), s(&a)], b"");
    assert_eq!(code, 0, "{err}");
    assert!(nothing.is_empty());
    assert_eq!(std::fs::read(&o).unwrap(), to_stdout);
    // Writing over an input would empty it before it is read: refused, the input intact.
    let (code, _, err) = logseal(&["filter", "--output", s(&a), s(&a)], b"");
    assert_eq!(code, 2);
    assert!(err.contains("is the input"), "{err}");
    assert_eq!(std::fs::read(&a).unwrap(), b"first\n{\"n\":2}\n");
}

#[test]
fn a_missing_input_file_is_reported_after_the_files_before_it_went_out() {
    let dir = scratch("missing");
    let a = dir.join("a.log");
    std::fs::write(&a, "one\n").unwrap();
    let (code, out, err) = logseal(&["filter", s(&a), "/nonexistent/b.log"], b"");
    assert_eq!(code, 3);
    assert_eq!(lines(&out).len(), 1);
    assert!(err.contains("cannot read /nonexistent/b.log"), "{err}");
}

#[test]
fn check_reads_the_policy_from_stdin() {
    let (code, out, _) = logseal(&["check", "-"], &std::fs::read(root().join("host-examples/policies/default.json")).unwrap());
    assert_eq!(code, 0);
    let out = String::from_utf8(out).unwrap();
    assert!(out.starts_with("(stdin): valid"), "{out}");
    let (code, out, _) = logseal(&["check", "-"], br#"{"version":1,"redact":{"mode":"x"}}"#);
    assert_eq!(code, 1);
    assert!(String::from_utf8_lossy(&out).contains("(stdin): invalid"));
}

#[test]
fn blank_lines_are_not_records() {
    let input = b"\n{\"a\":1}\n   \n\t \r\nplain\n\n";
    let (code, out, err) = logseal(&["filter", "--stats", "--time-ns", TIME], input);
    assert_eq!(code, 0);
    let got = lines(&out);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0]["a"], 1);
    assert_eq!(got[1]["message"], "plain");
    assert!(!String::from_utf8_lossy(&out).contains(r#""message":"""#));
    assert!(err.contains(r#""records":2,"#) && err.contains(r#""blank":4}"#), "{err}");
    // A whitespace line too long to keep whole is still read as a (cut) record, never
    // silently skipped.
    let mut long = vec![b' '; (1 << 20) + 10];
    long.push(b'x');
    long.push(b'\n');
    let (code, out, _) = logseal(&["filter", "--time-ns", TIME], &long);
    assert_eq!(code, 0);
    assert_eq!(lines(&out)[0]["logseal"]["error"]["kind"], "too_large");
}

#[test]
fn verify_on_empty_input_warns_that_nothing_was_verified() {
    for input in [&b""[..], b"\n  \n"] {
        let (code, out, err) = logseal(&["verify", "--keys", KEYS], input);
        assert_eq!(code, 0);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("0 records read, 0 chains: nothing verified (no sealed record read)"), "{out}");
        assert!(!out.contains("OK"), "{out}");
        assert!(err.contains("warning: no sealed record was read"), "{err}");
        let (code, out, _) = logseal(&["verify", "--keys", KEYS, "--json"], input);
        assert_eq!(code, 0);
        let summary: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(summary["summary"]["verified"], 0);
        assert_eq!(summary["summary"]["warning"], "no sealed record was read: nothing was verified");
    }
}

#[test]
fn verify_refuses_pretty_printed_json_with_the_line_it_starts_on() {
    let dir = scratch("pretty");
    let (code, sealed, _) = logseal(&["filter", "--policy", SEALED, "--time-ns", TIME], &sample());
    assert_eq!(code, 0);
    let first: Vec<&[u8]> = sealed.split(|&b| b == b'\n').take(3).collect();
    let record: serde_json::Value = serde_json::from_slice(first[2]).unwrap();
    let mut text = [first[0], first[1]].join(&b'\n');
    text.push(b'\n');
    text.extend_from_slice(serde_json::to_string_pretty(&record).unwrap().as_bytes());
    text.push(b'\n');
    let path = dir.join("pretty.ndjson");
    std::fs::write(&path, &text).unwrap();
    let (code, out, err) = logseal(&["verify", "--keys", KEYS, s(&path)], b"");
    assert_eq!(code, 3, "{err}");
    assert!(
        err.contains(&format!("{}: line 3: a JSON document spread over several lines; verify reads one record per line", s(&path))),
        "{err}"
    );
    // Not counted as many broken records.
    let out = String::from_utf8(out).unwrap();
    assert!(!out.contains("unreadable") && !out.contains("malformed"), "{out}");
    // From stdin, the same.
    let (code, _, err) = logseal(&["verify", "--keys", KEYS], b"[\n  {\"a\": 1}\n]\n");
    assert_eq!(code, 3);
    assert!(err.contains("stdin: line 1: a JSON document spread over several lines"), "{err}");
}

#[test]
fn verify_and_decrypt_read_files_and_stdin() {
    let dir = scratch("read");
    let (_, sealed, _) = logseal(&["filter", "--policy", SEALED, "--time-ns", TIME], &sample());
    let (head, tail) = sealed.split_at(sealed.iter().position(|&b| b == b'\n').unwrap() + 1);
    let file = dir.join("head.ndjson");
    std::fs::write(&file, head).unwrap();
    let (code, out, err) = logseal(&["verify", "--keys", KEYS, s(&file), "-"], tail);
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8_lossy(&out).contains("120 verified"));
    // decrypt --output: the restored records, in a file only its owner can read.
    let o = dir.join("plain.ndjson");
    let (code, out, err) = logseal(&["decrypt", "--keys", KEYS, "--output", s(&o), s(&file), "-"], tail);
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let (code, to_stdout, _) = logseal(&["decrypt", "--keys", KEYS], &sealed);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&o).unwrap(), to_stdout, "--output holds what stdout would have");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&o).unwrap().permissions().mode() & 0o777, 0o600);
    }
}

#[test]
fn bench_reads_files_and_stdin() {
    let (code, out, err) = logseal(&["bench", "--runs", "1", "-"], &sample());
    assert_eq!(code, 0, "{err}");
    assert!(String::from_utf8_lossy(&out).contains("logseal bench: 120 records"));
    let (code, out, _) = logseal(&["bench", "--runs", "1", "host-examples/logs/app.ndjson", "-"], b"{\"a\":1}\n\n");
    assert_eq!(code, 0);
    assert!(String::from_utf8_lossy(&out).contains("logseal bench: 121 records"));
}

/// Enough records that a run is long (progress would show on a terminal).
fn many_records() -> Vec<u8> {
    let one = sample();
    let mut all = Vec::with_capacity(one.len() * 40);
    for _ in 0..40 {
        all.extend_from_slice(&one);
    }
    all
}

#[test]
fn on_a_pipe_nothing_extra_goes_to_stderr() {
    let dir = scratch("pipe");
    let input = dir.join("big.ndjson");
    std::fs::write(&input, many_records()).unwrap();
    let (code, out, err) = logseal(&["filter", "--time-ns", TIME, s(&input)], b"");
    assert_eq!(code, 0);
    assert_eq!(lines(&out).len(), 4800);
    assert_eq!(err, "", "no summary and no progress on a pipe");
    let sealed = dir.join("sealed.ndjson");
    let (code, _, err) = logseal(&["filter", "--policy", SEALED, "--time-ns", TIME, "--output", s(&sealed), s(&input)], b"");
    assert_eq!(code, 0);
    assert!(beyond_demo_warnings(&err).is_empty(), "{err}");
    let (code, _, err) = logseal(&["verify", "--keys", KEYS, s(&sealed)], b"");
    assert_eq!(code, 0);
    assert!(beyond_demo_warnings(&err).is_empty(), "{err}");
    let (code, _, err) = logseal(&["decrypt", "--keys", KEYS, s(&sealed)], b"");
    assert_eq!(code, 0);
    assert!(beyond_demo_warnings(&err).is_empty(), "{err}");
}

#[test]
fn summary_says_what_was_done_when_asked() {
    let mut input = sample();
    input.extend_from_slice(b"\n{broken\n");
    let (code, _, err) = logseal(&["filter", "--summary", "--time-ns", TIME], &input);
    assert_eq!(code, 0);
    let text: Vec<&str> = err.lines().collect();
    assert_eq!(text[0], "logseal filter: 121 records in, 121 out; 1 blank lines skipped", "{err}");
    let redacted = text.iter().find(|l| l.starts_with("  redacted: ")).expect("a redacted line");
    assert!(redacted.contains("card ") && redacted.contains("email ") && redacted.contains("password "), "{redacted}");
    // The per-kind counts add up to the total, and match the records' own notes.
    let (_, out, _) = logseal(&["filter", "--time-ns", TIME], &input);
    let mut from_notes = std::collections::BTreeMap::<String, u64>::new();
    let mut injections = 0;
    for v in lines(&out) {
        if let Some(r) = v["logseal"]["redacted"].as_object() {
            for (k, n) in r {
                *from_notes.entry(k.clone()).or_default() += n.as_u64().unwrap();
            }
        }
        if v["logseal"]["tags"].as_array().is_some_and(|t| t.iter().any(|t| t == "injection_attempt")) {
            injections += 1;
        }
    }
    // A dropped body is counted in the summary even where the record's `redacted` note
    // leaves it out (it lists kinds only when a secret was exposed): count its marker.
    let bodies = String::from_utf8_lossy(&out).matches("[DROPPED:body ").count() as u64;
    assert!(bodies > 0);
    from_notes.insert("body".into(), bodies);
    let total: u64 = from_notes.values().sum();
    assert!(redacted.starts_with(&format!("  redacted: {total} values (")), "{redacted} vs {from_notes:?}");
    for (k, n) in &from_notes {
        assert!(redacted.contains(&format!("{k} {n}")), "{k} {n} missing from {redacted}");
    }
    assert!(text.contains(&format!("  injection neutralised: {injections} records").as_str()), "{err}");
    assert!(injections > 0);
    assert!(text.contains(&"  errors: 1 records (marked under logseal.error)"), "{err}");
}

/// Runs `shell_command` with stderr on a pseudo-terminal (util-linux `script`); returns what
/// the terminal showed, or None where `script` is missing.
fn on_a_terminal(shell_command: &str) -> Option<String> {
    let out = Command::new("script").args(["-qec", shell_command, "/dev/null"]).current_dir(root()).output().ok()?;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn on_a_terminal_filter_summarises_without_being_asked() {
    let dir = scratch("tty");
    let out = dir.join("out.ndjson");
    let bin = env!("CARGO_BIN_EXE_logseal");
    let cmd = format!("{bin} filter --time-ns {TIME} host-examples/logs/app.ndjson > {} < /dev/null", s(&out));
    let Some(shown) = on_a_terminal(&cmd) else {
        eprintln!("util-linux `script` not found: the terminal case is not run here");
        return;
    };
    assert!(shown.contains("logseal filter: 120 records in, 120 out"), "{shown}");
    assert!(shown.contains("injection neutralised: "), "{shown}");
    assert_eq!(lines(&std::fs::read(&out).unwrap()).len(), 120, "the records went to the file, not the terminal");
}

#[test]
fn completions_name_every_subcommand() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = logseal(&["completions", shell], b"");
        assert_eq!(code, 0, "{err}");
        let script = String::from_utf8(out).unwrap();
        for sub in SUBCOMMANDS {
            assert!(script.contains(sub), "{shell} completions lack {sub}");
        }
        assert!(script.contains("chain-seed") && script.contains("compare"), "{shell}: options are completed too");
    }
    let (code, out, _) = logseal(&["completions", "bash"], b"");
    assert_eq!(code, 0);
    let bash = String::from_utf8(out).unwrap();
    assert!(bash.contains("complete -F _logseal"), "bash registers the function");
}

#[test]
fn the_man_page_names_every_subcommand_and_the_exit_codes() {
    let (code, out, _) = logseal(&["man"], b"");
    assert_eq!(code, 0);
    let page = String::from_utf8(out).unwrap();
    assert!(page.starts_with(".ie") || page.contains(".TH logseal 1"), "{page}");
    for sub in SUBCOMMANDS {
        assert!(page.contains(&format!("logseal\\-{sub}(1)")), "man page lacks {sub}");
    }
    assert!(page.contains("exit codes"));
    let (code, out, _) = logseal(&["man", "verify"], b"");
    assert_eq!(code, 0);
    let page = String::from_utf8(out).unwrap();
    assert!(page.contains(".TH logseal-verify 1") && page.contains("\\-\\-compare"), "{page}");
}
