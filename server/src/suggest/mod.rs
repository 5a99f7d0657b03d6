//! Live "people to meet" at each event. Whatever changes who should meet whom (a check-in or
//! RSVP, a profile edit, feedback, a block, a meeting decided) becomes a [`Job`] for the event;
//! the [`Engine`] applies it and every list that changed is pushed to its owner on their
//! `user:{id}` channel.
//!
//! Where the engine runs: in this process (single node), or in `mingle matcher` workers fed
//! through a Redis stream ([`stream`]) so that matching can run on GPU machines apart from the
//! WebSocket nodes. Either way, jobs for one event within [`DEBOUNCE`] coalesce into one update,
//! and one event is never updated twice at once.

mod engine;
pub mod rollout;
pub mod stream;

use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use protocol::realtime::{Channel, MessageBody};
use uuid::Uuid;

pub use engine::{Applied, Changed, Engine, Job, Listed, SuggestError};

use crate::model::Model;
use crate::realtime::Realtime;
use crate::shutdown::Shutdown;
use crate::store::Store;
use stream::JobQueue;

/// Jobs closer together than this make one update.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// How long a request for a list nobody has computed yet waits for a worker to compute it.
const FIRST_LIST_WAIT: Duration = Duration::from_secs(5);
/// How often an engine's holder checks whether the weight sets in force changed, to rebuild the
/// lists it holds.
pub(crate) const WEIGHTS_WATCH: Duration = Duration::from_secs(5);

/// Where jobs go.
enum Matcher {
    InProcess(Arc<Engine>),
    Workers(JobQueue),
}

pub struct Suggester {
    store: Store,
    realtime: Arc<Realtime>,
    matcher: Matcher,
    pending: DashMap<Uuid, Job>,
    /// Tracks each job's task, so shutdown lets the jobs under way finish.
    shutdown: Shutdown,
}

impl std::fmt::Debug for Suggester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mode = match self.matcher {
            Matcher::InProcess(_) => "in-process",
            Matcher::Workers(_) => "workers",
        };
        f.debug_struct("Suggester").field("matcher", &mode).finish_non_exhaustive()
    }
}

impl Suggester {
    /// Matching in this process, new weight sets rolled out as `rollout` says.
    pub fn in_process(
        store: Store,
        realtime: Arc<Realtime>,
        model: Arc<Model>,
        rollout: crate::analytics::rollout::Rollout,
        shutdown: &Shutdown,
    ) -> Arc<Self> {
        let engine = Engine::new(store.clone(), model);
        engine.weighting().set_rollout(rollout);
        engine.keep_learning(shutdown);
        let matcher = Matcher::InProcess(Arc::clone(&engine));
        let this = Arc::new(Self { store, realtime, matcher, pending: DashMap::new(), shutdown: shutdown.clone() });
        this.rebuild_when_weights_change(&engine);
        this
    }

    /// Rebuilds every event the engine holds when the weight sets in force change (a trial
    /// starts or ends), so lists are pushed scored as the registry says.
    fn rebuild_when_weights_change(self: &Arc<Self>, engine: &Arc<Engine>) {
        let (this, engine) = (Arc::downgrade(self), Arc::downgrade(engine));
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(async move {
            let mut seen = 0;
            let mut tick = tokio::time::interval(WEIGHTS_WATCH);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let (Some(this), Some(engine)) = (this.upgrade(), engine.upgrade()) else { return };
                let generation = engine.weighting().generation();
                if generation != seen {
                    seen = generation;
                    engine.held_events().into_iter().for_each(|event| this.changed(event));
                }
            }
        });
    }

    /// Matching in `mingle matcher` workers reached through Redis at `redis_url`.
    pub async fn with_workers(
        store: Store,
        realtime: Arc<Realtime>,
        redis_url: &str,
        shutdown: &Shutdown,
    ) -> anyhow::Result<Arc<Self>> {
        let queue = JobQueue::connect(redis_url).await?;
        let matcher = Matcher::Workers(queue);
        Ok(Arc::new(Self { store, realtime, matcher, pending: DashMap::new(), shutdown: shutdown.clone() }))
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
            self.shutdown.spawn(async move {
                tokio::time::sleep(DEBOUNCE).await;
                let Some((_, job)) = this.pending.remove(&event) else { return };
                if let Err(e) = this.run(event, job).await {
                    tracing::warn!(error = %e, %event, "suggestions not updated");
                }
            });
        }
    }

    async fn run(&self, event: Uuid, job: Job) -> Result<(), SuggestError> {
        match &self.matcher {
            Matcher::InProcess(engine) => {
                let applied = engine.apply(event, job).await?;
                publish(&self.realtime, event, applied.changed).await;
            }
            Matcher::Workers(queue) => queue.submit(event, &job).await?,
        }
        Ok(())
    }

    /// The engine matching in this process, if matching runs here.
    pub fn engine(&self) -> Option<&Arc<Engine>> {
        match &self.matcher {
            Matcher::InProcess(engine) => Some(engine),
            Matcher::Workers(_) => None,
        }
    }

    /// `user`'s current list at `event` with the weight set that scored it, computing the event
    /// first if it never was.
    pub async fn list(self: &Arc<Self>, event: Uuid, user: Uuid) -> Result<Listed, SuggestError> {
        match &self.matcher {
            Matcher::InProcess(engine) => {
                if let Some(list) = engine.list(event, user).await {
                    return Ok(list);
                }
                self.run(event, Job::full_now()).await?;
                Ok(engine.list(event, user).await.unwrap_or_else(|| {
                    let (weights_version, variant) = engine.weighting().scoring().served.of(user);
                    Listed { items: Vec::new(), weights_version, variant }
                }))
            }
            Matcher::Workers(queue) => {
                if let Some(list) = queue.list(event, user).await? {
                    return Ok(list);
                }
                // Nobody computed this event yet: ask a worker, and wait a little for it.
                self.run(event, Job::full_now()).await?;
                let deadline = tokio::time::Instant::now() + FIRST_LIST_WAIT;
                while tokio::time::Instant::now() < deadline {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    if let Some(list) = queue.list(event, user).await? {
                        return Ok(list);
                    }
                }
                Err(SuggestError::Unavailable("no matcher worker answered".into()))
            }
        }
    }
}

/// Pushes each changed list to its owner.
pub(crate) async fn publish(realtime: &Realtime, event: Uuid, changed: Changed) {
    for (user, items) in changed {
        let body = MessageBody::Suggestions { event_id: event, items };
        if let Err(e) = realtime.post(Channel::User(user), None, body).await {
            tracing::warn!(error = %e, %user, "pushing suggestions failed");
        }
    }
}
