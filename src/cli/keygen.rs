//! `logseal keygen`: make keys, one keyring file per purpose, readable by its owner only.

use super::env::io_reason;
use super::{exit, usage_in};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use logseal::keys::{parse_keyring, Purpose};

pub const USAGE: &str = "logseal keygen --purpose seal|hash|encrypt|sample [--id ID] FILE";

pub const ABOUT: &str = "\
Adds a new 32-byte key from the operating system's randomness to the keyring FILE (made
when missing, with mode 0600) and makes it the active key of its purpose: new records use
it, the older keys still verify or decrypt. Keep one keyring per purpose, so each can be
handed only to those who need it (seal keys to verifiers, encryption keys to analysts).
Prints the new key's id, never its secret.";

pub const EXIT: &str = "\
Exit: 0 written; 2 usage error, or FILE is not a keyring; 3 FILE could not be read or written.";

/// The arguments of `logseal keygen`.
#[derive(clap::Args)]
pub struct KeygenArgs {
    /// seal (hash chains), hash (pseudonyms), encrypt (AES-256-GCM), sample
    #[arg(long, value_name = "P")]
    purpose: Option<String>,
    /// the key id (default: PURPOSE-<8 random hex digits>); `demo-` is reserved
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// the keyring file
    #[arg(value_name = "FILE")]
    file: String,
}

pub fn run(args: KeygenArgs) -> i32 {
    let file = &args.file;
    let Some(purpose) = args.purpose.as_deref().and_then(Purpose::from_name) else {
        return usage_in("keygen", "--purpose must be one of: seal, hash, encrypt, sample");
    };
    let mut random = [0u8; 36];
    if getrandom::fill(&mut random).is_err() {
        eprintln!("logseal: the operating system gave no randomness; no key written");
        return exit::IO;
    }
    let id = match args.id.as_deref() {
        Some(id) if id.is_empty() || id.starts_with("demo-") || id.len() > 128 || id.chars().any(char::is_control) => {
            return usage_in("keygen", "--id must be 1 to 128 printable characters and not start with demo-")
        }
        Some(id) => id.to_string(),
        None => format!("{}-{}", purpose.name(), random[32..].iter().map(|b| format!("{b:02x}")).collect::<String>()),
    };
    // An existing keyring is validated first and keeps its keys; the new one becomes active.
    let mut doc = match std::fs::read(file) {
        Ok(text) => {
            if let Err(e) = parse_keyring(&text, file) {
                eprintln!("logseal: {e}");
                return exit::USAGE;
            }
            match serde_json::from_slice::<serde_json::Value>(&text) {
                Ok(v) => v,
                Err(_) => return exit::USAGE,
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => serde_json::json!({"version": 1, "keys": []}),
        Err(e) => {
            eprintln!("logseal: cannot read {file}: {}", io_reason(&e));
            return exit::IO;
        }
    };
    let Some(keys) = doc.get_mut("keys").and_then(|k| k.as_array_mut()) else { return exit::USAGE };
    if keys.iter().any(|k| k["id"] == id.as_str()) {
        return usage_in("keygen", &format!("{file} already holds a key with id {id}"));
    }
    for k in keys.iter_mut().filter(|k| k["purpose"] == purpose.name()) {
        k["active"] = serde_json::Value::Bool(false);
    }
    keys.push(serde_json::json!({"id": id, "purpose": purpose.name(), "secret": STANDARD.encode(&random[..32]), "active": true}));
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
    if let Err(e) = write_private(file, text.as_bytes()) {
        eprintln!("logseal: cannot write {file}: {}", io_reason(&e));
        return exit::IO;
    }
    println!("added {} key {id} to {file} (active)", purpose.name());
    exit::OK
}

/// Writes `bytes` to `path` through a temporary file created with mode 0600, then renames it.
fn write_private(path: &str, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = format!("{path}.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
