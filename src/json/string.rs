//! Decoding JSON string bodies to UTF-8 text and encoding text back as JSON strings.
//!
//! Decoding is lossless for valid input and total for invalid input: invalid UTF-8 and lone
//! surrogates become U+FFFD, so what comes out is always valid UTF-8. The canonical form of
//! seals uses [`decode_exact`] instead, which keeps invalid text apart from U+FFFD.

use super::tape::flag;

const REPLACEMENT: &str = "\u{FFFD}";

/// Appends the decoded text of a string body to `out`. `flags` are the token's flags;
/// `scratch` is reused space for bodies that hold invalid UTF-8.
///
/// ```
/// use logseal::json::{flag, string::decode};
/// let mut out = Vec::new();
/// decode(br"a\n\u00e9\ud83d\ude00", flag::ESCAPED, &mut out, &mut Vec::new());
/// assert_eq!(std::str::from_utf8(&out).unwrap(), "a\né😀");
/// ```
pub fn decode(raw: &[u8], flags: u8, out: &mut Vec<u8>, scratch: &mut Vec<u8>) {
    let text: &[u8] = if flags & flag::BAD_UTF8 != 0 {
        scratch.clear();
        lossy_utf8(raw, scratch);
        scratch
    } else {
        raw
    };
    if flags & flag::RAW_TEXT != 0 || flags & flag::ESCAPED == 0 {
        out.extend_from_slice(text);
    } else {
        unescape_with(text, out, false);
    }
}

/// Appends the decoded text of a string body to `out` without repairing anything, for the
/// canonical form a seal covers: invalid UTF-8 is copied as it is and a lone surrogate escape
/// becomes its generalised UTF-8 encoding (`\ud800` -> ED A0 80). Both are invalid UTF-8, so
/// no valid text decodes to the same bytes (lossy decoding would make `\ud800`, a raw 0xFF
/// and U+FFFD one text). Returns true when the text is not valid Unicode.
///
/// ```
/// use logseal::json::{flag, string::decode_exact};
/// let mut out = Vec::new();
/// assert!(decode_exact(br"a\ud800", flag::ESCAPED, &mut out));
/// assert_eq!(out, b"a\xed\xa0\x80");
/// out.clear();
/// assert!(!decode_exact("\u{FFFD}".as_bytes(), flag::NON_ASCII, &mut out));
/// ```
pub fn decode_exact(raw: &[u8], flags: u8, out: &mut Vec<u8>) -> bool {
    if flags & flag::RAW_TEXT != 0 || flags & flag::ESCAPED == 0 {
        out.extend_from_slice(raw);
        return flags & flag::BAD_UTF8 != 0;
    }
    unescape_with(raw, out, true) || flags & flag::BAD_UTF8 != 0
}

/// True when an escaped string body holds a lone surrogate escape (`\ud800` without its pair).
pub fn has_lone_surrogate(raw: &[u8]) -> bool {
    let mut i = 0;
    while let Some(p) = raw.get(i..).and_then(|r| memchr::memchr(b'\\', r)) {
        let at = i + p;
        if raw.get(at + 1) != Some(&b'u') {
            i = at + 2;
            continue;
        }
        let Some(hi) = hex4(raw, at + 2) else {
            i = at + 2;
            continue;
        };
        i = at + 6;
        if (0xDC00..0xE000).contains(&hi) {
            return true;
        }
        if (0xD800..0xDC00).contains(&hi) {
            let paired = raw.get(i) == Some(&b'\\') && raw.get(i + 1) == Some(&b'u') && hex4(raw, i + 2).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
            if !paired {
                return true;
            }
            i += 6;
        }
    }
    false
}

/// Appends `raw` to `out`, replacing every invalid UTF-8 sequence with U+FFFD.
pub fn lossy_utf8(raw: &[u8], out: &mut Vec<u8>) {
    for chunk in raw.utf8_chunks() {
        out.extend_from_slice(chunk.valid().as_bytes());
        if !chunk.invalid().is_empty() {
            out.extend_from_slice(REPLACEMENT.as_bytes());
        }
    }
}

/// Resolves JSON escapes. The scanner has checked them; anything malformed that still
/// arrives here is replaced by U+FFFD rather than trusted. A lone surrogate is replaced too,
/// or with `keep_lone` written in generalised UTF-8; returns true when one was seen.
fn unescape_with(text: &[u8], out: &mut Vec<u8>, keep_lone: bool) -> bool {
    let mut lone = false;
    let mut i = 0;
    while i < text.len() {
        // Copy the run up to the next backslash in one go.
        let run_end = text[i..].iter().position(|&b| b == b'\\').map_or(text.len(), |p| i + p);
        out.extend_from_slice(&text[i..run_end]);
        i = run_end;
        if i >= text.len() {
            break;
        }
        let esc = text.get(i + 1).copied().unwrap_or(b'?');
        i += 2;
        let simple = match esc {
            b'"' => Some(b'"'),
            b'\\' => Some(b'\\'),
            b'/' => Some(b'/'),
            b'b' => Some(0x08),
            b'f' => Some(0x0c),
            b'n' => Some(b'\n'),
            b'r' => Some(b'\r'),
            b't' => Some(b'\t'),
            _ => None,
        };
        if let Some(b) = simple {
            out.push(b);
            continue;
        }
        if esc != b'u' {
            out.extend_from_slice(REPLACEMENT.as_bytes());
            continue;
        }
        let Some(hi) = hex4(text, i) else {
            out.extend_from_slice(REPLACEMENT.as_bytes());
            continue;
        };
        i += 4;
        if (0xD800..0xE000).contains(&hi) && keep_lone {
            let paired = (0xD800..0xDC00).contains(&hi)
                && text.get(i) == Some(&b'\\')
                && text.get(i + 1) == Some(&b'u')
                && hex4(text, i + 2).is_some_and(|lo| (0xDC00..0xE000).contains(&lo));
            if !paired {
                lone = true;
                // The three bytes UTF-8 would use for the code point, were it a character.
                out.extend_from_slice(&[0xE0 | (hi >> 12) as u8, 0x80 | ((hi >> 6) & 0x3F) as u8, 0x80 | (hi & 0x3F) as u8]);
                continue;
            }
        }
        let c = if (0xD800..0xDC00).contains(&hi) {
            // A high surrogate is a character only with a low surrogate right after it.
            let lo = if text.get(i) == Some(&b'\\') && text.get(i + 1) == Some(&b'u') {
                hex4(text, i + 2).filter(|lo| (0xDC00..0xE000).contains(lo))
            } else {
                None
            };
            match lo {
                Some(lo) => {
                    i += 6;
                    char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))
                }
                None => None,
            }
        } else {
            char::from_u32(hi)
        };
        let mut buf = [0u8; 4];
        out.extend_from_slice(c.unwrap_or('\u{FFFD}').encode_utf8(&mut buf).as_bytes());
    }
    lone
}

fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = text.get(at..at + 4)?;
    let mut v = 0u32;
    for &d in digits {
        v = v * 16 + (d as char).to_digit(16)?;
    }
    Some(v)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `text` (valid UTF-8) to `out` as a quoted JSON string. Only what JSON requires is
/// escaped here; the escape stage decides how hostile characters look before this runs.
///
/// ```
/// let mut out = Vec::new();
/// logseal::json::string::encode("say \"hi\"\n", &mut out);
/// assert_eq!(out, br#""say \"hi\"\n""#);
/// ```
pub fn encode(text: &str, out: &mut Vec<u8>) {
    out.push(b'"');
    encode_body(text.as_bytes(), out);
    out.push(b'"');
}

/// Appends the JSON-escaped body of `text` (valid UTF-8) without quotes.
pub fn encode_body(text: &[u8], out: &mut Vec<u8>) {
    let mut run = 0;
    for (i, &b) in text.iter().enumerate() {
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        out.extend_from_slice(&text[run..i]);
        if esc.is_empty() {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.extend_from_slice(esc);
        }
        run = i + 1;
    }
    out.extend_from_slice(&text[run..]);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(raw: &[u8], flags: u8) -> String {
        let mut out = Vec::new();
        decode(raw, flags, &mut out, &mut Vec::new());
        String::from_utf8(out).expect("decode yields UTF-8")
    }

    #[test]
    fn decodes_every_escape() {
        assert_eq!(dec(br#"\"\\\/\b\f\n\r\t"#, flag::ESCAPED), "\"\\/\u{8}\u{c}\n\r\t");
        assert_eq!(dec(br"\u0041\u00e9\u20ac", flag::ESCAPED), "Aé€");
        assert_eq!(dec(br"\ud83d\ude00!", flag::ESCAPED), "😀!");
    }

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(dec(br"a\ud800b", flag::ESCAPED), "a\u{FFFD}b");
        assert_eq!(dec(br"\udc00", flag::ESCAPED), "\u{FFFD}");
        assert_eq!(dec(br"\ud800\u0041", flag::ESCAPED), "\u{FFFD}A");
    }

    #[test]
    fn invalid_utf8_becomes_replacement_characters() {
        assert_eq!(dec(b"a\xffb\xc3", flag::BAD_UTF8 | flag::NON_ASCII), "a\u{FFFD}b\u{FFFD}");
        assert_eq!(dec(b"x\xff\\n", flag::BAD_UTF8 | flag::ESCAPED), "x\u{FFFD}\n");
    }

    #[test]
    fn exact_decoding_keeps_invalid_text_apart_from_u_fffd() {
        let exact = |raw: &[u8], flags: u8| {
            let mut out = Vec::new();
            let bad = decode_exact(raw, flags, &mut out);
            (out, bad)
        };
        let fffd = exact("a\u{FFFD}".as_bytes(), flag::NON_ASCII);
        assert_eq!(fffd, ("a\u{FFFD}".as_bytes().to_vec(), false));
        for (raw, flags) in [(&br"a\ud800"[..], flag::ESCAPED), (br"a\udfff", flag::ESCAPED), (b"a\xff", flag::BAD_UTF8), (br"a\ud800\u0041", flag::ESCAPED)] {
            let (out, bad) = exact(raw, flags);
            assert!(bad, "{raw:?}");
            assert!(std::str::from_utf8(&out).is_err(), "{raw:?}");
            assert_ne!(out, fffd.0);
        }
        assert_eq!(exact(br"\ud83d\ude00\n", flag::ESCAPED), ("😀\n".as_bytes().to_vec(), false));
        assert!(has_lone_surrogate(br"x\udc00") && has_lone_surrogate(br"\ud800") && has_lone_surrogate(br"\ud800\ud800\udc00"));
        assert!(!has_lone_surrogate(br"\ud83d\ude00 \\ud800") && !has_lone_surrogate(br"\u0041"));
    }

    #[test]
    fn raw_text_is_not_unescaped() {
        assert_eq!(dec(br"C:\new", flag::RAW_TEXT), r"C:\new");
    }

    #[test]
    fn encode_escapes_what_json_requires_and_round_trips() {
        let text = "q\"b\\c\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é😀";
        let mut out = Vec::new();
        encode(text, &mut out);
        assert_eq!(
            std::str::from_utf8(&out).unwrap(),
            "\"q\\\"b\\\\c\\n\\r\\t\\b\\f\\u0001\\u001f\u{7f}é😀\""
        );
        let back: String = serde_json::from_slice(&out).unwrap();
        assert_eq!(back, text);
    }
}
