//! A new collaborative model is served to a share of people first (its canary), and promoted or
//! rolled back by its measured effect (docs/analytics.md, "Rollout").
//!
//! With `MINGLE_CANARY_SHARE` above 0, a model trained (or published by the workers) while one is
//! in service becomes the canary of an experiment named after it; each person's arm is a stable
//! hash of their analytics key and that name ([`crate::analytics::rollout::assign`]), so every
//! node serves them the same version. A loop on every node reads the arms' numbers from the
//! analytics rollups each minute and decides ([`crate::analytics::rollout::decide`]); the first
//! node to decide, or an operator forcing it, records the decision in the registry, and every
//! node applies what the registry says. While an experiment runs, newer models wait: the node
//! trains (or takes the workers' newest) again once it ends.

use std::sync::Arc;
use std::time::Duration;

use crate::analytics::experiment::Experiment;
use crate::analytics::rollout::{self, Decision, Metric, Rollout, Variant, Verdict};
use crate::store::{DecisionRow, ModelRow, Store};

use super::{Collaborative, Recommender};

/// The registry's name for recommender versions.
pub const KIND: &str = "recommender";
/// How often the running experiment is looked at.
const LOOK_EVERY: Duration = Duration::from_secs(60);

/// A version served to the canary share.
pub struct Canary {
    pub model: Arc<Collaborative>,
    pub experiment: Experiment,
}

impl std::fmt::Debug for Canary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Canary")
            .field("experiment", &self.experiment.name)
            .field("version", &self.model.version)
            .finish()
    }
}

fn experiment_of(model: &Collaborative) -> String {
    format!("recommender-{}-{}", model.version, model.trained_at.timestamp_millis())
}

fn registry_row(model: &Collaborative, status: &str) -> ModelRow {
    ModelRow {
        kind: KIND.to_owned(),
        version: model.version.to_string(),
        trained_at: model.trained_at.timestamp_millis(),
        interactions: model.interactions as i64,
        first_served: crate::store::now_ms(),
        status: status.to_owned(),
        offline: "{}".to_owned(),
    }
}

impl Recommender {
    pub fn set_rollout(&self, rollout: Rollout) {
        *self.rollout.write().unwrap_or_else(std::sync::PoisonError::into_inner) = rollout;
    }

    /// Share of people served a canary.
    pub fn rollout_share(&self) -> f64 {
        self.rollout().share
    }

    pub fn rollout(&self) -> Rollout {
        *self.rollout.read().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The experiment running, if any.
    pub fn canary(&self) -> Option<Arc<Canary>> {
        self.canary.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// The model to rank with for the person filed under `key`, and their arm while an
    /// experiment runs.
    pub fn model_for(&self, key: &str) -> (Option<Arc<Collaborative>>, Option<Variant>) {
        let Some(canary) = self.canary() else { return (self.collaborative(), None) };
        match rollout::assign(key, &canary.experiment.name, self.rollout().share) {
            Variant::Canary => (Some(Arc::clone(&canary.model)), Some(Variant::Canary)),
            Variant::Control => (self.collaborative(), Some(Variant::Control)),
        }
    }

    /// Puts `model` in front of people: at once when nothing is in service or rollout is off,
    /// else as the canary of a new experiment (replacing one that runs, if any).
    pub(super) fn offer(&self, model: Collaborative, store: Option<&Store>) {
        let rollout = self.rollout();
        let current = self.collaborative();
        if rollout.share <= 0.0 || current.is_none() {
            self.record(store, registry_row(&model, "current"), current.as_deref().map(|c| registry_row(c, "retired")));
            self.put_in_service(model);
            return;
        }
        let experiment = Experiment::new(
            KIND,
            experiment_of(&model),
            Metric::RsvpsPerRecommendation,
            current.map(|c| c.version.to_string()),
            model.version.to_string(),
        );
        tracing::info!(version = model.version, experiment = %experiment.name, share = rollout.share,
            "recommendation model served to its canary share");
        self.record(store, registry_row(&model, "canary"), None);
        let canary = Canary { model: Arc::new(model), experiment };
        *self.canary.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::new(canary));
    }

    /// Writes registry rows in the background (a failure is logged; serving goes on).
    fn record(&self, store: Option<&Store>, row: ModelRow, retired: Option<ModelRow>) {
        let Some(store) = store.cloned() else { return };
        self.shutdown.spawn(async move {
            for row in std::iter::once(row).chain(retired) {
                if let Err(e) = store.model_served(&row).await {
                    tracing::warn!(error = %e, "recording a model version failed");
                }
            }
        });
    }

    /// Ends the running experiment as `verdict` says: the canary goes into service or away.
    fn apply(&self, store: &Store, canary: &Canary, verdict: Verdict) {
        let mut slot = self.canary.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        if slot.as_ref().is_none_or(|c| c.experiment.name != canary.experiment.name) {
            return;
        }
        *slot = None;
        drop(slot);
        let model = &canary.model;
        if verdict == Verdict::Promote {
            let retired = self.collaborative().map(|c| registry_row(&c, "retired"));
            self.record(Some(store), registry_row(model, "current"), retired);
            *self.collaborative.write().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Arc::clone(model));
            tracing::info!(version = model.version, experiment = %canary.experiment.name, "canary promoted: in service for everyone");
        } else {
            self.record(Some(store), registry_row(model, "rolled_back"), None);
            tracing::info!(version = model.version, experiment = %canary.experiment.name, "canary rolled back");
        }
    }

    /// Looks at the running experiment once: applies a decision recorded by another node or an
    /// operator, or decides from the rollups and records it. Answers the look's decision.
    pub async fn look(&self, store: &Store) -> anyhow::Result<Option<Decision>> {
        let Some(canary) = self.canary() else { return Ok(None) };
        let (stands, numbers) = canary.experiment.look(store, &self.rollout()).await?;
        if let Some(verdict) = stands.filter(|v| *v != Verdict::Wait) {
            self.apply(store, &canary, verdict);
        }
        Ok(numbers)
    }

    /// An operator ends the running experiment (`promote` or `rollback`); `None` when none runs.
    pub async fn force(&self, store: &Store, verdict: Verdict) -> anyhow::Result<Option<DecisionRow>> {
        let Some(canary) = self.canary() else { return Ok(None) };
        let stands = canary.experiment.force(store, verdict).await?;
        if let Some(verdict) = Verdict::parse(&stands.verdict) {
            self.apply(store, &canary, verdict);
        }
        Ok(Some(stands))
    }

    /// Looks at the running experiment every minute, for as long as the recommender lives.
    pub fn keep_deciding(self: &Arc<Self>, store: Store) {
        let recommender = Arc::downgrade(self);
        let stop = self.shutdown.workers_token();
        self.shutdown.spawn(async move {
            let mut tick = tokio::time::interval(LOOK_EVERY);
            loop {
                tokio::select! {
                    _ = tick.tick() => {}
                    () = stop.cancelled() => return,
                }
                let Some(recommender) = recommender.upgrade() else { return };
                if let Err(e) = recommender.look(&store).await {
                    tracing::warn!(error = %e, "looking at the canary failed");
                }
            }
        });
    }
}
