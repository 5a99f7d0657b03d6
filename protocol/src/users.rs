//! Profiles, visibility and blocks.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Who may see a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProfileVisibility {
    /// Every signed-in user.
    Public,
    /// People who attend or organize an event this user attends or organizes.
    Attendees,
    /// Nobody but the user.
    Hidden,
}

impl ProfileVisibility {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Attendees => "attendees",
            Self::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "public" => Some(Self::Public),
            "attendees" => Some(Self::Attendees),
            "hidden" => Some(Self::Hidden),
            _ => None,
        }
    }
}

/// A profile as other people see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Profile {
    pub id: Uuid,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    /// Lower-case tags, e.g. `rust`, `climate-tech`.
    pub interests: Vec<String>,
    /// Short phrases of what this person looks for: "a Rust mentor".
    pub seeking: Vec<String>,
    /// Short phrases of what this person can give: "intros to climate investors".
    pub offering: Vec<String>,
}

/// The signed-in user's own account and profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub headline: String,
    pub bio: String,
    pub interests: Vec<String>,
    pub seeking: Vec<String>,
    pub offering: Vec<String>,
    pub visibility: ProfileVisibility,
    /// Opted in to "people to meet" suggestions at events.
    pub matchmaking: bool,
    pub created_at: DateTime<Utc>,
    /// The e-mail address was confirmed through the link sent to it.
    pub email_verified: bool,
    /// Signing in asks for a code from an authenticator app after the password.
    pub totp_enabled: bool,
}

/// `PATCH /me`: every field is optional; absent fields are left as they are.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct ProfileUpdate {
    #[schema(min_length = 1, max_length = 80)]
    pub display_name: Option<String>,
    #[schema(max_length = 140)]
    pub headline: Option<String>,
    #[schema(max_length = 2000)]
    pub bio: Option<String>,
    pub interests: Option<Vec<String>>,
    pub seeking: Option<Vec<String>>,
    pub offering: Option<Vec<String>>,
    pub visibility: Option<ProfileVisibility>,
    /// Opt in to (or out of) "people to meet" suggestions.
    pub matchmaking: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct BlockRequest {
    pub user_id: Uuid,
}

/// A user this account has blocked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Block {
    pub user_id: Uuid,
    /// Their name now, so that the one who blocked them knows whom they would unblock.
    pub display_name: String,
    pub created_at: DateTime<Utc>,
}

/// `GET /me/export`: everything Mingle stores about the signed-in person, in one document.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AccountExport {
    pub exported_at: DateTime<Utc>,
    pub account: Me,
    /// Devices signed in now.
    pub sessions: Vec<crate::auth::SessionInfo>,
    /// Identity providers linked to the account.
    pub identities: Vec<crate::auth::LinkedIdentity>,
    /// Passkeys registered (names and dates; the keys are public keys, not secrets).
    pub passkeys: Vec<crate::auth::PasskeyInfo>,
    pub rsvps: Vec<ExportedRsvp>,
    /// Events this person owns or co-organizes.
    pub events_organized: Vec<ExportedEvent>,
    /// Meeting requests sent and received.
    pub meetings: Vec<crate::meetings::Meeting>,
    /// Every chat line and direct message this person wrote.
    pub messages: Vec<ExportedMessage>,
    pub blocks: Vec<Block>,
    pub suggestion_feedback: Vec<ExportedFeedback>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportedRsvp {
    pub event_id: Uuid,
    pub event_title: String,
    pub status: crate::events::RsvpStatus,
    pub checked_in_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportedEvent {
    pub id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    /// This person owns the event (rather than co-organizing it).
    pub owner: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportedMessage {
    /// `event:{id}` for an event's chat, `dm:{id}` for a direct conversation.
    pub channel: String,
    pub sent_at: DateTime<Utc>,
    /// `chat` or `dm`.
    pub kind: String,
    pub text: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ExportedFeedback {
    pub event_id: Uuid,
    pub target_id: Uuid,
    /// `not_relevant` or `met`.
    pub verdict: String,
    pub created_at: DateTime<Utc>,
}
