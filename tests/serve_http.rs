//! `logseal serve` in HTTP mode, driven as Vector's `http` sink (NDJSON, gzip) and Fluent Bit's
//! `http` output drive it, forwarding to a stand-in of Vector's `http_server` source.

mod serve_support;

use serve_support::*;
use std::io::Write;
use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::thread;
use std::time::{Duration, Instant};

fn config(down: u16, extra: &str) -> String {
    format!(r#"{{"version":1,"mode":"http","forward":"http://127.0.0.1:{down}/ingest"{extra}}}"#)
}

#[test]
fn vector_style_gzip_ndjson_posts_arrive_filtered_as_logseal_filter_writes_them() {
    let down = Downstream::start(0);
    let server = Server::start(&config(down.port, ""), &[]);
    let mut want = Vec::new();
    let senders: Vec<_> = (0..6)
        .map(|b| {
            let body = records(b, 200);
            want.extend(filter(&body, None));
            let port = server.port;
            thread::spawn(move || {
                // Vector: gzip NDJSON; Fluent Bit (json_lines): plain, application/json (older
                // versions) or application/x-ndjson.
                if b % 2 == 0 {
                    assert_eq!(post_until_accepted(port, &body, true, Duration::from_secs(30)), 1);
                } else {
                    let mut c = Client::connect(port);
                    let r = c.post("/ingest", &[("content-type", "application/json")], &body).unwrap();
                    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
                }
            })
        })
        .collect();
    for s in senders {
        s.join().unwrap();
    }
    // 2xx came only after the forward: everything is there already.
    let got = down.lines();
    assert_eq!(got.len(), 1200);
    assert_eq!(sorted(got.clone()), sorted(want));
    assert_no_secret(&got.join("\n"));
    let bodies = down.bodies.lock().unwrap();
    assert!(bodies.iter().all(|(kind, _)| kind == "application/x-ndjson"));
    drop(bodies);
    assert_eq!(server.metric("records_in_total"), 1200);
    assert_eq!(server.metric("records_out_total"), 1200);
    let text = server.metrics_text();
    assert!(text.contains("logseal_http_responses_total{code=\"200\"} 6\n"), "{text}");
    // One card in every fifth record, one password in the next: counted per kind.
    assert!(text.contains("logseal_redacted_total{kind=\"card\"} 240\n"), "{text}");
    assert!(text.contains("logseal_redacted_total{kind=\"password\"} 240\n"), "{text}");
}

#[test]
fn a_downstream_that_fails_then_recovers_gets_every_batch_once_through_the_senders_retries() {
    let mut down = Downstream::start(0);
    let port = down.port;
    down.set_status(503);
    let server = Server::start(&config(port, r#","forward_timeout_ms":500,"retry_after_s":0"#), &[]);
    let batches: Vec<Vec<u8>> = (0..4).map(|b| records(b, 50)).collect();
    let senders: Vec<_> = batches
        .iter()
        .cloned()
        .map(|body| {
            let p = server.port;
            thread::spawn(move || post_until_accepted(p, &body, true, Duration::from_secs(60)))
        })
        .collect();
    // Failing: answering 503 (nothing recorded), then gone (connection refused), then back.
    wait_until("503 answers", Duration::from_secs(20), || server.metric("records_refused_total") >= 50);
    down.stop();
    drop(down);
    thread::sleep(Duration::from_millis(500));
    let back = Downstream::start(port);
    let attempts: Vec<usize> = senders.into_iter().map(|s| s.join().unwrap()).collect();
    assert!(attempts.iter().any(|&a| a > 1), "every batch went through at once: {attempts:?}");
    let want: Vec<String> = batches.iter().flat_map(|b| filter(b, None)).collect();
    // Each batch exactly once: a batch the downstream did not take was never half-delivered.
    assert_eq!(sorted(back.lines()), sorted(want));
    assert!(server.metric("records_refused_total") > 0);
    let text = server.metrics_text();
    assert!(!text.contains("logseal_http_responses_total{code=\"503\"} 0\n"), "{text}");
}

#[test]
fn a_full_queue_answers_429_and_an_absent_downstream_503_both_with_retry_after() {
    let down = Downstream::start(0);
    down.behaviour.delay_ms.store(1500, Ordering::SeqCst);
    // The smallest queue (64 KiB): one 55 KB batch in flight leaves no room for another.
    let server = Server::start(&config(down.port, r#","queue_bytes":65536,"workers":1"#), &[]);
    let big = records(0, 900);
    assert!(big.len() > 40_000 && big.len() < 65_536);
    let p = server.port;
    let first = thread::spawn(move || Client::connect(p).post("/", &[], &records(0, 900)).unwrap().status);
    wait_until("the first batch to reach the downstream", Duration::from_secs(10), || down.requests.load(Ordering::SeqCst) > 0);
    let r = Client::connect(server.port).post("/", &[("content-type", "application/x-ndjson")], &big).unwrap();
    assert_eq!(r.status, 429, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(r.header("retry-after"), Some("1"));
    assert_eq!(first.join().unwrap(), 200);
    // Room again once the first batch was forwarded.
    assert_eq!(Client::connect(server.port).post("/", &[], &big).unwrap().status, 200);

    // No downstream at all: 503 with Retry-After, quickly after the first failure.
    let gone = Server::start(&config(1, r#","forward_timeout_ms":200"#), &[]);
    let r = Client::connect(gone.port).post("/", &[], b"{\"a\":1}\n").unwrap();
    assert_eq!(r.status, 503);
    assert_eq!(r.header("retry-after"), Some("1"));
    let t = Instant::now();
    let r = Client::connect(gone.port).post("/", &[], b"{\"a\":1}\n").unwrap();
    assert_eq!(r.status, 503);
    assert!(t.elapsed() < Duration::from_millis(150), "a known-down downstream is answered at once");
}

#[test]
fn sigterm_during_traffic_forwards_every_accepted_batch_and_exits_zero() {
    let down = Downstream::start(0);
    let mut server = Server::start(&config(down.port, ""), &[]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let senders: Vec<_> = (0..4)
        .map(|c| {
            let (p, stop) = (server.port, stop.clone());
            thread::spawn(move || {
                let mut accepted = Vec::new();
                let mut client = Client::connect(p);
                for b in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let body = records(c * 1000 + b, 40);
                    match client.post("/", &[("content-encoding", "gzip")], &gz(&body)) {
                        Some(r) if r.status == 200 => accepted.push(body),
                        // Shutting down: 503, or the connection closed after the last answer.
                        Some(r) => {
                            assert_eq!(r.status, 503);
                            break;
                        }
                        None => break,
                    }
                }
                accepted
            })
        })
        .collect();
    wait_until("traffic", Duration::from_secs(20), || server.metric("records_out_total") > 2000);
    server.sigterm();
    let code = server.wait();
    stop.store(true, Ordering::SeqCst);
    let accepted: Vec<Vec<u8>> = senders.into_iter().flat_map(|s| s.join().unwrap()).collect();
    assert_eq!(code, 0, "{}", server.stderr());
    let want: Vec<String> = accepted.iter().flat_map(|b| filter(b, None)).collect();
    let got = down.lines();
    // Every batch answered 200 is downstream; nothing else was forwarded twice.
    assert_eq!(sorted(got), sorted(want));
    assert!(server.stderr().contains(r#""lost":0"#), "{}", server.stderr());
}

#[test]
fn bad_requests_get_defined_answers_while_others_are_served() {
    let down = Downstream::start(0);
    let server = Server::start(&config(down.port, r#","max_body_bytes":4096,"idle_timeout_ms":400"#), &[]);
    let p = server.port;
    // A slow client: headers, then a body that never comes. It is answered 408 (or closed)
    // after idle_timeout_ms, and others are served meanwhile.
    let slow = thread::spawn(move || {
        let mut c = Client::connect(p);
        c.write_raw(b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"a\":");
        c.response().map(|r| r.status)
    });
    // A slow-loris: half a request head.
    let mut loris = TcpStream::connect(("127.0.0.1", p)).unwrap();
    loris.write_all(b"POST / HTTP/1.1\r\nhost").unwrap();
    let status = |headers: &[(&str, &str)], body: &[u8]| {
        let r = Client::connect(p).post("/", headers, body).unwrap();
        (r.status, String::from_utf8_lossy(&r.body).into_owned())
    };
    // Invalid JSON lines inside a batch are records: wrapped, counted, 200.
    assert_eq!(status(&[], b"{not json\n{\"ok\":true}\n").0, 200);
    assert_eq!(status(&[], &vec![b'x'; 5000]).0, 413);
    let bomb = gz(&vec![b'\n'; 100_000]);
    assert!(bomb.len() < 4096);
    assert_eq!(status(&[("content-encoding", "gzip")], &bomb).0, 413);
    assert_eq!(status(&[("content-encoding", "gzip")], b"not gzip at all").0, 400);
    assert_eq!(status(&[("content-encoding", "br")], b"{}").0, 415);
    let (code, text) = status(&[("content-type", "application/msgpack")], b"{}");
    assert_eq!(code, 415);
    assert!(text.starts_with("content type not taken"), "{text}");
    let mut get = Client::connect(p);
    get.write_raw(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    assert_eq!(get.response().unwrap().status, 405);
    assert_eq!(slow.join().unwrap().unwrap_or(408), 408);
    // The loris is closed by the header timeout; the server still serves.
    thread::sleep(Duration::from_millis(600));
    let mut buf = [0u8; 256];
    loris.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let n = std::io::Read::read(&mut loris, &mut buf).unwrap_or(0);
    assert!(n == 0 || String::from_utf8_lossy(&buf[..n]).contains(" 408 "), "{}", String::from_utf8_lossy(&buf[..n]));
    assert_eq!(status(&[], b"{\"after\":1}\n").0, 200);
    let lines = down.lines();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines, filter(b"{not json\n{\"ok\":true}\n{\"after\":1}\n", None));
    assert_eq!(server.metric("records_errors_total"), 1);
}

#[test]
fn a_non_loopback_http_listener_needs_tls() {
    let dir = scratch_dir();
    let path = dir.join("serve.json");
    std::fs::write(&path, config(9, "")).unwrap();
    let out = std::process::Command::new(BIN).args(["serve", "--config"]).arg(&path).args(["--listen", "0.0.0.0:0"]).output().unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(String::from_utf8_lossy(&out.stderr).contains("configure tls"));
}

/// A test CA and a certificate for 127.0.0.1 and localhost signed by it, made now (no key is
/// committed). Returns (ca PEM path, cert PEM path, key PEM path, CA DER, cert DER, key DER).
fn test_pki(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf, Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params.distinguished_name.push(rcgen::DnType::CommonName, "logseal test CA");
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap()).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()]).unwrap().signed_by(&key, &ca).unwrap();
    let (a, c, k) = (dir.join("test-ca.pem"), dir.join("test-cert.pem"), dir.join("test-key.pem"));
    std::fs::write(&a, ca.pem()).unwrap();
    std::fs::write(&c, leaf.pem()).unwrap();
    std::fs::write(&k, key.serialize_pem()).unwrap();
    (a, c, k, ca.der().to_vec(), leaf.der().to_vec(), key.serialize_der())
}

fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    std::sync::Arc::new(rustls::crypto::ring::default_provider())
}

fn tls_client(ca: &[u8], port: u16) -> rustls::StreamOwned<rustls::ClientConnection, TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(rustls::pki_types::CertificateDer::from(ca.to_vec())).unwrap();
    let cfg = rustls::ClientConfig::builder_with_provider(provider()).with_safe_default_protocol_versions().unwrap().with_root_certificates(roots).with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").unwrap();
    let conn = rustls::ClientConnection::new(std::sync::Arc::new(cfg), name).unwrap();
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    rustls::StreamOwned::new(conn, tcp)
}

#[test]
fn tls_round_trip_listener_and_https_downstream_in_http_and_socket_modes() {
    let dir = scratch_dir();
    let (ca_path, cert, key, ca, cert_der, key_der) = test_pki(&dir);
    let server_cfg = std::sync::Arc::new(
        rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert_der.into()], rustls::pki_types::PrivateKeyDer::Pkcs8(key_der.into()))
            .unwrap(),
    );
    let down = Downstream::start_with(
        0,
        Some(move |tcp: TcpStream| -> Option<Box<dyn ReadWrite>> { Some(Box::new(rustls::StreamOwned::new(rustls::ServerConnection::new(server_cfg.clone()).ok()?, tcp))) }),
    );
    let text = format!(
        r#"{{"version":1,"mode":"http","forward":"https://127.0.0.1:{}/in","forward_tls":{{"ca":"{}"}},"tls":{{"cert":"{}","key":"{}"}}}}"#,
        down.port,
        ca_path.display(),
        cert.display(),
        key.display()
    );
    let server = Server::start(&text, &[]);
    assert!(server.stderr().contains("(TLS)"), "{}", server.stderr());
    let body = records(7, 30);
    let mut client = Client::over(tls_client(&ca, server.port));
    let r = client.post("/", &[("content-encoding", "gzip")], &gz(&body)).expect("an answer over TLS");
    assert_eq!(r.status, 200, "{}", String::from_utf8_lossy(&r.body));
    assert_eq!(sorted(down.lines()), sorted(filter(&body, None)));
    // Plaintext on the TLS port is not served.
    let mut plain = Client::connect(server.port);
    assert!(plain.post("/", &[], b"{\"a\":1}\n").is_none_or(|r| r.status != 200));
    wait_until("the failed handshake to be counted", Duration::from_secs(5), || server.metric("tls_handshake_failures_total") >= 1);
    assert_eq!(server.metric("records_in_total"), 30);

    // Socket mode over TLS, to a plain socket downstream.
    let sink = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let sink_port = sink.local_addr().unwrap().port();
    let reader = thread::spawn(move || {
        let (conn, _) = sink.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let mut lines = Vec::new();
        for l in std::io::BufRead::lines(std::io::BufReader::new(conn)) {
            let Ok(l) = l else { break };
            lines.push(l);
            if lines.len() == 30 {
                break;
            }
        }
        lines
    });
    let text = format!(r#"{{"version":1,"forward":"127.0.0.1:{sink_port}","tls":{{"cert":"{}","key":"{}"}}}}"#, cert.display(), key.display());
    let socket_server = Server::start(&text, &[]);
    let mut s = tls_client(&ca, socket_server.port);
    s.write_all(&body).unwrap();
    s.flush().unwrap();
    s.conn.send_close_notify();
    let _ = s.flush();
    assert_eq!(sorted(reader.join().unwrap()), sorted(filter(&body, None)));
}

#[test]
fn an_unreadable_certificate_stops_the_start_with_its_path() {
    let dir = scratch_dir();
    let path = dir.join("serve.json");
    std::fs::write(dir.join("cert.pem"), "not a certificate").unwrap();
    std::fs::write(&path, r#"{"version":1,"forward":"127.0.0.1:9","tls":{"cert":"cert.pem","key":"missing.pem"}}"#).unwrap();
    let out = std::process::Command::new(BIN).args(["serve", "--config"]).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cert.pem: no PEM certificate in the file"), "{err}");
}

#[test]
fn the_shipped_vector_http_loop_matches_its_serve_config_and_runs() {
    let dir = root().join("host-examples/vector");
    let yaml: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(dir.join("vector.yaml")).unwrap()).unwrap();
    let serve: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("serve-http.json")).unwrap()).unwrap();
    assert_eq!(serve["mode"], "http");
    let sink = &yaml["sinks"]["to_logseal_http"];
    assert_eq!(sink["type"].as_str(), Some("http"));
    assert_eq!(sink["uri"].as_str(), Some(format!("http://{}/", serve["listen"].as_str().unwrap()).as_str()));
    assert_eq!(sink["encoding"]["codec"].as_str(), Some("json"));
    assert_eq!(sink["framing"]["method"].as_str(), Some("newline_delimited"));
    assert_eq!(sink["compression"].as_str(), Some("gzip"));
    assert_eq!(sink["buffer"]["when_full"].as_str(), Some("block"));
    let source = &yaml["sources"]["from_logseal_http"];
    assert_eq!(source["type"].as_str(), Some("http_server"));
    let back = format!("http://{}{}", source["address"].as_str().unwrap(), source["path"].as_str().unwrap());
    assert_eq!(serve["forward"].as_str(), Some(back.as_str()));
    assert_eq!(source["decoding"]["codec"].as_str(), Some("json"));
    assert_eq!(source["framing"]["method"].as_str(), Some("newline_delimited"));
    // The archive reads only what came back through logseal.
    let inputs: Vec<&str> = yaml["sinks"]["archive"]["inputs"].as_sequence().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert_eq!(inputs, ["from_logseal", "from_logseal_http"]);

    // The shipped file runs as it is (ports moved to free ones), its sealing policy included.
    let down = Downstream::start(0);
    let forward = format!("http://127.0.0.1:{}/logseal", down.port);
    let server = Server::start_file(&dir.join("serve-http.json"), &["--forward", &forward]);
    let body = records(1, 20);
    assert_eq!(post_until_accepted(server.port, &body, true, Duration::from_secs(20)), 1);
    let got = down.lines();
    assert_eq!(got.len(), 20);
    assert_no_secret(&got.join("\n"));
    assert!(got.iter().all(|l| l.contains(r#""s":{"c":"#)), "{}", got[0]);
    assert_eq!(server.metric("records_sealed_total"), 20);
}
