//! Operations endpoints: liveness, readiness, Prometheus metrics, the recommendation model's
//! state and retraining on demand, and the capacity forecast (these three behind
//! `MINGLE_OPS_TOKEN`).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use protocol::error::ErrorBody;
use protocol::ops::{
    BrokerState, CacheStatus, CapacityForecast, Health, HealthStatus, NotReadyReason, Readiness, ReadyStatus,
    RecommendationModel, RecommendationModelStatus, RetrainStarted,
};
use sha2::{Digest as _, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::conflict::Conflict;
use crate::error::ApiError;
use crate::extract::bearer_token;
use crate::state::AppState;

/// The documented operations endpoints, served at the root (not under `/api/v1`).
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(healthz))
        .routes(routes!(readyz))
        .routes(routes!(recommendation_model))
        .routes(routes!(retrain_recommendations))
        .routes(routes!(capacity))
        .routes(routes!(cache_status))
        .routes(routes!(platform_analytics))
        .routes(routes!(model_registry))
        .routes(routes!(force_decision))
}

/// Prometheus metrics, in the text exposition format rather than JSON, so not in the document.
pub fn metrics_router() -> Router<AppState> {
    Router::new().route("/metrics", get(metrics))
}

/// Admits a request bearing the configured operator token. Tokens are compared by digest, so
/// the time taken says nothing about how much of a guess was right.
fn operator(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.settings.ops_token.as_deref() else {
        return Err(ApiError::Forbidden("ops_disabled", "operator endpoints need MINGLE_OPS_TOKEN set".to_owned()));
    };
    let given = bearer_token(headers)?
        .ok_or_else(|| ApiError::Unauthorized("missing_token", "send Authorization: Bearer <ops token>".to_owned()))?;
    if Sha256::digest(given.as_bytes()) != Sha256::digest(expected.as_bytes()) {
        return Err(ApiError::Unauthorized("invalid_token", "wrong operator token".to_owned()));
    }
    Ok(())
}

/// The recommendation model in service (`null` before the first training) and whether one is
/// training now.
#[utoipa::path(get, path = "/ops/recommendations/model", tag = "operations", security(("ops" = [])),
    responses((status = 200, body = RecommendationModelStatus), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`: MINGLE_OPS_TOKEN is not set", body = ErrorBody)))]
async fn recommendation_model(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<RecommendationModelStatus>, ApiError> {
    operator(&state, &headers)?;
    let model = state.recommender.collaborative().map(|m| RecommendationModel {
        version: m.version,
        interactions: m.interactions as u64,
        events: m.events() as u64,
        trained_at: m.trained_at,
    });
    Ok(Json(RecommendationModelStatus { model, training: state.recommender.is_training() }))
}

/// Starts training a new recommendation model now (202), unless one is training already (409
/// `already_training`). The new model replaces the one in service when it is ready.
#[utoipa::path(post, path = "/ops/recommendations/retrain", tag = "operations", security(("ops" = [])),
    responses((status = 202, body = RetrainStarted), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`: MINGLE_OPS_TOKEN is not set", body = ErrorBody),
        (status = 409, description = "`already_training`", body = ErrorBody)))]
async fn retrain_recommendations(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<(StatusCode, Json<RetrainStarted>), ApiError> {
    operator(&state, &headers)?;
    if !state.recommender.retrain_soon(state.store.clone()) {
        return Err(ApiError::Conflict(Conflict::AlreadyTraining));
    }
    let version_in_service = state.recommender.collaborative().map(|m| m.version);
    Ok((StatusCode::ACCEPTED, Json(RetrainStarted { training: true, version_in_service })))
}

/// The capacity forecast: connections, messages, deliveries and check-ins at their peak within
/// the next 15 and 60 minutes, the server nodes and matcher workers that takes, and the events
/// behind it. Made in the background (`MINGLE_CAPACITY_INTERVAL_SECS`); this answers the latest,
/// whose `generated_at` says when. 503 `unavailable` until the first is made after start-up.
#[utoipa::path(get, path = "/ops/capacity", tag = "operations", security(("ops" = [])),
    responses((status = 200, body = CapacityForecast), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`: MINGLE_OPS_TOKEN is not set", body = ErrorBody),
        (status = 503, description = "`unavailable`: no forecast made yet", body = ErrorBody)))]
async fn capacity(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<CapacityForecast>, ApiError> {
    operator(&state, &headers)?;
    let latest = state.capacity.latest().ok_or(ApiError::Unavailable)?;
    Ok(Json(CapacityForecast::clone(&latest)))
}

/// This node's read cache: memory, hit rate per kind, prefetch precision and cost, invalidations
/// from other nodes and how late the latest arrived, and staleness-bound violations (docs/cache.md).
#[utoipa::path(get, path = "/ops/cache", tag = "operations", security(("ops" = [])),
    responses((status = 200, body = CacheStatus), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`: MINGLE_OPS_TOKEN is not set", body = ErrorBody)))]
async fn cache_status(State(state): State<AppState>, headers: HeaderMap) -> Result<Json<CacheStatus>, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(state.cache.status()))
}

/// The platform over the last `days` days (default 30): active people per day, week and month,
/// retention by sign-up week, each recommender version's CTR@5, CTR@10 and RSVP rate, each
/// matcher weight set's suggestion-to-meeting acceptance, events created and attended per day,
/// and the analytics pipeline's state. Read from rollups; a minute or so behind.
#[utoipa::path(get, path = "/ops/analytics", tag = "operations", security(("ops" = [])),
    params(protocol::analytics::PlatformQuery),
    responses((status = 200, body = protocol::analytics::PlatformAnalytics), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`: MINGLE_OPS_TOKEN is not set", body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn platform_analytics(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::ApiQuery(query): crate::extract::ApiQuery<protocol::analytics::PlatformQuery>,
) -> Result<Json<protocol::analytics::PlatformAnalytics>, ApiError> {
    operator(&state, &headers)?;
    let days = query.days.unwrap_or(30);
    if !(1..=365).contains(&days) {
        return Err(ApiError::invalid("days", "must be between 1 and 365"));
    }
    let now = crate::analytics::now_ms();
    Ok(Json(crate::analytics::dashboards::platform(&state.store, days, now, state.analytics.state()).await?))
}

/// The model registry: recommender versions with their training window and how they did with
/// people, the canary experiment running (with its newest look: both arms, lift, z, p-value), and
/// the decisions that ended the last experiments.
#[utoipa::path(get, path = "/ops/models", tag = "operations", security(("ops" = [])),
    responses((status = 200, body = protocol::analytics::ModelRegistry), (status = 401, body = ErrorBody),
        (status = 403, description = "`ops_disabled`", body = ErrorBody)))]
async fn model_registry(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Json<protocol::analytics::ModelRegistry>, ApiError> {
    operator(&state, &headers)?;
    Ok(Json(crate::analytics::registry::read(&state).await?))
}

/// Ends the running canary experiment of `kind` now (`recommender` or `matcher`): `promote` puts
/// the canary in service for everyone, `rollback` takes it away. Recorded as forced, with the
/// numbers of the newest look. Where matching runs in workers, they apply a weight set's decision
/// at their next look (within a minute).
#[utoipa::path(post, path = "/ops/models/{kind}/{verdict}", tag = "operations", security(("ops" = [])),
    params(("kind" = String, Path, description = "`recommender` or `matcher`"),
        ("verdict" = String, Path, description = "`promote` or `rollback`")),
    responses((status = 200, body = protocol::analytics::ExperimentDecision), (status = 401, body = ErrorBody),
        (status = 404, description = "`no_experiment`: no canary of that kind is running", body = ErrorBody),
        (status = 400, body = ErrorBody)))]
async fn force_decision(
    State(state): State<AppState>,
    headers: HeaderMap,
    crate::extract::ApiPath((kind, verdict)): crate::extract::ApiPath<(String, String)>,
) -> Result<Json<protocol::analytics::ExperimentDecision>, ApiError> {
    operator(&state, &headers)?;
    let verdict = match verdict.as_str() {
        "promote" => crate::analytics::rollout::Verdict::Promote,
        "rollback" => crate::analytics::rollout::Verdict::Rollback,
        _ => return Err(ApiError::BadRequest("invalid_path", "the verdict is `promote` or `rollback`".to_owned())),
    };
    let decided = match kind.as_str() {
        crate::recommend::REGISTRY_KIND => state.recommender.force(&state.store, verdict).await?,
        crate::suggest::rollout::KIND => match state.suggester.engine() {
            Some(engine) => engine.weighting().force(&state.store, verdict).await?,
            None => crate::suggest::rollout::force_in_registry(&state.store, verdict, None).await?,
        },
        _ => return Err(ApiError::BadRequest("invalid_path", "the kind is `recommender` or `matcher`".to_owned())),
    };
    let decided = decided.ok_or_else(|| ApiError::NotFound("no_experiment", format!("no {kind} canary is running")))?;
    Ok(Json(crate::analytics::registry::decision(decided)))
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "operations", responses((status = 200, body = Health)))]
async fn healthz() -> Json<Health> {
    Json(Health { status: HealthStatus::Ok })
}

/// The process can serve: the database answers. The broker's state is reported too; without it
/// the node still serves (messages are stored and reach other nodes' clients on resync).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, body = Readiness), (status = 503, description = "not ready", body = Readiness)))]
async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let broker = if state.realtime.broker.is_connected() { BrokerState::Connected } else { BrokerState::Disconnected };
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(Readiness { status: ReadyStatus::Ready, broker: Some(broker), reason: None })),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            let body =
                Readiness { status: ReadyStatus::Unavailable, broker: None, reason: Some(NotReadyReason::Database) };
            (StatusCode::SERVICE_UNAVAILABLE, Json(body))
        }
    }
}

async fn metrics() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::metrics::render())
}
