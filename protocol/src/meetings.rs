//! Meetings between two attendees of an event: request, accept, decline, cancel.

use chrono::{DateTime, FixedOffset, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeetingStatus {
    Pending,
    Accepted,
    Declined,
    Cancelled,
}

impl MeetingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(Self::Pending),
            "accepted" => Some(Self::Accepted),
            "declined" => Some(Self::Declined),
            "cancelled" => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// `POST /events/{id}/meetings`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RequestMeeting {
    pub to_user_id: Uuid,
    /// Up to 500 characters.
    #[serde(default)]
    #[schema(max_length = 500)]
    pub message: String,
    /// Proposed start, within the event.
    pub starts_at: DateTime<FixedOffset>,
    /// 5 to 240 minutes, default 30.
    #[serde(default)]
    #[schema(minimum = 5, maximum = 240)]
    pub duration_minutes: Option<u32>,
    /// Where to meet, up to 200 characters: "by the coffee bar".
    #[serde(default)]
    #[schema(max_length = 200)]
    pub place: String,
}

/// Someone taking part in a meeting, as the other party sees them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Participant {
    pub id: Uuid,
    pub display_name: String,
    pub headline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Meeting {
    pub id: Uuid,
    pub event_id: Uuid,
    pub status: MeetingStatus,
    pub from: Participant,
    pub to: Participant,
    pub message: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub place: String,
    /// Once accepted: the DM channel of the two participants (`dm:{id}`).
    pub channel: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Query of `GET /me/meetings`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingsQuery {
    pub status: Option<MeetingStatus>,
    pub event_id: Option<Uuid>,
}

/// Query of `GET /events/{id}/meetings/free-times`.
#[derive(Debug, Clone, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FreeTimesQuery {
    /// The other person.
    pub with: Uuid,
    /// 5 to 240 minutes, default 30.
    #[param(minimum = 5, maximum = 240)]
    pub duration_minutes: Option<u32>,
    /// The earliest start wanted (RFC 3339); now, or the event's start, when absent.
    #[param(format = DateTime)]
    pub after: Option<String>,
}

/// A span of time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TimeSlot {
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

/// `GET /events/{id}/meetings/free-times`: the first times during the event, on quarter hours,
/// at which neither person has an arranged meeting.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FreeTimes {
    /// Up to five, earliest first; empty when the event has no such time left.
    pub slots: Vec<TimeSlot>,
}
