//! One canary experiment's bookkeeping, the same for every kind of model (recommender versions,
//! matcher weight sets): its planned looks, the decision recorded once for every node, and an
//! operator forcing it. What a decision does (which version goes into service) stays with the
//! owner of the model; this module only says what stands.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Mutex;

use chrono::DateTime;

use super::rollout::{self, Arm, Decision, Metric, Policy, Rollout, Verdict};
use crate::store::{DecisionRow, Store};

/// A canary version measured against the version in service.
#[derive(Debug)]
pub struct Experiment {
    /// The registry's name for the kind of model (`recommender`, `matcher`).
    pub kind: &'static str,
    pub name: String,
    pub metric: Metric,
    /// The version in service when it started (the control arm).
    pub control: Option<String>,
    pub canary: String,
    /// Unix milliseconds.
    pub started_at: i64,
    /// The newest look at it.
    last: Mutex<Option<Decision>>,
    /// Planned looks taken (see [`Policy::look_reached`]).
    looks_done: AtomicI64,
}

impl Experiment {
    pub fn new(kind: &'static str, name: String, metric: Metric, control: Option<String>, canary: String) -> Self {
        Self::started_at(kind, name, metric, control, canary, crate::store::now_ms())
    }

    /// An experiment that started at `started_at` (Unix ms; a restart resumes it there).
    pub fn started_at(
        kind: &'static str,
        name: String,
        metric: Metric,
        control: Option<String>,
        canary: String,
        started_at: i64,
    ) -> Self {
        Self { kind, name, metric, control, canary, started_at, last: Mutex::new(None), looks_done: AtomicI64::new(0) }
    }

    /// The newest look, if any.
    pub fn last_look(&self) -> Option<Decision> {
        self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Takes `look` as the newest look (looked at elsewhere in this process).
    pub fn remember(&self, look: Decision) {
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(look);
    }

    /// The experiment as `GET /ops/models` shows it.
    pub fn running(&self, share: f64) -> protocol::analytics::RunningExperiment {
        protocol::analytics::RunningExperiment {
            kind: self.kind.to_owned(),
            experiment: self.name.clone(),
            canary_version: self.canary.clone(),
            control_version: self.control.clone(),
            share,
            started_at: DateTime::from_timestamp_millis(self.started_at).unwrap_or_default(),
            last_look: self.last_look().map(|d| d.look()),
        }
    }

    /// Looks once. Answers the verdict that stands, if one does (recorded by another node or an
    /// operator, or by this look), and this look's numbers where it computed them.
    pub async fn look(&self, store: &Store, rollout: &Rollout) -> anyhow::Result<(Option<Verdict>, Option<Decision>)> {
        if let Some(decided) = store.experiment_decision(&self.name).await? {
            return Ok((Verdict::parse(&decided.verdict), serde_json::from_str(&decided.numbers).ok()));
        }
        let sums = store.experiment_arms(self.metric.list(), self.started_at).await?;
        let control_version = self.control.clone().unwrap_or_default();
        let (control, treated, guard_control, guard_treated) =
            rollout::arms(&sums, self.metric, &control_version, &self.canary);
        let mut decision = rollout::decide(control, treated, guard_control, guard_treated, &rollout.policy);
        // Between planned looks nothing is decided, however often this runs.
        let reached = rollout.policy.look_reached(control, treated);
        let looked = self.looks_done.swap(reached, Ordering::Relaxed);
        if reached <= looked && decision.verdict != Verdict::Wait {
            decision.verdict = Verdict::Wait;
            decision.reason = format!("between planned looks (look {reached} of {})", rollout.policy.looks);
        }
        let age = crate::store::now_ms() - self.started_at;
        if decision.verdict == Verdict::Wait && age >= rollout.max_duration.as_millis() as i64 {
            decision.verdict = Verdict::Rollback;
            decision.reason =
                format!("not shown better within {} hours: {}", rollout.max_duration.as_secs() / 3600, decision.reason);
        }
        tracing::info!(kind = self.kind, experiment = %self.name, verdict = decision.verdict.as_str(),
            reason = %decision.reason, control = ?decision.control, canary = ?decision.canary, z = decision.z,
            "canary looked at");
        *self.last.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = Some(decision.clone());
        if decision.verdict == Verdict::Wait {
            return Ok((None, Some(decision)));
        }
        let stands = self.record(store, &decision, false).await?;
        Ok((Verdict::parse(&stands.verdict), Some(decision)))
    }

    /// An operator ends the experiment with `verdict`, with the numbers of the newest look (none
    /// where this process has not looked). Answers the decision that stands (an earlier one, if
    /// another node decided first).
    pub async fn force(&self, store: &Store, verdict: Verdict) -> anyhow::Result<DecisionRow> {
        let mut decision = self.last_look().unwrap_or_else(|| {
            rollout::decide(Arm::default(), Arm::default(), Arm::default(), Arm::default(), &Policy::default())
        });
        decision.verdict = verdict;
        decision.reason = format!("forced by an operator ({})", decision.reason);
        self.record(store, &decision, true).await
    }

    /// Records `decision` unless one stands; answers the one that stands.
    async fn record(&self, store: &Store, decision: &Decision, forced: bool) -> anyhow::Result<DecisionRow> {
        let row = DecisionRow {
            experiment: self.name.clone(),
            kind: self.kind.to_owned(),
            control: self.control.clone(),
            canary: self.canary.clone(),
            verdict: decision.verdict.as_str().to_owned(),
            forced,
            numbers: serde_json::to_string(decision)?,
            reason: decision.reason.clone(),
            decided_at: crate::store::now_ms(),
        };
        let stands = store.decide_experiment(&row).await?;
        metrics::counter!("mingle_model_decisions_total", "kind" => self.kind, "verdict" => stands.verdict.clone())
            .increment(1);
        Ok(stands)
    }
}
