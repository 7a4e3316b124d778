//! The client listener (TCP or unix socket, TCP optionally with TLS): accepts until shutdown,
//! at most `max_connections` at once, and gives each connection to a worker in turn, served
//! as newline-delimited records (socket mode) or HTTP (the HTTP modes).

use super::config::Endpoint;
use super::connection::{self, Batch, Shared};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, UnixListener};
use tokio::sync::{mpsc, watch, Semaphore};
use tokio::task::JoinSet;

/// A bound listener.
pub enum Listener {
    Tcp(TcpListener),
    Unix(UnixListener),
}

impl Listener {
    /// Binds `at`. A unix socket path left by an earlier run is replaced; any other file
    /// there is not touched.
    pub async fn bind(at: &Endpoint) -> std::io::Result<Listener> {
        match at {
            Endpoint::Tcp(a) => Ok(Listener::Tcp(TcpListener::bind(a).await?)),
            Endpoint::Unix(p) => {
                use std::os::unix::fs::FileTypeExt;
                if std::fs::symlink_metadata(p).map(|m| m.file_type().is_socket()).unwrap_or(false) {
                    std::fs::remove_file(p)?;
                }
                Ok(Listener::Unix(UnixListener::bind(p)?))
            }
            Endpoint::Http(_) => Err(std::io::Error::other("cannot listen on a URL")),
        }
    }

    /// The bound address as a user writes it (the real port when 0 was asked for).
    pub fn local(&self) -> String {
        match self {
            Listener::Tcp(l) => l.local_addr().map_or_else(|_| "?".into(), |a| a.to_string()),
            Listener::Unix(l) => l.local_addr().ok().and_then(|a| a.as_pathname().map(|p| format!("unix:{}", p.display()))).unwrap_or_else(|| "unix:?".into()),
        }
    }
}

/// Accepts until `stop` turns true, then returns the connection tasks still running. With
/// `tls`, each TCP connection's handshake must end within `idle_timeout_ms`.
pub async fn accept(
    listener: Listener,
    workers: Vec<mpsc::Sender<Batch>>,
    shared: Shared,
    max_connections: usize,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) -> JoinSet<()> {
    let mut tasks = JoinSet::new();
    let slots = Arc::new(Semaphore::new(max_connections));
    let mut next = 0usize;
    loop {
        // Reap finished connections so the set stays as small as what is open.
        while tasks.try_join_next().is_some() {}
        let accepted = tokio::select! {
            biased;
            _ = stop.wait_for(|s| *s) => break,
            a = accept_one(&listener) => a,
        };
        let Some(stream) = accepted else {
            // Out of file descriptors and the like: wait rather than spin.
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        shared.metrics.connections_total.fetch_add(1, Relaxed);
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Closed at once: the client's retry logic takes over, and memory stays bounded.
            shared.metrics.connections_refused.fetch_add(1, Relaxed);
            continue;
        };
        let Some(to_worker) = workers.get(next % workers.len().max(1)).cloned() else { break };
        next = next.wrapping_add(1);
        let shared = shared.clone();
        let tls = tls.clone();
        tasks.spawn(async move {
            match (stream, tls) {
                (Stream::Tcp(s), Some(tls)) => match tokio::time::timeout(shared.idle_timeout, tls.accept(s)).await {
                    Ok(Ok(s)) => serve(s, to_worker, shared).await,
                    _ => {
                        shared.metrics.tls_failures.fetch_add(1, Relaxed);
                    }
                },
                (Stream::Tcp(s), None) => serve(s, to_worker, shared).await,
                (Stream::Unix(s), _) => serve(s, to_worker, shared).await,
            }
            drop(slot);
        });
    }
    tasks
}

async fn serve<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static>(s: S, to_worker: mpsc::Sender<Batch>, shared: Shared) {
    if shared.http.is_some() {
        super::http::serve(s, to_worker, shared).await
    } else {
        connection::serve(s, to_worker, shared).await
    }
}

enum Stream {
    Tcp(tokio::net::TcpStream),
    Unix(tokio::net::UnixStream),
}

async fn accept_one(l: &Listener) -> Option<Stream> {
    match l {
        Listener::Tcp(l) => l.accept().await.ok().map(|(s, _)| Stream::Tcp(s)),
        Listener::Unix(l) => l.accept().await.ok().map(|(s, _)| Stream::Unix(s)),
    }
}
