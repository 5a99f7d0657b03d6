//! `/events`: create, search, edit and delete events; RSVP with waitlist; check-in; attendee
//! lists; announcements; co-organizers.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use cache::Change;
use chrono::Utc;
use chrono_tz::Tz;
use protocol::analytics::{ListKind, UsageEvent};
use protocol::error::ErrorBody;
use protocol::events::{
    Announcement, Attendee, Checkin, CheckinRequest, CreateAnnouncement, CreateEvent, Event, EventSearch,
    EventVisibility, MyEventsQuery, MyEventsRole, OrganizerRequest, PageQuery, Rsvp, RsvpIntent, RsvpRequest,
    RsvpStatus, UpdateEvent, Venue,
};
use protocol::realtime::{Channel, MessageBody};
use protocol::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::cached;
use crate::conflict::Conflict;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser, MaybeAuthUser};
use crate::readcache;
use crate::render::{self, EventContext};
use crate::state::AppState;
use crate::store::{
    random_code, CheckinOutcome, EventFields, EventFilter, EventRow, Membership, NewEvent, RsvpRow, VenueFields,
};
use crate::validate::{self, Problems};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_event, search_events))
        .routes(routes!(my_events))
        .routes(routes!(get_event, update_event, delete_event))
        .routes(routes!(get_rsvp, set_rsvp, cancel_rsvp))
        .routes(routes!(list_attendees))
        .routes(routes!(check_in))
        .routes(routes!(post_announcement, list_announcements))
        .routes(routes!(add_organizer))
        .routes(routes!(remove_organizer))
}

/// Longest event accepted.
const MAX_EVENT_DAYS: i64 = 31;

/// Validates a full event description into storable fields.
fn event_fields(input: &CreateEvent) -> ApiResult<EventFields> {
    let mut p = Problems::default();
    let title = p.line("title", &input.title, 1, 200);
    let description = p.text("description", &input.description, 20_000);
    let tags = p.tags("tags", &input.tags, 20);
    if input.timezone.parse::<Tz>().is_err() {
        p.add("timezone", "must be an IANA time zone name such as Europe/Berlin");
    }
    let starts_at = input.starts_at.timestamp_millis();
    let ends_at = input.ends_at.timestamp_millis();
    let year = input.starts_at.with_timezone(&Utc).format("%Y").to_string().parse::<i32>().unwrap_or(0);
    if !(2000..=2200).contains(&year) {
        p.add("starts_at", "must be between the years 2000 and 2200");
    }
    if ends_at <= starts_at {
        p.add("ends_at", "must be after starts_at");
    } else if ends_at - starts_at > MAX_EVENT_DAYS * 86_400_000 {
        p.add("ends_at", format!("events last at most {MAX_EVENT_DAYS} days"));
    }
    let venue = input.venue.as_ref().map(|v| venue_fields(&mut p, v));
    let online_url = input.online_url.as_deref().map(|raw| {
        let raw = raw.trim();
        match url::Url::parse(raw) {
            Ok(u)
                if (u.scheme() == "https" || u.scheme() == "http")
                    && u.host().is_some()
                    && raw.len() <= 2048
                    && !raw.chars().any(char::is_control) => {}
            _ => p.add("online_url", "must be an http(s) URL of at most 2048 characters"),
        }
        raw.to_owned()
    });
    if venue.is_none() && online_url.is_none() {
        p.add("venue", "an event needs a venue, an online_url, or both");
    }
    if let Some(c) = input.capacity {
        if !(1..=1_000_000).contains(&c) {
            p.add("capacity", "must be between 1 and 1000000, or null for no limit");
        }
    }
    p.finish()?;
    Ok(EventFields {
        title,
        description,
        tags,
        starts_at,
        ends_at,
        timezone: input.timezone.clone(),
        venue,
        online_url,
        capacity: input.capacity,
        visibility: input.visibility,
    })
}

fn venue_fields(p: &mut Problems, v: &Venue) -> VenueFields {
    let name = p.line("venue.name", &v.name, 1, 200);
    let address = p.line("venue.address", &v.address, 0, 300);
    let city = p.line("venue.city", &v.city, 0, 100);
    if !v.lat.is_finite() || !(-90.0..=90.0).contains(&v.lat) {
        p.add("venue.lat", "must be between -90 and 90");
    }
    if !v.lon.is_finite() || !(-180.0..=180.0).contains(&v.lon) {
        p.add("venue.lon", "must be between -180 and 180");
    }
    VenueFields { name, address, city, lat: v.lat, lon: v.lon }
}

/// The event as it stands, in the shape of a create request, so a patch can be laid over it and
/// validated as a whole.
fn as_create(row: &EventRow) -> CreateEvent {
    let e = render::event(row, EventContext::default());
    CreateEvent {
        title: e.title,
        description: e.description,
        tags: e.tags,
        starts_at: e.starts_at,
        ends_at: e.ends_at,
        timezone: e.timezone,
        venue: e.venue,
        online_url: e.online_url,
        capacity: e.capacity,
        visibility: e.visibility,
    }
}

/// Renders rows for `viewer`, fetching organizers and the viewer's RSVPs in one query each.
pub(crate) async fn render_events(
    state: &AppState,
    rows: &[EventRow],
    viewer: Option<Uuid>,
    near: Option<(f64, f64)>,
) -> ApiResult<Vec<Event>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut organizers: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for (event, user) in state.store.organizers_of(&ids).await? {
        organizers.entry(event).or_default().push(user);
    }
    let mut rsvps: HashMap<Uuid, RsvpStatus> = HashMap::new();
    if let Some(viewer) = viewer {
        rsvps.extend(state.store.rsvp_statuses(viewer, &ids).await?);
    }
    Ok(rows
        .iter()
        .map(|row| {
            let organizer_ids = organizers.remove(&row.id).unwrap_or_default();
            let is_organizer = viewer.is_some_and(|v| organizer_ids.contains(&v));
            let distance_km = match (near, row.lat, row.lon) {
                (Some((lat, lon)), Some(elat), Some(elon)) => {
                    Some((render::haversine_km(lat, lon, elat, elon) * 100.0).round() / 100.0)
                }
                _ => None,
            };
            render::event(
                row,
                EventContext { organizer_ids, my_rsvp: rsvps.get(&row.id).copied(), is_organizer, distance_km },
            )
        })
        .collect())
}

async fn render_one(state: &AppState, row: &EventRow, viewer: Option<Uuid>) -> ApiResult<Event> {
    let mut events = render_events(state, std::slice::from_ref(row), viewer, None).await?;
    events.pop().ok_or_else(|| anyhow::anyhow!("rendering lost the event").into())
}

async fn load_event(state: &AppState, id: Uuid) -> ApiResult<EventRow> {
    state.store.event(id).await?.ok_or_else(|| ApiError::not_found("event"))
}

/// What follows every change to who holds a seat or is checked in at `event`: what it made
/// `stale` leaves the read cache on every node, subscribers of `event:{id}` get the new counts,
/// and the suggestions of everyone whose standing changed (the person concerned, if any, and
/// everyone the change moved from the waitlist to a seat) are recomputed.
pub(crate) async fn seats_changed(
    state: &AppState,
    event: Uuid,
    person: Option<Uuid>,
    promoted: &[Uuid],
    stale: &[readcache::Stale],
) {
    state.cache.invalidate(stale).await;
    state.realtime.counters_changed(event);
    if !promoted.is_empty() {
        tracing::info!(%event, promoted = promoted.len(), "waitlist promoted");
    }
    let people: Vec<Uuid> = person.into_iter().chain(promoted.iter().copied()).collect();
    if !people.is_empty() {
        state.suggester.people_changed(event, people);
    }
}

async fn require_organizer(state: &AppState, event: Uuid, user: Uuid) -> ApiResult<()> {
    if state.store.is_organizer(event, user).await? {
        Ok(())
    } else {
        Err(ApiError::Forbidden("not_organizer", "only the event's organizers may do this".to_owned()))
    }
}

/// Where the deployment requires it (`MINGLE_REQUIRE_ORGANIZER_MFA`), organizing needs an
/// account protected by a second factor: organizers hold other people's data.
async fn require_organizer_mfa(state: &AppState, user: Uuid) -> ApiResult<()> {
    if !state.settings.require_organizer_mfa {
        return Ok(());
    }
    let protected = match state.store.user_by_id(user).await? {
        Some(row) => super::accounts::two_step(state, &row).await?,
        None => false,
    };
    if protected {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "mfa_required_for_organizers",
            "organizers must turn on two-step sign-in first: set up an authenticator app in your account's security \
             settings"
                .to_owned(),
        ))
    }
}

/// Create an event; the caller becomes its owner and first organizer.
#[utoipa::path(post, path = "/events", tag = "events", security(("bearer" = [])), request_body = CreateEvent,
    responses((status = 201, body = Event), (status = 401, body = ErrorBody),
        (status = 403, description = "`mfa_required_for_organizers` where the deployment requires a second factor", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn create_event(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<CreateEvent>,
) -> ApiResult<(StatusCode, Json<Event>)> {
    require_organizer_mfa(&state, user.id).await?;
    let fields = event_fields(&body)?;
    if fields.ends_at <= Utc::now().timestamp_millis() {
        return Err(ApiError::invalid("ends_at", "must be in the future"));
    }
    let row = state.store.create_event(&NewEvent { owner_id: user.id, fields, checkin_code: random_code(6) }).await?;
    state.cache.invalidate(&cached::after_event_change(None)).await;
    cached::wrote(&state, user.id, Change::Published(readcache::event(row.id)));
    state.analytics.record(Some(user.id), UsageEvent::EventCreated { event_id: row.id });
    Ok((StatusCode::CREATED, Json(render_one(&state, &row, Some(user.id)).await?)))
}

/// Search public events: full text over title, description and tags; by tag; by time window;
/// by distance from a point. Ordered by start time. Without `from`, events that have already
/// ended are left out.
#[utoipa::path(get, path = "/events", tag = "events", params(EventSearch),
    responses((status = 200, body = Page<Event>), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn search_events(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    ApiQuery(query): ApiQuery<EventSearch>,
) -> ApiResult<Json<Page<Event>>> {
    let mut p = Problems::default();
    let words = query.q.as_deref().filter(|q| !q.trim().is_empty()).map(|q| {
        if q.chars().count() > 200 {
            p.add("q", "must be at most 200 characters");
        }
        validate::search_words(q)
    });
    let tag = query.tag.as_deref().map(validate::normalize_tag).filter(|t| !t.is_empty());
    if tag.as_ref().is_some_and(|t| t.chars().count() > 40 || t.chars().any(char::is_control)) {
        p.add("tag", "tags are 1 to 40 letters, digits and - + # .");
    }
    let from = p.instant("from", query.from.as_deref());
    let to = p.instant("to", query.to.as_deref());
    let near = match (query.lat, query.lon, query.radius_km) {
        (None, None, None) => None,
        (Some(lat), Some(lon), radius) => {
            let radius = radius.unwrap_or(50.0);
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                p.add("lat", "must be between -90 and 90");
            }
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                p.add("lon", "must be between -180 and 180");
            }
            if !radius.is_finite() || radius <= 0.0 || radius > 20_000.0 {
                p.add("radius_km", "must be more than 0 and at most 20000");
            }
            Some((lat, lon, radius))
        }
        _ => {
            p.add("lat", "lat and lon go together (radius_km defaults to 50)");
            None
        }
    };
    if let (Some(from), Some(to)) = (from, to) {
        if to < from {
            p.add("to", "must not be before from");
        }
    }
    let limit = render::page_limit(query.limit);
    p.finish()?;
    let limit = limit?;
    let after = query.cursor.as_deref().map(render::decode_cursor).transpose()?;
    // Every parameter that shapes the page, the viewer aside: the read cache's key for it.
    let key =
        search_key(&format!("{words:?}|{tag:?}|{from:?}|{to:?}|{:?}|{near:?}|{after:?}|{limit}", query.to.is_some()));
    let filter = EventFilter {
        words,
        tag,
        from: from.or_else(|| if query.to.is_none() { Some(Utc::now().timestamp_millis()) } else { None }),
        to,
        near,
        after,
        limit,
        member: None,
    };
    let run = |viewer: Option<Uuid>| {
        let (state, filter) = (&state, &filter);
        async move {
            let mut rows = state.store.search_events(filter).await?;
            let next_cursor = page_cursor(&mut rows, limit, |r| (r.starts_at, r.id));
            let items = render_events(state, &rows, viewer, near.map(|(lat, lon, _)| (lat, lon))).await?;
            Ok(Page { items, next_cursor, request_id: None })
        }
    };
    let mut page = cached::search_page(&state, key, viewer, run(None), run(viewer)).await?;
    // What a signed-in person was shown, so that an open and an RSVP can be credited to it.
    page.request_id = viewer.map(|viewer| {
        let list = if filter.words.is_some() { ListKind::Search } else { ListKind::Browse };
        state.analytics.shown(viewer, list, page.items.iter().map(|e| e.id), None, None, None)
    });
    Ok(Json(page))
}

/// A search's key in the read cache, from its parameters written out.
fn search_key(parameters: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    parameters.hash(&mut hasher);
    hasher.finish()
}

/// The caller's own events, unlisted ones included: those they organize, those they RSVPed to,
/// or both. Ordered by start time; ended events only with `include_past=true`.
#[utoipa::path(get, path = "/me/events", tag = "events", security(("bearer" = [])), params(MyEventsQuery),
    responses((status = 200, body = Page<Event>), (status = 401, body = ErrorBody)))]
async fn my_events(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<MyEventsQuery>,
) -> ApiResult<Json<Page<Event>>> {
    let limit = render::page_limit(query.limit)?;
    let after = query.cursor.as_deref().map(render::decode_cursor).transpose()?;
    let membership = match query.role {
        Some(MyEventsRole::Organizing) => Membership::Organizing,
        Some(MyEventsRole::Attending) => Membership::Attending,
        None => Membership::Either,
    };
    let filter = EventFilter {
        member: Some((user.id, membership)),
        from: (!query.include_past.unwrap_or(false)).then(|| Utc::now().timestamp_millis()),
        after,
        limit,
        ..EventFilter::default()
    };
    let mut rows = state.store.search_events(&filter).await?;
    let next_cursor = page_cursor(&mut rows, limit, |r| (r.starts_at, r.id));
    Ok(Json(Page { items: render_events(&state, &rows, Some(user.id), None).await?, next_cursor, request_id: None }))
}

/// Trims the extra row fetched to detect a next page and answers the cursor after the last kept.
pub(crate) fn page_cursor<T>(rows: &mut Vec<T>, limit: i64, key: impl Fn(&T) -> (i64, Uuid)) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|r| {
            let (at, id) = key(r);
            render::encode_cursor(at, id)
        })
    } else {
        None
    }
}

/// One event, public or unlisted. Organizers also see its check-in code.
#[utoipa::path(get, path = "/events/{id}", tag = "events", params(("id" = Uuid, Path)),
    responses((status = 200, body = Event), (status = 404, body = ErrorBody)))]
async fn get_event(
    State(state): State<AppState>,
    MaybeAuthUser(viewer): MaybeAuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let page = |viewer| {
        let state = &state;
        async move { render_one(state, &load_event(state, id).await?, viewer).await }
    };
    Box::pin(cached::event_page(&state, id, viewer, public_page(&state, id), page(viewer))).await
}

/// An event's page for nobody in particular: what the read cache holds.
pub(crate) async fn public_page(state: &AppState, id: Uuid) -> ApiResult<Event> {
    render_one(state, &load_event(state, id).await?, None).await
}

/// Edit an event (organizers). Absent fields stay; `null` clears `venue`, `online_url` or
/// `capacity`. Raising the capacity promotes people from the waitlist.
#[utoipa::path(patch, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateEvent,
    responses((status = 200, body = Event), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_event(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(patch): ApiJson<UpdateEvent>,
) -> ApiResult<Json<Event>> {
    load_event(&state, id).await?;
    require_organizer(&state, id, user.id).await?;
    require_organizer_mfa(&state, user.id).await?;
    let result = state
        .store
        .update_event(id, |current| {
            let mut e = as_create(current);
            if let Some(v) = patch.title {
                e.title = v;
            }
            if let Some(v) = patch.description {
                e.description = v;
            }
            if let Some(v) = patch.tags {
                e.tags = v;
            }
            if let Some(v) = patch.starts_at {
                e.starts_at = v;
            }
            if let Some(v) = patch.ends_at {
                e.ends_at = v;
            }
            if let Some(v) = patch.timezone {
                e.timezone = v;
            }
            if let Some(v) = patch.venue {
                e.venue = v;
            }
            if let Some(v) = patch.online_url {
                e.online_url = v;
            }
            if let Some(v) = patch.capacity {
                e.capacity = v;
            }
            if let Some(v) = patch.visibility {
                e.visibility = v;
            }
            event_fields(&e)
        })
        .await
        .map_err(|e| match e {
            crate::store::StoreError::NotFound => ApiError::not_found("event"),
            other => other.into(),
        })?;
    let (row, promoted) = result?;
    // Before anything else can fail, and before the push that makes clients fetch the page again.
    state.cache.invalidate(&cached::after_event_change(Some(id))).await;
    let event = render_one(&state, &row, None).await?;
    let body = MessageBody::EventUpdated { event: Box::new(event.clone()) };
    if let Err(e) = state.realtime.post(Channel::Event(id), Some(user.id), body).await {
        tracing::error!(error = %e, event = %id, "pushing an event update live failed");
    }
    seats_changed(&state, id, None, &promoted, &[]).await;
    cached::wrote(&state, user.id, Change::EventEdit(readcache::event(id)));
    Ok(Json(render_one(&state, &row, Some(user.id)).await?))
}

/// Delete an event with its RSVPs and announcements (owner only).
#[utoipa::path(delete, path = "/events/{id}", tag = "events", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn delete_event(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let row = load_event(&state, id).await?;
    if row.owner_id != user.id {
        return Err(ApiError::Forbidden("not_owner", "only the event's owner may delete it".to_owned()));
    }
    let members = state.store.event_members(id).await?;
    state.store.delete_event(id).await?;
    state.cache.invalidate(&cached::after_event_change(Some(id))).await;
    state.realtime.access_changed(members).await;
    Ok(StatusCode::NO_CONTENT)
}

async fn render_rsvp(state: &AppState, row: &RsvpRow) -> ApiResult<Rsvp> {
    Ok(Rsvp {
        event_id: row.event_id,
        user_id: row.user_id,
        status: row.status,
        waitlist_position: state.store.waitlist_position(row).await?,
        personal_code: row.personal_code.clone(),
        checked_in_at: row.checked_in_at.map(render::utc),
        updated_at: render::utc(row.updated_at),
    })
}

/// The caller's RSVP to the event.
#[utoipa::path(get, path = "/events/{id}/rsvp", tag = "rsvp", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = Rsvp), (status = 404, body = ErrorBody)))]
async fn get_rsvp(State(state): State<AppState>, user: AuthUser, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Rsvp>> {
    load_event(&state, id).await?;
    let row = state.store.rsvp(id, user.id).await?.ok_or_else(|| ApiError::not_found("RSVP"))?;
    Ok(Json(render_rsvp(&state, &row).await?))
}

/// RSVP `going` or `interested`. Going takes a seat, or a place on the waitlist when the event
/// is full (answered as `waitlisted` with a position); waitlisted people get seats in the order
/// they joined as seats free up.
#[utoipa::path(post, path = "/events/{id}/rsvp", tag = "rsvp", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = RsvpRequest,
    responses((status = 200, body = Rsvp), (status = 404, body = ErrorBody), (status = 409, description = "`event_ended`, `already_checked_in`", body = ErrorBody)))]
async fn set_rsvp(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RsvpRequest>,
) -> ApiResult<Json<Rsvp>> {
    let change = state.store.set_rsvp(id, user.id, body.status == RsvpIntent::Going).await.map_err(not_found_event)?;
    seats_changed(&state, id, Some(user.id), &change.promoted, &cached::after_rsvp(id)).await;
    cached::wrote(&state, user.id, Change::Rsvp(readcache::event(id)));
    let row = change.rsvp.ok_or_else(|| anyhow::anyhow!("RSVP missing after upsert"))?;
    state.analytics.record(Some(user.id), UsageEvent::Rsvp { event_id: id, status: row.status });
    if row.status != RsvpStatus::Going {
        // Interested or waitlisted: no seat, so no event chat or presence (any more).
        state.realtime.access_changed(vec![user.id]).await;
    }
    Ok(Json(render_rsvp(&state, &row).await?))
}

fn not_found_event(e: crate::store::StoreError) -> ApiError {
    match e {
        crate::store::StoreError::NotFound => ApiError::not_found("event"),
        other => other.into(),
    }
}

/// Withdraw the caller's RSVP; a freed seat goes to the first person on the waitlist.
#[utoipa::path(delete, path = "/events/{id}/rsvp", tag = "rsvp", security(("bearer" = [])), params(("id" = Uuid, Path)),
    responses((status = 204, description = "Withdrawn"), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel_rsvp(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    let change = state.store.cancel_rsvp(id, user.id).await.map_err(not_found_event)?;
    seats_changed(&state, id, Some(user.id), &change.promoted, &cached::after_rsvp(id)).await;
    cached::wrote(&state, user.id, Change::Rsvp(readcache::event(id)));
    state.analytics.record(Some(user.id), UsageEvent::RsvpWithdrawn { event_id: id });
    state.realtime.access_changed(vec![user.id]).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Who is coming. Organizers see everyone with a seat or on the waitlist; others see attendees
/// whose profile visibility allows it, never across a block. An unlisted event's list is for
/// its organizers and the people going or waitlisted only.
#[utoipa::path(get, path = "/events/{id}/attendees", tag = "rsvp", security(("bearer" = [])),
    params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Attendee>), (status = 403, description = "`not_attending` (unlisted events)", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn list_attendees(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Attendee>>> {
    let limit = render::page_limit(page.limit)?;
    let after = page.cursor.as_deref().map(render::decode_cursor).transpose()?;
    let event = load_event(&state, id).await?;
    let organizer = state.store.is_organizer(id, user.id).await?;
    if event.visibility == EventVisibility::Unlisted && !organizer {
        // A link to an unlisted event travels: who is coming is for those who are.
        let rsvp = state.store.rsvp(id, user.id).await?;
        if !rsvp.is_some_and(|r| matches!(r.status, RsvpStatus::Going | RsvpStatus::Waitlisted)) {
            return Err(ApiError::Forbidden(
                "not_attending",
                "the attendee list of an unlisted event is for its attendees and organizers".to_owned(),
            ));
        }
    }
    let mut rows = state.store.attendees(id, user.id, organizer, after, limit).await?;
    let next_cursor = page_cursor(&mut rows, limit, |r| (r.rsvp_created_at, r.id));
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        let waitlist_position = match r.waitlisted_at {
            Some(at) if organizer => Some(state.store.waitlist_position_at(id, at, r.id).await?),
            _ => None,
        };
        items.push(Attendee {
            profile: render::attendee_profile(r),
            status: r.status,
            checked_in: r.checked_in_at.is_some(),
            waitlist_position,
        });
    }
    Ok(Json(Page { items, next_cursor, request_id: None }))
}

/// Check in. Organizers send the attendee's `user_id` or personal `code`; attendees check
/// themselves in with the event's check-in `code`, or, at an online-only event (no venue, so no
/// code shown anywhere), with nothing at all: joining is being there. Open from 24 hours before
/// the start until the end.
#[utoipa::path(post, path = "/events/{id}/checkin", tag = "rsvp", security(("bearer" = [])), params(("id" = Uuid, Path)),
    request_body = CheckinRequest,
    responses((status = 200, body = Checkin), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`checkin_closed`, `not_going`", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_in(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CheckinRequest>,
) -> ApiResult<Json<Checkin>> {
    let event = load_event(&state, id).await?;
    let organizer = state.store.is_organizer(id, user.id).await?;
    let code = body.code.as_deref().map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty());
    if code.as_ref().is_some_and(|c| c.len() > 32 || !c.chars().all(|ch| ch.is_ascii_alphanumeric())) {
        return Err(ApiError::invalid("code", "unknown code"));
    }
    let online_only = event.venue_name.is_none() && event.online_url.is_some();
    let attendee = match (body.user_id, code) {
        (None, None) if online_only => user.id,
        (None, None) => return Err(ApiError::invalid("code", "send `code`, or `user_id` as an organizer")),
        (Some(target), code) => {
            if target != user.id && !organizer {
                return Err(ApiError::Forbidden("not_organizer", "only organizers check other people in".to_owned()));
            }
            if target == user.id && !organizer && !(online_only && code.is_none()) {
                // At a venue, attendees prove presence with the event's code.
                match code.as_deref() {
                    Some(c) if c == event.checkin_code => {}
                    _ => return Err(ApiError::Forbidden("wrong_code", "check-in code does not match".to_owned())),
                }
            }
            if let Some(c) = code.filter(|_| organizer && target != user.id) {
                let rsvp = state.store.rsvp(id, target).await?;
                if rsvp.is_none_or(|r| r.personal_code != c) {
                    return Err(ApiError::Forbidden("wrong_code", "personal code does not match".to_owned()));
                }
            }
            target
        }
        (None, Some(c)) if c == event.checkin_code => user.id,
        (None, Some(c)) if organizer => match state.store.rsvp_by_code(id, &c).await? {
            Some(rsvp) => rsvp.user_id,
            None => return Err(ApiError::NotFound("unknown_code", "no attendee holds this personal code".to_owned())),
        },
        (None, Some(_)) => return Err(ApiError::Forbidden("wrong_code", "check-in code does not match".to_owned())),
    };
    let outcome = state.store.check_in(id, attendee).await.map_err(not_found_event)?;
    seats_changed(&state, id, Some(attendee), &[], &cached::after_check_in(id)).await;
    cached::wrote(&state, attendee, Change::CheckIn(readcache::event(id)));
    let (at, newly) = match outcome {
        CheckinOutcome::CheckedIn { at } => (at, true),
        CheckinOutcome::AlreadyCheckedIn { at } => (at, false),
    };
    if newly {
        state.analytics.record_at(at, Some(attendee), &UsageEvent::CheckIn { event_id: id });
    }
    Ok(Json(Checkin { event_id: id, user_id: attendee, checked_in_at: render::utc(at), newly_checked_in: newly }))
}

/// Post an announcement to the event (organizers).
#[utoipa::path(post, path = "/events/{id}/announcements", tag = "events", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = CreateAnnouncement,
    responses((status = 201, body = Announcement), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn post_announcement(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<CreateAnnouncement>,
) -> ApiResult<(StatusCode, Json<Announcement>)> {
    load_event(&state, id).await?;
    require_organizer(&state, id, user.id).await?;
    let mut p = Problems::default();
    let text = p.text("body", &body.body, 4000);
    if text.is_empty() {
        p.add("body", "must not be empty");
    }
    p.finish()?;
    let row = state.store.create_announcement(id, user.id, &text).await?;
    cached::wrote(&state, user.id, Change::Announcement(readcache::event(id)));
    let announcement = render::announcement(&row);
    let body = MessageBody::Announcement { announcement: announcement.clone() };
    if let Err(e) = state.realtime.post(Channel::Event(id), Some(user.id), body).await {
        // The announcement is saved and listed; only its live push failed.
        tracing::error!(error = %e, event = %id, "pushing an announcement live failed");
    }
    Ok((StatusCode::CREATED, Json(announcement)))
}

/// The event's announcements, newest first.
#[utoipa::path(get, path = "/events/{id}/announcements", tag = "events", params(("id" = Uuid, Path), PageQuery),
    responses((status = 200, body = Page<Announcement>), (status = 404, body = ErrorBody)))]
async fn list_announcements(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<Announcement>>> {
    let limit = render::page_limit(page.limit)?;
    let before = page.cursor.as_deref().map(render::decode_cursor).transpose()?;
    load_event(&state, id).await?;
    let mut rows = state.store.announcements(id, before, limit).await?;
    let next_cursor = page_cursor(&mut rows, limit, |r| (r.created_at, r.id));
    Ok(Json(Page { items: rows.iter().map(render::announcement).collect(), next_cursor, request_id: None }))
}

/// Add a co-organizer (organizers).
#[utoipa::path(post, path = "/events/{id}/organizers", tag = "events", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = OrganizerRequest,
    responses((status = 200, body = Event), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn add_organizer(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<OrganizerRequest>,
) -> ApiResult<Json<Event>> {
    load_event(&state, id).await?;
    require_organizer(&state, id, user.id).await?;
    if state.store.user_by_id(body.user_id).await?.is_none() {
        return Err(ApiError::not_found("user"));
    }
    state.store.add_organizer(id, body.user_id).await?;
    state.cache.invalidate(&cached::after_event_change(Some(id))).await;
    let row = load_event(&state, id).await?;
    Ok(Json(render_one(&state, &row, Some(user.id)).await?))
}

/// Remove a co-organizer: the owner removes anyone but themselves; a co-organizer may step down.
#[utoipa::path(delete, path = "/events/{id}/organizers/{user_id}", tag = "events", security(("bearer" = [])),
    params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    responses((status = 204, description = "Removed"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn remove_organizer(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, target)): ApiPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    let event = load_event(&state, id).await?;
    if target == event.owner_id {
        return Err(ApiError::Conflict(Conflict::OwnerStays));
    }
    if user.id != event.owner_id && user.id != target {
        return Err(ApiError::Forbidden("not_owner", "only the owner removes other organizers".to_owned()));
    }
    if state.store.remove_organizer(id, target).await? {
        state.cache.invalidate(&cached::after_event_change(Some(id))).await;
        state.realtime.access_changed(vec![target]).await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("organizer"))
    }
}
