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
