//! Mingle's wire types: every JSON body the REST API accepts or answers, shared by the server,
//! the tests and (through the exported OpenAPI document) every client.
//!
//! This crate knows only serde and the schema derive. Field names are snake_case; timestamps are
//! RFC 3339 strings; identifiers are UUIDs.

pub mod analytics;
pub mod auth;
pub mod error;
pub mod events;
pub mod meetings;
pub mod ops;
pub mod realtime;
pub mod recommendations;
pub mod suggestions;
pub mod users;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Version of the REST API, also the path prefix (`/api/v1`).
pub const API_VERSION: &str = "v1";

/// One page of a list endpoint. `next_cursor` is opaque; pass it back as `cursor` to get the next
/// page, and stop when it is `null`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
    /// Where the page is a list shown to a signed-in person (event search and browsing): the id
    /// its items were recorded under, for a client to quote when one is opened
    /// (`POST /analytics/events`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<uuid::Uuid>,
}

/// Deserializes a field that distinguishes "absent" (`None`) from "explicitly null"
/// (`Some(None)`), which `PATCH` bodies need to clear optional values.
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
