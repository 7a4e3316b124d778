//! Normalise and enrich: every record should say when, where, who and what.
//!
//! On by default, because they only add under the reserved key: the ingest time (the host's
//! time for the record) and the clock-skew check (the record's own timestamp, read from the
//! usual field names, against the ingest time). Opt-in, because they change what the user
//! wrote: field mappings (presets and custom), level and timestamp rewriting, static
//! enrichment (never overwriting), and essential-field checks (tags, never drops).

pub mod level;
pub mod time;

use crate::stage::notes::tag;
use crate::record::{Record, Scratch};

use crate::stage::context::Pass;

/// Mapping presets: (source, schema name). Sources are top-level names, flat dotted ones
/// included (`log.level` as ECS loggers write it).
pub const PRESETS: &[(&str, &[(&str, &str)])] = &[
    (
        "ecs",
        &[
            ("@timestamp", "timestamp"),
            ("log.level", "level"),
            ("service.name", "service"),
            ("trace.id", "trace_id"),
            ("transaction.id", "request_id"),
            ("user.id", "user_id"),
            ("source.ip", "source_ip"),
            ("client.ip", "source_ip"),
            ("user_agent.original", "user_agent"),
            ("http.request.method", "http_method"),
            ("url.path", "http_path"),
            ("http.response.status_code", "http_status"),
        ],
    ),
    (
        "otel",
        &[
            ("Timestamp", "timestamp"),
            ("time_unix_nano", "timestamp"),
            ("SeverityText", "level"),
            ("severity_text", "level"),
            ("Body", "message"),
            ("TraceId", "trace_id"),
            ("trace_id", "trace_id"),
            ("SpanId", "span_id"),
            ("service.name", "service"),
            ("http.method", "http_method"),
            ("http.request.method", "http_method"),
            ("http.route", "http_path"),
            ("http.status_code", "http_status"),
            ("http.response.status_code", "http_status"),
            ("client.address", "source_ip"),
            ("user_agent.original", "user_agent"),
        ],
    ),
    (
        "plain",
        &[
            ("@timestamp", "timestamp"),
            ("time", "timestamp"),
            ("ts", "timestamp"),
            ("msg", "message"),
            ("lvl", "level"),
            ("severity", "level"),
            ("svc", "service"),
            ("requestId", "request_id"),
            ("req_id", "request_id"),
            ("reqId", "request_id"),
            ("userId", "user_id"),
            ("uid", "user_id"),
            ("ip", "source_ip"),
            ("remote_addr", "source_ip"),
            ("client_ip", "source_ip"),
            ("ua", "user_agent"),
            ("userAgent", "user_agent"),
            ("method", "http_method"),
            ("path", "http_path"),
            ("status", "http_status"),
            ("statusCode", "http_status"),
        ],
    ),
];

/// The compiled normalise settings.
#[derive(Clone, Debug)]
pub struct Normaliser {
    /// (source, target) renames, custom ones first.
    pub map: Vec<(Box<[u8]>, String)>,
    pub levels: bool,
    pub timestamps: bool,
    /// (name, value) added when absent.
    pub enrich: Vec<(Box<[u8]>, String)>,
    /// Essential fields (dotted paths); a record lacking one is tagged `missing:<field>`.
    pub require: Vec<crate::record::FieldPath>,
    pub require_names: Vec<String>,
    pub ingest_time: bool,
    /// Clock skew tolerance in nanoseconds.
    pub skew_ns: i64,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser {
            map: Vec::new(),
            levels: false,
            timestamps: false,
            enrich: Vec::new(),
            require: Vec::new(),
            require_names: Vec::new(),
            ingest_time: true,
            skew_ns: 300 * 1_000_000_000,
        }
    }
}

/// The top-level member named `name`: (key token, value token).
fn top_member(rec: &Record, name: &[u8], scratch: &mut Scratch) -> Option<(usize, usize)> {
    let root = rec.tape.first()?;
    let mut i = 1;
    while i < root.next as usize {
        let key = rec.tape.get(i)?;
        if rec.key_is(key, name, scratch) {
            return Some((i, i + 1));
        }
        i = rec.tape.get(i + 1)?.next as usize;
    }
    None
}

impl Normaliser {
    /// Normalises `rec`: mappings, rewrites and enrichment as edits, checks and the clock as
    /// notes, against the host's time for the record. `buf` is scratch for composed timestamps.
    pub fn apply(&self, cx: &mut Pass, buf: &mut Vec<u8>) {
        let Pass { rec, fields, host, edits, notes, scratch } = cx;
        let (rec, fields, host_ns) = (&*rec, &**fields, host.time_ns);
        for (source, target) in &self.map {
            if let Some((k, _)) = top_member(rec, source, scratch) {
                // Never overwrite: a record that already has the target keeps both as they are.
                if top_member(rec, target.as_bytes(), scratch).is_none() && !edits.renames_to(target) {
                    edits.rename_key(k, target);
                }
            }
        }
        if self.levels {
            if let Some((v, _)) = fields.level {
                match fields.level(rec, scratch) {
                    Some(l) => edits.replace_str(v, level::LEVELS[l]),
                    None => notes.tags |= tag::INVALID_LEVEL,
                }
            }
        }
        let own = fields.timestamp.and_then(|(v, _)| fields.time_ns(rec, host_ns, scratch).map(|ns| (v, ns)));
        if self.timestamps {
            match own {
                Some((v, ns)) => {
                    buf.clear();
                    time::write_rfc3339(ns, buf);
                    edits.replace_str(v, std::str::from_utf8(buf).unwrap_or(""));
                }
                None if fields.timestamp.is_some() => notes.tags |= tag::INVALID_TIMESTAMP,
                None => {
                    // No timestamp at all: the record gets the host's.
                    buf.clear();
                    time::write_rfc3339(host_ns, buf);
                    edits.append("timestamp", std::str::from_utf8(buf).unwrap_or(""));
                }
            }
        }
        if let Some((_, ns)) = own {
            let skew = ns.saturating_sub(host_ns);
            if skew.unsigned_abs() > self.skew_ns.unsigned_abs() {
                notes.tags |= tag::CLOCK_SKEW;
                notes.skew_ns = Some(skew);
            }
        }
        for (name, value) in &self.enrich {
            // A field renamed to the name is present too.
            let renamed = std::str::from_utf8(name).is_ok_and(|n| edits.renames_to(n));
            if top_member(rec, name, scratch).is_none() && !renamed {
                edits.append(std::str::from_utf8(name).unwrap_or(""), value);
            }
        }
        for (i, path) in self.require.iter().enumerate() {
            let present = rec.find(path, scratch).is_some()
                || self.enrich.iter().any(|(n, _)| path.segments().count() == 1 && path.segments().next() == Some(&n[..]))
                || edits.renames_to(&self.require_names[i])
                || (self.timestamps && self.require_names[i] == "timestamp");
            if !present && i < 64 {
                notes.missing |= 1 << i;
            }
        }
    }
}
