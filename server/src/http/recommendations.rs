//! `/recommendations/events`: upcoming events for the signed-in user, with reasons.

use axum::extract::State;
use axum::Json;
use protocol::error::ErrorBody;
use protocol::recommendations::{EventRecommendation, RecommendationList, RecommendationQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use protocol::analytics::ListKind;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiQuery, AuthUser};
use crate::recommend::Recommender;
use crate::state::AppState;
use crate::validate::Problems;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(recommended_events))
}

/// Upcoming events worth the caller's time, best first, each with the reasons that put it
/// there: what they are into, people they met or were at events with going, distance (with
/// `lat`/`lon`), their usual days and times. Events that started, full ones, their own and any
/// they have an RSVP for are left out, so an RSVP takes an event off the list.
#[utoipa::path(get, path = "/recommendations/events", tag = "recommendations", security(("bearer" = [])),
    params(RecommendationQuery),
    responses((status = 200, body = RecommendationList), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn recommended_events(
    State(state): State<AppState>,
    user: AuthUser,
    ApiQuery(query): ApiQuery<RecommendationQuery>,
) -> ApiResult<Json<RecommendationList>> {
    let mut p = Problems::default();
    let limit = query.limit.unwrap_or(20);
    if !(1..=50).contains(&limit) {
        p.add("limit", "must be between 1 and 50");
    }
    let near = match (query.lat, query.lon) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
                p.add("lat", "must be between -90 and 90");
            }
            if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
                p.add("lon", "must be between -180 and 180");
            }
            Some((lat, lon))
        }
        _ => {
            p.add("lat", "lat and lon go together");
            None
        }
    };
    p.finish()?;
    let limit = limit as usize;
    // A list near a place is ranked for that place; the cache holds the list for anywhere.
    let list = match near {
        Some(_) => rank(state.clone(), user.id, near, limit).await?,
        None => {
            let mut list = Box::pin(super::cached::recommendations(
                &state,
                user.id,
                rank(state.clone(), user.id, None, MAX_LIMIT),
            ))
            .await?;
            list.items.truncate(limit);
            list
        }
    };
    let request_id = state.analytics.shown(
        user.id,
        ListKind::Recommendations,
        list.items.iter().map(|r| r.event.id),
        None,
        list.model_version.map(|v| v.to_string()),
        list.variant.map(|v| v.as_str()),
    );
    Ok(Json(RecommendationList { items: list.items, model_version: list.model_version, request_id }))
}

/// The longest list a person may ask for, which is the one cached.
pub(crate) const MAX_LIMIT: usize = 50;

/// Ranks `user`'s best `limit` events afresh, near `near` when given.
pub(crate) async fn rank(
    state: AppState,
    user: Uuid,
    near: Option<(f64, f64)>,
    limit: usize,
) -> ApiResult<super::cached::CachedRecommendations> {
    let built_at_ms = crate::store::now_ms();
    let me = state.store.user_by_id(user).await?.ok_or_else(|| ApiError::unauthorized("account no longer exists"))?;
    let inputs = Recommender::inputs(&state.store, me, near).await?;
    let recommender = std::sync::Arc::clone(&state.recommender);
    // While a canary runs, the person's arm picks the model.
    let (model, variant) = recommender.model_for(&state.analytics.key(user));
    let model_version = model.as_ref().map(|c| c.version);
    let ranked = tokio::task::spawn_blocking(move || recommender.rank_with(inputs, limit, model))
        .await
        .map_err(anyhow::Error::from)?;
    let rows: Vec<_> = ranked.iter().map(|r| r.event.clone()).collect();
    let events = super::events::render_events(&state, &rows, Some(user), near).await?;
    let items = ranked
        .into_iter()
        .zip(events)
        .map(|(r, event)| EventRecommendation { event, score: r.score, reasons: r.reasons })
        .collect();
    Ok(super::cached::CachedRecommendations { built_at_ms, model_version, variant, items })
}
