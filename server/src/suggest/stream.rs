//! Suggestion jobs through Redis, for clusters. Server nodes append jobs to a stream; `mingle
//! matcher` workers (on GPU machines, if there are any) consume it as one consumer group, apply
//! each event's jobs with their [`Engine`] and publish the results twice: every list of the
//! event in a Redis hash (what `GET /events/{id}/suggestions` reads on any node) and each changed
//! list on its owner's `user:{id}` channel, which every node delivers.
//!
//! Delivery: a worker acknowledges jobs only after their lists are published, so the jobs of a
//! worker that crashed stay pending and a live worker claims them after [`CLAIM_IDLE`]. Jobs for
//! one event read in one batch are merged into one update.
//!
//! Staleness: a worker keeps its pools in memory between jobs. Each update bumps a per-event
//! version in Redis; a worker that finds the version moved since its own last update (another
//! worker took a job of that event) rebuilds the event in full instead of updating a stale pool.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use fred::prelude::{Client, HashesInterface, KeysInterface, StreamsInterface};
use fred::types::Value;
use protocol::suggestions::Suggestion;
use uuid::Uuid;

use super::engine::{Engine, Job, Listed};
use super::publish;
use super::rollout::Served;
use crate::realtime::Realtime;

/// The stream of jobs.
pub const JOBS: &str = "mingle:matcher:jobs";
/// The workers' consumer group.
const GROUP: &str = "matchers";
/// Roughly how many jobs the stream keeps; older ones are trimmed (long since applied).
const STREAM_CAP: i64 = 100_000;
/// Jobs read at once.
const BATCH: u64 = 512;
/// How long one read waits for new jobs, in milliseconds.
const READ_BLOCK_MS: u64 = 1_000;
/// A job pending this long belongs to a worker presumed dead, and is taken over.
const CLAIM_IDLE: Duration = Duration::from_secs(30);
/// Published lists outlive their event by this much, then Redis forgets them.
const LISTS_TTL_SECS: i64 = 7 * 86_400;
/// The hash field that marks an event as computed, even when every list is empty.
const COMPUTED: &str = "computed_at";
/// The hash field naming the weight sets the lists were scored with ([`Served`], JSON).
const SERVED: &str = "served";

fn lists_key(event: Uuid) -> String {
    format!("mingle:suggestions:{event}")
}

fn version_key(event: Uuid) -> String {
    format!("mingle:matcher:version:{event}")
}

/// A server node's side: hands jobs to the workers and reads the lists they publish.
pub struct JobQueue {
    client: Client,
}

impl JobQueue {
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Ok(Self { client: crate::redis::connect(url).await? })
    }

    pub async fn submit(&self, event: Uuid, job: &Job) -> anyhow::Result<()> {
        let fields = vec![("event", event.to_string()), ("job", serde_json::to_string(job)?)];
        let _: String = self.client.xadd(JOBS, false, ("MAXLEN", "~", STREAM_CAP), "*", fields).await?;
        Ok(())
    }

    /// `user`'s list at `event` with the weight set that scored it, or `None` when no worker has
    /// computed the event yet.
    pub async fn list(&self, event: Uuid, user: Uuid) -> anyhow::Result<Option<Listed>> {
        let key = lists_key(event);
        let (list, served, computed): (Option<String>, Option<String>, Option<String>) =
            self.client.hmget(&key, vec![user.to_string(), SERVED.to_owned(), COMPUTED.to_owned()]).await?;
        if list.is_none() && computed.is_none() {
            return Ok(None);
        }
        let items = match list {
            Some(json) => serde_json::from_str(&json)?,
            None => Vec::new(),
        };
        // Lists published before weight sets were recorded beside them: the hand-set weights.
        let served = served
            .and_then(|s| serde_json::from_str::<Served>(&s).ok())
            .unwrap_or_else(|| Served { version: matcher::Weights::default().version(), canary: None });
        let (weights_version, variant) = served.of(user);
        Ok(Some(Listed { items, weights_version, variant }))
    }
}

/// One job as read from the stream.
type Entry = crate::redis::StreamEntry;

/// Runs a matcher worker until `shutdown` resolves.
pub async fn run_worker(
    engine: Arc<Engine>,
    realtime: Arc<Realtime>,
    url: &str,
    shutdown: impl Future<Output = ()>,
) -> anyhow::Result<()> {
    let client = crate::redis::connect(url).await?;
    let consumer = crate::redis::worker_name();
    // From the start of the stream, so jobs appended before the first worker ever ran count.
    if let Err(e) = client.xgroup_create::<Value, _, _, _>(JOBS, GROUP, "0", true).await {
        anyhow::ensure!(e.details().contains("BUSYGROUP"), "creating the consumer group: {e}");
    }
    tracing::info!(%consumer, "matcher worker ready");
    let mut worker = Worker { engine, realtime, client, consumer, versions: HashMap::new(), weights_seen: 0 };
    let mut last_claim: Option<Instant> = None;
    tokio::pin!(shutdown);
    loop {
        let mut entries = Vec::new();
        if last_claim.is_none_or(|at| at.elapsed() >= CLAIM_IDLE / 2) {
            last_claim = Some(Instant::now());
            match worker.claim().await {
                Ok(claimed) => entries = claimed,
                Err(e) => tracing::warn!(error = %e, "claiming abandoned jobs failed"),
            }
        }
        if entries.is_empty() {
            let read = crate::redis::read_group(&worker.client, JOBS, GROUP, &worker.consumer, BATCH, READ_BLOCK_MS);
            tokio::select! {
                read = read => match read {
                    Ok(read) => entries = read,
                    Err(e) => {
                        tracing::warn!(error = %e, "reading jobs failed");
                        tokio::time::sleep(Duration::from_secs(1)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            }
        }
        let rebuild = worker.weights_changed();
        worker.process(entries, rebuild).await;
    }
    tracing::info!("matcher worker stopped");
    Ok(())
}

struct Worker {
    engine: Arc<Engine>,
    realtime: Arc<Realtime>,
    client: Client,
    consumer: String,
    /// Per event, the version this worker's own last update produced.
    versions: HashMap<Uuid, i64>,
    /// The generation of the weight sets in force the held lists were built with.
    weights_seen: u64,
}

impl Worker {
    /// The events to rebuild and publish because the weight sets in force changed since the
    /// lists this worker holds were built (a trial started or ended), so no node serves lists
    /// scored with a set gone.
    fn weights_changed(&mut self) -> Vec<Uuid> {
        let generation = self.engine.weighting().generation();
        if generation == self.weights_seen {
            return Vec::new();
        }
        self.weights_seen = generation;
        self.engine.held_events()
    }

    /// Jobs of workers presumed dead, now this worker's.
    async fn claim(&self) -> anyhow::Result<Vec<Entry>> {
        let entries = crate::redis::claim_idle(&self.client, JOBS, GROUP, &self.consumer, CLAIM_IDLE, BATCH).await?;
        if !entries.is_empty() {
            tracing::info!(jobs = entries.len(), "took over jobs of a worker presumed dead");
        }
        Ok(entries)
    }

    /// Applies the jobs read, merged per event, and a full rebuild of each event in `rebuild`.
    async fn process(&mut self, entries: Vec<Entry>, rebuild: Vec<Uuid>) {
        let mut events: HashMap<Uuid, (Job, Vec<String>)> = HashMap::new();
        let mut malformed = Vec::new();
        let jobs = entries.into_iter().map(|(id, fields)| {
            let event = fields.get("event").and_then(|e| e.parse::<Uuid>().ok());
            let job = fields.get("job").and_then(|j| serde_json::from_str::<Job>(j).ok());
            (Some(id), event.zip(job))
        });
        for (id, job) in jobs.chain(rebuild.into_iter().map(|event| (None, Some((event, Job::full()))))) {
            match job {
                Some((event, job)) => {
                    // Merging is idempotent: the first job starts the event's merge as itself.
                    let (merged, ids) = events.entry(event).or_insert_with(|| (job.clone(), Vec::new()));
                    merged.merge(job);
                    ids.extend(id);
                }
                None => malformed.extend(id),
            }
        }
        if !malformed.is_empty() {
            tracing::warn!(jobs = malformed.len(), "dropping malformed jobs");
            self.ack(malformed).await;
        }
        for (event, (job, ids)) in events {
            match self.apply(event, job).await {
                Ok(()) => self.ack(ids).await,
                // Left pending: claimed and retried after CLAIM_IDLE.
                Err(e) => tracing::warn!(error = %e, %event, "suggestion job failed; it will be retried"),
            }
        }
    }

    async fn apply(&mut self, event: Uuid, mut job: Job) -> anyhow::Result<()> {
        let version_key = version_key(event);
        let current: Option<i64> = self.client.get(&version_key).await?;
        if self.versions.get(&event).copied() != current {
            // Another worker took a job of this event: the pool here is stale whatever it holds.
            job.full = true;
            job.if_missing = false;
        }
        let applied = self.engine.apply(event, job).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let key = lists_key(event);
        let json = |list: &Vec<Suggestion>| serde_json::to_string(list).unwrap_or_else(|_| "[]".into());
        let changed = if applied.full {
            // This worker may not have seen the lists last published (a fresh worker, or another
            // one took jobs in between): what changed is what differs from them.
            let published: HashMap<String, String> = self.client.hgetall(&key).await?;
            let lists = self.engine.lists(event).await.unwrap_or_default();
            let mut changed: Vec<(Uuid, Vec<Suggestion>)> = lists
                .iter()
                .filter(|(u, l)| published.get(&u.to_string()) != Some(&json(l)))
                .map(|(u, l)| (*u, l.clone()))
                .collect();
            changed.extend(
                published
                    .keys()
                    .filter_map(|u| u.parse::<Uuid>().ok())
                    .filter(|u| !lists.contains_key(u))
                    .map(|u| (u, Vec::new())),
            );
            // Replace the whole hash at once, so readers never see half of two versions.
            let staging = format!("{key}:staging");
            let mut fields: Vec<(String, String)> = vec![(COMPUTED.to_owned(), crate::store::now_ms().to_string())];
            if let Some(served) = self.engine.served(event).await {
                fields.push((SERVED.to_owned(), serde_json::to_string(&served)?));
            }
            fields.extend(lists.iter().map(|(u, l)| (u.to_string(), json(l))));
            let _: Value = self.client.del(&staging).await?;
            for chunk in fields.chunks(1_000) {
                let _: Value = self.client.hset(&staging, chunk.to_vec()).await?;
            }
            let _: Value = self.client.rename(&staging, &key).await?;
            changed
        } else {
            let (empty, lists): (Vec<_>, Vec<_>) = applied.changed.iter().partition(|(_, l)| l.is_empty());
            if !empty.is_empty() {
                let _: Value =
                    self.client.hdel(&key, empty.iter().map(|(u, _)| u.to_string()).collect::<Vec<_>>()).await?;
            }
            if !lists.is_empty() {
                let _: Value = self
                    .client
                    .hset(&key, lists.iter().map(|(u, l)| (u.to_string(), json(l))).collect::<Vec<_>>())
                    .await?;
            }
            applied.changed
        };
        tracing::debug!(%event, full = applied.full, changed = changed.len(), "suggestions published");
        let _: Value = self.client.expire(&key, LISTS_TTL_SECS, None).await?;
        let version: i64 = self.client.incr(&version_key).await?;
        let _: Value = self.client.expire(&version_key, LISTS_TTL_SECS, None).await?;
        // Only an uninterrupted sequence proves this pool saw every update; otherwise forget the
        // version so the next job rebuilds.
        if current.map_or(version == 1, |c| version == c + 1) {
            self.versions.insert(event, version);
        } else {
            self.versions.remove(&event);
        }
        publish(&self.realtime, event, changed).await;
        Ok(())
    }

    async fn ack(&self, ids: Vec<String>) {
        if let Err(e) = self.client.xack::<Value, _, _, _>(JOBS, GROUP, ids).await {
            tracing::warn!(error = %e, "acknowledging jobs failed; they will be applied again");
        }
    }
}
