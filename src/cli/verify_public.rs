//! `logseal verify --public-key`: check signed chains with Ed25519 public keys only.

use super::exit::io_reason;
use super::input::or_stdin;
use super::verify_walk::{walk, Reporter, Step};
use super::exit;
use super::usage::Usage;
use logseal::sign::PublicKeys;
use logseal::verify::public::{PublicSummary, PublicVerifier};
use std::io::Write;

/// Runs the public-key verifier over `files`; `other_modes` is true when --keys, --state or
/// --compare were given too (refused: those need the seal key or another mode).
pub fn run(public_key: &str, other_modes: bool, files: &[String], json: bool, usage: Usage) -> i32 {
    if other_modes {
        return usage.error("--public-key takes no --keys, --state or --compare");
    }
    let text = match std::fs::read(public_key) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("logseal: cannot read public key file {public_key}: {}", io_reason(&e));
            return exit::IO;
        }
    };
    let keys = match PublicKeys::parse(&text, public_key) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("logseal: {e}");
            return exit::USAGE;
        }
    };
    for id in keys.ids().filter(|id| id.starts_with("demo-")) {
        eprintln!("logseal: warning: public key {id} belongs to a demo key from the logseal repository: anyone can sign with it");
    }
    let mut verifier = PublicVerifier::new(keys);
    let files = or_stdin(files);
    let mut rep = Reporter::stdout(json);
    let mut findings = Vec::new();
    let walked = walk(&files, &mut rep, |sink, step| {
        if let Step::Line { global, line, .. } = step {
            verifier.line(global, line, &mut findings);
            if !findings.is_empty() {
                sink.report(&findings);
                findings.clear();
            }
        }
    });
    if let Err(code) = walked {
        return code;
    }
    let summaries = verifier.finish(&mut findings);
    rep.report(&findings);
    let covered: u64 = summaries.iter().map(|c| c.covered).sum();
    summary(&mut rep.out, &summaries, verifier.records, rep.problems, covered, json);
    if !rep.flush() {
        return exit::IO;
    }
    if covered == 0 {
        eprintln!("logseal: warning: no record is covered by a valid checkpoint signature: nothing was verified");
    }
    if rep.problems > 0 {
        1
    } else {
        exit::OK
    }
}

fn summary(out: &mut impl Write, chains: &[PublicSummary], records: u64, problems: u64, covered: u64, json: bool) {
    if json {
        let list: Vec<_> = chains.iter().map(PublicSummary::to_json).collect();
        let not_yet: u64 = chains.iter().map(|c| c.not_yet_covered).sum();
        let mut s = serde_json::json!({"ok": problems == 0, "records": records, "covered": covered, "not_yet_covered": not_yet,
            "problems": problems, "chains": list});
        if covered == 0 {
            s["warning"] = "no record is covered by a valid checkpoint signature: nothing was verified".into();
        }
        let _ = writeln!(out, "{}", serde_json::json!({"summary": s}));
        return;
    }
    for c in chains {
        let ckpt = c.last_checkpoint.map_or(String::from("none"), |s| s.to_string());
        let kid = if c.sign_kid.is_empty() { "none" } else { c.sign_kid.as_str() };
        let _ = writeln!(
            out,
            "chain {} (signing key {kid}): {} records, {} covered by signatures, {} not yet covered, seq {}..{}, last signed checkpoint {ckpt}",
            c.chain, c.records, c.covered, c.not_yet_covered, c.first_seq, c.last_seq
        );
    }
    let verdict = match (problems, covered) {
        (0, 0) => "nothing verified (no record covered by a valid signature)".to_string(),
        (0, _) => "OK".to_string(),
        _ => format!("FAILED: {problems} problems"),
    };
    let _ = writeln!(out, "{records} records read, {} chains, {covered} covered by signatures: {verdict}", chains.len());
}
