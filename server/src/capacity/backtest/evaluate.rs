//! Replays a scenario minute by minute and scores the forecast and the baseline.
//!
//! - **Error of the peak.** At each evaluated minute `m` and horizon `H`, the true peak of each
//!   quantity over `[m, m + H]` against the forecast's and against the baseline's (the peak over
//!   `[m − 60, m)`): mean absolute error, and the absolute errors summed over the true values
//!   summed (WAPE, which nights with no load do not blow up as a mean of percentages would).
//! - **Replicas.** The replicas each minute's true load needs (the same capacities and headroom)
//!   against those recommended: minutes short (what was recommended [`STARTUP_MINUTES`] earlier
//!   is below what the minute needs, since a replica takes that long to start) and replica-minutes
//!   (the cost).
//! - **Lead.** For each day's peak of needed replicas (when it needs more than the minimum):
//!   how many minutes before it the recommendation reached that number and stayed there;
//!   negative when it got there only after the peak.

use std::collections::HashMap;

use uuid::Uuid;

use super::Scenario;
use crate::capacity::history::{History, PastEvent, ARRIVAL_BIN_MINUTES};
use crate::capacity::model::{
    forecast, CalendarEvent, Load, Place, ARRIVALS_FROM_MINUTES, HORIZONS, LEAVE_MINUTES, MINUTE_MS,
};
use crate::capacity::replicas::{Plan, Replicas};

/// Minutes a replica takes from being asked for to serving.
pub const STARTUP_MINUTES: i64 = 2;
/// History is read again every this many minutes, as a node does.
const HISTORY_EVERY_MINUTES: i64 = 15;
/// How long used sessions count as the app being open (two access-token lifetimes).
const ACTIVE_WINDOW_MINUTES: i64 = 30;
/// The baseline's look-back.
const BASELINE_MINUTES: i64 = 60;
/// History reaches this far back.
const HISTORY_DAYS: i64 = 90;

/// The quantities scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Quantity {
    Connections,
    MessagesPerSecond,
    DeliveriesPerSecond,
    CheckinsPerMinute,
}

impl Quantity {
    pub const ALL: [Self; 4] =
        [Self::Connections, Self::MessagesPerSecond, Self::DeliveriesPerSecond, Self::CheckinsPerMinute];

    pub fn of(self, load: &Load) -> f64 {
        match self {
            Self::Connections => load.connections,
            Self::MessagesPerSecond => load.messages_per_second,
            Self::DeliveriesPerSecond => load.deliveries_per_second,
            Self::CheckinsPerMinute => load.checkins_per_minute,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Connections => "connections",
            Self::MessagesPerSecond => "messages/s",
            Self::DeliveriesPerSecond => "deliveries/s",
            Self::CheckinsPerMinute => "check-ins/min",
        }
    }
}

/// Absolute errors of one method.
#[derive(Debug, Clone, Copy, Default)]
pub struct Errors {
    absolute: f64,
    actual: f64,
    minutes: f64,
}

impl Errors {
    fn add(&mut self, predicted: f64, actual: f64) {
        self.absolute += (predicted - actual).abs();
        self.actual += actual;
        self.minutes += 1.0;
    }

    pub fn mae(&self) -> f64 {
        self.absolute / self.minutes.max(1.0)
    }

    /// Absolute errors over actual values, as a share; `None` with no load at all.
    pub fn wape(&self) -> Option<f64> {
        (self.actual > 0.0).then(|| self.absolute / self.actual)
    }
}

/// The two roles replicas are counted for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    Node,
    Matcher,
}

impl Role {
    pub const ALL: [Self; 2] = [Self::Node, Self::Matcher];

    fn of(self, r: Replicas) -> u32 {
        match self {
            Self::Node => r.node,
            Self::Matcher => r.matcher,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Node => "node",
            Self::Matcher => "matcher",
        }
    }
}

/// Who recommends replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// The forecast, on the horizon of that many minutes.
    Forecast(u32),
    /// The peak of the last hour.
    LastHour,
}

impl Method {
    pub fn name(self) -> String {
        match self {
            Self::Forecast(minutes) => format!("forecast, {minutes} min"),
            Self::LastHour => "same as the last hour".to_owned(),
        }
    }
}

/// How replicas recommended by one method fared for one role.
#[derive(Debug, Clone, Default)]
pub struct Provisioning {
    /// Minutes whose load needed more than what was recommended `STARTUP_MINUTES` before.
    pub short_minutes: u64,
    /// The sum of the replicas recommended over the evaluated minutes.
    pub replica_minutes: u64,
}

/// A day's peak of needed replicas and how early each method had them.
#[derive(Debug, Clone)]
pub struct DayPeak {
    /// The day's start (Unix ms).
    pub day: i64,
    pub role: Role,
    /// When the needed replicas first reach the day's most.
    pub at: i64,
    pub needed: u32,
    /// Minutes before the peak each method's recommendation reached `needed` and stayed there
    /// (negative: after it; `None`: not that day).
    pub lead: HashMap<Method, Option<i64>>,
}

/// A scenario's scores.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub name: String,
    pub description: String,
    pub days: usize,
    pub evaluated_minutes: u64,
    /// Per horizon and quantity: the forecast's errors and the baseline's.
    pub errors: Vec<(u32, Quantity, Errors, Errors)>,
    /// Per role and method.
    pub provisioning: Vec<(Role, Method, Provisioning)>,
    /// Replica-minutes the true load needed, per role.
    pub needed_replica_minutes: HashMap<Role, u64>,
    pub peaks: Vec<DayPeak>,
    /// The busiest minute's true load.
    pub busiest: Load,
    pub plan: Plan,
}

/// What the forecaster knows of the past at a moment: history, re-learned every 15 minutes.
struct Memory<'a> {
    scenario: &'a Scenario,
    /// Each event's check-ins in arrival bins, `(bin, check-ins)`, counted once.
    arrivals: Vec<Vec<(i64, i64)>>,
    learned_at: Option<i64>,
    history: History,
}

impl<'a> Memory<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        let arrivals = scenario
            .events
            .iter()
            .map(|e| {
                let mut bins: HashMap<i64, i64> = HashMap::new();
                for &at in &e.checkins {
                    *bins.entry((at - e.event.starts_at).div_euclid(ARRIVAL_BIN_MINUTES * MINUTE_MS)).or_default() += 1;
                }
                bins.into_iter().collect()
            })
            .collect();
        Self { scenario, arrivals, learned_at: None, history: History::default() }
    }

    /// Learns history again when it is 15 minutes old at `now`.
    fn refresh(&mut self, now: i64) {
        if self.learned_at.is_none_or(|at| now - at >= HISTORY_EVERY_MINUTES * MINUTE_MS) {
            self.history = self.learn(now);
            self.learned_at = Some(now);
        }
    }

    fn learn(&self, now: i64) -> History {
        let since = now - HISTORY_DAYS * 24 * 60 * MINUTE_MS;
        let ended: Vec<_> = self
            .scenario
            .events
            .iter()
            .zip(&self.arrivals)
            .zip(&self.scenario.messages)
            .map(|((e, arrivals), room)| (e, arrivals, room))
            .filter(|(e, ..)| e.event.ends_at <= now && e.event.ends_at > since)
            .collect();
        let past: Vec<PastEvent> = ended
            .iter()
            .map(|(e, ..)| PastEvent {
                id: e.event.id,
                segment: e.event.segment,
                starts_at: e.event.starts_at,
                ends_at: e.event.ends_at,
                going: e.event.going,
                checked_in: e.checkins.len() as u32,
            })
            .collect();
        let mut bins: [HashMap<i64, i64>; 2] = [HashMap::new(), HashMap::new()];
        for (e, arrivals, _) in &ended {
            let place = usize::from(e.event.segment.place == Place::Online);
            for &(bin, n) in arrivals.iter() {
                *bins[place].entry(bin).or_default() += n;
            }
        }
        let [venue, online] = bins.map(|b| b.into_iter().collect::<Vec<_>>());
        // A room's channel counts every message ever posted in it, the chat after the event too.
        let chat: Vec<(Uuid, i64)> =
            ended.iter().map(|(e, _, room)| (e.event.id, room.last().map_or(0, |&(_, n)| n))).collect();
        History::learn(&past, &venue, &online, &chat)
    }

    /// The calendar at `now`, as `inputs::calendar` reads it: check-ins made before now, and the
    /// messages posted in rooms whose doors have opened.
    fn calendar(&self, now: i64) -> Vec<CalendarEvent> {
        let longest = i64::from(HORIZONS.iter().copied().max().unwrap_or(60));
        let (from, to) = (now - LEAVE_MINUTES * MINUTE_MS, now + (longest - ARRIVALS_FROM_MINUTES + 1) * MINUTE_MS);
        self.scenario
            .events
            .iter()
            .zip(&self.scenario.messages)
            .filter(|(e, _)| e.event.starts_at < to && e.event.ends_at > from)
            .map(|(e, room)| {
                let opened = e.event.starts_at + ARRIVALS_FROM_MINUTES * MINUTE_MS < now;
                let posted = room.partition_point(|&(minute, _)| minute < now);
                let messages = if opened && posted > 0 { room[posted - 1].1 as u32 } else { 0 };
                CalendarEvent {
                    checked_in: e.checkins.partition_point(|&at| at < now) as u32,
                    messages,
                    ..e.event.clone()
                }
            })
            .collect()
    }

    /// People with the app open, as sessions would tell: everyone connected at some minute of
    /// the last half hour (zero where the world has no sessions).
    fn active(&self, now: i64) -> f64 {
        if !self.scenario.has_sessions {
            return 0.0;
        }
        (1..=ACTIVE_WINDOW_MINUTES).map(|m| self.scenario.at(now - m * MINUTE_MS).connections).fold(0.0, f64::max)
    }
}

/// Each quantity's peak over the minutes `[from, to]` of the truth.
fn true_peak(scenario: &Scenario, from: i64, to: i64) -> Load {
    let minutes = (to - from).div_euclid(MINUTE_MS);
    (0..=minutes).map(|m| scenario.at(from + m * MINUTE_MS)).fold(Load::default(), Load::peak_of)
}

/// Scores `scenario`.
pub fn evaluate(scenario: &Scenario) -> Evaluation {
    let plan = &scenario.plan;
    let replicas = |l: &Load| plan.replicas(l.connections, l.deliveries_per_second, l.matcher_workers);
    let mut memory = Memory::new(scenario);
    let mut errors: HashMap<(u32, Quantity), (Errors, Errors)> = HashMap::new();
    let methods: Vec<Method> = HORIZONS.iter().map(|&h| Method::Forecast(h)).chain([Method::LastHour]).collect();
    let mut peaks = Vec::new();
    let mut provisioning: HashMap<(Role, Method), Provisioning> = HashMap::new();
    let mut needed_replica_minutes: HashMap<Role, u64> = HashMap::new();
    let mut busiest = Load::default();
    let mut evaluated_minutes = 0;
    for &(day_from, day_to) in &scenario.days {
        // Every minute of the day, and the startup minutes before it, so that the first
        // minutes' provisioning is known.
        let mut recommended: HashMap<Method, Vec<Replicas>> = HashMap::new();
        let mut needed: Vec<Replicas> = Vec::new();
        let mut at = day_from - STARTUP_MINUTES * MINUTE_MS;
        while at < day_to {
            memory.refresh(at);
            let f = forecast(at, &memory.calendar(at), &memory.history, memory.active(at), plan);
            let baseline = true_peak(scenario, at - BASELINE_MINUTES * MINUTE_MS, at - MINUTE_MS);
            for (h, horizon) in HORIZONS.iter().zip(&f.horizons) {
                recommended.entry(Method::Forecast(*h)).or_default().push(horizon.replicas);
            }
            recommended.entry(Method::LastHour).or_default().push(replicas(&baseline));
            if at >= day_from {
                let now = scenario.at(at);
                needed.push(replicas(&now));
                busiest = busiest.peak_of(now);
                evaluated_minutes += 1;
                for horizon in &f.horizons {
                    let actual = true_peak(scenario, at, at + i64::from(horizon.minutes) * MINUTE_MS);
                    for q in Quantity::ALL {
                        let (forecast_errors, baseline_errors) = errors.entry((horizon.minutes, q)).or_default();
                        forecast_errors.add(q.of(&horizon.peak), q.of(&actual));
                        baseline_errors.add(q.of(&baseline), q.of(&actual));
                    }
                }
            }
            at += MINUTE_MS;
        }
        let startup = STARTUP_MINUTES as usize;
        for role in Role::ALL {
            *needed_replica_minutes.entry(role).or_default() +=
                needed.iter().map(|r| u64::from(role.of(*r))).sum::<u64>();
            for &method in &methods {
                let rec = &recommended[&method];
                let p = provisioning.entry((role, method)).or_default();
                for (i, n) in needed.iter().enumerate() {
                    // `rec[i]` was recommended STARTUP_MINUTES before minute `i` of the day.
                    if role.of(rec[i]) < role.of(*n) {
                        p.short_minutes += 1;
                    }
                    p.replica_minutes += u64::from(role.of(rec[i + startup]));
                }
            }
            let most = needed.iter().map(|r| role.of(*r)).max().unwrap_or(0);
            let floor = match role {
                Role::Node => plan.node_replicas.0,
                Role::Matcher => plan.matcher_replicas.0,
            };
            if most <= floor {
                continue;
            }
            let Some(peak) = needed.iter().position(|r| role.of(*r) == most) else { continue };
            let lead = methods
                .iter()
                .map(|&method| {
                    let rec: Vec<u32> = recommended[&method][startup..].iter().map(|r| role.of(*r)).collect();
                    (method, lead_minutes(&rec, peak, most))
                })
                .collect();
            peaks.push(DayPeak { day: day_from, role, at: day_from + peak as i64 * MINUTE_MS, needed: most, lead });
        }
    }
    let mut errors: Vec<(u32, Quantity, Errors, Errors)> =
        errors.into_iter().map(|((h, q), (f, b))| (h, q, f, b)).collect();
    errors.sort_by_key(|(h, q, ..)| (*h, *q));
    let mut provisioning: Vec<(Role, Method, Provisioning)> =
        provisioning.into_iter().map(|((r, m), p)| (r, m, p)).collect();
    provisioning.sort_by_key(|(r, m, _)| (*r, *m));
    Evaluation {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        days: scenario.days.len(),
        evaluated_minutes,
        errors,
        provisioning,
        needed_replica_minutes,
        peaks,
        busiest,
        plan: plan.clone(),
    }
}

/// Minutes before `peak` from which `recommended` was at least `needed` through the peak;
/// negative when it reached `needed` only after the peak; `None` when it never did.
fn lead_minutes(recommended: &[u32], peak: usize, needed: u32) -> Option<i64> {
    if recommended.get(peak).is_some_and(|&r| r >= needed) {
        let mut from = peak;
        while from > 0 && recommended[from - 1] >= needed {
            from -= 1;
        }
        return Some((peak - from) as i64);
    }
    recommended.iter().skip(peak).position(|&r| r >= needed).map(|late| -(late as i64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lead_counts_the_minutes_the_replicas_were_there_before_the_peak() {
        assert_eq!(lead_minutes(&[2, 2, 3, 4, 4, 4, 3], 5, 4), Some(2));
        assert_eq!(lead_minutes(&[4, 4, 4], 2, 4), Some(2));
        assert_eq!(lead_minutes(&[2, 2, 3, 3, 4], 2, 4), Some(-2));
        assert_eq!(lead_minutes(&[2, 2, 3], 1, 4), None);
    }
}
