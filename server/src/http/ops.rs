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
    BrokerState, CapacityForecast, Health, HealthStatus, NotReadyReason, Readiness, ReadyStatus, RecommendationModel,
    RecommendationModelStatus, RetrainStarted,
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
