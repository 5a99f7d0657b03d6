//! Reciprocal scoring of the people at one event, and their "people to meet" lists with reasons.
//!
//! Directional score a→b, in [0, 1]:
//!   0.55 · fit(a seeks, b offers) + 0.25 · similarity(a, b) + 0.20 · shared interests(a, b)
//! where fit is the cosine of a's seeking and b's offering embeddings, similarity the cosine of
//! their "about" embeddings (headline and interests), shared interests the Jaccard index of their
//! tags; negative cosines count as 0.
//!
//! Reciprocal score: the harmonic mean 2·s(a→b)·s(b→a) / (s(a→b) + s(b→a)). A match has to be
//! good for both: the harmonic mean is dominated by the smaller direction (0.9 and 0.1 give 0.18,
//! where the arithmetic mean would say 0.5), yet unlike the minimum it still rewards a pair that
//! is strong both ways over one that is merely adequate both ways.
//!
//! All pairs are one matrix computation: `[n, d] × [d, n]` products for seeking/offering and
//! about vectors, one `[n, t] × [t, n]` for shared tags. On a GPU the whole event is one batch; on
//! the CPU rows are computed in blocks so memory stays bounded.
//!
//! Lists: candidates go best-first to each person, skipping anyone excluded by the hard
//! constraints (the caller's mask), anyone already shown to too many people (exposure cap) and
//! near-duplicates of someone already in the list (diversity).

use tch::{Device, Kind, Tensor};

/// One person at the event, already embedded.
#[derive(Debug)]
pub struct Attendee {
    /// Unit vector of what they seek (zeros when they seek nothing).
    pub seek: Vec<f32>,
    /// Unit vector of what they offer.
    pub offer: Vec<f32>,
    /// Unit vector of their headline and interests.
    pub about: Vec<f32>,
    /// Interest tags.
    pub tags: Vec<String>,
    /// Their seeking and offering phrases, for reasons.
    pub seeking: Vec<String>,
    pub offering: Vec<String>,
}

/// A suggested person, by index into the attendees, with the reciprocal score and reasons.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    pub index: usize,
    pub score: f32,
    pub reasons: Vec<String>,
}

const W_FIT: f64 = 0.55;
const W_ABOUT: f64 = 0.25;
const W_TAGS: f64 = 0.20;
/// Below this reciprocal score nobody is suggested.
const MIN_SCORE: f32 = 0.15;
/// Two candidates this similar (about vectors) are near-duplicates within one list.
const DUPLICATE_SIMILARITY: f32 = 0.97;
/// Rows per block on the CPU.
const CPU_BLOCK: i64 = 1024;

/// Stacks rows of `dim` floats into a `[n, dim]` tensor on `device`.
fn matrix(rows: impl Iterator<Item = Vec<f32>>, n: usize, dim: usize, device: Device) -> Tensor {
    let flat: Vec<f32> = rows.flat_map(|r| if r.len() == dim { r } else { vec![0.0; dim] }).collect();
    Tensor::from_slice(&flat).view([n as i64, dim as i64]).to_device(device)
}

/// The reciprocal score of every ordered pair, `[n, n]` on `device`; `allowed[a][b]` false (self,
/// blocked, declined, not opted in, ...) gives -1.
pub fn reciprocal_scores(people: &[Attendee], allowed: &dyn Fn(usize, usize) -> bool, device: Device) -> Tensor {
    let n = people.len();
    if n == 0 {
        return Tensor::zeros([0, 0], (Kind::Float, device));
    }
    let dim = people.iter().map(|p| p.about.len()).max().unwrap_or(0).max(1);
    let seek = matrix(people.iter().map(|p| p.seek.clone()), n, dim, device);
    let offer = matrix(people.iter().map(|p| p.offer.clone()), n, dim, device);
    let about = matrix(people.iter().map(|p| p.about.clone()), n, dim, device);
    let mut vocabulary: Vec<&str> = people.iter().flat_map(|p| p.tags.iter().map(String::as_str)).collect();
    vocabulary.sort_unstable();
    vocabulary.dedup();
    let t = vocabulary.len().max(1);
    let tags = matrix(
        people.iter().map(|p| {
            let mut row = vec![0.0f32; t];
            for tag in &p.tags {
                if let Ok(i) = vocabulary.binary_search(&tag.as_str()) {
                    row[i] = 1.0;
                }
            }
            row
        }),
        n,
        t,
        device,
    );
    let tag_counts = tags.sum_dim_intlist([1i64].as_slice(), false, Kind::Float);

    let block = if device.is_cuda() { n as i64 } else { CPU_BLOCK };
    let mut blocks = Vec::new();
    let mut start = 0i64;
    while start < n as i64 {
        let len = block.min(n as i64 - start);
        let rows = |m: &Tensor| m.narrow(0, start, len);
        let fit = rows(&seek).matmul(&offer.tr()).clamp_min(0.0);
        let similar = rows(&about).matmul(&about.tr()).clamp_min(0.0);
        let shared = rows(&tags).matmul(&tags.tr());
        let union = rows(&tag_counts).unsqueeze(1) + tag_counts.unsqueeze(0) - &shared;
        let jaccard = &shared / union.clamp_min(1.0);
        blocks.push(fit * W_FIT + similar * W_ABOUT + jaccard * W_TAGS);
        start += len;
    }
    let directional = Tensor::cat(&blocks, 0);
    let both = &directional * directional.tr() * 2.0;
    let sum = &directional + directional.tr();
    let reciprocal = both / sum.clamp_min(1e-6);
    let mask: Vec<f32> = (0..n)
        .flat_map(|a| (0..n).map(move |b| (a, b)))
        .map(|(a, b)| if a != b && allowed(a, b) { 0.0 } else { 1.0 })
        .collect();
    let mask = Tensor::from_slice(&mask).view([n as i64, n as i64]).to_device(device);
    reciprocal * (mask.ones_like() - &mask) - mask
}

/// Everyone's list of at most `k`, best first, with exposure control: nobody appears in more
/// than `exposure_cap` lists, so the most popular person does not crowd out everyone else.
pub fn pick_lists(people: &[Attendee], scores: &Tensor, k: usize, exposure_cap: usize) -> Vec<Vec<Pick>> {
    let n = people.len();
    let scores = scores.to_device(Device::Cpu).to_kind(Kind::Float);
    let flat: Vec<f32> = Vec::<f32>::try_from(scores.view([-1])).unwrap_or_default();
    if flat.len() != n * n {
        return vec![Vec::new(); n];
    }
    // All admissible pairs, best first; ties broken by index for determinism.
    let mut pairs: Vec<(f32, usize, usize)> = (0..n)
        .flat_map(|a| (0..n).map(move |b| (a, b)))
        .filter_map(|(a, b)| {
            let s = flat[a * n + b];
            (s >= MIN_SCORE).then_some((s, a, b))
        })
        .collect();
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut lists: Vec<Vec<Pick>> = vec![Vec::new(); n];
    let mut exposure = vec![0usize; n];
    for (score, a, b) in pairs {
        if lists[a].len() >= k || exposure[b] >= exposure_cap {
            continue;
        }
        let duplicate =
            lists[a].iter().any(|p| cosine(&people[p.index].about, &people[b].about) > DUPLICATE_SIMILARITY);
        if duplicate {
            continue;
        }
        exposure[b] += 1;
        lists[a].push(Pick { index: b, score, reasons: Vec::new() });
    }
    lists
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
    if reasons.is_empty() {
        let similarity = cosine(&a.about, &b.about);
        reasons.push((similarity, "Similar work and interests".to_owned()));
    }
    reasons.sort_by(|x, y| y.0.total_cmp(&x.0));
    reasons.into_iter().map(|(_, r)| r).take(3).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-9);
        v.iter().map(|x| x / norm).collect()
    }

    fn person(seek: &[f32], offer: &[f32], about: &[f32], tags: &[&str]) -> Attendee {
        Attendee {
            seek: unit(seek),
            offer: unit(offer),
            about: unit(about),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
            seeking: vec!["s".into()],
            offering: vec!["o".into()],
        }
    }

    #[test]
    fn reciprocal_needs_both_directions() {
        // 0 and 1 complement each other; 2 wants what 1 offers but offers nothing 1 wants.
        let people = vec![
            person(&[1.0, 0.0, 0.0], &[0.0, 1.0, 0.0], &[0.0, 0.0, 1.0], &["rust"]),
            person(&[0.0, 1.0, 0.0], &[1.0, 0.0, 0.0], &[0.0, 0.0, 1.0], &["rust"]),
            person(&[1.0, 0.0, 0.0], &[0.0, 0.0, 1.0], &[1.0, 0.0, 0.0], &[]),
        ];
        let scores = reciprocal_scores(&people, &|_, _| true, Device::Cpu);
        let s = |a: i64, b: i64| scores.double_value(&[a, b]) as f32;
        assert!(s(0, 1) > 0.9, "{}", s(0, 1));
        assert!((s(0, 1) - s(1, 0)).abs() < 1e-6, "symmetric");
        assert!(s(2, 1) < 0.5 * s(0, 1), "one-sided interest scores low: {}", s(2, 1));
        assert_eq!(s(0, 0), -1.0, "never oneself");
        let blocked = reciprocal_scores(&people, &|a, b| !(a.min(b) == 0 && a.max(b) == 1), Device::Cpu);
        assert_eq!(blocked.double_value(&[0, 1]), -1.0);
        let lists = pick_lists(&people, &scores, 2, 10);
        assert_eq!(lists[0].first().map(|p| p.index), Some(1));
        assert_eq!(lists[1].first().map(|p| p.index), Some(0));
    }

    #[test]
    fn exposure_cap_spreads_attention() {
        // Everyone matches person 0 best; with a cap of 2 only two lists may show them.
        let star = person(&[0.0, 1.0], &[1.0, 0.0], &[0.0, 1.0], &["a"]);
        let mut people = vec![star];
        for _ in 0..5 {
            people.push(person(&[1.0, 0.0], &[0.0, 1.0], &[0.0, 1.0], &["a"]));
        }
        let scores = reciprocal_scores(&people, &|_, _| true, Device::Cpu);
        let lists = pick_lists(&people, &scores, 1, 2);
        let showing_star = lists.iter().skip(1).filter(|l| l.first().map(|p| p.index) == Some(0)).count();
        assert_eq!(showing_star, 2);
        assert!(lists.iter().skip(1).all(|l| !l.is_empty()), "everyone still gets someone");
    }

    #[test]
    fn reasons_name_the_matching_phrases() {
        let mut a = person(&[1.0], &[1.0], &[1.0], &["rust", "climate-tech"]);
        let mut b = person(&[1.0], &[1.0], &[1.0], &["rust"]);
        a.seeking = vec!["a Rust mentor".into()];
        b.offering = vec!["Rust mentoring".into(), "cooking".into()];
        let similarity = |x: &str, y: &str| if x.contains("Rust") && y.contains("Rust") { 0.8 } else { 0.0 };
        let reasons = reasons(&a, &b, &similarity);
        assert_eq!(reasons[0], "You're looking for \"a Rust mentor\"; they offer \"Rust mentoring\"");
        assert!(reasons.iter().any(|r| r == "You both follow rust"));
    }
}
