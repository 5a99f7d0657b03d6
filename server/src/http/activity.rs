//! `/events/{id}/activity`: RSVPs, check-ins and meeting requests over time, for the charts of an
//! event's organizers.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use protocol::error::ErrorBody;
use protocol::events::{ActivityPoint, EventActivity};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, AuthUser};
use crate::state::AppState;

/// Most buckets in a series; the bucket width grows until the span fits.
const MAX_POINTS: i64 = 48;

/// Kinds of activity counted (see `Store::activity_times`).
const KINDS: usize = 5;

/// Bucket widths to choose from, in minutes: a minute up to a week.
const WIDTHS_MIN: [u32; 9] = [1, 5, 15, 30, 60, 180, 360, 1440, 10080];

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(event_activity))
}

/// Running totals of RSVPs, check-ins, meeting requests, people who asked for one and meetings
/// accepted at the event, in at most 48 buckets
/// from just before the first of them until now. Organizers only.
#[utoipa::path(get, path = "/events/{id}/activity", tag = "rsvp", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = EventActivity), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn event_activity(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Json<EventActivity>> {
    if !state.store.event_exists(id).await? {
        return Err(ApiError::not_found("event"));
    }
    if !state.store.is_organizer(id, user.id).await? {
        return Err(ApiError::Forbidden("not_organizer", "only the event's organizers may do this".to_owned()));
    }
    let times = state.store.activity_times(id).await?;
    Ok(Json(bucket(&times, Utc::now().timestamp_millis())))
}

/// Turns (kind, Unix ms) pairs into running totals per bucket, from just before the earliest time
/// to `now`.
fn bucket(times: &[(i64, i64)], now: i64) -> EventActivity {
    let Some(first) = times.iter().map(|&(_, at)| at).min() else {
        return EventActivity { bucket_minutes: WIDTHS_MIN[0], points: Vec::new() };
    };
    let last = times.iter().map(|&(_, at)| at).max().unwrap_or(first).max(now);
    let span = last - first;
    let minutes = WIDTHS_MIN
        .into_iter()
        .find(|&m| span / (i64::from(m) * 60_000) < MAX_POINTS - 3)
        .unwrap_or(WIDTHS_MIN[WIDTHS_MIN.len() - 1]);
    let width = i64::from(minutes) * 60_000;
    // One empty bucket before the first activity, so every series starts from zero.
    let start = first - first.rem_euclid(width) - width;
    let count = usize::try_from((last - start) / width + 1).unwrap_or(1);
    let mut added = vec![[0i64; KINDS]; count];
    for &(kind, at) in times {
        let slot = usize::try_from((at - start) / width).unwrap_or(0).min(count - 1);
        if let Some(kind) = usize::try_from(kind).ok().filter(|k| *k < KINDS) {
            added[slot][kind] += 1;
        }
    }
    let mut totals = [0i64; KINDS];
    let points = added
        .iter()
        .enumerate()
        .map(|(i, counts)| {
            for (total, n) in totals.iter_mut().zip(counts) {
                *total += n;
            }
            let at = start + width * i as i64;
            ActivityPoint {
                at: DateTime::from_timestamp_millis(at).unwrap_or_default(),
                rsvps: totals[0],
                checkins: totals[1],
                meetings: totals[2],
                requesters: totals[3],
                accepted: totals[4],
            }
        })
        .collect();
    EventActivity { bucket_minutes: minutes, points }
}

#[cfg(test)]
mod tests {
    use super::bucket;

    const MIN: i64 = 60_000;

    #[test]
    fn no_activity_is_an_empty_series() {
        assert!(bucket(&[], 10 * MIN).points.is_empty());
    }

    #[test]
    fn totals_run_up_to_now_in_minute_buckets_for_a_short_span() {
        let base = 1_000 * MIN;
        let times = [
            (0, base),
            (0, base + 30_000),
            (1, base + 2 * MIN),
            (2, base + 3 * MIN + 1),
            (3, base + 3 * MIN + 1),
            (4, base + 4 * MIN),
        ];
        let activity = bucket(&times, base + 5 * MIN);
        assert_eq!(activity.bucket_minutes, 1);
        let totals: Vec<_> =
            activity.points.iter().map(|p| (p.rsvps, p.checkins, p.meetings, p.requesters, p.accepted)).collect();
        assert_eq!(
            totals,
            [
                (0, 0, 0, 0, 0),
                (2, 0, 0, 0, 0),
                (2, 0, 0, 0, 0),
                (2, 1, 0, 0, 0),
                (2, 1, 1, 1, 0),
                (2, 1, 1, 1, 1),
                (2, 1, 1, 1, 1)
            ]
        );
        assert_eq!(activity.points[0].at.timestamp_millis(), base - MIN);
    }

    #[test]
    fn a_long_span_gets_wider_buckets_and_at_most_48_points() {
        let base = 0;
        let times = [(0, base), (0, base + 30 * 24 * 60 * MIN)];
        let activity = bucket(&times, base + 30 * 24 * 60 * MIN);
        assert_eq!(activity.bucket_minutes, 1440);
        assert!(activity.points.len() <= 48, "{} points", activity.points.len());
        assert_eq!(activity.points.last().map(|p| p.rsvps), Some(2));
    }

    #[test]
    fn unknown_kinds_are_ignored() {
        let activity = bucket(&[(0, 0), (7, 0), (-1, 0)], 0);
        assert_eq!(activity.points.len(), 2);
        assert_eq!(activity.points[1].rsvps, 1);
    }
}
