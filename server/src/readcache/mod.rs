//! The read cache: the serialized read models people open most (event pages, public profiles,
//! recommendation lists, search pages) kept in memory on every node, and dropped on every node by
//! the writes that change them.
//!
//! The tier is [`cache::Density`]: bounded in bytes, it evicts the values with the fewest hits to
//! expect per byte, as learned from what its own values did, and takes prefetched values like any
//! other. Correctness rests on versions from one clock ([`clock`]):
//!
//! - a write, once committed, takes the next tick and invalidates what it changed, here at once
//!   and on the other nodes over Redis pub/sub, before the request that made it is answered;
//! - a load is stamped with the tick it started at, before it reads the database, so a load that
//!   raced a write carries an older version than the write's invalidation and is refused.
//!
//! A node whose subscription to invalidations is down may have missed some, so it serves nothing
//! from its tier until the subscription is back; then it drops everything it held. Reads then go
//! to the database, as they would without a cache. What is never cached: anything that depends on
//! a block (checked on every read), an organizer's view of their own event (it holds the check-in
//! code), and the viewer's own RSVP (read fresh and laid over the cached page).

pub mod clock;
pub mod forecast;
mod prefetch;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use cache::{CachePolicy as _, Density, Key, KeyKind, Op, Payload, Stats, Versioned};
use protocol::ops::{CacheKindStats, CacheStatus, CacheTransition};
use uuid::Uuid;

pub use self::clock::{Clock, Listener};
pub use self::forecast::{Forecast, RequestLog, Source};
pub use self::prefetch::{Prefetch, Transition};

/// A load that took longer than this is answered but not kept: fences only have to outlive it.
const MAX_LOAD: Duration = Duration::from_secs(5);

/// What a write changed: one cached value, or every value of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stale {
    Key(Key),
    Kind(KeyKind),
}

/// The cache key of a person's or an event's id.
pub fn person(id: Uuid) -> cache::PersonId {
    cache::PersonId(id.as_u128())
}

pub fn event(id: Uuid) -> cache::EventId {
    cache::EventId(id.as_u128())
}

/// How much memory the tier may have: it is sized within these bounds from the forecast.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizing {
    pub min_bytes: u64,
    pub max_bytes: u64,
}

/// A node's read cache. With a budget of 0 it keeps nothing and every read loads.
pub struct ReadCache {
    /// The tier in service; replaced by an empty one when the shared clock starts afresh.
    tier: RwLock<Option<Arc<Density>>>,
    sizing: Sizing,
    /// The counters of tiers replaced, so that totals run on across a restart.
    retired: Mutex<Stats>,
    clock: Arc<Clock>,
    log: RequestLog,
    forecast: Mutex<Option<Forecast>>,
    prefetch: Prefetch,
    bypassed: [AtomicU64; 6],
    /// Hits turned down as no longer fresh, per kind: reported as misses.
    expired: [AtomicU64; 6],
    /// Misses of this node's tier served from the shared tier, per kind.
    shared_hits: [AtomicU64; 6],
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadCache").field("budget_bytes", &self.budget_bytes()).finish_non_exhaustive()
    }
}

// Invalidations hold the tier's read lock while they apply, so a restart (which swaps the tier
// under the write lock) never lets one land on a tier already retired.
impl clock::Invalidated for ReadCache {
    fn apply(&self, stale: &[Stale], version: u64) {
        if let Some(tier) = self.tier.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_deref() {
            apply(tier, stale, version);
        }
    }

    fn reset(&self, version: u64) {
        if let Some(tier) = self.tier.read().unwrap_or_else(std::sync::PoisonError::into_inner).as_deref() {
            tier.invalidate_all(version);
        }
    }

    fn restart(&self) {
        let mut slot = self.tier.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(old) = slot.take() {
            *slot = Some(Arc::new(new_tier(old.budget_bytes())));
            drop(slot);
            self.retire(&old);
        }
    }
}

impl ReadCache {
    /// A cache sized within `sizing` (starting at its largest), with its versions from `clock`
    /// (and, for a shared clock, the other nodes' invalidations from `listener`). Its loops follow
    /// `shutdown`; the forecast starts with [`forecast::start`] once the server can load values.
    pub fn start(
        sizing: Sizing,
        clock: Arc<Clock>,
        listener: Option<Listener>,
        prefetch: Prefetch,
        shutdown: &crate::shutdown::Shutdown,
    ) -> (Arc<Self>, Option<forecast::Requests>) {
        let sizing = Sizing { min_bytes: sizing.min_bytes.min(sizing.max_bytes), ..sizing };
        let tier = (sizing.max_bytes > 0).then(|| Arc::new(new_tier(sizing.max_bytes)));
        let enabled = tier.is_some();
        let (log, requests) = RequestLog::new(enabled);
        let cache = Arc::new(ReadCache {
            tier: RwLock::new(tier),
            sizing,
            retired: Mutex::new(Stats::default()),
            clock,
            log,
            forecast: Mutex::new(None),
            prefetch,
            bypassed: Default::default(),
            expired: Default::default(),
            shared_hits: Default::default(),
        });
        if let (true, Some(listener)) = (enabled, listener) {
            let (cache, stop) = (Arc::clone(&cache), shutdown.workers_token());
            shutdown.spawn(async move { cache.clock.listen(&*cache, listener, stop).await });
        }
        (cache, enabled.then_some(requests))
    }

    /// The tier in service, if the cache keeps anything.
    fn tier(&self) -> Option<Arc<Density>> {
        self.tier.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The tier to read, when there is one and this node hears every invalidation.
    fn trusted_tier(&self) -> Option<Arc<Density>> {
        self.tier().filter(|_| self.clock.is_in_sync())
    }

    /// Whether a fresh value for `key` is held (for the prefetcher, which skips those).
    pub fn holds(&self, key: &Key) -> bool {
        self.tier().is_some_and(|t| t.contains(key))
    }

    /// The request log the forecast learns from.
    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// Notes a read of `key` by `person` (`None`: somebody not signed in) that answered `bytes`.
    pub fn read_by(&self, person: Option<Uuid>, key: Key, bytes: usize) {
        if let Some(person) = person {
            self.log.record(person, Op::Get { key, bytes: u32::try_from(bytes).unwrap_or(u32::MAX) });
        }
    }

    /// Notes a read of the list under `key` by `person`, which answered `bytes` and showed
    /// `items` (events or people, best first): the forecast places the reads that follow by
    /// their position in it.
    pub fn read_list_by(&self, person: Option<Uuid>, key: Key, bytes: usize, items: impl IntoIterator<Item = Uuid>) {
        if let Some(person) = person {
            self.log.record_list(person, key, bytes, items.into_iter().map(|id| id.as_u128()));
        }
    }

    /// Keeps the counters of a tier taken out of service.
    fn retire(&self, old: &Density) {
        let mut retired = self.retired.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        *retired = retired.add(&old.stats());
    }

    /// Counters of the tier in service and of those it replaced.
    fn stats(&self) -> Stats {
        let retired = *self.retired.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.tier().map_or(retired, |t| t.stats().add(&retired))
    }

    /// Runs the tier's deferred bookkeeping and publishes its size.
    pub fn maintain(&self) {
        if let Some(tier) = self.tier() {
            tier.run_maintenance();
            metrics::gauge!("cache_used_bytes").set(tier.weighted_bytes() as f64);
            metrics::gauge!("cache_budget_bytes").set(tier.budget_bytes() as f64);
        }
    }

    /// Sets the tier's budget to `budget_bytes` (within the bounds) when that differs from the
    /// present budget by more than a quarter. The tier changes in place: a smaller budget evicts
    /// by the tier's own rule at once, and what it has learned stays.
    pub fn resize(&self, budget_bytes: u64) -> bool {
        let target = budget_bytes.clamp(self.sizing.min_bytes, self.sizing.max_bytes);
        let Some(tier) = self.tier() else { return false };
        let current = tier.budget_bytes();
        if target.abs_diff(current) * 4 <= current {
            return false;
        }
        tier.set_budget(target);
        tracing::info!(from = current, to = target, "read cache resized to the forecast");
        metrics::counter!("cache_resizes_total").increment(1);
        true
    }

    /// Keeps the latest forecast for `GET /ops/cache`.
    pub fn set_forecast(&self, forecast: Forecast) {
        for (horizon, hot) in [("15m", &forecast.next_15_min), ("60m", &forecast.next_60_min)] {
            metrics::gauge!("cache_forecast_hot_bytes", "horizon" => horizon).set(hot.bytes);
            metrics::gauge!("cache_forecast_hot_keys", "horizon" => horizon).set(hot.distinct_keys);
            metrics::gauge!("cache_forecast_requests_per_minute", "horizon" => horizon).set(hot.requests_per_minute());
        }
        *self.forecast.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(forecast);
    }

    /// The value under `key`, loaded by `load` (which reads the database and serializes) on a
    /// miss and kept for the next reader. A held value that `fresh` turns down (too old, or built
    /// for a model no longer served) counts as a miss and is replaced.
    pub async fn get_or_load<E, F>(&self, key: Key, load: F, fresh: impl Fn(&[u8]) -> bool) -> Result<Payload, E>
    where
        F: Future<Output = Result<Vec<u8>, E>>,
    {
        let started = Instant::now();
        let Some(tier) = self.trusted_tier() else {
            self.bypassed[key.kind().index()].fetch_add(1, Ordering::Relaxed);
            let value = load.await?;
            record_read(key.kind(), "bypass", started);
            return Ok(value.into());
        };
        if let Some(held) = tier.get(&key) {
            if fresh(&held.value) {
                record_read(key.kind(), "hit", started);
                return Ok(held.value);
            }
            self.expired[key.kind().index()].fetch_add(1, Ordering::Relaxed);
        }
        if let Some((version, bytes)) = self.clock.shared_get(&key).await {
            let value = Payload::from(bytes);
            if fresh(&value) {
                tier.put(key, Versioned::new(version, Arc::clone(&value)));
                self.shared_hits[key.kind().index()].fetch_add(1, Ordering::Relaxed);
                record_read(key.kind(), "shared_hit", started);
                return Ok(value);
            }
        }
        // The tick before the database is read: see the module comment.
        let version = self.clock.now().await;
        let value: Payload = load.await?.into();
        match version {
            Some(version) if started.elapsed() < MAX_LOAD => {
                tier.put(key, Versioned::new(version, Arc::clone(&value)));
                self.clock.shared_put(&key, version, Arc::clone(&value));
            }
            _ => {}
        }
        record_read(key.kind(), "miss", started);
        Ok(value)
    }

    /// The values under `keys` that exist: those held, and those `load` (given the keys missing,
    /// in one go) finds. Keys `load` does not answer are left out.
    pub async fn get_many_or_load<E, F, Fut>(&self, keys: &[Key], load: F) -> Result<HashMap<Key, Payload>, E>
    where
        F: FnOnce(Vec<Key>) -> Fut,
        Fut: Future<Output = Result<Vec<(Key, Vec<u8>)>, E>>,
    {
        let started = Instant::now();
        let mut found = HashMap::with_capacity(keys.len());
        let Some(tier) = self.trusted_tier() else {
            for key in keys {
                self.bypassed[key.kind().index()].fetch_add(1, Ordering::Relaxed);
            }
            found.extend(load(keys.to_vec()).await?.into_iter().map(|(k, v)| (k, Payload::from(v))));
            return Ok(found);
        };
        let mut missing = Vec::new();
        for key in keys {
            match tier.get(key) {
                Some(held) => {
                    found.insert(*key, held.value);
                }
                None => missing.push(*key),
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        let version = self.clock.now().await;
        let loaded = load(missing).await?;
        let keep = started.elapsed() < MAX_LOAD;
        for (key, value) in loaded {
            let value = Payload::from(value);
            if let (Some(version), true) = (version, keep) {
                tier.put(key, Versioned::new(version, Arc::clone(&value)));
            }
            found.insert(key, value);
        }
        Ok(found)
    }

    /// Puts a value loaded ahead of a predicted read, unless one is held. `load` runs only if the
    /// key is missing.
    pub async fn prefetch<E, F>(&self, key: Key, load: F) -> Result<bool, E>
    where
        F: Future<Output = Result<Vec<u8>, E>>,
    {
        let Some(tier) = self.trusted_tier() else { return Ok(false) };
        if tier.contains(&key) {
            return Ok(false);
        }
        let started = Instant::now();
        let Some(version) = self.clock.now().await else { return Ok(false) };
        let value = Payload::from(load.await?);
        let kept = started.elapsed() < MAX_LOAD && tier.prefetch_put(key, Versioned::new(version, Arc::clone(&value)));
        if kept {
            self.clock.shared_put(&key, version, value);
        }
        self.prefetch.record_cost(started.elapsed());
        metrics::counter!("cache_prefetches_total", "kind" => key.kind().name(), "kept" => if kept { "yes" } else { "no" })
            .increment(1);
        Ok(kept)
    }

    /// Drops what a committed write changed, here and on every other node. Call it after the
    /// write commits and before answering the request that made it.
    pub async fn invalidate(self: &Arc<Self>, stale: &[Stale]) {
        if stale.is_empty() {
            return;
        }
        // In a task of its own, so that a request cancelled after its write committed (its client
        // went away) still drops what the write changed.
        let (cache, stale) = (Arc::clone(self), stale.to_vec());
        let dropped = tokio::spawn(async move {
            let version = cache.clock.tick(&stale).await;
            clock::Invalidated::apply(&*cache, &stale, version);
            for item in &stale {
                let scope = if matches!(item, Stale::Key(_)) { "key" } else { "kind" };
                metrics::counter!("cache_invalidations_total", "origin" => "local", "scope" => scope).increment(1);
            }
        });
        if let Err(e) = dropped.await {
            tracing::error!(error = %e, "dropping stale cached values failed");
        }
    }

    /// The prefetcher's state: whether it runs, and what it costs.
    pub fn prefetcher(&self) -> &Prefetch {
        &self.prefetch
    }

    pub fn budget_bytes(&self) -> u64 {
        self.tier().map_or(0, |t| t.budget_bytes())
    }

    /// Counters for `GET /ops/cache`.
    pub fn status(&self) -> CacheStatus {
        let stats = self.stats();
        let forecast = self.forecast.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
        let kinds = KeyKind::ALL
            .iter()
            .map(|&kind| {
                let expired = self.expired[kind.index()].load(Ordering::Relaxed);
                let shared = self.shared_hits[kind.index()].load(Ordering::Relaxed);
                CacheKindStats {
                    kind: kind.name().to_owned(),
                    hits: stats.hits_of(kind).saturating_sub(expired),
                    shared_hits: shared,
                    misses: (stats.misses_of(kind) + expired).saturating_sub(shared),
                    bypassed: self.bypassed[kind.index()].load(Ordering::Relaxed),
                }
            })
            .collect();
        let (used, wasted) = (stats.prefetch_used, stats.prefetch_wasted);
        CacheStatus {
            enabled: self.tier().is_some(),
            in_sync: self.clock.is_in_sync(),
            shared: self.clock.is_shared(),
            budget_bytes: self.budget_bytes(),
            used_bytes: self.tier().map_or(0, |t| t.weighted_bytes()),
            min_budget_bytes: self.sizing.min_bytes,
            max_budget_bytes: self.sizing.max_bytes,
            forecast: forecast.map(|f| f.status()),
            log_dropped: self.log.dropped(),
            forecast_seconds: self.log.busy_seconds(),
            kinds,
            prefetched: stats.prefetched,
            prefetch_used: used,
            prefetch_wasted: wasted,
            prefetch_precision: (used + wasted > 0).then(|| used as f64 / (used + wasted) as f64),
            prefetch_enabled: self.prefetch.is_enabled(),
            prefetch_load_seconds: self.prefetch.load_seconds(),
            prefetch_paused: self.prefetch.is_paused(),
            transitions: self
                .prefetch
                .transitions()
                .into_iter()
                .map(|(name, followed, unfollowed)| CacheTransition { name: name.to_owned(), followed, unfollowed })
                .collect(),
            refused_stale: stats.refused_stale,
            invalidations_received: self.clock.received(),
            max_invalidation_lag_ms: self.clock.max_lag_ms(),
            staleness_bound_ms: clock::STALENESS_BOUND.as_millis() as u64,
            staleness_violations: self.clock.violations(),
        }
    }
}

fn new_tier(budget_bytes: u64) -> Density {
    Density::with_clock(budget_bytes, cache::Clock::Shared)
}

/// Applies an invalidation of `version` to a tier.
fn apply(tier: &Density, stale: &[Stale], version: u64) {
    for item in stale {
        match item {
            Stale::Key(key) => tier.invalidate(key, version),
            Stale::Kind(kind) => tier.invalidate_kind(*kind, version),
        }
    }
}

fn record_read(kind: KeyKind, outcome: &'static str, started: Instant) {
    metrics::counter!("cache_reads_total", "kind" => kind.name(), "outcome" => outcome).increment(1);
    metrics::histogram!("cache_read_seconds", "kind" => kind.name(), "outcome" => outcome)
        .record(started.elapsed().as_secs_f64());
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(i: u128) -> Key {
        Key::Profile(person(Uuid::from_u128(i)))
    }

    #[tokio::test]
    async fn a_resize_keeps_the_tier_and_its_values_within_the_new_budget() {
        let sizing = Sizing { min_bytes: 256 * 1024, max_bytes: 1 << 20 };
        let shutdown = crate::shutdown::Shutdown::new();
        let (cache, _) = ReadCache::start(sizing, Clock::local(), None, Prefetch::new(false), &shutdown);
        for i in 0..600 {
            let value = cache
                .get_or_load(profile(i), async { Ok::<_, ()>(vec![0u8; 1_500]) }, |_| true)
                .await
                .expect("the loader cannot fail");
            assert_eq!(value.len(), 1_500);
        }
        let full = cache.status().used_bytes;
        assert!(full > 3 * (1 << 20) / 4, "{full} bytes held before the resize");

        assert!(!cache.resize(900 * 1024), "a change of a quarter or less keeps the budget");
        assert!(cache.resize(1), "the forecast asks for less than the floor");
        assert_eq!(cache.budget_bytes(), 256 * 1024, "the budget stops at the floor");
        let status = cache.status();
        assert!(status.used_bytes <= 256 * 1024 && status.used_bytes > 0, "{} bytes after", status.used_bytes);
        assert_eq!(status.kinds.iter().map(|k| k.misses).sum::<u64>(), 600, "counters run on across a resize");
        // What the smaller budget kept is still held.
        let held = (0..600).filter(|&i| cache.holds(&profile(i))).count();
        assert!(held > 100, "{held} values kept");
    }
}
