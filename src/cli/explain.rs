//! What the filter changed in a record, path by path, read off the input and the output (the
//! marks logseal writes name their kind: `[REDACTED:card]`, `[HASH:email:...]`, `[ENC:...]`,
//! envelope objects, `[DROPPED:body ...]`). Used by `logseal filter --explain` and `logseal
//! diff`. It never holds a value: a change is a path, a kind, an action and where it came from.
//!
//! Working from the two records keeps the filter's per-record path free of any explanation
//! cost. What it cannot see it says: a value changed without a mark (a `partial` rendering, an
//! escape, a cut) is reported with the kinds the record counted.

use serde_json::{Map, Value};
use std::fmt::Write as _;

/// One change to one path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Dotted path (`payment.card_number`, array elements by index: `items.0`).
    pub path: String,
    /// The kind (`card`, `password`, a custom rule's name, `allowlist`, `body`, ...) or
    /// `unknown` when the output does not say.
    pub kind: String,
    /// `mask`, `hash`, `encrypt`, `drop`, or `changed` (partial, escaped or cut).
    pub action: &'static str,
    /// `value`: the whole value went (a key rule, the deny list, the allowlist, a body);
    /// `span`: text inside a string (a detector or custom rule); `field`: the field went.
    pub scope: &'static str,
}

/// The changes from `input` to `output` (both records as JSON), in path order (names sorted).
pub fn changes(input: &Value, output: &Value) -> Vec<Change> {
    let counted: Vec<String> = output["logseal"]["redacted"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    let mut out = Vec::new();
    if let (Value::Object(a), Value::Object(b)) = (input, output) {
        walk_object(a, b, "", &counted, &mut out);
    }
    out
}

fn walk_object(a: &Map<String, Value>, b: &Map<String, Value>, prefix: &str, counted: &[String], out: &mut Vec<Change>) {
    for (key, va) in a {
        let path = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        if prefix.is_empty() && key == "logseal" {
            continue; // renamed on the way in (`logseal_original`): not a redaction
        }
        match b.get(key) {
            None => out.push(Change { path, kind: guess(counted), action: "drop", scope: "field" }),
            Some(vb) => walk(va, vb, path, counted, out),
        }
    }
}

fn walk(a: &Value, b: &Value, path: String, counted: &[String], out: &mut Vec<Change>) {
    if a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) if !is_envelope(y) => walk_object(x, y, &path, counted, out),
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                walk(p, q, format!("{path}.{i}"), counted, out);
            }
        }
        (_, Value::Object(y)) if is_envelope(y) => out.push(Change { path, kind: guess(counted), action: "encrypt", scope: "value" }),
        (_, Value::String(s)) => whole_or_spans(a, s, path, counted, out),
        _ => out.push(Change { path, kind: guess(counted), action: "changed", scope: "value" }),
    }
}

/// A string in the output that differs from the input: a mark for the whole value, marks
/// inside text, or a change without a mark.
fn whole_or_spans(a: &Value, s: &str, path: String, counted: &[String], out: &mut Vec<Change>) {
    if let Some(kind) = whole_mark(s) {
        let (kind, action) = kind;
        out.push(Change { path, kind, action, scope: "value" });
        return;
    }
    // Marks the input already held (a re-filtered line) are not new: only those beyond its count.
    let mut before = marks(a.as_str().unwrap_or(""));
    let mut new = Vec::new();
    for m in marks(s) {
        match before.iter().position(|b| *b == m) {
            Some(i) => {
                before.swap_remove(i);
            }
            None => new.push(m),
        }
    }
    if new.is_empty() {
        out.push(Change { path, kind: guess(counted), action: "changed", scope: "value" });
        return;
    }
    for (kind, action) in new {
        out.push(Change { path: path.clone(), kind, action, scope: "span" });
    }
}

/// A value that is one mark: `[REDACTED:k]`, `[HASH:k:...]`, `[DROPPED:body N bytes]`.
fn whole_mark(s: &str) -> Option<(String, &'static str)> {
    if let Some(k) = s.strip_prefix("[REDACTED:").and_then(|r| r.strip_suffix(']')) {
        return is_name(k).then(|| (k.to_string(), "mask"));
    }
    if let Some(rest) = s.strip_prefix("[HASH:").and_then(|r| r.strip_suffix(']')) {
        let (k, hex) = rest.split_once(':')?;
        return (is_name(k) && hex.bytes().all(|b| b.is_ascii_hexdigit())).then(|| (k.to_string(), "hash"));
    }
    if s.starts_with("[DROPPED:body ") && s.ends_with(" bytes]") {
        return Some(("body".to_string(), "drop"));
    }
    if s.starts_with("[ENC:") && s.ends_with(']') && !s[1..].contains('[') {
        return Some(("unknown".to_string(), "encrypt"));
    }
    None
}

/// Every mark inside a text: (kind, action).
fn marks(s: &str) -> Vec<(String, &'static str)> {
    let mut out = Vec::new();
    for (open, action) in [("[REDACTED:", "mask"), ("[HASH:", "hash"), ("[ENC:", "encrypt")] {
        let mut rest = s;
        while let Some(i) = rest.find(open) {
            rest = &rest[i + open.len()..];
            let end = rest.find([']', ':']).unwrap_or(rest.len());
            let kind = if action == "encrypt" { "unknown" } else { &rest[..end] };
            if is_name(kind) {
                out.push((kind.to_string(), action));
            }
        }
    }
    out
}

fn is_name(k: &str) -> bool {
    !k.is_empty() && k.len() <= 64 && k.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

fn is_envelope(m: &Map<String, Value>) -> bool {
    m.get("enc").and_then(Value::as_str) == Some("A256GCM") && m.contains_key("ct")
}

/// The kind when the output names none: the one the record counted, if there is exactly one.
fn guess(counted: &[String]) -> String {
    match counted {
        [one] => one.clone(),
        _ => "unknown".to_string(),
    }
}

/// The `--explain` line for input line `line_no`: `output` is the filtered record, or None
/// when it was dropped. A text line is compared as the `{"message": ...}` it would become.
pub fn record_line(line_no: u64, input: &[u8], output: Option<&[u8]>) -> String {
    let Some(output) = output else { return json_line(line_no, None) };
    let after: Value = serde_json::from_slice(output).unwrap_or(Value::Null);
    let before = match serde_json::from_slice::<Value>(input) {
        Ok(v @ Value::Object(_)) => v,
        _ => serde_json::json!({"message": String::from_utf8_lossy(input)}),
    };
    json_line(line_no, Some(&changes(&before, &after)))
}

/// The value at a dotted path (`a.b`, array elements by number: `items.0`).
pub fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, part| match v {
        Value::Object(m) => m.get(part),
        Value::Array(a) => part.parse::<usize>().ok().and_then(|i| a.get(i)),
        _ => None,
    })
}

/// One line of `--explain` output: `{"line":N,"changes":[{"path",...}]}`, or `"dropped":true`.
pub fn json_line(line: u64, changes: Option<&[Change]>) -> String {
    let mut s = String::new();
    let _ = write!(s, "{{\"line\":{line}");
    match changes {
        None => s.push_str(",\"dropped\":true}"),
        Some(changes) => {
            s.push_str(",\"changes\":[");
            for (i, c) in changes.iter().enumerate() {
                if i > 0 {
                    s.push(',');
                }
                let v = serde_json::json!({"path": c.path, "kind": c.kind, "action": c.action, "scope": c.scope});
                s.push_str(&v.to_string());
            }
            s.push_str("]}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn c(path: &str, kind: &str, action: &'static str, scope: &'static str) -> Change {
        Change { path: path.into(), kind: kind.into(), action, scope }
    }

    #[test]
    fn marks_name_kind_action_and_scope() {
        let input = json!({"msg": "card 4111 1111 1111 1111 mail a@b.co", "password": "x", "user": "bob",
            "payment": {"pan": "4111111111111111", "body": "raw"}, "items": [{"email": "a@b.co"}], "body": "GET /"});
        let output = json!({"msg": "card [REDACTED:card] mail [HASH:email:0011aabb]", "password": "[REDACTED:password]", "user": "bob",
            "payment": {"pan": {"enc": "A256GCM", "kid": "k", "g": 0, "iv": "x", "ct": "y"}}, "items": [{"email": "[REDACTED:email]"}],
            "body": "[DROPPED:body 5 bytes]", "logseal": {"redacted": {"card": 2, "email": 2, "password": 1, "body": 1}}});
        assert_eq!(
            changes(&input, &output),
            [
                c("body", "body", "drop", "value"),
                c("items.0.email", "email", "mask", "value"),
                c("msg", "card", "mask", "span"),
                c("msg", "email", "hash", "span"),
                c("password", "password", "mask", "value"),
                c("payment.body", "unknown", "drop", "field"),
                c("payment.pan", "unknown", "encrypt", "value"),
            ]
        );
    }

    #[test]
    fn changes_without_a_mark_say_what_the_record_counted() {
        let input = json!({"card": "4111-1111-1111-1111", "msg": "a\u{1b}b"});
        let output = json!({"card": "****-****-****-1111", "msg": "a\\x1bb", "logseal": {"redacted": {"card": 1}}});
        assert_eq!(changes(&input, &output), [c("card", "card", "changed", "value"), c("msg", "card", "changed", "value")]);
        assert_eq!(json_line(3, None), r#"{"line":3,"dropped":true}"#);
        let line = json_line(4, Some(&[c("a", "card", "mask", "span")]));
        assert_eq!(line, r#"{"line":4,"changes":[{"action":"mask","kind":"card","path":"a","scope":"span"}]}"#);
        let line = record_line(5, b"pw=hunter2 ok", Some(br#"{"message":"pw=[REDACTED:password] ok","logseal":{"v":1}}"#));
        assert_eq!(line, r#"{"line":5,"changes":[{"action":"mask","kind":"password","path":"message","scope":"span"}]}"#);
        assert_eq!(record_line(6, b"{}", None), r#"{"line":6,"dropped":true}"#);
    }

    #[test]
    fn marks_already_in_the_input_are_not_new() {
        let input = json!({"msg": "earlier [REDACTED:card] then 4111 1111 1111 1111"});
        let output = json!({"msg": "earlier [REDACTED:card] then [REDACTED:card]"});
        assert_eq!(changes(&input, &output), [c("msg", "card", "mask", "span")]);
    }
}
