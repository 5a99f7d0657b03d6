//! The store suite: the same cases against SQLite and PostgreSQL, through the store API alone.

use std::collections::HashSet;

use chrono::Utc;
use protocol::events::{EventVisibility, RsvpStatus};
use protocol::users::ProfileVisibility;
use server::conflict::Conflict;
use server::store::{
    now_ms, EventFields, EventFilter, NewEvent, NewUser, ProfileChanges, RotateOutcome, Store, StoreError, VenueFields,
};
use tests::{Backend, TestDb};
use uuid::Uuid;

on_both_backends!(
    users_and_profiles,
    visibility_and_blocks,
    refresh_token_rotation,
    waitlist_promotes_in_order,
    concurrent_rsvps_never_exceed_capacity,
    search_filters_and_pages,
    checkin_rules,
    active_counts_are_kept_once_final
);

async fn store(backend: Backend) -> (Store, TestDb) {
    let db = TestDb::new(backend).await;
    let store = Store::connect(&db.url).await.expect("connect and migrate");
    (store, db)
}

async fn user(store: &Store, name: &str) -> Uuid {
    let email = format!("{name}@example.org");
    store.create_user(&NewUser::registered(email, "hash".into(), name.into())).await.expect("create user").id
}

fn fields(title: &str, starts_in_hours: i64, capacity: Option<i64>) -> EventFields {
    let start = Utc::now().timestamp_millis() + starts_in_hours * 3_600_000;
    EventFields {
        title: title.into(),
        description: String::new(),
        tags: vec![],
        starts_at: start,
        ends_at: start + 2 * 3_600_000,
        timezone: "Europe/Berlin".into(),
        venue: Some(VenueFields {
            name: "Hall".into(),
            address: String::new(),
            city: "Berlin".into(),
            lat: 52.52,
            lon: 13.405,
        }),
        online_url: None,
        capacity,
        visibility: EventVisibility::Public,
    }
}

async fn event(store: &Store, owner: Uuid, f: EventFields) -> Uuid {
    store.create_event(&NewEvent { owner_id: owner, fields: f, checkin_code: "ABC234".into() }).await.expect("event").id
}

async fn users_and_profiles(backend: Backend) {
    let (store, _db) = store(backend).await;
    let ada = user(&store, "ada").await;
    let again = store.create_user(&NewUser::registered("ada@example.org".into(), "h".into(), "Ada 2".into())).await;
    assert!(matches!(again, Err(StoreError::Conflict(Conflict::EmailTaken))), "{again:?}");

    let changes = ProfileChanges {
        headline: Some("Compiler engineer".into()),
        interests: Some(vec!["rust".into(), "compilers".into()]),
        seeking: Some(vec!["a co-founder".into()]),
        visibility: Some(ProfileVisibility::Attendees),
        ..ProfileChanges::default()
    };
    let row = store.update_profile(ada, &changes).await.expect("update");
    assert_eq!(row.headline, "Compiler engineer");
    assert_eq!(server::store::parse_list(&row.interests), vec!["rust", "compilers"]);
    assert_eq!(row.display_name, "ada", "untouched fields stay");
    assert_eq!(row.visibility, ProfileVisibility::Attendees);
    let by_email = store.user_by_email("ada@example.org").await.expect("query").expect("found");
    assert_eq!(by_email.id, ada);
    assert!(matches!(store.update_profile(Uuid::now_v7(), &changes).await, Err(StoreError::NotFound)));
}

async fn visibility_and_blocks(backend: Backend) {
    let (store, _db) = store(backend).await;
    let (a, b, c) = (user(&store, "a").await, user(&store, "b").await, user(&store, "c").await);
    let hidden = ProfileChanges { visibility: Some(ProfileVisibility::Attendees), ..Default::default() };
    let b_row = store.update_profile(b, &hidden).await.expect("update");

    assert!(!store.can_view_profile(a, &b_row).await.expect("query"), "attendees-only before sharing an event");
    let e = event(&store, c, fields("Meetup", 1, None)).await;
    store.set_rsvp(e, a, true).await.expect("rsvp a");
    store.set_rsvp(e, b, true).await.expect("rsvp b");
    assert!(store.can_view_profile(a, &b_row).await.expect("query"), "both going to the same event");
    assert!(store.can_view_profile(c, &b_row).await.expect("query"), "organizer of b's event");

    store.block(b, a).await.expect("block");
    store.block(b, a).await.expect("blocking twice is fine");
    assert!(!store.can_view_profile(a, &b_row).await.expect("query"), "blocked either way");
    assert!(store.is_blocked_either_way(a, b).await.expect("query"));
    assert_eq!(store.blocks(b).await.expect("list").len(), 1);
    assert!(store.unblock(b, a).await.expect("unblock"));
    assert!(!store.unblock(b, a).await.expect("unblock again"));

    let gone = ProfileChanges { visibility: Some(ProfileVisibility::Hidden), ..Default::default() };
    let b_row = store.update_profile(b, &gone).await.expect("update");
    assert!(!store.can_view_profile(a, &b_row).await.expect("query"));
    assert!(store.can_view_profile(b, &b_row).await.expect("query"), "always yourself");
}

async fn refresh_token_rotation(backend: Backend) {
    let (store, _db) = store(backend).await;
    let u = user(&store, "u").await;
    let family = Uuid::now_v7();
    let later = now_ms() + 60_000;
    store.insert_refresh_token(b"t1", family, u, later).await.expect("insert");
    assert_eq!(
        store.rotate_refresh_token(b"t1", b"t2", later).await.expect("rotate"),
        RotateOutcome::Rotated { user_id: u, session: family }
    );
    assert_eq!(
        store.rotate_refresh_token(b"t2", b"t3", later).await.expect("rotate"),
        RotateOutcome::Rotated { user_id: u, session: family }
    );
    // Replaying t1 revokes the family: t3, though never used, is dead too.
    assert_eq!(store.rotate_refresh_token(b"t1", b"x", later).await.expect("replay"), RotateOutcome::Reused);
    assert_eq!(store.rotate_refresh_token(b"t3", b"t4", later).await.expect("after revoke"), RotateOutcome::Reused);
    assert_eq!(store.rotate_refresh_token(b"nope", b"t5", later).await.expect("unknown"), RotateOutcome::Unknown);

    store.insert_refresh_token(b"old", Uuid::now_v7(), u, now_ms() - 1).await.expect("insert");
    assert_eq!(store.rotate_refresh_token(b"old", b"new", later).await.expect("expired"), RotateOutcome::Expired);

    store.insert_refresh_token(b"s1", Uuid::now_v7(), u, later).await.expect("insert");
    store.revoke_refresh_family(b"s1").await.expect("logout");
    assert_eq!(store.rotate_refresh_token(b"s1", b"s2", later).await.expect("after logout"), RotateOutcome::Reused);
}

async fn waitlist_promotes_in_order(backend: Backend) {
    let (store, _db) = store(backend).await;
    let owner = user(&store, "owner").await;
    let e = event(&store, owner, fields("Small room", 1, Some(2))).await;
    let mut people = Vec::new();
    for name in ["p1", "p2", "p3", "p4", "p5"] {
        people.push(user(&store, name).await);
    }
    let mut statuses = Vec::new();
    for p in &people {
        statuses.push(store.set_rsvp(e, *p, true).await.expect("rsvp").rsvp.expect("row").status);
    }
    use RsvpStatus::{Going, Waitlisted};
    assert_eq!(statuses, [Going, Going, Waitlisted, Waitlisted, Waitlisted]);
    let p4 = store.rsvp(e, people[3]).await.expect("q").expect("row");
    assert_eq!(store.waitlist_position(&p4).await.expect("q"), Some(2));

    // Asking again to go keeps one's place; switching to interested leaves the queue.
    store.set_rsvp(e, people[2], true).await.expect("again");
    store.set_rsvp(e, people[3], false).await.expect("interested");
    let p5 = store.rsvp(e, people[4]).await.expect("q").expect("row");
    assert_eq!(store.waitlist_position(&p5).await.expect("q"), Some(2));

    let change = store.cancel_rsvp(e, people[0]).await.expect("cancel");
    assert_eq!(change.promoted, vec![people[2]], "longest waiting first");
    let change = store.set_rsvp(e, people[1], false).await.expect("going -> interested");
    assert_eq!(change.promoted, vec![people[4]]);

    // Raising the capacity seats the rest of the queue, here nobody is left waiting.
    let (row, promoted) = store
        .update_event(e, |current| Ok::<_, ()>(EventFields { capacity: Some(10), ..current.fields() }))
        .await
        .expect("update")
        .expect("apply");
    assert!(promoted.is_empty());
    assert_eq!((row.going_count, row.waitlist_count, row.interested_count), (2, 0, 2));
    assert!(matches!(store.cancel_rsvp(e, people[0]).await, Err(StoreError::Conflict(Conflict::NoRsvp))));
    assert!(matches!(store.set_rsvp(Uuid::now_v7(), owner, true).await, Err(StoreError::NotFound)));
}

async fn concurrent_rsvps_never_exceed_capacity(backend: Backend) {
    let (store, _db) = store(backend).await;
    let owner = user(&store, "owner").await;
    let e = event(&store, owner, fields("Hot ticket", 1, Some(5))).await;
    let mut people = Vec::new();
    for i in 0..24 {
        people.push(user(&store, &format!("fan{i}")).await);
    }
    let tasks: Vec<_> = people
        .iter()
        .map(|p| {
            let store = store.clone();
            let p = *p;
            tokio::spawn(async move { store.set_rsvp(e, p, true).await.expect("rsvp").rsvp.expect("row").status })
        })
        .collect();
    let mut going = 0;
    for t in futures_util::future::join_all(tasks).await {
        if t.expect("task") == RsvpStatus::Going {
            going += 1;
        }
    }
    assert_eq!(going, 5);
    let row = store.event(e).await.expect("q").expect("event");
    assert_eq!((row.going_count, row.waitlist_count), (5, 19));
}

async fn search_filters_and_pages(backend: Backend) {
    let (store, _db) = store(backend).await;
    let owner = user(&store, "owner").await;
    let mut berlin = fields("Rust async workshop", 24, None);
    berlin.tags = vec!["rust".into(), "systems".into()];
    berlin.description = "Futures, executors and cancellation".into();
    let mut paris = fields("Climate founders breakfast", 48, None);
    paris.tags = vec!["climate-tech".into()];
    paris.venue = Some(VenueFields {
        name: "Station F".into(),
        address: String::new(),
        city: "Paris".into(),
        lat: 48.834,
        lon: 2.370,
    });
    let mut online = fields("Running Rust in production", 72, None);
    online.venue = None;
    online.online_url = Some("https://meet.example.org/rust".into());
    online.tags = vec!["rust".into()];
    let mut hidden = fields("Secret Rust dinner", 30, None);
    hidden.visibility = EventVisibility::Unlisted;
    let mut past = fields("Rust history", -100, None);
    past.ends_at = past.starts_at + 3_600_000;
    let ids = [
        event(&store, owner, berlin).await,
        event(&store, owner, paris).await,
        event(&store, owner, online).await,
        event(&store, owner, hidden).await,
        event(&store, owner, past).await,
    ];
    let now = now_ms();
    let titles = |rows: Vec<server::store::EventRow>| rows.into_iter().map(|r| r.title).collect::<Vec<_>>();
    let base = EventFilter { from: Some(now), limit: 10, ..EventFilter::default() };

    let all = titles(store.search_events(&base).await.expect("all"));
    assert_eq!(all, ["Rust async workshop", "Climate founders breakfast", "Running Rust in production"]);

    let q = EventFilter { words: Some(vec!["rust".into()]), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("fts")).len(), 2, "title match, unlisted/past excluded");
    let q = EventFilter { words: Some(vec!["execut".into()]), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("prefix")), ["Rust async workshop"], "description prefix");
    let q = EventFilter { words: Some(vec!["workshops".into()]), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("stem")), ["Rust async workshop"], "stemmed");
    let q = EventFilter { words: Some(vec!["climate".into(), "rust".into()]), ..base.clone() };
    assert!(store.search_events(&q).await.expect("and").is_empty(), "all words must match");
    let q = EventFilter { words: Some(vec![]), ..base.clone() };
    assert!(store.search_events(&q).await.expect("empty").is_empty());

    let q = EventFilter { tag: Some("climate-tech".into()), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("tag")), ["Climate founders breakfast"]);

    let q = EventFilter { near: Some((52.50, 13.40, 10.0)), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("near berlin")), ["Rust async workshop"]);
    let q = EventFilter { near: Some((52.50, 13.40, 900.0)), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("berlin to paris")).len(), 2, "Paris is ~880 km");
    let q = EventFilter { near: Some((52.50, 13.40, 850.0)), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("not paris")).len(), 1);

    let q = EventFilter { to: Some(now + 50 * 3_600_000), ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("window")).len(), 2);
    let q = EventFilter { from: None, ..base.clone() };
    assert_eq!(titles(store.search_events(&q).await.expect("with past")).len(), 4);

    // Keyset pages: limit 1 answers two rows (one to detect the next page), then continue after.
    let mut seen = HashSet::new();
    let mut after = None;
    loop {
        let page = EventFilter { after, limit: 1, ..base.clone() };
        let rows = store.search_events(&page).await.expect("page");
        let first = rows.first().cloned();
        let Some(first) = first else { break };
        assert!(seen.insert(first.id), "no repeats across pages");
        after = Some((first.starts_at, first.id));
        if rows.len() < 2 {
            break;
        }
    }
    assert_eq!(seen.len(), 3);
    assert!(store.delete_event(ids[0]).await.expect("delete"));
    assert!(!store.delete_event(ids[0]).await.expect("delete again"));
    let q = EventFilter { words: Some(vec!["futures".into()]), ..base };
    assert!(store.search_events(&q).await.expect("deleted gone from index").is_empty());
}

async fn checkin_rules(backend: Backend) {
    let (store, _db) = store(backend).await;
    let owner = user(&store, "owner").await;
    let soon = event(&store, owner, fields("Soon", 1, Some(1))).await;
    let later = event(&store, owner, fields("Later", 48, None)).await;
    let (a, b) = (user(&store, "a").await, user(&store, "b").await);
    store.set_rsvp(soon, a, true).await.expect("rsvp");
    store.set_rsvp(soon, b, true).await.expect("waitlisted");
    store.set_rsvp(later, a, true).await.expect("rsvp");

    let first = store.check_in(soon, a).await.expect("check in");
    assert!(matches!(first, server::store::CheckinOutcome::CheckedIn { .. }));
    let again = store.check_in(soon, a).await.expect("again");
    assert!(matches!(again, server::store::CheckinOutcome::AlreadyCheckedIn { .. }));
    assert!(matches!(store.check_in(soon, b).await, Err(StoreError::Conflict(Conflict::NotGoing))), "waitlisted");
    assert!(matches!(store.check_in(later, a).await, Err(StoreError::Conflict(Conflict::CheckinClosed))));
    assert!(matches!(store.cancel_rsvp(soon, a).await, Err(StoreError::Conflict(Conflict::AlreadyCheckedIn))));
    let code = store.rsvp(soon, a).await.expect("q").expect("row").personal_code;
    assert_eq!(store.rsvp_by_code(soon, &code).await.expect("q").expect("row").user_id, a);
}

/// The platform dashboard's active people: a day's counts are kept once the day is final and read
/// back as kept (a late row for it changes nothing), while days not final yet are counted afresh.
async fn active_counts_are_kept_once_final(backend: Backend) {
    use protocol::analytics::{Page, UsageEvent};
    use server::analytics::{rows::row, Keys};
    const DAY: i64 = 86_400_000;
    let (store, _db) = store(backend).await;
    let keys = Keys::from_token_secret(&[7; 32]);
    let seen = |person: u128, day: i64| {
        let view = UsageEvent::PageView { page: Page::Discover, event_id: None };
        row(&keys, day * DAY + 3_600_000, Some(Uuid::from_u128(person)), &view)
    };
    let today = now_ms().div_euclid(DAY);
    // Three people on the day ten days ago, one more on the day before yesterday, one today.
    let old = today - 10;
    store
        .analytics_write(vec![seen(1, old), seen(2, old), seen(3, old), seen(4, today - 2), seen(5, today)])
        .await
        .expect("written");
    let counts = |rows: &[server::store::ActiveRow]| -> Vec<(i64, i64, i64, i64)> {
        rows.iter().map(|r| (r.day - today, r.daily, r.weekly, r.monthly)).collect()
    };
    let first = store.analytics_active(old, today, today - 2).await.expect("counted");
    assert_eq!(first.len(), 11);
    let first = counts(&first);
    assert_eq!(first[0], (-10, 3, 3, 3));
    assert_eq!(first[8], (-2, 1, 1, 4));
    assert_eq!(first[10], (0, 1, 2, 5));
    // A late row for a kept day is not counted again; one for a day not final yet is.
    store.analytics_write(vec![seen(6, old), seen(7, today - 1)]).await.expect("written");
    let second = counts(&store.analytics_active(old, today, today - 2).await.expect("counted"));
    assert_eq!(second[0], (-10, 3, 3, 3), "kept");
    assert_eq!(second[9], (-1, 1, 2, 6), "counted afresh, with the late row of the kept day in its window");
    assert_eq!(second[10], (0, 1, 3, 7));
}
