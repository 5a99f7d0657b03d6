//! One shutdown for the whole process: the signals every loop selects on, and the trackers that
//! let shutdown wait for what they run, in a fixed order.
//!
//! `main` makes one [`Shutdown`]; [`crate::build_state`] hands it to everything that starts a
//! background loop, and [`crate::run`] (or the matcher worker) drives the order:
//!
//! 1. **Stop serving** ([`Shutdown::begin`]): the listener stops accepting, and every WebSocket
//!    connection queues a close with 1012 ("service restart") behind what it already queued, so
//!    clients reconnect elsewhere and resume from their last offset.
//! 2. **Drain**: connections finish writing and end (bounded by [`CONNECTIONS_GRACE`]);
//!    in-flight HTTP requests finish (bounded by the caller's grace period).
//! 3. **Stop workers** ([`Shutdown::stop_workers`]): background loops (housekeeping, training,
//!    suggestion jobs, presence) see their token cancelled, finish the step they are in, and
//!    end (bounded by [`WORKERS_GRACE`]).
//! 4. **Close pools**: the caller closes the database pool last, once nothing uses it.
//!
//! Nothing polls: every wait is on a token or a tracker.

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::{CancellationToken, WaitForCancellationFuture};
use tokio_util::task::TaskTracker;

/// How long connections get to write their close frames and end.
pub const CONNECTIONS_GRACE: Duration = Duration::from_secs(3);
/// How long background loops get to finish the step they are in.
pub const WORKERS_GRACE: Duration = Duration::from_secs(10);

/// The process's shutdown: cheap to clone, every clone sees the same signals.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    /// Cancelled first: stop accepting, close WebSockets with 1012.
    serving: CancellationToken,
    /// Cancelled once connections and requests are done: background loops end.
    workers: CancellationToken,
    /// Every WebSocket connection's task.
    connections: TaskTracker,
    /// Every background loop.
    loops: TaskTracker,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Resolves when the node stops serving (step 1): what connections select on.
    pub fn serving_ended(&self) -> WaitForCancellationFuture<'_> {
        self.serving.cancelled()
    }

    /// The serving token itself, for a future that must own it (the HTTP server's graceful
    /// shutdown).
    pub fn serving_token(&self) -> CancellationToken {
        self.serving.clone()
    }

    /// The workers' token, for a background loop to select on (step 3).
    pub fn workers_token(&self) -> CancellationToken {
        self.workers.clone()
    }

    /// Whether shutdown has begun.
    pub fn is_stopping(&self) -> bool {
        self.serving.is_cancelled()
    }

    /// Runs a WebSocket connection, tracked so that step 2 can wait for it.
    pub fn track_connection<F: Future<Output = ()>>(&self, connection: F) -> impl Future<Output = ()> {
        self.connections.track_future(connection)
    }

    /// Spawns a background loop, tracked so that step 3 can wait for it. The loop must end on
    /// its own once [`Shutdown::workers_token`] is cancelled.
    pub fn spawn<F>(&self, task: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.loops.spawn(task)
    }

    /// Step 1: stop serving; connections start closing with 1012.
    pub fn begin(&self) {
        self.serving.cancel();
    }

    /// Step 2's wait for the connections: answers whether they all ended in time.
    pub async fn connections_closed(&self) -> bool {
        self.connections.close();
        tokio::time::timeout(CONNECTIONS_GRACE, self.connections.wait()).await.is_ok()
    }

    /// Step 3: stops the background loops and waits for them; answers whether they all ended in
    /// time.
    pub async fn stop_workers(&self) -> bool {
        self.serving.cancel();
        self.workers.cancel();
        self.loops.close();
        tokio::time::timeout(WORKERS_GRACE, self.loops.wait()).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn steps_run_in_order_and_wait_for_what_they_track() {
        let shutdown = Shutdown::new();
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();

        let connection = {
            let shutdown = shutdown.clone();
            let events = events_tx.clone();
            shutdown.clone().track_connection(async move {
                shutdown.serving_ended().await;
                tokio::time::sleep(Duration::from_millis(100)).await;
                let _ = events.send("connection closed");
            })
        };
        tokio::spawn(connection);
        let token = shutdown.workers_token();
        let events_loop = events_tx.clone();
        shutdown.spawn(async move {
            token.cancelled().await;
            let _ = events_loop.send("worker stopped");
        });

        shutdown.begin();
        assert!(shutdown.connections_closed().await, "the connection ends within the grace period");
        let _ = events_tx.send("connections waited for");
        assert!(shutdown.stop_workers().await);
        drop(events_tx);
        let mut seen = Vec::new();
        while let Some(event) = events.recv().await {
            seen.push(event);
        }
        assert_eq!(seen, ["connection closed", "connections waited for", "worker stopped"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_loop_that_never_ends_is_given_up_on_after_the_grace_period() {
        let shutdown = Shutdown::new();
        shutdown.spawn(std::future::pending::<()>());
        let started = tokio::time::Instant::now();
        assert!(!shutdown.stop_workers().await);
        assert_eq!(started.elapsed(), WORKERS_GRACE);
    }
}
