//! The realtime service shared by the WebSocket gateway and the REST handlers: who may read or
//! write which channel, and posting a message (store, then fan out).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use protocol::realtime::{Channel, ChannelMessage, Counters, DmNotice, DmSender, MessageBody};
use protocol::users::ProfileVisibility;
use uuid::Uuid;

use super::access::{AccessWatch, ACCESS_CHANNEL};
use super::broker::Broker;
use super::presence::PresenceRooms;
use crate::render;
use crate::shutdown::Shutdown;
use crate::store::{Store, StoreError, StoredMessage};

/// Characters of a DM's text that its notice on `user:{id}` carries.
const DM_PREVIEW_CHARS: usize = 140;

/// Limits and timings of WebSocket connections.
#[derive(Debug, Clone)]
pub struct RealtimeSettings {
    pub outbox_bytes: usize,
    pub max_frame_bytes: usize,
    /// Read buffer per connection (the library's default, 128 KiB, would dominate an idle
    /// connection's memory).
    pub read_buffer_bytes: usize,
    /// How long a socket holds channel messages after a write, to send them together (a reply,
    /// an error, a ping or a close ends the hold; zero: write whenever something queued).
    pub write_coalesce: Duration,
    pub max_subscriptions: usize,
    pub ping_interval: Duration,
    pub idle_timeout: Duration,
    pub chat_per_minute: u32,
    pub connects_per_address_per_minute: u32,
}

/// Why a channel operation is refused; each maps to an error frame code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Denied {
    UnknownChannel,
    NotFound,
    Forbidden(&'static str),
    ReadOnly,
    /// Access could not be checked (storage unavailable): neither granted nor taken away.
    Unavailable,
}

impl Denied {
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownChannel => "unknown_channel",
            Self::NotFound => "not_found",
            Self::Forbidden(_) => "forbidden",
            Self::ReadOnly => "read_only_channel",
            Self::Unavailable => "unavailable",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::UnknownChannel => {
                "channel names are event:{id}, event:{id}:chat, event:{id}:presence, dm:{id} or user:{id}".to_owned()
            }
            Self::NotFound => "no such event or conversation".to_owned(),
            Self::Forbidden(why) => (*why).to_owned(),
            Self::ReadOnly => "this channel is written by the server only".to_owned(),
            Self::Unavailable => "temporarily unable to check access; retry".to_owned(),
        }
    }
}

pub struct Realtime {
    pub store: Store,
    pub broker: Arc<dyn Broker>,
    pub presence: PresenceRooms,
    pub settings: RealtimeSettings,
    chat_limiter: DefaultKeyedRateLimiter<Uuid>,
    connect_limiter: DefaultKeyedRateLimiter<IpAddr>,
    /// Connections close with 1012 when it says the node stops serving, and are tracked by it.
    pub shutdown: Shutdown,
    connections: AtomicUsize,
    /// Events whose counters changed since the last tick.
    counters_changed: dashmap::DashSet<Uuid>,
    /// The users connected to this node, woken when their access changes.
    pub access: Arc<AccessWatch>,
    /// Where chat activity is counted; set once the analytics pipeline has started.
    analytics: std::sync::OnceLock<crate::analytics::Analytics>,
}

impl std::fmt::Debug for Realtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Realtime").field("connections", &self.connections.load(Ordering::Relaxed)).finish()
    }
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN))
}

impl Realtime {
    pub fn new(
        shutdown: &Shutdown,
        store: Store,
        broker: Arc<dyn Broker>,
        presence: PresenceRooms,
        settings: RealtimeSettings,
    ) -> Arc<Self> {
        let realtime = Arc::new(Self {
            store,
            broker,
            presence,
            chat_limiter: RateLimiter::keyed(per_minute(settings.chat_per_minute)),
            connect_limiter: RateLimiter::keyed(per_minute(settings.connects_per_address_per_minute)),
            settings,
            shutdown: shutdown.clone(),
            connections: AtomicUsize::new(0),
            counters_changed: dashmap::DashSet::new(),
            access: Arc::new(AccessWatch::default()),
            analytics: std::sync::OnceLock::new(),
        });
        shutdown.spawn(housekeeping(Arc::downgrade(&realtime), shutdown.workers_token()));
        shutdown.spawn(Arc::clone(&realtime.access).listen(Arc::clone(&realtime.broker), shutdown.workers_token()));
        realtime
    }

    /// Counts chat activity in `analytics` from now on.
    pub fn count_chat_in(&self, analytics: crate::analytics::Analytics) {
        let _ = self.analytics.set(analytics);
    }

    /// Whether `user` may receive `channel`.
    pub async fn authorize_read(&self, user: Uuid, channel: Channel) -> Result<(), Denied> {
        match channel {
            Channel::Event(event) => self.event_exists(event).await,
            Channel::EventChat(event) | Channel::EventPresence(event) => self.attends(user, event).await,
            Channel::Dm(conversation) => self.in_conversation(user, conversation).await,
            Channel::User(id) if id == user => Ok(()),
            Channel::User(_) => Err(Denied::Forbidden("a user channel is for that user only")),
        }
    }

    /// Whether `user` may post to `channel`: chat for attendees and organizers, DMs for their
    /// two participants; every other channel is written by the server.
    pub async fn authorize_write(&self, user: Uuid, channel: Channel) -> Result<(), Denied> {
        match channel {
            Channel::EventChat(event) => self.attends(user, event).await,
            Channel::Dm(conversation) => self.in_conversation(user, conversation).await,
            Channel::Event(_) | Channel::EventPresence(_) | Channel::User(_) => Err(Denied::ReadOnly),
        }
    }

    async fn event_exists(&self, event: Uuid) -> Result<(), Denied> {
        match self.store.event_exists(event).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(Denied::NotFound),
            Err(e) => Err(internal(&e)),
        }
    }

    /// Organizers, and attendees holding a seat (going, checked in or not). One query: every
    /// chat message asks.
    async fn attends(&self, user: Uuid, event: Uuid) -> Result<(), Denied> {
        match self.store.event_access(event, user).await {
            Ok(None) => Err(Denied::NotFound),
            Ok(Some((true, _))) => Ok(()),
            Ok(Some((false, Some(protocol::events::RsvpStatus::Going)))) => Ok(()),
            Ok(Some(_)) => {
                Err(Denied::Forbidden("event chat and presence are for attendees (RSVP going) and organizers"))
            }
            Err(e) => Err(internal(&e)),
        }
    }

    async fn in_conversation(&self, user: Uuid, conversation: Uuid) -> Result<(), Denied> {
        let (a, b) = match self.store.conversation(conversation).await {
            Ok(Some(pair)) => pair,
            Ok(None) => return Err(Denied::NotFound),
            Err(e) => return Err(internal(&e)),
        };
        if user != a && user != b {
            return Err(Denied::Forbidden("a conversation is for its two participants only"));
        }
        match self.store.is_blocked_either_way(a, b).await {
            Ok(false) => {}
            Ok(true) => return Err(Denied::Forbidden("one of you has blocked the other")),
            Err(e) => return Err(internal(&e)),
        }
        // A hidden profile closes its conversations for both sides while it stays hidden.
        match self.store.users_by_ids(&[a, b]).await {
            Ok(users) if users.len() == 2 && users.iter().all(|u| u.visibility != ProfileVisibility::Hidden) => Ok(()),
            Ok(users) if users.len() == 2 => Err(Denied::Forbidden("one of you has hidden their profile")),
            Ok(_) => Err(Denied::NotFound),
            Err(e) => Err(internal(&e)),
        }
    }

    /// Whether `user` may post another chat line now.
    pub fn allow_chat(&self, user: Uuid) -> bool {
        self.chat_limiter.check_key(&user).is_ok()
    }

    /// Whether a new connection from `address` is within its rate.
    pub fn allow_connect(&self, address: Option<IpAddr>) -> bool {
        address.is_none_or(|a| self.connect_limiter.check_key(&a).is_ok())
    }

    /// Stores `body` on `channel` and fans it out; answers the message as delivered.
    pub async fn post(
        &self,
        channel: Channel,
        sender: Option<Uuid>,
        body: MessageBody,
    ) -> Result<Arc<ChannelMessage>, StoreError> {
        let encoded = serde_json::to_string(&body).map_err(|e| sqlx::Error::Encode(e.into()))?;
        let stored = self.store.append_message(&channel.to_string(), sender, &encoded).await?;
        let message = Arc::new(to_message(stored, body));
        metrics::counter!("realtime_messages_posted_total").increment(1);
        if let (Channel::EventChat(event_id), Some(sender), MessageBody::Chat { .. }) = (channel, sender, &message.body)
        {
            if let Some(analytics) = self.analytics.get() {
                analytics.record(Some(sender), protocol::analytics::UsageEvent::ChatActivity { event_id, messages: 1 });
            }
        }
        if let Err(e) = self.broker.publish(Arc::clone(&message)).await {
            // Stored already: subscribers find it by offset on their next message or resync.
            tracing::warn!(error = %e, %channel, "fan-out failed; subscribers will backfill from storage");
        }
        Ok(message)
    }

    /// Tells the other participant of a DM, on their `user:{id}` channel, that `sender` wrote to
    /// them, so they learn of it without following the conversation. A failure is logged: the
    /// message itself is stored and delivered either way.
    pub async fn notify_dm(&self, conversation: Uuid, message: &ChannelMessage, sender: Uuid, text: &str) {
        let found = async {
            let pair = self.store.conversation(conversation).await?;
            let name = self.store.user_by_id(sender).await?.map(|u| u.display_name);
            Ok::<_, StoreError>(pair.zip(name))
        };
        let ((a, b), display_name) = match found.await {
            Ok(Some(found)) => found,
            Ok(None) => return,
            Err(e) => {
                tracing::warn!(error = %e, %conversation, "looking up a DM's participants failed");
                return;
            }
        };
        let recipient = if sender == a { b } else { a };
        let preview: String = text.chars().take(DM_PREVIEW_CHARS).collect();
        let body = MessageBody::Dm(DmNotice {
            conversation_id: conversation,
            channel: message.channel.clone(),
            offset: message.offset,
            from: DmSender { id: sender, display_name },
            preview,
            sent_at: message.sent_at,
        });
        if let Err(e) = self.post(Channel::User(recipient), None, body).await {
            tracing::warn!(error = %e, %recipient, "DM notice failed");
        }
    }

    /// Notes that an event's RSVP or check-in counts changed; subscribers of `event:{id}` get
    /// the new counts with the next tick (at most one update per event per second).
    pub fn counters_changed(&self, event: Uuid) {
        self.counters_changed.insert(event);
    }

    /// Tells every node that what `users` may receive changed, so their open subscriptions are
    /// checked again and the ones they lost end. Call it after the write that took access away.
    pub async fn access_changed(&self, users: Vec<Uuid>) {
        if users.is_empty() {
            return;
        }
        let message = ChannelMessage {
            channel: ACCESS_CHANNEL.to_owned(),
            offset: 0,
            epoch: 0,
            body: MessageBody::AccessChanged { users },
            sender: None,
            sent_at: chrono::Utc::now(),
        };
        if let Err(e) = self.broker.publish(Arc::new(message)).await {
            tracing::warn!(error = %e, "announcing an access change failed");
        }
    }

    /// Posts the current counts of every event marked changed.
    async fn post_counters(&self) {
        let events: Vec<Uuid> = self.counters_changed.iter().map(|e| *e).collect();
        for event in events {
            self.counters_changed.remove(&event);
            let row = match self.store.event(event).await {
                Ok(Some(row)) => row,
                Ok(None) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, %event, "reading counters failed");
                    continue;
                }
            };
            let body = MessageBody::Counters(Counters {
                going: row.going_count,
                waitlisted: row.waitlist_count,
                interested: row.interested_count,
                checked_in: row.checked_in_count,
                seats_left: row.capacity.map(|c| (c - row.going_count).max(0)),
            });
            if let Err(e) = self.post(Channel::Event(event), None, body).await {
                tracing::warn!(error = %e, %event, "posting counters failed");
            }
        }
    }

    /// Counts a connection for as long as the guard lives.
    pub fn connection_guard(self: &Arc<Self>) -> ConnectionGuard {
        let n = self.connections.fetch_add(1, Ordering::AcqRel) + 1;
        metrics::gauge!("realtime_connections").set(n as f64);
        ConnectionGuard { realtime: Arc::clone(self) }
    }
}

#[derive(Debug)]
pub struct ConnectionGuard {
    realtime: Arc<Realtime>,
}

impl Drop for ConnectionGuard {
    fn drop(&mut self) {
        let n = self.realtime.connections.fetch_sub(1, Ordering::AcqRel) - 1;
        metrics::gauge!("realtime_connections").set(n as f64);
    }
}

fn internal(e: &StoreError) -> Denied {
    tracing::error!(error = %e, "authorization lookup failed");
    Denied::Unavailable
}

/// A stored message as the wire carries it.
pub fn to_message(stored: StoredMessage, body: MessageBody) -> ChannelMessage {
    ChannelMessage {
        channel: stored.channel,
        offset: stored.seq,
        epoch: stored.epoch,
        body,
        sender: stored.sender,
        sent_at: render::utc(stored.sent_at),
    }
}

/// A stored message read back from the database. Every stored body was written from a
/// [`MessageBody`] (older chat lines were given their kind by a migration), so one that does not
/// parse means the database was changed by hand: it is reported rather than sent.
pub fn from_stored(stored: StoredMessage) -> Result<ChannelMessage, StoreError> {
    let body = serde_json::from_str(&stored.body).map_err(|e| {
        tracing::error!(error = %e, channel = stored.channel, offset = stored.seq, "a stored message body does not parse");
        sqlx::Error::Decode(e.into())
    })?;
    Ok(to_message(stored, body))
}

/// Presence batches and counters once a second; rate-limit maps are trimmed once a minute. Ends
/// when the workers stop (after a last flush, so the final counts go out) or the service is gone.
async fn housekeeping(realtime: std::sync::Weak<Realtime>, stop: tokio_util::sync::CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    let mut n: u64 = 0;
    loop {
        let stopping = tokio::select! {
            _ = tick.tick() => false,
            () = stop.cancelled() => true,
        };
        let Some(realtime) = realtime.upgrade() else { return };
        realtime.presence.flush().await;
        realtime.post_counters().await;
        if stopping {
            return;
        }
        n += 1;
        if n.is_multiple_of(60) {
            realtime.chat_limiter.retain_recent();
            realtime.connect_limiter.retain_recent();
        }
    }
}
