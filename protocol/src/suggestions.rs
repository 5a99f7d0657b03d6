//! "People to meet" suggestions at an event.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// The suggested person, briefly.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct SuggestedUser {
    pub id: Uuid,
    pub display_name: String,
    pub headline: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct Suggestion {
    pub user: SuggestedUser,
    /// Reciprocal match score in [0, 1]: high only when the match is good for both.
    pub score: f32,
    /// Why, in words, strongest first.
    pub reasons: Vec<String>,
}

/// `GET /events/{id}/suggestions`, best first. Also pushed on `user:{id}` as a message whose
/// body is `{"kind": "suggestions", "event_id", "items"}` whenever the list changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SuggestionList {
    pub items: Vec<Suggestion>,
    /// The id the list's items were recorded under (`GET` answers only), for a client to quote
    /// when it opens one (`POST /analytics/events`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Not someone to meet: never suggest them again at this event.
    NotRelevant,
    /// Already met: no need to suggest them again.
    Met,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRelevant => "not_relevant",
            Self::Met => "met",
        }
    }
}

/// `POST /events/{id}/suggestions/{user_id}/feedback`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct SuggestionFeedback {
    pub verdict: Verdict,
}
