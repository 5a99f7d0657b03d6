//! Meetings: an attendee asks another for a meeting at the event; the other accepts or
//! declines; either cancels. Both are told live on their `user:{id}` channels, and an accepted
//! meeting opens their DM conversation.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::Duration;
use protocol::error::ErrorBody;
use protocol::events::RsvpStatus;
use protocol::meetings::{Meeting, MeetingStatus, MeetingsQuery, Participant, RequestMeeting};
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
}

async fn participant(state: &AppState, id: Uuid) -> ApiResult<Participant> {
    let row = state.store.user_by_id(id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    Ok(Participant { id, display_name: row.display_name, headline: row.headline })
}

async fn render_meeting(state: &AppState, row: &MeetingRow) -> ApiResult<Meeting> {
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
async fn notify(state: &AppState, meeting: &Meeting) {
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
    let meeting = render_meeting(&state, &row).await?;
    notify(&state, &meeting).await;
    Ok((StatusCode::CREATED, Json(meeting)))
}

async fn act(state: AppState, user: AuthUser, id: Uuid, action: MeetingAction) -> ApiResult<Json<Meeting>> {
    let row = state.store.act_on_meeting(id, user.id, action).await.map_err(|e| match e {
        StoreError::NotFound => ApiError::not_found("meeting"),
        other => other.into(),
    })?;
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
    Ok(Json(Page { items, next_cursor: None }))
}
