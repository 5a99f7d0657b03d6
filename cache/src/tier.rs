//! The policies the replay compares, behind one trait, and what they share.
//!
//! [`Tier`] is `moka`'s TinyLFU-admitted cache bounded in bytes, plus an optional staging area for
//! prefetched values: the baseline, and the first predictive tier. [`Lru`] is the same contract
//! over a plain least-recently-used list, and [`NoCache`] keeps nothing; the replay swaps them,
//! and the tier a server node runs ([`crate::density::Density`]), through [`CachePolicy`].
//!
//! Why a staging area: TinyLFU admits a new key into a full cache only when the key has been read
//! more often than the entry it would evict. A prefetched key has, by definition, not been read
//! yet, so a prefetch into a full moka cache is rejected on the spot (the replay measures this:
//! see `README.md`). Prefetched values therefore wait in a small LRU area carved out of the same
//! byte budget; on their first hit they move to the main cache, where moka's admission judges them
//! like any other refill. Memory comparisons stay fair: the staging area and the main cache
//! together never exceed the budget.
//!
//! Versions: every write invalidates with the version it produced, and the tier remembers the
//! newest invalidations in a small, bounded set of fences. A refill built before the write carries
//! the older version and is refused, so a slow load can never put back what a write removed. The
//! fence memory is counted in the budget.
//!
//! A server node builds its tier with [`Clock::Shared`] (the fences and floors are `Versions`,
//! shared by `Tier` and `Density`): every version comes from one clock (a write takes the next
//! tick; a load is stamped with the tick it started at). Then a forgotten fence can leave a floor
//! behind (no refill older than the newest fence forgotten is taken), and a write that changes
//! every key of a kind (a model swap, a new event on every list) is one floor for the kind rather
//! than one fence per key. The replay's versions count per key, so its tiers
//! use [`Clock::PerKey`], where a floor would compare unrelated counters and neither applies.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, VecDeque};
use std::hash::BuildHasherDefault;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use moka::notification::RemovalCause;
use moka::ops::compute::Op;

use crate::key::{accepts, Key, KeyKind, Known, Payload, Versioned};

/// Bytes charged per entry on top of its payload: the key, the version, the map and list links.
/// An estimate, charged the same way by every policy so budgets compare.
pub const ENTRY_OVERHEAD: u32 = 128;

/// Bytes charged per remembered invalidation (key, version, map slot, queue slot).
pub const FENCE_BYTES: u64 = 96;

/// How many invalidations a tier remembers at most. A fence only has to outlive the slowest load
/// that could race the write; 1,024 covers minutes of writes at the rates the replay sees.
pub const FENCE_CAPACITY: usize = 1024;

/// The bytes an entry holding `value` is charged.
pub fn entry_weight(value: &Versioned<Payload>) -> u32 {
    weight_of(u32::try_from(value.value.len()).unwrap_or(u32::MAX))
}

/// The bytes an entry holding a value of `len` bytes is charged.
pub fn weight_of(len: u32) -> u32 {
    len.saturating_add(ENTRY_OVERHEAD)
}

/// What every policy the replay compares can do. Methods take `&self` so a tier can be shared by
/// a server's tasks; the replay drives them from one thread.
pub trait CachePolicy: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &'static str;
    /// The value under `key`, counting a hit or a miss. A key invalidated since it was filled is a
    /// miss until it is filled again.
    fn get(&self, key: &Key) -> Option<Versioned<Payload>>;
    /// Fills `key` after a miss, under the version rule; answers whether the value was kept.
    fn put(&self, key: Key, value: Versioned<Payload>) -> bool;
    /// Fills `key` ahead of a predicted read. Its first hit counts as a used prefetch; if it leaves
    /// the cache unread it counts as wasted.
    fn prefetch_put(&self, key: Key, value: Versioned<Payload>) -> bool;
    /// Drops `key` because a write produced `version`; older refills are refused from now on.
    fn invalidate(&self, key: &Key, version: u64);
    /// Whether a fresh value for `key` is held, without counting a read.
    fn contains(&self, key: &Key) -> bool;
    /// The counters so far.
    fn stats(&self) -> Stats;
    /// Bytes in use, entries and fences together.
    fn weighted_bytes(&self) -> u64;
    /// Runs deferred bookkeeping (eviction, admission, listeners) now. The replay calls it after
    /// every write so budgets and counters are exact at each step.
    fn run_maintenance(&self) {}
}

/// A snapshot of a policy's counters.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub hits: [u64; 6],
    pub misses: [u64; 6],
    /// Values put by `prefetch_put` and kept.
    pub prefetched: u64,
    /// Prefetched values read at least once.
    pub prefetch_used: u64,
    /// Prefetched values that left the cache (evicted, invalidated, replaced) unread.
    pub prefetch_wasted: u64,
    /// Refills refused by the version rule.
    pub refused_stale: u64,
}

impl Stats {
    pub fn hits_total(&self) -> u64 {
        self.hits.iter().sum()
    }

    pub fn misses_total(&self) -> u64 {
        self.misses.iter().sum()
    }

    pub fn hits_of(&self, kind: KeyKind) -> u64 {
        self.hits[kind.index()]
    }

    pub fn misses_of(&self, kind: KeyKind) -> u64 {
        self.misses[kind.index()]
    }

    /// These counters and `other`'s together: a tier's and those of the tiers it replaced.
    pub fn add(&self, other: &Stats) -> Stats {
        Stats {
            hits: std::array::from_fn(|i| self.hits[i] + other.hits[i]),
            misses: std::array::from_fn(|i| self.misses[i] + other.misses[i]),
            prefetched: self.prefetched + other.prefetched,
            prefetch_used: self.prefetch_used + other.prefetch_used,
            prefetch_wasted: self.prefetch_wasted + other.prefetch_wasted,
            refused_stale: self.refused_stale + other.refused_stale,
        }
    }
}

/// The shared atomic form of [`Stats`], which moka's eviction listener also writes.
#[derive(Default)]
pub(crate) struct Counters {
    hits: [AtomicU64; 6],
    misses: [AtomicU64; 6],
    pub(crate) prefetched: AtomicU64,
    pub(crate) prefetch_used: AtomicU64,
    pub(crate) prefetch_wasted: AtomicU64,
    pub(crate) refused_stale: AtomicU64,
}

impl Counters {
    pub(crate) fn hit(&self, key: &Key) {
        self.hits[key.kind().index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn miss(&self, key: &Key) {
        self.misses[key.kind().index()].fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn add(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn snapshot(&self) -> Stats {
        let load = |c: &AtomicU64| c.load(Ordering::Relaxed);
        Stats {
            hits: std::array::from_fn(|i| load(&self.hits[i])),
            misses: std::array::from_fn(|i| load(&self.misses[i])),
            prefetched: load(&self.prefetched),
            prefetch_used: load(&self.prefetch_used),
            prefetch_wasted: load(&self.prefetch_wasted),
            refused_stale: load(&self.refused_stale),
        }
    }
}

/// A cached value and, for a prefetched one, whether it has been read yet. The flag is shared by
/// the clones moka hands out, so the first reader and the eviction listener see the same answer.
#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) value: Versioned<Payload>,
    pub(crate) prefetch: Option<Arc<AtomicBool>>,
}

impl Entry {
    pub(crate) fn filled(value: Versioned<Payload>) -> Self {
        Entry { value, prefetch: None }
    }

    pub(crate) fn prefetched(value: Versioned<Payload>) -> Self {
        Entry { value, prefetch: Some(Arc::new(AtomicBool::new(false))) }
    }

    /// Marks a read; answers whether this was the first read of a prefetched value.
    pub(crate) fn first_read_of_prefetch(&self) -> bool {
        self.prefetch.as_ref().is_some_and(|used| !used.swap(true, Ordering::Relaxed))
    }

    /// Whether this is a prefetched value nobody has read.
    pub(crate) fn unread_prefetch(&self) -> bool {
        self.prefetch.as_ref().is_some_and(|used| !used.load(Ordering::Relaxed))
    }
}

/// Locks a mutex, carrying on with the data if a panicking thread poisoned it: every structure
/// behind these locks stays consistent between method calls, so the data is still sound.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Where the versions a tier compares come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Each key counts its own writes (the replay).
    PerKey,
    /// One clock for every key (a server node): versions of different keys compare.
    Shared,
}

/// The newest invalidation versions of recently written keys, oldest forgotten first.
struct Fences {
    capacity: usize,
    newest: HashMap<Key, u64>,
    order: VecDeque<Key>,
    /// With a shared clock, the newest version of any fence forgotten: no refill older than it is
    /// taken, since it may have raced a write whose fence is gone. Always 0 with per-key clocks.
    floor: u64,
    clock: Clock,
}

impl Fences {
    fn new(capacity: usize, clock: Clock) -> Self {
        Fences { capacity, newest: HashMap::new(), order: VecDeque::new(), floor: 0, clock }
    }

    fn reserved_bytes(&self) -> u64 {
        self.capacity as u64 * FENCE_BYTES
    }

    fn note(&mut self, key: Key, version: u64) {
        if self.capacity == 0 {
            return;
        }
        match self.newest.get_mut(&key) {
            Some(known) => *known = (*known).max(version),
            None => {
                if self.order.len() == self.capacity {
                    if let Some(oldest) = self.order.pop_front() {
                        let forgotten = self.newest.remove(&oldest).unwrap_or(0);
                        if self.clock == Clock::Shared {
                            self.floor = self.floor.max(forgotten);
                        }
                    }
                }
                self.newest.insert(key, version);
                self.order.push_back(key);
            }
        }
    }

    fn known(&self, key: &Key) -> Option<Known> {
        let newest = self.newest.get(key).copied().unwrap_or(0).max(self.floor);
        (newest > 0 || self.newest.contains_key(key)).then_some(Known::Invalidated(newest))
    }
}

/// How many fences a budget affords: [`FENCE_CAPACITY`], but never more than a sixteenth of it.
fn fence_capacity(budget_bytes: u64) -> usize {
    let affordable = budget_bytes / 16 / FENCE_BYTES;
    usize::try_from(affordable).unwrap_or(usize::MAX).min(FENCE_CAPACITY)
}

/// What a tier knows of writes, shared by its threads: the fences of recent invalidations, and
/// with a shared clock, per kind, the floor under which no value of the kind is fresh.
pub(crate) struct Versions {
    fences: Mutex<Fences>,
    kind_floors: [AtomicU64; 6],
}

impl Versions {
    /// The fences a tier of `budget_bytes` affords, on `clock`.
    pub(crate) fn new(budget_bytes: u64, clock: Clock) -> Self {
        Versions {
            fences: Mutex::new(Fences::new(fence_capacity(budget_bytes), clock)),
            kind_floors: Default::default(),
        }
    }

    /// The bytes the fences are charged.
    pub(crate) fn reserved_bytes(&self) -> u64 {
        lock(&self.fences).reserved_bytes()
    }

    /// Remembers that a write to `key` produced `version`.
    pub(crate) fn note(&self, key: Key, version: u64) {
        lock(&self.fences).note(key, version);
    }

    /// The newest invalidation remembered for `key`, if any.
    fn known(&self, key: &Key) -> Option<Known> {
        lock(&self.fences).known(key)
    }

    /// Makes every value of `kind` older than `version` stale.
    pub(crate) fn raise_floor(&self, kind: KeyKind, version: u64) {
        self.kind_floors[kind.index()].fetch_max(version, Ordering::Relaxed);
    }

    /// Whether a value of `version` for `key` is older than a write to its whole kind.
    pub(crate) fn below_kind_floor(&self, key: &Key, version: u64) -> bool {
        version < self.kind_floors[key.kind().index()].load(Ordering::Relaxed)
    }

    /// Whether a value of `version` for `key` may be taken: no fence and no floor refuses it.
    pub(crate) fn allows(&self, key: &Key, version: u64) -> bool {
        !self.below_kind_floor(key, version) && accepts(self.known(key), version)
    }
}

const NIL: usize = usize::MAX;

/// A least-recently-used list bounded in bytes: a map into a slab of doubly linked slots.
struct LruList<V> {
    capacity: u64,
    bytes: u64,
    map: HashMap<Key, usize>,
    slots: Vec<Slot<V>>,
    free: Vec<usize>,
    /// Most recently used.
    head: usize,
    /// Least recently used: the next to go.
    tail: usize,
}

struct Slot<V> {
    key: Key,
    value: Option<V>,
    weight: u32,
    prev: usize,
    next: usize,
}

impl<V> LruList<V> {
    fn new(capacity: u64) -> Self {
        LruList { capacity, bytes: 0, map: HashMap::new(), slots: Vec::new(), free: Vec::new(), head: NIL, tail: NIL }
    }

    fn contains(&self, key: &Key) -> bool {
        self.map.contains_key(key)
    }

    fn peek(&self, key: &Key) -> Option<&V> {
        self.map.get(key).and_then(|&i| self.slots[i].value.as_ref())
    }

    /// The value under `key`, which becomes the most recently used.
    fn get(&mut self, key: &Key) -> Option<&V> {
        let i = *self.map.get(key)?;
        self.unlink(i);
        self.push_front(i);
        self.slots[i].value.as_ref()
    }

    fn remove(&mut self, key: &Key) -> Option<V> {
        let i = self.map.remove(key)?;
        Some(self.release(i))
    }

    /// Inserts or replaces `key`, then evicts from the cold end until the bytes fit. Answers what
    /// left: the replaced value, evicted values, or the new value itself when it alone is larger
    /// than the whole list.
    fn insert(&mut self, key: Key, value: V, weight: u32) -> Vec<(Key, V)> {
        let mut gone = Vec::new();
        if u64::from(weight) > self.capacity {
            gone.push((key, value));
            return gone;
        }
        if let Some(old) = self.remove(&key) {
            gone.push((key, old));
        }
        let slot = Slot { key, value: Some(value), weight, prev: NIL, next: NIL };
        let i = match self.free.pop() {
            Some(i) => {
                self.slots[i] = slot;
                i
            }
            None => {
                self.slots.push(slot);
                self.slots.len() - 1
            }
        };
        self.map.insert(key, i);
        self.push_front(i);
        self.bytes += u64::from(weight);
        while self.bytes > self.capacity && self.tail != NIL {
            let victim = self.tail;
            let victim_key = self.slots[victim].key;
            self.map.remove(&victim_key);
            gone.push((victim_key, self.release(victim)));
        }
        gone
    }

    fn release(&mut self, i: usize) -> V {
        self.unlink(i);
        self.bytes -= u64::from(self.slots[i].weight);
        self.free.push(i);
        self.slots[i].value.take().expect("a linked slot always holds a value")
    }

    fn unlink(&mut self, i: usize) {
        let (prev, next) = (self.slots[i].prev, self.slots[i].next);
        if prev == NIL {
            self.head = next;
        } else {
            self.slots[prev].next = next;
        }
        if next == NIL {
            self.tail = prev;
        } else {
            self.slots[next].prev = prev;
        }
        self.slots[i].prev = NIL;
        self.slots[i].next = NIL;
    }

    fn push_front(&mut self, i: usize) {
        self.slots[i].next = self.head;
        self.slots[i].prev = NIL;
        if self.head != NIL {
            self.slots[self.head].prev = i;
        }
        self.head = i;
        if self.tail == NIL {
            self.tail = i;
        }
    }
}

/// Keeps nothing: every read is a miss. The floor of the comparison.
#[derive(Default)]
pub struct NoCache {
    counters: Counters,
}

impl NoCache {
    pub fn new() -> Self {
        NoCache::default()
    }
}

impl CachePolicy for NoCache {
    fn name(&self) -> &'static str {
        "none"
    }

    fn get(&self, key: &Key) -> Option<Versioned<Payload>> {
        self.counters.miss(key);
        None
    }

    fn put(&self, _key: Key, _value: Versioned<Payload>) -> bool {
        false
    }

    fn prefetch_put(&self, _key: Key, _value: Versioned<Payload>) -> bool {
        false
    }

    fn invalidate(&self, _key: &Key, _version: u64) {}

    fn contains(&self, _key: &Key) -> bool {
        false
    }

    fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    fn weighted_bytes(&self) -> u64 {
        0
    }
}

/// A least-recently-used cache of a byte budget: admits everything, evicts the coldest.
pub struct Lru {
    inner: Mutex<LruState>,
    counters: Counters,
}

struct LruState {
    list: LruList<Entry>,
    fences: Fences,
}

impl Lru {
    /// An LRU cache using at most `budget_bytes`, its fences included.
    pub fn new(budget_bytes: u64) -> Self {
        let fences = Fences::new(fence_capacity(budget_bytes), Clock::PerKey);
        let list = LruList::new(budget_bytes.saturating_sub(fences.reserved_bytes()));
        Lru { inner: Mutex::new(LruState { list, fences }), counters: Counters::default() }
    }

    fn store(&self, key: Key, entry: Entry, refill: bool) -> bool {
        let mut state = lock(&self.inner);
        let known =
            state.list.peek(&key).map(|held| Known::Value(held.value.version)).or_else(|| state.fences.known(&key));
        if !accepts(known, entry.value.version) {
            if refill {
                Counters::add(&self.counters.refused_stale);
            }
            return false;
        }
        let weight = entry_weight(&entry.value);
        let prefetched = entry.prefetch.is_some();
        let gone = state.list.insert(key, entry, weight);
        let kept = state.list.contains(&key);
        for (_, left) in &gone {
            if left.unread_prefetch() {
                Counters::add(&self.counters.prefetch_wasted);
            }
        }
        if prefetched && kept {
            Counters::add(&self.counters.prefetched);
        }
        kept
    }
}

impl CachePolicy for Lru {
    fn name(&self) -> &'static str {
        "lru"
    }

    fn get(&self, key: &Key) -> Option<Versioned<Payload>> {
        let mut state = lock(&self.inner);
        match state.list.get(key) {
            Some(entry) => {
                self.counters.hit(key);
                if entry.first_read_of_prefetch() {
                    Counters::add(&self.counters.prefetch_used);
                }
                Some(entry.value.clone())
            }
            None => {
                self.counters.miss(key);
                None
            }
        }
    }

    fn put(&self, key: Key, value: Versioned<Payload>) -> bool {
        self.store(key, Entry::filled(value), true)
    }

    fn prefetch_put(&self, key: Key, value: Versioned<Payload>) -> bool {
        if lock(&self.inner).list.contains(&key) {
            return false;
        }
        self.store(key, Entry::prefetched(value), false)
    }

    fn invalidate(&self, key: &Key, version: u64) {
        let mut state = lock(&self.inner);
        state.fences.note(*key, version);
        if let Some(left) = state.list.remove(key) {
            if left.unread_prefetch() {
                Counters::add(&self.counters.prefetch_wasted);
            }
        }
    }

    fn contains(&self, key: &Key) -> bool {
        lock(&self.inner).list.contains(key)
    }

    fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    fn weighted_bytes(&self) -> u64 {
        let state = lock(&self.inner);
        state.list.bytes + state.fences.reserved_bytes()
    }
}

type MainCache = moka::sync::Cache<Key, Entry, BuildHasherDefault<DefaultHasher>>;

/// The in-process tier: moka's TinyLFU cache bounded in bytes, with an optional staging area for
/// prefetched values (see the module comment for why).
pub struct Tier {
    main: MainCache,
    staging: Option<Mutex<LruList<Entry>>>,
    versions: Versions,
    counters: Arc<Counters>,
    budget_bytes: u64,
}

impl Tier {
    /// A tier of `budget_bytes` in all, of which `staging_share` (0 to 0.9) holds prefetched
    /// values until their first read. With a share of 0, prefetches go straight into moka.
    /// Versions count per key, as in the replay.
    pub fn new(budget_bytes: u64, staging_share: f64) -> Self {
        Self::with_clock(budget_bytes, staging_share, Clock::PerKey)
    }

    /// A tier whose versions all come from `clock`.
    pub fn with_clock(budget_bytes: u64, staging_share: f64, clock: Clock) -> Self {
        let versions = Versions::new(budget_bytes, clock);
        let for_entries = budget_bytes.saturating_sub(versions.reserved_bytes());
        let share = staging_share.clamp(0.0, 0.9);
        // Truncation is intended: the staging area gets at most its share.
        let staging_bytes = (for_entries as f64 * share) as u64;
        let main_bytes = for_entries - staging_bytes;
        let counters = Arc::new(Counters::default());
        let listener_counters = Arc::clone(&counters);
        // The hasher is fixed, not random per process, so a replay is reproducible: moka's
        // frequency sketch and admission decisions depend on key hashes.
        let main = moka::sync::Cache::builder()
            .max_capacity(main_bytes)
            .weigher(|_key: &Key, entry: &Entry| entry_weight(&entry.value))
            .eviction_listener(move |_key, entry: Entry, cause: RemovalCause| {
                let left = cause.was_evicted() || cause == RemovalCause::Explicit || cause == RemovalCause::Replaced;
                if left && entry.unread_prefetch() {
                    Counters::add(&listener_counters.prefetch_wasted);
                }
            })
            .build_with_hasher(BuildHasherDefault::<DefaultHasher>::default());
        let staging = (staging_bytes > 0).then(|| Mutex::new(LruList::new(staging_bytes)));
        Tier { main, staging, versions, counters, budget_bytes }
    }

    /// Makes every value of `kind` older than `version` stale at once: a write that changed them
    /// all. Only meaningful with a shared clock.
    pub fn invalidate_kind(&self, kind: KeyKind, version: u64) {
        self.versions.raise_floor(kind, version);
    }

    /// Makes every value older than `version` stale and drops them all: what a node does when it
    /// may have missed invalidations (its subscription to them was down).
    pub fn invalidate_all(&self, version: u64) {
        for kind in KeyKind::ALL {
            self.invalidate_kind(kind, version);
        }
        self.main.invalidate_all();
        if let Some(staging) = &self.staging {
            let mut staging = lock(staging);
            let budget = staging.capacity;
            let gone = std::mem::replace(&mut *staging, LruList::new(budget));
            drop(staging);
            let wasted = gone.slots.iter().filter_map(|s| s.value.as_ref()).filter(|e| e.unread_prefetch()).count();
            self.counters.prefetch_wasted.fetch_add(wasted as u64, Ordering::Relaxed);
        }
    }

    /// The budget this tier was built with.
    pub fn budget_bytes(&self) -> u64 {
        self.budget_bytes
    }

    /// Checks a value just stored against the fences again, and drops it if an invalidation ran
    /// between the check before storing and the store: on a server, invalidations arrive on
    /// other threads. Removing a newer value stored meanwhile only costs a miss.
    fn settle(&self, key: &Key, version: u64) -> bool {
        if self.fence_allows(key, version) {
            return true;
        }
        self.main.invalidate(key);
        self.drop_staged(key);
        Counters::add(&self.counters.refused_stale);
        false
    }

    fn fence_allows(&self, key: &Key, version: u64) -> bool {
        self.versions.allows(key, version)
    }

    /// Puts into moka under the version rule. Reading the current entry through moka's compute
    /// path counts as a read for its frequency sketch, so that path is taken only when an entry
    /// is there to compare against; a plain insert is the usual case after a miss.
    fn store_main(&self, key: Key, entry: Entry) -> bool {
        if self.main.contains_key(&key) {
            let incoming = entry.value.version;
            let result = self.main.entry(key).and_compute_with(|current| match current {
                Some(held) if !accepts(Some(Known::Value(held.value().value.version)), incoming) => Op::Nop,
                _ => Op::Put(entry),
            });
            !matches!(result, moka::ops::compute::CompResult::Unchanged(_))
        } else {
            self.main.insert(key, entry);
            true
        }
    }

    fn drop_staged(&self, key: &Key) {
        if let Some(staging) = &self.staging {
            if let Some(left) = lock(staging).remove(key) {
                if left.unread_prefetch() {
                    Counters::add(&self.counters.prefetch_wasted);
                }
            }
        }
    }
}

impl CachePolicy for Tier {
    fn name(&self) -> &'static str {
        "tinylfu"
    }

    fn get(&self, key: &Key) -> Option<Versioned<Payload>> {
        if let Some(entry) = self.main.get(key).filter(|e| !self.versions.below_kind_floor(key, e.value.version)) {
            self.counters.hit(key);
            if entry.first_read_of_prefetch() {
                Counters::add(&self.counters.prefetch_used);
            }
            return Some(entry.value);
        }
        if let Some(staging) = &self.staging {
            let staged = lock(staging).remove(key);
            if let Some(entry) = staged {
                if self.versions.below_kind_floor(key, entry.value.version) {
                    Counters::add(&self.counters.prefetch_wasted);
                    self.counters.miss(key);
                    return None;
                }
                self.counters.hit(key);
                Counters::add(&self.counters.prefetch_used);
                let value = entry.value.clone();
                // Read once: from here on moka's admission decides whether it stays.
                self.store_main(*key, Entry::filled(entry.value));
                self.settle(key, value.version);
                return Some(value);
            }
        }
        self.counters.miss(key);
        None
    }

    fn put(&self, key: Key, value: Versioned<Payload>) -> bool {
        if !self.fence_allows(&key, value.version) {
            Counters::add(&self.counters.refused_stale);
            return false;
        }
        self.drop_staged(&key);
        let version = value.version;
        self.store_main(key, Entry::filled(value)) && self.settle(&key, version)
    }

    fn prefetch_put(&self, key: Key, value: Versioned<Payload>) -> bool {
        if self.contains(&key) || !self.fence_allows(&key, value.version) {
            return false;
        }
        let version = value.version;
        let kept = match &self.staging {
            Some(staging) => {
                let weight = entry_weight(&value);
                let gone = lock(staging).insert(key, Entry::prefetched(value), weight);
                let mut kept = true;
                for (left_key, left) in gone {
                    if left_key == key {
                        kept = false;
                    }
                    if left.unread_prefetch() {
                        Counters::add(&self.counters.prefetch_wasted);
                    }
                }
                if kept {
                    Counters::add(&self.counters.prefetched);
                }
                kept
            }
            None => {
                Counters::add(&self.counters.prefetched);
                self.main.insert(key, Entry::prefetched(value));
                true
            }
        };
        kept && self.settle(&key, version)
    }

    fn invalidate(&self, key: &Key, version: u64) {
        self.versions.note(*key, version);
        self.main.invalidate(key);
        self.drop_staged(key);
    }

    fn contains(&self, key: &Key) -> bool {
        self.main.contains_key(key) || self.staging.as_ref().is_some_and(|s| lock(s).contains(key))
    }

    fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    fn weighted_bytes(&self) -> u64 {
        let staged = self.staging.as_ref().map_or(0, |s| lock(s).bytes);
        self.main.weighted_size() + staged + self.versions.reserved_bytes()
    }

    fn run_maintenance(&self) {
        self.main.run_pending_tasks();
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::density::Density;
    use crate::key::{EventId, PersonId};

    /// A value of `bytes` zero bytes at `version`.
    pub(crate) fn value(version: u64, bytes: usize) -> Versioned<Payload> {
        Versioned::new(version, Arc::from(vec![0u8; bytes]))
    }

    pub(crate) fn profile(i: u128) -> Key {
        Key::Profile(PersonId(i))
    }

    fn policies(budget: u64) -> Vec<Box<dyn CachePolicy>> {
        vec![
            Box::new(Lru::new(budget)),
            Box::new(Tier::new(budget, 0.0)),
            Box::new(Tier::new(budget, 0.25)),
            Box::new(Density::new(budget)),
        ]
    }

    #[test]
    fn the_byte_budget_holds_whatever_is_put() {
        let budget = 256 * 1024;
        for policy in policies(budget) {
            for i in 0..2_000u128 {
                let key = profile(i % 700);
                if policy.get(&key).is_none() {
                    policy.put(key, value(0, 500 + (i as usize * 37) % 3_000));
                }
                if i % 3 == 0 {
                    policy.prefetch_put(profile(10_000 + i), value(0, 2_000));
                }
                policy.run_maintenance();
                assert!(
                    policy.weighted_bytes() <= budget,
                    "{} holds {} bytes over a budget of {budget}",
                    policy.name(),
                    policy.weighted_bytes()
                );
            }
            assert!(policy.weighted_bytes() > budget / 2, "{} should fill most of its budget", policy.name());
        }
    }

    #[test]
    fn a_read_after_an_invalidation_misses_until_refilled() {
        for policy in policies(1 << 20) {
            let key = Key::EventPage(EventId(7));
            policy.put(key, value(1, 2_000));
            policy.run_maintenance();
            assert_eq!(policy.get(&key).map(|v| v.version), Some(1), "{}", policy.name());
            policy.invalidate(&key, 2);
            policy.run_maintenance();
            assert!(policy.get(&key).is_none(), "{} served a value older than a write", policy.name());
            assert!(!policy.contains(&key));
            policy.put(key, value(2, 2_000));
            policy.run_maintenance();
            assert_eq!(policy.get(&key).map(|v| v.version), Some(2), "{}", policy.name());
        }
    }

    #[test]
    fn a_late_refill_from_before_a_write_is_refused() {
        for policy in policies(1 << 20) {
            let key = Key::AttendeeCount(EventId(3));
            // A load read version 4; meanwhile a write made version 5 and invalidated.
            policy.invalidate(&key, 5);
            assert!(!policy.put(key, value(4, 100)), "{}", policy.name());
            assert!(!policy.prefetch_put(key, value(4, 100)), "{}", policy.name());
            assert_eq!(policy.stats().refused_stale, 1, "{}", policy.name());
            assert!(policy.put(key, value(5, 100)), "{}", policy.name());
            policy.run_maintenance();
            // A value that is there is never replaced by an older one either.
            assert!(!policy.put(key, value(4, 100)), "{}", policy.name());
            assert_eq!(policy.get(&key).map(|v| v.version), Some(5), "{}", policy.name());
        }
    }

    #[test]
    fn prefetches_count_once_when_read_and_as_waste_when_dropped_unread() {
        for policy in policies(1 << 20) {
            let read = Key::Suggestions(PersonId(1), EventId(1));
            let unread = Key::Suggestions(PersonId(2), EventId(1));
            assert!(policy.prefetch_put(read, value(0, 3_000)));
            assert!(policy.prefetch_put(unread, value(0, 3_000)));
            assert!(!policy.prefetch_put(read, value(0, 3_000)), "a held key is not loaded twice");
            policy.run_maintenance();
            assert!(policy.get(&read).is_some());
            assert!(policy.get(&read).is_some());
            policy.invalidate(&unread, 1);
            policy.run_maintenance();
            let stats = policy.stats();
            assert_eq!(stats.prefetched, 2, "{}", policy.name());
            assert_eq!(stats.prefetch_used, 1, "{}", policy.name());
            assert_eq!(stats.prefetch_wasted, 1, "{}", policy.name());
            assert_eq!(stats.hits_of(KeyKind::Suggestions), 2, "{}", policy.name());
        }
    }

    #[test]
    fn a_write_to_a_whole_kind_stales_its_older_values_only() {
        let tier = Tier::with_clock(1 << 20, 0.25, Clock::Shared);
        let (a, b, page) = (Key::Recommendations(PersonId(1)), Key::Recommendations(PersonId(2)), profile(3));
        tier.put(a, value(10, 100));
        tier.prefetch_put(b, value(11, 100));
        tier.put(page, value(9, 100));
        tier.invalidate_kind(KeyKind::Recommendations, 12);
        assert!(tier.get(&a).is_none() && tier.get(&b).is_none(), "values from before the write are stale");
        assert!(tier.get(&page).is_some(), "other kinds keep theirs");
        assert!(!tier.put(a, value(11, 100)), "a load that started before the write is refused");
        assert!(tier.put(a, value(12, 100)));
        tier.run_maintenance();
        assert_eq!(tier.get(&a).map(|v| v.version), Some(12));
        assert_eq!(tier.stats().prefetch_wasted, 1);
        tier.invalidate_all(13);
        assert!(tier.get(&a).is_none() && tier.get(&page).is_none());
        assert!(!tier.put(page, value(12, 100)) && tier.put(page, value(13, 100)));
    }

    #[test]
    fn with_one_clock_a_forgotten_fence_leaves_a_floor() {
        let budget = 64 * 1024;
        let capacity = fence_capacity(budget) as u128;
        let shared = Tier::with_clock(budget, 0.0, Clock::Shared);
        let per_key = Tier::new(budget, 0.0);
        // Write more keys than there are fences: the first write's fence is forgotten.
        for i in 0..=capacity {
            shared.invalidate(&profile(i), 100 + i as u64);
            per_key.invalidate(&profile(i), 100 + i as u64);
        }
        // A load of the first key that started before its write (version 99) must not land.
        assert!(!shared.put(profile(0), value(99, 10)));
        assert!(shared.put(profile(0), value(100, 10)));
        // Per-key versions of other keys do not compare, so the replay's tiers keep no floor.
        assert!(per_key.put(profile(capacity + 7), value(1, 10)));
    }

    #[test]
    fn an_lru_evicts_the_least_recently_used() {
        let entry = 1_000 + ENTRY_OVERHEAD as u64;
        let policy = Lru::new(3 * entry + fence_capacity(3 * entry) as u64 * FENCE_BYTES);
        for i in 0..3 {
            policy.put(profile(i), value(0, 1_000));
        }
        assert!(policy.get(&profile(0)).is_some());
        policy.put(profile(3), value(0, 1_000));
        assert!(policy.contains(&profile(0)));
        assert!(!policy.contains(&profile(1)), "the coldest entry leaves first");
        assert!(policy.contains(&profile(2)) && policy.contains(&profile(3)));
    }

    #[test]
    fn no_cache_misses_everything() {
        let policy = NoCache::new();
        policy.put(profile(1), value(0, 10));
        assert!(policy.get(&profile(1)).is_none());
        assert_eq!(policy.stats().misses_of(KeyKind::Profile), 1);
    }
}
