//! `logseal filter`: stdin to stdout, one record per line, in bounded memory.

use super::env::{io_reason, load_or_report};
use super::{exit, is_help, usage, Args};
use logseal::stage::seal::{parse_chain_seed, CHAIN_RANDOM_BYTES};
use logseal::{Context, Filter, Outcome};
use std::io::{self, BufRead, BufWriter, Write};
use std::time::{SystemTime, UNIX_EPOCH};

const HELP: &str = "\
usage: logseal filter [--policy FILE] [--stats] [--time-ns N] [--chain-seed HEX]

Reads log lines from stdin and writes one JSON object per kept record to stdout.
A line that starts with `{` is a JSON record; any other line becomes {\"message\": ...}.
A bad line never stops the stream: it goes out wrapped and marked under `logseal.error`.
A line longer than limits.max_record_bytes is cut and marked; memory stays bounded.

  --policy FILE  the policy (default: the built-in default policy)
  --stats        print counters as JSON to stderr at the end
  --time-ns N    use N (nanoseconds since the epoch) as the host time of every record,
                 for reproducible output in tests
  --chain-seed HEX
                 with a sealing policy: start the hash chain from these 16 bytes (32 hex
                 digits) instead of fresh randomness. For tests only: two runs with one
                 seed make chains a verifier cannot tell apart

Exit: 0 done; 1 policy refused; 2 usage; 3 input or output failed.
";

pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| is_help(a)) {
        print!("{HELP}");
        return exit::OK;
    }
    let args = match Args::parse(args, &["policy", "time-ns", "chain-seed"], &["stats"]) {
        Ok(a) if a.positional.is_empty() => a,
        Ok(_) => return usage("filter reads stdin and takes no file arguments", HELP),
        Err(e) => return usage(&e, HELP),
    };
    let fixed_time = match args.get("time-ns").map(str::parse::<i64>) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => return usage("--time-ns takes an integer", HELP),
    };
    let plan = match load_or_report(args.get("policy")) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let seed = match args.get("chain-seed").map(parse_chain_seed) {
        None => None,
        Some(Some(s)) => Some(s),
        Some(None) => return usage("--chain-seed takes 32 hex digits", HELP),
    };
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
    let mut input = io::BufReader::with_capacity(1 << 16, io::stdin().lock());
    let mut output = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    let (mut line, mut out) = (Vec::new(), Vec::new());
    let result = loop {
        let full_len = match read_line_bounded(&mut input, &mut line, cap) {
            Ok(Some(n)) => n,
            Ok(None) => break Ok(()),
            Err(e) => break Err(("cannot read stdin", e)),
        };
        let ctx = Context {
            time_ns: fixed_time.unwrap_or_else(now_ns),
            tag: b"",
            declared_len: (full_len > line.len() as u64).then_some(full_len),
        };
        if filter.process(&line, &ctx, &mut out) == Outcome::Dropped {
            continue;
        }
        out.push(b'\n');
        if let Err(e) = output.write_all(&out) {
            break Err(("cannot write stdout", e));
        }
        // Streaming: when no more input is waiting, what was filtered goes out now.
        if input.buffer().is_empty() {
            if let Err(e) = output.flush() {
                break Err(("cannot write stdout", e));
            }
        }
    };
    let result = result.and_then(|()| output.flush().map_err(|e| ("cannot write stdout", e)));
    if args.has("stats") {
        eprintln!("{}", filter.stats_json());
    }
    match result {
        Ok(()) => exit::OK,
        // A closed pipe (`logseal filter | head`) is the reader's choice, not a failure.
        Err((_, e)) if e.kind() == io::ErrorKind::BrokenPipe => exit::OK,
        Err((what, e)) => {
            eprintln!("logseal: {what}: {}", io_reason(&e));
            exit::IO
        }
    }
}


fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}

/// Reads one line into `buf` (without its `\n`), keeping at most `cap` bytes and skipping the
/// rest, so an endless line cannot exhaust memory. Returns the line's full length, or None at
/// the end of input.
pub fn read_line_bounded(input: &mut impl BufRead, buf: &mut Vec<u8>, cap: usize) -> io::Result<Option<u64>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match input.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(any.then_some(total));
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(buf.len());
        buf.extend_from_slice(&chunk[..take.min(room)]);
        total += take as u64;
        input.consume(if done { take + 1 } else { take });
        if done {
            return Ok(Some(total));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_lines_keep_a_prefix_and_report_the_full_length() {
        let data = b"short\n0123456789abcdef\nlast";
        let mut r = io::BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(5));
        assert_eq!(buf, b"short");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(16));
        assert_eq!(buf, b"01234567");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(4));
        assert_eq!(buf, b"last");
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), None);
    }

    #[test]
    fn empty_lines_are_lines() {
        let mut r = io::BufReader::new(&b"\n\n"[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(0));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), Some(0));
        assert_eq!(read_line_bounded(&mut r, &mut buf, 8).unwrap(), None);
    }
}
