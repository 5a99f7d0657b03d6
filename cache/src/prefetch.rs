//! Which predictions are worth a load, and when to stop loading.
//!
//! Every tick the prefetcher takes the predictor's ranked keys that are not already held and loads
//! those above its threshold, at most [`PrefetchConfig::max_loads_per_tick`] of them: a prefetch
//! costs the database the same query a miss does, so the budget caps what prediction may add to
//! the load. It then watches what became of its prefetches (read, or dropped unread) and moves the
//! threshold: when measured precision falls below the floor it raises the threshold by the backoff
//! factor, and when precision is comfortably above the floor it lowers it back towards the base.
//! At the ceiling it pauses, loading only a few probes per tick so it can notice when predictions
//! become good again.

use crate::key::Key;
use crate::predict::Prediction;

#[derive(Clone, Debug, PartialEq)]
pub struct PrefetchConfig {
    /// How far ahead predictions look.
    pub horizon_ms: u64,
    /// The lowest probability worth a load (the threshold's base).
    pub min_probability: f64,
    pub max_loads_per_tick: usize,
    /// Below this share of prefetches read, the threshold goes up.
    pub precision_floor: f64,
    /// The factor the threshold moves by.
    pub backoff: f64,
    /// The threshold's ceiling: reaching it pauses prefetching.
    pub max_threshold: f64,
    /// Loads per tick while paused.
    pub probe_loads: usize,
    /// Prefetch outcomes (read or wasted) to wait for between two adjustments.
    pub outcomes_per_adjustment: u64,
}

impl Default for PrefetchConfig {
    fn default() -> Self {
        PrefetchConfig {
            horizon_ms: 2 * 60_000,
            min_probability: 0.1,
            max_loads_per_tick: 100,
            precision_floor: 0.35,
            backoff: 1.5,
            max_threshold: 0.95,
            probe_loads: 2,
            outcomes_per_adjustment: 40,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Prefetcher {
    config: PrefetchConfig,
    threshold: f64,
    /// Cumulative outcomes at the last adjustment.
    used_seen: u64,
    wasted_seen: u64,
    raised: u64,
    lowered: u64,
}

impl Prefetcher {
    pub fn new(config: PrefetchConfig) -> Self {
        let threshold = config.min_probability;
        Prefetcher { config, threshold, used_seen: 0, wasted_seen: 0, raised: 0, lowered: 0 }
    }

    pub fn config(&self) -> &PrefetchConfig {
        &self.config
    }

    /// The probability a prediction needs now to be loaded.
    pub fn threshold(&self) -> f64 {
        self.threshold
    }

    /// Whether precision drove the threshold to its ceiling.
    pub fn is_paused(&self) -> bool {
        self.threshold >= self.config.max_threshold
    }

    /// How many times the threshold went up and down.
    pub fn adjustments(&self) -> (u64, u64) {
        (self.raised, self.lowered)
    }

    /// Takes the cache's cumulative counts of prefetches read and wasted, and adjusts the
    /// threshold once enough new outcomes have come in.
    pub fn record_outcomes(&mut self, used: u64, wasted: u64) {
        let new_used = used.saturating_sub(self.used_seen);
        let new_wasted = wasted.saturating_sub(self.wasted_seen);
        if new_used + new_wasted < self.config.outcomes_per_adjustment {
            return;
        }
        self.used_seen = used;
        self.wasted_seen = wasted;
        let precision = new_used as f64 / (new_used + new_wasted) as f64;
        if precision < self.config.precision_floor {
            self.threshold = (self.threshold * self.config.backoff).min(self.config.max_threshold);
            self.raised += 1;
        } else if precision > self.config.precision_floor + 0.15 && self.threshold > self.config.min_probability {
            self.threshold = (self.threshold / self.config.backoff).max(self.config.min_probability);
            self.lowered += 1;
        }
    }

    /// The keys to load this tick: the most likely predictions at or above the threshold that
    /// `held` says are not in the cache, within the tick's budget.
    pub fn choose(&self, predictions: &[Prediction], held: impl Fn(&Key) -> bool) -> Vec<Key> {
        let budget = if self.is_paused() { self.config.probe_loads } else { self.config.max_loads_per_tick };
        predictions
            .iter()
            .take_while(|p| p.probability >= self.threshold.min(self.config.max_threshold))
            .filter(|p| !held(&p.key))
            .take(budget)
            .map(|p| p.key)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::key::PersonId;
    use crate::predict::Rule;

    fn ranked(n: u128) -> Vec<Prediction> {
        (0..n)
            .map(|i| Prediction {
                key: Key::Profile(PersonId(i)),
                probability: 1.0 - i as f64 / n as f64,
                rule: Rule::Session,
            })
            .collect()
    }

    #[test]
    fn poor_precision_raises_the_threshold_until_prefetching_pauses() {
        let mut prefetcher = Prefetcher::new(PrefetchConfig::default());
        let predictions = ranked(1_000);
        let eager = prefetcher.choose(&predictions, |_| false).len();
        assert_eq!(eager, 100, "at the base threshold the tick budget binds");

        let (mut used, mut wasted) = (0, 0);
        for _ in 0..20 {
            used += 4;
            wasted += 36;
            prefetcher.record_outcomes(used, wasted);
        }
        assert!(prefetcher.is_paused(), "10% precision should pause, threshold {}", prefetcher.threshold());
        let probes = prefetcher.choose(&predictions, |_| false);
        assert!(probes.len() <= 2);
        assert!(probes.iter().all(|k| predictions.iter().any(|p| p.key == *k && p.probability >= 0.95)));

        for _ in 0..20 {
            used += 36;
            wasted += 4;
            prefetcher.record_outcomes(used, wasted);
        }
        assert_eq!(prefetcher.threshold(), 0.1, "good precision brings the threshold back to its base");
        assert!(!prefetcher.is_paused());
    }

    #[test]
    fn outcomes_are_judged_in_batches() {
        let mut prefetcher = Prefetcher::new(PrefetchConfig::default());
        prefetcher.record_outcomes(0, 39);
        assert_eq!(prefetcher.threshold(), 0.1, "39 outcomes are too few to judge");
        prefetcher.record_outcomes(0, 40);
        assert!(prefetcher.threshold() > 0.1);
    }

    #[test]
    fn held_keys_are_not_loaded_again() {
        let prefetcher = Prefetcher::new(PrefetchConfig::default());
        let predictions = ranked(10);
        let chosen = prefetcher.choose(&predictions, |k| *k == Key::Profile(PersonId(0)));
        assert!(!chosen.contains(&Key::Profile(PersonId(0))));
        let above = predictions.iter().filter(|p| p.probability >= 0.1).count();
        assert_eq!(chosen.len(), above - 1, "every other key above the threshold");
    }
}
