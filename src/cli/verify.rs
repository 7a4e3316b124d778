//! `logseal verify`: check sealed streams offline, remember chain heads, compare two copies.

use super::env::{for_each_line, io_reason, load_keyring};
use super::{exit, is_help, usage, Args};
use logseal::keys::Purpose;
use logseal::verify::record::Reader;
use logseal::verify::{ChainSummary, Finding, Head, Verifier};
use std::collections::HashMap;
use std::io::{self, Write};

const HELP: &str = "\
usage: logseal verify --keys KEYRING [--state FILE] [--json] [FILE...]
       logseal verify --compare LOCAL REMOTE [--json]

Verifies sealed NDJSON records (stdin when no FILE is given, or `-`). Fluent Bit's `file`
and `stdout` outputs in json_lines format are read as they are. Records are grouped by
chain; every problem is reported with its file and line:
  modified, inserted (bad MAC), deleted (sequence gap), reordered, replayed, chain_break,
  unknown_key, unsealed, unreadable, malformed, covered_field_missing, uncovered_field,
  duplicate_field, invalid_text (not Unicode), replayed_chain (records of a chain an earlier
  file or run saw reappear after this file moved on, or its record 1 again after a later
  chain started), tag_mismatch (wrapper tag vs the sealed tag), truncated and rollback
  (with --state).
Notes, which do not fail: duplicate (identical redelivery), declared_gap, after_checkpoint,
chain_not_seen, and transport fields a shipper added (date, @timestamp, ...).

  --keys KEYRING  keyring holding the seal keys (every key id in it is accepted)
  --state FILE    remember each chain's verified head in FILE; a later run reports a chain
                  that now ends earlier (truncated) or differs at the head (rollback)
  --json          one JSON object per finding, then a summary object, one per line
  --compare LOCAL REMOTE
                  report sealed records missing from, or different in, either copy
                  (memory grows with LOCAL: about 100 bytes per record)

Exit: 0 verified, no problems; 1 problems found; 2 usage, keyring or state file errors;
3 a file could not be read or written.
";

/// Longest line read whole; longer ones are reported unreadable.
const MAX_LINE: usize = 1 << 28;

pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| is_help(a)) {
        print!("{HELP}");
        return exit::OK;
    }
    let args = match Args::parse(args, &["keys", "state"], &["json", "compare"]) {
        Ok(a) => a,
        Err(e) => return usage(&e, HELP),
    };
    let json = args.has("json");
    if args.has("compare") {
        return match args.positional.as_slice() {
            [local, remote] if args.get("keys").is_none() && args.get("state").is_none() => compare(local, remote, json),
            [_, _] => usage("--compare takes no --keys or --state", HELP),
            _ => usage("--compare takes two files: LOCAL REMOTE", HELP),
        };
    }
    let Some(keyring) = args.get("keys") else {
        return usage("verify needs --keys KEYRING", HELP);
    };
    let keys = match load_keyring(keyring, Purpose::Seal) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let mut verifier = Verifier::new(keys);
    let state_path = args.get("state");
    let old_heads = match state_path.map(read_state) {
        None => Vec::new(),
        Some(Ok(heads)) => heads,
        Some(Err(code)) => return code,
    };
    verifier.remember(old_heads.clone());
    let files: Vec<String> = if args.positional.is_empty() { vec!["-".into()] } else { args.positional.clone() };

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut places: Vec<(String, u64)> = Vec::new(); // (file, first global line)
    let mut findings = Vec::new();
    let mut problems = 0u64;
    let mut global = 0u64;
    let walked = for_each_line(&files, MAX_LINE, |file, n, line| {
        global += 1;
        if n == 1 {
            places.push((file.to_string(), global));
            verifier.next_input();
        }
        verifier.line(global, line, &mut findings);
        problems += report(&mut out, &places, &findings, json);
        findings.clear();
        Ok(())
    });
    if let Err(code) = walked {
        return code;
    }
    let summaries = verifier.finish(&mut findings);
    problems += report(&mut out, &places, &findings, json);
    summary(&mut out, &summaries, &verifier, problems, json);
    if out.flush().is_err() {
        return exit::IO;
    }
    if let Some(path) = state_path {
        if let Err(code) = write_state(path, &summaries, &old_heads) {
            return code;
        }
    }
    if problems > 0 {
        1
    } else {
        exit::OK
    }
}

/// Writes findings; returns how many are problems.
fn report(out: &mut impl Write, places: &[(String, u64)], findings: &[Finding], json: bool) -> u64 {
    let mut problems = 0;
    for f in findings {
        if f.kind.is_problem() {
            problems += 1;
        }
        let (file, line) = place(places, f.line);
        if json {
            let v = serde_json::json!({
                "finding": f.kind.name(),
                "problem": f.kind.is_problem(),
                "file": file,
                "line": line,
                "chain": f.chain,
                "seq": f.seq,
                "detail": f.detail,
            });
            let _ = writeln!(out, "{v}");
        } else {
            let what = if f.kind.is_problem() { "problem" } else { "note" };
            let at = if f.line == 0 { file.to_string() } else { format!("{file}:{line}") };
            let chain = match (&f.chain, f.seq) {
                (Some(c), Some(s)) => format!(" chain {c} seq {s}:"),
                (Some(c), None) => format!(" chain {c}:"),
                _ => String::new(),
            };
            let _ = writeln!(out, "{at}:{chain} {what}: {}: {}", f.kind.name(), f.detail);
        }
    }
    problems
}

/// The file and line of a global line number.
fn place(places: &[(String, u64)], global: u64) -> (&str, u64) {
    if global == 0 {
        return ("(input)", 0);
    }
    let i = places.partition_point(|(_, first)| *first <= global).saturating_sub(1);
    places.get(i).map_or(("-", global), |(f, first)| (f.as_str(), global - first + 1))
}

fn summary(out: &mut impl Write, chains: &[ChainSummary], v: &Verifier, problems: u64, json: bool) {
    if json {
        let list: Vec<_> = chains
            .iter()
            .map(ChainSummary::to_json)
            .collect();
        let v = serde_json::json!({"summary": {"ok": problems == 0, "records": v.records, "problems": problems,
            "chains": list, "transport_fields": v.transport}});
        let _ = writeln!(out, "{v}");
        return;
    }
    for c in chains {
        let ckpt = c.last_checkpoint.map_or(String::from("none"), |s| s.to_string());
        let _ = writeln!(
            out,
            "chain {} (key {}): {} verified, seq {}..{}, {} duplicates, {} declared dropped, last checkpoint {ckpt}",
            c.label(), c.kid, c.verified, c.first_seq, c.last_seq, c.duplicates, c.declared_dropped
        );
    }
    if !v.transport.is_empty() {
        let fields: Vec<String> = v.transport.iter().map(|(k, n)| format!("{k} ({n})")).collect();
        let _ = writeln!(out, "transport fields added outside the seals (noted): {}", fields.join(", "));
    }
    let verdict = if problems == 0 { "OK".to_string() } else { format!("FAILED: {problems} problems") };
    let _ = writeln!(out, "{} records read, {} chains: {verdict}", v.records, chains.len());
}

/// Reads a state file: `{"version":1,"chains":{"<chain>":{"seq":N,"mac":"..."}}}`.
/// A missing file is an empty state (the first run).
fn read_state(path: &str) -> Result<Vec<(String, Head)>, i32> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            eprintln!("logseal: cannot read state {path}: {}", io_reason(&e));
            return Err(exit::IO);
        }
    };
    let bad = || {
        eprintln!("logseal: state file {path} is not a logseal verify state");
        exit::USAGE
    };
    let doc: serde_json::Value = serde_json::from_slice(&text).map_err(|_| bad())?;
    let chains = doc.get("chains").and_then(|c| c.as_object()).ok_or_else(bad)?;
    let mut heads = Vec::new();
    for (id, h) in chains {
        let seq = h.get("seq").and_then(|s| s.as_u64()).ok_or_else(bad)?;
        let mac = h.get("mac").and_then(|m| m.as_str()).ok_or_else(bad)?;
        heads.push((id.clone(), Head { seq, mac: mac.to_string() }));
    }
    Ok(heads)
}

/// Writes the new heads: the furthest verified record of each chain, never moving a head
/// back (a truncated file must not make the next run forget what was there).
fn write_state(path: &str, chains: &[ChainSummary], old: &[(String, Head)]) -> Result<(), i32> {
    let mut map = serde_json::Map::new();
    for (id, h) in old {
        map.insert(id.clone(), serde_json::json!({"seq": h.seq, "mac": h.mac}));
    }
    for c in chains.iter().filter(|c| c.verified > 0) {
        let older = old.iter().find(|(id, _)| *id == c.chain).map(|(_, h)| h.seq);
        if older.is_none_or(|s| c.last_seq >= s) {
            map.insert(c.chain.clone(), serde_json::json!({"seq": c.last_seq, "mac": c.head_mac}));
        }
    }
    let text = serde_json::json!({"version": 1, "chains": map}).to_string();
    let tmp = format!("{path}.tmp");
    let written = std::fs::write(&tmp, text + "\n").and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        eprintln!("logseal: cannot write state {path}: {}", io_reason(&e));
        exit::IO
    })
}

/// `--compare LOCAL REMOTE`: sealed records missing from or different in either copy.
fn compare(local: &str, remote: &str, json: bool) -> i32 {
    let mut reader = Reader::default();
    // (chain, seq) -> (content digest, line in LOCAL, seen in REMOTE)
    let mut seen: HashMap<(String, u64), ([u8; 32], u64, bool)> = HashMap::new();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut differences = 0u64;
    let mut say = |out: &mut io::BufWriter<io::StdoutLock>, kind: &str, file: &str, line_no: u64, chain: &str, seq: u64| {
        differences += 1;
        if json {
            let v = serde_json::json!({"finding": kind, "problem": true, "file": file, "line": line_no, "chain": chain, "seq": seq});
            let _ = writeln!(out, "{v}");
        } else {
            let _ = writeln!(out, "{file}:{line_no}: chain {chain} seq {seq}: problem: {kind}");
        }
    };
    for (which, path) in [(0, local), (1, remote)] {
        let walked = for_each_line(&[path.to_string()], MAX_LINE, |_, n, line| {
            let Ok(s) = reader.read(line) else { return Ok(()) };
            let key = (s.chain, s.seq);
            let digest = reader.digest();
            if which == 0 {
                seen.entry(key).or_insert((digest, n, false));
            } else {
                match seen.get_mut(&key) {
                    Some(entry) if entry.0 == digest => entry.2 = true,
                    Some(entry) => {
                        entry.2 = true;
                        say(&mut out, "different", path, n, &key.0, key.1);
                    }
                    None => say(&mut out, "only_in_remote", path, n, &key.0, key.1),
                }
            }
            Ok(())
        });
        if let Err(code) = walked {
            return code;
        }
    }
    let mut missing: Vec<_> = seen.iter().filter(|(_, v)| !v.2).map(|(k, v)| (v.1, k.0.clone(), k.1)).collect();
    missing.sort();
    for (line_no, chain, seq) in missing {
        say(&mut out, "missing_from_remote", local, line_no, &chain, seq);
    }
    let verdict = if differences == 0 { "the copies hold the same sealed records" } else { "the copies differ" };
    if json {
        let _ = writeln!(out, "{}", serde_json::json!({"summary": {"ok": differences == 0, "differences": differences, "local_records": seen.len()}}));
    } else {
        let _ = writeln!(out, "{} sealed records in {local}: {verdict} ({differences} differences)", seen.len());
    }
    if out.flush().is_err() {
        return exit::IO;
    }
    if differences > 0 {
        1
    } else {
        exit::OK
    }
}
