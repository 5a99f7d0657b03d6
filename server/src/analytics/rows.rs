//! From the wire vocabulary ([`UsageEvent`]) to the stored row: people become keys, and each kind
//! fills the columns it has.

use protocol::analytics::UsageEvent;
use uuid::Uuid;

use super::keys::Keys;
use crate::store::AnalyticsRow;

/// The row of `event`, done by `actor` at `at` (Unix ms).
pub fn row(keys: &Keys, at: i64, actor: Option<Uuid>, event: &UsageEvent) -> AnalyticsRow {
    let mut row = AnalyticsRow {
        at,
        kind: event.kind().to_owned(),
        actor: actor.map(|a| keys.of(a)),
        amount: 1,
        ..AnalyticsRow::default()
    };
    match event {
        UsageEvent::Impression { list, item, position, event_id, model_version, variant, request_id } => {
            row.list = Some(list.as_str().to_owned());
            // People are filed by key wherever they appear; events by id.
            row.item = Some(match list {
                protocol::analytics::ListKind::Suggestions => keys.of(*item),
                _ => item.to_string(),
            });
            row.position = Some(clamp_position(*position));
            row.event_id = *event_id;
            row.model_version = model_version.clone();
            row.variant = variant.clone();
            row.request_id = Some(*request_id);
        }
        UsageEvent::Open { item, list, position, request_id } => {
            row.list = list.map(|l| l.as_str().to_owned());
            row.item = Some(match list {
                Some(protocol::analytics::ListKind::Suggestions) => keys.of(*item),
                _ => item.to_string(),
            });
            row.position = position.map(clamp_position);
            row.request_id = *request_id;
        }
        UsageEvent::PageView { page, event_id } => {
            row.page = Some(page.as_str().to_owned());
            row.event_id = *event_id;
        }
        // The status is not kept: every RSVP is the same step of the funnel.
        UsageEvent::Rsvp { event_id, .. }
        | UsageEvent::RsvpWithdrawn { event_id }
        | UsageEvent::CheckIn { event_id }
        | UsageEvent::EventCreated { event_id } => {
            row.event_id = Some(*event_id);
            row.item = Some(event_id.to_string());
        }
        UsageEvent::MeetingRequested { event_id, meeting_id, with } => {
            row.event_id = Some(*event_id);
            row.item = Some(meeting_id.to_string());
            row.other = Some(keys.of(*with));
        }
        UsageEvent::MeetingAccepted { event_id, meeting_id, with }
        | UsageEvent::MeetingDeclined { event_id, meeting_id, with } => {
            row.event_id = Some(*event_id);
            row.item = Some(meeting_id.to_string());
            row.other = Some(keys.of(*with));
        }
        UsageEvent::Met { event_id, with } => {
            row.event_id = Some(*event_id);
            row.other = Some(keys.of(*with));
        }
        UsageEvent::ChatActivity { event_id, messages } => {
            row.event_id = Some(*event_id);
            row.amount = i64::from(*messages);
        }
        UsageEvent::SignedUp => {}
    }
    row
}

fn clamp_position(position: u32) -> i32 {
    i32::try_from(position).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use protocol::analytics::ListKind;

    use super::*;

    #[test]
    fn people_become_keys_and_events_stay_ids() {
        let keys = Keys::from_token_secret(&[3; 32]);
        let (me, them, event) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let shown = row(
            &keys,
            5,
            Some(me),
            &UsageEvent::Impression {
                list: ListKind::Suggestions,
                item: them,
                position: 0,
                event_id: Some(event),
                model_version: Some("default".into()),
                variant: None,
                request_id: Uuid::from_u128(9),
            },
        );
        assert_eq!(shown.actor, Some(keys.of(me)));
        assert_eq!(shown.item, Some(keys.of(them)));
        let asked = row(
            &keys,
            6,
            Some(me),
            &UsageEvent::MeetingRequested { event_id: event, meeting_id: Uuid::from_u128(4), with: them },
        );
        assert_eq!(asked.other, shown.item, "a request is matched to the suggestion by the person's key");
        let text = serde_json::to_string(&[shown, asked]).expect("valid");
        assert!(!text.contains(&me.to_string()) && !text.contains(&them.to_string()));
    }
}
