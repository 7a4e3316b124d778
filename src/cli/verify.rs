//! `logseal verify`: check sealed streams offline, remember chain heads, compare two copies.

use super::env::load_keyring;
use super::exit::io_reason;
use super::input::{for_each_line, opens_multiline_json, or_stdin};
use super::progress::Progress;
use super::verify_walk::{refuse_multiline, walk, Reporter, Step, MAX_LINE};
use super::exit;
use super::usage::Usage;
use logseal::keys::Purpose;
use logseal::verify::parallel::{Options, Pipeline};
use logseal::verify::compare::{Comparison, Difference};
use logseal::verify::{state, ChainSummary, Finding, Head, Verifier};
use std::collections::HashMap;
use std::io::{self, Write};

pub const USAGE: &str = "logseal verify --keys KEYRING [--state FILE] [--json] [--jobs N] [FILE...]\n       logseal verify --public-key PUBFILE [--json] [FILE...]\n       logseal verify --compare LOCAL REMOTE [--json]";

pub const ABOUT: &str = "\
Verifies sealed NDJSON records, one per line, from each FILE in order (stdin when no FILE is
given, or `-`). Fluent Bit's `file` and `stdout` outputs in json_lines format are read as they
are; blank lines are skipped. A JSON document spread over several lines (pretty-printed) is
refused: verify reads one record per line. Input that holds no sealed record at all is not
OK: the verdict says nothing was verified and a warning goes to stderr (exit 0, or 1 when
there were problems such as unsealed records). Records are grouped by chain; every problem
is reported with its file and line:
  modified, inserted (bad MAC), deleted (sequence gap), reordered, replayed, chain_break,
  unknown_key, unsealed, unreadable, malformed, covered_field_missing, uncovered_field,
  duplicate_field, invalid_text (not Unicode), replayed_chain (records of a chain an earlier
  file or run saw reappear after this file moved on, or its record 1 again after a later
  chain started), tag_mismatch (wrapper tag vs the sealed tag), truncated and rollback
  (with --state).
Notes, which do not fail: duplicate (identical redelivery), declared_gap, after_checkpoint,
chain_not_seen, and transport fields a shipper added (date, @timestamp, ...).
--public-key PUBFILE checks chains sealed with keys.sign without any seal key: every
checkpoint's Ed25519 signature (bad_signature, unknown_key), the records since the previous
checkpoint against what it signed (segment_mismatch; deleted, reordered, replayed by number),
its link to the previous checkpoint (chain_break), and checkpoints without a signature
(unsigned). Records after a chain's last checkpoint are noted as not_yet_covered: nothing
signed speaks for them yet.
On a terminal, a long run shows progress on stderr; never on a pipe.";

pub const EXIT: &str = "\
Exit: 0 verified, no problems (with a warning when no sealed record was read); 1 problems
found (or --compare: the copies differ); 2 usage error, or KEYRING is not a keyring holding
seal keys, or PUBFILE is not a public key file, or the state file is not a verify state; 3 a
FILE, KEYRING, PUBFILE or state file could not be read (or the state written), or the input
is not one record per line.";

/// The arguments of `logseal verify`.
#[derive(clap::Args)]
pub struct VerifyArgs {
    /// keyring holding the seal keys (every key id in it is accepted)
    #[arg(long, value_name = "KEYRING")]
    keys: Option<String>,
    /// remember each chain's verified head in FILE; a later run reports a chain that now
    /// ends earlier (truncated) or differs at the head (rollback)
    #[arg(long, value_name = "FILE")]
    state: Option<String>,
    /// one JSON object per finding, then a summary object, one per line
    #[arg(long)]
    json: bool,
    /// report sealed records missing from, or different in, either copy (two FILEs: LOCAL
    /// REMOTE; memory grows with LOCAL: about 100 bytes per record)
    #[arg(long)]
    compare: bool,
    /// check checkpoint signatures with the Ed25519 public keys in PUBFILE (from `logseal
    /// keygen --purpose sign`); no seal key needed
    #[arg(long = "public-key", value_name = "PUBFILE")]
    public_key: Option<String>,
    /// worker threads reading records and checking MACs (default: the available cores); the
    /// findings and summaries are the same for every N
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1024))]
    jobs: Option<u32>,
    /// files of sealed records, `-` for stdin (default: stdin)
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}


/// `usage` reports this command's usage errors.
pub fn run(args: VerifyArgs, usage: Usage) -> i32 {
    let json = args.json;
    if let Some(public_key) = args.public_key.as_deref() {
        return super::verify_public::run(public_key, args.keys.is_some() || args.state.is_some() || args.compare, &args.files, json, usage);
    }
    if args.compare {
        return match args.files.as_slice() {
            [local, remote] if args.keys.is_none() && args.state.is_none() => compare(local, remote, json),
            [_, _] => usage.error("--compare takes no --keys or --state"),
            _ => usage.error("--compare takes two files: LOCAL REMOTE"),
        };
    }
    let Some(keyring) = args.keys.as_deref() else {
        return usage.error("verify needs --keys KEYRING");
    };
    let keys = match load_keyring(keyring, Purpose::Seal) {
        Ok(k) => k,
        Err(code) => return code,
    };
    let mut verifier = Verifier::new(keys);
    let state_path = args.state.as_deref();
    let old_heads = match state_path.map(read_state) {
        None => Vec::new(),
        Some(Ok(heads)) => heads,
        Some(Err(code)) => return code,
    };
    verifier.remember(old_heads.clone());
    let files = or_stdin(&args.files);

    let mut rep = Reporter::stdout(json);
    let mut findings = Vec::new();
    let jobs = args.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), |n| n as usize);
    // One job: every line read and checked here, in order. More: workers read and check
    // MACs ahead, this thread takes their results in order (the same findings).
    let mut pipeline = (jobs > 1).then(|| Pipeline::new(verifier.keys(), Options::with_jobs(jobs)));
    let walked = walk(&files, &mut rep, |sink, step| match (step, pipeline.as_mut()) {
        (Step::Line { global, first, line }, Some(p)) => p.push(&mut verifier, global, first, line, &mut |found: &[Finding]| sink.report(found)),
        (Step::Line { global, first, line }, None) => {
            if first {
                verifier.next_input();
            }
            verifier.line(global, line, &mut findings);
            if !findings.is_empty() {
                sink.report(&findings);
                findings.clear();
            }
        }
        (Step::Stopping, Some(p)) => p.flush(&mut verifier, &mut |found: &[Finding]| sink.report(found)),
        (Step::Stopping, None) => {}
    });
    // Lines read before a failure are reported as a single-threaded run reports them.
    if let Some(mut p) = pipeline.take() {
        p.flush(&mut verifier, &mut |found: &[Finding]| rep.report(found));
    }
    if let Err(code) = walked {
        let _ = rep.flush();
        return code;
    }
    let summaries = verifier.finish(&mut findings);
    rep.report(&findings);
    let verified: u64 = summaries.iter().map(|c| c.verified).sum();
    summary(&mut rep.out, &summaries, &verifier, rep.problems, verified, json, &rep.per_chain);
    if !rep.flush() {
        return exit::IO;
    }
    if verified == 0 {
        eprintln!("logseal: warning: no sealed record was read: nothing was verified");
    }
    if let Some(path) = state_path {
        if let Err(code) = write_state(path, &summaries, &old_heads) {
            return code;
        }
    }
    if rep.problems > 0 {
        1
    } else {
        exit::OK
    }
}

fn summary(out: &mut impl Write, chains: &[ChainSummary], v: &Verifier, problems: u64, verified: u64, json: bool, per_chain: &HashMap<String, u64>) {
    if json {
        let list: Vec<_> = chains
            .iter()
            .map(|c| {
                let mut j = c.to_json();
                j["problems"] = per_chain.get(&c.chain).copied().unwrap_or(0).into();
                j
            })
            .collect();
        let mut s = serde_json::json!({"ok": problems == 0, "records": v.records, "verified": verified,
            "problems": problems, "chains": list, "transport_fields": v.transport});
        if verified == 0 {
            s["warning"] = "no sealed record was read: nothing was verified".into();
        }
        let _ = writeln!(out, "{}", serde_json::json!({"summary": s}));
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
    let verdict = match (problems, verified) {
        (0, 0) => "nothing verified (no sealed record read)".to_string(),
        (0, _) => "OK".to_string(),
        _ => format!("FAILED: {problems} problems"),
    };
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
    state::parse(&text).ok_or_else(|| {
        eprintln!("logseal: state file {path} is not a logseal verify state");
        exit::USAGE
    })
}

/// Writes the new heads: the furthest verified record of each chain, never moving a head
/// back (a truncated file must not make the next run forget what was there).
fn write_state(path: &str, chains: &[ChainSummary], old: &[(String, Head)]) -> Result<(), i32> {
    let text = state::advance(chains, old).to_string();
    let tmp = format!("{path}.tmp");
    let written = std::fs::write(&tmp, text + "\n").and_then(|()| std::fs::rename(&tmp, path));
    written.map_err(|e| {
        eprintln!("logseal: cannot write state {path}: {}", io_reason(&e));
        exit::IO
    })
}

/// `--compare LOCAL REMOTE`: sealed records missing from or different in either copy.
fn compare(local: &str, remote: &str, json: bool) -> i32 {
    let mut comparison = Comparison::default();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut differences = 0u64;
    let mut say = |out: &mut io::BufWriter<io::StdoutLock>, d: &Difference| {
        differences += 1;
        let file = if d.kind.in_remote() { remote } else { local };
        let (kind, line_no, chain, seq) = (d.kind.name(), d.line, &d.chain, d.seq);
        if json {
            let v = serde_json::json!({"finding": kind, "problem": true, "file": file, "line": line_no, "chain": chain, "seq": seq});
            let _ = writeln!(out, "{v}");
        } else {
            let _ = writeln!(out, "{file}:{line_no}: chain {chain} seq {seq}: problem: {kind}");
        }
    };
    for (which, path) in [(0, local), (1, remote)] {
        let mut progress = Progress::new("compare", None, false);
        let walked = for_each_line(&[path.to_string()], MAX_LINE, &mut progress, |_, _, n, line| {
            if opens_multiline_json(line) {
                refuse_multiline(path, n);
                return Err(exit::IO);
            }
            if which == 0 {
                comparison.local(n, line);
            } else if let Some(d) = comparison.remote(n, line) {
                say(&mut out, &d);
            }
            Ok(())
        });
        if let Err(code) = walked {
            return code;
        }
    }
    for d in comparison.finish() {
        say(&mut out, &d);
    }
    let records = comparison.local_records();
    let verdict = if differences == 0 { "the copies hold the same sealed records" } else { "the copies differ" };
    if json {
        let _ = writeln!(out, "{}", serde_json::json!({"summary": {"ok": differences == 0, "differences": differences, "local_records": records}}));
    } else {
        let _ = writeln!(out, "{records} sealed records in {local}: {verdict} ({differences} differences)");
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
