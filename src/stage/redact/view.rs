//! The detector view of a string: its decoded text with invisible characters removed, so
//! `4111\u200b1111...` or a soft hyphen inside a token still reads as one secret. Positions
//! found in the view map back to the decoded text, where the replacement happens.

/// Whether the 2- or 3-byte sequence at `i` is an invisible character; returns its length.
/// Soft hyphen U+00AD, U+200B-U+200F (zero widths, LRM, RLM), U+202A-U+202E, U+2060-U+2064,
/// U+2066-U+2069, U+FEFF.
fn invisible_len(text: &[u8], i: usize) -> usize {
    match (text.get(i), text.get(i + 1), text.get(i + 2)) {
        (Some(0xC2), Some(0xAD), _) => 2,
        (Some(0xE2), Some(0x80), Some(0x8B..=0x8F | 0xAA..=0xAE)) => 3,
        (Some(0xE2), Some(0x81), Some(0xA0..=0xA4 | 0xA6..=0xA9)) => 3,
        (Some(0xEF), Some(0xBB), Some(0xBF)) => 3,
        _ => 0,
    }
}

/// Builds the view of `decoded` into `view` and `map` (view index -> decoded index, plus one
/// final entry for the end). Returns false, leaving both empty, when nothing is invisible:
/// then the decoded text is the view.
pub fn build(decoded: &[u8], view: &mut Vec<u8>, map: &mut Vec<u32>) -> bool {
    view.clear();
    map.clear();
    if !decoded.iter().any(|&b| matches!(b, 0xC2 | 0xE2 | 0xEF)) {
        return false;
    }
    let first = (0..decoded.len()).find(|&i| invisible_len(decoded, i) > 0);
    let Some(first) = first else { return false };
    view.extend_from_slice(&decoded[..first]);
    map.extend(0..first as u32);
    let mut i = first;
    while i < decoded.len() {
        let skip = invisible_len(decoded, i);
        if skip > 0 {
            i += skip;
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
    fn plain_text_needs_no_view() {
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(!build("café €5".as_bytes(), &mut view, &mut map));
        assert!(view.is_empty() && map.is_empty());
    }
}
