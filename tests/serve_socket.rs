//! `logseal serve` in socket mode, driven like Vector drives it: clients are `socket` sinks
//! (newline-delimited JSON over TCP), the downstream is a `socket` source (reads lines).
//! Every process started here is killed on drop; every wait is bounded; only 127.0.0.1.

mod serve_support;

use serve_support::{filter, http_get, records, root, wait_until, Server, BIN};
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::process::Command;
use std::time::{Duration, Instant};

/// A stand-in of Vector's `socket` source: accepts connections, collects lines. Stops (closes
/// everything) on drop or `stop`.
struct Downstream {
    port: u16,
    lines: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    accept: Option<thread::JoinHandle<()>>,
}

impl Downstream {
    fn start(port: u16) -> Downstream {
        Downstream::start_into(port, Arc::new(Mutex::new(Vec::new())))
    }

    fn start_into(port: u16, lines: Arc<Mutex<Vec<String>>>) -> Downstream {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind downstream");
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let (l2, s2) = (lines.clone(), stop.clone());
        let accept = thread::spawn(move || {
            let mut readers = Vec::new();
            while !s2.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((conn, _)) => {
                        conn.set_nonblocking(false).unwrap();
                        conn.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
                        let (l3, s3) = (l2.clone(), s2.clone());
                        readers.push(thread::spawn(move || read_lines(conn, l3, s3)));
                    }
                    Err(_) => thread::sleep(Duration::from_millis(5)),
                }
            }
            drop(listener);
            for r in readers {
                let _ = r.join();
            }
        });
        Downstream { port, lines, stop, accept: Some(accept) }
    }

    fn count(&self) -> usize {
        self.lines.lock().unwrap().len()
    }

    fn stop(&mut self) {
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

fn read_lines(conn: TcpStream, lines: Arc<Mutex<Vec<String>>>, stop: Arc<AtomicBool>) {
    let mut r = BufReader::new(conn);
    let mut line = Vec::new();
    loop {
        match r.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) if line.ends_with(b"\n") => {
                line.pop();
                lines.lock().unwrap().push(String::from_utf8(std::mem::take(&mut line)).expect("UTF-8 out"));
            }
            Ok(_) => {}
            // Read timeout: check whether to stop (a partial line stays in `line`).
            Err(_) => {
                if stop.load(Ordering::SeqCst) {
                    return;
                }
            }
        }
    }
}

fn config(forward: u16, extra: &str) -> String {
    format!(r#"{{"version":1,"forward":"127.0.0.1:{forward}"{extra}}}"#)
}

fn counts(lines: &[String]) -> HashMap<String, usize> {
    let mut m = HashMap::new();
    for l in lines {
        *m.entry(l.clone()).or_insert(0) += 1;
    }
    m
}

#[test]
fn many_connections_and_a_burst_larger_than_the_queue_arrive_filtered_as_logseal_filter_writes_them() {
    let down = Downstream::start(0);
    // The smallest queue (64 KiB) against ~1.2 MB of input: clients are held back, not buffered.
    let mut server = Server::start(&config(down.port, r#","queue_bytes":65536,"workers":2"#), &[]);
    let (conns, per) = (24, 250);
    let clients: Vec<_> = (0..conns)
        .map(|c| {
            let mut s = server.connect();
            thread::spawn(move || {
                s.write_all(&records(c, per)).unwrap();
                s.shutdown(Shutdown::Write).unwrap();
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    let total = conns * per;
    wait_until("every record downstream", Duration::from_secs(30), || down.count() >= total);
    assert_eq!(server.metric("records_in_total"), total as i64);
    assert_eq!(server.metric("records_out_total"), total as i64);
    assert_eq!(server.metric("records_errors_total"), (conns * per / 5) as i64, "the invalid JSON lines are marked");
    assert_eq!(server.metric("queue_records"), 0);
    assert_eq!(http_get(server.admin, "/healthz").0, "HTTP/1.1 200 OK");
    assert_eq!(server.terminate(), 0, "{}", server.stderr());

    let mut input = Vec::new();
    for c in 0..conns {
        input.extend_from_slice(&records(c, per));
    }
    let want = filter(&input, None);
    let got = down.lines.lock().unwrap().clone();
    assert_eq!(got.len(), want.len());
    assert!(counts(&got) == counts(&want), "serve's output differs from logseal filter's");
    // Each connection's records keep their order.
    for c in 0..conns {
        let tag = format!(r#""batch":{c},"i":"#);
        let seq: Vec<u64> = got
            .iter()
            .filter(|l| l.contains(&tag))
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["i"].as_u64().unwrap())
            .collect();
        assert!(seq.windows(2).all(|w| w[0] < w[1]), "connection {c} out of order");
    }
    assert!(!got.iter().any(|l| l.contains("4111 1111") || l.contains("hunter2") || l.contains("\u{1b}")));
}

#[test]
fn sigterm_during_traffic_forwards_everything_read_and_exits_zero() {
    let down = Downstream::start(0);
    let mut server = Server::start(&config(down.port, r#","queue_bytes":65536"#), &[]);
    let (conns, per) = (8, 5000);
    let started = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..conns)
        .map(|c| {
            let mut s = server.connect();
            let started = started.clone();
            thread::spawn(move || {
                let data = records(c, per);
                for (k, chunk) in data.chunks(4096).enumerate() {
                    s.write_all(chunk).unwrap();
                    if k == 2 {
                        started.store(true, Ordering::SeqCst);
                    }
                    thread::sleep(Duration::from_millis(2));
                }
                s.shutdown(Shutdown::Write).unwrap();
            })
        })
        .collect();
    wait_until("traffic", Duration::from_secs(10), || started.load(Ordering::SeqCst) && down.count() > 0);
    assert_eq!(server.terminate(), 0, "{}", server.stderr());
    for c in clients {
        c.join().unwrap();
    }
    let total = conns * per;
    wait_until("the downstream to read the rest", Duration::from_secs(10), || down.count() >= total);
    assert_eq!(down.count(), total, "lost or duplicated records");
    let stderr = server.stderr();
    assert!(stderr.contains(&format!(r#""records_in":{total},"records_out":{total}"#)), "{stderr}");
    assert!(stderr.contains(r#""lost":0"#), "{stderr}");
}

#[test]
fn a_downstream_that_restarts_gets_everything_after_reconnecting() {
    let mut down = Downstream::start(0);
    let port = down.port;
    let mut server = Server::start(&config(port, r#","workers":1"#), &[]);
    let mut client = server.connect();
    client.write_all(&records(0, 100)).unwrap();
    wait_until("the first records", Duration::from_secs(10), || down.count() >= 100);
    let lines = down.lines.clone();
    down.stop();
    // The downstream is away: records wait in the queue.
    client.write_all(&records(1, 100)).unwrap();
    thread::sleep(Duration::from_millis(300));
    assert!(server.metric("downstream_failures_total") > 0);
    assert_eq!(server.metric("records_out_total"), 100);
    let down = Downstream::start_into(port, lines);
    wait_until("the records held while it was away", Duration::from_secs(15), || down.count() >= 200);
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(server.terminate(), 0, "{}", server.stderr());
    let got = down.lines.lock().unwrap().clone();
    let mut want = records(0, 100);
    want.extend_from_slice(&records(1, 100));
    assert_eq!(got, filter(&want, None));
    server.metric_after_exit_is_unavailable();
}

impl Server {
    /// After exit the admin port is closed (the server is really gone).
    fn metric_after_exit_is_unavailable(&self) {
        assert!(TcpStream::connect(("127.0.0.1", self.admin)).is_err());
    }
}

#[test]
fn each_worker_seals_its_own_chain_and_every_chain_verifies() {
    let down = Downstream::start(0);
    let policy = root().join("host-examples/policies/sealed.json");
    let cfg = format!(r#"{{"version":1,"forward":"127.0.0.1:{}","workers":2,"policy":"{}"}}"#, down.port, policy.display());
    let mut server = Server::start(&cfg, &[]);
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let mut s = server.connect();
            thread::spawn(move || {
                s.write_all(&records(c, 300)).unwrap();
                s.shutdown(Shutdown::Write).unwrap();
            })
        })
        .collect();
    for c in clients {
        c.join().unwrap();
    }
    wait_until("sealed records", Duration::from_secs(20), || down.count() >= 1200);
    assert_eq!(server.terminate(), 0, "{}", server.stderr());
    let got = down.lines.lock().unwrap().clone();
    let seals: Vec<serde_json::Value> = got.iter().map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["logseal"]["s"].clone()).collect();
    let chains: std::collections::BTreeSet<&str> = seals.iter().map(|s| s["c"].as_str().unwrap()).collect();
    assert_eq!(chains.len(), 2, "{chains:?}");
    // Each chain's record 1 declares its label (`s.i`).
    let labels: std::collections::BTreeSet<&str> = seals.iter().filter_map(|s| s["i"].as_str()).collect();
    assert_eq!(labels, ["example.w0", "example.w1"].into(), "{labels:?}");
    let file = std::env::temp_dir().join(format!("logseal-serve-sealed-{}.ndjson", std::process::id()));
    std::fs::write(&file, got.join("\n") + "\n").unwrap();
    let verify = Command::new(BIN)
        .args(["verify", "--keys"])
        .arg(root().join("host-examples/keys/demo-keyring.json"))
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));
    // A tampered copy fails, so the check above can fail.
    let tampered = got.join("\n").replacen("\"info\"", "\"INFO\"", 1) + "\n";
    std::fs::write(&file, tampered).unwrap();
    let verify = Command::new(BIN).args(["verify", "--keys"]).arg(root().join("host-examples/keys/demo-keyring.json")).arg(&file).output().unwrap();
    assert_eq!(verify.status.code(), Some(1));
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_100_mb_line_and_a_slow_loris_get_defined_answers_while_others_are_served() {
    let down = Downstream::start(0);
    let mut server = Server::start(&config(down.port, r#","idle_timeout_ms":500"#), &[]);
    // Slow loris: half a record, then silence. It is closed after idle_timeout_ms.
    let mut loris = server.connect();
    loris.write_all(b"{\"slow\":").unwrap();
    // 100 MB on one line, then a normal record on the same connection.
    let mut big = server.connect();
    let sender = thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        big.write_all(b"{\"huge\":\"").unwrap();
        for _ in 0..100 {
            big.write_all(&chunk).unwrap();
        }
        big.write_all(b"\"}\n{\"after\":\"huge\"}\n").unwrap();
        big.shutdown(Shutdown::Write).unwrap();
    });
    // Meanwhile another client is served.
    let mut other = server.connect();
    other.write_all(b"{\"other\":1}\n").unwrap();
    other.shutdown(Shutdown::Write).unwrap();
    wait_until("the other client's record", Duration::from_secs(10), || down.lines.lock().unwrap().iter().any(|l| l.contains("\"other\":1")));
    sender.join().unwrap();
    loris.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 16];
    assert_eq!(loris.read(&mut buf).unwrap(), 0, "the idle connection is closed by the server");
    wait_until("all four records", Duration::from_secs(10), || down.count() >= 4);
    assert_eq!(server.metric("connections_idle_closed_total"), 1);
    // 100 MB went through a 1 MiB line limit and a 32 MiB queue.
    let rss = server.peak_rss_kb();
    assert!(rss < 96 * 1024, "peak RSS {rss} kB");
    assert_eq!(server.terminate(), 0);
    let got: Vec<serde_json::Value> = down.lines.lock().unwrap().iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    let huge = got.iter().find(|v| v.get("message").is_some_and(|m| m.as_str().unwrap().starts_with("{\"huge\""))).expect("the cut line");
    assert_eq!(huge["logseal"]["error"]["kind"], "too_large");
    assert!(huge["logseal"]["error"]["detail"].as_str().unwrap().contains("104857611 bytes"), "{huge}");
    assert!(got.iter().any(|v| v["after"] == "huge"), "the record after the huge line survives");
    let slow = got.iter().find(|v| v["message"] == "{\"slow\":").expect("the slow client's half record");
    assert_eq!(slow["logseal"]["error"]["kind"], "invalid_json");
}

#[test]
fn records_held_when_the_drain_times_out_are_counted_lost() {
    // Nothing listens on the downstream port.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = Server::start(&config(port, r#","drain_timeout_ms":1500"#), &[]);
    let mut c = server.connect();
    c.write_all(&records(0, 10)).unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    wait_until("the records to be read", Duration::from_secs(10), || server.metric("records_in_total") == 10);
    assert_eq!(server.metric("queue_records"), 10);
    assert_eq!(http_get(server.admin, "/healthz").0, "HTTP/1.1 200 OK");
    server.sigterm();
    wait_until("healthz to say draining", Duration::from_secs(1), || http_get(server.admin, "/healthz").0 == "HTTP/1.1 503 Service Unavailable");
    assert_eq!(server.metric("draining"), 1);
    assert_eq!(server.wait(), 4);
    let stderr = server.stderr();
    assert!(stderr.contains(r#""lost":10"#), "{stderr}");
    assert!(stderr.contains("10 records could not be forwarded"), "{stderr}");
}

#[test]
fn plaintext_on_a_non_loopback_address_is_refused() {
    let out = Command::new(BIN).args(["serve", "--listen", "0.0.0.0:0", "--forward", "127.0.0.1:9"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing a plaintext listener on 0.0.0.0:0"));
    let out = Command::new(BIN).args(["serve", "--listen", "127.0.0.1:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "no downstream is a configuration error");
}

#[test]
fn unix_sockets_in_and_out() {
    use std::os::unix::net::{UnixListener, UnixStream};
    let dir = std::env::temp_dir().join(format!("logseal-serve-unix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (inp, out) = (dir.join("in.sock"), dir.join("out.sock"));
    let _ = std::fs::remove_file(&out);
    let down = UnixListener::bind(&out).unwrap();
    let reader = thread::spawn(move || {
        let (conn, _) = down.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        BufReader::new(conn).lines().map(|l| l.unwrap()).collect::<Vec<String>>()
    });
    let cfg = format!(r#"{{"version":1,"forward":"unix:{}","workers":1}}"#, out.display());
    let listen = format!("unix:{}", inp.display());
    let mut server = Server::start(&cfg, &["--listen", &listen]);
    let mut c = UnixStream::connect(&inp).unwrap();
    c.write_all(&records(7, 50)).unwrap();
    c.shutdown(Shutdown::Write).unwrap();
    wait_until("the records", Duration::from_secs(10), || server.metric("records_out_total") == 50);
    assert_eq!(server.terminate(), 0, "{}", server.stderr());
    assert_eq!(reader.join().unwrap(), filter(&records(7, 50), None));
    assert!(!inp.exists(), "the listening socket is removed at exit");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn connections_beyond_max_connections_are_closed_and_counted() {
    let down = Downstream::start(0);
    let mut server = Server::start(&config(down.port, r#","max_connections":2"#), &[]);
    let mut a = server.connect();
    let mut b = server.connect();
    a.write_all(b"{\"a\":1}\n").unwrap();
    b.write_all(b"{\"b\":1}\n").unwrap();
    wait_until("two open connections", Duration::from_secs(10), || server.metric("connections_open") == 2);
    let mut extra = server.connect();
    extra.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(extra.read(&mut buf).unwrap_or(0), 0, "the third connection is closed");
    assert_eq!(server.metric("connections_refused_total"), 1);
    // The first two are still served.
    a.write_all(b"{\"a\":2}\n").unwrap();
    a.shutdown(Shutdown::Write).unwrap();
    b.shutdown(Shutdown::Write).unwrap();
    wait_until("three records", Duration::from_secs(10), || down.count() == 3);
    assert_eq!(server.terminate(), 0);
}

#[test]
fn shutdown_with_a_full_queue_and_no_downstream_ends_and_counts_every_loss() {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let cfg = config(port, r#","queue_bytes":65536,"shutdown_grace_ms":200,"drain_timeout_ms":200"#);
    let mut server = Server::start(&cfg, &[]);
    let mut c = server.connect();
    // Far more than the queue holds: the client is held back.
    let writer = thread::spawn(move || {
        let _ = c.write_all(&records(0, 20_000));
        c
    });
    wait_until("a full queue", Duration::from_secs(10), || server.metric("records_in_total") > 0);
    thread::sleep(Duration::from_millis(200));
    let start = Instant::now();
    assert_eq!(server.terminate(), 4, "{}", server.stderr());
    assert!(start.elapsed() < Duration::from_secs(5), "shutdown hung");
    drop(writer);
    let stderr = server.stderr();
    let summary: serde_json::Value = serde_json::from_str(stderr.split("stopped: ").nth(1).unwrap().lines().next().unwrap()).unwrap();
    assert_eq!(summary["records_out"], 0);
    assert!(summary["lost"].as_u64().unwrap() > 0);
    assert_eq!(summary["lost"], summary["records_in"], "every record read is counted lost: {stderr}");
}
