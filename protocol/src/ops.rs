//! Operations endpoints: liveness, readiness, the recommendation model's state, and the
//! capacity forecast.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// `GET /healthz`: the process is up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: HealthStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    Ok,
}

/// `GET /readyz`: whether the node can serve (200 `ready`) or not (503 `unavailable`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    pub status: ReadyStatus,
    /// When ready: whether the fan-out broker is connected. Without it the node still serves;
    /// messages are stored and reach other nodes' clients when they resync.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub broker: Option<BrokerState>,
    /// When unavailable: what failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<NotReadyReason>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReadyStatus {
    Ready,
    Unavailable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BrokerState {
    Connected,
    Disconnected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NotReadyReason {
    /// The database does not answer.
    Database,
}

/// `GET /ops/recommendations/model`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommendationModelStatus {
    /// The model in service; `null` before the first training.
    pub model: Option<RecommendationModel>,
    /// Whether a training is running now.
    pub training: bool,
}

/// The collaborative recommendation model in service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RecommendationModel {
    /// 1 for the first model trained by this process, then one more for each.
    pub version: u64,
    /// RSVPs and check-ins it learned from.
    pub interactions: u64,
    /// Events it knows.
    pub events: u64,
    pub trained_at: DateTime<Utc>,
}

/// `POST /ops/recommendations/retrain` (202): a training has started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RetrainStarted {
    /// Always true.
    pub training: bool,
    /// The version serving until the new one is ready; `null` when none is.
    pub version_in_service: Option<u64>,
}

/// `GET /ops/capacity`: how many connections, messages and check-ins the next 15 and 60 minutes
/// hold, and the replicas that takes. Recomputed in the background every minute from the event
/// calendar and the history of past events; the answer is the latest computation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapacityForecast {
    pub generated_at: DateTime<Utc>,
    /// One forecast per horizon, the shortest first: the peak of each quantity between now and
    /// the end of the horizon, so that capacity is in place for the whole window.
    pub horizons: Vec<CapacityHorizon>,
    /// Connections not tied to a live event: people with the app open (accounts whose session
    /// was used within the last two access-token lifetimes) less those the model places at live
    /// events now. Held flat over the horizons.
    pub baseline_connections: u64,
    /// The events that drive the forecast, the largest crowd inside the 60-minute horizon first
    /// (at most 10).
    pub drivers: Vec<CapacityDriver>,
    /// What the model learned from past events.
    pub history: CapacityHistory,
    /// What one replica is planned to carry.
    pub plan: CapacityPlan,
}

/// The forecast for one horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapacityHorizon {
    /// 15 or 60.
    pub minutes: u32,
    /// When the forecast connections peak inside the horizon.
    pub peak_at: DateTime<Utc>,
    /// Concurrent WebSocket connections at the peak.
    pub connections: u64,
    /// Chat messages posted per second, at the peak.
    pub messages_per_second: f64,
    /// Messages delivered to sockets per second (each message reaches everyone in its room), at
    /// the peak.
    pub deliveries_per_second: f64,
    /// Check-ins per minute, at the peak (each one updates the matcher's lists).
    pub checkins_per_minute: f64,
    /// Matcher work at the peak, in workers' worth: check-ins over what a worker handles, plus
    /// the full builds of events that start.
    pub matcher_workers: f64,
    pub replicas: ReplicaCounts,
}

/// Recommended replicas per role: what the peak needs with the headroom, within the bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReplicaCounts {
    /// Server nodes: for the connections or the deliveries, whichever needs more.
    pub node: u32,
    /// `mingle matcher` workers: for the check-ins and full builds.
    pub matcher: u32,
}

/// One event behind the forecast, and why it counts as much as it does.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapacityDriver {
    pub event_id: Uuid,
    pub title: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub kind: EventKind,
    /// The band of the hour it starts, in its own time zone.
    pub hour_band: HourBand,
    /// Online only (no venue).
    pub online: bool,
    pub going: u64,
    pub interested: u64,
    pub checked_in: u64,
    /// The share of people going who checked in at past events of the same kind, hour band and
    /// place, drawn towards broader groups when there were few.
    pub show_up_rate: f64,
    /// People expected to come: going × show-up rate; once check-ins start, scaled by how they
    /// compare with what was expected by now.
    pub expected_attendees: f64,
    /// The most of them present at once inside the 60-minute horizon.
    pub peak_present: f64,
    /// Chat messages posted in its room so far.
    pub messages: u64,
    /// Chat messages per attendee-minute expected of its room: history's, drawn towards what
    /// the room has posted so far as its attendee-minutes grow.
    pub messages_per_attendee_minute: f64,
}

/// An event's kind, by how long it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Up to 3 hours: meetups, talks, breakfasts.
    Short,
    /// Up to 12 hours: workshops, conference days.
    Long,
    /// Longer: conferences and hackathons over several days.
    MultiDay,
}

/// When an event starts, in its own time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HourBand {
    /// Before noon.
    Morning,
    /// Noon to 17:00.
    Afternoon,
    /// From 17:00.
    Evening,
}

/// What the forecast learned from past events (the last 90 days).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapacityHistory {
    /// Past events with at least one person going.
    pub events: u64,
    /// Check-ins at them.
    pub checkins: u64,
    /// Checked in / going over all of them (each event's rate, averaged), before shrinkage.
    pub show_up_rate: f64,
    /// Chat messages per attendee per minute at events, drawn towards the prior while there was
    /// little chat.
    pub messages_per_attendee_minute: f64,
}

/// What one replica is planned to carry (the `MINGLE_CAPACITY_*` settings).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CapacityPlan {
    pub node_connections: u64,
    pub node_deliveries_per_second: f64,
    pub matcher_checkins_per_second: f64,
    /// Seconds a worker takes for the full build of a 10,000-person event (the work grows with
    /// the square of the attendees).
    pub matcher_full_build_secs: f64,
    /// Planned spare capacity: 0.4 plans each replica at 1 / 1.4 = 71% of what it carries.
    pub headroom: f64,
}

/// `GET /ops/cache`: this node's read cache (docs/cache.md). Counters are since the node started.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CacheStatus {
    /// Whether the node keeps anything (`MINGLE_CACHE_MB` above 0).
    pub enabled: bool,
    /// Whether versions and invalidations are shared with other nodes through Redis.
    pub shared: bool,
    /// Whether the node hears every invalidation now; while it does not, it reads the database.
    pub in_sync: bool,
    /// The tier's size now: within the bounds, from the forecast.
    pub budget_bytes: u64,
    /// Bytes held, values and bookkeeping together.
    pub used_bytes: u64,
    /// The bounds the forecast sizes the tier within (`MINGLE_CACHE_MIN_MB`, `MINGLE_CACHE_MB`).
    pub min_budget_bytes: u64,
    pub max_budget_bytes: u64,
    /// The latest look ahead; `null` until the first, made within 20 s of start-up.
    pub forecast: Option<CacheForecast>,
    /// Request-log lines the forecast fell too far behind to read.
    pub log_dropped: u64,
    /// Seconds the forecast's thread has been busy: learning from the request log, asking what
    /// people open next after their connects and reads, and answering the ticks.
    pub forecast_seconds: f64,
    /// Reads per kind of cached value.
    pub kinds: Vec<CacheKindStats>,
    /// Values loaded ahead of a predicted read and kept.
    pub prefetched: u64,
    /// Prefetched values read before they left the cache.
    pub prefetch_used: u64,
    /// Prefetched values that left the cache unread.
    pub prefetch_wasted: u64,
    /// `prefetch_used / (prefetch_used + prefetch_wasted)`; `null` before any left or was read.
    pub prefetch_precision: Option<f64>,
    /// Whether prefetching is on (`MINGLE_CACHE_PREFETCH`).
    pub prefetch_enabled: bool,
    /// Whether the prefetcher is resting after a minute in which most prefetches went unread.
    pub prefetch_paused: bool,
    /// Seconds spent loading prefetched values.
    pub prefetch_load_seconds: f64,
    /// What the prefetcher has learned: how often each trigger was followed by its read.
    pub transitions: Vec<CacheTransition>,
    /// Loads refused because a write made them stale while they ran.
    pub refused_stale: u64,
    /// Invalidations received from other nodes.
    pub invalidations_received: u64,
    /// The longest an invalidation from another node took to arrive, in milliseconds.
    pub max_invalidation_lag_ms: u64,
    /// How soon a read on this node sees another node's acknowledged write.
    pub staleness_bound_ms: u64,
    /// Invalidations that arrived later than the bound (must stay 0).
    pub staleness_violations: u64,
}

/// Reads of one kind of cached value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CacheKindStats {
    /// `event_page`, `attendee_count`, `profile`, `recommendations`, `suggestions` or `search_page`.
    pub kind: String,
    /// Reads served from this node's memory.
    pub hits: u64,
    /// Reads this node missed and the shared tier in Redis served.
    pub shared_hits: u64,
    /// Reads that loaded from the database (and filled both tiers).
    pub misses: u64,
    /// Reads that went to the database because the node was out of sync.
    pub bypassed: u64,
}

/// One transition the prefetcher learns, such as a connection followed by opening
/// recommendations within five minutes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CacheTransition {
    pub name: String,
    /// Triggers followed by the read within the window.
    pub followed: u64,
    /// Triggers whose window closed without the read.
    pub unfollowed: u64,
}

/// What the read cache's forecast expects, and what it did about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CacheForecast {
    pub made_at: DateTime<Utc>,
    /// The next 15 and the next 60 minutes.
    pub horizons: Vec<CacheHorizon>,
    /// The tier's size the forecast asks for (the hot set with headroom), before the bounds.
    pub wanted_bytes: u64,
    /// The probability a predicted read needs for its value to be loaded ahead now; it rises
    /// while prefetched values go unread.
    pub threshold: f64,
    /// Values loaded ahead at this look, and the seconds the loads took.
    pub prefetched: u64,
    pub prefetch_seconds: f64,
}

/// The load expected over one horizon.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CacheHorizon {
    pub minutes: u64,
    /// Distinct values expected to be read: the hot set.
    pub distinct_keys: u64,
    /// Bytes of the hot set: what the tier needs to hold it.
    pub bytes: u64,
    pub requests_per_minute: f64,
}
