//! Learned feedback: the scorer's weights fitted to what happened to pairs that were suggested
//! (met, accepted a meeting: positive; declined, "not relevant": negative) instead of set by hand.
//!
//! Model. A pair's features are the parts of its score, exactly as the pool computes them
//! ([`features`]). The weights are `softmax(logits)`, the pair's score `r` is the reciprocal score
//! with those weights (the same harmonic mean of the two directions that the pool uses, the same
//! code in fact: `score::reciprocal_weighted`), and the chance that the pair goes well is
//! `sigmoid(a·r + c)` with a learned scale `a > 0` and bias `c`. The loss is the mean logistic loss,
//! positives and negatives weighted to count half each, plus `λ·‖weights − prior‖²` with
//! `λ = 10 / (10 + n)` for `n` examples. Full-batch Adam, a fixed number of steps, CPU.
//!
//! Why this shape rather than a free classifier:
//! - The result is a [`Weights`] that the pool uses as it is: the reciprocal structure (a match
//!   has to be good both ways) is kept, not relearned, and every one-person update, exposure
//!   rule and reason keeps working unchanged.
//! - The softmax keeps the weights positive and summing to 1, so scores stay in [0, 1] and the
//!   pool's score floor keeps its meaning; each weight still reads as "how much this part counts".
//! - `a` and `c` only calibrate: with `a > 0` the probability orders pairs exactly as `r` does,
//!   so the weights are what changes who is suggested. Because the harmonic mean is homogeneous
//!   (doubling every weight doubles `r`, which `a` absorbs), only the weights' ratios matter to
//!   the data; a part that is 0 in every example (no shared context at a first event) has no
//!   ratio to learn and keeps its prior weight exactly.
//! - Feedback is scarce at first: the prior (the hand-set weights) is the regularizer, strong for
//!   a few dozen outcomes and fading as they accumulate. Below [`MIN_EACH`] positives or
//!   negatives nothing is fitted and the prior comes back unchanged.
//!
//! Which outcomes go in matters more than the model. The loss is pointwise, so it rewards
//! whatever tells the positives from the negatives it is given: against random pairs that is
//! broad taste (shared tags), which does not order the top of a list; against other suggested
//! pairs it is what does. On MovieLens (`examples/movielens.rs`) the first made lists worse than
//! the hand-set weights and the second about as good: feed it outcomes of suggested pairs.
//!
//! First only `a` and `c` are fitted with the prior's weights, which gives the prior's own best
//! loss ([`Fit::loss_before`]); then everything is fitted from there ([`Fit::loss_after`]). Both
//! are the balanced logistic loss on the examples, without the penalty: lower is better, and
//! ln 2 ≈ 0.693 is a coin toss. Nothing is random (fixed start, full batches), so the same
//! examples give the same weights.

#[cfg(feature = "torch")]
use tch::nn::{self, OptimizerConfig as _};
#[cfg(feature = "torch")]
use tch::{Device, Kind, Reduction, Tensor};

#[cfg(feature = "torch")]
use crate::score::{self, Parts};
use crate::score::{Attendee, Weights};

/// Fewer positives or negatives than this and the prior is returned unfitted.
pub const MIN_EACH: usize = 10;
/// Full-batch Adam steps of each phase, and its learning rate.
#[cfg(feature = "torch")]
const STEPS: usize = 300;
#[cfg(feature = "torch")]
const LEARNING_RATE: f64 = 0.05;
/// A prior weight of 0 would be a logit of −∞, from which nothing can be learned.
#[cfg(feature = "torch")]
const SMALLEST_PRIOR: f32 = 1e-3;

/// The parts of one pair's score, as the pool computes them (see `score`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PairFeatures {
    /// Cosine of a's seeking and b's offering, negative counting as 0.
    pub forward_fit: f32,
    /// Cosine of a's offering and b's seeking, negative counting as 0.
    pub backward_fit: f32,
    /// Cosine of their about vectors, negative counting as 0.
    pub about: f32,
    /// Jaccard index of their distinct tags.
    pub tags: f32,
    /// `1 − 0.5^k` for the k distinct context keys they share.
    pub context: f32,
}

/// The features of the pair (a, b). Vectors are unit vectors, so a dot product is the cosine;
/// vectors of different lengths (one missing) count as 0, as a wrong-length vector does in the pool.
pub fn features(a: &Attendee, b: &Attendee) -> PairFeatures {
    let cosine = |x: &[f32], y: &[f32]| {
        if x.len() == y.len() {
            x.iter().zip(y).map(|(p, q)| p * q).sum::<f32>().max(0.0)
        } else {
            0.0
        }
    };
    let (tags_a, tags_b) = (distinct(&a.tags), distinct(&b.tags));
    let shared_tags = tags_a.iter().filter(|t| tags_b.binary_search(t).is_ok()).count() as f32;
    let (context_a, context_b) = (distinct(&a.context), distinct(&b.context));
    let shared_context = context_a.iter().filter(|k| context_b.binary_search(k).is_ok()).count() as f32;
    PairFeatures {
        forward_fit: cosine(&a.seek, &b.offer),
        backward_fit: cosine(&a.offer, &b.seek),
        about: cosine(&a.about, &b.about),
        // As the pool's postings do: no tag at all on either side is 0, never 0/0.
        tags: shared_tags / (tags_a.len() as f32 + tags_b.len() as f32 - shared_tags).max(1.0),
        context: 1.0 - 0.5f32.powf(shared_context),
    }
}

fn distinct(keys: &[String]) -> Vec<&str> {
    let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// What [`learn_weights`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Learned {
    /// The weights to score with: the fitted ones, or the prior when `fit` is `None`.
    pub weights: Weights,
    pub positives: usize,
    pub negatives: usize,
    /// How the fit went; `None` when the prior was returned unchanged: fewer than [`MIN_EACH`]
    /// positives or negatives, or no part of the score above 0 in any example.
    pub fit: Option<Fit>,
}

/// The losses and calibration of a fit (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fit {
    /// Balanced logistic loss of the prior's weights, with their best scale and bias.
    pub loss_before: f32,
    /// Balanced logistic loss of the learned weights, scale and bias.
    pub loss_after: f32,
    /// `a` and `c` of `P(good) = sigmoid(a·score + c)` for the learned weights.
    pub scale: f32,
    pub bias: f32,
}

/// Fits the weights to observed outcomes, `true` for a pair that went well; `prior` (which
/// should sum to 1, as the default does) is where the fit starts and what it is pulled towards.
/// Blocking and CPU-bound, about half a second for 100,000 examples (`--bench score` measures
/// it), so the server runs it off the reactor.
#[cfg(feature = "torch")]
pub fn learn_weights(examples: &[(PairFeatures, bool)], prior: &Weights) -> anyhow::Result<Learned> {
    let positives = examples.iter().filter(|e| e.1).count();
    let negatives = examples.len() - positives;
    let unfitted = Learned { weights: *prior, positives, negatives, fit: None };
    if positives < MIN_EACH || negatives < MIN_EACH {
        return Ok(unfitted);
    }
    let n = examples.len();
    let features: Vec<PairFeatures> = examples.iter().map(|e| e.0).collect();
    let labels: Vec<f32> = examples.iter().map(|e| if e.1 { 1.0 } else { 0.0 }).collect();
    let labels = Tensor::from_slice(&labels);
    // Each class counts half, however unbalanced the outcomes: with a sum reduction these are
    // the per-example weights of a balanced mean.
    let (per_positive, per_negative) = (0.5 / positives as f64, 0.5 / negatives as f64);
    let class_weight = &labels * (per_positive - per_negative) + per_negative;
    let data_loss = |logit: &Tensor| {
        logit.binary_cross_entropy_with_logits::<&Tensor>(&labels, Some(&class_weight), None, Reduction::Sum)
    };

    // A part that is 0 in every example carries no evidence: it keeps its prior weight and the
    // others share the rest. (Left free, the penalty alone would move it, to wherever the other
    // weights' new ratios put the point of the simplex nearest to the prior.)
    let prior_vector = [prior.fit, prior.about, prior.tags, prior.context];
    let evidence = [
        features.iter().any(|f| f.forward_fit > 0.0 || f.backward_fit > 0.0),
        features.iter().any(|f| f.about > 0.0),
        features.iter().any(|f| f.tags > 0.0),
        features.iter().any(|f| f.context > 0.0),
    ];
    let free: Vec<usize> = (0..4).filter(|&i| evidence[i]).collect();
    let share = 1.0 - (0..4).filter(|&i| !evidence[i]).map(|i| prior_vector[i]).sum::<f32>();
    if free.is_empty() || share <= 0.0 {
        return Ok(unfitted);
    }
    let free_prior = Tensor::from_slice(&free.iter().map(|&i| prior_vector[i]).collect::<Vec<_>>());
    let prior_logits = free_prior.clamp_min(f64::from(SMALLEST_PRIOR)).log();
    let columns = parts(&features);
    // The reciprocal score with the free parts' weights `v` (which need not sum to anything);
    // the other parts are 0 in every example, so their weights do not matter here.
    let score_with = |v: &Tensor| {
        let weight = |i: usize| free.iter().position(|&f| f == i).map_or(Tensor::from(0f32), |k| v.get(k as i64));
        score::reciprocal_weighted(&columns, [&weight(0), &weight(1), &weight(2), &weight(3)])
    };

    // The prior's calibration: a and c alone. Starting with a spread of 10 logits over the range
    // of scores and the bias at the mean score gets there well within the steps.
    let prior_scores = tch::no_grad(|| score_with(&prior_logits.softmax(0, Kind::Float)));
    let calibration = nn::VarStore::new(Device::Cpu);
    let log_scale = calibration.root().var_copy("log_scale", &Tensor::from(10f32.ln()));
    let bias = calibration.root().var_copy("bias", &(prior_scores.mean(Kind::Float) * -10.0));
    let mut optimizer = nn::Adam::default().build(&calibration, LEARNING_RATE)?;
    let calibrated = || data_loss(&(log_scale.exp() * &prior_scores + &bias));
    for _ in 0..STEPS {
        optimizer.backward_step(&calibrated());
    }
    let loss_before = tch::no_grad(calibrated).double_value(&[]);

    // Everything, from the prior's calibration. The harmonic mean of weighted sums is
    // homogeneous, `a·r(w) = r(a·w)`, so one set of logits `z` carries both: the free weights
    // are `share · softmax(z)` and the scale follows from Σ exp(z). No direction of `z` is then
    // left that the data cannot see.
    let store = nn::VarStore::new(Device::Cpu);
    let logits = store.root().var_copy("logits", &(&prior_logits + log_scale.detach()));
    let bias = store.root().var_copy("bias", &bias.detach());
    let mut optimizer = nn::Adam::default().build(&store, LEARNING_RATE)?;
    let strength = 10.0 / (10.0 + n as f64);
    let objective = || {
        let weights = logits.softmax(0, Kind::Float) * f64::from(share);
        let penalty = (weights - &free_prior).square().sum(Kind::Float) * strength;
        (data_loss(&(score_with(&logits.exp()) + &bias)), penalty)
    };
    for _ in 0..STEPS {
        let (loss, penalty) = objective();
        optimizer.backward_step(&(loss + penalty));
    }
    let (loss_after, _) = tch::no_grad(objective);
    let learned = Vec::<f32>::try_from(&(logits.softmax(0, Kind::Float).detach() * f64::from(share)))?;
    let mut w = prior_vector;
    for (&i, &weight) in free.iter().zip(&learned) {
        w[i] = weight;
    }
    Ok(Learned {
        weights: Weights { fit: w[0], about: w[1], tags: w[2], context: w[3] },
        fit: Some(Fit {
            loss_before: loss_before as f32,
            loss_after: loss_after.double_value(&[]) as f32,
            // exp(z) = a · (the free weights), and those sum to `share`.
            scale: (logits.exp().sum(Kind::Float).double_value(&[]) / f64::from(share)) as f32,
            bias: bias.double_value(&[]) as f32,
        }),
        ..unfitted
    })
}

/// The examples' features as `[n]` columns, the shape `score::reciprocal_weighted` takes.
#[cfg(feature = "torch")]
fn parts(features: &[PairFeatures]) -> Parts {
    let column = |get: fn(&PairFeatures) -> f32| Tensor::from_slice(&features.iter().map(get).collect::<Vec<_>>());
    Parts {
        forward_fit: column(|f| f.forward_fit),
        backward_fit: column(|f| f.backward_fit),
        about: column(|f| f.about),
        tags: column(|f| f.tags),
        context: column(|f| f.context),
    }
}

#[cfg(all(test, feature = "torch"))]
mod tests {
    use super::*;
    use crate::pool::candidates;

    /// A small deterministic generator, so the tests need no crate.
    struct Lcg(u64);

    impl Lcg {
        /// Uniform in [0, 1).
        fn next(&mut self) -> f32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (self.0 >> 40) as f32 / (1u64 << 24) as f32
        }

        fn below(&mut self, n: usize) -> usize {
            ((self.next() * n as f32) as usize).min(n - 1)
        }

        fn unit(&mut self, dim: usize) -> Vec<f32> {
            let v: Vec<f32> = (0..dim).map(|_| self.next() * 2.0 - 1.0).collect();
            let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
            v.into_iter().map(|x| x / norm).collect()
        }

        fn person(&mut self) -> Attendee {
            let (seek, offer, about) = (self.unit(6), self.unit(6), self.unit(6));
            // Repeated tags and keys on purpose: both sides must count distinct ones.
            let tags = (0..3).map(|_| format!("t{}", self.below(5))).collect();
            let context = (0..3).map(|_| format!("event:{}", self.below(4))).collect();
            Attendee { seek, offer, about, tags, context, ..Attendee::default() }
        }

        fn features(&mut self) -> PairFeatures {
            PairFeatures {
                forward_fit: self.next(),
                backward_fit: self.next(),
                about: self.next(),
                tags: self.next(),
                context: self.next(),
            }
        }
    }

    #[test]
    fn features_reproduce_the_pools_scores() {
        let mut rng = Lcg(11);
        let mut people: Vec<Attendee> = (0..12).map(|_| rng.person()).collect();
        people[3].tags.clear();
        people[4].context.clear();
        let weights = Weights { fit: 0.4, about: 0.3, tags: 0.2, context: 0.1 };
        let found = candidates(&people, &[], people.len() - 1, &weights, Device::Cpu);
        let mut pairs = Vec::new();
        let mut expected = Vec::new();
        for (a, row) in found.iter().enumerate() {
            assert_eq!(row.len(), people.len() - 1, "every pair scored");
            for &(b, score) in row {
                pairs.push(features(&people[a], &people[b]));
                expected.push(score);
            }
        }
        let weight = |x: f32| Tensor::from(x);
        let scores = score::reciprocal_weighted(
            &parts(&pairs),
            [&weight(weights.fit), &weight(weights.about), &weight(weights.tags), &weight(weights.context)],
        );
        let scores = Vec::<f32>::try_from(&scores).expect("a float vector");
        for (i, (s, e)) in scores.iter().zip(&expected).enumerate() {
            assert!((s - e).abs() < 1e-5, "pair {i}: features give {s}, the pool {e}");
            let plain = score::reciprocal_score(&pairs[i], &weights);
            assert!((plain - e).abs() < 1e-5, "pair {i}: plain Rust gives {plain}, the pool {e}");
        }
        assert!(pairs.iter().any(|f| f.tags > 0.0 && f.tags < 1.0) && pairs.iter().any(|f| f.context > 0.5));
    }

    #[test]
    fn outcomes_that_follow_similarity_move_weight_to_about() {
        // Whether a pair went well depends only on how similar they are.
        let mut rng = Lcg(3);
        let examples: Vec<(PairFeatures, bool)> = (0..4000)
            .map(|_| {
                let f = rng.features();
                (f, rng.next() < 1.0 / (1.0 + (-12.0 * (f.about - 0.5)).exp()))
            })
            .collect();
        let prior = Weights::default();
        let learned = learn_weights(&examples, &prior).expect("fits");
        let w = learned.weights;
        let fit = learned.fit.expect("enough examples");
        assert!(w.about > prior.about + 0.3, "{w:?}");
        assert!(w.fit < prior.fit - 0.2, "{w:?}");
        assert!((w.fit + w.about + w.tags + w.context - 1.0).abs() < 1e-5, "weights sum to 1: {w:?}");
        assert!(fit.loss_after < fit.loss_before - 0.02, "{fit:?}");
        assert!(fit.scale > 0.0);
        assert_eq!(learn_weights(&examples, &prior).expect("fits"), learned, "deterministic");
    }

    #[test]
    fn a_part_never_seen_keeps_its_prior_weight() {
        // No pair shares any context (as at a first event): nothing says what context is worth.
        let mut rng = Lcg(9);
        let examples: Vec<(PairFeatures, bool)> = (0..1000)
            .map(|_| {
                let f = PairFeatures { context: 0.0, ..rng.features() };
                (f, rng.next() < f.forward_fit.min(f.backward_fit))
            })
            .collect();
        let prior = Weights::default();
        let w = learn_weights(&examples, &prior).expect("fits").weights;
        assert_eq!(w.context, prior.context, "{w:?}");
        assert!(w.fit > prior.fit, "{w:?}");
        assert!((w.fit + w.about + w.tags + w.context - 1.0).abs() < 1e-5, "weights sum to 1: {w:?}");
    }

    #[test]
    fn too_few_outcomes_keep_the_prior() {
        let mut rng = Lcg(5);
        let examples: Vec<(PairFeatures, bool)> = (0..60).map(|i| (rng.features(), i < MIN_EACH - 1)).collect();
        let prior = Weights::default();
        let learned = learn_weights(&examples, &prior).expect("nothing to fail");
        assert_eq!(learned.weights, prior);
        assert_eq!(learned.fit, None);
        assert_eq!((learned.positives, learned.negatives), (MIN_EACH - 1, 60 - MIN_EACH + 1));
        assert_eq!(learn_weights(&[], &prior).expect("nothing to fail").fit, None);
    }
}
