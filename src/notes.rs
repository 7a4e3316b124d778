//! What logseal says about a record, written under the one reserved top-level key.

use crate::json::ScanError;
use crate::stage::redact::kind::Kind;
use std::fmt;

/// The reserved top-level key. Everything logseal adds lives under it.
pub const RESERVED_KEY: &str = "logseal";
/// What an incoming field named [`RESERVED_KEY`] is renamed to, so nobody can spoof a marker.
pub const RENAMED_KEY: &str = "logseal_original";
/// Version of the annotation format under the reserved key.
pub const FORMAT_VERSION: u32 = 1;
const FORMAT_VERSION_TEXT: &str = "1";

/// Why a record could not be taken as it came. It still goes out, wrapped and marked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RecordError {
    /// The line looked like JSON but is not a readable object; it went out as `message` text.
    Json(ScanError),
    /// The line was longer than `limits.max_record_bytes`; it was cut and went out as text.
    TooLarge { bytes: u64, limit: u64 },
    /// The host handed over a record it could not copy in (for example a null pointer).
    Host(&'static str),
}

impl RecordError {
    /// A stable machine-readable name.
    pub fn kind(&self) -> &'static str {
        match self {
            RecordError::Json(e) => e.kind(),
            RecordError::TooLarge { .. } => "too_large",
            RecordError::Host(_) => "host",
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Json(e) => write!(f, "not a JSON object: {e}"),
            RecordError::TooLarge { bytes, limit } => {
                write!(f, "record of {bytes} bytes is over the {limit}-byte limit and was cut")
            }
            RecordError::Host(msg) => write!(f, "{msg}"),
        }
    }
}

/// Tags a record can carry under `logseal.tags`, as bits.
pub mod tag {
    /// Escaping neutralised a control, invisible character or lookup in this record.
    pub const INJECTION_ATTEMPT: u32 = 1 << 0;
    /// An object held the same key twice; later ones were renamed `key#2`, `key#3`, ...
    pub const DUPLICATE_KEYS: u32 = 1 << 1;
    /// Redaction removed something: a signal for the team that logged it.
    pub const SECRET_EXPOSED: u32 = 1 << 2;

    /// Names, in bit order.
    pub const NAMES: [&str; 3] = ["injection_attempt", "duplicate_keys", "secret_exposed"];
}

/// What limits cut from a record, written under `logseal.cut`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// String values cut to `limits.max_string_bytes`.
    pub strings: u32,
    /// Keys cut to `limits.max_key_bytes`.
    pub keys: u32,
    /// Subtrees deeper than `limits.max_depth`, each replaced by `"[TRUNCATED:depth]"`.
    pub depth: u32,
    /// Members beyond `limits.max_fields`, left out.
    pub fields: u32,
}

impl Cut {
    pub fn any(&self) -> bool {
        *self != Cut::default()
    }
}

/// Writes text logseal composed (which may quote a policy's key names or paths) as a JSON
/// string with the same visible escaping as record content: our own messages must not carry
/// what we remove from records.
fn visible(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    crate::stage::escape::encode_visible(text.as_bytes(), false, out);
    out.push(b'"');
}

/// Annotations for one record, cleared between records.
#[derive(Default)]
pub struct Notes {
    pub error: Option<RecordError>,
    /// An incoming field was named like the reserved key and was renamed.
    pub renamed_reserved: bool,
    /// Bits of [`tag`].
    pub tags: u32,
    pub cut: Cut,
    /// Secrets removed, per built-in kind (indexed by `Kind::index`).
    pub redacted: [u32; Kind::COUNT],
    /// Secrets removed per custom policy rule, in rule order.
    pub rules: Vec<u32>,
}

impl Notes {
    pub fn clear(&mut self) {
        self.error = None;
        self.renamed_reserved = false;
        self.tags = 0;
        self.cut = Cut::default();
        self.redacted = [0; Kind::COUNT];
        self.rules.iter_mut().for_each(|n| *n = 0);
    }

    /// Appends `"logseal":{...}` (without a leading comma) to `out`. `policy_error` is set
    /// when the host runs the lockdown policy because its own policy could not be loaded;
    /// `rule_names` name the custom redaction rules counted in `self.rules`.
    pub fn write<'a>(&self, policy_error: Option<&str>, rule_names: impl Iterator<Item = &'a str>, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\"");
        out.extend_from_slice(RESERVED_KEY.as_bytes());
        out.extend_from_slice(b"\":{\"v\":");
        out.extend_from_slice(FORMAT_VERSION_TEXT.as_bytes());
        if let Some(err) = &self.error {
            out.extend_from_slice(b",\"error\":{\"kind\":");
            crate::json::string::encode(err.kind(), out);
            out.extend_from_slice(b",\"detail\":");
            visible(&err.to_string(), out);
            out.push(b'}');
        }
        if let Some(msg) = policy_error {
            out.extend_from_slice(b",\"policy_error\":");
            visible(msg, out);
        }
        if self.renamed_reserved {
            out.extend_from_slice(b",\"renamed\":");
            crate::json::string::encode(RENAMED_KEY, out);
        }
        if self.tags != 0 {
            out.extend_from_slice(b",\"tags\":[");
            let mut first = true;
            for (bit, name) in tag::NAMES.iter().enumerate() {
                if self.tags & (1 << bit) != 0 {
                    if !first {
                        out.push(b',');
                    }
                    first = false;
                    crate::json::string::encode(name, out);
                }
            }
            out.push(b']');
        }
        if self.tags & tag::SECRET_EXPOSED != 0 {
            use std::io::Write;
            out.extend_from_slice(b",\"redacted\":{");
            let mut sep = "";
            for kind in Kind::ALL {
                let n = self.redacted[kind.index()];
                if n > 0 {
                    let _ = write!(out, "{sep}\"{}\":{n}", kind.name());
                    sep = ",";
                }
            }
            for (name, &n) in rule_names.zip(&self.rules) {
                if n > 0 {
                    out.extend_from_slice(sep.as_bytes());
                    visible(name, out);
                    let _ = write!(out, ":{n}");
                    sep = ",";
                }
            }
            out.push(b'}');
        }
        if self.cut.any() {
            use std::io::Write;
            out.extend_from_slice(b",\"cut\":{");
            let c = self.cut;
            let mut sep = "";
            for (name, n) in [("strings", c.strings), ("keys", c.keys), ("depth", c.depth), ("fields", c.fields)] {
                if n > 0 {
                    let _ = write!(out, "{sep}\"{name}\":{n}");
                    sep = ",";
                }
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
}
