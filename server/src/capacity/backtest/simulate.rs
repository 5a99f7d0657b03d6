//! Simulated days from a seeded generator: a platform with a few thousand people online by day,
//! and each day its meetups, breakfasts and workshops, and in turn one of four larger
//! occasions: a conference day whose doors open at 08:30 (a sharp arrival peak at a venue), an
//! online keynote in the evening (everyone joins within minutes), an evening of many meetups at
//! once, or nothing more.
//!
//! What really happens at an event is drawn per person: whether they turn up (a show-up rate
//! typical of the event's segment, varied per event), when they arrive (the segment's arrival
//! shape), whether they leave early, and when they leave after the end; each room chats at its
//! own rate. The forecaster never sees these rates, only their results in the history of the
//! days before.

use protocol::ops::HourBand;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use super::{exponential, normal, truth, Scenario, SimEvent};
use crate::capacity::model::{CalendarEvent, Place, Segment, MINUTE_MS};
use crate::capacity::replicas::Plan;

const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Monday 2027-03-01 00:00 UTC: the first simulated day.
const EPOCH: i64 = 1_803_859_200_000;

/// The larger occasion of a day, in turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occasion {
    Conference,
    Keynote,
    MeetupEvening,
    Ordinary,
}

impl Occasion {
    pub fn of_day(day: usize) -> Self {
        [Self::Conference, Self::Keynote, Self::MeetupEvening, Self::Ordinary][day % 4]
    }
}

/// How an event really goes, drawn before its people.
struct Behaviour {
    /// The show-up rate this event really has.
    show_up: f64,
    /// Arrival offset from the start in minutes: mean, spread, and the earliest and latest.
    arrival: (f64, f64, f64, f64),
    /// Share of attendees who leave before the end.
    early_leavers: f64,
    /// Mean minutes people stay after the end.
    linger: f64,
    chat_rate: f64,
}

/// `warmup_days` days of history, then `days` evaluated days.
pub fn scenario(seed: u64, warmup_days: usize, days: usize, plan: &Plan) -> Scenario {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let total = warmup_days + days;
    let mut events = Vec::new();
    let mut background = Vec::with_capacity(total * 1440 + 1440);
    for day in 0..total {
        let midnight = EPOCH + day as i64 * DAY_MS;
        background.extend(background_day(&mut rng));
        for planned in programme(&mut rng, day, midnight) {
            events.push(simulate_event(&mut rng, planned));
        }
    }
    // A spare day, so that the last evaluated minute has its hour ahead.
    background.extend(background_day(&mut rng));
    let (load, messages) = truth(&mut rng, &events, &background, EPOCH, plan);
    let evaluated =
        (warmup_days..total).map(|d| (EPOCH + d as i64 * DAY_MS, EPOCH + (d as i64 + 1) * DAY_MS)).collect();
    Scenario {
        name: "Simulated days".to_owned(),
        description: format!(
            "{days} days after {warmup_days} days of history (seed {seed}), in UTC: by day 1,000 to 3,500 people online \
             outside events; each day 10 to 25 meetups, breakfasts and workshops of 20 to 400 people going (a fifth \
             online), and in turn a conference day (20,000 to 40,000 going, doors open at 08:30 for 09:00, arrivals \
             20 min before the start on average, spread 12 min), an online keynote at 19:00 (30,000 to 70,000 going, \
             everyone within minutes of the start), an evening of 15 to 25 meetups of 300 to 1,500 at 18:30, or \
             nothing more. Show-up rates by segment (venue morning 0.55, afternoon 0.65, evening 0.7, online 0.45, \
             conference 0.85), varied by up to 0.1 per event; some leave early, the rest over about 10 minutes \
             after the end; rooms chat at 0.02 to 0.1 messages per attendee-minute."
        ),
        events,
        start: EPOCH,
        truth: load,
        messages,
        days: evaluated,
        plan: plan.clone(),
        has_sessions: true,
    }
}

/// People online outside events, minute by minute: low at night, most in the early afternoon.
fn background_day(rng: &mut ChaCha8Rng) -> Vec<f64> {
    let scale = rng.gen_range(1_000.0..3_500.0);
    (0..1440)
        .map(|minute| {
            let hour = f64::from(minute) / 60.0;
            let day = (-((hour - 14.0) / 5.0).powi(2)).exp();
            (scale * (0.15 + 0.85 * day) * (1.0 + 0.03 * normal(rng))).max(0.0).round()
        })
        .collect()
}

/// An event on a simulated day's programme.
struct Planned {
    title: String,
    starts_at: i64,
    minutes: i64,
    going: u32,
    online: bool,
}

/// The day's events.
fn programme(rng: &mut ChaCha8Rng, day: usize, midnight: i64) -> Vec<Planned> {
    let at = |hour: f64| midnight + (hour * 60.0) as i64 * MINUTE_MS;
    let event = |title: String, starts_at: i64, minutes: i64, going: u32, online: bool| Planned {
        title,
        starts_at,
        minutes,
        going,
        online,
    };
    let mut out = Vec::new();
    for i in 0..rng.gen_range(10..=25) {
        let online = rng.gen_bool(0.2);
        let (start, minutes) = match rng.gen_range(0..10) {
            0..=1 => (*pick(rng, &[8.0, 8.5]), rng.gen_range(6..=8) * 15),
            2..=3 => (*pick(rng, &[10.0, 13.5, 14.0]), rng.gen_range(12..=20) * 15),
            _ => (*pick(rng, &[18.0, 18.5, 19.0]), rng.gen_range(8..=12) * 15),
        };
        let going = (20.0 * 20f64.powf(rng.gen::<f64>())).round() as u32;
        out.push(event(format!("Day {day} event {i}"), at(start), minutes, going, online));
    }
    match Occasion::of_day(day) {
        Occasion::Conference => {
            let going = rng.gen_range(20_000..=40_000);
            out.push(event(format!("Day {day} conference"), at(9.0), 8 * 60, going, false));
        }
        Occasion::Keynote => {
            let going = rng.gen_range(30_000..=70_000);
            out.push(event(format!("Day {day} keynote"), at(19.0), 90, going, true));
        }
        Occasion::MeetupEvening => {
            for i in 0..rng.gen_range(15..=25) {
                let going = rng.gen_range(300..=1_500);
                out.push(event(format!("Day {day} evening meetup {i}"), at(18.5), 150, going, false));
            }
        }
        Occasion::Ordinary => {}
    }
    out
}

fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// How an event of `segment` and `going` really goes.
fn behaviour(rng: &mut ChaCha8Rng, segment: Segment, going: u32) -> Behaviour {
    let conference = going >= 10_000 && segment.place == Place::Venue;
    let show_up: f64 = if conference {
        0.85
    } else if segment.place == Place::Online {
        0.45
    } else {
        match segment.band {
            HourBand::Morning => 0.55,
            HourBand::Afternoon => 0.65,
            HourBand::Evening => 0.7,
        }
    };
    let arrival = if conference {
        (-20.0, 12.0, -60.0, 120.0)
    } else if segment.place == Place::Online {
        (1.0, 3.0, -10.0, 30.0)
    } else {
        (-5.0, 15.0, -45.0, 90.0)
    };
    Behaviour {
        show_up: (show_up + rng.gen_range(-0.1..0.1)).clamp(0.05, 1.0),
        arrival,
        early_leavers: rng.gen_range(0.05..0.25),
        linger: 10.0,
        chat_rate: rng.gen_range(0.02..0.1),
    }
}

fn simulate_event(rng: &mut ChaCha8Rng, planned: Planned) -> SimEvent {
    let Planned { title, starts_at, minutes, going, online } = planned;
    let ends_at = starts_at + minutes * MINUTE_MS;
    let segment = Segment::of(starts_at, ends_at, "UTC", online);
    let b = behaviour(rng, segment, going);
    let (mean, spread, earliest, latest) = b.arrival;
    let mut checkins = Vec::new();
    let mut stays = Vec::new();
    for _ in 0..going {
        if !rng.gen_bool(b.show_up) {
            continue;
        }
        let offset = (mean + spread * normal(rng)).clamp(earliest, latest);
        let arrived = starts_at + (offset * MINUTE_MS as f64) as i64;
        let left = if rng.gen_bool(b.early_leavers) {
            arrived + ((ends_at - arrived).max(0) as f64 * rng.gen_range(0.3..1.0)) as i64
        } else {
            ends_at + (exponential(rng, b.linger) * MINUTE_MS as f64) as i64
        };
        checkins.push(arrived);
        stays.push((arrived, left.max(arrived + MINUTE_MS)));
    }
    checkins.sort_unstable();
    let interested = (f64::from(going) * rng.gen_range(0.2..0.6)) as u32;
    SimEvent {
        event: CalendarEvent {
            id: Uuid::from_u64_pair(rng.gen(), rng.gen()),
            title,
            starts_at,
            ends_at,
            segment,
            going,
            interested,
            checked_in: 0,
            messages: 0,
        },
        checkins,
        stays,
        chat_rate: b.chat_rate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::backtest::evaluate::{evaluate, Method, Quantity, Role};

    fn plan() -> Plan {
        Plan::measured()
    }

    #[test]
    fn the_same_seed_gives_the_same_days() {
        let a = scenario(7, 1, 1, &plan());
        let b = scenario(7, 1, 1, &plan());
        assert_eq!(a.truth, b.truth);
        assert_eq!(a.events.len(), b.events.len());
        assert_ne!(scenario(8, 1, 1, &plan()).truth, a.truth);
        assert_eq!(a.truth.len(), 3 * 1440, "two days and the spare one");
    }

    #[test]
    fn a_conference_day_has_its_doors_open_peak_of_check_ins_before_the_start() {
        let s = scenario(3, 0, 1, &plan());
        assert_eq!(Occasion::of_day(0), Occasion::Conference);
        let conference = s.events.iter().find(|e| e.event.title.ends_with("conference")).expect("a conference");
        let busiest = (0..s.truth.len())
            .max_by(|&a, &b| s.truth[a].checkins_per_minute.total_cmp(&s.truth[b].checkins_per_minute))
            .expect("minutes");
        let at = EPOCH + busiest as i64 * MINUTE_MS;
        assert!(at < conference.event.starts_at && at > conference.event.starts_at - HOUR_MS, "{busiest}");
        let rate = conference.checkins.len() as f64 / f64::from(conference.event.going);
        assert!((0.7..=0.95).contains(&rate), "{rate}");
    }

    /// The backtest at a small size: a day of each occasion after four days of history.
    #[test]
    fn the_forecast_beats_the_last_hour_and_replicas_rise_before_the_peaks() {
        let s = scenario(11, 4, 2, &plan());
        let e = evaluate(&s);
        assert_eq!(e.evaluated_minutes, 2 * 1440);
        let error = |h: u32, q: Quantity| e.errors.iter().find(|(eh, eq, ..)| *eh == h && *eq == q).expect("scored");
        for q in [Quantity::Connections, Quantity::DeliveriesPerSecond, Quantity::CheckinsPerMinute] {
            let (_, _, forecast, baseline) = error(15, q);
            let (f, b) = (forecast.wape().expect("load"), baseline.wape().expect("load"));
            assert!(f < b, "{q:?}: the forecast's error {f:.3} against the last hour's {b:.3}");
        }
        // Day 4 is a conference (doors open at 08:30), day 5 a keynote. Where a day needs more
        // nodes than the minimum, the forecast has them before the peak, the last hour only after
        // it; the matcher's workers too come earlier with the forecast.
        assert!(e.peaks.iter().any(|p| p.role == Role::Node), "{:?}", e.peaks);
        for peak in &e.peaks {
            let last_hour = peak.lead[&Method::LastHour];
            assert!(last_hour.is_none_or(|lead| lead <= 0), "{peak:?}");
            let early = peak.lead[&Method::Forecast(60)].expect("reached");
            assert!(last_hour.is_none_or(|lead| early > lead), "{peak:?}");
            if peak.role == Role::Node {
                assert!(peak.lead[&Method::Forecast(15)].expect("reached") > 0, "{peak:?}");
            }
        }
        let short = |m: Method| {
            e.provisioning.iter().find(|(r, pm, _)| *r == Role::Node && *pm == m).expect("counted").2.short_minutes
        };
        assert!(short(Method::Forecast(15)) < short(Method::LastHour), "{:?}", e.provisioning);
    }
}
