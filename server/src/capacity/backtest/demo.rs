//! The demo world as a scenario: `mingle demo-data`'s world written to a temporary SQLite
//! database and read back through the forecast's own store queries. Its calendar, RSVPs and
//! check-ins are the truth; what it does not hold (how long people stay, how much they chat) is
//! drawn as the simulated days draw it.

use std::collections::HashMap;

use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::{exponential, truth, Options, Scenario, SimEvent};
use crate::capacity::model::{sessions, CalendarEvent, Load, Segment, MINUTE_MS};
use crate::capacity::replicas::Plan;
use crate::store::{now_ms, Store};

const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// The demo world's past reaches 60 days back; events may last a month.
const PAST_DAYS: i64 = 61;
const LONGEST_EVENT_MS: i64 = 32 * DAY_MS;

/// The demo world of `options`, its last `options.demo_days` whole (UTC) days evaluated.
pub async fn scenario(options: &Options, plan: &Plan) -> anyhow::Result<Scenario> {
    let dir = std::env::temp_dir().join(format!("mingle-backtest-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir)?;
    let built = build(&dir, options, plan).await;
    if let Err(e) = std::fs::remove_dir_all(&dir) {
        tracing::warn!(error = %e, dir = %dir.display(), "removing the backtest's demo database failed");
    }
    built
}

async fn build(dir: &std::path::Path, options: &Options, plan: &Plan) -> anyhow::Result<Scenario> {
    let store = Store::connect(&Store::sqlite_url(&dir.join("demo.db"))).await?;
    crate::demo::generate(&store, options.demo_seed, options.demo_users, options.demo_events).await?;
    let now = now_ms();
    let today = now - now.rem_euclid(DAY_MS);
    let start = today - PAST_DAYS * DAY_MS;
    let end = today + DAY_MS;
    let rows = store.capacity_calendar(start, end, start - LONGEST_EVENT_MS, now).await?;
    let mut checkins: HashMap<Uuid, Vec<i64>> = HashMap::new();
    for (event, at) in store.capacity_checkins(start - LONGEST_EVENT_MS, end).await? {
        checkins.entry(event).or_default().push(at);
    }
    store.close().await;

    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let events: Vec<SimEvent> = rows
        .into_iter()
        .map(|row| {
            let mut times = checkins.remove(&row.id).unwrap_or_default();
            times.sort_unstable();
            let event = CalendarEvent {
                segment: Segment::of(row.starts_at, row.ends_at, &row.timezone, row.venue_name.is_none()),
                id: row.id,
                title: row.title,
                starts_at: row.starts_at,
                ends_at: row.ends_at,
                going: u32::try_from(row.going).unwrap_or(0),
                interested: u32::try_from(row.interested).unwrap_or(0),
                checked_in: 0,
                messages: 0,
            };
            let stays = stays(&mut rng, &event, &times, now);
            SimEvent { event, checkins: times, stays, chat_rate: rng.gen_range(0.02..0.1) }
        })
        .collect();
    let days: Vec<(i64, i64)> =
        (0..options.demo_days as i64).rev().map(|d| (today - (d + 1) * DAY_MS, today - d * DAY_MS)).collect();
    let minutes = ((end - start) / MINUTE_MS) as usize;
    let background = vec![0.0; minutes];
    // The truth once to size the capacities, then with them (the same draws: the same seed).
    let (load, _) = truth(&mut ChaCha8Rng::seed_from_u64(options.seed), &events, &background, start, plan);
    let scaled = scaled_plan(&load, start, &days, plan);
    let (load, messages) = truth(&mut ChaCha8Rng::seed_from_u64(options.seed), &events, &background, start, &scaled);
    Ok(Scenario {
        name: "The demo world".to_owned(),
        description: format!(
            "`mingle demo-data --seed {} --users {} --events {}` written to a temporary SQLite database and read back \
             through the forecast's store queries; its last {} whole days (UTC) before the run evaluated, the \
             {} days before them history. Its calendar (events in many cities and time zones, a tenth online), \
             RSVPs and check-ins are the truth: 60 to 85% of those going check in, evenly from 20 minutes before \
             the start to 90 after. What it does not hold is drawn: everyone stays until the end (each day's 9 \
             hours at multi-day events) and leaves over about 10 minutes; rooms chat at 0.02 to 0.1 messages per \
             attendee-minute; nobody is online outside events (no sessions). Its events are small, so replicas \
             are counted with capacities scaled to it: a node carries a quarter of the busiest evaluated minute's \
             connections ({:.0}) and of its deliveries ({:.1}/s), a worker half its check-ins (over 5 minutes, \
             {:.2}/s).",
            options.demo_seed,
            options.demo_users,
            options.demo_events,
            options.demo_days,
            (PAST_DAYS as usize).saturating_sub(options.demo_days),
            scaled.node_connections,
            scaled.node_deliveries_per_second,
            scaled.matcher_checkins_per_second,
        ),
        events,
        start,
        truth: load,
        messages,
        days,
        plan: scaled,
        has_sessions: false,
    })
}

/// When each person who checked in was there: from the check-in to the end of the first day,
/// then each later day at the same offset from its start, leaving over about 10 minutes after
/// each day ends; nothing after `now`.
fn stays(rng: &mut ChaCha8Rng, event: &CalendarEvent, checkins: &[i64], now: i64) -> Vec<(i64, i64)> {
    let days = sessions(event.starts_at, event.ends_at);
    let mut out = Vec::with_capacity(checkins.len() * days.len());
    for &at in checkins {
        let offset = at - event.starts_at;
        for &(from, to) in &days {
            let arrived = if from == event.starts_at { at } else { from + offset.max(0) };
            let left = (to + (exponential(rng, 10.0) * MINUTE_MS as f64) as i64).max(arrived + MINUTE_MS);
            if arrived < now && arrived < left {
                out.push((arrived, left.min(now)));
            }
        }
    }
    out
}

/// `plan` with capacities a quarter of the busiest evaluated minute's connections and
/// deliveries, and half its matcher work, and bounds wide enough to see them.
fn scaled_plan(load: &[Load], start: i64, days: &[(i64, i64)], plan: &Plan) -> Plan {
    let busiest = days
        .iter()
        .flat_map(|&(from, to)| {
            let index = |at: i64| usize::try_from((at - start) / MINUTE_MS).unwrap_or(0).min(load.len());
            load[index(from)..index(to)].iter().copied()
        })
        .fold(Load::default(), Load::peak_of);
    Plan {
        node_connections: (busiest.connections / 4.0).max(1.0),
        node_deliveries_per_second: (busiest.deliveries_per_second / 4.0).max(0.01),
        // `plan`'s workers' worth, over two.
        matcher_checkins_per_second: plan.matcher_checkins_per_second * (busiest.matcher_workers / 2.0).max(1e-6),
        node_replicas: (1, 50),
        matcher_replicas: (1, 50),
        ..plan.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::backtest::evaluate::evaluate;

    #[tokio::test]
    async fn the_demo_world_is_read_back_with_its_check_ins_as_the_truth() {
        let options = Options {
            seed: 1,
            days: 0,
            warmup_days: 0,
            demo_seed: 42,
            demo_users: 400,
            demo_events: 120,
            demo_days: 7,
        };
        let plan = Plan::measured();
        let s = scenario(&options, &plan).await.expect("the demo world");
        assert_eq!(s.days.len(), 7);
        assert!(!s.has_sessions);
        let checkins: usize = s.events.iter().map(|e| e.checkins.len()).sum();
        assert!(checkins > 0, "the demo world's past events have check-ins");
        // Every check-in is in the truth, and whoever checked in is there that minute.
        let counted: f64 = s.truth.iter().map(|l| l.checkins_per_minute).sum();
        let inside = s.events.iter().flat_map(|e| &e.checkins).filter(|&&at| s.at(at) != Load::default()).count();
        assert_eq!(counted as usize, inside);
        for e in &s.events {
            for &at in &e.checkins {
                if (s.start..s.days[6].1).contains(&at) {
                    assert!(s.at(at).connections >= 1.0, "{} at {at}", e.event.title);
                }
            }
        }
        assert_eq!(s.plan.node_replicas, (1, 50), "capacities scaled to a small world");
        let e = evaluate(&s);
        assert_eq!(e.evaluated_minutes, 7 * 1440);
    }
}
