//! The read cache's versions, and invalidations between nodes.
//!
//! Alone, a node counts versions in memory. With Redis, every node takes them from one counter
//! (`INCR` on a write, `GET` before a load), so a version means the same on every node, and a
//! write's invalidation travels to the others on one pub/sub channel. Each invalidation carries
//! the writer's wall-clock time; a receiver that gets it later than [`STALENESS_BOUND`] counts a
//! staleness violation, since it may have served the old value that long.
//!
//! A node is "in sync" while its subscription is up, answered a PING sent less than
//! [`ANSWERED_WITHIN`] ago, and it has not fallen behind the message stream. Redis answers a PING
//! on the subscription after every message published before it, and the node applies those
//! messages before it counts the answer; so a write acknowledged more than [`ANSWERED_WITHIN`]
//! before a read on another node has been applied there, or that node is out of sync. Out of
//! sync, its tier is not read (see [`super::ReadCache`]); coming back, it subscribes first, then
//! reads the counter and drops everything older, so nothing it missed in between can be served.
//! A connection that hangs without closing is caught the same way: its PINGs go unanswered.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use cache::{EventId, Key, KeyKind, PersonId, QueryId};
use fred::clients::SubscriberClient;
use fred::prelude::{Client, ClientLike as _, EventInterface as _, KeysInterface as _, Options, PubsubInterface as _};
use fred::types::Message;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;
use tokio_util::sync::CancellationToken;

use super::Stale;
use cache::Payload;

/// How soon after a write is acknowledged a read on another node sees it.
pub const STALENESS_BOUND: Duration = Duration::from_millis(100);

/// The shared version counter.
const COUNTER: &str = "mingle:cache:clock";
/// The channel invalidations travel on.
const CHANNEL: &str = "mingle:cache:invalidate";
/// How long a command to Redis may take before the node treats itself as out of sync.
const COMMAND_TIMEOUT: Duration = Duration::from_millis(500);
/// How often the subscription is asked to answer, and how an out-of-sync node tries to catch up.
const PING_EVERY: Duration = Duration::from_millis(25);
/// How long a value stays in the shared tier after it was filled: lists no longer than they are
/// served (see `http::cached`), the rest an hour.
fn shared_ttl_secs(kind: KeyKind) -> u64 {
    match kind {
        KeyKind::Recommendations | KeyKind::SearchPage => 60,
        _ => 3_600,
    }
}
/// How many times a write tries its invalidation before it is answered, [`PING_EVERY`] apart.
const INLINE_TRIES: u32 = 3;
/// How many times it tries again in the background after that, a tenth of a second apart.
const BACKGROUND_TRIES: u32 = 1_200;
/// How recent the subscription's last answered PING must be for the node to read its tier.
pub const ANSWERED_WITHIN: Duration = Duration::from_millis(75);

/// What the listener changes when other nodes write: the node's cache.
pub trait Invalidated: Sync {
    /// Drops what a write of `version` made stale.
    fn apply(&self, stale: &[Stale], version: u64);
    /// Drops everything older than `version`.
    fn reset(&self, version: u64);
    /// Drops everything, fences and floors too: the clock started again from below them.
    fn restart(&self);
}

/// Where versions come from, and how other nodes hear of writes.
pub struct Clock {
    source: Source,
    in_sync: AtomicBool,
    started: std::time::Instant,
    /// Invalidations of this node's writes still being retried: until they went through, the
    /// node stays out of sync.
    pending: AtomicU64,
    /// The newest version this node has seen the clock give; a clock that goes back (Redis lost
    /// its data) makes the node drop its whole tier.
    highest_seen: AtomicU64,
    /// When the last PING that was answered was sent, in milliseconds since `started`.
    answered_ping_sent_ms: AtomicU64,
    received: AtomicU64,
    max_lag_ms: AtomicU64,
    violations: AtomicU64,
}

enum Source {
    Local(AtomicU64),
    Redis { client: Client, subscriber: SubscriberClient, node: String },
}

/// What a Redis clock's listener reads: messages, and the connection's ups and downs.
pub struct Listener {
    messages: Receiver<Message>,
    reconnects: Receiver<fred::prelude::Server>,
    errors: Receiver<(fred::error::Error, Option<fred::prelude::Server>)>,
}

impl Clock {
    /// Versions counted in this process: a node alone.
    pub fn local() -> Arc<Self> {
        Arc::new(Self::with(Source::Local(AtomicU64::new(1))))
    }

    /// Versions from Redis at `url`, shared by every node using it; subscribed to invalidations
    /// before it answers.
    pub async fn redis(url: &str) -> anyhow::Result<(Arc<Self>, Listener)> {
        let client = crate::redis::connect(url).await?;
        let subscriber = crate::redis::plain_subscriber(url).await?;
        let listener = Listener {
            messages: subscriber.message_rx(),
            reconnects: subscriber.reconnect_rx(),
            errors: subscriber.error_rx(),
        };
        subscriber.subscribe(CHANNEL).await.context("subscribing to cache invalidations")?;
        // Only the UUID: the node's name travels in every invalidation, between spaces.
        let node = uuid::Uuid::new_v4().simple().to_string();
        let clock = Arc::new(Self::with(Source::Redis { client, subscriber, node }));
        clock.in_sync.store(true, Ordering::SeqCst);
        Ok((clock, listener))
    }

    fn with(source: Source) -> Self {
        let in_sync = matches!(source, Source::Local(_));
        Clock {
            source,
            in_sync: AtomicBool::new(in_sync),
            started: std::time::Instant::now(),
            pending: AtomicU64::new(0),
            highest_seen: AtomicU64::new(0),
            answered_ping_sent_ms: AtomicU64::new(0),
            received: AtomicU64::new(0),
            max_lag_ms: AtomicU64::new(0),
            violations: AtomicU64::new(0),
        }
    }

    /// Whether versions and invalidations are shared with other nodes.
    pub fn is_shared(&self) -> bool {
        matches!(self.source, Source::Redis { .. })
    }

    /// Whether this node hears every invalidation now.
    pub fn is_in_sync(&self) -> bool {
        match &self.source {
            Source::Local(_) => true,
            Source::Redis { subscriber, .. } => {
                let answered = self.answered_ping_sent_ms.load(Ordering::SeqCst);
                let recent = self.millis().saturating_sub(answered) < ANSWERED_WITHIN.as_millis() as u64;
                recent
                    && self.in_sync.load(Ordering::SeqCst)
                    && self.pending.load(Ordering::SeqCst) == 0
                    && subscriber.is_connected()
            }
        }
    }

    fn millis(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }

    fn fell_out_of_sync(&self, why: &str) {
        if self.in_sync.swap(false, Ordering::SeqCst) {
            tracing::warn!(why, "read cache out of sync with the other nodes; reading the database until it is back");
            metrics::counter!("cache_resyncs_total").increment(1);
        }
    }

    /// The version a load starting now is stamped with; `None` when it cannot be known, and then
    /// the load is not kept.
    pub async fn now(&self) -> Option<u64> {
        match &self.source {
            Source::Local(counter) => Some(counter.load(Ordering::SeqCst)),
            Source::Redis { client, .. } => {
                let read: Result<Option<u64>, _> = client.with_options(&fast()).get(COUNTER).await;
                match read {
                    Ok(version) => {
                        let version = version.unwrap_or(0);
                        if version < self.highest_seen.load(Ordering::SeqCst) {
                            self.fell_out_of_sync("the cache clock in Redis went back");
                            return None;
                        }
                        Some(version)
                    }
                    Err(e) => {
                        self.fell_out_of_sync(&e.to_string());
                        None
                    }
                }
            }
        }
    }

    /// Takes the next version for a write that made `stale` stale, drops those values from the
    /// shared tier, and tells the other nodes, all in one script. Answers 0 when Redis could not
    /// be reached: this node is then out of sync (it drops its whole tier when it is back), and
    /// the script is tried again in the background, since other nodes may still be in sync.
    pub async fn tick(self: &Arc<Self>, stale: &[Stale]) -> u64 {
        match &self.source {
            Source::Local(counter) => counter.fetch_add(1, Ordering::SeqCst) + 1,
            Source::Redis { client, node, .. } => {
                let mut args: Vec<fred::types::Value> = vec![node.as_str().into(), wall_ms().to_string().into()];
                args.extend(stale.iter().map(|item| fred::types::Value::from(wire_item(item))));
                let mut failure = None;
                for attempt in 0..INLINE_TRIES {
                    if attempt > 0 {
                        tokio::time::sleep(PING_EVERY).await;
                    }
                    match eval::<u64>(client, TICK_SCRIPT, args.clone()).await {
                        Ok(version) => {
                            self.highest_seen.fetch_max(version, Ordering::SeqCst);
                            return version;
                        }
                        Err(e) => failure = Some(e),
                    }
                }
                let why = failure.map_or_else(String::new, |e| e.to_string());
                tracing::warn!(error = %why, "invalidating in Redis failed; retrying in the background");
                // This node reads the database until the retry went through and it resynced;
                // other nodes hear of the write when it does.
                self.pending.fetch_add(1, Ordering::SeqCst);
                self.fell_out_of_sync(&why);
                let (clock, client) = (Arc::clone(self), client.clone());
                tokio::spawn(async move {
                    let mut done = false;
                    for _ in 0..BACKGROUND_TRIES {
                        tokio::time::sleep(PING_EVERY * 4).await;
                        if eval::<u64>(&client, TICK_SCRIPT, args.clone()).await.is_ok() {
                            done = true;
                            break;
                        }
                    }
                    if !done {
                        tracing::error!(
                            "a cache invalidation could not reach Redis for minutes: nodes that stayed in sync may serve the old value until it is written again"
                        );
                    }
                    clock.pending.fetch_sub(1, Ordering::SeqCst);
                });
                0
            }
        }
    }

    /// The shared tier's value for `key`, with its version, unless a write to its kind came
    /// after it. `None` without Redis, on a miss, and when Redis fails.
    pub async fn shared_get(&self, key: &Key) -> Option<(u64, Vec<u8>)> {
        let Source::Redis { client, .. } = &self.source else { return None };
        let (item, kind) = (wire_item(&Stale::Key(*key)), key.kind().name());
        let args: Vec<fred::types::Value> = vec![item.into(), kind.into()];
        match eval::<Option<(u64, fred::types::Value)>>(client, READ_SCRIPT, args).await {
            Ok(Some((version, value))) => value.as_bytes().map(|bytes| (version, bytes.to_vec())),
            Ok(None) => None,
            Err(e) => {
                tracing::debug!(error = %e, "reading the shared cache tier failed");
                None
            }
        }
    }

    /// Puts a value loaded at `version` into the shared tier, unless a write since made it stale
    /// or a value as new is there. Waits for nothing: it runs in the background.
    pub fn shared_put(&self, key: &Key, version: u64, value: Payload) {
        let Source::Redis { client, .. } = &self.source else { return };
        let client = client.clone();
        let args: Vec<fred::types::Value> = vec![
            wire_item(&Stale::Key(*key)).into(),
            key.kind().name().into(),
            version.to_string().into(),
            fred::types::Value::Bytes(value.to_vec().into()),
            shared_ttl_secs(key.kind()).to_string().into(),
        ];
        tokio::spawn(async move {
            if let Err(e) = eval::<i64>(&client, PUT_SCRIPT, args).await {
                tracing::debug!(error = %e, "filling the shared cache tier failed");
            }
        });
    }

    pub fn received(&self) -> u64 {
        self.received.load(Ordering::Relaxed)
    }

    pub fn max_lag_ms(&self) -> u64 {
        self.max_lag_ms.load(Ordering::Relaxed)
    }

    pub fn violations(&self) -> u64 {
        self.violations.load(Ordering::Relaxed)
    }

    /// Applies other nodes' invalidations to `tier` until `stop`, keeps asking the subscription
    /// to answer, and brings the node back in sync whenever it falls out.
    pub async fn listen(&self, tier: &dyn Invalidated, mut listener: Listener, stop: CancellationToken) {
        let Source::Redis { client, subscriber, node } = &self.source else { return };
        let mut ticks = tokio::time::interval(PING_EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The PING in flight, and when it was sent.
        let mut ping: Option<(u64, Answer)> = None;
        loop {
            tokio::select! {
                biased;
                () = stop.cancelled() => return,
                message = listener.messages.recv() => match message {
                    Ok(message) => self.receive(tier, node, &message),
                    Err(RecvError::Lagged(missed)) => self.fell_out_of_sync(&format!("missed {missed} invalidations")),
                    Err(RecvError::Closed) => return,
                },
                _ = listener.reconnects.recv() => self.fell_out_of_sync("the subscription reconnected"),
                _ = listener.errors.recv() => self.fell_out_of_sync("the subscription failed"),
                answered = async {
                    match ping.as_mut() {
                        Some((_, answered)) => answered.await,
                        None => std::future::pending().await,
                    }
                } => {
                    let sent = ping.take().map_or(0, |(sent, _)| sent);
                    if answered {
                        // Everything published before the PING came before its answer: apply it
                        // before counting the answer.
                        loop {
                            match listener.messages.try_recv() {
                                Ok(message) => self.receive(tier, node, &message),
                                Err(tokio::sync::broadcast::error::TryRecvError::Lagged(missed)) => {
                                    self.fell_out_of_sync(&format!("missed {missed} invalidations"));
                                }
                                Err(_) => break,
                            }
                        }
                        self.answered_ping_sent_ms.fetch_max(sent, Ordering::SeqCst);
                    }
                }
                _ = ticks.tick() => {
                    let pending = self.pending.load(Ordering::SeqCst) > 0;
                    if !self.in_sync.load(Ordering::SeqCst) && !pending && subscriber.is_connected() {
                        self.resync(tier, client, subscriber).await;
                    }
                    if ping.is_none() {
                        let subscriber = subscriber.clone();
                        ping = Some((self.millis(), Box::pin(async move {
                            let answered = tokio::time::timeout(ANSWERED_WITHIN, subscriber.ping::<()>(None)).await;
                            matches!(answered, Ok(Ok(())))
                        })));
                    }
                }
            }
        }
    }

    /// Subscribes (again), then drops every value older than the counter: whatever was missed
    /// while out of sync was written before that.
    async fn resync(&self, tier: &dyn Invalidated, client: &Client, subscriber: &SubscriberClient) {
        if let Err(e) = subscriber.with_options(&fast()).subscribe(CHANNEL).await {
            tracing::debug!(error = %e, "resubscribing to cache invalidations failed; trying again");
            return;
        }
        let read: Result<Option<u64>, _> = client.with_options(&fast()).get(COUNTER).await;
        match read {
            Ok(version) => {
                let version = version.unwrap_or(0);
                if version < self.highest_seen.load(Ordering::SeqCst) {
                    // Redis lost the clock (a flush, a restart without its data): versions start
                    // again from below what this node's fences hold, so it starts afresh.
                    tracing::warn!(version, "the cache clock in Redis went back; starting the tier afresh");
                    tier.restart();
                    self.highest_seen.store(version, Ordering::SeqCst);
                } else {
                    // Every write missed took a tick up to this one; a load stamped with this
                    // tick or later read the counter after those writes committed, so it is kept.
                    tier.reset(version);
                }
                self.in_sync.store(true, Ordering::SeqCst);
                tracing::info!("read cache back in sync");
            }
            Err(e) => tracing::debug!(error = %e, "reading the cache clock failed; trying again"),
        }
    }

    fn receive(&self, tier: &dyn Invalidated, own: &str, message: &Message) {
        let Some(text) = message.value.as_str() else { return };
        let Some((node, version, at_ms, stale)) = decode(&text) else {
            // What it would have dropped is unknown: drop everything once back in sync.
            self.fell_out_of_sync("an invalidation could not be read");
            return;
        };
        if node == own {
            return;
        }
        self.highest_seen.fetch_max(version, Ordering::SeqCst);
        tier.apply(&stale, version);
        self.received.fetch_add(1, Ordering::Relaxed);
        let lag = wall_ms().saturating_sub(at_ms);
        self.max_lag_ms.fetch_max(lag, Ordering::Relaxed);
        metrics::histogram!("cache_invalidation_lag_seconds").record(lag as f64 / 1000.0);
        metrics::counter!("cache_invalidations_total", "origin" => "remote", "scope" => "message").increment(1);
        if lag > STALENESS_BOUND.as_millis() as u64 {
            self.violations.fetch_add(1, Ordering::Relaxed);
            metrics::counter!("cache_staleness_violations_total").increment(1);
        }
    }
}

/// A PING's answer to come: whether it came in time.
type Answer = std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>>;

/// Commands that fail at once while the connection is down, and soon when Redis is slow.
fn fast() -> Options {
    Options { fail_fast: true, timeout: Some(COMMAND_TIMEOUT), ..Options::default() }
}

fn wall_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64)
}

/// An invalidation on the wire: `node version at_ms item...`, items separated by spaces, each a
/// letter, a colon and the key's ids in hex (`k:` and a kind's name for a whole kind). Only nodes
/// of one deployment read it. [`TICK_SCRIPT`] writes it in Redis, where the version is taken.
#[cfg(test)]
fn encode(node: &str, version: u64, at_ms: u64, stale: &[Stale]) -> String {
    let mut out = format!("{node} {version} {at_ms}");
    for item in stale {
        out.push(' ');
        out.push_str(&wire_item(item));
    }
    out
}

/// One item of an invalidation, which also names the key in the shared tier.
fn wire_item(item: &Stale) -> String {
    match item {
        Stale::Key(Key::EventPage(e)) => format!("e:{:x}", e.0),
        Stale::Key(Key::AttendeeCount(e)) => format!("c:{:x}", e.0),
        Stale::Key(Key::Profile(p)) => format!("p:{:x}", p.0),
        Stale::Key(Key::Recommendations(p)) => format!("r:{:x}", p.0),
        Stale::Key(Key::Suggestions(p, e)) => format!("s:{:x}:{:x}", p.0, e.0),
        Stale::Key(Key::SearchPage(q, page)) => format!("q:{:x}:{page:x}", q.0),
        Stale::Kind(kind) => format!("k:{}", kind.name()),
    }
}

/// Runs one of the scripts below (`EVAL` with no declared keys: the keys are built from the
/// arguments, so the shared tier needs one Redis, not a Redis Cluster).
async fn eval<R: fred::types::FromValue>(
    client: &Client,
    script: &str,
    args: Vec<fred::types::Value>,
) -> Result<R, fred::error::Error> {
    let mut all: Vec<fred::types::Value> = vec![script.into(), 0.into()];
    all.extend(args);
    client.with_options(&fast()).custom(fred::cmd!("EVAL"), all).await
}

/// A write: the next tick of the clock; for each item, a fence of that tick kept a minute (longer
/// than any load that is kept) and the shared value dropped, or for a kind its floor raised; then
/// the invalidation published. ARGV: node, time, items.
const TICK_SCRIPT: &str = r#"
local version = redis.call('INCR', 'mingle:cache:clock')
local message = ARGV[1] .. ' ' .. version .. ' ' .. ARGV[2]
for i = 3, #ARGV do
  local item = ARGV[i]
  if string.sub(item, 1, 2) == 'k:' then
    redis.call('SET', 'mingle:cache:floor:' .. string.sub(item, 3), version)
  else
    redis.call('SET', 'mingle:cache:fence:' .. item, version, 'EX', 60)
    redis.call('DEL', 'mingle:cache:value:' .. item)
  end
  message = message .. ' ' .. item
end
redis.call('PUBLISH', 'mingle:cache:invalidate', message)
return version
"#;

/// A read of the shared tier: the version and the bytes, unless the kind was written since.
/// ARGV: item, kind.
const READ_SCRIPT: &str = r#"
local held = redis.call('HMGET', 'mingle:cache:value:' .. ARGV[1], 'version', 'bytes')
if not held[1] then return false end
local floor = tonumber(redis.call('GET', 'mingle:cache:floor:' .. ARGV[2]) or '0')
if tonumber(held[1]) < floor then return false end
return {tonumber(held[1]), held[2]}
"#;

/// A fill of the shared tier, refused when a write since the load began fenced the key or its
/// kind, or a value as new is held. ARGV: item, kind, version, bytes, seconds to keep.
const PUT_SCRIPT: &str = r#"
local version = tonumber(ARGV[3])
local key = 'mingle:cache:value:' .. ARGV[1]
local fence = tonumber(redis.call('GET', 'mingle:cache:fence:' .. ARGV[1]) or '0')
local floor = tonumber(redis.call('GET', 'mingle:cache:floor:' .. ARGV[2]) or '0')
local held = tonumber(redis.call('HGET', key, 'version') or '-1')
if version < fence or version < floor or version <= held then return 0 end
redis.call('HSET', key, 'version', ARGV[3], 'bytes', ARGV[4])
redis.call('EXPIRE', key, ARGV[5])
return 1
"#;

fn decode(text: &str) -> Option<(&str, u64, u64, Vec<Stale>)> {
    let mut words = text.split(' ');
    let node = words.next()?;
    let version = words.next()?.parse().ok()?;
    let at_ms = words.next()?.parse().ok()?;
    let stale = words.map(decode_item).collect::<Option<Vec<_>>>()?;
    Some((node, version, at_ms, stale))
}

fn decode_item(item: &str) -> Option<Stale> {
    let (letter, rest) = item.split_once(':')?;
    let hex = |s: &str| u128::from_str_radix(s, 16).ok();
    let pair = || rest.split_once(':');
    Some(Stale::Key(match letter {
        "e" => Key::EventPage(EventId(hex(rest)?)),
        "c" => Key::AttendeeCount(EventId(hex(rest)?)),
        "p" => Key::Profile(PersonId(hex(rest)?)),
        "r" => Key::Recommendations(PersonId(hex(rest)?)),
        "s" => {
            let (p, e) = pair()?;
            Key::Suggestions(PersonId(hex(p)?), EventId(hex(e)?))
        }
        "q" => {
            let (q, page) = pair()?;
            Key::SearchPage(QueryId(u64::from_str_radix(q, 16).ok()?), u8::from_str_radix(page, 16).ok()?)
        }
        "k" => return KeyKind::ALL.into_iter().find(|k| k.name() == rest).map(Stale::Kind),
        _ => return None,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalidations_travel_whole() {
        let stale = vec![
            Stale::Key(Key::EventPage(EventId(u128::MAX))),
            Stale::Key(Key::AttendeeCount(EventId(1))),
            Stale::Key(Key::Profile(PersonId(0xabc))),
            Stale::Key(Key::Recommendations(PersonId(7))),
            Stale::Key(Key::Suggestions(PersonId(8), EventId(9))),
            Stale::Key(Key::SearchPage(QueryId(u64::MAX), 3)),
            Stale::Kind(KeyKind::Recommendations),
        ];
        let text = encode("node-1", 42, 1_700, &stale);
        assert_eq!(decode(&text), Some(("node-1", 42, 1_700, stale)));
    }

    #[test]
    fn a_malformed_invalidation_is_refused_whole() {
        for text in ["", "n", "n x 1", "n 1 1 e:zz", "n 1 1 k:nothing", "n 1 1 s:1", "n 1 1 q:1:100"] {
            assert_eq!(decode(text), None, "{text:?}");
        }
    }

    #[tokio::test]
    async fn a_local_clock_ticks_past_every_load_it_stamped() {
        let clock = Clock::local();
        let before = clock.now().await.expect("local clocks always answer");
        let write = clock.tick(&[Stale::Kind(KeyKind::Profile)]).await;
        assert!(write > before);
        assert_eq!(clock.now().await, Some(write));
        assert!(clock.is_in_sync() && !clock.is_shared());
    }
}
