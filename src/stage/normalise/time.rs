//! Timestamps: every common shape in, nanoseconds since the Unix epoch out, and RFC 3339 UTC
//! with nanoseconds back (`2026-11-27T10:00:00.123000000Z`). No clock is read here: the host's
//! time comes in through the pipeline's context.
//!
//! Accepted: ISO 8601 / RFC 3339 with `T` or a space, any fraction, `Z`, `+hh:mm`, `+hhmm` or
//! no zone (taken as UTC); epoch seconds, milliseconds, microseconds or nanoseconds as numbers
//! or numeric strings (told apart by magnitude); syslog `Nov 27 10:00:00` (the year is the
//! host's); Apache `27/Nov/2026:10:00:00 +0000`.

const NS: i64 = 1_000_000_000;
const MONTHS: [&[u8; 3]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count: (year, month, day).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Appends `ns` (since the epoch) as RFC 3339 UTC with nanoseconds. Digits are written by
/// hand: it runs for every record (the ingest time), and `format!` costs ten times as much.
pub fn write_rfc3339(ns: i64, out: &mut Vec<u8>) {
    out.extend_from_slice(&rfc3339(ns));
}

/// Writes `v` as `width` digits ending before `end`, right to left (constant divisors:
/// multiplications, not divisions).
fn put_digits(text: &mut [u8], end: usize, mut v: u64, width: usize) {
    for slot in text[end - width..end].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

fn rfc3339(ns: i64) -> [u8; 30] {
    let secs = ns.div_euclid(NS);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    let mut text = *b"0000-00-00T00:00:00.000000000Z";
    put_digits(&mut text, 4, y.clamp(0, 9999) as u64, 4);
    put_digits(&mut text, 7, m as u64, 2);
    put_digits(&mut text, 10, d as u64, 2);
    put_digits(&mut text, 13, (sod / 3600) as u64, 2);
    put_digits(&mut text, 16, (sod / 60 % 60) as u64, 2);
    put_digits(&mut text, 19, (sod % 60) as u64, 2);
    put_digits(&mut text, 29, ns.rem_euclid(NS) as u64, 9);
    text
}

/// [`write_rfc3339`] for a stream of instants, remembering the last one's date and time of
/// day: hosts stamp every record with the ingest time, and many records share a second, so
/// only the fraction is written again.
#[derive(Clone, Copy, Debug, Default)]
pub struct Rfc3339Cache {
    secs: Option<i64>,
    text: [u8; 30],
}

impl Rfc3339Cache {
    /// Appends `ns` as [`write_rfc3339`] does.
    pub fn write(&mut self, ns: i64, out: &mut Vec<u8>) {
        let secs = ns.div_euclid(NS);
        if self.secs == Some(secs) {
            put_digits(&mut self.text, 29, ns.rem_euclid(NS) as u64, 9);
        } else {
            self.text = rfc3339(ns);
            self.secs = Some(secs);
        }
        out.extend_from_slice(&self.text);
    }
}

fn num(s: &[u8]) -> Option<i64> {
    if s.is_empty() || s.len() > 19 || !s.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.iter().try_fold(0i64, |a, &c| a.checked_mul(10)?.checked_add((c - b'0') as i64))
}

fn valid(y: i64, mo: u32, d: u32, h: i64, mi: i64, s: i64) -> bool {
    (1..=12).contains(&mo) && (1..=31).contains(&d) && (0..24).contains(&h) && (0..60).contains(&mi) && (0..=60).contains(&s) && (1..=9999).contains(&y)
}

/// Parses a fraction `.123` at `t` (returns nanoseconds and the rest).
fn fraction(t: &[u8]) -> (i64, &[u8]) {
    match t.first() {
        Some(b'.' | b',') => {
            let n = t[1..].iter().take_while(|b| b.is_ascii_digit()).count();
            let mut ns = 0i64;
            for (i, &c) in t[1..1 + n].iter().enumerate() {
                if i < 9 {
                    ns = ns * 10 + (c - b'0') as i64;
                }
            }
            for _ in n..9 {
                ns *= 10;
            }
            (ns, &t[1 + n..])
        }
        _ => (0, t),
    }
}

/// Parses a zone designator: `Z`, `+hh:mm`, `+hhmm`, `+hh`, or nothing (UTC). Offset in seconds.
fn zone(t: &[u8]) -> Option<i64> {
    let t = t.strip_prefix(b" ").unwrap_or(t);
    match t {
        [] | [b'Z'] | [b'z'] => Some(0),
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let digits: Vec<u8> = rest.iter().copied().filter(|b| *b != b':').collect();
            if rest.len() > 6 || !(digits.len() == 2 || digits.len() == 4) {
                return None;
            }
            let h = num(&digits[..2])?;
            let m = if digits.len() == 4 { num(&digits[2..])? } else { 0 };
            if h > 23 || m > 59 {
                return None;
            }
            let off = h * 3600 + m * 60;
            Some(if *sign == b'-' { -off } else { off })
        }
        _ => None,
    }
}

/// Nanoseconds since the epoch of a civil (year, month, day), (hour, minute, second), a
/// fraction in nanoseconds and a zone offset in seconds.
fn to_ns((y, mo, d): (i64, u32, u32), (h, mi, s): (i64, i64, i64), frac: i64, offset: i64) -> i64 {
    let secs = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offset;
    secs.saturating_mul(NS).saturating_add(frac)
}

/// ISO 8601 / RFC 3339: `2026-11-27T10:00:00.123+01:00`, `2026-11-27 10:00:00Z`, ...
fn iso(t: &[u8]) -> Option<i64> {
    if t.len() < 19 || t[4] != b'-' || t[7] != b'-' || !matches!(t[10], b'T' | b't' | b' ') || t[13] != b':' || t[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(&t[0..4])?, num(&t[5..7])? as u32, num(&t[8..10])? as u32);
    let (h, mi, s) = (num(&t[11..13])?, num(&t[14..16])?, num(&t[17..19])?);
    let (frac, rest) = fraction(&t[19..]);
    let off = zone(rest)?;
    valid(y, mo, d, h, mi, s).then(|| to_ns((y, mo, d), (h, mi, s), frac, off))
}

fn month(t: &[u8]) -> Option<u32> {
    MONTHS.iter().position(|m| t.eq_ignore_ascii_case(&m[..])).map(|i| i as u32 + 1)
}

/// Apache / nginx: `27/Nov/2026:10:00:00 +0000`.
fn apache(t: &[u8]) -> Option<i64> {
    if t.len() < 20 || t[2] != b'/' || t[6] != b'/' || t[11] != b':' || t[14] != b':' || t[17] != b':' {
        return None;
    }
    let (d, mo, y) = (num(&t[0..2])? as u32, month(&t[3..6])?, num(&t[7..11])?);
    let (h, mi, s) = (num(&t[12..14])?, num(&t[15..17])?, num(&t[18..20])?);
    let off = zone(&t[20..])?;
    valid(y, mo, d, h, mi, s).then(|| to_ns((y, mo, d), (h, mi, s), 0, off))
}

/// Syslog (RFC 3164): `Nov 27 10:00:00` or `Nov  7 10:00:00`, in `year` (the host's).
fn syslog(t: &[u8], year: i64) -> Option<i64> {
    if t.len() < 15 || t[3] != b' ' || t[9] != b':' || t[12] != b':' {
        return None;
    }
    let mo = month(&t[0..3])?;
    let day = if t[4] == b' ' { num(&t[5..6])? } else { num(&t[4..6])? } as u32;
    let (h, mi, s) = (num(&t[7..9])?, num(&t[10..12])?, num(&t[13..15])?);
    let (frac, rest) = fraction(&t[15..]);
    if !rest.is_empty() {
        return None;
    }
    valid(year, mo, day, h, mi, s).then(|| to_ns((year, mo, day), (h, mi, s), frac, 0))
}

/// Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude; an
/// optional fraction on seconds (`1732700000.5`).
pub fn epoch(t: &[u8]) -> Option<i64> {
    let int_len = t.iter().take_while(|b| b.is_ascii_digit()).count();
    let whole = num(&t[..int_len])?;
    let (frac, rest) = fraction(&t[int_len..]);
    if !rest.is_empty() {
        return None;
    }
    Some(match whole {
        0..=99_999_999_999 => whole * NS + frac,
        100_000_000_000..=99_999_999_999_999 if frac == 0 => whole * 1_000_000,
        100_000_000_000_000..=99_999_999_999_999_999 if frac == 0 => whole * 1000,
        _ if frac == 0 => whole,
        _ => return None,
    })
}

/// Parses any accepted shape; `host_ns` supplies the year syslog timestamps lack.
///
/// ```
/// use logseal::stage::normalise::time::{parse, write_rfc3339};
/// let ns = parse(b"2026-11-27T11:00:00.5+01:00", 0).unwrap();
/// let mut out = Vec::new();
/// write_rfc3339(ns, &mut out);
/// assert_eq!(out, b"2026-11-27T10:00:00.500000000Z");
/// ```
pub fn parse(t: &[u8], host_ns: i64) -> Option<i64> {
    let t = trim(t);
    match t.first()? {
        b'0'..=b'9' if t.len() >= 19 && t.get(4) == Some(&b'-') => iso(t),
        b'0'..=b'9' if t.get(2) == Some(&b'/') => apache(t),
        b'0'..=b'9' => epoch(t),
        b'A'..=b'Z' | b'a'..=b'z' => {
            let (year, _, _) = civil_from_days(host_ns.div_euclid(NS).div_euclid(86_400));
            syslog(t, year)
        }
        _ => None,
    }
}

fn trim(t: &[u8]) -> &[u8] {
    let start = t.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(t.len());
    let end = t.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &t[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cache_writes_what_the_function_writes() {
        let mut cache = Rfc3339Cache::default();
        for ns in [1_764_237_600_000_000_000i64, 1_764_237_600_999_999_999, 1_764_237_601_000_000_001, 1_764_237_600_500_000_000, -1, -1_000_000_001, 0, i64::MAX, i64::MIN] {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            cache.write(ns, &mut a);
            write_rfc3339(ns, &mut b);
            assert_eq!(a, b, "{ns}");
        }
    }

    fn rfc(t: &str) -> Option<String> {
        let host = parse(b"2026-06-01T00:00:00Z", 0).unwrap();
        parse(t.as_bytes(), host).map(|ns| {
            let mut out = Vec::new();
            write_rfc3339(ns, &mut out);
            String::from_utf8(out).unwrap()
        })
    }

    #[test]
    fn iso_and_rfc3339_in_any_zone() {
        assert_eq!(rfc("2026-11-27T10:00:00Z").unwrap(), "2026-11-27T10:00:00.000000000Z");
        assert_eq!(rfc("2026-11-27T10:00:00.123456789Z").unwrap(), "2026-11-27T10:00:00.123456789Z");
        assert_eq!(rfc("2026-11-27T11:30:00+01:30").unwrap(), "2026-11-27T10:00:00.000000000Z");
        assert_eq!(rfc("2026-11-27 05:00:00-0500").unwrap(), "2026-11-27T10:00:00.000000000Z");
        assert_eq!(rfc("2026-11-27T10:00:00.1").unwrap(), "2026-11-27T10:00:00.100000000Z", "no zone is UTC");
        assert_eq!(rfc("2026-01-01T00:30:00+01:00").unwrap(), "2025-12-31T23:30:00.000000000Z");
        assert_eq!(rfc("2024-02-29T12:00:00,5Z").unwrap(), "2024-02-29T12:00:00.500000000Z");
    }

    #[test]
    fn epoch_in_every_unit() {
        assert_eq!(rfc("1764237600").unwrap(), "2025-11-27T10:00:00.000000000Z");
        assert_eq!(rfc("1764237600.25").unwrap(), "2025-11-27T10:00:00.250000000Z");
        assert_eq!(rfc("1764237600123").unwrap(), "2025-11-27T10:00:00.123000000Z");
        assert_eq!(rfc("1764237600123456").unwrap(), "2025-11-27T10:00:00.123456000Z");
        assert_eq!(rfc("1764237600123456789").unwrap(), "2025-11-27T10:00:00.123456789Z");
    }

    #[test]
    fn syslog_and_apache_shapes() {
        assert_eq!(rfc("Nov 27 10:00:00").unwrap(), "2026-11-27T10:00:00.000000000Z");
        assert_eq!(rfc("Nov  7 10:00:00").unwrap(), "2026-11-07T10:00:00.000000000Z");
        assert_eq!(rfc("27/Nov/2026:11:00:00 +0100").unwrap(), "2026-11-27T10:00:00.000000000Z");
    }

    #[test]
    fn invalid_shapes_and_values_are_refused() {
        for t in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-27T25:00:00Z", "2026-11-27T10:00:00+25:00", "2026-11-27", "12ab", "Foo 27 10:00:00", "2026-11-27T10:00:00Q"] {
            assert_eq!(rfc(t), None, "{t}");
        }
    }

    #[test]
    fn civil_round_trips() {
        for days in [-719_468, -1, 0, 1, 19_000, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
    }
}
