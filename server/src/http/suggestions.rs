//! `/events/{id}/suggestions`: the caller's "people to meet" at an event, and feedback on them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::analytics::{ListKind, UsageEvent};
use protocol::error::ErrorBody;
use protocol::events::RsvpStatus;
use protocol::suggestions::{SuggestionFeedback, SuggestionList, Verdict};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::conflict::Conflict;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::state::AppState;
use crate::suggest::SuggestError;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(suggestions)).routes(routes!(feedback))
}

/// The caller must take part: an attendee holding a seat (checked in once the event started)
/// who opted in to matchmaking.
async fn check_participant(state: &AppState, event: Uuid, user: Uuid) -> ApiResult<()> {
    state.store.event(event).await?.ok_or_else(|| ApiError::not_found("event"))?;
    let me = state.store.user_by_id(user).await?.ok_or_else(|| ApiError::unauthorized("account no longer exists"))?;
    if !me.matchmaking {
        return Err(ApiError::Conflict(Conflict::MatchmakingOff));
    }
    if state.store.rsvp(event, user).await?.is_none_or(|r| r.status != RsvpStatus::Going) {
        return Err(ApiError::Forbidden("not_attending", "suggestions are for attendees holding a seat".into()));
    }
    Ok(())
}

/// The caller's "people to meet" at the event, best first, each with its reasons. The same list
/// is pushed on `user:{id}` whenever it changes.
#[utoipa::path(get, path = "/events/{id}/suggestions", tag = "suggestions", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = SuggestionList), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`matchmaking_off`", body = ErrorBody),
        (status = 503, description = "The matcher's model is not installed", body = ErrorBody)))]
async fn suggestions(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<SuggestionList>> {
    check_participant(&state, id, user.id).await?;
    match state.suggester.list(id, user.id).await {
        Ok(listed) => {
            // The list lives in the matcher, not in the read cache: it weighs nothing in the
            // cache's size, but its reads teach the forecast when people open it.
            let key = cache::Key::Suggestions(crate::readcache::person(user.id), crate::readcache::event(id));
            state.cache.read_list_by(Some(user.id), key, 0, listed.items.iter().map(|s| s.user.id));
            let request_id = state.analytics.shown(
                user.id,
                ListKind::Suggestions,
                listed.items.iter().map(|s| s.user.id),
                Some(id),
                Some(listed.weights_version),
                listed.variant.map(crate::analytics::rollout::Variant::as_str),
            );
            Ok(Json(SuggestionList { items: listed.items, request_id: Some(request_id) }))
        }
        Err(SuggestError::Unavailable(why)) => {
            tracing::error!(%why, "matcher unavailable");
            Err(ApiError::Unavailable)
        }
        Err(SuggestError::Failed(e)) => Err(ApiError::Internal(e)),
    }
}

/// Tell the matcher about a suggested person: `not_relevant` or `met`. They are not suggested to
/// the caller at this event again. Only for attendees holding a seat, about another attendee
/// they can see.
#[utoipa::path(post, path = "/events/{id}/suggestions/{user_id}/feedback", tag = "suggestions",
    security(("bearer" = [])), params(("id" = Uuid, Path), ("user_id" = Uuid, Path)),
    request_body = SuggestionFeedback,
    responses((status = 204, description = "Recorded"), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 409, description = "`matchmaking_off`", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn feedback(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath((id, target)): ApiPath<(Uuid, Uuid)>,
    ApiJson(body): ApiJson<SuggestionFeedback>,
) -> ApiResult<StatusCode> {
    if target == user.id {
        return Err(ApiError::invalid("user_id", "feedback is about someone else"));
    }
    check_participant(&state, id, user.id).await?;
    // Unknown, hidden, blocked and not attending answer alike, so feedback cannot probe who
    // exists or who goes where.
    let suggestible = match state.store.user_by_id(target).await? {
        Some(row) => {
            state.store.can_view_profile(user.id, &row).await?
                && state.store.rsvp(id, target).await?.is_some_and(|r| r.status == RsvpStatus::Going)
        }
        None => false,
    };
    if !suggestible {
        return Err(ApiError::NotFound("not_found", "no such attendee at this event".to_owned()));
    }
    state.store.record_suggestion_feedback(id, user.id, target, body.verdict).await?;
    // A verdict replaces the one before, so any verdict may add or remove a "met".
    state.cache.invalidate(&super::cached::after_meeting(user.id, target)).await;
    if body.verdict == Verdict::Met {
        state.analytics.record(Some(user.id), UsageEvent::Met { event_id: id, with: target });
    }
    state.suggester.people_changed(id, [user.id, target]);
    Ok(StatusCode::NO_CONTENT)
}
