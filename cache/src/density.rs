//! Eviction by hit density: a byte-bounded cache that learns, from what its own entries did, which
//! ones are worth their bytes.
//!
//! The rule is least hit density (Beckmann, Chen and Cidon, "LHD: Improving Cache Hit Rate by
//! Maximizing Hit Density", NSDI 2018). Every entry belongs to a class (its kind, and how often its
//! key was read lately as a small frequency sketch counts it, a count that outlives evictions; with
//! unread prefetches a class of their own) and has an age (the reads the cache served since the
//! entry came in or was last read). For every class and age the cache
//! counts how many lifetimes ended there in a hit and how many in an eviction or an invalidation.
//! From those counts it estimates, for an entry of that class at that age, the hits it can still
//! expect over the time it can still expect to stay: its hit density. To make room it samples
//! entries and evicts the one with the lowest density per byte.
//!
//! Unlike TinyLFU it has no admission filter: a new entry comes in and, if its class rarely pays
//! off, is the first to go. That is why it suits prefetching: a prefetched value is judged by how
//! often prefetched values of its kind have been read, not rejected because it has not been read
//! yet, and it needs no staging area.
//!
//! The counts decay, so the estimates follow the day (a crowd at the doors, then a quiet hall), and
//! the age unit doubles or halves so that lifetimes span the histogram.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use crate::key::{accepts, Key, KeyKind, Known, Payload, Versioned};
use crate::tier::{entry_weight, lock, CachePolicy, Clock, Counters, Entry, Stats, Versions};

/// Age buckets per class.
const AGES: usize = 256;
/// Read classes per kind: unread prefetch, then by how often the key was read lately (at most
/// once, twice, 3–4, 5–8, 9 or more times, as the frequency sketch counts).
const READ_CLASSES: usize = 6;
const CLASSES: usize = KeyKind::ALL.len() * READ_CLASSES;
/// Reads between two refreshes of the densities.
const REFRESH_READS: u64 = 1_024;
/// How much of the counts a refresh keeps.
const DECAY: f64 = 0.9;
/// Entries sampled per eviction.
const SAMPLES: usize = 64;
/// Below this many lifetimes seen from an age on, a class borrows the density of all classes.
const MIN_EVENTS: f64 = 8.0;
/// The bytes of a typical entry, to size the frequency sketch from the budget.
const TYPICAL_ENTRY_BYTES: u64 = 2_560;

/// A cache of a byte budget that evicts the entry with the least expected hits per byte and per
/// unit of time it would stay. Like [`crate::Tier`] it keeps fences of recent invalidations (in
/// its budget) and, on a shared clock, floors per kind; unlike it, it can change its budget in
/// place.
pub struct Density {
    inner: Mutex<State>,
    versions: Versions,
    counters: Counters,
    budget_bytes: AtomicU64,
}

struct State {
    /// Bytes for entries: the budget less the fences.
    capacity: u64,
    bytes: u64,
    map: HashMap<Key, usize>,
    held: Vec<Held>,
    /// Reads served so far: the clock ages count in.
    reads: u64,
    model: Model,
    sketch: Sketch,
    /// xorshift state for sampling; fixed, so a replay is reproducible.
    rng: u64,
}

struct Held {
    key: Key,
    entry: Entry,
    weight: u32,
    /// The clock when the entry came in or was last read.
    touched: u64,
}

/// How often each key was read lately, whether or not it is held: a count-min sketch of small
/// counters, all halved every `period` reads so that old popularity fades (TinyLFU's sketch).
struct Sketch {
    rows: [Vec<u8>; 4],
    mask: u64,
    reads: u64,
    period: u64,
}

impl Sketch {
    const MAX: u8 = 15;

    /// A sketch sized for about `entries` keys held at once.
    fn new(entries: u64) -> Self {
        let width = usize::try_from(entries.saturating_mul(4).max(256).next_power_of_two()).unwrap_or(1 << 20);
        Sketch {
            rows: std::array::from_fn(|_| vec![0; width]),
            mask: width as u64 - 1,
            reads: 0,
            period: entries.saturating_mul(10).max(1_000),
        }
    }

    fn slots(&self, key: &Key) -> [usize; 4] {
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let hash = hasher.finish();
        std::array::from_fn(|row| {
            let mixed = (hash ^ (row as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            usize::try_from((mixed >> 29) & self.mask).unwrap_or(0)
        })
    }

    fn estimate(&self, key: &Key) -> u8 {
        self.least(self.slots(key))
    }

    fn least(&self, slots: [usize; 4]) -> u8 {
        self.rows.iter().zip(slots).map(|(row, slot)| row[slot]).min().unwrap_or(0)
    }

    /// Counts a read of `key` (raising only the smallest counters), and halves every counter
    /// once a period is over.
    fn record(&mut self, key: &Key) {
        let slots = self.slots(key);
        let least = self.least(slots);
        if least < Self::MAX {
            for (row, slot) in self.rows.iter_mut().zip(slots) {
                if row[slot] == least {
                    row[slot] += 1;
                }
            }
        }
        self.reads += 1;
        if self.reads >= self.period {
            self.reads = 0;
            for row in &mut self.rows {
                for count in row.iter_mut() {
                    *count /= 2;
                }
            }
        }
    }
}

/// What ended lifetimes taught: hits and ends per class and age, and the densities made of them.
struct Model {
    /// log2 of the reads per age bucket.
    shift: u32,
    hits: Vec<[f64; AGES]>,
    ends: Vec<[f64; AGES]>,
    density: Vec<[f64; AGES]>,
    next_refresh: u64,
}

impl Model {
    fn new() -> Self {
        Model {
            shift: 0,
            hits: vec![[0.0; AGES]; CLASSES],
            ends: vec![[0.0; AGES]; CLASSES],
            // Until the first refresh every entry looks alike, and eviction is random.
            density: vec![[1.0; AGES]; CLASSES],
            next_refresh: REFRESH_READS,
        }
    }

    fn age(&self, touched: u64, now: u64) -> usize {
        usize::try_from(now.saturating_sub(touched) >> self.shift).unwrap_or(AGES - 1).min(AGES - 1)
    }

    fn record_hit(&mut self, class: usize, age: usize) {
        self.hits[class][age] += 1.0;
    }

    fn record_end(&mut self, class: usize, age: usize) {
        self.ends[class][age] += 1.0;
    }

    /// Recomputes every density from the counts, then decays the counts and adapts the age unit.
    fn refresh(&mut self) {
        let mut all_hits = [0.0; AGES];
        let mut all_ends = [0.0; AGES];
        for class in 0..CLASSES {
            for age in 0..AGES {
                all_hits[age] += self.hits[class][age];
                all_ends[age] += self.ends[class][age];
            }
        }
        let (overall, _) = densities(&all_hits, &all_ends);
        for class in 0..CLASSES {
            let (own, events) = densities(&self.hits[class], &self.ends[class]);
            for age in 0..AGES {
                self.density[class][age] = if events[age] >= MIN_EVENTS { own[age] } else { overall[age] };
            }
        }
        let total: f64 = all_hits.iter().chain(all_ends.iter()).sum();
        let last = all_hits[AGES - 1] + all_ends[AGES - 1];
        let top_quarter: f64 = all_hits[AGES / 4..].iter().chain(all_ends[AGES / 4..].iter()).sum();
        for counts in self.hits.iter_mut().chain(self.ends.iter_mut()) {
            for count in counts.iter_mut() {
                *count *= DECAY;
            }
        }
        if total > 0.0 && last > total * 0.01 && self.shift < 40 {
            self.coarsen();
        } else if total > 0.0 && top_quarter < total * 0.001 && self.shift > 0 {
            self.refine();
        }
    }

    /// Doubles the age unit: two buckets become one.
    fn coarsen(&mut self) {
        self.shift += 1;
        for counts in self.hits.iter_mut().chain(self.ends.iter_mut()).chain(self.density.iter_mut()) {
            let merged: [f64; AGES] = std::array::from_fn(|age| match (counts.get(2 * age), counts.get(2 * age + 1)) {
                (Some(a), Some(b)) => a + b,
                _ => 0.0,
            });
            *counts = merged;
        }
        for density in &mut self.density {
            for value in density.iter_mut() {
                *value /= 2.0;
            }
        }
        // The upper half now stands for ages never measured at the old unit: they take the density
        // of the oldest age that was.
        for density in &mut self.density {
            let last = density[AGES / 2 - 1];
            for value in &mut density[AGES / 2..] {
                *value = last;
            }
        }
    }

    /// Halves the age unit: a bucket becomes two, its counts shared between them.
    fn refine(&mut self) {
        self.shift -= 1;
        for counts in self.hits.iter_mut().chain(self.ends.iter_mut()) {
            *counts = std::array::from_fn(|age| counts[age / 2] / 2.0);
        }
        for density in &mut self.density {
            *density = std::array::from_fn(|age| density[age / 2]);
        }
    }
}

/// For one histogram of hits and ends by age: the hit density at each age (hits still to come per
/// entry and per unit of age still to live), and the lifetimes seen from that age on.
fn densities(hits: &[f64; AGES], ends: &[f64; AGES]) -> ([f64; AGES], [f64; AGES]) {
    let mut density = [0.0; AGES];
    let mut events = [0.0; AGES];
    let (mut hits_above, mut events_above, mut life_above) = (0.0, 0.0, 0.0);
    for age in (0..AGES).rev() {
        hits_above += hits[age];
        events_above += hits[age] + ends[age];
        // Every lifetime still running at this age lives through this bucket.
        life_above += events_above;
        density[age] = if life_above > 0.0 { hits_above / life_above } else { 0.0 };
        events[age] = events_above;
    }
    (density, events)
}

impl State {
    fn next_random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.rng = x;
        x
    }

    fn class(&self, held: &Held) -> usize {
        let read_class = if held.entry.unread_prefetch() {
            0
        } else {
            match self.sketch.estimate(&held.key) {
                0 | 1 => 1,
                2 => 2,
                3 | 4 => 3,
                5..=8 => 4,
                _ => 5,
            }
        };
        held.key.kind().index() * READ_CLASSES + read_class
    }

    fn rank(&self, held: &Held) -> f64 {
        let age = self.model.age(held.touched, self.reads);
        self.model.density[self.class(held)][age] / f64::from(held.weight.max(1))
    }

    /// Takes entry `i` out, counting the end of its lifetime.
    fn remove_at(&mut self, i: usize) -> Held {
        let held = self.held.swap_remove(i);
        if let Some(moved) = self.held.get(i) {
            self.map.insert(moved.key, i);
        }
        self.map.remove(&held.key);
        self.bytes -= u64::from(held.weight);
        let age = self.model.age(held.touched, self.reads);
        let class = self.class(&held);
        self.model.record_end(class, age);
        held
    }

    /// The sampled entry with the least density per byte, never `spare`.
    fn victim(&mut self, spare: Option<&Key>) -> Option<usize> {
        let count = self.held.len();
        let mut best: Option<(usize, f64)> = None;
        for n in 0..count.min(SAMPLES) {
            let i = if count <= SAMPLES { n } else { usize::try_from(self.next_random() % count as u64).unwrap_or(0) };
            if Some(&self.held[i].key) == spare {
                continue;
            }
            let rank = self.rank(&self.held[i]);
            if best.is_none_or(|(_, lowest)| rank.total_cmp(&lowest).is_lt()) {
                best = Some((i, rank));
            }
        }
        best.map(|(i, _)| i)
    }

    /// Evicts until the entries fit, never `spare`; answers how many prefetched values left
    /// unread.
    fn make_room(&mut self, spare: Option<&Key>) -> u64 {
        let mut wasted = 0;
        while self.bytes > self.capacity {
            let Some(i) = self.victim(spare) else { break };
            if self.remove_at(i).entry.unread_prefetch() {
                wasted += 1;
            }
        }
        wasted
    }
}

impl Density {
    /// A tier using at most `budget_bytes`, its fences included. Versions count per key, as in
    /// the replay.
    pub fn new(budget_bytes: u64) -> Self {
        Self::with_clock(budget_bytes, Clock::PerKey)
    }

    /// A tier whose versions all come from `clock`.
    pub fn with_clock(budget_bytes: u64, clock: Clock) -> Self {
        let versions = Versions::new(budget_bytes, clock);
        let capacity = budget_bytes.saturating_sub(versions.reserved_bytes());
        let state = State {
            capacity,
            bytes: 0,
            map: HashMap::new(),
            held: Vec::new(),
            reads: 0,
            model: Model::new(),
            sketch: Sketch::new(capacity / TYPICAL_ENTRY_BYTES),
            rng: 0x9E37_79B9_7F4A_7C15,
        };
        Density {
            inner: Mutex::new(state),
            versions,
            counters: Counters::default(),
            budget_bytes: AtomicU64::new(budget_bytes),
        }
    }

    /// The budget the tier keeps to now.
    pub fn budget_bytes(&self) -> u64 {
        self.budget_bytes.load(Ordering::Relaxed)
    }

    /// Changes the budget in place, evicting by the same rule when it shrinks. What the tier has
    /// learned stays; the fences keep the bytes they were given.
    pub fn set_budget(&self, budget_bytes: u64) {
        let mut state = lock(&self.inner);
        state.capacity = budget_bytes.saturating_sub(self.versions.reserved_bytes());
        self.budget_bytes.store(budget_bytes, Ordering::Relaxed);
        let wasted = state.make_room(None);
        self.counters.prefetch_wasted.fetch_add(wasted, Ordering::Relaxed);
    }

    /// Makes every value of `kind` older than `version` stale at once: a write that changed them
    /// all. Only meaningful with a shared clock.
    pub fn invalidate_kind(&self, kind: KeyKind, version: u64) {
        self.versions.raise_floor(kind, version);
    }

    /// Makes every value older than `version` stale and drops them all: what a node does when it
    /// may have missed invalidations.
    pub fn invalidate_all(&self, version: u64) {
        for kind in KeyKind::ALL {
            self.versions.raise_floor(kind, version);
        }
        let mut state = lock(&self.inner);
        while let Some(last) = state.held.len().checked_sub(1) {
            if state.remove_at(last).entry.unread_prefetch() {
                Counters::add(&self.counters.prefetch_wasted);
            }
        }
    }

    /// Every value held.
    #[cfg(test)]
    fn entries(&self) -> Vec<(Key, Versioned<Payload>)> {
        lock(&self.inner).held.iter().map(|h| (h.key, h.entry.value.clone())).collect()
    }

    fn store(&self, key: Key, entry: Entry, refill: bool) -> bool {
        let mut state = lock(&self.inner);
        let incoming = entry.value.version;
        let held = state.map.get(&key).map(|&i| Known::Value(state.held[i].entry.value.version));
        let allowed = accepts(held, incoming) && self.versions.allows(&key, incoming);
        if !allowed {
            if refill {
                Counters::add(&self.counters.refused_stale);
            }
            return false;
        }
        let weight = entry_weight(&entry.value);
        if u64::from(weight) > state.capacity {
            return false;
        }
        if let Some(&i) = state.map.get(&key) {
            if state.remove_at(i).entry.unread_prefetch() {
                Counters::add(&self.counters.prefetch_wasted);
            }
        }
        let prefetched = entry.prefetch.is_some();
        let touched = state.reads;
        state.held.push(Held { key, entry, weight, touched });
        let at = state.held.len() - 1;
        state.map.insert(key, at);
        state.bytes += u64::from(weight);
        let wasted = state.make_room(Some(&key));
        self.counters.prefetch_wasted.fetch_add(wasted, Ordering::Relaxed);
        if prefetched {
            Counters::add(&self.counters.prefetched);
        }
        true
    }
}

impl CachePolicy for Density {
    fn name(&self) -> &'static str {
        "density"
    }

    fn get(&self, key: &Key) -> Option<Versioned<Payload>> {
        let mut state = lock(&self.inner);
        state.reads += 1;
        if state.reads >= state.model.next_refresh {
            state.model.refresh();
            state.model.next_refresh = state.reads + REFRESH_READS;
        }
        let found = state.map.get(key).copied();
        let Some(i) = found.filter(|&i| !self.versions.below_kind_floor(key, state.held[i].entry.value.version)) else {
            if let Some(i) = found {
                // Made stale by a write to its whole kind: it goes now.
                if state.remove_at(i).entry.unread_prefetch() {
                    Counters::add(&self.counters.prefetch_wasted);
                }
            }
            state.sketch.record(key);
            self.counters.miss(key);
            return None;
        };
        let now = state.reads;
        let age = state.model.age(state.held[i].touched, now);
        let class = state.class(&state.held[i]);
        state.model.record_hit(class, age);
        state.sketch.record(key);
        let held = &mut state.held[i];
        if held.entry.first_read_of_prefetch() {
            Counters::add(&self.counters.prefetch_used);
        }
        held.touched = now;
        self.counters.hit(key);
        Some(held.entry.value.clone())
    }

    fn put(&self, key: Key, value: Versioned<Payload>) -> bool {
        self.store(key, Entry::filled(value), true)
    }

    fn prefetch_put(&self, key: Key, value: Versioned<Payload>) -> bool {
        if self.contains(&key) {
            return false;
        }
        self.store(key, Entry::prefetched(value), false)
    }

    fn invalidate(&self, key: &Key, version: u64) {
        // The fence first: a refill that checks after it is refused, and one that stored before
        // it is removed just below.
        self.versions.note(*key, version);
        let mut state = lock(&self.inner);
        if let Some(&i) = state.map.get(key) {
            if state.remove_at(i).entry.unread_prefetch() {
                Counters::add(&self.counters.prefetch_wasted);
            }
        }
    }

    fn contains(&self, key: &Key) -> bool {
        let state = lock(&self.inner);
        state.map.get(key).is_some_and(|&i| !self.versions.below_kind_floor(key, state.held[i].entry.value.version))
    }

    fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    fn weighted_bytes(&self) -> u64 {
        lock(&self.inner).bytes + self.versions.reserved_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::{EventId, PersonId};
    use crate::tier::tests::{profile, value};
    use crate::tier::Lru;

    /// Hits on a hot set of 40 keys read in turn while a scan of keys read once each passes
    /// through, after a warm-up: the hot set alone fits the budget, hot set and scan do not.
    fn hot_hits(policy: &dyn CachePolicy) -> u64 {
        let mut hot_hits = 0;
        let mut scan = 1_000_000;
        for round in 0..200u128 {
            for i in 0..40 {
                let key = profile(i);
                match policy.get(&key) {
                    Some(_) if round >= 100 => hot_hits += 1,
                    Some(_) => {}
                    None => {
                        policy.put(key, value(0, 1_000));
                    }
                }
                for _ in 0..2 {
                    scan += 1;
                    if policy.get(&profile(scan)).is_none() {
                        policy.put(profile(scan), value(0, 1_000));
                    }
                }
            }
        }
        hot_hits
    }

    #[test]
    fn it_learns_to_keep_a_hot_set_that_a_scan_flushes_from_lru() {
        let budget = 64 * 1024;
        let density = hot_hits(&Density::new(budget));
        let lru = hot_hits(&Lru::new(budget));
        let reads = 100 * 40;
        assert!(density > reads * 8 / 10, "hit density kept {density} of {reads} hot reads");
        assert!(lru < reads / 10, "LRU kept {lru} of {reads}: the trace does not test what it should");
    }

    #[test]
    fn the_same_reads_make_the_same_choices() {
        let budget = 64 * 1024;
        assert_eq!(hot_hits(&Density::new(budget)), hot_hits(&Density::new(budget)));
    }

    #[test]
    fn a_write_to_a_whole_kind_stales_its_older_values_only() {
        let tier = Density::with_clock(1 << 20, Clock::Shared);
        let (a, b, page) = (Key::Recommendations(PersonId(1)), Key::Recommendations(PersonId(2)), profile(3));
        tier.put(a, value(10, 100));
        tier.prefetch_put(b, value(11, 100));
        tier.put(page, value(9, 100));
        tier.invalidate_kind(KeyKind::Recommendations, 12);
        assert!(!tier.contains(&a), "a stale value is not counted as held");
        assert!(tier.get(&a).is_none() && tier.get(&b).is_none(), "values from before the write are stale");
        assert!(tier.get(&page).is_some(), "other kinds keep theirs");
        assert!(!tier.put(a, value(11, 100)), "a load that started before the write is refused");
        assert!(tier.put(a, value(12, 100)));
        assert_eq!(tier.get(&a).map(|v| v.version), Some(12));
        assert_eq!(tier.stats().prefetch_wasted, 1);
        tier.invalidate_all(13);
        assert!(tier.entries().is_empty());
        assert!(tier.get(&a).is_none() && tier.get(&page).is_none());
        assert!(!tier.put(page, value(12, 100)) && tier.put(page, value(13, 100)));
    }

    #[test]
    fn a_smaller_budget_evicts_at_once_and_a_larger_one_fills() {
        let tier = Density::new(1 << 20);
        for i in 0..600 {
            tier.put(Key::Suggestions(PersonId(i), EventId(1)), value(0, 1_500));
        }
        assert!(tier.weighted_bytes() > 3 * (1 << 20) / 4);
        tier.set_budget(256 * 1024);
        assert_eq!(tier.budget_bytes(), 256 * 1024);
        assert!(tier.weighted_bytes() <= 256 * 1024, "{} bytes after shrinking", tier.weighted_bytes());
        tier.set_budget(1 << 20);
        for i in 600..1_200 {
            tier.put(Key::Suggestions(PersonId(i), EventId(1)), value(0, 1_500));
        }
        assert!(tier.weighted_bytes() > 3 * (1 << 20) / 4 && tier.weighted_bytes() <= 1 << 20);
    }

    #[test]
    fn a_value_larger_than_the_budget_is_not_kept() {
        let tier = Density::new(64 * 1024);
        assert!(!tier.put(profile(1), value(0, 100 * 1024)));
        assert!(tier.entries().is_empty() && tier.weighted_bytes() <= 64 * 1024);
    }

    #[test]
    fn densities_favour_the_class_whose_lifetimes_end_in_hits() {
        let mut hits = [0.0; AGES];
        let mut ends = [0.0; AGES];
        hits[2] = 90.0;
        ends[2] = 10.0;
        let (reused, _) = densities(&hits, &ends);
        let (never, events) = densities(&[0.0; AGES], &ends);
        assert!(reused[0] > 0.0 && never[0] == 0.0);
        assert_eq!(events[0], 10.0);
        assert_eq!(reused[3], 0.0, "past every lifetime seen, nothing more is expected");
    }
}
