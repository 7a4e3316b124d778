//! Numbers every consumer reads the same way, and their exact canonical spelling.
//!
//! JSON allows any number of digits, but most consumers hold numbers as f64 and print them
//! back: `1e999` becomes infinity or an error, integers beyond 2^53 silently change, and
//! `0.1000000000000000000001` comes back as `0.1`. An exact reader (arbitrary precision) sees
//! the text's exact value. logseal keeps a number a number only when the two kinds of reader
//! agree, and writes every other one as a string holding its exact text ([`needs_quotes`]).
//!
//! The rule: a number stays a number when its exact decimal value is the value f64 shippers
//! write back for it: the shortest round-trip form of its nearest f64 (serde_json/Vector, Go,
//! JavaScript, Python), the 16-significant-digit form (Fluent Bit prints doubles with `%.16g`)
//! and, for integral doubles Fluent Bit prints with `%.1f`, the double's exact integer value;
//! and it is not a negative zero (JavaScript writes `-0` back as `0`). So `0.10` (= `0.1`),
//! `5.0` and `1e1` stay numbers; `0.10000000000000001`, `1234567890.123456789`, `1e-400`
//! and `-0` become strings.
//!
//! The canonical form a seal covers ([`canonical`]) is the exact decimal value, so two
//! spellings share a form only when every reader, f64 or exact, reads one value.

use std::io::Write as _;

/// 2^53: integers beyond it do not survive an f64 round trip.
const MAX_SAFE: u128 = 1 << 53;

/// The exact decimal value of a JSON number's text: `±0.d1d2...dk × 10^(exp + 1)`, that is
/// `d1.d2...dk × 10^exp`, with `d1` and `dk` non-zero (k = 0 for zero).
#[derive(Clone, Copy, Debug)]
struct Exact {
    negative: bool,
    /// Positions in the text of the first and last significant digit (k = 0: both 0).
    first: usize,
    last: usize,
    /// Count of significant digits.
    k: usize,
    /// Decimal exponent of the first significant digit.
    exp: i64,
}

impl Exact {
    /// Reads a number text the scanner accepted (`-?digits[.digits][e[+-]digits]`). None when
    /// the exponent has more than 18 digits: such a number is far beyond any f64 and is kept
    /// as it is written.
    fn read(raw: &[u8]) -> Option<Exact> {
        let negative = raw.first() == Some(&b'-');
        let mantissa_end = raw.iter().position(|&b| b == b'e' || b == b'E').unwrap_or(raw.len());
        let mantissa = raw.get(negative as usize..mantissa_end)?;
        let point = mantissa.iter().position(|&b| b == b'.').unwrap_or(mantissa.len());
        let offset = negative as usize;
        let mut first = None;
        let mut last = 0;
        // Digits before the first significant one, not counting the point.
        let mut leading = 0i64;
        let mut k = 0usize;
        let mut since_last = 0usize;
        for (i, &b) in mantissa.iter().enumerate() {
            if b == b'.' {
                continue;
            }
            if first.is_none() {
                if b == b'0' {
                    leading += 1;
                    continue;
                }
                first = Some(offset + i);
            }
            since_last += 1;
            if b != b'0' {
                last = offset + i;
                k += since_last;
                since_last = 0;
            }
        }
        let mut exp = 0i64;
        if let Some(e) = raw.get(mantissa_end + 1..) {
            let (sign, digits) = match e.first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            let digits = &digits[digits.iter().position(|&b| b != b'0').unwrap_or(digits.len())..];
            if digits.len() > 18 {
                return None;
            }
            exp = sign * digits.iter().fold(0i64, |n, &d| n * 10 + (d - b'0') as i64);
        }
        let Some(first) = first else {
            return Some(Exact { negative, first: 0, last: 0, k: 0, exp: 0 });
        };
        // The point sits after `point` mantissa digits; the first significant digit is digit
        // number `leading` (0-based), so its weight is 10^(point - leading - 1).
        Some(Exact { negative, first, last, k, exp: exp + point as i64 - leading - 1 })
    }

    fn is_zero(&self) -> bool {
        self.k == 0
    }

    /// The significant digits, in order.
    fn digits<'a>(&self, raw: &'a [u8]) -> impl Iterator<Item = u8> + 'a {
        let (from, to) = if self.k == 0 { (0, 0) } else { (self.first, self.last + 1) };
        raw.get(from..to).unwrap_or(&[]).iter().copied().filter(|&b| b != b'.')
    }

    /// True when the value is an integer of magnitude below 2^53.
    fn is_safe_integer(&self, raw: &[u8]) -> bool {
        if self.k == 0 {
            return true;
        }
        if self.exp < 0 || (self.k as i64) > self.exp + 1 || self.exp > 15 {
            return false;
        }
        if self.exp < 15 {
            return true;
        }
        // 16 integer digits: compare with 2^53 = 9007199254740992.
        let mut v: u128 = 0;
        let mut n = 0;
        for d in self.digits(raw) {
            v = v * 10 + (d - b'0') as u128;
            n += 1;
        }
        while n < 16 {
            v *= 10;
            n += 1;
        }
        v < MAX_SAFE
    }
}

/// Whether the texts `a` and `b` have one exact value.
fn same_value(a: &[u8], ea: &Exact, b: &[u8], eb: &Exact) -> bool {
    ea.negative == eb.negative && ea.k == eb.k && (ea.k == 0 || (ea.exp == eb.exp && ea.digits(a).eq(eb.digits(b))))
}

/// A small stack buffer for formatting an f64 without allocating.
struct Stack {
    buf: [u8; 48],
    len: usize,
}

impl std::io::Write for Stack {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let room = self.buf.len() - self.len;
        let n = data.len().min(room);
        self.buf[self.len..self.len + n].copy_from_slice(&data[..n]);
        self.len += n;
        if n < data.len() {
            return Err(std::io::ErrorKind::WriteZero.into());
        }
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Whether `printed` (an f64 written by a formatter) has the exact value of `raw`.
fn prints_as(raw: &[u8], x: &Exact, print: impl FnOnce(&mut Stack) -> std::io::Result<()>) -> bool {
    let mut s = Stack { buf: [0; 48], len: 0 };
    if print(&mut s).is_err() {
        return false;
    }
    let printed = &s.buf[..s.len];
    Exact::read(printed).is_some_and(|p| same_value(raw, x, printed, &p))
}

/// True when `raw` (a number the scanner accepted) must be written as a string: f64 readers
/// would write it back with another value, or integer and f64 readers disagree about it (see
/// the module documentation for the rule).
///
/// ```
/// use logseal::json::number::needs_quotes;
/// assert!(!needs_quotes(b"9007199254740992"));
/// assert!(needs_quotes(b"9007199254740993"));
/// assert!(needs_quotes(b"1e999"));
/// assert!(!needs_quotes(b"-1.5e308"));
/// assert!(!needs_quotes(b"0.10"));
/// assert!(needs_quotes(b"0.10000000000000001"));
/// assert!(needs_quotes(b"10.0000000000000000001"));
/// ```
pub fn needs_quotes(raw: &[u8]) -> bool {
    let digits = raw.strip_prefix(b"-").unwrap_or(raw);
    if digits.iter().all(u8::is_ascii_digit) {
        // An integer: cheap length test first, the exact test only near the edge.
        return raw == b"-0"
            || digits.len() > 16
            || (digits.len() == 16
                && std::str::from_utf8(digits).ok().and_then(|s| s.parse::<u128>().ok()).is_none_or(|v| v > MAX_SAFE));
    }
    let Some(x) = Exact::read(raw) else { return true };
    if x.is_zero() {
        return x.negative;
    }
    // Fast path, no f64 work: at most 15 significant digits in the normal range read back
    // as themselves in shortest form (DBL_DIG = 15: distinct 15-digit decimals are distinct
    // doubles); with a leading part below 4.5, half an ulp (at most 2^-53 of the value) is
    // below half a unit of the 16th digit, so `%.16g` gives them back too; and below 10^15 or
    // from 10^19 on, Fluent Bit's integral `%.1f` case cannot print other digits.
    let lead = {
        let mut d = x.digits(raw);
        let a = d.next().map_or(0, |b| b - b'0');
        let b = d.next().map_or(0, |b| b - b'0');
        a * 10 + b
    };
    if x.k <= 15 && (-300..=300).contains(&x.exp) && !(15..=18).contains(&x.exp) && lead < 45 {
        return false;
    }
    let Some(v) = std::str::from_utf8(raw).ok().and_then(|t| t.parse::<f64>().ok()) else { return true };
    if !v.is_finite() || v == 0.0 {
        return true;
    }
    if !prints_as(raw, &x, |s| write!(s, "{v:e}")) || !prints_as(raw, &x, |s| write!(s, "{v:.15e}")) {
        return true;
    }
    // Fluent Bit prints an integral double that fits a long long with `%.1f`: exactly.
    if v.fract() == 0.0 && v.abs() >= MAX_SAFE as f64 && v.abs() <= 9_223_372_036_854_775_808.0 {
        return !prints_as(raw, &x, |s| write!(s, "{}", v as i128));
    }
    false
}

/// Appends the canonical spelling of number text `raw`: its exact decimal value, normalised.
/// Integers of magnitude below 2^53 as plain digits (`-0` stays `-0`); every other value as
/// `d[.ddd]e<exp>` with no leading or trailing zeros (`0.50` -> `5e-1`, `1E+20` -> `1e20`).
/// Two texts get one spelling exactly when they have one exact value; a text whose exponent
/// is beyond 18 digits is written as it is (far beyond any f64; its own text is its value).
///
/// ```
/// let spell = |t: &str| { let mut o = Vec::new(); logseal::json::number::canonical(t.as_bytes(), &mut o); String::from_utf8(o).unwrap() };
/// assert_eq!(spell("10.0"), "10");
/// assert_eq!(spell("1e1"), "10");
/// assert_eq!(spell("0.10"), "1e-1");
/// assert_eq!(spell("10.0000000000000000001"), "1.00000000000000000001e1");
/// assert_eq!(spell("-0.0"), "-0");
/// ```
pub fn canonical(raw: &[u8], out: &mut Vec<u8>) {
    // Small plain integers (most numbers in logs) are canonical as written.
    let digits = raw.strip_prefix(b"-").unwrap_or(raw);
    if !digits.is_empty() && digits.len() <= 15 && digits.iter().all(u8::is_ascii_digit) {
        out.extend_from_slice(raw);
        return;
    }
    let Some(x) = Exact::read(raw) else {
        out.extend_from_slice(raw);
        return;
    };
    if x.negative {
        out.push(b'-');
    }
    if x.is_zero() {
        out.push(b'0');
        return;
    }
    if x.is_safe_integer(raw) {
        out.extend(x.digits(raw));
        for _ in x.k as i64..x.exp + 1 {
            out.push(b'0');
        }
        return;
    }
    let mut d = x.digits(raw);
    if let Some(lead) = d.next() {
        out.push(lead);
    }
    if x.k > 1 {
        out.push(b'.');
        out.extend(d);
    }
    out.push(b'e');
    // The exponent in decimal, without the formatting machinery (this runs per number).
    if x.exp < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut n = digits.len();
    let mut e = x.exp.unsigned_abs();
    loop {
        n -= 1;
        digits[n] = b'0' + (e % 10) as u8;
        e /= 10;
        if e == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[n..]);
}

#[cfg(test)]
mod tests {
    use super::{canonical, needs_quotes};

    fn spell(t: &str) -> String {
        let mut o = Vec::new();
        canonical(t.as_bytes(), &mut o);
        String::from_utf8(o).unwrap()
    }

    #[test]
    fn safe_numbers_stay_numbers() {
        for n in [
            "0", "0.0", "0e5", "42", "-9007199254740992", "3.14", "1e308", "-2.5E-300", "0.000001", "0.10", "5.0", "1e1",
            "12.345", "1764237600.123456", "0.3333333333333333", "-1.5e308", "1e22", "1e23", "100000000000000000.0",
            "9.87654321098765", "0.1", "2.5e-7",
        ] {
            assert!(!needs_quotes(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn unsafe_numbers_become_strings() {
        for n in [
            "9007199254740993", "-9007199254740993", "12345678901234567890", "1e309", "-1E999", "-0", "-0.0", "1e-400",
            "5e-324", "0.10000000000000001", "10.0000000000000000001", "1234567890.123456789",
            // Shortest form 17 digits: Fluent Bit's %.16g writes 0.3.
            "0.30000000000000004",
            // 15 digits, but %.16g writes 8.000000000000011.
            "8.00000000000001",
            // 2^60 in shortest form: Fluent Bit's %.1f writes its exact 1152921504606846976.
            "1.152921504606847e18",
            "1e99999999999999999999",
        ] {
            assert!(needs_quotes(n.as_bytes()), "{n}");
        }
        let long_decimal = format!("{}.5", "9".repeat(400));
        assert!(needs_quotes(long_decimal.as_bytes()));
    }

    /// The fast path (no f64 work) must agree with the full test; checked over a sweep of
    /// short decimals around its edges.
    #[test]
    fn the_fast_path_agrees_with_the_printers() {
        let mut checked = 0;
        for lead in ["1", "2.2", "4.4", "4.49", "4.5", "8", "9.99"] {
            for tail in ["", "1", "23", "456789", "12345678901", "999999999999"] {
                for exp in [-310, -300, -17, -1, 0, 1, 14, 15, 16, 18, 19, 22, 300, 301] {
                    let text = if lead.contains('.') || tail.is_empty() { format!("{lead}{tail}e{exp}") } else { format!("{lead}.{tail}e{exp}") };
                    let v: f64 = text.parse().unwrap();
                    let shortest = format!("{v:e}");
                    let sixteen = format!("{v:.15e}");
                    let expect_stable = v.is_finite()
                        && v != 0.0
                        && spell(&shortest) == spell(&text)
                        && spell(&sixteen) == spell(&text)
                        && !(v.fract() == 0.0 && v.abs() >= 9007199254740992.0 && v.abs() <= 2f64.powi(63) && spell(&format!("{}", v as i128)) != spell(&text));
                    assert_eq!(!needs_quotes(text.as_bytes()), expect_stable, "{text}");
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 7 * 6 * 14);
    }

    #[test]
    fn canonical_spelling_is_the_exact_value() {
        for (text, want) in [
            ("0", "0"), ("-0", "-0"), ("0.000", "0"), ("-0.0e7", "-0"), ("10", "10"), ("10.0", "10"), ("1e1", "10"),
            ("100E-1", "10"), ("0.1", "1e-1"), ("0.10", "1e-1"), ("1.5", "1.5e0"), ("-2.5e-7", "-2.5e-7"),
            ("1e300", "1e300"), ("9007199254740991", "9007199254740991"), ("9007199254740992", "9.007199254740992e15"),
            ("123456789012345678901234567890", "1.2345678901234567890123456789e29"), ("0.0012300", "1.23e-3"),
            ("10.0000000000000000001", "1.00000000000000000001e1"), ("0.10000000000000001", "1.0000000000000001e-1"),
            ("1E+0020", "1e20"), ("1e99999999999999999999", "1e99999999999999999999"),
        ] {
            assert_eq!(spell(text), want, "{text}");
        }
    }

    #[test]
    fn one_spelling_exactly_for_one_value() {
        // Every rewriting that keeps the value keeps the spelling...
        let same = [["10", "10.0", "1e1", "1.0E+1", "100e-1", "0.01e3"], ["0.1", "0.10", "1e-1", "10E-2", "0.1e0", "0.01e1"]];
        for group in same {
            for t in group {
                assert_eq!(spell(t), spell(group[0]), "{t}");
            }
        }
        // ...and every change of value, however small, changes it: also where f64 readers
        // would see one number.
        let base = spell("10");
        for t in ["10.0000000000000000001", "10.000000000000002", "-10", "1e2", "9.9999999999999999999", "11"] {
            assert_ne!(spell(t), base, "{t}");
        }
        assert_ne!(spell("0"), spell("-0"));
        assert_ne!(spell("0.1"), spell("0.10000000000000001"));
    }
}
