//! A trained event recommender as plain numbers: what every engine's training answers, scored in
//! plain Rust, serializable. So a model trained where libtorch runs (a matcher worker on a GPU
//! machine) serves wherever it is shipped to (a gateway node built without libtorch), and serving
//! never takes a lock around a tensor.
//!
//! Scoring one user is a few matrix-vector products over the catalog (a few thousand upcoming
//! events × 64 numbers): well under a millisecond on one core.

use serde::{Deserialize, Serialize};

use crate::engine::{dot, EngineError, EventScorer};

/// A trained event recommender, whichever engine trained it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum TrainedEvents {
    /// The content-aware autoencoder of [`crate::recommend`] (libtorch's engine).
    Linear(Linear),
    /// The lightweight engine's "people who went to things like this".
    Light(LightScorer),
}

impl TrainedEvents {
    /// Checks that every matrix has the size its dimensions say, so a model read from elsewhere
    /// can be scored without an index ever falling outside a matrix.
    pub fn check(&self) -> Result<(), EngineError> {
        match self {
            Self::Linear(m) => m.check(),
            Self::Light(m) => m.check(),
        }
    }

    fn scorer(&self) -> &dyn EventScorer {
        match self {
            Self::Linear(m) => m,
            Self::Light(m) => m,
        }
    }
}

impl EventScorer for TrainedEvents {
    fn items(&self) -> usize {
        self.scorer().items()
    }

    fn scores(&self, history: &[usize], profile: Option<&[f32]>) -> Result<Vec<f32>, EngineError> {
        self.scorer().scores(history, profile)
    }

    fn text_scores(
        &self,
        history: &[usize],
        profile: Option<&[f32]>,
        texts: &[&[f32]],
    ) -> Result<Vec<f32>, EngineError> {
        self.scorer().text_scores(history, profile, texts)
    }
}

/// The autoencoder's serving weights, row-major (see [`crate::recommend`] for the model):
/// a user is `u = mean_{j∈H} h_j + P·p`, an item scores `u·v_i + b_i`, and an item outside the
/// catalog with text embedding `c` scores `u·(T·c) + t·c`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Linear {
    /// Length of user and item vectors.
    pub dim: usize,
    /// Length of text embeddings.
    pub text_dim: usize,
    /// `[items, dim]` output vectors `v_i` and `[items]` biases `b_i`.
    pub item_vectors: Vec<f32>,
    pub item_bias: Vec<f32>,
    /// `[items, dim]` input vectors `h_j` that a history averages.
    pub history_vectors: Vec<f32>,
    /// `[text_dim, dim]` projection `P` of a profile embedding.
    pub profile_projection: Vec<f32>,
    /// `[text_dim, dim]` projection `T` and `[text_dim]` bias `t` of an item's text.
    pub text_projection: Vec<f32>,
    pub text_bias: Vec<f32>,
}

/// `x·M` for `x` of length `rows` and `M` row-major `[rows, cols]`.
fn times(x: &[f32], m: &[f32], cols: usize) -> Vec<f32> {
    let mut out = vec![0.0f32; cols];
    for (xi, row) in x.iter().zip(m.chunks_exact(cols)) {
        if *xi != 0.0 {
            out.iter_mut().zip(row).for_each(|(o, w)| *o += xi * w);
        }
    }
    out
}

impl Linear {
    fn check(&self) -> Result<(), EngineError> {
        let items = self.item_bias.len();
        let sized = self.dim > 0
            && self.item_vectors.len() == items * self.dim
            && self.history_vectors.len() == items * self.dim
            && self.profile_projection.len() == self.text_dim * self.dim
            && self.text_projection.len() == self.text_dim * self.dim
            && self.text_bias.len() == self.text_dim;
        if sized {
            Ok(())
        } else {
            Err(anyhow::anyhow!("a recommendation model whose matrices do not match its dimensions").into())
        }
    }

    /// The user vector: the mean of the history's input vectors (each item once, as in training)
    /// plus the projected profile. Items outside the catalog and a profile of the wrong length
    /// are left out.
    fn user(&self, history: &[usize], profile: Option<&[f32]>) -> Vec<f32> {
        let mut items: Vec<usize> = history.iter().copied().filter(|&i| i < self.item_bias.len()).collect();
        items.sort_unstable();
        items.dedup();
        let mut user = vec![0.0f32; self.dim];
        for &i in &items {
            let row = &self.history_vectors[i * self.dim..(i + 1) * self.dim];
            user.iter_mut().zip(row).for_each(|(u, h)| *u += h);
        }
        let n = items.len().max(1) as f32;
        user.iter_mut().for_each(|u| *u /= n);
        if let Some(p) = profile.filter(|p| p.len() == self.text_dim) {
            let projected = times(p, &self.profile_projection, self.dim);
            user.iter_mut().zip(projected).for_each(|(u, x)| *u += x);
        }
        user
    }
}

impl EventScorer for Linear {
    fn items(&self) -> usize {
        self.item_bias.len()
    }

    fn scores(&self, history: &[usize], profile: Option<&[f32]>) -> Result<Vec<f32>, EngineError> {
        let user = self.user(history, profile);
        Ok(self.item_vectors.chunks_exact(self.dim).zip(&self.item_bias).map(|(v, b)| dot(&user, v) + b).collect())
    }

    fn text_scores(
        &self,
        history: &[usize],
        profile: Option<&[f32]>,
        texts: &[&[f32]],
    ) -> Result<Vec<f32>, EngineError> {
        // u·(T·c) + t·c = c·(T·u + t): one product with the user, then a dot per text.
        let user = self.user(history, profile);
        let mut through: Vec<f32> = self.text_projection.chunks_exact(self.dim).map(|row| dot(row, &user)).collect();
        through.iter_mut().zip(&self.text_bias).for_each(|(x, t)| *x += t);
        Ok(texts.iter().map(|c| if c.len() == self.text_dim { dot(c, &through) } else { 0.0 }).collect())
    }
}

/// The lightweight event recommender: a user is the mean of their history's and their profile's
/// vectors; an event scores its cosine with that, plus its popularity in training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LightScorer {
    pub items: Vec<Vec<f32>>,
    pub popularity: Vec<f32>,
}

impl LightScorer {
    fn check(&self) -> Result<(), EngineError> {
        let dim = self.items.first().map_or(0, Vec::len);
        if self.items.len() == self.popularity.len() && self.items.iter().all(|i| i.len() == dim) {
            Ok(())
        } else {
            Err(anyhow::anyhow!("a recommendation model whose vectors do not match").into())
        }
    }

    fn user(&self, history: &[usize], profile: Option<&[f32]>) -> Vec<f32> {
        let dim = self.items.first().map_or(crate::light::LIGHT_DIM, Vec::len);
        let profile = profile.filter(|p| p.len() == dim);
        let rows = history.iter().filter_map(|&i| self.items.get(i)).map(Vec::as_slice).chain(profile);
        let mut user = crate::light::mean(rows, dim);
        crate::light::normalize(&mut user);
        user
    }
}

impl EventScorer for LightScorer {
    fn items(&self) -> usize {
        self.items.len()
    }

    fn scores(&self, history: &[usize], profile: Option<&[f32]>) -> Result<Vec<f32>, EngineError> {
        let user = self.user(history, profile);
        Ok(self.items.iter().zip(&self.popularity).map(|(item, p)| dot(&user, item) + p).collect())
    }

    fn text_scores(
        &self,
        history: &[usize],
        profile: Option<&[f32]>,
        texts: &[&[f32]],
    ) -> Result<Vec<f32>, EngineError> {
        let user = self.user(history, profile);
        Ok(texts.iter().map(|t| dot(&user, t)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two items in two dimensions, text of two dimensions: small enough to work out by hand.
    fn small() -> Linear {
        Linear {
            dim: 2,
            text_dim: 2,
            item_vectors: vec![1.0, 0.0, 0.0, 1.0],
            item_bias: vec![0.1, 0.2],
            history_vectors: vec![2.0, 0.0, 0.0, 4.0],
            profile_projection: vec![1.0, 0.0, 0.0, 0.0],
            text_projection: vec![0.0, 1.0, 1.0, 0.0],
            text_bias: vec![0.5, 0.0],
        }
    }

    #[test]
    fn scores_are_the_models_arithmetic() -> Result<(), EngineError> {
        let m = small();
        // History {0, 1, 1}: each item once, u = ((2,0) + (0,4)) / 2 = (1, 2).
        assert_eq!(m.scores(&[0, 1, 1], None)?, [1.1, 2.2]);
        // Profile (3, 9) projects to (3, 0): u = (3, 0) with no history.
        assert_eq!(m.scores(&[], Some(&[3.0, 9.0]))?, [3.1, 0.2]);
        // A text (1, 0): T·c = (0, 1), t·c = 0.5; with u = (1, 2) that is 2.5.
        assert_eq!(m.text_scores(&[0, 1], None, &[&[1.0, 0.0], &[1.0]])?, [2.5, 0.0]);
        // Out-of-catalog history items and a profile of the wrong length are left out.
        assert_eq!(m.scores(&[7], Some(&[1.0]))?, [0.1, 0.2]);
        Ok(())
    }

    #[test]
    fn a_model_travels_as_json_and_a_damaged_one_is_refused() -> Result<(), EngineError> {
        let model = TrainedEvents::Linear(small());
        let text = serde_json::to_string(&model).map_err(anyhow::Error::from)?;
        let back: TrainedEvents = serde_json::from_str(&text).map_err(anyhow::Error::from)?;
        assert_eq!(back, model);
        back.check()?;
        let mut damaged = small();
        damaged.item_vectors.pop();
        assert!(TrainedEvents::Linear(damaged).check().is_err());
        let light = LightScorer { items: vec![vec![1.0, 0.0], vec![0.0]], popularity: vec![0.0, 0.0] };
        assert!(TrainedEvents::Light(light).check().is_err());
        Ok(())
    }
}
