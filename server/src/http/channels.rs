//! `/channels/{channel}/messages` (history of a realtime channel) and `/conversations` (open a
//! DM channel with someone).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::error::ErrorBody;
use protocol::realtime::{Channel, ChannelMessage, Conversation, HistoryQuery, OpenConversation};
use protocol::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::realtime::service::{from_stored, Denied};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history)).routes(routes!(open_conversation))
}

fn denied(denied: Denied) -> ApiError {
    match denied {
        Denied::UnknownChannel => ApiError::BadRequest("unknown_channel", denied.message()),
        Denied::NotFound => ApiError::NotFound("not_found", denied.message()),
        Denied::Forbidden(_) | Denied::ReadOnly => ApiError::Forbidden("forbidden", denied.message()),
    }
}

/// Stored messages of a channel the caller may read, newest first. `next_cursor` is the offset to
/// pass as `before` for older ones.
#[utoipa::path(get, path = "/channels/{channel}/messages", tag = "realtime", security(("bearer" = [])),
    params(("channel" = String, Path, description = "e.g. `event:{id}:chat`"), HistoryQuery),
    responses((status = 200, body = Page<serde_json::Value>, description = "Page of channel messages"),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn history(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(channel): ApiPath<String>,
    ApiQuery(query): ApiQuery<HistoryQuery>,
) -> ApiResult<Json<Page<ChannelMessage>>> {
    let parsed: Channel = channel.parse().map_err(|()| denied(Denied::UnknownChannel))?;
    let limit = match query.limit {
        None => 50,
        Some(n @ 1..=100) => i64::from(n),
        Some(_) => return Err(ApiError::invalid("limit", "must be between 1 and 100")),
    };
    state.realtime.authorize_read(user.id, parsed).await.map_err(denied)?;
    let before = query.before.unwrap_or(i64::MAX);
    let mut rows = state.store.messages_before(&channel, before, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    let next_cursor = if more { rows.last().map(|r| r.seq.to_string()) } else { None };
    Ok(Json(Page { items: rows.into_iter().map(from_stored).collect(), next_cursor }))
}

/// Open (or find) the direct conversation with another user; subscribe to its `channel` to chat.
#[utoipa::path(post, path = "/conversations", tag = "realtime", security(("bearer" = [])),
    request_body = OpenConversation,
    responses((status = 200, body = Conversation), (status = 403, description = "Blocked", body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn open_conversation(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<OpenConversation>,
) -> ApiResult<(StatusCode, Json<Conversation>)> {
    if body.user_id == user.id {
        return Err(ApiError::invalid("user_id", "a conversation needs someone else"));
    }
    let other = state.store.user_by_id(body.user_id).await?.ok_or_else(|| ApiError::not_found("user"))?;
    if !state.store.can_view_profile(user.id, &other).await? {
        // Hidden or blocked people answer like missing ones, as on `GET /users/{id}`.
        return Err(ApiError::not_found("user"));
    }
    let id = state.store.conversation_between(user.id, other.id).await?;
    let channel = Channel::Dm(id).to_string();
    Ok((StatusCode::OK, Json(Conversation { id, channel, participants: [user.id, other.id] })))
}
