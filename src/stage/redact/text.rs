//! Small byte helpers the detectors share.

/// A found secret: `start..end` in the detector view, its kind, and the policy rule that
/// found it (`NO_RULE` for built-in detectors).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: super::kind::Kind,
    pub rule: u16,
}

/// `Span::rule` of built-in detectors.
pub const NO_RULE: u16 = u16::MAX;

/// ASCII letters and digits, as a table: one load where the range tests cost three compares
/// (the detector pass asks for every byte of every word).
const ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

pub fn is_alnum(b: u8) -> bool {
    ALNUM[b as usize]
}

/// True when nothing alphanumeric follows `end`.
pub fn word_end(text: &[u8], end: usize) -> bool {
    !text.get(end).copied().is_some_and(is_alnum)
}

/// Counts bytes of `text[at..]` in `set`; returns the end of the run.
pub fn run(text: &[u8], at: usize, set: impl Fn(u8) -> bool) -> usize {
    let mut i = at;
    while text.get(i).copied().is_some_and(&set) {
        i += 1;
    }
    i
}

/// A run already read, remembered so that every start inside it finds its end at once: a
/// detector tried at each start of a long run (`glpat-glpat-...`, `--a--a...`) would otherwise
/// read the rest of the run each time, quadratic in the run's length. Exact: when every byte
/// of `from..end` is in the set and `text[end]` is not, the run from any `at` in `from..=end`
/// ends at `end`. Valid for one text and one byte set.
#[derive(Clone, Copy, Debug)]
pub struct RunCache {
    from: usize,
    end: usize,
}

impl Default for RunCache {
    fn default() -> Self {
        RunCache { from: usize::MAX, end: 0 }
    }
}

impl RunCache {
    /// As [`run`], reusing the last run when `at` lies inside it.
    #[inline]
    pub fn run(&mut self, text: &[u8], at: usize, set: impl Fn(u8) -> bool) -> usize {
        if self.from <= at && at <= self.end {
            return self.end;
        }
        let end = run(text, at, set);
        *self = RunCache { from: at, end };
        end
    }
}

/// True when `text[at..]` starts with `prefix`, ignoring ASCII case.
pub fn starts_with_ci(text: &[u8], at: usize, prefix: &[u8]) -> bool {
    text.get(at..at + prefix.len()).is_some_and(|s| s.eq_ignore_ascii_case(prefix))
}

/// The Luhn checksum over ASCII digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = (d - b'0') as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// Digits starting at `at`, allowing one separator from `seps` between digits. Fills
/// `digits` (up to its length) and `ends[k]` = the position after the k-th digit (1-based).
/// Returns how many digits were read: at most one more than fit, so a long run of groups
/// (`1 1 1 ...`) is not read to its end from every group (no detector needs more than it
/// can store to tell "too many").
pub fn grouped_digits(text: &[u8], at: usize, seps: &[u8], digits: &mut [u8], ends: &mut [usize]) -> usize {
    let mut n = 0;
    let mut i = at;
    loop {
        if n > digits.len() {
            return n;
        }
        match text.get(i) {
            Some(&d) if d.is_ascii_digit() => {
                if n < digits.len() {
                    digits[n] = d;
                }
                n += 1;
                i += 1;
                if n < ends.len() {
                    ends[n] = i;
                }
            }
            Some(s) if n > 0 && seps.contains(s) && text.get(i + 1).is_some_and(u8::is_ascii_digit) => i += 1,
            _ => return n,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_valid_numbers_only() {
        assert!(luhn(b"4111111111111111"));
        assert!(luhn(b"79927398713"));
        assert!(!luhn(b"4111111111111112"));
    }

    #[test]
    fn grouped_digits_read_single_separators() {
        let (mut d, mut e) = ([0u8; 19], [0usize; 20]);
        assert_eq!(grouped_digits(b"4111 1111-1111  1", 0, b" -", &mut d, &mut e), 12);
        assert_eq!(e[12], 14);
        assert_eq!(&d[..4], b"4111");
        // Past what fits, one more digit says "too many"; the rest is not read.
        let long = b"1 ".repeat(1000);
        assert_eq!(grouped_digits(&long, 0, b" ", &mut d, &mut e), 20);
    }

    #[test]
    fn run_cache_answers_as_run_at_every_start() {
        let text = b"ab-cd ef--gh.ij kl";
        let set = |b: u8| b.is_ascii_alphanumeric() || b == b'-';
        let mut cache = RunCache::default();
        for at in 0..=text.len() {
            assert_eq!(cache.run(text, at, set), run(text, at, set), "at {at}");
        }
        let mut cache = RunCache::default();
        for at in (0..=text.len()).rev() {
            assert_eq!(cache.run(text, at, set), run(text, at, set), "at {at}, backwards");
        }
    }
}
