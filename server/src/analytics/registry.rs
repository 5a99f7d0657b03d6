//! `GET /ops/models`: the registry's rows as the wire shows them, with each version's numbers
//! from the rollups.

use chrono::DateTime;
use protocol::analytics::{ExperimentDecision, ModelRegistry, ModelVersion, RunningExperiment};

use crate::error::ApiError;
use crate::recommend::REGISTRY_KIND;
use crate::state::AppState;
use crate::store::{DecisionRow, ModelRow};
use crate::suggest::rollout::KIND as MATCHER_KIND;

/// Versions of each kind and decisions shown at most.
const SHOWN: i64 = 50;
/// Days of outcomes each version's online numbers sum.
const OUTCOME_DAYS: i64 = 365;

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

fn version(m: ModelRow) -> ModelVersion {
    ModelVersion {
        offline: serde_json::from_str(&m.offline).unwrap_or_default(),
        kind: m.kind,
        version: m.version,
        trained_at: time(m.trained_at),
        interactions: m.interactions,
        first_served: time(m.first_served),
        status: m.status,
        online: None,
        online_suggestions: None,
    }
}

pub async fn read(state: &AppState) -> Result<ModelRegistry, ApiError> {
    let from = super::now_ms() - OUTCOME_DAYS * 86_400_000;
    let sums = state.store.analytics_daily(from, &super::dashboards::OUTCOME_KINDS).await?;
    let (recommenders, matchers) = super::dashboards::model_outcomes(&sums);
    let mut versions: Vec<ModelVersion> =
        state.store.models(REGISTRY_KIND, SHOWN).await?.into_iter().map(version).collect();
    for v in &mut versions {
        v.online = recommenders.iter().find(|o| o.model_version == v.version).cloned();
    }
    let weight_rows = state.store.models(MATCHER_KIND, SHOWN).await?;
    let mut running: Vec<RunningExperiment> = state
        .recommender
        .canary()
        .map(|c| c.experiment.running(state.recommender.rollout_share()))
        .into_iter()
        .collect();
    match state.suggester.engine() {
        Some(engine) => {
            let weighting = engine.weighting();
            running.extend(weighting.canary().map(|c| c.experiment.running(weighting.rollout().share)));
        }
        // Matching runs in workers: the registry says which set is on trial (the workers look at
        // it; this node has no look of its own to show).
        None => running.extend(weight_rows.iter().find(|r| r.status == "canary").map(|r| {
            let current = weight_rows.iter().filter(|c| c.status == "current").max_by_key(|c| c.first_served);
            let control = current.map(|c| c.version.clone());
            crate::suggest::rollout::trial_experiment(r, control).running(state.recommender.rollout_share())
        })),
    }
    versions.extend(weight_rows.into_iter().map(|m| {
        let online = matchers.iter().find(|o| o.weights_version == m.version).cloned();
        ModelVersion { online_suggestions: online, ..version(m) }
    }));
    let decisions = state.store.experiment_decisions(SHOWN).await?.into_iter().map(decision).collect();
    Ok(ModelRegistry { versions, running, decisions })
}
