//! Verification across cores: worker threads read lines and check MACs ([`Ahead`]) for
//! batches of lines; the calling thread hands batches out and takes the results in input order
//! into one [`Verifier`], so chain bookkeeping (sequence numbers, replays, epochs, state) sees
//! exactly the sequence a single-threaded run sees, whatever the files and chains.
//!
//! Memory is bounded: at most [`Options::in_flight`] batches are out at once, each of at most
//! [`Options::batch_lines`] lines and about [`Options::batch_bytes`] bytes, and at most
//! `in_flight * batch_bytes` bytes in all unless a single batch is larger (one long line);
//! then it goes out alone. The caller reads only when a batch may go out.
//!
//! Command line only (threads): the wasm modules verify with [`Verifier::line`].

use super::{Ahead, Finding, Prepared, Verifier};
use crate::keys::KeySet;
use std::collections::{BTreeMap, VecDeque};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// How the work is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// Worker threads (at least 1).
    pub jobs: usize,
    /// Lines per batch.
    pub batch_lines: usize,
    /// Bytes per batch: a batch goes out once it holds this many.
    pub batch_bytes: usize,
    /// Batches handed out and not yet taken, at most.
    pub in_flight: usize,
}

impl Options {
    /// The defaults for `jobs` workers: batches of 1,024 lines or 1 MiB, two per worker out.
    pub fn with_jobs(jobs: usize) -> Options {
        let jobs = jobs.max(1);
        Options { jobs, batch_lines: 1024, batch_bytes: 1 << 20, in_flight: 2 * jobs }
    }
}

/// What a run did, for tests and reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Batches handed to workers.
    pub batches: u64,
    /// The most lines handed out and not yet taken at any moment.
    pub max_lines_in_flight: u64,
    /// The most batches handed out and not yet taken at any moment.
    pub max_batches_in_flight: u64,
    /// The most line bytes handed out and not yet taken at any moment.
    pub max_bytes_in_flight: u64,
    /// Batches the calling thread verified itself because no worker answered.
    pub taken_without_workers: u64,
}

/// One line of a batch.
#[derive(Clone, Copy)]
struct LineAt {
    global: u64,
    starts_input: bool,
    start: usize,
    end: usize,
}

#[derive(Default)]
struct Batch {
    bytes: Vec<u8>,
    lines: Vec<LineAt>,
}

impl Batch {
    fn line(&self, at: &LineAt) -> &[u8] {
        self.bytes.get(at.start..at.end).unwrap_or_default()
    }
}

struct Done {
    id: u64,
    prepared: Vec<Option<Prepared>>,
}

/// A verification run across worker threads. Lines go in with [`Pipeline::push`] in input
/// order; findings come out through the `sink`, in the order [`Verifier::line`] would give them.
pub struct Pipeline {
    options: Options,
    to_workers: Option<SyncSender<(u64, Arc<Batch>)>>,
    from_workers: Receiver<Done>,
    workers: Vec<JoinHandle<()>>,
    filling: Batch,
    /// Batches out, oldest first, with their ids.
    out: VecDeque<(u64, Arc<Batch>)>,
    /// Results that came before an older batch's.
    early: BTreeMap<u64, Vec<Option<Prepared>>>,
    next_id: u64,
    lines_out: u64,
    bytes_out: usize,
    findings: Vec<Finding>,
    stats: Stats,
}

impl Pipeline {
    /// Starts `options.jobs` workers for `keys` (the verifier's keyring).
    pub fn new(keys: &KeySet, options: Options) -> Pipeline {
        let options = Options { jobs: options.jobs.max(1), batch_lines: options.batch_lines.max(1), in_flight: options.in_flight.max(1), ..options };
        let (to_workers, work) = mpsc::sync_channel::<(u64, Arc<Batch>)>(options.in_flight);
        let (done, from_workers) = mpsc::sync_channel::<Done>(options.in_flight);
        let work = Arc::new(Mutex::new(work));
        let mut workers = Vec::new();
        for _ in 0..options.jobs {
            let (work, done, keys) = (Arc::clone(&work), done.clone(), keys.clone());
            let spawned = std::thread::Builder::new().name("logseal-verify".into()).spawn(move || {
                let mut ahead = Ahead::new(keys);
                loop {
                    let next = match work.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((id, batch)) = next else { return };
                    let prepared = batch.lines.iter().map(|at| ahead.prepare(batch.line(at))).collect();
                    if done.send(Done { id, prepared }).is_err() {
                        return;
                    }
                }
            });
            // A thread that cannot start leaves its share to the others (or to the caller).
            if let Ok(handle) = spawned {
                workers.push(handle);
            }
        }
        Pipeline {
            options,
            to_workers: Some(to_workers),
            from_workers,
            workers,
            filling: Batch::default(),
            out: VecDeque::new(),
            early: BTreeMap::new(),
            next_id: 0,
            lines_out: 0,
            bytes_out: 0,
            findings: Vec::new(),
            stats: Stats::default(),
        }
    }

    /// Adds the line numbered `global` (`starts_input`: the first line of a file, see
    /// [`Verifier::next_input`]). Findings of earlier lines may go to `sink` meanwhile.
    pub fn push(&mut self, v: &mut Verifier, global: u64, starts_input: bool, line: &[u8], sink: &mut dyn FnMut(&[Finding])) {
        let start = self.filling.bytes.len();
        self.filling.bytes.extend_from_slice(line);
        self.filling.lines.push(LineAt { global, starts_input, start, end: start + line.len() });
        if self.filling.lines.len() >= self.options.batch_lines || self.filling.bytes.len() >= self.options.batch_bytes {
            self.send(v, sink);
        }
        self.take_ready(v, sink, false);
    }

    /// Takes every line pushed so far: their findings have all gone to `sink` on return.
    pub fn flush(&mut self, v: &mut Verifier, sink: &mut dyn FnMut(&[Finding])) {
        if !self.filling.lines.is_empty() {
            self.send(v, sink);
        }
        while !self.out.is_empty() {
            self.take_ready(v, sink, true);
        }
    }

    /// What the run did so far.
    pub fn stats(&self) -> Stats {
        self.stats
    }

    /// Hands the filling batch out, first waiting for the oldest to be taken when
    /// `in_flight` are out.
    fn send(&mut self, v: &mut Verifier, sink: &mut dyn FnMut(&[Finding])) {
        // Bytes are capped too (long lines make big batches): at most in_flight full batches'
        // worth, or one batch alone.
        let max_bytes = self.options.in_flight.saturating_mul(self.options.batch_bytes);
        let bytes = self.filling.bytes.len();
        while self.out.len() >= self.options.in_flight || (!self.out.is_empty() && self.bytes_out.saturating_add(bytes) > max_bytes) {
            self.take_ready(v, sink, true);
        }
        self.bytes_out += bytes;
        self.stats.max_bytes_in_flight = self.stats.max_bytes_in_flight.max(self.bytes_out as u64);
        let batch = Arc::new(std::mem::take(&mut self.filling));
        let id = self.next_id;
        self.next_id += 1;
        self.lines_out += batch.lines.len() as u64;
        self.out.push_back((id, Arc::clone(&batch)));
        self.stats.batches += 1;
        self.stats.max_lines_in_flight = self.stats.max_lines_in_flight.max(self.lines_out);
        self.stats.max_batches_in_flight = self.stats.max_batches_in_flight.max(self.out.len() as u64);
        let sent = match &self.to_workers {
            Some(tx) if !self.workers.is_empty() => tx.send((id, batch)).is_ok(),
            _ => false,
        };
        if !sent {
            // No worker to take it: the batch is verified here when its turn comes.
            self.to_workers = None;
        }
    }

    /// Takes the oldest batches whose results are in; with `wait`, at least the oldest one.
    fn take_ready(&mut self, v: &mut Verifier, sink: &mut dyn FnMut(&[Finding]), mut wait: bool) {
        while let Some(&(id, _)) = self.out.front() {
            let prepared = match self.early.remove(&id) {
                Some(p) => Some(p),
                None if self.to_workers.is_none() => None,
                None => {
                    let got = if wait { self.from_workers.recv().ok() } else { self.from_workers.try_recv().ok() };
                    match got {
                        Some(done) if done.id == id => Some(done.prepared),
                        Some(done) => {
                            self.early.insert(done.id, done.prepared);
                            continue;
                        }
                        None if wait => {
                            // Every worker is gone: verify the rest here.
                            self.to_workers = None;
                            None
                        }
                        None => return,
                    }
                }
            };
            let Some((_, batch)) = self.out.pop_front() else { return };
            self.lines_out -= batch.lines.len() as u64;
            self.bytes_out -= batch.bytes.len();
            match prepared {
                Some(prepared) => {
                    for (at, p) in batch.lines.iter().zip(prepared) {
                        if at.starts_input {
                            v.next_input();
                        }
                        v.line_prepared(at.global, batch.line(at), p, &mut self.findings);
                        self.emit(sink);
                    }
                }
                None => {
                    self.stats.taken_without_workers += 1;
                    for at in &batch.lines {
                        if at.starts_input {
                            v.next_input();
                        }
                        v.line(at.global, batch.line(at), &mut self.findings);
                        self.emit(sink);
                    }
                }
            }
            wait = false;
        }
    }

    fn emit(&mut self, sink: &mut dyn FnMut(&[Finding])) {
        if !self.findings.is_empty() {
            sink(&self.findings);
            self.findings.clear();
        }
    }
}

impl Drop for Pipeline {
    fn drop(&mut self) {
        self.to_workers = None;
        // Results still queued would block a worker's send: drain them so every worker ends.
        while self.from_workers.try_recv().is_ok() {}
        for w in self.workers.drain(..) {
            while !w.is_finished() {
                let _ = self.from_workers.recv_timeout(std::time::Duration::from_millis(10));
            }
            let _ = w.join();
        }
    }
}
