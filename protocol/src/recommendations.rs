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
