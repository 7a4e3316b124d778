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
        let offset = negative as usize;
        let mut first = None;
        let mut last = 0;
        // Digits before the first significant one, not counting the point.
        let mut leading = 0i64;
        let mut k = 0usize;
        let mut since_last = 0usize;
        // Mantissa digits before the point (all of them when there is none).
        let mut point = None;
        let mut seen = 0usize;
        // One pass over the mantissa: digits, the point, then `e`/`E` or the end.
        let mut i = offset;
        while let Some(&b) = raw.get(i) {
            if b == b'.' {
                point = Some(seen);
                i += 1;
                continue;
            }
            if !b.is_ascii_digit() {
                break;
            }
            seen += 1;
            i += 1;
            if first.is_none() {
                if b == b'0' {
                    leading += 1;
                    continue;
                }
                first = Some(i - 1);
            }
            since_last += 1;
            if b != b'0' {
                last = i - 1;
                k += since_last;
                since_last = 0;
            }
        }
        let mantissa_end = i;
        let point = point.unwrap_or(seen);
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
    // The common decimal (`713.679`, `-12.5`): at most 15 digits, no exponent, a non-zero
    // first digit, read in one pass; the same rule as below, without the exact reader.
    if let Some((d, k, exp)) = plain_decimal(raw) {
        let lead = k.checked_sub(2).and_then(|p| TEN_U64.get(p)).map_or(d * 10, |&p| d / p);
        if lead < 45 {
            return false;
        }
        if let Some(kept) = sixteen_keep(d, k, exp) {
            return !kept;
        }
    }
    needs_quotes_exact(raw)
}

/// `-?[1-9][0-9]*.[0-9]+` with at most 15 digits in all: its digits as an integer `d` (point
/// dropped, trailing zeros kept), their count and the decimal exponent of the first digit.
fn plain_decimal(raw: &[u8]) -> Option<(u64, usize, i64)> {
    let body = raw.strip_prefix(b"-").unwrap_or(raw);
    if body.len() > 16 || !matches!(body.first(), Some(b'1'..=b'9')) {
        return None;
    }
    let mut d: u64 = 0;
    let mut point = None;
    for (i, &b) in body.iter().enumerate() {
        match b {
            b'0'..=b'9' => d = d * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let point = point?;
    if point + 1 == body.len() {
        return None;
    }
    Some((d, body.len() - 1, point as i64 - 1))
}

/// [`needs_quotes`] by the exact reader alone (the plain-decimal shortcut's reference).
fn needs_quotes_exact(raw: &[u8]) -> bool {
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
    if x.k <= 15 && (-300..=300).contains(&x.exp) && !(15..=18).contains(&x.exp) {
        if lead < 45 {
            return false;
        }
        // From 4.5 on, `%.16g` decides: shortest form still reads back, and the integral
        // `%.1f` case lies outside these exponents. Decided in integers where they suffice.
        if let Some(kept) = sixteen_digits_keep(raw, &x) {
            return !kept;
        }
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

/// Powers of five up to 5^22 (with 10^22, the largest a double holds exactly).
const POW5: [u64; 23] = {
    let mut t = [1u64; 23];
    let mut i = 1;
    while i < 23 {
        t[i] = t[i - 1] * 5;
        i += 1;
    }
    t
};

/// Whether `%.16g` (16 significant digits of the nearest double, correctly rounded) prints
/// the value of `raw` back, decided exactly in integer arithmetic without formatting; None
/// where that does not apply (the caller formats). `x` has at most 15 significant digits,
/// an exponent from -7 to 14 and a leading digit from 4.5 on, so the nearest double has the
/// same decimal exponent (the error, at most 2^-53 of the value, cannot reach a power of 10).
///
/// With `x = D × 10^s`, the unit of the 16th digit `u = 10^-t` (`t = 15 - exp`) and the
/// double `v = M × 2^E` (Clinger: `D` below 2^53 and `|s| <= 22` make `D` and `10^|s|` exact
/// doubles, so one IEEE multiply or divide is the correctly rounded `v`, as a parser finds):
/// the 16 digits give `x` back when `|v - x| < u / 2`, that is, scaled by `10^t × 2^sh`
/// (`sh = -(E + t)`), when `|M × 5^t - D × 10^(16-k) × 2^sh| < 2^(sh-1)`. A tie is left to the
/// formatter.
fn sixteen_digits_keep(raw: &[u8], x: &Exact) -> Option<bool> {
    if x.k > 15 || !(-7..=14).contains(&x.exp) {
        return None;
    }
    let mut d: u64 = 0;
    for b in x.digits(raw) {
        d = d * 10 + u64::from(b - b'0');
    }
    sixteen_keep(d, x.k, x.exp)
}

/// [`sixteen_digits_keep`] for the value `d × 10^(exp - k + 1)`, `d` an integer of `k` digits
/// (its last digits may be zeros), `k` at most 15 and `exp` from -7 to 14.
fn sixteen_keep(d: u64, k: usize, exp: i64) -> Option<bool> {
    if k > 15 || !(-7..=14).contains(&exp) {
        return None;
    }
    let s = exp - (k as i64 - 1);
    let ten = *TEN.get(s.unsigned_abs() as usize)?;
    let v = if s >= 0 { d as f64 * ten } else { d as f64 / ten };
    let bits = v.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i64;
    if biased == 0 || biased == 0x7ff {
        return None;
    }
    let m = u128::from((bits & ((1u64 << 52) - 1)) | (1u64 << 52));
    let e = biased - 1075;
    let t = 15 - exp;
    let sh = -(e + t);
    if !(1..=72).contains(&sh) {
        return None;
    }
    let a = m * u128::from(*POW5.get(t as usize)?);
    let scale = *TEN_U64.get((16 - k as i64) as usize)?;
    let b = (u128::from(d) * u128::from(scale)) << sh;
    let diff = a.abs_diff(b);
    let half = 1u128 << (sh - 1);
    match diff.cmp(&half) {
        std::cmp::Ordering::Less => Some(true),
        std::cmp::Ordering::Greater => Some(false),
        std::cmp::Ordering::Equal => None,
    }
}

/// Powers of ten up to 10^22, each an exact double.
const TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Powers of ten up to 10^16, as integers.
const TEN_U64: [u64; 17] = {
    let mut t = [1u64; 17];
    let mut i = 1;
    while i < 17 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

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

    /// The integer decision of `%.16g` agrees with the formatter wherever it decides, over
    /// a deterministic sweep of decimals it is asked about (leading part from 4.5, up to 15
    /// digits, exponents -7 to 14), and decides most of them.
    #[test]
    fn the_sixteen_digit_check_agrees_with_the_formatter() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let (mut decided, mut total, mut changed) = (0, 0, 0);
        for round in 0..60_000u64 {
            let k = 2 + next(14) as usize;
            let mut digits = format!("{}", 45 + next(55));
            while digits.len() < k {
                digits.push((b'0' + next(10) as u8) as char);
            }
            // Some with trailing zeros, some ending in 5 (near ties).
            if round % 7 == 0 {
                digits.replace_range(k - 1.., "5");
            }
            let exp = next(22) as i64 - 7;
            let text = if round % 2 == 0 { format!("{}.{}e{exp}", &digits[..1], &digits[1..]) } else { format!("-{}.{}e{exp}", &digits[..1], &digits[1..]) };
            let raw = text.as_bytes();
            let x = super::Exact::read(raw).unwrap();
            let v: f64 = text.parse().unwrap();
            let formatted = spell(&format!("{v:.15e}")) == spell(&text);
            if let Some(kept) = super::sixteen_digits_keep(raw, &x) {
                assert_eq!(kept, formatted, "{text}");
                decided += 1;
                changed += usize::from(!kept);
            }
            total += 1;
        }
        for (text, kept) in [("713.679", true), ("8.00000000000001", false), ("9567784.277", false), ("4.5", true)] {
            let x = super::Exact::read(text.as_bytes()).unwrap();
            assert_eq!(super::sixteen_digits_keep(text.as_bytes(), &x), Some(kept), "{text}");
        }
        assert!(decided * 100 >= total * 99, "{decided} of {total} decided");
        // Both answers occur often (long decimals are often printed with other digits).
        assert!(changed * 20 >= decided && changed * 10 <= decided * 9, "{changed} of {decided} changed");
    }

    /// The plain-decimal shortcut gives the exact reader's answer, over a deterministic sweep
    /// of decimals of every length and point position up to and past its limits.
    #[test]
    fn plain_decimals_agree_with_the_exact_reader() {
        let mut state: u64 = 7;
        let mut next = move |n: u64| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) % n
        };
        let mut quoted = 0;
        for round in 0..60_000u64 {
            let len = 2 + next(16) as usize;
            let mut digits: String = (0..len).map(|_| (b'0' + next(10) as u8) as char).collect();
            if round % 3 == 0 {
                digits.replace_range(..1, &(1 + next(9)).to_string());
            }
            if round % 5 == 0 {
                digits.replace_range(len - 2.., "00");
            }
            let at = 1 + next(len as u64 - 1) as usize;
            let sign = if round % 2 == 0 { "" } else { "-" };
            let text = format!("{sign}{}.{}", &digits[..at], &digits[at..]);
            let via_exact = super::needs_quotes_exact(text.as_bytes());
            assert_eq!(needs_quotes(text.as_bytes()), via_exact, "{text}");
            quoted += usize::from(via_exact);
        }
        assert!(quoted > 1000 && quoted < 59_000, "{quoted} quoted");
        for (text, want) in [("713.679", false), ("9567784.277", true), ("8.00000000000001", true), ("4.5", false), ("-0.5", false)] {
            assert_eq!(needs_quotes(text.as_bytes()), want, "{text}");
        }
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
