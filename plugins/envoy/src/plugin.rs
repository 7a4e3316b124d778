//! The proxy-wasm contexts: one root context per plugin per VM (Envoy runs one VM per worker
//! thread, plus one on the main thread), and an HTTP context per request in the filter role.

use crate::access::{int_property, Access};
use crate::config::{under_policy, Role, Settings};
use crate::host;
use crate::metrics::Metrics;
use crate::ship::Queue;
use logseal::json::string::encode_body;
use logseal::policy::{Environment, Plan};
use logseal::stage::seal::CHAIN_RANDOM_BYTES;
use logseal::{Context as Ctx, Filter, Outcome};
use proxy_wasm::traits::{Context, HttpContext, RootContext};
use proxy_wasm::types::{Action, BufferType, ContextType, LogLevel, MapType};
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

proxy_wasm::main! {{
    proxy_wasm::set_root_context(|_| -> Box<dyn RootContext> { Box::new(Root::default()) });
}}

/// The shared data key whose counter numbers the VMs of this plugin in the process.
const VM_COUNTER: &str = "logseal.vm_count";

/// The filter and its buffers, shared by the root context and the HTTP contexts of one VM.
struct Core {
    filter: Filter,
    /// The access record as written for the core.
    record: Vec<u8>,
    /// The filtered record.
    out: Vec<u8>,
    access: Access,
    /// The counters as Envoy stats, and a buffer for their values.
    metrics: Metrics,
    counts: Vec<u64>,
}

#[derive(Default)]
struct Root {
    settings: Option<Rc<Settings>>,
    role: Option<Role>,
    core: Option<Rc<RefCell<Core>>>,
    queue: Option<Queue>,
    /// Whether the queue is dropping records (warned once per episode).
    overflowing: bool,
}

/// Envoy's WASI environment: `env:` keys read the variables `vm_config.environment_variables`
/// passes in; there are no files; warnings go to Envoy's log.
struct Wasi;

impl Environment for Wasi {
    fn read_file(&self, _path: &str) -> Result<Vec<u8>, String> {
        Err("the Envoy plugin reads keys only from env: references".into())
    }
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
    fn warn(&self, message: &str) {
        host::log(LogLevel::Warn, &format!("logseal: warning: {message}"));
    }
}

fn now_ms() -> u64 {
    (host::now_ns() / 1_000_000).max(0) as u64
}

impl Context for Root {
    fn on_http_call_response(&mut self, _token: u32, _headers: usize, _body: usize, _trailers: usize) {
        let ok = host::header(MapType::HttpCallResponseHeaders, ":status")
            .and_then(|s| std::str::from_utf8(&s).ok()?.parse::<u16>().ok())
            .is_some_and(|s| (200..300).contains(&s));
        let now = now_ms();
        if let Some(q) = &mut self.queue {
            if ok {
                q.sent();
            } else {
                q.failed(now);
            }
        }
        self.settle_gap();
        self.send(now, false);
    }
}

impl RootContext for Root {
    fn on_vm_start(&mut self, _size: usize) -> bool {
        true
    }

    fn on_configure(&mut self, size: usize) -> bool {
        match self.configure(size) {
            Ok(()) => true,
            Err(why) => {
                host::log(LogLevel::Error, &format!("logseal: configuration refused: {why}"));
                false
            }
        }
    }

    fn on_tick(&mut self) {
        self.settle_gap();
        self.send(now_ms(), false);
    }

    fn on_log(&mut self) {
        let (Some(settings), Some(core)) = (self.settings.clone(), self.core.clone()) else { return };
        let Ok(mut core) = core.try_borrow_mut() else { return };
        let core = &mut *core;
        read_access(&settings, &mut core.access);
        core.access.write(&mut core.record);
        let now = host::now_ns();
        let ctx = Ctx { time_ns: now, ..Ctx::default() };
        if let Some(q) = &mut self.queue {
            if q.gap_due() {
                let n = q.undeclared();
                core.filter.declare_gap(n, now, &mut core.out);
                ship_line(&settings, &core.out);
                q.push_gap(&core.out, now_ms());
                self.overflowing = false;
                host::log(LogLevel::Warn, &format!("logseal: {n} records were dropped (collector queue full); a sealed gap record declares them"));
            }
        }
        let outcome = core.filter.process(&core.record, &ctx, &mut core.out);
        core.metrics.update(&core.filter, &mut core.counts);
        if outcome == Outcome::Dropped {
            return;
        }
        ship_line(&settings, &core.out);
        if let Some(q) = &mut self.queue {
            if !q.push(&core.out, now_ms()) && !self.overflowing {
                self.overflowing = true;
                host::log(LogLevel::Warn, "logseal: the collector queue is full: records are dropped, counted and declared in a gap record");
            }
        }
        self.send(now_ms(), false);
    }

    fn create_http_context(&self, _id: u32) -> Option<Box<dyn HttpContext>> {
        Some(Box::new(Http { settings: self.settings.clone(), core: self.core.clone() }))
    }

    fn get_type(&self) -> Option<ContextType> {
        Some(ContextType::HttpContext)
    }
}

/// Writes the record to Envoy's log when configured (one JSON line).
fn ship_line(settings: &Settings, record: &[u8]) {
    if settings.access_log.envoy_log {
        if let Ok(line) = std::str::from_utf8(record) {
            host::log(LogLevel::Info, line);
        }
    }
}

impl Root {
    fn configure(&mut self, size: usize) -> Result<(), String> {
        let text = host::buffer(BufferType::PluginConfiguration, size);
        let settings = Settings::parse(&text).map_err(|e| e.to_string())?;
        let root_id = host::property(&["plugin_root_id"]).and_then(|b| String::from_utf8(b).ok()).unwrap_or_default();
        let role = settings.role.or_else(|| Role::from_root_id(&root_id)).unwrap_or(Role::AccessLog);
        let vm = host::next_shared_number(VM_COUNTER).unwrap_or(0);
        let label = format!("{}.vm{vm}", settings.label_prefix());
        let plan = match settings.policy_text(&label).map_err(|e| e.to_string())? {
            None => Plan::default_policy(),
            Some(text) => Plan::load(&text, &Wasi, None).map_err(|e| format!("{}: {}", under_policy(&e.path), e.problem))?,
        };
        let mut filter = Filter::new(plan);
        filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
        if filter.plan().sealer.is_some() {
            let mut random = [0u8; CHAIN_RANDOM_BYTES];
            getrandom::fill(&mut random).map_err(|_| "no randomness from the host to start a hash chain".to_string())?;
            filter.start_chain(&random);
        }
        let chain = filter.chain().map_or("none (the policy does not seal)".to_string(), |c| c.id().to_string());
        self.queue = match (&settings.access_log.collector, role) {
            (Some(c), Role::AccessLog) => {
                let tick = c.flush_ms.min(c.retry_min_ms).clamp(10, 1000) as u32;
                if !host::set_tick_period(tick) {
                    return Err("Envoy refused the timer the collector queue needs".into());
                }
                Some(Queue::new(c.clone()))
            }
            _ => None,
        };
        let role_name = match role {
            Role::AccessLog => "access logger",
            Role::HttpFilter => "HTTP filter",
        };
        host::log(LogLevel::Info, &format!("logseal: {role_name} ready in VM {vm}, chain {chain}"));
        let metrics = Metrics::define(
            &filter,
            match role {
                Role::AccessLog => "access_log",
                Role::HttpFilter => "http_filter",
            },
        );
        self.core = Some(Rc::new(RefCell::new(Core { filter, record: Vec::new(), out: Vec::new(), access: Access::default(), metrics, counts: Vec::new() })));
        self.settings = Some(Rc::new(settings));
        self.role = Some(role);
        Ok(())
    }

    /// Queues the gap record owed, once the queue has room for it.
    fn settle_gap(&mut self) {
        let (Some(q), Some(core), Some(settings)) = (&mut self.queue, &self.core, &self.settings) else { return };
        if !q.gap_due() {
            return;
        }
        let Ok(mut core) = core.try_borrow_mut() else { return };
        let core = &mut *core;
        let n = q.undeclared();
        core.filter.declare_gap(n, host::now_ns(), &mut core.out);
        ship_line(settings, &core.out);
        q.push_gap(&core.out, now_ms());
        self.overflowing = false;
        host::log(LogLevel::Warn, &format!("logseal: {n} records were dropped (collector queue full); a sealed gap record declares them"));
    }

    /// Dispatches the next batch, if one is due.
    fn send(&mut self, now: u64, force: bool) {
        let (Some(q), Some(settings)) = (&mut self.queue, &self.settings) else { return };
        let Some(c) = &settings.access_log.collector else { return };
        let Some(body) = q.next(now, force) else { return };
        let headers = vec![
            (":method", "POST"),
            (":path", c.path.as_str()),
            (":authority", c.authority.as_str()),
            ("content-type", "application/x-ndjson"),
        ];
        let sent = proxy_wasm::hostcalls::dispatch_http_call(&c.cluster, headers, Some(body), vec![], Duration::from_millis(c.timeout_ms));
        if sent.is_err() {
            q.failed(now);
        }
    }
}

/// Reads what Envoy knows about the finished request.
fn read_access(settings: &Settings, a: &mut Access) {
    let text = |path: &[&str]| host::property(path);
    let int = |path: &[&str]| host::property(path).and_then(|b| int_property(&b));
    a.start_ns = int(&["request", "time"]).map(|t| t.min(i64::MAX as u64) as i64);
    a.method = text(&["request", "method"]);
    a.path = text(&["request", "path"]);
    a.protocol = text(&["request", "protocol"]);
    a.authority = text(&["request", "host"]);
    a.status = int(&["response", "code"]);
    a.code_details = text(&["response", "code_details"]);
    a.flags = int(&["response", "flags"]);
    a.duration_ns = int(&["request", "duration"]);
    a.bytes_in = int(&["request", "size"]);
    a.bytes_out = int(&["response", "size"]);
    a.source_address = text(&["source", "address"]);
    a.user_agent = text(&["request", "useragent"]);
    a.request_id = text(&["request", "id"]);
    a.upstream_host = text(&["upstream", "address"]);
    a.route = text(&["xds", "route_name"]);
    a.cluster = text(&["xds", "cluster_name"]);
    a.request_headers.clear();
    for name in &settings.access_log.request_headers {
        if let Some(v) = host::header(MapType::HttpRequestHeaders, name) {
            a.request_headers.push((name.clone(), v));
        }
    }
    a.response_headers.clear();
    for name in &settings.access_log.response_headers {
        if let Some(v) = host::header(MapType::HttpResponseHeaders, name) {
            a.response_headers.push((name.clone(), v));
        }
    }
}

/// The HTTP filter role, per request.
struct Http {
    settings: Option<Rc<Settings>>,
    core: Option<Rc<RefCell<Core>>>,
}

impl Context for Http {}

impl HttpContext for Http {
    fn on_http_request_headers(&mut self, _headers: usize, _end_of_stream: bool) -> Action {
        let (Some(settings), Some(core)) = (&self.settings, &self.core) else { return Action::Continue };
        let f = &settings.http_filter;
        if let Ok(mut core) = core.try_borrow_mut() {
            let core = &mut *core;
            let a = &mut core.access;
            *a = Access::default();
            a.path = host::header(MapType::HttpRequestHeaders, ":path");
            a.user_agent = host::header(MapType::HttpRequestHeaders, "user-agent");
            for name in std::iter::once(&"referer".to_string()).chain(&f.headers) {
                if let Some(v) = host::header(MapType::HttpRequestHeaders, name) {
                    a.request_headers.push((name.clone(), v));
                }
            }
            a.write(&mut core.record);
            let ctx = Ctx { time_ns: host::now_ns(), ..Ctx::default() };
            let outcome = core.filter.process(&core.record, &ctx, &mut core.out);
            core.metrics.update(&core.filter, &mut core.counts);
            if outcome != Outcome::Dropped {
                expose(&core.out);
            }
        }
        for name in &f.strip_request_headers {
            host::remove_header(MapType::HttpRequestHeaders, name);
        }
        if f.add_request_id && host::header(MapType::HttpRequestHeaders, "x-request-id").is_none() {
            if let Some(id) = uuid() {
                host::add_header(MapType::HttpRequestHeaders, "x-request-id", id.as_bytes());
            }
        }
        Action::Continue
    }
}

/// Sets the filter state Envoy's access logs read: `wasm.logseal` (the filtered record) and
/// `wasm.logseal_path`, `wasm.logseal_user_agent`, `wasm.logseal_referer`,
/// `wasm.logseal_header.<name>`. Each value is the core's (redacted, escaped) text; one that
/// still holds a control character (a field the policy lets keep line ends) is JSON-escaped,
/// so no value can break a log line whatever the format.
fn expose(out: &[u8]) {
    host::set_property("logseal", out);
    let Ok(serde_json::Value::Object(doc)) = serde_json::from_slice::<serde_json::Value>(out) else { return };
    let mut buf = Vec::new();
    let mut put = |name: &str, v: &serde_json::Value| {
        buf.clear();
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        if text.bytes().any(|b| b < 0x20 || b == 0x7f) {
            encode_body(text.as_bytes(), &mut buf);
        } else {
            buf.extend_from_slice(text.as_bytes());
        }
        host::set_property(name, &buf);
    };
    if let Some(v) = doc.get("path") {
        put("logseal_path", v);
    }
    if let Some(v) = doc.get("user_agent") {
        put("logseal_user_agent", v);
    }
    if let Some(serde_json::Value::Object(h)) = doc.get("request_headers") {
        for (k, v) in h {
            if k == "referer" {
                put("logseal_referer", v);
            } else {
                put(&format!("logseal_header.{k}"), v);
            }
        }
    }
}

/// A random version 4 UUID, as Envoy writes request ids.
fn uuid() -> Option<String> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).ok()?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let mut s = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            s.push('-');
        }
        s.push_str(&format!("{byte:02x}"));
    }
    Some(s)
}
