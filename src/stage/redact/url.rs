//! Passwords in URLs: `scheme://user:password@host`. The password may hold characters a URL
//! should have encoded (`?`, `&`, `#`, `@`), so the userinfo runs to the LAST `@` before the URL
//! ends; the user name and host are kept.

use super::memo::Memo;

/// At the `:` of `://` at `at`: the span of the password in the URL's userinfo.
pub fn find(text: &[u8], at: usize, memo: &mut Memo) -> Option<(usize, usize)> {
    if text.get(at..at + 3)? != b"://" || at == 0 || !text.get(at - 1)?.is_ascii_alphanumeric() {
        return None;
    }
    let start = at + 3;
    // Every `://` inside one URL run shares its end and its last `@` (`a://a://...`): both
    // are read once per run, through `memo`.
    let url_end = memo.url.run(text, start, |b| !b.is_ascii_whitespace() && !matches!(b, b'"' | b'\'' | b'<' | b'>'));
    let (from, end, _) = memo.url_at;
    if end != url_end || start < from {
        let last = text.get(start..url_end)?.iter().rposition(|&b| b == b'@').map(|p| start + p);
        memo.url_at = (start, url_end, last);
    }
    let userinfo_end = memo.url_at.2.filter(|&p| p >= start)?;
    let userinfo = &text[start..userinfo_end];
    let colon = userinfo.iter().position(|&b| b == b':')?;
    // `redis://:pw@host`: a password without a user.
    if userinfo[..colon].contains(&b'/') || colon + 1 == userinfo.len() {
        return None;
    }
    // `host:8080/path?x=a@b`: a port, not a password.
    let after = &userinfo[colon + 1..];
    let port = after.iter().take_while(|b| b.is_ascii_digit()).count();
    if (1..=5).contains(&port) && after.get(port) == Some(&b'/') {
        return None;
    }
    // Sidekiq Enterprise's gem servers take the whole `user:password` as the licence
    // credential (`https://cafebabe:deadbeef@gems.contribsys.com/`): the user part goes too.
    if whole_userinfo_host(text.get(userinfo_end + 1..url_end.min(userinfo_end + 1 + 256)).unwrap_or(b"")) {
        return Some((start, userinfo_end));
    }
    Some((start + colon + 1, userinfo_end))
}

/// True when the host at the start of `rest` (what follows the userinfo's `@`) is one whose
/// user name is itself part of the credential: `contribsys.com` and its subdomains. The
/// caller hands at most 256 bytes (a host name is at most 253), so the read is bounded.
fn whole_userinfo_host(rest: &[u8]) -> bool {
    const HOST: &[u8] = b"contribsys.com";
    let host_end = rest.iter().position(|&b| matches!(b, b'/' | b':' | b'?' | b'#')).unwrap_or(rest.len());
    let host = &rest[..host_end];
    host.len() >= HOST.len()
        && host[host.len() - HOST.len()..].eq_ignore_ascii_case(HOST)
        && (host.len() == HOST.len() || host[host.len() - HOST.len() - 1] == b'.')
}

/// At the `:` after `thin` at `at`: the password of an Oracle JDBC thin URL,
/// `jdbc:oracle:thin:user/password@host:1521/db` (user and host kept).
pub fn thin(text: &[u8], at: usize) -> Option<(usize, usize)> {
    let user_end = super::text::run(text, at + 1, |b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'#' | b'.'));
    if user_end == at + 1 || text.get(user_end) != Some(&b'/') {
        return None;
    }
    let start = user_end + 1;
    let window = text.get(start..(start + 128).min(text.len()))?;
    let stop = window.iter().position(|&b| b.is_ascii_whitespace() || matches!(b, b'"' | b'\'' | b'@')).map_or(window.len(), |p| p);
    (stop > 0 && window.get(stop) == Some(&b'@')).then_some((start, start + stop))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pw(s: &str) -> Option<&str> {
        let at = s.find("://")?;
        find(s.as_bytes(), at, &mut Memo::default()).map(|(a, b)| &s[a..b])
    }

    #[test]
    fn finds_passwords_even_with_unencoded_characters() {
        assert_eq!(pw("postgres://app:UUZL9eRmm&4207@db.internal:5432/orders"), Some("UUZL9eRmm&4207"));
        assert_eq!(pw("postgres://app:BQNOwqixN?9125@db.internal:5432/x"), Some("BQNOwqixN?9125"));
        assert_eq!(pw("redis://:s3cret@cache:6379"), Some("s3cret"), "a password without a user");
        assert_eq!(pw("amqp://guest:p@ss@rabbit/"), Some("p@ss"));
    }

    #[test]
    fn sidekiq_gem_servers_lose_the_whole_userinfo() {
        assert_eq!(pw("https://cafeb4b3:d3adb33f@enterprise.contribsys.com:80/path"), Some("cafeb4b3:d3adb33f"));
        assert_eq!(pw("http://cafebabe:deadbeef@gems.contribsys.com"), Some("cafebabe:deadbeef"));
        assert_eq!(pw("https://app:pw9@notcontribsys.com/"), Some("pw9"), "another host keeps its user");
    }

    #[test]
    fn one_memo_answers_at_every_start_as_a_fresh_read() {
        let text = b"a://b:c@d a://a://x:y@z:1/p http://http://u:p@h x://@ q://r:s";
        let mut memo = Memo::default();
        for at in 0..text.len() {
            assert_eq!(find(text, at, &mut memo), find(text, at, &mut Memo::default()), "at {at}");
        }
    }

    #[test]
    fn jdbc_thin_user_slash_password() {
        let s = "jdbc:oracle:thin:scott/tiger9@db.example:1521/ORCL";
        let at = s.find("thin:").unwrap() + 4;
        assert_eq!(thin(s.as_bytes(), at).map(|(a, b)| &s[a..b]), Some("tiger9"));
        let s = "jdbc:oracle:thin:@//db.example:1521/ORCL";
        assert_eq!(thin(s.as_bytes(), s.find("thin:").unwrap() + 4), None);
    }

    #[test]
    fn urls_without_passwords_are_kept() {
        for s in ["https://example.com/a?b=c@d", "https://host:8080/p?u=a@b.c", "https://user@example.com/", "http://host:8080/path", "mailto:a@b.c"] {
            assert_eq!(pw(s), None, "{s}");
        }
    }
}
