//! Reading named members out of a scanned tape, for the cold paths that read logseal's own
//! output back (`verify`, `decrypt`): by decoded name, so any re-serialisation is understood.

use super::string::decode;
use super::tape::{flag, Kind, Token};

/// Reusable decoding buffers.
#[derive(Default)]
pub struct Lookup {
    text: Vec<u8>,
    scratch: Vec<u8>,
}

impl Lookup {
    /// The key token of member `name` of the object at `tape[obj]`.
    ///
    /// ```
    /// use logseal::json::{lookup::Lookup, scan, ScanLimits};
    /// let input = br#"{"a":{"b\u0020c":"x"}}"#;
    /// let (mut tape, mut stack) = (Vec::new(), Vec::new());
    /// scan(input, ScanLimits { max_depth: 8, max_fields: 8 }, &mut tape, &mut stack).unwrap();
    /// let mut l = Lookup::default();
    /// let a = l.member(input, &tape, 0, b"a").unwrap();
    /// let bc = l.member(input, &tape, a + 1, b"b c").unwrap();
    /// assert_eq!(l.string(input, &tape, bc + 1).as_deref(), Some("x"));
    /// ```
    pub fn member(&mut self, input: &[u8], tape: &[Token], obj: usize, name: &[u8]) -> Option<usize> {
        let o = *tape.get(obj)?;
        if o.kind != Kind::Object {
            return None;
        }
        let mut i = obj + 1;
        while i < o.next as usize {
            let k = *tape.get(i)?;
            // Without escapes or invalid UTF-8 the raw name is its decoded text.
            let same = if k.flags & (flag::ESCAPED | flag::BAD_UTF8) == 0 {
                k.raw(input) == name
            } else {
                self.text.clear();
                decode(k.raw(input), k.flags, &mut self.text, &mut self.scratch);
                self.text == name
            };
            if same {
                return Some(i);
            }
            i = tape.get(i + 1)?.next as usize;
        }
        None
    }

    /// The decoded text of the string token `tape[at]`.
    pub fn string(&mut self, input: &[u8], tape: &[Token], at: usize) -> Option<String> {
        let t = *tape.get(at)?;
        if t.kind != Kind::Str {
            return None;
        }
        self.text.clear();
        decode(t.raw(input), t.flags, &mut self.text, &mut self.scratch);
        String::from_utf8(self.text.clone()).ok()
    }

    /// The non-negative integer at number token `tape[at]`, however it is spelt (`5`, `5.0`),
    /// below 2^53.
    pub fn uint(&self, input: &[u8], tape: &[Token], at: usize) -> Option<u64> {
        let t = *tape.get(at)?;
        if t.kind != Kind::Num {
            return None;
        }
        let raw = t.raw(input);
        // Plain digits (what logseal writes) need no float parse; 15 digits stay below 2^53.
        if (1..=15).contains(&raw.len()) && raw.iter().all(u8::is_ascii_digit) {
            return Some(raw.iter().fold(0u64, |n, &d| n * 10 + (d - b'0') as u64));
        }
        let n: f64 = std::str::from_utf8(raw).ok()?.parse().ok()?;
        (n >= 0.0 && n == n.trunc() && n < 9_007_199_254_740_992.0).then_some(n as u64)
    }

    /// The string member `name` of the object at `tape[obj]`.
    pub fn str_member(&mut self, input: &[u8], tape: &[Token], obj: usize, name: &[u8]) -> Option<String> {
        let k = self.member(input, tape, obj, name)?;
        self.string(input, tape, k + 1)
    }

    /// The integer member `name` of the object at `tape[obj]`.
    pub fn uint_member(&mut self, input: &[u8], tape: &[Token], obj: usize, name: &[u8]) -> Option<u64> {
        let k = self.member(input, tape, obj, name)?;
        self.uint(input, tape, k + 1)
    }
}
