//! Fan-out of channel messages to every subscriber on every node.
//!
//! A [`Broker`] moves stored messages between nodes; a [`Hub`] fans them out inside one node.
//! Each node holds at most one broker subscription per channel, however many sockets follow it:
//! sockets attach a [`Subscriber`] to the hub, and the hub tells its [`TopicWatcher`] (the Redis
//! broker) when a channel gains its first local subscriber or loses its last. The hub hands each
//! event to every subscriber on the delivering task: a socket's subscriber queues a live message
//! straight into its outbox, and wakes no task of its own unless the message shows a gap.
//!
//! Delivery through a broker is best effort. Exactly-once, in-order delivery is the subscriber's
//! job: messages carry per-channel offsets, and a subscriber that sees a gap, or is told to
//! [`BrokerEvent::Resync`], reads the missing offsets from storage.

use std::sync::{Arc, OnceLock};

use axum::extract::ws::Message;
use dashmap::DashMap;
use futures_util::future::BoxFuture;
use protocol::realtime::{ChannelMessage, MessageBody};
use slab::Slab;
use tokio::sync::broadcast;

/// Events a [`Subscription`]'s queue holds before its task lags (and then catches up from
/// storage).
const QUEUE_BUFFER: usize = 1024;

#[derive(Debug, Clone)]
pub enum BrokerEvent {
    Message(Arc<Live>),
    /// Messages may have been missed (the broker connection dropped and came back): read
    /// everything after the last delivered offset from storage.
    Resync,
}

/// A stored message on its way to this node's subscribers. However many sockets receive it, it
/// is encoded at most once per wire format: every socket then queues the same shared bytes.
#[derive(Debug)]
pub struct Live {
    message: Arc<ChannelMessage>,
    /// Counter snapshots are state: a newer one supersedes a pending older one.
    counters: bool,
    encoded: [OnceLock<Message>; 2],
}

impl Live {
    pub fn new(message: Arc<ChannelMessage>) -> Arc<Self> {
        let counters = matches!(message.body, MessageBody::Counters(_));
        Arc::new(Self { message, counters, encoded: [OnceLock::new(), OnceLock::new()] })
    }

    pub fn message(&self) -> &Arc<ChannelMessage> {
        &self.message
    }

    pub fn is_counters(&self) -> bool {
        self.counters
    }

    /// The frame in wire format `format` (0 or 1), encoded by the first subscriber that asks.
    pub fn encoded(&self, format: usize, encode: impl FnOnce(&ChannelMessage) -> Message) -> Message {
        self.encoded[format.min(1)].get_or_init(|| encode(&self.message)).clone()
    }
}

/// Moves messages between nodes.
pub trait Broker: Send + Sync + std::fmt::Debug + 'static {
    /// Delivers an already stored message to subscribers of its channel on every node,
    /// including this one.
    fn publish(&self, message: Arc<ChannelMessage>) -> BoxFuture<'_, anyhow::Result<()>>;

    /// Attaches `subscriber` to a channel on this node: it is handed every event of the channel
    /// until the attachment is dropped.
    fn attach(&self, channel: &str, subscriber: Arc<dyn Subscriber>) -> Attachment;

    /// Subscribes to a channel on this node through a queue, for a task that waits on it.
    fn subscribe(&self, channel: &str) -> Subscription {
        Subscription::through(|queue| self.attach(channel, queue))
    }

    /// Whether the broker can currently reach the other nodes (for `/readyz` and metrics).
    fn is_connected(&self) -> bool;
}

/// Takes a channel's events on the task that delivers them (a publisher's, or the broker
/// connection's), one subscriber after another: it must only queue, never block or await.
pub trait Subscriber: Send + Sync + 'static {
    fn deliver(&self, event: &BrokerEvent);
}

/// Told when a channel gains its first subscriber on this node or loses its last, so a broker
/// can hold exactly one upstream subscription per channel.
pub trait TopicWatcher: Send + Sync + 'static {
    fn first_subscriber(&self, channel: &str);
    fn last_unsubscribed(&self, channel: &str);
}

/// A subscriber attached to a channel; dropping it detaches the subscriber.
#[derive(Debug)]
pub struct Attachment {
    hub: Arc<Hub>,
    channel: String,
    key: usize,
}

impl Drop for Attachment {
    fn drop(&mut self) {
        self.hub.detach(&self.channel, self.key);
    }
}

/// A subscription through a queue; dropping it unsubscribes.
#[derive(Debug)]
pub struct Subscription {
    pub receiver: broadcast::Receiver<BrokerEvent>,
    _attachment: Attachment,
}

impl Subscription {
    /// A queue, attached by `attach`.
    fn through(attach: impl FnOnce(Arc<dyn Subscriber>) -> Attachment) -> Self {
        let (sender, receiver) = broadcast::channel(QUEUE_BUFFER);
        Self { receiver, _attachment: attach(Arc::new(Queue(sender))) }
    }
}

/// The subscriber behind a [`Subscription`]: events wait in a queue until its task reads them
/// (a task that falls [`QUEUE_BUFFER`] behind reads `Lagged`).
struct Queue(broadcast::Sender<BrokerEvent>);

impl Subscriber for Queue {
    fn deliver(&self, event: &BrokerEvent) {
        // An error only means the receiver is gone; its attachment is about to go too.
        let _ = self.0.send(event.clone());
    }
}

#[derive(Default)]
struct Topic {
    /// Shared with the deliveries under way, which therefore never hold the map's lock: a
    /// subscriber that comes or goes meanwhile changes a copy.
    subscribers: Arc<Slab<Arc<dyn Subscriber>>>,
}

/// In-node fan-out: the subscribers of each channel, handed each event in turn.
#[derive(Default)]
pub struct Hub {
    topics: DashMap<String, Topic>,
    watcher: OnceLock<Arc<dyn TopicWatcher>>,
}

impl std::fmt::Debug for Hub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub").field("topics", &self.topics.len()).finish()
    }
}

impl Hub {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Installs the watcher told about first and last subscribers; once.
    pub fn set_watcher(&self, watcher: Arc<dyn TopicWatcher>) {
        let _ = self.watcher.set(watcher);
    }

    pub fn attach(self: &Arc<Self>, channel: &str, subscriber: Arc<dyn Subscriber>) -> Attachment {
        let (key, first) = {
            let mut topic = self.topics.entry(channel.to_owned()).or_default();
            let subscribers = Arc::make_mut(&mut topic.subscribers);
            (subscribers.insert(subscriber), subscribers.len() == 1)
        };
        if first {
            if let Some(watcher) = self.watcher.get() {
                watcher.first_subscriber(channel);
            }
        }
        Attachment { hub: Arc::clone(self), channel: channel.to_owned(), key }
    }

    fn detach(&self, channel: &str, key: usize) {
        let removed = self
            .topics
            .remove_if_mut(channel, |_, topic| {
                let subscribers = Arc::make_mut(&mut topic.subscribers);
                subscribers.try_remove(key);
                subscribers.is_empty()
            })
            .is_some();
        if removed {
            if let Some(watcher) = self.watcher.get() {
                watcher.last_unsubscribed(channel);
            }
        }
    }

    /// Hands `event` to this node's subscribers of `channel`, if any, on the calling task.
    pub fn deliver(&self, channel: &str, event: BrokerEvent) {
        let Some(subscribers) = self.topics.get(channel).map(|topic| Arc::clone(&topic.subscribers)) else { return };
        for (_, subscriber) in subscribers.iter() {
            subscriber.deliver(&event);
        }
    }

    /// Tells every subscriber on this node to re-read from storage.
    pub fn resync_all(&self) {
        for channel in self.channels() {
            self.deliver(&channel, BrokerEvent::Resync);
        }
    }

    /// Whether `channel` has subscribers on this node. Watchers reconcile against this rather
    /// than trusting the order of their notifications, which concurrent subscribes and releases
    /// can interleave.
    pub fn has_subscribers(&self, channel: &str) -> bool {
        self.topics.contains_key(channel)
    }

    /// Names of the channels with subscribers on this node.
    pub fn channels(&self) -> Vec<String> {
        self.topics.iter().map(|t| t.key().clone()).collect()
    }

    pub fn topic_count(&self) -> usize {
        self.topics.len()
    }
}

/// The single-node broker: publishing is delivering to this node's hub.
#[derive(Debug)]
pub struct LocalBroker {
    hub: Arc<Hub>,
}

impl LocalBroker {
    pub fn new(hub: Arc<Hub>) -> Self {
        Self { hub }
    }
}

impl Broker for LocalBroker {
    fn publish(&self, message: Arc<ChannelMessage>) -> BoxFuture<'_, anyhow::Result<()>> {
        self.hub.deliver(&message.channel.clone(), BrokerEvent::Message(Live::new(message)));
        Box::pin(async { Ok(()) })
    }

    fn attach(&self, channel: &str, subscriber: Arc<dyn Subscriber>) -> Attachment {
        self.hub.attach(channel, subscriber)
    }

    fn is_connected(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use protocol::realtime::Counters;

    use super::*;

    #[derive(Default)]
    struct Log(Mutex<Vec<String>>);

    impl TopicWatcher for Log {
        fn first_subscriber(&self, channel: &str) {
            self.0.lock().expect("lock").push(format!("+{channel}"));
        }
        fn last_unsubscribed(&self, channel: &str) {
            self.0.lock().expect("lock").push(format!("-{channel}"));
        }
    }

    #[test]
    fn a_live_message_is_encoded_once_per_format() {
        let message = ChannelMessage {
            channel: "c".to_owned(),
            offset: 1,
            epoch: 1,
            body: MessageBody::Counters(Counters {
                going: 1,
                waitlisted: 0,
                interested: 0,
                checked_in: 0,
                seats_left: None,
            }),
            sender: None,
            sent_at: chrono::Utc::now(),
        };
        let live = Live::new(Arc::new(message));
        assert!(live.is_counters());
        let encodings = std::sync::atomic::AtomicUsize::new(0);
        let encode = |format: usize| {
            live.encoded(format, |m| {
                encodings.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                Message::Text(format!("{format}:{}", m.offset).into())
            })
        };
        for _ in 0..3 {
            assert_eq!(encode(0), Message::Text("0:1".into()));
            assert_eq!(encode(1), Message::Text("1:1".into()));
        }
        assert_eq!(encodings.into_inner(), 2, "one encoding per wire format, shared by every subscriber");
    }

    #[tokio::test]
    async fn one_upstream_subscription_per_channel() {
        let hub = Hub::new();
        let log = Arc::new(Log::default());
        hub.set_watcher(log.clone());
        let broker = LocalBroker::new(Arc::clone(&hub));
        let a = broker.subscribe("c");
        let mut b = broker.subscribe("c");
        hub.deliver("c", BrokerEvent::Resync);
        assert!(matches!(b.receiver.recv().await, Ok(BrokerEvent::Resync)));
        drop(a);
        assert_eq!(*log.0.lock().expect("lock"), ["+c"]);
        drop(b);
        assert_eq!(*log.0.lock().expect("lock"), ["+c", "-c"]);
        assert_eq!(hub.topic_count(), 0);
    }
}
