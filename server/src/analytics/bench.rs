//! `mingle analytics-bench`: how fast the dashboards answer with a month of the demo world's
//! activity behind them, and how fast the writer alone stores it.
//!
//! The month is simulated like [`super::simulate`]'s visits, and more happens in it:
//! - people open events from their recommendations, view them and RSVP, following their hidden
//!   taste;
//! - each event happens on one day of the month, where most of those going check in;
//! - some of them chat, ask each other for meetings (mostly accepted) and mark people as met.
//!
//! Everything is written through [`Store::analytics_write`] in hourly batches, as the pipeline
//! does. Then each dashboard is timed as `GET /events/{id}/analytics` and `GET /ops/analytics`
//! compute it.

use std::fmt::Write as _;
use std::time::Instant;

use protocol::analytics::{ListKind, Page, UsageEvent};
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::keys::Keys;
use crate::store::{AnalyticsRow, Store, ANALYTICS_DAY_MS};

const HOUR_MS: i64 = 3_600_000;

#[derive(Debug, Clone)]
pub struct Options {
    pub seed: u64,
    pub people: usize,
    pub events: usize,
    pub days: u32,
    /// Timed calls of each dashboard.
    pub calls: usize,
}

/// What was measured.
#[derive(Debug, Clone)]
pub struct Measured {
    pub backend: String,
    pub rows: usize,
    pub write_secs: f64,
    pub event_ms: Vec<f64>,
    pub platform_ms: Vec<f64>,
    pub busiest_event_people: i64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// Fills `store` (whose analytics tables must be empty) with `options.days` days of activity
/// ending now, then times the dashboards.
pub async fn run(store: &Store, options: &Options) -> anyhow::Result<Measured> {
    anyhow::ensure!(store.analytics_count("impression").await? == 0, "the database already holds analytics events");
    let tastes = crate::demo::tastes(options.seed, options.people, options.events);
    anyhow::ensure!(tastes.people > 1 && tastes.events >= 10, "the demo world is too small");
    let keys = Keys::from_token_secret(&options.seed.to_be_bytes().repeat(4));
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed);
    let people: Vec<Uuid> = (0..tastes.people).map(|i| Uuid::from_u128(i as u128 + 1)).collect();
    let events: Vec<Uuid> = (0..tastes.events).map(|i| Uuid::from_u128((1 << 64) + i as u128)).collect();
    let days = i64::from(options.days.max(1));
    let start = (crate::store::now_ms() / ANALYTICS_DAY_MS - days + 1) * ANALYTICS_DAY_MS;
    // Each event happens on one day; people sign up over the month's first half.
    let event_day: Vec<i64> = (0..tastes.events).map(|_| rng.gen_range(1..days)).collect();
    let signed_up: Vec<i64> = (0..tastes.people).map(|_| rng.gen_range(0..(days / 2).max(1))).collect();
    let mut going: Vec<Vec<usize>> = vec![Vec::new(); tastes.events];
    let mut answered = vec![false; tastes.people * tastes.events];
    let mut rows_total = 0;
    let mut write_secs = 0.0;
    for hour in 0..days * 24 {
        let at0 = start + hour * HOUR_MS;
        let day = hour / 24;
        let mut rows: Vec<AnalyticsRow> = Vec::new();
        let mut push =
            |at: i64, who: usize, event: UsageEvent| rows.push(super::rows::row(&keys, at, Some(people[who]), &event));
        for p in 0..tastes.people {
            if signed_up[p] == day && hour % 24 == 9 {
                push(at0, p, UsageEvent::SignedUp);
            }
            if signed_up[p] > day || !rng.gen_bool(0.6 / 24.0) {
                continue;
            }
            let mut at = at0 + rng.gen_range(0..HOUR_MS - 600_000);
            let upcoming: Vec<usize> =
                (0..tastes.events).filter(|&e| event_day[e] > day && !answered[p * tastes.events + e]).collect();
            let mut list: Vec<usize> = upcoming.choose_multiple(&mut rng, 60.min(upcoming.len())).copied().collect();
            let want = |e: usize| f64::from(tastes.affinity[p * tastes.events + e]);
            list.sort_by(|&a, &b| want(b).total_cmp(&want(a)));
            list.truncate(10);
            let request_id = Uuid::from_u128(rng.r#gen());
            for (position, &e) in list.iter().enumerate() {
                push(
                    at,
                    p,
                    UsageEvent::Impression {
                        list: ListKind::Recommendations,
                        item: events[e],
                        position: position as u32,
                        event_id: None,
                        model_version: Some("1".into()),
                        variant: None,
                        request_id,
                    },
                );
            }
            for (position, &e) in list.iter().enumerate() {
                if !rng.gen_bool((0.05 + 0.5 * want(e)) / (1.0 + position as f64).sqrt()) {
                    continue;
                }
                at += 5_000;
                push(
                    at,
                    p,
                    UsageEvent::Open {
                        item: events[e],
                        list: Some(ListKind::Recommendations),
                        position: Some(position as u32),
                        request_id: Some(request_id),
                    },
                );
                push(at, p, UsageEvent::PageView { page: Page::Event, event_id: Some(events[e]) });
                if rng.gen_bool(0.1 + 0.6 * want(e)) {
                    at += 5_000;
                    answered[p * tastes.events + e] = true;
                    going[e].push(p);
                    push(at, p, UsageEvent::Rsvp { event_id: events[e], status: protocol::events::RsvpStatus::Going });
                }
            }
        }
        // Events of the day: check-ins in the evening, then chat and meetings among those there.
        if hour % 24 == 18 {
            for e in (0..tastes.events).filter(|&e| event_day[e] == day) {
                let there: Vec<usize> = going[e].iter().copied().filter(|_| rng.gen_bool(0.7)).collect();
                for (i, &p) in there.iter().enumerate() {
                    let at = at0 + i as i64 * 1_000 % (HOUR_MS / 2);
                    push(at, p, UsageEvent::CheckIn { event_id: events[e] });
                    if rng.gen_bool(0.4) {
                        push(
                            at + 600_000,
                            p,
                            UsageEvent::ChatActivity { event_id: events[e], messages: rng.gen_range(1..8) },
                        );
                    }
                    if there.len() > 1 && rng.gen_bool(0.3) {
                        let other = there[(i + 1 + rng.gen_range(0..there.len() - 1)) % there.len()];
                        let meeting = Uuid::from_u128(rng.r#gen());
                        let with = people[other];
                        push(
                            at + 900_000,
                            p,
                            UsageEvent::MeetingRequested { event_id: events[e], meeting_id: meeting, with },
                        );
                        let answer = if rng.gen_bool(0.7) {
                            UsageEvent::MeetingAccepted { event_id: events[e], meeting_id: meeting, with: people[p] }
                        } else {
                            UsageEvent::MeetingDeclined { event_id: events[e], meeting_id: meeting, with: people[p] }
                        };
                        push(at + 1_200_000, other, answer);
                        if rng.gen_bool(0.5) {
                            push(at + 3_000_000, p, UsageEvent::Met { event_id: events[e], with });
                        }
                    }
                }
            }
        }
        rows_total += rows.len();
        let started = Instant::now();
        store.analytics_write(rows).await?;
        write_secs += started.elapsed().as_secs_f64();
    }

    let mut busiest: Vec<usize> = (0..tastes.events).collect();
    busiest.sort_by_key(|&e| std::cmp::Reverse(going[e].len()));
    busiest.truncate(20);
    let now = crate::store::now_ms();
    let mut event_ms = Vec::with_capacity(options.calls);
    for i in 0..options.calls {
        let e = busiest[i % busiest.len()];
        let started = Instant::now();
        super::dashboards::event(store, events[e], now).await?;
        event_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    let mut platform_ms = Vec::with_capacity(options.calls);
    let idle = protocol::analytics::PipelineState { queued: 0, write_lag_secs: 0.0, rollup_lag_secs: 0.0 };
    for _ in 0..options.calls {
        let started = Instant::now();
        super::dashboards::platform(store, options.days, now, idle.clone()).await?;
        platform_ms.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    event_ms.sort_by(f64::total_cmp);
    platform_ms.sort_by(f64::total_cmp);
    let busiest_event_people = busiest.first().map_or(0, |&e| going[e].len() as i64);
    Ok(Measured {
        backend: format!("{:?}", store.backend()),
        rows: rows_total,
        write_secs,
        event_ms,
        platform_ms,
        busiest_event_people,
    })
}

/// The measurements as Markdown.
pub fn report(options: &Options, m: &Measured) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "`mingle analytics-bench --seed {}` on {}: {} people and {} events of the demo world, {} days of activity, \
         {} events written in hourly batches in {:.1} s by the writer alone ({:.0} events/s). The busiest event had {} going.\n",
        options.seed,
        m.backend,
        options.people,
        options.events,
        options.days,
        m.rows,
        m.write_secs,
        m.rows as f64 / m.write_secs.max(1e-9),
        m.busiest_event_people,
    );
    let _ = writeln!(out, "| dashboard | calls | p50 ms | p99 ms | max ms |");
    let _ = writeln!(out, "| --- | ---: | ---: | ---: | ---: |");
    let platform = format!("platform (`GET /ops/analytics?days={}`)", options.days);
    for (name, ms) in [
        ("event (`GET /events/{id}/analytics`), the 20 busiest events", &m.event_ms),
        (platform.as_str(), &m.platform_ms),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} | {:.1} | {:.1} | {:.1} |",
            ms.len(),
            percentile(ms, 0.5),
            percentile(ms, 0.99),
            ms.last().copied().unwrap_or(0.0)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_small_month_fills_both_dashboards() -> anyhow::Result<()> {
        let dir = std::env::temp_dir().join(format!("mingle-analytics-bench-test-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir)?;
        let store = Store::connect(&Store::sqlite_url(&dir.join("bench.db"))).await?;
        let options = Options { seed: 3, people: 200, events: 40, days: 7, calls: 3 };
        let measured = run(&store, &options).await?;
        let platform = super::super::dashboards::platform(
            &store,
            7,
            crate::store::now_ms(),
            protocol::analytics::PipelineState { queued: 0, write_lag_secs: 0.0, rollup_lag_secs: 0.0 },
        )
        .await?;
        store.close().await;
        std::fs::remove_dir_all(&dir).ok();
        assert!(measured.rows > 1_000, "{}", measured.rows);
        assert_eq!((measured.event_ms.len(), measured.platform_ms.len()), (3, 3));
        assert!(platform.active.iter().any(|a| a.daily > 0));
        assert!(platform.recommenders.iter().any(|r| r.model_version == "1" && r.impressions > 0 && r.rsvps > 0));
        assert!(platform.volume.iter().any(|v| v.attended > 0));
        assert!(report(&options, &measured).contains("| platform"));
        Ok(())
    }
}
