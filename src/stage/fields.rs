//! The well-known fields of a record, found in one pass over its top-level members: where its
//! timestamp, level, status and message are, in any of their usual spellings. Normalise,
//! classify and sample all ask; each name list would otherwise cost a search of its own.

use crate::json::Kind;
use crate::record::{Record, Scratch};

/// Timestamp names, most preferred first.
pub const TIMESTAMP: &[&str] =
    &["timestamp", "@timestamp", "time", "ts", "Timestamp", "datetime", "eventTime", "event_time", "time_unix_nano"];
/// Level names, most preferred first.
pub const LEVEL: &[&str] = &["level", "severity", "log.level", "lvl", "loglevel", "levelname", "SeverityText", "severity_text"];
/// Top-level status names, most preferred first (nested `http.*`/`response.*` are looked up too).
pub const STATUS: &[&str] = &["status", "status_code", "statusCode", "http_status", "http.status", "http.status_code", "http.response.status_code", "response.status", "response.status_code", "response_code"];
/// Message names.
pub const MESSAGE: &[&str] = &["message", "msg", "log", "Body", "text", "error", "event"];

/// Nested status spellings: (0 = under `http`, 1 = under `response`; the path below it; the
/// spelling's name in [`STATUS`]).
const NESTED_STATUS: &[(usize, &[&[u8]], &str)] = &[
    (0, &[b"status"], "http.status"),
    (0, &[b"status_code"], "http.status_code"),
    (0, &[b"response", b"status_code"], "http.response.status_code"),
    (1, &[b"status"], "response.status"),
    (1, &[b"status_code"], "response.status_code"),
];

/// Token indices of the well-known fields' values (the most preferred spelling present).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fields {
    /// (value token, rank in [`TIMESTAMP`])
    pub timestamp: Option<(usize, u8)>,
    pub level: Option<(usize, u8)>,
    pub status: Option<(usize, u8)>,
    /// Up to four message-like values.
    pub messages: [Option<usize>; 4],
}

/// What a top-level field is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Timestamp,
    Level,
    Status,
    Message,
}

/// The role of a top-level name and its rank in that role's list.
fn role(name: &[u8]) -> Option<(Role, u8)> {
    [(TIMESTAMP, Role::Timestamp), (LEVEL, Role::Level), (STATUS, Role::Status), (MESSAGE, Role::Message)]
        .into_iter()
        .find_map(|(names, role)| rank(names, name).map(|r| (role, r)))
}

/// For each first byte, the lengths (bit `len`, all below 32) of the names above that start
/// with it: most keys are ruled out with one load, before any name is compared.
const FIRST_AND_LEN: [u32; 256] = {
    let mut t = [0u32; 256];
    let lists = [TIMESTAMP, LEVEL, STATUS, MESSAGE];
    let mut l = 0;
    while l < lists.len() {
        let mut i = 0;
        while i < lists[l].len() {
            let name = lists[l][i].as_bytes();
            t[name[0] as usize] |= 1 << name.len();
            i += 1;
        }
        l += 1;
    }
    t
};

/// True when `name` may be one of the well-known names (no false negatives).
fn may_have_role(name: &[u8]) -> bool {
    match name.first() {
        Some(&b) => name.len() < 32 && FIRST_AND_LEN[b as usize] >> name.len() & 1 == 1,
        None => false,
    }
}

fn rank(names: &[&str], key: &[u8]) -> Option<u8> {
    names.iter().position(|n| n.as_bytes() == key).map(|p| p as u8)
}

fn better(slot: &mut Option<(usize, u8)>, idx: usize, r: u8) {
    if slot.is_none_or(|(_, old)| r < old) {
        *slot = Some((idx, r));
    }
}

impl Fields {
    /// Finds the well-known fields of `rec`.
    pub fn find(rec: &Record, scratch: &mut Scratch) -> Fields {
        let mut f = Fields::default();
        let Some(root) = rec.tape.first() else { return f };
        let mut i = 1;
        let mut nested: [Option<usize>; 2] = [None; 2]; // http, response objects
        while i < root.next as usize {
            let (Some(key), Some(val)) = (rec.tape.get(i), rec.tape.get(i + 1)) else { break };
            let name = rec.text(key, scratch);
            match if may_have_role(name) { role(name) } else { None } {
                Some((Role::Timestamp, r)) => better(&mut f.timestamp, i + 1, r),
                Some((Role::Level, r)) => better(&mut f.level, i + 1, r),
                Some((Role::Status, r)) => better(&mut f.status, i + 1, r),
                Some((Role::Message, _)) => {
                    if let Some(slot) = f.messages.iter_mut().find(|m| m.is_none()) {
                        *slot = Some(i + 1);
                    }
                }
                None if val.kind == Kind::Object && name == b"http" => nested[0] = Some(i + 1),
                None if val.kind == Kind::Object && name == b"response" => nested[1] = Some(i + 1),
                None => {}
            }
            i = val.next as usize;
        }
        for &(parent, path, name) in NESTED_STATUS {
            let Some(mut at) = nested[parent] else { continue };
            let mut found = true;
            for seg in path {
                match rec.member(at, seg, scratch) {
                    Some(next) => at = next,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if found {
                if let Some(r) = rank(STATUS, name.as_bytes()) {
                    better(&mut f.status, at, r);
                }
            }
        }
        f
    }
}

impl Fields {
    /// The record's level as an index into `level::LEVELS`, in any spelling.
    pub fn level(&self, rec: &Record, scratch: &mut Scratch) -> Option<usize> {
        use crate::stage::normalise::level;
        let tok = rec.token(self.level?.0)?;
        match tok.kind {
            Kind::Str => level::from_text(rec.text(tok, scratch)),
            Kind::Num => std::str::from_utf8(tok.raw(rec.input)).ok().and_then(|s| s.parse().ok()).and_then(level::from_number),
            _ => None,
        }
    }

    /// The record's status code, as a number or numeric string.
    pub fn status(&self, rec: &Record, scratch: &mut Scratch) -> Option<f64> {
        rec.number(self.status?.0, scratch)
    }

    /// The record's own time in nanoseconds, when its timestamp field is readable.
    pub fn time_ns(&self, rec: &Record, host_ns: i64, scratch: &mut Scratch) -> Option<i64> {
        use crate::stage::normalise::time;
        let tok = rec.token(self.timestamp?.0)?;
        match tok.kind {
            Kind::Str => time::parse(rec.text(tok, scratch), host_ns),
            Kind::Num => time::parse(tok.raw(rec.input), host_ns),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{scan, ScanLimits};

    fn fields(input: &str) -> (Fields, Vec<crate::json::Token>) {
        let mut tape = Vec::new();
        scan(input.as_bytes(), ScanLimits { max_depth: 8, max_fields: 100 }, &mut tape, &mut Vec::new()).unwrap();
        let f = Fields::find(&Record { input: input.as_bytes(), tape: &tape }, &mut Scratch::default());
        (f, tape)
    }

    #[test]
    fn the_name_match_agrees_with_the_lists() {
        for (names, want) in [(TIMESTAMP, Role::Timestamp), (LEVEL, Role::Level), (STATUS, Role::Status), (MESSAGE, Role::Message)] {
            for (r, name) in names.iter().enumerate() {
                assert_eq!(role(name.as_bytes()), Some((want, r as u8)), "{name}");
            }
        }
        for other in ["", "Level", "messages", "http", "timestamp ", "ts2"] {
            assert_eq!(role(other.as_bytes()), None, "{other}");
        }
        for name in TIMESTAMP.iter().chain(LEVEL).chain(STATUS).chain(MESSAGE) {
            assert!(may_have_role(name.as_bytes()), "{name}");
        }
        assert!(!may_have_role(b"request_id") && !may_have_role(b"service") && !may_have_role(b""));
    }

    #[test]
    fn finds_the_preferred_spelling_of_each_field() {
        let (f, _) = fields(r#"{"ts":1,"msg":"m","lvl":"W","time":"t","statusCode":401,"message":"x","big":{"status":1}}"#);
        assert_eq!(f.timestamp, Some((8, 2)), "time outranks ts");
        assert_eq!(f.level, Some((6, 3)));
        assert_eq!(f.status, Some((10, 2)));
        assert_eq!(f.messages, [Some(4), Some(12), None, None]);
    }

    #[test]
    fn finds_nested_and_flat_dotted_status() {
        let (f, t) = fields(r#"{"http":{"response":{"status_code":503}}}"#);
        let (idx, _) = f.status.unwrap();
        assert_eq!(t[idx].kind, Kind::Num);
        let (f, _) = fields(r#"{"http.status_code":500,"response":{"status":200}}"#);
        assert_eq!(f.status.map(|s| s.1), Some(5), "flat http.status_code outranks response.status");
        let (f, _) = fields(r#"{"a":1}"#);
        assert_eq!(f, Fields::default());
    }
}
