//! `cache`: what the read cache (`MINGLE_CACHE_MB`, docs/cache.md) saves the requests an app
//! makes when it opens. On each backend, a server with the cache off (`MINGLE_CACHE_MB=0`: every
//! read goes to the database), then a fresh one with it on, each on a fresh database with the
//! demo world and signed-in demo accounts. The same sessions run against both, a fixed number at
//! a time (a closed loop: the next session starts when one ends). A session is one person's app
//! opening: it connects its WebSocket (which lets the server prefetch the person's
//! recommendations), draws its first screen, then opens the recommendations, the pages of the
//! first events on them, two people's profiles, and the recommendations again. Hit rates and the
//! prefetcher's work come from the server's `GET /ops/cache`, its CPU from `/proc`.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::time::Instant;
use uuid::Uuid;

use crate::crowd;
use crate::mingle::{Account, Api};
use crate::procstat;
use crate::stats::{Latencies, Summary};

/// Sessions in flight at once: a small, steady crowd, so that latency shows what a request costs
/// rather than how long it queued.
pub const CONCURRENCY: usize = 8;
/// How long an app takes to draw its first screen after its WebSocket opened, before its first
/// request: the time a prefetch has to land.
pub const THINK: Duration = Duration::from_millis(300);
/// The server's own default budget, set explicitly for the run with the cache on so that the
/// tool's environment does not decide it.
pub const CACHE_MB: u64 = 64;
/// Event pages (the first events of the recommendations) and profiles each session opens.
const EVENT_PAGES: usize = 3;
const PROFILES: usize = 2;
/// The recommendations as the app asks for them: the default length, anywhere.
const RECOMMENDATIONS: &str = "/recommendations/events";
/// A fresh server with the demo world spends its first minute or so on one core, embedding the
/// events and training the recommender (a model trained mid-run would also make every cached
/// list stale); the sessions start once it has used less than this share of a core over 2 s, or
/// after [`IDLE_LIMIT`].
const IDLE_PERCENT: f64 = 10.0;
const IDLE_LIMIT: Duration = Duration::from_secs(180);
/// Sign-ins in flight at once while setting up (each is an Argon2 hash on the server).
const SIGN_IN_CONCURRENCY: usize = 8;

/// The requests a session times, each reported on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// The first recommendations, 300 ms after the WebSocket opened: a hit when prefetched.
    FirstRecommendations,
    /// The same list again at the end of the session: a repeat visit.
    RepeatRecommendations,
    EventPage,
    Profile,
}

impl Read {
    const ALL: [Read; 4] = [Read::FirstRecommendations, Read::RepeatRecommendations, Read::EventPage, Read::Profile];

    fn index(self) -> usize {
        match self {
            Read::FirstRecommendations => 0,
            Read::RepeatRecommendations => 1,
            Read::EventPage => 2,
            Read::Profile => 3,
        }
    }
}

/// Both runs on one database backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CacheResult {
    pub backend: String,
    /// Sessions asked for in each run, and how many ran at once.
    pub sessions: usize,
    pub concurrency: usize,
    pub think_ms: u64,
    /// `MINGLE_CACHE_MB` of the run with the cache on.
    pub cache_mb: u64,
    pub off: CacheRun,
    pub on: CacheRun,
}

impl CacheResult {
    pub fn new(backend: &str, sessions: usize, off: CacheRun, on: CacheRun) -> Self {
        Self {
            backend: backend.to_owned(),
            sessions,
            concurrency: CONCURRENCY,
            think_ms: u64::try_from(THINK.as_millis()).unwrap_or(u64::MAX),
            cache_mb: CACHE_MB,
            off,
            on,
        }
    }

    /// One line for the terminal: the first recommendations, the event pages and the CPU per
    /// request, off then on, and what the cache did.
    pub fn summary(&self) -> String {
        let (off, on) = (&self.off, &self.on);
        let p50 = |s: &Summary| crate::stats::fmt_ms(s.p50_ms);
        let hits = on.counters.as_ref().and_then(|c| c.kind("recommendations")).and_then(KindCounts::hit_rate);
        let precision = on.counters.as_ref().and_then(CacheCounters::precision);
        format!(
            "cache on {}: recommendations after connect p50 {} -> {} ms, repeat {} -> {} ms, event page {} -> {} ms; \
             server CPU {:.1} -> {:.1} s per 1,000 requests; recommendations hit rate {}, prefetch precision {}; \
             errors {} / {}",
            self.backend,
            p50(&off.first_recommendations),
            p50(&on.first_recommendations),
            p50(&off.repeat_recommendations),
            p50(&on.repeat_recommendations),
            p50(&off.event_page),
            p50(&on.event_page),
            off.cpu_secs_per_1000(),
            on.cpu_secs_per_1000(),
            percent(hits),
            percent(precision),
            off.errors,
            on.errors
        )
    }
}

/// A share as a whole percentage, `-` when there is none.
pub fn percent(share: Option<f64>) -> String {
    share.map_or("-".to_owned(), |s| format!("{:.0}%", s * 100.0))
}

/// One server's run, cache off or on.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct CacheRun {
    pub cache: bool,
    /// Sessions that ran (all asked, unless the demo world has fewer accounts that sign in).
    pub sessions: u64,
    /// From the first session's start to the last one's end.
    pub secs: f64,
    /// Seconds after setting up until the server was idle and the sessions began; none when it
    /// was still busy after 180 s.
    pub idle_after_secs: Option<f64>,
    /// Latencies from sending to the last byte of the answer, of the answers 2xx.
    pub first_recommendations: Summary,
    pub repeat_recommendations: Summary,
    pub event_page: Summary,
    pub profile: Summary,
    /// Requests timed, whatever their answer.
    pub requests: u64,
    /// Profiles answered 404: not shown to this viewer (hidden, or for attendees only). Expected
    /// answers, not errors.
    pub not_found: u64,
    /// Requests answered otherwise than 2xx (but for those 404s), or not at all, and the first.
    pub errors: u64,
    pub first_error: Option<String>,
    /// WebSockets that did not open (the session went on without one).
    pub connect_failed: u64,
    /// The server's CPU time (user and system) over the sessions.
    pub server_cpu_secs: f64,
    /// `/ops/cache` over the sessions; none when it could not be read.
    pub counters: Option<CacheCounters>,
}

impl CacheRun {
    pub fn requests_per_sec(&self) -> f64 {
        if self.secs > 0.0 {
            self.requests as f64 / self.secs
        } else {
            0.0
        }
    }

    /// Server CPU seconds per 1,000 timed requests (connecting and prefetching included).
    pub fn cpu_secs_per_1000(&self) -> f64 {
        if self.requests > 0 {
            self.server_cpu_secs / self.requests as f64 * 1000.0
        } else {
            0.0
        }
    }
}

/// Reads of one kind of cached value, from `/ops/cache`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCounts {
    pub kind: String,
    pub hits: u64,
    pub misses: u64,
    pub bypassed: u64,
}

impl KindCounts {
    /// Hits over all reads; none without reads.
    pub fn hit_rate(&self) -> Option<f64> {
        let reads = self.hits + self.misses + self.bypassed;
        (reads > 0).then(|| self.hits as f64 / reads as f64)
    }
}

/// What `/ops/cache` says of the read cache: reads per kind and the prefetcher's work (counters
/// since the server started, or over a window once [`CacheCounters::since`] took the difference),
/// and the memory as last read.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheCounters {
    pub kinds: Vec<KindCounts>,
    pub prefetched: u64,
    pub prefetch_used: u64,
    pub prefetch_wasted: u64,
    pub prefetch_load_seconds: f64,
    /// Seconds the server's forecast thread was busy (learning, asking, answering ticks).
    #[serde(default)]
    pub forecast_seconds: f64,
    pub budget_bytes: u64,
    pub used_bytes: u64,
}

impl CacheCounters {
    /// Reads the answer of `/ops/cache`; a field it lacks reads as 0.
    pub fn parse(json: &Value) -> anyhow::Result<Self> {
        let number = |key: &str| json[key].as_u64().unwrap_or(0);
        let kinds = json["kinds"].as_array().context("`/ops/cache` answered no `kinds`")?;
        Ok(Self {
            kinds: kinds
                .iter()
                .map(|k| KindCounts {
                    kind: k["kind"].as_str().unwrap_or("?").to_owned(),
                    hits: k["hits"].as_u64().unwrap_or(0),
                    misses: k["misses"].as_u64().unwrap_or(0),
                    bypassed: k["bypassed"].as_u64().unwrap_or(0),
                })
                .collect(),
            prefetched: number("prefetched"),
            prefetch_used: number("prefetch_used"),
            prefetch_wasted: number("prefetch_wasted"),
            prefetch_load_seconds: json["prefetch_load_seconds"].as_f64().unwrap_or(0.0),
            forecast_seconds: json["forecast_seconds"].as_f64().unwrap_or(0.0),
            budget_bytes: number("budget_bytes"),
            used_bytes: number("used_bytes"),
        })
    }

    /// The counters between `before` and these (setting up reads nothing through the cache, but
    /// the server's own forecast may have); memory as now.
    pub fn since(&self, before: &Self) -> Self {
        let kinds = self
            .kinds
            .iter()
            .map(|k| {
                let b = before.kind(&k.kind).cloned().unwrap_or_default();
                KindCounts {
                    kind: k.kind.clone(),
                    hits: k.hits.saturating_sub(b.hits),
                    misses: k.misses.saturating_sub(b.misses),
                    bypassed: k.bypassed.saturating_sub(b.bypassed),
                }
            })
            .collect();
        Self {
            kinds,
            prefetched: self.prefetched.saturating_sub(before.prefetched),
            prefetch_used: self.prefetch_used.saturating_sub(before.prefetch_used),
            prefetch_wasted: self.prefetch_wasted.saturating_sub(before.prefetch_wasted),
            prefetch_load_seconds: (self.prefetch_load_seconds - before.prefetch_load_seconds).max(0.0),
            forecast_seconds: (self.forecast_seconds - before.forecast_seconds).max(0.0),
            budget_bytes: self.budget_bytes,
            used_bytes: self.used_bytes,
        }
    }

    pub fn kind(&self, kind: &str) -> Option<&KindCounts> {
        self.kinds.iter().find(|k| k.kind == kind)
    }

    /// Prefetched values read, over those read or gone unread (the server's
    /// `prefetch_precision`, over the window); none before any was either.
    pub fn precision(&self) -> Option<f64> {
        let settled = self.prefetch_used + self.prefetch_wasted;
        (settled > 0).then(|| self.prefetch_used as f64 / settled as f64)
    }
}

/// What the sessions of a run record.
#[derive(Debug, Default)]
struct Recorded {
    latencies: [Latencies; 4],
    requests: AtomicU64,
    not_found: AtomicU64,
    errors: AtomicU64,
    connect_failed: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Recorded {
    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        self.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(what);
    }

    /// Sends `GET {path}` as `account`, times it and counts its answer; answers the body of a
    /// 2xx.
    async fn timed(&self, api: &Api, task: usize, read: Read, path: &str, account: &Account) -> Option<String> {
        let started = Instant::now();
        let answer = api.get_text(path, Some(&account.token)).await;
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        self.requests.fetch_add(1, Ordering::Relaxed);
        match answer {
            Ok((status, body)) if status.is_success() => {
                self.latencies[read.index()].record(task, micros);
                Some(body)
            }
            Ok((status, _)) if read == Read::Profile && status == reqwest::StatusCode::NOT_FOUND => {
                self.not_found.fetch_add(1, Ordering::Relaxed);
                None
            }
            Ok((status, body)) => {
                let body: String = body.chars().take(200).collect();
                self.error(format!("GET {path}: {status} {body}"));
                None
            }
            Err(e) => {
                self.error(format!("GET {path}: {e:#}"));
                None
            }
        }
    }
}

/// What a session opens after its first recommendations (`list`, the answer's body): the pages
/// of the first [`EVENT_PAGES`] events on it, and the profiles of their organizers, the person's
/// own left out, topped up from `others` to [`PROFILES`]. Without a list, only profiles.
fn next_reads(list: Option<&str>, me: Uuid, others: &[Uuid]) -> (Vec<Uuid>, Vec<Uuid>) {
    let list: Value = list.and_then(|body| serde_json::from_str(body).ok()).unwrap_or(Value::Null);
    let items = list["items"].as_array().map(Vec::as_slice).unwrap_or_default();
    let id = |v: &Value| v.as_str().and_then(|s| s.parse::<Uuid>().ok());
    let events: Vec<Uuid> = items.iter().filter_map(|item| id(&item["event"]["id"])).take(EVENT_PAGES).collect();
    let mut profiles: Vec<Uuid> = Vec::with_capacity(PROFILES);
    let organizers = items
        .iter()
        .take(EVENT_PAGES)
        .filter_map(|item| item["event"]["organizer_ids"].as_array().and_then(|ids| ids.first()).and_then(id));
    for person in organizers.chain(others.iter().copied()) {
        if profiles.len() == PROFILES {
            break;
        }
        if person != me && !profiles.contains(&person) {
            profiles.push(person);
        }
    }
    (events, profiles)
}

/// One session: `account`'s app opens, as the module's comment says. `others` are accounts
/// whose profiles it may open when its recommendations name too few organizers.
async fn session(api: &Api, addr: SocketAddr, account: &Account, others: &[Uuid], recorded: &Recorded, task: usize) {
    let headers =
        [("authorization", format!("Bearer {}", account.token)), ("sec-websocket-protocol", "mingle.v1".to_owned())];
    // The socket stays open for the whole session, as an app's does; nothing on it is read: the
    // session ends long before the server's first ping is due.
    let ws = match crate::net::websocket(Ipv4Addr::LOCALHOST, addr, "/api/v1/ws", &headers).await {
        Ok(ws) => Some(ws),
        Err(e) => {
            recorded.connect_failed.fetch_add(1, Ordering::Relaxed);
            let mut first = recorded.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            first.get_or_insert(format!("WebSocket: {e:#}"));
            None
        }
    };
    tokio::time::sleep(THINK).await;
    let list = recorded.timed(api, task, Read::FirstRecommendations, RECOMMENDATIONS, account).await;
    let (events, profiles) = next_reads(list.as_deref(), account.id, others);
    for event in events {
        recorded.timed(api, task, Read::EventPage, &format!("/events/{event}"), account).await;
    }
    for person in profiles {
        recorded.timed(api, task, Read::Profile, &format!("/users/{person}"), account).await;
    }
    recorded.timed(api, task, Read::RepeatRecommendations, RECOMMENDATIONS, account).await;
    if let Some(mut ws) = ws {
        let _ = ws.close(None).await;
    }
}

/// Signs in the demo accounts of `emails`, [`SIGN_IN_CONCURRENCY`] at a time; answers them in
/// the order of `emails`.
pub async fn sign_in(api: &Api, emails: &[String], label: &str) -> anyhow::Result<Vec<Account>> {
    let bar = crowd::bar(emails.len() as u64, format!("{label}: sign-ins"));
    let mut accounts = Vec::with_capacity(emails.len());
    for chunk in emails.chunks(SIGN_IN_CONCURRENCY) {
        let signing: Vec<_> = chunk
            .iter()
            .map(|email| {
                let (api, email) = (api.clone(), email.clone());
                tokio::spawn(async move { api.login(&email, crate::mingle::DEMO_PASSWORD).await })
            })
            .collect();
        for task in signing {
            accounts.push(task.await??);
            bar.inc(1);
        }
    }
    bar.finish_and_clear();
    Ok(accounts)
}

/// The server under test as a run needs it.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub api: &'a Api,
    pub addr: SocketAddr,
    pub pid: u32,
    /// The server's `MINGLE_OPS_TOKEN`, for `/ops/cache`.
    pub ops_token: &'a str,
}

/// Runs one session per account of `accounts`, [`CONCURRENCY`] at a time, once the server is
/// idle; `cache` says how the server was started.
pub async fn measure(target: Target<'_>, accounts: Vec<Account>, cache: bool, label: &str) -> anyhow::Result<CacheRun> {
    anyhow::ensure!(!accounts.is_empty(), "no demo account signed in");
    let idle_after = procstat::wait_idle(target.pid, IDLE_PERCENT, IDLE_LIMIT).await;
    let before = CacheCounters::parse(&target.api.ops_cache(target.ops_token).await?)?;
    let accounts = Arc::new(accounts);
    let recorded = Arc::new(Recorded::default());
    let next = Arc::new(AtomicUsize::new(0));
    let bar = crowd::bar(accounts.len() as u64, label.to_owned());
    let cpu_before = procstat::cpu_seconds(target.pid).unwrap_or(0.0);
    let started = Instant::now();
    let workers: Vec<_> = (0..CONCURRENCY.min(accounts.len()))
        .map(|task| {
            let (api, accounts, recorded, next, bar) =
                (target.api.clone(), Arc::clone(&accounts), Arc::clone(&recorded), Arc::clone(&next), bar.clone());
            let addr = target.addr;
            tokio::spawn(async move {
                // Apps do not open in step: the first sessions start spread over the think time,
                // and the closed loop keeps them apart after that.
                tokio::time::sleep(THINK * u32::try_from(task).unwrap_or(0) / CONCURRENCY as u32).await;
                loop {
                    let k = next.fetch_add(1, Ordering::Relaxed);
                    let Some(account) = accounts.get(k) else { break };
                    // Profiles of people the next accounts are, should the list name too few
                    // organizers: every one of them is read by a few sessions.
                    let others: Vec<Uuid> = (1..=PROFILES).map(|d| accounts[(k + d) % accounts.len()].id).collect();
                    session(&api, addr, account, &others, &recorded, task).await;
                    bar.inc(1);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.context("a session panicked")?;
    }
    let secs = started.elapsed().as_secs_f64();
    let server_cpu_secs = (procstat::cpu_seconds(target.pid).unwrap_or(cpu_before) - cpu_before).max(0.0);
    bar.finish_and_clear();
    let counters = match target.api.ops_cache(target.ops_token).await.and_then(|json| CacheCounters::parse(&json)) {
        Ok(after) => Some(after.since(&before)),
        Err(_) => None,
    };
    let summary = |read: Read| Summary::of(&recorded.latencies[read.index()].take());
    let [first, repeat, page, profile] = Read::ALL.map(summary);
    let first_error = recorded.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    Ok(CacheRun {
        cache,
        sessions: accounts.len() as u64,
        secs,
        idle_after_secs: idle_after.map(|d| d.as_secs_f64()),
        first_recommendations: first,
        repeat_recommendations: repeat,
        event_page: page,
        profile,
        requests: recorded.requests.load(Ordering::Acquire),
        not_found: recorded.not_found.load(Ordering::Acquire),
        errors: recorded.errors.load(Ordering::Acquire),
        first_error,
        connect_failed: recorded.connect_failed.load(Ordering::Acquire),
        server_cpu_secs,
        counters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn list(events: &[(u128, &[u128])]) -> String {
        let items: Vec<Value> = events
            .iter()
            .map(|(event, organizers)| {
                let organizers: Vec<String> = organizers.iter().map(|o| id(*o).to_string()).collect();
                serde_json::json!({ "event": { "id": id(*event).to_string(), "organizer_ids": organizers }, "score": 0.5 })
            })
            .collect();
        serde_json::json!({ "items": items, "model_version": null }).to_string()
    }

    #[test]
    fn a_session_opens_the_first_events_and_their_organizers() {
        let body = list(&[(1, &[10]), (2, &[10, 11]), (3, &[12]), (4, &[13])]);
        let (events, profiles) = next_reads(Some(&body), id(99), &[id(50), id(51)]);
        assert_eq!(events, [id(1), id(2), id(3)]);
        assert_eq!(profiles, [id(10), id(12)], "each organizer once, the first of each event");
    }

    #[test]
    fn too_few_organizers_are_topped_up_from_other_accounts_never_oneself() {
        let body = list(&[(1, &[99]), (2, &[])]);
        let (events, profiles) = next_reads(Some(&body), id(99), &[id(99), id(50), id(51)]);
        assert_eq!(events, [id(1), id(2)]);
        assert_eq!(profiles, [id(50), id(51)]);
        let (events, profiles) = next_reads(None, id(99), &[id(50), id(51)]);
        assert!(events.is_empty());
        assert_eq!(profiles, [id(50), id(51)], "a failed list still opens profiles");
        assert_eq!(next_reads(Some("not json"), id(1), &[]), (Vec::new(), Vec::new()));
    }

    fn status(hits: u64, misses: u64, used: u64, wasted: u64, load: f64) -> Value {
        serde_json::json!({
            "enabled": true,
            "kinds": [
                { "kind": "event_page", "hits": hits, "misses": misses, "bypassed": 0 },
                { "kind": "recommendations", "hits": used, "misses": 1, "bypassed": 0 },
            ],
            "prefetched": used + wasted + 1,
            "prefetch_used": used,
            "prefetch_wasted": wasted,
            "prefetch_precision": null,
            "prefetch_load_seconds": load,
            "forecast_seconds": load / 10.0,
            "budget_bytes": 64 << 20,
            "used_bytes": 3 << 20,
        })
    }

    #[test]
    fn reads_the_cache_status_and_counts_over_the_window() {
        let before = CacheCounters::parse(&status(5, 10, 0, 0, 0.5)).expect("parses");
        let after = CacheCounters::parse(&status(95, 40, 18, 2, 2.5)).expect("parses");
        let window = after.since(&before);
        let pages = window.kind("event_page").expect("event pages");
        assert_eq!((pages.hits, pages.misses), (90, 30));
        assert_eq!(pages.hit_rate(), Some(0.75));
        assert_eq!((window.prefetched, window.prefetch_used, window.prefetch_wasted), (20, 18, 2));
        assert!((window.prefetch_load_seconds - 2.0).abs() < 1e-9);
        assert!((window.forecast_seconds - 0.2).abs() < 1e-9);
        assert_eq!(window.precision(), Some(0.9));
        assert_eq!(window.used_bytes, 3 << 20, "memory as last read");
        assert_eq!(CacheCounters::default().precision(), None);
        assert_eq!(KindCounts::default().hit_rate(), None);
        assert!(CacheCounters::parse(&serde_json::json!({ "error": "ops_disabled" })).is_err());
    }

    #[test]
    fn cpu_and_rate_per_request_do_not_divide_by_zero() {
        let run = CacheRun { requests: 2_000, secs: 10.0, server_cpu_secs: 30.0, ..CacheRun::default() };
        assert!((run.requests_per_sec() - 200.0).abs() < 1e-9);
        assert!((run.cpu_secs_per_1000() - 15.0).abs() < 1e-9);
        assert_eq!(CacheRun::default().requests_per_sec(), 0.0);
        assert_eq!(CacheRun::default().cpu_secs_per_1000(), 0.0);
    }
}
