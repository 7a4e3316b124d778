//! Characters a reader cannot see: every code point with the Unicode property
//! `Default_Ignorable_Code_Point` or the general category `Cf` (format), as of Unicode 16.0.
//! Soft hyphens, joiners, bidi controls, invisible operators, interlinear annotation marks,
//! Hangul fillers, variation selectors and tag characters are among them: text that holds
//! them can show one thing and be another (`log\u{ad}seal` reads `logseal`).
//!
//! The escape stage makes them visible and the detector view removes them; the JSON scanner
//! flags strings that may hold one, so every other string is copied without a closer look.
//! The table is the property itself, not a hand list: a test compares it, code point by code
//! point, with the Unicode tables of `regex-syntax`, and prints the table to paste when a
//! Unicode update changes it.

/// The ranges (inclusive) of `Default_Ignorable_Code_Point` ∪ `Cf`, sorted.
const RANGES: [(u32, u32); 25] = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// For each UTF-8 lead byte, the second bytes (low six bits) that begin some character of
/// [`RANGES`], so most non-ASCII text is cleared by one load and one bit test.
const PREFIX: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut r = 0;
    while r < RANGES.len() {
        let mut c = RANGES[r].0;
        while c <= RANGES[r].1 {
            let (lead, second) = match c {
                0x80..=0x7FF => (0xC0 | (c >> 6), 0x80 | (c & 0x3F)),
                0x800..=0xFFFF => (0xE0 | (c >> 12), 0x80 | ((c >> 6) & 0x3F)),
                _ => (0xF0 | (c >> 18), 0x80 | ((c >> 12) & 0x3F)),
            };
            t[lead as usize] |= 1u64 << (second & 0x3F);
            c += 1;
        }
        r += 1;
    }
    t
};

/// The invisible character (code point, length in bytes) encoded at `i` of `text`, if any.
///
/// ```
/// use logseal::invisible::at;
/// assert_eq!(at("log\u{ad}seal".as_bytes(), 3), Some((0xAD, 2)));
/// assert_eq!(at("x\u{e0041}".as_bytes(), 1), Some((0xE0041, 4)));
/// assert_eq!(at("café".as_bytes(), 3), None);
/// ```
#[inline(always)]
pub fn at(text: &[u8], i: usize) -> Option<(u32, usize)> {
    let (Some(&lead), Some(&second)) = (text.get(i), text.get(i + 1)) else { return None };
    if PREFIX[lead as usize] & (1u64 << (second & 0x3F)) == 0 {
        return None;
    }
    let (c, len) = decode(text, i)?;
    member(c).then_some((c, len))
}

/// The character at `i` that escaping writes as a visible code, with its length:
/// C1 controls, the line and paragraph separators U+2028/U+2029 (JavaScript line ends), and
/// every default-ignorable or format character ([`at`]).
#[inline(always)]
pub fn hidden(text: &[u8], i: usize) -> Option<(u32, usize)> {
    match (*text.get(i)?, text.get(i + 1)) {
        (0xC2, Some(&c @ 0x80..=0x9F)) => Some((c as u32, 2)),
        (0xE2, Some(0x80)) if matches!(text.get(i + 2), Some(0xA8 | 0xA9)) => Some((0x2000 | (text[i + 2] as u32 - 0x80), 3)),
        _ => at(text, i),
    }
}

/// Whether the code point is in [`RANGES`].
pub fn member(c: u32) -> bool {
    let k = RANGES.partition_point(|&(_, hi)| hi < c);
    RANGES.get(k).is_some_and(|&(lo, _)| lo <= c)
}

/// Whether a made-visible character also counts as an attack: not for the zero-width
/// joiners and the emoji presentation selectors, which ordinary text (emoji sequences,
/// Persian and Indic scripts) carries all the time.
pub fn hostile(c: u32) -> bool {
    !matches!(c, 0x200C | 0x200D | 0xFE0E | 0xFE0F)
}

/// The multi-byte UTF-8 sequence at `i`: its code point and length, if well formed.
#[inline]
pub fn decode(text: &[u8], i: usize) -> Option<(u32, usize)> {
    let lead = *text.get(i)?;
    let len = match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    let seq = text.get(i..i + len)?;
    let mut c = (lead as u32) & (0x7F >> len);
    for &b in &seq[1..] {
        if b & 0xC0 != 0x80 {
            return None;
        }
        c = (c << 6) | (b & 0x3F) as u32;
    }
    Some((c, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The property from Unicode's own tables, as `regex-syntax` ships them.
    fn property() -> Vec<(u32, u32)> {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::Parser::new().parse(r"[\p{Default_Ignorable_Code_Point}\p{Cf}]").expect("property parses");
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else { panic!("a Unicode class") };
        class.iter().map(|r| (r.start() as u32, r.end() as u32)).collect()
    }

    #[test]
    fn table_is_the_unicode_property() {
        let expected = property();
        let listing: String = expected.iter().map(|(lo, hi)| format!("    (0x{lo:04X}, 0x{hi:04X}),\n")).collect();
        assert_eq!(RANGES.to_vec(), expected, "paste into RANGES ({} ranges):\n{listing}", expected.len());
    }

    #[test]
    fn every_code_point_is_judged_as_the_property_says() {
        let expected = property();
        let mut buf = [0u8; 4];
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let text = c.encode_utf8(&mut buf).as_bytes();
            let want = expected.iter().any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)));
            let got = at(text, 0);
            assert_eq!(got.is_some(), want, "U+{:04X}", c as u32);
            if let Some((code, len)) = got {
                assert_eq!((code, len), (c as u32, text.len()));
            }
        }
    }

    #[test]
    fn truncated_or_broken_sequences_are_not_read() {
        assert_eq!(at(&[0xC2], 0), None);
        assert_eq!(at(&[0xF3, 0xA0, 0x81], 0), None, "tag character cut short");
        assert_eq!(at(&[0xE2, 0x80, 0x41], 0), None);
    }

    #[test]
    fn joiners_and_presentation_selectors_are_shown_but_not_hostile() {
        assert!(!hostile(0x200D) && !hostile(0xFE0F));
        assert!(hostile(0x00AD) && hostile(0xE0041) && hostile(0x202E));
    }
}
