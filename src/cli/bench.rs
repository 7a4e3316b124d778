//! `logseal bench`: in-process throughput of the filter on a file of records.
//! A benchmark, not a test: it reports numbers and asserts nothing.

use super::env::load_or_report;
use super::exit::io_reason;
use super::input::{self, is_blank, or_stdin, STDIN};
use super::exit;
use super::usage::Usage;
use logseal::{Context, Filter};
use std::io::Read;
use std::time::Instant;

pub const USAGE: &str = "logseal bench [--policy FILE] [--runs N] [FILE...]";

pub const ABOUT: &str = "\
Filters every line of each FILE (stdin when no FILE is given, or `-`) in memory: one warm-up
pass, then N timed passes. Prints the median pass as records/s and MB/s of input. Lines that
are corpus rows ({\"record\": {...}, ...}) are benchmarked on their `record` field; blank lines
are skipped.";

pub const EXIT: &str = "\
Exit: 0 measured; 1 policy refused; 2 usage error; 3 a FILE or the policy could not be read.";

/// The arguments of `logseal bench`.
#[derive(clap::Args)]
pub struct BenchArgs {
    /// the policy (default: the built-in default policy)
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// timed passes (default 5)
    #[arg(long, value_name = "N", default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..))]
    runs: u32,
    /// files of records, `-` for stdin (default: stdin)
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}

/// `usage` reports this command's usage errors.
pub fn run(args: BenchArgs, usage: Usage) -> i32 {
    let files = or_stdin(&args.files);
    if args.policy.as_deref() == Some(STDIN) && files.iter().any(|f| f == STDIN) {
        return usage.error("stdin cannot hold both the policy and the records: give the records as FILE");
    }
    let runs = args.runs as usize;
    let plan = match load_or_report(args.policy.as_deref()) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let mut data = Vec::new();
    for file in &files {
        let mut reader = match input::open(file) {
            Ok(i) => i.reader,
            Err(code) => return code,
        };
        if let Err(e) = reader.read_to_end(&mut data) {
            eprintln!("logseal: cannot read {file}: {}", io_reason(&e));
            return exit::IO;
        }
        if !data.is_empty() && !data.ends_with(b"\n") {
            data.push(b'\n');
        }
    }
    let lines = records(&data);
    let bytes: usize = lines.iter().map(Vec::len).sum();
    let mut filter = Filter::new(plan);
    // Sealing policies: a fixed chain id is fine for a measurement.
    filter.start_chain(&[7; logseal::stage::seal::CHAIN_RANDOM_BYTES]);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    let mut out = Vec::new();
    let ctx = Context { time_ns: 1_700_000_000_000_000_000, tag: b"bench", declared_len: None };
    let mut pass = |filter: &mut Filter| {
        let start = Instant::now();
        let mut written = 0usize;
        for line in &lines {
            filter.process(line, &ctx, &mut out);
            written += out.len();
        }
        (start.elapsed().as_secs_f64(), written)
    };
    pass(&mut filter);
    let mut times: Vec<(f64, usize)> = (0..runs).map(|_| pass(&mut filter)).collect();
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (median, written) = times[times.len() / 2];
    let policy = args.policy.as_deref().unwrap_or("built-in default");
    println!(
        "logseal bench: {} records, {:.2} MB in, {:.2} MB out, policy {policy}, {runs} runs",
        lines.len(),
        bytes as f64 / 1e6,
        written as f64 / 1e6
    );
    println!(
        "median pass {:.4} s: {:.0} records/s, {:.1} MB/s",
        median,
        lines.len() as f64 / median,
        bytes as f64 / 1e6 / median
    );
    exit::OK
}

/// The records to run: each line, or its `record` field when the line is a corpus row.
fn records(data: &[u8]) -> Vec<Vec<u8>> {
    data.split(|&b| b == b'\n')
        .filter(|l| !is_blank(l))
        .map(|line| {
            serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("record").filter(|r| r.is_object()).map(|r| r.to_string().into_bytes()))
                .unwrap_or_else(|| line.to_vec())
        })
        .collect()
}
