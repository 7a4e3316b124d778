//! Credentials written into text: `password=x`, `api_key: x`, `"token":"x"` inside a string
//! (logfmt, form bodies, dumped headers, JSON embedded in a string), secret query parameters
//! (`?token=`, `&sig=`, `&code=`), and bare `Bearer`/`Basic` credentials. The key is judged
//! like a field name (see [`super::keyname`]); the value is what is removed, the key stays.

use super::keyname::{ClassCache, KeyClass};
use super::kind::Kind;
use super::memo::Memo;
use super::text::starts_with_ci;

/// Query parameter names that carry secrets even though they are not secret words elsewhere.
const QUERY_SECRETS: &[&[u8]] = &[
    b"token", b"key", b"sig", b"signature", b"code", b"auth", b"sid", b"jwt", b"apikey", b"api_key", b"access_token",
    b"id_token", b"refresh_token", b"client_secret", b"password", b"pass", b"pwd", b"secret", b"session", b"sessionid",
    b"x-amz-signature", b"x-amz-credential", b"x-amz-security-token", b"x-goog-signature", b"sv",
];

fn key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// At a separator (`=` or `:`) at `at`, the secret value it introduces: (start, end, kind).
/// Never looks back past `floor`. Keys never overlap (a key ends at a separator and starts
/// after one); unquoted values under ambiguous keys can (`key=key=key=...`), and are read
/// through `memo`.
pub fn find(text: &[u8], at: usize, floor: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    let sep = *text.get(at)?;
    let mut k_end = at;
    let mut spaces = 0;
    while k_end > floor && text.get(k_end - 1) == Some(&b' ') && spaces < 2 {
        k_end -= 1;
        spaces += 1;
    }
    let quoted = k_end > floor && matches!(text.get(k_end - 1), Some(b'"' | b'\''));
    if quoted {
        k_end -= 1;
    }
    let mut k_start = k_end;
    while k_start > floor && text.get(k_start - 1).copied().is_some_and(key_byte) {
        k_start -= 1;
    }
    // A key starts with a letter (after any leading `-`/`_`): `10:00:00` and the
    // `2026-08-01T06` of a timestamp are not keys.
    let first = text[k_start..k_end].iter().find(|b| b.is_ascii_alphanumeric());
    if k_end - k_start < 2 || !first.is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let key = &text[k_start..k_end];
    let before = k_start.checked_sub(1 + quoted as usize).and_then(|i| text.get(i)).copied();
    let in_query = sep == b'=' && matches!(before, Some(b'?' | b'&' | b';'));
    let kind = match names.classify(key) {
        KeyClass::Secret(kind) => Some(kind),
        KeyClass::Phone => Some(Kind::Phone),
        KeyClass::MaybeSecret => None,
        _ if in_query && QUERY_SECRETS.iter().any(|q| key.eq_ignore_ascii_case(q)) => Some(Kind::Token),
        _ => return None,
    };
    // The value.
    let mut v = at + 1;
    while text.get(v) == Some(&b' ') && v < at + 3 {
        v += 1;
    }
    let (start, end) = match text.get(v) {
        Some(&q @ (b'"' | b'\'')) => {
            let close = text.get(v + 1..)?.iter().position(|&b| b == q).map_or(text.len(), |p| v + 1 + p);
            (v + 1, close)
        }
        _ => (v, value_end(text, v, kind, in_query, memo)),
    };
    if end <= start {
        return None;
    }
    let kind = match kind {
        Some(k) => k,
        None if memo.random[in_query as usize].looks_random(text, start, end) => Kind::Secret,
        None => return None,
    };
    if kind == Kind::Phone && super::phone::digits(&text[start..end]) < 7 {
        return None;
    }
    Some((start, end, kind))
}

/// Where an unquoted value ends.
fn value_end(text: &[u8], v: usize, kind: Option<Kind>, in_query: bool, memo: &mut Memo) -> usize {
    let line_end = |from: usize| text.get(from..).and_then(|r| r.iter().position(|&b| b == b'\n' || b == b'\r')).map_or(text.len(), |p| from + p);
    match kind {
        // Everything after `Authorization:` or `Cookie:` on that line is credential.
        Some(Kind::Authorization | Kind::Cookie) => line_end(v),
        Some(Kind::Phone) => super::phone::value_end(text, v),
        Some(Kind::Iban) if super::iban::head(text, v) => super::iban::keyed_value_end(text, v).unwrap_or(v),
        _ => {
            // Values that start inside the last one read end where it ends: the run and its
            // trimmed end are remembered (the trimmed end of a later start is the same, or the
            // start itself when only punctuation is left).
            let slot = &mut memo.values[in_query as usize];
            let (from, run_end, trimmed) = *slot;
            if from <= v && v <= run_end {
                return trimmed.max(v);
            }
            let stop = |b: u8| b.is_ascii_whitespace() || b == b'"' || b == b'\'' || (in_query && matches!(b, b'&' | b'#'));
            let run_end = super::text::run(text, v, |b| !stop(b));
            let mut end = run_end;
            // Punctuation that closes the surrounding text is not part of the value.
            while end > v && matches!(text[end - 1], b',' | b';' | b')' | b']' | b'}' | b'.' | b'>') {
                end -= 1;
            }
            *slot = (v, run_end, end);
            end
        }
    }
}

/// At the `>` of an XML-style element `<name>value</name>` whose name is a secret: the value.
/// `at` only grows from call to call on one text: the last `<` and its name are remembered in
/// `memo`, so a run of `>` reads neither again.
pub fn xml(text: &[u8], at: usize, floor: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    if at < memo.lt_seen {
        (memo.lt_seen, memo.last_lt) = (0, None);
    }
    if let Some(p) = text.get(memo.lt_seen..at)?.iter().rposition(|&b| b == b'<') {
        memo.last_lt = Some(memo.lt_seen + p);
    }
    memo.lt_seen = at;
    let open = memo.last_lt.filter(|&p| p >= floor)?;
    let (name_end, class) = match memo.element {
        Some((o, end, class)) if o == open => (end, class),
        _ => {
            let end = super::text::run(text, open + 1, key_byte);
            let class = if end == open + 1 || end > at { KeyClass::Plain } else { names.classify(&text[open + 1..end]) };
            memo.element = Some((open, end, class));
            (end, class)
        }
    };
    if name_end == open + 1 || name_end > at {
        return None;
    }
    let KeyClass::Secret(kind) = class else { return None };
    let start = at + 1;
    let end = text.get(start..)?.iter().position(|&b| b == b'<').map_or(text.len(), |p| start + p);
    (end > start).then_some((start, end, kind))
}

/// At a command-line flag `--name value` (the first `-` at `at`) whose name is a secret: the
/// value. (`--name=value` is found at the `=`.)
///
/// A `--` inside the name of a flag that found nothing (`--a--b--c value`) finds nothing
/// either: its name is a tail of that name made of whole words (a `-` precedes it), and a name
/// is judged by its last words, so a tail is secret only if the whole name is; the value is
/// the same. `memo` keeps that name's end, so a run of `--` is read once.
pub fn flag(text: &[u8], at: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    if text.get(at..at + 2)? != b"--" {
        return None;
    }
    if at + 2 <= memo.flag_miss_end {
        return None;
    }
    let found = flag_at(text, at, names, memo);
    if found.is_none() {
        memo.flag_miss_end = memo.flag_name.run(text, at + 2, key_byte);
    }
    found
}

fn flag_at(text: &[u8], at: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    let name_end = memo.flag_name.run(text, at + 2, key_byte);
    if name_end - at < 4 || text.get(name_end) != Some(&b' ') {
        return None;
    }
    let KeyClass::Secret(kind) = names.classify(&text[at + 2..name_end]) else { return None };
    let start = name_end + 1;
    if text.get(start) == Some(&b'-') {
        return None; // the next flag, not a value
    }
    let end = super::text::run(text, start, |b| !b.is_ascii_whitespace() && b != b'"' && b != b'\'');
    (end > start).then_some((start, end, kind))
}

/// A bare `Bearer <token>` or `Basic <base64>` at `at` (a word start): the credential's span.
pub fn bearer(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let scheme = if starts_with_ci(text, at, b"bearer ") {
        7
    } else if starts_with_ci(text, at, b"basic ") {
        6
    } else {
        return None;
    };
    let start = at + scheme;
    let end = super::text::run(text, start, |b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'+' | b'/' | b'-' | b'='));
    (end - start >= 8).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The secret found at the first separator of `s`, as text.
    fn value(s: &str, sep: char) -> Option<(&str, Kind)> {
        let at = s.find(sep)?;
        find(s.as_bytes(), at, 0, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, k)| (&s[a..b], k))
    }

    #[test]
    fn logfmt_form_and_colon_pairs() {
        assert_eq!(value("login user=u9 password=QYDB%7296 failed", '=').map(|v| v.0), None, "first `=` is user");
        let s = "login user=u9 password=QYDB%7296 failed";
        let at = s.rfind('=').unwrap();
        assert_eq!(find(s.as_bytes(), at, 0, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, _)| &s[a..b]), Some("QYDB%7296"));
        assert_eq!(value("api_key: sk_abc123XYZ", ':'), Some(("sk_abc123XYZ", Kind::Token)));
        assert_eq!(value("--db-password=p@ss,word;", '='), Some(("p@ss,word", Kind::Password)));
        assert_eq!(value("secret = 'two words'", '='), Some(("two words", Kind::Secret)));
        assert_eq!(value("cvv2=123", '='), Some(("123", Kind::Cvv)), "keys may end in a digit");
        assert_eq!(value("cvc2:456", ':'), Some(("456", Kind::Cvv)));
    }

    #[test]
    fn json_inside_a_string() {
        let s = r#"payload {"user":"bob","password":"hunter2 x","n":1}"#;
        let at = s.find(r#"":"hunter2"#).unwrap() + 1;
        assert_eq!(find(s.as_bytes(), at, 0, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, _)| &s[a..b]), Some("hunter2 x"));
    }

    #[test]
    fn query_parameters_with_secret_names() {
        let s = "/reset?user=258&token=uk2oDpOVBz&next=/home";
        let at = s.find("token=").unwrap() + 5;
        assert_eq!(find(s.as_bytes(), at, 0, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, _)| &s[a..b]), Some("uk2oDpOVBz"));
        let s = "/cb?code=4/0AX4XfWh&state=xyz";
        assert_eq!(value(s, '='), Some(("4/0AX4XfWh", Kind::Token)));
        assert_eq!(value("status code=200 ok", '='), None, "code is a secret only in a query");
    }

    #[test]
    fn headers_take_the_rest_of_the_line() {
        assert_eq!(value("Authorization: Bearer abc.def-ghi\nHost: x", ':'), Some(("Bearer abc.def-ghi", Kind::Authorization)));
        assert_eq!(value("Cookie: session=abc; theme=dark", ':'), Some(("session=abc; theme=dark", Kind::Cookie)));
        assert_eq!(value("phone: +1 (415) 555-0142 ok", ':'), Some(("+1 (415) 555-0142", Kind::Phone)));
    }

    #[test]
    fn ordinary_pairs_are_kept() {
        for s in ["status=200", "time: 10:00:00", "at 2026-08-01T06:51:55Z", "http://host:8080/x", "password_changed=true", "token_count=12", "key=user-settings"] {
            let sep = if s.contains('=') { '=' } else { ':' };
            assert_eq!(value(s, sep), None, "{s}");
        }
        assert_eq!(value("key=9f86d081884c7d659a2feaa0c55ad015", '='), Some(("9f86d081884c7d659a2feaa0c55ad015", Kind::Secret)));
    }

    #[test]
    fn xml_elements_and_command_line_flags() {
        let s = "<user>bob</user><password>hunter2</password>";
        let at = s.find("<password>").unwrap() + 9;
        assert_eq!(xml(s.as_bytes(), at, 0, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, _)| &s[a..b]), Some("hunter2"));
        assert_eq!(xml(b"<user>bob</user>", 5, 0, &mut ClassCache::default(), &mut Memo::default()), None);
        let s = "mysql -u root --password s3cr3t! --host db";
        let at = s.find("--password").unwrap();
        assert_eq!(flag(s.as_bytes(), at, &mut ClassCache::default(), &mut Memo::default()).map(|(a, b, _)| &s[a..b]), Some("s3cr3t!"));
        assert_eq!(flag(b"--password --next", 0, &mut ClassCache::default(), &mut Memo::default()), None);
        assert_eq!(flag(b"--verbose yes", 0, &mut ClassCache::default(), &mut Memo::default()), None);
    }

    #[test]
    fn bare_bearer_and_basic_credentials() {
        let s = "sent Bearer eyJhbGciOi.abc-123_x and";
        let at = s.find("Bearer").unwrap();
        assert_eq!(bearer(s.as_bytes(), at).map(|(a, b)| &s[a..b]), Some("eyJhbGciOi.abc-123_x"));
        assert_eq!(bearer(b"basic dXNlcjpwYXNz", 0), Some((6, 18)));
        assert_eq!(bearer(b"Bearer of bad news", 0), None);
    }
}
