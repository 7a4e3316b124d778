//! One client connection: newline-delimited records (Vector's `socket` sink with the `json`
//! codec and newline framing), read in bounded memory and handed to a worker in batches.
//!
//! A line longer than `max_record_bytes` keeps only its first `max_record_bytes + 1` bytes
//! (the rest is skipped as it arrives, and the full length goes to the core, which marks the
//! record cut), exactly as `logseal filter` reads stdin. A batch waits for queue room (the
//! byte semaphore) before it goes to the worker, so a full queue stops reading from clients.

use super::metrics::Metrics;
use super::otlp::Encoding;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::{mpsc, oneshot, watch, OwnedSemaphorePermit, Semaphore};

/// A batch holds at most this many input bytes (plus one line) ...
const BATCH_BYTES: usize = 64 << 10;
/// ... and at most this many lines.
const BATCH_LINES: usize = 1024;

/// One line of a batch: its kept bytes in `Batch::buf`, and its full length when it was cut.
pub struct Line {
    pub start: usize,
    pub end: usize,
    pub declared: Option<u64>,
}

/// Lines read from one connection, in order, with the queue room they hold.
pub struct Batch {
    pub buf: Vec<u8>,
    pub lines: Vec<Line>,
    /// Queue room (input bytes) held until the batch is forwarded or dropped.
    pub permit: Option<OwnedSemaphorePermit>,
    /// What `buf` holds: lines, or one OTLP export request (then `lines` is empty).
    pub job: Job,
    /// HTTP modes: told how the batch ended, so the request is answered only then.
    pub reply: Option<oneshot::Sender<Answer>>,
}

/// What a batch's bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Job {
    Lines,
    Otlp(Encoding),
}

/// How a batch of an HTTP request ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Answer {
    /// Forwarded (or nothing was left to forward); `wrapped` records went out marked with an
    /// error (OTLP answers count them as partial success).
    Forwarded { wrapped: u64 },
    /// The downstream could not take it before `forward_timeout_ms`: the sender retries.
    Failed,
    /// The downstream refused it for good (a 4xx other than 408/429), with that status.
    Refused(u16),
    /// The request body is not what the mode takes (OTLP): a 400 with this text.
    Invalid(String),
}

impl Batch {
    fn new() -> Batch {
        Batch { buf: Vec::with_capacity(BATCH_BYTES), lines: Vec::new(), permit: None, job: Job::Lines, reply: None }
    }
}

/// What a connection needs from the server.
#[derive(Clone)]
pub struct Shared {
    pub metrics: Arc<Metrics>,
    pub queue: Arc<Semaphore>,
    pub queue_bytes: usize,
    /// `max_record_bytes + 1`: longer lines are cut to this.
    pub cap: usize,
    pub idle_timeout: Duration,
    /// Becomes true when the shutdown grace is over: stop reading.
    pub cut: watch::Receiver<bool>,
    /// Becomes true on SIGTERM: HTTP connections finish the request they are on and close.
    pub stop: watch::Receiver<bool>,
    /// The HTTP modes' settings (None in socket mode).
    pub http: Option<Arc<super::http::Settings>>,
}

enum Read {
    Line,
    Eof,
    Idle,
}

/// Reads one line into `batch` (bounded to `cap` kept bytes). A line the client left
/// unfinished (end of stream or idle timeout) is still a line.
async fn read_line<R: AsyncRead + Unpin>(r: &mut BufReader<R>, batch: &mut Batch, cap: usize, idle: Duration, metrics: &Metrics) -> std::io::Result<Read> {
    let start = batch.buf.len();
    let mut total: u64 = 0;
    let mut any = false;
    loop {
        let chunk = match tokio::time::timeout(idle, r.fill_buf()).await {
            Ok(c) => c?,
            Err(_) => {
                if any {
                    push(batch, start, total);
                }
                return Ok(Read::Idle);
            }
        };
        if chunk.is_empty() {
            if any {
                push(batch, start, total);
                return Ok(Read::Line);
            }
            return Ok(Read::Eof);
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i, true),
            None => (chunk.len(), false),
        };
        let room = cap.saturating_sub(batch.buf.len() - start);
        batch.buf.extend_from_slice(&chunk[..take.min(room)]);
        total += take as u64;
        let used = if done { take + 1 } else { take };
        metrics.bytes_in.fetch_add(used as u64, Relaxed);
        r.consume(used);
        if done {
            push(batch, start, total);
            return Ok(Read::Line);
        }
    }
}

fn push(batch: &mut Batch, start: usize, total: u64) {
    let end = batch.buf.len();
    let declared = (total > (end - start) as u64).then_some(total);
    batch.lines.push(Line { start, end, declared });
}

/// Serves one connection until the client closes it, it idles out, or the grace ends.
pub async fn serve<R: AsyncRead + Unpin>(stream: R, to_worker: mpsc::Sender<Batch>, shared: Shared) {
    let metrics = &shared.metrics;
    metrics.connections_open.fetch_add(1, Relaxed);
    let mut reader = BufReader::with_capacity(64 << 10, stream);
    let mut cut = shared.cut.clone();
    let mut batch = Batch::new();
    loop {
        let read = tokio::select! {
            biased;
            _ = cut.wait_for(|c| *c) => {
                metrics.connections_cut.fetch_add(1, Relaxed);
                // A line the client had not finished is not taken.
                Err(None)
            }
            r = read_line(&mut reader, &mut batch, shared.cap, shared.idle_timeout, metrics) => r.map_err(Some),
        };
        let more = match read {
            Ok(Read::Line) => true,
            Ok(Read::Eof) => false,
            Ok(Read::Idle) => {
                metrics.connections_idle_closed.fetch_add(1, Relaxed);
                false
            }
            Err(Some(_)) => {
                metrics.read_errors.fetch_add(1, Relaxed);
                false
            }
            Err(None) => false,
        };
        if let Some(last) = batch.lines.last() {
            batch.buf.truncate(last.end);
        } else {
            batch.buf.clear();
        }
        // Send when nothing complete is waiting in the buffer, or the batch is full.
        let waiting = memchr::memchr(b'\n', reader.buffer()).is_some();
        let full = batch.buf.len() >= BATCH_BYTES || batch.lines.len() >= BATCH_LINES;
        if !batch.lines.is_empty() && (!more || !waiting || full) {
            let ready = std::mem::replace(&mut batch, Batch::new());
            if !dispatch(ready, &to_worker, &shared).await {
                break;
            }
        }
        if !more {
            break;
        }
    }
    metrics.connections_open.fetch_sub(1, Relaxed);
}

/// Waits for queue room, then hands the batch to the worker. False when the worker is gone,
/// or the shutdown grace ended while the queue was still full (a downstream that stays away):
/// then the batch's records are counted read and lost, so shutdown cannot hang on them.
async fn dispatch(mut batch: Batch, to_worker: &mpsc::Sender<Batch>, shared: &Shared) -> bool {
    let want = batch.buf.len().clamp(1, shared.queue_bytes) as u32;
    let n = batch.lines.len() as u64;
    let mut cut = shared.cut.clone();
    let room = tokio::select! {
        biased;
        p = shared.queue.clone().acquire_many_owned(want) => p.ok(),
        _ = cut.wait_for(|c| *c) => None,
    };
    let Some(permit) = room else {
        shared.metrics.records_in.fetch_add(n, Relaxed);
        shared.metrics.lost.fetch_add(n, Relaxed);
        return false;
    };
    batch.permit = Some(permit);
    shared.metrics.records_in.fetch_add(n, Relaxed);
    shared.metrics.queue_records.fetch_add(n as i64, Relaxed);
    if to_worker.send(batch).await.is_err() {
        shared.metrics.lost.fetch_add(n, Relaxed);
        shared.metrics.queue_records.fetch_sub(n as i64, Relaxed);
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared(cap: usize) -> (Shared, watch::Sender<bool>) {
        let (tx, rx) = watch::channel(false);
        let s = Shared {
            metrics: Arc::new(Metrics::default()),
            queue: Arc::new(Semaphore::new(1 << 20)),
            queue_bytes: 1 << 20,
            cap,
            idle_timeout: Duration::from_secs(5),
            cut: rx.clone(),
            stop: rx,
            http: None,
        };
        (s, tx)
    }

    async fn lines_of(input: &'static [u8], cap: usize) -> Vec<(Vec<u8>, Option<u64>)> {
        let (s, _keep) = shared(cap);
        let (tx, mut rx) = mpsc::channel(16);
        serve(input, tx, s).await;
        let mut out = Vec::new();
        while let Some(b) = rx.recv().await {
            for l in &b.lines {
                out.push((b.buf[l.start..l.end].to_vec(), l.declared));
            }
        }
        out
    }

    #[tokio::test]
    async fn lines_are_framed_by_newlines_and_long_ones_cut() {
        let got = lines_of(b"{\"a\":1}\n\n0123456789abcdef\nunfinished", 8).await;
        let want: Vec<(Vec<u8>, Option<u64>)> = vec![
            (b"{\"a\":1}".to_vec(), None),
            (b"".to_vec(), None),
            (b"01234567".to_vec(), Some(16)),
            (b"unfinish".to_vec(), Some(10)),
        ];
        assert_eq!(got, want);
    }
}
