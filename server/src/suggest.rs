//! Live "people to meet" at each event: recomputed in the background when something that
//! matters changes (a check-in or RSVP, a profile edit, feedback, a block, a meeting decided),
//! kept in memory, and pushed to each person whose list changed on their `user:{id}` channel.
//!
//! The matcher crate does the numbers; this module gathers its inputs (attendees who opted in,
//! pairs never to suggest), runs it off the async reactor, and turns indices back into people.
//! Triggers for one event within [`DEBOUNCE`] coalesce into one computation, and one event is
//! never computed twice at once.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use dashmap::DashMap;
use matcher::{Attendee, Embedder};
use protocol::realtime::Channel;
use protocol::suggestions::{SuggestedUser, Suggestion};
use tch::Device;
use uuid::Uuid;

use crate::realtime::Realtime;
use crate::store::{now_ms, parse_list, Store, UserRow};

/// Triggers closer together than this make one computation.
const DEBOUNCE: Duration = Duration::from_millis(50);
/// Suggestions per person.
const LIST_SIZE: usize = 10;

/// An embedded profile, valid while the profile is unchanged.
#[derive(Clone)]
struct Embedded {
    updated_at: i64,
    seek: Vec<f32>,
    offer: Vec<f32>,
    about: Vec<f32>,
}

pub struct Suggester {
    store: Store,
    realtime: Arc<Realtime>,
    model_dir: Option<PathBuf>,
    /// Tensors may move between threads but not be shared, so the model sits behind a lock;
    /// one computation at a time uses it, with all cores inside libtorch.
    embedder: OnceLock<Result<Arc<Mutex<Embedder>>, String>>,
    profiles: Mutex<HashMap<Uuid, Embedded>>,
    lists: DashMap<(Uuid, Uuid), Vec<Suggestion>>,
    pending: DashMap<Uuid, ()>,
    running: DashMap<Uuid, Arc<tokio::sync::Mutex<()>>>,
}

impl std::fmt::Debug for Suggester {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Suggester").field("model_dir", &self.model_dir).finish_non_exhaustive()
    }
}

/// Why suggestions cannot be given.
#[derive(Debug, thiserror::Error)]
pub enum SuggestError {
    #[error("the matcher model is not available: {0}")]
    Unavailable(String),
    #[error(transparent)]
    Failed(#[from] anyhow::Error),
}

impl Suggester {
    pub fn new(store: Store, realtime: Arc<Realtime>, model_dir: Option<PathBuf>) -> Arc<Self> {
        Arc::new(Self {
            store,
            realtime,
            model_dir,
            embedder: OnceLock::new(),
            profiles: Mutex::new(HashMap::new()),
            lists: DashMap::new(),
            pending: DashMap::new(),
            running: DashMap::new(),
        })
    }

    /// The model, loaded on first use (a blocking read of about 90 MB).
    fn embedder(&self) -> Result<Arc<Mutex<Embedder>>, SuggestError> {
        self.embedder
            .get_or_init(|| {
                let dir = self
                    .model_dir
                    .clone()
                    .ok_or_else(|| "no model directory configured (MINGLE_MODEL_DIR)".to_owned())?;
                Embedder::load(&dir, Device::cuda_if_available())
                    .map(|e| Arc::new(Mutex::new(e)))
                    .map_err(|e| format!("{e:#}"))
            })
            .clone()
            .map_err(SuggestError::Unavailable)
    }

    /// Asks for `event`'s lists to be recomputed soon.
    pub fn changed(self: &Arc<Self>, event: Uuid) {
        if self.pending.insert(event, ()).is_none() {
            let this = Arc::clone(self);
            tokio::spawn(async move {
                tokio::time::sleep(DEBOUNCE).await;
                this.pending.remove(&event);
                if let Err(e) = this.recompute(event).await {
                    tracing::warn!(error = %e, %event, "suggestions not updated");
                }
            });
        }
    }

    /// Asks for every current event of `user` to be recomputed (their profile changed).
    pub async fn user_changed(self: &Arc<Self>, user: Uuid) {
        match self.store.current_events_of(user).await {
            Ok(events) => events.into_iter().for_each(|event| self.changed(event)),
            Err(e) => tracing::warn!(error = %e, %user, "finding events to refresh failed"),
        }
    }

    /// `user`'s current list at `event`, computing the event first if it never was.
    pub async fn list(self: &Arc<Self>, event: Uuid, user: Uuid) -> Result<Vec<Suggestion>, SuggestError> {
        if let Some(list) = self.lists.get(&(event, user)) {
            return Ok(list.clone());
        }
        self.recompute(event).await?;
        Ok(self.lists.get(&(event, user)).map(|l| l.clone()).unwrap_or_default())
    }

    /// Recomputes every list at `event` and pushes the ones that changed.
    pub async fn recompute(self: &Arc<Self>, event: Uuid) -> Result<(), SuggestError> {
        let lock = Arc::clone(&*self.running.entry(event).or_default());
        let _guard = lock.lock().await;
        let Some(row) = self.store.event(event).await.map_err(anyhow::Error::from)? else { return Ok(()) };
        let started = row.starts_at <= now_ms();
        let people = self.store.matchmaking_attendees(event, started).await.map_err(anyhow::Error::from)?;
        let excluded: HashSet<(Uuid, Uuid)> =
            self.store.excluded_pairs(event).await.map_err(anyhow::Error::from)?.into_iter().collect();
        let this = Arc::clone(self);
        // Loading the model (first time) and all tensor work stay off the async reactor.
        let computed = tokio::task::spawn_blocking(move || -> Result<_, SuggestError> {
            let embedder = this.embedder()?;
            let embedder = embedder.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Ok(this.compute(&embedder, &people, &excluded)?)
        })
        .await
        .map_err(anyhow::Error::from)??;

        let everyone: HashSet<Uuid> = computed.iter().map(|(user, _)| *user).collect();
        // People who left the pool (checked out, opted out, hidden) lose their list.
        let stale: Vec<Uuid> = self
            .lists
            .iter()
            .filter(|e| e.key().0 == event && !everyone.contains(&e.key().1))
            .map(|e| e.key().1)
            .collect();
        for user in stale {
            self.lists.remove(&(event, user));
            self.push(event, user, &[]).await;
        }
        for (user, list) in computed {
            let changed = self.lists.get(&(event, user)).is_none_or(|old| *old != list);
            if changed {
                // Stored before it is pushed, so a client that reacts to the push by asking
                // over REST gets the same list.
                self.lists.insert((event, user), list.clone());
                self.push(event, user, &list).await;
            }
        }
        metrics::counter!("matcher_recomputes_total").increment(1);
        Ok(())
    }

    async fn push(&self, event: Uuid, user: Uuid, items: &[Suggestion]) {
        let body = serde_json::json!({ "kind": "suggestions", "event_id": event, "items": items });
        if let Err(e) = self.realtime.post(&Channel::User(user).to_string(), None, body).await {
            tracing::warn!(error = %e, %user, "pushing suggestions failed");
        }
    }

    /// The matrix work, on a blocking thread.
    fn compute(
        &self,
        embedder: &Embedder,
        people: &[UserRow],
        excluded: &HashSet<(Uuid, Uuid)>,
    ) -> anyhow::Result<Vec<(Uuid, Vec<Suggestion>)>> {
        let attendees: Vec<Attendee> =
            people.iter().map(|p| self.attendee(embedder, p)).collect::<anyhow::Result<_>>()?;
        let position: HashMap<Uuid, usize> = people.iter().enumerate().map(|(i, p)| (p.id, i)).collect();
        let excluded: Vec<(usize, usize)> =
            excluded.iter().filter_map(|(x, y)| Some((*position.get(x)?, *position.get(y)?))).collect();
        // A few spare candidates per person leave room for the exposure cap and diversity.
        let found = matcher::candidates(&attendees, &excluded, LIST_SIZE * 3, embedder.device());
        // Nobody appears in more than a fair share of lists, but small events still fill up.
        let cap = (LIST_SIZE * 2).max(attendees.len() / 4);
        let lists = matcher::pick_lists(&attendees, &found, LIST_SIZE, cap);
        // Reasons quote phrases: embed each distinct phrase of anyone in a list once, in batches.
        let mut distinct: Vec<&str> = lists
            .iter()
            .enumerate()
            .filter(|(_, picks)| !picks.is_empty())
            .flat_map(|(a, picks)| std::iter::once(a).chain(picks.iter().map(|p| p.index)))
            .flat_map(|i| attendees[i].seeking.iter().chain(&attendees[i].offering).map(String::as_str))
            .collect();
        distinct.sort_unstable();
        distinct.dedup();
        let vectors = Vec::<Vec<f32>>::try_from(&embedder.embed_many(&distinct, 64)?.to_device(Device::Cpu))?;
        let phrases: HashMap<&str, Vec<f32>> = distinct.into_iter().zip(vectors).collect();
        let similarity = |s: &str, o: &str| match (phrases.get(s), phrases.get(o)) {
            (Some(x), Some(y)) => x.iter().zip(y).map(|(p, q)| p * q).sum(),
            _ => 0.0,
        };
        let mut out = Vec::with_capacity(people.len());
        for (a, picks) in lists.into_iter().enumerate() {
            let mut items = Vec::with_capacity(picks.len());
            for pick in picks {
                let b = pick.index;
                let reasons = matcher::score::reasons(&attendees[a], &attendees[b], &similarity);
                let who = &people[b];
                items.push(Suggestion {
                    user: SuggestedUser {
                        id: who.id,
                        display_name: who.display_name.clone(),
                        headline: who.headline.clone(),
                    },
                    score: (pick.score * 1000.0).round() / 1000.0,
                    reasons,
                });
            }
            out.push((people[a].id, items));
        }
        Ok(out)
    }

    /// The matcher's view of a person, embedding their texts unless cached for this version.
    fn attendee(&self, embedder: &Embedder, user: &UserRow) -> anyhow::Result<Attendee> {
        let seeking = parse_list(&user.seeking);
        let offering = parse_list(&user.offering);
        let interests = parse_list(&user.interests);
        let cached = self
            .profiles
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&user.id)
            .filter(|e| e.updated_at == user.updated_at)
            .cloned();
        let embedded = match cached {
            Some(e) => e,
            None => {
                let about = format!("{}. Interests: {}", user.headline, interests.join(", "));
                let texts = [seeking.join("; "), offering.join("; "), about];
                let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
                let rows = Vec::<Vec<f32>>::try_from(&embedder.embed(&refs)?.to_device(Device::Cpu))?;
                let zero_if_empty = |v: &Vec<f32>, empty: bool| if empty { vec![0.0; v.len()] } else { v.clone() };
                let e = Embedded {
                    updated_at: user.updated_at,
                    seek: zero_if_empty(&rows[0], seeking.is_empty()),
                    offer: zero_if_empty(&rows[1], offering.is_empty()),
                    about: rows[2].clone(),
                };
                self.profiles.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(user.id, e.clone());
                e
            }
        };
        Ok(Attendee {
            seek: embedded.seek,
            offer: embedded.offer,
            about: embedded.about,
            tags: interests,
            seeking,
            offering,
        })
    }
}
