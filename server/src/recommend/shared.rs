//! Models trained by `mingle matcher` workers and served by every node, through Redis, so nodes
//! never train (nor load the text model: `model/remote.rs`).
//!
//! - A worker trains when the published model is older than [`RETRAIN_EVERY`] (or there is none)
//!   and when a node asks (`POST /ops/recommendations/retrain`, SIGHUP, a request on a list that
//!   exactly one worker takes). One worker trains at a time: a lock that expires, so a worker
//!   that died training never holds it for good. Versions come from one counter, so they grow
//!   across workers. The model is published whole (MessagePack), then its version.
//! - A node looks at the published version every [`FOLLOW_EVERY`]; a newer model is read,
//!   checked and put in service in one swap, as a node training its own would do.

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fred::prelude::{Client, HashesInterface, KeysInterface, ListInterface};
use fred::types::{Expiration, SetOptions, Value};

use super::training::{Collaborative, RETRAIN_EVERY};
use super::Recommender;
use crate::store::Store;

/// The model in service, MessagePack; the suffix is the format's version.
const MODEL: &str = "mingle:recommender:model:1";
/// What is published: `version` and `trained_at` (Unix milliseconds).
const PUBLISHED: &str = "mingle:recommender:published";
/// The counter versions are drawn from.
const VERSIONS: &str = "mingle:recommender:versions";
/// Held by the worker training now.
const TRAINING: &str = "mingle:recommender:training";
/// Requests to train now.
const REQUESTS: &str = "mingle:recommender:retrain";
/// How long the training lock lasts at most.
const TRAINING_LEASE_SECS: i64 = 3_600;
/// How often a node looks for a newer model.
pub const FOLLOW_EVERY: Duration = Duration::from_secs(5);
/// How often a worker looks whether training is due, between requests.
const CHECK_EVERY: f64 = 60.0;

/// The Redis side of shared models. See the module documentation.
pub struct SharedModels {
    client: Client,
    /// Waiting for a request blocks a connection: this one is the worker's for that alone.
    requests: Client,
}

impl std::fmt::Debug for SharedModels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedModels").finish_non_exhaustive()
    }
}

impl SharedModels {
    pub async fn connect(url: &str) -> anyhow::Result<Arc<Self>> {
        let client = crate::redis::connect(url).await?;
        let requests = crate::redis::connect(url).await?;
        Ok(Arc::new(Self { client, requests }))
    }

    /// The published model's version and when it was trained (Unix milliseconds).
    async fn published(&self) -> anyhow::Result<Option<(u64, i64)>> {
        let (version, trained_at): (Option<u64>, Option<i64>) =
            self.client.hmget(PUBLISHED, vec!["version", "trained_at"]).await?;
        Ok(version.zip(trained_at))
    }

    /// The published model, read and checked.
    async fn load(&self) -> anyhow::Result<Option<Collaborative>> {
        let bytes: Option<Vec<u8>> = self.client.get(MODEL).await?;
        let Some(bytes) = bytes else { return Ok(None) };
        let model = tokio::task::spawn_blocking(move || -> anyhow::Result<Collaborative> {
            let model: Collaborative = rmp_serde::from_slice(&bytes)?;
            model.check()?;
            Ok(model)
        })
        .await??;
        Ok(Some(model))
    }

    async fn publish(&self, model: &Collaborative) -> anyhow::Result<()> {
        let bytes = rmp_serde::to_vec(model)?;
        let _: Value = self.client.set(MODEL, bytes, None, None, false).await?;
        let fields = vec![
            ("version", model.version.to_string()),
            ("trained_at", model.trained_at.timestamp_millis().to_string()),
        ];
        let _: Value = self.client.hset(PUBLISHED, fields).await?;
        Ok(())
    }

    async fn next_version(&self) -> anyhow::Result<u64> {
        Ok(self.client.incr(VERSIONS).await?)
    }

    /// A node asks: one worker will train.
    async fn ask_to_train(&self) -> anyhow::Result<()> {
        let _: Value = self.client.lpush(REQUESTS, "train").await?;
        // Requests made while none was taken are one request.
        let _: Value = self.client.ltrim(REQUESTS, 0, 0).await?;
        Ok(())
    }

    /// Whether a node asked within `seconds` (a worker waits here between trainings).
    async fn asked_within(&self, seconds: f64) -> anyhow::Result<bool> {
        match self.requests.blpop::<Value, _>(REQUESTS, seconds).await {
            Ok(popped) => Ok(!popped.is_null()),
            Err(e) if crate::redis::nothing_came(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    /// Takes the training lock; false when another worker holds it.
    async fn take_training(&self) -> anyhow::Result<bool> {
        let taken: Value = self
            .client
            .set(
                TRAINING,
                crate::redis::worker_name(),
                Some(Expiration::EX(TRAINING_LEASE_SECS)),
                Some(SetOptions::NX),
                false,
            )
            .await?;
        Ok(!taken.is_null())
    }

    async fn end_training(&self) {
        if let Err(e) = self.client.del::<Value, _>(TRAINING).await {
            tracing::warn!(error = %e, "releasing the training lock failed; it expires on its own");
        }
    }

    async fn is_training(&self) -> anyhow::Result<bool> {
        Ok(self.client.exists::<u64, _>(TRAINING).await? > 0)
    }
}

impl Recommender {
    /// Asks the workers to train now; false when one is training already.
    pub(super) fn ask_workers_to_train(&self, workers: &Arc<SharedModels>) -> bool {
        if self.workers_training.load(Ordering::Relaxed) {
            return false;
        }
        let workers = Arc::clone(workers);
        self.shutdown.spawn(async move {
            if let Err(e) = workers.ask_to_train().await {
                tracing::warn!(error = %e, "asking the matcher workers to train failed");
            }
        });
        true
    }

    /// A node's loop: puts each newer published model in service.
    pub(super) fn follow_workers(self: &Arc<Self>, workers: Arc<SharedModels>, store: Store) {
        let recommender = Arc::downgrade(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(async move {
            let mut tick = tokio::time::interval(FOLLOW_EVERY);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let Some(recommender) = recommender.upgrade() else { return };
                if let Err(e) = recommender.follow_once(&workers, &store).await {
                    tracing::warn!(error = %e, "reading the workers' recommendation model failed");
                }
            }
        });
    }

    async fn follow_once(&self, workers: &SharedModels, store: &Store) -> anyhow::Result<()> {
        self.workers_training.store(workers.is_training().await?, Ordering::Relaxed);
        // While an experiment runs, newer models wait for it to end.
        if self.canary().is_some() {
            return Ok(());
        }
        let in_service = self.collaborative().map(|m| m.version);
        let Some((version, _)) = workers.published().await? else { return Ok(()) };
        if in_service.is_some_and(|v| v >= version) {
            return Ok(());
        }
        if let Some(model) = workers.load().await? {
            tracing::info!(version = model.version, "recommendation model from the matcher workers");
            self.offer(model, Some(store));
        }
        Ok(())
    }

    /// A worker's loop: trains when due or asked, and publishes each model for the nodes.
    pub fn train_for_nodes(self: &Arc<Self>, workers: Arc<SharedModels>, store: Store) {
        let this = Arc::clone(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(async move {
            let mut last_attempt: Option<Instant> = None;
            loop {
                let asked = tokio::select! {
                    asked = workers.asked_within(CHECK_EVERY) => asked,
                    () = stop.cancelled() => return,
                };
                let asked = asked.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "reading training requests failed");
                    false
                });
                let published = match workers.published().await {
                    Ok(published) => published,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading the published recommendation model failed");
                        continue;
                    }
                };
                let stale = published.is_none_or(|(_, at)| {
                    chrono::Utc::now().timestamp_millis() - at >= RETRAIN_EVERY.as_millis() as i64
                });
                let due = asked || (stale && last_attempt.is_none_or(|at| at.elapsed() >= RETRAIN_EVERY));
                if !due || !workers.take_training().await.unwrap_or(false) {
                    continue;
                }
                last_attempt = Some(Instant::now());
                let trained = tokio::select! {
                    trained = this.train_and_publish(&workers, &store) => trained,
                    () = stop.cancelled() => return workers.end_training().await,
                };
                workers.end_training().await;
                match trained {
                    Ok(Some(version)) => tracing::info!(version, "recommendation model published for the nodes"),
                    Ok(None) => tracing::info!("too few RSVPs and check-ins to train a recommendation model"),
                    Err(e) => tracing::warn!(error = %e, "training the event recommendation model failed"),
                }
            }
        });
    }

    async fn train_and_publish(self: &Arc<Self>, workers: &SharedModels, store: &Store) -> anyhow::Result<Option<u64>> {
        let _training = self.training.lock().await;
        let Some(mut model) = self.train(store).await? else { return Ok(None) };
        model.version = workers.next_version().await?;
        workers.publish(&model).await?;
        let version = model.version;
        self.put_in_service(model);
        Ok(Some(version))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requests made while none was taken are one request; waiting without one is no error.
    #[tokio::test]
    async fn one_request_to_train_whatever_the_number_of_asks() -> anyhow::Result<()> {
        let shared = SharedModels::connect(&crate::redis::test_url()).await?;
        let _: Value = shared.client.del(REQUESTS).await?;
        assert!(!shared.asked_within(0.1).await?, "nothing asked");
        shared.ask_to_train().await?;
        shared.ask_to_train().await?;
        assert!(shared.asked_within(0.1).await?);
        assert!(!shared.asked_within(0.1).await?, "two asks, one training");
        Ok(())
    }
}
