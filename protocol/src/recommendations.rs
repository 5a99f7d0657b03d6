//! "Events for you": upcoming events recommended to the signed-in user, each with reasons.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::events::Event;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventRecommendation {
    pub event: Event,
    /// How well the event fits, in [0, 1].
    pub score: f32,
    /// Why, in words, strongest first.
    pub reasons: Vec<String>,
}

/// `GET /recommendations/events`, best first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RecommendationList {
    pub items: Vec<EventRecommendation>,
    /// Version of the collaborative model that ranked them; `null` while there is none (too
    /// little activity yet, or not trained since start-up): content and context alone.
    pub model_version: Option<u64>,
    /// The id the list's items were recorded under, for a client to quote when it opens one
    /// (`POST /analytics/events`).
    pub request_id: uuid::Uuid,
}

/// Query of `GET /recommendations/events`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// 1 to 50, default 20.
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<u32>,
    /// Where the user is, to favour nearby events; needs `lon`.
    #[param(minimum = -90, maximum = 90)]
    pub lat: Option<f64>,
    #[param(minimum = -180, maximum = 180)]
    pub lon: Option<f64>,
}

/// One group of an event's audience with similar profiles.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AudienceSegment {
    /// A short name from the group's most common interests.
    pub label: String,
    /// People in the group.
    pub size: i64,
    /// The group's share of the audience, in [0, 1].
    pub share: f32,
    /// Their most common interests, most common first.
    pub top_interests: Vec<String>,
}

/// `GET /events/{id}/segments`: the audience (everyone with an RSVP) in groups of similar
/// profiles, largest first.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AudienceSegments {
    pub audience: i64,
    pub segments: Vec<AudienceSegment>,
}
