//! The detector view of a string: its decoded text with invisible characters
//! ([`crate::invisible`]) removed, so `4111\u200b1111...`, a soft hyphen or a tag character
//! inside a token still reads as one secret, and with every Unicode decimal digit (fullwidth
//! `４１１１`, Arabic-Indic `٤١١١`, Devanagari, ...: general category `Nd`) read as its ASCII
//! digit, so a card, an ID or a phone written in them is checked like one in ASCII (only
//! digits are folded: letters keep their bytes). Positions found in the view map back to the
//! decoded text, where the replacement happens, so a mask covers the original bytes.

use crate::invisible::at;

/// The code points of the digit zero of each run of ten Unicode decimal digits (`Nd`) beyond
/// ASCII, sorted (Unicode 14; a test checks each against the `regex` crate's `\d`).
const ZEROS: [u32; 75] = [
    0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0,
    0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50, 0x11DA0, 0x11F50, 0x16130, 0x16A60,
    0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0,
    0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The UTF-8 lead bytes some digit of [`ZEROS`] starts with: every other byte is cleared by
/// one load.
const DIGIT_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let mut r = 0;
    while r < ZEROS.len() {
        let mut c = ZEROS[r];
        while c < ZEROS[r] + 10 {
            let lead = match c {
                0x80..=0x7FF => 0xC0 | (c >> 6),
                0x800..=0xFFFF => 0xE0 | (c >> 12),
                _ => 0xF0 | (c >> 18),
            };
            t[lead as usize] = true;
            c += 1;
        }
        r += 1;
    }
    t
};

/// The non-ASCII decimal digit encoded at `i` (its value, its length in bytes), if any.
pub fn digit_at(text: &[u8], i: usize) -> Option<(u8, usize)> {
    let lead = *text.get(i)?;
    if !DIGIT_LEAD[lead as usize] {
        return None;
    }
    // The lead table admits only leads of well-formed digit sequences.
    let (c, len) = crate::invisible::decode(text, i)?;
    let k = ZEROS.partition_point(|&z| z + 9 < c);
    let zero = *ZEROS.get(k)?;
    (zero <= c).then(|| ((c - zero) as u8, len))
}

/// Builds the view of `decoded` into `view` and `map` (view index -> decoded index, plus one
/// final entry for the end). Returns false, leaving both empty, when nothing is invisible and
/// no digit is beyond ASCII: then the decoded text is the view.
pub fn build(decoded: &[u8], view: &mut Vec<u8>, map: &mut Vec<u32>) -> bool {
    view.clear();
    map.clear();
    let first = (0..decoded.len()).find(|&i| decoded[i] >= 0x80 && (at(decoded, i).is_some() || digit_at(decoded, i).is_some()));
    let Some(first) = first else { return false };
    view.extend_from_slice(&decoded[..first]);
    map.extend(0..first as u32);
    let mut i = first;
    while i < decoded.len() {
        if decoded[i] < 0x80 {
            view.push(decoded[i]);
            map.push(i as u32);
            i += 1;
        } else if let Some((_, len)) = at(decoded, i) {
            i += len;
        } else if let Some((d, len)) = digit_at(decoded, i) {
            view.push(b'0' + d);
            map.push(i as u32);
            i += len;
        } else {
            view.push(decoded[i]);
            map.push(i as u32);
            i += 1;
        }
    }
    map.push(decoded.len() as u32);
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_removed_and_positions_map_back() {
        let text = "card 4111\u{200b}1111\u{ad}1111 1111!".as_bytes();
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(build(text, &mut view, &mut map));
        assert_eq!(view, b"card 411111111111 1111!");
        let start = view.iter().position(|&b| b == b'4').unwrap();
        let end = view.len() - 1;
        assert_eq!(&text[map[start] as usize..map[end] as usize], "4111\u{200b}1111\u{ad}1111 1111".as_bytes());
    }

    #[test]
    fn every_invisible_character_is_removed_from_the_view() {
        let text = "4111\u{34f}1111\u{e0020}1111\u{3164}1111 \u{2063}x\u{fe0f}".as_bytes();
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(build(text, &mut view, &mut map));
        assert_eq!(view, b"4111111111111111 x");
        assert_eq!(map.len(), view.len() + 1);
    }

    #[test]
    fn unicode_digits_read_as_ascii_and_map_back_to_their_bytes() {
        let text = "card \u{ff14}\u{ff11}\u{ff11}\u{ff11} \u{664}\u{661} \u{96a}! \u{ff21}".as_bytes();
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(build(text, &mut view, &mut map));
        assert_eq!(view, "card 4111 41 4! \u{ff21}".as_bytes(), "fullwidth A is no digit");
        assert_eq!(map.len(), view.len() + 1);
        assert_eq!(&text[map[5] as usize..map[9] as usize], "\u{ff14}\u{ff11}\u{ff11}\u{ff11}".as_bytes());
    }

    /// The zeros of the runs of `\p{Nd}` beyond ASCII, from `regex-syntax`'s tables.
    fn property_zeros() -> Vec<u32> {
        use regex_syntax::hir::{Class, HirKind};
        let hir = regex_syntax::Parser::new().parse(r"\p{Nd}").expect("property parses");
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else { panic!("a Unicode class") };
        class.iter().flat_map(|r| (r.start() as u32..=r.end() as u32).step_by(10)).filter(|&z| z > 0x7F).collect()
    }

    #[test]
    fn the_digit_table_is_the_decimal_digits() {
        let expected = property_zeros();
        let listing: String = expected.iter().map(|z| format!("0x{z:X}, ")).collect();
        assert_eq!(ZEROS.to_vec(), expected, "paste into ZEROS ({}):\n{listing}", expected.len());
        for &z in &ZEROS {
            for v in 0..10u8 {
                let c = char::from_u32(z + v as u32).unwrap();
                let mut b = [0u8; 4];
                let s = c.encode_utf8(&mut b);
                assert_eq!(digit_at(s.as_bytes(), 0), Some((v, s.len())), "{c:?}");
            }
        }
        assert_eq!(digit_at("\u{66a}".as_bytes(), 0), None);
        assert_eq!(digit_at("\u{65f}".as_bytes(), 0), None);
        assert_eq!(digit_at("\u{ff21}".as_bytes(), 0), None);
        assert_eq!(digit_at(&[0xEF, 0xBC], 0), None, "cut short");
    }

    #[test]
    fn plain_text_needs_no_view() {
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(!build("café €5".as_bytes(), &mut view, &mut map));
        assert!(view.is_empty() && map.is_empty());
    }
}
