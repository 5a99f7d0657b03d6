//! `mingle capacity-backtest`: the forecast replayed minute by minute over worlds whose truth is
//! known, against the naive "the same as the last hour" (the peak of the previous 60 minutes).
//!
//! A [`Scenario`] is a calendar with what really happened: who came and when, and the load of
//! every minute. At each minute of the evaluated days the forecaster sees only what a node would
//! see then: the calendar with its RSVPs, the check-ins made so far, the history of events that
//! had ended (read again every 15 minutes, as a node does) and how many people had the app open.
//! Two scenarios: simulated days from a seeded generator (`simulate.rs`) and the demo world's
//! calendar (`demo.rs`). `evaluate.rs` scores them; `report.rs` writes the Markdown.

mod demo;
mod evaluate;
mod report;
mod simulate;

use self::evaluate::{evaluate, Evaluation};
use self::report::markdown;
use super::model::{CalendarEvent, Load, MINUTE_MS};
use super::replicas::{matcher_window, Plan};

/// What `mingle capacity-backtest` is asked for.
#[derive(Debug, Clone)]
pub struct Options {
    /// Seed of the simulated days (and of what the demo world leaves to chance).
    pub seed: u64,
    /// Simulated days evaluated, after `warmup_days` that only build history.
    pub days: usize,
    pub warmup_days: usize,
    /// The demo world's size and seed (`mingle demo-data`), and how many of its last days are
    /// evaluated.
    pub demo_seed: u64,
    pub demo_users: usize,
    pub demo_events: usize,
    pub demo_days: usize,
}

/// An event of a scenario and what really happened at it.
#[derive(Debug, Clone)]
pub struct SimEvent {
    /// As the calendar shows it (`checked_in` is filled in at each minute from `checkins`).
    pub event: CalendarEvent,
    /// When people checked in, sorted.
    pub checkins: Vec<i64>,
    /// When each attendee was there: `(arrived, left)`, one per attendee and day.
    pub stays: Vec<(i64, i64)>,
    /// Chat messages per attendee-minute in its room.
    pub chat_rate: f64,
}

/// A world whose every minute is known.
#[derive(Debug, Clone)]
pub struct Scenario {
    pub name: String,
    /// How it was made, for the report.
    pub description: String,
    pub events: Vec<SimEvent>,
    /// The first minute the truth covers (Unix ms).
    pub start: i64,
    /// The load of every minute from `start`.
    pub truth: Vec<Load>,
    /// Each event's room (in the order of `events`): `(minute, messages posted up to the end of
    /// it)` for every minute in which someone posted.
    pub messages: Vec<Vec<(i64, i64)>>,
    /// The evaluated days, `(from, to)` in Unix ms, each inside the truth with an hour to spare.
    pub days: Vec<(i64, i64)>,
    /// The capacities replicas are counted with.
    pub plan: Plan,
    /// Whether people with the app open are known (sessions): the demo world has none.
    pub has_sessions: bool,
}

impl Scenario {
    /// The truth at `at` (Unix ms), zero outside what is known.
    pub fn at(&self, at: i64) -> Load {
        let i = (at - self.start).div_euclid(MINUTE_MS);
        usize::try_from(i).ok().and_then(|i| self.truth.get(i)).copied().unwrap_or_default()
    }
}

/// Both scenarios, evaluated, as Markdown.
pub async fn run(options: &Options, plan: &Plan) -> anyhow::Result<String> {
    let started = std::time::Instant::now();
    let simulated = simulate::scenario(options.seed, options.warmup_days, options.days, plan);
    let demo = demo::scenario(options, plan).await?;
    let evaluations: Vec<Evaluation> = [simulated, demo].iter().map(evaluate).collect();
    Ok(markdown(options, &evaluations, started.elapsed()))
}

/// Box–Muller: a standard normal draw.
fn normal(rng: &mut impl rand::Rng) -> f64 {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let v: f64 = rng.gen();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// A Poisson draw of mean `mean` (normal approximation above 30).
fn poisson(rng: &mut impl rand::Rng, mean: f64) -> f64 {
    if mean <= 0.0 {
        return 0.0;
    }
    if mean > 30.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0);
    }
    let limit = (-mean).exp();
    let mut product: f64 = rng.gen();
    let mut n = 0.0;
    while product > limit {
        product *= rng.gen::<f64>();
        n += 1.0;
    }
    n
}

/// An exponential draw of mean `mean`.
fn exponential(rng: &mut impl rand::Rng, mean: f64) -> f64 {
    -mean * rng.gen_range(f64::EPSILON..1.0).ln()
}

/// The load of every minute of `[start, end)`: `background` connections (one per minute) plus
/// everyone at an event, their chat (a Poisson draw per room and minute at the room's rate),
/// the deliveries it makes, the check-ins and the matcher's work; and each room's messages as
/// [`Scenario::messages`] holds them.
fn truth(
    rng: &mut impl rand::Rng,
    events: &[SimEvent],
    background: &[f64],
    start: i64,
    plan: &Plan,
) -> (Vec<Load>, Vec<Vec<(i64, i64)>>) {
    let minutes = background.len();
    let index = |at: i64| (at - start).div_euclid(MINUTE_MS);
    let mut load: Vec<Load> = background.iter().map(|&b| Load { connections: b, ..Load::default() }).collect();
    let mut builds = vec![0.0; minutes];
    let mut rooms = Vec::with_capacity(events.len());
    for e in events {
        // Who is there each minute, from the stays, through a difference array over the event's
        // span.
        let first = e.stays.iter().map(|s| index(s.0)).min().unwrap_or(0).max(0);
        let last = e.stays.iter().map(|s| index(s.1)).max().unwrap_or(0).min(minutes as i64 - 1);
        let mut messages = 0;
        let mut room = Vec::new();
        if first <= last {
            let span = (last - first + 2) as usize;
            let mut delta = vec![0.0; span];
            for &(arrived, left) in &e.stays {
                let (a, l) = (index(arrived).max(first), index(left).min(last + 1));
                if a < l {
                    delta[(a - first) as usize] += 1.0;
                    delta[(l - first) as usize] -= 1.0;
                }
            }
            let mut present = 0.0;
            for (offset, change) in delta.iter().enumerate().take(span - 1) {
                present += change;
                let minute = &mut load[first as usize + offset];
                let posted = poisson(rng, present * e.chat_rate);
                if posted > 0.0 {
                    messages += posted as i64;
                    room.push((start + (first + offset as i64) * MINUTE_MS, messages));
                }
                minute.connections += present;
                minute.messages_per_second += posted / 60.0;
                minute.deliveries_per_second += posted * present / 60.0;
            }
        }
        rooms.push(room);
        for &at in &e.checkins {
            if let Some(minute) = usize::try_from(index(at)).ok().and_then(|i| load.get_mut(i)) {
                minute.checkins_per_minute += 1.0;
            }
        }
        // The full build when the event starts, of those checked in by then.
        let people = e.checkins.partition_point(|&at| at <= e.event.starts_at) as f64;
        if let Some(build) = usize::try_from(index(e.event.starts_at)).ok().and_then(|i| builds.get_mut(i)) {
            *build += plan.matcher_full_build_secs * (people / super::model::FULL_BUILD_PEOPLE).powi(2);
        }
    }
    let work: Vec<f64> = load
        .iter()
        .zip(builds)
        .map(|(minute, build)| plan.matcher_workers(minute.checkins_per_minute, build))
        .collect();
    for (minute, work) in load.iter_mut().zip(matcher_window(&work)) {
        minute.matcher_workers = work;
    }
    (load, rooms)
}
