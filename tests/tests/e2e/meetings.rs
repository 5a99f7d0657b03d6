//! Meetings between attendees: request, live notifications, accept (opening a DM), decline,
//! cancel, and no double booking.

use chrono::{Duration, SecondsFormat, SubsecRound as _, Timelike, Utc};
use protocol::meetings::{FreeTimes, Meeting, MeetingStatus};
use protocol::realtime::{ChannelMessage, MessageBody};
use protocol::users::Me;
use serde_json::{json, Value};
use tests::{Backend, TestServer, Ws};

/// The meeting a `meeting` message carries.
fn meeting(message: &ChannelMessage) -> Option<&Meeting> {
    match &message.body {
        MessageBody::Meeting { meeting } => Some(meeting),
        _ => None,
    }
}

on_both_backends!(meetings_round_trip_live_without_double_booking);

async fn meetings_round_trip_live_without_double_booking(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, org_s) = anon.register("Olga").await;
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (cat, cat_s) = anon.register("Cat").await;
    // Whole seconds, as the times sent below are: a fraction would make "at or after" off by it.
    let start = Utc::now().trunc_subsecs(0) + Duration::minutes(30);
    let at = |minutes: i64| (start + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let event = org.create_online_event("Meet Night", start - Utc::now(), Duration::minutes(180)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    for c in [&ann, &ben] {
        c.go_to(&id).await;
    }
    let me: Me = ann.patch("/api/v1/me", json!({"matchmaking": true})).await.expect(200).json();
    assert!(me.matchmaking, "opted in");

    let (ann_id, ben_id, cat_id) = (ann_s.user.id, ben_s.user.id, cat_s.user.id);
    let mut ann_ws = Ws::connect(&server.base, &ann_s.access_token).await;
    ann_ws.subscribe(&format!("user:{ann_id}"), None).await.expect("subscribed");
    let mut ben_ws = Ws::connect(&server.base, &ben_s.access_token).await;
    ben_ws.subscribe(&format!("user:{ben_id}"), None).await.expect("subscribed");

    let ask = |to: uuid::Uuid, minutes: i64| {
        json!({"to_user_id": to, "message": "Coffee? I'd love to hear about your compiler.", "starts_at": at(minutes),
               "duration_minutes": 30, "place": "by the coffee bar"})
    };
    let path = format!("/api/v1/events/{id}/meetings");
    let request: Meeting = ann.post(&path, ask(ben_id, 30)).await.expect(201).json();
    assert_eq!((request.status, request.to.id, request.channel.as_deref()), (MeetingStatus::Pending, ben_id, None));
    let live = ben_ws.message_where(|m| meeting(m).is_some()).await;
    let live = meeting(&live).expect("a meeting");
    assert_eq!((live.status, live.from.display_name.as_str()), (MeetingStatus::Pending, "Ann"));

    assert_eq!(ann.post(&path, ask(ben_id, 90)).await.expect(409).code(), "already_requested");
    assert_eq!(ben.post(&path, ask(ann_id, 90)).await.expect(409).code(), "already_requested", "either way");
    assert_eq!(cat.post(&path, ask(ann_id, 90)).await.expect(403).code(), "not_attending");
    ann.post(&path, ask(cat_id, 90)).await.expect(404);
    ann.post(&path, ask(ann_id, 90)).await.expect(422);
    ann.post(&path, ask(ben_id, 500)).await.expect(422);

    let act = |verb: &str| format!("/api/v1/meetings/{}/{verb}", request.id);
    assert_eq!(
        ann.post(&act("accept"), json!({})).await.expect(409).code(),
        "not_allowed",
        "not your request to accept"
    );
    cat.post(&act("accept"), json!({})).await.expect(404);
    let accepted: Meeting = ben.post(&act("accept"), json!({})).await.expect(200).json();
    assert_eq!(accepted.status, MeetingStatus::Accepted);
    let dm = accepted.channel.clone().expect("an accepted meeting opens the DM");
    let live = ann_ws.message_where(|m| meeting(m).is_some_and(|m| m.status == MeetingStatus::Accepted)).await;
    assert_eq!(meeting(&live).and_then(|m| m.channel.as_deref()), Some(dm.as_str()));
    ben_ws.subscribe(&dm, None).await.expect("the DM is open to both");
    ann_ws.publish(&dm, "See you at the coffee bar").await.expect("published");
    assert_eq!(ben_ws.message(&dm).await.body, MessageBody::chat("See you at the coffee bar"));

    // Ann is booked from +30 to +60: overlapping requests are refused, later ones are fine.
    let clash = org.post(&path, ask(ann_id, 45)).await.expect(409);
    assert_eq!(clash.code(), "slot_taken");
    assert_eq!(clash.body["error"]["message"], "One of you already has a meeting at that time. Pick another time.");
    // What a clash offers instead: the first quarter hours free for both, after Ann's meeting.
    let free = |query: String| format!("/api/v1/events/{id}/meetings/free-times?{query}");
    let offered: FreeTimes = org.get(&free(format!("with={ann_id}&after={}", at(45)))).await.expect(200).json();
    assert_eq!(offered.slots.len(), 5, "{offered:?}");
    let first = &offered.slots[0];
    assert!(first.starts_at >= start + Duration::minutes(60), "after the arranged meeting: {first:?}");
    assert!(first.starts_at < start + Duration::minutes(75), "the first quarter hour after it: {first:?}");
    assert_eq!((first.starts_at.minute() % 15, first.starts_at.second()), (0, 0), "on a quarter hour");
    assert_eq!(first.ends_at - first.starts_at, Duration::minutes(30));
    org.get(&free(format!("with={ann_id}&duration_minutes=3"))).await.expect(422);
    org.get(&free(format!("with={ann_id}&after=tomorrow"))).await.expect(422);
    org.get(&free(format!("with={cat_id}"))).await.expect(404);
    assert_eq!(cat.get(&free(format!("with={ann_id}"))).await.expect(403).code(), "not_attending");
    let later: Meeting = org.post(&path, ask(ann_id, 60)).await.expect(201).json();
    let declined: Meeting =
        ann.post(&format!("/api/v1/meetings/{}/decline", later.id), json!({})).await.expect(200).json();
    assert_eq!(declined.status, MeetingStatus::Declined);
    org.post(&format!("/api/v1/meetings/{}/cancel", later.id), json!({})).await.expect(409);

    let mine: Value = ann.get("/api/v1/me/meetings").await.expect(200).body;
    assert_eq!(mine["items"].as_array().expect("items").len(), 2);
    let accepted_only: Value = ann.get("/api/v1/me/meetings?status=accepted").await.expect(200).body;
    assert_eq!(accepted_only["items"][0]["id"], json!(request.id));
    ann.get("/api/v1/me/meetings?status=maybe").await.expect(400);

    // Cancelling frees the slot.
    let cancelled: Meeting = ann.post(&act("cancel"), json!({})).await.expect(200).json();
    assert_eq!(cancelled.status, MeetingStatus::Cancelled);
    assert!(
        ben_ws
            .receives_within(std::time::Duration::from_secs(5), |f| matches!(
                f,
                protocol::realtime::ServerFrame::Message(m)
                    if meeting(m).is_some_and(|m| m.status == MeetingStatus::Cancelled)
            ))
            .await
    );
    org.post(&path, ask(ann_id, 45)).await.expect(201);
    let _ = org_s;
}
