//! What logseal says about a record, written under the one reserved top-level key.

use crate::json::ScanError;
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

/// Annotations for one record, cleared between records.
#[derive(Default)]
pub struct Notes {
    pub error: Option<RecordError>,
    /// An incoming field was named like the reserved key and was renamed.
    pub renamed_reserved: bool,
}

impl Notes {
    pub fn clear(&mut self) {
        self.error = None;
        self.renamed_reserved = false;
    }

    /// Appends `"logseal":{...}` (without a leading comma) to `out`. `policy_error` is set
    /// when the host runs the lockdown policy because its own policy could not be loaded.
    pub fn write(&self, policy_error: Option<&str>, out: &mut Vec<u8>) {
        out.extend_from_slice(b"\"");
        out.extend_from_slice(RESERVED_KEY.as_bytes());
        out.extend_from_slice(b"\":{\"v\":");
        out.extend_from_slice(FORMAT_VERSION_TEXT.as_bytes());
        if let Some(err) = &self.error {
            out.extend_from_slice(b",\"error\":{\"kind\":");
            crate::json::string::encode(err.kind(), out);
            out.extend_from_slice(b",\"detail\":");
            crate::json::string::encode(&err.to_string(), out);
            out.push(b'}');
        }
        if let Some(msg) = policy_error {
            out.extend_from_slice(b",\"policy_error\":");
            crate::json::string::encode(msg, out);
        }
        if self.renamed_reserved {
            out.extend_from_slice(b",\"renamed\":");
            crate::json::string::encode(RENAMED_KEY, out);
        }
        out.push(b'}');
    }
}
