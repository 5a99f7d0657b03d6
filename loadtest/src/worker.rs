//! The idle scenario's client when one process cannot hold every connection: copies of this
//! tool (`loadtest idle-worker`, a hidden subcommand), each opening and holding a share of the
//! connections with the same crowd code and source addresses as the one-process client.
//!
//! The parent speaks to a worker over its stdin and the worker answers over its stdout, one JSON
//! object a line. First comes a [`Job`] (which nodes, which tokens), then [`Order`]s; the worker
//! carries out one order at a time and answers each with [`Report::Done`], sending
//! [`Report::Progress`] while connections open. The end of stdin counts as [`Order::Close`], so
//! a worker whose parent is gone closes its connections and exits. Anything a worker writes to
//! stderr (its progress bars hide themselves there, as stderr is no terminal) is kept by the
//! parent to explain a worker that failed.

use std::collections::VecDeque;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncBufReadExt as _, AsyncRead, AsyncWriteExt as _, BufReader};
use tokio::process::{Child, ChildStdin, Command};
use tokio::sync::mpsc;

use crate::crowd::Crowd;
use crate::net::SourceAddresses;
use crate::peers::{Flavor, Target};
use crate::spread;
use crate::stats::Deliveries;

/// The subcommand that makes this tool a worker.
pub const SUBCOMMAND: &str = "idle-worker";

/// How often a worker reports its counts while connections open.
const PROGRESS_EVERY: Duration = Duration::from_millis(250);

/// Lines of a worker's stderr kept to explain its failure.
const STDERR_LINES: usize = 8;

/// What one worker does: its share of the connections goes to `nodes` round-robin.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// This worker's number; its round-robin over the nodes starts at node `worker % nodes`.
    pub worker: usize,
    #[serde(with = "FlavorName")]
    pub flavor: Flavor,
    pub nodes: Vec<SocketAddr>,
    /// Per node (in the order of `nodes`), the access tokens its connections take in turn
    /// (Mingle; empty for Socket.IO). Nodes that share a database share one list.
    pub tokens: Vec<Vec<String>>,
    /// Loopback source addresses the sockets are spread over (see `net`).
    pub source_addresses: usize,
    /// Handshakes in flight at once, over all nodes.
    pub concurrency: usize,
}

/// [`Flavor`] as the wire spells it.
#[derive(Serialize, Deserialize)]
#[serde(remote = "Flavor", rename_all = "snake_case")]
enum FlavorName {
    Mingle,
    SocketIo,
}

/// What the parent tells a worker after its job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Order {
    /// Open connections until this many have been attempted in all (opened or failed).
    GrowTo(usize),
    /// Answer the counts as they are now.
    Report,
    /// Close every connection, answer the counts, and exit.
    Close,
}

/// A worker's connections at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub open: usize,
    pub failed: usize,
    /// Opened, then closed by the server or the network.
    pub dropped: usize,
    /// Open connections per node, in the order of the job's nodes.
    pub per_node: Vec<usize>,
    pub first_error: Option<String>,
}

impl Counts {
    /// Connections attempted so far, however they ended.
    pub fn settled(&self) -> usize {
        self.open + self.failed + self.dropped
    }
}

/// What a worker tells the parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    /// Counts while an order is being carried out.
    Progress(Counts),
    /// The order is carried out; the counts after it.
    Done(Counts),
    /// The worker cannot go on, and why; it exits.
    Failed(String),
}

/// One line of the wire, read.
pub fn parse<T: DeserializeOwned>(line: &str) -> anyhow::Result<T> {
    serde_json::from_str(line.trim()).with_context(|| {
        let shown: String = line.chars().take(200).collect();
        format!("unreadable line from the other side: {shown:?}")
    })
}

/// One line of the wire, written (with its newline).
fn line(value: &impl Serialize) -> anyhow::Result<String> {
    let mut text = serde_json::to_string(value)?;
    text.push('\n');
    Ok(text)
}

/// The worker process: runs its job until told to close (or stdin ends). A failure is also
/// reported on stdout, so the parent can say why.
pub async fn main() -> anyhow::Result<()> {
    let outcome = work().await;
    if let Err(e) = &outcome {
        let _ = emit(&Report::Failed(format!("{e:#}")));
    }
    outcome
}

fn emit(report: &Report) -> anyhow::Result<()> {
    let text = line(report)?;
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).context("writing to the parent")?;
    out.flush().context("writing to the parent")
}

async fn work() -> anyhow::Result<()> {
    let mut orders = BufReader::new(tokio::io::stdin()).lines();
    let first = orders.next_line().await.context("reading the job")?.context("no job on stdin")?;
    let job: Job = parse(&first).context("reading the job")?;
    anyhow::ensure!(!job.nodes.is_empty(), "the job names no node");
    anyhow::ensure!(
        job.flavor != Flavor::Mingle
            || (job.tokens.len() == job.nodes.len() && job.tokens.iter().all(|t| !t.is_empty())),
        "a Mingle job needs access tokens for every node"
    );
    let nodes = job.nodes.len();
    let targets: Vec<Target> = job
        .nodes
        .iter()
        .enumerate()
        .map(|(i, &addr)| Target {
            flavor: job.flavor,
            addr,
            pid: 0,
            rooms: Vec::new(),
            tokens: job.tokens.get(i).cloned().unwrap_or_default(),
        })
        .collect();
    let sources = Arc::new(SourceAddresses::new(job.source_addresses));
    let deliveries = Arc::new(Deliveries::default());
    let mut crowds: Vec<Crowd> = targets.iter().map(|_| Crowd::default()).collect();
    let tally = Tally::of(&crowds);
    // Nodes are grown side by side, each with its part of the handshakes in flight.
    let concurrency = job.concurrency.div_ceil(nodes).max(1);
    let mut asked = 0;
    loop {
        let order = match orders.next_line().await.context("reading orders")? {
            Some(text) if text.trim().is_empty() => continue,
            Some(text) => parse(&text)?,
            None => Order::Close,
        };
        match order {
            Order::GrowTo(total) => {
                let before = spread::per_node(job.worker, asked, nodes);
                asked = asked.max(total);
                let after = spread::per_node(job.worker, asked, nodes);
                let progress = tokio::spawn(report_progress(tally.clone()));
                let grows = crowds.iter_mut().zip(&targets).enumerate().map(|(node, (crowd, target))| {
                    let (from, more) = (before[node], after[node] - before[node]);
                    crowd.grow(target, &sources, from, more, |_| None, &deliveries, concurrency, "idle")
                });
                futures_util::future::join_all(grows).await;
                progress.abort();
                emit(&Report::Done(tally.counts()))?;
            }
            Order::Report => emit(&Report::Done(tally.counts()))?,
            Order::Close => {
                futures_util::future::join_all(crowds.into_iter().map(Crowd::close)).await;
                emit(&Report::Done(tally.counts()))?;
                return Ok(());
            }
        }
    }
}

async fn report_progress(tally: Tally) {
    loop {
        tokio::time::sleep(PROGRESS_EVERY).await;
        if emit(&Report::Progress(tally.counts())).is_err() {
            return;
        }
    }
}

/// The counters of every node's crowd, readable while the crowds grow.
#[derive(Debug, Clone)]
struct Tally {
    nodes: Vec<NodeTally>,
}

#[derive(Debug, Clone)]
struct NodeTally {
    open: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    dropped: Arc<AtomicUsize>,
    first_error: Arc<Mutex<Option<String>>>,
}

impl Tally {
    fn of(crowds: &[Crowd]) -> Self {
        let nodes = crowds
            .iter()
            .map(|c| NodeTally {
                open: Arc::clone(&c.open),
                failed: Arc::clone(&c.failed),
                dropped: Arc::clone(&c.dropped),
                first_error: Arc::clone(&c.first_error),
            })
            .collect();
        Self { nodes }
    }

    fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for node in &self.nodes {
            let open = node.open.load(Ordering::Acquire);
            counts.open += open;
            counts.failed += node.failed.load(Ordering::Acquire);
            counts.dropped += node.dropped.load(Ordering::Acquire);
            counts.per_node.push(open);
            if counts.first_error.is_none() {
                counts.first_error = node.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone();
            }
        }
        counts
    }
}

/// The parent's side: the worker processes of one idle run.
#[derive(Debug)]
pub struct ClientWorkers {
    workers: Vec<ClientWorker>,
    events: mpsc::UnboundedReceiver<(usize, Event)>,
}

#[derive(Debug)]
struct ClientWorker {
    child: Child,
    pid: u32,
    stdin: Option<ChildStdin>,
    /// The counts it last reported.
    counts: Counts,
    /// Why it stopped taking orders, once it has.
    ended: Option<String>,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

/// What the parent hears from a worker.
#[derive(Debug)]
enum Event {
    Report(Report),
    /// Its stdout ended or made no sense.
    Ended(String),
}

impl ClientWorkers {
    /// Starts one worker per job (this same program, [`SUBCOMMAND`]) and hands each its job.
    /// Workers are killed when dropped, so an error on the way leaves none behind.
    pub async fn start(jobs: Vec<Job>) -> anyhow::Result<Self> {
        let program = std::env::current_exe().context("locating this program to start its workers")?;
        let (sender, events) = mpsc::unbounded_channel();
        let mut workers = Vec::with_capacity(jobs.len());
        for (i, job) in jobs.iter().enumerate() {
            let mut child = Command::new(&program)
                .arg(SUBCOMMAND)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .kill_on_drop(true)
                .spawn()
                .with_context(|| format!("starting client worker {i} ({})", program.display()))?;
            let pid = child.id().context("client worker pid")?;
            let stdout = child.stdout.take().context("client worker stdout")?;
            let stderr = child.stderr.take().context("client worker stderr")?;
            let tail = Arc::new(Mutex::new(VecDeque::new()));
            tokio::spawn(read_reports(i, stdout, sender.clone()));
            tokio::spawn(keep_tail(stderr, Arc::clone(&tail)));
            let mut worker = ClientWorker {
                stdin: child.stdin.take(),
                child,
                pid,
                counts: Counts::default(),
                ended: None,
                stderr: tail,
            };
            worker.send(job).await.with_context(|| format!("handing client worker {i} its job"))?;
            workers.push(worker);
        }
        Ok(Self { workers, events })
    }

    pub fn count(&self) -> usize {
        self.workers.len()
    }

    /// Sends `order(i)` to each worker `i` still running and waits until every one has carried
    /// it out, has ended, or `limit` has passed (then it is stopped). `progress` sees the
    /// connections settled over all workers whenever a report arrives.
    pub async fn order(&mut self, order: impl Fn(usize) -> Order, limit: Duration, mut progress: impl FnMut(usize)) {
        let mut pending = vec![false; self.workers.len()];
        for (i, worker) in self.workers.iter_mut().enumerate() {
            if worker.ended.is_some() {
                continue;
            }
            match worker.send(&order(i)).await {
                Ok(()) => pending[i] = true,
                Err(e) => worker.end(&format!("{e:#}")),
            }
        }
        let deadline = tokio::time::Instant::now() + limit;
        while pending.iter().any(|&p| p) {
            let why = match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(event)) => {
                    self.hear(event, &mut pending);
                    progress(self.totals().settled());
                    continue;
                }
                // Every worker's output has ended (their readers are gone).
                Ok(None) => "its output ended".to_owned(),
                Err(_) => format!("no answer within {} s", limit.as_secs()),
            };
            for (worker, _) in self.workers.iter_mut().zip(&pending).filter(|(_, &p)| p) {
                worker.end(&why);
            }
            return;
        }
    }

    /// Takes in one event from a worker; an answer or an end settles its pending order.
    fn hear(&mut self, (i, event): (usize, Event), pending: &mut [bool]) {
        let Some(worker) = self.workers.get_mut(i) else { return };
        match event {
            Event::Report(Report::Progress(counts)) => worker.counts = counts,
            Event::Report(Report::Done(counts)) => {
                worker.counts = counts;
                pending[i] = false;
            }
            Event::Report(Report::Failed(why)) | Event::Ended(why) => {
                worker.end(&why);
                pending[i] = false;
            }
        }
    }

    /// The counts over all workers; `per_node` added up node by node, `first_error` the first
    /// worker failure or else the first connection error.
    pub fn totals(&self) -> Counts {
        let mut totals = Counts::default();
        for worker in &self.workers {
            let c = &worker.counts;
            totals.open += c.open;
            totals.failed += c.failed;
            totals.dropped += c.dropped;
            if totals.per_node.len() < c.per_node.len() {
                totals.per_node.resize(c.per_node.len(), 0);
            }
            for (sum, n) in totals.per_node.iter_mut().zip(&c.per_node) {
                *sum += n;
            }
        }
        totals.first_error = self
            .workers
            .iter()
            .enumerate()
            .find_map(|(i, w)| w.ended.as_ref().map(|why| format!("client worker {i} stopped: {why}")))
            .or_else(|| self.workers.iter().find_map(|w| w.counts.first_error.clone()));
        totals
    }

    /// The workers' resident memory added up, KiB.
    pub fn rss_kib(&self) -> u64 {
        let pids: Vec<u32> = self.workers.iter().filter(|w| w.ended.is_none()).map(|w| w.pid).collect();
        pids.iter().map(|&pid| crate::procstat::status_memory(pid).map_or(0, |m| m.vm_rss_kib)).sum()
    }

    /// Has every worker close its connections and exit (stopping those that do not in time).
    pub async fn close(mut self) {
        self.order(|_| Order::Close, Duration::from_secs(60), |_| {}).await;
        for worker in &mut self.workers {
            drop(worker.stdin.take());
            if tokio::time::timeout(Duration::from_secs(10), worker.child.wait()).await.is_err() {
                let _ = worker.child.start_kill();
                let _ = worker.child.wait().await;
            }
        }
    }
}

impl ClientWorker {
    async fn send(&mut self, message: &impl Serialize) -> anyhow::Result<()> {
        let text = line(message)?;
        let stdin = self.stdin.as_mut().context("the worker's stdin is closed")?;
        stdin.write_all(text.as_bytes()).await.context("writing to the worker")?;
        stdin.flush().await.context("writing to the worker")
    }

    /// Records why the worker stopped and stops it; its connections are gone with it.
    fn end(&mut self, why: &str) {
        if self.ended.is_none() {
            let mut why = why.to_owned();
            if let Ok(Some(status)) = self.child.try_wait() {
                why.push_str(&format!(" (it exited: {status})"));
            }
            let tail: Vec<String> =
                self.stderr.lock().unwrap_or_else(std::sync::PoisonError::into_inner).iter().cloned().collect();
            if !tail.is_empty() {
                why.push_str(&format!(" (stderr: {})", tail.join(" | ")));
            }
            self.ended = Some(why);
        }
        self.stdin = None;
        let _ = self.child.start_kill();
        self.counts.open = 0;
        self.counts.per_node.iter_mut().for_each(|n| *n = 0);
    }
}

/// Forwards a worker's reports to the parent until its stdout ends or makes no sense.
async fn read_reports(worker: usize, stdout: impl AsyncRead + Unpin, events: mpsc::UnboundedSender<(usize, Event)>) {
    let mut lines = BufReader::new(stdout).lines();
    let why = loop {
        match lines.next_line().await {
            Ok(Some(text)) if text.trim().is_empty() => {}
            Ok(Some(text)) => match parse::<Report>(&text) {
                Ok(report) => {
                    let _ = events.send((worker, Event::Report(report)));
                }
                Err(e) => break format!("{e:#}"),
            },
            Ok(None) => break "exited".to_owned(),
            Err(e) => break format!("reading its output: {e}"),
        }
    };
    let _ = events.send((worker, Event::Ended(why)));
}

/// Keeps the last lines a worker wrote to stderr.
async fn keep_tail(stderr: impl AsyncRead + Unpin, tail: Arc<Mutex<VecDeque<String>>>) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(text)) = lines.next_line().await {
        let mut tail = tail.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if tail.len() == STDERR_LINES {
            tail.pop_front();
        }
        tail.push_back(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orders_and_reports_read_back_as_written() {
        for order in [Order::GrowTo(1_334), Order::Report, Order::Close] {
            assert_eq!(parse::<Order>(&line(&order).expect("written")).expect("read"), order);
        }
        assert_eq!(line(&Order::GrowTo(5)).expect("written"), "{\"grow_to\":5}\n");
        assert_eq!(line(&Order::Close).expect("written"), "\"close\"\n");
        let counts = Counts { open: 7, failed: 1, dropped: 2, per_node: vec![4, 3], first_error: Some("x".into()) };
        assert_eq!(counts.settled(), 10);
        for report in [Report::Progress(counts.clone()), Report::Done(counts), Report::Failed("no job".into())] {
            assert_eq!(parse::<Report>(&line(&report).expect("written")).expect("read"), report);
        }
    }

    #[test]
    fn a_job_names_its_flavor_in_words() {
        let job = Job {
            worker: 2,
            flavor: Flavor::SocketIo,
            nodes: vec!["127.0.0.1:4000".parse().expect("addr")],
            tokens: Vec::new(),
            source_addresses: 16,
            concurrency: 86,
        };
        let text = line(&job).expect("written");
        assert!(text.contains(r#""flavor":"socket_io""#), "{text}");
        assert_eq!(parse::<Job>(&text).expect("read"), job);
    }

    #[test]
    fn bad_lines_are_errors_that_show_the_line() {
        for bad in ["", "nonsense", "{\"grow_to\":-1}", "{\"grow_to\":\"many\"}", "\"explode\"", "{\"done\":{}}"] {
            let err = parse::<Report>(bad).map(drop).or_else(|_| parse::<Order>(bad).map(drop));
            assert!(err.is_err(), "{bad:?} was accepted");
        }
        let err = parse::<Order>("nonsense").expect_err("refused");
        assert!(format!("{err:#}").contains("\"nonsense\""), "{err:#}");
    }

    #[tokio::test]
    async fn a_worker_that_writes_nonsense_ends_with_the_reason() {
        let (sender, mut events) = mpsc::unbounded_channel();
        let output: &[u8] = b"{\"progress\":{\"open\":1,\"failed\":0,\"dropped\":0,\"per_node\":[1],\"first_error\":null}}\n\ngarbage\n{\"done\":null}\n";
        read_reports(3, output, sender).await;
        let (worker, first) = events.recv().await.expect("a report");
        assert_eq!(worker, 3);
        assert!(matches!(first, Event::Report(Report::Progress(Counts { open: 1, .. }))), "{first:?}");
        let (_, second) = events.recv().await.expect("the end");
        assert!(matches!(&second, Event::Ended(why) if why.contains("garbage")), "{second:?}");
        assert!(events.recv().await.is_none(), "nothing read after the nonsense");
    }

    #[tokio::test]
    async fn a_worker_whose_output_ends_has_exited() {
        let (sender, mut events) = mpsc::unbounded_channel();
        read_reports(0, &b""[..], sender).await;
        assert!(matches!(events.recv().await, Some((0, Event::Ended(why))) if why == "exited"));
    }
}
