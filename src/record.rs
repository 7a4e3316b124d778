//! A scanned record: the input bytes and their tape, with the lookups stages need.

use crate::json::string::decode;
use crate::json::{flag, Kind, Token};

/// A dotted field path (`http.status`), compiled once from the policy.
///
/// ```
/// let p = logseal::record::FieldPath::parse("http.status").unwrap();
/// assert_eq!(p.to_string(), "http.status");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldPath {
    segments: Vec<Box<[u8]>>,
    /// The whole path, for flat dotted keys (`"http.status_code": 500`).
    full: Box<[u8]>,
}

impl FieldPath {
    /// Splits on `.`; None for an empty path or an empty segment.
    pub fn parse(path: &str) -> Option<FieldPath> {
        let segments: Vec<Box<[u8]>> =
            path.split('.').map(|s| s.as_bytes().to_vec().into_boxed_slice()).collect();
        if segments.iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(FieldPath { segments, full: path.as_bytes().into() })
    }

    pub fn segments(&self) -> impl Iterator<Item = &[u8]> {
        self.segments.iter().map(|s| &s[..])
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, s) in self.segments.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(&String::from_utf8_lossy(s))?;
        }
        Ok(())
    }
}

/// One record as the stages see it: read-only input bytes and the tape over them.
#[derive(Clone, Copy)]
pub struct Record<'a> {
    pub input: &'a [u8],
    pub tape: &'a [Token],
}

impl<'a> Record<'a> {
    /// The token at `idx`, if any.
    pub fn token(&self, idx: usize) -> Option<&'a Token> {
        self.tape.get(idx)
    }

    /// The decoded text of a string or key token: borrowed from the input when it needs no
    /// decoding, otherwise decoded into `scratch`.
    pub fn text<'s>(&self, tok: &Token, scratch: &'s mut Scratch) -> &'s [u8]
    where
        'a: 's,
    {
        let raw = tok.raw(self.input);
        // Only escapes and invalid UTF-8 change the text; controls and `$` are read as they are.
        if tok.flags & (flag::ESCAPED | flag::BAD_UTF8) == 0 {
            return raw;
        }
        scratch.text.clear();
        decode(raw, tok.flags, &mut scratch.text, &mut scratch.utf8);
        &scratch.text
    }

    /// True when key token `tok` decodes to exactly `name`.
    pub fn key_is(&self, tok: &Token, name: &[u8], scratch: &mut Scratch) -> bool {
        self.text(tok, scratch) == name
    }

    /// Index of the value of member `name` of the object at `obj`.
    pub fn member(&self, obj: usize, name: &[u8], scratch: &mut Scratch) -> Option<usize> {
        let o = self.tape.get(obj)?;
        if o.kind != Kind::Object {
            return None;
        }
        let mut i = obj + 1;
        while i < o.next as usize {
            let key = self.tape.get(i)?;
            if self.key_is(key, name, scratch) {
                return Some(i + 1);
            }
            i = self.tape.get(i + 1)?.next as usize;
        }
        None
    }

    /// Index of the value at `path`, starting from the root object: nested objects first,
    /// then the whole path as one flat top-level key, as ECS and OpenTelemetry loggers write.
    pub fn find(&self, path: &FieldPath, scratch: &mut Scratch) -> Option<usize> {
        let mut nested = || {
            let mut at = 0;
            for seg in path.segments() {
                at = self.member(at, seg, scratch)?;
            }
            Some(at)
        };
        match nested() {
            Some(at) => Some(at),
            None if path.segments.len() > 1 => self.member(0, &path.full, scratch),
            None => None,
        }
    }

    /// The value at `idx` as a number: JSON numbers, and strings that hold a plain number
    /// (`"401"`), because loggers disagree on how they write status codes.
    pub fn number(&self, idx: usize, scratch: &mut Scratch) -> Option<f64> {
        let tok = self.tape.get(idx)?;
        match tok.kind {
            Kind::Num => parse_f64(tok.raw(self.input)),
            Kind::Str => parse_f64(self.text(tok, scratch)),
            _ => None,
        }
    }
}

fn parse_f64(bytes: &[u8]) -> Option<f64> {
    // Status codes and the like: small plain integers, read without the float parser (which
    // costs hundreds of instructions per call, once per record).
    if (1..=15).contains(&bytes.len()) && bytes.iter().all(u8::is_ascii_digit) {
        return Some(bytes.iter().fold(0u64, |n, &d| n * 10 + (d - b'0') as u64) as f64);
    }
    let s = std::str::from_utf8(bytes).ok()?.trim();
    // Only JSON-shaped numbers: no "inf", "nan", "+1" or hex from a string field.
    let ok = !s.is_empty()
        && s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'e' | b'E' | b'+'))
        && s.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Reusable decoding space for one record at a time.
#[derive(Default)]
pub struct Scratch {
    pub text: Vec<u8>,
    pub utf8: Vec<u8>,
    /// A second buffer for when two decoded texts are needed at once (key comparisons).
    pub key: Vec<u8>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn with_record<R>(input: &str, f: impl FnOnce(Record, &mut Scratch) -> R) -> R {
        let mut tape = Vec::new();
        let limits = ScanLimits { max_depth: 16, max_fields: 100 };
        scan(input.as_bytes(), limits, &mut tape, &mut Vec::new()).unwrap();
        f(Record { input: input.as_bytes(), tape: &tape }, &mut Scratch::default())
    }

    #[test]
    fn finds_nested_members_by_path() {
        with_record(r#"{"a":1,"http":{"x":[1,2],"status":"401"},"z":true}"#, |r, s| {
            let p = FieldPath::parse("http.status").unwrap();
            let idx = r.find(&p, s).unwrap();
            assert_eq!(r.text(&r.tape[idx], s), b"401");
            assert_eq!(r.number(idx, s), Some(401.0));
            assert_eq!(r.find(&FieldPath::parse("http.nope").unwrap(), s), None);
            assert_eq!(r.find(&FieldPath::parse("a.b").unwrap(), s), None);
            let z = r.find(&FieldPath::parse("z").unwrap(), s).unwrap();
            assert_eq!(r.tape[z].kind, Kind::True);
        });
        with_record(r#"{"http.status_code":404}"#, |r, s| {
            let idx = r.find(&FieldPath::parse("http.status_code").unwrap(), s).unwrap();
            assert_eq!(r.number(idx, s), Some(404.0), "flat dotted keys are found too");
        });
    }

    #[test]
    fn keys_match_after_decoding_escapes() {
        with_record(r#"{"st\u0061tus":503}"#, |r, s| {
            let idx = r.find(&FieldPath::parse("status").unwrap(), s).unwrap();
            assert_eq!(r.number(idx, s), Some(503.0));
        });
    }

    #[test]
    fn numbers_from_strings_are_json_shaped_only() {
        with_record(r#"{"a":"inf","b":"0x10","c":" 12 ","d":"1e3"}"#, |r, s| {
            let n = |k: &str, s: &mut Scratch| {
                let i = r.find(&FieldPath::parse(k).unwrap(), s).unwrap();
                r.number(i, s)
            };
            assert_eq!(n("a", s), None);
            assert_eq!(n("b", s), None);
            assert_eq!(n("c", s), Some(12.0));
            assert_eq!(n("d", s), Some(1000.0));
        });
    }

    #[test]
    fn the_integer_fast_path_agrees_with_the_float_parser() {
        for text in ["0", "7", "007", "401", "999999999999999", "1000000000000000", "18446744073709551616"] {
            assert_eq!(parse_f64(text.as_bytes()), text.parse::<f64>().ok(), "{text}");
        }
    }

    #[test]
    fn field_paths_refuse_empty_segments() {
        assert!(FieldPath::parse("").is_none());
        assert!(FieldPath::parse("a..b").is_none());
        assert!(FieldPath::parse("a.").is_none());
    }
}
