//! `/events/{id}/segments`: an event's audience in groups of similar people, for its organizers.

use axum::extract::State;
use axum::Json;
use protocol::error::ErrorBody;
use protocol::recommendations::AudienceSegments;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, AuthUser};
use crate::state::AppState;

/// Largest audience grouped (the earliest RSVPs beyond it are left out).
const AUDIENCE_LIMIT: i64 = 5_000;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(audience_segments))
}

/// The event's audience (everyone with an RSVP) in groups of people with similar profiles,
/// largest first, each named by its most common interests. Organizers only; only counts and
/// interests are shown, never who is in a group.
#[utoipa::path(get, path = "/events/{id}/segments", tag = "recommendations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AudienceSegments), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 503, description = "The text model is not installed", body = ErrorBody)))]
async fn audience_segments(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<AudienceSegments>> {
    state.store.event(id).await?.ok_or_else(|| ApiError::not_found("event"))?;
    if !state.store.is_organizer(id, user.id).await? {
        return Err(ApiError::Forbidden("not_organizer", "only the event's organizers may do this".to_owned()));
    }
    let audience = state.store.audience(id, AUDIENCE_LIMIT).await?;
    let recommender = std::sync::Arc::clone(&state.recommender);
    let count = audience.len() as i64;
    let segments = tokio::task::spawn_blocking(move || recommender.segments(&audience))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(|e| {
            tracing::error!(error = %e, "audience segments failed");
            ApiError::Unavailable
        })?;
    Ok(Json(AudienceSegments { audience: count, segments }))
}
