//! Syslog lines: RFC 5424 (`<165>1 2026-11-27T10:00:00Z host app 42 ID47 [sd] message`) and
//! RFC 3164, the BSD format files hold (`Nov 27 10:08:08 host sshd[2211]: message`), with or
//! without the `<PRI>` prefix. Fields: `facility` and `level` (the severity's keyword: `emerg`,
//! `alert`, `crit`, `err`, `warning`, `notice`, `info`, `debug`) from `<PRI>`, `timestamp`,
//! `host`, `app`, `pid` (3164) or `procid` and `msgid` (5424, left out when `-`),
//! `structured_data` (5424, as written), and `message`.

use super::{word, Object};

const SEVERITIES: [&[u8]; 8] = [b"emerg", b"alert", b"crit", b"err", b"warning", b"notice", b"info", b"debug"];
const MONTHS: [&[u8; 3]; 12] = [b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec"];

/// Reads `line` as syslog into `obj`; false when it is not syslog.
pub fn read(line: &[u8], obj: &mut Object) -> bool {
    let (pri, rest) = match pri(line) {
        Some((p, rest)) => (Some(p), rest),
        None => (None, line),
    };
    if let Some(rest) = rest.strip_prefix(b"1 ") {
        if rfc5424(pri, rest, obj) {
            return true;
        }
    }
    rfc3164(pri, rest, obj)
}

/// `<PRI>`: 1-3 digits, at most 191.
fn pri(line: &[u8]) -> Option<(u8, &[u8])> {
    let rest = line.strip_prefix(b"<")?;
    let close = rest.iter().take(4).position(|&b| b == b'>')?;
    let digits = &rest[..close];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) || (digits.len() > 1 && digits[0] == b'0') {
        return None;
    }
    let value = digits.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    (value <= 191).then_some((value as u8, &rest[close + 1..]))
}

fn priority(pri: Option<u8>, obj: &mut Object) {
    if let Some(p) = pri {
        let facility = p >> 3;
        obj.int_or_str(b"facility", facility.to_string().as_bytes());
        obj.str(b"level", SEVERITIES[usize::from(p & 7)]);
    }
}

fn rfc5424(pri: Option<u8>, rest: &[u8], obj: &mut Object) -> bool {
    let Some((time, rest)) = word(rest) else { return false };
    let Some((host, rest)) = word(rest) else { return false };
    let Some((app, rest)) = word(rest) else { return false };
    let Some((procid, rest)) = word(rest) else { return false };
    let Some((msgid, rest)) = word(rest) else { return false };
    let Some((sd, message)) = structured_data(rest) else { return false };
    let time_ok = time == b"-" || (time.len() >= 20 && time[..4].iter().all(u8::is_ascii_digit) && time[4] == b'-' && time[10] == b'T');
    if !time_ok {
        return false;
    }
    priority(pri, obj);
    for (key, value) in [(&b"timestamp"[..], time), (b"host", host), (b"app", app), (b"procid", procid), (b"msgid", msgid)] {
        if value != b"-" {
            obj.str(key, value);
        }
    }
    if sd != b"-" {
        obj.str(b"structured_data", sd);
    }
    // A UTF-8 byte order mark may open the message (RFC 5424 section 6.4).
    obj.str(b"message", message.strip_prefix("\u{feff}".as_bytes()).unwrap_or(message));
    true
}

/// `-` or one or more `[id param="value" ...]` elements (`\]`, `\"` and `\\` escaped inside
/// values), then a space and the message: (structured data, message).
fn structured_data(s: &[u8]) -> Option<(&[u8], &[u8])> {
    if let Some(rest) = s.strip_prefix(b"-") {
        return match rest {
            [] => Some((b"-", b"")),
            [b' ', msg @ ..] => Some((b"-", msg)),
            _ => None,
        };
    }
    let mut i = 0;
    while s.get(i) == Some(&b'[') {
        let mut in_value = false;
        i += 1;
        loop {
            match *s.get(i)? {
                b'\\' if in_value => i += 2,
                b'"' => {
                    in_value = !in_value;
                    i += 1;
                }
                b']' if !in_value => {
                    i += 1;
                    break;
                }
                _ => i += 1,
            }
        }
    }
    if i == 0 {
        return None;
    }
    match s.get(i) {
        None => Some((s, b"")),
        Some(b' ') => Some((&s[..i], &s[i + 1..])),
        _ => None,
    }
}

fn rfc3164(pri: Option<u8>, rest: &[u8], obj: &mut Object) -> bool {
    // `Mmm dd hh:mm:ss`, the day padded with a space.
    let Some(stamp) = rest.get(..15) else { return false };
    let month_ok = MONTHS.iter().any(|m| stamp[..3] == m[..]);
    let day_ok = stamp[3] == b' ' && (stamp[4] == b' ' || stamp[4].is_ascii_digit()) && stamp[5].is_ascii_digit();
    let clock = &stamp[7..15];
    let clock_ok = stamp[6] == b' ' && clock[2] == b':' && clock[5] == b':' && [0, 1, 3, 4, 6, 7].iter().all(|&k| clock[k].is_ascii_digit());
    if !(month_ok && day_ok && clock_ok) || rest.get(15) != Some(&b' ') {
        return false;
    }
    let Some((host, rest)) = word(&rest[16..]) else { return false };
    priority(pri, obj);
    obj.str(b"timestamp", stamp);
    obj.str(b"host", host);
    // The tag: `app[pid]:` or `app:`; without one the rest is the message.
    let tag_end = rest.iter().position(|&b| b == b':' || b == b' ' || b == b'[');
    match tag_end {
        Some(t) if t > 0 && rest[t] == b'[' => match rest[t..].iter().position(|&b| b == b']') {
            Some(close) if rest.get(t + close + 1) == Some(&b':') => {
                obj.str(b"app", &rest[..t]);
                obj.int_or_str(b"pid", &rest[t + 1..t + close]);
                let msg = &rest[t + close + 2..];
                obj.str(b"message", msg.strip_prefix(b" ").unwrap_or(msg));
            }
            _ => obj.str(b"message", rest),
        },
        Some(t) if t > 0 && rest[t] == b':' => {
            obj.str(b"app", &rest[..t]);
            let msg = &rest[t + 1..];
            obj.str(b"message", msg.strip_prefix(b" ").unwrap_or(msg));
        }
        _ => obj.str(b"message", rest),
    }
    true
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Formats};

    fn read(line: &str) -> Option<serde_json::Value> {
        let mut out = Vec::new();
        Formats::new(vec![Format::Syslog]).read(line.as_bytes(), &mut out).then(|| serde_json::from_slice(&out).expect("valid JSON"))
    }

    #[test]
    fn bsd_lines_with_and_without_priority() {
        let v = read("Nov 27 10:08:08 host-3 sshd[2211]: Failed password for invalid user admin").unwrap();
        assert_eq!((v["timestamp"].as_str(), v["host"].as_str(), v["app"].as_str()), (Some("Nov 27 10:08:08"), Some("host-3"), Some("sshd")));
        assert_eq!(v["pid"], 2211);
        assert_eq!(v["message"], "Failed password for invalid user admin");
        assert!(v.get("level").is_none());
        let v = read("<34>Oct  1 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8").unwrap();
        assert_eq!((v["facility"].as_u64(), v["level"].as_str()), (Some(4), Some("crit")));
        assert_eq!(v["app"], "su");
        assert_eq!(v["message"], "'su root' failed for lonvick on /dev/pts/8");
        let v = read("Oct 11 22:14:15 host kernel panic").unwrap();
        assert_eq!(v["message"], "kernel panic");
    }

    #[test]
    fn rfc5424_lines() {
        let v = read(r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="App\]lication"] An application event"#).unwrap();
        assert_eq!((v["facility"].as_u64(), v["level"].as_str()), (Some(20), Some("notice")));
        assert_eq!(v["host"], "mymachine.example.com");
        assert_eq!(v["app"], "evntslog");
        assert!(v.get("procid").is_none());
        assert_eq!(v["msgid"], "ID47");
        assert_eq!(v["structured_data"], r#"[exampleSDID@32473 iut="3" eventSource="App\]lication"]"#);
        assert_eq!(v["message"], "An application event");
        let v = read("<13>1 2026-11-27T10:00:00Z web-1 api 42 - - \u{feff}login ok").unwrap();
        assert_eq!((v["procid"].as_str(), v["message"].as_str()), (Some("42"), Some("login ok")));
    }

    #[test]
    fn other_lines_are_not_syslog() {
        for line in ["disk full", "<999>Nov 27 10:08:08 h a: m", "Foo 27 10:08:08 h a: m", "Nov 27 10:08 h a: m", "<13>1 yesterday h a p m - msg"] {
            assert!(read(line).is_none(), "{line}");
        }
    }
}
