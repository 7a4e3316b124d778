//! A named regex from the policy: its named groups become fields (`(?P<level>\w+)`), for a
//! format none of the built-in ones reads. Regex crate syntax, linear time, ASCII mode, as
//! every policy regex; the line must match, groups that did not take part are left out.

use super::Object;

/// A compiled named-regex format.
#[derive(Clone, Debug)]
pub struct Pattern {
    name: String,
    regex: regex::bytes::Regex,
}

impl Pattern {
    /// `regex` must have at least one named group (checked when the policy is read).
    pub fn new(name: String, regex: regex::bytes::Regex) -> Pattern {
        Pattern { name, regex }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Writes the named groups of the first match in `line`; false when there is none.
    pub fn read(&self, line: &[u8], obj: &mut Object) -> bool {
        let Some(caps) = self.regex.captures(line) else { return false };
        let mut any = false;
        for name in self.regex.capture_names().flatten() {
            if let Some(m) = caps.name(name) {
                obj.str(name.as_bytes(), m.as_bytes());
                any = true;
            }
        }
        any
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Format, Formats};
    use super::*;

    #[test]
    fn named_groups_become_fields() {
        let re = crate::reader::pattern::compile_regex(r"^(?P<time>\S+) \[(?P<level>[A-Z]+)\] (?P<message>.*)$").unwrap();
        let f = Formats::new(vec![Format::Pattern(Pattern::new("app".into(), re))]);
        let mut out = Vec::new();
        assert!(f.read(b"10:00:01 [WARN] disk \"almost\" full", &mut out));
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!((v["time"].as_str(), v["level"].as_str(), v["message"].as_str()), (Some("10:00:01"), Some("WARN"), Some("disk \"almost\" full")));
        assert!(!f.read(b"no brackets here", &mut out));
    }
}
