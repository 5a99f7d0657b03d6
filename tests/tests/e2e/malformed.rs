//! Hostile input at every endpoint of the OpenAPI document: malformed bodies, headers, paths
//! and queries must all answer a clean 4xx JSON error, never a 5xx.

use reqwest::Method;
use serde_json::{json, Value};
use tests::{Backend, Client, Reply, TestServer};

on_both_backends!(every_endpoint_rejects_garbage_cleanly, operations_endpoints);

const BODIES: &[&[u8]] = &[
    b"",
    b"{",
    b"[]",
    b"null",
    b"\"text\"",
    b"{}",
    b"\xff\xfe\x00garbage",
    br#"{"title": 5, "starts_at": "yesterday", "ends_at": 12, "capacity": "many", "status": "maybe",
        "user_id": "x", "email": [], "password": {}, "display_name": null, "refresh_token": 7,
        "venue": {"lat": "north"}, "tags": "rust", "interests": [1, 2], "visibility": "everyone",
        "code": 123456, "body": {"nested": true}}"#,
    br#"{"title": "t", "starts_at": "2026-01-01T00:00:00Z", "ends_at": "2025-01-01T00:00:00Z",
        "timezone": "UTC", "capacity": -1, "venue": {"name": "", "lat": 1e999, "lon": -1e999},
        "user_id": "00000000-0000-0000-0000-000000000000", "code": "", "status": "going",
        "email": "a@b.c", "password": "", "display_name": "", "refresh_token": "", "body": ""}"#,
    br#"{"title": "a\u0000b", "description": "\u0000", "tags": ["\u0000"], "timezone": "UTC\u0000",
        "starts_at": "2030-01-01T00:00:00Z", "ends_at": "2030-01-01T01:00:00Z",
        "online_url": "https://example.org/\u0000", "venue": {"name": "\u0000", "lat": 0, "lon": 0},
        "email": "a\u0000@example.org", "password": "pass\u0000word", "display_name": "\u0000",
        "code": "AB\u0000CD", "body": "\u0000", "refresh_token": "\u0000", "headline": "\u0000",
        "interests": ["\u0000"], "seeking": ["\u0000\u0000"], "status": "going"}"#,
];

fn check(reply: &Reply, what: &str) {
    assert!(reply.status.as_u16() < 500, "{what} -> {} {}", reply.status, reply.body);
    if reply.status.is_client_error() {
        assert!(
            reply.body["error"]["code"].is_string(),
            "{what} -> {} without error body: {}",
            reply.status,
            reply.body
        );
    }
}

async fn every_endpoint_rejects_garbage_cleanly(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (user, session) = anon.register("Fuzz").await;
    let event: Value = user
        .post(
            "/api/v1/events",
            json!({"title": "Target", "starts_at": "2030-01-01T10:00:00Z", "ends_at": "2030-01-01T12:00:00Z",
                   "timezone": "UTC", "online_url": "https://example.org/x"}),
        )
        .await
        .expect(201)
        .body;
    let event_id = event["id"].as_str().expect("id").to_owned();
    let user_id = session.user.id.to_string();

    let doc = anon.get("/openapi.json").await.expect(200).body;
    let paths = doc["paths"].as_object().expect("paths");
    assert!(paths.len() >= 15, "every resource is documented: {:?}", paths.keys());
    let long = "x".repeat(3000);
    let substitutes =
        ["", "not-a-uuid", "00000000-0000-0000-0000-000000000000", "%00%ff", long.as_str(), "..%2F..%2Fetc"];
    let clients: [(&str, Client); 3] =
        [("anonymous", anon.clone()), ("signed in", user.clone()), ("garbage token", anon.with_token("e30.e30.e30"))];
    let mut requests = 0;
    for (template, operations) in paths {
        for method in operations.as_object().expect("operations").keys() {
            let method: Method = method.to_uppercase().parse().expect("method");
            let mut concrete = vec![template.replace("{id}", &event_id).replace("{user_id}", &user_id)];
            for s in substitutes {
                concrete.push(template.replace("{id}", s).replace("{user_id}", s));
            }
            for path in &concrete {
                for (who, client) in &clients {
                    for body in BODIES {
                        for content_type in [Some("application/json"), Some("text/plain"), None] {
                            let reply = client.send_raw(method.clone(), path, content_type, body.to_vec()).await;
                            requests += 1;
                            let shown = String::from_utf8_lossy(body);
                            check(&reply, &format!("{method} {path} as {who}, {content_type:?}: {shown}"));
                        }
                    }
                }
            }
        }
    }
    assert!(requests > 1000, "{requests}");

    // Queries with wrong types, out-of-range values and forged cursors.
    for query in [
        "limit=-1",
        "limit=0",
        "limit=101",
        "limit=abc",
        "lat=NaN&lon=0",
        "lat=1e999&lon=0",
        "lat=10",
        "lat=10&lon=10&radius_km=-5",
        "lat=10&lon=10&radius_km=inf",
        "from=yesterday",
        "from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z",
        "cursor=!!!",
        "cursor=MTIz",
        "q=%00%01%02",
        &format!("q={long}"),
        "tag=%F0%9F%A6%80",
        "tag=%00",
        "q=%00rust",
    ] {
        let reply = anon.get(&format!("/api/v1/events?{query}")).await;
        check(&reply, query);
        for path in ["attendees", "announcements"] {
            let reply = user.get(&format!("/api/v1/events/{event_id}/{path}?{query}")).await;
            check(&reply, &format!("{path}?{query}"));
        }
    }

    // Odd headers.
    for auth in ["Bearer", "Basic dXNlcjpwYXNz", "Bearer a.b.c", "bearer    "] {
        let reply =
            anon.http.get(format!("{}/api/v1/me", anon.base)).header("authorization", auth).send().await.expect("sent");
        assert_eq!(reply.status().as_u16(), 401, "{auth}");
    }
    let reply = anon
        .http
        .get(format!("{}/api/v1/me", anon.base))
        .header("authorization", reqwest::header::HeaderValue::from_bytes(b"Bearer \xff\xfe").expect("bytes"))
        .send()
        .await
        .expect("sent");
    assert_eq!(reply.status().as_u16(), 401);

    // An oversized body is refused, not buffered.
    let huge = format!("{{\"body\": \"{}\"}}", "x".repeat(200_000));
    let reply = user
        .send_raw(
            Method::POST,
            &format!("/api/v1/events/{event_id}/announcements"),
            Some("application/json"),
            huge.into(),
        )
        .await;
    assert_eq!(reply.status.as_u16(), 413, "{}", reply.body);
    assert_eq!(reply.code(), "payload_too_large");
    let connection = reply.headers.get("connection").and_then(|v| v.to_str().ok());
    assert_eq!(connection, Some("close"), "the unread body ends the connection");

    let reply = anon.get("/api/v1/no/such/thing").await.expect(404);
    assert_eq!(reply.code(), "route_not_found");
    let reply = anon.send(Method::PUT, "/api/v1/events", None).await.expect(405);
    assert_eq!(reply.code(), "method_not_allowed");
}

async fn operations_endpoints(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    assert_eq!(anon.get("/healthz").await.expect(200).body["status"], "ok");
    assert_eq!(anon.get("/readyz").await.expect(200).body["status"], "ready");
    let doc = anon.get("/openapi.json").await.expect(200).body;
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.1")), "{}", doc["openapi"]);
    for path in ["/api/v1/auth/register", "/api/v1/events", "/api/v1/events/{id}/rsvp", "/api/v1/me/blocks"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    // The operations endpoints are documented with their bodies.
    for path in ["/healthz", "/readyz", "/ops/recommendations/model", "/ops/recommendations/retrain"] {
        assert!(doc["paths"][path].is_object(), "{path} documented");
    }
    assert_eq!(
        doc["paths"]["/readyz"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Readiness"
    );
    // Every API operation documents the errors any request can meet, so generated clients know
    // them.
    let api = doc["paths"].as_object().expect("paths").iter().filter(|(path, _)| path.starts_with("/api/"));
    for (path, operations) in api {
        for (method, operation) in operations.as_object().expect("operations") {
            let responses = &operation["responses"];
            for status in ["400", "422", "429"] {
                assert!(responses[status].is_object(), "{method} {path} documents {status}");
            }
            if operation["security"].is_array() {
                assert!(responses["401"].is_object(), "{method} {path} documents 401");
            }
        }
    }
    let docs = anon.http.get(format!("{}/docs/", anon.base)).send().await.expect("docs");
    assert_eq!(docs.status().as_u16(), 200);
    assert!(docs.text().await.expect("html").contains("swagger"), "interactive API page");
    let home = anon.http.get(format!("{}/", anon.base)).send().await.expect("home");
    assert!(home.text().await.expect("html").contains("Mingle"));

    anon.get("/api/v1/events").await.expect(200);
    let metrics = anon.http.get(format!("{}/metrics", anon.base)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    assert!(text.contains("http_requests_total{method=\"GET\",route=\"/api/v1/events\",status=\"200\"}"), "{text}");
    assert!(text.contains("http_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("# HELP http_requests_total HTTP requests by method"), "described: {text}");

    server.stop().await;
}
