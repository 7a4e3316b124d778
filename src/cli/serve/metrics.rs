//! The sidecar's counters, in Prometheus text format on `/metrics`, and `/healthz`, served
//! by a deliberately small HTTP/1.1 responder on a loopback port (GET only, one request per
//! connection, bounded request head, timed out). Counters never hold record content.

use logseal::stage::redact::kind::Kind;
use logseal::Counters;
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Every counter the sidecar keeps.
#[derive(Default)]
pub struct Metrics {
    pub records_in: AtomicU64,
    pub bytes_in: AtomicU64,
    pub records_out: AtomicU64,
    pub sampled_out: AtomicU64,
    pub errors: AtomicU64,
    pub cut: AtomicU64,
    pub sealed: AtomicU64,
    pub lost: AtomicU64,
    pub resent: AtomicU64,
    /// HTTP modes: records filtered whose request was answered 503 (the forward failed in
    /// time); the sender sends them again.
    pub refused: AtomicU64,
    /// HTTP modes: records the downstream refused for good (a 4xx other than 408/429).
    pub downstream_rejected: AtomicU64,
    /// HTTP modes: answers by status code, in the order of [`STATUSES`] (the last: others).
    pub responses: [AtomicU64; STATUSES.len() + 1],
    /// Records read and not yet forwarded or dropped by the policy.
    pub queue_records: AtomicI64,
    pub connections_open: AtomicI64,
    pub connections_total: AtomicU64,
    pub connections_refused: AtomicU64,
    pub connections_idle_closed: AtomicU64,
    pub connections_cut: AtomicU64,
    pub read_errors: AtomicU64,
    /// TLS handshakes that failed or timed out.
    pub tls_failures: AtomicU64,
    pub downstream_connects: AtomicU64,
    pub downstream_failures: AtomicU64,
    /// Secrets redacted, per built-in kind (indexed as `Kind::ALL`).
    pub redacted: [AtomicU64; Kind::COUNT],
    /// Set when SIGTERM arrived: `/healthz` answers 503 so no new traffic is routed here.
    pub draining: AtomicBool,
}

/// The HTTP answers counted one by one.
pub const STATUSES: [u16; 11] = [200, 400, 404, 405, 408, 413, 415, 429, 500, 502, 503];

impl Metrics {
    /// Adds a worker's per-kind redaction counts (indexed as `Kind::ALL`).
    pub fn add_redacted(&self, counts: &[u64]) {
        for (c, &n) in self.redacted.iter().zip(counts) {
            if n > 0 {
                c.fetch_add(n, Relaxed);
            }
        }
    }

    /// Counts one HTTP answer.
    pub fn count_status(&self, status: u16) {
        let i = STATUSES.iter().position(|s| *s == status).unwrap_or(STATUSES.len());
        if let Some(c) = self.responses.get(i) {
            c.fetch_add(1, Relaxed);
        }
    }

    /// Adds what a worker's filter counted since `last` (its previous snapshot).
    pub fn add_filter(&self, now: &Counters, last: &Counters) {
        self.sampled_out.fetch_add(now.dropped.saturating_sub(last.dropped), Relaxed);
        self.errors.fetch_add(now.errors.saturating_sub(last.errors), Relaxed);
        self.cut.fetch_add(now.cut.saturating_sub(last.cut), Relaxed);
        self.sealed.fetch_add(now.sealed.saturating_sub(last.sealed), Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut s = String::with_capacity(2048);
        let mut put = |name: &str, kind: &str, help: &str, value: i128| {
            s.push_str(&format!("# HELP logseal_{name} {help}\n# TYPE logseal_{name} {kind}\nlogseal_{name} {value}\n"));
        };
        let c = |a: &AtomicU64| a.load(Relaxed) as i128;
        let g = |a: &AtomicI64| a.load(Relaxed) as i128;
        put("records_in_total", "counter", "Records (lines) read from clients.", c(&self.records_in));
        put("bytes_in_total", "counter", "Bytes read from clients.", c(&self.bytes_in));
        put("records_out_total", "counter", "Records written to the downstream.", c(&self.records_out));
        put("records_sampled_out_total", "counter", "Records dropped on purpose by the policy (sampling, rate limit, dedup).", c(&self.sampled_out));
        put("records_errors_total", "counter", "Records that went out marked with an error (invalid JSON, too large, ...).", c(&self.errors));
        put("records_cut_total", "counter", "Records cut down by a policy limit.", c(&self.cut));
        put("records_sealed_total", "counter", "Records that went out sealed.", c(&self.sealed));
        put("records_lost_total", "counter", "Records read but never forwarded (downstream unreachable when the drain timed out).", c(&self.lost));
        put("records_resent_total", "counter", "Records written again after a downstream write failed (the downstream may see them twice).", c(&self.resent));
        put("queue_records", "gauge", "Records read and not yet forwarded.", g(&self.queue_records));
        put("connections_open", "gauge", "Client connections open now.", g(&self.connections_open));
        put("connections_total", "counter", "Client connections accepted.", c(&self.connections_total));
        put("connections_refused_total", "counter", "Client connections refused at max_connections.", c(&self.connections_refused));
        put("connections_idle_closed_total", "counter", "Client connections closed after idle_timeout_ms without data.", c(&self.connections_idle_closed));
        put("connections_cut_total", "counter", "Client connections still open when the shutdown grace ended.", c(&self.connections_cut));
        put("read_errors_total", "counter", "Client connections that ended with a read error.", c(&self.read_errors));
        put("tls_handshake_failures_total", "counter", "Client connections whose TLS handshake failed or timed out.", c(&self.tls_failures));
        put("downstream_connects_total", "counter", "Connections made to the downstream.", c(&self.downstream_connects));
        put("downstream_failures_total", "counter", "Failed downstream connects and writes (each is retried with backoff).", c(&self.downstream_failures));
        put("draining", "gauge", "1 once shutdown has begun.", self.draining.load(Relaxed) as i128);
        put("records_refused_total", "counter", "HTTP modes: records filtered whose request was answered 503 after a failed forward (the sender retries them).", c(&self.refused));
        put("records_downstream_rejected_total", "counter", "HTTP modes: records the downstream refused for good (answered 502).", c(&self.downstream_rejected));
        s.push_str("# HELP logseal_redacted_total Secrets and personal data redacted, by kind (custom policy rules not included).\n# TYPE logseal_redacted_total counter\n");
        for (kind, n) in Kind::ALL.iter().zip(&self.redacted) {
            s.push_str(&format!("logseal_redacted_total{{kind=\"{}\"}} {}\n", kind.name(), n.load(Relaxed)));
        }
        s.push_str("# HELP logseal_http_responses_total HTTP answers to clients, by status code.\n# TYPE logseal_http_responses_total counter\n");
        for (i, n) in self.responses.iter().enumerate() {
            let code = STATUSES.get(i).map_or_else(|| "other".to_string(), |c| c.to_string());
            s.push_str(&format!("logseal_http_responses_total{{code=\"{code}\"}} {}\n", n.load(Relaxed)));
        }
        s
    }

    /// The final counters, one JSON object (printed on stderr at exit).
    pub fn summary(&self) -> String {
        let c = |a: &AtomicU64| a.load(Relaxed);
        format!(
            r#"{{"records_in":{},"records_out":{},"sampled_out":{},"errors":{},"cut":{},"sealed":{},"lost":{},"resent":{},"connections":{},"connections_cut":{},"downstream_failures":{}}}"#,
            c(&self.records_in),
            c(&self.records_out),
            c(&self.sampled_out),
            c(&self.errors),
            c(&self.cut),
            c(&self.sealed),
            c(&self.lost),
            c(&self.resent),
            c(&self.connections_total),
            c(&self.connections_cut),
            c(&self.downstream_failures),
        )
    }
}

/// Longest request head read; the admin endpoint needs only the request line.
const MAX_HEAD: usize = 8192;

/// Serves `/metrics` and `/healthz` until the task is dropped.
pub async fn serve_admin(listener: TcpListener, metrics: Arc<Metrics>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        let metrics = metrics.clone();
        tokio::spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(5), answer(stream, &metrics)).await;
        });
    }
}

async fn answer(mut stream: TcpStream, metrics: &Metrics) -> std::io::Result<()> {
    let mut head = Vec::with_capacity(512);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = head.split(|&b| b == b'\r' || b == b'\n').next().unwrap_or(&[]);
    let mut parts = line.split(|&b| b == b' ');
    let (method, path) = (parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]));
    let (status, kind, body) = match (method, path) {
        (b"GET", b"/metrics") => ("200 OK", "text/plain; version=0.0.4", metrics.render()),
        (b"GET", b"/healthz") if metrics.draining.load(Relaxed) => ("503 Service Unavailable", "text/plain", "draining\n".to_string()),
        (b"GET", b"/healthz") => ("200 OK", "text/plain", "ok\n".to_string()),
        (b"GET", _) => ("404 Not Found", "text/plain", "not found: try /metrics or /healthz\n".to_string()),
        _ => ("405 Method Not Allowed", "text/plain", "only GET\n".to_string()),
    };
    let response = format!("HTTP/1.1 {status}\r\ncontent-type: {kind}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
    stream.write_all(response.as_bytes()).await?;
    stream.shutdown().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_text_has_help_type_and_value() {
        let m = Metrics::default();
        m.records_in.fetch_add(3, Relaxed);
        m.queue_records.fetch_add(2, Relaxed);
        let text = m.render();
        assert!(text.contains("# TYPE logseal_records_in_total counter\nlogseal_records_in_total 3\n"), "{text}");
        assert!(text.contains("# TYPE logseal_queue_records gauge\nlogseal_queue_records 2\n"), "{text}");
        assert!(text.lines().all(|l| l.starts_with("# ") || l.starts_with("logseal_")));
        m.count_status(429);
        m.count_status(201);
        let text = m.render();
        assert!(text.contains("logseal_http_responses_total{code=\"429\"} 1\n"), "{text}");
        assert!(text.contains("logseal_http_responses_total{code=\"other\"} 1\n"), "{text}");
        let mut counts = [0u64; Kind::COUNT];
        counts[Kind::Card.index()] = 2;
        m.add_redacted(&counts);
        m.add_redacted(&counts);
        let text = m.render();
        assert!(text.contains("logseal_redacted_total{kind=\"card\"} 4\n"), "{text}");
        assert!(text.contains("logseal_redacted_total{kind=\"email\"} 0\n"), "{text}");
    }

    #[test]
    fn filter_counters_add_as_deltas() {
        let m = Metrics::default();
        let a = Counters { dropped: 2, errors: 1, ..Default::default() };
        let b = Counters { dropped: 5, errors: 1, sealed: 4, ..Default::default() };
        m.add_filter(&a, &Counters::default());
        m.add_filter(&b, &a);
        assert_eq!(m.sampled_out.load(Relaxed), 5);
        assert_eq!(m.errors.load(Relaxed), 1);
        assert_eq!(m.sealed.load(Relaxed), 4);
    }
}
