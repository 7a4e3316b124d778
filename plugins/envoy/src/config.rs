//! The plugin configuration (Envoy's `configuration` StringValue): the logseal policy plus the
//! settings of the plugin's role, read strictly. Every error names its JSON path, and policy
//! errors keep the core's path below `$.policy`. Messages never quote configuration values.
//!
//! ```json
//! {"role": "access_log",
//!  "instance": "edge-1",
//!  "policy": {"version": 1, "keys": {"seal": "env:LOGSEAL_SEAL_KEY"}, "seal": {}},
//!  "access_log": {"envoy_log": false,
//!                 "request_headers": ["referer", "authorization"],
//!                 "collector": {"cluster": "logseal_collector", "path": "/ingest"}},
//!  "http_filter": {"headers": ["referer"], "strip_request_headers": ["x-debug-token"]}}
//! ```

use logseal::keys::KeyRef;
use logseal::policy::Policy;
use serde_json::{Map, Value};
use std::fmt;

/// What the plugin does in this Envoy extension point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `envoy.access_loggers.wasm`: one record per finished request.
    AccessLog,
    /// `envoy.filters.http.wasm`: safe values for Envoy's own access logs.
    HttpFilter,
}

impl Role {
    /// The role a `plugin_root_id` names, when the configuration does not say.
    pub fn from_root_id(id: &str) -> Option<Role> {
        match id {
            "logseal_access_log" | "access_log" => Some(Role::AccessLog),
            "logseal_http_filter" | "http_filter" => Some(Role::HttpFilter),
            _ => None,
        }
    }
}

/// Where and how access records are shipped by HTTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Collector {
    /// The Envoy cluster the batches go to.
    pub cluster: String,
    /// The `:authority` of the requests (default: the cluster name).
    pub authority: String,
    pub path: String,
    pub timeout_ms: u64,
    /// A batch is sent once it holds this many records ...
    pub batch_records: usize,
    /// ... or this many bytes ...
    pub batch_bytes: usize,
    /// ... or its oldest record has waited this long.
    pub flush_ms: u64,
    /// The queue holds at most this many records (sent or not yet acknowledged) ...
    pub queue_records: usize,
    /// ... and this many bytes; beyond, records are dropped, counted and declared in a gap record.
    pub queue_bytes: usize,
    /// The first retry waits this long, each further one twice as long, up to `retry_max_ms`.
    pub retry_min_ms: u64,
    pub retry_max_ms: u64,
}

/// Settings of the access logger role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessLog {
    /// One JSON line per record to Envoy's own log (`proxy_log`, level info).
    pub envoy_log: bool,
    pub collector: Option<Collector>,
    /// Request and response headers copied into the record (lower case).
    pub request_headers: Vec<String>,
    pub response_headers: Vec<String>,
}

/// Settings of the HTTP filter role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpFilter {
    /// Request headers whose safe values are exposed besides path, user agent and referer.
    pub headers: Vec<String>,
    /// Request headers removed before the request goes upstream.
    pub strip_request_headers: Vec<String>,
    /// Adds a random `x-request-id` when the request has none.
    pub add_request_id: bool,
}

/// The whole plugin configuration, read.
#[derive(Clone, Debug)]
pub struct Settings {
    pub role: Option<Role>,
    /// The chain label's first part; the VM's number follows (`edge-1.vm3`).
    pub instance: Option<String>,
    /// The policy document as text (None: the built-in default policy).
    pub policy: Option<String>,
    pub access_log: AccessLog,
    pub http_filter: HttpFilter,
}

/// A configuration that cannot be used: where, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn err(path: &str, message: impl Into<String>) -> ConfigError {
    ConfigError { path: path.to_string(), message: message.into() }
}

const TOP: &[&str] = &["role", "instance", "policy", "access_log", "http_filter"];
const ACCESS_LOG: &[&str] = &["envoy_log", "collector", "request_headers", "response_headers"];
const COLLECTOR: &[&str] = &[
    "cluster", "authority", "path", "timeout_ms", "batch_records", "batch_bytes", "flush_ms", "queue_records", "queue_bytes",
    "retry_min_ms", "retry_max_ms",
];
const HTTP_FILTER: &[&str] = &["headers", "strip_request_headers", "add_request_id"];

/// The longest `instance`: the core allows 64 bytes for the whole label, `.vmNNNN` follows.
pub const MAX_INSTANCE: usize = 48;

impl Settings {
    /// Reads the plugin configuration. Empty text means the defaults (default policy, the
    /// role from `plugin_root_id`, records to Envoy's log).
    pub fn parse(text: &[u8]) -> Result<Settings, ConfigError> {
        let mut s = Settings {
            role: None,
            instance: None,
            policy: None,
            access_log: AccessLog { envoy_log: true, collector: None, request_headers: Vec::new(), response_headers: Vec::new() },
            http_filter: HttpFilter { headers: Vec::new(), strip_request_headers: Vec::new(), add_request_id: true },
        };
        if text.iter().all(|b| b.is_ascii_whitespace()) {
            return Ok(s);
        }
        let doc: Value = serde_json::from_slice(text).map_err(|e| err("$", format!("not valid JSON (line {}, column {})", e.line(), e.column())))?;
        let top = object(&doc, "$", TOP)?;
        if let Some(v) = top.get("role") {
            s.role = Some(match string(v, "$.role")? {
                "access_log" => Role::AccessLog,
                "http_filter" => Role::HttpFilter,
                _ => return Err(err("$.role", "expected \"access_log\" or \"http_filter\"")),
            });
        }
        if let Some(v) = top.get("instance") {
            let label = string(v, "$.instance")?;
            let ok = !label.is_empty() && label.len() <= MAX_INSTANCE && label.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
            if !ok {
                return Err(err("$.instance", format!("expected a label of letters, digits and _ - . (at most {MAX_INSTANCE})")));
            }
            s.instance = Some(label.to_string());
        }
        if let Some(v) = top.get("policy") {
            s.policy = Some(match v {
                Value::String(text) => text.clone(),
                Value::Object(_) => v.to_string(),
                _ => return Err(err("$.policy", "expected the logseal policy, as an object or a JSON string")),
            });
        }
        if let Some(v) = top.get("access_log") {
            let o = object(v, "$.access_log", ACCESS_LOG)?;
            let a = &mut s.access_log;
            if let Some(v) = o.get("envoy_log") {
                a.envoy_log = boolean(v, "$.access_log.envoy_log")?;
            }
            if let Some(v) = o.get("request_headers") {
                a.request_headers = headers(v, "$.access_log.request_headers")?;
            }
            if let Some(v) = o.get("response_headers") {
                a.response_headers = headers(v, "$.access_log.response_headers")?;
            }
            if let Some(v) = o.get("collector") {
                a.collector = Some(collector(v, "$.access_log.collector")?);
            }
        }
        if let Some(v) = top.get("http_filter") {
            let o = object(v, "$.http_filter", HTTP_FILTER)?;
            let h = &mut s.http_filter;
            if let Some(v) = o.get("headers") {
                h.headers = headers(v, "$.http_filter.headers")?;
            }
            if let Some(v) = o.get("strip_request_headers") {
                h.strip_request_headers = headers(v, "$.http_filter.strip_request_headers")?;
            }
            if let Some(v) = o.get("add_request_id") {
                h.add_request_id = boolean(v, "$.http_filter.add_request_id")?;
            }
        }
        Ok(s)
    }

    /// The policy text to compile, with the seal's instance label set to `label` when the
    /// policy seals, after checking that every key is an `env:` reference. The configuration
    /// is visible in Envoy's admin `/config_dump`, so keys written into it (or files beside it)
    /// are refused.
    pub fn policy_text(&self, label: &str) -> Result<Option<String>, ConfigError> {
        let Some(text) = &self.policy else { return Ok(None) };
        let policy = Policy::parse(text).map_err(|e| err(&under_policy(&e.path), e.problem.to_string()))?;
        for (_, key, path) in &policy.keys {
            if !matches!(key, KeyRef::Env(_)) {
                return Err(err(
                    &under_policy(path),
                    "keys come only from env: references here (vm_config.environment_variables.host_env_keys): \
                     Envoy's admin /config_dump shows the configuration to anyone with admin access",
                ));
            }
        }
        if policy.seal.is_none() {
            return Ok(Some(text.clone()));
        }
        // Parsed once above, so this is JSON with a `seal` object.
        let mut doc: Value = serde_json::from_str(text).map_err(|_| err("$.policy", "not valid JSON"))?;
        if let Some(seal) = doc.get_mut("seal").and_then(Value::as_object_mut) {
            seal.insert("instance".into(), Value::String(label.to_string()));
        }
        Ok(Some(doc.to_string()))
    }

    /// The first part of the chain label: `instance`, else the policy's `seal.instance`, else
    /// `envoy`.
    pub fn label_prefix(&self) -> String {
        if let Some(i) = &self.instance {
            return i.clone();
        }
        let from_policy = self
            .policy
            .as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .and_then(|d| d.get("seal")?.get("instance")?.as_str().map(str::to_string))
            .filter(|l| l.len() <= MAX_INSTANCE);
        from_policy.unwrap_or_else(|| "envoy".to_string())
    }
}

/// A path in the policy, as a path in the plugin configuration (`$.redact` -> `$.policy.redact`).
pub fn under_policy(path: &str) -> String {
    match path.strip_prefix('$') {
        Some(rest) => format!("$.policy{rest}"),
        None => format!("$.policy.{path}"),
    }
}

fn object<'a>(v: &'a Value, path: &str, allowed: &[&str]) -> Result<&'a Map<String, Value>, ConfigError> {
    let o = v.as_object().ok_or_else(|| err(path, "expected an object"))?;
    // The unknown key itself is not quoted: a misplaced key might be a secret.
    if o.keys().any(|k| !allowed.contains(&k.as_str())) {
        return Err(err(path, format!("unknown key; expected one of: {}", allowed.join(", "))));
    }
    Ok(o)
}

fn string<'a>(v: &'a Value, path: &str) -> Result<&'a str, ConfigError> {
    v.as_str().ok_or_else(|| err(path, "expected a string"))
}

fn boolean(v: &Value, path: &str) -> Result<bool, ConfigError> {
    v.as_bool().ok_or_else(|| err(path, "expected true or false"))
}

fn uint(v: &Value, path: &str, min: u64, max: u64) -> Result<u64, ConfigError> {
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(err(path, format!("expected an integer from {min} to {max}"))),
    }
}

/// A list of header names: lower case, as Envoy keys its header maps.
fn headers(v: &Value, path: &str) -> Result<Vec<String>, ConfigError> {
    let list = v.as_array().ok_or_else(|| err(path, "expected a list of header names"))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let p = format!("{path}[{i}]");
        let name = string(item, &p)?;
        let token = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
        let pseudo = name.strip_prefix(':').unwrap_or(name);
        if pseudo.is_empty() || name.len() > 256 || !pseudo.bytes().all(token) {
            return Err(err(&p, "expected a header name"));
        }
        out.push(name.to_ascii_lowercase());
    }
    Ok(out)
}

fn collector(v: &Value, path: &str) -> Result<Collector, ConfigError> {
    let o = object(v, path, COLLECTOR)?;
    let p = |k: &str| format!("{path}.{k}");
    let cluster = string(o.get("cluster").ok_or_else(|| err(&p("cluster"), "required but missing"))?, &p("cluster"))?;
    if cluster.is_empty() {
        return Err(err(&p("cluster"), "expected the name of an Envoy cluster"));
    }
    let mut c = Collector {
        cluster: cluster.to_string(),
        authority: cluster.to_string(),
        path: "/".to_string(),
        timeout_ms: 5_000,
        batch_records: 100,
        batch_bytes: 256 * 1024,
        flush_ms: 1_000,
        queue_records: 10_000,
        queue_bytes: 16 * 1024 * 1024,
        retry_min_ms: 200,
        retry_max_ms: 30_000,
    };
    if let Some(v) = o.get("authority") {
        c.authority = string(v, &p("authority"))?.to_string();
    }
    if let Some(v) = o.get("path") {
        let path_text = string(v, &p("path"))?;
        if !path_text.starts_with('/') || path_text.bytes().any(|b| b <= b' ' || b == 0x7f) {
            return Err(err(&p("path"), "expected a request path starting with /"));
        }
        c.path = path_text.to_string();
    }
    let n = |k: &str, min: u64, max: u64, default: u64| -> Result<u64, ConfigError> {
        o.get(k).map_or(Ok(default), |v| uint(v, &p(k), min, max))
    };
    c.timeout_ms = n("timeout_ms", 1, 600_000, c.timeout_ms)?;
    c.batch_records = n("batch_records", 1, 100_000, c.batch_records as u64)? as usize;
    c.batch_bytes = n("batch_bytes", 1024, 64 << 20, c.batch_bytes as u64)? as usize;
    c.flush_ms = n("flush_ms", 10, 600_000, c.flush_ms)?;
    c.queue_records = n("queue_records", 1, 10_000_000, c.queue_records as u64)? as usize;
    c.queue_bytes = n("queue_bytes", 1024, 1 << 30, c.queue_bytes as u64)? as usize;
    c.retry_min_ms = n("retry_min_ms", 1, 600_000, c.retry_min_ms)?;
    c.retry_max_ms = n("retry_max_ms", c.retry_min_ms, 3_600_000, c.retry_max_ms.max(c.retry_min_ms))?;
    if c.queue_records < c.batch_records {
        return Err(err(&p("queue_records"), "must be at least batch_records"));
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(text.as_bytes())
    }

    #[test]
    fn empty_configuration_means_defaults() {
        let s = parse("").unwrap();
        assert_eq!(s.role, None);
        assert!(s.policy.is_none());
        assert!(s.access_log.envoy_log);
        assert!(s.access_log.collector.is_none());
        assert!(s.http_filter.add_request_id);
    }

    #[test]
    fn reads_every_setting() {
        let s = parse(
            r#"{"role":"access_log","instance":"edge-1","policy":{"version":1},
                "access_log":{"envoy_log":false,"request_headers":["Referer","x-api-key"],"response_headers":["content-type"],
                  "collector":{"cluster":"c","path":"/in","batch_records":5,"queue_records":50,"flush_ms":100}},
                "http_filter":{"headers":["x-forwarded-for"],"strip_request_headers":["x-debug-token"],"add_request_id":false}}"#,
        )
        .unwrap();
        assert_eq!(s.role, Some(Role::AccessLog));
        assert_eq!(s.instance.as_deref(), Some("edge-1"));
        assert_eq!(s.access_log.request_headers, ["referer", "x-api-key"]);
        let c = s.access_log.collector.unwrap();
        assert_eq!((c.cluster.as_str(), c.authority.as_str(), c.path.as_str()), ("c", "c", "/in"));
        assert_eq!((c.batch_records, c.queue_records, c.flush_ms), (5, 50, 100));
        assert_eq!(s.http_filter.strip_request_headers, ["x-debug-token"]);
        assert!(!s.http_filter.add_request_id);
    }

    #[test]
    fn errors_name_the_json_path() {
        let cases = [
            (r#"{"rol":"x"}"#, "$: unknown key"),
            (r#"{"role":"proxy"}"#, "$.role: expected"),
            (r#"{"access_log":{"collector":{}}}"#, "$.access_log.collector.cluster: required"),
            (r#"{"access_log":{"collector":{"cluster":"c","batch_records":0}}}"#, "$.access_log.collector.batch_records: expected an integer"),
            (r#"{"access_log":{"request_headers":["ok","bad header"]}}"#, "$.access_log.request_headers[1]: expected a header name"),
            (r#"{"http_filter":{"add_request_id":"yes"}}"#, "$.http_filter.add_request_id: expected true or false"),
            (r#"{"policy":7}"#, "$.policy: expected the logseal policy"),
            ("{", "$: not valid JSON"),
        ];
        for (text, want) in cases {
            let e = parse(text).unwrap_err().to_string();
            assert!(e.starts_with(want), "{text}: {e}");
        }
    }

    #[test]
    fn policy_errors_carry_the_core_path_below_policy() {
        let s = parse(r#"{"policy":{"version":1,"limits":{"max_depth":0}}}"#).unwrap();
        let e = s.policy_text("envoy.vm1").unwrap_err().to_string();
        assert_eq!(e, "$.policy.limits.max_depth: expected an integer from 1 to 1024");
        let s = parse(r#"{"policy":"{\"version\":2}"}"#).unwrap();
        assert!(s.policy_text("l").unwrap_err().to_string().starts_with("$.policy.version: "));
    }

    #[test]
    fn keys_other_than_env_references_are_refused_without_quoting_them() {
        let secret = "SD9eflU7vmJR35tQC7h5LJ4QkoO2PtiIku/xaHngbYI=";
        let s = parse(&format!(r#"{{"policy":{{"version":1,"keys":{{"seal":"base64:{secret}"}},"seal":{{}}}}}}"#)).unwrap();
        let e = s.policy_text("l").unwrap_err().to_string();
        assert!(e.starts_with("$.policy.keys.seal: keys come only from env: references"), "{e}");
        assert!(!e.contains(secret));
        let s = parse(r#"{"policy":{"version":1,"keys":{"seal":"file:/etc/ring.json"},"seal":{}}}"#).unwrap();
        assert!(s.policy_text("l").unwrap_err().to_string().starts_with("$.policy.keys.seal: "));
    }

    #[test]
    fn a_sealing_policy_gets_the_vm_label() {
        let s = parse(r#"{"policy":{"version":1,"keys":{"seal":"env:K"},"seal":{"instance":"pod-a"}}}"#).unwrap();
        assert_eq!(s.label_prefix(), "pod-a");
        let text = s.policy_text("pod-a.vm2").unwrap().unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["seal"]["instance"], "pod-a.vm2");
        let s = parse(r#"{"instance":"edge","policy":{"version":1}}"#).unwrap();
        assert_eq!(s.label_prefix(), "edge");
        assert_eq!(s.policy_text("edge.vm1").unwrap().unwrap(), r#"{"version":1}"#);
        assert_eq!(parse("").unwrap().label_prefix(), "envoy");
    }

    #[test]
    fn the_root_id_names_a_role() {
        assert_eq!(Role::from_root_id("logseal_access_log"), Some(Role::AccessLog));
        assert_eq!(Role::from_root_id("logseal_http_filter"), Some(Role::HttpFilter));
        assert_eq!(Role::from_root_id(""), None);
    }

    #[test]
    fn unknown_keys_are_not_quoted() {
        let e = parse(r#"{"access_log":{"hunter2":1}}"#).unwrap_err().to_string();
        assert!(!e.contains("hunter2"), "{e}");
    }
}
