//! Prometheus metrics: one process-wide recorder, request counters and latency histograms.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the recorder on first use. The `metrics` facade is process-global, so several
/// servers in one process (tests) share it.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(
                Matcher::Full("http_request_duration_seconds".to_owned()),
                &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
            )
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics will be empty");
        }
        describe();
        handle
    })
}

/// The `# HELP` line of every metric the server records.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!("http_requests_total", "HTTP requests by method, route template and status");
    describe_histogram!("http_request_duration_seconds", Unit::Seconds, "HTTP request latency by route template");
    describe_gauge!("realtime_connections", "Open WebSocket connections on this node");
    describe_counter!("realtime_disconnects_total", "WebSocket connections ended, by reason");
    describe_counter!("realtime_frames_sent_total", "Frames written to WebSockets");
    describe_counter!("realtime_writes_total", "Writes to WebSockets (each takes every frame queued by then)");
    describe_counter!("realtime_messages_posted_total", "Channel messages stored and fanned out");
    describe_histogram!(
        "realtime_outbox_queued_bytes",
        Unit::Bytes,
        "Bytes waiting in a connection's outbound queue after each frame queued"
    );
    describe_counter!("realtime_conflated_total", "Pending presence or counter frames replaced by a newer one");
    describe_counter!(
        "realtime_slow_consumer_closes_total",
        "Connections closed because their outbound queue overflowed (they resume from their offset)"
    );
    describe_counter!("realtime_duplicates_skipped_total", "Live messages skipped as already delivered");
    describe_counter!("realtime_gaps_backfilled_total", "Gaps in a channel's offsets filled from storage");
    describe_gauge!("realtime_redis_subscriptions", "Channels this node follows through Redis");
    describe_counter!("realtime_redis_publish_errors_total", "Publishes to Redis that failed (stored; backfilled)");
    describe_counter!(
        "realtime_redis_reconnects_total",
        "Reconnections of the Redis broker, by connection (subscriber, publisher)"
    );
    describe_counter!("matcher_updates_total", "Suggestion list updates, by kind of change");
    describe_counter!("mingle_analytics_events_accepted_total", "Analytics events taken from clients' batches");
    describe_counter!(
        "mingle_analytics_events_refused_total",
        "Clients' analytics batches refused, by reason (error code)"
    );
    describe_counter!(
        "mingle_analytics_events_ignored_total",
        "Page views left out because the browser asked not to be tracked"
    );
    describe_counter!("mingle_analytics_events_written_total", "Analytics events written to the database");
    describe_counter!("mingle_analytics_events_dropped_total", "Analytics events lost: queue full, or writes failing");
    describe_gauge!("mingle_analytics_queue_depth", "Analytics events waiting in this node's queue");
    describe_gauge!("mingle_analytics_write_lag_seconds", "Age of the oldest event of the last batch written");
    describe_gauge!(
        "mingle_analytics_rollup_lag_seconds",
        "Time since the newest event counted in the rollups happened"
    );
    describe_histogram!(
        "mingle_analytics_write_seconds",
        Unit::Seconds,
        "Time to write one analytics batch with its rollups"
    );
    describe_histogram!("matcher_update_seconds", Unit::Seconds, "Time to update an event's suggestion lists");
    describe_gauge!("matcher_jobs_running", "Matcher jobs running now on this process");
    describe_gauge!(
        "mingle_capacity_forecast_connections",
        "Forecast peak of concurrent connections within the horizon (15m, 60m), cluster-wide"
    );
    describe_gauge!(
        "mingle_capacity_forecast_messages_per_second",
        "Forecast peak of chat messages posted per second within the horizon, cluster-wide"
    );
    describe_gauge!(
        "mingle_capacity_forecast_deliveries_per_second",
        "Forecast peak of messages delivered to sockets per second within the horizon, cluster-wide"
    );
    describe_gauge!(
        "mingle_capacity_forecast_checkins_per_minute",
        "Forecast peak of check-ins per minute within the horizon, cluster-wide"
    );
    describe_gauge!(
        "mingle_capacity_recommended_replicas",
        "Replicas the forecast peak within the horizon needs, by role (node, matcher)"
    );
    describe_gauge!(
        "mingle_capacity_forecast_timestamp_seconds",
        "When the capacity forecast was last made (Unix seconds)"
    );
}

pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

/// Counts requests and records their latency by route template (never the raw path, which
/// would make one series per id).
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route =
        request.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels).record(started.elapsed().as_secs_f64());
    response
}
