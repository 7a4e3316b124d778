//! How a command ends: its exit code, as documented in `logseal --help` and docs/cli.md, and the
//! reason of an I/O failure as the messages give it. A leaf: every command uses it and it uses
//! none of them.

use std::io::Write;

/// Success (`check`: the policy is valid).
pub const OK: i32 = 0;
/// The policy was refused (`check`, `filter`, `bench`); `verify`: problems were found;
/// `decrypt`: some fields could not be restored.
pub const POLICY: i32 = 1;
/// Usage error: unknown command or option, missing or bad argument; a keyring or state
/// file that was read but is not one.
pub const USAGE: i32 = 2;
/// Input or output failed: a file (records, policy, keyring, state) could not be read,
/// input is not one record per line, output could not be written.
pub const IO: i32 = 3;

/// An I/O error's reason without the OS error number noise.
pub fn io_reason(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// Writes `bytes` to stdout; a closed or failing stdout is the I/O exit code.
pub fn print_all(bytes: &[u8]) -> i32 {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Ok(()) => OK,
        Err(e) => {
            eprintln!("logseal: cannot write stdout: {}", io_reason(&e));
            IO
        }
    }
}
