//! Counters for `GET /metrics`, in the Prometheus text format. Plain atomics: a handful of
//! series do not need a metrics framework.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

/// Statuses ingest answers with; anything else is counted as "other".
const STATUSES: [u16; 11] = [200, 204, 400, 401, 403, 413, 415, 422, 429, 503, 0];
/// Latency histogram bounds in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
pub struct Metrics {
    requests: [AtomicU64; STATUSES.len()],
    latency: [AtomicU64; BUCKETS.len()],
    latency_count: AtomicU64,
    latency_micros: AtomicU64,
    pub received: AtomicU64,
    pub stored: AtomicU64,
    pub stale: AtomicU64,
    pub client_dropped: AtomicU64,
    /// Batches written again under the write lock after losing a race (SQLite).
    pub retried: AtomicU64,
    pub in_flight: AtomicU64,
    /// Page-stats feeds computed from the store (the cache counts them).
    pub page_stats_computed: Arc<AtomicU64>,
}

impl Metrics {
    pub fn observe(&self, status: u16, took: Duration) {
        let i = STATUSES
            .iter()
            .position(|&s| s == status)
            .unwrap_or(STATUSES.len() - 1);
        self.requests[i].fetch_add(1, Relaxed);
        let secs = took.as_secs_f64();
        for (b, bound) in self.latency.iter().zip(BUCKETS) {
            if secs <= bound {
                b.fetch_add(1, Relaxed);
            }
        }
        self.latency_count.fetch_add(1, Relaxed);
        self.latency_micros
            .fetch_add(took.as_micros().min(u128::from(u64::MAX)) as u64, Relaxed);
    }

    pub fn render(&self, store: &str) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# HELP reshelf_ingest_requests_total Ingest requests by response status."
        );
        let _ = writeln!(out, "# TYPE reshelf_ingest_requests_total counter");
        for (s, n) in STATUSES.iter().zip(&self.requests) {
            let label = if *s == 0 {
                "other".to_string()
            } else {
                s.to_string()
            };
            let _ = writeln!(
                out,
                "reshelf_ingest_requests_total{{status=\"{label}\"}} {}",
                n.load(Relaxed)
            );
        }
        let _ = writeln!(
            out,
            "# HELP reshelf_ingest_duration_seconds Ingest request latency."
        );
        let _ = writeln!(out, "# TYPE reshelf_ingest_duration_seconds histogram");
        for (b, bound) in self.latency.iter().zip(BUCKETS) {
            let _ = writeln!(
                out,
                "reshelf_ingest_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                b.load(Relaxed)
            );
        }
        let count = self.latency_count.load(Relaxed);
        let _ = writeln!(
            out,
            "reshelf_ingest_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "reshelf_ingest_duration_seconds_sum {}",
            self.latency_micros.load(Relaxed) as f64 / 1e6
        );
        let _ = writeln!(out, "reshelf_ingest_duration_seconds_count {count}");
        for (name, help, v) in [
            (
                "reshelf_summaries_received_total",
                "Summaries in accepted batches.",
                &self.received,
            ),
            (
                "reshelf_summaries_stored_total",
                "Summaries inserted or replacing an older sequence.",
                &self.stored,
            ),
            (
                "reshelf_summaries_stale_total",
                "Summaries not newer than the stored one (replays).",
                &self.stale,
            ),
            (
                "reshelf_client_dropped_total",
                "Summaries clients reported dropping from their queues.",
                &self.client_dropped,
            ),
            (
                "reshelf_ingest_retried_total",
                "Batches written again under the store's write lock because another batch of one of their sessions got in between (SQLite).",
                &self.retried,
            ),
            (
                "reshelf_page_stats_computed_total",
                "Page-stats feeds computed from the store (the rest were served from the cache).",
                &self.page_stats_computed,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Relaxed)
            );
        }
        let _ = writeln!(out, "# HELP reshelf_ingest_in_flight Ingest requests being handled.\n# TYPE reshelf_ingest_in_flight gauge\nreshelf_ingest_in_flight {}", self.in_flight.load(Relaxed));
        let _ = writeln!(out, "# HELP reshelf_store_info The storage backend.\n# TYPE reshelf_store_info gauge\nreshelf_store_info{{backend=\"{store}\"}} 1");
        out
    }
}
