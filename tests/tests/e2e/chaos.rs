//! Chaos on a two-node cluster with its own PostgreSQL and Redis: the database crashes and comes
//! back while people chat and RSVP, Redis is killed and restarted empty, a node is paused for
//! 20 s. After each, both nodes answer `/readyz`, every acknowledged message reaches every
//! reader exactly once and in order, no event has more people going than seats, and what was
//! asked during the outage got a clear 503 (or a normal answer) within seconds, never a hang.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use protocol::auth::Session;
use protocol::realtime::{ClientFrame, MessageBody, PublishBody, ServerFrame};
use serde_json::json;
use tests::services::{PrivatePostgres, PrivateRedis};
use tests::{Incoming, Node, TestDb, Ws};

/// Longest any request may take while a service is down: the database pool's acquire timeout
/// (5 s) and some slack, far below a hang.
const NO_HANG: Duration = Duration::from_secs(8);

struct World {
    /// Kept alive for the whole test.
    _db: TestDb,
    a: Node,
    b: Node,
    writer: Session,
    readers: [Session; 2],
    organizer: Session,
    event: String,
}

/// Two nodes on `postgres` and `redis`; an event whose chat three people follow or write.
async fn world(postgres: &PrivatePostgres, redis: &PrivateRedis) -> World {
    let db = TestDb::at(postgres.url());
    let extra = ["--redis-url", &redis.url(), "--chat-per-minute", "100000", "--auth-per-address-per-minute", "100000"];
    let a = Node::spawn(&db, &extra).await;
    let b = Node::spawn(&db, &extra).await;
    let (org, organizer) = a.client().register("Olga").await;
    let (_, writer) = b.client().register("Wes").await;
    let (_, ann) = a.client().register("Ann").await;
    let (_, ben) = b.client().register("Ben").await;
    let event = org.create_online_event("Chaos night", chrono::Duration::hours(1), chrono::Duration::hours(3)).await;
    let event = event["id"].as_str().expect("id").to_owned();
    for session in [&writer, &ann, &ben] {
        a.client().with_token(&session.access_token).go_to(&event).await;
    }
    World { _db: db, a, b, writer, readers: [ann, ben], organizer, event }
}

/// Publishes `count` lines, one every `pace`, each retried (reconnecting when needed) until
/// acknowledged; answers what was acknowledged at which offset.
async fn write(base: String, token: String, channel: String, count: usize, pace: Duration) -> BTreeMap<i64, String> {
    let mut acked = BTreeMap::new();
    let mut ws: Option<Ws> = None;
    for i in 1..=count {
        let text = format!("line {i}");
        let deadline = Instant::now() + Duration::from_secs(90);
        loop {
            assert!(Instant::now() < deadline, "{text} acknowledged within 90 s");
            if ws.is_none() {
                ws = Ws::try_connect(&base, Some(&token)).await.ok();
            }
            let Some(socket) = ws.as_mut() else {
                tokio::time::sleep(Duration::from_millis(200)).await;
                continue;
            };
            let id = format!("p{i}-{}", uuid::Uuid::new_v4().simple());
            let body = PublishBody { text: text.clone() };
            socket.send(&ClientFrame::Publish { id: id.clone(), channel: channel.clone(), body }).await;
            match answer(socket, &id).await {
                Some(Ok(offset)) => {
                    acked.insert(offset, text);
                    break;
                }
                // Not stored (the database is down): try again in a moment.
                Some(Err(())) => tokio::time::sleep(Duration::from_millis(200)).await,
                // The connection ended or stalled: a new one.
                None => ws = None,
            }
        }
        tokio::time::sleep(pace).await;
    }
    acked
}

/// The reply to request `id`: its offset, an error, or `None` when the connection ends or says
/// nothing for 10 s.
async fn answer(ws: &mut Ws, id: &str) -> Option<Result<i64, ()>> {
    loop {
        match ws.next_within(Duration::from_secs(10)).await? {
            Incoming::Frame(ServerFrame::Reply(reply)) if reply.id == id => return Some(Ok(reply.offset?)),
            Incoming::Frame(ServerFrame::Error(error)) if error.id.as_deref() == Some(id) => return Some(Err(())),
            Incoming::Frame(_) => {}
            Incoming::Closed(_) => return None,
        }
    }
}

/// Follows `channel` on `base` until it has delivered offsets up to `through`, reconnecting and
/// resuming from the last offset whenever the connection ends; asserts every offset arrives
/// once and in order, and answers the texts by offset.
async fn read(base: &str, token: &str, channel: &str, through: i64) -> BTreeMap<i64, String> {
    let mut seen = BTreeMap::new();
    let mut last = 0;
    let deadline = Instant::now() + Duration::from_secs(90);
    while last < through {
        assert!(Instant::now() < deadline, "{channel}: offsets up to {through} within 90 s (got {last})");
        let Ok(mut ws) = Ws::try_connect(base, Some(token)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        // From the start the first time (`since` 0), then from the last offset delivered.
        let Ok(reply) = ws.subscribe(channel, Some(last)).await else {
            tokio::time::sleep(Duration::from_millis(200)).await;
            continue;
        };
        assert_eq!(reply.recovered, Some(true), "nothing acknowledged is ever lost: {reply:?}");
        while last < through {
            match ws.next_within(Duration::from_secs(15)).await {
                Some(Incoming::Frame(ServerFrame::Message(message))) if message.channel == channel => {
                    assert_eq!(message.offset, last + 1, "{channel}: in order, no gap, no duplicate");
                    last = message.offset;
                    let MessageBody::Chat { text } = message.body else { panic!("a chat line") };
                    seen.insert(message.offset, text);
                }
                Some(Incoming::Frame(_)) => {}
                Some(Incoming::Closed(_)) | None => break,
            }
        }
    }
    seen
}

/// Asks `GET /api/v1/events/{event}` every 100 ms until `stop`, recording each status and how
/// long it took.
fn probe(
    base: String,
    token: String,
    event: String,
    stop: Arc<Mutex<bool>>,
) -> tokio::task::JoinHandle<Vec<(u16, Duration)>> {
    tokio::spawn(async move {
        let http = reqwest::Client::builder().timeout(Duration::from_secs(30)).build().expect("client");
        let mut answers = Vec::new();
        while !*stop.lock().expect("lock") {
            let start = Instant::now();
            let status = http
                .get(format!("{base}/api/v1/events/{event}"))
                .bearer_auth(&token)
                .send()
                .await
                .map_or(0, |r| r.status().as_u16());
            answers.push((status, start.elapsed()));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        answers
    })
}

/// What runs through an outage: Wes chatting on node B (60 lines, one every 50 ms, each retried
/// until acknowledged) and the organizer's event page asked on node A every 100 ms.
struct Load {
    writer: tokio::task::JoinHandle<BTreeMap<i64, String>>,
    probe: tokio::task::JoinHandle<Vec<(u16, Duration)>>,
    stop: Arc<Mutex<bool>>,
}

impl Load {
    fn start(world: &World) -> Self {
        let chat = format!("event:{}:chat", world.event);
        let writer = tokio::spawn(write(
            world.b.base.clone(),
            world.writer.access_token.clone(),
            chat,
            60,
            Duration::from_millis(50),
        ));
        let stop = Arc::new(Mutex::new(false));
        let probe =
            probe(world.a.base.clone(), world.organizer.access_token.clone(), world.event.clone(), Arc::clone(&stop));
        Self { writer, probe, stop }
    }

    /// Waits for the writer, stops the probe; answers what was acknowledged and what the probe saw.
    async fn finish(self) -> (BTreeMap<i64, String>, Vec<(u16, Duration)>) {
        let acked = self.writer.await.expect("writer");
        *self.stop.lock().expect("lock") = true;
        (acked, self.probe.await.expect("probe"))
    }
}

fn assert_clear(answers: &[(u16, Duration)]) {
    assert!(!answers.is_empty());
    for (status, took) in answers {
        assert!(matches!(status, 200 | 503), "only answers or a clear 503 during the outage: {status}");
        assert!(*took < NO_HANG, "no request hangs: {status} after {took:?}");
    }
}

async fn ready(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let status = reqwest::get(format!("{base}/readyz")).await.map_or(0, |r| r.status().as_u16());
        if status == 200 {
            return;
        }
        assert!(Instant::now() < deadline, "{base} ready again within 30 s (last {status})");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every acknowledged line reached both readers, once, in order, with its text.
async fn all_delivered(world: &World, acked: &BTreeMap<i64, String>) {
    let chat = format!("event:{}:chat", world.event);
    let through = *acked.keys().last().expect("something acknowledged");
    for (node, reader) in [(&world.a, &world.readers[0]), (&world.b, &world.readers[1])] {
        let seen = read(&node.base, &reader.access_token, &chat, through).await;
        for (offset, text) in acked {
            assert_eq!(seen.get(offset), Some(text), "acknowledged line at {offset} delivered with its text");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_crash_loses_nothing_acknowledged() {
    let postgres = PrivatePostgres::start().await;
    let redis = PrivateRedis::start().await;
    let world = world(&postgres, &redis).await;
    let org = world.a.client().with_token(&world.organizer.access_token);
    // Three people hold seats; five more try for the last two while the database goes down and
    // comes back.
    org.patch(&format!("/api/v1/events/{}", world.event), json!({"capacity": 5})).await.expect(200);
    let mut rsvps = Vec::new();
    for name in ["Ida", "Jon", "Kim", "Lou", "Max"] {
        let (client, _) = world.b.client().register(name).await;
        rsvps.push(client);
    }

    let load = Load::start(&world);
    tokio::time::sleep(Duration::from_millis(800)).await;
    postgres.kill();
    let path = format!("/api/v1/events/{}/rsvp", world.event);
    let mut during = Vec::new();
    for client in &rsvps {
        let start = Instant::now();
        let status = client.post(&path, json!({"status": "going"})).await.status.as_u16();
        during.push((status, start.elapsed()));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    postgres.restart().await;
    // The same people try again once it is back, as a client that got a 503 does.
    for client in &rsvps {
        client.post(&path, json!({"status": "going"})).await.expect(200);
    }
    let (acked, answers) = load.finish().await;
    assert!(answers.iter().any(|(status, _)| *status == 503), "the outage was seen: {answers:?}");
    assert_clear(&answers);
    assert_clear(&during);
    ready(&world.a.base).await;
    ready(&world.b.base).await;
    all_delivered(&world, &acked).await;

    let event = org.get(&format!("/api/v1/events/{}", world.event)).await.expect(200).body;
    assert_eq!(event["going_count"], 5, "never more people going than seats: {event}");
    assert_eq!(event["waitlist_count"], 3, "the rest wait in line: {event}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redis_restart_loses_nothing_acknowledged() {
    let postgres = PrivatePostgres::start().await;
    let mut redis = PrivateRedis::start().await;
    let world = world(&postgres, &redis).await;
    let chat = format!("event:{}:chat", world.event);
    let load = Load::start(&world);
    tokio::time::sleep(Duration::from_millis(800)).await;
    redis.kill();
    tokio::time::sleep(Duration::from_secs(2)).await;
    redis.restart().await;
    let (acked, answers) = load.finish().await;
    assert_clear(&answers);
    ready(&world.a.base).await;
    ready(&world.b.base).await;
    all_delivered(&world, &acked).await;
    // Fan-out between the nodes works again after the restart, not only catch-up from storage.
    let mut on_a = Ws::connect(&world.a.base, &world.readers[0].access_token).await;
    on_a.subscribe(&chat, None).await.expect("subscribed");
    let more = write(world.b.base.clone(), world.writer.access_token.clone(), chat.clone(), 1, Duration::ZERO).await;
    let offset = *more.keys().next().expect("acknowledged");
    assert!(
        on_a.receives_within(Duration::from_secs(10), |f| matches!(f, ServerFrame::Message(m) if m.offset == offset))
            .await,
        "a line posted on B reaches A live"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_paused_for_20_s_catches_up() {
    let postgres = PrivatePostgres::start().await;
    let redis = PrivateRedis::start().await;
    let world = world(&postgres, &redis).await;
    let chat = format!("event:{}:chat", world.event);
    // Ben follows on node B, which is paused while Wes writes on node A.
    let mut ben = Ws::connect(&world.b.base, &world.readers[1].access_token).await;
    ben.subscribe(&chat, None).await.expect("subscribed");
    world.b.signal("STOP");
    let acked =
        write(world.a.base.clone(), world.writer.access_token.clone(), chat.clone(), 40, Duration::from_millis(500))
            .await;
    world.b.signal("CONT");
    ready(&world.b.base).await;
    // The socket that was open through the pause delivers everything, once, in order.
    let mut last = 0;
    let through = *acked.keys().last().expect("acknowledged");
    while last < through {
        match ben.next_within(Duration::from_secs(30)).await {
            Some(Incoming::Frame(ServerFrame::Message(message))) if message.channel == chat => {
                assert_eq!(message.offset, last + 1, "in order, no gap, no duplicate");
                assert_eq!(
                    acked.get(&message.offset),
                    Some(&match message.body {
                        MessageBody::Chat { text } => text,
                        other => panic!("a chat line: {other:?}"),
                    })
                );
                last = message.offset;
            }
            Some(Incoming::Frame(_)) => {}
            other => panic!("the connection carried on through the pause: {other:?}"),
        }
    }
    all_delivered(&world, &acked).await;
}
