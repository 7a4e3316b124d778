//! Credentials wrapped in base64: a JSON object or a form encoded whole
//! (`eyJwYXNzd29yZCI6Imh1bnRlcjIifQ==` is `{"password":"hunter2"}`), as request dumps, cookies
//! and message queues carry them. The run is decoded only when it is standard base64 whose
//! text starts like an object (`{`) or a form (`name=`), at most [`MAX_DECODED`] bytes of it;
//! when a pair in it has a secret name (judged as field names are, [`super::keyname`]) and a
//! value that is no placeholder, the whole run is masked: it cannot be cut at a byte that
//! ends the secret. Base64 of other text (a sentence, a JSON object of plain fields) stays.
//!
//! Base64 of `user:password` alone (what HTTP Basic carries, and what `curl -u` sends) is a
//! credential too, wherever it stands: `YXBpOmtleS1hN2Mz...` is `api:key-a7c3...`. Ids
//! encoded the same way (GraphQL's `User:123`, `arrayconnection:0`) have a number, a UUID or a
//! word after the colon, and stay.

use super::keyname::{classify, KeyClass};
use super::kind::Kind;

/// Decoded bytes looked at: a secret further in is not looked for (the run is read once).
pub const MAX_DECODED: usize = 3072;

fn value(b: u8) -> Option<u8> {
    Some(match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    })
}

/// Text bytes: printable ASCII, white space, and UTF-8 beyond ASCII.
fn texty(b: u8) -> bool {
    (0x20..0x7f).contains(&b) || matches!(b, b'\n' | b'\r' | b'\t') || b >= 0x80
}

/// The run of `text[at..end]` (bytes of [`super::entropy::bare_byte`]) when it is base64 of a
/// JSON object or form holding a secret: its span and the secret's kind.
pub fn find(text: &[u8], at: usize, end: usize) -> Option<(usize, usize, Kind)> {
    let mut e = end.min(text.len());
    while e > at && text[e - 1] == b'.' {
        e -= 1;
    }
    let run = text.get(at..e)?;
    // The run is judged from its first word (`ctx=eyJ...`): the base64 starts after the last
    // `=` that is not padding.
    let from = match memchr::memchr(b'=', run) {
        None => 0,
        Some(_) => run.windows(2).rposition(|w| w[0] == b'=' && w[1] != b'=').map_or(0, |p| p + 1),
    };
    let (at, run) = (at + from, &run[from..]);
    // `{"a":"b"}` is 12 characters in base64: anything shorter holds no pair worth a look.
    if run.len() < 16 {
        return None;
    }
    let body = run.strip_suffix(b"==").or_else(|| run.strip_suffix(b"=")).unwrap_or(run);
    // Decode the first three bytes before anything is allocated: most runs fail here.
    let first = value(*body.first()?)?;
    let second = value(*body.get(1)?)?;
    let lead = (first << 2) | (second >> 4);
    if lead != b'{' && !lead.is_ascii_alphanumeric() {
        return None;
    }
    let mut out = Vec::with_capacity((body.len() / 4 * 3).min(MAX_DECODED));
    let (mut acc, mut bits) = (0u32, 0u32);
    for &b in body {
        let v = value(b)?;
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            let byte = (acc >> bits) as u8;
            acc &= (1 << bits) - 1;
            if !texty(byte) || (lead != b'{' && out.len() == MAX_BASIC && !out.contains(&b'=')) {
                return None;
            }
            out.push(byte);
            if out.len() == MAX_DECODED {
                break;
            }
        }
    }
    let kind = if lead == b'{' { in_json(&out) } else { in_form(&out).or_else(|| in_basic(&out)) }?;
    Some((at, e, kind))
}

/// The longest `user:password` looked at (a longer text without a `=` is no form either).
const MAX_BASIC: usize = 512;

/// Decoded text that is `user:password` and nothing else: a user of 1-64 name characters
/// (`A-Z a-z 0-9 . _ @ + -`), a colon, then a password of 6+ printable characters without
/// blanks that holds a digit or a symbol. Refused: no password (`browser:`), a number
/// (`User:123`, `arrayconnection:0`), a UUID (an id), a word (`service:checkout`), a
/// placeholder (`user:password`, `$USER:$PASS`).
fn in_basic(s: &[u8]) -> Option<Kind> {
    if s.len() > MAX_BASIC {
        return None;
    }
    let colon = s.iter().position(|&b| b == b':')?;
    let (user, pw) = (&s[..colon], &s[colon + 1..]);
    let name = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'@' | b'+' | b'-');
    if !(1..=64).contains(&user.len()) || !user.iter().all(name) || !user[0].is_ascii_alphanumeric() {
        return None;
    }
    let printable = pw.iter().all(|&b| b.is_ascii_graphic());
    let marked = pw.iter().any(|b| b.is_ascii_digit()) && !pw.iter().all(u8::is_ascii_digit) || pw.iter().any(|b| b.is_ascii_punctuation());
    let uuid = pw.len() == 36 && pw.iter().enumerate().all(|(i, &b)| if matches!(i, 8 | 13 | 18 | 23) { b == b'-' } else { b.is_ascii_hexdigit() });
    (pw.len() >= 6 && printable && marked && !uuid && !super::assign::placeholder(pw, user)).then_some(Kind::Password)
}

/// The kind of the value named `name`, when it is a secret under that name.
fn secret(name: &[u8], value: &[u8]) -> Option<Kind> {
    if value.is_empty() || matches!(value, b"null" | b"true" | b"false") || super::assign::template_end(value, 0).is_some_and(|t| t >= value.len()) {
        return None;
    }
    match classify(name) {
        KeyClass::Secret(k) => Some(k),
        KeyClass::Credential(k) if !super::assign::benign_under(k, value) => Some(k),
        KeyClass::MaybeSecret if super::entropy::looks_random(value) => Some(Kind::Secret),
        _ => None,
    }
}

/// The end of the JSON string whose opening quote is at `q` (the index of its closing quote).
fn string_end(s: &[u8], q: usize) -> Option<usize> {
    let mut i = q + 1;
    while let Some(&b) = s.get(i) {
        match b {
            b'\\' => i += 2,
            b'"' => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// The first secret in a JSON object: each string followed by `:` is a name, its value a
/// string or a scalar (objects and arrays under it are read on as the text goes).
fn in_json(s: &[u8]) -> Option<Kind> {
    let ws = |mut i: usize| {
        while s.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    };
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'"' {
            i += 1;
            continue;
        }
        let close = string_end(s, i)?;
        let colon = ws(close + 1);
        if s.get(colon) != Some(&b':') {
            i = close + 1;
            continue;
        }
        let name = &s[i + 1..close];
        let v = ws(colon + 1);
        let (vs, ve, next) = match s.get(v) {
            Some(b'"') => {
                let ve = string_end(s, v).unwrap_or(s.len());
                (v + 1, ve, ve + 1)
            }
            Some(b'{' | b'[') | None => {
                i = v;
                continue;
            }
            Some(_) => {
                let ve = super::text::run(s, v, |b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace());
                (v, ve, ve)
            }
        };
        if let Some(kind) = secret(name, &s[vs..ve]) {
            return Some(kind);
        }
        i = next.max(i + 1);
    }
    None
}

/// The first secret in a form, `name=value&name=value` (no blanks: text is not a form).
fn in_form(s: &[u8]) -> Option<Kind> {
    if !s.contains(&b'=') || s.iter().any(|b| b.is_ascii_whitespace()) {
        return None;
    }
    s.split(|&b| b == b'&').find_map(|pair| {
        let p = pair.iter().position(|&b| b == b'=')?;
        let name = &pair[..p];
        let ok = !name.is_empty() && name.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']'));
        if ok {
            secret(name, &pair[p + 1..])
        } else {
            None
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(s)
    }

    fn found(s: &str) -> Option<Kind> {
        find(s.as_bytes(), 0, s.len()).filter(|&(a, e, _)| a == 0 && e == s.len()).map(|t| t.2)
    }

    #[test]
    fn secrets_in_encoded_json_and_forms_mask_the_run() {
        assert_eq!(found(&b64(r#"{"password":"hunter2","user":"bob"}"#)), Some(Kind::Password));
        assert_eq!(found(&b64(r#"{"user":"bob","auth":{"api_key":"k-29fj3k"}}"#)), Some(Kind::Token));
        assert_eq!(found(&b64("user=bob&password=hunter2")), Some(Kind::Password));
        assert_eq!(found(&b64(r#"{ "token" : "abc123xyz" }"#)), Some(Kind::Token));
        // After a `key=`, the base64 alone.
        let s = format!("ctx={}", b64(r#"{"password":"hunter2"}"#));
        assert_eq!(find(s.as_bytes(), 0, s.len()).map(|t| (t.0, t.1)), Some((4, s.len())));
        // A full stop after the run is not part of it.
        let s = format!("{}.", b64(r#"{"secret":"s3cr3t"}"#));
        assert_eq!(find(s.as_bytes(), 0, s.len()).map(|t| t.1), Some(s.len() - 1));
    }

    #[test]
    fn encoded_text_without_a_secret_stays() {
        for s in [
            r#"{"user":"bob","id":42,"tags":["a","b"]}"#,
            r#"{"password":"","token":null,"pass":3}"#,
            r#"{"password":"${DB_PASSWORD}"}"#,
            r#"{"prompt_tokens":12,"total_tokens":30}"#,
            "a sentence with password=hunter2 inside",
            "page=2&sort=asc&q=shoes",
            "username: alice is here",
        ] {
            assert_eq!(found(&b64(s)), None, "{s}");
        }
        // Not base64 of text at all: a digest, random bytes, a UUID.
        for s in ["9f86d081884c7d659a2feaa0c55ad015", "jC+6TUUjCNHcVtAXpcqBCgxnA8r+qD6M", "c196c5c2-ff2e-dc17-9d4c-712e801b43bf"] {
            assert_eq!(found(s), None, "{s}");
        }
    }

    #[test]
    fn base64_of_user_and_password_is_a_credential() {
        assert_eq!(found(&b64("api:key-a7c342w33a5d1-563e729p-6ab27c637346")), Some(Kind::Password));
        assert_eq!(found(&b64("353b302c44574f56504568:286924697e615a672a64")), Some(Kind::Password), "a digit first");
        assert_eq!(found(&b64("j.smith@corp.io:dB2yF6@qL9")), Some(Kind::Password));
        for s in ["browser:", "User:1234567", "arrayconnection:41", "Order:c196c5c2-ff2e-dc17-9d4c-712e801b43bf", "service:checkout", "admin:password", "a sentence: with words", "$USER:$PASSWORD"] {
            assert_eq!(found(&b64(s)), None, "{s}");
        }
    }

    #[test]
    fn only_the_first_bytes_are_decoded() {
        let long = format!(r#"{{"n":"{}","password":"hunter2"}}"#, "a".repeat(MAX_DECODED));
        assert_eq!(found(&b64(&long)), None, "beyond the cap");
    }
}
