//! A worker: one thread owning one [`Filter`] (so one hash chain, labelled with the worker's
//! number), filtering the batches of the connections assigned to it, in order.

use super::connection::{Answer, Batch, Job};
use super::metrics::Metrics;
use super::otlp::{self, Encoding};
use logseal::stage::redact::kind::Kind;
use logseal::stage::seal::CHAIN_RANDOM_BYTES;
use logseal::{Context, Counters, Filter, Outcome, Plan};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot, OwnedSemaphorePermit};

/// Filtered records ready for the downstream: NDJSON (each line ending in `\n`) in socket and
/// HTTP modes, one encoded OTLP export request in OTLP mode.
pub struct Output {
    pub data: Vec<u8>,
    pub records: u64,
    /// The queue room of the input batch, released when this is dropped (after the write).
    #[allow(dead_code)]
    pub permit: Option<OwnedSemaphorePermit>,
    /// HTTP modes: the waiting request, answered once the forward ended.
    pub reply: Option<oneshot::Sender<Answer>>,
    /// Records that went out marked with an error.
    pub wrapped: u64,
    /// The body's content type (HTTP modes).
    pub content_type: &'static str,
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
    let mut scratch = Vec::new();
    let mut redacted = [0u64; Kind::COUNT];
    while let Some(mut batch) = input.blocking_recv() {
        let reply = batch.reply.take();
        let mut step = Step { filter: &mut filter, out: &mut out, fixed_time, redacted: &mut redacted };
        let filtered = match batch.job {
            Job::Lines => Ok(lines(&mut step, &batch, &metrics)),
            Job::Otlp(enc) => otlp_batch(&mut step, &batch, enc, &mut scratch, &metrics),
        };
        metrics.add_redacted(&redacted);
        redacted = [0; Kind::COUNT];
        let now = filter.counters();
        metrics.add_filter(&now, &last);
        last = now;
        let Batch { permit, .. } = batch;
        let (data, records, wrapped, content_type) = match filtered {
            Ok(f) => f,
            Err(why) => {
                if let Some(r) = reply {
                    let _ = r.send(Answer::Invalid(why));
                }
                continue;
            }
        };
        if records == 0 {
            // Everything was sampled away: nothing to forward, and the sender is done.
            if let Some(r) = reply {
                let _ = r.send(Answer::Forwarded { wrapped });
            }
            continue;
        }
        if let Err(e) = output.blocking_send(Output { data, records, permit, reply, wrapped, content_type }) {
            // The forwarder only ends early on a runtime failure; count, never hide.
            metrics.lost.fetch_add(records, Relaxed);
            metrics.queue_records.fetch_sub(records as i64, Relaxed);
            if let Some(r) = e.0.reply {
                let _ = r.send(Answer::Failed);
            }
        }
    }
}

type Filtered = (Vec<u8>, u64, u64, &'static str);

/// One worker's filter and what each record's step needs.
struct Step<'a> {
    filter: &'a mut Filter,
    out: &'a mut Vec<u8>,
    fixed_time: Option<i64>,
    /// Per-kind redactions of the batch so far.
    redacted: &'a mut [u64; Kind::COUNT],
}

impl Step<'_> {
    /// Filters one record into `self.out`, counting its redactions.
    fn process(&mut self, record: &[u8], declared_len: Option<u64>) -> Outcome {
        let ctx = Context { time_ns: self.fixed_time.unwrap_or_else(now_ns), tag: b"", declared_len };
        let outcome = self.filter.process(record, &ctx, self.out);
        if outcome != Outcome::Dropped {
            for (sum, &n) in self.redacted.iter_mut().zip(self.filter.last_redacted()) {
                *sum += n as u64;
            }
        }
        outcome
    }
}

fn lines(step: &mut Step, batch: &Batch, metrics: &Metrics) -> Filtered {
    let mut data = Vec::with_capacity(batch.buf.len() + batch.lines.len() * 96);
    let (mut records, mut wrapped) = (0u64, 0u64);
    for line in &batch.lines {
        let record = batch.buf.get(line.start..line.end).unwrap_or(&[]);
        match step.process(record, line.declared) {
            Outcome::Dropped => continue,
            Outcome::EmittedWithError => wrapped += 1,
            Outcome::Emitted => {}
        }
        data.extend_from_slice(step.out);
        data.push(b'\n');
        records += 1;
    }
    let dropped = batch.lines.len() as u64 - records;
    metrics.queue_records.fetch_sub(dropped as i64, Relaxed);
    (data, records, wrapped, "application/x-ndjson")
}

/// One OTLP export request: each log record through the filter, dropped ones removed.
fn otlp_batch(step: &mut Step, batch: &Batch, enc: Encoding, json: &mut Vec<u8>, metrics: &Metrics) -> Result<Filtered, String> {
    let mut req = otlp::decode(&batch.buf, enc).map_err(|e| e.0)?;
    let (mut seen, mut records, mut wrapped) = (0u64, 0u64, 0u64);
    for rl in &mut req.resource_logs {
        for sl in &mut rl.scope_logs {
            let taken = std::mem::take(&mut sl.log_records);
            for mut r in taken {
                seen += 1;
                otlp::record_json(&r, json);
                match step.process(json, None) {
                    Outcome::Dropped => continue,
                    Outcome::EmittedWithError => wrapped += 1,
                    Outcome::Emitted => {}
                }
                if !otlp::apply_output(&mut r, step.out) {
                    wrapped += 1;
                }
                sl.log_records.push(r);
                records += 1;
            }
        }
    }
    metrics.records_in.fetch_add(seen, Relaxed);
    metrics.queue_records.fetch_add(records as i64, Relaxed);
    Ok((otlp::encode_request(&req, enc), records, wrapped, enc.content_type()))
}

fn now_ns() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as i64)
}
