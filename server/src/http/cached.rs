//! The read models the read cache holds, as the handlers serve them: what each is loaded from,
//! what a viewer's own view lays over it, and which writes make which stale (docs/cache.md).
//!
//! Every cached value is the same for every viewer. What differs per viewer is read fresh on each
//! request and laid over it: their RSVP, whether a block stands between them and a profile,
//! whether they share an event with someone who shows their profile to attendees only. An
//! organizer's view of their own event holds its check-in code and is never cached. Lists (search
//! pages, recommendations) carry their events' seat counters from the per-event counters kept
//! beside them, so an RSVP or a check-in makes one small value stale, not every list.

use std::collections::HashMap;
use std::future::Future;

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use cache::{Change, Key, KeyKind, Payload};
use futures_util::future::BoxFuture;
use protocol::events::Event;
use protocol::recommendations::EventRecommendation;
use protocol::users::{Profile, ProfileVisibility};
use protocol::Page;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::analytics::rollout::Variant;
use crate::error::{ApiError, ApiResult};
use crate::readcache::{self, Stale, Transition};
use crate::state::AppState;
use crate::store::{now_ms, DayEvent, EventCounts};

/// How long a cached recommendation list or search page serves. Both depend on the time (events
/// that start or end drop out; habits weigh the hour), not only on writes.
const LIST_MAX_AGE_MS: i64 = 60_000;

// What writes make stale.

/// After an RSVP changed (set, cancelled, promoted from the waitlist, or cancelled by closing an
/// account) at `event`: its page and counters, and every recommendation list, since lists show
/// which events people one met are going to and leave out full events.
pub fn after_rsvp(event: Uuid) -> Vec<Stale> {
    vec![
        Stale::Key(Key::EventPage(readcache::event(event))),
        Stale::Key(Key::AttendeeCount(readcache::event(event))),
        Stale::Kind(KeyKind::Recommendations),
    ]
}

/// After someone checked in at `event`: its page and counters, and every recommendation list,
/// since people who were at an event together count for each other ("people you were at events
/// with are going").
pub fn after_check_in(event: Uuid) -> Vec<Stale> {
    vec![
        Stale::Key(Key::EventPage(readcache::event(event))),
        Stale::Key(Key::AttendeeCount(readcache::event(event))),
        Stale::Kind(KeyKind::Recommendations),
    ]
}

/// After a meeting between `a` and `b` was accepted, declined or cancelled, or one said they met
/// the other: both people's recommendations.
pub fn after_meeting(a: Uuid, b: Uuid) -> Vec<Stale> {
    vec![Stale::Key(Key::Recommendations(readcache::person(a))), Stale::Key(Key::Recommendations(readcache::person(b)))]
}

/// After an event was created, edited, cancelled or deleted, or its organizers changed: its page
/// and counters (a capacity change promotes people), every search page and every list.
pub fn after_event_change(event: Option<Uuid>) -> Vec<Stale> {
    let mut stale = vec![Stale::Kind(KeyKind::SearchPage), Stale::Kind(KeyKind::Recommendations)];
    if let Some(event) = event {
        stale.push(Stale::Key(Key::EventPage(readcache::event(event))));
        stale.push(Stale::Key(Key::AttendeeCount(readcache::event(event))));
    }
    stale
}

/// After `person` edited their profile: it, and their recommendations (their interests weigh it).
pub fn after_profile_edit(person: Uuid) -> Vec<Stale> {
    vec![
        Stale::Key(Key::Profile(readcache::person(person))),
        Stale::Key(Key::Recommendations(readcache::person(person))),
    ]
}

/// After `person` closed their account: their RSVPs, organizing and profile went, all at once.
pub fn after_account_closed(person: Uuid) -> Vec<Stale> {
    vec![
        Stale::Key(Key::Profile(readcache::person(person))),
        Stale::Kind(KeyKind::EventPage),
        Stale::Kind(KeyKind::AttendeeCount),
        Stale::Kind(KeyKind::SearchPage),
        Stale::Kind(KeyKind::Recommendations),
    ]
}

/// Notes a write by `person` in the request log the forecast learns from.
pub fn wrote(state: &AppState, person: Uuid, change: Change) {
    state.cache.log().record(person, cache::Op::Change(change));
}

// Serving.

fn encode<T: Serialize>(value: &T) -> ApiResult<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| anyhow::Error::from(e).into())
}

fn decode<'a, T: Deserialize<'a>>(bytes: &'a [u8]) -> ApiResult<T> {
    serde_json::from_slice(bytes).map_err(|e| anyhow::Error::from(e).context("decoding a cached value").into())
}

/// A cached JSON value answered as it is.
fn json_bytes(payload: Payload) -> Response {
    let body = Body::from(Bytes::from_owner(payload));
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// The seat counters of `events`, from the cache where it holds them and from one query for the
/// rest.
async fn counts(state: &AppState, events: &[Uuid]) -> ApiResult<HashMap<Uuid, EventCounts>> {
    let keys: Vec<Key> = events.iter().map(|id| Key::AttendeeCount(readcache::event(*id))).collect();
    let held = state
        .cache
        .get_many_or_load(&keys, |missing| async move {
            let ids: Vec<Uuid> = missing
                .iter()
                .filter_map(|key| match key {
                    Key::AttendeeCount(e) => Some(Uuid::from_u128(e.0)),
                    _ => None,
                })
                .collect();
            load_counts(state, &ids).await
        })
        .await?;
    held.values().map(|bytes| decode::<EventCounts>(bytes).map(|c| (c.id, c))).collect()
}

/// The cached form of `events`' seat counters, read from the store.
async fn load_counts(state: &AppState, events: &[Uuid]) -> ApiResult<Vec<(Key, Vec<u8>)>> {
    let rows = state.store.event_counts(events).await?;
    rows.iter().map(|row| Ok((Key::AttendeeCount(readcache::event(row.id)), encode(row)?))).collect()
}

/// Lays fresh counters over events from a cached list.
async fn lay_counts<'a>(state: &AppState, events: impl Iterator<Item = &'a mut Event>) -> ApiResult<()> {
    let mut events: Vec<&mut Event> = events.collect();
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let counts = counts(state, &ids).await?;
    for event in &mut events {
        if let Some(c) = counts.get(&event.id) {
            event.going_count = c.going_count;
            event.waitlist_count = c.waitlist_count;
            event.interested_count = c.interested_count;
            event.checked_in_count = c.checked_in_count;
            event.seats_left = event.capacity.map(|cap| (cap - c.going_count).max(0));
        }
    }
    Ok(())
}

/// Lays `viewer`'s own RSVPs over events from the cache. Answers `false`, changing nothing, when
/// the viewer organizes one of them: their view holds its check-in code, which is never cached.
async fn lay_viewer<'a>(
    state: &AppState,
    viewer: Uuid,
    events: impl Iterator<Item = &'a mut Event>,
) -> ApiResult<bool> {
    let mut events: Vec<&mut Event> = events.collect();
    if events.iter().any(|e| e.organizer_ids.contains(&viewer)) {
        return Ok(false);
    }
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let mine: HashMap<Uuid, _> = state.store.rsvp_statuses(viewer, &ids).await?.into_iter().collect();
    for event in &mut events {
        event.my_rsvp = mine.get(&event.id).copied();
    }
    Ok(true)
}

/// An event's page for `viewer`: the cached public page, with the viewer's RSVP laid over it.
/// `load` renders the page for nobody in particular; `fresh` renders it for an organizer.
pub async fn event_page<L, F>(
    state: &AppState,
    id: Uuid,
    viewer: Option<Uuid>,
    load: L,
    fresh: F,
) -> ApiResult<Response>
where
    L: Future<Output = ApiResult<Event>>,
    F: Future<Output = ApiResult<Event>>,
{
    let key = Key::EventPage(readcache::event(id));
    let page = state.cache.get_or_load(key, async { encode(&load.await?) }, |_| true).await?;
    state.cache.read_by(viewer, key, page.len());
    let Some(viewer) = viewer else { return Ok(json_bytes(page)) };
    let mut event: Event = decode(&page)?;
    if lay_viewer(state, viewer, std::iter::once(&mut event)).await? {
        Ok(Json(event).into_response())
    } else {
        Ok(Json(fresh.await?).into_response())
    }
}

/// A page of search results for `viewer`. `query` identifies the search (every parameter but the
/// viewer); `load` runs it for nobody in particular, `fresh` for the viewer.
pub async fn search_page<L, F>(
    state: &AppState,
    query: u64,
    viewer: Option<Uuid>,
    load: L,
    fresh: F,
) -> ApiResult<Page<Event>>
where
    L: Future<Output = ApiResult<Page<Event>>>,
    F: Future<Output = ApiResult<Page<Event>>>,
{
    let key = Key::SearchPage(cache::QueryId(query), 0);
    let now = now_ms();
    let load = async { encode(&Stamped { built_at_ms: now, value: load.await? }) };
    let (stamped, bytes) =
        fresh_or_load(state, key, load, |s: &Stamped<Page<Event>>| now - s.built_at_ms < LIST_MAX_AGE_MS).await?;
    let mut page = stamped.value;
    state.cache.read_list_by(viewer, key, bytes, page.items.iter().map(|e| e.id));
    lay_counts(state, page.items.iter_mut()).await?;
    match viewer {
        Some(viewer) if !lay_viewer(state, viewer, page.items.iter_mut()).await? => fresh.await,
        _ => Ok(page),
    }
}

/// The value under `key`, decoded, and its size: a held value only while `fresh` accepts it,
/// else what `load` serializes. A held value is decoded once: the freshness check keeps what it
/// decoded.
async fn fresh_or_load<T, L>(state: &AppState, key: Key, load: L, fresh: impl Fn(&T) -> bool) -> ApiResult<(T, usize)>
where
    T: serde::de::DeserializeOwned,
    L: Future<Output = ApiResult<Vec<u8>>>,
{
    let accepted = std::sync::Mutex::new(None);
    let bytes = state
        .cache
        .get_or_load(key, load, |held| match decode::<T>(held) {
            Ok(value) if fresh(&value) => {
                *accepted.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(value);
                true
            }
            _ => false,
        })
        .await?;
    let value = match accepted.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner) {
        Some(value) => value,
        None => decode(&bytes)?,
    };
    Ok((value, bytes.len()))
}

/// A value and when it was built, for values that also age.
#[derive(Serialize, Deserialize)]
struct Stamped<T> {
    built_at_ms: i64,
    value: T,
}

/// A profile as cached: what anyone may see, and to whom it is shown.
#[derive(Serialize, Deserialize)]
struct CachedProfile {
    visibility: ProfileVisibility,
    profile: Profile,
}

/// Another person's profile as `viewer` may see it: `None` when they may not (hidden, shown to
/// attendees only and they share no event, or a block either way, which is always read fresh).
pub async fn profile(state: &AppState, viewer: Uuid, id: Uuid) -> ApiResult<Option<Profile>> {
    let key = Key::Profile(readcache::person(id));
    let bytes = state.cache.get_or_load(key, load_profile(state, id), |_| true).await?;
    state.cache.read_by(Some(viewer), key, bytes.len());
    let cached: CachedProfile = decode(&bytes)?;
    if viewer == id {
        return Ok(Some(cached.profile));
    }
    if state.store.is_blocked_either_way(viewer, id).await? {
        return Ok(None);
    }
    let visible = match cached.visibility {
        ProfileVisibility::Public => true,
        ProfileVisibility::Attendees => state.store.share_an_event(viewer, id).await?,
        ProfileVisibility::Hidden => false,
    };
    Ok(visible.then_some(cached.profile))
}

/// The cached form of `id`'s profile, read from the store.
async fn load_profile(state: &AppState, id: Uuid) -> ApiResult<Vec<u8>> {
    let row = state.store.user_by_id(id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    encode(&CachedProfile { visibility: row.visibility, profile: crate::render::profile(&row) })
}

/// A person's recommendations as cached: the longest list, ranked by the model their arm of a
/// running experiment gets, and when.
#[derive(Serialize, Deserialize)]
pub struct CachedRecommendations {
    pub built_at_ms: i64,
    pub model_version: Option<u64>,
    pub variant: Option<Variant>,
    pub items: Vec<EventRecommendation>,
}

/// `user`'s recommendations, from the cache when the list there was ranked by the model that
/// would rank it now, is less than a minute old and lists no event that has started. `load`
/// ranks the longest list afresh.
pub async fn recommendations<L>(state: &AppState, user: Uuid, load: L) -> ApiResult<CachedRecommendations>
where
    L: Future<Output = ApiResult<CachedRecommendations>>,
{
    state.cache.prefetcher().followed(Transition::ConnectThenRecommendations, user);
    let key = Key::Recommendations(readcache::person(user));
    let (model, variant) = state.recommender.model_for(&state.analytics.key(user));
    let model_version = model.map(|m| m.version);
    let now = now_ms();
    let (mut list, bytes) =
        fresh_or_load(state, key, async { encode(&load.await?) }, |list: &CachedRecommendations| {
            list.model_version == model_version
                && list.variant == variant
                && now - list.built_at_ms < LIST_MAX_AGE_MS
                && list.items.iter().all(|r| r.event.starts_at.timestamp_millis() > now)
        })
        .await?;
    state.cache.read_list_by(Some(user), key, bytes, list.items.iter().map(|r| r.event.id));
    lay_counts(state, list.items.iter_mut().map(|r| &mut r.event)).await?;
    Ok(list)
}

/// Queues `user`'s recommendations to be loaded ahead of their asking, when their app connects
/// and the prefetcher finds it worth it (see [`readcache::forecast::start`], which loads them).
pub fn prefetch_recommendations(state: &AppState, user: Uuid) {
    let prefetcher = state.cache.prefetcher();
    prefetcher.triggered(Transition::ConnectThenRecommendations, user);
    prefetcher.queue_recommendations(user);
}

/// The cached form of `user`'s recommendations, ranked afresh.
async fn load_recommendations(state: &AppState, user: Uuid) -> ApiResult<Vec<u8>> {
    encode(&super::recommendations::rank(state.clone(), user, None, super::recommendations::MAX_LIMIT).await?)
}

/// What the read cache's forecast reads and loads through: the store's calendar, and the same
/// loads a read would make.
pub struct Loads(pub AppState);

impl readcache::Source for Loads {
    fn calendar(&self, from_ms: i64, to_ms: i64) -> BoxFuture<'_, anyhow::Result<Vec<DayEvent>>> {
        Box::pin(async move { Ok(self.0.store.day_events(from_ms, to_ms).await?) })
    }

    fn load(&self, key: Key) -> BoxFuture<'_, anyhow::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let state = &self.0;
            let loaded = match key {
                Key::EventPage(e) => {
                    super::events::public_page(state, Uuid::from_u128(e.0)).await.and_then(|page| encode(&page))
                }
                Key::AttendeeCount(e) => load_counts(state, &[Uuid::from_u128(e.0)])
                    .await
                    .map(|mut rows| rows.pop().map(|(_, v)| v).unwrap_or_default()),
                Key::Profile(p) => load_profile(state, Uuid::from_u128(p.0)).await,
                Key::Recommendations(p) => load_recommendations(state, Uuid::from_u128(p.0)).await,
                // A list of people to meet lives in the matcher: loading it ahead builds the
                // event's pool there, and nothing goes into this tier.
                Key::Suggestions(p, e) => {
                    let (person, event) = (Uuid::from_u128(p.0), Uuid::from_u128(e.0));
                    if let Err(e) = state.suggester.list(event, person).await {
                        tracing::debug!(error = ?e, %event, "building an event's pool ahead failed");
                    }
                    return Ok(None);
                }
                Key::SearchPage(..) => return Ok(None),
            };
            match loaded {
                Ok(bytes) if !bytes.is_empty() => Ok(Some(bytes)),
                Ok(_) | Err(ApiError::NotFound(..)) => Ok(None),
                Err(e) => Err(anyhow::anyhow!("loading {key:?} ahead: {e:?}")),
            }
        })
    }
}
