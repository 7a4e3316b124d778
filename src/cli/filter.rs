//! `logseal filter`: files or stdin to stdout (or a file), one record per line, in bounded
//! memory.

use super::env::load_or_report;
use super::exit::io_reason;
use super::input::{self, is_blank, or_stdin, read_line_bounded, STDIN};
use super::progress::Progress;
use super::exit;
use super::usage::Usage;
use logseal::stage::notes::tag;
use logseal::stage::redact::kind::Kind;
use logseal::stage::seal::{parse_chain_seed, CHAIN_RANDOM_BYTES};
use logseal::{Context, Filter, Outcome};
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::time::{SystemTime, UNIX_EPOCH};

pub const USAGE: &str = "logseal filter [--policy FILE] [--output FILE] [--stats] [--summary] [--time-ns N]\n                      [--chain-seed HEX] [FILE...]";

pub const ABOUT: &str = "\
Reads log lines from each FILE in order (stdin when no FILE is given, or `-`) and writes one
JSON object per kept record to stdout (or --output FILE).
A line that starts with `{` is a JSON record; any other line becomes {\"message\": ...}.
A blank or whitespace-only line is not a record: it is skipped (and counted as `blank`).
A bad line never stops the stream: it goes out wrapped and marked under `logseal.error`.
A line longer than limits.max_record_bytes is cut and marked; memory stays bounded.
On a terminal (stderr is a TTY) a short summary goes to stderr at the end, and progress
while a long run goes on; never on a pipe or into a file unless --summary asks.";

pub const EXIT: &str = "\
Exit: 0 done; 1 policy refused; 2 usage error; 3 input or output failed (a FILE or the
policy could not be read, the output could not be written).";

/// The arguments of `logseal filter`.
#[derive(clap::Args)]
pub struct FilterArgs {
    /// the policy (default: the built-in default policy)
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// write the records to FILE (made or emptied) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<String>,
    /// print counters as JSON to stderr at the end
    #[arg(long)]
    stats: bool,
    /// print the summary (records in/out, redactions per kind, injections neutralised,
    /// errors) to stderr at the end, even when stderr is not a terminal
    #[arg(long)]
    summary: bool,
    /// use N (nanoseconds since the epoch) as the host time of every record, for
    /// reproducible output in tests
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    time_ns: Option<i64>,
    /// with a sealing policy: start the hash chain from these 16 bytes (32 hex digits)
    /// instead of fresh randomness. For tests only: two runs with one seed make chains a
    /// verifier cannot tell apart
    #[arg(long, value_name = "HEX")]
    chain_seed: Option<String>,
    /// write, per record, which paths changed, by which kind and action (never a value) as
    /// one JSON line to FILE (`-`: stderr); the records themselves are unchanged
    #[arg(long, value_name = "FILE")]
    explain: Option<String>,
    /// files of log lines, `-` for stdin (default: stdin)
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}

/// What the run did, for the summary.
#[derive(Default)]
struct Tally {
    blank: u64,
    redacted: [u64; Kind::COUNT],
    rules: Vec<u64>,
    injections: u64,
    encrypted: u64,
}

impl Tally {
    /// Adds what one record's notes say.
    fn count(&mut self, notes: &logseal::stage::notes::Notes) {
        for (sum, n) in self.redacted.iter_mut().zip(notes.redacted) {
            *sum += u64::from(n);
        }
        for (sum, n) in self.rules.iter_mut().zip(&notes.rules) {
            *sum += u64::from(*n);
        }
        if notes.tags & tag::INJECTION_ATTEMPT != 0 {
            self.injections += 1;
        }
        self.encrypted += u64::from(notes.encrypted);
    }
}

/// `usage` reports this command's usage errors.
pub fn run(args: FilterArgs, usage: Usage) -> i32 {
    let files = or_stdin(&args.files);
    if args.policy.as_deref() == Some(STDIN) && files.iter().any(|f| f == STDIN) {
        return usage.error("stdin cannot hold both the policy and the records: give the records as FILE");
    }
    let plan = match load_or_report(args.policy.as_deref()) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let seed = match args.chain_seed.as_deref().map(parse_chain_seed) {
        None => None,
        Some(Some(s)) => Some(s),
        Some(None) => return usage.error("--chain-seed takes 32 hex digits"),
    };
    if let Some(out) = &args.output {
        if let Some(same) = files.iter().find(|f| same_file(f, out)) {
            return usage.error(&format!("--output {out} is the input {same}: it would be emptied before it is read"));
        }
    }
    let sink: Box<dyn Write> = match &args.output {
        None => Box::new(io::stdout().lock()),
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("logseal: cannot write {path}: {}", io_reason(&e));
                return exit::IO;
            }
        },
    };
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let cap = plan.limits.max_record_bytes as usize + 1;
    let mut filter = Filter::new(plan);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    if filter.plan().sealer.is_some() {
        let random = seed.or_else(|| {
            let mut r = [0u8; CHAIN_RANDOM_BYTES];
            getrandom::fill(&mut r).ok().map(|()| r)
        });
        match random {
            Some(r) => filter.start_chain(&r),
            // Never a guessable chain id: records go out unsealed and marked instead.
            None => eprintln!("logseal: no randomness for the hash chain; records go out unsealed and marked"),
        }
    }
    let summarise = args.summary || io::stderr().is_terminal();
    let mut tally = Tally { rules: vec![0; filter.plan().redactor.rules().len()], ..Tally::default() };
    // Progress would garble records written to the same terminal.
    let mut progress = Progress::new("filter", input::total_size(&files), !to_terminal);
    let mut output = BufWriter::with_capacity(1 << 16, sink);
    let explain: Option<Box<dyn Write>> = match args.explain.as_deref() {
        None => None,
        Some("-") => Some(Box::new(io::stderr())),
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Some(Box::new(BufWriter::new(f))),
            Err(e) => {
                eprintln!("logseal: cannot write {path}: {}", io_reason(&e));
                return exit::IO;
            }
        },
    };
    let mut run = Run { filter: &mut filter, cap, fixed_time: args.time_ns, summarise, tally: &mut tally, explain: explain.map(|w| (w, 0)) };
    let mut result = Ok(());
    for file in &files {
        let mut input = match input::open(file) {
            Ok(i) => i,
            Err(code) => {
                result = Err(Failure::Reported(code));
                break;
            }
        };
        result = run.stream(&mut input.reader, &mut output, &mut progress, file);
        if result.is_err() {
            break;
        }
    }
    let explained = match &mut run.explain {
        Some((sink, _)) => sink.flush().map_err(Failure::Write),
        None => Ok(()),
    };
    let result = result.and(explained).and_then(|()| output.flush().map_err(Failure::Write));
    progress.finish();
    if args.stats {
        eprintln!("{}", stats_json(&filter.stats_json(), tally.blank));
    }
    if summarise {
        eprint!("{}", summary(&filter, &tally));
    }
    match result {
        Ok(()) => exit::OK,
        // A closed pipe (`logseal filter | head`) is the reader's choice, not a failure.
        Err(Failure::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err(Failure::Write(e)) => {
            let what = args.output.as_deref().unwrap_or("stdout");
            eprintln!("logseal: cannot write {what}: {}", io_reason(&e));
            exit::IO
        }
        Err(Failure::Read(file, e)) => {
            eprintln!("logseal: cannot read {file}: {}", io_reason(&e));
            exit::IO
        }
        Err(Failure::Reported(code)) => code,
    }
}

enum Failure {
    Read(String, io::Error),
    Write(io::Error),
    /// Already said on stderr.
    Reported(i32),
}

/// The filter and what a run keeps across its inputs.
struct Run<'a> {
    filter: &'a mut Filter,
    cap: usize,
    fixed_time: Option<i64>,
    summarise: bool,
    tally: &'a mut Tally,
    /// `--explain`: where each record's changes go, and the input line number.
    explain: Option<(Box<dyn Write>, u64)>,
}

impl Run<'_> {
    /// Filters every line of one input into `output`.
    fn stream<R: Read>(
        &mut self,
        input: &mut io::BufReader<R>,
        output: &mut impl Write,
        progress: &mut Progress,
        name: &str,
    ) -> Result<(), Failure> {
        let (mut line, mut out) = (Vec::new(), Vec::new());
        loop {
            let full_len = match read_line_bounded(input, &mut line, self.cap) {
                Ok(Some(n)) => n,
                Ok(None) => return Ok(()),
                Err(e) => return Err(Failure::Read(name.to_string(), e)),
            };
            progress.advance(full_len + 1);
            if let Some((_, n)) = &mut self.explain {
                *n += 1;
            }
            let cut = full_len > line.len() as u64;
            if !cut && is_blank(&line) {
                self.tally.blank += 1;
                continue;
            }
            let ctx = Context {
                time_ns: self.fixed_time.unwrap_or_else(now_ns),
                tag: b"",
                declared_len: cut.then_some(full_len),
            };
            let outcome = self.filter.process(&line, &ctx, &mut out);
            if self.summarise && outcome != Outcome::Dropped {
                self.tally.count(self.filter.notes());
            }
            if let Some((sink, n)) = &mut self.explain {
                let kept = (outcome != Outcome::Dropped).then_some(&out[..]);
                writeln!(sink, "{}", super::explain::record_line(*n, &line, kept)).map_err(Failure::Write)?;
            }
            if outcome != Outcome::Dropped {
                out.push(b'\n');
                output.write_all(&out).map_err(Failure::Write)?;
            }
            // Streaming: when no more input is waiting, what was filtered goes out now.
            if input.buffer().is_empty() {
                output.flush().map_err(Failure::Write)?;
            }
        }
    }
}

/// The core's counters with the blank lines skipped added as `blank`.
fn stats_json(counters: &str, blank: u64) -> String {
    match counters.strip_suffix('}') {
        Some(body) => format!("{body},\"blank\":{blank}}}"),
        None => counters.to_string(),
    }
}

/// The end-of-run summary: a few lines a person reads at a glance.
fn summary(filter: &Filter, t: &Tally) -> String {
    let c = filter.counters();
    let mut s = format!("logseal filter: {} records in, {} out", c.records, c.emitted);
    if c.dropped > 0 {
        s.push_str(&format!(
            " ({} dropped: {} sampled out, {} rate limited, {} duplicates)",
            c.dropped, c.sampled_out, c.rate_limited, c.duplicates
        ));
    }
    if t.blank > 0 {
        s.push_str(&format!("; {} blank lines skipped", t.blank));
    }
    s.push('\n');
    let mut kinds: Vec<(String, u64)> = Kind::ALL
        .iter()
        .zip(t.redacted)
        .filter(|(_, n)| *n > 0)
        .map(|(k, n)| (k.name().to_string(), n))
        .collect();
    kinds.extend(filter.plan().redactor.rules().iter().zip(&t.rules).filter(|(_, n)| **n > 0).map(|(r, n)| (r.name.clone(), *n)));
    let total: u64 = kinds.iter().map(|(_, n)| n).sum();
    if kinds.is_empty() {
        s.push_str("  redacted: nothing\n");
    } else {
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        s.push_str(&format!("  redacted: {total} values ({})\n", list.join(", ")));
    }
    if t.encrypted > 0 {
        s.push_str(&format!("  encrypted: {} values\n", t.encrypted));
    }
    s.push_str(&format!("  injection neutralised: {} records\n", t.injections));
    s.push_str(&format!("  errors: {} records (marked under logseal.error)\n", c.errors));
    if c.sealed > 0 {
        s.push_str(&format!("  sealed: {} records\n", c.sealed));
    }
    s
}

/// True when `a` and `b` name one existing file (so writing one empties the other).
fn same_file(a: &str, b: &str) -> bool {
    if a == STDIN {
        return false;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_gain_the_blank_count() {
        assert_eq!(stats_json(r#"{"records":2,"sealed":0}"#, 3), r#"{"records":2,"sealed":0,"blank":3}"#);
    }
}
