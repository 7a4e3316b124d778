//! Custom rules from the policy: a named regex (regex crate syntax, linear time) or a list of
//! keywords (ASCII case-insensitive), each with its own action. They run on the same view as the
//! built-in detectors.

use super::action::Action;
use super::kind::Kind;
use super::text::Span;
use regex::bytes::Regex;

/// How a rule finds its text.
#[derive(Clone, Debug)]
pub enum Matcher {
    Regex(Regex),
    /// Lowercased keywords.
    Keywords(Vec<Vec<u8>>),
}

/// A compiled custom rule.
#[derive(Clone, Debug)]
pub struct Rule {
    pub name: String,
    /// `[REDACTED:<name>]`
    pub mask: String,
    pub matcher: Matcher,
    pub action: Action,
}

impl Rule {
    /// Appends this rule's matches in `text` to `spans`; `index` identifies the rule.
    pub fn find(&self, index: u16, text: &[u8], spans: &mut Vec<Span>) {
        let mut push = |start: usize, end: usize| {
            if end > start {
                spans.push(Span { start, end, kind: Kind::Secret, rule: index });
            }
        };
        match &self.matcher {
            Matcher::Regex(re) => re.find_iter(text).for_each(|m| push(m.start(), m.end())),
            Matcher::Keywords(words) => {
                for w in words {
                    let mut from = 0;
                    while let Some(p) = text.get(from..).and_then(|t| t.windows(w.len()).position(|x| x.eq_ignore_ascii_case(w))) {
                        push(from + p, from + p + w.len());
                        from += p + w.len().max(1);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regex_and_keyword_rules_find_their_text() {
        let re = Rule { name: "emp".into(), mask: "[REDACTED:emp]".into(), matcher: Matcher::Regex(Regex::new(r"EMP-\d{6}").unwrap()), action: Action::Mask };
        let mut spans = Vec::new();
        re.find(3, b"ids EMP-123456 and EMP-654321", &mut spans);
        assert_eq!(spans.iter().map(|s| (s.start, s.end, s.rule)).collect::<Vec<_>>(), [(4, 14, 3), (19, 29, 3)]);
        let kw = Rule { name: "code".into(), mask: "[REDACTED:code]".into(), matcher: Matcher::Keywords(vec![b"falcon".to_vec()]), action: Action::Mask };
        spans.clear();
        kw.find(0, b"Project FALCON and falcon", &mut spans);
        assert_eq!(spans.len(), 2);
    }
}
