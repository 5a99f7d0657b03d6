//! `/events/{id}/attendees.csv`: the attendee list as a spreadsheet, for the event's organizers.

use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use protocol::error::ErrorBody;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, AuthUser};
use crate::render;
use crate::state::AppState;
use crate::store::AttendeeRow;

/// Attendees read per query while the file is written.
const PAGE: i64 = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(attendees_csv))
}

/// Everyone going or waitlisted, in the order they answered, as CSV (UTF-8): name, headline,
/// status, waitlist position, when they answered and when they checked in, in the event's time
/// zone. Organizers only.
#[utoipa::path(get, path = "/events/{id}/attendees.csv", tag = "rsvp", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "text/csv", body = String), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)))]
async fn attendees_csv(
    State(state): State<AppState>,
    user: AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> ApiResult<Response> {
    let event = state.store.event(id).await?.ok_or_else(|| ApiError::not_found("event"))?;
    if !state.store.is_organizer(id, user.id).await? {
        return Err(ApiError::Forbidden("not_organizer", "only the event's organizers may do this".to_owned()));
    }
    let mut rows = Vec::new();
    let mut after = None;
    loop {
        let mut page = state.store.attendees(id, user.id, true, after, PAGE + 1).await?;
        let more = page.len() as i64 > PAGE;
        page.truncate(PAGE as usize);
        after = page.last().map(|r| (r.rsvp_created_at, r.id));
        rows.append(&mut page);
        if !more {
            break;
        }
    }
    // Waitlist positions follow the order of joining it, ties by id (as `waitlist_position_at`).
    let mut waiting: Vec<(i64, Uuid)> = rows.iter().filter_map(|r| Some((r.waitlisted_at?, r.id))).collect();
    waiting.sort_unstable();
    let position = |r: &AttendeeRow| r.waitlisted_at.map(|at| waiting.partition_point(|w| *w < (at, r.id)) + 1);
    let zone = event.timezone.as_str();
    let time = |ms: i64| render::local(ms, zone).format("%Y-%m-%d %H:%M").to_string();
    let mut csv = csv::Writer::from_writer(Vec::new());
    let answered = format!("Answered ({zone})");
    let checked_in = format!("Checked in ({zone})");
    csv.write_record(["Name", "Headline", "Status", "Waitlist position", &answered, &checked_in])
        .map_err(anyhow::Error::from)?;
    for r in &rows {
        csv.write_record([
            cell(&r.display_name),
            cell(&r.headline),
            r.status.as_str().to_owned(),
            position(r).map(|p| p.to_string()).unwrap_or_default(),
            time(r.rsvp_created_at),
            r.checked_in_at.map(time).unwrap_or_default(),
        ])
        .map_err(anyhow::Error::from)?;
    }
    let body = csv.into_inner().map_err(|e| anyhow::anyhow!("CSV: {e}"))?;
    let file = format!("attachment; filename=\"attendees-{}.csv\"", event.id);
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()), (header::CONTENT_DISPOSITION, file)], body)
        .into_response())
}

/// A cell a spreadsheet shows as text: one starting like a formula (`=`, `+`, `-`, `@`, a tab or
/// a carriage return) gets a leading apostrophe, so that a name can never run as a formula.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_cell_never_starts_a_formula() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+1 555"), "'+1 555");
        assert_eq!(cell("-2"), "'-2");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell("Ada = Lovelace"), "Ada = Lovelace");
        assert_eq!(cell(""), "");
    }
}
