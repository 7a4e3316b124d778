//! logfmt: `key=value` pairs separated by spaces, values bare or double-quoted with Go's
//! escapes (`msg="user \"bob\" logged in"`). A line is logfmt only when every word is a pair
//! (prose with one `a=b` in it stays text); keys are kept as written.

use super::{escaped, Object};

/// Reads `line` as logfmt into `obj`; false when it is not logfmt.
pub fn read(line: &[u8], obj: &mut Object) -> bool {
    let mut i = 0;
    let mut pairs = 0;
    while i < line.len() {
        if line[i] == b' ' || line[i] == b'\t' {
            i += 1;
            continue;
        }
        let key_start = i;
        while i < line.len() && is_key_byte(line[i]) {
            i += 1;
        }
        let key = &line[key_start..i];
        if key.is_empty() || !(key[0].is_ascii_alphabetic() || key[0] == b'_' || key[0] == b'@') || line.get(i) != Some(&b'=') {
            return false;
        }
        i += 1;
        if line.get(i) == Some(&b'"') {
            let Some(end) = closing_quote(line, i + 1) else { return false };
            let body = &line[i + 1..end];
            obj.str_with(key, |out| unquote(body, out));
            i = end + 1;
            if i < line.len() && line[i] != b' ' && line[i] != b'\t' {
                return false;
            }
        } else {
            let start = i;
            while i < line.len() && line[i] != b' ' && line[i] != b'\t' {
                if line[i] == b'"' {
                    return false;
                }
                i += 1;
            }
            obj.str(key, &line[start..i]);
        }
        pairs += 1;
    }
    pairs > 0
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b'/' | b'@')
}

/// The index of the `"` closing a quoted value whose content starts at `from`.
fn closing_quote(line: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < line.len() {
        match line[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Go-quoted content as JSON string content: the escapes JSON shares (`\"`, `\\`, `\n`, `\t`,
/// `\r`, `\uXXXX`, ...) pass as they are, any other backslash is a literal one.
fn unquote(body: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b == b'\\' {
            match body.get(i + 1) {
                Some(&c @ (b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't')) => {
                    out.extend_from_slice(&[b'\\', c]);
                    i += 2;
                    continue;
                }
                Some(b'u') if body.get(i + 2..i + 6).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => {
                    out.extend_from_slice(&body[i..i + 6]);
                    i += 6;
                    continue;
                }
                _ => {}
            }
        }
        escaped(b, out);
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Formats};

    fn read(line: &str) -> Option<serde_json::Value> {
        let mut out = Vec::new();
        Formats::new(vec![Format::Logfmt]).read(line.as_bytes(), &mut out).then(|| serde_json::from_slice(&out).expect("valid JSON"))
    }

    #[test]
    fn pairs_bare_and_quoted() {
        let v = read(r#"ts=2026-11-27T10:00:04.564Z level=debug service=search msg="query ok" q="red shoes" took=108ms"#).unwrap();
        assert_eq!(v["level"], "debug");
        assert_eq!(v["msg"], "query ok");
        assert_eq!(v["q"], "red shoes");
        assert_eq!(v["took"], "108ms");
        let v = read(r#"msg="user \"bob\" said \\o/ \n bye \u00e9 \x41""#).unwrap();
        assert_eq!(v["msg"], "user \"bob\" said \\o/ \n bye é \\x41");
        assert_eq!(read("http.path=/a k-1=v @t=1").unwrap()["http.path"], "/a");
        assert_eq!(read("empty= next=1").unwrap()["empty"], "");
    }

    #[test]
    fn prose_and_broken_pairs_stay_text() {
        for line in ["retry=3 failed", "disk full", "=x", "a=\"unclosed", "a=\"x\"y", "1a=b", "a=b\"c", "  "] {
            assert!(read(line).is_none(), "{line}");
        }
    }
}
