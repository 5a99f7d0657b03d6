//! The matching engine of one process: for each event a matcher [`Pool`] built from storage and
//! then kept up to date one person at a time, and the lists it renders with reasons. A server
//! node runs it in-process; the `mingle matcher` worker runs it for a cluster.
//!
//! Storage is the source of truth: a job names what changed (one person, a pair, or "the whole
//! event"), and the engine rereads exactly those people (admission, exclusions, context) before
//! updating the pool. A full build happens the first time, when the event starts (who counts
//! switches from "going" to "checked in"), when a job touches a large share of the pool, or when
//! asked. Tensor work and embedding never run on the async reactor.
//!
//! Memory: an event's pool is dropped once the event has been over for [`ENDED_GRACE`] (its
//! lists are still answered until then, for people who look back after it ends); asked again
//! later, it is rebuilt from storage. Vectors come from the process's one embedding cache, by
//! text, and an event keeps only its own attendees' vectors.

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dashmap::DashMap;
use matcher::{Attendee, EngineError, Pool, Vector, Weights};
use protocol::suggestions::{SuggestedUser, Suggestion};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::rollout::{LearnedSet, Scoring, Served, Weighting};
use crate::analytics::rollout::Variant;
use crate::model::{Model, Priority};
use crate::shutdown::Shutdown;
use crate::store::{now_ms, parse_list, Store, UserRow};

/// Suggestions per person.
const LIST_SIZE: usize = 10;
/// Candidates kept per person: room for exposure control and diversity.
const PER_ROW: usize = 30;
/// The newest outcomes of pairs the weights are learned from.
const OUTCOMES_LEARNED: i64 = 20_000;
/// How often the weights are learned again.
const RETRAIN_EVERY: Duration = Duration::from_secs(600);
/// How often a running weights experiment is looked at.
const LOOK_EVERY: Duration = Duration::from_secs(60);
/// How long after an event ends its pool stays in memory.
const ENDED_GRACE: Duration = Duration::from_secs(6 * 3600);

/// Why suggestions cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("the matcher model is not available: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl From<EngineError> for SuggestError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::Unavailable(why) => Self::Unavailable(why),
            EngineError::Failed(e) => Self::Failed(e),
        }
    }
}

impl From<crate::store::StoreError> for SuggestError {
    fn from(e: crate::store::StoreError) -> Self {
        Self::Failed(e.into())
    }
}

/// What changed at one event. Jobs merge: a full job absorbs any other.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Rebuild the whole event.
    #[serde(default)]
    pub full: bool,
    /// People whose admission, profile, exclusions or context changed.
    #[serde(default)]
    pub users: BTreeSet<Uuid>,
    /// Someone is waiting for this job's lists (a first request for the event): its embedding
    /// goes before background work.
    #[serde(default)]
    pub waited_for: bool,
    /// Only wanted when the event's lists are missing or scored with sets no longer in force (a
    /// request found none): several such requests build once.
    #[serde(default)]
    pub if_missing: bool,
}

impl Job {
    pub fn full() -> Self {
        Self { full: true, users: BTreeSet::new(), waited_for: false, if_missing: false }
    }

    /// A full build someone is waiting for, unless the event's lists are current by then.
    pub fn full_now() -> Self {
        Self { waited_for: true, if_missing: true, ..Self::full() }
    }

    pub fn people(users: impl IntoIterator<Item = Uuid>) -> Self {
        Self { full: false, users: users.into_iter().collect(), waited_for: false, if_missing: false }
    }

    pub fn merge(&mut self, other: Job) {
        self.full |= other.full;
        self.waited_for |= other.waited_for;
        // A job wanted whatever the state absorbs one wanted only when lists are missing.
        self.if_missing &= other.if_missing;
        if self.full {
            self.users.clear();
        } else {
            self.users.extend(other.users);
        }
    }
}

/// What a full build is for: whether the event has started (then only people checked in are in
/// the pool), the score's weights, and whether someone waits for it.
#[derive(Debug, Clone)]
struct Occasion {
    started: bool,
    scoring: Scoring,
    waited_for: bool,
}

/// One person's list, with the weight set that scored it and their arm while a weights
/// experiment runs.
#[derive(Debug, Clone, PartialEq)]
pub struct Listed {
    pub items: Vec<Suggestion>,
    pub weights_version: String,
    pub variant: Option<Variant>,
}

/// Lists that changed: each person with their new list (empty when they left the pool).
pub type Changed = Vec<(Uuid, Vec<Suggestion>)>;

/// What applying a job did.
#[derive(Debug)]
pub struct Applied {
    /// The event was rebuilt from scratch (rather than updated one person at a time).
    pub full: bool,
    pub changed: Changed,
}

/// A profile's vectors.
struct Embedded {
    seek: Vec<f32>,
    offer: Vec<f32>,
    about: Vec<f32>,
    /// Each seeking and offering phrase on its own, for reasons.
    phrases: HashMap<String, Vector>,
}

/// One event's pool and the lists last rendered from it.
struct EventState {
    started: bool,
    /// The weights the pools were built with.
    scoring: Scoring,
    pool: Pool<Uuid>,
    /// While a weights experiment runs: the same people scored with the canary's set, for the
    /// people in its arm.
    canary: Option<Pool<Uuid>>,
    cards: HashMap<Uuid, SuggestedUser>,
    /// Everyone's vectors, for the reasons.
    embedded: HashMap<Uuid, Arc<Embedded>>,
    lists: HashMap<Uuid, Vec<Suggestion>>,
}

/// One event's place in the engine: its state (taken by one job at a time) and when the event
/// ends, readable without waiting for a job.
#[derive(Default)]
struct EventSlot {
    /// Unix milliseconds; 0 until a job has read the event.
    ends_at: AtomicI64,
    state: tokio::sync::Mutex<Option<EventState>>,
}

/// Every event's slot, and the eviction of the ones that ended.
#[derive(Default)]
struct Pools {
    slots: DashMap<Uuid, Arc<EventSlot>>,
}

impl Pools {
    fn get(&self, event: &Uuid) -> Option<Arc<EventSlot>> {
        self.slots.get(event).map(|s| Arc::clone(&*s))
    }

    fn slot(&self, event: Uuid) -> Arc<EventSlot> {
        Arc::clone(&*self.slots.entry(event).or_default())
    }

    fn remove(&self, event: &Uuid) {
        self.slots.remove(event);
    }

    /// Drops the events that ended more than [`ENDED_GRACE`] before `now` (Unix milliseconds);
    /// answers how many. A job still holding one finishes on its own copy; the next job for that
    /// event starts from storage again.
    fn evict_ended(&self, now: i64) -> usize {
        let grace = ENDED_GRACE.as_millis() as i64;
        let before = self.slots.len();
        self.slots.retain(|_, slot| {
            let ends_at = slot.ends_at.load(Ordering::Relaxed);
            ends_at == 0 || ends_at + grace > now
        });
        before - self.slots.len()
    }

    fn len(&self) -> usize {
        self.slots.len()
    }
}

/// One person as read from storage for an update.
enum Update {
    Left(Uuid),
    Present { row: Box<UserRow>, excluded: Vec<Uuid>, context: Vec<String> },
}

pub struct Engine {
    store: Store,
    model: Arc<Model>,
    /// The score's weights: learned from outcomes once there are enough, the defaults before;
    /// a newly learned set may be on trial with a canary share.
    weighting: Weighting,
    events: Pools,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine").field("model", &self.model).finish_non_exhaustive()
    }
}

impl Engine {
    pub fn new(store: Store, model: Arc<Model>) -> Arc<Self> {
        Arc::new(Self { store, model, weighting: Weighting::default(), events: Pools::default() })
    }

    /// The weight sets in force, their rollout and experiment.
    pub fn weighting(&self) -> &Weighting {
        &self.weighting
    }

    /// `user`'s current list at `event`, or `None` when this engine has not computed the event,
    /// or computed it with weight sets no longer in force (a decision ended an experiment).
    pub async fn list(&self, event: Uuid, user: Uuid) -> Option<Listed> {
        let slot = self.events.get(&event)?;
        let state = slot.state.lock().await;
        let scoring = self.weighting.scoring();
        state.as_ref().filter(|s| s.scoring == scoring).map(|s| {
            let (weights_version, variant) = s.scoring.served.of(user);
            Listed { items: s.lists.get(&user).cloned().unwrap_or_default(), weights_version, variant }
        })
    }

    /// The events this engine holds lists of, but for those that have ended.
    pub fn held_events(&self) -> Vec<Uuid> {
        let now = now_ms();
        self.events
            .slots
            .iter()
            .filter(|s| {
                let ends_at = s.ends_at.load(Ordering::Relaxed);
                ends_at == 0 || ends_at > now
            })
            .map(|s| *s.key())
            .collect()
    }

    /// What `event`'s lists are scored with, or `None` when this engine has not computed it.
    pub async fn served(&self, event: Uuid) -> Option<Served> {
        let slot = self.events.get(&event)?;
        let state = slot.state.lock().await;
        state.as_ref().map(|s| s.scoring.served.clone())
    }

    /// Every non-empty list at `event`, or `None` when this engine has not computed the event.
    pub async fn lists(&self, event: Uuid) -> Option<HashMap<Uuid, Vec<Suggestion>>> {
        let slot = self.events.get(&event)?;
        let state = slot.state.lock().await;
        state.as_ref().map(|s| s.lists.iter().filter(|(_, l)| !l.is_empty()).map(|(u, l)| (*u, l.clone())).collect())
    }

    /// Applies `job` to `event` and answers the lists that changed. One job per event at a time.
    pub async fn apply(self: &Arc<Self>, event: Uuid, job: Job) -> Result<Applied, SuggestError> {
        let _running = Running::start();
        let evicted = self.events.evict_ended(now_ms());
        if evicted > 0 {
            tracing::debug!(evicted, kept = self.events.len(), "pools of ended events dropped");
        }
        let slot = self.events.slot(event);
        let mut state = slot.state.lock().await;
        let Some(row) = self.store.event(event).await? else {
            let gone = state.take().map(|s| s.lists.into_keys().map(|u| (u, Vec::new())).collect());
            self.events.remove(&event);
            return Ok(Applied { full: true, changed: gone.unwrap_or_default() });
        };
        slot.ends_at.store(row.ends_at, Ordering::Relaxed);
        let started = row.starts_at <= now_ms();
        let scoring = self.weighting.scoring();
        if job.if_missing && state.as_ref().is_some_and(|s| s.started == started && s.scoring == scoring) {
            // Another request's build made the lists while this one waited for the event.
            return Ok(Applied { full: false, changed: Vec::new() });
        }
        let incremental = state.as_ref().is_some_and(|s| {
            !job.full && s.started == started && s.scoring == scoring && job.users.len() <= (s.pool.len() / 8).max(16)
        });
        let clock = Instant::now();
        let this = Arc::clone(self);
        let waited_for = job.waited_for;
        let (next, changed) = if incremental {
            let mut updates = Vec::with_capacity(job.users.len());
            for &user in &job.users {
                updates.push(match self.store.matchmaking_attendee(event, user, started).await? {
                    None => Update::Left(user),
                    Some(row) => Update::Present {
                        row: Box::new(row),
                        excluded: self.store.excluded_partners(event, user).await?,
                        context: self
                            .store
                            .context_keys(event, Some(user))
                            .await?
                            .into_iter()
                            .map(|(_, k)| k)
                            .collect(),
                    },
                });
            }
            let Some(current) = state.take() else { return Ok(Applied { full: false, changed: Vec::new() }) };
            tokio::task::spawn_blocking(move || this.update(current, updates, waited_for))
                .await
                .map_err(anyhow::Error::from)??
        } else {
            let people = self.store.matchmaking_attendees(event, started).await?;
            let excluded = self.store.excluded_pairs(event).await?;
            let mut context: HashMap<Uuid, Vec<String>> = HashMap::new();
            for (user, key) in self.store.context_keys(event, None).await? {
                context.entry(user).or_default().push(key);
            }
            let previous = state.take().map(|s| s.lists).unwrap_or_default();
            let occasion = Occasion { started, scoring, waited_for };
            tokio::task::spawn_blocking(move || this.build(occasion, people, &excluded, context, previous))
                .await
                .map_err(anyhow::Error::from)??
        };
        *state = Some(next);
        let kind = if incremental { "incremental" } else { "full" };
        metrics::counter!("matcher_updates_total", "kind" => kind).increment(1);
        metrics::histogram!("matcher_update_seconds", "kind" => kind).record(clock.elapsed().as_secs_f64());
        Ok(Applied { full: !incremental, changed })
    }

    /// Learns the score's weights again from the latest outcomes of pairs (accepted meetings and
    /// "met" against declined meetings and "not relevant"); events rebuild with them on their
    /// next job. Keeps the current weights while there are too few outcomes.
    pub async fn retrain(self: &Arc<Self>) -> Result<(), SuggestError> {
        let outcomes = self.store.pair_outcomes(OUTCOMES_LEARNED).await?;
        let good = outcomes.iter().filter(|o| o.2).count();
        if good < matcher::learn::MIN_EACH || outcomes.len() - good < matcher::learn::MIN_EACH {
            return Ok(());
        }
        let people = self.store.pair_outcome_people(OUTCOMES_LEARNED).await?;
        let this = Arc::clone(self);
        let learned = tokio::task::spawn_blocking(move || -> Result<_, SuggestError> {
            let embedded = this.embed(&people.iter().collect::<Vec<_>>(), false)?;
            // Shared context is relative to an event and left out here: its weight keeps its
            // prior (a part with no signal is not moved).
            let attendees: HashMap<Uuid, Attendee> =
                people.iter().map(|p| (p.id, attendee(p, &embedded[&p.id], Vec::new()))).collect();
            let examples: Vec<_> = outcomes
                .iter()
                .filter_map(|(a, b, good)| Some((matcher::features(attendees.get(a)?, attendees.get(b)?), *good)))
                .collect();
            Ok(this.model.learn_weights(&examples, &Weights::default())?)
        })
        .await
        .map_err(anyhow::Error::from)??;
        if let Some(fit) = learned.fit {
            tracing::info!(weights = ?learned.weights, positives = learned.positives, negatives = learned.negatives,
                loss_before = fit.loss_before, loss_after = fit.loss_after, "matcher weights learned");
            let set = LearnedSet {
                weights: learned.weights,
                positives: learned.positives,
                negatives: learned.negatives,
                loss_before: fit.loss_before,
                loss_after: fit.loss_after,
            };
            self.weighting.offer(&self.store, set).await?;
        }
        Ok(())
    }

    /// Learns every [`RETRAIN_EVERY`] and looks at a running weights experiment every
    /// [`LOOK_EVERY`], in the background, for as long as the engine lives.
    pub fn keep_learning(self: &Arc<Self>, shutdown: &Shutdown) {
        let engine = Arc::downgrade(self);
        let stop = shutdown.workers_token();
        shutdown.spawn(async move {
            let mut tick = tokio::time::interval(LOOK_EVERY);
            let mut learned_at: Option<Instant> = None;
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let Some(engine) = engine.upgrade() else { return };
                if let Err(e) = engine.weighting.sync(&engine.store).await {
                    tracing::warn!(error = %e, "reading the matcher weights in force failed");
                }
                if learned_at.is_some_and(|at| at.elapsed() < RETRAIN_EVERY) {
                    continue;
                }
                learned_at = Some(Instant::now());
                if let Err(e) = engine.retrain().await {
                    tracing::warn!(error = %e, "learning the matcher's weights failed");
                }
            }
        });
    }

    /// A full build, on a blocking thread.
    fn build(
        &self,
        Occasion { started, scoring, waited_for }: Occasion,
        people: Vec<UserRow>,
        excluded: &[(Uuid, Uuid)],
        mut context: HashMap<Uuid, Vec<String>>,
        previous: HashMap<Uuid, Vec<Suggestion>>,
    ) -> Result<(EventState, Changed), SuggestError> {
        let embedded = self.embed(&people.iter().collect::<Vec<_>>(), waited_for)?;
        let cards = people.iter().map(|p| (p.id, card(p))).collect();
        let attendees: Vec<(Uuid, Attendee)> = people
            .iter()
            .map(|p| (p.id, attendee(p, &embedded[&p.id], context.remove(&p.id).unwrap_or_default())))
            .collect();
        let canary = scoring.canary.map(|weights| {
            Pool::build(self.model.pool_settings(LIST_SIZE, PER_ROW, weights), attendees.clone(), excluded)
        });
        let pool = Pool::build(self.model.pool_settings(LIST_SIZE, PER_ROW, scoring.control), attendees, excluded);
        let mut state = EventState { started, scoring, pool, canary, cards, embedded, lists: HashMap::new() };
        let everyone: Vec<Uuid> = people.iter().map(|p| p.id).collect();
        for user in &everyone {
            let list = self.render(&state, user);
            state.lists.insert(*user, list);
        }
        let mut changed: Changed = state
            .lists
            .iter()
            .filter(|(u, l)| previous.get(u).map_or(!l.is_empty(), |p| p != *l))
            .map(|(u, l)| (*u, l.clone()))
            .collect();
        changed.extend(previous.into_keys().filter(|u| !state.lists.contains_key(u)).map(|u| (u, Vec::new())));
        Ok((state, changed))
    }

    /// One-person updates, on a blocking thread.
    fn update(
        &self,
        mut state: EventState,
        updates: Vec<Update>,
        waited_for: bool,
    ) -> Result<(EventState, Changed), SuggestError> {
        let rows: Vec<&UserRow> = updates
            .iter()
            .filter_map(|u| if let Update::Present { row, .. } = u { Some(&**row) } else { None })
            .collect();
        let embedded = self.embed(&rows, waited_for)?;
        let mut touched: BTreeSet<Uuid> = BTreeSet::new();
        for update in updates {
            match update {
                Update::Left(user) => {
                    // The pool answers whose lists showed them (they are re-picked).
                    touched.extend(state.pool.remove(&user));
                    if let Some(canary) = &mut state.canary {
                        touched.extend(canary.remove(&user));
                    }
                    state.cards.remove(&user);
                    state.embedded.remove(&user);
                    touched.insert(user);
                }
                Update::Present { row, excluded, context } => {
                    let person = attendee(&row, &embedded[&row.id], context);
                    let new_card = card(&row);
                    if state.cards.get(&row.id).is_some_and(|c| *c != new_card) {
                        // A new name or headline shows in other people's lists as they are.
                        touched.extend(lists_showing(&state, row.id));
                    }
                    state.cards.insert(row.id, new_card);
                    state.embedded.insert(row.id, Arc::clone(&embedded[&row.id]));
                    if let Some(canary) = &mut state.canary {
                        touched.extend(canary.upsert(row.id, person.clone(), excluded.iter().copied()));
                    }
                    touched.extend(state.pool.upsert(row.id, person, excluded));
                    touched.insert(row.id);
                }
            }
        }
        let mut changed = Vec::new();
        for user in touched {
            let list = if state.pool.contains(&user) { self.render(&state, &user) } else { Vec::new() };
            let old = if list.is_empty() { state.lists.remove(&user) } else { state.lists.insert(user, list.clone()) };
            if old.as_ref() != Some(&list) && !(old.is_none() && list.is_empty()) {
                changed.push((user, list));
            }
        }
        Ok((state, changed))
    }

    /// `user`'s list with reasons, from their arm's pool.
    fn render(&self, state: &EventState, user: &Uuid) -> Vec<Suggestion> {
        let pool = match &state.canary {
            Some(canary) if state.scoring.served.of(*user).1 == Some(Variant::Canary) => canary,
            _ => &state.pool,
        };
        let (Some(picks), Some(me)) = (pool.list(user), pool.attendee(user)) else { return Vec::new() };
        let profiles = &state.embedded;
        let mine = profiles.get(user);
        picks
            .into_iter()
            .filter_map(|(other, score)| {
                let them = pool.attendee(&other)?;
                let theirs = profiles.get(&other);
                let vector = |phrase: &str| {
                    mine.and_then(|e| e.phrases.get(phrase)).or_else(|| theirs.and_then(|e| e.phrases.get(phrase)))
                };
                let similarity = |s: &str, o: &str| match (vector(s), vector(o)) {
                    (Some(x), Some(y)) => matcher::dot(x, y),
                    _ => 0.0,
                };
                Some(Suggestion {
                    user: state.cards.get(&other)?.clone(),
                    score: (score * 1000.0).round() / 1000.0,
                    reasons: matcher::score::reasons(me, them, &similarity),
                })
            })
            .collect()
    }

    /// Everyone's vectors, embedding in one batched pass the texts the process's embedding
    /// cache does not hold yet.
    fn embed(&self, people: &[&UserRow], waited_for: bool) -> Result<HashMap<Uuid, Arc<Embedded>>, SuggestError> {
        // Per person: seeking, offering, about, then each phrase.
        let mut texts: Vec<String> = Vec::new();
        let mut spans = Vec::with_capacity(people.len());
        for person in people {
            let (seeking, offering) = (parse_list(&person.seeking), parse_list(&person.offering));
            let about = format!("{}. Interests: {}", person.headline, parse_list(&person.interests).join(", "));
            let mut phrases: Vec<String> = seeking.iter().chain(&offering).cloned().collect();
            phrases.sort_unstable();
            phrases.dedup();
            let start = texts.len();
            texts.extend([seeking.join("; "), offering.join("; "), about]);
            texts.extend(phrases.iter().cloned());
            spans.push((start, seeking.is_empty(), offering.is_empty(), phrases));
        }
        if people.is_empty() {
            return Ok(HashMap::new());
        }
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        // What someone waits for, and a few people (a check-in, a profile edit, pushed within
        // moments), go first; a whole event's build nobody waits for yet is background work that
        // gives the model way to requests between turns.
        let priority = if waited_for || people.len() <= 4 { Priority::Request } else { Priority::Background };
        let vectors = crate::model::embed(&*self.model, &refs, priority)?;
        let mut out = HashMap::with_capacity(people.len());
        for (person, (start, no_seek, no_offer, phrases)) in people.iter().zip(spans) {
            let zero_if = |v: &Vector, empty: bool| if empty { vec![0.0; v.len()] } else { v.to_vec() };
            let embedded = Arc::new(Embedded {
                seek: zero_if(&vectors[start], no_seek),
                offer: zero_if(&vectors[start + 1], no_offer),
                about: vectors[start + 2].to_vec(),
                phrases: phrases.into_iter().zip(vectors[start + 3..].iter().cloned()).collect(),
            });
            out.insert(person.id, embedded);
        }
        Ok(out)
    }
}

/// Everyone whose current list shows `user`.
fn lists_showing(state: &EventState, user: Uuid) -> Vec<Uuid> {
    state.lists.iter().filter(|(_, l)| l.iter().any(|s| s.user.id == user)).map(|(u, _)| *u).collect()
}

fn card(row: &UserRow) -> SuggestedUser {
    SuggestedUser { id: row.id, display_name: row.display_name.clone(), headline: row.headline.clone() }
}

/// The matcher's view of a person.
fn attendee(row: &UserRow, embedded: &Embedded, context: Vec<String>) -> Attendee {
    Attendee {
        seek: embedded.seek.clone(),
        offer: embedded.offer.clone(),
        about: embedded.about.clone(),
        tags: parse_list(&row.interests),
        context,
        seeking: parse_list(&row.seeking),
        offering: parse_list(&row.offering),
    }
}

/// Counts a job in `matcher_jobs_running` from its start until it ends, however it ends, so
/// that "idle" can be told from "busy with a long build".
struct Running;

impl Running {
    fn start() -> Self {
        metrics::gauge!("matcher_jobs_running").increment(1.0);
        Self
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        metrics::gauge!("matcher_jobs_running").decrement(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    fn slot_ending(pools: &Pools, id: u128, ends_at: i64) {
        pools.slot(Uuid::from_u128(id)).ends_at.store(ends_at, Ordering::Relaxed);
    }

    #[test]
    fn jobs_merge_idempotently_and_a_real_job_outweighs_an_if_missing_one() {
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut job = Job::people([a]);
        job.merge(Job::people([a]));
        assert_eq!(job, Job::people([a]));
        job.merge(Job::people([b]));
        assert_eq!(job.users.len(), 2);
        let mut asked = Job::full_now();
        asked.merge(Job::full_now());
        assert!(asked.if_missing && asked.waited_for && asked.full);
        asked.merge(Job::people([a]));
        assert!(!asked.if_missing && asked.waited_for && asked.full && asked.users.is_empty());
        let mut changed = Job::full();
        changed.merge(Job::full_now());
        assert!(!changed.if_missing && changed.waited_for);
    }

    #[test]
    fn an_ended_event_stays_for_the_grace_period_then_is_dropped() {
        let pools = Pools::default();
        let now = 1_000 * HOUR;
        slot_ending(&pools, 1, now - 7 * HOUR);
        slot_ending(&pools, 2, now - HOUR);
        slot_ending(&pools, 3, now + HOUR);
        // Not read from storage yet: its end is unknown, so it stays.
        pools.slot(Uuid::from_u128(4));
        assert_eq!(pools.evict_ended(now), 1);
        assert!(pools.get(&Uuid::from_u128(1)).is_none());
        assert!((2..=4).all(|id| pools.get(&Uuid::from_u128(id)).is_some()));
        assert_eq!(pools.evict_ended(now + 6 * HOUR), 1, "the one that ended an hour before");
        assert_eq!(pools.evict_ended(now + 8 * HOUR), 1, "the one running then");
        assert_eq!(pools.len(), 1);
    }

    #[test]
    fn memory_does_not_grow_with_every_event_ever_run() {
        let pools = Pools::default();
        // A year of hourly two-hour events, each swept as the next one is first asked for.
        for hour in 0..24 * 365 {
            let now = hour * HOUR;
            pools.evict_ended(now);
            slot_ending(&pools, hour as u128, now + 2 * HOUR);
            assert!(pools.len() <= 9, "{} pools at hour {hour}", pools.len());
        }
    }

    #[test]
    fn a_job_holding_an_evicted_event_finishes_on_its_own_copy() {
        let pools = Pools::default();
        slot_ending(&pools, 1, HOUR);
        let held = pools.get(&Uuid::from_u128(1));
        assert_eq!(pools.evict_ended(10 * HOUR), 1);
        assert!(held.is_some_and(|slot| slot.state.try_lock().is_ok()));
        let fresh = pools.slot(Uuid::from_u128(1));
        assert_eq!(fresh.ends_at.load(Ordering::Relaxed), 0, "asked again, it starts from storage");
    }
}
