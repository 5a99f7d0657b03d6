//! When to load ahead: the transitions this node has seen, and the prefetcher's budget.
//!
//! The model is the simplest one that explains itself: for each thing a person may open after a
//! trigger (their recommendations after their app connects, say), the share of triggers this node
//! saw that were followed by that read within [`FOLLOW_WINDOW`]. A prefetch is queued only while
//! that share is at least [`MIN_CHANCE`], and not at all while the forecast rests prefetching
//! because most prefetched values went unread. The same queue takes what the forecast's session
//! model expects a person to open next after each connect and read ([`Prefetch::queue_predicted`],
//! see [`super::forecast`]). One task per node works through the queue, one load at a time (so
//! prefetching takes at most one core from live requests); a key that finds the queue full is
//! dropped, and a queued key that a live request already loaded is skipped.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use cache::Key;
use tokio::sync::mpsc;
use uuid::Uuid;

/// How soon after its trigger a read counts as following it.
pub const FOLLOW_WINDOW: Duration = Duration::from_secs(300);
/// The least share of triggers followed by the read for a prefetch to be worth its load.
pub const MIN_CHANCE: f64 = 0.3;
/// Triggers seen before the share is trusted; until then a prefetch runs (it is how the share is
/// learned in the first place).
const WARM_UP: u64 = 20;
/// Keys waiting to be loaded ahead, at most.
const QUEUE: usize = 256;

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
    queue: mpsc::Sender<Key>,
    /// The queue's receiving end, until the worker takes it.
    queued: std::sync::Mutex<Option<mpsc::Receiver<Key>>>,
    load_nanos: AtomicU64,
    paused: AtomicBool,
}

impl Prefetch {
    pub fn new(enabled: bool) -> Self {
        let (queue, queued) = mpsc::channel(QUEUE);
        Prefetch {
            enabled,
            learned: Transition::ALL.iter().map(|_| Learned::new()).collect(),
            queue,
            queued: std::sync::Mutex::new(Some(queued)),
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

    /// Whether a prefetch for `transition` is worth it now: the model says so and the
    /// prefetcher is not resting.
    pub fn worth_it(&self, transition: Transition) -> bool {
        self.enabled && !self.is_paused() && self.chance(transition).is_none_or(|p| p >= MIN_CHANCE)
    }

    /// Queues `person`'s recommendations for loading ahead, when [`Prefetch::worth_it`] and the
    /// queue has room.
    pub fn queue_recommendations(&self, person: Uuid) -> bool {
        self.worth_it(Transition::ConnectThenRecommendations)
            && self.queue.try_send(Key::Recommendations(super::person(person))).is_ok()
    }

    /// Queues `key`, which the forecast predicted, for loading ahead, unless the prefetcher is
    /// off or resting or the queue is full.
    pub fn queue_predicted(&self, key: Key) -> bool {
        self.enabled && !self.is_paused() && self.queue.try_send(key).is_ok()
    }

    /// The queue's receiving end, for the one task that works through it.
    pub fn take_queue(&self) -> Option<mpsc::Receiver<Key>> {
        self.queued.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take()
    }

    pub fn record_cost(&self, spent: Duration) {
        self.load_nanos.fetch_add(spent.as_nanos() as u64, Ordering::Relaxed);
        metrics::histogram!("cache_prefetch_load_seconds").record(spent.as_secs_f64());
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
        assert!(prefetch.worth_it(t), "before the share is known, prefetching is how it is learned");
        for i in 0..30u128 {
            prefetch.triggered(t, Uuid::from_u128(i));
            if i % 10 == 0 {
                prefetch.followed(t, Uuid::from_u128(i));
            }
        }
        // The other 27 windows close unfollowed: what the eviction listener counts on expiry.
        prefetch.learned(t).unfollowed.fetch_add(27, Ordering::Relaxed);
        assert_eq!(prefetch.chance(t), Some(0.1));
        assert!(!prefetch.worth_it(t));
        assert!(!prefetch.queue_recommendations(Uuid::from_u128(1)));
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
    fn a_resting_prefetcher_queues_nothing() {
        let prefetch = Prefetch::new(true);
        prefetch.set_paused(true);
        assert!(!prefetch.queue_recommendations(Uuid::from_u128(1)));
        prefetch.set_paused(false);
        assert!(prefetch.queue_recommendations(Uuid::from_u128(2)));
        let event = Key::EventPage(cache::EventId(7));
        assert!(prefetch.queue_predicted(event));
        let mut queued = prefetch.take_queue().expect("the queue, once");
        assert_eq!(queued.try_recv().ok(), Some(Key::Recommendations(super::super::person(Uuid::from_u128(2)))));
        assert_eq!(queued.try_recv().ok(), Some(event));
        assert!(prefetch.take_queue().is_none());
        prefetch.set_paused(true);
        assert!(!prefetch.queue_predicted(event), "resting is resting");
        assert!(!Prefetch::new(false).queue_recommendations(Uuid::from_u128(3)), "off is off");
        assert!(!Prefetch::new(false).queue_predicted(event));
    }
}
