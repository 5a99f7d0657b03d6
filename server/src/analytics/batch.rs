//! The checks of a client's batch (`POST /analytics/events`). A batch is taken whole or refused
//! whole, with the first problem's code and the index of the event it is in.

use protocol::analytics::{ClientEvent, UsageEvent, MAX_BATCH_EVENTS, MAX_EVENT_AGE_HOURS, MAX_FUTURE_SKEW_SECS};
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ApiError;

/// The body as sent: events are read one by one, so an unknown kind can be told from a malformed
/// event.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBatch {
    pub events: Vec<serde_json::Value>,
    #[serde(default)]
    pub access_token: Option<String>,
}

/// A batch that passed: events to record (Unix ms, event), and how many page views were left
/// out because the browser asked not to be tracked.
#[derive(Debug, Default)]
pub struct Checked {
    pub events: Vec<(i64, UsageEvent)>,
    pub ignored: u32,
}

/// Checks `events` sent by `sender` (`None`: signed out) at `now` (Unix ms). `no_tracking`: the
/// request carried `DNT: 1` or `Sec-GPC: 1`.
pub fn check(
    events: Vec<serde_json::Value>,
    sender: Option<Uuid>,
    now: i64,
    no_tracking: bool,
) -> Result<Checked, ApiError> {
    if events.len() > MAX_BATCH_EVENTS {
        return Err(refused(
            "batch_too_large",
            format!(
                "a batch holds at most {MAX_BATCH_EVENTS} events, this one {}; send the rest in another",
                events.len()
            ),
        ));
    }
    let mut checked = Checked::default();
    for (i, value) in events.into_iter().enumerate() {
        let kind = value.get("kind").and_then(|k| k.as_str()).map(str::to_owned);
        let Some(kind) = kind else {
            return Err(ApiError::invalid(&format!("events[{i}].kind"), "every event needs a `kind`"));
        };
        if !UsageEvent::KINDS.contains(&kind.as_str()) {
            return Err(refused(
                "unknown_event_kind",
                format!("events[{i}]: unknown kind {kind:?}; a client sends `page_view` or `open`"),
            ));
        }
        if !UsageEvent::CLIENT_KINDS.contains(&kind.as_str()) {
            return Err(refused(
                "server_recorded_kind",
                format!("events[{i}]: `{kind}` events are recorded by the server itself; a client sends `page_view` or `open`"),
            ));
        }
        let event: ClientEvent = serde_json::from_value(value)
            .map_err(|e| ApiError::invalid(&format!("events[{i}]"), format!("not a valid `{kind}` event: {e}")))?;
        let at = event.at.timestamp_millis();
        if at > now + MAX_FUTURE_SKEW_SECS * 1000 {
            return Err(refused(
                "event_in_future",
                format!(
                    "events[{i}]: `at` is {} s ahead of the server's clock (at most {MAX_FUTURE_SKEW_SECS} s)",
                    (at - now) / 1000
                ),
            ));
        }
        if at < now - MAX_EVENT_AGE_HOURS * 3_600_000 {
            return Err(refused(
                "event_too_old",
                format!("events[{i}]: `at` is more than {MAX_EVENT_AGE_HOURS} hours ago; such events are not taken"),
            ));
        }
        if let Some(actor) = event.actor {
            if Some(actor) != sender {
                return Err(ApiError::Forbidden(
                    "not_your_action",
                    format!("events[{i}]: a client reports only its own person's actions"),
                ));
            }
        }
        if sender.is_none() && !matches!(event.event, UsageEvent::PageView { .. }) {
            return Err(ApiError::Unauthorized(
                "unauthorized",
                format!("events[{i}]: sign in to send `{kind}` events; signed out, only page views are taken"),
            ));
        }
        if no_tracking && matches!(event.event, UsageEvent::PageView { .. }) {
            checked.ignored += 1;
            continue;
        }
        checked.events.push((at, event.event));
    }
    Ok(checked)
}

fn refused(code: &'static str, message: String) -> ApiError {
    ApiError::Unprocessable(code, message)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const NOW: i64 = 1_796_000_000_000;

    fn at(offset_ms: i64) -> String {
        chrono::DateTime::from_timestamp_millis(NOW + offset_ms).expect("valid").to_rfc3339()
    }

    fn code(e: ApiError) -> String {
        let (status, code) = match &e {
            ApiError::Unprocessable(code, _) => (422, *code),
            ApiError::Forbidden(code, _) => (403, *code),
            ApiError::Unauthorized(code, _) => (401, *code),
            ApiError::Validation(_) => (422, "validation_failed"),
            other => panic!("unexpected {other:?}"),
        };
        format!("{status} {code}")
    }

    #[test]
    fn takes_page_views_and_opens() {
        let me = Uuid::from_u128(1);
        let events = vec![
            json!({"at": at(-1000), "kind": "page_view", "page": "event", "event_id": Uuid::from_u128(5)}),
            json!({"at": at(0), "kind": "open", "item": Uuid::from_u128(5), "list": "recommendations", "position": 2, "actor": me}),
        ];
        let checked = check(events, Some(me), NOW, false).expect("valid");
        assert_eq!(checked.events.len(), 2);
        assert_eq!(checked.events[0].0, NOW - 1000);
    }

    #[test]
    fn refuses_what_a_client_may_not_send() {
        let me = Some(Uuid::from_u128(1));
        let one = |event: serde_json::Value| code(check(vec![event], me, NOW, false).expect_err("an error"));
        assert_eq!(one(json!({"at": at(0), "kind": "teleport"})), "422 unknown_event_kind");
        assert_eq!(
            one(json!({"at": at(0), "kind": "rsvp", "event_id": Uuid::nil(), "status": "going"})),
            "422 server_recorded_kind"
        );
        assert_eq!(one(json!({"at": at(120_000), "kind": "page_view", "page": "discover"})), "422 event_in_future");
        assert_eq!(
            one(json!({"at": at(-25 * 3_600_000), "kind": "page_view", "page": "discover"})),
            "422 event_too_old"
        );
        assert_eq!(one(json!({"at": at(0), "kind": "page_view", "page": "nowhere"})), "422 validation_failed");
        assert_eq!(one(json!({"kind": "page_view", "page": "discover"})), "422 validation_failed");
        assert_eq!(
            one(json!({"at": at(0), "kind": "open", "item": Uuid::nil(), "actor": Uuid::from_u128(2)})),
            "403 not_your_action"
        );
        let many = vec![json!({"at": at(0), "kind": "page_view", "page": "discover"}); MAX_BATCH_EVENTS + 1];
        assert_eq!(code(check(many, me, NOW, false).expect_err("an error")), "422 batch_too_large");
    }

    #[test]
    fn signed_out_sends_page_views_only_and_tracking_refusal_drops_them() {
        let view = json!({"at": at(0), "kind": "page_view", "page": "discover"});
        let open = json!({"at": at(0), "kind": "open", "item": Uuid::nil()});
        assert_eq!(check(vec![view.clone()], None, NOW, false).expect("valid").events.len(), 1);
        assert_eq!(code(check(vec![open.clone()], None, NOW, false).expect_err("an error")), "401 unauthorized");
        let checked = check(vec![view, open], Some(Uuid::from_u128(1)), NOW, true).expect("valid");
        assert_eq!((checked.events.len(), checked.ignored), (1, 1));
    }
}
