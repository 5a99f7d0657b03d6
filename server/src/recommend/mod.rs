//! "Events for you": upcoming events ranked for one user, each with the reasons that put it
//! there. Hybrid and explainable: every signal is one a person can read back.
//!
//! Score of an upcoming event for a user, in [0, 1], a weighted sum of:
//! - collaborative (0.20, once a model is in service): the event's rank among the candidates
//!   by the matcher's event recommender, a model of which events go together trained on RSVPs
//!   and check-ins ([`Recommender::retrain`], in the background every [`RETRAIN_EVERY`]; each
//!   model gets a version and replaces the last in one swap, and serving never waits for
//!   training);
//! - content (0.45, or 0.25 next to the collaborative model): cosine of the user's taste vector
//!   and the event's text vector (title, description, tags). The taste vector is their profile
//!   (headline, interests, what they seek) blended with the events they attended, so it works
//!   from the first minute (a new user's onboarding interests, a new event's text) and sharpens
//!   as they go to things;
//! - interests (0.15): the share of the event's tags the user follows;
//! - people met (0.15): `1 - 2^-k` for k people they have met who are going;
//! - their crowd (0.10): `1 - 2^-(k/2)` for k people they were at an event with who are going,
//!   a neighbourhood form of collaborative filtering over check-ins;
//! - nearby (0.10): `exp(-d / 25 km)` when the request says where they are; an event held only
//!   at a venue (no online link) loses up to 0.60 with distance beyond 50 km, `1 - e^-(d-50)/300`,
//!   so that across an ocean it sinks below anything one can reach;
//! - habit (0.05): how many of their past events fell in the same part of the week (weekday or
//!   weekend; morning, afternoon or evening), said in words after three past events;
//! - their segment (0.10, for newcomers with fewer than 3 events behind them): `1 - 2^-(k/3)`
//!   for k people of the segment nearest their profile going, segments being k-means over the
//!   profiles of everyone the collaborative model learned from, made at each training.
//!
//! Never recommended: events that started, private ones, full ones, the user's own, and any
//! they have an RSVP for. Text vectors come from the process's one embedding cache, by text;
//! the model and the arithmetic run on a blocking thread, all of it behind [`matcher::Engine`].
//!
//! One job per file: `rank.rs` the signals and the ranking, `training.rs` the background
//! trainer and the model in service, `shared.rs` models trained by matcher workers and served by
//! nodes, `segments.rs` k-means segments (newcomers' and organizers' audience segments),
//! `vectors.rs` the texts that are embedded and the vectors built from them.

mod canary;
mod rank;
mod segments;
mod shared;
mod training;
mod vectors;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::sync::{Arc, RwLock};

use uuid::Uuid;

use crate::analytics::rollout::Rollout;
use crate::model::Model;
use crate::shutdown::Shutdown;
use crate::store::{EventRow, Store, UserRow};

pub use canary::{Canary, KIND as REGISTRY_KIND};
pub use shared::SharedModels;
pub use training::{Collaborative, RETRAIN_EVERY};

/// Upcoming events considered per request, soonest first.
const CANDIDATES: i64 = 2_000;
/// Attended events that shape the taste vector.
const HISTORY: i64 = 50;

/// One ranked event: its row, score and reasons.
#[derive(Debug)]
pub struct Ranked {
    pub event: EventRow,
    pub score: f32,
    pub reasons: Vec<String>,
}

/// What the ranking needs, read from storage by the caller.
#[derive(Debug)]
pub struct Inputs {
    pub user: UserRow,
    pub candidates: Vec<EventRow>,
    pub attended: Vec<EventRow>,
    /// Per event: people met going, people from shared events going.
    pub circle: HashMap<Uuid, (i64, i64)>,
    pub near: Option<(f64, f64)>,
}

pub struct Recommender {
    model: Arc<Model>,
    /// The collaborative model in service, if any; replaced whole by each training (or by its
    /// canary's promotion).
    collaborative: RwLock<Option<Arc<Collaborative>>>,
    /// A newer model served to a share of people while its experiment runs.
    canary: RwLock<Option<Arc<Canary>>>,
    rollout: RwLock<Rollout>,
    versions: AtomicU64,
    /// Held while a model trains: one training at a time, on schedule or on demand.
    training: Arc<tokio::sync::Mutex<()>>,
    /// Trainings and warm-ups run as tracked background work and stop with the workers.
    shutdown: Shutdown,
    /// On a node whose matching runs in `mingle matcher` workers: the models they train, which
    /// this node follows instead of training its own.
    workers: Option<Arc<SharedModels>>,
    /// Whether a worker was training, when last looked.
    workers_training: AtomicBool,
    /// Whether events a ranking went without are being embedded in the background.
    catching_up: AtomicBool,
}

impl std::fmt::Debug for Recommender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recommender").finish_non_exhaustive()
    }
}

impl Recommender {
    /// A recommender that trains its own models.
    pub fn new(model: Arc<Model>, shutdown: &Shutdown) -> Arc<Self> {
        Self::with(model, shutdown, None)
    }

    /// A recommender that serves the models matcher workers train and publish in `workers`.
    pub fn following(model: Arc<Model>, workers: Arc<SharedModels>, shutdown: &Shutdown) -> Arc<Self> {
        Self::with(model, shutdown, Some(workers))
    }

    fn with(model: Arc<Model>, shutdown: &Shutdown, workers: Option<Arc<SharedModels>>) -> Arc<Self> {
        Arc::new(Self {
            model,
            collaborative: RwLock::new(None),
            canary: RwLock::new(None),
            rollout: RwLock::new(Rollout::default()),
            versions: AtomicU64::new(0),
            training: Arc::new(tokio::sync::Mutex::new(())),
            shutdown: shutdown.clone(),
            workers,
            workers_training: AtomicBool::new(false),
            catching_up: AtomicBool::new(false),
        })
    }

    /// Reads what the ranking needs for `user` from `store`.
    pub async fn inputs(store: &Store, user: UserRow, near: Option<(f64, f64)>) -> crate::store::StoreResult<Inputs> {
        let candidates = store.recommendation_candidates(user.id, CANDIDATES).await?;
        let attended = store.attended_events(user.id, HISTORY).await?;
        let circle = store.circle_going(user.id).await?.into_iter().map(|(e, met, crowd)| (e, (met, crowd))).collect();
        Ok(Inputs { user, candidates, attended, circle, near })
    }

    /// The collaborative model in service, if any.
    pub fn collaborative(&self) -> Option<Arc<Collaborative>> {
        self.collaborative.read().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> String {
        serde_json::to_string(items).unwrap_or_default()
    }

    fn user(interests: &[&str], seeking: &[&str]) -> UserRow {
        UserRow {
            id: Uuid::from_u128(1),
            email: "ada@example.com".into(),
            password_hash: String::new(),
            display_name: "Ada".into(),
            headline: "Engineer".into(),
            bio: String::new(),
            interests: list(interests),
            seeking: list(seeking),
            offering: list(&[]),
            visibility: protocol::users::ProfileVisibility::Public,
            matchmaking: true,
            created_at: 0,
            updated_at: 0,
            email_verified_at: None,
            totp_enabled: false,
            deleted_at: None,
            pending_since: None,
            pending_contested: false,
        }
    }

    fn event(id: u128, title: &str, description: &str, tags: &[&str]) -> EventRow {
        // A Wednesday evening.
        let mut event = EventRow::example(Uuid::from_u128(id), title, 1_767_200_400_000 + id as i64);
        event.description = description.into();
        event.tags = list(tags);
        event
    }

    fn inputs(user: UserRow, candidates: Vec<EventRow>) -> Inputs {
        Inputs { user, candidates, attended: Vec::new(), circle: HashMap::new(), near: None }
    }

    /// The lightweight engine stands in for the model: what is tested is the ranking.
    #[test]
    fn events_that_fit_the_profile_come_first_with_their_reasons() {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let candidates = vec![
            event(1, "Watercolour morning", "Paint with us", &["painting"]),
            event(2, "Jazz night", "A live jazz trio", &["jazz"]),
            event(3, "Open mic", "Bring your guitar and a friend to play", &[]),
        ];
        let ranked = recommender.rank(inputs(user(&["jazz"], &["a jazz trio to play with"]), candidates), 2);
        assert_eq!(ranked.len(), 2);
        assert_eq!(ranked[0].event.title, "Jazz night");
        assert!(ranked[0].reasons.iter().any(|r| r == "Matches your interest in jazz"), "{:?}", ranked[0].reasons);
        assert!(
            ranked[0].reasons.iter().any(|r| r == "Fits \"a jazz trio to play with\" from your profile"),
            "{:?}",
            ranked[0].reasons
        );
        assert!(ranked[0].score > ranked[1].score);
        assert_eq!(ranked[1].event.title, "Open mic", "shares words with what they seek");
    }

    /// Many events never embedded: the ranking answers at once without their text, embeds them
    /// in the background, and a later ranking has it.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_ranking_never_waits_for_many_new_events_and_a_later_one_has_their_text() -> anyhow::Result<()> {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let mut candidates: Vec<EventRow> =
            (0..40u128).map(|i| event(i, &format!("Board games {i}"), "Dice and cards", &[])).collect();
        candidates.push(event(100, "Jazz night", "A live jazz trio", &["jazz"]));
        let fits = |ranked: &[Ranked]| {
            ranked.iter().any(|r| r.reasons.iter().any(|w| w == "Fits \"a jazz trio to play with\" from your profile"))
        };
        let rank = |recommender: &Arc<Recommender>| {
            let (recommender, candidates) = (Arc::clone(recommender), candidates.clone());
            tokio::task::spawn_blocking(move || {
                recommender.rank(inputs(user(&["jazz"], &["a jazz trio to play with"]), candidates), 3)
            })
        };
        let first = rank(&recommender).await?;
        assert_eq!(first[0].event.title, "Jazz night", "the interest alone puts it first");
        assert!(!fits(&first), "no text yet: {:?}", first[0].reasons);
        for _ in 0..100 {
            if fits(&rank(&recommender).await?) {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        anyhow::bail!("the events were never embedded in the background")
    }

    #[test]
    fn an_event_with_nothing_in_common_claims_nothing_but_being_new() {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let mut quiet = event(1, "Board games", "Dice and cards", &[]);
        let fresh = event(2, "Chess club", "Openings", &[]);
        quiet.going_count = 4;
        let ranked = recommender.rank(inputs(user(&["jazz"], &[]), vec![quiet, fresh]), 10);
        assert!(ranked.iter().all(|r| r.score == 0.0));
        let reasons: Vec<&[String]> = ranked.iter().map(|r| &r.reasons[..]).collect();
        assert_eq!(reasons, [&[][..], &["New, be among the first".to_owned()][..]], "the card shows who is going");
    }

    #[test]
    fn a_venue_far_from_where_they_are_sinks_below_what_they_can_reach() {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let at = |mut e: EventRow, lat: f64, lon: f64| {
            e.lat = Some(lat);
            e.lon = Some(lon);
            e
        };
        let berlin = (52.52, 13.405);
        let new_york = at(event(1, "Jazz breakfast", "A live jazz trio", &["jazz"]), 40.75, -73.99);
        let mut streamed = at(event(2, "Jazz session", "A live jazz trio, streamed", &["jazz"]), 40.75, -73.99);
        streamed.online_url = Some("https://example.org/live".into());
        let here = at(event(3, "Board games", "Dice and cards", &[]), 52.5, 13.4);
        let mut inputs = inputs(user(&["jazz"], &[]), vec![new_york, streamed, here]);
        inputs.near = Some(berlin);
        let ranked = recommender.rank(inputs, 3);
        let titles: Vec<&str> = ranked.iter().map(|r| r.event.title.as_str()).collect();
        assert_eq!(titles, ["Jazz session", "Board games", "Jazz breakfast"], "online is reachable from anywhere");
        assert!(ranked[1].reasons.iter().any(|r| r.ends_with("km from you")), "{:?}", ranked[1].reasons);
    }

    #[test]
    fn reasons_say_went_only_of_what_is_over_and_usually_only_after_a_few_events() {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let now = crate::store::now_ms();
        let mut coming = event(1, "Jazz night", "A live jazz trio plays standards", &["jazz"]);
        (coming.starts_at, coming.ends_at) = (now + 86_400_000, now + 90_000_000);
        let mut candidate = event(2, "Jazz night II", "A live jazz trio plays standards", &["jazz"]);
        (candidate.starts_at, candidate.ends_at) = (now + 7 * 86_400_000, now + 7 * 86_400_000 + 3_600_000);
        let mut inputs = inputs(user(&["piano"], &[]), vec![candidate.clone()]);
        inputs.attended = vec![coming.clone(), coming.clone()];
        let ranked = recommender.rank(inputs, 1);
        assert!(
            ranked[0].reasons.iter().any(|r| r == "Like \"Jazz night\", which you are going to"),
            "{:?}",
            ranked[0].reasons
        );
        assert!(
            !ranked[0].reasons.iter().any(|r| r.contains("usually")),
            "nothing is over yet: {:?}",
            ranked[0].reasons
        );
    }

    #[test]
    fn audience_segments_group_similar_profiles() -> anyhow::Result<()> {
        let recommender = Recommender::new(crate::model::light(), &Shutdown::new());
        let audience: Vec<UserRow> = (0..8u128)
            .map(|i| {
                let mut u = if i % 2 == 0 { user(&["jazz", "piano"], &[]) } else { user(&["climbing"], &[]) };
                u.id = Uuid::from_u128(i);
                u
            })
            .collect();
        let segments = recommender.segments(&audience)?;
        assert_eq!(segments.len(), 2, "{segments:?}");
        assert!(segments.iter().all(|s| s.size == 4 && (s.share - 0.5).abs() < 1e-6), "{segments:?}");
        let labels: Vec<&str> = segments.iter().map(|s| s.label.as_str()).collect();
        assert_eq!(labels, ["climbing", "jazz & piano"]);
        Ok(())
    }
}
