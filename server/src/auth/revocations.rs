//! Sessions ended before their access tokens expire: signed out from another device, a
//! password changed, the account deleted. Access tokens are checked without a database read,
//! so each node keeps the set of sessions revoked within the last access-token lifetime (older
//! ones' tokens have expired anyway) and refreshes it from the store every
//! [`POLL_INTERVAL`]. A revocation made on this node applies at once; one made on another node
//! within a poll. Either way the open WebSockets of the session are woken (through the
//! realtime access watch) and close with 4001.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dashmap::DashMap;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::realtime::access::AccessWatch;
use crate::store::{now_ms, Store};

/// How often each node reads the sessions revoked since its last look.
pub const POLL_INTERVAL: Duration = Duration::from_secs(1);
/// Overlap of successive reads, so a revocation committed with a slightly earlier clock (or by
/// a transaction that committed late) is still seen.
const OVERLAP_MS: i64 = 10_000;

#[derive(Debug)]
pub struct Revocations {
    /// Revoked session → when (Unix ms).
    revoked: DashMap<Uuid, i64>,
    /// Revocations at or after this time (minus the overlap) are read at the next poll.
    cursor: AtomicI64,
    /// How long a revoked session is remembered: the access tokens' lifetime, and a minute.
    remember_ms: i64,
}

impl Revocations {
    pub fn new(access_ttl: Duration) -> Self {
        let remember_ms = i64::try_from(access_ttl.as_millis()).unwrap_or(i64::MAX / 4).saturating_add(60_000);
        Self { revoked: DashMap::new(), cursor: AtomicI64::new(now_ms() - remember_ms), remember_ms }
    }

    /// Whether `session` has ended. Tokens without a session (issued before sessions existed)
    /// end at their expiry.
    pub fn is_revoked(&self, session: Option<Uuid>) -> bool {
        session.is_some_and(|session| self.revoked.contains_key(&session))
    }

    /// Records sessions this node just revoked, and wakes their users' sockets here.
    pub fn revoked(&self, sessions: &[(Uuid, Uuid)], access: &AccessWatch) {
        let now = now_ms();
        for (session, _) in sessions {
            self.revoked.insert(*session, now);
        }
        let users: Vec<Uuid> = sessions.iter().map(|(_, user)| *user).collect();
        access.changed(&users);
    }

    /// Reads revocations from the store once; answers how many were new here.
    pub async fn poll(&self, store: &Store, access: &AccessWatch) -> anyhow::Result<usize> {
        let since = self.cursor.load(Ordering::Relaxed) - OVERLAP_MS;
        let started = now_ms();
        let rows = store.sessions_revoked_since(since).await?;
        let mut woken = Vec::new();
        for (session, user, at) in rows {
            if self.revoked.insert(session, at).is_none() {
                woken.push(user);
            }
        }
        access.changed(&woken);
        self.cursor.store(started, Ordering::Relaxed);
        let forget_before = started - self.remember_ms;
        self.revoked.retain(|_, at| *at >= forget_before);
        Ok(woken.len())
    }

    /// Polls until `stop`.
    pub async fn follow(self: Arc<Self>, store: Store, access: Arc<AccessWatch>, stop: CancellationToken) {
        let mut tick = tokio::time::interval(POLL_INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut failing = false;
        loop {
            tokio::select! {
                _ = tick.tick() => {}
                () = stop.cancelled() => return,
            }
            match self.poll(&store, &access).await {
                Ok(_) if failing => {
                    failing = false;
                    tracing::info!("reading revoked sessions works again");
                }
                Ok(_) => {}
                Err(e) if !failing => {
                    failing = true;
                    tracing::warn!(error = %e, "reading revoked sessions failed; retrying every second");
                }
                Err(_) => {}
            }
        }
    }
}
