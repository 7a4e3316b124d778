//! The line walk both verifiers share (`verify --keys` and `verify --public-key`): every input
//! line numbered across files, pretty-printed documents refused, findings reported as they come
//! (progress bar suspended, flushed at once on a terminal), problems counted in total and per
//! chain.

use super::exit;
use super::input::{self, for_each_line, opens_multiline_json};
use super::progress::Progress;
use super::verify::{refuse_multiline, report, MAX_LINE};
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
