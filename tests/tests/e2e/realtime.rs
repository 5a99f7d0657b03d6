//! The realtime gateway with a real WebSocket client: channels, chat, resume, authorization,
//! presence, announcements, malformed frames, slow consumers, shutdown and token expiry.

use std::time::Duration as Wait;

use chrono::Duration;
use protocol::events::{Announcement, Event};
use protocol::realtime::{Channel, ChannelMessage, ClientFrame, Conversation, MessageBody, PublishBody, ServerFrame};
use protocol::users::Me;
use protocol::Page;
use serde_json::json;
use tests::{error_code, Backend, Client, Incoming, TestServer, Ws};

on_both_backends!(
    chat_arrives_in_order_and_resumes_exactly_once,
    channels_are_authorized,
    announcements_and_history,
    presence_counts_people_online,
    malformed_frames_get_errors_not_crashes,
    slow_consumers_are_closed_and_resume,
    shutdown_and_token_expiry_close_with_documented_codes,
    msgpack_clients_and_connection_limits,
    frames_larger_than_the_read_buffer_arrive_whole
);

/// An organizer, two attendees going and an outsider, around an event starting soon.
struct Room {
    event: Event,
    org: (Client, String),
    ann: (Client, String),
    ben: (Client, String),
    cat: (Client, String),
    /// Ben's user id, which his messages carry as `sender`.
    ben_id: uuid::Uuid,
}

async fn room(server: &TestServer) -> Room {
    let anon = server.client();
    let (org, org_s) = anon.register("Olga").await;
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (cat, cat_s) = anon.register("Cat").await;
    let event = org.create_online_event("Live Night", Duration::hours(1), Duration::hours(3)).await;
    let event: Event = serde_json::from_value(event).expect("event");
    for c in [&ann, &ben] {
        c.go_to(&event.id.to_string()).await;
    }
    Room {
        event,
        org: (org, org_s.access_token),
        ann: (ann, ann_s.access_token),
        ben_id: ben_s.user.id,
        ben: (ben, ben_s.access_token),
        cat: (cat, cat_s.access_token),
    }
}

fn offsets(messages: &[ChannelMessage]) -> Vec<i64> {
    messages.iter().map(|m| m.offset).collect()
}

/// The text of a chat message.
fn text(message: &ChannelMessage) -> &str {
    match &message.body {
        MessageBody::Chat { text } => text,
        other => panic!("not a chat line: {other:?}"),
    }
}

async fn chat_arrives_in_order_and_resumes_exactly_once(backend: Backend) {
    let server = TestServer::start(backend).await;
    let r = room(&server).await;
    let chat = format!("event:{}:chat", r.event.id);
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    let mut ben = Ws::connect(&server.base, &r.ben.1).await;

    let reply = ann.subscribe(&chat, None).await.expect("subscribed");
    assert_eq!((reply.ok, reply.offset), (true, Some(0)));
    let epoch = reply.epoch.expect("epoch");
    for i in 1..=5 {
        let reply = ben.publish(&chat, &format!("hello {i}")).await.expect("published");
        assert_eq!(reply.offset, Some(i), "{reply:?}");
    }
    let mut got = Vec::new();
    for _ in 0..5 {
        got.push(ann.message(&chat).await);
    }
    assert_eq!(offsets(&got), [1, 2, 3, 4, 5]);
    assert_eq!(got[0].body, MessageBody::chat("hello 1"));
    assert_eq!(got[0].epoch, epoch);
    assert_eq!(got[0].sender, Some(r.ben_id), "the sender is the one who posted");

    // Ann drops; three messages go by; she resumes from 5 and gets exactly 6, 7, 8, then live 9.
    drop(ann);
    for i in 6..=8 {
        ben.publish(&chat, &format!("while away {i}")).await.expect("published");
    }
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    let reply = ann.subscribe(&chat, Some(5)).await.expect("subscribed");
    assert_eq!((reply.recovered, reply.offset), (Some(true), Some(8)), "{reply:?}");
    let mut got = Vec::new();
    for _ in 0..3 {
        got.push(ann.message(&chat).await);
    }
    ben.publish(&chat, "live again").await.expect("published");
    got.push(ann.message(&chat).await);
    assert_eq!(offsets(&got), [6, 7, 8, 9]);
    assert!(
        !ann.receives_within(Wait::from_millis(300), |f| matches!(f, ServerFrame::Message(_))).await,
        "no duplicates"
    );

    // From the beginning, and from an offset the channel never had.
    let mut fresh = Ws::connect(&server.base, &r.org.1).await;
    fresh.subscribe(&chat, Some(0)).await.expect("subscribed");
    let mut all = Vec::new();
    for _ in 0..9 {
        all.push(fresh.message(&chat).await);
    }
    assert_eq!(offsets(&all), (1..=9).collect::<Vec<_>>());
    let reply = fresh.subscribe(&chat, Some(500)).await.expect("subscribed");
    assert_eq!((reply.recovered, reply.offset), (Some(false), Some(9)));
    assert_eq!(fresh.subscribe_in_epoch(&chat, 3, epoch).await.expect("subscribed").recovered, Some(true));
    let other_epoch = fresh.subscribe_in_epoch(&chat, 3, epoch + 1).await.expect("subscribed");
    assert_eq!(other_epoch.recovered, Some(false), "offsets of another epoch");

    // Many publishers at once: every subscriber sees one gap-free sequence.
    let mut writers = Vec::new();
    for (client, token) in [(&r.ann.0, &r.ann.1), (&r.ben.0, &r.ben.1), (&r.org.0, &r.org.1)] {
        let _ = client;
        let mut ws = Ws::connect(&server.base, token).await;
        let chat = chat.clone();
        writers.push(tokio::spawn(async move {
            for i in 0..10 {
                ws.publish(&chat, &format!("burst {i}")).await.expect("published");
            }
        }));
    }
    for w in writers {
        w.await.expect("writer");
    }
    let mut burst = Vec::new();
    for _ in 0..30 {
        burst.push(ann.message(&chat).await);
    }
    assert_eq!(offsets(&burst), (10..=39).collect::<Vec<_>>());
}

async fn channels_are_authorized(backend: Backend) {
    let server = TestServer::start(backend).await;
    let r = room(&server).await;
    let id = r.event.id;
    let mut cat = Ws::connect(&server.base, &r.cat.1).await;
    let code = |answer: &tests::Answer| error_code(answer).to_owned();

    assert_eq!(code(&cat.subscribe(&format!("event:{id}:chat"), None).await), "forbidden", "not going");
    assert_eq!(code(&cat.subscribe(&format!("event:{id}:presence"), None).await), "forbidden");
    assert_eq!(code(&cat.publish(&format!("event:{id}:chat"), "hi").await), "forbidden");
    cat.subscribe(&format!("event:{id}"), None).await.expect("the feed is public");
    assert_eq!(code(&cat.publish(&format!("event:{id}"), "hi").await), "read_only_channel");
    let ann_id = r.ann.0.get("/api/v1/me").await.expect(200).json::<Me>().id;
    assert_eq!(code(&cat.subscribe(&format!("user:{ann_id}"), None).await), "forbidden");
    assert_eq!(code(&cat.subscribe("room:42", None).await), "unknown_channel");
    assert_eq!(code(&cat.subscribe(&format!("event:{}:chat", uuid::Uuid::now_v7()), None).await), "not_found");
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    ann.subscribe(&format!("user:{ann_id}"), None).await.expect("one's own channel");

    // The organizer chats without an RSVP.
    let mut org = Ws::connect(&server.base, &r.org.1).await;
    assert_eq!(org.publish(&format!("event:{id}:chat"), "welcome").await.expect("published").offset, Some(1));

    // DMs: only the two participants, and not across a block.
    let ben_id = r.ben_id;
    let conversation: Conversation =
        r.ann.0.post("/api/v1/conversations", json!({"user_id": ben_id})).await.expect(200).json();
    let dm = conversation.channel;
    let again: Conversation =
        r.ben.0.post("/api/v1/conversations", json!({"user_id": ann_id})).await.expect(200).json();
    assert_eq!(again.channel, dm, "one conversation per pair");
    let mut ben = Ws::connect(&server.base, &r.ben.1).await;
    ben.subscribe(&dm, None).await.expect("a participant subscribes");
    ann.publish(&dm, "hi Ben").await.expect("a participant writes");
    assert_eq!(text(&ben.message(&dm).await), "hi Ben");
    assert_eq!(code(&cat.subscribe(&dm, None).await), "forbidden");
    r.ann.0.post("/api/v1/me/blocks", json!({"user_id": ben_id})).await.expect(201);
    assert_eq!(code(&ben.subscribe(&dm, None).await), "forbidden");
    assert_eq!(code(&ann.publish(&dm, "still there?").await), "forbidden");
    r.ann.0.post("/api/v1/conversations", json!({"user_id": ben_id})).await.expect(404);

    // Without a token there is no upgrade.
    let anon = server.client();
    assert_eq!(anon.get("/api/v1/ws").await.expect(401).code(), "unauthorized");
    assert!(Ws::try_connect(&server.base, None).await.is_err());
    assert!(Ws::try_connect(&server.base, Some("garbage")).await.is_err());
    assert_eq!(anon.with_token(&r.ann.1).get("/api/v1/ws").await.expect(400).code(), "websocket_required");
}

async fn announcements_and_history(backend: Backend) {
    let server = TestServer::start(backend).await;
    let r = room(&server).await;
    let feed = format!("event:{}", r.event.id);
    let mut cat = Ws::connect(&server.base, &r.cat.1).await;
    cat.subscribe(&feed, None).await.expect("subscribed");
    r.org
        .0
        .post(&format!("/api/v1/events/{}/announcements", r.event.id), json!({"body": "Doors open"}))
        .await
        .expect(201);
    match cat.message(&feed).await.body {
        MessageBody::Announcement { announcement } => assert_eq!(announcement.body, "Doors open"),
        other => panic!("expected the announcement, got {other:?}"),
    }

    // Schedule changes and live counters reach the feed too.
    r.org.0.patch(&format!("/api/v1/events/{}", r.event.id), json!({"title": "Live Night, moved"})).await.expect(200);
    let updated = cat.message_where(|m| matches!(m.body, MessageBody::EventUpdated { .. })).await;
    let MessageBody::EventUpdated { event } = updated.body else { unreachable!("matched above") };
    assert_eq!(event.title, "Live Night, moved");
    r.cat.0.post(&format!("/api/v1/events/{}/rsvp", r.event.id), json!({"status": "going"})).await.expect(200);
    let counters = cat.message_where(|m| matches!(&m.body, MessageBody::Counters(c) if c.going == 3)).await;
    let MessageBody::Counters(counters) = counters.body else { unreachable!("matched above") };
    assert_eq!(counters.checked_in, 0);
    r.cat.0.delete(&format!("/api/v1/events/{}/rsvp", r.event.id)).await.expect(204);

    let chat = format!("event:{}:chat", r.event.id);
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    for i in 1..=7 {
        ann.publish(&chat, &format!("line {i}")).await.expect("published");
    }
    let path = format!("/api/v1/channels/{chat}/messages?limit=3");
    let page: Page<ChannelMessage> = r.ben.0.get(&path).await.expect(200).json();
    assert_eq!(offsets(&page.items), [7, 6, 5], "newest first");
    let before = page.next_cursor.expect("older");
    let path = format!("/api/v1/channels/{chat}/messages?limit=10&before={before}");
    let page: Page<ChannelMessage> = r.ben.0.get(&path).await.expect(200).json();
    assert_eq!(offsets(&page.items), [4, 3, 2, 1]);
    assert!(page.next_cursor.is_none());
    r.cat.0.get(&format!("/api/v1/channels/{chat}/messages")).await.expect(403);
    r.cat.0.get("/api/v1/channels/nonsense/messages").await.expect(400);
    r.cat.0.get(&format!("/api/v1/channels/{feed}/messages")).await.expect(200);
}

async fn presence_counts_people_online(backend: Backend) {
    let server = TestServer::start(backend).await;
    let r = room(&server).await;
    let presence = format!("event:{}:presence", r.event.id);
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    ann.subscribe(&presence, None).await.expect("subscribed");
    assert_eq!(ann.presence_where(|_| true).await.online, 1);
    let mut ben = Ws::connect(&server.base, &r.ben.1).await;
    ben.subscribe(&presence, None).await.expect("subscribed");
    assert!(ann.receives_within(Wait::from_secs(5), |f| matches!(f, ServerFrame::Presence(p) if p.online == 2)).await);
    drop(ben);
    let ben_left =
        |f: &ServerFrame| matches!(f, ServerFrame::Presence(p) if p.online == 1 && p.left.contains(&r.ben_id));
    assert!(ann.receives_within(Wait::from_secs(5), ben_left).await);
}

async fn malformed_frames_get_errors_not_crashes(backend: Backend) {
    use tokio_tungstenite::tungstenite::Message;
    let server = TestServer::start(backend).await;
    let r = room(&server).await;
    let mut ws = Ws::connect(&server.base, &r.ann.1).await;
    for garbage in [
        "not json",
        "{",
        "[]",
        "null",
        r#"{"type": "subscribe"}"#,
        r#"{"type": "subscribe", "id": 5, "channel": []}"#,
        r#"{"type": "teleport", "id": "x"}"#,
        r#"{"type": "publish", "id": "p", "channel": "event:x:chat", "body": "text"}"#,
        "\u{0}\u{1}\u{2}",
    ] {
        ws.send_raw(Message::text(garbage)).await;
        let error = ws.error().await;
        assert_eq!(error.code, "malformed_frame", "{garbage}: {error:?}");
    }
    ws.send_raw(Message::binary(vec![0xff, 0x00, 0x13])).await;
    assert_eq!(ws.error().await.code, "malformed_frame");
    assert_eq!(error_code(&ws.publish(&format!("event:{}:chat", r.event.id), "").await), "invalid_body");
    assert_eq!(error_code(&ws.subscribe("event:x", None).await), "unknown_channel");
    ws.ping().await.expect("still serving after garbage");

    // A frame over the limit closes the connection with 1009; the node keeps serving.
    ws.send_raw(Message::text("x".repeat(200 * 1024))).await;
    assert_eq!(ws.closed().await, Some(1009));
    let mut again = Ws::connect(&server.base, &r.ann.1).await;
    assert!(again.ping().await.expect("a reply").ok);
}

async fn slow_consumers_are_closed_and_resume(backend: Backend) {
    let server = TestServer::start_with(backend, &["--ws-outbox-bytes", "65536"]).await;
    let r = room(&server).await;
    let feed = format!("event:{}", r.event.id);
    let mut slow = Ws::connect(&server.base, &r.cat.1).await;
    slow.subscribe(&feed, None).await.expect("subscribed");
    // Far more than socket buffers hold, while the client reads nothing.
    let body = MessageBody::Announcement {
        announcement: Announcement {
            id: uuid::Uuid::now_v7(),
            event_id: r.event.id,
            author_id: r.event.organizer_ids[0],
            body: "x".repeat(8000),
            created_at: chrono::Utc::now(),
        },
    };
    for _ in 0..1500 {
        server.realtime.post(Channel::Event(r.event.id), None, body.clone()).await.expect("post");
    }
    let mut last = 0;
    let code = loop {
        match slow.next().await {
            Incoming::Closed(code) => break code,
            Incoming::Frame(ServerFrame::Message(message)) => {
                assert_eq!(message.offset, last + 1, "in order until the close");
                last = message.offset;
            }
            Incoming::Frame(_) => {}
        }
    };
    assert_eq!(code, Some(4008), "slow consumer");
    assert!(last < 1500, "closed before everything was sent");
    let mut resumed = Ws::connect(&server.base, &r.cat.1).await;
    let reply = resumed.subscribe(&feed, Some(last)).await.expect("subscribed");
    assert_eq!(reply.recovered, Some(true));
    let mut next = last;
    while next < 1500 {
        let message = resumed.message(&feed).await;
        assert_eq!(message.offset, next + 1);
        next += 1;
    }
}

async fn shutdown_and_token_expiry_close_with_documented_codes(backend: Backend) {
    // Ten-second tokens: long enough that slow password hashing on a loaded machine never
    // decides the outcome, short enough to watch one expire.
    let server = TestServer::start_with(backend, &["--access-token-ttl-secs", "10"]).await;
    let r = room(&server).await;
    let mut expiring = Ws::connect(&server.base, &r.ann.1).await;
    assert_eq!(expiring.closed().await, Some(4001), "token expired");

    // A fresh token sent in time keeps the connection open past the first token's expiry.
    let login = |email: &str| {
        let anon = server.client();
        let email = email.to_owned();
        async move {
            anon.post("/api/v1/auth/login", json!({"email": email, "password": "correct horse battery"}))
                .await
                .expect(200)
                .body["access_token"]
                .as_str()
                .expect("token")
                .to_owned()
        }
    };
    let issued = tokio::time::Instant::now();
    let first = login("ben@example.org").await;
    let mut ben = Ws::connect(&server.base, &first).await;
    tokio::time::sleep(Wait::from_secs(3)).await;
    let fresh = login("ben@example.org").await;
    ben.auth(&fresh).await.expect("a fresh token is taken");
    let other = login("ann@example.org").await;
    assert_eq!(error_code(&ben.auth(&other).await), "invalid_token");
    // The first token has expired by now; the fresh one (issued three seconds later) has not.
    tokio::time::sleep_until(issued + Wait::from_millis(10_500)).await;
    ben.ping().await.expect("alive past the first token");

    // Shutting the node down tells clients to reconnect elsewhere.
    let mut stays = Ws::connect(&server.base, &login("cat@example.org").await).await;
    stays.ping().await.expect("a reply");
    let _ = &r.org;
    server.stop().await;
    assert_eq!(stays.closed().await, Some(1012));
}

async fn msgpack_clients_and_connection_limits(backend: Backend) {
    use futures_util::{SinkExt as _, StreamExt as _};
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    use tokio_tungstenite::tungstenite::Message;

    let server =
        TestServer::start_with(backend, &["--ws-max-subscriptions", "2", "--ws-connects-per-address-per-minute", "8"])
            .await;
    let r = room(&server).await;
    let chat = format!("event:{}:chat", r.event.id);

    // A mobile client speaking MessagePack sees the same structures in binary frames.
    let mut request = format!("{}/api/v1/ws?access_token={}", server.base.replacen("http", "ws", 1), r.ann.1)
        .into_client_request()
        .expect("request");
    request.headers_mut().insert("sec-websocket-protocol", "mingle.v1.msgpack".parse().expect("header"));
    let (mut mobile, response) = tokio_tungstenite::connect_async(request).await.expect("handshake");
    assert_eq!(response.headers()["sec-websocket-protocol"], "mingle.v1.msgpack");
    let encode = |frame: &ClientFrame| Message::binary(rmp_serde::to_vec_named(frame).expect("msgpack"));
    let subscribe = ClientFrame::Subscribe { id: "m1".to_owned(), channel: chat.clone(), since: None, epoch: None };
    mobile.send(encode(&subscribe)).await.expect("send");
    let mut seen = Vec::new();
    let mut ben = Ws::connect(&server.base, &r.ben.1).await;
    while seen.len() < 2 {
        let frame = tokio::time::timeout(tests::FRAME_TIMEOUT, mobile.next()).await.expect("frame").expect("open");
        if let Message::Binary(bytes) = frame.expect("frame") {
            seen.push(rmp_serde::from_slice::<ServerFrame>(&bytes).expect("a server frame"));
            if seen.len() == 1 {
                // Subscribed: now a message posted by someone else arrives.
                ben.publish(&chat, "to the phone").await.expect("published");
            }
        }
    }
    assert!(matches!(&seen[0], ServerFrame::Reply(reply) if reply.id == "m1"), "{:?}", seen[0]);
    assert!(
        matches!(&seen[1], ServerFrame::Message(m) if m.body == MessageBody::chat("to the phone")),
        "{:?}",
        seen[1]
    );
    mobile.send(Message::text("{\"type\": \"ping\", \"id\": \"j\"}")).await.expect("send");
    let frame = tokio::time::timeout(tests::FRAME_TIMEOUT, mobile.next()).await.expect("frame").expect("open");
    let error = match frame.expect("frame") {
        Message::Binary(bytes) => rmp_serde::from_slice::<ServerFrame>(&bytes).expect("a server frame"),
        other => panic!("expected a binary error frame, got {other:?}"),
    };
    assert!(
        matches!(&error, ServerFrame::Error(e) if e.code == "malformed_frame"),
        "text frames on a MessagePack connection: {error:?}"
    );

    // At most two channels per connection.
    let mut ws = Ws::connect(&server.base, &r.ann.1).await;
    ws.subscribe(&chat, None).await.expect("first channel");
    ws.subscribe(&format!("event:{}", r.event.id), None).await.expect("second channel");
    let third = ws.subscribe(&format!("event:{}:presence", r.event.id), None).await;
    assert_eq!(error_code(&third), "too_many_subscriptions");
    ws.unsubscribe(&chat).await.expect("unsubscribed");
    assert_eq!(error_code(&ws.unsubscribe(&chat).await), "not_subscribed");
    ws.subscribe(&format!("event:{}:presence", r.event.id), None).await.expect("room for one again");

    // New connections per address are rate limited (eight per minute here; four used above).
    let mut refused = None;
    for _ in 0..6 {
        if let Err(e) = Ws::try_connect(&server.base, Some(&r.cat.1)).await {
            refused = Some(e);
            break;
        }
    }
    match refused {
        Some(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status().as_u16(), 429),
        other => panic!("the ninth connection in a minute is refused with 429, got {other:?}"),
    }
}

async fn frames_larger_than_the_read_buffer_arrive_whole(backend: Backend) {
    // The smallest read buffer the server accepts: a long chat line takes many reads.
    let server = TestServer::start_with(backend, &["--ws-read-buffer-bytes", "256"]).await;
    let r = room(&server).await;
    let chat = format!("event:{}:chat", r.event.id);
    let mut ann = Ws::connect(&server.base, &r.ann.1).await;
    let mut ben = Ws::connect(&server.base, &r.ben.1).await;
    ann.subscribe(&chat, None).await.expect("subscribed");
    ben.subscribe(&chat, None).await.expect("subscribed");
    let line = "Grüße aus Köln! ".repeat(125);
    let line = line.trim();
    let body = PublishBody { text: line.to_owned() };
    let reply = ann.request(|id| ClientFrame::Publish { id, channel: chat.clone(), body }).await;
    assert!(reply.as_ref().is_ok_and(|reply| reply.ok), "{reply:?}");
    assert_eq!(text(&ben.message(&chat).await), line);
}
