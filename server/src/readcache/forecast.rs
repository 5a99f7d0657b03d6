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
//! prefetching rests. When an app connects, the forecast asks its session model at once what that
//! person will open first (their recommendations, the page of the event they are going to, the
//! people to meet where they are checked in): the first screen comes within a second or two,
//! long before the next tick. Those keys go to the prefetch queue, which one task works through.

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

    /// `person`'s app just connected (a line [`Day::observe`] took): queues for loading ahead
    /// what the session model expects them to open first, above the prefetcher's threshold and
    /// not held. Answers how many keys were queued.
    fn connected(&mut self, cache: &ReadCache, prefetcher: &Prefetcher, person: Uuid) -> usize {
        let predictions = self.predictor.predict_session(
            super::person(person),
            self.last_ms,
            prefetcher.config().horizon_ms,
            prefetcher.threshold(),
        );
        let wanted = prefetcher.choose(&predictions, |key| skipped(cache, key));
        wanted.into_iter().filter(|&key| cache.prefetcher().queue_predicted(key)).count()
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
                        let connected = matches!(line.op, Op::Connect).then_some(line.person);
                        day.observe(line);
                        if let Some(person) = connected {
                            day.connected(&cache, &prefetcher, person);
                        }
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

/// Whether a predicted `key` is not to be loaded ahead: it is held, or it is a search page, whose
/// query a node does not know.
fn skipped(cache: &ReadCache, key: &Key) -> bool {
    cache.holds(key) || key.kind() == KeyKind::SearchPage
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

/// Loads what was queued for people whose apps just connected, one key at a time, skipping those
/// a live request already loaded.
async fn work_through(
    cache: Arc<ReadCache>,
    source: Arc<dyn Source>,
    mut queued: mpsc::Receiver<Key>,
    stop: tokio_util::sync::CancellationToken,
) {
    loop {
        let key = tokio::select! {
            () = stop.cancelled() => return,
            key = queued.recv() => match key {
                Some(key) => key,
                None => return,
            },
        };
        if let Err(e) = prefetch(&cache, &*source, key).await {
            tracing::debug!(error = %e, ?key, "prefetching after a connect failed");
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
    let wanted = prefetcher.choose(&predictions, |key| skipped(cache, key));
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

#[cfg(test)]
mod tests {
    use cache::Change;

    use super::super::{event, person, Clock, Prefetch, Sizing};
    use super::*;

    const EVENT: Uuid = Uuid::from_u128(1_000);

    /// A calendar of one event, in progress from ten minutes before `base_ms` for three hours.
    struct OneEvent {
        base_ms: i64,
    }

    impl Source for OneEvent {
        fn calendar(&self, _: i64, _: i64) -> BoxFuture<'_, anyhow::Result<Vec<DayEvent>>> {
            let event = DayEvent {
                id: EVENT,
                owner_id: Uuid::from_u128(999),
                starts_at: self.base_ms - 10 * 60_000,
                ends_at: self.base_ms + 3 * 3_600_000,
                going: Vec::new(),
            };
            Box::pin(async move { Ok(vec![event]) })
        }

        fn load(&self, _: Key) -> BoxFuture<'_, anyhow::Result<Option<Vec<u8>>>> {
            Box::pin(async { Ok(Some(vec![0; 100])) })
        }
    }

    /// People at the event open their people to meet when they come back to the app; people
    /// elsewhere open their recommendations. A connect then queues what that person's kind of
    /// session opens first, at once.
    #[tokio::test]
    async fn a_connect_queues_what_that_person_opens_first() -> anyhow::Result<()> {
        let shutdown = crate::shutdown::Shutdown::new();
        let sizing = Sizing { min_bytes: 1 << 20, max_bytes: 1 << 20 };
        let (cache, _) = ReadCache::start(sizing, Clock::local(), None, Prefetch::new(true), &shutdown);
        let mut queued = cache.prefetcher().take_queue().expect("the queue");
        // Early in the day, so that the whole story fits in it.
        let base_ms = crate::store::now_ms().div_euclid(DAY_MS) * DAY_MS + 3_600_000;
        let source = OneEvent { base_ms };
        let mut day = Day::begin(&source, base_ms).await?;
        let prefetcher = Prefetcher::new(PrefetchConfig::default());
        let line = |at_ms: i64, who: u128, op: Op| Logged { at_ms, person: Uuid::from_u128(who), op };
        let get = |key: Key| Op::Get { key, bytes: 2_000 };
        let e = event(EVENT);
        for present in 0..60u128 {
            day.observe(line(base_ms + present as i64 * 1_000, present, Op::Change(Change::CheckIn(e))));
        }
        // Back in the app well after checking in (a check-in's own carry is ten minutes).
        let mut at = base_ms + 20 * 60_000;
        for present in 0..60u128 {
            let elsewhere = 100 + present;
            let own = |who: u128| person(Uuid::from_u128(who));
            day.observe(line(at, present, Op::Connect));
            day.observe(line(at + 500, present, get(Key::Suggestions(own(present), e))));
            day.observe(line(at + 700, elsewhere, Op::Connect));
            day.observe(line(at + 1_200, elsewhere, get(Key::Recommendations(own(elsewhere)))));
            at += 10_000;
        }

        let newcomer = 500;
        day.observe(line(at, newcomer, Op::Change(Change::CheckIn(e))));
        day.observe(line(at + 15 * 60_000, newcomer, Op::Connect));
        assert_eq!(day.connected(&cache, &prefetcher, Uuid::from_u128(newcomer)), 1);
        assert_eq!(queued.try_recv().ok(), Some(Key::Suggestions(person(Uuid::from_u128(newcomer)), e)));

        let passer_by = 600;
        day.observe(line(at + 15 * 60_000 + 100, passer_by, Op::Connect));
        assert_eq!(day.connected(&cache, &prefetcher, Uuid::from_u128(passer_by)), 1);
        assert_eq!(queued.try_recv().ok(), Some(Key::Recommendations(person(Uuid::from_u128(passer_by)))));

        // What is held is not loaded again.
        let held = Key::Recommendations(person(Uuid::from_u128(passer_by)));
        cache.get_or_load(held, async { Ok::<_, ()>(vec![0; 100]) }, |_| true).await.expect("loaded");
        day.observe(line(at + 40 * 60_000, passer_by, Op::Connect));
        assert_eq!(day.connected(&cache, &prefetcher, Uuid::from_u128(passer_by)), 0);
        assert!(queued.try_recv().is_err());
        Ok(())
    }
}
