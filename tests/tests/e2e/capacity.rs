//! The capacity forecast end to end: an event starting soon, with people going, raises the
//! forecast and the recommended replicas of `GET /ops/capacity` above what the same platform
//! needs with nothing on the calendar, and `/metrics` carries the gauges.

use chrono::{DateTime, Duration, Utc};
use protocol::ops::CapacityForecast;
use serde_json::json;
use tests::{Backend, Client, TestServer};

const TOKEN: &str = "operator-token-for-tests";

on_both_backends!(an_event_starting_soon_raises_the_forecast_and_the_replicas);

/// The first forecast made after `after` (the node makes one a second here).
async fn forecast_after(ops: &Client, after: DateTime<Utc>) -> CapacityForecast {
    for _ in 0..200 {
        let reply = ops.get("/ops/capacity").await;
        if reply.status == 200 {
            let forecast: CapacityForecast = reply.json();
            if forecast.generated_at > after {
                return forecast;
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no capacity forecast made after {after}");
}

async fn an_event_starting_soon_raises_the_forecast_and_the_replicas(backend: Backend) {
    // Replicas that carry two connections and a thousandth of a check-in a second, without
    // headroom: a handful of people make a difference. A forecast every second.
    let options = [
        ["--ops-token", TOKEN],
        ["--capacity-interval-secs", "1"],
        ["--capacity-node-connections", "2"],
        ["--capacity-node-min-replicas", "1"],
        ["--capacity-node-max-replicas", "100"],
        ["--capacity-matcher-checkins-per-second", "0.001"],
        ["--capacity-matcher-max-replicas", "100"],
        ["--capacity-headroom", "0"],
    ];
    let server = TestServer::start_with(backend, &options.concat()).await;
    let anon = server.client();
    assert_eq!(anon.get("/ops/capacity").await.expect(401).code(), "missing_token");
    let ops = anon.with_token(TOKEN);

    let (olga, _) = anon.register("Olga").await;
    let mut guests = Vec::new();
    for i in 0..12 {
        guests.push(anon.register(&format!("Guest {i}")).await.0);
    }
    // Nothing on the calendar: thirteen people with the app open, and nothing more.
    let quiet = forecast_after(&ops, Utc::now()).await;
    assert_eq!(quiet.baseline_connections, 13, "{quiet:?}");
    assert!(quiet.drivers.is_empty());
    assert_eq!(quiet.horizons.iter().map(|h| h.minutes).collect::<Vec<_>>(), [15, 60]);
    for h in &quiet.horizons {
        assert_eq!(h.connections, 13);
        assert_eq!(h.checkins_per_minute, 0.0);
        assert_eq!((h.replicas.node, h.replicas.matcher), (7, 1), "{h:?}");
    }

    // An online event starting in ten minutes; twelve going, one only interested.
    let event = olga.create_online_event("Launch party", Duration::minutes(10), Duration::hours(1)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    for guest in &guests {
        guest.go_to(&id).await;
    }
    let (ivan, _) = anon.register("Ivan").await;
    ivan.post(&format!("/api/v1/events/{id}/rsvp"), json!({"status": "interested"})).await.expect(200);

    let busy = forecast_after(&ops, Utc::now()).await;
    let driver = busy.drivers.first().expect("the event drives the forecast");
    assert_eq!(driver.event_id.to_string(), id);
    assert_eq!((driver.going, driver.interested, driver.checked_in), (12, 1, 0));
    assert!(driver.online);
    // No history yet: the prior show-up rate of 60%.
    assert!((driver.show_up_rate - 0.6).abs() < 1e-9, "{driver:?}");
    assert!((driver.expected_attendees - 12.0 * driver.show_up_rate).abs() < 1e-9, "{driver:?}");
    assert!(driver.peak_present > 0.0 && driver.peak_present <= driver.expected_attendees);
    for (quiet, busy) in quiet.horizons.iter().zip(&busy.horizons) {
        assert!(busy.connections > quiet.connections, "{busy:?}");
        assert!(busy.checkins_per_minute > 0.0 && busy.messages_per_second > 0.0);
        assert!(busy.replicas.node > quiet.replicas.node, "{busy:?}");
        assert!(busy.replicas.matcher > quiet.replicas.matcher, "{busy:?}");
    }
    // The whole crowd is online within the hour; not yet within the quarter.
    let (short, long) = (&busy.horizons[0], &busy.horizons[1]);
    assert!(long.connections >= short.connections);
    assert!(long.peak_at > busy.generated_at + Duration::minutes(10), "after the start: {long:?}");
    assert_eq!(busy.plan.node_connections, 2);

    let metrics = anon.http.get(format!("{}/metrics", anon.base)).send().await.expect("metrics");
    let text = metrics.text().await.expect("text");
    for gauge in [
        "mingle_capacity_forecast_connections{horizon=\"15m\"}",
        "mingle_capacity_forecast_messages_per_second{horizon=\"60m\"}",
        "mingle_capacity_forecast_checkins_per_minute{horizon=\"60m\"}",
        "mingle_capacity_recommended_replicas{role=\"node\",horizon=\"15m\"}",
        "mingle_capacity_recommended_replicas{role=\"matcher\",horizon=\"60m\"}",
    ] {
        assert!(text.contains(gauge), "{gauge} missing from /metrics");
    }
}
