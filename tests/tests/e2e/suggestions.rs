//! "People to meet": two attendees with complementary intents check in and each is suggested
//! to the other live, with a reason naming what matches; feedback and blocks remove a pair.

use chrono::Duration;
use protocol::realtime::{ChannelMessage, MessageBody};
use serde_json::{json, Value};
use tests::{suggested_names, suggestions, Backend, Client, TestServer, Ws};

on_both_backends!(complementary_attendees_are_suggested_to_each_other_live);
on_both_backends!(lists_follow_profile_edits_blocks_and_shared_history);
on_both_backends!(weights_are_learned_from_outcomes);
on_both_backends!(a_learned_weight_set_is_served_to_its_canary_share_until_decided);

async fn profile(client: &Client, headline: &str, interests: &[&str], seeking: &[&str], offering: &[&str]) {
    client
        .patch(
            "/api/v1/me",
            json!({"headline": headline, "interests": interests, "seeking": seeking, "offering": offering,
                   "matchmaking": true}),
        )
        .await
        .expect(200);
}

fn names(list: &Value) -> Vec<String> {
    list.as_array().map_or_else(Vec::new, |items| {
        items.iter().filter_map(|s| s["user"]["display_name"].as_str().map(str::to_owned)).collect()
    })
}

async fn complementary_attendees_are_suggested_to_each_other_live(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (cat, cat_s) = anon.register("Cat").await;
    profile(
        &ann,
        "Founder of a carbon removal startup",
        &["climate-tech", "startups"],
        &["a Rust mentor"],
        &["intros to climate investors"],
    )
    .await;
    profile(
        &ben,
        "Staff engineer, Rust compilers",
        &["rust", "climate-tech"],
        &["investors for my climate side project"],
        &["Rust mentoring"],
    )
    .await;
    profile(&cat, "Pastry chef", &["baking"], &["a bakery space to rent"], &["sourdough workshops"]).await;

    let event = org.create_online_event("Climate x Code", Duration::hours(1), Duration::hours(3)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    for c in [&ann, &ben, &cat] {
        c.go_to(&id).await;
    }
    // The event starts: from now on only people who checked in are matched.
    let started = (chrono::Utc::now() - Duration::minutes(10)).to_rfc3339();
    org.patch(&format!("/api/v1/events/{id}"), json!({"starts_at": started})).await.expect(200);
    let code = org.get(&format!("/api/v1/events/{id}")).await.body["checkin_code"].as_str().expect("code").to_owned();

    let mut ann_ws = Ws::connect(&server.base, &ann_s.access_token).await;
    ann_ws.subscribe(&format!("user:{}", ann_s.user.id), None).await.expect("subscribed");
    let mut ben_ws = Ws::connect(&server.base, &ben_s.access_token).await;
    ben_ws.subscribe(&format!("user:{}", ben_s.user.id), None).await.expect("subscribed");
    for c in [&ann, &ben, &cat] {
        c.post(&format!("/api/v1/events/{id}/checkin"), json!({"code": code})).await.expect(200);
    }

    let suggested = |name: &'static str| move |m: &ChannelMessage| suggested_names(m).first() == Some(&name);
    let for_ann = ann_ws.message_where(suggested("Ben")).await;
    let reasons = suggestions(&for_ann).expect("a list")[0].reasons.join(" / ");
    assert!(reasons.contains("a Rust mentor") && reasons.contains("Rust mentoring"), "{reasons}");
    let MessageBody::Suggestions { event_id, .. } = &for_ann.body else { unreachable!("a list") };
    assert_eq!(event_id.to_string(), id);
    let for_ben = ben_ws.message_where(suggested("Ann")).await;
    let reasons = suggestions(&for_ben).expect("a list")[0].reasons.join(" / ");
    assert!(reasons.contains("intros to climate investors"), "{reasons}");

    let list = ann.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200).body;
    assert_eq!(names(&list["items"]).first().map(String::as_str), Some("Ben"));
    let score = list["items"][0]["score"].as_f64().expect("score");
    assert!(score > 0.0 && score <= 1.0, "{score}");
    // The baker shares nothing with either: whatever Cat is shown, she ranks below Ben for Ann.
    cat.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200);
    let ranked = names(&list["items"]);
    assert!(ranked.iter().position(|n| n == "Cat").is_none_or(|i| i > 0), "{ranked:?}");

    // "Not relevant" removes the pair for good, both ways. Every list computed since Ben
    // checked in shows him, so a list without him can only come from the feedback.
    ann_ws.forget_pending();
    ann.post(
        &format!("/api/v1/events/{id}/suggestions/{}/feedback", ben_s.user.id),
        json!({"verdict": "not_relevant"}),
    )
    .await
    .expect(204);
    ann_ws.message_where(|m| suggestions(m).is_some() && !suggested_names(m).contains(&"Ben")).await;
    let list = ann.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200).body;
    assert!(!names(&list["items"]).contains(&"Ben".to_owned()));
    let list = ben.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200).body;
    assert!(!names(&list["items"]).contains(&"Ann".to_owned()), "declined pairs never reappear, either way");

    // Without opting in, or without a seat, there is nothing to ask for.
    let (dan, dan_s) = anon.register("Dan").await;
    assert_eq!(dan.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(409).code(), "matchmaking_off");
    dan.patch("/api/v1/me", json!({"matchmaking": true})).await.expect(200);
    assert_eq!(dan.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(403).code(), "not_attending");
    let feedback = |client: &Client, about: String| {
        let path = format!("/api/v1/events/{id}/suggestions/{about}/feedback");
        let client = client.clone();
        async move { client.post(&path, json!({"verdict": "not_relevant"})).await }
    };
    assert_eq!(feedback(&dan, ann_s.user.id.to_string()).await.expect(403).code(), "not_attending");
    // About an unknown id, a hidden person or someone not at the event: one and the same answer.
    let unknown = feedback(&ann, uuid::Uuid::now_v7().to_string()).await.expect(404);
    let absent = feedback(&ann, dan_s.user.id.to_string()).await.expect(404);
    cat.patch("/api/v1/me", json!({"visibility": "hidden"})).await.expect(200);
    let hidden = feedback(&ann, cat_s.user.id.to_string()).await.expect(404);
    assert_eq!(unknown.body, absent.body);
    assert_eq!(unknown.body, hidden.body);
}

/// One person's change updates the lists it affects, live: a newcomer whose profile now fits,
/// a block, and the shared history of two people who were at an earlier event together.
async fn lists_follow_profile_edits_blocks_and_shared_history(backend: Backend) {
    let server = TestServer::start(backend).await;
    let anon = server.client();
    let (org, _) = anon.register("Olga").await;
    let (ann, ann_s) = anon.register("Ann").await;
    let (ben, ben_s) = anon.register("Ben").await;
    let (eve, _) = anon.register("Eve").await;
    profile(&ann, "Founder, carbon removal", &["climate-tech"], &["a Rust mentor"], &["intros to climate investors"])
        .await;
    profile(&ben, "Rust engineer", &["rust"], &["investors for my climate project"], &["Rust mentoring"]).await;
    profile(&eve, "Pastry chef", &["baking"], &["a bakery space to rent"], &["sourdough workshops"]).await;

    // Ann and Ben were both at an earlier meetup (checked in there).
    let earlier = org.create_online_event("Rust meetup", Duration::minutes(-30), Duration::hours(2)).await;
    let earlier = earlier["id"].as_str().expect("id").to_owned();
    let earlier_code =
        org.get(&format!("/api/v1/events/{earlier}")).await.body["checkin_code"].as_str().expect("code").to_owned();
    for c in [&ann, &ben] {
        c.go_to(&earlier).await;
        c.post(&format!("/api/v1/events/{earlier}/checkin"), json!({"code": earlier_code})).await.expect(200);
    }

    let event = org.create_online_event("Climate x Code", Duration::minutes(-10), Duration::hours(3)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let code = org.get(&format!("/api/v1/events/{id}")).await.body["checkin_code"].as_str().expect("code").to_owned();
    let mut ann_ws = Ws::connect(&server.base, &ann_s.access_token).await;
    ann_ws.subscribe(&format!("user:{}", ann_s.user.id), None).await.expect("subscribed");
    let mut ben_ws = Ws::connect(&server.base, &ben_s.access_token).await;
    ben_ws.subscribe(&format!("user:{}", ben_s.user.id), None).await.expect("subscribed");
    for c in [&ann, &ben, &eve] {
        c.go_to(&id).await;
        c.post(&format!("/api/v1/events/{id}/checkin"), json!({"code": code})).await.expect(200);
    }
    // Ann and Ben are also live at the meetup, whose lists arrive on the same channel: only this
    // event's count.
    let here =
        |m: &ChannelMessage| matches!(&m.body, MessageBody::Suggestions { event_id, .. } if event_id.to_string() == id);
    let shows = |name: &'static str| move |m: &ChannelMessage| here(m) && suggested_names(m).contains(&name);
    let for_ann = ann_ws.message_where(shows("Ben")).await;
    let ben_for_ann =
        suggestions(&for_ann).and_then(|items| items.iter().find(|s| s.user.display_name == "Ben")).expect("Ben");
    assert!(
        ben_for_ann.reasons.iter().any(|reason| reason.contains("You were both at an earlier event")),
        "shared history is a reason: {ben_for_ann:?}"
    );

    // Eve rewrites her profile to offer exactly what Ann seeks and seek what Ann offers: Ann's
    // list takes her in without anyone else doing anything.
    eve.patch(
        "/api/v1/me",
        json!({"headline": "Rust trainer", "interests": ["rust", "climate-tech"],
               "seeking": ["intros to climate investors"], "offering": ["a Rust mentor for founders"]}),
    )
    .await
    .expect(200);
    let with_eve = ann_ws.message_where(shows("Eve")).await;
    let reasons: Vec<&str> =
        suggestions(&with_eve).unwrap_or_default().iter().flat_map(|s| &s.reasons).map(String::as_str).collect();
    assert!(reasons.iter().any(|reason| reason.contains("a Rust mentor for founders")), "{reasons:?}");

    // Ben blocks Ann: from then on neither is suggested to the other.
    ben_ws.forget_pending();
    ann_ws.forget_pending();
    ben.post("/api/v1/me/blocks", json!({"user_id": ann_s.user.id})).await.expect(201);
    let without = |name: &'static str| move |m: &ChannelMessage| here(m) && !suggested_names(m).contains(&name);
    ann_ws.message_where(without("Ben")).await;
    ben_ws.message_where(without("Ann")).await;
    for (client, other) in [(&ann, "Ben"), (&ben, "Ann")] {
        let list = client.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200).body;
        assert!(!names(&list["items"]).contains(&other.to_owned()), "{list}");
    }
    assert!(
        names(&ann.get(&format!("/api/v1/events/{id}/suggestions")).await.body["items"]).contains(&"Eve".to_owned())
    );
}

/// The score's weights follow what happened: here people met those with similar work and
/// interests and turned down complementary strangers, so similarity gains weight and fit loses.
async fn weights_are_learned_from_outcomes(backend: Backend) {
    let server = TestServer::start(backend).await;
    let (org, _) = server.client().register("Olga").await;
    let event = org.create_online_event("Outcomes", Duration::hours(1), Duration::hours(2)).await;
    let event: uuid::Uuid = event["id"].as_str().expect("id").parse().expect("uuid");
    seed_outcomes(&server, event, 0, 12).await;
    let engine = server::suggest::Engine::new(
        server.store.clone(),
        server::model::engine(tests::model_dir(), server::model::DEFAULT_CACHE_BYTES),
    );
    let prior = engine.weighting().current();
    engine.retrain().await.expect("retrain");
    let learned = engine.weighting().current();
    assert!(learned.about > prior.about && learned.fit < prior.fit, "{prior:?} -> {learned:?}");
    let sum = learned.fit + learned.about + learned.tags + learned.context;
    assert!((sum - 1.0).abs() < 1e-4, "weights stay a convex combination: {learned:?}");
}

/// Outcomes at `event` of suggested pairs among `count` trios of new people (numbered from
/// `first`): engineers met engineers like them and turned down complementary pastry chefs.
async fn seed_outcomes(server: &TestServer, event: uuid::Uuid, first: usize, count: usize) {
    use protocol::suggestions::Verdict;
    use server::store::NewUser;
    let person = |i: usize, headline: &str, interests: &[&str], seeking: &str, offering: &str| NewUser {
        email: format!("p{i}@example.org"),
        password_hash: "unused".into(),
        display_name: format!("P{i}"),
        headline: headline.into(),
        bio: String::new(),
        interests: interests.iter().map(|s| (*s).to_owned()).collect(),
        seeking: vec![seeking.into()],
        offering: vec![offering.into()],
        visibility: protocol::users::ProfileVisibility::Public,
        matchmaking: true,
        created_at: 0,
        pending_since: None,
    };
    let mut people = Vec::new();
    for i in first..first + count {
        people.push(person(i, "Rust compiler engineer", &["rust"], "a climate investor", "Rust mentoring"));
        people.push(person(100 + i, "Rust compiler engineer", &["rust"], "a climate investor", "Rust mentoring"));
        people.push(person(200 + i, "Pastry chef", &["baking"], "Rust mentoring", "a climate investor"));
    }
    let ids = server.store.create_users_bulk(&people).await.expect("users");
    for i in 0..count {
        let (engineer, peer, chef) = (ids[3 * i], ids[3 * i + 1], ids[3 * i + 2]);
        server.store.record_suggestion_feedback(event, engineer, peer, Verdict::Met).await.expect("met");
        server.store.record_suggestion_feedback(event, engineer, chef, Verdict::NotRelevant).await.expect("declined");
    }
}

/// The rollup's suggestion impressions since the epoch, per weight set and arm.
async fn suggestion_arms(server: &TestServer) -> Vec<(String, String, i64)> {
    let sums = server.store.experiment_arms("suggestions", 0).await.expect("arms");
    let mut arms: Vec<_> = sums.into_iter().map(|s| (s.model_version, s.variant, s.impressions)).collect();
    arms.sort();
    arms
}

/// With a canary share, newly learned weights are served to about that share of attendees (their
/// lists come from a pool scored with the new set, the others' from the set in service), each
/// impression says which set and arm; the registry shows the experiment; an operator's rollback
/// keeps the set in service and the same set is never offered again; a newer set is promoted.
async fn a_learned_weight_set_is_served_to_its_canary_share_until_decided(backend: Backend) {
    const TOKEN: &str = "operator-token-for-tests";
    let server =
        TestServer::start_with(backend, &["--ops-token", TOKEN, "--canary-share", "0.5", "--analytics-flush-ms", "50"])
            .await;
    let ops = server.client().with_token(TOKEN);
    let (org, _) = server.client().register("Olga").await;
    let event = org.create_online_event("Canary night", Duration::hours(1), Duration::hours(3)).await;
    let id = event["id"].as_str().expect("id").to_owned();
    let mut attendees = Vec::new();
    for i in 0..16 {
        let (client, _) = server.client().register(&format!("Guest {i}")).await;
        let (seeking, offering) =
            if i % 2 == 0 { ("a Rust mentor", "climate intros") } else { ("climate intros", "a Rust mentor") };
        profile(&client, &format!("Guest number {i}"), &["rust", "climate-tech"], &[seeking], &[offering]).await;
        client.go_to(&id).await;
        attendees.push(client);
    }
    assert_eq!(ops.post("/ops/models/matcher/rollback", json!({})).await.expect(404).code(), "no_experiment");
    assert_eq!(ops.post("/ops/models/nothing/rollback", json!({})).await.expect(400).code(), "invalid_path");

    let engine = server.suggester.engine().expect("matching in process").clone();
    seed_outcomes(&server, id.parse().expect("uuid"), 0, 12).await;
    engine.retrain().await.expect("learned");
    let canary = engine.weighting().canary().expect("the learned set is on trial");
    let learned = canary.experiment.canary.clone();
    assert_eq!(engine.weighting().current().version(), "default", "the hand-set weights stay in service");
    // Another engine on the same database (a worker, a restarted node) follows the registry.
    let other = server::suggest::Engine::new(
        server.store.clone(),
        server::model::engine(tests::model_dir(), server::model::DEFAULT_CACHE_BYTES),
    );
    other.weighting().sync(&server.store).await.expect("synced");
    let joined = other.weighting().canary().map(|c| (c.experiment.name.clone(), c.experiment.started_at));
    assert_eq!(joined, Some((canary.experiment.name.clone(), canary.experiment.started_at)), "one trial, one start");
    let registry = ops.get("/ops/models").await.expect(200).body;
    let running = registry["running"].as_array().expect("running").iter().find(|r| r["kind"] == "matcher").cloned();
    let running = running.expect("the matcher experiment is listed");
    assert_eq!(
        (running["canary_version"].as_str(), running["control_version"].as_str()),
        (Some(&*learned), Some("default"))
    );
    let on_trial = registry["versions"].as_array().expect("versions").iter().find(|v| v["version"] == learned.as_str());
    let on_trial = on_trial.expect("the learned set is registered").clone();
    assert_eq!((on_trial["kind"].as_str(), on_trial["status"].as_str()), (Some("matcher"), Some("canary")));
    assert_eq!(on_trial["interactions"], 24, "12 met and 12 turned down");
    let (before, after) = (on_trial["offline"]["loss_hand_set"].as_f64(), on_trial["offline"]["loss_learned"].as_f64());
    assert!(before.zip(after).is_some_and(|(b, a)| a < b), "{on_trial}");

    // Everyone asks twice: each impression names the set and arm of the list shown, both arms are
    // in use, and each person stays in theirs.
    for client in &attendees {
        for _ in 0..2 {
            client.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200);
        }
    }
    let mut arms = Vec::new();
    for _ in 0..100 {
        arms = suggestion_arms(&server).await;
        if arms.iter().map(|a| a.2).sum::<i64>() > 0 && arms.iter().all(|a| a.2 % 2 == 0) && arms.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let names: Vec<(&str, &str)> = arms.iter().map(|(v, a, _)| (v.as_str(), a.as_str())).collect();
    assert_eq!(names, [("default", "control"), (learned.as_str(), "canary")], "{arms:?}");

    // Rolled back by an operator: the hand-set weights stay, and the same set is not tried again.
    let decided = ops.post("/ops/models/matcher/rollback", json!({})).await.expect(200).body;
    assert_eq!((decided["verdict"].as_str(), decided["forced"].as_bool()), (Some("rollback"), Some(true)));
    assert_eq!((decided["kind"].as_str(), decided["canary_version"].as_str()), (Some("matcher"), Some(&*learned)));
    assert!(engine.weighting().canary().is_none());
    engine.retrain().await.expect("learned again");
    assert!(engine.weighting().canary().is_none(), "a set rolled back is not offered again");
    let status = |registry: &Value, version: &str| {
        registry["versions"]
            .as_array()
            .expect("versions")
            .iter()
            .find(|v| v["version"] == version)
            .map(|v| v["status"].clone())
    };
    assert_eq!(status(&ops.get("/ops/models").await.body, &learned), Some(json!("rolled_back")));

    // More outcomes make a newer set; promoted, it is in service for everyone.
    seed_outcomes(&server, id.parse().expect("uuid"), 50, 6).await;
    engine.retrain().await.expect("learned");
    let newer = engine.weighting().canary().expect("a newer set on trial").experiment.canary.clone();
    assert_ne!(newer, learned);
    let decided = ops.post("/ops/models/matcher/promote", json!({})).await.expect(200).body;
    assert_eq!(decided["verdict"], "promote");
    assert_eq!(engine.weighting().current().version(), newer);
    other.weighting().sync(&server.store).await.expect("synced");
    assert_eq!((other.weighting().current().version(), other.weighting().canary().is_none()), (newer.clone(), true));
    let registry = ops.get("/ops/models").await.expect(200).body;
    assert_eq!(status(&registry, &newer), Some(json!("current")));
    assert_eq!(status(&registry, "default"), Some(json!("retired")));
    assert!(registry["running"].as_array().expect("running").is_empty());
    // The event's lists are rebuilt with it at the next ask, for everyone.
    for client in &attendees[..4] {
        client.get(&format!("/api/v1/events/{id}/suggestions")).await.expect(200);
    }
    for _ in 0..100 {
        let platform = ops.get("/ops/analytics?days=1").await.expect(200).body;
        let shown =
            platform["matchers"].as_array().expect("matchers").iter().find(|m| m["weights_version"] == newer.as_str());
        if shown.is_some_and(|m| m["impressions"].as_i64() > Some(0)) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("no list was scored with the promoted set: {}", ops.get("/ops/analytics?days=1").await.body);
}
