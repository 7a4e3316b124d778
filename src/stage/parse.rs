//! The first stage: turn one input line into a tape, within the policy's limits.
//!
//! - A line whose first non-blank byte is `{` is a JSON record.
//! - Anything else is a plain-text log line: read by the policy's text formats when it names
//!   some (`parse.formats`, [`crate::stage::text`]), else `{"message": "<text>"}`.
//! - JSON that cannot be read is not dropped: the raw line becomes `message`, with an error note.
//! - A line over `max_record_bytes` is cut to the limit and goes out as text with an error note.

use crate::json::{flag, scan, Kind, ScanLimits, Token};
use crate::stage::notes::{Notes, RecordError};
use crate::stage::text::Formats;

/// What this stage takes from the policy, compiled once: the plan owns it and the pipeline
/// hands it down, so the stage needs nothing from the policy layer above it.
#[derive(Debug)]
pub struct Parser {
    /// Longest line read as a record (`limits.max_record_bytes`); a longer one is cut.
    pub max_record_bytes: u64,
    /// Nesting and member limits the JSON scanner applies.
    pub scan_limits: ScanLimits,
    /// The text formats plain-text lines are read with (none: they stay `message`).
    pub text_formats: Formats,
}

/// Reads `line` into `tape`; returns the bytes the tape indexes (the line, its cut prefix, or
/// the JSON object a text format wrote into `text`).
pub fn parse<'a>(
    line: &'a [u8],
    declared_len: Option<u64>,
    parser: &Parser,
    tape: &mut Vec<Token>,
    stack: &mut Vec<u32>,
    notes: &mut Notes,
    text: &'a mut Vec<u8>,
) -> &'a [u8] {
    let line = trim_line_end(line);
    let limit = parser.max_record_bytes;
    let full = declared_len.unwrap_or(0).max(line.len() as u64);
    if full > limit {
        let cut = line.get(..limit as usize).unwrap_or(line);
        notes.error = Some(RecordError::TooLarge { bytes: full, limit });
        text_tape(cut, tape);
        return cut;
    }
    if line.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
        match scan(line, parser.scan_limits, tape, stack) {
            Ok(report) => {
                notes.cut.depth = report.cut_depth;
                notes.cut.fields = report.cut_fields;
                return line;
            }
            Err(e) => {
                notes.error = Some(RecordError::Json(e));
                text_tape(line, tape);
                return line;
            }
        }
    }
    if !parser.text_formats.is_empty() && parser.text_formats.read(line, text) {
        let text: &'a [u8] = text;
        // The object a format wrote is valid JSON by construction; should the scanner still
        // refuse it (a limit), the line goes on as text, as without a format.
        if let Ok(report) = scan(text, parser.scan_limits, tape, stack) {
            notes.cut.depth = report.cut_depth;
            notes.cut.fields = report.cut_fields;
            return text;
        }
    }
    text_tape(line, tape);
    line
}

fn trim_line_end(mut line: &[u8]) -> &[u8] {
    while let [rest @ .., b'\n' | b'\r'] = line {
        line = rest;
    }
    line
}

/// The tape of `{"message": "<text>"}` over raw text.
pub fn text_tape(text: &[u8], tape: &mut Vec<Token>) {
    tape.clear();
    // Raw text always takes the writer's slow path (its quotes need escaping), so these flags
    // only describe it; the escape stage examines every byte anyway.
    let mut flags = flag::RAW_TEXT;
    for &b in text {
        if b < 0x20 || b == 0x7f {
            flags |= flag::CONTROL;
        } else if b >= 0x80 {
            flags |= flag::NON_ASCII;
        }
    }
    if flags & flag::NON_ASCII != 0 && std::str::from_utf8(text).is_err() {
        flags |= flag::BAD_UTF8;
    }
    let end = text.len() as u32;
    tape.push(Token { kind: Kind::Object, flags: 0, depth: 0, start: 0, end, next: 3 });
    tape.push(Token { kind: Kind::Key, flags: flag::SYNTHETIC, depth: 1, start: 0, end: 0, next: 2 });
    tape.push(Token { kind: Kind::Str, flags, depth: 1, start: 0, end, next: 3 });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(line: &[u8], declared: Option<u64>) -> (Vec<Token>, Option<RecordError>, usize) {
        let parser = Parser {
            max_record_bytes: 300,
            scan_limits: ScanLimits { max_depth: 4, max_fields: 10_000 },
            text_formats: Formats::default(),
        };
        let (mut tape, mut notes) = (Vec::new(), Notes::default());
        let used = parse(line, declared, &parser, &mut tape, &mut Vec::new(), &mut notes, &mut Vec::new()).len();
        (tape, notes.error, used)
    }

    #[test]
    fn json_objects_are_scanned_and_line_ends_trimmed() {
        let (tape, err, used) = run(b"  {\"a\":1}\r\n", None);
        assert_eq!(tape.len(), 3);
        assert_eq!(tape[1].kind, Kind::Key);
        assert_eq!(err, None);
        assert_eq!(used, 9);
    }

    #[test]
    fn plain_text_becomes_a_message() {
        let (tape, err, _) = run(b"GET /index.html 200 $x\n", None);
        assert_eq!(tape[1].flags, flag::SYNTHETIC);
        assert_eq!(tape[2].flags, flag::RAW_TEXT);
        assert_eq!(err, None);
        let (tape, _, _) = run(b"[1,2]", None);
        assert_eq!(tape[2].flags & flag::RAW_TEXT, flag::RAW_TEXT);
    }

    #[test]
    fn broken_json_is_wrapped_with_an_error() {
        let (tape, err, used) = run(b"{\"a\":", None);
        assert_eq!(tape.len(), 3);
        assert_eq!(used, 5);
        assert_eq!(err.unwrap().kind(), "invalid_json");

    }

    #[test]
    fn oversized_lines_are_cut_to_the_limit_and_marked() {
        let long = vec![b'x'; 1000];
        let (tape, err, used) = run(&long, None);
        assert_eq!(used, 300);
        assert_eq!(tape[2].end, 300);
        assert_eq!(err, Some(RecordError::TooLarge { bytes: 1000, limit: 300 }));
        // A host that already cut the line tells its full length.
        let (_, err, _) = run(&long[..301], Some(5000));
        assert_eq!(err, Some(RecordError::TooLarge { bytes: 5000, limit: 300 }));
    }

    #[test]
    fn raw_text_flags_controls_and_bad_utf8() {
        let (tape, _, _) = run(b"a\x1b[31mb\xff", None);
        let f = tape[2].flags;
        assert_eq!(f & (flag::CONTROL | flag::BAD_UTF8 | flag::NON_ASCII), flag::CONTROL | flag::BAD_UTF8 | flag::NON_ASCII);
    }
}
