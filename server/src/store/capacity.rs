//! What the capacity forecast reads: the events on the calendar around a moment with their RSVP
//! counts as of that moment, the history of past events (who was going, who checked in and when),
//! how much event rooms chatted, and how many people have the app open.
//!
//! Every query takes its moments as arguments instead of reading the clock, so the backtest can
//! ask what the calendar looked like at any minute of a stored world.

use protocol::realtime::Channel;
use sqlx::FromRow;
use uuid::Uuid;

use super::{with_pool, Store, StoreResult};

/// Check-ins are counted in bins of this many milliseconds (a minute) relative to the start.
pub const ARRIVAL_BIN_MS: i64 = 60 * 1000;
/// Check-in opens a day before the start ([`super::CHECKIN_OPENS_BEFORE_MS`]): offsets are
/// shifted by it so that every bin number is positive and integer division rounds down on both
/// engines.
const ARRIVAL_SHIFT_MS: i64 = super::CHECKIN_OPENS_BEFORE_MS;

/// An event on the calendar, with its RSVPs as of a moment.
#[derive(Debug, Clone, FromRow)]
pub struct CalendarRow {
    pub id: Uuid,
    pub title: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    /// `None` for an online-only event.
    pub venue_name: Option<String>,
    pub going: i64,
    pub interested: i64,
    /// Check-ins made by the moment asked about.
    pub checked_in: i64,
}

/// A past event: who was going and who checked in.
#[derive(Debug, Clone, FromRow)]
pub struct PastEventRow {
    pub id: Uuid,
    pub starts_at: i64,
    pub ends_at: i64,
    pub timezone: String,
    pub venue_name: Option<String>,
    /// Seats held at the end (going, checked in or not).
    pub going: i64,
    pub checked_in: i64,
}

impl Store {
    /// Events not cancelled that overlap `[from, to)` and started after `starts_after` (a bound
    /// that lets the start-time index do the work: the longest an event may last), with the
    /// RSVPs made by `as_of` and the check-ins made by then.
    pub async fn capacity_calendar(
        &self,
        from: i64,
        to: i64,
        starts_after: i64,
        as_of: i64,
    ) -> StoreResult<Vec<CalendarRow>> {
        const SQL: &str = "SELECT e.id, e.title, e.starts_at, e.ends_at, e.timezone, e.venue_name, \
               (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'going' \
                  AND r.created_at <= $4) AS going, \
               (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.status = 'interested' \
                  AND r.created_at <= $4) AS interested, \
               (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.checked_in_at <= $4) AS checked_in \
             FROM events e \
             WHERE e.cancelled_at IS NULL AND e.starts_at > $3 AND e.starts_at < $2 AND e.ends_at > $1 \
             ORDER BY e.starts_at, e.id";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, CalendarRow>(SQL).bind(from).bind(to).bind(starts_after).bind(as_of).fetch_all(pool).await?
        }))
    }

    /// Events not cancelled that ended in `(since, until]` and started after `starts_after`, with
    /// the people going and those who checked in.
    pub async fn capacity_past_events(
        &self,
        since: i64,
        until: i64,
        starts_after: i64,
    ) -> StoreResult<Vec<PastEventRow>> {
        const SQL: &str = "SELECT e.id, e.starts_at, e.ends_at, e.timezone, e.venue_name, \
               (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id \
                  AND (r.status = 'going' OR r.checked_in_at IS NOT NULL)) AS going, \
               (SELECT COUNT(*) FROM rsvps r WHERE r.event_id = e.id AND r.checked_in_at IS NOT NULL) AS checked_in \
             FROM events e \
             WHERE e.cancelled_at IS NULL AND e.starts_at > $3 AND e.starts_at < $2 \
               AND e.ends_at > $1 AND e.ends_at <= $2";
        Ok(with_pool!(self, pool, _d => {
            sqlx::query_as::<_, PastEventRow>(SQL).bind(since).bind(until).bind(starts_after).fetch_all(pool).await?
        }))
    }

    /// When people checked in at the events [`Store::capacity_past_events`] answers, relative to
    /// each event's start, in [`ARRIVAL_BIN_MS`] bins: `(bin, check-ins)`, bin 0 starting at the
    /// start. Online-only events and events at a venue are asked for separately.
    pub async fn capacity_arrivals(
        &self,
        since: i64,
        until: i64,
        starts_after: i64,
        online: bool,
    ) -> StoreResult<Vec<(i64, i64)>> {
        let place = if online { "e.venue_name IS NULL" } else { "e.venue_name IS NOT NULL" };
        let sql = format!(
            "SELECT (r.checked_in_at - e.starts_at + {ARRIVAL_SHIFT_MS}) / {ARRIVAL_BIN_MS} AS bin, COUNT(*) \
             FROM rsvps r JOIN events e ON e.id = r.event_id \
             WHERE r.checked_in_at IS NOT NULL AND e.cancelled_at IS NULL AND {place} \
               AND e.starts_at > $3 AND e.starts_at < $2 AND e.ends_at > $1 AND e.ends_at <= $2 \
             GROUP BY bin ORDER BY bin"
        );
        let shift = ARRIVAL_SHIFT_MS / ARRIVAL_BIN_MS;
        let rows = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (i64, i64)>(&sql).bind(since).bind(until).bind(starts_after).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(|(bin, n)| (bin - shift, n)).collect())
    }

    /// Chat messages ever posted in the rooms of `events` (`event:{id}:chat`), from each
    /// channel's last offset: `(event, messages)`, rooms without any left out. Offsets count
    /// every message, also those pruned from a long room's history.
    pub async fn capacity_room_messages(&self, events: &[Uuid]) -> StoreResult<Vec<(Uuid, i64)>> {
        let mut out = Vec::new();
        for chunk in events.chunks(500) {
            let placeholders: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!("SELECT name, last_seq FROM channels WHERE name IN ({})", placeholders.join(", "));
            let rows = with_pool!(self, pool, _d => {
                let mut query = sqlx::query_as::<_, (String, i64)>(&sql);
                for id in chunk {
                    query = query.bind(Channel::EventChat(*id).to_string());
                }
                query.fetch_all(pool).await?
            });
            out.extend(rows.into_iter().filter_map(|(name, n)| match name.parse() {
                Ok(Channel::EventChat(event)) => Some((event, n)),
                _ => None,
            }));
        }
        Ok(out)
    }

    /// Accounts with a session used (signed in or refreshed) at or after `since`: people who have
    /// had the app open lately.
    pub async fn capacity_active_accounts(&self, since: i64) -> StoreResult<i64> {
        const SQL: &str =
            "SELECT COUNT(DISTINCT user_id) FROM sessions WHERE last_used_at >= $1 AND revoked_at IS NULL";
        Ok(with_pool!(self, pool, _d => sqlx::query_scalar::<_, i64>(SQL).bind(since).fetch_one(pool).await?))
    }

    /// Every check-in at events that started in `[from, to)`: `(event, checked_in_at)`. What the
    /// backtest takes as the truth of a stored world.
    pub async fn capacity_checkins(&self, from: i64, to: i64) -> StoreResult<Vec<(Uuid, i64)>> {
        const SQL: &str = "SELECT r.event_id, r.checked_in_at FROM rsvps r JOIN events e ON e.id = r.event_id \
             WHERE r.checked_in_at IS NOT NULL AND e.cancelled_at IS NULL AND e.starts_at >= $1 AND e.starts_at < $2";
        let rows = with_pool!(self, pool, _d => {
            sqlx::query_as::<_, (Uuid, Option<i64>)>(SQL).bind(from).bind(to).fetch_all(pool).await?
        });
        Ok(rows.into_iter().filter_map(|(event, at)| Some((event, at?))).collect())
    }
}
