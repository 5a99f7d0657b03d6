//! Events over HTTP: the organizer and attendee flow from creation to check-in.

use chrono::{Duration, SecondsFormat, Utc};
use protocol::events::{Attendee, Checkin, Event, Rsvp, RsvpStatus};
use protocol::Page;
use serde_json::{json, Value};
use tests::{Backend, Client, TestServer};

on_both_backends!(organizer_and_attendee_flow, search_over_http, permissions_and_validation);

fn at(hours: i64) -> String {
    (Utc::now() + Duration::hours(hours)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn event_body(title: &str, start_in_hours: i64, capacity: Option<i64>) -> Value {
    json!({
        "title": title,
        "description": "An evening of talks about async Rust and the people who write it.",
        "tags": ["rust", "Systems Programming"],
        "starts_at": at(start_in_hours),
        "ends_at": at(start_in_hours + 3),
        "timezone": "Europe/Berlin",
        "venue": {"name": "c-base", "address": "Rungestraße 20", "city": "Berlin", "lat": 52.5129, "lon": 13.4201},
        "capacity": capacity,
    })
}

async fn create(client: &Client, body: Value) -> Event {
    client.post("/api/v1/events", body).await.expect(201).json()
}

async fn organizer_and_attendee_flow(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, org_s) = anon.register("Olga Organizer").await;
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (cat, cat_s) = anon.register("Cat").await;

    let event = create(&org, event_body("Rust Async Night", 1, Some(1))).await;
    assert_eq!(event.tags, ["rust", "systems-programming"]);
    let venue = event.venue.as_ref().expect("a venue");
    assert_eq!((venue.name.as_str(), venue.city.as_str()), ("c-base", "Berlin"));
    assert!(event.is_organizer);
    assert_eq!(event.organizer_ids, [org_s.user.id]);
    assert_eq!(event.starts_at.offset().local_minus_utc(), 3600, "rendered in Europe/Berlin (winter time)");
    let code = event.checkin_code.clone().expect("organizers see the check-in code");
    let public: Event = anon.get(&format!("/api/v1/events/{}", event.id)).await.expect(200).json();
    assert!(public.checkin_code.is_none() && !public.is_organizer);
    let path = |rest: &str| format!("/api/v1/events/{}{rest}", event.id);

    // Capacity 1: Ann gets the seat, Ben and Cat queue in order.
    let a: Rsvp = ann.post(&path("/rsvp"), json!({"status": "going"})).await.expect(200).json();
    assert_eq!(a.status, RsvpStatus::Going);
    let b: Rsvp = ben.post(&path("/rsvp"), json!({"status": "going"})).await.expect(200).json();
    assert_eq!((b.status, b.waitlist_position), (RsvpStatus::Waitlisted, Some(1)));
    let c: Rsvp = cat.post(&path("/rsvp"), json!({"status": "going"})).await.expect(200).json();
    assert_eq!((c.status, c.waitlist_position), (RsvpStatus::Waitlisted, Some(2)));
    let seen: Event = ben.get(&path("")).await.expect(200).json();
    assert_eq!((seen.going_count, seen.waitlist_count, seen.seats_left), (1, 2, Some(0)));
    assert_eq!(seen.my_rsvp, Some(RsvpStatus::Waitlisted));

    // Ann withdraws: Ben is promoted, Cat moves up.
    ann.delete(&path("/rsvp")).await.expect(204);
    ann.delete(&path("/rsvp")).await.expect(409);
    let b: Rsvp = ben.get(&path("/rsvp")).await.expect(200).json();
    assert_eq!(b.status, RsvpStatus::Going);
    let c: Rsvp = cat.get(&path("/rsvp")).await.expect(200).json();
    assert_eq!(c.waitlist_position, Some(1));

    // The organizer adds a seat: Cat is promoted.
    let edited: Event =
        org.patch(&path(""), json!({"capacity": 2, "title": "Rust Async Night II"})).await.expect(200).json();
    assert_eq!((edited.going_count, edited.waitlist_count, edited.title.as_str()), (2, 0, "Rust Async Night II"));
    assert_eq!(edited.description, event.description, "absent fields unchanged");

    // Check-in: Ben with the event's code, Cat by the organizer with her personal code.
    let wrong = ben.post(&path("/checkin"), json!({"code": "NOPE99"})).await.expect(403);
    assert_eq!(wrong.code(), "wrong_code");
    let done: Checkin = ben.post(&path("/checkin"), json!({"code": code.to_lowercase()})).await.expect(200).json();
    assert!(done.newly_checked_in && done.user_id == ben_s.user.id);
    let again: Checkin = ben.post(&path("/checkin"), json!({"code": code})).await.expect(200).json();
    assert!(!again.newly_checked_in);
    let c: Rsvp = cat.get(&path("/rsvp")).await.expect(200).json();
    let done: Checkin = org.post(&path("/checkin"), json!({"code": c.personal_code})).await.expect(200).json();
    assert_eq!(done.user_id, cat_s.user.id);
    ann.post(&path("/checkin"), json!({"user_id": ben_s.user.id})).await.expect(403);
    let not_going = org.post(&path("/checkin"), json!({"user_id": ann_s.user.id})).await.expect(409);
    assert_eq!(not_going.code(), "not_going");
    ben.delete(&path("/rsvp")).await.expect(409);
    // The attendee list as a spreadsheet, for organizers: both checked in, in the event's zone.
    let csv = org
        .http
        .get(format!("{}{}", org.base, path("/attendees.csv")))
        .bearer_auth(org.token.as_deref().expect("signed in"))
        .send()
        .await
        .expect("CSV");
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(csv.headers()["content-disposition"].to_str().expect("ASCII").starts_with("attachment; filename="));
    let csv = csv.text().await.expect("text");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "Name,Headline,Status,Waitlist position,Answered (Europe/Berlin),Checked in (Europe/Berlin)");
    assert_eq!(lines.len(), 3, "{csv}");
    for (line, name) in lines[1..].iter().zip(["Ben", "Cat"]) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!((cells[0], cells[2], cells[3]), (name, "going", ""), "{csv}");
        assert_eq!(cells[5].len(), "2026-12-10 18:30".len(), "checked in: {csv}");
    }
    assert_eq!(ann.get(&path("/attendees.csv")).await.expect(403).code(), "not_organizer");
    let no_code = cat.post(&path("/checkin"), json!({})).await.expect(422);
    assert_eq!(no_code.code(), "validation_failed", "at a venue the code proves presence");

    // Online only, nobody can see a code: joining is checking in, for people going.
    let online = org.create_online_event("Remote Rust", Duration::minutes(30), Duration::hours(1)).await;
    let online = online["id"].as_str().expect("id");
    let online_checkin = format!("/api/v1/events/{online}/checkin");
    let stranger = cat.post(&online_checkin, json!({})).await.expect(409);
    assert_eq!(stranger.code(), "not_going", "only people going join");
    ann.go_to(online).await;
    let joined: Checkin = ann.post(&online_checkin, json!({})).await.expect(200).json();
    assert!(joined.newly_checked_in && joined.user_id == ann_s.user.id);
    let joined: Checkin = ann.post(&online_checkin, json!({"user_id": ann_s.user.id})).await.expect(200).json();
    assert!(!joined.newly_checked_in);
    ann.post(&online_checkin, json!({"code": "NOPE99"})).await.expect(403);

    // Attendees: everyone signed in sees public profiles of people going; hidden ones only the
    // organizers see.
    cat.patch("/api/v1/me", json!({"visibility": "hidden"})).await.expect(200);
    let listed: Page<Attendee> = ann.get(&path("/attendees")).await.expect(200).json();
    let names: Vec<&str> = listed.items.iter().map(|a| a.profile.display_name.as_str()).collect();
    assert_eq!(names, ["Ben"]);
    assert!(listed.items[0].checked_in);
    let listed: Page<Attendee> = org.get(&path("/attendees")).await.expect(200).json();
    assert_eq!(listed.items.len(), 2);
    let page: Page<Attendee> = org.get(&path("/attendees?limit=1")).await.expect(200).json();
    let cursor = page.next_cursor.expect("second page");
    let next: Page<Attendee> = org.get(&path(&format!("/attendees?limit=1&cursor={cursor}"))).await.expect(200).json();
    assert_eq!(next.items.len(), 1);
    assert_ne!(next.items[0].profile.id, page.items[0].profile.id);
    anon.get(&path("/attendees")).await.expect(401);

    // Announcements and co-organizers.
    ann.post(&path("/announcements"), json!({"body": "hi"})).await.expect(403);
    org.post(&path("/announcements"), json!({"body": "Doors open at 18:30"})).await.expect(201);
    org.post(&path("/organizers"), json!({"user_id": ann_s.user.id})).await.expect(200);
    ann.post(&path("/announcements"), json!({"body": "Pizza is here"})).await.expect(201);
    org.post(&path("/announcements"), json!({"body": "   "})).await.expect(422);
    let list: Page<Value> = anon.get(&path("/announcements")).await.expect(200).json();
    let bodies: Vec<&str> = list.items.iter().filter_map(|a| a["body"].as_str()).collect();
    assert_eq!(bodies, ["Pizza is here", "Doors open at 18:30"], "newest first");
    ann.delete(&path(&format!("/organizers/{}", org_s.user.id))).await.expect(409);
    ann.delete(&path(&format!("/organizers/{}", ann_s.user.id))).await.expect(204);
    ann.post(&path("/announcements"), json!({"body": "again"})).await.expect(403);

    // Only the owner deletes, and then it is gone.
    ben.delete(&path("")).await.expect(403);
    org.delete(&path("")).await.expect(204);
    anon.get(&path("")).await.expect(404);
}

async fn search_over_http(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (org, _) = server.client().register("Olga").await;
    create(&org, event_body("Rust Async Night", 24, None)).await;
    let mut paris = event_body("Climate Founders Breakfast", 48, Some(40));
    paris["tags"] = json!(["climate-tech", "startups"]);
    paris["description"] = json!("Coffee with people building carbon removal companies.");
    paris["timezone"] = json!("Europe/Paris");
    paris["venue"] = json!({"name": "Station F", "lat": 48.834, "lon": 2.370});
    create(&org, paris).await;
    let mut online = event_body("Rust in Production", 72, None);
    online["venue"] = Value::Null;
    online["online_url"] = json!("https://meet.example.org/rust");
    create(&org, online).await;
    let mut unlisted = event_body("Private Rust Dinner", 30, None);
    unlisted["visibility"] = json!("unlisted");
    let unlisted = create(&org, unlisted).await;

    let anon = server.client();
    let titles = |reply: tests::Reply| -> Vec<String> {
        reply.expect(200).json::<Page<Event>>().items.into_iter().map(|e| e.title).collect()
    };
    assert_eq!(titles(anon.get("/api/v1/events?q=rust").await), ["Rust Async Night", "Rust in Production"]);
    assert_eq!(titles(anon.get("/api/v1/events?q=carbon%20companies").await), ["Climate Founders Breakfast"]);
    assert_eq!(titles(anon.get("/api/v1/events?q=%22%29%28*%3A%26%7C%21").await), Vec::<String>::new());
    // Where an event is counts too: its venue's city and name.
    assert_eq!(titles(anon.get("/api/v1/events?q=berlin").await), ["Rust Async Night"]);
    assert_eq!(titles(anon.get("/api/v1/events?q=station").await), ["Climate Founders Breakfast"]);
    assert_eq!(titles(anon.get("/api/v1/events?q=rust%20berlin").await), ["Rust Async Night"]);
    assert_eq!(titles(anon.get("/api/v1/events?tag=Climate%20Tech").await), ["Climate Founders Breakfast"]);
    let near: Page<Event> = anon.get("/api/v1/events?lat=48.85&lon=2.35&radius_km=25").await.expect(200).json();
    assert_eq!(near.items.len(), 1);
    let d = near.items[0].distance_km.expect("distance");
    assert!((1.0..5.0).contains(&d), "{d}");
    let window = format!("/api/v1/events?from={}&to={}", at(0).replace('+', "%2B"), at(50));
    assert_eq!(titles(anon.get(&window).await).len(), 2);
    anon.get(&format!("/api/v1/events/{}", unlisted.id)).await.expect(200);

    let first: Page<Event> = anon.get("/api/v1/events?limit=2").await.expect(200).json();
    assert_eq!(first.items.len(), 2);
    let cursor = first.next_cursor.expect("more");
    let second: Page<Event> = anon.get(&format!("/api/v1/events?limit=2&cursor={cursor}")).await.expect(200).json();
    assert_eq!(second.items.len(), 1);
    assert!(second.next_cursor.is_none());
    assert_eq!(second.items[0].title, "Rust in Production");
}

async fn permissions_and_validation(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let (other, _) = anon.register("Otto").await;

    anon.post("/api/v1/events", event_body("x", 1, None)).await.expect(401);
    let mut bad = event_body("", 1, Some(0));
    bad["ends_at"] = json!(at(0));
    bad["timezone"] = json!("Mars/Olympus");
    bad["venue"] = json!({"name": "Somewhere", "city": "x".repeat(101), "lat": 91.0, "lon": -181.0});
    bad["online_url"] = json!("ftp://example.org");
    let reply = org.post("/api/v1/events", bad).await.expect(422);
    let mut fields: Vec<String> = reply.body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .filter_map(|f| f["field"].as_str().map(str::to_owned))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        ["capacity", "ends_at", "online_url", "timezone", "title", "venue.city", "venue.lat", "venue.lon"]
    );
    let mut neither = event_body("Nowhere", 1, None);
    neither["venue"] = Value::Null;
    org.post("/api/v1/events", neither).await.expect(422);
    org.post("/api/v1/events", event_body("Past", -10, None)).await.expect(422);

    let event = create(&org, event_body("Mine", 1, None)).await;
    let path = format!("/api/v1/events/{}", event.id);
    other.patch(&path, json!({"title": "Theirs"})).await.expect(403);
    let reply = org.patch(&path, json!({"ends_at": at(-5)})).await.expect(422);
    assert_eq!(reply.body["error"]["fields"][0]["field"], "ends_at");
    let cleared: Event = org.patch(&path, json!({"capacity": null})).await.expect(200).json();
    assert_eq!(cleared.capacity, None);
    org.patch(&path, json!({"venue": null})).await.expect(422);
    other.delete(&path).await.expect(403);
    let missing = format!("/api/v1/events/{}", uuid::Uuid::now_v7());
    org.get(&missing).await.expect(404);
    org.patch(&missing, json!({"title": "x"})).await.expect(404);
    org.post(&format!("{missing}/rsvp"), json!({"status": "going"})).await.expect(404);
    org.post(&format!("{path}/rsvp"), json!({"status": "waitlisted"})).await.expect(422);
}

on_both_backends!(my_events_lists_organized_and_attended);

async fn my_events_lists_organized_and_attended(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let (ann, _) = anon.register("Ann").await;
    let mut hidden = event_body("Unlisted Planning Call", 5, None);
    hidden["visibility"] = json!("unlisted");
    let hidden = create(&org, hidden).await;
    let public = create(&org, event_body("Public Meetup", 10, None)).await;
    create(&ann, event_body("Ann's Own", 20, None)).await;
    ann.post(&format!("/api/v1/events/{}/rsvp", public.id), json!({"status": "interested"})).await.expect(200);

    let titles = |reply: tests::Reply| -> Vec<String> {
        reply.expect(200).json::<Page<Event>>().items.into_iter().map(|e| e.title).collect()
    };
    assert_eq!(titles(org.get("/api/v1/me/events").await), ["Unlisted Planning Call", "Public Meetup"]);
    assert_eq!(titles(ann.get("/api/v1/me/events?role=attending").await), ["Public Meetup"]);
    assert_eq!(titles(ann.get("/api/v1/me/events?role=organizing").await), ["Ann's Own"]);
    assert_eq!(titles(ann.get("/api/v1/me/events").await), ["Public Meetup", "Ann's Own"]);
    let page: Page<Event> = org.get("/api/v1/me/events?limit=1").await.expect(200).json();
    assert_eq!(page.items[0].id, hidden.id);
    assert!(page.items[0].is_organizer && page.items[0].checkin_code.is_some());
    let next: Page<Event> = org
        .get(&format!("/api/v1/me/events?limit=1&cursor={}", page.next_cursor.expect("more")))
        .await
        .expect(200)
        .json();
    assert_eq!(next.items[0].id, public.id);
    ann.get("/api/v1/me/events?role=everything").await.expect(400);
    anon.get("/api/v1/me/events").await.expect(401);
}
