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

/// [`looks_random`] for values that share their end, asked in order of their start: under
/// ambiguous keys one after another (`key=key=key=...`), every value is the rest of one run,
/// and judging each afresh reads the run once per key. The first value is judged by
/// [`looks_random`] itself; from the second on, byte counts and the entropy sum are kept and
/// only the bytes between two starts are taken out, so a run is read a bounded number of times.
pub struct Suffixes {
    /// The last value judged directly: `(start, end)`.
    last: (usize, usize),
    /// Counts of `from..end` are kept (`end` is `last.1`).
    primed: bool,
    from: usize,
    counts: [u32; 256],
    letters: u32,
    digits: u32,
    spaces: u32,
    /// The sum over bytes of `c * log2(c)`, `c` its count in `from..end`.
    sum: f64,
}

impl Default for Suffixes {
    fn default() -> Self {
        Suffixes { last: (usize::MAX, 0), primed: false, from: 0, counts: [0; 256], letters: 0, digits: 0, spaces: 0, sum: 0.0 }
    }
}

fn c_log_c(c: u32) -> f64 {
    if c < 2 {
        0.0
    } else {
        c as f64 * (c as f64).log2()
    }
}

impl Suffixes {
    /// Forgets everything: a new text.
    pub fn reset(&mut self) {
        self.last = (usize::MAX, 0);
        self.primed = false;
    }

    /// Whether `text[start..end]` looks random, as [`looks_random`] says.
    pub fn looks_random(&mut self, text: &[u8], start: usize, end: usize) -> bool {
        let Some(v) = text.get(start..end) else { return false };
        if end != self.last.1 || start < self.last.0 || start < self.from && self.primed {
            self.last = (start, end);
            self.primed = false;
            return looks_random(v);
        }
        if !self.primed {
            self.counts = [0; 256];
            (self.letters, self.digits, self.spaces) = (0, 0, 0);
            for &b in v {
                self.add(b);
            }
            self.sum = self.counts.iter().map(|&c| c_log_c(c)).sum();
            self.from = start;
            self.primed = true;
        }
        for &b in text.get(self.from..start).unwrap_or(&[]) {
            self.remove(b);
        }
        self.from = start;
        let n = v.len();
        if n < 16 || self.spaces > 0 || self.letters == 0 || self.digits == 0 {
            return false;
        }
        // H = log2(n) - sum(c log2 c) / n
        (n as f64).log2() - self.sum / n as f64 >= 3.2
    }

    fn add(&mut self, b: u8) {
        self.counts[b as usize] += 1;
        self.letters += b.is_ascii_alphabetic() as u32;
        self.digits += b.is_ascii_digit() as u32;
        self.spaces += b.is_ascii_whitespace() as u32;
    }

    fn remove(&mut self, b: u8) {
        let c = &mut self.counts[b as usize];
        if *c == 0 {
            return;
        }
        self.sum -= c_log_c(*c) - c_log_c(*c - 1);
        *c -= 1;
        self.letters -= b.is_ascii_alphabetic() as u32;
        self.digits -= b.is_ascii_digit() as u32;
        self.spaces -= b.is_ascii_whitespace() as u32;
    }
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

    #[test]
    fn suffixes_judge_as_looks_random_does() {
        let text = b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa9f86d081884c7d659a2feaa0c55ad015 x7Kp2QmZ9vLw4RtYzz";
        let mut s = Suffixes::default();
        for end in [text.len(), 80] {
            for start in 0..end {
                let want = looks_random(&text[start..end]);
                assert_eq!(s.looks_random(text, start, end), want, "{start}..{end}");
            }
        }
        // Out of order: judged afresh.
        assert_eq!(s.looks_random(text, 48, 80), looks_random(&text[48..80]));
        assert_eq!(s.looks_random(text, 10, 80), looks_random(&text[10..80]));
    }
}
