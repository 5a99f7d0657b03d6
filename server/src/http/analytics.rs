//! `/analytics/events` (what a client saw and opened) and `/events/{id}/analytics` (the
//! organizer's dashboard and its CSV exports).

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use protocol::analytics::{AnalyticsBatch, BatchAccepted, EventAnalytics, EventChart, ExportQuery};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::analytics::batch::{self, RawBatch};
use crate::analytics::{dashboards, now_ms};
use crate::error::{ApiError, ApiResult};
use crate::extract::{bearer_token, ApiJson, ApiPath, ApiQuery, AuthUser, ClientAddr};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_events))
        .routes(routes!(event_analytics))
        .routes(routes!(export_event_analytics))
}

/// Whether the browser asked not to be tracked (`DNT: 1` or Global Privacy Control).
fn no_tracking(headers: &HeaderMap) -> bool {
    let is_one = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() == "1");
    is_one("dnt") || is_one("sec-gpc")
}

/// Page views and opens from a client, up to 100 events and 64 KiB, taken whole or refused whole.
/// A signed-in client authenticates with its bearer token or, from `navigator.sendBeacon` (which
/// cannot set headers), with `access_token` in the body; signed out, only page views are taken.
/// Page views from a browser that sends `DNT: 1` or `Sec-GPC: 1` are left out (`ignored`). The
/// events are queued and written within about a second, never on this request's path.
#[utoipa::path(post, path = "/analytics/events", tag = "analytics",
    request_body = AnalyticsBatch,
    responses((status = 202, body = BatchAccepted),
        (status = 401, body = ErrorBody),
        (status = 403, description = "`not_your_action`: an event names another person as its actor", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 503, description = "`analytics_busy`: the analytics queue is more than half full; send the batch again after `Retry-After`", body = ErrorBody),
        (status = 429, description = "`rate_limited`: more batches a minute from one person or signed-out address than `MINGLE_ANALYTICS_BATCHES_PER_MINUTE` (120)", body = ErrorBody),
        (status = 422, description = "`unknown_event_kind`, `server_recorded_kind`, `event_in_future`, `event_too_old`, `batch_too_large`, `validation_failed`", body = ErrorBody)))]
async fn record_events(
    State(state): State<AppState>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RawBatch>,
) -> ApiResult<(StatusCode, Json<BatchAccepted>)> {
    let token = match bearer_token(&headers)? {
        Some(token) => Some(token),
        None => body.access_token.as_deref().filter(|t| !t.is_empty()),
    };
    let sender = match token {
        Some(token) => Some(state.authenticate(token)?.user),
        None => None,
    };
    let sender_key = match (sender, address) {
        (Some(person), _) => person.to_string(),
        (None, Some(address)) => address.to_string(),
        (None, None) => "unknown".to_owned(),
    };
    if !state.analytics.allow_batch(&sender_key) {
        metrics::counter!("mingle_analytics_events_refused_total", "reason" => "rate_limited").increment(1);
        return Err(ApiError::RateLimited { retry_after_secs: 1 });
    }
    let checked = batch::check(body.events, sender, now_ms(), no_tracking(&headers)).inspect_err(|e| {
        metrics::counter!("mingle_analytics_events_refused_total", "reason" => e.code()).increment(1);
    })?;
    // A queue more than half full tells clients to come back later rather than drop what they
    // send (the server's own events keep the other half).
    if !state.analytics.takes_client_batch(checked.events.len()) {
        metrics::counter!("mingle_analytics_events_refused_total", "reason" => "busy").increment(1);
        return Err(ApiError::Busy(
            "analytics_busy",
            "analytics are arriving faster than they are written; send this batch again in a few seconds".to_owned(),
        ));
    }
    let accepted = checked.events.len() as u32;
    for (at, event) in &checked.events {
        state.analytics.record_at(*at, sender, event);
    }
    metrics::counter!("mingle_analytics_events_accepted_total", "from" => "client").increment(u64::from(accepted));
    if checked.ignored > 0 {
        metrics::counter!("mingle_analytics_events_ignored_total", "reason" => "do_not_track")
            .increment(u64::from(checked.ignored));
    }
    Ok((StatusCode::ACCEPTED, Json(BatchAccepted { accepted, ignored: checked.ignored })))
}

async fn organizer_only(state: &AppState, event: Uuid, user: Uuid) -> ApiResult<()> {
    if !state.store.event_exists(event).await? {
        return Err(ApiError::not_found("event"));
    }
    if !state.store.is_organizer(event, user).await? {
        return Err(ApiError::Forbidden("not_organizer", "only the event's organizers may do this".to_owned()));
    }
    Ok(())
}

/// How the event is doing: its funnel (people who viewed it, RSVP'd, checked in, chatted, asked
/// for a meeting, had one accepted, met someone), the same over time, where its RSVPs came from
/// (recommendations, search, browsing, notifications, a direct link), and the share of checked-in
/// attendees with an accepted meeting. Organizers only; read from rollups, about a second behind.
#[utoipa::path(get, path = "/events/{id}/analytics", tag = "analytics", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EventAnalytics), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn event_analytics(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EventAnalytics>> {
    organizer_only(&state, id, user.id).await?;
    Ok(Json(dashboards::event(&state.store, id, now_ms()).await?))
}

/// One chart of `GET /events/{id}/analytics` as CSV, for a spreadsheet. Organizers only.
#[utoipa::path(get, path = "/events/{id}/analytics/export", tag = "analytics", security(("bearer" = [])),
    params(("id" = Uuid, Path), ExportQuery),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 400, body = ErrorBody)))]
async fn export_event_analytics(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> ApiResult<Response> {
    organizer_only(&state, id, user.id).await?;
    let analytics = dashboards::event(&state.store, id, now_ms()).await?;
    let name = match query.chart {
        EventChart::Funnel => "funnel",
        EventChart::OverTime => "over-time",
        EventChart::Sources => "sources",
        EventChart::Networking => "networking",
    };
    let file = format!("attachment; filename=\"event-{id}-{name}.csv\"");
    Ok((
        [(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, file)],
        dashboards::csv(&analytics, query.chart),
    )
        .into_response())
}
