//! Randomness: a value under an ambiguous key (`key`, `signature`, ...) is a secret when it
//! looks random: at least 16 characters, no white space, letters and digits mixed, and a
//! Shannon entropy of at least 3.2 bits per character (English words score lower; keys,
//! tokens and signatures higher).

/// True when `v` looks like random key material.
pub fn looks_random(v: &[u8]) -> bool {
    if v.len() < 16 || v.iter().any(|b| b.is_ascii_whitespace()) {
        return false;
    }
    let letters = v.iter().any(u8::is_ascii_alphabetic);
    let digits = v.iter().any(u8::is_ascii_digit);
    letters && digits && shannon(v) >= 3.2
}

/// Shannon entropy of the bytes of `v`, in bits per byte.
pub fn shannon(v: &[u8]) -> f64 {
    let mut counts = [0u32; 256];
    for &b in v {
        counts[b as usize] += 1;
    }
    let n = v.len() as f64;
    counts.iter().filter(|&&c| c > 0).map(|&c| {
        let p = c as f64 / n;
        -p * p.log2()
    }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_material_is_recognised() {
        assert!(looks_random(b"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));
        assert!(looks_random(b"9f86d081884c7d659a2feaa0c55ad015"));
        assert!(looks_random(b"x7Kp2QmZ9vLw4RtY"));
    }

    #[test]
    fn words_and_short_values_are_not() {
        assert!(!looks_random(b"user-settings-cache"));
        assert!(!looks_random(b"orders:2026:11"));
        assert!(!looks_random(b"aaaaaaaaaaaaaaaa1111"));
        assert!(!looks_random(b"short1"));
        assert!(!looks_random(b"two words here 12345678"));
    }
}
