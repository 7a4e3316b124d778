//! Credential hashes: crackable offline, so never shipped. Modular crypt formats (`$2b$` bcrypt,
//! `$argon2id$`, `$5$`/`$6$` sha-crypt, `$1$` md5-crypt, `$y$` yescrypt, `$7$` and `$scrypt$`,
//! `$pbkdf2-sha256$` passlib, `$apr1$` Apache, `$P$`/`$H$` phpass, `$S$` Drupal) and
//! Django-style `pbkdf2_sha256$`, `argon2$`, `bcrypt$`, `sha1$`: a match needs at least 20 hash
//! characters after its prefix. LDAP `{SSHA}`, `{SHA}`, `{SSHA256}`, `{SSHA512}`, `{SMD5}`,
//! `{MD5}`, `{CRYPT}`, `{PBKDF2-SHA256}` (at least 20 characters after the scheme), and MySQL
//! 4.1+ `*` followed by exactly 40 hex digits.

fn hash_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'/' | b'+' | b'=' | b',' | b'$' | b'-' | b'_')
}

const DOLLAR_PREFIXES: &[&[u8]] = &[
    b"$2a$", b"$2b$", b"$2x$", b"$2y$", b"$2$", b"$argon2id$", b"$argon2i$", b"$argon2d$", b"$1$", b"$5$", b"$6$",
    b"$y$", b"$7$", b"$scrypt$", b"$pbkdf2$", b"$pbkdf2-sha1$", b"$pbkdf2-sha256$", b"$pbkdf2-sha512$", b"$sha1$", b"$md5$",
    b"$apr1$", b"$P$", b"$H$", b"$S$",
];
const LDAP_SCHEMES: &[&[u8]] = &[
    b"{SSHA}", b"{SHA}", b"{SSHA256}", b"{SSHA512}", b"{SHA256}", b"{SHA512}", b"{SMD5}", b"{MD5}", b"{CRYPT}",
    b"{PBKDF2}", b"{PBKDF2-SHA256}", b"{PBKDF2-SHA512}", b"{ARGON2}",
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

/// An LDAP `userPassword` hash starting at the `{` at `at`; returns its end.
pub fn ldap(text: &[u8], at: usize) -> Option<usize> {
    let scheme = LDAP_SCHEMES.iter().find(|p| super::text::starts_with_ci(text, at, p))?;
    let end = super::text::run(text, at + scheme.len(), hash_byte);
    (end - at - scheme.len() >= 20).then_some(end)
}

/// A MySQL 4.1+ password hash: the `*` at `at`, then exactly 40 hex digits ending a word.
pub fn mysql(text: &[u8], at: usize) -> Option<usize> {
    let hex = text.get(at + 1..at + 41)?;
    let ok = text[at] == b'*' && hex.iter().all(u8::is_ascii_hexdigit) && super::text::word_end(text, at + 41);
    ok.then_some(at + 41)
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
        for h in [
            "$apr1$r31.....$HqJZimcKQFAMYayBlzkrA/",
            "$P$984478476IagS59wHZvyQMArzfx58u.",
            "$H$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0",
            "$S$DWoVhX3bS6D0Qp4Kd2OVOaQ2TSAbSZ.Q3mGXjBcAMBYZ7nDXVV5j",
        ] {
            assert_eq!(find(h.as_bytes(), 0), Some(h.len()), "{h}");
        }
    }

    #[test]
    fn finds_ldap_and_mysql_hashes() {
        let ssha = "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=xyzAB";
        assert_eq!(ldap(ssha.as_bytes(), 0), Some(ssha.len()));
        assert_eq!(ldap(b"{ssha256}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", 0), Some(37));
        assert_eq!(ldap(b"{SHA}short", 0), None);
        assert_eq!(ldap(b"{json}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", 0), None);
        let my = b"pw *6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9 ok";
        assert_eq!(mysql(my, 3), Some(44));
        assert_eq!(mysql(b"*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9A", 0), None, "41 hex digits");
        assert_eq!(mysql(b"*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD", 0), None);
    }

    #[test]
    fn ignores_prices_and_short_strings() {
        for s in ["$5 off", "$6$short", "$2b$", "$HOME/bin", "sha1$abc"] {
            assert_eq!(find(s.as_bytes(), 0), None, "{s}");
        }
    }
}
