//! The forecast: a node's predictor ([`cache::Predictor`]), learning from the node's request
//! log and the day's calendar. What it predicts is loaded ahead of the read, and the hot set it
//! expects over the next 15 and 60 minutes sizes the tier.
//!
//! The predictor covers one UTC day, as in the benchmark's replay: at midnight it starts afresh
//! with the new day's calendar (events whose doors open that day, with who had RSVPed by then);
//! RSVPs, check-ins, edits and publications during the day reach it through the log. Every
//! [`TICK`] it asks for the keys likely to be read within the prefetcher's horizon, and
//! [`cache::Prefetcher`] picks those above its threshold that are not held. The loads run one at
//! a time, yielding between them, and stop for the tick once they have taken their share of the
//! tick ([`PREFETCH_SHARE`]); the threshold rises when the prefetched values go unread, until
//! prefetching rests.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cache::{
    Catalog, EventId, HotSet, Item, Key, KeyKind, Op, PersonId, Predictor, PredictorConfig, PrefetchConfig, Prefetcher,
    QueryId, ScheduledEvent,
};
use futures_util::future::BoxFuture;
use tokio::sync::mpsc;
use uuid::Uuid;

use super::ReadCache;
use crate::store::DayEvent;

/// How often the forecast looks ahead.
pub const TICK: Duration = Duration::from_secs(20);
/// The share of each tick that loading prefetched values may take.
pub const PREFETCH_SHARE: f64 = 0.1;
/// Doors open this long before an event starts.
pub const DOORS_BEFORE_MS: i64 = 30 * 60_000;
/// The tier is sized to hold this much more than the hot set expected.
const HEADROOM: f64 = 1.5;
/// Log lines waiting for the forecast at most; lines beyond are dropped, and counted.
const LOG_CAPACITY: usize = 65_536;
const DAY_MS: i64 = 86_400_000;

/// A line of the request log, as a request handler records it.
struct Logged {
    at_ms: i64,
    person: Uuid,
    op: Op,
}

/// Where handlers record reads, connections and writes for the forecast. Recording never
/// waits: when the forecast falls behind, lines are dropped.
pub struct RequestLog {
    lines: Option<mpsc::Sender<Logged>>,
    dropped: AtomicU64,
}

/// The receiving end of the request log, which the forecast reads.
pub struct Requests(mpsc::Receiver<Logged>);

impl RequestLog {
    /// A log, and its receiving end; a disabled log records nothing.
    pub fn new(enabled: bool) -> (Self, Requests) {
        let (lines, requests) = mpsc::channel(LOG_CAPACITY);
        (RequestLog { lines: enabled.then_some(lines), dropped: AtomicU64::new(0) }, Requests(requests))
    }

    pub fn record(&self, person: Uuid, op: Op) {
        let Some(lines) = &self.lines else { return };
        if lines.try_send(Logged { at_ms: crate::store::now_ms(), person, op }).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lines dropped because the forecast had fallen behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }
}

/// What the forecast needs from the rest of the server.
pub trait Source: Send + Sync + 'static {
    /// Events starting from `from_ms` to `to_ms`, with who is going.
    fn calendar(&self, from_ms: i64, to_ms: i64) -> BoxFuture<'_, anyhow::Result<Vec<DayEvent>>>;
    /// The value a read of `key` would be served (the same bytes the read would cache); `None`
    /// for a key this node cannot load ahead (a search page, whose query it does not know) or
    /// whose value is gone.
    fn load(&self, key: Key) -> BoxFuture<'_, anyhow::Result<Option<Vec<u8>>>>;
}

/// The day's calendar, as the predictor reads it.
struct DayCatalog {
    calendar: Vec<ScheduledEvent>,
    organizers: HashMap<EventId, PersonId>,
}

impl Catalog for DayCatalog {
    fn calendar(&self) -> &[ScheduledEvent] {
        &self.calendar
    }
    // The lists people are shown are not known ahead here: the rules that follow a list's items
    // learn nothing and predict nothing.
    fn recommendations(&self, _: PersonId) -> &[EventId] {
        &[]
    }
    fn suggestions(&self, _: PersonId, _: EventId) -> &[PersonId] {
        &[]
    }
    fn search_results(&self, _: QueryId, _: u8) -> &[EventId] {
        &[]
    }
    fn organizer(&self, event: EventId) -> Option<PersonId> {
        self.organizers.get(&event).copied()
    }
    fn audience(&self, _: EventId) -> &[PersonId] {
        &[]
    }
}

/// The predictor of one day, and where its clock stands.
struct Day {
    start_ms: i64,
    predictor: Predictor<DayCatalog>,
    last_ms: u64,
}

impl Day {
    async fn begin(source: &dyn Source, now_ms: i64) -> anyhow::Result<Self> {
        let start_ms = now_ms.div_euclid(DAY_MS) * DAY_MS;
        let events = source.calendar(start_ms + DOORS_BEFORE_MS, start_ms + DAY_MS + DOORS_BEFORE_MS).await?;
        let offset = |ms: i64| u64::try_from(ms - start_ms).unwrap_or(0);
        let catalog = DayCatalog {
            organizers: events.iter().map(|e| (super::event(e.id), super::person(e.owner_id))).collect(),
            calendar: events
                .iter()
                .map(|e| ScheduledEvent {
                    id: super::event(e.id),
                    doors_ms: offset(e.starts_at - DOORS_BEFORE_MS),
                    start_ms: offset(e.starts_at),
                    end_ms: offset(e.ends_at),
                    attendees: e.going.iter().map(|p| super::person(*p)).collect(),
                })
                .collect(),
        };
        tracing::info!(events = catalog.calendar.len(), "read cache forecast begins the day");
        Ok(Day { start_ms, predictor: Predictor::new(catalog, PredictorConfig::default()), last_ms: 0 })
    }

    /// Milliseconds into the day, never before the last line seen: the predictor takes lines in
    /// time order, and handlers record them from many tasks.
    fn at(&mut self, wall_ms: i64) -> u64 {
        self.last_ms = self.last_ms.max(u64::try_from(wall_ms - self.start_ms).unwrap_or(0));
        self.last_ms
    }

    fn observe(&mut self, line: Logged) {
        if line.at_ms < self.start_ms {
            return;
        }
        let at_ms = self.at(line.at_ms);
        self.predictor.observe(&Item { at_ms, person: super::person(line.person), op: line.op });
    }
}

/// The forecast of the next 15 and 60 minutes, and what was done about it.
#[derive(Clone, Debug)]
pub struct Forecast {
    pub made_at: chrono::DateTime<chrono::Utc>,
    pub next_15_min: HotSet,
    pub next_60_min: HotSet,
    /// The tier's size the forecast asks for, before the bounds.
    pub wanted_bytes: u64,
    /// The probability a prediction needs to be loaded now.
    pub threshold: f64,
    /// Values loaded ahead at the last look, and the seconds that took.
    pub prefetched: usize,
    pub prefetch_seconds: f64,
}

impl Forecast {
    pub fn status(&self) -> protocol::ops::CacheForecast {
        let horizon = |hot: &HotSet| protocol::ops::CacheHorizon {
            minutes: hot.horizon_ms / 60_000,
            distinct_keys: hot.distinct_keys.round() as u64,
            bytes: hot.bytes.round() as u64,
            requests_per_minute: (hot.requests_per_minute() * 10.0).round() / 10.0,
        };
        protocol::ops::CacheForecast {
            made_at: self.made_at,
            horizons: vec![horizon(&self.next_15_min), horizon(&self.next_60_min)],
            wanted_bytes: self.wanted_bytes,
            threshold: self.threshold,
            prefetched: self.prefetched as u64,
            prefetch_seconds: self.prefetch_seconds,
        }
    }
}

/// Runs the forecast for `cache` until `shutdown` stops the workers.
pub fn start(cache: Arc<ReadCache>, source: Arc<dyn Source>, requests: Requests, shutdown: &crate::shutdown::Shutdown) {
    if let Some(queued) = cache.prefetcher().take_queue() {
        shutdown.spawn(work_through(Arc::clone(&cache), Arc::clone(&source), queued, shutdown.workers_token()));
    }
    let stop = shutdown.workers_token();
    shutdown.spawn(async move {
        let Requests(mut lines) = requests;
        let mut day: Option<Day> = None;
        let mut prefetcher = Prefetcher::new(PrefetchConfig::default());
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                Some(line) = lines.recv() => {
                    if let Some(day) = day.as_mut() {
                        day.observe(line);
                    }
                }
                _ = ticks.tick() => {
                    let now = crate::store::now_ms();
                    if day.as_ref().is_none_or(|d| now - d.start_ms >= DAY_MS) {
                        match Day::begin(&*source, now).await {
                            Ok(begun) => day = Some(begun),
                            Err(e) => tracing::warn!(error = %e, "reading the day's calendar for the read cache failed"),
                        }
                    }
                    if let Some(day) = day.as_mut() {
                        look_ahead(&cache, &*source, day, &mut prefetcher, now, &stop).await;
                    }
                }
            }
        }
    });
}

/// Loads `key` ahead through `source` unless it is held; answers whether it was kept.
async fn prefetch(cache: &ReadCache, source: &dyn Source, key: Key) -> anyhow::Result<bool> {
    let loaded = cache
        .prefetch(key, async {
            match source.load(key).await {
                Ok(Some(bytes)) => Ok(bytes),
                Ok(None) => Err(None),
                Err(e) => Err(Some(e)),
            }
        })
        .await;
    match loaded {
        Ok(kept) => Ok(kept),
        Err(None) => Ok(false),
        Err(Some(e)) => Err(e),
    }
}

/// Loads the recommendations of people whose apps just connected, one at a time, skipping those a
/// live request already loaded.
async fn work_through(
    cache: Arc<ReadCache>,
    source: Arc<dyn Source>,
    mut queued: mpsc::Receiver<Uuid>,
    stop: tokio_util::sync::CancellationToken,
) {
    loop {
        let person = tokio::select! {
            () = stop.cancelled() => return,
            person = queued.recv() => match person {
                Some(person) => person,
                None => return,
            },
        };
        if let Err(e) = prefetch(&cache, &*source, Key::Recommendations(super::person(person))).await {
            tracing::debug!(error = %e, %person, "prefetching recommendations failed");
        }
        tokio::task::yield_now().await;
    }
}

/// One look ahead: prefetch what is predicted, within the tick's share; size the tier.
async fn look_ahead(
    cache: &ReadCache,
    source: &dyn Source,
    day: &mut Day,
    prefetcher: &mut Prefetcher,
    now: i64,
    stop: &tokio_util::sync::CancellationToken,
) {
    cache.maintain();
    let stats = cache.stats();
    prefetcher.record_outcomes(stats.prefetch_used, stats.prefetch_wasted);
    cache.prefetcher().set_paused(prefetcher.is_paused());
    let at = day.at(now);
    let predictions = day.predictor.predict(at, prefetcher.config().horizon_ms, prefetcher.threshold());
    let wanted = prefetcher.choose(&predictions, |key| cache.holds(key) || key.kind() == KeyKind::SearchPage);
    let started = Instant::now();
    let allowance = TICK.mul_f64(PREFETCH_SHARE);
    let mut prefetched = 0;
    for key in wanted {
        if stop.is_cancelled() || started.elapsed() >= allowance {
            break;
        }
        match prefetch(cache, source, key).await {
            Ok(true) => prefetched += 1,
            Ok(false) => {}
            Err(e) => tracing::debug!(error = %e, ?key, "prefetching failed"),
        }
        // Live requests first.
        tokio::task::yield_now().await;
    }
    let next_15_min = day.predictor.hot_set(at, 15 * 60_000);
    let next_60_min = day.predictor.hot_set(at, 60 * 60_000);
    let wanted_bytes = (next_15_min.bytes.max(next_60_min.bytes) * HEADROOM) as u64;
    cache.resize(wanted_bytes);
    cache.set_forecast(Forecast {
        made_at: chrono::Utc::now(),
        next_15_min,
        next_60_min,
        wanted_bytes,
        threshold: prefetcher.threshold(),
        prefetched,
        prefetch_seconds: started.elapsed().as_secs_f64(),
    });
}
