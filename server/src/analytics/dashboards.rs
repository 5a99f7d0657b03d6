//! The organizer's and the operator's dashboards, computed from the rollups only (never the raw
//! events), and each chart of the organizer's as CSV.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use protocol::analytics::{
    ActivePoint, Cohort, DayVolume, EventAnalytics, EventChart, FunnelPoint, FunnelStep, MatcherOutcome, Networking,
    PipelineState, PlatformAnalytics, RecommenderOutcome, Source, SourceShare, Stage,
};
use uuid::Uuid;

use crate::store::{week_of, Store, StoreResult, ANALYTICS_DAY_MS};

/// Most buckets in the funnel over time; the width grows until the span fits.
const MAX_POINTS: i64 = 48;
/// Bucket widths to choose from, in minutes: a minute up to a week.
const WIDTHS_MIN: [u32; 9] = [1, 5, 15, 30, 60, 180, 360, 1440, 10080];
/// Weeks after sign-up shown in the cohort table.
const COHORT_WEEKS: usize = 8;

fn stage_named(name: &str) -> Option<Stage> {
    Stage::ALL.into_iter().find(|s| s.as_str() == name)
}

fn source_named(name: &str) -> Source {
    Source::ALL.into_iter().find(|s| s.as_str() == name).unwrap_or(Source::Link)
}

fn ratio(part: i64, whole: i64) -> f64 {
    if whole > 0 {
        part as f64 / whole as f64
    } else {
        0.0
    }
}

/// `GET /events/{id}/analytics`.
pub async fn event(store: &Store, event: Uuid, now: i64) -> StoreResult<EventAnalytics> {
    let stages = store.analytics_stages(event).await?;
    let mut people: HashMap<Stage, i64> = HashMap::new();
    let mut sources: HashMap<Source, i64> = HashMap::new();
    let mut reached = Vec::with_capacity(stages.len());
    for row in &stages {
        let Some(stage) = stage_named(&row.stage) else { continue };
        *people.entry(stage).or_default() += 1;
        if stage == Stage::Rsvped {
            *sources.entry(source_named(row.source.as_deref().unwrap_or("link"))).or_default() += 1;
        }
        reached.push((stage, row.at));
    }
    let mut previous = None;
    let funnel = Stage::ALL
        .into_iter()
        .map(|stage| {
            let n = people.get(&stage).copied().unwrap_or(0);
            let of_previous = previous.map_or(1.0, |p| ratio(n, p));
            previous = Some(n);
            FunnelStep { stage, people: n, of_previous }
        })
        .collect();
    let attributed: i64 = sources.values().sum();
    let sources = Source::ALL
        .into_iter()
        .map(|source| {
            let rsvps = sources.get(&source).copied().unwrap_or(0);
            SourceShare { source, rsvps, share: ratio(rsvps, attributed) }
        })
        .collect();
    let checked_in = people.get(&Stage::CheckedIn).copied().unwrap_or(0);
    let with_accepted_meeting = store.analytics_networked(event).await?;
    let (bucket_minutes, over_time) = over_time(&reached, now);
    Ok(EventAnalytics {
        event_id: event,
        funnel,
        bucket_minutes,
        over_time,
        sources,
        networking: Networking { checked_in, with_accepted_meeting, share: ratio(with_accepted_meeting, checked_in) },
        as_of: stages.iter().map(|s| s.at).max().and_then(DateTime::from_timestamp_millis),
    })
}

/// People reaching each stage for the first time, per bucket, from the first to `now`.
fn over_time(reached: &[(Stage, i64)], now: i64) -> (u32, Vec<FunnelPoint>) {
    let Some(first) = reached.iter().map(|&(_, at)| at).min() else { return (WIDTHS_MIN[0], Vec::new()) };
    let last = reached.iter().map(|&(_, at)| at).max().unwrap_or(first).max(now);
    let minutes = WIDTHS_MIN
        .into_iter()
        .find(|&w| (last - first) / (i64::from(w) * 60_000) < MAX_POINTS)
        .unwrap_or(WIDTHS_MIN[WIDTHS_MIN.len() - 1]);
    let width = i64::from(minutes) * 60_000;
    let start = first.div_euclid(width) * width;
    let buckets = ((last - start) / width + 1).clamp(1, MAX_POINTS * 4) as usize;
    let mut points: Vec<FunnelPoint> = (0..buckets)
        .map(|i| FunnelPoint {
            at: DateTime::from_timestamp_millis(start + i as i64 * width).unwrap_or_default(),
            viewed: 0,
            rsvped: 0,
            checked_in: 0,
            chatted: 0,
            meeting_requested: 0,
            meeting_accepted: 0,
            met: 0,
        })
        .collect();
    for &(stage, at) in reached {
        let i = (((at - start) / width).max(0) as usize).min(buckets - 1);
        let p = &mut points[i];
        let slot = match stage {
            Stage::Viewed => &mut p.viewed,
            Stage::Rsvped => &mut p.rsvped,
            Stage::CheckedIn => &mut p.checked_in,
            Stage::Chatted => &mut p.chatted,
            Stage::MeetingRequested => &mut p.meeting_requested,
            Stage::MeetingAccepted => &mut p.meeting_accepted,
            Stage::Met => &mut p.met,
        };
        *slot += 1;
    }
    (minutes, points)
}

/// One chart of the organizer's dashboard as CSV (RFC 4180, a header row first).
pub fn csv(analytics: &EventAnalytics, chart: EventChart) -> String {
    let mut out = String::new();
    match chart {
        EventChart::Funnel => {
            out.push_str("stage,people,share_of_previous\r\n");
            for step in &analytics.funnel {
                let _ = write!(out, "{},{},{:.4}\r\n", step.stage.as_str(), step.people, step.of_previous);
            }
        }
        EventChart::OverTime => {
            out.push_str("bucket_start,viewed,rsvped,checked_in,chatted,meeting_requested,meeting_accepted,met\r\n");
            for p in &analytics.over_time {
                let _ = write!(
                    out,
                    "{},{},{},{},{},{},{},{}\r\n",
                    p.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    p.viewed,
                    p.rsvped,
                    p.checked_in,
                    p.chatted,
                    p.meeting_requested,
                    p.meeting_accepted,
                    p.met
                );
            }
        }
        EventChart::Sources => {
            out.push_str("source,rsvps,share\r\n");
            for s in &analytics.sources {
                let _ = write!(out, "{},{},{:.4}\r\n", s.source.as_str(), s.rsvps, s.share);
            }
        }
        EventChart::Networking => {
            let n = &analytics.networking;
            out.push_str("checked_in,with_accepted_meeting,share\r\n");
            let _ = write!(out, "{},{},{:.4}\r\n", n.checked_in, n.with_accepted_meeting, n.share);
        }
    }
    out
}

fn day_date(day: i64) -> NaiveDate {
    DateTime::<Utc>::from_timestamp_millis(day * ANALYTICS_DAY_MS).unwrap_or_default().date_naive()
}

/// Days after which a day's active counts can no longer change: the writer takes nothing more than
/// a day old, and a day more covers batches held up on their way (a Redis stream).
const FINAL_AFTER_DAYS: i64 = 2;

/// `GET /ops/analytics`: the last `days` days up to `now`.
pub async fn platform(store: &Store, days: u32, now: i64, pipeline: PipelineState) -> StoreResult<PlatformAnalytics> {
    let today = now.div_euclid(ANALYTICS_DAY_MS);
    let first_day = today - i64::from(days) + 1;
    let from = first_day * ANALYTICS_DAY_MS;

    let active = store
        .analytics_active(first_day, today, today - FINAL_AFTER_DAYS)
        .await?
        .into_iter()
        .map(|r| ActivePoint { day: day_date(r.day), daily: r.daily, weekly: r.weekly, monthly: r.monthly })
        .collect();

    // Cohorts of the sign-up weeks that overlap the window.
    let mut cohorts: BTreeMap<i64, (i64, Vec<i64>)> = BTreeMap::new();
    let this_week = week_of(today);
    for row in store.analytics_cohorts(first_day - 6).await? {
        let entry = cohorts.entry(row.week).or_insert_with(|| (0, vec![0; COHORT_WEEKS + 1]));
        match usize::try_from(row.weeks_later) {
            Ok(k) if k <= COHORT_WEEKS => entry.1[k] = row.people,
            Ok(_) => {}
            Err(_) => entry.0 = row.people,
        }
    }
    let cohorts = cohorts
        .into_iter()
        .filter(|(_, (size, _))| *size > 0)
        .map(|(week, (size, active))| {
            // Weeks that have not come yet are left out, not shown as zero.
            let elapsed = usize::try_from(this_week - week).unwrap_or(0).min(COHORT_WEEKS);
            Cohort {
                week: day_date(week * 7 - 3),
                size,
                retained: active[..=elapsed].iter().map(|&n| ratio(n, size)).collect(),
            }
        })
        .collect();

    let sums = store
        .analytics_daily(
            from,
            &["impression", "open", "rsvp", "meeting_requested", "meeting_accepted", "event_created", "check_in"],
        )
        .await?;
    let (recommenders, matchers) = model_outcomes(&sums);
    let mut volume: BTreeMap<i64, (i64, i64)> = (first_day..=today).map(|d| (d, (0, 0))).collect();
    for s in &sums {
        let slot = match s.kind.as_str() {
            "event_created" => volume.get_mut(&s.day).map(|v| &mut v.0),
            "check_in" => volume.get_mut(&s.day).map(|v| &mut v.1),
            _ => None,
        };
        if let Some(count) = slot {
            *count += s.amount;
        }
    }
    Ok(PlatformAnalytics {
        days,
        active,
        cohorts,
        recommenders,
        matchers,
        volume: volume
            .into_iter()
            .map(|(day, (events_created, attended))| DayVolume { day: day_date(day), events_created, attended })
            .collect(),
        pipeline,
    })
}

/// Kinds of the daily sums [`model_outcomes`] reads.
pub const OUTCOME_KINDS: [&str; 5] = ["impression", "open", "rsvp", "meeting_requested", "meeting_accepted"];

/// Each recommender version's and each matcher weight set's outcomes, from the daily sums of
/// [`OUTCOME_KINDS`] (other kinds are ignored).
pub fn model_outcomes(sums: &[crate::store::HourlySum]) -> (Vec<RecommenderOutcome>, Vec<MatcherOutcome>) {
    #[derive(Default)]
    struct Rec {
        impressions: i64,
        shown_5: i64,
        shown_10: i64,
        opened_5: i64,
        opened_10: i64,
        rsvps: i64,
    }
    #[derive(Default)]
    struct Match {
        impressions: i64,
        requests: i64,
        accepted: i64,
    }
    let mut recs: BTreeMap<String, Rec> = BTreeMap::new();
    let mut matches: BTreeMap<String, Match> = BTreeMap::new();
    let version = |v: &str, none: &str| if v.is_empty() { none.to_owned() } else { v.to_owned() };
    for s in sums {
        match (s.kind.as_str(), s.list.as_str(), s.source.as_str()) {
            ("impression", "recommendations", _) => {
                let r = recs.entry(version(&s.model_version, "content")).or_default();
                r.impressions += s.amount;
                if (0..5).contains(&s.position) {
                    r.shown_5 += s.amount;
                }
                if (0..10).contains(&s.position) {
                    r.shown_10 += s.amount;
                }
            }
            ("open", "recommendations", _) => {
                let r = recs.entry(version(&s.model_version, "content")).or_default();
                if (0..5).contains(&s.position) {
                    r.opened_5 += s.amount;
                }
                if (0..10).contains(&s.position) {
                    r.opened_10 += s.amount;
                }
            }
            ("rsvp", _, "recommendations") => {
                recs.entry(version(&s.model_version, "content")).or_default().rsvps += s.amount
            }
            ("impression", "suggestions", _) => {
                matches.entry(version(&s.model_version, "default")).or_default().impressions += s.amount
            }
            ("meeting_requested", _, "suggestions") => {
                matches.entry(version(&s.model_version, "default")).or_default().requests += s.amount
            }
            ("meeting_accepted", _, "suggestions") => {
                matches.entry(version(&s.model_version, "default")).or_default().accepted += s.amount
            }
            _ => {}
        }
    }
    let recommenders = recs
        .into_iter()
        .map(|(model_version, r)| RecommenderOutcome {
            model_version,
            impressions: r.impressions,
            ctr_at_5: ratio(r.opened_5, r.shown_5),
            ctr_at_10: ratio(r.opened_10, r.shown_10),
            rsvps: r.rsvps,
            rsvp_rate: ratio(r.rsvps, r.impressions),
        })
        .collect();
    let matchers = matches
        .into_iter()
        .map(|(weights_version, m)| MatcherOutcome {
            weights_version,
            impressions: m.impressions,
            requests: m.requests,
            accepted: m.accepted,
            acceptance_rate: ratio(m.accepted, m.requests),
        })
        .collect();
    (recommenders, matchers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn over_time_puts_each_first_reach_in_its_bucket() {
        let t0 = 1_796_000_000_000 / 60_000 * 60_000;
        let reached = [(Stage::Viewed, t0), (Stage::Viewed, t0 + 30_000), (Stage::Rsvped, t0 + 90_000)];
        let (minutes, points) = over_time(&reached, t0 + 120_000);
        assert_eq!(minutes, 1);
        assert_eq!(points.len(), 3);
        assert_eq!((points[0].viewed, points[1].rsvped), (2, 1));
        assert!(over_time(&[], t0).1.is_empty());
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_step() {
        let analytics = EventAnalytics {
            event_id: Uuid::nil(),
            funnel: vec![FunnelStep { stage: Stage::Viewed, people: 3, of_previous: 1.0 }],
            bucket_minutes: 1,
            over_time: Vec::new(),
            sources: Vec::new(),
            networking: Networking { checked_in: 2, with_accepted_meeting: 1, share: 0.5 },
            as_of: None,
        };
        assert_eq!(csv(&analytics, EventChart::Funnel), "stage,people,share_of_previous\r\nviewed,3,1.0000\r\n");
        assert_eq!(csv(&analytics, EventChart::Networking), "checked_in,with_accepted_meeting,share\r\n2,1,0.5000\r\n");
    }
}
