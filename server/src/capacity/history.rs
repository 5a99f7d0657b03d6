//! What past events teach the forecast: how many of those going turn up, when they arrive
//! relative to the start, and how much they chat. Pure: built from plain rows.
//!
//! History is thin in a new deployment and in rare segments (an online breakfast), so every rate
//! is drawn towards a broader one in proportion to how little evidence it rests on: the show-up
//! rate of (kind, hour band, place) towards that of (kind, place), that towards the place's, and
//! that towards a prior; an arrival curve towards a prior curve; the chat rate towards a prior.

use std::collections::HashMap;

use protocol::ops::EventKind;
use uuid::Uuid;

use super::model::{sessions, ArrivalCurve, Place, Segment, ARRIVALS_FROM_MINUTES, ARRIVALS_UNTIL_MINUTES, MINUTE_MS};

/// The show-up rate assumed before any history: about what free community events see.
pub const PRIOR_SHOW_UP: f64 = 0.6;
/// How many past events a prior (or a broader group's rate) counts for.
const SHOW_UP_WEIGHT: f64 = 5.0;
/// Past events with fewer people going say little about show-up and are left out of it.
const MIN_GOING: u32 = 3;
/// Chat messages per attendee per minute assumed before any history: one message per person
/// every 20 minutes.
pub const PRIOR_MESSAGES_PER_ATTENDEE_MINUTE: f64 = 0.05;
/// How many attendee-minutes the chat prior (or history, for a room that has begun) counts for:
/// 20 people for 100 minutes.
pub const MESSAGES_WEIGHT: f64 = 2_000.0;
/// How many check-ins a prior arrival curve counts for.
const ARRIVALS_WEIGHT: f64 = 200.0;
/// Arrival curves are learned in bins of this many minutes: one, so that a doors-open wave
/// keeps its height.
pub const ARRIVAL_BIN_MINUTES: i64 = 1;

/// A past event, as history keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct PastEvent {
    pub id: Uuid,
    pub segment: Segment,
    pub starts_at: i64,
    pub ends_at: i64,
    pub going: u32,
    pub checked_in: u32,
}

impl PastEvent {
    fn show_up(&self) -> Option<f64> {
        (self.going >= MIN_GOING).then(|| (f64::from(self.checked_in) / f64::from(self.going)).min(1.0))
    }

    /// Minutes its attendees spent at it, by the sessions the model assumes.
    fn attended_minutes(&self) -> f64 {
        let minutes: i64 =
            sessions(self.starts_at, self.ends_at).iter().map(|(from, to)| (to - from) / MINUTE_MS).sum();
        f64::from(self.checked_in) * minutes as f64
    }
}

/// A rate and the number of events behind it.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    sum: f64,
    events: f64,
}

impl Tally {
    fn add(&mut self, rate: f64) {
        self.sum += rate;
        self.events += 1.0;
    }

    /// The mean, drawn towards `prior` as if [`SHOW_UP_WEIGHT`] more events had had it.
    fn shrunk(self, prior: f64) -> f64 {
        (self.sum + SHOW_UP_WEIGHT * prior) / (self.events + SHOW_UP_WEIGHT)
    }
}

/// Everything the forecast learned from past events.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    /// Show-up rates per segment seen, already shrunk.
    show_up: HashMap<Segment, f64>,
    /// Per (kind, place), per place and overall, for segments not seen.
    by_kind: HashMap<(EventKind, Place), f64>,
    by_place: HashMap<Place, f64>,
    overall: f64,
    venue: ArrivalCurve,
    online: ArrivalCurve,
    pub messages_per_attendee_minute: f64,
    /// Past events with someone going.
    pub events: u64,
    pub checkins: u64,
    /// Each event's show-up rate, averaged, before shrinkage (the prior when there is none).
    pub raw_show_up: f64,
}

impl Default for History {
    /// What the forecast assumes with no history at all: the priors.
    fn default() -> Self {
        Self::learn(&[], &[], &[], &[])
    }
}

impl History {
    /// Learns from `past` events, the check-ins at venues and online in `(bin, check-ins)` of
    /// [`ARRIVAL_BIN_MINUTES`] relative to the start (bin 0 begins at the start), and the chat
    /// messages of each past event's room, `(event, messages)`.
    pub fn learn(
        past: &[PastEvent],
        venue_arrivals: &[(i64, i64)],
        online_arrivals: &[(i64, i64)],
        chat: &[(Uuid, i64)],
    ) -> Self {
        let mut all = Tally::default();
        let mut places: HashMap<Place, Tally> = HashMap::new();
        let mut kinds: HashMap<(EventKind, Place), Tally> = HashMap::new();
        let mut segments: HashMap<Segment, Tally> = HashMap::new();
        for (s, rate) in past.iter().filter_map(|e| Some((e.segment, e.show_up()?))) {
            all.add(rate);
            places.entry(s.place).or_default().add(rate);
            kinds.entry((s.kind, s.place)).or_default().add(rate);
            segments.entry(s).or_default().add(rate);
        }
        let global = all.shrunk(PRIOR_SHOW_UP);
        let by_place: HashMap<Place, f64> = places.iter().map(|(p, t)| (*p, t.shrunk(global))).collect();
        let place_rate = |p: Place| by_place.get(&p).copied().unwrap_or(global);
        let by_kind: HashMap<(EventKind, Place), f64> =
            kinds.iter().map(|(k, t)| (*k, t.shrunk(place_rate(k.1)))).collect();
        let kind_rate = |k: (EventKind, Place)| by_kind.get(&k).copied().unwrap_or_else(|| place_rate(k.1));
        let show_up = segments.iter().map(|(s, t)| (*s, t.shrunk(kind_rate((s.kind, s.place))))).collect();

        let ids: HashMap<Uuid, &PastEvent> = past.iter().map(|e| (e.id, e)).collect();
        let messages: i64 = chat.iter().filter(|(id, _)| ids.contains_key(id)).map(|(_, n)| n).sum();
        let minutes: f64 = past.iter().map(PastEvent::attended_minutes).sum();
        let messages_per_attendee_minute =
            (messages as f64 + MESSAGES_WEIGHT * PRIOR_MESSAGES_PER_ATTENDEE_MINUTE) / (minutes + MESSAGES_WEIGHT);

        Self {
            show_up,
            by_kind,
            by_place,
            overall: global,
            venue: learned_curve(venue_arrivals, Place::Venue),
            online: learned_curve(online_arrivals, Place::Online),
            messages_per_attendee_minute,
            events: past.iter().filter(|e| e.going > 0).count() as u64,
            checkins: past.iter().map(|e| u64::from(e.checked_in)).sum(),
            raw_show_up: if all.events > 0.0 { all.sum / all.events } else { PRIOR_SHOW_UP },
        }
    }

    /// The show-up rate expected of an event of `segment`: the segment's own, else its kind's at
    /// its place, else its place's, else the overall one (the prior without history).
    pub fn show_up(&self, segment: Segment) -> f64 {
        self.show_up
            .get(&segment)
            .or_else(|| self.by_kind.get(&(segment.kind, segment.place)))
            .or_else(|| self.by_place.get(&segment.place))
            .copied()
            .unwrap_or(self.overall)
    }

    pub fn arrivals(&self, place: Place) -> &ArrivalCurve {
        match place {
            Place::Venue => &self.venue,
            Place::Online => &self.online,
        }
    }
}

/// Number of arrival bins between [`ARRIVALS_FROM_MINUTES`] and [`ARRIVALS_UNTIL_MINUTES`].
fn bins() -> usize {
    ((ARRIVALS_UNTIL_MINUTES - ARRIVALS_FROM_MINUTES) / ARRIVAL_BIN_MINUTES) as usize
}

/// The arrival curve assumed before any check-ins: at a venue, arrivals rise from half an hour
/// before the start to a peak at the start and trail off over the first hour, with a few late
/// ones; online, people join within minutes of the start.
fn prior_weights(place: Place) -> Vec<f64> {
    let (from, peak, until, tail_until) = match place {
        Place::Venue => (-30.0, 0.0, 60.0, 120.0),
        Place::Online => (-10.0, 0.0, 15.0, 60.0),
    };
    let weights: Vec<f64> = (0..bins())
        .map(|bin| {
            let centre =
                (ARRIVALS_FROM_MINUTES + bin as i64 * ARRIVAL_BIN_MINUTES) as f64 + ARRIVAL_BIN_MINUTES as f64 / 2.0;
            if centre < from || centre >= tail_until {
                0.0
            } else if centre < peak {
                (centre - from) / (peak - from)
            } else if centre < until {
                (until - centre) / (until - peak)
            } else {
                0.05
            }
        })
        .collect();
    let total: f64 = weights.iter().sum();
    weights.into_iter().map(|w| w / total).collect()
}

/// The check-ins in `arrivals` (`(bin, count)`, bins outside the curve's range counted at its
/// edges), blended with the prior curve as if [`ARRIVALS_WEIGHT`] check-ins had followed it.
fn learned_curve(arrivals: &[(i64, i64)], place: Place) -> ArrivalCurve {
    let first = ARRIVALS_FROM_MINUTES / ARRIVAL_BIN_MINUTES;
    let n = bins();
    let mut counts = vec![0.0; n];
    for &(bin, count) in arrivals {
        let i = (bin - first).clamp(0, n as i64 - 1) as usize;
        counts[i] += count.max(0) as f64;
    }
    let total: f64 = counts.iter().sum();
    let weights: Vec<f64> = counts
        .iter()
        .zip(prior_weights(place))
        .map(|(count, prior)| (count + ARRIVALS_WEIGHT * prior) / (total + ARRIVALS_WEIGHT))
        .collect();
    ArrivalCurve::from_bins(&weights, ARRIVAL_BIN_MINUTES)
}

#[cfg(test)]
mod tests {
    use protocol::ops::HourBand;

    use super::*;

    const DAY: i64 = 24 * 60 * MINUTE_MS;

    fn past(segment: Segment, going: u32, checked_in: u32, days_ago: i64) -> PastEvent {
        let starts_at = 1_800_000_000_000 - days_ago * DAY;
        PastEvent { id: Uuid::new_v4(), segment, starts_at, ends_at: starts_at + 120 * MINUTE_MS, going, checked_in }
    }

    fn segment(kind: EventKind, band: HourBand, place: Place) -> Segment {
        Segment { kind, band, place }
    }

    #[test]
    fn with_no_history_the_priors_hold() {
        let h = History::default();
        let any = segment(EventKind::Short, HourBand::Evening, Place::Venue);
        assert_eq!(h.show_up(any), PRIOR_SHOW_UP);
        assert!((h.messages_per_attendee_minute - PRIOR_MESSAGES_PER_ATTENDEE_MINUTE).abs() < 1e-12);
        // Venue arrivals: a few before the doors' half hour, most within the first hour.
        let venue = h.arrivals(Place::Venue);
        assert_eq!(venue.arrived_by(-30), 0.0);
        assert!(venue.arrived_by(0) > 0.25 && venue.arrived_by(0) < 0.5, "{}", venue.arrived_by(0));
        assert!(venue.arrived_by(60) > 0.9);
        let online = h.arrivals(Place::Online);
        assert!(online.arrived_by(15) > 0.8 && online.arrived_by(-10) == 0.0);
    }

    #[test]
    fn a_segment_with_little_history_is_drawn_towards_broader_ones() {
        let evening = segment(EventKind::Short, HourBand::Evening, Place::Venue);
        let morning = segment(EventKind::Short, HourBand::Morning, Place::Venue);
        let mut events: Vec<PastEvent> = (0..50).map(|d| past(evening, 100, 80, d)).collect();
        events.push(past(morning, 100, 20, 3));
        let h = History::learn(&events, &[], &[], &[]);
        assert!((h.show_up(evening) - 0.8).abs() < 0.02, "{}", h.show_up(evening));
        // One morning event at 20% moves its segment only part of the way from the rest's 80%.
        let m = h.show_up(morning);
        assert!(m > 0.6 && m < 0.75, "{m}");
        // An unseen segment of a seen kind and place takes theirs; an unseen place, the overall.
        let afternoon = segment(EventKind::Short, HourBand::Afternoon, Place::Venue);
        assert!((h.show_up(afternoon) - h.show_up(evening)).abs() < 0.05);
        let online = segment(EventKind::Short, HourBand::Evening, Place::Online);
        assert!((h.show_up(online) - 0.78).abs() < 0.05, "{}", h.show_up(online));
        // Tiny events say nothing.
        let tiny = History::learn(&[past(evening, 2, 0, 1)], &[], &[], &[]);
        assert_eq!(tiny.show_up(evening), PRIOR_SHOW_UP);
    }

    #[test]
    fn check_ins_and_chat_are_learned_once_there_are_enough() {
        let seg = segment(EventKind::Short, HourBand::Evening, Place::Venue);
        let events: Vec<PastEvent> = (0..20).map(|d| past(seg, 100, 50, d)).collect();
        // 20 events × 50 people × 120 minutes = 120,000 attendee-minutes, 12,000 messages.
        let chat: Vec<(Uuid, i64)> = events.iter().map(|e| (e.id, 600)).collect();
        let mut with_other = chat.clone();
        with_other.push((Uuid::new_v4(), 1_000_000));
        let h = History::learn(&events, &[(-20, 5000), (-15, 5000)], &[], &with_other);
        assert!((h.messages_per_attendee_minute - 0.1).abs() < 0.002, "{}", h.messages_per_attendee_minute);
        // Everyone arrived 20 or 15 minutes before the start.
        let venue = h.arrivals(Place::Venue);
        assert!(venue.arrived_by(-20) < 0.01);
        assert!((venue.arrived_by(-19) - 0.49).abs() < 0.01, "{}", venue.arrived_by(-19));
        assert!(venue.arrived_by(-14) > 0.97, "{}", venue.arrived_by(-14));
        // Check-ins far outside the curve's range count at its edges.
        let h = History::learn(&events, &[(-500, 1000)], &[], &chat);
        assert!(h.arrivals(Place::Venue).arrived_by(ARRIVALS_FROM_MINUTES + 1) > 0.8);
        assert_eq!((h.events, h.checkins), (20, 1000));
    }
}
