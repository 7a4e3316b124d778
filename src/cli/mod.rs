//! Command dispatch, argument reading and exit codes.

mod bench;
mod check;
mod env;
mod explain;
mod decrypt;
mod diff;
mod filter;
mod keygen;
mod policy_test;
#[cfg(feature = "serve")]
mod serve;
mod verify;

use logseal::policy::builtin;

/// Exit codes, as documented in `logseal --help` and docs/cli.md.
pub mod exit {
    /// Success (`check`: the policy is valid).
    pub const OK: i32 = 0;
    /// The policy was refused (`check`, `filter`, `bench`).
    pub const POLICY: i32 = 1;
    /// Usage error: unknown command or option, missing argument.
    pub const USAGE: i32 = 2;
    /// Input or output failed: a file could not be read, output could not be written.
    pub const IO: i32 = 3;
}

const HELP: &str = "\
logseal: make log records safe to ship

usage: logseal <command> [options]

commands:
  filter [--policy FILE]         filter NDJSON or plain-text lines from stdin to stdout
  check FILE                     validate a policy and explain what it does
  test POLICY TESTS              run policy unit tests: what must be masked, kept, dropped
  diff [--policy FILE] [FILE...] show each changed record before and after, and why
  policy default|lockdown|schema print a built-in policy or the policy's JSON Schema
  bench [--policy FILE] FILE     measure in-process throughput on the records in FILE
  verify --keys KEYRING FILE...  check sealed records: modified, deleted, reordered, replayed
  decrypt --keys KEYRING FILE... restore encrypted fields for an authorised analyst
  keygen --purpose P FILE        add a new active key to a keyring (mode 0600)
  serve --config FILE            run as a sidecar: filter NDJSON from a socket to a socket

Run `logseal <command> --help` for a command's options.

exit codes:
  0  success
  1  the policy was refused (the message names the JSON path of the fault);
     verify: problems were found; decrypt: some fields could not be restored
  2  usage error
  3  input or output failed
  4  serve: records were lost (the count is on stderr)
  5  serve: refused a plaintext listener on a non-loopback address
";

const POLICY_HELP: &str = "\
usage: logseal policy default|lockdown|schema

  default   the built-in secure default, used when no --policy is given
  lockdown  what a host runs when its own policy cannot be loaded: schema fields pass,
            every other value is masked, and every record carries the load error
  schema    JSON Schema of the policy format, for editors
";

/// Runs the command line `args` (without the program name); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let Some((cmd, rest)) = args.split_first() else {
        eprint!("{HELP}");
        return exit::USAGE;
    };
    match cmd.as_str() {
        "filter" => filter::run(rest),
        "check" => check::run(rest),
        "test" => policy_test::run(rest),
        "diff" => diff::run(rest),
        "policy" => policy(rest),
        "bench" => bench::run(rest),
        "verify" => verify::run(rest),
        "decrypt" => decrypt::run(rest),
        "keygen" => keygen::run(rest),
        #[cfg(feature = "serve")]
        "serve" => serve::run(rest),
        #[cfg(not(feature = "serve"))]
        "serve" => {
            eprintln!("logseal: this build has no `serve` (built without the serve feature)");
            exit::USAGE
        }
        "help" | "--help" | "-h" => {
            print!("{HELP}");
            exit::OK
        }
        "--version" | "-V" => {
            println!("logseal {}", env!("CARGO_PKG_VERSION"));
            exit::OK
        }
        other => usage(&format!("unknown command `{other}`"), HELP),
    }
}

fn policy(args: &[String]) -> i32 {
    let text = match args {
        [which] if which == "default" => builtin::DEFAULT,
        [which] if which == "lockdown" => builtin::LOCKDOWN,
        [which] if which == "schema" => builtin::SCHEMA,
        [h] if is_help(h) => {
            print!("{POLICY_HELP}");
            return exit::OK;
        }
        _ => return usage("expected one of: default, lockdown, schema", POLICY_HELP),
    };
    print!("{text}");
    exit::OK
}

/// Prints a usage error with the command's help and returns the usage exit code.
pub fn usage(problem: &str, help: &str) -> i32 {
    eprintln!("logseal: {problem}\n");
    eprint!("{help}");
    exit::USAGE
}

pub fn is_help(arg: &str) -> bool {
    arg == "--help" || arg == "-h"
}

/// Options shared by the commands: `--name value` pairs and positional arguments.
pub struct Args {
    pub options: Vec<(String, String)>,
    pub flags: Vec<String>,
    pub positional: Vec<String>,
}

impl Args {
    /// Splits `args`; `valued` names options that take a value, `flags` those that do not.
    pub fn parse(args: &[String], valued: &[&str], flags: &[&str]) -> Result<Args, String> {
        let mut out = Args { options: Vec::new(), flags: Vec::new(), positional: Vec::new() };
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(name) = a.strip_prefix("--") {
                let (name, inline) = match name.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (name, None),
                };
                if valued.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => it.next().cloned().ok_or_else(|| format!("--{name} needs a value"))?,
                    };
                    out.options.push((name.to_string(), v));
                } else if flags.contains(&name) && inline.is_none() {
                    out.flags.push(name.to_string());
                } else {
                    return Err(format!("unknown option `{a}`"));
                }
            } else {
                out.positional.push(a.clone());
            }
        }
        Ok(out)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.options.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn has(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}
