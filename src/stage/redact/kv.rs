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

/// Type words written between a name and its `=` in declarations (`var apiToken string =`,
/// `val token: String =`, `const secret: &str =`): the name is the word before them.
const TYPE_WORDS: &[&[u8]] = &[b"string", b"str", b"&str", b"String", b"char", b"bytes", b"text", b"SecureString", b"Secret"];

/// True for a byte that may sit inside an assignment operator before its `=` (`:=`, `::=`,
/// `?=`, `.=`, `+=`, `||=`).
fn op_byte(b: u8) -> bool {
    matches!(b, b':' | b'?' | b'.' | b'+' | b'|')
}

/// At a separator (`=`, `:`, or the `>` of `->`) at `at`, the secret value it introduces:
/// (start, end, kind). Never looks back past `floor`. Assignment operators are read whole
/// (`:=`, `::=`, `?=`, `.=`, `=>`, `->`), so are names in quotes, backticks and brackets
/// (`"token" =>`, `ENV['TOKEN'] =`) and declarations with a type (`var xToken string =`).
/// Keys never overlap (a key ends at a separator and starts after one); unquoted values under
/// ambiguous keys can (`key=key=key=...`), and are read through `memo`.
pub fn find(text: &[u8], at: usize, floor: usize, names: &mut ClassCache, memo: &mut Memo) -> Option<(usize, usize, Kind)> {
    let sep = *text.get(at)?;
    let next = text.get(at + 1).copied();
    // `:=` and `::=` are read at their `=`; a `:` before another `:` is no separator (`a::b`).
    if sep == b':' && matches!(next, Some(b'=' | b':')) {
        return None;
    }
    // Comparisons (`==`, `!=`, `<=`, `>=`) assign nothing.
    if sep == b'=' && (next == Some(b'=') || at > 0 && matches!(text[at - 1], b'=' | b'!' | b'<' | b'>')) {
        return None;
    }
    // The operator: `at` is its last byte but for `=>`.
    let mut op = at;
    if sep == b'>' {
        if at == 0 || text.get(at - 1) != Some(&b'-') {
            return None;
        }
        op = at - 1;
    } else if sep == b'=' {
        while op > floor && at - op < 3 && text.get(op - 1).copied().is_some_and(op_byte) {
            op -= 1;
        }
    }
    let op_end = if sep == b'=' && next == Some(b'>') { at + 2 } else { at + 1 };
    let (k_start, k_end, quoted) = key_before(text, op, floor)?;
    let key = &text[k_start..k_end];
    let before = k_start.checked_sub(1 + quoted as usize).and_then(|i| text.get(i)).copied();
    let in_query = sep == b'=' && op == at && matches!(before, Some(b'?' | b'&' | b';'));
    let mut class = names.classify(key);
    // Kubernetes-style `- name: DB_PASSWORD` then `value: x` on the next line.
    if class == KeyClass::Plain && sep == b':' && key.eq_ignore_ascii_case(b"value") {
        if let Some(kind) = super::assign::yaml_pair_name(text, k_start, floor, names) {
            class = KeyClass::Secret(kind);
        }
    }
    // `auth` names a credential or a mode (`auth: ok`, `auth=oauth`): a plain word stays.
    let weak = matches!(class, KeyClass::Credential(_));
    let kind = match class {
        KeyClass::Secret(kind) | KeyClass::Credential(kind) => Some(kind),
        KeyClass::Phone => Some(Kind::Phone),
        // In a query, `sig=`, `key=` are secret parameters whatever their length.
        KeyClass::MaybeSecret if in_query && QUERY_SECRETS.iter().any(|q| key.eq_ignore_ascii_case(q)) => Some(Kind::Token),
        KeyClass::MaybeSecret => None,
        _ if in_query && QUERY_SECRETS.iter().any(|q| key.eq_ignore_ascii_case(q)) => Some(Kind::Token),
        _ => return None,
    };
    // The value, after blanks (aligned values: `password:      x`, `token =\tx`).
    let mut v = op_end;
    while matches!(text.get(v), Some(b' ' | b'\t')) && v < op_end + 16 {
        v += 1;
    }
    // `val token: String = "x"`: the `:` introduces a type; the value is read at the `=`.
    if sep == b':' && declared_type(text, v) {
        return None;
    }
    // YAML block scalars and lists under a secret key.
    if let (b':', Some(k)) = (sep, kind) {
        if let Some((s, e)) = super::assign::yaml_block(text, at, v) {
            return Some((s, e, k));
        }
    }
    // PHP `var_dump`: `["password"]=> string(6) "hunter"`, the type on the next line or after.
    if sep == b'=' && next == Some(b'>') {
        if let Some(q) = php_string(text, v) {
            v = q;
        }
    }
    // A whole header in quotes (`curl -H "X-Custom-Auth: abc123" https://x`): the header's
    // closing quote ends its value, which otherwise runs to the end of the line. Read up to
    // that quote only, so the pass resumes there and no later header reads the line again.
    let header_quote = match before {
        Some(q @ (b'"' | b'\'')) if !quoted && matches!(kind, Some(Kind::Authorization | Kind::Cookie)) && text.get(v) != Some(&q) => Some(q),
        _ => None,
    };
    let (start, end, limit) = if let Some(q) = header_quote {
        let e = super::text::run(text, v, |b| b != q && b != b'\n' && b != b'\r');
        (v, e, Some(e))
    } else {
        match quoted_value(text, v) {
            Some((s, e)) => (s, e, Some(e)),
            None if weak => (v, value_end(text, v, Some(Kind::Token), in_query, memo), None),
            None => (v, value_end(text, v, kind, in_query, memo), None),
        }
    };
    if end <= start {
        return None;
    }
    // A credential after its scheme: only the credential goes (`X-Auth-Token: Bearer x`,
    // `Authorization: Basic x via edge`).
    let (start, end) = match kind {
        Some(k) if k != Kind::Cookie && k != Kind::Phone && !in_query => match super::assign::after_scheme(text, start, limit) {
            Some(span) => span,
            None if k == Kind::Authorization && super::assign::prose(text, start, end) => return None,
            None if weak && super::assign::benign_under(k, &text[start..end]) => return None,
            None => (start, end),
        },
        _ => (start, end),
    };
    if end <= start {
        return None;
    }
    // A template or variable stands where the secret goes (`password=${DB_PASSWORD}`,
    // `token: <token>`, `secret={{ .Values.secret }}`): nothing to remove.
    // So does one character repeated (`XXXXXXXXXXXXXX`, `********`).
    let repeated = end - start >= 4 && text[start..end].iter().all(|&b| b == text[start]);
    if kind.is_some_and(|k| k != Kind::Phone) && (repeated || super::assign::template_end(text, start).is_some_and(|te| te >= end)) {
        return None;
    }
    let kind = match kind {
        Some(k) => k,
        None if memo.random[in_query as usize].looks_random(text, start, end) && !super::assign::object_path(&text[start..end]) => Kind::Secret,
        None => return None,
    };
    if kind == Kind::Phone && super::phone::digits(&text[start..end]) < 7 {
        return None;
    }
    Some((start, end, kind))
}

/// At `v`, after the `=>` of a PHP `var_dump` entry: `string(N) "` (maybe after a line
/// break and indentation); the position of its opening quote.
fn php_string(text: &[u8], v: usize) -> Option<usize> {
    let s = super::text::run(text, v, |b| b.is_ascii_whitespace()).min(v + 16);
    if text.get(s..s + 7)? != b"string(" {
        return None;
    }
    let d = super::text::run(text, s + 7, |b| b.is_ascii_digit()).min(s + 17);
    (d > s + 7 && text.get(d..d + 3) == Some(b") \"")).then_some(d + 2)
}

/// The key that ends before the operator at `op` (blanks, a closing quote, backtick or `]`
/// and a type word in between): (start, end, whether it was quoted).
fn key_before(text: &[u8], op: usize, floor: usize) -> Option<(usize, usize, bool)> {
    let blanks = |mut k: usize, most: usize| {
        let from = k;
        while k > floor && matches!(text.get(k - 1), Some(b' ' | b'\t')) && from - k < most {
            k -= 1;
        }
        k
    };
    let mut k_end = blanks(op, 16);
    let mut key = read_key(text, k_end, floor);
    // `var apiToken string =`, `token: String =`: the name is before the type.
    if let Some((s, e, false)) = key {
        if e == k_end && TYPE_WORDS.iter().any(|t| &text[s..e] == *t) && s > floor {
            // `&str`, `*string`, `[]byte`: the type's sigils belong to it.
            let mut s = s;
            while s > floor && matches!(text[s - 1], b'&' | b'*' | b'[' | b']') && k_end - s < 24 {
                s -= 1;
            }
            let mut k = blanks(s, 4);
            if k < s && k > floor && text.get(k - 1) == Some(&b':') {
                k = blanks(k - 1, 4);
            }
            if k < s {
                k_end = k;
                key = read_key(text, k_end, floor);
            }
        }
    }
    key
}

/// The key ending at `k_end`, maybe in quotes, backticks or brackets (`["token"]`, `[token]`).
fn read_key(text: &[u8], mut k_end: usize, floor: usize) -> Option<(usize, usize, bool)> {
    if k_end > floor && text.get(k_end - 1) == Some(&b']') {
        k_end -= 1;
    }
    let quoted = k_end > floor && matches!(text.get(k_end - 1), Some(b'"' | b'\'' | b'`'));
    if quoted {
        k_end -= 1;
        // An escaped quote (`{\"token\":...}` in text): the backslash is no part of the key.
        if k_end > floor && text.get(k_end - 1) == Some(&b'\\') {
            k_end -= 1;
        }
    }
    let mut k_start = k_end;
    while k_start > floor && text.get(k_start - 1).copied().is_some_and(key_byte) {
        k_start -= 1;
    }
    // A key starts with a letter (after any leading `-`/`_`), or holds a run of three letters
    // (`1password_token`): `10:00:00` and the `2026-08-01T06` of a timestamp are not keys.
    let k = &text[k_start..k_end];
    let first = k.iter().find(|b| b.is_ascii_alphanumeric());
    let letters = k.windows(3).any(|w| w.iter().all(u8::is_ascii_alphabetic));
    if k.len() < 2 || !(first.is_some_and(u8::is_ascii_alphabetic) || letters) {
        return None;
    }
    Some((k_start, k_end, quoted))
}

/// True when a type word and `=` follow at `v` (`token: String = "x"`).
fn declared_type(text: &[u8], v: usize) -> bool {
    let end = super::text::run(text, v, |b| b.is_ascii_alphanumeric() || b == b'&');
    if end == v || !TYPE_WORDS.iter().any(|t| &text[v..end] == *t) {
        return false;
    }
    let mut e = end;
    while text.get(e) == Some(&b' ') && e < end + 4 {
        e += 1;
    }
    text.get(e) == Some(&b'=')
}

/// A value in quotes, backticks or escaped quotes at `v` (`"x"`, `'x'`, `` `x` ``, `\"x\"`):
/// its span inside them. A quote escaped by a backslash does not close it (`"ab\"cd"`); an
/// unclosed value runs to the end of the text.
pub(super) fn quoted_value(text: &[u8], v: usize) -> Option<(usize, usize)> {
    let (q, start, escaped) = match text.get(v) {
        Some(&q @ (b'"' | b'\'' | b'`')) => (q, v + 1, false),
        Some(b'\\') => match text.get(v + 1) {
            Some(&q @ (b'"' | b'\'')) => (q, v + 2, true),
            _ => return None,
        },
        _ => return None,
    };
    let mut i = start;
    while let Some(&b) = text.get(i) {
        if b == q {
            // Backslashes before the quote: an odd number escape it.
            let mut n = 0;
            while i - n > start && text[i - n - 1] == b'\\' {
                n += 1;
            }
            if escaped {
                // `\"x\"`: the closing quote is itself escaped once.
                if n % 2 == 1 {
                    return Some((start, i - 1));
                }
            } else if n % 2 == 0 {
                return Some((start, i));
            }
        }
        i += 1;
    }
    Some((start, text.len()))
}

/// At a `%` at `at`: a percent-encoded pair, `password%3Dx` (a form inside a query) or
/// `%22password%22%3A%22x%22` (JSON inside a query). The value ends at the next encoded quote,
/// `&`, `%26`, `%2C`, `%7D` or blank.
pub fn percent(text: &[u8], at: usize, floor: usize, names: &mut ClassCache) -> Option<(usize, usize, Kind)> {
    let code = text.get(at + 1..at + 3)?;
    let json = code.eq_ignore_ascii_case(b"3A");
    if !json && !code.eq_ignore_ascii_case(b"3D") {
        return None;
    }
    let enc_quote = |i: usize| text.get(i..i + 3).is_some_and(|c| c.eq_ignore_ascii_case(b"%22"));
    let mut k_end = at;
    let quoted = k_end >= floor + 3 && enc_quote(k_end - 3);
    if quoted {
        k_end -= 3;
    }
    if json && !quoted {
        return None; // `a%3Ab` is a `:` in a path or time, not JSON
    }
    let mut k_start = k_end;
    while k_start > floor && text.get(k_start - 1).copied().is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') && k_end - k_start < 64 {
        k_start -= 1;
    }
    if k_end - k_start < 2 {
        return None;
    }
    let kind = match names.classify(&text[k_start..k_end]) {
        KeyClass::Secret(kind) => kind,
        _ => return None,
    };
    let mut start = at + 3;
    let q = enc_quote(start);
    if q {
        start += 3;
    }
    let mut end = start;
    while let Some(&b) = text.get(end) {
        if b.is_ascii_whitespace() || b == b'&' || b == b'"' || b == b'\'' {
            break;
        }
        if b == b'%' {
            let c = text.get(end + 1..end + 3).unwrap_or(b"");
            let stop = if q { c.eq_ignore_ascii_case(b"22") } else { [&b"22"[..], b"26", b"2C", b"7D", b"3B"].iter().any(|s| c.eq_ignore_ascii_case(s)) };
            if stop {
                break;
            }
        }
        end += 1;
    }
    (end > start).then_some((start, end, kind))
}

/// At a word starting at `at` whose token run ends at `tok_end`: a secret name at the start of
/// a line, then a tab or three or more spaces, then its value (`password\thunter2`,
/// `  db_password     hunter2`, as config dumps and aligned tables write them).
pub fn aligned(text: &[u8], at: usize, tok_end: usize, names: &mut ClassCache) -> Option<(usize, usize, Kind)> {
    let gap = match text.get(tok_end..tok_end + 3)? {
        [b'\t', ..] => 1,
        b"   " => 3,
        _ => return None,
    };
    // The name stands at a line start (after indentation).
    let mut b = at;
    while b > 0 && matches!(text[b - 1], b' ' | b'\t') && at - b < 16 {
        b -= 1;
    }
    if b > 0 && text[b - 1] != b'\n' {
        return None;
    }
    let KeyClass::Secret(kind) = names.classify(&text[at..tok_end]) else { return None };
    let v = super::text::run(text, tok_end + gap, |b| b == b' ' || b == b'\t');
    // `name      = value`: an operator follows, read as an assignment at it.
    if matches!(text.get(v), Some(b'=' | b':')) {
        return None;
    }
    let (start, end) = match quoted_value(text, v) {
        Some(span) => span,
        None => (v, super::text::run(text, v, |b| !b.is_ascii_whitespace())),
    };
    (end > start).then_some((start, end, kind))
}

/// The end of the line holding `from`.
fn line_end(text: &[u8], from: usize) -> usize {
    text.get(from..).and_then(|r| r.iter().position(|&b| b == b'\n' || b == b'\r')).map_or(text.len(), |p| from + p)
}

/// Where an unquoted value ends.
fn value_end(text: &[u8], v: usize, kind: Option<Kind>, in_query: bool, memo: &mut Memo) -> usize {
    let line_end = |from: usize| line_end(text, from);
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
    // `token=<token>`, `password: <password>`: a placeholder after an operator, no element.
    let mut b = open;
    while b > floor && text[b - 1] == b' ' && open - b < 4 {
        b -= 1;
    }
    if b > floor && matches!(text[b - 1], b'=' | b':') {
        return None;
    }
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
    let cred = &text[start..end];
    // Prose (`Basic configuration loaded`, `Bearer token-based auth`) has no digit or capital;
    // a Basic credential is base64, in groups of four.
    let shaped = cred.iter().any(|b| b.is_ascii_digit() || b.is_ascii_uppercase() || (scheme == 6 && matches!(b, b'+' | b'/' | b'=')));
    (cred.len() >= 8 && shaped && (scheme == 7 || cred.len() % 4 == 0)).then_some((start, end))
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
    fn headers_take_the_credential_or_the_rest_of_the_line() {
        // A known scheme stays; its credential goes, and what follows it stays.
        assert_eq!(value("Authorization: Bearer abc.def-ghi\nHost: x", ':'), Some(("abc.def-ghi", Kind::Authorization)));
        assert_eq!(value("Authorization: Basic dXNlcjpwYXNz via edge", ':'), Some(("dXNlcjpwYXNz", Kind::Authorization)));
        assert_eq!(value("X-Auth-Token: Bearer opaqueTok123 next", ':'), Some(("opaqueTok123", Kind::Token)));
        assert_eq!(value("api_key: \"Token k-9f8e7d\"", ':'), Some(("k-9f8e7d", Kind::Token)));
        // An unknown scheme: the rest of the line, as before.
        assert_eq!(value("Authorization: Custom a1 b2\nHost: x", ':'), Some(("Custom a1 b2", Kind::Authorization)));
        // Prose after `auth`/`Authorization` is no credential.
        assert_eq!(value("auth: user bob logged in", ':'), None);
        assert_eq!(value("Authorization: required for this call", ':'), None);
        assert_eq!(value("auth=ok", '='), None);
        assert_eq!(value("auth=c2VjcmV0OnB3", '='), Some(("c2VjcmV0OnB3", Kind::Authorization)));
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
        assert_eq!(bearer(b"Basic configuration loaded", 0), None);
        assert_eq!(bearer(b"Basic settings", 0), None);
        assert_eq!(bearer(b"Bearer token-based auth", 0), None);
        assert_eq!(bearer(b"Basic YnJvd3Nlcjo=", 0), Some((6, 18)));
    }
}
