//! A seeded, realistic day of Mingle traffic to replay against cache policies.
//!
//! The generator builds a world (people with interest tags and heavy-tailed popularity, organizers
//! and their followers, a calendar of events for the day and beyond, search queries) and then lets
//! people behave: ordinary app sessions spread over the day, and on top of them what events cause
//! (attendees look the event up before they go, check in in waves at the doors, open the live room
//! and "people to meet", react to announcements; a newly published event is opened by its
//! audience, and one such event goes viral around midday). Writes (RSVPs, check-ins, edits) are
//! part of the trace, so invalidation is exercised.
//!
//! Behaviour is stochastic on purpose and is never written in the predictor's terms: each person
//! has their own habits (how deep they browse, how much they search, how fast they read), clicks
//! depend on position and on taste, some attendees never show up or never open the app, people
//! jump to unrelated pages, and the apps keep a screen for a minute before they ask the server
//! again. The predictor has to learn what it uses from the requests that went before.

use std::collections::{HashMap, HashSet};

use rand::distributions::{Distribution as _, WeightedIndex};
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;

use crate::catalog::{Catalog, ScheduledEvent};
use crate::key::{EventId, Key, KeyKind, PersonId, QueryId};
use crate::log::{Change, Item, Op};

pub const SECOND_MS: u64 = 1_000;
pub const MINUTE_MS: u64 = 60 * SECOND_MS;
pub const HOUR_MS: u64 = 60 * MINUTE_MS;
pub const DAY_MS: u64 = 24 * HOUR_MS;

/// Interest tags in the world, most popular first.
const TAGS: usize = 24;
const RECOMMENDATIONS_LEN: usize = 12;
const SUGGESTIONS_LEN: usize = 12;
const RESULTS_PER_PAGE: usize = 10;
const MAX_RESULTS: usize = 40;
/// How long the apps keep a fetched screen before asking the server again (RTK Query's default).
const CLIENT_KEEP_MS: u64 = 60 * SECOND_MS;
/// The server republishes an event's counters at most this often, however many seats change.
const COUNTERS_EVERY_MS: u64 = 10 * SECOND_MS;
/// Screens one session shows at most.
const MAX_SCREENS: usize = 40;
/// Session starts per hour of the day, relative (quiet nights, a lunch and an evening peak).
const HOURLY: [f64; 24] = [
    0.2, 0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 0.7, 1.0, 0.9, 0.8, 0.9, 1.2, 1.1, 0.8, 0.8, 0.9, 1.0, 1.2, 1.4, 1.5, 1.3,
    0.9, 0.5,
];
/// The day's big events: share of the population attending, start hour, length in hours.
const BIG_EVENTS: [(f64, f64, f64); 4] = [(0.30, 10.0, 3.0), (0.14, 13.5, 2.0), (0.40, 18.0, 3.0), (0.22, 20.5, 2.5)];
/// When the viral event is published.
const VIRAL_AT_MS: u64 = 12 * HOUR_MS + 40 * MINUTE_MS;
/// Ordinary events published during the day, besides the viral one.
const REGULAR_PUBLISHES: usize = 6;

/// How big a trace to make.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TraceConfig {
    pub seed: u64,
    pub people: usize,
    /// Small events happening today (the four big ones come on top).
    pub small_events: usize,
    /// Events on later days, which appear in lists and searches.
    pub future_events: usize,
    pub queries: usize,
}

impl TraceConfig {
    /// The default shape for `people`, with event and query counts scaled to it (110 small events,
    /// 300 future events and 150 queries for 5,000 people).
    pub fn new(seed: u64, people: usize) -> Self {
        let people = people.max(50);
        let scaled = |n: f64, floor: usize| ((n * people as f64 / 5_000.0).round() as usize).max(floor);
        TraceConfig {
            seed,
            people,
            small_events: scaled(110.0, 8),
            future_events: scaled(300.0, 20),
            queries: scaled(150.0, TAGS),
        }
    }
}

/// A stretch of the day around a big event's doors opening: the "event-day" part of the trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub event: EventId,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// A generated day.
#[derive(Debug)]
pub struct Trace {
    pub config: TraceConfig,
    pub world: World,
    /// In time order.
    pub items: Vec<Item>,
    pub event_day: Vec<Window>,
    pub end_ms: u64,
}

/// Counts that describe a trace, for choosing budgets and for reports.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TraceSummary {
    pub requests: usize,
    pub event_day_requests: usize,
    pub sessions: usize,
    pub changes: usize,
    pub distinct_keys: usize,
    /// The bytes of every distinct value requested in the day.
    pub distinct_bytes: u64,
    /// The most bytes of distinct values requested within one 15-minute stretch.
    pub peak_15_min_bytes: u64,
    /// The same, for one hour.
    pub peak_hour_bytes: u64,
}

impl Trace {
    /// Generates the day `config` describes. The same config always gives the same trace.
    pub fn generate(config: &TraceConfig) -> Trace {
        Day::new(config).run()
    }

    /// Whether a moment falls in the event-day part of the trace.
    pub fn is_event_day(&self, at_ms: u64) -> bool {
        self.event_day.iter().any(|w| (w.start_ms..w.end_ms).contains(&at_ms))
    }

    pub fn summary(&self) -> TraceSummary {
        let mut sizes: HashMap<Key, u32> = HashMap::new();
        let (mut requests, mut event_day_requests, mut sessions, mut changes) = (0, 0, 0, 0);
        for item in &self.items {
            match item.op {
                Op::Connect => sessions += 1,
                Op::Change(_) => changes += 1,
                Op::Get { key, bytes } => {
                    requests += 1;
                    if self.is_event_day(item.at_ms) {
                        event_day_requests += 1;
                    }
                    sizes.insert(key, bytes);
                }
            }
        }
        TraceSummary {
            requests,
            event_day_requests,
            sessions,
            changes,
            distinct_keys: sizes.len(),
            distinct_bytes: sizes.values().map(|&b| u64::from(b)).sum(),
            peak_15_min_bytes: self.peak_distinct_bytes(15 * MINUTE_MS),
            peak_hour_bytes: self.peak_distinct_bytes(HOUR_MS),
        }
    }

    /// The most bytes of distinct values requested in any aligned stretch of `span_ms`.
    fn peak_distinct_bytes(&self, span_ms: u64) -> u64 {
        let mut peak = 0;
        let mut bucket = u64::MAX;
        let mut seen: HashSet<Key> = HashSet::new();
        let mut bytes_in_bucket = 0u64;
        for item in &self.items {
            let Op::Get { key, bytes } = item.op else { continue };
            if item.at_ms / span_ms != bucket {
                bucket = item.at_ms / span_ms;
                seen.clear();
                bytes_in_bucket = 0;
            }
            if seen.insert(key) {
                bytes_in_bucket += u64::from(bytes);
                peak = peak.max(bytes_in_bucket);
            }
        }
        peak
    }
}

/// The world of a trace as the server knows it at midnight: the calendar, the lists it serves,
/// and the size of every value.
#[derive(Debug)]
pub struct World {
    seed: u64,
    calendar: Vec<ScheduledEvent>,
    recommendations: Vec<Vec<EventId>>,
    suggestions: HashMap<(PersonId, EventId), Vec<PersonId>>,
    results: Vec<Vec<EventId>>,
    organizers: Vec<PersonId>,
    audiences: HashMap<EventId, Vec<PersonId>>,
}

impl World {
    /// The size in bytes of the serialized value under `key`: event pages about 2 KB, counters a
    /// hundred bytes, profiles about 1 KB, lists 2 to 8 KB.
    pub fn value_bytes(&self, key: &Key) -> u32 {
        let (a, b) = match *key {
            Key::EventPage(e) | Key::AttendeeCount(e) => (e.0 as u64, 0),
            Key::Profile(p) | Key::Recommendations(p) => (p.0 as u64, 0),
            Key::Suggestions(p, e) => (p.0 as u64, e.0 as u64),
            Key::SearchPage(q, page) => (q.0, u64::from(page)),
        };
        let kind = key.kind().index() as u64;
        let h = mix(self.seed ^ mix(a.wrapping_mul(31).wrapping_add(kind)) ^ mix(b.wrapping_add(0x9e37)));
        let (low, high) = match key.kind() {
            KeyKind::EventPage => (1_500, 3_000),
            KeyKind::AttendeeCount => (80, 120),
            KeyKind::Profile => (600, 1_600),
            KeyKind::Recommendations => (3_000, 8_000),
            KeyKind::Suggestions => (2_000, 7_000),
            KeyKind::SearchPage => (2_500, 6_000),
        };
        low + (h % (high - low + 1) as u64) as u32
    }
}

impl Catalog for World {
    fn calendar(&self) -> &[ScheduledEvent] {
        &self.calendar
    }

    fn recommendations(&self, person: PersonId) -> &[EventId] {
        index(person.0).and_then(|i| self.recommendations.get(i)).map_or(&[], Vec::as_slice)
    }

    fn suggestions(&self, person: PersonId, event: EventId) -> &[PersonId] {
        self.suggestions.get(&(person, event)).map_or(&[], Vec::as_slice)
    }

    fn search_results(&self, query: QueryId, page: u8) -> &[EventId] {
        let Some(all) = usize::try_from(query.0).ok().and_then(|q| self.results.get(q)) else { return &[] };
        let from = (usize::from(page) * RESULTS_PER_PAGE).min(all.len());
        let to = (from + RESULTS_PER_PAGE).min(all.len());
        &all[from..to]
    }

    fn organizer(&self, event: EventId) -> Option<PersonId> {
        index(event.0).and_then(|i| self.organizers.get(i)).copied()
    }

    fn audience(&self, event: EventId) -> &[PersonId] {
        self.audiences.get(&event).map_or(&[], Vec::as_slice)
    }
}

fn index(id: u128) -> Option<usize> {
    usize::try_from(id).ok()
}

fn person(i: usize) -> PersonId {
    PersonId(i as u128)
}

fn event(i: usize) -> EventId {
    EventId(i as u128)
}

/// SplitMix64's finalizer: a cheap, well-mixed hash of a number.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A person's own way of using the app, drawn once. Every factor multiplies the base weights of
/// the browsing model, so two people on the same screen do different things.
#[derive(Clone, Copy, Debug)]
struct Habit {
    /// Keeps browsing rather than closing the app.
    depth: f64,
    searches: f64,
    profiles: f64,
    /// Reading time, as a multiple of the median.
    pace: f64,
    /// Turns up to what they RSVPed to.
    reliability: f64,
}

/// A person as the generator sees them, hidden from the predictor.
#[derive(Clone, Debug)]
struct Person {
    tags: Vec<usize>,
    activity: f64,
    peak_hour: f64,
    habit: Habit,
    /// Today's events this person RSVPed to before the day, by start.
    attending: Vec<usize>,
}

#[derive(Clone, Copy, Debug)]
struct Schedule {
    doors: u64,
    start: u64,
    end: u64,
    big: bool,
}

#[derive(Clone, Debug)]
struct EventSpec {
    tag: usize,
    organizer: usize,
    popularity: f64,
    schedule: Option<Schedule>,
    /// Set for events published during the day: they exist for nobody before.
    published_at: Option<u64>,
    attendees: Vec<usize>,
}

/// What a person looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    Home,
    /// The next event the person is going to, or Home if none.
    MyEvent,
    Event(usize),
    /// The live room: the event's counters.
    Live(usize),
    Suggestions(usize),
    Profile(usize),
    Search(usize, u8),
}

/// What a person does next.
#[derive(Clone, Copy, Debug)]
enum Move {
    Go(Screen),
    Back,
    Rsvp(usize),
    End,
}

/// The generator's state while it builds one day.
struct Day {
    config: TraceConfig,
    rng: ChaCha8Rng,
    people: Vec<Person>,
    profile_popularity: WeightedIndex<f64>,
    events: Vec<EventSpec>,
    event_popularity: WeightedIndex<f64>,
    /// Events a random jump may land on: those that exist before the day.
    listed_events: Vec<usize>,
    followers: Vec<Vec<usize>>,
    query_popularity: WeightedIndex<f64>,
    queries_by_tag: Vec<Vec<usize>>,
    world: World,
    items: Vec<Item>,
}

impl Day {
    fn new(config: &TraceConfig) -> Day {
        let mut rng = ChaCha8Rng::seed_from_u64(config.seed);
        let tag_weights: Vec<f64> = (0..TAGS).map(|t| 1.0 / (t as f64 + 1.0).powf(0.8)).collect();
        let tag_pick = WeightedIndex::new(&tag_weights).expect("tag weights are positive");
        let people = make_people(&mut rng, config.people, &tag_pick);

        // Profile popularity: a heavy tail over a random order; organizers are looked up more.
        let mut order: Vec<usize> = (0..config.people).collect();
        order.shuffle(&mut rng);
        let organizer_count = (config.people * 3 / 100).max(10);
        let organizers: Vec<usize> = order[..organizer_count].to_vec();
        let mut profile_weights = vec![0.0; config.people];
        for (rank, &p) in order.iter().enumerate() {
            profile_weights[p] = 1.0 / (rank as f64 + 1.0).powf(0.9);
        }
        for &o in &organizers {
            profile_weights[o] *= 4.0;
        }
        let profile_popularity = WeightedIndex::new(&profile_weights).expect("profile weights are positive");

        // Who follows whom: organizer popularity is heavy-tailed too.
        let organizer_weights: Vec<f64> = (0..organizer_count).map(|r| 1.0 / (r as f64 + 1.0)).collect();
        let organizer_pick = WeightedIndex::new(&organizer_weights).expect("organizer weights are positive");
        let mut followers = vec![Vec::new(); config.people];
        for p in 0..config.people {
            let mut followed = HashSet::new();
            for _ in 0..poisson(&mut rng, 2.5) {
                followed.insert(organizers[organizer_pick.sample(&mut rng)]);
            }
            let mut followed: Vec<usize> = followed.into_iter().collect();
            followed.sort_unstable();
            for o in followed {
                followers[o].push(p);
            }
        }

        let (events, attending) =
            make_events(&mut rng, config, &people, &organizers, &organizer_pick, &tag_pick, &followers);
        let mut people = people;
        for (p, events) in attending.into_iter().enumerate() {
            people[p].attending = events;
        }
        let listed_events: Vec<usize> = (0..events.len()).filter(|&e| events[e].published_at.is_none()).collect();
        let listed_weights: Vec<f64> = listed_events.iter().map(|&e| events[e].popularity).collect();
        let event_popularity = WeightedIndex::new(&listed_weights).expect("event popularity is positive");

        let query_weights: Vec<f64> = (0..config.queries).map(|q| 1.0 / (q as f64 + 1.0)).collect();
        let query_popularity = WeightedIndex::new(&query_weights).expect("query weights are positive");
        let query_tags: Vec<usize> =
            (0..config.queries).map(|q| if q < TAGS { q } else { tag_pick.sample(&mut rng) }).collect();
        let mut queries_by_tag = vec![Vec::new(); TAGS];
        for (q, &tag) in query_tags.iter().enumerate() {
            queries_by_tag[tag].push(q);
        }

        let mut day = Day {
            config: config.clone(),
            rng,
            people,
            profile_popularity,
            events,
            event_popularity,
            listed_events,
            followers,
            query_popularity,
            queries_by_tag,
            world: World {
                seed: config.seed,
                calendar: Vec::new(),
                recommendations: Vec::new(),
                suggestions: HashMap::new(),
                results: Vec::new(),
                organizers: Vec::new(),
                audiences: HashMap::new(),
            },
            items: Vec::new(),
        };
        day.build_world(&query_tags);
        day
    }

    /// Fills in what the server knows: calendar, lists, results, audiences.
    fn build_world(&mut self, query_tags: &[usize]) {
        let rng = &mut self.rng;
        let events = &self.events;
        let world = &mut self.world;
        world.organizers = events.iter().map(|e| person(e.organizer)).collect();
        world.calendar = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| {
                e.schedule.map(|s| ScheduledEvent {
                    id: event(i),
                    doors_ms: s.doors,
                    start_ms: s.start,
                    end_ms: s.end,
                    attendees: e.attendees.iter().map(|&p| person(p)).collect(),
                })
            })
            .collect();

        // Recommendations: taste, popularity and noise, over everything listed before the day.
        for p in &self.people {
            let mut scored: Vec<(f64, usize)> = self
                .listed_events
                .iter()
                .map(|&e| {
                    let taste = if p.tags.contains(&events[e].tag) { 2.0 } else { 0.0 };
                    let noise = normal(rng) * 0.6;
                    (taste + 0.35 * events[e].popularity.ln_1p() + noise, e)
                })
                .collect();
            scored.sort_by(|a, b| b.0.total_cmp(&a.0));
            world.recommendations.push(scored.iter().take(RECOMMENDATIONS_LEN).map(|&(_, e)| event(e)).collect());
        }

        // People to meet: other attendees, shared interests first, with noise.
        for (i, e) in events.iter().enumerate() {
            for &a in &e.attendees {
                let mut scored: Vec<(f64, usize)> = e
                    .attendees
                    .iter()
                    .filter(|&&b| b != a)
                    .map(|&b| {
                        let shared = self.people[b].tags.iter().filter(|t| self.people[a].tags.contains(t)).count();
                        let weight = 1.0 + 2.0 * shared as f64;
                        (rng.gen::<f64>().powf(1.0 / weight), b)
                    })
                    .collect();
                let keep = SUGGESTIONS_LEN.min(scored.len());
                if keep == 0 {
                    continue;
                }
                scored.select_nth_unstable_by(keep - 1, |x, y| y.0.total_cmp(&x.0));
                scored.truncate(keep);
                scored.sort_by(|x, y| y.0.total_cmp(&x.0));
                world.suggestions.insert((person(a), event(i)), scored.into_iter().map(|(_, b)| person(b)).collect());
            }
        }

        // Search: each query is about a tag and lists that tag's events, popular first.
        for &tag in query_tags {
            let mut hits: Vec<(f64, usize)> = self
                .listed_events
                .iter()
                .filter(|&&e| events[e].tag == tag)
                .map(|&e| (events[e].popularity * lognormal(rng, 1.0, 0.5), e))
                .collect();
            hits.sort_by(|a, b| b.0.total_cmp(&a.0));
            world.results.push(hits.iter().take(MAX_RESULTS).map(|&(_, e)| event(e)).collect());
        }

        // Audiences of the events published during the day.
        for (i, e) in events.iter().enumerate() {
            if e.published_at.is_none() {
                continue;
            }
            let mut audience: HashSet<usize> = self.followers[e.organizer].iter().copied().collect();
            audience.extend((0..self.people.len()).filter(|&p| self.people[p].tags.contains(&e.tag)));
            let mut audience: Vec<usize> = audience.into_iter().collect();
            audience.sort_unstable();
            world.audiences.insert(event(i), audience.into_iter().map(person).collect());
        }
    }

    fn run(mut self) -> Trace {
        self.ordinary_sessions();
        let arrivals = self.event_days();
        self.announcements(&arrivals);
        self.publishes();
        self.edits();
        self.items.retain(|item| item.at_ms < DAY_MS);
        self.items.sort_by_key(|item| item.at_ms);
        self.counters();
        let event_day = self
            .events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.schedule.filter(|s| s.big).map(|s| (i, s)))
            .map(|(i, s)| Window {
                event: event(i),
                start_ms: s.doors.saturating_sub(45 * MINUTE_MS),
                end_ms: s.doors + 75 * MINUTE_MS,
            })
            .collect();
        Trace { config: self.config, world: self.world, items: self.items, event_day, end_ms: DAY_MS }
    }

    /// Everyday use: a few sessions per person, around their own peak hour or the day's.
    fn ordinary_sessions(&mut self) {
        let hourly = WeightedIndex::new(HOURLY).expect("hourly weights are positive");
        for p in 0..self.people.len() {
            let sessions = poisson(&mut self.rng, self.people[p].activity);
            for _ in 0..sessions {
                let hour = if self.rng.gen_bool(0.5) {
                    (self.people[p].peak_hour + 1.5 * normal(&mut self.rng)).rem_euclid(24.0)
                } else {
                    hourly.sample(&mut self.rng) as f64 + self.rng.gen::<f64>()
                };
                let at = (hour * HOUR_MS as f64) as u64;
                let entry = match self.rng.gen::<f64>() {
                    x if x < 0.62 => Screen::Home,
                    x if x < 0.76 => Screen::Search(self.pick_query(p), 0),
                    x if x < 0.86 => Screen::MyEvent,
                    x if x < 0.92 => Screen::Profile(self.profile_popularity.sample(&mut self.rng)),
                    _ => Screen::Event(self.popular_event()),
                };
                self.session(p, at, entry, 0.0);
            }
        }
    }

    /// What attendees do around today's events. Answers, per event, who checked in and when.
    fn event_days(&mut self) -> Vec<Vec<(usize, u64)>> {
        let mut arrivals = vec![Vec::new(); self.events.len()];
        for (e, arrived) in arrivals.iter_mut().enumerate() {
            let Some(s) = self.events[e].schedule else { continue };
            let show_rate = self.rng.gen_range(0.55..0.85);
            let wave_at = self.rng.gen_range(0.0..25.0) * MINUTE_MS as f64;
            let wave_spread = self.rng.gen_range(6.0..18.0) * MINUTE_MS as f64;
            let attendees = self.events[e].attendees.clone();
            for a in attendees {
                let reliability = self.people[a].habit.reliability;
                if !self.rng.gen_bool((show_rate * reliability).clamp(0.0, 0.97)) {
                    // Some no-shows still look the event up around its time.
                    if self.rng.gen_bool(0.3) {
                        let at = s.doors + self.rng.gen_range(0..2 * HOUR_MS);
                        self.session(a, at.saturating_sub(90 * MINUTE_MS), Screen::Event(e), 0.0);
                    }
                    continue;
                }
                let arrival = if s.big && self.rng.gen_bool(0.2) {
                    // Big events have a second wave after the first break.
                    s.start + self.rng.gen_range(60 * MINUTE_MS..90 * MINUTE_MS)
                } else if self.rng.gen_bool(0.08) {
                    // Latecomers, any time.
                    self.rng.gen_range(s.start..s.end.max(s.start + 1))
                } else {
                    let offset = wave_at + wave_spread * normal(&mut self.rng);
                    (s.doors as f64 + offset).max((s.doors - 10 * MINUTE_MS) as f64) as u64
                };
                let arrival = arrival.min(s.end.saturating_sub(10 * MINUTE_MS));
                arrived.push((a, arrival));

                // Looking the event up on the way.
                if self.rng.gen_bool(0.55) {
                    let ahead = lognormal_ms(&mut self.rng, 30.0 * MINUTE_MS as f64, 0.7).max(3 * MINUTE_MS);
                    let entry = if self.rng.gen_bool(0.7) { Screen::Event(e) } else { Screen::Home };
                    self.session(a, arrival.saturating_sub(ahead), entry, 0.0);
                }
                self.change(arrival, a, Change::CheckIn(event(e)));
                // Opening the app once inside.
                if self.rng.gen_bool(0.8) {
                    let after = lognormal_ms(&mut self.rng, 45.0 * SECOND_MS as f64, 0.8);
                    let entry = match self.rng.gen::<f64>() {
                        x if x < 0.6 => Screen::Live(e),
                        x if x < 0.85 => Screen::Suggestions(e),
                        _ => Screen::Event(e),
                    };
                    self.session(a, arrival + after, entry, 0.0);
                }
                // Coming back to the app during the event.
                let hours = (s.end - arrival) as f64 / HOUR_MS as f64;
                for _ in 0..poisson(&mut self.rng, 1.5 * hours) {
                    let at = self.rng.gen_range(arrival..s.end.max(arrival + 1));
                    let entry = match self.rng.gen::<f64>() {
                        x if x < 0.45 => Screen::Suggestions(e),
                        x if x < 0.75 => Screen::Live(e),
                        _ => Screen::Event(e),
                    };
                    self.session(a, at, entry, 0.0);
                }
            }
        }
        arrivals
    }

    /// Organizers post to the room; some of those present react within minutes.
    fn announcements(&mut self, arrivals: &[Vec<(usize, u64)>]) {
        for (e, arrived) in arrivals.iter().enumerate() {
            let Some(s) = self.events[e].schedule else { continue };
            let count = if s.big { 3 } else { usize::from(self.rng.gen_bool(0.3)) };
            let length = s.end - s.start;
            for _ in 0..count {
                let at = s.start
                    + self.rng.gen_range(10 * MINUTE_MS..length.saturating_sub(15 * MINUTE_MS).max(11 * MINUTE_MS));
                self.change(at, self.events[e].organizer, Change::Announcement(event(e)));
                let networking = self.rng.gen_bool(0.5);
                for &(a, arrival) in arrived {
                    if arrival > at || !self.rng.gen_bool(0.45) {
                        continue;
                    }
                    let react = 5 * SECOND_MS + exponential_ms(&mut self.rng, 2.5 * MINUTE_MS as f64);
                    let entry = match (networking, self.rng.gen_bool(0.75)) {
                        (true, true) => Screen::Suggestions(e),
                        (false, true) => Screen::Event(e),
                        _ => Screen::Live(e),
                    };
                    self.session(a, at + react, entry, 0.0);
                }
            }
        }
    }

    /// New events published during the day, opened by their audiences; one goes viral.
    fn publishes(&mut self) {
        for e in 0..self.events.len() {
            let Some(at) = self.events[e].published_at else { continue };
            let viral = at == VIRAL_AT_MS;
            self.change(at, self.events[e].organizer, Change::Published(event(e)));
            let audience = self.world.audience(event(e)).to_vec();
            let (opens, mean_delay, rsvps) = if viral { (0.35, 40.0, 0.3) } else { (0.07, 60.0, 0.15) };
            for p in audience {
                if self.rng.gen_bool(opens) {
                    let delay = 5 * SECOND_MS + exponential_ms(&mut self.rng, mean_delay * MINUTE_MS as f64);
                    self.session(index(p.0).unwrap_or(0), at + delay, Screen::Event(e), rsvps);
                }
            }
            if viral {
                // Shared links reach people outside the audience, later and more slowly.
                let shares = self.people.len() * 8 / 100;
                for _ in 0..shares {
                    let p = self.rng.gen_range(0..self.people.len());
                    let delay = 15 * MINUTE_MS + exponential_ms(&mut self.rng, 120.0 * MINUTE_MS as f64);
                    self.session(p, at + delay, Screen::Event(e), 0.1);
                }
            }
        }
    }

    /// Organizers edit events (mostly in the hours before they start); people edit profiles.
    fn edits(&mut self) {
        for e in 0..self.events.len() {
            let organizer = self.events[e].organizer;
            match self.events[e].schedule {
                Some(s) => {
                    if self.rng.gen_bool(0.35) {
                        for _ in 0..self.rng.gen_range(1..=3) {
                            let at = s.start.saturating_sub(self.rng.gen_range(0..6 * HOUR_MS));
                            self.change(at, organizer, Change::EventEdit(event(e)));
                        }
                    }
                }
                None => {
                    if self.events[e].published_at.is_none() && self.rng.gen_bool(0.2) {
                        let at = self.rng.gen_range(7 * HOUR_MS..23 * HOUR_MS);
                        self.change(at, organizer, Change::EventEdit(event(e)));
                    }
                }
            }
        }
        let hourly = WeightedIndex::new(HOURLY).expect("hourly weights are positive");
        for _ in 0..self.people.len() * 4 / 100 {
            let p = self.rng.gen_range(0..self.people.len());
            let at = ((hourly.sample(&mut self.rng) as f64 + self.rng.gen::<f64>()) * HOUR_MS as f64) as u64;
            self.change(at, p, Change::ProfileEdit);
        }
    }

    /// Adds the counter republications seat changes cause: at most one per event every
    /// [`COUNTERS_EVERY_MS`]. Expects items in time order and keeps them so.
    fn counters(&mut self) {
        let mut next_allowed: HashMap<EventId, u64> = HashMap::new();
        let mut pending: Vec<Item> = Vec::new();
        for item in &self.items {
            let (Op::Change(Change::Rsvp(e)) | Op::Change(Change::CheckIn(e))) = item.op else { continue };
            let allowed = next_allowed.get(&e).copied().unwrap_or(0);
            if item.at_ms < allowed {
                // A republication already scheduled covers this change.
                continue;
            }
            let at = item.at_ms.max(allowed) + 500;
            pending.push(Item { at_ms: at, person: item.person, op: Op::Change(Change::Counters(e)) });
            next_allowed.insert(e, at + COUNTERS_EVERY_MS);
        }
        pending.retain(|item| item.at_ms < DAY_MS);
        self.items.extend(pending);
        self.items.sort_by_key(|item| item.at_ms);
    }

    fn change(&mut self, at: u64, p: usize, change: Change) {
        self.items.push(Item { at_ms: at, person: person(p), op: Op::Change(change) });
    }

    fn get(&mut self, at: u64, p: usize, key: Key, client: &mut HashMap<Key, u64>) {
        if client.get(&key).is_some_and(|&fetched| at < fetched + CLIENT_KEEP_MS) {
            return;
        }
        client.insert(key, at);
        let bytes = self.world.value_bytes(&key);
        self.items.push(Item { at_ms: at, person: person(p), op: Op::Get { key, bytes } });
    }

    fn popular_event(&mut self) -> usize {
        self.listed_events[self.event_popularity.sample(&mut self.rng)]
    }

    fn pick_query(&mut self, p: usize) -> usize {
        if self.rng.gen_bool(0.6) {
            let tags = &self.people[p].tags;
            let tag = tags[self.rng.gen_range(0..tags.len())];
            let own = &self.queries_by_tag[tag];
            if !own.is_empty() {
                // Earlier queries of a tag are the popular ones.
                let weights: Vec<f64> = (0..own.len()).map(|i| 1.0 / (i as f64 + 1.0)).collect();
                return own[pick(&mut self.rng, &weights)];
            }
        }
        self.query_popularity.sample(&mut self.rng)
    }

    fn next_event_of(&self, p: usize, at: u64) -> Option<usize> {
        self.people[p].attending.iter().copied().find(|&e| self.events[e].schedule.is_some_and(|s| s.end > at))
    }

    fn attends(&self, p: usize, e: usize) -> bool {
        self.people[p].attending.contains(&e)
    }

    /// One app session: connect, show `entry`, then browse until the person closes the app.
    /// `first_rsvp` is the chance they RSVP on the first screen (a notification about a new event).
    fn session(&mut self, p: usize, start: u64, entry: Screen, first_rsvp: f64) {
        if start >= DAY_MS {
            return;
        }
        self.items.push(Item { at_ms: start, person: person(p), op: Op::Connect });
        let habit = self.people[p].habit;
        let mut client: HashMap<Key, u64> = HashMap::new();
        let mut back: Vec<Screen> = Vec::new();
        let mut at = start + self.rng.gen_range(200..1_500);
        let mut screen = self.resolve(p, entry, at);
        let mut viewed_profiles: HashSet<usize> = HashSet::new();
        for step in 0..MAX_SCREENS {
            self.show(p, screen, at, &mut client);
            if let Screen::Profile(q) = screen {
                viewed_profiles.insert(q);
            }
            let dwell =
                lognormal_ms(&mut self.rng, 14.0 * SECOND_MS as f64 * habit.pace, 0.8).clamp(SECOND_MS, 8 * MINUTE_MS);
            at += dwell;
            if at >= DAY_MS {
                return;
            }
            if step == 0 && first_rsvp > 0.0 && self.rng.gen_bool(first_rsvp) {
                if let Screen::Event(e) = screen {
                    self.change(at - dwell / 2, p, Change::Rsvp(event(e)));
                }
            }
            let next =
                if self.rng.gen_bool(0.06) { self.random_jump(p) } else { self.next_move(p, screen, &habit, at) };
            match next {
                Move::End => return,
                Move::Back => match back.pop() {
                    Some(previous) => screen = previous,
                    None => return,
                },
                Move::Rsvp(e) => self.change(at, p, Change::Rsvp(event(e))),
                Move::Go(Screen::Profile(q)) if viewed_profiles.contains(&q) => {}
                Move::Go(next) => {
                    back.push(screen);
                    screen = self.resolve(p, next, at);
                }
            }
        }
    }

    fn resolve(&self, p: usize, screen: Screen, at: u64) -> Screen {
        match screen {
            Screen::MyEvent => self.next_event_of(p, at).map_or(Screen::Home, Screen::Event),
            Screen::Suggestions(e) if !self.attends(p, e) => Screen::Event(e),
            other => other,
        }
    }

    fn show(&mut self, p: usize, screen: Screen, at: u64, client: &mut HashMap<Key, u64>) {
        match screen {
            Screen::Home | Screen::MyEvent => self.get(at, p, Key::Recommendations(person(p)), client),
            Screen::Event(e) => {
                self.get(at, p, Key::EventPage(event(e)), client);
                if self.rng.gen_bool(0.85) {
                    let after = self.rng.gen_range(20..150);
                    self.get(at + after, p, Key::AttendeeCount(event(e)), client);
                }
            }
            Screen::Live(e) => self.get(at, p, Key::AttendeeCount(event(e)), client),
            Screen::Suggestions(e) => self.get(at, p, Key::Suggestions(person(p), event(e)), client),
            Screen::Profile(q) => self.get(at, p, Key::Profile(person(q)), client),
            Screen::Search(q, page) => self.get(at, p, Key::SearchPage(QueryId(q as u64), page), client),
        }
    }

    fn random_jump(&mut self, p: usize) -> Move {
        match self.rng.gen_range(0..3) {
            0 => Move::Go(Screen::Event(self.popular_event())),
            1 => Move::Go(Screen::Profile(self.profile_popularity.sample(&mut self.rng))),
            _ => Move::Go(Screen::Search(self.pick_query(p), 0)),
        }
    }

    /// The browsing model: weighted moves from each screen, scaled by the person's habits.
    fn next_move(&mut self, p: usize, screen: Screen, habit: &Habit, at: u64) -> Move {
        let end = 1.0 / habit.depth;
        let mut moves: Vec<(f64, Move)> = Vec::with_capacity(8);
        match screen {
            Screen::Home | Screen::MyEvent => {
                let recs = self.world.recommendations[p].clone();
                if !recs.is_empty() {
                    let weights: Vec<f64> = recs
                        .iter()
                        .enumerate()
                        .map(|(i, e)| {
                            let e = index(e.0).unwrap_or(0);
                            let taste = if self.people[p].tags.contains(&self.events[e].tag) { 1.6 } else { 1.0 };
                            taste / (i as f64 + 1.0)
                        })
                        .collect();
                    let chosen = index(recs[pick(&mut self.rng, &weights)].0).unwrap_or(0);
                    moves.push((0.50, Move::Go(Screen::Event(chosen))));
                }
                moves.push((0.08, Move::Go(Screen::Event(self.popular_event()))));
                moves.push((0.14 * habit.searches, Move::Go(Screen::Search(self.pick_query(p), 0))));
                if let Some(e) = self.next_event_of(p, at) {
                    moves.push((0.07, Move::Go(Screen::Event(e))));
                }
                moves.push((0.21 * end, Move::End));
            }
            Screen::Event(e) => {
                moves.push((0.18, Move::Back));
                if self.attends(p, e) {
                    moves.push((0.16, Move::Go(Screen::Suggestions(e))));
                } else if self.events[e].schedule.is_none_or(|s| s.start > at) {
                    moves.push((0.04, Move::Rsvp(e)));
                }
                moves.push((0.10 * habit.profiles, Move::Go(Screen::Profile(self.events[e].organizer))));
                if let Some(&q) = self.events[e].attendees.choose(&mut self.rng) {
                    moves.push((0.06 * habit.profiles, Move::Go(Screen::Profile(q))));
                }
                let tag = self.events[e].tag;
                let related: Vec<usize> =
                    self.listed_events.iter().copied().filter(|&x| self.events[x].tag == tag && x != e).collect();
                if let Some(&r) = related.choose(&mut self.rng) {
                    moves.push((0.10, Move::Go(Screen::Event(r))));
                }
                moves.push((0.04 * habit.searches, Move::Go(Screen::Search(self.pick_query(p), 0))));
                moves.push((0.05, Move::Go(Screen::Home)));
                moves.push((0.27 * end, Move::End));
            }
            Screen::Live(e) => {
                moves.push((0.45, Move::Go(Screen::Suggestions(e))));
                moves.push((0.20, Move::Go(Screen::Event(e))));
                moves.push((0.35 * end, Move::End));
            }
            Screen::Suggestions(e) => {
                let list = self.world.suggestions(person(p), event(e)).to_vec();
                if !list.is_empty() {
                    let weights: Vec<f64> = (0..list.len()).map(|i| 1.0 / (i as f64 + 1.0).powf(0.7)).collect();
                    let q = index(list[pick(&mut self.rng, &weights)].0).unwrap_or(0);
                    moves.push((0.55 * habit.profiles, Move::Go(Screen::Profile(q))));
                }
                moves.push((0.10, Move::Back));
                moves.push((0.35 * end, Move::End));
            }
            Screen::Profile(q) => {
                moves.push((0.40, Move::Back));
                moves.push((0.08, Move::Go(Screen::Profile(self.profile_popularity.sample(&mut self.rng)))));
                let theirs = self.people[q].attending.first().copied().unwrap_or_else(|| self.popular_event());
                moves.push((0.07, Move::Go(Screen::Event(theirs))));
                moves.push((0.45 * end, Move::End));
            }
            Screen::Search(q, page) => {
                let results = self.world.search_results(QueryId(q as u64), page).to_vec();
                if !results.is_empty() {
                    let weights: Vec<f64> = (0..results.len()).map(|i| 1.0 / (i as f64 + 1.0)).collect();
                    let e = index(results[pick(&mut self.rng, &weights)].0).unwrap_or(0);
                    moves.push((0.50, Move::Go(Screen::Event(e))));
                }
                if !self.world.search_results(QueryId(q as u64), page + 1).is_empty() {
                    moves.push((0.14, Move::Go(Screen::Search(q, page + 1))));
                }
                moves.push((0.08, Move::Go(Screen::Search(self.pick_query(p), 0))));
                moves.push((0.28 * end, Move::End));
            }
        }
        let weights: Vec<f64> = moves.iter().map(|(w, _)| *w).collect();
        moves[pick(&mut self.rng, &weights)].1
    }
}

fn make_people(rng: &mut ChaCha8Rng, count: usize, tag_pick: &WeightedIndex<f64>) -> Vec<Person> {
    (0..count)
        .map(|_| {
            let first = tag_pick.sample(rng);
            let mut tags = vec![first];
            if rng.gen_bool(0.6) {
                let second = tag_pick.sample(rng);
                if second != first {
                    tags.push(second);
                }
            }
            let peak_hour = match rng.gen::<f64>() {
                x if x < 0.2 => 9.0,
                x if x < 0.55 => 12.5,
                _ => 20.0,
            };
            Person {
                tags,
                activity: lognormal(rng, 1.0, 0.7),
                peak_hour,
                habit: Habit {
                    depth: lognormal(rng, 1.0, 0.3),
                    searches: lognormal(rng, 1.0, 0.5),
                    profiles: lognormal(rng, 1.0, 0.5),
                    pace: lognormal(rng, 1.0, 0.4),
                    reliability: rng.gen_range(0.75..1.15),
                },
                attending: Vec::new(),
            }
        })
        .collect()
}

fn make_events(
    rng: &mut ChaCha8Rng,
    config: &TraceConfig,
    people: &[Person],
    organizers: &[usize],
    organizer_pick: &WeightedIndex<f64>,
    tag_pick: &WeightedIndex<f64>,
    followers: &[Vec<usize>],
) -> (Vec<EventSpec>, Vec<Vec<usize>>) {
    let hourly = WeightedIndex::new(&HOURLY[8..22]).expect("hourly weights are positive");
    let mut events = Vec::new();
    for &(share, hour, length) in &BIG_EVENTS {
        let start = (hour * HOUR_MS as f64) as u64;
        events.push(EventSpec {
            tag: rng.gen_range(0..4),
            organizer: organizers[organizer_pick.sample(rng)],
            popularity: 0.0,
            schedule: Some(Schedule {
                doors: start - 30 * MINUTE_MS,
                start,
                end: start + (length * HOUR_MS as f64) as u64,
                big: true,
            }),
            published_at: None,
            attendees: Vec::new(),
        });
        let target = ((share * people.len() as f64) as usize).max(20);
        let last = events.len() - 1;
        events[last].attendees = pick_attendees(rng, people, followers, &events[last], target, 2.5);
    }
    for _ in 0..config.small_events {
        let start = ((8.0 + hourly.sample(rng) as f64 + rng.gen::<f64>()) * HOUR_MS as f64) as u64;
        let spec = EventSpec {
            tag: tag_pick.sample(rng),
            organizer: organizers[organizer_pick.sample(rng)],
            popularity: 0.0,
            schedule: Some(Schedule {
                doors: start - 15 * MINUTE_MS,
                start,
                end: start + rng.gen_range(HOUR_MS..3 * HOUR_MS),
                big: false,
            }),
            published_at: None,
            attendees: Vec::new(),
        };
        let target = (lognormal(rng, 18.0, 0.8) as usize).clamp(4, (people.len() / 4).clamp(4, 150));
        let attendees = pick_attendees(rng, people, followers, &spec, target, 6.0);
        events.push(EventSpec { attendees, ..spec });
    }
    for e in &mut events {
        e.popularity = e.attendees.len() as f64;
    }
    for _ in 0..config.future_events {
        events.push(EventSpec {
            tag: tag_pick.sample(rng),
            organizer: organizers[organizer_pick.sample(rng)],
            popularity: lognormal(rng, 20.0, 1.0),
            schedule: None,
            published_at: None,
            attendees: Vec::new(),
        });
    }
    // Published during the day: ordinary ones from ordinary organizers, then the viral one from
    // the most followed organizer, on the most popular tag.
    for _ in 0..REGULAR_PUBLISHES {
        let at = rng.gen_range(8 * HOUR_MS..20 * HOUR_MS);
        events.push(EventSpec {
            tag: rng.gen_range(TAGS / 2..TAGS),
            organizer: organizers[rng.gen_range(organizers.len() / 2..organizers.len())],
            popularity: 10.0,
            schedule: None,
            published_at: Some(if at == VIRAL_AT_MS { at + 1 } else { at }),
            attendees: Vec::new(),
        });
    }
    events.push(EventSpec {
        tag: 0,
        organizer: organizers[0],
        popularity: 50.0,
        schedule: None,
        published_at: Some(VIRAL_AT_MS),
        attendees: Vec::new(),
    });
    let mut by_start: Vec<(u64, usize)> =
        events.iter().enumerate().filter_map(|(i, e)| e.schedule.map(|s| (s.start, i))).collect();
    by_start.sort_unstable();
    let mut attending = vec![Vec::new(); people.len()];
    for &(_, e) in &by_start {
        for &a in &events[e].attendees {
            attending[a].push(e);
        }
    }
    (events, attending)
}

/// Draws `target` distinct attendees, weighting people who share the event's tag by `taste`,
/// followers of the organizer by 4, and everyone by how active they are.
fn pick_attendees(
    rng: &mut ChaCha8Rng,
    people: &[Person],
    followers: &[Vec<usize>],
    spec: &EventSpec,
    target: usize,
    taste: f64,
) -> Vec<usize> {
    let follows: HashSet<usize> = followers[spec.organizer].iter().copied().collect();
    let mut keyed: Vec<(f64, usize)> = people
        .iter()
        .enumerate()
        .map(|(p, person)| {
            let mut weight = person.activity.sqrt();
            if person.tags.contains(&spec.tag) {
                weight *= taste;
            }
            if follows.contains(&p) {
                weight *= 4.0;
            }
            // Efraimidis–Spirakis: the largest keys are a weighted sample without replacement.
            (rng.gen::<f64>().powf(1.0 / weight), p)
        })
        .collect();
    let keep = target.min(keyed.len());
    if keep == 0 {
        return Vec::new();
    }
    keyed.select_nth_unstable_by(keep - 1, |a, b| b.0.total_cmp(&a.0));
    let mut chosen: Vec<usize> = keyed[..keep].iter().map(|&(_, p)| p).collect();
    chosen.sort_unstable();
    chosen
}

fn pick(rng: &mut ChaCha8Rng, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut x = rng.gen::<f64>() * total;
    for (i, w) in weights.iter().enumerate() {
        if x < *w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.gen();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn lognormal(rng: &mut ChaCha8Rng, median: f64, sigma: f64) -> f64 {
    median * (sigma * normal(rng)).exp()
}

fn lognormal_ms(rng: &mut ChaCha8Rng, median_ms: f64, sigma: f64) -> u64 {
    lognormal(rng, median_ms, sigma) as u64
}

fn exponential_ms(rng: &mut ChaCha8Rng, mean_ms: f64) -> u64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    (-u.ln() * mean_ms) as u64
}

/// A Poisson draw: Knuth's product method for small means, a rounded normal for large ones.
fn poisson(rng: &mut ChaCha8Rng, mean: f64) -> u32 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u32;
    }
    let limit = (-mean).exp();
    let mut product: f64 = rng.gen();
    let mut count = 0;
    while product > limit {
        product *= rng.gen::<f64>();
        count += 1;
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_day_and_another_seed_another() {
        let a = Trace::generate(&TraceConfig::new(42, 400));
        let b = Trace::generate(&TraceConfig::new(42, 400));
        let c = Trace::generate(&TraceConfig::new(43, 400));
        assert_eq!(a.items, b.items);
        assert_eq!(a.world.calendar(), b.world.calendar());
        assert_ne!(a.items, c.items);
    }

    #[test]
    fn the_day_is_in_order_and_has_what_the_benchmark_needs() {
        let trace = Trace::generate(&TraceConfig::new(7, 1_000));
        assert!(trace.items.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
        assert!(trace.items.iter().all(|i| i.at_ms < DAY_MS));
        let summary = trace.summary();
        assert!(summary.requests > 10_000, "{summary:?}");
        assert!(summary.event_day_requests > summary.requests / 5, "{summary:?}");
        assert_eq!(trace.event_day.len(), BIG_EVENTS.len());
        let has = |f: &dyn Fn(&Op) -> bool| trace.items.iter().any(|i| f(&i.op));
        assert!(has(&|op| matches!(op, Op::Change(Change::CheckIn(_)))));
        assert!(has(&|op| matches!(op, Op::Change(Change::Announcement(_)))));
        assert!(has(&|op| matches!(op, Op::Change(Change::Published(_)))));
        assert!(has(&|op| matches!(op, Op::Change(Change::Counters(_)))));
        assert!(has(&|op| matches!(op, Op::Get { key: Key::Suggestions(_, _), .. })));
        assert!(has(&|op| matches!(op, Op::Get { key: Key::SearchPage(_, 1), .. })));
    }

    #[test]
    fn value_sizes_are_realistic() {
        let trace = Trace::generate(&TraceConfig::new(1, 200));
        for item in &trace.items {
            let Op::Get { key, bytes } = item.op else { continue };
            let (low, high) = match key.kind() {
                KeyKind::EventPage => (1_000, 3_500),
                KeyKind::AttendeeCount => (50, 200),
                KeyKind::Profile => (500, 2_000),
                KeyKind::Recommendations | KeyKind::Suggestions | KeyKind::SearchPage => (2_000, 8_000),
            };
            assert!((low..=high).contains(&bytes), "{key:?} has {bytes} bytes");
            assert_eq!(bytes, trace.world.value_bytes(&key));
        }
    }
}
