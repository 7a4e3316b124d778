//! Credential hashes: crackable offline, so never shipped. Modular crypt formats (`$2b$` bcrypt,
//! `$argon2id$`, `$5$`/`$6$` sha-crypt, `$1$` md5-crypt, `$y$` yescrypt, `$7$` and `$scrypt$`,
//! `$pbkdf2-sha256$` passlib) and Django-style `pbkdf2_sha256$`, `argon2$`, `bcrypt$`, `sha1$`.
//! A match needs at least 20 hash characters after its prefix.

fn hash_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'+' | b'=' | b',' | b'$' | b'-' | b'_')
}

const DOLLAR_PREFIXES: &[&[u8]] = &[
    b"$2a$", b"$2b$", b"$2x$", b"$2y$", b"$2$", b"$argon2id$", b"$argon2i$", b"$argon2d$", b"$1$", b"$5$", b"$6$",
    b"$y$", b"$7$", b"$scrypt$", b"$pbkdf2$", b"$pbkdf2-sha1$", b"$pbkdf2-sha256$", b"$pbkdf2-sha512$", b"$sha1$", b"$md5$",
];
const WORD_PREFIXES: &[&[u8]] = &[
    b"pbkdf2_sha256$", b"pbkdf2_sha1$", b"argon2$", b"bcrypt$", b"bcrypt_sha256$", b"sha1$", b"scrypt$",
];

/// The hash starting at `at` (a `$`, or a word start for Django formats); returns its end.
pub fn find(text: &[u8], at: usize) -> Option<usize> {
    let list = if text.get(at) == Some(&b'$') { DOLLAR_PREFIXES } else { WORD_PREFIXES };
    // Most `$` and words open no prefix: compare the second byte before any whole prefix
    // (a run of `$` would otherwise cost twenty comparisons each).
    let second = *text.get(at + 1)?;
    let prefix = list.iter().filter(|p| p[1] == second).find(|p| text.get(at..at + p.len()) == Some(p))?;
    let end = super::text::run(text, at + prefix.len(), hash_byte);
    (end - at - prefix.len() >= 20).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_common_formats() {
        for h in [
            "$2b$12$PI53DFKrTGGQJuxacBuRtnP9OADwvvdCC4PVtP7cq9oJIHTC3syfg",
            "$argon2id$v=19$m=65536,t=3,p=4$IbbHA+rOq/vYzrkN3fSkct$zposcCBpqA/9FuPFS5D+1O/49gTRNTFNvVvN+GGcpZe",
            "$6$2u.vY4H0ZCURcCwm$auNmhwAJv8g.GKKvURWpAEX4XWkJ8FZV6H6Zyc97j7suehosBFF1wkURtaRDlxpQNdjtnC.KzcGjVj4OEX5v0Y",
            "$5$rounds=5000$saltsalt$Xabcdefghijklmnopqrstuv",
            "pbkdf2_sha256$260000$salt1234$abcdefghijklmnopqrstuvwxyz0123456789ABCD=",
            "$pbkdf2-sha256$29000$N2bsvZey1n.v1.q$abcdefghijklmnopqrstu",
        ] {
            assert_eq!(find(h.as_bytes(), 0), Some(h.len()), "{h}");
        }
        assert_eq!(find(b"$2b$12$PI53DFKrTGGQJuxacBuRtnP9OAD\" next", 0), Some(34), "stops at the quote");
    }

    #[test]
    fn ignores_prices_and_short_strings() {
        for s in ["$5 off", "$6$short", "$2b$", "$HOME/bin", "sha1$abc"] {
            assert_eq!(find(s.as_bytes(), 0), None, "{s}");
        }
    }
}
