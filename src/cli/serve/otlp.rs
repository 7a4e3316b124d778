//! OTLP/HTTP logs: the messages of `opentelemetry/proto/collector/logs/v1/logs_service.proto`
//! (and the `logs`, `resource`, `common` protos they use), declared with prost's derive from
//! the published .proto field numbers, their JSON encoding (the OTLP/JSON mapping: lowerCamelCase
//! names, hex trace and span ids, 64-bit integers as strings), and the mapping of one log
//! record through the core:
//!
//! ```text
//! LogRecord { body, attributes, .. }  ->  {"message": <body>, "attributes": {<key>: <value>, ..}}
//!     -> Filter -> {"message": .., "attributes": {..}, "logseal": {..}}  ->  LogRecord
//! ```
//! Resource, scope, times, severity, trace context and flags are kept as they came. A value the
//! filter left unchanged keeps its exact OTLP type (bytes, int, double); a changed one takes
//! the type of its JSON (a redacted value becomes a string). The body is the record's
//! `message`, as the core names a log line's text (not `body`, which policies treat as an
//! HTTP body and may drop); a record the core had to wrap keeps its text there too. The
//! reserved `logseal` object, and any other member the core adds, become attributes.

use base64::Engine as _;
use prost::Message;
use serde_json::{Map, Value};

#[derive(Clone, PartialEq, Message)]
pub struct ExportLogsServiceRequest {
    #[prost(message, repeated, tag = "1")]
    pub resource_logs: Vec<ResourceLogs>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ExportLogsServiceResponse {
    #[prost(message, optional, tag = "1")]
    pub partial_success: Option<ExportLogsPartialSuccess>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ExportLogsPartialSuccess {
    #[prost(int64, tag = "1")]
    pub rejected_log_records: i64,
    #[prost(string, tag = "2")]
    pub error_message: String,
}

/// `google.rpc.Status`: the body of an OTLP/HTTP error answer.
#[derive(Clone, PartialEq, Message)]
pub struct Status {
    #[prost(int32, tag = "1")]
    pub code: i32,
    #[prost(string, tag = "2")]
    pub message: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct ResourceLogs {
    #[prost(message, optional, tag = "1")]
    pub resource: Option<Resource>,
    #[prost(message, repeated, tag = "2")]
    pub scope_logs: Vec<ScopeLogs>,
    #[prost(string, tag = "3")]
    pub schema_url: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct Resource {
    #[prost(message, repeated, tag = "1")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "2")]
    pub dropped_attributes_count: u32,
    #[prost(message, repeated, tag = "3")]
    pub entity_refs: Vec<EntityRef>,
}

#[derive(Clone, PartialEq, Message)]
pub struct EntityRef {
    #[prost(string, tag = "1")]
    pub schema_url: String,
    #[prost(string, tag = "2")]
    pub r#type: String,
    #[prost(string, repeated, tag = "3")]
    pub id_keys: Vec<String>,
    #[prost(string, repeated, tag = "4")]
    pub description_keys: Vec<String>,
}

#[derive(Clone, PartialEq, Message)]
pub struct ScopeLogs {
    #[prost(message, optional, tag = "1")]
    pub scope: Option<InstrumentationScope>,
    #[prost(message, repeated, tag = "2")]
    pub log_records: Vec<LogRecord>,
    #[prost(string, tag = "3")]
    pub schema_url: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct InstrumentationScope {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(string, tag = "2")]
    pub version: String,
    #[prost(message, repeated, tag = "3")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "4")]
    pub dropped_attributes_count: u32,
}

#[derive(Clone, PartialEq, Message)]
pub struct LogRecord {
    #[prost(fixed64, tag = "1")]
    pub time_unix_nano: u64,
    #[prost(fixed64, tag = "11")]
    pub observed_time_unix_nano: u64,
    #[prost(int32, tag = "2")]
    pub severity_number: i32,
    #[prost(string, tag = "3")]
    pub severity_text: String,
    #[prost(message, optional, tag = "5")]
    pub body: Option<AnyValue>,
    #[prost(message, repeated, tag = "6")]
    pub attributes: Vec<KeyValue>,
    #[prost(uint32, tag = "7")]
    pub dropped_attributes_count: u32,
    #[prost(fixed32, tag = "8")]
    pub flags: u32,
    #[prost(bytes = "vec", tag = "9")]
    pub trace_id: Vec<u8>,
    #[prost(bytes = "vec", tag = "10")]
    pub span_id: Vec<u8>,
    #[prost(string, tag = "12")]
    pub event_name: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct KeyValue {
    #[prost(string, tag = "1")]
    pub key: String,
    #[prost(message, optional, tag = "2")]
    pub value: Option<AnyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct AnyValue {
    #[prost(oneof = "Val", tags = "1, 2, 3, 4, 5, 6, 7")]
    pub value: Option<Val>,
}

#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Val {
    #[prost(string, tag = "1")]
    String(String),
    #[prost(bool, tag = "2")]
    Bool(bool),
    #[prost(int64, tag = "3")]
    Int(i64),
    #[prost(double, tag = "4")]
    Double(f64),
    #[prost(message, tag = "5")]
    Array(ArrayValue),
    #[prost(message, tag = "6")]
    Kvlist(KeyValueList),
    #[prost(bytes = "vec", tag = "7")]
    Bytes(Vec<u8>),
}

#[derive(Clone, PartialEq, Message)]
pub struct ArrayValue {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<AnyValue>,
}

#[derive(Clone, PartialEq, Message)]
pub struct KeyValueList {
    #[prost(message, repeated, tag = "1")]
    pub values: Vec<KeyValue>,
}

/// The two OTLP/HTTP encodings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Protobuf,
    Json,
}

impl Encoding {
    pub fn content_type(self) -> &'static str {
        match self {
            Encoding::Protobuf => "application/x-protobuf",
            Encoding::Json => "application/json",
        }
    }
}

/// Why a request body is not an OTLP logs export (the text names where, never a value).
#[derive(Debug, PartialEq, Eq)]
pub struct Invalid(pub String);

fn bad(at: &str, what: &str) -> Invalid {
    Invalid(format!("{at}: {what}"))
}

// ---- decoding ---------------------------------------------------------------------------

pub fn decode(body: &[u8], enc: Encoding) -> Result<ExportLogsServiceRequest, Invalid> {
    match enc {
        Encoding::Protobuf => ExportLogsServiceRequest::decode(body).map_err(|_| Invalid("not a valid ExportLogsServiceRequest protobuf message".into())),
        Encoding::Json => {
            let v: Value = serde_json::from_slice(body).map_err(|e| Invalid(format!("not JSON ({e})")))?;
            request_from_json(&v)
        }
    }
}

/// A member by its lowerCamelCase name or its proto field name (both are accepted).
fn member<'a>(o: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    o.get(camel).or_else(|| o.get(snake)).filter(|v| !v.is_null())
}

fn object<'a>(v: &'a Value, at: &str) -> Result<&'a Map<String, Value>, Invalid> {
    v.as_object().ok_or_else(|| bad(at, "expected an object"))
}

fn list<'a>(o: &'a Map<String, Value>, camel: &str, snake: &str, at: &str) -> Result<&'a [Value], Invalid> {
    match member(o, camel, snake) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(bad(&format!("{at}.{camel}"), "expected an array")),
    }
}

fn string(o: &Map<String, Value>, camel: &str, snake: &str, at: &str) -> Result<String, Invalid> {
    match member(o, camel, snake) {
        None => Ok(String::new()),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(bad(&format!("{at}.{camel}"), "expected a string")),
    }
}

/// A 64-bit integer: a JSON number or a decimal string (the proto3 JSON form).
fn int(o: &Map<String, Value>, camel: &str, snake: &str, at: &str) -> Result<i128, Invalid> {
    let v = match member(o, camel, snake) {
        None => return Ok(0),
        Some(v) => v,
    };
    let n = match v {
        Value::Number(n) => n.as_i64().map(i128::from).or_else(|| n.as_u64().map(i128::from)),
        Value::String(s) => s.parse::<i128>().ok(),
        _ => None,
    };
    n.ok_or_else(|| bad(&format!("{at}.{camel}"), "expected an integer"))
}

fn ranged<T: TryFrom<i128>>(o: &Map<String, Value>, camel: &str, snake: &str, at: &str) -> Result<T, Invalid> {
    T::try_from(int(o, camel, snake, at)?).map_err(|_| bad(&format!("{at}.{camel}"), "integer out of range"))
}

fn hex(o: &Map<String, Value>, camel: &str, snake: &str, at: &str, len: usize) -> Result<Vec<u8>, Invalid> {
    let s = string(o, camel, snake, at)?;
    if s.is_empty() {
        return Ok(Vec::new());
    }
    let b = s.as_bytes();
    let digit = |c: u8| (c as char).to_digit(16);
    if b.len() != len * 2 {
        return Err(bad(&format!("{at}.{camel}"), &format!("expected {} hex digits", len * 2)));
    }
    b.chunks(2)
        .map(|p| match (p.first().copied().and_then(digit), p.get(1).copied().and_then(digit)) {
            (Some(h), Some(l)) => Ok((h * 16 + l) as u8),
            _ => Err(bad(&format!("{at}.{camel}"), "expected hex digits")),
        })
        .collect()
}

fn request_from_json(v: &Value) -> Result<ExportLogsServiceRequest, Invalid> {
    let o = object(v, "$")?;
    let mut req = ExportLogsServiceRequest::default();
    for (i, rl) in list(o, "resourceLogs", "resource_logs", "$")?.iter().enumerate() {
        let at = format!("$.resourceLogs[{i}]");
        let ro = object(rl, &at)?;
        let resource = match member(ro, "resource", "resource") {
            None => None,
            Some(r) => {
                let at = format!("{at}.resource");
                let r = object(r, &at)?;
                Some(Resource {
                    attributes: attributes_from_json(r, &at)?,
                    dropped_attributes_count: ranged(r, "droppedAttributesCount", "dropped_attributes_count", &at)?,
                    entity_refs: list(r, "entityRefs", "entity_refs", &at)?
                        .iter()
                        .enumerate()
                        .map(|(k, e)| {
                            let at = format!("{at}.entityRefs[{k}]");
                            let e = object(e, &at)?;
                            let strings = |c: &str, s: &str| -> Result<Vec<String>, Invalid> {
                                list(e, c, s, &at)?.iter().map(|x| x.as_str().map(str::to_string).ok_or_else(|| bad(&format!("{at}.{c}"), "expected strings"))).collect()
                            };
                            Ok(EntityRef {
                                schema_url: string(e, "schemaUrl", "schema_url", &at)?,
                                r#type: string(e, "type", "type", &at)?,
                                id_keys: strings("idKeys", "id_keys")?,
                                description_keys: strings("descriptionKeys", "description_keys")?,
                            })
                        })
                        .collect::<Result<_, _>>()?,
                })
            }
        };
        let mut scopes = Vec::new();
        for (j, sl) in list(ro, "scopeLogs", "scope_logs", &at)?.iter().enumerate() {
            let at = format!("{at}.scopeLogs[{j}]");
            let so = object(sl, &at)?;
            let scope = match member(so, "scope", "scope") {
                None => None,
                Some(s) => {
                    let at = format!("{at}.scope");
                    let s = object(s, &at)?;
                    Some(InstrumentationScope {
                        name: string(s, "name", "name", &at)?,
                        version: string(s, "version", "version", &at)?,
                        attributes: attributes_from_json(s, &at)?,
                        dropped_attributes_count: ranged(s, "droppedAttributesCount", "dropped_attributes_count", &at)?,
                    })
                }
            };
            let mut records = Vec::new();
            for (k, lr) in list(so, "logRecords", "log_records", &at)?.iter().enumerate() {
                let at = format!("{at}.logRecords[{k}]");
                records.push(record_from_json(object(lr, &at)?, &at)?);
            }
            scopes.push(ScopeLogs { scope, log_records: records, schema_url: string(so, "schemaUrl", "schema_url", &at)? });
        }
        req.resource_logs.push(ResourceLogs { resource, scope_logs: scopes, schema_url: string(ro, "schemaUrl", "schema_url", &at)? });
    }
    Ok(req)
}

fn record_from_json(o: &Map<String, Value>, at: &str) -> Result<LogRecord, Invalid> {
    let severity_number = match member(o, "severityNumber", "severity_number") {
        Some(Value::String(name)) => severity_by_name(name).ok_or_else(|| bad(&format!("{at}.severityNumber"), "unknown severity name"))?,
        _ => ranged(o, "severityNumber", "severity_number", at)?,
    };
    Ok(LogRecord {
        time_unix_nano: ranged(o, "timeUnixNano", "time_unix_nano", at)?,
        observed_time_unix_nano: ranged(o, "observedTimeUnixNano", "observed_time_unix_nano", at)?,
        severity_number,
        severity_text: string(o, "severityText", "severity_text", at)?,
        body: member(o, "body", "body").map(|b| any_from_json(b, &format!("{at}.body"), 0)).transpose()?,
        attributes: attributes_from_json(o, at)?,
        dropped_attributes_count: ranged(o, "droppedAttributesCount", "dropped_attributes_count", at)?,
        flags: ranged(o, "flags", "flags", at)?,
        trace_id: hex(o, "traceId", "trace_id", at, 16)?,
        span_id: hex(o, "spanId", "span_id", at, 8)?,
        event_name: string(o, "eventName", "event_name", at)?,
    })
}

const SEVERITIES: [&str; 25] = [
    "UNSPECIFIED", "TRACE", "TRACE2", "TRACE3", "TRACE4", "DEBUG", "DEBUG2", "DEBUG3", "DEBUG4", "INFO", "INFO2", "INFO3", "INFO4", "WARN", "WARN2", "WARN3", "WARN4", "ERROR",
    "ERROR2", "ERROR3", "ERROR4", "FATAL", "FATAL2", "FATAL3", "FATAL4",
];

fn severity_by_name(name: &str) -> Option<i32> {
    let short = name.strip_prefix("SEVERITY_NUMBER_")?;
    SEVERITIES.iter().position(|s| *s == short).map(|i| i as i32)
}

fn attributes_from_json(o: &Map<String, Value>, at: &str) -> Result<Vec<KeyValue>, Invalid> {
    list(o, "attributes", "attributes", at)?.iter().enumerate().map(|(i, kv)| kv_from_json(kv, &format!("{at}.attributes[{i}]"), 0)).collect()
}

/// Deeper values than this are refused (the protobuf decoder's own limit is 100).
const MAX_DEPTH: usize = 64;

fn kv_from_json(v: &Value, at: &str, depth: usize) -> Result<KeyValue, Invalid> {
    let o = object(v, at)?;
    Ok(KeyValue { key: string(o, "key", "key", at)?, value: member(o, "value", "value").map(|x| any_from_json(x, &format!("{at}.value"), depth + 1)).transpose()? })
}

fn any_from_json(v: &Value, at: &str, depth: usize) -> Result<AnyValue, Invalid> {
    if depth > MAX_DEPTH {
        return Err(bad(at, "nested too deeply"));
    }
    let o = object(v, at)?;
    let value = if let Some(s) = member(o, "stringValue", "string_value") {
        Val::String(s.as_str().ok_or_else(|| bad(at, "stringValue: expected a string"))?.to_string())
    } else if let Some(b) = member(o, "boolValue", "bool_value") {
        Val::Bool(b.as_bool().ok_or_else(|| bad(at, "boolValue: expected true or false"))?)
    } else if member(o, "intValue", "int_value").is_some() {
        Val::Int(ranged(o, "intValue", "int_value", at)?)
    } else if let Some(d) = member(o, "doubleValue", "double_value") {
        Val::Double(match d {
            Value::Number(n) => n.as_f64().ok_or_else(|| bad(at, "doubleValue: expected a number"))?,
            Value::String(s) => s.parse().map_err(|_| bad(at, "doubleValue: expected a number"))?,
            _ => return Err(bad(at, "doubleValue: expected a number")),
        })
    } else if let Some(a) = member(o, "arrayValue", "array_value") {
        let at = format!("{at}.arrayValue");
        let a = object(a, &at)?;
        Val::Array(ArrayValue { values: list(a, "values", "values", &at)?.iter().enumerate().map(|(i, x)| any_from_json(x, &format!("{at}.values[{i}]"), depth + 1)).collect::<Result<_, _>>()? })
    } else if let Some(l) = member(o, "kvlistValue", "kvlist_value") {
        let at = format!("{at}.kvlistValue");
        let l = object(l, &at)?;
        Val::Kvlist(KeyValueList { values: list(l, "values", "values", &at)?.iter().enumerate().map(|(i, x)| kv_from_json(x, &format!("{at}.values[{i}]"), depth + 1)).collect::<Result<_, _>>()? })
    } else if let Some(b) = member(o, "bytesValue", "bytes_value") {
        let s = b.as_str().ok_or_else(|| bad(at, "bytesValue: expected base64"))?;
        Val::Bytes(base64::engine::general_purpose::STANDARD.decode(s).map_err(|_| bad(at, "bytesValue: expected base64"))?)
    } else {
        return Ok(AnyValue { value: None });
    };
    Ok(AnyValue { value: Some(value) })
}

// ---- encoding ---------------------------------------------------------------------------

pub fn encode_request(req: &ExportLogsServiceRequest, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Protobuf => req.encode_to_vec(),
        Encoding::Json => serde_json::to_vec(&request_to_json(req)).unwrap_or_default(),
    }
}

pub fn encode_response(rejected: i64, message: &str, enc: Encoding) -> Vec<u8> {
    let partial = (rejected > 0 || !message.is_empty()).then(|| ExportLogsPartialSuccess { rejected_log_records: rejected, error_message: message.to_string() });
    match enc {
        Encoding::Protobuf => ExportLogsServiceResponse { partial_success: partial }.encode_to_vec(),
        Encoding::Json => {
            let mut o = Map::new();
            if let Some(p) = partial {
                o.insert("partialSuccess".into(), serde_json::json!({"rejectedLogRecords": p.rejected_log_records.to_string(), "errorMessage": p.error_message}));
            }
            serde_json::to_vec(&Value::Object(o)).unwrap_or_default()
        }
    }
}

/// A `google.rpc.Status` body for an error answer (`code` is the gRPC code).
pub fn encode_status(code: i32, message: &str, enc: Encoding) -> Vec<u8> {
    match enc {
        Encoding::Protobuf => Status { code, message: message.to_string() }.encode_to_vec(),
        Encoding::Json => serde_json::to_vec(&serde_json::json!({"code": code, "message": message})).unwrap_or_default(),
    }
}

fn hex_string(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn request_to_json(req: &ExportLogsServiceRequest) -> Value {
    let rls: Vec<Value> = req
        .resource_logs
        .iter()
        .map(|rl| {
            let mut o = Map::new();
            if let Some(r) = &rl.resource {
                let mut ro = Map::new();
                ro.insert("attributes".into(), attributes_to_json(&r.attributes));
                if r.dropped_attributes_count > 0 {
                    ro.insert("droppedAttributesCount".into(), r.dropped_attributes_count.into());
                }
                if !r.entity_refs.is_empty() {
                    let refs = r.entity_refs.iter().map(|e| serde_json::json!({"schemaUrl": e.schema_url, "type": e.r#type, "idKeys": e.id_keys, "descriptionKeys": e.description_keys}));
                    ro.insert("entityRefs".into(), Value::Array(refs.collect()));
                }
                o.insert("resource".into(), Value::Object(ro));
            }
            let scopes = rl
                .scope_logs
                .iter()
                .map(|sl| {
                    let mut so = Map::new();
                    if let Some(s) = &sl.scope {
                        let mut x = Map::new();
                        x.insert("name".into(), s.name.clone().into());
                        x.insert("version".into(), s.version.clone().into());
                        x.insert("attributes".into(), attributes_to_json(&s.attributes));
                        if s.dropped_attributes_count > 0 {
                            x.insert("droppedAttributesCount".into(), s.dropped_attributes_count.into());
                        }
                        so.insert("scope".into(), Value::Object(x));
                    }
                    so.insert("logRecords".into(), Value::Array(sl.log_records.iter().map(record_to_json).collect()));
                    if !sl.schema_url.is_empty() {
                        so.insert("schemaUrl".into(), sl.schema_url.clone().into());
                    }
                    Value::Object(so)
                })
                .collect();
            o.insert("scopeLogs".into(), Value::Array(scopes));
            if !rl.schema_url.is_empty() {
                o.insert("schemaUrl".into(), rl.schema_url.clone().into());
            }
            Value::Object(o)
        })
        .collect();
    serde_json::json!({ "resourceLogs": rls })
}

fn record_to_json(r: &LogRecord) -> Value {
    let mut o = Map::new();
    if r.time_unix_nano != 0 {
        o.insert("timeUnixNano".into(), r.time_unix_nano.to_string().into());
    }
    if r.observed_time_unix_nano != 0 {
        o.insert("observedTimeUnixNano".into(), r.observed_time_unix_nano.to_string().into());
    }
    if r.severity_number != 0 {
        o.insert("severityNumber".into(), r.severity_number.into());
    }
    if !r.severity_text.is_empty() {
        o.insert("severityText".into(), r.severity_text.clone().into());
    }
    if let Some(b) = &r.body {
        o.insert("body".into(), any_to_json(b));
    }
    o.insert("attributes".into(), attributes_to_json(&r.attributes));
    if r.dropped_attributes_count > 0 {
        o.insert("droppedAttributesCount".into(), r.dropped_attributes_count.into());
    }
    if r.flags != 0 {
        o.insert("flags".into(), r.flags.into());
    }
    if !r.trace_id.is_empty() {
        o.insert("traceId".into(), hex_string(&r.trace_id).into());
    }
    if !r.span_id.is_empty() {
        o.insert("spanId".into(), hex_string(&r.span_id).into());
    }
    if !r.event_name.is_empty() {
        o.insert("eventName".into(), r.event_name.clone().into());
    }
    Value::Object(o)
}

fn attributes_to_json(kvs: &[KeyValue]) -> Value {
    Value::Array(kvs.iter().map(kv_to_json).collect())
}

fn kv_to_json(kv: &KeyValue) -> Value {
    let mut o = Map::new();
    o.insert("key".into(), kv.key.clone().into());
    if let Some(v) = &kv.value {
        o.insert("value".into(), any_to_json(v));
    }
    Value::Object(o)
}

fn any_to_json(v: &AnyValue) -> Value {
    let (k, x) = match &v.value {
        None => return Value::Object(Map::new()),
        Some(Val::String(s)) => ("stringValue", Value::from(s.clone())),
        Some(Val::Bool(b)) => ("boolValue", Value::from(*b)),
        Some(Val::Int(i)) => ("intValue", Value::from(i.to_string())),
        Some(Val::Double(d)) if d.is_finite() => ("doubleValue", Value::from(*d)),
        Some(Val::Double(d)) => ("doubleValue", Value::from(if d.is_nan() { "NaN" } else if *d > 0.0 { "Infinity" } else { "-Infinity" })),
        Some(Val::Array(a)) => ("arrayValue", serde_json::json!({"values": a.values.iter().map(any_to_json).collect::<Vec<_>>()})),
        Some(Val::Kvlist(l)) => ("kvlistValue", serde_json::json!({"values": l.values.iter().map(kv_to_json).collect::<Vec<_>>()})),
        Some(Val::Bytes(b)) => ("bytesValue", Value::from(base64::engine::general_purpose::STANDARD.encode(b))),
    };
    let mut o = Map::new();
    o.insert(k.into(), x);
    Value::Object(o)
}

// ---- a log record as a JSON record, and back ---------------------------------------------

/// The plain JSON of an OTLP value, as the filter sees it (bytes as base64 text).
pub fn plain(v: &AnyValue) -> Value {
    match &v.value {
        None => Value::Null,
        Some(Val::String(s)) => Value::from(s.as_str()),
        Some(Val::Bool(b)) => Value::from(*b),
        Some(Val::Int(i)) => Value::from(*i),
        Some(Val::Double(d)) if d.is_finite() => Value::from(*d),
        Some(Val::Double(d)) => Value::from(d.to_string()),
        Some(Val::Array(a)) => Value::Array(a.values.iter().map(plain).collect()),
        Some(Val::Kvlist(l)) => {
            let mut o = Map::new();
            for kv in &l.values {
                o.insert(kv.key.clone(), kv.value.as_ref().map_or(Value::Null, plain));
            }
            Value::Object(o)
        }
        Some(Val::Bytes(b)) => Value::from(base64::engine::general_purpose::STANDARD.encode(b)),
    }
}

/// The OTLP value of plain JSON (integers that fit i64 stay integers).
pub fn from_plain(v: &Value) -> AnyValue {
    let value = match v {
        Value::Null => None,
        Value::Bool(b) => Some(Val::Bool(*b)),
        Value::Number(n) => Some(match n.as_i64() {
            Some(i) => Val::Int(i),
            None => Val::Double(n.as_f64().unwrap_or(0.0)),
        }),
        Value::String(s) => Some(Val::String(s.clone())),
        Value::Array(a) => Some(Val::Array(ArrayValue { values: a.iter().map(from_plain).collect() })),
        Value::Object(o) => Some(Val::Kvlist(KeyValueList { values: o.iter().map(|(k, v)| KeyValue { key: k.clone(), value: Some(from_plain(v)) }).collect() })),
    };
    AnyValue { value }
}

/// Whether the filter left a value as it was (a double may come back one ULP apart: the core
/// writes it exactly, the reader here is serde_json's fast float parser).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p == q || (p - q).abs() <= f64::EPSILON * p.abs().max(q.abs()),
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q)),
        (Value::Object(x), Value::Object(y)) => x.len() == y.len() && x.iter().all(|(k, p)| y.get(k).is_some_and(|q| same(p, q))),
        _ => a == b,
    }
}

/// The JSON record the filter gets for one log record: `{"message":..,"attributes":{..}}`, keys
/// in the record's order. Written by hand so attribute order (and a repeated key) is kept.
pub fn record_json(r: &LogRecord, out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(b"{");
    let mut first = true;
    if let Some(b) = &r.body {
        out.extend_from_slice(b"\"message\":");
        let _ = serde_json::to_writer(&mut *out, &plain(b));
        first = false;
    }
    if !r.attributes.is_empty() {
        if !first {
            out.push(b',');
        }
        out.extend_from_slice(b"\"attributes\":{");
        for (i, kv) in r.attributes.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let _ = serde_json::to_writer(&mut *out, &kv.key);
            out.push(b':');
            let _ = serde_json::to_writer(&mut *out, &kv.value.as_ref().map_or(Value::Null, plain));
        }
        out.push(b'}');
    }
    out.push(b'}');
}

/// Puts the filter's output for `r` back into `r`: body (`message`) and attributes as
/// filtered (an unchanged value keeps its OTLP type), then every other member (`logseal`) as
/// attributes. False when the output is not an object
/// (never expected: the core always writes one), in which case `r` is left marked.
pub fn apply_output(r: &mut LogRecord, output: &[u8]) -> bool {
    let Ok(Value::Object(mut o)) = serde_json::from_slice::<Value>(output) else {
        r.body = None;
        r.attributes = vec![KeyValue { key: "logseal".into(), value: Some(from_plain(&serde_json::json!({"v": 1, "error": {"kind": "host", "detail": "unreadable filter output"}}))) }];
        return false;
    };
    r.body = match (o.remove("message"), r.body.take()) {
        (None, _) => None,
        (Some(new), Some(old)) if same(&new, &plain(&old)) => Some(old),
        (Some(new), _) => Some(from_plain(&new)),
    };
    let mut filtered = match o.remove("attributes") {
        Some(Value::Object(a)) => a,
        Some(other) => {
            // Not expected from the core; kept rather than lost.
            let mut m = Map::new();
            m.insert("attributes".into(), other);
            m
        }
        None => Map::new(),
    };
    let old = std::mem::take(&mut r.attributes);
    let mut attrs = Vec::with_capacity(old.len() + o.len());
    for kv in old {
        let Some(new) = filtered.remove(&kv.key) else { continue };
        let keep = kv.value.as_ref().is_some_and(|v| same(&new, &plain(v)));
        let value = if keep { kv.value } else { Some(from_plain(&new)) };
        attrs.push(KeyValue { key: kv.key, value });
    }
    for (k, v) in filtered.into_iter().chain(o) {
        attrs.push(KeyValue { key: k, value: Some(from_plain(&v)) });
    }
    r.attributes = attrs;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> Option<AnyValue> {
        Some(AnyValue { value: Some(Val::String(s.into())) })
    }

    fn sample() -> ExportLogsServiceRequest {
        ExportLogsServiceRequest {
            resource_logs: vec![ResourceLogs {
                resource: Some(Resource { attributes: vec![KeyValue { key: "service.name".into(), value: sv("checkout") }], ..Default::default() }),
                scope_logs: vec![ScopeLogs {
                    scope: Some(InstrumentationScope { name: "app".into(), version: "1.2".into(), ..Default::default() }),
                    log_records: vec![LogRecord {
                        time_unix_nano: 1_764_237_600_000_000_001,
                        severity_number: 17,
                        severity_text: "ERROR".into(),
                        body: sv("card 4111 1111 1111 1111"),
                        attributes: vec![
                            KeyValue { key: "n".into(), value: Some(AnyValue { value: Some(Val::Int(-7)) }) },
                            KeyValue { key: "d".into(), value: Some(AnyValue { value: Some(Val::Double(0.1)) }) },
                            KeyValue { key: "raw".into(), value: Some(AnyValue { value: Some(Val::Bytes(vec![0, 255])) }) },
                        ],
                        trace_id: (0..16).collect(),
                        span_id: (0..8).collect(),
                        flags: 1,
                        ..Default::default()
                    }],
                    schema_url: String::new(),
                }],
                schema_url: "https://opentelemetry.io/schemas/1.26.0".into(),
            }],
        }
    }

    #[test]
    fn json_and_protobuf_encodings_round_trip() {
        let req = sample();
        for enc in [Encoding::Protobuf, Encoding::Json] {
            assert_eq!(decode(&encode_request(&req, enc), enc).unwrap(), req, "{enc:?}");
        }
        let json = String::from_utf8(encode_request(&req, Encoding::Json)).unwrap();
        assert!(json.contains(r#""traceId":"000102030405060708090a0b0c0d0e0f""#), "{json}");
        assert!(json.contains(r#""timeUnixNano":"1764237600000000001""#), "{json}");
        assert!(json.contains(r#""intValue":"-7""#), "{json}");
    }

    #[test]
    fn field_numbers_match_the_published_proto() {
        // Hand-encoded from logs.proto and common.proto: time_unix_nano (1, fixed64),
        // severity_number (2, varint), body (5), attributes (6), flags (8, fixed32),
        // observed_time_unix_nano (11, fixed64); AnyValue int (3) and bytes (7).
        let bytes = [
            0x09, 1, 0, 0, 0, 0, 0, 0, 0, // time_unix_nano = 1
            0x10, 9, // severity_number = 9
            0x2a, 3, 0x0a, 1, b'x', // body = "x"
            0x32, 8, 0x0a, 1, b'a', 0x12, 3, 0x0a, 1, b'b', // attributes: a = "b"
            0x32, 7, 0x0a, 1, b'n', 0x12, 2, 0x18, 5, // attributes: n = 5
            0x32, 7, 0x0a, 1, b'r', 0x12, 2, 0x3a, 0, // attributes: r = bytes ""
            0x45, 1, 0, 0, 0, // flags = 1
            0x59, 2, 0, 0, 0, 0, 0, 0, 0, // observed_time_unix_nano = 2
        ];
        let r = LogRecord::decode(&bytes[..]).unwrap();
        assert_eq!((r.time_unix_nano, r.severity_number, r.flags, r.observed_time_unix_nano), (1, 9, 1, 2));
        assert_eq!(r.body, sv("x"));
        assert_eq!(r.attributes[0], KeyValue { key: "a".into(), value: sv("b") });
        assert_eq!(r.attributes[1].value, Some(AnyValue { value: Some(Val::Int(5)) }));
        assert_eq!(r.attributes[2].value, Some(AnyValue { value: Some(Val::Bytes(vec![])) }));
        // ExportLogsServiceResponse { partial_success (1) { rejected_log_records (1) = 2 } }.
        assert_eq!(encode_response(2, "", Encoding::Protobuf), vec![0x0a, 2, 0x08, 2]);
    }

    #[test]
    fn json_accepts_proto_names_numbers_and_severity_names() {
        let text = r#"{"resource_logs":[{"scope_logs":[{"log_records":[{"time_unix_nano":5,"severityNumber":"SEVERITY_NUMBER_WARN","body":{"int_value":3}}]}]}]}"#;
        let req = decode(text.as_bytes(), Encoding::Json).unwrap();
        let r = &req.resource_logs[0].scope_logs[0].log_records[0];
        assert_eq!((r.time_unix_nano, r.severity_number), (5, 13));
        assert_eq!(r.body, Some(AnyValue { value: Some(Val::Int(3)) }));
    }

    #[test]
    fn invalid_input_is_named_by_its_path() {
        let cases = [
            (r#"[]"#, "$: expected an object"),
            (r#"{"resourceLogs":{}}"#, "$.resourceLogs: expected an array"),
            (r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"zz"}]}]}]}"#, "$.resourceLogs[0].scopeLogs[0].logRecords[0].traceId: expected 32 hex digits"),
            (r#"{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"flags":-1}]}]}]}"#, "$.resourceLogs[0].scopeLogs[0].logRecords[0].flags: integer out of range"),
        ];
        for (text, want) in cases {
            assert_eq!(decode(text.as_bytes(), Encoding::Json), Err(Invalid(want.into())), "{text}");
        }
        assert!(decode(b"\xff\xff\xff", Encoding::Protobuf).is_err());
        // Deep nesting is refused, not recursed into without end.
        let mut deep = String::from("{\"resourceLogs\":[{\"scopeLogs\":[{\"logRecords\":[{\"body\":");
        for _ in 0..100 {
            deep.push_str("{\"arrayValue\":{\"values\":[");
        }
        assert!(decode(deep.as_bytes(), Encoding::Json).is_err());
    }

    #[test]
    fn unchanged_values_keep_their_type_and_changed_ones_take_the_output() {
        let mut r = sample().resource_logs[0].scope_logs[0].log_records[0].clone();
        let mut json = Vec::new();
        record_json(&r, &mut json);
        assert_eq!(String::from_utf8(json.clone()).unwrap(), r#"{"message":"card 4111 1111 1111 1111","attributes":{"n":-7,"d":0.1,"raw":"AP8="}}"#);
        let out = br#"{"message":"card [card]","attributes":{"n":-7,"d":0.1,"raw":"AP8="},"logseal":{"v":1,"redacted":{"card":1}}}"#;
        assert!(apply_output(&mut r, out));
        assert_eq!(r.body, sv("card [card]"));
        assert_eq!(r.attributes[2].value, Some(AnyValue { value: Some(Val::Bytes(vec![0, 255])) }));
        assert_eq!(r.attributes[0].value, Some(AnyValue { value: Some(Val::Int(-7)) }));
        assert_eq!(r.attributes[3].key, "logseal");
        assert_eq!(plain(r.attributes[3].value.as_ref().unwrap()), serde_json::json!({"v":1,"redacted":{"card":1}}));
        // Severity, trace context and times are untouched.
        assert_eq!((r.severity_number, r.flags, r.span_id.len()), (17, 1, 8));
    }
}
