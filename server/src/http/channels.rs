//! `/channels/{channel}/messages` (history of a realtime channel) and `/conversations` (open a
//! DM channel with someone, list one's own).

use std::collections::{HashMap, HashSet};

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::error::ErrorBody;
use protocol::events::PageQuery;
use protocol::realtime::{
    Channel, ChannelMessage, Conversation, ConversationPeer, ConversationSummary, HistoryQuery, LastMessage,
    MessageBody, OpenConversation,
};
use protocol::users::ProfileVisibility;
use protocol::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::events::page_cursor;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::realtime::service::{from_stored, Denied};
use crate::render;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history)).routes(routes!(open_conversation, list_conversations))
}

fn denied(denied: Denied) -> ApiError {
    match denied {
        Denied::UnknownChannel => ApiError::BadRequest("unknown_channel", denied.message()),
        Denied::NotFound => ApiError::NotFound("not_found", denied.message()),
        Denied::Forbidden(_) | Denied::ReadOnly => ApiError::Forbidden("forbidden", denied.message()),
        Denied::Unavailable => ApiError::Unavailable,
    }
}

/// Stored messages of a channel the caller may read, newest first. `next_cursor` is the offset to
/// pass as `before` for older ones.
#[utoipa::path(get, path = "/channels/{channel}/messages", tag = "realtime", security(("bearer" = [])),
    params(("channel" = String, Path, description = "e.g. `event:{id}:chat`"), HistoryQuery),
    responses((status = 200, body = Page<ChannelMessage>, description = "Page of channel messages"),
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
    // An unreadable body (logged by `from_stored`) is left out like a pruned message.
    Ok(Json(Page {
        items: rows.into_iter().filter_map(|row| from_stored(row).ok()).collect(),
        next_cursor,
        request_id: None,
    }))
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

/// The signed-in user's conversations, newest activity first, each with the other person and the
/// last message. Pass `next_cursor` as `cursor` for older ones. A conversation is closed (not
/// listed, not readable, not writable) while either person has blocked the other or hidden
/// their profile.
#[utoipa::path(get, path = "/conversations", tag = "realtime", security(("bearer" = [])), params(PageQuery),
    responses((status = 200, body = Page<ConversationSummary>), (status = 400, body = ErrorBody)))]
async fn list_conversations(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> ApiResult<Json<Page<ConversationSummary>>> {
    let limit = render::page_limit(page.limit)?;
    let before = page.cursor.as_deref().map(render::decode_cursor).transpose()?;
    let mut rows = state.store.conversations_of(user.id).await?;
    // Conversations closed by a block or a hidden profile are not listed (nor readable).
    let blocked: HashSet<Uuid> = state.store.blocked_either_way(user.id).await?.into_iter().collect();
    let mut people: Vec<Uuid> = rows.iter().map(|r| r.other).collect();
    people.push(user.id);
    let hidden: HashSet<Uuid> = state
        .store
        .users_by_ids(&people)
        .await?
        .into_iter()
        .filter(|u| u.visibility == ProfileVisibility::Hidden)
        .map(|u| u.id)
        .collect();
    if hidden.contains(&user.id) {
        rows.clear();
    }
    rows.retain(|r| !blocked.contains(&r.other) && !hidden.contains(&r.other));
    rows.sort_unstable_by_key(|r| std::cmp::Reverse((r.last_activity(), r.id)));
    let mut rows: Vec<_> = rows
        .into_iter()
        .filter(|r| before.is_none_or(|cursor| (r.last_activity(), r.id) < cursor))
        .take(usize::try_from(limit).unwrap_or(usize::MAX).saturating_add(1))
        .collect();
    let next_cursor = page_cursor(&mut rows, limit, |r| (r.last_activity(), r.id));
    let others: Vec<Uuid> = rows.iter().map(|r| r.other).collect();
    let names: HashMap<Uuid, String> =
        state.store.users_by_ids(&others).await?.into_iter().map(|u| (u.id, u.display_name)).collect();
    let items = rows
        .into_iter()
        .map(|row| {
            let last_activity_at = render::utc(row.last_activity());
            let last_message = row.last.map(|m| LastMessage {
                text: message_text(&m.body),
                at: render::utc(m.sent_at),
                from: m.sender.unwrap_or(row.other),
            });
            ConversationSummary {
                id: row.id,
                channel: Channel::Dm(row.id).to_string(),
                with: ConversationPeer {
                    id: row.other,
                    display_name: names.get(&row.other).cloned().unwrap_or_default(),
                },
                last_message,
                last_activity_at,
            }
        })
        .collect();
    Ok(Json(Page { items, next_cursor, request_id: None }))
}

/// The `text` of a stored DM body (`{"text"}`); empty for anything else.
/// The text of a stored DM line (a conversation carries only chat bodies).
fn message_text(body: &str) -> String {
    match serde_json::from_str(body) {
        Ok(MessageBody::Chat { text }) => text,
        _ => String::new(),
    }
}
