//! Passwords on command lines, by command: `curl -u user:pw` (and `--user`, `--proxy-user`),
//! `mysql -ppw`, `sshpass -p pw`, `docker login -p pw`, `redis-cli -a pw`, `sqlcmd -P pw`,
//! `ldapsearch -w pw`, `smbclient -U user%pw`. A short flag means a password only after the
//! command that gives it that meaning (`ssh -p 22`, `docker run -p 80:80` and `mkdir -p` stay).
//!
//! The last command words before a flag are remembered in [`Seen`] as the pass moves on, so
//! each byte is read once for them whatever the number of flags.

use super::kind::Kind;

/// Commands whose flags are read, by what their flags mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Cmd {
    /// curl, wget: `-u`/`--user` `user:pw`.
    Curl,
    /// mysql, mysqldump, mysqladmin, mariadb: `-p` with the password attached.
    Mysql,
    /// sshpass `-p`, mongo `-p`.
    Sshpass,
    /// A registry login (`docker login`, `podman login`, `helm registry login`): `-p`.
    Login,
    /// docker, podman, nerdctl, helm, oras, skopeo, buildah: `login` after them is [`Cmd::Login`].
    Registry,
    /// redis-cli `-a`.
    Redis,
    /// sqlcmd, bcp: `-P`.
    Sqlcmd,
    /// ldapsearch and friends: `-w`.
    Ldap,
    /// smbclient, rpcclient: `-U user%pw`.
    Smb,
}

const COMMANDS: &[(&[u8], Cmd)] = &[
    (b"curl", Cmd::Curl),
    (b"wget", Cmd::Curl),
    (b"mysql", Cmd::Mysql),
    (b"mysqldump", Cmd::Mysql),
    (b"mysqladmin", Cmd::Mysql),
    (b"mariadb", Cmd::Mysql),
    (b"mariadb-dump", Cmd::Mysql),
    (b"sshpass", Cmd::Sshpass),
    (b"mongo", Cmd::Sshpass),
    (b"mongosh", Cmd::Sshpass),
    (b"mongodump", Cmd::Sshpass),
    (b"docker", Cmd::Registry),
    (b"podman", Cmd::Registry),
    (b"nerdctl", Cmd::Registry),
    (b"helm", Cmd::Registry),
    (b"oras", Cmd::Registry),
    (b"skopeo", Cmd::Registry),
    (b"buildah", Cmd::Registry),
    (b"redis-cli", Cmd::Redis),
    (b"sqlcmd", Cmd::Sqlcmd),
    (b"bcp", Cmd::Sqlcmd),
    (b"ldapsearch", Cmd::Ldap),
    (b"ldapmodify", Cmd::Ldap),
    (b"ldapadd", Cmd::Ldap),
    (b"ldapdelete", Cmd::Ldap),
    (b"ldapwhoami", Cmd::Ldap),
    (b"ldappasswd", Cmd::Ldap),
    (b"smbclient", Cmd::Smb),
    (b"rpcclient", Cmd::Smb),
];

/// A flag belongs to the last command word at most this far before it.
const REACH: usize = 512;

/// The command words seen so far in one text: how far it was read, and the last command
/// word (its start and what it is).
#[derive(Clone, Copy, Debug, Default)]
pub struct Seen {
    upto: usize,
    last: Option<(usize, Cmd)>,
}

impl Seen {
    /// Forgets the last text.
    pub fn reset(&mut self) {
        *self = Seen::default();
    }

    /// The command in force at `at`: reads the words from where it stopped to `at`.
    fn command(&mut self, text: &[u8], at: usize) -> Option<Cmd> {
        if at < self.upto {
            self.reset();
        }
        let mut i = self.upto;
        while i < at {
            let b = text[i];
            let starts = b.is_ascii_alphabetic() && (i == 0 || matches!(text[i - 1], b' ' | b'\t' | b'\n' | b'/' | b'$' | b'(' | b'"' | b'\'' | b';' | b'|' | b'&' | b'`'));
            if !starts {
                i += 1;
                continue;
            }
            let end = super::text::run(text, i, |c| c.is_ascii_alphanumeric() || c == b'-').min(at);
            let word = &text[i..end];
            if let Some((_, cmd)) = COMMANDS.iter().find(|(w, _)| *w == word) {
                self.last = Some((i, *cmd));
            } else if word == b"login" && matches!(self.last, Some((p, Cmd::Registry)) if i - p < 64) {
                self.last = Some((i, Cmd::Login));
            }
            i = end.max(i + 1);
        }
        self.upto = at;
        self.last.filter(|&(p, _)| at - p <= REACH).map(|(_, c)| c)
    }
}

fn blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The value of a flag whose name ends at `name_end`: attached (`-ppw`) or after blanks,
/// maybe quoted. (start, end, attached).
fn value(text: &[u8], name_end: usize) -> Option<(usize, usize, bool)> {
    let attached = !text.get(name_end).copied().is_some_and(|b| blank(b) || b == b'=');
    let v = if attached { name_end } else { super::text::run(text, name_end + 1, blank).min(name_end + 4) };
    if text.get(v) == Some(&b'-') && !attached {
        return None; // the next flag
    }
    let (s, e) = match super::kv::quoted_value(text, v) {
        Some(span) => span,
        None => (v, super::text::run(text, v, |b| !b.is_ascii_whitespace() && b != b'"' && b != b'\'')),
    };
    (e > s).then_some((s, e, attached))
}

/// The password in `user:pw` (or `user%pw` for smbclient) at `s..e`: what follows the first
/// separator. None without one, or when it is a placeholder (`$PASS`, `<password>`, `test:test`).
fn after_user(text: &[u8], s: usize, e: usize, sep: u8) -> Option<(usize, usize)> {
    let unquoted = s == 0 || !matches!(text[s - 1], b'"' | b'\'');
    let Some(p) = text.get(s..e)?.iter().position(|&b| b == sep) else {
        // `"user":"pw"`: user and password quoted apart.
        if unquoted || sep != b':' || text.get(e + 1) != Some(&b':') {
            return None;
        }
        let (qs, qe) = super::kv::quoted_value(text, e + 2)?;
        let pw = &text[qs..qe];
        return (qe > qs && (super::assign::mixed_random(pw) || !super::assign::placeholder(pw, &text[s..e]))).then_some((qs, qe));
    };
    let (user, pw) = (&text[s..s + p], &text[s + p + 1..e]);
    // `-u sk_live_x:`, `-u "d2LkV78zLx!t:"`: an API key as the user, no password (a quoted
    // `user:` of 8+ characters mixing letters and digits is a key, not a name).
    let key_like = |u: &[u8]| u.len() >= 8 && u.iter().any(u8::is_ascii_digit) && u.iter().any(u8::is_ascii_alphabetic) && !super::assign::placeholder(u, b"");
    if pw.is_empty() && sep == b':' && (super::entropy::looks_random(user) || (!unquoted && key_like(user))) {
        return Some((s, s + p));
    }
    // `user:'pw'`: the password in quotes of its own.
    if pw.is_empty() && sep == b':' && unquoted {
        let (qs, qe) = super::kv::quoted_value(text, e)?;
        return (qe > qs && !super::assign::placeholder(&text[qs..qe], user)).then_some((qs, qe));
    }
    // A template user (`$USER:$PASS`, `{{ id }}:{{ pw }}`) comes with a template password,
    // unless what stands there is random material.
    let template_user = user.first().is_some_and(|&b| matches!(b, b'$' | b'{' | b'<' | b'%'));
    if (template_user && !super::assign::mixed_random(pw)) || super::assign::placeholder(pw, user) {
        return None;
    }
    (s + p + 1 < e).then_some((s + p + 1, e))
}

/// At a `-` at `at` starting a short flag (` -u`, ` -p`): the password it carries.
pub fn short_flag(text: &[u8], at: usize, seen: &mut Seen) -> Option<(usize, usize, Kind)> {
    let letter = *text.get(at + 1)?;
    if !matches!(letter, b'u' | b'U' | b'p' | b'a' | b'P' | b'w') || (at > 0 && !text.get(at - 1).copied().is_some_and(|b| b.is_ascii_whitespace() || b == b'"' || b == b'\'')) {
        return None;
    }
    let cmd = seen.command(text, at);
    let (s, e, attached) = value(text, at + 2)?;
    let span = match (letter, cmd) {
        // curl `-u user:pw`, `-U` (proxy user). Elsewhere `-u user:pw` too, but not `uid:gid`.
        (b'u' | b'U', Some(Cmd::Curl)) => after_user(text, s, e, b':')?,
        (b'u', _) if !attached => {
            let (ps, pe) = after_user(text, s, e, b':')?;
            if text[ps..pe].iter().all(u8::is_ascii_digit) {
                return None;
            }
            (ps, pe)
        }
        (b'U', Some(Cmd::Smb)) => after_user(text, s, e, b'%')?,
        _ if super::assign::placeholder(&text[s..e], b"") => return None,
        (b'p', Some(Cmd::Mysql)) if attached => (s, e),
        (b'p', Some(Cmd::Sshpass | Cmd::Login)) => (s, e),
        (b'a', Some(Cmd::Redis)) if !attached => (s, e),
        (b'P', Some(Cmd::Sqlcmd)) if !attached => (s, e),
        (b'w', Some(Cmd::Ldap)) if !attached => (s, e),
        _ => return None,
    };
    Some((span.0, span.1, Kind::Password))
}

/// At `--` at `at`: `--user user:pw` and `--proxy-user user:pw` (curl, wget, any command:
/// the value holds a `:`), the password part.
pub fn long_flag(text: &[u8], at: usize) -> Option<(usize, usize, Kind)> {
    // Only `user` and `proxy-user` are read: never look further than the longer one, so a run of
    // dashes or letters is not re-read from every `--` in it.
    let window = text.get(..(at + 2 + b"proxy-user".len() + 1).min(text.len()))?;
    let name_end = super::text::run(window, at + 2, |b| b.is_ascii_alphanumeric() || b == b'-');
    if name_end == window.len() && window.len() < text.len() {
        return None;
    }
    let name = text.get(at + 2..name_end)?;
    if name != b"user" && name != b"proxy-user" {
        return None;
    }
    if text.get(name_end).copied().is_some_and(|b| !blank(b) && b != b'=') {
        return None;
    }
    let (s, e, _) = value(text, name_end)?;
    let (ps, pe) = after_user(text, s, e, b':')?;
    Some((ps, pe, Kind::Password))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn short<'a>(s: &'a str, flag: &str) -> Option<&'a str> {
        let at = s.find(flag)?;
        short_flag(s.as_bytes(), at, &mut Seen::default()).map(|(a, b, _)| &s[a..b])
    }

    #[test]
    fn passwords_after_the_commands_that_take_them() {
        assert_eq!(short("curl --cacert ca.crt -u elastic:P@ssw0rd$1 https://localhost:9200", "-u"), Some("P@ssw0rd$1"));
        assert_eq!(short("curl -u \"j.smith:dB2yF6@qL9\" https://x", "-u"), Some("dB2yF6@qL9"));
        assert_eq!(short("mysql -h db -u root -pS3cr3t! app", "-pS"), Some("S3cr3t!"));
        assert_eq!(short("sshpass -p 'hunter 2' ssh host", "-p"), Some("hunter 2"));
        assert_eq!(short("docker login -u bob -p dckr0pw registry.io", "-p"), Some("dckr0pw"));
        assert_eq!(short("redis-cli -h cache -a r3dispw ping", "-a"), Some("r3dispw"));
        assert_eq!(short("sqlcmd -S db -U sa -P 'Sql!pw1'", "-P"), Some("Sql!pw1"));
        assert_eq!(short("ldapsearch -x -D cn=admin -w ldapPw9 -b dc=x", "-w"), Some("ldapPw9"));
        assert_eq!(short("smbclient //srv/share -U bob%smbPw1", "-U"), Some("smbPw1"));
        assert_eq!(short("curl -u kevin:'pRf7vG2h1L8n' -X PATCH", "-u"), Some("pRf7vG2h1L8n"));
        assert_eq!(short("curl -u \"d2LkV78zLx9tQ4mW:\" https://x", "-u"), Some("d2LkV78zLx9tQ4mW"), "a key as the user");
        assert_eq!(short("curl -u \"d2LkV78zLx!t:\" https://x", "-u"), Some("d2LkV78zLx!t"), "a short key as the user, quoted");
        assert_eq!(short("curl -u \"{acd3c08b-74e8}\":\"{ZqL5kVrX1n8tA2}\" https://x", "-u"), Some("{ZqL5kVrX1n8tA2}"), "quoted apart");
    }

    #[test]
    fn the_same_flags_elsewhere_are_kept() {
        assert_eq!(short("ssh -p 22 host", "-p"), None);
        assert_eq!(short("docker run -p 8080:80 nginx", "-p"), None);
        assert_eq!(short("mkdir -p /var/log/app", "-p"), None);
        assert_eq!(short("mysql -p app", "-p"), None, "`-p` then a space prompts; `app` is the database");
        assert_eq!(short("docker run -u 1000:1000 img", "-u"), None, "uid:gid");
        assert_eq!(short("ls -a /tmp", "-a"), None);
        assert_eq!(short("curl -u bob https://x", "-u"), None, "no password: curl asks");
        assert_eq!(short("grep -w word file", "-w"), None);
        for s in ["curl -u 'test:test' x", "curl -u \"$USER:$PASS\"", "curl -u <user:password> x", "curl -u neo4j:[PASSWORD]", "curl -u xxx:yyy", "curl -u \"${{ env.ID }}:${{ env.PW }}\""] {
            assert_eq!(short(s, "-u"), None, "a placeholder: {s}");
        }
        assert_eq!(short("sshpass -p $SSHPASS ssh h", "-p"), None);
        assert_eq!(short("curl -u \":\" https://localhost:9200", "-u"), None, "nothing on either side");
        assert_eq!(short("curl -u \"admin:\" https://x", "-u"), None, "a name as the user: curl asks");
        assert_eq!(short("curl -u \"$ID\":\"$PW\" https://x", "-u"), None, "templates quoted apart");
    }

    #[test]
    fn long_user_flags() {
        let s = "curl -s --user 'api:d2LkV78zLx!t' https://api.example";
        let at = s.find("--user").unwrap();
        assert_eq!(long_flag(s.as_bytes(), at).map(|(a, b, _)| &s[a..b]), Some("d2LkV78zLx!t"));
        let s = "curl --user kevin:'pRf7vG2h1L8nQkW9' -X PATCH";
        assert_eq!(long_flag(s.as_bytes(), s.find("--user").unwrap()).map(|(a, b, _)| &s[a..b]), Some("pRf7vG2h1L8nQkW9"));
        let s = "wget --user=bob --password=x";
        assert_eq!(long_flag(s.as_bytes(), s.find("--user").unwrap()), None);
        let s = "cmd --user-agent x:y";
        assert_eq!(long_flag(s.as_bytes(), 4), None);
    }

    #[test]
    fn one_seen_answers_as_a_fresh_read() {
        let text = b"curl -u a:b; ssh -p 22 x; mysql -pq; docker login -p z; docker run -p 1:2";
        let mut seen = Seen::default();
        for at in 0..text.len() {
            if text[at] == b'-' {
                assert_eq!(short_flag(text, at, &mut seen), short_flag(text, at, &mut Seen::default()), "at {at}");
            }
        }
    }
}
