//! The lightweight engine: plain Rust, no model and no libtorch, deterministic. Texts become
//! hashed bags of words, the event recommender is "people who went to things like this" (the
//! mean of a user's history and profile against each event's text, plus a little popularity),
//! k-means is Lloyd's algorithm on `Vec<f32>`, and the score's weights stay as set by hand. It
//! gives sensible results wherever the real model is not the point: tests of the server's own
//! logic, machines without libtorch.

use crate::engine::{dot, squared_distance, Clusters, Engine, EngineError, EventData, Vector};
use crate::learn::{Learned, PairFeatures};
use crate::pool::Settings;
use crate::score::Weights;
use crate::trained::{LightScorer, TrainedEvents};

/// Length of the hashed vectors: as many buckets as the real model has dimensions, so callers
/// that assume that length keep working.
pub const LIGHT_DIM: usize = crate::EMBEDDING_DIM;

/// The lightweight engine. See the module documentation.
#[derive(Debug, Default, Clone, Copy)]
pub struct LightEngine;

/// FNV-1a, 64 bits: a hash that is the same on every machine and every run.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `text` as a unit vector: each lower-cased word adds ±1 to the bucket its hash picks (the
/// sign from another bit of the hash, so collisions cancel rather than pile up). Texts sharing
/// words point the same way; a text without words is the zero vector.
pub fn hashed_words(text: &str) -> Vec<f32> {
    let mut v = vec![0.0f32; LIGHT_DIM];
    for word in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let h = fnv1a(word.to_lowercase().as_bytes());
        let sign = if h >> 63 == 0 { 1.0 } else { -1.0 };
        v[(h % LIGHT_DIM as u64) as usize] += sign;
    }
    normalize(&mut v);
    v
}

pub(crate) fn normalize(v: &mut [f32]) {
    let norm = dot(v, v).sqrt();
    if norm > 1e-9 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// The mean of `rows`, zeros when there are none.
pub(crate) fn mean<'a>(rows: impl Iterator<Item = &'a [f32]>, dim: usize) -> Vec<f32> {
    let mut sum = vec![0.0f32; dim];
    let mut n = 0usize;
    for row in rows {
        sum.iter_mut().zip(row).for_each(|(s, x)| *s += x);
        n += 1;
    }
    sum.iter_mut().for_each(|s| *s /= n.max(1) as f32);
    sum
}

/// A deterministic stream of numbers in [0, 1) (a 64-bit LCG).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// k-means of `points` from one seed: k-means++ seeding, then `iterations` Lloyd steps; a
/// cluster that loses every point keeps its centre.
fn kmeans_once(points: &[&[f32]], k: usize, iterations: usize, seed: u64) -> Clusters {
    let mut random = Lcg(seed);
    let n = points.len();
    let first = ((random.next() * n as f64) as usize).min(n - 1);
    let mut centroids: Vec<Vec<f32>> = vec![points[first].to_vec()];
    while centroids.len() < k {
        let nearest: Vec<f64> = points
            .iter()
            .map(|p| centroids.iter().map(|c| f64::from(squared_distance(p, c))).fold(f64::INFINITY, f64::min))
            .collect();
        let total: f64 = nearest.iter().sum();
        let mut target = random.next() * total;
        let pick = nearest
            .iter()
            .position(|&w| {
                target -= w;
                target < 0.0 && w > 0.0
            })
            .unwrap_or(n - 1);
        centroids.push(points[pick].to_vec());
    }
    let assign = |centroids: &[Vec<f32>]| -> Vec<usize> {
        points
            .iter()
            .map(|p| {
                (0..centroids.len())
                    .min_by(|&a, &b| squared_distance(p, &centroids[a]).total_cmp(&squared_distance(p, &centroids[b])))
                    .unwrap_or(0)
            })
            .collect()
    };
    let mut assignments = assign(&centroids);
    for _ in 0..iterations {
        for (c, centre) in centroids.iter_mut().enumerate() {
            let members = points.iter().zip(&assignments).filter(|(_, a)| **a == c).map(|(p, _)| *p);
            if assignments.contains(&c) {
                *centre = mean(members, centre.len());
            }
        }
        assignments = assign(&centroids);
    }
    Clusters::new(points, centroids, assignments)
}

impl Engine for LightEngine {
    fn dim(&self) -> usize {
        LIGHT_DIM
    }

    fn embed(&self, texts: &[&str]) -> Result<Vec<Vector>, EngineError> {
        Ok(texts.iter().map(|t| Vector::from(hashed_words(t))).collect())
    }

    fn pool_settings(&self, list_size: usize, per_row: usize, weights: Weights) -> Settings {
        // The default length is the model's, which the hashed vectors share.
        Settings { list_size, per_row, weights, ..Settings::default() }
    }

    fn learn_weights(&self, examples: &[(PairFeatures, bool)], prior: &Weights) -> Result<Learned, EngineError> {
        let positives = examples.iter().filter(|e| e.1).count();
        Ok(Learned { weights: *prior, positives, negatives: examples.len() - positives, fit: None })
    }

    fn train_events(&self, data: &EventData<'_>) -> Result<TrainedEvents, EngineError> {
        let mut going = vec![0usize; data.item_text.len()];
        for &item in data.histories.iter().flatten() {
            if let Some(count) = going.get_mut(item) {
                *count += 1;
            }
        }
        let most = going.iter().copied().max().unwrap_or(0).max(1) as f32;
        let popularity = going.iter().map(|&g| POPULARITY * (1.0 + g as f32).ln() / (1.0 + most).ln()).collect();
        let items = data.item_text.iter().map(|t| t.to_vec()).collect();
        Ok(TrainedEvents::Light(LightScorer { items, popularity }))
    }

    fn kmeans(&self, points: &[&[f32]], k: usize, iterations: usize, seeds: &[u64]) -> Result<Clusters, EngineError> {
        let k = k.min(points.len());
        if k == 0 {
            return Err(anyhow::anyhow!("k-means needs at least one point and one cluster").into());
        }
        seeds
            .iter()
            .map(|&seed| kmeans_once(points, k, iterations, seed))
            .min_by(|a, b| a.inertia.total_cmp(&b.inertia))
            .ok_or_else(|| anyhow::anyhow!("k-means needs at least one seed").into())
    }
}

/// How much popularity adds at most to the lightweight recommender's scores (cosines are at
/// most 1): enough to order events with no text in common, too little to beat a good match.
const POPULARITY: f32 = 0.1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Attendee, EventScorer, Pool};

    #[test]
    fn texts_sharing_words_are_close_and_embedding_is_deterministic() -> Result<(), EngineError> {
        let engine = LightEngine;
        let v = engine.embed(&["Rust meetup: async Rust", "rust async", "watercolour painting", ""])?;
        assert!((dot(&v[0], &v[0]) - 1.0).abs() < 1e-5, "unit length");
        assert!(dot(&v[0], &v[1]) > 0.5, "{}", dot(&v[0], &v[1]));
        assert!(dot(&v[0], &v[2]).abs() < 0.3, "{}", dot(&v[0], &v[2]));
        assert!(v[3].iter().all(|&x| x == 0.0), "no words, no direction");
        assert_eq!(engine.embed(&["Rust meetup: async Rust"])?[0], v[0]);
        Ok(())
    }

    #[test]
    fn recommends_events_like_the_ones_attended() -> Result<(), EngineError> {
        let engine = LightEngine;
        let texts = engine.embed(&["jazz night", "jazz trio", "climbing wall", "bouldering climbing"])?;
        let item_text: Vec<&[f32]> = texts.iter().map(|t| &t[..]).collect();
        let histories = vec![vec![0], vec![0], vec![2]];
        let profiles: Vec<&[f32]> = vec![&[]; 3];
        let model =
            engine.train_events(&EventData { histories: &histories, item_text: &item_text, profiles: &profiles })?;
        assert_eq!(model.items(), 4);
        let scores = model.scores(&[0], None)?;
        assert!(scores[1] > scores[2] && scores[1] > scores[3], "{scores:?}");
        let new = engine.embed(&["late jazz", "climbing course"])?;
        let new: Vec<&[f32]> = new.iter().map(|t| &t[..]).collect();
        let from_text = model.text_scores(&[2], None, &new)?;
        assert!(from_text[1] > from_text[0], "{from_text:?}");
        Ok(())
    }

    #[test]
    fn a_pool_on_its_settings_suggests_people_who_complement_each_other() -> Result<(), EngineError> {
        let engine = LightEngine;
        let v = engine.embed(&["rust mentoring", "a rust mentor", "design feedback", "watercolour"])?;
        let person = |seek: &Vector, offer: &Vector| Attendee {
            seek: seek.to_vec(),
            offer: offer.to_vec(),
            about: offer.to_vec(),
            ..Attendee::default()
        };
        // 0 seeks a mentor and offers design feedback, 1 the other way round; 2 seeks a mentor
        // too but offers nothing anyone seeks.
        let people = vec![(0u32, person(&v[1], &v[2])), (1, person(&v[2], &v[0])), (2, person(&v[1], &v[3]))];
        let pool = Pool::build(engine.pool_settings(10, 30, Weights::default()), people, &[]);
        assert_eq!(pool.list(&0).unwrap_or_default().iter().map(|c| c.0).collect::<Vec<_>>(), [1]);
        assert_eq!(pool.list(&1).unwrap_or_default().iter().map(|c| c.0).collect::<Vec<_>>(), [0]);
        assert!(pool.list(&2).unwrap_or_default().is_empty(), "one-sided interest is not a match");
        Ok(())
    }

    #[test]
    fn kmeans_finds_separated_clusters_deterministically() -> Result<(), EngineError> {
        let rows: Vec<Vec<f32>> = (0..30)
            .map(|i| {
                let (x, y) = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)][i % 3];
                let jitter = (i / 3) as f32 * 0.05;
                vec![x + jitter, y - jitter]
            })
            .collect();
        let points: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
        let a = LightEngine.kmeans(&points, 3, 10, &[1, 2, 3])?;
        for i in 0..30 {
            assert_eq!(a.assignments[i], a.assignments[i % 3], "point {i}");
        }
        assert_eq!(a.centroids.len(), 3);
        assert_eq!(a, LightEngine.kmeans(&points, 3, 10, &[1, 2, 3])?);
        assert_eq!(LightEngine.kmeans(&points[..2], 5, 3, &[1])?.centroids.len(), 2);
        Ok(())
    }
}
