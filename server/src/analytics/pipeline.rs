//! The way from a handler to the database, never on the request's path: a bounded in-process
//! queue, then either a writer on this node (embedded) or a Redis stream that every node's writer
//! consumes as one consumer group (a cluster), so any node, or a node that only writes, can take
//! the work, and a writer that dies leaves its batch to another.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use fred::prelude::{Client, StreamsInterface};
use fred::types::Value;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::store::{AnalyticsRow, Store};

/// Items waiting in a node's queue at most; beyond it new events are dropped and counted.
pub const QUEUE_CAPACITY: usize = 100_000;
/// Items written in one transaction at most.
const BATCH: usize = 2_000;
/// Rows written in one transaction at most on SQLite (see [`write_local`]).
const SQLITE_BATCH: usize = 500;
const GROUP: &str = "writers";
/// Stream entries kept at most (about the same as one node's queue, in batches).
const STREAM_CAP: usize = 50_000;
/// A batch claimed by a writer that has not acknowledged it for this long is taken over.
const CLAIM_IDLE: Duration = Duration::from_secs(60);
const READ_BLOCK_MS: u64 = 1_000;
/// How often the raw events past their retention are removed.
const SWEEP_EVERY: Duration = Duration::from_secs(3_600);
/// How often the rollup-lag gauge is updated.
const LAG_EVERY: Duration = Duration::from_secs(10);

/// What flows through the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
pub enum Item {
    Row(Box<AnalyticsRow>),
    /// Delete everything filed under this key (an account closed); queued behind the rows
    /// recorded before, so none of them is written after it.
    Forget {
        key: String,
    },
}

/// Counters of the pipeline, for `/metrics` and `GET /ops/analytics`.
#[derive(Debug, Default)]
pub struct Stats {
    /// Items in this node's queue (with Redis, batches already shipped to the stream are not
    /// counted).
    pub queued: AtomicU64,
    /// Unix ms of the oldest item not yet written by this node's writer, 0 when none.
    pub oldest_waiting: AtomicI64,
    /// Unix ms of the newest event written (and so counted in the rollups).
    pub newest_written: AtomicI64,
}

/// The sending end handlers use.
#[derive(Debug, Clone)]
pub struct Queue {
    tx: mpsc::Sender<Item>,
    pub stats: Arc<Stats>,
}

impl Queue {
    /// Whether a client's batch of `n` events may be taken: it must leave at least half the
    /// queue free, so that clients flooding it are told to wait (503) instead of having their
    /// events dropped, and the server's own events always find room.
    pub fn takes_client_batch(&self, n: usize) -> bool {
        self.tx.capacity() >= QUEUE_CAPACITY / 2 + n
    }

    /// Queues an item without waiting; a full queue drops it (and says so in the metrics).
    pub fn push(&self, item: Item) {
        let at = match &item {
            Item::Row(row) => row.at,
            Item::Forget { .. } => crate::analytics::now_ms(),
        };
        match self.tx.try_send(item) {
            Ok(()) => {
                self.stats.queued.fetch_add(1, Ordering::Relaxed);
                let _ = self.stats.oldest_waiting.compare_exchange(0, at, Ordering::Relaxed, Ordering::Relaxed);
                metrics::gauge!("mingle_analytics_queue_depth").increment(1.0);
            }
            Err(_) => metrics::counter!("mingle_analytics_events_dropped_total").increment(1),
        }
    }
}

/// Starts the pipeline: the queue, and the tasks that empty it until `stop` (then they write
/// what is left).
pub fn start(
    store: Store,
    stream: String,
    redis: Option<(Client, Client)>,
    flush: Duration,
    retention_days: u32,
    stop: CancellationToken,
    spawn: impl Fn(std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>),
) -> Queue {
    let (tx, rx) = mpsc::channel(QUEUE_CAPACITY);
    let stats = Arc::new(Stats::default());
    match redis {
        None => spawn(Box::pin(write_local(store.clone(), rx, flush, Arc::clone(&stats), stop.clone()))),
        Some((shipper, reader)) => {
            spawn(Box::pin(ship(shipper, stream.clone(), rx, flush, Arc::clone(&stats), stop.clone())));
            spawn(Box::pin(write_from_stream(store.clone(), reader, stream, Arc::clone(&stats), stop.clone())));
        }
    }
    spawn(Box::pin(sweep(store, retention_days, Arc::clone(&stats), stop)));
    Queue { tx, stats }
}

/// Takes what the queue holds, waiting at most `flush` after the first item for more.
async fn gather(rx: &mut mpsc::Receiver<Item>, flush: Duration, stop: &CancellationToken) -> Option<Vec<Item>> {
    let mut items = Vec::new();
    tokio::select! {
        n = rx.recv_many(&mut items, BATCH) => if n == 0 { return None },
        () = stop.cancelled() => {
            // Shutting down: whatever is queued now is the last batch.
            while let Ok(item) = rx.try_recv() {
                items.push(item);
            }
            return if items.is_empty() { None } else { Some(items) };
        }
    }
    let deadline = tokio::time::Instant::now() + flush;
    while items.len() < BATCH {
        let room = BATCH - items.len();
        let more = tokio::time::timeout_at(deadline, rx.recv_many(&mut items, room));
        tokio::select! {
            got = more => match got {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            },
            () = stop.cancelled() => break,
        }
    }
    Some(items)
}

fn taken(stats: &Stats, n: usize) {
    stats.queued.fetch_sub(n as u64, Ordering::Relaxed);
    metrics::gauge!("mingle_analytics_queue_depth").decrement(n as f64);
}

/// Embedded: this node writes its own queue.
async fn write_local(
    store: Store,
    mut rx: mpsc::Receiver<Item>,
    flush: Duration,
    stats: Arc<Stats>,
    stop: CancellationToken,
) {
    // SQLite has one writer at a time: a busy analytics writer holds the lock other writes (an
    // RSVP, a chat line) wait for. There it writes smaller batches and rests as long as each took,
    // so it holds the lock at most half the time.
    let sqlite = store.backend() == crate::store::Backend::Sqlite;
    while let Some(items) = gather(&mut rx, flush, &stop).await {
        taken(&stats, items.len());
        let chunk = if sqlite { SQLITE_BATCH } else { BATCH };
        let mut items = items;
        while !items.is_empty() {
            let rest = items.split_off(items.len().min(chunk));
            let began = tokio::time::Instant::now();
            write(&store, items, &stats).await;
            items = rest;
            if sqlite && !stop.is_cancelled() {
                tokio::time::sleep(began.elapsed()).await;
            }
        }
        if stop.is_cancelled() && rx.is_empty() {
            break;
        }
    }
}

/// A cluster: this node ships its queue to the stream, one entry per batch.
async fn ship(
    client: Client,
    stream: String,
    mut rx: mpsc::Receiver<Item>,
    flush: Duration,
    stats: Arc<Stats>,
    stop: CancellationToken,
) {
    while let Some(items) = gather(&mut rx, flush, &stop).await {
        taken(&stats, items.len());
        let Ok(json) = serde_json::to_string(&items) else { continue };
        let mut delay = Duration::from_millis(100);
        loop {
            let added: Result<String, _> =
                client.xadd(&stream, false, ("MAXLEN", "~", STREAM_CAP), "*", vec![("items", json.as_str())]).await;
            match added {
                Ok(_) => break,
                // Redis is away: keep the batch and try again, unless the node is stopping.
                Err(e) if !stop.is_cancelled() => {
                    tracing::warn!(error = %e, events = items.len(), "shipping analytics to Redis failed; retrying");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                Err(e) => {
                    tracing::warn!(error = %e, events = items.len(), "analytics lost at shutdown: Redis unavailable");
                    metrics::counter!("mingle_analytics_events_dropped_total").increment(items.len() as u64);
                    break;
                }
            }
        }
        stats.oldest_waiting.store(0, Ordering::Relaxed);
        if stop.is_cancelled() && rx.is_empty() {
            break;
        }
    }
}

/// A cluster: every node's writer reads the stream as one consumer group.
async fn write_from_stream(store: Store, client: Client, stream: String, stats: Arc<Stats>, stop: CancellationToken) {
    if let Err(e) = client.xgroup_create::<Value, _, _, _>(&stream, GROUP, "0", true).await {
        if !e.details().contains("BUSYGROUP") {
            tracing::warn!(error = %e, "creating the analytics consumer group failed; analytics are not written");
            return;
        }
    }
    let consumer = format!("writer-{}", uuid::Uuid::new_v4().simple());
    let mut last_claim = tokio::time::Instant::now() - CLAIM_IDLE;
    loop {
        let mut entries = Vec::new();
        if last_claim.elapsed() >= CLAIM_IDLE / 2 {
            last_claim = tokio::time::Instant::now();
            match crate::redis::claim_idle(&client, &stream, GROUP, &consumer, CLAIM_IDLE, 10).await {
                Ok(taken) => entries = taken,
                Err(e) => tracing::warn!(error = %e, "taking over abandoned analytics failed"),
            }
        }
        if entries.is_empty() {
            let read = crate::redis::read_group(&client, &stream, GROUP, &consumer, 10, READ_BLOCK_MS);
            tokio::select! {
                read = read => match read {
                    Ok(read) => entries = read,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading analytics from Redis failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                    }
                },
                () = stop.cancelled() => break,
            }
        }
        if entries.is_empty() {
            if stop.is_cancelled() {
                break;
            }
            continue;
        }
        let mut items = Vec::new();
        let mut ids = Vec::new();
        for (id, fields) in entries {
            match fields.get("items").map(|j| serde_json::from_str::<Vec<Item>>(j)) {
                Some(Ok(batch)) => items.extend(batch),
                _ => tracing::warn!(%id, "dropping a malformed analytics entry"),
            }
            ids.push(id);
        }
        if write(&store, items, &stats).await {
            let acked: Result<Value, _> = client.xack(&stream, GROUP, ids).await;
            if let Err(e) = acked {
                tracing::warn!(error = %e, "acknowledging analytics failed; they may be written twice");
            }
        }
    }
}

/// Writes items in order (rows up to each forget, then the forget). Answers whether all went
/// in; a batch that failed is retried by the stream (a cluster) or counted as lost (embedded,
/// after three tries).
async fn write(store: &Store, items: Vec<Item>, stats: &Stats) -> bool {
    let mut rows = Vec::new();
    let mut ok = true;
    for item in items {
        match item {
            Item::Row(row) => rows.push(*row),
            Item::Forget { key } => {
                ok &= write_rows(store, std::mem::take(&mut rows), stats).await;
                if let Err(e) = store.analytics_forget(&key).await {
                    tracing::warn!(error = %e, "forgetting a closed account's analytics failed");
                    ok = false;
                }
            }
        }
    }
    ok &= write_rows(store, rows, stats).await;
    stats.oldest_waiting.store(0, Ordering::Relaxed);
    ok
}

async fn write_rows(store: &Store, rows: Vec<AnalyticsRow>, stats: &Stats) -> bool {
    if rows.is_empty() {
        return true;
    }
    let (Some(first), Some(last)) = (rows.iter().map(|r| r.at).min(), rows.iter().map(|r| r.at).max()) else {
        return true;
    };
    if let Err(e) = store.analytics_partitions(first, last).await {
        tracing::warn!(error = %e, "creating analytics partitions failed; rows go to the default partition");
    }
    let n = rows.len();
    for attempt in 1..=3 {
        let started = std::time::Instant::now();
        match store.analytics_write(rows.clone()).await {
            Ok(_) => {
                let now = crate::analytics::now_ms();
                metrics::counter!("mingle_analytics_events_written_total").increment(n as u64);
                metrics::histogram!("mingle_analytics_write_seconds").record(started.elapsed().as_secs_f64());
                metrics::gauge!("mingle_analytics_write_lag_seconds").set((now - first).max(0) as f64 / 1000.0);
                stats.newest_written.fetch_max(last, Ordering::Relaxed);
                return true;
            }
            Err(e) => {
                tracing::warn!(error = %e, attempt, events = n, "writing analytics failed");
                tokio::time::sleep(Duration::from_millis(200 * attempt)).await;
            }
        }
    }
    metrics::counter!("mingle_analytics_events_dropped_total").increment(n as u64);
    false
}

/// Removes raw events older than the retention, hourly, and keeps the rollup-lag gauge current.
async fn sweep(store: Store, retention_days: u32, stats: Arc<Stats>, stop: CancellationToken) {
    let mut tick = tokio::time::interval(LAG_EVERY);
    let mut n: u64 = 0;
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = stop.cancelled() => return,
        }
        let now = crate::analytics::now_ms();
        let newest = stats.newest_written.load(Ordering::Relaxed);
        if newest > 0 {
            metrics::gauge!("mingle_analytics_rollup_lag_seconds").set((now - newest).max(0) as f64 / 1000.0);
        }
        n += 1;
        if !(n - 1).is_multiple_of(SWEEP_EVERY.as_secs() / LAG_EVERY.as_secs()) {
            continue;
        }
        let cutoff = now - i64::from(retention_days.max(1)) * crate::store::ANALYTICS_DAY_MS;
        match store.analytics_sweep(cutoff).await {
            Ok(0) => {}
            Ok(removed) => tracing::info!(removed, "old analytics events removed"),
            Err(e) => tracing::warn!(error = %e, "removing old analytics events failed"),
        }
    }
}
