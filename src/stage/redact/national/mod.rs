//! National identifiers with public check algorithms, one module per country, each finding
//! its written shape in free text from a word start and validating it with its rule (stated in
//! the module). Only shapes a number's writers use are taken in free text (`123.456.789-09`,
//! `12345678Z`, `2345 6789 0124`); plain digit runs are taken under their key names (`bsn`,
//! `pesel`, `cpf`, ...), since in free text they are too often something else.

pub mod aadhaar;
pub mod br;
pub mod cn;
pub mod es;
pub mod fi;
pub mod kr;
pub mod us;

use super::text::word_end;

/// Whether `text[at..]` has the shape `pattern` and ends a word there: `d` a digit, `L` an
/// ASCII capital, `*` any ASCII alphanumeric, other bytes themselves. Returns the end.
pub(super) fn shaped(text: &[u8], at: usize, pattern: &[u8]) -> Option<usize> {
    let s = text.get(at..at + pattern.len())?;
    let fits = s.iter().zip(pattern).all(|(&c, &p)| match p {
        b'd' => c.is_ascii_digit(),
        b'L' => c.is_ascii_uppercase(),
        b'*' => c.is_ascii_alphanumeric(),
        _ => c == p,
    });
    let end = at + pattern.len();
    (fits && word_end(text, end) && !continues_a_number(text, at)).then_some(end)
}

/// Whether `at` continues a word or a number (`12:00:00.55011414Z`, `1.234`, `x9`): an ID is
/// never the tail of one.
fn continues_a_number(text: &[u8], at: usize) -> bool {
    match at.checked_sub(1).map(|p| text[p]) {
        None => false,
        Some(b) if b.is_ascii_alphanumeric() => true,
        Some(b'.' | b',' | b':' | b'-' | b'/') => at >= 2 && text[at - 2].is_ascii_digit(),
        Some(_) => false,
    }
}

/// The digits of `s` as numbers (other bytes skipped), into `out`; returns how many.
pub(super) fn digits_of(s: &[u8], out: &mut [u32]) -> usize {
    let mut n = 0;
    for &c in s {
        if c.is_ascii_digit() && n < out.len() {
            out[n] = (c - b'0') as u32;
            n += 1;
        }
    }
    n
}

/// A calendar date check shared by the IDs that hold a birth date.
pub(super) fn plausible_date(month: u32, day: u32) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// The national identifier starting at the digit `at`, if any: its end.
pub fn find_digit_start(text: &[u8], at: usize) -> Option<usize> {
    br::cpf(text, at)
        .or_else(|| es::dni(text, at))
        .or_else(|| aadhaar::find(text, at))
        .or_else(|| cn::resident_id(text, at))
        .or_else(|| fi::hetu(text, at))
        .or_else(|| kr::rrn(text, at))
        .or_else(|| us::itin(text, at))
}
