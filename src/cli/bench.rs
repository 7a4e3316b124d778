//! `logseal bench`: in-process throughput of the filter on a file of records.
//! A benchmark, not a test: it reports numbers and asserts nothing.

use super::env::{io_reason, load_or_report};
use super::{exit, is_help, usage, Args};
use logseal::{Context, Filter};
use std::time::Instant;

const HELP: &str = "\
usage: logseal bench [--policy FILE] [--runs N] FILE

Filters every line of FILE in memory: one warm-up pass, then N timed passes (default 5).
Prints the median pass as records/s and MB/s of input. Lines that are corpus rows
({\"record\": {...}, ...}) are benchmarked on their `record` field.
";

pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| is_help(a)) {
        print!("{HELP}");
        return exit::OK;
    }
    let args = match Args::parse(args, &["policy", "runs"], &[]) {
        Ok(a) => a,
        Err(e) => return usage(&e, HELP),
    };
    let [file] = &args.positional[..] else {
        return usage("bench takes one file of records", HELP);
    };
    let runs = match args.get("runs").map(str::parse::<usize>) {
        None => 5,
        Some(Ok(n)) if n > 0 => n,
        _ => return usage("--runs takes a positive integer", HELP),
    };
    let plan = match load_or_report(args.get("policy")) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("logseal: cannot read {file}: {}", io_reason(&e));
            return exit::IO;
        }
    };
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
    let policy = args.get("policy").unwrap_or("built-in default");
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
        .filter(|l| !l.is_empty())
        .map(|line| {
            serde_json::from_slice::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("record").filter(|r| r.is_object()).map(|r| r.to_string().into_bytes()))
                .unwrap_or_else(|| line.to_vec())
        })
        .collect()
}
