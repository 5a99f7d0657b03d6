//! "Events for you": upcoming events ranked for one user, each with the reasons that put it
//! there. Hybrid and explainable: every signal is one a person can read back.
//!
//! Score of an upcoming event for a user, in [0, 1], a weighted sum of:
//! - collaborative (0.20, once a model is in service): the event's rank among the candidates
//!   by `matcher::recommend`'s model of which events go together, trained on RSVPs and
//!   check-ins ([`Recommender::retrain`], in the background every [`RETRAIN_EVERY`]; each model
//!   gets a version and replaces the last in one swap, and serving never waits for training);
//! - content (0.45, or 0.25 next to the collaborative model): cosine of the user's taste vector and the event's text vector (title,
//!   description, tags). The taste vector is their profile (headline, interests, what they seek)
//!   blended with the events they attended, so it works from the first minute (a new user's
//!   onboarding interests, a new event's text) and sharpens as they go to things;
//! - interests (0.15): the share of the event's tags the user follows;
//! - people met (0.15): `1 - 2^-k` for k people they have met who are going;
//! - their crowd (0.10): `1 - 2^-(k/2)` for k people they were at an event with who are going,
//!   a neighbourhood form of collaborative filtering over check-ins;
//! - nearby (0.10): `exp(-d / 25 km)` when the request says where they are;
//! - habit (0.05): how many of their past events fell in the same part of the week (weekday or
//!   weekend; morning, afternoon or evening);
//! - their segment (0.10, for newcomers with fewer than 3 events behind them): `1 - 2^-(k/3)`
//!   for k people of the segment nearest their profile going, segments being k-means over the
//!   profiles of everyone the collaborative model learned from, made at each training.
//!
//! Never recommended: events that started, private ones, full ones, the user's own, and any
//! they have an RSVP for. Text vectors are cached per version of the event or profile; the model
//! and the arithmetic run on a blocking thread.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use chrono::{Datelike, Timelike};
use matcher::Embedder;
use tch::Device;
use uuid::Uuid;

use protocol::recommendations::AudienceSegment;

use crate::model::{lock, Model};
use crate::store::{parse_list, EventRow, Store, UserRow};

/// Upcoming events considered per request, soonest first.
const CANDIDATES: i64 = 2_000;
/// Attended events that shape the taste vector.
const HISTORY: i64 = 50;

const W_CONTENT: f32 = 0.45;
/// With a collaborative model in service, it takes this much of the content weight.
const W_COLLABORATIVE: f32 = 0.20;
/// Interactions (RSVPs going, check-ins) the collaborative model learns from, newest first.
const INTERACTIONS_LEARNED: i64 = 500_000;
/// Texts embedded per turn with the model while training.
const EMBED_TURN: usize = 128;
/// Fewer interactions than this and there is nothing worth learning: content alone.
const MIN_INTERACTIONS: usize = 50;
/// How often the collaborative model is trained again.
pub const RETRAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(1800);
const W_INTERESTS: f32 = 0.15;
const W_MET: f32 = 0.15;
const W_CROWD: f32 = 0.10;
const W_NEARBY: f32 = 0.10;
const W_HABIT: f32 = 0.05;
/// For a user with fewer than [`NEWCOMER`] events behind them: how many people of their
/// segment (k-means over the profiles the model learned from) are going.
const W_SEGMENT: f32 = 0.10;
const NEWCOMER: usize = 3;

/// One ranked event: its row, score and reasons.
#[derive(Debug)]
pub struct Ranked {
    pub event: EventRow,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// What the ranking needs, read from storage by the caller.
#[derive(Debug)]
pub struct Inputs {
    pub user: UserRow,
    pub candidates: Vec<EventRow>,
    pub attended: Vec<EventRow>,
    /// Per event: people met going, people from shared events going.
    pub circle: HashMap<Uuid, (i64, i64)>,
    pub near: Option<(f64, f64)>,
}

/// A text's vector, valid while its source is unchanged.
struct Cached {
    version: i64,
    vector: Vec<f32>,
}

pub struct Recommender {
    model: Arc<Model>,
    events: Mutex<HashMap<Uuid, Cached>>,
    profiles: Mutex<HashMap<Uuid, Profile>>,
    /// The collaborative model in service, if any; replaced whole by each training.
    collaborative: RwLock<Option<Arc<Collaborative>>>,
    versions: AtomicU64,
    /// Held while a model trains: one training at a time, on schedule or on demand.
    training: Arc<tokio::sync::Mutex<()>>,
}

/// A trained collaborative model and the catalog (events) it knows.
pub struct Collaborative {
    pub version: u64,
    pub interactions: usize,
    pub trained_at: chrono::DateTime<chrono::Utc>,
    catalog: HashMap<Uuid, usize>,
    segments: Segments,
    /// Tensors may move between threads but not be shared: one scoring at a time (a `[1, n]`
    /// product, so the wait is short).
    model: Mutex<matcher::recommend::EventModel>,
}

impl Collaborative {
    /// The number of events the model knows by their RSVPs (and upcoming ones by their text).
    pub fn events(&self) -> usize {
        self.catalog.len()
    }
}

/// The people the model learned from in segments of similar profiles, and where each segment's
/// members are going: for a newcomer, "people like you" read off their profile alone.
struct Segments {
    /// `[k][384]` centres.
    centroids: Vec<Vec<f32>>,
    /// Per segment, members going to (or who went to) each event.
    going: Vec<HashMap<Uuid, usize>>,
}

impl Segments {
    /// k-means (k growing with the square root of the number of people, 2 to 24) over
    /// `profiles` (`[users, 384]`), with each user's `histories` (indices into `events`).
    fn learn(profiles: &tch::Tensor, histories: &[Vec<usize>], events: &[EventRow]) -> anyhow::Result<Self> {
        let k = ((histories.len() as f64 / 20.0).sqrt().round() as usize).clamp(2, 24);
        let clusters = matcher::recommend::kmeans(profiles, k, 25, 7)?;
        let centroids = Vec::<Vec<f32>>::try_from(&clusters.centroids)?;
        let mut going = vec![HashMap::new(); centroids.len()];
        for (history, &segment) in histories.iter().zip(&clusters.assignments) {
            for &e in history {
                *going[segment].entry(events[e].id).or_insert(0) += 1;
            }
        }
        Ok(Self { centroids, going })
    }

    /// Where the members of the segment nearest to `profile` are going.
    fn nearest(&self, profile: &[f32]) -> Option<&HashMap<Uuid, usize>> {
        let distance = |c: &Vec<f32>| c.iter().zip(profile).map(|(a, b)| (a - b) * (a - b)).sum::<f32>();
        let (segment, _) = self.centroids.iter().enumerate().min_by(|a, b| distance(a.1).total_cmp(&distance(b.1)))?;
        self.going.get(segment)
    }
}

/// A user's profile vector, and each interest or seeking phrase with its vector.
#[derive(Clone)]
struct Profile {
    version: i64,
    vector: Vec<f32>,
    phrases: Vec<(String, Vec<f32>)>,
}

/// What content scoring compares: the user's taste and phrases, each candidate's vector, and
/// the attended events' titles with vectors.
struct Vectors {
    /// The profile alone, and the taste (profile pulled toward attended events).
    profile: Vec<f32>,
    taste: Vec<f32>,
    phrases: Vec<(String, Vec<f32>)>,
    events: HashMap<Uuid, Vec<f32>>,
    history: Vec<(String, Vec<f32>)>,
}

impl std::fmt::Debug for Recommender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recommender").finish_non_exhaustive()
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let norm = dot(&v, &v).sqrt();
    if norm > 1e-9 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Part of the week an instant falls in: weekday or weekend, morning, afternoon or evening.
fn week_part(at_ms: i64) -> (bool, u8) {
    let at = chrono::DateTime::from_timestamp_millis(at_ms).unwrap_or_default();
    let weekend = at.weekday().num_days_from_monday() >= 5;
    let part = match at.hour() {
        0..=11 => 0,
        12..=17 => 1,
        _ => 2,
    };
    (weekend, part)
}

fn week_part_words((weekend, part): (bool, u8)) -> String {
    let day = if weekend { "weekend" } else { "weekday" };
    let time = ["morning", "afternoon", "evening"][usize::from(part.min(2))];
    format!("{day} {time}")
}

impl Recommender {
    pub fn new(model: Arc<Model>) -> Arc<Self> {
        Arc::new(Self {
            model,
            events: Mutex::new(HashMap::new()),
            profiles: Mutex::new(HashMap::new()),
            collaborative: RwLock::new(None),
            versions: AtomicU64::new(0),
            training: Arc::new(tokio::sync::Mutex::new(())),
        })
    }

    /// Reads what the ranking needs for `user` from `store`.
    pub async fn inputs(store: &Store, user: UserRow, near: Option<(f64, f64)>) -> crate::store::StoreResult<Inputs> {
        let candidates = store.recommendation_candidates(user.id, CANDIDATES).await?;
        let attended = store.attended_events(user.id, HISTORY).await?;
        let circle = store.circle_going(user.id).await?.into_iter().map(|(e, met, crowd)| (e, (met, crowd))).collect();
        Ok(Inputs { user, candidates, attended, circle, near })
    }

    /// The best `limit` events with reasons. Blocking: embeds what is not cached.
    pub fn rank(&self, inputs: Inputs, limit: usize) -> Vec<Ranked> {
        let Inputs { user, candidates, attended, circle, near } = inputs;
        let vectors = match self.model.embedder() {
            Ok(embedder) => {
                let embedder = lock(&embedder);
                self.vectors(&embedder, &user, &candidates, &attended).map_err(|e| e.to_string())
            }
            Err(e) => Err(e.0),
        };
        let vectors = vectors.inspect_err(|why| tracing::warn!(%why, "recommending without text signals")).ok();
        // One model for the whole ranking, even if a training swaps in a new one meanwhile.
        let model = self.collaborative();
        let collaborative = model.as_deref().and_then(|model| {
            Self::collaborative_ranks(
                model,
                &candidates,
                &attended,
                vectors.as_ref().map(|v| &v.profile[..]),
                vectors.as_ref().map(|v| &v.events),
            )
        });
        let w_content = if collaborative.is_some() { W_CONTENT - W_COLLABORATIVE } else { W_CONTENT };
        let segment = match (&model, &vectors) {
            (Some(model), Some(vectors)) if attended.len() < NEWCOMER => model.segments.nearest(&vectors.profile),
            _ => None,
        };
        let interests: Vec<String> = parse_list(&user.interests);
        let habits: HashMap<(bool, u8), usize> = attended.iter().fold(HashMap::new(), |mut m, e| {
            *m.entry(week_part(e.starts_at)).or_default() += 1;
            m
        });
        let mut ranked: Vec<Ranked> = candidates
            .into_iter()
            .map(|event| {
                let mut parts: Vec<(f32, Option<String>)> = Vec::new();
                let tags: Vec<String> = parse_list(&event.tags);
                let shared: Vec<&String> = tags.iter().filter(|t| interests.contains(t)).collect();
                if let Some(Vectors { taste, phrases, events, history, .. }) = &vectors {
                    if let Some(vector) = events.get(&event.id) {
                        let content = dot(taste, vector).max(0.0);
                        // The phrase of their profile this event fits best, unless it is a tag
                        // the interests reason below already names.
                        let best_phrase = phrases
                            .iter()
                            .filter(|(p, _)| !shared.contains(&p))
                            .map(|(p, v)| (dot(v, vector), p))
                            .max_by(|a, b| a.0.total_cmp(&b.0));
                        let best_past =
                            history.iter().map(|(title, v)| (dot(v, vector), title)).max_by(|a, b| a.0.total_cmp(&b.0));
                        // A past event must be a much closer match than a phrase to be the
                        // reason: phrases are short, so their cosines run lower.
                        let phrase = best_phrase.filter(|(s, _)| *s >= 0.35);
                        let past = best_past.filter(|(s, _)| *s >= 0.6 && phrase.is_none_or(|(p, _)| *s - 0.25 > p));
                        let reason = match (past, phrase) {
                            (Some((_, title)), _) => Some(format!("Like \"{title}\", which you went to")),
                            (None, Some((_, phrase))) => Some(format!("Fits \"{phrase}\" from your profile")),
                            (None, None) => None,
                        };
                        parts.push((w_content * content, reason));
                    }
                }
                if !shared.is_empty() {
                    let share = shared.len() as f32 / tags.len().max(1) as f32;
                    let names: Vec<&str> = shared.iter().take(2).map(|s| s.as_str()).collect();
                    parts
                        .push((W_INTERESTS * share, Some(format!("Matches your interest in {}", names.join(" and ")))));
                }
                if let Some(ranks) = &collaborative {
                    // Without a text vector an event newer than the model has no rank: neutral.
                    let rank = ranks.get(&event.id).copied().unwrap_or(0.5);
                    let words = (rank >= 0.8).then(|| {
                        if attended.is_empty() {
                            "Often chosen by people like you"
                        } else {
                            "Popular with people who go where you go"
                        }
                        .to_owned()
                    });
                    parts.push((W_COLLABORATIVE * rank, words));
                }
                if let Some(&n) = segment.and_then(|going| going.get(&event.id)) {
                    let words = (n >= 3).then(|| format!("{n} people with interests like yours are going"));
                    parts.push((W_SEGMENT * (1.0 - 0.5f32.powf(n as f32 / 3.0)), words));
                }
                let (met, crowd) = circle.get(&event.id).copied().unwrap_or((0, 0));
                if met > 0 {
                    let words = if met == 1 {
                        "Someone you met is going".to_owned()
                    } else {
                        format!("{met} people you met are going")
                    };
                    parts.push((W_MET * (1.0 - 0.5f32.powi(met as i32)), Some(words)));
                }
                if crowd > 0 {
                    let words = if crowd == 1 {
                        "Someone you were at an event with is going".to_owned()
                    } else {
                        format!("{crowd} people you were at events with are going")
                    };
                    parts.push((W_CROWD * (1.0 - 0.5f32.powf(crowd as f32 / 2.0)), Some(words)));
                }
                if let (Some((lat, lon)), Some(elat), Some(elon)) = (near, event.lat, event.lon) {
                    let km = crate::render::haversine_km(lat, lon, elat, elon);
                    let words = (km <= 25.0).then(|| format!("{:.1} km from you", km));
                    parts.push((W_NEARBY * (-km / 25.0).exp() as f32, words));
                }
                let part = week_part(event.starts_at);
                if let Some(&n) = habits.get(&part) {
                    let share = n as f32 / attended.len().max(1) as f32;
                    let words = (share >= 0.5 && attended.len() >= 2)
                        .then(|| format!("On a {}, when you usually go", week_part_words(part)));
                    parts.push((W_HABIT * share, words));
                }
                let score: f32 = parts.iter().map(|p| p.0).sum();
                parts.sort_by(|a, b| b.0.total_cmp(&a.0));
                let mut reasons: Vec<String> = parts.into_iter().filter_map(|p| p.1).take(3).collect();
                if let Some(left) = event.capacity.map(|c| c - event.going_count).filter(|&l| l <= 5) {
                    reasons.push(if left == 1 {
                        "Only 1 seat left".to_owned()
                    } else {
                        format!("Only {left} seats left")
                    });
                }
                if reasons.is_empty() {
                    reasons.push(match event.going_count {
                        0 => "New, be among the first".to_owned(),
                        1 => "1 person going".to_owned(),
                        n => format!("{n} people going"),
                    });
                }
                Ranked { event, score: (score * 1000.0).round() / 1000.0, reasons }
            })
            .collect();
        ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.event.starts_at.cmp(&b.event.starts_at)));
        ranked.truncate(limit);
        ranked
    }

    /// The collaborative model in service, if any.
    pub fn collaborative(&self) -> Option<Arc<Collaborative>> {
        self.collaborative.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Each candidate's rank by `model`, as a share in [0, 1] (1 = its best candidate), from the
    /// user's attended events and profile; `None` if the scores cannot be read. Events created
    /// since the model was trained are ranked from their text (`events`, their vectors), as the
    /// model ranks any event nobody has gone to yet.
    fn collaborative_ranks(
        model: &Collaborative,
        candidates: &[EventRow],
        attended: &[EventRow],
        profile: Option<&[f32]>,
        events: Option<&HashMap<Uuid, Vec<f32>>>,
    ) -> Option<HashMap<Uuid, f32>> {
        // Attended events come most recent first; the model reads a history oldest first.
        let history: Vec<usize> = attended.iter().rev().filter_map(|e| model.catalog.get(&e.id).copied()).collect();
        let profile = profile.map(|p| tch::Tensor::from_slice(p).view([1, -1]));
        let newer: Vec<(Uuid, &Vec<f32>)> = candidates
            .iter()
            .filter(|e| !model.catalog.contains_key(&e.id))
            .filter_map(|e| Some((e.id, events?.get(&e.id)?)))
            .collect();
        let (scores, newer_scores) = {
            let model = lock(&model.model);
            let scores = model.scores(std::slice::from_ref(&history), profile.as_ref()).view([-1]);
            let newer_scores = (!newer.is_empty()).then(|| {
                let flat: Vec<f32> = newer.iter().flat_map(|(_, v)| v.iter().copied()).collect();
                let text = tch::Tensor::from_slice(&flat).view([newer.len() as i64, -1]);
                model.text_scores(&[history], profile.as_ref(), &text).view([-1])
            });
            (scores, newer_scores)
        };
        let scores = Vec::<f32>::try_from(&scores).ok()?;
        let newer_scores = match newer_scores {
            Some(t) => Vec::<f32>::try_from(&t).ok()?,
            None => Vec::new(),
        };
        let mut known: Vec<(Uuid, f32)> =
            candidates.iter().filter_map(|e| Some((e.id, *scores.get(*model.catalog.get(&e.id)?)?))).collect();
        known.extend(newer.iter().map(|(id, _)| *id).zip(newer_scores));
        known.sort_by(|a, b| b.1.total_cmp(&a.1));
        let n = known.len().max(1) as f32;
        Some(known.into_iter().enumerate().map(|(i, (id, _))| (id, 1.0 - i as f32 / n)).collect())
    }

    /// Whether a model is training now.
    pub fn is_training(&self) -> bool {
        self.training.try_lock().is_err()
    }

    /// Starts training a new model in the background unless one is training already; answers
    /// whether it started. For retraining on demand (`POST /ops/recommendations/retrain`,
    /// SIGHUP).
    pub fn retrain_soon(self: &Arc<Self>, store: Store) -> bool {
        let Ok(guard) = Arc::clone(&self.training).try_lock_owned() else { return false };
        let this = Arc::clone(self);
        tokio::spawn(async move {
            match this.train_and_swap(&store).await {
                Ok(Some(version)) => tracing::info!(version, "recommendation model retrained on demand"),
                Ok(None) => tracing::info!("too few RSVPs and check-ins to train a recommendation model"),
                Err(e) => tracing::warn!(error = %e, "training the event recommendation model failed"),
            }
            drop(guard);
        });
        true
    }

    /// Trains the collaborative model on the newest RSVPs and check-ins and puts it in service,
    /// replacing the last one at once; answers its version, or `None` when there is too little
    /// to learn from. Requests keep using the previous model while this runs; a training already
    /// under way is waited for first.
    pub async fn retrain(self: &Arc<Self>, store: &Store) -> anyhow::Result<Option<u64>> {
        let _training = self.training.lock().await;
        self.train_and_swap(store).await
    }

    async fn train_and_swap(self: &Arc<Self>, store: &Store) -> anyhow::Result<Option<u64>> {
        let interactions = store.interactions(INTERACTIONS_LEARNED).await?;
        if interactions.len() < MIN_INTERACTIONS {
            return Ok(None);
        }
        let mut event_ids: Vec<Uuid> = interactions.iter().map(|(_, e)| *e).collect();
        let upcoming = store.recommendation_candidates(Uuid::nil(), CANDIDATES).await?;
        event_ids.extend(upcoming.iter().map(|e| e.id));
        event_ids.sort_unstable();
        event_ids.dedup();
        let mut user_ids: Vec<Uuid> = interactions.iter().map(|(u, _)| *u).collect();
        user_ids.sort_unstable();
        user_ids.dedup();
        let events = store.events_by_ids(&event_ids).await?;
        let users = store.users_by_ids(&user_ids).await?;
        let this = Arc::clone(self);
        let clock = std::time::Instant::now();
        let count = interactions.len();
        let trained = tokio::task::spawn_blocking(move || -> anyhow::Result<Collaborative> {
            // Embedding thousands of profiles takes a while on a CPU: the model is taken in short
            // turns, so requests that need it are not held up behind training.
            let embedder = this.model.embedder().map_err(|e| anyhow::anyhow!(e.0))?;
            for chunk in events.chunks(EMBED_TURN) {
                this.embed_events(&lock(&embedder), &chunk.iter().collect::<Vec<_>>())?;
            }
            let mut profiles = Vec::with_capacity(users.len());
            for chunk in users.chunks(EMBED_TURN) {
                let chunk = this.profiles(&lock(&embedder), &chunk.iter().collect::<Vec<_>>())?;
                profiles.extend(chunk.into_iter().map(|p| p.vector));
            }
            let item_text: Vec<Vec<f32>> = {
                let cache = lock(&this.events);
                events
                    .iter()
                    .map(|e| cache.get(&e.id).map_or_else(|| vec![0.0; matcher::EMBEDDING_DIM], |c| c.vector.clone()))
                    .collect()
            };
            let catalog: HashMap<Uuid, usize> = events.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
            let people: HashMap<Uuid, usize> = users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
            let mut histories = vec![Vec::new(); users.len()];
            for (user, event) in &interactions {
                if let (Some(&u), Some(&e)) = (people.get(user), catalog.get(event)) {
                    histories[u].push(e);
                }
            }
            // The model reads a history oldest first: by when the events took place, as the
            // attended events are read when serving.
            for history in &mut histories {
                history.sort_by_key(|&e| (events[e].starts_at, e));
            }
            let matrix = |rows: Vec<Vec<f32>>| {
                let n = rows.len() as i64;
                tch::Tensor::from_slice(&rows.concat()).view([n, matcher::EMBEDDING_DIM as i64])
            };
            let item_text = matrix(item_text);
            let profiles = matrix(profiles);
            let data =
                matcher::recommend::TrainingData { histories: &histories, item_text: &item_text, profiles: &profiles };
            let model = matcher::recommend::train(&data, &matcher::recommend::TrainConfig::default())?;
            let segments = Segments::learn(&profiles, &histories, &events)?;
            let version = this.versions.fetch_add(1, Ordering::Relaxed) + 1;
            let trained_at = chrono::Utc::now();
            Ok(Collaborative { version, interactions: count, trained_at, catalog, segments, model: Mutex::new(model) })
        })
        .await??;
        let version = trained.version;
        tracing::info!(
            version,
            interactions = count,
            events = trained.catalog.len(),
            seconds = clock.elapsed().as_secs_f64(),
            "event recommendation model trained"
        );
        *self.collaborative.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(trained));
        Ok(Some(version))
    }

    /// Trains every [`RETRAIN_EVERY`] in the background, for as long as the recommender lives.
    pub fn keep_learning(self: &Arc<Self>, store: Store) {
        let recommender = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(RETRAIN_EVERY);
            loop {
                tick.tick().await;
                let Some(recommender) = recommender.upgrade() else { return };
                if let Err(e) = recommender.retrain(&store).await {
                    tracing::warn!(error = %e, "training the event recommendation model failed");
                }
            }
        });
    }

    /// `audience` in groups of similar profiles (k-means over their profile vectors, k growing
    /// with the square root of the audience, at most 6), each named by its most common
    /// interests, largest first. Blocking.
    pub fn segments(&self, audience: &[UserRow]) -> anyhow::Result<Vec<AudienceSegment>> {
        if audience.is_empty() {
            return Ok(Vec::new());
        }
        let embedder = self.model.embedder().map_err(|e| anyhow::anyhow!(e.0))?;
        let embedder = lock(&embedder);
        let rows: Vec<Vec<f32>> =
            self.profiles(&embedder, &audience.iter().collect::<Vec<_>>())?.into_iter().map(|p| p.vector).collect();
        let k = ((audience.len() as f64 / 2.0).sqrt().round() as usize).clamp(1, 6);
        let flat: Vec<f32> = rows.concat();
        let points = tch::Tensor::from_slice(&flat).view([audience.len() as i64, -1]);
        // k-means finds a local optimum; the best of a few seedings (least squared distance to
        // the centres) is far more stable than any one.
        let inertia = |c: &matcher::recommend::Segments| {
            let assigned: Vec<i64> = c.assignments.iter().map(|&a| a as i64).collect();
            let centres = c.centroids.index_select(0, &tch::Tensor::from_slice(&assigned));
            (&points - centres).pow_tensor_scalar(2).sum(tch::Kind::Float).double_value(&[])
        };
        let clusters = (0..8u64)
            .map(|seed| matcher::recommend::kmeans(&points, k, 25, seed))
            .collect::<anyhow::Result<Vec<_>>>()?
            .into_iter()
            .min_by(|a, b| inertia(a).total_cmp(&inertia(b)))
            .ok_or_else(|| anyhow::anyhow!("no clustering"))?;
        let mut groups: Vec<Vec<&UserRow>> = vec![Vec::new(); k];
        for (user, &cluster) in audience.iter().zip(&clusters.assignments) {
            if let Some(group) = groups.get_mut(cluster) {
                group.push(user);
            }
        }
        let mut segments: Vec<AudienceSegment> = groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|group| {
                let mut counts: HashMap<String, usize> = HashMap::new();
                for user in &group {
                    for interest in parse_list(&user.interests) {
                        *counts.entry(interest).or_default() += 1;
                    }
                }
                let mut top: Vec<(String, usize)> = counts.into_iter().collect();
                top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let top_interests: Vec<String> = top.into_iter().take(3).map(|(t, _)| t).collect();
                let label = match top_interests.as_slice() {
                    [] => "No stated interests".to_owned(),
                    [one] => one.clone(),
                    [one, two, ..] => format!("{one} & {two}"),
                };
                AudienceSegment {
                    label,
                    size: group.len() as i64,
                    share: ((group.len() as f32 / audience.len() as f32) * 1000.0).round() / 1000.0,
                    top_interests,
                }
            })
            .collect();
        segments.sort_by(|a, b| b.size.cmp(&a.size).then(a.label.cmp(&b.label)));
        Ok(segments)
    }

    /// Embeds every upcoming public event not cached yet, so the first request does not wait for
    /// the catalogue. Runs in the background at start-up.
    pub fn warm_up(self: &Arc<Self>, store: Store) {
        let this = Arc::clone(self);
        tokio::spawn(async move {
            let events = match store.recommendation_candidates(Uuid::nil(), CANDIDATES).await {
                Ok(events) => events,
                Err(e) => return tracing::warn!(error = %e, "warming up recommendations failed"),
            };
            if events.is_empty() {
                return;
            }
            let done = tokio::task::spawn_blocking(move || -> anyhow::Result<usize> {
                let embedder = this.model.embedder().map_err(|e| anyhow::anyhow!(e.0))?;
                let embedder = lock(&embedder);
                this.embed_events(&embedder, &events.iter().collect::<Vec<_>>())
            })
            .await;
            match done {
                Ok(Ok(n)) => tracing::info!(events = n, "recommendations warmed up"),
                Ok(Err(e)) => tracing::warn!(error = %e, "warming up recommendations failed"),
                Err(e) => tracing::warn!(error = %e, "warming up recommendations failed"),
            }
        });
    }

    /// Embeds the events among `events` whose vector is missing or stale; answers how many.
    fn embed_events(&self, embedder: &Embedder, events: &[&EventRow]) -> anyhow::Result<usize> {
        let text = |e: &EventRow| format!("{}. {} Tags: {}", e.title, e.description, parse_list(&e.tags).join(", "));
        let missing: Vec<&EventRow> = {
            let cache = lock(&self.events);
            events.iter().copied().filter(|e| cache.get(&e.id).is_none_or(|c| c.version != e.updated_at)).collect()
        };
        if missing.is_empty() {
            return Ok(0);
        }
        let texts: Vec<String> = missing.iter().map(|e| text(e)).collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let vectors = Vec::<Vec<f32>>::try_from(&embedder.embed_many(&refs, 32)?.to_device(Device::Cpu))?;
        let mut cache = lock(&self.events);
        for (e, vector) in missing.iter().zip(vectors) {
            cache.insert(e.id, Cached { version: e.updated_at, vector });
        }
        Ok(missing.len())
    }

    /// `user`'s profile vector and phrases, embedded unless cached for this version.
    fn profile(&self, embedder: &Embedder, user: &UserRow) -> anyhow::Result<Profile> {
        let mut profiles = self.profiles(embedder, &[user])?;
        profiles.pop().ok_or_else(|| anyhow::anyhow!("no profile vector"))
    }

    /// The profiles of `users`, in order, embedding the ones not cached in one batched pass.
    fn profiles(&self, embedder: &Embedder, users: &[&UserRow]) -> anyhow::Result<Vec<Profile>> {
        let missing: Vec<&UserRow> = {
            let cache = lock(&self.profiles);
            users.iter().copied().filter(|u| cache.get(&u.id).is_none_or(|c| c.version != u.updated_at)).collect()
        };
        // Per user: the about text, then each interest and seeking phrase.
        let mut texts: Vec<String> = Vec::new();
        let mut spans = Vec::with_capacity(missing.len());
        for user in &missing {
            let interests = parse_list(&user.interests);
            let seeking = parse_list(&user.seeking);
            let mut words: Vec<String> = interests.iter().chain(&seeking).cloned().collect();
            words.dedup();
            spans.push((texts.len(), words.clone()));
            texts.push(format!(
                "{}. Interests: {}. Looking for: {}",
                user.headline,
                interests.join(", "),
                seeking.join("; ")
            ));
            texts.extend(words);
        }
        if !missing.is_empty() {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let vectors = Vec::<Vec<f32>>::try_from(&embedder.embed_many(&refs, 64)?.to_device(Device::Cpu))?;
            let mut cache = lock(&self.profiles);
            for (user, (start, words)) in missing.iter().zip(spans) {
                let phrases = words.into_iter().zip(vectors[start + 1..].iter().cloned()).collect();
                cache.insert(user.id, Profile { version: user.updated_at, vector: vectors[start].clone(), phrases });
            }
        }
        let cache = lock(&self.profiles);
        users.iter().map(|u| cache.get(&u.id).cloned().ok_or_else(|| anyhow::anyhow!("no profile vector"))).collect()
    }

    /// The user's taste vector and phrases, every candidate's vector, and the attended events'
    /// titles with vectors; embeds only what changed since last time.
    fn vectors(
        &self,
        embedder: &Embedder,
        user: &UserRow,
        candidates: &[EventRow],
        attended: &[EventRow],
    ) -> anyhow::Result<Vectors> {
        self.embed_events(embedder, &candidates.iter().chain(attended).collect::<Vec<_>>())?;
        let Profile { vector: profile, phrases, .. } = self.profile(embedder, user)?;
        let cache = lock(&self.events);
        let history: Vec<(String, Vec<f32>)> =
            attended.iter().filter_map(|e| Some((e.title.clone(), cache.get(&e.id)?.vector.clone()))).collect();
        // Taste: the profile, pulled toward what they actually went to as history accumulates.
        let mut taste = profile.clone();
        if !history.is_empty() {
            let pull = (history.len() as f32 / (history.len() as f32 + 3.0)).min(0.6);
            let mut mean = vec![0.0f32; taste.len()];
            for (_, v) in &history {
                mean.iter_mut().zip(v).for_each(|(m, x)| *m += x / history.len() as f32);
            }
            let mean = normalize(mean);
            taste = normalize(taste.iter().zip(&mean).map(|(p, m)| (1.0 - pull) * p + pull * m).collect());
        }
        let events = candidates.iter().filter_map(|e| Some((e.id, cache.get(&e.id)?.vector.clone()))).collect();
        Ok(Vectors { profile, taste, phrases, events, history })
    }
}
