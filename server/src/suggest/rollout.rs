//! Matcher weight sets in service (docs/analytics.md, "Matcher weight sets"): the set everyone's
//! "people to meet" are scored with, and a newly learned set served to a canary share of people
//! until it is promoted or rolled back by its measured effect.
//!
//! - **The registry is the truth.** A set is named by its weights ([`Weights::version`], three
//!   places), so its registry row is all any node or worker needs to score with it. Every engine
//!   reads the registry each minute ([`Weighting::sync`]) and serves its `current` set and its
//!   `canary` set, whoever learned them; a restarted or late engine simply joins.
//! - **Once each.** A set is registered once (a unique index), so a set retired or rolled back is
//!   never tried again, and at most one set is on trial at a time: the first engine to register a
//!   canary starts the experiment (`matcher-{version}`, from the row's first service), the others
//!   join it, and newer sets wait for it to end.
//! - **Arms.** During an experiment each event keeps two pools, one per set, built from the same
//!   attendees; a person's list comes from their arm's pool ([`Served::of`], a stable hash of their
//!   id and the experiment). Both pools cost memory and compute while it runs.
//! - **Decision.** Every engine looks at the numbers (accepted meetings per suggestion impression,
//!   opens per impression as the guardrail); the first decision recorded stands, and ends the
//!   trial in the registry in one transaction.

use std::sync::{Arc, Mutex};

use matcher::Weights;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::analytics::experiment::Experiment;
use crate::analytics::rollout::{self, Decision, Metric, Rollout, Variant, Verdict};
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

/// A set on trial with the canary share.
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

/// The sets in force, changed together.
#[derive(Debug, Default)]
struct InForce {
    current: Weights,
    canary: Option<Arc<WeightCanary>>,
    /// Grows with every change, so whoever holds lists knows to rebuild them.
    generation: u64,
}

/// The weights in force on one engine, as the registry last said.
#[derive(Debug, Default)]
pub struct Weighting {
    in_force: Mutex<InForce>,
    rollout: Mutex<Rollout>,
    /// One sync at a time: a sync that read the registry before a decision never finishes after
    /// one that read it after.
    syncing: tokio::sync::Mutex<()>,
}

/// The experiment a weight set is on trial in.
pub fn experiment_name(version: &str) -> String {
    format!("matcher-{version}")
}

/// The experiment of registry row `trial` against the set `control`, dated from the row's first
/// service (a restart resumes it there).
pub fn trial_experiment(trial: &ModelRow, control: Option<String>) -> Experiment {
    Experiment::started_at(
        KIND,
        experiment_name(&trial.version),
        Metric::AcceptedPerSuggestion,
        control,
        trial.version.clone(),
        trial.first_served,
    )
}

fn row(version: &str, status: &str, interactions: i64, offline: String) -> ModelRow {
    let now = crate::store::now_ms();
    ModelRow {
        kind: KIND.to_owned(),
        version: version.to_owned(),
        trained_at: now,
        interactions,
        first_served: now,
        status: status.to_owned(),
        offline,
    }
}

/// The registry's view: the set in service (the newest `current` row, else the hand-set one) and
/// the set on trial, if any.
fn read_registry(rows: &[ModelRow]) -> (String, Option<&ModelRow>) {
    let current = rows
        .iter()
        .filter(|r| r.status == "current" && Weights::from_version(&r.version).is_some())
        .max_by_key(|r| r.first_served)
        .map_or_else(|| Weights::default().version(), |r| r.version.clone());
    let trial = rows.iter().find(|r| r.status == "canary" && Weights::from_version(&r.version).is_some());
    (current, trial)
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
        lock(&self.in_force).current
    }

    pub fn canary(&self) -> Option<Arc<WeightCanary>> {
        lock(&self.in_force).canary.clone()
    }

    /// Grows whenever the sets in force change.
    pub fn generation(&self) -> u64 {
        lock(&self.in_force).generation
    }

    /// What pools built now are built with.
    pub fn scoring(&self) -> Scoring {
        let share = self.rollout().share;
        let in_force = lock(&self.in_force);
        Scoring {
            served: Served {
                version: in_force.current.version(),
                canary: in_force.canary.as_ref().map(|c| ServedCanary {
                    experiment: c.experiment.name.clone(),
                    share,
                    version: c.experiment.canary.clone(),
                }),
            },
            control: in_force.current,
            canary: in_force.canary.as_ref().map(|c| c.weights),
        }
    }

    /// Follows the registry: looks at the set on trial (recording a decision when one is
    /// reached, and ending the trial in the registry once a decision stands), then serves the
    /// registry's current set and the set on trial, if any.
    pub async fn sync(&self, store: &Store) -> anyhow::Result<()> {
        let _one = self.syncing.lock().await;
        let mut rows = store.models_in_force(KIND).await?;
        let (current, trial) = read_registry(&rows);
        let mut looked = None;
        if let Some(trial) = trial {
            let experiment = self.experiment_for(trial, &current);
            let (stands, _) = experiment.experiment.look(store, &self.rollout()).await?;
            if let Some(verdict) = stands.filter(|v| *v != Verdict::Wait) {
                end_trial(store, &trial.version, verdict).await?;
                rows = store.models_in_force(KIND).await?;
            }
            looked = Some(experiment);
        }
        let (current, trial) = read_registry(&rows);
        let trial = trial.map(|t| match looked.take() {
            // The trial just looked at keeps that look.
            Some(looked) if looked.experiment.name == experiment_name(&t.version) => looked,
            _ => self.experiment_for(t, &current),
        });
        let current = Weights::from_version(&current).unwrap_or_default();
        let mut in_force = lock(&self.in_force);
        let same_trial = match (&in_force.canary, &trial) {
            (Some(a), Some(b)) => a.experiment.name == b.experiment.name,
            (None, None) => true,
            _ => false,
        };
        if in_force.current != current || !same_trial {
            tracing::info!(weights = %current.version(), trial = ?trial.as_ref().map(|t| &t.experiment.canary),
                "matcher weights in force");
            in_force.current = current;
            in_force.canary = trial;
            in_force.generation += 1;
        }
        Ok(())
    }

    /// The trial of registry row `trial`: the one running here already (keeping its looks), or a
    /// new one from the row's first service.
    fn experiment_for(&self, trial: &ModelRow, control: &str) -> Arc<WeightCanary> {
        let name = experiment_name(&trial.version);
        if let Some(running) = self.canary().filter(|c| c.experiment.name == name) {
            return running;
        }
        let experiment = trial_experiment(trial, Some(control.to_owned()));
        Arc::new(WeightCanary { weights: Weights::from_version(&trial.version).unwrap_or_default(), experiment })
    }

    /// Offers a learned set (scored as its version names it): registered in service at once when
    /// rollout is off, else as the set on trial; nothing when it is the set in service, was ever
    /// registered before, or another set is on trial.
    pub async fn offer(&self, store: &Store, learned: LearnedSet) -> anyhow::Result<()> {
        let version = learned.weights.version();
        // While a trial runs, nothing changes its control: newer sets wait.
        if version == self.current().version() || self.canary().is_some() {
            return Ok(());
        }
        let outcomes = (learned.positives + learned.negatives) as i64;
        let hand_set = Weights::default().version();
        // The hand-set weights are in the registry as the first set in service, so the decisions
        // that retire them have both ends.
        store.register_weights(&row(&hand_set, "current", 0, "{}".to_owned())).await?;
        if self.rollout().share <= 0.0 {
            if store.register_weights(&row(&version, "current", outcomes, learned.offline())).await? {
                store.make_current(KIND, &version, None).await?;
                tracing::info!(weights = %version, "matcher weights in service");
            }
        } else if store.register_weights(&row(&version, "canary", outcomes, learned.offline())).await? {
            tracing::info!(weights = %version, share = self.rollout().share, "matcher weights on trial with the canary share");
        }
        self.sync(store).await
    }

    /// An operator ends the trial running; `None` when none runs. Every engine applies it at its
    /// next look; this one at once. The decision carries this engine's last look at that trial
    /// (after catching up with the registry, so never a look at another one).
    pub async fn force(&self, store: &Store, verdict: Verdict) -> anyhow::Result<Option<DecisionRow>> {
        self.sync(store).await?;
        let last = self.canary().map(|c| (c.experiment.name.clone(), c.experiment.last_look()));
        let stands = force_in_registry(store, verdict, last).await?;
        self.sync(store).await?;
        Ok(stands)
    }
}

/// Ends the trial of `version` in the registry as `verdict` says (a second call changes nothing).
async fn end_trial(store: &Store, version: &str, verdict: Verdict) -> anyhow::Result<()> {
    if verdict == Verdict::Promote {
        store.make_current(KIND, version, Some("canary")).await?;
        tracing::info!(weights = %version, "matcher weights promoted: in service for everyone");
    } else {
        let rows = store.models_in_force(KIND).await?;
        if let Some(row) = rows.iter().find(|r| r.version == version && r.status == "canary") {
            store.model_status(KIND, version, row.trained_at, "rolled_back").await?;
            tracing::info!(weights = %version, "matcher weights rolled back");
        }
    }
    Ok(())
}

/// An operator ends the trial the registry shows running, with `last` (an experiment's name and
/// this process's newest look at it) as its numbers when it is that trial; every engine follows
/// at its next look. `None` when none runs.
pub async fn force_in_registry(
    store: &Store,
    verdict: Verdict,
    last: Option<(String, Option<Decision>)>,
) -> anyhow::Result<Option<DecisionRow>> {
    let rows = store.models_in_force(KIND).await?;
    let (current, trial) = read_registry(&rows);
    let Some(trial) = trial else { return Ok(None) };
    let experiment = trial_experiment(trial, Some(current));
    if let Some((_, Some(look))) = last.filter(|(name, _)| *name == experiment.name) {
        experiment.remember(look);
    }
    let stands = experiment.force(store, verdict).await?;
    if let Some(verdict) = Verdict::parse(&stands.verdict) {
        end_trial(store, &trial.version, verdict).await?;
    }
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
