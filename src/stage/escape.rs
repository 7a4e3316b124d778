//! Escaping: a field an attacker controls must not forge a log line, hide text, rewrite a
//! terminal, or trigger a lookup downstream. Applied to every key and string value after
//! decoding, fused with JSON encoding so it costs one pass.
//!
//! | input | becomes (as the reader sees it) |
//! |---|---|
//! | LF, CR, TAB | `\n`, `\r`, `\t` (multi-line fields keep LF and TAB) |
//! | other C0 controls, NUL, DEL | `\x00` .. `\x1f`, `\x7f` (so ESC sequences, ANSI/VT, are inert) |
//! | C1 controls U+0080-U+009F (8-bit CSI, NEL) | `\u0085`, `\u009b`, ... |
//! | every default-ignorable or format character ([`crate::invisible`]: soft hyphen, joiners, bidi controls, variation selectors, tag characters, ...), U+2028/U+2029 | `\u00ad`, `\u202e`, ..., `\U000e0041` beyond the BMP |
//! | `${` (Log4Shell-style lookups, also nested) | `$\{` |
//! | `"` and `\` | JSON-escaped as always |
//!
//! The escapes are visible text: a reader sees what was sent, and nothing in it acts.
//! Everything else, including all other Unicode, passes unchanged.

use crate::invisible;
use crate::swar::plain_end;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// What escaping did to one string.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Escaped {
    /// Something other than a TAB was neutralised: the record is tagged `injection_attempt`.
    pub hostile: bool,
    /// Something was made visible (a TAB included): a reader sees other text than was sent.
    pub shown: bool,
}

/// Appends `text` (valid UTF-8) to `out` as the body of a JSON string, with every hostile
/// character made visible. `multiline` keeps LF and TAB as they are (stack traces).
///
/// ```
/// use logseal::stage::escape::encode_visible;
/// let mut out = Vec::new();
/// let e = encode_visible("a\nb\u{1b}[2J ${jndi:x}".as_bytes(), false, &mut out);
/// assert!(e.hostile);
/// // The JSON text; decoded, the reader sees: a\nb\x1b[2J $\{jndi:x}
/// assert_eq!(std::str::from_utf8(&out).unwrap(), r"a\\nb\\x1b[2J $\\{jndi:x}");
/// ```
pub fn encode_visible(text: &[u8], multiline: bool, out: &mut Vec<u8>) -> Escaped {
    let mut found = Escaped::default();
    let mut run = 0; // start of the pending run of bytes that pass unchanged
    let mut i = 0;
    loop {
        i = plain_end(text, i);
        let Some(&b) = text.get(i) else { break };
        let (skip, visible): (usize, Visible) = match b {
            b'"' => (1, Visible::Json(b"\\\"")),
            b'\\' => (1, Visible::Json(b"\\\\")),
            b'\n' if multiline => (1, Visible::Json(b"\\n")),
            b'\t' if multiline => (1, Visible::Json(b"\\t")),
            b'\t' => (1, Visible::Shown(b"\\\\t")),
            b'\n' => (1, Visible::Hostile(b"\\\\n")),
            b'\r' => (1, Visible::Hostile(b"\\\\r")),
            0x00..=0x1f | 0x7f => (1, Visible::Byte(b)),
            b'$' if text.get(i + 1) == Some(&b'{') => (2, Visible::Hostile(b"$\\\\{")),
            0x80..=0xFF => match invisible::hidden(text, i) {
                Some((code, len)) => (len, Visible::Code(code)),
                None => (0, Visible::Pass),
            },
            _ => (0, Visible::Pass),
        };
        if skip == 0 {
            i += 1;
            continue;
        }
        out.extend_from_slice(&text[run..i]);
        found.shown |= !matches!(visible, Visible::Json(_) | Visible::Pass);
        match visible {
            Visible::Json(s) | Visible::Shown(s) => out.extend_from_slice(s),
            Visible::Hostile(s) => {
                out.extend_from_slice(s);
                found.hostile = true;
            }
            Visible::Byte(b) => {
                out.extend_from_slice(b"\\\\x");
                out.push(HEX[(b >> 4) as usize]);
                out.push(HEX[(b & 0xf) as usize]);
                found.hostile = true;
            }
            Visible::Code(c) => {
                let digits: &[u32] = if c > 0xFFFF {
                    out.extend_from_slice(b"\\\\U");
                    &[28, 24, 20, 16, 12, 8, 4, 0]
                } else {
                    out.extend_from_slice(b"\\\\u");
                    &[12, 8, 4, 0]
                };
                for &shift in digits {
                    out.push(HEX[((c >> shift) & 0xf) as usize]);
                }
                found.hostile |= invisible::hostile(c);
            }
            Visible::Pass => {}
        }
        i += skip;
        run = i;
    }
    out.extend_from_slice(&text[run..]);
    found
}

/// How one character is written.
enum Visible {
    /// Nothing to do.
    Pass,
    /// A plain JSON escape of a harmless character.
    Json(&'static [u8]),
    /// A visible escape of a harmless character (TAB outside multi-line fields).
    Shown(&'static [u8]),
    /// A visible escape of a hostile sequence.
    Hostile(&'static [u8]),
    /// A control byte, written as `\xNN`.
    Byte(u8),
    /// An invisible or control code point, written as `\uNNNN` (`\UNNNNNNNN` beyond the BMP).
    Code(u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a reader sees after decoding the JSON output.
    fn seen(text: &str, multiline: bool) -> (String, bool) {
        let mut body = b"\"".to_vec();
        let e = encode_visible(text.as_bytes(), multiline, &mut body);
        body.push(b'"');
        (serde_json::from_slice(&body).expect("valid JSON string"), e.hostile)
    }

    #[test]
    fn line_breaks_and_controls_become_visible() {
        assert_eq!(seen("a\r\nb", false), (r"a\r\nb".into(), true));
        assert_eq!(seen("nul\0byte", false), (r"nul\x00byte".into(), true));
        assert_eq!(seen("pass\u{8}\u{8}word", false), (r"pass\x08\x08word".into(), true));
        assert_eq!(seen("del\u{7f}", false), (r"del\x7f".into(), true));
        assert_eq!(seen("tab\there", false), (r"tab\there".into(), false), "a TAB is shown but is no attack");
    }

    #[test]
    fn multiline_fields_keep_lf_and_tab_only() {
        assert_eq!(seen("at a\n\tat b\r\x1b[0m", true), ("at a\n\tat b\\r\\x1b[0m".into(), true));
        assert_eq!(seen("at a\n\tat b", true), ("at a\n\tat b".into(), false));
    }

    #[test]
    fn ansi_and_osc_sequences_are_inert() {
        let (s, h) = seen("\u{1b}[31mRED\u{1b}[0m \u{1b}]8;;http://x\u{7}link\u{1b}]8;;\u{7} \u{1b}]0;title\u{7}", false);
        assert!(h);
        assert!(!s.contains('\u{1b}') && !s.contains('\u{7}'));
        assert_eq!(s, r"\x1b[31mRED\x1b[0m \x1b]8;;http://x\x07link\x1b]8;;\x07 \x1b]0;title\x07");
    }

    #[test]
    fn c1_controls_and_invisible_characters_become_visible() {
        assert_eq!(seen("a\u{85}b\u{9b}c", false), (r"a\u0085b\u009bc".into(), true));
        for c in ['\u{200b}', '\u{200e}', '\u{200f}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202e}', '\u{2060}', '\u{2066}', '\u{2069}', '\u{feff}', '\u{61c}'] {
            let (s, h) = seen(&format!("x{c}y"), false);
            assert_eq!(s, format!("x\\u{:04x}y", c as u32));
            assert!(h);
        }
    }

    #[test]
    fn ordinary_unicode_passes_unchanged() {
        let text = "café € “quoted” — 日本語 ﾊﾝｶｸ 한국어 😀 ©±\u{a0} ＡＢＣ";
        assert_eq!(seen(text, false), (text.into(), false));
    }

    #[test]
    fn every_default_ignorable_and_format_character_becomes_visible() {
        // Soft hyphen, combining grapheme joiner, Arabic number sign, Mongolian vowel
        // separator, Hangul fillers, invisible operators, deprecated format characters,
        // interlinear annotation, shorthand format controls, musical formatting, tag characters.
        for c in ['\u{ad}', '\u{34f}', '\u{600}', '\u{180e}', '\u{115f}', '\u{3164}', '\u{ffa0}', '\u{2061}', '\u{2064}', '\u{206a}', '\u{206f}', '\u{fff9}', '\u{fffb}', '\u{1bca0}', '\u{1d173}'] {
            let (s, h) = seen(&format!("log{c}seal"), false);
            let code = c as u32;
            let shown = if code > 0xFFFF { format!("\\U{code:08x}") } else { format!("\\u{code:04x}") };
            assert_eq!(s, format!("log{shown}seal"), "U+{code:04X}");
            assert!(h, "U+{code:04X} is hostile");
        }
        // ASCII smuggled in tag characters shows as codes, not as nothing.
        let (s, h) = seen("ok\u{e0001}\u{e0069}\u{e007f}", false);
        assert_eq!(s, r"ok\U000e0001\U000e0069\U000e007f");
        assert!(h);
    }

    #[test]
    fn joiners_and_emoji_selectors_are_shown_without_an_attack_tag() {
        let (s, h) = seen("👨\u{200d}👩 ❤\u{fe0f} گفت\u{200c}وگو", false);
        assert_eq!(s, r"👨\u200d👩 ❤\ufe0f گفت\u200cوگو");
        assert!(!h);
        // Other variation selectors carry hidden bytes (emoji smuggling).
        assert!(seen("😀\u{fe01}\u{e0100}", false).1);
    }

    #[test]
    fn lookups_are_defanged_everywhere() {
        for payload in ["${jndi:ldap://a/b}", "${${lower:j}ndi:x}", "${env:AWS_SECRET}", "$${x}", "a${"] {
            let (s, h) = seen(payload, false);
            assert!(!s.contains("${"), "{payload} -> {s}");
            assert!(h);
        }
        assert_eq!(seen("${${lower:j}ndi:x}", false).0, r"$\{$\{lower:j}ndi:x}");
        assert_eq!(seen("cost: $5 {ok}", false), ("cost: $5 {ok}".into(), false));
    }

    #[test]
    fn quotes_and_backslashes_round_trip() {
        assert_eq!(seen(r#"C:\new "x""#, false), (r#"C:\new "x""#.into(), false));
    }
}
