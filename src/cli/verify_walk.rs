//! The line walk both verifiers share (`verify --keys` and `verify --public-key`): every input
//! line numbered across files, pretty-printed documents refused, findings reported as they come
//! (progress bar suspended, flushed at once on a terminal), problems counted in total and per
//! chain.

use super::exit;
use super::input::{self, for_each_line, opens_multiline_json};
use super::progress::Progress;
use logseal::verify::Finding;
use std::collections::HashMap;
use std::io::{self, IsTerminal, Write};

/// Where findings go, and what was counted.
pub(super) struct Reporter {
    pub out: io::BufWriter<io::StdoutLock<'static>>,
    /// (file, first global line) per input, for reporting a global line as file:line.
    pub places: Vec<(String, u64)>,
    pub json: bool,
    to_terminal: bool,
    pub problems: u64,
    pub per_chain: HashMap<String, u64>,
}

impl Reporter {
    /// A reporter on stdout, text or one JSON object per line.
    pub fn stdout(json: bool) -> Reporter {
        let stdout = io::stdout();
        let to_terminal = stdout.is_terminal();
        Reporter { out: io::BufWriter::new(stdout.lock()), places: Vec::new(), json, to_terminal, problems: 0, per_chain: HashMap::new() }
    }

    /// Reports `found` now (outside a walk: no progress bar to suspend).
    pub fn report(&mut self, found: &[Finding]) {
        self.problems += report(&mut self.out, &self.places, found, self.json, &mut self.per_chain);
    }

    /// Writes what is buffered; false when stdout failed.
    pub fn flush(&mut self) -> bool {
        self.out.flush().is_ok()
    }
}

/// What a line's check hands its findings to, during a walk.
pub(super) struct Sink<'a> {
    rep: &'a mut Reporter,
    progress: &'a Progress,
}

impl Sink<'_> {
    /// Reports `found`, with the progress bar out of the way.
    pub fn report(&mut self, found: &[Finding]) {
        let rep = &mut *self.rep;
        rep.problems += self.progress.suspend(|| {
            let p = report(&mut rep.out, &rep.places, found, rep.json, &mut rep.per_chain);
            if rep.to_terminal {
                let _ = rep.out.flush();
            }
            p
        });
    }
}

/// What a walk hands its check.
pub(super) enum Step<'l> {
    /// A line: its global number (across files), whether it opens its file, its bytes.
    Line { global: u64, first: bool, line: &'l [u8] },
    /// The walk stops at a pretty-printed document: report what is pending now.
    Stopping,
}

/// Reads every line of `files` (stdin for `-`), handing each to `check`. A pretty-printed
/// document stops the walk with `exit::IO` after `check` got [`Step::Stopping`]. Err carries
/// the exit code.
pub(super) fn walk(files: &[String], rep: &mut Reporter, mut check: impl FnMut(&mut Sink, Step)) -> Result<(), i32> {
    let mut progress = Progress::new("verify", input::total_size(files), true);
    let mut global = 0u64;
    let walked = for_each_line(files, MAX_LINE, &mut progress, |progress, file, n, line| {
        global += 1;
        if n == 1 {
            rep.places.push((file.to_string(), global));
        }
        let mut sink = Sink { rep: &mut *rep, progress };
        if opens_multiline_json(line) {
            check(&mut sink, Step::Stopping);
            let _ = rep.out.flush();
            progress.suspend(|| refuse_multiline(file, n));
            return Err(exit::IO);
        }
        check(&mut sink, Step::Line { global, first: n == 1, line });
        Ok(())
    });
    if walked.is_err() {
        let _ = rep.out.flush();
    }
    walked
}

/// Longest line read whole; longer ones are reported unreadable.
pub(super) const MAX_LINE: usize = 1 << 28;

/// Says why a pretty-printed document is not read as records.
pub(super) fn refuse_multiline(file: &str, n: u64) {
    let name = if file == input::STDIN { "stdin" } else { file };
    eprintln!(
        "logseal: {name}: line {n}: a JSON document spread over several lines; verify reads one record per line \
         (write one compact record per line, e.g. with `jq -c .`)"
    );
}

/// Writes findings; returns how many are problems (also counted per chain).
pub(super) fn report(out: &mut impl Write, places: &[(String, u64)], findings: &[Finding], json: bool, per_chain: &mut HashMap<String, u64>) -> u64 {
    let mut problems = 0;
    for f in findings {
        if f.kind.is_problem() {
            problems += 1;
            if let Some(c) = &f.chain {
                match per_chain.get_mut(c) {
                    Some(n) => *n += 1,
                    None => {
                        per_chain.insert(c.clone(), 1);
                    }
                }
            }
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
