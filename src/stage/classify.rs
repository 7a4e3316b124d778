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
use crate::record::{FieldPath, Record, Scratch};

/// Where a status code may be.
pub const STATUS_FIELDS: &[&str] = &[
    "status", "status_code", "statusCode", "http_status", "http.status", "http.status_code", "http.response.status_code",
    "response.status", "response.status_code", "response_code",
];
/// Where a message may be.
pub const MESSAGE_FIELDS: &[&str] = &["message", "msg", "log", "Body", "text", "error", "event"];
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
    status: Vec<FieldPath>,
    messages: Vec<FieldPath>,
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
        let paths = |names: &[&str]| names.iter().filter_map(|n| FieldPath::parse(n)).collect();
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
        Classifier { builtin, status: paths(STATUS_FIELDS), messages: paths(MESSAGE_FIELDS), rules, tag_names }
    }

    /// Tags `rec` in `notes`. `host_tag` is the host's tag for the record.
    pub fn apply(&self, rec: &Record, host_tag: &[u8], notes: &mut Notes, scratch: &mut Scratch) {
        if self.builtin {
            if let Some(status) = self.status.iter().find_map(|p| rec.find(p, scratch).and_then(|i| rec.number(i, scratch))) {
                notes.tags |= match status as i64 {
                    401 => tag::AUTH_FAILURE,
                    403 => tag::ACCESS_DENIED,
                    500..=599 => tag::SERVER_ERROR,
                    _ => 0,
                };
            }
            let failed = self.messages.iter().any(|p| {
                let Some(tok) = rec.find(p, scratch).and_then(|i| rec.token(i)) else { return false };
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

/// True when `text` holds an authentication-failure phrase.
fn contains_phrase(text: &[u8]) -> bool {
    AUTH_FAILURE_PHRASES.iter().any(|p| {
        let p = p.as_bytes();
        text.len() >= p.len() && text.windows(p.len()).any(|w| w[0].eq_ignore_ascii_case(&p[0]) && w.eq_ignore_ascii_case(p))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn tags(c: &Classifier, input: &str) -> (u32, u64) {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 8, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let mut notes = Notes::default();
        c.apply(&Record { input: input.as_bytes(), tape: &tape }, b"app.web", &mut notes, &mut Scratch::default());
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
