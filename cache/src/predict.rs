//! Who will need what next, learned from the request log as it goes by.
//!
//! The predictor reads the log one line at a time ([`Predictor::observe`]) and, when asked at a
//! moment `now` ([`Predictor::predict`]), answers keys with the probability that someone reads
//! each of them within the coming horizon. It knows only what the log has shown it so far and what
//! the [`Catalog`] held before the period began: it cannot look ahead, by construction (it is fed
//! in time order and keeps no reference to the log), and a unit test checks it.
//!
//! Four rules, each a table of counts anyone can read back:
//!
//! - **Sessions.** For every person in an open session, the last two things they did (connected,
//!   checked in, or read a key of some kind) are a state: "read the counters right after checking
//!   in" (the live room) is not "read the counters right after the event page". From each state the
//!   predictor counts what came next, as a kind of key and how that key relates to the person's
//!   context (their own recommendations, the event they are looking at, the third entry of the
//!   list they just read, the organizer of the event...), and how long it took. A pair of steps
//!   seen too rarely falls back to the last step alone. Counts decay with a half-life, so the
//!   model follows the day. The probability of a key is then "the next request comes within the
//!   horizon, given nothing came for the time already elapsed" and "it is this kind, related this
//!   way", read off the same table. A session that starts while its person is checked in at an
//!   event that has not ended starts from a state of its own, in that event's context: people back
//!   in the app at an event open other things than people elsewhere. A connect or a read can ask
//!   this rule for its one person at once ([`Predictor::predict_session`]): the next screen comes
//!   before the next tick.
//! - **Calendar.** Around each event of the day, attendees read its page, its counters and their
//!   people-to-meet list at rates that depend on the time to the doors opening and on whether they
//!   have checked in. The predictor measures those rates on the events already under way or past
//!   (reads per attendee per minute, by phase) and applies them to the events coming up. For
//!   twenty minutes after an announcement the event uses rates measured after announcements.
//! - **Publications.** When an event is published, its audience (the organizer's followers and the
//!   people interested in its tag) opens its page at a rate measured on earlier publications.
//! - **Refresh.** A shared key that a write just invalidated is read again at the rate it was read
//!   before, so it is worth loading again before the next reader misses. A write path can ask
//!   [`Predictor::refresh_chance`] the moment it invalidates, rather than wait for a tick.
//!
//! Rules combine as independent chances: a key wanted by several people, or by several rules, gets
//! `1 - Π(1 - p)`. [`Predictor::hot_set`] uses the same rates to estimate how many distinct keys,
//! how many requests and how many bytes the next 15 or 60 minutes bring.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::BuildHasherDefault;

use crate::catalog::Catalog;
use crate::key::{EventId, Key, KeyKind, PersonId, QueryId};
use crate::log::{Change, Item, Op};

/// Maps with a fixed hasher: iteration order, and so every sum over a map, is the same from one
/// run to the next, which keeps replays reproducible.
type Fixed = BuildHasherDefault<DefaultHasher>;
type Map<K, V> = HashMap<K, V, Fixed>;
type Set<K> = HashSet<K, Fixed>;

const MINUTE_MS: u64 = 60_000;

/// A key and the chance that someone reads it within the horizon asked about.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prediction {
    pub key: Key,
    pub probability: f64,
    /// The rule that gave the largest single chance, for reports.
    pub rule: Rule,
}

/// The predictor's rules (see the module comment).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Rule {
    Session,
    Calendar,
    Publication,
    Refresh,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Session, Rule::Calendar, Rule::Publication, Rule::Refresh];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::Session => "session",
            Rule::Calendar => "calendar",
            Rule::Publication => "publication",
            Rule::Refresh => "refresh",
        }
    }
}

/// The expected load of the coming `horizon_ms`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HotSet {
    pub horizon_ms: u64,
    /// Expected number of distinct keys read.
    pub distinct_keys: f64,
    /// Expected number of reads.
    pub requests: f64,
    /// Expected bytes of the distinct values read: what a cache would need to hold them all.
    pub bytes: f64,
}

impl HotSet {
    pub fn requests_per_minute(&self) -> f64 {
        self.requests * MINUTE_MS as f64 / self.horizon_ms.max(1) as f64
    }
}

/// The predictor's knobs.
#[derive(Clone, Debug, PartialEq)]
pub struct PredictorConfig {
    /// A session with no request for this long is over.
    pub session_timeout_ms: u64,
    /// Half-life of the session model's counts.
    pub half_life_ms: u64,
    /// An app opened this soon after a check-in continues from the check-in.
    pub check_in_carry_ms: u64,
    /// How long after its invalidation a shared key stays a refresh candidate.
    pub refresh_window_ms: u64,
    /// Time constant of the per-key read rates the refresh rule uses.
    pub key_rate_tau_ms: u64,
    /// Sessions a pair of steps needs before the session model trusts its own row over the row
    /// of the last step alone.
    pub second_order_support: f64,
    /// Attendee-minutes of zero-read exposure every calendar and publication rate starts from,
    /// so that one early read does not make a rate look high.
    pub prior_exposure_minutes: f64,
}

impl Default for PredictorConfig {
    fn default() -> Self {
        PredictorConfig {
            session_timeout_ms: 30 * MINUTE_MS,
            half_life_ms: 3 * 60 * MINUTE_MS,
            check_in_carry_ms: 10 * MINUTE_MS,
            refresh_window_ms: 30 * MINUTE_MS,
            key_rate_tau_ms: 10 * MINUTE_MS,
            prior_exposure_minutes: 200.0,
            second_order_support: 30.0,
        }
    }
}

/// What a person did last, the state of the session model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Start,
    CheckIn,
    /// The app opened while its person is checked in at an event that has not ended (later than
    /// a check-in's carry): what people do at an event differs from what they do elsewhere.
    Present,
    After(KeyKind),
}

const STEPS: usize = 3 + KeyKind::ALL.len();
/// Rows of the session model: one per step (first order), then one per pair of steps (second
/// order: the step before and the last step).
const STATES: usize = STEPS + STEPS * STEPS;

impl Session {
    fn start(now: u64) -> Self {
        Session {
            previous: Step::Start,
            step: Step::Start,
            last_ms: now,
            open: true,
            event: None,
            search: None,
            checked_in_ms: None,
        }
    }

    /// The session model's rows this session is in: first order, then second order.
    fn states(&self) -> [usize; 2] {
        [self.step.index(), STEPS + self.previous.index() * STEPS + self.step.index()]
    }
}

impl Step {
    fn index(self) -> usize {
        match self {
            Step::Start => 0,
            Step::CheckIn => 1,
            Step::Present => 2,
            Step::After(kind) => 3 + kind.index(),
        }
    }
}

/// How a requested key relates to the requester's context.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Relation {
    /// The person's own recommendations.
    Own,
    /// The event the person was last looking at (or checked in to).
    Context,
    /// The next event the person is going to.
    NextEvent,
    /// The organizer of the context event.
    Organizer,
    /// The next page of the search the person was reading.
    NextPage,
    /// Anything else: counted, never resolved to a key.
    Other,
    /// Position in the person's recommendations.
    Recommended(u8),
    /// Position in the person's people-to-meet list at the context event.
    Suggested(u8),
    /// Position in the search results the person was reading.
    Result(u8),
}

pub(crate) const LIST_POSITIONS: usize = 12;
const RESULT_POSITIONS: usize = 10;
const RELATIONS: usize = 6 + 2 * LIST_POSITIONS + RESULT_POSITIONS;
const TARGETS: usize = KeyKind::ALL.len() * RELATIONS;

impl Relation {
    fn index(self) -> usize {
        match self {
            Relation::Own => 0,
            Relation::Context => 1,
            Relation::NextEvent => 2,
            Relation::Organizer => 3,
            Relation::NextPage => 4,
            Relation::Other => 5,
            Relation::Recommended(i) => 6 + usize::from(i),
            Relation::Suggested(i) => 6 + LIST_POSITIONS + usize::from(i),
            Relation::Result(i) => 6 + 2 * LIST_POSITIONS + usize::from(i),
        }
    }

    fn from_index(i: usize) -> Relation {
        // Positions are below 12, so the narrowing casts cannot truncate.
        match i {
            0 => Relation::Own,
            1 => Relation::Context,
            2 => Relation::NextEvent,
            3 => Relation::Organizer,
            4 => Relation::NextPage,
            5 => Relation::Other,
            i if i < 6 + LIST_POSITIONS => Relation::Recommended((i - 6) as u8),
            i if i < 6 + 2 * LIST_POSITIONS => Relation::Suggested((i - 6 - LIST_POSITIONS) as u8),
            i => Relation::Result((i - 6 - 2 * LIST_POSITIONS) as u8),
        }
    }

    fn position(list_index: usize, limit: usize, make: fn(u8) -> Relation) -> Option<Relation> {
        // `limit` is at most 12, so the cast is exact.
        (list_index < limit).then(|| make(list_index as u8))
    }
}

fn target_index(kind: KeyKind, relation: Relation) -> usize {
    kind.index() * RELATIONS + relation.index()
}

fn target_of(index: usize) -> (KeyKind, Relation) {
    (KeyKind::ALL[index / RELATIONS], Relation::from_index(index % RELATIONS))
}

/// The cell counting sessions that ended in `step`: after every transition cell.
fn end_cell(state: usize) -> usize {
    STATES * TARGETS * GAP_BINS + state
}

/// Upper edges of the gap bins, in milliseconds (doubling from one second); the last bin runs to
/// the session timeout.
const GAP_EDGES_MS: [u64; 11] =
    [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 1_024_000];
const GAP_BINS: usize = GAP_EDGES_MS.len() + 1;

/// Counts that fade with a half-life. Values are stored scaled by `exp((t - epoch) / tau)` so an
/// addition never touches the other cells; ratios between cells need no rescaling at all.
#[derive(Clone, Debug)]
struct Decayed {
    values: Vec<f64>,
    epoch_ms: u64,
    tau_ms: f64,
}

impl Decayed {
    fn new(len: usize, half_life_ms: u64) -> Self {
        Decayed { values: vec![0.0; len], epoch_ms: 0, tau_ms: half_life_ms.max(1) as f64 / std::f64::consts::LN_2 }
    }

    /// The factor from stored values to decayed counts at `now`.
    fn scale(&self, now: u64) -> f64 {
        (-(now.saturating_sub(self.epoch_ms) as f64) / self.tau_ms).exp()
    }

    fn add(&mut self, i: usize, now: u64) {
        let mut age = now.saturating_sub(self.epoch_ms) as f64 / self.tau_ms;
        if age > 30.0 {
            // Rebase before the scale factor grows out of range.
            let shrink = (-age).exp();
            self.values.iter_mut().for_each(|v| *v *= shrink);
            self.epoch_ms = now;
            age = 0.0;
        }
        self.values[i] += age.exp();
    }
}

/// A person's place in their session.
#[derive(Clone, Debug)]
struct Session {
    /// The step before `step` (the same as `step` at the start of a session).
    previous: Step,
    step: Step,
    last_ms: u64,
    /// Waiting for the next request: not yet followed, timed out or ended.
    open: bool,
    event: Option<EventId>,
    search: Option<(QueryId, u8)>,
    checked_in_ms: Option<u64>,
}

/// Upper edges of the calendar phases, in minutes relative to the doors opening; the last phase
/// runs to the event's end.
const DOOR_EDGES_MIN: [i64; 9] = [-60, -30, -15, 0, 15, 30, 60, 120, 240];
/// How long before the doors the calendar rule starts.
const CALENDAR_LEAD_MIN: i64 = 120;
const DOOR_PHASES: usize = DOOR_EDGES_MIN.len() + 1;
/// Upper edges of the phases after an announcement, in minutes since it.
const ANNOUNCEMENT_EDGES_MIN: [u64; 4] = [2, 5, 10, 20];
const PHASES: usize = DOOR_PHASES + ANNOUNCEMENT_EDGES_MIN.len();
/// The kinds the calendar rule predicts, for one event.
const CALENDAR_KINDS: [KeyKind; 3] = [KeyKind::EventPage, KeyKind::AttendeeCount, KeyKind::Suggestions];
/// Upper edges of the phases after a publication, in minutes since it.
const PUBLISH_EDGES_MIN: [u64; 6] = [10, 30, 60, 120, 240, 480];

fn calendar_slot(kind: KeyKind) -> Option<usize> {
    CALENDAR_KINDS.iter().position(|&k| k == kind)
}

/// An event of the day as the predictor tracks it.
#[derive(Clone, Debug)]
struct Tracked {
    id: EventId,
    doors_ms: u64,
    end_ms: u64,
    attendees: Set<PersonId>,
    present: Set<PersonId>,
    announced_ms: Option<u64>,
}

impl Tracked {
    /// The phase the event is in at `at`, or `None` outside its window.
    fn phase(&self, at: u64) -> Option<usize> {
        if let Some(announced) = self.announced_ms.filter(|&announced| at >= announced) {
            let since = (at - announced) / MINUTE_MS;
            if let Some(i) = ANNOUNCEMENT_EDGES_MIN.iter().position(|&edge| since < edge) {
                return Some(DOOR_PHASES + i);
            }
        }
        self.door_phase(at)
    }

    /// The phase by the time to the doors alone, as a forecast sees the future.
    fn door_phase(&self, at: u64) -> Option<usize> {
        if at >= self.end_ms {
            return None;
        }
        let minutes = (at as i64 - self.doors_ms as i64).div_euclid(MINUTE_MS as i64);
        if minutes < -CALENDAR_LEAD_MIN {
            return None;
        }
        Some(DOOR_EDGES_MIN.iter().position(|&edge| minutes < edge).unwrap_or(DOOR_PHASES - 1))
    }

    fn counts(&self) -> [f64; 2] {
        let present = self.present.len() as f64;
        [(self.attendees.len() as f64 - present).max(0.0), present]
    }
}

/// An event published during the period.
#[derive(Clone, Debug)]
struct Publication {
    event: EventId,
    at_ms: u64,
    audience: Set<PersonId>,
}

impl Publication {
    fn phase(&self, at: u64) -> Option<usize> {
        let minutes = at.checked_sub(self.at_ms)? / MINUTE_MS;
        PUBLISH_EDGES_MIN.iter().position(|&edge| minutes < edge)
    }
}

/// Reads and exposure (person-milliseconds) per phase: a rate is their ratio.
#[derive(Clone, Debug, Default)]
struct Hazard {
    reads: Vec<f64>,
    exposure: Vec<f64>,
}

impl Hazard {
    fn new(cells: usize) -> Self {
        Hazard { reads: vec![0.0; cells], exposure: vec![0.0; cells] }
    }
}

/// The predictor. See the module comment for the rules.
pub struct Predictor<C> {
    catalog: C,
    config: PredictorConfig,
    clock_ms: u64,
    /// Session model: `[state][target][gap bin]` counts, then one cell per state for sessions
    /// that ended there (see [`end_cell`]).
    transitions: Decayed,
    /// Targets ever seen per state, so predictions skip the empty cells.
    seen_targets: Vec<Vec<usize>>,
    sessions: Map<PersonId, Session>,
    open_sessions: Set<PersonId>,
    /// Today's events, and where to find them.
    events: Vec<Tracked>,
    event_index: Map<EventId, usize>,
    /// Per person, the events of the day they are going to, by doors.
    attending: Map<PersonId, Vec<usize>>,
    /// Calendar reads: `[phase][presence][kind]`; exposure `[phase][presence]`.
    calendar: Hazard,
    publications: Vec<Publication>,
    publish: Hazard,
    /// Per shared key: a read count decaying with `key_rate_tau_ms`, and when it was updated.
    key_rates: Map<Key, (f64, u64)>,
    /// Shared keys invalidated recently, and when.
    invalidated: Map<Key, u64>,
    /// Reads of the last hour: when, what, how big, and whether the calendar rule accounts for it.
    recent: VecDeque<Recent>,
    /// Per kind, the bytes and the number of values read so far, for sizes of keys not yet seen.
    sizes: [(f64, f64); 6],
    last_sweep_ms: u64,
}

/// Chances of a read per key, from several rules or people, combined as independent:
/// `1 - Π(1 - p)`. Each key is credited to the rule that gave it its largest single chance.
struct Chances {
    floor: f64,
    /// Per key: the chance of no read, the largest single chance, and its rule.
    keys: Map<Key, (f64, f64, Rule)>,
}

impl Chances {
    fn new(min_probability: f64) -> Self {
        Chances { floor: Self::floor(min_probability), keys: Map::default() }
    }

    /// Several small chances for one key add up, so single contributions are kept down to a
    /// quarter of the threshold before they are combined.
    fn floor(min_probability: f64) -> f64 {
        min_probability / 4.0
    }

    fn add(&mut self, key: Key, p: f64, rule: Rule) {
        if p >= self.floor {
            let entry = self.keys.entry(key).or_insert((1.0, 0.0, rule));
            entry.0 *= 1.0 - p.min(1.0);
            if p > entry.1 {
                entry.1 = p;
                entry.2 = rule;
            }
        }
    }

    /// The keys whose combined chance is at least `min_probability`, most likely first.
    fn at_least(self, min_probability: f64) -> Vec<Prediction> {
        let mut predictions: Vec<Prediction> = self
            .keys
            .into_iter()
            .map(|(key, (q, _, rule))| Prediction { key, probability: 1.0 - q, rule })
            .filter(|p| p.probability >= min_probability)
            .collect();
        predictions.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.key.cmp(&b.key)));
        predictions
    }
}

/// The session model's tables per state and targets per state and wait, worked out once per ask.
#[derive(Default)]
struct SessionTables {
    tables: Map<usize, StepTable>,
    targets: Map<(usize, u64), Vec<(usize, f64)>>,
}

impl<C: Catalog> Predictor<C> {
    /// A predictor for the period `catalog` covers: a reference for a replay, an owned catalog
    /// for a server that keeps the predictor in a background task.
    pub fn new(catalog: C, config: PredictorConfig) -> Self {
        let mut events = Vec::new();
        let mut event_index = Map::default();
        let mut attending: Map<PersonId, Vec<usize>> = Map::default();
        let mut calendar: Vec<_> = catalog.calendar().iter().collect();
        calendar.sort_by_key(|e| (e.doors_ms, e.id));
        for scheduled in calendar {
            let i = events.len();
            event_index.insert(scheduled.id, i);
            for &a in &scheduled.attendees {
                attending.entry(a).or_default().push(i);
            }
            events.push(Tracked {
                id: scheduled.id,
                doors_ms: scheduled.doors_ms,
                end_ms: scheduled.end_ms,
                attendees: scheduled.attendees.iter().copied().collect(),
                present: Set::default(),
                announced_ms: None,
            });
        }
        Predictor {
            catalog,
            transitions: Decayed::new(STATES * TARGETS * GAP_BINS + STATES, config.half_life_ms),
            config,
            clock_ms: 0,
            seen_targets: vec![Vec::new(); STATES],
            sessions: Map::default(),
            open_sessions: Set::default(),
            events,
            event_index,
            attending,
            calendar: Hazard::new(PHASES * 2 * CALENDAR_KINDS.len()),
            publications: Vec::new(),
            publish: Hazard::new(PUBLISH_EDGES_MIN.len()),
            key_rates: Map::default(),
            invalidated: Map::default(),
            recent: VecDeque::new(),
            sizes: [(0.0, 0.0); 6],
            last_sweep_ms: 0,
        }
    }

    pub fn config(&self) -> &PredictorConfig {
        &self.config
    }

    /// Learns from one line of the log. Lines must come in time order.
    pub fn observe(&mut self, item: &Item) {
        let now = item.at_ms;
        self.advance(now);
        match item.op {
            Op::Connect => self.connect(item.person, now),
            Op::Get { key, bytes } => {
                let size = &mut self.sizes[key.kind().index()];
                size.0 += f64::from(bytes);
                size.1 += 1.0;
                self.read(item.person, key, now, bytes);
            }
            Op::Change(change) => self.write(item.person, change, now),
        }
    }

    /// Moves the clock to `now`: accrues calendar and publication exposure, and closes sessions
    /// that timed out. Called by [`Predictor::observe`] and [`Predictor::predict`]; calling it
    /// directly is only needed for a clock without log lines.
    pub fn advance(&mut self, now: u64) {
        if now <= self.clock_ms {
            return;
        }
        let dt = (now - self.clock_ms) as f64;
        for event in &self.events {
            if let Some(phase) = event.phase(self.clock_ms) {
                let counts = event.counts();
                for (presence, n) in counts.iter().enumerate() {
                    self.calendar.exposure[phase * 2 + presence] += n * dt;
                }
            }
        }
        for publication in &self.publications {
            if let Some(phase) = publication.phase(self.clock_ms) {
                self.publish.exposure[phase] += publication.audience.len() as f64 * dt;
            }
        }
        self.clock_ms = now;
        if now >= self.last_sweep_ms + 10_000 {
            self.last_sweep_ms = now;
            self.close_timed_out(now);
            while self.recent.front().is_some_and(|r| r.at_ms + 60 * MINUTE_MS <= now) {
                self.recent.pop_front();
            }
        }
    }

    fn close_timed_out(&mut self, now: u64) {
        let timeout = self.config.session_timeout_ms;
        let mut timed_out: Vec<PersonId> = self
            .open_sessions
            .iter()
            .copied()
            .filter(|p| self.sessions.get(p).is_some_and(|s| now >= s.last_ms + timeout))
            .collect();
        timed_out.sort_unstable();
        for p in timed_out {
            self.end_session(p, now);
        }
    }

    fn end_session(&mut self, person: PersonId, now: u64) {
        if let Some(session) = self.sessions.get_mut(&person) {
            if session.open {
                for state in session.states() {
                    self.transitions.add(end_cell(state), now);
                }
                session.open = false;
            }
        }
        self.open_sessions.remove(&person);
    }

    fn connect(&mut self, person: PersonId, now: u64) {
        let carry = self.config.check_in_carry_ms;
        let after_check_in = self
            .sessions
            .get(&person)
            .is_some_and(|s| s.step == Step::CheckIn && s.open && s.checked_in_ms.is_some_and(|at| now < at + carry));
        if after_check_in {
            // The app opened right after a check-in: what follows is what people do once inside.
            return;
        }
        let present = self.present_at(person, now);
        self.end_session(person, now);
        let mut session = Session::start(now);
        if let Some(e) = present {
            session.previous = Step::Present;
            session.step = Step::Present;
            session.event = Some(e);
        }
        self.sessions.insert(person, session);
        self.open_sessions.insert(person);
    }

    /// The event a person is checked in at, if it has not ended.
    fn present_at(&self, person: PersonId, now: u64) -> Option<EventId> {
        let list = self.attending.get(&person)?;
        list.iter().map(|&i| &self.events[i]).find(|e| e.end_ms > now && e.present.contains(&person)).map(|e| e.id)
    }

    fn read(&mut self, person: PersonId, key: Key, now: u64, bytes: u32) {
        let calendar_read = self.count_calendar_read(person, key, now);
        self.count_publication_read(person, key, now);
        self.recent.push_back(Recent { at_ms: now, key, bytes, calendar_read });
        if key.kind().is_shared() {
            let tau = self.config.key_rate_tau_ms as f64;
            let rate = self.key_rates.entry(key).or_insert((0.0, now));
            rate.0 = rate.0 * (-((now - rate.1) as f64) / tau).exp() + 1.0;
            rate.1 = now;
        }
        self.invalidated.remove(&key);

        let timeout = self.config.session_timeout_ms;
        let session = match self.sessions.get(&person) {
            Some(s) if s.open && now < s.last_ms + timeout => s.clone(),
            _ => {
                // A read with no open session (the log lost its connect): start one here.
                self.end_session(person, now);
                Session::start(now)
            }
        };
        let relation = self.classify(person, &session, key, now);
        let target = target_index(key.kind(), relation);
        let gap = now - session.last_ms;
        let bin = GAP_EDGES_MS.iter().position(|&edge| gap < edge).unwrap_or(GAP_BINS - 1);
        for state in session.states() {
            self.transitions.add((state * TARGETS + target) * GAP_BINS + bin, now);
            if !self.seen_targets[state].contains(&target) {
                self.seen_targets[state].push(target);
            }
        }

        let mut next = session;
        next.previous = next.step;
        next.step = Step::After(key.kind());
        next.last_ms = now;
        next.open = true;
        match key {
            Key::EventPage(e) | Key::AttendeeCount(e) | Key::Suggestions(_, e) => next.event = Some(e),
            Key::SearchPage(q, page) => next.search = Some((q, page)),
            Key::Profile(_) | Key::Recommendations(_) => {}
        }
        self.sessions.insert(person, next);
        self.open_sessions.insert(person);
    }

    fn write(&mut self, person: PersonId, change: Change, now: u64) {
        if let Some(key) = change.invalidates(person) {
            if key.kind().is_shared() {
                self.invalidated.insert(key, now);
            }
        }
        match change {
            Change::CheckIn(e) => {
                if let Some(&i) = self.event_index.get(&e) {
                    if self.events[i].attendees.insert(person) {
                        self.attend(person, i);
                    }
                    self.events[i].present.insert(person);
                }
                self.end_session(person, now);
                let search = self.sessions.get(&person).and_then(|s| s.search);
                self.sessions.insert(
                    person,
                    Session {
                        previous: Step::CheckIn,
                        step: Step::CheckIn,
                        last_ms: now,
                        open: true,
                        event: Some(e),
                        search,
                        checked_in_ms: Some(now),
                    },
                );
                self.open_sessions.insert(person);
            }
            Change::Rsvp(e) => {
                if let Some(&i) = self.event_index.get(&e) {
                    if self.events[i].attendees.insert(person) {
                        self.attend(person, i);
                    }
                }
            }
            Change::Announcement(e) => {
                if let Some(&i) = self.event_index.get(&e) {
                    self.events[i].announced_ms = Some(now);
                }
            }
            Change::Published(e) => {
                let audience = self.catalog.audience(e).iter().copied().collect();
                self.publications.push(Publication { event: e, at_ms: now, audience });
            }
            Change::Counters(_) | Change::EventEdit(_) | Change::ProfileEdit => {}
        }
    }

    fn attend(&mut self, person: PersonId, event: usize) {
        let list = self.attending.entry(person).or_default();
        list.push(event);
        let events = &self.events;
        list.sort_by_key(|&i| (events[i].doors_ms, events[i].id));
    }

    /// Counts a calendar read; answers whether the read was one.
    fn count_calendar_read(&mut self, person: PersonId, key: Key, now: u64) -> bool {
        let (Some(slot), Some(e)) = (calendar_slot(key.kind()), key.event()) else { return false };
        if matches!(key, Key::Suggestions(owner, _) if owner != person) {
            return false;
        }
        let Some(&i) = self.event_index.get(&e) else { return false };
        let event = &self.events[i];
        if !event.attendees.contains(&person) {
            return false;
        }
        let Some(phase) = event.phase(now) else { return false };
        let presence = usize::from(event.present.contains(&person));
        self.calendar.reads[(phase * 2 + presence) * CALENDAR_KINDS.len() + slot] += 1.0;
        true
    }

    fn count_publication_read(&mut self, person: PersonId, key: Key, now: u64) {
        let Key::EventPage(e) = key else { return };
        for publication in &self.publications {
            if publication.event == e && publication.audience.contains(&person) {
                if let Some(phase) = publication.phase(now) {
                    self.publish.reads[phase] += 1.0;
                }
            }
        }
    }

    /// The next event of the day a person is going to, at `now`.
    fn next_event(&self, person: PersonId, now: u64) -> Option<EventId> {
        let list = self.attending.get(&person)?;
        list.iter().map(|&i| &self.events[i]).find(|e| e.end_ms > now).map(|e| e.id)
    }

    fn event_relation(&self, person: PersonId, session: &Session, e: EventId, now: u64) -> Relation {
        if session.event == Some(e) {
            return Relation::Context;
        }
        if self.next_event(person, now) == Some(e) {
            return Relation::NextEvent;
        }
        if let Some(i) = self.catalog.recommendations(person).iter().position(|&r| r == e) {
            return Relation::position(i, LIST_POSITIONS, Relation::Recommended).unwrap_or(Relation::Other);
        }
        if let Some((q, page)) = session.search {
            if let Some(i) = self.catalog.search_results(q, page).iter().position(|&r| r == e) {
                return Relation::position(i, RESULT_POSITIONS, Relation::Result).unwrap_or(Relation::Other);
            }
        }
        Relation::Other
    }

    fn classify(&self, person: PersonId, session: &Session, key: Key, now: u64) -> Relation {
        match key {
            Key::Recommendations(owner) if owner == person => Relation::Own,
            Key::Recommendations(_) => Relation::Other,
            Key::Suggestions(owner, _) if owner != person => Relation::Other,
            Key::EventPage(e) | Key::AttendeeCount(e) | Key::Suggestions(_, e) => {
                self.event_relation(person, session, e, now)
            }
            Key::Profile(q) => {
                let Some(e) = session.event else { return Relation::Other };
                if let Some(i) = self.catalog.suggestions(person, e).iter().position(|&s| s == q) {
                    return Relation::position(i, LIST_POSITIONS, Relation::Suggested).unwrap_or(Relation::Other);
                }
                if self.catalog.organizer(e) == Some(q) {
                    return Relation::Organizer;
                }
                Relation::Other
            }
            Key::SearchPage(q, page) => match session.search {
                Some((last, last_page)) if last == q && page == last_page + 1 => Relation::NextPage,
                _ => Relation::Other,
            },
        }
    }

    /// The key a target names for a person in a session, if it names one.
    fn resolve(&self, person: PersonId, session: &Session, kind: KeyKind, relation: Relation, now: u64) -> Option<Key> {
        let event = match relation {
            Relation::Own => return (kind == KeyKind::Recommendations).then_some(Key::Recommendations(person)),
            Relation::Other => return None,
            Relation::Organizer => {
                let organizer = self.catalog.organizer(session.event?)?;
                return (kind == KeyKind::Profile).then_some(Key::Profile(organizer));
            }
            Relation::Suggested(i) => {
                let q = *self.catalog.suggestions(person, session.event?).get(usize::from(i))?;
                return (kind == KeyKind::Profile).then_some(Key::Profile(q));
            }
            Relation::NextPage => {
                let (q, page) = session.search?;
                return (kind == KeyKind::SearchPage).then_some(Key::SearchPage(q, page + 1));
            }
            Relation::Context => session.event?,
            Relation::NextEvent => self.next_event(person, now)?,
            Relation::Recommended(i) => *self.catalog.recommendations(person).get(usize::from(i))?,
            Relation::Result(i) => {
                let (q, page) = session.search?;
                *self.catalog.search_results(q, page).get(usize::from(i))?
            }
        };
        match kind {
            KeyKind::EventPage => Some(Key::EventPage(event)),
            KeyKind::AttendeeCount => Some(Key::AttendeeCount(event)),
            KeyKind::Suggestions => Some(Key::Suggestions(person, event)),
            KeyKind::Profile | KeyKind::Recommendations | KeyKind::SearchPage => None,
        }
    }

    /// The session model's counts for one state, cumulated over the gap bins: one row per target
    /// that names a key, and one for all targets together. Built once per prediction.
    fn state_table(&self, state: usize, now: u64) -> StepTable {
        let cumulate = |target: usize| {
            let base = (state * TARGETS + target) * GAP_BINS;
            let mut row = [0.0; GAP_BINS + 1];
            for bin in 0..GAP_BINS {
                row[bin + 1] = row[bin] + self.transitions.values[base + bin];
            }
            row
        };
        let mut all = [0.0; GAP_BINS + 1];
        let mut targets = Vec::new();
        for &target in &self.seen_targets[state] {
            let row = cumulate(target);
            all.iter_mut().zip(row).for_each(|(a, r)| *a += r);
            if target_of(target).1 != Relation::Other {
                targets.push((target, row));
            }
        }
        StepTable { targets, all, ended: self.transitions.values[end_cell(state)], scale: self.transitions.scale(now) }
    }

    /// For a state and the time already waited, the chance of each target within the horizon:
    /// the count of next requests that came in that stretch over the count that had not come yet.
    fn next_targets(&self, table: &StepTable, elapsed_ms: u64, horizon_ms: u64, floor: f64) -> Vec<(usize, f64)> {
        let timeout = self.config.session_timeout_ms;
        let until = elapsed_ms.saturating_add(horizon_ms);
        let survivors = table.all[GAP_BINS] - cumulative(&table.all, elapsed_ms, timeout) + table.ended;
        if survivors <= 0.0 {
            return Vec::new();
        }
        table
            .targets
            .iter()
            .map(|(target, row)| {
                (*target, (cumulative(row, until, timeout) - cumulative(row, elapsed_ms, timeout)) / survivors)
            })
            .filter(|&(_, p)| p >= floor)
            .collect()
    }

    fn calendar_rate(&self, phase: usize, presence: usize, slot: usize) -> f64 {
        let prior = self.config.prior_exposure_minutes * MINUTE_MS as f64;
        self.calendar.reads[(phase * 2 + presence) * CALENDAR_KINDS.len() + slot]
            / (self.calendar.exposure[phase * 2 + presence] + prior)
    }

    fn publish_rate(&self, phase: usize) -> f64 {
        let prior = self.config.prior_exposure_minutes * MINUTE_MS as f64;
        self.publish.reads[phase] / (self.publish.exposure[phase] + prior)
    }

    /// Keys likely to be read within `horizon_ms` of `now`, most likely first, down to
    /// `min_probability`.
    pub fn predict(&mut self, now: u64, horizon_ms: u64, min_probability: f64) -> Vec<Prediction> {
        self.advance(now);
        let horizon = horizon_ms as f64;
        let floor = Chances::floor(min_probability);
        let mut chances = Chances::new(min_probability);
        let mut add = |key: Key, p: f64, rule: Rule| chances.add(key, p, rule);

        // Sessions. People in the same state who waited about as long share one distribution.
        let mut asked = SessionTables::default();
        let mut people: Vec<PersonId> = self.open_sessions.iter().copied().collect();
        people.sort_unstable();
        for person in people {
            let Some(session) = self.sessions.get(&person) else { continue };
            for (key, p) in self.session_keys(person, session, now, horizon_ms, min_probability, &mut asked) {
                add(key, p, Rule::Session);
            }
        }

        // Calendar.
        for event in &self.events {
            let Some(phase) = event.phase(now) else { continue };
            let counts = event.counts();
            for (slot, &kind) in CALENDAR_KINDS.iter().enumerate() {
                let rates = [self.calendar_rate(phase, 0, slot), self.calendar_rate(phase, 1, slot)];
                if kind.is_shared() {
                    let expected = (counts[0] * rates[0] + counts[1] * rates[1]) * horizon;
                    let key = if kind == KeyKind::EventPage {
                        Key::EventPage(event.id)
                    } else {
                        Key::AttendeeCount(event.id)
                    };
                    add(key, 1.0 - (-expected).exp(), Rule::Calendar);
                    continue;
                }
                for (presence, rate) in rates.iter().enumerate() {
                    let p = 1.0 - (-rate * horizon).exp();
                    if p < floor {
                        continue;
                    }
                    let mut group: Vec<PersonId> = event
                        .attendees
                        .iter()
                        .copied()
                        .filter(|a| usize::from(event.present.contains(a)) == presence)
                        .collect();
                    group.sort_unstable();
                    for a in group {
                        add(Key::Suggestions(a, event.id), p, Rule::Calendar);
                    }
                }
            }
        }

        // Publications.
        for publication in &self.publications {
            let Some(phase) = publication.phase(now) else { continue };
            let expected = publication.audience.len() as f64 * self.publish_rate(phase) * horizon;
            add(Key::EventPage(publication.event), 1.0 - (-expected).exp(), Rule::Publication);
        }

        // Refresh of shared keys a write just invalidated.
        let window = self.config.refresh_window_ms;
        self.invalidated.retain(|_, at| now < *at + window);
        let mut refresh: Vec<(Key, f64)> =
            self.invalidated.keys().map(|key| (*key, self.refresh_chance(key, now, horizon_ms))).collect();
        refresh.sort_by_key(|&(key, _)| key);
        for (key, p) in refresh {
            add(key, p, Rule::Refresh);
        }
        chances.at_least(min_probability)
    }

    /// The catalog, to tell it the lists as they are served ([`crate::NodeCatalog::served`]). The
    /// calendar was read when the predictor was made: a change to it here goes unseen.
    pub fn catalog_mut(&mut self) -> &mut C {
        &mut self.catalog
    }

    /// The session rule for one person at `now`, as a tick would give it: asked right after the
    /// person's connect or read, since the next screen comes before the next tick.
    pub fn predict_session(
        &mut self,
        person: PersonId,
        now: u64,
        horizon_ms: u64,
        min_probability: f64,
    ) -> Vec<Prediction> {
        self.advance(now);
        let mut chances = Chances::new(min_probability);
        if let Some(session) = self.sessions.get(&person).filter(|s| s.open) {
            let keys =
                self.session_keys(person, session, now, horizon_ms, min_probability, &mut SessionTables::default());
            for (key, p) in keys {
                chances.add(key, p, Rule::Session);
            }
        }
        chances.at_least(min_probability)
    }

    /// The keys the session rule names for one open session at `now`, each with its chance: from
    /// the pair of last steps when it has been seen often enough, else the last step alone.
    /// `asked` keeps the tables and targets already worked out, for a tick that asks for everyone.
    fn session_keys(
        &self,
        person: PersonId,
        session: &Session,
        now: u64,
        horizon_ms: u64,
        min_probability: f64,
        asked: &mut SessionTables,
    ) -> Vec<(Key, f64)> {
        let elapsed = quantize(now.saturating_sub(session.last_ms));
        if elapsed >= self.config.session_timeout_ms {
            return Vec::new();
        }
        let [first, second] = session.states();
        for state in [second, first] {
            asked.tables.entry(state).or_insert_with(|| self.state_table(state, now));
        }
        let state = if asked.tables[&second].support() >= self.config.second_order_support { second } else { first };
        let floor = Chances::floor(min_probability);
        let tables = &asked.tables;
        let targets = asked
            .targets
            .entry((state, elapsed))
            .or_insert_with(|| self.next_targets(&tables[&state], elapsed, horizon_ms, floor));
        targets
            .iter()
            .filter_map(|&(target, p)| {
                let (kind, relation) = target_of(target);
                self.resolve(person, session, kind, relation, now).map(|key| (key, p))
            })
            .collect()
    }

    /// The chance that a shared key is read within `horizon_ms` of `now`, at the rate it has been
    /// read lately: the refresh rule, which a write path can ask right after it invalidates a key.
    pub fn refresh_chance(&self, key: &Key, now: u64, horizon_ms: u64) -> f64 {
        let Some(&(count, at)) = self.key_rates.get(key) else { return 0.0 };
        let tau = self.config.key_rate_tau_ms as f64;
        let rate = count * (-(now.saturating_sub(at) as f64) / tau).exp() / tau;
        1.0 - (-rate * horizon_ms as f64).exp()
    }

    /// The expected distinct keys and reads of the next `horizon_ms`: what the last `horizon_ms`
    /// brought outside the calendar rule (persistence), plus what the calendar rule's rates give
    /// the events whose window overlaps the horizon, at their present attendance.
    pub fn hot_set(&self, now: u64, horizon_ms: u64) -> HotSet {
        let since = now.saturating_sub(horizon_ms);
        let mut distinct: Set<Key> = Set::default();
        let mut requests = 0.0;
        let mut bytes = 0.0;
        for read in self.recent.iter().rev() {
            if read.at_ms < since {
                break;
            }
            if !read.calendar_read {
                requests += 1.0;
                if distinct.insert(read.key) {
                    bytes += f64::from(read.bytes);
                }
            }
        }
        let mut distinct_keys = distinct.len() as f64;
        let mean_size = |kind: KeyKind| {
            let (total, count) = self.sizes[kind.index()];
            if count > 0.0 {
                total / count
            } else {
                0.0
            }
        };

        let step_ms = MINUTE_MS;
        for event in &self.events {
            let counts = event.counts();
            let mut integrated = [[0.0f64; 2]; 3];
            let mut t = now;
            while t < now + horizon_ms {
                if let Some(phase) = event.door_phase(t) {
                    for (slot, cells) in integrated.iter_mut().enumerate() {
                        for (presence, cell) in cells.iter_mut().enumerate() {
                            *cell += self.calendar_rate(phase, presence, slot) * step_ms as f64;
                        }
                    }
                }
                t += step_ms;
            }
            for (slot, &kind) in CALENDAR_KINDS.iter().enumerate() {
                let expected: f64 = (0..2).map(|s| counts[s] * integrated[slot][s]).sum();
                requests += expected;
                let keys = if kind.is_shared() {
                    1.0 - (-expected).exp()
                } else {
                    (0..2).map(|s| counts[s] * (1.0 - (-integrated[slot][s]).exp())).sum::<f64>()
                };
                distinct_keys += keys;
                bytes += keys * mean_size(kind);
            }
        }
        HotSet { horizon_ms, distinct_keys, requests, bytes }
    }
}

/// A read of the last hour, for [`Predictor::hot_set`].
#[derive(Clone, Copy, Debug)]
struct Recent {
    at_ms: u64,
    key: Key,
    bytes: u32,
    /// Whether the calendar rule accounts for this read (so persistence must not count it twice).
    calendar_read: bool,
}

/// One state's cumulated counts, see [`Predictor::state_table`].
struct StepTable {
    targets: Vec<(usize, [f64; GAP_BINS + 1])>,
    all: [f64; GAP_BINS + 1],
    ended: f64,
    /// Turns the stored counts into decayed counts at the time of the prediction.
    scale: f64,
}

impl StepTable {
    /// How many (decayed) sessions passed through the state: what its probabilities rest on.
    fn support(&self) -> f64 {
        (self.all[GAP_BINS] + self.ended) * self.scale
    }
}

/// The count of gaps shorter than `at_ms` in a cumulated row, interpolating within a bin.
fn cumulative(row: &[f64; GAP_BINS + 1], at_ms: u64, timeout_ms: u64) -> f64 {
    let mut low = 0;
    for bin in 0..GAP_BINS {
        let high = GAP_EDGES_MS.get(bin).copied().unwrap_or(timeout_ms.max(low + 1));
        if at_ms < high {
            let share = (at_ms - low) as f64 / (high - low) as f64;
            return row[bin] + (row[bin + 1] - row[bin]) * share;
        }
        low = high;
    }
    row[GAP_BINS]
}

/// Elapsed time rounded down to a quarter of its gap bin, so people who waited about as long
/// share one computed distribution.
fn quantize(elapsed_ms: u64) -> u64 {
    let mut low = 0;
    for &high in &GAP_EDGES_MS {
        if elapsed_ms < high {
            let quarter = (high - low) / 4;
            return low + (elapsed_ms - low) / quarter.max(1) * quarter;
        }
        low = high;
    }
    let quarter = 60_000;
    low + (elapsed_ms - low) / quarter * quarter
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Trace, TraceConfig, HOUR_MS};

    #[test]
    fn relations_round_trip_through_their_index() {
        for i in 0..RELATIONS {
            assert_eq!(Relation::from_index(i).index(), i);
        }
        for i in 0..TARGETS {
            let (kind, relation) = target_of(i);
            assert_eq!(target_index(kind, relation), i);
        }
    }

    fn predictions_until(trace: &Trace, cut_ms: u64, ticks: &[u64]) -> Vec<Vec<Prediction>> {
        let mut predictor = Predictor::new(&trace.world, PredictorConfig::default());
        let mut items = trace.items.iter().filter(|item| item.at_ms < cut_ms).peekable();
        let mut answers = Vec::new();
        for &tick in ticks {
            while let Some(item) = items.next_if(|item| item.at_ms < tick) {
                predictor.observe(item);
            }
            answers.push(predictor.predict(tick, 2 * MINUTE_MS, 0.05));
        }
        answers
    }

    #[test]
    fn predictions_never_depend_on_what_comes_later() {
        let trace = Trace::generate(&TraceConfig::new(3, 600));
        let cut = 11 * HOUR_MS;
        let ticks: Vec<u64> = (0..cut).step_by(10 * MINUTE_MS as usize).collect();
        let whole = predictions_until(&trace, u64::MAX, &ticks);
        // The same day, but everything after the cut is different: a later part of the trace,
        // shifted back, stands in for it.
        let mut altered = Trace::generate(&TraceConfig::new(3, 600));
        let later: Vec<Item> = altered.items.iter().filter(|i| i.at_ms >= cut + 3 * HOUR_MS).copied().collect();
        altered.items.retain(|i| i.at_ms < cut);
        altered.items.extend(later.into_iter().map(|i| Item { at_ms: i.at_ms - 3 * HOUR_MS, ..i }));
        let changed = predictions_until(&altered, u64::MAX, &ticks);
        assert_eq!(whole, changed);
        assert!(whole.iter().any(|p| !p.is_empty()), "the predictor should predict something by 11:00");
    }

    #[test]
    fn the_calendar_rule_learns_that_attendees_arrive() {
        let trace = Trace::generate(&TraceConfig::new(5, 1_500));
        let mut predictor = Predictor::new(&trace.world, PredictorConfig::default());
        // Feed the day until the last big event's doors, then look at its phase rates.
        let last_doors = trace.world.calendar().iter().map(|e| e.doors_ms).max().unwrap_or(0);
        for item in trace.items.iter().filter(|i| i.at_ms < last_doors) {
            predictor.observe(item);
        }
        let suggestions = calendar_slot(KeyKind::Suggestions).expect("suggestions are a calendar kind");
        let doors_phase = DOOR_EDGES_MIN.iter().position(|&edge| 0 < edge).expect("a phase after the doors");
        let present = predictor.calendar_rate(doors_phase, 1, suggestions);
        let absent_early = predictor.calendar_rate(0, 0, suggestions);
        assert!(present > 5.0 * absent_early, "present {present} vs absent two hours before {absent_early}");
    }

    /// At each connect, what the session model expects the person to open first: it comes true
    /// more often than not, and people back in the app at an event get their people to meet.
    #[test]
    fn a_connect_predicts_the_first_screen() {
        let trace = Trace::generate(&TraceConfig::new(3, 1_500));
        let mut predictor = Predictor::new(&trace.world, PredictorConfig::default());
        let (mut predicted, mut read, mut at_events) = (0, 0, 0);
        for (i, item) in trace.items.iter().enumerate() {
            predictor.observe(item);
            if item.op != Op::Connect {
                continue;
            }
            let horizon = 2 * MINUTE_MS;
            for p in predictor.predict_session(item.person, item.at_ms, horizon, 0.4) {
                predicted += 1;
                at_events += usize::from(matches!(p.key, Key::Suggestions(..)));
                let came =
                    trace.items[i + 1..].iter().take_while(|later| later.at_ms < item.at_ms + horizon).any(|later| {
                        later.person == item.person && matches!(later.op, Op::Get { key, .. } if key == p.key)
                    });
                read += usize::from(came);
            }
        }
        assert!(predicted > 2_000, "{predicted} predictions at connects");
        assert!(read * 2 > predicted, "{read} of {predicted} read within two minutes");
        assert!(at_events > 1_000, "{at_events} people-to-meet lists predicted at connects");
    }

    #[test]
    fn hot_set_grows_with_the_horizon() {
        let trace = Trace::generate(&TraceConfig::new(2, 800));
        let mut predictor = Predictor::new(&trace.world, PredictorConfig::default());
        for item in trace.items.iter().filter(|i| i.at_ms < 14 * HOUR_MS) {
            predictor.observe(item);
        }
        let short = predictor.hot_set(14 * HOUR_MS, 15 * MINUTE_MS);
        let long = predictor.hot_set(14 * HOUR_MS, 60 * MINUTE_MS);
        assert!(short.distinct_keys > 0.0 && short.requests > 0.0);
        assert!(long.distinct_keys >= short.distinct_keys);
        assert!(long.requests >= short.requests);
    }
}
