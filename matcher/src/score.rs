//! How a pair of people at one event is scored, how each person's list is picked, and the
//! reasons it gives in words.
//!
//! Directional score a→b, in [0, 1] (the weights are [`Weights`]):
//!   fit · fit(a seeks, b offers) + about · similarity(a, b)
//!     + tags · shared interests(a, b) + context · shared context(a, b)
//! where fit is the cosine of a's seeking and b's offering embeddings, similarity the cosine of
//! their "about" embeddings (headline and interests), shared interests the Jaccard index of their
//! tags, and shared context `1 - 2^-k` for the k context keys they share (earlier events they
//! both attended, people they have both met): one shared key is worth half, three nearly all.
//! Negative cosines count as 0.
//!
//! Reciprocal score: the harmonic mean 2·s(a→b)·s(b→a) / (s(a→b) + s(b→a)). A match has to be
//! good for both: the harmonic mean is dominated by the smaller direction (0.9 and 0.1 give 0.18,
//! where the arithmetic mean would say 0.5), yet unlike the minimum it still rewards a pair that
//! is strong both ways over one that is merely adequate both ways. It is symmetric, so one row of
//! scores is also one column: that is what makes one-person updates cheap (see `pool`).
//!
//! Lists: candidates go best-first to each person, skipping anyone already shown to too many
//! people (exposure cap) and near-duplicates of someone already in the list (diversity).

#[cfg(feature = "torch")]
use tch::Tensor;

use crate::learn::PairFeatures;

/// One person at the event, already embedded.
#[derive(Debug, Clone, Default)]
pub struct Attendee {
    /// Unit vector of what they seek (zeros when they seek nothing).
    pub seek: Vec<f32>,
    /// Unit vector of what they offer.
    pub offer: Vec<f32>,
    /// Unit vector of their headline and interests.
    pub about: Vec<f32>,
    /// Interest tags.
    pub tags: Vec<String>,
    /// Shared-context keys, `kind:id`: `event:{id}` for an earlier event they attended,
    /// `contact:{id}` for someone they have met. Reasons count keys by kind.
    pub context: Vec<String>,
    /// Their seeking and offering phrases, for reasons.
    pub seeking: Vec<String>,
    pub offering: Vec<String>,
}

/// The weights of a directional score's parts. They sum to 1, so scores stay in [0, 1].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weights {
    pub fit: f32,
    pub about: f32,
    pub tags: f32,
    pub context: f32,
}

impl Weights {
    /// A short name for this weight set, for telling sets apart in analytics: `default` for the
    /// built-in one, else the four weights to three places.
    pub fn version(&self) -> String {
        let name = |w: &Self| format!("w{:.3}-{:.3}-{:.3}-{:.3}", w.fit, w.about, w.tags, w.context);
        let named = name(self);
        // A learned set that rounds to the built-in one is the built-in one.
        if named == name(&Self::default()) {
            return "default".to_owned();
        }
        named
    }

    /// The set a [`Weights::version`] names (to its three places), or `None` for anything else.
    /// A version is all a node needs to score with a set another node learned.
    pub fn from_version(version: &str) -> Option<Self> {
        if version == "default" {
            return Some(Self::default());
        }
        let mut parts = version.strip_prefix('w')?.split('-').map(|p| p.parse::<f32>().ok().filter(|w| w.is_finite()));
        let weights =
            Self { fit: parts.next()??, about: parts.next()??, tags: parts.next()??, context: parts.next()?? };
        let each = [weights.fit, weights.about, weights.tags, weights.context];
        (parts.next().is_none() && each.iter().all(|w| (0.0..=1.0).contains(w))).then_some(weights)
    }

    /// This set as its version names it: the weights to three places.
    pub fn rounded(&self) -> Self {
        Self::from_version(&self.version()).unwrap_or(*self)
    }
}

impl Default for Weights {
    /// Fit dominates: people come to meet someone who has what they seek. Similarity and shared
    /// interests make a conversation easy; shared context (the same earlier events, the same
    /// contacts) makes it likely to happen.
    fn default() -> Self {
        Self { fit: 0.50, about: 0.20, tags: 0.15, context: 0.15 }
    }
}

/// A suggested person, by index into the attendees, with the reciprocal score and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub index: usize,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// Below this reciprocal score nobody is suggested.
pub const MIN_SCORE: f32 = 0.15;
/// Two candidates this similar (about vectors) are near-duplicates within one list.
const DUPLICATE_SIMILARITY: f32 = 0.97;

/// The parts of the scores of some rows against every column, each `[rows, columns]`.
#[cfg(feature = "torch")]
pub(crate) struct Parts {
    /// Cosine of the row's seeking and the column's offering.
    pub forward_fit: Tensor,
    /// Cosine of the row's offering and the column's seeking.
    pub backward_fit: Tensor,
    pub about: Tensor,
    /// Jaccard index of the tags.
    pub tags: Tensor,
    /// `1 - 2^-k` for k shared context keys.
    pub context: Tensor,
}

/// Reciprocal scores from their parts.
#[cfg(feature = "torch")]
pub(crate) fn reciprocal(parts: Parts, w: &Weights) -> Tensor {
    let device = parts.about.device();
    let weight = |x: f32| Tensor::from(x).to_device(device);
    reciprocal_weighted(&parts, [&weight(w.fit), &weight(w.about), &weight(w.tags), &weight(w.context)])
}

/// Reciprocal scores from their parts with the weights (fit, about, tags, context) as tensors:
/// the one formula behind both the pool's scores and `learn`, which differentiates through it.
#[cfg(feature = "torch")]
pub(crate) fn reciprocal_weighted(parts: &Parts, [fit, about, tags, context]: [&Tensor; 4]) -> Tensor {
    let symmetric = parts.about.clamp_min(0.0) * about + &parts.tags * tags + &parts.context * context;
    let forward = parts.forward_fit.clamp_min(0.0) * fit + &symmetric;
    let backward = parts.backward_fit.clamp_min(0.0) * fit + &symmetric;
    (&forward * &backward * 2.0) / (forward + backward).clamp_min(1e-6)
}

/// The reciprocal score of one pair from its parts, in plain Rust: the formula of
/// [`reciprocal_weighted`] for one pair, which pools compute with when there is no libtorch.
pub fn reciprocal_score(parts: &PairFeatures, w: &Weights) -> f32 {
    let symmetric = parts.about.max(0.0) * w.about + parts.tags * w.tags + parts.context * w.context;
    let forward = parts.forward_fit.max(0.0) * w.fit + symmetric;
    let backward = parts.backward_fit.max(0.0) * w.fit + symmetric;
    (forward * backward * 2.0) / (forward + backward).max(1e-6)
}

/// The exposure cap for an event of `people`: nobody appears in more than a fair share of
/// lists, but small events still fill up.
pub fn exposure_cap(people: usize, list_size: usize) -> usize {
    (list_size * 2).max(people / 4)
}

/// Everyone's list of at most `k`, best first, from `candidates`, with exposure control: nobody
/// appears in more than `exposure_cap` lists, so the most popular person does not crowd out
/// everyone else.
pub fn pick_lists(
    people: &[Attendee],
    candidates: &[Vec<(usize, f32)>],
    k: usize,
    exposure_cap: usize,
) -> Vec<Vec<Pick>> {
    let n = people.len();
    // All admissible pairs, best first; ties broken by index for determinism.
    let mut pairs: Vec<(f32, usize, usize)> = candidates
        .iter()
        .enumerate()
        .flat_map(|(a, row)| row.iter().map(move |&(b, s)| (s, a, b)))
        .filter(|&(s, _, _)| s >= MIN_SCORE)
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut lists: Vec<Vec<Pick>> = vec![Vec::new(); n];
    let mut exposure = vec![0usize; n];
    for (score, a, b) in pairs {
        if lists[a].len() < k && admissible(people, &lists[a], &exposure, exposure_cap, b) {
            exposure[b] += 1;
            lists[a].push(Pick { index: b, score, reasons: Vec::new() });
        }
    }
    lists
}

/// One person's list of at most `k` from their candidates, given everyone else's current
/// exposure (which it updates): the one-person counterpart of [`pick_lists`].
pub fn pick_list(
    people: &[Attendee],
    candidates: &[(usize, f32)],
    k: usize,
    exposure: &mut [usize],
    exposure_cap: usize,
) -> Vec<Pick> {
    let mut list = Vec::with_capacity(k);
    for &(b, score) in candidates {
        if list.len() >= k || score < MIN_SCORE {
            break;
        }
        if admissible(people, &list, exposure, exposure_cap, b) {
            exposure[b] += 1;
            list.push(Pick { index: b, score, reasons: Vec::new() });
        }
    }
    list
}

/// Whether `b` may join `list`: not shown too often already, and not a near-duplicate of
/// someone in it.
fn admissible(people: &[Attendee], list: &[Pick], exposure: &[usize], cap: usize, b: usize) -> bool {
    exposure[b] < cap && !list.iter().any(|p| cosine(&people[p.index].about, &people[b].about) > DUPLICATE_SIMILARITY)
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// Readable reasons why `b` is suggested to `a`, strongest first. `phrase_similarity(x, y)` is
/// the cosine of two phrases (the caller embeds them).
pub fn reasons(a: &Attendee, b: &Attendee, phrase_similarity: &dyn Fn(&str, &str) -> f32) -> Vec<String> {
    let mut reasons: Vec<(f32, String)> = Vec::new();
    let best = |seeking: &[String], offering: &[String]| {
        seeking
            .iter()
            .flat_map(|s| offering.iter().map(move |o| (s, o)))
            .map(|(s, o)| (phrase_similarity(s, o), s.clone(), o.clone()))
            .max_by(|x, y| x.0.total_cmp(&y.0))
    };
    if let Some((sim, seek, offer)) = best(&a.seeking, &b.offering) {
        if sim >= 0.35 {
            reasons.push((sim + 0.1, format!("You're looking for \"{seek}\"; they offer \"{offer}\"")));
        }
    }
    if let Some((sim, seek, offer)) = best(&b.seeking, &a.offering) {
        if sim >= 0.35 {
            reasons.push((sim, format!("They're looking for \"{seek}\", and you offer \"{offer}\"")));
        }
    }
    let shared: Vec<&str> = a.tags.iter().filter(|t| b.tags.contains(t)).map(String::as_str).take(3).collect();
    if !shared.is_empty() {
        reasons.push((0.3 + 0.1 * shared.len() as f32, format!("You both follow {}", shared.join(", "))));
    }
    let shared_context =
        |kind: &str| a.context.iter().filter(|k| k.split(':').next() == Some(kind) && b.context.contains(k)).count();
    match shared_context("event") {
        0 => {}
        1 => reasons.push((0.45, "You were both at an earlier event".to_owned())),
        n => reasons.push((0.4 + 0.05 * n as f32, format!("You were both at {n} earlier events"))),
    }
    match shared_context("contact") {
        0 => {}
        1 => reasons.push((0.42, "You have met someone in common".to_owned())),
        n => reasons.push((0.4 + 0.05 * n as f32, format!("You have met {n} people in common"))),
    }
    if reasons.is_empty() {
        let similarity = cosine(&a.about, &b.about);
        reasons.push((similarity, "Similar work and interests".to_owned()));
    }
    reasons.sort_by(|x, y| y.0.total_cmp(&x.0));
    reasons.into_iter().map(|(_, r)| r).take(3).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_version_names_its_weights() {
        let learned = Weights { fit: 0.4231, about: 0.2774, tags: 0.1496, context: 0.15 };
        let named = Weights::from_version(&learned.version()).expect("a version");
        assert_eq!(named, Weights { fit: 0.423, about: 0.277, tags: 0.15, context: 0.15 });
        assert_eq!(named.version(), learned.version());
        assert_eq!(learned.rounded(), named);
        assert_eq!(Weights::from_version("default"), Some(Weights::default()));
        let almost = Weights { fit: 0.5001, ..Weights::default() };
        assert_eq!(almost.version(), "default", "a set that rounds to the built-in one is named as it");
        for bad in [
            "",
            "w",
            "w0.5-0.2-0.15",
            "w0.5-0.2-0.15-0.15-0.1",
            "wNaN-0-0-0",
            "w2-0-0-0",
            "x0.5-0.2-0.15-0.15",
            "w-1-0-0-0",
        ] {
            assert_eq!(Weights::from_version(bad), None, "{bad}");
        }
    }

    use super::*;

    fn person(about: &[f32]) -> Attendee {
        Attendee { about: about.to_vec(), ..Attendee::default() }
    }

    #[test]
    fn exposure_cap_spreads_attention() {
        // Everyone's best candidate is person 0; with a cap of 2 only two lists may show them.
        let people: Vec<Attendee> = (0..6).map(|i| person(&[1.0, i as f32])).collect();
        let candidates: Vec<Vec<(usize, f32)>> =
            (0..6).map(|a| (0..6).filter(|&b| b != a).map(|b| (b, if b == 0 { 0.9 } else { 0.5 })).collect()).collect();
        let lists = pick_lists(&people, &candidates, 1, 2);
        let showing_star = lists.iter().skip(1).filter(|l| l.first().map(|p| p.index) == Some(0)).count();
        assert_eq!(showing_star, 2);
        assert!(lists.iter().all(|l| l.len() == 1), "everyone still gets someone");
    }

    #[test]
    fn one_list_respects_exposure_and_duplicates() {
        let people = vec![person(&[1.0, 0.0]), person(&[0.0, 1.0]), person(&[0.0, 1.0]), person(&[0.6, 0.8])];
        let mut exposure = vec![0, 5, 0, 0];
        // 1 is capped, 2 goes in, then 3 (not a duplicate of 2); a duplicate of 2 would be skipped.
        let list = pick_list(&people, &[(1, 0.9), (2, 0.8), (3, 0.7)], 3, &mut exposure, 5);
        assert_eq!(list.iter().map(|p| p.index).collect::<Vec<_>>(), vec![2, 3]);
        assert_eq!(exposure, vec![0, 5, 1, 1]);
        let people = vec![person(&[1.0, 0.0]), person(&[0.0, 1.0]), person(&[0.0, 1.0])];
        let list = pick_list(&people, &[(1, 0.9), (2, 0.8)], 3, &mut [0, 0, 0], 5);
        assert_eq!(list.iter().map(|p| p.index).collect::<Vec<_>>(), vec![1], "near-duplicate skipped");
        let list = pick_list(&people, &[(1, MIN_SCORE / 2.0)], 3, &mut [0, 0, 0], 5);
        assert!(list.is_empty(), "too weak to suggest");
    }

    #[test]
    fn reasons_name_the_matching_phrases_and_shared_context() {
        let mut a = person(&[1.0]);
        let mut b = person(&[1.0]);
        a.tags = vec!["rust".into(), "climate-tech".into()];
        b.tags = vec!["rust".into()];
        a.seeking = vec!["a Rust mentor".into()];
        b.offering = vec!["Rust mentoring".into(), "cooking".into()];
        a.context = vec!["event:1".into(), "event:2".into(), "contact:9".into()];
        b.context = vec!["event:1".into(), "event:2".into(), "contact:8".into()];
        let similarity = |x: &str, y: &str| if x.contains("Rust") && y.contains("Rust") { 0.8 } else { 0.0 };
        let reasons = reasons(&a, &b, &similarity);
        assert_eq!(reasons[0], "You're looking for \"a Rust mentor\"; they offer \"Rust mentoring\"");
        assert_eq!(reasons[1], "You were both at 2 earlier events");
        assert_eq!(reasons[2], "You both follow rust");
    }
}
