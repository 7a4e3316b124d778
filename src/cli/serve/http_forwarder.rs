//! The forwarder of one worker in the HTTP modes: POSTs its filtered batches, in order, on one
//! HTTP/1.1 connection (plain or TLS) to the downstream URL, and tells each waiting request
//! how its batch ended, so the sender hears 2xx only once the downstream answered 2xx.
//!
//! A failed connect, a transport error, a 408, 429 or 5xx is retried with backoff until
//! `forward_timeout_ms` has passed since the batch came; then the request is answered 503 and
//! the sender's own retry takes over (counted `records_refused_total`). Any other answer is
//! final: the request is answered 502 (counted `records_downstream_rejected_total`).

use super::config::{ClientTls, Url};
use super::connection::Answer;
use super::metrics::Metrics;
use super::tls;
use super::worker::Output;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use rustls::pki_types::ServerName;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};

const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(2);
/// A downstream answer body longer than this is not read (the connection is dropped instead).
const MAX_ANSWER_BYTES: usize = 1 << 20;

/// The downstream, resolved once at start.
pub struct Downstream {
    pub url: Url,
    tls: Option<(tokio_rustls::TlsConnector, ServerName<'static>)>,
}

impl Downstream {
    pub fn new(url: Url, cfg: &ClientTls) -> Result<Downstream, tls::TlsError> {
        let tls = if url.https { Some(tls::connector(cfg, &url.host)?) } else { None };
        Ok(Downstream { url, tls })
    }

    async fn connect(&self) -> std::io::Result<SendRequest<Full<Bytes>>> {
        let tcp = TcpStream::connect((self.url.host.as_str(), self.url.port)).await?;
        tcp.set_nodelay(true)?;
        let failed = |e: hyper::Error| std::io::Error::other(e.to_string());
        match &self.tls {
            None => {
                let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await.map_err(failed)?;
                tokio::spawn(conn);
                Ok(send)
            }
            Some((connector, name)) => {
                let tls = connector.connect(name.clone(), tcp).await?;
                let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(tls)).await.map_err(failed)?;
                tokio::spawn(conn);
                Ok(send)
            }
        }
    }
}

/// Whether the downstream is known to be away, shared by the forwarders and the request
/// handlers: while it is, requests are answered 503 at once, except one probe per
/// `retry_after` that goes through and finds out.
#[derive(Default)]
pub struct Health {
    down: AtomicBool,
    /// Milliseconds since `epoch` of the last request let through while down.
    last_probe_ms: AtomicU64,
    epoch: std::sync::OnceLock<Instant>,
}

impl Health {
    fn now_ms(&self) -> u64 {
        self.epoch.get_or_init(Instant::now).elapsed().as_millis() as u64
    }

    fn set(&self, down: bool) {
        if down && !self.down.load(Relaxed) {
            self.last_probe_ms.store(self.now_ms(), Relaxed);
        }
        self.down.store(down, Relaxed);
    }

    /// True when a request may go on to the downstream now.
    pub fn admit(&self, every: Duration) -> bool {
        if !self.down.load(Relaxed) {
            return true;
        }
        let now = self.now_ms();
        let last = self.last_probe_ms.load(Relaxed);
        now.saturating_sub(last) >= every.as_millis() as u64 && self.last_probe_ms.compare_exchange(last, now, Relaxed, Relaxed).is_ok()
    }
}

enum Tried {
    Done,
    Retry,
    Final(u16),
}

/// Forwards until the worker's channel closes; `give_up` (the drain timeout) fails every
/// batch still held, counted lost.
pub async fn run(to: Arc<Downstream>, mut input: mpsc::Receiver<Output>, metrics: Arc<Metrics>, mut give_up: watch::Receiver<bool>, timeout: Duration, health: Arc<Health>) {
    let mut conn: Option<SendRequest<Full<Bytes>>> = None;
    let authority = to.url.authority();
    while let Some(mut batch) = input.recv().await {
        let deadline = Instant::now() + timeout;
        let body = Bytes::from(std::mem::take(&mut batch.data));
        let mut backoff = FIRST_BACKOFF;
        let mut failed_before = false;
        let answer = loop {
            if *give_up.borrow() {
                metrics.lost.fetch_add(batch.records, Relaxed);
                break Answer::Failed;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                metrics.refused.fetch_add(batch.records, Relaxed);
                break Answer::Failed;
            }
            let tried = tokio::select! {
                t = attempt(&to, &mut conn, &authority, batch.content_type, body.clone(), &metrics) => t,
                _ = tokio::time::sleep(left) => Tried::Retry,
                _ = give_up.wait_for(|g| *g) => Tried::Retry,
            };
            match tried {
                Tried::Done => {
                    health.set(false);
                    metrics.records_out.fetch_add(batch.records, Relaxed);
                    if failed_before {
                        metrics.resent.fetch_add(batch.records, Relaxed);
                    }
                    break Answer::Forwarded { wrapped: batch.wrapped };
                }
                Tried::Final(status) => {
                    health.set(false);
                    metrics.downstream_rejected.fetch_add(batch.records, Relaxed);
                    break Answer::Refused(status);
                }
                Tried::Retry => {
                    conn = None;
                    failed_before = true;
                    health.set(true);
                    metrics.downstream_failures.fetch_add(1, Relaxed);
                    let left = deadline.saturating_duration_since(Instant::now());
                    tokio::select! {
                        _ = tokio::time::sleep(backoff.min(left)) => {}
                        _ = give_up.wait_for(|g| *g) => {}
                    }
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        };
        metrics.queue_records.fetch_sub(batch.records as i64, Relaxed);
        if let Some(r) = batch.reply.take() {
            let _ = r.send(answer);
        }
        // The batch (and its queue room) is released here.
    }
}

/// One POST of the batch, on the open connection or a new one.
async fn attempt(to: &Downstream, conn: &mut Option<SendRequest<Full<Bytes>>>, authority: &str, content_type: &str, body: Bytes, metrics: &Metrics) -> Tried {
    let sender = match conn {
        Some(s) if !s.is_closed() => s,
        _ => match to.connect().await {
            Ok(s) => {
                metrics.downstream_connects.fetch_add(1, Relaxed);
                conn.insert(s)
            }
            Err(_) => return Tried::Retry,
        },
    };
    if sender.ready().await.is_err() {
        return Tried::Retry;
    }
    let request = hyper::Request::post(to.url.path.as_str())
        .header(hyper::header::HOST, authority)
        .header(hyper::header::CONTENT_TYPE, content_type)
        .header(hyper::header::CONTENT_LENGTH, body.len())
        .body(Full::new(body));
    let Ok(request) = request else { return Tried::Final(0) };
    let Ok(response) = sender.send_request(request).await else { return Tried::Retry };
    let status = response.status().as_u16();
    // Read the answer so the connection can carry the next batch; a huge one is not read.
    let read = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES).collect().await;
    if read.is_err() {
        *conn = None;
    }
    match status {
        200..=299 => Tried::Done,
        408 | 429 | 500..=599 => Tried::Retry,
        s => Tried::Final(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn while_down_one_probe_per_interval_goes_through() {
        let h = Health::default();
        assert!(h.admit(Duration::from_secs(60)));
        h.set(true);
        assert!(!h.admit(Duration::from_secs(60)), "a request right after the failure waits");
        assert!(h.admit(Duration::ZERO), "a probe once the interval passed");
        h.set(false);
        assert!(h.admit(Duration::from_secs(60)));
    }
}
