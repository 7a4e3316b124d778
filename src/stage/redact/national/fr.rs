//! French social security number (NIR, numéro INSEE) `S YY MM DD CCC OOO KK`: sex 1 or 2 (3,
//! 4, 7, 8 for provisional numbers), birth year and month (01-12, 20-42 or 50-99 when
//! unknown), a department (`2A`/`2B` for Corsica, counted as 19 and 18), commune, order, and
//! the key `97 - (the thirteen-digit number mod 97)`. Fifteen characters, bare or grouped with
//! spaces or dashes: a key of two digits over thirteen, a sex digit 1 or 2 and a month 01-12
//! are taken anywhere (one random fifteen-digit number in 4,000 passes); provisional sex digits
//! and unknown months only with a label (`nir`, `insee`, `sécurité sociale`, ...).

use super::{digits, first_shape, label, num, two};

pub fn nir(text: &[u8], at: usize) -> Option<usize> {
    let shapes: &[&[u8]] = &[
        b"ddddddddddddddd", b"d dd dd dd ddd ddd dd", b"d dd dd ddddd ddd dd", b"d-dd-dd-ddddd-ddd-dd", b"d-dd-dd-dd-ddd-ddd-dd",
        b"dddddd*dddddddd", b"d dd dd d* ddd ddd dd", b"d dd dd d*ddd ddd dd",
    ];
    let end = first_shape(text, at, shapes)?;
    let s = &text[at..end];
    // Corsica: the department's second character is a letter, A or B.
    let corsica = s.iter().filter(|c| c.is_ascii_alphanumeric()).nth(6)?;
    let mut d = [0u32; 15];
    let mut k = 0;
    for &c in s.iter().filter(|c| c.is_ascii_alphanumeric()) {
        *d.get_mut(k)? = match c {
            b'0'..=b'9' => (c - b'0') as u32,
            _ => 0,
        };
        k += 1;
    }
    if k != 15 {
        return None;
    }
    let mut n = num(&d[..13]);
    match corsica {
        b'0'..=b'9' => {}
        b'A' => n -= 1_000_000,
        b'B' => n -= 2_000_000,
        _ => return None,
    }
    let month = two(&d, 3);
    let key = two(&d, 13) as u64;
    if !matches!(d[0], 1 | 2 | 3 | 4 | 7 | 8) || !matches!(month, 1..=12 | 20..=42 | 50..=99) || !(1..=97).contains(&key) {
        return None;
    }
    let plain = matches!(d[0], 1 | 2) && (1..=12).contains(&month);
    let ok = 97 - n % 97 == key && digits::<2>(text, end - 2, end).is_some();
    (ok && (plain || label::near(text, at, end, &[b"nir", b"insee", b"securite", b"s\xc3\xa9curit\xc3\xa9", b"secu"]))).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_and_the_fields_are_checked() {
        assert_eq!(nir(b"151024610204325", 0), Some(15));
        assert_eq!(nir(b"1-51-02-46102-043-25", 0), Some(20));
        assert_eq!(nir(b"2 69 05 49 588 157 80", 0), Some(21));
        assert_eq!(nir(b"151024610204326", 0), None, "key");
        assert_eq!(nir(b"551024610204325", 0), None, "sex digit");
        // 3, a provisional number, and month 99: only with a label (key 95 is valid).
        assert_eq!(nir(b"399994610204395", 0), None);
        assert_eq!(nir(b"NIR 399994610204395", 4), Some(19));
        assert_eq!(nir(b"151024610204325 1", 0), None, "part of a longer number");
    }

    #[test]
    fn corsican_departments() {
        assert_eq!(nir(b"289042A34216390", 0), Some(15));
        assert_eq!(nir(b"289042B34216320", 0), Some(15));
        assert_eq!(nir(b"289042C34216320", 0), None);
    }
}
