//! Assignment forms beyond `key=value` that the key/value detector ([`super::kv`]) hands
//! over: credentials after an auth scheme, YAML block scalars and lists, pairs written as two
//! quoted strings (`setProperty("X_TOKEN", "v")`, `["--password", "v"]`,
//! `{"name":"DB_PASSWORD","value":"v"}`), protocol lines (Redis `AUTH`, FTP `PASS`, SMTP
//! `AUTH PLAIN`) and SQL (`IDENTIFIED BY 'v'`, `WITH PASSWORD 'v'`).
//!
//! Each reader stops within its line or its quotes, and the pass resumes past what it found.

use super::keyname::{ClassCache, KeyClass};
use super::kind::Kind;
use super::text::starts_with_ci;

/// Auth schemes whose credential is one word after them.
const SCHEMES: &[&[u8]] = &[
    b"bearer", b"basic", b"token", b"bot", b"apikey", b"api-key", b"key", b"ssws", b"jwt", b"negotiate", b"ntlm", b"sharedkey",
    b"sharedkeylite", b"genieKey", b"splunk", b"deepl-auth-key", b"klaviyo-api-key", b"pat",
];
/// Auth schemes followed by a list of parameters: the rest of the line is credential.
const PARAM_SCHEMES: &[&[u8]] = &[b"digest", b"oauth", b"aws4-hmac-sha256", b"signature", b"hoba", b"mutual", b"aws", b"hawk"];

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// In a value starting at `start`, a credential after an auth scheme (`Bearer x`, `Basic x`):
/// the credential's span (the scheme is kept). `None` when the value does not start with one.
/// A quoted value ends at `end` (Some); an unquoted one at its line's end, found only when a
/// scheme is there (so a value with none costs no read to the end of its line).
pub fn after_scheme(text: &[u8], start: usize, end: Option<usize>) -> Option<(usize, usize)> {
    let scheme_end = super::text::run(text, start, |b| b.is_ascii_alphanumeric() || b == b'-');
    let word_end = end.map_or(scheme_end, |e| scheme_end.min(e));
    let word = text.get(start..word_end)?;
    let one = SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s));
    let params = PARAM_SCHEMES.iter().any(|s| word.eq_ignore_ascii_case(s));
    if (!one && !params) || !text.get(word_end).copied().is_some_and(blank) {
        return None;
    }
    // A one-word credential ends at white space: the line's end is looked for only for the
    // schemes whose parameters run to it (reading it for every `token: ...` would make a line of
    // them quadratic).
    let end = match end {
        Some(e) => e,
        None if params => line_end(text, word_end),
        None => text.len(),
    };
    let from = super::text::run(text, word_end, blank);
    if from >= end {
        return None;
    }
    if params {
        return Some((from, end));
    }
    let mut to = super::text::run(text, from, |b| !b.is_ascii_whitespace() && b != b'"' && b != b'\'').min(end);
    while to > from && matches!(text[to - 1], b',' | b';' | b')' | b']' | b'}') {
        to -= 1;
    }
    (to > from).then_some((from, to))
}

/// True for a plain word: letters only, at most 16 (`ok`, `oauth`, `failed`, `Required`).
pub fn plain_word(w: &[u8]) -> bool {
    !w.is_empty() && w.len() <= 16 && w.iter().all(u8::is_ascii_alphabetic) && w[1..].iter().all(u8::is_ascii_lowercase)
}

/// True for a value that stands for a password rather than being one: a variable or template
/// reference (`$PASS`, `${PASS}`, `%PASS%`, `{{ .pass }}`, `<password>`, `[PASSWORD]`), the
/// name of what goes there (`password`, `token`), one character repeated (`xxx`, `***`), or
/// the user name again (`test:test`, with `user` given).
///
/// A reference names something; a value mixing digits with both cases of letters inside the
/// same marks is random material in braces (`{ZqL5kVrX1n8tA2}`), not a name.
pub fn placeholder(value: &[u8], user: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (value.first(), value.last()) else { return true };
    if matches!(first, b'$' | b'%' | b'{') || (first == b'<' && last == b'>') || (first == b'[' && last == b']') {
        return !mixed_random(value);
    }
    if value.iter().all(|&b| b == first) || value.eq_ignore_ascii_case(user) {
        return true;
    }
    const NAMES: &[&[u8]] = &[b"password", b"passwd", b"pass", b"pwd", b"token", b"secret", b"apikey", b"api_key", b"yourpassword", b"your_password", b"mypassword"];
    NAMES.iter().any(|n| value.eq_ignore_ascii_case(n))
}

/// True when `v` holds a digit and letters of both cases, as random material does and names
/// of variables and fields (`DB_PASS`, `.Values.secret`, `password1`) do not.
pub fn mixed_random(v: &[u8]) -> bool {
    v.iter().any(u8::is_ascii_digit) && v.iter().any(u8::is_ascii_lowercase) && v.iter().any(u8::is_ascii_uppercase)
}

/// The end of a template or variable reference starting at `at`, the value a config or log
/// line shows instead of a secret: `${DB_PASSWORD}`, `$(cat pw)`, `{{ .Values.token }}`,
/// `{api_key}`, `<token>`, `[PASSWORD]`, `%(pw)s`, `%DB_PASS%`, and `$NAME` (capitals, or
/// lowercase letters without digits: `$PGPASSWORD`, `$pass`). Read within its line and at
/// most 128 bytes; what the marks hold must not be random (see [`mixed_random`]). `None`
/// when no reference starts at `at`.
pub fn template_end(text: &[u8], at: usize) -> Option<usize> {
    let rest = text.get(at..)?;
    let (open, close): (usize, &[u8]) = match rest {
        [b'$', b'{', ..] => (2, b"}"),
        [b'$', b'(', ..] => (2, b")"),
        [b'{', b'{', ..] => (2, b"}}"),
        [b'{', ..] => (1, b"}"),
        [b'<', ..] => (1, b">"),
        [b'[', ..] => (1, b"]"),
        [b'%', b'(', ..] => (2, b")s"),
        [b'%', ..] => (1, b"%"),
        [b'$', rest @ ..] => {
            let upper = super::text::run(rest, 0, |b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
            let lower = super::text::run(rest, 0, |b| b.is_ascii_lowercase() || b == b'_');
            let n = upper.max(lower);
            let starts = rest.first().is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
            let ends = !rest.get(n).is_some_and(|b| b.is_ascii_alphanumeric());
            return (n >= 2 && starts && ends).then_some(at + 1 + n);
        }
        _ => return None,
    };
    let window = &rest[..rest.len().min(128)];
    let body = window.get(open..)?;
    let p = body.windows(close.len()).position(|w| w == close)?;
    let inner = &body[..p];
    // Quotes only inside `${...}` and `{{...}}` (`{{ secret "db" }}`): a `{...}` or `<...>`
    // holding quotes is an object or markup, judged by its own names.
    let quotes = open == 2 && matches!(rest[0], b'$' | b'{');
    let name = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-' | b' ' | b'|' | b':' | b'/') || (quotes && matches!(b, b'"' | b'\''));
    if inner.iter().all(|b| *b == b' ') || !inner.iter().all(name) || mixed_random(inner) {
        return None;
    }
    // `%NAME%` (Windows): a name, not percent-encoding (`%41%42` is the password `AB`).
    if rest[0] == b'%' && open == 1 {
        let word = inner.len() >= 3 && inner[0].is_ascii_alphabetic() && inner.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_');
        if !word || (!inner.contains(&b'_') && inner[0].is_ascii_hexdigit() && inner[1].is_ascii_hexdigit()) {
            return None;
        }
    }
    Some(at + open + p + close.len())
}

/// True for an object path or key (`uploads/2026/a.jpg`, `logs/app-1.gz`): lowercase words,
/// digits and `._-` between slashes. A random key with a slash in it (base64) has capitals.
pub fn object_path(v: &[u8]) -> bool {
    v.contains(&b'/') && v.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'.' | b'_' | b'-'))
}

/// True for a small count (at most three digits): `pass=3` in a test summary.
pub fn count(w: &[u8]) -> bool {
    !w.is_empty() && w.len() <= 3 && w.iter().all(u8::is_ascii_digit)
}

/// True when a value under a [`KeyClass::Credential`] name of `kind` is no credential: a
/// small count, for `auth` a plain word (`ok`, `oauth`), and for a password name a
/// directory (`pwd=/home/app`, `pwd=~/src`: lowercase words between slashes).
pub fn benign_under(kind: Kind, value: &[u8]) -> bool {
    count(value) || (kind == Kind::Authorization && plain_word(value)) || (kind == Kind::Password && directory(value))
}

/// True for a directory path: `/` or `~/` first, then lowercase words, digits and `._-~`
/// between slashes (`/home/app`, `/var/lib/x-1`, `~/src`).
fn directory(v: &[u8]) -> bool {
    let rest = match v {
        [b'/', rest @ ..] => rest,
        [b'~', b'/', rest @ ..] => rest,
        _ => return false,
    };
    rest.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'/' | b'.' | b'_' | b'-' | b'~'))
}

/// True when the value at `start..end` starts with a lowercase plain word that ends there or
/// at a blank: prose after `auth:` (`auth: user bob logged in`, `Authorization: required`).
/// A capitalised first word may be a scheme (`Authorization: Custom x`).
pub fn prose(text: &[u8], start: usize, end: usize) -> bool {
    let w = super::text::run(text, start, |b| b.is_ascii_lowercase()).min(end);
    plain_word(&text[start..w]) && (w == end || text.get(w).copied().is_some_and(blank))
}

/// The indentation of the line holding `at` (looked for at most 256 bytes back), or None.
fn indent_of_line(text: &[u8], at: usize) -> Option<usize> {
    let from = at.saturating_sub(256);
    let line = text.get(from..at)?.iter().rposition(|&b| b == b'\n').map_or(if from == 0 { Some(0) } else { None }, |p| Some(from + p + 1))?;
    Some(super::text::run(text, line, |b| b == b' ') - line)
}

/// After the `:` at `colon` of a secret key, with the value at `v`: a YAML block scalar
/// (`password: |` and the lines indented under it) or a list (`passwords:` then `- x` lines).
/// The span runs from the first line's content to the end of the last line of the block.
pub fn yaml_block(text: &[u8], colon: usize, v: usize) -> Option<(usize, usize)> {
    let block = match text.get(v) {
        Some(b'|' | b'>') => {
            let e = super::text::run(text, v + 1, |b| matches!(b, b'-' | b'+' | b'0'..=b'9'));
            let e = super::text::run(text, e, blank);
            if !matches!(text.get(e), Some(b'\n' | b'\r')) {
                return None;
            }
            true
        }
        Some(b'\n' | b'\r') => false,
        _ => return None,
    };
    let indent = indent_of_line(text, colon)?;
    let mut line = v;
    let mut first = None;
    let mut last_end = v;
    loop {
        // To the start of the next line.
        let nl = text.get(line..)?.iter().position(|&b| b == b'\n').map(|p| line + p + 1);
        let Some(start) = nl else { break };
        let content = super::text::run(text, start, |b| b == b' ');
        let line_end = text.get(content..).and_then(|r| r.iter().position(|&b| b == b'\n' || b == b'\r')).map_or(text.len(), |p| content + p);
        let this_indent = content - start;
        let empty = content == line_end;
        let belongs = if block { this_indent > indent } else { this_indent >= indent && text.get(content..content + 2) == Some(b"- ") };
        if empty && block {
            line = line_end;
            continue;
        }
        if !belongs {
            break;
        }
        let value_start = if block { content } else { content + 2 };
        first.get_or_insert(value_start);
        last_end = line_end;
        line = line_end;
    }
    let first = first?;
    (last_end > first).then_some((first, last_end))
}

/// For a `value:` key starting at `k_start`: the kind of secret the line before names with
/// `name: X` or `- name: X` (Kubernetes `env` entries, GitHub Actions inputs).
pub fn yaml_pair_name(text: &[u8], k_start: usize, floor: usize, names: &mut ClassCache) -> Option<Kind> {
    // The current line's start: only indentation before the key.
    let mut ls = k_start;
    while ls > floor && blank(text[ls - 1]) {
        ls -= 1;
    }
    if ls == 0 || ls <= floor || text[ls - 1] != b'\n' {
        return None;
    }
    let prev_end = ls - 1;
    let lo = prev_end.saturating_sub(128).max(floor);
    let prev_start = text.get(lo..prev_end)?.iter().rposition(|&b| b == b'\n').map_or(lo, |p| lo + p + 1);
    let line = &text[prev_start..prev_end];
    let line = &line[line.iter().position(|&b| !blank(b) && b != b'-')?..];
    let rest = line.strip_prefix(b"name:")?;
    let rest = &rest[rest.iter().position(|&b| !blank(b))?..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let n = rest.iter().position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))).unwrap_or(rest.len());
    match names.classify(&rest[..n]) {
        KeyClass::Secret(kind) => Some(kind),
        _ => None,
    }
}

/// At a `,` at `at`: a pair written as two quoted strings, the first a secret name. Three
/// shapes only, so lists of field names (`["password","email"]`) stay: a call
/// (`setProperty("X_TOKEN", "v")`, `define('DB_PASSWORD', 'v')`), a flag and its value in an
/// argv array (`["--password", "v"]`), and a name/value object (`{"name":"DB_PASSWORD",
/// "value":"v"}`, HAR headers). The value's span.
pub fn pair(text: &[u8], at: usize, floor: usize, names: &mut ClassCache) -> Option<(usize, usize, Kind)> {
    let close = at.checked_sub(1)?;
    let q = *text.get(close)?;
    if !matches!(q, b'"' | b'\'') || close <= floor {
        return None;
    }
    // The name, inside its quotes (at most 64 bytes back).
    let lo = close.saturating_sub(65).max(floor);
    let open = text.get(lo..close)?.iter().rposition(|&b| b == q).map(|p| lo + p)?;
    let name = &text[open + 1..close];
    if name.len() < 2 || !name.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')) {
        return None;
    }
    let mut b = open;
    while b > floor && text.get(b - 1).copied().is_some_and(blank) {
        b -= 1;
    }
    let call = b > floor && text.get(b - 1) == Some(&b'(');
    let flag = name.first() == Some(&b'-');
    // The second string.
    let mut v = at + 1;
    while text.get(v).copied().is_some_and(blank) && v < at + 4 {
        v += 1;
    }
    // The name decides first (a cheap lookup): other pairs read no further.
    let class = names.classify(name);
    if matches!(class, KeyClass::Plain | KeyClass::Phone | KeyClass::Body) {
        return None;
    }
    let (start, end) = if call || flag {
        super::kv::quoted_value(text, v)?
    } else {
        // `"name":"DB_PASSWORD","value":...`: the second string is the member name `value`.
        let q2 = *text.get(v)?;
        if !matches!(q2, b'"' | b'\'') {
            return None;
        }
        let rest = text.get(v + 1..)?;
        let n = if starts_with_ci(rest, 0, b"value") { 5 } else if starts_with_ci(rest, 0, b"val") { 3 } else { return None };
        if rest.get(n) != Some(&q2) {
            return None;
        }
        let after = super::text::run(text, v + n + 2, blank);
        if text.get(after) != Some(&b':') {
            return None;
        }
        let w = super::text::run(text, after + 1, blank);
        match super::kv::quoted_value(text, w) {
            Some(span) => span,
            None => (w, super::text::run(text, w, |b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())),
        }
    };
    if end <= start {
        return None;
    }
    match class {
        KeyClass::Secret(kind) => Some((start, end, kind)),
        KeyClass::Credential(kind) if !benign_under(kind, &text[start..end]) => Some((start, end, kind)),
        KeyClass::MaybeSecret if super::entropy::looks_random(&text[start..end]) => Some((start, end, Kind::Secret)),
        _ => None,
    }
}

/// The end of the line holding `at`: a newline, a closing quote of the text around it, or the
/// end of the text.
fn line_end(text: &[u8], at: usize) -> usize {
    text.get(at..).and_then(|r| r.iter().position(|&b| matches!(b, b'\n' | b'\r'))).map_or(text.len(), |p| at + p)
}

/// True when `at` starts a line (or the text), after blanks and a prompt mark (`> `, `C: `,
/// `$ `), so protocol words are read only where a command stands.
fn command_start(text: &[u8], at: usize) -> bool {
    let mut i = at;
    let floor = at.saturating_sub(24);
    while i > floor && text.get(i - 1).copied().is_some_and(blank) {
        i -= 1;
    }
    match i.checked_sub(1).and_then(|p| text.get(p)) {
        None => true,
        Some(b'\n' | b'\r' | b'>' | b':' | b'"' | b'\'' | b'$' | b'#' | b'|' | b'`') => true,
        _ => false,
    }
}

/// True when an IMAP command tag stands before the word at `at`, at a command start: one
/// space, then 1-10 letters and digits holding both (`a1`, `A001`, `tag7`), so `2 login
/// attempts failed` and `user login bob ok` are no commands.
fn imap_tag_before(text: &[u8], at: usize) -> bool {
    if at < 3 || text[at - 1] != b' ' {
        return false;
    }
    let mut s = at - 1;
    while s > 0 && text[s - 1].is_ascii_alphanumeric() && at - 1 - s < 11 {
        s -= 1;
    }
    let tag = &text[s..at - 1];
    (1..=10).contains(&tag.len())
        && tag.iter().any(u8::is_ascii_digit)
        && tag.iter().any(u8::is_ascii_alphabetic)
        && (s == 0 || !text[s - 1].is_ascii_alphanumeric())
        && command_start(text, s)
}

/// Protocol commands and SQL that carry a password after a word, at a word starting at `at`
/// and ending at `word_end`: Redis `AUTH [user] pw`, SMTP `AUTH PLAIN b64`, FTP/POP3 `PASS pw`,
/// IMAP `LOGIN user pw`, SQL `IDENTIFIED BY 'pw'` and `PASSWORD 'pw'`.
pub fn at_word(text: &[u8], at: usize, word_end: usize) -> Option<(usize, usize, Kind)> {
    if !matches!(text.get(at), Some(b'A' | b'P' | b'L' | b'B' | b'b' | b'p' | b'l')) {
        return None;
    }
    let word = text.get(at..word_end)?;
    match word {
        b"AUTH" | b"PASS" | b"LOGIN" if text.get(word_end) == Some(&b' ') && command_start(text, at) => protocol(text, word, word_end + 1),
        // Redis `AUTH pw` quoted in the middle of a line (`client 10.0.0.7 sent AUTH s3cr3t`):
        // the command and its one or two arguments end the line, and a lowercase word there is
        // prose (`using AUTH tokens`), not a password.
        b"AUTH" if text.get(word_end) == Some(&b' ') && at > 0 && text[at - 1] == b' ' => {
            protocol(text, word, word_end + 1).filter(|&(s, e, _)| !text.get(s..e).is_some_and(|a| a.iter().all(u8::is_ascii_lowercase)))
        }
        // IMAP: `a1 LOGIN user pw`, `C: A001 login user pw` (commands are case-insensitive).
        _ if word.eq_ignore_ascii_case(b"login") && text.get(word_end) == Some(&b' ') && imap_tag_before(text, at) => protocol(text, b"LOGIN", word_end + 1),
        _ if word.eq_ignore_ascii_case(b"by") => identified_by(text, at, word_end),
        _ if word.eq_ignore_ascii_case(b"password") && text.get(word_end).copied().is_some_and(|b| blank(b) || b == b'(') => {
            // SQL `PASSWORD 'pw'`, `PASSWORD('pw')`: the value is quoted.
            let v = super::text::run(text, word_end, |b| blank(b) || b == b'(');
            if v > word_end + 2 {
                return None;
            }
            let (s, e) = sql_quoted(text, v).filter(|_| text.get(v) == Some(&b'\''))?;
            (e > s).then_some((s, e, Kind::Password))
        }
        _ => None,
    }
}

/// The argument words of a protocol command from `from` to the end of its line: the password
/// is the last (`AUTH pw`, `AUTH user pw`, `PASS pw`, `LOGIN user pw`, `AUTH PLAIN b64`).
fn protocol(text: &[u8], word: &[u8], from: usize) -> Option<(usize, usize, Kind)> {
    // One space after the command word: `PASS  src/a.test.js` is a test runner's line.
    if text.get(from).copied().is_some_and(blank) {
        return None;
    }
    let most = if word == b"PASS" { 1 } else { 2 };
    // To the line's end, but no further than a few more spaces than arguments allowed: a line
    // of `a1 login ` repeated reads a few words from each, not the rest of the line.
    let mut end = from;
    let mut spaces = 0;
    while let Some(&b) = text.get(end) {
        if b == b'\n' || b == b'\r' {
            break;
        }
        spaces += (b == b' ') as usize;
        if spaces > most + 2 {
            return None;
        }
        end += 1;
    }
    let mut end_trim = end;
    while end_trim > from && matches!(text[end_trim - 1], b' ' | b'"' | b'\'' | b'\t') {
        end_trim -= 1;
    }
    let args = text.get(from..end_trim)?;
    let count = args.split(|&b| b == b' ').filter(|a| !a.is_empty()).count();
    if count == 0 || count > most || (word == b"LOGIN" && count != 2) {
        return None;
    }
    let start = args.iter().rposition(|&b| b == b' ').map_or(from, |p| from + p + 1);
    let last = &text[start..end_trim];
    // `AUTH LOGIN` asks for the credential on the next lines; `PASS 3` is a test count.
    if last.eq_ignore_ascii_case(b"login") || last.eq_ignore_ascii_case(b"plain") || last.iter().all(u8::is_ascii_digit) && last.len() < 4 {
        return None;
    }
    (end_trim > start).then_some((start, end_trim, Kind::Password))
}

/// At `BY` ending at `word_end`: SQL `IDENTIFIED BY 'pw'` (also `IDENTIFIED WITH plugin BY`).
fn identified_by(text: &[u8], at: usize, word_end: usize) -> Option<(usize, usize, Kind)> {
    let lo = at.saturating_sub(64);
    let back = text.get(lo..at)?;
    let found = back.windows(10).any(|w| w.eq_ignore_ascii_case(b"identified"));
    if !found || !text.get(word_end).copied().is_some_and(blank) {
        return None;
    }
    let v = super::text::run(text, word_end, blank);
    let (s, e) = match sql_quoted(text, v) {
        Some(span) => span,
        None => (v, super::text::run(text, v, |b| !b.is_ascii_whitespace() && b != b';')),
    };
    (e > s && !starts_with_ci(text, v, b"password(")).then_some((s, e, Kind::Password))
}

/// A SQL string literal at `v` (`'x'`, `"x"`, a doubled quote inside: `'pa''ss'`): its body.
fn sql_quoted(text: &[u8], v: usize) -> Option<(usize, usize)> {
    let q = *text.get(v)?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let mut i = v + 1;
    while let Some(&b) = text.get(i) {
        if b == q {
            if text.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return Some((v + 1, i));
        }
        i += 1;
    }
    Some((v + 1, text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(s: &str, r: Option<(usize, usize)>) -> Option<&str> {
        r.map(|(a, b)| &s[a..b])
    }

    #[test]
    fn credentials_after_a_scheme_keep_the_scheme_and_what_follows() {
        let s = "Bearer opaqueTok123 via edge";
        assert_eq!(span(s, after_scheme(s.as_bytes(), 0, None)), Some("opaqueTok123"));
        let q = "\"Bearer abc\" and more";
        assert_eq!(span(q, after_scheme(q.as_bytes(), 1, Some(11))), Some("abc"), "quoted: ends at its quote");
        let s = "Digest username=\"a\", response=\"b\"\nHost: x";
        assert_eq!(span(s, after_scheme(s.as_bytes(), 0, None)), Some("username=\"a\", response=\"b\""));
        assert_eq!(after_scheme(b"Bearer", 0, None), None);
        assert_eq!(after_scheme(b"hunter2 x", 0, None), None);
    }

    #[test]
    fn prose_after_auth_is_a_plain_word() {
        assert!(prose(b"user bob logged in", 0, 18));
        assert!(prose(b"ok", 0, 2));
        assert!(!prose(b"dXNlcjpwYXNz", 0, 12));
        assert!(!prose(b"hunter2", 0, 7));
    }

    #[test]
    fn yaml_blocks_and_lists_under_a_key() {
        let s = "password: |\n  line1\n  line2\nuser: bob";
        let c = s.find(':').unwrap();
        assert_eq!(span(s, yaml_block(s.as_bytes(), c, c + 2)), Some("line1\n  line2"));
        let s = "db:\n  passwords:\n    - one\n    - two\n  user: bob";
        let c = s.find("s:").unwrap() + 1;
        assert_eq!(span(s, yaml_block(s.as_bytes(), c, c + 1)), Some("one\n    - two"));
        let s = "password:\n  user: bob";
        assert_eq!(yaml_block(s.as_bytes(), 8, 9), None, "a mapping under the key is judged by its own names");
    }

    fn pair_of(s: &str) -> Option<&str> {
        let at = s.find(',')?;
        pair(s.as_bytes(), at, 0, &mut ClassCache::default()).map(|(a, b, _)| &s[a..b])
    }

    #[test]
    fn pairs_of_quoted_strings() {
        assert_eq!(pair_of(r#"System.setProperty("GENERIC_TOKEN", "Zf3D0LXCM3E")"#), Some("Zf3D0LXCM3E"));
        assert_eq!(pair_of("define('DB_PASSWORD', 'hunter2');"), Some("hunter2"));
        assert_eq!(pair_of(r#"["--password","s3cr3t"]"#), Some("s3cr3t"));
        assert_eq!(pair_of(r#"{"name":"DB_PASSWORD","value":"pw-1"}"#), Some("pw-1"));
        assert_eq!(pair_of(r#"{"name": "Authorization", "value": "Bearer abc123"}"#), Some("Bearer abc123"));
        assert_eq!(pair_of(r#"{"required":["password","email"]}"#), None, "a list of field names");
        assert_eq!(pair_of(r#"{"name":"password","type":"string"}"#), None, "a schema");
        assert_eq!(pair_of(r#"get("user", "bob")"#), None);
    }

    fn word_at<'a>(s: &'a str, w: &str) -> Option<&'a str> {
        let at = s.find(w)?;
        at_word(s.as_bytes(), at, at + w.len()).map(|(a, b, _)| &s[a..b])
    }

    #[test]
    fn protocol_lines_and_sql() {
        assert_eq!(word_at("AUTH s3cretpw", "AUTH"), Some("s3cretpw"));
        assert_eq!(word_at("> AUTH default s3cretpw", "AUTH"), Some("s3cretpw"));
        assert_eq!(word_at("C: AUTH PLAIN AHVzZXIAcGFzcw==\r\n", "AUTH"), Some("AHVzZXIAcGFzcw=="));
        assert_eq!(word_at("<-- PASS hunter2", "PASS"), None, "after `-` no command starts");
        assert_eq!(word_at("cmd: PASS hunter2\n", "PASS"), Some("hunter2"));
        assert_eq!(word_at("a001 LOGIN bob pw9", "LOGIN"), Some("pw9"), "an IMAP tag before LOGIN");
        assert_eq!(word_at("C: a1 login alice s3cr3tpw", "login"), Some("s3cr3tpw"));
        assert_eq!(word_at("2 login attempts failed", "login"), None, "a count, not a tag");
        assert_eq!(word_at("user a1 login bob ok", "login"), None, "not at a command start");
        assert_eq!(word_at("CREATE USER app IDENTIFIED BY 'pa''ss';", "BY"), Some("pa''ss"));
        assert_eq!(word_at("ALTER ROLE app WITH PASSWORD 'rolepw1'", "PASSWORD"), Some("rolepw1"));
        let s = "SET PASSWORD FOR u = PASSWORD('fnpw')";
        let at = s.rfind("PASSWORD").unwrap();
        assert_eq!(at_word(s.as_bytes(), at, at + 8).map(|(a, b, _)| &s[a..b]), Some("fnpw"));
        assert_eq!(word_at(s, "PASSWORD"), None, "PASSWORD FOR");
        // Benign.
        assert_eq!(word_at("PASS 3 tests", "PASS"), None);
        assert_eq!(word_at("PASS  src/app.test.js", "PASS"), None);
        assert_eq!(word_at("AUTH failed for user bob", "AUTH"), None);
        assert_eq!(word_at("AUTH LOGIN", "AUTH"), None);
        assert_eq!(word_at("ORDER BY name", "BY"), None);
        assert_eq!(word_at("reset password for bob", "password"), None);
    }
}
