//! What the tests of `logseal serve` share: the server process, an HTTP/1.1 client
//! that posts as shippers do, and a downstream stand-in (Vector's `http_server` source, Fluent
//! Bit's `http` input, a collector's `otlp` receiver) that records each body it answers 2xx
//! to. Every process started is killed on drop; every wait is bounded; only 127.0.0.1.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_logseal");
pub const TIME_NS: &str = "1764237600000000000";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn wait_until(what: &str, timeout: Duration, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(start.elapsed() < timeout, "timed out waiting for {what}");
        thread::sleep(Duration::from_millis(10));
    }
}

pub fn unique() -> u64 {
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::SeqCst)
}

pub fn scratch_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("logseal-serve-http-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One HTTP response as read by the client.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

fn timed_out(e: &std::io::Error) -> bool {
    matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut)
}

/// One line; a read timeout before any byte of the message gives Err, after it is waited out.
fn line<R: BufRead>(r: &mut R, started: bool) -> std::io::Result<String> {
    let mut buf = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match r.read_until(b'\n', &mut buf) {
            Ok(_) => return Ok(String::from_utf8_lossy(&buf).into_owned()),
            Err(e) if timed_out(&e) && (started || !buf.is_empty()) && Instant::now() < deadline => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Reads one HTTP/1.1 message head and its Content-Length body (requests and responses).
/// None at the end of stream, or a read timeout before the message began.
pub fn read_message<R: BufRead>(r: &mut R) -> Option<(String, Vec<(String, String)>, Vec<u8>)> {
    let first = line(r, false).ok()?;
    if first.is_empty() {
        return None;
    }
    let mut headers = Vec::new();
    loop {
        let l = line(r, true).ok()?;
        if l.is_empty() {
            return None;
        }
        let l = l.trim_end();
        if l.is_empty() {
            break;
        }
        let (k, v) = l.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let len: usize = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = vec![0; len];
    let mut got = 0;
    let deadline = Instant::now() + Duration::from_secs(30);
    while got < len {
        match r.read(&mut body[got..]) {
            Ok(0) => return None,
            Ok(n) => got += n,
            Err(e) if timed_out(&e) && Instant::now() < deadline => continue,
            Err(_) => return None,
        }
    }
    Some((first.trim_end().to_string(), headers, body))
}

/// A keep-alive HTTP/1.1 client on any stream (plain TCP or TLS).
pub struct Client<S: Read + Write> {
    reader: BufReader<S>,
}

impl Client<TcpStream> {
    pub fn connect(port: u16) -> Client<TcpStream> {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect to serve");
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        Client { reader: BufReader::new(s) }
    }
}

impl<S: Read + Write> Client<S> {
    pub fn over(stream: S) -> Client<S> {
        Client { reader: BufReader::new(stream) }
    }

    /// POSTs `body` with the given headers; None when the server closed the connection.
    pub fn post(&mut self, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Option<Response> {
        let mut head = format!("POST {path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-length: {}\r\n", body.len());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let s = self.reader.get_mut();
        s.write_all(head.as_bytes()).ok()?;
        s.write_all(body).ok()?;
        s.flush().ok()?;
        self.response()
    }

    pub fn write_raw(&mut self, bytes: &[u8]) {
        let _ = self.reader.get_mut().write_all(bytes);
    }

    pub fn response(&mut self) -> Option<Response> {
        let (first, headers, body) = read_message(&mut self.reader)?;
        let status = first.split(' ').nth(1)?.parse().ok()?;
        Some(Response { status, headers, body })
    }
}

/// Posts as Vector's `http` sink does (NDJSON, gzip), on a new connection each time the server
/// closed one, retrying 429 and 5xx answers after a short pause as Vector's retry does. Returns
/// the number of attempts.
pub fn post_until_accepted(port: u16, body: &[u8], gzip: bool, timeout: Duration) -> usize {
    let packed = if gzip { gz(body) } else { body.to_vec() };
    let mut headers = vec![("content-type", "application/x-ndjson")];
    if gzip {
        headers.push(("content-encoding", "gzip"));
    }
    let start = Instant::now();
    let mut attempts = 0;
    let mut client: Option<Client<TcpStream>> = None;
    loop {
        assert!(start.elapsed() < timeout, "no 2xx within {timeout:?} after {attempts} attempts");
        attempts += 1;
        let c = client.get_or_insert_with(|| Client::connect(port));
        match c.post("/", &headers, &packed) {
            Some(r) if r.status == 200 => return attempts,
            Some(r) => {
                assert!(matches!(r.status, 429 | 503), "unexpected answer {} {}", r.status, String::from_utf8_lossy(&r.body));
                assert!(r.header("retry-after").is_some(), "{} without Retry-After", r.status);
                if r.header("connection") == Some("close") {
                    client = None;
                }
            }
            None => client = None,
        }
        thread::sleep(Duration::from_millis(50));
    }
}

pub fn gz(data: &[u8]) -> Vec<u8> {
    let mut z = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    z.write_all(data).unwrap();
    z.finish().unwrap()
}

/// What the downstream stand-in answers.
pub struct Behaviour {
    /// The status it answers (the body is recorded only for 2xx).
    pub status: AtomicU16,
    /// Milliseconds it waits before answering.
    pub delay_ms: AtomicU64,
}

/// The downstream stand-in: HTTP/1.1 with keep-alive, one thread per connection; records the
/// body (gunzipped if so sent) and content type of every request it answers 2xx.
pub struct Downstream {
    pub port: u16,
    pub bodies: Arc<Mutex<Vec<(String, Vec<u8>)>>>,
    pub requests: Arc<AtomicUsize>,
    pub behaviour: Arc<Behaviour>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Downstream {
    pub fn start(port: u16) -> Downstream {
        Downstream::start_with(port, None::<fn(TcpStream) -> Option<Box<dyn ReadWrite>>>)
    }

    /// `wrap` turns each accepted connection into the stream to speak on (TLS in the TLS test).
    pub fn start_with<F>(port: u16, wrap: Option<F>) -> Downstream
    where
        F: Fn(TcpStream) -> Option<Box<dyn ReadWrite>> + Send + 'static,
    {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind downstream");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let bodies = Arc::new(Mutex::new(Vec::new()));
        let requests = Arc::new(AtomicUsize::new(0));
        let behaviour = Arc::new(Behaviour { status: AtomicU16::new(200), delay_ms: AtomicU64::new(0) });
        let (b2, s2, r2, h2) = (bodies.clone(), stop.clone(), requests.clone(), behaviour.clone());
        let accept = thread::spawn(move || {
            let mut conns = Vec::new();
            while !s2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        conn.set_nonblocking(false).unwrap();
                        conn.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
                        let stream: Box<dyn ReadWrite> = match &wrap {
                            Some(w) => match w(conn) {
                                Some(s) => s,
                                None => continue,
                            },
                            None => Box::new(conn),
                        };
                        let (b3, s3, r3, h3) = (b2.clone(), s2.clone(), r2.clone(), h2.clone());
                        conns.push(thread::spawn(move || answer_requests(stream, b3, s3, r3, h3)));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
            drop(listener);
            for c in conns {
                let _ = c.join();
            }
        });
        Downstream { port, bodies, requests, behaviour, stop, accept: Some(accept) }
    }

    pub fn set_status(&self, status: u16) {
        self.behaviour.status.store(status, Ordering::SeqCst);
    }

    /// Every record (line) of every accepted body, in arrival order.
    pub fn lines(&self) -> Vec<String> {
        let bodies = self.bodies.lock().unwrap();
        bodies.iter().flat_map(|(_, b)| String::from_utf8(b.clone()).expect("UTF-8 out").lines().map(str::to_string).collect::<Vec<_>>()).collect()
    }

    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(a) = self.accept.take() {
            let _ = a.join();
        }
    }
}

impl Drop for Downstream {
    fn drop(&mut self) {
        self.stop();
    }
}

pub trait ReadWrite: Read + Write + Send {}
impl<T: Read + Write + Send> ReadWrite for T {}

fn answer_requests(stream: Box<dyn ReadWrite>, bodies: Arc<Mutex<Vec<(String, Vec<u8>)>>>, stop: Arc<AtomicBool>, requests: Arc<AtomicUsize>, behaviour: Arc<Behaviour>) {
    let mut r = BufReader::new(stream);
    loop {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        // A read timeout with nothing read: look at `stop` again. (A timeout mid-request
        // drops that request: the stand-in's senders write whole requests at once.)
        let Some((_first, headers, body)) = read_message(&mut r) else {
            if stop.load(Ordering::SeqCst) {
                return;
            }
            match r.fill_buf() {
                Ok([]) => return,
                Err(e) if !timed_out(&e) => return,
                _ => continue,
            }
        };
        requests.fetch_add(1, Ordering::SeqCst);
        let delay = behaviour.delay_ms.load(Ordering::SeqCst);
        if delay > 0 {
            thread::sleep(Duration::from_millis(delay));
        }
        let status = behaviour.status.load(Ordering::SeqCst);
        let kind = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.clone()).unwrap_or_default();
        if (200..300).contains(&status) {
            bodies.lock().unwrap().push((kind, body));
        }
        let reply = format!("HTTP/1.1 {status} X\r\ncontent-length: 0\r\n\r\n");
        if r.get_mut().write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

/// A running `logseal serve`, killed on drop.
pub struct Server {
    pub child: Child,
    pub port: u16,
    pub admin: u16,
    stderr: Arc<Mutex<String>>,
}

impl Server {
    pub fn start(config: &str, extra: &[&str]) -> Server {
        let dir = scratch_dir();
        let path = dir.join("serve.json");
        std::fs::write(&path, config).unwrap();
        Server::start_file(&path, extra)
    }

    pub fn start_file(path: &std::path::Path, extra: &[&str]) -> Server {
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--config"]).arg(path).args(["--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--time-ns", TIME_NS]);
        cmd.args(extra).stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("start logseal serve");
        let stderr = Arc::new(Mutex::new(String::new()));
        let (pipe, s2) = (child.stderr.take().unwrap(), stderr.clone());
        thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { return };
                let mut s = s2.lock().unwrap();
                s.push_str(&line);
                s.push('\n');
            }
        });
        let mut server = Server { child, port: 0, admin: 0, stderr };
        wait_until("serve to listen", Duration::from_secs(20), || {
            let text = server.stderr();
            let port = |marker: &str| text.split(marker).nth(1).and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next()).and_then(|p| p.parse().ok());
            if let (true, Some(a)) = (text.contains("listening on "), port("metrics on http://127.0.0.1:")) {
                // 0 when listening on a unix socket.
                server.port = port("listening on 127.0.0.1:").unwrap_or(0);
                server.admin = a;
                return true;
            }
            assert!(server.child.try_wait().unwrap().is_none(), "serve exited: {text}");
            false
        });
        server
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    pub fn metric(&self, name: &str) -> i64 {
        let text = http_get(self.admin, "/metrics").1;
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("logseal_{name} ")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no metric {name} in {text}"))
    }

    pub fn metrics_text(&self) -> String {
        http_get(self.admin, "/metrics").1
    }

    pub fn connect(&self) -> TcpStream {
        TcpStream::connect(("127.0.0.1", self.port)).expect("connect to serve")
    }

    /// SIGTERM, then the exit code (bounded wait).
    pub fn terminate(&mut self) -> i32 {
        self.sigterm();
        self.wait()
    }

    pub fn peak_rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok()).unwrap()
    }

    pub fn sigterm(&self) {
        let ok = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap().success();
        assert!(ok);
    }

    pub fn wait(&mut self) -> i32 {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                thread::sleep(Duration::from_millis(50));
                return status.code().unwrap_or(-1);
            }
            assert!(start.elapsed() < Duration::from_secs(30), "serve did not stop: {}", self.stderr());
            thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn http_get(port: u16, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nhost: x\r\n\r\n").unwrap();
    let mut text = String::new();
    s.read_to_string(&mut text).unwrap();
    let (head, body) = text.split_once("\r\n\r\n").unwrap();
    (head.lines().next().unwrap().to_string(), body.to_string())
}

/// `logseal filter --time-ns` on `input`, line by line.
pub fn filter(input: &[u8], policy: Option<&str>) -> Vec<String> {
    let mut cmd = Command::new(BIN);
    cmd.args(["filter", "--time-ns", TIME_NS]);
    if let Some(p) = policy {
        cmd.args(["--policy", p]);
    }
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let data = input.to_vec();
    let writer = thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect()
}

/// Records of batch `b`: secrets, invalid JSON, plain text, spoofed reserved keys, control bytes.
pub fn records(b: usize, n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let line = match i % 5 {
            0 => format!(r#"{{"level":"info","batch":{b},"i":{i},"msg":"paid with 4111 1111 1111 1111"}}"#),
            1 => format!(r#"{{"batch":{b},"i":{i},"password":"hunter2","user":"a{i}@example.com"}}"#),
            2 => format!("{{broken json {b} {i}"),
            3 => format!("plain text line {b} {i} token=ghp_{}", "a".repeat(36)),
            _ => format!(r#"{{"batch":{b},"i":{i},"logseal":"spoof","nested":{{"k":[1,2,{{"x":"\u001b[31m"}}]}}}}"#),
        };
        out.extend_from_slice(line.as_bytes());
        out.push(b'\n');
    }
    out
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// No secret of [`records`] anywhere in `text`.
pub fn assert_no_secret(text: &str) {
    for secret in ["4111 1111 1111 1111", "hunter2", "@example.com", "ghp_aaaa"] {
        assert!(!text.contains(secret), "secret {secret:?} went out: {text}");
    }
}
