//! Sealing end to end: `logseal filter` with the shipped sealed policy, then `logseal verify`
//! on the untouched stream and on every kind of tampering, each reported with its reason and line.
//! Every test runs against every seal format ([`MODES`]).

mod common;

use common::{corpus_records, hostile_lines, logseal, root};
use serde_json::Value;

const POLICY: &str = "host-examples/policies/sealed.json";
const KEYS: &str = "host-examples/keys/demo-keyring.json";
const SEED: &str = "000102030405060708090a0b0c0d0e0f";

/// A way of sealing: the seal format (`seal.version`), and forward-secure key evolution
/// (`seal.evolve.every_records`, 0 for none).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Mode {
    version: u32,
    evolve_every: u64,
}

/// Every seal format and mode the tamper suite runs against.
const MODES: &[Mode] = &[Mode { version: 1, evolve_every: 0 }, Mode { version: 2, evolve_every: 0 }, Mode { version: 2, evolve_every: 7 }];

/// The shipped example policy set to `mode`, written beside a fresh temp dir.
fn policy(mode: Mode) -> String {
    let mut p: Value = serde_json::from_slice(&std::fs::read(root().join(POLICY)).expect("policy")).expect("policy JSON");
    let keys = root().join("host-examples/keys").display().to_string();
    for k in ["seal", "encrypt"] {
        let r = p["keys"][k].as_str().expect("key ref").replace("file:../keys", &format!("file:{keys}"));
        p["keys"][k] = Value::String(r);
    }
    p["seal"]["version"] = mode.version.into();
    if mode.evolve_every > 0 {
        p["seal"]["evolve"] = serde_json::json!({"every_records": mode.evolve_every});
    }
    let path = tempdir().join("policy.json");
    std::fs::write(&path, p.to_string()).expect("write policy");
    path.display().to_string()
}

/// Seals `records` with the shipped example policy in `mode` and a fixed chain seed.
fn seal(mode: Mode, records: &[Vec<u8>], seed: &str) -> Vec<String> {
    let input: Vec<u8> = records.iter().flat_map(|r| r.iter().copied().chain([b'\n'])).collect();
    let policy = policy(mode);
    let (code, out, err) = logseal(&["filter", "--policy", &policy, "--time-ns", "1764237600000000000", "--chain-seed", seed], &input);
    assert_eq!(code, 0, "{err}");
    String::from_utf8(out).expect("UTF-8").lines().map(str::to_string).collect()
}

fn corpus_stream(mode: Mode) -> Vec<String> {
    let records: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().take(60).collect();
    seal(mode, &records, SEED)
}

struct Report {
    code: i32,
    /// (finding, line) of every problem.
    problems: Vec<(String, u64)>,
    notes: Vec<(String, u64)>,
    summary: Value,
    text: String,
}

fn verify_files(files: &[&std::path::Path], extra: &[&str]) -> Report {
    let mut args = vec!["verify", "--keys", KEYS, "--json"];
    args.extend_from_slice(extra);
    let names: Vec<String> = files.iter().map(|p| p.display().to_string()).collect();
    args.extend(names.iter().map(String::as_str));
    let (code, out, err) = logseal(&args, b"");
    let text = String::from_utf8(out).expect("UTF-8") + &err;
    let mut report = Report { code, problems: Vec::new(), notes: Vec::new(), summary: Value::Null, text: text.clone() };
    for line in text.lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).expect("verify --json writes JSON lines");
        if let Some(s) = v.get("summary") {
            report.summary = s.clone();
            continue;
        }
        let entry = (v["finding"].as_str().unwrap_or("").to_string(), v["line"].as_u64().unwrap_or(0));
        if v["problem"].as_bool() == Some(true) {
            report.problems.push(entry);
        } else {
            report.notes.push(entry);
        }
    }
    report
}

fn verify(lines: &[String], extra: &[&str]) -> Report {
    let dir = tempdir();
    let path = dir.join("sealed.ndjson");
    std::fs::write(&path, lines.join("\n") + "\n").expect("write");
    verify_files(&[&path], extra)
}

fn tempdir() -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("logseal-sealing-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn edit(line: &str, f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut v: Value = serde_json::from_str(line).expect("sealed record is JSON");
    f(v.as_object_mut().expect("object"));
    v.to_string()
}

#[test]
fn an_untouched_sealed_stream_verifies() {
    for &mode in MODES {
        an_untouched_sealed_stream_verifies_in(mode);
    }
}

fn an_untouched_sealed_stream_verifies_in(mode: Mode) {
    let lines = corpus_stream(mode);
    let r = verify(&lines, &[]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.problems.is_empty(), "{:?}", r.problems);
    assert_eq!(r.summary["chains"][0]["verified"], 60);
    assert_eq!(r.summary["chains"][0]["kid"], "demo-seal-1");
    // v1 labels every chain id with the instance; v2 declares it on record 1 and checkpoints.
    let chain = r.summary["chains"][0]["chain"].as_str().unwrap();
    assert_eq!(chain.ends_with(".example"), mode.version == 1, "{chain}");
    assert_eq!(lines[1].contains(".example"), mode.version == 1, "{}", lines[1]);
}

#[test]
fn hostile_records_seal_and_verify() {
    for &mode in MODES {
        hostile_records_seal_and_verify_in(mode);
    }
}

fn hostile_records_seal_and_verify_in(mode: Mode) {
    let lines = seal(mode, &hostile_lines(), SEED);
    // Blank and whitespace-only lines are not records: `filter` skips them.
    assert_eq!(lines.len(), hostile_lines().iter().filter(|l| !l.iter().all(u8::is_ascii_whitespace)).count());
    let r = verify(&lines, &[]);
    assert_eq!(r.code, 0, "{}", &r.text[..r.text.len().min(2000)]);
}

#[test]
fn a_modified_record_is_reported_at_its_line() {
    for &mode in MODES {
        a_modified_record_is_reported_at_its_line_in(mode);
    }
}

fn a_modified_record_is_reported_at_its_line_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    lines[9] = edit(&lines[9], |o| {
        o.insert("level".into(), Value::String("DEBUG".into()));
    });
    let r = verify(&lines, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.problems, vec![("modified".to_string(), 10)]);
}

#[test]
fn a_changed_annotation_is_a_modification() {
    for &mode in MODES {
        a_changed_annotation_is_a_modification_in(mode);
    }
}

fn a_changed_annotation_is_a_modification_in(mode: Mode) {
    // Stripping `secret_exposed` from the tags would hide that a secret leaked.
    let mut lines = corpus_stream(mode);
    let i = lines.iter().position(|l| l.contains("secret_exposed")).expect("a redacted record");
    lines[i] = lines[i].replace("\"secret_exposed\",", "").replace(",\"secret_exposed\"", "").replace("\"secret_exposed\"", "");
    let r = verify(&lines, &[]);
    assert_eq!(r.problems, vec![("modified".to_string(), i as u64 + 1)]);
}

#[test]
fn a_deleted_record_is_a_sequence_gap() {
    for &mode in MODES {
        a_deleted_record_is_a_sequence_gap_in(mode);
    }
}

fn a_deleted_record_is_a_sequence_gap_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    lines.remove(20);
    let r = verify(&lines, &[]);
    assert_eq!(r.code, 1);
    assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
    assert_eq!(r.problems[0].0, "deleted");
    assert!(r.text.contains("record 21 is missing"), "{}", r.text);
}

#[test]
fn swapped_records_are_reordered() {
    for &mode in MODES {
        swapped_records_are_reordered_in(mode);
    }
}

fn swapped_records_are_reordered_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    lines.swap(30, 31);
    let r = verify(&lines, &[]);
    assert_eq!(r.problems, vec![("reordered".to_string(), 32)]);
}

#[test]
fn an_inserted_forgery_is_reported_and_the_genuine_record_still_verifies() {
    for &mode in MODES {
        an_inserted_forgery_is_reported_and_the_genuine_record_still_verifies_in(mode);
    }
}

fn an_inserted_forgery_is_reported_and_the_genuine_record_still_verifies_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    let forged = edit(&lines[40], |o| {
        let first = o.keys().find(|k| *k != "logseal").cloned().unwrap();
        o.insert(first, Value::String("admin logged out normally".into()));
    });
    lines.insert(40, forged);
    let r = verify(&lines, &[]);
    assert_eq!(r.problems, vec![("inserted".to_string(), 41)]);
    assert_eq!(r.summary["chains"][0]["verified"], 60);
}

#[test]
fn identical_redeliveries_are_counted_not_failed() {
    for &mode in MODES {
        identical_redeliveries_are_counted_not_failed_in(mode);
    }
}

fn identical_redeliveries_are_counted_not_failed_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    let copy = lines[5].clone();
    lines.insert(12, copy);
    let r = verify(&lines, &[]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert!(r.notes.contains(&("duplicate".to_string(), 13)), "{:?}", r.notes);
    assert_eq!(r.summary["chains"][0]["duplicates"], 1);
}

#[test]
fn a_replay_holds_a_sequence_number_with_other_content() {
    for &mode in MODES {
        a_replay_holds_a_sequence_number_with_other_content_in(mode);
    }
}

fn a_replay_holds_a_sequence_number_with_other_content_in(mode: Mode) {
    // A second run with the same chain seed seals other records under the same numbers.
    let lines = corpus_stream(mode);
    let other: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().skip(100).take(10).collect();
    let replay = seal(mode, &other, SEED);
    let mut mixed = lines.clone();
    mixed.push(replay[4].clone());
    let r = verify(&mixed, &[]);
    assert_eq!(r.problems, vec![("replayed".to_string(), 61)]);
}

#[test]
fn truncation_and_rollback_are_found_with_a_state_file() {
    for &mode in MODES {
        truncation_and_rollback_are_found_with_a_state_file_in(mode);
    }
}

fn truncation_and_rollback_are_found_with_a_state_file_in(mode: Mode) {
    let lines = corpus_stream(mode);
    let dir = tempdir();
    let state = dir.join("state.json");
    let state_arg = state.display().to_string();
    let first = verify(&lines, &["--state", &state_arg]);
    assert_eq!(first.code, 0, "{}", first.text);
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).expect("state written")).expect("state is JSON");
    let chains = saved["chains"].as_object().expect("chains");
    assert_eq!(chains.len(), 1);
    assert_eq!(chains.values().next().unwrap()["seq"], 60);

    // The same stream again: still clean.
    assert_eq!(verify(&lines, &["--state", &state_arg]).code, 0);
    // The tail cut off: a later run notices.
    let r = verify(&lines[..50], &["--state", &state_arg]);
    assert_eq!(r.code, 1);
    assert_eq!(r.problems.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), vec!["truncated"]);
    // The head is not moved back by the truncated run.
    let saved: Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert_eq!(saved["chains"].as_object().unwrap().values().next().unwrap()["seq"], 60);
    // A rewritten history (same chain, other records) differs at the remembered head.
    let other: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().skip(200).take(60).collect();
    let rewritten = seal(mode, &other, SEED);
    let r = verify(&rewritten, &["--state", &state_arg]);
    assert!(r.problems.iter().any(|p| p.0 == "rollback" && p.1 == 60), "{:?}", r.problems);
}

#[test]
fn later_files_continue_the_chain_across_runs() {
    for &mode in MODES {
        later_files_continue_the_chain_across_runs_in(mode);
    }
}

fn later_files_continue_the_chain_across_runs_in(mode: Mode) {
    let lines = corpus_stream(mode);
    let dir = tempdir();
    let state = dir.join("state.json").display().to_string();
    assert_eq!(verify(&lines[..30], &["--state", &state]).code, 0);
    // Log rotation: the next run sees only the newer file, linked to the remembered head.
    let r = verify(&lines[30..], &["--state", &state]);
    assert_eq!(r.code, 0, "{}", r.text);
    // A record missing between the two files is a deletion.
    let dir2 = tempdir();
    let state2 = dir2.join("state.json").display().to_string();
    assert_eq!(verify(&lines[..30], &["--state", &state2]).code, 0);
    let r = verify(&lines[31..], &["--state", &state2]);
    assert_eq!(r.problems.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(), vec!["deleted"]);
}

#[test]
fn shipper_round_trips_verify_and_added_fields_are_classified() {
    for &mode in MODES {
        shipper_round_trips_verify_and_added_fields_are_classified_in(mode);
    }
}

fn shipper_round_trips_verify_and_added_fields_are_classified_in(mode: Mode) {
    let lines = corpus_stream(mode);
    // Python's json: keys sorted, non-ASCII as \u escapes, ", " separators; Fluent Bit's date.
    let shipped: Vec<String> = lines
        .iter()
        .map(|l| {
            let mut v: serde_json::Map<String, Value> = serde_json::from_str(l).unwrap();
            v.insert("date".into(), serde_json::json!(1764237600.123456));
            v.insert("@timestamp".into(), Value::String("2026-11-27T10:00:00Z".into()));
            let sorted: std::collections::BTreeMap<_, _> = v.into_iter().collect();
            let mut text = String::new();
            for c in serde_json::to_string(&sorted).unwrap().chars() {
                if c.is_ascii() {
                    text.push(c);
                } else {
                    let mut buf = [0u16; 2];
                    for u in c.encode_utf16(&mut buf) {
                        text.push_str(&format!("\\u{u:04x}"));
                    }
                }
            }
            text.replace("\",\"", "\", \"")
        })
        .collect();
    let r = verify(&shipped, &[]);
    assert_eq!(r.code, 0, "{}", r.text);
    assert_eq!(r.summary["transport_fields"]["date"], 60);

    // Fluent Bit's `file` output in its default format: `tag: [time, {record}]`.
    let file_format: Vec<String> = lines.iter().map(|l| format!("app.log: [1764237600.123456, {l}]")).collect();
    assert_eq!(verify(&file_format, &[]).code, 0);

    // A field nobody knows, added after sealing, is a problem; removing a covered one too.
    let mut added = lines.clone();
    added[3] = edit(&added[3], |o| {
        o.insert("injected".into(), Value::Bool(true));
    });
    let r = verify(&added, &[]);
    // v1 lists its coverage, so an added field is named; v2 covers every root field but the
    // transport ones, so the same addition fails the MAC.
    let want = if mode.version == 1 { "uncovered_field" } else { "modified" };
    assert_eq!(r.problems, vec![(want.to_string(), 4)]);
    let mut removed = lines.clone();
    removed[7] = edit(&removed[7], |o| {
        let first = o.keys().find(|k| *k != "logseal").cloned().unwrap();
        o.remove(&first);
    });
    let r = verify(&removed, &[]);
    let kinds: Vec<&str> = r.problems.iter().map(|p| p.0.as_str()).collect();
    let want = if mode.version == 1 { vec!["covered_field_missing", "modified"] } else { vec!["modified"] };
    assert_eq!(kinds, want);
}

#[test]
fn unsealed_lines_and_unknown_keys_are_problems() {
    for &mode in MODES {
        unsealed_lines_and_unknown_keys_are_problems_in(mode);
    }
}

fn unsealed_lines_and_unknown_keys_are_problems_in(mode: Mode) {
    let mut lines = corpus_stream(mode);
    lines.insert(2, r#"{"message":"slipped in unfiltered"}"#.to_string());
    lines.insert(3, "not json at all".to_string());
    let r = verify(&lines, &[]);
    let kinds: Vec<(String, u64)> = r.problems.clone();
    assert_eq!(kinds, vec![("unsealed".to_string(), 3), ("unreadable".to_string(), 4)]);

    // A keyring without the chain's key.
    let dir = tempdir();
    let keyring = dir.join("other.json");
    std::fs::write(&keyring, r#"{"version":1,"keys":[{"id":"prod-seal-9","purpose":"seal","secret":"AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="}]}"#).unwrap();
    let path = dir.join("s.ndjson");
    std::fs::write(&path, corpus_stream(mode)[..3].join("\n")).unwrap();
    let (code, out, _) = logseal(&["verify", "--keys", keyring.to_str().unwrap(), path.to_str().unwrap()], b"");
    assert_eq!(code, 1);
    assert!(String::from_utf8_lossy(&out).contains("unknown_key: key id `demo-seal-1` is not in the keyring"));
}

#[test]
fn compare_finds_records_missing_or_different_in_the_remote_copy() {
    for &mode in MODES {
        compare_finds_records_missing_or_different_in_the_remote_copy_in(mode);
    }
}

fn compare_finds_records_missing_or_different_in_the_remote_copy_in(mode: Mode) {
    let lines = corpus_stream(mode);
    let dir = tempdir();
    let local = dir.join("local.ndjson");
    let remote = dir.join("remote.ndjson");
    std::fs::write(&local, lines.join("\n")).unwrap();
    let mut copy = lines.clone();
    copy.remove(10);
    copy[20] = edit(&copy[20], |o| {
        o.insert("status".into(), serde_json::json!(200));
    });
    std::fs::write(&remote, copy.join("\n")).unwrap();
    let (code, out, _) = logseal(&["verify", "--compare", local.to_str().unwrap(), remote.to_str().unwrap()], b"");
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("seq 11: problem: missing_from_remote"), "{text}");
    assert!(text.contains("seq 22: problem: different"), "{text}");
    std::fs::write(&remote, lines.join("\n")).unwrap();
    let (code, _, _) = logseal(&["verify", "--compare", local.to_str().unwrap(), remote.to_str().unwrap()], b"");
    assert_eq!(code, 0);
}

#[test]
fn verify_never_prints_key_material_and_documents_its_exit_codes() {
    for &mode in MODES {
        verify_never_prints_key_material_and_documents_its_exit_codes_in(mode);
    }
}

fn verify_never_prints_key_material_and_documents_its_exit_codes_in(mode: Mode) {
    let keyring: Value = serde_json::from_slice(&std::fs::read(root().join(KEYS)).unwrap()).unwrap();
    let secrets: Vec<String> = keyring["keys"].as_array().unwrap().iter().map(|k| k["secret"].as_str().unwrap().to_string()).collect();
    let mut lines = corpus_stream(mode);
    lines[1] = lines[1].replace("\"v\":1", "\"v\":2");
    let r = verify(&lines, &[]);
    for s in &secrets {
        assert!(!r.text.contains(s.as_str()) && !r.text.contains(&s[..12]));
    }
    assert_eq!(logseal(&["verify", "x.ndjson"], b"").0, 2, "no --keys");
    assert_eq!(logseal(&["verify", "--keys", "host-examples/policies/default.json", "x"], b"").0, 2, "not a keyring");
    assert_eq!(logseal(&["verify", "--keys", KEYS, "/nonexistent/file"], b"").0, 3);
    let (code, out, _) = logseal(&["verify", "--keys", KEYS], lines[..5].join("\n").as_bytes());
    assert_eq!(code, 1, "{}", String::from_utf8_lossy(&out));
}

/// Writes `lines` (raw bytes, one record each) to a file in a fresh directory.
fn write_lines(name: &str, lines: &[Vec<u8>]) -> std::path::PathBuf {
    let path = tempdir().join(name);
    let mut bytes = Vec::new();
    for l in lines {
        bytes.extend_from_slice(l);
        bytes.push(b'\n');
    }
    std::fs::write(&path, bytes).expect("write");
    path
}

fn kinds(r: &Report) -> Vec<&str> {
    r.problems.iter().map(|p| p.0.as_str()).collect()
}

#[test]
fn a_number_changed_to_another_exact_value_is_modified_even_when_f64_reads_one() {
    for &mode in MODES {
        a_number_changed_to_another_exact_value_is_modified_even_when_f64_reads_one_in(mode);
    }
}

fn a_number_changed_to_another_exact_value_is_modified_even_when_f64_reads_one_in(mode: Mode) {
    let records: Vec<Vec<u8>> = (0..4).map(|i| format!(r#"{{"message":"paid","amount":10,"fee":0.10,"n":{i}}}"#).into_bytes()).collect();
    let lines = seal(mode, &records, SEED);
    assert!(lines[1].contains(r#""amount":10,"#), "{}", lines[1]);
    // An f64 reader sees 10 either way; an arbitrary-precision reader does not.
    let mut forged = lines.clone();
    forged[1] = forged[1].replace(r#""amount":10,"#, r#""amount":10.0000000000000000001,"#);
    let r = verify(&forged, &[]);
    assert_eq!(r.problems, vec![("modified".to_string(), 2)], "{}", r.text);
    let mut forged = lines.clone();
    forged[2] = forged[2].replace(r#""fee":0.10,"#, r#""fee":0.10000000000000001,"#);
    assert_eq!(verify(&forged, &[]).problems, vec![("modified".to_string(), 3)]);
    // Spellings of the same exact value, as shippers re-print numbers, still verify.
    let mut shipped = lines.clone();
    shipped[1] = shipped[1].replace(r#""amount":10,"#, r#""amount":10.0,"#).replace(r#""fee":0.10,"#, r#""fee":0.1,"#);
    shipped[2] = shipped[2].replace(r#""amount":10,"#, r#""amount":1e1,"#).replace(r#""fee":0.10,"#, r#""fee":1.0E-1,"#);
    let r = verify(&shipped, &[]);
    assert_eq!(r.code, 0, "{}", r.text);
}

#[test]
fn numbers_f64_shippers_would_change_are_sealed_as_strings() {
    for &mode in MODES {
        numbers_f64_shippers_would_change_are_sealed_as_strings_in(mode);
    }
}

fn numbers_f64_shippers_would_change_are_sealed_as_strings_in(mode: Mode) {
    let record = br#"{"message":"m","a":0.10000000000000001,"b":1234567890.123456789,"c":0.30000000000000004,"d":-0,"e":1e-400,"f":12.5}"#;
    let lines = seal(mode, &[record.to_vec()], SEED);
    let v: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(v["a"], "0.10000000000000001");
    assert_eq!(v["b"], "1234567890.123456789");
    assert_eq!(v["c"], "0.30000000000000004");
    assert_eq!(v["d"], "-0");
    assert_eq!(v["e"], "1e-400");
    assert_eq!(v["f"], 12.5);
}

#[test]
fn text_that_is_not_unicode_in_a_sealed_record_is_invalid_text() {
    for &mode in MODES {
        text_that_is_not_unicode_in_a_sealed_record_is_invalid_text_in(mode);
    }
}

fn text_that_is_not_unicode_in_a_sealed_record_is_invalid_text_in(mode: Mode) {
    let records = vec![br#"{"message":"bad byte \ufffd here","who":"ann"}"#.to_vec(), br#"{"message":"ok"}"#.to_vec(), br#"{"message":"ok"}"#.to_vec()];
    let lines = seal(mode, &records, SEED);
    assert!(lines[0].contains('\u{FFFD}'), "{}", lines[0]);
    let genuine: Vec<Vec<u8>> = lines.iter().map(|l| l.clone().into_bytes()).collect();
    assert_eq!(verify_files(&[&write_lines("ok.ndjson", &genuine)], &[]).code, 0);
    let forgeries: Vec<Vec<u8>> = vec![
        lines[0].replace('\u{FFFD}', r"\ud800").into_bytes(),
        lines[0].replace('\u{FFFD}', r"\udfff").into_bytes(),
    ];
    for forged in forgeries {
        let mut stream = genuine.clone();
        stream[0] = forged;
        let r = verify_files(&[&write_lines("f.ndjson", &stream)], &[]);
        assert_eq!(kinds(&r), ["invalid_text", "modified"], "{}", r.text);
    }
    // Raw invalid UTF-8 in place of U+FFFD, in a value, a name and in the logseal object.
    let raw = |line: &str, at: &str| -> Vec<u8> {
        let mut b = line.as_bytes().to_vec();
        let i = line.find(at).expect("marker");
        b.splice(i..i + at.len(), at.replace('\u{FFFD}', "\u{1}").bytes().map(|c| if c == 1 { 0xff } else { c }));
        b
    };
    let mut stream = genuine.clone();
    stream[0] = raw(&lines[0], "\u{FFFD}");
    let r = verify_files(&[&write_lines("raw.ndjson", &stream)], &[]);
    assert_eq!(kinds(&r), ["invalid_text", "modified"], "{}", r.text);
    assert!(r.text.contains("field `message` holds invalid UTF-8"), "{}", r.text);
    let mut stream = genuine.clone();
    let mut bytes = lines[1].clone().into_bytes();
    let at = lines[1].find("\"v\":1").unwrap();
    // `"v":1` in the logseal object becomes `"\xc3":1`.
    bytes.splice(at + 1..at + 2, [0xc3]);
    stream[1] = bytes;
    let r = verify_files(&[&write_lines("raw2.ndjson", &stream)], &[]);
    assert_eq!(kinds(&r), ["invalid_text", "modified"], "{}", r.text);
}

#[test]
fn a_whole_chain_from_another_run_is_a_replayed_chain() {
    for &mode in MODES {
        a_whole_chain_from_another_run_is_a_replayed_chain_in(mode);
    }
}

fn a_whole_chain_from_another_run_is_a_replayed_chain_in(mode: Mode) {
    let a: Vec<Vec<u8>> = corpus_stream(mode).into_iter().map(String::into_bytes).collect();
    let other: Vec<Vec<u8>> = corpus_records("pii-public.ndjson").into_iter().skip(100).take(10).collect();
    let x: Vec<Vec<u8>> = seal(mode, &other, "ffeeddccbbaa99887766554433221100").into_iter().map(String::into_bytes).collect();
    let x_file = write_lines("x.ndjson", &x);
    let appended = write_lines("a.ndjson", &[a.clone(), x.clone()].concat());

    // Legitimate: several hosts' files together; a file re-read with --state; chains
    // interleaved in one stream (per-worker chains); a chain continued in the next file.
    assert_eq!(verify_files(&[&x_file, &write_lines("a.ndjson", &a)], &[]).code, 0);
    let interleaved: Vec<Vec<u8>> = a.iter().take(20).zip(x.iter()).flat_map(|(p, q)| [p.clone(), q.clone()]).collect();
    let r = verify_files(&[&write_lines("i.ndjson", &interleaved)], &[]);
    assert_eq!(r.code, 0, "{}", r.text);
    let split = [write_lines("1.ndjson", &a[..30]), write_lines("2.ndjson", &[a[28..30].to_vec(), a[30..].to_vec()].concat())];
    let r = verify_files(&[&split[0], &split[1]], &[]);
    assert_eq!(r.code, 0, "a redelivery across a rotation is not a replay: {}", r.text);

    // The chain seen in an earlier file reappears after this file moved on.
    let r = verify_files(&[&x_file, &appended], &[]);
    assert_eq!(r.problems, vec![("replayed_chain".to_string(), 61)], "{}", r.text);

    // The same with a state file that remembers the chain from an earlier run.
    let state = tempdir().join("state.json").display().to_string();
    assert_eq!(verify_files(&[&x_file], &["--state", &state]).code, 0);
    let r = verify_files(&[&appended], &["--state", &state]);
    assert_eq!(r.problems, vec![("replayed_chain".to_string(), 61)], "{}", r.text);
    // ...while re-reading a grown file is not a replay.
    let grown = write_lines("x.ndjson", &[x.clone(), a.clone()].concat());
    assert_eq!(verify_files(&[&grown], &["--state", &state]).code, 0);

    // In one file: the chain starts again from record 1 after a later chain started.
    let restarted = write_lines("r.ndjson", &[a.clone(), x.clone(), a[..5].to_vec()].concat());
    let r = verify_files(&[&restarted], &[]);
    assert_eq!(r.problems, vec![("replayed_chain".to_string(), 71)], "{}", r.text);
}
