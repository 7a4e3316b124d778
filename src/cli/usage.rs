//! How a command reports a usage error: the problem, then the help of the command it was for,
//! on stderr, and the usage exit code. A leaf: the dispatcher (`cli/mod.rs`) hands each command
//! a [`Usage`] that renders the command tree it owns, so no command reaches up into it.

use super::exit;

/// The usage errors of one command: its name in the command tree, and the tree to render
/// its help from (built only when an error is reported).
#[derive(Clone, Copy)]
pub struct Usage {
    name: &'static str,
    tree: fn() -> clap::Command,
}

impl Usage {
    /// The usage errors of command `name` of the tree `tree` builds.
    pub fn new(name: &'static str, tree: fn() -> clap::Command) -> Usage {
        Usage { name, tree }
    }

    /// Prints `problem` with the command's help and returns the usage exit code.
    pub fn error(&self, problem: &str) -> i32 {
        usage_in(&mut (self.tree)(), self.name, problem)
    }
}

/// Prints a usage error with the help of command `name` of `top` (of `top` itself when it has
/// no such command) and returns the usage exit code.
pub fn usage_in(top: &mut clap::Command, name: &str, problem: &str) -> i32 {
    eprintln!("logseal: {problem}\n");
    match top.find_subcommand_mut(name) {
        Some(sub) => eprint!("{}", sub.render_help()),
        None => eprint!("{}", top.render_help()),
    }
    exit::USAGE
}

/// Prints a usage error with the help text `help` and returns the usage exit code (for
/// `serve`, which reads its own arguments).
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
pub fn usage(problem: &str, help: &str) -> i32 {
    eprintln!("logseal: {problem}\n");
    eprint!("{help}");
    exit::USAGE
}

/// Whether `arg` asks for help (for `serve`, which reads its own arguments).
#[cfg_attr(not(feature = "serve"), allow(dead_code))]
pub fn is_help(arg: &str) -> bool {
    arg == "--help" || arg == "-h"
}
