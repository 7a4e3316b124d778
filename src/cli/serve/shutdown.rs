//! Shutdown signals: SIGTERM or SIGINT starts the drain (its order is in [`super::serve`]).

use tokio::signal::unix::{signal, Signal, SignalKind};

/// The handlers, installed before the server says it is ready, so no early signal is missed.
pub struct Signals {
    term: Signal,
    int: Signal,
}

impl Signals {
    pub fn install() -> std::io::Result<Signals> {
        Ok(Signals { term: signal(SignalKind::terminate())?, int: signal(SignalKind::interrupt())? })
    }

    /// Resolves on the first SIGTERM or SIGINT, with its name.
    pub async fn next(mut self) -> &'static str {
        tokio::select! {
            _ = self.term.recv() => "SIGTERM",
            _ = self.int.recv() => "SIGINT",
        }
    }
}
