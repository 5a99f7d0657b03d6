//! The texts recommendations embed (an event's title, description and tags; a profile's
//! headline, interests and what they seek, and each of those phrases alone) and the vectors built
//! from them for one ranking: the user's taste, their phrases, every candidate's vector. Vectors
//! come from the process's one embedding cache, by text, so a text unchanged since it was last
//! seen (here or by suggestions) is never embedded again.

use std::collections::HashMap;
use std::sync::Arc;

use matcher::{dot, EngineError, Vector};
use uuid::Uuid;

use super::{Recommender, CANDIDATES};
use crate::store::{parse_list, EventRow, Store, UserRow};

/// A user's profile vector, and each interest or seeking phrase with its vector.
pub(super) struct Profile {
    pub vector: Vector,
    pub phrases: Vec<(String, Vector)>,
}

/// What content scoring compares: the user's taste and phrases, each candidate's vector, and
/// the attended events' titles with vectors.
pub(super) struct Vectors {
    /// The profile alone, and the taste (profile pulled toward attended events).
    pub profile: Vector,
    pub taste: Vec<f32>,
    pub phrases: Vec<(String, Vector)>,
    pub events: HashMap<Uuid, Vector>,
    pub history: Vec<(String, Vector)>,
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

impl Recommender {
    /// The text vectors of `events`, in order.
    pub(super) fn event_vectors(&self, events: &[&EventRow]) -> Result<Vec<Vector>, EngineError> {
        let texts: Vec<String> = events.iter().map(|e| event_text(e)).collect();
        self.model.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// The profiles of `users`, in order, embedded in one batched pass.
    pub(super) fn profiles(&self, users: &[&UserRow]) -> Result<Vec<Profile>, EngineError> {
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
        let vectors = self.model.embed(&texts.iter().map(String::as_str).collect::<Vec<_>>())?;
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
        &self,
        user: &UserRow,
        candidates: &[EventRow],
        attended: &[EventRow],
    ) -> Result<Vectors, EngineError> {
        let vectors = self.event_vectors(&candidates.iter().chain(attended).collect::<Vec<_>>())?;
        let (of_candidates, of_attended) = vectors.split_at(candidates.len());
        let Profile { vector: profile, phrases } =
            self.profiles(&[user])?.pop().ok_or_else(|| anyhow::anyhow!("no profile vector"))?;
        let history: Vec<(String, Vector)> =
            attended.iter().zip(of_attended).map(|(e, v)| (e.title.clone(), Arc::clone(v))).collect();
        // Taste: the profile, pulled toward what they actually went to as history accumulates.
        let mut taste = profile.to_vec();
        if !history.is_empty() {
            let pull = (history.len() as f32 / (history.len() as f32 + 3.0)).min(0.6);
            let mut mean = vec![0.0f32; taste.len()];
            for (_, v) in &history {
                mean.iter_mut().zip(v.iter()).for_each(|(m, x)| *m += x / history.len() as f32);
            }
            let mean = normalize(mean);
            taste = normalize(taste.iter().zip(&mean).map(|(p, m)| (1.0 - pull) * p + pull * m).collect());
        }
        let events = candidates.iter().zip(of_candidates).map(|(e, v)| (e.id, Arc::clone(v))).collect();
        Ok(Vectors { profile, taste, phrases, events, history })
    }

    /// Embeds every upcoming public event, so the first request does not wait for the
    /// catalogue. Runs in the background at start-up.
    pub fn warm_up(self: &Arc<Self>, store: Store) {
        let this = Arc::clone(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(stop.run_until_cancelled_owned(async move {
            let events = match store.recommendation_candidates(Uuid::nil(), CANDIDATES).await {
                Ok(events) => events,
                Err(e) => return tracing::warn!(error = %e, "warming up recommendations failed"),
            };
            if events.is_empty() {
                return;
            }
            let done = tokio::task::spawn_blocking(move || {
                this.event_vectors(&events.iter().collect::<Vec<_>>()).map(|vectors| vectors.len())
            })
            .await;
            match done {
                Ok(Ok(n)) => tracing::info!(events = n, "recommendations warmed up"),
                Ok(Err(e)) => tracing::warn!(error = %e, "warming up recommendations failed"),
                Err(e) => tracing::warn!(error = %e, "warming up recommendations failed"),
            }
        }));
    }
}
