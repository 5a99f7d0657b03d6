//! Matcher weight sets in service (docs/rollout.md, "Matcher weight sets"): the set everyone's
//! "people to meet" are scored with, and a newly learned set served to a canary share of people
//! until it is promoted or rolled back by its measured effect.
//!
//! - **Versions.** A set is named by its weights ([`Weights::version`]), and learning is
//!   deterministic, so every node and worker that learns from the same outcomes names the same
//!   set, and the experiment (`matcher-{version}`) is the same everywhere: the first to decide, or
//!   an operator, records the decision and every engine applies it.
//! - **Arms.** During an experiment each event keeps two pools, one per weight set, built from the
//!   same attendees; a person's list comes from their arm's pool ([`Served::of`], a stable hash
//!   of their id and the experiment). Both pools cost memory and compute while it runs.
//! - **Metric.** Accepted meetings per suggestion impression ([`Metric::AcceptedPerSuggestion`]),
//!   opens per impression as the guardrail.
//! - **Never twice.** A set rolled back is not offered again; a set the registry says is current
//!   (a restart) goes back into service at once; while an experiment runs, newer sets wait.

use std::sync::{Arc, Mutex};

use matcher::Weights;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::analytics::experiment::Experiment;
use crate::analytics::rollout::{self, Metric, Rollout, Variant, Verdict};
use crate::model::lock;
use crate::store::{DecisionRow, ModelRow, Store};

/// The registry's name for matcher weight sets.
pub const KIND: &str = "matcher";

/// What an event's lists were scored with, as any node reads it (workers store it beside the
/// lists they publish).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Served {
    /// The set in service (the control arm while an experiment runs).
    pub version: String,
    pub canary: Option<ServedCanary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServedCanary {
    pub experiment: String,
    pub share: f64,
    pub version: String,
}

impl Served {
    /// The set `user`'s list is scored with, and their arm while an experiment runs.
    pub fn of(&self, user: Uuid) -> (String, Option<Variant>) {
        match &self.canary {
            None => (self.version.clone(), None),
            Some(c) => match rollout::assign(&user.to_string(), &c.experiment, c.share) {
                Variant::Canary => (c.version.clone(), Some(Variant::Canary)),
                Variant::Control => (self.version.clone(), Some(Variant::Control)),
            },
        }
    }
}

/// The weights an event's pools are built with.
#[derive(Debug, Clone, PartialEq)]
pub struct Scoring {
    pub served: Served,
    pub control: Weights,
    pub canary: Option<Weights>,
}

/// A learned set served to the canary share.
#[derive(Debug)]
pub struct WeightCanary {
    pub weights: Weights,
    pub experiment: Experiment,
}

/// A learned set and how it was learned, for the registry.
#[derive(Debug, Clone, Copy)]
pub struct LearnedSet {
    pub weights: Weights,
    /// Outcomes it was fitted to.
    pub positives: usize,
    pub negatives: usize,
    /// Balanced logistic loss of the hand-set weights and of the learned ones on them.
    pub loss_before: f32,
    pub loss_after: f32,
}

impl LearnedSet {
    fn offline(&self) -> String {
        serde_json::json!({
            "loss_hand_set": (f64::from(self.loss_before) * 1e4).round() / 1e4,
            "loss_learned": (f64::from(self.loss_after) * 1e4).round() / 1e4,
            "positives": self.positives,
            "negatives": self.negatives,
        })
        .to_string()
    }
}

/// The weights in force on one engine.
#[derive(Debug, Default)]
pub struct Weighting {
    current: Mutex<Weights>,
    canary: Mutex<Option<Arc<WeightCanary>>>,
    rollout: Mutex<Rollout>,
}

/// The experiment a weight set is on trial in.
pub fn experiment_name(version: &str) -> String {
    format!("matcher-{version}")
}

/// Registers `version` with `status`, or moves its existing registration to `status` (another
/// engine may have registered the same set).
async fn register(store: &Store, version: &str, status: &str, offline: Option<String>, outcomes: i64) {
    let result = match store.model(KIND, version).await {
        Ok(Some(row)) => store.model_status(KIND, version, row.trained_at, status).await,
        Ok(None) => {
            let now = crate::store::now_ms();
            let row = ModelRow {
                kind: KIND.to_owned(),
                version: version.to_owned(),
                trained_at: now,
                interactions: outcomes,
                first_served: now,
                status: status.to_owned(),
                offline: offline.unwrap_or_else(|| "{}".to_owned()),
            };
            store.model_served(&row).await
        }
        Err(e) => Err(e),
    };
    if let Err(e) = result {
        tracing::warn!(error = %e, version, status, "recording a matcher weight set failed");
    }
}

impl Weighting {
    pub fn set_rollout(&self, rollout: Rollout) {
        *lock(&self.rollout) = rollout;
    }

    pub fn rollout(&self) -> Rollout {
        *lock(&self.rollout)
    }

    /// The set in service.
    pub fn current(&self) -> Weights {
        *lock(&self.current)
    }

    pub fn canary(&self) -> Option<Arc<WeightCanary>> {
        lock(&self.canary).clone()
    }

    /// What pools built now are built with.
    pub fn scoring(&self) -> Scoring {
        let control = self.current();
        let canary = self.canary();
        let share = self.rollout().share;
        Scoring {
            served: Served {
                version: control.version(),
                canary: canary.as_ref().map(|c| ServedCanary {
                    experiment: c.experiment.name.clone(),
                    share,
                    version: c.experiment.canary.clone(),
                }),
            },
            control,
            canary: canary.map(|c| c.weights),
        }
    }

    /// Puts a learned set in front of people: nothing when it is the set in service, was rolled
    /// back before, or an experiment runs; at once when rollout is off or the registry already
    /// has it as current (a restart); else as the canary of a new experiment.
    pub async fn offer(&self, store: &Store, learned: LearnedSet) -> anyhow::Result<()> {
        let version = learned.weights.version();
        let current = self.current();
        if version == current.version() || self.canary().is_some() {
            return Ok(());
        }
        let known = store.model(KIND, &version).await?;
        let outcomes = (learned.positives + learned.negatives) as i64;
        match known.as_ref().map(|r| r.status.as_str()) {
            Some("rolled_back") => return Ok(()),
            Some("current") => {
                *lock(&self.current) = learned.weights;
                return Ok(());
            }
            _ => {}
        }
        let rollout = self.rollout();
        if rollout.share <= 0.0 {
            register(store, &current.version(), "retired", None, 0).await;
            register(store, &version, "current", Some(learned.offline()), outcomes).await;
            tracing::info!(weights = %version, "matcher weights in service");
            *lock(&self.current) = learned.weights;
            return Ok(());
        }
        // The control is in the registry too, so the decision's numbers have both ends.
        register(store, &current.version(), "current", None, 0).await;
        register(store, &version, "canary", Some(learned.offline()), outcomes).await;
        tracing::info!(weights = %version, share = rollout.share, "matcher weights served to their canary share");
        let experiment = Experiment::new(
            KIND,
            experiment_name(&version),
            Metric::AcceptedPerSuggestion,
            Some(current.version()),
            version,
        );
        *lock(&self.canary) = Some(Arc::new(WeightCanary { weights: learned.weights, experiment }));
        Ok(())
    }

    /// Ends the running experiment as `verdict` says.
    async fn apply(&self, store: &Store, canary: &WeightCanary, verdict: Verdict) {
        {
            let mut slot = lock(&self.canary);
            if slot.as_ref().is_none_or(|c| c.experiment.name != canary.experiment.name) {
                return;
            }
            *slot = None;
        }
        let version = &canary.experiment.canary;
        if verdict == Verdict::Promote {
            let retired = self.current().version();
            *lock(&self.current) = canary.weights;
            register(store, &retired, "retired", None, 0).await;
            register(store, version, "current", None, 0).await;
            tracing::info!(weights = %version, "matcher weights promoted: in service for everyone");
        } else {
            register(store, version, "rolled_back", None, 0).await;
            tracing::info!(weights = %version, "matcher weights rolled back");
        }
    }

    /// Looks at the running experiment once and applies what stands.
    pub async fn look(&self, store: &Store) -> anyhow::Result<()> {
        let Some(canary) = self.canary() else { return Ok(()) };
        let (stands, _) = canary.experiment.look(store, &self.rollout()).await?;
        if let Some(verdict) = stands.filter(|v| *v != Verdict::Wait) {
            self.apply(store, &canary, verdict).await;
        }
        Ok(())
    }

    /// An operator ends the running experiment; `None` when none runs here.
    pub async fn force(&self, store: &Store, verdict: Verdict) -> anyhow::Result<Option<DecisionRow>> {
        let Some(canary) = self.canary() else { return Ok(None) };
        let stands = canary.experiment.force(store, verdict).await?;
        if let Some(verdict) = Verdict::parse(&stands.verdict) {
            self.apply(store, &canary, verdict).await;
        }
        Ok(Some(stands))
    }
}

/// On a node whose matching runs in workers: an operator ends the experiment the registry shows
/// running; the workers apply the decision at their next look. `None` when none runs.
pub async fn force_in_registry(store: &Store, verdict: Verdict) -> anyhow::Result<Option<DecisionRow>> {
    let rows = store.models(KIND, 50).await?;
    let Some(canary) = rows.iter().find(|r| r.status == "canary") else { return Ok(None) };
    let control = rows.iter().find(|r| r.status == "current").map(|r| r.version.clone());
    let experiment = Experiment::new(
        KIND,
        experiment_name(&canary.version),
        Metric::AcceptedPerSuggestion,
        control,
        canary.version.clone(),
    );
    let stands = experiment.force(store, verdict).await?;
    let status = if Verdict::parse(&stands.verdict) == Some(Verdict::Promote) { "current" } else { "rolled_back" };
    if status == "current" {
        for row in rows.iter().filter(|r| r.status == "current") {
            store.model_status(KIND, &row.version, row.trained_at, "retired").await?;
        }
    }
    store.model_status(KIND, &canary.version, canary.trained_at, status).await?;
    Ok(Some(stands))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_is_served_their_arms_set_and_stays_in_it() {
        let served = Served {
            version: "default".into(),
            canary: Some(ServedCanary { experiment: "matcher-w1".into(), share: 0.5, version: "w1".into() }),
        };
        let people: Vec<Uuid> = (0..400).map(Uuid::from_u128).collect();
        let arms: Vec<_> = people.iter().map(|p| served.of(*p)).collect();
        let canary = arms.iter().filter(|(_, v)| *v == Some(Variant::Canary)).count();
        assert!((150..250).contains(&canary), "{canary} of 400 at half");
        for ((version, variant), person) in arms.iter().zip(&people) {
            assert_eq!(served.of(*person), (version.clone(), *variant));
            assert_eq!(version == "w1", *variant == Some(Variant::Canary));
        }
        let plain = Served { version: "default".into(), canary: None };
        assert_eq!(plain.of(people[0]), ("default".to_owned(), None));
    }
}
