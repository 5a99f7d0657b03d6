//! Access that ends while a socket is open. Subscriptions are authorized when they start; when
//! a person later loses access (an RSVP withdrawn, a block, a profile hidden, removed as
//! organizer, the event deleted), the write that took it says so with
//! [`super::Realtime::access_changed`], every node hears it through the broker on
//! [`ACCESS_CHANNEL`], and each of those people's connections checks its subscriptions again,
//! ending the ones it may no longer receive.
//!
//! A node keeps one watch per user with a connection on it, not per subscription, so an idle
//! connection pays a receiver, and nothing when nobody's access changes.

use std::sync::Arc;

use dashmap::DashMap;
use protocol::realtime::MessageBody;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::broker::{Broker, BrokerEvent};

/// The broker channel that carries access changes between nodes. Not a channel name a client
/// can subscribe to (see [`protocol::realtime::Channel`]).
pub const ACCESS_CHANNEL: &str = "mingle:access";

/// The users with a connection on this node, each with a watch their connections wait on.
#[derive(Debug, Default)]
pub struct AccessWatch {
    users: DashMap<Uuid, watch::Sender<()>>,
}

impl AccessWatch {
    /// A receiver that wakes when `user`'s access may have changed.
    pub fn watch(self: &Arc<Self>, user: Uuid) -> AccessReceiver {
        let receiver = self.users.entry(user).or_insert_with(|| watch::channel(()).0).subscribe();
        AccessReceiver { watch: Arc::clone(self), user, receiver }
    }

    /// Wakes the connections of `users` on this node.
    pub fn changed(&self, users: &[Uuid]) {
        for user in users {
            if let Some(sender) = self.users.get(user) {
                sender.send_replace(());
            }
        }
    }

    /// Wakes every connection on this node: changes may have been missed.
    pub fn all_changed(&self) {
        for sender in &self.users {
            sender.send_replace(());
        }
    }

    /// Hears access changes from every node (this one included) until `stop`.
    pub async fn listen(self: Arc<Self>, broker: Arc<dyn Broker>, stop: CancellationToken) {
        let mut subscription = broker.subscribe(ACCESS_CHANNEL);
        loop {
            let event = tokio::select! {
                event = subscription.receiver.recv() => event,
                () = stop.cancelled() => return,
            };
            match event {
                Ok(BrokerEvent::Message(live)) => {
                    if let MessageBody::AccessChanged { users } = &live.message().body {
                        self.changed(users);
                    }
                }
                // A broker reconnect or a lag may have lost changes: check everyone.
                Ok(BrokerEvent::Resync) | Err(RecvError::Lagged(_)) => self.all_changed(),
                Err(RecvError::Closed) => return,
            }
        }
    }
}

/// One connection's wait for its user's access changes.
#[derive(Debug)]
pub struct AccessReceiver {
    watch: Arc<AccessWatch>,
    user: Uuid,
    receiver: watch::Receiver<()>,
}

impl AccessReceiver {
    /// Resolves when the user's access may have changed since the last call.
    pub async fn changed(&mut self) {
        if self.receiver.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

impl Drop for AccessReceiver {
    fn drop(&mut self) {
        // The user's last connection here forgets the watch. Decided under the map's lock, which
        // `watch` also takes, so a connection arriving meanwhile either finds the entry or
        // makes a new one.
        self.watch.users.remove_if(&self.user, |_, sender| sender.receiver_count() <= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_change_wakes_that_users_connections_and_the_last_one_forgets_the_watch() {
        let watch = Arc::new(AccessWatch::default());
        let (ada, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut first = watch.watch(ada);
        let mut second = watch.watch(ada);
        let mut other = watch.watch(bob);
        watch.changed(&[ada]);
        first.changed().await;
        second.changed().await;
        let quiet = tokio::time::timeout(std::time::Duration::from_millis(20), other.changed()).await;
        assert!(quiet.is_err(), "bob's access did not change");
        drop((first, other));
        assert!(watch.users.contains_key(&ada), "ada still has a connection");
        assert!(!watch.users.contains_key(&bob));
        drop(second);
        assert!(watch.users.is_empty());
    }
}
