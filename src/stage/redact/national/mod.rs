//! National identifiers with public check algorithms, one module per country, each finding
//! its written shape in free text from a word start and validating it with its rule (stated in
//! the module). Shapes a number's writers use with fixed separators or letters
//! (`123.456.789-09`, `12345678Z`, `YYMMDD-NNNN`, `S1234567D`) are taken anywhere; a plain run
//! of digits whose only structure is a check digit (or a date and a check digit) is taken only
//! with a label nearby ([`label::near`]: the ID's own name, or `national`, `personal`, `ssn`,
//! ...), since in free text such a run is more often a timestamp, an order id or a counter.
//! `docs/detectors/national-ids.md` has the table of shapes, checks and labels.

pub mod aadhaar;
pub mod at;
pub mod au;
pub mod be;
pub mod bg;
pub mod br;
pub mod cn;
pub mod cz;
pub mod de;
pub mod ee;
pub mod es;
pub mod fi;
pub mod fr;
pub mod gr;
pub mod hu;
pub mod ie;
pub mod it;
pub mod it_card;
pub mod kr;
pub mod label;
pub mod lt;
pub mod lu;
pub mod lv;
pub mod nl;
pub mod pan;
pub mod ph;
pub mod pl;
pub mod pt;
pub mod ro;
pub mod se;
pub mod sg;
pub mod si;
pub mod spaced;
pub mod th;
pub mod tr;
pub mod unlabelled;
pub mod us;
pub mod za;

use super::text::word_end;

/// Whether `text[at..]` has the shape `pattern` and ends a word there: `d` a digit, `L` an
/// ASCII capital, `l` an ASCII lowercase letter, `*` any ASCII alphanumeric, other bytes
/// themselves. Returns the end.
/// A shape is refused when another digit group touches it (`1234 5678 9012 3456` holds no
/// 12-digit ID): an ID is never part of a longer grouped number.
pub(super) fn shaped(text: &[u8], at: usize, pattern: &[u8]) -> Option<usize> {
    let s = text.get(at..at + pattern.len())?;
    let fits = s.iter().zip(pattern).all(|(&c, &p)| match p {
        b'd' => c.is_ascii_digit(),
        b'L' => c.is_ascii_uppercase(),
        b'l' => c.is_ascii_lowercase(),
        b'*' => c.is_ascii_alphanumeric(),
        _ => c == p,
    });
    let end = at + pattern.len();
    if !fits || !word_end(text, end) || continues_a_number(text, at) {
        return None;
    }
    (!touches_a_group(text, at, end)).then_some(end)
}

/// Separators between digit groups.
const GROUP_SEPARATORS: &[u8] = b" -./";

/// Whether a digit group touches `text[at..end]` where it has a digit: `d ` before a leading
/// digit or ` d` after a final one (any of the group separators). A letter ends a shape
/// (`12345678Z 2024`, `ABCPD1234Z 12`): a number after it is no part of it.
fn touches_a_group(text: &[u8], at: usize, end: usize) -> bool {
    let digit_at = |i: usize| text.get(i).is_some_and(u8::is_ascii_digit);
    let before = at >= 2 && digit_at(at) && GROUP_SEPARATORS.contains(&text[at - 1]) && digit_at(at - 2);
    let after = end > 0 && digit_at(end - 1) && text.get(end).is_some_and(|b| GROUP_SEPARATORS.contains(b)) && digit_at(end + 1);
    before || after
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

/// The digits of `text[at..end]`, exactly `N` of them, or `None`.
pub(super) fn digits<const N: usize>(text: &[u8], at: usize, end: usize) -> Option<[u32; N]> {
    let mut d = [0u32; N];
    (digits_of(text.get(at..end)?, &mut d) == N && text[at..end].iter().filter(|c| c.is_ascii_digit()).count() == N).then_some(d)
}

/// The number the digits `d` spell.
pub(super) fn num(d: &[u32]) -> u64 {
    d.iter().fold(0u64, |a, &x| a * 10 + x as u64)
}

/// Σ dᵢ·wᵢ over the shorter of the two.
pub(super) fn weighted(d: &[u32], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(a, b)| a * b).sum()
}

/// The first of `patterns` that `text[at..]` has (see [`shaped`]): its end.
pub(super) fn first_shape(text: &[u8], at: usize, patterns: &[&[u8]]) -> Option<usize> {
    patterns.iter().find_map(|p| shaped(text, at, p))
}

/// A birth year as an ID states it: in full, or as two digits whose century the ID does not
/// say.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Year {
    Full(u32),
    TwoDigit(u32),
}

/// Whether `day`.`month` exists in `year`: days per month, and February 29 only in a leap
/// year (with two digits, only in a year that is leap in some century: `yy % 4 == 0`).
pub(super) fn valid_date(year: Year, month: u32, day: u32) -> bool {
    let leap = match year {
        Year::Full(y) => y % 4 == 0 && (y % 100 != 0 || y % 400 == 0),
        Year::TwoDigit(yy) => yy % 4 == 0,
    };
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// The two-digit number at `d[i..i + 2]`.
pub(super) fn two(d: &[u32], i: usize) -> u32 {
    d.get(i).copied().unwrap_or(100) * 10 + d.get(i + 1).copied().unwrap_or(100)
}

/// Whether the bare digit run `text[at..end]` reads as a Unix time of 1996-2033 in seconds
/// (10 digits) or milliseconds (13): such a run is a timestamp unless labelled as an ID.
pub(super) fn epoch_like(text: &[u8], at: usize, end: usize) -> bool {
    let s = &text[at..end];
    if !s.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = s.iter().fold(0u64, |a, &c| a * 10 + (c - b'0') as u64);
    match s.len() {
        10 => (820_000_000..=1_830_000_000).contains(&n),
        13 => (820_000_000_000..=1_830_000_000_000).contains(&n),
        _ => false,
    }
}

/// The Luhn check over digits whose last is the check digit.
pub(super) fn luhn(d: &[u32]) -> bool {
    let sum: u32 = d.iter().rev().enumerate().map(|(i, &x)| if i % 2 == 1 { let y = x * 2; if y > 9 { y - 9 } else { y } } else { x }).sum();
    sum % 10 == 0
}

/// A bare word of exactly `n` digits at `at` (the only shape several IDs have): its end.
pub(super) fn bare(text: &[u8], at: usize, n: usize) -> Option<usize> {
    let end = at + n;
    let s = text.get(at..end)?;
    (s.iter().all(u8::is_ascii_digit) && word_end(text, end) && !continues_a_number(text, at) && !touches_a_group(text, at, end)).then_some(end)
}

/// Whether the national-ID finders may match at the digit `at` whose word ends at
/// `word_end`, with `n` digits in groups from it: the cheap test that runs on every digit word.
pub fn may_start(text: &[u8], at: usize, word_end: usize, n: usize) -> bool {
    (8..=18).contains(&n) || (8..=17).contains(&(word_end - at)) || matches!(text.get(word_end), Some(b'/' | b'+'))
}

/// The national identifier starting at the digit `at`, if any: its end. The finders are
/// chosen by the length of the digit run at `at` (each shape fixes it: `85.07.30-...` starts
/// with 2 digits, `670919-9530` with 6, a bare CNP with 13), so a digit costs a few finders,
/// not all of them. A run of one repeated digit (`111111-11111`) is a placeholder, never an
/// issued number, whatever its check says (the DNI, whose test numbers are such, excepted).
pub fn find_digit_start(text: &[u8], at: usize) -> Option<usize> {
    let run = text.get(at..)?.iter().take(19).take_while(|c| c.is_ascii_digit()).count();
    if run == 8 {
        if let Some(end) = es::dni(text, at) {
            return Some(end);
        }
    }
    let end = match run {
        1 => fr::nir(text, at).or_else(|| th::citizen_id(text, at)),
        2 => be::national_number(text, at)
            .or_else(|| de::svnr(text, at))
            .or_else(|| de::tax_id(text, at))
            .or_else(|| si::emso(text, at))
            .or_else(|| es::nuss(text, at)),
        3 => br::cpf(text, at)
            .or_else(|| us::itin(text, at))
            .or_else(|| gr::afm(text, at))
            .or_else(|| au::tfn(text, at))
            .or_else(|| nl::bsn(text, at))
            .or_else(|| pt::nif(text, at))
            .or_else(|| hu::tax_number(text, at))
            .or_else(|| ph::tin(text, at)),
        4 => aadhaar::find(text, at).or_else(|| nl::bsn(text, at)),
        6 => fi::hetu(text, at)
            .or_else(|| kr::rrn(text, at))
            .or_else(|| se::personnummer(text, at))
            .or_else(|| be::national_number(text, at))
            .or_else(|| lv::personas_kods(text, at))
            .or_else(|| cz::rodne_cislo(text, at))
            .or_else(|| fr::nir(text, at)),
        7 => ie::pps(text, at),
        8 => se::personnummer(text, at).or_else(|| de::svnr(text, at)).or_else(|| si::tax_number(text, at)).or_else(|| au::tfn(text, at)),
        9 => gr::afm(text, at)
            .or_else(|| au::tfn(text, at))
            .or_else(|| nl::bsn(text, at))
            .or_else(|| pt::nif(text, at))
            .or_else(|| us::itin(text, at)),
        10 => se::personnummer(text, at).or_else(|| cz::rodne_cislo(text, at)).or_else(|| bg::egn(text, at)).or_else(|| hu::tax_number(text, at)),
        11 => be::national_number(text, at)
            .or_else(|| de::tax_id(text, at))
            .or_else(|| ee::isikukood(text, at))
            .or_else(|| lt::asmens_kodas(text, at))
            .or_else(|| lv::personas_kods(text, at))
            .or_else(|| gr::amka(text, at))
            .or_else(|| pl::pesel(text, at))
            .or_else(|| tr::tckn(text, at))
            .or_else(|| br::cpf(text, at)),
        12 => se::personnummer(text, at).or_else(|| aadhaar::find(text, at)).or_else(|| es::nuss(text, at)),
        13 => kr::rrn(text, at)
            .or_else(|| lu::matricule(text, at))
            .or_else(|| ro::cnp(text, at))
            .or_else(|| za::id_number(text, at))
            .or_else(|| si::emso(text, at))
            .or_else(|| th::citizen_id(text, at)),
        15 => fr::nir(text, at),
        17 | 18 => cn::resident_id(text, at),
        _ => None,
    }?;
    (!one_repeated_digit(&text[at..end])).then_some(end)
}

/// Whether the digits of `s` are all one digit.
fn one_repeated_digit(s: &[u8]) -> bool {
    let mut digits = s.iter().filter(|c| c.is_ascii_digit());
    let first = digits.next();
    digits.all(|d| Some(d) == first)
}

/// The national identifier starting at the letter `at`, if any: its end (the NIE and the NRIC are
/// also written in lower case).
pub fn find_letter_start(text: &[u8], at: usize) -> Option<usize> {
    match text.get(at)? {
        b'X' | b'Y' | b'Z' | b'x' | b'y' | b'z' if text.get(at + 1).is_some_and(u8::is_ascii_digit) => es::nie(text, at),
        b's' | b't' | b'f' | b'g' | b'm' => return sg::nric(text, at),
        b'a'..=b'z' => return None,
        _ => None,
    }
    .or_else(|| sg::nric(text, at))
    .or_else(|| pan::pan(text, at))
    .or_else(|| it::codice_fiscale(text, at))
    .or_else(|| de::id_card(text, at))
    .or_else(|| cz::tax_number(text, at))
    .or_else(|| it_card::identity_card(text, at))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_have_their_month_lengths_and_leap_days() {
        assert!(valid_date(Year::Full(2024), 2, 29));
        assert!(!valid_date(Year::Full(2023), 2, 29));
        assert!(!valid_date(Year::Full(1900), 2, 29), "1900 was no leap year");
        assert!(valid_date(Year::Full(2000), 2, 29));
        assert!(!valid_date(Year::TwoDigit(23), 2, 29));
        assert!(valid_date(Year::TwoDigit(0), 2, 29), "2000 was one");
        assert!(!valid_date(Year::Full(2024), 2, 30));
        assert!(!valid_date(Year::Full(2024), 4, 31));
        assert!(!valid_date(Year::Full(2024), 6, 31));
        assert!(valid_date(Year::Full(2024), 7, 31));
        assert!(!valid_date(Year::Full(2024), 13, 1));
        assert!(!valid_date(Year::Full(2024), 1, 0));
    }

    #[test]
    fn grouped_shapes_refuse_touching_groups() {
        assert_eq!(shaped(b"1234 5678", 0, b"dddd dddd"), Some(9));
        assert_eq!(shaped(b"12 1234 5678", 3, b"dddd dddd"), None);
        assert_eq!(shaped(b"1234 5678 9", 0, b"dddd dddd"), None);
        assert_eq!(shaped(b"1234 5678. 9", 0, b"dddd dddd"), Some(9));
        assert_eq!(shaped(b"ABCPD1234Z 12", 0, b"LLLLLddddL"), Some(10), "a letter ends it");
        assert_eq!(shaped(b"12 X1234567L", 3, b"LdddddddL"), Some(12));
    }

    #[test]
    fn placeholders_of_one_digit_are_refused() {
        assert_eq!(find_digit_start(b"111111-11111", 0), None, "passes the Latvian check");
        assert!(lv::personas_kods(b"111111-11111", 0).is_some());
        assert_eq!(find_digit_start(b"121282-11210", 0), Some(12));
    }

    #[test]
    fn recent_unix_times_read_as_timestamps() {
        assert!(epoch_like(b"1721625608", 0, 10));
        assert!(epoch_like(b"1721625608312", 0, 13));
        assert!(!epoch_like(b"8001015009087", 0, 13));
        assert!(!epoch_like(b"172162560831", 0, 12));
    }
}
