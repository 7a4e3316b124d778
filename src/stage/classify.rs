//! Classify: condition-based tags, before sampling, so every later stage (always-keep in
//! sampling, SIEM rules downstream) can act on detection points.
//!
//! Built-in rules, on by default: HTTP 401 -> `auth_failure`, 403 -> `access_denied`, 5xx ->
//! `server_error`, and authentication-failure phrases in the message (`failed login`,
//! `invalid password`, `authentication failed`, sshd's `Failed password`, ...) ->
//! `auth_failure`. Status codes are read from the usual spellings (`status`, `status_code`,
//! `statusCode`, `http.status`, `http.response.status_code`, ...), as numbers or numeric
//! strings, whether or not normalisation is on. Custom rules are predicates with a tag.

use crate::stage::notes::tag;
use crate::predicate::{Facts, Predicate};
use crate::stage::context::Pass;

/// Phrases that mark an authentication failure (ASCII case-insensitive).
pub const AUTH_FAILURE_PHRASES: &[&str] = &[
    "failed login", "login failed", "login failure", "failed to log in", "invalid password", "wrong password",
    "incorrect password", "bad password", "authentication failed", "authentication failure", "auth failed",
    "failed password", "invalid credentials", "bad credentials", "invalid user", "unauthorized",
];

/// The compiled classify settings.
#[derive(Clone, Debug)]
pub struct Classifier {
    builtin: bool,
    /// Custom rules: condition and the index of its tag in `tag_names`.
    rules: Vec<(Predicate, usize)>,
    /// Custom tag names, in first-use order.
    pub tag_names: Vec<String>,
}

impl Default for Classifier {
    fn default() -> Self {
        Classifier::new(true, Vec::new())
    }
}

impl Classifier {
    /// `rules` are (condition, tag) pairs; at most 64 distinct custom tags.
    pub fn new(builtin: bool, rules: Vec<(Predicate, String)>) -> Classifier {
        let mut tag_names: Vec<String> = Vec::new();
        let rules = rules
            .into_iter()
            .map(|(p, t)| {
                let idx = tag_names.iter().position(|n| *n == t).unwrap_or_else(|| {
                    tag_names.push(t);
                    tag_names.len() - 1
                });
                (p, idx)
            })
            .collect();
        Classifier { builtin, rules, tag_names }
    }

    /// Tags the record in its notes, by its fields, its text and the host's tag for it.
    pub fn apply(&self, cx: &mut Pass) {
        let Pass { rec, fields, host, notes, scratch, .. } = cx;
        let (rec, fields, host_tag) = (&*rec, &**fields, host.tag);
        if self.builtin {
            if let Some(status) = fields.status(rec, scratch) {
                notes.tags |= match status as i64 {
                    401 => tag::AUTH_FAILURE,
                    403 => tag::ACCESS_DENIED,
                    500..=599 => tag::SERVER_ERROR,
                    _ => 0,
                };
            }
            let failed = fields.messages.iter().flatten().any(|&i| {
                let Some(tok) = rec.token(i) else { return false };
                tok.kind == crate::json::Kind::Str && contains_phrase(rec.text(tok, scratch))
            });
            if failed {
                notes.tags |= tag::AUTH_FAILURE;
            }
        }
        let facts = Facts { tag: host_tag };
        for (pred, idx) in &self.rules {
            if *idx < 64 && pred.eval(rec, &facts, scratch) {
                notes.custom_tags |= 1 << idx;
            }
        }
    }
}

/// The phrases' first two letters: for each first byte (either case), a bit per second letter
/// (`a` = bit 0). Only word starts that begin like a phrase are compared.
const OPENINGS: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < AUTH_FAILURE_PHRASES.len() {
        let p = AUTH_FAILURE_PHRASES[i].as_bytes();
        let bit = 1 << (p[1] - b'a');
        t[p[0] as usize] |= bit;
        t[p[0].to_ascii_uppercase() as usize] |= bit;
        i += 1;
    }
    t
};

/// True when `text` holds an authentication-failure phrase, starting at a word start. Word
/// starts are found eight bytes at a time (a letter whose left neighbour is not one); only
/// those whose first two letters open some phrase are compared.
fn contains_phrase(text: &[u8]) -> bool {
    use crate::swar::{letters, load};
    let at_word = |i: usize| {
        let b = text[i];
        let second = text.get(i + 1).map_or(0, |&c| c | 0x20);
        let opens = second.is_ascii_lowercase() && OPENINGS[b as usize] >> (second - b'a') & 1 == 1;
        opens && {
            let rest = &text[i..];
            AUTH_FAILURE_PHRASES.iter().any(|p| {
                let p = p.as_bytes();
                rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p)
            })
        }
    };
    let mut i = 0;
    let mut carry = 0u64; // bit 7 set when the byte before `i` is a letter
    while let Some(w) = load(text, i) {
        let m = letters(w);
        let mut starts = m & !((m << 8) | carry);
        while starts != 0 {
            if at_word(i + (starts.trailing_zeros() / 8) as usize) {
                return true;
            }
            starts &= starts - 1;
        }
        carry = m >> 56;
        i += 8;
    }
    let mut prev = carry != 0;
    for (k, b) in text.iter().enumerate().skip(i) {
        let letter = b.is_ascii_alphabetic();
        if letter && !prev && at_word(k) {
            return true;
        }
        prev = letter;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stage::notes::Notes;
    use crate::record::{Record, Scratch};
    use crate::stage::fields::Fields;
    use crate::json::{scan, ScanLimits};

    fn tags(c: &Classifier, input: &str) -> (u32, u64) {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 8, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let mut notes = Notes::default();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let fields = Fields::find(&rec, &mut Scratch::default());
        let (host, mut edits, mut scratch) = (crate::stage::context::Context { tag: b"app.web", ..Default::default() }, crate::edits::Edits::default(), Scratch::default());
        c.apply(&mut crate::stage::context::Pass { rec, fields: &fields, host: &host, edits: &mut edits, notes: &mut notes, scratch: &mut scratch });
        (notes.tags, notes.custom_tags)
    }

    #[test]
    fn builtin_rules_read_status_in_any_spelling() {
        let c = Classifier::default();
        assert_eq!(tags(&c, r#"{"status":401}"#).0, tag::AUTH_FAILURE);
        assert_eq!(tags(&c, r#"{"statusCode":"403"}"#).0, tag::ACCESS_DENIED);
        assert_eq!(tags(&c, r#"{"http":{"response":{"status_code":503}}}"#).0, tag::SERVER_ERROR);
        assert_eq!(tags(&c, r#"{"http.status_code":500}"#).0, tag::SERVER_ERROR);
        assert_eq!(tags(&c, r#"{"status":200}"#).0, 0);
        assert_eq!(tags(&c, r#"{"status":499}"#).0, 0);
        assert_eq!(tags(&c, r#"{"status":600}"#).0, 0);
    }

    #[test]
    fn auth_failure_phrases_in_messages() {
        let c = Classifier::default();
        assert_eq!(tags(&c, r#"{"message":"Failed password for invalid user admin from 192.0.2.4"}"#).0, tag::AUTH_FAILURE);
        assert_eq!(tags(&c, r#"{"msg":"LOGIN FAILED for bob"}"#).0, tag::AUTH_FAILURE);
        assert_eq!(tags(&c, r#"{"message":"password reset mail sent"}"#).0, 0);
        assert_eq!(tags(&c, r#"{"event":"password_reset_requested"}"#).0, 0);
        assert_eq!(tags(&c, r#"{"msg":"x: Unauthorized"}"#).0, tag::AUTH_FAILURE);
        assert_eq!(tags(&c, r#"{"msg":"preauthentication failed"}"#).0, 0, "phrases start at a word");
    }

    /// The plain definition: a phrase at a position whose left neighbour is not a letter.
    fn naive(text: &[u8]) -> bool {
        (0..text.len()).any(|i| {
            (i == 0 || !text[i - 1].is_ascii_alphabetic())
                && AUTH_FAILURE_PHRASES.iter().any(|p| text.len() - i >= p.len() && text[i..i + p.len()].eq_ignore_ascii_case(p.as_bytes()))
        })
    }

    #[test]
    fn phrase_openings_are_two_lowercase_letters() {
        assert!(AUTH_FAILURE_PHRASES.iter().all(|p| p.bytes().take(2).all(|b| b.is_ascii_lowercase())), "openings are two lowercase letters");
    }

    #[test]
    fn word_starts_are_found_at_every_offset_and_across_words() {
        for phrase in ["failed login", "Unauthorized", "bad credentials"] {
            for at in 0..20 {
                for before in [b'x', b' ', b'-', 0xC3] {
                    let mut text = vec![b'a'; at];
                    if at > 0 {
                        text[at - 1] = before;
                    }
                    text.extend_from_slice(phrase.as_bytes());
                    text.extend_from_slice(b" tail");
                    assert_eq!(contains_phrase(&text), naive(&text), "{phrase} at {at} after {before:#x}");
                    assert_eq!(contains_phrase(&text), at == 0 || before != b'x');
                }
            }
        }
    }

    #[test]
    fn builtin_rules_can_be_switched_off_and_custom_rules_tag() {
        let slow = Predicate::compile(&serde_json::json!({"field":"latency_ms","range":{"gte":1000}}), "$").unwrap();
        let web = Predicate::compile(&serde_json::json!({"tag":"app.*"}), "$").unwrap();
        let c = Classifier::new(false, vec![(slow, "slow".into()), (web, "web".into())]);
        assert_eq!(tags(&c, r#"{"status":401,"latency_ms":1500}"#), (0, 0b11));
        assert_eq!(tags(&c, r#"{"latency_ms":10}"#), (0, 0b10));
        assert_eq!(c.tag_names, ["slow", "web"]);
    }
}
