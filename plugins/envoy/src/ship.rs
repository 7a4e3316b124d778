//! The collector queue: filtered records wait here until a batch that holds them is
//! acknowledged (HTTP 2xx). Host-neutral and clock-free (the caller passes the time), so it is
//! tested natively.
//!
//! - Bounded by records and bytes. A record that does not fit is dropped and counted; the
//!   records dropped in a row are declared by one sealed gap record (`Filter::declare_gap`) as
//!   soon as there is room again, before any later record, so a verifier sees exactly the
//!   dropped sequence numbers missing before the gap record.
//! - One batch in flight at a time, in queue order. A failed batch is sent again, byte for
//!   byte the same (a collector that stored it before the failure holds duplicates, which
//!   verify as duplicates, never as tampering), after a backoff that doubles up to a maximum.
//! - A batch is NDJSON: each record followed by `\n`.

use crate::config::Collector;
use std::collections::VecDeque;

/// Room kept for a gap record: it is small (no fields but the reserved object).
pub const GAP_RESERVE: usize = 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// No batch in flight.
    Idle,
    /// The batch in `flight` was dispatched and its answer is awaited.
    Sending,
    /// The batch in `flight` failed; it goes again at this time (ms).
    Waiting(u64),
}

/// Counts for the operator; they never hold record content.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub delivered: u64,
    pub batches: u64,
    pub failures: u64,
    pub dropped: u64,
    pub gaps: u64,
}

pub struct Queue {
    limits: Collector,
    records: VecDeque<Vec<u8>>,
    bytes: usize,
    /// Arrival time (ms) of the oldest record not yet in a batch.
    oldest_unsent_ms: Option<u64>,
    /// The batch being sent: its body, and how many queued records it holds.
    flight: Vec<u8>,
    flight_records: usize,
    state: State,
    backoff_ms: u64,
    /// Dropped records not yet declared in a gap record.
    undeclared: u64,
    pub stats: Stats,
}

impl Queue {
    pub fn new(limits: Collector) -> Queue {
        let backoff_ms = limits.retry_min_ms;
        Queue {
            limits,
            records: VecDeque::new(),
            bytes: 0,
            oldest_unsent_ms: None,
            flight: Vec::new(),
            flight_records: 0,
            state: State::Idle,
            backoff_ms,
            undeclared: 0,
            stats: Stats::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Whether a record of `len` bytes fits now.
    pub fn fits(&self, len: usize) -> bool {
        self.records.len() < self.limits.queue_records && self.bytes + len < self.limits.queue_bytes
    }

    /// Records dropped since the last gap record, to be declared before the next record.
    pub fn undeclared(&self) -> u64 {
        self.undeclared
    }

    /// Whether a gap record is owed and fits now: the caller then writes it with
    /// `Filter::declare_gap(queue.undeclared(), ..)` and hands it to [`Queue::push_gap`].
    pub fn gap_due(&self) -> bool {
        self.undeclared > 0 && self.fits(GAP_RESERVE)
    }

    /// Queues a gap record; the dropped records it declares are settled.
    pub fn push_gap(&mut self, record: &[u8], now_ms: u64) {
        self.undeclared = 0;
        self.stats.gaps += 1;
        self.enqueue(record, now_ms);
    }

    /// Queues a filtered record, or drops and counts it when the queue is full or a gap is
    /// still owed (a record may not jump ahead of the gap record that must precede it).
    /// Returns whether it was queued.
    pub fn push(&mut self, record: &[u8], now_ms: u64) -> bool {
        if self.undeclared > 0 || !self.fits(record.len()) {
            self.undeclared += 1;
            self.stats.dropped += 1;
            return false;
        }
        self.enqueue(record, now_ms);
        true
    }

    fn enqueue(&mut self, record: &[u8], now_ms: u64) {
        self.bytes += record.len() + 1;
        self.records.push_back(record.to_vec());
        if self.oldest_unsent_ms.is_none() {
            self.oldest_unsent_ms = Some(now_ms);
        }
    }

    /// Records queued but not in the batch in flight.
    fn unsent(&self) -> usize {
        self.records.len() - self.flight_records.min(self.records.len())
    }

    /// The body to dispatch now, if any: the failed batch again once its backoff is over, or a
    /// new batch when one is full (records or bytes) or its oldest record waited `flush_ms`
    /// (`force`: send whatever waits). The caller dispatches it, then reports with
    /// [`Queue::sent`] or [`Queue::failed`].
    pub fn next(&mut self, now_ms: u64, force: bool) -> Option<&[u8]> {
        match self.state {
            State::Sending => return None,
            State::Waiting(at) if now_ms < at => return None,
            State::Waiting(_) => {
                self.state = State::Sending;
                return Some(&self.flight);
            }
            State::Idle => {}
        }
        if self.unsent() == 0 {
            return None;
        }
        let unsent_bytes = self.bytes; // nothing is in flight when idle
        let full = self.records.len() >= self.limits.batch_records || unsent_bytes >= self.limits.batch_bytes;
        let old = self.oldest_unsent_ms.is_some_and(|t| now_ms.saturating_sub(t) >= self.limits.flush_ms);
        if !(full || old || force) {
            return None;
        }
        self.flight.clear();
        let mut n = 0;
        for r in &self.records {
            if n == self.limits.batch_records || (n > 0 && self.flight.len() + r.len() + 1 > self.limits.batch_bytes) {
                break;
            }
            self.flight.extend_from_slice(r);
            self.flight.push(b'\n');
            n += 1;
        }
        self.flight_records = n;
        self.oldest_unsent_ms = if n < self.records.len() { Some(now_ms) } else { None };
        self.state = State::Sending;
        Some(&self.flight)
    }

    /// The batch in flight was acknowledged: its records leave the queue.
    pub fn sent(&mut self) {
        if self.state != State::Sending {
            return;
        }
        for _ in 0..self.flight_records {
            if let Some(r) = self.records.pop_front() {
                self.bytes -= r.len() + 1;
            }
        }
        self.stats.delivered += self.flight_records as u64;
        self.stats.batches += 1;
        self.flight_records = 0;
        self.flight.clear();
        self.state = State::Idle;
        self.backoff_ms = self.limits.retry_min_ms;
    }

    /// The batch in flight failed (refused, timed out, not dispatched): it goes again, the
    /// same bytes, after the backoff.
    pub fn failed(&mut self, now_ms: u64) {
        if self.state != State::Sending {
            return;
        }
        self.stats.failures += 1;
        self.state = State::Waiting(now_ms.saturating_add(self.backoff_ms));
        self.backoff_ms = self.backoff_ms.saturating_mul(2).min(self.limits.retry_max_ms);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(batch: usize, queue: usize) -> Collector {
        Collector {
            cluster: "c".into(),
            authority: "c".into(),
            path: "/".into(),
            timeout_ms: 1000,
            batch_records: batch,
            batch_bytes: 1 << 20,
            flush_ms: 100,
            queue_records: queue,
            queue_bytes: 1 << 20,
            retry_min_ms: 10,
            retry_max_ms: 40,
        }
    }

    #[test]
    fn flushes_by_size_and_by_age() {
        let mut q = Queue::new(limits(2, 10));
        assert!(q.push(b"{\"a\":1}", 0));
        assert_eq!(q.next(50, false), None, "neither full nor old");
        assert_eq!(q.next(100, false), Some(&b"{\"a\":1}\n"[..]), "old enough");
        q.sent();
        assert!(q.is_empty());
        q.push(b"1", 200);
        q.push(b"2", 200);
        q.push(b"3", 200);
        assert_eq!(q.next(200, false), Some(&b"1\n2\n"[..]), "full: one batch of batch_records");
        q.sent();
        assert_eq!(q.next(200, true), Some(&b"3\n"[..]), "forced");
        q.sent();
        assert_eq!(q.stats.delivered, 4);
        assert_eq!(q.stats.batches, 3);
    }

    #[test]
    fn a_failed_batch_goes_again_byte_for_byte_after_a_growing_backoff() {
        let mut q = Queue::new(limits(2, 10));
        q.push(b"1", 0);
        q.push(b"2", 0);
        let first = q.next(0, false).unwrap().to_vec();
        q.push(b"3", 1);
        assert_eq!(q.next(1, true), None, "one batch in flight at a time");
        q.failed(5);
        assert_eq!(q.next(14, true), None, "backoff 10 ms");
        assert_eq!(q.next(15, true).unwrap(), &first[..]);
        q.failed(15);
        assert_eq!(q.next(34, true), None, "backoff doubled to 20 ms");
        assert_eq!(q.next(35, true).unwrap(), &first[..]);
        q.failed(35);
        q.failed(35); // a stray second report changes nothing
        assert_eq!(q.next(75, true).unwrap(), &first[..], "capped at 40 ms");
        q.sent();
        assert_eq!(q.next(75, true), Some(&b"3\n"[..]));
        q.sent();
        assert_eq!(q.stats.failures, 3);
        assert_eq!(q.stats.delivered, 3);
    }

    #[test]
    fn overflow_is_counted_and_declared_before_the_next_record() {
        let mut q = Queue::new(limits(2, 2));
        assert!(q.push(b"1", 0));
        assert!(q.push(b"2", 0));
        assert!(!q.push(b"3", 0));
        assert!(!q.push(b"4", 0));
        assert_eq!(q.undeclared(), 2);
        assert!(!q.gap_due(), "no room yet");
        q.next(0, false).unwrap();
        q.sent();
        assert!(q.gap_due());
        // A record arriving while the gap is owed cannot overtake it.
        assert!(q.undeclared() > 0);
        q.push_gap(b"gap", 1);
        assert_eq!(q.undeclared(), 0);
        assert!(q.push(b"5", 1));
        assert_eq!(q.next(1, true), Some(&b"gap\n5\n"[..]));
        assert_eq!(q.stats.dropped, 2);
        assert_eq!(q.stats.gaps, 1);
    }

    #[test]
    fn a_record_never_overtakes_an_owed_gap() {
        let mut q = Queue::new(limits(1, 1));
        q.push(b"1", 0);
        assert!(!q.push(b"2", 0));
        q.next(0, false).unwrap();
        q.sent();
        // Room again, but the gap is owed: the record is dropped too, and counted.
        assert!(!q.push(b"3", 0));
        assert_eq!(q.undeclared(), 2);
    }

    #[test]
    fn the_byte_bound_holds() {
        let mut l = limits(100, 100);
        l.queue_bytes = 1024;
        let mut q = Queue::new(l);
        let rec = vec![b'x'; 300];
        assert!(q.push(&rec, 0));
        assert!(q.push(&rec, 0));
        assert!(q.push(&rec, 0));
        assert!(!q.push(&rec, 0), "1204 bytes would exceed 1024");
        assert_eq!(q.len(), 3);
    }

    #[test]
    fn batches_respect_the_byte_limit_but_always_take_one_record() {
        let mut l = limits(100, 100);
        l.batch_bytes = 1024;
        let mut q = Queue::new(l);
        let big = vec![b'x'; 2000];
        q.push(&big, 0);
        q.push(b"small", 0);
        assert_eq!(q.next(0, false).unwrap().len(), 2001, "an oversized record goes alone");
        q.sent();
        assert_eq!(q.next(0, true), Some(&b"small\n"[..]));
    }
}
