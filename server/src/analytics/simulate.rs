//! `mingle simulate`: proof that the rollout loop promotes a better recommender and rolls back a
//! broken one, and how much exposure each decision takes.
//!
//! The demo world's people ([`crate::demo::tastes`]) come back day after day. Each visit shows
//! them ten of the events they have not answered yet, ranked by the version of their arm. What
//! they open and RSVP to follows their hidden taste (the affinity that drives the demo world's
//! own RSVPs) and how far down the list an event is. Everything they see and do goes through
//! the real pipeline:
//! - rows through [`super::rows::row`] and [`Store::analytics_write`], with attribution;
//! - the hourly rollups;
//! - [`Store::experiment_arms`], [`rollout::arms`] and [`rollout::decide`] each simulated hour,
//!   as the loop of a serving node runs them.
//!
//! The versions differ only in how well they know people's taste. "Current" ranks by taste blurred
//! by noise. A better version blurs less. A broken one ranks at random. An identical one shows that
//! no difference is not promoted.

use std::fmt::Write as _;

use protocol::analytics::{ListKind, UsageEvent};
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::keys::Keys;
use super::rollout::{self, Decision, Policy, Variant, Verdict};
use crate::store::{Store, ANALYTICS_DAY_MS};

const HOUR_MS: i64 = 3_600_000;
const LIST: usize = 10;
/// Events a visit's list is ranked from (a sample of those not answered yet).
const SAMPLE: usize = 120;

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub people: usize,
    pub events: usize,
    /// Chance that a person visits on a given day.
    pub visits_per_day: f64,
    /// Share of people in the canary.
    pub share: f64,
    /// Longest each experiment is simulated.
    pub max_days: u32,
    pub policy: Policy,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: 7,
            people: 2_000,
            events: 400,
            visits_per_day: 0.5,
            share: 0.5,
            max_days: 60,
            policy: Policy::default(),
        }
    }
}

/// How a version ranks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ranker {
    /// Taste plus Gaussian noise of this standard deviation (taste is on a log scale, about 0 to 7).
    Noisy(f64),
    Random,
}

#[derive(Debug, Clone, Copy)]
struct Scenario {
    name: &'static str,
    canary: Ranker,
}

/// The control version of every scenario.
const CURRENT: Ranker = Ranker::Noisy(2.0);

const SCENARIOS: [Scenario; 3] = [
    Scenario { name: "better (taste blurred by noise 0.5 instead of 2.0)", canary: Ranker::Noisy(0.5) },
    Scenario { name: "broken (random ranking)", canary: Ranker::Random },
    Scenario { name: "identical (same ranking)", canary: CURRENT },
];

/// One scenario's outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub scenario: &'static str,
    pub decision: Decision,
    pub hours: u32,
    pub looks: i64,
}

/// Runs every scenario on a fresh database each (`store_for` makes it) and answers the outcomes.
pub async fn run<F, Fut>(options: &Options, store_for: F) -> anyhow::Result<Vec<Outcome>>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Store>>,
{
    let tastes = crate::demo::tastes(options.seed, options.people, options.events);
    anyhow::ensure!(tastes.people > 0 && tastes.events >= LIST, "the demo world is too small to simulate");
    // On a log scale, so that noise blurs near neighbours and keeps far ones apart.
    let taste: Vec<f64> = tastes.affinity.iter().map(|&a| (1.0 + 1000.0 * f64::from(a)).ln()).collect();
    let people: Vec<Uuid> = (0..tastes.people).map(|i| Uuid::from_u128(i as u128 + 1)).collect();
    let events: Vec<Uuid> = (0..tastes.events).map(|i| Uuid::from_u128((1 << 64) + i as u128)).collect();
    let keys = Keys::from_token_secret(&options.seed.to_be_bytes().repeat(4));
    let mut outcomes = Vec::new();
    for (n, scenario) in SCENARIOS.iter().enumerate() {
        let store = store_for(n).await?;
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ (n as u64 + 1));
        let experiment = format!("simulated-{n}");
        // On a whole hour, as an experiment's numbers are read from its first whole hour.
        let start =
            (crate::store::now_ms() - i64::from(options.max_days) * ANALYTICS_DAY_MS).div_euclid(HOUR_MS) * HOUR_MS;
        let mut answered = vec![false; tastes.people * tastes.events];
        let mut looks = 0;
        let mut last = None;
        for hour in 0..options.max_days * 24 {
            let at0 = start + i64::from(hour) * HOUR_MS;
            let mut rows = Vec::new();
            for (p, person) in people.iter().enumerate() {
                if !rng.gen_bool((options.visits_per_day / 24.0).min(1.0)) {
                    continue;
                }
                let key = keys.of(*person);
                let variant = rollout::assign(&key, &experiment, options.share);
                let (ranker, version) = match variant {
                    Variant::Canary => (scenario.canary, "2"),
                    Variant::Control => (CURRENT, "1"),
                };
                let mut at = at0 + rng.gen_range(0..HOUR_MS - 60_000);
                let row_taste = &taste[p * tastes.events..(p + 1) * tastes.events];
                let open: Vec<usize> = (0..tastes.events).filter(|&e| !answered[p * tastes.events + e]).collect();
                let sample: Vec<usize> = open.choose_multiple(&mut rng, SAMPLE.min(open.len())).copied().collect();
                let list = rank(&mut rng, ranker, row_taste, &sample);
                let request_id = Uuid::from_u128(rng.r#gen());
                for (position, &e) in list.iter().enumerate() {
                    let shown = UsageEvent::Impression {
                        list: ListKind::Recommendations,
                        item: events[e],
                        position: position as u32,
                        event_id: None,
                        model_version: Some(version.to_owned()),
                        variant: Some(variant.as_str().to_owned()),
                        request_id,
                    };
                    rows.push(super::rows::row(&keys, at, Some(*person), &shown));
                }
                for (position, &e) in list.iter().enumerate() {
                    let want = f64::from(tastes.affinity[p * tastes.events + e]);
                    // Attention falls down the list; what catches it is what they like.
                    let look = 1.0 / (1.0 + position as f64).powf(0.8);
                    if !rng.gen_bool((look * (0.03 + 0.45 * want)).clamp(0.0, 1.0)) {
                        continue;
                    }
                    at += 5_000;
                    let opened = UsageEvent::Open {
                        item: events[e],
                        list: Some(ListKind::Recommendations),
                        position: Some(position as u32),
                        request_id: Some(request_id),
                    };
                    rows.push(super::rows::row(&keys, at, Some(*person), &opened));
                    if rng.gen_bool((0.05 + 0.6 * want).clamp(0.0, 1.0)) {
                        at += 5_000;
                        answered[p * tastes.events + e] = true;
                        let going =
                            UsageEvent::Rsvp { event_id: events[e], status: protocol::events::RsvpStatus::Going };
                        rows.push(super::rows::row(&keys, at, Some(*person), &going));
                    }
                }
            }
            store.analytics_write(rows).await?;
            // A serving node looks every minute; looking once a simulated hour changes nothing
            // but the count of looks.
            let sums = store.experiment_arms("recommendations", start).await?;
            let (control, canary, guard_control, guard_canary) =
                rollout::arms(&sums, rollout::Metric::RsvpsPerRecommendation, "1", "2");
            let reached = options.policy.look_reached(control, canary);
            if reached <= looks {
                continue;
            }
            looks = reached;
            let decision = rollout::decide(control, canary, guard_control, guard_canary, &options.policy);
            let done = decision.verdict != Verdict::Wait;
            last = Some((decision, hour + 1));
            if done {
                break;
            }
        }
        let (decision, hours) = last.ok_or_else(|| anyhow::anyhow!("nothing simulated"))?;
        outcomes.push(Outcome { scenario: scenario.name, decision, hours, looks });
        store.close().await;
    }
    Ok(outcomes)
}

/// The best [`LIST`] of `sample` by `ranker`.
fn rank(rng: &mut ChaCha8Rng, ranker: Ranker, taste: &[f64], sample: &[usize]) -> Vec<usize> {
    let mut scored: Vec<(f64, usize)> = match ranker {
        Ranker::Random => sample.iter().map(|&e| (rng.r#gen::<f64>(), e)).collect(),
        Ranker::Noisy(sd) => sample.iter().map(|&e| (taste[e] + sd * gaussian(rng), e)).collect(),
    };
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(LIST).map(|(_, e)| e).collect()
}

/// A standard normal draw (Box-Muller).
fn gaussian(rng: &mut ChaCha8Rng) -> f64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.r#gen();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// The outcomes as a Markdown report.
pub fn report(options: &Options, outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Rollout simulation\n");
    let _ = writeln!(
        out,
        "`mingle simulate --seed {}`: {} people of the demo world, {} events. Each person visits on {:.0}% of days \
         and is shown ten events ranked by their arm's version. {:.0}% of people are in the canary.",
        options.seed,
        options.people,
        options.events,
        options.visits_per_day * 100.0,
        options.share * 100.0,
    );
    let _ = writeln!(
        out,
        "Each simulated hour, the loop reads the arms from the rollups. It decides on RSVPs per impression at planned looks \
         only: one each time the smaller arm passes another {} impressions. Each look uses alpha {} spread over {} looks, \
         with opens per impression as the guardrail. A canary with no significant gain after {} impressions per arm is \
         retired.\n",
        (options.policy.max_exposures / options.policy.looks.max(1) as i64).max(options.policy.min_exposures),
        options.policy.alpha,
        options.policy.looks,
        options.policy.max_exposures,
    );
    let _ = writeln!(
        out,
        "| canary | decision | after | impressions (control / canary) | RSVPs per 1,000 impressions (control / canary) | lift | z | why |"
    );
    let _ = writeln!(out, "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |");
    for o in outcomes {
        let d = &o.decision;
        let _ = writeln!(
            out,
            "| {} | {} | {} h, look {} | {} / {} | {:.1} / {:.1} | {:+.1}% | {:.2} | {} |",
            o.scenario,
            d.verdict.as_str(),
            o.hours,
            o.looks,
            d.control.exposures,
            d.canary.exposures,
            d.control.rate() * 1000.0,
            d.canary.rate() * 1000.0,
            d.lift * 100.0,
            d.z,
            d.reason.replace('|', "\\|"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small world: the better version is promoted, the broken one rolled back, the identical
    /// one never promoted.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_loop_promotes_the_better_and_rolls_back_the_broken() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("mingle-simulate-test-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let options = Options {
            people: 600,
            events: 150,
            visits_per_day: 0.8,
            max_days: 20,
            policy: Policy { min_exposures: 1_000, max_exposures: 20_000, ..Policy::default() },
            ..Options::default()
        };
        let dir_for = dir.clone();
        let outcomes = run(&options, move |n| {
            let url = Store::sqlite_url(&dir_for.join(format!("{n}.db")));
            async move { Store::connect(&url).await }
        })
        .await?;
        std::fs::remove_dir_all(&dir).ok();
        let verdicts: Vec<Verdict> = outcomes.iter().map(|o| o.decision.verdict).collect();
        assert_eq!(verdicts[..2], [Verdict::Promote, Verdict::Rollback], "{outcomes:#?}");
        assert_ne!(verdicts[2], Verdict::Promote, "{outcomes:#?}");
        assert!(report(&options, &outcomes).contains("| better"));
        Ok(())
    }
}
