//! The CLI's host environment: real files, real environment variables, warnings to stderr.

use logseal::policy::{builtin, Environment, Plan, PolicyError};
use super::exit::io_reason;
use super::policy_source::SourceError;

pub struct StdEnvironment;

impl Environment for StdEnvironment {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        std::fs::read(path).map_err(|e| io_reason(&e))
    }
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn warn(&self, message: &str) {
        eprintln!("logseal: warning: {message}");
    }
}

/// The keys of `purpose` in the keyring at `path`, for the commands that read records back
/// (`verify`, `decrypt`). Errors are reported; Err holds the exit code: I/O when the file
/// cannot be read (missing, a directory, no permission), as for every other file; usage when
/// it was read but is not a keyring or holds no key of the purpose. Demo keys draw a warning.
pub fn load_keyring(path: &str, purpose: logseal::keys::Purpose) -> Result<logseal::keys::KeySet, i32> {
    let text = std::fs::read(path).map_err(|e| {
        eprintln!("logseal: cannot read keyring {path}: {}", io_reason(&e));
        super::exit::IO
    })?;
    let keys = logseal::keyring::parse_keyring(&text, path).map_err(|e| {
        eprintln!("logseal: {e}");
        super::exit::USAGE
    })?;
    let chosen: Vec<_> = keys.into_iter().filter(|k| k.purpose == purpose).collect();
    if chosen.is_empty() {
        eprintln!("logseal: keyring {path} holds no {} keys", purpose.name());
        return Err(super::exit::USAGE);
    }
    for k in chosen.iter().filter(|k| k.is_demo()) {
        eprintln!("logseal: warning: key {} is a demo key from the logseal repository: it protects nothing", k.id);
    }
    Ok(logseal::keys::KeySet::new(chosen))
}


/// Why a policy could not be had.
pub enum LoadError {
    Io(String),
    Policy(PolicyError),
}

/// Loads the policy at `path` (`-`: stdin, key files relative to the working directory; JSON,
/// or YAML as [`super::policy_source`] tells), or the built-in default when `path` is None.
pub fn load_plan(path: Option<&str>) -> Result<Plan, LoadError> {
    let Some(path) = path else {
        return Plan::load(builtin::DEFAULT, &StdEnvironment, None).map_err(LoadError::Policy);
    };
    let source = super::policy_source::read(path).map_err(|e| match e {
        SourceError::Io(msg) => LoadError::Io(msg),
        SourceError::Policy(err) => LoadError::Policy(err),
    })?;
    Plan::load(&source.json, &StdEnvironment, Some(&source.dir)).map_err(LoadError::Policy)
}

/// Loads a plan or reports why not on stderr; Err holds the exit code.
pub fn load_or_report(path: Option<&str>) -> Result<Plan, i32> {
    load_plan(path).map_err(|e| match e {
        LoadError::Io(msg) => {
            eprintln!("logseal: {msg}");
            super::exit::IO
        }
        LoadError::Policy(err) => {
            eprintln!("logseal: policy {} refused: {err}", path.unwrap_or("(built-in default)"));
            super::exit::POLICY
        }
    })
}
