//! The realtime scenarios, each run the same way against either server: `idle` (hold many
//! connections, memory as they grow; beyond one process's open files, [`idle_spread`] over
//! several server nodes and client processes), `fanout` (one room, offered rate stepped up until
//! delivery falls behind), `chat` (many rooms at a steady rate) and `reconnect-storm` (everyone
//! drops and resumes at once).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use crate::crowd::{self, Crowd};
use crate::net::SourceAddresses;
use crate::peers::{self, Phase, Publishing, Target};
use crate::procstat::{self, Memory, Sampler};
use crate::stats::{Deliveries, Summary};
use crate::worker::{ClientWorkers, Order};

/// Longest an idle step may take to open its connections over all client workers.
const SPREAD_STEP_LIMIT: Duration = Duration::from_secs(600);

/// How the scenarios open connections.
#[derive(Debug, Clone)]
pub struct Dial {
    pub sources: Arc<SourceAddresses>,
    pub concurrency: usize,
}

/// Memory of the server with a number of idle connections open.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemoryPoint {
    pub connections: usize,
    pub memory: Memory,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IdleResult {
    pub server: String,
    pub wanted: usize,
    pub open: usize,
    pub failed: usize,
    pub first_error: Option<String>,
    /// Seconds to open them all.
    pub open_secs: f64,
    pub baseline: Memory,
    pub points: Vec<MemoryPoint>,
    pub hold_secs: u64,
    /// Still open after the hold (the server pings; the client answers).
    pub open_after_hold: usize,
    pub after_hold: Memory,
    pub after_close: Memory,
    /// Server CPU while holding them, percent of one core (summed over the nodes).
    pub hold_cpu_percent: f64,
    pub open_files_limit: Option<u64>,
    /// Server processes the connections were spread over (Mingle nodes, Socket.IO processes);
    /// every memory and CPU figure is their sum.
    #[serde(default = "one")]
    pub nodes: usize,
    /// Client processes that held the connections.
    #[serde(default = "one")]
    pub client_processes: usize,
    /// Connections one process was given at most, when they were spread (0: one process).
    #[serde(default)]
    pub per_process: usize,
    /// What the nodes shared (database, Redis, secret); empty for one process.
    #[serde(default)]
    pub sharing: String,
    /// Each node at the last checkpoint, in order.
    #[serde(default)]
    pub per_node: Vec<NodeShare>,
    /// The client processes' VmRSS summed, at its highest checkpoint (0: the client was this
    /// process, whose own peak the report states).
    #[serde(default)]
    pub client_rss_kib: u64,
}

fn one() -> usize {
    1
}

/// One server node's part of a spread idle run.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NodeShare {
    pub connections: usize,
    pub memory: Memory,
}

impl IdleResult {
    /// Server memory per idle connection, KiB: the growth of anonymous resident memory
    /// (`RssAnon`: heap and stacks) between the last two checkpoints, over the connections
    /// opened in between. Not from the empty server: heap the allocator already held (freed by
    /// start-up work) absorbs the first connections and would hide their cost.
    pub fn kib_per_connection(&self) -> Option<f64> {
        self.slope(|m| m.rss_anon_kib)
    }

    /// The same from all of VmRSS, file-backed pages included (noisier: the kernel drops and
    /// reloads pages of the mapped binary and libraries independently of connections).
    pub fn rss_kib_per_connection(&self) -> Option<f64> {
        self.slope(|m| m.vm_rss_kib)
    }

    fn slope(&self, kib: impl Fn(&Memory) -> u64) -> Option<f64> {
        let first = self.points.get(self.points.len().checked_sub(2)?)?;
        let last = self.points.last()?;
        let connections = last.connections.checked_sub(first.connections).filter(|&n| n > 0)?;
        Some((kib(&last.memory) as f64 - kib(&first.memory) as f64) / connections as f64)
    }
}

/// Opens `connections` idle connections in `checkpoints` steps, reading the server's memory at
/// each, holds them for `hold` and closes them.
pub async fn idle(target: &Target, dial: &Dial, checkpoints: &[usize], hold: Duration) -> IdleResult {
    let deliveries = Arc::new(Deliveries::default());
    let pids = [target.pid];
    let baseline = steady_memory(&pids).await;
    let mut crowd = Crowd::default();
    let mut points = Vec::new();
    let started = Instant::now();
    let mut opened = 0;
    for &checkpoint in checkpoints {
        let more = checkpoint.saturating_sub(opened);
        crowd.grow(target, &dial.sources, opened, more, |_| None, &deliveries, dial.concurrency, "idle").await;
        opened = checkpoint;
        points.push(MemoryPoint { connections: crowd.open(), memory: settle_memory(&pids).await });
    }
    let open_secs = started.elapsed().as_secs_f64();
    let sampler = Sampler::start(target.pid);
    crowd::wait(hold.as_secs_f64(), &format!("holding idle: {}", target.name())).await;
    let hold_usage = sampler.lap();
    let after_hold = procstat::memory(target.pid).unwrap_or_default();
    let result_open = crowd.open();
    let (failed, first_error) = (crowd.failed(), crowd.first_error());
    crowd.close().await;
    let after_close = settle_memory(&pids).await;
    IdleResult {
        server: target.name().to_owned(),
        wanted: checkpoints.last().copied().unwrap_or(0),
        open: points.last().map_or(0, |p| p.connections),
        failed,
        first_error,
        open_secs,
        baseline,
        points,
        hold_secs: hold.as_secs(),
        open_after_hold: result_open,
        after_hold,
        after_close,
        hold_cpu_percent: hold_usage.cpu_percent,
        open_files_limit: procstat::open_files_limit(target.pid),
        nodes: 1,
        client_processes: 1,
        per_process: 0,
        sharing: String::new(),
        per_node: Vec::new(),
        client_rss_kib: 0,
    }
}

/// A server spread over several processes, as [`idle_spread`] measures it.
#[derive(Debug, Clone)]
pub struct SpreadServer<'a> {
    pub name: &'a str,
    pub pids: &'a [u32],
    /// What the processes share, for the report.
    pub sharing: &'a str,
}

/// [`idle`] beyond what one process can hold: `workers` (client processes) open the
/// connections, each spreading its share round-robin over the server's nodes, in the same
/// checkpoints; memory and CPU are read from every node and added up. `per_process` is the
/// share each process was sized for, for the report. The workers are closed at the end.
pub async fn idle_spread(
    server: &SpreadServer<'_>,
    mut workers: ClientWorkers,
    checkpoints: &[usize],
    per_process: usize,
    hold: Duration,
) -> IdleResult {
    let pids = server.pids;
    let clients = workers.count();
    let baseline = steady_memory(pids).await;
    let mut points = Vec::new();
    let mut client_rss_kib = 0;
    let started = Instant::now();
    for &checkpoint in checkpoints {
        let base = workers.totals().settled();
        let label = format!("idle: {} x{} from {clients} clients", server.name, pids.len());
        let bar = crowd::bar(checkpoint.saturating_sub(base) as u64, label);
        workers
            .order(
                |w| Order::GrowTo(crate::spread::share(checkpoint, clients, w)),
                SPREAD_STEP_LIMIT,
                |settled| bar.set_position(settled.saturating_sub(base) as u64),
            )
            .await;
        bar.finish_and_clear();
        points.push(MemoryPoint { connections: workers.totals().open, memory: settle_memory(pids).await });
        client_rss_kib = client_rss_kib.max(workers.rss_kib());
    }
    let open_secs = started.elapsed().as_secs_f64();
    let grown = workers.totals();
    let per_node = pids
        .iter()
        .enumerate()
        .map(|(i, &pid)| NodeShare {
            connections: grown.per_node.get(i).copied().unwrap_or(0),
            memory: procstat::memory(pid).unwrap_or_default(),
        })
        .collect();
    let samplers: Vec<Sampler> = pids.iter().map(|&pid| Sampler::start(pid)).collect();
    crowd::wait(hold.as_secs_f64(), &format!("holding idle: {} x{}", server.name, pids.len())).await;
    let hold_cpu_percent = samplers.iter().map(|s| s.lap().cpu_percent).sum();
    drop(samplers);
    let after_hold = procstat::total_memory(pids);
    workers.order(|_| Order::Report, Duration::from_secs(60), |_| {}).await;
    let held = workers.totals();
    let bar = crowd::bar(0, format!("closing {} connections", held.open));
    workers.close().await;
    bar.finish_and_clear();
    let after_close = settle_memory(pids).await;
    IdleResult {
        server: server.name.to_owned(),
        wanted: checkpoints.last().copied().unwrap_or(0),
        open: points.last().map_or(0, |p| p.connections),
        failed: held.failed,
        first_error: held.first_error,
        open_secs,
        baseline,
        points,
        hold_secs: hold.as_secs(),
        open_after_hold: held.open,
        after_hold,
        after_close,
        hold_cpu_percent,
        open_files_limit: pids.first().and_then(|&pid| procstat::open_files_limit(pid)),
        nodes: pids.len(),
        client_processes: clients,
        per_process,
        sharing: server.sharing.to_owned(),
        per_node,
        client_rss_kib,
    }
}

/// Memory of `pids` added up, once it has stopped changing (start-up work such as loading
/// models and the first training of the recommender allocates and frees hundreds of MiB): ten
/// readings a second apart within 1 MiB per process, or after three minutes.
async fn steady_memory(pids: &[u32]) -> Memory {
    const READINGS: usize = 10;
    let tolerance = 1024 * pids.len().max(1) as u64;
    let mut readings: Vec<u64> = Vec::new();
    let bar = crowd::bar(0, "waiting for steady server memory");
    for _ in 0..180 {
        let now = procstat::total_memory(pids);
        readings.push(now.rss_anon_kib);
        bar.set_message(format!("waiting for steady server memory: {} MiB", now.rss_anon_kib / 1024));
        if readings.len() >= READINGS {
            let last = &readings[readings.len() - READINGS..];
            let (low, high) = (last.iter().min().copied().unwrap_or(0), last.iter().max().copied().unwrap_or(0));
            if high - low <= tolerance {
                bar.finish_and_clear();
                return now;
            }
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    procstat::total_memory(pids)
}

/// Memory of `pids` added up, once the servers have had a moment to finish what they were doing.
async fn settle_memory(pids: &[u32]) -> Memory {
    tokio::time::sleep(Duration::from_secs(2)).await;
    procstat::total_memory(pids)
}

/// One measurement window at a fixed offered rate.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    /// Messages per second the publishers were asked to send.
    pub offered_per_sec: f64,
    pub published: u64,
    /// Deliveries due: published messages times subscribers.
    pub expected: u64,
    pub delivered: u64,
    pub delivered_per_sec: f64,
    pub delivered_ratio: f64,
    pub latency: Summary,
    pub server_cpu_percent: f64,
    pub server_peak_rss_kib: u64,
    /// The load-test client's own CPU over the window: near 100% per core it had, the client
    /// and not the server may be what limits the step.
    pub client_cpu_percent: f64,
    pub refused: u64,
    pub secs: f64,
}

impl Step {
    /// Whether the server kept up: (almost) everything delivered, in reasonable time.
    pub fn kept_up(&self) -> bool {
        self.delivered_ratio >= 0.98 && self.latency.p99_ms <= 1000.0 && self.refused == 0
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FanoutResult {
    pub server: String,
    pub subscribers: usize,
    pub failed: usize,
    pub dropped: usize,
    pub first_error: Option<String>,
    pub steps: Vec<Step>,
}

impl FanoutResult {
    /// The highest delivery rate among the steps the server kept up with.
    pub fn sustained_per_sec(&self) -> f64 {
        self.steps.iter().filter(|s| s.kept_up()).map(|s| s.delivered_per_sec).fold(0.0, f64::max)
    }

    /// Deliveries per second of server CPU time, at the busiest step the server kept up with:
    /// the cost of a delivery, which the shared machine disturbs less than throughput.
    pub fn deliveries_per_cpu_second(&self) -> f64 {
        self.steps
            .iter()
            .filter(|s| s.kept_up() && s.server_cpu_percent > 1.0)
            .max_by(|a, b| a.delivered_per_sec.total_cmp(&b.delivered_per_sec))
            .map_or(0.0, |s| s.delivered_per_sec / (s.server_cpu_percent / 100.0))
    }

    /// The step at the reference rate (the first).
    pub fn reference(&self) -> Option<&Step> {
        self.steps.first()
    }
}

/// Settings of a fan-out run.
#[derive(Debug, Clone)]
pub struct FanoutPlan {
    pub subscribers: usize,
    pub publishers: usize,
    /// Messages per second of the first (reference) step.
    pub reference_rate: f64,
    /// The ramp starts at this many deliveries per second (or the reference rate, if higher).
    pub ramp_from_deliveries: f64,
    pub ramp_factor: f64,
    pub max_steps: usize,
    /// When the reference step already fails, steps go down by `ramp_factor` to at most
    /// `reference_rate / lowest_fraction`.
    pub lowest_fraction: f64,
    /// Steps between the best rate kept up with and the lowest that failed, once both are known.
    pub refinements: usize,
    /// Pause after a failed step, for its backlog to clear.
    pub settle: Duration,
    pub step: Duration,
    pub drain: Duration,
}

/// Chooses a fan-out run's offered rates, one step at a time, from whether the server kept up
/// with the last one: up by `ramp_factor` from the reference rate until a step fails (down by
/// it instead when already the reference rate fails, to `1 / lowest_fraction` of it at most),
/// then `refinements` steps at the geometric mean of the best rate kept up with and the lowest
/// that failed, so the sustained rate is known to within a few percent rather than a factor.
#[derive(Debug, Clone)]
pub struct RateSearch {
    rate: f64,
    first: bool,
    /// Offered rates the server kept up with (the highest) and failed at (the lowest).
    kept_up: Option<f64>,
    failed: Option<f64>,
    jump_to: f64,
    factor: f64,
    floor: f64,
    refinements: usize,
}

/// Refinement stops once the bracket is this narrow.
const NARROW_ENOUGH: f64 = 1.1;

impl RateSearch {
    pub fn new(plan: &FanoutPlan) -> Self {
        Self {
            rate: plan.reference_rate,
            first: true,
            kept_up: None,
            failed: None,
            jump_to: plan.ramp_from_deliveries / plan.subscribers.max(1) as f64,
            factor: plan.ramp_factor.max(1.01),
            floor: plan.reference_rate / plan.lowest_fraction.max(1.0),
            refinements: plan.refinements,
        }
    }

    /// The next rate to offer after a step at the current one, or `None` when the search is done.
    pub fn next(&mut self, kept_up: bool) -> Option<f64> {
        let first = std::mem::take(&mut self.first);
        if kept_up {
            self.kept_up = Some(self.kept_up.map_or(self.rate, |k| k.max(self.rate)));
        } else {
            self.failed = Some(self.failed.map_or(self.rate, |f| f.min(self.rate)));
        }
        self.rate = match (self.kept_up, self.failed) {
            (Some(_), None) if first => self.jump_to.max(self.rate * self.factor),
            (Some(_), None) => self.rate * self.factor,
            (None, Some(_)) => {
                let lower = self.rate / self.factor;
                if lower < self.floor * 0.999 {
                    return None;
                }
                lower
            }
            (Some(low), Some(high)) => {
                if self.refinements == 0 || high / low < NARROW_ENOUGH {
                    return None;
                }
                self.refinements -= 1;
                (low * high).sqrt()
            }
            (None, None) => return None,
        };
        Some(self.rate)
    }
}

/// `subscribers` in one room; the offered rate follows a [`RateSearch`] (or stops at
/// `max_steps`).
pub async fn fanout(target: &Target, dial: &Dial, plan: &FanoutPlan) -> FanoutResult {
    let deliveries = Arc::new(Deliveries::default());
    let mut crowd = Crowd::default();
    crowd
        .grow(target, &dial.sources, 0, plan.subscribers, |_| Some(0), &deliveries, dial.concurrency, "fan-out room")
        .await;
    let publishing = Arc::new(Publishing::default());
    let publishers = start_publishers(target, dial, &crowd, plan.publishers, |_| 0, 24, &deliveries, &publishing);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sampler = Sampler::start(target.pid);
    let mut steps = Vec::new();
    let mut search = RateSearch::new(plan);
    let mut rate = Some(plan.reference_rate);
    let mut i = 0;
    while let Some(offered) = rate {
        if steps.last().is_some_and(|s: &Step| !s.kept_up()) {
            // Let the backlog of the failed step clear before measuring again.
            crowd::wait(plan.settle.as_secs_f64(), "letting the backlog clear").await;
        }
        let label = format!("fan-out {} x{} @{offered:.1}/s", target.name(), plan.subscribers);
        let step =
            measure(&deliveries, &publishing, &sampler, crowd.open(), offered, plan.step, plan.drain, &label, i).await;
        i += 1;
        rate = search.next(step.kept_up());
        steps.push(step);
        if crowd.open() == 0 || i >= plan.max_steps {
            break;
        }
    }
    let result = FanoutResult {
        server: target.name().to_owned(),
        subscribers: plan.subscribers,
        failed: crowd.failed(),
        dropped: crowd.dropped(),
        first_error: crowd.first_error(),
        steps,
    };
    stop(crowd, publishers).await;
    result
}

/// Ends a run: the publishers stop (each given 5 s to close), then every connection closes.
async fn stop(crowd: Crowd, publishers: Vec<tokio::task::JoinHandle<anyhow::Result<()>>>) {
    let _ = crowd.phase.send(Phase::Stop);
    for p in publishers {
        let _ = tokio::time::timeout(Duration::from_secs(5), p).await;
    }
    crowd.close().await;
}

/// Starts `count` publisher connections; publisher `i` posts into `room_of(i)`.
#[allow(clippy::too_many_arguments)]
fn start_publishers(
    target: &Target,
    dial: &Dial,
    crowd: &Crowd,
    count: usize,
    room_of: impl Fn(usize) -> usize,
    text_len: usize,
    deliveries: &Arc<Deliveries>,
    publishing: &Arc<Publishing>,
) -> Vec<tokio::task::JoinHandle<anyhow::Result<()>>> {
    (0..count)
        .map(|i| {
            tokio::spawn(peers::publish(
                target.clone(),
                Arc::clone(&dial.sources),
                i,
                count,
                room_of(i),
                text_len + (i * 37) % 160,
                Arc::clone(deliveries),
                Arc::clone(publishing),
                crowd.phase.subscribe(),
            ))
        })
        .collect()
}

/// One window: publish at `rate` for `length`, stop, let deliveries drain, and count.
#[allow(clippy::too_many_arguments)]
async fn measure(
    deliveries: &Deliveries,
    publishing: &Publishing,
    sampler: &Sampler,
    subscribers: usize,
    rate: f64,
    length: Duration,
    drain: Duration,
    label: &str,
    index: usize,
) -> Step {
    deliveries.begin_step(u32::try_from(index + 1).unwrap_or(u32::MAX));
    publishing.published.store(0, Ordering::Release);
    publishing.refused.store(0, Ordering::Release);
    let _ = sampler.lap();
    let client_cpu = procstat::cpu_seconds(std::process::id()).unwrap_or(0.0);
    publishing.set_rate(rate);
    crowd::wait(length.as_secs_f64(), label).await;
    publishing.set_rate(0.0);
    let usage = sampler.lap();
    let client_cpu = procstat::cpu_seconds(std::process::id()).unwrap_or(0.0) - client_cpu;
    tokio::time::sleep(drain).await;
    let published = publishing.published.load(Ordering::Acquire);
    let delivered = deliveries.delivered.load(Ordering::Acquire);
    let expected = published * subscribers as u64;
    let secs = length.as_secs_f64();
    Step {
        offered_per_sec: rate,
        published,
        expected,
        delivered,
        delivered_per_sec: delivered as f64 / secs,
        delivered_ratio: if expected == 0 { 0.0 } else { delivered as f64 / expected as f64 },
        latency: Summary::of(&deliveries.latencies.take()),
        server_cpu_percent: usage.cpu_percent,
        server_peak_rss_kib: usage.peak_rss_kib,
        client_cpu_percent: client_cpu / secs * 100.0,
        refused: publishing.refused.load(Ordering::Acquire),
        secs,
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChatResult {
    pub server: String,
    pub connections: usize,
    pub rooms: usize,
    pub failed: usize,
    pub dropped: usize,
    pub first_error: Option<String>,
    pub step: Step,
}

/// `connections` spread over `rooms`, one publisher per room, messages of 24 to 184 characters
/// at `rate` per second over all rooms.
pub async fn chat(
    target: &Target,
    dial: &Dial,
    connections: usize,
    rooms: usize,
    rate: f64,
    length: Duration,
) -> ChatResult {
    let mut chat = ChatRooms::open(target, dial, connections, rooms).await;
    let label = format!("chat {} x{connections} in {rooms}", target.name());
    let step = chat.measure(rate, length, &label).await;
    let (failed, dropped, first_error) = chat.failures();
    let result =
        ChatResult { server: target.name().to_owned(), connections, rooms, failed, dropped, first_error, step };
    chat.close().await;
    result
}

/// Chat rooms held open, with one publisher each, between measurement windows: the chat
/// scenario, and the chat that runs beside other traffic (the analytics scenario).
#[derive(Debug)]
pub struct ChatRooms {
    connections: usize,
    rooms: usize,
    crowd: Crowd,
    publishers: Vec<tokio::task::JoinHandle<anyhow::Result<()>>>,
    deliveries: Arc<Deliveries>,
    publishing: Arc<Publishing>,
    sampler: Sampler,
    windows: usize,
}

impl ChatRooms {
    /// Opens `connections` spread evenly over `rooms` and one publisher per room, silent until
    /// a window asks for a rate.
    pub async fn open(target: &Target, dial: &Dial, connections: usize, rooms: usize) -> Self {
        let deliveries = Arc::new(Deliveries::default());
        let mut crowd = Crowd::default();
        crowd
            .grow(
                target,
                &dial.sources,
                0,
                connections,
                |i| Some(i % rooms),
                &deliveries,
                dial.concurrency,
                "chat rooms",
            )
            .await;
        let publishing = Arc::new(Publishing::default());
        let publishers = start_publishers(target, dial, &crowd, rooms, |i| i, 24, &deliveries, &publishing);
        tokio::time::sleep(Duration::from_secs(1)).await;
        let sampler = Sampler::start(target.pid);
        Self { connections, rooms, crowd, publishers, deliveries, publishing, sampler, windows: 0 }
    }

    /// One window: messages at `rate` per second over all rooms for `length`, then 2 s for the
    /// last of them to arrive.
    pub async fn measure(&mut self, rate: f64, length: Duration, label: &str) -> Step {
        let (deliveries, publishing, sampler) = (&self.deliveries, &self.publishing, &self.sampler);
        let drain = Duration::from_secs(2);
        let mut step = measure(deliveries, publishing, sampler, 1, rate, length, drain, label, self.windows).await;
        self.windows += 1;
        // Each message reaches only its room's members: count expected deliveries per room.
        let per_room = self.connections as f64 / self.rooms as f64;
        step.expected = (step.published as f64 * per_room).round() as u64;
        step.delivered_ratio = if step.expected == 0 { 0.0 } else { step.delivered as f64 / step.expected as f64 };
        step
    }

    /// Connections that failed to open, were closed by the server, and the first reason.
    pub fn failures(&self) -> (usize, usize, Option<String>) {
        (self.crowd.failed(), self.crowd.dropped(), self.crowd.first_error())
    }

    /// Stops the publishers, then closes every connection.
    pub async fn close(self) {
        stop(self.crowd, self.publishers).await;
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StormResult {
    pub server: String,
    pub connections: usize,
    pub resumed: usize,
    pub failed: usize,
    pub first_error: Option<String>,
    /// From the drop until every connection was back in its room.
    pub total_secs: f64,
    /// Per connection, drop to joined again.
    pub resume: Summary,
    /// Messages published while the storm lasted (2 s before to 2 s after) that reached their
    /// subscribers: Mingle resumes from offsets, Socket.IO rooms have no history.
    pub delivered_ratio: f64,
    pub server_cpu_percent: f64,
}

/// `connections` in one room while a publisher posts 5 messages a second; all drop at once and
/// reconnect (Mingle: resubscribing from their last offset).
pub async fn reconnect_storm(target: &Target, dial: &Dial, connections: usize) -> StormResult {
    let deliveries = Arc::new(Deliveries::default());
    let mut crowd = Crowd::default();
    crowd.grow(target, &dial.sources, 0, connections, |_| Some(0), &deliveries, dial.concurrency, "storm room").await;
    let publishing = Arc::new(Publishing::default());
    let publishers = start_publishers(target, dial, &crowd, 1, |_| 0, 24, &deliveries, &publishing);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let sampler = Sampler::start(target.pid);
    deliveries.begin_step(1);
    publishing.set_rate(5.0);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let _ = crowd.resumes.take();
    let took = crowd.storm(Duration::from_secs(120)).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    publishing.set_rate(0.0);
    let usage = sampler.lap();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let expected = publishing.published.load(Ordering::Acquire) * connections as u64;
    let delivered = deliveries.delivered.load(Ordering::Acquire);
    let result = StormResult {
        server: target.name().to_owned(),
        connections,
        resumed: crowd.resumed.load(Ordering::Acquire),
        failed: crowd.failed(),
        first_error: crowd.first_error(),
        total_secs: took.as_secs_f64(),
        resume: Summary::of(&crowd.resumes.take()),
        delivered_ratio: if expected == 0 { 0.0 } else { delivered as f64 / expected as f64 },
        server_cpu_percent: usage.cpu_percent,
    };
    stop(crowd, publishers).await;
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(subscribers: usize) -> FanoutPlan {
        FanoutPlan {
            subscribers,
            publishers: 4,
            reference_rate: 10.0,
            ramp_from_deliveries: 50_000.0,
            ramp_factor: 1.5,
            max_steps: 12,
            lowest_fraction: 8.0,
            refinements: 2,
            settle: Duration::ZERO,
            step: Duration::ZERO,
            drain: Duration::ZERO,
        }
    }

    /// The rates a search offers when `keeps_up` says how the server fares at each.
    fn rates(plan: &FanoutPlan, keeps_up: impl Fn(f64) -> bool) -> Vec<f64> {
        let mut search = RateSearch::new(plan);
        let mut rate = Some(plan.reference_rate);
        let mut offered = Vec::new();
        while let Some(r) = rate {
            offered.push((r * 100.0).round() / 100.0);
            rate = search.next(keeps_up(r));
            assert!(offered.len() < 50, "the search ends");
        }
        offered
    }

    #[test]
    fn ramps_up_then_narrows_the_bracket() {
        // Jumps to 50,000 deliveries/s, ramps by 1.5x, then twice halves the bracket (in ratio).
        let offered = rates(&plan(1000), |r| r < 150.0);
        assert_eq!(offered, [10.0, 50.0, 75.0, 112.5, 168.75, 137.78, 152.48]);
    }

    #[test]
    fn steps_down_when_the_reference_rate_is_too_much() {
        let offered = rates(&plan(10_000), |r| r < 5.0);
        assert_eq!(offered, [10.0, 6.67, 4.44, 5.44, 4.92]);
        // A server that never keeps up is tried down to an eighth of the reference rate.
        let offered = rates(&plan(10_000), |_| false);
        assert_eq!(offered, [10.0, 6.67, 4.44, 2.96, 1.98, 1.32]);
    }

    #[test]
    fn stops_when_the_bracket_is_narrow() {
        let mut narrow = plan(1000);
        narrow.ramp_factor = 1.05;
        narrow.ramp_from_deliveries = 0.0;
        let offered = rates(&narrow, |r| r < 10.6);
        assert_eq!(offered, [10.0, 10.5, 11.03], "a 5% bracket needs no refinement");
    }
}
