//! Event recommendations for attendees: the collaborative model over RSVPs and check-ins that
//! learns which events go together, blended with the events' text so that new events and new
//! users are served from content alone; and k-means segments over user vectors.
//!
//! Model (a content-aware multinomial denoising autoencoder, after Mult-DAE, Liang et al. 2018):
//! - An item (event) vector is `v_i = s_i·e_i + W·c_i` and its bias `b_i = s_i·β_i + w·c_i`:
//!   `c_i` is the event's text embedding (MiniLM, 384 dimensions), `e_i`, `β_i` its learned
//!   identity parts, and `s_i` is 1 for items with interactions in training, 0 otherwise. A new
//!   event therefore has a vector from its text alone, never an untrained random identity.
//! - A user vector is `u = mean_{j∈H} (s_j·h_j + V·c_j) + P·p`: the mean of their history's
//!   input vectors (identity and text) plus their profile text embedding `p` projected. There is
//!   no per-user parameter, so a user who joined after training, or whose history changed since,
//!   is served without retraining, and a user with no history (onboarding interests only) gets
//!   `P·p`.
//! - Score of item i for user u: `u·v_i + b_i`, a softmax over the catalog.
//!
//! Training: full-batch over the user × item matrix of training interactions. Each step hides a
//! share of each user's interactions, builds `u` from the rest and maximizes the multinomial
//! log-likelihood of the hidden ones over the items seen in training (items without interactions
//! are left out of the softmax: pushing them down would teach the text tower that "unseen" is a
//! property of their text). For most users the hidden share is their latest interactions
//! (histories come oldest first), so the model learns what people go to *next*, which is what a
//! list of upcoming events is for; for the rest it is a random share. The latest-targets steps
//! train the items' identity parts only, not what item vectors take from text: what was in
//! fashion lately is a matter of time, and a new event's text should not be judged by it. The loss is listwise, which suits a top-k list better
//! than pointwise or pairwise (BPR) losses, and on a catalog of thousands of upcoming events the
//! full softmax is a single GEMM. Two more dropouts teach the cold paths: per step a share of
//! items lose their identity parts (their text has to carry them), and a share of users lose
//! their whole history (their profile has to carry them). Adam, fixed steps, L2 on the weights,
//! CPU and a fixed seed, so the same data give the same model.
//!
//! Segments: k-means on user vectors (k-means++ seeding from a fixed seed, fixed iterations),
//! for cold start by segment and audience segments of an event.

use tch::nn::{self, OptimizerConfig as _};
use tch::{Device, Kind, Tensor};

use crate::embed::EMBEDDING_DIM;

/// How the model is trained.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainConfig {
    /// Dimension of the user and item vectors.
    pub dim: i64,
    /// Full-batch Adam steps.
    pub steps: usize,
    pub learning_rate: f64,
    /// L2 penalty on the vectors and projections (not the biases), divided by the number of
    /// training interactions so that it means the same on small and large data. Strong values
    /// pull every user towards the popular items (the biases); weak ones overfit.
    pub weight_decay: f64,
    /// Share of each user's interactions hidden per step (the targets).
    pub hide: f64,
    /// Share of items whose identity parts are dropped per step.
    pub item_id_dropout: f64,
    /// Share of users whose whole history is dropped per step (profile only).
    pub user_history_dropout: f64,
    /// Share of users per step whose targets are their latest `hide` share of interactions,
    /// instead of a random share: what comes next, which is what a list of upcoming events is for.
    pub latest_targets: f64,
    /// Whether those latest targets also train what item vectors take from their text. What is
    /// new lately is partly a matter of time, not of content, and a new event's text should not
    /// be judged by when similar events happened to be popular.
    pub latest_teaches_text: bool,
    pub seed: u64,
}

/// Chosen on the validation splits of `examples/events_eval.rs` (MovieLens-100k), never on its
/// test splits: hiding half of each history per step and `weight_decay` 3 beat the first guess
/// (a quarter, 1e-4) on both splits; more steps, a lower rate, 32 or 128 dimensions, more item
/// identity dropout and other history dropouts did not help. Latest targets for 80% of users
/// (identity only) took validation NDCG@10 from 0.167 to 0.201 (temporal) and 0.202 to 0.233
/// (cold start); 20% or 50% helped less, and letting them teach the text cost cold start a
/// quarter.
impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            dim: 64,
            steps: 300,
            learning_rate: 0.01,
            weight_decay: 3.0,
            hide: 0.5,
            item_id_dropout: 0.25,
            user_history_dropout: 0.1,
            latest_targets: 0.8,
            latest_teaches_text: false,
            seed: 7,
        }
    }
}

/// What the model is trained on. Item and user indices are rows of the two embedding matrices.
#[derive(Debug)]
pub struct TrainingData<'a> {
    /// Each user's interacted items (RSVPs, check-ins), oldest first.
    pub histories: &'a [Vec<usize>],
    /// `[items, 384]` text embeddings of every item in the catalog, seen in training or not.
    pub item_text: &'a Tensor,
    /// `[users, 384]` profile text embeddings; a zero row for a user without a profile.
    pub profiles: &'a Tensor,
}

/// The trained recommender. Its catalog is the items of [`TrainingData::item_text`].
#[derive(Debug)]
pub struct EventModel {
    /// `[items, dim]` output vectors `v_i` and `[items]` biases `b_i`, text parts included.
    item_vectors: Tensor,
    item_bias: Tensor,
    /// `[items, dim]` input vectors (`s_j·h_j + V·c_j`) that a history averages.
    history_vectors: Tensor,
    /// `[384, dim]` projection of a profile embedding.
    profile_projection: Tensor,
    /// `[384, dim]` and `[384]`: what an item's output vector and bias take from its text, all an
    /// item outside the catalog has.
    text_projection: Tensor,
    text_bias: Tensor,
}

/// Trainable parameters, kept together so the forward pass is written once.
struct Parameters {
    item_id: Tensor,
    item_text: Tensor,
    item_id_bias: Tensor,
    item_text_bias: Tensor,
    history_id: Tensor,
    history_text: Tensor,
    profile: Tensor,
}

impl Parameters {
    /// Small uniform starting values from `random`, zero biases.
    fn new(root: &nn::Path<'_>, items: i64, dim: i64, random: &mut Random) -> Self {
        let text = EMBEDDING_DIM as i64;
        let mut init = |name: &str, rows: i64| {
            let start = (random.uniform(&[rows, dim]) - 0.5) * 0.02;
            root.var_copy(name, &start)
        };
        Self {
            item_id: init("item_id", items),
            item_text: init("item_text", text),
            history_id: init("history_id", items),
            history_text: init("history_text", text),
            profile: init("profile", text),
            item_id_bias: root.var("item_id_bias", &[items], nn::Init::Const(0.0)),
            item_text_bias: root.var("item_text_bias", &[text], nn::Init::Const(0.0)),
        }
    }

    /// Item output vectors, biases and history input vectors, with identity parts kept where
    /// `identity` (`[items, 1]`, 0 or 1) says so. Without `learn_text`, what the output vectors
    /// and biases take from the text passes no gradient back.
    fn items(&self, text: &Tensor, identity: &Tensor, learn_text: bool) -> (Tensor, Tensor, Tensor) {
        let from_text = |w: &Tensor| if learn_text { text.matmul(w) } else { text.matmul(w).detach() };
        let vectors = &self.item_id * identity + from_text(&self.item_text);
        let bias = &self.item_id_bias * identity.squeeze_dim(1) + from_text(&self.item_text_bias);
        let history = &self.history_id * identity + text.matmul(&self.history_text);
        (vectors, bias, history)
    }

    fn penalty(&self) -> Tensor {
        [&self.item_id, &self.item_text, &self.history_id, &self.history_text, &self.profile]
            .iter()
            .map(|t| t.pow_tensor_scalar(2).sum(Kind::Float))
            .fold(Tensor::from(0f32), |a, b| a + b)
    }
}

/// SplitMix64, a small deterministic generator of its own: libtorch's generator is global to the
/// process, so anything else drawing from it (another model training on another thread) would
/// change this model.
struct Random(u64);

impl Random {
    /// Uniform in [0, 1).
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A float tensor of `shape` uniform in [0, 1).
    fn uniform(&mut self, shape: &[i64]) -> Tensor {
        let n = shape.iter().product::<i64>().max(0) as usize;
        let values: Vec<f32> = (0..n).map(|_| self.next() as f32).collect();
        Tensor::from_slice(&values).view(shape)
    }
}

/// Users' vectors from a `[users, items]` 0/1 history matrix and `[users, 384]` profiles.
fn user_vectors(history: &Tensor, history_vectors: &Tensor, profiles: &Tensor, profile: &Tensor) -> Tensor {
    let counts = history.sum_dim_intlist([1i64].as_slice(), true, Kind::Float).clamp_min(1.0);
    history.matmul(history_vectors) / counts + profiles.matmul(profile)
}

/// The `[users, items]` 0/1 matrix of `histories`.
fn history_matrix(histories: &[Vec<usize>], items: usize) -> Tensor {
    let mut dense = vec![0f32; histories.len() * items];
    for (user, history) in histories.iter().enumerate() {
        for &item in history {
            dense[user * items + item] = 1.0;
        }
    }
    Tensor::from_slice(&dense).view([histories.len() as i64, items as i64])
}

/// The `[users, items]` 0/1 matrix of each user's latest `share` of interactions: at least one,
/// and never the whole history of a user with two or more.
fn latest_matrix(histories: &[Vec<usize>], items: usize, share: f64) -> Tensor {
    let latest: Vec<Vec<usize>> = histories
        .iter()
        .map(|h| {
            let n = h.len();
            let count = ((n as f64 * share).round() as usize).clamp(usize::from(n > 1), n.saturating_sub(1));
            h[n - count..].to_vec()
        })
        .collect();
    history_matrix(&latest, items)
}

/// Trains the model on `data` (on the CPU, deterministic for a given `config.seed`).
pub fn train(data: &TrainingData<'_>, config: &TrainConfig) -> anyhow::Result<EventModel> {
    let (items, text_dim) = data.item_text.size2()?;
    let users = data.histories.len() as i64;
    anyhow::ensure!(text_dim == EMBEDDING_DIM as i64, "item text embeddings must have {EMBEDDING_DIM} columns");
    anyhow::ensure!(data.profiles.size() == [users, text_dim], "one profile row per user is needed");
    anyhow::ensure!(
        data.histories.iter().flatten().all(|&i| (i as i64) < items),
        "a history names an item outside the catalog"
    );
    let mut random = Random(config.seed);
    let item_text = data.item_text.to_kind(Kind::Float).to_device(Device::Cpu);
    let profiles = data.profiles.to_kind(Kind::Float).to_device(Device::Cpu);
    let interactions = history_matrix(data.histories, items as usize);
    let latest = latest_matrix(data.histories, items as usize, config.hide);
    // Items with at least one interaction: they have an identity and take part in the softmax.
    let seen = interactions.sum_dim_intlist([0i64].as_slice(), false, Kind::Float).gt(0.0).to_kind(Kind::Float);
    let unseen_penalty = (seen.ones_like() - &seen) * -1e9;
    let total = f64::max(interactions.sum(Kind::Float).double_value(&[]), 1.0);

    let store = nn::VarStore::new(Device::Cpu);
    let parameters = Parameters::new(&store.root(), items, config.dim, &mut random);
    let mut optimizer = nn::Adam::default().build(&store, config.learning_rate)?;
    for _ in 0..config.steps {
        let mut hidden = random.uniform(&[users, items]).lt(config.hide).to_kind(Kind::Float) * &interactions;
        let by_latest = (config.latest_targets > 0.0).then(|| random.uniform(&[users, 1]).lt(config.latest_targets));
        if let Some(by_latest) = &by_latest {
            hidden = latest.where_self(by_latest, &hidden);
        }
        let keep_user = random.uniform(&[users, 1]).ge(config.user_history_dropout).to_kind(Kind::Float);
        let input = (&interactions - &hidden) * keep_user;
        let identity = random.uniform(&[items]).ge(config.item_id_dropout).to_kind(Kind::Float) * &seen;
        let (vectors, bias, history) = parameters.items(&item_text, &identity.unsqueeze(1), true);
        let u = user_vectors(&input, &history, &profiles, &parameters.profile);
        let mut logits = u.matmul(&vectors.tr()) + bias.unsqueeze(0) + unseen_penalty.unsqueeze(0);
        if let (Some(by_latest), false) = (&by_latest, config.latest_teaches_text) {
            let (vectors, bias, _) = parameters.items(&item_text, &identity.unsqueeze(1), false);
            let identity_only = u.matmul(&vectors.tr()) + bias.unsqueeze(0) + unseen_penalty.unsqueeze(0);
            logits = identity_only.where_self(by_latest, &logits);
        }
        let likelihood = (logits.log_softmax(1, Kind::Float) * &hidden).sum(Kind::Float);
        let targets = hidden.sum(Kind::Float).clamp_min(1.0);
        let loss = -likelihood / targets + parameters.penalty() * (config.weight_decay / total);
        optimizer.backward_step(&loss);
    }
    let (item_vectors, item_bias, history_vectors) =
        tch::no_grad(|| parameters.items(&item_text, &seen.unsqueeze(1), true));
    Ok(EventModel {
        item_vectors: item_vectors.detach(),
        item_bias: item_bias.detach(),
        history_vectors: history_vectors.detach(),
        profile_projection: parameters.profile.detach(),
        text_projection: parameters.item_text.detach(),
        text_bias: parameters.item_text_bias.detach(),
    })
}

impl EventModel {
    /// Number of items in the catalog.
    pub fn items(&self) -> usize {
        self.item_bias.size()[0] as usize
    }

    /// `[users, dim]` vectors of users with `histories` (oldest first) and, if given, `profiles`
    /// (`[users, 384]`, zero rows for users without one).
    fn users(&self, histories: &[Vec<usize>], profiles: Option<&Tensor>) -> Tensor {
        let history = history_matrix(histories, self.items());
        let profiles = match profiles {
            Some(p) => p.to_kind(Kind::Float).to_device(Device::Cpu),
            None => Tensor::zeros([histories.len() as i64, EMBEDDING_DIM as i64], (Kind::Float, Device::Cpu)),
        };
        user_vectors(&history, &self.history_vectors, &profiles, &self.profile_projection)
    }

    /// `[users, items]` scores of every catalog item for each user: `histories[u]` (oldest first)
    /// and, if given, `profiles` (`[users, 384]`, zero rows for users without one). Higher is
    /// better.
    pub fn scores(&self, histories: &[Vec<usize>], profiles: Option<&Tensor>) -> Tensor {
        tch::no_grad(|| self.users(histories, profiles).matmul(&self.item_vectors.tr()) + self.item_bias.unsqueeze(0))
    }

    /// `[users, n]` scores, comparable with [`Self::scores`], of `n` items outside the catalog
    /// (events created since training) from their `[n, 384]` text embeddings alone: what a
    /// catalog item without interactions would score.
    pub fn text_scores(&self, histories: &[Vec<usize>], profiles: Option<&Tensor>, item_text: &Tensor) -> Tensor {
        tch::no_grad(|| {
            let text = item_text.to_kind(Kind::Float).to_device(Device::Cpu);
            let vectors = text.matmul(&self.text_projection);
            let bias = text.matmul(&self.text_bias);
            self.users(histories, profiles).matmul(&vectors.tr()) + bias.unsqueeze(0)
        })
    }

    /// The serving weights in plain numbers, scored in plain Rust wherever they are sent
    /// ([`crate::Linear`] gives the same scores as [`Self::scores`] and [`Self::text_scores`]).
    pub fn linear(&self) -> anyhow::Result<crate::Linear> {
        let flat = |t: &Tensor| Vec::<f32>::try_from(&t.to_kind(Kind::Float).contiguous().view([-1]));
        let (_, dim) = self.item_vectors.size2()?;
        Ok(crate::Linear {
            dim: usize::try_from(dim)?,
            text_dim: EMBEDDING_DIM,
            item_vectors: flat(&self.item_vectors)?,
            item_bias: flat(&self.item_bias)?,
            history_vectors: flat(&self.history_vectors)?,
            profile_projection: flat(&self.profile_projection)?,
            text_projection: flat(&self.text_projection)?,
            text_bias: flat(&self.text_bias)?,
        })
    }

    /// The `k` best of `candidates` for one user (history and optional `[384]` profile
    /// embedding), best first, items of the history left out.
    pub fn recommend(
        &self,
        history: &[usize],
        profile: Option<&Tensor>,
        candidates: &[usize],
        k: usize,
    ) -> anyhow::Result<Vec<(usize, f32)>> {
        let profile = profile.map(|p| p.view([1, -1]));
        let row = self.scores(&[history.to_vec()], profile.as_ref()).view([-1]);
        let row = Vec::<f32>::try_from(&row)?;
        Ok(top_k(&row, candidates, history, k))
    }
}

/// The `k` highest-scoring `candidates` not in `exclude`, best first, lower index first among
/// equal scores.
pub fn top_k(scores: &[f32], candidates: &[usize], exclude: &[usize], k: usize) -> Vec<(usize, f32)> {
    let mut order: Vec<usize> = candidates.iter().copied().filter(|c| !exclude.contains(c)).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(a.cmp(&b)));
    order.dedup();
    order.into_iter().take(k).map(|i| (i, scores[i])).collect()
}

/// k-means clusters of a set of vectors.
#[derive(Debug)]
pub struct Segments {
    /// `[k, dim]` cluster centres.
    pub centroids: Tensor,
    /// The cluster of each input row.
    pub assignments: Vec<usize>,
}

/// Squared Euclidean distances `[n, k]` of `points` to `centres`.
fn squared_distances(points: &Tensor, centres: &Tensor) -> Tensor {
    let p = points.pow_tensor_scalar(2).sum_dim_intlist([1i64].as_slice(), true, Kind::Float);
    let c = centres.pow_tensor_scalar(2).sum_dim_intlist([1i64].as_slice(), true, Kind::Float).tr();
    (p + c - points.matmul(&centres.tr()) * 2.0).clamp_min(0.0)
}

/// k-means of the rows of `points` (`[n, dim]`): k-means++ seeding from `seed`, then
/// `iterations` Lloyd steps. A cluster that loses all its points keeps its centre. With fewer
/// than `k` points, `k` is the number of points.
pub fn kmeans(points: &Tensor, k: usize, iterations: usize, seed: u64) -> anyhow::Result<Segments> {
    let points = points.to_kind(Kind::Float).to_device(Device::Cpu);
    let (n, dim) = points.size2()?;
    let k = k.min(n as usize);
    anyhow::ensure!(k > 0, "k-means needs at least one point and one cluster");
    let mut random = Random(seed);
    let first = ((random.next() * n as f64) as i64).min(n - 1);
    let mut chosen = vec![first];
    while chosen.len() < k {
        let centres = points.index_select(0, &Tensor::from_slice(&chosen));
        let nearest = squared_distances(&points, &centres).min_dim(1, false).0;
        let weights = Vec::<f32>::try_from(&nearest)?;
        let total: f64 = weights.iter().map(|&w| f64::from(w)).sum();
        let next = if total > 0.0 {
            let mut target = random.next() * total;
            let mut pick = n as usize - 1;
            for (i, &w) in weights.iter().enumerate() {
                target -= f64::from(w);
                if target < 0.0 && w > 0.0 {
                    pick = i;
                    break;
                }
            }
            pick as i64
        } else {
            // Every point coincides with a chosen centre: take the first point not chosen yet.
            (0..n).find(|i| !chosen.contains(i)).unwrap_or(0)
        };
        chosen.push(next);
    }
    let mut centroids = points.index_select(0, &Tensor::from_slice(&chosen));
    let mut assignment = squared_distances(&points, &centroids).argmin(1, false);
    for _ in 0..iterations {
        let onehot = assignment.one_hot(k as i64).to_kind(Kind::Float);
        let counts = onehot.sum_dim_intlist([0i64].as_slice(), false, Kind::Float).unsqueeze(1);
        let sums = onehot.tr().matmul(&points);
        let empty = counts.eq(0.0).expand([k as i64, dim], false);
        centroids = sums.divide(&counts.clamp_min(1.0)).where_self(&empty.logical_not(), &centroids);
        assignment = squared_distances(&points, &centroids).argmin(1, false);
    }
    let assignments = Vec::<i64>::try_from(&assignment)?.into_iter().map(|a| a as usize).collect();
    Ok(Segments { centroids, assignments })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two tastes: items 0..6 are "jazz" (text direction 0), 6..12 "climbing" (direction 1).
    /// Users 0..10 attend jazz, 10..20 climbing, each missing one item of their kind.
    fn two_tastes() -> (Vec<Vec<usize>>, Tensor, Tensor) {
        let items = 12;
        let mut text = vec![0f32; items * EMBEDDING_DIM];
        for i in 0..items {
            text[i * EMBEDDING_DIM + usize::from(i >= 6)] = 1.0;
            text[i * EMBEDDING_DIM + 2 + i] = 0.3;
        }
        let text = Tensor::from_slice(&text).view([items as i64, EMBEDDING_DIM as i64]);
        let histories: Vec<Vec<usize>> = (0..20)
            .map(|u| {
                let base = if u < 10 { 0 } else { 6 };
                (0..5).map(|j| base + (u + j) % 5).collect()
            })
            .collect();
        let profiles = Tensor::zeros([20, EMBEDDING_DIM as i64], (Kind::Float, Device::Cpu));
        (histories, text, profiles)
    }

    fn small_config() -> TrainConfig {
        TrainConfig { dim: 8, steps: 150, learning_rate: 0.05, ..TrainConfig::default() }
    }

    #[test]
    fn recommends_items_of_the_users_taste_and_never_ones_already_attended() -> anyhow::Result<()> {
        let (histories, text, profiles) = two_tastes();
        let model =
            train(&TrainingData { histories: &histories, item_text: &text, profiles: &profiles }, &small_config())?;
        let all: Vec<usize> = (0..12).collect();
        let jazz_fan = model.recommend(&[0, 1, 2], None, &all, 3)?;
        assert_eq!(jazz_fan.len(), 3);
        assert!(jazz_fan.iter().all(|&(i, _)| (3..6).contains(&i)), "{jazz_fan:?}");
        let climber = model.recommend(&[6, 7], None, &all, 2)?;
        assert!(climber.iter().all(|&(i, _)| (8..12).contains(&i)), "{climber:?}");
        Ok(())
    }

    #[test]
    fn a_new_item_is_ranked_by_its_text() -> anyhow::Result<()> {
        // Item 5 (jazz) never appears in training; a jazz fan should still get it before every
        // climbing event they have not attended.
        let (mut histories, text, profiles) = two_tastes();
        for h in &mut histories {
            h.retain(|&i| i != 5);
        }
        let model =
            train(&TrainingData { histories: &histories, item_text: &text, profiles: &profiles }, &small_config())?;
        let cold = [5, 6, 7, 8, 9, 10, 11];
        let list = model.recommend(&[0, 1, 2], None, &cold, 1)?;
        assert_eq!(list[0].0, 5, "{list:?}");
        Ok(())
    }

    #[test]
    fn an_item_created_after_training_scores_from_its_text_like_an_unseen_one() -> anyhow::Result<()> {
        let (mut histories, text, profiles) = two_tastes();
        for h in &mut histories {
            h.retain(|&i| i != 5);
        }
        let model =
            train(&TrainingData { histories: &histories, item_text: &text, profiles: &profiles }, &small_config())?;
        let users = [vec![0, 1, 2], vec![6, 7]];
        let in_catalog = model.scores(&users, None).select(1, 5);
        let from_text = model.text_scores(&users, None, &text.narrow(0, 5, 1)).select(1, 0);
        assert!(in_catalog.allclose(&from_text, 1e-5, 1e-5, false), "{in_catalog} vs {from_text}");
        let climbing = model.text_scores(&users[..1], None, &text.narrow(0, 6, 6));
        let jazz = from_text.get(0).double_value(&[]);
        assert!(jazz > climbing.max().double_value(&[]), "the jazz fan's new jazz event beats every climbing one");
        Ok(())
    }

    #[test]
    fn the_plain_numbers_score_as_the_tensors_do() -> anyhow::Result<()> {
        use crate::EventScorer as _;
        let (histories, text, _) = two_tastes();
        let mut rows = vec![0f32; 20 * EMBEDDING_DIM];
        for u in 0..20 {
            rows[u * EMBEDDING_DIM + usize::from(u >= 10)] = 1.0;
        }
        let profiles = Tensor::from_slice(&rows).view([20, EMBEDDING_DIM as i64]);
        let model =
            train(&TrainingData { histories: &histories, item_text: &text, profiles: &profiles }, &small_config())?;
        let linear = model.linear()?;
        let close = |a: &[f32], b: &[f32]| a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-4);
        let profile = Vec::<f32>::try_from(&profiles.get(15))?;
        for (history, with_profile) in [(vec![0, 1, 2], false), (vec![6, 7, 7], true), (vec![], true)] {
            let p = with_profile.then(|| profiles.get(15).view([1, -1]));
            let expected = Vec::<f32>::try_from(&model.scores(std::slice::from_ref(&history), p.as_ref()).view([-1]))?;
            let got = linear.scores(&history, with_profile.then_some(&profile[..]))?;
            assert!(close(&expected, &got), "{expected:?} vs {got:?}");
            let texts = text.narrow(0, 4, 4);
            let expected = Vec::<f32>::try_from(
                &model.text_scores(std::slice::from_ref(&history), p.as_ref(), &texts).view([-1]),
            )?;
            let rows: Vec<Vec<f32>> = (4..8).map(|i| Vec::<f32>::try_from(&text.get(i))).collect::<Result<_, _>>()?;
            let rows: Vec<&[f32]> = rows.iter().map(Vec::as_slice).collect();
            let got = linear.text_scores(&history, with_profile.then_some(&profile[..]), &rows)?;
            assert!(close(&expected, &got), "{expected:?} vs {got:?}");
        }
        Ok(())
    }

    #[test]
    fn the_latest_share_is_the_tail_of_a_history() -> anyhow::Result<()> {
        let latest = Vec::<f32>::try_from(&latest_matrix(&[vec![3, 0, 1, 2], vec![1], vec![]], 4, 0.5).view([-1]))?;
        assert_eq!(
            latest,
            [0.0, 1.0, 1.0, 0.0, /* one interaction stays input */ 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
        );
        Ok(())
    }

    #[test]
    fn a_new_user_is_served_from_their_profile_alone() -> anyhow::Result<()> {
        let (histories, text, _) = two_tastes();
        // Profiles: each user's taste direction, as onboarding interests would give.
        let mut rows = vec![0f32; 20 * EMBEDDING_DIM];
        for u in 0..20 {
            rows[u * EMBEDDING_DIM + usize::from(u >= 10)] = 1.0;
        }
        let profiles = Tensor::from_slice(&rows).view([20, EMBEDDING_DIM as i64]);
        let model =
            train(&TrainingData { histories: &histories, item_text: &text, profiles: &profiles }, &small_config())?;
        let climber = profiles.get(15);
        let all: Vec<usize> = (0..12).collect();
        let list = model.recommend(&[], Some(&climber), &all, 4)?;
        assert!(list.iter().all(|&(i, _)| i >= 6), "{list:?}");
        Ok(())
    }

    #[test]
    fn training_is_deterministic() -> anyhow::Result<()> {
        let (histories, text, profiles) = two_tastes();
        let data = TrainingData { histories: &histories, item_text: &text, profiles: &profiles };
        let config = TrainConfig { steps: 20, ..small_config() };
        let a = train(&data, &config)?.scores(&histories, None);
        let b = train(&data, &config)?.scores(&histories, None);
        assert!(a.allclose(&b, 0.0, 0.0, false));
        Ok(())
    }

    #[test]
    fn top_k_excludes_and_breaks_ties_by_index() -> anyhow::Result<()> {
        let scores = [0.5, 0.9, 0.9, 0.1, 0.7];
        let list = top_k(&scores, &[0, 1, 2, 3, 4], &[4], 3);
        assert_eq!(list.iter().map(|&(i, _)| i).collect::<Vec<_>>(), [1, 2, 0]);
        assert!(top_k(&scores, &[3], &[3], 5).is_empty());
        Ok(())
    }

    #[test]
    fn kmeans_finds_separated_clusters_deterministically() -> anyhow::Result<()> {
        let mut rows = Vec::new();
        for i in 0..30 {
            let centre = [(0.0, 0.0), (10.0, 0.0), (0.0, 10.0)][i % 3];
            let jitter = (i / 3) as f32 * 0.05;
            rows.extend_from_slice(&[centre.0 + jitter, centre.1 - jitter]);
        }
        let points = Tensor::from_slice(&rows).view([30, 2]);
        let a = kmeans(&points, 3, 10, 42)?;
        for i in 0..30 {
            assert_eq!(a.assignments[i], a.assignments[i % 3], "point {i}");
        }
        let distinct: std::collections::BTreeSet<usize> = a.assignments.iter().copied().collect();
        assert_eq!(distinct.len(), 3);
        assert_eq!(a.centroids.size(), [3, 2]);
        let b = kmeans(&points, 3, 10, 42)?;
        assert_eq!(a.assignments, b.assignments);
        assert_eq!(kmeans(&points.narrow(0, 0, 2), 5, 3, 1)?.centroids.size(), [2, 2]);
        Ok(())
    }
}
