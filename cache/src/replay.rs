//! Replays a trace against one policy at one byte budget, and reports what it cost.
//!
//! The replay plays the server: it owns the source of truth (an [`Origin`] that knows every key's
//! current version and builds its value), serves each read from the policy or, on a miss, loads
//! and fills, and applies each write by bumping the version and invalidating. For the predictive
//! policies it runs a tick every `tick_ms` of trace time, before the reads of that tick: the
//! predictor, which has seen the log up to the tick and nothing after it, ranks keys, and the
//! prefetcher loads the best of them. A prefetch costs one load, as a miss does; the report keeps
//! the two apart.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::catalog::{Catalog, NodeCatalog, ScheduledEvent};
use crate::density::Density;
use crate::key::{EventId, Key, KeyKind, Payload, PersonId, QueryId, Versioned};
use crate::log::{Item, Op};
use crate::predict::{Predictor, PredictorConfig, Rule};
use crate::prefetch::{PrefetchConfig, Prefetcher};
use crate::tier::{weight_of, CachePolicy, Lru, NoCache, Stats, Tier};
use crate::trace::{Trace, World, MINUTE_MS};

/// The policies the replay compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    /// Every read goes to the database.
    NoCache,
    /// Least recently used.
    Lru,
    /// moka's TinyLFU ([`Tier`] without prefetching).
    TinyLfu,
    /// [`Tier`] with the predictor and the prefetcher.
    Predictive,
    /// [`Lru`] with the predictor and the prefetcher: how much of the gain is the prediction and
    /// how much the policy under it.
    LruPredictive,
    /// [`Density`]: eviction by learned hit density per byte, no admission filter.
    Density,
    /// [`Density`] with the predictor and the prefetcher.
    DensityPredictive,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 7] = [
        PolicyKind::NoCache,
        PolicyKind::Lru,
        PolicyKind::TinyLfu,
        PolicyKind::Predictive,
        PolicyKind::LruPredictive,
        PolicyKind::Density,
        PolicyKind::DensityPredictive,
    ];

    /// What a server node runs, and what the target is measured on.
    pub const NODE: PolicyKind = PolicyKind::DensityPredictive;

    pub fn label(self) -> &'static str {
        match self {
            PolicyKind::NoCache => "no cache",
            PolicyKind::Lru => "LRU",
            PolicyKind::TinyLfu => "moka TinyLFU",
            PolicyKind::Predictive => "moka TinyLFU + predictive",
            PolicyKind::LruPredictive => "LRU + predictive",
            PolicyKind::Density => "hit density",
            PolicyKind::DensityPredictive => "hit density + predictive",
        }
    }

    pub fn prefetches(self) -> bool {
        matches!(self, PolicyKind::Predictive | PolicyKind::LruPredictive | PolicyKind::DensityPredictive)
    }
}

/// How to run one replay.
#[derive(Clone, Debug, PartialEq)]
pub struct ReplaySettings {
    pub budget_bytes: u64,
    /// Trace time between two prefetch ticks.
    pub tick_ms: u64,
    /// The share of the budget moka's predictive tier keeps for prefetched values (see [`Tier`]).
    pub staging_share: f64,
    /// Whether a write that invalidates a shared key reloads it at once when the refresh rule
    /// expects a read within the horizon, instead of waiting for the next tick. Such loads share
    /// the tick's budget.
    pub refresh_on_write: bool,
    /// Which steps of a session ask the session rule about that person at once, instead of
    /// waiting for the next tick. Such loads share the tick's budget.
    pub ask_after: Steps,
    /// Whether the predictor knows only what a server node knows ([`NodeCatalog`]: the calendar,
    /// its events' organizers, and each list once it has been read), rather than the trace's
    /// whole world (every list from the start, and who hears of each publication).
    pub node_view: bool,
    pub predictor: PredictorConfig,
    pub prefetch: PrefetchConfig,
}

impl ReplaySettings {
    /// The settings the benchmark reports with, at `budget_bytes`.
    pub fn new(budget_bytes: u64) -> Self {
        ReplaySettings {
            budget_bytes,
            tick_ms: 10_000,
            staging_share: 0.2,
            refresh_on_write: true,
            ask_after: Steps::Every,
            node_view: true,
            predictor: PredictorConfig::default(),
            prefetch: PrefetchConfig::default(),
        }
    }
}

/// The world as the predictor sees it: all of the trace's world, or what a server node knows.
enum View<'a> {
    World(&'a World),
    Node(Box<NodeCatalog>),
}

impl<'a> View<'a> {
    fn new(world: &'a World, node: bool) -> Self {
        if !node {
            return View::World(world);
        }
        let calendar = world.calendar().to_vec();
        let organizers = calendar.iter().filter_map(|e| Some((e.id, world.organizer(e.id)?))).collect();
        View::Node(Box::new(NodeCatalog::new(calendar, organizers)))
    }

    /// What a node learns from a read before the predictor takes it: the list it served.
    fn learn(predictor: &mut Predictor<View<'a>>, world: &World, item: &Item) {
        let View::Node(catalog) = predictor.catalog_mut() else { return };
        let Op::Get { key, .. } = item.op else { return };
        let items: Vec<u128> = match key {
            Key::Recommendations(person) => world.recommendations(person).iter().map(|e| e.0).collect(),
            Key::Suggestions(person, event) => world.suggestions(person, event).iter().map(|p| p.0).collect(),
            Key::SearchPage(query, page) => world.search_results(query, page).iter().map(|e| e.0).collect(),
            Key::EventPage(_) | Key::AttendeeCount(_) | Key::Profile(_) => return,
        };
        catalog.served(key, &items);
    }

    fn catalog(&self) -> &dyn Catalog {
        match self {
            View::World(world) => *world,
            View::Node(node) => &**node,
        }
    }
}

impl Catalog for View<'_> {
    fn calendar(&self) -> &[ScheduledEvent] {
        self.catalog().calendar()
    }
    fn recommendations(&self, person: PersonId) -> &[EventId] {
        self.catalog().recommendations(person)
    }
    fn suggestions(&self, person: PersonId, event: EventId) -> &[PersonId] {
        self.catalog().suggestions(person, event)
    }
    fn search_results(&self, query: QueryId, page: u8) -> &[EventId] {
        self.catalog().search_results(query, page)
    }
    fn organizer(&self, event: EventId) -> Option<PersonId> {
        self.catalog().organizer(event)
    }
    fn audience(&self, event: EventId) -> &[PersonId] {
        self.catalog().audience(event)
    }
}

/// The steps of a session after which the replay asks the session rule what that person opens
/// next, as a server node's forecast does for every line of its request log.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Steps {
    /// None: the tick alone predicts.
    None,
    /// An app's connection: its first screen comes 0.2 to 1.5 s later, before the next tick.
    Connect,
    /// A connection and every read: the next screen comes some 14 s after the last (the median),
    /// so the tick misses many second and third screens as it misses first ones.
    Every,
}

impl Steps {
    /// Whether a line with `op` asks.
    pub fn includes(self, op: &Op) -> bool {
        match self {
            Steps::None => false,
            Steps::Connect => matches!(op, Op::Connect),
            Steps::Every => matches!(op, Op::Connect | Op::Get { .. }),
        }
    }
}

/// Reads and hits, overall and per kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub requests: u64,
    pub hits: u64,
    pub by_kind: [(u64, u64); 6],
}

impl Tally {
    fn count(&mut self, kind: KeyKind, hit: bool) {
        self.requests += 1;
        self.by_kind[kind.index()].0 += 1;
        if hit {
            self.hits += 1;
            self.by_kind[kind.index()].1 += 1;
        }
    }

    pub fn hit_rate(&self) -> f64 {
        ratio(self.hits, self.requests)
    }

    /// Hit rate of one kind of key.
    pub fn hit_rate_of(&self, kind: KeyKind) -> f64 {
        let (requests, hits) = self.by_kind[kind.index()];
        ratio(hits, requests)
    }

    pub fn requests_of(&self, kind: KeyKind) -> u64 {
        self.by_kind[kind.index()].0
    }
}

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// What one replay measured.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub policy: PolicyKind,
    pub budget_bytes: u64,
    pub overall: Tally,
    /// Reads in the event-day windows only.
    pub event_day: Tally,
    /// Database loads for reads that missed.
    pub miss_loads: u64,
    /// Database loads made by the prefetcher.
    pub prefetch_loads: u64,
    pub prefetch_bytes: u64,
    /// Prefetched values read at least once.
    pub prefetch_used: u64,
    /// Prefetched values that left the cache unread.
    pub prefetch_wasted: u64,
    /// Per rule of the predictor: prefetch loads it proposed, and how many were read.
    pub by_rule: [(u64, u64); 4],
    /// Of the prefetch loads, those made right after a write (see
    /// [`ReplaySettings::refresh_on_write`]).
    pub write_refreshes: u64,
    /// Ticks at which the prefetcher was paused by poor precision.
    pub paused_ticks: u64,
    /// Hits that served a value older than the origin's: must be zero.
    pub stale_hits: u64,
    /// The most bytes the policy held at any point.
    pub peak_bytes: u64,
    pub policy_stats: Stats,
    /// Wall time of the whole replay, and of that the time spent predicting.
    pub elapsed: Duration,
    pub predicting: Duration,
    /// Of the time predicting, the ticks' (ranking every key the predictor can name), and how
    /// many ticks there were; the rest is learning from each line and asking after connects and
    /// reads.
    pub predicting_ticks: Duration,
    pub ticks: u64,
}

impl Report {
    /// Prefetched values read, over prefetch loads.
    pub fn prefetch_precision(&self) -> f64 {
        ratio(self.prefetch_used, self.prefetch_loads)
    }

    /// All database loads: misses and prefetches.
    pub fn total_loads(&self) -> u64 {
        self.miss_loads + self.prefetch_loads
    }
}

/// The source of truth: every key's current version, and values of the right size.
pub struct Origin<'a> {
    world: &'a World,
    versions: HashMap<Key, u64>,
    /// One shared buffer per size: only a value's length matters to a cache's budget.
    payloads: HashMap<u32, Payload>,
}

impl<'a> Origin<'a> {
    pub fn new(world: &'a World) -> Self {
        Origin { world, versions: HashMap::new(), payloads: HashMap::new() }
    }

    pub fn version(&self, key: &Key) -> u64 {
        self.versions.get(key).copied().unwrap_or(0)
    }

    /// Applies a write to `key`; answers the new version.
    pub fn write(&mut self, key: Key) -> u64 {
        let version = self.versions.entry(key).or_insert(0);
        *version += 1;
        *version
    }

    /// Builds the current value of `key`.
    pub fn load(&mut self, key: &Key) -> Versioned<Payload> {
        let bytes = self.world.value_bytes(key);
        let payload = self.payloads.entry(bytes).or_insert_with(|| Arc::from(vec![0u8; bytes as usize])).clone();
        Versioned::new(self.version(key), payload)
    }
}

fn build(policy: PolicyKind, settings: &ReplaySettings) -> Box<dyn CachePolicy> {
    match policy {
        PolicyKind::NoCache => Box::new(NoCache::new()),
        PolicyKind::Lru | PolicyKind::LruPredictive => Box::new(Lru::new(settings.budget_bytes)),
        PolicyKind::TinyLfu => Box::new(Tier::new(settings.budget_bytes, 0.0)),
        PolicyKind::Predictive => Box::new(Tier::new(settings.budget_bytes, settings.staging_share)),
        PolicyKind::Density | PolicyKind::DensityPredictive => Box::new(Density::new(settings.budget_bytes)),
    }
}

/// Replays `trace` against `policy` with `settings`.
pub fn replay(trace: &Trace, policy: PolicyKind, settings: &ReplaySettings) -> Report {
    replay_watched(trace, policy, settings, &mut |_, _| {})
}

/// [`replay`], telling `on_prefetch` the moment and key of every prefetch load.
pub fn replay_watched(
    trace: &Trace,
    policy: PolicyKind,
    settings: &ReplaySettings,
    on_prefetch: &mut dyn FnMut(u64, Key),
) -> Report {
    let started = Instant::now();
    let cache = build(policy, settings);
    let mut origin = Origin::new(&trace.world);
    let mut predictor = policy
        .prefetches()
        .then(|| Predictor::new(View::new(&trace.world, settings.node_view), settings.predictor.clone()));
    let mut prefetcher = Prefetcher::new(settings.prefetch.clone());
    let mut report = Report {
        policy,
        budget_bytes: settings.budget_bytes,
        overall: Tally::default(),
        event_day: Tally::default(),
        miss_loads: 0,
        prefetch_loads: 0,
        prefetch_bytes: 0,
        prefetch_used: 0,
        prefetch_wasted: 0,
        by_rule: [(0, 0); 4],
        write_refreshes: 0,
        paused_ticks: 0,
        stale_hits: 0,
        peak_bytes: 0,
        policy_stats: Stats::default(),
        elapsed: Duration::ZERO,
        predicting: Duration::ZERO,
        predicting_ticks: Duration::ZERO,
        ticks: 0,
    };
    let tick_ms = settings.tick_ms.max(1);
    let mut next_tick = 0;
    // Prefetch loads since the last tick, against the tick's budget.
    let mut tick_loads = 0;
    // Which rule proposed each prefetched key, to credit the rule when the key is read.
    let mut proposed_by: HashMap<Key, Rule> = HashMap::new();
    for item in &trace.items {
        while let Some(predictor) = predictor.as_mut().filter(|_| item.at_ms >= next_tick) {
            let stats = cache.stats();
            prefetcher.record_outcomes(stats.prefetch_used, stats.prefetch_wasted);
            if prefetcher.is_paused() {
                report.paused_ticks += 1;
            }
            let predicting = Instant::now();
            let predictions = predictor.predict(next_tick, prefetcher.config().horizon_ms, prefetcher.threshold());
            report.predicting += predicting.elapsed();
            report.predicting_ticks += predicting.elapsed();
            report.ticks += 1;
            let chosen = prefetcher.choose(&predictions, |k| cache.contains(k));
            tick_loads = chosen.len();
            let rules: HashMap<Key, Rule> = predictions.iter().map(|p| (p.key, p.rule)).collect();
            for key in chosen {
                on_prefetch(next_tick, key);
                let rule = rules.get(&key).copied().unwrap_or(Rule::Session);
                load_ahead(cache.as_ref(), key, rule, &mut report, &mut origin, &mut proposed_by);
            }
            next_tick += tick_ms;
        }
        match item.op {
            Op::Connect => {}
            Op::Get { key, .. } => {
                let used_before = cache.stats().prefetch_used;
                let hit = match cache.get(&key) {
                    Some(value) => {
                        if cache.stats().prefetch_used > used_before {
                            if let Some(rule) = proposed_by.remove(&key) {
                                report.by_rule[rule.index()].1 += 1;
                            }
                        }
                        if value.version != origin.version(&key) {
                            report.stale_hits += 1;
                        }
                        // A first read of a staged prefetch moves it into moka's main space.
                        cache.run_maintenance();
                        true
                    }
                    None => {
                        report.miss_loads += 1;
                        let value = origin.load(&key);
                        cache.put(key, value);
                        cache.run_maintenance();
                        report.peak_bytes = report.peak_bytes.max(cache.weighted_bytes());
                        false
                    }
                };
                report.overall.count(key.kind(), hit);
                if trace.is_event_day(item.at_ms) {
                    report.event_day.count(key.kind(), hit);
                }
            }
            Op::Change(change) => {
                if let Some(key) = change.invalidates(item.person) {
                    let version = origin.write(key);
                    cache.invalidate(&key, version);
                    cache.run_maintenance();
                    let refresh = predictor.as_ref().filter(|_| {
                        settings.refresh_on_write
                            && key.kind().is_shared()
                            && tick_loads < prefetcher.config().max_loads_per_tick
                            && !prefetcher.is_paused()
                    });
                    if let Some(predictor) = refresh {
                        let chance = predictor.refresh_chance(&key, item.at_ms, prefetcher.config().horizon_ms);
                        if chance >= prefetcher.threshold() {
                            tick_loads += 1;
                            report.write_refreshes += 1;
                            on_prefetch(item.at_ms, key);
                            load_ahead(cache.as_ref(), key, Rule::Refresh, &mut report, &mut origin, &mut proposed_by);
                        }
                    }
                }
            }
        }
        if let Some(predictor) = predictor.as_mut() {
            let predicting = Instant::now();
            View::learn(predictor, &trace.world, item);
            predictor.observe(item);
            let asked = settings.ask_after.includes(&item.op)
                && tick_loads < prefetcher.config().max_loads_per_tick
                && !prefetcher.is_paused();
            let predictions = if asked {
                predictor.predict_session(
                    item.person,
                    item.at_ms,
                    prefetcher.config().horizon_ms,
                    prefetcher.threshold(),
                )
            } else {
                Vec::new()
            };
            report.predicting += predicting.elapsed();
            for key in prefetcher.choose(&predictions, |k| cache.contains(k)) {
                if tick_loads >= prefetcher.config().max_loads_per_tick {
                    break;
                }
                tick_loads += 1;
                on_prefetch(item.at_ms, key);
                load_ahead(cache.as_ref(), key, Rule::Session, &mut report, &mut origin, &mut proposed_by);
            }
        }
    }
    cache.run_maintenance();
    let stats = cache.stats();
    report.prefetch_used = stats.prefetch_used;
    report.prefetch_wasted = stats.prefetch_wasted;
    report.policy_stats = stats;
    report.elapsed = started.elapsed();
    report
}

/// What the best eviction could do at `budget_bytes` without prefetching: Belady's rule, which
/// knows the future. On a miss the value is kept unless it will not be read again before a write
/// makes it stale, and while over budget the value read again last (or never) leaves first. With
/// values of different sizes this rule is a reference, not a proven optimum. It reads only what
/// the trace shows (every read's size, every write), and every value is charged as every policy
/// charges it ([`weight_of`]; no fences).
pub fn clairvoyant(trace: &Trace, budget_bytes: u64) -> (Tally, Tally) {
    const NEVER: usize = usize::MAX;
    // For every read, the index of the next read of its key that could be served by the value
    // it leaves behind: none when a write to the key comes first.
    let mut next_use = vec![NEVER; trace.items.len()];
    let mut upcoming: HashMap<Key, usize> = HashMap::new();
    for (i, item) in trace.items.iter().enumerate().rev() {
        match item.op {
            Op::Get { key, .. } => {
                next_use[i] = upcoming.get(&key).copied().unwrap_or(NEVER);
                upcoming.insert(key, i);
            }
            Op::Change(change) => {
                if let Some(key) = change.invalidates(item.person) {
                    upcoming.remove(&key);
                }
            }
            Op::Connect => {}
        }
    }
    let mut held: HashMap<Key, (usize, u64)> = HashMap::new();
    let mut by_next: std::collections::BTreeSet<(usize, Key)> = std::collections::BTreeSet::new();
    let mut bytes = 0u64;
    let (mut overall, mut event_day) = (Tally::default(), Tally::default());
    for (i, item) in trace.items.iter().enumerate() {
        match item.op {
            Op::Get { key, bytes: size } => {
                let hit = match held.get_mut(&key) {
                    Some((next, _)) => {
                        by_next.remove(&(*next, key));
                        *next = next_use[i];
                        by_next.insert((next_use[i], key));
                        true
                    }
                    None => {
                        if next_use[i] != NEVER {
                            let weight = u64::from(weight_of(size));
                            held.insert(key, (next_use[i], weight));
                            by_next.insert((next_use[i], key));
                            bytes += weight;
                        }
                        false
                    }
                };
                // The value read again last leaves first; with every slot taken by one read
                // sooner, that may be the value just kept.
                while bytes > budget_bytes {
                    let Some((_, gone)) = by_next.pop_last() else { break };
                    if let Some((_, weight)) = held.remove(&gone) {
                        bytes -= weight;
                    }
                }
                overall.count(key.kind(), hit);
                if trace.is_event_day(item.at_ms) {
                    event_day.count(key.kind(), hit);
                }
            }
            Op::Change(change) => {
                if let Some(key) = change.invalidates(item.person) {
                    if let Some((next, weight)) = held.remove(&key) {
                        by_next.remove(&(next, key));
                        bytes -= weight;
                    }
                }
            }
            Op::Connect => {}
        }
    }
    (overall, event_day)
}

/// Loads `key` and puts it in `cache` as a prefetch proposed by `rule`.
fn load_ahead(
    cache: &dyn CachePolicy,
    key: Key,
    rule: Rule,
    report: &mut Report,
    origin: &mut Origin<'_>,
    proposed_by: &mut HashMap<Key, Rule>,
) {
    let value = origin.load(&key);
    report.prefetch_loads += 1;
    report.prefetch_bytes += value.value.len() as u64;
    report.by_rule[rule.index()].0 += 1;
    if cache.prefetch_put(key, value) {
        proposed_by.insert(key, rule);
    }
    cache.run_maintenance();
    report.peak_bytes = report.peak_bytes.max(cache.weighted_bytes());
}

/// How well the hot-set estimate matched one horizon.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HotSetAccuracy {
    pub horizon_ms: u64,
    pub samples: usize,
    /// Mean absolute percentage error of the distinct-key estimate.
    pub distinct_mape: f64,
    /// The same for the request count.
    pub requests_mape: f64,
    /// The same for the bytes of the distinct values.
    pub bytes_mape: f64,
    /// The distinct-key and request errors over samples taken inside the event-day windows.
    pub event_day_distinct_mape: f64,
    pub event_day_requests_mape: f64,
    pub mean_actual_distinct: f64,
    pub mean_predicted_distinct: f64,
}

/// One comparison of a hot-set estimate with what came.
#[derive(Clone, Copy, Debug)]
struct HotSetSample {
    distinct_error: f64,
    requests_error: f64,
    bytes_error: f64,
    event_day: bool,
    actual_distinct: f64,
    predicted_distinct: f64,
}

/// Runs the predictor alone over `trace` and, every `every_ms` from `from_ms` until `to_ms`,
/// compares its hot-set estimate for each horizon with the distinct keys and requests that came.
/// `node_view` as in [`ReplaySettings::node_view`].
pub fn hot_set_accuracy(
    trace: &Trace,
    config: &PredictorConfig,
    node_view: bool,
    horizons_ms: &[u64],
    from_ms: u64,
    to_ms: u64,
    every_ms: u64,
) -> Vec<HotSetAccuracy> {
    let mut predictor = Predictor::new(View::new(&trace.world, node_view), config.clone());
    let reads: Vec<(u64, Key, u32)> = trace
        .items
        .iter()
        .filter_map(|i| match i.op {
            Op::Get { key, bytes } => Some((i.at_ms, key, bytes)),
            Op::Connect | Op::Change(_) => None,
        })
        .collect();
    let mut errors: Vec<Vec<HotSetSample>> = vec![Vec::new(); horizons_ms.len()];
    let mut items = trace.items.iter().peekable();
    let mut at = from_ms;
    while at < to_ms {
        while let Some(item) = items.next_if(|item| item.at_ms < at) {
            View::learn(&mut predictor, &trace.world, item);
            predictor.observe(item);
        }
        predictor.advance(at);
        for (h, &horizon) in horizons_ms.iter().enumerate() {
            let estimate = predictor.hot_set(at, horizon);
            let first = reads.partition_point(|&(t, _, _)| t < at);
            let last = reads.partition_point(|&(t, _, _)| t < at + horizon);
            let window = &reads[first..last];
            let mut seen: HashSet<Key> = HashSet::new();
            let bytes: f64 = window.iter().filter(|r| seen.insert(r.1)).map(|r| f64::from(r.2)).sum();
            let distinct = seen.len() as f64;
            let requests = window.len() as f64;
            if distinct > 0.0 {
                errors[h].push(HotSetSample {
                    distinct_error: (estimate.distinct_keys - distinct).abs() / distinct,
                    requests_error: (estimate.requests - requests).abs() / requests,
                    bytes_error: (estimate.bytes - bytes).abs() / bytes,
                    event_day: trace.is_event_day(at),
                    actual_distinct: distinct,
                    predicted_distinct: estimate.distinct_keys,
                });
            }
        }
        at += every_ms;
    }
    horizons_ms
        .iter()
        .zip(errors)
        .map(|(&horizon_ms, samples)| {
            let mean = |samples: &[&HotSetSample], of: fn(&HotSetSample) -> f64| {
                if samples.is_empty() {
                    0.0
                } else {
                    samples.iter().map(|s| of(s)).sum::<f64>() / samples.len() as f64
                }
            };
            let all: Vec<&HotSetSample> = samples.iter().collect();
            let event_day: Vec<&HotSetSample> = samples.iter().filter(|s| s.event_day).collect();
            HotSetAccuracy {
                horizon_ms,
                samples: samples.len(),
                distinct_mape: mean(&all, |s| s.distinct_error),
                requests_mape: mean(&all, |s| s.requests_error),
                bytes_mape: mean(&all, |s| s.bytes_error),
                event_day_distinct_mape: mean(&event_day, |s| s.distinct_error),
                event_day_requests_mape: mean(&event_day, |s| s.requests_error),
                mean_actual_distinct: mean(&all, |s| s.actual_distinct),
                mean_predicted_distinct: mean(&all, |s| s.predicted_distinct),
            }
        })
        .collect()
}

/// The hot-set horizons the issue asks for.
pub const HOT_SET_HORIZONS_MS: [u64; 2] = [15 * MINUTE_MS, 60 * MINUTE_MS];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::TraceConfig;

    fn small_trace() -> Trace {
        Trace::generate(&TraceConfig::new(11, 500))
    }

    #[test]
    fn every_policy_serves_only_current_values_within_its_budget() {
        let trace = small_trace();
        let settings = ReplaySettings::new(512 * 1024);
        for policy in PolicyKind::ALL {
            let report = replay(&trace, policy, &settings);
            assert_eq!(report.stale_hits, 0, "{} served stale values", policy.label());
            assert!(report.peak_bytes <= settings.budget_bytes, "{} went over budget", policy.label());
            assert_eq!(report.overall.requests, report.overall.hits + report.miss_loads, "{}", policy.label());
            if !policy.prefetches() {
                assert_eq!(report.prefetch_loads, 0);
            }
        }
    }

    #[test]
    fn no_cache_never_hits_and_a_bigger_cache_hits_more() {
        let trace = small_trace();
        let none = replay(&trace, PolicyKind::NoCache, &ReplaySettings::new(1 << 20));
        assert_eq!(none.overall.hits, 0);
        let small = replay(&trace, PolicyKind::TinyLfu, &ReplaySettings::new(256 * 1024));
        let large = replay(&trace, PolicyKind::TinyLfu, &ReplaySettings::new(8 << 20));
        assert!(large.overall.hit_rate() > small.overall.hit_rate());
    }

    #[test]
    fn clairvoyant_eviction_bounds_the_policies_that_do_not_prefetch() {
        let trace = small_trace();
        for budget in [64 * 1024, 256 * 1024, 1 << 20] {
            let settings = ReplaySettings::new(budget);
            let (best, best_day) = clairvoyant(&trace, budget);
            assert_eq!(best.requests, replay(&trace, PolicyKind::NoCache, &settings).overall.requests);
            for policy in [PolicyKind::Lru, PolicyKind::TinyLfu] {
                let report = replay(&trace, policy, &settings);
                assert!(best.hits >= report.overall.hits, "{} beat it at {budget} bytes", policy.label());
                assert!(best_day.hits >= report.event_day.hits, "{} beat it at {budget} bytes", policy.label());
            }
        }
        // With room for everything it is the cache that never evicts.
        let unbounded = replay(&trace, PolicyKind::Lru, &ReplaySettings::new(1 << 40));
        assert_eq!(clairvoyant(&trace, 1 << 40).0, unbounded.overall);
    }

    #[test]
    fn prefetches_before_a_moment_ignore_the_trace_after_it() {
        let settings = ReplaySettings::new(1 << 20);
        let cut = 14 * crate::trace::HOUR_MS;
        let prefetches = |trace: &Trace| {
            let mut seen = Vec::new();
            replay_watched(trace, PolicyKind::Predictive, &settings, &mut |at, key| seen.push((at, key)));
            seen.retain(|&(at, _)| at < cut);
            seen
        };
        let whole = small_trace();
        // The afternoon is replaced by a different day's afternoon.
        let mut altered = small_trace();
        let other = Trace::generate(&TraceConfig::new(12, 500));
        altered.items.retain(|i| i.at_ms < cut);
        altered.items.extend(other.items.iter().filter(|i| i.at_ms >= cut).copied());
        let before = prefetches(&whole);
        assert!(!before.is_empty());
        assert_eq!(before, prefetches(&altered));
    }

    #[test]
    fn a_replay_is_reproducible() {
        let trace = small_trace();
        let settings = ReplaySettings::new(1 << 20);
        let a = replay(&trace, PolicyKind::Predictive, &settings);
        let b = replay(&trace, PolicyKind::Predictive, &settings);
        assert_eq!(
            (a.overall, a.event_day, a.prefetch_loads, a.prefetch_used),
            (b.overall, b.event_day, b.prefetch_loads, b.prefetch_used)
        );
    }
}
