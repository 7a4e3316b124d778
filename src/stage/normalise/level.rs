//! Log levels in one spelling: `trace`, `debug`, `info`, `warn`, `error`, `fatal`.
//!
//! Accepted: names in any case and their common abbreviations (`WARNING`, `W`, `err`, `crit`,
//! `notice`), syslog severities 0-7 (numbers or numeric strings), and pino/bunyan levels
//! 10-60.

/// The canonical spellings, most severe last.
pub const LEVELS: [&str; 6] = ["trace", "debug", "info", "warn", "error", "fatal"];

/// Index into [`LEVELS`] of a level written as text.
pub fn from_text(t: &[u8]) -> Option<usize> {
    let t = t.trim_ascii();
    if let Some(n) = std::str::from_utf8(t).ok().and_then(|s| s.parse::<i64>().ok()) {
        return from_number(n);
    }
    let mut lower = [0u8; 16];
    if t.len() > lower.len() {
        return None;
    }
    for (i, b) in t.iter().enumerate() {
        lower[i] = b.to_ascii_lowercase();
    }
    Some(match &lower[..t.len()] {
        b"trace" | b"t" | b"trc" | b"verbose" | b"finest" | b"finer" => 0,
        b"debug" | b"d" | b"dbg" | b"fine" => 1,
        b"info" | b"i" | b"inf" | b"information" | b"informational" | b"notice" | b"n" => 2,
        b"warn" | b"warning" | b"w" | b"wrn" => 3,
        b"error" | b"err" | b"e" | b"eror" | b"severe" => 4,
        b"fatal" | b"f" | b"critical" | b"crit" | b"c" | b"alert" | b"emerg" | b"emergency" | b"panic" => 5,
        _ => return None,
    })
}

/// Index into [`LEVELS`] of a numeric level: syslog severities 0-7, pino/bunyan 10-60.
pub fn from_number(n: i64) -> Option<usize> {
    Some(match n {
        0..=2 => 5,
        3 => 4,
        4 => 3,
        5 | 6 => 2,
        7 => 1,
        10 => 0,
        20 => 1,
        30 => 2,
        40 => 3,
        50 => 4,
        60 => 5,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lvl(t: &str) -> Option<&'static str> {
        from_text(t.as_bytes()).map(|i| LEVELS[i])
    }

    #[test]
    fn names_and_abbreviations_in_any_case() {
        assert_eq!(lvl("WARNING"), Some("warn"));
        assert_eq!(lvl("Warn"), Some("warn"));
        assert_eq!(lvl("W"), Some("warn"));
        assert_eq!(lvl("err"), Some("error"));
        assert_eq!(lvl("CRIT"), Some("fatal"));
        assert_eq!(lvl("notice"), Some("info"));
        assert_eq!(lvl(" debug "), Some("debug"));
        assert_eq!(lvl("verbose"), Some("trace"));
    }

    #[test]
    fn syslog_and_pino_numbers() {
        assert_eq!(lvl("0"), Some("fatal"));
        assert_eq!(lvl("3"), Some("error"));
        assert_eq!(lvl("4"), Some("warn"));
        assert_eq!(lvl("6"), Some("info"));
        assert_eq!(lvl("7"), Some("debug"));
        assert_eq!(lvl("40"), Some("warn"));
        assert_eq!(lvl("60"), Some("fatal"));
        assert_eq!(from_number(10), Some(0));
    }

    #[test]
    fn unknown_levels_are_refused() {
        for t in ["", "loud", "8", "35", "warnings", "-1"] {
            assert_eq!(lvl(t), None, "{t}");
        }
    }
}
