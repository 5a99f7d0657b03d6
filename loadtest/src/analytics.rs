//! `analytics`: what recording usage analytics costs the requests people wait for. The REST
//! scenario's traffic and a small chat run for a fixed time against a server with analytics off,
//! then the same against a fresh server with analytics on while a few clients send batches of
//! 100 events, each as soon as the last was answered. The pipeline is read from the server's
//! `/metrics` (events written and dropped, the queue, the write lag), its CPU from `/proc`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use protocol::analytics::{AnalyticsBatch, ClientEvent, ListKind, Page, UsageEvent, MAX_BATCH_EVENTS};
use serde::{Deserialize, Serialize};
use tokio::time::Instant;
use uuid::Uuid;

use crate::mingle::{counter_total, Api};
use crate::peers::Target;
use crate::procstat::{self, Sampler};
use crate::rest::{RestResult, Traffic};
use crate::scenarios::{ChatRooms, Dial, Step};
use crate::stats::{Latencies, Summary};

/// The chat beside the REST traffic: connections, the rooms they are spread over, and messages
/// per second over all rooms.
pub const CHAT_CONNECTIONS: usize = 200;
pub const CHAT_ROOMS: usize = 4;
pub const CHAT_RATE: f64 = 8.0;
/// Longest the scenario waits for the server's analytics queue to empty, before a window (what
/// setting up recorded) and after it.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);
/// The queue counts as empty once it has held nothing, and no more events were written, for
/// this long: the writer takes a batch off the queue before it writes it.
const QUIET: Duration = Duration::from_secs(1);
/// A fresh server with the demo world spends its first minute or so on one core, embedding the
/// events and training the recommender; a window starts once it has used less than this share
/// of a core over 2 s, or after [`IDLE_LIMIT`].
const IDLE_PERCENT: f64 = 10.0;
const IDLE_LIMIT: Duration = Duration::from_secs(180);
/// How often `/metrics` is read during a window, for the queue's and the write lag's highest.
const WATCH_EVERY: Duration = Duration::from_secs(1);

/// What each run sends.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    pub length: Duration,
    pub search_rate: f64,
    pub rsvp_rate: f64,
    /// Clients sending analytics batches while analytics are on.
    pub senders: usize,
}

/// Both runs on one database backend.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnalyticsResult {
    pub backend: String,
    pub secs: f64,
    pub senders: usize,
    pub batch_events: usize,
    pub chat_connections: usize,
    pub chat_rooms: usize,
    pub chat_rate: f64,
    pub off: AnalyticsRun,
    pub on: AnalyticsRun,
}

impl AnalyticsResult {
    pub fn new(backend: &str, load: &Load, off: AnalyticsRun, on: AnalyticsRun) -> Self {
        Self {
            backend: backend.to_owned(),
            secs: load.length.as_secs_f64(),
            senders: load.senders,
            batch_events: MAX_BATCH_EVENTS,
            chat_connections: CHAT_CONNECTIONS,
            chat_rooms: CHAT_ROOMS,
            chat_rate: CHAT_RATE,
            off,
            on,
        }
    }
}

/// One server's run, analytics off or on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnalyticsRun {
    pub analytics: bool,
    pub secs: f64,
    /// Seconds after setting up until the server was idle and the window began; none when it was
    /// still busy after 180 s.
    pub idle_after_secs: Option<f64>,
    pub rest: RestResult,
    /// The chat's window: delivery latency from send to receipt, deliveries.
    pub chat: Step,
    /// Chat connections that failed to open, and that the server closed, and the first reason.
    pub chat_failed: usize,
    pub chat_dropped: usize,
    pub chat_first_error: Option<String>,
    /// Time from sending a batch to its answer, for the batches answered 202.
    pub batches: Summary,
    /// Events the 202 answers said were accepted.
    pub accepted: u64,
    /// Batches answered otherwise, or not at all, and the first of them.
    pub batch_errors: u64,
    pub first_batch_error: Option<String>,
    /// `mingle_analytics_events_written_total` over the window, and over the wait after it.
    pub written: u64,
    pub written_after: u64,
    /// Seconds the queue took to empty after the window; none when it had not in 10 s.
    pub drain_secs: Option<f64>,
    /// `mingle_analytics_queue_depth` when the wait ended.
    pub queued_after: u64,
    /// `mingle_analytics_events_dropped_total` over the window and the wait.
    pub dropped: u64,
    /// The queue's depth and the write lag at their highest, read once a second.
    pub queue_peak: u64,
    pub write_lag_peak_secs: f64,
    /// The share of the window the writer spent writing batches, and a batch's mean write time
    /// (`mingle_analytics_write_seconds`).
    pub writer_busy_percent: f64,
    pub write_mean_ms: f64,
    pub server_cpu_percent: f64,
    /// The load-test client's own CPU: it shares the machine with the server.
    pub client_cpu_percent: f64,
}

impl AnalyticsRun {
    pub fn accepted_per_sec(&self) -> f64 {
        self.accepted as f64 / self.secs
    }

    pub fn written_per_sec(&self) -> f64 {
        self.written as f64 / self.secs
    }
}

/// The analytics pipeline as `/metrics` shows it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Pipeline {
    written: f64,
    dropped: f64,
    queued: f64,
    write_lag_secs: f64,
    /// Batches written, and the seconds their writes took together.
    writes: f64,
    write_secs: f64,
}

impl Pipeline {
    async fn read(api: &Api) -> anyhow::Result<Self> {
        Ok(Self::parse(&api.metrics().await?))
    }

    /// Absent metrics read as 0: a server with analytics off never records them.
    fn parse(text: &str) -> Self {
        // A gauge is one sample, which `counter_total` reads as well.
        Self {
            written: counter_total(text, "mingle_analytics_events_written_total"),
            dropped: counter_total(text, "mingle_analytics_events_dropped_total"),
            queued: counter_total(text, "mingle_analytics_queue_depth"),
            write_lag_secs: counter_total(text, "mingle_analytics_write_lag_seconds"),
            writes: counter_total(text, "mingle_analytics_write_seconds_count"),
            write_secs: counter_total(text, "mingle_analytics_write_seconds_sum"),
        }
    }
}

/// What the batch senders of a run record.
#[derive(Debug, Default)]
struct Batches {
    latencies: Latencies,
    accepted: AtomicU64,
    errors: AtomicU64,
    first_error: Mutex<Option<String>>,
}

impl Batches {
    fn error(&self, what: String) {
        self.errors.fetch_add(1, Ordering::Relaxed);
        self.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get_or_insert(what);
    }
}

/// Runs the window on a server with the demo world, whose chat rooms and their members
/// `target` names: the REST traffic, the chat and, with `analytics`, the batch senders, all for
/// `load.length` at once.
pub async fn measure(
    api: &Api,
    target: &Target,
    dial: &Dial,
    backend: &str,
    analytics: bool,
    load: &Load,
) -> anyhow::Result<AnalyticsRun> {
    // The chat's countdown is the window's progress bar; the REST traffic's would draw over it.
    let traffic = Traffic::prepare(api, backend).await?.without_progress();
    let senders = if analytics { load.senders } else { 0 };
    let mut tokens = Vec::with_capacity(senders);
    for i in 0..senders {
        tokens.push(api.register(&format!("analytics-{i}@bench.mingle.test"), &format!("Analytics {i}")).await?.token);
    }
    let mut chat = ChatRooms::open(target, dial, CHAT_CONNECTIONS, CHAT_ROOMS).await;
    let idle_after = procstat::wait_idle(target.pid, IDLE_PERCENT, IDLE_LIMIT).await;
    // What setting up recorded (accounts, events, RSVPs) is written before the window opens.
    drain(api, Instant::now(), Pipeline::read(api).await?).await?;
    let before = Pipeline::read(api).await?;
    let sampler = Sampler::start(target.pid);
    let batches = Arc::new(Batches::default());
    let items = Arc::new(traffic.event_ids().to_vec());
    let until = Instant::now() + load.length;
    let sending: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(i, token)| {
            tokio::spawn(send_batches(api.clone(), token, Arc::clone(&items), until, Arc::clone(&batches), i))
        })
        .collect();
    let label = format!("analytics {} ({backend})", if analytics { "on" } else { "off" });
    let (rest, step, window) = tokio::join!(
        traffic.run(target.pid, load.length, load.search_rate, load.rsvp_rate),
        chat.measure(CHAT_RATE, load.length, &label),
        watch(api, &sampler, until),
    );
    for task in sending {
        let _ = task.await;
    }
    let window = window?;
    let after = Pipeline::read(api).await?;
    let (chat_failed, chat_dropped, chat_first_error) = chat.failures();
    chat.close().await;
    let count = |n: f64| n.max(0.0).round() as u64;
    let first_batch_error = batches.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
    Ok(AnalyticsRun {
        analytics,
        secs: load.length.as_secs_f64(),
        idle_after_secs: idle_after.map(|d| d.as_secs_f64()),
        rest,
        chat: step,
        chat_failed,
        chat_dropped,
        chat_first_error,
        batches: Summary::of(&batches.latencies.take()),
        accepted: batches.accepted.load(Ordering::Acquire),
        batch_errors: batches.errors.load(Ordering::Acquire),
        first_batch_error,
        written: count(window.end.written - before.written),
        written_after: count(after.written - window.end.written),
        drain_secs: window.drained.map(|d| d.as_secs_f64()),
        queued_after: count(after.queued),
        dropped: count(after.dropped - before.dropped),
        queue_peak: count(window.queue_peak),
        write_lag_peak_secs: window.write_lag_peak_secs,
        writer_busy_percent: (window.end.write_secs - before.write_secs).max(0.0) / load.length.as_secs_f64() * 100.0,
        write_mean_ms: if window.end.writes > before.writes {
            (window.end.write_secs - before.write_secs) / (window.end.writes - before.writes) * 1000.0
        } else {
            0.0
        },
        server_cpu_percent: window.server_cpu_percent,
        client_cpu_percent: window.client_cpu_percent,
    })
}

/// One batch of `MAX_BATCH_EVENTS` events as the web app sends them, the `n`th of its sender:
/// page views of event pages and opens of events from search results, in turn.
fn batch(items: &[Uuid], n: usize) -> AnalyticsBatch {
    let at = chrono::Utc::now();
    let events = (0..MAX_BATCH_EVENTS)
        .map(|i| {
            let k = n * MAX_BATCH_EVENTS + i;
            let item = items[k % items.len()];
            let event = if k.is_multiple_of(2) {
                UsageEvent::PageView { page: Page::Event, event_id: Some(item) }
            } else {
                UsageEvent::Open {
                    item,
                    list: Some(ListKind::Search),
                    position: u32::try_from(k % 20).ok(),
                    request_id: None,
                }
            };
            ClientEvent { at, actor: None, event }
        })
        .collect();
    AnalyticsBatch { events, access_token: None }
}

/// Sends batches one after the other (the next as soon as the last is answered) until `until`.
async fn send_batches(
    api: Api,
    token: String,
    items: Arc<Vec<Uuid>>,
    until: Instant,
    batches: Arc<Batches>,
    task: usize,
) {
    let mut n = 0;
    while Instant::now() < until {
        let body = batch(&items, n);
        n += 1;
        let sent = Instant::now();
        match api.analytics_events(&token, &body).await {
            Ok(accepted) => {
                batches.accepted.fetch_add(u64::from(accepted), Ordering::Relaxed);
                batches.latencies.record(task, u64::try_from(sent.elapsed().as_micros()).unwrap_or(u64::MAX));
            }
            Err(e) => {
                batches.error(format!("{e:#}"));
                // A server that refuses at once must not turn the sender into a busy loop.
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// The pipeline at the window's end, its highest points, the CPU over the window, and how long
/// after the window the queue took to empty.
#[derive(Debug, Clone, Copy)]
struct Window {
    end: Pipeline,
    drained: Option<Duration>,
    queue_peak: f64,
    write_lag_peak_secs: f64,
    server_cpu_percent: f64,
    client_cpu_percent: f64,
}

/// Reads `/metrics` every second until `until`, then more often until the queue is empty.
async fn watch(api: &Api, sampler: &Sampler, until: Instant) -> anyhow::Result<Window> {
    let started = Instant::now();
    let _ = sampler.lap();
    let client_cpu = procstat::cpu_seconds(std::process::id()).unwrap_or(0.0);
    let (mut queue_peak, mut write_lag_peak_secs) = (0.0_f64, 0.0_f64);
    loop {
        tokio::time::sleep_until((Instant::now() + WATCH_EVERY).min(until)).await;
        if Instant::now() >= until {
            break;
        }
        // A missed reading only loses a point of the peaks; the one at the end must succeed.
        if let Ok(now) = Pipeline::read(api).await {
            queue_peak = queue_peak.max(now.queued);
            write_lag_peak_secs = write_lag_peak_secs.max(now.write_lag_secs);
        }
    }
    let usage = sampler.lap();
    let client_cpu = procstat::cpu_seconds(std::process::id()).unwrap_or(0.0) - client_cpu;
    let end = Pipeline::read(api).await?;
    let drained = drain(api, until, end).await?;
    Ok(Window {
        end,
        drained,
        queue_peak: queue_peak.max(end.queued),
        write_lag_peak_secs: write_lag_peak_secs.max(end.write_lag_secs),
        server_cpu_percent: usage.cpu_percent,
        client_cpu_percent: client_cpu / started.elapsed().as_secs_f64() * 100.0,
    })
}

/// Waits, until [`DRAIN_LIMIT`] after `since`, for the server's analytics queue to empty and its
/// last batch to be written; answers when that was, after `since`, or none when the limit came
/// first. `last` is the pipeline as read at `since`.
async fn drain(api: &Api, since: Instant, mut last: Pipeline) -> anyhow::Result<Option<Duration>> {
    let mut busy_until = since;
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let now = Pipeline::read(api).await?;
        if now.queued > 0.0 || now.written != last.written {
            busy_until = Instant::now();
        }
        last = now;
        if now.queued <= 0.0 && busy_until.elapsed() >= QUIET {
            return Ok(Some(busy_until - since));
        }
        if since.elapsed() >= DRAIN_LIMIT {
            return Ok(None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_pipeline_from_metrics() {
        let text = "# TYPE mingle_analytics_events_written_total counter\n\
                    mingle_analytics_events_written_total 12000\n\
                    mingle_analytics_events_accepted_total{from=\"client\"} 11800\n\
                    mingle_analytics_events_dropped_total 7\n\
                    mingle_analytics_queue_depth 350\n\
                    mingle_analytics_write_lag_seconds 0.75\n\
                    mingle_analytics_write_seconds{quantile=\"0.5\"} 0.25\n\
                    mingle_analytics_write_seconds_sum 1.5\n\
                    mingle_analytics_write_seconds_count 6\n";
        let pipeline = Pipeline::parse(text);
        assert_eq!(
            pipeline,
            Pipeline {
                written: 12_000.0,
                dropped: 7.0,
                queued: 350.0,
                write_lag_secs: 0.75,
                writes: 6.0,
                write_secs: 1.5
            }
        );
        assert_eq!(Pipeline::parse(""), Pipeline::default(), "analytics off: no samples");
    }

    #[test]
    fn a_batch_is_full_and_reads_as_the_api_takes_it() {
        let items = [Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3)];
        let body = batch(&items, 1);
        assert_eq!(body.events.len(), MAX_BATCH_EVENTS);
        let text = serde_json::to_string(&body).expect("serializes");
        assert!(text.len() <= protocol::analytics::MAX_BATCH_BYTES, "{} bytes", text.len());
        let kinds: Vec<&str> = body.events.iter().map(|e| e.event.kind()).collect();
        assert_eq!(kinds[..2], ["page_view", "open"]);
        assert!(body.events.iter().all(|e| UsageEvent::CLIENT_KINDS.contains(&e.event.kind())));
        let back: AnalyticsBatch = serde_json::from_str(&text).expect("reads back");
        assert_eq!(back, body);
    }
}
