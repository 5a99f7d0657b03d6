//! Usage analytics (docs/analytics.md): what lists showed and what people then did, recorded off
//! the request's path, stored with hourly rollups, and read by the organizer's and the operator's
//! dashboards.
//!
//! - [`keys`]: pseudonymous keys, the only way a person appears.
//! - [`rows`]: the wire vocabulary ([`UsageEvent`]) as stored rows.
//! - [`pipeline`]: the queue, the Redis stream of a cluster, the batch writer, retention.
//! - [`batch`]: the checks of a client's `POST /analytics/events`.
//! - [`rollout`]: canary assignment and the decision to promote or roll back a model version.
//! - [`dashboards`]: the two dashboards, from the rollups.
//! - [`registry`]: the model registry as `GET /ops/models` shows it.
//! - [`simulate`]: `mingle simulate`, the rollout loop on the demo world's people.
//! - [`bench`]: `mingle analytics-bench`, the dashboards timed over a month of activity.

pub mod batch;
pub mod bench;
pub mod dashboards;
pub mod experiment;
pub mod keys;
pub mod pipeline;
pub mod registry;
pub mod rollout;
pub mod rows;
pub mod simulate;

use std::sync::atomic::Ordering;
use std::time::Duration;

use protocol::analytics::{ListKind, PipelineState, UsageEvent};
use uuid::Uuid;

use crate::shutdown::Shutdown;
use crate::store::Store;

pub use keys::Keys;
use pipeline::{Item, Queue};

/// The recording end every handler holds; cheap to clone.
#[derive(Clone)]
pub struct Analytics {
    keys: Keys,
    /// `None` when analytics are off (`MINGLE_ANALYTICS=false`): recording does nothing.
    queue: Option<Queue>,
    /// Clients' batches per sender (a person, or a signed-out address).
    senders: std::sync::Arc<governor::DefaultKeyedRateLimiter<String>>,
}

impl std::fmt::Debug for Analytics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analytics").field("enabled", &self.queue.is_some()).finish_non_exhaustive()
    }
}

fn senders(per_minute: u32) -> std::sync::Arc<governor::DefaultKeyedRateLimiter<String>> {
    let quota = std::num::NonZeroU32::new(per_minute).unwrap_or(std::num::NonZeroU32::MIN);
    std::sync::Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(quota)))
}

/// How the pipeline runs.
#[derive(Debug, Clone)]
pub struct Settings {
    pub enabled: bool,
    pub retention_days: u32,
    pub flush: Duration,
    pub redis_url: Option<String>,
    /// Batches a client may send per minute: a person, or a signed-out address.
    pub batches_per_minute: u32,
}

impl Analytics {
    /// Starts the pipeline (its tasks follow `shutdown`'s workers token and write what is left
    /// when it is cancelled).
    pub async fn start(keys: Keys, store: Store, settings: Settings, shutdown: &Shutdown) -> anyhow::Result<Self> {
        if !settings.enabled {
            return Ok(Self { keys, queue: None, senders: senders(settings.batches_per_minute) });
        }
        let redis = match settings.redis_url.as_deref().filter(|u| !u.is_empty()) {
            // Two connections: the writer's blocking read must not hold up the shipping.
            Some(url) => Some((crate::redis::connect(url).await?, crate::redis::connect(url).await?)),
            None => None,
        };
        // One stream per deployment (named from its shared secret), so deployments or test
        // servers that share a Redis never write each other's events.
        let stream = format!("mingle:analytics:{}", &keys.of(Uuid::nil())[..12]);
        let queue = pipeline::start(
            store,
            stream,
            redis,
            settings.flush,
            settings.retention_days,
            shutdown.workers_token(),
            |task| {
                shutdown.spawn(task);
            },
        );
        Ok(Self { keys, queue: Some(queue), senders: senders(settings.batches_per_minute) })
    }

    /// Whether a client (`sender`: a person's id or a signed-out address) may send another batch
    /// now; also forgets senders idle for long.
    pub fn allow_batch(&self, sender: &str) -> bool {
        // Forgetting idle senders walks them all: now and then, not on every batch.
        if self.senders.len() > 10_000 && rand::random::<u16>() < 64 {
            self.senders.retain_recent();
        }
        self.senders.check_key(&sender.to_owned()).is_ok()
    }

    /// Whether a client's batch of `n` events may be queued now (see [`Queue::takes_client_batch`]);
    /// always when analytics are off (nothing is queued).
    pub fn takes_client_batch(&self, n: usize) -> bool {
        self.queue.as_ref().is_none_or(|q| q.takes_client_batch(n))
    }

    /// A person's pseudonymous key.
    pub fn key(&self, person: Uuid) -> String {
        self.keys.of(person)
    }

    /// Records that `actor` did `event` now.
    pub fn record(&self, actor: Option<Uuid>, event: UsageEvent) {
        self.record_at(now_ms(), actor, &event);
    }

    /// Records that `actor` did `event` at `at` (Unix ms).
    pub fn record_at(&self, at: i64, actor: Option<Uuid>, event: &UsageEvent) {
        if let Some(queue) = &self.queue {
            queue.push(Item::Row(Box::new(rows::row(&self.keys, at, actor, event))));
        }
    }

    /// Records a list shown to `viewer`: one impression per item, in order, under a new request
    /// id, which the answer carries so that opens can quote it.
    pub fn shown(
        &self,
        viewer: Uuid,
        list: ListKind,
        items: impl IntoIterator<Item = Uuid>,
        event_id: Option<Uuid>,
        model_version: Option<String>,
        variant: Option<&str>,
    ) -> Uuid {
        let request_id = Uuid::new_v4();
        if self.queue.is_some() {
            let at = now_ms();
            for (position, item) in items.into_iter().enumerate() {
                let event = UsageEvent::Impression {
                    list,
                    item,
                    position: u32::try_from(position).unwrap_or(u32::MAX),
                    event_id,
                    model_version: model_version.clone(),
                    variant: variant.map(str::to_owned),
                    request_id,
                };
                self.record_at(at, Some(viewer), &event);
            }
        }
        request_id
    }

    /// Forgets a person whose account closed: everything filed under them, including what is
    /// still queued.
    pub fn forget(&self, person: Uuid) {
        if let Some(queue) = &self.queue {
            queue.push(Item::Forget { key: self.keys.of(person) });
        }
    }

    /// The pipeline's state as this node sees it.
    pub fn state(&self) -> PipelineState {
        let Some(queue) = &self.queue else {
            return PipelineState { queued: 0, write_lag_secs: 0.0, rollup_lag_secs: 0.0 };
        };
        let now = now_ms();
        let oldest = queue.stats.oldest_waiting.load(Ordering::Relaxed);
        let newest = queue.stats.newest_written.load(Ordering::Relaxed);
        PipelineState {
            queued: queue.stats.queued.load(Ordering::Relaxed),
            write_lag_secs: if oldest > 0 { (now - oldest).max(0) as f64 / 1000.0 } else { 0.0 },
            rollup_lag_secs: if newest > 0 { (now - newest).max(0) as f64 / 1000.0 } else { 0.0 },
        }
    }
}

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
