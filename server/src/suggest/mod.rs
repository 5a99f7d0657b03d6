//! Live "people to meet" at each event. Whatever changes who should meet whom (a check-in or
//! RSVP, a profile edit, feedback, a block, a meeting decided) becomes a [`Job`] for the event;
//! the [`Engine`] applies it and every list that changed is pushed to its owner on their
//! `user:{id}` channel.
//!
//! Jobs for one event within [`DEBOUNCE`] coalesce into one update, and one event is never
//! updated twice at once.

mod engine;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use protocol::realtime::Channel;
use protocol::suggestions::Suggestion;
use uuid::Uuid;

pub use engine::{Changed, Engine, Job, SuggestError};

use crate::realtime::Realtime;
use crate::store::Store;

/// Jobs closer together than this make one update.
const DEBOUNCE: Duration = Duration::from_millis(50);

pub struct Suggester {
    store: Store,
    realtime: Arc<Realtime>,
    engine: Arc<Engine>,
    pending: DashMap<Uuid, Job>,
}

impl std::fmt::Debug for Suggester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suggester").field("engine", &self.engine).finish_non_exhaustive()
    }
}

impl Suggester {
    pub fn new(store: Store, realtime: Arc<Realtime>, model_dir: Option<PathBuf>) -> Arc<Self> {
        let engine = Engine::new(store.clone(), model_dir);
        Arc::new(Self { store, realtime, engine, pending: DashMap::new() })
    }

    /// Asks for all of `event` to be recomputed soon (its times or audience changed).
    pub fn changed(self: &Arc<Self>, event: Uuid) {
        self.submit(event, Job::full());
    }

    /// Asks for `users` to be updated at `event` soon (checked in, RSVP'd, gave feedback, ...).
    pub fn people_changed(self: &Arc<Self>, event: Uuid, users: impl IntoIterator<Item = Uuid>) {
        self.submit(event, Job::people(users));
    }

    /// Asks for `user` to be updated at each of their current events (profile, blocks).
    pub async fn user_changed(self: &Arc<Self>, user: Uuid) {
        match self.store.current_events_of(user).await {
            Ok(events) => events.into_iter().for_each(|event| self.people_changed(event, [user])),
            Err(e) => tracing::warn!(error = %e, %user, "finding events to refresh failed"),
        }
    }

    fn submit(self: &Arc<Self>, event: Uuid, job: Job) {
        let first = match self.pending.entry(event) {
            dashmap::Entry::Occupied(mut pending) => {
                pending.get_mut().merge(job);
                false
            }
            dashmap::Entry::Vacant(slot) => {
                slot.insert(job);
                true
            }
        };
        if first {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(DEBOUNCE).await;
                let Some((_, job)) = this.pending.remove(&event) else { return };
                if let Err(e) = this.run(event, job).await {
                    tracing::warn!(error = %e, %event, "suggestions not updated");
                }
            });
        }
    }

    async fn run(&self, event: Uuid, job: Job) -> Result<(), SuggestError> {
        let changed = self.engine.apply(event, job).await?;
        publish(&self.realtime, event, changed).await;
        Ok(())
    }

    /// `user`'s current list at `event`, computing the event first if it never was.
    pub async fn list(self: &Arc<Self>, event: Uuid, user: Uuid) -> Result<Vec<Suggestion>, SuggestError> {
        if let Some(list) = self.engine.list(event, user).await {
            return Ok(list);
        }
        self.run(event, Job::full()).await?;
        Ok(self.engine.list(event, user).await.unwrap_or_default())
    }
}

/// Pushes each changed list to its owner.
async fn publish(realtime: &Realtime, event: Uuid, changed: Changed) {
    for (user, items) in changed {
        let body = serde_json::json!({ "kind": "suggestions", "event_id": event, "items": items });
        if let Err(e) = realtime.post(&Channel::User(user).to_string(), None, body).await {
            tracing::warn!(error = %e, %user, "pushing suggestions failed");
        }
    }
}
