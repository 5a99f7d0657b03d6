//! `/me`, `/users/{id}` and `/me/blocks`: profiles, visibility and blocks.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use protocol::error::ErrorBody;
use protocol::users::{Block, BlockRequest, Me, Profile, ProfileUpdate, ProfileVisibility};
use protocol::Page;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath, AuthUser};
use crate::render;
use crate::state::AppState;
use crate::store::ProfileChanges;
use crate::validate::Problems;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_me, update_me, super::account_data::delete_me))
        .routes(routes!(super::account_data::export))
        .routes(routes!(get_user))
        .routes(routes!(list_blocks, block_user))
        .routes(routes!(unblock_user))
}

/// The signed-in user's account and profile.
#[utoipa::path(get, path = "/me", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
async fn get_me(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Me>> {
    let row =
        state.store.user_by_id(user.id).await?.ok_or_else(|| ApiError::unauthorized("account no longer exists"))?;
    Ok(Json(render::me(&row)))
}

/// Edit the signed-in user's profile. Absent fields stay as they are.
#[utoipa::path(patch, path = "/me", tag = "profiles", security(("bearer" = [])), request_body = ProfileUpdate,
    responses((status = 200, body = Me), (status = 422, body = ErrorBody)))]
async fn update_me(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<ProfileUpdate>,
) -> ApiResult<Json<Me>> {
    let mut p = Problems::default();
    let changes = ProfileChanges {
        display_name: body.display_name.as_deref().map(|v| p.line("display_name", v, 1, 80)),
        headline: body.headline.as_deref().map(|v| p.line("headline", v, 0, 140)),
        bio: body.bio.as_deref().map(|v| p.text("bio", v, 2000)),
        interests: body.interests.as_deref().map(|v| p.tags("interests", v, 30)),
        seeking: body.seeking.as_deref().map(|v| p.phrases("seeking", v, 10)),
        offering: body.offering.as_deref().map(|v| p.phrases("offering", v, 10)),
        visibility: body.visibility,
        matchmaking: body.matchmaking,
    };
    p.finish()?;
    let row = state.store.update_profile(user.id, &changes).await.map_err(|e| match e {
        crate::store::StoreError::NotFound => ApiError::unauthorized("account no longer exists"),
        other => other.into(),
    })?;
    state.cache.invalidate(&super::cached::after_profile_edit(user.id)).await;
    super::cached::wrote(&state, user.id, cache::Change::ProfileEdit);
    state.suggester.user_changed(user.id).await;
    if changes.visibility == Some(ProfileVisibility::Hidden) {
        // Hiding closes the person's conversations: both sides stop receiving them.
        let mut affected: Vec<Uuid> = state.store.conversations_of(user.id).await?.iter().map(|c| c.other).collect();
        affected.push(user.id);
        state.realtime.access_changed(affected).await;
    }
    Ok(Json(render::me(&row)))
}

/// Another user's profile, when its visibility allows and neither has blocked the other.
#[utoipa::path(get, path = "/users/{id}", tag = "profiles", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "User id")),
    responses((status = 200, body = Profile), (status = 404, description = "No such user, or not visible to you", body = ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    viewer: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<Profile>> {
    // Invisible profiles answer exactly like missing ones, so visibility cannot be probed.
    super::cached::profile(&state, viewer.id, id).await?.map(Json).ok_or_else(|| ApiError::not_found("user"))
}

/// Users the signed-in user has blocked.
#[utoipa::path(get, path = "/me/blocks", tag = "profiles", security(("bearer" = [])),
    responses((status = 200, body = Page<Block>)))]
async fn list_blocks(State(state): State<AppState>, user: AuthUser) -> ApiResult<Json<Page<Block>>> {
    let items = state
        .store
        .blocks(user.id)
        .await?
        .into_iter()
        .map(|(user_id, display_name, at)| Block { user_id, display_name, created_at: render::utc(at) })
        .collect();
    Ok(Json(Page { items, next_cursor: None, request_id: None }))
}

/// Block a user: neither sees the other's profile, in attendee lists or (later) in chat and
/// suggestions. Blocking twice is harmless.
#[utoipa::path(post, path = "/me/blocks", tag = "profiles", security(("bearer" = [])), request_body = BlockRequest,
    responses((status = 201, body = Block), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn block_user(
    State(state): State<AppState>,
    user: AuthUser,
    ApiJson(body): ApiJson<BlockRequest>,
) -> ApiResult<(StatusCode, Json<Block>)> {
    if body.user_id == user.id {
        return Err(ApiError::invalid("user_id", "you cannot block yourself"));
    }
    let Some(blocked) = state.store.user_by_id(body.user_id).await? else {
        return Err(ApiError::not_found("user"));
    };
    let at = state.store.block(user.id, body.user_id).await?;
    state.suggester.user_changed(user.id).await;
    state.realtime.access_changed(vec![user.id, body.user_id]).await;
    let block = Block { user_id: blocked.id, display_name: blocked.display_name, created_at: render::utc(at) };
    Ok((StatusCode::CREATED, Json(block)))
}

/// Lift a block.
#[utoipa::path(delete, path = "/me/blocks/{user_id}", tag = "profiles", security(("bearer" = [])),
    params(("user_id" = Uuid, Path, description = "Blocked user")),
    responses((status = 204, description = "Unblocked"), (status = 404, body = ErrorBody)))]
async fn unblock_user(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(blocked): ApiPath<Uuid>,
) -> ApiResult<StatusCode> {
    if state.store.unblock(user.id, blocked).await? {
        state.suggester.user_changed(user.id).await;
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("block"))
    }
}
