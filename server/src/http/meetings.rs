//! Meetings: an attendee asks another for a meeting at the event; the other accepts or
//! declines; either cancels. Both are told live on their `user:{id}` channels, and an accepted
//! meeting opens their DM conversation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Duration;
use protocol::analytics::UsageEvent;
use protocol::error::ErrorBody;
use protocol::events::RsvpStatus;
use protocol::meetings::{
    FreeTimes, FreeTimesQuery, Meeting, MeetingStatus, MeetingsQuery, Participant, RequestMeeting, TimeSlot,
};
use protocol::realtime::{Channel, MessageBody};
use protocol::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::render;
use crate::state::AppState;
use crate::store::{MeetingAction, MeetingRow, NewMeeting, StoreError};
use crate::validate::Problems;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_meeting))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(cancel))
        .routes(routes!(my_meetings))
        .routes(routes!(free_times))
}

async fn participant(state: &AppState, id: Uuid) -> ApiResult<Participant> {
    let row = state.store.user_by_id(id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Participant { id, display_name: row.display_name, headline: row.headline })
}

pub(crate) async fn render_meeting(state: &AppState, row: &MeetingRow) -> ApiResult<Meeting> {
    let status = row.status;
    let channel = if status == MeetingStatus::Accepted {
        let conversation = state.store.conversation_between(row.from_user, row.to_user).await?;
        Some(Channel::Dm(conversation).to_string())
    } else {
        None
    };
    Ok(Meeting {
        id: row.id,
        event_id: row.event_id,
        status,
        from: participant(state, row.from_user).await?,
        to: participant(state, row.to_user).await?,
        message: row.message.clone(),
        starts_at: render::utc(row.starts_at),
        ends_at: render::utc(row.ends_at),
        place: row.place.clone(),
        channel,
        created_at: render::utc(row.created_at),
        updated_at: render::utc(row.updated_at),
    })
}

/// Tells both participants, on every device, that the meeting changed.
pub(crate) async fn notify(state: &AppState, meeting: &Meeting) {
    let body = MessageBody::Meeting { meeting: Box::new(meeting.clone()) };
    for user in [meeting.from.id, meeting.to.id] {
        if let Err(e) = state.realtime.post(Channel::User(user), None, body.clone()).await {
            tracing::error!(error = %e, %user, "meeting notification failed");
        }
    }
}

/// Whether `user` takes part in `event`: an organizer, or an attendee holding a seat.
async fn attends(state: &AppState, event: Uuid, user: Uuid) -> ApiResult<bool> {
    if state.store.is_organizer(event, user).await? {
        return Ok(true);
    }
    Ok(state.store.rsvp(event, user).await?.is_some_and(|r| r.status == RsvpStatus::Going))
}

/// Ask another attendee for a meeting at the event, at a time within it.
#[utoipa::path(post, path = "/events/{id}/meetings", tag = "meetings", security(("bearer" = [])),
    params(("id" = Uuid, Path)), request_body = RequestMeeting,
    responses((status = 201, body = Meeting), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`already_requested`, `slot_taken`", body = ErrorBody)))]
async fn request_meeting(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(event_id): ApiPath<Uuid>,
    ApiJson(body): ApiJson<RequestMeeting>,
) -> ApiResult<(StatusCode, Json<Meeting>)> {
    let event = state.store.event(event_id).await?.ok_or_else(|| ApiError::not_found("event"))?;
    let mut p = Problems::default();
    let message = p.text("message", &body.message, 500);
    let place = p.line("place", &body.place, 0, 200);
    let minutes = body.duration_minutes.unwrap_or(30);
    if !(5..=240).contains(&minutes) {
        p.add("duration_minutes", "must be between 5 and 240");
    }
    if body.to_user_id == user.id {
        p.add("to_user_id", "a meeting needs someone else");
    }
    let starts_at = body.starts_at.timestamp_millis();
    let ends_at = (body.starts_at + Duration::minutes(i64::from(minutes))).timestamp_millis();
    if starts_at < event.starts_at || starts_at >= event.ends_at {
        p.add("starts_at", "must be during the event");
    }
    if ends_at <= chrono::Utc::now().timestamp_millis() {
        p.add("starts_at", "must not be over already");
    }
    p.finish()?;
    if !attends(&state, event_id, user.id).await? {
        return Err(ApiError::Forbidden("not_attending", "only attendees and organizers arrange meetings here".into()));
    }
    let other = state.store.user_by_id(body.to_user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    // Someone who cannot see the other's profile (hidden, blocked) cannot ask them either.
    if !state.store.can_view_profile(user.id, &other).await? || !attends(&state, event_id, other.id).await? {
        return Err(ApiError::not_found("attendee"));
    }
    let row = state
        .store
        .request_meeting(&NewMeeting {
            event_id,
            from_user: user.id,
            to_user: other.id,
            message,
            starts_at,
            ends_at,
            place,
        })
        .await?;
    state
        .analytics
        .record(Some(user.id), UsageEvent::MeetingRequested { event_id, meeting_id: row.id, with: other.id });
    let meeting = render_meeting(&state, &row).await?;
    notify(&state, &meeting).await;
    Ok((StatusCode::CREATED, Json(meeting)))
}

/// The first times during the event, on quarter hours, when neither the caller nor `with` has
/// an arranged meeting: what to offer when a requested time clashes.
#[utoipa::path(get, path = "/events/{id}/meetings/free-times", tag = "meetings", security(("bearer" = [])),
    params(("id" = Uuid, Path), FreeTimesQuery),
    responses((status = 200, body = FreeTimes), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn free_times(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(event_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<FreeTimesQuery>,
) -> ApiResult<Json<FreeTimes>> {
    let event = state.store.event(event_id).await?.ok_or_else(|| ApiError::not_found("event"))?;
    let mut p = Problems::default();
    let minutes = query.duration_minutes.unwrap_or(30);
    if !(5..=240).contains(&minutes) {
        p.add("duration_minutes", "must be between 5 and 240");
    }
    let after = p.instant("after", query.after.as_deref());
    p.finish()?;
    if !attends(&state, event_id, user.id).await? {
        return Err(ApiError::Forbidden("not_attending", "only attendees and organizers arrange meetings here".into()));
    }
    let other = state.store.user_by_id(query.with).await?.ok_or_else(|| ApiError::not_found("attendee"))?;
    if other.id == user.id
        || !state.store.can_view_profile(user.id, &other).await?
        || !attends(&state, event_id, other.id).await?
    {
        return Err(ApiError::not_found("attendee"));
    }
    let from = event.starts_at.max(chrono::Utc::now().timestamp_millis()).max(after.unwrap_or(i64::MIN));
    let busy = state.store.busy_spans(user.id, other.id, from, event.ends_at).await?;
    let length = i64::from(minutes) * 60_000;
    let slots = free_slots(&busy, from, event.ends_at, length, 5)
        .into_iter()
        .map(|start| TimeSlot { starts_at: render::utc(start), ends_at: render::utc(start + length) })
        .collect();
    Ok(Json(FreeTimes { slots }))
}

/// Quarter hours, in milliseconds: the grid free times are offered on.
const SLOT_STEP: i64 = 15 * 60_000;

/// Up to `limit` starts on the quarter-hour grid from `from`, each leaving `length` free of
/// every span in `busy` and ending by `until`.
fn free_slots(busy: &[(i64, i64)], from: i64, until: i64, length: i64, limit: usize) -> Vec<i64> {
    let on_grid =
        |t: i64| t.div_euclid(SLOT_STEP) * SLOT_STEP + if t.rem_euclid(SLOT_STEP) > 0 { SLOT_STEP } else { 0 };
    let mut slots = Vec::new();
    let mut start = on_grid(from);
    while slots.len() < limit && start + length <= until {
        let end = start + length;
        match busy.iter().filter(|(s, e)| *s < end && *e > start).map(|(_, e)| *e).max() {
            // Past the latest clash, onto the grid again.
            Some(clash_end) => start = on_grid(clash_end),
            None => {
                slots.push(start);
                start += SLOT_STEP;
            }
        }
    }
    slots
}

async fn act(state: AppState, user: AuthUser, id: Uuid, action: MeetingAction) -> ApiResult<Json<Meeting>> {
    let row = state.store.act_on_meeting(id, user.id, action).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("meeting"),
        other => other.into(),
    })?;
    let answered = match action {
        MeetingAction::Accept => {
            Some(UsageEvent::MeetingAccepted { event_id: row.event_id, meeting_id: row.id, with: row.from_user })
        }
        MeetingAction::Decline => {
            Some(UsageEvent::MeetingDeclined { event_id: row.event_id, meeting_id: row.id, with: row.from_user })
        }
        MeetingAction::Cancel => None,
    };
    if let Some(answered) = answered {
        state.analytics.record(Some(user.id), answered);
    }
    // Who met whom weighs both people's recommendations ("people you met are going").
    state.cache.invalidate(&super::cached::after_meeting(row.from_user, row.to_user)).await;
    let meeting = render_meeting(&state, &row).await?;
    notify(&state, &meeting).await;
    state.suggester.people_changed(row.event_id, [row.from_user, row.to_user]);
    Ok(Json(meeting))
}

/// Accept a meeting request (its recipient). Opens the DM channel of the two.
#[utoipa::path(post, path = "/meetings/{id}/accept", tag = "meetings", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn accept(State(state): State<AppState>, user: AuthUser, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Meeting>> {
    act(state, user, id, MeetingAction::Accept).await
}

/// Decline a meeting request (its recipient).
#[utoipa::path(post, path = "/meetings/{id}/decline", tag = "meetings", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decline(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Meeting>> {
    act(state, user, id, MeetingAction::Decline).await
}

/// Cancel a meeting: the requester while pending, either participant once accepted.
#[utoipa::path(post, path = "/meetings/{id}/cancel", tag = "meetings", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn cancel(State(state): State<AppState>, user: AuthUser, ApiPath(id): ApiPath<Uuid>) -> ApiResult<Json<Meeting>> {
    act(state, user, id, MeetingAction::Cancel).await
}

/// The caller's meetings, sent and received, by start time.
#[utoipa::path(get, path = "/me/meetings", tag = "meetings", security(("bearer" = [])), params(MeetingsQuery),
    responses((status = 200, body = Page<Meeting>)))]
async fn my_meetings(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<MeetingsQuery>,
) -> ApiResult<Json<Page<Meeting>>> {
    let rows = state.store.meetings_of(user.id, query.status, query.event_id).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in &rows {
        items.push(render_meeting(&state, row).await?);
    }
    Ok(Json(Page { items, next_cursor: None, request_id: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 60_000;

    #[test]
    fn free_times_start_on_quarter_hours_and_skip_arranged_meetings() {
        // The event runs 0..180 min; asked at minute 7 for 30 minutes; booked 30..60 and 70..100.
        let busy = [(30 * MIN, 60 * MIN), (70 * MIN, 100 * MIN)];
        let slots = free_slots(&busy, 7 * MIN, 180 * MIN, 30 * MIN, 5);
        assert_eq!(slots, [105, 120, 135, 150].map(|m| m * MIN), "15..45 clashes; 60..90 clashes too");
        assert_eq!(free_slots(&busy, 0, 180 * MIN, 30 * MIN, 1), [0], "a start on the grid is kept");
        assert_eq!(free_slots(&[], 0, 180 * MIN, 30 * MIN, 2), [0, 15 * MIN]);
    }

    #[test]
    fn no_free_time_when_the_event_is_booked_up_or_too_short() {
        assert!(free_slots(&[(0, 180 * MIN)], 0, 180 * MIN, 15 * MIN, 5).is_empty());
        assert!(free_slots(&[], 170 * MIN, 180 * MIN, 15 * MIN, 5).is_empty(), "ends by the event's end");
        assert!(free_slots(&[], 0, 180 * MIN, 30 * MIN, 0).is_empty());
    }
}
