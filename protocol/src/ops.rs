//! Operations endpoints: liveness, readiness, and the recommendation model's state.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /healthz`: the process is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: HealthStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
}

/// `GET /readyz`: whether the node can serve (200 `ready`) or not (503 `unavailable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    pub status: ReadyStatus,
    /// When ready: whether the fan-out broker is connected. Without it the node still serves;
    /// messages are stored and reach other nodes' clients when they resync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<BrokerState>,
    /// When unavailable: what failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotReadyReason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadyStatus {
    Ready,
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BrokerState {
    Connected,
    Disconnected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotReadyReason {
    /// The database does not answer.
    Database,
}

/// `GET /ops/recommendations/model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommendationModelStatus {
    /// The model in service; `null` before the first training.
    pub model: Option<RecommendationModel>,
    /// Whether a training is running now.
    pub training: bool,
}

/// The collaborative recommendation model in service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommendationModel {
    /// 1 for the first model trained by this process, then one more for each.
    pub version: u64,
    /// RSVPs and check-ins it learned from.
    pub interactions: u64,
    /// Events it knows.
    pub events: u64,
    pub trained_at: DateTime<Utc>,
}

/// `POST /ops/recommendations/retrain` (202): a training has started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RetrainStarted {
    /// Always true.
    pub training: bool,
    /// The version serving until the new one is ready; `null` when none is.
    pub version_in_service: Option<u64>,
}
