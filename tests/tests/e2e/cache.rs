//! The read cache across two nodes on PostgreSQL and Redis: a read on one node after a write
//! acknowledged by the other sees the write within the stated bound and never an older value
//! after it; hidden profiles, blocks and withdrawn RSVPs are never served from a cache; what one
//! node loaded the other reads from the shared tier; a node that lost its subscription to
//! invalidations reads the database until it is back.

use std::time::{Duration, Instant};

use chrono::Duration as Span;
use protocol::ops::CacheStatus;
use serde_json::{json, Value};
use tests::{kill_redis_subscribers, redis_command, redis_url, Backend, Client, Node, TestDb};

const TOKEN: &str = "cache-ops-token-0123456789abcdef";

async fn start_node(db: &TestDb) -> Node {
    Node::spawn(db, &["--redis-url", &redis_url(), "--ops-token", TOKEN]).await
}

/// Reads `path` until `seen` holds, then keeps reading a while to check it still holds: a newer
/// value is never followed by an older one. Answers how long it took to be seen.
async fn seen_on(client: &Client, path: &str, what: &str, seen: impl Fn(u16, &Value) -> bool) -> Duration {
    let started = Instant::now();
    loop {
        let reply = client.get(path).await;
        if seen(reply.status.as_u16(), &reply.body) {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5), "{what}: still not seen after 5 s: {}", reply.body);
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let took = started.elapsed();
    for _ in 0..20 {
        let reply = client.get(path).await;
        assert!(seen(reply.status.as_u16(), &reply.body), "{what}: an older value came back: {}", reply.body);
    }
    eprintln!("{what}: seen on the other node after {} ms", took.as_millis());
    took
}

async fn cache_status(node: &Node) -> CacheStatus {
    node.client().with_token(TOKEN).get("/ops/cache").await.expect(200).json()
}

fn hits(status: &CacheStatus, kind: &str) -> u64 {
    status.kinds.iter().find(|k| k.kind == kind).map_or(0, |k| k.hits)
}

/// Reads `path` on `node` until a read is a hit of `kind`. Other tests kill every pub/sub
/// connection of the shared Redis now and then; a node out of sync meanwhile reads the database,
/// so a hit is waited for rather than expected of one particular read.
async fn until_a_hit(node: &Node, client: &Client, path: &str, kind: &str) {
    let before = hits(&cache_status(node).await, kind);
    let started = Instant::now();
    loop {
        client.get(path).await.expect(200);
        if hits(&cache_status(node).await, kind) > before {
            return;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "no {kind} read on {path} was a hit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_on_one_node_see_writes_acknowledged_by_another() {
    let db = TestDb::new(Backend::Postgres).await;
    let (a, b) = (start_node(&db).await, start_node(&db).await);
    let (olga_b, _) = b.client().register("Olga").await;
    let (ann_b, ann_s) = b.client().register("Ann").await;
    let (ben_a, ben_s) = a.client().register("Ben").await;
    let ann_a = a.client().with_token(&ann_s.access_token);
    let event = olga_b.create_online_event("Cache Night", Span::hours(2), Span::hours(2)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let page = format!("/api/v1/events/{id}");
    let anyone_a = a.client();

    // Node A caches the page; reads there are hits.
    assert_eq!(anyone_a.get(&page).await.expect(200).body["going_count"], 0);
    until_a_hit(&a, &anyone_a, &page, "event_page").await;

    // Ann RSVPs on node B. Her own view on node A shows it at once (a viewer's RSVP is never
    // cached); everyone's view there shows the new count within the bound.
    ann_b.go_to(&id).await;
    assert_eq!(ann_a.get(&page).await.expect(200).body["my_rsvp"], "going");
    seen_on(&anyone_a, &page, "an RSVP", |_, body| body["going_count"] == 1).await;

    // She withdraws it: gone from her view at once, and from the count.
    ann_b.delete(&format!("/api/v1/events/{id}/rsvp")).await.expect(204);
    assert_eq!(ann_a.get(&page).await.expect(200).body["my_rsvp"], Value::Null, "a withdrawn RSVP is never served");
    seen_on(&anyone_a, &page, "a withdrawn RSVP", |_, body| body["going_count"] == 0).await;

    // A profile read on node A, edited on node B.
    let profile = format!("/api/v1/users/{}", ann_s.user.id);
    until_a_hit(&a, &ben_a, &profile, "profile").await;
    ann_b.patch("/api/v1/me", json!({"headline": "Tests caches"})).await.expect(200);
    seen_on(&ben_a, &profile, "a profile edit", |_, body| body["headline"] == "Tests caches").await;

    // Hidden: not served once the bound has passed, and never again after.
    ann_b.patch("/api/v1/me", json!({"visibility": "hidden"})).await.expect(200);
    seen_on(&ben_a, &profile, "a hidden profile", |status, _| status == 404).await;
    ann_b.patch("/api/v1/me", json!({"visibility": "public"})).await.expect(200);
    seen_on(&ben_a, &profile, "a profile shown again", |status, _| status == 200).await;

    // A block is read fresh on every request: not even the next read on another node serves
    // the profile across it.
    ann_b.post("/api/v1/me/blocks", json!({"user_id": ben_s.user.id})).await.expect(201);
    ben_a.get(&profile).await.expect(404);

    // A search page cached on node A; the event renamed on node B.
    let search = "/api/v1/events?q=cache";
    assert_eq!(anyone_a.get(search).await.expect(200).body["items"][0]["title"], "Cache Night");
    until_a_hit(&a, &anyone_a, search, "search_page").await;
    olga_b.patch(&page, json!({"title": "Cache Night, renamed"})).await.expect(200);
    seen_on(&anyone_a, search, "an event edit in search", |_, body| {
        body["items"][0]["title"] == "Cache Night, renamed"
    })
    .await;
    seen_on(&anyone_a, &page, "an event edit", |_, body| body["title"] == "Cache Night, renamed").await;

    // What one node loaded, the other reads from the shared tier in Redis instead of the
    // database.
    let mut served_shared = false;
    for round in 0..5 {
        let other = olga_b.create_online_event(&format!("Shared {round}"), Span::hours(3), Span::hours(1)).await;
        let id = other["id"].as_str().expect("id");
        let path = format!("/api/v1/events/{id}");
        b.client().get(&path).await.expect(200);
        let key = format!("mingle:cache:value:e:{:x}", uuid::Uuid::parse_str(id).expect("uuid").as_u128());
        let started = Instant::now();
        while !redis_has(&key).await && started.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let before = shared_hits(&cache_status(&a).await, "event_page");
        assert_eq!(anyone_a.get(&path).await.expect(200).body["title"], format!("Shared {round}"));
        if shared_hits(&cache_status(&a).await, "event_page") > before {
            served_shared = true;
            break;
        }
    }
    assert!(served_shared, "node A never read a value node B loaded from the shared tier");

    let status = cache_status(&a).await;
    assert!(status.enabled && status.shared, "{status:?}");
    assert!(status.invalidations_received >= 1, "{status:?}");
    eprintln!(
        "node A: {} invalidations received, the latest {} ms late at most, {} over the {} ms bound",
        status.invalidations_received,
        status.max_invalidation_lag_ms,
        status.staleness_violations,
        status.staleness_bound_ms
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_that_lost_its_invalidations_reads_the_database_until_it_is_back() {
    let db = TestDb::new(Backend::Postgres).await;
    let (a, b) = (start_node(&db).await, start_node(&db).await);
    let (olga_b, _) = b.client().register("Olga").await;
    let event = olga_b.create_online_event("Before", Span::hours(2), Span::hours(2)).await;
    let page = format!("/api/v1/events/{}", event["id"].as_str().expect("id"));
    let anyone_a = a.client();
    assert_eq!(anyone_a.get(&page).await.expect(200).body["title"], "Before");
    until_a_hit(&a, &anyone_a, &page, "event_page").await;

    // Every pub/sub connection dies; the rename's invalidation goes out while node A's is down.
    let killed = kill_redis_subscribers().await;
    assert!(killed >= 2, "both nodes' subscriptions killed ({killed})");
    olga_b.patch(&page, json!({"title": "After"})).await.expect(200);
    seen_on(&anyone_a, &page, "a write made while the subscription was down", |_, body| body["title"] == "After").await;

    // Back in sync, node A caches again.
    let started = Instant::now();
    while !cache_status(&a).await.in_sync {
        assert!(started.elapsed() < Duration::from_secs(10), "node A never came back in sync");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    until_a_hit(&a, &anyone_a, &page, "event_page").await;
    assert_eq!(anyone_a.get(&page).await.expect(200).body["title"], "After");
}

fn shared_hits(status: &CacheStatus, kind: &str) -> u64 {
    status.kinds.iter().find(|k| k.kind == kind).map_or(0, |k| k.shared_hits)
}

async fn redis_has(key: &str) -> bool {
    let key = key.to_owned();
    let found: u64 = redis_command(|client| async move {
        use fred::prelude::*;
        client.exists(key).await.expect("EXISTS")
    })
    .await;
    found > 0
}
