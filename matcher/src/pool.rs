//! One event's pool of attendees: everyone's best candidates and current list, built by one
//! batched computation and then kept up to date one person at a time.
//!
//! State: the attendees' vectors as `[capacity, dim]` matrices on the device (a free slot is a
//! zero row, masked out), inverted indexes of tags and context keys, the pairs never to
//! suggest, each person's best `per_row` candidates ("row") and their current list.
//!
//! Full build ([`Pool::rebuild`]): rows in blocks, forward and backward `[block, n]` GEMMs plus
//! top-k per row, so memory stays `O(block · n)` even for 50,000 people; then the global greedy
//! of [`score::pick_lists`] with exposure control.
//!
//! One person changes ([`Pool::upsert`], [`Pool::remove`]): their scores against everyone are
//! one `[1, n]` row, and because the reciprocal score is symmetric that row is also their
//! column. Their own row is its top-k; every other row gains, moves or loses them by comparing
//! with its last entry. A row that loses someone while full may hide a candidate it never
//! stored, so it alone is recomputed (usually a handful). Invariant: a row holds the best
//! `per_row` admissible candidates, or all of them when there are fewer.
//!
//! Lists are then re-picked only for the rows that changed, against everyone else's current
//! exposure. That keeps the cap and diversity rules exactly, but it is greedy per row rather
//! than global: after many updates the lists can differ from what a full build would pick
//! (never in who is admissible, only in who got a capped person first). A full build
//! resets that.
//!
//! Without the `torch` feature the same algorithm runs on plain `Vec<f32>` matrices, scoring one
//! pair at a time with [`score::reciprocal_score`]: the same scores, without libtorch.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

#[cfg(feature = "torch")]
use tch::{Device, Tensor};

#[cfg(not(feature = "torch"))]
use crate::learn::PairFeatures;
#[cfg(feature = "torch")]
use crate::score::Parts;
use crate::score::{self, exposure_cap, Attendee, Pick, Weights};
use crate::EMBEDDING_DIM;

/// Rows per block of a full build: bounds memory on the CPU; a GPU takes larger blocks.
const CPU_BLOCK: usize = 1024;
#[cfg(feature = "torch")]
const GPU_BLOCK: usize = 8192;

/// One kind of vector of every slot, a row per slot: a tensor on the pool's device with
/// libtorch, a row-major `Vec` without.
#[cfg(feature = "torch")]
type Matrix = Tensor;
#[cfg(not(feature = "torch"))]
type Matrix = Vec<f32>;

/// How a pool scores and how long its lists are.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Length of the embedding vectors.
    pub dim: usize,
    /// Suggestions per person.
    pub list_size: usize,
    /// Candidates kept per person: a few more than the list leaves room for exposure control
    /// and diversity.
    pub per_row: usize,
    pub weights: Weights,
    /// Where the matrices live and the scores are computed.
    #[cfg(feature = "torch")]
    pub device: Device,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dim: EMBEDDING_DIM,
            list_size: 10,
            per_row: 30,
            weights: Weights::default(),
            #[cfg(feature = "torch")]
            device: Device::Cpu,
        }
    }
}

/// An inverted index from keys (tags, context keys) to the slots holding them.
#[derive(Default)]
struct Postings {
    slots: HashMap<String, Vec<usize>>,
    /// Distinct keys per slot.
    count: Vec<f32>,
}

fn distinct(keys: &[String]) -> Vec<&str> {
    let mut keys: Vec<&str> = keys.iter().map(String::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

impl Postings {
    fn insert(&mut self, slot: usize, keys: &[String]) {
        let keys = distinct(keys);
        self.count[slot] = keys.len() as f32;
        for key in keys {
            self.slots.entry(key.to_owned()).or_default().push(slot);
        }
    }

    fn remove(&mut self, slot: usize, keys: &[String]) {
        for key in distinct(keys) {
            if let Some(slots) = self.slots.get_mut(key) {
                slots.retain(|&s| s != slot);
                if slots.is_empty() {
                    self.slots.remove(key);
                }
            }
        }
        self.count[slot] = 0.0;
    }

    /// Writes `value(shared, slot)` into `out[slot]` for every slot sharing at least one of
    /// `keys`; the others stay 0. Only touched slots are visited.
    fn fill(&self, keys: &[String], out: &mut [f32], value: impl Fn(f32, usize) -> f32) {
        let mut touched = Vec::new();
        for key in distinct(keys) {
            for &slot in self.slots.get(key).map_or(&[][..], Vec::as_slice) {
                if out[slot] == 0.0 {
                    touched.push(slot);
                }
                out[slot] += 1.0;
            }
        }
        for slot in touched {
            out[slot] = value(out[slot], slot);
        }
    }
}

/// One event's attendees, keyed by `K` (the server uses user ids), with their candidates and
/// lists. See the module documentation.
pub struct Pool<K> {
    settings: Settings,
    keys: Vec<Option<K>>,
    slots: HashMap<K, usize>,
    free: Vec<usize>,
    people: Vec<Attendee>,
    seek: Matrix,
    offer: Matrix,
    about: Matrix,
    tags: Postings,
    context: Postings,
    excluded: Vec<HashSet<usize>>,
    rows: Vec<Vec<(usize, f32)>>,
    lists: Vec<Vec<Pick>>,
    exposure: Vec<usize>,
}

impl<K> std::fmt::Debug for Pool<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool").field("people", &self.slots.len()).field("settings", &self.settings).finish()
    }
}

impl<K: Clone + Eq + Hash> Pool<K> {
    pub fn new(settings: Settings) -> Self {
        let (seek, offer, about) =
            (Self::empty_matrix(&settings), Self::empty_matrix(&settings), Self::empty_matrix(&settings));
        Self {
            settings,
            keys: Vec::new(),
            slots: HashMap::new(),
            free: Vec::new(),
            people: Vec::new(),
            seek,
            offer,
            about,
            tags: Postings::default(),
            context: Postings::default(),
            excluded: Vec::new(),
            rows: Vec::new(),
            lists: Vec::new(),
            exposure: Vec::new(),
        }
    }

    /// A pool of `people` with the `excluded` pairs, fully built.
    pub fn build(settings: Settings, people: Vec<(K, Attendee)>, excluded: &[(K, K)]) -> Self {
        let mut pool = Self::new(settings);
        for (key, person) in people {
            pool.place(key, person);
        }
        for (a, b) in excluded {
            if let (Some(&a), Some(&b)) = (pool.slots.get(a), pool.slots.get(b)) {
                if a != b {
                    pool.excluded[a].insert(b);
                    pool.excluded[b].insert(a);
                }
            }
        }
        pool.rebuild();
        pool
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    pub fn contains(&self, key: &K) -> bool {
        self.slots.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.slots.keys()
    }

    pub fn attendee(&self, key: &K) -> Option<&Attendee> {
        self.slots.get(key).map(|&s| &self.people[s])
    }

    /// `key`'s current list, best first, as `(who, score)`.
    pub fn list(&self, key: &K) -> Option<Vec<(K, f32)>> {
        let &slot = self.slots.get(key)?;
        Some(self.lists[slot].iter().filter_map(|p| Some((self.keys[p.index].clone()?, p.score))).collect())
    }

    /// `key`'s best candidates, best first, before exposure control and diversity.
    pub fn candidates(&self, key: &K) -> Option<Vec<(K, f32)>> {
        let &slot = self.slots.get(key)?;
        Some(self.rows[slot].iter().filter_map(|&(b, s)| Some((self.keys[b].clone()?, s))).collect())
    }

    /// Recomputes every row and list from scratch.
    pub fn rebuild(&mut self) {
        let live: Vec<usize> = (0..self.capacity()).filter(|&s| self.keys[s].is_some()).collect();
        for rows in live.chunks(self.block()) {
            self.compute_rows(rows);
        }
        let cap = exposure_cap(self.len(), self.settings.list_size);
        self.lists = score::pick_lists(&self.people, &self.rows, self.settings.list_size, cap);
        self.exposure = vec![0; self.capacity()];
        for pick in self.lists.iter().flatten() {
            self.exposure[pick.index] += 1;
        }
    }

    /// Adds `key` or replaces their profile, with the people never to be suggested to them
    /// (blocked either way, declined, ...; anyone not in the pool is ignored). Updates one row
    /// against the pool and answers whose lists changed.
    pub fn upsert(&mut self, key: K, person: Attendee, excluded: impl IntoIterator<Item = K>) -> Vec<K> {
        let x = match self.slots.get(&key) {
            Some(&slot) => {
                self.tags.remove(slot, &self.people[slot].tags);
                self.context.remove(slot, &self.people[slot].context);
                self.write(slot, person);
                slot
            }
            None => self.place(key, person),
        };
        let now: HashSet<usize> =
            excluded.into_iter().filter_map(|k| self.slots.get(&k).copied()).filter(|&b| b != x).collect();
        for b in std::mem::take(&mut self.excluded[x]) {
            self.excluded[b].remove(&x);
        }
        for &b in &now {
            self.excluded[b].insert(x);
        }
        self.excluded[x] = now;

        let scores = self.scores(x);
        self.rows[x] = top(&scores, self.settings.per_row);
        let per_row = self.settings.per_row;
        let mut touched: HashSet<usize> = HashSet::from([x]);
        let mut refill = Vec::new();
        for (b, &score) in scores.iter().enumerate() {
            if b == x || self.keys[b].is_none() {
                continue;
            }
            let row = &mut self.rows[b];
            let was_full = row.len() >= per_row;
            let old_last = row.last().map_or(f32::NEG_INFINITY, |c| c.1);
            let had = row.iter().position(|c| c.0 == x);
            if let Some(i) = had {
                row.remove(i);
                touched.insert(b);
            }
            if score < 0.0 {
                if had.is_some() && was_full {
                    refill.push(b);
                }
            } else if had.is_some() && was_full {
                // Someone never stored may now rank above x: only a recomputation can tell.
                if score >= old_last {
                    insert(row, x, score);
                } else {
                    refill.push(b);
                }
            } else if row.len() < per_row {
                insert(row, x, score);
                touched.insert(b);
            } else if score > old_last {
                insert(row, x, score);
                row.pop();
                touched.insert(b);
            }
        }
        self.compute_rows(&refill);
        touched.extend(refill);
        self.repick(touched)
    }

    /// Takes `key` out of the pool (they left, opted out, hid their profile). Answers whose
    /// lists changed; `key`'s own list is gone.
    pub fn remove(&mut self, key: &K) -> Vec<K> {
        let Some(x) = self.slots.remove(key) else { return Vec::new() };
        for pick in std::mem::take(&mut self.lists[x]) {
            self.exposure[pick.index] -= 1;
        }
        self.tags.remove(x, &self.people[x].tags);
        self.context.remove(x, &self.people[x].context);
        self.write(x, Attendee::default());
        self.keys[x] = None;
        self.free.push(x);
        for b in std::mem::take(&mut self.excluded[x]) {
            self.excluded[b].remove(&x);
        }
        self.rows[x].clear();
        let per_row = self.settings.per_row;
        let mut touched = HashSet::new();
        let mut refill = Vec::new();
        for (b, row) in self.rows.iter_mut().enumerate() {
            if let Some(i) = row.iter().position(|c| c.0 == x) {
                if row.len() >= per_row {
                    refill.push(b);
                }
                row.remove(i);
                touched.insert(b);
            }
        }
        self.compute_rows(&refill);
        let changed = self.repick(touched);
        debug_assert_eq!(self.exposure[x], 0, "nobody shows someone who left");
        changed
    }

    fn capacity(&self) -> usize {
        self.keys.len()
    }

    /// A slot for `key` holding `person`, without computing anything.
    fn place(&mut self, key: K, person: Attendee) -> usize {
        let slot = match self.free.pop() {
            Some(slot) => slot,
            None => {
                let slot = self.capacity();
                if slot == self.matrix_rows() {
                    self.grow();
                }
                self.keys.push(None);
                self.people.push(Attendee::default());
                self.tags.count.push(0.0);
                self.context.count.push(0.0);
                self.excluded.push(HashSet::new());
                self.rows.push(Vec::new());
                self.lists.push(Vec::new());
                self.exposure.push(0);
                slot
            }
        };
        self.keys[slot] = Some(key.clone());
        self.slots.insert(key, slot);
        self.write(slot, person);
        slot
    }

    /// The shared tags and shared context of `rows` against every slot, each `[rows, capacity]`
    /// row-major: Jaccard index of the tags, `1 - 2^-k` for k shared context keys.
    fn sparse_parts(&self, rows: &[usize]) -> (Vec<f32>, Vec<f32>) {
        let n = self.capacity();
        let mut tags = vec![0.0f32; rows.len() * n];
        let mut context = vec![0.0f32; rows.len() * n];
        for (r, &a) in rows.iter().enumerate() {
            let own = self.tags.count[a];
            let count = &self.tags.count;
            self.tags.fill(&self.people[a].tags, &mut tags[r * n..(r + 1) * n], |shared, b| {
                shared / (own + count[b] - shared).max(1.0)
            });
            self.context
                .fill(&self.people[a].context, &mut context[r * n..(r + 1) * n], |shared, _| 1.0 - 0.5f32.powf(shared));
        }
        (tags, context)
    }
}

/// The vectors' matrices and the scoring kernel on libtorch: `[block, n]` products and top-k on
/// the pool's device.
#[cfg(feature = "torch")]
impl<K: Clone + Eq + Hash> Pool<K> {
    fn empty_matrix(settings: &Settings) -> Matrix {
        Tensor::zeros([0, settings.dim as i64], (tch::Kind::Float, settings.device))
    }

    /// Rows the matrices have room for.
    fn matrix_rows(&self) -> usize {
        self.seek.size()[0] as usize
    }

    /// Rows per block of a full build.
    fn block(&self) -> usize {
        if self.settings.device.is_cuda() {
            GPU_BLOCK
        } else {
            CPU_BLOCK
        }
    }

    /// Doubles the matrices' rows.
    fn grow(&mut self) {
        let rows = self.seek.size()[0].max(16);
        let extra = Tensor::zeros([rows, self.settings.dim as i64], (tch::Kind::Float, self.settings.device));
        for matrix in [&mut self.seek, &mut self.offer, &mut self.about] {
            *matrix = Tensor::cat(&[&*matrix, &extra], 0);
        }
    }

    /// Puts `person` into `slot`: vectors (a vector of the wrong length counts as zeros),
    /// indexes and profile.
    fn write(&mut self, slot: usize, person: Attendee) {
        let dim = self.settings.dim;
        let device = self.settings.device;
        for (matrix, vector) in [(&self.seek, &person.seek), (&self.offer, &person.offer), (&self.about, &person.about)]
        {
            let row = if vector.len() == dim {
                Tensor::from_slice(vector)
            } else {
                Tensor::zeros([dim as i64], (tch::Kind::Float, Device::Cpu))
            };
            matrix.narrow(0, slot as i64, 1).copy_(&row.view([1, dim as i64]).to_device(device));
        }
        self.tags.insert(slot, &person.tags);
        self.context.insert(slot, &person.context);
        self.people[slot] = person;
    }

    /// Reciprocal scores of `rows` against every slot, `[rows, capacity]`, with oneself, free
    /// slots and excluded pairs at -1 (below any real score, which is at least 0).
    fn masked_scores(&self, rows: &[usize]) -> Tensor {
        let device = self.settings.device;
        let n = self.capacity();
        let index = Tensor::from_slice(&rows.iter().map(|&r| r as i64).collect::<Vec<_>>()).to_device(device);
        let pick = |m: &Tensor| m.narrow(0, 0, n as i64).index_select(0, &index);
        let all = |m: &Tensor| m.narrow(0, 0, n as i64);
        let (tags, context) = self.sparse_parts(rows);
        let dense = |v: Vec<f32>| Tensor::from_slice(&v).view([rows.len() as i64, n as i64]).to_device(device);
        let parts = Parts {
            forward_fit: pick(&self.seek).matmul(&all(&self.offer).tr()),
            backward_fit: pick(&self.offer).matmul(&all(&self.seek).tr()),
            about: pick(&self.about).matmul(&all(&self.about).tr()),
            tags: dense(tags),
            context: dense(context),
        };
        let penalty: Vec<f32> = self.keys.iter().map(|k| if k.is_some() { 0.0 } else { -2.0 }).collect();
        let scores = score::reciprocal(parts, &self.settings.weights)
            + Tensor::from_slice(&penalty).to_device(device).unsqueeze(0);
        let mut row_index = Vec::new();
        let mut column_index = Vec::new();
        for (r, &a) in rows.iter().enumerate() {
            for b in std::iter::once(a).chain(self.excluded[a].iter().copied()) {
                row_index.push(r as i64);
                column_index.push(b as i64);
            }
        }
        let index = [
            Some(Tensor::from_slice(&row_index).to_device(device)),
            Some(Tensor::from_slice(&column_index).to_device(device)),
        ];
        scores.index_put(&index, &Tensor::from(-1.0f32).to_device(device), false).clamp_min(-1.0)
    }

    /// One slot's scores against every slot, on the CPU.
    fn scores(&self, slot: usize) -> Vec<f32> {
        let scores = self.masked_scores(&[slot]).view([-1]).to_device(Device::Cpu);
        Vec::<f32>::try_from(&scores).unwrap_or_default()
    }

    /// Recomputes the rows of `slots` (one batch).
    fn compute_rows(&mut self, slots: &[usize]) {
        if slots.is_empty() {
            return;
        }
        let k = self.settings.per_row.min(self.capacity().saturating_sub(1)) as i64;
        if k == 0 {
            slots.iter().for_each(|&s| self.rows[s].clear());
            return;
        }
        let (values, indices) = self.masked_scores(slots).topk(k, 1, true, true);
        let values = Vec::<Vec<f32>>::try_from(&values.to_device(Device::Cpu)).unwrap_or_default();
        let indices = Vec::<Vec<i64>>::try_from(&indices.to_device(Device::Cpu)).unwrap_or_default();
        for ((&slot, values), indices) in slots.iter().zip(values).zip(indices) {
            self.rows[slot] = indices
                .into_iter()
                .zip(values)
                .filter(|&(_, s)| s >= 0.0)
                .map(|(b, s)| (usize::try_from(b).unwrap_or(0), s))
                .collect();
        }
    }
}

/// The vectors' matrices and the scoring kernel in plain Rust, for builds without libtorch: the
/// same scores, one pair at a time.
#[cfg(not(feature = "torch"))]
impl<K: Clone + Eq + Hash> Pool<K> {
    fn empty_matrix(_: &Settings) -> Matrix {
        Vec::new()
    }

    fn matrix_rows(&self) -> usize {
        self.seek.len() / self.settings.dim.max(1)
    }

    fn block(&self) -> usize {
        CPU_BLOCK
    }

    /// Doubles the matrices' rows.
    fn grow(&mut self) {
        let rows = self.matrix_rows().max(16);
        let len = (self.matrix_rows() + rows) * self.settings.dim;
        for matrix in [&mut self.seek, &mut self.offer, &mut self.about] {
            matrix.resize(len, 0.0);
        }
    }

    /// Puts `person` into `slot`: vectors (a vector of the wrong length counts as zeros),
    /// indexes and profile.
    fn write(&mut self, slot: usize, person: Attendee) {
        let dim = self.settings.dim;
        for (matrix, vector) in
            [(&mut self.seek, &person.seek), (&mut self.offer, &person.offer), (&mut self.about, &person.about)]
        {
            let row = &mut matrix[slot * dim..(slot + 1) * dim];
            if vector.len() == dim {
                row.copy_from_slice(vector);
            } else {
                row.fill(0.0);
            }
        }
        self.tags.insert(slot, &person.tags);
        self.context.insert(slot, &person.context);
        self.people[slot] = person;
    }

    /// One slot's scores against every slot, with oneself, free slots and excluded pairs at -1
    /// (below any real score, which is at least 0).
    fn scores(&self, a: usize) -> Vec<f32> {
        let dim = self.settings.dim;
        fn row(m: &[f32], s: usize, dim: usize) -> &[f32] {
            &m[s * dim..(s + 1) * dim]
        }
        let (tags, context) = self.sparse_parts(&[a]);
        (0..self.capacity())
            .map(|b| {
                if b == a || self.keys[b].is_none() || self.excluded[a].contains(&b) {
                    return -1.0;
                }
                let parts = PairFeatures {
                    forward_fit: crate::engine::dot(row(&self.seek, a, dim), row(&self.offer, b, dim)),
                    backward_fit: crate::engine::dot(row(&self.offer, a, dim), row(&self.seek, b, dim)),
                    about: crate::engine::dot(row(&self.about, a, dim), row(&self.about, b, dim)),
                    tags: tags[b],
                    context: context[b],
                };
                score::reciprocal_score(&parts, &self.settings.weights)
            })
            .collect()
    }

    /// Recomputes the rows of `slots`.
    fn compute_rows(&mut self, slots: &[usize]) {
        let k = self.settings.per_row.min(self.capacity().saturating_sub(1));
        for &slot in slots {
            self.rows[slot] = top(&self.scores(slot), k);
        }
    }
}

impl<K: Clone + Eq + Hash> Pool<K> {
    /// Picks the lists of `touched` again against everyone else's exposure, the strongest rows
    /// first as the full build would; answers the keys whose list changed.
    fn repick(&mut self, touched: HashSet<usize>) -> Vec<K> {
        let cap = exposure_cap(self.len(), self.settings.list_size);
        let mut order: Vec<usize> = touched.into_iter().filter(|&a| self.keys[a].is_some()).collect();
        for &a in &order {
            for pick in &self.lists[a] {
                self.exposure[pick.index] -= 1;
            }
        }
        let best = |a: usize| self.rows[a].first().map_or(f32::NEG_INFINITY, |c| c.1);
        order.sort_by(|&x, &y| best(y).total_cmp(&best(x)).then(x.cmp(&y)));
        let mut changed = Vec::new();
        for a in order {
            let list = score::pick_list(&self.people, &self.rows[a], self.settings.list_size, &mut self.exposure, cap);
            if list != self.lists[a] {
                changed.extend(self.keys[a].clone());
                self.lists[a] = list;
            }
        }
        changed
    }
}

/// The best `k` non-negative entries of `scores`, best first, ties by index.
fn top(scores: &[f32], k: usize) -> Vec<(usize, f32)> {
    let mut all: Vec<(usize, f32)> = scores.iter().copied().enumerate().filter(|&(_, s)| s >= 0.0).collect();
    let order = |x: &(usize, f32), y: &(usize, f32)| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0));
    if all.len() > k && k > 0 {
        all.select_nth_unstable_by(k - 1, order);
    }
    all.truncate(k);
    all.sort_by(order);
    all
}

/// Inserts `(who, score)` into a best-first row, after any equal score.
fn insert(row: &mut Vec<(usize, f32)>, who: usize, score: f32) {
    let at = row.partition_point(|c| c.1 >= score);
    row.insert(at, (who, score));
}

/// Each person's best `per_row` candidates by reciprocal score, best first, as `(index, score)`:
/// a full build of a pool keyed by position. Pairs in `excluded` (either order) and oneself
/// never appear.
#[cfg(feature = "torch")]
pub fn candidates(
    people: &[Attendee],
    excluded: &[(usize, usize)],
    per_row: usize,
    weights: &Weights,
    device: Device,
) -> Vec<Vec<(usize, f32)>> {
    let dim = people.iter().map(|p| p.about.len()).max().unwrap_or(0).max(1);
    let settings = Settings { dim, list_size: 0, per_row, weights: *weights, device };
    let pool = Pool::build(settings, people.iter().cloned().enumerate().collect(), excluded);
    (0..people.len()).map(|i| pool.candidates(&i).unwrap_or_default()).collect()
}

#[cfg(all(test, feature = "torch"))]
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
            ..Attendee::default()
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
        let w = Weights::default();
        let found = candidates(&people, &[], 2, &w, Device::Cpu);
        let s = |a: usize, b: usize| found[a].iter().find(|c| c.0 == b).map_or(-1.0, |c| c.1);
        assert!(s(0, 1) > 0.8, "{}", s(0, 1));
        assert!((s(0, 1) - s(1, 0)).abs() < 1e-6, "symmetric");
        assert!(s(2, 1) < 0.5 * s(0, 1), "one-sided interest scores low: {}", s(2, 1));
        assert!(found.iter().enumerate().all(|(a, row)| row.iter().all(|c| c.0 != a)), "never oneself");
        assert_eq!(found[0].first().map(|c| c.0), Some(1), "best first");
        let blocked = candidates(&people, &[(1, 0)], 2, &w, Device::Cpu);
        assert!(blocked[0].iter().all(|c| c.0 != 1) && blocked[1].iter().all(|c| c.0 != 0), "excluded both ways");
    }

    #[test]
    fn shared_context_raises_a_score() {
        let mut people = vec![
            person(&[1.0, 0.0], &[0.0, 1.0], &[1.0, 1.0], &[]),
            person(&[0.0, 1.0], &[1.0, 0.0], &[1.0, 1.0], &[]),
        ];
        let w = Weights::default();
        let before = candidates(&people, &[], 1, &w, Device::Cpu)[0][0].1;
        people[0].context = vec!["event:a".into(), "contact:c".into()];
        people[1].context = vec!["event:a".into(), "contact:c".into(), "event:b".into()];
        let after = candidates(&people, &[], 1, &w, Device::Cpu)[0][0].1;
        // Two shared keys are worth 1 - 1/4 of the context weight, in both directions.
        assert!((after - before - 0.75 * w.context).abs() < 1e-5, "{before} -> {after}");
    }

    /// A small deterministic generator, so the test needs no crate.
    struct Lcg(u64);

    impl Lcg {
        fn next(&mut self) -> f32 {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as f32 / (1u64 << 31) as f32) * 2.0 - 1.0
        }

        fn below(&mut self, n: usize) -> usize {
            ((self.next() + 1.0) / 2.0 * n as f32) as usize % n
        }

        fn person(&mut self) -> Attendee {
            let mut v = |dim: usize| unit(&(0..dim).map(|_| self.next()).collect::<Vec<_>>());
            let (seek, offer, about) = (v(8), v(8), v(8));
            let tags = (0..3).map(|_| format!("t{}", self.below(6))).collect();
            let context = (0..2).map(|_| format!("event:{}", self.below(5))).collect();
            Attendee { seek, offer, about, tags, context, ..Attendee::default() }
        }
    }

    #[test]
    fn one_person_updates_keep_every_row_as_a_full_build_would() {
        let settings = Settings { dim: 8, list_size: 3, per_row: 5, ..Settings::default() };
        let mut rng = Lcg(7);
        let mut people: HashMap<u32, Attendee> = (0..40).map(|k| (k, rng.person())).collect();
        let mut excluded: HashSet<(u32, u32)> = HashSet::new();
        let mut pool = Pool::build(settings.clone(), people.clone().into_iter().collect(), &[]);
        for step in 0..120u32 {
            let key = rng.below(60) as u32;
            match step % 4 {
                0 => {
                    pool.remove(&key);
                    people.remove(&key);
                }
                1 => {
                    let other = rng.below(60) as u32;
                    if other != key {
                        excluded.insert((key.min(other), key.max(other)));
                    }
                    let person = people.get(&key).cloned().unwrap_or_else(|| rng.person());
                    people.insert(key, person.clone());
                    let mine =
                        excluded.iter().filter_map(|&(a, b)| (a == key).then_some(b).or((b == key).then_some(a)));
                    pool.upsert(key, person, mine.collect::<Vec<_>>());
                }
                _ => {
                    let person = rng.person();
                    people.insert(key, person.clone());
                    let mine =
                        excluded.iter().filter_map(|&(a, b)| (a == key).then_some(b).or((b == key).then_some(a)));
                    pool.upsert(key, person, mine.collect::<Vec<_>>());
                }
            }
            let pairs: Vec<(u32, u32)> = excluded.iter().copied().collect();
            let fresh = Pool::build(settings.clone(), people.clone().into_iter().collect(), &pairs);
            assert_eq!(pool.len(), fresh.len());
            let cap = exposure_cap(pool.len(), settings.list_size);
            let mut shown: HashMap<u32, usize> = HashMap::new();
            for key in people.keys() {
                let (mine, theirs) =
                    (pool.candidates(key).unwrap_or_default(), fresh.candidates(key).unwrap_or_default());
                assert_eq!(mine.len(), theirs.len(), "step {step}, row of {key}");
                for ((a, s), (b, t)) in mine.iter().zip(&theirs) {
                    assert!((s - t).abs() < 1e-5, "step {step}, row of {key}: {mine:?} vs {theirs:?}");
                    assert!(a == b || (s - t).abs() < 1e-5);
                }
                let list = pool.list(key).unwrap_or_default();
                for (who, score) in &list {
                    assert!(mine.iter().any(|(c, s)| c == who && s == score), "a list takes from its row");
                    assert!(!excluded.contains(&((*key).min(*who), (*key).max(*who))), "never an excluded pair");
                    *shown.entry(*who).or_default() += 1;
                }
            }
            assert!(shown.values().all(|&n| n <= cap), "exposure cap kept at step {step}");
            assert!(pool.exposure.iter().zip(&pool.keys).all(|(&e, k)| k.is_some() || e == 0));
        }
    }
}
