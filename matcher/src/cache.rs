//! The one embedding cache of a process: [`Cached`] wraps any [`Engine`] and remembers the vector
//! of every text it embedded, keyed by the exact text, so whoever asks (live suggestions, event
//! recommendations, training) never has a text embedded twice, and memory stays within a bound
//! in bytes. When it is full, texts seldom asked for go first (`quick_cache`'s CLOCK-Pro policy,
//! close to least-recently-used but not fooled by one large scan such as a training).

use std::collections::HashMap;

use quick_cache::sync::Cache;
use quick_cache::Weighter;

use crate::engine::{Clusters, Engine, EngineError, EventData, Vector};
use crate::learn::{Learned, PairFeatures};
use crate::pool::Settings;
use crate::score::Weights;
use crate::trained::TrainedEvents;

/// Default bound of the cache: 256 MiB, about 160,000 texts of the 384-dimension model (a vector
/// is 1.5 KiB), enough for every profile and upcoming event of a large deployment, their phrases
/// included.
pub const DEFAULT_CACHE_BYTES: u64 = 256 << 20;

/// What one entry costs: its text, its vector and the bookkeeping around them.
#[derive(Debug, Clone, Copy)]
struct EntryBytes;

impl Weighter<String, Vector> for EntryBytes {
    fn weight(&self, text: &String, vector: &Vector) -> u64 {
        (text.len() + size_of_val(&**vector) + 64) as u64
    }
}

/// An engine whose embeddings are cached by text. Everything else passes through.
pub struct Cached<E> {
    engine: E,
    texts: Cache<String, Vector, EntryBytes>,
}

impl<E: std::fmt::Debug> std::fmt::Debug for Cached<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cached")
            .field("engine", &self.engine)
            .field("texts", &self.texts.len())
            .field("bytes", &self.texts.weight())
            .finish()
    }
}

impl<E> Cached<E> {
    /// `engine` with a cache of at most `bytes` (see [`DEFAULT_CACHE_BYTES`]).
    pub fn new(engine: E, bytes: u64) -> Self {
        // The item estimate only sizes the cache's tables up front: a text and its vector
        // weigh about 1.6 KiB.
        let estimate = usize::try_from(bytes / 1_600).unwrap_or(usize::MAX).max(16);
        Self { engine, texts: Cache::with_weighter(estimate, bytes, EntryBytes) }
    }

    /// Texts cached now.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// `texts` embedded: from the cache, and by `compute` for the texts it does not hold.
    fn embed_with(
        &self,
        texts: &[&str],
        compute: impl FnOnce(&[&str]) -> Result<Vec<Vector>, EngineError>,
    ) -> Result<Vec<Vector>, EngineError> {
        let mut found: Vec<Option<Vector>> = texts.iter().map(|t| self.texts.get(*t)).collect();
        // Each missing text once, however often it is asked for in this call.
        let mut missing: Vec<&str> = texts.iter().zip(&found).filter(|(_, v)| v.is_none()).map(|(t, _)| *t).collect();
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            let vectors = compute(&missing)?;
            let fresh: HashMap<&str, Vector> = missing.iter().copied().zip(vectors).collect();
            for (text, slot) in texts.iter().zip(&mut found) {
                if slot.is_none() {
                    *slot = fresh.get(text).cloned();
                }
            }
            for (text, vector) in fresh {
                self.texts.insert(text.to_owned(), vector);
            }
        }
        found
            .into_iter()
            .map(|v| v.ok_or_else(|| EngineError::Failed(anyhow::anyhow!("the engine answered too few vectors"))))
            .collect()
    }
}

impl<E: Engine> Engine for Cached<E> {
    fn dim(&self) -> usize {
        self.engine.dim()
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        self.embed_with(texts, |missing| self.engine.embed(missing))
    }

    fn embed_bulk(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        self.embed_with(texts, |missing| self.engine.embed_bulk(missing))
    }

    fn ready(&self, texts: &[&str]) -> Vec<Option<Vector>> {
        texts.iter().map(|t| self.texts.get(*t)).collect()
    }

    fn pool_settings(&self, list_size: usize, per_row: usize, weights: Weights) -> Settings {
        self.engine.pool_settings(list_size, per_row, weights)
    }

    fn learn_weights(&self, examples: &[(PairFeatures, bool)], prior: &Weights) -> Result<Learned, EngineError> {
        self.engine.learn_weights(examples, prior)
    }

    fn train_events(&self, data: &EventData<'_>) -> Result<TrainedEvents, EngineError> {
        self.engine.train_events(data)
    }

    fn kmeans(&self, points: &[&[f32]], k: usize, iterations: usize, seeds: &[u64]) -> Result<Clusters, EngineError> {
        self.engine.kmeans(points, k, iterations, seeds)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::LightEngine;

    /// A lightweight engine that counts the texts it embeds.
    #[derive(Debug, Default)]
    struct Counting {
        inner: LightEngine,
        embedded: std::sync::Mutex<Vec<String>>,
    }

    impl Engine for Counting {
        fn dim(&self) -> usize {
            self.inner.dim()
        }
        fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
            self.embedded.lock().map_err(|e| anyhow::anyhow!("{e}"))?.extend(texts.iter().map(|t| (*t).to_owned()));
            self.inner.embed(texts)
        }
        fn pool_settings(&self, list_size: usize, per_row: usize, weights: Weights) -> Settings {
            self.inner.pool_settings(list_size, per_row, weights)
        }
        fn learn_weights(&self, examples: &[(PairFeatures, bool)], prior: &Weights) -> Result<Learned, EngineError> {
            self.inner.learn_weights(examples, prior)
        }
        fn train_events(&self, data: &EventData<'_>) -> Result<TrainedEvents, EngineError> {
            self.inner.train_events(data)
        }
        fn kmeans(&self, p: &[&[f32]], k: usize, i: usize, s: &[u64]) -> Result<Clusters, EngineError> {
            self.inner.kmeans(p, k, i, s)
        }
    }

    fn embedded(cached: &Cached<Counting>) -> Vec<String> {
        cached.engine.embedded.lock().map(|e| e.clone()).unwrap_or_default()
    }

    #[test]
    fn a_text_is_embedded_once_and_answered_in_order() -> Result<(), EngineError> {
        let cached = Cached::new(Counting::default(), DEFAULT_CACHE_BYTES);
        let first = cached.embed(&["rust", "jazz", "rust"])?;
        assert_eq!(first[0], first[2]);
        assert_ne!(first[0], first[1]);
        let second = cached.embed(&["jazz", "climbing", "rust"])?;
        assert_eq!(second[0], first[1]);
        assert_eq!(second[2], first[0]);
        assert_eq!(embedded(&cached), ["jazz", "rust", "climbing"]);
        assert_eq!(cached.len(), 3);
        Ok(())
    }

    #[test]
    fn ready_answers_only_what_was_embedded_and_bulk_fills_the_same_cache() -> Result<(), EngineError> {
        let cached = Cached::new(Counting::default(), DEFAULT_CACHE_BYTES);
        let jazz = cached.embed(&["jazz"])?;
        let ready = cached.ready(&["climbing", "jazz"]);
        assert!(ready[0].is_none());
        assert_eq!(ready[1].as_ref(), Some(&jazz[0]));
        cached.embed_bulk(&["climbing", "jazz"])?;
        assert!(cached.ready(&["climbing"])[0].is_some());
        assert_eq!(embedded(&cached), ["jazz", "climbing"], "nothing embedded twice, ready embeds nothing");
        Ok(())
    }

    #[test]
    fn memory_stays_within_the_bound() -> Result<(), EngineError> {
        // Room for about ten entries.
        let bound = 10 * (4 * 384 + 64 + 8) as u64;
        let cached = Cached::new(Counting::default(), bound);
        for i in 0..200 {
            cached.embed(&[&format!("text {i:03}")])?;
        }
        assert!(cached.texts.weight() <= bound, "{} > {bound}", cached.texts.weight());
        assert!(cached.len() <= 10 && !cached.is_empty(), "{}", cached.len());
        Ok(())
    }
}
