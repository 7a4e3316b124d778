//! Text formats: the opt-in `parse` section turns plain-text lines into fields before
//! normalise, so classify, sample and the field rules see them. Lines that are JSON never come
//! here; a line no format reads stays `{"message": <text>}`.
//!
//! Each format is its own module and writes the fields it reads as one JSON object into a
//! buffer, which the JSON scanner then reads like any record: nothing downstream knows the
//! line was text. Formats are tried in the policy's order; the first that reads the whole line
//! wins.
//!
//! ```
//! use logseal::stage::text::{Format, Formats};
//! let formats = Formats::new(vec![Format::Combined, Format::Logfmt]);
//! let mut out = Vec::new();
//! assert!(formats.read(br#"10.0.0.1 - - [27/Nov/2026:10:00:00 +0000] "GET /healthz HTTP/1.1" 200 2 "-" "kube-probe/1.31""#, &mut out));
//! assert_eq!(
//!     std::str::from_utf8(&out).unwrap(),
//!     r#"{"source_ip":"10.0.0.1","timestamp":"27/Nov/2026:10:00:00 +0000","method":"GET","path":"/healthz","protocol":"HTTP/1.1","status":200,"bytes":2,"user_agent":"kube-probe/1.31"}"#
//! );
//! assert!(formats.read(b"level=debug msg=\"cache miss\" took=3ms", &mut out));
//! assert_eq!(std::str::from_utf8(&out).unwrap(), r#"{"level":"debug","msg":"cache miss","took":"3ms"}"#);
//! assert!(!formats.read(b"disk full", &mut out));
//! ```

pub mod combined;
pub mod logfmt;
pub mod pattern;
pub mod syslog;

/// One text format a policy can name.
#[derive(Clone, Debug)]
pub enum Format {
    /// `key=value key2="quoted value"` (Heroku, Go's logfmt, many CLIs).
    Logfmt,
    /// Apache and nginx access logs, combined and common formats.
    Combined,
    /// Syslog lines, RFC 5424 and RFC 3164 (BSD), with or without `<PRI>`.
    Syslog,
    /// A named regex: its named groups become fields.
    Pattern(pattern::Pattern),
}

/// The formats of a policy, in the order they are tried.
#[derive(Clone, Debug, Default)]
pub struct Formats {
    formats: Vec<Format>,
}

impl Formats {
    pub fn new(formats: Vec<Format>) -> Formats {
        Formats { formats }
    }

    /// True when the policy names no format (text lines stay `message`).
    pub fn is_empty(&self) -> bool {
        self.formats.is_empty()
    }

    /// The formats' names, for `logseal check`.
    pub fn names(&self) -> Vec<&str> {
        self.formats
            .iter()
            .map(|f| match f {
                Format::Logfmt => "logfmt",
                Format::Combined => "combined",
                Format::Syslog => "syslog",
                Format::Pattern(p) => p.name(),
            })
            .collect()
    }

    /// Writes `line` as a JSON object into `out` (cleared first) when a format reads it.
    pub fn read(&self, line: &[u8], out: &mut Vec<u8>) -> bool {
        self.formats.iter().any(|f| {
            let mut obj = Object::start(out);
            let read = match f {
                Format::Logfmt => logfmt::read(line, &mut obj),
                Format::Combined => combined::read(line, &mut obj),
                Format::Syslog => syslog::read(line, &mut obj),
                Format::Pattern(p) => p.read(line, &mut obj),
            };
            read && obj.finish()
        })
    }
}

/// A JSON object being written: members are appended as they are read.
pub struct Object<'o> {
    out: &'o mut Vec<u8>,
    members: usize,
}

impl<'o> Object<'o> {
    fn start(out: &'o mut Vec<u8>) -> Object<'o> {
        out.clear();
        out.push(b'{');
        Object { out, members: 0 }
    }

    fn key(&mut self, key: &[u8]) {
        if self.members > 0 {
            self.out.push(b',');
        }
        self.members += 1;
        string(key, self.out);
        self.out.push(b':');
    }

    /// A string member.
    pub fn str(&mut self, key: &[u8], value: &[u8]) {
        self.key(key);
        string(value, self.out);
    }

    /// A string member whose content `body` writes, already escaped for JSON.
    pub fn str_with(&mut self, key: &[u8], body: impl FnOnce(&mut Vec<u8>)) {
        self.key(key);
        self.out.push(b'"');
        body(self.out);
        self.out.push(b'"');
    }

    /// A number member when `value` is a plain integer of at most 15 digits (exact in every
    /// reader), else a string member.
    pub fn int_or_str(&mut self, key: &[u8], value: &[u8]) {
        let plain = !value.is_empty() && value.len() <= 15 && value.iter().all(u8::is_ascii_digit) && (value == b"0" || value[0] != b'0');
        if plain {
            self.key(key);
            self.out.extend_from_slice(value);
        } else {
            self.str(key, value);
        }
    }

    /// Closes the object; false when no member was read (the line stays text).
    fn finish(self) -> bool {
        self.out.push(b'}');
        self.members > 0
    }
}

/// `text` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`; every other
/// byte as it came (invalid UTF-8 is repaired later, as in any record).
fn string(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &b in text {
        escaped(b, out);
    }
    out.push(b'"');
}

/// One byte of string content, escaped for JSON.
fn escaped(b: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    match b {
        b'"' | b'\\' => out.extend_from_slice(&[b'\\', b]),
        0..=0x1f => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]),
        _ => out.push(b),
    }
}

/// Splits off the next space-delimited word: (word, rest after one space).
fn word(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let end = s.iter().position(|&b| b == b' ').unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((&s[..end], s.get(end + 1..).unwrap_or(b"")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(formats: Vec<Format>, line: &str) -> Option<serde_json::Value> {
        let mut out = Vec::new();
        Formats::new(formats).read(line.as_bytes(), &mut out).then(|| serde_json::from_slice(&out).expect("valid JSON"))
    }

    #[test]
    fn the_first_format_that_reads_the_line_wins_and_others_stay_text() {
        let all = || vec![Format::Combined, Format::Syslog, Format::Logfmt];
        assert_eq!(read(all(), "level=info msg=ok").unwrap()["level"], "info");
        assert_eq!(read(all(), "Nov 27 10:08:08 host-3 sshd[2211]: Failed password").unwrap()["app"], "sshd");
        assert!(read(all(), "disk full on /var").is_none());
        assert!(read(all(), "").is_none());
    }

    #[test]
    fn strings_are_escaped_so_the_object_is_always_valid_json() {
        let v = read(vec![Format::Logfmt], "a=\"x\\\"y\" b=\u{1b}[31m c=\\ d=\"tab\there\"").unwrap();
        assert_eq!(v["a"], "x\"y");
        assert_eq!(v["b"], "\u{1b}[31m");
        assert_eq!(v["c"], "\\");
        assert_eq!(v["d"], "tab\there");
    }
}
