//! Field names compared ignoring case and style: `userPassword`, `user_password`,
//! `User-Password` and `user password` are one name. A `.` is kept as a path separator, so the
//! flat OpenTelemetry-style key `http.status_code` and the nested `http` -> `status_code` agree.

/// Appends the normalised form of `name` to `out`: ASCII letters lowercased, digits and `.`
/// kept, other ASCII punctuation and spaces dropped, non-ASCII bytes kept as they are.
///
/// ```
/// let mut out = Vec::new();
/// logseal::stage::redact::keyname::normalize_into(b"X-Api_Key", &mut out);
/// assert_eq!(out, b"xapikey");
/// ```
pub fn normalize_into(name: &[u8], out: &mut Vec<u8>) {
    for &b in name {
        if b.is_ascii_alphanumeric() || b == b'.' || b >= 0x80 {
            out.push(b.to_ascii_lowercase());
        }
    }
}

/// The normalised form of `name`, for compiling policy names.
pub fn normalize(name: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(name.len());
    normalize_into(name.as_bytes(), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_and_style_do_not_matter() {
        for n in ["userPassword", "user_password", "User-Password", "user password", "USERPASSWORD"] {
            assert_eq!(normalize(n), b"userpassword", "{n}");
        }
        assert_eq!(normalize("@timestamp"), b"timestamp");
        assert_eq!(normalize("http.status_code"), b"http.statuscode");
        assert_eq!(normalize("Größe"), "größe".as_bytes());
    }
}
