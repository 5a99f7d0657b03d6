//! Gathers the forecast's inputs from the store: the calendar around a moment with what its
//! rooms have posted, the history of the 90 days before it, and how many people have the app
//! open.

use std::collections::HashMap;

use uuid::Uuid;

use super::history::{History, PastEvent, ARRIVAL_BIN_MINUTES};
use super::model::{CalendarEvent, Segment, ARRIVALS_FROM_MINUTES, HORIZONS, LEAVE_MINUTES, MINUTE_MS};
use crate::store::{CalendarRow, PastEventRow, Store, StoreResult, ARRIVAL_BIN_MS};

const DAY_MS: i64 = 24 * 60 * MINUTE_MS;
/// History reaches this far back.
pub const HISTORY_DAYS: i64 = 90;
/// Events last at most 31 days (the API refuses longer): any event still running at a moment
/// started less than this before it, which lets the queries use the start-time index.
const LONGEST_EVENT_MS: i64 = 32 * DAY_MS;

// The store bins check-ins as history reads them.
const _: () = assert!(ARRIVAL_BIN_MS == ARRIVAL_BIN_MINUTES * MINUTE_MS);

/// The events that put people online between `now` and the end of the longest horizon: those
/// running, those ended less than [`LEAVE_MINUTES`] ago, and those starting soon enough for their
/// first arrivals to fall inside it; their RSVPs and check-ins as of `now`.
pub async fn calendar(store: &Store, now: i64) -> StoreResult<Vec<CalendarEvent>> {
    let longest = i64::from(HORIZONS.iter().copied().max().unwrap_or(60));
    let from = now - LEAVE_MINUTES * MINUTE_MS;
    let to = now + (longest - ARRIVALS_FROM_MINUTES + 1) * MINUTE_MS;
    let rows = store.capacity_calendar(from, to, from - LONGEST_EVENT_MS, now).await?;
    let ids: Vec<Uuid> =
        rows.iter().filter(|r| r.starts_at + ARRIVALS_FROM_MINUTES * MINUTE_MS < now).map(|r| r.id).collect();
    let messages: HashMap<Uuid, i64> = store.capacity_room_messages(&ids).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let posted = messages.get(&row.id).copied().unwrap_or(0);
            CalendarEvent { messages: count(posted), ..calendar_event(row) }
        })
        .collect())
}

fn count(n: i64) -> u32 {
    u32::try_from(n.max(0)).unwrap_or(u32::MAX)
}

fn calendar_event(row: CalendarRow) -> CalendarEvent {
    CalendarEvent {
        segment: Segment::of(row.starts_at, row.ends_at, &row.timezone, row.venue_name.is_none()),
        id: row.id,
        title: row.title,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        going: count(row.going),
        interested: count(row.interested),
        checked_in: count(row.checked_in),
        messages: 0,
    }
}

/// What the events that ended in the [`HISTORY_DAYS`] before `now` teach.
pub async fn history(store: &Store, now: i64) -> StoreResult<History> {
    let since = now - HISTORY_DAYS * DAY_MS;
    let starts_after = since - LONGEST_EVENT_MS;
    let past: Vec<PastEvent> =
        store.capacity_past_events(since, now, starts_after).await?.into_iter().map(past_event).collect();
    let venue = store.capacity_arrivals(since, now, starts_after, false).await?;
    let online = store.capacity_arrivals(since, now, starts_after, true).await?;
    let ids: Vec<Uuid> = past.iter().map(|e| e.id).collect();
    let chat = store.capacity_room_messages(&ids).await?;
    Ok(History::learn(&past, &venue, &online, &chat))
}

fn past_event(row: PastEventRow) -> PastEvent {
    PastEvent {
        segment: Segment::of(row.starts_at, row.ends_at, &row.timezone, row.venue_name.is_none()),
        id: row.id,
        starts_at: row.starts_at,
        ends_at: row.ends_at,
        going: count(row.going),
        checked_in: count(row.checked_in),
    }
}

/// People with the app open at `now`: accounts whose session was used within `window_ms` (an
/// open app refreshes its access token before it expires, so two token lifetimes see everyone).
pub async fn active_accounts(store: &Store, now: i64, window_ms: i64) -> StoreResult<f64> {
    Ok(store.capacity_active_accounts(now - window_ms).await? as f64)
}
