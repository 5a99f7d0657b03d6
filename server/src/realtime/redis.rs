//! Fan-out between nodes through Redis pub/sub: one publisher and one subscriber connection per
//! node, and at most one Redis subscription per channel per node, however many sockets follow it.
//!
//! Sockets subscribe to the node's [`Hub`]; the hub tells the broker (its [`TopicWatcher`]) when a
//! channel gains its first local subscriber or loses its last. Those callbacks run synchronously
//! inside `Hub::attach` and `Drop`, so they only send the channel name to a background task,
//! the subscription keeper, which owns every SUBSCRIBE and UNSUBSCRIBE this node issues. Hints
//! from concurrent subscribes and releases can arrive in any order, so the keeper never replays
//! them: for each hinted channel it compares what the hub wants now (`Hub::has_subscribers`)
//! with what Redis holds and issues whichever command closes the difference.
//!
//! A Redis message is the JSON of a [`ChannelMessage`] on `mingle:ch:{channel}`. Delivery is best
//! effort; subscribers deduplicate and fill gaps by offset from storage, and the broker tells them
//! to re-read storage ([`BrokerEvent::Resync`]) whenever messages may have slipped past: after a
//! channel's Redis subscription becomes active, after the subscriber connection comes back, and
//! when this node falls behind the Redis message stream.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use fred::clients::{SubscriberClient, WithOptions};
use fred::prelude::{
    Builder, Client, ClientLike, Config, EventInterface, Options, PubsubInterface, ReconnectPolicy, Server,
};
use fred::types::{ConnectHandle, Message};
use futures_util::future::BoxFuture;
use protocol::realtime::ChannelMessage;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{broadcast, mpsc};
use tokio::task::JoinHandle;

use super::broker::{Attachment, Broker, BrokerEvent, Hub, Live, Subscriber, TopicWatcher};

/// Prefix of every Redis channel Mingle uses, so a shared Redis can hold other tenants.
pub const CHANNEL_PREFIX: &str = "mingle:ch:";

/// How long a publish may wait for Redis before it is reported as failed. The message is stored
/// by then, so a failure costs latency for remote subscribers, never the message.
const PUBLISH_TIMEOUT: Duration = Duration::from_secs(2);
/// Upper bound for one SUBSCRIBE or UNSUBSCRIBE, so that a stuck connection cannot stall the
/// subscription keeper; a command that runs out of time is retried.
const SUBSCRIPTION_TIMEOUT: Duration = Duration::from_secs(5);
/// How often channels whose last subscription command failed are reconciled again.
const RETRY_INTERVAL: Duration = Duration::from_secs(1);
/// Channels per SUBSCRIBE or UNSUBSCRIBE, so resubscribing thousands of channels after a
/// reconnect does not build one enormous command.
const SUBSCRIPTION_BATCH: usize = 500;
/// Capacity of fred's event streams (pub/sub messages, connection events). Falling this far
/// behind the message stream makes every local subscriber resync from storage.
const EVENT_BUFFER: usize = 4096;

/// How quickly a connection that died without closing (a vanished host, a NAT entry dropped
/// while the subscriber sat idle) is noticed. The subscriber only ever reads, so without a
/// heartbeat such a connection would look healthy forever while messages go elsewhere.
#[derive(Debug, Clone, Copy)]
struct Liveness {
    /// How often each connection is pinged.
    heartbeat: Duration,
    /// How long a ping may go unanswered before the connection is replaced.
    timeout: Duration,
}

impl Default for Liveness {
    fn default() -> Self {
        Self { heartbeat: Duration::from_secs(5), timeout: Duration::from_secs(5) }
    }
}

/// The Redis channel that carries a Mingle channel.
pub fn redis_channel(channel: &str) -> String {
    format!("{CHANNEL_PREFIX}{channel}")
}

/// Moves messages between nodes through Redis pub/sub.
pub struct RedisBroker {
    hub: Arc<Hub>,
    /// fred pipelines commands on one multiplexed connection, so concurrent publishes from many
    /// sockets share it without waiting for each other's replies; a pool would add nothing but
    /// connections.
    publisher: Client,
    subscriber: SubscriberClient,
    /// Whether the subscriber connection is up and holds this node's subscriptions. fred's own
    /// client state still reads "connected" while it waits to reconnect, so the keeper and the
    /// heartbeat track this from connection errors, silence and resubscriptions.
    connected: Arc<AtomicBool>,
    /// The subscription keeper, the message forwarder and the heartbeat; aborted on drop.
    tasks: [JoinHandle<()>; 3],
    /// fred's connection tasks, which would otherwise keep reconnecting after the broker is gone.
    connections: [ConnectHandle; 2],
}

impl std::fmt::Debug for RedisBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBroker")
            .field("subscriber", &self.subscriber.id())
            .field("connected", &self.is_connected())
            .finish_non_exhaustive()
    }
}

impl RedisBroker {
    /// Connects the publisher and the subscriber to `url` and installs the broker as `hub`'s
    /// topic watcher; `hub` must have no other watcher. Fails if Redis cannot be reached now;
    /// once connected, both connections reconnect on their own for as long as the broker lives.
    pub async fn connect(url: &str, hub: Arc<Hub>) -> anyhow::Result<Arc<Self>> {
        Self::connect_with(url, hub, Liveness::default()).await
    }

    async fn connect_with(url: &str, hub: Arc<Hub>, liveness: Liveness) -> anyhow::Result<Arc<Self>> {
        let config = Config::from_url(url).context("invalid Redis URL")?;
        let mut builder = Builder::from_config(config);
        builder
            // Retry forever, from 100 ms doubling up to 2 s between attempts.
            .set_policy(ReconnectPolicy::new_exponential(0, 100, 2_000, 2))
            .with_performance_config(|perf| perf.broadcast_channel_capacity = EVENT_BUFFER)
            .with_connection_config(|connection| {
                connection.connection_timeout = Duration::from_secs(5);
                // Names every connection after the client's id, so an operator (or a test) can
                // find this node's subscriber in `CLIENT LIST`.
                connection.auto_client_setname = true;
            });
        let publisher = builder.build().context("configuring the Redis publisher")?;
        let subscriber = builder.build_subscriber_client().context("configuring the Redis subscriber")?;

        // Listen before connecting, so no message and no connection event can slip between the
        // two; the first connection event is the initial connection.
        let messages = subscriber.message_rx();
        let events = ConnectionEvents {
            subscriber_errors: subscriber.error_rx(),
            subscriber_connects: subscriber.reconnect_rx(),
            publisher_connects: publisher.reconnect_rx(),
        };

        let publisher_connection = publisher.init().await.context("connecting the Redis publisher")?;
        let subscriber_connection = match subscriber.init().await {
            Ok(connection) => connection,
            Err(e) => {
                publisher_connection.abort();
                return Err(e).context("connecting the Redis subscriber");
            }
        };

        let (hints, hint_rx) = mpsc::unbounded_channel();
        // Channels the hub had before the watcher existed are reconciled like any other.
        for channel in hub.channels() {
            let _ = hints.send(channel);
        }
        hub.set_watcher(Arc::new(HintSender(hints)));

        let connected = Arc::new(AtomicBool::new(true));
        // Commands that fail at once while fred knows the connection is down, rather than queue
        // behind the reconnection: the keeper and the heartbeat have better things to do.
        let fail_fast = Options { fail_fast: true, ..Options::default() };
        let (publisher_probe, subscriber_probe) =
            (publisher.with_options(&fail_fast), subscriber.with_options(&fail_fast));
        let subscriber_connected = Arc::clone(&connected);
        let keeper = SubscriptionKeeper {
            hub: Arc::clone(&hub),
            subscriber: subscriber.with_options(&fail_fast),
            connected: Arc::clone(&connected),
            subscribed: HashSet::new(),
            unsettled: HashSet::new(),
        };
        let tasks = [
            tokio::spawn(keeper.run(hint_rx, events)),
            tokio::spawn(forward_messages(Arc::clone(&hub), messages)),
            tokio::spawn(async move {
                tokio::join!(
                    keep_alive(publisher_probe, liveness, None),
                    keep_alive(subscriber_probe, liveness, Some(subscriber_connected)),
                );
            }),
        ];
        Ok(Arc::new(Self {
            hub,
            publisher,
            subscriber,
            connected,
            tasks,
            connections: [publisher_connection, subscriber_connection],
        }))
    }

    /// The name this node's subscriber connection carries in `CLIENT LIST` (and in logs).
    pub fn subscriber_name(&self) -> &str {
        self.subscriber.id()
    }

    /// Stops the background tasks and closes both connections, letting commands in flight
    /// finish. Dropping the broker also stops everything, just less politely.
    pub async fn shutdown(&self) {
        for task in &self.tasks {
            task.abort();
        }
        self.connected.store(false, Ordering::Relaxed);
        for result in [self.subscriber.quit().await, self.publisher.quit().await] {
            if let Err(e) = result {
                tracing::debug!(error = %e, "closing a Redis connection failed");
            }
        }
    }
}

impl Drop for RedisBroker {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        for connection in &self.connections {
            connection.abort();
        }
    }
}

impl Broker for RedisBroker {
    /// Delivers to this node's subscribers at once, then publishes to Redis for the other nodes.
    ///
    /// This node's subscribers also get the copy that comes back through Redis; they skip it as
    /// an offset they already have. An error means the other nodes may not have the message
    /// yet: it is stored, so their subscribers read it from storage when the next message on the
    /// channel shows them the gap, or when a reconnect makes them resync.
    fn publish(&self, message: Arc<ChannelMessage>) -> BoxFuture<'_, anyhow::Result<()>> {
        let payload = serde_json::to_string(&*message);
        let channel = redis_channel(&message.channel);
        self.hub.deliver(&message.channel.clone(), BrokerEvent::Message(Live::new(message)));
        Box::pin(async move {
            let payload = payload.context("encoding a channel message")?;
            // Fail at once rather than queue while the connection is known to be down: the
            // caller is waiting to answer a person, and storage already has the message.
            let options = Options { fail_fast: true, timeout: Some(PUBLISH_TIMEOUT), ..Options::default() };
            let published: Result<i64, _> = self.publisher.with_options(&options).publish(channel, payload).await;
            published.map(drop).map_err(|e| {
                metrics::counter!("realtime_redis_publish_errors_total").increment(1);
                anyhow::Error::new(e).context("publishing to Redis")
            })
        })
    }

    fn attach(&self, channel: &str, subscriber: Arc<dyn Subscriber>) -> Attachment {
        self.hub.attach(channel, subscriber)
    }

    /// Whether the subscriber connection is up and resubscribed: while it is not, this node
    /// hears nothing from the others.
    fn is_connected(&self) -> bool {
        self.connected.load(Ordering::Relaxed) && self.subscriber.is_connected()
    }
}

/// The hub's watcher: forwards channel names to the subscription keeper. It must not talk to
/// Redis itself, since the hub calls it synchronously from `subscribe` and from `Drop`.
struct HintSender(mpsc::UnboundedSender<String>);

impl TopicWatcher for HintSender {
    fn first_subscriber(&self, channel: &str) {
        // A send fails only once the broker is gone, when nobody needs Redis any more.
        let _ = self.0.send(channel.to_owned());
    }

    fn last_unsubscribed(&self, channel: &str) {
        let _ = self.0.send(channel.to_owned());
    }
}

/// fred's notifications about the two connections.
struct ConnectionEvents {
    /// A connection ended, or an attempt to reconnect failed.
    subscriber_errors: broadcast::Receiver<(fred::error::Error, Option<Server>)>,
    /// A connection was made: the initial one, then every reconnection.
    subscriber_connects: broadcast::Receiver<Server>,
    publisher_connects: broadcast::Receiver<Server>,
}

/// Owns this node's Redis subscriptions. Being the only task that subscribes or unsubscribes,
/// it needs no locks, and its commands reach Redis in the order it issues them, so the last
/// command it issued for a channel is the channel's state in Redis.
struct SubscriptionKeeper {
    hub: Arc<Hub>,
    /// Fails commands at once while fred knows the connection is down, so the keeper keeps up
    /// with hints and connection events; the retry and the resubscription after reconnecting
    /// make up for what failed. fred's own resubscription (`manage_subscriptions`) is not used:
    /// the hub decides what to subscribe, and the resync must follow the resubscription.
    subscriber: WithOptions<SubscriberClient>,
    connected: Arc<AtomicBool>,
    /// Mingle channels subscribed in Redis on the current connection.
    subscribed: HashSet<String>,
    /// Channels whose Redis state is unknown (the last command failed or timed out, and may
    /// still run): the next reconciliation issues the wanted command whatever `subscribed` says.
    unsettled: HashSet<String>,
}

impl SubscriptionKeeper {
    async fn run(mut self, mut hints: mpsc::UnboundedReceiver<String>, mut events: ConnectionEvents) {
        let mut retry = tokio::time::interval(RETRY_INTERVAL);
        retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut subscriber_connected_before = false;
        let mut publisher_connected_before = false;
        loop {
            tokio::select! {
                // Errors first: when an error and the reconnection after it are both waiting,
                // they must be seen in the order they happened.
                biased;
                event = events.subscriber_errors.recv() => match event {
                    Ok((error, _)) => {
                        tracing::warn!(%error, "Redis subscriber connection lost; reconnecting");
                        self.connected.store(false, Ordering::Relaxed);
                    }
                    Err(RecvError::Lagged(_)) => self.connected.store(false, Ordering::Relaxed),
                    Err(RecvError::Closed) => return,
                },
                event = events.subscriber_connects.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        return;
                    }
                    // A lagged stream still means at least one new connection.
                    if std::mem::replace(&mut subscriber_connected_before, true) {
                        metrics::counter!("realtime_redis_reconnects_total", "connection" => "subscriber")
                            .increment(1);
                        tracing::info!("Redis subscriber reconnected; resubscribing this node's channels");
                    }
                    self.resubscribe().await;
                }
                event = events.publisher_connects.recv() => {
                    if matches!(event, Err(RecvError::Closed)) {
                        return;
                    }
                    if std::mem::replace(&mut publisher_connected_before, true) {
                        metrics::counter!("realtime_redis_reconnects_total", "connection" => "publisher")
                            .increment(1);
                        tracing::info!("Redis publisher reconnected");
                    }
                }
                hint = hints.recv() => {
                    let Some(channel) = hint else { return };
                    // Everything already queued goes into one reconciliation: a burst of
                    // subscribes becomes a few batched commands instead of a round trip each.
                    let mut channels = HashSet::from([channel]);
                    while let Ok(channel) = hints.try_recv() {
                        channels.insert(channel);
                    }
                    self.reconcile(channels, true).await;
                }
                // While the connection is down, the resubscription after it comes back does this.
                _ = retry.tick(), if !self.unsettled.is_empty() && self.connected.load(Ordering::Relaxed) => {
                    let channels = self.unsettled.clone();
                    self.reconcile(channels, true).await;
                }
            }
        }
    }

    /// Brings the subscriber's new connection, which holds no subscriptions, in line with the
    /// hub, then has every local subscriber read from storage what was published meanwhile.
    async fn resubscribe(&mut self) {
        // Besides the hub's channels, the old connection's are checked too: a command queued
        // while the connection was down may have run on the new one, so their state is unknown.
        self.unsettled.extend(self.subscribed.drain());
        let mut channels: HashSet<String> = self.hub.channels().into_iter().collect();
        channels.extend(self.unsettled.iter().cloned());
        self.reconcile(channels, false).await;
        self.connected.store(true, Ordering::Relaxed);
        // After the SUBSCRIBE, so that whatever a subscriber misses between its storage read and
        // live delivery still arrives through Redis.
        self.hub.resync_all();
    }

    /// Subscribes the hinted channels that have local subscribers and unsubscribes those that
    /// have none, judged by the hub now, not by the order the hints came in. With `resync`,
    /// subscribers of a newly subscribed channel are told to re-read storage, since messages
    /// published before the SUBSCRIBE took effect never reached this node.
    async fn reconcile(&mut self, channels: HashSet<String>, resync: bool) {
        let mut subscribe = Vec::new();
        let mut unsubscribe = Vec::new();
        for channel in channels {
            let unknown = self.unsettled.remove(&channel);
            let held = self.subscribed.contains(&channel);
            if self.hub.has_subscribers(&channel) {
                if unknown || !held {
                    subscribe.push(channel);
                }
            } else if unknown || held {
                unsubscribe.push(channel);
            }
        }
        for batch in subscribe.chunks(SUBSCRIPTION_BATCH) {
            let names: Vec<String> = batch.iter().map(|c| redis_channel(c)).collect();
            match confirmed(&self.subscriber, Box::pin(self.subscriber.subscribe(names))).await {
                Ok(()) => {
                    for channel in batch {
                        if resync {
                            self.hub.deliver(channel, BrokerEvent::Resync);
                        }
                        self.subscribed.insert(channel.clone());
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, channels = batch.len(), "Redis SUBSCRIBE failed; retrying");
                    self.unsettled.extend(batch.iter().cloned());
                }
            }
        }
        for batch in unsubscribe.chunks(SUBSCRIPTION_BATCH) {
            let names: Vec<String> = batch.iter().map(|c| redis_channel(c)).collect();
            match confirmed(&self.subscriber, Box::pin(self.subscriber.unsubscribe(names))).await {
                Ok(()) => {
                    for channel in batch {
                        self.subscribed.remove(channel);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, channels = batch.len(), "Redis UNSUBSCRIBE failed; retrying");
                    self.unsettled.extend(batch.iter().cloned());
                }
            }
        }
        metrics::gauge!("realtime_redis_subscriptions").set(self.subscribed.len() as f64);
    }
}

/// Runs one SUBSCRIBE or UNSUBSCRIBE and waits until Redis has carried it out, within a deadline.
///
/// fred resolves these commands as soon as they are written (their confirmations arrive out of
/// band and are dropped), so a PING follows: Redis answers a connection's commands in order, so
/// its reply proves the subscription change has taken effect. Only then may subscribers be told
/// to read storage: whatever is stored after that read must reach them live.
async fn confirmed(
    subscriber: &impl ClientLike,
    command: impl Future<Output = Result<(), fred::error::Error>>,
) -> anyhow::Result<()> {
    let confirmed = async {
        command.await?;
        // fred's command futures are large; boxed, they do not bloat the keeper's.
        Box::pin(subscriber.ping::<()>(None)).await
    };
    Ok(tokio::time::timeout(SUBSCRIPTION_TIMEOUT, confirmed).await.context("timed out")??)
}

/// Pings a connection now and then and replaces it when a ping goes unanswered. fred's own
/// `unresponsive` setting cannot do this: it measures from the latest write, so a connection
/// that keeps being written to (by publishes, or by these very pings) is never found dead.
async fn keep_alive<C: ClientLike>(client: WithOptions<C>, liveness: Liveness, connected: Option<Arc<AtomicBool>>) {
    let mut ticks = tokio::time::interval(liveness.heartbeat);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        // An error means fred already knows the connection is down and is reconnecting.
        if tokio::time::timeout(liveness.timeout, client.ping::<()>(None)).await.is_ok() {
            continue;
        }
        tracing::warn!(client = client.id(), "Redis connection unresponsive; replacing it");
        if let Some(connected) = &connected {
            connected.store(false, Ordering::Relaxed);
        }
        // The new connection is announced like any reconnection, and the subscriber's brings
        // its resubscription.
        if let Err(e) = client.force_reconnection().await {
            tracing::warn!(client = client.id(), error = %e, "reconnecting to Redis failed");
        }
    }
}

/// Decodes messages from the subscriber connection and hands them to the hub.
async fn forward_messages(hub: Arc<Hub>, mut messages: broadcast::Receiver<Message>) {
    loop {
        match messages.recv().await {
            Ok(message) => match decode(&message) {
                Ok(decoded) => {
                    hub.deliver(&decoded.channel.clone(), BrokerEvent::Message(Live::new(Arc::new(decoded))))
                }
                Err(e) => {
                    tracing::warn!(redis_channel = %message.channel, error = %e, "skipping a malformed Redis message")
                }
            },
            Err(RecvError::Lagged(missed)) => {
                // Which channels the skipped messages were on is unknown, so every local
                // subscriber checks storage.
                tracing::warn!(missed, "fell behind the Redis message stream; resyncing every subscriber");
                hub.resync_all();
            }
            Err(RecvError::Closed) => return,
        }
    }
}

/// A channel message from its Redis form. The channel inside the payload must be the one it
/// was published on, so a stray publish cannot inject messages into another channel.
fn decode(message: &Message) -> anyhow::Result<ChannelMessage> {
    let channel = message.channel.strip_prefix(CHANNEL_PREFIX).context("not a Mingle channel")?;
    let payload = message.value.as_bytes().context("payload is not a string")?;
    let decoded: ChannelMessage = serde_json::from_slice(payload).context("payload is not a channel message")?;
    anyhow::ensure!(decoded.channel == channel, "payload names channel {:?}", decoded.channel);
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    //! These run against a real Redis (`MINGLE_TEST_REDIS_URL`, default `redis://127.0.0.1:6379`)
    //! that other tests may share, so every test uses channels of its own.

    use chrono::Utc;
    use fred::types::Value;
    use protocol::realtime::MessageBody;
    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::watch;
    use uuid::Uuid;

    use super::super::broker::Subscription;
    use super::*;

    /// Long enough for a reconnect with backoff on a loaded machine; short enough that a broken
    /// test fails instead of hanging.
    const WAIT: Duration = Duration::from_secs(5);

    use crate::redis::test_url as redis_url;

    async fn node() -> Arc<RedisBroker> {
        RedisBroker::connect(&redis_url(), Hub::new()).await.expect("Redis is reachable")
    }

    /// A plain client standing in for `redis-cli`.
    async fn admin() -> Client {
        let client = Builder::from_config(Config::from_url(&redis_url()).expect("URL")).build().expect("client");
        client.init().await.expect("Redis is reachable");
        client
    }

    fn unique_channel() -> String {
        format!("event:{}:chat", Uuid::new_v4())
    }

    fn message(channel: &str, offset: i64) -> Arc<ChannelMessage> {
        Arc::new(ChannelMessage {
            channel: channel.to_owned(),
            offset,
            epoch: 1,
            body: MessageBody::chat(format!("message {offset}")),
            sender: Some(Uuid::new_v4()),
            sent_at: Utc::now(),
        })
    }

    /// How many connections are subscribed to the Redis channel behind `channel`.
    async fn numsub(admin: &Client, channel: &str) -> i64 {
        let reply: Vec<Value> = admin.pubsub_numsub(redis_channel(channel)).await.expect("PUBSUB NUMSUB");
        reply.get(1).and_then(Value::as_i64).expect("a count")
    }

    /// Polls `condition` until it holds; reconciliation with Redis is asynchronous.
    async fn eventually<F, Fut>(what: &str, mut condition: F)
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = bool>,
    {
        let polled = tokio::time::timeout(WAIT, async {
            while !condition().await {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        });
        polled.await.unwrap_or_else(|_| panic!("timed out waiting until {what}"));
    }

    async fn next_event(subscription: &mut Subscription) -> BrokerEvent {
        tokio::time::timeout(WAIT, subscription.receiver.recv())
            .await
            .expect("an event before the timeout")
            .expect("the topic is open")
    }

    async fn next_message(subscription: &mut Subscription) -> Arc<ChannelMessage> {
        loop {
            if let BrokerEvent::Message(live) = next_event(subscription).await {
                return Arc::clone(live.message());
            }
        }
    }

    /// Waits for the resync that follows a channel's Redis SUBSCRIBE: from then on, messages
    /// published anywhere reach this subscriber.
    async fn until_live(subscription: &mut Subscription) {
        let event = next_event(subscription).await;
        assert!(matches!(event, BrokerEvent::Resync), "expected the post-subscribe resync, got {event:?}");
    }

    /// The Redis client id of the connection named `name`.
    async fn client_id(admin: &Client, name: &str) -> Option<String> {
        let list: String = admin.custom(fred::cmd!("CLIENT"), vec!["LIST"]).await.expect("CLIENT LIST");
        list.lines().find_map(|line| {
            let field = |key: &str| line.split(' ').find_map(|f| f.strip_prefix(key)).map(str::to_owned);
            (field("name=").as_deref() == Some(name)).then(|| field("id=")).flatten()
        })
    }

    /// Skips messages until the next resync.
    async fn until_resync(subscription: &mut Subscription) {
        while let BrokerEvent::Message(_) = next_event(subscription).await {}
    }

    /// The next message after `offset`, skipping resyncs and copies of older offsets, as a
    /// subscriber does.
    async fn next_message_after(subscription: &mut Subscription, offset: i64) -> Arc<ChannelMessage> {
        loop {
            let message = next_message(subscription).await;
            if message.offset > offset {
                return message;
            }
        }
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Link {
        Open,
        Frozen,
        Cut,
    }

    /// A TCP relay between a broker and Redis that a test can cut (connections closed, new ones
    /// refused) or freeze (connections stay open and carry nothing), failures that `CLIENT KILL`
    /// cannot produce.
    struct Relay {
        url: String,
        refusing: Arc<AtomicBool>,
        links: Arc<std::sync::Mutex<Vec<watch::Sender<Link>>>>,
        /// Frozen links stay frozen for as long as the relay lives; dropping one cuts it.
        frozen: std::sync::Mutex<Vec<watch::Sender<Link>>>,
        accept: JoinHandle<()>,
    }

    impl Relay {
        async fn start() -> Self {
            let mut url = url::Url::parse(&redis_url()).expect("Redis URL");
            let upstream = format!("{}:{}", url.host_str().expect("host"), url.port().unwrap_or(6379));
            let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
            let port = listener.local_addr().expect("address").port();
            url.set_host(Some("127.0.0.1")).expect("host");
            url.set_port(Some(port)).expect("port");
            let refusing = Arc::new(AtomicBool::new(false));
            let links = Arc::new(std::sync::Mutex::new(Vec::new()));
            let accept = tokio::spawn({
                let (refusing, links) = (Arc::clone(&refusing), Arc::clone(&links));
                async move {
                    while let Ok((mut client, _)) = listener.accept().await {
                        if refusing.load(Ordering::Relaxed) {
                            continue;
                        }
                        let (link, mut state) = watch::channel(Link::Open);
                        links.lock().expect("links").push(link);
                        let upstream = upstream.clone();
                        tokio::spawn(async move {
                            let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
                            let changed = async { state.wait_for(|link| *link != Link::Open).await.map(|link| *link) };
                            tokio::select! {
                                _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                                link = changed => {
                                    if matches!(link, Ok(Link::Frozen)) {
                                        // Hold both sockets open, relaying nothing, until cut.
                                        let _ = state.wait_for(|link| *link == Link::Cut).await.map(|_| ());
                                    }
                                }
                            }
                        });
                    }
                }
            });
            Self { url: url.to_string(), refusing, links, frozen: std::sync::Mutex::new(Vec::new()), accept }
        }

        /// Closes every connection and refuses new ones until [`Relay::restore`].
        fn cut(&self) {
            self.refusing.store(true, Ordering::Relaxed);
            for link in self.links.lock().expect("links").drain(..) {
                link.send_replace(Link::Cut);
            }
        }

        fn restore(&self) {
            self.refusing.store(false, Ordering::Relaxed);
        }

        /// Silences every current connection without closing it; new connections work.
        fn freeze(&self) {
            let mut frozen = self.frozen.lock().expect("frozen");
            for link in self.links.lock().expect("links").drain(..) {
                link.send_replace(Link::Frozen);
                frozen.push(link);
            }
        }
    }

    impl Drop for Relay {
        fn drop(&mut self) {
            self.accept.abort();
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn messages_published_on_one_node_reach_subscribers_on_both() {
        let (a, b) = (node().await, node().await);
        let channel = unique_channel();
        let mut on_b = b.subscribe(&channel);
        until_live(&mut on_b).await;
        let mut on_a = a.subscribe(&channel);

        let published: Vec<_> = (1..=20).map(|offset| message(&channel, offset)).collect();
        for message in &published {
            a.publish(Arc::clone(message)).await.expect("publish");
        }

        // The other node gets every message once, in order, exactly as published.
        for expected in &published {
            assert_eq!(next_message(&mut on_b).await, *expected);
        }
        // The publishing node gets each message at once from the hub and again through Redis;
        // subscribers keep the first copy of an offset and skip the second.
        let mut seen = Vec::new();
        while seen.iter().collect::<HashSet<_>>().len() < published.len() {
            seen.push(next_message(&mut on_a).await.offset);
        }
        assert!(seen.iter().all(|offset| (1..=20).contains(offset)), "{seen:?}");
        assert!(seen.iter().all(|offset| seen.iter().filter(|o| *o == offset).count() <= 2), "{seen:?}");
        // What a subscriber that skips offsets it already has ends up with.
        let mut delivered = Vec::new();
        for &offset in &seen {
            if delivered.last().is_none_or(|&last| offset > last) {
                delivered.push(offset);
            }
        }
        assert_eq!(delivered, (1..=20).collect::<Vec<_>>(), "{seen:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_redis_subscription_per_channel_per_node() {
        let (a, admin) = (node().await, admin().await);
        let channel = unique_channel();
        let mut sockets: Vec<_> = (0..50).map(|_| a.subscribe(&channel)).collect();
        eventually("the node subscribes", || async { numsub(&admin, &channel).await == 1 }).await;
        assert!(a.hub.has_subscribers(&channel));

        let last = sockets.pop().expect("50 sockets");
        drop(sockets);
        // The keeper handles hints in order, so once a later channel is live, anything the 49
        // releases could have set off has happened.
        let mut barrier = a.subscribe(&unique_channel());
        until_live(&mut barrier).await;
        assert_eq!(numsub(&admin, &channel).await, 1, "one socket still follows the channel");

        drop(last);
        eventually("the node unsubscribes", || async { numsub(&admin, &channel).await == 0 }).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_subscribes_and_releases_settle_on_the_hub_state() {
        let (a, admin) = (node().await, admin().await);
        let channel = unique_channel();
        // Many tasks take and drop the channel at once, so first/last notifications interleave
        // and reach the keeper in an order that does not match the hub's.
        let churn: Vec<_> = (0..8)
            .map(|_| {
                let (a, channel) = (Arc::clone(&a), channel.clone());
                tokio::spawn(async move {
                    for _ in 0..200 {
                        drop(a.subscribe(&channel));
                        tokio::task::yield_now().await;
                    }
                })
            })
            .collect();
        for task in churn {
            task.await.expect("churn task");
        }
        eventually("no subscription is left behind", || async { numsub(&admin, &channel).await == 0 }).await;

        let mut socket = a.subscribe(&channel);
        until_live(&mut socket).await;
        assert_eq!(numsub(&admin, &channel).await, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_dropped_subscriber_connection_resubscribes_and_resyncs() {
        let (a, b, admin) = (node().await, node().await, admin().await);
        let channel = unique_channel();
        let mut on_b = b.subscribe(&channel);
        until_live(&mut on_b).await;
        assert_eq!(numsub(&admin, &channel).await, 1);
        let killed = client_id(&admin, b.subscriber_name()).await.expect("B's subscriber in CLIENT LIST");

        let _: i64 = admin.custom(fred::cmd!("CLIENT"), vec!["KILL", "ID", &killed]).await.expect("CLIENT KILL");

        // After reconnecting, B resubscribes and then tells its subscribers to re-read storage
        // for whatever was published while it was away.
        until_live(&mut on_b).await;
        assert_eq!(numsub(&admin, &channel).await, 1, "subscribed again");
        let current = client_id(&admin, b.subscriber_name()).await.expect("B's new subscriber connection");
        assert_ne!(current, killed, "a new connection");
        assert!(b.is_connected());

        let published = message(&channel, 1);
        a.publish(Arc::clone(&published)).await.expect("publish");
        assert_eq!(next_message(&mut on_b).await, published);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn malformed_payloads_are_skipped() {
        let (a, b, admin) = (node().await, node().await, admin().await);
        let (channel, other) = (unique_channel(), unique_channel());
        let (mut on_b, mut other_on_b) = (b.subscribe(&channel), b.subscribe(&other));
        until_live(&mut on_b).await;
        until_live(&mut other_on_b).await;

        // A well-formed message for `channel` sent on another channel's Redis name must not get
        // in either: whoever can publish to one channel cannot write into another.
        let smuggled = serde_json::to_string(&*message(&channel, 1)).expect("json");
        for garbage in ["garbage", "{}", "[1, 2]", "", smuggled.as_str()] {
            let _: i64 = admin.publish(redis_channel(&other), garbage).await.expect("PUBLISH");
            let _: i64 =
                admin.publish(redis_channel(&channel), garbage.replace(&channel, &other)).await.expect("PUBLISH");
        }
        let published = message(&channel, 1);
        a.publish(Arc::clone(&published)).await.expect("publish");

        let event = next_event(&mut on_b).await;
        assert!(matches!(&event, BrokerEvent::Message(m) if *m.message() == published), "got {event:?}");
        let later = message(&other, 1);
        a.publish(Arc::clone(&later)).await.expect("publish");
        let event = next_event(&mut other_on_b).await;
        assert!(matches!(&event, BrokerEvent::Message(m) if *m.message() == later), "got {event:?}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn dropping_the_broker_closes_its_connections() {
        let (a, admin) = (node().await, admin().await);
        let channel = unique_channel();
        let mut socket = a.subscribe(&channel);
        until_live(&mut socket).await;
        let name = a.subscriber_name().to_owned();

        drop(a);
        eventually("the subscription is gone", || async { numsub(&admin, &channel).await == 0 }).await;
        assert_eq!(client_id(&admin, &name).await, None);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_outage_fails_publishes_and_ends_in_a_resync() {
        let relay = Relay::start().await;
        let a = node().await;
        let b = RedisBroker::connect(&relay.url, Hub::new()).await.expect("Redis through the relay");
        let channel = unique_channel();
        let mut on_b = b.subscribe(&channel);
        until_live(&mut on_b).await;
        assert!(b.is_connected());

        relay.cut();
        eventually("B notices the outage", || async { !b.is_connected() }).await;
        // B's own subscribers still get what B publishes; the other nodes cannot, and B says so.
        let during = message(&channel, 1);
        assert!(b.publish(Arc::clone(&during)).await.is_err(), "a publish during the outage fails");
        assert_eq!(next_message(&mut on_b).await, during);
        // Missed by B; its subscribers will read it from storage.
        a.publish(message(&channel, 2)).await.expect("A is unaffected");

        relay.restore();
        until_resync(&mut on_b).await;
        eventually("B is back", || async { b.is_connected() }).await;
        let after = message(&channel, 3);
        a.publish(Arc::clone(&after)).await.expect("publish");
        assert_eq!(next_message_after(&mut on_b, 2).await, after);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_silently_dead_connection_is_replaced() {
        let relay = Relay::start().await;
        let a = node().await;
        let liveness = Liveness { heartbeat: Duration::from_millis(100), timeout: Duration::from_millis(300) };
        let b = RedisBroker::connect_with(&relay.url, Hub::new(), liveness).await.expect("Redis through the relay");
        let channel = unique_channel();
        let mut on_b = b.subscribe(&channel);
        until_live(&mut on_b).await;

        // Nothing closes B's connections; only the unanswered heartbeat shows they are dead.
        relay.freeze();
        until_resync(&mut on_b).await;
        eventually("B is back", || async { b.is_connected() }).await;
        let after = message(&channel, 1);
        a.publish(Arc::clone(&after)).await.expect("publish");
        assert_eq!(next_message(&mut on_b).await, after);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn connecting_to_an_unreachable_redis_fails() {
        let connected = tokio::time::timeout(WAIT, RedisBroker::connect("redis://127.0.0.1:1", Hub::new())).await;
        assert!(connected.expect("fails before the timeout").is_err());
    }
}
