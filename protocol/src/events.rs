//! Events, RSVPs, check-in, attendees and announcements.

use chrono::{DateTime, FixedOffset, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::users::Profile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventVisibility {
    /// Listed and searchable.
    Public,
    /// Reachable by its id only.
    Unlisted,
}

impl EventVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Unlisted => "unlisted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "unlisted" => Some(Self::Unlisted),
            _ => None,
        }
    }
}

/// A physical place.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Venue {
    pub name: String,
    #[serde(default)]
    pub address: String,
    /// The city it is in, up to 100 characters: shown next to the venue's name.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub city: String,
    /// Degrees, -90 to 90.
    #[schema(minimum = -90, maximum = 90)]
    pub lat: f64,
    /// Degrees, -180 to 180.
    #[schema(minimum = -180, maximum = 180)]
    pub lon: f64,
}

/// `POST /events`. An event needs a `venue`, an `online_url`, or both.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateEvent {
    #[schema(min_length = 1, max_length = 200)]
    pub title: String,
    #[serde(default)]
    #[schema(max_length = 20000)]
    pub description: String,
    #[serde(default)]
    pub tags: Vec<String>,
    /// RFC 3339 with offset, e.g. `2026-12-03T18:30:00+01:00`.
    pub starts_at: DateTime<FixedOffset>,
    /// Must be after `starts_at`.
    pub ends_at: DateTime<FixedOffset>,
    /// IANA time zone name the event is held in, e.g. `Europe/Berlin`.
    pub timezone: String,
    pub venue: Option<Venue>,
    pub online_url: Option<String>,
    /// Seats for attendees going; `null` for no limit.
    #[schema(minimum = 1, maximum = 1000000)]
    pub capacity: Option<i64>,
    #[serde(default = "default_event_visibility")]
    pub visibility: EventVisibility,
}

fn default_event_visibility() -> EventVisibility {
    EventVisibility::Public
}

/// `PATCH /events/{id}`: absent fields are left as they are; `null` clears an optional field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct UpdateEvent {
    pub title: Option<String>,
    pub description: Option<String>,
    pub tags: Option<Vec<String>>,
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub timezone: Option<String>,
    #[serde(default, deserialize_with = "crate::double_option")]
    #[schema(value_type = Option<Venue>)]
    pub venue: Option<Option<Venue>>,
    #[serde(default, deserialize_with = "crate::double_option")]
    #[schema(value_type = Option<String>)]
    pub online_url: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::double_option")]
    #[schema(value_type = Option<i64>)]
    pub capacity: Option<Option<i64>>,
    pub visibility: Option<EventVisibility>,
}

/// An event as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Event {
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub tags: Vec<String>,
    /// In the event's own time zone.
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub timezone: String,
    pub venue: Option<Venue>,
    pub online_url: Option<String>,
    pub capacity: Option<i64>,
    pub visibility: EventVisibility,
    pub organizer_ids: Vec<Uuid>,
    pub going_count: i64,
    pub waitlist_count: i64,
    pub interested_count: i64,
    pub checked_in_count: i64,
    /// Seats left, `null` when the event has no capacity limit.
    pub seats_left: Option<i64>,
    /// The caller's RSVP status, when signed in and RSVPed.
    pub my_rsvp: Option<RsvpStatus>,
    /// Whether the caller organizes this event.
    pub is_organizer: bool,
    /// The code attendees type to check themselves in; shown to organizers only.
    pub checkin_code: Option<String>,
    /// Kilometres from the searched point, on searches by distance.
    pub distance_km: Option<f64>,
    pub created_at: DateTime<Utc>,
    /// When the event was cancelled (its organizer closed their account and nobody else
    /// organizes it); `null` while it is on. A cancelled event takes no RSVPs or check-ins.
    pub cancelled_at: Option<DateTime<Utc>>,
}

/// Query of `GET /events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventSearch {
    /// Full-text query over title, description, tags, the venue's name and its city.
    #[param(max_length = 200)]
    pub q: Option<String>,
    /// Only events with this tag.
    pub tag: Option<String>,
    /// Only events that end at or after this instant (RFC 3339). Defaults to now.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Only events that start at or before this instant (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Latitude of the point to search around; needs `lon`.
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
    /// Search radius in kilometres around `lat`/`lon`, default 50.
    #[param(exclusive_minimum = 0, maximum = 20000)]
    pub radius_km: Option<f64>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Query of list endpoints that only paginate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// Query of `GET /me/events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MyEventsQuery {
    /// `organizing`, `attending` (any RSVP), or both when absent.
    pub role: Option<MyEventsRole>,
    /// Also list events that have ended. Default false.
    pub include_past: Option<bool>,
    /// 1 to 100, default 20.
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MyEventsRole {
    Organizing,
    Attending,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpStatus {
    Going,
    Interested,
    Waitlisted,
}

impl RsvpStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Going => "going",
            Self::Interested => "interested",
            Self::Waitlisted => "waitlisted",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "going" => Some(Self::Going),
            "interested" => Some(Self::Interested),
            "waitlisted" => Some(Self::Waitlisted),
            _ => None,
        }
    }
}

/// What an attendee may ask for; `waitlisted` is the server's answer when the event is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RsvpIntent {
    Going,
    Interested,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RsvpRequest {
    pub status: RsvpIntent,
}

/// The caller's RSVP to an event.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Rsvp {
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub status: RsvpStatus,
    /// 1-based place in the waitlist when `waitlisted`.
    pub waitlist_position: Option<i64>,
    /// Personal code to show an organizer at the door.
    pub personal_code: String,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /events/{id}/checkin`: an organizer sends `user_id` or the attendee's personal `code`;
/// an attendee sends the event's check-in `code`, or nothing at an online-only event.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct CheckinRequest {
    pub user_id: Option<Uuid>,
    pub code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Checkin {
    pub event_id: Uuid,
    pub user_id: Uuid,
    pub checked_in_at: DateTime<Utc>,
    /// False when the attendee had already been checked in.
    pub newly_checked_in: bool,
}

/// One entry of an event's attendee list.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Attendee {
    pub profile: Profile,
    pub status: RsvpStatus,
    pub checked_in: bool,
    /// Shown to organizers only.
    pub waitlist_position: Option<i64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreateAnnouncement {
    /// 1 to 4000 characters.
    #[schema(min_length = 1, max_length = 4000)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Announcement {
    pub id: Uuid,
    pub event_id: Uuid,
    pub author_id: Uuid,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct OrganizerRequest {
    pub user_id: Uuid,
}

/// An event's activity over time, for its organizers' charts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventActivity {
    /// Width of each bucket, in minutes (chosen so that there are at most 48 of them).
    pub bucket_minutes: u32,
    /// Running totals at the end of each bucket, oldest first, starting from an empty bucket.
    pub points: Vec<ActivityPoint>,
}

/// Running totals at the end of one bucket of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ActivityPoint {
    /// Start of the bucket.
    pub at: DateTime<Utc>,
    /// RSVPs made so far (going, interested or waitlisted, as they stand now).
    pub rsvps: i64,
    /// Check-ins so far.
    pub checkins: i64,
    /// Meeting requests made so far, whatever became of them.
    pub meetings: i64,
    /// People who had asked someone for a meeting so far (each counted once).
    pub requesters: i64,
    /// Meetings accepted so far (counted when accepted; later cancellations included).
    pub accepted: i64,
}
