//! The forwarder of one worker: writes its filtered records, in order, on one connection to
//! the downstream (Vector's `socket` source, newline framing), reconnecting with backoff.
//!
//! While the downstream is away nothing is dropped: the forwarder holds its batch, the queue
//! fills, and clients are no longer read from. A batch whose write fails is written again
//! on the next connection (counted as resent: the downstream may see those records twice).
//! Plain TCP has no acknowledgement, so what the downstream's kernel accepted and its
//! process never read is beyond the forwarder's sight; a downstream that closes cleanly is
//! noticed before the next write (its end of stream is read), which covers restarts.
//! Only when shutdown's drain timeout ends are the records still held counted lost.

use super::config::Endpoint;
use super::metrics::Metrics;
use super::worker::Output;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpStream, UnixStream};
use tokio::sync::{mpsc, watch};

const FIRST_BACKOFF: Duration = Duration::from_millis(50);
const MAX_BACKOFF: Duration = Duration::from_secs(5);

enum Conn {
    Tcp(TcpStream),
    Unix(UnixStream),
}

impl Conn {
    async fn open(to: &Endpoint) -> std::io::Result<Conn> {
        Ok(match to {
            Endpoint::Tcp(a) => {
                let s = TcpStream::connect(a).await?;
                s.set_nodelay(true)?;
                Conn::Tcp(s)
            }
            Endpoint::Unix(p) => Conn::Unix(UnixStream::connect(p).await?),
            // The configuration gives URLs only to the HTTP modes, which use http_forwarder.
            Endpoint::Http(_) => return Err(std::io::Error::other("a URL is not a socket address")),
        })
    }

    /// True when the downstream has closed its end (a socket source never writes to us).
    fn closed(&self) -> bool {
        let mut probe = [0u8; 256];
        let r = match self {
            Conn::Tcp(s) => s.try_read(&mut probe),
            Conn::Unix(s) => s.try_read(&mut probe),
        };
        match r {
            Ok(0) => true,
            Ok(_) => false,
            Err(e) => e.kind() != std::io::ErrorKind::WouldBlock,
        }
    }

    async fn write_all(&mut self, data: &[u8]) -> std::io::Result<()> {
        match self {
            Conn::Tcp(s) => s.write_all(data).await,
            Conn::Unix(s) => s.write_all(data).await,
        }
    }

    async fn shutdown(&mut self) {
        let _ = match self {
            Conn::Tcp(s) => s.shutdown().await,
            Conn::Unix(s) => s.shutdown().await,
        };
    }
}

/// Forwards until the worker's channel closes; `give_up` turning true (the drain timeout)
/// makes every record still held count as lost.
pub async fn run(to: Endpoint, mut input: mpsc::Receiver<Output>, metrics: Arc<Metrics>, mut give_up: watch::Receiver<bool>) {
    let mut conn: Option<Conn> = None;
    let mut backoff = FIRST_BACKOFF;
    while let Some(batch) = input.recv().await {
        let mut failed_before = false;
        loop {
            if *give_up.borrow() {
                metrics.lost.fetch_add(batch.records, Relaxed);
                break;
            }
            let c = match &mut conn {
                Some(c) if !c.closed() => c,
                _ => {
                    conn = None;
                    match Conn::open(&to).await {
                        Ok(c) => {
                            metrics.downstream_connects.fetch_add(1, Relaxed);
                            backoff = FIRST_BACKOFF;
                            conn.insert(c)
                        }
                        Err(_) => {
                            metrics.downstream_failures.fetch_add(1, Relaxed);
                            tokio::select! {
                                _ = tokio::time::sleep(backoff) => {}
                                _ = give_up.wait_for(|g| *g) => {}
                            }
                            backoff = (backoff * 2).min(MAX_BACKOFF);
                            continue;
                        }
                    }
                }
            };
            let written = tokio::select! {
                r = c.write_all(&batch.data) => r.is_ok(),
                _ = give_up.wait_for(|g| *g) => false,
            };
            if written {
                metrics.records_out.fetch_add(batch.records, Relaxed);
                if failed_before {
                    metrics.resent.fetch_add(batch.records, Relaxed);
                }
                break;
            }
            conn = None;
            failed_before = true;
            metrics.downstream_failures.fetch_add(1, Relaxed);
        }
        metrics.queue_records.fetch_sub(batch.records as i64, Relaxed);
        // The batch (and its queue room) is released here.
    }
    if let Some(c) = &mut conn {
        c.shutdown().await;
    }
}
