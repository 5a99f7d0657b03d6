//! Many connections at once: opened with bounded concurrency behind a progress bar, each then
//! listening in its own task until the run says otherwise.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};
use tokio::sync::{watch, Semaphore};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use crate::net::SourceAddresses;
use crate::peers::{self, Ended, Phase, Target};
use crate::stats::{Deliveries, Latencies};

/// Attempts per connection before it counts as failed.
const ATTEMPTS: usize = 3;

/// A progress bar in the house style.
pub fn bar(len: u64, message: impl Into<String>) -> ProgressBar {
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{msg:32} [{bar:40}] {pos}/{len} {per_sec:>12} {elapsed}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(message.into());
    bar
}

/// A spinner that counts down a fixed wait.
pub async fn wait(secs: f64, message: &str) {
    let steps = (secs * 10.0).ceil() as u64;
    let bar = bar(steps, message);
    for _ in 0..steps {
        tokio::time::sleep(Duration::from_millis(100)).await;
        bar.inc(1);
    }
    bar.finish_and_clear();
}

/// Connections that stay open until told.
#[derive(Debug)]
pub struct Crowd {
    pub phase: watch::Sender<Phase>,
    tasks: Vec<JoinHandle<()>>,
    pub open: Arc<AtomicUsize>,
    pub failed: Arc<AtomicUsize>,
    pub dropped: Arc<AtomicUsize>,
    /// Time from drop to resumed, per connection, during a reconnect storm.
    pub resumes: Arc<Latencies>,
    pub resumed: Arc<AtomicUsize>,
    pub first_error: Arc<std::sync::Mutex<Option<String>>>,
}

impl Default for Crowd {
    fn default() -> Self {
        Self {
            phase: watch::channel(Phase::Run).0,
            tasks: Vec::new(),
            open: Arc::default(),
            failed: Arc::default(),
            dropped: Arc::default(),
            resumes: Arc::default(),
            resumed: Arc::default(),
            first_error: Arc::default(),
        }
    }
}

impl Crowd {
    /// Opens `count` more connections (numbered from `first`), connection `i` joining
    /// `room_of(i)`, at most `concurrency` handshakes at a time; returns once each has opened or
    /// failed. Open connections listen (recording into `deliveries`) until the phase changes.
    #[allow(clippy::too_many_arguments)]
    pub async fn grow(
        &mut self,
        target: &Target,
        sources: &Arc<SourceAddresses>,
        first: usize,
        count: usize,
        room_of: impl Fn(usize) -> Option<usize>,
        deliveries: &Arc<Deliveries>,
        concurrency: usize,
        label: &str,
    ) {
        let bar = bar(count as u64, format!("{label}: {}", target.name()));
        let permits = Arc::new(Semaphore::new(concurrency.max(1)));
        let settled = Arc::new(AtomicUsize::new(0));
        // One shared copy: every connection task lives as long as its socket.
        let target = Arc::new(target.clone());
        for i in first..first + count {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else { break };
            let room = room_of(i);
            let (target, sources, deliveries) = (Arc::clone(&target), Arc::clone(sources), Arc::clone(deliveries));
            let (open, failed, dropped, settled) =
                (Arc::clone(&self.open), Arc::clone(&self.failed), Arc::clone(&self.dropped), Arc::clone(&settled));
            let (resumes, resumed, first_error) =
                (Arc::clone(&self.resumes), Arc::clone(&self.resumed), Arc::clone(&self.first_error));
            let mut phase = self.phase.subscribe();
            let bar = bar.clone();
            self.tasks.push(tokio::spawn(async move {
                let opened = connect(&target, &sources, i, room, None).await;
                drop(permit);
                settled.fetch_add(1, Ordering::AcqRel);
                bar.inc(1);
                let (mut ws, mut offset) = match opened {
                    Ok(opened) => opened,
                    Err(e) => {
                        failed.fetch_add(1, Ordering::Relaxed);
                        first_error
                            .lock()
                            .unwrap_or_else(std::sync::PoisonError::into_inner)
                            .get_or_insert(format!("{e:#}"));
                        return;
                    }
                };
                open.fetch_add(1, Ordering::AcqRel);
                loop {
                    let (ended, last) = peers::listen(&mut ws, target.flavor, i, &deliveries, &mut phase, offset).await;
                    offset = last;
                    let now = *phase.borrow();
                    match (ended, now) {
                        (Ended::Dropped, _) => {
                            open.fetch_sub(1, Ordering::AcqRel);
                            dropped.fetch_add(1, Ordering::Relaxed);
                            return;
                        }
                        (Ended::Signalled, Phase::Storm) => {
                            // Drop the socket without a closing handshake, as a lost network
                            // would, and resume from the last offset at once.
                            drop(ws);
                            let started = Instant::now();
                            let resume = if target.flavor == peers::Flavor::Mingle { Some(offset) } else { None };
                            match connect(&target, &sources, i, room, resume).await {
                                Ok((again, _)) => {
                                    ws = again;
                                    resumes.record(i, u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX));
                                    resumed.fetch_add(1, Ordering::AcqRel);
                                    // Wait for the storm to be over before listening for it again.
                                    while *phase.borrow() == Phase::Storm {
                                        if phase.changed().await.is_err() {
                                            break;
                                        }
                                    }
                                }
                                Err(e) => {
                                    open.fetch_sub(1, Ordering::AcqRel);
                                    failed.fetch_add(1, Ordering::Relaxed);
                                    first_error
                                        .lock()
                                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                                        .get_or_insert(format!("{e:#}"));
                                    return;
                                }
                            }
                        }
                        (Ended::Signalled, Phase::Stop) => {
                            let _ = tokio::time::timeout(Duration::from_secs(2), ws.close(None)).await;
                            open.fetch_sub(1, Ordering::AcqRel);
                            return;
                        }
                        (Ended::Signalled, Phase::Run) => {}
                    }
                }
            }));
        }
        while settled.load(Ordering::Acquire) < count {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        bar.finish_and_clear();
    }

    pub fn open(&self) -> usize {
        self.open.load(Ordering::Acquire)
    }

    pub fn failed(&self) -> usize {
        self.failed.load(Ordering::Acquire)
    }

    pub fn dropped(&self) -> usize {
        self.dropped.load(Ordering::Acquire)
    }

    pub fn first_error(&self) -> Option<String> {
        self.first_error.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clone()
    }

    /// Drops every connection at once and waits (up to `limit`) until all have resumed.
    pub async fn storm(&self, limit: Duration) -> Duration {
        let expected = self.open();
        let started = Instant::now();
        self.resumed.store(0, Ordering::Release);
        let _ = self.phase.send(Phase::Storm);
        let bar = bar(expected as u64, "reconnect storm");
        loop {
            let settled = self.resumed.load(Ordering::Acquire) + self.failed();
            bar.set_position(settled as u64);
            if settled >= expected || started.elapsed() > limit {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        bar.finish_and_clear();
        let took = started.elapsed();
        let _ = self.phase.send(Phase::Run);
        took
    }

    /// Closes every connection (bounded wait) and waits for the tasks to end.
    pub async fn close(self) {
        let _ = self.phase.send(Phase::Stop);
        let bar = bar(self.tasks.len() as u64, "closing");
        for task in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), task).await;
            bar.inc(1);
        }
        bar.finish_and_clear();
    }
}

/// Opens one connection, retrying a failed attempt twice after a short pause.
async fn connect(
    target: &Target,
    sources: &SourceAddresses,
    index: usize,
    room: Option<usize>,
    since: Option<i64>,
) -> anyhow::Result<(crate::net::Ws, i64)> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        match peers::open(target, sources, index, room, since).await {
            Ok(opened) => return Ok(opened),
            Err(e) if attempt >= ATTEMPTS => return Err(e),
            Err(_) => tokio::time::sleep(Duration::from_millis(100 * attempt as u64)).await,
        }
    }
}
