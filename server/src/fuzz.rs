//! Property-based fuzzing of everything that parses bytes a client chose: WebSocket frames in
//! both encodings, channel names, page cursors, bearer credentials, and the REST API's bodies,
//! query strings and paths sent through the whole application. Each property is "never panics,
//! never a 5xx, and what is valid round-trips".
//!
//! `cargo test` runs a short pass (proptest's 256 cases per property, less for the REST one);
//! `./dev fuzz` runs a long one (`PROPTEST_CASES`). A failing case is shrunk and its seed kept in
//! `proptest-regressions/fuzz.txt`, which is committed, so it is replayed by every later run.

use std::sync::OnceLock;

use axum::body::Body;
use axum::extract::ws::Message;
use axum::http::{Method, Request, StatusCode};
use proptest::prelude::*;
use protocol::realtime::{Channel, ClientFrame};
use tower::ServiceExt as _;
use uuid::Uuid;

use crate::realtime::gateway::Codec;

/// Strings that look like what the parsers expect, mutated: JSON punctuation, keys and values of
/// the protocol, numbers, ids, and arbitrary characters.
fn near_json() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("{".to_owned()),
        Just("}".to_owned()),
        Just("[".to_owned()),
        Just("]".to_owned()),
        Just(",".to_owned()),
        Just(":".to_owned()),
        Just("\"".to_owned()),
        Just("\"type\":".to_owned()),
        Just("\"id\":".to_owned()),
        Just("\"channel\":".to_owned()),
        Just("\"since\":".to_owned()),
        Just("\"body\":{\"text\":".to_owned()),
        Just("\"subscribe\"".to_owned()),
        Just("\"publish\"".to_owned()),
        Just("\"auth\"".to_owned()),
        Just("null".to_owned()),
        Just("true".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
        any::<f64>().prop_map(|n| n.to_string()),
        Just(format!("\"event:{}:chat\"", Uuid::nil())),
        "\\PC{0,12}".prop_map(|s| format!("{s:?}")),
        any::<String>(),
    ];
    proptest::collection::vec(token, 0..24).prop_map(|tokens| tokens.concat())
}

fn channel() -> impl Strategy<Value = Channel> {
    let id = any::<u128>().prop_map(Uuid::from_u128);
    prop_oneof![
        id.clone().prop_map(Channel::Event),
        id.clone().prop_map(Channel::EventChat),
        id.clone().prop_map(Channel::EventPresence),
        id.clone().prop_map(Channel::Dm),
        id.prop_map(Channel::User),
    ]
}

proptest! {
    #[test]
    fn frames_in_either_encoding_never_panic(text in near_json(), bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        for codec in [Codec::Json, Codec::MsgPack] {
            let _ = codec.decode(&Message::Text(text.clone().into()));
            let _ = codec.decode(&Message::Binary(bytes.clone().into()));
        }
    }

    #[test]
    fn valid_frames_decode_to_themselves(id in "[a-z0-9]{1,128}", channel in channel(), since in proptest::option::of(0i64..1 << 40), text in "\\PC{1,200}") {
        let frames = [
            ClientFrame::Subscribe { id: id.clone(), channel: channel.to_string(), since, epoch: None },
            ClientFrame::Publish { id: id.clone(), channel: channel.to_string(), body: protocol::realtime::PublishBody { text } },
            ClientFrame::Ping { id },
        ];
        for frame in frames {
            let json = serde_json::to_string(&frame).expect("serializes");
            prop_assert_eq!(Codec::Json.decode(&Message::Text(json.into())).ok(), Some(frame.clone()));
            let mut bytes = Vec::new();
            let mut serializer = rmp_serde::Serializer::new(&mut bytes).with_struct_map().with_human_readable();
            serde::Serialize::serialize(&frame, &mut serializer).expect("serializes");
            prop_assert_eq!(Codec::MsgPack.decode(&Message::Binary(bytes.into())).ok(), Some(frame));
        }
    }

    #[test]
    fn channel_names_parse_only_in_their_one_form(name in "\\PC{0,80}", channel in channel(), upper in any::<bool>()) {
        let _ = name.parse::<Channel>();
        let canonical = channel.to_string();
        prop_assert_eq!(canonical.parse::<Channel>(), Ok(channel));
        if upper && canonical.chars().any(|c| c.is_ascii_lowercase() && c.is_ascii_hexdigit()) {
            prop_assert!(canonical.to_uppercase().parse::<Channel>().is_err(), "one name per channel");
        }
    }

    #[test]
    fn cursors_decode_only_what_was_encoded(garbage in "\\PC{0,64}", at in any::<i64>(), id in any::<u128>()) {
        let _ = crate::render::decode_cursor(&garbage);
        let id = Uuid::from_u128(id);
        prop_assert_eq!(crate::render::decode_cursor(&crate::render::encode_cursor(at, id)).ok(), Some((at, id)));
    }

    #[test]
    fn bearer_credentials_never_panic(value in "\\PC{0,64}") {
        let mut headers = axum::http::HeaderMap::new();
        if let Ok(value) = axum::http::HeaderValue::from_str(&value) {
            headers.insert(axum::http::header::AUTHORIZATION, value);
        }
        let _ = crate::extract::bearer_token(&headers);
    }
}

/// An application on a throwaway SQLite database, shared by the REST cases, with one signed-in
/// user whose token the cases may use.
struct Rest {
    runtime: tokio::runtime::Runtime,
    app: axum::Router,
    token: String,
    event: Uuid,
}

fn rest() -> &'static Rest {
    static REST: OnceLock<Rest> = OnceLock::new();
    REST.get_or_init(|| {
        use clap::Parser as _;
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
        let dir = std::env::temp_dir().join(format!("mingle-fuzz-{}", Uuid::new_v4().simple()));
        let (app, token, event) = runtime.block_on(async {
            let dir = dir.display().to_string();
            let config = crate::config::Config::try_parse_from(["mingle", "--data-dir", &dir]).expect("configuration");
            let state = crate::build_state(&config, &crate::shutdown::Shutdown::new()).await.expect("state");
            let user = state
                .store
                .create_user(&crate::store::NewUser::registered(
                    "fuzz@example.org".into(),
                    String::new(),
                    "Fuzz".into(),
                ))
                .await
                .expect("user");
            let token = state.tokens.issue_access(user.id, Uuid::now_v7()).expect("token");
            let app = crate::app(state);
            let start = chrono::Utc::now() + chrono::Duration::days(1);
            let body = serde_json::json!({
                "title": "Fuzz night", "starts_at": start, "ends_at": start + chrono::Duration::hours(2),
                "timezone": "UTC", "online_url": "https://example.org/live",
            });
            let request = Request::post("/api/v1/events")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(Body::from(body.to_string()))
                .expect("request");
            let response = app.clone().oneshot(request).await.expect("infallible");
            let bytes = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
            let event: serde_json::Value = serde_json::from_slice(&bytes).expect("event");
            (app, token, event["id"].as_str().and_then(|id| id.parse().ok()).expect("event id"))
        });
        Rest { runtime, app, token, event }
    })
}

/// Endpoints that take a body, with `{event}` standing for an existing event.
const WRITES: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/register"),
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/auth/refresh"),
    ("PATCH", "/api/v1/me"),
    ("POST", "/api/v1/me/blocks"),
    ("POST", "/api/v1/events"),
    ("PATCH", "/api/v1/events/{event}"),
    ("POST", "/api/v1/events/{event}/rsvp"),
    ("POST", "/api/v1/events/{event}/checkin"),
    ("POST", "/api/v1/events/{event}/announcements"),
    ("POST", "/api/v1/events/{event}/organizers"),
    ("POST", "/api/v1/meetings"),
    ("POST", "/api/v1/conversations"),
];

/// Endpoints that take a query string or path segments.
const READS: &[&str] = &[
    "/api/v1/events?",
    "/api/v1/events/{event}/attendees?",
    "/api/v1/recommendations/events?",
    "/api/v1/conversations?",
    "/api/v1/channels/",
    "/api/v1/events/",
    "/api/v1/users/",
];

proptest! {
    // Whole requests are slower than parsers: a short pass takes 64, unless PROPTEST_CASES says.
    #![proptest_config(ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() { ProptestConfig::default().cases } else { 64 },
        ..ProptestConfig::default()
    })]

    #[test]
    fn rest_bodies_queries_and_paths_never_fail_the_server(
        write in 0..WRITES.len(),
        read in 0..READS.len(),
        body in near_json(),
        tail in "\\PC{0,120}",
        signed_in in any::<bool>(),
    ) {
        let rest = rest();
        let (method, path) = WRITES[write];
        let path = path.replace("{event}", &rest.event.to_string());
        let read = READS[read].replace("{event}", &rest.event.to_string());
        let tail: String = url_safe(&tail);
        let requests = [
            (Method::from_bytes(method.as_bytes()).expect("method"), path, Some(body)),
            (Method::GET, format!("{read}{tail}"), None),
        ];
        for (method, uri, body) in requests {
            let Ok(uri) = uri.parse::<axum::http::Uri>() else { continue };
            let what = format!("{method} {uri}");
            let mut request = Request::builder().method(method).uri(uri);
            if signed_in {
                request = request.header("authorization", format!("Bearer {}", rest.token));
            }
            let request = match body {
                Some(body) => request.header("content-type", "application/json").body(Body::from(body)),
                None => request.body(Body::empty()),
            }
            .expect("request");
            let status = rest.runtime.block_on(rest.app.clone().oneshot(request)).expect("infallible").status();
            // 503 is the answer of an endpoint whose model is not installed, not a failure.
            prop_assert!(!status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE, "{} for {}", status, what);
        }
    }
}

/// `text` with the characters a URI may not hold percent-encoded, so the case reaches the router.
fn url_safe(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~=&/%".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
