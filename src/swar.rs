//! Word-at-a-time byte tests ("SIMD within a register"): eight bytes per step in plain `u64`
//! arithmetic, the same natively and in wasm, with no unsafe code and no target features.
//! The JSON scanner and the escaper skip plain string text with them, the phrase search finds
//! word starts, and the UUID shape test checks hex digits without a branch per byte.
//!
//! A mask has the high bit of each selected byte set. Where a helper can give false bits (see
//! [`zero_bytes`]), callers use only the lowest one, which is always exact. Measured against
//! byte loops with callgrind: they pay where runs are long (string bodies) and lose on short
//! words, so the detector pass keeps its byte loop.

pub const ONES: u64 = 0x0101_0101_0101_0101;
pub const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The eight bytes at `i`, little-endian (byte `i` is the lowest), if there are eight.
#[inline(always)]
pub fn load(text: &[u8], i: usize) -> Option<u64> {
    let chunk = text.get(i..i + 8)?;
    let mut word = [0u8; 8];
    word.copy_from_slice(chunk);
    Some(u64::from_le_bytes(word))
}

/// The bytes of `w` that are zero. Bits above the lowest one may be false (borrows).
#[inline(always)]
pub fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(ONES) & !w & HIGHS
}

/// The bytes of `x` within `lo..=hi`, exactly. Every byte of `x` must be below 0x80 (mask the
/// high bits off first), so no sum carries into the next byte.
#[inline(always)]
pub fn in_range(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least_lo = x.wrapping_add(ONES * (0x80 - lo) as u64);
    let above_hi = x.wrapping_add(ONES * (0x7f - hi) as u64);
    at_least_lo & !above_hi & HIGHS
}

/// The ASCII letters of `w`, exactly.
#[inline(always)]
pub fn letters(w: u64) -> u64 {
    // `| 0x20` folds capitals onto lower case; `@`, `[`..`` ` `` and `{`.. stay outside a-z.
    in_range((w & !HIGHS) | (ONES * 0x20), b'a', b'z') & !w & HIGHS
}

/// The ASCII digits of `w`, exactly.
#[inline(always)]
pub fn digits(w: u64) -> u64 {
    in_range(w & !HIGHS, b'0', b'9') & !w & HIGHS
}

/// The hex digits (`0-9`, `a-f`, `A-F`) of `w`, exactly.
#[inline(always)]
pub fn hex(w: u64) -> u64 {
    digits(w) | (in_range((w & !HIGHS) | (ONES * 0x20), b'a', b'f') & !w & HIGHS)
}

/// A mask as eight bits, bit `k` for byte `k`.
#[inline(always)]
pub fn bits(mask: u64) -> u64 {
    ((mask >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
}

/// The first byte from `i` that needs attention in JSON string text: `"`, `\\`, `$`, a
/// control byte, DEL or a non-ASCII byte (or where fewer than eight bytes remain). The
/// scanner and the escaper skip everything else: most string bytes are plain.
#[inline(always)]
pub fn plain_end(text: &[u8], mut i: usize) -> usize {
    while let Some(w) = load(text, i) {
        let special = zero_bytes(w ^ (ONES * b'"' as u64))
            | zero_bytes(w ^ (ONES * b'\\' as u64))
            | zero_bytes(w ^ (ONES * b'$' as u64))
            | zero_bytes(w ^ (ONES * 0x7f))
            | w.wrapping_sub(ONES * 0x20) & !w & HIGHS // a byte below 0x20
            | w & HIGHS; // a non-ASCII byte
        if special != 0 {
            return i + (special.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_agree_with_the_byte_tests_for_every_byte_at_every_lane() {
        for b in 0..=255u8 {
            for lane in 0..8 {
                // Surround the byte with each kind of neighbour, so carries and borrows show.
                for fill in [0u8, b'a', b'.', 0xff, b'9'] {
                    let mut bytes = [fill; 8];
                    bytes[lane] = b;
                    let w = u64::from_le_bytes(bytes);
                    let bit = |m: u64| m >> (lane * 8 + 7) & 1 == 1;
                    assert_eq!(bit(letters(w)), b.is_ascii_alphabetic(), "letters {b:#x} lane {lane} fill {fill:#x}");
                    assert_eq!(bit(digits(w)), b.is_ascii_digit(), "digits {b:#x} lane {lane} fill {fill:#x}");
                    assert_eq!(bit(hex(w)), b.is_ascii_hexdigit(), "hex {b:#x} lane {lane} fill {fill:#x}");
                    assert_eq!(bits(hex(w)) >> lane & 1 == 1, b.is_ascii_hexdigit(), "bits {b:#x} lane {lane}");
                    if b < 0x80 && fill < 0x80 {
                        assert_eq!(bit(in_range(w, b'0', b'9')), b.is_ascii_digit());
                    }
                }
            }
        }
    }

    #[test]
    fn bits_gathers_every_pattern() {
        for pattern in 0..256u64 {
            let mask = (0..8).filter(|k| pattern >> k & 1 == 1).fold(0u64, |m, k| m | 0x80 << (8 * k));
            assert_eq!(bits(mask), pattern);
        }
    }

    #[test]
    fn plain_text_ends_exactly_at_every_special_byte_at_every_offset() {
        for special in [b'"', b'\\', b'$', 0x00, 0x1f, 0x7f, 0x80, 0xff] {
            for at in 0..24 {
                for fill in [b'a', b' ', b'~', b'#'] {
                    let mut body = vec![fill; 24];
                    body[at] = special;
                    assert_eq!(plain_end(&body, 0), at, "byte {special:#x} at {at} in {fill:#x}");
                }
            }
        }
        assert_eq!(plain_end(&[b' '; 16], 0), 16);
        assert_eq!(plain_end(&[b'~'; 12], 0), 8, "a partial word is left to the byte loop");
    }
}
