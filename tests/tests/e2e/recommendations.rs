//! "Events for you": a new user with nothing but onboarding interests gets relevant upcoming
//! events with reasons, brand-new events included; started, full and already-RSVP'd events never
//! appear; people they met make an event rise.

use chrono::Duration;
use serde_json::{json, Value};
use tests::{Backend, Node, TestServer};

on_both_backends!(
    new_users_get_relevant_events_with_reasons,
    organizers_see_audience_segments,
    the_collaborative_model_learns_which_events_go_together,
    operators_retrain_on_demand_and_new_events_are_ranked_by_the_model,
    a_new_model_is_served_to_its_canary_share_until_promoted
);

fn titles(list: &Value) -> Vec<String> {
    list["items"].as_array().map_or_else(Vec::new, |items| {
        items.iter().filter_map(|i| i["event"]["title"].as_str().map(str::to_owned)).collect()
    })
}

fn reasons_of(list: &Value, title: &str) -> String {
    list["items"]
        .as_array()
        .and_then(|items| items.iter().find(|i| i["event"]["title"] == title))
        .map(|i| i["reasons"].to_string())
        .unwrap_or_default()
}

async fn new_users_get_relevant_events_with_reasons(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let (nora, _) = anon.register("Nora").await;
    let (max, max_s) = anon.register("Max").await;
    nora.patch(
        "/api/v1/me",
        json!({"headline": "Product manager", "interests": ["climate-tech", "startups"],
               "seeking": ["a co-founder for a climate startup"]}),
    )
    .await
    .expect(200);

    let create = |title: &'static str, tags: &'static [&'static str], starts_in: Duration| {
        let org = &org;
        async move {
            let event = org.create_online_event(title, starts_in, Duration::hours(2)).await;
            let id = event["id"].as_str().expect("id").to_owned();
            org.patch(&format!("/api/v1/events/{id}"), json!({"tags": tags})).await.expect(200);
            id
        }
    };
    let breakfast = create("Climate tech founders breakfast", &["climate-tech", "startups"], Duration::days(2)).await;
    create("Sourdough baking class", &["baking"], Duration::days(3)).await;
    let baking_two = create("Bread and pastry workshop", &["baking"], Duration::days(4)).await;
    // Brand new, nobody going yet: content alone must carry it.
    create("Carbon removal pitch night", &["climate-tech"], Duration::days(5)).await;
    create("Climate meetup already underway", &["climate-tech"], Duration::hours(-1)).await;
    let full = create("Climate investors dinner", &["climate-tech", "startups"], Duration::days(6)).await;
    org.patch(&format!("/api/v1/events/{full}"), json!({"capacity": 1})).await.expect(200);
    max.go_to(&full).await;

    let list = nora.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(list["model_version"].is_null(), "no activity to learn from yet: {list}");
    let ranked = titles(&list);
    let top: Vec<&str> = ranked.iter().take(2).map(String::as_str).collect();
    assert!(
        top.contains(&"Climate tech founders breakfast") && top.contains(&"Carbon removal pitch night"),
        "climate events first: {ranked:?}"
    );
    let reasons = reasons_of(&list, "Climate tech founders breakfast");
    assert!(reasons.contains("Matches your interest in climate-tech and startups"), "{reasons}");
    assert!(reasons.contains("a co-founder for a climate startup"), "what she seeks is named: {reasons}");
    assert!(!ranked.iter().any(|t| t.contains("underway") || t.contains("investors dinner")), "{ranked:?}");
    for item in list["items"].as_array().expect("items") {
        let score = item["score"].as_f64().expect("score");
        assert!((0.0..=1.0).contains(&score) && item["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{item}");
    }

    // An RSVP takes the event off the list.
    nora.go_to(&breakfast).await;
    let ranked = titles(&nora.get("/api/v1/recommendations/events").await.expect(200).body);
    assert!(!ranked.contains(&"Climate tech founders breakfast".to_owned()), "{ranked:?}");

    // Nora met Max at the breakfast; Max is going to a baking workshop, which now says so and
    // ranks above its twin.
    max.go_to(&breakfast).await;
    nora.patch("/api/v1/me", json!({"matchmaking": true})).await.expect(200);
    nora.post(&format!("/api/v1/events/{breakfast}/suggestions/{}/feedback", max_s.user.id), json!({"verdict": "met"}))
        .await
        .expect(204);
    max.go_to(&baking_two).await;
    let list = nora.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(reasons_of(&list, "Bread and pastry workshop").contains("Someone you met is going"), "{list}");
    let ranked = titles(&list);
    let position = |t: &str| ranked.iter().position(|x| x == t).expect("listed");
    assert!(position("Bread and pastry workshop") < position("Sourdough baking class"), "{ranked:?}");

    // Bad queries are refused with field errors; no sign-in, no recommendations.
    assert_eq!(nora.get("/api/v1/recommendations/events?limit=0").await.expect(422).code(), "validation_failed");
    assert_eq!(nora.get("/api/v1/recommendations/events?lat=52.5").await.expect(422).code(), "validation_failed");
    anon.get("/api/v1/recommendations/events").await.expect(401);
}

/// Organizers see their audience in groups of similar people, named by shared interests.
async fn organizers_see_audience_segments(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let event = org.create_online_event("Mixed crowd", Duration::days(1), Duration::hours(2)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let people = [
        ("Dana", "Data engineer", ["data-engineering", "sql"]),
        ("Dirk", "Analytics engineer", ["data-engineering", "dbt"]),
        ("Dora", "Database administrator", ["sql", "data-engineering"]),
        ("Bea", "Pastry chef", ["baking", "pastry"]),
        ("Bo", "Home baker", ["baking", "sourdough"]),
        ("Bianca", "Bakery owner", ["baking", "pastry"]),
    ];
    let mut someone = None;
    for (name, headline, interests) in people {
        let (client, _) = anon.register(name).await;
        client.patch("/api/v1/me", json!({"headline": headline, "interests": interests})).await.expect(200);
        client.go_to(&id).await;
        someone = Some(client);
    }
    let body = org.get(&format!("/api/v1/events/{id}/segments")).await.expect(200).body;
    assert_eq!(body["audience"], 6);
    let segments = body["segments"].as_array().expect("segments");
    assert_eq!(segments.len(), 2, "{body}");
    let labels: Vec<String> =
        segments.iter().map(|s| s["top_interests"][0].as_str().unwrap_or("").to_owned()).collect();
    assert!(labels.contains(&"baking".to_owned()) && labels.contains(&"data-engineering".to_owned()), "{body}");
    assert!(segments.iter().all(|s| s["size"] == 3), "{body}");
    let attendee = someone.expect("an attendee");
    assert_eq!(attendee.get(&format!("/api/v1/events/{id}/segments")).await.expect(403).code(), "not_organizer");
}

/// Two crowds, each going to its own series of look-alike events: once the collaborative model
/// is trained, someone who went with the first crowd is steered to the first crowd's next event,
/// which text alone could not tell apart.
/// Two crowds of 20 people each: crowd A (interests `interests[0]`) goes to four "Evening
/// gathering A{n}" events, crowd B (`interests[1]`) to four "B{n}"; answers the A and B event ids.
async fn two_crowds(
    server: &TestServer,
    org: &tests::Client,
    interests: [&[&str]; 2],
) -> (Vec<uuid::Uuid>, Vec<uuid::Uuid>) {
    use server::store::{NewUser, RsvpRow};
    let series = |crowd: &'static str| async move {
        let mut ids = Vec::new();
        for n in 0..4 {
            let title = format!("Evening gathering {crowd}{n}");
            let event = org.create_online_event(&title, Duration::days(2 + n), Duration::hours(2)).await;
            ids.push(event["id"].as_str().expect("id").parse::<uuid::Uuid>().expect("uuid"));
        }
        ids
    };
    let (a, b) = (series("A").await, series("B").await);
    let person = |i: usize| NewUser {
        email: format!("crowd{i}@example.org"),
        password_hash: "unused".into(),
        display_name: format!("C{i}"),
        headline: String::new(),
        bio: String::new(),
        interests: interests[usize::from(i >= 20)].iter().map(|s| (*s).to_owned()).collect(),
        seeking: Vec::new(),
        offering: Vec::new(),
        visibility: protocol::users::ProfileVisibility::Public,
        matchmaking: false,
        created_at: 0,
        pending_since: None,
    };
    let ids = server.store.create_users_bulk(&(0..40).map(person).collect::<Vec<_>>()).await.expect("users");
    let going = |i: usize, user: uuid::Uuid, event: uuid::Uuid| RsvpRow {
        event_id: event,
        user_id: user,
        status: protocol::events::RsvpStatus::Going,
        personal_code: format!("P{i:07}"),
        waitlisted_at: None,
        checked_in_at: None,
        created_at: 0,
        updated_at: 0,
    };
    let mut rows = Vec::new();
    for (i, &user) in ids.iter().enumerate() {
        let events = if i < 20 { &a } else { &b };
        rows.extend(events.iter().map(|&e| going(i, user, e)));
    }
    server.store.insert_rsvps_bulk(&rows).await.expect("rsvps");
    (a, b)
}

async fn the_collaborative_model_learns_which_events_go_together(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (org, _) = server.client().register("Olga").await;
    let (a, _) = two_crowds(&server, &org, [&[], &[]]).await;

    let (nina, _) = server.client().register("Nina").await;
    nina.go_to(&a[0].to_string()).await;
    nina.go_to(&a[1].to_string()).await;
    let version = server.recommender.retrain(&server.store).await.expect("trained");
    assert_eq!(version, Some(1), "enough interactions to learn from");
    let list = nina.get("/api/v1/recommendations/events").await.expect(200).body;
    assert_eq!(list["model_version"], 1);
    let ranked = titles(&list);
    let position = |t: &str| ranked.iter().position(|x| x == t).unwrap_or(usize::MAX);
    for n in 2..4 {
        let (mine, theirs) = (format!("Evening gathering A{n}"), format!("Evening gathering B{n}"));
        assert!(position(&mine) < position(&theirs), "{mine} before {theirs}: {ranked:?}");
    }
    assert!(reasons_of(&list, "Evening gathering A2").contains("Popular with people who go where you go"), "{list}");
    let again = server.recommender.retrain(&server.store).await.expect("trained again");
    assert_eq!(again, Some(2), "each training is a new version");
}

async fn operators_retrain_on_demand_and_new_events_are_ranked_by_the_model(backend: Backend) {
    const TOKEN: &str = "operator-token-for-tests";
    let server = TestServer::start_with(backend, &["--ops-token", TOKEN]).await;
    let anon = server.client();
    let retrain = "/ops/recommendations/retrain";
    anon.post(retrain, json!({})).await.expect(401);
    let mut intruder = server.client();
    intruder.token = Some("not-the-token".into());
    assert_eq!(intruder.post(retrain, json!({})).await.expect(401).code(), "invalid_token");
    intruder.get("/ops/recommendations/model").await.expect(401);
    let mut ops = server.client();
    ops.token = Some(TOKEN.into());
    // The scheduled training runs once at start-up and finds nothing to learn from.
    let mut state = Value::Null;
    for _ in 0..600 {
        state = ops.get("/ops/recommendations/model").await.expect(200).body;
        if state["training"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(state, json!({"model": null, "training": false}));

    let (org, _) = anon.register("Olga").await;
    let (a, _) = two_crowds(&server, &org, [&["jazz", "live music"], &["bouldering", "climbing"]]).await;
    let (nina, _) = anon.register("Nina").await;
    nina.go_to(&a[0].to_string()).await;
    nina.go_to(&a[1].to_string()).await;
    let started = ops.post(retrain, json!({})).await.expect(202).body;
    assert_eq!(started["version_in_service"], Value::Null);
    let mut model = Value::Null;
    for _ in 0..600 {
        model = ops.get("/ops/recommendations/model").await.expect(200).body;
        if model["model"]["version"] == 1 && model["training"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(model["model"]["version"], 1, "trained on demand: {model}");
    assert_eq!(model["model"]["interactions"], 162, "{model}");
    assert_eq!(nina.get("/api/v1/recommendations/events").await.expect(200).body["model_version"], 1);

    // A newcomer with interests only is placed in the segment whose profiles are like theirs.
    let (ivo, _) = anon.register("Ivo").await;
    ivo.patch("/api/v1/me", json!({"interests": ["jazz", "live music"]})).await.expect(200);
    let list = ivo.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(
        reasons_of(&list, "Evening gathering A2").contains("20 people with interests like yours are going"),
        "{list}"
    );
    assert!(!reasons_of(&list, "Evening gathering B2").contains("interests like yours"), "{list}");

    // An event created after the model was trained is ranked by it from its text.
    org.create_online_event("Evening gathering A4", Duration::days(8), Duration::hours(2)).await;
    let list = nina.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(titles(&list).contains(&"Evening gathering A4".to_owned()), "{list}");

    // Without a configured token the operator endpoints are off.
    let plain = TestServer::start(backend).await;
    let mut guess = plain.client();
    guess.token = Some(TOKEN.into());
    assert_eq!(guess.post(retrain, json!({})).await.expect(403).code(), "ops_disabled");
}

/// Deletes what matcher workers published about the recommendation model, so this test's worker
/// starts from nothing.
async fn reset_shared_models() {
    use fred::prelude::*;
    let client = Builder::from_config(Config::from_url(&tests::redis_url()).expect("url")).build().expect("client");
    client.init().await.expect("redis");
    for key in [
        "mingle:recommender:model:1",
        "mingle:recommender:published",
        "mingle:recommender:training",
        "mingle:recommender:retrain",
    ] {
        let _: i64 = client.del(key).await.expect("DEL");
    }
    let _ = client.quit().await;
}

/// A node whose matcher runs in workers never loads the text model: a worker trains the model
/// and embeds the node's texts, and the node serves what a node training its own would, the
/// collaborative signal, the newcomer's segment and profile phrases included.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_serves_the_model_and_the_vectors_of_matcher_workers() {
    const TOKEN: &str = "operator-token-for-tests";
    let _alone = tests::MATCHER_WORKERS.lock().await;
    reset_shared_models().await;
    let reference = TestServer::start_with(Backend::Postgres, &["--ops-token", TOKEN]).await;
    let redis = tests::redis_url();
    let node = Node::spawn(&reference.db, &["--redis-url", &redis, "--matcher", "workers", "--ops-token", TOKEN]).await;
    let _worker = Node::spawn_matcher(&reference.db, &["--redis-url", &redis]).await;
    let (org, _) = reference.client().register("Olga").await;
    let (a, _) = two_crowds(&reference, &org, [&["jazz", "live music"], &["bouldering", "climbing"]]).await;
    let (nina, nina_s) = node.client().register("Nina").await;
    nina.go_to(&a[0].to_string()).await;
    nina.go_to(&a[1].to_string()).await;

    let mut ops = node.client();
    ops.token = Some(TOKEN.into());
    let mut model = Value::Null;
    for _ in 0..600 {
        // Asked again until a model is there: the worker may be busy with its start-up check.
        if model["training"] != true {
            ops.post("/ops/recommendations/retrain", json!({})).await;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        model = ops.get("/ops/recommendations/model").await.expect(200).body;
        if model["model"]["interactions"] == 162 {
            break;
        }
    }
    assert_eq!(model["model"]["interactions"], 162, "the worker's model is in service on the node: {model}");
    let list = nina.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(list["model_version"].as_u64().is_some(), "{list}");
    assert!(reasons_of(&list, "Evening gathering A2").contains("Popular with people who go where you go"), "{list}");
    // The node that trained its own model on the same data puts the same two events first.
    reference.recommender.retrain(&reference.store).await.expect("trained");
    let reference_list =
        reference.client().with_token(&nina_s.access_token).get("/api/v1/recommendations/events").await;
    let top = |list: &Value| {
        let mut top = titles(list).into_iter().take(2).collect::<Vec<_>>();
        top.sort();
        top
    };
    assert_eq!(top(&list), ["Evening gathering A2", "Evening gathering A3"], "{list}");
    assert_eq!(top(&reference_list.expect(200).body), top(&list));

    // A newcomer's profile is embedded by the worker: their segment and their phrases count.
    let (ivo, _) = node.client().register("Ivo").await;
    let profile = json!({"interests": ["jazz", "live music"], "seeking": ["a jazz trio to play with"]});
    ivo.patch("/api/v1/me", profile).await.expect(200);
    org.create_online_event("Jazz trio jam", Duration::days(9), Duration::hours(2)).await;
    let list = ivo.get("/api/v1/recommendations/events").await.expect(200).body;
    assert!(
        reasons_of(&list, "Evening gathering A2").contains("20 people with interests like yours are going"),
        "{list}"
    );
    assert!(
        reasons_of(&list, "Jazz trio jam").contains(r#"Fits \"a jazz trio to play with\" from your profile"#),
        "{list}"
    );
}

/// With a canary share, a second model is served to about that share of people, each always to
/// the same arm; the registry shows the experiment; an operator's promotion puts the canary in
/// service for everyone and is recorded as forced, with the numbers of its last look.
async fn a_new_model_is_served_to_its_canary_share_until_promoted(backend: Backend) {
    const TOKEN: &str = "operator-token-for-tests";
    let server = TestServer::start_with(backend, &["--ops-token", TOKEN, "--canary-share", "0.5"]).await;
    let (org, _) = server.client().register("Olga").await;
    two_crowds(&server, &org, [&[], &[]]).await;
    let ops = server.client().with_token(TOKEN);
    assert_eq!(ops.post("/ops/models/recommender/promote", json!({})).await.expect(404).code(), "no_experiment");

    assert_eq!(server.recommender.retrain(&server.store).await.expect("trained"), Some(1));
    assert!(server.recommender.canary().is_none(), "the first model goes straight into service");
    assert_eq!(server.recommender.retrain(&server.store).await.expect("trained"), Some(2));
    let registry = ops.get("/ops/models").await.expect(200).body;
    let running = &registry["running"][0];
    assert_eq!(running["kind"], "recommender");
    assert_eq!((running["canary_version"].as_str(), running["control_version"].as_str()), (Some("2"), Some("1")));
    assert_eq!(running["share"], 0.5);

    // Twenty people, asked twice each: the same version both times, and both versions in use.
    let mut versions = Vec::new();
    for i in 0..20 {
        let (person, _) = server.client().register(&format!("Reader {i}")).await;
        let first = person.get("/api/v1/recommendations/events").await.expect(200).body["model_version"].clone();
        let second = person.get("/api/v1/recommendations/events").await.expect(200).body["model_version"].clone();
        assert_eq!(first, second, "a person stays in their arm");
        versions.push(first.as_u64().expect("a version"));
    }
    assert!(versions.contains(&1) && versions.contains(&2), "both arms served: {versions:?}");

    let decided = ops.post("/ops/models/recommender/promote", json!({})).await.expect(200).body;
    assert_eq!((decided["verdict"].as_str(), decided["forced"].as_bool()), (Some("promote"), Some(true)));
    assert_eq!(decided["canary_version"], "2");
    assert!(server.recommender.canary().is_none());
    assert_eq!(server.recommender.collaborative().map(|m| m.version), Some(2));
    let (late, _) = server.client().register("Late reader").await;
    assert_eq!(late.get("/api/v1/recommendations/events").await.expect(200).body["model_version"], 2);
    // The registry lists both versions (the first retired) and the forced decision.
    for _ in 0..50 {
        let registry = ops.get("/ops/models").await.expect(200).body;
        let statuses: Vec<(String, String)> = registry["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| (v["version"].as_str().unwrap_or("").to_owned(), v["status"].as_str().unwrap_or("").to_owned()))
            .collect();
        if statuses.contains(&("2".to_owned(), "current".to_owned()))
            && statuses.contains(&("1".to_owned(), "retired".to_owned()))
        {
            assert_eq!(registry["running"], json!([]));
            assert_eq!(registry["decisions"][0]["verdict"], "promote");
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the registry never showed the promotion: {}", ops.get("/ops/models").await.body);
}
