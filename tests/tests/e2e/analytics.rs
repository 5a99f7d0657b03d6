//! Usage analytics end to end: what people were shown and did reaches the organizer's funnel and
//! the operator's dashboard within moments, credited to the list it came from; a client's batch
//! is checked strictly; a browser that asks not to be tracked sends no page views; a closed
//! account leaves nothing behind; in a cluster the events go through the Redis stream.

use std::time::Duration;

use chrono::Utc;
use protocol::analytics::{EventAnalytics, PlatformAnalytics, Source, Stage};
use protocol::realtime::{ClientFrame, PublishBody};
use serde_json::{json, Value};
use tests::{redis_url, Backend, Client, TestDb, TestServer, Ws};

const TOKEN: &str = "operator-token-for-tests";

on_both_backends!(
    a_funnel_fills_from_what_people_see_and_do,
    a_batch_is_checked_strictly,
    a_sender_is_held_to_its_rate
);

fn now() -> String {
    Utc::now().to_rfc3339()
}

/// Polls the event's dashboard until `done` holds.
async fn dashboard_when(organizer: &Client, event: &str, done: impl Fn(&EventAnalytics) -> bool) -> EventAnalytics {
    let mut last = None;
    for _ in 0..100 {
        let analytics: EventAnalytics =
            organizer.get(&format!("/api/v1/events/{event}/analytics")).await.expect(200).json();
        if done(&analytics) {
            return analytics;
        }
        last = Some(analytics);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the dashboard never got there: {last:#?}");
}

fn people(a: &EventAnalytics, stage: Stage) -> i64 {
    a.funnel.iter().find(|s| s.stage == stage).map_or(0, |s| s.people)
}

fn rsvps_from(a: &EventAnalytics, source: Source) -> i64 {
    a.sources.iter().find(|s| s.source == source).map_or(0, |s| s.rsvps)
}

async fn send(client: &Client, events: Value) -> tests::Reply {
    client.post("/api/v1/analytics/events", json!({ "events": events })).await
}

async fn a_funnel_fills_from_what_people_see_and_do(backend: Backend) {
    let server = TestServer::start_with(backend, &["--ops-token", TOKEN, "--analytics-flush-ms", "50"]).await;
    let anon = server.client();
    let (olga, _) = anon.register("Olga").await;
    let (ann, ann_session) = anon.register("Ann").await;
    let (ben, ben_session) = anon.register("Ben").await;
    let event =
        olga.create_online_event("Rust meetup", chrono::Duration::minutes(10), chrono::Duration::hours(2)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let code = event["checkin_code"].as_str().expect("organizers see the code").to_owned();

    // Ann finds it by searching, opens it from the results, and goes.
    let page = ann.get("/api/v1/events?q=rust").await.expect(200).body;
    assert_eq!(page["items"][0]["id"], id.as_str());
    let request_id = page["request_id"].as_str().expect("a signed-in search is recorded").to_owned();
    let sent = send(
        &ann,
        json!([
            {"at": now(), "kind": "open", "item": id, "list": "search", "position": 0, "request_id": request_id},
            {"at": now(), "kind": "page_view", "page": "event", "event_id": id},
        ]),
    )
    .await
    .expect(202);
    assert_eq!(sent.body, json!({"accepted": 2, "ignored": 0}));
    ann.go_to(&id).await;
    // Ben has a link: his browser asks not to be tracked, so his page view is left out.
    let reply = ben
        .http
        .post(format!("{}/api/v1/analytics/events", ben.base))
        .bearer_auth(&ben_session.access_token)
        .header("Sec-GPC", "1")
        .json(&json!({"events": [{"at": now(), "kind": "page_view", "page": "event", "event_id": id}]}))
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status(), 202);
    assert_eq!(reply.json::<Value>().await.expect("json"), json!({"accepted": 0, "ignored": 1}));
    ben.go_to(&id).await;

    // Ann checks in, chats, and asks Ben for a meeting, which he accepts.
    ann.post(&format!("/api/v1/events/{id}/checkin"), json!({"code": code})).await.expect(200);
    let mut ws = Ws::connect(&server.base, &ann_session.access_token).await;
    let chat = format!("event:{id}:chat");
    assert!(ws.subscribe(&chat, None).await.is_ok());
    let body = PublishBody { text: "hello".to_owned() };
    assert!(ws.request(|rid| ClientFrame::Publish { id: rid, channel: chat.clone(), body }).await.is_ok());
    let start = event["starts_at"].as_str().expect("start").to_owned();
    let meeting = ann
        .post(
            &format!("/api/v1/events/{id}/meetings"),
            json!({"to_user_id": ben_session.user.id, "message": "coffee?", "starts_at": start, "place": "lobby"}),
        )
        .await
        .expect(201)
        .body;
    ben.post(&format!("/api/v1/meetings/{}/accept", meeting["id"].as_str().expect("id")), json!({})).await.expect(200);

    let a =
        dashboard_when(&olga, &id, |a| people(a, Stage::MeetingAccepted) == 2 && people(a, Stage::Chatted) == 1).await;
    assert_eq!(people(&a, Stage::Viewed), 1, "Ben's page view was not tracked: {a:#?}");
    assert_eq!(people(&a, Stage::Rsvped), 2);
    assert_eq!(people(&a, Stage::CheckedIn), 1);
    assert_eq!(people(&a, Stage::MeetingRequested), 1);
    assert_eq!(people(&a, Stage::Met), 0);
    assert!((a.funnel[1].of_previous - 2.0).abs() < 1e-9, "two RSVPs after one view: {:?}", a.funnel[1]);
    assert_eq!(rsvps_from(&a, Source::Search), 1, "Ann's RSVP came from her search");
    assert_eq!(rsvps_from(&a, Source::Link), 1, "Ben opened it from no list");
    assert!((a.sources.iter().map(|s| s.share).sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!((a.networking.checked_in, a.networking.with_accepted_meeting), (1, 1));
    assert!(a.as_of.is_some());
    let over_time: i64 = a.over_time.iter().map(|p| p.rsvped).sum();
    assert_eq!(over_time, 2);

    // Organizers only; a chart as CSV.
    assert_eq!(ann.get(&format!("/api/v1/events/{id}/analytics")).await.expect(403).code(), "not_organizer");
    let csv = olga
        .http
        .get(format!("{}/api/v1/events/{id}/analytics/export?chart=sources", olga.base))
        .bearer_auth(olga.token.as_deref().expect("token"))
        .send()
        .await
        .expect("sent");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().expect("type").starts_with("text/csv"));
    assert!(csv.headers()["content-disposition"].to_str().expect("name").contains("attachment"));
    let text = csv.text().await.expect("text");
    assert!(text.starts_with("source,rsvps,share\r\n"), "{text}");
    assert!(text.contains("search,1,0.5000\r\n"), "{text}");
    assert_eq!(
        olga.get(&format!("/api/v1/events/{id}/analytics/export?chart=pie")).await.expect(400).code(),
        "invalid_query"
    );

    // The operator's view of the day.
    let ops = anon.with_token(TOKEN);
    assert_eq!(anon.get("/ops/analytics").await.expect(401).code(), "missing_token");
    assert_eq!(ops.get("/ops/analytics?days=0").await.expect(422).code(), "validation_failed");
    let platform: PlatformAnalytics = ops.get("/ops/analytics?days=7").await.expect(200).json();
    assert_eq!(platform.active.len(), 7);
    let today = platform.active.last().expect("today");
    assert_eq!((today.daily, today.weekly, today.monthly), (3, 3, 3), "{today:?}");
    let cohort = platform.cohorts.last().expect("this week's sign-ups");
    assert_eq!(cohort.size, 3, "{cohort:?}");
    assert_eq!(cohort.retained.first().copied(), Some(1.0));
    let volume = platform.volume.last().expect("today");
    assert_eq!((volume.events_created, volume.attended), (1, 1));
    let metrics =
        anon.http.get(format!("{}/metrics", anon.base)).send().await.expect("sent").text().await.expect("text");
    assert!(metrics.contains("mingle_analytics_events_written_total"), "metrics");

    // Ben closes his account: nothing filed under him stays.
    let ben_key = server.analytics.key(ben_session.user.id);
    assert!(server.store.analytics_rows_of(&ben_key).await.expect("count") > 0);
    ben.delete_with("/api/v1/me", json!({"password": "correct horse battery"})).await.expect(204);
    for _ in 0..50 {
        if server.store.analytics_rows_of(&ben_key).await.expect("count") == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(server.store.analytics_rows_of(&ben_key).await.expect("count"), 0);
    let a = dashboard_when(&olga, &id, |_| true).await;
    assert_eq!(people(&a, Stage::Rsvped), 1, "Ben's steps went with him");
}

async fn a_batch_is_checked_strictly(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (ann, ann_session) = anon.register("Ann").await;
    let view = json!({"at": now(), "kind": "page_view", "page": "discover"});
    let cases = [
        (json!([{"at": now(), "kind": "teleport"}]), 422, "unknown_event_kind"),
        (json!([{"at": now(), "kind": "check_in", "event_id": uuid::Uuid::nil()}]), 422, "server_recorded_kind"),
        (
            json!([{"at": (Utc::now() + chrono::Duration::hours(1)).to_rfc3339(), "kind": "page_view", "page": "discover"}]),
            422,
            "event_in_future",
        ),
        (
            json!([{"at": (Utc::now() - chrono::Duration::days(2)).to_rfc3339(), "kind": "page_view", "page": "discover"}]),
            422,
            "event_too_old",
        ),
        (json!([{"at": now(), "kind": "page_view", "page": "the moon"}]), 422, "validation_failed"),
        (
            json!([{"at": now(), "kind": "open", "item": uuid::Uuid::nil(), "actor": uuid::Uuid::from_u128(7)}]),
            403,
            "not_your_action",
        ),
        (Value::Array(vec![view.clone(); 101]), 422, "batch_too_large"),
    ];
    for (events, status, code) in cases {
        assert_eq!(send(&ann, events).await.expect(status).code(), code);
    }
    let huge = "x".repeat(70 * 1024);
    assert_eq!(
        ann.post("/api/v1/analytics/events", json!({"events": [], "pad": huge})).await.expect(413).code(),
        "payload_too_large"
    );
    assert_eq!(
        ann.post("/api/v1/analytics/events", json!({"events": [], "extra": 1})).await.expect(422).code(),
        "invalid_body"
    );
    // Signed out: page views only. A beacon carries its token in the body.
    send(&anon, json!([view])).await.expect(202);
    assert_eq!(
        send(&anon, json!([{"at": now(), "kind": "open", "item": uuid::Uuid::nil()}])).await.expect(401).code(),
        "unauthorized"
    );
    let beacon = json!({"events": [{"at": now(), "kind": "open", "item": uuid::Uuid::nil()}], "access_token": ann_session.access_token});
    assert_eq!(anon.post("/api/v1/analytics/events", beacon).await.expect(202).body["accepted"], 1);
    let forged = json!({"events": [view], "access_token": "not-a-token"});
    assert_eq!(anon.post("/api/v1/analytics/events", forged).await.expect(401).code(), "invalid_token");
}

async fn a_sender_is_held_to_its_rate(backend: Backend) {
    let server = TestServer::start_with(backend, &["--analytics-batches-per-minute", "2"]).await;
    let anon = server.client();
    let (ann, _) = anon.register("Ann").await;
    let view = json!([{"at": now(), "kind": "page_view", "page": "discover"}]);
    send(&ann, view.clone()).await.expect(202);
    send(&ann, view.clone()).await.expect(202);
    let refused = send(&ann, view.clone()).await.expect(429);
    assert_eq!(refused.code(), "rate_limited");
    assert!(refused.headers.contains_key("retry-after"));
    // Another person, and a signed-out address, have their own allowance.
    let (ben, _) = anon.register("Ben").await;
    send(&ben, view.clone()).await.expect(202);
    send(&anon, view).await.expect(202);
}

/// Two nodes on one database and Redis: each ships its events to the stream, and the writers
/// (one per node, one consumer group) write each batch once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_writes_through_the_redis_stream_once() {
    let db = std::sync::Arc::new(TestDb::new(Backend::Postgres).await);
    let options = ["--redis-url", &redis_url(), "--analytics-flush-ms", "50"];
    let a = TestServer::start_on(std::sync::Arc::clone(&db), &options).await;
    let b = TestServer::start_on(std::sync::Arc::clone(&db), &options).await;
    let (olga, _) = a.client().register("Olga").await;
    let event = olga.create_online_event("Two nodes", chrono::Duration::hours(1), chrono::Duration::hours(1)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let mut viewers = Vec::new();
    for (i, node) in [&a, &b, &a, &b].into_iter().enumerate() {
        let (viewer, _) = node.client().register(&format!("Viewer {i}")).await;
        send(&viewer, json!([{"at": now(), "kind": "page_view", "page": "event", "event_id": id}])).await.expect(202);
        viewers.push(viewer);
    }
    let olga_b = b.client().with_token(olga.token.as_deref().expect("token"));
    let analytics = dashboard_when(&olga_b, &id, |a| people(a, Stage::Viewed) == 4).await;
    assert_eq!(people(&analytics, Stage::Viewed), 4);
    // Written once: the raw page views of the event number four, not eight.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(a.store.analytics_count("page_view").await.expect("count"), 4);
}
