//! `logseal diff`: each record's input and output side by side, the changed part highlighted
//! on a terminal, with what changed it (kind, action, value or span), so a policy can be seen
//! at work on a sample before it ships. It shows the input as it came: run it on sample data
//! in a terminal, never into shared logs.

use super::env::load_or_report;
use super::input::for_each_line;
use super::progress::Progress;
use super::explain::{changes, lookup as at, Change};
use super::exit;
use logseal::{Context, Filter, Outcome};
use serde_json::Value;
use std::io::{IsTerminal, Write};

pub const ABOUT: &str = "\
Filters the records of FILE (stdin without FILE, or `-`) and prints, for each record the
policy changed, the changed fields before and after, with the kind and action that changed
them. Dropped records are listed as dropped; --all lists unchanged records too.
The input is shown as it came, secrets included: use it on sample data, in a terminal.";

pub const EXIT: &str = "Exit: 0 done; 1 policy refused; 2 usage; 3 a file could not be read.";

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// The arguments of `logseal diff`.
#[derive(clap::Args)]
pub struct DiffArgs {
    /// the policy (default: the built-in default policy)
    #[arg(long, value_name = "FILE")]
    policy: Option<String>,
    /// list unchanged records too
    #[arg(long)]
    all: bool,
    /// colour the changed parts (auto: when stdout is a terminal)
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    color: Color,
    /// the host time of every record, in nanoseconds since the epoch
    #[arg(long, value_name = "N", allow_hyphen_values = true)]
    time_ns: Option<i64>,
    /// record files; `-` or none: stdin
    #[arg(value_name = "FILE")]
    files: Vec<String>,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const DIM: &str = "\x1b[2m";
const RESET: &str = "\x1b[0m";

pub fn run(args: DiffArgs) -> i32 {
    let color = match args.color {
        Color::Auto => std::io::stdout().is_terminal(),
        Color::Always => true,
        Color::Never => false,
    };
    let time_ns = args
        .time_ns
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64));
    let files = if args.files.is_empty() { vec!["-".to_string()] } else { args.files.clone() };
    let plan = match load_or_report(args.policy.as_deref()) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let max = plan.limits.max_record_bytes as usize + 1;
    let mut filter = Filter::new(plan);
    filter.start_chain(&[7; logseal::stage::seal::CHAIN_RANDOM_BYTES]);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut filtered = Vec::new();
    let (mut shown, mut records) = (0u64, 0u64);
    let mut progress = Progress::new("diff", None, false);
    let walked = for_each_line(&files, max, &mut progress, |_, file, n, line| {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        records += 1;
        let outcome = filter.process(line, &Context { time_ns, tag: b"", declared_len: None }, &mut filtered);
        let text = String::from_utf8_lossy(line);
        let place = if files.len() > 1 { format!("{file}:{n}") } else { format!("line {n}") };
        let written = if outcome == Outcome::Dropped {
            shown += 1;
            writeln!(out, "{place}: dropped (sampling)")
        } else {
            let output: Value = serde_json::from_slice(&filtered).unwrap_or(Value::Null);
            match serde_json::from_str::<Value>(&text) {
                Ok(input @ Value::Object(_)) => {
                    let list = changes(&input, &output);
                    if list.is_empty() && !args.all {
                        return Ok(());
                    }
                    shown += 1;
                    fields(&mut out, &place, &input, &output, &list, color)
                }
                // A text line (or broken JSON): the line, then the message it became, or the
                // record a text format read it into.
                _ => match output.get("message").and_then(Value::as_str) {
                    Some(message) if message == text && !args.all => return Ok(()),
                    Some(message) => {
                        shown += 1;
                        let (b, a) = paint(&text, message, color);
                        writeln!(out, "{place}: text line\n  {b}\n    -> {a}")
                    }
                    None => {
                        shown += 1;
                        let after = String::from_utf8_lossy(&filtered);
                        writeln!(out, "{place}: text line, read into fields\n  {text}\n    -> {after}")
                    }
                },
            }
        };
        written.map_err(|_| exit::IO)
    });
    let _ = writeln!(out, "{shown} of {records} records shown");
    if out.flush().is_err() {
        return exit::IO;
    }
    match walked {
        Ok(()) => exit::OK,
        Err(code) => code,
    }
}

/// The changed fields of one record, before and after.
fn fields(out: &mut impl Write, place: &str, input: &Value, output: &Value, list: &[Change], color: bool) -> std::io::Result<()> {
    writeln!(out, "{place}:")?;
    if list.is_empty() {
        return writeln!(out, "  unchanged");
    }
    let mut last = "";
    for c in list {
        let why = format!("{}, {}, {}", c.kind, c.action, c.scope);
        if c.path == last {
            writeln!(out, "    {}({why}){}", if color { DIM } else { "" }, if color { RESET } else { "" })?;
            continue;
        }
        last = &c.path;
        let before = at(input, &c.path).map_or("(absent)".to_string(), |v| v.to_string());
        let after = at(output, &c.path).map_or("(removed)".to_string(), |v| v.to_string());
        let (b, a) = paint(&before, &after, color);
        writeln!(out, "  {}: {b}\n    -> {a}  {}({why}){}", c.path, if color { DIM } else { "" }, if color { RESET } else { "" })?;
    }
    Ok(())
}

/// Both texts with the part between their common prefix and suffix coloured (removed in red,
/// what replaced it in green); unchanged without colour.
fn paint(before: &str, after: &str, color: bool) -> (String, String) {
    if !color {
        return (before.to_string(), after.to_string());
    }
    let prefix = before.char_indices().zip(after.chars()).take_while(|((_, a), b)| a == b).last().map_or(0, |((i, a), _)| i + a.len_utf8());
    let rest_b = &before[prefix..];
    let rest_a = &after[prefix..];
    let suffix = rest_b.chars().rev().zip(rest_a.chars().rev()).take_while(|(a, b)| a == b).map(|(a, _)| a.len_utf8()).sum::<usize>();
    let (mid_b, mid_a) = (&rest_b[..rest_b.len() - suffix], &rest_a[..rest_a.len() - suffix]);
    let tail = &before[before.len() - suffix..];
    (
        format!("{}{RED}{mid_b}{RESET}{tail}", &before[..prefix]),
        format!("{}{GREEN}{mid_a}{RESET}{tail}", &after[..prefix]),
    )
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_middle_is_coloured_and_plain_text_stays_plain() {
        assert_eq!(paint("card 4111 ok", "card [X] ok", false), ("card 4111 ok".into(), "card [X] ok".into()));
        let (b, a) = paint("card 4111 ok", "card [X] ok", true);
        assert_eq!(b, format!("card {RED}4111{RESET} ok"));
        assert_eq!(a, format!("card {GREEN}[X]{RESET} ok"));
        let (b, a) = paint("é1é", "é2é", true);
        assert_eq!((b, a), (format!("é{RED}1{RESET}é"), format!("é{GREEN}2{RESET}é")));
    }
}
