//! Several nodes sharing PostgreSQL and Redis, each its own process: messages posted on one
//! node reach clients on another in order and exactly once, while Redis connections are killed
//! and while a node crashes and its clients move to another node and resume.

use std::collections::BTreeMap;
use std::time::Duration as Wait;

use chrono::Duration;
use protocol::auth::Session;
use protocol::realtime::{MessageBody, ServerFrame};
use protocol::suggestions::SuggestionList;
use tests::{kill_redis_subscribers, redis_url, suggested_names, suggestions, Backend, Node, TestDb, Ws};

async fn start_node(db: &TestDb) -> Node {
    Node::spawn(db, &["--redis-url", &redis_url(), "--chat-per-minute", "10000"]).await
}

/// Two nodes on one fresh PostgreSQL database; Olga organizes an event that Ann and Ben (signed
/// up on different nodes) attend.
struct Cluster {
    db: TestDb,
    a: Node,
    b: Node,
    olga_s: Session,
    ann_s: Session,
    ben_s: Session,
    event: String,
}

async fn cluster() -> Cluster {
    let db = TestDb::new(Backend::Postgres).await;
    let a = start_node(&db).await;
    let b = start_node(&db).await;
    let (olga, olga_s) = a.client().register("Olga").await;
    let (ann, ann_s) = a.client().register("Ann").await;
    let (ben, ben_s) = b.client().register("Ben").await;
    let event = olga.create_online_event("Cluster Night", Duration::hours(1), Duration::hours(2)).await;
    let event = event["id"].as_str().expect("id").to_owned();
    ann.go_to(&event).await;
    ben.go_to(&event).await;
    Cluster { db, a, b, olga_s, ann_s, ben_s, event }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_cross_nodes_exactly_once_through_redis_failures_and_a_crash() {
    let Cluster { db, a, mut b, olga_s, ann_s, ben_s, event: id } = cluster().await;
    let chat = format!("event:{id}:chat");

    // Ann reads on node A; Olga reads on node B; Ben writes on node B.
    let mut reader_a = Ws::connect(&a.base, &ann_s.access_token).await;
    reader_a.subscribe(&chat, None).await.expect("subscribed on A");
    let mut reader_b = Ws::connect(&b.base, &olga_s.access_token).await;
    reader_b.subscribe(&chat, None).await.expect("subscribed on B");
    let mut writer = Ws::connect(&b.base, &ben_s.access_token).await;

    let mut sent = 0;
    for round in 0..3 {
        for _ in 0..20 {
            sent += 1;
            writer.publish(&chat, &format!("m{sent}")).await.expect("published");
        }
        if round == 0 {
            assert!(kill_redis_subscribers().await >= 2, "both nodes' subscribers killed");
        }
    }

    // Node B crashes. Its clients reconnect to node A and resume from what they saw.
    let mut seen_b = collect(&mut reader_b, &chat, sent).await;
    b.crash().await;
    let last_b = *seen_b.keys().last().expect("some");
    let mut writer = Ws::connect(&a.base, &ben_s.access_token).await;
    for _ in 0..20 {
        sent += 1;
        writer.publish(&chat, &format!("m{sent}")).await.expect("published");
    }
    let mut moved = Ws::connect(&a.base, &olga_s.access_token).await;
    let reply = moved.subscribe(&chat, Some(last_b)).await.expect("subscribed");
    assert_eq!(reply.recovered, Some(true), "{reply:?}");
    seen_b.extend(collect(&mut moved, &chat, sent - usize::try_from(last_b).expect("offset")).await);

    let seen_a = collect(&mut reader_a, &chat, sent).await;
    for (who, seen) in [("node A reader", &seen_a), ("node B reader, then A", &seen_b)] {
        let offsets: Vec<i64> = seen.keys().copied().collect();
        assert_eq!(offsets, (1..=i64::try_from(sent).expect("count")).collect::<Vec<_>>(), "{who}");
        for (offset, text) in seen {
            assert_eq!(text, &format!("m{offset}"), "{who}: offsets follow posting order");
        }
    }
    assert!(
        !reader_a.receives_within(Wait::from_millis(500), |f| matches!(f, ServerFrame::Message(_))).await,
        "no duplicates"
    );

    // A restarted node B serves the same history.
    let b = start_node(&db).await;
    let mut late = Ws::connect(&b.base, &olga_s.access_token).await;
    late.subscribe(&chat, Some(sent as i64 - 5)).await.expect("subscribed");
    let tail = collect(&mut late, &chat, 5).await;
    assert_eq!(tail.keys().copied().collect::<Vec<_>>(), ((sent as i64 - 4)..=sent as i64).collect::<Vec<_>>());
}

/// Reads `n` messages of `channel`, asserting each offset arrives once and in order.
async fn collect(ws: &mut Ws, channel: &str, n: usize) -> BTreeMap<i64, String> {
    let mut seen = BTreeMap::new();
    let mut last = None;
    while seen.len() < n {
        let message = ws.message(channel).await;
        let offset = message.offset;
        if let Some(last) = last {
            assert!(offset > last, "in order: {offset} after {last}");
        }
        last = Some(offset);
        let MessageBody::Chat { text } = message.body else { panic!("a chat line: {message:?}") };
        assert!(seen.insert(offset, text).is_none(), "once");
    }
    seen
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn presence_spans_nodes_and_forgets_a_crashed_one() {
    // `_db` keeps the database alive for the whole test.
    let Cluster { db: _db, a, mut b, ann_s, ben_s, event: id, .. } = cluster().await;
    let presence = format!("event:{id}:presence");
    let mut on_a = Ws::connect(&a.base, &ann_s.access_token).await;
    on_a.subscribe(&presence, None).await.expect("subscribed");
    let mut on_b = Ws::connect(&b.base, &ben_s.access_token).await;
    on_b.subscribe(&presence, None).await.expect("subscribed");
    let ben_id = ben_s.user.id;
    let both = |f: &ServerFrame| matches!(f, ServerFrame::Presence(p) if p.online == 2);
    assert!(on_a.receives_within(Wait::from_secs(5), both).await, "Ann on A sees Ben on B");
    assert!(on_b.receives_within(Wait::from_secs(5), both).await, "Ben on B sees Ann on A");

    // Node B dies without a word; its members expire with its heartbeat.
    b.crash().await;
    let ben_left = |f: &ServerFrame| matches!(f, ServerFrame::Presence(p) if p.online == 1 && p.left.contains(&ben_id));
    let within = Wait::from_secs(u64::try_from(server::realtime::presence::PRESENCE_TTL_SECS).expect("ttl") + 5);
    assert!(on_a.receives_within(within, ben_left).await, "Ben leaves when node B's record expires");
}

/// Deletes the job stream and its consumer group, so the worker of this test starts from its
/// own jobs rather than whatever earlier runs left behind.
async fn reset_job_stream() {
    use fred::prelude::*;
    let client = Builder::from_config(Config::from_url(&redis_url()).expect("url")).build().expect("client");
    client.init().await.expect("redis");
    let _: i64 = client.del("mingle:matcher:jobs").await.expect("DEL");
    let _ = client.quit().await;
}

/// With Redis, nodes hand suggestion jobs to a separate `mingle matcher` process: people on
/// different nodes are suggested to each other live, either node answers the same list, and a
/// replacement worker (fresh memory) carries on correctly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn matcher_workers_serve_every_node() {
    let _alone = tests::MATCHER_WORKERS.lock().await;
    reset_job_stream().await;
    let Cluster { db, a, b, olga_s, ann_s, ben_s, event: id } = cluster().await;
    let mut worker = Node::spawn_matcher(&db, &["--redis-url", &redis_url()]).await;
    let olga = a.client().with_token(&olga_s.access_token);
    let ann = a.client().with_token(&ann_s.access_token);
    let ben = b.client().with_token(&ben_s.access_token);
    for (client, headline, seeking, offering) in [
        (&ann, "Founder, carbon removal", "a Rust mentor", "intros to climate investors"),
        (&ben, "Rust engineer", "investors for my climate project", "Rust mentoring"),
    ] {
        let body = serde_json::json!({"headline": headline, "interests": ["climate-tech"], "seeking": [seeking],
                                      "offering": [offering], "matchmaking": true});
        client.patch("/api/v1/me", body).await.expect(200);
    }
    let started = (chrono::Utc::now() - Duration::minutes(5)).to_rfc3339();
    olga.patch(&format!("/api/v1/events/{id}"), serde_json::json!({"starts_at": started})).await.expect(200);
    let code = olga.get(&format!("/api/v1/events/{id}")).await.body["checkin_code"].as_str().expect("code").to_owned();

    let mut ann_ws = Ws::connect(&a.base, &ann_s.access_token).await;
    ann_ws.subscribe(&format!("user:{}", ann_s.user.id), None).await.expect("subscribed");
    let mut ben_ws = Ws::connect(&b.base, &ben_s.access_token).await;
    ben_ws.subscribe(&format!("user:{}", ben_s.user.id), None).await.expect("subscribed");
    for client in [&ann, &ben] {
        client.post(&format!("/api/v1/events/{id}/checkin"), serde_json::json!({"code": code})).await.expect(200);
    }
    let first =
        |name: &'static str| move |m: &protocol::realtime::ChannelMessage| suggested_names(m).first() == Some(&name);
    let for_ann = ann_ws.message_where(first("Ben")).await;
    let reasons = &suggestions(&for_ann).expect("a list")[0].reasons;
    assert!(reasons.iter().any(|reason| reason.contains("Rust mentoring")), "{reasons:?}");
    ben_ws.message_where(first("Ann")).await;
    // Either node answers from what the worker published.
    for node in [&a, &b] {
        let list = node.client().with_token(&ann_s.access_token).get(&format!("/api/v1/events/{id}/suggestions")).await;
        assert_eq!(list.expect(200).json::<SuggestionList>().items[0].user.display_name, "Ben");
    }

    // A new worker starts with empty memory: it rebuilds the event, and the pair it learns was
    // declined stays apart.
    worker.crash().await;
    let _worker = Node::spawn_matcher(&db, &["--redis-url", &redis_url()]).await;
    ann_ws.forget_pending();
    ann.post(
        &format!("/api/v1/events/{id}/suggestions/{}/feedback", ben_s.user.id),
        serde_json::json!({"verdict": "not_relevant"}),
    )
    .await
    .expect(204);
    ann_ws.message_where(|m| suggestions(m).is_some() && !suggested_names(m).contains(&"Ben")).await;
    let list = b.client().with_token(&ben_s.access_token).get(&format!("/api/v1/events/{id}/suggestions")).await;
    assert!(list.expect(200).json::<SuggestionList>().items.is_empty(), "declined pairs stay apart");
}
