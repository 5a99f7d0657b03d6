//! The web app's side of the server: the built client served at `/` with client-side routes
//! falling back to its `index.html` (while the API, docs and operations endpoints keep answering
//! as before), the landing page when no client is built, and the organizers' activity series
//! behind the console's charts.

use chrono::{Duration, SecondsFormat, Utc};
use protocol::events::EventActivity;
use serde_json::json;
use tests::{Backend, TestServer};

on_both_backends!(activity_counts_rsvps_checkins_and_meetings);

/// A built client: `index.html` and one hashed bundle.
fn built_client() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("index.html"), "<!doctype html><title>Mingle app</title><div id=root></div>")
        .expect("index.html");
    std::fs::create_dir(dir.path().join("assets")).expect("assets dir");
    std::fs::write(dir.path().join("assets/index-abc123.js"), "console.log('mingle');").expect("bundle");
    dir
}

async fn get(base: &str, path: &str) -> (u16, String, String, String) {
    let response = reqwest::get(format!("{base}{path}")).await.expect("request sent");
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let (content_type, cache) = (header("content-type"), header("cache-control"));
    let status = response.status().as_u16();
    (status, content_type, cache, response.text().await.expect("body"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_client_is_served_with_app_routes_falling_back_to_index() {
    let dir = built_client();
    let web_dir = dir.path().display().to_string();
    let server = TestServer::start_with(Backend::Sqlite, &["--web-dir", &web_dir]).await;
    let base = &server.base;

    for path in ["/", "/events/0190a9f0-0000-7000-8000-000000000000/live", "/profile", "/signin?next=%2F"] {
        let (status, content_type, cache, body) = get(base, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(content_type.starts_with("text/html"), "{path}: {content_type}");
        assert!(body.contains("Mingle app"), "{path} answers the app");
        assert_eq!(cache, "no-cache", "{path}: the page is revalidated so a new build is picked up");
    }

    let (status, content_type, cache, body) = get(base, "/assets/index-abc123.js").await;
    assert_eq!((status, body.as_str()), (200, "console.log('mingle');"));
    assert!(content_type.contains("javascript"), "{content_type}");
    assert!(cache.contains("immutable"), "hashed bundles are cached for good: {cache}");

    // A missing file is a 404, not the app; so is anything unknown under the API.
    for path in ["/assets/index-old.js", "/favicon.ico", "/api/v1/nope", "/api", "/api/"] {
        let reply = server.client().get(path).await.expect(404);
        assert_eq!(reply.code(), "route_not_found", "{path}");
    }
    // Only GET and HEAD reach the app.
    assert_eq!(server.client().post("/profile", json!({})).await.expect(404).code(), "route_not_found");

    // The API, its document and the operations endpoints answer as before.
    server.client().get("/api/v1/me").await.expect(401);
    assert!(server.client().get("/openapi.json").await.expect(200).body["paths"].is_object());
    server.client().get("/healthz").await.expect(200);
    let (status, _, _, metrics) = get(base, "/metrics").await;
    assert_eq!(status, 200);
    assert!(metrics.contains("http_requests"), "Prometheus text");
    let (status, content_type, _, _) = get(base, "/docs/").await;
    assert_eq!((status, content_type.starts_with("text/html")), (200, true), "Swagger UI");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_built_client_the_landing_page_stays() {
    let empty = tempfile::tempdir().expect("temp dir");
    let web_dir = empty.path().display().to_string();
    let server = TestServer::start_with(Backend::Sqlite, &["--web-dir", &web_dir]).await;
    let (status, content_type, _, body) = get(&server.base, "/").await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("text/html"));
    assert!(body.contains("<h1>Mingle</h1>"), "the landing page");
    assert_eq!(server.client().get("/profile").await.expect(404).code(), "route_not_found");
}

async fn activity_counts_rsvps_checkins_and_meetings(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (org, _) = server.client().register("Olga Organizer").await;
    let (ann, ann_s) = server.client().register("Ann Attendee").await;
    let (ben, _) = server.client().register("Ben Browser").await;
    let event = org.create_online_event("Launch Party", Duration::minutes(-5), Duration::hours(3)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/events/{id}/activity");

    let empty: EventActivity = org.get(&path).await.expect(200).json();
    assert!(empty.points.is_empty(), "nothing happened yet");

    org.go_to(&id).await;
    ann.go_to(&id).await;
    ben.post(&format!("/api/v1/events/{id}/rsvp"), json!({"status": "interested"})).await.expect(200);
    org.post(&format!("/api/v1/events/{id}/checkin"), json!({"user_id": ann_s.user.id})).await.expect(200);
    let starts_at = (Utc::now() + Duration::minutes(10)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let ask = json!({"to_user_id": ann_s.user.id, "message": "Welcome!", "starts_at": starts_at, "place": "Door"});
    let meeting = org.post(&format!("/api/v1/events/{id}/meetings"), ask).await.expect(201);
    // Asked again after a decline: two requests, one person asking, one meeting accepted.
    let decline = format!("/api/v1/meetings/{}/decline", meeting.body["id"].as_str().expect("id"));
    ann.post(&decline, json!({})).await.expect(200);
    let ask = json!({"to_user_id": ann_s.user.id, "message": "Later?", "starts_at": starts_at, "place": "Bar"});
    let meeting = org.post(&format!("/api/v1/events/{id}/meetings"), ask).await.expect(201);
    ann.post(&format!("/api/v1/meetings/{}/accept", meeting.body["id"].as_str().expect("id")), json!({}))
        .await
        .expect(200);

    let activity: EventActivity = org.get(&path).await.expect(200).json();
    assert_eq!(activity.bucket_minutes, 1, "a few minutes of activity come in one-minute buckets");
    let first = activity.points.first().expect("a point");
    assert_eq!((first.rsvps, first.checkins, first.meetings), (0, 0, 0), "the series starts from zero");
    let last = activity.points.last().expect("a point");
    assert_eq!((last.rsvps, last.checkins, last.meetings, last.requesters, last.accepted), (3, 1, 2, 1, 1));
    assert!(activity.points.windows(2).all(|w| w[0].at < w[1].at && w[0].rsvps <= w[1].rsvps), "running totals");

    assert_eq!(ann.get(&path).await.expect(403).code(), "not_organizer");
    server.client().get(&path).await.expect(401);
    org.get("/api/v1/events/0190a9f0-0000-7000-8000-000000000000/activity").await.expect(404);
    org.get("/api/v1/events/not-a-uuid/activity").await.expect(400);
}
