//! Operations endpoints: liveness, readiness, Prometheus metrics, and the recommendation
//! model's state and retraining on demand (these two behind `MINGLE_OPS_TOKEN`).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::conflict::Conflict;
use crate::error::ApiError;
use crate::extract::bearer_token;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .route("/ops/recommendations/model", get(recommendation_model))
        .route("/ops/recommendations/retrain", post(retrain_recommendations))
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
async fn recommendation_model(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    operator(&state, &headers)?;
    let model = state.recommender.collaborative().map(|m| {
        json!({
            "version": m.version,
            "interactions": m.interactions,
            "events": m.events(),
            "trained_at": m.trained_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        })
    });
    Ok(Json(json!({"model": model, "training": state.recommender.is_training()})))
}

/// Starts training a new recommendation model now (202), unless one is training already (409
/// `already_training`). The new model replaces the one in service when it is ready.
async fn retrain_recommendations(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<impl IntoResponse, ApiError> {
    operator(&state, &headers)?;
    if !state.recommender.retrain_soon(state.store.clone()) {
        return Err(ApiError::Conflict(Conflict::AlreadyTraining));
    }
    let version = state.recommender.collaborative().map(|m| m.version);
    Ok((StatusCode::ACCEPTED, Json(json!({"training": true, "version_in_service": version}))))
}

/// The process is up.
async fn healthz() -> impl IntoResponse {
    Json(json!({"status": "ok"}))
}

/// The process can serve: the database answers. The broker's state is reported too; without it
/// the node still serves (messages are stored and reach other nodes' clients on resync).
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let broker = if state.realtime.broker.is_connected() { "connected" } else { "disconnected" };
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, Json(json!({"status": "ready", "broker": broker}))),
        Err(e) => {
            tracing::warn!(error = %e, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, Json(json!({"status": "unavailable", "reason": "database"})))
        }
    }
}

async fn metrics() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], crate::metrics::render())
}
