//! Command dispatch, argument reading (clap) and exit codes.

mod bench;
mod check;
mod decrypt;
mod diff;
mod env;
mod explain;
mod filter;
mod input;
mod keygen;
mod policy_source;
mod policy_test;
mod progress;
#[cfg(feature = "serve")]
mod serve;
mod verify;
mod verify_public;
mod verify_walk;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use logseal::policy::builtin;
use std::ffi::OsString;

pub mod exit;
mod usage;

use exit::print_all;
use usage::Usage;

const ABOUT: &str = "make log records safe to ship";

const TOP_TEMPLATE: &str = "\
logseal: {about}

usage: {usage}

commands:
{subcommands}

Run `logseal <command> --help` for a command's options.{after-help}";

const SUB_TEMPLATE: &str = "\
usage: {usage}

{about-with-newline}
{all-args}{after-help}";

const EXIT_CODES: &str = "\
exit codes:
  0  success
  1  the policy was refused (the message names the JSON path of the fault);
     verify: problems were found; decrypt: some fields could not be restored
  2  usage error; a keyring or verify state file that is not one
  3  input or output failed: a file (records, policy, keyring, state) could not be read,
     input is not one record per line, or output could not be written
  4  serve: records were lost (the count is on stderr)
  5  serve: refused a plaintext listener on a non-loopback address";

/// The `logseal` command line.
#[derive(Parser)]
#[command(
    name = "logseal",
    version,
    about = ABOUT,
    override_usage = "logseal <command> [options]",
    help_template = TOP_TEMPLATE,
    after_help = EXIT_CODES,
    arg_required_else_help = true
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(
        about = "filter NDJSON or plain-text lines (files or stdin) to stdout or a file",
        long_about = filter::ABOUT,
        override_usage = filter::USAGE,
        after_help = filter::EXIT
    )]
    Filter(filter::FilterArgs),
    #[command(
        about = "validate a policy (a file, or - for stdin) and explain what it does",
        long_about = check::ABOUT,
        override_usage = "logseal check FILE|-",
        after_help = check::EXIT
    )]
    Check(check::CheckArgs),
    #[command(
        about = "run policy unit tests: what must be masked, kept, dropped",
        long_about = policy_test::ABOUT,
        override_usage = "logseal test POLICY TESTS [--json]",
        after_help = policy_test::EXIT
    )]
    Test(policy_test::TestArgs),
    #[command(
        about = "show each changed record before and after, and what changed it",
        long_about = diff::ABOUT,
        override_usage = "logseal diff [--policy FILE] [--all] [--color auto|always|never] [--time-ns N] [FILE...]",
        after_help = diff::EXIT
    )]
    Diff(diff::DiffArgs),
    #[command(
        about = "print a built-in policy, the policy's JSON Schema, or a policy file as JSON",
        override_usage = "logseal policy default|lockdown|schema\n       logseal policy json FILE",
        after_help = "Exit: 0 printed; 1 (json) the policy was refused; 2 usage error; 3 (json) FILE could not be read."
    )]
    Policy {
        /// the policy or schema to print
        #[arg(value_enum, value_name = "WHICH")]
        which: Builtin,
        /// (json) the policy, JSON or YAML, to validate and print as JSON for hosts that read JSON only
        #[arg(value_name = "FILE")]
        file: Option<String>,
    },
    #[command(
        about = "measure in-process throughput on the records in files (or stdin)",
        long_about = bench::ABOUT,
        override_usage = bench::USAGE,
        after_help = bench::EXIT
    )]
    Bench(bench::BenchArgs),
    #[command(
        about = "check sealed records: modified, deleted, reordered, replayed",
        long_about = verify::ABOUT,
        override_usage = verify::USAGE,
        after_help = verify::EXIT
    )]
    Verify(verify::VerifyArgs),
    #[command(
        about = "restore encrypted fields for an authorised analyst",
        long_about = decrypt::ABOUT,
        override_usage = decrypt::USAGE,
        after_help = decrypt::EXIT
    )]
    Decrypt(decrypt::DecryptArgs),
    #[command(
        about = "add a new active key to a keyring (mode 0600)",
        long_about = keygen::ABOUT,
        override_usage = keygen::USAGE,
        after_help = keygen::EXIT
    )]
    Keygen(keygen::KeygenArgs),
    /// `serve` reads its own arguments (src/cli/serve): they are handed over unparsed.
    #[command(
        about = "run as a sidecar: filter NDJSON from a socket to a socket",
        override_usage = "logseal serve [--config FILE] [--policy FILE] [--listen ADDR] [--forward ADDR]\n                     [--admin ADDR] [--workers N]",
        after_help = "Run `logseal serve --help` for its options and exit codes.",
        disable_help_flag = true
    )]
    Serve {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true, num_args = 0.., value_name = "ARGS")]
        args: Vec<String>,
    },
    #[command(
        about = "print a shell completion script (bash, zsh, fish, elvish, powershell)",
        override_usage = "logseal completions bash|zsh|fish",
        long_about = "Prints a completion script for SHELL on stdout. For example:\n  logseal completions bash > /etc/bash_completion.d/logseal\n  logseal completions zsh > \"${fpath[1]}/_logseal\"\n  logseal completions fish > ~/.config/fish/completions/logseal.fish",
        after_help = "Exit: 0 printed; 2 usage error; 3 stdout could not be written."
    )]
    Completions {
        /// the shell to complete for
        #[arg(value_enum, value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    #[command(
        about = "print the man page (roff) of logseal or of one of its commands",
        override_usage = "logseal man [COMMAND]",
        long_about = "Prints the man page of logseal (or of COMMAND: logseal-COMMAND(1)) in roff on stdout.\nFor example: logseal man | man -l -",
        after_help = "Exit: 0 printed; 2 usage error (no such command); 3 stdout could not be written."
    )]
    Man {
        /// a command, for its own page
        #[arg(value_name = "COMMAND")]
        command: Option<String>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Builtin {
    /// the built-in secure default, used when no --policy is given
    Default,
    /// what a host runs when its own policy cannot be loaded: schema fields pass, every
    /// other value is masked, and every record carries the load error
    Lockdown,
    /// JSON Schema of the policy format, for editors
    Schema,
    /// FILE (JSON or YAML) validated and printed as JSON, for hosts that load JSON only
    Json,
}

/// The whole command tree, with the help layout every command shares.
fn command() -> clap::Command {
    let mut cmd = Cli::command()
        .args_override_self(true)
        .max_term_width(100)
        .mut_subcommands(|c| c.help_template(SUB_TEMPLATE).args_override_self(true).max_term_width(100));
    cmd.build();
    cmd
}

/// Runs the command line `args` (with the program name first); returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    let matches = match command().try_get_matches_from(&args) {
        Ok(m) => m,
        Err(e) => return parse_error(e, &args),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(c) => c,
        Err(e) => return parse_error(e, &args),
    };
    match cli.command {
        Command::Filter(a) => filter::run(a, Usage::new("filter", command)),
        Command::Check(a) => check::run(a),
        Command::Test(a) => policy_test::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Policy { which, file } => {
            let text = match (which, file) {
                (Builtin::Json, Some(file)) => return policy_source::print_json(&file),
                (Builtin::Json, None) => return Usage::new("policy", command).error("policy json needs the FILE to print"),
                (_, Some(_)) => return Usage::new("policy", command).error("only `policy json` takes a FILE"),
                (Builtin::Default, None) => builtin::DEFAULT,
                (Builtin::Lockdown, None) => builtin::LOCKDOWN,
                (Builtin::Schema, None) => builtin::SCHEMA,
            };
            print_all(text.as_bytes())
        }
        Command::Bench(a) => bench::run(a, Usage::new("bench", command)),
        Command::Verify(a) => verify::run(a, Usage::new("verify", command)),
        Command::Decrypt(a) => decrypt::run(a, Usage::new("decrypt", command)),
        Command::Keygen(a) => keygen::run(a, Usage::new("keygen", command)),
        #[cfg(feature = "serve")]
        Command::Serve { args } => serve::run(&args),
        #[cfg(not(feature = "serve"))]
        Command::Serve { .. } => {
            eprintln!("logseal: this build has no `serve` (built without the serve feature)");
            exit::USAGE
        }
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut command(), "logseal", &mut out);
            print_all(&out)
        }
        Command::Man { command: name } => man(name.as_deref()),
    }
}

/// `logseal man [COMMAND]`: the page of logseal or of one command, in roff.
fn man(name: Option<&str>) -> i32 {
    let top = command();
    let page = match name {
        None => top,
        Some(name) => match top.find_subcommand(name) {
            Some(sub) => {
                let title = format!("logseal-{name}");
                sub.clone().name(title.clone()).bin_name(title).version(env!("CARGO_PKG_VERSION"))
            }
            None => return Usage::new("man", command).error(&format!("no command `{name}`")),
        },
    };
    let mut out = Vec::new();
    if clap_mangen::Man::new(page).render(&mut out).is_err() {
        return exit::IO;
    }
    print_all(&out)
}


/// Help and version go to stdout with 0; a usage error goes to stderr, with the help of the
/// command it was for, and exits with the usage code.
fn parse_error(e: clap::Error, args: &[OsString]) -> i32 {
    use clap::error::ErrorKind;
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            return match e.print() {
                Ok(()) => exit::OK,
                Err(_) => exit::IO,
            };
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            return exit::USAGE;
        }
        _ => {}
    }
    let text = e.render().to_string();
    // clap's message without its own usage lines: ours follow, with the command's help.
    let problem: Vec<&str> = text
        .lines()
        .take_while(|l| !l.starts_with("Usage:"))
        .filter(|l| !l.starts_with("For more information"))
        .collect();
    let problem = problem.join("\n");
    let problem = problem.trim().trim_start_matches("error: ");
    // The command the arguments were for: the first one that names a command.
    let top = command();
    let sub = args
        .iter()
        .skip(1)
        .filter_map(|a| a.to_str())
        .find(|a| !a.starts_with('-'))
        .and_then(|a| top.find_subcommand(a))
        .map(|c| c.get_name().to_string());
    match sub {
        Some(name) => usage::usage_in(&mut command(), &name, problem),
        None => {
            eprintln!("logseal: {problem}\n");
            eprint!("{}", command().render_help());
            exit::USAGE
        }
    }
}
