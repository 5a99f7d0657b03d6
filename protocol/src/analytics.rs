//! Usage analytics: the vocabulary of what people were shown and what they did with it, the batch
//! the web app sends, and the two dashboards built from it.
//!
//! Nothing here carries a person's identity or words: the server files each event under a
//! pseudonymous key of its own making, and chat is counted, never quoted.

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// Most events in one `POST /analytics/events` batch.
pub const MAX_BATCH_EVENTS: usize = 100;
/// Largest `POST /analytics/events` body, in bytes.
pub const MAX_BATCH_BYTES: usize = 64 * 1024;
/// How far ahead of the server's clock an event's `at` may be (clock skew), in seconds.
pub const MAX_FUTURE_SKEW_SECS: i64 = 60;
/// How old an event in a batch may be (a tab that went to sleep), in hours.
pub const MAX_EVENT_AGE_HOURS: i64 = 24;

/// A list of items shown to someone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ListKind {
    /// "Picked for you": `GET /recommendations/events`.
    Recommendations,
    /// Event search with a query.
    Search,
    /// Event listing without a query (upcoming, nearby, by tag).
    Browse,
    /// "People to meet" at an event.
    Suggestions,
    /// Announcements and other notices pushed to a person.
    Notifications,
}

impl ListKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recommendations => "recommendations",
            Self::Search => "search",
            Self::Browse => "browse",
            Self::Suggestions => "suggestions",
            Self::Notifications => "notifications",
        }
    }
}

/// How a person came to an event they RSVP'd to: the list they last opened it from in the week
/// before, or `link` when they opened it from no list (a shared link, a bookmark).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Recommendations,
    Search,
    Browse,
    Notifications,
    Link,
}

impl Source {
    pub const ALL: [Self; 5] = [Self::Recommendations, Self::Search, Self::Browse, Self::Notifications, Self::Link];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recommendations => "recommendations",
            Self::Search => "search",
            Self::Browse => "browse",
            Self::Notifications => "notifications",
            Self::Link => "link",
        }
    }
}

/// A screen of the web app (or a mobile app's equivalent), never its full address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Page {
    Discover,
    Event,
    Live,
    ManageEvent,
    EditEvent,
    Organize,
    NewEvent,
    Meetings,
    Messages,
    Profile,
    AccountSecurity,
    SignIn,
    SignUp,
    VerifyEmail,
    ResetPassword,
    Operator,
}

impl Page {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discover => "discover",
            Self::Event => "event",
            Self::Live => "live",
            Self::ManageEvent => "manage_event",
            Self::EditEvent => "edit_event",
            Self::Organize => "organize",
            Self::NewEvent => "new_event",
            Self::Meetings => "meetings",
            Self::Messages => "messages",
            Self::Profile => "profile",
            Self::AccountSecurity => "account_security",
            Self::SignIn => "sign_in",
            Self::SignUp => "sign_up",
            Self::VerifyEmail => "verify_email",
            Self::ResetPassword => "reset_password",
            Self::Operator => "operator",
        }
    }
}

/// One thing that happened, as the analytics pipeline stores it. The server records every kind
/// but `page_view` and `open` itself; a client sends only those two (see [`ClientEvent`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UsageEvent {
    /// An item was in a list the server answered or pushed.
    Impression {
        list: ListKind,
        /// The event (recommendations, search, browse, notifications) or person (suggestions).
        item: Uuid,
        /// 0-based place in the list.
        position: u32,
        /// The event the list belongs to (suggestions, notifications).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event_id: Option<Uuid>,
        /// The recommender model version or the matcher weight set that ranked the list.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        model_version: Option<String>,
        /// The person's experiment arm for that model (`control` or `canary`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        variant: Option<String>,
        /// One id per answered list, shared by its items and quoted by an `open`.
        request_id: Uuid,
    },
    /// A person opened an item (an event page, a profile), from a list or not.
    Open {
        item: Uuid,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        list: Option<ListKind>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        position: Option<u32>,
        /// The `request_id` of the impression the item was opened from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        request_id: Option<Uuid>,
    },
    /// A screen was shown.
    PageView {
        page: Page,
        /// The event the screen is about (event, live, manage and edit screens).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event_id: Option<Uuid>,
    },
    /// A person said they are going (or interested, or joined the waiting list).
    Rsvp {
        event_id: Uuid,
        status: crate::events::RsvpStatus,
    },
    /// A person withdrew their RSVP.
    RsvpWithdrawn {
        event_id: Uuid,
    },
    CheckIn {
        event_id: Uuid,
    },
    /// A person asked another for a meeting (filed under the one who asked).
    MeetingRequested {
        event_id: Uuid,
        meeting_id: Uuid,
        with: Uuid,
    },
    /// Filed under the one who accepted; `with` asked.
    MeetingAccepted {
        event_id: Uuid,
        meeting_id: Uuid,
        with: Uuid,
    },
    MeetingDeclined {
        event_id: Uuid,
        meeting_id: Uuid,
        with: Uuid,
    },
    /// A person marked someone suggested to them as met.
    Met {
        event_id: Uuid,
        with: Uuid,
    },
    /// Messages a person posted in an event's chat (a count, never the text).
    ChatActivity {
        event_id: Uuid,
        messages: u32,
    },
    /// An organizer created an event.
    EventCreated {
        event_id: Uuid,
    },
    /// A new account started (its first day is its cohort).
    SignedUp,
}

impl UsageEvent {
    /// The kind, as stored and as the `kind` field names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Impression { .. } => "impression",
            Self::Open { .. } => "open",
            Self::PageView { .. } => "page_view",
            Self::Rsvp { .. } => "rsvp",
            Self::RsvpWithdrawn { .. } => "rsvp_withdrawn",
            Self::CheckIn { .. } => "check_in",
            Self::MeetingRequested { .. } => "meeting_requested",
            Self::MeetingAccepted { .. } => "meeting_accepted",
            Self::MeetingDeclined { .. } => "meeting_declined",
            Self::Met { .. } => "met",
            Self::ChatActivity { .. } => "chat_activity",
            Self::EventCreated { .. } => "event_created",
            Self::SignedUp => "signed_up",
        }
    }

    /// Every kind, for documentation and for telling an unknown kind from a server-recorded one.
    pub const KINDS: [&'static str; 13] = [
        "impression",
        "open",
        "page_view",
        "rsvp",
        "rsvp_withdrawn",
        "check_in",
        "meeting_requested",
        "meeting_accepted",
        "meeting_declined",
        "met",
        "chat_activity",
        "event_created",
        "signed_up",
    ];

    /// The kinds a client may send; the server records the rest itself.
    pub const CLIENT_KINDS: [&'static str; 2] = ["page_view", "open"];
}

/// One event of a client's batch: what happened (`page_view` or `open`), when, and optionally
/// whose action it was, which must then be the sender's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct ClientEvent {
    /// When it happened on the client; at most a minute ahead of the server and a day old.
    pub at: DateTime<Utc>,
    /// The person who acted; when given, it must be the signed-in sender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<Uuid>,
    #[serde(flatten)]
    pub event: UsageEvent,
}

/// `POST /analytics/events`: up to 100 events, 64 KiB. A signed-in client authenticates with its
/// bearer token; `navigator.sendBeacon`, which cannot set headers, puts the same token in
/// `access_token`. Without a token only `page_view` events are taken, filed under nobody.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, JsonSchema)]
pub struct AnalyticsBatch {
    pub events: Vec<ClientEvent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
}

/// The answer to a batch: how many events were queued, and how many were left out on purpose
/// (page views from a browser that asked not to be tracked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BatchAccepted {
    pub accepted: u32,
    pub ignored: u32,
}

/// A step of an event's funnel: people who reached it at least once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Opened the event's page (signed in).
    Viewed,
    /// RSVP'd going, interested or waitlisted.
    Rsvped,
    CheckedIn,
    /// Posted in the event's chat.
    Chatted,
    /// Asked someone for a meeting at the event.
    MeetingRequested,
    /// Had a meeting request accepted, or accepted one.
    MeetingAccepted,
    /// Marked someone as met.
    Met,
}

impl Stage {
    pub const ALL: [Self; 7] = [
        Self::Viewed,
        Self::Rsvped,
        Self::CheckedIn,
        Self::Chatted,
        Self::MeetingRequested,
        Self::MeetingAccepted,
        Self::Met,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewed => "viewed",
            Self::Rsvped => "rsvped",
            Self::CheckedIn => "checked_in",
            Self::Chatted => "chatted",
            Self::MeetingRequested => "meeting_requested",
            Self::MeetingAccepted => "meeting_accepted",
            Self::Met => "met",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunnelStep {
    pub stage: Stage,
    pub people: i64,
    /// `people` over the previous step's (1 for the first step; 0 when the previous is 0).
    pub of_previous: f64,
}

/// People reaching each stage for the first time in one bucket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FunnelPoint {
    pub at: DateTime<Utc>,
    pub viewed: i64,
    pub rsvped: i64,
    pub checked_in: i64,
    pub chatted: i64,
    pub meeting_requested: i64,
    pub meeting_accepted: i64,
    pub met: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SourceShare {
    pub source: Source,
    pub rsvps: i64,
    /// Share of the event's attributed RSVPs, in [0, 1].
    pub share: f64,
}

/// How the event did at bringing people together.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Networking {
    pub checked_in: i64,
    /// Checked-in people with at least one accepted meeting.
    pub with_accepted_meeting: i64,
    /// `with_accepted_meeting / checked_in` (0 with nobody checked in).
    pub share: f64,
}

/// `GET /events/{id}/analytics`: organizers only; read from rollups, about a minute behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventAnalytics {
    pub event_id: Uuid,
    pub funnel: Vec<FunnelStep>,
    /// Width of `over_time`'s buckets, in minutes.
    pub bucket_minutes: u32,
    pub over_time: Vec<FunnelPoint>,
    pub sources: Vec<SourceShare>,
    pub networking: Networking,
    /// When the newest event counted here happened; `null` before any.
    pub as_of: Option<DateTime<Utc>>,
}

/// A chart of `GET /events/{id}/analytics`, for `GET /events/{id}/analytics/export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventChart {
    Funnel,
    OverTime,
    Sources,
    Networking,
}

/// Query of `GET /events/{id}/analytics/export`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    #[param(inline)]
    pub chart: EventChart,
}

/// Distinct active people on a day and in the 7 and 30 days ending with it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActivePoint {
    pub day: NaiveDate,
    pub daily: i64,
    pub weekly: i64,
    pub monthly: i64,
}

/// People who signed up in one week (from its Monday), and the share of them active in each
/// following week (index 0 is the sign-up week itself).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cohort {
    pub week: NaiveDate,
    pub size: i64,
    pub retained: Vec<f64>,
}

/// How one recommender version did with the people it ranked for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommenderOutcome {
    /// `content` for lists ranked without a collaborative model.
    pub model_version: String,
    pub impressions: i64,
    /// Opens of items shown in the first 5 and 10 places, over impressions in those places.
    pub ctr_at_5: f64,
    pub ctr_at_10: f64,
    /// RSVPs attributed to this version's lists.
    pub rsvps: i64,
    /// RSVPs per impression.
    pub rsvp_rate: f64,
}

/// How one matcher weight set did: suggestions shown, meetings asked of suggested people, and
/// how many of those were accepted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatcherOutcome {
    /// `default` for the built-in weights, else a fingerprint of the learned ones.
    pub weights_version: String,
    pub impressions: i64,
    pub requests: i64,
    pub accepted: i64,
    /// Accepted over requests (0 with no request).
    pub acceptance_rate: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DayVolume {
    pub day: NaiveDate,
    pub events_created: i64,
    /// Check-ins that day.
    pub attended: i64,
}

/// `GET /ops/analytics`: the platform over the last `days` days (operator token).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlatformAnalytics {
    pub days: u32,
    pub active: Vec<ActivePoint>,
    pub cohorts: Vec<Cohort>,
    pub recommenders: Vec<RecommenderOutcome>,
    pub matchers: Vec<MatcherOutcome>,
    pub volume: Vec<DayVolume>,
    /// Events waiting to be written, and how far behind the writer and the rollups are.
    pub pipeline: PipelineState,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PipelineState {
    pub queued: u64,
    /// Age of the oldest event not yet written, in seconds (0 when none waits).
    pub write_lag_secs: f64,
    /// Age of the newest event already counted in the rollups (the hourly rollups are updated in
    /// the same transaction as the raw events, so this is the time since the last write).
    pub rollup_lag_secs: f64,
}

/// Query of `GET /ops/analytics`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlatformQuery {
    /// 1 to 365, default 30.
    pub days: Option<u32>,
}

/// A model version in the registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelVersion {
    /// `recommender` (a collaborative model) or `matcher` (a weight set of the suggestions'
    /// score).
    pub kind: String,
    /// A number for recommenders; `default` or the four weights (`w{fit}-{about}-{tags}-{context}`)
    /// for weight sets.
    pub version: String,
    /// When it was trained (weight sets: learned); its training data window ends here.
    pub trained_at: DateTime<Utc>,
    /// What it learned from: RSVPs and check-ins (recommenders), or outcomes of suggested pairs
    /// (weight sets).
    pub interactions: i64,
    pub first_served: DateTime<Utc>,
    /// `canary`, `current`, `retired` (replaced by a newer current) or `rolled_back`.
    pub status: String,
    /// Offline metrics by name, where they apply: for a learned weight set, `loss_hand_set` and
    /// `loss_learned` (balanced logistic loss on the outcomes it was fitted to; lower is better,
    /// 0.693 is a coin toss), `positives` and `negatives`.
    pub offline: std::collections::BTreeMap<String, f64>,
    /// How a recommender did with people, from the rollups: CTR and RSVP rate.
    pub online: Option<RecommenderOutcome>,
    /// How a weight set did with people, from the rollups: suggestions shown, meetings asked,
    /// accepted.
    pub online_suggestions: Option<MatcherOutcome>,
}

/// One arm of an experiment: exposures (impressions) and successes (RSVPs or opens).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ArmNumbers {
    pub exposures: i64,
    pub successes: i64,
}

/// The numbers of a look at an experiment, or of its decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperimentLook {
    /// `promote`, `wait` or `rollback`.
    pub verdict: String,
    /// RSVPs per impression, the primary metric.
    pub control: ArmNumbers,
    pub canary: ArmNumbers,
    /// Canary rate over control rate, minus 1.
    pub lift: f64,
    pub z: f64,
    pub p_value: f64,
    /// The |z| a look needs (alpha over the planned looks).
    pub z_needed: f64,
    /// z of the guardrail (opens per impression); rolled back when significantly negative.
    pub guard_z: f64,
    pub reason: String,
}

/// The experiment running now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RunningExperiment {
    /// `recommender` or `matcher`.
    pub kind: String,
    pub experiment: String,
    pub canary_version: String,
    pub control_version: Option<String>,
    /// Share of people served the canary.
    pub share: f64,
    pub started_at: DateTime<Utc>,
    /// The newest look (every minute); `null` before the first.
    pub last_look: Option<ExperimentLook>,
}

/// How an experiment ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ExperimentDecision {
    pub experiment: String,
    pub kind: String,
    pub control_version: Option<String>,
    pub canary_version: String,
    /// `promote` or `rollback`.
    pub verdict: String,
    /// Whether an operator decided it.
    pub forced: bool,
    pub numbers: Option<ExperimentLook>,
    pub decided_at: DateTime<Utc>,
}

/// `GET /ops/models`: the registry (newest versions first), the experiment running, and the
/// decisions that ended the last ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelRegistry {
    /// Recommender versions, then matcher weight sets, newest first.
    pub versions: Vec<ModelVersion>,
    /// The experiments running: at most one per kind.
    pub running: Vec<RunningExperiment>,
    pub decisions: Vec<ExperimentDecision>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_event_reads_flat() {
        let text = r#"{"at":"2026-12-05T10:00:00Z","kind":"open","item":"00000000-0000-0000-0000-000000000001","list":"search","position":3}"#;
        let event: ClientEvent = serde_json::from_str(text).expect("valid");
        assert_eq!(
            event.event,
            UsageEvent::Open {
                item: Uuid::from_u128(1),
                list: Some(ListKind::Search),
                position: Some(3),
                request_id: None
            }
        );
        assert_eq!(serde_json::to_value(&event).expect("valid")["kind"], "open");
    }

    #[test]
    fn every_kind_is_listed() {
        let samples = [
            UsageEvent::SignedUp,
            UsageEvent::PageView { page: Page::Event, event_id: None },
            UsageEvent::EventCreated { event_id: Uuid::nil() },
        ];
        for sample in samples {
            assert!(UsageEvent::KINDS.contains(&sample.kind()));
            assert_eq!(serde_json::to_value(&sample).expect("valid")["kind"], sample.kind());
        }
    }
}
