//! IBANs: country code, two check digits and the national part, exactly as long as the
//! country's IBAN, plain or in groups of four; valid when the number mod 97 is 1 (ISO 13616).

use super::text::word_end;

/// IBAN lengths by country (ISO 13616 registry).
const LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AT", 20), (b"AZ", 28), (b"BA", 20), (b"BE", 16), (b"BG", 22),
    (b"BH", 22), (b"BR", 29), (b"BY", 28), (b"CH", 21), (b"CR", 22), (b"CY", 28), (b"CZ", 24), (b"DE", 22),
    (b"DK", 18), (b"DO", 28), (b"EE", 20), (b"EG", 29), (b"ES", 24), (b"FI", 18), (b"FO", 18), (b"FR", 27),
    (b"GB", 22), (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27), (b"GT", 28), (b"HR", 21), (b"HU", 28),
    (b"IE", 22), (b"IL", 23), (b"IQ", 23), (b"IS", 26), (b"IT", 27), (b"JO", 30), (b"KW", 30), (b"KZ", 20),
    (b"LB", 28), (b"LC", 32), (b"LI", 21), (b"LT", 20), (b"LU", 20), (b"LV", 21), (b"MC", 27), (b"MD", 24),
    (b"ME", 22), (b"MK", 19), (b"MR", 27), (b"MT", 31), (b"MU", 30), (b"NL", 18), (b"NO", 15), (b"PK", 24),
    (b"PL", 28), (b"PS", 29), (b"PT", 25), (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"SA", 24), (b"SC", 31),
    (b"SE", 24), (b"SI", 19), (b"SK", 24), (b"SM", 27), (b"ST", 25), (b"SV", 28), (b"TL", 23), (b"TN", 24),
    (b"TR", 26), (b"UA", 29), (b"VA", 22), (b"VG", 24), (b"XK", 20),
];

/// The IBAN starting at `at` (an uppercase letter starting a word); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    // The cheap shape test first: two capitals, two check digits.
    let head = text.get(at..at + 4)?;
    if !(head[0].is_ascii_uppercase() && head[1].is_ascii_uppercase() && head[2].is_ascii_digit() && head[3].is_ascii_digit()) {
        return None;
    }
    let &(_, len) = LENGTHS.iter().find(|(c, _)| c[..] == head[..2])?;
    // Read `len` alphanumerics, allowing a single space after each group of four.
    let mut chars = [0u8; 34];
    let (mut n, mut i) = (0, at);
    while n < len {
        let c = *text.get(i)?;
        if c == b' ' && n % 4 == 0 && n > 0 && text.get(i + 1).is_some_and(u8::is_ascii_alphanumeric) {
            i += 1;
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        chars[n] = c.to_ascii_uppercase();
        n += 1;
        i += 1;
    }
    (word_end(text, i) && mod97(&chars[..len]) == 1).then_some(i)
}

/// The IBAN check: move the first four characters to the end, letters as 10..35, mod 97.
fn mod97(iban: &[u8]) -> u32 {
    let (head, tail) = iban.split_at(4);
    tail.iter().chain(head).fold(0u32, |acc, &c| {
        if c.is_ascii_digit() {
            (acc * 10 + (c - b'0') as u32) % 97
        } else {
            (acc * 100 + (c - b'A' + 10) as u32) % 97
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_valid_ibans_plain_and_grouped() {
        for iban in ["GB82WEST12345698765432", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32", "NL91ABNA0417164300", "FR1420041010050500013M02606"] {
            assert_eq!(find(iban.as_bytes(), 0), Some(iban.len()), "{iban}");
        }
    }

    #[test]
    fn refuses_bad_checksums_lengths_and_countries() {
        for bad in ["GB82WEST12345698765433", "GB82WEST1234569876543", "GB82WEST123456987654321", "XX82WEST12345698765432", "GB8XWEST12345698765432"] {
            assert_eq!(find(bad.as_bytes(), 0), None, "{bad}");
        }
    }
}
