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
    /// Two keys of one object would have been written alike (a repeat, or equal after escaping,
    /// cutting or a rename); later ones were numbered `key#2`, `key#3`, ...
    pub const DUPLICATE_KEYS: u32 = 1 << 1;
    /// Redaction removed something: a signal for the team that logged it.
    pub const SECRET_EXPOSED: u32 = 1 << 2;
    /// HTTP 401 or an authentication-failure phrase.
    pub const AUTH_FAILURE: u32 = 1 << 3;
    /// HTTP 403.
    pub const ACCESS_DENIED: u32 = 1 << 4;
    /// HTTP 5xx.
    pub const SERVER_ERROR: u32 = 1 << 5;
    /// The record's timestamp is further from the host's time than the policy allows.
    pub const CLOCK_SKEW: u32 = 1 << 6;
    /// Level rewriting met a level it does not know (kept as it was).
    pub const INVALID_LEVEL: u32 = 1 << 7;
    /// Timestamp rewriting met a timestamp it cannot read (kept as it was).
    pub const INVALID_TIMESTAMP: u32 = 1 << 8;

    /// Names, in bit order.
    pub const NAMES: [&str; 9] = [
        "injection_attempt",
        "duplicate_keys",
        "secret_exposed",
        "auth_failure",
        "access_denied",
        "server_error",
        "clock_skew",
        "invalid:level",
        "invalid:timestamp",
    ];
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

/// Appends the decimal digits of `n`: `write!` costs far more, on every record.
/// Appends `ns` as seconds with three decimals (`-600.000`), rounded half away from zero.
/// Integer arithmetic: it runs for every record whose clock is off, and float formatting
/// cost about 800 instructions.
fn push_seconds_ms(out: &mut Vec<u8>, ns: i64) {
    if ns < 0 {
        out.push(b'-');
    }
    let ms = (ns.unsigned_abs() + 500_000) / 1_000_000;
    push_u64(out, ms / 1000);
    let frac = ms % 1000;
    out.extend_from_slice(&[b'.', b'0' + (frac / 100) as u8, b'0' + (frac / 10 % 10) as u8, b'0' + (frac % 10) as u8]);
}

/// Appends the number `write` writes, as a string when f64 shippers would print it back with
/// another value (Fluent Bit prints `9567784.277` as `9567784.277000001`), as logseal writes
/// every number ([`crate::json::number::needs_quotes`]): a sealed note must survive them too.
fn push_exact(out: &mut Vec<u8>, write: impl FnOnce(&mut Vec<u8>)) {
    let start = out.len();
    write(out);
    if out.get(start..).is_some_and(crate::json::number::needs_quotes) {
        out.insert(start, b'"');
        out.push(b'"');
    }
}

pub(crate) fn push_u64(out: &mut Vec<u8>, n: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut v = n;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
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
    /// An incoming root field read like the reserved key and was renamed: 0 when none, 1 when
    /// the first such field was written [`RENAMED_KEY`], k when `RENAMED_KEY#k` (that name
    /// was taken).
    pub renamed_reserved: u32,
    /// Bits of [`tag`].
    pub tags: u32,
    pub cut: Cut,
    /// Secrets removed, per built-in kind (indexed by `Kind::index`).
    pub redacted: [u32; Kind::COUNT],
    /// Secrets removed per custom policy rule, in rule order.
    pub rules: Vec<u32>,
    /// Custom classify tags, as bits in rule order.
    pub custom_tags: u64,
    /// Essential fields missing, as bits in the policy's order.
    pub missing: u64,
    /// Record time minus host time, when over the tolerance.
    pub skew_ns: Option<i64>,
    /// The rate of the sampler the record passed.
    pub sample_rate: Option<f64>,
    /// Repeats of this record's dedup key suppressed since the last one out.
    pub repeats: Option<u64>,
    /// A gap record: the host dropped this many sealed records before it.
    pub gap: Option<u64>,
    /// Values encrypted in this record.
    pub encrypted: u32,
    /// The record id encryption bound its envelopes to (empty when none).
    pub rid: String,
    /// The last ingest time's text, reused within its second (kept across records).
    ingest_text: crate::stage::normalise::time::Rfc3339Cache,
}

/// What `Notes::write` needs from the plan and the host to name things.
#[derive(Clone, Copy, Default)]
pub struct Labels<'a> {
    pub policy_error: Option<&'a str>,
    /// Host time of the record (the ingest time), when the plan records it.
    pub ingest_ns: Option<i64>,
    pub redact_rules: &'a [crate::stage::redact::custom::Rule],
    pub custom_tags: &'a [String],
    pub required: &'a [String],
}

impl Notes {
    pub fn clear(&mut self) {
        self.error = None;
        self.renamed_reserved = 0;
        self.tags = 0;
        self.cut = Cut::default();
        self.redacted = [0; Kind::COUNT];
        self.rules.iter_mut().for_each(|n| *n = 0);
        self.custom_tags = 0;
        self.missing = 0;
        self.skew_ns = None;
        self.sample_rate = None;
        self.repeats = None;
        self.gap = None;
        self.encrypted = 0;
        self.rid.clear();
    }

    /// Appends `"logseal":{...}` (without a leading comma) to `out`. `policy_error` is set
    /// when the host runs the lockdown policy because its own policy could not be loaded;
    /// `rule_names` name the custom redaction rules counted in `self.rules`.
    pub fn write(&mut self, labels: Labels, out: &mut Vec<u8>) {
        let policy_error = labels.policy_error;
        let rule_names = labels.redact_rules.iter().map(|r| r.name.as_str());
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
        if self.renamed_reserved > 0 {
            // A fixed name and digits: nothing to escape.
            out.extend_from_slice(b",\"renamed\":\"");
            out.extend_from_slice(RENAMED_KEY.as_bytes());
            if self.renamed_reserved > 1 {
                out.push(b'#');
                push_u64(out, self.renamed_reserved as u64);
            }
            out.push(b'"');
        }
        if let Some(ns) = labels.ingest_ns {
            out.extend_from_slice(b",\"ingest\":\"");
            self.ingest_text.write(ns, out);
            out.push(b'"');
        }
        if let Some(skew) = self.skew_ns {
            out.extend_from_slice(b",\"skew_s\":");
            push_exact(out, |out| push_seconds_ms(out, skew));
        }
        if let Some(rate) = self.sample_rate {
            use std::io::Write;
            out.extend_from_slice(b",\"sample_rate\":");
            push_exact(out, |out| {
                let _ = write!(out, "{rate}");
            });
        }
        if let Some(n) = self.gap {
            out.extend_from_slice(b",\"gap\":{\"dropped\":");
            push_u64(out, n);
            out.push(b'}');
        }
        if let Some(n) = self.repeats {
            out.extend_from_slice(b",\"repeats\":");
            push_u64(out, n);
        }
        if self.tags != 0 || self.custom_tags != 0 || self.missing != 0 {
            out.extend_from_slice(b",\"tags\":[");
            let mut first = true;
            let mut sep = |out: &mut Vec<u8>| {
                if !first {
                    out.push(b',');
                }
                first = false;
            };
            for (bit, name) in tag::NAMES.iter().enumerate() {
                if self.tags & (1 << bit) != 0 {
                    sep(out);
                    // Fixed names that need no escaping (a test says so).
                    out.push(b'"');
                    out.extend_from_slice(name.as_bytes());
                    out.push(b'"');
                }
            }
            for (bit, name) in labels.custom_tags.iter().enumerate().take(64) {
                if self.custom_tags & (1 << bit) != 0 {
                    sep(out);
                    visible(name, out);
                }
            }
            for (bit, name) in labels.required.iter().enumerate().take(64) {
                if self.missing & (1 << bit) != 0 {
                    sep(out);
                    out.extend_from_slice(b"\"missing:");
                    crate::stage::escape::encode_visible(name.as_bytes(), false, out);
                    out.push(b'"');
                }
            }
            out.push(b']');
        }
        if self.tags & tag::SECRET_EXPOSED != 0 {
            out.extend_from_slice(b",\"redacted\":{");
            let mut sep: &[u8] = b"";
            for kind in Kind::ALL {
                let n = self.redacted[kind.index()];
                if n > 0 {
                    out.extend_from_slice(sep);
                    out.push(b'"');
                    out.extend_from_slice(kind.name().as_bytes());
                    out.extend_from_slice(b"\":");
                    push_u64(out, n as u64);
                    sep = b",";
                }
            }
            for (name, &n) in rule_names.zip(&self.rules) {
                if n > 0 {
                    out.extend_from_slice(sep);
                    visible(name, out);
                    out.push(b':');
                    push_u64(out, n as u64);
                    sep = b",";
                }
            }
            out.push(b'}');
        }
        if self.encrypted > 0 {
            out.extend_from_slice(b",\"encrypted\":");
            push_u64(out, self.encrypted as u64);
            out.extend_from_slice(b",\"rid\":");
            visible(&self.rid, out);
        }
        if self.cut.any() {
            out.extend_from_slice(b",\"cut\":{");
            let c = self.cut;
            let mut sep: &[u8] = b"";
            for (name, n) in [("strings", c.strings), ("keys", c.keys), ("depth", c.depth), ("fields", c.fields)] {
                if n > 0 {
                    out.extend_from_slice(sep);
                    out.push(b'"');
                    out.extend_from_slice(name.as_bytes());
                    out.extend_from_slice(b"\":");
                    push_u64(out, n as u64);
                    sep = b",";
                }
            }
            out.push(b'}');
        }
        out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_written_exactly() {
        for n in [0u64, 7, 10, 12345, u64::MAX] {
            let mut out = Vec::new();
            push_u64(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
    }

    #[test]
    fn tag_names_need_no_escaping() {
        for name in tag::NAMES {
            let mut out = Vec::new();
            crate::json::string::encode(name, &mut out);
            assert_eq!(out, format!("\"{name}\"").as_bytes());
        }
    }

    #[test]
    fn skew_is_written_in_seconds_with_milliseconds() {
        for (ns, text) in [
            (301_000_000_000i64, "301.000"),
            (-600_000_000_000, "-600.000"),
            (1_234_567_890_123, "1234.568"),
            (-1_234_567_499_999, "-1234.567"),
            (i64::MIN, "-9223372036.855"),
        ] {
            let mut out = Vec::new();
            push_seconds_ms(&mut out, ns);
            assert_eq!(String::from_utf8(out).unwrap(), text);
            assert_eq!(format!("{:.3}", ns as f64 / 1e9), text, "as the float formatting wrote it");
        }
    }

    #[test]
    fn notes_write_numbers_f64_shippers_print_back_unchanged() {
        let note = |ns: i64| {
            let mut out = Vec::new();
            super::push_exact(&mut out, |o| push_seconds_ms(o, ns));
            String::from_utf8(out).unwrap()
        };
        assert_eq!(note(-600_000_000_000), "-600.000");
        assert_eq!(note(1_234_567_890_123), "1234.568");
        // %.16g prints 9567784.277 as 9567784.277000001: written as a string instead.
        assert_eq!(note(9_567_784_277_000_000), "\"9567784.277\"");
    }
}
