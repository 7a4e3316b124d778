//! The scanner: one iterative pass over a JSON object that fills the tape.
//!
//! It never recurses (depth is bounded by an explicit stack and a limit), so no input can
//! overflow the stack, natively or in wasm. It is strict about structure and lenient about
//! content: raw control bytes and invalid UTF-8 inside strings are flagged, not refused, because
//! real logs carry them and the writer escapes or replaces them.

use crate::swar::plain_end;
use super::tape::{flag, Kind, Token};
use std::fmt;

/// Bounds the scanner enforces. Over a bound the record is cut down, not refused: a subtree
/// deeper than `max_depth` becomes one [`Kind::Cut`] token, and members beyond `max_fields`
/// are skipped. Either way the rest of the record is still read and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScanLimits {
    /// Deepest nesting allowed; the root object is depth 1.
    pub max_depth: u16,
    /// Most object members allowed in one record, counted at every depth.
    pub max_fields: u32,
}

/// Why a line is not a JSON object logseal can read. Positions are byte offsets; no content
/// of the record is ever quoted, because it may hold a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScanError {
    /// The line ended inside a value.
    UnexpectedEnd,
    /// A byte that cannot stand here.
    UnexpectedByte { at: u32 },
    /// A backslash escape that JSON does not define.
    BadEscape { at: u32 },
    /// A number that does not follow JSON's grammar.
    BadNumber { at: u32 },
    /// Something other than white space after the root object.
    TrailingData { at: u32 },
    /// Larger than the tape's 32-bit offsets can address.
    TooLarge,
}

impl ScanError {
    /// A short stable name for the error kind, as written under the reserved key.
    pub fn kind(&self) -> &'static str {
        match self {
            ScanError::TooLarge => "too_large",
            _ => "invalid_json",
        }
    }
}

impl fmt::Display for ScanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanError::UnexpectedEnd => write!(f, "the record ends inside a value"),
            ScanError::UnexpectedByte { at } => write!(f, "unexpected byte at offset {at}"),
            ScanError::BadEscape { at } => write!(f, "invalid escape at offset {at}"),
            ScanError::BadNumber { at } => write!(f, "invalid number at offset {at}"),
            ScanError::TrailingData { at } => {
                write!(f, "data after the end of the object at offset {at}")
            }
            ScanError::TooLarge => write!(f, "record larger than 4 GiB"),
        }
    }
}

impl std::error::Error for ScanError {}

// Byte classes inside a string body.
const PLAIN: u8 = 0;
const QUOTE: u8 = 1;
const BACKSLASH: u8 = 2;
const CTRL: u8 = 3;
const HIGH: u8 = 4;
const DOLLAR: u8 = 5;

const STRING_CLASS: [u8; 256] = {
    let mut t = [PLAIN; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = if i < 0x20 || i == 0x7f {
            CTRL
        } else if i >= 0x80 {
            HIGH
        } else if i == b'"' as usize {
            QUOTE
        } else if i == b'\\' as usize {
            BACKSLASH
        } else if i == b'$' as usize {
            DOLLAR
        } else {
            PLAIN
        };
        i += 1;
    }
    t
};

fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Where the scanner is in the grammar.
#[derive(Clone, Copy)]
enum State {
    /// Just after `{`: a key or `}`.
    ObjectFirst,
    /// After `,` in an object: a key.
    ObjectKey,
    /// After a member: `,` or `}`.
    ObjectNext,
    /// Just after `[`: a value or `]`.
    ArrayFirst,
    /// After an element: `,` or `]`.
    ArrayNext,
    /// A value.
    Value,
}

/// What the scanner had to cut to stay within its limits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Subtrees replaced by a [`Kind::Cut`] token because they nest too deep.
    pub cut_depth: u32,
    /// Object members left out because the record has too many.
    pub cut_fields: u32,
}

/// Scans `input`, which must hold one JSON object (surrounding white space allowed), into
/// `tape` (cleared first). `stack` is scratch space, reused across calls.
///
/// ```
/// use logseal::json::{scan, Kind, ScanLimits};
/// let mut tape = Vec::new();
/// let mut stack = Vec::new();
/// let limits = ScanLimits { max_depth: 8, max_fields: 100 };
/// let report = scan(br#"{"a":[1,"x"]}"#, limits, &mut tape, &mut stack).unwrap();
/// assert_eq!(report.cut_depth, 0);
/// let kinds: Vec<Kind> = tape.iter().map(|t| t.kind).collect();
/// assert_eq!(kinds, [Kind::Object, Kind::Key, Kind::Array, Kind::Num, Kind::Str]);
/// assert_eq!(tape[2].next, 5);
/// ```
pub fn scan(
    input: &[u8],
    limits: ScanLimits,
    tape: &mut Vec<Token>,
    stack: &mut Vec<u32>,
) -> Result<ScanReport, ScanError> {
    tape.clear();
    stack.clear();
    if input.len() >= u32::MAX as usize {
        return Err(ScanError::TooLarge);
    }
    let n = input.len();
    let mut pos = skip_ws(input, 0);
    if input.get(pos) != Some(&b'{') {
        return Err(unexpected(input, pos));
    }
    open(Kind::Object, pos, tape, stack);
    pos += 1;
    let mut fields: u32 = 0;
    let mut report = ScanReport::default();
    let mut state = State::ObjectFirst;
    loop {
        pos = skip_ws(input, pos);
        let Some(&b) = input.get(pos) else {
            return Err(ScanError::UnexpectedEnd);
        };
        let depth = stack.len() as u16;
        match state {
            State::ObjectFirst | State::ObjectKey => {
                if b == b'}' && matches!(state, State::ObjectFirst) {
                    pos += 1;
                    match close(pos, tape, stack) {
                        Some(s) => state = s,
                        None => break,
                    }
                    continue;
                }
                if b != b'"' {
                    return Err(ScanError::UnexpectedByte { at: pos as u32 });
                }
                let keep = fields < limits.max_fields;
                pos = if keep {
                    fields += 1;
                    string(input, pos, Kind::Key, depth, tape)?
                } else {
                    skip_string(input, pos)?
                };
                pos = skip_ws(input, pos);
                if input.get(pos) != Some(&b':') {
                    return Err(unexpected(input, pos));
                }
                pos += 1;
                if keep {
                    state = State::Value;
                } else {
                    // Over the field limit: read past the member without keeping it.
                    pos = skip_value(input, skip_ws(input, pos))?;
                    report.cut_fields += 1;
                    state = State::ObjectNext;
                }
            }
            State::ObjectNext | State::ArrayNext => {
                let closer = if matches!(state, State::ObjectNext) { b'}' } else { b']' };
                if b == b',' {
                    pos += 1;
                    state = if matches!(state, State::ObjectNext) {
                        State::ObjectKey
                    } else {
                        State::Value
                    };
                } else if b == closer {
                    pos += 1;
                    match close(pos, tape, stack) {
                        Some(s) => state = s,
                        None => break,
                    }
                } else {
                    return Err(ScanError::UnexpectedByte { at: pos as u32 });
                }
            }
            State::ArrayFirst if b == b']' => {
                pos += 1;
                match close(pos, tape, stack) {
                    Some(s) => state = s,
                    None => break,
                }
            }
            State::ArrayFirst | State::Value => match b {
                b'{' | b'[' if stack.len() >= limits.max_depth as usize => {
                    // Too deep: the whole subtree becomes one Cut token.
                    let end = skip_value(input, pos)?;
                    push_scalar(Kind::Cut, pos, end, depth, tape);
                    report.cut_depth += 1;
                    pos = end;
                    state = after_value(tape, stack);
                }
                b'{' => {
                    open(Kind::Object, pos, tape, stack);
                    pos += 1;
                    state = State::ObjectFirst;
                }
                b'[' => {
                    open(Kind::Array, pos, tape, stack);
                    pos += 1;
                    state = State::ArrayFirst;
                }
                b'"' => {
                    pos = string(input, pos, Kind::Str, depth, tape)?;
                    state = after_value(tape, stack);
                }
                b'-' | b'0'..=b'9' => {
                    let (end, unsafe_number) = number(input, pos)?;
                    push_scalar(Kind::Num, pos, end, depth, tape);
                    if unsafe_number {
                        if let Some(t) = tape.last_mut() {
                            t.flags = flag::UNSAFE_NUMBER;
                        }
                    }
                    pos = end;
                    state = after_value(tape, stack);
                }
                b't' | b'f' | b'n' => {
                    let (word, kind): (&[u8], Kind) = match b {
                        b't' => (b"true", Kind::True),
                        b'f' => (b"false", Kind::False),
                        _ => (b"null", Kind::Null),
                    };
                    if input.get(pos..pos + word.len()) != Some(word) {
                        return Err(unexpected(input, pos));
                    }
                    push_scalar(kind, pos, pos + word.len(), depth, tape);
                    pos += word.len();
                    state = after_value(tape, stack);
                }
                _ => return Err(ScanError::UnexpectedByte { at: pos as u32 }),
            },
        }
    }
    let rest = skip_ws(input, pos);
    if rest < n {
        return Err(ScanError::TrailingData { at: rest as u32 });
    }
    Ok(report)
}

fn unexpected(input: &[u8], pos: usize) -> ScanError {
    if pos >= input.len() {
        ScanError::UnexpectedEnd
    } else {
        ScanError::UnexpectedByte { at: pos as u32 }
    }
}

fn skip_ws(input: &[u8], mut pos: usize) -> usize {
    while let Some(&b) = input.get(pos) {
        if !is_ws(b) {
            break;
        }
        pos += 1;
    }
    pos
}

fn open(kind: Kind, pos: usize, tape: &mut Vec<Token>, stack: &mut Vec<u32>) {
    let idx = tape.len() as u32;
    tape.push(Token {
        kind,
        flags: 0,
        depth: stack.len() as u16,
        start: pos as u32,
        end: pos as u32,
        next: idx + 1,
    });
    stack.push(idx);
}

/// Closes the innermost container; `pos` is just past its closing byte. Returns the state
/// after it, or None when the root closed.
fn close(pos: usize, tape: &mut [Token], stack: &mut Vec<u32>) -> Option<State> {
    let idx = stack.pop()? as usize;
    let next = tape.len() as u32;
    if let Some(t) = tape.get_mut(idx) {
        t.end = pos as u32;
        t.next = next;
    }
    if stack.is_empty() {
        None
    } else {
        Some(after_value(tape, stack))
    }
}

fn after_value(tape: &[Token], stack: &[u32]) -> State {
    let parent = stack.last().and_then(|&i| tape.get(i as usize));
    match parent.map(|t| t.kind) {
        Some(Kind::Array) => State::ArrayNext,
        _ => State::ObjectNext,
    }
}

#[inline(always)]
fn push_scalar(kind: Kind, start: usize, end: usize, depth: u16, tape: &mut Vec<Token>) {
    let idx = tape.len() as u32;
    tape.push(Token { kind, flags: 0, depth, start: start as u32, end: end as u32, next: idx + 1 });
}

/// Scans a string whose opening quote is at `pos`; returns the position after its closing quote.
/// Inlined: it runs for every key and string, and a call's register saves cost as much as the
/// common path.
#[inline(always)]
fn string(
    input: &[u8],
    pos: usize,
    kind: Kind,
    depth: u16,
    tape: &mut Vec<Token>,
) -> Result<usize, ScanError> {
    let start = pos + 1;
    let mut i = plain_end(input, start);
    let flags = if input.get(i) == Some(&b'"') {
        0 // the common case: nothing in the string needs attention
    } else {
        let (end, flags) = string_rest(input, i)?;
        i = end;
        flags
    };
    let idx = tape.len() as u32;
    tape.push(Token { kind, flags, depth, start: start as u32, end: i as u32, next: idx + 1 });
    Ok(i + 1)
}

/// The rest of a string body from `i`, where something needs attention: the closing quote's
/// position and the string's flags. Kept out of line so the common path stays small.
#[inline(never)]
fn string_rest(input: &[u8], mut i: usize) -> Result<(usize, u8), ScanError> {
    let mut flags = 0u8;
    loop {
        i = plain_end(input, i);
        let Some(&b) = input.get(i) else {
            return Err(ScanError::UnexpectedEnd);
        };
        match STRING_CLASS[b as usize] {
            PLAIN => i += 1,
            QUOTE => break,
            BACKSLASH => {
                flags |= flag::ESCAPED;
                i = escape(input, i)?;
            }
            CTRL => {
                flags |= flag::CONTROL;
                i += 1;
            }
            HIGH => {
                flags |= flag::NON_ASCII;
                if crate::invisible::hidden(input, i).is_some() {
                    flags |= flag::SUSPECT;
                }
                match utf8_sequence(input, i) {
                    Some(len) => i += len,
                    None => {
                        flags |= flag::BAD_UTF8;
                        i += 1;
                    }
                }
            }
            _ => {
                if input.get(i + 1) == Some(&b'{') {
                    flags |= flag::DOLLAR;
                }
                i += 1;
            }
        }
    }
    Ok((i, flags))
}

/// Skips a string whose opening quote is at `pos`, keeping nothing; returns the position
/// after its closing quote.
fn skip_string(input: &[u8], pos: usize) -> Result<usize, ScanError> {
    let mut i = pos + 1;
    loop {
        i = plain_end(input, i);
        match input.get(i) {
            None => return Err(ScanError::UnexpectedEnd),
            Some(b'"') => return Ok(i + 1),
            Some(b'\\') => i = escape(input, i)?,
            Some(_) => i += 1,
        }
    }
}

/// Skips any value at `pos`, keeping nothing; returns the position after it. Containers are
/// matched by counting brackets (no stack, so any depth is fine); strings are skipped whole.
/// What lies inside a skipped container is not checked further: it is never written.
fn skip_value(input: &[u8], pos: usize) -> Result<usize, ScanError> {
    match input.get(pos) {
        None => Err(ScanError::UnexpectedEnd),
        Some(b'"') => skip_string(input, pos),
        Some(b'-' | b'0'..=b'9') => number(input, pos).map(|(end, _)| end),
        Some(b't') if input.get(pos..pos + 4) == Some(b"true") => Ok(pos + 4),
        Some(b'f') if input.get(pos..pos + 5) == Some(b"false") => Ok(pos + 5),
        Some(b'n') if input.get(pos..pos + 4) == Some(b"null") => Ok(pos + 4),
        Some(b'{' | b'[') => {
            let mut depth = 0u64;
            let mut i = pos;
            loop {
                match input.get(i) {
                    None => return Err(ScanError::UnexpectedEnd),
                    Some(b'"') => i = skip_string(input, i)?,
                    Some(b'{' | b'[') => {
                        depth += 1;
                        i += 1;
                    }
                    Some(b'}' | b']') => {
                        depth -= 1;
                        i += 1;
                        if depth == 0 {
                            return Ok(i);
                        }
                    }
                    Some(_) => i += 1,
                }
            }
        }
        Some(_) => Err(ScanError::UnexpectedByte { at: pos as u32 }),
    }
}

/// The length of the well-formed UTF-8 sequence starting at `pos` (RFC 3629: no overlong
/// forms, no surrogates, nothing above U+10FFFF), or None. Validating here, one sequence at a
/// time, saves a second pass over the string.
#[inline]
pub fn utf8_sequence(input: &[u8], pos: usize) -> Option<usize> {
    let lead = *input.get(pos)?;
    let cont = |k: usize| input.get(pos + k).is_some_and(|&b| b & 0xC0 == 0x80);
    let second = |lo: u8, hi: u8| input.get(pos + 1).is_some_and(|&b| (lo..=hi).contains(&b));
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0 if second(0xA0, 0xBF) => 3,
        0xE1..=0xEC | 0xEE..=0xEF => 3,
        0xED if second(0x80, 0x9F) => 3,
        0xF0 if second(0x90, 0xBF) => 4,
        0xF1..=0xF3 => 4,
        0xF4 if second(0x80, 0x8F) => 4,
        _ => return None,
    };
    (1..len).all(cont).then_some(len)
}

/// Checks the escape whose backslash is at `pos`; returns the position after it.
fn escape(input: &[u8], pos: usize) -> Result<usize, ScanError> {
    match input.get(pos + 1) {
        None => Err(ScanError::UnexpectedEnd),
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(pos + 2),
        Some(b'u') => {
            let hex = input.get(pos + 2..pos + 6).ok_or(ScanError::UnexpectedEnd)?;
            if hex.iter().all(u8::is_ascii_hexdigit) {
                Ok(pos + 6)
            } else {
                Err(ScanError::BadEscape { at: pos as u32 })
            }
        }
        Some(_) => Err(ScanError::BadEscape { at: pos as u32 }),
    }
}

/// Checks a number at `pos` against JSON's grammar; returns the position after it.
/// Checks the number at `pos`; returns the position after it and whether consumers could not
/// read it exactly (see [`crate::json::number::needs_quotes`]), decided here from the digit
/// counts the check already has, so the writer need not read the number again.
fn number(input: &[u8], pos: usize) -> Result<(usize, bool), ScanError> {
    let bad = ScanError::BadNumber { at: pos as u32 };
    let digits = |mut i: usize| {
        let from = i;
        while input.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        (i, i - from)
    };
    let mut i = pos;
    if input.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_digits = match input.get(i) {
        Some(b'0') => {
            i += 1;
            1
        }
        Some(b'1'..=b'9') => {
            let (j, count) = digits(i);
            i = j;
            count
        }
        _ => return Err(bad),
    };
    let mut plain_integer = true;
    if input.get(i) == Some(&b'.') {
        let (j, count) = digits(i + 1);
        if count == 0 {
            return Err(bad);
        }
        i = j;
        plain_integer = false;
    }
    let mut exponent = false;
    if matches!(input.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(input.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let (j, count) = digits(i);
        if count == 0 {
            return Err(bad);
        }
        i = j;
        exponent = true;
    }
    // The common shapes are decided by length; the edges by the exact test.
    // Integers by length (and `-0`); decimals by the exact test, whose fast path is one more
    // look at the digits.
    let unsafe_number = if plain_integer && !exponent {
        int_digits > 16
            || (int_digits == 16 && crate::json::number::needs_quotes(&input[pos..i]))
            || (int_digits == 1 && input.get(pos) == Some(&b'-') && input.get(pos + 1) == Some(&b'0'))
    } else {
        crate::json::number::needs_quotes(&input[pos..i])
    };
    Ok((i, unsafe_number))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ScanLimits = ScanLimits { max_depth: 16, max_fields: 100 };

    fn tape_of(input: &str) -> Result<Vec<Token>, ScanError> {
        let mut tape = Vec::new();
        scan(input.as_bytes(), LIMITS, &mut tape, &mut Vec::new()).map(|_| tape)
    }

    fn report_of(input: &str) -> (Vec<Token>, ScanReport) {
        let mut tape = Vec::new();
        let r = scan(input.as_bytes(), LIMITS, &mut tape, &mut Vec::new()).unwrap();
        (tape, r)
    }

    #[test]
    fn scans_nested_values_with_subtree_ends() {
        let t = tape_of(r#" {"a": {"b": [true, false, null, -1.5e3]}, "c": "d"} "#).unwrap();
        let kinds: Vec<Kind> = t.iter().map(|t| t.kind).collect();
        use Kind::*;
        assert_eq!(kinds, [Object, Key, Object, Key, Array, True, False, Null, Num, Key, Str]);
        assert_eq!(t[0].next, 11);
        assert_eq!(t[2].next, 9);
        assert_eq!(t[4].next, 9);
        assert_eq!(t[4].depth, 2);
        assert_eq!(t[1].depth, 1);
    }

    #[test]
    fn string_spans_exclude_quotes_and_flags_describe_content() {
        let input = "{\"k\":\"a\\nb\",\"p\":\"plain\",\"u\":\"é\",\"d\":\"${x}\",\"c\":\"$5 {x}\",\"z\":\"a\u{200b}b\",\"e\":\"1€\",\"t\":\"x\u{e0041}\",\"s\":\"a\u{ad}b\"}";
        let t = tape_of(input).unwrap();
        assert_eq!(t[2].raw(input.as_bytes()), br"a\nb");
        assert_eq!(t[2].flags, flag::ESCAPED);
        assert_eq!(t[4].flags, 0);
        assert!(t[4].is_plain());
        assert_eq!(t[6].flags, flag::NON_ASCII, "ordinary non-ASCII text stays on the fast path");
        assert_eq!(t[8].flags, flag::DOLLAR);
        assert_eq!(t[10].flags, 0, "a $ not followed by {{ is plain");
        assert_eq!(t[12].flags, flag::NON_ASCII | flag::SUSPECT);
        assert_eq!(t[14].flags, flag::NON_ASCII, "only characters escaping shows are looked at closer");
        assert_eq!(t[16].flags, flag::NON_ASCII | flag::SUSPECT, "a tag character");
        assert_eq!(t[18].flags, flag::NON_ASCII | flag::SUSPECT, "a soft hyphen");
    }

    #[test]
    fn raw_controls_and_bad_utf8_are_flagged_not_refused() {
        let mut input = b"{\"k\":\"a\x01b\xff\"}".to_vec();
        let mut tape = Vec::new();
        scan(&input, LIMITS, &mut tape, &mut Vec::new()).unwrap();
        assert_eq!(tape[2].flags & flag::CONTROL, flag::CONTROL);
        assert_eq!(tape[2].flags & flag::BAD_UTF8, flag::BAD_UTF8);
        input.truncate(input.len() - 2);
        assert_eq!(scan(&input, LIMITS, &mut tape, &mut Vec::new()), Err(ScanError::UnexpectedEnd));
    }

    #[test]
    fn refuses_malformed_json_with_offsets() {
        assert_eq!(tape_of("{"), Err(ScanError::UnexpectedEnd));
        assert_eq!(tape_of(r#"{"a":1,}"#), Err(ScanError::UnexpectedByte { at: 7 }));
        assert_eq!(tape_of(r#"{"a" 1}"#), Err(ScanError::UnexpectedByte { at: 5 }));
        assert_eq!(tape_of(r#"{"a":01}"#), Err(ScanError::UnexpectedByte { at: 6 }));
        assert_eq!(tape_of(r#"{"a":1.}"#), Err(ScanError::BadNumber { at: 5 }));
        assert_eq!(tape_of(r#"{"a":1e}"#), Err(ScanError::BadNumber { at: 5 }));
        assert_eq!(tape_of(r#"{"a":"\x"}"#), Err(ScanError::BadEscape { at: 6 }));
        assert_eq!(tape_of(r#"{"a":"\u12g4"}"#), Err(ScanError::BadEscape { at: 6 }));
        assert_eq!(tape_of(r#"{"a":tru}"#), Err(ScanError::UnexpectedByte { at: 5 }));
        assert_eq!(tape_of(r#"{"a":1} x"#), Err(ScanError::TrailingData { at: 8 }));
        assert_eq!(tape_of(r#"[1]"#), Err(ScanError::UnexpectedByte { at: 0 }));
        assert_eq!(tape_of(r#"{"a":[1 2]}"#), Err(ScanError::UnexpectedByte { at: 8 }));
        assert_eq!(tape_of(r#"{"a":1]"#), Err(ScanError::UnexpectedByte { at: 6 }));
        assert_eq!(tape_of(""), Err(ScanError::UnexpectedEnd));
    }

    #[test]
    fn accepts_empty_containers_and_all_number_shapes() {
        let t = tape_of(r#"{"a":{},"b":[],"c":[0,-0,1.25,2E+9,3e-2]}"#).unwrap();
        assert_eq!(t.len(), 12);
        assert_eq!(t[2].next, 3);
        assert_eq!(t[4].next, 5);
    }

    #[test]
    fn number_tokens_say_whether_consumers_read_them_exactly() {
        let long_decimal = format!("{}.5", "9".repeat(400));
        let big = format!("1{}", "0".repeat(400));
        for n in [
            "0", "-0", "42", "3.14", "1e308", "-2.5E-300", "9007199254740992", "-9007199254740992", "9007199254740993",
            "-9007199254740993", "12345678901234567890", "1e309", "-1E999", &long_decimal, &big, "1234567890123456",
            "0.10000000000000001", "10.0000000000000000001", "0.10", "-0.0", "1e-400", "8.00000000000001",
        ] {
            let t = tape_of(&format!("{{\"n\":{n}}}")).unwrap();
            let flagged = t[2].flags & flag::UNSAFE_NUMBER != 0;
            assert_eq!(flagged, crate::json::number::needs_quotes(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn utf8_validation_agrees_with_the_standard_library() {
        let samples: [&[u8]; 14] = [
            "é".as_bytes(), "€".as_bytes(), "😀".as_bytes(), "\u{10FFFF}".as_bytes(),
            b"\xc0\xaf", b"\xe0\x80\xaf", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
            b"\xc3", b"\xe2\x82", b"\xc3\x28", b"\x80", b"\xff",
        ];
        for s in samples {
            let ok = std::str::from_utf8(s).is_ok();
            assert_eq!(utf8_sequence(s, 0) == Some(s.len()), ok, "{s:x?}");
        }
        // Every two-byte prefix, exhaustively, against std.
        for a in 0x80..=0xffu8 {
            for b in 0..=0xffu8 {
                let s = [a, b, 0x80, 0x80];
                let std_len = (2..=4).rev().find(|&n| std::str::from_utf8(&s[..n]).is_ok());
                let std_len = std_len.filter(|&n| std::str::from_utf8(&s[..n]).map(|t| t.chars().count() == 1).unwrap_or(false));
                assert_eq!(utf8_sequence(&s, 0), std_len, "{a:x} {b:x}");
            }
        }
    }

    #[test]
    fn too_deep_subtrees_become_one_cut_token_at_any_depth() {
        let deep = format!("{{\"a\":{}{},\"b\":1}}", "[".repeat(100_000), "]".repeat(100_000));
        let (t, r) = report_of(&deep);
        assert_eq!(r, ScanReport { cut_depth: 1, cut_fields: 0 });
        // The root is level 1, so 15 arrays fit under a limit of 16 and the 16th is cut.
        assert_eq!(t[17].kind, Kind::Cut);
        assert_eq!(t[17].depth, 16);
        assert_eq!(t.iter().filter(|t| t.kind == Kind::Cut).count(), 1);
        assert_eq!(t.last().map(|t| t.kind), Some(Kind::Num), "the rest of the record is still read");
        let ok = format!("{{\"a\":{}{}}}", "[".repeat(15), "]".repeat(15));
        assert_eq!(report_of(&ok).1.cut_depth, 0);
        let (_, r) = report_of(r#"{"a":[[[[[[[[[[[[[[[[{"s":"]}"}]]]]]]]]]]]]]]]]}"#);
        assert_eq!(r.cut_depth, 1, "brackets inside skipped strings do not count");
        assert_eq!(tape_of(&format!("{{\"a\":{}", "[".repeat(100))), Err(ScanError::UnexpectedEnd));
    }

    #[test]
    fn members_beyond_the_field_limit_are_skipped_and_counted() {
        let many = format!("{{{}\"z\":{{\"deep\":[1]}}}}", (0..150).map(|i| format!("\"k{i}\":\"v\",")).collect::<String>());
        let (t, r) = report_of(&many);
        assert_eq!(r.cut_fields, 51);
        assert_eq!(t.iter().filter(|t| t.kind == Kind::Key).count(), 100);
        assert_eq!(t[0].next as usize, t.len());
        assert_eq!(tape_of(r#"{"a":1}"#).unwrap().len(), 3);
    }
}
