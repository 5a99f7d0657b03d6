//! Latency histograms shared by many connection tasks, and their printed summary.
//!
//! Tens of thousands of tasks record into one distribution at once, so the histogram is split
//! into shards, each behind its own lock: a task always records into the same shard, and the
//! shards are merged only when a measurement window closes.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

/// Longest latency the histograms hold, in microseconds (one minute); longer ones saturate.
const MAX_MICROS: u64 = 60_000_000;
const SHARDS: usize = 64;

/// A new histogram of microseconds, 1 µs to one minute, three significant digits.
pub fn micros_histogram() -> Histogram<u64> {
    // The bounds are constants that hdrhistogram accepts; a failure here is a programming error.
    Histogram::new_with_bounds(1, MAX_MICROS, 3).unwrap_or_else(|_| unreachable!("valid histogram bounds"))
}

/// Percentiles of one measurement, in milliseconds.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub count: u64,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub p999_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

impl Summary {
    pub fn of(histogram: &Histogram<u64>) -> Self {
        if histogram.is_empty() {
            return Self::default();
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        Self {
            count: histogram.len(),
            p50_ms: ms(histogram.value_at_quantile(0.50)),
            p90_ms: ms(histogram.value_at_quantile(0.90)),
            p99_ms: ms(histogram.value_at_quantile(0.99)),
            p999_ms: ms(histogram.value_at_quantile(0.999)),
            max_ms: ms(histogram.max()),
            mean_ms: histogram.mean() / 1000.0,
        }
    }

    /// `p50 / p99 / max` for a table cell.
    pub fn cell(&self) -> String {
        if self.count == 0 {
            return "-".to_owned();
        }
        format!("{} / {} / {}", fmt_ms(self.p50_ms), fmt_ms(self.p99_ms), fmt_ms(self.max_ms))
    }
}

/// Milliseconds with as many decimals as the size deserves.
pub fn fmt_ms(ms: f64) -> String {
    if ms >= 100.0 {
        format!("{ms:.0}")
    } else if ms >= 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.2}")
    }
}

/// A latency distribution many tasks record into concurrently.
#[derive(Debug)]
pub struct Latencies {
    shards: Vec<Mutex<Histogram<u64>>>,
}

impl Default for Latencies {
    fn default() -> Self {
        Self { shards: (0..SHARDS).map(|_| Mutex::new(micros_histogram())).collect() }
    }
}

impl Latencies {
    /// Records `micros` into the shard of task `task`.
    pub fn record(&self, task: usize, micros: u64) {
        let mut shard = self.shards[task % SHARDS].lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        shard.saturating_record(micros.max(1));
    }

    /// Everything recorded since the last call, merged; the shards start empty again.
    pub fn take(&self) -> Histogram<u64> {
        let mut merged = micros_histogram();
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            // Same bounds on both sides: addition cannot fail.
            let _ = merged.add(&*shard);
            shard.reset();
        }
        merged
    }
}

/// What the subscribers of a run have received: delivered probe messages of the current
/// measurement window and their latencies. Probes carry the window (`step`) they were sent in,
/// so stragglers from an earlier window are counted apart, never as this window's deliveries.
#[derive(Debug)]
pub struct Deliveries {
    origin: Instant,
    step: AtomicU32,
    pub delivered: AtomicU64,
    pub stale: AtomicU64,
    pub latencies: Latencies,
}

impl Default for Deliveries {
    fn default() -> Self {
        Self {
            origin: Instant::now(),
            step: AtomicU32::new(0),
            delivered: AtomicU64::new(0),
            stale: AtomicU64::new(0),
            latencies: Latencies::default(),
        }
    }
}

impl Deliveries {
    /// Microseconds since this collector was made: the clock probes carry.
    pub fn now_micros(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_micros()).unwrap_or(u64::MAX)
    }

    pub fn step(&self) -> u32 {
        self.step.load(Ordering::Acquire)
    }

    /// Starts a new window: counts and latencies start from zero.
    pub fn begin_step(&self, step: u32) {
        self.step.store(step, Ordering::Release);
        self.delivered.store(0, Ordering::Release);
        self.stale.store(0, Ordering::Release);
        let _ = self.latencies.take();
    }

    /// Looks for a probe in a received frame and records it.
    pub fn observe(&self, task: usize, frame: &str) {
        if let Some(probe) = crate::probe::Probe::find(frame) {
            if probe.step == self.step() {
                self.delivered.fetch_add(1, Ordering::Relaxed);
                self.latencies.record(task, self.now_micros().saturating_sub(probe.sent_micros));
            } else {
                self.stale.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reads_percentiles_in_milliseconds() {
        let mut h = micros_histogram();
        for micros in 1..=1000u64 {
            h.record(micros * 1000).expect("in range");
        }
        let s = Summary::of(&h);
        assert_eq!(s.count, 1000);
        assert!((s.p50_ms - 500.0).abs() < 1.0, "{s:?}");
        assert!((s.p99_ms - 990.0).abs() < 1.0, "{s:?}");
        assert!((s.max_ms - 1000.0).abs() < 1.0, "{s:?}");
        assert_eq!(Summary::of(&micros_histogram()), Summary::default());
        assert_eq!(Summary::default().cell(), "-");
    }

    #[test]
    fn shards_merge_and_start_over() {
        let l = Latencies::default();
        for task in 0..200 {
            l.record(task, 1500);
        }
        l.record(3, 0);
        let merged = l.take();
        assert_eq!(merged.len(), 201);
        assert_eq!(merged.min(), 1, "zero is recorded as the smallest value");
        assert!(l.take().is_empty());
    }

    #[test]
    fn formats_milliseconds_by_size() {
        assert_eq!(fmt_ms(0.123), "0.12");
        assert_eq!(fmt_ms(12.34), "12.3");
        assert_eq!(fmt_ms(1234.5), "1234");
    }
}
