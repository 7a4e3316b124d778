//! Apache and nginx access logs: the common format `host ident user [time] "request" status
//! bytes` and the combined format, which adds `"referer" "user agent"`. Fields: `source_ip`,
//! `ident` and `user` (left out when `-`), `timestamp` (the bracketed text, which normalise
//! reads), `method`, `path`, `protocol` (or `request` when the request line has another shape),
//! `status` and `bytes` as numbers, `referer` and `user_agent` (left out when `-`), and
//! `extra` for anything an extended format adds after them.

use super::{word, Object};

/// Reads `line` as an access log line into `obj`; false when it is not one.
pub fn read(line: &[u8], obj: &mut Object) -> bool {
    let Some((host, rest)) = word(line) else { return false };
    let Some((ident, rest)) = word(rest) else { return false };
    let Some((user, rest)) = word(rest) else { return false };
    let Some(rest) = rest.strip_prefix(b"[") else { return false };
    let Some(close) = rest.iter().position(|&b| b == b']') else { return false };
    let (time, rest) = (&rest[..close], &rest[close + 1..]);
    let Some(rest) = rest.strip_prefix(b" ") else { return false };
    let Some((request, rest)) = quoted(rest) else { return false };
    let Some(rest) = rest.strip_prefix(b" ") else { return false };
    let Some((status, rest)) = word(rest) else { return false };
    let (bytes, rest) = word(rest).unwrap_or((b"", b""));
    let status_ok = status.len() == 3 && status.iter().all(u8::is_ascii_digit);
    let bytes_ok = bytes == b"-" || (!bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit));
    if !status_ok || !bytes_ok || time.len() < 20 || !host.iter().all(|&b| b.is_ascii_graphic()) {
        return false;
    }
    // The combined format's two quoted fields, when present.
    let (referer, agent, extra) = match quoted(rest) {
        Some((referer, after)) => match after.strip_prefix(b" ").and_then(quoted) {
            Some((agent, extra)) => (Some(referer), Some(agent), extra.strip_prefix(b" ").unwrap_or(extra)),
            None => (Some(referer), None, after.strip_prefix(b" ").unwrap_or(after)),
        },
        None => (None, None, rest),
    };
    obj.str(b"source_ip", host);
    if ident != b"-" {
        obj.str(b"ident", ident);
    }
    if user != b"-" {
        obj.str(b"user", user);
    }
    obj.str(b"timestamp", time);
    let mut parts = request.split(|&b| b == b' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(p), Some(v), None) if !m.is_empty() && m.iter().all(u8::is_ascii_uppercase) && v.starts_with(b"HTTP/") => {
            obj.str(b"method", m);
            obj.str(b"path", p);
            obj.str(b"protocol", v);
        }
        _ => obj.str(b"request", request),
    }
    obj.int_or_str(b"status", status);
    if bytes != b"-" {
        obj.int_or_str(b"bytes", bytes);
    }
    for (key, value) in [(&b"referer"[..], referer), (b"user_agent", agent)] {
        if let Some(v) = value.filter(|v| *v != b"-") {
            obj.str(key, v);
        }
    }
    if !extra.is_empty() {
        obj.str(b"extra", extra);
    }
    true
}

/// A `"..."` field (Apache escapes `"` inside as `\"`): (content, rest after the quote).
fn quoted(s: &[u8]) -> Option<(&[u8], &[u8])> {
    let s = s.strip_prefix(b"\"")?;
    let mut i = 0;
    while i < s.len() {
        match s[i] {
            b'\\' => i += 2,
            b'"' => return Some((&s[..i], &s[i + 1..])),
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Formats};

    fn read(line: &str) -> Option<serde_json::Value> {
        let mut out = Vec::new();
        Formats::new(vec![Format::Combined]).read(line.as_bytes(), &mut out).then(|| serde_json::from_slice(&out).expect("valid JSON"))
    }

    #[test]
    fn combined_common_and_extended_lines() {
        let v = read(r#"203.0.113.9 - alice [27/Nov/2026:10:03:03 +0000] "POST /login?next=%2F HTTP/2.0" 302 - "https://example.com/" "Mozilla/5.0 (X11)""#).unwrap();
        assert_eq!(v["source_ip"], "203.0.113.9");
        assert_eq!(v["user"], "alice");
        assert!(v.get("ident").is_none());
        assert_eq!(v["method"], "POST");
        assert_eq!(v["path"], "/login?next=%2F");
        assert_eq!(v["status"], 302);
        assert!(v.get("bytes").is_none());
        assert_eq!(v["referer"], "https://example.com/");
        assert_eq!(v["user_agent"], "Mozilla/5.0 (X11)");
        let v = read(r#"::1 - - [27/Nov/2026:10:03:03 +0000] "GET / HTTP/1.1" 200 512"#).unwrap();
        assert_eq!((v["bytes"].as_u64(), v.get("referer")), (Some(512), None));
        let v = read(r#"10.0.0.1 - - [27/Nov/2026:10:03:03 +0000] "\x16\x03\x01" 400 0 "-" "-" "10.9.9.9""#).unwrap();
        assert_eq!(v["request"], "\\x16\\x03\\x01");
        assert_eq!(v["extra"], "\"10.9.9.9\"");
        let v = read(r#"10.0.0.1 - - [27/Nov/2026:10:03:03 +0000] "GET /q?s=a\"b HTTP/1.1" 200 1 "-" "curl/8""#).unwrap();
        assert_eq!(v["path"], "/q?s=a\\\"b");
    }

    #[test]
    fn other_lines_are_not_access_logs() {
        for line in [
            "disk full",
            r#"10.0.0.1 - - [27/Nov/2026:10:03:03 +0000] "GET / HTTP/1.1" 2000 1"#,
            r#"10.0.0.1 - - [27/Nov/2026:10:03:03 +0000] "GET / HTTP/1.1""#,
            r#"10.0.0.1 - - 27/Nov/2026:10:03:03 "GET / HTTP/1.1" 200 1"#,
            r#"10.0.0.1 - - [27/Nov/2026:10:03:03 +0000] "GET / HTTP/1.1 200 1"#,
        ] {
            assert!(read(line).is_none(), "{line}");
        }
    }
}
