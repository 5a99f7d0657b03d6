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

/// Each person's best `per_row` candidates by reciprocal score, best first, as `(index, score)`.
/// Pairs in `excluded` (either order: blocked, declined, met, ...) and oneself never appear.
///
/// The event is processed in row blocks: for block `A` the forward scores `s(a→·)` and the
/// backward scores `s(·→a)` are both `[|A|, n]`, so the reciprocal block needs no transpose of
/// a full `n × n` matrix and memory stays `O(|A| · n)` even for 50,000 people. On a GPU one block
/// is the whole event.
pub fn candidates(
    people: &[Attendee],
    excluded: &[(usize, usize)],
    per_row: usize,
    device: Device,
) -> Vec<Vec<(usize, f32)>> {
    let n = people.len();
    if n < 2 || per_row == 0 {
        return vec![Vec::new(); n];
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
    let mut excluded_by_row: Vec<Vec<i64>> = vec![Vec::new(); n];
    for &(a, b) in excluded {
        if a < n && b < n {
            excluded_by_row[a].push(b as i64);
            excluded_by_row[b].push(a as i64);
        }
    }

    let k = per_row.min(n - 1) as i64;
    let block = if device.is_cuda() { n as i64 } else { CPU_BLOCK };
    let mut out = Vec::with_capacity(n);
    let mut start = 0i64;
    while start < n as i64 {
        let len = block.min(n as i64 - start);
        let rows = |m: &Tensor| m.narrow(0, start, len);
        let shared = rows(&tags).matmul(&tags.tr());
        let union = rows(&tag_counts).unsqueeze(1) + tag_counts.unsqueeze(0) - &shared;
        let symmetric =
            rows(&about).matmul(&about.tr()).clamp_min(0.0) * W_ABOUT + (shared / union.clamp_min(1.0)) * W_TAGS;
        let forward = rows(&seek).matmul(&offer.tr()).clamp_min(0.0) * W_FIT + &symmetric;
        let backward = rows(&offer).matmul(&seek.tr()).clamp_min(0.0) * W_FIT + &symmetric;
        let mut reciprocal = (&forward * &backward * 2.0) / (forward + backward).clamp_min(1e-6);
        // Oneself and excluded pairs: below any real score.
        let mut rows_idx = Vec::new();
        let mut cols_idx = Vec::new();
        for r in 0..len {
            let a = (start + r) as usize;
            rows_idx.push(r);
            cols_idx.push(a as i64);
            for &b in &excluded_by_row[a] {
                rows_idx.push(r);
                cols_idx.push(b);
            }
        }
        let index = [
            Some(Tensor::from_slice(&rows_idx).to_device(device)),
            Some(Tensor::from_slice(&cols_idx).to_device(device)),
        ];
        reciprocal = reciprocal.index_put(&index, &Tensor::from(-1.0f32).to_device(device), false);
        let (values, indices) = reciprocal.topk(k, 1, true, true);
        let values = Vec::<Vec<f32>>::try_from(&values.to_device(Device::Cpu)).unwrap_or_default();
        let indices = Vec::<Vec<i64>>::try_from(&indices.to_device(Device::Cpu)).unwrap_or_default();
        for (vals, idxs) in values.into_iter().zip(indices) {
            out.push(
                idxs.into_iter()
                    .zip(vals)
                    .filter(|&(_, s)| s >= 0.0)
                    .map(|(b, s)| (usize::try_from(b).unwrap_or(0), s))
                    .collect(),
            );
        }
        start += len;
    }
    out
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
        let found = candidates(&people, &[], 2, Device::Cpu);
        let s = |a: usize, b: usize| found[a].iter().find(|c| c.0 == b).map_or(-1.0, |c| c.1);
        assert!(s(0, 1) > 0.9, "{}", s(0, 1));
        assert!((s(0, 1) - s(1, 0)).abs() < 1e-6, "symmetric");
        assert!(s(2, 1) < 0.5 * s(0, 1), "one-sided interest scores low: {}", s(2, 1));
        assert!(found.iter().enumerate().all(|(a, row)| row.iter().all(|c| c.0 != a)), "never oneself");
        assert_eq!(found[0].first().map(|c| c.0), Some(1), "best first");
        let blocked = candidates(&people, &[(1, 0)], 2, Device::Cpu);
        assert!(blocked[0].iter().all(|c| c.0 != 1) && blocked[1].iter().all(|c| c.0 != 0), "excluded both ways");
        let lists = pick_lists(&people, &found, 2, 10);
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
        let found = candidates(&people, &[], 5, Device::Cpu);
        let lists = pick_lists(&people, &found, 1, 2);
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
