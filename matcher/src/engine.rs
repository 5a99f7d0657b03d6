//! The seam between the server and the matcher's numerical work: the [`Engine`] trait, which
//! every engine implements (libtorch's [`crate::TorchEngine`], the lightweight
//! [`crate::LightEngine`]), and the plain-Rust types that cross it. Nothing here names a tensor:
//! callers hand over texts, vectors as `&[f32]` and indices, and get the same back, so the other
//! side of the seam can change (another runtime, a remote service, a test double) without the
//! server noticing.

use std::sync::Arc;

use crate::learn::{Learned, PairFeatures};
use crate::pool::Settings;
use crate::score::Weights;
use crate::trained::TrainedEvents;

/// Length of the real model's embeddings (all-MiniLM-L6-v2), and of the lightweight engine's.
pub const EMBEDDING_DIM: usize = 384;

/// An embedding: a unit vector, shared rather than copied between caches and callers.
pub type Vector = Arc<[f32]>;

/// Why an engine could not do what it was asked.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// The engine's model is missing or unreadable: nothing it computes can be trusted, so
    /// callers answer "unavailable" rather than guess.
    #[error("the text model is not available: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

/// The matcher's numerical work as the server sees it. Every method is blocking and may be
/// CPU- or GPU-heavy: call it from a blocking thread, never from the async reactor.
pub trait Engine: Send + Sync + std::fmt::Debug {
    /// Length of every vector [`Engine::embed`] answers.
    fn dim(&self) -> usize;

    /// Embeds `texts` as unit vectors (a dot product is a cosine), in order. Wrap an engine in
    /// [`crate::Cached`] so the same text is embedded once. For a request someone is waiting on.
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError>;

    /// Embeds like [`Engine::embed`], as background work (training, warming up, a whole event's
    /// pool): an engine with one model at a time works through it in short turns and lets any
    /// [`Engine::embed`] waiting go first between turns, so nobody waits behind a bulk job.
    fn embed_bulk(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        self.embed(texts)
    }

    /// The vectors of `texts` ready now (already embedded), without computing any: what a
    /// request that must not wait can use.
    fn ready(&self, texts: &[&str]) -> Vec<Option<Vector>> {
        vec![None; texts.len()]
    }

    /// Settings for a [`crate::Pool`] of one event computed where this engine computes (its
    /// device), with lists of `list_size` picked from `per_row` candidates scored by `weights`.
    fn pool_settings(&self, list_size: usize, per_row: usize, weights: Weights) -> Settings;

    /// Fits the score's weights to outcomes of pairs (see [`crate::learn`]); `prior` comes back
    /// unfitted when there is too little to learn from or the engine cannot fit.
    fn learn_weights(&self, examples: &[(PairFeatures, bool)], prior: &Weights) -> Result<Learned, EngineError>;

    /// Trains the event recommender on `data` (see [`crate::recommend`]). The answer is plain
    /// numbers, scored in plain Rust wherever it is sent ([`TrainedEvents`]).
    fn train_events(&self, data: &EventData<'_>) -> Result<TrainedEvents, EngineError>;

    /// k-means of `points` (all of one length) into at most `k` clusters: the best of `seeds`
    /// seedings (least inertia), each followed by `iterations` Lloyd steps. k-means finds a local
    /// optimum; the best of a few seedings is far more stable than any one.
    fn kmeans(&self, points: &[&[f32]], k: usize, iterations: usize, seeds: &[u64]) -> Result<Clusters, EngineError>;
}

/// What the event recommender learns from: per user, the catalog items they went to (indices
/// into `item_text`, oldest first), each item's text vector and each user's profile vector.
#[derive(Debug, Clone, Copy)]
pub struct EventData<'a> {
    pub histories: &'a [Vec<usize>],
    pub item_text: &'a [&'a [f32]],
    pub profiles: &'a [&'a [f32]],
}

/// A trained event recommender, read by one request at a time or many.
pub trait EventScorer: Send + Sync {
    /// Number of items in the catalog it was trained on.
    fn items(&self) -> usize;

    /// Scores of every catalog item (higher is better) for a user with `history` (catalog
    /// indices, oldest first) and, if known, `profile` (their profile vector).
    fn scores(&self, history: &[usize], profile: Option<&[f32]>) -> Result<Vec<f32>, EngineError>;

    /// Scores, comparable with [`EventScorer::scores`], of items outside the catalog (created
    /// since training) from their text vectors alone.
    fn text_scores(
        &self,
        history: &[usize],
        profile: Option<&[f32]>,
        texts: &[&[f32]],
    ) -> Result<Vec<f32>, EngineError>;
}

/// k-means clusters of a set of points.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Clusters {
    /// The cluster centres.
    pub centroids: Vec<Vec<f32>>,
    /// The cluster of each point, an index into `centroids`.
    pub assignments: Vec<usize>,
    /// Sum of squared distances of the points to their centres: lower is tighter.
    pub inertia: f64,
}

impl Clusters {
    /// Clusters from centres and assignments, with their inertia over `points`.
    pub fn new(points: &[&[f32]], centroids: Vec<Vec<f32>>, assignments: Vec<usize>) -> Self {
        let inertia = points
            .iter()
            .zip(&assignments)
            .filter_map(|(p, &a)| Some(f64::from(squared_distance(p, centroids.get(a)?))))
            .sum();
        Self { centroids, assignments, inertia }
    }

    /// The index of the centre nearest to `point`.
    pub fn nearest(&self, point: &[f32]) -> Option<usize> {
        self.centroids
            .iter()
            .enumerate()
            .min_by(|a, b| squared_distance(a.1, point).total_cmp(&squared_distance(b.1, point)))
            .map(|(i, _)| i)
    }
}

/// Squared Euclidean distance of two vectors of one length.
pub fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| (x - y) * (x - y)).sum()
}

/// Dot product: the cosine of two unit vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inertia_and_nearest_centre() {
        let points: [&[f32]; 3] = [&[0.0, 0.0], &[1.0, 0.0], &[10.0, 0.0]];
        let clusters = Clusters::new(&points, vec![vec![0.5, 0.0], vec![10.0, 0.0]], vec![0, 0, 1]);
        assert!((clusters.inertia - 0.5).abs() < 1e-9, "{}", clusters.inertia);
        assert_eq!(clusters.nearest(&[9.0, 1.0]), Some(1));
        assert_eq!(clusters.nearest(&[-1.0, 0.0]), Some(0));
    }
}
