//! IBANs: country code, two check digits and the national part, exactly as long as the
//! country's IBAN, plain or grouped, valid when the number mod 97 is 1 (ISO 13616).
//!
//! Grouping: one separator kind throughout (a space or a dash), the first group four to eight
//! characters long and every later one four (the last may be shorter): `DE89 3704 0044 ...`,
//! `AL47-2121-1009-...`, `DE4450-0105-1754-...`. Free grouping would let a sentence after a
//! country code (`DE12 this is ...`) be read as one, so it is refused.

use super::text::word_end;

/// IBAN lengths by country (the SWIFT IBAN registry, including the countries added since
/// 2020: Burundi, Djibouti, Falklands, Honduras, Libya, Mongolia, Nicaragua, Oman, Russia,
/// Somalia, Sudan, Yemen).
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AT", 20), (b"AZ", 28), (b"BA", 20), (b"BE", 16), (b"BG", 22),
    (b"BH", 22), (b"BI", 27), (b"BR", 29), (b"BY", 28), (b"CH", 21), (b"CR", 22), (b"CY", 28), (b"CZ", 24),
    (b"DE", 22), (b"DJ", 27), (b"DK", 18), (b"DO", 28), (b"EE", 20), (b"EG", 29), (b"ES", 24), (b"FI", 18),
    (b"FK", 18), (b"FO", 18), (b"FR", 27), (b"GB", 22), (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27),
    (b"GT", 28), (b"HN", 28), (b"HR", 21), (b"HU", 28), (b"IE", 22), (b"IL", 23), (b"IQ", 23), (b"IS", 26),
    (b"IT", 27), (b"JO", 30), (b"KW", 30), (b"KZ", 20), (b"LB", 28), (b"LC", 32), (b"LI", 21), (b"LT", 20),
    (b"LU", 20), (b"LV", 21), (b"LY", 25), (b"MC", 27), (b"MD", 24), (b"ME", 22), (b"MK", 19), (b"MN", 20),
    (b"MR", 27), (b"MT", 31), (b"MU", 30), (b"NI", 28), (b"NL", 18), (b"NO", 15), (b"OM", 23), (b"PK", 24),
    (b"PL", 28), (b"PS", 29), (b"PT", 25), (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"RU", 33), (b"SA", 24),
    (b"SC", 31), (b"SD", 18), (b"SE", 24), (b"SI", 19), (b"SK", 24), (b"SM", 27), (b"SO", 23), (b"ST", 25),
    (b"SV", 28), (b"TL", 23), (b"TN", 24), (b"TR", 26), (b"UA", 29), (b"VA", 22), (b"VG", 24), (b"XK", 20),
    (b"YE", 30),
];

/// The longest IBAN (Russia's).
const MAX: usize = 34;

/// True when `text[at..]` starts like an IBAN: two capitals, two check digits.
pub fn head(text: &[u8], at: usize) -> bool {
    text.get(at..at + 4).is_some_and(|h| h[0].is_ascii_uppercase() && h[1].is_ascii_uppercase() && h[2].is_ascii_digit() && h[3].is_ascii_digit())
}

/// The IBAN starting at `at` (an uppercase letter starting a word); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    match read_shape(text, at)? {
        (end, true) => Some(end),
        (_, false) => None,
    }
}

/// An IBAN's shape at `at` (a known country, its exact length, an accepted grouping, ending a
/// word): its end, and whether the check digits are right. A shape with wrong check digits
/// is a mistyped or made-up IBAN: the detector pass reads none of its groups as another
/// number (`RS35 2600 0560 1001 6113 70` holds no card).
pub fn read_shape(text: &[u8], at: usize) -> Option<(usize, bool)> {
    // The cheap shape test first: two capitals, two check digits, a known country.
    if !head(text, at) {
        return None;
    }
    let &(_, len) = LENGTHS.iter().find(|(c, _)| c[..] == text[at..at + 2])?;
    let mut chars = [0u8; MAX];
    let end = read(text, at, len, &mut chars)?;
    word_end(text, end).then(|| (end, mod97(&chars[..len]) == 1))
}

/// Reads `len` alphanumerics from `at` into `chars` (uppercased), in the groupings the module
/// accepts; returns where they end.
fn read(text: &[u8], at: usize, len: usize, chars: &mut [u8; MAX]) -> Option<usize> {
    let (mut n, mut i) = (0, at);
    let mut sep = 0u8;
    // Characters since the last separator, and whether one was seen.
    let mut group = 0;
    while n < len {
        let c = *text.get(i)?;
        // A space may be percent-encoded (`%20`, in a query string): it counts as a space.
        let (c, width) = if c == b'%' && text.get(i + 1..i + 3) == Some(b"20") { (b'%', 3) } else { (c, 1) };
        if matches!(c, b' ' | b'-' | b'%') && text.get(i + width).is_some_and(u8::is_ascii_alphanumeric) {
            let first = sep == 0;
            if (first && (4..=8).contains(&group)) || (!first && c == sep && group == 4) {
                sep = c;
                group = 0;
                i += width;
                continue;
            }
            return None;
        }
        // IBANs are written in capitals; a lowercase letter is not one (`LV80 bANK ...`).
        if !(c.is_ascii_uppercase() || c.is_ascii_digit()) || n >= MAX {
            return None;
        }
        chars[n] = c;
        n += 1;
        group += 1;
        i += 1;
    }
    Some(i)
}

/// Where the value under an IBAN-named key (`IBAN: DE89 3704 ...`) ends, when it starts at
/// `at` with an IBAN's head: the whole grouped run of capitals and digits (valid or not, the
/// key says what it is), at most an IBAN's length; else None.
pub fn keyed_value_end(text: &[u8], at: usize) -> Option<usize> {
    if !head(text, at) {
        return None;
    }
    let group_byte = |b: u8| b.is_ascii_uppercase() || b.is_ascii_digit();
    let (mut n, mut i) = (0, at);
    loop {
        let g = super::text::run(text, i, group_byte);
        n += g - i;
        i = g;
        let sep = match text.get(i) {
            Some(b' ' | b'-') => 1,
            Some(b'%') if text.get(i + 1..i + 3) == Some(b"20") => 3,
            _ => return Some(i),
        };
        let next = super::text::run(text, i + sep, group_byte);
        let len = next - i - sep;
        if len == 0 || len > 8 || n + len > MAX {
            return Some(i);
        }
        i += sep;
    }
}

/// The IBAN check: move the first four characters to the end, letters as 10..35, mod 97.
fn mod97(iban: &[u8]) -> u32 {
    let (head, tail) = iban.split_at(4.min(iban.len()));
    tail.iter().chain(head).fold(0u32, |acc, &c| {
        if c.is_ascii_digit() {
            (acc * 10 + (c - b'0') as u32) % 97
        } else {
            (acc * 100 + (c.wrapping_sub(b'A') as u32 + 10)) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_valid_ibans_plain_and_grouped() {
        for iban in [
            "GB82WEST12345698765432", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "NL91ABNA0417164300",
            "FR1420041010050500013M02606", "AL47-2121-1009-0000-0002-3569-8741", "DE4450-0105-1754-0732-4931",
            "KZ86 125K ZT50 0410 0100", "KZ86%20125K%20ZT50%200410%200100",
        ] {
            assert_eq!(find(iban.as_bytes(), 0), Some(iban.len()), "{iban}");
        }
    }

    #[test]
    fn knows_the_recently_added_countries() {
        // Each built from its country's length with a check computed here, so the test does
        // not depend on published examples.
        for (cc, len) in [("BI", 27), ("DJ", 27), ("FK", 18), ("HN", 28), ("LY", 25), ("MN", 20), ("NI", 28), ("OM", 23), ("RU", 33), ("SO", 23), ("SD", 18), ("YE", 30)] {
            let bban: String = (0..len - 4).map(|k| char::from(b'0' + (k * 7 % 10) as u8)).collect();
            let probe = format!("{cc}00{bban}");
            let check = 98 - mod97(probe.as_bytes());
            let iban = format!("{cc}{check:02}{bban}");
            assert_eq!(find(iban.as_bytes(), 0), Some(len), "{iban}");
        }
    }

    #[test]
    fn refuses_bad_checksums_lengths_countries_and_loose_groups() {
        for bad in [
            "GB82WEST12345698765433", "GB82WEST1234569876543", "GB82WEST123456987654321", "XX82WEST12345698765432",
            "GB8XWEST12345698765432", "GB82 WEST-1234 5698 7654 32", "GB82 WE ST12 3456 9876 5432", "GB82  WEST 1234 5698 7654 32",
            "GB82 West 1234 5698 7654 32", "GB82 WEST%201234 5698 7654 32",
        ] {
            assert_eq!(find(bad.as_bytes(), 0), None, "{bad}");
        }
    }

    #[test]
    fn a_shape_with_wrong_check_digits_is_told_apart() {
        assert_eq!(read_shape(b"RS35 2600 0560 1001 6113 70", 0), Some((27, false)));
        assert_eq!(read_shape(b"RS35 2600 0560 1001 6113 7", 0), None, "too short for Serbia");
        assert_eq!(read_shape(b"DE89 3704 0044 0532 0130 00", 0), Some((27, true)));
    }

    #[test]
    fn a_keyed_value_is_read_whole_but_stops_at_words() {
        let t = b"DE89 3704 0044 0532 0130 00 sent";
        assert_eq!(keyed_value_end(t, 0), Some(27));
        assert_eq!(keyed_value_end(b"DE89370400440532013000, ok", 0), Some(22));
        assert_eq!(keyed_value_end(b"pending", 0), None);
        assert_eq!(keyed_value_end(b"KZ86%20125K%20ZT50&x=1", 0), Some(18));
    }
}
