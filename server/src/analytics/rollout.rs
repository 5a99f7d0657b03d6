//! Controlled rollout of a model version: who is served the canary, and whether the canary is
//! better, worse, or not known yet.
//!
//! - **Assignment.** A person is in the canary when a stable hash of their pseudonymous key and
//!   the experiment's name falls below the canary share: the same person stays in the same arm
//!   for the whole experiment, and a new experiment shuffles everyone afresh.
//! - **Test.** The primary metric is a rate ([`Metric`]: RSVPs per recommendation impression;
//!   accepted meetings per suggestion impression). The arms are compared with a one-sided two-proportion
//!   z-test (pooled variance) in each direction. The test is run at planned looks only: each
//!   time the smaller arm's exposure passes another `max_exposures / looks` (at least
//!   `min_exposures`), however often the loop wakes. Each look uses alpha / `looks` (Bonferroni
//!   over the planned looks), so the chance of a wrong promotion over the whole experiment stays
//!   under alpha.
//! - **Guardrail.** A second rate (opens per impression) must not be worse: a canary whose
//!   guardrail is significantly worse at alpha, uncorrected (caution first), is rolled back
//!   even when its primary metric is not yet known.
//! - **End.** A canary that shows no significant gain once both arms reached `max_exposures` is
//!   retired: the current version stays.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// How new versions are rolled out (`MINGLE_CANARY_SHARE`, `MINGLE_CANARY_MAX_HOURS`,
/// `MINGLE_CANARY_MIN_EXPOSURES`), the same for recommenders and matcher weight sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rollout {
    /// Share of people served the canary, 0 to 1; 0 puts each new version in service at once.
    pub share: f64,
    /// Longest an experiment runs; then a canary not yet shown better is retired.
    pub max_duration: Duration,
    pub policy: Policy,
}

impl Default for Rollout {
    fn default() -> Self {
        Self { share: 0.0, max_duration: Duration::from_secs(72 * 3600), policy: Policy::default() }
    }
}

/// What an experiment is decided on: the list whose impressions are the exposure, and the
/// success counted per impression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// RSVPs credited to recommendation lists, per recommendation impression.
    RsvpsPerRecommendation,
    /// Accepted meetings asked of suggested people, per suggestion impression.
    AcceptedPerSuggestion,
}

impl Metric {
    /// The list the exposure is counted on (as the rollup names it).
    pub fn list(self) -> &'static str {
        match self {
            Self::RsvpsPerRecommendation => "recommendations",
            Self::AcceptedPerSuggestion => "suggestions",
        }
    }

    fn successes(self, sums: &crate::store::ArmSums) -> i64 {
        match self {
            Self::RsvpsPerRecommendation => sums.rsvps,
            Self::AcceptedPerSuggestion => sums.accepted,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    Control,
    Canary,
}

impl Variant {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Control => "control",
            Self::Canary => "canary",
        }
    }
}

/// The arm of the person filed under `key` in `experiment`, with `share` of people (0 to 1) in
/// the canary.
pub fn assign(key: &str, experiment: &str, share: f64) -> Variant {
    let digest =
        Sha256::new().chain_update(experiment.as_bytes()).chain_update(b":").chain_update(key.as_bytes()).finalize();
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    let point = (u64::from_be_bytes(first) % 1_000_000) as f64 / 1_000_000.0;
    if point < share {
        Variant::Canary
    } else {
        Variant::Control
    }
}

/// One arm's exposure and successes on a rate.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Arm {
    pub exposures: i64,
    pub successes: i64,
}

impl Arm {
    pub fn rate(self) -> f64 {
        if self.exposures > 0 {
            self.successes as f64 / self.exposures as f64
        } else {
            0.0
        }
    }
}

/// When to decide.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Policy {
    /// Exposures each arm needs before any decision.
    pub min_exposures: i64,
    /// Exposures each arm gets at most; then a canary with no significant gain is retired.
    pub max_exposures: i64,
    /// Chance of a wrong promotion (or rollback) over the whole experiment.
    pub alpha: f64,
    /// Looks planned over the experiment (the correction divides alpha by it).
    pub looks: u32,
}

impl Policy {
    /// The look the arms' exposure has reached: 0 before the first, then 1, 2, ... up to `looks`.
    /// A decision is taken only when this grows.
    pub fn look_reached(&self, control: Arm, canary: Arm) -> i64 {
        let step = (self.max_exposures / i64::from(self.looks.max(1))).max(self.min_exposures).max(1);
        (control.exposures.min(canary.exposures) / step).min(i64::from(self.looks))
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self { min_exposures: 1_000, max_exposures: 50_000, alpha: 0.05, looks: 20 }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Promote,
    Wait,
    Rollback,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Promote => "promote",
            Self::Wait => "wait",
            Self::Rollback => "rollback",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Promote, Self::Wait, Self::Rollback].into_iter().find(|v| v.as_str() == text)
    }
}

/// A decision with the numbers behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub verdict: Verdict,
    pub control: Arm,
    pub canary: Arm,
    /// Canary rate over control rate, minus 1.
    pub lift: f64,
    /// z of the primary metric (canary minus control).
    pub z: f64,
    /// One-sided p-value of the canary being better (promotion) or worse (rollback), whichever
    /// way z points.
    pub p_value: f64,
    /// The |z| a look needs.
    pub z_needed: f64,
    pub guard_z: f64,
    pub reason: String,
}

impl Decision {
    /// The decision as `GET /ops/models` shows it.
    pub fn look(&self) -> protocol::analytics::ExperimentLook {
        let arm = |a: Arm| protocol::analytics::ArmNumbers { exposures: a.exposures, successes: a.successes };
        protocol::analytics::ExperimentLook {
            verdict: self.verdict.as_str().to_owned(),
            control: arm(self.control),
            canary: arm(self.canary),
            lift: self.lift,
            z: self.z,
            p_value: self.p_value,
            z_needed: self.z_needed,
            guard_z: self.guard_z,
            reason: self.reason.clone(),
        }
    }
}

/// An experiment's arms from the rollup's sums per version and arm: (control, canary) on the
/// primary `metric`, then on the guardrail (opens per impression).
pub fn arms(
    sums: &[crate::store::ArmSums],
    metric: Metric,
    control_version: &str,
    canary_version: &str,
) -> (Arm, Arm, Arm, Arm) {
    let pick = |version: &str, variant: Variant| {
        let row = sums.iter().find(|s| s.model_version == version && s.variant == variant.as_str());
        row.map_or((Arm::default(), Arm::default()), |s| {
            let primary = Arm { exposures: s.impressions, successes: metric.successes(s) };
            (primary, Arm { exposures: s.impressions, successes: s.opens })
        })
    };
    let (control, guard_control) = pick(control_version, Variant::Control);
    let (canary, guard_canary) = pick(canary_version, Variant::Canary);
    (control, canary, guard_control, guard_canary)
}

/// Standard normal upper tail, P(Z > z).
fn upper_tail(z: f64) -> f64 {
    0.5 * libm::erfc(z / std::f64::consts::SQRT_2)
}

/// The z whose upper tail is `p` (bisection on [`upper_tail`]).
fn z_for(p: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 10.0_f64);
    for _ in 0..100 {
        let mid = (lo + hi) / 2.0;
        if upper_tail(mid) > p {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (lo + hi) / 2.0
}

/// Two-proportion z (pooled), canary minus control; 0 when either arm is empty or nothing varies.
fn z_of(control: Arm, canary: Arm) -> f64 {
    if control.exposures == 0 || canary.exposures == 0 {
        return 0.0;
    }
    let pooled = (control.successes + canary.successes) as f64 / (control.exposures + canary.exposures) as f64;
    let se = (pooled * (1.0 - pooled) * (1.0 / control.exposures as f64 + 1.0 / canary.exposures as f64)).sqrt();
    if se > 0.0 {
        (canary.rate() - control.rate()) / se
    } else {
        0.0
    }
}

/// Compares the arms on the primary metric (`control`, `canary`) and the guardrail.
pub fn decide(control: Arm, canary: Arm, guard_control: Arm, guard_canary: Arm, policy: &Policy) -> Decision {
    let z = z_of(control, canary);
    let guard_z = z_of(guard_control, guard_canary);
    let z_needed = z_for(policy.alpha / f64::from(policy.looks.max(1)));
    let lift = if control.rate() > 0.0 { canary.rate() / control.rate() - 1.0 } else { 0.0 };
    let p_value = upper_tail(z.abs());
    let decision =
        |verdict, reason: String| Decision { verdict, control, canary, lift, z, p_value, z_needed, guard_z, reason };
    let least = control.exposures.min(canary.exposures);
    if least < policy.min_exposures {
        return decision(
            Verdict::Wait,
            format!("{least} exposures in the smaller arm; a decision needs {}", policy.min_exposures),
        );
    }
    if guard_z <= -z_for(policy.alpha) {
        return decision(
            Verdict::Rollback,
            format!("guardrail: the canary's opens per impression are worse (z = {guard_z:.2})"),
        );
    }
    if z >= z_needed {
        return decision(Verdict::Promote, format!("better: z = {z:.2} ≥ {z_needed:.2}, lift {:+.1}%", lift * 100.0));
    }
    if z <= -z_needed {
        return decision(Verdict::Rollback, format!("worse: z = {z:.2} ≤ -{z_needed:.2}, lift {:+.1}%", lift * 100.0));
    }
    if least >= policy.max_exposures {
        return decision(
            Verdict::Rollback,
            format!("no significant gain after {least} exposures per arm (z = {z:.2}): the current version stays"),
        );
    }
    decision(Verdict::Wait, format!("not significant yet: z = {z:.2}, needs ±{z_needed:.2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignment_is_stable_and_near_the_share() {
        let keys: Vec<String> = (0..20_000).map(|i| format!("{i:032x}")).collect();
        let canary = keys.iter().filter(|k| assign(k, "rec-7", 0.1) == Variant::Canary).count();
        assert!((1_800..2_200).contains(&canary), "{canary} of 20,000 at 10%");
        assert!(keys.iter().all(|k| assign(k, "rec-7", 0.1) == assign(k, "rec-7", 0.1)));
        let moved = keys.iter().filter(|k| assign(k, "rec-7", 0.1) != assign(k, "rec-8", 0.1)).count();
        assert!(moved > 2_000, "a new experiment reshuffles: {moved}");
        assert!(keys.iter().all(|k| assign(k, "x", 0.0) == Variant::Control && assign(k, "x", 1.0) == Variant::Canary));
    }

    #[test]
    fn the_normal_tail_is_right() {
        assert!((upper_tail(1.959_964) - 0.025).abs() < 1e-6);
        assert!((z_for(0.05) - 1.644_854).abs() < 1e-5);
        assert!((z_for(0.0025) - 2.807_034).abs() < 1e-5);
    }

    fn arm(exposures: i64, rate: f64) -> Arm {
        Arm { exposures, successes: (exposures as f64 * rate).round() as i64 }
    }

    #[test]
    fn each_metric_reads_its_own_successes() {
        let sums = |version: &str, variant: &str, impressions, rsvps, accepted| crate::store::ArmSums {
            model_version: version.into(),
            variant: variant.into(),
            impressions,
            opens: impressions / 10,
            rsvps,
            accepted,
        };
        let rows = [
            sums("default", "control", 1_000, 40, 7),
            sums("w1", "canary", 900, 30, 12),
            sums("w1", "control", 5, 5, 5),
        ];
        let (control, canary, guard_control, guard_canary) =
            arms(&rows, Metric::AcceptedPerSuggestion, "default", "w1");
        assert_eq!((control, canary), (Arm { exposures: 1_000, successes: 7 }, Arm { exposures: 900, successes: 12 }));
        assert_eq!((guard_control.successes, guard_canary.successes), (100, 90));
        let (control, canary, ..) = arms(&rows, Metric::RsvpsPerRecommendation, "default", "w1");
        assert_eq!((control.successes, canary.successes), (40, 30));
    }

    #[test]
    fn decides_promote_wait_and_rollback() {
        let policy = Policy::default();
        let guard = arm(20_000, 0.2);
        // Too little exposure: wait, whatever the rates.
        assert_eq!(decide(arm(500, 0.02), arm(500, 0.2), guard, guard, &policy).verdict, Verdict::Wait);
        // 4% against 3% on 20,000 each: z ≈ 5.4, well past the corrected 2.81.
        let better = decide(arm(20_000, 0.03), arm(20_000, 0.04), guard, guard, &policy);
        assert_eq!(better.verdict, Verdict::Promote, "{better:?}");
        assert!((better.lift - 1.0 / 3.0).abs() < 1e-9);
        // The other way round: rollback.
        assert_eq!(decide(arm(20_000, 0.04), arm(20_000, 0.03), guard, guard, &policy).verdict, Verdict::Rollback);
        // A small difference at moderate exposure: not yet.
        assert_eq!(decide(arm(5_000, 0.030), arm(5_000, 0.033), guard, guard, &policy).verdict, Verdict::Wait);
        // The same small difference after the most exposure allowed: retired.
        let flat = decide(arm(50_000, 0.030), arm(50_000, 0.0305), guard, guard, &policy);
        assert_eq!(flat.verdict, Verdict::Rollback, "{flat:?}");
        // A worse guardrail rolls back before the primary metric is known.
        let guarded = decide(arm(5_000, 0.03), arm(5_000, 0.03), arm(5_000, 0.2), arm(5_000, 0.1), &policy);
        assert_eq!(guarded.verdict, Verdict::Rollback);
        assert!(guarded.reason.starts_with("guardrail"));
    }
}
