//! Conversion of stored rows into wire types, and opaque pagination cursors.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use chrono::{DateTime, FixedOffset, TimeZone as _, Utc};
use chrono_tz::Tz;
use protocol::events::{Announcement, Event, RsvpStatus, Venue};
use protocol::users::{Me, Profile};
use uuid::Uuid;

use crate::error::ApiError;
use crate::store::{parse_list, AnnouncementRow, AttendeeRow, EventRow, UserRow};

pub fn utc(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// `ms` as a local time in the IANA zone `tz` (UTC when the zone is unknown).
pub fn local(ms: i64, tz: &str) -> DateTime<FixedOffset> {
    let tz: Tz = tz.parse().unwrap_or(Tz::UTC);
    tz.from_utc_datetime(&utc(ms).naive_utc()).fixed_offset()
}

pub fn me(row: &UserRow) -> Me {
    let Profile { id, display_name, headline, bio, interests, seeking, offering } = profile(row);
    Me {
        id,
        email: row.email.clone(),
        display_name,
        headline,
        bio,
        interests,
        seeking,
        offering,
        visibility: row.visibility,
        matchmaking: row.matchmaking,
        created_at: utc(row.created_at),
        email_verified: row.email_verified_at.is_some(),
        totp_enabled: row.totp_enabled,
    }
}

/// The public part of a profile, from any row that carries its columns.
macro_rules! profile_of {
    ($row:expr) => {{
        let row = $row;
        Profile {
            id: row.id,
            display_name: row.display_name.clone(),
            headline: row.headline.clone(),
            bio: row.bio.clone(),
            interests: parse_list(&row.interests),
            seeking: parse_list(&row.seeking),
            offering: parse_list(&row.offering),
        }
    }};
}

pub fn profile(row: &UserRow) -> Profile {
    profile_of!(row)
}

pub fn attendee_profile(row: &AttendeeRow) -> Profile {
    profile_of!(row)
}

/// What the viewer is to the event being rendered.
#[derive(Debug, Clone, Default)]
pub struct EventContext {
    pub organizer_ids: Vec<Uuid>,
    pub my_rsvp: Option<RsvpStatus>,
    pub is_organizer: bool,
    pub distance_km: Option<f64>,
}

pub fn event(row: &EventRow, ctx: EventContext) -> Event {
    let venue = row.venue().map(|v| Venue { name: v.name, address: v.address, city: v.city, lat: v.lat, lon: v.lon });
    Event {
        id: row.id,
        title: row.title.clone(),
        description: row.description.clone(),
        tags: parse_list(&row.tags),
        starts_at: local(row.starts_at, &row.timezone),
        ends_at: local(row.ends_at, &row.timezone),
        timezone: row.timezone.clone(),
        venue,
        online_url: row.online_url.clone(),
        capacity: row.capacity,
        visibility: row.visibility,
        organizer_ids: ctx.organizer_ids,
        going_count: row.going_count,
        waitlist_count: row.waitlist_count,
        interested_count: row.interested_count,
        checked_in_count: row.checked_in_count,
        seats_left: row.capacity.map(|c| (c - row.going_count).max(0)),
        my_rsvp: ctx.my_rsvp,
        is_organizer: ctx.is_organizer,
        checkin_code: ctx.is_organizer.then(|| row.checkin_code.clone()),
        distance_km: ctx.distance_km,
        created_at: utc(row.created_at),
        cancelled_at: row.cancelled_at.map(utc),
    }
}

pub fn announcement(row: &AnnouncementRow) -> Announcement {
    Announcement {
        id: row.id,
        event_id: row.event_id,
        author_id: row.author_id,
        body: row.body.clone(),
        created_at: utc(row.created_at),
    }
}

/// Great-circle distance in kilometres.
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    6371.0088 * 2.0 * a.sqrt().min(1.0).asin()
}

/// Opaque keyset cursor over `(timestamp, id)`.
pub fn encode_cursor(at: i64, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{at}.{id}"))
}

pub fn decode_cursor(cursor: &str) -> Result<(i64, Uuid), ApiError> {
    let bad = || ApiError::BadRequest("invalid_cursor", "cursor is not one this server issued".to_owned());
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let (at, id) = text.split_once('.').ok_or_else(bad)?;
    Ok((at.parse().map_err(|_| bad())?, id.parse().map_err(|_| bad())?))
}

/// Page size from a `limit` parameter: 1 to 100, default 20.
pub fn page_limit(limit: Option<u32>) -> Result<i64, ApiError> {
    match limit {
        None => Ok(20),
        Some(n @ 1..=100) => Ok(i64::from(n)),
        Some(_) => Err(ApiError::invalid("limit", "must be between 1 and 100")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trip_and_garbage() {
        let id = Uuid::now_v7();
        assert_eq!(decode_cursor(&encode_cursor(1_700_000_000_123, id)).ok(), Some((1_700_000_000_123, id)));
        assert!(decode_cursor("%%%").is_err());
        assert!(decode_cursor(&URL_SAFE_NO_PAD.encode("12.not-a-uuid")).is_err());
    }

    #[test]
    fn haversine_berlin_paris() {
        let d = haversine_km(52.52, 13.405, 48.8566, 2.3522);
        assert!((d - 878.0).abs() < 5.0, "{d}");
    }

    #[test]
    fn local_time_uses_event_zone() {
        let t = local(1_767_225_600_000, "Europe/Berlin"); // 2026-01-01T00:00Z
        assert_eq!(t.to_rfc3339(), "2026-01-01T01:00:00+01:00");
    }
}
