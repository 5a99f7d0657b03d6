//! The forecast itself, as pure functions over plain inputs: the calendar, what past events
//! taught ([`History`]) and how many people have the app open, in; the peak load of the next 15
//! and 60 minutes and the events behind it, out.
//!
//! An event's crowd is `going × show-up rate`, and it is there according to a presence curve:
//! people arrive around the start as past check-ins did (the [`ArrivalCurve`]), stay, and leave
//! over [`LEAVE_MINUTES`] after the end. Each attendee holds one connection; each posts chat at
//! the rate past rooms did, and each message reaches everyone in the room, so deliveries grow
//! with the square of a room. Each arrival is a check-in, which the matcher answers with an
//! incremental update, and the start of an event is a full build of its lists. Connections not
//! tied to a live event come from how many people have the app open now and are held flat.

use chrono::{TimeZone as _, Timelike as _};
use protocol::ops::{EventKind, HourBand};
use uuid::Uuid;

use super::history::{History, MESSAGES_WEIGHT};
use super::replicas::{matcher_window, Plan, Replicas, MATCHER_WINDOW_MINUTES};

pub const MINUTE_MS: i64 = 60_000;
/// The horizons forecast, in minutes.
pub const HORIZONS: [u32; 2] = [15, 60];
/// Attendees leave over this many minutes after an event (or a day of it) ends. Nothing records
/// when people leave, so this is assumed, not learned.
pub const LEAVE_MINUTES: i64 = 20;
/// The earliest arrival the curve knows, in minutes before the start (earlier check-ins, a badge
/// picked up the day before, count as arriving then).
pub const ARRIVALS_FROM_MINUTES: i64 = -60;
/// Everyone has arrived this many minutes after the start.
pub const ARRIVALS_UNTIL_MINUTES: i64 = 180;
/// A day of an event longer than [`LONG_EVENT_HOURS`] lasts at most this long: people go home
/// at night and come back the next day.
const SESSION_HOURS: i64 = 9;
/// Events up to this long run in one go; longer ones are split into days.
const LONG_EVENT_HOURS: i64 = 12;
/// How many attendees the check-ins so far count for when they rescale an event's crowd: a
/// handful of early check-ins does not move it much, hundreds do.
const CHECKINS_WEIGHT: f64 = 10.0;
/// The matcher's full build is timed for an event of this many people; the work grows with the
/// square of the people (every pair is scored).
pub const FULL_BUILD_PEOPLE: f64 = 10_000.0;
/// The forecast lists at most this many events as its drivers.
const DRIVERS: usize = 10;

/// Where an event happens: online-only events fill up within minutes of the start, while a venue
/// fills over the doors-open hour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    Venue,
    Online,
}

/// The group of events whose show-up rate an event is expected to share: kind, the band of its
/// local start hour, and place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Segment {
    pub kind: EventKind,
    pub band: HourBand,
    pub place: Place,
}

impl Segment {
    /// The segment of an event from its times (Unix ms), its time zone (an IANA name; UTC when
    /// unknown) and whether it is online-only.
    pub fn of(starts_at: i64, ends_at: i64, timezone: &str, online: bool) -> Self {
        let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::UTC);
        let hour = tz.timestamp_millis_opt(starts_at).single().map_or(12, |t| t.hour());
        Self {
            kind: kind_of(starts_at, ends_at),
            band: band_of(hour),
            place: if online { Place::Online } else { Place::Venue },
        }
    }
}

/// An event's kind by its length.
pub fn kind_of(starts_at: i64, ends_at: i64) -> EventKind {
    let hours = (ends_at - starts_at) as f64 / (60.0 * MINUTE_MS as f64);
    if hours <= 3.0 {
        EventKind::Short
    } else if hours <= LONG_EVENT_HOURS as f64 {
        EventKind::Long
    } else {
        EventKind::MultiDay
    }
}

/// The band of a local start hour.
pub fn band_of(hour: u32) -> HourBand {
    match hour {
        0..12 => HourBand::Morning,
        12..17 => HourBand::Afternoon,
        _ => HourBand::Evening,
    }
}

/// One event on the calendar, as the forecast sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarEvent {
    pub id: Uuid,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub segment: Segment,
    pub going: u32,
    pub interested: u32,
    /// Check-ins so far.
    pub checked_in: u32,
    /// Chat messages posted in its room so far.
    pub messages: u32,
}

/// When the attendees of an event are there, `(from, to)` in Unix ms: the whole event, or for
/// one longer than 12 hours one stretch of at most 9 hours a day from the start's time of day.
pub fn sessions(starts_at: i64, ends_at: i64) -> Vec<(i64, i64)> {
    if ends_at - starts_at <= LONG_EVENT_HOURS * 60 * MINUTE_MS {
        return vec![(starts_at, ends_at)];
    }
    let day = 24 * 60 * MINUTE_MS;
    let mut out = Vec::new();
    let mut from = starts_at;
    while from < ends_at {
        out.push((from, (from + SESSION_HOURS * 60 * MINUTE_MS).min(ends_at)));
        from += day;
    }
    out
}

/// When attendees arrive relative to the start: the share arrived before each minute offset
/// from [`ARRIVALS_FROM_MINUTES`] to [`ARRIVALS_UNTIL_MINUTES`].
#[derive(Debug, Clone, PartialEq)]
pub struct ArrivalCurve {
    /// `arrived[i]`: the share arrived before offset `ARRIVALS_FROM_MINUTES + i`.
    arrived: Vec<f64>,
    /// `area[i]`: the minutes an attendee spent there before that offset, on average.
    area: Vec<f64>,
}

impl ArrivalCurve {
    /// The curve of arrivals spread over bins of `bin_minutes` from [`ARRIVALS_FROM_MINUTES`]
    /// (`weights[0]` is the first bin), evenly within each bin. All-zero weights give arrivals
    /// spread evenly over the whole range.
    pub fn from_bins(weights: &[f64], bin_minutes: i64) -> Self {
        let span = (ARRIVALS_UNTIL_MINUTES - ARRIVALS_FROM_MINUTES) as usize;
        let total: f64 = weights.iter().map(|w| w.max(0.0)).sum();
        let mut per_minute = vec![0.0; span];
        for (minute, share) in per_minute.iter_mut().enumerate() {
            let bin = minute / bin_minutes.max(1) as usize;
            *share = if total > 0.0 {
                weights.get(bin).map_or(0.0, |w| w.max(0.0)) / total / bin_minutes.max(1) as f64
            } else {
                1.0 / span as f64
            };
        }
        let mut arrived = Vec::with_capacity(span + 1);
        let mut sum = 0.0;
        arrived.push(0.0);
        for share in per_minute {
            sum += share;
            arrived.push(sum.min(1.0));
        }
        // Rounding must not leave anyone outside.
        if let Some(last) = arrived.last_mut() {
            *last = 1.0;
        }
        let mut area = Vec::with_capacity(arrived.len());
        let mut sum = 0.0;
        for share in &arrived {
            area.push(sum);
            sum += share;
        }
        Self { arrived, area }
    }

    /// The share arrived before `minutes` after the start (negative: before it).
    pub fn arrived_by(&self, minutes: i64) -> f64 {
        let i = (minutes - ARRIVALS_FROM_MINUTES).clamp(0, self.arrived.len() as i64 - 1);
        self.arrived[i as usize]
    }

    /// The share arriving in the minute that begins `minutes` after the start.
    pub fn arriving_in(&self, minutes: i64) -> f64 {
        self.arrived_by(minutes + 1) - self.arrived_by(minutes)
    }

    /// The minutes an attendee has spent there, on average, `minutes` after the start.
    pub fn minutes_present_by(&self, minutes: i64) -> f64 {
        let i = minutes - ARRIVALS_FROM_MINUTES;
        let last = self.area.len() as i64 - 1;
        if i <= 0 {
            0.0
        } else if i <= last {
            self.area[i as usize]
        } else {
            // Everyone is there after the curve's end.
            self.area[last as usize] + (i - last) as f64
        }
    }
}

/// Whole minutes from `from` to `to` (Unix ms), rounded down.
fn minutes_between(from: i64, to: i64) -> i64 {
    (to - from).div_euclid(MINUTE_MS)
}

/// The share of an event's attendees present at `at`.
fn presence(curve: &ArrivalCurve, sessions: &[(i64, i64)], at: i64) -> f64 {
    sessions
        .iter()
        .map(|&(from, to)| {
            let after_end = at - to;
            let staying = if after_end <= 0 {
                1.0
            } else {
                (1.0 - after_end as f64 / (LEAVE_MINUTES * MINUTE_MS) as f64).max(0.0)
            };
            curve.arrived_by(minutes_between(from, at)) * staying
        })
        .sum::<f64>()
        .min(1.0)
}

/// Load in one minute.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Load {
    pub connections: f64,
    pub messages_per_second: f64,
    pub deliveries_per_second: f64,
    pub checkins_per_minute: f64,
    /// Matcher work in workers' worth.
    pub matcher_workers: f64,
}

impl Load {
    /// Each quantity's maximum of the two.
    pub fn peak_of(self, other: Self) -> Self {
        Self {
            connections: self.connections.max(other.connections),
            messages_per_second: self.messages_per_second.max(other.messages_per_second),
            deliveries_per_second: self.deliveries_per_second.max(other.deliveries_per_second),
            checkins_per_minute: self.checkins_per_minute.max(other.checkins_per_minute),
            matcher_workers: self.matcher_workers.max(other.matcher_workers),
        }
    }
}

/// An event with what the model expects of it.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    pub event: CalendarEvent,
    pub show_up_rate: f64,
    /// People expected to come.
    pub attendees: f64,
    /// Chat messages per attendee-minute expected of its room: history's, drawn towards what the
    /// room has posted so far as its attendee-minutes grow.
    pub chat_rate: f64,
    /// The most of them present at once inside the longest horizon.
    pub peak_present: f64,
    sessions: Vec<(i64, i64)>,
    place: Place,
    /// The share of arrivals the curve expected before now.
    arrived_by_now: f64,
}

impl Expected {
    /// What the model expects of `event` at `now`: `going × show-up`, and once check-ins have
    /// begun, that crowd scaled by how the check-ins so far compare with what the arrival curve
    /// expected by now (never fewer than have checked in, nor more than hold a seat).
    fn new(event: &CalendarEvent, history: &History, now: i64) -> Self {
        let show_up_rate = history.show_up(event.segment);
        let curve = history.arrivals(event.segment.place);
        let prior = f64::from(event.going) * show_up_rate;
        let checked_in = f64::from(event.checked_in);
        let arrived_by_now = curve.arrived_by(minutes_between(event.starts_at, now));
        let expected_by_now = prior * arrived_by_now;
        let attendees = if expected_by_now > 0.0 {
            let ratio = (checked_in + CHECKINS_WEIGHT) / (expected_by_now + CHECKINS_WEIGHT);
            (prior * ratio).min(f64::from(event.going.max(event.checked_in))).max(checked_in)
        } else {
            prior.max(checked_in)
        };
        let sessions = sessions(event.starts_at, event.ends_at);
        let attended: f64 = sessions
            .iter()
            .filter(|&&(from, _)| from + ARRIVALS_FROM_MINUTES * MINUTE_MS < now)
            .map(|&(from, to)| curve.minutes_present_by(minutes_between(from, now.min(to))))
            .sum::<f64>()
            * attendees;
        let chat_rate = (f64::from(event.messages) + MESSAGES_WEIGHT * history.messages_per_attendee_minute)
            / (attended + MESSAGES_WEIGHT);
        Self {
            event: event.clone(),
            show_up_rate,
            attendees,
            chat_rate,
            peak_present: 0.0,
            sessions,
            place: event.segment.place,
            arrived_by_now,
        }
    }

    fn present(&self, history: &History, at: i64) -> f64 {
        self.attendees * presence(history.arrivals(self.place), &self.sessions, at)
    }

    /// Check-ins expected in the minute beginning at `at`, no earlier than now (only on the
    /// first day: people check in once).
    fn checkins(&self, history: &History, at: i64) -> f64 {
        let remaining = (self.attendees - f64::from(self.event.checked_in)).max(0.0);
        if remaining <= 0.0 || self.arrived_by_now >= 1.0 {
            return 0.0;
        }
        // Those yet to come arrive as the rest of the curve says.
        let curve = history.arrivals(self.place);
        remaining * curve.arriving_in(minutes_between(self.event.starts_at, at)) / (1.0 - self.arrived_by_now)
    }

    /// Seconds of full build due in the minute beginning at `at`: the build when the event
    /// starts, of those checked in by then.
    fn full_build_secs(&self, history: &History, plan: &Plan, at: i64) -> f64 {
        if !(at..at + MINUTE_MS).contains(&self.event.starts_at) {
            return 0.0;
        }
        let people = self.attendees * history.arrivals(self.place).arrived_by(0);
        plan.matcher_full_build_secs * (people / FULL_BUILD_PEOPLE).powi(2)
    }
}

/// The forecast for one horizon.
#[derive(Debug, Clone, PartialEq)]
pub struct HorizonForecast {
    pub minutes: u32,
    /// When the connections peak.
    pub peak_at: i64,
    /// Each quantity's peak inside the horizon.
    pub peak: Load,
    pub replicas: Replicas,
}

/// What [`forecast`] answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Forecast {
    pub generated_at: i64,
    pub baseline_connections: f64,
    /// One per [`HORIZONS`] entry, in that order.
    pub horizons: Vec<HorizonForecast>,
    /// The events that make the load, the largest crowd first.
    pub drivers: Vec<Expected>,
}

/// The load of every minute in `[now, now + minutes]` and the peak of each quantity, for the
/// events on `calendar`, given `active` people with the app open now.
pub fn forecast(now: i64, calendar: &[CalendarEvent], history: &History, active: f64, plan: &Plan) -> Forecast {
    let mut expected: Vec<Expected> = calendar.iter().map(|e| Expected::new(e, history, now)).collect();
    let at_events_now: f64 = expected.iter().map(|e| e.present(history, now)).sum();
    let baseline = (active - at_events_now).max(0.0);
    let longest = i64::from(HORIZONS.iter().copied().max().unwrap_or(60));
    let mut horizons: Vec<HorizonForecast> = HORIZONS
        .iter()
        .map(|&minutes| HorizonForecast { minutes, peak_at: now, peak: Load::default(), replicas: Replicas::default() })
        .collect();
    let mut peak_present = vec![0.0_f64; expected.len()];
    // The matcher's work at a minute is the mean of the minutes after it: forecast them too.
    let minutes = longest + MATCHER_WINDOW_MINUTES as i64 - 1;
    let mut loads = Vec::with_capacity(minutes as usize + 1);
    for minute in 0..=minutes {
        let at = now + minute * MINUTE_MS;
        let mut load = Load { connections: baseline, ..Load::default() };
        let mut build_secs = 0.0;
        for (i, e) in expected.iter().enumerate() {
            let present = e.present(history, at);
            let messages = present * e.chat_rate / 60.0;
            load.connections += present;
            load.messages_per_second += messages;
            load.deliveries_per_second += messages * present;
            load.checkins_per_minute += e.checkins(history, at);
            build_secs += e.full_build_secs(history, plan, at);
            if minute <= longest {
                peak_present[i] = peak_present[i].max(present);
            }
        }
        load.matcher_workers = plan.matcher_workers(load.checkins_per_minute, build_secs);
        loads.push(load);
    }
    let work: Vec<f64> = loads.iter().map(|l| l.matcher_workers).collect();
    for (load, smoothed) in loads.iter_mut().zip(matcher_window(&work)) {
        load.matcher_workers = smoothed;
    }
    for (minute, load) in loads.into_iter().enumerate() {
        for h in horizons.iter_mut().filter(|h| minute <= h.minutes as usize) {
            if load.connections > h.peak.connections {
                h.peak_at = now + minute as i64 * MINUTE_MS;
            }
            h.peak = h.peak.peak_of(load);
        }
    }
    for h in &mut horizons {
        h.replicas = plan.replicas(h.peak.connections, h.peak.deliveries_per_second, h.peak.matcher_workers);
    }
    for (e, peak) in expected.iter_mut().zip(peak_present) {
        e.peak_present = peak;
    }
    expected.retain(|e| e.peak_present > 0.0);
    expected.sort_by(|a, b| b.peak_present.total_cmp(&a.peak_present).then(a.event.starts_at.cmp(&b.event.starts_at)));
    expected.truncate(DRIVERS);
    Forecast { generated_at: now, baseline_connections: baseline, horizons, drivers: expected }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capacity::history::PastEvent;

    const HOUR: i64 = 60 * MINUTE_MS;

    fn event(starts_in_minutes: i64, hours: i64, going: u32, online: bool) -> CalendarEvent {
        let starts_at = 1_800_000_000_000 + starts_in_minutes * MINUTE_MS;
        CalendarEvent {
            id: Uuid::new_v4(),
            title: "An event".into(),
            starts_at,
            ends_at: starts_at + hours * HOUR,
            segment: Segment::of(starts_at, starts_at + hours * HOUR, "UTC", online),
            going,
            interested: 0,
            checked_in: 0,
            messages: 0,
        }
    }

    fn now() -> i64 {
        1_800_000_000_000
    }

    /// `e` with as many check-ins so far as the model expects by now.
    fn on_track(mut e: CalendarEvent, history: &History) -> CalendarEvent {
        let by_now = history.arrivals(e.segment.place).arrived_by(minutes_between(e.starts_at, now()));
        e.checked_in = (f64::from(e.going) * history.show_up(e.segment) * by_now).round() as u32;
        e
    }

    fn plan() -> Plan {
        Plan {
            node_connections: 1000.0,
            node_deliveries_per_second: 100_000.0,
            matcher_checkins_per_second: 1.0,
            matcher_full_build_secs: 5.1,
            headroom: 0.0,
            node_replicas: (1, 50),
            matcher_replicas: (1, 50),
        }
    }

    #[test]
    fn kinds_and_bands_follow_length_and_local_hour() {
        let at = |h: u32| chrono::NaiveDate::from_ymd_opt(2027, 3, 1).and_then(|d| d.and_hms_opt(h, 0, 0));
        let berlin = |h| {
            let local = at(h).expect("a time");
            chrono_tz::Europe::Berlin.from_local_datetime(&local).single().expect("unambiguous").timestamp_millis()
        };
        let s = Segment::of(berlin(19), berlin(21), "Europe/Berlin", false);
        assert_eq!((s.kind, s.band, s.place), (EventKind::Short, HourBand::Evening, Place::Venue));
        // 08:00 in Berlin is 07:00 UTC: the band is the event's own morning.
        let s = Segment::of(berlin(8), berlin(16), "Europe/Berlin", true);
        assert_eq!((s.kind, s.band, s.place), (EventKind::Long, HourBand::Morning, Place::Online));
        assert_eq!(Segment::of(berlin(13), berlin(13) + 30 * HOUR, "nowhere", false).kind, EventKind::MultiDay);
    }

    #[test]
    fn a_multi_day_event_is_there_by_day_and_gone_at_night() {
        let start = now();
        let days = sessions(start, start + 2 * 24 * HOUR + 8 * HOUR);
        assert_eq!(days.len(), 3);
        assert_eq!(days[1], (start + 24 * HOUR, start + 24 * HOUR + 9 * HOUR));
        assert_eq!(days[2].1, start + 56 * HOUR);
        assert_eq!(sessions(start, start + 2 * HOUR), [(start, start + 2 * HOUR)]);
    }

    #[test]
    fn an_arrival_curve_accumulates_its_bins() {
        let mut bins = vec![0.0; 48];
        bins[12] = 1.0; // minutes 0 to 5 after the start
        let curve = ArrivalCurve::from_bins(&bins, 5);
        assert_eq!(curve.arrived_by(-30), 0.0);
        assert!((curve.arrived_by(0)).abs() < 1e-9);
        assert!((curve.arrived_by(2) - 0.4).abs() < 1e-9);
        assert!((curve.arriving_in(1) - 0.2).abs() < 1e-9);
        assert_eq!(curve.arrived_by(5), 1.0);
        assert_eq!(curve.arrived_by(10_000), 1.0);
        let even = ArrivalCurve::from_bins(&[], 5);
        assert!((even.arrived_by(60) - 0.5).abs() < 1e-9);
    }

    #[test]
    fn nothing_on_the_calendar_leaves_the_baseline() {
        let f = forecast(now(), &[], &History::default(), 120.0, &plan());
        assert_eq!(f.horizons.len(), 2);
        for h in &f.horizons {
            assert_eq!(h.peak.connections, 120.0);
            assert_eq!(h.peak.deliveries_per_second, 0.0);
            assert_eq!(h.replicas, Replicas { node: 1, matcher: 1 });
        }
        assert!(f.drivers.is_empty());
    }

    #[test]
    fn an_event_starting_soon_raises_the_longer_horizon_first() {
        let history = History::default();
        let big = event(40, 2, 10_000, false);
        let f = forecast(now(), std::slice::from_ref(&big), &history, 0.0, &plan());
        let (short, long) = (&f.horizons[0], &f.horizons[1]);
        assert!(long.peak.connections > short.peak.connections, "{short:?} {long:?}");
        assert!(long.replicas.node > short.replicas.node);
        // The prior show-up: 60% of those going; not all arrived 20 minutes after the start.
        let expected = 10_000.0 * history.show_up(big.segment);
        assert_eq!(f.drivers.len(), 1);
        assert!((f.drivers[0].attendees - expected).abs() < 1e-6);
        assert!(long.peak.connections < expected && long.peak.connections > 0.2 * expected, "{long:?}");
        assert!(long.peak.checkins_per_minute > 0.0 && long.peak.matcher_workers > 0.0);
        // The peak is inside the horizon, no earlier than the doors open.
        assert!(long.peak_at > now() && long.peak_at <= now() + 60 * MINUTE_MS);
    }

    #[test]
    fn deliveries_grow_with_the_square_of_a_room() {
        let history = History::default();
        let one = forecast(now(), &[event(30, 3, 1000, false)], &history, 0.0, &plan());
        let two = forecast(now(), &[event(30, 3, 2000, false)], &history, 0.0, &plan());
        let ratio = two.horizons[1].peak.deliveries_per_second / one.horizons[1].peak.deliveries_per_second;
        assert!((ratio - 4.0).abs() < 1e-9, "{ratio}");
        let ratio = two.horizons[1].peak.messages_per_second / one.horizons[1].peak.messages_per_second;
        assert!((ratio - 2.0).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn people_at_live_events_are_not_counted_twice_in_the_baseline() {
        let history = History::default();
        let live = on_track(event(-120, 3, 1000, false), &history);
        let alone = forecast(now(), std::slice::from_ref(&live), &history, 0.0, &plan());
        let present = alone.horizons[0].peak.connections;
        let f = forecast(now(), &[live], &history, present + 50.0, &plan());
        assert!((f.baseline_connections - 50.0).abs() < 1.0, "{}", f.baseline_connections);
    }

    #[test]
    fn check_ins_so_far_rescale_the_crowd() {
        let history = History::default();
        let mut live = event(-30, 3, 1000, false);
        let expected_now = 1000.0 * history.show_up(live.segment) * history.arrivals(Place::Venue).arrived_by(30);
        live.checked_in = (1.5 * expected_now) as u32;
        let f = forecast(now(), std::slice::from_ref(&live), &history, 0.0, &plan());
        let attendees = f.drivers[0].attendees;
        assert!(attendees > 1.4 * 1000.0 * history.show_up(live.segment), "{attendees}");
        live.checked_in = 900;
        let f = forecast(now(), std::slice::from_ref(&live), &history, 0.0, &plan());
        assert_eq!(f.drivers[0].attendees, 1000.0, "never more than hold a seat");
        live.checked_in = 0;
        let f = forecast(now(), std::slice::from_ref(&live), &history, 0.0, &plan());
        assert!(f.drivers[0].attendees < 0.1 * 1000.0 * history.show_up(live.segment), "{f:?}");
    }

    #[test]
    fn a_room_is_expected_to_go_on_chatting_as_it_has() {
        let history = History::default();
        let upcoming = forecast(now(), &[event(30, 3, 2000, false)], &history, 0.0, &plan());
        assert!((upcoming.drivers[0].chat_rate - history.messages_per_attendee_minute).abs() < 1e-12);
        // An hour in, some 1,200 people have been there about half an hour each: tens of
        // thousands of attendee-minutes, which outweigh history's 2,000.
        let silent = on_track(event(-60, 3, 2000, false), &history);
        let f = forecast(now(), std::slice::from_ref(&silent), &history, 0.0, &plan());
        assert!(f.drivers[0].chat_rate < 0.01, "{}", f.drivers[0].chat_rate);
        let mut chatty = silent.clone();
        let attended = f.drivers[0].attendees * history.arrivals(Place::Venue).minutes_present_by(60);
        chatty.messages = (0.5 * attended) as u32;
        let g = forecast(now(), std::slice::from_ref(&chatty), &history, 0.0, &plan());
        let rate = g.drivers[0].chat_rate;
        assert!(rate > 0.45 && rate < 0.5, "{rate}");
        let ratio = g.horizons[0].peak.deliveries_per_second / f.horizons[0].peak.deliveries_per_second;
        assert!((ratio / (rate / f.drivers[0].chat_rate) - 1.0).abs() < 1e-9, "{ratio}");
    }

    #[test]
    fn the_minutes_present_add_up_the_arrival_curve() {
        let mut bins = vec![0.0; 48];
        bins[12] = 1.0; // everyone arrives in the first 5 minutes
        let curve = ArrivalCurve::from_bins(&bins, 5);
        assert_eq!(curve.minutes_present_by(0), 0.0);
        // 0.2 + 0.4 + 0.6 + 0.8 by the fifth minute, then a whole minute each.
        assert!((curve.minutes_present_by(5) - 2.0).abs() < 1e-9, "{}", curve.minutes_present_by(5));
        assert!((curve.minutes_present_by(65) - 62.0).abs() < 1e-9);
        assert!((curve.minutes_present_by(1000) - 997.0).abs() < 1e-9);
    }

    #[test]
    fn an_ended_event_empties_over_the_leaving_minutes() {
        let history = History::default();
        let ended = on_track(event(-120 - LEAVE_MINUTES / 2, 2, 1000, false), &history);
        let f = forecast(now(), &[ended], &history, 0.0, &plan());
        let now_present = f.horizons[0].peak.connections;
        assert!(now_present > 0.0 && now_present < 0.6 * 600.0, "{now_present}");
        assert_eq!(f.horizons[0].peak.checkins_per_minute, 0.0);
    }

    #[test]
    fn learned_show_up_and_arrivals_change_the_forecast() {
        let segment = Segment::of(now(), now() + 2 * HOUR, "UTC", true);
        let past: Vec<PastEvent> = (0..40)
            .map(|i| PastEvent {
                id: Uuid::new_v4(),
                segment,
                starts_at: now() - (i + 2) * 24 * HOUR,
                ends_at: now() - (i + 2) * 24 * HOUR + 2 * HOUR,
                going: 100,
                checked_in: 30,
            })
            .collect();
        let mut online_bins = vec![0; 48];
        online_bins[12] = 1200; // everyone in the first minute
        let bins: Vec<(i64, i64)> = online_bins.iter().enumerate().map(|(i, &n)| (i as i64 - 12, n)).collect();
        let history = History::learn(&past, &[], &bins, &[]);
        assert!((history.show_up(segment) - 0.3).abs() < 0.05, "{}", history.show_up(segment));
        let f = forecast(now(), &[event(10, 2, 1000, true)], &history, 0.0, &plan());
        // Online: the crowd is nearly all there within 5 minutes of the start, inside the
        // 15-minute horizon, and all of it within the hour.
        let crowd = 1000.0 * history.show_up(segment);
        assert!(f.horizons[0].peak.connections > 0.9 * crowd, "{f:?}");
        assert!((f.horizons[1].peak.connections - crowd).abs() < 0.01 * crowd, "{f:?}");
        assert!(f.horizons[0].peak.checkins_per_minute > 40.0);
        assert!(f.horizons[0].peak.matcher_workers > 0.5, "{:?}", f.horizons[0].peak);
    }
}
