//! `GET /ops/models`: the registry's rows as the wire shows them, with each version's numbers
//! from the rollups.

use chrono::DateTime;
use protocol::analytics::{ExperimentDecision, ModelRegistry, ModelVersion, RunningExperiment};

use crate::error::ApiError;
use crate::recommend::REGISTRY_KIND;
use crate::state::AppState;
use crate::store::DecisionRow;

/// Versions and decisions shown at most.
const SHOWN: i64 = 50;

fn time(ms: i64) -> DateTime<chrono::Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

pub fn decision(row: DecisionRow) -> ExperimentDecision {
    let numbers = serde_json::from_str::<super::rollout::Decision>(&row.numbers).ok().map(|d| d.look());
    ExperimentDecision {
        experiment: row.experiment,
        kind: row.kind,
        control_version: row.control,
        canary_version: row.canary,
        verdict: row.verdict,
        forced: row.forced,
        numbers,
        decided_at: time(row.decided_at),
    }
}

pub async fn read(state: &AppState) -> Result<ModelRegistry, ApiError> {
    let now = super::now_ms();
    let outcomes = super::dashboards::platform(&state.store, 365, now, state.analytics.state()).await?.recommenders;
    let versions = state
        .store
        .models(REGISTRY_KIND, SHOWN)
        .await?
        .into_iter()
        .map(|m| ModelVersion {
            online: outcomes.iter().find(|o| o.model_version == m.version).cloned(),
            kind: m.kind,
            version: m.version,
            trained_at: time(m.trained_at),
            interactions: m.interactions,
            first_served: time(m.first_served),
            status: m.status,
        })
        .collect();
    let running = state.recommender.canary().map(|c| RunningExperiment {
        experiment: c.experiment.clone(),
        canary_version: c.model.version.to_string(),
        control_version: c.control.map(|v| v.to_string()),
        share: state.recommender.rollout_share(),
        started_at: time(c.started_at),
        last_look: c.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).as_ref().map(|d| d.look()),
    });
    let decisions = state.store.experiment_decisions(SHOWN).await?.into_iter().map(decision).collect();
    Ok(ModelRegistry { versions, running, decisions })
}
