//! A worker: one thread owning one [`Filter`] (so one hash chain, labelled with the worker's
//! number), filtering the batches of the connections assigned to it, in order.

use super::connection::Batch;
use super::metrics::Metrics;
use logseal::stage::seal::CHAIN_RANDOM_BYTES;
use logseal::{Context, Counters, Filter, Outcome, Plan};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, OwnedSemaphorePermit};

/// Filtered records ready for the downstream: NDJSON, each line ending in `\n`.
pub struct Output {
    pub data: Vec<u8>,
    pub records: u64,
    /// The queue room of the input batch, released when this is dropped (after the write).
    #[allow(dead_code)]
    pub permit: Option<OwnedSemaphorePermit>,
}

/// Runs until every connection assigned to the worker is gone; then the forwarder's channel
/// closes behind it.
pub fn run(plan: Plan, mut input: mpsc::Receiver<Batch>, output: mpsc::Sender<Output>, metrics: Arc<Metrics>, fixed_time: Option<i64>) {
    let mut filter = Filter::new(plan);
    filter.set_random(Box::new(|buf: &mut [u8]| getrandom::fill(buf).is_ok()));
    if filter.plan().sealer.is_some() {
        let mut r = [0u8; CHAIN_RANDOM_BYTES];
        match getrandom::fill(&mut r) {
            Ok(()) => filter.start_chain(&r),
            // Never a guessable chain id: records go out unsealed and marked instead.
            Err(_) => eprintln!("logseal serve: no randomness for the hash chain; records go out unsealed and marked"),
        }
    }
    let mut last = Counters::default();
    let mut out = Vec::new();
    while let Some(batch) = input.blocking_recv() {
        let mut data = Vec::with_capacity(batch.buf.len() + batch.lines.len() * 96);
        let mut records = 0u64;
        for line in &batch.lines {
            let ctx = Context {
                time_ns: fixed_time.unwrap_or_else(now_ns),
                tag: b"",
                declared_len: line.declared,
            };
            let record = batch.buf.get(line.start..line.end).unwrap_or(&[]);
            if filter.process(record, &ctx, &mut out) == Outcome::Dropped {
                continue;
            }
            data.extend_from_slice(&out);
            data.push(b'\n');
            records += 1;
        }
        let now = filter.counters();
        metrics.add_filter(&now, &last);
        last = now;
        let dropped = batch.lines.len() as u64 - records;
        metrics.queue_records.fetch_sub(dropped as i64, Relaxed);
        let Batch { permit, .. } = batch;
        if records == 0 {
            continue;
        }
        if output.blocking_send(Output { data, records, permit }).is_err() {
            // The forwarder only ends early on a runtime failure; count, never hide.
            metrics.lost.fetch_add(records, Relaxed);
            metrics.queue_records.fetch_sub(records as i64, Relaxed);
        }
    }
}

fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}
