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
//! prefetching rests. After every connect and every read it logs, the forecast asks its session
//! model at once what that person will open next (their recommendations, the page of the event
//! they are going to, the people to meet where they are checked in, that event's counters): an
//! app's first screen comes within a second or two of its connect, and the next screen some 14 s
//! after the last, where the tick would come up to 20 s late. Those keys go to the prefetch queue,
//! which one task works through. A read of a list (recommendations, people to meet, a search
//! page) logs what the list showed ([`NodeCatalog`]), so the reads that follow it are learned, and
//! predicted, by their position in it: the page of the first event recommended, the profile of
//! the second person to meet.
//!
//! The predictor runs on a thread of its own ([`think`]), so that learning from every line and
//! asking after every read never holds one of the runtime's workers: the thread owns the day's
//! predictor and the prefetcher's threshold, takes the log's lines in order, and answers each
//! tick's question with what to load; the loads themselves, and reading the calendar, stay on
//! the runtime, in the forecast's task.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cache::{
    HotSet, Item, Key, KeyKind, NodeCatalog, Op, Predictor, PredictorConfig, PrefetchConfig, Prefetcher, ScheduledEvent,
};
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};
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
    /// For the read of a list, what it showed (ids, best first, at most
    /// [`NodeCatalog::LIST_ITEMS`]).
    list: Option<Box<[u128]>>,
}

/// What the forecast's thread is told, in one queue so that it sees everything in order.
enum Message {
    /// A line of the request log.
    Line(Logged),
    /// A new day begins, with its calendar read.
    Begin(Box<Day>),
    /// A tick: answer what to load ahead now, and the hot sets.
    Look { now_ms: i64, answer: oneshot::Sender<Option<Look>> },
    /// The forecast's task has ended; so does the thread.
    Stop,
}

/// A tick's answer from the forecast's thread.
struct Look {
    /// What to load ahead, best first.
    wanted: Vec<Key>,
    next_15_min: HotSet,
    next_60_min: HotSet,
    threshold: f64,
}

/// Where handlers record reads, connections and writes for the forecast. Recording never
/// waits: when the forecast falls behind, lines are dropped.
pub struct RequestLog {
    lines: Option<mpsc::Sender<Message>>,
    dropped: AtomicU64,
    /// Nanoseconds the forecast's thread has been busy.
    busy_nanos: AtomicU64,
}

/// The receiving end of the request log, which the forecast reads, and a way in for the
/// forecast's own messages.
pub struct Requests {
    messages: mpsc::Receiver<Message>,
    control: mpsc::Sender<Message>,
}

impl RequestLog {
    /// A log, and its receiving end; a disabled log records nothing.
    pub fn new(enabled: bool) -> (Self, Requests) {
        let (lines, messages) = mpsc::channel(LOG_CAPACITY);
        let requests = Requests { messages, control: lines.clone() };
        let log =
            RequestLog { lines: enabled.then_some(lines), dropped: AtomicU64::new(0), busy_nanos: AtomicU64::new(0) };
        (log, requests)
    }

    pub fn record(&self, person: Uuid, op: Op) {
        self.send(Logged { at_ms: crate::store::now_ms(), person, op, list: None });
    }

    /// Records `person`'s read of the list under `key`, which showed `items` (ids, best first).
    pub fn record_list(&self, person: Uuid, key: Key, bytes: usize, items: impl IntoIterator<Item = u128>) {
        if self.lines.is_none() {
            return;
        }
        let op = Op::Get { key, bytes: u32::try_from(bytes).unwrap_or(u32::MAX) };
        let list = items.into_iter().take(NodeCatalog::LIST_ITEMS).collect();
        self.send(Logged { at_ms: crate::store::now_ms(), person, op, list: Some(list) });
    }

    fn send(&self, line: Logged) {
        let Some(lines) = &self.lines else { return };
        if lines.try_send(Message::Line(line)).is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lines dropped because the forecast had fallen behind.
    pub fn dropped(&self) -> u64 {
        self.dropped.load(Ordering::Relaxed)
    }

    /// Seconds the forecast's thread has been busy.
    pub fn busy_seconds(&self) -> f64 {
        Duration::from_nanos(self.busy_nanos.load(Ordering::Relaxed)).as_secs_f64()
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

/// The predictor of one day, and where its clock stands.
struct Day {
    start_ms: i64,
    predictor: Predictor<NodeCatalog>,
    last_ms: u64,
}

impl Day {
    async fn begin(source: &dyn Source, now_ms: i64) -> anyhow::Result<Self> {
        let start_ms = now_ms.div_euclid(DAY_MS) * DAY_MS;
        let events = source.calendar(start_ms + DOORS_BEFORE_MS, start_ms + DAY_MS + DOORS_BEFORE_MS).await?;
        let offset = |ms: i64| u64::try_from(ms - start_ms).unwrap_or(0);
        let calendar: Vec<ScheduledEvent> = events
            .iter()
            .map(|e| ScheduledEvent {
                id: super::event(e.id),
                doors_ms: offset(e.starts_at - DOORS_BEFORE_MS),
                start_ms: offset(e.starts_at),
                end_ms: offset(e.ends_at),
                attendees: e.going.iter().map(|p| super::person(*p)).collect(),
            })
            .collect();
        tracing::info!(events = calendar.len(), "read cache forecast begins the day");
        let organizers = events.iter().map(|e| (super::event(e.id), super::person(e.owner_id))).collect();
        let catalog = NodeCatalog::new(calendar, organizers);
        Ok(Day { start_ms, predictor: Predictor::new(catalog, PredictorConfig::default()), last_ms: 0 })
    }

    /// Milliseconds into the day, never before the last line seen: the predictor takes lines in
    /// time order, and handlers record them from many tasks.
    fn at(&mut self, wall_ms: i64) -> u64 {
        self.last_ms = self.last_ms.max(u64::try_from(wall_ms - self.start_ms).unwrap_or(0));
        self.last_ms
    }

    /// Learns from `line`; answers whether it belongs to this day.
    fn observe(&mut self, line: &Logged) -> bool {
        if line.at_ms < self.start_ms {
            return false;
        }
        let at_ms = self.at(line.at_ms);
        if let (Op::Get { key, .. }, Some(list)) = (line.op, &line.list) {
            self.predictor.catalog_mut().served(key, list);
        }
        self.predictor.observe(&Item { at_ms, person: super::person(line.person), op: line.op });
        true
    }

    /// Learns from `line` and, after a connect or a read, asks what that person opens next.
    fn take(&mut self, cache: &ReadCache, prefetcher: &Prefetcher, line: &Logged) {
        if self.observe(line) && matches!(line.op, Op::Connect | Op::Get { .. }) {
            self.ask(cache, prefetcher, line.person);
        }
    }

    /// `person` just connected or read (a line [`Day::observe`] took): queues for loading ahead
    /// what the session model expects them to open next, above the prefetcher's threshold and
    /// not held. Answers how many keys were queued.
    fn ask(&mut self, cache: &ReadCache, prefetcher: &Prefetcher, person: Uuid) -> usize {
        let predictions = self.predictor.predict_session(
            super::person(person),
            self.last_ms,
            prefetcher.config().horizon_ms,
            prefetcher.threshold(),
        );
        let wanted = prefetcher.choose(&predictions, |key| skipped(cache, key));
        wanted.into_iter().filter(|&key| cache.prefetcher().queue_predicted(key)).count()
    }

    /// A tick at `now_ms`: learns how the last prefetches did, and answers what to load ahead
    /// and the hot sets.
    fn look(&mut self, cache: &ReadCache, prefetcher: &mut Prefetcher, now_ms: i64) -> Look {
        cache.maintain();
        let stats = cache.stats();
        prefetcher.record_outcomes(stats.prefetch_used, stats.prefetch_wasted);
        cache.prefetcher().set_paused(prefetcher.is_paused());
        let at = self.at(now_ms);
        let predictions = self.predictor.predict(at, prefetcher.config().horizon_ms, prefetcher.threshold());
        Look {
            wanted: prefetcher.choose(&predictions, |key| skipped(cache, key)),
            next_15_min: self.predictor.hot_set(at, 15 * 60_000),
            next_60_min: self.predictor.hot_set(at, 60 * 60_000),
            threshold: prefetcher.threshold(),
        }
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
    let Requests { messages, control } = requests;
    let stopped = Arc::new(AtomicBool::new(false));
    let thinking = {
        let (cache, stopped) = (Arc::clone(&cache), Arc::clone(&stopped));
        std::thread::Builder::new().name("cache-forecast".into()).spawn(move || think(&cache, messages, &stopped))
    };
    if let Err(e) = thinking {
        tracing::error!(error = %e, "the read cache's forecast could not start its thread; nothing is loaded ahead");
        return;
    }
    let stop = shutdown.workers_token();
    // However the task ends (its token, or its runtime dropped, even before it first ran), the
    // thread ends with it.
    let stopping = Stopping { stopped, control: control.clone() };
    shutdown.spawn(async move {
        let _stopping = stopping;
        let gone = || tracing::error!("the read cache's forecast thread ended; nothing more is loaded ahead");
        let mut day_start: Option<i64> = None;
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                () = stop.cancelled() => return,
                _ = ticks.tick() => {}
            }
            let now = crate::store::now_ms();
            if day_start.is_none_or(|start| now - start >= DAY_MS) {
                match Day::begin(&*source, now).await {
                    Ok(day) => {
                        day_start = Some(day.start_ms);
                        if control.send(Message::Begin(Box::new(day))).await.is_err() {
                            return gone();
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "reading the day's calendar for the read cache failed"),
                }
            }
            if day_start.is_none() {
                continue;
            }
            let (answer, answered) = oneshot::channel();
            if control.send(Message::Look { now_ms: now, answer }).await.is_err() {
                return gone();
            }
            let look = tokio::select! {
                () = stop.cancelled() => return,
                look = answered => look,
            };
            match look {
                Ok(Some(look)) => look_ahead(&cache, &*source, look, &stop).await,
                Ok(None) => {}
                Err(_) => return gone(),
            }
        }
    });
}

/// Tells the forecast's thread to end when dropped.
struct Stopping {
    stopped: Arc<AtomicBool>,
    control: mpsc::Sender<Message>,
}

impl Drop for Stopping {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::Relaxed);
        // A full queue needs no wake-up: the thread sees the flag at its next line.
        let _ = self.control.try_send(Message::Stop);
    }
}

/// The forecast's thread: learns from every line of the log, asks after every connect and
/// read, and answers the ticks, until it is told to stop.
fn think(cache: &ReadCache, mut messages: mpsc::Receiver<Message>, stopped: &AtomicBool) {
    let mut day: Option<Day> = None;
    let mut prefetcher = Prefetcher::new(PrefetchConfig::default());
    while let Some(message) = messages.blocking_recv() {
        if stopped.load(Ordering::Relaxed) {
            return;
        }
        let busy = Instant::now();
        match message {
            Message::Line(line) => {
                if let Some(day) = day.as_mut() {
                    day.take(cache, &prefetcher, &line);
                }
            }
            Message::Begin(begun) => day = Some(*begun),
            Message::Look { now_ms, answer } => {
                let look = day.as_mut().map(|day| day.look(cache, &mut prefetcher, now_ms));
                let _ = answer.send(look);
            }
            Message::Stop => return,
        }
        let spent = u64::try_from(busy.elapsed().as_nanos()).unwrap_or(u64::MAX);
        cache.log().busy_nanos.fetch_add(spent, Ordering::Relaxed);
    }
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

/// Loads what was queued after people's connects and reads, one key at a time, skipping those a
/// live request already loaded.
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

/// One look ahead: loads what the thread chose, within the tick's share; sizes the tier.
async fn look_ahead(cache: &ReadCache, source: &dyn Source, look: Look, stop: &tokio_util::sync::CancellationToken) {
    let started = Instant::now();
    let allowance = TICK.mul_f64(PREFETCH_SHARE);
    let mut prefetched = 0;
    for key in look.wanted {
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
    let wanted_bytes = (look.next_15_min.bytes.max(look.next_60_min.bytes) * HEADROOM) as u64;
    cache.resize(wanted_bytes);
    cache.set_forecast(Forecast {
        made_at: chrono::Utc::now(),
        next_15_min: look.next_15_min,
        next_60_min: look.next_60_min,
        wanted_bytes,
        threshold: look.threshold,
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
        let line = |at_ms: i64, who: u128, op: Op| Logged { at_ms, person: Uuid::from_u128(who), op, list: None };
        let get = |key: Key| Op::Get { key, bytes: 2_000 };
        let e = event(EVENT);
        for present in 0..60u128 {
            day.observe(&line(base_ms + present as i64 * 1_000, present, Op::Change(Change::CheckIn(e))));
        }
        // Back in the app well after checking in (a check-in's own carry is ten minutes).
        let mut at = base_ms + 20 * 60_000;
        for present in 0..60u128 {
            let elsewhere = 100 + present;
            let own = |who: u128| person(Uuid::from_u128(who));
            day.observe(&line(at, present, Op::Connect));
            day.observe(&line(at + 500, present, get(Key::Suggestions(own(present), e))));
            day.observe(&line(at + 700, elsewhere, Op::Connect));
            day.observe(&line(at + 1_200, elsewhere, get(Key::Recommendations(own(elsewhere)))));
            at += 10_000;
        }

        let newcomer = 500;
        day.observe(&line(at, newcomer, Op::Change(Change::CheckIn(e))));
        day.observe(&line(at + 15 * 60_000, newcomer, Op::Connect));
        assert_eq!(day.ask(&cache, &prefetcher, Uuid::from_u128(newcomer)), 1);
        assert_eq!(queued.try_recv().ok(), Some(Key::Suggestions(person(Uuid::from_u128(newcomer)), e)));

        let passer_by = 600;
        day.observe(&line(at + 15 * 60_000 + 100, passer_by, Op::Connect));
        assert_eq!(day.ask(&cache, &prefetcher, Uuid::from_u128(passer_by)), 1);
        assert_eq!(queued.try_recv().ok(), Some(Key::Recommendations(person(Uuid::from_u128(passer_by)))));

        // What is held is not loaded again.
        let held = Key::Recommendations(person(Uuid::from_u128(passer_by)));
        cache.get_or_load(held, async { Ok::<_, ()>(vec![0; 100]) }, |_| true).await.expect("loaded");
        day.observe(&line(at + 40 * 60_000, passer_by, Op::Connect));
        assert_eq!(day.ask(&cache, &prefetcher, Uuid::from_u128(passer_by)), 0);
        assert!(queued.try_recv().is_err());
        Ok(())
    }

    /// The forecast's thread takes everything in order: the day, the lines it learns from, a
    /// connect and then reads that each queue what comes next (a profile by its place in the
    /// list of people to meet just read), a tick it answers; and it ends when its task does.
    #[tokio::test]
    async fn the_thread_asks_after_connects_and_reads_and_answers_ticks() -> anyhow::Result<()> {
        let shutdown = crate::shutdown::Shutdown::new();
        let sizing = Sizing { min_bytes: 1 << 20, max_bytes: 1 << 20 };
        let (cache, requests) = ReadCache::start(sizing, Clock::local(), None, Prefetch::new(true), &shutdown);
        let Requests { messages, control } = requests.expect("a log while the tier is on");
        let mut queued = cache.prefetcher().take_queue().expect("the queue");
        let base_ms = crate::store::now_ms().div_euclid(DAY_MS) * DAY_MS + 3_600_000;
        let day = Day::begin(&OneEvent { base_ms }, base_ms).await?;
        let stopped = Arc::new(AtomicBool::new(false));
        let thread = {
            let (cache, stopped) = (Arc::clone(&cache), Arc::clone(&stopped));
            std::thread::spawn(move || think(&cache, messages, &stopped))
        };
        let e = event(EVENT);
        let own = |who: u128| person(Uuid::from_u128(who));
        let send = |at_ms: i64, who: u128, op: Op, list: Option<Box<[u128]>>| {
            let line = Message::Line(Logged { at_ms, person: Uuid::from_u128(who), op, list });
            let control = control.clone();
            async move { control.send(line).await.map_err(|_| anyhow::anyhow!("the thread ended")) }
        };
        let get = |key: Key| Op::Get { key, bytes: 2_000 };
        // Everything sent before a tick has been taken once the tick is answered; then the queue
        // holds what those lines queued.
        let look = |now_ms: i64| {
            let control = control.clone();
            async move {
                let (answer, answered) = oneshot::channel();
                control
                    .send(Message::Look { now_ms, answer })
                    .await
                    .map_err(|_| anyhow::anyhow!("the thread ended"))?;
                anyhow::Ok(answered.await?)
            }
        };
        let mut drain = || std::iter::from_fn(|| queued.try_recv().ok()).collect::<Vec<Key>>();

        control.send(Message::Begin(Box::new(day))).await.map_err(|_| anyhow::anyhow!("the thread ended"))?;
        // People at the event come back to the app, open their people to meet, the first person
        // on it a few seconds later, then the event's counters.
        for present in 0..60u128 {
            send(base_ms + present as i64 * 1_000, present, Op::Change(Change::CheckIn(e)), None).await?;
        }
        let mut at = base_ms + 20 * 60_000;
        for present in 0..60u128 {
            let first = 1_000 + present;
            send(at, present, Op::Connect, None).await?;
            send(at + 500, present, get(Key::Suggestions(own(present), e)), Some(Box::new([first, 7]))).await?;
            send(at + 3_500, present, get(Key::Profile(own(first))), None).await?;
            send(at + 8_000, present, get(Key::AttendeeCount(e)), None).await?;
            at += 10_000;
        }
        assert!(look(at).await?.is_some(), "a tick is answered once the day has begun");
        drain();

        let newcomer = 500;
        let first = 2_000;
        send(at, newcomer, Op::Change(Change::CheckIn(e)), None).await?;
        at += 15 * 60_000;
        send(at, newcomer, Op::Connect, None).await?;
        let answered = look(at).await?.expect("an answer");
        assert!(answered.threshold > 0.0);
        assert_eq!(drain(), vec![Key::Suggestions(own(newcomer), e)], "the connect queues the first screen");
        send(at + 500, newcomer, get(Key::Suggestions(own(newcomer), e)), Some(Box::new([first, 7]))).await?;
        look(at + 500).await?;
        assert_eq!(drain(), vec![Key::Profile(own(first))], "a read queues the next screen, from the list it showed");
        send(at + 3_500, newcomer, get(Key::Profile(own(first))), None).await?;
        look(at + 3_500).await?;
        assert_eq!(drain(), vec![Key::AttendeeCount(e)]);

        assert!(cache.log().busy_seconds() > 0.0, "the thread's time is counted");
        drop(Stopping { stopped, control: control.clone() });
        thread.join().map_err(|_| anyhow::anyhow!("the thread panicked"))?;
        Ok(())
    }
}
