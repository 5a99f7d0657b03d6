//! What a hostile client meets: connections that send nothing or trickle their headers are
//! closed, one address cannot hold more than its share of connections while others are served,
//! browsers get the security headers, and pages from other origins cannot open a WebSocket.

use std::time::{Duration, Instant};

use protocol::realtime::ServerFrame;
use serde_json::json;
use tests::{Backend, TestServer, Ws};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpSocket, TcpStream};

/// Connects to the server from the loopback address `from` (Linux routes all of 127/8 to the
/// loopback interface, so each is a different client address).
async fn connect_from(server: &TestServer, from: &str) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket.bind(format!("{from}:0").parse().expect("address")).expect("bind");
    socket.connect(server.addr).await.expect("connect")
}

/// Reads until the server closes the connection; answers how long that took, or `None` when
/// it was still open after `within`.
async fn closed_within(stream: &mut TcpStream, within: Duration) -> Option<Duration> {
    let start = Instant::now();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout_at((start + within).into(), stream.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0) | Err(_)) => return Some(start.elapsed()),
            Ok(Ok(_)) => {}
        }
    }
}

async fn healthz_from(server: &TestServer, from: &str) -> u16 {
    let http = reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().expect("address"))
        .timeout(Duration::from_secs(5))
        .build()
        .expect("client");
    http.get(format!("{}/healthz", server.base)).send().await.map_or(0, |r| r.status().as_u16())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_slow_and_idle_connections_are_closed() {
    let server = TestServer::start_with(Backend::Sqlite, &["--header-read-secs", "1"]).await;
    let window = Duration::from_secs(4);

    // Connects and never sends a byte.
    let mut silent = connect_from(&server, "127.0.0.1").await;
    // Sends its request line, then one header line now and then, never finishing the head.
    let mut slowloris = connect_from(&server, "127.0.0.1").await;
    slowloris.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await.expect("write");
    let trickle = tokio::spawn(async move {
        for i in 0..40 {
            tokio::time::sleep(Duration::from_millis(250)).await;
            if slowloris.write_all(format!("X-Slow-{i}: 1\r\n").as_bytes()).await.is_err() {
                return Some(i);
            }
        }
        None
    });
    // Asks once, reads the answer, then keeps the connection open doing nothing.
    let mut idle = connect_from(&server, "127.0.0.1").await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await.expect("write");
    let mut head = [0u8; 12];
    idle.read_exact(&mut head).await.expect("response");
    assert_eq!(&head, b"HTTP/1.1 200");

    let silent_closed = closed_within(&mut silent, window).await.expect("a silent connection is closed");
    assert!(silent_closed >= Duration::from_millis(900), "not before its time: {silent_closed:?}");
    closed_within(&mut idle, window).await.expect("an idle kept-alive connection is closed");
    let stopped_after = trickle.await.expect("trickle task");
    assert!(stopped_after.is_some_and(|lines| lines < 20), "slowloris closed after {stopped_after:?} lines");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_cannot_exhaust_the_server() {
    let server =
        TestServer::start_with(Backend::Sqlite, &["--header-read-secs", "30", "--max-connections-per-address", "20"])
            .await;
    let mut hogs = Vec::new();
    for _ in 0..20 {
        hogs.push(connect_from(&server, "127.0.0.3").await);
    }
    // The 21st connection from that address is closed at once; everyone else is served.
    let mut extra = connect_from(&server, "127.0.0.3").await;
    let closed = closed_within(&mut extra, Duration::from_secs(2)).await;
    assert!(closed.is_some(), "a connection past the limit is closed");
    assert_eq!(healthz_from(&server, "127.0.0.4").await, 200);
    // Connections given back make room again.
    hogs.truncate(10);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(healthz_from(&server, "127.0.0.3").await, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn responses_carry_the_security_headers() {
    let server = TestServer::start_with(Backend::Sqlite, &["--public-origin", "https://mingle.example"]).await;
    let anon = server.client();
    for path in ["/healthz", "/api/v1/events", "/api/v1/nope", "/"] {
        let reply = anon.get(path).await;
        let header = |name: &str| reply.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let csp = header("content-security-policy");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-eval") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert_eq!(header("referrer-policy"), "strict-origin-when-cross-origin", "{path}");
        assert!(header("permissions-policy").contains("camera=()"), "{path}");
        assert!(header("strict-transport-security").starts_with("max-age="), "{path}: HTTPS public origin");
    }
    let plain = TestServer::start(Backend::Sqlite).await;
    let reply = plain.client().get("/healthz").await;
    assert!(reply.headers.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_from_other_origins_cannot_open_a_websocket() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;
    let server = TestServer::start_with(Backend::Sqlite, &["--allowed-origins", "https://app.example"]).await;
    let (_, session) = server.client().register("Ora").await;
    let attempt = |origin: Option<String>| {
        let url = format!("{}/api/v1/ws?access_token={}", server.base.replacen("http", "ws", 1), session.access_token);
        async move {
            let mut request = url.into_client_request().expect("request");
            if let Some(origin) = origin {
                request.headers_mut().insert("origin", origin.parse().expect("header"));
            }
            match tokio_tungstenite::connect_async(request).await {
                Ok(_) => 101,
                Err(tokio_tungstenite::tungstenite::Error::Http(response)) => response.status().as_u16(),
                Err(e) => panic!("unexpected failure: {e}"),
            }
        }
    };
    assert_eq!(attempt(None).await, 101, "not a browser");
    assert_eq!(attempt(Some(server.base.clone())).await, 101, "the server's own pages");
    assert_eq!(attempt(Some("https://app.example".to_owned())).await, 101, "configured");
    assert_eq!(attempt(Some("https://evil.example".to_owned())).await, 403);
}

on_both_backends!(lost_access_ends_delivery_on_open_sockets);

fn revoked(channel: &str) -> impl Fn(&ServerFrame) -> bool + '_ {
    move |frame| matches!(frame, ServerFrame::Error(e) if e.code == "access_revoked" && e.channel.as_deref() == Some(channel))
}

fn chat_on(channel: &str) -> impl Fn(&ServerFrame) -> bool + '_ {
    move |frame| matches!(frame, ServerFrame::Message(m) if m.channel == channel)
}

async fn id_of(client: &tests::Client) -> String {
    client.get("/api/v1/me").await.expect(200).body["id"].as_str().expect("id").to_owned()
}

/// Withdrawing an RSVP, a block and hiding a profile each end delivery on sockets that were
/// already open, with an `access_revoked` error on the channel, and nothing after it.
async fn lost_access_ends_delivery_on_open_sockets(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, org_s) = anon.register("Olga").await;
    let (ada, ada_s) = anon.register("Ada").await;
    let (bob, bob_s) = anon.register("Bob").await;
    let event = org.create_online_event("Late jazz", chrono::Duration::hours(1), chrono::Duration::hours(2)).await;
    let event = event["id"].as_str().expect("id").to_owned();
    let chat = format!("event:{event}:chat");
    ada.go_to(&event).await;
    let mut org_ws = Ws::connect(&server.base, &org_s.access_token).await;
    let mut ada_ws = Ws::connect(&server.base, &ada_s.access_token).await;
    ada_ws.subscribe(&chat, None).await.expect("an attendee follows the chat");
    org_ws.publish(&chat, "welcome").await.expect("posted");
    assert!(ada_ws.receives_within(Duration::from_secs(5), chat_on(&chat)).await);

    ada.delete(&format!("/api/v1/events/{event}/rsvp")).await.expect(204);
    assert!(ada_ws.receives_within(Duration::from_secs(5), revoked(&chat)).await, "told on the channel");
    ada_ws.forget_pending();
    org_ws.publish(&chat, "attendees only from now").await.expect("posted");
    assert!(!ada_ws.receives_within(Duration::from_millis(500), chat_on(&chat)).await, "nothing after it");
    assert_eq!(ada_ws.publish(&chat, "still here?").await.expect_err("refused").code, "forbidden");

    // A block closes the conversation for both, on open sockets and in the list.
    let bob_id = id_of(&bob).await;
    let dm = ada.post("/api/v1/conversations", json!({"user_id": bob_id})).await.expect(200).body;
    let dm = dm["channel"].as_str().expect("channel").to_owned();
    let mut bob_ws = Ws::connect(&server.base, &bob_s.access_token).await;
    bob_ws.subscribe(&dm, None).await.expect("bob follows the conversation");
    ada_ws.publish(&dm, "hi Bob").await.expect("posted");
    assert!(bob_ws.receives_within(Duration::from_secs(5), chat_on(&dm)).await);
    ada.post("/api/v1/me/blocks", json!({"user_id": bob_id})).await.expect(201);
    assert!(bob_ws.receives_within(Duration::from_secs(5), revoked(&dm)).await);
    assert_eq!(bob_ws.publish(&dm, "why?").await.expect_err("refused").code, "forbidden");
    let listed = bob.get("/api/v1/conversations").await.expect(200).body;
    assert_eq!(listed["items"], json!([]), "not listed with its last message");
    assert_eq!(bob.get(&format!("/api/v1/channels/{dm}/messages")).await.expect(403).code(), "forbidden");
    ada.delete(&format!("/api/v1/me/blocks/{bob_id}")).await.expect(204);

    // Hiding one's profile closes one's conversations for the other side too.
    bob_ws.subscribe(&dm, None).await.expect("unblocked: the conversation is open again");
    ada.patch("/api/v1/me", json!({"visibility": "hidden"})).await.expect(200);
    assert!(bob_ws.receives_within(Duration::from_secs(5), revoked(&dm)).await);
    assert_eq!(bob_ws.publish(&dm, "are you there?").await.expect_err("refused").code, "forbidden");
    assert_eq!(bob.get("/api/v1/conversations").await.expect(200).body["items"], json!([]));

    // A co-organizer removed, then the event deleted: the chat ends for them and for attendees.
    let org_path = format!("/api/v1/events/{event}/organizers");
    org.post(&org_path, json!({"user_id": bob_s.user.id})).await.expect(200);
    bob_ws.subscribe(&chat, None).await.expect("an organizer follows the chat");
    org.delete(&format!("{org_path}/{}", bob_s.user.id)).await.expect(204);
    assert!(bob_ws.receives_within(Duration::from_secs(5), revoked(&chat)).await, "removed as organizer");
    ada.go_to(&event).await;
    ada_ws.subscribe(&chat, None).await.expect("going again");
    org.delete(&format!("/api/v1/events/{event}")).await.expect(204);
    assert!(ada_ws.receives_within(Duration::from_secs(5), revoked(&chat)).await, "the event deleted");
}

/// Opens a WebSocket by hand on a raw TCP stream, so the test can send frames no client library
/// would, and answers the stream after the 101.
async fn raw_websocket(server: &TestServer, token: &str) -> TcpStream {
    let mut stream = connect_from(server, "127.0.0.1").await;
    let request = format!(
        "GET /api/v1/ws?access_token={token} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mingle.v1\r\n\r\n",
        server.addr
    );
    stream.write_all(request.as_bytes()).await.expect("upgrade request");
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        stream.read_exact(&mut byte).await.expect("response head");
        head.push(byte[0]);
    }
    assert!(head.starts_with(b"HTTP/1.1 101"), "{}", String::from_utf8_lossy(&head));
    stream
}

/// A text frame with `payload`, masked as clients must unless `masked` is false.
fn text_frame(payload: &[u8], masked: bool) -> Vec<u8> {
    let key = [0x12, 0x34, 0x56, 0x78];
    let mut frame = vec![0x81, u8::try_from(payload.len()).expect("short") | if masked { 0x80 } else { 0 }];
    if masked {
        frame.extend(key);
        frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
    } else {
        frame.extend(payload);
    }
    frame
}

/// The close code of the first close frame the server sends.
async fn close_code(stream: &mut TcpStream) -> u16 {
    loop {
        let mut head = [0u8; 2];
        tokio::time::timeout(Duration::from_secs(5), stream.read_exact(&mut head))
            .await
            .expect("in time")
            .expect("frame");
        let len = usize::from(head[1] & 0x7f);
        assert!(len < 126, "short frames only");
        let mut payload = vec![0u8; len];
        stream.read_exact(&mut payload).await.expect("payload");
        if head[0] & 0x0f == 0x8 {
            return u16::from_be_bytes([payload[0], payload[1]]);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn broken_frames_close_with_the_codes_rfc_6455_gives_them() {
    let server = TestServer::start(Backend::Sqlite).await;
    let (_, session) = server.client().register("Rae").await;
    let mut stream = raw_websocket(&server, &session.access_token).await;
    stream.write_all(&text_frame(&[0x7b, 0xff, 0xfe, 0x7d], true)).await.expect("write");
    assert_eq!(close_code(&mut stream).await, 1007, "text that is not UTF-8");
    let mut stream = raw_websocket(&server, &session.access_token).await;
    stream.write_all(&text_frame(br#"{"type":"ping","id":"1"}"#, false)).await.expect("write");
    assert_eq!(close_code(&mut stream).await, 1002, "an unmasked client frame");

    // Request ids are at most 128 characters.
    let mut ws = Ws::connect(&server.base, &session.access_token).await;
    ws.send_raw(tokio_tungstenite::tungstenite::Message::Text(
        format!(r#"{{"type":"ping","id":"{}"}}"#, "x".repeat(129)).into(),
    ))
    .await;
    let error = ws.error().await;
    assert_eq!((error.code.as_str(), error.id), ("malformed_frame", None));
    ws.send_raw(tokio_tungstenite::tungstenite::Message::Text(
        format!(r#"{{"type":"ping","id":"{}"}}"#, "x".repeat(128)).into(),
    ))
    .await;
    assert!(
        ws.receives_within(Duration::from_secs(5), |f| matches!(f, ServerFrame::Reply(r) if r.id.len() == 128)).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_of_a_deleted_account_opens_no_socket() {
    let server = TestServer::start(Backend::Sqlite).await;
    // A token the server signed, for an account that is not (any more) there.
    let secret = server::auth::local_jwt_secret(&server.db.dir()).expect("the server's secret");
    let keys = server::auth::TokenKeys::new(&secret, Duration::from_secs(900), Duration::from_secs(86_400));
    let token = keys.issue_access(uuid::Uuid::now_v7(), uuid::Uuid::now_v7()).expect("token");
    let refused = Ws::try_connect(&server.base, Some(&token)).await.expect_err("refused");
    match refused {
        tokio_tungstenite::tungstenite::Error::Http(response) => assert_eq!(response.status().as_u16(), 401),
        other => panic!("unexpected: {other}"),
    }
}
