//! The texts recommendations embed (an event's title, description and tags; a profile's
//! headline, interests and what they seek, and each of those phrases alone) and the vectors built
//! from them for one ranking: the user's taste, their phrases, every candidate's vector. Vectors
//! come from the process's one embedding cache, by text, so a text unchanged since it was last
//! seen (here or by suggestions) is never embedded again. A ranking never waits for a bulk of
//! texts: it takes the vectors ready, embeds a few missing ones itself, and leaves more to the
//! background (a ranking goes on without their text meanwhile); background embedding (training,
//! warming up) gives the model way to requests between short turns.

use std::collections::HashMap;
use std::sync::Arc;

use matcher::{dot, EngineError, Vector};
use uuid::Uuid;

use super::{Recommender, CANDIDATES};
use crate::model::Priority;
use crate::store::{parse_list, EventRow, Store, UserRow};

/// A user's profile vector, and each interest or seeking phrase with its vector.
pub(super) struct Profile {
    pub vector: Vector,
    pub phrases: Vec<(String, Vector)>,
}

/// An event they went to or are going to, as content scoring names it.
pub(super) struct Attended {
    pub title: String,
    /// Already over (they went), or still to come (they are going).
    pub over: bool,
    pub vector: Vector,
}

/// What content scoring compares: the user's taste and phrases, each candidate's vector, and
/// the attended events' titles with vectors.
pub(super) struct Vectors {
    /// The profile alone, and the taste (profile pulled toward attended events).
    pub profile: Vector,
    pub taste: Vec<f32>,
    pub phrases: Vec<(String, Vector)>,
    pub events: HashMap<Uuid, Vector>,
    pub history: Vec<Attended>,
}

/// The text an event is known by.
fn event_text(e: &EventRow) -> String {
    format!("{}. {} Tags: {}", e.title, e.description, parse_list(&e.tags).join(", "))
}

fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let norm = dot(&v, &v).sqrt();
    if norm > 1e-9 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
    v
}

/// Candidates a ranking embeds itself when their vectors are not ready: a few new events cost a
/// request a fraction of a second on a CPU; more are embedded in the background, and the ranking
/// goes on without their text.
const EMBED_IN_REQUEST: usize = 16;

impl Recommender {
    fn embed(&self, texts: &[String], priority: Priority) -> Result<Vec<Vector>, EngineError> {
        crate::model::embed(&*self.model, &texts.iter().map(String::as_str).collect::<Vec<_>>(), priority)
    }

    /// The text vectors of `events`, in order.
    pub(super) fn event_vectors(&self, events: &[&EventRow], priority: Priority) -> Result<Vec<Vector>, EngineError> {
        let texts: Vec<String> = events.iter().map(|e| event_text(e)).collect();
        self.embed(&texts, priority)
    }

    /// The text vectors of `events` a ranking can have now: those ready, and the rest when there
    /// are only a few; more are embedded in the background for the next request.
    fn event_vectors_now(self: &Arc<Self>, events: &[&EventRow]) -> Result<HashMap<Uuid, Vector>, EngineError> {
        let texts: Vec<String> = events.iter().map(|e| event_text(e)).collect();
        let ready = self.model.ready(&texts.iter().map(String::as_str).collect::<Vec<_>>());
        let missing: Vec<&EventRow> = events.iter().zip(&ready).filter(|(_, v)| v.is_none()).map(|(e, _)| *e).collect();
        let mut vectors: HashMap<Uuid, Vector> =
            events.iter().zip(ready).filter_map(|(e, v)| Some((e.id, v?))).collect();
        if missing.len() <= EMBED_IN_REQUEST {
            vectors.extend(missing.iter().map(|e| e.id).zip(self.event_vectors(&missing, Priority::Request)?));
        } else {
            self.embed_later(missing.into_iter().cloned().collect(), "events a ranking went without");
        }
        Ok(vectors)
    }

    /// Embeds `events` (`what` they are, for the log) in the background, one such job at a time
    /// (a ranking during the start-up warm-up leaves the events to it), so the next ranking finds
    /// their vectors ready. Outside a runtime (a plain unit test) there is no background.
    fn embed_later(self: &Arc<Self>, events: Vec<EventRow>, what: &'static str) {
        if tokio::runtime::Handle::try_current().is_err()
            || self.catching_up.swap(true, std::sync::atomic::Ordering::AcqRel)
        {
            return;
        }
        let this = Arc::clone(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(stop.run_until_cancelled_owned(async move {
            let count = events.len();
            let worker = Arc::clone(&this);
            let done = tokio::task::spawn_blocking(move || {
                worker.event_vectors(&events.iter().collect::<Vec<_>>(), Priority::Background).map(|_| ())
            })
            .await;
            this.catching_up.store(false, std::sync::atomic::Ordering::Release);
            match done {
                Ok(Ok(())) => tracing::info!(events = count, what, "embedded in the background"),
                Ok(Err(e)) => tracing::warn!(error = %e, what, "embedding in the background failed"),
                Err(e) => tracing::warn!(error = %e, what, "embedding in the background failed"),
            }
        }));
    }

    /// The profiles of `users`, in order, embedded in one batched pass.
    pub(super) fn profiles(&self, users: &[&UserRow], priority: Priority) -> Result<Vec<Profile>, EngineError> {
        // Per user: the about text, then each interest and seeking phrase.
        let mut texts: Vec<String> = Vec::new();
        let mut spans = Vec::with_capacity(users.len());
        for user in users {
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
        let vectors = self.embed(&texts, priority)?;
        Ok(spans
            .into_iter()
            .map(|(start, words)| Profile {
                vector: Arc::clone(&vectors[start]),
                phrases: words.into_iter().zip(vectors[start + 1..].iter().cloned()).collect(),
            })
            .collect())
    }

    /// The user's taste vector and phrases, every candidate's vector, and the attended events'
    /// titles with vectors.
    pub(super) fn vectors(
        self: &Arc<Self>,
        user: &UserRow,
        candidates: &[EventRow],
        attended: &[EventRow],
    ) -> Result<Vectors, EngineError> {
        let mut ready = self.event_vectors_now(&candidates.iter().chain(attended).collect::<Vec<_>>())?;
        let Profile { vector: profile, phrases } =
            self.profiles(&[user], Priority::Request)?.pop().ok_or_else(|| anyhow::anyhow!("no profile vector"))?;
        let now = crate::store::now_ms();
        let history: Vec<Attended> = attended
            .iter()
            .filter_map(|e| {
                Some(Attended { title: e.title.clone(), over: e.ends_at < now, vector: ready.remove(&e.id)? })
            })
            .collect();
        let events: HashMap<Uuid, Vector> = ready;
        // Taste: the profile, pulled toward what they actually went to as history accumulates.
        let mut taste = profile.to_vec();
        if !history.is_empty() {
            let pull = (history.len() as f32 / (history.len() as f32 + 3.0)).min(0.6);
            let mut mean = vec![0.0f32; taste.len()];
            for past in &history {
                mean.iter_mut().zip(past.vector.iter()).for_each(|(m, x)| *m += x / history.len() as f32);
            }
            let mean = normalize(mean);
            taste = normalize(taste.iter().zip(&mean).map(|(p, m)| (1.0 - pull) * p + pull * m).collect());
        }
        Ok(Vectors { profile, taste, phrases, events, history })
    }

    /// Embeds every upcoming public event, so the first request does not wait for the
    /// catalogue. Runs in the background at start-up.
    pub fn warm_up(self: &Arc<Self>, store: Store) {
        let this = Arc::clone(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(stop.run_until_cancelled_owned(async move {
            match store.recommendation_candidates(Uuid::nil(), CANDIDATES).await {
                Ok(events) if events.is_empty() => {}
                Ok(events) => this.embed_later(events, "upcoming events, warming up"),
                Err(e) => tracing::warn!(error = %e, "warming up recommendations failed"),
            }
        }));
    }
}
