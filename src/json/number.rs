//! Numbers every consumer reads the same way.
//!
//! JSON allows any number of digits, but most consumers hold numbers as f64: `1e999` becomes
//! infinity or an error, and integers beyond 2^53 silently change. logseal writes such numbers
//! as strings holding their exact text, so every consumer (and a seal) sees one value.

/// 2^53: integers beyond it do not survive an f64 round trip.
const MAX_SAFE: u128 = 1 << 53;

/// True when `raw` (a number the scanner accepted) must be written as a string.
///
/// ```
/// use logseal::json::number::needs_quotes;
/// assert!(!needs_quotes(b"9007199254740992"));
/// assert!(needs_quotes(b"9007199254740993"));
/// assert!(needs_quotes(b"1e999"));
/// assert!(!needs_quotes(b"-1.5e308"));
/// ```
pub fn needs_quotes(raw: &[u8]) -> bool {
    let digits = raw.strip_prefix(b"-").unwrap_or(raw);
    if digits.iter().all(u8::is_ascii_digit) {
        // An integer: cheap length test first, the exact test only near the edge.
        return digits.len() > 16
            || (digits.len() == 16
                && std::str::from_utf8(digits).ok().and_then(|s| s.parse::<u128>().ok()).is_none_or(|v| v > MAX_SAFE));
    }
    let has_exp = raw.iter().any(|&b| b == b'e' || b == b'E');
    if !has_exp && raw.len() < 300 {
        return false; // a plain decimal this short is well within f64's range
    }
    std::str::from_utf8(raw).ok().and_then(|s| s.parse::<f64>().ok()).is_none_or(|v| !v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::needs_quotes;

    #[test]
    fn safe_numbers_stay_numbers() {
        for n in ["0", "-0", "42", "-9007199254740992", "3.14", "1e308", "-2.5E-300", "0.000001", "1234567890.123456789"] {
            assert!(!needs_quotes(n.as_bytes()), "{n}");
        }
    }

    #[test]
    fn unsafe_numbers_become_strings() {
        for n in ["9007199254740993", "-9007199254740993", "12345678901234567890", "1e309", "-1E999"] {
            assert!(needs_quotes(n.as_bytes()), "{n}");
        }
        let long_decimal = format!("{}.5", "9".repeat(400));
        assert!(needs_quotes(long_decimal.as_bytes()));
    }
}
