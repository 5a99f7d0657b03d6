//! When to load ahead: the transitions this node has seen, and the prefetcher's budget.
//!
//! The model is the simplest one that explains itself: for each thing a person may open after a
//! trigger (their recommendations after their app connects, say), the share of triggers this node
//! saw that were followed by that read within [`FOLLOW_WINDOW`]. A prefetch runs only while that
//! share is at least [`MIN_CHANCE`], one at a time per node (live requests never wait for a
//! prefetch slot: a trigger that finds the slot taken is skipped), and not at all
//! while the forecast rests prefetching because most prefetched values went unread.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use uuid::Uuid;

/// How soon after its trigger a read counts as following it.
pub const FOLLOW_WINDOW: Duration = Duration::from_secs(300);
/// The least share of triggers followed by the read for a prefetch to be worth its load.
pub const MIN_CHANCE: f64 = 0.3;
/// Triggers seen before the share is trusted; until then a prefetch runs (it is how the share is
/// learned in the first place).
const WARM_UP: u64 = 20;

/// A transition the prefetcher learns: a trigger, then a read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// An app connected; its person then opened their recommendations.
    ConnectThenRecommendations,
}

impl Transition {
    const ALL: [Transition; 1] = [Transition::ConnectThenRecommendations];

    pub fn name(self) -> &'static str {
        match self {
            Transition::ConnectThenRecommendations => "connect_then_recommendations",
        }
    }
}

/// Followed and unfollowed triggers of one transition, and the triggers still open.
struct Learned {
    open: moka::sync::Cache<Uuid, ()>,
    followed: Arc<AtomicU64>,
    unfollowed: Arc<AtomicU64>,
}

impl Learned {
    fn new() -> Self {
        let unfollowed = Arc::new(AtomicU64::new(0));
        let counted = Arc::clone(&unfollowed);
        let open = moka::sync::Cache::builder()
            .max_capacity(200_000)
            .time_to_live(FOLLOW_WINDOW)
            .eviction_listener(move |_, (), cause| {
                // A trigger whose window closed, or that was pushed out, was not followed.
                if cause.was_evicted() {
                    counted.fetch_add(1, Ordering::Relaxed);
                }
            })
            .build();
        Learned { open, followed: Arc::new(AtomicU64::new(0)), unfollowed }
    }

    fn chance(&self) -> Option<f64> {
        let (yes, no) = (self.followed.load(Ordering::Relaxed), self.unfollowed.load(Ordering::Relaxed));
        (yes + no >= WARM_UP).then(|| yes as f64 / (yes + no) as f64)
    }
}

/// The prefetcher's model, budget and bookkeeping on one node.
pub struct Prefetch {
    enabled: bool,
    learned: Vec<Learned>,
    slot: Arc<Semaphore>,
    load_nanos: AtomicU64,
    paused: AtomicBool,
}

impl Prefetch {
    pub fn new(enabled: bool) -> Self {
        Prefetch {
            enabled,
            learned: Transition::ALL.iter().map(|_| Learned::new()).collect(),
            slot: Arc::new(Semaphore::new(1)),
            load_nanos: AtomicU64::new(0),
            paused: AtomicBool::new(false),
        }
    }

    fn learned(&self, transition: Transition) -> &Learned {
        &self.learned[Transition::ALL.iter().position(|t| *t == transition).unwrap_or(0)]
    }

    /// Notes a trigger of `transition` by `person`.
    pub fn triggered(&self, transition: Transition, person: Uuid) {
        self.learned(transition).open.insert(person, ());
    }

    /// Notes the read that follows `transition`'s trigger, if one by `person` is open.
    pub fn followed(&self, transition: Transition, person: Uuid) {
        let learned = self.learned(transition);
        if learned.open.remove(&person).is_some() {
            learned.followed.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// The share of `transition`'s triggers followed by its read, once enough were seen.
    pub fn chance(&self, transition: Transition) -> Option<f64> {
        self.learned(transition).chance()
    }

    /// A slot to prefetch for `transition` now, if the model says it is worth it, the prefetcher
    /// is not resting, and no other prefetch runs on this node.
    pub fn start(&self, transition: Transition) -> Option<OwnedSemaphorePermit> {
        if !self.enabled || self.is_paused() || self.chance(transition).is_some_and(|p| p < MIN_CHANCE) {
            return None;
        }
        Arc::clone(&self.slot).try_acquire_owned().ok()
    }

    pub fn record_cost(&self, spent: Duration) {
        self.load_nanos.fetch_add(spent.as_nanos() as u64, Ordering::Relaxed);
        metrics::counter!("cache_prefetch_load_seconds_total").increment(spent.as_secs());
    }

    /// Seconds spent loading prefetched values.
    pub fn load_seconds(&self) -> f64 {
        self.load_nanos.load(Ordering::Relaxed) as f64 / 1e9
    }

    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Relaxed)
    }

    /// Rests or wakes the prefetcher: the forecast rests it when most of what it loaded ahead
    /// went unread (see [`super::forecast`]).
    pub fn set_paused(&self, paused: bool) {
        if self.paused.swap(paused, Ordering::Relaxed) != paused {
            tracing::info!(paused, "read cache prefetching {}", if paused { "rests" } else { "resumes" });
        }
    }

    /// Each transition's learned share, for `GET /ops/cache`.
    pub fn transitions(&self) -> Vec<(&'static str, u64, u64)> {
        Transition::ALL
            .iter()
            .map(|t| {
                let l = self.learned(*t);
                (t.name(), l.followed.load(Ordering::Relaxed), l.unfollowed.load(Ordering::Relaxed))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transition_rarely_followed_stops_prefetching() {
        let prefetch = Prefetch::new(true);
        let t = Transition::ConnectThenRecommendations;
        assert!(prefetch.start(t).is_some(), "before the share is known, prefetching is how it is learned");
        for i in 0..30u128 {
            prefetch.triggered(t, Uuid::from_u128(i));
            if i % 10 == 0 {
                prefetch.followed(t, Uuid::from_u128(i));
            }
        }
        // The other 27 windows close unfollowed: what the eviction listener counts on expiry.
        prefetch.learned(t).unfollowed.fetch_add(27, Ordering::Relaxed);
        assert_eq!(prefetch.chance(t), Some(0.1));
        assert!(prefetch.start(t).is_none());
    }

    #[test]
    fn a_read_counts_once_per_trigger() {
        let prefetch = Prefetch::new(true);
        let t = Transition::ConnectThenRecommendations;
        let ann = Uuid::from_u128(1);
        prefetch.followed(t, ann);
        prefetch.triggered(t, ann);
        prefetch.followed(t, ann);
        prefetch.followed(t, ann);
        assert_eq!(prefetch.transitions(), vec![(t.name(), 1, 0)]);
    }

    #[test]
    fn a_resting_prefetcher_starts_nothing() {
        let prefetch = Prefetch::new(true);
        prefetch.set_paused(true);
        assert!(prefetch.start(Transition::ConnectThenRecommendations).is_none());
        prefetch.set_paused(false);
        assert!(prefetch.start(Transition::ConnectThenRecommendations).is_some());
        assert!(Prefetch::new(false).start(Transition::ConnectThenRecommendations).is_none(), "off is off");
    }
}
