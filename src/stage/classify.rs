//! Classify: condition-based tags, before sampling, so every later stage (always-keep in
//! sampling, SIEM rules downstream) can act on detection points.
//!
//! Built-in rules, on by default: HTTP 401 -> `auth_failure`, 403 -> `access_denied`, 5xx ->
//! `server_error`, and authentication-failure phrases in the message (`failed login`,
//! `invalid password`, `authentication failed`, sshd's `Failed password`, ...) ->
//! `auth_failure`. Status codes are read from the usual spellings (`status`, `status_code`,
//! `statusCode`, `http.status`, `http.response.status_code`, ...), as numbers or numeric
//! strings, whether or not normalisation is on. Custom rules are predicates with a tag.

use crate::notes::{tag, Notes};
use crate::predicate::{Facts, Predicate};
use crate::record::{Record, Scratch};

use crate::stage::fields::Fields;
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

    /// Tags `rec` in `notes`. `host_tag` is the host's tag for the record.
    pub fn apply(&self, rec: &Record, fields: &Fields, host_tag: &[u8], notes: &mut Notes, scratch: &mut Scratch) {
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

/// Lowercase first letters of the phrases: only word starts with one of them are compared.
const INITIALS: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < AUTH_FAILURE_PHRASES.len() {
        let b = AUTH_FAILURE_PHRASES[i].as_bytes()[0];
        t[b as usize] = true;
        t[b.to_ascii_uppercase() as usize] = true;
        i += 1;
    }
    t
};

/// True when `text` holds an authentication-failure phrase, starting at a word start.
fn contains_phrase(text: &[u8]) -> bool {
    let mut prev_alpha = false;
    for (i, &b) in text.iter().enumerate() {
        let alpha = b.is_ascii_alphabetic();
        if alpha && !prev_alpha && INITIALS[b as usize] {
            let rest = &text[i..];
            let hit = AUTH_FAILURE_PHRASES.iter().any(|p| {
                let p = p.as_bytes();
                p[0] == b.to_ascii_lowercase() && rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p)
            });
            if hit {
                return true;
            }
        }
        prev_alpha = alpha;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn tags(c: &Classifier, input: &str) -> (u32, u64) {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 8, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let mut notes = Notes::default();
        let rec = Record { input: input.as_bytes(), tape: &tape };
        let fields = Fields::find(&rec, &mut Scratch::default());
        c.apply(&rec, &fields, b"app.web", &mut notes, &mut Scratch::default());
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
