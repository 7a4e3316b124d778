//! `logseal keygen`: make keys, one keyring file per purpose, readable by its owner only.

use super::exit::io_reason;
use super::exit;
use super::usage::Usage;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use logseal::keyring::parse_keyring;
use logseal::keys::Purpose;

pub const USAGE: &str = "logseal keygen --purpose seal|hash|encrypt|sample [--id ID] FILE\n       logseal keygen --purpose sign [--id ID] [--public PUBFILE] FILE";

pub const ABOUT: &str = "\
Adds a new 32-byte key from the operating system's randomness to the keyring FILE (made
when missing, with mode 0600) and makes it the active key of its purpose: new records use
it, the older keys still verify or decrypt. Keep one keyring per purpose, so each can be
handed only to those who need it (seal keys to verifiers, encryption keys to analysts).
Prints the new key's id, never its secret.
With --purpose sign the key is an Ed25519 private key (its 32-byte seed) for keys.sign, and
the public keys of every sign key in FILE are written to PUBFILE (default: FILE with .json
replaced by .public.json): that file holds public keys only, is safe to hand out, and is what
`logseal verify --public-key` reads.";

pub const EXIT: &str = "\
Exit: 0 written; 2 usage error, or FILE is not a keyring; 3 FILE (or PUBFILE) could not be
read or written.";

/// The arguments of `logseal keygen`.
#[derive(clap::Args)]
pub struct KeygenArgs {
    /// seal (hash chains), hash (pseudonyms), encrypt (AES-256-GCM), sample, sign (Ed25519
    /// checkpoint signatures)
    #[arg(long, value_name = "P")]
    purpose: Option<String>,
    /// with --purpose sign: where the public key file goes (default FILE's name with
    /// .public.json)
    #[arg(long, value_name = "PUBFILE")]
    public: Option<String>,
    /// the key id (default: PURPOSE-<8 random hex digits>); `demo-` is reserved
    #[arg(long, value_name = "ID")]
    id: Option<String>,
    /// the keyring file
    #[arg(value_name = "FILE")]
    file: String,
}

/// `usage` reports this command's usage errors.
pub fn run(args: KeygenArgs, usage: Usage) -> i32 {
    let file = &args.file;
    let Some(purpose) = args.purpose.as_deref().and_then(Purpose::from_name) else {
        return usage.error("--purpose must be one of: seal, hash, encrypt, sample, sign");
    };
    if args.public.is_some() && purpose != Purpose::Sign {
        return usage.error("--public is for --purpose sign");
    }
    let public_path = match (purpose, &args.public) {
        (Purpose::Sign, Some(p)) => Some(p.clone()),
        (Purpose::Sign, None) => Some(public_file_for(file)),
        _ => None,
    };
    if public_path.as_deref() == Some(file.as_str()) {
        return usage.error("--public must name another file than the keyring");
    }
    let mut random = [0u8; 36];
    if getrandom::fill(&mut random).is_err() {
        eprintln!("logseal: the operating system gave no randomness; no key written");
        return exit::IO;
    }
    let id = match args.id.as_deref() {
        Some(id) if id.is_empty() || id.starts_with("demo-") || id.len() > 128 || id.chars().any(char::is_control) => {
            return usage.error("--id must be 1 to 128 printable characters and not start with demo-")
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
        return usage.error(&format!("{file} already holds a key with id {id}"));
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
    if let Some(public) = public_path {
        return write_public(file, &public, &text);
    }
    exit::OK
}

/// The default public key file beside a keyring: `ring.json` -> `ring.public.json`.
fn public_file_for(file: &str) -> String {
    match file.strip_suffix(".json") {
        Some(stem) => format!("{stem}.public.json"),
        None => format!("{file}.public.json"),
    }
}

/// Writes the public keys of every sign key of the keyring `text` to `public`.
fn write_public(file: &str, public: &str, text: &str) -> i32 {
    let keys = match parse_keyring(text.as_bytes(), file) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("logseal: {e}");
            return exit::USAGE;
        }
    };
    let mut list = Vec::new();
    for k in keys.iter().filter(|k| k.purpose == Purpose::Sign) {
        match logseal::sign::SignKey::from_key(k) {
            Ok(s) => list.push((k.id.clone(), s.public())),
            Err(e) => {
                eprintln!("logseal: {file}: key {}: {e}", k.id);
                return exit::USAGE;
            }
        }
    }
    if let Err(e) = std::fs::write(public, logseal::sign::PublicKeys::file_text(&list)) {
        eprintln!("logseal: cannot write {public}: {}", io_reason(&e));
        return exit::IO;
    }
    println!("wrote the public keys of {file}'s sign keys to {public} (public keys only: safe to hand out)");
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
