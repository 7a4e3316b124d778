//! `user:password` written with no key name or command around it: a basic-auth setting, a
//! `.netrc`-like dump, a connection option, a curl `-u` value copied into a note. Read at each
//! `:` that no key-name rule took, as one token bounded by white space, quotes, `,` `;` (or
//! `=`, `(`, `[`, `{`, `<`, `|` before the user), in three forms:
//!
//! - `user:secret`: the secret half is password-shaped ([`password_shaped`]); after an email
//!   as the user (`roger23@gmail.com:pQ9wTxu4Fg`) letters and digits mixed suffice, as no
//!   benign `email:word` pair mixes them so.
//! - `":secret"` and `"secret:"` inside quotes (curl's `-u ":key"` and `-u "key:"`, an API
//!   key as the user or the password alone): the half must be strongly password-shaped
//!   ([`strong`]) and the quotes must close right after it.
//! - two random halves (`c28wlsosanujy2z:qgsnai0xokrw4j1`, an app key and its secret): each
//!   10+ alphanumerics that [`entropy::random_segment`](super::entropy::random_segment) calls
//!   random, 24+ together, as `entropy::bare` takes two random segments joined by `-`.
//!
//! The secret half goes and the user stays (investigators need to know whose credential
//! leaked), unless the user half is itself secret-shaped (random or password-shaped): then it
//! is the key of a key:secret pair and the whole pair goes.
//!
//! Benign colon pairs are everywhere in logs; what keeps them, cheapest first: a token with a
//! second `:` (times, IPv6, `a:b:c`, `urn:`, `arn:`, `std::map`, `:smile:`) is no pair; a
//! secret half with `/` or `\` is a path (`git@host:org/repo`, `C:\Windows`); an `=` inside it
//! is an assignment (`q:a=1&b=2`); a version (`1.2.3+build5`, `^4.17.21`) is no password; and a
//! password needs a letter, a digit and a password symbol past its first byte (`#3`, `$12.50`,
//! `~3s`, `+5` have no letter; `Error:Failed!` no digit), with `@` before a dotted name being
//! an email or a version, not a symbol (`mailto:bob42@example.com`, `npm:lodash@4.17.21`).
//!
//! Each `:` reads at most [`USER_MAX`] bytes back and [`SECRET_MAX`] on, and stops at the
//! next `:`, so the detector is linear on any input.

use super::kind::Kind;

/// The longest user half read back from a `:`.
pub const USER_MAX: usize = 64;
/// The longest secret half read on from a `:`.
pub const SECRET_MAX: usize = 128;
/// The shortest password taken.
const MIN_SECRET: usize = 8;

/// Bytes that end a token on either side (non-ASCII too: Unicode spaces, `\u{a0}`, split
/// tokens; a password of ASCII is the common case, and the view decodes escapes first).
fn stop(b: u8) -> bool {
    b.is_ascii_whitespace() || b >= 0x80 || matches!(b, b'"' | b'\'' | b'`' | b',' | b';')
}

fn quote(b: u8) -> bool {
    b == b'"' || b == b'\''
}

/// Bytes a user half may hold: names, emails, `DOMAIN\user`.
fn user_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@' | b'+' | b'\\')
}

/// Bytes that start a secret half: anything printable but a stop, `:` (`a::b`), `/` (`x://`,
/// `host:/path`) and `\` (`C:\`).
fn secret_start(b: u8) -> bool {
    b.is_ascii_graphic() && !stop(b) && !matches!(b, b':' | b'/' | b'\\')
}

/// The password symbols of the detector (`%` only when it does not start a `%XX` escape).
fn symbol(b: u8) -> bool {
    matches!(b, b'!' | b'#' | b'$' | b'%' | b'^' | b'&' | b'*' | b'~' | b'@' | b'+' | b'?')
}

/// At a `:` at `colon` that no key rule took: the secret of a `user:password` pair, see the
/// module documentation. `floor` is where the last finding ended; nothing before it is taken.
pub fn find(text: &[u8], colon: usize, floor: usize) -> Option<(usize, usize, Kind)> {
    // Most colons in logs are `key: value` (a blank next) or `a::b`: one byte says no.
    let next = *text.get(colon + 1)?;
    let prev = *text.get(colon.checked_sub(1)?)?;
    if quote(next) || (next == b'\\' && text.get(colon + 2).copied().is_some_and(quote)) {
        return if secret_start(prev) { lone_user(text, colon, floor) } else { None };
    }
    if !secret_start(next) {
        return None;
    }
    if quote(prev) {
        return lone_secret(text, colon, prev);
    }
    if !user_byte(prev) {
        return None;
    }
    pair(text, colon, floor)
}

/// The end of the secret half starting at `from`: the next stop (or `\` before a quote, an
/// escaped closing quote, or `&` before the next query parameter, `&page=2`), `None` when a
/// `:`, `/` or `\` comes first or it runs past [`SECRET_MAX`].
fn secret_end(text: &[u8], from: usize) -> Option<usize> {
    let mut j = from;
    while let Some(&b) = text.get(j) {
        if stop(b) || (b == b'\\' && text.get(j + 1).copied().is_some_and(quote)) || (b == b'&' && parameter(text, j + 1)) {
            break;
        }
        if matches!(b, b':' | b'/' | b'\\') || j - from >= SECRET_MAX {
            return None;
        }
        j += 1;
    }
    Some(j)
}

/// Whether a query parameter (`name=`, a name of up to 32 bytes) starts at `at`.
fn parameter(text: &[u8], at: usize) -> bool {
    let window = &text[at.min(text.len())..(at + 33).min(text.len())];
    let n = super::text::run(window, 0, |b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.');
    n > 0 && window.get(n) == Some(&b'=')
}

/// The end of the secret half of `user:secret` starting at `from`, as [`secret_end`], except
/// that written without a scheme, `user:secret@host[:port][/path]`
/// (`admin:S3cr3t!x@db.internal:5432/app`), the secret ends at the last `@` before a host
/// (letters, digits, `-`, `.`) that holds a `.` or is followed by `:` or `/`: the host stays.
/// One pass, as [`secret_end`]'s.
fn pair_end(text: &[u8], from: usize) -> Option<usize> {
    let mut at = None;
    let mut j = from;
    let mut cut = false;
    while let Some(&b) = text.get(j) {
        if stop(b) || (b == b'\\' && text.get(j + 1).copied().is_some_and(quote)) || (b == b'&' && parameter(text, j + 1)) {
            break;
        }
        if matches!(b, b':' | b'/' | b'\\') {
            cut = true;
            break;
        }
        if j - from >= SECRET_MAX {
            return None;
        }
        at = if b == b'@' { Some(j) } else { at };
        j += 1;
    }
    let host = at.map(|a| &text[a + 1..j]);
    let hosty = host.is_some_and(|h| !h.is_empty() && h.iter().all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'));
    match (at, cut) {
        (Some(a), _) if hosty && (host.is_some_and(|h| h.contains(&b'.')) || matches!(text.get(j), Some(b':' | b'/'))) => Some(a),
        (_, true) => None,
        _ => Some(j),
    }
}

/// The start of the user half ending at `colon`: after the last stop, `=`, `(`, `[`, `{`, `<`
/// or `|`; `None` when a byte no user holds comes first (`k8s.io/app:web`, `[::1]:443`) or it
/// runs past [`USER_MAX`].
fn user_start(text: &[u8], colon: usize) -> Option<usize> {
    let mut j = colon;
    while j > 0 {
        let b = text[j - 1];
        if stop(b) || matches!(b, b'=' | b'(' | b'[' | b'{' | b'<' | b'|') {
            break;
        }
        if !user_byte(b) || colon - j >= USER_MAX {
            return None;
        }
        j -= 1;
    }
    Some(j)
}

/// `user:secret`.
fn pair(text: &[u8], colon: usize, floor: usize) -> Option<(usize, usize, Kind)> {
    let e = pair_end(text, colon + 1)?;
    let secret = &text[colon + 1..e];
    // Ports, statuses, levels and most values are short: no user is read for them.
    if secret.len() < MIN_SECRET {
        return None;
    }
    let s = user_start(text, colon)?;
    let user = &text[s..colon];
    // A line number, an index, an offset (`file:12:`, `1:editFile!0`, `+00:00`) or a one-letter
    // name is no user.
    if user.len() < 2 || user.iter().all(|&b| b.is_ascii_digit() || b == b'+' || b == b'-') {
        return None;
    }
    let whole = s >= floor;
    if password_shaped(secret) || (email(user) && letters_and_digits_mixed(secret)) {
        if super::assign::placeholder(secret, user) {
            return None;
        }
        let start = if whole && (password_shaped(user) || random_half(user)) { s } else { colon + 1 };
        return Some((start, e, Kind::Password));
    }
    if whole && random_half(user) && random_half(secret) && user.len() + secret.len() >= 24 {
        return Some((s, e, Kind::Password));
    }
    None
}

/// `":secret"`: the password alone in quotes (`prev`, the opening quote, closes it).
fn lone_secret(text: &[u8], colon: usize, open: u8) -> Option<(usize, usize, Kind)> {
    let e = secret_end(text, colon + 1)?;
    let close = match text.get(e) {
        Some(b'\\') => text.get(e + 1),
        other => other,
    };
    (close == Some(&open) && strong(&text[colon + 1..e])).then_some((colon + 1, e, Kind::Password))
}

/// `"secret:"`: a key as the user with no password, in quotes that open right before it.
fn lone_user(text: &[u8], colon: usize, floor: usize) -> Option<(usize, usize, Kind)> {
    let close = if text[colon + 1] == b'\\' { text[colon + 2] } else { text[colon + 1] };
    let mut s = colon;
    loop {
        let b = *text.get(s.checked_sub(1)?)?;
        if b == close {
            break;
        }
        if stop(b) || matches!(b, b':' | b'/' | b'\\') || colon - s >= SECRET_MAX {
            return None;
        }
        s -= 1;
    }
    // An escaped opening quote (`\"key:\"`) is a quote too.
    (s >= floor && strong(&text[s..colon])).then_some((s, colon, Kind::Password))
}

/// Whether `v` is shaped as people make passwords: 8+ bytes, a letter, a digit and a password
/// symbol past the first byte (a leading `#`, `$`, `~`, `+`, `@` marks a tag, an amount, a
/// duration, a count, a mention), letters of both cases or letters and digits interleaved
/// (`h0pk1ns~21s`), no assignment (`a=1&b=2`; padding `=` at the end is fine), and not a
/// version (`1.2.3+build5`). An `@` before a `.` is an email's or a version's, not a symbol.
pub fn password_shaped(v: &[u8]) -> bool {
    if v.len() < MIN_SECRET || v.len() > SECRET_MAX || version(v) {
        return false;
    }
    let (mut lower, mut upper, mut digit, mut sym) = (false, false, false, false);
    let (mut switches, mut underscores) = (0, 0);
    let mut last_alnum = 0u8;
    for (k, &b) in v.iter().enumerate() {
        lower |= b.is_ascii_lowercase();
        upper |= b.is_ascii_uppercase();
        digit |= b.is_ascii_digit();
        if b.is_ascii_alphanumeric() {
            switches += (last_alnum != 0 && last_alnum.is_ascii_digit() != b.is_ascii_digit()) as usize;
            last_alnum = b;
        }
        // Code and markup (`f(x)`, `a[1]`, `<br>`), assignments (`a=1&b=2`; padding `=` at the
        // end is fine), escapes (`%20`: an encoded value is read decoded, by other means).
        let escape = b == b'%' && super::percent::escape_at(v, k).is_some();
        if matches!(b, b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'<' | b'>') || escape || (b == b'=' && v[k + 1..].iter().any(|&c| c != b'=')) {
            return false;
        }
        underscores += (b == b'_') as usize;
        if k == 0 || !symbol(b) {
            continue;
        }
        if b == b'@' && version(&v[k + 1..]) {
            return false; // `name@1.0.1+build`: a package and its version
        }
        sym |= b != b'@' || !v[k + 1..].contains(&b'.');
    }
    // Two underscores make an identifier (`__cxa_tm_cleanup@@CXXABI_TM_1`).
    sym && digit && underscores < 2 && (lower || upper) && ((lower && upper) || switches >= 3)
}

/// [`password_shaped`], with 10+ bytes and both cases: for a half standing alone in quotes.
pub fn strong(v: &[u8]) -> bool {
    v.len() >= 10 && password_shaped(v) && v.iter().any(u8::is_ascii_lowercase) && v.iter().any(u8::is_ascii_uppercase)
}

/// A version: optional range marks and `v`, then digits, `.`, a digit (`^4.17.21`, `v1.2.3+g5`).
fn version(v: &[u8]) -> bool {
    let at = v.iter().position(|b| !matches!(b, b'^' | b'~' | b'=' | b'<' | b'>' | b'v' | b'V')).unwrap_or(v.len());
    let digits = super::text::run(v, at, |b| b.is_ascii_digit());
    digits > at && v.get(digits) == Some(&b'.') && v.get(digits + 1).is_some_and(u8::is_ascii_digit)
}

/// An email address as the user: a local part, `@`, and a dotted domain ending in 2+ letters.
fn email(user: &[u8]) -> bool {
    let Some(at) = user.iter().position(|&b| b == b'@') else { return false };
    let domain = &user[at + 1..];
    let Some(dot) = domain.iter().rposition(|&b| b == b'.') else { return false };
    at > 0 && dot > 0 && domain.len() - dot > 2 && domain[dot + 1..].iter().all(u8::is_ascii_alphabetic)
}

/// After an email: 8+ bytes mixing letters and digits as passwords do (both cases, or
/// interleaved), no path or assignment, not a version.
fn letters_and_digits_mixed(v: &[u8]) -> bool {
    if v.len() < MIN_SECRET || version(v) || v.contains(&b'=') {
        return false;
    }
    let digits = v.iter().filter(|b| b.is_ascii_digit()).count();
    let lower = v.iter().any(u8::is_ascii_lowercase);
    let upper = v.iter().any(u8::is_ascii_uppercase);
    let switches = v.windows(2).filter(|w| w[0].is_ascii_alphanumeric() && w[1].is_ascii_alphanumeric() && w[0].is_ascii_digit() != w[1].is_ascii_digit()).count();
    digits > 0 && (lower || upper) && ((lower && upper) || switches >= 3)
}

/// A half of random alphanumerics (an app key, a client secret): 10+ of them, random by
/// [`super::entropy::random_segment`].
fn random_half(v: &[u8]) -> bool {
    v.len() >= 10 && v.iter().all(u8::is_ascii_alphanumeric) && super::entropy::random_segment(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `find` masks at the first `:` of `text`.
    fn at_colon(text: &str) -> Option<&str> {
        let colon = text.find(':')?;
        find(text.as_bytes(), colon, 0).map(|(s, e, _)| &text[s..e])
    }

    #[test]
    fn password_halves_go_and_users_stay() {
        assert_eq!(at_colon("elastic:P@ssw0rd$1"), Some("P@ssw0rd$1"));
        assert_eq!(at_colon("'johns:h0pk1ns~21s'"), Some("h0pk1ns~21s"));
        assert_eq!(at_colon("'api:d2LkV78zLx!t'"), Some("d2LkV78zLx!t"));
        assert_eq!(at_colon("\"j.smith:dB2yF6@qL9vZm1P#4J\""), Some("dB2yF6@qL9vZm1P#4J"));
        assert_eq!(at_colon("x=admin:Welcome123! y"), Some("Welcome123!"));
        assert_eq!(at_colon("CORP\\bob:Qx7!pL2mW"), Some("Qx7!pL2mW"));
    }

    #[test]
    fn the_host_and_the_next_parameter_stay() {
        assert_eq!(at_colon("admin:S3cr3t!x@db.internal:5432/app"), Some("S3cr3t!x"));
        assert_eq!(at_colon("admin:P@ssw0rd$1@db.internal"), Some("P@ssw0rd$1"));
        assert_eq!(at_colon("admin:P@ssw0rd$1@db:5432"), Some("P@ssw0rd$1"));
        assert_eq!(at_colon("q=elastic:P@ssw0rd$1&page=2"), Some("P@ssw0rd$1"));
        assert_eq!(at_colon("elastic:P@ss&w0rd$1"), Some("P@ss&w0rd$1"), "`&` in the password");
        assert_eq!(at_colon("img:v1.2@sha256:9f86d081"), None);
        assert_eq!(at_colon("user:Xy7!abc@def"), Some("Xy7!abc@def"), "no host after the `@`");
    }

    #[test]
    fn lone_halves_in_quotes() {
        assert_eq!(at_colon("\":d2LkV78zLx!t\""), Some("d2LkV78zLx!t"));
        assert_eq!(at_colon("\"d2LkV78zLx!t:\""), Some("d2LkV78zLx!t"));
        assert_eq!(at_colon(r#"x="\":d2LkV78zLx!t\"""#), Some("d2LkV78zLx!t"));
        assert_eq!(at_colon(r#"x="\"d2LkV78zLx!t:\"""#), Some("d2LkV78zLx!t"));
        // Not strongly shaped, or not closed by the same quote.
        assert_eq!(at_colon("\":h0pk1ns~21s\""), None, "one case");
        assert_eq!(at_colon("\":d2LkV78zLx!t'"), None);
        assert_eq!(at_colon("\"Error:\""), None);
        assert_eq!(at_colon("\":443\""), None);
    }

    #[test]
    fn after_an_email_mixed_letters_and_digits_suffice() {
        let t = "roger23@gmail.com:pQ9wTxu4Fg";
        // The email was found first: only the password is left, the finding's floor at the `:`.
        assert_eq!(find(t.as_bytes(), 17, 17).map(|(s, e, _)| &t[s..e]), Some("pQ9wTxu4Fg"));
        assert_eq!(at_colon("bob@corp.example:ticket1234"), None, "one switch");
        assert_eq!(at_colon("alice@example.com:8080"), None);
        assert_eq!(at_colon("git@github.com:org/repo2.git"), None);
        assert_eq!(at_colon("bob@x.io:v1.2.3"), None);
    }

    #[test]
    fn a_secret_shaped_user_goes_with_its_password() {
        assert_eq!(at_colon("c28wlsosanujy2z:qgsnai0xokrw4j1"), Some("c28wlsosanujy2z:qgsnai0xokrw4j1"));
        assert_eq!(at_colon("x7Kp2QmZ9v:Lw4!RtY8zq"), Some("x7Kp2QmZ9v:Lw4!RtY8zq"));
        // A floor inside the user: only the password.
        let t = "x7Kp2QmZ9v:Lw4!RtY8zq";
        assert_eq!(find(t.as_bytes(), 10, 3).map(|(s, e, _)| &t[s..e]), Some("Lw4!RtY8zq"));
    }

    #[test]
    fn benign_colon_pairs_stay() {
        for t in [
            "12:34:56.789", "host:8080", "[::1]:443", "2001:db8::1", "nginx:1.25.3-alpine",
            "repo/image:v1.2@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "urn:uuid:c196c5c2-ff2e-dc17-9d4c-712e801b43bf",
            "arn:aws:iam::123456789012:role/x", "user:123", "C:\\Windows\\System32", "error:E_FAIL", "ns:name",
            "k8s.io/app:web", "mailto:a@b.example", "mailto:bob42@example.com", "git@github.com:org/repo.git", "LEVEL:INFO",
            "a:b:c", "key:value", "Error:Failed!", "http://x", ":smile:", "status:200", "retry:#3", "price:$12.50",
            "cpu:95%", "time:~3s", "TODO:fix!", "score:+5", "std::map", " :symbol", "x::int", "${VAR:-default}",
            "npm:lodash@4.17.21", "version:1.2.3+build45", "dep:^4.17.21-rc1", "color:#ff00aa42", "channel:#ops2024",
            "ref:PR#12345", "q:a=1&b=2x", "total:USD$12.99", "path:my%20file2x", "<user:password>", "user:Passw0rd",
            "room:#a1b2c3d4", "", ":", "a:", ":a", "\"\":\"\"", "\"key\":\"value1!\"",
            // Code, markup and escapes, line numbers and one-letter names.
            "+00:00).format(&Rfc3339)?", "opts:C.extend(!0", "v:count1<CR>Cycle!<CR>", "xsl:text>Grammar&#10",
            "data:test#%20%C2%BB", "main.rs:131481:\u{a0}(HINT)", "1:editFile!0", "a:b@1.0.1-1a+1a",
            "FUNC:__cxa_tm_cleanup@@CXXABI_TM_1", "IR:\u{a0}0x1C\u{a0}0xFF", "x:Abc!def1ghi",
        ] {
            assert_eq!(at_colon(t), None, "{t}");
        }
    }

    #[test]
    fn placeholders_stay() {
        for t in ["x:${DB_PASS_2!}", "bob:{{pw_1!}}", "admin:[passw0rd!]", "admin:<passw0rd!>", "a1b2c3!x:a1b2c3!x"] {
            assert_eq!(at_colon(t), None, "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_a_span_inside_it_past_the_floor(text in proptest::collection::vec(proptest::sample::select(b"aZ9:@\"'\\/.=&!#_- \t".to_vec()), 0..64), floor in 0usize..64) {
            for colon in (0..text.len()).filter(|&k| text[k] == b':') {
                let floor = floor.min(colon);
                if let Some((s, e, _)) = find(&text, colon, floor) {
                    proptest::prop_assert!(floor <= s && s < e && e <= text.len(), "{s}..{e} in {}", text.len());
                }
            }
        }
    }

    #[test]
    fn shapes() {
        assert!(password_shaped(b"P@ssw0rd$1"));
        assert!(password_shaped(b"h0pk1ns~21s"));
        assert!(!password_shaped(b"P@ssword!"), "no digit");
        assert!(!password_shaped(b"#general42"), "a leading symbol only");
        assert!(!password_shaped(b"bob42@example.com"));
        assert!(!password_shaped(b"1.2.3+build45"));
        assert!(password_shaped(b"Xk9!pQ2zL=="), "padding");
        assert!(!password_shaped(b"Xk9!pQ=2zL"), "an assignment");
        assert!(strong(b"d2LkV78zLx!t"));
        assert!(!strong(b"h0pk1ns~21s"));
    }
}
