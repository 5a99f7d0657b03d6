//! A deterministic demo world for `mingle demo-data`: believable people, events in real cities,
//! and RSVPs and check-ins skewed the way real attendance is.
//!
//! Generation runs in two steps. [`plan`] is pure: from a seed and a clock reading it builds the
//! whole world as plain structs that refer to each other by index, so tests can compare two plans
//! and check invariants without a database. [`generate`] then writes a plan through the ordinary
//! [`Store`] API, users and RSVPs in large batches so a default run takes seconds.
//!
//! The world has structure a matcher can learn from: every person has one or two themes (Rust,
//! climate tech, design, ...) that drive their interests, headline, bio, and what they seek and
//! offer; every event belongs to one theme and usually one city; and people mostly RSVP to events
//! of their themes in their home city, with event popularity following a heavy-tailed law.
//!
//! This file is the generator; the word lists it draws from are typed constants in `data.rs`.

mod data;

use std::collections::HashSet;

use anyhow::Context as _;
use chrono::{DateTime, Datelike as _, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone as _, Weekday};
use chrono_tz::Tz;
use protocol::events::{EventVisibility, RsvpStatus};
use protocol::users::ProfileVisibility;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use self::data::{
    City, Culture, Format, Length, Theme, AUDIENCE_NOTES, CITIES, CULTURES, FORMATS, FUTURE_NOTES, GENERAL_OFFERING,
    GENERAL_SEEKING, GENERAL_TAGS, LIVE_NOTES, ONLINE_NOTES, PAST_NOTES, PERSONAL_NOTES, THEMES, VENUE_NOTES,
};
use crate::store::{now_ms, EventFields, NewEvent, NewUser, RsvpRow, Store, VenueFields};
use crate::validate::normalize_tag;

/// The password of every demo account.
const DEMO_PASSWORD: &str = "demo-password";
/// Users per `create_users_bulk` transaction.
const USER_CHUNK: usize = 500;
/// Domain of every demo user's e-mail address (reserved: `.test` never resolves).
pub const DEMO_EMAIL_DOMAIN: &str = "demo.mingle.test";
/// RSVPs per `insert_rsvps_bulk` transaction.
const RSVP_CHUNK: usize = 2000;
/// Alphabet of check-in codes, the same as [`crate::store::random_code`] uses.
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const MINUTE_MS: i64 = 60 * 1000;
const HOUR_MS: i64 = 60 * MINUTE_MS;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Fills `store` with `users` people and `events` events derived from `seed`, and answers a
/// one-line summary. Refuses to run when the database already has demo users (from any seed), so
/// two worlds never mix.
pub async fn generate(store: &Store, seed: u64, users: usize, events: usize) -> anyhow::Result<String> {
    anyhow::ensure!(users > 0 || events == 0, "demo events need at least one demo user to organize them");
    let plan = plan(seed, users, events, now_ms());
    if store.has_users_at_domain(DEMO_EMAIL_DOMAIN).await? {
        anyhow::bail!(
            "the database already holds demo data (users @{DEMO_EMAIL_DOMAIN}); point mingle at a fresh database"
        );
    }
    // Argon2 is deliberately slow: hash once, off the async reactor, and share the hash.
    let password_hash = tokio::task::spawn_blocking(|| crate::auth::hash_password(DEMO_PASSWORD, &mut Vec::new()))
        .await
        .context("password hashing task failed")??;

    let user_ids = write_users(store, &plan.people, &password_hash).await?;
    tracing::info!(users = user_ids.len(), "demo users written");
    let event_ids = write_events(store, &plan.events, &user_ids).await?;
    tracing::info!(events = event_ids.len(), "demo events written");
    let rows: Vec<RsvpRow> = plan.rsvps.iter().map(|r| r.row(&event_ids, &user_ids)).collect();
    for chunk in rows.chunks(RSVP_CHUNK) {
        store.insert_rsvps_bulk(chunk).await.context("inserting demo RSVPs")?;
    }
    Ok(plan.summary())
}

async fn write_users(store: &Store, people: &[Person], password_hash: &str) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(people.len());
    for chunk in people.chunks(USER_CHUNK) {
        let users: Vec<NewUser> = chunk.iter().map(|p| p.new_user(password_hash)).collect();
        ids.extend(store.create_users_bulk(&users).await.context("inserting demo users")?);
    }
    Ok(ids)
}

async fn write_events(store: &Store, events: &[PlannedEvent], user_ids: &[Uuid]) -> anyhow::Result<Vec<Uuid>> {
    let mut ids = Vec::with_capacity(events.len());
    for e in events {
        let new =
            NewEvent { owner_id: user_ids[e.owner], fields: e.fields.clone(), checkin_code: e.checkin_code.clone() };
        let row =
            store.create_event(&new).await.with_context(|| format!("creating demo event {:?}", e.fields.title))?;
        if let Some(co) = e.co_organizer {
            store.add_organizer(row.id, user_ids[co]).await.context("adding a demo co-organizer")?;
        }
        for (author, body) in &e.announcements {
            store.create_announcement(row.id, user_ids[*author], body).await.context("posting a demo announcement")?;
        }
        ids.push(row.id);
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------------
// The plan: the whole world as plain data.
// ---------------------------------------------------------------------------------------------

/// Everything [`generate`] writes. People and events refer to each other by index.
#[derive(Debug, Clone, PartialEq)]
struct Plan {
    people: Vec<Person>,
    events: Vec<PlannedEvent>,
    rsvps: Vec<PlannedRsvp>,
}

/// A demo user's profile plus the hidden traits that shaped it.
#[derive(Debug, Clone, PartialEq)]
struct Person {
    email: String,
    display_name: String,
    headline: String,
    bio: String,
    interests: Vec<String>,
    seeking: Vec<String>,
    offering: Vec<String>,
    visibility: ProfileVisibility,
    /// Opted in to "people to meet" suggestions.
    matchmaking: bool,
    created_at: i64,
    /// Index into [`CITIES`].
    home: usize,
    /// Indexes into [`THEMES`], primary first.
    themes: Vec<usize>,
}

impl Person {
    fn new_user(&self, password_hash: &str) -> NewUser {
        NewUser {
            email: self.email.clone(),
            password_hash: password_hash.to_owned(),
            display_name: self.display_name.clone(),
            headline: self.headline.clone(),
            bio: self.bio.clone(),
            interests: self.interests.clone(),
            seeking: self.seeking.clone(),
            offering: self.offering.clone(),
            visibility: self.visibility,
            matchmaking: self.matchmaking,
            created_at: self.created_at,
            pending_since: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct PlannedEvent {
    /// Index into the plan's people.
    owner: usize,
    co_organizer: Option<usize>,
    fields: EventFields,
    checkin_code: String,
    /// Index into [`THEMES`].
    theme: usize,
    /// Index into [`CITIES`]; `None` for online-only events.
    city: Option<usize>,
    /// Whether people come from other cities too (conferences, hackathons).
    draws_travellers: bool,
    /// How many people answer at all (going, waitlisted or interested).
    demand: usize,
    /// `(author, body)`, author an index into the plan's people.
    announcements: Vec<(usize, String)>,
}

#[derive(Debug, Clone, PartialEq)]
struct PlannedRsvp {
    event: usize,
    user: usize,
    status: RsvpStatus,
    personal_code: String,
    waitlisted_at: Option<i64>,
    checked_in_at: Option<i64>,
    created_at: i64,
}

impl PlannedRsvp {
    fn row(&self, event_ids: &[Uuid], user_ids: &[Uuid]) -> RsvpRow {
        RsvpRow {
            event_id: event_ids[self.event],
            user_id: user_ids[self.user],
            status: self.status,
            personal_code: self.personal_code.clone(),
            waitlisted_at: self.waitlisted_at,
            checked_in_at: self.checked_in_at,
            created_at: self.created_at,
            updated_at: self.checked_in_at.unwrap_or(self.created_at),
        }
    }
}

impl Plan {
    fn summary(&self) -> String {
        let count = |s: RsvpStatus| self.rsvps.iter().filter(|r| r.status == s).count();
        format!(
            "{} users, {} events ({} online), {} RSVPs ({} going, {} waitlisted, {} interested), {} check-ins, \
             {} announcements",
            self.people.len(),
            self.events.len(),
            self.events.iter().filter(|e| e.city.is_none()).count(),
            self.rsvps.len(),
            count(RsvpStatus::Going),
            count(RsvpStatus::Waitlisted),
            count(RsvpStatus::Interested),
            self.rsvps.iter().filter(|r| r.checked_in_at.is_some()).count(),
            self.events.iter().map(|e| e.announcements.len()).sum::<usize>(),
        )
    }
}

/// The world for `seed`, with times relative to `now` (Unix ms). Every random choice comes from
/// the seeded generator, so equal arguments give equal plans.
///
/// Each person, event and audience draws from its own stream of the generator. Some draws depend
/// on the clock (only people at events that have started check in), and separate streams keep
/// such a draw from shifting everything after it: the same seed gives the same people, events and
/// RSVPs whenever it runs, only the times move with `now`.
fn plan(seed: u64, users: usize, events: usize, now: i64) -> Plan {
    let stream = |kind: u64, index: usize| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream((kind << 40) | index as u64);
        rng
    };
    let venues = venue_sites(&mut stream(0, 0));
    let people: Vec<Person> = (0..users).map(|i| person(&mut stream(1, i), i, now)).collect();
    // A few online events are running right now, so a fresh demo always has something live.
    let live = if events == 0 { 0 } else { (events / 50).max(1) };
    let mut planned = Vec::with_capacity(events);
    for i in 0..events {
        if let Some(e) = event(&mut stream(2, i), &people, &venues, now, i < live) {
            planned.push(e);
        }
    }
    let mut rsvps = Vec::new();
    for (i, e) in planned.iter().enumerate() {
        rsvps.extend(answers(&mut stream(3, i), i, e, &people, now));
    }
    Plan { people, events: planned, rsvps }
}

/// Where each venue of each city stands: the city centre jittered by a few kilometres, drawn
/// once so every event at one venue shares its coordinates.
fn venue_sites(rng: &mut ChaCha8Rng) -> Vec<Vec<(f64, f64)>> {
    let round = |x: f64| (x * 1e5).round() / 1e5;
    CITIES
        .iter()
        .map(|c| {
            c.venues
                .iter()
                .map(|_| (round(c.lat + rng.gen_range(-0.025..0.025)), round(c.lon + rng.gen_range(-0.035..0.035))))
                .collect()
        })
        .collect()
}

fn person(rng: &mut ChaCha8Rng, index: usize, now: i64) -> Person {
    let home = pick_weighted(rng, CITIES, |c| c.weight);
    let city = &CITIES[home];
    // Cities are cosmopolitan, but locals are still the largest single group.
    let culture = if rng.gen_bool(0.4) { city.locals } else { &CULTURES[pick_weighted(rng, CULTURES, |c| c.weight)] };
    let first = *pick(rng, culture.first);
    // Some family names come from another culture (marriage, migration, a grandparent).
    let family = if rng.gen_bool(0.1) { pick(rng, CULTURES) } else { culture };
    let last = *pick(rng, family.last);

    let primary = pick_weighted(rng, THEMES, |t| t.weight);
    let mut themes = vec![primary];
    let second = pick_weighted(rng, THEMES, |t| t.weight);
    if second != primary && rng.gen_bool(0.5) {
        themes.push(second);
    }

    let visibility = match rng.gen_range(0..100) {
        0..=2 => ProfileVisibility::Hidden,
        3..=12 => ProfileVisibility::Attendees,
        _ => ProfileVisibility::Public,
    };
    // Everyone signed up well before the oldest event was announced, so no RSVP predates its
    // author's account.
    let created_at = now - rng.gen_range(120 * DAY_MS..1100 * DAY_MS);
    // Most people at a networking platform want to be matched; some only browse.
    let matchmaking = rng.gen_bool(0.8);
    Person {
        email: format!("{}.{}.{}@{DEMO_EMAIL_DOMAIN}", ascii_fold(first), ascii_fold(last), index + 1),
        display_name: format!("{first} {last}"),
        headline: headline(rng, &THEMES[primary]),
        bio: bio(rng, &themes, culture, city.name),
        interests: interests(rng, &themes),
        seeking: phrases(rng, &themes, |t| t.seeking, GENERAL_SEEKING, city.name),
        offering: phrases(rng, &themes, |t| t.offering, GENERAL_OFFERING, city.name),
        visibility,
        matchmaking,
        created_at,
        home,
        themes,
    }
}

fn headline(rng: &mut ChaCha8Rng, theme: &Theme) -> String {
    if rng.gen_bool(0.65) {
        format!("{} at {}", pick(rng, theme.roles), pick(rng, theme.orgs))
    } else {
        (*pick(rng, theme.headlines)).to_owned()
    }
}

/// One to three sentences: what they do, often where they come from, sometimes who they are.
fn bio(rng: &mut ChaCha8Rng, themes: &[usize], culture: &Culture, city: &str) -> String {
    let theme = &THEMES[*pick(rng, themes)];
    let mut sentences = vec![(*pick(rng, theme.bios)).to_owned()];
    if rng.gen_bool(0.6) {
        let hometown = *pick(rng, culture.hometowns);
        sentences.push(if hometown == city {
            format!("Born and raised in {city}.")
        } else if rng.gen_bool(0.5) {
            format!("Grew up in {hometown}, now based in {city}.")
        } else {
            format!("Moved from {hometown} to {city} a few years ago.")
        });
    }
    if rng.gen_bool(0.5) {
        sentences.push((*pick(rng, PERSONAL_NOTES)).to_owned());
    }
    sentences.join(" ")
}

/// Three to eight tags, mostly from the person's themes, the first always from the primary one.
fn interests(rng: &mut ChaCha8Rng, themes: &[usize]) -> Vec<String> {
    let primary = &THEMES[themes[0]];
    let secondary = &THEMES[themes[themes.len() - 1]];
    let count = rng.gen_range(3..=8);
    let mut tags: Vec<&str> = vec![*pick(rng, primary.tags)];
    // Bounded so an unlucky run of duplicates cannot loop for long; lists are long enough that
    // the bound is never reached in practice.
    for _ in 0..64 {
        if tags.len() == count {
            break;
        }
        let source = match rng.gen_range(0..20) {
            0..=10 => primary.tags,
            11..=16 => secondary.tags,
            17..=18 => GENERAL_TAGS,
            _ => pick(rng, THEMES).tags,
        };
        let tag = *pick(rng, source);
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    tags.into_iter().map(normalize_tag).collect()
}

/// One to three phrases drawn from the person's themes through `list`, now and then a general one;
/// `{city}` becomes the person's home city.
fn phrases(
    rng: &mut ChaCha8Rng,
    themes: &[usize],
    list: fn(&Theme) -> &'static [&'static str],
    general: &[&str],
    city: &str,
) -> Vec<String> {
    let count = rng.gen_range(1..=3);
    let mut out: Vec<String> = Vec::with_capacity(count);
    for _ in 0..16 {
        if out.len() == count {
            break;
        }
        let source = if rng.gen_bool(0.15) { general } else { list(&THEMES[*pick(rng, themes)]) };
        let phrase = *pick(rng, source);
        let phrase = phrase.replace("{city}", city);
        if !out.contains(&phrase) {
            out.push(phrase);
        }
    }
    out
}

/// One event, or `None` when there is nobody to organize it. A `live` event is online and running
/// at `now`.
fn event(
    rng: &mut ChaCha8Rng,
    people: &[Person],
    venues: &[Vec<(f64, f64)>],
    now: i64,
    live: bool,
) -> Option<PlannedEvent> {
    let theme_index = pick_weighted(rng, THEMES, |t| t.weight);
    let theme = &THEMES[theme_index];
    let online = live || rng.gen_bool(0.1);
    let format = &FORMATS[pick_weighted(rng, FORMATS, |f| if online && !f.online { 0 } else { f.weight })];
    let city_index = (!online).then(|| pick_weighted(rng, CITIES, |c| c.weight));
    let city = city_index.map(|i| &CITIES[i]);
    let tz = city.map_or(Tz::UTC, |c| c.tz);

    let (starts_at, ends_at) = if live { live_schedule(rng, format, now) } else { schedule(rng, format, tz, now) };
    let (topic, topic_tag) = *pick(rng, theme.topics);
    let title = title(rng, format, topic, city, starts_at, tz);
    let venue = city_index.map(|c| {
        let v = rng.gen_range(0..CITIES[c].venues.len());
        let (name, address) = CITIES[c].venues[v];
        let (lat, lon) = venues[c][v];
        VenueFields { name: name.to_owned(), address: address.to_owned(), city: CITIES[c].name.to_owned(), lat, lon }
    });
    let online_url =
        online.then(|| format!("https://meet.demo.mingle.test/{}-{}", slug(&title), rng.gen_range(1000..10000)));
    let visibility = if rng.gen_bool(0.05) { EventVisibility::Unlisted } else { EventVisibility::Public };
    let description = description(rng, theme, format, topic, city, online);
    let tags = event_tags(rng, theme, topic_tag);

    let owner = organizer(rng, people, theme_index, city_index, None)?;
    let co_organizer =
        if rng.gen_bool(0.3) { organizer(rng, people, theme_index, city_index, Some(owner)) } else { None };
    // Popularity is Pareto-distributed (shape 1.3): most events draw a few dozen answers, a few
    // draw hundreds. Big formats such as conferences attract proportionally more.
    let pareto = (1.0 - rng.gen::<f64>()).powf(-1.0 / 1.3);
    let draws_travellers = matches!(format.length, Length::Days(..));
    // A local event cannot draw more than a fraction of the people who live in its city.
    let reach = match city_index {
        Some(c) if !draws_travellers => people.iter().filter(|p| p.home == c).count() / 2,
        _ => people.len() / 5,
    };
    let demand = ((16.0 * pareto * format.popularity).round() as usize).min(reach).max(3);
    // Organizers book a room for the crowd they expect (three in four answers ask for a seat),
    // and their guess is often off: some events stay half empty, others grow a waitlist.
    let expected_seats = demand as f64 * 0.75 * rng.gen_range(0.5..1.3);
    let capacity = if rng.gen_bool(0.12) {
        None
    } else {
        format.capacities.iter().copied().find(|&c| c as f64 >= expected_seats).or(format.capacities.last().copied())
    };
    let checkin_code = code(rng, 6);
    let announcements = if rng.gen_bool(0.2) {
        let bodies = if starts_at > now {
            FUTURE_NOTES
        } else if ends_at < now {
            PAST_NOTES
        } else {
            LIVE_NOTES
        };
        let authors = [Some(owner), co_organizer];
        let n = rng.gen_range(1..=2);
        bodies
            .choose_multiple(rng, n)
            .map(|body| (authors.choose(rng).copied().flatten().unwrap_or(owner), (*body).to_owned()))
            .collect()
    } else {
        Vec::new()
    };

    Some(PlannedEvent {
        owner,
        co_organizer,
        fields: EventFields {
            title,
            description,
            tags,
            starts_at,
            ends_at,
            timezone: tz.name().to_owned(),
            venue,
            online_url,
            capacity,
            visibility,
        },
        checkin_code,
        theme: theme_index,
        city: city_index,
        draws_travellers,
        demand,
        announcements,
    })
}

/// A date between 60 days ago and 90 days ahead, moved to a day that suits the format, at one of
/// the format's usual local start times.
fn schedule(rng: &mut ChaCha8Rng, format: &Format, tz: Tz, now: i64) -> (i64, i64) {
    let today = DateTime::from_timestamp_millis(now).unwrap_or_default().with_timezone(&tz).date_naive();
    let day = today.checked_add_signed(TimeDelta::days(rng.gen_range(-60..=90))).unwrap_or(today);
    // Hackathons happen on weekends; talks and meetups on weekdays.
    let shift = match (format.weekend, day.weekday()) {
        (true, weekday) => i64::from((12 - weekday.num_days_from_monday()) % 7),
        (false, Weekday::Sat) => -2,
        (false, Weekday::Sun) => 2,
        (false, _) => 0,
    };
    let day = day.checked_add_signed(TimeDelta::days(shift)).unwrap_or(day);
    let (hour, minute) = *pick(rng, format.starts);
    let starts_at = local_ms(tz, day, hour * 60 + minute);
    let ends_at = match format.length {
        Length::Minutes(lo, hi) => starts_at + i64::from(rng.gen_range(lo / 15..=hi / 15) * 15) * MINUTE_MS,
        Length::Days(lo, hi) => {
            let last = day.checked_add_days(Days::new(u64::from(rng.gen_range(lo..=hi) - 1))).unwrap_or(day);
            local_ms(tz, last, 18 * 60)
        }
    };
    (starts_at, ends_at)
}

/// Started between 15 and 60 minutes before `now`, on a quarter hour.
fn live_schedule(rng: &mut ChaCha8Rng, format: &Format, now: i64) -> (i64, i64) {
    let quarter = 15 * MINUTE_MS;
    let starts_at = now - now.rem_euclid(quarter) - rng.gen_range(1..=4) * quarter;
    let minutes = match format.length {
        Length::Minutes(lo, hi) => rng.gen_range(lo / 15..=hi / 15) * 15,
        Length::Days(lo, _) => lo * 9 * 60,
    };
    (starts_at, starts_at + i64::from(minutes) * MINUTE_MS)
}

/// Unix ms of `minutes` after local midnight of `day` in `tz`.
fn local_ms(tz: Tz, day: NaiveDate, minutes: u32) -> i64 {
    let local = day.and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(minutes));
    // Demo events start between 08:00 and 19:00, never inside a daylight-saving gap, so reading
    // the time as UTC is only there to keep this function total.
    tz.from_local_datetime(&local)
        .earliest()
        .map_or_else(|| local.and_utc().timestamp_millis(), |t| t.timestamp_millis())
}

/// "Rust Meetup #12", "Berlin Climate Tech Breakfast", "Online Figma Office Hours",
/// "AI Safety Summit 2026".
fn title(rng: &mut ChaCha8Rng, format: &Format, topic: &str, city: Option<&City>, starts_at: i64, tz: Tz) -> String {
    let mut title = match city {
        Some(c) if rng.gen_bool(0.3) => format!("{} {topic} {}", c.name, format.name),
        None if rng.gen_bool(0.4) => format!("Online {topic} {}", format.name),
        _ => format!("{topic} {}", format.name),
    };
    match format.length {
        Length::Days(..) => {
            let year = DateTime::from_timestamp_millis(starts_at).unwrap_or_default().with_timezone(&tz).year();
            title.push_str(&format!(" {year}"));
        }
        Length::Minutes(..) if rng.gen_bool(0.2) => title.push_str(&format!(" #{}", rng.gen_range(2..=40))),
        Length::Minutes(..) => {}
    }
    title
}

/// An opening line for the format, one or two sentences on the theme, and a practical note.
fn description(
    rng: &mut ChaCha8Rng,
    theme: &Theme,
    format: &Format,
    topic: &str,
    city: Option<&City>,
    online: bool,
) -> String {
    let mut first = vec![pick(rng, format.intros).replace("{topic}", topic)];
    let pitches = if rng.gen_bool(0.5) { 2 } else { 1 };
    first.extend(theme.pitches.choose_multiple(rng, pitches).map(|s| (*s).to_owned()));
    let mut notes = vec![*pick(rng, AUDIENCE_NOTES)];
    notes.push(*pick(rng, if online { ONLINE_NOTES } else { VENUE_NOTES }));
    let mut text = format!("{}\n\n{}", first.join(" "), notes.join(" "));
    if let Some(c) = city {
        text.push_str(&format!(" See you in {}!", c.name));
    }
    text
}

/// Two to five of the theme's tags: the topic's own, usually the theme's headline tag, and a few
/// more.
fn event_tags(rng: &mut ChaCha8Rng, theme: &Theme, topic_tag: &str) -> Vec<String> {
    let count = rng.gen_range(2..=5);
    let mut tags = vec![topic_tag];
    if rng.gen_bool(0.7) && theme.tags[0] != topic_tag {
        tags.push(theme.tags[0]);
    }
    for tag in theme.tags.choose_multiple(rng, theme.tags.len()) {
        if tags.len() >= count {
            break;
        }
        if !tags.contains(tag) {
            tags.push(tag);
        }
    }
    tags.into_iter().map(normalize_tag).collect()
}

/// Someone who shares `theme` and lives in `city` (any city for online events), other than
/// `except`; failing that anyone with the theme; failing that anyone at all.
fn organizer(
    rng: &mut ChaCha8Rng,
    people: &[Person],
    theme: usize,
    city: Option<usize>,
    except: Option<usize>,
) -> Option<usize> {
    let others = || (0..people.len()).filter(move |&i| Some(i) != except);
    let fans: Vec<usize> = others().filter(|&i| people[i].themes.contains(&theme)).collect();
    let local_fans: Vec<usize> = fans.iter().copied().filter(|&i| city.is_none_or(|c| people[i].home == c)).collect();
    let pool = if !local_fans.is_empty() {
        local_fans
    } else if !fans.is_empty() {
        fans
    } else {
        others().collect()
    };
    pool.choose(rng).copied()
}

/// How `event`'s audience answered: who, when, with what status, and who turned up.
///
/// Seats go to the earliest answers; once the event is full, later people who wanted a seat join
/// the waitlist in the order they answered. At events that have started, most people holding a
/// seat check in around the start time.
fn answers(rng: &mut ChaCha8Rng, index: usize, event: &PlannedEvent, people: &[Person], now: i64) -> Vec<PlannedRsvp> {
    let f = &event.fields;
    // RSVPs open when the event is announced (10 to 45 days ahead, and in any case before now)
    // and close when it starts.
    let opened = (f.starts_at - rng.gen_range(10..=45) * DAY_MS).min(now - rng.gen_range(1..=72) * HOUR_MS);
    let closed = f.starts_at.min(now);
    let mut replies: Vec<(i64, usize, bool)> = audience(rng, event, people)
        .into_iter()
        .map(|user| {
            // The square root skews answers towards the start: most people decide late.
            let at = opened + ((closed - opened) as f64 * rng.gen::<f64>().sqrt()) as i64;
            (at, user, rng.gen_bool(0.75))
        })
        .collect();
    replies.sort_unstable();

    let capacity = f.capacity.map_or(usize::MAX, |c| usize::try_from(c).unwrap_or(usize::MAX));
    let started = f.starts_at <= now;
    let show_rate = rng.gen_range(0.60..0.85);
    let mut going = 0;
    let mut last_waitlisted = i64::MIN;
    let mut codes = HashSet::new();
    let mut rsvps = Vec::with_capacity(replies.len());
    for (created_at, user, wants_seat) in replies {
        let (status, waitlisted_at) = if !wants_seat {
            (RsvpStatus::Interested, None)
        } else if going < capacity {
            going += 1;
            (RsvpStatus::Going, None)
        } else if rng.gen_bool(0.6) {
            // Strictly increasing, so the waitlist order is the answer order even on ties.
            last_waitlisted = created_at.max(last_waitlisted + 1);
            (RsvpStatus::Waitlisted, Some(last_waitlisted))
        } else {
            // Finding the event full, some settle for following it.
            (RsvpStatus::Interested, None)
        };
        let checked_in_at = (status == RsvpStatus::Going && started && rng.gen_bool(show_rate))
            .then(|| {
                // Arrivals spread from 20 minutes early to 90 minutes late.
                let arrival = f.starts_at - 20 * MINUTE_MS + rng.gen_range(0..110 * MINUTE_MS);
                arrival.max(created_at).min(f.ends_at)
            })
            .filter(|&at| at <= now);
        let personal_code = loop {
            let c = code(rng, 8);
            if codes.insert(c.clone()) {
                break c;
            }
        };
        rsvps.push(PlannedRsvp { event: index, user, status, personal_code, waitlisted_at, checked_in_at, created_at });
    }
    rsvps
}

/// `event.demand` distinct people, drawn with probability proportional to their [`affinity`]
/// (weighted sampling without replacement, Efraimidis–Spirakis: keep the largest `ln(u) / w`).
fn audience(rng: &mut ChaCha8Rng, event: &PlannedEvent, people: &[Person]) -> Vec<usize> {
    let mut keyed: Vec<(f64, usize)> = people
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != event.owner && Some(i) != event.co_organizer)
        .map(|(i, p)| (rng.gen::<f64>().ln() / affinity(p, event), i))
        .collect();
    keyed.sort_unstable_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.into_iter().take(event.demand).map(|(_, i)| i).collect()
}

/// How strongly `person` is drawn to `event`: the theme matters, and for events in a venue,
/// living in that city matters much more; only big multi-day events draw many travellers.
fn affinity(person: &Person, event: &PlannedEvent) -> f64 {
    let theme = if person.themes[0] == event.theme {
        10.0
    } else if person.themes.contains(&event.theme) {
        6.0
    } else if person.interests.iter().any(|t| event.fields.tags.contains(t)) {
        2.0
    } else {
        0.3
    };
    let place = match event.city {
        None => 1.0,
        Some(c) if c == person.home => 8.0,
        Some(_) if event.draws_travellers => 0.6,
        Some(_) => 0.05,
    };
    theme * place
}

/// The demo world as the rollout simulator sees it (`mingle simulate`): how much each person
/// wants each event, from the hidden traits that drive the world's own RSVPs (themes, home city),
/// scaled to [0, 1]. Row-major, people by events.
#[derive(Debug, Clone)]
pub struct Tastes {
    pub people: usize,
    pub events: usize,
    pub affinity: Vec<f32>,
}

/// The [`Tastes`] of the world `demo-data --seed seed --users users --events events` makes.
pub fn tastes(seed: u64, users: usize, events: usize) -> Tastes {
    let plan = plan(seed, users, events, now_ms());
    // A primary theme in the home city scores 10 × 8.
    let most = 80.0;
    let affinity = plan
        .people
        .iter()
        .flat_map(|person| plan.events.iter().map(move |event| (affinity(person, event) / most).min(1.0) as f32))
        .collect();
    Tastes { people: plan.people.len(), events: plan.events.len(), affinity }
}

/// A code of `len` characters from [`CODE_ALPHABET`].
fn code(rng: &mut ChaCha8Rng, len: usize) -> String {
    (0..len).map(|_| char::from(*pick(rng, CODE_ALPHABET))).collect()
}

/// "Rust Meetup #12" → "rust-meetup-12".
fn slug(title: &str) -> String {
    let folded = title.split(|c: char| !c.is_alphanumeric()).map(ascii_fold).filter(|w| !w.is_empty());
    folded.collect::<Vec<_>>().join("-")
}

/// Lower-case ASCII letters and digits of `text`, with common Latin diacritics folded away
/// ("Łukasz" → "lukasz", "de Vries" → "devries"), for e-mail addresses and URLs.
fn ascii_fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'a'..='z' | '0'..='9' => {
                out.push(c);
                continue;
            }
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ą' => "a",
            'ç' | 'ć' | 'č' => "c",
            'é' | 'è' | 'ê' | 'ë' | 'ę' | 'ě' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ı' => "i",
            'ñ' | 'ń' => "n",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => "o",
            'ú' | 'ù' | 'û' | 'ü' => "u",
            'ł' => "l",
            'ś' | 'š' | 'ş' => "s",
            'ź' | 'ż' | 'ž' => "z",
            'ğ' => "g",
            'ß' => "ss",
            'æ' => "ae",
            _ => "",
        };
        out.push_str(folded);
    }
    out
}

/// A uniformly chosen element. Every word list is non-empty (a test checks), so this never
/// panics on them.
fn pick<'a, T>(rng: &mut ChaCha8Rng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// Index of an element chosen with probability proportional to `weight`; the lists are short,
/// so a linear scan is all it takes.
fn pick_weighted<T>(rng: &mut ChaCha8Rng, items: &[T], weight: impl Fn(&T) -> u32) -> usize {
    let total: u32 = items.iter().map(&weight).sum();
    let mut ticket = rng.gen_range(0..total.max(1));
    for (i, item) in items.iter().enumerate() {
        let w = weight(item);
        if ticket < w {
            return i;
        }
        ticket -= w;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CHECKIN_OPENS_BEFORE_MS;

    /// 2026-01-01T00:00Z, so plans do not depend on when the tests run.
    const NOW: i64 = 1_767_225_600_000;

    #[test]
    fn the_clock_moves_times_not_the_world() {
        let earlier = plan(7, 400, 40, NOW);
        let later = plan(7, 400, 40, NOW + 3 * HOUR_MS);
        let names = |p: &Plan| p.people.iter().map(|x| x.email.clone()).collect::<Vec<_>>();
        let titles =
            |p: &Plan| p.events.iter().map(|e| (e.fields.title.clone(), e.fields.capacity)).collect::<Vec<_>>();
        let answers = |p: &Plan| p.rsvps.iter().map(|r| (r.event, r.user, r.status)).collect::<Vec<_>>();
        assert_eq!(names(&earlier), names(&later));
        assert_eq!(titles(&earlier), titles(&later));
        assert_eq!(answers(&earlier), answers(&later));
    }

    fn world() -> Plan {
        plan(42, 1000, 100, NOW)
    }

    /// Every value `generate` writes for a plan, one line per row, for comparing worlds as text.
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    fn written(p: &Plan) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        for x in &p.people {
            let u = x.new_user("hash");
            let (interests, seeking, offering) = (u.interests.join(","), u.seeking.join(","), u.offering.join(","));
            let visibility = u.visibility.as_str();
            let _ = writeln!(
                out,
                "user|{}|{}|{}|{}|{interests}|{seeking}|{offering}|{visibility}|{}|{}",
                u.email, u.display_name, u.headline, u.bio, u.matchmaking, u.created_at
            );
        }
        for e in &p.events {
            let f = &e.fields;
            let venue = f.venue.as_ref().map(|v| format!("{}/{}/{}/{}", v.name, v.address, v.lat, v.lon));
            let _ = writeln!(
                out,
                "event|{}|{:?}|{}|{}|{}|{}|{}|{venue:?}|{:?}|{:?}|{}|{}|{:?}",
                e.owner,
                e.co_organizer,
                f.title,
                f.description,
                f.tags.join(","),
                f.starts_at,
                f.ends_at,
                f.online_url,
                f.capacity,
                f.visibility.as_str(),
                e.checkin_code,
                e.announcements
            );
            let _ = writeln!(out, "zone|{}", f.timezone);
        }
        for r in &p.rsvps {
            let _ = writeln!(
                out,
                "rsvp|{}|{}|{}|{}|{:?}|{:?}|{}",
                r.event,
                r.user,
                r.status.as_str(),
                r.personal_code,
                r.waitlisted_at,
                r.checked_in_at,
                r.created_at
            );
        }
        out
    }

    /// The demo world is a pure function of the seed and the clock: this digest of everything a
    /// small world writes changes only when the generator or its word lists do. Popularity and
    /// audiences go through `powf` and `ln` from the platform's math library, which may round
    /// differently elsewhere, so the digest is pinned for the platform CI runs on.
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    #[test]
    fn a_seed_gives_the_same_world_byte_for_byte() {
        use sha2::{Digest as _, Sha256};
        let text = written(&plan(42, 300, 30, NOW));
        let digest = format!("{:x}", Sha256::digest(text.as_bytes()));
        assert_eq!(digest, "e95b4626a723eab9e7670034ff2d8567d183e1864b917cebac71dee0d4cb5294");
    }

    #[test]
    fn same_seed_same_world() {
        assert_eq!(plan(7, 300, 30, NOW), plan(7, 300, 30, NOW));
        assert_ne!(plan(7, 300, 30, NOW), plan(8, 300, 30, NOW));
    }

    #[test]
    fn going_never_exceeds_capacity_and_the_waitlist_only_forms_when_full() {
        let w = world();
        let mut saw_waitlist = false;
        for (i, e) in w.events.iter().enumerate() {
            let rsvps: Vec<&PlannedRsvp> = w.rsvps.iter().filter(|r| r.event == i).collect();
            let going = rsvps.iter().filter(|r| r.status == RsvpStatus::Going).count();
            let waiting: Vec<&&PlannedRsvp> = rsvps.iter().filter(|r| r.status == RsvpStatus::Waitlisted).collect();
            if let Some(capacity) = e.fields.capacity {
                assert!(going as i64 <= capacity, "{}: {going} going, capacity {capacity}", e.fields.title);
            }
            if !waiting.is_empty() {
                saw_waitlist = true;
                assert_eq!(Some(going as i64), e.fields.capacity, "{}: waitlist before full", e.fields.title);
            }
            assert!(waiting.windows(2).all(|p| p[0].waitlisted_at < p[1].waitlisted_at));
            assert!(rsvps.iter().all(|r| r.waitlisted_at.is_some() == (r.status == RsvpStatus::Waitlisted)));
        }
        assert!(saw_waitlist, "popular events should fill up");
    }

    #[test]
    fn check_ins_happen_only_at_started_events_within_their_window() {
        let w = world();
        let mut checked_in = 0;
        for r in &w.rsvps {
            let f = &w.events[r.event].fields;
            assert!(r.created_at <= f.starts_at.min(NOW), "RSVP after the start or in the future");
            if let Some(at) = r.checked_in_at {
                checked_in += 1;
                assert_eq!(r.status, RsvpStatus::Going);
                assert!(f.starts_at <= NOW, "check-in at a future event");
                assert!(at >= f.starts_at - CHECKIN_OPENS_BEFORE_MS && at <= f.ends_at && at <= NOW);
            }
        }
        let going_started = w
            .rsvps
            .iter()
            .filter(|r| r.status == RsvpStatus::Going && w.events[r.event].fields.starts_at <= NOW)
            .count();
        let rate = checked_in as f64 / going_started as f64;
        assert!((0.55..0.9).contains(&rate), "show rate {rate}");
    }

    #[test]
    fn codes_and_emails_are_unique_and_well_formed() {
        let w = world();
        let emails: HashSet<&str> = w.people.iter().map(|p| p.email.as_str()).collect();
        assert_eq!(emails.len(), w.people.len());
        for email in emails {
            let (local, domain) = email.split_once('@').unwrap_or_default();
            assert_eq!(domain, "demo.mingle.test");
            let parts: Vec<&str> = local.split('.').collect();
            assert_eq!(parts.len(), 3, "{email}");
            assert!(parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())));
        }
        let codes: HashSet<(usize, &str)> = w.rsvps.iter().map(|r| (r.event, r.personal_code.as_str())).collect();
        assert_eq!(codes.len(), w.rsvps.len());
        let alphabet = |c: &str, len: usize| c.len() == len && c.bytes().all(|b| CODE_ALPHABET.contains(&b));
        assert!(w.rsvps.iter().all(|r| alphabet(&r.personal_code, 8)));
        assert!(w.events.iter().all(|e| alphabet(&e.checkin_code, 6)));
    }

    #[test]
    fn profiles_and_events_pass_the_api_validation_rules() {
        let w = world();
        let valid_tag = |t: &String| {
            normalize_tag(t) == *t
                && (1..=40).contains(&t.len())
                && t.chars().all(|c| c.is_alphanumeric() || "-+#.".contains(c))
        };
        for p in &w.people {
            assert!((3..=8).contains(&p.interests.len()) && p.interests.iter().all(valid_tag), "{:?}", p.interests);
            assert!((1..=3).contains(&p.seeking.len()) && (1..=3).contains(&p.offering.len()));
            assert!(p.headline.chars().count() <= 140 && !p.bio.is_empty());
        }
        for e in &w.events {
            let f = &e.fields;
            assert!((2..=5).contains(&f.tags.len()) && f.tags.iter().all(valid_tag), "{:?}", f.tags);
            let hours = (f.ends_at - f.starts_at) as f64 / HOUR_MS as f64;
            assert!((1.5..=3.0 * 24.0).contains(&hours), "{}: {hours} h", f.title);
            assert!(f.capacity.is_none_or(|c| (20..=300).contains(&c)));
            assert_eq!(f.venue.is_none(), f.online_url.is_some());
            assert!(f.timezone.parse::<Tz>().is_ok());
        }
        assert!(w.events.iter().any(|e| e.fields.starts_at <= NOW && e.fields.ends_at > NOW), "nothing live");
    }

    #[test]
    fn audiences_are_mostly_local_and_on_theme_with_a_heavy_tail() {
        let w = world();
        let in_person: Vec<&PlannedRsvp> = w.rsvps.iter().filter(|r| w.events[r.event].city.is_some()).collect();
        let local = in_person.iter().filter(|r| w.events[r.event].city == Some(w.people[r.user].home)).count();
        assert!(local * 10 > in_person.len() * 7, "{local} of {} in-person RSVPs are local", in_person.len());
        let fans = w.rsvps.iter().filter(|r| w.people[r.user].themes.contains(&w.events[r.event].theme)).count();
        // People hold one or two of the thirteen themes, so by chance alone about one RSVP in eight
        // would share the event's theme.
        assert!(fans * 5 > w.rsvps.len() * 2, "{fans} of {} RSVPs share the event's theme", w.rsvps.len());

        let mut sizes: Vec<usize> =
            (0..w.events.len()).map(|i| w.rsvps.iter().filter(|r| r.event == i).count()).collect();
        sizes.sort_unstable();
        let (median, max) = (sizes[sizes.len() / 2], sizes[sizes.len() - 1]);
        assert!(max > 5 * median, "median {median}, max {max}");
    }

    #[test]
    fn word_lists_are_not_empty() {
        assert!(THEMES.iter().all(|t| [
            t.tags,
            t.roles,
            t.orgs,
            t.headlines,
            t.bios,
            t.seeking,
            t.offering,
            t.pitches
        ]
        .iter()
        .all(|l| !l.is_empty())
            && !t.topics.is_empty()
            && t.topics.iter().all(|(_, tag)| t.tags.contains(tag))));
        assert!(FORMATS.iter().all(|f| !f.starts.is_empty() && !f.capacities.is_empty() && !f.intros.is_empty()));
        assert!(CITIES.iter().all(|c| !c.venues.is_empty() && !c.name.is_empty()));
        assert!(CULTURES.iter().all(|c| !c.first.is_empty() && !c.last.is_empty() && !c.hometowns.is_empty()));
        for list in [
            GENERAL_TAGS,
            GENERAL_SEEKING,
            GENERAL_OFFERING,
            PERSONAL_NOTES,
            AUDIENCE_NOTES,
            VENUE_NOTES,
            ONLINE_NOTES,
            FUTURE_NOTES,
            LIVE_NOTES,
            PAST_NOTES,
        ] {
            assert!(!list.is_empty());
        }
    }

    #[test]
    fn ascii_fold_keeps_emails_plain() {
        assert_eq!(ascii_fold("Łukasz"), "lukasz");
        assert_eq!(ascii_fold("de Vries"), "devries");
        assert_eq!(ascii_fold("Yılmaz"), "yilmaz");
        assert_eq!(ascii_fold("O'Brien"), "obrien");
        assert_eq!(slug("Rust Meetup #12"), "rust-meetup-12");
    }

    #[tokio::test]
    async fn writes_a_world_once_to_sqlite() {
        let dir = std::env::temp_dir().join(format!("mingle-demo-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("temporary directory");
        let store = Store::connect(&Store::sqlite_url(&dir.join("demo.db"))).await.expect("store");

        let summary = generate(&store, 3, 120, 12).await.expect("first run");
        assert!(summary.starts_with("120 users, 12 events"), "{summary}");
        let again = generate(&store, 3, 120, 12).await.expect_err("second run");
        assert!(again.to_string().contains("already holds demo data"), "{again}");

        let events =
            store.search_events(&crate::store::EventFilter { limit: 100, ..Default::default() }).await.expect("search");
        assert!(!events.is_empty());
        assert!(events.iter().all(|e| e.capacity.is_none_or(|c| e.going_count <= c)));
        assert!(events.iter().map(|e| e.going_count).sum::<i64>() > 0);

        store.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    }
}
