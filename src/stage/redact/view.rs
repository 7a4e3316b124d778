//! The detector view of a string: its decoded text with invisible characters
//! ([`crate::invisible`]) removed, so `4111\u200b1111...`, a soft hyphen or a tag character
//! inside a token still reads as one secret. Positions found in the view map back to the
//! decoded text, where the replacement happens.

use crate::invisible::at;

/// Builds the view of `decoded` into `view` and `map` (view index -> decoded index, plus one
/// final entry for the end). Returns false, leaving both empty, when nothing is invisible:
/// then the decoded text is the view.
pub fn build(decoded: &[u8], view: &mut Vec<u8>, map: &mut Vec<u32>) -> bool {
    view.clear();
    map.clear();
    let first = (0..decoded.len()).find(|&i| decoded[i] >= 0x80 && at(decoded, i).is_some());
    let Some(first) = first else { return false };
    view.extend_from_slice(&decoded[..first]);
    map.extend(0..first as u32);
    let mut i = first;
    while i < decoded.len() {
        if let Some((_, len)) = at(decoded, i) {
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
    fn plain_text_needs_no_view() {
        let (mut view, mut map) = (Vec::new(), Vec::new());
        assert!(!build("café €5".as_bytes(), &mut view, &mut map));
        assert!(view.is_empty() && map.is_empty());
    }
}
