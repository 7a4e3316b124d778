//! `logseal serve`: a long-running sidecar for shippers that load no plugins (current Vector,
//! anything with a socket or HTTP output, OpenTelemetry Collectors). Records flow one way:
//!
//! ```text
//! clients ─> listener (TLS) ─> connection (socket framing) or http (requests) ─> worker
//!            thread (Filter, one hash chain each) ─> forwarder or http_forwarder (one
//!            downstream connection each)
//! ```
//! Memory is bounded by `queue_bytes` (input bytes in flight): when it is used up, socket
//! connections are no longer read from and HTTP requests are answered 429. See docs/serve.md
//! for the configuration file.

mod args;
mod config;
mod connection;
mod forwarder;
mod http;
mod http_forwarder;
mod listener;
mod metrics;
mod otlp;
mod shutdown;
mod tls;
mod worker;

use super::env::StdEnvironment;
use super::exit::io_reason;
use super::exit;
use super::usage::{is_help, usage};
use args::Args;
use super::policy_source::SourceError;
use config::{Config, Endpoint, Mode, Overrides, Refusal};
use logseal::policy::{builtin, Environment, Plan, Policy};
use metrics::Metrics;
use std::path::Path;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use tokio::sync::{mpsc, watch, Semaphore};

/// Records were read but could not be forwarded before the drain timeout (counted lost).
pub const EXIT_LOST: i32 = 4;
/// A plaintext listener on an address other hosts can reach was refused.
pub const EXIT_INSECURE: i32 = 5;

const HELP: &str = "\
usage: logseal serve [--config FILE] [--policy FILE] [--listen ADDR] [--forward ADDR]
                     [--admin ADDR] [--workers N]

Runs as a sidecar: filters every record with the policy between a shipper's output and its
input. Modes (the config's `mode`): `socket` reads newline-delimited records (Vector's
`socket` sink) on TCP or a unix socket and writes them to the downstream (Vector's `socket`
source); `http` takes NDJSON POSTs (Vector's `http` sink, Fluent Bit's `http` output) and
POSTs each batch to the downstream URL, answering 200 only once it was forwarded; `otlp`
does the same with OTLP/HTTP logs at /v1/logs (protobuf or JSON). Memory stays bounded:
when queue_bytes of input are in flight, socket clients are no longer read from and HTTP
requests are answered 429. SIGTERM (or SIGINT) stops accepting, lets open connections
finish for shutdown_grace_ms, forwards everything read, and exits. The counters go to
stderr at exit, and to /metrics when --admin is set.

  --config FILE   the configuration file (JSON, see docs/serve.md); flags override it
  --policy FILE   the policy (default: the config's `policy`, else the built-in default)
  --listen ADDR   where clients connect: IP:PORT (loopback only) or unix:/path
                  (default 127.0.0.1:9000; port 0 picks a free port, printed on stderr)
  --forward ADDR  the downstream: IP:PORT or unix:/path; in the HTTP modes a URL,
                  http://HOST:PORT/PATH or https://... (required)
  --admin ADDR    serve /metrics and /healthz on this loopback IP:PORT, or `off`
  --workers N     filter threads, each with its own hash chain (default 2)

Exit: 0 stopped cleanly, nothing lost; 1 policy refused; 2 usage or configuration error;
3 cannot listen or read a file (TLS certificate or key included); 4 records were lost (downstream unreachable until the
drain timeout; the count is on stderr); 5 refused a plaintext listener on a non-loopback
address without TLS.
";

pub fn run(args: &[String]) -> i32 {
    if args.iter().any(|a| is_help(a)) {
        print!("{HELP}");
        return exit::OK;
    }
    let valued = ["config", "policy", "listen", "forward", "admin", "workers", "time-ns"];
    let args = match Args::parse(args, &valued, &[]) {
        Ok(a) if a.positional.is_empty() => a,
        Ok(_) => return usage("serve takes no file arguments (use --config FILE)", HELP),
        Err(e) => return usage(&e, HELP),
    };
    // Hidden, for tests: one fixed host time for every record, as `filter --time-ns`.
    let fixed_time = match args.get("time-ns").map(str::parse::<i64>) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => return usage("--time-ns takes an integer", HELP),
    };
    let text = match args.get("config") {
        None => None,
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!("logseal serve: cannot read config {path}: {}", io_reason(&e));
                return exit::IO;
            }
        },
    };
    let base = args.get("config").and_then(|p| Path::new(p).parent()).filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let flags = Overrides {
        policy: args.get("policy"),
        listen: args.get("listen"),
        forward: args.get("forward"),
        admin: args.get("admin"),
        workers: args.get("workers"),
    };
    let config = match Config::parse(text.as_deref(), base, &flags) {
        Ok(c) => c,
        Err(Refusal::Invalid(e)) => {
            eprintln!("logseal serve: configuration {} refused: {e}", args.get("config").unwrap_or("(flags)"));
            return exit::USAGE;
        }
        Err(Refusal::Plaintext(why)) => {
            eprintln!("logseal serve: {why}");
            return EXIT_INSECURE;
        }
    };
    let plans = match load_plans(config.policy.as_deref(), config.workers) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(1).thread_name("logseal-io").enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("logseal serve: cannot start the runtime: {}", io_reason(&e));
            return exit::IO;
        }
    };
    runtime.block_on(serve(config, plans, fixed_time))
}

/// A policy compiled once per worker, each labelling its chains `<instance>.w<N>` (or
/// `w<N>`), so every worker's chain is told apart and verifies on its own.
fn load_plans(path: Option<&str>, workers: usize) -> Result<Vec<Plan>, i32> {
    let name = path.unwrap_or("(built-in default)");
    let refused = |e: &dyn std::fmt::Display| {
        eprintln!("logseal serve: policy {name} refused: {e}");
        exit::POLICY
    };
    let (text, dir) = match path {
        None => (builtin::DEFAULT.to_string(), ".".to_string()),
        Some(p) => match super::policy_source::read(p) {
            Ok(s) => (s.json, s.dir),
            Err(SourceError::Io(msg)) => {
                eprintln!("logseal serve: {msg}");
                return Err(exit::IO);
            }
            Err(SourceError::Policy(fault)) => return Err(refused(&fault)),
        },
    };
    let dir = dir.as_str();
    let policy = Policy::parse(&text).map_err(|e| refused(&e))?;
    let mut plans = Vec::with_capacity(workers);
    for i in 0..workers {
        let mut p = policy.clone();
        if let Some(seal) = &mut p.seal {
            let label = match &seal.instance {
                Some(x) => format!("{x}.w{i}"),
                None => format!("w{i}"),
            };
            if label.len() > 64 {
                return Err(refused(&format!("{}.instance: at most 60 characters leave room for the worker label .w{i}", seal.path)));
            }
            seal.instance = Some(label);
        }
        // Warnings (demo keys, inline keys) once, not once per worker.
        let env: &dyn Environment = if i == 0 { &StdEnvironment } else { &Quiet };
        plans.push(Plan::compile(&p, env, Some(dir)).map_err(|e| refused(&e))?);
    }
    Ok(plans)
}

struct Quiet;

impl Environment for Quiet {
    fn read_file(&self, path: &str) -> Result<Vec<u8>, String> {
        StdEnvironment.read_file(path)
    }
    fn var(&self, name: &str) -> Option<String> {
        StdEnvironment.var(name)
    }
    fn warn(&self, _message: &str) {}
}

/// Serves until a signal, then shuts down in order: stop accepting; let open connections
/// finish (up to `shutdown_grace`), then stop reading them; workers filter what was read;
/// forwarders write it (up to `drain_timeout`, then what is left is counted lost).
async fn serve(config: Config, plans: Vec<Plan>, fixed_time: Option<i64>) -> i32 {
    let metrics = Arc::new(Metrics::default());
    let cap = plans.first().map_or(1 << 20, |p| p.limits.max_record_bytes as usize) + 1;
    let acceptor = match &config.tls {
        None => None,
        Some(t) => match tls::acceptor(t) {
            Ok(a) => Some(a),
            Err(e) => {
                eprintln!("logseal serve: tls: {e}");
                return exit::IO;
            }
        },
    };
    let downstream = match &config.forward {
        Endpoint::Http(url) => match http_forwarder::Downstream::new(url.clone(), &config.forward_tls) {
            Ok(d) => Some(Arc::new(d)),
            Err(e) => {
                eprintln!("logseal serve: forward_tls: {e}");
                return exit::IO;
            }
        },
        _ => None,
    };
    let health = Arc::new(http_forwarder::Health::default());
    let bound = match listener::Listener::bind(&config.listen).await {
        Ok(l) => l,
        Err(e) => {
            eprintln!("logseal serve: cannot listen on {}: {}", config.listen, io_reason(&e));
            return exit::IO;
        }
    };
    let admin = match config.admin {
        None => None,
        Some(a) => match tokio::net::TcpListener::bind(a).await {
            Ok(l) => Some(l),
            Err(e) => {
                eprintln!("logseal serve: cannot listen on admin {a}: {}", io_reason(&e));
                return exit::IO;
            }
        },
    };
    // Installed before announcing readiness, so a SIGTERM right after is never missed.
    let signalled = match shutdown::Signals::install() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("logseal serve: cannot handle signals: {}", io_reason(&e));
            return exit::IO;
        }
    };
    let (give_up_tx, give_up) = watch::channel(false);
    let (cut_tx, cut) = watch::channel(false);
    let (stop_tx, stop) = watch::channel(false);
    let mut to_workers = Vec::with_capacity(plans.len());
    let mut threads = Vec::with_capacity(plans.len());
    let mut forwarders = tokio::task::JoinSet::new();
    for (i, plan) in plans.into_iter().enumerate() {
        let (batch_tx, batch_rx) = mpsc::channel(64);
        let (out_tx, out_rx) = mpsc::channel(64);
        let m = metrics.clone();
        let thread = std::thread::Builder::new().name(format!("logseal-w{i}")).spawn(move || worker::run(plan, batch_rx, out_tx, m, fixed_time));
        match thread {
            Ok(t) => threads.push(t),
            Err(e) => {
                eprintln!("logseal serve: cannot start worker {i}: {}", io_reason(&e));
                return exit::IO;
            }
        }
        to_workers.push(batch_tx);
        match &downstream {
            Some(d) => forwarders.spawn(http_forwarder::run(d.clone(), out_rx, metrics.clone(), give_up.clone(), config.forward_timeout, health.clone())),
            None => forwarders.spawn(forwarder::run(config.forward.clone(), out_rx, metrics.clone(), give_up.clone())),
        };
    }
    let http = (config.mode != Mode::Socket).then(|| {
        Arc::new(http::Settings {
            otlp: config.mode == Mode::Otlp,
            max_body_bytes: config.max_body_bytes,
            retry_after: std::time::Duration::from_secs(config.retry_after_s),
            health: health.clone(),
        })
    });
    let shared = connection::Shared {
        metrics: metrics.clone(),
        queue: Arc::new(Semaphore::new(config.queue_bytes)),
        queue_bytes: config.queue_bytes,
        cap,
        idle_timeout: config.idle_timeout,
        cut,
        stop: stop.clone(),
        http,
    };
    let listening = bound.local();
    let secure = if acceptor.is_some() { " (TLS)" } else { "" };
    let accepting = tokio::spawn(listener::accept(bound, to_workers, shared, config.max_connections, acceptor, stop));
    let mode = match config.mode {
        Mode::Socket => "socket",
        Mode::Http => "http",
        Mode::Otlp => "otlp",
    };
    eprintln!("logseal serve: listening on {listening}{secure}, {mode} mode, forwarding to {}, {} workers", config.forward, config.workers);
    let admin_task = admin.map(|l| {
        if let Ok(a) = l.local_addr() {
            eprintln!("logseal serve: metrics on http://{a}/metrics");
        }
        tokio::spawn(metrics::serve_admin(l, metrics.clone()))
    });

    let why = signalled.next().await;
    eprintln!("logseal serve: {why}: no longer accepting; draining");
    metrics.draining.store(true, Relaxed);
    let _ = stop_tx.send(true);
    let mut open = accepting.await.unwrap_or_default();
    let finished = tokio::time::timeout(config.shutdown_grace, async { while open.join_next().await.is_some() {} }).await;
    if finished.is_err() {
        let _ = cut_tx.send(true);
        while open.join_next().await.is_some() {}
    }
    // Every connection is gone, so the workers' inputs close; they finish, then the forwarders.
    let drained = tokio::time::timeout(config.drain_timeout, async { while forwarders.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        let _ = give_up_tx.send(true);
        while forwarders.join_next().await.is_some() {}
    }
    for t in threads {
        let _ = t.join();
    }
    if let Some(t) = admin_task {
        t.abort();
    }
    if let Endpoint::Unix(p) = &config.listen {
        let _ = std::fs::remove_file(p);
    }
    let lost = metrics.lost.load(Relaxed);
    eprintln!("logseal serve: stopped: {}", metrics.summary());
    if lost > 0 {
        eprintln!("logseal serve: {lost} records could not be forwarded before the drain timeout");
        return EXIT_LOST;
    }
    exit::OK
}
