//! `/me/export` and `DELETE /me`: a person takes everything Mingle stores about them, or leaves.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use protocol::auth::Confirmation;
use protocol::error::ErrorBody;
use protocol::events::RsvpStatus;
use protocol::realtime::{Channel, MessageBody};
use protocol::users::{AccountExport, Block, ExportedEvent, ExportedFeedback, ExportedMessage, ExportedRsvp};
use uuid::Uuid;

use super::account_security::{account, confirm, ended, session_info};
use super::meetings::render_meeting;
use crate::error::ApiResult;
use crate::extract::{ApiJson, AuthUser, ClientAddr};
use crate::render::{self, utc};
use crate::state::AppState;
use crate::store::StoreError;

/// Everything Mingle stores about the signed-in person, as one JSON document (a download).
#[utoipa::path(get, path = "/me/export", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AccountExport), (status = 401, body = ErrorBody)))]
pub(crate) async fn export(State(state): State<AppState>, user: AuthUser) -> ApiResult<impl IntoResponse> {
    let row = account(&state, &user).await?;
    let sessions = state.store.sessions_of(user.id).await?;
    let rows = state.store.export_rows(user.id).await?;
    let mut meetings = Vec::new();
    for meeting in state.store.meetings_of(user.id, None, None).await? {
        meetings.push(render_meeting(&state, &meeting).await?);
    }
    let blocks = state
        .store
        .blocks(user.id)
        .await?
        .into_iter()
        .map(|(user_id, display_name, at)| Block { user_id, display_name, created_at: utc(at) })
        .collect();
    let document = AccountExport {
        exported_at: chrono::Utc::now(),
        account: render::me(&row),
        sessions: sessions.iter().map(|s| session_info(s, user.session)).collect(),
        identities: super::providers::linked_identities(&state, user.id).await?,
        passkeys: state.store.passkeys_of(user.id).await?.iter().map(super::passkeys::info).collect(),
        rsvps: rows
            .rsvps
            .into_iter()
            .filter_map(|(event_id, event_title, status, checked_in_at, created_at)| {
                Some(ExportedRsvp {
                    event_id,
                    event_title,
                    status: RsvpStatus::parse(&status)?,
                    checked_in_at: checked_in_at.map(utc),
                    created_at: utc(created_at),
                })
            })
            .collect(),
        events_organized: rows
            .events
            .into_iter()
            .map(|(id, title, starts_at, owner)| ExportedEvent { id, title, starts_at: utc(starts_at), owner })
            .collect(),
        meetings,
        messages: rows
            .messages
            .into_iter()
            .map(|(channel, body, sent_at)| {
                let kind = if channel.starts_with("dm:") { "dm" } else { "chat" };
                let text = match serde_json::from_str::<MessageBody>(&body) {
                    Ok(MessageBody::Chat { text }) => text,
                    _ => body,
                };
                ExportedMessage { channel, sent_at: utc(sent_at), kind: kind.to_owned(), text }
            })
            .collect(),
        blocks,
        suggestion_feedback: rows
            .feedback
            .into_iter()
            .map(|(event_id, target_id, verdict, at)| ExportedFeedback {
                event_id,
                target_id,
                verdict,
                created_at: utc(at),
            })
            .collect(),
    };
    let name = format!("attachment; filename=\"mingle-export-{}.json\"", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(([(header::CONTENT_DISPOSITION, name)], Json(document)))
}

/// Delete the account. Needs the password or a second-factor code. Personal data is erased;
/// messages written stay in conversations as from "Deleted user"; events passed to a
/// co-organizer, or (when nobody else organizes them) cancelled with an announcement to their
/// attendees; RSVPs withdrawn (seats go to the waitlist); meetings ahead cancelled; every
/// session, token and live connection ends at once.
#[utoipa::path(delete, path = "/me", tag = "auth", security(("bearer" = [])), request_body = Confirmation,
    responses(
        (status = 204, description = "Deleted"),
        (status = 403, description = "`wrong_password` or `invalid_code`", body = ErrorBody),
        (status = 422, description = "No confirmation (`confirmation_required`)", body = ErrorBody),
    ))]
pub(crate) async fn delete_me(
    State(state): State<AppState>,
    user: AuthUser,
    ClientAddr(address): ClientAddr,
    ApiJson(body): ApiJson<Confirmation>,
) -> ApiResult<StatusCode> {
    let row = account(&state, &user).await?;
    confirm(&state, &user, &row, &body, address).await?;
    // Seats first, so the waitlist moves up as it would for any withdrawal.
    for event in state.store.upcoming_rsvp_events(user.id).await? {
        match state.store.cancel_rsvp(event, user.id).await {
            Ok(change) => {
                let stale = super::cached::after_rsvp(event);
                super::events::seats_changed(&state, event, Some(user.id), &change.promoted, &stale).await;
            }
            Err(StoreError::Conflict(_) | StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let closed = state.store.close_account(user.id).await?;
    state.cache.invalidate(&super::cached::after_account_closed(user.id)).await;
    // Its analytics go too: what is stored now, and behind it what is still on its way.
    state.store.analytics_forget(&state.analytics.key(user.id)).await?;
    state.analytics.forget(user.id);
    ended(&state, user.id, &closed.sessions);
    tracing::info!(
        user = %user.id,
        cancelled = closed.cancelled_events.len(),
        handed_over = closed.handed_over.len(),
        "account deleted"
    );
    for event in &closed.cancelled_events {
        announce_cancelled(&state, *event, user.id).await;
    }
    let mut touched: Vec<Uuid> = closed.met_with.clone();
    touched.push(user.id);
    for id in &closed.cancelled_meetings {
        if let Some(meeting) = state.store.meeting(*id).await? {
            if let Ok(rendered) = render_meeting(&state, &meeting).await {
                super::meetings::notify(&state, &rendered).await;
            }
        }
    }
    state.realtime.access_changed(touched).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Tells an event's attendees that it is cancelled.
async fn announce_cancelled(state: &AppState, event: Uuid, author: Uuid) {
    const TEXT: &str = "This event is cancelled: its organizer closed their Mingle account.";
    match state.store.create_announcement(event, author, TEXT).await {
        Ok(row) => {
            let body = MessageBody::Announcement { announcement: render::announcement(&row) };
            if let Err(e) = state.realtime.post(Channel::Event(event), None, body).await {
                tracing::error!(error = %e, %event, "pushing a cancellation live failed");
            }
        }
        Err(e) => tracing::error!(error = %e, %event, "announcing a cancellation failed"),
    }
    state.realtime.counters_changed(event);
}
