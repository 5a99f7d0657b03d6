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

use std::collections::HashSet;

use anyhow::Context as _;
use chrono::{DateTime, Datelike as _, Days, NaiveDate, NaiveTime, TimeDelta, TimeZone as _, Weekday};
use chrono_tz::Tz;
use rand::seq::SliceRandom as _;
use rand::{Rng as _, SeedableRng as _};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

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
    let password_hash = tokio::task::spawn_blocking(|| crate::auth::hash_password(DEMO_PASSWORD))
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
    visibility: &'static str,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RsvpStatus {
    Going,
    Waitlisted,
    Interested,
}

impl RsvpStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Going => "going",
            Self::Waitlisted => "waitlisted",
            Self::Interested => "interested",
        }
    }
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
            status: self.status.as_str().to_owned(),
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
        0..=2 => "hidden",
        3..=12 => "attendees",
        _ => "public",
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
        VenueFields { name: name.to_owned(), address: address.to_owned(), lat, lon }
    });
    let online_url =
        online.then(|| format!("https://meet.demo.mingle.test/{}-{}", slug(&title), rng.gen_range(1000..10000)));
    let visibility = if rng.gen_bool(0.05) { "unlisted" } else { "public" };
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

// ---------------------------------------------------------------------------------------------
// Word lists. Themes drive both people and events, so the two sides of the world line up.
// ---------------------------------------------------------------------------------------------

/// A community of interest: its tags, the people in it, and the events it holds.
struct Theme {
    /// How common the theme is among people and events.
    weight: u32,
    /// Tags of the theme, the headline tag first.
    tags: &'static [&'static str],
    /// What events are named after, each with the tag it implies.
    topics: &'static [(&'static str, &'static str)],
    /// Headlines are often "role at org".
    roles: &'static [&'static str],
    orgs: &'static [&'static str],
    /// Headlines of another shape.
    headlines: &'static [&'static str],
    /// First sentences of a bio.
    bios: &'static [&'static str],
    seeking: &'static [&'static str],
    offering: &'static [&'static str],
    /// Sentences describing what an event of the theme covers.
    pitches: &'static [&'static str],
}

const THEMES: &[Theme] = &[
    Theme {
        weight: 8,
        tags: &["rust", "systems-programming", "webassembly", "embedded", "compilers", "async", "linux", "performance"],
        topics: &[
            ("Rust", "rust"),
            ("Async Rust", "async"),
            ("Embedded Rust", "embedded"),
            ("WebAssembly", "webassembly"),
            ("Systems Programming", "systems-programming"),
            ("Compilers", "compilers"),
            ("Linux Kernel", "linux"),
            ("Rust Performance", "performance"),
        ],
        roles: &[
            "Backend engineer",
            "Systems engineer",
            "Rust developer",
            "Embedded software engineer",
            "Compiler engineer",
            "Performance engineer",
            "Staff engineer",
        ],
        orgs: &[
            "a database startup",
            "a robotics company",
            "a cloud provider",
            "an open-source foundation",
            "a trading firm",
            "a browser vendor",
            "a game studio",
        ],
        headlines: &[
            "PhD student in programming languages",
            "Maintainer of an async runtime",
            "Freelance Rust consultant",
            "Self-taught programmer learning Rust",
            "Kernel hacker by night",
        ],
        bios: &[
            "I spend my days making databases faster and my nights reading compiler source.",
            "I write firmware for things that fly, roll and occasionally crash.",
            "I rewrite things in Rust, but only when it actually helps.",
            "I care about tail latencies more than is healthy.",
            "I contribute to several open-source crates, most of them about parsing.",
        ],
        seeking: &[
            "a Rust mentor",
            "contributors for my open-source crate",
            "a job writing Rust full time",
            "people to pair with on embedded projects",
            "feedback on my async runtime design",
            "speakers for a systems meetup",
        ],
        offering: &[
            "code review for Rust beginners",
            "help getting started with embedded Rust",
            "mentoring in systems programming",
            "a talk on async internals",
            "intros to open-source maintainers",
        ],
        pitches: &[
            "We dig into ownership, lifetimes and the patterns that make them feel natural.",
            "Expect deep dives into async runtimes, executors and what really happens at an await point.",
            "Talks cover embedded targets, no_std crates and squeezing code into tiny microcontrollers.",
            "We compare notes on profiling, allocation and making hot loops faster.",
            "Teams who moved critical services to Rust share their war stories.",
        ],
    },
    Theme {
        weight: 12,
        tags: &["machine-learning", "llms", "deep-learning", "nlp", "computer-vision", "mlops", "ai-safety", "pytorch"],
        topics: &[
            ("AI", "machine-learning"),
            ("Machine Learning", "machine-learning"),
            ("LLM", "llms"),
            ("Deep Learning", "deep-learning"),
            ("NLP", "nlp"),
            ("Computer Vision", "computer-vision"),
            ("MLOps", "mlops"),
            ("AI Safety", "ai-safety"),
            ("PyTorch", "pytorch"),
        ],
        roles: &[
            "Machine learning engineer",
            "Research scientist",
            "Applied scientist",
            "Data scientist",
            "AI product engineer",
            "ML platform engineer",
        ],
        orgs: &[
            "an AI lab",
            "a healthtech scale-up",
            "a self-driving startup",
            "a search company",
            "a language-learning app",
            "a university research group",
        ],
        headlines: &[
            "PhD student in machine learning",
            "Building agents that actually finish tasks",
            "Independent AI safety researcher",
            "Teaching computers to read medical scans",
            "Recovering physicist, now training models",
        ],
        bios: &[
            "I train models and then spend twice as long figuring out why they work.",
            "My work sits between research and production: taking papers and making them ship.",
            "I'm interested in evaluation: how we know a model is good enough to trust.",
            "I build tools that let small teams fine-tune models without a GPU cluster.",
            "Currently obsessed with retrieval and making language models cite their sources.",
        ],
        seeking: &[
            "collaborators for an open-source eval suite",
            "GPU credits for a research project",
            "a co-founder with sales experience",
            "ML engineers to join our team",
            "datasets for low-resource languages",
            "feedback on my paper draft",
        ],
        offering: &[
            "advice on shipping LLM features",
            "mentoring for people moving into ML",
            "a walkthrough of our MLOps stack",
            "reviews of research papers",
            "intros to AI researchers",
        ],
        pitches: &[
            "We look at what it takes to move a model from notebook to production.",
            "Short talks on evaluation, fine-tuning and the failure modes nobody puts in the demo.",
            "A hands-on look at retrieval-augmented generation with open-weight models.",
            "We discuss the practical side of AI safety: red-teaming, interpretability and guardrails.",
            "Researchers and practitioners share what worked, and what didn't, this quarter.",
        ],
    },
    Theme {
        weight: 8,
        tags: &[
            "climate-tech",
            "renewable-energy",
            "carbon-removal",
            "sustainability",
            "circular-economy",
            "energy-storage",
            "electric-mobility",
        ],
        topics: &[
            ("Climate Tech", "climate-tech"),
            ("Climate Tech Founders", "climate-tech"),
            ("Renewable Energy", "renewable-energy"),
            ("Carbon Removal", "carbon-removal"),
            ("Circular Economy", "circular-economy"),
            ("Energy Storage", "energy-storage"),
            ("E-Mobility", "electric-mobility"),
            ("Sustainability", "sustainability"),
        ],
        roles: &[
            "Founder",
            "Energy analyst",
            "Hardware engineer",
            "Sustainability lead",
            "Policy advisor",
            "Software engineer",
        ],
        orgs: &[
            "a battery startup",
            "a solar developer",
            "a carbon-removal company",
            "a climate VC",
            "a grid-software startup",
            "an EV charging network",
        ],
        headlines: &[
            "Climate founder, pre-seed",
            "Ex-oil engineer working on geothermal",
            "PhD student in atmospheric chemistry",
            "Building software for the energy transition",
            "Climate angel investor",
        ],
        bios: &[
            "I left consulting to work on decarbonizing heavy industry.",
            "I model electricity grids and worry about winter peaks.",
            "We turn old batteries into storage for solar farms.",
            "I believe most climate problems are really permitting problems.",
            "I work on measurement and verification for carbon removal.",
        ],
        seeking: &[
            "investors for a climate startup",
            "a technical co-founder",
            "pilot customers in logistics",
            "people working on grid software",
            "intros to climate investors",
            "a hardware engineer for our prototype",
        ],
        offering: &[
            "intros to climate investors",
            "feedback on climate pitch decks",
            "advice on EU climate grants",
            "expertise in lifecycle analysis",
            "mentoring for climate founders",
        ],
        pitches: &[
            "Founders and operators share what it takes to scale hardware that cuts emissions.",
            "We look at the state of carbon removal: what works, what it costs, and who buys it.",
            "A conversation on grid flexibility, storage and keeping the lights on with renewables.",
            "From pilots to procurement: how climate startups land their first industrial customers.",
            "Practical talks on measuring and reducing the footprint of the products we build.",
        ],
    },
    Theme {
        weight: 8,
        tags: &[
            "ux-design",
            "ui-design",
            "design-systems",
            "user-research",
            "accessibility",
            "figma",
            "product-design",
        ],
        topics: &[
            ("Design Systems", "design-systems"),
            ("UX", "ux-design"),
            ("UX Research", "user-research"),
            ("Accessibility", "accessibility"),
            ("Product Design", "product-design"),
            ("UI Design", "ui-design"),
            ("Figma", "figma"),
        ],
        roles: &[
            "Product designer",
            "UX researcher",
            "Design systems lead",
            "Interaction designer",
            "Accessibility specialist",
            "Design manager",
        ],
        orgs: &[
            "a fintech app",
            "a design agency",
            "a public-sector digital team",
            "a travel startup",
            "an e-commerce company",
            "a healthtech scale-up",
        ],
        headlines: &[
            "Freelance UX designer",
            "Designer who codes",
            "Running research for a government service",
            "Design student and illustrator",
            "Head of design at a seed-stage startup",
        ],
        bios: &[
            "I design interfaces that people use once a year and must get right the first time.",
            "I maintain a design system used by forty product teams.",
            "Research is my favourite part: watching real people use what we build.",
            "I push for accessibility from the first sketch, not the last sprint.",
            "Typography nerd, and proud of it.",
        ],
        seeking: &[
            "feedback on my portfolio",
            "a design mentor",
            "participants for usability studies",
            "a senior design role",
            "designers to collaborate on an open-source icon set",
        ],
        offering: &[
            "portfolio reviews",
            "mentoring junior designers",
            "accessibility audits",
            "help setting up a design system",
            "usability testing tips",
        ],
        pitches: &[
            "We talk tokens, components and keeping a design system alive as the product grows.",
            "Researchers share methods for learning from users when time and budget are short.",
            "An evening about accessible design: contrast, focus order, screen readers and beyond.",
            "Designers and engineers on how to hand off less and collaborate more.",
            "Critique and honest feedback on real work, in small groups.",
        ],
    },
    Theme {
        weight: 10,
        tags: &["startups", "venture-capital", "fundraising", "angel-investing", "founders", "bootstrapping", "growth"],
        topics: &[
            ("Startup", "startups"),
            ("Founders", "founders"),
            ("Fundraising", "fundraising"),
            ("Angel Investing", "angel-investing"),
            ("Venture Capital", "venture-capital"),
            ("Bootstrapped Founders", "bootstrapping"),
            ("Growth", "growth"),
        ],
        roles: &["Founder and CEO", "Co-founder", "Investor", "Venture partner", "Head of growth", "Chief of staff"],
        orgs: &[
            "a seed fund",
            "a B2B SaaS startup",
            "a marketplace startup",
            "an accelerator",
            "a family office",
            "a consumer app",
        ],
        headlines: &[
            "Second-time founder",
            "Angel investor in early-stage SaaS",
            "Founder in stealth",
            "Scout for a European VC",
            "Bootstrapping a profitable SaaS",
        ],
        bios: &[
            "I've started two companies; one failed, one was acquired, and I learned more from the first.",
            "I invest at pre-seed and like founders who write clearly.",
            "We are building a marketplace for independent repair shops.",
            "I help founders find their first ten customers.",
            "I bootstrap small software businesses and write about what I learn.",
        ],
        seeking: &[
            "a co-founder with sales experience",
            "feedback on my pitch deck",
            "angel investors",
            "startups to invest in",
            "a CTO for an early-stage startup",
            "warm intros to seed funds",
        ],
        offering: &[
            "feedback on pitch decks",
            "intros to angel investors",
            "advice on fundraising",
            "help with go-to-market",
            "office hours for first-time founders",
        ],
        pitches: &[
            "Founders share honest stories about raising, hiring and the months in between.",
            "Investors explain what they look for, and founders get to ask the awkward questions.",
            "Bring your deck: we run quick feedback rounds in small groups.",
            "A relaxed get-together for founders to swap notes on growth, hiring and burnout.",
            "We cover term sheets, dilution and how to negotiate without losing friends.",
        ],
    },
    Theme {
        weight: 8,
        tags: &[
            "product-management",
            "product-discovery",
            "roadmapping",
            "b2b-saas",
            "okrs",
            "product-analytics",
            "experimentation",
        ],
        topics: &[
            ("Product", "product-management"),
            ("Product Management", "product-management"),
            ("Product Discovery", "product-discovery"),
            ("Roadmapping", "roadmapping"),
            ("B2B SaaS", "b2b-saas"),
            ("Experimentation", "experimentation"),
            ("Product Analytics", "product-analytics"),
        ],
        roles: &[
            "Product manager",
            "Senior product manager",
            "Head of product",
            "Product owner",
            "Growth PM",
            "Technical product manager",
        ],
        orgs: &[
            "a B2B SaaS company",
            "a mobility app",
            "a banking app",
            "a developer-tools startup",
            "a media company",
            "a logistics platform",
        ],
        headlines: &[
            "First PM at a seed-stage startup",
            "Engineer turned product manager",
            "Product coach",
            "Building products for small businesses",
            "Running experiments at scale",
        ],
        bios: &[
            "I help teams decide what not to build.",
            "I moved from engineering to product and still read the pull requests.",
            "I like discovery work: interviews, prototypes and killing ideas early.",
            "Currently figuring out pricing, which is harder than it looks.",
            "I write a newsletter about product strategy for small teams.",
        ],
        seeking: &[
            "a product mentor",
            "PMs to swap notes with",
            "a head of product role",
            "feedback on our onboarding",
            "beta users for a B2B tool",
        ],
        offering: &[
            "advice on product discovery",
            "mock PM interviews",
            "feedback on roadmaps",
            "mentoring new product managers",
            "help setting up OKRs",
        ],
        pitches: &[
            "We talk about discovery: how to learn what customers need before building it.",
            "Product leaders on roadmaps, prioritization and saying no politely.",
            "A session on experimentation: designing tests, reading results, avoiding false positives.",
            "Case studies from B2B SaaS teams about pricing, packaging and onboarding.",
            "Small-group discussions for product managers at every level.",
        ],
    },
    Theme {
        weight: 8,
        tags: &["data-engineering", "analytics", "sql", "data-visualization", "data-science", "postgres", "dbt"],
        topics: &[
            ("Data Engineering", "data-engineering"),
            ("Analytics", "analytics"),
            ("SQL", "sql"),
            ("Data Visualization", "data-visualization"),
            ("Data Science", "data-science"),
            ("PostgreSQL", "postgres"),
            ("dbt", "dbt"),
        ],
        roles: &[
            "Data engineer",
            "Analytics engineer",
            "Data analyst",
            "Data scientist",
            "Database administrator",
            "Head of data",
        ],
        orgs: &[
            "a streaming service",
            "a food-delivery company",
            "an insurance startup",
            "a retail group",
            "a public transport authority",
            "a sports analytics company",
        ],
        headlines: &[
            "Freelance data engineer",
            "Data journalist",
            "Postgres enthusiast",
            "Analytics engineer learning Rust",
            "Making dashboards people actually read",
        ],
        bios: &[
            "I turn messy event streams into tables people can trust.",
            "I make charts for a newsroom and fight for honest axes.",
            "I've written more SQL than any other language, and I'm fine with that.",
            "I'm building a small data platform on Postgres and a lot of patience.",
            "I care about data quality, lineage and boring, reliable pipelines.",
        ],
        seeking: &[
            "a data mentor",
            "contributors to an open data project",
            "a data engineering role",
            "feedback on my dashboards",
            "people who love Postgres",
        ],
        offering: &[
            "SQL tutoring",
            "help with dbt projects",
            "reviews of data pipelines",
            "advice on data visualization",
            "mentoring aspiring analysts",
        ],
        pitches: &[
            "We share how teams model, test and document their data.",
            "Lightning talks on pipelines, warehouses and the tools in between.",
            "Practitioners show dashboards that changed decisions and explain why they worked.",
            "Tips, tricks and war stories from people who run PostgreSQL in production.",
            "From raw events to trustworthy metrics: a practical walk through the modern data stack.",
        ],
    },
    Theme {
        weight: 6,
        tags: &[
            "computational-biology",
            "biotech",
            "digital-health",
            "genomics",
            "neuroscience",
            "medtech",
            "bioinformatics",
        ],
        topics: &[
            ("Computational Biology", "computational-biology"),
            ("Biotech", "biotech"),
            ("Digital Health", "digital-health"),
            ("Genomics", "genomics"),
            ("Neuroscience", "neuroscience"),
            ("MedTech", "medtech"),
            ("Bioinformatics", "bioinformatics"),
        ],
        roles: &[
            "Bioinformatician",
            "Research scientist",
            "Clinical data scientist",
            "Biotech founder",
            "Medical doctor",
            "Lab automation engineer",
        ],
        orgs: &[
            "a genomics startup",
            "a university hospital",
            "a drug-discovery company",
            "a digital-health startup",
            "a neuroscience institute",
            "a medical-device maker",
        ],
        headlines: &[
            "PhD student in computational biology",
            "Doctor who codes",
            "Postdoc in neuroscience",
            "Building software for clinical trials",
            "Wet-lab biologist learning Python",
        ],
        bios: &[
            "I analyse single-cell data and occasionally pipette things.",
            "I'm a physician building tools that give doctors back their time.",
            "My research is on how the brain forms memories during sleep.",
            "I automate lab workflows so scientists can do more science.",
            "I work on making genomic testing cheaper and more accessible.",
        ],
        seeking: &[
            "collaborators with ML experience",
            "a co-founder for a digital-health startup",
            "clinical partners for a pilot",
            "feedback on a grant proposal",
            "a bioinformatics mentor",
        ],
        offering: &[
            "advice on clinical validation",
            "mentoring for scientists moving to industry",
            "help with genomics pipelines",
            "intros to biotech investors",
            "a clinician's view on health data",
        ],
        pitches: &[
            "Scientists and engineers on where computation is changing biology.",
            "We look at digital health products that survived contact with real clinics.",
            "Talks on genomics pipelines, single-cell analysis and reproducible research.",
            "Founders explain the path from lab result to regulated product.",
            "A friendly forum for wet-lab and dry-lab people to learn each other's language.",
        ],
    },
    Theme {
        weight: 5,
        tags: &[
            "electronic-music",
            "music-production",
            "generative-art",
            "photography",
            "creative-coding",
            "film",
            "illustration",
        ],
        topics: &[
            ("Creative Coding", "creative-coding"),
            ("Generative Art", "generative-art"),
            ("Music Production", "music-production"),
            ("Electronic Music", "electronic-music"),
            ("Photography", "photography"),
            ("Indie Film", "film"),
            ("Illustration", "illustration"),
        ],
        roles: &[
            "Music producer",
            "Creative technologist",
            "Photographer",
            "Illustrator",
            "Sound designer",
            "Filmmaker",
        ],
        orgs: &[
            "a game studio",
            "an independent label",
            "a design studio",
            "a museum",
            "a post-production house",
            "a VR studio",
        ],
        headlines: &[
            "Artist working with code",
            "DJ and backend developer",
            "Documentary filmmaker",
            "Making synths in my spare time",
            "Freelance illustrator",
        ],
        bios: &[
            "I make music with modular synths and software I write myself.",
            "I build installations that react to the people walking past them.",
            "Photographer by training, developer by accident.",
            "I draw every morning before the inbox wakes up.",
            "I score short films and indie games.",
        ],
        seeking: &[
            "musicians to jam with",
            "a gallery for my generative work",
            "collaborators for an audiovisual project",
            "feedback on my short film",
            "a studio space to share",
        ],
        offering: &[
            "music production tips",
            "portrait photography",
            "help getting started with creative coding",
            "sound design for indie games",
            "illustrations for side projects",
        ],
        pitches: &[
            "Artists show work made with code and talk through how it came together.",
            "A hands-on session with synths, samplers and a shared sound system.",
            "We share techniques for generative art, from noise fields to shaders.",
            "Photographers and filmmakers swap stories about the craft and the business.",
            "An open evening to show what you have been making, finished or not.",
        ],
    },
    Theme {
        weight: 9,
        tags: &["javascript", "typescript", "react", "frontend", "css", "web-performance", "node.js"],
        topics: &[
            ("JavaScript", "javascript"),
            ("TypeScript", "typescript"),
            ("React", "react"),
            ("Frontend", "frontend"),
            ("CSS", "css"),
            ("Web Performance", "web-performance"),
            ("Node.js", "node.js"),
        ],
        roles: &[
            "Frontend engineer",
            "Full-stack developer",
            "Web developer",
            "Developer advocate",
            "Frontend architect",
            "Software engineer",
        ],
        orgs: &[
            "an e-commerce company",
            "a news site",
            "a developer-tools startup",
            "a web agency",
            "a travel platform",
            "a browser vendor",
        ],
        headlines: &[
            "Freelance web developer",
            "Bootcamp graduate looking for a first role",
            "CSS enthusiast",
            "Maintainer of a UI component library",
            "Building the web, one div at a time",
        ],
        bios: &[
            "I make websites fast on cheap phones and slow networks.",
            "I switched careers from teaching to web development three years ago.",
            "I maintain a component library and answer a lot of GitHub issues.",
            "TypeScript convinced me that types are a kindness to my future self.",
            "I care about the web as an open platform.",
        ],
        seeking: &[
            "a first developer job",
            "a frontend mentor",
            "contributors to a UI library",
            "feedback on my side project",
            "speakers for a JavaScript meetup",
        ],
        offering: &[
            "code reviews for junior developers",
            "help with web performance",
            "mentoring career changers",
            "advice on TypeScript migrations",
            "a talk on modern CSS",
        ],
        pitches: &[
            "Talks on the state of the web platform and what you can use today.",
            "We look at performance budgets, Core Web Vitals and fixing slow pages.",
            "A practical session on TypeScript patterns that keep big codebases sane.",
            "Modern CSS has quietly become amazing; come see container queries, layers and more.",
            "Developers demo side projects and the tools behind them.",
        ],
    },
    Theme {
        weight: 6,
        tags: &["security", "appsec", "cryptography", "privacy", "pentesting", "ctf", "zero-trust"],
        topics: &[
            ("Security", "security"),
            ("AppSec", "appsec"),
            ("Cryptography", "cryptography"),
            ("Privacy", "privacy"),
            ("Pentesting", "pentesting"),
            ("CTF", "ctf"),
            ("Zero Trust", "zero-trust"),
        ],
        roles: &[
            "Security engineer",
            "Penetration tester",
            "Cryptographer",
            "Privacy engineer",
            "Security researcher",
            "Head of security",
        ],
        orgs: &[
            "a bank",
            "a security consultancy",
            "a password manager",
            "a messaging app",
            "a cloud provider",
            "a national CERT",
        ],
        headlines: &[
            "Bug bounty hunter",
            "PhD student in applied cryptography",
            "Privacy advocate and engineer",
            "Red teamer",
            "CTF player",
        ],
        bios: &[
            "I break things for a living, with permission.",
            "I work on end-to-end encryption and its many edge cases.",
            "Privacy is a design constraint, not a checkbox; I help teams treat it that way.",
            "I run threat-modelling workshops for product teams.",
            "I play CTFs on weekends with a small, loud team.",
        ],
        seeking: &[
            "a CTF team",
            "a security mentor",
            "a security engineering role",
            "reviewers for a crypto library",
            "people interested in privacy tech",
        ],
        offering: &[
            "threat-modelling sessions",
            "security reviews for startups",
            "help preparing for security certifications",
            "a crash course in cryptography",
            "mentoring for people entering security",
        ],
        pitches: &[
            "Researchers walk through recent vulnerabilities and what we can learn from them.",
            "A beginner-friendly capture-the-flag with challenges for every level.",
            "We discuss practical privacy engineering: data minimization, consent and deletion.",
            "Talks on cryptography in production: key management, protocols and pitfalls.",
            "Threat modelling for people who build products, not just people who break them.",
        ],
    },
    Theme {
        weight: 7,
        tags: &["kubernetes", "devops", "cloud", "sre", "observability", "terraform", "platform-engineering"],
        topics: &[
            ("Kubernetes", "kubernetes"),
            ("DevOps", "devops"),
            ("Cloud Native", "cloud"),
            ("SRE", "sre"),
            ("Observability", "observability"),
            ("Terraform", "terraform"),
            ("Platform Engineering", "platform-engineering"),
        ],
        roles: &[
            "Site reliability engineer",
            "Platform engineer",
            "DevOps engineer",
            "Cloud architect",
            "Infrastructure engineer",
            "Engineering manager",
        ],
        orgs: &[
            "a cloud provider",
            "a streaming service",
            "a payments company",
            "an online marketplace",
            "a gaming company",
            "a telecom operator",
        ],
        headlines: &[
            "On-call veteran",
            "Kubernetes contributor",
            "Freelance cloud consultant",
            "Building an internal developer platform",
            "Making deploys boring",
        ],
        bios: &[
            "I make deploys boring, which is the highest compliment in my field.",
            "I've been on call for systems that never sleep.",
            "I'm building a platform so product teams never have to write YAML.",
            "Observability nerd: if it isn't traced, it didn't happen.",
            "I write postmortems that people actually enjoy reading.",
        ],
        seeking: &[
            "an SRE role",
            "feedback on our platform roadmap",
            "people running Kubernetes at scale",
            "a mentor in infrastructure",
            "speakers for a DevOps day",
        ],
        offering: &[
            "advice on incident response",
            "help with Kubernetes",
            "reviews of Terraform setups",
            "mentoring new SREs",
            "a talk on observability",
        ],
        pitches: &[
            "Engineers share how they build internal platforms developers actually want to use.",
            "Incident stories, postmortems and what changed afterwards.",
            "A practical look at tracing, metrics and logs without drowning in dashboards.",
            "We discuss running Kubernetes in production, warts and all.",
            "Infrastructure as code beyond the basics: modules, drift and testing.",
        ],
    },
    Theme {
        weight: 6,
        tags: &["fintech", "payments", "open-banking", "insurtech", "regtech", "embedded-finance", "fraud-prevention"],
        topics: &[
            ("Fintech", "fintech"),
            ("Payments", "payments"),
            ("Open Banking", "open-banking"),
            ("Insurtech", "insurtech"),
            ("RegTech", "regtech"),
            ("Embedded Finance", "embedded-finance"),
            ("Fraud Prevention", "fraud-prevention"),
        ],
        roles: &[
            "Backend engineer",
            "Payments engineer",
            "Product manager",
            "Compliance lead",
            "Risk analyst",
            "Founder",
        ],
        orgs: &[
            "a fintech startup",
            "a neobank",
            "a payments processor",
            "an insurance startup",
            "a crypto exchange",
            "a central bank",
        ],
        headlines: &[
            "Ex-banker building fintech",
            "Payments nerd",
            "Compliance person who likes engineers",
            "Fintech founder, seed stage",
            "Fighting fraud one rule at a time",
        ],
        bios: &[
            "I move money between systems that were never meant to talk to each other.",
            "I spent ten years in banking and left to make it less painful.",
            "I think a lot about fraud, and so should you.",
            "I'm building accounting tools for freelancers.",
            "Regulation is a product feature if you get it right.",
        ],
        seeking: &[
            "fintech founders to swap notes with",
            "a payments engineering role",
            "partners for open-banking pilots",
            "advice on EU licensing",
            "investors for a fintech startup",
        ],
        offering: &[
            "advice on payments infrastructure",
            "help navigating financial regulation",
            "intros to fintech investors",
            "mentoring for engineers joining fintech",
            "reviews of fraud strategies",
        ],
        pitches: &[
            "We unpack how money really moves: rails, schemes, settlement and reconciliation.",
            "Founders and regulators in conversation about building compliant products fast.",
            "Talks on open banking APIs and what they enable beyond account aggregation.",
            "A look at fraud prevention from the people who fight it every day.",
            "Fintech operators share what they learned scaling from one country to many.",
        ],
    },
];

/// Interests anyone may have, whatever their themes.
const GENERAL_TAGS: &[&str] =
    &["open-source", "mentoring", "remote-work", "career-change", "public-speaking", "women-in-tech"];

/// `{city}` becomes the person's home city.
const GENERAL_SEEKING: &[&str] = &[
    "new friends in {city}",
    "people to cowork with in {city}",
    "a speaking slot at a meetup",
    "a running buddy",
    "a conversation partner to practise languages with",
];

/// `{city}` becomes the person's home city.
const GENERAL_OFFERING: &[&str] = &[
    "coffee chats with newcomers to {city}",
    "tips for settling in {city}",
    "practice runs for conference talks",
    "CV and cover letter reviews",
    "a friendly ear for career questions",
];

/// The last sentence of some bios.
const PERSONAL_NOTES: &[&str] = &[
    "Weekend climber and amateur baker.",
    "Ask me about sourdough.",
    "Runs on coffee and curiosity.",
    "Usually found on a bike.",
    "Learning my fourth language, slowly.",
    "Parent of two and a very loud cat.",
    "I play in a five-a-side team every Thursday.",
    "Always up for a board game night.",
    "Amateur photographer and terrible surfer.",
    "I read more science fiction than is good for me.",
    "Part-time DJ, full-time tinkerer.",
    "Happy to chat over coffee.",
    "Currently training for my first marathon.",
    "Plant collector with limited success.",
];

/// How an event is run: when it starts, how long it lasts, how many it seats, how it is pitched.
struct Format {
    /// Suffix of the title: "Meetup", "Breakfast".
    name: &'static str,
    /// How common the format is.
    weight: u32,
    /// Whether it also runs online.
    online: bool,
    /// Held on Saturdays rather than on weekdays.
    weekend: bool,
    /// Usual local start times, `(hour, minute)`.
    starts: &'static [(u32, u32)],
    length: Length,
    /// Usual capacities when there is a limit.
    capacities: &'static [i64],
    /// How many people it draws relative to a meetup.
    popularity: f64,
    /// Opening sentences; `{topic}` becomes the event's topic.
    intros: &'static [&'static str],
}

#[derive(Clone, Copy)]
enum Length {
    /// Between the two bounds, in quarter hours.
    Minutes(u32, u32),
    /// From the start to 18:00 on the last of this many days.
    Days(u32, u32),
}

const FORMATS: &[Format] = &[
    Format {
        name: "Meetup",
        weight: 30,
        online: true,
        weekend: false,
        starts: &[(18, 30), (19, 0), (18, 0)],
        length: Length::Minutes(120, 180),
        capacities: &[40, 60, 80, 100, 120, 150],
        popularity: 1.0,
        intros: &[
            "Our regular {topic} meetup: two talks, food, and plenty of time to talk shop.",
            "The {topic} community meets again, with talks from local practitioners and time to mingle afterwards.",
        ],
    },
    Format {
        name: "Night",
        weight: 12,
        online: false,
        weekend: false,
        starts: &[(18, 30), (19, 0)],
        length: Length::Minutes(150, 210),
        capacities: &[30, 50, 80, 100],
        popularity: 1.0,
        intros: &[
            "An evening of {topic}: short talks, demos and drinks.",
            "{topic} Night is back, with demos, hot takes and snacks.",
        ],
    },
    Format {
        name: "Breakfast",
        weight: 8,
        online: false,
        weekend: false,
        starts: &[(8, 0), (8, 30)],
        length: Length::Minutes(90, 120),
        capacities: &[20, 25, 30, 40],
        popularity: 0.5,
        intros: &[
            "Coffee, pastries and candid conversation about {topic} before the workday starts.",
            "A small breakfast for people working on {topic}; informal and off the record.",
        ],
    },
    Format {
        name: "Workshop",
        weight: 12,
        online: true,
        weekend: false,
        starts: &[(10, 0), (13, 30), (14, 0)],
        length: Length::Minutes(180, 360),
        capacities: &[20, 25, 30, 40],
        popularity: 0.6,
        intros: &[
            "A hands-on {topic} workshop in small groups, with mentors in the room.",
            "Learn by doing: a practical {topic} workshop with exercises for beginners and experienced folks alike.",
        ],
    },
    Format {
        name: "Lightning Talks",
        weight: 8,
        online: true,
        weekend: false,
        starts: &[(18, 30)],
        length: Length::Minutes(120, 150),
        capacities: &[60, 80, 100, 150],
        popularity: 1.0,
        intros: &[
            "Ten talks, five minutes each, all about {topic}.",
            "Fast-paced lightning talks on {topic}; anyone may submit one.",
        ],
    },
    Format {
        name: "Study Group",
        weight: 6,
        online: true,
        weekend: false,
        starts: &[(18, 0), (19, 0)],
        length: Length::Minutes(90, 120),
        capacities: &[20, 25],
        popularity: 0.4,
        intros: &[
            "A small {topic} study group working through a book, a paper or a project together.",
            "We pick one {topic} chapter or paper each time and work through it as a group.",
        ],
    },
    Format {
        name: "Hack Day",
        weight: 4,
        online: false,
        weekend: true,
        starts: &[(10, 0)],
        length: Length::Minutes(420, 540),
        capacities: &[40, 60, 80],
        popularity: 1.2,
        intros: &["A day of hacking on {topic} projects, alone or in teams, with lunch on us."],
    },
    Format {
        name: "Hackathon",
        weight: 3,
        online: false,
        weekend: true,
        starts: &[(10, 0)],
        length: Length::Days(2, 2),
        capacities: &[80, 100, 150, 200],
        popularity: 2.0,
        intros: &["A weekend {topic} hackathon: form a team, build something, demo it on Sunday afternoon."],
    },
    Format {
        name: "Conference",
        weight: 3,
        online: false,
        weekend: false,
        starts: &[(9, 0)],
        length: Length::Days(1, 3),
        capacities: &[200, 250, 300],
        popularity: 3.0,
        intros: &[
            "The {topic} conference: keynotes, deep-dive talks and a hallway track worth the trip.",
            "Two tracks of {topic} talks, workshops and plenty of breaks to meet people.",
        ],
    },
    Format {
        name: "Summit",
        weight: 2,
        online: false,
        weekend: false,
        starts: &[(9, 30)],
        length: Length::Days(1, 2),
        capacities: &[150, 200, 300],
        popularity: 2.5,
        intros: &["Leaders and practitioners in {topic} meet for a day of talks, panels and roundtables."],
    },
    Format {
        name: "Panel",
        weight: 6,
        online: true,
        weekend: false,
        starts: &[(18, 30), (17, 30)],
        length: Length::Minutes(90, 150),
        capacities: &[50, 80, 120],
        popularity: 0.8,
        intros: &["A panel of four people who work on {topic} every day, and your questions for them."],
    },
    Format {
        name: "Social",
        weight: 5,
        online: false,
        weekend: false,
        starts: &[(19, 0)],
        length: Length::Minutes(150, 240),
        capacities: &[50, 80, 100],
        popularity: 0.9,
        intros: &["No talks, no slides: just people who care about {topic}, and drinks."],
    },
    Format {
        name: "Office Hours",
        weight: 4,
        online: true,
        weekend: false,
        starts: &[(16, 0), (17, 0)],
        length: Length::Minutes(90, 120),
        capacities: &[20, 30],
        popularity: 0.4,
        intros: &["Drop in with your {topic} questions; experienced people answer them one by one."],
    },
    Format {
        name: "Demo Night",
        weight: 5,
        online: false,
        weekend: false,
        starts: &[(18, 30)],
        length: Length::Minutes(150, 180),
        capacities: &[80, 100, 150],
        popularity: 1.2,
        intros: &["Five teams demo what they built with {topic}, live and unscripted."],
    },
];

const AUDIENCE_NOTES: &[&str] = &[
    "Everyone is welcome, whatever your experience.",
    "We follow a code of conduct and expect everyone to be kind.",
    "Newcomers especially welcome: say hi to the organizers.",
    "Want to speak next time? Talk to the organizers.",
    "Talks are in English.",
];

const VENUE_NOTES: &[&str] = &[
    "Doors open 30 minutes before the start.",
    "Food and drinks are provided by our hosts, with vegetarian and vegan options.",
    "The venue is step-free; tell us if you need anything to take part.",
    "Please bring a photo ID for the front desk.",
];

const ONLINE_NOTES: &[&str] = &[
    "The link works in any modern browser; no install needed.",
    "Sessions are recorded and shared with everyone who RSVPs.",
    "Cameras optional, questions encouraged.",
];

const FUTURE_NOTES: &[&str] = &[
    "Quick reminder: we start on time, so come a few minutes early.",
    "The agenda is final. See you there!",
    "Can't make it after all? Please update your RSVP so someone from the waitlist gets your seat.",
    "We have two great speakers confirmed; details in the description.",
];

const LIVE_NOTES: &[&str] =
    &["We're live! Late arrivals welcome, just join quietly.", "Questions for the speakers? Post them in the chat."];

const PAST_NOTES: &[&str] = &[
    "Thank you all for coming! Slides and recordings follow this week.",
    "Slides are up. Thanks to our speakers and hosts!",
    "Thanks for a great turnout. The next edition is already in the works.",
    "We'd love your feedback: what should we do differently next time?",
];

/// A city with a community: where it is, its time zone, a few plausible venues, and the culture
/// most locals' names come from.
struct City {
    name: &'static str,
    /// Share of people and events.
    weight: u32,
    tz: Tz,
    lat: f64,
    lon: f64,
    /// `(name, address)`.
    venues: &'static [(&'static str, &'static str)],
    locals: &'static Culture,
}

const CITIES: &[City] = &[
    City {
        name: "Berlin",
        weight: 14,
        tz: chrono_tz::Europe::Berlin,
        lat: 52.5200,
        lon: 13.4050,
        venues: &[
            ("Spreewerk Loft", "Köpenicker Straße 70, 10179 Berlin"),
            ("Kiezhaus Kreuzberg", "Oranienstraße 183, 10999 Berlin"),
            ("Factory Hub Mitte", "Rheinsberger Straße 76, 10115 Berlin"),
            ("Atelier am Kanal", "Paul-Lincke-Ufer 21, 10999 Berlin"),
        ],
        locals: &GERMAN,
    },
    City {
        name: "London",
        weight: 14,
        tz: chrono_tz::Europe::London,
        lat: 51.5074,
        lon: -0.1278,
        venues: &[
            ("The Foundry Shoreditch", "86 Great Eastern Street, London EC2A 3JL"),
            ("Kings Cross Works", "4 Pancras Square, London N1C 4AG"),
            ("Southbank Studio", "Belvedere Road, London SE1 8XX"),
            ("Clerkenwell Commons", "32 Clerkenwell Green, London EC1R 0DU"),
        ],
        locals: &ANGLO,
    },
    City {
        name: "Paris",
        weight: 9,
        tz: chrono_tz::Europe::Paris,
        lat: 48.8566,
        lon: 2.3522,
        venues: &[
            ("La Halle Numérique", "55 Boulevard Vincent Auriol, 75013 Paris"),
            ("Atelier Oberkampf", "112 Rue Oberkampf, 75011 Paris"),
            ("Le Loft du Marais", "18 Rue des Gravilliers, 75003 Paris"),
            ("Campus Canal Saint-Martin", "90 Quai de Jemmapes, 75010 Paris"),
        ],
        locals: &FRENCH,
    },
    City {
        name: "Amsterdam",
        weight: 8,
        tz: chrono_tz::Europe::Amsterdam,
        lat: 52.3676,
        lon: 4.9041,
        venues: &[
            ("De Werkplaats", "Danzigerkade 23, 1013 AP Amsterdam"),
            ("Noord Studio", "NDSM-Plein 28, 1033 WB Amsterdam"),
            ("Canal House Collective", "Keizersgracht 264, 1016 EV Amsterdam"),
            ("Oost Lab", "Czaar Peterstraat 213, 1018 PL Amsterdam"),
        ],
        locals: &DUTCH,
    },
    City {
        name: "Lisbon",
        weight: 6,
        tz: chrono_tz::Europe::Lisbon,
        lat: 38.7223,
        lon: -9.1393,
        venues: &[
            ("Armazém 16", "Rua da Cintura do Porto, 1200-109 Lisboa"),
            ("Casa do Impacto", "Travessa de São Vicente 26, 1100-576 Lisboa"),
            ("LX Studio", "Rua Rodrigues de Faria 103, 1300-501 Lisboa"),
            ("Ribeira Works", "Avenida 24 de Julho 52, 1200-868 Lisboa"),
        ],
        locals: &PORTUGUESE,
    },
    City {
        name: "Barcelona",
        weight: 6,
        tz: chrono_tz::Europe::Madrid,
        lat: 41.3874,
        lon: 2.1686,
        venues: &[
            ("Espai Poblenou", "Carrer de Pere IV 78, 08005 Barcelona"),
            ("La Fàbrica del Born", "Carrer de la Princesa 21, 08003 Barcelona"),
            ("Gràcia Coworking", "Carrer de Verdi 32, 08012 Barcelona"),
            ("Pier 22 Hub", "Moll de la Barceloneta 22, 08039 Barcelona"),
        ],
        locals: &SPANISH,
    },
    City {
        name: "Stockholm",
        weight: 5,
        tz: chrono_tz::Europe::Stockholm,
        lat: 59.3293,
        lon: 18.0686,
        venues: &[
            ("Södermalm Studio", "Götgatan 36, 118 26 Stockholm"),
            ("Birger Jarl Loft", "Birger Jarlsgatan 57, 113 56 Stockholm"),
            ("Kungsholmen Works", "Fleminggatan 20, 112 26 Stockholm"),
            ("Hammarby Docks", "Lumaparksvägen 7, 120 31 Stockholm"),
        ],
        locals: &NORDIC,
    },
    City {
        name: "Warsaw",
        weight: 5,
        tz: chrono_tz::Europe::Warsaw,
        lat: 52.2297,
        lon: 21.0122,
        venues: &[
            ("Koszyki Loft", "Koszykowa 63, 00-667 Warszawa"),
            ("Praga Studio", "Ząbkowska 27, 03-736 Warszawa"),
            ("Norblin Hub", "Żelazna 51, 00-841 Warszawa"),
            ("Mokotów Tech House", "Puławska 145, 02-715 Warszawa"),
        ],
        locals: &POLISH,
    },
    City {
        name: "New York",
        weight: 12,
        tz: chrono_tz::America::New_York,
        lat: 40.7128,
        lon: -74.0060,
        venues: &[
            ("Hudson Yards Hall", "500 West 33rd Street, New York, NY 10001"),
            ("Navy Yard Studio", "63 Flushing Avenue, Brooklyn, NY 11205"),
            ("Flatiron Commons", "41 East 22nd Street, New York, NY 10010"),
            ("SoHo Loft", "110 Greene Street, New York, NY 10012"),
        ],
        locals: &ANGLO,
    },
    City {
        name: "San Francisco",
        weight: 10,
        tz: chrono_tz::America::Los_Angeles,
        lat: 37.7749,
        lon: -122.4194,
        venues: &[
            ("Mission Bay Lab", "1700 Owens Street, San Francisco, CA 94158"),
            ("SoMa Works", "501 Folsom Street, San Francisco, CA 94105"),
            ("Dogpatch Studios", "991 Tennessee Street, San Francisco, CA 94107"),
            ("Presidio Hall", "1 Letterman Drive, San Francisco, CA 94129"),
        ],
        locals: &ANGLO,
    },
    City {
        name: "Toronto",
        weight: 5,
        tz: chrono_tz::America::Toronto,
        lat: 43.6532,
        lon: -79.3832,
        venues: &[
            ("King West Hub", "460 King Street West, Toronto, ON M5V 1L7"),
            ("Distillery Loft", "55 Mill Street, Toronto, ON M5A 3C4"),
            ("Spadina Works", "215 Spadina Avenue, Toronto, ON M5T 2C7"),
            ("Liberty Village Studio", "171 East Liberty Street, Toronto, ON M6K 3P6"),
        ],
        locals: &ANGLO,
    },
    City {
        name: "Singapore",
        weight: 6,
        tz: chrono_tz::Asia::Singapore,
        lat: 1.2903,
        lon: 103.8520,
        venues: &[
            ("Tanjong Pagar Hub", "7 Wallich Street, Singapore 078884"),
            ("Kampong Glam Studio", "39 Arab Street, Singapore 199738"),
            ("One-North Lab", "1 Fusionopolis Way, Singapore 138632"),
            ("Marina Loft", "10 Bayfront Avenue, Singapore 018956"),
        ],
        locals: &CHINESE,
    },
];

/// Names and hometowns from one naming tradition.
struct Culture {
    /// Share among people who are not counted as locals of their city.
    weight: u32,
    first: &'static [&'static str],
    last: &'static [&'static str],
    hometowns: &'static [&'static str],
}

const GERMAN: Culture = Culture {
    weight: 6,
    first: &["Lukas", "Anna", "Felix", "Lena", "Jonas", "Marie", "Paul", "Sophie", "Maximilian", "Johanna"],
    last: &["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner", "Schäfer", "Krüger"],
    hometowns: &["Hamburg", "Munich", "Cologne", "Leipzig", "Stuttgart", "Berlin"],
};
const FRENCH: Culture = Culture {
    weight: 5,
    first: &["Camille", "Louis", "Chloé", "Hugo", "Léa", "Mathieu", "Inès", "Julien", "Manon", "Antoine"],
    last: &["Martin", "Bernard", "Dubois", "Lefèvre", "Moreau", "Laurent", "Girard", "Rousseau", "Fontaine", "Mercier"],
    hometowns: &["Lyon", "Marseille", "Toulouse", "Nantes", "Lille", "Paris"],
};
const SPANISH: Culture = Culture {
    weight: 5,
    first: &["Lucía", "Javier", "Carmen", "Pablo", "Elena", "Diego", "Marta", "Alejandro", "Núria", "Jordi"],
    last: &["García", "Fernández", "López", "Martínez", "Sánchez", "Romero", "Navarro", "Torres", "Puig", "Ortega"],
    hometowns: &["Madrid", "Valencia", "Seville", "Bilbao", "Zaragoza", "Barcelona"],
};
const PORTUGUESE: Culture = Culture {
    weight: 5,
    first: &["João", "Beatriz", "Tiago", "Mariana", "Rafael", "Inês", "Gabriel", "Larissa", "Pedro", "Ana"],
    last: &["Silva", "Santos", "Oliveira", "Pereira", "Costa", "Ferreira", "Almeida", "Carvalho", "Rodrigues", "Sousa"],
    hometowns: &["Porto", "Coimbra", "Braga", "São Paulo", "Recife", "Lisbon"],
};
const ITALIAN: Culture = Culture {
    weight: 5,
    first: &["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Alessandro", "Sara", "Davide", "Elisa"],
    last: &["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco"],
    hometowns: &["Milan", "Rome", "Naples", "Turin", "Bologna", "Palermo"],
};
const DUTCH: Culture = Culture {
    weight: 4,
    first: &["Daan", "Sanne", "Bram", "Fleur", "Sem", "Lotte", "Jesse", "Eva", "Thijs", "Noor"],
    last: &["de Vries", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "de Jong", "Mulder", "Bos", "van den Berg"],
    hometowns: &["Rotterdam", "Utrecht", "Eindhoven", "Groningen", "Ghent", "Amsterdam"],
};
const NORDIC: Culture = Culture {
    weight: 4,
    first: &["Erik", "Astrid", "Lars", "Ingrid", "Oskar", "Freja", "Nils", "Sigrid", "Magnus", "Elin"],
    last: &[
        "Andersson",
        "Johansson",
        "Lindqvist",
        "Nilsson",
        "Berg",
        "Hansen",
        "Larsen",
        "Eriksson",
        "Nyström",
        "Dahl",
    ],
    hometowns: &["Gothenburg", "Oslo", "Copenhagen", "Malmö", "Bergen", "Stockholm"],
};
const POLISH: Culture = Culture {
    weight: 4,
    first: &["Łukasz", "Agnieszka", "Piotr", "Katarzyna", "Tomasz", "Magdalena", "Michał", "Zofia", "Krzysztof", "Ola"],
    last: &["Nowak", "Wójcik", "Kowalczyk", "Mazur", "Krawczyk", "Kaczmarek", "Zając", "Król", "Dudek", "Wróbel"],
    hometowns: &["Kraków", "Gdańsk", "Wrocław", "Poznań", "Łódź", "Warsaw"],
};
const UKRAINIAN: Culture = Culture {
    weight: 3,
    first: &["Oleksandr", "Olena", "Dmytro", "Iryna", "Andriy", "Kateryna", "Taras", "Yulia"],
    last: &["Shevchenko", "Bondarenko", "Kovalenko", "Tkachenko", "Kravchenko", "Melnyk", "Boyko", "Lysenko"],
    hometowns: &["Kyiv", "Lviv", "Kharkiv", "Odesa", "Dnipro"],
};
const ANGLO: Culture = Culture {
    weight: 9,
    first: &[
        "Oliver",
        "Emma",
        "James",
        "Charlotte",
        "Noah",
        "Amelia",
        "Liam",
        "Grace",
        "Ethan",
        "Harper",
        "Siobhan",
        "Callum",
    ],
    last: &[
        "Smith", "Johnson", "Brown", "Taylor", "Walker", "Clarke", "Murphy", "Campbell", "Bennett", "Hughes", "O'Brien",
    ],
    hometowns: &["Manchester", "Leeds", "Dublin", "Edinburgh", "Boston", "Chicago", "Melbourne", "London", "New York"],
};
const NIGERIAN: Culture = Culture {
    weight: 4,
    first: &["Chidi", "Adaeze", "Tunde", "Ngozi", "Emeka", "Funmilayo", "Oluwaseun", "Amara", "Ifeanyi", "Yetunde"],
    last: &["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Nwosu", "Adebayo", "Obi", "Okeke", "Afolabi"],
    hometowns: &["Lagos", "Abuja", "Ibadan", "Enugu", "Port Harcourt"],
};
const GHANAIAN_KENYAN: Culture = Culture {
    weight: 3,
    first: &["Kwame", "Akosua", "Kofi", "Ama", "Wanjiru", "Otieno", "Achieng", "Njeri", "Baraka"],
    last: &["Mensah", "Boateng", "Owusu", "Asante", "Kamau", "Odhiambo", "Mwangi", "Njoroge", "Ochieng"],
    hometowns: &["Accra", "Kumasi", "Nairobi", "Mombasa", "Kisumu"],
};
const INDIAN: Culture = Culture {
    weight: 8,
    first: &["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Isha", "Aditya", "Meera", "Rahul"],
    last: &["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Mehta", "Krishnan", "Banerjee", "Rao"],
    hometowns: &["Bengaluru", "Mumbai", "Chennai", "Pune", "Hyderabad", "Kolkata"],
};
const CHINESE: Culture = Culture {
    weight: 7,
    first: &["Wei", "Mei", "Jun", "Xin", "Hao", "Lin", "Yu", "Jing", "Tao", "Yan"],
    last: &["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Tan", "Lim", "Ng", "Goh"],
    hometowns: &["Shanghai", "Chengdu", "Shenzhen", "Hangzhou", "Taipei", "Singapore"],
};
const JAPANESE: Culture = Culture {
    weight: 3,
    first: &["Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takumi", "Sakura", "Kenji", "Mio"],
    last: &["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Nakamura", "Kobayashi", "Yamamoto", "Kato"],
    hometowns: &["Osaka", "Tokyo", "Fukuoka", "Sapporo", "Kyoto"],
};
const KOREAN: Culture = Culture {
    weight: 3,
    first: &["Min-jun", "Seo-yeon", "Ji-ho", "Ha-eun", "Do-yun", "Ji-woo", "Hyun-woo", "Soo-ah", "Jae-won", "Yu-na"],
    last: &["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"],
    hometowns: &["Seoul", "Busan", "Incheon", "Daejeon"],
};
const VIETNAMESE: Culture = Culture {
    weight: 3,
    first: &["Linh", "Minh", "Trang", "Huy", "Thao", "Duc", "Lan", "Quang", "Mai", "Khanh"],
    last: &["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ngo"],
    hometowns: &["Hanoi", "Ho Chi Minh City", "Da Nang", "Hue"],
};
const SOUTHEAST_ASIAN: Culture = Culture {
    weight: 3,
    first: &["Arif", "Putri", "Rizky", "Dewi", "Budi", "Nurul", "Adi", "Sari", "Hafiz", "Aisyah"],
    last: &["Santoso", "Wijaya", "Hidayat", "Pratama", "Gunawan", "Halim", "Rahman", "Ismail"],
    hometowns: &["Jakarta", "Kuala Lumpur", "Surabaya", "Penang", "Bandung"],
};
const ARABIC: Culture = Culture {
    weight: 4,
    first: &["Omar", "Layla", "Youssef", "Fatima", "Karim", "Nour", "Hassan", "Amira", "Tariq", "Salma"],
    last: &["Haddad", "Khalil", "Mansour", "Nasser", "Saleh", "Farouk", "Aziz", "Hamdan", "Darwish", "Sabbagh"],
    hometowns: &["Beirut", "Cairo", "Amman", "Casablanca", "Tunis"],
};
const TURKISH: Culture = Culture {
    weight: 4,
    first: &["Emre", "Elif", "Mehmet", "Zeynep", "Can", "Ayşe", "Burak", "Selin", "Murat", "Deniz"],
    last: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk", "Arslan", "Doğan"],
    hometowns: &["Istanbul", "Ankara", "Izmir", "Bursa"],
};
const PERSIAN: Culture = Culture {
    weight: 3,
    first: &["Dariush", "Shirin", "Arash", "Leila", "Kian", "Parisa", "Reza", "Nazanin", "Babak", "Yasmin"],
    last: &["Ahmadi", "Hosseini", "Karimi", "Moradi", "Rahimi", "Jafari", "Rostami", "Tehrani", "Sadeghi", "Farahani"],
    hometowns: &["Tehran", "Isfahan", "Shiraz", "Tabriz"],
};
const LATIN_AMERICAN: Culture = Culture {
    weight: 5,
    first: &[
        "Valentina",
        "Mateo",
        "Camila",
        "Santiago",
        "Isabella",
        "Sebastián",
        "Daniela",
        "Andrés",
        "Gabriela",
        "Emiliano",
    ],
    last: &[
        "Hernández",
        "González",
        "Ramírez",
        "Flores",
        "Castillo",
        "Vargas",
        "Morales",
        "Jiménez",
        "Reyes",
        "Gutiérrez",
    ],
    hometowns: &["Mexico City", "Bogotá", "Buenos Aires", "Santiago", "Medellín", "Guadalajara"],
};

const CULTURES: &[Culture] = &[
    GERMAN,
    FRENCH,
    SPANISH,
    PORTUGUESE,
    ITALIAN,
    DUTCH,
    NORDIC,
    POLISH,
    UKRAINIAN,
    ANGLO,
    NIGERIAN,
    GHANAIAN_KENYAN,
    INDIAN,
    CHINESE,
    JAPANESE,
    KOREAN,
    VIETNAMESE,
    SOUTHEAST_ASIAN,
    ARABIC,
    TURKISH,
    PERSIAN,
    LATIN_AMERICAN,
];

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
