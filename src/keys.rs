//! Keyrings and key references.
//!
//! A keyring is a JSON file of keys, each with an id and one purpose, so a keyring per purpose
//! can be handed only to those who need it:
//!
//! ```json
//! {"version": 1, "keys": [
//!   {"id": "prod-seal-2026", "purpose": "seal", "secret": "<base64, 32 bytes or more>", "active": true}
//! ]}
//! ```
//!
//! A policy refers to keys as `file:PATH#kid` (or `file:PATH` for every key of the purpose in
//! that file), `env:NAME` (the variable holds the base64 secret; the key id is NAME) or
//! `base64:SECRET` inline (accepted with a warning: keys do not belong in policy files).
//! Key material never appears in output, errors or debug output: [`Secret`] prints its length only.

use base64::Engine;
use std::fmt;

/// An HMAC-SHA256 keyed with `key`. HMAC takes keys of any length, so this cannot fail; the
/// fallback (a zero key) exists only so that no code path can panic.
pub fn hmac_sha256(key: &[u8]) -> hmac::Hmac<sha2::Sha256> {
    use hmac::{digest::KeyInit, Mac};
    <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| <hmac::Hmac<sha2::Sha256> as KeyInit>::new(&Default::default()))
}

/// The least key length accepted, in bytes (HMAC-SHA256 and AES-256 both want 32).
pub const MIN_KEY_BYTES: usize = 32;

/// What a key may be used for. A key has exactly one purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// HMAC-SHA256 hash chains.
    Seal,
    /// Keyed pseudonyms (the `hash` redaction action).
    Hash,
    /// AES-256-GCM field encryption.
    Encrypt,
    /// The seed of consistent sampling.
    Sample,
    /// An Ed25519 private key (its 32-byte seed) signing seal checkpoints.
    Sign,
}

impl Purpose {
    pub const ALL: [Purpose; 5] = [Purpose::Seal, Purpose::Hash, Purpose::Encrypt, Purpose::Sample, Purpose::Sign];
    pub const NAMES: &'static [&'static str] = &["seal", "hash", "encrypt", "sample", "sign"];

    pub fn name(self) -> &'static str {
        match self {
            Purpose::Seal => "seal",
            Purpose::Hash => "hash",
            Purpose::Encrypt => "encrypt",
            Purpose::Sample => "sample",
            Purpose::Sign => "sign",
        }
    }

    pub fn from_name(name: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// Secret key bytes. Debug and Display show the length only; the bytes are zeroed on drop.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Vec<u8>);

impl Secret {
    pub fn new(bytes: Vec<u8>) -> Secret {
        Secret(bytes)
    }

    /// The key bytes, for the crypto crates only.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        for b in self.0.iter_mut() {
            // Volatile so the compiler cannot drop the wipe as a dead store.
            // SAFETY: `b` is a valid, exclusive reference into our own buffer.
            unsafe { std::ptr::write_volatile(b, 0) };
        }
    }
}

/// One key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub id: String,
    pub purpose: Purpose,
    pub secret: Secret,
    /// The key new records are made with; others are kept to verify or decrypt older ones.
    pub active: bool,
}

impl Key {
    /// Demo keys ship in the repository: anyone can forge or decrypt with them.
    pub fn is_demo(&self) -> bool {
        self.id.starts_with("demo-")
    }
}

/// Where a key comes from, as written in a policy.
#[derive(Clone, PartialEq, Eq)]
pub enum KeyRef {
    Env(String),
    File { path: String, kid: Option<String> },
    Inline(Secret),
}

impl fmt::Debug for KeyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyRef::Env(name) => write!(f, "env:{name}"),
            KeyRef::File { path, kid: Some(k) } => write!(f, "file:{path}#{k}"),
            KeyRef::File { path, kid: None } => write!(f, "file:{path}"),
            KeyRef::Inline(s) => write!(f, "base64:<{s:?}>"),
        }
    }
}

impl KeyRef {
    /// Parses `env:NAME`, `file:PATH[#kid]` or `base64:SECRET`.
    ///
    /// ```
    /// use logseal::keys::KeyRef;
    /// assert!(matches!(KeyRef::parse("file:keys/ring.json#k1"), Ok(KeyRef::File { .. })));
    /// assert!(KeyRef::parse("s3cr3t").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<KeyRef, KeyError> {
        if let Some(name) = text.strip_prefix("env:") {
            if name.is_empty() {
                return Err(KeyError::BadReference);
            }
            return Ok(KeyRef::Env(name.to_string()));
        }
        if let Some(rest) = text.strip_prefix("file:") {
            let (path, kid) = match rest.rsplit_once('#') {
                Some((p, k)) if !k.is_empty() => (p, Some(k.to_string())),
                Some((p, _)) => (p, None),
                None => (rest, None),
            };
            if path.is_empty() {
                return Err(KeyError::BadReference);
            }
            return Ok(KeyRef::File { path: path.to_string(), kid });
        }
        if let Some(b64) = text.strip_prefix("base64:") {
            return decode_secret(b64).map(KeyRef::Inline);
        }
        Err(KeyError::BadReference)
    }
}

/// Why a key could not be had. Never carries key material.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyError {
    BadReference,
    EnvMissing(String),
    FileUnreadable { path: String, reason: String },
    BadKeyring { path: String, detail: String },
    NotFound { path: String, kid: String },
    NoKeyForPurpose { path: String, purpose: Purpose },
    WrongPurpose { kid: String, has: Purpose, wanted: Purpose },
    BadBase64,
    TooShort { bytes: usize },
    WrongLength { bytes: usize, wanted: usize },
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyError::BadReference => {
                write!(f, "expected a key reference: env:NAME, file:PATH#KEY_ID or base64:SECRET")
            }
            KeyError::EnvMissing(name) => write!(f, "environment variable {name} is not set"),
            KeyError::FileUnreadable { path, reason } => {
                write!(f, "cannot read keyring {path}: {reason}")
            }
            KeyError::BadKeyring { path, detail } => write!(f, "keyring {path} is invalid: {detail}"),
            KeyError::NotFound { path, kid } => write!(f, "keyring {path} has no key {kid}"),
            KeyError::NoKeyForPurpose { path, purpose } => {
                write!(f, "keyring {path} has no key with purpose {}", purpose.name())
            }
            KeyError::WrongPurpose { kid, has, wanted } => write!(
                f,
                "key {kid} has purpose {}, not {}; keep one key per purpose",
                has.name(),
                wanted.name()
            ),
            KeyError::BadBase64 => write!(f, "the key is not valid base64"),
            KeyError::TooShort { bytes } => {
                write!(f, "the key has {bytes} bytes; at least {MIN_KEY_BYTES} are required")
            }
            KeyError::WrongLength { bytes, wanted } => {
                write!(f, "the key has {bytes} bytes; an Ed25519 signing key is exactly {wanted} (make one with logseal keygen --purpose sign)")
            }
        }
    }
}

impl std::error::Error for KeyError {}

/// The secret of a base64 text (standard alphabet, padded), at least [`MIN_KEY_BYTES`] long.
pub fn decode_secret(b64: &str) -> Result<Secret, KeyError> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|_| KeyError::BadBase64)?;
    if bytes.len() < MIN_KEY_BYTES {
        return Err(KeyError::TooShort { bytes: bytes.len() });
    }
    Ok(Secret::new(bytes))
}

/// The keys a plan holds for one purpose: the active one signs or encrypts, all of them
/// verify or decrypt.
#[derive(Clone, Debug, Default)]
pub struct KeySet {
    keys: Vec<Key>,
}

impl KeySet {
    pub fn new(mut keys: Vec<Key>) -> KeySet {
        // Without an explicit active key, the last listed one is active.
        if !keys.iter().any(|k| k.active) {
            if let Some(last) = keys.last_mut() {
                last.active = true;
            }
        }
        KeySet { keys }
    }

    pub fn active(&self) -> Option<&Key> {
        self.keys.iter().find(|k| k.active)
    }

    pub fn by_id(&self, id: &str) -> Option<&Key> {
        self.keys.iter().find(|k| k.id == id)
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Key> {
        self.keys.iter()
    }
}

/// Picks the keys a reference names from a keyring for `purpose`.
pub fn select(keys: Vec<Key>, kid: Option<&str>, purpose: Purpose, path: &str) -> Result<Vec<Key>, KeyError> {
    match kid {
        Some(kid) => {
            let key = keys.into_iter().find(|k| k.id == kid).ok_or_else(|| KeyError::NotFound {
                path: path.to_string(),
                kid: kid.to_string(),
            })?;
            if key.purpose != purpose {
                return Err(KeyError::WrongPurpose { kid: key.id.clone(), has: key.purpose, wanted: purpose });
            }
            Ok(vec![key])
        }
        None => {
            let chosen: Vec<Key> = keys.into_iter().filter(|k| k.purpose == purpose).collect();
            if chosen.is_empty() {
                return Err(KeyError::NoKeyForPurpose { path: path.to_string(), purpose });
            }
            Ok(chosen)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET_B64: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

    #[test]
    fn parses_references() {
        assert_eq!(KeyRef::parse("env:SEAL").unwrap(), KeyRef::Env("SEAL".into()));
        assert_eq!(
            KeyRef::parse("file:a/b.json#k").unwrap(),
            KeyRef::File { path: "a/b.json".into(), kid: Some("k".into()) }
        );
        assert_eq!(
            KeyRef::parse("file:a/b.json").unwrap(),
            KeyRef::File { path: "a/b.json".into(), kid: None }
        );
        assert!(matches!(KeyRef::parse(&format!("base64:{SECRET_B64}")), Ok(KeyRef::Inline(_))));
        assert_eq!(KeyRef::parse("base64:AAAA"), Err(KeyError::TooShort { bytes: 3 }));
        assert_eq!(KeyRef::parse("base64:!!"), Err(KeyError::BadBase64));
        assert_eq!(KeyRef::parse("env:"), Err(KeyError::BadReference));
        assert_eq!(KeyRef::parse("hunter2"), Err(KeyError::BadReference));
    }
}
