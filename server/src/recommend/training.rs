//! The collaborative model's life: trained in the background every [`RETRAIN_EVERY`] and on
//! demand, one training at a time, each model versioned and put in service whole in one swap,
//! so requests keep using the previous model while a new one trains and never wait for it.

use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use matcher::{EventData, EventScorer as _, TrainedEvents};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::segments::Segments;
use super::{Recommender, CANDIDATES};
use crate::model::Priority;
use crate::store::Store;

/// How often the collaborative model is trained again.
pub const RETRAIN_EVERY: std::time::Duration = std::time::Duration::from_secs(1800);
/// Interactions (RSVPs going, check-ins) the collaborative model learns from, newest first.
const INTERACTIONS_LEARNED: i64 = 500_000;
/// Fewer interactions than this and there is nothing worth learning: content alone.
const MIN_INTERACTIONS: usize = 50;

/// A trained collaborative model and the catalog (events) it knows: plain numbers, so a model
/// trained by a matcher worker serves on any node (`shared.rs`).
#[derive(Serialize, Deserialize)]
pub struct Collaborative {
    pub version: u64,
    pub interactions: usize,
    pub trained_at: chrono::DateTime<chrono::Utc>,
    pub(super) catalog: HashMap<Uuid, usize>,
    pub(super) segments: Segments,
    pub(super) model: TrainedEvents,
}

impl Collaborative {
    /// The number of events the model knows by their RSVPs (and upcoming ones by their text).
    pub fn events(&self) -> usize {
        self.catalog.len()
    }

    /// Checks a model read from elsewhere: its matrices fit, and its catalog names only items
    /// it has.
    pub(super) fn check(&self) -> anyhow::Result<()> {
        self.model.check()?;
        let items = self.model.items();
        anyhow::ensure!(self.catalog.values().all(|&i| i < items), "a catalog entry outside the model");
        Ok(())
    }
}

impl Recommender {
    /// Whether a model is training now (on a node that follows the workers' models: whether a
    /// worker was, when last looked).
    pub fn is_training(&self) -> bool {
        match &self.workers {
            Some(_) => self.workers_training.load(Ordering::Relaxed),
            None => self.training.try_lock().is_err(),
        }
    }

    /// Starts training a new model in the background unless one is training already; answers
    /// whether it started. For retraining on demand (`POST /ops/recommendations/retrain`,
    /// SIGHUP).
    pub fn retrain_soon(self: &Arc<Self>, store: Store) -> bool {
        if let Some(workers) = &self.workers {
            return self.ask_workers_to_train(workers);
        }
        let Ok(guard) = Arc::clone(&self.training).try_lock_owned() else { return false };
        let this = Arc::clone(self);
        self.shutdown.spawn(async move {
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
        let Some(mut trained) = self.train(store).await? else { return Ok(None) };
        trained.version = self.versions.fetch_add(1, Ordering::Relaxed) + 1;
        let version = trained.version;
        self.offer(trained, Some(store));
        Ok(Some(version))
    }

    /// Puts `model` in service at once, replacing the last one.
    pub(super) fn put_in_service(&self, model: Collaborative) {
        *self.collaborative.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(model));
    }

    /// Trains a collaborative model on the newest RSVPs and check-ins, numbered 0 (the caller
    /// numbers it); `None` when there is too little to learn from.
    pub(super) async fn train(self: &Arc<Self>, store: &Store) -> anyhow::Result<Option<Collaborative>> {
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
            // Embedding thousands of profiles takes a while on a CPU: as background work, which
            // the engine does in short turns, so requests that need the model go first.
            let item_text = this.event_vectors(&events.iter().collect::<Vec<_>>(), Priority::Background)?;
            let profiles: Vec<_> = this
                .profiles(&users.iter().collect::<Vec<_>>(), Priority::Background)?
                .into_iter()
                .map(|p| p.vector)
                .collect();
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
            let item_text: Vec<&[f32]> = item_text.iter().map(|v| &v[..]).collect();
            let profiles: Vec<&[f32]> = profiles.iter().map(|v| &v[..]).collect();
            let data = EventData { histories: &histories, item_text: &item_text, profiles: &profiles };
            let model = this.model.train_events(&data)?;
            let segments = Segments::learn(&*this.model, &profiles, &histories, &events)?;
            let trained_at = chrono::Utc::now();
            Ok(Collaborative { version: 0, interactions: count, trained_at, catalog, segments, model })
        })
        .await??;
        tracing::info!(
            interactions = count,
            events = trained.catalog.len(),
            seconds = clock.elapsed().as_secs_f64(),
            "event recommendation model trained"
        );
        Ok(Some(trained))
    }

    /// Trains every [`RETRAIN_EVERY`] in the background, for as long as the recommender lives;
    /// a node that follows the workers' models puts each new one in service instead.
    pub fn keep_learning(self: &Arc<Self>, store: Store) {
        if let Some(workers) = &self.workers {
            return self.follow_workers(Arc::clone(workers), store);
        }
        let recommender = Arc::downgrade(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(async move {
            let mut tick = tokio::time::interval(RETRAIN_EVERY);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let Some(recommender) = recommender.upgrade() else { return };
                // While an experiment runs, the next model waits for it to end.
                if recommender.canary().is_some() {
                    continue;
                }
                if let Err(e) = recommender.retrain(&store).await {
                    tracing::warn!(error = %e, "training the event recommendation model failed");
                }
            }
        });
    }
}
