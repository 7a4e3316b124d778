//! The tape: one flat array of tokens per record, reused across records.
//!
//! Containers know where their subtree ends (`next`), so a stage can skip a value in O(1)
//! and nothing on the per-record path needs recursion.

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Object,
    Array,
    /// An object member's name; the member's value is the next token.
    Key,
    Str,
    Num,
    True,
    False,
    Null,
    /// A subtree deeper than the depth limit, skipped by the scanner and never written.
    Cut,
}

/// Facts about a string token found while scanning, so the writer can copy the common case
/// verbatim and decode only strings that need it (and one fact about numbers).
pub mod flag {
    /// Holds a backslash escape.
    pub const ESCAPED: u8 = 1;
    /// Holds a byte >= 0x80.
    pub const NON_ASCII: u8 = 2;
    /// Holds a raw control byte (< 0x20) or DEL, which strict JSON forbids but real logs carry.
    pub const CONTROL: u8 = 4;
    /// The raw bytes are not valid UTF-8.
    pub const BAD_UTF8: u8 = 8;
    /// Not JSON text at all: raw bytes of a plain-text line (no escapes to decode).
    pub const RAW_TEXT: u8 = 16;
    /// Holds `${`, the start of a possible lookup.
    pub const DOLLAR: u8 = 32;
    /// A key that logseal synthesised (`message` of a plain-text line); its text is [`SYNTHETIC_KEY`].
    pub const SYNTHETIC: u8 = 64;

    /// Holds a character escaping writes as a visible code ([`crate::invisible::hidden`]):
    /// C1 controls, U+2028/U+2029, invisible characters. Other non-ASCII text is copied as it is.
    pub const SUSPECT: u8 = 128;

    /// On a number token: a number consumers could not read exactly (beyond f64, an
    /// integer beyond 2^53), written as a string. Decided once, by the scanner.
    pub const UNSAFE_NUMBER: u8 = 1;

    /// Flags that force the writer's slow path (decode, escape, encode).
    pub const NEEDS_DECODE: u8 = ESCAPED | CONTROL | BAD_UTF8 | RAW_TEXT | DOLLAR | SUSPECT;

    /// The text of a synthesised key.
    pub const SYNTHETIC_KEY: &[u8] = b"message";
}

/// One token of a record. Offsets index the input bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    pub flags: u8,
    /// Nesting depth: members of the root object are at depth 1.
    pub depth: u16,
    /// Strings: first byte after the opening quote. Others: first byte of the token.
    pub start: u32,
    /// Strings: the closing quote. Others: one past the last byte.
    pub end: u32,
    /// Index of the first token after this one's subtree.
    pub next: u32,
}

impl Token {
    /// The token's raw bytes in `input` (for strings, without the quotes).
    /// A string or key token's bytes with their quotes, as they came (None for synthetic
    /// tokens, which have no quotes in the input): one copy instead of three for the writer.
    #[inline]
    pub fn quoted<'a>(&self, input: &'a [u8]) -> Option<&'a [u8]> {
        if self.flags & flag::SYNTHETIC != 0 || self.start == 0 {
            return None;
        }
        input.get(self.start as usize - 1..self.end as usize + 1).filter(|q| q.first() == Some(&b'"') && q.last() == Some(&b'"'))
    }

    pub fn raw<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        if self.flags & flag::SYNTHETIC != 0 {
            return flag::SYNTHETIC_KEY;
        }
        input.get(self.start as usize..self.end as usize).unwrap_or(&[])
    }

    /// True when the string can be written out exactly as it came in.
    pub fn is_plain(&self) -> bool {
        self.flags & flag::NEEDS_DECODE == 0
    }
}
